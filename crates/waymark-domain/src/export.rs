//! Exports of contacts for evaluators and maps: the period they cover, the location
//! precision they may have, and the rows of `contacts.csv`, `services.csv` and the
//! GeoJSON feature collection.
//!
//! Locations are snapped to a grid no finer than the team's export precision, so an
//! exported map cannot be used to find and sweep a camp: a coordinate is the nearest
//! grid node, written with no more decimals than the grid has (3 for ~100 m, 2 for
//! ~1 km). Nothing here names a person or carries a note: names go only to HMIS,
//! under consent (`crate::hmis`); notes are confidential and never exported.
//!
//! No IO: the device gathers the records, calls these functions and writes the files.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde_json::{Map, Value, json};

use crate::encounter::Encounter;
use crate::error::{Result, ValidationError};
use crate::location::{Location, Precision};
use crate::time::parse_date;

/// The days an export covers, in the team's time zone; both ends included, either
/// open. The default is all time. (Same days as a report's period, `crate::report`,
/// but either end may be left open and there is no length limit.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Period {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Period {
    /// Parses `--from` and `--to` (YYYY-MM-DD, both optional). A `--from` after the
    /// `--to` is refused rather than read as an empty export.
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<Self> {
        let from = from.map(parse_date).transpose()?;
        let to = to.map(parse_date).transpose()?;
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(ValidationError::UnknownValue {
                what: "export period",
                value: format!("from {f} to {t}"),
                expected: "periods whose first day is on or before the last day".into(),
            });
        }
        Ok(Self { from, to })
    }

    /// Whether the local day `date` is inside the period.
    pub fn contains(&self, date: Date) -> bool {
        self.from.is_none_or(|f| date >= f) && self.to.is_none_or(|t| date <= t)
    }
}

/// The day `at` falls on in `tz`.
pub fn local_date(at: Timestamp, tz: &TimeZone) -> Date {
    at.to_zoned_datetime(tz.clone()).date()
}

/// How coarse a precision is: exact < ~100 m < ~1 km.
fn coarseness(p: Precision) -> u8 {
    match p {
        Precision::Exact => 0,
        Precision::M100 => 1,
        Precision::Km1 => 2,
    }
}

/// The precision an export gets: the coarser of what was asked for and the team's
/// finest allowed (`export_precision`). Asking for nothing gets the team's.
pub fn effective_precision(team_finest: Precision, requested: Option<Precision>) -> Precision {
    match requested {
        Some(r) if coarseness(r) > coarseness(team_finest) => r,
        _ => team_finest,
    }
}

/// Decimals a coordinate of `precision` is written with (`None`: as recorded).
pub fn decimals(precision: Precision) -> Option<usize> {
    match precision {
        Precision::Exact => None,
        Precision::M100 => Some(3),
        Precision::Km1 => Some(2),
    }
}

/// One coordinate snapped to the nearest grid node of `precision` (0.001° or 0.01°),
/// so its decimal form has no more digits than the grid. Exact passes it through.
fn snap(value: f64, precision: Precision) -> f64 {
    let Some(d) = decimals(precision) else {
        return value;
    };
    let scale = if d == 3 { 1000.0 } else { 100.0 };
    let units = (value * scale).round();
    // -0.0 would print as "-0.0".
    if units == 0.0 { 0.0 } else { units / scale }
}

/// A location snapped to the export grid: (lat, lon).
pub fn grid_point(location: &Location, precision: Precision) -> (f64, f64) {
    (snap(location.lat, precision).clamp(-90.0, 90.0), snap(location.lon, precision).clamp(-180.0, 180.0))
}

/// A snapped coordinate as text, with exactly the grid's decimals.
pub fn format_coordinate(value: f64, precision: Precision) -> String {
    match decimals(precision) {
        Some(d) => format!("{value:.d$}"),
        None => format!("{value}"),
    }
}

/// `key=count;key=count` in key order.
pub fn services_text(e: &Encounter) -> String {
    e.services.iter().map(|(k, n)| format!("{k}={n}")).collect::<Vec<_>>().join(";")
}

/// The columns of `contacts.csv`: one row per contact, no names and no notes.
pub const CONTACTS_HEADER: &[&str] = &[
    "contact_id",
    "at",
    "date",
    "person_id",
    "kind",
    "services",
    "living_situation",
    "duration_minutes",
    "lat",
    "lon",
    "author_device",
];

/// The columns of `services.csv`: one row per service given at a contact.
pub const SERVICES_HEADER: &[&str] = &["contact_id", "date", "person_id", "service", "count"];

/// The rows of `contacts.csv` and `services.csv` for the contacts in `period`,
/// oldest first. `encounters` carry person ids already resolved through merges.
pub fn contact_rows(
    encounters: &[Encounter],
    tz: &TimeZone,
    period: &Period,
    precision: Precision,
) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let mut list: Vec<&Encounter> = encounters.iter().filter(|e| period.contains(local_date(e.at.utc, tz))).collect();
    list.sort_by(|a, b| a.at.utc.cmp(&b.at.utc).then(a.id.cmp(&b.id)));
    let mut contacts = Vec::with_capacity(list.len());
    let mut services = Vec::new();
    for e in list {
        let date = local_date(e.at.utc, tz).to_string();
        let person = e.person_id.map(|p| p.to_string()).unwrap_or_default();
        let (lat, lon) = match &e.location {
            Some(l) => {
                let (lat, lon) = grid_point(l, precision);
                (format_coordinate(lat, precision), format_coordinate(lon, precision))
            }
            None => (String::new(), String::new()),
        };
        contacts.push(vec![
            e.id.to_string(),
            e.at.to_rfc3339(),
            date.clone(),
            person.clone(),
            e.kind.as_str().to_owned(),
            services_text(e),
            e.living_situation.map(|c| c.to_string()).unwrap_or_default(),
            e.duration_minutes.map(|m| m.to_string()).unwrap_or_default(),
            lat,
            lon,
            e.author.to_string(),
        ]);
        for (key, count) in &e.services {
            services.push(vec![e.id.to_string(), date.clone(), person.clone(), key.clone(), count.to_string()]);
        }
    }
    (contacts, services)
}

/// A GeoJSON FeatureCollection of the contacts in `period` that have a location:
/// points on the export grid, with the day, the kind of contact and the services
/// given, and nothing that names or identifies a person (no person id, no time of
/// day). Returns the collection and how many features it holds.
pub fn geojson(encounters: &[Encounter], tz: &TimeZone, period: &Period, precision: Precision) -> (Value, usize) {
    let mut list: Vec<(&Encounter, &Location)> = encounters
        .iter()
        .filter(|e| period.contains(local_date(e.at.utc, tz)))
        .filter_map(|e| e.location.as_ref().map(|l| (e, l)))
        .collect();
    list.sort_by(|a, b| a.0.at.utc.cmp(&b.0.at.utc).then(a.0.id.cmp(&b.0.id)));
    let features: Vec<Value> = list
        .iter()
        .map(|(e, l)| {
            let (lat, lon) = grid_point(l, precision);
            let services: Map<String, Value> = e.services.iter().map(|(k, n)| (k.clone(), json!(n))).collect();
            json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [lon, lat] },
                "properties": {
                    "date": local_date(e.at.utc, tz).to_string(),
                    "kind": e.kind.as_str(),
                    "services": services,
                },
            })
        })
        .collect();
    let count = features.len();
    let collection = json!({
        "type": "FeatureCollection",
        "precision": precision.as_str(),
        "features": features,
    });
    (collection, count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encounter::{EncounterKind, Services};
    use crate::ids::{DeviceId, EncounterId, PersonId};
    use crate::time::LocalInstant;
    use jiff::civil::date;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn encounter(n: u8, at: &str, offset_hours: i32, loc: Option<(f64, f64)>) -> Encounter {
        let mut services = Services::new();
        services.insert("naloxone".into(), 2);
        services.insert("food".into(), 1);
        Encounter {
            id: EncounterId::from_random_bytes([n; 16]),
            person_id: Some(PersonId::from_random_bytes([7; 16])),
            at: LocalInstant { utc: ts(at), offset_seconds: offset_hours * 3600 },
            location: loc.map(|(lat, lon)| Location { lat, lon, accuracy_m: Some(5.0) }),
            kind: EncounterKind::Street,
            services,
            living_situation: Some(116),
            duration_minutes: Some(10),
            note: Some("CANARY confidential".into()),
            author: DeviceId::from_random_bytes([3; 16]),
        }
    }

    #[test]
    fn periods_parse_and_include_both_ends() {
        let p = Period::parse(Some("2026-03-01"), Some("2026-03-31")).expect("valid");
        assert!(p.contains(date(2026, 3, 1)) && p.contains(date(2026, 3, 31)));
        assert!(!p.contains(date(2026, 2, 28)) && !p.contains(date(2026, 4, 1)));
        assert!(Period::parse(None, None).expect("open").contains(date(1999, 1, 1)));
        assert!(Period::parse(Some("2026-03-01"), Some("2026-03-01")).is_ok());
        assert!(matches!(
            Period::parse(Some("2026-04-01"), Some("2026-03-01")),
            Err(ValidationError::UnknownValue { .. })
        ));
        assert!(matches!(Period::parse(Some("2026-02-30"), None), Err(ValidationError::Date(_))));
        assert!(matches!(Period::parse(None, Some("March")), Err(ValidationError::Date(_))));
    }

    #[test]
    fn the_team_setting_is_the_finest_an_export_gets() {
        use Precision::*;
        assert_eq!(effective_precision(Km1, Some(Exact)), Km1);
        assert_eq!(effective_precision(Km1, Some(M100)), Km1);
        assert_eq!(effective_precision(M100, Some(Km1)), Km1);
        assert_eq!(effective_precision(M100, None), M100);
        assert_eq!(effective_precision(Exact, Some(Exact)), Exact);
        assert_eq!(effective_precision(Exact, Some(M100)), M100);
    }

    #[test]
    fn coordinates_snap_to_grid_nodes_with_the_grid_decimals() {
        let l = Location { lat: 47.608_123, lon: -122.335_987, accuracy_m: None };
        assert_eq!(grid_point(&l, Precision::M100), (47.608, -122.336));
        assert_eq!(grid_point(&l, Precision::Km1), (47.61, -122.34));
        assert_eq!(grid_point(&l, Precision::Exact), (47.608_123, -122.335_987));
        assert_eq!(format_coordinate(47.61, Precision::Km1), "47.61");
        assert_eq!(format_coordinate(47.6, Precision::Km1), "47.60");
        assert_eq!(format_coordinate(-122.336, Precision::M100), "-122.336");
        let zero = Location { lat: -0.0004, lon: 0.0001, accuracy_m: None };
        assert_eq!(serde_json::to_string(&grid_point(&zero, Precision::M100).0).expect("json"), "0.0");
        // JSON numbers carry no more digits than the grid.
        for (lat, lon) in [(47.608_123, -122.335_987), (0.123_456, 179.999_9), (-33.456_789, 151.2)] {
            let l = Location { lat, lon, accuracy_m: None };
            let (a, b) = grid_point(&l, Precision::Km1);
            for v in [a, b] {
                let text = serde_json::to_string(&v).expect("json");
                let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
                assert!(decimals <= 2, "{text}");
            }
        }
    }

    #[test]
    fn contact_rows_carry_no_note_and_coarse_places() {
        let tz = TimeZone::UTC;
        let list = [
            encounter(1, "2026-03-02T10:00:00Z", -8, Some((47.608_123, -122.335_987))),
            encounter(2, "2026-03-01T10:00:00Z", 0, None),
            encounter(3, "2026-04-01T10:00:00Z", 0, None),
        ];
        let period = Period::parse(Some("2026-03-01"), Some("2026-03-31")).expect("valid");
        let (contacts, services) = contact_rows(&list, &tz, &period, Precision::Km1);
        assert_eq!(contacts.len(), 2, "April is outside the period");
        assert_eq!(contacts[0][0], list[1].id.to_string(), "oldest first");
        let row = &contacts[1];
        assert_eq!(row.len(), CONTACTS_HEADER.len());
        assert_eq!(row[1], "2026-03-02T02:00:00-08:00");
        assert_eq!(row[5], "food=1;naloxone=2");
        assert_eq!((row[8].as_str(), row[9].as_str()), ("47.61", "-122.34"));
        assert!(contacts.iter().flatten().all(|f| !f.contains("CANARY")));
        assert_eq!(services.len(), 4);
        assert_eq!(services[0].len(), SERVICES_HEADER.len());
    }

    #[test]
    fn geojson_points_have_no_person_and_no_time_of_day() {
        let tz = TimeZone::UTC;
        let list = [
            encounter(1, "2026-03-02T10:00:00Z", 0, Some((47.608_123, -122.335_987))),
            encounter(2, "2026-03-03T10:00:00Z", 0, None),
        ];
        let (fc, n) = geojson(&list, &tz, &Period::default(), Precision::M100);
        assert_eq!(n, 1, "only contacts with a location");
        let text = fc.to_string();
        assert!(!text.contains(&list[0].person_id.map(|p| p.to_string()).unwrap_or_default()));
        assert!(!text.contains("CANARY") && !text.contains("10:00"));
        assert_eq!(fc["features"][0]["geometry"]["coordinates"], json!([-122.336, 47.608]));
        assert_eq!(fc["features"][0]["properties"]["date"], "2026-03-02");
        assert_eq!(fc["features"][0]["properties"]["services"]["naloxone"], 2);
    }
}

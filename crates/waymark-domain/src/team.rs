//! Team (program site) settings: catchment area, intake window, exclusion checklist,
//! service catalog, time zone, location precision and the idle lock.

use geo::{MultiPolygon, Polygon};
use serde::{Deserialize, Serialize};

use crate::error::{Result, ValidationError, check_key};
use crate::location::Precision;

pub const DEFAULT_INTAKE_DAYS: u8 = 30;
pub const DEFAULT_LOCK_MINUTES: u8 = 5;
/// Days without a contact after which a participant is listed for follow-up.
pub const DEFAULT_INACTIVE_DAYS: u16 = 90;

/// What an HMIS export does with a person whose consents do not cover HMIS sharing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HmisPolicy {
    /// Left out of the export entirely (with their enrollments and services).
    #[default]
    Exclude,
    /// Exported without name, date of birth or aliases (HUD's data quality codes say
    /// "data not collected"), so counts stay right and nobody is identifiable.
    Deidentify,
}

impl HmisPolicy {
    pub const ALL: [HmisPolicy; 2] = [HmisPolicy::Exclude, HmisPolicy::Deidentify];

    pub fn as_str(&self) -> &'static str {
        match self {
            HmisPolicy::Exclude => "exclude",
            HmisPolicy::Deidentify => "deidentify",
        }
    }
}

impl std::str::FromStr for HmisPolicy {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self> {
        HmisPolicy::ALL.into_iter().find(|p| p.as_str() == s).ok_or_else(|| ValidationError::UnknownValue {
            what: "HMIS policy for persons without consent",
            value: s.to_owned(),
            expected: "exclude, deidentify".into(),
        })
    }
}

/// A checklist or catalog entry: a stable key and a label shown to workers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Entry {
    pub key: String,
    pub label: String,
}

impl Entry {
    pub fn new(key: &str, label: &str) -> Result<Self> {
        check_key(key)?;
        let label = label.trim();
        if label.is_empty() {
            return Err(ValidationError::Empty("label"));
        }
        Ok(Self { key: key.to_owned(), label: label.to_owned() })
    }

    /// Parses `KEY=LABEL` as given on the command line.
    pub fn parse_pair(text: &str) -> Result<Self> {
        let (key, label) = text.split_once('=').ok_or_else(|| ValidationError::Key(text.to_owned()))?;
        Entry::new(key.trim(), label)
    }
}

fn entries(pairs: &[(&str, &str)]) -> Vec<Entry> {
    pairs.iter().map(|(k, l)| Entry { key: (*k).into(), label: (*l).into() }).collect()
}

/// The services a new team offers: harm-reduction supplies first.
pub fn default_services() -> Vec<Entry> {
    entries(&[
        ("naloxone", "Naloxone kit"),
        ("fentanyl_test_strips", "Fentanyl test strips"),
        ("syringe_services", "Syringe services"),
        ("hygiene_kit", "Hygiene kit"),
        ("food", "Food"),
        ("water", "Water"),
        ("clothing", "Clothing"),
        ("transport", "Transport"),
        ("id_help", "ID / documents help"),
        ("housing_referral", "Housing referral"),
        ("treatment_referral", "Treatment referral"),
        ("medical_referral", "Medical referral"),
        ("mental_health_referral", "Mental health referral"),
    ])
}

/// The exclusion checklist a new team starts with (LEAD's usual criteria).
pub fn default_exclusions() -> Vec<Entry> {
    entries(&[
        ("violent_history", "History of serious violence"),
        ("exploits_minors", "Exploits minors or others"),
        ("promotes_prostitution", "Promotes prostitution"),
        ("dealing_for_profit", "Dealing for profit above the threshold"),
        ("under_18", "Under 18"),
        ("no_contact_order", "Subject of a no-contact order"),
    ])
}

/// A catchment area read from GeoJSON: the polygons a referral location is checked
/// against. The GeoJSON text is what documents store, so every device reads the same.
#[derive(Debug, Clone, PartialEq)]
pub struct Catchment {
    geojson: String,
    area: MultiPolygon<f64>,
}

impl Catchment {
    /// Reads every Polygon and MultiPolygon in a GeoJSON geometry, feature or feature
    /// collection. Other geometry types are refused rather than ignored, so a wrong
    /// file is noticed.
    pub fn from_geojson(text: &str) -> Result<Self> {
        let gj: geojson::GeoJson = text.parse().map_err(|e| ValidationError::Catchment(format!("not GeoJSON: {e}")))?;
        let mut polygons: Vec<Polygon<f64>> = Vec::new();
        let mut add = |geometry: &geojson::Geometry| -> Result<()> {
            let g: geo::Geometry<f64> =
                geometry.clone().try_into().map_err(|e| ValidationError::Catchment(format!("bad geometry: {e}")))?;
            match g {
                geo::Geometry::Polygon(p) => polygons.push(p),
                geo::Geometry::MultiPolygon(mp) => polygons.extend(mp.0),
                other => {
                    return Err(ValidationError::Catchment(format!(
                        "only Polygon and MultiPolygon areas are allowed, found {}",
                        geometry_name(&other)
                    )));
                }
            }
            Ok(())
        };
        match &gj {
            geojson::GeoJson::Geometry(g) => add(g)?,
            geojson::GeoJson::Feature(f) => {
                if let Some(g) = &f.geometry {
                    add(g)?;
                }
            }
            geojson::GeoJson::FeatureCollection(fc) => {
                for f in &fc.features {
                    if let Some(g) = &f.geometry {
                        add(g)?;
                    }
                }
            }
        }
        if polygons.is_empty() {
            return Err(ValidationError::Catchment("no polygon in the file".into()));
        }
        for p in &polygons {
            for c in p.exterior().coords() {
                if !(-90.0..=90.0).contains(&c.y) || !(-180.0..=180.0).contains(&c.x) {
                    return Err(ValidationError::Catchment(format!(
                        "coordinate [{}, {}] is not a longitude/latitude pair",
                        c.x, c.y
                    )));
                }
            }
        }
        Ok(Self { geojson: text.to_owned(), area: MultiPolygon(polygons) })
    }

    pub fn geojson(&self) -> &str {
        &self.geojson
    }

    pub fn area(&self) -> &MultiPolygon<f64> {
        &self.area
    }
}

fn geometry_name(g: &geo::Geometry<f64>) -> &'static str {
    match g {
        geo::Geometry::Point(_) => "Point",
        geo::Geometry::Line(_) | geo::Geometry::LineString(_) => "LineString",
        geo::Geometry::MultiPoint(_) => "MultiPoint",
        geo::Geometry::MultiLineString(_) => "MultiLineString",
        geo::Geometry::GeometryCollection(_) => "GeometryCollection",
        geo::Geometry::Rect(_) => "Rect",
        geo::Geometry::Triangle(_) => "Triangle",
        geo::Geometry::Polygon(_) | geo::Geometry::MultiPolygon(_) => "Polygon",
    }
}

/// A team's settings as every device reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamSettings {
    pub name: String,
    /// IANA zone for the intake clock and reports' local days.
    pub time_zone: String,
    pub catchment: Option<Catchment>,
    pub intake_days: u8,
    pub exclusions: Vec<Entry>,
    pub services: Vec<Entry>,
    pub location_precision: Precision,
    pub lock_minutes: u8,
    /// The finest precision an export of contact locations may have (an export may
    /// ask for coarser, never finer), so exported maps cannot lead to camps.
    pub export_precision: Precision,
    pub hmis_without_consent: HmisPolicy,
    pub inactive_days: u16,
}

impl Default for TeamSettings {
    fn default() -> Self {
        Self {
            name: "Waymark team".into(),
            time_zone: "UTC".into(),
            catchment: None,
            intake_days: DEFAULT_INTAKE_DAYS,
            exclusions: default_exclusions(),
            services: default_services(),
            location_precision: Precision::Exact,
            lock_minutes: DEFAULT_LOCK_MINUTES,
            export_precision: Precision::Km1,
            hmis_without_consent: HmisPolicy::Exclude,
            inactive_days: DEFAULT_INACTIVE_DAYS,
        }
    }
}

impl TeamSettings {
    pub fn service(&self, key: &str) -> Result<&Entry> {
        self.services
            .iter()
            .find(|s| s.key == key)
            .ok_or_else(|| ValidationError::UnknownService(key.to_owned(), keys(&self.services)))
    }

    pub fn exclusion(&self, key: &str) -> Result<&Entry> {
        self.exclusions
            .iter()
            .find(|s| s.key == key)
            .ok_or_else(|| ValidationError::UnknownExclusion(key.to_owned(), keys(&self.exclusions)))
    }

    /// Adds an exclusion or relabels the one with the same key.
    pub fn upsert_exclusion(&mut self, entry: Entry) {
        upsert(&mut self.exclusions, entry);
    }

    /// Adds a service or relabels the one with the same key.
    pub fn upsert_service(&mut self, entry: Entry) {
        upsert(&mut self.services, entry);
    }
}

fn upsert(list: &mut Vec<Entry>, entry: Entry) {
    match list.iter_mut().find(|e| e.key == entry.key) {
        Some(e) => e.label = entry.label,
        None => list.push(entry),
    }
}

fn keys(entries: &[Entry]) -> String {
    entries.iter().map(|e| e.key.as_str()).collect::<Vec<_>>().join(", ")
}

/// Checks an intake window (site-set, 7 to 30 days).
pub fn intake_days(days: i64) -> Result<u8> {
    match u8::try_from(days) {
        Ok(d) if (7..=30).contains(&d) => Ok(d),
        _ => Err(ValidationError::IntakeDays(days)),
    }
}

/// Checks the idle-lock time (1 to 30 minutes).
pub fn lock_minutes(minutes: i64) -> Result<u8> {
    match u8::try_from(minutes) {
        Ok(m) if (1..=30).contains(&m) => Ok(m),
        _ => Err(ValidationError::LockMinutes(minutes)),
    }
}

/// Checks the no-contact threshold of the caseload list (14 to 365 days).
pub fn inactive_days(days: i64) -> Result<u16> {
    match u16::try_from(days) {
        Ok(d) if (14..=365).contains(&d) => Ok(d),
        _ => Err(ValidationError::InactiveDays(days)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intake_window_must_be_7_to_30_days() {
        assert_eq!(intake_days(7), Ok(7));
        assert_eq!(intake_days(30), Ok(30));
        assert_eq!(intake_days(6), Err(ValidationError::IntakeDays(6)));
        assert_eq!(intake_days(31), Err(ValidationError::IntakeDays(31)));
        assert_eq!(intake_days(-1), Err(ValidationError::IntakeDays(-1)));
        assert_eq!(lock_minutes(31), Err(ValidationError::LockMinutes(31)));
        assert_eq!(inactive_days(90), Ok(90));
        assert_eq!(inactive_days(13), Err(ValidationError::InactiveDays(13)));
        assert_eq!(inactive_days(366), Err(ValidationError::InactiveDays(366)));
        assert_eq!("deidentify".parse::<HmisPolicy>(), Ok(HmisPolicy::Deidentify));
        assert!("share".parse::<HmisPolicy>().is_err());
    }

    #[test]
    fn defaults_include_harm_reduction_supplies() {
        let team = TeamSettings::default();
        assert_eq!(team.intake_days, 30);
        assert!(team.service("naloxone").is_ok());
        assert!(team.service("fentanyl_test_strips").is_ok());
        let err = team.service("pizza").expect_err("unknown");
        assert!(err.to_string().starts_with("unknown service \"pizza\": the team's services are naloxone, "));
        assert!(team.exclusion("under_18").is_ok());
    }

    #[test]
    fn exclusions_can_be_added_and_relabelled() {
        let mut team = TeamSettings::default();
        team.upsert_exclusion(Entry::parse_pair("sex_offense=Registered sex offense").expect("valid"));
        team.upsert_exclusion(Entry::parse_pair("under_18=Minor").expect("valid"));
        assert_eq!(team.exclusion("sex_offense").map(|e| e.label.as_str()), Ok("Registered sex offense"));
        assert_eq!(team.exclusion("under_18").map(|e| e.label.as_str()), Ok("Minor"));
        assert!(Entry::parse_pair("Bad Key=x").is_err());
        assert!(Entry::parse_pair("nolabel").is_err());
        assert!(Entry::parse_pair("k=  ").is_err());
    }

    #[test]
    fn catchment_refuses_non_polygons_and_garbage() {
        let point = r#"{"type":"Point","coordinates":[-122.3,47.6]}"#;
        assert!(matches!(Catchment::from_geojson(point), Err(ValidationError::Catchment(m)) if m.contains("Point")));
        assert!(Catchment::from_geojson("{nope").is_err());
        let empty = r#"{"type":"FeatureCollection","features":[]}"#;
        assert!(Catchment::from_geojson(empty).is_err());
        let swapped = r#"{"type":"Polygon","coordinates":[[[47.6,-122.3],[47.7,-122.3],[47.7,-122.2],[47.6,-122.3]]]}"#;
        assert!(Catchment::from_geojson(swapped).is_err());
    }
}

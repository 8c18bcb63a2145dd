//! Referral eligibility as the program's rules say: a referral outside the catchment
//! area or with an exclusion answered "yes" needs review. The officer is warned, never
//! blocked: the program (or prosecutor) decides.

use geo::Intersects;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::location::Location;
use crate::team::TeamSettings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum EligibilityResult {
    Eligible,
    NeedsReview,
}

/// The computed result and, when review is needed, every reason in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Eligibility {
    pub result: EligibilityResult,
    pub reasons: Vec<String>,
}

pub const OUTSIDE_CATCHMENT: &str = "outside catchment area";
pub const NO_LOCATION: &str = "no location given: catchment area not checked";

/// Assesses a referral made at `location` with the exclusions in `answered_yes`
/// (checklist keys). Unknown keys are an error, so a typo is not read as "no".
pub fn assess(team: &TeamSettings, location: Option<&Location>, answered_yes: &[String]) -> Result<Eligibility> {
    let mut reasons = Vec::new();
    if let Some(catchment) = &team.catchment {
        match location {
            // A point on the boundary counts as inside: the benefit of the doubt goes
            // to the person being referred.
            Some(loc) => {
                if !catchment.area().intersects(&loc.point()) {
                    reasons.push(OUTSIDE_CATCHMENT.to_owned());
                }
            }
            None => reasons.push(NO_LOCATION.to_owned()),
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for key in answered_yes {
        let entry = team.exclusion(key)?;
        if !seen.contains(&entry.key.as_str()) {
            seen.push(&entry.key);
            reasons.push(format!("exclusion: {}", entry.label));
        }
    }
    let result = if reasons.is_empty() { EligibilityResult::Eligible } else { EligibilityResult::NeedsReview };
    Ok(Eligibility { result, reasons })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ValidationError;
    use crate::team::Catchment;

    /// A 1°×1° square with a 0.2° hole in the middle (a park the program excludes).
    const AREA: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},
        "geometry":{"type":"Polygon","coordinates":[
          [[-123.0,47.0],[-122.0,47.0],[-122.0,48.0],[-123.0,48.0],[-123.0,47.0]],
          [[-122.6,47.4],[-122.4,47.4],[-122.4,47.6],[-122.6,47.6],[-122.6,47.4]]]}}]}"#;

    fn team() -> TeamSettings {
        TeamSettings { catchment: Some(Catchment::from_geojson(AREA).expect("valid area")), ..TeamSettings::default() }
    }

    fn at(lat: f64, lon: f64) -> Location {
        Location::new(lat, lon, None).expect("valid")
    }

    #[test]
    fn inside_the_area_is_eligible() {
        let e = assess(&team(), Some(&at(47.2, -122.8)), &[]).expect("assessed");
        assert_eq!(e, Eligibility { result: EligibilityResult::Eligible, reasons: vec![] });
    }

    #[test]
    fn outside_the_area_needs_review_with_reason() {
        let e = assess(&team(), Some(&at(46.5, -122.5)), &[]).expect("assessed");
        assert_eq!(e.result, EligibilityResult::NeedsReview);
        assert_eq!(e.reasons, [OUTSIDE_CATCHMENT]);
    }

    #[test]
    fn inside_a_hole_is_outside() {
        let e = assess(&team(), Some(&at(47.5, -122.5)), &[]).expect("assessed");
        assert_eq!(e.reasons, [OUTSIDE_CATCHMENT]);
    }

    #[test]
    fn on_the_boundary_counts_as_inside() {
        let e = assess(&team(), Some(&at(47.0, -122.5)), &[]).expect("assessed");
        assert_eq!(e.result, EligibilityResult::Eligible);
        let hole_edge = assess(&team(), Some(&at(47.4, -122.5)), &[]).expect("assessed");
        assert_eq!(hole_edge.result, EligibilityResult::Eligible);
    }

    #[test]
    fn multipolygon_areas_count_every_part() {
        let two = r#"{"type":"MultiPolygon","coordinates":[
            [[[0,0],[1,0],[1,1],[0,1],[0,0]]], [[[10,10],[11,10],[11,11],[10,11],[10,10]]]]}"#;
        let t =
            TeamSettings { catchment: Some(Catchment::from_geojson(two).expect("valid")), ..TeamSettings::default() };
        assert_eq!(assess(&t, Some(&at(10.5, 10.5)), &[]).map(|e| e.result), Ok(EligibilityResult::Eligible));
        assert_eq!(assess(&t, Some(&at(5.0, 5.0)), &[]).map(|e| e.result), Ok(EligibilityResult::NeedsReview));
    }

    #[test]
    fn no_location_with_a_catchment_needs_review_but_no_catchment_is_fine() {
        assert_eq!(assess(&team(), None, &[]).map(|e| e.reasons), Ok(vec![NO_LOCATION.to_owned()]));
        assert_eq!(assess(&TeamSettings::default(), None, &[]).map(|e| e.result), Ok(EligibilityResult::Eligible));
    }

    #[test]
    fn each_exclusion_is_a_reason_once() {
        let yes = vec!["under_18".to_owned(), "violent_history".to_owned(), "under_18".to_owned()];
        let e = assess(&team(), Some(&at(47.2, -122.8)), &yes).expect("assessed");
        assert_eq!(e.result, EligibilityResult::NeedsReview);
        assert_eq!(e.reasons, ["exclusion: Under 18", "exclusion: History of serious violence"]);
    }

    #[test]
    fn unknown_exclusion_is_an_error_not_a_no() {
        let e = assess(&team(), None, &["typo".to_owned()]);
        assert!(matches!(e, Err(ValidationError::UnknownExclusion(k, _)) if k == "typo"));
    }
}

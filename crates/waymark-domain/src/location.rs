//! Where something happened: a validated WGS84 point with optional accuracy, and the
//! coarsening that keeps stored or exported points from pinpointing a camp.

use serde::{Deserialize, Serialize};

use crate::error::{Result, ValidationError};

/// A WGS84 point as reported by the phone.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
    /// Horizontal accuracy in metres, when the phone reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_m: Option<f64>,
}

impl Location {
    pub fn new(lat: f64, lon: f64, accuracy_m: Option<f64>) -> Result<Self> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(ValidationError::Latitude(lat));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(ValidationError::Longitude(lon));
        }
        if let Some(acc) = accuracy_m
            && (!acc.is_finite() || acc <= 0.0)
        {
            return Err(ValidationError::Accuracy(acc));
        }
        Ok(Self { lat, lon, accuracy_m })
    }

    pub fn point(&self) -> geo::Point<f64> {
        geo::Point::new(self.lon, self.lat)
    }

    /// Great-circle distance in metres (haversine), for "nearby" lists.
    pub fn distance_m(&self, other: &Location) -> f64 {
        use geo::{Distance, Haversine};
        Haversine.distance(self.point(), other.point())
    }

    /// The point snapped to the centre of a grid cell of the given precision.
    pub fn coarsened(&self, precision: Precision) -> Location {
        let Some(step) = precision.grid_degrees() else {
            return *self;
        };
        let snap = |v: f64| ((v / step).floor() + 0.5) * step;
        let accuracy = precision.grid_metres().map(|m| self.accuracy_m.map_or(m, |a| a.max(m)));
        Location {
            lat: snap(self.lat).clamp(-90.0, 90.0),
            lon: snap(self.lon).clamp(-180.0, 180.0),
            accuracy_m: accuracy,
        }
    }
}

/// How precisely locations are kept or exported (a team setting): exact, or snapped
/// to a grid of about 100 m or 1 km.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Precision {
    #[default]
    #[serde(rename = "exact")]
    Exact,
    #[serde(rename = "100m")]
    M100,
    #[serde(rename = "1km")]
    Km1,
}

impl Precision {
    pub const ALL: [Precision; 3] = [Precision::Exact, Precision::M100, Precision::Km1];

    pub fn as_str(&self) -> &'static str {
        match self {
            Precision::Exact => "exact",
            Precision::M100 => "100m",
            Precision::Km1 => "1km",
        }
    }

    /// Grid size in degrees: 0.001° of latitude is ~111 m, 0.01° ~1.1 km. (A degree of
    /// longitude is shorter away from the equator, which only makes cells narrower.)
    fn grid_degrees(&self) -> Option<f64> {
        match self {
            Precision::Exact => None,
            Precision::M100 => Some(0.001),
            Precision::Km1 => Some(0.01),
        }
    }

    fn grid_metres(&self) -> Option<f64> {
        self.grid_degrees().map(|d| d * 111_320.0)
    }
}

impl std::str::FromStr for Precision {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self> {
        Precision::ALL.into_iter().find(|p| p.as_str() == s).ok_or_else(|| ValidationError::UnknownValue {
            what: "precision",
            value: s.to_owned(),
            expected: "exact, 100m, 1km".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_coordinates_are_refused_precisely() {
        assert_eq!(Location::new(91.0, 0.0, None), Err(ValidationError::Latitude(91.0)));
        assert_eq!(Location::new(0.0, -180.5, None), Err(ValidationError::Longitude(-180.5)));
        assert!(matches!(Location::new(f64::NAN, 0.0, None), Err(ValidationError::Latitude(_))));
        assert_eq!(Location::new(0.0, 0.0, Some(-3.0)), Err(ValidationError::Accuracy(-3.0)));
        assert!(Location::new(-90.0, 180.0, Some(5.0)).is_ok());
    }

    #[test]
    fn coarsening_snaps_to_grid_centres() {
        let p = Location::new(47.608_123, -122.335_987, Some(8.0)).expect("valid");
        let c = p.coarsened(Precision::M100);
        assert!((c.lat - 47.6085).abs() < 1e-9 && (c.lon - -122.3355).abs() < 1e-9, "{c:?}");
        let k = p.coarsened(Precision::Km1);
        assert!((k.lat - 47.605).abs() < 1e-9 && (k.lon - -122.335).abs() < 1e-9, "{k:?}");
        assert!(k.accuracy_m.unwrap_or_default() > 1000.0);
        assert_eq!(p.coarsened(Precision::Exact), p);
    }

    #[test]
    fn distance_is_plausible() {
        let a = Location::new(47.6062, -122.3321, None).expect("valid");
        let b = Location::new(47.6162, -122.3321, None).expect("valid");
        let d = a.distance_m(&b);
        assert!((1100.0..1125.0).contains(&d), "{d}");
    }
}

//! A contact: with a person, or with no person at all (anonymous supply distribution).
//! Logged in seconds: time and place are automatic, services are optional chips.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Result, ValidationError, check_len, non_blank};
use crate::ids::{DeviceId, EncounterId, PersonId};
use crate::location::Location;
use crate::team::TeamSettings;
use crate::time::LocalInstant;

pub const MAX_NOTE: usize = 4000;
pub const MAX_SERVICE_COUNT: u32 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EncounterKind {
    #[default]
    Street,
    Office,
    Phone,
    /// Looked for the person and did not find them (counts as a follow-up attempt).
    Attempted,
}

impl EncounterKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            EncounterKind::Street => "street",
            EncounterKind::Office => "office",
            EncounterKind::Phone => "phone",
            EncounterKind::Attempted => "attempted",
        }
    }
}

impl fmt::Display for EncounterKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EncounterKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self> {
        [EncounterKind::Street, EncounterKind::Office, EncounterKind::Phone, EncounterKind::Attempted]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ValidationError::UnknownValue {
                what: "encounter kind",
                value: s.to_owned(),
                expected: "street, office, phone, attempted".into(),
            })
    }
}

/// HUD HMIS living situation codes for Current Living Situation (4.12): the "Current
/// Living Situation (4.12)" column of list 3.12.1, the same in the FY2026 standards as
/// in FY2024. FY2024 replaced the temporary-tenure codes 312 and 313 with 335 (family)
/// and 336 (friends); 327 is an exit destination only. (Stored contacts that carry 312
/// or 313 are mapped to 335 or 336 by the HMIS export.)
pub const HMIS_LIVING_SITUATION_CODES: &[u16] =
    &[101, 116, 118, 204, 205, 206, 207, 215, 225, 302, 314, 329, 332, 335, 336, 410, 411, 421, 435, 17, 37, 8, 9, 99];

/// Services given, by catalog key, with counts.
pub type Services = BTreeMap<String, u32>;

/// Parses `NAME` or `NAME=COUNT` items against the team's catalog, adding up repeats.
pub fn parse_services(items: &[String], team: &TeamSettings) -> Result<Services> {
    let mut out = Services::new();
    for item in items {
        let (key, count) = match item.split_once('=') {
            Some((k, c)) => {
                let k = k.trim();
                let n: u32 = c.trim().parse().map_err(|_| ValidationError::ServiceCount(k.to_owned()))?;
                (k, n)
            }
            None => (item.trim(), 1),
        };
        team.service(key)?;
        if count == 0 || count > MAX_SERVICE_COUNT {
            return Err(ValidationError::ServiceCount(key.to_owned()));
        }
        let total = out.entry(key.to_owned()).or_insert(0);
        *total = total.saturating_add(count).min(MAX_SERVICE_COUNT);
    }
    Ok(out)
}

/// A contact as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Encounter {
    pub id: EncounterId,
    pub person_id: Option<PersonId>,
    pub at: LocalInstant,
    pub location: Option<Location>,
    pub kind: EncounterKind,
    pub services: Services,
    pub living_situation: Option<u16>,
    pub duration_minutes: Option<u16>,
    pub note: Option<String>,
    pub author: DeviceId,
}

/// What a worker enters for a contact, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEncounter {
    pub person_id: Option<PersonId>,
    pub at: LocalInstant,
    pub location: Option<Location>,
    pub kind: EncounterKind,
    pub services: Services,
    pub living_situation: Option<u16>,
    pub duration_minutes: Option<u16>,
    pub note: Option<String>,
}

impl NewEncounter {
    /// Checks the note, the living situation code and the duration.
    pub fn validate(mut self) -> Result<Self> {
        self.note = non_blank(self.note.as_deref());
        if let Some(note) = &self.note {
            check_len("note", note, MAX_NOTE)?;
        }
        if let Some(code) = self.living_situation
            && !HMIS_LIVING_SITUATION_CODES.contains(&code)
        {
            return Err(ValidationError::HmisCode { what: "living situation", code: i64::from(code) });
        }
        if let Some(minutes) = self.duration_minutes
            && minutes > 1440
        {
            return Err(ValidationError::Duration(i64::from(minutes)));
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    #[test]
    fn services_parse_with_counts_and_add_up() {
        let team = TeamSettings::default();
        let items: Vec<String> = ["naloxone=2", "food", "naloxone", "fentanyl_test_strips=10"].map(String::from).into();
        let s = parse_services(&items, &team).expect("valid");
        assert_eq!(s.get("naloxone"), Some(&3));
        assert_eq!(s.get("food"), Some(&1));
        assert_eq!(s.get("fentanyl_test_strips"), Some(&10));
    }

    #[test]
    fn unknown_services_and_bad_counts_are_refused() {
        let team = TeamSettings::default();
        let one = |s: &str| parse_services(&[s.to_owned()], &team);
        assert!(matches!(one("cigarettes"), Err(ValidationError::UnknownService(k, _)) if k == "cigarettes"));
        assert_eq!(one("food=0"), Err(ValidationError::ServiceCount("food".into())));
        assert_eq!(one("food=-1"), Err(ValidationError::ServiceCount("food".into())));
        assert_eq!(one("food=lots"), Err(ValidationError::ServiceCount("food".into())));
        assert_eq!(one("food=10001"), Err(ValidationError::ServiceCount("food".into())));
    }

    #[test]
    fn encounter_checks_codes_and_note_length() {
        let base = NewEncounter {
            person_id: None,
            at: LocalInstant { utc: Timestamp::UNIX_EPOCH, offset_seconds: 0 },
            location: None,
            kind: EncounterKind::Street,
            services: Services::new(),
            living_situation: Some(116),
            duration_minutes: Some(10),
            note: Some("  ".into()),
        };
        assert_eq!(base.clone().validate().map(|e| e.note), Ok(None));
        let bad_code = NewEncounter { living_situation: Some(555), ..base.clone() };
        assert!(matches!(bad_code.validate(), Err(ValidationError::HmisCode { .. })));
        let long = NewEncounter { note: Some("x".repeat(MAX_NOTE + 1)), ..base.clone() };
        assert!(matches!(long.validate(), Err(ValidationError::TooLong { field: "note", .. })));
        let day_plus = NewEncounter { duration_minutes: Some(1441), ..base };
        assert_eq!(day_plus.validate(), Err(ValidationError::Duration(1441)));
    }

    #[test]
    fn kinds_parse() {
        assert_eq!("attempted".parse(), Ok(EncounterKind::Attempted));
        assert!("visit".parse::<EncounterKind>().is_err());
    }
}

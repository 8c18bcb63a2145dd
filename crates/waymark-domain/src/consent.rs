//! Consent (release of information) records, per 42 CFR 2.31, and the one rule the
//! sync layer needs from them: whether, and until when, a person's officer card may
//! be shared with officers.
//!
//! A consent lives in the person's (case) document. Whether it is in force is judged
//! at an instant the caller passes in: the relay's time at the last sync, never a
//! later device clock (the domain has no clock).

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::error::{ValidationError, check_len, non_blank};
use crate::ids::{ConsentId, DeviceId};

/// The longest purpose or description text of a consent.
pub const MAX_TEXT: usize = 1000;

/// Who a consent lets the program disclose to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Party {
    LawEnforcement,
    Prosecutor,
    Housing,
    Medical,
    /// The Continuum of Care's HMIS (the `export hmis` files).
    Hmis,
}

impl Party {
    pub const ALL: [Party; 5] = [Party::LawEnforcement, Party::Prosecutor, Party::Housing, Party::Medical, Party::Hmis];

    pub fn as_str(&self) -> &'static str {
        match self {
            Party::LawEnforcement => "law_enforcement",
            Party::Prosecutor => "prosecutor",
            Party::Housing => "housing",
            Party::Medical => "medical",
            Party::Hmis => "hmis",
        }
    }

    /// What the program writes as the purpose when the worker gives none.
    pub fn default_purpose(&self) -> &'static str {
        match self {
            Party::LawEnforcement => "coordination of the participant's diversion with the referring police department",
            Party::Prosecutor => "coordination of the participant's diversion with the prosecutor's office",
            Party::Housing => "housing placement and support",
            Party::Medical => "continuity of medical care",
            Party::Hmis => "reporting to the Continuum of Care's Homeless Management Information System",
        }
    }

    /// What may be shared, when the worker gives no description.
    pub fn default_description(&self) -> &'static str {
        match self {
            Party::LawEnforcement => {
                "program participation: name or alias, status, assigned case manager and contact, last-updated date"
            }
            Party::Prosecutor => "program participation, status and referral outcome",
            Party::Housing => "contact details, housing needs and program status",
            Party::Medical => "contact details, program status and referrals for care",
            Party::Hmis => "identity, demographics, enrollment, contacts, services and living situation",
        }
    }
}

impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Party {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Party::ALL.into_iter().find(|p| p.as_str() == s.trim()).ok_or_else(|| ValidationError::UnknownValue {
            what: "consent party",
            value: s.to_owned(),
            expected: Party::ALL.map(|p| p.as_str()).join(", "),
        })
    }
}

/// One release of information (42 CFR 2.31): to whom, for what, what may be shared,
/// when signed, until when (a date or an event) and when revoked, if ever.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Consent {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: ConsentId,
    pub parties: Vec<Party>,
    pub purpose: String,
    /// What may be disclosed.
    pub description: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub signed_at: Timestamp,
    /// The last day the consent covers (inclusive), as the worker entered it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub expires_on: Option<Date>,
    /// The instant it stops being in force: the end of `expires_on` in the team's
    /// time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub expires_at: Option<Timestamp>,
    /// An expiry event instead of (or besides) a date, e.g. "completion of the program".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub expiry_event: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub revoked_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created_by: Option<DeviceId>,
}

/// Until when a card may be shared with officers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharing {
    /// A consent covering law enforcement with no expiry date is in force.
    NoExpiry,
    /// Until this instant (exclusive).
    Until(Timestamp),
}

impl Sharing {
    /// Whether sharing is still in force at `at`.
    pub fn in_force(&self, at: Timestamp) -> bool {
        match self {
            Sharing::NoExpiry => true,
            Sharing::Until(t) => at < *t,
        }
    }

    /// As stored on the card: `no_expiry` or an RFC 3339 instant.
    pub fn as_text(&self) -> String {
        match self {
            Sharing::NoExpiry => "no_expiry".into(),
            Sharing::Until(t) => t.to_string(),
        }
    }

    pub fn parse(text: &str) -> Result<Self, ValidationError> {
        if text == "no_expiry" {
            return Ok(Sharing::NoExpiry);
        }
        text.parse::<Timestamp>().map(Sharing::Until).map_err(|_| ValidationError::Time(text.to_owned()))
    }
}

impl Serialize for Sharing {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_text())
    }
}

impl<'de> Deserialize<'de> for Sharing {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Sharing::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Consent {
    /// Whether this consent is in force at `at`: not revoked, not expired.
    pub fn in_force(&self, at: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| at < e)
    }

    pub fn covers(&self, party: Party) -> bool {
        self.parties.contains(&party)
    }
}

/// Whether and until when a person's card may go to officers at `at`, given all of
/// the person's consents: the longest-running law-enforcement consent in force.
pub fn officer_sharing(consents: &[Consent], at: Timestamp) -> Option<Sharing> {
    consents.iter().filter(|c| c.covers(Party::LawEnforcement) && c.in_force(at)).fold(None, |best, c| {
        let this = c.expires_at.map_or(Sharing::NoExpiry, Sharing::Until);
        Some(match (best, this) {
            (Some(Sharing::NoExpiry), _) | (_, Sharing::NoExpiry) => Sharing::NoExpiry,
            (Some(Sharing::Until(a)), Sharing::Until(b)) => Sharing::Until(a.max(b)),
            (None, s) => s,
        })
    })
}

/// The fields of a new consent, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct NewConsent {
    pub parties: Vec<Party>,
    pub purpose: String,
    pub description: String,
    pub expires_on: Option<Date>,
    pub expires_at: Option<Timestamp>,
    pub expiry_event: Option<String>,
}

impl NewConsent {
    /// Validates a consent as entered: at least one known party; an expiry date
    /// (YYYY-MM-DD, the last day covered, judged in `tz`); purpose
    /// and description default to the first party's standard text.
    pub fn parse(
        parties: &[String],
        purpose: Option<&str>,
        description: Option<&str>,
        expires: Option<&str>,
        expiry_event: Option<&str>,
        tz: &TimeZone,
    ) -> Result<Self, ValidationError> {
        let mut list = Vec::new();
        for p in parties {
            let p: Party = p.parse()?;
            if !list.contains(&p) {
                list.push(p);
            }
        }
        let Some(first) = list.first().copied() else {
            return Err(ValidationError::Empty("consent parties (give --party)"));
        };
        let purpose = non_blank(purpose).unwrap_or_else(|| first.default_purpose().to_owned());
        let description = non_blank(description).unwrap_or_else(|| first.default_description().to_owned());
        check_len("purpose", &purpose, MAX_TEXT)?;
        check_len("description", &description, MAX_TEXT)?;
        let expiry_event = non_blank(expiry_event);
        if let Some(e) = &expiry_event {
            check_len("expiry event", e, MAX_TEXT)?;
        }
        let (expires_on, expires_at) = match non_blank(expires) {
            None => (None, None),
            Some(text) => {
                let (d, at) = expiry(&text, tz)?;
                (Some(d), Some(at))
            }
        };
        Ok(NewConsent { parties: list, purpose, description, expires_on, expires_at, expiry_event })
    }
}

/// A consent's expiry date and the instant it ends: the start of the next day in `tz`.
pub fn expiry(text: &str, tz: &TimeZone) -> Result<(Date, Timestamp), ValidationError> {
    let bad = || ValidationError::Date(text.to_owned());
    if text.len() != 10 {
        return Err(bad());
    }
    let date: Date = text.parse().map_err(|_| bad())?;
    let next = date.tomorrow().map_err(|_| bad())?;
    let at = tz.to_timestamp(next.to_datetime(jiff::civil::Time::midnight())).map_err(|_| bad())?;
    Ok((date, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn consent(parties: &[Party], expires_at: Option<&str>, revoked: bool) -> Consent {
        Consent {
            id: ConsentId::from_random_bytes([1; 16]),
            parties: parties.to_vec(),
            purpose: "p".into(),
            description: "d".into(),
            signed_at: t("2026-01-01T00:00:00Z"),
            expires_on: None,
            expires_at: expires_at.map(t),
            expiry_event: None,
            revoked_at: revoked.then(|| t("2026-02-01T00:00:00Z")),
            created_by: None,
        }
    }

    #[test]
    fn a_consent_is_in_force_until_it_expires_or_is_revoked() {
        let now = t("2026-03-01T00:00:00Z");
        assert!(consent(&[Party::LawEnforcement], None, false).in_force(now));
        assert!(consent(&[Party::LawEnforcement], Some("2026-03-01T00:00:01Z"), false).in_force(now));
        assert!(!consent(&[Party::LawEnforcement], Some("2026-03-01T00:00:00Z"), false).in_force(now));
        assert!(!consent(&[Party::LawEnforcement], None, true).in_force(now));
    }

    #[test]
    fn officers_see_a_card_only_under_a_law_enforcement_consent_in_force() {
        let now = t("2026-03-01T00:00:00Z");
        assert_eq!(officer_sharing(&[], now), None);
        assert_eq!(officer_sharing(&[consent(&[Party::Housing], None, false)], now), None);
        assert_eq!(officer_sharing(&[consent(&[Party::LawEnforcement], None, true)], now), None);
        let until = consent(&[Party::LawEnforcement], Some("2026-04-01T00:00:00Z"), false);
        assert_eq!(officer_sharing(std::slice::from_ref(&until), now), Some(Sharing::Until(t("2026-04-01T00:00:00Z"))));
        let forever = consent(&[Party::Medical, Party::LawEnforcement], None, false);
        assert_eq!(officer_sharing(&[until, forever], now), Some(Sharing::NoExpiry));
        let s = Sharing::Until(t("2026-04-01T00:00:00Z"));
        assert!(s.in_force(now) && !s.in_force(t("2026-04-01T00:00:00Z")));
        assert_eq!(Sharing::parse(&s.as_text()), Ok(s));
        assert_eq!(Sharing::parse("no_expiry"), Ok(Sharing::NoExpiry));
    }

    #[test]
    fn new_consents_are_validated_and_get_default_texts() {
        let utc = TimeZone::UTC;
        let c =
            NewConsent::parse(&["law_enforcement".into()], None, None, Some("2026-05-31"), None, &utc).expect("valid");
        assert_eq!(c.parties, [Party::LawEnforcement]);
        assert!(!c.purpose.is_empty() && !c.description.is_empty());
        assert_eq!(c.expires_at, Some(t("2026-06-01T00:00:00Z")));
        assert!(matches!(
            NewConsent::parse(&["fbi".into()], None, None, None, None, &utc),
            Err(ValidationError::UnknownValue { .. })
        ));
        assert!(matches!(NewConsent::parse(&[], None, None, None, None, &utc), Err(ValidationError::Empty(_))));
        for bad in ["2026-13-01", "tomorrow", "2026-5-1"] {
            assert_eq!(
                NewConsent::parse(&["housing".into()], None, None, Some(bad), None, &utc),
                Err(ValidationError::Date(bad.into()))
            );
        }
    }
}

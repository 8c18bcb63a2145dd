//! A referral into the program by an officer or partner: pathway, the person (existing
//! or a new stub), where, the exclusion answers and computed eligibility, a short
//! non-clinical narrative, the intake deadline, and the status machine.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::eligibility::Eligibility;
use crate::error::{Result, ValidationError, check_len, non_blank};
use crate::ids::{DeviceId, PersonId, ReferralId};
use crate::location::Location;

pub const MAX_NARRATIVE: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pathway {
    ArrestDiversion,
    SocialContact,
    Community,
    #[serde(rename = "self")]
    SelfReferral,
}

impl Pathway {
    pub const ALL: [Pathway; 4] =
        [Pathway::ArrestDiversion, Pathway::SocialContact, Pathway::Community, Pathway::SelfReferral];

    pub fn as_str(&self) -> &'static str {
        match self {
            Pathway::ArrestDiversion => "arrest_diversion",
            Pathway::SocialContact => "social_contact",
            Pathway::Community => "community",
            Pathway::SelfReferral => "self",
        }
    }
}

impl fmt::Display for Pathway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Pathway {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self> {
        Pathway::ALL.into_iter().find(|p| p.as_str() == s).ok_or_else(|| ValidationError::UnknownValue {
            what: "pathway",
            value: s.to_owned(),
            expected: "arrest_diversion, social_contact, community, self".into(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    New,
    Contacted,
    IntakeComplete,
    Declined,
    UnableToLocate,
    Expired,
}

impl ReferralStatus {
    pub const ALL: [ReferralStatus; 6] = [
        ReferralStatus::New,
        ReferralStatus::Contacted,
        ReferralStatus::IntakeComplete,
        ReferralStatus::Declined,
        ReferralStatus::UnableToLocate,
        ReferralStatus::Expired,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            ReferralStatus::New => "new",
            ReferralStatus::Contacted => "contacted",
            ReferralStatus::IntakeComplete => "intake_complete",
            ReferralStatus::Declined => "declined",
            ReferralStatus::UnableToLocate => "unable_to_locate",
            ReferralStatus::Expired => "expired",
        }
    }

    /// Whether the referral is still waiting for intake (on the follow-up queue).
    pub fn is_open(&self) -> bool {
        matches!(self, ReferralStatus::New | ReferralStatus::Contacted)
    }

    /// The status machine: `new → contacted → intake_complete`, and from either open
    /// state to `declined`, `unable_to_locate` or `expired`. Intake may also follow a
    /// warm hand-off directly from `new`. Closed referrals stay closed; a person who
    /// comes back later gets a new referral.
    pub fn transition(self, to: ReferralStatus) -> Result<ReferralStatus> {
        let ok = self.is_open() && to != ReferralStatus::New && to != self;
        if ok {
            Ok(to)
        } else {
            Err(ValidationError::ReferralTransition { from: self.as_str().into(), to: to.as_str().into() })
        }
    }
}

impl fmt::Display for ReferralStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReferralStatus {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self> {
        ReferralStatus::ALL.into_iter().find(|p| p.as_str() == s).ok_or_else(|| ValidationError::UnknownValue {
            what: "referral status",
            value: s.to_owned(),
            expected: "new, contacted, intake_complete, declined, unable_to_locate, expired".into(),
        })
    }
}

/// A referral as stored in its own document (officer-visible: nothing clinical).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Referral {
    pub id: ReferralId,
    pub pathway: Pathway,
    pub person_id: PersonId,
    /// What the referrer entered for a person not yet on the roster.
    pub stub_name: Option<String>,
    pub stub_description: Option<String>,
    pub referred_by: DeviceId,
    pub referrer_role: String,
    pub created_at: Timestamp,
    pub location: Option<Location>,
    pub exclusions: Vec<String>,
    pub eligibility: Eligibility,
    pub narrative: Option<String>,
    pub intake_deadline: Timestamp,
    pub status: ReferralStatus,
    pub status_at: Timestamp,
    pub charge_category: Option<String>,
}

impl Referral {
    /// The status as the program sees it at `now`: an open referral whose intake
    /// deadline has passed is `expired` (with the deadline as its status time), so it
    /// leaves the follow-up queue and shows up for review. Nothing is written: an
    /// intake recorded late still moves the stored status on, and two phones never
    /// race to write "expired" over a late intake.
    pub fn effective_status(&self, now: Timestamp) -> (ReferralStatus, Timestamp) {
        if self.status.is_open() && now >= self.intake_deadline {
            (ReferralStatus::Expired, self.intake_deadline)
        } else {
            (self.status, self.status_at)
        }
    }
}

/// Checks the short narrative: optional, at most a paragraph.
pub fn narrative(text: Option<&str>) -> Result<Option<String>> {
    let text = non_blank(text);
    if let Some(t) = &text {
        check_len("narrative", t, MAX_NARRATIVE)?;
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReferralStatus::*;

    #[test]
    fn status_machine_follows_the_program() {
        assert_eq!(New.transition(Contacted), Ok(Contacted));
        assert_eq!(Contacted.transition(IntakeComplete), Ok(IntakeComplete));
        assert_eq!(New.transition(IntakeComplete), Ok(IntakeComplete));
        for closed in [Declined, UnableToLocate, Expired] {
            assert_eq!(New.transition(closed), Ok(closed));
            assert_eq!(Contacted.transition(closed), Ok(closed));
        }
    }

    #[test]
    fn closed_referrals_stay_closed_and_nothing_goes_back_to_new() {
        for closed in [IntakeComplete, Declined, UnableToLocate, Expired] {
            for to in ReferralStatus::ALL {
                assert!(closed.transition(to).is_err(), "{closed} -> {to}");
            }
        }
        assert!(Contacted.transition(New).is_err());
        assert_eq!(
            Contacted.transition(Contacted).map_err(|e| e.to_string()),
            Err("a referral cannot go from contacted to contacted".into())
        );
    }

    #[test]
    fn pathways_and_statuses_parse_by_contract_names() {
        assert_eq!("arrest_diversion".parse(), Ok(Pathway::ArrestDiversion));
        assert_eq!("self".parse(), Ok(Pathway::SelfReferral));
        assert!("walk_in".parse::<Pathway>().is_err());
        assert_eq!("unable_to_locate".parse(), Ok(UnableToLocate));
    }

    #[test]
    fn narrative_is_short() {
        assert_eq!(narrative(Some(" ")), Ok(None));
        assert!(narrative(Some(&"x".repeat(MAX_NARRATIVE + 1))).is_err());
    }
}

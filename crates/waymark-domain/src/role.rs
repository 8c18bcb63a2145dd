//! Roles, what each may do, who a document is for (its audience), and the officer
//! card: the only view of a person an officer's device may ever hold.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::ValidationError;
use crate::ids::{DeviceId, PersonId};
use crate::person::PersonStatus;

/// One role per enrolled device, within one team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Officer,
    Outreach,
    Supervisor,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Officer, Role::Outreach, Role::Supervisor];

    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Outreach => "outreach",
            Role::Supervisor => "supervisor",
        }
    }

    /// Whether this role may take `action`. The device checks this before it touches
    /// the store; the relay checks the matching audience rules on every document.
    pub fn may(&self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::Officer => matches!(action, Lookup | CreateReferral | ViewOwnReferrals),
            Role::Outreach => {
                !matches!(action, MergePersons | TeamSettings | Report | Export | ReadAudit | DeviceAdmin)
            }
            Role::Supervisor => true,
        }
    }

    /// Whether a document of `audience` may be held by a device of this role.
    pub fn may_hold(&self, audience: Audience) -> bool {
        match audience {
            Audience::Team | Audience::Cards | Audience::Referrals => true,
            Audience::Case => matches!(self, Role::Outreach | Role::Supervisor),
            Audience::Supervisors => matches!(self, Role::Supervisor),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| ValidationError::UnknownValue {
            what: "role",
            value: s.to_owned(),
            expected: "officer, outreach, supervisor".into(),
        })
    }
}

/// What a user asks the device to do, for role checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Roster lookup: officer cards only (logged).
    Lookup,
    CreateReferral,
    ViewOwnReferrals,
    /// Read person profiles, encounters, notes, all referrals.
    ViewCase,
    CreatePerson,
    UpdatePerson,
    LogEncounter,
    AddNote,
    UpdateReferral,
    ManageConsent,
    MergePersons,
    TeamSettings,
    Report,
    Export,
    ReadAudit,
    DeviceAdmin,
}

/// Who a document is for. Records are split into documents by audience, never by
/// filtering fields, because a CRDT keeps every value ever written in its history:
/// a field an officer must not see is never written into a document an officer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Team settings: every device.
    Team,
    /// Officer cards: every device (the relay narrows which officers get which card).
    Cards,
    /// Referrals: outreach, supervisors and the referring officer.
    Referrals,
    /// Person profiles, encounters, notes, plans, consents: outreach and supervisors.
    Case,
    /// The audit log: supervisors only.
    Supervisors,
}

impl Audience {
    pub fn as_str(&self) -> &'static str {
        match self {
            Audience::Team => "team",
            Audience::Cards => "cards",
            Audience::Referrals => "referrals",
            Audience::Case => "case",
            Audience::Supervisors => "supervisors",
        }
    }
}

impl FromStr for Audience {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Audience::Team, Audience::Cards, Audience::Referrals, Audience::Case, Audience::Supervisors]
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| ValidationError::UnknownValue {
                what: "audience",
                value: s.to_owned(),
                expected: "team, cards, referrals, case, supervisors".into(),
            })
    }
}

/// The notice that must accompany what is disclosed to an officer (42 CFR 2.32(a),
/// the short statement): shown with every card an officer sees, in the app and in
/// the CLI's text output. (The JSON of `lookup` keeps the contract's card fields.)
pub const PART2_NOTICE: &str = "42 CFR part 2 prohibits unauthorized use or disclosure of these records.";

/// What an officer may know of a participant, and nothing else: by construction this
/// type has no field for clinical or case detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficerCard {
    pub person_id: PersonId,
    pub display_name: String,
    pub status: PersonStatus,
    pub case_manager: Option<String>,
    pub case_manager_phone: Option<String>,
    pub updated_at: Timestamp,
    /// Set when the person was merged into another; devices resolve the old id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<PersonId>,
    /// The officer device that referred this person, if any: that officer may see the
    /// card without a release of information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referred_by: Option<DeviceId>,
    /// Set while a release of information covering law enforcement is in force: the
    /// card then goes to every officer of the team, until this ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_with_officers_until: Option<crate::consent::Sharing>,
}

impl OfficerCard {
    /// The card of `person`: the officer-visible fields and nothing else.
    pub fn of(person: &crate::person::Person, referred_by: Option<DeviceId>) -> Self {
        Self {
            person_id: person.id,
            display_name: person.display_name(),
            status: person.status,
            case_manager: person.case_manager.clone(),
            case_manager_phone: person.case_manager_phone.clone(),
            updated_at: person.updated_at,
            merged_into: person.merged_into,
            referred_by,
            shared_with_officers_until: None,
        }
    }

    /// Whether `officer` may hold this card at `at` (the relay's time): it referred
    /// the person, or a law-enforcement consent is in force.
    pub fn officer_may_hold(&self, officer: DeviceId, at: Timestamp) -> bool {
        self.referred_by == Some(officer) || self.shared_with_officers_until.is_some_and(|s| s.in_force(at))
    }

    /// Whether two cards show an officer the same thing (the update time aside).
    pub fn same_view(&self, other: &OfficerCard) -> bool {
        (&self.display_name, self.status, &self.case_manager, &self.case_manager_phone, self.merged_into)
            == (&other.display_name, other.status, &other.case_manager, &other.case_manager_phone, other.merged_into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn officer_may_only_look_up_and_refer() {
        let allowed: Vec<_> = [
            Action::Lookup,
            Action::CreateReferral,
            Action::ViewOwnReferrals,
            Action::ViewCase,
            Action::AddNote,
            Action::LogEncounter,
            Action::Export,
        ]
        .into_iter()
        .filter(|a| Role::Officer.may(*a))
        .collect();
        assert_eq!(allowed, [Action::Lookup, Action::CreateReferral, Action::ViewOwnReferrals]);
        assert!(!Role::Officer.may_hold(Audience::Case));
        assert!(!Role::Officer.may_hold(Audience::Supervisors));
        assert!(Role::Officer.may_hold(Audience::Cards));
    }

    #[test]
    fn outreach_works_cases_but_not_office_admin() {
        assert!(Role::Outreach.may(Action::AddNote));
        assert!(Role::Outreach.may(Action::UpdateReferral));
        assert!(!Role::Outreach.may(Action::MergePersons));
        assert!(!Role::Outreach.may(Action::Export));
        assert!(!Role::Outreach.may_hold(Audience::Supervisors));
        assert!(Role::Supervisor.may(Action::MergePersons));
    }

    #[test]
    fn roles_parse_from_their_names_only() {
        assert_eq!("supervisor".parse::<Role>(), Ok(Role::Supervisor));
        assert!("admin".parse::<Role>().is_err());
    }
}

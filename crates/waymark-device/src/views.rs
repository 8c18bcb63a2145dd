//! What the device API returns: serializable views whose field names are the
//! command-line contract's JSON fields (and the app's IPC types).

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Serialize;
use ts_rs::TS;
use waymark_domain::eligibility::Eligibility;
use waymark_domain::encounter::{Encounter, Services};
use waymark_domain::person::Person;
use waymark_domain::referral::Referral;
use waymark_domain::role::OfficerCard;
use waymark_domain::team::{Entry, TeamSettings};
use waymark_domain::time::days_left;
use waymark_domain::{DeviceId, PersonId};

#[derive(Debug, Clone, Serialize, TS)]
pub struct InitView {
    #[ts(type = "string")]
    pub device_id: DeviceId,
    pub role: String,
    pub team_id: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct IdView {
    pub id: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DuplicateView {
    #[ts(type = "string")]
    pub id: PersonId,
    pub score: f64,
    pub display_name: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PersonAdded {
    #[ts(type = "string")]
    pub id: PersonId,
    pub possible_duplicates: Vec<DuplicateView>,
}

/// A person as outreach and supervisors see it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PersonView {
    #[ts(type = "string")]
    pub id: PersonId,
    pub name: Option<String>,
    pub display_name: String,
    pub aliases: Vec<String>,
    pub dob: Option<String>,
    pub description: Option<String>,
    pub status: String,
    pub case_manager: Option<String>,
    pub case_manager_phone: Option<String>,
    pub gender: Vec<u8>,
    pub race_ethnicity: Vec<u8>,
    /// HUD HMIS sex code (4.21), when one was recorded.
    pub sex: Option<u8>,
    #[ts(type = "string | null")]
    pub merged_into: Option<PersonId>,
    /// Set when the id asked for was merged into this person.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(type = "string", optional)]
    pub resolved_from: Option<PersonId>,
    #[ts(type = "string")]
    pub created_at: Timestamp,
    #[ts(type = "string")]
    pub updated_at: Timestamp,
    /// Every field that has concurrent values, with all of them.
    pub conflicts: BTreeMap<String, Vec<serde_json::Value>>,
    /// Local changes to this person not yet on the relay.
    pub pending_sync: bool,
}

impl PersonView {
    pub fn new(p: Person, conflicts: BTreeMap<String, Vec<serde_json::Value>>, pending_sync: bool) -> Self {
        Self {
            display_name: p.display_name(),
            id: p.id,
            name: p.name,
            aliases: p.aliases,
            dob: p.dob.map(|d| d.to_string()),
            description: p.description,
            status: p.status.as_str().into(),
            case_manager: p.case_manager,
            case_manager_phone: p.case_manager_phone,
            gender: p.gender,
            race_ethnicity: p.race_ethnicity,
            sex: p.sex,
            merged_into: p.merged_into,
            resolved_from: None,
            created_at: p.created_at,
            updated_at: p.updated_at,
            conflicts,
            pending_sync,
        }
    }
}

/// The officer card view: what `lookup` returns, and all an officer's device shows.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CardView {
    #[ts(type = "string")]
    pub person_id: PersonId,
    pub display_name: String,
    pub status: String,
    pub case_manager: Option<String>,
    pub case_manager_phone: Option<String>,
    #[ts(type = "string")]
    pub updated_at: Timestamp,
}

impl From<OfficerCard> for CardView {
    fn from(c: OfficerCard) -> Self {
        Self {
            person_id: c.person_id,
            display_name: c.display_name,
            status: c.status.as_str().into(),
            case_manager: c.case_manager,
            case_manager_phone: c.case_manager_phone,
            updated_at: c.updated_at,
        }
    }
}

/// `person show` answers with a full person for case roles, a card for officers.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(untagged)]
pub enum PersonShow {
    Person(Box<PersonView>),
    Card(CardShow),
}

/// A card shown by `person show` on an officer's device (with `id` like a person).
#[derive(Debug, Clone, Serialize, TS)]
pub struct CardShow {
    #[ts(type = "string")]
    pub id: PersonId,
    #[serde(flatten)]
    pub card: CardView,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct EncounterView {
    pub id: String,
    #[ts(type = "string | null")]
    pub person_id: Option<PersonId>,
    /// When, in the local time it was logged in (RFC 3339 with offset).
    pub at: String,
    #[ts(type = "string")]
    pub at_utc: Timestamp,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub accuracy_m: Option<f64>,
    pub kind: String,
    pub services: Services,
    pub living_situation: Option<u16>,
    pub duration_minutes: Option<u16>,
    pub note: Option<String>,
    #[ts(type = "string")]
    pub author: DeviceId,
    pub pending_sync: bool,
}

impl EncounterView {
    pub fn new(e: Encounter, pending_sync: bool) -> Self {
        Self {
            id: e.id.to_string(),
            person_id: e.person_id,
            at: e.at.to_rfc3339(),
            at_utc: e.at.utc,
            lat: e.location.map(|l| l.lat),
            lon: e.location.map(|l| l.lon),
            accuracy_m: e.location.and_then(|l| l.accuracy_m),
            kind: e.kind.as_str().into(),
            services: e.services,
            living_situation: e.living_situation,
            duration_minutes: e.duration_minutes,
            note: e.note,
            author: e.author,
            pending_sync,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReferralView {
    pub id: String,
    pub pathway: String,
    #[ts(type = "string")]
    pub person_id: PersonId,
    pub display_name: Option<String>,
    pub eligibility: Eligibility,
    #[ts(type = "string")]
    pub intake_deadline: Timestamp,
    /// Whole days left on the intake clock (negative when overdue), for open
    /// referrals; `null` once closed.
    pub days_left: Option<i64>,
    pub status: String,
    #[ts(type = "string")]
    pub status_at: Timestamp,
    #[ts(type = "string")]
    pub created_at: Timestamp,
    #[ts(type = "string")]
    pub referred_by: DeviceId,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub exclusions: Vec<String>,
    pub narrative: Option<String>,
    pub charge_category: Option<String>,
    pub pending_sync: bool,
}

impl ReferralView {
    pub fn new(r: Referral, display_name: Option<String>, now: Timestamp, pending_sync: bool) -> Self {
        let (status, status_at) = r.effective_status(now);
        Self {
            id: r.id.to_string(),
            pathway: r.pathway.as_str().into(),
            person_id: r.person_id,
            display_name: display_name.or(r.stub_name),
            eligibility: r.eligibility,
            intake_deadline: r.intake_deadline,
            days_left: status.is_open().then(|| days_left(now, r.intake_deadline)),
            status: status.as_str().into(),
            status_at,
            created_at: r.created_at,
            referred_by: r.referred_by,
            lat: r.location.map(|l| l.lat),
            lon: r.location.map(|l| l.lon),
            exclusions: r.exclusions,
            narrative: r.narrative,
            charge_category: r.charge_category,
            pending_sync,
        }
    }
}

/// What `referral create` answers.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReferralCreated {
    pub id: String,
    #[ts(type = "string")]
    pub person_id: PersonId,
    pub eligibility: Eligibility,
    #[ts(type = "string")]
    pub intake_deadline: Timestamp,
    pub days_left: i64,
    pub status: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct MergeView {
    #[ts(type = "string")]
    pub id: PersonId,
    #[ts(type = "string")]
    pub merged: PersonId,
    pub encounters: usize,
    pub referrals: usize,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TeamView {
    pub name: String,
    pub time_zone: String,
    pub intake_days: u8,
    pub catchment: Option<serde_json::Value>,
    pub exclusions: Vec<Entry>,
    pub services: Vec<Entry>,
    pub location_precision: String,
    pub lock_minutes: u8,
    pub export_precision: String,
    pub hmis_without_consent: String,
    pub inactive_days: u16,
}

impl From<TeamSettings> for TeamView {
    fn from(t: TeamSettings) -> Self {
        Self {
            name: t.name,
            time_zone: t.time_zone,
            intake_days: t.intake_days,
            catchment: t.catchment.and_then(|c| serde_json::from_str(c.geojson()).ok()),
            exclusions: t.exclusions,
            services: t.services,
            location_precision: t.location_precision.as_str().into(),
            lock_minutes: t.lock_minutes,
            export_precision: t.export_precision.as_str().into(),
            hmis_without_consent: t.hmis_without_consent.as_str().into(),
            inactive_days: t.inactive_days,
        }
    }
}

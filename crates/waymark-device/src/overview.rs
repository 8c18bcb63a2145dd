//! What the app's screens need beyond the CLI's verbs: the device's status line, the
//! outreach home list (nearby and recent persons), and an eligibility preview for a
//! referral before it is saved. Each is a read; none writes.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::Serialize;
use ts_rs::TS;
use waymark_domain::eligibility::{self, Eligibility};
use waymark_domain::location::Location;
use waymark_domain::role::Action;
use waymark_domain::time::{self, intake_deadline};
use waymark_domain::{PersonId, ValidationError};

use crate::views::PersonView;
use crate::{Device, ReferralInput, Result, location, sync};

/// How many persons the home list shows in each group.
const HOME_LIMIT: usize = 20;
/// The default radius of "nearby", in metres.
pub const DEFAULT_NEARBY_M: f64 = 500.0;
/// The largest radius the home list accepts, in metres.
const MAX_NEARBY_M: f64 = 50_000.0;

/// Where the app stands: no store yet (`new`), a store waiting for its passphrase
/// (`locked`), or open (`unlocked`, with the status line).
#[derive(Debug, Clone, Serialize, TS)]
pub struct SessionView {
    #[ts(type = "'new' | 'locked' | 'unlocked'")]
    pub phase: String,
    pub status: Option<StatusView>,
    /// The app runs on a demo team with sample data (the run script's local relay).
    pub demo: bool,
}

/// First run without a relay: a standalone device with a team of its own.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields = nullable)]
pub struct StartInput {
    pub passphrase: String,
    #[ts(type = "'officer' | 'outreach' | 'supervisor'")]
    pub role: String,
    pub user_name: Option<String>,
    pub user_phone: Option<String>,
    pub team_name: Option<String>,
}

/// First run with an invitation code from the team's supervisor.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct EnrollInput {
    pub passphrase: String,
    pub relay: String,
    pub code: String,
    /// The relay's own certificate (PEM) to trust instead of the system's roots,
    /// for a relay with a self-signed certificate (`waymark enroll --ca-cert`).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub ca_cert: Option<String>,
}

/// Who this device is and how its sync stands: the app's always-visible status.
#[derive(Debug, Clone, Serialize, TS)]
pub struct StatusView {
    pub device_id: String,
    pub role: String,
    pub team_name: String,
    pub user_name: Option<String>,
    /// The relay this device syncs with; `null` for a standalone device.
    pub relay: Option<String>,
    /// When the last sync finished, if ever.
    pub last_sync: Option<String>,
    /// Local changes not yet on the relay.
    pub pending: i64,
}

/// The app's background sync as the status bar shows it (the `sync-status` event).
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct SyncState {
    /// A sync is running now.
    pub syncing: bool,
    /// Whether the relay answered the last attempt; `null` before any attempt or on
    /// a standalone device.
    pub online: Option<bool>,
    pub last_sync: Option<String>,
    pub pending: i64,
    /// The last attempt's failure, if it failed.
    pub error: Option<SyncFailure>,
}

/// A failed sync attempt: the device error's stable code and its message.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SyncFailure {
    pub code: crate::ErrorCode,
    pub message: String,
}

/// A person with where and when a worker last saw them.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PersonSeen {
    pub person: PersonView,
    #[ts(type = "string | null")]
    pub last_seen_at: Option<Timestamp>,
    pub last_seen_lat: Option<f64>,
    pub last_seen_lon: Option<f64>,
    /// Metres from the point asked about, when both are known.
    pub distance_m: Option<f64>,
    pub contacts: usize,
}

/// The outreach home list: persons last seen near here, then the most recently seen.
#[derive(Debug, Clone, Serialize, TS)]
pub struct HomeView {
    pub nearby: Vec<PersonSeen>,
    pub recent: Vec<PersonSeen>,
    pub radius_m: f64,
}

/// What a referral would get if saved now: eligibility and the intake clock.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReferralCheck {
    pub eligibility: Eligibility,
    #[ts(type = "string")]
    pub intake_deadline: Timestamp,
    pub days_left: i64,
    pub intake_days: u8,
}

struct Seen {
    at: Timestamp,
    location: Option<Location>,
    located_at: Option<Timestamp>,
    contacts: usize,
}

impl Device {
    /// The status line: identity, relay, last sync and the count of unsynced changes.
    pub fn status(&mut self) -> Result<StatusView> {
        let meta = self.store.meta().clone();
        let team = self.team()?;
        let relay = self.store.query().local(sync::LOCAL_RELAY)?;
        Ok(StatusView {
            device_id: meta.device_id.to_string(),
            role: meta.role.as_str().into(),
            team_name: team.name,
            user_name: meta.user_name,
            relay,
            last_sync: self.last_sync()?,
            pending: self.store.pending_changes()?,
        })
    }

    /// Persons last seen within `radius_m` of `near` (closest first), and the persons
    /// seen most recently (newest first). Location is optional: without it, only the
    /// recent list is filled.
    pub fn person_home(&mut self, near: Option<(f64, f64)>, radius_m: Option<f64>) -> Result<HomeView> {
        self.require(Action::ViewCase, "list persons (use lookup)")?;
        let radius = radius_m.unwrap_or(DEFAULT_NEARBY_M);
        if !radius.is_finite() || radius <= 0.0 || radius > MAX_NEARBY_M {
            return Err(ValidationError::UnknownValue {
                what: "nearby radius",
                value: radius.to_string(),
                expected: format!("metres, more than 0 and at most {MAX_NEARBY_M}"),
            }
            .into());
        }
        let here = match near {
            Some((lat, lon)) => location(Some(lat), Some(lon), None)?,
            None => None,
        };
        let persons = self.person_list()?;
        let mut seen: HashMap<PersonId, Seen> = HashMap::new();
        for e in self.store.query().encounters(None)? {
            let Some(p) = e.person_id else { continue };
            let p = self.store.query().resolve_person(p)?;
            let at = e.at.utc;
            let s = seen.entry(p).or_insert(Seen { at, location: None, located_at: None, contacts: 0 });
            s.contacts += 1;
            s.at = s.at.max(at);
            if let Some(loc) = e.location
                && s.located_at.is_none_or(|t| t < at)
            {
                s.location = Some(loc);
                s.located_at = Some(at);
            }
        }
        let mut all: Vec<PersonSeen> = persons
            .into_iter()
            .map(|person| {
                let s = seen.get(&person.id);
                let loc = s.and_then(|s| s.location);
                PersonSeen {
                    last_seen_at: s.map(|s| s.at),
                    last_seen_lat: loc.map(|l| l.lat),
                    last_seen_lon: loc.map(|l| l.lon),
                    distance_m: here.zip(loc).map(|(h, l)| h.distance_m(&l)),
                    contacts: s.map_or(0, |s| s.contacts),
                    person,
                }
            })
            .collect();
        let mut nearby: Vec<PersonSeen> =
            all.iter().filter(|p| p.distance_m.is_some_and(|d| d <= radius)).cloned().collect();
        nearby.sort_by(|a, b| a.distance_m.unwrap_or(f64::MAX).total_cmp(&b.distance_m.unwrap_or(f64::MAX)));
        nearby.truncate(HOME_LIMIT);
        // Seen most recently first; never seen, by when they were added.
        all.sort_by(|a, b| {
            b.last_seen_at.cmp(&a.last_seen_at).then_with(|| b.person.created_at.cmp(&a.person.created_at))
        });
        all.truncate(HOME_LIMIT);
        Ok(HomeView { nearby, recent: all, radius_m: radius })
    }

    /// The eligibility and intake deadline `input` would get, without saving anything:
    /// the officer sees the result before choosing to refer.
    pub fn referral_check(&mut self, input: &ReferralInput) -> Result<ReferralCheck> {
        self.require(Action::CreateReferral, "make referrals")?;
        input.pathway.parse::<waymark_domain::referral::Pathway>()?;
        let team = self.team()?;
        let now = self.now();
        let loc = location(input.lat, input.lon, input.accuracy_m)?;
        let eligibility = eligibility::assess(&team, loc.as_ref(), &input.exclusions)?;
        let tz = time::time_zone(&team.time_zone)?;
        let deadline = intake_deadline(now, &tz, team.intake_days);
        Ok(ReferralCheck {
            eligibility,
            intake_deadline: deadline,
            days_left: time::days_left(now, deadline),
            intake_days: team.intake_days,
        })
    }
}

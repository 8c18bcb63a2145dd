//! The Waymark device API: every verb a worker can use, with its role check, its
//! validation and its one durable transaction. The `waymark` CLI and the Tauri app
//! both call this crate and nothing below it.
//!
//! This crate reads the clock and the operating system's randomness (the domain does
//! not); it does not parse command lines or print.

pub mod audit;
mod consent;
mod error;
pub mod export;
pub mod office;
mod overview;
pub mod report;
mod rotation;
pub mod sync;
mod transport;
mod unlock;
pub mod views;

use std::path::Path;

use automerge::AutoCommit;
use jiff::tz::TimeZone;
use uuid::Uuid;
use waymark_domain::audit::AuditAction;
use waymark_domain::duplicates::{self, Candidate};
use waymark_domain::eligibility;
use waymark_domain::encounter::{self, Encounter, EncounterKind, NewEncounter};
use waymark_domain::location::{Location, Precision};
use waymark_domain::note;
pub use waymark_domain::note::CaseNote;
use waymark_domain::person::{self, NewPerson, Person, PersonPatch, PersonStatus};
use waymark_domain::referral::{self, Pathway, Referral, ReferralStatus};
use waymark_domain::role::{Action, OfficerCard, Role};
use waymark_domain::team::{self, Catchment, Entry, TeamSettings};
use waymark_domain::time::{self, LocalInstant, intake_deadline};
use waymark_domain::{DeviceId, EncounterId, NoteId, PersonId, ReferralId, ValidationError};
use waymark_store::{DeviceMeta, DocId, DocKind, Store, Writer, codec};

pub use audit::AuditView;
pub use consent::{ConsentInput, ConsentRevoked};
pub use error::{DeviceError, ErrorCode, Result};
/// The instant type of every `now` the API takes (the shell passes the system time).
pub use jiff::Timestamp;
pub use overview::{
    DEFAULT_NEARBY_M, EnrollInput, HomeView, PersonSeen, ReferralCheck, SessionView, StartInput, StatusView,
    SyncFailure, SyncState,
};
pub use rotation::RotationView;
pub use sync::{DeviceView, EnrollView, InviteView, RevokeView, SyncProgress, SyncView, TrustView};
pub use unlock::{LOCKOUT_AFTER, UNLOCK_FILE, UnlockState, WIPE_AFTER, lockout};
pub use views::*;
pub use waymark_domain::consent::{Consent, Party};
pub use waymark_sync_proto::wire::RevokeResponse;

/// How many possible duplicates `person add` offers at most.
const MAX_DUPLICATES: usize = 5;
/// How many results a search or lookup returns at most.
const MAX_RESULTS: usize = 50;
/// The longest reason an officer may give for a lookup.
const MAX_REASON: usize = 500;

/// Where the device gets the time: the system clock, or a fixed/test clock.
pub type Clock = Box<dyn Fn() -> Timestamp + Send + Sync>;

/// Options of `init`: a standalone device that works fully offline.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    pub role: Option<Role>,
    pub catchment_geojson: Option<String>,
    pub intake_days: Option<i64>,
    pub time_zone: Option<String>,
    pub team_name: Option<String>,
    pub user_name: Option<String>,
    pub user_phone: Option<String>,
}

/// Fields of `person add` and `person update`, as the user typed them.
#[derive(Debug, Clone, Default, serde::Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
#[ts(optional_fields = nullable)]
pub struct PersonInput {
    pub name: Option<String>,
    #[ts(as = "Option<Vec<String>>", optional)]
    pub aliases: Vec<String>,
    pub dob: Option<String>,
    pub description: Option<String>,
    pub status: Option<String>,
    pub case_manager: Option<String>,
    pub case_manager_phone: Option<String>,
    #[ts(as = "Option<Vec<i64>>", optional)]
    pub gender: Vec<i64>,
    #[ts(as = "Option<Vec<i64>>", optional)]
    pub race_ethnicity: Vec<i64>,
    /// HUD HMIS sex code (4.21): 0 female, 1 male, 8 client doesn't know, 9 client
    /// prefers not to answer, 99 data not collected.
    pub sex: Option<i64>,
}

/// Fields of `encounter log`.
#[derive(Debug, Clone, Default, serde::Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
#[ts(optional_fields = nullable)]
pub struct EncounterInput {
    pub person: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub accuracy_m: Option<f64>,
    #[ts(as = "Option<Vec<String>>", optional)]
    pub services: Vec<String>,
    pub note: Option<String>,
    pub at: Option<String>,
    pub kind: Option<String>,
    pub living_situation: Option<u16>,
    pub duration_minutes: Option<u16>,
}

/// Fields of `referral create`.
#[derive(Debug, Clone, Default, serde::Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
#[ts(optional_fields = nullable)]
pub struct ReferralInput {
    pub pathway: String,
    pub person: Option<String>,
    pub name: Option<String>,
    #[ts(as = "Option<Vec<String>>", optional)]
    pub aliases: Vec<String>,
    pub description: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub accuracy_m: Option<f64>,
    #[ts(as = "Option<Vec<String>>", optional)]
    pub exclusions: Vec<String>,
    pub narrative: Option<String>,
    pub charge_category: Option<String>,
}

/// Fields of `team set` (and the app's team settings): each one given is changed.
#[derive(Debug, Clone, Default, serde::Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
#[ts(optional_fields = nullable)]
pub struct TeamInput {
    pub name: Option<String>,
    pub catchment_geojson: Option<String>,
    pub intake_days: Option<i64>,
    /// `KEY=LABEL` pairs, added or relabelled.
    #[ts(as = "Option<Vec<String>>", optional)]
    pub exclusions: Vec<String>,
    #[ts(as = "Option<Vec<String>>", optional)]
    pub remove_exclusions: Vec<String>,
    /// `KEY=LABEL` pairs, added or relabelled.
    #[ts(as = "Option<Vec<String>>", optional)]
    pub services: Vec<String>,
    pub time_zone: Option<String>,
    pub location_precision: Option<String>,
    pub lock_minutes: Option<i64>,
    pub export_precision: Option<String>,
    pub hmis_without_consent: Option<String>,
    pub inactive_days: Option<i64>,
}

/// An open device: its store, its identity and its clock.
pub struct Device {
    store: Store,
    clock: Clock,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device").field("store", &self.store).finish_non_exhaustive()
    }
}

fn system_clock() -> Clock {
    // Millisecond precision: what documents store, so a value read back equals the
    // value written.
    Box::new(|| {
        let now = Timestamp::now();
        Timestamp::from_millisecond(now.as_millisecond()).unwrap_or(now)
    })
}

fn new_uuid() -> Uuid {
    Uuid::new_v4()
}

/// The roster entry a referral's stub becomes on a case device: `referred`, with
/// the name and description the referrer gave.
fn person_from_stub(r: &Referral, id: PersonId, by: DeviceId, now: Timestamp) -> Person {
    Person {
        id,
        name: r.stub_name.clone(),
        aliases: vec![],
        dob: None,
        description: r.stub_description.clone(),
        gender: vec![],
        race_ethnicity: vec![],
        sex: None,
        status: PersonStatus::Referred,
        case_manager: None,
        case_manager_phone: None,
        merged_into: None,
        created_by: Some(by),
        created_at: now,
        updated_at: now,
    }
}

fn person_doc(id: PersonId) -> DocId {
    DocId::new(DocKind::Person, *id.as_uuid())
}

fn card_doc(id: PersonId) -> DocId {
    DocId::new(DocKind::Card, *id.as_uuid())
}

fn parse_id<T: std::str::FromStr<Err = ValidationError>>(text: &str) -> Result<T> {
    Ok(text.parse::<T>()?)
}

fn location(lat: Option<f64>, lon: Option<f64>, accuracy: Option<f64>) -> Result<Option<Location>> {
    match (lat, lon) {
        (Some(lat), Some(lon)) => Ok(Some(Location::new(lat, lon, accuracy)?)),
        (None, None) if accuracy.is_some() => Err(ValidationError::UnknownValue {
            what: "location",
            value: "an accuracy without coordinates".into(),
            expected: "--accuracy only with --lat and --lon".into(),
        }
        .into()),
        (None, None) => Ok(None),
        _ => Err(ValidationError::UnknownValue {
            what: "location",
            value: "only one coordinate".into(),
            expected: "both --lat and --lon, or neither".into(),
        }
        .into()),
    }
}

/// The system time zone's IANA name, for a new team's intake clock; UTC if unknown.
fn system_time_zone() -> String {
    TimeZone::system().iana_name().filter(|n| TimeZone::get(n).is_ok()).unwrap_or("UTC").to_owned()
}

impl Device {
    /// Makes a standalone device in `dir`: its store, its identity and a team of its own.
    pub fn init(dir: &Path, passphrase: &str, options: InitOptions) -> Result<(Device, InitView)> {
        let role = options.role.ok_or(ValidationError::Empty("role"))?;
        let mut settings = TeamSettings { time_zone: system_time_zone(), ..TeamSettings::default() };
        apply_team_input(
            &mut settings,
            &TeamInput {
                name: options.team_name.clone(),
                catchment_geojson: options.catchment_geojson.clone(),
                intake_days: options.intake_days,
                time_zone: options.time_zone.clone(),
                ..TeamInput::default()
            },
        )?;
        if let Some(phone) = &options.user_phone {
            person::check_phone(phone)?;
        }
        let clock = system_clock();
        let meta = DeviceMeta {
            device_id: DeviceId::from_uuid(new_uuid()),
            role,
            team_id: new_uuid(),
            user_name: options.user_name.clone(),
            user_phone: options.user_phone.clone(),
            created_at: clock(),
        };
        let store = Store::create(dir, passphrase, meta.clone())?;
        let mut device = Device { store, clock };
        let team_doc = DocId::new(DocKind::Team, meta.team_id);
        let enrolled = device.audit_draft(AuditAction::Enroll, meta.team_id.to_string()).detail("standalone", true);
        device.store.write(|w| {
            w.update(team_doc, |doc| codec::write_team(doc, &settings))?;
            w.audit(enrolled).map(drop)
        })?;
        let view =
            InitView { device_id: meta.device_id, role: role.as_str().into(), team_id: meta.team_id.to_string() };
        Ok((device, view))
    }

    /// Opens the device store in `dir`, without counting a wrong passphrase: the CLI
    /// and scripts. The app unlocks with `Device::unlock` (lockout, key destruction).
    pub fn open(dir: &Path, passphrase: &str) -> Result<Device> {
        Ok(Device { store: Store::open(dir, passphrase)?, clock: system_clock() })
    }

    /// Whether `dir` holds a device store (locked or not).
    pub fn exists(dir: &Path) -> bool {
        dir.join(waymark_store::DB_FILE).is_file()
    }

    /// A standalone device from the app's first-run form (see `init`).
    pub fn start(dir: &Path, input: StartInput) -> Result<Device> {
        let options = InitOptions {
            role: Some(input.role.parse()?),
            team_name: input.team_name,
            user_name: input.user_name,
            user_phone: input.user_phone,
            ..InitOptions::default()
        };
        Ok(Device::init(dir, &input.passphrase, options)?.0)
    }

    /// A second handle on the same device (own connection, system clock), so a
    /// background sync can run while the first keeps serving the screens.
    pub fn reopen(&self) -> Result<Device> {
        Ok(Device { store: self.store.reopen()?, clock: system_clock() })
    }

    /// Replaces the clock (tests, or an app that keeps relay time).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }

    pub fn role(&self) -> Role {
        self.store.meta().role
    }

    pub fn device_id(&self) -> DeviceId {
        self.store.meta().device_id
    }

    pub fn store(&mut self) -> &mut Store {
        &mut self.store
    }

    fn require(&self, action: Action, what: &str) -> Result<()> {
        if self.role().may(action) {
            Ok(())
        } else {
            Err(DeviceError::NotPermitted(format!("a device with the {} role cannot {what}", self.role())))
        }
    }

    fn today(&self) -> jiff::civil::Date {
        self.now().to_zoned_datetime(TimeZone::system()).date()
    }

    pub fn team(&mut self) -> Result<TeamSettings> {
        Ok(self.store.team()?)
    }

    pub fn team_view(&mut self) -> Result<TeamView> {
        Ok(self.team()?.into())
    }

    // -----------------------------------------------------------------------------
    // Persons

    /// Adds a person, answering with the likely duplicates already on the roster so
    /// the worker can pick one instead.
    pub fn person_add(&mut self, input: PersonInput) -> Result<PersonAdded> {
        self.require(Action::CreatePerson, "add persons")?;
        let today = self.today();
        let new = NewPerson::parse(
            input.name.as_deref(),
            &input.aliases,
            input.dob.as_deref(),
            input.description.as_deref(),
            today,
        )?;
        let patch = PersonPatch::parse(
            None,
            &[],
            None,
            None,
            input.status.as_deref(),
            input.case_manager.as_deref(),
            input.case_manager_phone.as_deref(),
            today,
        )?;
        let gender = person::hmis_codes("gender", person::HMIS_GENDER_CODES, &input.gender)?;
        let race = person::hmis_codes("race and ethnicity", person::HMIS_RACE_CODES, &input.race_ethnicity)?;
        let sex = input.sex.map(person::hmis_sex).transpose()?;
        let possible_duplicates = self.duplicates_of(&new, None)?;
        let now = self.now();
        let person = Person {
            id: PersonId::from_uuid(new_uuid()),
            name: new.name,
            aliases: new.aliases,
            dob: new.dob,
            description: new.description,
            gender,
            race_ethnicity: race,
            sex,
            status: patch.status.unwrap_or(PersonStatus::Active),
            case_manager: patch.case_manager,
            case_manager_phone: patch.case_manager_phone,
            merged_into: None,
            created_by: Some(self.device_id()),
            created_at: now,
            updated_at: now,
        };
        self.store.write(|w| save_person(w, &person))?;
        Ok(PersonAdded { id: person.id, possible_duplicates })
    }

    fn duplicates_of(&mut self, new: &NewPerson, skip: Option<PersonId>) -> Result<Vec<DuplicateView>> {
        let rows = self.store.query().duplicate_rows()?;
        let dob = new.dob.map(|d| d.to_string());
        let candidate = Candidate {
            name: new.name.as_deref(),
            aliases: &new.aliases,
            dob: dob.as_deref(),
            description: new.description.as_deref(),
        };
        let existing = rows.iter().filter(|r| Some(r.id) != skip).map(|r| {
            (
                r.id,
                Candidate {
                    name: r.name.as_deref(),
                    aliases: &r.aliases,
                    dob: r.dob.as_deref(),
                    description: r.description.as_deref(),
                },
            )
        });
        let best = duplicates::best_matches(&candidate, existing, MAX_DUPLICATES);
        Ok(best
            .into_iter()
            .map(|(id, score)| {
                let display_name = rows
                    .iter()
                    .find(|r| r.id == id)
                    .map(|r| person::display_name(r.name.as_deref(), &r.aliases))
                    .unwrap_or_default();
                DuplicateView { id, score: (score * 1000.0).round() / 1000.0, display_name }
            })
            .collect())
    }

    /// Updates a person's fields; aliases given are added.
    pub fn person_update(&mut self, id: &str, input: PersonInput) -> Result<PersonView> {
        self.require(Action::UpdatePerson, "change persons")?;
        let id: PersonId = parse_id(id)?;
        let today = self.today();
        let mut patch = PersonPatch::parse(
            input.name.as_deref(),
            &input.aliases,
            input.dob.as_deref(),
            input.description.as_deref(),
            input.status.as_deref(),
            input.case_manager.as_deref(),
            input.case_manager_phone.as_deref(),
            today,
        )?;
        if !input.gender.is_empty() {
            patch.gender = Some(person::hmis_codes("gender", person::HMIS_GENDER_CODES, &input.gender)?);
        }
        if !input.race_ethnicity.is_empty() {
            patch.race_ethnicity =
                Some(person::hmis_codes("race and ethnicity", person::HMIS_RACE_CODES, &input.race_ethnicity)?);
        }
        patch.sex = input.sex.map(person::hmis_sex).transpose()?;
        if patch.is_empty() {
            return Err(ValidationError::Empty("the update (give at least one field to change)").into());
        }
        let id = self.store.query().resolve_person(id)?;
        let now = self.now();
        self.store.write(|w| {
            let mut p = w
                .read(person_doc(id), |doc| codec::read_person(doc, id))?
                .ok_or_else(|| DeviceError::NotFound { what: "person", id: id.to_string() })?;
            let before = p.clone();
            if let Some(name) = patch.name {
                p.name = Some(name);
            }
            for alias in patch.add_aliases {
                if !p.aliases.iter().any(|a| a.to_lowercase() == alias.to_lowercase()) {
                    p.aliases.push(alias);
                }
            }
            p.dob = patch.dob.or(p.dob);
            p.description = patch.description.or(p.description);
            p.status = patch.status.unwrap_or(p.status);
            p.case_manager = patch.case_manager.or(p.case_manager);
            p.case_manager_phone = patch.case_manager_phone.or(p.case_manager_phone);
            p.gender = patch.gender.unwrap_or(p.gender);
            p.race_ethnicity = patch.race_ethnicity.unwrap_or(p.race_ethnicity);
            p.sex = patch.sex.or(p.sex);
            if p != before {
                p.updated_at = now;
                save_person(w, &p)?;
            }
            Ok::<_, DeviceError>(())
        })?;
        self.person_view(id, None)
    }

    fn person_view(&mut self, id: PersonId, resolved_from: Option<PersonId>) -> Result<PersonView> {
        let row = self
            .store
            .query()
            .person(id)?
            .ok_or_else(|| DeviceError::NotFound { what: "person", id: id.to_string() })?;
        let pending = self.store.is_pending(person_doc(id))?;
        let mut view = PersonView::new(row.person, row.conflicts, pending);
        view.resolved_from = resolved_from;
        Ok(view)
    }

    /// A person as this device's role may see them: the full record for case roles,
    /// the officer card for an officer (and only a card it holds).
    pub fn person_show(&mut self, id: &str) -> Result<PersonShow> {
        let shown = self.person_show_unaudited(id)?;
        let person = match &shown {
            PersonShow::Card(c) => c.id,
            PersonShow::Person(p) => p.id,
        };
        let draft = self.audit_draft(AuditAction::PersonView, person.to_string());
        let draft = if person.to_string() == id.trim() { draft } else { draft.detail("asked", id.trim()) };
        self.audit_now(draft)?;
        Ok(shown)
    }

    fn person_show_unaudited(&mut self, id: &str) -> Result<PersonShow> {
        let asked: PersonId = parse_id(id)?;
        if !self.role().may(Action::ViewCase) {
            let id = self.store.query().resolve_person(asked)?;
            return match self.store.query().card(id)? {
                Some(card) => Ok(PersonShow::Card(CardShow { id: card.person_id, card: card.into() })),
                None => {
                    Err(DeviceError::NotPermitted(format!("person {asked} is not among this officer device's cards")))
                }
            };
        }
        let id = self.store.query().resolve_person(asked)?;
        let resolved_from = (id != asked).then_some(asked);
        if self.store.query().person(id)?.is_none()
            && let Some(card) = self.store.query().card(id)?
        {
            // Referred by an officer, not yet worked: only the card exists here.
            return Ok(PersonShow::Card(CardShow { id: card.person_id, card: card.into() }));
        }
        Ok(PersonShow::Person(Box::new(self.person_view(id, resolved_from)?)))
    }

    /// The roster (merged-away persons left out), most recently updated first.
    pub fn person_list(&mut self) -> Result<Vec<PersonView>> {
        self.require(Action::ViewCase, "list persons (use lookup)")?;
        let rows = self.store.query().persons()?;
        let pending = self.store.pending_docs()?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let is_pending = pending.contains(&person_doc(row.person.id));
                PersonView::new(row.person, row.conflicts, is_pending)
            })
            .collect())
    }

    /// Persons whose name or alias contains `query` (ignoring case and punctuation),
    /// then those whose description contains it.
    pub fn person_search(&mut self, query: &str) -> Result<Vec<PersonView>> {
        self.require(Action::ViewCase, "search persons (use lookup)")?;
        if waymark_domain::duplicates::normalize(query).is_empty() {
            return Err(ValidationError::Empty("search query").into());
        }
        let rows = self.store.query().search_persons(query, MAX_RESULTS)?;
        let pending = self.store.pending_docs()?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let is_pending = pending.contains(&person_doc(r.person.id));
                PersonView::new(r.person, r.conflicts, is_pending)
            })
            .collect())
    }

    /// Merges `duplicate` into `keep` (supervisor). The duplicate records
    /// `merged_into`; its encounters, notes and referrals resolve to the kept person
    /// wherever they are read, on this device and on devices that sync the merge later.
    pub fn person_merge(&mut self, keep: &str, duplicate: &str) -> Result<MergeView> {
        self.person_merge_choosing(keep, duplicate, &[])
    }

    /// A merge where the reviewer chose, for the fields named in `take`, the
    /// duplicate's value over the kept record's (name, dob, description, status,
    /// case_manager, gender, race_ethnicity, sex). Everything else as `person_merge`.
    pub fn person_merge_choosing(&mut self, keep: &str, duplicate: &str, take: &[String]) -> Result<MergeView> {
        self.require(Action::MergePersons, "merge persons")?;
        const TAKEABLE: [&str; 8] =
            ["name", "dob", "description", "status", "case_manager", "gender", "race_ethnicity", "sex"];
        for field in take {
            if !TAKEABLE.contains(&field.as_str()) {
                return Err(ValidationError::UnknownValue {
                    what: "field to take from the duplicate",
                    value: field.clone(),
                    expected: TAKEABLE.join(", "),
                }
                .into());
            }
        }
        let takes = |f: &str| take.iter().any(|t| t == f);
        let keep: PersonId = parse_id(keep)?;
        let dup: PersonId = parse_id(duplicate)?;
        let keep = self.store.query().resolve_person(keep)?;
        if self.store.query().resolve_person(dup)? == keep {
            return Err(DeviceError::Conflict(format!("{dup} is already {keep} or merged into it")));
        }
        let now = self.now();
        let merged = self.audit_draft(AuditAction::Merge, dup.to_string()).detail("kept", keep.to_string());
        let at = self.sharing_time()?;
        self.store.write(|w| {
            let not_found = |id: PersonId| DeviceError::NotFound { what: "person", id: id.to_string() };
            let mut k = w.read(person_doc(keep), |d| codec::read_person(d, keep))?.ok_or_else(|| not_found(keep))?;
            let mut d = w.read(person_doc(dup), |doc| codec::read_person(doc, dup))?.ok_or_else(|| not_found(dup))?;
            if d.merged_into.is_some() {
                return Err(DeviceError::Conflict(format!("{dup} was already merged into another person")));
            }
            // The kept record wins; what it lacks comes from the duplicate, and the
            // duplicate's names stay findable as aliases.
            for name in d.name.iter().chain(d.aliases.iter()) {
                let known = k.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name))
                    || k.aliases.iter().any(|a| a.to_lowercase() == name.to_lowercase());
                if !known {
                    k.aliases.push(name.clone());
                }
            }
            k.dob = k.dob.or(d.dob);
            k.sex = k.sex.or(d.sex);
            k.description = k.description.clone().or(d.description.clone());
            k.case_manager = k.case_manager.clone().or(d.case_manager.clone());
            k.case_manager_phone = k.case_manager_phone.clone().or(d.case_manager_phone.clone());
            if k.status != PersonStatus::Active && d.status == PersonStatus::Active {
                k.status = PersonStatus::Active;
            }
            // The reviewer's choices win over the rules above.
            if takes("name") && d.name.is_some() {
                if let Some(old) = k.name.replace(d.name.clone().unwrap_or_default())
                    && !k.aliases.iter().any(|a| a.eq_ignore_ascii_case(&old))
                {
                    k.aliases.push(old);
                }
                k.aliases.retain(|a| !k.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(a)));
            }
            if takes("dob") {
                k.dob = d.dob;
            }
            if takes("description") {
                k.description = d.description.clone();
            }
            if takes("status") {
                k.status = d.status;
            }
            if takes("case_manager") {
                k.case_manager = d.case_manager.clone();
                k.case_manager_phone = d.case_manager_phone.clone();
            }
            if takes("gender") {
                k.gender = d.gender.clone();
            }
            if takes("race_ethnicity") {
                k.race_ethnicity = d.race_ethnicity.clone();
            }
            if takes("sex") {
                k.sex = d.sex;
            }
            k.updated_at = now;
            d.merged_into = Some(keep);
            d.updated_at = now;
            save_person(w, &k)?;
            save_person(w, &d)?;
            // The duplicate's consents now speak for the kept person (and no longer
            // for the duplicate's own card).
            consent::refresh_card(w, keep, at)?;
            consent::refresh_card(w, dup, at)?;
            w.audit(merged)?;
            Ok(())
        })?;
        let query = self.store.query();
        let ids = query.merged_ids(keep)?;
        let encounters = query.encounters(Some(&ids))?.len();
        let referrals = query.referrals()?.iter().filter(|r| ids.contains(&r.person_id)).count();
        Ok(MergeView { id: keep, merged: dup, encounters, referrals })
    }

    // -----------------------------------------------------------------------------
    // Notes and encounters

    pub fn note_add(&mut self, person: &str, text: &str) -> Result<IdView> {
        self.require(Action::AddNote, "add case notes")?;
        let person: PersonId = parse_id(person)?;
        let text = note::note_text(text)?;
        let person = self.person_for_write(person)?;
        let n = CaseNote {
            id: NoteId::from_uuid(new_uuid()),
            person_id: person,
            text,
            author: self.device_id(),
            at: self.now(),
        };
        let doc = DocId::new(DocKind::Note, *n.id.as_uuid());
        self.store.write(|w| w.update(doc, |d| codec::write_note(d, &n)))?;
        Ok(IdView { id: n.id.to_string() })
    }

    pub fn notes(&mut self, person: &str) -> Result<Vec<CaseNote>> {
        self.require(Action::ViewCase, "read case notes")?;
        let person: PersonId = parse_id(person)?;
        let person = self.existing_person(person)?;
        let mut out = Vec::new();
        for id in self.store.query().merged_ids(person)? {
            out.extend(self.store.query().notes(id)?);
        }
        out.sort_by_key(|n| std::cmp::Reverse(n.at));
        Ok(out)
    }

    /// For a write about a person: the id they resolve to. A person an officer
    /// referred exists on case devices only as the referral's stub until someone
    /// works the referral; the first contact, note or status change makes them a
    /// `referred` person on the roster here, so the worker can log attempts.
    fn person_for_write(&mut self, id: PersonId) -> Result<PersonId> {
        let id = self.store.query().resolve_person(id)?;
        if self.store.query().person(id)?.is_some() {
            return Ok(id);
        }
        let stub =
            self.store.query().referrals()?.into_iter().filter(|r| r.person_id == id).min_by_key(|r| r.created_at);
        let Some(r) = stub else {
            return Err(DeviceError::NotFound { what: "person", id: id.to_string() });
        };
        let p = person_from_stub(&r, id, self.device_id(), self.now());
        self.store.write(|w| save_person(w, &p))?;
        Ok(id)
    }

    /// The id a person resolves to, or not-found when it is not on this device.
    pub(crate) fn existing_person(&mut self, id: PersonId) -> Result<PersonId> {
        let id = self.store.query().resolve_person(id)?;
        match self.store.query().person(id)? {
            Some(_) => Ok(id),
            None => Err(DeviceError::NotFound { what: "person", id: id.to_string() }),
        }
    }

    /// Logs a contact: with a person or anonymous; time and place default to now and
    /// none.
    pub fn encounter_log(&mut self, input: EncounterInput) -> Result<IdView> {
        self.require(Action::LogEncounter, "log contacts")?;
        let team = self.team()?;
        let now = self.now();
        let person = match input.person.as_deref() {
            Some(p) => {
                let id: PersonId = parse_id(p)?;
                Some(self.person_for_write(id)?)
            }
            None => None,
        };
        let at = match input.at.as_deref() {
            Some(text) => LocalInstant::parse(text, now)?,
            None => LocalInstant::new(now, TimeZone::system().to_offset(now)),
        };
        let location = location(input.lat, input.lon, input.accuracy_m)?.map(|l| l.coarsened(team.location_precision));
        let new = NewEncounter {
            person_id: person,
            at,
            location,
            kind: input.kind.as_deref().map(str::parse::<EncounterKind>).transpose()?.unwrap_or_default(),
            services: encounter::parse_services(&input.services, &team)?,
            living_situation: input.living_situation,
            duration_minutes: input.duration_minutes,
            note: input.note,
        }
        .validate()?;
        let e = Encounter {
            id: EncounterId::from_uuid(new_uuid()),
            person_id: new.person_id,
            at: new.at,
            location: new.location,
            kind: new.kind,
            services: new.services,
            living_situation: new.living_situation,
            duration_minutes: new.duration_minutes,
            note: new.note,
            author: self.device_id(),
        };
        let doc = DocId::new(DocKind::Encounter, *e.id.as_uuid());
        self.store.write(|w| w.update(doc, |d| codec::write_encounter(d, &e)))?;
        Ok(IdView { id: e.id.to_string() })
    }

    /// Contacts, newest first: of one person (and everyone merged into them) or all.
    pub fn encounter_list(&mut self, person: Option<&str>) -> Result<Vec<EncounterView>> {
        self.require(Action::ViewCase, "read contacts")?;
        let list = match person {
            Some(p) => {
                let id: PersonId = parse_id(p)?;
                let id = self.existing_person(id)?;
                let ids = self.store.query().merged_ids(id)?;
                self.store.query().encounters(Some(&ids))?
            }
            None => self.store.query().encounters(None)?,
        };
        let pending = self.store.pending_docs()?;
        let mut resolved = std::collections::HashMap::new();
        let mut out = Vec::with_capacity(list.len());
        for mut e in list {
            let is_pending = pending.contains(&DocId::new(DocKind::Encounter, *e.id.as_uuid()));
            // A contact logged against a person later merged away shows the kept person;
            // a person's many contacts resolve with one lookup.
            if let Some(p) = e.person_id {
                let kept = match resolved.get(&p) {
                    Some(k) => *k,
                    None => {
                        let k = self.store.query().resolve_person(p)?;
                        resolved.insert(p, k);
                        k
                    }
                };
                e.person_id = Some(kept);
            }
            out.push(EncounterView::new(e, is_pending));
        }
        Ok(out)
    }

    // -----------------------------------------------------------------------------
    // Referrals and lookup

    /// Creates a referral. The officer is warned by the eligibility result, never
    /// blocked. A referral for someone not on the roster makes a new person: an
    /// officer's device writes only the card and the referral (never a case document);
    /// a case worker's device writes the person's profile too.
    pub fn referral_create(&mut self, input: ReferralInput) -> Result<ReferralCreated> {
        self.require(Action::CreateReferral, "make referrals")?;
        let pathway: Pathway = input.pathway.parse()?;
        let team = self.team()?;
        let now = self.now();
        let loc = location(input.lat, input.lon, input.accuracy_m)?;
        let eligibility = eligibility::assess(&team, loc.as_ref(), &input.exclusions)?;
        let narrative = referral::narrative(input.narrative.as_deref())?;
        let charge_category =
            input.charge_category.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned);
        let tz = time::time_zone(&team.time_zone)?;
        let deadline = intake_deadline(now, &tz, team.intake_days);
        let stored_location = loc.map(|l| l.coarsened(team.location_precision));
        let officer = self.role() == Role::Officer;
        let me = self.device_id();

        enum Subject {
            Existing(PersonId),
            New(NewPerson),
        }
        let subject = match (&input.person, &input.name, &input.description) {
            (Some(p), None, None) if input.aliases.is_empty() => {
                let id: PersonId = parse_id(p)?;
                let id = self.store.query().resolve_person(id)?;
                let known = if officer {
                    self.store.query().card(id)?.is_some()
                } else {
                    self.store.query().person(id)?.is_some()
                };
                if !known {
                    return Err(DeviceError::NotFound { what: "person", id: id.to_string() });
                }
                Subject::Existing(id)
            }
            (Some(_), _, _) => {
                return Err(ValidationError::UnknownValue {
                    what: "referral subject",
                    value: "both --person and new-person details".into(),
                    expected: "either --person ID or --name/--description".into(),
                }
                .into());
            }
            (None, _, _) => Subject::New(NewPerson::parse(
                input.name.as_deref(),
                &input.aliases,
                None,
                input.description.as_deref(),
                self.today(),
            )?),
        };

        let id = ReferralId::from_uuid(new_uuid());
        let (person_id, stub) = match &subject {
            Subject::Existing(p) => (*p, None),
            Subject::New(n) => (PersonId::from_uuid(new_uuid()), Some(n.clone())),
        };
        let r = Referral {
            id,
            pathway,
            person_id,
            stub_name: stub.as_ref().and_then(|s| s.name.clone().or_else(|| s.aliases.first().cloned())),
            stub_description: stub.as_ref().and_then(|s| s.description.clone()),
            referred_by: me,
            referrer_role: self.role().as_str().into(),
            created_at: now,
            location: stored_location,
            exclusions: input.exclusions.clone(),
            eligibility: eligibility.clone(),
            narrative,
            intake_deadline: deadline,
            status: ReferralStatus::New,
            status_at: now,
            charge_category,
        };
        self.store.write(|w| {
            if let Some(stub) = &stub {
                if officer {
                    let card = OfficerCard {
                        person_id,
                        display_name: person::display_name(stub.name.as_deref(), &stub.aliases),
                        status: PersonStatus::Referred,
                        case_manager: None,
                        case_manager_phone: None,
                        updated_at: now,
                        merged_into: None,
                        referred_by: Some(me),
                        shared_with_officers_until: None,
                    };
                    w.update(card_doc(person_id), |d| codec::write_card(d, &card))?;
                } else {
                    let p = Person {
                        id: person_id,
                        name: stub.name.clone(),
                        aliases: stub.aliases.clone(),
                        dob: None,
                        description: stub.description.clone(),
                        gender: vec![],
                        race_ethnicity: vec![],
                        sex: None,
                        status: PersonStatus::Referred,
                        case_manager: None,
                        case_manager_phone: None,
                        merged_into: None,
                        created_by: Some(me),
                        created_at: now,
                        updated_at: now,
                    };
                    save_person(w, &p)?;
                }
            }
            w.update(DocId::new(DocKind::Referral, *id.as_uuid()), |d| codec::write_referral(d, &r))?;
            Ok::<_, DeviceError>(())
        })?;
        Ok(ReferralCreated {
            id: id.to_string(),
            person_id,
            eligibility,
            intake_deadline: deadline,
            days_left: time::days_left(now, deadline),
            status: ReferralStatus::New.as_str().into(),
        })
    }

    /// Referrals this device may see, open ones first by days left on the intake
    /// clock: all of them for case roles, an officer's own for an officer.
    pub fn referral_list(&mut self) -> Result<Vec<ReferralView>> {
        self.require(Action::ViewOwnReferrals, "list referrals")?;
        let now = self.now();
        let officer = !self.role().may(Action::ViewCase);
        let me = self.device_id();
        let list = self.store.query().referrals()?;
        let pending = self.store.pending_docs()?;
        let mut out = Vec::with_capacity(list.len());
        for r in list {
            if officer && r.referred_by != me {
                continue;
            }
            let person = self.store.query().resolve_person(r.person_id)?;
            let name = if officer {
                self.store.query().card(person)?.map(|c| c.display_name)
            } else {
                self.store.query().person(person)?.map(|p| p.person.display_name())
            };
            let is_pending = pending.contains(&DocId::new(DocKind::Referral, *r.id.as_uuid()));
            out.push(ReferralView::new(r, name, now, is_pending));
        }
        Ok(out)
    }

    /// Moves a referral along its status machine. Intake completion makes the person
    /// active (with this worker as case manager if none is set).
    pub fn referral_update(&mut self, id: &str, status: &str) -> Result<ReferralView> {
        self.require(Action::UpdateReferral, "change a referral's status")?;
        let id: ReferralId = parse_id(id)?;
        let to: ReferralStatus = status.parse()?;
        let now = self.now();
        let meta = self.store.meta().clone();
        let doc = DocId::new(DocKind::Referral, *id.as_uuid());
        if let Some(r) = self.store.query().referral(id)? {
            self.person_for_write(r.person_id)?;
        }
        self.store.write(|w| {
            let mut r = w
                .read(doc, |d| codec::read_referral(d, id))?
                .ok_or_else(|| DeviceError::NotFound { what: "referral", id: id.to_string() })?;
            r.status = r.status.transition(to)?;
            r.status_at = now;
            w.update(doc, |d| codec::write_referral(d, &r))?;
            if to == ReferralStatus::IntakeComplete {
                let person_id = w.query().resolve_person(r.person_id)?;
                let existing = w.read(person_doc(person_id), |d| codec::read_person(d, person_id))?;
                // A referral made on an officer's phone has only a stub; intake makes
                // it a full person on the roster.
                let mut p = existing.unwrap_or_else(|| person_from_stub(&r, person_id, meta.device_id, now));
                p.status = PersonStatus::Active;
                if p.case_manager.is_none() {
                    p.case_manager = meta.user_name.clone();
                    p.case_manager_phone = meta.user_phone.clone();
                }
                p.updated_at = now;
                save_person(w, &p)?;
            }
            Ok::<_, DeviceError>(())
        })?;
        let r = self
            .store
            .query()
            .referral(id)?
            .ok_or_else(|| DeviceError::NotFound { what: "referral", id: id.to_string() })?;
        let name = self.store.query().person(r.person_id)?.map(|p| p.person.display_name());
        let pending = self.store.is_pending(doc)?;
        Ok(ReferralView::new(r, name, now, pending))
    }

    /// Roster lookup: officer cards whose name contains `query`. This is the officer's
    /// way to see whether someone is a participant; it never returns case detail.
    pub fn lookup(&mut self, query: &str, reason: Option<&str>) -> Result<Vec<CardView>> {
        self.require(Action::Lookup, "look up the roster")?;
        let query = query.trim();
        // Punctuation alone normalizes to nothing, which would match every card.
        if duplicates::normalize(query).is_empty() {
            return Err(ValidationError::Empty("lookup query (letters or digits of a name or alias)").into());
        }
        if let Some(reason) = reason
            && reason.chars().count() > MAX_REASON
        {
            return Err(ValidationError::TooLong { field: "reason", max: MAX_REASON }.into());
        }
        let cards: Vec<CardView> =
            self.store.query().search_cards(query, MAX_RESULTS)?.into_iter().map(CardView::from).collect();
        let found: Vec<String> = cards.iter().map(|c| c.person_id.to_string()).collect();
        let draft = self
            .audit_draft(AuditAction::Lookup, query)
            .reason(reason.map(str::trim).unwrap_or_default())
            .detail("found", found);
        self.audit_now(draft)?;
        Ok(cards)
    }

    // -----------------------------------------------------------------------------
    // Team settings

    /// Changes team settings (supervisor).
    pub fn team_set(&mut self, input: TeamInput) -> Result<TeamView> {
        self.require(Action::TeamSettings, "change team settings")?;
        let mut team = self.team()?;
        apply_team_input(&mut team, &input)?;
        let doc = match self.store.query().team_doc()? {
            Some(d) => d,
            None => DocId::new(DocKind::Team, self.store.meta().team_id),
        };
        self.store.write(|w| w.update(doc, |d| codec::write_team(d, &team)))?;
        Ok(team.into())
    }
}

fn apply_team_input(team: &mut TeamSettings, input: &TeamInput) -> Result<()> {
    if let Some(name) = &input.name {
        let name = name.trim();
        if name.is_empty() {
            return Err(ValidationError::Empty("team name").into());
        }
        team.name = name.to_owned();
    }
    if let Some(text) = &input.catchment_geojson {
        team.catchment = Some(Catchment::from_geojson(text)?);
    }
    if let Some(days) = input.intake_days {
        team.intake_days = team::intake_days(days)?;
    }
    for pair in &input.exclusions {
        team.upsert_exclusion(Entry::parse_pair(pair)?);
    }
    for key in &input.remove_exclusions {
        team.exclusion(key)?;
        team.exclusions.retain(|e| &e.key != key);
    }
    for pair in &input.services {
        team.upsert_service(Entry::parse_pair(pair)?);
    }
    if let Some(tz) = &input.time_zone {
        time::time_zone(tz)?;
        team.time_zone = tz.clone();
    }
    if let Some(p) = &input.location_precision {
        team.location_precision = p.parse::<Precision>()?;
    }
    if let Some(m) = input.lock_minutes {
        team.lock_minutes = team::lock_minutes(m)?;
    }
    if let Some(p) = &input.export_precision {
        team.export_precision = p.parse::<Precision>()?;
    }
    if let Some(p) = &input.hmis_without_consent {
        team.hmis_without_consent = p.parse()?;
    }
    if let Some(d) = input.inactive_days {
        team.inactive_days = team::inactive_days(d)?;
    }
    Ok(())
}

/// Writes a person's profile and keeps its officer card in step: the card gets only
/// the officer-visible fields, and is written only when one of them changed.
fn save_person(w: &mut Writer<'_, '_>, p: &Person) -> Result<()> {
    w.update(person_doc(p.id), |doc: &mut AutoCommit| codec::write_person(doc, p))?;
    let existing = w.read(card_doc(p.id), |d| codec::read_card(d, p.id))?;
    let mut card = OfficerCard::of(p, existing.as_ref().and_then(|c| c.referred_by));
    card.shared_with_officers_until = existing.as_ref().and_then(|c| c.shared_with_officers_until);
    if existing.is_none_or(|e| !e.same_view(&card)) {
        w.update(card_doc(p.id), |d| codec::write_card(d, &card))?;
    }
    Ok(())
}

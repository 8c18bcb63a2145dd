//! Program figures for a period, computed on the device from the records it holds
//! (workflow 7, "Office"). Pure: the caller reads the records and passes them in with a
//! function that resolves a person id through merges; nothing here reads a clock.
//!
//! # Definitions
//!
//! - **Period.** `from` and `to` are calendar days of the team's time zone
//!   (`TeamSettings::time_zone`), both included: the period is the half-open interval
//!   [`from` 00:00, `to` + 1 day 00:00) in that zone, so a day is 23 or 25 hours long
//!   across a daylight-saving change. `from` after `to`, or a period longer than
//!   [`MAX_PERIOD_DAYS`], is invalid input.
//! - **Contacts.** Encounters whose instant is in the period and whose kind is not
//!   `attempted` ("attempted — not found"); attempts are counted apart (`attempted`).
//!   `anonymous_contacts` are contacts with no person; `unique_persons` counts the
//!   distinct persons among contacts, each id resolved through merges first (a person
//!   and their merged-away duplicates are one person).
//! - **Contacts per week.** ISO weeks (Monday to Sunday) of the contact's day in the
//!   team's time zone; every week that overlaps the period is listed in order, with 0
//!   when it has no contact (the first and last weeks may be partial).
//! - **Contacts per worker.** By the encounter's `author` device, most contacts first
//!   (then by device id); attempts are shown beside.
//! - **Supplies.** The sum of service counts by service key over all contacts of the
//!   period, anonymous ones included, attempts excluded. `naloxone` and
//!   `fentanyl_test_strips` are always present (0 when none were given);
//!   `supplies_order` lists the keys with those two first, then by count (most first),
//!   then by key.
//! - **Referrals.** Those created in the period: `by_pathway` (every pathway present),
//!   `by_outcome` (the current status, every status present), `by_officer` (referrals
//!   whose `referrer_role` is `officer`, by the referring device) and
//!   `officer_concentration`, which warns when at least
//!   [`CONCENTRATION_MIN_REFERRALS`] officer referrals were made and one officer made
//!   more than [`CONCENTRATION_MAX_SHARE_PCT`] % of them.
//! - **Days to first contact.** Over referrals created in the period: the first contact
//!   is the earliest non-attempted encounter with the referral's person (resolved
//!   through merges, at any time up to now, also after the period) at or after the
//!   referral's creation; a referral whose status is `contacted` or `intake_complete`
//!   was contacted no later than its `status_at`, so the first contact is the earlier of
//!   the two (the `status_at` alone when no contact was logged). Days are elapsed time
//!   / 24 h; the figure is their median (2 decimals), `null` when no referral has a
//!   first contact.
//! - **Days to intake.** Over referrals created in the period whose status is
//!   `intake_complete`: `status_at − created_at` in days, median (2 decimals), `null`
//!   when none. `intake_within_window_pct` is the share of those intakes with
//!   `status_at ≤ intake_deadline`, in percent with 1 decimal, `null` when none.
//! - **Contact dose.** Participants are persons (not merged away) whose status is
//!   `active` when the report is made. The dose is the period's contacts with them
//!   (their merged-away ids included) / the number of active participants / the
//!   period's length in months (days / 30.4375), 2 decimals; `null` with no active
//!   participant.
//! - **Caseload.** Active participants by case manager name, most first (then by name);
//!   those without a case manager are counted in `unassigned`.
//!
//! Merged-away persons (`merged_into` set) are never counted as persons.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;

use crate::encounter::{Encounter, EncounterKind};
use crate::error::{Result, ValidationError};
use crate::ids::PersonId;
use crate::person::{Person, PersonStatus};
use crate::referral::{Pathway, Referral, ReferralStatus};
use crate::time::{parse_date, time_zone};

/// The longest period a report covers: three years (one with a leap day).
pub const MAX_PERIOD_DAYS: i64 = 3 * 365 + 1;
/// The average month of the Gregorian calendar, in days (365.25 / 12).
pub const DAYS_PER_MONTH: f64 = 30.4375;
/// Officer concentration is judged only from this many officer referrals on.
pub const CONCENTRATION_MIN_REFERRALS: u64 = 5;
/// One officer making more than this share of officer referrals is a fidelity warning.
pub const CONCENTRATION_MAX_SHARE_PCT: f64 = 50.0;
/// Supplies always shown, and shown first, in this order.
pub const FIRST_SUPPLIES: [&str; 2] = ["naloxone", "fentanyl_test_strips"];
/// The referrer role whose referrals count as an officer's.
const OFFICER_ROLE: &str = "officer";

/// A report's period: whole days of the team's time zone, `from` to `to` included.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    from: Date,
    to: Date,
    zone_name: String,
    tz: TimeZone,
    start: Timestamp,
    end: Timestamp,
}

impl Period {
    /// Parses `YYYY-MM-DD` days and looks up the team's IANA time zone.
    pub fn parse(from: &str, to: &str, zone_name: &str) -> Result<Self> {
        Period::new(parse_date(from)?, parse_date(to)?, zone_name)
    }

    /// The days `from` to `to` (included) in the zone named `zone_name`.
    pub fn new(from: Date, to: Date, zone_name: &str) -> Result<Self> {
        let tz = time_zone(zone_name)?;
        let invalid =
            |why: &str| ValidationError::Period { from: from.to_string(), to: to.to_string(), why: why.to_owned() };
        if from > to {
            return Err(invalid("the first day comes after the last day"));
        }
        let limit = format!("a period is at most {MAX_PERIOD_DAYS} days (3 years) long");
        let days = i64::from(from.until(to).map_err(|_| invalid(&limit))?.get_days()) + 1;
        if days > MAX_PERIOD_DAYS {
            return Err(invalid(&limit));
        }
        let unrepresentable = "it is outside the calendar's range";
        let start = start_of_day(from, &tz).ok_or_else(|| invalid(unrepresentable))?;
        let after = to.tomorrow().map_err(|_| invalid(unrepresentable))?;
        let end = start_of_day(after, &tz).ok_or_else(|| invalid(unrepresentable))?;
        Ok(Self { from, to, zone_name: zone_name.to_owned(), tz, start, end })
    }

    pub fn from(&self) -> Date {
        self.from
    }

    pub fn to(&self) -> Date {
        self.to
    }

    /// The first instant of the period (`from` 00:00 local).
    pub fn start(&self) -> Timestamp {
        self.start
    }

    /// The first instant after the period (`to` + 1 day, 00:00 local).
    pub fn end(&self) -> Timestamp {
        self.end
    }

    /// Whether `at` falls in [start, end).
    pub fn contains(&self, at: Timestamp) -> bool {
        self.start <= at && at < self.end
    }

    /// Calendar days in the period, both ends included.
    pub fn days(&self) -> i64 {
        self.from.until(self.to).map(|s| i64::from(s.get_days()) + 1).unwrap_or(1)
    }

    /// The period's length in average months (days / 30.4375).
    pub fn months(&self) -> f64 {
        self.days() as f64 / DAYS_PER_MONTH
    }

    /// The day `at` falls on in the team's time zone.
    pub fn local_date(&self, at: Timestamp) -> Date {
        at.to_zoned_datetime(self.tz.clone()).date()
    }
}

fn start_of_day(day: Date, tz: &TimeZone) -> Option<Timestamp> {
    day.to_zoned_datetime(tz.clone()).and_then(|z| z.start_of_day()).ok().map(|z| z.timestamp())
}

/// The Monday that starts the ISO week of `day`.
fn week_start(day: Date) -> Date {
    let back = i64::from(day.weekday().to_monday_zero_offset());
    day.checked_sub(back.days()).unwrap_or(day)
}

/// `2026-W45` for the ISO week that starts on `monday`.
fn week_label(monday: Date) -> String {
    let w = monday.iso_week_date();
    format!("{:04}-W{:02}", w.year(), w.week())
}

/// Rounds to `places` decimals, for figures people read.
fn round(value: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (value * f).round() / f
}

/// Elapsed days between two instants (24-hour days, fractional).
fn days_between(from: Timestamp, to: Timestamp) -> f64 {
    (to.as_millisecond() - from.as_millisecond()) as f64 / 86_400_000.0
}

/// The median of `values` (the mean of the two middle ones for an even count); `None`
/// for none.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len().is_multiple_of(2) { (v[mid - 1] + v[mid]) / 2.0 } else { v[mid] })
}

/// The period as the report states it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReportPeriod {
    /// First day, `YYYY-MM-DD`.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub from: Date,
    /// Last day, included.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub to: Date,
    /// The team's IANA time zone, in which the days are counted.
    pub time_zone: String,
    /// `from` 00:00 local, as an instant.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub start: Timestamp,
    /// `to` + 1 day 00:00 local: the first instant after the period.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub end: Timestamp,
    pub days: i64,
    /// Days / 30.4375, 4 decimals.
    pub months: f64,
}

/// Contacts in one ISO week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WeekContacts {
    /// `YYYY-Www`, e.g. `2026-W45`.
    pub week: String,
    /// The week's Monday, `YYYY-MM-DD`.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub start: Date,
    pub contacts: u64,
}

/// Contacts logged by one device (worker).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkerContacts {
    pub device_id: String,
    pub contacts: u64,
    /// "Attempted — not found" encounters this worker logged in the period.
    pub attempted: u64,
}

/// Whether few officers make most officer referrals (a LEAD fidelity warning).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OfficerConcentration {
    /// Distinct officers who referred in the period.
    pub officers: u64,
    /// The most active officer's share of officer referrals, percent with 1 decimal;
    /// `null` with no officer referral.
    pub top_officer_share_pct: Option<f64>,
    /// At least 5 officer referrals, and one officer made more than 50 % of them.
    pub warning: bool,
}

impl OfficerConcentration {
    /// Judges the counts of officer referrals by officer.
    pub fn of(by_officer: &BTreeMap<String, u64>) -> Self {
        let total: u64 = by_officer.values().sum();
        let top = by_officer.values().copied().max().unwrap_or(0);
        let share = (total > 0).then(|| top as f64 * 100.0 / total as f64);
        Self {
            officers: by_officer.values().filter(|n| **n > 0).count() as u64,
            top_officer_share_pct: share.map(|s| round(s, 1)),
            warning: total >= CONCENTRATION_MIN_REFERRALS && share.is_some_and(|s| s > CONCENTRATION_MAX_SHARE_PCT),
        }
    }
}

/// Referrals created in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReferralFigures {
    pub total: u64,
    /// Every pathway, 0 when none.
    pub by_pathway: BTreeMap<String, u64>,
    /// Current status, every status present.
    pub by_outcome: BTreeMap<String, u64>,
    /// Referrals made by officers, by referring device id.
    pub by_officer: BTreeMap<String, u64>,
    /// Referrals whose referrer role is officer.
    pub from_officers: u64,
    pub officer_concentration: OfficerConcentration,
}

/// Active participants with one case manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseManagerLoad {
    pub case_manager: String,
    pub participants: u64,
}

/// Active participants by case manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseloadFigures {
    /// Most participants first, then by name.
    pub by_case_manager: Vec<CaseManagerLoad>,
    /// Active participants with no case manager.
    pub unassigned: u64,
}

/// The report's figures. Field names are the command line's JSON contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Report {
    pub period: ReportPeriod,
    /// Contacts (attempts excluded).
    pub contacts: u64,
    /// "Attempted — not found" encounters.
    pub attempted: u64,
    /// Distinct persons among contacts, resolved through merges.
    pub unique_persons: u64,
    /// Contacts with no person.
    pub anonymous_contacts: u64,
    pub contacts_per_week: Vec<WeekContacts>,
    pub contacts_per_worker: Vec<WorkerContacts>,
    /// Services given at contacts, by service key.
    pub supplies: BTreeMap<String, u64>,
    /// The keys of `supplies`, naloxone and fentanyl test strips first, then by count.
    pub supplies_order: Vec<String>,
    pub referrals: ReferralFigures,
    pub median_days_to_first_contact: Option<f64>,
    /// Referrals of the period with a first contact (the median's count).
    pub first_contacts: u64,
    pub median_days_to_intake: Option<f64>,
    /// Referrals of the period with intake complete.
    pub intakes: u64,
    /// Of those, intakes on or before the intake deadline.
    pub intakes_within_window: u64,
    pub intake_within_window_pct: Option<f64>,
    /// Persons whose status is active now.
    pub active_participants: u64,
    /// The period's contacts with active participants.
    pub active_participant_contacts: u64,
    pub contact_dose_per_active_participant_per_month: Option<f64>,
    pub caseload: CaseloadFigures,
}

/// Computes the report of `period` from every encounter, referral and person the
/// device holds. `resolve` maps a person id to the end of its `merged_into` chain
/// (itself when it was never merged).
pub fn compute(
    period: &Period,
    encounters: &[Encounter],
    referrals: &[Referral],
    persons: &[Person],
    resolve: impl Fn(PersonId) -> PersonId,
) -> Report {
    let in_period: Vec<&Encounter> = encounters.iter().filter(|e| period.contains(e.at.utc)).collect();
    let contacts: Vec<&Encounter> = in_period.iter().copied().filter(|e| e.kind != EncounterKind::Attempted).collect();
    let attempted = (in_period.len() - contacts.len()) as u64;

    let unique: HashSet<PersonId> = contacts.iter().filter_map(|e| e.person_id).map(&resolve).collect();
    let anonymous = contacts.iter().filter(|e| e.person_id.is_none()).count() as u64;

    // Weeks: every Monday from the week of `from` to the week of `to`.
    let mut weeks: BTreeMap<Date, u64> = BTreeMap::new();
    let mut monday = week_start(period.from);
    while monday <= period.to {
        weeks.insert(monday, 0);
        match monday.checked_add(1.week()) {
            Ok(next) => monday = next,
            Err(_) => break,
        }
    }
    for e in &contacts {
        *weeks.entry(week_start(period.local_date(e.at.utc))).or_insert(0) += 1;
    }
    let contacts_per_week =
        weeks.into_iter().map(|(start, contacts)| WeekContacts { week: week_label(start), start, contacts }).collect();

    let mut workers: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for e in &in_period {
        let counts = workers.entry(e.author.to_string()).or_default();
        if e.kind == EncounterKind::Attempted {
            counts.1 += 1;
        } else {
            counts.0 += 1;
        }
    }
    let mut contacts_per_worker: Vec<WorkerContacts> = workers
        .into_iter()
        .map(|(device_id, (contacts, attempted))| WorkerContacts { device_id, contacts, attempted })
        .collect();
    contacts_per_worker.sort_by(|a, b| b.contacts.cmp(&a.contacts).then_with(|| a.device_id.cmp(&b.device_id)));

    let mut supplies: BTreeMap<String, u64> = FIRST_SUPPLIES.iter().map(|k| ((*k).to_owned(), 0)).collect();
    for e in &contacts {
        for (key, count) in &e.services {
            *supplies.entry(key.clone()).or_insert(0) += u64::from(*count);
        }
    }
    let mut supplies_order: Vec<String> = supplies.keys().cloned().collect();
    let rank = |k: &str| FIRST_SUPPLIES.iter().position(|f| *f == k).unwrap_or(FIRST_SUPPLIES.len());
    supplies_order.sort_by(|a, b| {
        rank(a).cmp(&rank(b)).then_with(|| supplies.get(b).cmp(&supplies.get(a))).then_with(|| a.cmp(b))
    });

    // Referrals of the period.
    let made: Vec<&Referral> = referrals.iter().filter(|r| period.contains(r.created_at)).collect();
    let mut by_pathway: BTreeMap<String, u64> = Pathway::ALL.iter().map(|p| (p.as_str().to_owned(), 0)).collect();
    let mut by_outcome: BTreeMap<String, u64> =
        ReferralStatus::ALL.iter().map(|s| (s.as_str().to_owned(), 0)).collect();
    let mut by_officer: BTreeMap<String, u64> = BTreeMap::new();
    for r in &made {
        *by_pathway.entry(r.pathway.as_str().to_owned()).or_insert(0) += 1;
        *by_outcome.entry(r.status.as_str().to_owned()).or_insert(0) += 1;
        if r.referrer_role == OFFICER_ROLE {
            *by_officer.entry(r.referred_by.to_string()).or_insert(0) += 1;
        }
    }
    let from_officers = by_officer.values().sum();
    let officer_concentration = OfficerConcentration::of(&by_officer);

    // First contacts: every non-attempted contact's time, by resolved person, at any time.
    let mut seen: HashMap<PersonId, Vec<Timestamp>> = HashMap::new();
    for e in encounters.iter().filter(|e| e.kind != EncounterKind::Attempted) {
        if let Some(p) = e.person_id {
            seen.entry(resolve(p)).or_default().push(e.at.utc);
        }
    }
    for times in seen.values_mut() {
        times.sort_unstable();
    }
    let to_first_contact: Vec<f64> = made
        .iter()
        .filter_map(|r| {
            let times = seen.get(&resolve(r.person_id)).map(Vec::as_slice).unwrap_or_default();
            first_contact(r, times).map(|at| days_between(r.created_at, at))
        })
        .collect();

    let intakes: Vec<&&Referral> = made.iter().filter(|r| r.status == ReferralStatus::IntakeComplete).collect();
    let to_intake: Vec<f64> = intakes.iter().map(|r| days_between(r.created_at, r.status_at)).collect();
    let within = intakes.iter().filter(|r| r.status_at <= r.intake_deadline).count() as u64;
    let intake_within_window_pct =
        (!intakes.is_empty()).then(|| round(within as f64 * 100.0 / intakes.len() as f64, 1));

    // Participants: active now, never merged away.
    let active: Vec<&Person> =
        persons.iter().filter(|p| p.merged_into.is_none() && p.status == PersonStatus::Active).collect();
    let active_ids: HashSet<PersonId> = active.iter().map(|p| p.id).collect();
    let active_contacts =
        contacts.iter().filter(|e| e.person_id.map(&resolve).is_some_and(|p| active_ids.contains(&p))).count() as u64;
    let months = period.months();
    let dose =
        (!active.is_empty() && months > 0.0).then(|| round(active_contacts as f64 / active.len() as f64 / months, 2));

    let mut loads: BTreeMap<String, u64> = BTreeMap::new();
    let mut unassigned = 0;
    for p in &active {
        match p.case_manager.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(cm) => *loads.entry(cm.to_owned()).or_insert(0) += 1,
            None => unassigned += 1,
        }
    }
    let mut by_case_manager: Vec<CaseManagerLoad> =
        loads.into_iter().map(|(case_manager, participants)| CaseManagerLoad { case_manager, participants }).collect();
    by_case_manager
        .sort_by(|a, b| b.participants.cmp(&a.participants).then_with(|| a.case_manager.cmp(&b.case_manager)));

    Report {
        period: ReportPeriod {
            from: period.from,
            to: period.to,
            time_zone: period.zone_name.clone(),
            start: period.start,
            end: period.end,
            days: period.days(),
            months: round(months, 4),
        },
        contacts: contacts.len() as u64,
        attempted,
        unique_persons: unique.len() as u64,
        anonymous_contacts: anonymous,
        contacts_per_week,
        contacts_per_worker,
        supplies,
        supplies_order,
        referrals: ReferralFigures {
            total: made.len() as u64,
            by_pathway,
            by_outcome,
            by_officer,
            from_officers,
            officer_concentration,
        },
        median_days_to_first_contact: median(&to_first_contact).map(|m| round(m, 2)),
        first_contacts: to_first_contact.len() as u64,
        median_days_to_intake: median(&to_intake).map(|m| round(m, 2)),
        intakes: intakes.len() as u64,
        intakes_within_window: within,
        intake_within_window_pct,
        active_participants: active.len() as u64,
        active_participant_contacts: active_contacts,
        contact_dose_per_active_participant_per_month: dose,
        caseload: CaseloadFigures { by_case_manager, unassigned },
    }
}

/// When referral `r` was first acted on in person: the earliest contact in `times`
/// (sorted) at or after its creation, or its `status_at` if that is earlier and the
/// status says the person was reached.
fn first_contact(r: &Referral, times: &[Timestamp]) -> Option<Timestamp> {
    let logged = times.get(times.partition_point(|t| *t < r.created_at)).copied();
    let reached =
        matches!(r.status, ReferralStatus::Contacted | ReferralStatus::IntakeComplete) && r.status_at >= r.created_at;
    match (logged, reached.then_some(r.status_at)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    //! A hand-computed fixture over the end of daylight saving time in
    //! America/Los_Angeles (2026-11-01 02:00 PDT → 01:00 PST). The period is Wednesday
    //! 2026-10-28 to Monday 2026-11-09: 13 days, from 2026-10-28T07:00Z (00:00 PDT) to
    //! 2026-11-10T08:00Z (00:00 PST), 313 hours.

    use super::*;
    use crate::eligibility::{Eligibility, EligibilityResult};
    use crate::encounter::Services;
    use crate::ids::{DeviceId, EncounterId, ReferralId};
    use crate::time::{LocalInstant, intake_deadline};
    use jiff::civil::date;

    const LA: &str = "America/Los_Angeles";

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("test timestamp")
    }

    fn pid(n: u8) -> PersonId {
        PersonId::from_random_bytes([n; 16])
    }

    fn dev(n: u8) -> DeviceId {
        DeviceId::from_random_bytes([0x40 + n; 16])
    }

    // Workers (outreach devices), officers and an outreach referrer.
    const W1: u8 = 1;
    const W2: u8 = 2;
    const O1: u8 = 11;
    const O2: u8 = 12;
    const R: u8 = 21;

    fn person(n: u8, status: PersonStatus, case_manager: Option<&str>, merged_into: Option<u8>) -> Person {
        Person {
            id: pid(n),
            name: Some(format!("P{n}")),
            aliases: vec![],
            dob: None,
            description: None,
            gender: vec![],
            race_ethnicity: vec![],
            sex: None,
            status,
            case_manager: case_manager.map(str::to_owned),
            case_manager_phone: None,
            merged_into: merged_into.map(pid),
            created_by: None,
            created_at: ts("2026-01-01T00:00:00Z"),
            updated_at: ts("2026-01-01T00:00:00Z"),
        }
    }

    fn encounter(
        n: u8,
        at: &str,
        person: Option<u8>,
        kind: EncounterKind,
        services: &[(&str, u32)],
        author: u8,
    ) -> Encounter {
        Encounter {
            id: EncounterId::from_random_bytes([n; 16]),
            person_id: person.map(pid),
            // The phone's offset does not matter: days and weeks are the team's.
            at: LocalInstant { utc: ts(at), offset_seconds: 0 },
            location: None,
            kind,
            services: services.iter().map(|(k, c)| ((*k).to_owned(), *c)).collect::<Services>(),
            living_situation: None,
            duration_minutes: None,
            note: None,
            author: dev(author),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn referral(
        n: u8,
        pathway: Pathway,
        by: u8,
        role: &str,
        person: u8,
        created: &str,
        status: ReferralStatus,
        status_at: &str,
    ) -> Referral {
        let tz = time_zone(LA).expect("zone");
        Referral {
            id: ReferralId::from_random_bytes([n; 16]),
            pathway,
            person_id: pid(person),
            stub_name: None,
            stub_description: None,
            referred_by: dev(by),
            referrer_role: role.to_owned(),
            created_at: ts(created),
            location: None,
            exclusions: vec![],
            eligibility: Eligibility { result: EligibilityResult::Eligible, reasons: vec![] },
            narrative: None,
            // The team's window is 7 days.
            intake_deadline: intake_deadline(ts(created), &tz, 7),
            status,
            status_at: ts(status_at),
            charge_category: None,
        }
    }

    /// Persons: 1 Ana (active, Dee), 2 Bo (active, Dee), 3 Cy (active, no case
    /// manager), 4 Cy's duplicate merged into 3 (active, "Zed": never counted),
    /// 5 Eve (referred), 6 Flo (inactive, Max), 7 Gus (active, Max). Person 8 exists
    /// only as a referral's stub.
    fn persons() -> Vec<Person> {
        use PersonStatus::*;
        vec![
            person(1, Active, Some("Dee"), None),
            person(2, Active, Some("Dee"), None),
            person(3, Active, None, None),
            person(4, Active, Some("Zed"), Some(3)),
            person(5, Referred, None, None),
            person(6, Inactive, Some("Max"), None),
            person(7, Active, Some("Max"), None),
        ]
    }

    fn encounters() -> Vec<Encounter> {
        use EncounterKind::*;
        vec![
            // E1 at the period's first instant (Wed 10-28 00:00 PDT): in, week 44.
            encounter(1, "2026-10-28T07:00:00Z", Some(1), Street, &[("naloxone", 2)], W1),
            // E2 at the period's end (Tue 11-10 00:00 PST): out.
            encounter(2, "2026-11-10T08:00:00Z", Some(1), Street, &[("naloxone", 5)], W1),
            // E3 Sun 11-01 23:30 PST: in, still week 44 (with a PDT offset it would be
            // Monday 00:30, week 45).
            encounter(3, "2026-11-02T07:30:00Z", Some(2), Office, &[("fentanyl_test_strips", 10), ("food", 1)], W2),
            // E4 Tue 11-03 10:00 PST, week 45.
            encounter(4, "2026-11-03T18:00:00Z", Some(3), Street, &[("naloxone", 1), ("hygiene_kit", 1)], W1),
            // E5 Wed 11-04 10:00 PST, week 45, logged against the merged-away 4 (= 3).
            encounter(5, "2026-11-04T18:00:00Z", Some(4), Street, &[("naloxone", 1)], W2),
            // E6 Thu 11-05 12:00 PST, week 45, anonymous supplies.
            encounter(
                6,
                "2026-11-05T20:00:00Z",
                None,
                Street,
                &[("naloxone", 3), ("fentanyl_test_strips", 20), ("water", 2)],
                W1,
            ),
            // E7 Mon 11-09 09:00 PST, week 46: attempted, so neither a contact nor supplies.
            encounter(7, "2026-11-09T17:00:00Z", Some(5), Attempted, &[("water", 4)], W2),
            // E8 Fri 10-30 09:00 PDT, week 44.
            encounter(8, "2026-10-30T16:00:00Z", Some(5), Phone, &[], W2),
            // E9 Fri 11-06 11:00 PST, week 45.
            encounter(9, "2026-11-06T19:00:00Z", Some(7), Office, &[("food", 2)], W1),
            // E10 Thu 11-12, after the period: only a referral's first contact.
            encounter(10, "2026-11-12T20:00:00Z", Some(2), Street, &[("naloxone", 9)], W1),
        ]
    }

    fn referrals() -> Vec<Referral> {
        use Pathway::*;
        use ReferralStatus::*;
        vec![
            // R1 → 5, created Thu 10-29 16:00Z; first contact E8 10-30 16:00Z = 1.0 day
            // (the status change an hour later is later).
            referral(1, SocialContact, O1, "officer", 5, "2026-10-29T16:00:00Z", Contacted, "2026-10-30T17:00:00Z"),
            // R2 → 3, created 11-01 06:00Z; first contact E4 11-03 18:00Z = 2.5 days;
            // intake 11-05 18:00Z = 4.5 days, deadline 11-07 23:00 PST = 11-08 07:00Z: in time.
            referral(
                2,
                ArrestDiversion,
                O1,
                "officer",
                3,
                "2026-11-01T06:00:00Z",
                IntakeComplete,
                "2026-11-05T18:00:00Z",
            ),
            // R3 → 4 (merged into 3), created 11-04 12:00Z; first contact E5 (E4 is
            // earlier) = 0.25 day; intake 11-14 12:00Z = 10.0 days, after the deadline
            // 11-11 12:00Z.
            referral(3, Community, R, "outreach", 4, "2026-11-04T12:00:00Z", IntakeComplete, "2026-11-14T12:00:00Z"),
            // R4 → 6, no contact ever: not in the first-contact median.
            referral(4, SocialContact, O2, "officer", 6, "2026-11-06T16:00:00Z", New, "2026-11-06T16:00:00Z"),
            // R5 → 2, created 11-08 08:00Z; E3 is before it; E10 (11-12 20:00Z, 4.5
            // days) comes after the status says contacted (11-10 20:00Z): 2.5 days.
            referral(5, SocialContact, O1, "officer", 2, "2026-11-08T08:00:00Z", Contacted, "2026-11-10T20:00:00Z"),
            // R6 → 8 (stub only), no contact logged, contacted 11-03 05:00Z: 0.5 day.
            referral(6, SelfReferral, R, "outreach", 8, "2026-11-02T17:00:00Z", Contacted, "2026-11-03T05:00:00Z"),
            // R7 a second before the period: out.
            referral(
                7,
                SocialContact,
                O2,
                "officer",
                1,
                "2026-10-28T06:59:59Z",
                IntakeComplete,
                "2026-10-29T00:00:00Z",
            ),
            // R8 at the period's end: out.
            referral(8, SocialContact, O1, "officer", 7, "2026-11-10T08:00:00Z", New, "2026-11-10T08:00:00Z"),
        ]
    }

    fn resolver(persons: &[Person]) -> impl Fn(PersonId) -> PersonId + '_ {
        move |id| {
            let mut current = id;
            for _ in 0..16 {
                match persons.iter().find(|p| p.id == current).and_then(|p| p.merged_into) {
                    Some(next) => current = next,
                    None => break,
                }
            }
            current
        }
    }

    fn fixture_report() -> Report {
        let period = Period::parse("2026-10-28", "2026-11-09", LA).expect("period");
        let persons = persons();
        compute(&period, &encounters(), &referrals(), &persons, resolver(&persons))
    }

    fn map(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    }

    #[test]
    fn period_is_whole_local_days_across_dst() {
        let p = Period::parse("2026-10-28", "2026-11-09", LA).expect("period");
        assert_eq!(p.start(), ts("2026-10-28T07:00:00Z"), "00:00 PDT");
        assert_eq!(p.end(), ts("2026-11-10T08:00:00Z"), "00:00 PST the day after `to`");
        assert_eq!(p.end().as_second() - p.start().as_second(), 313 * 3600, "13 days and the extra hour");
        assert_eq!(p.days(), 13);
        assert!(p.contains(ts("2026-10-28T07:00:00Z")));
        assert!(!p.contains(ts("2026-10-28T06:59:59.999Z")));
        assert!(p.contains(ts("2026-11-10T07:59:59.999Z")));
        assert!(!p.contains(ts("2026-11-10T08:00:00Z")));
        // One day is a period too.
        let day = Period::parse("2026-11-01", "2026-11-01", LA).expect("one day");
        assert_eq!(day.end().as_second() - day.start().as_second(), 25 * 3600, "the day DST ends has 25 hours");
        assert_eq!(day.days(), 1);
    }

    #[test]
    fn bad_periods_are_invalid() {
        assert!(matches!(Period::parse("2026-11-09", "2026-10-28", LA), Err(ValidationError::Period { .. })));
        assert!(matches!(Period::parse("2026-02-30", "2026-03-01", LA), Err(ValidationError::Date(_))));
        assert!(matches!(Period::parse("2026-01-01", "next week", LA), Err(ValidationError::Date(_))));
        assert!(matches!(Period::parse("2026-01-01", "2026-01-02", "Mars/Olympus"), Err(ValidationError::TimeZone(_))));
        // Three years (with a leap day) is the limit.
        assert_eq!(Period::parse("2026-01-01", "2028-12-31", LA).map(|p| p.days()), Ok(1096));
        let long = Period::parse("2026-01-01", "2029-01-01", LA).expect_err("too long");
        assert!(long.to_string().contains("1096 days"), "{long}");
        // The calendar's last day has no day after it to end the period.
        assert!(Period::new(Date::MAX, Date::MAX, "UTC").is_err());
    }

    #[test]
    fn contacts_unique_persons_and_anonymous() {
        let r = fixture_report();
        // In the period: E1 (at the start), E3, E4, E5, E6, E8, E9 are contacts; E7 is an
        // attempt; E2 (at the end) and E10 are outside.
        assert_eq!(r.contacts, 7);
        assert_eq!(r.attempted, 1);
        // Persons 1 (E1), 2 (E3), 3 (E4 and E5 via the merge), 5 (E8), 7 (E9).
        assert_eq!(r.unique_persons, 5);
        assert_eq!(r.anonymous_contacts, 1, "E6");
    }

    #[test]
    fn contacts_per_week_lists_every_week_in_local_time() {
        let r = fixture_report();
        let weeks: Vec<(&str, String, u64)> =
            r.contacts_per_week.iter().map(|w| (w.week.as_str(), w.start.to_string(), w.contacts)).collect();
        assert_eq!(
            weeks,
            vec![
                // E1, E3 (Sunday night PST), E8.
                ("2026-W44", "2026-10-26".to_owned(), 3),
                // E4, E5, E6, E9.
                ("2026-W45", "2026-11-02".to_owned(), 4),
                // Only the attempt E7: a week with no contact is still listed.
                ("2026-W46", "2026-11-09".to_owned(), 0),
            ]
        );
    }

    #[test]
    fn contacts_per_worker_most_first() {
        let r = fixture_report();
        assert_eq!(
            r.contacts_per_worker,
            vec![
                // W1: E1, E4, E6, E9.
                WorkerContacts { device_id: dev(W1).to_string(), contacts: 4, attempted: 0 },
                // W2: E3, E5, E8, and the attempt E7.
                WorkerContacts { device_id: dev(W2).to_string(), contacts: 3, attempted: 1 },
            ]
        );
    }

    #[test]
    fn supplies_include_anonymous_and_exclude_attempts() {
        let r = fixture_report();
        // naloxone: E1 2 + E4 1 + E5 1 + E6 3 = 7 (E2 and E10 are outside).
        // fentanyl_test_strips: E3 10 + E6 20 = 30. food: E3 1 + E9 2 = 3.
        // water: E6 2 (E7's 4 was an attempt). hygiene_kit: E4 1.
        assert_eq!(
            r.supplies,
            map(&[("naloxone", 7), ("fentanyl_test_strips", 30), ("food", 3), ("water", 2), ("hygiene_kit", 1)])
        );
        assert_eq!(r.supplies_order, ["naloxone", "fentanyl_test_strips", "food", "water", "hygiene_kit"]);
    }

    #[test]
    fn referrals_by_pathway_outcome_and_officer() {
        let r = fixture_report();
        let f = &r.referrals;
        // R1..R6; R7 is a second early and R8 at the end.
        assert_eq!(f.total, 6);
        assert_eq!(f.by_pathway, map(&[("social_contact", 3), ("arrest_diversion", 1), ("community", 1), ("self", 1)]));
        assert_eq!(
            f.by_outcome,
            map(&[
                ("new", 1),
                ("contacted", 3),
                ("intake_complete", 2),
                ("declined", 0),
                ("unable_to_locate", 0),
                ("expired", 0)
            ])
        );
        // O1: R1, R2, R5; O2: R4. R3 and R6 came from outreach.
        assert_eq!(f.by_officer, map(&[(dev(O1).to_string().as_str(), 3), (dev(O2).to_string().as_str(), 1)]));
        assert_eq!(f.from_officers, 4);
        // 3 of 4 is 75 %, but 4 referrals are too few to judge.
        assert_eq!(
            f.officer_concentration,
            OfficerConcentration { officers: 2, top_officer_share_pct: Some(75.0), warning: false }
        );
    }

    #[test]
    fn days_to_first_contact_and_to_intake() {
        let r = fixture_report();
        // R1 1.0, R2 2.5, R3 0.25, R5 2.5, R6 0.5 (R4 has none): sorted 0.25, 0.5, 1.0,
        // 2.5, 2.5; the median is 1.0.
        assert_eq!(r.first_contacts, 5);
        assert_eq!(r.median_days_to_first_contact, Some(1.0));
        // Intakes R2 4.5 (in time) and R3 10.0 (late): median 7.25, 50 % in the window.
        assert_eq!(r.intakes, 2);
        assert_eq!(r.median_days_to_intake, Some(7.25));
        assert_eq!(r.intakes_within_window, 1);
        assert_eq!(r.intake_within_window_pct, Some(50.0));
    }

    #[test]
    fn contact_dose_and_caseload() {
        let r = fixture_report();
        // Active: 1, 2, 3, 7 (4 is merged away, 5 referred, 6 inactive).
        assert_eq!(r.active_participants, 4);
        // Their contacts in the period: E1 (1), E3 (2), E4 (3), E5 (4 → 3), E9 (7).
        assert_eq!(r.active_participant_contacts, 5);
        // 5 / 4 / (13 / 30.4375) = 2.9266… → 2.93.
        assert_eq!(r.contact_dose_per_active_participant_per_month, Some(2.93));
        assert_eq!(r.period.months, 0.4271, "13 / 30.4375");
        assert_eq!(
            r.caseload,
            CaseloadFigures {
                by_case_manager: vec![
                    CaseManagerLoad { case_manager: "Dee".into(), participants: 2 },
                    CaseManagerLoad { case_manager: "Max".into(), participants: 1 },
                ],
                unassigned: 1,
            }
        );
    }

    #[test]
    fn json_has_the_contract_names() {
        let v = serde_json::to_value(fixture_report()).expect("json");
        for key in [
            "contacts",
            "unique_persons",
            "anonymous_contacts",
            "supplies",
            "referrals",
            "median_days_to_first_contact",
            "median_days_to_intake",
            "intake_within_window_pct",
        ] {
            assert!(v.get(key).is_some(), "{key} in {v}");
        }
        for key in ["by_pathway", "by_outcome", "by_officer"] {
            assert!(v["referrals"][key].is_object(), "referrals.{key} in {v}");
        }
        assert_eq!(v["supplies"]["naloxone"], 7);
        assert_eq!(
            v["contacts_per_week"][1],
            serde_json::json!({"week": "2026-W45", "start": "2026-11-02", "contacts": 4})
        );
        assert_eq!(v["period"]["from"], "2026-10-28");
        assert_eq!(v["period"]["start"], "2026-10-28T07:00:00Z");
    }

    #[test]
    fn an_empty_period_has_nulls_not_zeros_for_rates() {
        let period = Period::new(date(2026, 1, 5), date(2026, 1, 11), "UTC").expect("period");
        let r = compute(&period, &[], &[], &[], |id| id);
        assert_eq!(r.contacts, 0);
        assert_eq!(r.median_days_to_first_contact, None);
        assert_eq!(r.median_days_to_intake, None);
        assert_eq!(r.intake_within_window_pct, None);
        assert_eq!(r.contact_dose_per_active_participant_per_month, None);
        assert_eq!(r.referrals.officer_concentration.top_officer_share_pct, None);
        assert_eq!(r.supplies, map(&[("naloxone", 0), ("fentanyl_test_strips", 0)]));
        assert_eq!(r.supplies_order, ["naloxone", "fentanyl_test_strips"]);
        assert_eq!(r.contacts_per_week.len(), 1, "Monday to Sunday is one ISO week");
        assert_eq!(r.referrals.by_outcome.len(), ReferralStatus::ALL.len());
        let v = serde_json::to_value(&r).expect("json");
        assert!(v["median_days_to_first_contact"].is_null());
    }

    #[test]
    fn officer_concentration_warns_from_five_referrals_over_half() {
        let counts =
            |n: &[u64]| -> BTreeMap<String, u64> { n.iter().enumerate().map(|(i, c)| (i.to_string(), *c)).collect() };
        // 3 of 5 = 60 %: warning.
        let c = OfficerConcentration::of(&counts(&[3, 1, 1]));
        assert_eq!((c.officers, c.top_officer_share_pct, c.warning), (3, Some(60.0), true));
        // Exactly half is not more than half.
        assert!(!OfficerConcentration::of(&counts(&[3, 3])).warning);
        // 4 of 4 is too few to judge; 5 of 5 is not.
        assert!(!OfficerConcentration::of(&counts(&[4])).warning);
        assert!(OfficerConcentration::of(&counts(&[5])).warning);
        assert_eq!(OfficerConcentration::of(&counts(&[2, 1])).top_officer_share_pct, Some(66.7));
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 10.0]), Some(3.0));
    }

    #[test]
    fn weeks_cross_the_year_by_iso_rules() {
        // 2026-12-28 (Mon) is in 2026-W53; 2027-01-04 starts 2027-W01.
        let period = Period::new(date(2026, 12, 31), date(2027, 1, 4), "UTC").expect("period");
        let r = compute(&period, &[], &[], &[], |id| id);
        let weeks: Vec<&str> = r.contacts_per_week.iter().map(|w| w.week.as_str()).collect();
        assert_eq!(weeks, ["2026-W53", "2027-W01"]);
        assert_eq!(r.contacts_per_week[0].start, date(2026, 12, 28));
    }
}

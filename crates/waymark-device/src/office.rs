//! The office's lists (supervisor): likely duplicates to review and "not a duplicate"
//! answers, the case-conference list, and caseload follow-up (participants not seen
//! for the team's `inactive_days`, referrals past their intake deadline).
//!
//! Marks live in the person's case document (never on the card), so they sync to the
//! case devices and nowhere else; the index keeps them in `person_marks`.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use ts_rs::TS;
use waymark_domain::consent::{Consent, Party};
use waymark_domain::duplicates::{self, Candidate};
use waymark_domain::encounter::EncounterKind;
use waymark_domain::person::PersonStatus;
use waymark_domain::role::Action;
use waymark_domain::{PersonId, ValidationError};
use waymark_store::codec;

use crate::error::{DeviceError, Result};
use crate::views::{PersonView, ReferralView};
use crate::{Device, Timestamp, parse_id, person_doc};

/// The most pairs the duplicate review lists at once.
const MAX_PAIRS: usize = 100;

/// One side of a likely duplicate pair, with what helps a reviewer decide.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DuplicateSide {
    pub person: PersonView,
    /// Contacts recorded with this person (or anyone merged into them).
    pub contacts: usize,
    pub referrals: usize,
    #[ts(type = "string | null")]
    pub last_contact: Option<Timestamp>,
}

/// A likely duplicate pair, best first.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DuplicatePair {
    pub score: f64,
    pub a: DuplicateSide,
    pub b: DuplicateSide,
}

/// One participant on the case-conference list: officer-safe fields only.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ConferenceRow {
    #[ts(type = "string")]
    pub person_id: PersonId,
    pub display_name: String,
    pub status: String,
    pub case_manager: Option<String>,
    pub case_manager_phone: Option<String>,
    /// The consents that cover the parties present.
    pub consents: Vec<String>,
}

/// The case-conference list for the parties present.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ConferenceView {
    pub parties: Vec<String>,
    pub persons: Vec<ConferenceRow>,
    /// Marked persons left off because no consent in force covers every party
    /// present (a count only: who they are is not for this list).
    pub left_out: usize,
}

/// A participant not seen for the team's follow-up days.
#[derive(Debug, Clone, Serialize, TS)]
pub struct InactiveRow {
    #[ts(type = "string")]
    pub person_id: PersonId,
    pub display_name: String,
    pub case_manager: Option<String>,
    #[ts(type = "string | null")]
    pub last_contact: Option<Timestamp>,
    /// Whole days since the last contact (or since the person was added, if never).
    pub days: i64,
}

/// Caseload follow-up.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FollowupView {
    pub inactive_days: u16,
    pub inactive: Vec<InactiveRow>,
    /// Referrals whose intake deadline passed without intake, for review.
    pub expired_referrals: Vec<ReferralView>,
}

/// The answer of marking a pair or a person.
#[derive(Debug, Clone, Serialize, TS)]
pub struct MarkView {
    pub ids: Vec<String>,
    pub marked: bool,
}

impl Device {
    /// Likely duplicate pairs over the whole roster (supervisor), best first, leaving
    /// out pairs a reviewer marked as not the same person.
    pub fn duplicate_review(&mut self) -> Result<Vec<DuplicatePair>> {
        self.require(Action::MergePersons, "review duplicates")?;
        let q = self.store.query();
        let rows = q.duplicate_rows()?;
        let people: Vec<(PersonId, Candidate<'_>)> = rows
            .iter()
            .map(|r| {
                (
                    r.id,
                    Candidate {
                        name: r.name.as_deref(),
                        aliases: &r.aliases,
                        dob: r.dob.as_deref(),
                        description: r.description.as_deref(),
                    },
                )
            })
            .collect();
        let answered = q.not_duplicate_pairs()?;
        let pairs: Vec<(PersonId, PersonId, f64)> = duplicates::likely_pairs(&people, usize::MAX)
            .into_iter()
            .filter(|(a, b, _)| !answered.contains(&(*a.min(b), *a.max(b))))
            .take(MAX_PAIRS)
            .collect();
        let mut out = Vec::with_capacity(pairs.len());
        for (a, b, score) in pairs {
            out.push(DuplicatePair { score, a: self.duplicate_side(a)?, b: self.duplicate_side(b)? });
        }
        Ok(out)
    }

    fn duplicate_side(&mut self, id: PersonId) -> Result<DuplicateSide> {
        let q = self.store.query();
        let row = q.person(id)?.ok_or_else(|| DeviceError::NotFound { what: "person", id: id.to_string() })?;
        let ids = q.merged_ids(id)?;
        let encounters = q.encounters(Some(&ids))?;
        let contacts: Vec<_> = encounters.iter().filter(|e| e.kind != EncounterKind::Attempted).collect();
        let referrals = q.referrals()?.iter().filter(|r| ids.contains(&r.person_id)).count();
        Ok(DuplicateSide {
            last_contact: contacts.iter().map(|e| e.at.utc).max(),
            contacts: contacts.len(),
            referrals,
            person: PersonView::new(row.person, row.conflicts, false),
        })
    }

    /// Records that two persons are not the same (supervisor): the pair is not offered
    /// again, on this device or any case device that syncs the answer.
    pub fn not_duplicate(&mut self, a: &str, b: &str) -> Result<MarkView> {
        self.require(Action::MergePersons, "review duplicates")?;
        let a: PersonId = parse_id(a)?;
        let b: PersonId = parse_id(b)?;
        let (a, b) = (self.existing_person(a)?, self.existing_person(b)?);
        if a == b {
            return Err(DeviceError::Conflict(format!("{a} and the other id are the same person (merged)")));
        }
        self.store.write(|w| {
            w.update(person_doc(a), |d| codec::add_not_duplicate(d, b))?;
            w.update(person_doc(b), |d| codec::add_not_duplicate(d, a))?;
            Ok::<_, DeviceError>(())
        })?;
        Ok(MarkView { ids: vec![a.to_string(), b.to_string()], marked: true })
    }

    /// Puts a participant on (or takes them off) the next case conference's list
    /// (supervisor). Taking someone off also clears the marks of persons merged into
    /// them, since the list reads a duplicate's mark as the kept person's.
    pub fn conference_mark(&mut self, person: &str, on: bool) -> Result<MarkView> {
        self.require(Action::MergePersons, "prepare the case conference")?;
        let id = self.existing_person(parse_id(person)?)?;
        let targets: Vec<PersonId> = if on {
            vec![id]
        } else {
            let marked = self.store.query().conference_marked()?;
            self.store.query().merged_ids(id)?.into_iter().filter(|m| *m == id || marked.contains(m)).collect()
        };
        self.store.write(|w| {
            for t in &targets {
                w.update(person_doc(*t), |d| codec::set_conference(d, on))?;
            }
            Ok::<_, DeviceError>(())
        })?;
        Ok(MarkView { ids: vec![id.to_string()], marked: on })
    }

    /// The participants marked for the next case conference (supervisor), each by the
    /// id they resolve to (a merged duplicate's mark counts for the kept person), so a
    /// person page can show whether its toggle is on. Whose consent covers whom is
    /// `conference_list`'s question, not this one's.
    pub fn conference_marked(&mut self) -> Result<MarkView> {
        self.require(Action::MergePersons, "prepare the case conference")?;
        let mut ids: Vec<PersonId> = Vec::new();
        for id in self.store.query().conference_marked()? {
            let id = self.store.query().resolve_person(id)?;
            if !ids.contains(&id) && self.store.query().person(id)?.is_some() {
                ids.push(id);
            }
        }
        ids.sort();
        Ok(MarkView { ids: ids.iter().map(ToString::to_string).collect(), marked: true })
    }

    /// The case-conference list (supervisor): marked participants whose consents in
    /// force cover every party present, with officer-safe fields only. At least one
    /// party must be named: the list is for the people in the room.
    pub fn conference_list(&mut self, parties: &[String]) -> Result<ConferenceView> {
        self.require(Action::MergePersons, "prepare the case conference")?;
        let mut present: Vec<Party> = Vec::new();
        for p in parties {
            let party: Party = p.parse()?;
            if !present.contains(&party) {
                present.push(party);
            }
        }
        if present.is_empty() {
            return Err(ValidationError::Empty("party present (--party, e.g. law_enforcement)").into());
        }
        let at = self.sharing_time()?;
        let marked = self.store.query().conference_marked()?;
        let mut seen = HashSet::new();
        let mut persons = Vec::new();
        let mut left_out = 0;
        for id in marked {
            let id = self.store.query().resolve_person(id)?;
            if !seen.insert(id) {
                continue;
            }
            let Some(row) = self.store.query().person(id)? else { continue };
            let consents = self.consent_list(&id.to_string())?;
            let covering: Vec<&Consent> = consents
                .iter()
                .filter(|c| {
                    c.revoked_at.is_none()
                        && c.expires_at.is_none_or(|e| at < e)
                        && present.iter().all(|p| c.parties.contains(p))
                })
                .collect();
            if covering.is_empty() {
                left_out += 1;
                continue;
            }
            let p = row.person;
            persons.push(ConferenceRow {
                person_id: p.id,
                display_name: p.display_name(),
                status: p.status.as_str().to_owned(),
                case_manager: p.case_manager,
                case_manager_phone: p.case_manager_phone,
                consents: covering.iter().map(|c| c.id.to_string()).collect(),
            });
        }
        persons.sort_by_key(|p| p.display_name.to_lowercase());
        Ok(ConferenceView { parties: present.iter().map(|p| p.as_str().to_owned()).collect(), persons, left_out })
    }

    /// Caseload follow-up (supervisor): active and referred participants with no
    /// contact in the team's `inactive_days`, longest first, and referrals whose
    /// intake deadline passed without intake.
    pub fn followup(&mut self) -> Result<FollowupView> {
        self.require(Action::MergePersons, "review the caseload")?;
        let team = self.store.team()?;
        let now = self.now();
        let q = self.store.query();
        let mut last: HashMap<PersonId, Timestamp> = HashMap::new();
        for e in q.encounters(None)? {
            if e.kind == EncounterKind::Attempted {
                continue;
            }
            if let Some(p) = e.person_id {
                let p = q.resolve_person(p)?;
                let t = last.entry(p).or_insert(e.at.utc);
                if e.at.utc > *t {
                    *t = e.at.utc;
                }
            }
        }
        let limit = i64::from(team.inactive_days);
        let mut inactive = Vec::new();
        for row in q.persons()? {
            let p = row.person;
            if p.merged_into.is_some() || !matches!(p.status, PersonStatus::Active | PersonStatus::Referred) {
                continue;
            }
            let since = last.get(&p.id).copied();
            let days = whole_days(since.unwrap_or(p.created_at), now);
            if days >= limit {
                inactive.push(InactiveRow {
                    person_id: p.id,
                    display_name: p.display_name(),
                    case_manager: p.case_manager,
                    last_contact: since,
                    days,
                });
            }
        }
        inactive.sort_by(|a, b| b.days.cmp(&a.days).then_with(|| a.display_name.cmp(&b.display_name)));
        let expired_referrals = self.referral_list()?.into_iter().filter(|r| r.status == "expired").collect();
        Ok(FollowupView { inactive_days: team.inactive_days, inactive, expired_referrals })
    }
}

fn whole_days(from: Timestamp, to: Timestamp) -> i64 {
    to.as_second().saturating_sub(from.as_second()).div_euclid(86_400)
}

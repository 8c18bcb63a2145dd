//! Program figures for a period (supervisor).
//!
//! The figures are computed on this device from the records it holds (what has synced
//! so far), by `waymark_domain::report`, whose module documentation defines each one.
//! A report is a read of aggregate figures and is not audited (exports are).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use jiff::Timestamp;
use serde::Serialize;
use ts_rs::TS;
use waymark_domain::PersonId;
use waymark_domain::person::Person;
use waymark_domain::report::{self as figures, Period, Report};
use waymark_domain::role::Action;

use crate::{Device, Result};

/// A report as the CLI (`waymark report --json`) and the app show it: the figures of
/// `waymark_domain::report::Report` at the top level, with the team and the time it
/// was made.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReportView {
    pub team_name: String,
    /// When the report was made (persons' status and caseload are as of this time).
    #[ts(type = "string")]
    pub generated_at: Timestamp,
    #[serde(flatten)]
    #[ts(flatten)]
    pub report: Report,
}

impl Device {
    /// The report of the days `from` to `to` (`YYYY-MM-DD`, both included, in the
    /// team's time zone). Supervisors only; a bad date, `from` after `to` or a period
    /// longer than three years is invalid input.
    pub fn report(&mut self, from: &str, to: &str) -> Result<ReportView> {
        self.require(Action::Report, "run reports")?;
        let team = self.team()?;
        let period = Period::parse(from, to, &team.time_zone)?;
        let generated_at = self.now();
        let query = self.store.query();
        let encounters = query.encounters(None)?;
        let referrals = query.referrals()?;
        let persons: Vec<Person> = query.persons()?.into_iter().map(|row| row.person).collect();
        // Every person id a record names, resolved once through its merges.
        let mut resolved: HashMap<PersonId, PersonId> = HashMap::new();
        let named = encounters.iter().filter_map(|e| e.person_id).chain(referrals.iter().map(|r| r.person_id));
        for id in named {
            if let Entry::Vacant(slot) = resolved.entry(id) {
                slot.insert(query.resolve_person(id)?);
            }
        }
        let report =
            figures::compute(&period, &encounters, &referrals, &persons, |id| resolved.get(&id).copied().unwrap_or(id));
        Ok(ReportView { team_name: team.name, generated_at, report })
    }
}

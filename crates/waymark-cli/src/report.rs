//! `waymark report`: program figures for a period (supervisor). `--json` prints the
//! device's `ReportView` (the contract's field names); otherwise a short table.

use std::collections::BTreeMap;
use std::fmt::Write;

use waymark_device::report::ReportView;
use waymark_domain::referral::{Pathway, ReferralStatus};

use crate::Failure;
use crate::args::Cli;

pub(crate) fn run(cli: &Cli, from: &str, to: &str) -> Result<(), Failure> {
    let mut device = crate::open(cli)?;
    let view = device.report(from, to)?;
    crate::print(cli.json, &view, text)
}

/// A figure that may be unknown (no data): `-` then.
fn num(value: Option<f64>, unit: &str) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v}{unit}"))
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `key N` pairs, the keys in `order` first (as the program reads them), then any other.
fn counts(map: &BTreeMap<String, u64>, order: &[&str]) -> String {
    let known = order.iter().filter_map(|k| map.get_key_value(*k));
    let others = map.iter().filter(|(k, _)| !order.contains(&k.as_str()));
    known.chain(others).map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
}

/// The report as a terminal shows it.
fn text(v: &ReportView) -> String {
    let r = &v.report;
    let p = &r.period;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} to {} ({}, {}; made {})",
        v.team_name,
        p.from,
        p.to,
        p.time_zone,
        plural(p.days.unsigned_abs(), "day", "days"),
        v.generated_at
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "contacts                 {:>6}  ({} anonymous; {} not counted)",
        r.contacts,
        r.anonymous_contacts,
        plural(r.attempted, "attempt", "attempts")
    );
    let _ = writeln!(out, "unique persons           {:>6}", r.unique_persons);
    let _ = writeln!(out, "\ncontacts per week");
    for w in &r.contacts_per_week {
        let _ = writeln!(out, "  {}  from {}  {:>6}", w.week, w.start, w.contacts);
    }
    let _ = writeln!(out, "\ncontacts per worker (device)");
    if r.contacts_per_worker.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for w in &r.contacts_per_worker {
        let _ =
            writeln!(out, "  {}  {:>6}  (+{})", w.device_id, w.contacts, plural(w.attempted, "attempt", "attempts"));
    }
    let _ = writeln!(out, "\nsupplies");
    for key in &r.supplies_order {
        let _ = writeln!(out, "  {key:<24} {:>6}", r.supplies.get(key).copied().unwrap_or(0));
    }
    let f = &r.referrals;
    let _ = writeln!(out, "\nreferrals                {:>6}", f.total);
    let _ = writeln!(out, "  by pathway: {}", counts(&f.by_pathway, &Pathway::ALL.map(|p| p.as_str())));
    let _ = writeln!(out, "  by outcome: {}", counts(&f.by_outcome, &ReferralStatus::ALL.map(|s| s.as_str())));
    let _ = writeln!(out, "  by officer ({} from officers):", f.from_officers);
    let mut officers: Vec<(&String, &u64)> = f.by_officer.iter().collect();
    officers.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    for (officer, n) in officers {
        let _ = writeln!(out, "    {officer}  {n:>6}");
    }
    let c = &f.officer_concentration;
    let _ = writeln!(
        out,
        "  top officer's share: {} of {}{}",
        num(c.top_officer_share_pct, "%"),
        plural(c.officers, "officer", "officers"),
        if c.warning { "  WARNING: referrals are concentrated in one officer" } else { "" }
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "median days to first contact  {:>8}  ({})",
        num(r.median_days_to_first_contact, ""),
        plural(r.first_contacts, "referral", "referrals")
    );
    let _ = writeln!(
        out,
        "median days to intake         {:>8}  ({})",
        num(r.median_days_to_intake, ""),
        plural(r.intakes, "intake", "intakes")
    );
    let _ = writeln!(
        out,
        "intakes within the window     {:>8}  ({} of {})",
        num(r.intake_within_window_pct, "%"),
        r.intakes_within_window,
        r.intakes
    );
    let _ = writeln!(
        out,
        "contacts per participant/month{:>8}  ({} with {})",
        num(r.contact_dose_per_active_participant_per_month, ""),
        plural(r.active_participant_contacts, "contact", "contacts"),
        plural(r.active_participants, "active participant", "active participants")
    );
    let _ = writeln!(out, "\ncaseload (active participants)");
    for l in &r.caseload.by_case_manager {
        let _ = writeln!(out, "  {:<24} {:>6}", l.case_manager, l.participants);
    }
    let _ = writeln!(out, "  {:<24} {:>6}", "(no case manager)", r.caseload.unassigned);
    out
}

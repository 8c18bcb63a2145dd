//! `waymark office`: duplicates to review, the case-conference list, follow-up.

use std::fmt::Write;

use waymark_device::office::{ConferenceView, DuplicatePair, DuplicateSide, FollowupView};

use crate::args::{Cli, OfficeCmd};
use crate::{Failure, open, print};

pub(crate) fn run(cli: &Cli, cmd: &OfficeCmd) -> Result<(), Failure> {
    let json = cli.json;
    let mut device = open(cli)?;
    match cmd {
        OfficeCmd::Duplicates => {
            let pairs = device.duplicate_review()?;
            print(json, &pairs, |p| duplicates(p))
        }
        OfficeCmd::NotDuplicate { a, b } => {
            let view = device.not_duplicate(a, b)?;
            print(json, &view, |_| format!("{a} and {b} are marked as different persons"))
        }
        OfficeCmd::Mark { person, off } => {
            let view = device.conference_mark(person, !off)?;
            print(json, &view, |v| {
                if v.marked {
                    format!("{person} is on the next case conference's list")
                } else {
                    format!("{person} is off the case conference's list")
                }
            })
        }
        OfficeCmd::Conference { parties } => {
            let view = device.conference_list(parties)?;
            print(json, &view, conference)
        }
        OfficeCmd::Followup => {
            let view = device.followup()?;
            print(json, &view, followup)
        }
    }
}

fn side(s: &DuplicateSide) -> String {
    let p = &s.person;
    let last = s.last_contact.map(|t| format!(", last contact {t}")).unwrap_or_default();
    format!(
        "{} ({})  dob {}  {}  {} contacts, {} referrals{last}",
        p.display_name,
        p.id,
        p.dob.as_deref().unwrap_or("-"),
        p.description.as_deref().unwrap_or("-"),
        s.contacts,
        s.referrals
    )
}

fn duplicates(pairs: &[DuplicatePair]) -> String {
    if pairs.is_empty() {
        return "no likely duplicates".into();
    }
    let mut out = String::new();
    for pair in pairs {
        let _ = writeln!(out, "{:.2}\n  {}\n  {}", pair.score, side(&pair.a), side(&pair.b));
    }
    out
}

fn conference(v: &ConferenceView) -> String {
    let mut out = format!("case conference with: {}\n", v.parties.join(", "));
    if v.persons.is_empty() {
        out.push_str("nobody marked has a consent covering everyone present\n");
    }
    for p in &v.persons {
        let cm = p.case_manager.as_deref().unwrap_or("no case manager");
        let phone = p.case_manager_phone.as_deref().unwrap_or("");
        let _ = writeln!(out, "  {}  {}  {cm} {phone}", p.display_name, p.status);
    }
    if v.left_out > 0 {
        let _ = writeln!(out, "({} marked participant(s) left off: no consent covers everyone present)", v.left_out);
    }
    out
}

fn followup(v: &FollowupView) -> String {
    let mut out = format!("no contact in {} days or more:\n", v.inactive_days);
    if v.inactive.is_empty() {
        out.push_str("  nobody\n");
    }
    for p in &v.inactive {
        let cm = p.case_manager.as_deref().unwrap_or("no case manager");
        let _ = writeln!(out, "  {}  {} days  {cm}", p.display_name, p.days);
    }
    out.push_str("referrals past their intake deadline:\n");
    if v.expired_referrals.is_empty() {
        out.push_str("  none\n");
    }
    for r in &v.expired_referrals {
        let name = r.display_name.as_deref().unwrap_or("(no name)");
        let _ = writeln!(out, "  {}  {name}  {}  deadline {}", r.id, r.pathway, r.intake_deadline);
    }
    out
}

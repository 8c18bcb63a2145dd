//! Readable output for people at a terminal (the `--json` output is for programs).

use std::fmt::Write;

use waymark_device::{
    AuditView, CardView, DeviceView, EncounterView, InitView, MergeView, PersonAdded, PersonShow, PersonView,
    ReferralCreated, ReferralView, RevokeView, TeamView,
};
use waymark_domain::note::CaseNote;

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("-")
}

pub fn init(v: &InitView) -> String {
    format!("device {} ready ({} role, team {})", v.device_id, v.role, v.team_id)
}

pub fn person_added(v: &PersonAdded) -> String {
    let mut out = format!("person {} saved\n", v.id);
    if !v.possible_duplicates.is_empty() {
        out.push_str("possible duplicates:\n");
        for d in &v.possible_duplicates {
            let _ = writeln!(out, "  {}  {:.2}  {}", d.id, d.score, d.display_name);
        }
    }
    out
}

pub fn person(p: &PersonView) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}  ({})", p.display_name, p.id);
    if let Some(from) = &p.resolved_from {
        let _ = writeln!(out, "  (merged from {from})");
    }
    let _ = writeln!(out, "  name:         {}", opt(&p.name));
    let _ = writeln!(out, "  aliases:      {}", if p.aliases.is_empty() { "-".into() } else { p.aliases.join(", ") });
    let _ = writeln!(out, "  born:         {}", opt(&p.dob));
    let _ = writeln!(out, "  description:  {}", opt(&p.description));
    let _ = writeln!(out, "  status:       {}", p.status);
    let _ = writeln!(out, "  case manager: {} {}", opt(&p.case_manager), opt(&p.case_manager_phone));
    if let Some(m) = &p.merged_into {
        let _ = writeln!(out, "  merged into:  {m}");
    }
    for (field, values) in &p.conflicts {
        let shown: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        let _ = writeln!(out, "  CONFLICT {field}: {}", shown.join(" | "));
    }
    if p.pending_sync {
        out.push_str("  (not yet synced)\n");
    }
    out
}

pub fn person_show(v: &PersonShow) -> String {
    match v {
        PersonShow::Person(p) => person(p),
        PersonShow::Card(c) => cards(std::slice::from_ref(&c.card)),
    }
}

pub fn persons(list: &[PersonView]) -> String {
    if list.is_empty() {
        return "no persons".into();
    }
    let mut out = String::new();
    for p in list {
        let mark = if p.pending_sync { " *" } else { "" };
        let _ = writeln!(out, "{}  {:<9} {}{}", p.id, p.status, p.display_name, mark);
    }
    out
}

pub fn merge(v: &MergeView) -> String {
    format!(
        "{} merged into {} ({} contacts, {} referrals now resolve to it)",
        v.merged, v.id, v.encounters, v.referrals
    )
}

pub fn consents(list: &[waymark_domain::consent::Consent]) -> String {
    if list.is_empty() {
        return "no consents".into();
    }
    list.iter()
        .map(|c| {
            let parties: Vec<_> = c.parties.iter().map(|p| p.as_str()).collect();
            let until = match (c.expires_on, &c.expiry_event) {
                (Some(d), _) => format!("through {d}"),
                (None, Some(e)) => format!("until {e}"),
                (None, None) => "until revoked".into(),
            };
            let state = c.revoked_at.map(|t| format!(", revoked {t}")).unwrap_or_default();
            format!(
                "{}  {}  signed {}  {until}{state}\n  purpose: {}\n  may share: {}",
                c.id,
                parties.join(", "),
                c.signed_at,
                c.purpose,
                c.description
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn notes(list: &[CaseNote]) -> String {
    let mut out = String::new();
    for n in list {
        let _ = writeln!(out, "{}  {}", n.at, n.text);
    }
    out
}

pub fn encounters(list: &[EncounterView]) -> String {
    if list.is_empty() {
        return "no contacts".into();
    }
    let mut out = String::new();
    for e in list {
        let who = e.person_id.map(|p| p.to_string()).unwrap_or_else(|| "anonymous".into());
        let services: Vec<String> = e.services.iter().map(|(k, n)| format!("{k}×{n}")).collect();
        let _ = writeln!(out, "{}  {:<9} {}  {}", e.at, e.kind, who, services.join(" "));
    }
    out
}

pub fn referral_created(r: &ReferralCreated) -> String {
    let mut out = format!(
        "referral {} saved for person {}\n  intake deadline {} ({} days)\n  eligibility: {:?}\n",
        r.id, r.person_id, r.intake_deadline, r.days_left, r.eligibility.result
    );
    for reason in &r.eligibility.reasons {
        let _ = writeln!(out, "    - {reason}");
    }
    out
}

pub fn referrals(list: &[ReferralView]) -> String {
    if list.is_empty() {
        return "no referrals".into();
    }
    let mut out = String::new();
    for r in list {
        let left = r.days_left.map(|d| format!("{d} days left")).unwrap_or_default();
        let _ = writeln!(
            out,
            "{}  {:<16} {:<16} {:<12} {}",
            r.id,
            r.pathway,
            r.status,
            left,
            r.display_name.as_deref().unwrap_or("-")
        );
    }
    out
}

pub fn cards(list: &[CardView]) -> String {
    if list.is_empty() {
        return "no match".into();
    }
    let mut out = String::new();
    for c in list {
        let _ = writeln!(
            out,
            "{}  {}  case manager: {} {}  (updated {})",
            c.display_name,
            c.status,
            opt(&c.case_manager),
            opt(&c.case_manager_phone),
            c.updated_at
        );
    }
    out.push_str(waymark_domain::role::PART2_NOTICE);
    out
}

pub fn team(t: &TeamView) -> String {
    let mut out = format!(
        "{}\n  time zone: {}\n  intake window: {} days\n  catchment: {}\n  location precision: {}\n  \
         export precision: {}\n  HMIS without consent: {}\n  follow up after {} days without contact\n",
        t.name,
        t.time_zone,
        t.intake_days,
        if t.catchment.is_some() { "set" } else { "none" },
        t.location_precision,
        t.export_precision,
        t.hmis_without_consent,
        t.inactive_days
    );
    out.push_str("  exclusions:\n");
    for e in &t.exclusions {
        let _ = writeln!(out, "    {} — {}", e.key, e.label);
    }
    out
}

pub fn revoked(v: &RevokeView) -> String {
    if v.rotation.pending {
        return format!(
            "device {} revoked; the relay could not be reached again to hand out new keys: the next sync does it",
            v.device_id
        );
    }
    let mut out = format!(
        "device {} revoked; key epoch {} handed to {} device(s)",
        v.device_id, v.rotation.key_epoch, v.rotation.rekeyed
    );
    if !v.rotation.not_rekeyed.is_empty() {
        let _ = write!(
            out,
            "\nnot given the new keys (enrolled before devices had key pairs; re-enroll them): {}",
            v.rotation.not_rekeyed.join(", ")
        );
    }
    out
}

pub fn devices(list: &[DeviceView]) -> String {
    let mut out = String::new();
    for d in list {
        let me = if d.this_device { "  (this device)" } else { "" };
        let last = d.last_sync_at.as_deref().map(|t| format!("  last sync {t}")).unwrap_or_default();
        let _ = writeln!(out, "{}  {}  {}  {}{last}{me}", d.device_id, d.role, d.status, d.label);
    }
    out
}

pub fn audit(list: &[AuditView]) -> String {
    if list.is_empty() {
        return "no audit entries".into();
    }
    let mut out = String::new();
    for e in list {
        let reason = if e.reason.is_empty() { String::new() } else { format!("  reason: {}", e.reason) };
        let _ = writeln!(out, "{}  {} ({})  {} {}{}", e.at, e.device_id, e.role, e.action, e.record, reason);
        if let Some(problem) = &e.problem {
            let _ = writeln!(out, "    {}: {problem}", e.chain.to_uppercase());
        }
    }
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use waymark_domain::role::PART2_NOTICE;

    #[test]
    fn every_card_list_carries_the_part_2_notice() {
        let card = CardView {
            person_id: "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b".parse().expect("a person id"),
            display_name: "Rosa".into(),
            status: "active".into(),
            case_manager: Some("Dee".into()),
            case_manager_phone: None,
            updated_at: waymark_device::Timestamp::UNIX_EPOCH,
        };
        let text = cards(&[card]);
        assert!(text.starts_with("Rosa  active  case manager: Dee"), "{text}");
        assert!(text.ends_with(PART2_NOTICE), "{text}");
        assert_eq!(cards(&[]), "no match", "nothing disclosed, no notice");
    }
}

//! The device's audit trail: what this device did, appended to its own hash-chained
//! log (`waymark_domain::audit`) in the same transaction as the action's records, or,
//! for a read (a lookup, a person page), committed before the answer is returned. So
//! every completed action has its entry, also offline.
//!
//! Entries sync sealed to the team's audit key (only supervisors' devices open them);
//! a supervisor's device keeps every device's entries and `audit_log` verifies each
//! chain, reporting a changed, missing or rewritten entry instead of hiding it.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};
use ts_rs::TS;
use waymark_domain::audit::{AuditAction, AuditDraft, AuditEntry, ChainState, StoredEntry, verify};
use waymark_domain::role::Action;

use crate::Device;
use crate::error::Result;

/// The prefix of an audit log's document id on the wire (`audit:<device uuid>`).
pub(crate) const AUDIT_DOC: &str = "audit:";

/// One entry as `waymark audit` shows it. The contract's fields first, then the
/// chain: `chain` is `ok`, `gap` (earlier entries of that device are missing: not
/// synced yet, or removed) or `broken` (changed after it was written), with `problem`
/// saying what is wrong.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AuditView {
    pub at: String,
    pub device_id: String,
    pub role: String,
    pub action: String,
    pub record: String,
    pub reason: String,
    pub seq: u64,
    #[serde(skip_serializing_if = "Map::is_empty")]
    #[ts(type = "Record<string, unknown>")]
    pub detail: Map<String, Value>,
    pub hash: String,
    pub chain: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl AuditView {
    fn new(stored: &StoredEntry, state: &ChainState) -> Self {
        let entry = AuditEntry::parse(&stored.text);
        let (chain, problem) = match state {
            ChainState::Ok => ("ok", None),
            ChainState::Gap { missing_from } => {
                ("gap", Some(format!("entries {missing_from} to {} of this device are missing", stored.seq - 1)))
            }
            ChainState::Broken { why } => ("broken", Some(format!("entry {} is broken: {why}", stored.seq))),
        };
        Self {
            at: entry.as_ref().map(|e| e.at.to_string()).unwrap_or_default(),
            device_id: stored.device_id.clone(),
            role: entry.as_ref().map(|e| e.role.clone()).unwrap_or_default(),
            action: entry.as_ref().map(|e| e.action.clone()).unwrap_or_default(),
            record: entry.as_ref().map(|e| e.record.clone()).unwrap_or_default(),
            reason: entry.as_ref().map(|e| e.reason.clone()).unwrap_or_default(),
            seq: stored.seq,
            detail: entry.map(|e| e.detail).unwrap_or_default(),
            hash: stored.hash.clone(),
            chain: chain.to_owned(),
            problem,
        }
    }

    pub fn is_broken(&self) -> bool {
        self.chain == "broken"
    }
}

impl Device {
    /// Records a read (or anything that wrote no records) in its own transaction.
    pub(crate) fn audit_now(&mut self, draft: AuditDraft) -> Result<()> {
        self.store.write(|w| w.audit(draft).map(drop))?;
        Ok(())
    }

    /// A draft for `action` on `record` at the device's time.
    pub(crate) fn audit_draft(&self, action: AuditAction, record: impl Into<String>) -> AuditDraft {
        AuditDraft::new(self.now(), action, record)
    }

    /// Every audit entry this device holds (supervisor), oldest first, each chain
    /// verified. On a supervisor's device that is every device's synced log.
    pub fn audit_log(&mut self) -> Result<Vec<AuditView>> {
        self.require(Action::ReadAudit, "read the audit log")?;
        let mut by_device: BTreeMap<String, Vec<StoredEntry>> = BTreeMap::new();
        for e in self.store.audit_entries()? {
            by_device.entry(e.device_id.clone()).or_default().push(e);
        }
        let mut out = Vec::new();
        for entries in by_device.values() {
            for (stored, state) in entries.iter().zip(verify(entries)) {
                out.push(AuditView::new(stored, &state));
            }
        }
        for other in self.store.audit_conflicts()? {
            let why = "a second, different version of this entry arrived: the device's log was rewritten".into();
            out.push(AuditView::new(&other, &ChainState::Broken { why }));
        }
        out.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.device_id.cmp(&b.device_id)).then(a.seq.cmp(&b.seq)));
        Ok(out)
    }
}

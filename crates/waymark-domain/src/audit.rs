//! The audit trail: what each device did (lookups with their reason, person views,
//! exports, merges, consent changes, enrollment, invitations, revocations, syncs), as
//! one append-only, hash-chained log per device.
//!
//! Each entry names the hash of the one before it (`prev`) and is identified by the
//! SHA-256 of its own canonical JSON text, so changing, removing or reordering an
//! entry breaks the chain at that point. [`verify`] walks a device's entries and says
//! where, instead of hiding it.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::ValidationError;
use crate::ids::DeviceId;
use crate::role::Role;

/// The `prev` of a device's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Most characters of a lookup's reason.
pub const MAX_REASON: usize = 500;

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// An officer's roster lookup, with the reason typed.
    Lookup,
    /// A person page (profile) opened.
    PersonView,
    Export,
    Merge,
    ConsentAdd,
    ConsentRevoke,
    /// This device enrolled with a relay (or was set up standalone).
    Enroll,
    /// This device invited another.
    Invite,
    /// This device revoked another.
    Revoke,
    /// A new key epoch was made and handed to the remaining devices.
    RotateKeys,
    /// The relay's certificate this device trusts was changed.
    TrustRelay,
    Sync,
}

impl AuditAction {
    pub const ALL: [AuditAction; 12] = [
        AuditAction::Lookup,
        AuditAction::PersonView,
        AuditAction::Export,
        AuditAction::Merge,
        AuditAction::ConsentAdd,
        AuditAction::ConsentRevoke,
        AuditAction::Enroll,
        AuditAction::Invite,
        AuditAction::Revoke,
        AuditAction::RotateKeys,
        AuditAction::TrustRelay,
        AuditAction::Sync,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            AuditAction::Lookup => "lookup",
            AuditAction::PersonView => "person_view",
            AuditAction::Export => "export",
            AuditAction::Merge => "merge",
            AuditAction::ConsentAdd => "consent_add",
            AuditAction::ConsentRevoke => "consent_revoke",
            AuditAction::Enroll => "enroll",
            AuditAction::Invite => "invite",
            AuditAction::Revoke => "revoke",
            AuditAction::RotateKeys => "rotate_keys",
            AuditAction::TrustRelay => "trust_relay",
            AuditAction::Sync => "sync",
        }
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AuditAction {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == s).ok_or_else(|| ValidationError::UnknownValue {
            what: "audit action",
            value: s.to_owned(),
            expected: AuditAction::ALL.map(|a| a.as_str()).join(", "),
        })
    }
}

/// An entry before it takes its place in the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditDraft {
    pub at: Timestamp,
    pub action: AuditAction,
    /// The record acted on (a person, consent or device id; a lookup's query).
    pub record: String,
    /// Why, where the user was asked (a lookup's reason).
    pub reason: String,
    /// Anything else worth keeping (counts, the kept person of a merge).
    pub detail: Map<String, Value>,
}

impl AuditDraft {
    pub fn new(at: Timestamp, action: AuditAction, record: impl Into<String>) -> Self {
        Self { at, action, record: record.into(), reason: String::new(), detail: Map::new() }
    }

    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = reason.into();
        self
    }

    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.detail.insert(key.to_owned(), value.into());
        self
    }

    /// The entry that follows `prev` (the previous entry's seq and hash, or none for
    /// the device's first entry).
    pub fn chain(self, device_id: DeviceId, role: Role, prev: Option<(u64, &str)>) -> AuditEntry {
        let (seq, prev) = match prev {
            Some((seq, hash)) => (seq + 1, hash.to_owned()),
            None => (1, GENESIS.to_owned()),
        };
        AuditEntry {
            seq,
            at: self.at,
            device_id,
            role: role.as_str().to_owned(),
            action: self.action.as_str().to_owned(),
            record: self.record,
            reason: self.reason,
            detail: self.detail,
            prev,
        }
    }
}

/// One entry as it is hashed, stored and synced. Field order is the canonical order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    /// 1 for a device's first entry, then one more for each.
    pub seq: u64,
    pub at: Timestamp,
    pub device_id: DeviceId,
    pub role: String,
    pub action: String,
    pub record: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub detail: Map<String, Value>,
    /// The hash of the device's previous entry ([`GENESIS`] for the first).
    pub prev: String,
}

impl AuditEntry {
    /// The canonical text: what is hashed, stored and synced.
    pub fn canonical(&self) -> String {
        // Serializing a struct of strings, numbers and a JSON map cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Parses a stored or received text; `None` if it is not an entry.
    pub fn parse(text: &str) -> Option<AuditEntry> {
        serde_json::from_str(text).ok()
    }
}

/// The hash (lowercase hex SHA-256) of an entry's text.
pub fn hash_text(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// One stored entry: its text exactly as hashed, and the hash stored beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEntry {
    pub device_id: String,
    pub seq: u64,
    pub text: String,
    pub hash: String,
}

/// What verification says of one entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum ChainState {
    /// Its hash matches its text and it follows the entry before it.
    Ok,
    /// Entries before it are missing (not synced yet, or removed).
    Gap { missing_from: u64 },
    /// Its text does not hash to its stored hash, it is not a valid entry, or it does
    /// not name the previous entry's hash: changed after it was written.
    Broken { why: String },
}

/// Verifies the entries of one device, in seq order. The result has one state per
/// entry. An entry after a broken one is judged against the broken one's stored hash,
/// so one edit is reported once, at the edited entry and the next.
pub fn verify(entries: &[StoredEntry]) -> Vec<ChainState> {
    let mut out = Vec::with_capacity(entries.len());
    let mut expected_seq = 1u64;
    let mut prev_hash = GENESIS.to_owned();
    for stored in entries {
        let parsed = AuditEntry::parse(&stored.text);
        let actual = hash_text(&stored.text);
        let state = match &parsed {
            None => ChainState::Broken { why: "not a valid entry".into() },
            Some(_) if actual != stored.hash => ChainState::Broken { why: "its content was changed".into() },
            Some(e) if e.seq != stored.seq || e.device_id.to_string() != stored.device_id => {
                ChainState::Broken { why: "it was moved".into() }
            }
            Some(e) if e.seq > expected_seq => ChainState::Gap { missing_from: expected_seq },
            Some(e) if e.seq < expected_seq => ChainState::Broken { why: "repeated".into() },
            Some(e) if e.prev != prev_hash => {
                ChainState::Broken { why: "it does not follow the entry before it".into() }
            }
            Some(_) => ChainState::Ok,
        };
        out.push(state);
        expected_seq = stored.seq + 1;
        prev_hash = stored.hash.clone();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device() -> DeviceId {
        DeviceId::from_uuid(uuid::Uuid::from_bytes([7; 16]))
    }

    fn chain(n: u64) -> Vec<StoredEntry> {
        let mut out: Vec<StoredEntry> = Vec::new();
        for i in 0..n {
            let at = Timestamp::from_second(1_800_000_000 + i as i64).expect("valid");
            let draft = AuditDraft::new(at, AuditAction::Lookup, format!("query {i}")).reason("welfare check");
            let prev = out.last().map(|e| (e.seq, e.hash.as_str()));
            let entry = draft.chain(device(), Role::Officer, prev);
            let text = entry.canonical();
            out.push(StoredEntry { device_id: device().to_string(), seq: entry.seq, hash: hash_text(&text), text });
        }
        out
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let entries = chain(5);
        assert_eq!(entries[0].seq, 1);
        assert!(entries[0].text.contains(GENESIS));
        assert_eq!(verify(&entries), vec![ChainState::Ok; 5]);
    }

    #[test]
    fn a_changed_entry_is_reported() {
        let mut entries = chain(4);
        entries[1].text = entries[1].text.replace("welfare check", "nothing to see");
        let states = verify(&entries);
        assert_eq!(states[0], ChainState::Ok);
        assert!(matches!(states[1], ChainState::Broken { .. }), "{states:?}");
        assert_eq!(states[2], ChainState::Ok, "judged against the stored hash, so one edit is reported once");
    }

    #[test]
    fn a_changed_entry_with_a_recomputed_hash_breaks_the_next_link() {
        let mut entries = chain(4);
        entries[1].text = entries[1].text.replace("welfare check", "nothing to see");
        entries[1].hash = hash_text(&entries[1].text);
        let states = verify(&entries);
        assert_eq!(states[1], ChainState::Ok);
        assert!(matches!(&states[2], ChainState::Broken { why } if why.contains("follow")), "{states:?}");
    }

    #[test]
    fn a_removed_entry_is_a_gap_and_a_swapped_one_is_broken() {
        let mut entries = chain(4);
        entries.remove(1);
        assert_eq!(verify(&entries)[1], ChainState::Gap { missing_from: 2 });
        let mut swapped = chain(3);
        swapped.swap(1, 2);
        let states = verify(&swapped);
        assert!(states.iter().any(|s| matches!(s, ChainState::Broken { .. })), "{states:?}");
    }

    #[test]
    fn canonical_text_round_trips() {
        let entries = chain(1);
        let parsed = AuditEntry::parse(&entries[0].text).expect("parses");
        assert_eq!(parsed.canonical(), entries[0].text);
        assert!(AuditEntry::parse("{\"seq\":1}").is_none());
        assert_eq!("person_view".parse::<AuditAction>().expect("known"), AuditAction::PersonView);
        assert!("peek".parse::<AuditAction>().is_err());
    }
}

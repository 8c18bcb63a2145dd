//! The relay's storage behind a narrow trait, so that another backend (PostgreSQL)
//! can follow the SQLite one. Every method is one transaction: a call that returns
//! `Ok` has committed durably, and one that returns `Err` has changed nothing.
//!
//! Methods block; async callers run them on a blocking thread.

pub mod sqlite;

use std::fmt;

use jiff::Timestamp;
use waymark_sync_proto::wire::{Accepted, DeviceInfo, KeyEnvelope, PullEntry, PushEntry, WireDeviceStatus, WireRole};

use crate::audit::AuditRecord;
use crate::error::Result;

/// The device behind a bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceAuth {
    pub device_id: String,
    pub team_id: String,
    pub role: WireRole,
    pub status: WireDeviceStatus,
}

/// A new team with its pending first supervisor and that device's invitation.
#[derive(Debug, Clone)]
pub struct NewTeam {
    pub team_id: String,
    pub name: String,
    pub device_id: String,
    pub label: String,
    pub invite_id: String,
    pub check_hash: String,
    pub expires_at: Timestamp,
}

/// A new invitation for a pending device in the inviter's team.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub device_id: String,
    pub invite_id: String,
    pub role: WireRole,
    pub label: String,
    pub check_hash: String,
    /// Opaque to the relay: the team keys sealed under the code's secret part.
    pub sealed: String,
    pub expires_at: Timestamp,
}

/// What a redeemed invitation gives the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrollment {
    pub device_id: String,
    pub team_id: String,
    pub role: WireRole,
    pub label: String,
    pub sealed: Option<String>,
}

/// One pull: the cursor, at most `limit` entries and about `max_bytes` of ciphertext
/// (always at least one entry when there is one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PullQuery {
    pub after: u64,
    pub limit: u32,
    pub max_bytes: usize,
}

/// One page of a device's view of the team log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullPage {
    pub entries: Vec<PullEntry>,
    pub next_after: u64,
    pub more: bool,
    pub purge: Vec<String>,
    /// The highest key epoch stored for the device (`put_envelopes`), if any: a device
    /// holding less fetches its envelopes before opening the page.
    pub key_epoch: Option<u32>,
}

/// Relay-wide totals for the gauges of `GET /metrics`: no id, name or per-team figure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Census {
    pub teams: u64,
    pub devices_pending: u64,
    pub devices_active: u64,
    pub devices_revoked: u64,
}

/// Who revokes a device: the operator (any team) or a supervisor device (its team).
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    Admin,
    Device(&'a DeviceAuth),
}

/// The relay's storage.
pub trait RelayStore: Send + Sync + fmt::Debug {
    /// Creates a team, its pending supervisor device and that device's invitation.
    fn create_team(&self, team: &NewTeam, now: Timestamp) -> Result<()>;

    /// The device whose token hashes to `token_hash`, whatever its status.
    fn authenticate(&self, token_hash: &str) -> Result<Option<DeviceAuth>>;

    /// Redeems invitation `invite_id` if `check_hash` matches and it is unused and
    /// unexpired: marks it used, activates its device with `token_hash` and keeps the
    /// device's `public_key` (already validated), if it sent one.
    /// `RelayError::InviteInvalid` otherwise.
    fn enroll(
        &self,
        invite_id: &str,
        check_hash: &str,
        token_hash: &str,
        public_key: Option<&str>,
        now: Timestamp,
    ) -> Result<Enrollment>;

    /// Stores an invitation and its pending device in `by`'s team.
    fn invite(&self, by: &DeviceAuth, invitation: &NewInvitation, now: Timestamp) -> Result<()>;

    /// Appends entries to `by`'s team log, all or none: `RelayError::Forbidden` if any
    /// breaks the write rules. An entry already stored answers its existing seq.
    fn push(&self, by: &DeviceAuth, entries: &[PushEntry], now: Timestamp) -> Result<Vec<Accepted>>;

    /// One page of what `by` may see after `query.after`, with the documents it must
    /// purge; a complete pull (no more pages) records the device's last sync time.
    fn pull(&self, by: &DeviceAuth, query: &PullQuery, now: Timestamp) -> Result<PullPage>;

    /// Revokes a device (pending or active). `RelayError::NotFound` if it does not
    /// exist or, for a device actor, belongs to another team.
    fn revoke(&self, actor: Actor<'_>, device_id: &str, now: Timestamp) -> Result<()>;

    /// Every device of a team, oldest first, with its public key and the highest key
    /// epoch stored for it.
    fn devices(&self, team_id: &str) -> Result<Vec<DeviceInfo>>;

    /// Stores key envelopes from `by`, all or none, replacing any stored for the same
    /// device and epoch; returns how many were stored. `by` must be an active
    /// supervisor (`RelayError::Forbidden`; `RelayError::DeviceRevoked` if it was
    /// revoked meanwhile). Every envelope's device must be an enrolled, unrevoked device
    /// of `by`'s team: `RelayError::NotFound` if it does not exist or belongs to another
    /// team (as for `revoke`), `RelayError::Forbidden` if it is pending or revoked.
    fn put_envelopes(&self, by: &DeviceAuth, envelopes: &[KeyEnvelope], now: Timestamp) -> Result<usize>;

    /// The envelopes sealed to `by`'s own device with an epoch above `after`, lowest
    /// epoch first (at most `wire::MAX_ENVELOPES`).
    fn envelopes(&self, by: &DeviceAuth, after: u32) -> Result<Vec<KeyEnvelope>>;

    /// Relay-wide totals of teams and devices by status, in one query.
    fn census(&self) -> Result<Census>;

    /// Appends audit records (refusals seen by the HTTP layer).
    fn record(&self, events: &[AuditRecord]) -> Result<()>;

    /// The whole audit log, oldest first.
    fn audit(&self) -> Result<Vec<AuditRecord>>;
}

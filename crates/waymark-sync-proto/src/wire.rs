//! The wire format (JSON over HTTP, all routes under `/v1/`). Bytes travel as
//! unpadded base64url. Every type here is frozen by golden fixture files in
//! `tests/fixtures/`; a change of format is a deliberate, visible diff.
//!
//! What the relay can read is routing metadata only: opaque document ids (an HMAC of
//! the real id under a team key), opaque content hashes, audiences, sequence numbers,
//! and the author device. Record content is ciphertext.

use serde::{Deserialize, Serialize};

use crate::error::{ProtoError, Result};

pub const PROTOCOL_VERSION: u32 = 1;

/// Largest ciphertext of one entry, in bytes of base64 text.
pub const MAX_ENTRY_TEXT: usize = 256 * 1024;
/// Most entries in one push.
pub const MAX_PUSH_ENTRIES: usize = 500;
/// Largest request body the relay accepts.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Most entries the relay returns in one pull page.
pub const MAX_PULL_LIMIT: u32 = 1000;
/// Most devices named in one audience.
pub const MAX_AUDIENCE_DEVICES: usize = 64;

/// A role as the relay sees it: for routing and write rules, nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireRole {
    Officer,
    Outreach,
    Supervisor,
}

impl WireRole {
    pub fn as_str(&self) -> &'static str {
        match self {
            WireRole::Officer => "officer",
            WireRole::Outreach => "outreach",
            WireRole::Supervisor => "supervisor",
        }
    }
}

impl std::str::FromStr for WireRole {
    type Err = ProtoError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "officer" => Ok(WireRole::Officer),
            "outreach" => Ok(WireRole::Outreach),
            "supervisor" => Ok(WireRole::Supervisor),
            _ => Err(ProtoError::Invalid(format!("unknown role {s:?}"))),
        }
    }
}

/// Who may receive a document: every device of the listed roles, plus the listed
/// devices (an officer's own referrals and the cards of persons it referred).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Audience {
    pub roles: Vec<WireRole>,
    #[serde(default)]
    pub devices: Vec<String>,
}

impl Audience {
    pub fn includes(&self, role: WireRole, device: &str) -> bool {
        self.roles.contains(&role) || self.devices.iter().any(|d| d == device)
    }

    pub fn validate(&self) -> Result<()> {
        if self.roles.is_empty() && self.devices.is_empty() {
            return Err(ProtoError::Invalid("an audience names no one".into()));
        }
        if self.devices.len() > MAX_AUDIENCE_DEVICES {
            return Err(ProtoError::Invalid("too many devices in an audience".into()));
        }
        for d in &self.devices {
            check_token("device id", d, 64)?;
        }
        Ok(())
    }

    /// Roles and devices sorted and without repeats, so equal audiences compare equal.
    pub fn normalized(mut self) -> Self {
        self.roles.sort_unstable();
        self.roles.dedup();
        self.devices.sort_unstable();
        self.devices.dedup();
        self
    }
}

/// Checks an opaque token: 1..=max characters of `[A-Za-z0-9_-]`.
pub fn check_token(what: &str, value: &str, max: usize) -> Result<()> {
    let ok = !value.is_empty()
        && value.len() <= max
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok { Ok(()) } else { Err(ProtoError::Invalid(format!("{what} is malformed"))) }
}

fn check_version(v: u32) -> Result<()> {
    if v == PROTOCOL_VERSION { Ok(()) } else { Err(ProtoError::Version(v, PROTOCOL_VERSION)) }
}

/// One change entry a device pushes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushEntry {
    /// Opaque document id.
    pub doc: String,
    pub audience: Audience,
    /// Opaque content hash: the same change pushed twice has the same hash.
    pub hash: String,
    /// Sealed automerge change (base64url).
    pub ciphertext: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRequest {
    pub v: u32,
    pub entries: Vec<PushEntry>,
}

impl PushRequest {
    pub fn validate(&self) -> Result<()> {
        check_version(self.v)?;
        if self.entries.len() > MAX_PUSH_ENTRIES {
            return Err(ProtoError::Invalid(format!("at most {MAX_PUSH_ENTRIES} entries per push")));
        }
        for e in &self.entries {
            check_token("document id", &e.doc, 64)?;
            check_token("hash", &e.hash, 64)?;
            e.audience.validate()?;
            if e.ciphertext.is_empty() || e.ciphertext.len() > MAX_ENTRY_TEXT {
                return Err(ProtoError::Invalid("entry ciphertext is empty or too large".into()));
            }
            check_token("ciphertext", &e.ciphertext, MAX_ENTRY_TEXT)?;
        }
        Ok(())
    }
}

/// Where an accepted entry landed in the team's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    pub hash: String,
    pub seq: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub v: u32,
    pub accepted: Vec<Accepted>,
}

/// One entry a device pulls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullEntry {
    pub seq: u64,
    pub doc: String,
    pub author: String,
    pub hash: String,
    pub ciphertext: String,
}

/// `GET /v1/pull?after=SEQ&limit=N`: entries after the cursor that this device may
/// see, oldest first. `next_after` is the cursor to save once they are applied (it
/// may move past entries this device may not see). `purge` names documents this
/// device must drop because it left their audience.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    pub v: u32,
    pub entries: Vec<PullEntry>,
    pub next_after: u64,
    pub more: bool,
    #[serde(default)]
    pub purge: Vec<String>,
    /// The relay's clock (RFC 3339), for time-sensitive rules judged at sync time.
    pub server_time: String,
    /// The highest key epoch the relay holds an envelope of for this device (see
    /// `GET /v1/keys`); a device holding less fetches it before opening the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_epoch: Option<u32>,
}

/// `POST /v1/enroll` (no token): redeem the checked part of an invitation code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollRequest {
    pub v: u32,
    pub invite: String,
    pub check: String,
    /// The device's own X25519 public key (32 bytes, base64url), made at enrollment:
    /// later key epochs are sealed to it (see `PutKeysRequest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
}

impl EnrollRequest {
    pub fn validate(&self) -> Result<()> {
        check_version(self.v)?;
        check_token("invitation", &self.invite, 64)?;
        check_token("check", &self.check, 64)?;
        if let Some(key) = &self.public_key {
            check_public_key(key)?;
        }
        Ok(())
    }
}

/// A public key on the wire: 32 bytes as unpadded base64url (43 characters).
pub fn check_public_key(key: &str) -> Result<()> {
    check_token("public key", key, 43)?;
    if key.len() == 43 { Ok(()) } else { Err(ProtoError::Invalid("a public key is 32 bytes".into())) }
}

/// Most envelopes in one `POST /v1/keys`.
pub const MAX_ENVELOPES: usize = 500;

/// One key epoch sealed to one device's public key (a sealed box the relay cannot
/// open). `epoch` is the team key epoch it carries, 2 or more (epoch 1 comes with the
/// invitation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyEnvelope {
    pub device_id: String,
    pub epoch: u32,
    pub sealed: String,
}

/// `POST /v1/keys` (supervisor): after a revocation, the team's next key epoch for
/// each remaining device. Every `device_id` must be an enrolled, unrevoked device of
/// the caller's team; storing an envelope again replaces it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutKeysRequest {
    pub v: u32,
    pub envelopes: Vec<KeyEnvelope>,
}

impl PutKeysRequest {
    pub fn validate(&self) -> Result<()> {
        check_version(self.v)?;
        if self.envelopes.is_empty() || self.envelopes.len() > MAX_ENVELOPES {
            return Err(ProtoError::Invalid(format!("send 1 to {MAX_ENVELOPES} key envelopes")));
        }
        for e in &self.envelopes {
            check_token("device id", &e.device_id, 64)?;
            check_token("key envelope", &e.sealed, 16 * 1024)?;
            if e.epoch < 2 {
                return Err(ProtoError::Invalid("key envelopes carry epoch 2 or later".into()));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutKeysResponse {
    pub v: u32,
    pub stored: usize,
}

/// `GET /v1/keys?after=EPOCH`: the envelopes sealed to the calling device with an
/// epoch above `after`, oldest epoch first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeysResponse {
    pub v: u32,
    pub envelopes: Vec<KeyEnvelope>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollResponse {
    pub v: u32,
    pub device_id: String,
    pub token: String,
    pub team_id: String,
    pub role: WireRole,
    pub label: String,
    /// The invitation's sealed keys; `None` for a team's first supervisor, which makes
    /// the team keys itself.
    pub sealed: Option<String>,
}

/// `POST /v1/invitations` (supervisor): store a sealed invitation for a new device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteRequest {
    pub v: u32,
    pub role: WireRole,
    pub label: String,
    /// SHA-256 (hex) of the code's check part; the relay never sees the check itself
    /// until enrollment, nor ever the secret part.
    pub check_hash: String,
    pub sealed: String,
    pub expires_in_days: Option<u32>,
}

impl InviteRequest {
    pub fn validate(&self) -> Result<()> {
        check_version(self.v)?;
        check_token("check hash", &self.check_hash, 64)?;
        check_token("sealed invitation", &self.sealed, 64 * 1024)?;
        if self.label.trim().is_empty() || self.label.chars().count() > 100 {
            return Err(ProtoError::Invalid("label must be 1-100 characters".into()));
        }
        if let Some(d) = self.expires_in_days
            && !(1..=30).contains(&d)
        {
            return Err(ProtoError::Invalid("an invitation expires in 1 to 30 days".into()));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteResponse {
    pub v: u32,
    pub invite: String,
    pub device_id: String,
    pub expires_at: String,
}

/// `POST /v1/devices/{id}/revoke` (supervisor) and the admin verb's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeResponse {
    pub device_id: String,
    pub revoked: bool,
}

/// A device's state as the relay keeps it: invited (`pending`), enrolled (`active`) or
/// `revoked`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireDeviceStatus {
    Pending,
    Active,
    Revoked,
}

/// One device of a team as `GET /v1/devices` (supervisor) lists it. Times are RFC 3339;
/// `last_sync_at` is the end of the device's last complete pull.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub device_id: String,
    pub role: WireRole,
    pub label: String,
    pub status: WireDeviceStatus,
    pub created_at: String,
    #[serde(default)]
    pub enrolled_at: Option<String>,
    #[serde(default)]
    pub last_sync_at: Option<String>,
    #[serde(default)]
    pub revoked_at: Option<String>,
    /// The device's public key from enrollment (base64url), if it sent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// The highest key epoch stored for this device (`POST /v1/keys`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_epoch: Option<u32>,
}

/// `GET /v1/devices` (supervisor): every device of the caller's team, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceListResponse {
    pub v: u32,
    pub devices: Vec<DeviceInfo>,
}

/// Every error the relay answers with: a stable machine code and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    #[serde(default)]
    pub message: String,
}

/// The error codes the relay uses in `ErrorBody::error`.
pub mod codes {
    pub const UNAUTHORIZED: &str = "unauthorized";
    pub const DEVICE_REVOKED: &str = "device_revoked";
    pub const FORBIDDEN: &str = "forbidden";
    pub const BAD_REQUEST: &str = "bad_request";
    pub const TOO_LARGE: &str = "too_large";
    pub const RATE_LIMITED: &str = "rate_limited";
    pub const INVITE_INVALID: &str = "invite_invalid";
    pub const NOT_FOUND: &str = "not_found";
    pub const INTERNAL: &str = "internal";
    /// The request took longer than the relay allows (answered with 503: retry later).
    pub const TIMEOUT: &str = "timeout";
}

//! Sealing: what makes the relay unable to read anything it stores.
//!
//! A team has keys per audience class — `officer` (team settings, officer cards,
//! referrals), `case` (profiles, contacts, notes) and `supervisor` (the audit log) —
//! and a `routing` key that turns real document ids and change hashes into opaque
//! tokens. Each entry is sealed with XChaCha20-Poly1305 under its class key, with a
//! random 192-bit nonce supplied by the caller. Invitations are sealed under a key
//! derived with HKDF-SHA256 from the code's secret part, which the relay never sees.
//! No home-made primitives: RustCrypto's AEAD, HKDF and HMAC.
//!
//! Two things use public keys (`crypto_box` sealed boxes: X25519 + XSalsa20-Poly1305):
//! - the **audit log** is sealed to the team's audit public key, whose secret half is
//!   derived from the `supervisor` key, so every device can write audit entries that
//!   only supervisors can read;
//! - **key epochs**: each device makes an X25519 key pair at enrollment; after a
//!   revocation a supervisor makes the next epoch's keys (`TeamKeys::next`) and seals
//!   them to each remaining device's public key (`seal_envelope`). Entries sealed
//!   under epoch 2 or later name their epoch, so a [`Keyring`] opens old and new.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use crypto_box::aead::rand_core::CryptoRngCore;
use crypto_box::{PublicKey, SecretKey};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::{ProtoError, Result};
use crate::wire::WireRole;

/// A 256-bit symmetric key, zeroized when dropped, never printed.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Key(pub [u8; 32]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

impl Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&B64.encode(self.0))
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let bytes = B64.decode(text.as_bytes()).map_err(serde::de::Error::custom)?;
        let arr: [u8; 32] = bytes.try_into().map_err(|_| serde::de::Error::custom("a key is 32 bytes"))?;
        Ok(Key(arr))
    }
}

/// A 32-byte public key as base64url text.
fn public_to_text(key: &PublicKey) -> String {
    B64.encode(key.as_bytes())
}

fn public_from_text(text: &str) -> Result<PublicKey> {
    let bytes = B64.decode(text.as_bytes()).map_err(|_| ProtoError::Invalid("malformed public key".into()))?;
    let arr: [u8; 32] = bytes.try_into().map_err(|_| ProtoError::Invalid("a public key is 32 bytes".into()))?;
    Ok(PublicKey::from(arr))
}

/// Which key seals an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyClass {
    Officer,
    Case,
    Supervisor,
    /// Audit entries: a sealed box to the team's audit public key (supervisors open it).
    Audit,
}

impl KeyClass {
    fn tag(self) -> u8 {
        match self {
            KeyClass::Officer => 1,
            KeyClass::Case => 2,
            KeyClass::Supervisor => 3,
            KeyClass::Audit => 4,
        }
    }

    fn from_tag(tag: u8) -> Result<Self> {
        match tag {
            1 => Ok(KeyClass::Officer),
            2 => Ok(KeyClass::Case),
            3 => Ok(KeyClass::Supervisor),
            4 => Ok(KeyClass::Audit),
            _ => Err(ProtoError::Decrypt),
        }
    }
}

/// Frames a document id and change bytes as one plaintext.
fn frame(doc_id: &str, change: &[u8]) -> Result<Vec<u8>> {
    let doc = doc_id.as_bytes();
    let len = u16::try_from(doc.len()).map_err(|_| ProtoError::Invalid("document id too long".into()))?;
    let mut plain = Vec::with_capacity(2 + doc.len() + change.len());
    plain.extend_from_slice(&len.to_be_bytes());
    plain.extend_from_slice(doc);
    plain.extend_from_slice(change);
    Ok(plain)
}

fn unframe(plain: &[u8]) -> Result<(String, Vec<u8>)> {
    if plain.len() < 2 {
        return Err(ProtoError::Decrypt);
    }
    let len = usize::from(u16::from_be_bytes([plain[0], plain[1]]));
    let doc = plain.get(2..2 + len).ok_or(ProtoError::Decrypt)?;
    let doc = String::from_utf8(doc.to_vec()).map_err(|_| ProtoError::Decrypt)?;
    Ok((doc, plain[2 + len..].to_vec()))
}

/// The header of a sealed entry: format 1 (epoch 1, as every entry was before key
/// rotation) is `[1, class]`; format 2 is `[2, class, epoch (u32 big-endian)]`.
fn header(class: KeyClass, epoch: u32) -> Vec<u8> {
    if epoch <= 1 {
        vec![1, class.tag()]
    } else {
        let mut h = vec![2, class.tag()];
        h.extend_from_slice(&epoch.to_be_bytes());
        h
    }
}

/// Reads a sealed entry's header: its class, epoch and where the body starts.
fn read_header(bytes: &[u8]) -> Result<(KeyClass, u32, usize)> {
    match bytes {
        [1, tag, ..] => Ok((KeyClass::from_tag(*tag)?, 1, 2)),
        [2, tag, a, b, c, d, ..] => {
            let epoch = u32::from_be_bytes([*a, *b, *c, *d]);
            if epoch < 2 {
                return Err(ProtoError::Decrypt);
            }
            Ok((KeyClass::from_tag(*tag)?, epoch, 6))
        }
        _ => Err(ProtoError::Decrypt),
    }
}

/// The audit key pair's secret half, derived from the supervisor key.
fn audit_secret(supervisor: &Key) -> SecretKey {
    let hk = Hkdf::<Sha256>::new(None, &supervisor.0);
    let mut bytes = [0u8; 32];
    if hk.expand(b"waymark audit x25519 v1", &mut bytes).is_err() {
        unreachable!("32 bytes is a valid HKDF output length")
    }
    let secret = SecretKey::from(bytes);
    bytes.zeroize();
    secret
}

/// The keys a device holds: all of them on a supervisor's device, officer and case
/// keys on an outreach worker's, only the officer key on an officer's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamKeys {
    pub epoch: u32,
    pub routing: Key,
    pub officer: Key,
    pub case: Option<Key>,
    pub supervisor: Option<Key>,
    /// The audit public key (base64url), for devices that do not hold the supervisor
    /// key; absent in keys made before the audit log (then derived where possible).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_public: Option<String>,
}

impl TeamKeys {
    /// New team keys from 128 random bytes supplied by the caller.
    pub fn from_random(bytes: &[u8; 128]) -> Self {
        let key = |i: usize| {
            let mut k = [0u8; 32];
            k.copy_from_slice(&bytes[i * 32..(i + 1) * 32]);
            Key(k)
        };
        let supervisor = key(3);
        let audit_public = Some(public_to_text(&audit_secret(&supervisor).public_key()));
        Self {
            epoch: 1,
            routing: key(0),
            officer: key(1),
            case: Some(key(2)),
            supervisor: Some(supervisor),
            audit_public,
        }
    }

    /// The next epoch's keys (a supervisor, after a revocation), from 96 random bytes:
    /// new officer, case and supervisor keys. The routing key stays, because the
    /// relay knows every document by its opaque id; a revoked device keeps learning
    /// nothing from ids it did not already know.
    pub fn next(&self, bytes: &[u8; 96]) -> Result<TeamKeys> {
        if self.case.is_none() || self.supervisor.is_none() {
            return Err(ProtoError::Invalid("only a supervisor's keys can make the next epoch".into()));
        }
        let key = |i: usize| {
            let mut k = [0u8; 32];
            k.copy_from_slice(&bytes[i * 32..(i + 1) * 32]);
            Key(k)
        };
        let supervisor = key(2);
        let audit_public = Some(public_to_text(&audit_secret(&supervisor).public_key()));
        Ok(TeamKeys {
            epoch: self.epoch + 1,
            routing: self.routing.clone(),
            officer: key(0),
            case: Some(key(1)),
            supervisor: Some(supervisor),
            audit_public,
        })
    }

    /// Exactly the keys a device of `role` may hold.
    pub fn for_role(&self, role: WireRole) -> TeamKeys {
        TeamKeys {
            epoch: self.epoch,
            routing: self.routing.clone(),
            officer: self.officer.clone(),
            case: matches!(role, WireRole::Outreach | WireRole::Supervisor).then(|| self.case.clone()).flatten(),
            supervisor: matches!(role, WireRole::Supervisor).then(|| self.supervisor.clone()).flatten(),
            audit_public: self.audit_public().ok().map(|k| public_to_text(&k)),
        }
    }

    fn key(&self, class: KeyClass) -> Option<&Key> {
        match class {
            KeyClass::Officer => Some(&self.officer),
            KeyClass::Case => self.case.as_ref(),
            KeyClass::Supervisor => self.supervisor.as_ref(),
            KeyClass::Audit => None,
        }
    }

    /// The key audit entries are sealed to.
    pub fn audit_public(&self) -> Result<PublicKey> {
        match (&self.supervisor, &self.audit_public) {
            (Some(s), _) => Ok(audit_secret(s).public_key()),
            (None, Some(text)) => public_from_text(text),
            (None, None) => Err(ProtoError::Invalid("these keys have no audit key".into())),
        }
    }

    /// Whether this device can open audit entries (it holds the supervisor key).
    pub fn reads_audit(&self) -> bool {
        self.supervisor.is_some()
    }

    /// Seals one audit entry of `doc_id` to the team's audit public key: any device
    /// can write one, only a supervisor's device can open it.
    pub fn seal_audit(&self, rng: &mut impl CryptoRngCore, doc_id: &str, entry: &[u8]) -> Result<String> {
        let mut plain = frame(doc_id, entry)?;
        let sealed =
            self.audit_public()?.seal(rng, &plain).map_err(|_| ProtoError::Invalid("could not seal".into()))?;
        plain.zeroize();
        let mut out = header(KeyClass::Audit, self.epoch);
        out.extend_from_slice(&sealed);
        Ok(B64.encode(out))
    }

    /// The opaque id the relay knows a document by.
    pub fn opaque_doc(&self, doc_id: &str) -> String {
        self.mac(b"doc", doc_id.as_bytes(), &[])
    }

    /// The opaque content hash of one change of a document.
    pub fn opaque_hash(&self, doc_id: &str, change_hash: &[u8]) -> String {
        self.mac(b"hash", doc_id.as_bytes(), change_hash)
    }

    fn mac(&self, purpose: &[u8], a: &[u8], b: &[u8]) -> String {
        // HMAC-SHA256 truncated to 192 bits: unguessable, and short on the wire.
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.routing.0) else {
            unreachable!("HMAC takes keys of any length")
        };
        for part in [purpose, &[0u8][..], a, &[0u8][..], b] {
            mac.update(part);
        }
        let out = mac.finalize().into_bytes();
        B64.encode(&out[..24])
    }

    /// Seals one automerge change of `doc_id` under `class`'s key.
    pub fn seal(&self, class: KeyClass, nonce: [u8; 24], doc_id: &str, change: &[u8]) -> Result<String> {
        let key = self.key(class).ok_or(ProtoError::Decrypt)?;
        let mut plain = frame(doc_id, change)?;
        let head = header(class, self.epoch);
        let aad = [&[b'W', b'M'][..], &head].concat();
        let cipher = XChaCha20Poly1305::new((&key.0).into());
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: &aad })
            .map_err(|_| ProtoError::Invalid("could not seal".into()))?;
        plain.zeroize();
        let mut out = Vec::with_capacity(head.len() + 24 + sealed.len());
        out.extend_from_slice(&head);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(B64.encode(out))
    }

    /// Opens a sealed entry of this epoch: the real document id and the change bytes.
    pub fn open(&self, text: &str) -> Result<(String, Vec<u8>)> {
        let bytes = B64.decode(text.as_bytes()).map_err(|_| ProtoError::Decrypt)?;
        let (class, epoch, start) = read_header(&bytes)?;
        if epoch != self.epoch.max(1) {
            return Err(ProtoError::Decrypt);
        }
        let body = &bytes[start..];
        if class == KeyClass::Audit {
            let supervisor = self.supervisor.as_ref().ok_or(ProtoError::Decrypt)?;
            let mut plain = audit_secret(supervisor).unseal(body).map_err(|_| ProtoError::Decrypt)?;
            let out = unframe(&plain);
            plain.zeroize();
            return out;
        }
        let key = self.key(class).ok_or(ProtoError::Decrypt)?;
        if body.len() < 24 + 16 {
            return Err(ProtoError::Decrypt);
        }
        let aad = [&[b'W', b'M'][..], &bytes[..start]].concat();
        let cipher = XChaCha20Poly1305::new((&key.0).into());
        let mut plain = cipher
            .decrypt(XNonce::from_slice(&body[..24]), Payload { msg: &body[24..], aad: &aad })
            .map_err(|_| ProtoError::Decrypt)?;
        let out = unframe(&plain);
        plain.zeroize();
        out
    }
}

/// Every key epoch a device holds, oldest first: it seals with the newest and opens
/// an entry with the epoch the entry names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyring {
    pub epochs: Vec<TeamKeys>,
}

impl Keyring {
    pub fn new(first: TeamKeys) -> Self {
        Self { epochs: vec![first] }
    }

    /// The keys new entries are sealed with.
    pub fn current(&self) -> &TeamKeys {
        // A keyring is never empty: `new` takes one and `add` only adds.
        &self.epochs[self.epochs.len() - 1]
    }

    pub fn epoch(&self) -> u32 {
        self.current().epoch
    }

    /// Adds an epoch (ignored if already held); keeps the ring in epoch order.
    pub fn add(&mut self, keys: TeamKeys) -> Result<bool> {
        if keys.routing != self.current().routing {
            return Err(ProtoError::Invalid("these keys are for another team".into()));
        }
        if self.epochs.iter().any(|k| k.epoch == keys.epoch) {
            return Ok(false);
        }
        self.epochs.push(keys);
        self.epochs.sort_by_key(|k| k.epoch);
        Ok(true)
    }

    /// The key epoch a sealed entry names (`None` if it is not a sealed entry).
    pub fn entry_epoch(text: &str) -> Option<u32> {
        let bytes = B64.decode(text.as_bytes()).ok()?;
        read_header(&bytes).ok().map(|(_, epoch, _)| epoch)
    }

    /// Opens an entry with the epoch it names.
    pub fn open(&self, text: &str) -> Result<(String, Vec<u8>)> {
        let bytes = B64.decode(text.as_bytes()).map_err(|_| ProtoError::Decrypt)?;
        let (_, epoch, _) = read_header(&bytes)?;
        let keys = self.epochs.iter().find(|k| k.epoch.max(1) == epoch).ok_or(ProtoError::Decrypt)?;
        keys.open(text)
    }

    /// Exactly the epochs' keys a device of `role` may hold (for an invitation).
    pub fn for_role(&self, role: WireRole) -> Keyring {
        Keyring { epochs: self.epochs.iter().map(|k| k.for_role(role)).collect() }
    }
}

/// A device's own X25519 key pair, made at enrollment; the secret never leaves the
/// device's encrypted store.
#[derive(Clone)]
pub struct DeviceKeyPair {
    secret: SecretKey,
}

impl std::fmt::Debug for DeviceKeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceKeyPair(…)")
    }
}

impl DeviceKeyPair {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self { secret: SecretKey::from(bytes) }
    }

    /// The secret, for the device's store only.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.secret.to_bytes()
    }

    /// The public half as it goes on the wire (base64url).
    pub fn public(&self) -> String {
        public_to_text(&self.secret.public_key())
    }

    /// Opens an envelope sealed to this device: one epoch's keys.
    pub fn open_envelope(&self, text: &str) -> Result<TeamKeys> {
        let bytes = B64.decode(text.as_bytes()).map_err(|_| ProtoError::Decrypt)?;
        let mut plain = self.secret.unseal(&bytes).map_err(|_| ProtoError::Decrypt)?;
        let keys = serde_json::from_slice(&plain).map_err(|_| ProtoError::Decrypt);
        plain.zeroize();
        keys
    }
}

/// Seals one epoch's keys to a device's public key (base64url).
pub fn seal_envelope(rng: &mut impl CryptoRngCore, public: &str, keys: &TeamKeys) -> Result<String> {
    let public = public_from_text(public)?;
    let mut plain = serde_json::to_vec(keys).map_err(|e| ProtoError::Invalid(e.to_string()))?;
    let sealed = public.seal(rng, &plain).map_err(|_| ProtoError::Invalid("could not seal".into()));
    plain.zeroize();
    Ok(B64.encode(sealed?))
}

/// What an invitation carries to a new device: its keys and the team's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPayload {
    pub team_id: String,
    pub keys: TeamKeys,
    /// Earlier key epochs (a team that rotated keys), so a new device reads history.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<TeamKeys>,
}

fn invitation_key(secret: &str, invite: &str) -> Key {
    let hk = Hkdf::<Sha256>::new(Some(invite.as_bytes()), secret.as_bytes());
    let mut key = [0u8; 32];
    // 32 bytes is always a valid HKDF-SHA256 output length.
    if hk.expand(b"waymark invitation v1", &mut key).is_err() {
        unreachable!("32 bytes is a valid HKDF output length")
    }
    Key(key)
}

/// Seals an invitation under a key derived from the code's secret part.
pub fn seal_invitation(payload: &InvitationPayload, secret: &str, invite: &str, nonce: [u8; 24]) -> Result<String> {
    let key = invitation_key(secret, invite);
    let mut plain = serde_json::to_vec(payload).map_err(|e| ProtoError::Invalid(e.to_string()))?;
    let cipher = XChaCha20Poly1305::new((&key.0).into());
    let sealed = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: invite.as_bytes() })
        .map_err(|_| ProtoError::Invalid("could not seal".into()))?;
    plain.zeroize();
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(B64.encode(out))
}

/// Opens an invitation with the code's secret part.
pub fn open_invitation(text: &str, secret: &str, invite: &str) -> Result<InvitationPayload> {
    let bytes = B64.decode(text.as_bytes()).map_err(|_| ProtoError::Decrypt)?;
    if bytes.len() < 24 + 16 {
        return Err(ProtoError::Decrypt);
    }
    let key = invitation_key(secret, invite);
    let cipher = XChaCha20Poly1305::new((&key.0).into());
    let mut plain = cipher
        .decrypt(XNonce::from_slice(&bytes[..24]), Payload { msg: &bytes[24..], aad: invite.as_bytes() })
        .map_err(|_| ProtoError::Decrypt)?;
    let payload = serde_json::from_slice(&plain).map_err(|_| ProtoError::Decrypt);
    plain.zeroize();
    payload
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TeamKeys {
        let mut bytes = [0u8; 128];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = i as u8;
        }
        TeamKeys::from_random(&bytes)
    }

    #[test]
    fn sealed_entries_open_with_the_right_key_only() {
        let team = keys();
        let text = team.seal(KeyClass::Case, [9; 24], "person:abc", b"change bytes").expect("seal");
        assert!(!text.contains("person") && !text.contains("change"));
        assert_eq!(team.open(&text), Ok(("person:abc".to_owned(), b"change bytes".to_vec())));
        let officer = team.for_role(WireRole::Officer);
        assert_eq!(officer.open(&text), Err(ProtoError::Decrypt), "an officer holds no case key");
        let mut other = keys();
        other.case = Some(Key([0xAA; 32]));
        assert_eq!(other.open(&text), Err(ProtoError::Decrypt));
    }

    #[test]
    fn tampering_is_detected() {
        let team = keys();
        let text = team.seal(KeyClass::Officer, [1; 24], "card:x", b"hello").expect("seal");
        let mut bytes = B64.decode(text.as_bytes()).expect("b64");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert_eq!(team.open(&B64.encode(&bytes)), Err(ProtoError::Decrypt));
        // Relabelling an entry as another class fails too (the class is authenticated).
        let mut relabelled = B64.decode(text.as_bytes()).expect("b64");
        relabelled[1] = KeyClass::Case.tag();
        assert_eq!(team.open(&B64.encode(&relabelled)), Err(ProtoError::Decrypt));
    }

    #[test]
    fn roles_get_exactly_their_keys() {
        let team = keys();
        let officer = team.for_role(WireRole::Officer);
        assert!(officer.case.is_none() && officer.supervisor.is_none());
        let outreach = team.for_role(WireRole::Outreach);
        assert!(outreach.case.is_some() && outreach.supervisor.is_none());
        assert_eq!(team.for_role(WireRole::Supervisor), team);
    }

    #[test]
    fn opaque_ids_are_stable_tokens_that_hide_the_id() {
        let team = keys();
        let a = team.opaque_doc("person:123");
        assert_eq!(a, team.opaque_doc("person:123"));
        assert_ne!(a, team.opaque_doc("person:124"));
        assert_eq!(a.len(), 32);
        assert!(!a.contains("person"));
        crate::wire::check_token("doc", &a, 64).expect("a valid wire token");
        assert_ne!(team.opaque_hash("d", b"1"), team.opaque_hash("d", b"2"));
    }

    #[test]
    fn invitations_open_only_with_the_secret() {
        let payload =
            InvitationPayload { team_id: "t1".into(), keys: keys().for_role(WireRole::Outreach), earlier: vec![] };
        let sealed = seal_invitation(&payload, "secretpart", "inviteid", [7; 24]).expect("seal");
        assert_eq!(open_invitation(&sealed, "secretpart", "inviteid"), Ok(payload));
        assert_eq!(open_invitation(&sealed, "wrongsecret", "inviteid"), Err(ProtoError::Decrypt));
        assert_eq!(open_invitation(&sealed, "secretpart", "otherinvite"), Err(ProtoError::Decrypt));
    }

    #[test]
    fn audit_entries_open_only_on_a_supervisors_device() {
        let team = keys();
        let mut rng = crypto_box::aead::OsRng;
        for role in [WireRole::Officer, WireRole::Outreach, WireRole::Supervisor] {
            let writer = team.for_role(role);
            let text = writer.seal_audit(&mut rng, "audit:dev", b"{\"seq\":1}").expect("any role seals");
            assert!(!text.contains("seq"));
            assert_eq!(team.open(&text), Ok(("audit:dev".to_owned(), b"{\"seq\":1}".to_vec())));
            assert_eq!(team.for_role(WireRole::Outreach).open(&text), Err(ProtoError::Decrypt));
            assert_eq!(team.for_role(WireRole::Officer).open(&text), Err(ProtoError::Decrypt));
        }
        // Keys made before the audit log (no audit_public) still derive it on a
        // supervisor's device.
        let mut old = team.clone();
        old.audit_public = None;
        assert_eq!(old.audit_public().expect("derived"), team.audit_public().expect("stored"));
    }

    #[test]
    fn a_new_epoch_locks_out_the_old_keys() {
        let team = keys();
        let next = team.next(&[5; 96]).expect("a supervisor makes the next epoch");
        assert_eq!(next.epoch, 2);
        assert_eq!(next.routing, team.routing, "opaque ids stay stable");
        let text = next.seal(KeyClass::Case, [4; 24], "person:p", b"after").expect("seal");
        assert_eq!(team.open(&text), Err(ProtoError::Decrypt), "epoch 1 keys cannot open epoch 2");
        let mut forged = team.clone();
        forged.epoch = 2;
        assert_eq!(forged.open(&text), Err(ProtoError::Decrypt), "relabelling old keys does not help");
        let mut ring = Keyring::new(team.clone());
        let before = team.seal(KeyClass::Case, [3; 24], "person:p", b"before").expect("seal");
        assert!(ring.add(next.clone()).expect("same team"));
        assert!(!ring.add(next.clone()).expect("same team"), "an epoch is added once");
        assert_eq!(ring.epoch(), 2);
        assert_eq!(ring.open(&before).expect("old").1, b"before");
        assert_eq!(ring.open(&text).expect("new").1, b"after");
        let audit =
            ring.current().for_role(WireRole::Officer).seal_audit(&mut crypto_box::aead::OsRng, "audit:d", b"x");
        assert!(team.open(&audit.expect("seal")).is_err(), "nor audit entries of the new epoch");
        assert!(team.for_role(WireRole::Outreach).next(&[1; 96]).is_err(), "only a supervisor rotates");
        let mut other = keys();
        other.routing = Key([0xEE; 32]);
        assert!(ring.add(other).is_err(), "another team's keys are refused");
    }

    #[test]
    fn envelopes_open_only_with_the_devices_secret() {
        let device = DeviceKeyPair::from_bytes([8; 32]);
        let stranger = DeviceKeyPair::from_bytes([9; 32]);
        let next = keys().next(&[6; 96]).expect("next").for_role(WireRole::Outreach);
        let sealed = seal_envelope(&mut crypto_box::aead::OsRng, &device.public(), &next).expect("seal");
        assert_eq!(device.open_envelope(&sealed), Ok(next));
        assert_eq!(stranger.open_envelope(&sealed), Err(ProtoError::Decrypt));
        crate::wire::check_public_key(&device.public()).expect("a wire public key");
        assert_eq!(DeviceKeyPair::from_bytes(device.to_bytes()).public(), device.public());
        assert!(format!("{device:?}").contains('…'));
    }

    #[test]
    fn keys_never_print() {
        assert_eq!(format!("{:?}", Key([1; 32])), "Key(…)");
    }
}

//! Sealing: what makes the relay unable to read anything it stores.
//!
//! A team has keys per audience class — `officer` (team settings, officer cards,
//! referrals), `case` (profiles, contacts, notes) and `supervisor` (the audit log) —
//! and a `routing` key that turns real document ids and change hashes into opaque
//! tokens. Each entry is sealed with XChaCha20-Poly1305 under its class key, with a
//! random 192-bit nonce supplied by the caller. Invitations are sealed under a key
//! derived with HKDF-SHA256 from the code's secret part, which the relay never sees.
//! No home-made primitives: RustCrypto's AEAD, HKDF and HMAC.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
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

/// Which key seals an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyClass {
    Officer,
    Case,
    Supervisor,
}

impl KeyClass {
    fn tag(self) -> u8 {
        match self {
            KeyClass::Officer => 1,
            KeyClass::Case => 2,
            KeyClass::Supervisor => 3,
        }
    }

    fn from_tag(tag: u8) -> Result<Self> {
        match tag {
            1 => Ok(KeyClass::Officer),
            2 => Ok(KeyClass::Case),
            3 => Ok(KeyClass::Supervisor),
            _ => Err(ProtoError::Decrypt),
        }
    }
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
}

impl TeamKeys {
    /// New team keys from 128 random bytes supplied by the caller.
    pub fn from_random(bytes: &[u8; 128]) -> Self {
        let key = |i: usize| {
            let mut k = [0u8; 32];
            k.copy_from_slice(&bytes[i * 32..(i + 1) * 32]);
            Key(k)
        };
        Self { epoch: 1, routing: key(0), officer: key(1), case: Some(key(2)), supervisor: Some(key(3)) }
    }

    /// Exactly the keys a device of `role` may hold.
    pub fn for_role(&self, role: WireRole) -> TeamKeys {
        TeamKeys {
            epoch: self.epoch,
            routing: self.routing.clone(),
            officer: self.officer.clone(),
            case: matches!(role, WireRole::Outreach | WireRole::Supervisor).then(|| self.case.clone()).flatten(),
            supervisor: matches!(role, WireRole::Supervisor).then(|| self.supervisor.clone()).flatten(),
        }
    }

    fn key(&self, class: KeyClass) -> Option<&Key> {
        match class {
            KeyClass::Officer => Some(&self.officer),
            KeyClass::Case => self.case.as_ref(),
            KeyClass::Supervisor => self.supervisor.as_ref(),
        }
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
        let doc = doc_id.as_bytes();
        let len = u16::try_from(doc.len()).map_err(|_| ProtoError::Invalid("document id too long".into()))?;
        let mut plain = Vec::with_capacity(2 + doc.len() + change.len());
        plain.extend_from_slice(&len.to_be_bytes());
        plain.extend_from_slice(doc);
        plain.extend_from_slice(change);
        let aad = [b'W', b'M', 1, class.tag()];
        let cipher = XChaCha20Poly1305::new((&key.0).into());
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: &aad })
            .map_err(|_| ProtoError::Invalid("could not seal".into()))?;
        plain.zeroize();
        let mut out = Vec::with_capacity(2 + 24 + sealed.len());
        out.extend_from_slice(&[1, class.tag()]);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(B64.encode(out))
    }

    /// Opens a sealed entry: the real document id and the change bytes.
    pub fn open(&self, text: &str) -> Result<(String, Vec<u8>)> {
        let bytes = B64.decode(text.as_bytes()).map_err(|_| ProtoError::Decrypt)?;
        if bytes.len() < 2 + 24 + 16 || bytes[0] != 1 {
            return Err(ProtoError::Decrypt);
        }
        let class = KeyClass::from_tag(bytes[1])?;
        let key = self.key(class).ok_or(ProtoError::Decrypt)?;
        let aad = [b'W', b'M', 1, class.tag()];
        let cipher = XChaCha20Poly1305::new((&key.0).into());
        let plain = cipher
            .decrypt(XNonce::from_slice(&bytes[2..26]), Payload { msg: &bytes[26..], aad: &aad })
            .map_err(|_| ProtoError::Decrypt)?;
        if plain.len() < 2 {
            return Err(ProtoError::Decrypt);
        }
        let len = usize::from(u16::from_be_bytes([plain[0], plain[1]]));
        let doc = plain.get(2..2 + len).ok_or(ProtoError::Decrypt)?;
        let doc = String::from_utf8(doc.to_vec()).map_err(|_| ProtoError::Decrypt)?;
        Ok((doc, plain[2 + len..].to_vec()))
    }
}

/// What an invitation carries to a new device: its keys and the team's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPayload {
    pub team_id: String,
    pub keys: TeamKeys,
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
        let payload = InvitationPayload { team_id: "t1".into(), keys: keys().for_role(WireRole::Outreach) };
        let sealed = seal_invitation(&payload, "secretpart", "inviteid", [7; 24]).expect("seal");
        assert_eq!(open_invitation(&sealed, "secretpart", "inviteid"), Ok(payload));
        assert_eq!(open_invitation(&sealed, "wrongsecret", "inviteid"), Err(ProtoError::Decrypt));
        assert_eq!(open_invitation(&sealed, "secretpart", "otherinvite"), Err(ProtoError::Decrypt));
    }

    #[test]
    fn keys_never_print() {
        assert_eq!(format!("{:?}", Key([1; 32])), "Key(…)");
    }
}

//! Key rotation after a revocation. Each device made an X25519 key pair at enrollment
//! and gave the relay its public half. When a supervisor revokes a device, its device
//! makes the team's next key epoch (`TeamKeys::next`) and seals it to every remaining
//! enrolled device's public key (`POST /v1/keys`); devices fetch their envelope
//! (`GET /v1/keys`) before they next seal anything, and when a pull says one is
//! waiting. Entries name their epoch, so old entries still open with the old keys,
//! while a revoked device's keys open nothing written after the rotation.
//!
//! The next epoch's keys are kept locally before they are sent, so a rotation cut
//! short is finished at the next sync with the same keys, never a second, different
//! epoch of the same number.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::Serialize;
use std::collections::HashMap;
use ts_rs::TS;

use waymark_domain::audit::{AuditAction, AuditEntry};
use waymark_sync_proto::seal::{DeviceKeyPair, Keyring, TeamKeys, seal_envelope};
use waymark_sync_proto::wire::{
    DeviceInfo, DeviceListResponse, KeyEnvelope, KeysResponse, MAX_ENVELOPES, PROTOCOL_VERSION, PutKeysRequest,
    PutKeysResponse, WireDeviceStatus,
};

use crate::Device;
use crate::error::{DeviceError, Result};
use crate::sync::{LOCAL_DEVICE_KEY, LOCAL_KEYS, random};
use crate::transport::Relay;

/// The next epoch's keys while a rotation is under way (empty when none is).
pub(crate) const LOCAL_ROTATE: &str = "sync.rotate_next";

/// What a rotation did.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct RotationView {
    /// The epoch this device now seals with.
    pub key_epoch: u32,
    /// Devices the new epoch was sealed to.
    pub rekeyed: usize,
    /// Enrolled devices that could not be given it: enrolled before devices had key
    /// pairs, or whose public key this device cannot yet check (their enrollment
    /// entry has not reached it, or it does not match what the relay lists). A later
    /// sync hands the keys to those that check out.
    pub not_rekeyed: Vec<String>,
    /// The rotation could not be finished (the relay went away after the
    /// revocation); it is finished at this device's next sync.
    pub pending: bool,
}

pub(crate) fn secret_text(pair: &DeviceKeyPair) -> String {
    B64.encode(pair.to_bytes())
}

fn corrupt(what: &str) -> DeviceError {
    DeviceError::Store(waymark_store::StoreError::Corrupt(format!("{what} is unreadable")))
}

/// The public key the relay lists for `d`, if the device's own enrollment entry (in
/// the audit log, sealed to supervisors, so the relay can neither read nor forge it)
/// names the same key and role.
fn checked_key<'a>(d: &'a DeviceInfo, known: &HashMap<String, (String, String)>) -> Option<&'a str> {
    let listed = d.public_key.as_deref()?;
    let (key, role) = known.get(&d.device_id)?;
    (key == listed && role == d.role.as_str()).then_some(listed)
}

impl Device {
    /// Each device's public key and role as its own enrollment entry states them.
    fn enrolled_keys(&self) -> Result<HashMap<String, (String, String)>> {
        let mut out = HashMap::new();
        for stored in self.store.audit_entries()? {
            let Some(e) = AuditEntry::parse(&stored.text) else { continue };
            if e.action != AuditAction::Enroll.as_str() || e.device_id.to_string() != stored.device_id {
                continue;
            }
            if let Some(key) = e.detail.get("public_key").and_then(|k| k.as_str()) {
                out.insert(stored.device_id.clone(), (key.to_owned(), e.role.clone()));
            }
        }
        Ok(out)
    }

    fn device_pair(&self) -> Result<Option<DeviceKeyPair>> {
        let Some(text) = self.store.query().local(LOCAL_DEVICE_KEY)? else { return Ok(None) };
        let bytes = B64.decode(text.as_bytes()).map_err(|_| corrupt("the device key"))?;
        let arr: [u8; 32] = bytes.try_into().map_err(|_| corrupt("the device key"))?;
        Ok(Some(DeviceKeyPair::from_bytes(arr)))
    }

    fn save_keys(
        &mut self,
        ring: &Keyring,
        extra: impl FnOnce(&mut waymark_store::Writer<'_, '_>) -> Result<()>,
    ) -> Result<()> {
        let text = serde_json::to_string(ring).map_err(|_| corrupt("the key ring"))?;
        self.store.write(|w| {
            w.set_local(LOCAL_KEYS, &text)?;
            extra(w)
        })
    }

    /// Fetches the key epochs the relay holds for this device beyond the newest it
    /// has, and keeps them. Returns how many were new.
    pub(crate) async fn fetch_keys(&mut self, relay: &Relay) -> Result<usize> {
        let Some(pair) = self.device_pair()? else { return Ok(0) };
        let mut ring = self.keys()?;
        let answer: KeysResponse = relay.get(&format!("/v1/keys?after={}", ring.epoch())).await?;
        let mut added = 0;
        for envelope in &answer.envelopes {
            let keys = pair
                .open_envelope(&envelope.sealed)
                .map_err(|_| DeviceError::RelayRefused("a key envelope does not open with this device's key".into()))?;
            if keys.epoch != envelope.epoch {
                return Err(DeviceError::RelayRefused("a key envelope holds another epoch than it names".into()));
            }
            if ring.add(keys)? {
                added += 1;
            }
        }
        if added > 0 {
            self.save_keys(&ring, |_| Ok(()))?;
        }
        Ok(added)
    }

    /// Makes (or, after an interruption, takes up again) the next key epoch and seals
    /// it to every remaining enrolled device; then seals with it from now on.
    pub(crate) async fn finish_rotation(&mut self, relay: &Relay) -> Result<RotationView> {
        let mut ring = self.keys()?;
        let pending = self.store.query().local(LOCAL_ROTATE)?.filter(|t| !t.is_empty());
        let next: TeamKeys = match pending.as_deref().map(serde_json::from_str::<TeamKeys>) {
            Some(Ok(keys)) if keys.epoch == ring.epoch() + 1 => keys,
            _ => {
                let keys = ring.current().next(&random::<96>()?)?;
                let text = serde_json::to_string(&keys).map_err(|_| corrupt("the next keys"))?;
                self.store.set_local(LOCAL_ROTATE, &text)?;
                keys
            }
        };
        let devices: DeviceListResponse = relay.get("/v1/devices").await?;
        let me = self.device_id().to_string();
        let known = self.enrolled_keys()?;
        let mut envelopes = Vec::new();
        let mut not_rekeyed = Vec::new();
        let mut rng = crypto_box::aead::OsRng;
        for d in devices.devices.iter().filter(|d| d.status == WireDeviceStatus::Active && d.device_id != me) {
            match checked_key(d, &known) {
                Some(public) => envelopes.push(KeyEnvelope {
                    device_id: d.device_id.clone(),
                    epoch: next.epoch,
                    sealed: seal_envelope(&mut rng, public, &next.for_role(d.role))?,
                }),
                None => not_rekeyed.push(d.device_id.clone()),
            }
        }
        let rekeyed = envelopes.len();
        for chunk in envelopes.chunks(MAX_ENVELOPES) {
            let _: PutKeysResponse =
                relay.post("/v1/keys", &PutKeysRequest { v: PROTOCOL_VERSION, envelopes: chunk.to_vec() }).await?;
        }
        ring.add(next)?;
        let audit = self
            .audit_draft(AuditAction::RotateKeys, ring.epoch().to_string())
            .detail("rekeyed", rekeyed)
            .detail("not_rekeyed", not_rekeyed.clone());
        self.save_keys(&ring, |w| {
            w.set_local(LOCAL_ROTATE, "")?;
            w.audit(audit)?;
            Ok(())
        })?;
        Ok(RotationView { key_epoch: ring.epoch(), rekeyed, not_rekeyed, pending: false })
    }

    /// Seals the key epochs after the first to enrolled devices that lack them (a
    /// device invited before a rotation and enrolled after it). Nothing to do, and no
    /// request, for a team that never rotated.
    pub(crate) async fn hand_out_keys(&mut self, relay: &Relay) -> Result<usize> {
        let ring = self.keys()?;
        if ring.epoch() <= 1 {
            return Ok(0);
        }
        let devices: DeviceListResponse = relay.get("/v1/devices").await?;
        let me = self.device_id().to_string();
        let behind: Vec<&DeviceInfo> = devices
            .devices
            .iter()
            .filter(|d| d.status == WireDeviceStatus::Active && d.device_id != me)
            .filter(|d| d.key_epoch.unwrap_or(1) < ring.epoch())
            .collect();
        // The usual sync: everyone holds the current epoch, and the audit log (every
        // device's entries) need not be read.
        if behind.is_empty() {
            return Ok(0);
        }
        let mut envelopes = Vec::new();
        let mut rng = crypto_box::aead::OsRng;
        let known = self.enrolled_keys()?;
        for d in behind {
            let Some(public) = checked_key(d, &known) else { continue };
            let held = d.key_epoch.unwrap_or(1);
            for keys in ring.epochs.iter().filter(|k| k.epoch > held && k.epoch >= 2) {
                envelopes.push(KeyEnvelope {
                    device_id: d.device_id.clone(),
                    epoch: keys.epoch,
                    sealed: seal_envelope(&mut rng, public, &keys.for_role(d.role))?,
                });
            }
        }
        for chunk in envelopes.chunks(MAX_ENVELOPES) {
            let _: PutKeysResponse =
                relay.post("/v1/keys", &PutKeysRequest { v: PROTOCOL_VERSION, envelopes: chunk.to_vec() }).await?;
        }
        Ok(envelopes.len())
    }
}

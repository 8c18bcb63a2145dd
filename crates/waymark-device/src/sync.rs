//! Enrollment, invitations, revocation and sync: the device's side of the relay.
//!
//! Keys stay here. Each local change is sealed with the key of its document's audience
//! class and sent under an opaque document id; the relay routes by the audience this
//! module computes from the document. A pulled page is applied in one store
//! transaction together with the new cursor, so an interrupted sync resumes from the
//! last applied page.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;
use waymark_domain::audit::AuditAction;
use waymark_domain::role::Role;
use waymark_domain::team::TeamSettings;
use waymark_domain::{DeviceId, PersonId, ReferralId};
use waymark_store::{DeviceMeta, DocId, DocKind, Store, codec};
use waymark_sync_proto::code::InviteCode;
use waymark_sync_proto::seal::{
    DeviceKeyPair, InvitationPayload, KeyClass, Keyring, TeamKeys, open_invitation, seal_invitation,
};
use waymark_sync_proto::session::{Session, Step};
use waymark_sync_proto::wire::{
    Audience, EnrollRequest, EnrollResponse, InviteRequest, InviteResponse, PROTOCOL_VERSION, PullResponse, PushEntry,
    PushResponse, RevokeResponse, WireRole,
};

use crate::error::{DeviceError, Result};
use crate::rotation::RotationView;
use crate::transport::Relay;
use crate::{Device, system_clock, system_time_zone};
use waymark_domain::role::Action;

pub(crate) const LOCAL_RELAY: &str = "sync.relay";
const LOCAL_TOKEN: &str = "sync.token";
/// The relay certificate(s) this device trusts instead of the system's roots (PEM).
const LOCAL_CA: &str = "sync.ca";
pub(crate) const LOCAL_KEYS: &str = "sync.keys";
/// This device's own X25519 secret (base64url), made at enrollment.
pub(crate) const LOCAL_DEVICE_KEY: &str = "sync.device_key";
const LOCAL_CURSOR: &str = "sync.cursor";
const LOCAL_LAST: &str = "sync.last";

#[derive(Debug, Clone, Serialize, TS)]
pub struct EnrollView {
    #[ts(type = "string")]
    pub device_id: DeviceId,
    pub team_id: String,
    pub role: String,
}

/// One of the team's devices (`device list`).
#[derive(Debug, Clone, Serialize, TS)]
pub struct DeviceView {
    pub device_id: String,
    pub role: String,
    pub label: String,
    /// `pending` (invited), `active` (enrolled) or `revoked`.
    pub status: String,
    pub created_at: String,
    pub enrolled_at: Option<String>,
    pub last_sync_at: Option<String>,
    pub revoked_at: Option<String>,
    /// The newest key epoch the relay holds for it (1: the invitation's).
    pub key_epoch: u32,
    pub this_device: bool,
}

/// The answer of `device revoke`: the contract's two fields, then the key rotation.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RevokeView {
    pub device_id: String,
    pub revoked: bool,
    pub rotation: RotationView,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct InviteView {
    pub device_id: String,
    pub code: String,
    pub expires_at: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SyncView {
    /// Record changes pushed (audit entries are counted in `audit_pushed`).
    pub pushed: usize,
    pub pulled: usize,
    pub documents: i64,
    pub pending: i64,
    pub purged: usize,
    /// Entries this device holds no key for (sealed for another audience class): never
    /// stored, counted so a misrouting relay is noticed.
    pub unreadable: usize,
    /// This device's audit entries pushed (sealed to supervisors).
    pub audit_pushed: usize,
    /// The team key epoch this device seals with after the sync.
    pub key_epoch: u32,
    /// The pull stopped at entries sealed under a newer key epoch that no supervisor
    /// has handed this device yet; they are applied at a later sync.
    pub waiting_for_keys: bool,
}

/// Progress of a sync, for a status line or the app.
#[derive(Debug, Clone, Copy)]
pub enum SyncProgress {
    Pushed(usize),
    Pulled(usize),
}

pub(crate) fn random<const N: usize>() -> Result<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| DeviceError::RelayRefused(format!("no randomness: {e}")))?;
    Ok(buf)
}

fn wire_role(role: Role) -> WireRole {
    match role {
        Role::Officer => WireRole::Officer,
        Role::Outreach => WireRole::Outreach,
        Role::Supervisor => WireRole::Supervisor,
    }
}

fn domain_role(role: WireRole) -> Role {
    match role {
        WireRole::Officer => Role::Officer,
        WireRole::Outreach => Role::Outreach,
        WireRole::Supervisor => Role::Supervisor,
    }
}

fn parse_uuid(what: &str, text: &str) -> Result<Uuid> {
    Uuid::parse_str(text).map_err(|_| DeviceError::RelayRefused(format!("the relay sent a malformed {what}")))
}

impl Device {
    /// Enrolls a new device with a relay using an invitation code. The team's first
    /// supervisor device (a code from `waymark-relay team create`) makes the team keys;
    /// every other device gets exactly its role's keys from the sealed invitation.
    ///
    /// `ca_pem`, for a relay whose TLS certificate the system does not trust (its own,
    /// self-signed): the PEM certificate(s) to trust for this relay instead of the
    /// system's roots, from now on (kept in the store's local values).
    pub async fn enroll(
        dir: &Path,
        passphrase: &str,
        relay_url: &str,
        code: &str,
        ca_pem: Option<&str>,
    ) -> Result<(Device, EnrollView)> {
        let code: InviteCode = code.parse()?;
        if dir.join(waymark_store::DB_FILE).exists() {
            return Err(waymark_store::StoreError::AlreadyInitialized(dir.into()).into());
        }
        waymark_store::keys_check_passphrase(passphrase)?;
        let relay = Relay::new(relay_url, None, ca_pem)?;
        let pair = DeviceKeyPair::from_bytes(random::<32>()?);
        let request = EnrollRequest {
            v: PROTOCOL_VERSION,
            invite: code.invite.clone(),
            check: code.check.clone(),
            public_key: Some(pair.public()),
        };
        let answer: EnrollResponse = relay.post("/v1/enroll", &request).await?;
        let keys = match (&answer.sealed, &code.secret) {
            (None, _) if answer.role == WireRole::Supervisor => Keyring::new(TeamKeys::from_random(&random::<128>()?)),
            (Some(sealed), Some(secret)) => {
                let payload = open_invitation(sealed, secret, &code.check)
                    .map_err(|_| DeviceError::RelayRefused("the invitation does not open with this code".into()))?;
                if payload.team_id != answer.team_id {
                    return Err(DeviceError::RelayRefused("the invitation is for another team".into()));
                }
                let mut ring = Keyring::new(payload.keys);
                for earlier in payload.earlier {
                    ring.add(earlier)?;
                }
                ring
            }
            _ => return Err(DeviceError::RelayRefused("the relay's answer does not match this code".into())),
        };
        // The role the relay names must be the one the sealed keys are for: a relay
        // cannot talk a phone into believing it holds more than it was given.
        if keys.current().for_role(answer.role) != *keys.current() {
            return Err(DeviceError::RelayRefused("the relay's role does not match the invitation's keys".into()));
        }
        let role = domain_role(answer.role);
        let clock = system_clock();
        let meta = DeviceMeta {
            device_id: DeviceId::from_uuid(parse_uuid("device id", &answer.device_id)?),
            role,
            team_id: parse_uuid("team id", &answer.team_id)?,
            user_name: Some(answer.label.clone()),
            user_phone: None,
            created_at: clock(),
        };
        let keys_json = serde_json::to_string(&keys).map_err(|e| DeviceError::RelayRefused(e.to_string()))?;
        let mut store = Store::create(dir, passphrase, meta.clone())?;
        // The public key goes on the record too: sealed to supervisors, it is what a
        // supervisor checks the relay's device list against before sealing new keys.
        let enrolled = waymark_domain::audit::AuditDraft::new(clock(), AuditAction::Enroll, answer.team_id.clone())
            .detail("relay", relay.base())
            .detail("key_epoch", keys.epoch())
            .detail("public_key", pair.public());
        let device_key = crate::rotation::secret_text(&pair);
        store.write(|w| {
            w.audit(enrolled)?;
            w.set_local(LOCAL_DEVICE_KEY, &device_key)?;
            w.set_local(LOCAL_RELAY, relay.base())?;
            w.set_local(LOCAL_TOKEN, &answer.token)?;
            if let Some(pem) = ca_pem {
                w.set_local(LOCAL_CA, pem)?;
            }
            w.set_local(LOCAL_KEYS, &keys_json)?;
            w.set_local(LOCAL_CURSOR, "0")?;
            if answer.sealed.is_none() {
                // The first supervisor writes the team's settings document.
                let settings = TeamSettings { time_zone: system_time_zone(), ..TeamSettings::default() };
                w.update(DocId::new(DocKind::Team, meta.team_id), |d| codec::write_team(d, &settings))?;
            }
            Ok::<_, DeviceError>(())
        })?;
        let view =
            EnrollView { device_id: meta.device_id, team_id: answer.team_id.clone(), role: role.as_str().into() };
        Ok((Device { store, clock }, view))
    }

    fn relay(&self) -> Result<Relay> {
        let q = self.store.query();
        let base = q.local(LOCAL_RELAY)?.ok_or(DeviceError::NotEnrolled)?;
        let token = q.local(LOCAL_TOKEN)?.ok_or(DeviceError::NotEnrolled)?;
        // Empty: returned to the system's roots by `relay_trust`.
        let ca = q.local(LOCAL_CA)?.filter(|pem| !pem.is_empty());
        Relay::new(&base, Some(token), ca.as_deref())
    }

    /// Every key epoch this device holds (a store enrolled before key rotation holds
    /// one `TeamKeys`, read as a ring of one).
    pub(crate) fn keys(&self) -> Result<Keyring> {
        let text = self.store.query().local(LOCAL_KEYS)?.ok_or(DeviceError::NotEnrolled)?;
        let corrupt =
            |e: serde_json::Error| DeviceError::Store(waymark_store::StoreError::Corrupt(format!("keys: {e}")));
        match serde_json::from_str::<Keyring>(&text) {
            Ok(ring) if !ring.epochs.is_empty() => Ok(ring),
            _ => serde_json::from_str::<TeamKeys>(&text).map(Keyring::new).map_err(corrupt),
        }
    }

    /// Invites a new device (supervisor, online): the relay stores an invitation
    /// sealed under the code's secret part, holding exactly the keys `role` may have.
    pub async fn device_invite(&mut self, role: &str, label: &str) -> Result<InviteView> {
        self.require(Action::DeviceAdmin, "invite devices")?;
        let role: Role = role.parse()?;
        let label = label.trim();
        if label.is_empty() {
            return Err(waymark_domain::ValidationError::Empty("label").into());
        }
        if label.chars().count() > 100 {
            // The relay's limit, said here rather than as its refusal.
            return Err(waymark_domain::ValidationError::TooLong { field: "label", max: 100 }.into());
        }
        let relay = self.relay()?;
        let keys = self.keys()?.for_role(wire_role(role));
        let code = InviteCode::from_random(random::<10>()?, random::<10>()?, Some(random::<20>()?));
        let secret = code.secret.clone().unwrap_or_default();
        let (current, earlier) = keys.epochs.split_last().ok_or(DeviceError::NotEnrolled)?;
        let payload = InvitationPayload {
            team_id: self.store.meta().team_id.to_string(),
            keys: current.clone(),
            earlier: earlier.to_vec(),
        };
        let sealed = seal_invitation(&payload, &secret, &code.check, random::<24>()?)?;
        let request = InviteRequest {
            v: PROTOCOL_VERSION,
            role: wire_role(role),
            label: label.to_owned(),
            check_hash: InviteCode::check_hash(&code.check),
            sealed,
            expires_in_days: None,
        };
        let answer: InviteResponse = relay.post("/v1/invitations", &request).await?;
        let full = InviteCode { invite: answer.invite.clone(), check: code.check, secret: Some(secret) };
        // The relay's invitation id must itself be a valid code part.
        let full: InviteCode = full.to_string().parse()?;
        let audit = self.audit_draft(AuditAction::Invite, answer.device_id.clone()).detail("role", role.as_str());
        self.audit_now(audit)?;
        Ok(InviteView { device_id: answer.device_id, code: full.to_string(), expires_at: answer.expires_at })
    }

    /// Revokes a device (supervisor, online): its token stops working at once. Then
    /// the team's next key epoch is made and handed to every remaining enrolled device,
    /// so what is written from now on is unreadable with the revoked device's keys.
    /// If that second step fails (the relay went away), it is retried at every sync.
    pub async fn device_revoke(&mut self, device_id: &str) -> Result<RevokeView> {
        self.require(Action::DeviceAdmin, "revoke devices")?;
        let id: DeviceId = device_id.parse()?;
        let relay = self.relay()?;
        // The rotation is made due before the relay is asked: when its answer is lost
        // (connection dropped, app locked), the device may be revoked all the same, and
        // the next sync must still rotate. A rotation already due keeps its next keys
        // (some devices may hold them already).
        let already_due = self.store.query().local(crate::rotation::LOCAL_ROTATE)?.is_some_and(|t| !t.is_empty());
        if !already_due {
            self.store.set_local(crate::rotation::LOCAL_ROTATE, "1")?;
        }
        let answer: RevokeResponse = match relay.post(&format!("/v1/devices/{id}/revoke"), &serde_json::json!({})).await
        {
            Ok(answer) => answer,
            Err(e) => {
                // A refusal is an answer: nothing was revoked, so nothing to rotate.
                if !already_due && !matches!(e, DeviceError::RelayUnreachable(_)) {
                    self.store.set_local(crate::rotation::LOCAL_ROTATE, "")?;
                }
                return Err(e);
            }
        };
        let audit = self.audit_draft(AuditAction::Revoke, id.to_string());
        self.store.write(|w| w.audit(audit))?;
        let rotation = match self.finish_rotation(&relay).await {
            Ok(r) => r,
            // Revoked all the same; the next sync finishes the rotation.
            Err(DeviceError::RelayUnreachable(_)) => {
                RotationView { key_epoch: self.keys()?.epoch(), pending: true, ..RotationView::default() }
            }
            Err(e) => return Err(e),
        };
        Ok(RevokeView { device_id: answer.device_id, revoked: answer.revoked, rotation })
    }

    /// The team's devices as the relay knows them (supervisor, online).
    pub async fn device_list(&mut self) -> Result<Vec<DeviceView>> {
        self.require(Action::DeviceAdmin, "list the team's devices")?;
        let relay = self.relay()?;
        let answer: waymark_sync_proto::wire::DeviceListResponse = relay.get("/v1/devices").await?;
        let me = self.device_id().to_string();
        Ok(answer
            .devices
            .into_iter()
            .map(|d| DeviceView {
                this_device: d.device_id == me,
                device_id: d.device_id,
                role: d.role.as_str().to_owned(),
                label: d.label,
                status: match d.status {
                    waymark_sync_proto::wire::WireDeviceStatus::Pending => "pending",
                    waymark_sync_proto::wire::WireDeviceStatus::Active => "active",
                    waymark_sync_proto::wire::WireDeviceStatus::Revoked => "revoked",
                }
                .to_owned(),
                created_at: d.created_at,
                enrolled_at: d.enrolled_at,
                last_sync_at: d.last_sync_at,
                revoked_at: d.revoked_at,
                key_epoch: d.key_epoch.unwrap_or(1),
            })
            .collect())
    }

    /// Who may receive a document, and which key seals it.
    fn route(&self, doc: DocId) -> Result<(Audience, KeyClass)> {
        let case = vec![WireRole::Outreach, WireRole::Supervisor];
        Ok(match doc.kind {
            DocKind::Team => (
                Audience { roles: vec![WireRole::Officer, WireRole::Outreach, WireRole::Supervisor], devices: vec![] },
                KeyClass::Officer,
            ),
            DocKind::Card => {
                let card = self.store.query().card(PersonId::from_uuid(doc.id))?;
                // While a law-enforcement consent is in force (at the relay's time of
                // the last sync), every officer; otherwise only the referring one.
                let at = self.sharing_time()?;
                let shared = card.as_ref().and_then(|c| c.shared_with_officers_until).is_some_and(|s| s.in_force(at));
                let devices = card.and_then(|c| c.referred_by).map(|d| vec![d.to_string()]).unwrap_or_default();
                let mut roles = case;
                if shared {
                    roles.push(WireRole::Officer);
                }
                (Audience { roles, devices }, KeyClass::Officer)
            }
            DocKind::Referral => {
                let referral = self.store.query().referral(ReferralId::from_uuid(doc.id))?;
                let devices = referral
                    .filter(|r| r.referrer_role == Role::Officer.as_str())
                    .map(|r| vec![r.referred_by.to_string()])
                    .unwrap_or_default();
                (Audience { roles: case, devices }, KeyClass::Officer)
            }
            DocKind::Person | DocKind::Encounter | DocKind::Note => {
                (Audience { roles: case, devices: vec![] }, KeyClass::Case)
            }
        })
    }

    /// Pushes every local change, then pulls everything new; one call is one sync.
    /// Consent expiry is then applied at the relay's time; a case device pushes the
    /// cards it withdrew from officers in the same sync. A supervisor's device also
    /// finishes a key rotation left unfinished and hands the current key epoch to
    /// devices that enrolled without it.
    pub async fn sync(&mut self, mut progress: impl FnMut(SyncProgress)) -> Result<SyncView> {
        let relay = self.relay()?;
        let result = self.sync_inner(&relay, &mut progress).await;
        let round = match result {
            Ok(r) => r,
            Err(DeviceError::DeviceRevoked) => {
                let dir = self.store.dir().to_path_buf();
                waymark_store::wipe(&dir)?;
                return Err(DeviceError::DeviceRevoked);
            }
            Err(e) => return Err(e),
        };
        if round.pushed + round.pulled + round.purged > 0 {
            // What moved is on the record. The entry goes out with the next push of
            // anything else, and a sync that moves only audit entries records nothing,
            // so an idle sync stays idle.
            let audit = self
                .audit_draft(AuditAction::Sync, relay.base().to_owned())
                .detail("pushed", round.pushed)
                .detail("pulled", round.pulled)
                .detail("purged", round.purged);
            self.audit_now(audit)?;
        }
        let now = self.now().to_string();
        self.store.set_local(LOCAL_LAST, &now)?;
        Ok(SyncView {
            pushed: round.pushed,
            pulled: round.pulled,
            documents: self.store.doc_count()?,
            pending: self.store.pending_changes()?,
            purged: round.purged,
            unreadable: round.unreadable,
            audit_pushed: round.audit_pushed,
            key_epoch: self.keys()?.epoch(),
            waiting_for_keys: round.waiting_for_keys,
        })
    }

    async fn sync_inner(&mut self, relay: &Relay, progress: &mut impl FnMut(SyncProgress)) -> Result<Round> {
        if self.role() == Role::Supervisor
            && self.store.query().local(crate::rotation::LOCAL_ROTATE)?.is_some_and(|t| !t.is_empty())
        {
            self.finish_rotation(relay).await?;
        }
        let mut round = self.sync_round(relay, progress).await?;
        if self.role() == Role::Supervisor {
            // After the pull, so enrollment records that just arrived count.
            self.hand_out_keys(relay).await?;
        }
        let changed = self.apply_consent_expiry()?;
        if changed > 0 && self.role() != Role::Officer {
            let second = self.sync_round(relay, progress).await?;
            round.add(second);
        } else {
            round.purged += changed;
        }
        Ok(round)
    }

    /// One push-then-pull exchange with the relay.
    async fn sync_round(&mut self, relay: &Relay, progress: &mut impl FnMut(SyncProgress)) -> Result<Round> {
        let cursor: u64 = self.store.query().local(LOCAL_CURSOR)?.and_then(|c| c.parse().ok()).unwrap_or(0);
        let outbox = self.store.outbox(usize::MAX)?;
        let mut audit_outbox = self.store.audit_outbox()?;
        // Entries that only say "synced" ride along with the next real push, so an
        // idle sync stays one small pull (the relay keeps its own record of syncs).
        let only_syncs = audit_outbox.iter().all(|e| {
            waymark_domain::audit::AuditEntry::parse(&e.text).is_some_and(|a| a.action == AuditAction::Sync.as_str())
        });
        if outbox.is_empty() && only_syncs {
            audit_outbox.clear();
        }
        if !outbox.is_empty() || !audit_outbox.is_empty() {
            // Seal with the newest epoch the relay holds for this device, so nothing
            // written after a rotation goes out under the old keys.
            self.fetch_keys(relay).await?;
        }
        let keys = self.keys()?;
        let current = keys.current();
        let mut entries = Vec::with_capacity(outbox.len() + audit_outbox.len());
        let mut by_hash = std::collections::HashMap::new();
        for change in &outbox {
            let (audience, class) = self.route(change.doc)?;
            let doc_text = change.doc.to_string();
            let hash = current.opaque_hash(&doc_text, &change.hash);
            let ciphertext = current.seal(class, random::<24>()?, &doc_text, &change.bytes)?;
            by_hash.insert(hash.clone(), Pushed::Change(change.doc, change.hash.clone()));
            entries.push(PushEntry {
                doc: current.opaque_doc(&doc_text),
                audience: audience.normalized(),
                hash,
                ciphertext,
            });
        }
        let me = self.device_id().to_string();
        let audit_doc = format!("{}{}", crate::audit::AUDIT_DOC, self.device_id().as_uuid().hyphenated());
        let audit_audience = Audience { roles: vec![WireRole::Supervisor], devices: vec![me.clone()] }.normalized();
        let mut rng = crypto_box::aead::OsRng;
        for entry in &audit_outbox {
            let hash = current.opaque_hash(&audit_doc, entry.hash.as_bytes());
            let ciphertext = current.seal_audit(&mut rng, &audit_doc, entry.text.as_bytes())?;
            by_hash.insert(hash.clone(), Pushed::Audit(entry.seq));
            entries.push(PushEntry {
                doc: current.opaque_doc(&audit_doc),
                audience: audit_audience.clone(),
                hash,
                ciphertext,
            });
        }
        let mut session = Session::new(entries, cursor);
        let mut round = Round::default();
        loop {
            match session.next_step() {
                Step::Push(request) => {
                    let answer: PushResponse = relay.post("/v1/push", &request).await?;
                    let acked = session.on_push(&answer)?;
                    let mut changes = Vec::new();
                    let mut audit = Vec::new();
                    for h in &acked {
                        match by_hash.get(h) {
                            Some(Pushed::Change(doc, hash)) => changes.push((*doc, hash.clone())),
                            Some(Pushed::Audit(seq)) => audit.push(*seq),
                            None => {}
                        }
                    }
                    self.store.ack_outbox(&changes)?;
                    self.store.ack_audit(&audit)?;
                    round.pushed += changes.len();
                    round.audit_pushed += audit.len();
                    progress(SyncProgress::Pushed(changes.len()));
                }
                Step::Pull { after, limit } => {
                    let page: PullResponse = relay.get(&format!("/v1/pull?after={after}&limit={limit}")).await?;
                    session.on_pull(&page)?;
                    let applied = self.apply_page(relay, &page).await?;
                    round.pulled += applied.records;
                    round.purged += applied.purged;
                    round.unreadable += applied.unreadable;
                    if applied.waiting_for_keys {
                        round.waiting_for_keys = true;
                        break Ok(round);
                    }
                    session.pulled()?;
                    progress(SyncProgress::Pulled(page.entries.len()));
                }
                Step::Done(_) => break Ok(round),
            }
        }
    }

    /// Applies one pull page and the new cursor in one transaction: record changes to
    /// their documents, audit entries (a supervisor's device) to the audit table.
    async fn apply_page(&mut self, relay: &Relay, page: &PullResponse) -> Result<Applied> {
        if page.key_epoch.is_some_and(|e| e > self.keys().map(|k| k.epoch()).unwrap_or(0)) {
            self.fetch_keys(relay).await?;
        }
        let keys = self.keys()?;
        let role = self.role();
        let me = self.device_id().to_string();
        let mut opened = Vec::with_capacity(page.entries.len());
        let mut audit = Vec::new();
        let mut unreadable = 0;
        // An entry sealed under an epoch this device has not been given yet stops the
        // page there: the cursor stays before it, and the next sync (after a
        // supervisor has handed this device the keys) applies it, instead of skipping
        // it for good.
        let mut waiting_at = None;
        for entry in &page.entries {
            if Keyring::entry_epoch(&entry.ciphertext).is_some_and(|e| e > keys.epoch()) {
                waiting_at = Some(entry.seq);
                break;
            }
            let Ok((doc, change)) = keys.open(&entry.ciphertext) else {
                // This device's own audit entries come back sealed to supervisors.
                if entry.author != me || keys.current().reads_audit() {
                    unreadable += 1;
                }
                continue;
            };
            if let Some(device) = doc.strip_prefix(crate::audit::AUDIT_DOC) {
                match audit_entry(device, &entry.author, &change) {
                    Some(e) if role.may_hold(waymark_domain::role::Audience::Supervisors) => audit.push(e),
                    Some(_) => {}
                    None => unreadable += 1,
                }
                continue;
            }
            let doc: DocId =
                doc.parse().map_err(|_| DeviceError::RelayRefused("an entry names a bad document".into()))?;
            // Defence in depth: never keep a document this role may not hold, even if
            // a relay served it.
            if role.may_hold(doc.audience()) {
                opened.push((doc, change));
            }
        }
        let current = keys.current();
        let purge: Vec<DocId> = if page.purge.is_empty() {
            Vec::new()
        } else {
            let wanted: std::collections::HashSet<&str> = page.purge.iter().map(String::as_str).collect();
            self.store
                .doc_ids()?
                .into_iter()
                .filter(|d| wanted.contains(current.opaque_doc(&d.to_string()).as_str()))
                .collect()
        };
        let cursor = match waiting_at {
            Some(seq) => seq.saturating_sub(1).max(page_start(page)).to_string(),
            None => page.next_after.to_string(),
        };
        let server_time = page.server_time.parse::<jiff::Timestamp>().ok().map(|t| t.to_string());
        self.store.write(|w| {
            if let Some(t) = &server_time {
                w.set_local(crate::consent::LOCAL_SERVER_TIME, t)?;
            }
            for (doc, change) in &opened {
                w.apply_remote(*doc, change)?;
            }
            for (device, seq, text) in &audit {
                w.keep_audit(device, *seq, text)?;
            }
            for doc in &purge {
                w.purge(*doc)?;
            }
            w.set_local(LOCAL_CURSOR, &cursor)?;
            Ok::<_, DeviceError>(())
        })?;
        Ok(Applied { records: opened.len(), purged: purge.len(), unreadable, waiting_for_keys: waiting_at.is_some() })
    }

    /// When this device last finished a sync, if ever.
    pub fn last_sync(&self) -> Result<Option<String>> {
        Ok(self.store.query().local(LOCAL_LAST)?)
    }
}

/// What one push of a sync stands for.
enum Pushed {
    Change(DocId, Vec<u8>),
    Audit(u64),
}

/// The counts of one or more push-then-pull exchanges.
#[derive(Debug, Default, Clone, Copy)]
struct Round {
    pushed: usize,
    pulled: usize,
    purged: usize,
    unreadable: usize,
    audit_pushed: usize,
    waiting_for_keys: bool,
}

impl Round {
    fn add(&mut self, other: Round) {
        self.pushed += other.pushed;
        self.pulled += other.pulled;
        self.purged += other.purged;
        self.unreadable += other.unreadable;
        self.audit_pushed += other.audit_pushed;
        self.waiting_for_keys |= other.waiting_for_keys;
    }
}

/// What one pull page did.
struct Applied {
    records: usize,
    purged: usize,
    unreadable: usize,
    /// It stopped at an entry of a key epoch this device does not hold yet.
    waiting_for_keys: bool,
}

/// The cursor a page started from: never move the saved cursor backwards.
fn page_start(page: &PullResponse) -> u64 {
    page.entries.first().map_or(page.next_after, |e| e.seq.saturating_sub(1))
}

/// An audit entry as received: kept only if it is an entry of the device whose log it
/// is in, and that device is the one the relay says pushed it (so no device can
/// write into another's chain).
fn audit_entry(doc_device: &str, author: &str, bytes: &[u8]) -> Option<(String, u64, String)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let entry = waymark_domain::audit::AuditEntry::parse(text)?;
    let device = entry.device_id.to_string();
    let doc_device = Uuid::parse_str(doc_device).ok()?;
    (entry.device_id.as_uuid() == &doc_device && device == author).then(|| (device, entry.seq, text.to_owned()))
}

/// The answer of `relay trust`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TrustView {
    pub relay: String,
    /// Whether TLS now trusts only the given certificate(s) (false: the system's roots).
    pub pinned: bool,
}

impl Device {
    /// Gives an enrolled device the relay's new certificate (PEM), or with `None`
    /// returns it to the system's roots. The relay is reached with the new trust
    /// first; if that fails, nothing changes. Any role: it is this device's own
    /// connection, and the store's passphrase was needed to get here.
    pub async fn relay_trust(&mut self, ca_pem: Option<&str>) -> Result<TrustView> {
        let q = self.store.query();
        let base = q.local(LOCAL_RELAY)?.ok_or(DeviceError::NotEnrolled)?;
        let token = q.local(LOCAL_TOKEN)?.ok_or(DeviceError::NotEnrolled)?;
        let relay = Relay::new(&base, Some(token), ca_pem)?;
        relay.health().await?;
        let audit = self.audit_draft(AuditAction::TrustRelay, base.clone()).detail("pinned", ca_pem.is_some());
        self.store.write(|w| {
            w.set_local(LOCAL_CA, ca_pem.unwrap_or_default())?;
            w.audit(audit).map(drop)
        })?;
        Ok(TrustView { relay: base, pinned: ca_pem.is_some() })
    }
}

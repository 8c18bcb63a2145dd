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
use waymark_domain::role::Role;
use waymark_domain::team::TeamSettings;
use waymark_domain::{DeviceId, PersonId, ReferralId};
use waymark_store::{DeviceMeta, DocId, DocKind, Store, codec};
use waymark_sync_proto::code::InviteCode;
use waymark_sync_proto::seal::{InvitationPayload, KeyClass, TeamKeys, open_invitation, seal_invitation};
use waymark_sync_proto::session::{Session, Step};
use waymark_sync_proto::wire::{
    Audience, EnrollRequest, EnrollResponse, InviteRequest, InviteResponse, PROTOCOL_VERSION, PullResponse, PushEntry,
    PushResponse, RevokeResponse, WireRole,
};

use crate::error::{DeviceError, Result};
use crate::transport::Relay;
use crate::{Device, system_clock, system_time_zone};
use waymark_domain::role::Action;

pub(crate) const LOCAL_RELAY: &str = "sync.relay";
const LOCAL_TOKEN: &str = "sync.token";
/// The relay certificate(s) this device trusts instead of the system's roots (PEM).
const LOCAL_CA: &str = "sync.ca";
const LOCAL_KEYS: &str = "sync.keys";
const LOCAL_CURSOR: &str = "sync.cursor";
const LOCAL_LAST: &str = "sync.last";

#[derive(Debug, Clone, Serialize, TS)]
pub struct EnrollView {
    #[ts(type = "string")]
    pub device_id: DeviceId,
    pub team_id: String,
    pub role: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct InviteView {
    pub device_id: String,
    pub code: String,
    pub expires_at: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SyncView {
    pub pushed: usize,
    pub pulled: usize,
    pub documents: i64,
    pub pending: i64,
    pub purged: usize,
    /// Entries this device holds no key for (sealed for another audience class): never
    /// stored, counted so a misrouting relay is noticed.
    pub unreadable: usize,
}

/// Progress of a sync, for a status line or the app.
#[derive(Debug, Clone, Copy)]
pub enum SyncProgress {
    Pushed(usize),
    Pulled(usize),
}

fn random<const N: usize>() -> Result<[u8; N]> {
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
        let request = EnrollRequest {
            v: PROTOCOL_VERSION,
            invite: code.invite.clone(),
            check: code.check.clone(),
            public_key: None,
        };
        let answer: EnrollResponse = relay.post("/v1/enroll", &request).await?;
        let keys = match (&answer.sealed, &code.secret) {
            (None, _) if answer.role == WireRole::Supervisor => TeamKeys::from_random(&random::<128>()?),
            (Some(sealed), Some(secret)) => {
                let payload = open_invitation(sealed, secret, &code.check)
                    .map_err(|_| DeviceError::RelayRefused("the invitation does not open with this code".into()))?;
                if payload.team_id != answer.team_id {
                    return Err(DeviceError::RelayRefused("the invitation is for another team".into()));
                }
                payload.keys
            }
            _ => return Err(DeviceError::RelayRefused("the relay's answer does not match this code".into())),
        };
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
        store.write(|w| {
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
        let ca = q.local(LOCAL_CA)?;
        Relay::new(&base, Some(token), ca.as_deref())
    }

    fn keys(&self) -> Result<TeamKeys> {
        let text = self.store.query().local(LOCAL_KEYS)?.ok_or(DeviceError::NotEnrolled)?;
        serde_json::from_str(&text)
            .map_err(|e| DeviceError::Store(waymark_store::StoreError::Corrupt(format!("keys: {e}"))))
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
        let relay = self.relay()?;
        let keys = self.keys()?;
        let code = InviteCode::from_random(random::<10>()?, random::<10>()?, Some(random::<20>()?));
        let secret = code.secret.clone().unwrap_or_default();
        let payload =
            InvitationPayload { team_id: self.store.meta().team_id.to_string(), keys: keys.for_role(wire_role(role)) };
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
        Ok(InviteView { device_id: answer.device_id, code: full.to_string(), expires_at: answer.expires_at })
    }

    /// Revokes a device (supervisor, online): its token stops working at once.
    pub async fn device_revoke(&mut self, device_id: &str) -> Result<RevokeResponse> {
        self.require(Action::DeviceAdmin, "revoke devices")?;
        let id: DeviceId = device_id.parse()?;
        let relay = self.relay()?;
        relay.post(&format!("/v1/devices/{id}/revoke"), &serde_json::json!({})).await
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
    /// cards it withdrew from officers in the same sync.
    pub async fn sync(&mut self, mut progress: impl FnMut(SyncProgress)) -> Result<SyncView> {
        let relay = self.relay()?;
        let keys = self.keys()?;
        let mut result = self.sync_round(&relay, &keys, &mut progress).await;
        if let Ok((first, purged, unreadable)) = &result {
            match self.apply_consent_expiry() {
                Ok(changed) if changed > 0 && self.role() != Role::Officer => {
                    let (first, purged, unreadable) = (*first, *purged, *unreadable);
                    result = self.sync_round(&relay, &keys, &mut progress).await.map(|(second, p, u)| {
                        let summary = waymark_sync_proto::session::Summary {
                            pushed: first.pushed + second.pushed,
                            pulled: first.pulled + second.pulled,
                            cursor: second.cursor,
                        };
                        (summary, purged + p, unreadable + u)
                    });
                }
                Ok(changed) => {
                    let (first, purged, unreadable) = (*first, *purged + changed, *unreadable);
                    result = Ok((first, purged, unreadable));
                }
                Err(e) => result = Err(e),
            }
        }
        let (summary, purged, unreadable) = match result {
            Ok(s) => s,
            Err(DeviceError::DeviceRevoked) => {
                let dir = self.store.dir().to_path_buf();
                waymark_store::wipe(&dir)?;
                return Err(DeviceError::DeviceRevoked);
            }
            Err(e) => return Err(e),
        };
        let now = self.now().to_string();
        self.store.set_local(LOCAL_LAST, &now)?;
        Ok(SyncView {
            pushed: summary.pushed,
            pulled: summary.pulled,
            documents: self.store.doc_count()?,
            pending: self.store.pending_changes()?,
            purged,
            unreadable,
        })
    }

    /// One push-then-pull exchange with the relay.
    async fn sync_round(
        &mut self,
        relay: &Relay,
        keys: &TeamKeys,
        progress: &mut impl FnMut(SyncProgress),
    ) -> Result<(waymark_sync_proto::session::Summary, usize, usize)> {
        let cursor: u64 = self.store.query().local(LOCAL_CURSOR)?.and_then(|c| c.parse().ok()).unwrap_or(0);
        let outbox = self.store.outbox(usize::MAX)?;
        let mut entries = Vec::with_capacity(outbox.len());
        let mut by_hash = std::collections::HashMap::new();
        for change in &outbox {
            let (audience, class) = self.route(change.doc)?;
            let doc_text = change.doc.to_string();
            let hash = keys.opaque_hash(&doc_text, &change.hash);
            let ciphertext = keys.seal(class, random::<24>()?, &doc_text, &change.bytes)?;
            by_hash.insert(hash.clone(), (change.doc, change.hash.clone()));
            entries.push(PushEntry {
                doc: keys.opaque_doc(&doc_text),
                audience: audience.normalized(),
                hash,
                ciphertext,
            });
        }
        let mut session = Session::new(entries, cursor);
        let mut purged = 0;
        let mut unreadable = 0;
        let result = loop {
            match session.next_step() {
                Step::Push(request) => {
                    let answer: PushResponse = match relay.post("/v1/push", &request).await {
                        Ok(a) => a,
                        Err(e) => break Err(e),
                    };
                    let acked = session.on_push(&answer)?;
                    let rows: Vec<_> = acked.iter().filter_map(|h| by_hash.get(h).cloned()).collect();
                    self.store.ack_outbox(&rows)?;
                    progress(SyncProgress::Pushed(rows.len()));
                }
                Step::Pull { after, limit } => {
                    let page: PullResponse = match relay.get(&format!("/v1/pull?after={after}&limit={limit}")).await {
                        Ok(p) => p,
                        Err(e) => break Err(e),
                    };
                    session.on_pull(&page)?;
                    let (p, u) = self.apply_page(keys, &page)?;
                    purged += p;
                    unreadable += u;
                    session.pulled()?;
                    progress(SyncProgress::Pulled(page.entries.len()));
                }
                Step::Done(summary) => break Ok(summary),
            }
        };
        result.map(|summary| (summary, purged, unreadable))
    }

    /// Applies one pull page and the new cursor in one transaction. Returns how many
    /// documents were purged and how many entries could not be opened.
    fn apply_page(&mut self, keys: &TeamKeys, page: &PullResponse) -> Result<(usize, usize)> {
        let role = self.role();
        let mut opened = Vec::with_capacity(page.entries.len());
        let mut unreadable = 0;
        for entry in &page.entries {
            let Ok((doc, change)) = keys.open(&entry.ciphertext) else {
                unreadable += 1;
                continue;
            };
            let doc: DocId =
                doc.parse().map_err(|_| DeviceError::RelayRefused("an entry names a bad document".into()))?;
            // Defence in depth: never keep a document this role may not hold, even if
            // a relay served it.
            if role.may_hold(doc.audience()) {
                opened.push((doc, change));
            }
        }
        let purge: Vec<DocId> = if page.purge.is_empty() {
            Vec::new()
        } else {
            let wanted: std::collections::HashSet<&str> = page.purge.iter().map(String::as_str).collect();
            self.store
                .doc_ids()?
                .into_iter()
                .filter(|d| wanted.contains(keys.opaque_doc(&d.to_string()).as_str()))
                .collect()
        };
        let cursor = page.next_after.to_string();
        let server_time = page.server_time.parse::<jiff::Timestamp>().ok().map(|t| t.to_string());
        self.store.write(|w| {
            if let Some(t) = &server_time {
                w.set_local(crate::consent::LOCAL_SERVER_TIME, t)?;
            }
            for (doc, change) in &opened {
                w.apply_remote(*doc, change)?;
            }
            for doc in &purge {
                w.purge(*doc)?;
            }
            w.set_local(LOCAL_CURSOR, &cursor)?;
            Ok::<_, DeviceError>(())
        })?;
        Ok((purge.len(), unreadable))
    }

    /// When this device last finished a sync, if ever.
    pub fn last_sync(&self) -> Result<Option<String>> {
        Ok(self.store.query().local(LOCAL_LAST)?)
    }
}

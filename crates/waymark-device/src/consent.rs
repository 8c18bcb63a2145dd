//! Consent (release of information) records and the officer-card sharing they
//! govern. A consent lives in the person's (case) document; while one covering law
//! enforcement is in force, the person's card carries `shared_with_officers_until`,
//! and `route` adds the officer role to the card's audience. Whether it is in force
//! is judged with the relay's time at the last sync (`sync.server_time`), never a
//! later device clock.

use serde::Serialize;
use ts_rs::TS;
use waymark_domain::audit::AuditAction;
use waymark_domain::consent::{self, Consent, NewConsent};
use waymark_domain::role::{Action, OfficerCard, Role};
use waymark_domain::time;
use waymark_domain::{ConsentId, PersonId};
use waymark_store::{DocKind, Writer, codec};

use crate::error::{DeviceError, Result};
use crate::views::IdView;
use crate::{Device, Timestamp, card_doc, new_uuid, parse_id, person_doc};

/// The relay's time at the last pull (RFC 3339).
pub(crate) const LOCAL_SERVER_TIME: &str = "sync.server_time";

/// Fields of `consent add`, as the user typed them.
#[derive(Debug, Clone, Default, serde::Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
#[ts(optional_fields = nullable)]
pub struct ConsentInput {
    pub person: String,
    #[ts(as = "Option<Vec<String>>", optional)]
    pub parties: Vec<String>,
    pub purpose: Option<String>,
    pub description: Option<String>,
    /// The last day covered, YYYY-MM-DD.
    pub expires: Option<String>,
    pub expiry_event: Option<String>,
}

/// The answer of `consent revoke`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ConsentRevoked {
    pub id: String,
    pub person_id: String,
    pub revoked_at: String,
}

/// The consents that speak for `ids` (a person and everyone merged into them): each
/// consent once, revoked if any copy of it was.
fn gather(ids: &[PersonId], mut read: impl FnMut(PersonId) -> Result<Vec<Consent>>) -> Result<Vec<Consent>> {
    let mut out: Vec<Consent> = Vec::new();
    for id in ids {
        for c in read(*id)? {
            match out.iter_mut().find(|o| o.id == c.id) {
                Some(o) => o.revoked_at = o.revoked_at.or(c.revoked_at),
                None => out.push(c),
            }
        }
    }
    out.sort_by_key(|c| c.signed_at);
    Ok(out)
}

/// Brings the card of `person` in step with its consents at `at`; true when the card
/// changed (a change that is pushed with the card's new audience). A person merged
/// into another shares nothing of their own: their consents speak for the kept person.
pub(crate) fn refresh_card(w: &mut Writer<'_, '_>, person: PersonId, at: Timestamp) -> Result<bool> {
    let Some(p) = w.read(person_doc(person), |d| codec::read_person(d, person))? else {
        return Ok(false);
    };
    let sharing = if p.merged_into.is_some() {
        None
    } else {
        let ids = w.query().merged_ids(person)?;
        let consents = gather(&ids, |id| Ok(w.read(person_doc(id), codec::read_consents)?.unwrap_or_default()))?;
        consent::officer_sharing(&consents, at)
    };
    let existing = w.read(card_doc(person), |d| codec::read_card(d, person))?;
    let mut card = existing.clone().unwrap_or_else(|| OfficerCard::of(&p, None));
    card.shared_with_officers_until = sharing;
    if existing.as_ref() == Some(&card) {
        return Ok(false);
    }
    w.update(card_doc(person), |d| codec::write_card(d, &card))?;
    Ok(true)
}

impl Device {
    /// The instant consents are judged at: the relay's time at the last sync; the
    /// device clock only before the first sync.
    pub fn sharing_time(&self) -> Result<Timestamp> {
        match self.store.query().local(LOCAL_SERVER_TIME)? {
            Some(text) => text.parse().map_err(|_| {
                DeviceError::Store(waymark_store::StoreError::Corrupt(format!("bad relay time {text:?}")))
            }),
            None => Ok(self.now()),
        }
    }

    /// Records a release of information (outreach, supervisor). One covering law
    /// enforcement shares the person's card with every officer while in force.
    pub fn consent_add(&mut self, input: ConsentInput) -> Result<IdView> {
        self.require(Action::ManageConsent, "record consents")?;
        let team = self.team()?;
        let tz = time::time_zone(&team.time_zone)?;
        let new = NewConsent::parse(
            &input.parties,
            input.purpose.as_deref(),
            input.description.as_deref(),
            input.expires.as_deref(),
            input.expiry_event.as_deref(),
            &tz,
        )?;
        let person: PersonId = parse_id(&input.person)?;
        let person = self.person_for_write(person)?;
        let at = self.sharing_time()?;
        let c = Consent {
            id: ConsentId::from_uuid(new_uuid()),
            parties: new.parties,
            purpose: new.purpose,
            description: new.description,
            signed_at: self.now(),
            expires_on: new.expires_on,
            expires_at: new.expires_at,
            expiry_event: new.expiry_event,
            revoked_at: None,
            created_by: Some(self.device_id()),
        };
        let parties: Vec<&str> = c.parties.iter().map(|p| p.as_str()).collect();
        let audit = self
            .audit_draft(AuditAction::ConsentAdd, c.id.to_string())
            .detail("person", person.to_string())
            .detail("parties", parties);
        self.store.write(|w| {
            w.update(person_doc(person), |d| codec::write_consent(d, &c))?;
            refresh_card(w, person, at)?;
            w.audit(audit).map_err(DeviceError::from)
        })?;
        Ok(IdView { id: c.id.to_string() })
    }

    /// Revokes a consent (outreach, supervisor). A card it shared with officers is
    /// withdrawn from them at the next sync.
    pub fn consent_revoke(&mut self, id: &str) -> Result<ConsentRevoked> {
        self.require(Action::ManageConsent, "revoke consents")?;
        let id: ConsentId = parse_id(id)?;
        let persons: Vec<_> = self.store.doc_ids()?.into_iter().filter(|d| d.kind == DocKind::Person).collect();
        let mut found = None;
        for doc in persons {
            let Some(d) = self.store.doc(doc)? else { continue };
            if let Some(c) = codec::read_consents(d)?.into_iter().find(|c| c.id == id) {
                found = Some((PersonId::from_uuid(doc.id), c));
                break;
            }
        }
        let (holder, mut c) = found.ok_or_else(|| DeviceError::NotFound { what: "consent", id: id.to_string() })?;
        // Recorded on a person since merged: it speaks for the kept person.
        let person = self.store.query().resolve_person(holder)?;
        let at = self.sharing_time()?;
        if c.revoked_at.is_none() {
            c.revoked_at = Some(self.now());
            let audit =
                self.audit_draft(AuditAction::ConsentRevoke, id.to_string()).detail("person", person.to_string());
            self.store.write(|w| {
                w.update(person_doc(holder), |d| codec::write_consent(d, &c))?;
                refresh_card(w, person, at)?;
                w.audit(audit).map_err(DeviceError::from)
            })?;
        }
        Ok(ConsentRevoked {
            id: id.to_string(),
            person_id: person.to_string(),
            revoked_at: c.revoked_at.map(|t| t.to_string()).unwrap_or_default(),
        })
    }

    /// The consents recorded for a person (outreach, supervisor), oldest first,
    /// including those of persons merged into them.
    pub fn consent_list(&mut self, person: &str) -> Result<Vec<Consent>> {
        self.require(Action::ManageConsent, "read consents")?;
        let person: PersonId = parse_id(person)?;
        let person = self.existing_person(person)?;
        let ids = self.store.query().merged_ids(person)?;
        let store = &mut self.store;
        gather(&ids, |id| {
            Ok(store.doc(person_doc(id))?.map(|d| codec::read_consents(d)).transpose()?.unwrap_or_default())
        })
    }

    /// Applies consent expiry at the relay's time, after a pull. A case device clears
    /// the sharing of every card whose consents ran out (a card change, so the relay
    /// withdraws it from officers); an officer's device drops every card it may no
    /// longer hold (defence in depth, whatever the relay served). Returns how many
    /// cards changed or were dropped.
    pub fn apply_consent_expiry(&mut self) -> Result<usize> {
        let at = self.sharing_time()?;
        let me = self.device_id();
        let cards = self.store.query().cards()?;
        match self.role() {
            Role::Officer => {
                let drop: Vec<_> =
                    cards.iter().filter(|c| !c.officer_may_hold(me, at)).map(|c| card_doc(c.person_id)).collect();
                self.store.write(|w| {
                    for doc in &drop {
                        w.purge(*doc)?;
                    }
                    Ok::<_, DeviceError>(())
                })?;
                Ok(drop.len())
            }
            Role::Outreach | Role::Supervisor => {
                // Every shared card is judged again, not only expired ones: a consent
                // revoked on a phone that had not yet heard of a merge must still
                // withdraw the kept person's card once both have synced.
                let shared: Vec<_> = cards
                    .iter()
                    .filter_map(|c| c.shared_with_officers_until.map(|s| (c.person_id, !s.in_force(at))))
                    .collect();
                let mut changed = 0;
                self.store.write(|w| {
                    for (person, expired) in &shared {
                        if refresh_card(w, *person, at)? {
                            changed += 1;
                        } else if *expired && w.read(person_doc(*person), |_| Ok(()))?.is_none() {
                            // A card without a profile here: clear its sharing alone.
                            if let Some(mut card) = w.read(card_doc(*person), |d| codec::read_card(d, *person))? {
                                card.shared_with_officers_until = None;
                                w.update(card_doc(*person), |d| codec::write_card(d, &card))?;
                                changed += 1;
                            }
                        }
                    }
                    Ok::<_, DeviceError>(())
                })?;
                Ok(changed)
            }
        }
    }
}

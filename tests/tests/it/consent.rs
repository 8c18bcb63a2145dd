//! Consent-gated officer cards over a real relay: an officer sees another person's
//! card only while a release of information covering law enforcement is in force;
//! revocation and expiry withdraw it and officer devices purge it at their next sync.
//! The referring officer keeps its own referral's card without consent.

use tempfile::TempDir;
use waymark_device::{ConsentInput, Device, PersonInput, ReferralInput, Timestamp};
use waymark_domain::PersonId;
use waymark_scenarios::PASSPHRASE;
use waymark_store::{DocId, DocKind};

use crate::relay::TestRelay;

pub(crate) struct Team {
    pub(crate) relay: TestRelay,
    pub(crate) dir: TempDir,
    pub(crate) sup: Device,
    pub(crate) outreach: Device,
    pub(crate) officer_a: Device,
    pub(crate) officer_b: Device,
}

pub(crate) async fn enroll(relay: &TestRelay, dir: &TempDir, sup: &mut Device, role: &str, name: &str) -> Device {
    let invite = sup.device_invite(role, name).await.expect("invite");
    Device::enroll(&dir.path().join(name), PASSPHRASE, &relay.url, &invite.code, None).await.expect("enrolls").0
}

pub(crate) async fn team() -> Team {
    let dir = TempDir::new().expect("temp dir");
    let relay = TestRelay::start(&dir.path().join("relay")).await;
    let code = relay.team_create("Consent team");
    let (mut sup, _) =
        Device::enroll(&dir.path().join("sup"), PASSPHRASE, &relay.url, &code, None).await.expect("supervisor enrolls");
    let outreach = enroll(&relay, &dir, &mut sup, "outreach", "outreach").await;
    let officer_a = enroll(&relay, &dir, &mut sup, "officer", "officer-a").await;
    let officer_b = enroll(&relay, &dir, &mut sup, "officer", "officer-b").await;
    Team { relay, dir, sup, outreach, officer_a, officer_b }
}

pub(crate) async fn sync(d: &mut Device) -> waymark_device::SyncView {
    let view = d.sync(|_| {}).await.expect("sync");
    assert_eq!(view.pending, 0, "everything pushed");
    view
}

pub(crate) async fn sync_all(t: &mut Team) {
    for _ in 0..2 {
        for d in [&mut t.sup, &mut t.outreach, &mut t.officer_a, &mut t.officer_b] {
            sync(d).await;
        }
    }
}

fn card_doc(p: PersonId) -> DocId {
    DocId::new(DocKind::Card, *p.as_uuid())
}

fn holds(d: &mut Device, doc: DocId) -> bool {
    d.store().doc_ids().expect("ids").contains(&doc)
}

fn consent(person: PersonId, expires: Option<String>) -> ConsentInput {
    ConsentInput { person: person.to_string(), parties: vec!["law_enforcement".into()], expires, ..Default::default() }
}

#[tokio::test(flavor = "current_thread")]
async fn an_officer_sees_a_card_only_while_a_law_enforcement_consent_is_in_force() {
    let mut t = team().await;
    let referral = t
        .officer_a
        .referral_create(ReferralInput {
            pathway: "social_contact".into(),
            name: Some("Noor".into()),
            ..Default::default()
        })
        .expect("referral");
    let p = referral.person_id;
    sync_all(&mut t).await;

    // Without consent: the referring officer sees its referral's card, another does not.
    assert_eq!(t.officer_a.lookup("noor", Some("follow-up")).expect("lookup").len(), 1);
    assert!(t.officer_b.lookup("noor", Some("check")).expect("lookup").is_empty());
    assert!(!holds(&mut t.officer_b, card_doc(p)));

    // An officer may not record consent.
    let refused = t.officer_b.consent_add(consent(p, None)).expect_err("officer refused");
    assert_eq!(refused.code(), waymark_device::ErrorCode::NotPermitted);

    // The participant signs a release covering law enforcement.
    let id = t.outreach.consent_add(consent(p, None)).expect("consent").id;
    sync_all(&mut t).await;
    let found = t.officer_b.lookup("noor", Some("check")).expect("lookup");
    assert_eq!(found.len(), 1, "the card reaches every officer under consent");
    assert_eq!(found[0].person_id, p);

    // Revoked: withdrawn from officer B's store entirely; A keeps its own referral's card.
    t.outreach.consent_revoke(&id).expect("revoke");
    sync(&mut t.outreach).await;
    let view = sync(&mut t.officer_b).await;
    assert!(view.purged >= 1, "the relay told officer B to purge the card");
    assert!(!holds(&mut t.officer_b, card_doc(p)), "no card document for the person at all");
    assert!(t.officer_b.lookup("noor", Some("check")).expect("lookup").is_empty());
    sync(&mut t.officer_a).await;
    assert!(holds(&mut t.officer_a, card_doc(p)));
    assert_eq!(t.officer_a.lookup("noor", Some("follow-up")).expect("lookup").len(), 1);
    // Case roles keep the card and the (revoked) consent.
    sync_all(&mut t).await;
    assert!(holds(&mut t.sup, card_doc(p)));
    let consents = t.sup.consent_list(&p.to_string()).expect("consents");
    assert!(consents.iter().all(|c| c.revoked_at.is_some()) && consents.len() == 1);
    // Nor does the relay serve officer B the card any more.
    let served = t.relay.pull_all_docs_as(&mut t.officer_b, &mut t.sup).await;
    assert!(!served.contains(&card_doc(p)));
}

#[tokio::test(flavor = "current_thread")]
async fn an_expired_consent_withdraws_the_card_by_the_relays_time() {
    let mut t = team().await;
    // The relay has no movable clock; instead a new outreach device whose clock runs
    // ten days behind records, before its first sync, a consent that ended five days
    // ago by the relay's time. Before a first sync the device clock is all it has, so
    // it pushes the card shared; the sync's pull brings the relay's time, by which
    // the consent has expired, and the same sync withdraws the card again.
    let late = enroll(&t.relay, &t.dir, &mut t.sup, "outreach", "outreach-late").await;
    let now = Timestamp::now();
    let days_ago = |d: i64| Timestamp::from_second(now.as_second() - d * 86_400).expect("time");
    let behind = days_ago(10);
    let mut late = late.with_clock(Box::new(move || behind));
    let q = late.person_add(PersonInput { name: Some("Quinn".into()), ..Default::default() }).expect("person").id;
    let ended = days_ago(5).to_string()[..10].to_owned();
    late.consent_add(consent(q, Some(ended))).expect("consent");
    let card = late.store().query().card(q).expect("query").expect("card");
    assert!(card.shared_with_officers_until.is_some(), "shared by the device clock before any sync");

    let view = sync(&mut late).await;
    assert!(view.pushed >= 2, "the shared card, then its withdrawal");
    let card = late.store().query().card(q).expect("query").expect("card");
    assert_eq!(card.shared_with_officers_until, None, "expired by the relay's time");

    sync_all(&mut t).await;
    assert!(!holds(&mut t.officer_b, card_doc(q)), "no card document for the person at all");
    assert!(t.officer_b.lookup("quinn", Some("check")).expect("lookup").is_empty());
    assert!(t.officer_a.lookup("quinn", Some("check")).expect("lookup").is_empty());
    // The case roles still have the person.
    assert!(t.outreach.store().query().card(q).expect("query").is_some());
}

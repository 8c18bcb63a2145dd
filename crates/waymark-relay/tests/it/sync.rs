//! Push and pull: sequence numbers, deduplication, paging, audience routing, the
//! officer's write rules, purges and backfills.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use waymark_sync_proto::wire::WireRole::{Officer, Outreach, Supervisor};

use crate::common::{Dev, Relay, audience, case, entry};

fn hashes(pages: &[crate::common::Page]) -> Vec<String> {
    pages.iter().flat_map(|p| p.entries.iter().map(|e| e.hash.clone())).collect()
}

async fn team_with_officer(relay: &Relay) -> (Dev, Dev, Dev) {
    let sup = relay.team().await;
    let outreach = relay.member(&sup, "outreach").await;
    let officer = relay.member(&sup, "officer").await;
    (sup, outreach, officer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_then_pull_round_trips_with_relay_seqs() {
    let relay = Relay::start().await;
    let (sup, outreach, _) = team_with_officer(&relay).await;
    let entries: Vec<_> = (1..=3).map(|n| entry("person1", &case(), n)).collect();
    let seqs = relay.push_ok(&outreach, &entries).await;
    assert_eq!(seqs, vec![1, 2, 3]);

    let page = relay.pull(&sup, 0, 100).await;
    assert_eq!(page.entries.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2, 3]);
    for (got, sent) in page.entries.iter().zip(&entries) {
        assert_eq!(
            (got.doc.as_str(), got.hash.as_str(), got.ciphertext.as_str()),
            (sent.doc.as_str(), sent.hash.as_str(), sent.ciphertext.as_str())
        );
        assert_eq!(got.author, outreach.id);
    }
    assert_eq!((page.next_after, page.more), (3, false));
    assert!(page.purge.is_empty());
    assert!(page.server_time.ends_with('Z'));
    assert!(page.server_time.parse::<jiff::Timestamp>().is_ok(), "server_time is RFC 3339");

    // An idle pull: nothing, the same cursor, no more.
    let idle = relay.pull(&sup, 3, 100).await;
    assert!(idle.entries.is_empty());
    assert_eq!((idle.next_after, idle.more), (3, false));

    // Teams do not see each other.
    let stranger = relay.team().await;
    assert!(relay.pull(&stranger, 0, 100).await.entries.is_empty());
    assert_eq!(relay.push_ok(&stranger, &[entry("person1", &case(), 9)]).await, vec![1], "seqs are per team");
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushing_the_same_entry_again_is_a_no_op() {
    let relay = Relay::start().await;
    let (sup, outreach, _) = team_with_officer(&relay).await;
    let first = relay.push_ok(&outreach, &[entry("p", &case(), 1), entry("p", &case(), 2)]).await;
    // A retry (its answer was lost) plus one new entry, and a repeat inside one push.
    let again =
        relay.push_ok(&outreach, &[entry("p", &case(), 1), entry("p", &case(), 3), entry("p", &case(), 3)]).await;
    assert_eq!(again[0], first[0]);
    assert_eq!(again[1], again[2]);
    assert_eq!(again[1], 3);
    // Someone else in the audience pushing it too gets the same answer.
    assert_eq!(relay.push_ok(&sup, &[entry("p", &case(), 2)]).await, vec![first[1]]);
    let page = relay.pull(&sup, 0, 100).await;
    assert_eq!(hashes(std::slice::from_ref(&page)), vec!["p-h1", "p-h2", "p-h3"]);
    assert_eq!(page.next_after, 3);
    // The same hash in another document is another entry.
    assert_eq!(relay.push_ok(&outreach, &[entry("p", &case(), 1)]).await, vec![1]);
    let mut other = entry("q", &case(), 1);
    other.hash = "p-h1".into();
    assert_eq!(relay.push_ok(&outreach, &[other]).await, vec![4]);
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_pages_with_next_after_and_more_and_resumes_from_a_cursor() {
    let relay = Relay::start().await;
    let (sup, outreach, _) = team_with_officer(&relay).await;
    let entries: Vec<_> = (1..=25).map(|n| entry(&format!("d{}", n % 4), &case(), n)).collect();
    relay.push_ok(&outreach, &entries).await;

    let first = relay.pull(&sup, 0, 10).await;
    assert_eq!(first.entries.len(), 10);
    assert!(first.more);
    assert_eq!(first.next_after, 10);
    // The device stored the cursor and comes back later.
    let rest = relay.pull_all(&sup, first.next_after, 10).await;
    assert_eq!(rest.len(), 2);
    assert_eq!(rest[0].entries.len(), 10);
    assert_eq!(rest[1].entries.len(), 5);
    assert!(!rest[1].more);
    assert_eq!(rest[1].next_after, 25);
    let mut all = hashes(&[first]);
    all.extend(hashes(&rest));
    assert_eq!(all, entries.iter().map(|e| e.hash.clone()).collect::<Vec<_>>(), "each once, in order");
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_pull_only_documents_whose_audience_includes_them() {
    let relay = Relay::start().await;
    let (sup, outreach, officer) = team_with_officer(&relay).await;
    let other_officer = relay.member(&sup, "officer").await;
    let card = audience(&[Outreach, Supervisor], &[&officer.id]);
    let everyone = audience(&[Officer, Outreach, Supervisor], &[]);
    relay
        .push_ok(
            &outreach,
            &[
                entry("case1", &case(), 1),
                entry("card1", &card, 1),
                entry("case2", &case(), 1),
                entry("case1", &case(), 2),
            ],
        )
        .await;
    relay.push_ok(&sup, &[entry("team", &everyone, 1)]).await;
    relay.push_ok(&outreach, &[entry("card1", &card, 2), entry("case3", &case(), 1)]).await;

    let seen = hashes(&relay.pull_all(&officer, 0, 100).await);
    assert_eq!(seen, vec!["card1-h1", "team-h1", "card1-h2"]);
    let seen = hashes(&relay.pull_all(&other_officer, 0, 100).await);
    assert_eq!(seen, vec!["team-h1"]);
    let seen = hashes(&relay.pull_all(&outreach, 0, 100).await);
    assert_eq!(seen.len(), 7, "outreach sees role entries: {seen:?}");

    // An officer that sees little still moves its cursor to the end: the next pull is idle.
    let page = relay.pull(&other_officer, 0, 1).await;
    assert_eq!(page.entries.len(), 1);
    let rest = relay.pull_all(&other_officer, page.next_after, 1).await;
    assert_eq!(rest.last().map(|p| p.next_after), Some(7));
    assert!(relay.pull(&other_officer, 7, 1).await.entries.is_empty());
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officers_write_only_their_own_documents() {
    let relay = Relay::start().await;
    let (sup, outreach, officer) = team_with_officer(&relay).await;
    relay.push_ok(&outreach, &[entry("case1", &case(), 1)]).await;
    let everyone = audience(&[Officer, Outreach, Supervisor], &[]);
    relay.push_ok(&sup, &[entry("team", &everyone, 1)]).await;

    let forbidden = [
        // Into an existing outreach-only document.
        entry("case1", &case(), 2),
        // Into it, even claiming an audience that names itself.
        entry("case1", &audience(&[Outreach, Supervisor], &[&officer.id]), 3),
        // A new document for every officer.
        entry("new1", &audience(&[Officer], &[]), 1),
        entry("new2", &audience(&[Officer, Outreach], &[&officer.id]), 1),
        // A new document that does not name the officer.
        entry("new3", &case(), 1),
        // Into the team document, shared with every officer.
        entry("team", &everyone, 2),
    ];
    for e in &forbidden {
        let (status, body) = relay.push(&officer, std::slice::from_ref(e)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{e:?}");
        assert_eq!(body["error"], "forbidden");
    }

    // Its own referral: names itself, shared with outreach and supervisors.
    let referral = audience(&[Outreach, Supervisor], &[&officer.id]);
    let seqs = relay.push_ok(&officer, &[entry("ref1", &referral, 1), entry("ref1", &referral, 2)]).await;
    assert_eq!(seqs, vec![3, 4]);
    // It may not change that audience; outreach may.
    let (status, _) = relay.push(&officer, &[entry("ref1", &audience(&[Outreach], &[&officer.id]), 3)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // One bad entry refuses the whole push: the good one is not stored either.
    let (status, _) = relay.push(&officer, &[entry("ref2", &referral, 1), entry("case1", &case(), 9)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let seen = hashes(&relay.pull_all(&sup, 0, 100).await);
    assert_eq!(seen, vec!["case1-h1", "team-h1", "ref1-h1", "ref1-h2"]);

    // An outreach worker outside a document's audience cannot write it either.
    let private = audience(&[Supervisor], &[]);
    relay.push_ok(&sup, &[entry("hr", &private, 1)]).await;
    assert_eq!(relay.push(&outreach, &[entry("hr", &private, 2)]).await.0, StatusCode::FORBIDDEN);
    assert_eq!(relay.push(&outreach, &[entry("hr", &case(), 2)]).await.0, StatusCode::FORBIDDEN);
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_removed_from_an_audience_is_told_to_purge() {
    let relay = Relay::start().await;
    let (sup, outreach, officer) = team_with_officer(&relay).await;
    let card = audience(&[Outreach, Supervisor], &[&officer.id]);
    relay.push_ok(&outreach, &[entry("card1", &card, 1), entry("card2", &card, 1)]).await;
    let pages = relay.pull_all(&officer, 0, 100).await;
    assert_eq!(hashes(&pages), vec!["card1-h1", "card2-h1"]);
    let cursor = pages.last().map(|p| p.next_after).unwrap_or_default();

    // The ROI is revoked: outreach narrows card1 to case staff.
    relay.push_ok(&outreach, &[entry("card1", &case(), 2), entry("card2", &card, 2)]).await;
    let page = relay.pull(&officer, cursor, 100).await;
    assert_eq!(page.purge, vec!["card1"]);
    assert_eq!(hashes(std::slice::from_ref(&page)), vec!["card2-h2"], "nothing more of card1");

    // From scratch, the officer gets nothing of card1 at all.
    let fresh = relay.pull_all(&officer, 0, 100).await;
    assert!(!hashes(&fresh).iter().any(|h| h.starts_with("card1")));

    // After the purge the cursor has moved on: no repeat.
    let later = relay.pull(&officer, page.next_after, 100).await;
    assert!(later.purge.is_empty());

    // The supervisor is unaffected.
    let all = hashes(&relay.pull_all(&sup, 0, 100).await);
    assert_eq!(all.len(), 4);
    assert!(relay.pull(&sup, 0, 100).await.purge.is_empty());
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_added_to_an_audience_receives_the_documents_history() {
    let relay = Relay::start().await;
    let (sup, outreach, officer) = team_with_officer(&relay).await;
    let history: Vec<_> = (1..=5).map(|n| entry("card1", &case(), n)).collect();
    relay.push_ok(&outreach, &history).await;
    relay.push_ok(&outreach, &[entry("case9", &case(), 1)]).await;
    let officer_cursor = relay.pull_all(&officer, 0, 100).await.last().map(|p| p.next_after).unwrap_or_default();
    let sup_cursor = relay.pull_all(&sup, 0, 100).await.last().map(|p| p.next_after).unwrap_or_default();
    assert_eq!((officer_cursor, sup_cursor), (6, 6));

    // A release of information now covers law enforcement: the card names the officer.
    let card = audience(&[Outreach, Supervisor], &[&officer.id]);
    relay.push_ok(&outreach, &[entry("card1", &card, 6)]).await;

    // Paged small, the officer still gets the whole history, each entry once, in order.
    let pages = relay.pull_all(&officer, officer_cursor, 2).await;
    let got = hashes(&pages);
    assert_eq!(got, (1..=6).map(|n| format!("card1-h{n}")).collect::<Vec<_>>());
    assert!(pages.iter().all(|p| p.purge.is_empty()));
    assert!(pages.iter().flat_map(|p| &p.entries).all(|e| e.seq > officer_cursor));
    let end = pages.last().map(|p| p.next_after).unwrap_or_default();
    assert!(relay.pull(&officer, end, 100).await.entries.is_empty());
    // The ciphertexts are the original ones.
    let first = pages[0].entries[0].clone();
    assert_eq!(
        (first.ciphertext.as_str(), first.author.as_str()),
        (history[0].ciphertext.as_str(), outreach.id.as_str())
    );

    // Devices already in the audience see only the new entry.
    let sup_seen = hashes(&relay.pull_all(&sup, sup_cursor, 100).await);
    assert_eq!(sup_seen, vec!["card1-h6"]);
    // A device that never pulled sees each entry once.
    let fresh = relay.member(&sup, "outreach").await;
    let fresh_seen: BTreeSet<String> = hashes(&relay.pull_all(&fresh, 0, 100).await).into_iter().collect();
    assert_eq!(fresh_seen.len(), 7);
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removed_then_added_again_gets_the_history_back() {
    let relay = Relay::start().await;
    let (_sup, outreach, officer) = team_with_officer(&relay).await;
    let card = audience(&[Outreach, Supervisor], &[&officer.id]);
    relay.push_ok(&outreach, &[entry("c", &card, 1), entry("c", &card, 2)]).await;
    let cursor = relay.pull_all(&officer, 0, 100).await.last().map(|p| p.next_after).unwrap_or_default();
    relay.push_ok(&outreach, &[entry("c", &case(), 3)]).await;
    let page = relay.pull(&officer, cursor, 100).await;
    assert_eq!(page.purge, vec!["c"]);
    relay.push_ok(&outreach, &[entry("c", &card, 4)]).await;
    let pages = relay.pull_all(&officer, page.next_after, 100).await;
    let got: BTreeSet<String> = hashes(&pages).into_iter().collect();
    let want: BTreeSet<String> = (1..=4).map(|n| format!("c-h{n}")).collect();
    assert_eq!(got, want);
    assert!(pages.iter().all(|p| p.purge.is_empty()));
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_pushes_get_distinct_contiguous_seqs() {
    let relay = std::sync::Arc::new(Relay::start().await);
    let sup = relay.team().await;
    let mut devices = Vec::new();
    for _ in 0..4 {
        devices.push(relay.member(&sup, "outreach").await);
    }
    let mut tasks = Vec::new();
    for (i, dev) in devices.into_iter().enumerate() {
        let relay = relay.clone();
        tasks.push(tokio::spawn(async move {
            let mut seqs = Vec::new();
            for n in 0..10 {
                let e = [entry(&format!("doc{}", n % 3), &case(), (i * 100 + n) as u32)];
                seqs.extend(relay.push_ok(&dev, &e).await);
            }
            seqs
        }));
    }
    let mut all = BTreeSet::new();
    for t in tasks {
        for s in t.await.expect("task") {
            assert!(all.insert(s), "seq {s} given twice");
        }
    }
    assert_eq!(all, (1..=40).collect::<BTreeSet<u64>>());
    assert_eq!(relay.pull(&sup, 0, 1000).await.entries.len(), 40);
}

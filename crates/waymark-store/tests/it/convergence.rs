//! Property: whatever order offline edits happen in and however changes travel
//! between three stores, once everyone has everything they show the same state.

use proptest::prelude::*;
use waymark_domain::PersonId;
use waymark_domain::person::PersonStatus;

use crate::support::*;

#[derive(Debug, Clone)]
enum Op {
    Name(usize, u8),
    Description(usize, u8),
    Status(usize, bool),
    Alias(usize, u8),
    Encounter(usize, u8),
    Send(usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3usize, 0..4u8).prop_map(|(s, v)| Op::Name(s, v)),
        (0..3usize, 0..4u8).prop_map(|(s, v)| Op::Description(s, v)),
        (0..3usize, any::<bool>()).prop_map(|(s, v)| Op::Status(s, v)),
        (0..3usize, 0..6u8).prop_map(|(s, v)| Op::Alias(s, v)),
        (0..3usize, 0..50u8).prop_map(|(s, v)| Op::Encounter(s, v)),
        (0..3usize, 0..3usize).prop_map(|(a, b)| Op::Send(a, b)),
    ]
}

fn apply(stores: &mut [waymark_store::Store], id: PersonId, op: &Op) {
    match *op {
        Op::Name(s, v) => edit_person(&mut stores[s], id, |p| p.name = Some(format!("name {v}"))),
        Op::Description(s, v) => edit_person(&mut stores[s], id, |p| p.description = Some(format!("desc {v}"))),
        Op::Status(s, active) => edit_person(&mut stores[s], id, |p| {
            p.status = if active { PersonStatus::Active } else { PersonStatus::Inactive }
        }),
        Op::Alias(s, v) => edit_person(&mut stores[s], id, |p| p.aliases.push(format!("alias {v}"))),
        Op::Encounter(s, v) => {
            add_encounter(&mut stores[s], Some(id), 1_000 + i64::from(v), None);
        }
        Op::Send(a, b) if a != b => {
            let (from, to) = if a < b {
                let (l, r) = stores.split_at_mut(b);
                (&mut l[a], &mut r[0])
            } else {
                let (l, r) = stores.split_at_mut(a);
                (&mut r[0], &mut l[b])
            };
            send(from, to);
        }
        Op::Send(..) => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn stores_converge_whatever_the_order_of_edits_and_exchanges(ops in proptest::collection::vec(op(), 1..24)) {
        let dirs: Vec<_> = (0..3).map(|_| tempfile::TempDir::new().expect("temp dir")).collect();
        let mut stores: Vec<_> = dirs
            .iter()
            .map(|d| new_store(&d.path().join("s"), waymark_domain::role::Role::Outreach))
            .collect();
        let id = add_person(&mut stores[0], "start");
        apply(&mut stores, id, &Op::Send(0, 1));
        apply(&mut stores, id, &Op::Send(0, 2));
        for op in &ops {
            apply(&mut stores, id, op);
        }
        // Everyone hands everything to everyone.
        for a in 0..3 {
            for b in 0..3 {
                apply(&mut stores, id, &Op::Send(a, b));
            }
        }
        let first = snapshot(&mut stores[0]);
        for s in stores.iter_mut().skip(1) {
            prop_assert_eq!(&snapshot(s), &first);
        }
    }
}

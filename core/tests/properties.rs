//! Property tests: merge is a commutative union that loses nothing, and
//! history only ever grows.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::*;
use latchkey_core::{Access, OpenVault, VaultFile};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Add(u8),
    Edit(usize, u8),
    Delete(usize),
    Reveal(usize),
    Rollback(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        any::<u8>().prop_map(Op::Add),
        (any::<usize>(), any::<u8>()).prop_map(|(i, n)| Op::Edit(i, n)),
        any::<usize>().prop_map(Op::Delete),
        any::<usize>().prop_map(Op::Reveal),
        any::<usize>().prop_map(Op::Rollback),
    ]
}

/// Applies ops as Bob would; ops that the current state refuses (editing a
/// deleted entry) are skipped, as a person would be told no.
fn apply(v: &mut OpenVault, ops: &[Op], seed: u64, history: &mut Vec<VaultFile>) {
    let mut r = rng(seed);
    for (step, op) in ops.iter().enumerate() {
        let now = NOW + 100 + step as u64;
        let ids: Vec<_> = v.list().into_iter().map(|e| e.id).collect();
        let pick = |i: usize| ids.get(i % ids.len().max(1)).cloned();
        let _ = match op {
            Op::Add(n) => v
                .add(
                    draft(&format!("T{n}"), "u", &format!("p{n}"), "https://a.example"),
                    now,
                    &mut r,
                )
                .map(|_| ()),
            Op::Edit(i, n) => match pick(*i) {
                Some(id) => v.edit(
                    &id,
                    draft(&format!("E{n}"), "u", "q", "https://b.example"),
                    now,
                    &mut r,
                ),
                None => Ok(()),
            },
            Op::Delete(i) => pick(*i).map_or(Ok(()), |id| v.delete(&id, now, &mut r)),
            Op::Reveal(i) => pick(*i).map_or(Ok(()), |id| {
                v.secrets(&id, Access::Reveal, now, &mut r).map(|_| ())
            }),
            Op::Rollback(i) => pick(*i).map_or(Ok(()), |id| v.rollback(&id, 1, now, &mut r)),
        };
        history.push(v.file().clone());
    }
}

fn titles(v: &OpenVault) -> Vec<String> {
    v.list().into_iter().map(|e| e.title).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn merge_is_commutative_and_loses_nothing(
        left in proptest::collection::vec(op(), 0..6),
        right in proptest::collection::vec(op(), 0..6),
    ) {
        let s = scene(500);
        let bob = &keys()[1];
        let mut one = s.file.open(bob, &bob_trust(), &mut rng(1)).unwrap();
        let mut two = s.file.open(bob, &bob_trust(), &mut rng(2)).unwrap();
        apply(&mut one, &left, 11, &mut Vec::new());
        apply(&mut two, &right, 22, &mut Vec::new());

        let ab = one.file().merge(two.file()).unwrap();
        let ba = two.file().merge(one.file()).unwrap();
        prop_assert_eq!(&ab, &ba);
        prop_assert!(ab.contains_all(one.file()));
        prop_assert!(ab.contains_all(two.file()));
        prop_assert!(ab.contains_all(&s.file));
        prop_assert_eq!(ab.merge(&ab).unwrap(), ab.clone());

        // The union opens, and every record of both sides is in its history.
        let merged = ab.open(bob, &bob_trust(), &mut rng(3)).unwrap();
        let merged_json = ab.to_json();
        for side in [one.file(), two.file()] {
            let side: serde_json::Value = serde_json::from_str(&side.to_json()).unwrap();
            for record in side["versions"].as_array().unwrap() {
                prop_assert!(merged_json.contains(record["sig"].as_str().unwrap()));
            }
        }
        let all = merged.list().len();
        prop_assert!(all >= titles(&one).len().min(titles(&two).len()));
    }

    #[test]
    fn history_only_grows(ops in proptest::collection::vec(op(), 1..8)) {
        let s = scene(501);
        let bob = &keys()[1];
        let mut v = s.file.open(bob, &bob_trust(), &mut rng(4)).unwrap();
        let mut history = vec![s.file.clone()];
        apply(&mut v, &ops, 33, &mut history);
        for pair in history.windows(2) {
            prop_assert!(pair[1].contains_all(&pair[0]));
        }
        let mut counter = 0;
        for file in &history {
            let opened = file.open(bob, &bob_trust().with_min_head(counter), &mut rng(5)).unwrap();
            prop_assert!(opened.head_counter() >= counter);
            counter = opened.head_counter();
        }
    }
}

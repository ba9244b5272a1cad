//! Property: whatever sequence of writes goes through, on two profiles and the node registry at once, every chain
//! of the sharded ledger is gapless and the hash chain recomputed off-chain from the entries it emitted equals the
//! head its account holds; a write that fails moves no chain.

mod common;

use common::*;
use proptest::prelude::*;
use solana_signer::Signer;

#[derive(Debug, Clone)]
enum Write {
    CreateTrack(u8),
    UpdateTrack(u8, u8),
    DeleteTrack(u8),
    UpdateProfile(u8),
    Stranger(u8),
    /// A registry write between the profiles' writes.
    AdmitNode,
}

fn write() -> impl Strategy<Value = Write> {
    prop_oneof![
        any::<u8>().prop_map(Write::CreateTrack),
        (any::<u8>(), any::<u8>()).prop_map(|(t, m)| Write::UpdateTrack(t, m)),
        any::<u8>().prop_map(Write::DeleteTrack),
        any::<u8>().prop_map(Write::UpdateProfile),
        any::<u8>().prop_map(Write::Stranger),
        Just(Write::AdmitNode),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_chain_is_gapless_and_matches_its_account(writes in proptest::collection::vec((write(), any::<bool>()), 1..20)) {
        let mut h = Harness::new(1, 1);
        for sp in 1..=3 {
            h.admit_node(sp);
        }
        let artists: Vec<(EthKey, _)> = (1..=2)
            .map(|seed| {
                let eth = EthKey::from_seed(seed);
                let authority = h.create_profile(&eth);
                (eth, authority)
            })
            .collect();
        let stranger = h.funded();
        let mut next_node = 4;
        for (w, second) in writes {
            let (eth, authority) = &artists[usize::from(second)];
            let profile = profile_address(&eth.address);
            let tracks = h.profile(&eth.address).unwrap().track_count;
            let before = h.events.len();
            let registry = matches!(w, Write::AdmitNode);
            // Failing writes (deleted tracks, strangers, missing tracks) must leave every chain untouched.
            let ok = match w {
                Write::AdmitNode => {
                    h.admit_node(next_node);
                    next_node += 1;
                    true
                }
                w => {
                    let (ix, signer) = match w {
                        Write::CreateTrack(seed) => (h.create_track_ix(&authority.pubkey(), &profile, tracks, None, cid(seed), [1, 2, 3]), authority),
                        Write::UpdateTrack(t, m) => (h.update_track_ix(&authority.pubkey(), &profile, u64::from(t) % (tracks + 1), m, [3, 2, 1]), authority),
                        Write::DeleteTrack(t) => (h.delete_track_ix(&authority.pubkey(), &profile, u64::from(t) % (tracks + 1)), authority),
                        Write::UpdateProfile(m) => (h.update_profile_ix(&authority.pubkey(), &profile, m), authority),
                        Write::Stranger(m) => (h.update_profile_ix(&stranger.pubkey(), &profile, m), &stranger),
                        Write::AdmitNode => unreachable!(),
                    };
                    h.send(ix, signer).is_ok()
                }
            };
            prop_assert_eq!(h.events.len(), before + usize::from(ok));
            if ok {
                let ledger = if registry { ledger_address() } else { profile };
                prop_assert_eq!(h.events.last().unwrap().entry.ledger, ledger, "the write extended its own chain");
            }
            h.assert_chains();
        }
        let total: u64 = [ledger_address(), profile_address(&artists[0].0.address), profile_address(&artists[1].0.address)]
            .iter()
            .map(|ledger| h.chain_of(ledger).seq)
            .sum();
        prop_assert_eq!(total, h.events.len() as u64, "every entry is on one of the three chains");
    }
}

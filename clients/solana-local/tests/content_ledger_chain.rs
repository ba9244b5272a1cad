//! Property: whatever sequence of writes goes through, the ledger's sequence numbers are gapless and the hash
//! chain recomputed off-chain from the emitted entries equals the on-chain head.

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
}

fn write() -> impl Strategy<Value = Write> {
    prop_oneof![
        any::<u8>().prop_map(Write::CreateTrack),
        (any::<u8>(), any::<u8>()).prop_map(|(t, m)| Write::UpdateTrack(t, m)),
        any::<u8>().prop_map(Write::DeleteTrack),
        any::<u8>().prop_map(Write::UpdateProfile),
        any::<u8>().prop_map(Write::Stranger),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn ledger_is_gapless_and_chain_matches_head(writes in proptest::collection::vec(write(), 1..14)) {
        let mut h = Harness::new(1, 1);
        for sp in 1..=3 {
            h.admit_node(sp);
        }
        let eth = EthKey::from_seed(1);
        let authority = h.create_profile(&eth);
        let profile = profile_address(&eth.address);
        let stranger = h.funded();
        for w in writes {
            let tracks = h.profile(&eth.address).unwrap().track_count;
            // Failing writes (deleted tracks, strangers, missing tracks) must leave the ledger untouched.
            let (ix, signer) = match w {
                Write::CreateTrack(seed) => (h.create_track_ix(&authority.pubkey(), &profile, tracks, None, cid(seed), [1, 2, 3]), &authority),
                Write::UpdateTrack(t, m) => (h.update_track_ix(&authority.pubkey(), &profile, u64::from(t) % (tracks + 1), m, [3, 2, 1]), &authority),
                Write::DeleteTrack(t) => (h.delete_track_ix(&authority.pubkey(), &profile, u64::from(t) % (tracks + 1)), &authority),
                Write::UpdateProfile(m) => (h.update_profile_ix(&authority.pubkey(), &profile, m), &authority),
                Write::Stranger(m) => (h.update_profile_ix(&stranger.pubkey(), &profile, m), &stranger),
            };
            let before = h.events.len();
            let ok = h.send(ix, signer).is_ok();
            prop_assert_eq!(h.events.len(), before + usize::from(ok));
            let ledger = h.ledger();
            prop_assert_eq!(ledger.seq, h.events.len() as u64);
            prop_assert_eq!(ledger.head, h.recomputed_head());
        }
        for (i, event) in h.events.iter().enumerate() {
            prop_assert_eq!(event.entry.seq, i as u64 + 1);
        }
    }
}

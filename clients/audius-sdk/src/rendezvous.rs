//! Stake-weighted rendezvous ranking: which content nodes hold a piece of content.
//!
//! Every node and client ranks the candidate nodes for a CID the same way, with no coordination: each node gets a
//! score from a hash of (CID, node) and its stake, highest first. The first [`REPLICATION_FACTOR`] are the
//! content's replica set; the rest are the order to fall back in.
//!
//! The score is weighted rendezvous hashing (Schindelhauer & Schomaker): `score = stake / -ln(h)` with `h` the hash
//! mapped into (0, 1). A node wins a CID with probability proportional to its stake, and when a node joins or leaves
//! only the CIDs it wins or held move, never the others.

use sha2::{Digest, Sha256};

pub use audius_content_interface::constants::REPLICATION_FACTOR;

use crate::cid::ContentId;

/// A node that may hold content, with the stake behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The node's service-provider id (the id the content program's records use).
    pub sp_id: u64,
    /// The stake behind the node, in any fixed unit (wei of AUDIO, say); zero never ranks above a staked node.
    pub stake: u128,
}

/// `candidates` ordered for `cid`, best first: ties (equal scores, equal stake) broken by the lower service id.
/// Nodes without stake come last, in service-id order.
pub fn rank(cid: &ContentId, candidates: &[Candidate]) -> Vec<Candidate> {
    let mut scored: Vec<(f64, &Candidate)> = candidates.iter().map(|c| (score(cid, c), c)).collect();
    scored.sort_by(|(a, x), (b, y)| b.total_cmp(a).then(x.sp_id.cmp(&y.sp_id)));
    scored.into_iter().map(|(_, c)| c.clone()).collect()
}

/// The first `count` of [`rank`]: the nodes that should hold `cid`.
pub fn replica_set(cid: &ContentId, candidates: &[Candidate], count: usize) -> Vec<Candidate> {
    let mut ranked = rank(cid, candidates);
    ranked.truncate(count);
    ranked
}

fn score(cid: &ContentId, candidate: &Candidate) -> f64 {
    if candidate.stake == 0 {
        return f64::NEG_INFINITY;
    }
    let hash = Sha256::new().chain_update(cid.to_bytes()).chain_update(candidate.sp_id.to_le_bytes()).finalize();
    let x = u64::from_le_bytes(hash[..8].try_into().expect("8 bytes"));
    // Map to the open interval (0, 1): never 0 (ln → -inf) nor 1 (ln → 0, division by zero).
    let h = (x as f64 + 0.5) / 18_446_744_073_709_551_616.0;
    candidate.stake as f64 / -h.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(stakes: &[u128]) -> Vec<Candidate> {
        stakes.iter().enumerate().map(|(i, &stake)| Candidate { sp_id: i as u64 + 1, stake }).collect()
    }

    fn cids(count: u32) -> impl Iterator<Item = ContentId> {
        (0..count).map(|i| ContentId::of(&i.to_le_bytes()))
    }

    #[test]
    fn every_caller_gets_the_same_order_whatever_the_input_order() {
        let mut candidates = nodes(&[5, 3, 9, 1, 7]);
        let cid = ContentId::of(b"song");
        let first = rank(&cid, &candidates);
        candidates.reverse();
        assert_eq!(rank(&cid, &candidates), first);
        assert_eq!(first.len(), 5);
    }

    #[test]
    fn wins_are_proportional_to_stake() {
        let candidates = nodes(&[1, 2, 4, 8]);
        let mut wins = [0u32; 4];
        let trials = 20_000;
        for cid in cids(trials) {
            wins[rank(&cid, &candidates)[0].sp_id as usize - 1] += 1;
        }
        for (i, &won) in wins.iter().enumerate() {
            let expected = f64::from(trials) * (1u32 << i) as f64 / 15.0;
            let off = (f64::from(won) - expected).abs() / expected;
            assert!(off < 0.06, "node {} won {won}, expected about {expected:.0}", i + 1);
        }
    }

    #[test]
    fn a_leaving_node_moves_only_its_own_content() {
        let all = nodes(&[3, 3, 3, 3, 3, 3]);
        let without_3: Vec<Candidate> = all.iter().filter(|c| c.sp_id != 3).cloned().collect();
        let mut moved = 0;
        for cid in cids(2_000) {
            let before = replica_set(&cid, &all, 3);
            let after = replica_set(&cid, &without_3, 3);
            if before.iter().any(|c| c.sp_id == 3) {
                moved += 1;
                // The survivors keep their places; the next in line takes the free one.
                let kept: Vec<_> = before.iter().filter(|c| c.sp_id != 3).collect();
                assert!(kept.iter().all(|c| after.contains(c)));
            } else {
                assert_eq!(before, after);
            }
        }
        assert!(moved > 0);
    }

    #[test]
    fn unstaked_nodes_rank_last() {
        let candidates = nodes(&[0, 1, 0, 1]);
        for cid in cids(50) {
            let ranked = rank(&cid, &candidates);
            assert!(ranked[..2].iter().all(|c| c.stake == 1));
            assert_eq!([ranked[2].sp_id, ranked[3].sp_id], [1, 3]);
        }
    }

    #[test]
    fn replica_set_is_the_head_of_the_ranking() {
        let candidates = nodes(&[1, 1]);
        let cid = ContentId::of(b"x");
        assert_eq!(replica_set(&cid, &candidates, 3).len(), 2);
        assert_eq!(replica_set(&cid, &candidates, 1), rank(&cid, &candidates)[..1].to_vec());
    }
}

//! The content ledger's hash chain and record hashes.

/// The chain step: `sha256(previous head ‖ borsh(entry))`, given the entry's borsh bytes.
pub fn chain_step(previous_head: &[u8; 32], entry_borsh: &[u8]) -> [u8; 32] {
    solana_sha256_hasher::hashv(&[previous_head, entry_borsh]).to_bytes()
}

/// sha256 of a record's borsh serialization: the `data_hash` of the ledger entries about it.
pub fn record_hash(record_borsh: &[u8]) -> [u8; 32] {
    solana_sha256_hasher::hash(record_borsh).to_bytes()
}

/// A profile's attested stake tier at unix time `now`: the tier until `tier_expires_at` (inclusive), none after.
pub fn tier_at(tier: u8, tier_expires_at: i64, now: i64) -> u8 {
    if now <= tier_expires_at {
        tier
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tier_lapses_after_its_expiry_second() {
        assert_eq!(tier_at(3, 100, 100), 3);
        assert_eq!(tier_at(3, 100, 101), 0);
    }

    #[test]
    fn the_chain_depends_on_the_previous_head_and_every_byte() {
        let a = chain_step(&[0; 32], b"entry");
        assert_ne!(a, chain_step(&[1; 32], b"entry"));
        assert_ne!(a, chain_step(&[0; 32], b"entrz"));
    }
}

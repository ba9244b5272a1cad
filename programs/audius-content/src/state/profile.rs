use anchor_lang::prelude::*;

use crate::constants::CID_LEN;

/// A user or artist, keyed by Ethereum address and bound to a Solana authority by a proof signed with the
/// Ethereum key.
#[account]
#[derive(InitSpace, Debug, PartialEq, Eq)]
pub struct Profile {
    pub eth_address: [u8; 20],
    pub authority: Pubkey,
    /// CID of the profile metadata (all zero: none).
    pub metadata_cid: [u8; CID_LEN],
    /// Nonce the next Ethereum proof must carry; every accepted proof moves it on.
    pub nonce: u64,
    /// Tracks created so far: the next track's id.
    pub track_count: u64,
    pub created_at: i64,
    pub updated_at: i64,
    /// Stake tier attested from Ethereum (`FeatureAccess.tierOf`: 0 none … 4 platinum), valid until
    /// `tier_expires_at`; apps treat an expired tier as none.
    pub tier: u8,
    pub tier_expires_at: i64,
    pub bump: u8,
}

impl Profile {
    /// The attested tier at unix time `now` (0 once it has expired).
    pub fn tier_at(&self, now: i64) -> u8 {
        audius_content_interface::ledger::tier_at(self.tier, self.tier_expires_at, now)
    }
}

/// An app key's right to write on a profile's behalf; revoking closes it.
#[account]
#[derive(InitSpace, Debug, PartialEq, Eq)]
pub struct AppGrant {
    pub profile: Pubkey,
    pub app: Pubkey,
    /// The profile's authority epoch (proof nonce) when granted; the grant is void once the authority rotates.
    pub epoch: u64,
    pub bump: u8,
}

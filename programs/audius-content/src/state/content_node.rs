use alloc::string::String;

use anchor_lang::prelude::*;

use crate::constants::MAX_ENDPOINT_LEN;

/// A content node admitted on the attestation of a quorum of attesters over its Ethereum registration.
#[account(borsh)]
#[derive(InitSpace)]
pub struct ContentNode {
    /// Layout version (`LAYOUT_VERSION`).
    pub version: u8,
    /// Service-provider id on Ethereum (the ServiceRegistry's service id).
    pub sp_id: u64,
    pub owner_wallet: [u8; 20],
    pub delegate_wallet: [u8; 20],
    #[max_len(MAX_ENDPOINT_LEN)]
    pub endpoint: String,
    pub admitted_at: i64,
    /// Who paid the record's rent on admission: its removal pays the rent back there.
    pub rent_payer: Address,
    pub bump: u8,
}

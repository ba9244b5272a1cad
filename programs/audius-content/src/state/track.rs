use anchor_lang::prelude::*;

use crate::constants::{CID_LEN, REPLICATION_FACTOR};

/// A track's metadata record: who owns it, its content's CID (the "reference code"), its metadata CID and the
/// content nodes that hold it.
#[account(borsh)]
#[derive(InitSpace)]
pub struct Track {
    /// Layout version (`LAYOUT_VERSION`).
    pub version: u8,
    /// The owner's profile.
    pub profile: Address,
    pub track_id: u64,
    pub content_cid: [u8; CID_LEN],
    pub metadata_cid: [u8; CID_LEN],
    /// Service-provider ids of the replica nodes, all distinct and registered.
    pub replicas: [u64; REPLICATION_FACTOR],
    pub created_at: i64,
    pub updated_at: i64,
    /// Who paid the record's rent (the writer, or an app sponsoring it): deleting the track closes the record and
    /// pays the rent back there.
    pub rent_payer: Address,
    pub bump: u8,
}

//! The discovery node's documents.

use alloy::primitives::Address;
use serde::{Deserialize, Serialize};

use crate::cid::ContentId;

/// `GET /health` of a discovery node.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Health {
    /// Its software version.
    pub version: String,
    /// How far it has indexed.
    pub indexed: Indexed,
    /// The cluster, as last read.
    pub chain: ChainSlot,
    /// How far behind the cluster the index is.
    pub lag: Lag,
    /// Why indexing stopped for good (forged or mismatched data), if it did.
    pub halted: Option<String>,
    /// The last error indexing retried after.
    pub last_error: Option<String>,
    /// Its registration as a discovery node, when an endpoint is configured.
    pub registration: Option<String>,
}

/// The index's position.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Indexed {
    /// Entries indexed (the position of the last).
    pub position: i64,
    /// The slot of the last indexed transaction.
    pub slot: i64,
}

/// The cluster's slot.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct ChainSlot {
    /// The slot.
    pub slot: u64,
}

/// The index's lag.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Lag {
    /// Slots between the cluster and the last indexed transaction.
    pub slots: u64,
}

/// `GET /v1/uploads/{cid}` and each event of `/v1/uploads/{cid}/events`: whether an upload's track is indexed yet.
/// `T` is a track as `/v1/tracks/{address}` answers it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct UploadStatus<T> {
    /// The upload's CID.
    pub cid: ContentId,
    /// Where it is.
    #[serde(flatten)]
    pub state: UploadState<T>,
}

/// Where an upload is.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum UploadState<T> {
    /// No live track names it yet.
    Pending,
    /// Indexed: the live tracks that name it.
    Indexed {
        /// The tracks.
        tracks: Vec<T>,
    },
}

/// An entry of `GET /v1/content-nodes`: a content node admitted on Solana, as the index holds it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ContentNodeEntry {
    /// Its service id.
    pub sp_id: i64,
    /// Where it answers.
    pub endpoint: String,
    /// Its operator.
    pub owner_wallet: String,
    /// The key it signs with.
    pub delegate_wallet: String,
    /// Its operator's active stake in wei (decimal), when Ethereum is configured and the node is eligible.
    pub stake: Option<String>,
    /// Whether its `/health` answered lately.
    pub healthy: bool,
    /// Whether it passes the SDK's eligibility rule, when Ethereum is configured.
    pub eligible: Option<bool>,
}

/// An entry of `GET /v1/content/{cid}/nodes`: a node holding the content, best first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ContentSource {
    /// Its service id.
    pub sp_id: i64,
    /// Where it answers.
    pub endpoint: String,
    /// The content's URL on it.
    pub url: String,
}

/// `GET /v1/attest`: an attester's key and whether both chains count it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AttesterIdentity {
    /// The key it signs attestations with.
    pub signer: Address,
    /// Whether Issuance on Ethereum lists it.
    pub ethereum_attester: bool,
    /// Whether the content program on Solana lists it.
    pub solana_attester: bool,
}

//! The content node's documents (its upload answer is [`crate::upload::UploadReceipt`]).

use alloy::primitives::Address;
use serde::{Deserialize, Serialize};

/// A content node's standing in the registry: whether it takes writes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Registration {
    /// Not read yet, or the registry could not be read.
    Unknown {
        /// Why.
        reason: String,
    },
    /// Registered and allowed to take writes.
    Registered {
        /// Its service id.
        sp_id: u64,
    },
    /// Not allowed to take writes.
    Refused {
        /// Its service id, when registered at all.
        sp_id: Option<u64>,
        /// Why.
        reason: String,
    },
}

impl Registration {
    /// The service id, when writes are allowed.
    pub fn writable(&self) -> Option<u64> {
        match self {
            Registration::Registered { sp_id } => Some(*sp_id),
            _ => None,
        }
    }
}

/// A content node's answer to `DELETE /v1/content/{cid}` (an [`UnpinRequest`](crate::upload::UnpinRequest)).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Unpinned {
    /// The audio's CID.
    pub cid: crate::cid::ContentId,
    /// Whether the node held it (and now does not); `false` when it never did.
    pub removed: bool,
}

/// What a content node holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Storage {
    /// Blobs stored.
    pub blobs: u64,
    /// Free bytes on its data disk, when it can tell.
    pub free_bytes: Option<u64>,
}

/// `GET /health` of a content node.
#[cfg(feature = "rpc")]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Health {
    /// Its software version.
    pub version: String,
    /// The endpoint it is configured to answer at.
    pub endpoint: String,
    /// The key it signs with.
    pub delegate_wallet: Address,
    /// The Ethereum chain its registry is on.
    pub chain_id: u64,
    /// Whether it takes writes.
    pub registration: Registration,
    /// The content nodes it replicates to and repairs from (itself included): the eligible ones.
    pub peers: Vec<crate::nodes::EligibleNode>,
    /// What it holds.
    pub storage: Storage,
    /// The largest upload it takes.
    pub max_upload_bytes: u64,
}

//! Content identifiers: the "reference code" of a file, as content nodes compute it and the content program stores
//! it.
//!
//! A CID here is always CIDv1 with the `raw` codec and a sha2-256 multihash of the file's bytes: 36 bytes in binary
//! (the form the program stores, [`CID_LEN`]), `bafkrei…` in text (base32, the form people and URLs use). Two nodes
//! that hold the same bytes compute the same CID, so a replica proves it holds the file by the CID alone.

use std::{fmt, str::FromStr};

use sha2::{Digest, Sha256};

pub use audius_content_interface::constants::CID_LEN;

/// Multicodec of raw bytes.
const RAW_CODEC: u64 = 0x55;
/// Multihash code of sha2-256.
const SHA2_256: u64 = 0x12;

/// A content identifier (CIDv1, raw codec, sha2-256).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentId([u8; CID_LEN]);

/// Why text or bytes are not a content identifier of the kind the protocol uses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CidError {
    /// Not a CID at all.
    #[error("{0:?} is not a CID: {1}")]
    Malformed(String, String),
    /// A CID, but not CIDv1 + raw + sha2-256.
    #[error("CID {0} is not a CIDv1 of raw bytes hashed with sha2-256")]
    Unsupported(String),
}

impl ContentId {
    /// The CID of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        let mut hasher = CidHasher::new();
        hasher.update(bytes);
        hasher.finish()
    }

    /// The CID of a sha2-256 digest of some content.
    pub fn from_sha256(digest: [u8; 32]) -> Self {
        let mut bytes = [0u8; CID_LEN];
        bytes[..4].copy_from_slice(&[0x01, RAW_CODEC as u8, SHA2_256 as u8, 32]);
        bytes[4..].copy_from_slice(&digest);
        Self(bytes)
    }

    /// The binary form the content program stores.
    pub fn to_bytes(self) -> [u8; CID_LEN] {
        self.0
    }

    /// Read the binary form the content program stores.
    pub fn from_bytes(bytes: [u8; CID_LEN]) -> Result<Self, CidError> {
        let cid = cid::Cid::try_from(&bytes[..])
            .map_err(|error| CidError::Malformed(alloy::hex::encode(bytes), error.to_string()))?;
        Self::from_cid(&cid)
    }

    /// The sha2-256 digest of the content.
    pub fn digest(&self) -> [u8; 32] {
        self.0[4..].try_into().expect("36-byte CID holds a 32-byte digest")
    }

    fn from_cid(cid: &cid::Cid) -> Result<Self, CidError> {
        let hash = cid.hash();
        if cid.version() != cid::Version::V1 || cid.codec() != RAW_CODEC || hash.code() != SHA2_256 || hash.size() != 32
        {
            return Err(CidError::Unsupported(cid.to_string()));
        }
        Ok(Self::from_sha256(hash.digest().try_into().expect("size checked")))
    }

    fn as_cid(&self) -> cid::Cid {
        cid::Cid::try_from(&self.0[..]).expect("a ContentId is always a valid CID")
    }
}

impl fmt::Display for ContentId {
    /// Base32 text (`bafkrei…`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_cid())
    }
}

impl fmt::Debug for ContentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentId({self})")
    }
}

impl FromStr for ContentId {
    type Err = CidError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let cid = cid::Cid::try_from(text).map_err(|error| CidError::Malformed(text.to_owned(), error.to_string()))?;
        Self::from_cid(&cid)
    }
}

impl serde::Serialize for ContentId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ContentId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Computes a [`ContentId`] over content that arrives in pieces (an upload stream), without holding it whole.
#[derive(Clone, Default)]
pub struct CidHasher(Sha256);

impl CidHasher {
    /// A hasher over no bytes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feed the next piece.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The CID of everything fed.
    pub fn finish(self) -> ContentId {
        ContentId::from_sha256(self.0.finalize().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_ipfs_cid_of_known_content() {
        // `ipfs add --cid-version 1 --raw-leaves` of the 11 bytes "hello world" (a single raw block).
        assert_eq!(
            ContentId::of(b"hello world").to_string(),
            "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"
        );
    }

    #[test]
    fn streaming_equals_one_shot() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut hasher = CidHasher::new();
        for piece in data.chunks(4093) {
            hasher.update(piece);
        }
        assert_eq!(hasher.finish(), ContentId::of(&data));
    }

    #[test]
    fn text_and_binary_round_trip() {
        let cid = ContentId::of(b"track");
        assert_eq!(cid.to_string().parse::<ContentId>().unwrap(), cid);
        assert_eq!(ContentId::from_bytes(cid.to_bytes()).unwrap(), cid);
        assert_eq!(&cid.to_bytes()[..4], &[0x01, 0x55, 0x12, 0x20]);
        let json = serde_json::to_string(&cid).unwrap();
        assert_eq!(serde_json::from_str::<ContentId>(&json).unwrap(), cid);
    }

    #[test]
    fn refuses_other_cids_and_garbage() {
        // CIDv0 (dag-pb, base58) is a valid CID but not one the protocol stores.
        let v0 = "QmWATWQ7fVPP2EFGu71UkfnqhYXDYH566qy47CnJDgvs8u";
        assert_eq!(v0.parse::<ContentId>().unwrap_err(), CidError::Unsupported(v0.into()));
        assert!(matches!("not-a-cid".parse::<ContentId>(), Err(CidError::Malformed(..))));
        let mut bytes = ContentId::of(b"x").to_bytes();
        bytes[1] = 0x70; // dag-pb codec
        assert!(matches!(ContentId::from_bytes(bytes), Err(CidError::Unsupported(_))));
        bytes[0] = 0xff;
        assert!(matches!(ContentId::from_bytes(bytes), Err(CidError::Malformed(..))));
    }

    #[test]
    fn program_accepts_the_prefix() {
        // The content program checks these four bytes (verify.rs); a CID from here must pass.
        let bytes = ContentId::of(b"").to_bytes();
        assert!(bytes[0] == 0x01 && bytes[1] < 0x80 && bytes[2] == 0x12 && bytes[3] == 0x20);
    }
}

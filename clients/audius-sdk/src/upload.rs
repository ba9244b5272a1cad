//! The signed messages of the upload path, defined once for the clients that sign them and the content nodes that
//! check them.
//!
//! - [`UploadGrant`]: an artist's Ethereum key allows one upload of one file (by CID and size) to one content node
//!   of one network, once (nonce) and until a deadline.
//! - [`ReplicaTransfer`]: a content node's delegate key vouches for a blob it pushes to another node.
//! - [`UnpinRequest`]: an artist's Ethereum key asks one node to drop the audio of a deleted track, once and until a
//!   deadline (the node drops it only if no live track record on Solana still names it for that audio).
//!
//! All are EIP-191 `personal_sign` messages over a domain tag and every field, so a signature for one node, chain,
//! file, size or time cannot be replayed for another.
//!
//! [`publish`] is the artist's whole upload built on them.

use alloy::{
    primitives::{eip191_hash_message, keccak256, Address, Signature, B256},
    signers::{local::PrivateKeySigner, SignerSync},
};

use crate::cid::ContentId;

#[cfg(all(feature = "upload-client", feature = "rpc"))]
pub mod publish;

/// Domain tag of upload grants.
pub const UPLOAD_TAG: &[u8] = b"audius:upload:v1";
/// Domain tag of replica transfers.
pub const REPLICA_TAG: &[u8] = b"audius:replica:v1";
/// Domain tag of unpin requests.
pub const UNPIN_TAG: &[u8] = b"audius:unpin:v1";

/// HTTP headers that carry the signed fields (the body is the file).
pub mod headers {
    /// The signer's Ethereum address.
    pub const SIGNER: &str = "x-audius-signer";
    /// The CID the body must hash to.
    pub const CID: &str = "x-audius-cid";
    /// Replay protection.
    pub const NONCE: &str = "x-audius-nonce";
    /// Unix seconds after which the signature is void.
    pub const EXPIRES: &str = "x-audius-expires";
    /// Service id of the node the request is for.
    pub const NODE: &str = "x-audius-node";
    /// Service id of the node sending a replica.
    pub const FROM_NODE: &str = "x-audius-from-node";
    /// The signature, hex: 65 bytes (secp256k1) by the artist's Ethereum key, or 64 bytes (ed25519) by the app
    /// key in [`APP_KEY`].
    pub const SIGNATURE: &str = "x-audius-signature";
    /// An app key (base58 Solana address) that signed instead of the artist: the profile's authority or an app it
    /// granted.
    pub const APP_KEY: &str = "x-audius-app-key";
}

/// Why a request's signed headers could not be read: what is missing is unsigned (a node answers 401), what does
/// not parse is malformed (400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// A signed field or the signature is absent.
    #[error("missing header {0}: uploads must be signed")]
    Missing(&'static str),
    /// A field does not parse as its type.
    #[error("header {0} is malformed")]
    Malformed(&'static str),
    /// The signature is not hex.
    #[error("the signature is not hex")]
    SignatureNotHex,
    /// The app key is not a Solana address.
    #[error("header {} is not a Solana address", headers::APP_KEY)]
    AppKey,
}

impl HeaderError {
    /// Whether the request is unsigned (as opposed to malformed).
    pub fn is_unsigned(&self) -> bool {
        matches!(self, HeaderError::Missing(_) | HeaderError::SignatureNotHex)
    }
}

/// A node answers an unsigned request 401 and a malformed one 400.
#[cfg(feature = "server")]
impl From<HeaderError> for crate::api::ApiError {
    fn from(error: HeaderError) -> Self {
        let status = if error.is_unsigned() { http::StatusCode::UNAUTHORIZED } else { http::StatusCode::BAD_REQUEST };
        crate::api::ApiError::new(status, error.to_string())
    }
}

fn header_text<'a>(map: &'a http::HeaderMap, name: &'static str) -> Result<&'a str, HeaderError> {
    map.get(name).and_then(|value| value.to_str().ok()).ok_or(HeaderError::Missing(name))
}

fn header_parsed<T: std::str::FromStr>(map: &http::HeaderMap, name: &'static str) -> Result<T, HeaderError> {
    header_text(map, name)?.parse().map_err(|_| HeaderError::Malformed(name))
}

fn header_signature(map: &http::HeaderMap) -> Result<Vec<u8>, HeaderError> {
    alloy::hex::decode(header_text(map, headers::SIGNATURE)?).map_err(|_| HeaderError::SignatureNotHex)
}

fn put(map: &mut http::HeaderMap, name: &'static str, value: impl std::fmt::Display) {
    let value = http::HeaderValue::try_from(value.to_string()).expect("numbers, hex and base58 are valid headers");
    map.insert(name, value);
}

/// An upload grant as a request carries it, its signature not yet checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedGrant {
    /// The signed fields.
    pub grant: UploadGrant,
    /// The app key that claims to have signed, or `None` for the artist's Ethereum key.
    pub app: Option<anchor_lang::prelude::Pubkey>,
    /// The signature's bytes.
    pub signature: Vec<u8>,
}

impl SignedGrant {
    /// Check the signature: by the artist's Ethereum key, or by the app key named.
    #[cfg(feature = "rpc")]
    pub fn verify(&self) -> Result<(), SignatureError> {
        match &self.app {
            None => self.grant.verify(&self.signature),
            Some(app) => self.grant.verify_app(app, &self.signature),
        }
    }
}

/// Why a signed message was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The signature is not 65 well-formed bytes.
    #[error("the signature is malformed")]
    Malformed,
    /// It was made by another key than the one the message names.
    #[error("the signature is by {recovered}, not {expected}")]
    WrongSigner {
        /// The key named.
        expected: Address,
        /// The key that signed.
        recovered: Address,
    },
    /// Not the named app key's signature.
    #[error("the signature is not by app key {0}")]
    WrongApp(anchor_lang::prelude::Pubkey),
    /// Its deadline has passed.
    #[error("the signature expired at {expires_at} (now {now})")]
    Expired {
        /// The deadline.
        expires_at: u64,
        /// The checker's clock.
        now: u64,
    },
    /// Its deadline is further away than the checker allows.
    #[error("the signature is valid until {expires_at}, more than {max_seconds} s ahead; sign a shorter one")]
    TooLong {
        /// The deadline.
        expires_at: u64,
        /// The most the checker accepts.
        max_seconds: u64,
    },
}

fn sign(key: &PrivateKeySigner, digest: B256) -> Signature {
    key.sign_hash_sync(&eip191_hash_message(digest)).expect("secp256k1 signing")
}

fn check(digest: B256, signature: &[u8], expected: Address) -> Result<(), SignatureError> {
    let signature = Signature::try_from(signature).map_err(|_| SignatureError::Malformed)?;
    let recovered =
        signature.recover_address_from_prehash(&eip191_hash_message(digest)).map_err(|_| SignatureError::Malformed)?;
    if recovered != expected {
        return Err(SignatureError::WrongSigner { expected, recovered });
    }
    Ok(())
}

pub use crate::time::unix_now;

/// Check a deadline against `now`, allowing at most `max_seconds` ahead.
pub fn check_deadline(expires_at: u64, now: u64, max_seconds: u64) -> Result<(), SignatureError> {
    if expires_at < now {
        return Err(SignatureError::Expired { expires_at, now });
    }
    if expires_at - now > max_seconds {
        return Err(SignatureError::TooLong { expires_at, max_seconds });
    }
    Ok(())
}

/// An artist's permission for one upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadGrant {
    /// Chain id of the Ethereum network whose registry the node is in.
    pub chain_id: u64,
    /// Service id of the content node that receives the upload.
    pub node: u64,
    /// The artist's Ethereum address (its profile's key).
    pub artist: Address,
    /// The file's CID.
    pub cid: ContentId,
    /// The file's size in bytes.
    pub size: u64,
    /// Any number the artist has not used with this node before.
    pub nonce: u64,
    /// Unix seconds after which the grant is void.
    pub expires_at: u64,
}

impl UploadGrant {
    /// The headers that carry this grant and `auth`'s signature (the body is the file; its Content-Length is the
    /// size).
    pub fn to_headers(&self, auth: &UploadAuth) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        match auth {
            UploadAuth::Artist(signature) => {
                put(&mut map, headers::SIGNATURE, alloy::hex::encode(signature.as_bytes()))
            }
            UploadAuth::App { key, signature } => {
                put(&mut map, headers::APP_KEY, key);
                put(&mut map, headers::SIGNATURE, alloy::hex::encode(signature));
            }
        }
        put(&mut map, headers::SIGNER, self.artist);
        put(&mut map, headers::CID, self.cid);
        put(&mut map, headers::NONCE, self.nonce);
        put(&mut map, headers::EXPIRES, self.expires_at);
        put(&mut map, headers::NODE, self.node);
        map
    }

    /// The grant a request's headers carry: `chain_id` is the receiving node's and `size` the request's
    /// Content-Length (both are signed over; neither travels apart).
    pub fn from_headers(map: &http::HeaderMap, chain_id: u64, size: u64) -> Result<SignedGrant, HeaderError> {
        let grant = UploadGrant {
            chain_id,
            node: header_parsed(map, headers::NODE)?,
            artist: header_parsed(map, headers::SIGNER)?,
            cid: header_parsed(map, headers::CID)?,
            size,
            nonce: header_parsed(map, headers::NONCE)?,
            expires_at: header_parsed(map, headers::EXPIRES)?,
        };
        let app = match map.get(headers::APP_KEY) {
            None => None,
            Some(value) => Some(value.to_str().ok().and_then(|text| text.parse().ok()).ok_or(HeaderError::AppKey)?),
        };
        Ok(SignedGrant { grant, app, signature: header_signature(map)? })
    }

    /// The 32 bytes the artist signs (before the EIP-191 prefix).
    pub fn digest(&self) -> B256 {
        keccak256(
            [
                UPLOAD_TAG,
                &self.chain_id.to_be_bytes(),
                &self.node.to_be_bytes(),
                self.artist.as_slice(),
                &self.cid.to_bytes(),
                &self.size.to_be_bytes(),
                &self.nonce.to_be_bytes(),
                &self.expires_at.to_be_bytes(),
            ]
            .concat(),
        )
    }

    /// Sign with the artist's key.
    pub fn sign(&self, key: &PrivateKeySigner) -> Signature {
        sign(key, self.digest())
    }

    /// Check that `signature` is the artist's over exactly this grant.
    pub fn verify(&self, signature: &[u8]) -> Result<(), SignatureError> {
        check(self.digest(), signature, self.artist)
    }

    /// Sign with a Solana app key instead (the profile's authority, or an app it granted): ed25519 over the same
    /// digest.
    #[cfg(feature = "rpc")]
    pub fn sign_as_app(&self, app: &solana_keypair::Keypair) -> [u8; 64] {
        use solana_signer::Signer;
        app.sign_message(self.digest().as_slice()).into()
    }

    /// Check that `signature` is `app`'s ed25519 signature over exactly this grant (whether `app` may write for the
    /// profile is the content program's to say).
    #[cfg(feature = "rpc")]
    pub fn verify_app(&self, app: &anchor_lang::prelude::Pubkey, signature: &[u8]) -> Result<(), SignatureError> {
        let signature = solana_signature::Signature::try_from(signature).map_err(|_| SignatureError::Malformed)?;
        if signature.verify(app.as_ref(), self.digest().as_slice()) {
            Ok(())
        } else {
            Err(SignatureError::WrongApp(*app))
        }
    }
}

/// An artist's request that one content node stop holding and serving an audio blob (after deleting the track that
/// named it). The node checks the signature, its own id, the deadline and the nonce, and then the chain: it keeps the
/// blob while any live track record names it as a replica for that audio, or while an upload of it may still be on
/// its way to being recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnpinRequest {
    /// Chain id of the Ethereum network whose registry the node is in.
    pub chain_id: u64,
    /// Service id of the content node asked.
    pub node: u64,
    /// The signer's Ethereum address.
    pub artist: Address,
    /// The audio's CID.
    pub cid: ContentId,
    /// Any number the signer has not used with this node before.
    pub nonce: u64,
    /// Unix seconds after which the request is void.
    pub expires_at: u64,
}

impl UnpinRequest {
    /// The headers that carry this request and its signature (`DELETE /v1/content/{cid}` names the CID).
    pub fn to_headers(&self, signature: &Signature) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        put(&mut map, headers::SIGNATURE, alloy::hex::encode(signature.as_bytes()));
        put(&mut map, headers::SIGNER, self.artist);
        put(&mut map, headers::NONCE, self.nonce);
        put(&mut map, headers::EXPIRES, self.expires_at);
        put(&mut map, headers::NODE, self.node);
        map
    }

    /// The request a `DELETE` of `cid` carries in its headers, for the node's `chain_id`, and its signature (not
    /// checked yet).
    pub fn from_headers(map: &http::HeaderMap, chain_id: u64, cid: ContentId) -> Result<(Self, Vec<u8>), HeaderError> {
        let request = UnpinRequest {
            chain_id,
            node: header_parsed(map, headers::NODE)?,
            artist: header_parsed(map, headers::SIGNER)?,
            cid,
            nonce: header_parsed(map, headers::NONCE)?,
            expires_at: header_parsed(map, headers::EXPIRES)?,
        };
        Ok((request, header_signature(map)?))
    }

    /// The 32 bytes the artist signs (before the EIP-191 prefix).
    pub fn digest(&self) -> B256 {
        keccak256(
            [
                UNPIN_TAG,
                &self.chain_id.to_be_bytes(),
                &self.node.to_be_bytes(),
                self.artist.as_slice(),
                &self.cid.to_bytes(),
                &self.nonce.to_be_bytes(),
                &self.expires_at.to_be_bytes(),
            ]
            .concat(),
        )
    }

    /// Sign with the artist's key.
    pub fn sign(&self, key: &PrivateKeySigner) -> Signature {
        sign(key, self.digest())
    }

    /// Check that `signature` is the artist's over exactly this request.
    pub fn verify(&self, signature: &[u8]) -> Result<(), SignatureError> {
        check(self.digest(), signature, self.artist)
    }
}

/// Who signed an upload grant.
#[derive(Debug, Clone)]
pub enum UploadAuth {
    /// The artist's Ethereum key.
    Artist(Signature),
    /// A Solana app key: the profile's authority or an app it granted.
    App {
        /// The app's address.
        key: anchor_lang::prelude::Pubkey,
        /// Its ed25519 signature.
        signature: [u8; 64],
    },
}

/// A node's statement that it pushes a blob to another node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaTransfer {
    /// Chain id of the Ethereum network whose registry both nodes are in.
    pub chain_id: u64,
    /// Service id of the sender.
    pub from: u64,
    /// Service id of the receiver.
    pub to: u64,
    /// The blob's CID.
    pub cid: ContentId,
    /// The blob's size in bytes.
    pub size: u64,
    /// Unix seconds after which the transfer is void.
    pub expires_at: u64,
}

impl ReplicaTransfer {
    /// The headers that carry this transfer and its signature (the body is the blob).
    pub fn to_headers(&self, signature: &Signature) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        put(&mut map, headers::FROM_NODE, self.from);
        put(&mut map, headers::NODE, self.to);
        put(&mut map, headers::EXPIRES, self.expires_at);
        put(&mut map, headers::SIGNATURE, alloy::hex::encode(signature.as_bytes()));
        map
    }

    /// The transfer a request's headers carry, with its signature's bytes (not yet checked): `chain_id` is the
    /// receiving node's, `cid` the request's path and `size` its Content-Length.
    pub fn from_headers(
        map: &http::HeaderMap,
        chain_id: u64,
        cid: ContentId,
        size: u64,
    ) -> Result<(Self, Vec<u8>), HeaderError> {
        let transfer = ReplicaTransfer {
            chain_id,
            from: header_parsed(map, headers::FROM_NODE)?,
            to: header_parsed(map, headers::NODE)?,
            cid,
            size,
            expires_at: header_parsed(map, headers::EXPIRES)?,
        };
        Ok((transfer, header_signature(map)?))
    }

    /// The 32 bytes the sender's delegate key signs (before the EIP-191 prefix).
    pub fn digest(&self) -> B256 {
        keccak256(
            [
                REPLICA_TAG,
                &self.chain_id.to_be_bytes(),
                &self.from.to_be_bytes(),
                &self.to.to_be_bytes(),
                &self.cid.to_bytes(),
                &self.size.to_be_bytes(),
                &self.expires_at.to_be_bytes(),
            ]
            .concat(),
        )
    }

    /// Sign with the sender's delegate key.
    pub fn sign(&self, key: &PrivateKeySigner) -> Signature {
        sign(key, self.digest())
    }

    /// Check that `signature` is by `sender_wallet` over exactly this transfer.
    pub fn verify(&self, signature: &[u8], sender_wallet: Address) -> Result<(), SignatureError> {
        check(self.digest(), signature, sender_wallet)
    }
}

/// What a content node answers to an accepted upload.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct UploadReceipt {
    /// The CID the node computed (equal to the signed one).
    pub cid: ContentId,
    /// Bytes stored.
    pub size: u64,
    /// MIME type it will be served with.
    pub content_type: String,
    /// The codec the node found in it (`mp3`, `flac`, `pcm_s16le`, …), or `metadata` for a metadata document.
    pub codec: String,
    /// Service ids of the nodes holding it: the receiving node first.
    pub replicas: Vec<u64>,
}

/// A writer's request for a node's replica receipt (`POST /v1/content/{cid}/receipts`): the node's signed word that
/// it holds the blob as a replica of the track at `track`, which `create_track` and a replica change need from each
/// of the track's three nodes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct ReceiptRequest {
    /// The track record's address (base58).
    pub track: String,
    /// Unix seconds until which the receipt holds: in the future, at most `MAX_RECEIPT_SECS` ahead.
    pub expires_at: i64,
}

/// A node's replica receipt: its delegate key's signature over the content program's
/// `replica_receipt_digest(cluster, track, cid, node, expires_at)`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct ReplicaReceipt {
    /// The signing node's service id.
    pub node: u64,
    /// The track record's address (base58).
    pub track: String,
    /// The blob.
    pub cid: ContentId,
    /// Unix seconds until which it holds.
    pub expires_at: i64,
    /// The 65-byte signature, hex.
    pub signature: String,
}

/// Why an upload did not go through.
#[cfg(feature = "upload-client")]
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The node refused the upload (4xx); another node would refuse it too.
    #[error("the content node refused the upload ({status}): {message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The node's explanation.
        message: String,
    },
    /// The node could not complete it (5xx) or could not be reached; another node may.
    #[error("the content node failed: {0}")]
    Unavailable(String),
    /// The file could not be read.
    #[error("reading the file: {0}")]
    File(#[from] std::io::Error),
    /// A node answered a receipt the content program would refuse (another track, CID, expiry or key).
    #[error("content node {node} answered a receipt that does not hold: {reason}")]
    BadReceipt {
        /// The node's service id.
        node: u64,
        /// What is wrong with it.
        reason: String,
    },
}

/// Upload `path` to the node at `endpoint` under a signed grant; `progress` is called with the bytes sent so far.
#[cfg(feature = "upload-client")]
pub async fn upload_file(
    http: &reqwest::Client,
    endpoint: &str,
    grant: &UploadGrant,
    auth: &UploadAuth,
    path: &std::path::Path,
    content_type: &str,
    progress: impl Fn(u64) + Send + Sync + 'static,
) -> Result<UploadReceipt, UploadError> {
    use futures_util::StreamExt;

    let file = tokio::fs::File::open(path).await?;
    let mut sent = 0u64;
    let body = tokio_util::io::ReaderStream::with_capacity(file, 1 << 16).map(move |piece| {
        if let Ok(bytes) = &piece {
            sent += bytes.len() as u64;
            progress(sent);
        }
        piece
    });
    let response = http
        .post(format!("{}/v1/uploads", endpoint.trim_end_matches('/')))
        .headers(grant.to_headers(auth))
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .header(reqwest::header::CONTENT_LENGTH, grant.size)
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await
        .map_err(|error| UploadError::Unavailable(error.to_string()))?;
    answer(response).await
}

/// Ask the node at `endpoint` for its receipt for `cid` as a replica of the track at `track`, valid until
/// `expires_at`.
#[cfg(feature = "upload-client")]
pub async fn request_receipt(
    http: &reqwest::Client,
    endpoint: &str,
    cid: &ContentId,
    track: &anchor_lang::prelude::Pubkey,
    expires_at: i64,
) -> Result<ReplicaReceipt, UploadError> {
    let request = ReceiptRequest { track: track.to_string(), expires_at };
    let response = http
        .post(format!("{}/v1/content/{cid}/receipts", endpoint.trim_end_matches('/')))
        .json(&request)
        .send()
        .await
        .map_err(|error| UploadError::Unavailable(error.to_string()))?;
    answer(response).await
}

/// The receipts of a track's three replica `nodes` (their content-program records, in the track's replica order)
/// for `cid` at `track`, valid until `expires_at`, each checked against its node's delegate wallet on `cluster`
/// before it is used, so a write never goes out with a receipt the program would refuse.
#[cfg(feature = "upload-client")]
pub async fn gather_receipts(
    http: &reqwest::Client,
    cluster: &[u8; 32],
    track: &anchor_lang::prelude::Pubkey,
    cid: &ContentId,
    nodes: &[crate::solana::content::ContentNode; crate::solana::content::REPLICATION_FACTOR],
    expires_at: i64,
) -> Result<crate::solana::content::ReplicaReceipts, UploadError> {
    let asked = nodes.iter().map(|node| request_receipt(http, &node.endpoint, cid, track, expires_at));
    let answers = futures_util::future::join_all(asked).await;
    let mut signatures = [[0u8; 65]; crate::solana::content::REPLICATION_FACTOR];
    for ((node, answer), slot) in nodes.iter().zip(answers).zip(&mut signatures) {
        let receipt = answer?;
        let bad = |reason: String| UploadError::BadReceipt { node: node.sp_id, reason };
        let bytes = alloy::hex::decode(&receipt.signature).map_err(|_| bad("the signature is not hex".into()))?;
        *slot = bytes.as_slice().try_into().map_err(|_| bad(format!("{} signature bytes, not 65", bytes.len())))?;
        let digest =
            crate::solana::content::replica_receipt_digest(cluster, track, &cid.to_bytes(), node.sp_id, expires_at);
        let signer = Signature::try_from(bytes.as_slice())
            .and_then(|signature| signature.recover_address_from_prehash(&digest.into()))
            .map_err(|_| bad("the signature is malformed".into()))?;
        if signer.0 .0 != node.delegate_wallet {
            return Err(bad(format!(
                "signed by {signer}, not the node's delegate wallet {}",
                Address::from(node.delegate_wallet)
            )));
        }
    }
    Ok(crate::solana::content::ReplicaReceipts { expiry: expires_at, signatures })
}

/// Ask the node at `endpoint` to drop the audio `request` names, signed by the artist's `key`: its answer says
/// whether it held it; a refusal (the blob still named by a live track, a replay, a wrong signature) is
/// [`UploadError::Refused`] with the node's reason.
#[cfg(feature = "upload-client")]
pub async fn unpin(
    http: &reqwest::Client,
    endpoint: &str,
    request: &UnpinRequest,
    key: &PrivateKeySigner,
) -> Result<crate::api::content::Unpinned, UploadError> {
    let response = http
        .delete(format!("{}/v1/content/{}", endpoint.trim_end_matches('/'), request.cid))
        .headers(request.to_headers(&request.sign(key)))
        .send()
        .await
        .map_err(|error| UploadError::Unavailable(error.to_string()))?;
    answer(response).await
}

#[cfg(feature = "upload-client")]
async fn answer<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T, UploadError> {
    let status = response.status();
    let text = response.text().await.map_err(|error| UploadError::Unavailable(error.to_string()))?;
    if status.is_success() {
        return serde_json::from_str(&text)
            .map_err(|error| UploadError::Unavailable(format!("unreadable answer {text:?}: {error}")));
    }
    let message = serde_json::from_str::<crate::api::ErrorBody>(&text).map(|body| body.error).unwrap_or(text);
    if status.is_client_error() {
        Err(UploadError::Refused { status: status.as_u16(), message })
    } else {
        Err(UploadError::Unavailable(format!("{status}: {message}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(artist: Address) -> UploadGrant {
        UploadGrant {
            chain_id: 31337,
            node: 2,
            artist,
            cid: ContentId::of(b"song"),
            size: 4,
            nonce: 7,
            expires_at: 1_000,
        }
    }

    #[test]
    fn a_grant_verifies_for_its_fields_only() {
        let key = PrivateKeySigner::random();
        let grant = grant(key.address());
        let signature = grant.sign(&key).as_bytes();
        assert_eq!(grant.verify(&signature), Ok(()));
        let changed = [
            UploadGrant { chain_id: 1, ..grant.clone() },
            UploadGrant { node: 3, ..grant.clone() },
            UploadGrant { cid: ContentId::of(b"other"), ..grant.clone() },
            UploadGrant { size: 5, ..grant.clone() },
            UploadGrant { nonce: 8, ..grant.clone() },
            UploadGrant { expires_at: 1_001, ..grant.clone() },
        ];
        for other in changed {
            assert!(matches!(other.verify(&signature), Err(SignatureError::WrongSigner { .. })), "{other:?}");
        }
        let impostor = PrivateKeySigner::random();
        assert!(matches!(grant.verify(&grant.sign(&impostor).as_bytes()), Err(SignatureError::WrongSigner { .. })));
        assert_eq!(grant.verify(&[1, 2, 3]), Err(SignatureError::Malformed));
    }

    #[test]
    fn an_upload_grant_is_not_a_replica_transfer() {
        let key = PrivateKeySigner::random();
        let transfer = ReplicaTransfer {
            chain_id: 31337,
            from: 1,
            to: 2,
            cid: ContentId::of(b"song"),
            size: 4,
            expires_at: 1_000,
        };
        let signature = transfer.sign(&key).as_bytes();
        assert_eq!(transfer.verify(&signature, key.address()), Ok(()));
        assert_ne!(transfer.digest(), grant(key.address()).digest());
        assert!(transfer.verify(&signature, Address::ZERO).is_err());
    }

    #[test]
    #[cfg(feature = "rpc")]
    fn grants_and_transfers_cross_headers_intact() {
        let key = PrivateKeySigner::random();
        let grant = grant(key.address());
        let signature = grant.sign(&key);
        let read = UploadGrant::from_headers(&grant.to_headers(&UploadAuth::Artist(signature)), 31337, 4).unwrap();
        assert_eq!(read, SignedGrant { grant: grant.clone(), app: None, signature: signature.as_bytes().to_vec() });
        assert_eq!(read.verify(), Ok(()));
        let app = solana_keypair::Keypair::new();
        let auth = UploadAuth::App { key: solana_signer::Signer::pubkey(&app), signature: grant.sign_as_app(&app) };
        let read = UploadGrant::from_headers(&grant.to_headers(&auth), 31337, 4).unwrap();
        assert_eq!(read.app, Some(solana_signer::Signer::pubkey(&app)));
        assert_eq!(read.verify(), Ok(()));
        // The size and chain are the receiver's: a body of another length is another grant.
        assert!(UploadGrant::from_headers(&grant.to_headers(&auth), 31337, 5).unwrap().verify().is_err());

        let mut unsigned = grant.to_headers(&UploadAuth::Artist(signature));
        unsigned.remove(headers::SIGNATURE);
        assert_eq!(UploadGrant::from_headers(&unsigned, 31337, 4), Err(HeaderError::Missing(headers::SIGNATURE)));
        let mut malformed = grant.to_headers(&UploadAuth::Artist(signature));
        malformed.insert(headers::NONCE, http::HeaderValue::from_static("seven"));
        assert_eq!(UploadGrant::from_headers(&malformed, 31337, 4), Err(HeaderError::Malformed(headers::NONCE)));
        malformed.insert(headers::NONCE, http::HeaderValue::from_static("7"));
        malformed.insert(headers::APP_KEY, http::HeaderValue::from_static("not-base58!"));
        assert_eq!(UploadGrant::from_headers(&malformed, 31337, 4), Err(HeaderError::AppKey));

        let transfer =
            ReplicaTransfer { chain_id: 31337, from: 1, to: 2, cid: ContentId::of(b"song"), size: 4, expires_at: 9 };
        let signature = transfer.sign(&key);
        let (read, bytes) =
            ReplicaTransfer::from_headers(&transfer.to_headers(&signature), 31337, transfer.cid, 4).unwrap();
        assert_eq!(read, transfer);
        assert_eq!(read.verify(&bytes, key.address()), Ok(()));
    }

    #[test]
    fn deadlines() {
        assert_eq!(check_deadline(100, 50, 60), Ok(()));
        assert_eq!(check_deadline(49, 50, 60), Err(SignatureError::Expired { expires_at: 49, now: 50 }));
        assert!(matches!(check_deadline(200, 50, 60), Err(SignatureError::TooLong { .. })));
    }
}

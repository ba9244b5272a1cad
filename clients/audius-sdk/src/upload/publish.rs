//! The artist's whole upload, as every client does it: the file's CID is computed locally; the content nodes are
//! ranked for it by stake-weighted rendezvous over the registry; the best one that answers receives the file under
//! a grant signed by the artist's Ethereum key and places it on two more nodes; then the track is recorded on
//! Solana with the profile's authority, naming the three replicas and carrying their receipts.
//!
//! In two steps, so a client can show what it is about to do before anything is sent: [`Publisher::prepare`]
//! reads and hashes the files and the registry; [`Publisher::publish`] stores and records them.

use std::{
    collections::HashMap,
    io::Read,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use alloy::{providers::Provider, signers::local::PrivateKeySigner};
use serde::Serialize;
use solana_keypair::Keypair;
use solana_signer::Signer;

use super::{
    gather_receipts, unix_now, upload_file, UnpinRequest, UploadAuth, UploadError, UploadGrant, UploadReceipt,
};
use crate::{
    cid::{CidHasher, ContentId, CID_LEN},
    eth::{EthError, Protocol},
    nodes::{self, ContentNodes, NodesError},
    rendezvous::{self, REPLICATION_FACTOR},
    solana::{
        content,
        rpc::{ContentClient, SolanaError},
        with_compute_limit,
    },
};

/// How long an upload grant stays valid.
pub const GRANT_SECONDS: u64 = 600;

/// How long a client waits to connect to a content node before trying the next.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The audio MIME type of a file name's extension, as the content nodes recognize them.
pub fn audio_type_of(path: &Path) -> Option<&'static str> {
    Some(match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "flac" => "audio/flac",
        "ogg" | "oga" => "audio/ogg",
        "m4a" | "mp4" | "aac" => "audio/mp4",
        _ => return None,
    })
}

/// A stage of an upload, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Computing a file's CID (bytes).
    Hashing,
    /// Sending a file to a content node (bytes).
    Uploading,
    /// The node that took the file stores it and copies it to two more nodes before it answers.
    Replicating,
    /// The three replicas sign their receipts for the track.
    Receipts,
    /// The track is recorded on Solana and its ledger entry read back.
    Recording,
}

impl Stage {
    /// What the stage is doing, for a progress line.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Hashing => "hashing",
            Stage::Uploading => "uploading",
            Stage::Replicating => "replicating to two more content nodes",
            Stage::Receipts => "collecting the replicas' receipts",
            Stage::Recording => "recording the track on Solana",
        }
    }
}

/// Where an upload reports its progress (a progress bar, a log, nothing).
pub trait Progress: Send + Sync {
    /// A stage begins: of `total` bytes for one that moves bytes, `None` for one that waits on others.
    fn begin(&self, stage: Stage, total: Option<u64>);
    /// `done` bytes of the current stage are through.
    fn advance(&self, done: u64);
    /// The current stage is over.
    fn end(&self);
}

/// Progress nobody watches.
pub struct Silent;

impl Progress for Silent {
    fn begin(&self, _: Stage, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
    fn end(&self) {}
}

/// Why an upload did not go through. Until [`PublishError::Unrecorded`] nothing has been written on chain.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The input is unusable (an unreadable or empty file, no audio type, metadata that is not a JSON object).
    #[error("{0}")]
    Input(String),
    /// The file is larger than any content node takes: found before it is hashed.
    #[error("{} is {size} bytes; the content nodes take at most {limit} bytes", file.display())]
    TooLarge {
        /// The file.
        file: PathBuf,
        /// Its size.
        size: u64,
        /// The largest upload any answering node takes.
        limit: u64,
    },
    /// No content node is eligible on this deployment.
    #[error("no content node is registered on this deployment")]
    NoNodes,
    /// A content node judged the file or the grant; another node would too.
    #[error("content node {endpoint} refused {file} ({status}): {message}")]
    Refused {
        /// The node's endpoint.
        endpoint: String,
        /// The file.
        file: PathBuf,
        /// HTTP status.
        status: u16,
        /// The node's explanation.
        message: String,
    },
    /// Every ranked node failed or could not be reached.
    #[error("no content node took the upload: {}", .0.join("; "))]
    Unavailable(Vec<String>),
    /// A node stored something else than the file.
    #[error("the content node stored {stored} but the file's CID is {expected}")]
    WrongCid {
        /// What it stored.
        stored: ContentId,
        /// The file's CID.
        expected: ContentId,
    },
    /// A node answered another replica set than the replication factor.
    #[error("the content node answered {0} replicas, not {REPLICATION_FACTOR}")]
    Replicas(usize),
    /// A replica is not admitted on Solana, so the content program would refuse the track.
    #[error("replica node {0} is not admitted on Solana")]
    NotAdmitted(u64),
    /// The replicas' receipts could not be gathered (a replica refused, was unreachable or signed wrongly).
    #[error("gathering the replicas' receipts: {0}")]
    Receipts(UploadError),
    /// The artist has no profile on Solana.
    #[error("{0} has no profile")]
    NoProfile(alloy::primitives::Address),
    /// The Solana key is not the profile's authority.
    #[error("the Solana keypair {signer} is not this profile's authority ({authority})")]
    NotAuthority {
        /// The key that would sign.
        signer: anchor_lang::prelude::Pubkey,
        /// The profile's authority.
        authority: anchor_lang::prelude::Pubkey,
    },
    /// Reading the registry on Ethereum failed.
    #[error(transparent)]
    Eth(#[from] EthError),
    /// Reading or writing on Solana failed.
    #[error(transparent)]
    Solana(#[from] SolanaError),
    /// The HTTP client could not be built.
    #[error("building the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

impl From<NodesError> for PublishError {
    fn from(error: NodesError) -> Self {
        match error {
            NodesError::Eth(error) => Self::Eth(error),
            NodesError::Solana(error) => Self::Solana(error),
        }
    }
}

/// A file to store: its path, size, type and CID (computed as the node will, in one pass).
#[derive(Debug, Clone)]
pub struct Blob {
    /// Where it is.
    pub path: PathBuf,
    /// Bytes.
    pub size: u64,
    /// Its MIME type.
    pub content_type: String,
    /// Its CID.
    pub cid: ContentId,
}

impl Blob {
    /// Read and hash `path`, reporting the hashing to `progress`.
    pub async fn read(path: &Path, content_type: String, progress: Arc<dyn Progress>) -> Result<Self, PublishError> {
        let unreadable = |error: std::io::Error| PublishError::Input(format!("{}: {error}", path.display()));
        let size = std::fs::metadata(path).map_err(unreadable)?.len();
        if size == 0 {
            return Err(PublishError::Input(format!("{} is empty", path.display())));
        }
        progress.begin(Stage::Hashing, Some(size));
        let hashed = tokio::task::spawn_blocking({
            let (path, progress) = (path.to_owned(), progress.clone());
            move || -> std::io::Result<ContentId> {
                let mut reader = std::fs::File::open(path)?;
                let mut hasher = CidHasher::new();
                let mut buffer = vec![0u8; 1 << 20];
                let mut done = 0;
                loop {
                    let read = reader.read(&mut buffer)?;
                    if read == 0 {
                        return Ok(hasher.finish());
                    }
                    hasher.update(&buffer[..read]);
                    done += read as u64;
                    progress.advance(done);
                }
            }
        })
        .await
        .map_err(|error| PublishError::Input(format!("hashing {}: {error}", path.display())))?;
        progress.end();
        Ok(Self { path: path.to_owned(), size, content_type, cid: hashed.map_err(unreadable)? })
    }
}

/// What an upload is about to send: its files, hashed, and the nodes that may take them.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The audio.
    pub audio: Blob,
    /// Its metadata document, if any.
    pub metadata: Option<Blob>,
    /// The eligible content nodes.
    pub nodes: ContentNodes,
    /// The largest upload each node that answered takes, by service id: a node is not sent a file above its limit.
    pub limits: HashMap<u64, u64>,
}

/// A track stored on three content nodes and recorded on Solana.
#[derive(Debug, Clone, Serialize)]
pub struct Published {
    /// Its id within the profile.
    pub track_id: u64,
    /// The audio's CID.
    pub cid: ContentId,
    /// The metadata's CID, if any.
    pub metadata_cid: Option<ContentId>,
    /// Bytes.
    pub size: u64,
    /// The type the node recognized.
    pub content_type: String,
    /// The content nodes holding it.
    pub replicas: [u64; REPLICATION_FACTOR],
    /// The Solana transaction that recorded it.
    pub transaction: String,
    /// Its ledger entry.
    pub ledger_seq: Option<u64>,
}

/// What one content node answered an unpin request.
#[derive(Debug, Clone, Serialize)]
pub struct UnpinOutcome {
    /// The node's service id.
    pub node: u64,
    /// Whether it held the audio and dropped it.
    pub removed: bool,
    /// Why it kept the audio or could not be asked (`null` when it answered).
    pub error: Option<String>,
}

/// The artist's upload against one protocol deployment (Ethereum for the registry, Solana for the record).
pub struct Publisher<'a, P> {
    eth: &'a Protocol<P>,
    solana: &'a ContentClient,
    http: reqwest::Client,
    progress: Arc<dyn Progress>,
}

impl<'a, P: Provider + Clone> Publisher<'a, P> {
    /// A publisher reading the registry from `eth` and recording on `solana`, reporting no progress.
    pub fn new(eth: &'a Protocol<P>, solana: &'a ContentClient) -> Result<Self, PublishError> {
        let http = reqwest::Client::builder().connect_timeout(CONNECT_TIMEOUT).build()?;
        Ok(Self { eth, solana, http, progress: Arc::new(Silent) })
    }

    /// Report hashing and sending to `progress`.
    pub fn with_progress(mut self, progress: Arc<dyn Progress>) -> Self {
        self.progress = progress;
        self
    }

    /// Check the inputs, hash `file` (and `metadata`) and read the eligible content nodes; nothing is sent.
    /// `content_type` must be an `audio/*` type; without one, the file name's extension tells it.
    pub async fn prepare(
        &self,
        file: &Path,
        metadata: Option<&Path>,
        content_type: Option<String>,
    ) -> Result<Prepared, PublishError> {
        let content_type = match content_type {
            Some(given) if given.starts_with("audio/") => given,
            Some(given) => return Err(PublishError::Input(format!("--content-type {given:?} is not an audio/* type"))),
            None => audio_type_of(file)
                .ok_or_else(|| {
                    PublishError::Input(format!(
                        "cannot tell the audio type of {}: pass --content-type",
                        file.display()
                    ))
                })?
                .to_owned(),
        };
        if let Some(metadata) = metadata {
            let text = std::fs::read(metadata)
                .map_err(|error| PublishError::Input(format!("metadata {}: {error}", metadata.display())))?;
            if !matches!(serde_json::from_slice(&text), Ok(serde_json::Value::Object(_))) {
                return Err(PublishError::Input(format!("metadata {} is not a JSON object", metadata.display())));
            }
        }
        // The nodes and their limits first: a file no node takes is refused before a minute of hashing.
        let nodes = nodes::content_nodes(self.eth, self.solana).await?;
        if nodes.is_empty() {
            return Err(PublishError::NoNodes);
        }
        let limits = self.upload_limits(&nodes).await;
        let size =
            std::fs::metadata(file).map_err(|error| PublishError::Input(format!("{}: {error}", file.display())))?.len();
        if let Some(&limit) = limits.values().max() {
            if size > limit {
                return Err(PublishError::TooLarge { file: file.to_owned(), size, limit });
            }
        }
        let audio = Blob::read(file, content_type, self.progress.clone()).await?;
        let metadata = match metadata {
            Some(path) => Some(Blob::read(path, "application/json".into(), self.progress.clone()).await?),
            None => None,
        };
        Ok(Prepared { audio, metadata, nodes, limits })
    }

    /// Store the prepared files and record the track, signed by the artist's Ethereum key (the upload grants) and
    /// its profile's Solana `authority` (the record, whose fee and rent it also pays).
    pub async fn publish(
        &self,
        prepared: &Prepared,
        eth_key: &PrivateKeySigner,
        authority: &Keypair,
    ) -> Result<Published, PublishError> {
        let artist = eth_key.address();
        let profile = self.solana.profile(&artist.0 .0).await?.ok_or(PublishError::NoProfile(artist))?;
        if profile.authority != authority.pubkey() {
            return Err(PublishError::NotAuthority { signer: authority.pubkey(), authority: profile.authority });
        }
        let metadata_cid = match &prepared.metadata {
            Some(metadata) => Some(self.store(&prepared.nodes, &prepared.limits, eth_key, metadata).await?.cid),
            None => None,
        };
        let receipt = self.store(&prepared.nodes, &prepared.limits, eth_key, &prepared.audio).await?;
        let cid = receipt.cid;
        let replicas: [u64; REPLICATION_FACTOR] =
            receipt.replicas.clone().try_into().map_err(|_| PublishError::Replicas(receipt.replicas.len()))?;

        let profile_address = content::profile_address(&artist.0 .0);
        // The profile as it is now: another upload of this artist may have landed meanwhile.
        let track_id = self.solana.profile(&artist.0 .0).await?.map_or(profile.track_count, |p| p.track_count);
        self.progress.begin(Stage::Receipts, None);
        let receipts = self.replica_receipts(&content::track_address(&profile_address, track_id), &cid, replicas).await;
        self.progress.end();
        let receipts = receipts?;
        let instruction = content::create_track(
            &authority.pubkey(),
            &authority.pubkey(),
            &profile_address,
            track_id,
            None,
            cid.to_bytes(),
            metadata_cid.map_or([0; CID_LEN], ContentId::to_bytes),
            replicas,
            receipts,
        );
        let units = content::create_track_compute_units(&profile_address, track_id);
        self.progress.begin(Stage::Recording, None);
        let recorded = async {
            let signature = self.solana.send(&with_compute_limit(units, [instruction]), authority, &[]).await?;
            let events = self.solana.ledger_events(&signature).await?;
            Ok::<_, SolanaError>((signature, events.first().map(|event| event.entry.seq)))
        }
        .await;
        self.progress.end();
        let (signature, ledger_seq) = recorded?;
        Ok(Published {
            track_id,
            cid,
            metadata_cid,
            size: prepared.audio.size,
            content_type: receipt.content_type,
            replicas,
            transaction: signature.to_string(),
            ledger_seq,
        })
    }

    /// The largest upload each node takes, as its `/health` says, asked of every node at once; a node that does not
    /// answer within the connect timeout is left out (the upload finds out what it takes, if it is ranked).
    pub async fn upload_limits(&self, nodes: &ContentNodes) -> HashMap<u64, u64> {
        let asks = nodes.nodes.iter().map(|node| async move {
            let url = format!("{}/health", node.endpoint.trim_end_matches('/'));
            let health = self.http.get(url).timeout(CONNECT_TIMEOUT).send().await.ok()?;
            let health: crate::api::content::Health = health.error_for_status().ok()?.json().await.ok()?;
            Some((node.sp_id, health.max_upload_bytes))
        });
        futures_util::future::join_all(asks).await.into_iter().flatten().collect()
    }

    /// Store `blob` on the network: the nodes ranked for its CID by stake-weighted rendezvous, the first that
    /// answers receiving it under a grant the artist signs; a node that fails is skipped, one that refuses ends it.
    pub async fn store(
        &self,
        nodes: &ContentNodes,
        limits: &HashMap<u64, u64>,
        eth_key: &PrivateKeySigner,
        blob: &Blob,
    ) -> Result<UploadReceipt, PublishError> {
        let mut failures = Vec::new();
        for candidate in rendezvous::rank(&blob.cid, &nodes.candidates()) {
            let node = nodes.get(candidate.sp_id).expect("ranked from the nodes");
            if let Some(&limit) = limits.get(&node.sp_id).filter(|&&limit| blob.size > limit) {
                failures.push(format!("{}: takes at most {limit} bytes", node.endpoint));
                continue;
            }
            let grant = UploadGrant {
                chain_id: nodes.chain_id,
                node: node.sp_id,
                artist: eth_key.address(),
                cid: blob.cid,
                size: blob.size,
                nonce: fresh_nonce(),
                expires_at: unix_now() + GRANT_SECONDS,
            };
            let auth = UploadAuth::Artist(grant.sign(eth_key));
            self.progress.begin(Stage::Uploading, Some(blob.size));
            let (progress, size) = (self.progress.clone(), blob.size);
            let replicating = std::sync::atomic::AtomicBool::new(false);
            let result = upload_file(&self.http, &node.endpoint, &grant, &auth, &blob.path, &blob.content_type, {
                move |sent| {
                    progress.advance(sent);
                    // Every byte is through: the node answers once it has stored the file and copied it.
                    if sent >= size && !replicating.swap(true, std::sync::atomic::Ordering::Relaxed) {
                        progress.end();
                        progress.begin(Stage::Replicating, None);
                    }
                }
            })
            .await;
            self.progress.end();
            match result {
                Ok(receipt) if receipt.cid == blob.cid => return Ok(receipt),
                Ok(receipt) => return Err(PublishError::WrongCid { stored: receipt.cid, expected: blob.cid }),
                Err(UploadError::Refused { status, message }) => {
                    return Err(PublishError::Refused {
                        endpoint: node.endpoint.clone(),
                        file: blob.path.clone(),
                        status,
                        message,
                    })
                }
                Err(error) => {
                    tracing::warn!(node = node.sp_id, %error, "upload failed; trying the next node");
                    failures.push(format!("{}: {error}", node.endpoint));
                }
            }
        }
        Err(PublishError::Unavailable(failures))
    }

    /// Ask each content node of `nodes` (service ids; their endpoints from their records on Solana) to drop the
    /// audio `cid`, signed by the artist's `eth_key`: what each answered. A node keeps it while a live track names
    /// it for that audio, or shortly after it arrived; one that is not admitted or does not answer is reported.
    pub async fn unpin(
        &self,
        eth_key: &PrivateKeySigner,
        cid: ContentId,
        nodes: &[u64],
    ) -> Result<Vec<UnpinOutcome>, PublishError> {
        let records = self.solana.nodes(nodes).await?;
        let asks = nodes.iter().zip(records).map(|(&sp_id, record)| async move {
            let Some(record) = record else {
                return UnpinOutcome { node: sp_id, removed: false, error: Some("not admitted on Solana".into()) };
            };
            let request = UnpinRequest {
                chain_id: self.eth.deployment.chain_id,
                node: sp_id,
                artist: eth_key.address(),
                cid,
                nonce: fresh_nonce(),
                expires_at: unix_now() + GRANT_SECONDS,
            };
            match super::unpin(&self.http, &record.endpoint, &request, eth_key).await {
                Ok(answer) => UnpinOutcome { node: sp_id, removed: answer.removed, error: None },
                Err(error) => UnpinOutcome { node: sp_id, removed: false, error: Some(error.to_string()) },
            }
        });
        Ok(futures_util::future::join_all(asks).await)
    }

    /// The replica nodes' receipts for `cid` as replicas of the track at `track`, each checked before use.
    async fn replica_receipts(
        &self,
        track: &anchor_lang::prelude::Pubkey,
        cid: &ContentId,
        replicas: [u64; REPLICATION_FACTOR],
    ) -> Result<content::ReplicaReceipts, PublishError> {
        let records = self.solana.nodes(&replicas).await?;
        let nodes: Vec<content::ContentNode> = replicas
            .iter()
            .zip(records)
            .map(|(sp_id, node)| node.ok_or(PublishError::NotAdmitted(*sp_id)))
            .collect::<Result<_, _>>()?;
        let nodes: [content::ContentNode; REPLICATION_FACTOR] = nodes.try_into().expect("one record per replica");
        let cluster = self.solana.config().await?.cluster;
        let expires_at = unix_now() as i64 + content::RECEIPT_SECS;
        gather_receipts(&self.http, &cluster, track, cid, &nodes, expires_at).await.map_err(PublishError::Receipts)
    }
}

/// A nonce nobody else picks: the clock's nanoseconds mixed with the process id (the node refuses a repeat).
fn fresh_nonce() -> u64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    nanos ^ (u64::from(std::process::id()) << 48)
}

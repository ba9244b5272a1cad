//! `audius artist upload`: the artist's side of the upload flow. The file's CID is computed here; the content
//! nodes are ranked for it by stake-weighted rendezvous over the registry; the best one that answers receives the
//! file under a grant signed by the artist's Ethereum key and places it on two more nodes; then the track is
//! recorded on Solana with the artist's key, naming the three replicas.

use std::{io::Read, path::Path, time::Duration};

use audius_sdk::{
    cid::{CidHasher, ContentId, CID_LEN},
    rendezvous::{self, Candidate, REPLICATION_FACTOR},
    solana::{content, with_compute_limit},
    upload::{gather_receipts, unix_now, upload_file, UploadAuth, UploadError, UploadGrant, UploadReceipt},
};
use indicatif::{ProgressBar, ProgressStyle};
use solana_signer::Signer;

use crate::{
    commands::artist::{check_authority, require_profile},
    context::Context,
    error::CliError,
    Output,
};

/// How long an upload grant stays valid.
const GRANT_SECONDS: u64 = 600;

fn content_type_of(path: &Path) -> Option<&'static str> {
    Some(match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "flac" => "audio/flac",
        "ogg" | "oga" => "audio/ogg",
        "m4a" | "mp4" | "aac" => "audio/mp4",
        _ => return None,
    })
}

fn bar(len: u64, message: &str, json: bool) -> ProgressBar {
    if json {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(message.to_owned());
    bar
}

/// The registered content nodes whose operators are within bounds, with the stake behind each.
struct Nodes {
    services: Vec<(audius_sdk::eth::Service, u128)>,
    chain_id: u64,
}

impl Nodes {
    async fn read(context: &Context) -> anyhow::Result<Self> {
        let eth = context.eth_reader().await?;
        let services: Vec<_> = eth
            .pools()
            .await?
            .into_iter()
            .filter(|pool| pool.within_bounds)
            .flat_map(|pool| {
                let stake = pool.active_stake.saturating_to::<u128>();
                pool.services.into_iter().filter(|s| s.service_type == "content-node").map(move |s| (s, stake))
            })
            .collect();
        if services.is_empty() {
            return Err(CliError::config("no content node is registered on this deployment"));
        }
        Ok(Self { services, chain_id: eth.deployment.chain_id })
    }
}

/// A file to store: its path, size, type and CID (computed as the node will, in one pass).
struct Blob {
    path: std::path::PathBuf,
    size: u64,
    content_type: String,
    cid: ContentId,
}

impl Blob {
    async fn read(path: &Path, content_type: String, json: bool) -> anyhow::Result<Self> {
        let size =
            std::fs::metadata(path).map_err(|error| CliError::input(format!("{}: {error}", path.display())))?.len();
        if size == 0 {
            return Err(CliError::input(format!("{} is empty", path.display())));
        }
        let hashing = bar(size, "hashing", json);
        let cid = tokio::task::spawn_blocking({
            let (path, hashing) = (path.to_owned(), hashing.clone());
            move || -> std::io::Result<ContentId> {
                let mut reader = std::fs::File::open(path)?;
                let mut hasher = CidHasher::new();
                let mut buffer = vec![0u8; 1 << 20];
                loop {
                    let read = reader.read(&mut buffer)?;
                    if read == 0 {
                        return Ok(hasher.finish());
                    }
                    hasher.update(&buffer[..read]);
                    hashing.inc(read as u64);
                }
            }
        })
        .await??;
        hashing.finish_and_clear();
        Ok(Self { path: path.to_owned(), size, content_type, cid })
    }
}

/// Store `blob` on the network: the content nodes ranked for its CID by stake-weighted rendezvous, the first that
/// answers receiving it under a grant the artist signs; a node that fails is skipped, one that refuses ends it.
async fn store(
    context: &Context,
    nodes: &Nodes,
    eth_key: &alloy::signers::local::PrivateKeySigner,
    blob: &Blob,
) -> anyhow::Result<UploadReceipt> {
    let json = context.settings.json;
    let candidates: Vec<Candidate> =
        nodes.services.iter().map(|(s, stake)| Candidate { sp_id: s.id, stake: *stake }).collect();
    let http = reqwest::Client::builder().connect_timeout(Duration::from_secs(5)).build()?;
    let mut failures = Vec::new();
    for candidate in rendezvous::rank(&blob.cid, &candidates) {
        let (service, _) = nodes.services.iter().find(|(s, _)| s.id == candidate.sp_id).expect("ranked from the nodes");
        let grant = UploadGrant {
            chain_id: nodes.chain_id,
            node: service.id,
            artist: eth_key.address(),
            cid: blob.cid,
            size: blob.size,
            nonce: rand_nonce(),
            expires_at: unix_now() + GRANT_SECONDS,
        };
        let auth = UploadAuth::Artist(grant.sign(eth_key));
        let sending = bar(blob.size, "uploading", json);
        let progress = sending.clone();
        let result =
            upload_file(&http, &service.endpoint, &grant, &auth, &blob.path, &blob.content_type, move |sent| {
                progress.set_position(sent)
            })
            .await;
        sending.finish_and_clear();
        match result {
            Ok(receipt) if receipt.cid == blob.cid => return Ok(receipt),
            Ok(receipt) => anyhow::bail!("the content node stored {} but the file's CID is {}", receipt.cid, blob.cid),
            // The node judged the file or the grant; another node would too.
            Err(UploadError::Refused { status, message }) => {
                return Err(CliError::input(format!(
                    "content node {} refused {} ({status}): {message}",
                    service.endpoint,
                    blob.path.display()
                )))
            }
            Err(error) => {
                tracing::warn!(node = service.id, %error, "upload failed; trying the next node");
                failures.push(format!("{}: {error}", service.endpoint));
            }
        }
    }
    Err(CliError::network(format!("no content node took the upload: {}", failures.join("; "))))
}

/// The three replica nodes' receipts for `cid` as replicas of the track at `track`, each checked before use.
async fn replica_receipts(
    context: &Context,
    track: &anchor_lang::prelude::Pubkey,
    cid: &ContentId,
    replicas: [u64; REPLICATION_FACTOR],
) -> anyhow::Result<content::ReplicaReceipts> {
    let solana = context.solana();
    let records = solana.nodes(&replicas).await?;
    let nodes: Vec<content::ContentNode> = replicas
        .iter()
        .zip(records)
        .map(|(sp_id, node)| node.ok_or_else(|| anyhow::anyhow!("replica node {sp_id} is not admitted on Solana")))
        .collect::<anyhow::Result<_>>()?;
    let nodes: [content::ContentNode; 3] = nodes.try_into().expect("three records for three ids");
    let cluster = solana.config().await?.cluster;
    let http = reqwest::Client::builder().connect_timeout(Duration::from_secs(5)).build()?;
    let expires_at = unix_now() as i64 + content::RECEIPT_SECS;
    // Every failure here is a replica's (it refused, was unreachable or signed wrongly): nothing has been sent.
    gather_receipts(&http, &cluster, track, cid, &nodes, expires_at)
        .await
        .map_err(|error| CliError::network(format!("gathering the replicas' receipts: {error}")))
}

/// A track stored on three content nodes and recorded on Solana.
#[derive(Debug, Clone, serde::Serialize)]
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

/// Store `file` (and its metadata document) on the content nodes and record the track, signed by the artist's
/// Ethereum key and its profile's Solana `authority`.
pub async fn publish(
    context: &Context,
    eth_key: &alloy::signers::local::PrivateKeySigner,
    authority: &solana_keypair::Keypair,
    file: &Path,
    metadata: Option<&Path>,
    content_type: Option<String>,
) -> anyhow::Result<Published> {
    let json = context.settings.json;
    let content_type = match content_type {
        Some(given) if given.starts_with("audio/") => given,
        Some(given) => return Err(CliError::input(format!("--content-type {given:?} is not an audio/* type"))),
        None => content_type_of(file)
            .ok_or_else(|| {
                CliError::input(format!("cannot tell the audio type of {}: pass --content-type", file.display()))
            })?
            .to_owned(),
    };
    if let Some(metadata) = metadata {
        let text = std::fs::read(metadata)
            .map_err(|error| CliError::input(format!("metadata {}: {error}", metadata.display())))?;
        if !matches!(serde_json::from_slice(&text), Ok(serde_json::Value::Object(_))) {
            return Err(CliError::input(format!("metadata {} is not a JSON object", metadata.display())));
        }
    }
    let artist = eth_key.address();
    let profile = require_profile(context, artist).await?;
    check_authority(&profile, &authority.pubkey())?;

    let audio = Blob::read(file, content_type, json).await?;
    let metadata = match metadata {
        Some(path) => Some(Blob::read(path, "application/json".into(), json).await?),
        None => None,
    };
    let nodes = Nodes::read(context).await?;
    context.confirm(&format!("upload {} ({} bytes, {}) as {artist}", file.display(), audio.size, audio.cid))?;
    let metadata_cid = match &metadata {
        Some(metadata) => Some(store(context, &nodes, eth_key, metadata).await?.cid),
        None => None,
    };
    let receipt = store(context, &nodes, eth_key, &audio).await?;
    let cid = receipt.cid;
    let replicas: [u64; REPLICATION_FACTOR] = receipt
        .replicas
        .clone()
        .try_into()
        .map_err(|_| anyhow::anyhow!("the content node answered {} replicas, not 3", receipt.replicas.len()))?;

    // Record the track with the artist's own key.
    let solana = context.solana();
    let profile_address = content::profile_address(&artist.0 .0);
    let track_id = solana.profile(&artist.0 .0).await?.map_or(profile.track_count, |p| p.track_count);
    let receipts =
        replica_receipts(context, &content::track_address(&profile_address, track_id), &cid, replicas).await?;
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
    let signature = solana.send(&with_compute_limit(units, [instruction]), authority, &[]).await?;
    let ledger_seq = solana.ledger_events(&signature).await?.first().map(|event| event.entry.seq);
    Ok(Published {
        track_id,
        cid,
        metadata_cid,
        size: audio.size,
        content_type: receipt.content_type,
        replicas,
        transaction: signature.to_string(),
        ledger_seq,
    })
}

/// Run the upload.
pub async fn run(
    context: &Context,
    file: &Path,
    metadata: Option<&Path>,
    content_type: Option<String>,
) -> anyhow::Result<Output> {
    let eth_key = context.eth_signer()?;
    let authority = context.solana_keypair()?;
    let published = publish(context, &eth_key, &authority, file, metadata, content_type).await?;
    Ok(Output::new(
        format!(
            "uploaded {} as track {}\n  cid {}\n  metadata {}\n  replicas {:?}\n  ledger entry {}\n",
            file.display(),
            published.track_id,
            published.cid,
            published.metadata_cid.map_or_else(|| "none".to_owned(), |cid| cid.to_string()),
            published.replicas,
            published.ledger_seq.unwrap_or_default()
        ),
        serde_json::to_value(&published)?,
    ))
}

/// A nonce nobody else picks: the clock's nanoseconds mixed with the process id (the node refuses a repeat).
fn rand_nonce() -> u64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    nanos ^ (u64::from(std::process::id()) << 48)
}

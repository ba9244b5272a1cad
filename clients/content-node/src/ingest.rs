//! Taking bytes in: an artist's upload (grant checked, profile and app checked, nonce spent, streamed to a CID,
//! validated as audio or metadata, stored, replicated) and a replica pushed by a peer. The HTTP surface is
//! [`crate::server`]'s; this is what it runs.

use std::sync::Arc;

use audius_sdk::{
    cid::ContentId,
    solana::content,
    upload::{check_deadline, unix_now, ReplicaTransfer, UploadGrant, UploadReceipt},
};
use axum::{
    body::Body,
    http::{header, HeaderMap, StatusCode},
};

use crate::{
    audio,
    error::{ApiError, Result},
    node::Node,
    replicate,
    store::{BlobMeta, BlobStore, StoreError},
};

/// MIME type of track and profile metadata.
pub const METADATA_TYPE: &str = "application/json";
/// Largest metadata document.
pub const MAX_METADATA_BYTES: u64 = 1 << 20;
/// Longest a replica transfer's signature may stay valid.
const MAX_TRANSFER_SECS: u64 = 600;

fn declared_size(headers: &HeaderMap, limit: u64) -> Result<u64> {
    let size: u64 = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| ApiError::new(StatusCode::LENGTH_REQUIRED, "Content-Length is required"))?;
    if size > limit {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("{size} bytes is over this node's limit of {limit}"),
        ));
    }
    Ok(size)
}

/// An artist's upload: the file as `body`, the signed grant in `headers`. Answers once the blob is stored here and
/// on two more nodes.
pub async fn upload(node: &Arc<Node>, headers: &HeaderMap, body: Body) -> Result<UploadReceipt> {
    let upload_kind = UploadKind::of(headers)?;
    let limit = match upload_kind {
        UploadKind::Metadata => MAX_METADATA_BYTES.min(node.config.max_upload_bytes),
        UploadKind::Audio(_) => node.config.max_upload_bytes,
    };
    let size = declared_size(headers, limit)?;
    let me = node.directory.read().await.me.clone();
    let Some(sp_id) = me.writable() else {
        return Err(ApiError::unavailable(format!("this node does not take writes: {me:?}")));
    };
    let signed = UploadGrant::from_headers(headers, node.chain_id, size)?;
    let grant = &signed.grant;
    if grant.node != sp_id {
        return Err(ApiError::bad_request(format!("the grant is for node {}, this is node {sp_id}", grant.node)));
    }
    check_deadline(grant.expires_at, unix_now(), node.config.max_grant_secs)
        .map_err(|error| ApiError::new(StatusCode::UNAUTHORIZED, error.to_string()))?;
    signed.verify().map_err(|error| ApiError::new(StatusCode::UNAUTHORIZED, error.to_string()))?;
    let solana_error = |error: audius_sdk::solana::rpc::SolanaError| {
        ApiError::new(StatusCode::BAD_GATEWAY, format!("reading profiles on Solana: {error}"))
    };
    let Some(profile) = node.solana.profile(&grant.artist.0 .0).await.map_err(solana_error)? else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!("{} has no profile; create one first (audius artist create-profile)", grant.artist),
        ));
    };
    // An app key writes for the profile as the program would let it: the authority itself, or an app it granted
    // under its current authority epoch.
    if let Some(app) = signed.app {
        let profile_address = content::profile_address(&grant.artist.0 .0);
        let granted = profile.authority == app
            || node.solana.app_grant(&profile_address, profile.nonce, &app).await.map_err(solana_error)?.is_some();
        if !granted {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!("app key {app} may not write for {}: the profile has not granted it", grant.artist),
            ));
        }
    }
    let fresh = crate::db::use_nonce(&node.db, grant.artist, grant.nonce, grant.expires_at)
        .await
        .map_err(|error| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))?;
    if !fresh {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("nonce {} was already used: sign a new upload", grant.nonce),
        ));
    }
    arrived(node, &grant.cid).await?;

    let staged = node.store.stage(body.into_data_stream(), size).await?;
    if staged.size != size {
        return Err(StoreError::SizeMismatch { expected: size, actual: staged.size }.into());
    }
    if staged.cid != grant.cid {
        return Err(StoreError::CidMismatch { expected: grant.cid, actual: staged.cid }.into());
    }
    let path = staged.path().to_owned();
    let (meta, codec) = match upload_kind {
        UploadKind::Metadata => {
            tokio::task::spawn_blocking(move || validate_metadata(&path))
                .await
                .map_err(|error| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))?
                .map_err(|error| ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, error))?;
            (BlobMeta { size, content_type: METADATA_TYPE.into() }, "metadata".to_owned())
        }
        UploadKind::Audio(declared) => {
            let hint = declared.clone();
            let info = tokio::task::spawn_blocking(move || audio::validate(&path, hint.as_deref()))
                .await
                .map_err(|error| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))?
                .map_err(|error| ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, error.to_string()))?;
            let content_type = declared.unwrap_or_else(|| mime_of(&info.codec).to_owned());
            (BlobMeta { size, content_type }, info.codec)
        }
    };
    let cid = staged.cid;
    // Bytes already held keep the type they were first stored (and replicated) with: a later upload of the same
    // CID under another Content-Type must not relabel this copy alone.
    let meta = match node.store.meta(&cid).await? {
        Some(held) => held,
        None => {
            node.store.commit(staged, &meta).await?;
            meta
        }
    };

    let replicas = replicate::replicate(node, sp_id, cid, &meta).await?;
    tracing::info!(%cid, size, artist = %grant.artist, ?replicas, "upload stored and replicated");
    Ok(UploadReceipt { cid, size, content_type: meta.content_type, codec, replicas })
}

/// A replica of `cid` pushed by a peer, with its signed transfer in `headers`; `true` when it was stored now,
/// `false` when this node already held it.
pub async fn receive_replica(node: &Arc<Node>, cid: ContentId, headers: &HeaderMap, body: Body) -> Result<bool> {
    let directory = node.directory.read().await.clone();
    let Some(sp_id) = directory.me.writable() else {
        return Err(ApiError::unavailable("this node does not take writes yet"));
    };
    let size = declared_size(headers, node.config.max_upload_bytes)?;
    let (transfer, signature) = ReplicaTransfer::from_headers(headers, node.chain_id, cid, size)?;
    if transfer.to != sp_id {
        return Err(ApiError::bad_request(format!("the transfer is for node {}", transfer.to)));
    }
    let sender = directory.peer(transfer.from).ok_or_else(|| {
        ApiError::new(StatusCode::FORBIDDEN, format!("node {} is not a registered content node", transfer.from))
    })?;
    check_deadline(transfer.expires_at, unix_now(), MAX_TRANSFER_SECS)
        .map_err(|error| ApiError::new(StatusCode::UNAUTHORIZED, error.to_string()))?;
    transfer
        .verify(&signature, sender.delegate_wallet)
        .map_err(|error| ApiError::new(StatusCode::UNAUTHORIZED, error.to_string()))?;
    arrived(node, &cid).await?;
    if node.store.meta(&cid).await?.is_some() {
        return Ok(false);
    }
    let staged = node.store.stage(body.into_data_stream(), size).await?;
    if staged.cid != cid {
        return Err(StoreError::CidMismatch { expected: cid, actual: staged.cid }.into());
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    node.store.commit(staged, &BlobMeta { size, content_type }).await?;
    tracing::info!(%cid, from = transfer.from, "replica stored");
    Ok(true)
}

/// Note that `cid` is arriving now, before it is stored: an unpin request is refused for a while after
/// ([`crate::unpin`]).
async fn arrived(node: &Node, cid: &ContentId) -> Result<()> {
    crate::db::record_arrival(&node.db, cid, unix_now())
        .await
        .map_err(|error| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))
}

/// What an upload is, by its Content-Type: audio (any `audio/*`, or none: the probe decides) or metadata.
enum UploadKind {
    Audio(Option<String>),
    Metadata,
}

impl UploadKind {
    fn of(headers: &HeaderMap) -> Result<Self> {
        match headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
            None => Ok(UploadKind::Audio(None)),
            Some(t) if t.starts_with("audio/") => Ok(UploadKind::Audio(Some(t.to_owned()))),
            Some(t) if t.split(';').next() == Some(METADATA_TYPE) => Ok(UploadKind::Metadata),
            Some(other) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("{other} uploads are not taken: send audio/* or {METADATA_TYPE} metadata"),
            )),
        }
    }
}

/// Metadata must be one JSON object.
fn validate_metadata(path: &std::path::Path) -> std::result::Result<(), String> {
    let text = std::fs::read(path).map_err(|error| error.to_string())?;
    match serde_json::from_slice::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(_)) => Ok(()),
        Ok(_) => Err("metadata must be a JSON object".into()),
        Err(error) => Err(format!("metadata is not valid JSON: {error}")),
    }
}

fn mime_of(codec: &str) -> &'static str {
    match codec {
        "mp3" => "audio/mpeg",
        "flac" => "audio/flac",
        "vorbis" => "audio/ogg",
        "aac" => "audio/aac",
        _ if codec.starts_with("pcm") => "audio/wav",
        _ => "application/octet-stream",
    }
}

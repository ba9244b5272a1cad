//! The HTTP API.
//!
//! - `POST /v1/uploads`: the file as the body, the artist's signed [`UploadGrant`] in `x-audius-*` headers.
//!   Answers 201 with the CID and the three replicas once all three hold it.
//! - `GET|HEAD /v1/content/{cid}`: the blob, with `Range`, `ETag` (the CID) and `If-None-Match`.
//! - `POST /v1/content/{cid}/receipts`: a [`ReceiptRequest`] for a track; answers this node's signed
//!   [`ReplicaReceipt`] when it holds the blob (the content program needs one from each of a track's replicas).
//! - `POST /internal/blobs/{cid}`: a replica pushed by a registered peer, with its signed [`ReplicaTransfer`].
//! - `GET /health`: version, registration, storage, peers.
//!
//! Errors are JSON `{"error": "..."}` with a 4xx status for the client's mistakes and 5xx for the node's.

use std::sync::Arc;

use alloy::primitives::Address;
use anchor_lang::prelude::Pubkey;
use audius_sdk::{
    cid::ContentId,
    solana::content,
    upload::{check_deadline, headers as h, unix_now, ReceiptRequest, ReplicaReceipt, ReplicaTransfer, UploadGrant},
};
use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::json;

use crate::{
    audio,
    store::{BlobMeta, BlobStore, StoreError},
    Node,
};

/// A failed request: its status and what to tell the caller.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    /// A failure with `status`, explained by `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, message: message.into() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::warn!(status = %self.status, error = %self.message, "request failed");
        }
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        let status = match &error {
            StoreError::NotFound(_) => StatusCode::NOT_FOUND,
            StoreError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            StoreError::CidMismatch { .. } | StoreError::SizeMismatch { .. } | StoreError::Body(_) => {
                StatusCode::BAD_REQUEST
            }
            StoreError::Corrupted(_) => StatusCode::SERVICE_UNAVAILABLE,
            StoreError::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError::new(status, error.to_string())
    }
}

type Result<T> = std::result::Result<T, ApiError>;

/// The node's routes.
pub fn router(node: Arc<Node>) -> Router {
    Router::new()
        .route("/v1/uploads", post(upload))
        .route("/v1/content/{cid}", get(content))
        .route("/v1/content/{cid}/receipts", post(receipt))
        .route("/internal/blobs/{cid}", post(receive_replica))
        .route("/health", get(health))
        .with_state(node)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok()).ok_or_else(|| {
        ApiError::new(StatusCode::UNAUTHORIZED, format!("missing header {name}: uploads must be signed"))
    })
}

fn parsed<T: std::str::FromStr>(headers: &HeaderMap, name: &str) -> Result<T> {
    header(headers, name)?
        .parse()
        .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, format!("header {name} is malformed")))
}

fn signature(headers: &HeaderMap) -> Result<Vec<u8>> {
    alloy::hex::decode(header(headers, h::SIGNATURE)?)
        .map_err(|_| ApiError::new(StatusCode::UNAUTHORIZED, "the signature is not hex"))
}

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

async fn upload(
    State(node): State<Arc<Node>>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<serde_json::Value>)> {
    let upload_kind = UploadKind::of(&headers)?;
    let limit = match upload_kind {
        UploadKind::Metadata => MAX_METADATA_BYTES.min(node.config.max_upload_bytes),
        UploadKind::Audio(_) => node.config.max_upload_bytes,
    };
    let size = declared_size(&headers, limit)?;
    let me = node.directory.read().await.me.clone();
    let Some(sp_id) = me.writable() else {
        return Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, format!("this node does not take writes: {me:?}")));
    };
    let grant = UploadGrant {
        chain_id: node.chain_id,
        node: parsed(&headers, h::NODE)?,
        artist: parsed::<Address>(&headers, h::SIGNER)?,
        cid: parsed::<ContentId>(&headers, h::CID)?,
        size,
        nonce: parsed(&headers, h::NONCE)?,
        expires_at: parsed(&headers, h::EXPIRES)?,
    };
    if grant.node != sp_id {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("the grant is for node {}, this is node {sp_id}", grant.node),
        ));
    }
    check_deadline(grant.expires_at, unix_now(), node.config.max_grant_secs)
        .map_err(|error| ApiError::new(StatusCode::UNAUTHORIZED, error.to_string()))?;
    let app = match headers.get(h::APP_KEY) {
        None => None,
        Some(value) => Some(value.to_str().ok().and_then(|text| text.parse::<Pubkey>().ok()).ok_or_else(|| {
            ApiError::new(StatusCode::BAD_REQUEST, format!("header {} is not a Solana address", h::APP_KEY))
        })?),
    };
    let signature = signature(&headers)?;
    match &app {
        None => grant.verify(&signature),
        Some(app) => grant.verify_app(app, &signature),
    }
    .map_err(|error| ApiError::new(StatusCode::UNAUTHORIZED, error.to_string()))?;
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
    if let Some(app) = app {
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

    let staged = node.store.stage(body.into_data_stream(), size).await?;
    if staged.size != size {
        return Err(StoreError::SizeMismatch { expected: size, actual: staged.size }.into());
    }
    if staged.cid != grant.cid {
        return Err(StoreError::CidMismatch { expected: grant.cid, actual: staged.cid }.into());
    }
    let path = staged.path().to_owned();
    let (meta, kind) = match upload_kind {
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
    node.store.commit(staged, &meta).await?;
    spawn_index(&node, cid);

    let replicas = crate::replicate::replicate(&node, sp_id, cid, &meta).await?;
    tracing::info!(%cid, size, artist = %grant.artist, ?replicas, "upload stored and replicated");
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "cid": cid,
            "size": size,
            "content_type": meta.content_type,
            "codec": kind,
            "replicas": replicas,
        })),
    ))
}

/// MIME type of track and profile metadata.
pub const METADATA_TYPE: &str = "application/json";
/// Largest metadata document.
pub const MAX_METADATA_BYTES: u64 = 1 << 20;

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

/// Index a newly stored blob for verified reads, off the request's path.
fn spawn_index(node: &Arc<Node>, cid: ContentId) {
    let node = node.clone();
    tokio::spawn(async move {
        if let Err(error) = node.store.verify(&cid).await {
            tracing::error!(%cid, %error, "a blob failed verification right after it was stored");
        }
    });
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

/// `bytes=a-b`, `bytes=a-` or `bytes=-n` against `size`: the inclusive range, `None` for the whole blob, or an
/// error for an unsatisfiable or multi-range request.
fn parse_range(value: &str, size: u64) -> std::result::Result<Option<(u64, u64)>, ()> {
    let spec = value.strip_prefix("bytes=").ok_or(())?;
    if spec.contains(',') {
        return Err(());
    }
    let (start, end) = spec.split_once('-').ok_or(())?;
    let (start, end) = match (start.trim(), end.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().map_err(|_| ())?;
            if n == 0 || size == 0 {
                return Err(());
            }
            (size.saturating_sub(n), size - 1)
        }
        (start, "") => (start.parse().map_err(|_| ())?, size.checked_sub(1).ok_or(())?),
        (start, end) => {
            (start.parse().map_err(|_| ())?, end.parse::<u64>().map_err(|_| ())?.min(size.saturating_sub(1)))
        }
    };
    if start > end || start >= size {
        return Err(());
    }
    Ok(Some((start, end)))
}

async fn content(
    State(node): State<Arc<Node>>,
    Path(cid): Path<String>,
    method: axum::http::Method,
    headers: HeaderMap,
) -> Result<Response> {
    let cid: ContentId = cid
        .parse()
        .map_err(|error: audius_sdk::cid::CidError| ApiError::new(StatusCode::BAD_REQUEST, error.to_string()))?;
    let meta = node
        .store
        .meta(&cid)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no blob {cid} here")))?;
    let etag = format!("\"{cid}\"");
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    let range = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        None => None,
        Some(value) => parse_range(value, meta.size).map_err(|_| {
            ApiError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                format!("range {value:?} does not fit {} bytes", meta.size),
            )
        })?,
    };
    let (start, end) = range.unwrap_or((0, meta.size.saturating_sub(1)));
    let len = if meta.size == 0 { 0 } else { end - start + 1 };
    let status = if range.is_some() { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK };
    let mut response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, &meta.content_type)
        .header(header::CONTENT_LENGTH, len)
        .header(header::ETAG, &etag)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable");
    if range.is_some() {
        response = response.header(header::CONTENT_RANGE, format!("bytes {start}-{end}/{}", meta.size));
    }
    if method == axum::http::Method::HEAD || len == 0 {
        return Ok(response.body(Body::empty()).expect("valid response"));
    }
    // The first chunk is read (and verified) before answering, so a corrupted blob is healed from a peer rather
    // than failing mid-stream in the common case; later chunks are verified as they stream.
    let first = match node.store.read(&cid, start, len.min(crate::store::CHUNK)).await {
        Ok(bytes) => bytes,
        Err(StoreError::Corrupted(_)) => {
            crate::replicate::heal(&node, cid).await.map_err(|error| {
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("blob {cid} was corrupted and could not be re-fetched: {error}"),
                )
            })?;
            node.store.read(&cid, start, len.min(crate::store::CHUNK)).await?
        }
        Err(error) => return Err(error.into()),
    };
    let stream = crate::replicate::verified_stream(node.clone(), cid, start + first.len() as u64, end + 1, first);
    Ok(response.body(Body::from_stream(stream)).expect("valid response"))
}

async fn receive_replica(
    State(node): State<Arc<Node>>,
    Path(cid): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode> {
    let cid: ContentId = cid.parse().map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "not a CID"))?;
    let directory = node.directory.read().await.clone();
    let Some(sp_id) = directory.me.writable() else {
        return Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "this node does not take writes yet"));
    };
    let size = declared_size(&headers, node.config.max_upload_bytes)?;
    let transfer = ReplicaTransfer {
        chain_id: node.chain_id,
        from: parsed(&headers, h::FROM_NODE)?,
        to: parsed(&headers, h::NODE)?,
        cid,
        size,
        expires_at: parsed(&headers, h::EXPIRES)?,
    };
    if transfer.to != sp_id {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, format!("the transfer is for node {}", transfer.to)));
    }
    let sender = directory.peer(transfer.from).ok_or_else(|| {
        ApiError::new(StatusCode::FORBIDDEN, format!("node {} is not a registered content node", transfer.from))
    })?;
    check_deadline(transfer.expires_at, unix_now(), 600)
        .map_err(|error| ApiError::new(StatusCode::UNAUTHORIZED, error.to_string()))?;
    transfer
        .verify(&signature(&headers)?, sender.delegate_wallet)
        .map_err(|error| ApiError::new(StatusCode::UNAUTHORIZED, error.to_string()))?;
    if node.store.meta(&cid).await?.is_some() {
        return Ok(StatusCode::OK);
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
    spawn_index(&node, cid);
    tracing::info!(%cid, from = transfer.from, "replica stored");
    Ok(StatusCode::CREATED)
}

/// This node's receipt for a blob it holds as a replica of a track: the writer gathers one from each of the track's
/// nodes, so no write can name this node as a replica of content it does not hold.
async fn receipt(
    State(node): State<Arc<Node>>,
    Path(cid): Path<String>,
    Json(request): Json<ReceiptRequest>,
) -> Result<Json<ReplicaReceipt>> {
    let cid: ContentId = cid.parse().map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "not a CID"))?;
    let track: Pubkey =
        request.track.parse().map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "track is not a Solana address"))?;
    let Some(sp_id) = node.directory.read().await.me.writable() else {
        return Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "this node does not take writes yet"));
    };
    let now = unix_now() as i64;
    if request.expires_at < now || request.expires_at - now > content::MAX_RECEIPT_SECS {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "expires_at {} must lie between now ({now}) and {} s ahead",
                request.expires_at,
                content::MAX_RECEIPT_SECS
            ),
        ));
    }
    if node.store.meta(&cid).await?.is_none() {
        return Err(ApiError::new(StatusCode::NOT_FOUND, format!("this node does not hold {cid}")));
    }
    let cluster = node
        .cluster()
        .await
        .map_err(|error| ApiError::new(StatusCode::BAD_GATEWAY, format!("reading the content program: {error}")))?;
    let signature =
        content::sign_replica_receipt(&node.key, &cluster, &track, &cid.to_bytes(), sp_id, request.expires_at);
    Ok(Json(ReplicaReceipt {
        node: sp_id,
        track: request.track,
        cid,
        expires_at: request.expires_at,
        signature: alloy::hex::encode(signature),
    }))
}

async fn health(State(node): State<Arc<Node>>) -> Result<Json<serde_json::Value>> {
    let directory = node.directory.read().await.clone();
    let blobs = node.store.count().await?;
    Ok(Json(json!({
        "version": env!("CARGO_PKG_VERSION"),
        "endpoint": node.config.endpoint,
        "delegate_wallet": node.key.address(),
        "chain_id": node.chain_id,
        "registration": directory.me,
        "peers": directory.peers,
        "storage": { "blobs": blobs, "free_bytes": free_bytes(&node.config.data_dir) },
        "max_upload_bytes": node.config.max_upload_bytes,
    })))
}

fn free_bytes(path: &std::path::Path) -> Option<u64> {
    let output = std::process::Command::new("df").arg("-Pk").arg(path).output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let available: u64 = text.lines().nth(1)?.split_whitespace().nth(3)?.parse().ok()?;
    Some(available * 1024)
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-99", 1000), Ok(Some((0, 99))));
        assert_eq!(parse_range("bytes=900-", 1000), Ok(Some((900, 999))));
        assert_eq!(parse_range("bytes=-100", 1000), Ok(Some((900, 999))));
        assert_eq!(parse_range("bytes=990-2000", 1000), Ok(Some((990, 999))));
        for bad in ["bytes=1000-", "bytes=5-1", "bytes=0-1,5-6", "items=0-1", "bytes=-0", "bytes=a-b"] {
            assert_eq!(parse_range(bad, 1000), Err(()), "{bad}");
        }
    }
}

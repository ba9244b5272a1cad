//! Moving blobs between nodes: pushing a new upload to its replicas, pulling a blob a node should hold (repair,
//! healing), and streaming a stored blob out with every chunk verified.

use std::{sync::Arc, time::Duration};

use audius_sdk::{
    cid::ContentId,
    rendezvous::{self, Candidate},
    upload::{unix_now, ReplicaTransfer},
};
use axum::http::StatusCode;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};

use crate::{
    error::ApiError,
    node::Node,
    store::{BlobMeta, BlobStore, StoreError, CHUNK},
};

use audius_sdk::rendezvous::REPLICATION_FACTOR;

/// The stored blob from `from` to `to` (exclusive), chunk by verified chunk, after `first` (already read).
pub fn verified_stream(
    node: Arc<Node>,
    cid: ContentId,
    from: u64,
    to: u64,
    first: Vec<u8>,
) -> impl Stream<Item = Result<Bytes, StoreError>> + Send {
    let head = futures_util::stream::once(async move { Ok(Bytes::from(first)) });
    let rest = futures_util::stream::unfold(from, move |offset| {
        let node = node.clone();
        async move {
            if offset >= to {
                return None;
            }
            let len = (to - offset).min(CHUNK);
            match node.store.read(&cid, offset, len).await {
                Ok(bytes) => Some((Ok(Bytes::from(bytes)), offset + len)),
                // A chunk that fails is not sent: the stream ends in an error and the blob is healed for the next
                // reader.
                Err(error) => {
                    if matches!(error, StoreError::Corrupted(_)) {
                        tokio::spawn(async move {
                            let _ = heal(&node, cid).await;
                        });
                    }
                    Some((Err(error), u64::MAX))
                }
            }
        }
    });
    head.chain(rest)
}

/// Place a freshly stored blob on two more nodes of two more operators: the highest-ranked other nodes by
/// stake-weighted rendezvous whose operator is not yet in the set, pushed to at the same time, going down the
/// ranking past any that fail. Returns the replica set (this node first), or an error naming every failure when
/// fewer than two accept.
pub async fn replicate(node: &Arc<Node>, me: u64, cid: ContentId, meta: &BlobMeta) -> Result<Vec<u64>, ApiError> {
    let directory = node.directory.read().await.clone();
    let others: Vec<_> = directory.others().cloned().collect();
    let candidates: Vec<Candidate> =
        others.iter().map(|p| Candidate { sp_id: p.sp_id, stake: p.stake.saturating_to::<u128>() }).collect();
    let mut ranked = rendezvous::rank(&cid, &candidates).into_iter();
    let mut replicas = vec![me];
    // The operators already holding or being sent the blob: the content program takes one node per operator.
    let mut operators: Vec<_> = directory.peer(me).map(|p| p.owner).into_iter().collect();
    let mut failures = Vec::new();
    let mut pushes = futures_util::stream::FuturesUnordered::new();
    loop {
        while replicas.len() + pushes.len() < REPLICATION_FACTOR {
            let Some(candidate) = ranked.next() else { break };
            let peer = others.iter().find(|p| p.sp_id == candidate.sp_id).expect("ranked from the peers").clone();
            if operators.contains(&peer.owner) {
                continue;
            }
            operators.push(peer.owner);
            pushes.push(async move {
                let result = push(node, me, &peer, cid, meta).await;
                (peer, result)
            });
        }
        let Some((peer, result)) = pushes.next().await else { break };
        match result {
            Ok(()) => replicas.push(peer.sp_id),
            Err(error) => {
                node.metrics.replication_failures.inc();
                // Another node of the same operator may take it instead.
                operators.retain(|owner| *owner != peer.owner);
                tracing::warn!(%cid, peer = peer.sp_id, %error, "replica push failed; trying the next node");
                failures.push(format!("node {} ({}): {error}", peer.sp_id, peer.endpoint));
            }
        }
    }
    if replicas.len() < REPLICATION_FACTOR {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "stored here but replicated to {} of {} other nodes; try again later{}{}",
                replicas.len() - 1,
                REPLICATION_FACTOR - 1,
                if failures.is_empty() { "" } else { ": " },
                failures.join("; ")
            ),
        ));
    }
    Ok(replicas)
}

async fn push(
    node: &Arc<Node>,
    me: u64,
    peer: &crate::peers::Peer,
    cid: ContentId,
    meta: &BlobMeta,
) -> Result<(), String> {
    let transfer = ReplicaTransfer {
        chain_id: node.chain_id,
        from: me,
        to: peer.sp_id,
        cid,
        size: meta.size,
        expires_at: unix_now() + 300,
    };
    let signature = transfer.sign(&node.key);
    let first = node.store.read(&cid, 0, CHUNK.min(meta.size)).await.map_err(|e| e.to_string())?;
    let body = verified_stream(node.clone(), cid, first.len() as u64, meta.size, first);
    let response = node
        .http
        .post(format!("{}/internal/blobs/{cid}", peer.endpoint.trim_end_matches('/')))
        .headers(transfer.to_headers(&signature))
        .header(reqwest::header::CONTENT_TYPE, &meta.content_type)
        .header(reqwest::header::CONTENT_LENGTH, meta.size)
        .timeout(Duration::from_secs(120))
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status().is_success() {
        Ok(())
    } else {
        let status = response.status();
        Err(format!("{status}: {}", response.text().await.unwrap_or_default()))
    }
}

/// Fetch `cid` from the first of `sources` that has it intact, verify it against the CID and store it.
pub async fn pull(node: &Node, cid: ContentId, sources: &[crate::peers::Peer]) -> Result<(), String> {
    let mut failures = Vec::new();
    for peer in sources {
        let url = format!("{}/v1/content/{cid}", peer.endpoint.trim_end_matches('/'));
        let result = async {
            let response =
                node.http.get(&url).timeout(Duration::from_secs(120)).send().await.map_err(|e| e.to_string())?;
            if !response.status().is_success() {
                return Err(format!("{}", response.status()));
            }
            let content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("application/octet-stream")
                .to_owned();
            let staged = node
                .store
                .stage(response.bytes_stream(), node.config.max_upload_bytes)
                .await
                .map_err(|e| e.to_string())?;
            if staged.cid != cid {
                return Err(format!("sent bytes hashing to {}", staged.cid));
            }
            let size = staged.size;
            node.store.commit(staged, &BlobMeta { size, content_type }).await.map_err(|e| e.to_string())
        }
        .await;
        match result {
            Ok(()) => {
                tracing::info!(%cid, from = peer.sp_id, "blob pulled from a peer");
                return Ok(());
            }
            Err(error) => failures.push(format!("node {}: {error}", peer.sp_id)),
        }
    }
    Err(if failures.is_empty() { "no peer to fetch from".into() } else { failures.join("; ") })
}

/// Re-fetch a blob that failed verification from any other node.
pub async fn heal(node: &Node, cid: ContentId) -> Result<(), String> {
    let others: Vec<_> = node.directory.read().await.others().cloned().collect();
    pull(node, cid, &others).await
}

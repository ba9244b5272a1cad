//! Repair: the track records on Solana name each track's replica nodes; a node periodically lists the live tracks
//! that name it and pulls any blob it lacks from the other replicas (verifying the CID), so a node that was down or
//! lost its disk catches up.

use std::{sync::Arc, time::Duration};

use audius_sdk::cid::ContentId;

use crate::{node::Node, store::BlobStore};

/// Run repair passes forever, every `repair_secs`.
pub async fn run(node: Arc<Node>) {
    let mut every = tokio::time::interval(Duration::from_secs(node.config.repair_secs.max(1)));
    loop {
        every.tick().await;
        match pass(&node).await {
            Ok(0) => {}
            Ok(pulled) => tracing::info!(pulled, "repair pass restored blobs"),
            Err(error) => tracing::warn!(%error, "repair pass failed"),
        }
    }
}

/// One pass: the live tracks naming this node whose blobs are missing, pulled from their other replicas.
pub async fn pass(node: &Node) -> anyhow::Result<usize> {
    let directory = node.directory.read().await.clone();
    let Some(me) = directory.me.writable() else { return Ok(0) };
    let (mut pulled, mut missing) = (0, 0);
    for track in node.solana.tracks_naming(me).await? {
        let cid = ContentId::from_bytes(track.content_cid)?;
        if node.store.meta(&cid).await?.is_some() {
            continue;
        }
        let sources: Vec<_> =
            track.replicas.iter().filter(|&&id| id != me).filter_map(|&id| directory.peer(id).cloned()).collect();
        match crate::replicate::pull(node, cid, &sources).await {
            Ok(()) => {
                pulled += 1;
                node.metrics.repaired.inc();
            }
            Err(error) => {
                missing += 1;
                tracing::warn!(%cid, track = track.track_id, %error, "could not repair a blob")
            }
        }
    }
    node.metrics.repair_queue.set(missing);
    Ok(pulled)
}

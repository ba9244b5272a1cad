//! Repair: the track records on Solana name each track's replica nodes; a node periodically lists the live tracks
//! that name it and pulls any blob it lacks from the other replicas (verifying the CID), so a node that was down or
//! lost its disk catches up.

use std::{sync::Arc, time::Duration};

use anchor_lang::{AccountDeserialize, Discriminator};
use audius_sdk::{cid::ContentId, solana::content};
use solana_rpc_client_api::{
    config::{RpcAccountInfoConfig, RpcProgramAccountsConfig},
    filter::{Memcmp, RpcFilterType},
};

use crate::{store::BlobStore, Node};

/// Byte offset of `Track::replicas` in the account: discriminator, layout version, profile, track id, two CIDs.
const REPLICAS_OFFSET: usize = 8 + 1 + 32 + 8 + 2 * audius_sdk::cid::CID_LEN;

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
    let mut pulled = 0;
    for track in tracks_naming(node, me).await? {
        let cid = ContentId::from_bytes(track.content_cid)?;
        if node.store.meta(&cid).await?.is_some() {
            continue;
        }
        let sources: Vec<_> =
            track.replicas.iter().filter(|&&id| id != me).filter_map(|&id| directory.peer(id).cloned()).collect();
        match crate::replicate::pull(node, cid, &sources).await {
            Ok(()) => pulled += 1,
            Err(error) => tracing::warn!(%cid, track = track.track_id, %error, "could not repair a blob"),
        }
    }
    Ok(pulled)
}

async fn tracks_naming(node: &Node, sp_id: u64) -> anyhow::Result<Vec<content::Track>> {
    let mut tracks = Vec::new();
    for slot in 0..audius_sdk::rendezvous::REPLICATION_FACTOR {
        let config = RpcProgramAccountsConfig {
            filters: Some(vec![
                RpcFilterType::Memcmp(Memcmp::new_raw_bytes(0, content::Track::DISCRIMINATOR.to_vec())),
                RpcFilterType::Memcmp(Memcmp::new_raw_bytes(REPLICAS_OFFSET + 8 * slot, sp_id.to_le_bytes().to_vec())),
            ]),
            account_config: RpcAccountInfoConfig {
                encoding: Some(solana_rpc_client_api::response::UiAccountEncoding::Base64),
                ..RpcAccountInfoConfig::default()
            },
            ..RpcProgramAccountsConfig::default()
        };
        let accounts = node.solana.rpc().get_program_ui_accounts_with_config(&content::PROGRAM_ID, config).await?;
        for (_, account) in accounts {
            let data = account.data.decode().ok_or_else(|| anyhow::anyhow!("undecodable track account"))?;
            tracks.push(content::Track::try_deserialize(&mut data.as_slice())?);
        }
    }
    Ok(tracks)
}

#[cfg(test)]
mod tests {
    use anchor_lang::{prelude::Pubkey, AccountSerialize};

    use super::*;

    #[test]
    fn the_replica_filter_offset_is_where_a_track_record_holds_its_replicas() {
        let track = content::Track {
            version: content::LAYOUT_VERSION,
            profile: Pubkey::new_unique(),
            track_id: 7,
            content_cid: [1; audius_sdk::cid::CID_LEN],
            metadata_cid: [2; audius_sdk::cid::CID_LEN],
            replicas: [11, 12, 13],
            created_at: 1,
            updated_at: 2,
            rent_payer: Pubkey::new_unique(),
            bump: 254,
        };
        let mut data = Vec::new();
        track.try_serialize(&mut data).unwrap();
        for (slot, sp_id) in track.replicas.iter().enumerate() {
            let at = REPLICAS_OFFSET + 8 * slot;
            assert_eq!(data[at..at + 8], sp_id.to_le_bytes(), "replica slot {slot}");
        }
    }
}

//! `audius artist upload` through the whole flow: a profile on the local Solana node, three content nodes
//! registered on anvil and running (the local network, in this process), the file hashed, uploaded with a progress bar, replicated,
//! and recorded as a track with its replica set.

mod common;

use alloy::signers::local::PrivateKeySigner;
use audius_devkit::{wav_tone, write_keypair_file};
use audius_localnet::{LocalNetwork, Options};
use std::sync::{Arc, Mutex};

use audius_sdk::{
    cid::ContentId,
    upload::{
        publish::{Progress, PublishError, Publisher, Stage},
        unpin, UnpinRequest, UploadError,
    },
};
use common::Audius;

#[tokio::test(flavor = "multi_thread")]
async fn upload_stores_on_three_nodes_and_records_the_track() {
    let limit = 1 << 20;
    let network = LocalNetwork::start(Options { max_upload_bytes: limit, ..Options::default() }).await.unwrap();
    let (chain, solana_node, solana) = (&network.chain, &network.solana_node, &network.solana);
    let authority = network.funded_keypair().await.unwrap();
    let home = tempfile::tempdir().unwrap();

    let artist_key = PrivateKeySigner::random();
    let keypair_file = write_keypair_file(home.path(), "artist.json", &authority).unwrap();
    let artist = Audius::new(home.path().into())
        .with("AUDIUS_ETH_RPC", chain.anvil.endpoint())
        .with("AUDIUS_DEPLOYMENT", chain.deployment_file.display())
        .with("AUDIUS_SOLANA_RPC", &solana_node.rpc_url)
        .with("AUDIUS_ETH_PRIVATE_KEY", alloy::hex::encode_prefixed(artist_key.to_bytes()))
        .with("AUDIUS_SOLANA_KEYPAIR", keypair_file.display());
    artist.ok(&["artist", "create-profile"]);

    let song = home.path().join("song.wav");
    let bytes = wav_tone(44_100 * 2, 44_100);
    std::fs::write(&song, &bytes).unwrap();
    let cid = ContentId::of(&bytes);
    let metadata = home.path().join("song.json");
    std::fs::write(&metadata, r#"{"title": "A4", "artist": "tone"}"#).unwrap();
    let uploaded = artist.ok(&["artist", "upload", song.to_str().unwrap(), "--metadata", metadata.to_str().unwrap()]);
    let metadata_cid = ContentId::of(&std::fs::read(&metadata).unwrap());
    assert_eq!(uploaded["metadata_cid"], metadata_cid.to_string().as_str());
    assert_eq!(uploaded["cid"], cid.to_string().as_str());
    assert_eq!(uploaded["track_id"], 0);
    let replicas: Vec<u64> = serde_json::from_value(uploaded["replicas"].clone()).unwrap();
    assert_eq!(replicas.len(), 3);

    let track = artist.ok(&["artist", "track", "0"]);
    assert_eq!(track["content_cid"], cid.to_string().as_str());
    assert_eq!(track["replicas"], serde_json::json!(replicas));
    assert_eq!(track["metadata_cid"], metadata_cid.to_string().as_str());
    let bad_metadata = home.path().join("bad.json");
    std::fs::write(&bad_metadata, "[1, 2]").unwrap();
    let refused = artist.run(&[
        "--yes",
        "artist",
        "upload",
        song.to_str().unwrap(),
        "--metadata",
        bad_metadata.to_str().unwrap(),
    ]);
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(refused.stderr.contains("is not a JSON object"), "{refused:?}");
    let chain = solana.profile(&artist_key.address().0 .0).await.unwrap().unwrap().ledger;
    assert_eq!(uploaded["ledger_seq"].as_u64(), Some(chain.seq), "the track's entry, last on its profile's chain");

    // Refused before sending: not audio by name, a missing file. Refused by the node: not audio by content.
    let notes = home.path().join("notes.txt");
    std::fs::write(&notes, "la la la").unwrap();
    let by_name = artist.run(&["--yes", "artist", "upload", notes.to_str().unwrap()]);
    assert_eq!(by_name.code, 2, "{by_name:?}");
    assert!(by_name.stderr.contains("pass --content-type"), "{by_name:?}");
    let missing = artist.run(&["--yes", "artist", "upload", "/nonexistent.wav"]);
    assert_eq!(missing.code, 2, "{missing:?}");
    let disguised = home.path().join("noise.wav");
    std::fs::write(&disguised, vec![0x5a; 40_000]).unwrap();
    let refused = artist.run(&["--yes", "artist", "upload", disguised.to_str().unwrap()]);
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(refused.stderr.contains("not a recognized audio format"), "{refused:?}");
    // Larger than any node takes: refused before a byte is hashed, with the limit.
    let long = home.path().join("long.wav");
    std::fs::write(&long, wav_tone(44_100 * 12, 44_100)).unwrap();
    let too_large = artist.run(&["--yes", "artist", "upload", long.to_str().unwrap()]);
    assert_eq!(too_large.code, 2, "{too_large:?}");
    assert!(too_large.stderr.contains(&format!("the content nodes take at most {limit} bytes")), "{too_large:?}");
    assert_eq!(artist.ok(&["artist", "show"])["track_count"], 1, "no track recorded for refused uploads");

    // The stages an upload reports, in order: nothing is hashed for a file no node takes; a track goes through
    // every stage, the waits on the nodes and on Solana included.
    let stages = Arc::new(Recorder::default());
    let publisher = Publisher::new(&network.chain.admin, solana).unwrap().with_progress(stages.clone());
    let refused = publisher.prepare(&long, None, None).await.unwrap_err();
    assert!(matches!(refused, PublishError::TooLarge { limit: l, .. } if l == limit), "{refused:?}");
    assert_eq!(stages.take(), [], "refused before hashing");
    let second = home.path().join("second.wav");
    std::fs::write(&second, wav_tone(44_100, 44_100)).unwrap();
    let prepared = publisher.prepare(&second, None, None).await.unwrap();
    publisher.publish(&prepared, &artist_key, &authority).await.unwrap();
    assert_eq!(
        stages.take(),
        [Stage::Hashing, Stage::Uploading, Stage::Replicating, Stage::Receipts, Stage::Recording]
    );

    // Audio a live track names stays: the node reads the records, whoever asks.
    let second_cid = prepared.audio.cid.to_string();
    let kept = artist.run(&["--yes", "--json", "artist", "unpin", &second_cid]);
    assert_eq!(kept.code, 3, "{kept:?}");
    let answers = kept.json()["unpinned"].as_array().unwrap().clone();
    assert_eq!(answers.len(), 3);
    for answer in &answers {
        assert!(answer["error"].as_str().unwrap().contains("still names this node"), "{answer}");
    }
    let metadata_kept = artist.run(&["--yes", "--json", "artist", "unpin", &metadata_cid.to_string()]);
    assert_eq!(metadata_kept.code, 3, "metadata is not dropped this way: {metadata_kept:?}");

    // Deleting a track drops its audio from its three replicas; nothing serves it after.
    let deleted = artist.ok(&["artist", "delete-track", "0"]);
    let unpinned = deleted["unpinned"].as_array().unwrap();
    let dropped: Vec<u64> =
        unpinned.iter().filter(|u| u["removed"] == true).map(|u| u["node"].as_u64().unwrap()).collect();
    assert_eq!(dropped, replicas, "{deleted}");
    let http = reqwest::Client::new();
    for node in network.content_nodes.iter().filter(|node| replicas.contains(&node.sp_id)) {
        let served = http.get(format!("{}/v1/content/{cid}", node.endpoint)).send().await.unwrap();
        assert_eq!(served.status(), 404, "node {} no longer serves the deleted track's audio", node.sp_id);
    }
    assert!(solana.track(&audius_sdk::solana::content::profile_address(&artist_key.address().0 .0), 1).await.is_ok());

    // Signed requests are checked: a replay, another signer, another node.
    let node = network.content_nodes.iter().find(|node| replicas.contains(&node.sp_id)).unwrap();
    let request = UnpinRequest {
        chain_id: network.chain.deployment.chain_id,
        node: node.sp_id,
        artist: artist_key.address(),
        cid,
        nonce: 77,
        expires_at: audius_sdk::upload::unix_now() + 300,
    };
    let first = unpin(&http, &node.endpoint, &request, &artist_key).await.unwrap();
    assert!(!first.removed, "already dropped");
    let replay = unpin(&http, &node.endpoint, &request, &artist_key).await.unwrap_err();
    assert!(matches!(replay, UploadError::Refused { status: 409, .. }), "{replay:?}");
    let forged = UnpinRequest { nonce: 78, ..request.clone() };
    let stranger = PrivateKeySigner::random();
    let wrong_key = unpin(&http, &node.endpoint, &forged, &stranger).await.unwrap_err();
    assert!(matches!(wrong_key, UploadError::Refused { status: 401, .. }), "{wrong_key:?}");
    let elsewhere = UnpinRequest { nonce: 79, node: node.sp_id + 100, ..request };
    let wrong_node = unpin(&http, &node.endpoint, &elsewhere, &artist_key).await.unwrap_err();
    assert!(matches!(wrong_node, UploadError::Refused { status: 400, .. }), "{wrong_node:?}");
}

/// The stages an upload began, in order.
#[derive(Default)]
struct Recorder(Mutex<Vec<Stage>>);

impl Recorder {
    fn take(&self) -> Vec<Stage> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

impl Progress for Recorder {
    fn begin(&self, stage: Stage, _: Option<u64>) {
        self.0.lock().unwrap().push(stage);
    }
    fn advance(&self, _: u64) {}
    fn end(&self) {}
}

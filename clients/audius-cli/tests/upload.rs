//! `audius artist upload` through the whole flow: a profile on the local Solana node, three content nodes
//! registered on anvil and running (in this process), the file hashed, uploaded with a progress bar, replicated,
//! and recorded as a track with its replica set.

mod common;

use std::time::Duration;

use alloy::signers::local::PrivateKeySigner;
use audius_content_node::{audio::wav_tone, config::NodeConfig};
use audius_sdk::{
    cid::ContentId,
    local::LocalChain,
    solana::{content, rpc::ContentClient},
};
use audius_solana_local::LocalNode;
use common::Audius;
use solana_keypair::Keypair;
use solana_signer::Signer;

#[tokio::test(flavor = "multi_thread")]
async fn upload_stores_on_three_nodes_and_records_the_track() {
    let chain = LocalChain::start(None).await.unwrap();
    let authority = Keypair::new();
    let solana_node = LocalNode::start(audius_solana_local::NodeConfig {
        fund: vec![authority.pubkey()],
        ..audius_solana_local::NodeConfig::default()
    })
    .unwrap();
    let solana = ContentClient::new(solana_node.rpc_url.clone());
    let attester = PrivateKeySigner::random();
    solana
        .send(&[content::initialize(&authority.pubkey(), [5; 32], vec![attester.address().0 .0], 1)], &authority, &[])
        .await
        .unwrap();

    let home = tempfile::tempdir().unwrap();
    let mut stops = Vec::new();
    for i in 0..3 {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let listen = listener.local_addr().unwrap();
        drop(listener);
        let endpoint = format!("http://{listen}");
        let sp_id = chain.register_content_node(1 + i, 5 + i, &endpoint, "300000").await.unwrap();
        let registration = content::NodeRegistration {
            sp_id,
            owner_wallet: chain.address(1 + i).0 .0,
            delegate_wallet: chain.address(5 + i).0 .0,
            endpoint: endpoint.clone(),
        };
        solana.admit_node(&authority, &[&attester], registration, i64::MAX).await.unwrap();
        let config = NodeConfig {
            listen,
            endpoint,
            data_dir: home.path().join(format!("node{sp_id}")),
            eth_rpc: chain.anvil.endpoint(),
            deployment: chain.deployment_file.clone(),
            solana_rpc: solana_node.rpc_url.clone(),
            delegate_key_env: String::new(),
            max_upload_bytes: 64 << 20,
            refresh_secs: 1,
            repair_secs: 60,
            max_grant_secs: 3_600,
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        stops.push(stop);
        tokio::spawn(audius_content_node::run(config, chain.signer(5 + i), async move {
            let _ = stopped.await;
        }));
    }

    let artist_key = PrivateKeySigner::random();
    let keypair_file = home.path().join("artist.json");
    std::fs::write(&keypair_file, serde_json::to_string(&authority.to_bytes().to_vec()).unwrap()).unwrap();
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
    // The nodes read the registry once a second; the first upload may find them still starting.
    let mut uploaded = None;
    for _ in 0..50 {
        let run = artist.run(&["--yes", "--json", "artist", "upload", song.to_str().unwrap()]);
        if run.code == 0 {
            uploaded = Some(run.json());
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let uploaded = uploaded.expect("the upload went through");
    assert_eq!(uploaded["cid"], cid.to_string().as_str());
    assert_eq!(uploaded["track_id"], 0);
    let replicas: Vec<u64> = serde_json::from_value(uploaded["replicas"].clone()).unwrap();
    assert_eq!(replicas.len(), 3);

    let track = artist.ok(&["artist", "track", "0"]);
    assert_eq!(track["content_cid"], cid.to_string().as_str());
    assert_eq!(track["replicas"], serde_json::json!(replicas));
    assert_eq!(uploaded["ledger_seq"].as_u64(), Some(solana.ledger().await.unwrap().seq));

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
    assert_eq!(artist.ok(&["artist", "show"])["track_count"], 1, "no track recorded for refused uploads");
    drop(stops);
}

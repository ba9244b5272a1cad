//! The upload flow across both chains and the nodes, end to end on the local network, and its fault cases: a
//! content node down during an upload, the discovery node restarted mid-indexing, a content node deregistered on
//! Ethereum.

use std::time::Duration;

use alloy::primitives::U256;
use audius_devkit::eventually;
use audius_e2e::Artist;
use audius_localnet::{command, LocalNetwork, Options};
use audius_sdk::{cid::ContentId, solana::content::EntryKind};
use clap::Parser;
use serde_json::Value;

/// How long the network may take to reach what a test waits for.
const SETTLE: Duration = Duration::from_secs(30);

async fn get_json(url: &str) -> Option<Value> {
    reqwest::get(url).await.ok()?.json().await.ok()
}

/// A node serves exactly `bytes` for `cid`.
async fn serves(endpoint: &str, cid: &ContentId, bytes: &[u8]) -> bool {
    let Ok(response) = reqwest::get(format!("{endpoint}/v1/content/{cid}")).await else { return false };
    response.status().is_success() && response.bytes().await.is_ok_and(|body| body.as_ref() == bytes)
}

/// The demo, as the README runs it: every step checks itself, and its report holds what each step saw.
#[tokio::test(flavor = "multi_thread")]
async fn demo_carries_an_upload_through_every_step() {
    let cli = command::Cli::try_parse_from(["audius-localnet", "--json", "demo", "--seconds", "2"]).unwrap();
    let report = command::run(cli.command, cli.json).await.expect("the demo runs").json;

    // 1-2: stored on three distinct nodes, recorded as the profile's first track.
    let track = &report["track"];
    let replicas: Vec<u64> = serde_json::from_value(track["replicas"].clone()).unwrap();
    let mut distinct = replicas.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 3, "{track}");
    assert_eq!(track["track_id"], 0);
    assert_eq!(track["content_type"], "audio/wav");
    // 3-5: the ledger entry, then the discovery node's confirmation.
    assert!(track["ledger_seq"].as_u64().unwrap() > 0);
    assert_eq!(report["indexed"]["status"], "indexed", "{report}");
    assert_eq!(report["indexed"]["tracks"][0]["content_cid"], track["cid"]);
    // 7: the round paid the operator; the proposal changed the parameter.
    assert!(report["operator_reward"].as_str().unwrap().parse::<U256>().unwrap() > U256::ZERO);
    assert_eq!(report["operator_score"], 10_000);
    assert_eq!(report["min_delegation"], (U256::from(200u64) * U256::from(10u64).pow(U256::from(18u8))).to_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_succeeds_with_a_content_node_down() {
    let mut network = LocalNetwork::start(Options { content_nodes: 4, ..Options::default() }).await.unwrap();
    let down = network.content_nodes[0].sp_id;
    network.stop_content_node(down).await.unwrap();
    let artist = Artist::new(&network, 16).await.unwrap();
    for take in 0..3 {
        let (track, bytes) = artist.upload(take, 1).await.expect("the upload goes around the node that is down");
        assert!(!track.replicas.contains(&down), "take {take} placed on the node that is down: {:?}", track.replicas);
        for sp_id in track.replicas {
            let endpoint = &network.content_nodes.iter().find(|n| n.sp_id == sp_id).unwrap().endpoint;
            assert!(serves(endpoint, &track.cid, &bytes).await, "node {sp_id} does not serve take {take}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_node_restarted_mid_indexing_loses_and_duplicates_nothing() {
    let mut network = LocalNetwork::start(Options::default()).await.unwrap();
    let artist = Artist::new(&network, 16).await.unwrap();
    let (first, _) = artist.upload(0, 1).await.unwrap();
    let discovery = &network.discovery_nodes[0].endpoint.clone();
    let first_cid = first.cid;
    eventually(SETTLE, "the first upload indexed", move || async move {
        let status = get_json(&format!("{discovery}/v1/uploads/{first_cid}")).await?;
        (status["status"] == "indexed").then_some(())
    })
    .await
    .unwrap();

    // Stopped wherever it was; tracks keep landing on Solana meanwhile.
    network.stop_discovery_node(0).await.unwrap();
    let mut later = Vec::new();
    for take in 1..=3 {
        later.push(artist.upload(take, 1).await.unwrap().0);
    }
    network.start_discovery_node(0).await.unwrap();

    // Two chains: the registry's (configuration, nodes) and the artist's profile's.
    let registry = network.solana.ledger().await.unwrap().chain;
    let profile = network.solana.profile(&artist.eth.address().0 .0).await.unwrap().unwrap();
    let profile_address = audius_sdk::solana::content::profile_address(&artist.eth.address().0 .0);
    let caught_up = registry.seq + profile.ledger.seq;
    let caught_up_entries = eventually(SETTLE, "the restarted node caught up", move || async move {
        let health = get_json(&format!("{discovery}/health")).await?;
        (health["indexed"]["position"].as_u64()? >= caught_up).then_some(())?;
        get_json(&format!("{discovery}/v1/ledger?since=0&limit=100")).await?.as_array().cloned()
    });
    let entries: Vec<Value> = match caught_up_entries.await {
        Ok(entries) => entries,
        // What the node says of itself (position, lag, halted, last error) tells why.
        Err(timeout) => {
            panic!("{timeout}: {caught_up} entries expected; {:?}", get_json(&format!("{discovery}/health")).await)
        }
    };
    let positions: Vec<u64> = entries.iter().map(|e| e["position"].as_u64().unwrap()).collect();
    assert_eq!(positions, (1..=caught_up).collect::<Vec<_>>(), "every entry once");
    for (ledger, chain) in
        [(audius_sdk::solana::content::ledger_address(), registry), (profile_address, profile.ledger)]
    {
        let of_chain: Vec<&Value> = entries.iter().filter(|e| e["ledger"] == ledger.to_string()).collect();
        let seqs: Vec<u64> = of_chain.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
        assert_eq!(seqs, (1..=chain.seq).collect::<Vec<_>>(), "{ledger}: every entry once, in order");
        let head = of_chain.last().unwrap()["head"].as_str().unwrap().to_owned();
        assert_eq!(head, alloy::hex::encode(chain.head), "{ledger}: the indexed chain ends at its account's head");
    }
    let created = entries.iter().filter(|e| e["kind"] == format!("{:?}", EntryKind::TrackCreated)).count();
    assert_eq!(created, 4);
    for track in later {
        let status = get_json(&format!("{discovery}/v1/uploads/{}", track.cid)).await.unwrap();
        assert_eq!(status["status"], "indexed", "{status}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn deregistered_content_node_is_not_chosen_for_new_uploads() {
    let network = LocalNetwork::start(Options { content_nodes: 4, ..Options::default() }).await.unwrap();
    let chain = &network.chain;
    let leaving = network.content_nodes[3].sp_id;
    // Operator accounts 1..=4 run content nodes 1..=4 in order.
    chain.protocol(4).await.unwrap().deregister(leaving).await.unwrap();
    network.aggregator().sync(&chain.admin, &network.solana, &network.solana_admin).await.unwrap();
    assert!(network.solana.nodes(&[leaving]).await.unwrap()[0].is_none(), "removed from the Solana registry");
    // The remaining nodes drop it from their peers at their next registry read.
    for node in &network.content_nodes[..3] {
        let endpoint = &node.endpoint;
        eventually(SETTLE, "the peers forget the deregistered node", move || async move {
            let health = get_json(&format!("{endpoint}/health")).await?;
            (health["peers"].as_array()?.len() == 3).then_some(())
        })
        .await
        .unwrap();
    }
    let artist = Artist::new(&network, 16).await.unwrap();
    for take in 0..4 {
        let (track, _) = artist.upload(take, 1).await.unwrap();
        assert!(!track.replicas.contains(&leaving), "take {take} placed on the deregistered node");
    }
}

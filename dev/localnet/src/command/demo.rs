//! `audius-localnet demo`: the upload flow and the token economics on a fresh local network, step by step.
//!
//! 1. an artist profile on Solana, bound to the artist's Ethereum key;
//! 2. a generated sine-tone WAV uploaded: its CID computed here, stored by the best-ranked content node;
//! 3. replicated to two more: every replica answers a range request for it;
//! 4. recorded: the track's ledger entry read back from the transaction and chained to the ledger's head;
//! 5. indexed: the discovery node reports the upload as indexed;
//! 6. streamed back by range request from a replica and the bytes checked against the file;
//! 7. a fan delegates to an operator; an issuance round ends, its activity is attested from the ledger by the
//!    discovery node and the operator claims; a governance proposal changes the minimum delegation, is voted
//!    and, after its execution delay, executed.

use std::time::{Duration, Instant};

use alloy::primitives::U256;
use audius_sdk::{
    cid::ContentId,
    eth::{format_audio, ActionSpec, Support},
    upload::publish::Publisher,
};
use clap::Args;
use reqwest::{header, StatusCode};
use serde_json::json;

use audius_cli::{units::parse_audio, Output};

use crate::{LocalNetwork, Options};

/// The demo's anvil accounts (the network's own: content operators 1..=3, discovery operator 20).
const ARTIST: usize = 16;
const FAN: usize = 17;
const PROPOSER: usize = 20;

/// Arguments of `audius-localnet demo`.
#[derive(Args)]
pub struct DemoArgs {
    /// Seconds of audio to generate and upload.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=600))]
    seconds: u32,
}

/// Prints numbered steps as they happen (unless the output is JSON).
struct Steps {
    quiet: bool,
    started: Instant,
    step: usize,
}

impl Steps {
    const TOTAL: usize = 9;

    fn begin(&mut self, title: &str) {
        self.step += 1;
        if !self.quiet {
            println!("[{}/{}] {title}", self.step, Self::TOTAL);
        }
    }

    fn done(&self, detail: impl std::fmt::Display) {
        if !self.quiet {
            println!("      ✓ {detail}  ({:.1} s)", self.started.elapsed().as_secs_f64());
        }
    }
}

/// Run the demo.
pub async fn run(args: DemoArgs, json: bool) -> anyhow::Result<Output> {
    let mut steps = Steps { quiet: json, started: Instant::now(), step: 0 };
    let work = tempfile::tempdir()?;

    steps.begin("starting the local network: anvil, Solana, 1 discovery node, 3 content nodes");
    let network =
        LocalNetwork::start(Options { data_dir: Some(work.path().join("nodes")), ..Options::default() }).await?;
    let ready = steps.started.elapsed();
    steps.done(format!(
        "all healthy in {:.1} s; content nodes admitted on Solana by the discovery node's attestation",
        ready.as_secs_f64()
    ));
    let chain = &network.chain;
    let solana = &network.solana;
    let http = reqwest::Client::new();

    steps.begin("creating the artist's profile on Solana");
    let artist = chain.signer(ARTIST);
    let authority = network.funded_keypair().await?;
    let (profile, _) = solana.create_profile(&authority, &artist, [0; audius_sdk::cid::CID_LEN]).await?;
    steps.done(format!("profile {profile} for {}", artist.address()));

    steps.begin(&format!("uploading {} s of a 440 Hz tone", args.seconds));
    let song = work.path().join("tone.wav");
    let bytes = audius_devkit::wav_tone(44_100 * args.seconds, 44_100);
    std::fs::write(&song, &bytes)?;
    let metadata = work.path().join("tone.json");
    std::fs::write(&metadata, r#"{"title": "A440", "genre": "Test tone"}"#)?;
    let upload_started = Instant::now();
    // The artist's upload as every client does it; no progress bars inside the steps.
    let publisher = Publisher::new(&chain.admin, solana)?;
    let track = publisher.publish(&publisher.prepare(&song, Some(&metadata), None).await?, &artist, &authority).await?;
    let cid = track.cid;
    if cid != ContentId::of(&bytes) {
        anyhow::bail!("the network stored {cid}, not the file's CID");
    }
    steps.done(format!("CID {cid} ({} bytes), recorded as track {}", track.size, track.track_id));

    steps.begin("checking the three replicas");
    let endpoint_of = |sp_id: u64| {
        network.content_nodes.iter().find(|n| n.sp_id == sp_id).map(|n| n.endpoint.clone()).expect("a network node")
    };
    for sp_id in track.replicas {
        let response = http
            .get(format!("{}/v1/content/{cid}", endpoint_of(sp_id)))
            .header(header::RANGE, "bytes=0-3")
            .send()
            .await?;
        if response.status() != StatusCode::PARTIAL_CONTENT || response.bytes().await?.as_ref() != b"RIFF" {
            anyhow::bail!("content node {sp_id} does not serve {cid}");
        }
    }
    steps.done(format!("held by content nodes {:?}", track.replicas));

    steps.begin("reading the ledger transaction");
    let signature = track.transaction.parse()?;
    let events = solana.ledger_events(&signature).await?;
    let appended = events.first().ok_or_else(|| anyhow::anyhow!("the transaction carried no ledger entry"))?;
    let head = alloy::hex::encode(appended.head);
    steps.done(format!(
        "entry #{} of the profile's ledger, {:?}, in transaction {}…, chain head {}…",
        appended.entry.seq,
        appended.entry.kind,
        &track.transaction[..16],
        &head[..16]
    ));

    steps.begin("waiting for the discovery node to index it");
    let discovery = &network.discovery_nodes[0].endpoint;
    let client = &http;
    let indexed = audius_devkit::eventually(
        Duration::from_secs(30),
        "the discovery node indexing the upload",
        move || async move {
            let status: serde_json::Value =
                client.get(format!("{discovery}/v1/uploads/{cid}")).send().await.ok()?.json().await.ok()?;
            (status["status"] == "indexed").then_some(status)
        },
    )
    .await?;
    let upload_to_indexed = upload_started.elapsed();
    // The discovery node checked the hash chain while indexing: its entry carries the same head.
    let (ledger, since) = (appended.entry.ledger, appended.entry.seq - 1);
    let stored: Vec<serde_json::Value> =
        http.get(format!("{discovery}/v1/ledger?ledger={ledger}&since={since}&limit=1")).send().await?.json().await?;
    if stored.first().map(|e| e["head"].clone()) != Some(json!(head)) {
        anyhow::bail!("the discovery node's entry #{} does not carry the chain head {head}", appended.entry.seq);
    }
    steps.done(format!(
        "indexed {:.2} s after the upload started, at the same chain head; the artist is told it succeeded",
        upload_to_indexed.as_secs_f64()
    ));

    steps.begin("streaming it back by range request");
    let (first, last) = (44, 44 + 44_100 * 4 - 1); // the first second of samples
    let response = http
        .get(format!("{}/v1/content/{cid}", endpoint_of(track.replicas[0])))
        .header(header::RANGE, format!("bytes={first}-{last}"))
        .send()
        .await?;
    let status = response.status();
    let body = response.bytes().await?;
    if status != StatusCode::PARTIAL_CONTENT || body.as_ref() != &bytes[first..=last] {
        anyhow::bail!("the range {first}-{last} came back {status} with different bytes");
    }
    let whole = http.get(format!("{}/v1/content/{cid}", endpoint_of(track.replicas[1]))).send().await?.bytes().await?;
    if ContentId::of(&whole) != cid {
        anyhow::bail!("the stream does not hash to {cid}");
    }
    steps.done(format!("bytes {first}-{last} match the file; the whole stream hashes to its CID"));

    steps.begin("a fan delegates; an issuance round ends with attested activity; the operator claims");
    let eth = &chain.admin;
    let operator = chain.address(1);
    chain.fund(FAN, "5000").await?;
    let fan = chain.protocol(FAN).await?;
    let delegated = parse_audio("1000").map_err(anyhow::Error::msg)?;
    fan.delegate(chain.address(FAN), operator, delegated).await?;
    // Rounds follow the clock. Every node registered during round 1, after its stake snapshot, so round 1 pays
    // nothing; round 2's snapshot (taken here, as a keeper would at its start) holds every pool, and round 2 is
    // the one attested and paid once it ends.
    let current = eth.issuance.currentRound().call().await?;
    chain.advance(current.end.to::<u64>().saturating_sub(eth.chain_now().await?) + 1).await?;
    eth.checkpoint_round().await?;
    let current = eth.issuance.currentRound().call().await?;
    chain.advance(current.end.to::<u64>().saturating_sub(eth.chain_now().await?) + 1).await?;
    let aggregator = &network.aggregator();
    let (report, signers) =
        audius_devkit::eventually(Duration::from_secs(30), "attesting the round's activity", move || async move {
            aggregator.submit_activity(eth).await.ok()
        })
        .await?;
    let reward = eth.claim_rewards(operator).await?.value;
    let score = eth.issuance.scoreOf(U256::from(report.round), operator).call().await?;
    let full = eth.issuance.FULL_SCORE().call().await?;
    steps.done(format!(
        "fan delegated {}; round {} attested by {signers} attester(s), operator {operator} scored {:.0} % and \
         claimed {} for its pool",
        format_audio(delegated),
        report.round,
        f64::from(score) * 100.0 / f64::from(full),
        format_audio(reward)
    ));

    steps.begin("governance: raise the minimum delegation to 200 AUDIO");
    let before = eth.staking.globalMinDelegation().call().await?;
    let proposer = chain.protocol(PROPOSER).await?;
    let action =
        ActionSpec::parse_line("Staking.setGlobalMinDelegation(uint96) 200ether")?.encode(&proposer.deployment)?;
    let id =
        proposer.propose(chain.address(PROPOSER), &[action], "Raise the minimum delegation to 200 AUDIO").await?.value;
    // Voting opens the second after the proposal (its snapshot is the proposal's creation).
    chain.advance(1).await?;
    proposer.vote(chain.address(PROPOSER), id, Support::For, "the demo says so").await?;
    let eta = eth.governor.proposalEta(id).call().await?.to::<u64>();
    chain.advance(eta.saturating_sub(eth.chain_now().await?) + 1).await?;
    proposer.execute(id).await?;
    let after = eth.staking.globalMinDelegation().call().await?;
    if after != parse_audio("200").map_err(anyhow::Error::msg)? {
        anyhow::bail!("the minimum delegation is {} after the vote", format_audio(after));
    }
    steps.done(format!(
        "proposal {}… voted and, after its execution delay, executed: minimum delegation {} → {}",
        &id.to_string()[..12],
        format_audio(before),
        format_audio(after)
    ));

    let total = steps.started.elapsed();
    let summary = json!({
        "network_ready_ms": ready.as_millis() as u64,
        "upload_to_indexed_ms": upload_to_indexed.as_millis() as u64,
        "total_ms": total.as_millis() as u64,
        "profile": profile.to_string(),
        "track": track,
        "indexed": indexed,
        "round": report.round,
        "operator_score": score,
        "operator_reward": reward.to_string(),
        "proposal": id.to_string(),
        "min_delegation": after.to_string(),
    });
    Ok(Output::new(format!("demo complete in {:.1} s", total.as_secs_f64()), summary))
}

//! `audius bridge` against the local network (one discovery node attesting): what Solana lacks, carrying it, a
//! tier, and the refusals — no profile to carry a tier to, no attester answering, an attester set that could never
//! reach its quorum — and the admin's recovery of a set that cannot.

mod common;

use std::time::Duration;

use audius_localnet::{LocalNetwork, Options};
use audius_sdk::{eth::ServiceType, solana::content};
use common::Audius;
use solana_signer::Signer;

#[tokio::test(flavor = "multi_thread")]
async fn bridge_carries_registrations_and_tiers() {
    let network = LocalNetwork::start(Options::default()).await.unwrap();
    let chain = &network.chain;
    let relayer = network.funded_keypair().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let keypair_file = audius_devkit::write_keypair_file(home.path(), "relayer.json", &relayer).unwrap();
    let cli = Audius::new(home.path().into())
        .with("AUDIUS_ETH_RPC", chain.anvil.endpoint())
        .with("AUDIUS_DEPLOYMENT", chain.deployment_file.display())
        .with("AUDIUS_SOLANA_RPC", &network.solana_node.rpc_url)
        .with("AUDIUS_ETH_PRIVATE_KEY", chain.key(8))
        .with("AUDIUS_SOLANA_KEYPAIR", keypair_file.display());

    assert_eq!(cli.ok(&["bridge", "status"])["pending"], serde_json::json!([]), "the network starts in step");
    let sp_id = chain.register_content_node(4, 13, "http://127.0.0.1:9", "200000").await.unwrap();
    let status = cli.ok(&["bridge", "status"]);
    assert_eq!(status["pending"][0]["kind"], "admit_node", "{status}");
    assert_eq!(status["pending"][0]["sp_id"], sp_id);

    // No attester answers: nothing is carried, and the reason says so.
    let unreachable = cli.run(&["--yes", "bridge", "sync", "--attester", "http://127.0.0.1:1"]);
    assert_eq!(unreachable.code, 3, "{unreachable:?}");
    assert!(unreachable.stderr.contains("0 attester signatures, 1 needed"), "{unreachable:?}");
    assert_eq!(cli.ok(&["bridge", "status"])["pending"][0]["sp_id"], sp_id);

    let synced = cli.ok(&["bridge", "sync"]);
    assert_eq!(synced["recorded"][0]["kind"], "admit_node", "{synced}");
    assert!(network.solana.nodes(&[sp_id]).await.unwrap()[0].is_some());
    assert_eq!(cli.ok(&["bridge", "status"])["pending"], serde_json::json!([]));

    // A tier needs a profile to land on.
    let stranger = chain.address(17).to_string();
    let refused = cli.run(&["--yes", "bridge", "tier", &stranger]);
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(refused.stderr.contains("has no profile on Solana"), "{refused:?}");
    let artist = chain.signer(17);
    network.solana.create_profile(&relayer, &artist, [0; audius_sdk::cid::CID_LEN]).await.unwrap();
    let tier = cli.ok(&["bridge", "tier", &stranger]);
    assert_eq!(tier["tier"], 0, "no stake, no tier: {tier}");
    let profile = network.solana.profile(&artist.address().0 .0).await.unwrap().unwrap();
    assert!(profile.tier_expires_at > 0, "the tier was attested, as none");

    // The attester answered what it was asked, and says so.
    let discovery = &network.discovery_nodes[0];
    let metrics = reqwest::get(format!("{}/metrics", discovery.endpoint)).await.unwrap().text().await.unwrap();
    assert!(!metrics.contains(r#"audius_attestations_total{claim="fact",outcome="signed"} 0"#), "{metrics}");
    assert!(metrics.contains("audius_bridge_attesters_reachable 1\n"), "{metrics}");

    // A discovery node registered where nothing answers: the set Ethereum now calls for (two, quorum 2) could never
    // gather its quorum, so sync refuses to install it, and nothing is sent.
    let epoch = network.solana.config().await.unwrap().attester_epoch;
    let dead = chain.register_node(ServiceType::DiscoveryNode, 21, 26, "http://127.0.0.1:7", "250000").await.unwrap();
    let (good, dead_wallet) = (discovery.attester.address(), chain.address(26));
    let status = cli.ok(&["bridge", "status"]);
    assert_eq!(status["pending"][0]["kind"], "attesters", "{status}");
    let refused = cli.run(&["--yes", "bridge", "sync"]);
    assert_eq!(refused.code, 4, "{refused:?}");
    assert!(
        refused
            .stderr
            .contains("refusing to install an attester set of 2 with quorum 2: only 1 of its attesters answer"),
        "{refused:?}"
    );
    assert!(refused.stderr.contains(&dead_wallet.to_string()), "names the silent attester: {refused:?}");
    assert_eq!(network.solana.config().await.unwrap().attester_epoch, epoch, "nothing was installed");

    // Such a set installed anyway (as sync once did) stops the bridge, its own repair included: deregistering the
    // dead node leaves a change only a quorum of the installed set could sign.
    let mut stuck = vec![good.0 .0, dead_wallet.0 .0];
    stuck.sort_unstable();
    let install = content::admin_update(
        &network.solana_admin.pubkey(),
        content::AdminChange::Attesters { attesters: stuck, quorum: 2 },
    );
    network.solana.send(&[install], &network.solana_admin, &[]).await.unwrap();
    chain.protocol(21).await.unwrap().deregister(dead).await.unwrap();
    let stalled = cli.run(&["--yes", "bridge", "sync"]);
    assert_eq!(stalled.code, 3, "{stalled:?}");
    assert!(stalled.stderr.contains("1 attester signatures, 2 needed"), "{stalled:?}");
    let margin = audius_devkit::eventually(Duration::from_secs(40), "the quorum margin below zero", || async {
        let text = reqwest::get(format!("{}/metrics", discovery.endpoint)).await.ok()?.text().await.ok()?;
        text.contains("audius_bridge_quorum_margin -1\n").then_some(())
    });
    margin.await.unwrap();

    // The admin's recovery: only the admin's key, only a set whose quorum answers, then the bridge moves again.
    let not_admin = cli.run(&["--yes", "bridge", "set-attesters"]);
    assert_eq!(not_admin.code, 5, "{not_admin:?}");
    assert!(not_admin.stderr.contains("is not the content program's admin"), "{not_admin:?}");
    let admin_file = audius_devkit::write_keypair_file(home.path(), "admin.json", &network.solana_admin).unwrap();
    let admin = cli.clone().with("AUDIUS_SOLANA_KEYPAIR", admin_file.display());
    let silent = admin.run(&["--yes", "bridge", "set-attesters", "--wallet", &dead_wallet.to_string()]);
    assert_eq!(silent.code, 4, "{silent:?}");
    let low = admin.run(&["--yes", "bridge", "set-attesters", "--quorum", "0"]);
    assert_eq!(low.code, 2, "{low:?}");
    assert!(low.stderr.contains("needs a quorum from 1"), "{low:?}");
    assert_eq!(network.solana.config().await.unwrap().attester_quorum, 2, "no refusal changed the set");
    let installed = admin.ok(&["bridge", "set-attesters"]);
    assert_eq!(installed["quorum"], 1, "{installed}");
    assert!(installed["signature"].is_string(), "{installed}");
    let config = network.solana.config().await.unwrap();
    assert_eq!((config.attesters, config.attester_quorum), (vec![good.0 .0], 1));
    assert_eq!(cli.ok(&["bridge", "status"])["pending"], serde_json::json!([]), "in step again");
}

//! `audius bridge` against the local network (one discovery node attesting): what Solana lacks, carrying it, a
//! tier, and the refusals — no profile to carry a tier to, no attester answering.

mod common;

use audius_localnet::{LocalNetwork, Options};
use common::Audius;

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
}

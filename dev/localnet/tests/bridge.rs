//! The bridge end to end on anvil and the local Solana node, with three discovery nodes as attesters (quorum 2):
//! stake admits and removes content nodes on Solana, a stake tier lands on a Solana profile, the ledger's replicas
//! weight an issuance round's split, and false or stale claims, and attesters that have left, are refused.

use std::time::Duration;

use alloy::primitives::{Address, U256};
use audius_localnet::{LocalNetwork, Options};
use audius_sdk::{
    bridge::{BridgeError, FactClaim, Observer, MAX_SIGNATURE_SECS},
    cid::ContentId,
    eth::ServiceType,
    solana::content::{self, AttestedFact, NodeRegistration},
    upload::unix_now,
};
use solana_signer::Signer;

/// anvil accounts this test uses beyond the network's own (content operators 1..=3, discovery operators 20..=22).
const SPARE_OPERATOR: usize = 4;
const SPARE_WALLET: usize = 13;
const IDLE_OPERATOR: usize = 5;
const IDLE_WALLET: usize = 14;
const ARTIST: usize = 16;

fn refused_by_all(error: &BridgeError) -> bool {
    matches!(error, BridgeError::BelowQuorum { got: 0, refusals, .. } if refusals.iter().all(|r| r.contains("409")))
}

#[tokio::test(flavor = "multi_thread")]
async fn stake_gates_solana_and_solana_activity_weights_issuance() {
    let network = LocalNetwork::start(Options { discovery_nodes: 3, ..Options::default() }).await.unwrap();
    let (chain, solana, payer) = (&network.chain, &network.solana, &network.solana_admin);
    let eth = &chain.admin;
    let observer = Observer { eth, solana };
    let aggregator = network.aggregator();

    // The attesters are the discovery nodes, two of three needed; every content node came in through them.
    let config = solana.config().await.unwrap();
    let mut wallets: Vec<[u8; 20]> = network.discovery_nodes.iter().map(|n| n.attester.address().0 .0).collect();
    wallets.sort();
    assert_eq!((config.attesters.clone(), config.attester_quorum), (wallets, 2));
    let ids: Vec<u64> = network.content_nodes.iter().map(|n| n.sp_id).collect();
    assert!(solana.nodes(&ids).await.unwrap().iter().all(Option::is_some));
    assert!(observer.node_facts().await.unwrap().is_empty(), "nothing left to bridge");
    // An operator running a second discovery node gains no second seat.
    let operator = eth.registry.getService(U256::from(network.discovery_nodes[0].sp_id)).call().await.unwrap().owner;
    let index = (20..23).find(|i| chain.address(*i) == operator).unwrap();
    chain.fund(index, "10").await.unwrap();
    let ten = U256::from(10u64) * U256::from(10u64).pow(U256::from(18u8));
    let second = chain.protocol(index).await.unwrap();
    second.register(operator, ServiceType::DiscoveryNode, "http://127.0.0.1:7", ten, chain.address(28)).await.unwrap();
    assert_eq!(observer.attester_change().await.unwrap(), None, "still one seat per operator");

    // Register on Ethereum → admitted on Solana; deregister → removed.
    let spare =
        chain.register_content_node(SPARE_OPERATOR, SPARE_WALLET, "http://127.0.0.1:9", "250000").await.unwrap();
    let recorded = aggregator.sync(eth, solana, payer).await.unwrap();
    assert!(matches!(recorded.as_slice(), [AttestedFact::AdmitNode(node)] if node.sp_id == spare), "{recorded:?}");
    let admitted = solana.nodes(&[spare]).await.unwrap().remove(0).expect("admitted");
    assert_eq!(admitted.owner_wallet, chain.address(SPARE_OPERATOR).0 .0);
    chain.protocol(SPARE_OPERATOR).await.unwrap().deregister(spare).await.unwrap();
    let recorded = aggregator.sync(eth, solana, payer).await.unwrap();
    assert!(matches!(recorded.as_slice(), [AttestedFact::RemoveNode { sp_id, .. }] if *sp_id == spare), "{recorded:?}");
    assert!(solana.nodes(&[spare]).await.unwrap()[0].is_none(), "removed");

    // Attesters sign only what they observe: an unregistered node, a removal of a node in good standing.
    let phantom =
        NodeRegistration { sp_id: 99, owner_wallet: [9; 20], delegate_wallet: [9; 20], endpoint: "http://x".into() };
    let error = aggregator.submit_fact(solana, payer, AttestedFact::AdmitNode(phantom)).await.unwrap_err();
    assert!(refused_by_all(&error), "{error}");
    let rent_payer = solana.nodes(&[ids[0]]).await.unwrap().remove(0).unwrap().rent_payer.to_bytes();
    let standing = AttestedFact::RemoveNode { sp_id: ids[0], rent_payer };
    let error = aggregator.submit_fact(solana, payer, standing).await.unwrap_err();
    assert!(refused_by_all(&error), "{error}");
    // A stale nonce or a far-off expiry is refused even for a true fact.
    let http = reqwest::Client::new();
    let attester = format!("{}/v1/attest/fact", network.discovery_nodes[0].endpoint);
    let node = solana.nodes(&[ids[0]]).await.unwrap().remove(0).unwrap();
    let truth = AttestedFact::AdmitNode(NodeRegistration {
        sp_id: node.sp_id,
        owner_wallet: node.owner_wallet,
        delegate_wallet: node.delegate_wallet,
        endpoint: node.endpoint,
    });
    let nonce = solana.attestation_nonce(&truth).await.unwrap();
    let now = unix_now() as i64;
    for (nonce, expiry, why) in
        [(nonce + 1, now + 60, "current nonce"), (nonce, now + MAX_SIGNATURE_SECS as i64 + 60, "expiry")]
    {
        let claim = FactClaim { fact: truth.clone(), nonce, expiry };
        let response = http.post(&attester).json(&claim).send().await.unwrap();
        assert_eq!(response.status(), 409);
        let body = response.text().await.unwrap();
        assert!(body.contains(why), "{body}");
    }
    assert_eq!(solana.attestation_nonce(&truth).await.unwrap(), nonce, "nothing refused moved the nonce");

    // A stake tier: the artist delegates the silver threshold; tier 2 lands on its Solana profile.
    let artist = chain.signer(ARTIST);
    let thresholds = eth.feature_access.thresholds().call().await.unwrap();
    chain.fund(ARTIST, "1000").await.unwrap();
    let artist_eth = chain.protocol(ARTIST).await.unwrap();
    artist_eth.delegate(artist.address(), chain.address(1), thresholds[1]).await.unwrap();
    let authority = network.funded_keypair().await.unwrap();
    solana.create_profile(&authority, &artist, [0; audius_sdk::cid::CID_LEN]).await.unwrap();
    let (tier, _) = aggregator.submit_tier(eth, solana, payer, artist.address()).await.unwrap();
    assert_eq!(tier, 2);
    let profile = solana.profile(&artist.address().0 .0).await.unwrap().unwrap();
    assert_eq!(profile.tier_at(unix_now() as i64), 2);
    assert!(profile.tier_expires_at > unix_now() as i64 + 6 * 24 * 3600);
    // The discovery nodes index it with the profile.
    let artist_url = format!("{}/v1/artists/{:#x}", network.discovery_nodes[0].endpoint, artist.address());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let indexed: serde_json::Value = http.get(&artist_url).send().await.unwrap().json().await.unwrap_or_default();
        if indexed["tier"] == 2 {
            assert_eq!(indexed["tier_expires_at"], profile.tier_expires_at);
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the tier was never indexed: {indexed}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let inflated = AttestedFact::Tier { eth_address: artist.address().0 .0, tier: 4, expires_at: now + 3600 };
    let error = aggregator.submit_fact(solana, payer, inflated).await.unwrap_err();
    assert!(refused_by_all(&error), "{error}");

    // An issuance round whose activity is attested from the ledger. An operator with a content node that never
    // reached Solana scores 0; the three admitted ones held one replica of each of three tracks, while stake
    // 200k/300k/400k calls for 2/3/4 of the nine slots: the third holds 3 of 4, 75 %.
    chain.register_content_node(IDLE_OPERATOR, IDLE_WALLET, "http://127.0.0.1:8", "200000").await.unwrap();
    // Rounds follow the clock: move into round 2 and take its stake snapshot (every pool is in it), then create
    // the tracks during round 2 and let it end.
    chain.advance(8 * 24 * 3600).await.unwrap();
    eth.checkpoint_round().await.unwrap();
    let cluster = solana.config().await.unwrap().cluster;
    for seed in 0..3u64 {
        let profile = content::profile_address(&artist.address().0 .0);
        let cid = ContentId::of(&seed.to_le_bytes()).to_bytes();
        let track = content::track_address(&profile, seed);
        // Signed with the nodes' own delegate keys, as each would for a blob it holds.
        let expiry = audius_sdk::upload::unix_now() as i64 + content::RECEIPT_SECS;
        let keys = std::array::from_fn(|i| &network.content_nodes[i].delegate);
        let receipts = content::sign_replica_receipts(keys, &cluster, &track, &cid, [ids[0], ids[1], ids[2]], expiry);
        let ix = content::create_track(
            &authority.pubkey(),
            &authority.pubkey(),
            &profile,
            seed,
            None,
            cid,
            [0; audius_sdk::cid::CID_LEN],
            [ids[0], ids[1], ids[2]],
            receipts,
        );
        let units = content::create_track_compute_units(&profile, seed);
        solana.send(&audius_sdk::solana::with_compute_limit(units, [ix]), &authority, &[]).await.unwrap();
    }
    chain.advance(8 * 24 * 3600).await.unwrap();
    // The attesters answer once their index holds the tracks.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let (report, signers) = loop {
        match aggregator.submit_activity(eth).await {
            Ok(submitted) => break submitted,
            Err(error) if tokio::time::Instant::now() < deadline => {
                tracing::info!(%error, "activity not attested yet");
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            Err(error) => panic!("activity was never attested: {error}"),
        }
    };
    assert!(signers >= 2, "{signers} signers");
    let round = U256::from(report.round);
    let window_start = eth.issuance.roundRecord(round).call().await.unwrap().snapshotTime;
    let votes = |operator: Address| async move {
        eth.staking.getPastVotes(operator, U256::from(window_start)).call().await.unwrap()
    };
    let full = u128::from(eth.issuance.FULL_SCORE().call().await.unwrap());
    let mut admitted_stake = Vec::new();
    for i in 1..=3 {
        admitted_stake.push(votes(chain.address(i)).await);
    }
    let stake_total: U256 = admitted_stake.iter().copied().sum();
    // Expected content ratio: held (3) / (9 × stake / total), at most 1.
    let expected = |stake: U256| -> u16 {
        let ratio = U256::from(3u8) * stake_total * U256::from(full) / (U256::from(9u8) * stake);
        ratio.min(U256::from(full)).to::<u16>()
    };
    for (i, stake) in (1..=3).zip(&admitted_stake) {
        let score = eth.issuance.scoreOf(round, chain.address(i)).call().await.unwrap();
        assert_eq!(score, expected(*stake), "content operator {i}");
    }
    assert_eq!(expected(admitted_stake[2]), 7_500);
    assert_eq!(eth.issuance.scoreOf(round, chain.address(IDLE_OPERATOR)).call().await.unwrap(), 0);
    for i in 20..23 {
        assert_eq!(u128::from(eth.issuance.scoreOf(round, chain.address(i)).call().await.unwrap()), full);
    }
    // Rewards follow stake × score.
    let result = eth.issuance.roundResult(round).call().await.unwrap();
    assert!(result.attested);
    for i in 1..=3 {
        let stake = votes(chain.address(i)).await;
        let score = eth.issuance.scoreOf(round, chain.address(i)).call().await.unwrap();
        let claimed = eth.claim_rewards(chain.address(i)).await.unwrap().value;
        let owed = U256::from(result.reward) * stake * U256::from(score) / U256::from(result.weightTotal);
        assert_eq!(claimed, owed, "operator {i}");
    }

    // An attester whose discovery node leaves the registry: the set follows on Solana (quorum 2 of 2), its
    // signature stops counting on both chains, and the others still carry facts across.
    let leaving = &network.discovery_nodes[2];
    let operator = eth.registry.getService(U256::from(leaving.sp_id)).call().await.unwrap().owner;
    let index = (20..23).find(|i| chain.address(*i) == operator).unwrap();
    chain.protocol(index).await.unwrap().deregister(leaving.sp_id).await.unwrap();
    assert!(!eth.issuance.isAttester(leaving.attester.address()).call().await.unwrap());
    let recorded = aggregator.sync(eth, solana, payer).await.unwrap();
    // The set first, then the idle operator's node, in bounds all along, is admitted at last.
    assert!(
        matches!(recorded.as_slice(), [AttestedFact::Attesters { attesters, quorum: 2 }, AttestedFact::AdmitNode(_)]
            if attesters.len() == 2),
        "{recorded:?}"
    );
    let config = solana.config().await.unwrap();
    assert!(!config.attesters.contains(&leaving.attester.address().0 .0));
    // Its signature, with a remaining attester's, no longer makes a quorum on Solana.
    let fact = AttestedFact::Tier { eth_address: artist.address().0 .0, tier: 4, expires_at: now + 3600 };
    let expiry = unix_now() as i64 + 60;
    let nonce = solana.attestation_nonce(&fact).await.unwrap();
    let digest = fact.digest(&config.cluster, nonce, expiry);
    let mut keys = [&leaving.attester, &network.discovery_nodes[0].attester];
    keys.sort_by_key(|k| k.address());
    let signatures = keys.iter().map(|k| content::sign_digest(k, &digest)).collect();
    let error = solana
        .send(&content::attested_instructions(fact, &payer.pubkey(), nonce, expiry, signatures), payer, &[])
        .await
        .unwrap_err();
    assert!(error.to_string().contains("NotAttester"), "{error}");
    let (tier, _) = aggregator.submit_tier(eth, solana, payer, artist.address()).await.unwrap();
    assert_eq!(tier, 2, "the two remaining attesters still reach the quorum");
}

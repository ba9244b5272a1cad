//! `audius gov` against a real anvil with the protocol deployed: a parameter change proposed, voted (by an operator
//! with its pool, by a delegator overriding it with its own stake, and by a signature someone else submits),
//! executed after its delay, then seen in effect; a guardian's veto.

mod common;

use alloy::primitives::utils::parse_ether;
use common::Chain;

#[tokio::test]
async fn propose_vote_override_execute_then_veto() {
    let guardian_index = 4;
    let chain = Chain::start(Some(guardian_index)).await;
    let home = tempfile::tempdir().unwrap();
    chain.fund(1, "1000000").await;
    chain.fund(3, "1000000").await;
    let alice = chain.audius(home.path().into(), 1);
    let bob = chain.audius(home.path().into(), 3);
    let guardian = chain.audius(home.path().into(), guardian_index);
    for (who, endpoint) in [(&alice, "https://cn1.test"), (&bob, "https://cn2.test")] {
        who.ok(&["operator", "register", "--type", "content-node", "--endpoint", endpoint, "--stake", "300000"]);
    }
    // A fan delegates to Alice before the proposal: its stake is in Alice's pool at the snapshot.
    chain.fund(6, "5000").await;
    let fan = chain.audius(home.path().into(), 6);
    fan.ok(&["delegate", "stake", &chain.address(1).to_string(), "1000"]);
    chain.advance(1).await; // votes are read at a past timepoint

    let proposed = alice.ok(&[
        "gov",
        "propose",
        "--description",
        "Raise the minimum delegation\n\nTo 100 AUDIO.",
        "--action",
        "Staking.setGlobalMinDelegation(uint96) 100ether",
    ]);
    let id = proposed["id"].as_str().unwrap().to_owned();
    assert_eq!(proposed["actions"][0]["function"], "setGlobalMinDelegation(uint96)");
    let text = alice.run(&["gov", "show", &id]);
    assert!(
        text.stdout.contains("call Staking.setGlobalMinDelegation(uint96) 100000000000000000000 (amount = 100 AUDIO)"),
        "{text:?}"
    );
    let shown = alice.ok(&["gov", "show", &id]);
    let description = shown["proposal"]["description"].as_str().unwrap();
    assert!(
        description.ends_with(&format!("#proposer={}", chain.address(1))),
        "bound to its proposer, so a copy cannot take its id: {description:?}"
    );

    // Before anyone votes, the proposal runs on a fork: passed by the fork's votes, executed as the governor would.
    let anvil = audius_devkit::anvil_binary();
    let anvil = anvil.to_str().unwrap();
    let before = chain.admin.staking.globalMinDelegation().call().await.unwrap();
    let simulated = alice.ok(&["gov", "simulate", "1", "--anvil", anvil]);
    assert_eq!(simulated["outcome"], "executed", "{simulated}");
    assert_eq!(
        simulated["calls"][0],
        "Staking.setGlobalMinDelegation(uint96) 100000000000000000000 (amount = 100 AUDIO)"
    );
    let changes = simulated["changes"].as_array().unwrap();
    let change = changes.iter().find(|c| c["event"] == "GlobalMinDelegationSet").expect("the setter's event");
    assert_eq!(change["contract"], "Staking");
    assert_eq!(
        change["fields"][0],
        serde_json::json!({"name": "amount", "value": "100000000000000000000", "readable": "100 AUDIO"})
    );
    assert!(changes.iter().any(|c| c["contract"] == "AudiusGovernor" && c["event"] == "ProposalExecuted"));
    let text = alice.run(&["gov", "simulate", &id, "--anvil", anvil]);
    assert!(
        text.stdout.contains("Staking.GlobalMinDelegationSet amount=100000000000000000000 (100 AUDIO)"),
        "{text:?}"
    );
    assert!(text.stdout.contains("voted for by 2 operator(s)"), "{text:?}");
    assert_eq!(chain.admin.staking.globalMinDelegation().call().await.unwrap(), before, "the chain is untouched");
    assert_eq!(alice.ok(&["gov", "show", &id])["proposal"]["state"], "pending", "and so is the proposal");
    // Calls nobody proposed yet, that revert when executed: the reason, and exit 3.
    let drain = format!("AudioToken.transfer(address,uint256) {} 1000000000000ether", chain.address(3));
    let reverted = alice.run(&["--json", "gov", "simulate", "--action", &drain, "--anvil", anvil]);
    assert_eq!(reverted.code, 3, "{reverted:?}");
    assert_eq!(reverted.json()["outcome"], "reverted");
    assert!(
        reverted.json()["reason"].as_str().unwrap().contains("is less than the 1,000,000,000,000 AUDIO needed"),
        "{reverted:?}"
    );
    let nothing = alice.run(&["--json", "gov", "simulate", "7", "--anvil", anvil]);
    assert_eq!(nothing.code, 2, "no proposal #7: {nothing:?}");
    let no_anvil = alice.run(&["--json", "gov", "simulate", "1", "--anvil", "/nonexistent/anvil"]);
    assert_eq!(no_anvil.code, 5, "{no_anvil:?}");
    assert!(no_anvil.json()["error"].as_str().unwrap().contains("--anvil"), "{no_anvil:?}");

    // Voting opens the second after the proposal (its snapshot is the proposal's creation).
    chain.advance(1).await;
    assert_eq!(alice.ok(&["gov", "show", &id])["proposal"]["state"], "active");
    let voted = alice.ok(&["gov", "vote", &id, "for", "--reason", "cheaper spam"]);
    assert_eq!(voted["for"].as_str().unwrap(), parse_ether("301000").unwrap().to_string(), "the whole pool");
    let twice = alice.run(&["--yes", "gov", "vote", &id, "against"]);
    assert_eq!(twice.code, 3, "{twice:?}");

    // The fan overrides Alice with its own stake: it leaves Alice's For and counts Against.
    let asked = fan.run(&["gov", "vote", &id, "against"]);
    assert_ne!(asked.code, 0, "without --yes and without a terminal nothing is sent: {asked:?}");
    let overridden = fan.ok(&["gov", "vote", &id, "against", "--reason", "keep it cheap"]);
    assert_eq!(overridden["for"].as_str().unwrap(), parse_ether("300000").unwrap().to_string());
    assert_eq!(overridden["against"].as_str().unwrap(), parse_ether("1000").unwrap().to_string());
    let told = fan.run(&["--yes", "gov", "vote", &id, "for"]);
    assert_eq!(told.code, 3, "one override per proposal: {told:?}");

    // Bob signs; Alice's wallet submits it; Bob's stake counts.
    let signed = bob.ok(&["gov", "vote", &id, "for", "--sign-only"]);
    assert_eq!(signed["voter"].as_str().unwrap().parse::<alloy::primitives::Address>().unwrap(), chain.address(3));
    let vote_file = home.path().join("vote.json");
    std::fs::write(&vote_file, signed.to_string()).unwrap();
    let before = chain.nonce(3).await;
    let submitted = alice.ok(&["gov", "submit-vote", vote_file.to_str().unwrap()]);
    assert_eq!(submitted["for"].as_str().unwrap(), parse_ether("600000").unwrap().to_string());
    assert_eq!(chain.nonce(3).await, before, "the voter sent nothing");
    let replay = alice.run(&["--yes", "gov", "submit-vote", vote_file.to_str().unwrap()]);
    assert_eq!(replay.code, 3, "a signed vote counts once: {replay:?}");

    // `gov show` lists the operators' votes and the delegator's override.
    let shown = bob.ok(&["gov", "show", &id]);
    let votes = shown["votes"].as_array().unwrap();
    assert_eq!(votes.len(), 3, "{votes:?}");
    assert_eq!(votes[1]["override"], true);
    assert_eq!(votes[1]["support"], "against");
    assert_eq!(votes[1]["weight"].as_str().unwrap(), parse_ether("1000").unwrap().to_string());
    let text = bob.run(&["gov", "show", &id]);
    assert!(
        text.stdout.contains(&format!("delegator {} voted against with 1,000 AUDIO", chain.address(6))),
        "{text:?}"
    );

    // After the vote the proposal waits out its execution delay (Queued), then anyone executes it.
    let period = chain.admin.governor.votingPeriod().call().await.unwrap().to::<u64>();
    chain.advance(period).await;
    assert_eq!(alice.ok(&["gov", "show", &id])["proposal"]["state"], "queued");
    let locked = alice.run(&["--yes", "gov", "execute", &id]);
    assert_eq!(locked.code, 3, "{locked:?}");
    let eta = chain.admin.governor.proposalEta(id.parse().unwrap()).call().await.unwrap().to::<u64>();
    let now = chain.admin.governor.clock().call().await.unwrap().to::<u64>();
    chain.advance(eta - now).await;
    assert_eq!(alice.ok(&["gov", "show", &id])["proposal"]["state"], "succeeded");
    bob.ok(&["gov", "execute", &id]);
    assert_eq!(alice.ok(&["gov", "show", &id])["proposal"]["state"], "executed");
    let done = alice.run(&["--json", "gov", "simulate", &id, "--anvil", anvil]);
    assert_eq!(done.code, 2, "an executed proposal has nothing left to simulate: {done:?}");
    let min = chain.admin.staking.globalMinDelegation().call().await.unwrap();
    assert_eq!(min, parse_ether("100").unwrap(), "the change took effect");
    let refused = chain.audius(home.path().into(), 1);
    chain.fund(7, "1000").await;
    let small = refused.with("AUDIUS_ETH_PRIVATE_KEY", chain.key(7)).run(&[
        "--yes",
        "delegate",
        "stake",
        &chain.address(1).to_string(),
        "50",
    ]);
    assert_eq!(small.code, 3, "a delegation below the new minimum is refused: {small:?}");

    // A second proposal, vetoed by the guardian while voting runs; nobody else may.
    let second = alice.ok(&[
        "gov",
        "propose",
        "--description",
        "Drain",
        "--action",
        &format!("AudioToken.transfer(address,uint256) {} 1", chain.address(3)),
    ])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    chain.advance(1).await;
    let stranger = bob.run(&["--yes", "gov", "veto", &second]);
    assert_eq!(stranger.code, 3, "{stranger:?}");
    guardian.ok(&["gov", "veto", &second]);
    assert_eq!(alice.ok(&["gov", "show", &second])["proposal"]["state"], "canceled");
    let listed = bob.ok(&["gov", "list"]);
    let states: Vec<&str> = listed.as_array().unwrap().iter().map(|p| p["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["executed", "canceled"]);
    let text = bob.run(&["gov", "list"]);
    assert!(text.stdout.contains("[executed] Raise the minimum delegation"), "{text:?}");
}

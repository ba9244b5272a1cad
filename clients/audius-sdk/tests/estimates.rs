//! Every user transaction of the protocol succeeds when sent with the node's own `eth_estimateGas` at the latest
//! block, as a wallet sends it, on an anvil that mines a block every two seconds: the estimate is made at the
//! timestamp of the block where the pool (or the total stake) last changed, and the transaction is mined in a
//! later block. Nothing here adds a margin to the estimate.

use alloy::{
    contract::{CallBuilder, CallDecoder},
    eips::BlockId,
    primitives::{keccak256, utils::parse_ether, U256},
    providers::{ext::AnvilApi, Provider},
    rpc::types::TransactionReceipt,
};
use audius_devkit::LocalChain;
use audius_sdk::eth::{
    governance::{proposer_bound, ProposalState},
    send::transact,
    ActionSpec, Protocol, ServiceType,
};

/// Send `call` with exactly the gas the node estimates for it at the latest block; it must be mined and succeed.
async fn send_estimated<P: Provider, D: CallDecoder>(what: &str, call: CallBuilder<P, D>) -> TransactionReceipt {
    let call = call.block(BlockId::latest());
    let estimate = call.estimate_gas().await.unwrap_or_else(|error| {
        panic!("{what}: the node could not estimate it: {error}");
    });
    let receipt = call.gas(estimate).send().await.unwrap().get_receipt().await.unwrap();
    assert!(receipt.status(), "{what}: mined and failed with the node's estimate of {estimate} gas: {receipt:?}");
    receipt
}

async fn approve<P: Provider + Clone>(eth: &Protocol<P>, amount: U256) {
    send_estimated("approve", eth.token.approve(eth.deployment.staking, amount)).await;
}

#[tokio::test]
async fn transactions_sent_with_the_plain_estimate_succeed() {
    let chain = LocalChain::start(None).await.unwrap();
    let [op_a, op_b, fan1, fan2, op_c] = [1, 2, 3, 4, 5];
    for (index, audio) in [(op_a, "2000000"), (op_b, "2000000"), (fan1, "50000"), (fan2, "50000"), (op_c, "500000")] {
        chain.fund(index, audio).await.unwrap();
    }
    let a = chain.protocol(op_a).await.unwrap();
    let b = chain.protocol(op_b).await.unwrap();
    let f1 = chain.protocol(fan1).await.unwrap();
    let f2 = chain.protocol(fan2).await.unwrap();
    let c = chain.protocol(op_c).await.unwrap();
    let stake = parse_ether("1000000").unwrap();
    a.register(chain.address(op_a), ServiceType::ContentNode, "https://a.test", stake, chain.address(11))
        .await
        .unwrap();
    b.register(chain.address(op_b), ServiceType::ContentNode, "https://b.test", stake, chain.address(12))
        .await
        .unwrap();
    f1.delegate(chain.address(fan1), chain.address(op_a), parse_ether("1000").unwrap()).await.unwrap();
    // Into round 2, its snapshot taken with both pools in it, then to its end and past the attestation window:
    // the network is running and round 2 is claimable.
    let current = chain.admin.issuance.currentRound().call().await.unwrap();
    chain.advance(current.end.to::<u64>() - chain.admin.chain_now().await.unwrap()).await.unwrap();
    transact(chain.admin.issuance.checkpoint()).await.unwrap();

    // From here on anvil mines a block every two seconds.
    let provider = chain.admin.token.provider();
    provider.anvil_set_auto_mine(false).await.unwrap();
    provider.anvil_set_interval_mining(2).await.unwrap();

    let amount = parse_ether("1000").unwrap();
    approve(&a, amount).await;
    send_estimated("increase stake", a.staking.increaseStake(amount)).await;
    approve(&f2, amount).await;
    send_estimated("delegate, a new delegator", f2.staking.delegateStake(chain.address(op_a), amount)).await;
    approve(&f1, amount).await;
    send_estimated("delegate, a top-up", f1.staking.delegateStake(chain.address(op_a), amount)).await;
    send_estimated(
        "request undelegate",
        f1.staking.requestWithdrawal(chain.address(op_a), parse_ether("500").unwrap()),
    )
    .await;
    send_estimated("request undelegate, whole position", f2.staking.requestWithdrawal(chain.address(op_a), amount))
        .await;
    send_estimated("cancel undelegate", f2.staking.cancelWithdrawal(chain.address(op_a))).await;
    send_estimated("operator requests a decrease", a.staking.requestWithdrawal(chain.address(op_a), amount)).await;
    let stake_c = parse_ether("300000").unwrap();
    approve(&c, stake_c).await;
    send_estimated(
        "register, a second operator",
        c.registry.register(ServiceType::ContentNode.id(), "https://c.test".into(), stake_c, chain.address(13)),
    )
    .await;

    // Governance: propose, the operators vote, a delegator overrides its operator.
    let action = ActionSpec::parse_line("Staking.setGlobalMinDelegation(uint96) 150ether")
        .unwrap()
        .encode(&a.deployment)
        .unwrap();
    let description = proposer_bound("Raise the minimum delegation", chain.address(op_a));
    let receipt = send_estimated(
        "propose",
        a.governor.propose(vec![action.target], vec![action.value], vec![action.calldata.clone()], description.clone()),
    )
    .await;
    let id = receipt.decoded_log::<audius_sdk::eth::AudiusGovernor::ProposalCreated>().unwrap().data.proposalId;
    // Voting opens the second after the proposal's: a voter waits for a block that shows it active.
    while ProposalState::from_code(a.governor.state(id).call().await.unwrap()) != ProposalState::Active {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    send_estimated("vote, first", a.governor.castVote(id, 1)).await;
    send_estimated("vote, second voter", b.governor.castVote(id, 1)).await;
    send_estimated("override, a delegator", f2.governor.castOverrideVote(id, 0, String::new())).await;

    // Claims in the round after, one fixing the round and one after it.
    let current = chain.admin.issuance.currentRound().call().await.unwrap();
    let window = chain.admin.issuance.parameters().call().await.unwrap().attestationWindow.to::<u64>();
    chain.advance(current.end.to::<u64>() - chain.admin.chain_now().await.unwrap() + window).await.unwrap();
    send_estimated("claim, fixing the round", f1.issuance.claimRewards(chain.address(op_a))).await;
    send_estimated("claim", f1.issuance.claimRewards(chain.address(op_b))).await;

    // After the lockup: the delegator's and the operator's withdrawals; after the vote's delay: execution.
    let eta = chain.admin.governor.proposalEta(id).call().await.unwrap().to::<u64>();
    let now = chain.admin.chain_now().await.unwrap();
    chain.advance(eta.saturating_sub(now) + 1).await.unwrap();
    send_estimated(
        "enact",
        f1.governor.execute(vec![action.target], vec![action.value], vec![action.calldata], keccak256(description)),
    )
    .await;
    let unlock =
        chain.admin.staking.withdrawalOf(chain.address(op_a), chain.address(fan1)).call().await.unwrap().unlockAt;
    let now = chain.admin.chain_now().await.unwrap();
    chain.advance(unlock.to::<u64>().saturating_sub(now)).await.unwrap();
    send_estimated("undelegate after lockup", f1.staking.withdraw(chain.address(op_a))).await;
    send_estimated("operator withdraws its decrease", a.staking.withdraw(chain.address(op_a))).await;
    assert_eq!(chain.admin.staking.globalMinDelegation().call().await.unwrap(), parse_ether("150").unwrap());
    assert_eq!(
        chain.admin.staking.delegates(chain.address(fan2)).call().await.unwrap(),
        chain.address(op_a),
        "every step above ran"
    );
}

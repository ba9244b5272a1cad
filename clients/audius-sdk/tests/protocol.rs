//! The typed protocol calls against a real anvil with the whole protocol deployed by the project's deployment
//! script: register → delegate → withdraw → rounds → claim, and reverts read as sentences.

use alloy::{
    node_bindings::{Anvil, AnvilInstance},
    primitives::{utils::parse_ether, Address, U256},
    providers::{Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use audius_devkit::LocalChain;
use audius_sdk::eth::{Deployment, EthError, Protocol, ServiceType};

fn provider_for(anvil: &AnvilInstance, index: usize) -> impl Provider + Clone {
    let signer: PrivateKeySigner = anvil.keys()[index].clone().into();
    ProviderBuilder::new().wallet(signer).connect_http(anvil.endpoint_url())
}

#[tokio::test]
async fn operator_and_delegator_lifecycle() {
    let chain = LocalChain::start(None).await.unwrap();
    let [treasury, operator, fan] = [chain.address(0), chain.address(1), chain.address(2)];
    let admin = &chain.admin;
    let as_operator = chain.protocol(1).await.unwrap();
    let as_fan = chain.protocol(2).await.unwrap();
    assert_eq!(admin.token.balanceOf(treasury).call().await.unwrap(), parse_ether("1000000000").unwrap());
    for account in [operator, fan] {
        audius_sdk::eth::send::transact(admin.token.transfer(account, parse_ether("1000000").unwrap())).await.unwrap();
    }

    // Bad input is refused with the contract's reason, in words.
    let wallet = chain.address(3);
    let low = as_operator
        .register(operator, ServiceType::ContentNode, "https://cn1.test", parse_ether("100000").unwrap(), wallet)
        .await
        .unwrap_err();
    assert!(matches!(low, EthError::Reverted(_)), "{low:?}");
    assert_eq!(low.to_string(), "operator stake 100,000 AUDIO is below the 200,000 AUDIO its services require");

    let stake = parse_ether("300000").unwrap();
    let service_id = as_operator
        .register(operator, ServiceType::ContentNode, "https://cn1.test", stake, wallet)
        .await
        .unwrap()
        .value;
    assert_eq!(service_id, U256::from(1));
    let taken =
        as_fan.register(fan, ServiceType::ContentNode, "https://cn1.test", stake, chain.address(4)).await.unwrap_err();
    assert_eq!(taken.to_string(), "that endpoint is already registered by service 1");

    as_fan.delegate(fan, operator, parse_ether("50000").unwrap()).await.unwrap();
    let status = admin.operator_status(operator).await.unwrap();
    assert_eq!(status.own_stake, stake);
    assert_eq!(status.votes, stake + parse_ether("50000").unwrap());
    assert!(status.within_bounds);
    assert_eq!(status.tier, 4, "platinum: 300,000 AUDIO staked");

    // A withdrawal waits out its lockup.
    let unlock_at = as_fan.request_withdrawal(operator, parse_ether("10000").unwrap()).await.unwrap().value.unlock_at;
    let early = as_fan.withdraw(operator).await.unwrap_err();
    assert_eq!(early.to_string(), format!("still locked until {}", audius_sdk::time::utc(unlock_at)));
    let now = admin.token.provider().get_block_by_number(Default::default()).await.unwrap().unwrap().header.timestamp;
    chain.advance(unlock_at - now).await.unwrap();
    assert_eq!(as_fan.withdraw(operator).await.unwrap().value, parse_ether("10000").unwrap());

    // Rounds follow the clock (the lockup above took us into a later round than the registration's). The next
    // round is one the operator's stake is in from the start: its snapshot is taken at its start (as a keeper
    // would), then it ends and anyone claims the operator's reward, which lands in its pool.
    let window = admin.issuance.parameters().call().await.unwrap().attestationWindow.to::<u64>();
    let until_end = |end: u64, now: u64| end.saturating_sub(now);
    let current = admin.issuance.currentRound().call().await.unwrap();
    chain.advance(until_end(current.end.to::<u64>(), admin.chain_now().await.unwrap())).await.unwrap();
    admin.checkpoint_round().await.unwrap();
    let earning = u64::from(current.round) + 1;
    let current = admin.issuance.currentRound().call().await.unwrap();
    assert_eq!(u64::from(current.round), earning);
    chain.advance(until_end(current.end.to::<u64>(), admin.chain_now().await.unwrap())).await.unwrap();
    let not_yet = admin.claim_rewards(operator).await.unwrap_err();
    assert!(not_yet.to_string().starts_with("the finished round's rewards are fixed at"), "{not_yet}");
    chain.advance(window).await.unwrap();
    let reward = admin.claim_rewards(operator).await.unwrap().value;
    assert!(reward > U256::ZERO);
    let status = admin.operator_status(operator).await.unwrap();
    assert_eq!(status.last_claimed_round, earning);
    assert_eq!(status.votes, stake + parse_ether("40000").unwrap() + reward);
    let again = admin.claim_rewards(operator).await.unwrap_err();
    assert_eq!(again.to_string(), format!("{operator} was already paid for round {earning}"));
}

#[tokio::test]
async fn wrong_chain_and_bad_deployment_file_are_refused() {
    let anvil = Anvil::new().path(audius_devkit::anvil_binary()).spawn();
    let deployment = Deployment {
        chain_id: 1,
        block: 0,
        audio_token: Address::ZERO,
        staking: Address::ZERO,
        service_registry: Address::ZERO,
        issuance: Address::ZERO,
        governor: Address::ZERO,
        feature_access: Address::ZERO,
    };
    let error = Protocol::connect(provider_for(&anvil, 0), deployment).await.err().unwrap();
    assert_eq!(error.to_string(), "the RPC endpoint is on chain 31337, the deployment is for chain 1");
    let missing = Deployment::load(std::path::Path::new("/nonexistent/deployment.json")).unwrap_err();
    assert!(matches!(missing, EthError::DeploymentFile { .. }));
}

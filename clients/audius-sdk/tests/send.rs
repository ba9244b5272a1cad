//! What a write reports: every transaction it sent (an approval before a stake is one), and, when a transaction is
//! mined and fails, its hash and why; a signer with no ETH is told so before anything is sent.

use alloy::{
    primitives::utils::parse_ether,
    providers::{Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use audius_devkit::LocalChain;
use audius_sdk::eth::{
    send::{send_with_limit, transact},
    EthError, Protocol,
};

#[tokio::test]
async fn writes_report_their_transactions_and_failures_say_why_with_the_hash() {
    let chain = LocalChain::start(None).await.unwrap();
    chain.register_content_node(1, 11, "https://a.test", "300000").await.unwrap();
    chain.fund(1, "1000").await.unwrap();
    let operator = chain.address(1);
    let eth = chain.protocol(1).await.unwrap();
    let amount = parse_ether("100").unwrap();

    // Staking without an allowance takes two transactions, and the write says so; with one, a single one.
    let staked = eth.increase_stake(operator, amount).await.unwrap();
    assert_eq!(staked.transactions.len(), 2, "approve, then increaseStake: {staked:?}");
    transact(eth.token.approve(chain.deployment.staking, amount)).await.unwrap();
    let again = eth.increase_stake(operator, amount).await.unwrap();
    assert_eq!(again.transactions.len(), 1, "the allowance was there: {again:?}");
    let provider = eth.token.provider();
    for tx in staked.transactions.iter().chain(&again.transactions) {
        let receipt = provider.get_transaction_receipt(tx.hash).await.unwrap().expect("mined");
        assert!(receipt.status());
        assert_eq!((receipt.gas_used, receipt.block_number), (tx.gas_used, tx.block));
        assert!(!tx.fee.is_zero(), "a fee was paid: {tx:?}");
    }

    // Mined with too little gas: out of gas, with the hash of the transaction that spent it.
    transact(eth.token.approve(chain.deployment.staking, amount)).await.unwrap();
    let short = send_with_limit(eth.staking.increaseStake(amount), 30_000).await.unwrap_err();
    let EthError::Failed { hash, gas_used, reason } = &short else { panic!("{short:?}") };
    assert!(reason.contains("ran out of gas"), "{short}");
    assert!(*gas_used <= 30_000 && *gas_used * 64 >= 30_000 * 63, "{short}");
    assert!(short.to_string().contains(&hash.to_string()), "{short}");
    let receipt = provider.get_transaction_receipt(*hash).await.unwrap().expect("it was mined");
    assert!(!receipt.status());

    // Mined and reverted (sent unsimulated): the contract's reason in words, with the hash.
    let refused = send_with_limit(eth.staking.cancelWithdrawal(operator), 200_000).await.unwrap_err();
    let EthError::Failed { hash, reason, .. } = &refused else { panic!("{refused:?}") };
    assert!(reason.starts_with("it reverted: "), "{refused}");
    assert!(!reason.contains("contract call failed"), "in words: {refused}");
    assert!(!provider.get_transaction_receipt(*hash).await.unwrap().expect("mined").status());

    // A key without ETH: a clear refusal, and no transaction from it.
    let broke: PrivateKeySigner = PrivateKeySigner::random();
    let broke_address = broke.address();
    let broke_provider = ProviderBuilder::new().wallet(broke).connect_http(chain.anvil.endpoint_url()).erased();
    let poor = Protocol::connect(broke_provider, chain.deployment.clone()).await.unwrap();
    let error = transact(poor.token.approve(chain.deployment.staking, amount)).await.unwrap_err();
    assert!(matches!(error, EthError::NoGasFunds(_)), "{error:?}");
    assert!(error.to_string().contains("too little ETH to pay for gas"), "{error}");
    assert_eq!(provider.get_transaction_count(broke_address).await.unwrap(), 0, "nothing was sent");
}

//! `audius wallet`: balances read from the chain, transfers that move exactly what was typed, and refusals that
//! send nothing.

mod common;

use alloy::{primitives::U256, providers::Provider};
use common::Chain;

fn wei(json: &serde_json::Value, key: &str) -> U256 {
    json[key].as_str().unwrap_or_else(|| panic!("{key} is a decimal string: {json}")).parse().unwrap()
}

fn tokens(whole: u64, tenths: u64) -> U256 {
    U256::from(whole * 10 + tenths) * U256::from(10u64).pow(U256::from(17))
}

#[tokio::test]
async fn balances_and_transfers_of_audio_and_eth() {
    let chain = Chain::start(None).await;
    let home = tempfile::tempdir().unwrap();
    chain.fund(1, "1000").await;
    let sender = chain.audius(home.path().into(), 1);
    let (recipient, eth_recipient) = (chain.address(2), chain.address(3));

    let mine = sender.ok(&["wallet", "balance"]);
    assert_eq!(mine["address"], chain.address(1).to_string().to_lowercase().as_str());
    assert_eq!(wei(&mine, "audio"), tokens(1000, 0));
    assert_eq!(wei(&mine, "staked"), U256::ZERO);
    assert!(wei(&mine, "eth") > U256::ZERO);
    assert!(mine["solana"].is_null(), "no Solana keypair configured: {mine}");
    let before = wei(&sender.ok(&["wallet", "balance", &recipient.to_string()]), "audio");

    let sent = sender.ok(&["wallet", "transfer", &recipient.to_string(), "250.5"]);
    assert_eq!(sent["asset"], "AUDIO");
    assert_eq!(sent["transactions"].as_array().map(Vec::len), Some(1), "{sent}");
    assert_eq!(wei(&sender.ok(&["wallet", "balance"]), "audio"), tokens(749, 5));
    assert_eq!(wei(&sender.ok(&["wallet", "balance", &recipient.to_string()]), "audio"), before + tokens(250, 5));

    let provider = chain.admin.token.provider();
    let eth_before = provider.get_balance(eth_recipient).await.unwrap();
    let sent = sender.ok(&["wallet", "transfer", &eth_recipient.to_string(), "1.5", "--asset", "eth"]);
    assert_eq!(sent["asset"], "ETH");
    assert_eq!(provider.get_balance(eth_recipient).await.unwrap(), eth_before + tokens(1, 5));
    let text = sender.run(&["--yes", "wallet", "transfer", &recipient.to_string(), "1"]);
    assert_eq!(text.code, 0, "{text:?}");
    assert!(text.stdout.contains("sent 1 AUDIO to") && text.stdout.contains("transaction 0x"), "{text:?}");

    // Refusals: nothing is sent for any of them.
    let nonce = chain.nonce(1).await;
    let to = recipient.to_string();
    for (args, message) in [
        (vec!["wallet", "transfer", &to, "10000"], "less than the 10,000 AUDIO to send"),
        (vec!["wallet", "transfer", &to, "1,5"], "not a comma"),
        (vec!["wallet", "transfer", &to, "0"], "more than zero"),
        (vec!["wallet", "transfer", &to, "1", "--asset", "sol"], "invalid value 'sol'"),
        (vec!["wallet", "transfer", &to, "100000000", "--asset", "eth"], "ETH the transfer and its gas need"),
        (vec!["wallet", "transfer", "0x0000000000000000000000000000000000000000", "1"], "zero address"),
        (vec!["wallet", "transfer", &chain.deployment.audio_token.to_string(), "1"], "protocol contract"),
        (vec!["wallet", "transfer", &chain.deployment.staking.to_string(), "1"], "protocol contract"),
        (vec!["wallet", "balance", "0x1234"], "is not an Ethereum address"),
    ] {
        let mut all = vec!["--yes"];
        all.extend(args);
        let run = sender.run(&all);
        assert_eq!(run.code, 2, "{all:?}: {run:?}");
        assert!(run.stderr.contains(message), "{all:?} should say {message:?}: {run:?}");
    }
    let unconfirmed = sender.run(&["wallet", "transfer", &to, "1"]);
    assert_eq!(unconfirmed.code, 2, "{unconfirmed:?}");
    assert!(unconfirmed.stderr.contains("pass --yes"), "{unconfirmed:?}");
    assert_eq!(chain.nonce(1).await, nonce, "a refused transfer sent a transaction");
}

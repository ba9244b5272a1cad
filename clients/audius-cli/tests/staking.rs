//! `audius operator`, `delegate` and `round` against a real anvil with the protocol deployed: register → stake →
//! delegate → rounds → claim → undelegate, the way an operator and a delegator would type them.

mod common;

use alloy::{
    primitives::{utils::parse_ether, U256},
    providers::Provider,
};
use common::Chain;

fn wei(value: &serde_json::Value) -> U256 {
    let text = value.as_str().unwrap_or_else(|| panic!("{value} is not a string"));
    assert!(!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()), "{text:?} is not a decimal amount");
    U256::from_str_radix(text, 10).unwrap()
}

#[tokio::test]
async fn register_stake_delegate_round_claim_undelegate() {
    let chain = Chain::start(None).await;
    let home = tempfile::tempdir().unwrap();
    chain.fund(1, "1000000").await;
    chain.fund(2, "100000").await;
    let operator = chain.audius(home.path().into(), 1);
    let fan = chain.audius(home.path().into(), 2);
    let operator_address = chain.address(1).to_string();

    let registered = operator.ok(&[
        "operator",
        "register",
        "--type",
        "content-node",
        "--endpoint",
        "https://cn1.audius.test",
        "--stake",
        "300000",
    ]);
    assert_eq!(registered["service_id"], 1);
    assert_eq!(registered["delegate_wallet"].as_str().unwrap(), operator_address.to_lowercase());

    // Every write names its transactions: the text a line each, the JSON a list (an approval is one of them).
    let increased = operator.run(&["--yes", "operator", "increase-stake", "50000"]);
    assert_eq!(increased.code, 0, "{increased:?}");
    assert_eq!(increased.stdout.matches("\n  transaction 0x").count(), 2, "approve + increaseStake: {increased:?}");
    let delegated = fan.ok(&["delegate", "stake", &operator_address, "25000"]);
    assert_eq!(wei(&delegated["stake"]), parse_ether("25000").unwrap());
    let sent = delegated["transactions"].as_array().unwrap();
    assert_eq!(sent.len(), 2, "approve + delegateStake: {delegated}");
    for tx in sent {
        let hash = tx["hash"].as_str().unwrap().parse().unwrap();
        let receipt = chain.admin.token.provider().get_transaction_receipt(hash).await.unwrap().expect("mined");
        assert!(receipt.status());
        assert_eq!(tx["gas_used"].as_u64(), Some(receipt.gas_used));
        assert!(wei(&tx["fee"]) > U256::ZERO);
    }

    let status = operator.ok(&["operator", "status"]);
    assert_eq!(wei(&status["own_stake"]), parse_ether("350000").unwrap());
    assert_eq!(wei(&status["delegated_stake"]), parse_ether("25000").unwrap());
    assert_eq!(status["within_bounds"], true);
    assert_eq!(status["tier"], "platinum");
    assert_eq!(status["services"][0]["endpoint"], "https://cn1.audius.test");
    let text = operator.run(&["operator", "status", &operator_address]);
    assert!(text.stdout.contains("stake: 350,000 AUDIO own + 25,000 AUDIO delegated"), "{text:?}");

    let pools = fan.ok(&["delegate", "pools"]);
    assert_eq!(pools.as_array().unwrap().len(), 1);
    assert_eq!(wei(&pools[0]["active_stake"]), parse_ether("375000").unwrap());

    // Rounds follow the clock. Everyone here registered during round 1, after its stake snapshot, so round 2 is
    // the first that pays: its snapshot is taken at its start (`round checkpoint`, as a keeper would), and once it
    // has ended and its attestation window closed anyone claims the pool's reward.
    let parameters = chain.admin.issuance.parameters().call().await.unwrap();
    let until = |shown: &serde_json::Value, now: u64| shown["end"].as_u64().unwrap() - now;
    let now = chain.admin.staking.clock().call().await.unwrap().to::<u64>();
    chain.advance(until(&fan.ok(&["round", "show"]), now)).await;
    assert_eq!(fan.ok(&["round", "checkpoint"])["round"], 2);
    let now = chain.admin.staking.clock().call().await.unwrap().to::<u64>();
    chain.advance(until(&fan.ok(&["round", "show"]), now)).await;
    assert_eq!(fan.ok(&["round", "show"])["round"], 3);
    let window_open = fan.run(&["--yes", "delegate", "claim", &operator_address]);
    assert_eq!(window_open.code, 3, "{window_open:?}");
    assert!(window_open.stderr.contains("rewards are fixed at"), "{window_open:?}");
    chain.advance(parameters.attestationWindow.to::<u64>()).await;
    let claimed = fan.ok(&["delegate", "claim", &operator_address]);
    assert_eq!(claimed["round"], 2);
    assert!(wei(&claimed["reward"]) > U256::ZERO);
    assert_eq!(operator.ok(&["round", "show"])["previous"]["round"], 2);

    // The fan's stake grew with the reward; an undelegation waits out its lockup.
    let requested = fan.ok(&["delegate", "request-undelegate", &operator_address, "10000"]);
    let unlock_at = requested["unlock_at"].as_u64().unwrap();
    let locked = fan.run(&["--yes", "delegate", "undelegate", &operator_address]);
    assert_eq!(locked.code, 3);
    let unlock_time = audius_sdk::time::utc(unlock_at);
    assert!(
        locked.stderr.contains(&format!("still locked until {unlock_time}")),
        "a time, not unix seconds: {locked:?}"
    );
    let now = chain.admin.staking.clock().call().await.unwrap().to::<u64>();
    chain.advance(unlock_at - now).await;
    let pool = chain.admin.staking.poolOf(operator_address.parse().unwrap()).call().await.unwrap();
    let share_value = pool.assets.div_ceil(pool.shares);
    let withdrawn = fan.ok(&["delegate", "undelegate", &operator_address]);
    // The request took whole shares (rounded up, for the pool) and pays what they are worth: the amount asked, and
    // less than one share's value more.
    let over = wei(&withdrawn["withdrawn"]) - parse_ether("10000").unwrap();
    assert!(over < share_value, "paid {over} wei over the request; a share is worth {share_value}");

    // `all` takes out the whole remaining delegation, read when the command runs; of nothing, it is refused.
    let fan_address = chain.address(2);
    let remaining = chain.admin.stake_in(operator_address.parse().unwrap(), fan_address).await.unwrap();
    let everything = fan.ok(&["delegate", "request-undelegate", &operator_address, "all"]);
    assert_eq!(wei(&everything["amount"]), remaining);
    assert!(chain.admin.stake_in(operator_address.parse().unwrap(), fan_address).await.unwrap().is_zero());
    let nothing = fan.run(&["--yes", "delegate", "request-undelegate", &operator_address, "all"]);
    assert_eq!(nothing.code, 2, "{nothing:?}");
    assert!(nothing.stderr.contains("no active stake"), "{nothing:?}");

    // The operator's own decrease, cancelled; node management.
    let decrease = operator.ok(&["operator", "request-decrease", "20000"]);
    assert!(decrease["unlock_at"].as_u64().unwrap() > now);
    assert!(operator.ok(&["operator", "status"])["pending_decrease"]["amount"].is_string());
    operator.ok(&["operator", "cancel-decrease"]);
    assert!(operator.ok(&["operator", "status"])["pending_decrease"].is_null());
    operator.ok(&["operator", "update-endpoint", "1", "https://cn1-new.audius.test"]);
    let wallet = chain.address(5).to_string();
    operator.ok(&["operator", "update-delegate-wallet", "1", &wallet]);
    let service = &operator.ok(&["operator", "status"])["services"][0];
    assert_eq!(service["endpoint"], "https://cn1-new.audius.test");
    assert_eq!(service["delegate_wallet"].as_str().unwrap(), wallet.to_lowercase());
    let cut = operator.ok(&["operator", "request-cut-change", "1500"]);
    let too_soon = operator.run(&["--yes", "operator", "apply-cut-change"]);
    assert_eq!(too_soon.code, 3, "{too_soon:?}");
    let now = chain.admin.staking.clock().call().await.unwrap().to::<u64>();
    chain.advance(cut["effective_at"].as_u64().unwrap() - now).await;
    assert_eq!(operator.ok(&["operator", "apply-cut-change"])["cut_bps"], 1500);

    // Someone else's node cannot be deregistered; the operator's can.
    let stranger = fan.run(&["--yes", "operator", "deregister", "1"]);
    assert_eq!(stranger.code, 3, "{stranger:?}");
    operator.ok(&["operator", "deregister", "1"]);
    assert!(operator.ok(&["operator", "status"])["services"].as_array().unwrap().is_empty());
}

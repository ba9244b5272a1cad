//! `audius delegate`: put stake behind operators, take it back, claim rewards and compare pools.

use alloy::primitives::{Address, U256};
use audius_sdk::eth::format_audio;
use clap::Subcommand;
use serde_json::json;

use crate::{
    context::Context,
    units::{parse_address, parse_audio, parse_withdrawal, when, Withdrawal},
    Output,
};

/// Delegator subcommands.
#[derive(Subcommand)]
pub enum DelegateCommand {
    /// Delegate AUDIO from the wallet to an operator's pool.
    Stake {
        /// The operator.
        #[arg(value_parser = parse_address)]
        operator: Address,
        /// AUDIO to delegate.
        #[arg(value_parser = parse_audio)]
        amount: U256,
    },
    /// Ask to take delegated AUDIO out of a pool; it leaves after the lockup (see `undelegate`).
    RequestUndelegate {
        /// The operator.
        #[arg(value_parser = parse_address)]
        operator: Address,
        /// AUDIO to take out, or `all` of the delegation.
        #[arg(value_parser = parse_withdrawal)]
        amount: Withdrawal,
    },
    /// Complete an undelegation whose lockup has ended.
    Undelegate {
        /// The operator.
        #[arg(value_parser = parse_address)]
        operator: Address,
    },
    /// Cancel a pending undelegation; the stake returns to the pool.
    Cancel {
        /// The operator.
        #[arg(value_parser = parse_address)]
        operator: Address,
    },
    /// Claim an operator pool's reward for the finished round (anyone may; it credits the whole pool).
    Claim {
        /// The operator.
        #[arg(value_parser = parse_address)]
        operator: Address,
    },
    /// The operators' pools: nodes, stake, cut, minimum delegation.
    Pools,
}

/// Run a delegator subcommand.
pub async fn run(command: DelegateCommand, context: &Context) -> anyhow::Result<Output> {
    match command {
        DelegateCommand::Stake { operator, amount } => {
            let (eth, delegator) = context.eth_writer().await?;
            eth.check_balance(delegator, amount, "to stake").await?;
            let steps = context.staking_steps(&eth, delegator, amount, "Staking.delegateStake").await?;
            let what = format!("delegate {} to {operator}", format_audio(amount));
            context.confirm_eth(&eth, delegator, &what, &steps).await?;
            let sent = eth.delegate(delegator, operator, amount).await?;
            let stake = eth.stake_in(operator, delegator).await?;
            Ok(Output::new(
                format!(
                    "delegated {} to {operator}; your stake there is {}",
                    format_audio(amount),
                    format_audio(stake)
                ),
                json!({ "operator": operator, "delegator": delegator, "amount": amount.to_string(),
                        "stake": stake.to_string() }),
            )
            .with_transactions(&sent.transactions))
        }
        DelegateCommand::RequestUndelegate { operator, amount } => {
            let (eth, delegator) = context.eth_writer().await?;
            let position = eth.stake_in(operator, delegator).await?;
            let asked = amount.amount(position)?;
            let what = format!("request to take {} out of {operator}'s pool", amount.describe(position));
            context.confirm_eth(&eth, delegator, &what, &["Staking.requestWithdrawal".to_owned()]).await?;
            let sent = eth.request_withdrawal(operator, asked).await?;
            let (amount, unlock_at) = (sent.value.amount, sent.value.unlock_at);
            let now = eth.chain_now().await?;
            Ok(Output::new(
                format!(
                    "undelegation of {} requested; the lockup ends {} (then run `audius delegate undelegate {operator}`)",
                    format_audio(amount),
                    when(unlock_at, now)
                ),
                json!({ "operator": operator, "delegator": delegator, "amount": amount.to_string(),
                        "unlock_at": unlock_at }),
            )
            .with_transactions(&sent.transactions))
        }
        DelegateCommand::Undelegate { operator } => {
            let (eth, delegator) = context.eth_writer().await?;
            let what = format!("complete the undelegation from {operator}");
            context.confirm_eth(&eth, delegator, &what, &["Staking.withdraw".to_owned()]).await?;
            let sent = eth.withdraw(operator).await?;
            Ok(Output::new(
                format!("{} returned to {delegator}", format_audio(sent.value)),
                json!({ "operator": operator, "delegator": delegator, "withdrawn": sent.value.to_string() }),
            )
            .with_transactions(&sent.transactions))
        }
        DelegateCommand::Cancel { operator } => {
            let (eth, delegator) = context.eth_writer().await?;
            let what = format!("cancel the pending undelegation from {operator}");
            context.confirm_eth(&eth, delegator, &what, &["Staking.cancelWithdrawal".to_owned()]).await?;
            let sent = eth.cancel_withdrawal(operator).await?;
            Ok(Output::new(
                "pending undelegation cancelled",
                json!({ "operator": operator, "delegator": delegator, "cancelled": true }),
            )
            .with_transactions(&sent.transactions))
        }
        DelegateCommand::Claim { operator } => {
            let (eth, claimer) = context.eth_writer().await?;
            let what = format!("claim the finished round's reward for {operator}");
            context.confirm_eth(&eth, claimer, &what, &["Issuance.claimRewards".to_owned()]).await?;
            let sent = eth.claim_rewards(operator).await?;
            let round = eth.issuance.lastClaimedRound(operator).call().await?.to::<u64>();
            Ok(Output::new(
                format!("{} credited to {operator}'s pool for round {round}", format_audio(sent.value)),
                json!({ "operator": operator, "round": round, "reward": sent.value.to_string() }),
            )
            .with_transactions(&sent.transactions))
        }
        DelegateCommand::Pools => {
            let eth = context.eth_reader().await?;
            let pools = eth.pools().await?;
            let mut text = String::new();
            if pools.is_empty() {
                text.push_str("no operators have registered nodes\n");
            }
            for pool in &pools {
                let nodes: Vec<String> =
                    pool.services.iter().map(|s| format!("{} {} ({})", s.id, s.service_type, s.endpoint)).collect();
                text.push_str(&format!(
                    "{}\n  nodes: {}\n  active stake {} (operator {}), pending {}\n  cut {} bps, min delegation {}{}\n",
                    pool.operator,
                    nodes.join(", "),
                    format_audio(pool.active_stake),
                    format_audio(pool.operator_stake),
                    format_audio(pool.pending_withdrawals),
                    pool.cut_bps,
                    format_audio(pool.min_delegation),
                    if pool.within_bounds { "" } else { ", OUT OF BOUNDS (earns nothing)" }
                ));
            }
            Ok(Output::new(text, pools))
        }
    }
}

//! `audius operator`: register nodes, manage the operator's own stake, nodes and cut, and show where it stands.

use alloy::primitives::{Address, U256};
use audius_sdk::eth::{format_audio, ServiceType};
use clap::Subcommand;
use serde_json::json;

use crate::{
    context::Context,
    error::CliError,
    units::{parse_address, parse_audio, parse_withdrawal, when, Withdrawal},
    Output,
};

/// Operator subcommands.
#[derive(Subcommand)]
pub enum OperatorCommand {
    /// Register a node, staking AUDIO from the operator's wallet.
    Register {
        /// content-node or discovery-node.
        #[arg(long = "type", value_name = "TYPE")]
        service_type: ServiceType,
        /// Where the node answers (unique across the registry).
        #[arg(long)]
        endpoint: String,
        /// AUDIO to stake with it.
        #[arg(long, value_parser = parse_audio)]
        stake: U256,
        /// The key the node signs with [default: the operator's address].
        #[arg(long, value_parser = parse_address)]
        delegate_wallet: Option<Address>,
    },
    /// Add AUDIO to the operator's own stake.
    IncreaseStake {
        /// AUDIO to add.
        #[arg(value_parser = parse_audio)]
        amount: U256,
    },
    /// Ask to take AUDIO out of the operator's own stake; it leaves after the lockup (see `decrease`).
    RequestDecrease {
        /// AUDIO to take out, or `all` of the operator's active stake.
        #[arg(value_parser = parse_withdrawal)]
        amount: Withdrawal,
    },
    /// Complete a decrease whose lockup has ended.
    Decrease,
    /// Cancel a pending decrease; the stake returns to the pool.
    CancelDecrease,
    /// Move a node to a new endpoint.
    UpdateEndpoint {
        /// The node's service id.
        service_id: u64,
        /// The new endpoint.
        endpoint: String,
    },
    /// Change the key a node signs with.
    UpdateDelegateWallet {
        /// The node's service id.
        service_id: u64,
        /// The new key's address.
        #[arg(value_parser = parse_address)]
        wallet: Address,
    },
    /// Ask to change the operator's cut of delegators' rewards (basis points); apply it after the cooldown.
    RequestCutChange {
        /// The new cut, 0–10000 basis points.
        #[arg(value_parser = clap::value_parser!(u16).range(0..=10_000))]
        cut_bps: u16,
    },
    /// Apply a requested cut change whose cooldown has passed.
    ApplyCutChange,
    /// Remove a node.
    Deregister {
        /// The node's service id.
        service_id: u64,
    },
    /// Stake, delegation, pending requests, rewards and tier of an operator [default: the configured key's].
    Status {
        /// The operator.
        #[arg(value_parser = parse_address)]
        operator: Option<Address>,
    },
}

/// Run an operator subcommand.
pub async fn run(command: OperatorCommand, context: &Context) -> anyhow::Result<Output> {
    match command {
        OperatorCommand::Register { service_type, endpoint, stake, delegate_wallet } => {
            validate_endpoint(&endpoint)?;
            let (eth, operator) = context.eth_writer().await?;
            let bounds = eth.registry.getServiceType(service_type.id()).call().await?;
            let own = eth.staking.operatorStake(operator).call().await?;
            let min = U256::from(bounds.minStake.to::<u128>());
            if !bounds.active {
                return Err(CliError::input(format!("service type {service_type} is not active on this deployment")));
            }
            // The first node needs its minimum from stake alone; later nodes add to the operator's bounds.
            if own.is_zero() && stake < min {
                return Err(CliError::input(format!(
                    "stake {} is below the minimum {} for {service_type}",
                    format_audio(stake),
                    format_audio(min)
                )));
            }
            eth.check_balance(operator, stake, "to stake").await?;
            let wallet = delegate_wallet.unwrap_or(operator);
            let steps = context.staking_steps(&eth, operator, stake, "ServiceRegistry.register").await?;
            let what = format!("register a {service_type} at {endpoint} staking {}", format_audio(stake));
            context.confirm_eth(&eth, operator, &what, &steps).await?;
            let sent = eth.register(operator, service_type, &endpoint, stake, wallet).await?;
            let id = sent.value;
            Ok(Output::new(
                format!("registered {service_type} {id} at {endpoint} with {} staked", format_audio(stake)),
                json!({ "service_id": id.to::<u64>(), "operator": operator, "service_type": service_type.name(),
                        "endpoint": endpoint, "stake": stake.to_string(), "delegate_wallet": wallet }),
            )
            .with_transactions(&sent.transactions))
        }
        OperatorCommand::IncreaseStake { amount } => {
            let (eth, operator) = context.eth_writer().await?;
            eth.check_balance(operator, amount, "to stake").await?;
            let steps = context.staking_steps(&eth, operator, amount, "Staking.increaseStake").await?;
            let what = format!("add {} to the stake of {operator}", format_audio(amount));
            context.confirm_eth(&eth, operator, &what, &steps).await?;
            let sent = eth.increase_stake(operator, amount).await?;
            let stake = eth.staking.operatorStake(operator).call().await?;
            Ok(Output::new(
                format!("stake increased by {}; operator stake now {}", format_audio(amount), format_audio(stake)),
                json!({ "operator": operator, "increased_by": amount.to_string(), "stake": stake.to_string() }),
            )
            .with_transactions(&sent.transactions))
        }
        OperatorCommand::RequestDecrease { amount } => {
            let (eth, operator) = context.eth_writer().await?;
            let position = eth.stake_in(operator, operator).await?;
            let asked = amount.amount(position)?;
            let what = format!("request to take {} out of the stake of {operator}", amount.describe(position));
            context.confirm_eth(&eth, operator, &what, &["Staking.requestWithdrawal".to_owned()]).await?;
            let sent = eth.request_withdrawal(operator, asked).await?;
            let (amount, unlock_at) = (sent.value.amount, sent.value.unlock_at);
            let now = eth.chain_now().await?;
            Ok(Output::new(
                format!(
                    "decrease of {} requested; the lockup ends {} (then run `audius operator decrease`)",
                    format_audio(amount),
                    when(unlock_at, now)
                ),
                json!({ "operator": operator, "amount": amount.to_string(), "unlock_at": unlock_at }),
            )
            .with_transactions(&sent.transactions))
        }
        OperatorCommand::Decrease => {
            let (eth, operator) = context.eth_writer().await?;
            let what = format!("complete the pending decrease of {operator}");
            context.confirm_eth(&eth, operator, &what, &["Staking.withdraw".to_owned()]).await?;
            let sent = eth.withdraw(operator).await?;
            Ok(Output::new(
                format!("{} returned to {operator}", format_audio(sent.value)),
                json!({ "operator": operator, "withdrawn": sent.value.to_string() }),
            )
            .with_transactions(&sent.transactions))
        }
        OperatorCommand::CancelDecrease => {
            let (eth, operator) = context.eth_writer().await?;
            let what = format!("cancel the pending decrease of {operator}");
            context.confirm_eth(&eth, operator, &what, &["Staking.cancelWithdrawal".to_owned()]).await?;
            let sent = eth.cancel_withdrawal(operator).await?;
            Ok(Output::new("pending decrease cancelled", json!({ "operator": operator, "cancelled": true }))
                .with_transactions(&sent.transactions))
        }
        OperatorCommand::UpdateEndpoint { service_id, endpoint } => {
            validate_endpoint(&endpoint)?;
            let (eth, operator) = context.eth_writer().await?;
            let what = format!("move service {service_id} to {endpoint}");
            context.confirm_eth(&eth, operator, &what, &["ServiceRegistry.updateEndpoint".to_owned()]).await?;
            let sent = eth.update_endpoint(service_id, &endpoint).await?;
            Ok(Output::new(
                format!("service {service_id} now at {endpoint}"),
                json!({ "service_id": service_id, "endpoint": endpoint }),
            )
            .with_transactions(&sent.transactions))
        }
        OperatorCommand::UpdateDelegateWallet { service_id, wallet } => {
            let (eth, operator) = context.eth_writer().await?;
            let what = format!("make {wallet} the signing key of service {service_id}");
            context.confirm_eth(&eth, operator, &what, &["ServiceRegistry.updateDelegateWallet".to_owned()]).await?;
            let sent = eth.update_delegate_wallet(service_id, wallet).await?;
            Ok(Output::new(
                format!("service {service_id} now signs with {wallet}"),
                json!({ "service_id": service_id, "delegate_wallet": wallet }),
            )
            .with_transactions(&sent.transactions))
        }
        OperatorCommand::RequestCutChange { cut_bps } => {
            let (eth, operator) = context.eth_writer().await?;
            let what = format!("request a cut of {cut_bps} bps for {operator}");
            context.confirm_eth(&eth, operator, &what, &["Staking.requestCutChange".to_owned()]).await?;
            let sent = eth.request_cut_change(cut_bps).await?;
            let effective_at = sent.value;
            let now = eth.chain_now().await?;
            Ok(Output::new(
                format!("cut change to {cut_bps} bps requested; it can be applied from {}", when(effective_at, now)),
                json!({ "operator": operator, "cut_bps": cut_bps, "effective_at": effective_at }),
            )
            .with_transactions(&sent.transactions))
        }
        OperatorCommand::ApplyCutChange => {
            let (eth, operator) = context.eth_writer().await?;
            let what = format!("apply the requested cut change of {operator}");
            context.confirm_eth(&eth, operator, &what, &["Staking.applyCutChange".to_owned()]).await?;
            let sent = eth.apply_cut_change(operator).await?;
            let cut = eth.staking.poolOf(operator).call().await?.cutBps;
            Ok(Output::new(format!("cut is now {cut} bps"), json!({ "operator": operator, "cut_bps": cut }))
                .with_transactions(&sent.transactions))
        }
        OperatorCommand::Deregister { service_id } => {
            let (eth, operator) = context.eth_writer().await?;
            let what = format!("deregister service {service_id}");
            context.confirm_eth(&eth, operator, &what, &["ServiceRegistry.deregister".to_owned()]).await?;
            let sent = eth.deregister(service_id).await?;
            Ok(Output::new(format!("service {service_id} deregistered"), json!({ "service_id": service_id }))
                .with_transactions(&sent.transactions))
        }
        OperatorCommand::Status { operator } => {
            let operator = match operator {
                Some(operator) => operator,
                None => context.eth_signer()?.address(),
            };
            status(context, operator).await
        }
    }
}

fn validate_endpoint(endpoint: &str) -> anyhow::Result<()> {
    let url: alloy::transports::http::reqwest::Url =
        endpoint.parse().map_err(|_| CliError::input(format!("endpoint {endpoint:?} is not a URL")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(CliError::input(format!("endpoint {endpoint:?} must be an http(s) URL with a host")));
    }
    Ok(())
}

async fn status(context: &Context, operator: Address) -> anyhow::Result<Output> {
    let eth = context.eth_reader().await?;
    let status = eth.operator_status(operator).await?;
    let now = eth.chain_now().await?;
    let pool = &status.pool;
    let active = U256::from(pool.assets.to::<u128>());
    let pending = U256::from(pool.pendingAssets.to::<u128>());
    let own_active = eth.stake_in(operator, operator).await?;
    let delegated = active.saturating_sub(own_active);
    let tier = ["none", "bronze", "silver", "gold", "platinum"].get(usize::from(status.tier)).unwrap_or(&"unknown");
    let unlock_at = status.withdrawal.unlockAt.to::<u64>();
    let mut text = format!("operator {operator}\n");
    if status.services.is_empty() {
        text.push_str("  nodes: none registered\n");
    }
    for service in &status.services {
        text.push_str(&format!("  node {} {} at {}\n", service.id, service.service_type, service.endpoint));
    }
    text.push_str(&format!(
        "  stake: {} own + {} delegated = {} active, {} pending withdrawal\n",
        format_audio(own_active),
        format_audio(delegated),
        format_audio(active),
        format_audio(pending)
    ));
    let bounds = U256::from(pool.minStake.to::<u128>());
    let max = U256::from(pool.maxStake.to::<u128>());
    text.push_str(&format!(
        "  bounds: {} – {} ({})\n",
        format_audio(bounds),
        format_audio(max),
        if status.within_bounds { "within" } else { "OUT OF BOUNDS: no rewards" }
    ));
    text.push_str(&format!("  cut: {} bps\n", pool.cutBps));
    if pool.cutEffectiveAt.to::<u64>() != 0 {
        text.push_str(&format!(
            "  pending cut change to {} bps from {}\n",
            pool.pendingCutBps,
            when(pool.cutEffectiveAt.to::<u64>(), now)
        ));
    }
    if status.withdrawal.shares != 0 {
        text.push_str(&format!(
            "  pending decrease: {} (lockup ends {})\n",
            format_audio(status.withdrawal_value),
            when(unlock_at, now)
        ));
    }
    text.push_str(&format!(
        "  rewards: paid through round {} of {}\n  votes: {}\n  tier: {tier}\n",
        status.last_claimed_round,
        status.current_round,
        format_audio(status.votes)
    ));
    Ok(Output::new(
        text,
        json!({
            "operator": operator,
            "services": status.services,
            "own_stake": own_active.to_string(),
            "delegated_stake": delegated.to_string(),
            "active_stake": active.to_string(),
            "pending_withdrawals": pending.to_string(),
            "min_stake": bounds.to_string(),
            "max_stake": max.to_string(),
            "within_bounds": status.within_bounds,
            "cut_bps": pool.cutBps,
            "pending_cut": (pool.cutEffectiveAt.to::<u64>() != 0)
                .then(|| json!({ "cut_bps": pool.pendingCutBps, "effective_at": pool.cutEffectiveAt.to::<u64>() })),
            "pending_decrease": (status.withdrawal.shares != 0)
                .then(|| json!({ "amount": status.withdrawal_value.to_string(), "unlock_at": unlock_at })),
            "last_claimed_round": status.last_claimed_round,
            "current_round": status.current_round,
            "votes": status.votes.to_string(),
            "tier": tier,
        }),
    ))
}

//! `audius round`: issuance rounds.

use audius_sdk::eth::format_audio;
use clap::Subcommand;
use serde_json::json;

use crate::{context::Context, units::when, Output};

/// Round subcommands.
#[derive(Subcommand)]
pub enum RoundCommand {
    /// Start the next round (anyone may, once the current one has lasted its duration).
    Start,
    /// The current round, when the next may start, and the last finished round's result.
    Show,
}

/// Run a round subcommand.
pub async fn run(command: RoundCommand, context: &Context) -> anyhow::Result<Output> {
    match command {
        RoundCommand::Start => {
            let (eth, _) = context.eth_writer().await?;
            context.confirm("start the next issuance round")?;
            eth.start_round().await?;
            let round = eth.issuance.currentRound().call().await?.round;
            Ok(Output::new(format!("round {round} started"), json!({ "round": round })))
        }
        RoundCommand::Show => {
            let eth = context.eth_reader().await?;
            let current = eth.issuance.currentRound().call().await?;
            let parameters = eth.issuance.parameters().call().await?;
            let now = eth.chain_now().await?;
            let next = current.start.to::<u64>() + parameters.roundDuration.to::<u64>();
            let previous = current.round.checked_sub(1).filter(|&round| round > 0);
            let mut text = format!(
                "round {} started {}\nnext round may start {}\n",
                current.round,
                when(current.start.to::<u64>(), now),
                when(next, now)
            );
            let mut result_json = serde_json::Value::Null;
            if let Some(round) = previous {
                let result = eth.issuance.roundResult(alloy::primitives::U256::from(round)).call().await?;
                text.push_str(&format!(
                    "round {round}: reward {}, {}\n",
                    format_audio(alloy::primitives::U256::from(result.reward)),
                    if result.attested { "weighted by attested activity" } else { "weighted by stake alone" }
                ));
                result_json = json!({ "round": round, "reward": result.reward.to_string(),
                                      "attested": result.attested, "finalized": result.finalized });
            }
            Ok(Output::new(
                text,
                json!({ "round": current.round, "start": current.start.to::<u64>(), "next_start": next,
                        "previous": result_json }),
            ))
        }
    }
}

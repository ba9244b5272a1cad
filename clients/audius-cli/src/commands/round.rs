//! `audius round`: issuance rounds.

use alloy::primitives::U256;
use audius_sdk::eth::format_audio;
use clap::Subcommand;
use serde_json::json;

use crate::{context::Context, units::when, Output};

/// Round subcommands.
#[derive(Subcommand)]
pub enum RoundCommand {
    /// Take the current round's stake snapshot if nobody has yet (rounds follow the clock; a round's first claim
    /// or deposit takes it anyway).
    Checkpoint,
    /// The current round, when it ends, and the last finished round's result.
    Show,
}

/// Run a round subcommand.
pub async fn run(command: RoundCommand, context: &Context) -> anyhow::Result<Output> {
    match command {
        RoundCommand::Checkpoint => {
            let (eth, _) = context.eth_writer().await?;
            context.confirm("take the current issuance round's stake snapshot")?;
            eth.checkpoint_round().await?;
            let round = eth.issuance.currentRound().call().await?.round;
            let record = eth.issuance.roundRecord(U256::from(round)).call().await?;
            Ok(Output::new(
                format!("round {round}: stake snapshot {}", format_audio(U256::from(record.snapshotTotal))),
                json!({ "round": round, "snapshot_time": record.snapshotTime.to::<u64>(),
                        "snapshot_total": record.snapshotTotal.to_string() }),
            ))
        }
        RoundCommand::Show => {
            let eth = context.eth_reader().await?;
            let current = eth.issuance.currentRound().call().await?;
            let now = eth.chain_now().await?;
            let end = current.end.to::<u64>();
            let previous = current.round.checked_sub(1).filter(|&round| round > 0);
            let mut text = format!(
                "round {} started {}\nround {} ends {}\n",
                current.round,
                when(current.start.to::<u64>(), now),
                current.round,
                when(end, now)
            );
            let mut result_json = serde_json::Value::Null;
            if let Some(round) = previous {
                let result = eth.issuance.roundResult(U256::from(round)).call().await?;
                text.push_str(&if result.finalized {
                    format!(
                        "round {round}: reward {}, {}\n",
                        format_audio(result.reward),
                        if result.attested { "weighted by attested activity" } else { "weighted by stake alone" }
                    )
                } else {
                    format!("round {round}: reward not fixed yet (at its first claim or attestation)\n")
                });
                result_json = json!({ "round": round, "reward": result.reward.to_string(),
                                      "attested": result.attested, "finalized": result.finalized });
            }
            Ok(Output::new(
                text,
                json!({ "round": current.round, "start": current.start.to::<u64>(), "end": end,
                        "previous": result_json }),
            ))
        }
    }
}

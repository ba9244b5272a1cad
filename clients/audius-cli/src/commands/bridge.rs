//! `audius bridge`: carry facts across the chains with the attesters' signatures (docs/bridge.md). Anyone may
//! aggregate: the attesters check every fact themselves and the chains check their signatures.

use alloy::primitives::Address;
use audius_sdk::{
    bridge::{Aggregator, Observer},
    solana::content::{self, AttestedFact},
};
use clap::{Args, Subcommand};
use serde_json::json;
use solana_signer::Signer;

use crate::{context::Context, error::CliError, units::parse_address, Output};

/// Bridge subcommands.
#[derive(Subcommand)]
pub enum BridgeCommand {
    /// What Solana lacks of Ethereum: the attester set and node admissions or removals still to carry.
    Status,
    /// Carry them: the attester set, then every admission and removal (the Solana keypair relays and pays).
    Sync(Attesters),
    /// Attest an account's stake tier onto its Solana profile.
    Tier {
        /// The account (its profile's Ethereum address).
        #[arg(value_parser = parse_address)]
        account: Address,
        #[command(flatten)]
        attesters: Attesters,
    },
    /// Attest the finished issuance round's activity on Ethereum (the Ethereum key sends it).
    Activity(Attesters),
    /// Replace Solana's attester set as the content program's admin (the Solana keypair must be the admin): the
    /// recovery when the installed set cannot reach its quorum, so `sync` cannot replace it with attested facts.
    /// Refused unless a quorum of the new set answers now.
    SetAttesters {
        /// An attester's wallet (repeat it) [default: the set Ethereum calls for, as `sync` would carry it].
        #[arg(long = "wallet", value_parser = parse_address)]
        wallets: Vec<Address>,
        /// Signatures an attestation needs [default: two thirds of the set, the fewest the program takes].
        #[arg(long)]
        quorum: Option<u8>,
        #[command(flatten)]
        attesters: Attesters,
    },
}

/// Which attesters to ask.
#[derive(Args)]
pub struct Attesters {
    /// A discovery node to ask for signatures (repeat it) [default: every discovery node registered on Ethereum].
    #[arg(long = "attester")]
    urls: Vec<String>,
}

impl Attesters {
    async fn aggregator(self, eth: &crate::context::Eth) -> anyhow::Result<Aggregator> {
        Ok(if self.urls.is_empty() { Aggregator::discover(eth).await? } else { Aggregator::new(self.urls) })
    }
}

fn describe(fact: &AttestedFact) -> String {
    match fact {
        AttestedFact::AdmitNode(node) => format!("admit content node {} at {}", node.sp_id, node.endpoint),
        AttestedFact::RemoveNode { sp_id, .. } => format!("remove content node {sp_id}"),
        AttestedFact::Tier { eth_address, tier, .. } => format!("tier {tier} for {}", Address::from(*eth_address)),
        AttestedFact::Attesters { attesters, quorum } => {
            format!("attester set of {} with quorum {quorum}", attesters.len())
        }
    }
}

/// Run a bridge subcommand.
pub async fn run(command: BridgeCommand, context: &Context) -> anyhow::Result<Output> {
    match command {
        BridgeCommand::Status => {
            let eth = context.eth_reader().await?;
            let solana = context.solana();
            let observer = Observer { eth: &eth, solana: &solana };
            let (attesters, quorum) = observer.attester_set().await?;
            let config = solana.config().await?;
            let mut pending: Vec<AttestedFact> = observer.attester_change().await?.into_iter().collect();
            pending.extend(observer.node_facts().await?);
            let mut text = format!(
                "attesters on Solana: {} (quorum {}), on Ethereum: {} (quorum {quorum})\n",
                config.attesters.len(),
                config.attester_quorum,
                attesters.len()
            );
            if pending.is_empty() {
                text.push_str("Solana is in step with Ethereum\n");
            }
            for fact in &pending {
                text.push_str(&format!("pending: {}\n", describe(fact)));
            }
            Ok(Output::new(text, json!({ "attester_epoch": config.attester_epoch, "pending": pending })))
        }
        BridgeCommand::Sync(attesters) => {
            let eth = context.eth_reader().await?;
            let solana = context.solana();
            let payer = context.solana_keypair()?;
            context.confirm("carry the attester set and node registrations to Solana")?;
            let recorded = attesters.aggregator(&eth).await?.sync(&eth, &solana, &payer).await?;
            let mut text: String = recorded.iter().map(|fact| format!("recorded: {}\n", describe(fact))).collect();
            if recorded.is_empty() {
                text.push_str("nothing to carry: Solana is in step with Ethereum\n");
            }
            Ok(Output::new(text, json!({ "recorded": recorded })))
        }
        BridgeCommand::Tier { account, attesters } => {
            let eth = context.eth_reader().await?;
            let solana = context.solana();
            let payer = context.solana_keypair()?;
            context.confirm(&format!("attest the stake tier of {account} onto its Solana profile"))?;
            let (tier, signature) =
                attesters.aggregator(&eth).await?.submit_tier(&eth, &solana, &payer, account).await?;
            Ok(Output::new(
                format!("tier {tier} recorded for {account} (transaction {signature})"),
                json!({ "account": account, "tier": tier, "signature": signature.to_string() }),
            ))
        }
        BridgeCommand::SetAttesters { wallets, quorum, attesters } => {
            let eth = context.eth_reader().await?;
            let solana = context.solana();
            let admin = context.solana_keypair()?;
            let config = solana.config().await?;
            if config.admin != admin.pubkey() {
                return Err(CliError::config(format!(
                    "the Solana keypair {} is not the content program's admin ({}); pass the admin's with \
                     --solana-keypair",
                    admin.pubkey(),
                    config.admin
                )));
            }
            let set = if wallets.is_empty() {
                Observer { eth: &eth, solana: &solana }.attester_set().await?.0
            } else {
                let mut set: Vec<[u8; 20]> = wallets.iter().map(|wallet| wallet.0 .0).collect();
                set.sort_unstable();
                set.dedup();
                set
            };
            let required = content::required_quorum(set.len());
            let quorum = quorum.unwrap_or(required);
            if set.is_empty() || set.len() > content::MAX_ATTESTERS {
                return Err(CliError::input(format!(
                    "an attester set has 1 to {} wallets, not {}",
                    content::MAX_ATTESTERS,
                    set.len()
                )));
            }
            if quorum < required || usize::from(quorum) > set.len() {
                return Err(CliError::input(format!(
                    "a set of {} needs a quorum from {required} (two thirds) to {}, not {quorum}",
                    set.len(),
                    set.len()
                )));
            }
            if set == config.attesters && quorum == config.attester_quorum {
                return Err(CliError::input("this set and quorum are already installed (nothing sent)"));
            }
            attesters.aggregator(&eth).await?.check_reachable(&set, quorum).await?;
            let fact = AttestedFact::Attesters { attesters: set.clone(), quorum };
            context.confirm(&format!("install, as the content program's admin, the {}", describe(&fact)))?;
            let change = content::AdminChange::Attesters { attesters: set.clone(), quorum };
            let signature = solana.send(&[content::admin_update(&admin.pubkey(), change)], &admin, &[]).await?;
            let wallets: Vec<Address> = set.iter().map(|wallet| Address::from(*wallet)).collect();
            Ok(Output::new(
                format!("installed the {}", describe(&fact)),
                json!({ "attesters": wallets, "quorum": quorum }),
            )
            .with_signature(&signature))
        }
        BridgeCommand::Activity(attesters) => {
            let (eth, _) = context.eth_writer().await?;
            context.confirm("submit the finished round's attested activity")?;
            let (report, signers) = attesters.aggregator(&eth).await?.submit_activity(&eth).await?;
            let full = f64::from(eth.issuance.FULL_SCORE().call().await?);
            let mut text = format!(
                "round {}: activity of {} operators attested by {signers} signers\n",
                report.round,
                report.operators.len()
            );
            for (operator, score) in report.operators.iter().zip(&report.scores) {
                text.push_str(&format!("  {operator}  {:>6.2} %\n", f64::from(*score) * 100.0 / full));
            }
            Ok(Output::new(
                text,
                json!({ "round": report.round, "operators": report.operators, "scores": report.scores,
                        "signers": signers }),
            ))
        }
    }
}

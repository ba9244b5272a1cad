//! `audius gov`: proposals (built from contract names and function signatures), votes (an operator with its
//! pool, a delegator overriding its operator with its own stake), execution after the delay and the guardian's
//! veto.

use std::path::PathBuf;

use audius_sdk::eth::{
    format_audio,
    governance::describe_call,
    simulate::{Fork, Simulation, SimulationInput, SimulationOutcome},
    ActionSpec, Proposal, ProposalRef, ProposalState, SentTx, SignedVote, Support, VoteRecord, VotingPower,
};
use clap::Subcommand;
use serde_json::json;

use crate::{
    context::Context,
    error::{CliError, ExitCode},
    units::when,
    Output,
};

/// Governance subcommands.
#[derive(Subcommand)]
pub enum GovCommand {
    /// Propose one or more calls, executed together if the proposal passes.
    Propose {
        /// What the proposal is for; the first line is its title.
        #[arg(long)]
        description: String,
        /// A call: "Contract.function(types) arg …", e.g. "Staking.setGlobalMinDelegation(uint96) 100ether" (ether: ×10¹⁸, as AUDIO).
        #[arg(long = "action", value_name = "CALL")]
        actions: Vec<String>,
        /// A JSON file of calls: [{"contract": …, "function": …, "args": […], "value": "0"}].
        #[arg(long, value_name = "PATH")]
        actions_file: Option<PathBuf>,
    },
    /// Vote on an active proposal with your stake: an operator votes its pool; a delegator overrides its operator
    /// with its own stake at the proposal's snapshot (shown before sending).
    Vote {
        /// The proposal: its number in creation order (`3`, as `gov list` shows it) or its id.
        id: ProposalRef,
        /// for, against or abstain.
        support: Support,
        /// Why (recorded on chain).
        #[arg(long, default_value = "")]
        reason: String,
        /// Only sign the vote and print it (for `submit-vote` by anyone); nothing is sent. A delegator's signed
        /// override carries its reason.
        #[arg(long)]
        sign_only: bool,
    },
    /// Submit a vote someone signed with `vote --sign-only` (you pay the gas; their stake counts).
    SubmitVote {
        /// The signed vote (JSON, as `vote --sign-only --json` prints it).
        file: PathBuf,
    },
    /// Execute a passed proposal once its execution delay is over (anyone may).
    Execute {
        /// The proposal: its number in creation order (`3`, as `gov list` shows it) or its id.
        id: ProposalRef,
    },
    /// Cancel a proposal (the guardian, at any stage before execution, except a proposal that only replaces or
    /// renews the guardian; the proposer, only in the second it was created).
    Veto {
        /// The proposal: its number in creation order (`3`, as `gov list` shows it) or its id.
        id: ProposalRef,
    },
    /// Execute a proposal's calls on a private fork of the chain (anvil `--fork-url`) before anyone votes: the
    /// fork proposes them (for `--action`), votes for them with every operator that has not voted, waits out the
    /// vote and the execution delay and executes them as the governor would, then shows the decoded calls and
    /// every state change they made, or why they revert (exit 3). Nothing is sent to the chain.
    Simulate {
        /// The proposal: its number in creation order (`3`) or its id; or none, with `--action`.
        #[arg(required_unless_present_any = ["actions", "actions_file"])]
        id: Option<ProposalRef>,
        /// A call to simulate as a new proposal, as `propose --action` takes it.
        #[arg(long = "action", value_name = "CALL", conflicts_with = "id")]
        actions: Vec<String>,
        /// A JSON file of calls, as `propose --actions-file` takes it.
        #[arg(long, value_name = "PATH", conflicts_with = "id")]
        actions_file: Option<PathBuf>,
        /// The description a new proposal is simulated with.
        #[arg(long, default_value = "simulated proposal", conflicts_with = "id")]
        description: String,
        /// The anvil binary that runs the fork.
        #[arg(long, env = "AUDIUS_ANVIL", default_value = "anvil", value_name = "PATH")]
        anvil: PathBuf,
    },
    /// Every proposal since the deployment.
    List,
    /// One proposal: its calls, state, tallies, quorum, votes (operators' and delegators' overrides) and countdowns.
    Show {
        /// The proposal: its number in creation order (`3`, as `gov list` shows it) or its id.
        id: ProposalRef,
    },
}

/// Run a governance subcommand.
pub async fn run(command: GovCommand, context: &Context) -> anyhow::Result<Output> {
    match command {
        GovCommand::Propose { description, actions, actions_file } => {
            let specs = action_specs(&actions, actions_file.as_deref())?;
            if description.trim().is_empty() {
                return Err(CliError::input("a proposal needs a --description"));
            }
            let (eth, proposer) = context.eth_writer().await?;
            let encoded = specs.iter().map(|spec| spec.encode(&eth.deployment)).collect::<Result<Vec<_>, _>>()?;
            let calls: Vec<String> = encoded.iter().map(|a| format!("{}.{}", a.contract, a.function)).collect();
            let what = format!("propose {}", calls.join(", "));
            context.confirm_eth(&eth, proposer, &what, &["AudiusGovernor.propose".to_owned()]).await?;
            let sent = eth.propose(proposer, &encoded, &description).await?;
            let proposal = eth.proposal(sent.value).await?;
            let now = eth.chain_now().await?;
            Ok(Output::new(
                format!(
                    "proposal #{} created (id {}); voting opens {}",
                    proposal.number,
                    proposal.id,
                    when(proposal.snapshot, now)
                ),
                json!({ "id": proposal.id.to_string(), "number": proposal.number, "proposer": proposer,
                        "actions": encoded, "voting_starts": proposal.snapshot, "voting_ends": proposal.deadline }),
            )
            .with_transactions(&sent.transactions))
        }
        GovCommand::Vote { id, support, reason, sign_only } => {
            let (eth, voter) = context.eth_writer().await?;
            let id = eth.proposal_id(id).await?;
            if sign_only {
                let vote = eth.sign_vote(&context.eth_signer()?, id, support, &reason).await?;
                return Ok(Output::new(serde_json::to_string_pretty(&vote)?, vote));
            }
            let power = match eth.voting_power(voter, id).await? {
                VotingPower::Operator { weight } => format!("your pool's {}", format_audio(weight)),
                VotingPower::Delegator { weight, operator } => {
                    format!("your own {}, taken out of {operator}'s vote", format_audio(weight))
                }
                VotingPower::None => "no stake at the proposal's snapshot (the vote counts nothing)".to_owned(),
            };
            let what = format!("vote {} on proposal {id} with {power}", support_name(support));
            context.confirm_eth(&eth, voter, &what, &["AudiusGovernor.castVote".to_owned()]).await?;
            let sent = eth.vote(voter, id, support, &reason).await?;
            let headline = format!("voted {} on proposal {id} with {power}", support_name(support));
            tally(&eth.proposal(id).await?, &headline, &sent.transactions)
        }
        GovCommand::SubmitVote { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|error| CliError::input(format!("signed vote {}: {error}", file.display())))?;
            let vote: SignedVote = serde_json::from_str(&text)
                .map_err(|error| CliError::input(format!("{} is not a signed vote: {error}", file.display())))?;
            let (eth, sender) = context.eth_writer().await?;
            let what = format!("submit {}'s vote on proposal {}", vote.voter, vote.proposal_id);
            context.confirm_eth(&eth, sender, &what, &["AudiusGovernor.castVoteBySig".to_owned()]).await?;
            let sent = eth.submit_signed_vote(&vote).await?;
            tally(
                &eth.proposal(vote.proposal_id).await?,
                &format!(
                    "submitted {}'s vote {} on proposal {}",
                    vote.voter,
                    support_name(vote.support),
                    vote.proposal_id
                ),
                &sent.transactions,
            )
        }
        GovCommand::Execute { id } => {
            let (eth, sender) = context.eth_writer().await?;
            let id = eth.proposal_id(id).await?;
            let what = format!("execute proposal {id}");
            context.confirm_eth(&eth, sender, &what, &["AudiusGovernor.execute".to_owned()]).await?;
            let sent = eth.execute(id).await?;
            Ok(Output::new(format!("proposal {id} executed"), json!({ "id": id.to_string(), "state": "executed" }))
                .with_transactions(&sent.transactions))
        }
        GovCommand::Veto { id } => {
            let (eth, guardian) = context.eth_writer().await?;
            let id = eth.proposal_id(id).await?;
            let what = format!("veto proposal {id}");
            context.confirm_eth(&eth, guardian, &what, &["AudiusGovernor.cancel".to_owned()]).await?;
            let sent = eth.veto(id).await?;
            Ok(Output::new(format!("proposal {id} cancelled"), json!({ "id": id.to_string(), "state": "canceled" }))
                .with_transactions(&sent.transactions))
        }
        GovCommand::Simulate { id, actions, actions_file, description, anvil } => {
            let eth = context.eth_reader().await?;
            let input = match id {
                Some(reference) => SimulationInput::Proposal(reference),
                None => {
                    let specs = action_specs(&actions, actions_file.as_deref())?;
                    let actions =
                        specs.iter().map(|spec| spec.encode(&eth.deployment)).collect::<Result<Vec<_>, _>>()?;
                    SimulationInput::Actions { actions, description }
                }
            };
            let fork = Fork::start(&anvil, &context.settings.eth_rpc, eth.deployment.clone()).await?;
            simulated(&fork.simulate(input).await?)
        }
        GovCommand::List => {
            let eth = context.eth_reader().await?;
            let proposals = eth.proposals().await?;
            let mut text = String::new();
            if proposals.is_empty() {
                text.push_str("no proposals yet\n");
            }
            for proposal in &proposals {
                text.push_str(&format!(
                    "#{} {} [{}] {}\n",
                    proposal.number,
                    proposal.id,
                    proposal.state,
                    title(proposal)
                ));
            }
            Ok(Output::new(text, proposals))
        }
        GovCommand::Show { id } => {
            let eth = context.eth_reader().await?;
            let proposal = eth.proposal_by(id).await?;
            let id = proposal.id;
            let now = eth.chain_now().await?;
            let mut text = format!(
                "proposal #{} (id {id}): {}\n  state: {}\n  proposer: {}\n",
                proposal.number,
                title(&proposal),
                proposal.state,
                proposal.proposer
            );
            for (target, calldata) in proposal.targets.iter().zip(&proposal.calldatas) {
                text.push_str(&format!("  call {}\n", describe_call(&eth.deployment, *target, calldata)));
            }
            text.push_str(&format!(
                "  for {}, against {}, abstain {}; quorum {} ({})\n",
                format_audio(proposal.for_votes),
                format_audio(proposal.against_votes),
                format_audio(proposal.abstain_votes),
                format_audio(proposal.quorum),
                if proposal.for_votes + proposal.abstain_votes >= proposal.quorum { "reached" } else { "not reached" }
            ));
            text.push_str(&format!(
                "  voting opens {}\n  voting closes {}\n",
                when(proposal.snapshot, now),
                when(proposal.deadline, now)
            ));
            if proposal.state == ProposalState::Queued || proposal.state == ProposalState::Succeeded {
                text.push_str(&format!("  executable {}\n", when(proposal.eta, now)));
            }
            let votes = eth.votes(id).await?;
            for vote in &votes {
                text.push_str(&format!("  {}\n", vote_line(vote)));
            }
            Ok(Output::new(text, json!({ "proposal": proposal, "votes": votes })))
        }
    }
}

/// The calls of `--action` lines and an `--actions-file`: at least one.
fn action_specs(lines: &[String], file: Option<&std::path::Path>) -> anyhow::Result<Vec<ActionSpec>> {
    let mut specs = lines.iter().map(|line| ActionSpec::parse_line(line)).collect::<Result<Vec<_>, _>>()?;
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .map_err(|error| CliError::input(format!("actions file {}: {error}", path.display())))?;
        specs.extend(ActionSpec::parse_file(&text)?);
    }
    if specs.is_empty() {
        return Err(CliError::input("a proposal needs at least one --action or an --actions-file"));
    }
    Ok(specs)
}

/// A simulation for people: the calls, what the fork did, and the outcome with each state change; exit 3 when the
/// proposal would not take effect.
fn simulated(simulation: &Simulation) -> anyhow::Result<Output> {
    let subject = simulation.number.map_or_else(|| "the calls".to_owned(), |number| format!("proposal #{number}"));
    let mut text =
        format!("simulated {subject} on a fork at block {} (nothing was sent to the chain)\n", simulation.fork_block);
    for call in &simulation.calls {
        text.push_str(&format!("  call {call}\n"));
    }
    for step in &simulation.steps {
        text.push_str(&format!("  on the fork: {step}\n"));
    }
    let passed = match &simulation.outcome {
        SimulationOutcome::Executed { transaction, changes } => {
            text.push_str(&format!("  executed ({} gas); state changes:\n", transaction.gas_used));
            for change in changes {
                text.push_str(&format!("    {change}\n"));
            }
            true
        }
        SimulationOutcome::Reverted { reason } => {
            text.push_str(&format!("  execution reverts, nothing would change: {reason}\n"));
            false
        }
        SimulationOutcome::Defeated { for_votes, against_votes, abstain_votes, quorum } => {
            text.push_str(&format!(
                "  defeated even with every remaining operator for it: for {}, against {}, abstain {}; quorum {}\n",
                format_audio(*for_votes),
                format_audio(*against_votes),
                format_audio(*abstain_votes),
                format_audio(*quorum)
            ));
            false
        }
    };
    let output = Output::new(text, simulation);
    Ok(if passed { output } else { output.failing(ExitCode::Refused) })
}

fn vote_line(vote: &VoteRecord) -> String {
    let who = if vote.is_override { "delegator" } else { "operator" };
    let reason = if vote.reason.is_empty() { String::new() } else { format!(": {}", vote.reason) };
    format!("{who} {} voted {} with {}{reason}", vote.voter, support_name(vote.support), format_audio(vote.weight))
}

fn support_name(support: Support) -> &'static str {
    match support {
        Support::For => "for",
        Support::Against => "against",
        Support::Abstain => "abstain",
    }
}

fn title(proposal: &Proposal) -> &str {
    proposal.description.lines().next().unwrap_or_default()
}

fn tally(proposal: &Proposal, headline: &str, transactions: &[SentTx]) -> anyhow::Result<Output> {
    Ok(Output::new(
        format!(
            "{headline}\n  for {}, against {}, abstain {}; quorum {}",
            format_audio(proposal.for_votes),
            format_audio(proposal.against_votes),
            format_audio(proposal.abstain_votes),
            format_audio(proposal.quorum)
        ),
        json!({ "id": proposal.id.to_string(), "state": proposal.state, "for": proposal.for_votes.to_string(),
                "against": proposal.against_votes.to_string(), "abstain": proposal.abstain_votes.to_string(),
                "quorum": proposal.quorum.to_string() }),
    )
    .with_transactions(transactions))
}

//! A proposal executed before anyone votes: on a private fork of the chain (anvil `--fork-url`), it is proposed
//! (when it is not yet), voted for by every operator that has not voted, carried past its vote and execution
//! delay, and executed through the governor's own `execute`, so its calls run exactly as they would on chain:
//! as the governor, in one transaction, after the same checks. What they changed is read back from the events the
//! contracts emit (every state change of the protocol emits one). Nothing is sent to the real chain.

use std::{path::Path, time::Duration};

use alloy::{
    dyn_abi::{DynSolValue, EventExt},
    node_bindings::{Anvil, AnvilInstance},
    primitives::{utils::parse_ether, Address, Bytes, B256, U256},
    providers::{ext::AnvilApi, DynProvider, Provider, ProviderBuilder},
    rpc::types::Log,
};
use serde::Serialize;

use super::{
    bindings::{AudiusGovernor, CONTRACT_NAMES},
    deployment::Deployment,
    governance::{contract_json_abi, describe_call, proposer_bound, readable_argument, split, value_text, Action},
    send::{transact, SentTx},
    EthError, Proposal, ProposalRef, ProposalState, Protocol, Support,
};

/// How long anvil may take to fork the chain and start answering.
const FORK_STARTUP: Duration = Duration::from_secs(60);

/// ETH each account the fork acts as is given for gas (the fork's ETH, worth nothing).
const FORK_GAS_ETH: &str = "1000";

/// What to simulate.
#[derive(Debug, Clone)]
pub enum SimulationInput {
    /// A proposal on chain, not executed, cancelled, defeated or expired yet.
    Proposal(ProposalRef),
    /// Calls nobody has proposed yet, with the description they would be proposed with.
    Actions {
        /// The calls.
        actions: Vec<Action>,
        /// The proposal's description.
        description: String,
    },
}

/// A simulated proposal: its calls, what the fork did to carry it to execution, and the outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Simulation {
    /// The real chain's block the fork started from.
    pub fork_block: u64,
    /// The proposal on chain, when one was simulated (its number in creation order).
    pub number: Option<u64>,
    /// The proposal's calls, decoded.
    pub calls: Vec<String>,
    /// What the fork did to reach execution, in order.
    pub steps: Vec<String>,
    /// How it ended.
    #[serde(flatten)]
    pub outcome: SimulationOutcome,
}

/// How a simulated proposal ended.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum SimulationOutcome {
    /// Its calls ran; these are the state changes they made.
    Executed {
        /// The execution on the fork.
        transaction: SentTx,
        /// The events the execution emitted, decoded, in order.
        changes: Vec<StateChange>,
    },
    /// Executing it reverts: no call takes effect.
    Reverted {
        /// Why, decoded from the revert.
        reason: String,
    },
    /// It cannot pass even with every operator that has not voted voting for it.
    Defeated {
        /// Votes for, wei.
        #[serde(with = "crate::decimal")]
        for_votes: U256,
        /// Votes against, wei.
        #[serde(with = "crate::decimal")]
        against_votes: U256,
        /// Abstentions, wei.
        #[serde(with = "crate::decimal")]
        abstain_votes: U256,
        /// For + abstain needed, wei.
        #[serde(with = "crate::decimal")]
        quorum: U256,
    },
}

/// One event an execution emitted: which contract, which event, its fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StateChange {
    /// The emitting contract's name in the deployment, or its address when it is not one of the protocol's.
    pub contract: String,
    /// Its address.
    pub address: Address,
    /// The event's name (its topic when the contract is not the protocol's or the event is unknown).
    pub event: String,
    /// Its fields, in the event's order.
    pub fields: Vec<EventField>,
}

/// One field of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventField {
    /// Its name in the ABI.
    pub name: String,
    /// Its value as text (amounts in wei, times in seconds).
    pub value: String,
    /// The value in the units people read, when the name says what it is (`100 AUDIO`, `7days`).
    pub readable: Option<String>,
}

impl std::fmt::Display for StateChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.contract, self.event)?;
        for field in &self.fields {
            write!(f, " {}={}", field.name, field.value)?;
            if let Some(readable) = &field.readable {
                write!(f, " ({readable})")?;
            }
        }
        Ok(())
    }
}

/// A private fork of the chain a deployment is on, run by anvil; stopped when dropped.
pub struct Fork {
    /// Kept so the fork runs as long as this value lives.
    _anvil: AnvilInstance,
    protocol: Protocol<DynProvider>,
    block: u64,
}

impl Fork {
    /// Fork the chain at `fork_url` at its latest block with the `anvil` binary; every account can send on the
    /// fork (anvil impersonates whoever a transaction is from).
    pub async fn start(anvil: &Path, fork_url: &str, deployment: Deployment) -> Result<Self, EthError> {
        let instance = Anvil::at(anvil)
            .fork(fork_url)
            .timeout(FORK_STARTUP.as_millis() as u64)
            .try_spawn()
            .map_err(|error| EthError::ForkUnavailable(format!("{}: {error}", anvil.display())))?;
        let provider = ProviderBuilder::new().connect_http(instance.endpoint_url()).erased();
        provider.anvil_auto_impersonate_account(true).await?;
        let block = provider.get_block_number().await?;
        let protocol = Protocol::connect(provider, deployment).await?;
        Ok(Self { _anvil: instance, protocol, block })
    }

    /// Carry `input` through proposal, vote and delay to execution on the fork, and report what executing it
    /// changed (or why it cannot).
    pub async fn simulate(&self, input: SimulationInput) -> Result<Simulation, EthError> {
        let protocol = &self.protocol;
        let mut steps = Vec::new();
        let (proposal, number) = match input {
            SimulationInput::Proposal(reference) => {
                let proposal = protocol.proposal_by(reference).await?;
                if matches!(
                    proposal.state,
                    ProposalState::Executed
                        | ProposalState::Canceled
                        | ProposalState::Defeated
                        | ProposalState::Expired
                ) {
                    return Err(EthError::NotSimulable(format!(
                        "proposal #{} is {}: it can no longer be executed",
                        proposal.number, proposal.state
                    )));
                }
                let number = proposal.number;
                (proposal, Some(number))
            }
            SimulationInput::Actions { actions, description } => {
                let proposer = self.largest_voter().await?;
                self.fund(proposer).await?;
                let (targets, values, calldatas) = split(&actions);
                let call = protocol
                    .governor
                    .propose(targets, values, calldatas, proposer_bound(&description, proposer))
                    .from(proposer);
                let receipt = transact(call).await?;
                let id = receipt
                    .decoded_log::<AudiusGovernor::ProposalCreated>()
                    .map(|log| log.data.proposalId)
                    .ok_or(EthError::MissingEvent("ProposalCreated"))?;
                steps.push(format!("proposed by {proposer}, the operator with the most votes"));
                (protocol.proposal(id).await?, None)
            }
        };
        let calls = proposal
            .targets
            .iter()
            .zip(&proposal.calldatas)
            .map(|(target, calldata)| describe_call(&protocol.deployment, *target, calldata))
            .collect();
        let simulation = |steps, outcome| Simulation { fork_block: self.block, number, calls, steps, outcome };

        if matches!(proposal.state, ProposalState::Pending | ProposalState::Active) {
            self.advance_to(proposal.snapshot + 1).await?;
            let (voters, weight) = self.vote_for(&proposal).await?;
            steps.push(format!(
                "voted for by {voters} operator(s) that had not voted, with {}",
                super::format_audio(weight)
            ));
            self.advance_to(proposal.deadline + 1).await?;
        }
        let tallied = protocol.proposal(proposal.id).await?;
        if tallied.state == ProposalState::Defeated {
            return Ok(simulation(
                steps,
                SimulationOutcome::Defeated {
                    for_votes: tallied.for_votes,
                    against_votes: tallied.against_votes,
                    abstain_votes: tallied.abstain_votes,
                    quorum: tallied.quorum,
                },
            ));
        }
        if tallied.eta > protocol.chain_now().await? {
            self.advance_to(tallied.eta).await?;
            steps.push(format!("waited out the execution delay to {}", crate::time::utc(tallied.eta)));
        }
        let executor = proposal.proposer;
        self.fund(executor).await?;
        let (targets, values, calldatas, description_hash) = tallied.into_call();
        let call = protocol.governor.execute(targets, values, calldatas, description_hash).from(executor);
        let outcome = match transact(call).await {
            Ok(receipt) => SimulationOutcome::Executed {
                transaction: (&receipt).into(),
                changes: receipt.inner.logs().iter().map(|log| decode_log(&protocol.deployment, log)).collect(),
            },
            Err(EthError::Reverted(reason)) => SimulationOutcome::Reverted { reason },
            Err(error) => return Err(error),
        };
        Ok(simulation(steps, outcome))
    }

    /// The operator with the most votes now, who proposes on the fork (it must hold the proposal threshold, as a
    /// real proposer must).
    async fn largest_voter(&self) -> Result<Address, EthError> {
        let protocol = &self.protocol;
        let now = protocol.chain_now().await?;
        let timepoint = U256::from(now.saturating_sub(1));
        let mut best: Option<(U256, Address)> = None;
        for pool in protocol.pools().await? {
            let votes = protocol.staking.getPastVotes(pool.operator, timepoint).call().await?;
            if best.is_none_or(|(most, _)| votes > most) {
                best = Some((votes, pool.operator));
            }
        }
        let threshold = protocol.governor.proposalThreshold().call().await?;
        match best {
            Some((votes, operator)) if votes >= threshold => Ok(operator),
            _ => Err(EthError::NotSimulable(format!(
                "no operator holds the {} of votes a proposal needs",
                super::format_audio(threshold)
            ))),
        }
    }

    /// Every operator with a pool at the snapshot that has not voted on `proposal` votes for it; how many did, and
    /// with how much.
    async fn vote_for(&self, proposal: &Proposal) -> Result<(usize, U256), EthError> {
        let protocol = &self.protocol;
        let snapshot = U256::from(proposal.snapshot);
        let (mut voters, mut weight) = (0, U256::ZERO);
        for pool in protocol.pools().await? {
            let operator = pool.operator;
            let votes = protocol.staking.getPastVotes(operator, snapshot).call().await?;
            if votes.is_zero() || protocol.governor.hasVoted(proposal.id, operator).call().await? {
                continue;
            }
            self.fund(operator).await?;
            transact(protocol.governor.castVote(proposal.id, Support::For as u8).from(operator)).await?;
            voters += 1;
            weight += votes;
        }
        Ok((voters, weight))
    }

    async fn fund(&self, account: Address) -> Result<(), EthError> {
        let eth = parse_ether(FORK_GAS_ETH).expect("a valid amount");
        Ok(self.protocol.token.provider().anvil_set_balance(account, eth).await?)
    }

    /// Mine a block at `timestamp` (nothing when the fork is already there).
    async fn advance_to(&self, timestamp: u64) -> Result<(), EthError> {
        let provider = self.protocol.token.provider();
        if timestamp > self.protocol.chain_now().await? {
            provider.anvil_set_next_block_timestamp(timestamp).await?;
            provider.anvil_mine(Some(1), None).await?;
        }
        Ok(())
    }
}

/// An event in words: decoded with the ABI of the protocol contract that emitted it; its raw topics and data when
/// another contract did or the event is not in the ABI.
fn decode_log(deployment: &Deployment, log: &Log) -> StateChange {
    let address = log.address();
    let name = CONTRACT_NAMES.iter().find(|name| deployment.address_of(name) == Some(address));
    let topic = log.topics().first().copied().unwrap_or(B256::ZERO);
    let raw = |contract: String| StateChange {
        contract,
        address,
        event: topic.to_string(),
        fields: vec![EventField {
            name: "data".to_owned(),
            value: Bytes::copy_from_slice(&log.data().data).to_string(),
            readable: None,
        }],
    };
    let Some(name) = name else { return raw(address.to_string()) };
    let abi = contract_json_abi(name).expect("every contract name has an ABI");
    let Some(event) = abi.events().find(|event| !event.anonymous && event.selector() == topic) else {
        return raw((*name).to_owned());
    };
    let Ok(decoded) = event.decode_log_parts(log.topics().iter().copied(), &log.data().data) else {
        return raw((*name).to_owned());
    };
    let (mut indexed, mut body) = (decoded.indexed.iter(), decoded.body.iter());
    let fields = event
        .inputs
        .iter()
        .filter_map(|input| {
            let value: &DynSolValue = if input.indexed { indexed.next()? } else { body.next()? };
            let label = input.name.trim_end_matches('_');
            Some(EventField {
                name: input.name.clone(),
                value: value_text(value),
                readable: readable_argument(name, label, value),
            })
        })
        .collect();
    StateChange { contract: (*name).to_owned(), address, event: event.name.clone(), fields }
}

//! Governance: proposals built from contract names and function signatures (checked against the contracts' ABIs
//! before anything is sent), votes (an operator with its pool, a delegator overriding its operator with its own
//! stake; directly or by EIP-712 signature, for a relayer to submit), execution after the delay, the guardian's
//! veto, and a proposal's state, tallies, ballots and timeline.

use alloy::{
    dyn_abi::{DynSolType, DynSolValue, JsonAbiExt, Specifier},
    json_abi::{Function, JsonAbi},
    primitives::{keccak256, Address, Bytes, B256, U256},
    providers::Provider,
    signers::Signer,
    sol,
    sol_types::{Eip712Domain, SolStruct},
};
use serde::{Deserialize, Serialize};

use super::{
    bindings::{contract_abi, AudiusGovernor, CONTRACT_NAMES},
    deployment::Deployment,
    revert::format_audio,
    send::{transact, Sent},
    EthError, Protocol,
};

pub(crate) fn contract_json_abi(name: &str) -> Option<JsonAbi> {
    let artifact: serde_json::Value = serde_json::from_str(contract_abi(name)?).expect("committed ABI is JSON");
    Some(serde_json::from_value(artifact["abi"].clone()).expect("committed ABI parses"))
}

/// A proposal's call in words, `Staking.setGlobalMinDelegation(uint96) 100000000000000000000`, decoded with the
/// ABI of the protocol contract it targets; the raw target and calldata when it targets anything else.
pub fn describe_call(deployment: &Deployment, target: Address, calldata: &[u8]) -> String {
    let raw = || format!("{target} {}", Bytes::copy_from_slice(calldata));
    let Some(name) = CONTRACT_NAMES.iter().find(|name| deployment.address_of(name) == Some(target)) else {
        return raw();
    };
    let abi = contract_json_abi(name).expect("every contract name has an ABI");
    let Some(function) =
        calldata.get(..4).and_then(|selector| abi.functions().find(|f| f.selector().as_slice() == selector))
    else {
        return raw();
    };
    match function.abi_decode_input(&calldata[4..]) {
        Ok(values) => {
            let args: Vec<String> = values.iter().map(value_text).collect();
            let notes: Vec<String> = function
                .inputs
                .iter()
                .zip(&values)
                .filter_map(|(param, value)| {
                    let label = param.name.trim_end_matches('_');
                    Some(format!("{label} = {}", readable_argument(name, label, value)?))
                })
                .collect();
            let call = format!("{name}.{} {}", function.signature(), args.join(" ")).trim_end().to_owned();
            if notes.is_empty() {
                call
            } else {
                format!("{call} ({})", notes.join(", "))
            }
        }
        Err(_) => raw(),
    }
}

/// An argument in the units people read, when its name says what it is: wei of AUDIO as AUDIO (stakes, amounts,
/// thresholds, delegations; a token call's value), seconds as a duration, basis points as a percentage.
pub(crate) fn readable_argument(contract: &str, name: &str, value: &DynSolValue) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let is_audio = ["amount", "stake", "threshold", "delegation"].iter().any(|word| lower.contains(word))
        || (contract == "AudioToken" && lower == "value");
    let is_duration =
        ["lockup", "period", "delay", "term", "window", "duration", "cooldown"].iter().any(|word| lower.contains(word));
    let readable = |number: U256| -> Option<String> {
        // Durations first: `unstakeLockup` is a time, not a stake.
        if is_duration {
            Some(humantime::format_duration(std::time::Duration::from_secs(number.try_into().ok()?)).to_string())
        } else if is_audio {
            Some(format_audio(number))
        } else if lower.ends_with("bps") {
            Some(format!("{}.{:02} %", number / U256::from(100), number % U256::from(100)))
        } else {
            None
        }
    };
    match value {
        DynSolValue::Uint(number, _) => readable(*number),
        DynSolValue::FixedArray(items) | DynSolValue::Array(items) => {
            let items: Option<Vec<String>> = items
                .iter()
                .map(|item| match item {
                    DynSolValue::Uint(number, _) => readable(*number),
                    _ => None,
                })
                .collect();
            Some(format!("[{}]", items?.join(", ")))
        }
        _ => None,
    }
}

pub(crate) fn value_text(value: &DynSolValue) -> String {
    match value {
        DynSolValue::Uint(v, _) => v.to_string(),
        DynSolValue::Int(v, _) => v.to_string(),
        DynSolValue::Address(a) => a.to_string(),
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::String(s) => format!("{s:?}"),
        DynSolValue::Bytes(b) => Bytes::copy_from_slice(b).to_string(),
        DynSolValue::FixedBytes(word, size) => Bytes::copy_from_slice(&word[..*size]).to_string(),
        other => format!("{other:?}"),
    }
}

/// Why a proposal action could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// No such contract in the protocol.
    #[error("unknown contract {0:?} (expected one of {names})", names = CONTRACT_NAMES.join(", "))]
    UnknownContract(String),
    /// The signature does not parse.
    #[error("{0:?} is not a function signature like setMinDelegation(uint96)")]
    BadSignature(String),
    /// The contract has no such function.
    #[error("{contract} has no function {signature}")]
    UnknownFunction {
        /// The contract.
        contract: String,
        /// The signature asked for.
        signature: String,
    },
    /// Wrong number of arguments.
    #[error("{signature} takes {expected} argument(s), {given} given")]
    ArgumentCount {
        /// The function.
        signature: String,
        /// Its parameter count.
        expected: usize,
        /// Arguments given.
        given: usize,
    },
    /// An argument does not parse as its parameter's type.
    #[error("argument {index} of {signature}: {value:?} is not a valid {ty}")]
    BadArgument {
        /// The function.
        signature: String,
        /// 1-based position.
        index: usize,
        /// What was given.
        value: String,
        /// The parameter type.
        ty: String,
    },
    /// The action file is not valid.
    #[error("action file: {0}")]
    File(String),
}

/// One call a proposal makes when executed, as written by people: contract name, function signature, arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionSpec {
    /// A contract name from [`CONTRACT_NAMES`].
    pub contract: String,
    /// The function signature, e.g. `setMinDelegation(uint96)`.
    pub function: String,
    /// The arguments, as text in Solidity's notation (`123`, `0xabc…`, `true`, `[1,2]`, `(1,0x…)`).
    #[serde(default)]
    pub args: Vec<String>,
    /// ETH sent with the call, in wei (default 0).
    #[serde(default)]
    pub value: Option<String>,
}

/// One call a proposal makes, encoded: the form the governor takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Action {
    /// The contract's name.
    pub contract: String,
    /// The function signature.
    pub function: String,
    /// The contract's address.
    pub target: Address,
    /// ETH sent with the call, in wei.
    pub value: U256,
    /// ABI-encoded call.
    pub calldata: Bytes,
}

impl ActionSpec {
    /// Parse `"Contract.function(types) arg1 arg2 …"`, the one-line form the command line takes. Arguments are
    /// separated by whitespace; use an action file for arguments that contain spaces.
    pub fn parse_line(line: &str) -> Result<Self, ActionError> {
        let mut words = line.split_whitespace();
        let call = words.next().ok_or_else(|| ActionError::BadSignature(line.to_owned()))?;
        let (contract, function) = call.split_once('.').ok_or_else(|| ActionError::BadSignature(call.to_owned()))?;
        Ok(Self {
            contract: contract.to_owned(),
            function: function.to_owned(),
            args: words.map(str::to_owned).collect(),
            value: None,
        })
    }

    /// Read a JSON array of actions: `[{"contract": "Staking", "function": "setMinDelegation(uint96)",
    /// "args": ["1000"]}]`.
    pub fn parse_file(text: &str) -> Result<Vec<Self>, ActionError> {
        serde_json::from_str(text).map_err(|error| ActionError::File(error.to_string()))
    }

    /// Check the action against the contract's ABI and encode it for `deployment`.
    pub fn encode(&self, deployment: &Deployment) -> Result<Action, ActionError> {
        let abi =
            contract_json_abi(&self.contract).ok_or_else(|| ActionError::UnknownContract(self.contract.clone()))?;
        let function = Function::parse(&self.function).map_err(|_| ActionError::BadSignature(self.function.clone()))?;
        let signature = function.signature();
        let known = abi.functions().find(|f| f.signature() == signature).ok_or_else(|| {
            ActionError::UnknownFunction { contract: self.contract.clone(), signature: signature.clone() }
        })?;
        if self.args.len() != known.inputs.len() {
            return Err(ActionError::ArgumentCount { signature, expected: known.inputs.len(), given: self.args.len() });
        }
        let mut values = Vec::with_capacity(self.args.len());
        for (index, (arg, param)) in self.args.iter().zip(&known.inputs).enumerate() {
            let bad = || ActionError::BadArgument {
                signature: signature.clone(),
                index: index + 1,
                value: arg.clone(),
                ty: param.ty.clone(),
            };
            let ty: DynSolType = param.resolve().map_err(|_| bad())?;
            values.push(ty.coerce_str(arg).map_err(|_| bad())?);
        }
        let calldata = known.abi_encode_input(&values).map_err(|_| ActionError::BadSignature(signature.clone()))?;
        let value = match &self.value {
            Some(text) => text.parse::<U256>().map_err(|_| ActionError::BadArgument {
                signature: signature.clone(),
                index: 0,
                value: text.clone(),
                ty: "wei amount".into(),
            })?,
            None => U256::ZERO,
        };
        Ok(Action {
            contract: self.contract.clone(),
            function: signature,
            target: deployment.address_of(&self.contract).expect("every contract name has an address"),
            value,
            calldata: calldata.into(),
        })
    }
}

/// The action that slashes `amount` wei of `operator`'s pool, citing evidence by its hash.
pub fn slash_action(
    deployment: &Deployment,
    operator: Address,
    amount: U256,
    evidence_hash: B256,
) -> Result<Action, ActionError> {
    ActionSpec {
        contract: "Staking".into(),
        function: "slash(address,uint256,bytes32)".into(),
        args: vec![operator.to_string(), amount.to_string(), evidence_hash.to_string()],
        value: None,
    }
    .encode(deployment)
}

/// How a vote counts (OpenZeppelin's counting: against 0, for 1, abstain 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Support {
    /// Against the proposal.
    Against = 0,
    /// For the proposal.
    For = 1,
    /// Counts toward quorum only.
    Abstain = 2,
}

impl std::str::FromStr for Support {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "for" => Ok(Support::For),
            "against" => Ok(Support::Against),
            "abstain" => Ok(Support::Abstain),
            other => Err(format!("{other:?} is not a vote (expected for, against or abstain)")),
        }
    }
}

/// A proposal's lifecycle state, as the governor reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProposalState {
    /// Voting has not started.
    Pending,
    /// Voting is open.
    Active,
    /// Cancelled by its proposer or vetoed by the guardian.
    Canceled,
    /// Voting ended without quorum or majority.
    Defeated,
    /// Passed and executable: its execution delay is over.
    Succeeded,
    /// Passed, waiting out its execution delay (the guardian may still veto it).
    Queued,
    /// Passed but not executed in time.
    Expired,
    /// Done.
    Executed,
}

impl ProposalState {
    /// The state of the governor's numeric code.
    pub fn from_code(code: u8) -> Self {
        match code {
            0 => Self::Pending,
            1 => Self::Active,
            2 => Self::Canceled,
            3 => Self::Defeated,
            4 => Self::Succeeded,
            5 => Self::Queued,
            6 => Self::Expired,
            _ => Self::Executed,
        }
    }
}

impl std::fmt::Display for ProposalState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = serde_json::to_value(self).expect("serializes");
        f.write_str(text.as_str().expect("a string"))
    }
}

/// How a user names a proposal: its number in creation order (`3`, the third since the deployment) or the
/// governor's id (a 77-digit hash, decimal or `0x` hex). A number below 2^64 is a creation number: no id is (ids
/// are keccak hashes, below 2^64 with odds of one in 2^192).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalRef {
    /// The n-th proposal created since the deployment, from 1.
    Number(u64),
    /// The governor's id.
    Id(U256),
}

impl std::str::FromStr for ProposalRef {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || format!("{text:?} is not a proposal number (3) or id (see `audius gov list`)");
        let id = match text.strip_prefix("0x") {
            Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                U256::from_str_radix(hex, 16).map_err(|_| invalid())?
            }
            None if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
                U256::from_str_radix(text, 10).map_err(|_| invalid())?
            }
            _ => return Err(invalid()),
        };
        Ok(match u64::try_from(id) {
            Ok(number) => ProposalRef::Number(number),
            Err(_) => ProposalRef::Id(id),
        })
    }
}

impl std::fmt::Display for ProposalRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProposalRef::Number(number) => write!(f, "#{number}"),
            ProposalRef::Id(id) => write!(f, "{id}"),
        }
    }
}

/// Everything about a proposal: what it does, where it stands, its tallies and its timeline.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    /// The governor's id.
    #[serde(serialize_with = "crate::decimal::serialize")]
    pub id: U256,
    /// Its number in creation order since the deployment (1 for the first): a short reference to it.
    pub number: u64,
    /// Who proposed it.
    pub proposer: Address,
    /// Its description (the first line is its title).
    pub description: String,
    /// Contracts called on execution.
    pub targets: Vec<Address>,
    /// ETH sent with each call.
    #[serde(serialize_with = "crate::decimal::serialize_all")]
    pub values: Vec<U256>,
    /// Encoded calls.
    pub calldatas: Vec<Bytes>,
    /// Current state.
    pub state: ProposalState,
    /// Voting power is read at the end of this second (the proposal's creation); voting opens after it.
    pub snapshot: u64,
    /// Voting closes at the end of this second.
    pub deadline: u64,
    /// When a passed proposal may be executed: the end of the vote plus the execution delay.
    pub eta: u64,
    /// Votes for (wei of staked AUDIO).
    #[serde(serialize_with = "crate::decimal::serialize")]
    pub for_votes: U256,
    /// Votes against.
    #[serde(serialize_with = "crate::decimal::serialize")]
    pub against_votes: U256,
    /// Abstentions.
    #[serde(serialize_with = "crate::decimal::serialize")]
    pub abstain_votes: U256,
    /// For + abstain needed to pass (fixed at creation: a share of the stake just before it).
    #[serde(serialize_with = "crate::decimal::serialize")]
    pub quorum: U256,
}

/// One vote on a proposal, as the governor's events record it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VoteRecord {
    /// Who voted.
    pub voter: Address,
    /// The vote.
    pub support: Support,
    /// The stake it counted with, wei (an operator's pool less the delegators that overrode it).
    #[serde(serialize_with = "crate::decimal::serialize")]
    pub weight: U256,
    /// A delegator overriding its operator (with its own stake) rather than an operator voting its pool.
    #[serde(rename = "override")]
    pub is_override: bool,
    /// The voter's stated reason.
    pub reason: String,
}

/// What an account votes with on a proposal, before it votes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum VotingPower {
    /// An operator: its whole pool at the snapshot, less what its delegators' overrides took out.
    Operator {
        /// Wei.
        #[serde(serialize_with = "crate::decimal::serialize")]
        weight: U256,
    },
    /// A delegator: its own stake at the snapshot, taken out of its operator's tally.
    Delegator {
        /// Wei.
        #[serde(serialize_with = "crate::decimal::serialize")]
        weight: U256,
        /// The operator it overrides.
        operator: Address,
    },
    /// Nothing staked at the snapshot.
    None,
}

impl Proposal {
    /// The arguments the governor's execute and cancel take: the calls and the description's hash.
    pub(crate) fn into_call(self) -> (Vec<Address>, Vec<U256>, Vec<Bytes>, B256) {
        let description_hash = keccak256(self.description.as_bytes());
        (self.targets, self.values, self.calldatas, description_hash)
    }
}

sol! {
    /// OpenZeppelin Governor's EIP-712 ballot (an operator's vote).
    struct Ballot {
        uint256 proposalId;
        uint8 support;
        address voter;
        uint256 nonce;
    }

    /// OpenZeppelin GovernorCountingOverridable's EIP-712 ballot (a delegator's override).
    struct OverrideBallot {
        uint256 proposalId;
        uint8 support;
        address voter;
        uint256 nonce;
        string reason;
    }
}

/// A vote signed by its voter for someone else to submit (`castVoteBySig`, or `castOverrideVoteBySig` for a
/// delegator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedVote {
    /// A delegator's override (signed as an `OverrideBallot`), not an operator's vote.
    #[serde(default, rename = "override")]
    pub is_override: bool,
    /// The override's reason (part of what is signed).
    #[serde(default)]
    pub reason: String,
    /// The proposal.
    #[serde(with = "crate::decimal")]
    pub proposal_id: U256,
    /// The vote.
    pub support: Support,
    /// The voter (whose stake counts).
    pub voter: Address,
    /// The voter's governor nonce the signature consumes (a signature counts once).
    #[serde(with = "crate::decimal")]
    pub nonce: U256,
    /// The 65-byte signature.
    pub signature: Bytes,
}

impl<P: Provider + Clone> Protocol<P> {
    /// Submit a proposal from `proposer` (the provider's signer); returns its id. The description gets the
    /// `#proposer=` suffix OpenZeppelin's governor enforces, so nobody else can submit the same proposal first and
    /// take its id (then cancel it, or let it lapse).
    pub async fn propose(
        &self,
        proposer: Address,
        actions: &[Action],
        description: &str,
    ) -> Result<Sent<U256>, EthError> {
        let (targets, values, calldatas) = split(actions);
        let description = proposer_bound(description, proposer);
        let receipt = transact(self.governor.propose(targets, values, calldatas, description)).await?;
        let id = receipt
            .decoded_log::<AudiusGovernor::ProposalCreated>()
            .map(|log| log.data.proposalId)
            .ok_or(EthError::MissingEvent("ProposalCreated"))?;
        Ok(Sent::one(id, &receipt))
    }

    /// What `account` would vote with on proposal `id`: an operator its pool at the snapshot (less its delegators'
    /// overrides so far), a delegator its own stake at the snapshot.
    pub async fn voting_power(&self, account: Address, id: U256) -> Result<VotingPower, EthError> {
        let snapshot = self.governor.proposalSnapshot(id).call().await?;
        if snapshot >= U256::from(self.chain_now().await?) {
            return Ok(VotingPower::None);
        }
        let operator = self.staking.getPastDelegate(account, snapshot).call().await?;
        if operator == account {
            let pool = self.staking.getPastVotes(account, snapshot).call().await?;
            let overridden = self.overridden_weight(id, account).await?;
            return Ok(VotingPower::Operator { weight: pool.saturating_sub(overridden) });
        }
        let weight = self.staking.getPastBalanceOf(account, snapshot).call().await?;
        if weight.is_zero() || operator == Address::ZERO {
            return Ok(VotingPower::None);
        }
        Ok(VotingPower::Delegator { weight, operator })
    }

    /// Vote on a proposal with the signer's (`voter`'s) stake: an operator votes its pool (`castVote`), a
    /// delegator overrides its operator with its own stake (`castOverrideVote`).
    pub async fn vote(&self, voter: Address, id: U256, support: Support, reason: &str) -> Result<Sent<()>, EthError> {
        let receipt = match self.voting_power(voter, id).await? {
            VotingPower::Delegator { .. } => {
                transact(self.governor.castOverrideVote(id, support as u8, reason.to_owned())).await?
            }
            _ => transact(self.governor.castVoteWithReason(id, support as u8, reason.to_owned())).await?,
        };
        Ok(Sent::one((), &receipt))
    }

    /// Sign a vote with `voter`'s key without sending anything (an override ballot for a delegator); anyone may
    /// submit it with [`submit_signed_vote`](Self::submit_signed_vote).
    pub async fn sign_vote<S: Signer + Sync>(
        &self,
        voter: &S,
        id: U256,
        support: Support,
        reason: &str,
    ) -> Result<SignedVote, EthError> {
        let address = voter.address();
        let is_override = matches!(self.voting_power(address, id).await?, VotingPower::Delegator { .. });
        let nonce = self.governor.nonces(address).call().await?;
        let domain = self.governor_domain().await?;
        let hash = if is_override {
            OverrideBallot { proposalId: id, support: support as u8, voter: address, nonce, reason: reason.to_owned() }
                .eip712_signing_hash(&domain)
        } else {
            Ballot { proposalId: id, support: support as u8, voter: address, nonce }.eip712_signing_hash(&domain)
        };
        let signature = voter.sign_hash(&hash).await.map_err(|error| EthError::Signing(error.to_string()))?;
        Ok(SignedVote {
            is_override,
            reason: if is_override { reason.to_owned() } else { String::new() },
            proposal_id: id,
            support,
            voter: address,
            nonce,
            signature: signature.as_bytes().to_vec().into(),
        })
    }

    /// Submit a vote someone signed (the signer of this provider pays the gas; the voter's stake counts).
    pub async fn submit_signed_vote(&self, vote: &SignedVote) -> Result<Sent<()>, EthError> {
        let receipt = if vote.is_override {
            transact(self.governor.castOverrideVoteBySig(
                vote.proposal_id,
                vote.support as u8,
                vote.voter,
                vote.reason.clone(),
                vote.signature.clone(),
            ))
            .await?
        } else {
            transact(self.governor.castVoteBySig(
                vote.proposal_id,
                vote.support as u8,
                vote.voter,
                vote.signature.clone(),
            ))
            .await?
        };
        Ok(Sent::one((), &receipt))
    }

    /// Execute a passed proposal whose execution delay is over (anyone may).
    pub async fn execute(&self, id: U256) -> Result<Sent<()>, EthError> {
        let (targets, values, calldatas, description_hash) = self.proposal(id).await?.into_call();
        Ok(Sent::one((), &transact(self.governor.execute(targets, values, calldatas, description_hash)).await?))
    }

    /// Cancel a proposal: the guardian's veto at any stage before execution (or the proposer's withdrawal while
    /// it is pending).
    pub async fn veto(&self, id: U256) -> Result<Sent<()>, EthError> {
        let (targets, values, calldatas, description_hash) = self.proposal(id).await?.into_call();
        Ok(Sent::one((), &transact(self.governor.cancel(targets, values, calldatas, description_hash)).await?))
    }

    /// Every proposal since the deployment, oldest first.
    pub async fn proposals(&self) -> Result<Vec<Proposal>, EthError> {
        let created = self.governor.ProposalCreated_filter().from_block(self.deployment.block).query().await?;
        let mut proposals = Vec::with_capacity(created.len());
        for (index, (event, _)) in created.into_iter().enumerate() {
            proposals.push(self.proposal_from(event, index as u64 + 1).await?);
        }
        Ok(proposals)
    }

    /// One proposal by id.
    pub async fn proposal(&self, id: U256) -> Result<Proposal, EthError> {
        self.proposal_by(ProposalRef::Id(id)).await
    }

    /// One proposal by id or by its number in creation order.
    pub async fn proposal_by(&self, reference: ProposalRef) -> Result<Proposal, EthError> {
        let created = self.governor.ProposalCreated_filter().from_block(self.deployment.block).query().await?;
        let index = match reference {
            ProposalRef::Id(id) => created.iter().position(|(event, _)| event.proposalId == id),
            ProposalRef::Number(number) => {
                usize::try_from(number).ok().and_then(|number| number.checked_sub(1)).filter(|&i| i < created.len())
            }
        };
        let index = index.ok_or(EthError::UnknownProposal(reference))?;
        let (event, _) = created.into_iter().nth(index).expect("an index found in the list");
        self.proposal_from(event, index as u64 + 1).await
    }

    /// The governor's id of the proposal `reference` names.
    pub async fn proposal_id(&self, reference: ProposalRef) -> Result<U256, EthError> {
        match reference {
            ProposalRef::Id(id) => Ok(id),
            ProposalRef::Number(_) => Ok(self.proposal_by(reference).await?.id),
        }
    }

    async fn proposal_from(&self, event: AudiusGovernor::ProposalCreated, number: u64) -> Result<Proposal, EthError> {
        let id = event.proposalId;
        let votes = self.governor.proposalVotes(id).call().await?;
        Ok(Proposal {
            id,
            number,
            proposer: event.proposer,
            description: event.description,
            targets: event.targets,
            values: event.values,
            calldatas: event.calldatas,
            state: ProposalState::from_code(self.governor.state(id).call().await?),
            snapshot: self.governor.proposalSnapshot(id).call().await?.to::<u64>(),
            deadline: self.governor.proposalDeadline(id).call().await?.to::<u64>(),
            eta: self.governor.proposalEta(id).call().await?.to::<u64>(),
            for_votes: votes.forVotes,
            against_votes: votes.againstVotes,
            abstain_votes: votes.abstainVotes,
            quorum: self.governor.proposalQuorum(id).call().await?,
        })
    }

    /// Every vote cast on proposal `id`, in order: operators' votes with the weight they counted with, and
    /// delegators' overrides. An operator's weight here is net of the overrides cast before it voted; overrides
    /// cast after it are in the list too (each took its weight out of the operator's tally).
    pub async fn votes(&self, id: U256) -> Result<Vec<VoteRecord>, EthError> {
        let from = self.deployment.block;
        let mut ballots: Vec<(u64, u64, VoteRecord)> = Vec::new();
        for (event, log) in self.governor.VoteCast_filter().from_block(from).query().await? {
            if event.proposalId != id {
                continue;
            }
            ballots.push((
                log.block_number.unwrap_or_default(),
                log.log_index.unwrap_or_default(),
                VoteRecord {
                    voter: event.voter,
                    support: support_of(event.support),
                    weight: event.weight,
                    is_override: false,
                    reason: event.reason,
                },
            ));
        }
        for (event, log) in self.governor.OverrideVoteCast_filter().from_block(from).query().await? {
            if event.proposalId != id {
                continue;
            }
            ballots.push((
                log.block_number.unwrap_or_default(),
                log.log_index.unwrap_or_default(),
                VoteRecord {
                    voter: event.voter,
                    support: support_of(event.support),
                    weight: event.weight,
                    is_override: true,
                    reason: event.reason,
                },
            ));
        }
        ballots.sort_by_key(|(block, index, _)| (*block, *index));
        Ok(ballots.into_iter().map(|(_, _, ballot)| ballot).collect())
    }

    /// The weight `operator`'s delegators have taken out of its vote on `id` so far by overriding it.
    async fn overridden_weight(&self, id: U256, operator: Address) -> Result<U256, EthError> {
        let mut total = U256::ZERO;
        for (event, _) in self.governor.OverrideVoteCast_filter().from_block(self.deployment.block).query().await? {
            if event.proposalId != id {
                continue;
            }
            let snapshot = self.governor.proposalSnapshot(id).call().await?;
            if self.staking.getPastDelegate(event.voter, snapshot).call().await? == operator {
                total += event.weight;
            }
        }
        Ok(total)
    }

    async fn governor_domain(&self) -> Result<Eip712Domain, EthError> {
        let domain = self.governor.eip712Domain().call().await?;
        Ok(Eip712Domain::new(
            Some(domain.name.into()),
            Some(domain.version.into()),
            Some(domain.chainId),
            Some(domain.verifyingContract),
            None,
        ))
    }
}

/// `description` with OpenZeppelin's `#proposer=0x…` suffix for `proposer` (kept when already there).
pub fn proposer_bound(description: &str, proposer: Address) -> String {
    let suffix = format!("#proposer={proposer}");
    if description.to_lowercase().ends_with(&suffix.to_lowercase()) {
        return description.to_owned();
    }
    format!("{description}{suffix}")
}

fn support_of(code: u8) -> Support {
    match code {
        0 => Support::Against,
        1 => Support::For,
        _ => Support::Abstain,
    }
}

pub(crate) fn split(actions: &[Action]) -> (Vec<Address>, Vec<U256>, Vec<Bytes>) {
    (
        actions.iter().map(|a| a.target).collect(),
        actions.iter().map(|a| a.value).collect(),
        actions.iter().map(|a| a.calldata.clone()).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment() -> Deployment {
        serde_json::from_value(serde_json::json!({
            "chainId": 31337, "block": 1,
            "AudioToken": Address::repeat_byte(1), "Staking": Address::repeat_byte(2),
            "ServiceRegistry": Address::repeat_byte(3), "Issuance": Address::repeat_byte(4),
            "AudiusGovernor": Address::repeat_byte(5), "FeatureAccess": Address::repeat_byte(7),
        }))
        .unwrap()
    }

    #[test]
    fn encodes_a_known_function_against_its_contract() {
        let action = ActionSpec::parse_line("Staking.setGlobalMinDelegation(uint96) 1000").unwrap();
        let encoded = action.encode(&deployment()).unwrap();
        assert_eq!(encoded.target, Address::repeat_byte(2));
        let expected = crate::eth::Staking::setGlobalMinDelegationCall { amount: alloy::primitives::Uint::from(1000) };
        assert_eq!(encoded.calldata, Bytes::from(alloy::sol_types::SolCall::abi_encode(&expected)));
    }

    #[test]
    fn refuses_what_the_contracts_do_not_have() {
        let d = deployment();
        let encode = |line: &str| ActionSpec::parse_line(line).unwrap().encode(&d).unwrap_err();
        assert_eq!(encode("Nope.f()"), ActionError::UnknownContract("Nope".into()));
        assert!(matches!(encode("Staking.mintMoney(uint256) 1"), ActionError::UnknownFunction { .. }));
        assert!(matches!(encode("Staking.setGlobalMinDelegation(uint256) 1"), ActionError::UnknownFunction { .. }));
        assert!(matches!(encode("Staking.setGlobalMinDelegation(uint96)"), ActionError::ArgumentCount { .. }));
        assert!(matches!(
            encode("Staking.setGlobalMinDelegation(uint96) lots"),
            ActionError::BadArgument { index: 1, .. }
        ));
        assert!(matches!(
            encode("Staking.slash(address,uint256,bytes32) 0x12 1 0x00"),
            ActionError::BadArgument { .. }
        ));
        assert!(matches!(encode("Staking.set(("), ActionError::BadSignature(_)));
        assert!(matches!(ActionSpec::parse_line("nodot"), Err(ActionError::BadSignature(_))));
    }

    #[test]
    fn reads_an_action_file() {
        let specs = ActionSpec::parse_file(
            r#"[{"contract": "Issuance", "function": "setParameters(uint40,uint16,uint40,uint16)",
                 "args": ["604800", "700", "21600", "5000"]}]"#,
        )
        .unwrap();
        assert_eq!(specs.len(), 1);
        assert!(specs[0].encode(&deployment()).is_ok());
        assert!(matches!(ActionSpec::parse_file("{"), Err(ActionError::File(_))));
    }

    #[test]
    fn calls_read_back_in_words() {
        let d = deployment();
        let evidence = B256::repeat_byte(1);
        let action = slash_action(&d, Address::repeat_byte(9), U256::from(5), evidence).unwrap();
        assert_eq!(
            describe_call(&d, action.target, &action.calldata),
            format!(
                "Staking.slash(address,uint256,bytes32) {} 5 {evidence} (amount = 0.000000000000000005 AUDIO)",
                Address::repeat_byte(9)
            )
        );
        let lockups = ActionSpec::parse_line("Staking.setLockups(uint40,uint40,uint40,uint40) 604800 3600 0 90")
            .unwrap()
            .encode(&d)
            .unwrap();
        assert_eq!(
            describe_call(&d, lockups.target, &lockups.calldata),
            "Staking.setLockups(uint40,uint40,uint40,uint40) 604800 3600 0 90 (unstakeLockup = 7days, \
             removeDelegatorLockup = 1h, cutCooldown = 0s, executionWindow = 1m 30s)"
        );
        let params =
            ActionSpec::parse_line("Issuance.setParameters(uint40,uint16,uint40,uint16) 604800 700 21600 5000")
                .unwrap()
                .encode(&d)
                .unwrap();
        assert!(describe_call(&d, params.target, &params.calldata)
            .ends_with("(roundDuration = 7days, inflationBps = 7.00 %, attestationWindow = 6h, quorumBps = 50.00 %)"));
        let tiers = ActionSpec::parse_line("FeatureAccess.setThresholds(uint256[4]) [1ether,2ether,3ether,4ether]")
            .unwrap()
            .encode(&d)
            .unwrap();
        assert!(describe_call(&d, tiers.target, &tiers.calldata)
            .ends_with("(thresholds = [1 AUDIO, 2 AUDIO, 3 AUDIO, 4 AUDIO])"));
        let elsewhere = Address::repeat_byte(0xaa);
        assert_eq!(describe_call(&d, elsewhere, &[1, 2]), format!("{elsewhere} 0x0102"));
    }

    #[test]
    fn proposals_are_bound_to_their_proposer() {
        let proposer = Address::repeat_byte(0xab);
        let bound = proposer_bound("Slash op\n\nEvidence: …", proposer);
        assert!(bound.ends_with(&format!("#proposer={proposer}")));
        assert_eq!(proposer_bound(&bound, proposer), bound);
    }

    #[test]
    fn slash_is_a_staking_call() {
        let action = slash_action(&deployment(), Address::repeat_byte(9), U256::from(5), B256::repeat_byte(1)).unwrap();
        assert_eq!(action.function, "slash(address,uint256,bytes32)");
        assert_eq!(action.target, Address::repeat_byte(2));
    }
}

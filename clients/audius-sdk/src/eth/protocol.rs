//! The deployed protocol behind one provider: typed calls for operators, delegators and reward claims, with
//! reverts turned into readable errors.

use alloy::{
    contract::{CallBuilder, CallDecoder},
    primitives::{Address, FixedBytes, U256},
    providers::Provider,
    rpc::types::TransactionReceipt,
};

use super::{
    bindings::{AudioToken, AudiusGovernor, FeatureAccess, Issuance, ServiceRegistry, Staking},
    deployment::Deployment,
    EthError,
};

/// A node type the registry knows, as the `bytes32` the contracts use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceType {
    /// Stores and streams content.
    ContentNode,
    /// Indexes the ledger and answers queries; attests activity.
    DiscoveryNode,
}

impl ServiceType {
    /// The registry's name of the type.
    pub fn name(self) -> &'static str {
        match self {
            ServiceType::ContentNode => "content-node",
            ServiceType::DiscoveryNode => "discovery-node",
        }
    }

    /// The type as the contracts store it: its name, left-aligned in 32 bytes.
    pub fn id(self) -> FixedBytes<32> {
        let mut id = [0u8; 32];
        let name = self.name().as_bytes();
        id[..name.len()].copy_from_slice(name);
        FixedBytes(id)
    }
}

impl std::str::FromStr for ServiceType {
    type Err = EthError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "content-node" => Ok(ServiceType::ContentNode),
            "discovery-node" => Ok(ServiceType::DiscoveryNode),
            other => Err(EthError::UnknownServiceType(other.to_owned())),
        }
    }
}

/// An operator's position in the protocol, read in one go.
#[derive(Debug, Clone)]
pub struct OperatorStatus {
    /// The operator's pool (active and pending stake, bounds, cut).
    pub pool: Staking::Pool,
    /// The operator's own stake, active plus pending withdrawal.
    pub own_stake: U256,
    /// The operator's pending withdrawal from its own pool, and its current value.
    pub withdrawal: Staking::Withdrawal,
    /// Value of that withdrawal now.
    pub withdrawal_value: U256,
    /// Whether the operator is within its services' bounds.
    pub within_bounds: bool,
    /// Current voting power (the whole active pool).
    pub votes: U256,
    /// The last round the operator was paid for.
    pub last_claimed_round: u32,
    /// Feature-access tier (0 none, 1 bronze … 4 platinum).
    pub tier: u8,
}

/// The protocol's contracts on one chain, reached through `provider` (whose wallet signs transactions).
pub struct Protocol<P> {
    /// Where the contracts live.
    pub deployment: Deployment,
    /// AUDIO.
    pub token: AudioToken::AudioTokenInstance<P>,
    /// Stake custody, delegation and votes.
    pub staking: Staking::StakingInstance<P>,
    /// Service types and nodes.
    pub registry: ServiceRegistry::ServiceRegistryInstance<P>,
    /// Rounds and rewards.
    pub issuance: Issuance::IssuanceInstance<P>,
    /// Proposals and votes.
    pub governor: AudiusGovernor::AudiusGovernorInstance<P>,
    /// Stake tiers.
    pub feature_access: FeatureAccess::FeatureAccessInstance<P>,
}

impl<P: Provider + Clone> Protocol<P> {
    /// Bind the contracts of `deployment`, after checking that `provider` is on the deployment's chain.
    pub async fn connect(provider: P, deployment: Deployment) -> Result<Self, EthError> {
        let chain_id = provider.get_chain_id().await?;
        if chain_id != deployment.chain_id {
            return Err(EthError::WrongChain { expected: deployment.chain_id, actual: chain_id });
        }
        Ok(Self {
            token: AudioToken::new(deployment.audio_token, provider.clone()),
            staking: Staking::new(deployment.staking, provider.clone()),
            registry: ServiceRegistry::new(deployment.service_registry, provider.clone()),
            issuance: Issuance::new(deployment.issuance, provider.clone()),
            governor: AudiusGovernor::new(deployment.governor, provider.clone()),
            feature_access: FeatureAccess::new(deployment.feature_access, provider),
            deployment,
        })
    }

    /// Let the staking contract pull `amount` AUDIO from the signer, if its allowance is short.
    pub async fn ensure_staking_allowance(&self, owner: Address, amount: U256) -> Result<(), EthError> {
        let allowance = self.token.allowance(owner, self.deployment.staking).call().await?;
        if allowance < amount {
            transact(self.token.approve(self.deployment.staking, amount)).await?;
        }
        Ok(())
    }

    /// Register a node with `stake` AUDIO of the signer's own stake (approving staking as needed); returns the
    /// new service id.
    pub async fn register(
        &self,
        operator: Address,
        service_type: ServiceType,
        endpoint: &str,
        stake: U256,
        delegate_wallet: Address,
    ) -> Result<U256, EthError> {
        self.ensure_staking_allowance(operator, stake).await?;
        let receipt =
            transact(self.registry.register(service_type.id(), endpoint.to_owned(), stake, delegate_wallet)).await?;
        receipt
            .decoded_log::<ServiceRegistry::ServiceRegistered>()
            .map(|log| log.data.serviceId)
            .ok_or(EthError::MissingEvent("ServiceRegistered"))
    }

    /// Add `amount` to the signer's own stake.
    pub async fn increase_stake(&self, operator: Address, amount: U256) -> Result<TransactionReceipt, EthError> {
        self.ensure_staking_allowance(operator, amount).await?;
        transact(self.staking.increaseStake(amount)).await
    }

    /// Delegate `amount` from the signer to `operator`'s pool.
    pub async fn delegate(
        &self,
        delegator: Address,
        operator: Address,
        amount: U256,
    ) -> Result<TransactionReceipt, EthError> {
        self.ensure_staking_allowance(delegator, amount).await?;
        transact(self.staking.delegateStake(operator, amount)).await
    }

    /// Ask to withdraw `amount` of the signer's stake in `operator`'s pool (its own, for an operator); returns
    /// when the lockup ends (unix time).
    pub async fn request_withdrawal(&self, operator: Address, amount: U256) -> Result<u64, EthError> {
        let receipt = transact(self.staking.requestWithdrawal(operator, amount)).await?;
        receipt
            .decoded_log::<Staking::WithdrawalRequested>()
            .map(|log| log.data.unlockAt.to::<u64>())
            .ok_or(EthError::MissingEvent("WithdrawalRequested"))
    }

    /// Complete the signer's matured withdrawal from `operator`'s pool; returns the AUDIO paid.
    pub async fn withdraw(&self, operator: Address) -> Result<U256, EthError> {
        let receipt = transact(self.staking.withdraw(operator)).await?;
        receipt
            .decoded_log::<Staking::Withdrawn>()
            .map(|log| log.data.assets)
            .ok_or(EthError::MissingEvent("Withdrawn"))
    }

    /// Cancel the signer's pending withdrawal from `operator`'s pool.
    pub async fn cancel_withdrawal(&self, operator: Address) -> Result<TransactionReceipt, EthError> {
        transact(self.staking.cancelWithdrawal(operator)).await
    }

    /// Start the next issuance round (anyone, once the current one has lasted its duration).
    pub async fn start_round(&self) -> Result<TransactionReceipt, EthError> {
        transact(self.issuance.startRound()).await
    }

    /// Claim `operator`'s reward for the finished round (anyone may, for anyone); returns the AUDIO credited.
    pub async fn claim_rewards(&self, operator: Address) -> Result<U256, EthError> {
        let receipt = transact(self.issuance.claimRewards(operator)).await?;
        receipt
            .decoded_log::<Issuance::RewardsClaimed>()
            .map(|log| log.data.amount)
            .ok_or(EthError::MissingEvent("RewardsClaimed"))
    }

    /// An operator's stake, pending withdrawal, bounds, votes, last paid round and tier.
    pub async fn operator_status(&self, operator: Address) -> Result<OperatorStatus, EthError> {
        Ok(OperatorStatus {
            pool: self.staking.poolOf(operator).call().await?,
            own_stake: self.staking.operatorStake(operator).call().await?,
            withdrawal: self.staking.withdrawalOf(operator, operator).call().await?,
            withdrawal_value: self.staking.withdrawalValue(operator, operator).call().await?,
            within_bounds: self.staking.isWithinBounds(operator).call().await?,
            votes: self.staking.getVotes(operator).call().await?,
            last_claimed_round: self.issuance.lastClaimedRound(operator).call().await?,
            tier: self.feature_access.tierOf(operator).call().await?,
        })
    }
}

/// Send a contract call, wait for its receipt and fail on a revert (with the contract's reason) or a failed
/// status.
///
/// The call is simulated first: a revert is reported before anything is signed. Without that, a provider with
/// alloy's default cached nonces would spend a nonce on the refused transaction and leave the next one waiting
/// behind a gap forever.
pub async fn transact<P: Provider, D: CallDecoder>(call: CallBuilder<P, D>) -> Result<TransactionReceipt, EthError> {
    call.call_raw().await?;
    let receipt = call.send().await?.get_receipt().await?;
    if !receipt.status() {
        return Err(EthError::Failed(receipt.transaction_hash));
    }
    Ok(receipt)
}

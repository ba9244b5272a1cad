//! The deployed protocol behind one provider: typed calls for operators, delegators and reward claims, with
//! reverts turned into readable errors.

use alloy::{
    primitives::{Address, FixedBytes, U256},
    providers::Provider,
};

use super::{
    bindings::{AudioToken, AudiusGovernor, FeatureAccess, IStakingEvents, Issuance, ServiceRegistry, Staking},
    deployment::Deployment,
    send::{transact, Sent, SentTx},
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

impl ServiceType {
    /// The type of a registry id, if it is one this SDK knows.
    pub fn from_id(id: FixedBytes<32>) -> Option<Self> {
        [ServiceType::ContentNode, ServiceType::DiscoveryNode].into_iter().find(|t| t.id() == id)
    }
}

impl std::fmt::Display for ServiceType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
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

/// A registered node.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Service {
    /// The registry's id.
    pub id: u64,
    /// Its type's name (`content-node`, `discovery-node`, or whatever governance added).
    pub service_type: String,
    /// Where it answers.
    pub endpoint: String,
    /// The operator whose stake backs it.
    pub owner: Address,
    /// The key the node itself signs with.
    pub delegate_wallet: Address,
}

/// An operator's pool as a delegator sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PoolSummary {
    /// The operator.
    pub operator: Address,
    /// Its nodes.
    pub services: Vec<Service>,
    /// Active stake in the pool (operator's and delegators'), wei.
    #[serde(with = "crate::decimal")]
    pub active_stake: U256,
    /// The operator's own stake (active and pending withdrawal), wei.
    #[serde(with = "crate::decimal")]
    pub operator_stake: U256,
    /// Stake waiting to be withdrawn, wei.
    #[serde(with = "crate::decimal")]
    pub pending_withdrawals: U256,
    /// The operator's cut of delegators' rewards, basis points.
    pub cut_bps: u16,
    /// Smallest delegation the pool takes, wei.
    #[serde(with = "crate::decimal")]
    pub min_delegation: U256,
    /// Whether the operator's stake is within its services' bounds (rewards need it).
    pub within_bounds: bool,
}

/// A withdrawal request as mined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WithdrawalRequest {
    /// The stake that moved to pending (wei): what was asked, rounded to whole pool shares.
    pub amount: U256,
    /// When the lockup ends (unix seconds).
    pub unlock_at: u64,
}

/// An operator's position in the protocol, read in one go.
#[derive(Debug, Clone)]
pub struct OperatorStatus {
    /// The operator's pool (active and pending stake, bounds, cut).
    pub pool: IStakingEvents::Pool,
    /// The operator's own stake, active plus pending withdrawal.
    pub own_stake: U256,
    /// The operator's pending withdrawal from its own pool, and its current value.
    pub withdrawal: IStakingEvents::Withdrawal,
    /// Value of that withdrawal now.
    pub withdrawal_value: U256,
    /// Whether the operator is within its services' bounds.
    pub within_bounds: bool,
    /// Current voting power (the whole active pool).
    pub votes: U256,
    /// The last round the operator was paid for (or settled with nothing due).
    pub last_claimed_round: u64,
    /// Feature-access tier (0 none, 1 bronze … 4 platinum).
    pub tier: u8,
    /// The current issuance round.
    pub current_round: u32,
    /// The operator's nodes.
    pub services: Vec<Service>,
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

    /// Whether `holder` holds at least `amount` AUDIO to use for `purpose` ([`EthError::InsufficientBalance`] if
    /// not).
    pub async fn check_balance(&self, holder: Address, amount: U256, purpose: &'static str) -> Result<(), EthError> {
        let balance = self.token.balanceOf(holder).call().await?;
        if balance < amount {
            return Err(EthError::InsufficientBalance { holder, balance, needed: amount, purpose });
        }
        Ok(())
    }

    /// Send `amount` AUDIO from the signer `from` to `to`, after checking it holds that much.
    pub async fn transfer_audio(&self, from: Address, to: Address, amount: U256) -> Result<Sent<()>, EthError> {
        self.check_balance(from, amount, "to send").await?;
        Ok(Sent::one((), &transact(self.token.transfer(to, amount)).await?))
    }

    /// Whether staking `amount` from `owner` takes an approval first (the staking contract's allowance is short):
    /// a write that stakes then sends two transactions, which a prompt should say.
    pub async fn needs_staking_approval(&self, owner: Address, amount: U256) -> Result<bool, EthError> {
        Ok(self.token.allowance(owner, self.deployment.staking).call().await? < amount)
    }

    /// Let the staking contract pull `amount` AUDIO from the signer, if its allowance is short — after checking
    /// the signer holds it, so an amount it cannot stake leaves no approval behind. Returns the approval sent.
    pub async fn ensure_staking_allowance(&self, owner: Address, amount: U256) -> Result<Option<SentTx>, EthError> {
        self.check_balance(owner, amount, "to stake").await?;
        if !self.needs_staking_approval(owner, amount).await? {
            return Ok(None);
        }
        let receipt = transact(self.token.approve(self.deployment.staking, amount)).await?;
        Ok(Some((&receipt).into()))
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
    ) -> Result<Sent<U256>, EthError> {
        let approval = self.ensure_staking_allowance(operator, stake).await?;
        let receipt =
            transact(self.registry.register(service_type.id(), endpoint.to_owned(), stake, delegate_wallet)).await?;
        let id = receipt
            .decoded_log::<ServiceRegistry::ServiceRegistered>()
            .map(|log| log.data.serviceId)
            .ok_or(EthError::MissingEvent("ServiceRegistered"))?;
        Ok(Sent::after(approval, id, &receipt))
    }

    /// Add `amount` to the signer's own stake.
    pub async fn increase_stake(&self, operator: Address, amount: U256) -> Result<Sent<()>, EthError> {
        let approval = self.ensure_staking_allowance(operator, amount).await?;
        let receipt = transact(self.staking.increaseStake(amount)).await?;
        Ok(Sent::after(approval, (), &receipt))
    }

    /// Delegate `amount` from the signer to `operator`'s pool.
    pub async fn delegate(&self, delegator: Address, operator: Address, amount: U256) -> Result<Sent<()>, EthError> {
        let approval = self.ensure_staking_allowance(delegator, amount).await?;
        let receipt = transact(self.staking.delegateStake(operator, amount)).await?;
        Ok(Sent::after(approval, (), &receipt))
    }

    /// Ask to withdraw `amount` of the signer's stake in `operator`'s pool (its own, for an operator; `U256::MAX`
    /// asks for the whole position, whatever it is worth when mined); returns what moved to pending and when the
    /// lockup ends.
    pub async fn request_withdrawal(
        &self,
        operator: Address,
        amount: U256,
    ) -> Result<Sent<WithdrawalRequest>, EthError> {
        let receipt = transact(self.staking.requestWithdrawal(operator, amount)).await?;
        let request = receipt
            .decoded_log::<Staking::WithdrawalRequested>()
            .map(|log| WithdrawalRequest { amount: log.data.assets, unlock_at: log.data.unlockAt.to::<u64>() })
            .ok_or(EthError::MissingEvent("WithdrawalRequested"))?;
        Ok(Sent::one(request, &receipt))
    }

    /// Complete the signer's matured withdrawal from `operator`'s pool; returns the AUDIO paid.
    pub async fn withdraw(&self, operator: Address) -> Result<Sent<U256>, EthError> {
        let receipt = transact(self.staking.withdraw(operator)).await?;
        let paid = receipt
            .decoded_log::<Staking::Withdrawn>()
            .map(|log| log.data.assets)
            .ok_or(EthError::MissingEvent("Withdrawn"))?;
        Ok(Sent::one(paid, &receipt))
    }

    /// Cancel the signer's pending withdrawal from `operator`'s pool.
    pub async fn cancel_withdrawal(&self, operator: Address) -> Result<Sent<()>, EthError> {
        Ok(Sent::one((), &transact(self.staking.cancelWithdrawal(operator)).await?))
    }

    /// Take the current issuance round's stake snapshot if nobody has yet (anyone may; rounds follow the clock,
    /// and the first claim or deposit of a round takes it anyway).
    pub async fn checkpoint_round(&self) -> Result<Sent<()>, EthError> {
        Ok(Sent::one((), &transact(self.issuance.checkpoint()).await?))
    }

    /// Claim `operator`'s reward for the finished round (anyone may, for anyone); returns the AUDIO credited.
    pub async fn claim_rewards(&self, operator: Address) -> Result<Sent<U256>, EthError> {
        let receipt = transact(self.issuance.claimRewards(operator)).await?;
        let amount = receipt
            .decoded_log::<Issuance::RewardsClaimed>()
            .map(|log| log.data.amount)
            .ok_or(EthError::MissingEvent("RewardsClaimed"))?;
        Ok(Sent::one(amount, &receipt))
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
            last_claimed_round: self.issuance.lastClaimedRound(operator).call().await?.to::<u64>(),
            tier: self.feature_access.tierOf(operator).call().await?,
            current_round: self.issuance.currentRound().call().await?.round,
            services: self.services_of(operator).await?,
        })
    }

    /// The contracts' clock: the latest block's timestamp, which deadlines and rounds are checked against.
    pub async fn chain_now(&self) -> Result<u64, EthError> {
        Ok(self.staking.clock().call().await?.to::<u64>())
    }

    /// Every registered node, in registration order.
    pub async fn services(&self) -> Result<Vec<Service>, EthError> {
        let count = self.registry.serviceCount().call().await?.to::<u64>();
        let mut services = Vec::new();
        for id in 1..=count {
            let service = self.registry.getService(U256::from(id)).call().await?;
            if service.owner == Address::ZERO {
                continue; // deregistered
            }
            services.push(Service {
                id,
                service_type: ServiceType::from_id(service.serviceType)
                    .map(|t| t.name().to_owned())
                    .unwrap_or_else(|| super::revert::bytes32_text(&service.serviceType.0)),
                endpoint: service.endpoint,
                owner: service.owner,
                delegate_wallet: service.delegateWallet,
            });
        }
        Ok(services)
    }

    /// `operator`'s registered nodes.
    pub async fn services_of(&self, operator: Address) -> Result<Vec<Service>, EthError> {
        Ok(self.services().await?.into_iter().filter(|s| s.owner == operator).collect())
    }

    /// Every operator with a registered node, with its pool.
    pub async fn pools(&self) -> Result<Vec<PoolSummary>, EthError> {
        let services = self.services().await?;
        let mut operators: Vec<Address> = services.iter().map(|s| s.owner).collect();
        operators.dedup();
        operators.sort();
        operators.dedup();
        let mut pools = Vec::with_capacity(operators.len());
        for operator in operators {
            let pool = self.staking.poolOf(operator).call().await?;
            let global_min = self.staking.globalMinDelegation().call().await?;
            pools.push(PoolSummary {
                operator,
                services: services.iter().filter(|s| s.owner == operator).cloned().collect(),
                active_stake: pool.assets,
                operator_stake: self.staking.operatorStake(operator).call().await?,
                pending_withdrawals: pool.pendingAssets,
                cut_bps: pool.cutBps,
                min_delegation: global_min.max(pool.minDelegation),
                within_bounds: self.staking.isWithinBounds(operator).call().await?,
            });
        }
        Ok(pools)
    }

    /// `account`'s active stake in `operator`'s pool (wei).
    pub async fn stake_in(&self, operator: Address, account: Address) -> Result<U256, EthError> {
        Ok(self.staking.positionOf(operator, account).call().await?.assets)
    }

    /// Move a node to a new endpoint (its operator signs).
    pub async fn update_endpoint(&self, service_id: u64, endpoint: &str) -> Result<Sent<()>, EthError> {
        Ok(Sent::one((), &transact(self.registry.updateEndpoint(U256::from(service_id), endpoint.to_owned())).await?))
    }

    /// Change the key a node signs with (its operator signs).
    pub async fn update_delegate_wallet(&self, service_id: u64, wallet: Address) -> Result<Sent<()>, EthError> {
        Ok(Sent::one((), &transact(self.registry.updateDelegateWallet(U256::from(service_id), wallet)).await?))
    }

    /// Remove a node; the operator's stake bounds drop with it (its operator signs).
    pub async fn deregister(&self, service_id: u64) -> Result<Sent<()>, EthError> {
        Ok(Sent::one((), &transact(self.registry.deregister(U256::from(service_id))).await?))
    }

    /// Ask to change the operator's cut of delegators' rewards; returns when it may be applied (unix seconds).
    pub async fn request_cut_change(&self, cut_bps: u16) -> Result<Sent<u64>, EthError> {
        let receipt = transact(self.staking.requestCutChange(cut_bps)).await?;
        let effective_at = receipt
            .decoded_log::<Staking::CutChangeRequested>()
            .map(|log| log.data.effectiveAt.to::<u64>())
            .ok_or(EthError::MissingEvent("CutChangeRequested"))?;
        Ok(Sent::one(effective_at, &receipt))
    }

    /// Apply `operator`'s requested cut change once its cooldown has passed (anyone may).
    pub async fn apply_cut_change(&self, operator: Address) -> Result<Sent<()>, EthError> {
        Ok(Sent::one((), &transact(self.staking.applyCutChange(operator)).await?))
    }
}

//! Turning a contract revert into a sentence: what went wrong and, where it helps, what to do.

use alloy::primitives::{utils::format_units, U256};

use super::governance::ProposalState;
use crate::time::utc;

use super::bindings::{
    AudioToken::AudioTokenErrors, AudiusGovernor::AudiusGovernorErrors, ContractError, Issuance::IssuanceErrors,
    ServiceRegistry::ServiceRegistryErrors, Staking::StakingErrors,
};

/// `amount` wei of AUDIO as "1,234.5 AUDIO".
pub fn format_audio(amount: U256) -> String {
    let text = format_units(amount, 18).unwrap_or_else(|_| amount.to_string());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let fraction = fraction.trim_end_matches('0');
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if fraction.is_empty() {
        format!("{grouped} AUDIO")
    } else {
        format!("{grouped}.{fraction} AUDIO")
    }
}

/// A readable explanation of revert data from one of the protocol's contracts; `None` when it is none of theirs.
pub fn describe_revert(data: &[u8]) -> Option<String> {
    Some(match ContractError::decode(data)? {
        ContractError::Staking(error) => describe_staking(error),
        ContractError::ServiceRegistry(error) => describe_registry(error),
        ContractError::Issuance(error) => describe_issuance(error),
        ContractError::AudiusGovernor(error) => describe_governor(error),
        ContractError::AudioToken(error) => describe_token(error),
        ContractError::FeatureAccess(error) => format!("feature access: {}", variant(&error)),
    })
}

fn describe_staking(error: StakingErrors) -> String {
    use StakingErrors as E;
    match error {
        E::BelowMinStake(e) => format!(
            "operator stake {} is below the {} its services require",
            format_audio(e.directStake),
            format_audio(e.minStake)
        ),
        E::AboveMaxStake(e) => format!(
            "the pool would hold {}, above the {} its services allow",
            format_audio(e.total),
            format_audio(e.maxStake)
        ),
        E::BelowMinDelegation(e) => format!(
            "a delegation of {} is below this pool's minimum of {}",
            format_audio(e.remaining),
            format_audio(e.minDelegation)
        ),
        E::InsufficientStake(e) => {
            format!("asked for {} but the position holds {}", format_audio(e.requested), format_audio(e.available))
        }
        E::NoServices(e) => format!("{} has no registered service: register a node first", e.operator),
        E::StillLocked(e) => format!("still locked until {}", utc(e.unlockAt.saturating_to())),
        E::Expired(e) => {
            format!("the request expired at {}: cancel it and request again", utc(e.expiredAt.saturating_to()))
        }
        E::WithdrawalPending(_) => "a withdrawal from this pool is already pending: withdraw or cancel it".into(),
        E::NoWithdrawal(_) => "there is no pending withdrawal from this pool".into(),
        E::VoidedBySlash(_) => {
            "the pool was slashed after this request, which voids it: cancel it and request again".into()
        }
        E::PoolWipedOut(e) => format!("the pool of {} was slashed to nothing and takes no stake", e.operator),
        E::StakedElsewhere(e) => format!(
            "this account is staked with {}: an account stakes in one pool at a time (withdraw from it first)",
            e.operator
        ),
        E::RemovalPending(e) => {
            format!("{} is removing this account from its pool: its stake is pending until it is paid out", e.operator)
        }
        E::NotWholeAudio(e) => format!("{} must be a whole number of AUDIO", format_audio(e.amount)),
        other => format!("staking: {}", variant(&other)),
    }
}

fn describe_registry(error: ServiceRegistryErrors) -> String {
    use ServiceRegistryErrors as E;
    match error {
        E::UnknownServiceType(e) => format!("unknown service type {}", bytes32_text(&e.serviceType.0)),
        E::EndpointTaken(e) => format!("that endpoint is already registered by service {}", e.serviceId),
        E::WalletTaken(e) => format!("that delegate wallet is already used by service {}", e.serviceId),
        E::NotServiceOwner(e) => format!("{} does not own service {}", e.caller, e.serviceId),
        E::UnknownService(e) => format!("there is no service {}", e.serviceId),
        E::InvalidEndpoint(_) => "the endpoint must be a non-empty URL".into(),
        other => format!("service registry: {}", variant(&other)),
    }
}

fn describe_issuance(error: IssuanceErrors) -> String {
    use IssuanceErrors as E;
    match error {
        E::NoFinishedRound(_) => "no round has finished yet".into(),
        E::AttestationWindowOpen(e) => format!(
            "the finished round's rewards are fixed at {}, when its attestation window closes; try again then",
            utc(e.closesAt.saturating_to())
        ),
        E::AlreadyClaimed(e) => format!("{} was already paid for round {}", e.operator, e.round),
        E::NotEligible(e) => format!("{} earned nothing in the finished round", e.operator),
        E::BelowQuorum(e) => format!(
            "the attesters held {} of stake, below the quorum of {}",
            format_audio(e.attestedStake),
            format_audio(e.requiredStake)
        ),
        other => format!("issuance: {}", variant(&other)),
    }
}

fn describe_governor(error: AudiusGovernorErrors) -> String {
    use AudiusGovernorErrors as E;
    match error {
        E::GovernorUnexpectedProposalState(e) => {
            let expected: Vec<String> = (0u8..8)
                .filter(|bit| e.expectedStates.0[31 - usize::from(bit / 8)] & (1 << (bit % 8)) != 0)
                .map(|code| ProposalState::from_code(code).to_string())
                .collect();
            format!(
                "proposal {} is {}; this needs it {}",
                e.proposalId,
                ProposalState::from_code(e.current),
                expected.join(" or ")
            )
        }
        E::GovernorAlreadyCastVote(e) => format!("{} has already voted on this proposal", e.voter),
        E::GovernorInsufficientProposerVotes(e) => format!(
            "{} has {} of votes; proposing needs {} (stake more or ask an operator to propose)",
            e.proposer,
            format_audio(e.votes),
            format_audio(e.threshold)
        ),
        E::GovernorInvalidSignature(e) => format!("the vote signature is not {}'s (or was already used)", e.voter),
        E::GovernorNonexistentProposal(e) => format!("there is no proposal {}", e.proposalId),
        E::GovernorUnableToCancel(e) => format!(
            "{} may not cancel proposal {}: only the guardian may (not a proposal that only replaces or renews the \
             guardian), or its proposer in the second it was created",
            e.account, e.proposalId
        ),
        E::GovernorAlreadyOverriddenVote(e) => {
            format!("{} has already overridden its operator on this proposal", e.account)
        }
        E::WindowTooLong(e) => format!(
            "voting period + execution delay ({} s) must stay below the staking withdrawal lockup ({} s)",
            e.window, e.lockup
        ),
        other => format!("governor: {}", variant(&other)),
    }
}

fn describe_token(error: AudioTokenErrors) -> String {
    use AudioTokenErrors as E;
    match error {
        E::ERC20InsufficientBalance(e) => {
            format!("balance {} is less than the {} needed", format_audio(e.balance), format_audio(e.needed))
        }
        E::ERC20InsufficientAllowance(e) => {
            format!("allowance {} is less than the {} needed", format_audio(e.allowance), format_audio(e.needed))
        }
        other => format!("AUDIO: {}", variant(&other)),
    }
}

/// The error's name and fields as Rust prints them, without the enum wrapper: `StillLocked { unlockAt: 5 }`.
fn variant(error: &impl std::fmt::Debug) -> String {
    let text = format!("{error:?}");
    match text.split_once('(') {
        Some((_, inner)) => inner.strip_suffix(')').unwrap_or(inner).to_string(),
        None => text,
    }
}

/// A `bytes32` holding a short string (service types) as that string.
pub fn bytes32_text(bytes: &[u8; 32]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(32);
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use alloy::{primitives::Address, sol_types::SolError};

    use super::*;
    use crate::eth::bindings::{Issuance, Staking};

    #[test]
    fn amounts_read_as_audio() {
        assert_eq!(format_audio(U256::from(200_000u64) * U256::from(10u64).pow(U256::from(18))), "200,000 AUDIO");
        assert_eq!(format_audio(U256::from(15u64) * U256::from(10u64).pow(U256::from(17))), "1.5 AUDIO");
        assert_eq!(format_audio(U256::ZERO), "0 AUDIO");
    }

    #[test]
    fn staking_errors_become_sentences() {
        let ether = U256::from(10u64).pow(U256::from(18));
        let data = Staking::BelowMinStake {
            directStake: U256::from(100_000u64) * ether,
            minStake: U256::from(200_000u64) * ether,
        }
        .abi_encode();
        assert_eq!(
            describe_revert(&data).unwrap(),
            "operator stake 100,000 AUDIO is below the 200,000 AUDIO its services require"
        );
        let data = Staking::NoServices { operator: Address::ZERO }.abi_encode();
        assert!(describe_revert(&data).unwrap().contains("register a node first"));
    }

    #[test]
    fn unlisted_errors_keep_their_name_and_fields() {
        let data = Issuance::InvalidScore { score: 10_001 }.abi_encode();
        assert_eq!(describe_revert(&data).unwrap(), "issuance: InvalidScore { score: 10001 }");
    }

    #[test]
    fn governor_states_read_as_words() {
        let data = crate::eth::AudiusGovernor::GovernorUnexpectedProposalState {
            proposalId: U256::from(7),
            current: 0,
            expectedStates: U256::from(0b10u64 | 0b10000u64).into(),
        }
        .abi_encode();
        assert_eq!(describe_revert(&data).unwrap(), "proposal 7 is pending; this needs it active or succeeded");
    }

    #[test]
    fn foreign_data_is_not_described() {
        assert_eq!(describe_revert(&[0xde, 0xad, 0xbe, 0xef]), None);
        assert_eq!(describe_revert(&[]), None);
    }
}

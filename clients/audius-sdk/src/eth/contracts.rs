//! The protocol's contracts, listed once. The bindings, the names a governance action may target with their ABIs,
//! revert decoding and the deployment file are all generated from this table, so adding a contract is one row
//! (and its ABI under `abi/`, which a test checks).

/// Calls `$callback!` with one row per contract: the name the deployment file and governance actions use, the
/// binding generated from its ABI, that binding's error enum, the [`Deployment`](super::Deployment) field, the ABI
/// (relative to this crate) and what the contract is. The order is the order reverts are decoded in.
macro_rules! for_each_contract {
    ($callback:ident) => {
        $callback! {
            "Staking" Staking StakingErrors staking "../../abi/Staking.json"
                "Stake custody, delegation, votes (proxy).";
            "ServiceRegistry" ServiceRegistry ServiceRegistryErrors service_registry "../../abi/ServiceRegistry.json"
                "Service types and registered nodes (proxy).";
            "Issuance" Issuance IssuanceErrors issuance "../../abi/Issuance.json"
                "Rounds, attestations and reward claims (proxy).";
            "AudiusGovernor" AudiusGovernor AudiusGovernorErrors governor "../../abi/AudiusGovernor.json"
                "Proposals and votes; holder of every admin right, it executes passed proposals itself (proxy).";
            "AudioToken" AudioToken AudioTokenErrors audio_token "../../abi/AudioToken.json"
                "AUDIO.";
            "FeatureAccess" FeatureAccess FeatureAccessErrors feature_access "../../abi/FeatureAccess.json"
                "Stake tiers (proxy).";
        }
    };
}
pub(crate) use for_each_contract;

//! Contract bindings generated at compile time from the forge artifacts committed under `abi/`
//! (`scripts/gen-artifacts.sh` writes them; the test command fails if they are stale).
#![allow(missing_docs, clippy::too_many_arguments)]

alloy::sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    AudioToken,
    "../../abi/AudioToken.json"
);

alloy::sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    Staking,
    "../../abi/Staking.json"
);

alloy::sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    ServiceRegistry,
    "../../abi/ServiceRegistry.json"
);

alloy::sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    Issuance,
    "../../abi/Issuance.json"
);

alloy::sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    AudiusGovernor,
    "../../abi/AudiusGovernor.json"
);

alloy::sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    FeatureAccess,
    "../../abi/FeatureAccess.json"
);

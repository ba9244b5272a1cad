// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title The protocol's launch parameters
/// @notice The one definition of every default: the deployment script, the tests and the docs read them from here.
/// All of them are governable after launch. Durations are seconds.
library ProtocolDefaults {
    // ---- service types ----
    bytes32 internal constant CONTENT_NODE = "content-node";
    bytes32 internal constant DISCOVERY_NODE = "discovery-node";
    uint96 internal constant CONTENT_NODE_MIN_STAKE = 200_000 ether;
    uint96 internal constant CONTENT_NODE_MAX_STAKE = 10_000_000 ether;
    uint96 internal constant DISCOVERY_NODE_MIN_STAKE = 200_000 ether;
    uint96 internal constant DISCOVERY_NODE_MAX_STAKE = 7_000_000 ether;

    // ---- governance ----
    // The snapshot is the proposal's creation, so voting starts at once (there is no voting delay).
    uint32 internal constant VOTING_PERIOD = 72 hours;
    // A passed proposal waits this long before it can be executed; the guardian may veto it meanwhile.
    uint32 internal constant EXECUTION_DELAY = 24 hours;
    // ...and can be executed for this long afterwards, then it expires.
    uint32 internal constant GRACE_PERIOD = 14 days;
    // The guardian's role lapses after this long unless a vote renews it.
    uint32 internal constant GUARDIAN_TERM = 365 days;
    uint256 internal constant QUORUM_PERCENT = 5;
    uint256 internal constant PROPOSAL_THRESHOLD = 200_000 ether;

    // ---- staking ----
    // Longer than VOTING_PERIOD + EXECUTION_DELAY (4 days): stake cannot leave during a slash vote.
    uint40 internal constant UNSTAKE_LOCKUP = 7 days;
    uint40 internal constant REMOVE_DELEGATOR_LOCKUP = 7 days;
    // Longer than UNSTAKE_LOCKUP: delegators who object to a new cut can leave before it applies.
    uint40 internal constant CUT_COOLDOWN = 8 days;
    // How long a matured withdrawal, delegator removal or cut change stays executable: a request is not an option
    // to be held until a slash is proposed.
    uint40 internal constant EXECUTION_WINDOW = 2 days;
    uint96 internal constant MIN_DELEGATION = 100 ether;

    // ---- issuance ----
    uint40 internal constant ROUND_DURATION = 7 days;
    uint16 internal constant INFLATION_BPS_PER_YEAR = 700;
    // Deposits into a pool wait for its finished round to be settled, so the window is kept short.
    uint40 internal constant ATTESTATION_WINDOW = 6 hours;
    // Attesters' operators must together hold this share of all stake at the round's start.
    uint16 internal constant ATTESTATION_QUORUM_BPS = 5_000;

    // ---- feature access tiers (bronze, silver, gold, platinum) ----
    uint256 internal constant TIER_BRONZE = 10 ether;
    uint256 internal constant TIER_SILVER = 100 ether;
    uint256 internal constant TIER_GOLD = 1_000 ether;
    uint256 internal constant TIER_PLATINUM = 10_000 ether;
}

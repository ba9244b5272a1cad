// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice The issuance round schedule as the staking contract mirrors it: rounds of `duration` seconds from
/// `anchorTime`, then of `nextDuration` from `nextAnchorTime` (0: no change waiting).
struct RoundClock {
    uint40 anchorTime;
    uint40 duration;
    uint40 nextAnchorTime;
    uint40 nextDuration;
}

/// @notice What the staking contract needs of the issuance contract: settlement of a pool's finished round before
/// new stake can share it, and the round schedule.
interface IRewardSettlement {
    /// @notice Credit `operator`'s pool with the reward of the round that just finished, if it is due and unpaid;
    /// nothing when there is none. Reverts while the reward cannot be fixed yet (attestation window open).
    /// @return settledUntil When the current round ends: until then the pool has nothing more to settle.
    function settleRewards(address operator) external returns (uint40 settledUntil);

    /// @notice The schedule's segment holding the current round, and the change waiting for the next round.
    function roundClock() external view returns (RoundClock memory);
}

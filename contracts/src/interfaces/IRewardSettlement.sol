// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice What the staking contract needs of the issuance contract: settlement of a pool's finished round before
/// new stake can share it.
interface IRewardSettlement {
    /// @notice Credit `operator`'s pool with the reward of the round that just finished, if it is due and unpaid;
    /// nothing when there is none. Takes the current round's stake snapshot if nobody has. Reverts while the reward
    /// cannot be fixed yet (attestation window open) and the pool had stake in the round.
    /// @return settledUntil When the current round ends: until then the pool has nothing more to settle.
    function settleRewards(address operator) external returns (uint40 settledUntil);
}

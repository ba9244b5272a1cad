// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Pays a pool its finished round's reward before new stake can share it.
interface IRewardSettlement {
    /// @notice Credit `operator`'s pool with the reward of the round that just finished, if it is due and unpaid;
    /// nothing when there is none. Reverts while the reward cannot be fixed yet (attestation window open).
    function settleRewards(address operator) external;
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice The time from a proposal's creation to its earliest execution. Withdrawal lockups must exceed it so that
/// stake cannot leave while a proposal to slash it runs.
interface IGovernanceWindow {
    /// @notice Voting delay + voting period + timelock delay, in seconds.
    function governanceWindow() external view returns (uint256);
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice What the governor needs of the staking contract beyond votes: the lockup its window must stay under.
interface IWithdrawalLockup {
    /// @notice The shorter of the withdrawal lockups, in seconds.
    function minWithdrawalLockup() external view returns (uint256);
}

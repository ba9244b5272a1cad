// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice What the governor and the issuance contract read of the staking contract besides ERC-5805 votes.
interface IStakeSnapshots {
    /// @notice Record that a proposal snapshot was taken now (governor only), so that accounts changing their
    /// stake afterwards keep their value at the snapshot for override votes.
    /// @return totalBefore Total active stake at the end of the previous second (the quorum's base).
    function registerSnapshot() external returns (uint256 totalBefore);

    /// @notice Total active stake at the end of the previous second: a value no transaction can change any more.
    function totalStakeBefore() external view returns (uint256);

    /// @notice An account's active stake (AUDIO) at the end of second `timepoint`, valued at its pool's share price
    /// then: what it votes with when it overrides its operator.
    function getPastBalanceOf(address account, uint256 timepoint) external view returns (uint256);

    /// @notice The operator whose pool held `account`'s stake at `timepoint` (itself for an operator).
    function getPastDelegate(address account, uint256 timepoint) external view returns (address);

    /// @notice How `account` votes on a proposal whose snapshot is `timepoint`: an operator (`isOperator`) with
    /// its whole pool then, a delegator with its own stake then (which leaves `operator`'s tally); `poolId` is the
    /// pool in both cases (0 and weight 0 with nothing staked).
    function voterAt(address account, uint256 timepoint)
        external
        view
        returns (uint256 weight, uint256 poolId, address operator, bool isOperator);
}

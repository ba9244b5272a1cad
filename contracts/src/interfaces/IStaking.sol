// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice What the other protocol contracts call on the staking contract.
interface IStaking {
    // ---- the service registry ----

    /// @notice Add a service's bounds to its operator and stake `amount` from `payer` as the operator's own stake.
    function addService(address operator, address payer, uint256 amount, uint96 minStake, uint96 maxStake) external;

    /// @notice Remove a deregistered service's bounds from its operator.
    function removeService(address operator, uint96 minStake, uint96 maxStake) external;

    /// @notice Change an operator's bounds after its service's type bounds changed.
    function changeBounds(address operator, uint96 oldMin, uint96 oldMax, uint96 newMin, uint96 newMax) external;

    /// @notice Whether an operator has services, its own stake covers their minimums and its pool is within their
    /// maximums.
    function isWithinBounds(address operator) external view returns (bool);

    // ---- the issuance contract ----

    /// @notice Credit `amount` (already minted to the staking contract) to an operator's pool and record it settled
    /// until `settledUntil`; `amount` 0 only records the settlement.
    function addRewards(address operator, uint256 amount, uint40 settledUntil) external;

    /// @notice The lowest of an operator's stake at the end of seconds `t1` and `t2` (both past) and now, at most
    /// its services' maximum, zero when its own stake is below their minimum or it has no services; and until when
    /// its pool is settled.
    function rewardBasis(address operator, uint256 t1, uint256 t2) external view returns (uint256 stake, uint40 until);

    /// @notice The lower of an operator's stake at the end of seconds `t1` and `t2` (both past).
    function minStakeAt(address operator, uint256 t1, uint256 t2) external view returns (uint256);

    /// @notice Until when an operator's pool is known settled with the issuance contract.
    function settledUntil(address operator) external view returns (uint40);

    /// @notice Total active stake at the end of the previous second.
    function totalStakeBefore() external view returns (uint256);

    // ---- everyone ----

    /// @notice AUDIO.
    function token() external view returns (IERC20);

    /// @notice What an account has staked now, active and pending, at current value.
    function stakedValueOf(address account) external view returns (uint256);

    /// @notice The shorter of the two withdrawal lockups.
    function minWithdrawalLockup() external view returns (uint256);
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {GovernedUUPS} from "../utils/GovernedUUPS.sol";
import {IStaking} from "../interfaces/IStaking.sol";

/// @title FeatureAccess: stake tiers that unlock artist tooling
/// @notice An account's tier is set by the current value of what it has staked (`Staking.stakedValueOf`: active and
/// pending, rewards and slashes included), so a slash or an exit lowers it at once. At or above each governable
/// threshold it reaches bronze (1),
/// silver (2), gold (3), platinum (4). The bridge attests tiers onto Solana profiles so apps unlock features
/// without an Ethereum call.
contract FeatureAccess is GovernedUUPS {
    /// @custom:storage-location erc7201:audius.storage.FeatureAccess
    struct FeatureAccessStorage {
        IStaking staking;
        uint256[4] thresholds;
    }

    // keccak256(abi.encode(uint256(keccak256("audius.storage.FeatureAccess")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant FEATURE_ACCESS_STORAGE =
        0x18537b0eda599e70f2e1a64dff54ab4eb1976a80f9f1ee76c5b5cc74a7bc5300;

    event ThresholdsSet(uint256[4] thresholds);

    /// @notice Thresholds must be non-zero and strictly ascending.
    error InvalidThresholds();

    /// @notice Initialize the proxy. Callable once; the implementation itself can never be initialized.
    /// @param thresholds_ Stake in wei for bronze, silver, gold, platinum.
    function initialize(address governance_, IStaking staking_, uint256[4] calldata thresholds_) external initializer {
        if (address(staking_) == address(0)) revert ZeroAddress();
        __Governed_init(governance_);
        _f().staking = staking_;
        _setThresholds(thresholds_);
    }

    /// @notice Replace the tier thresholds. Governance only.
    function setThresholds(uint256[4] calldata thresholds_) external onlyGovernance {
        _setThresholds(thresholds_);
    }

    /// @notice The tier thresholds in wei: bronze, silver, gold, platinum.
    function thresholds() external view returns (uint256[4] memory) {
        return _f().thresholds;
    }

    /// @notice An account's tier: 0 none, 1 bronze, 2 silver, 3 gold, 4 platinum.
    function tierOf(address account) external view returns (uint8 tier) {
        FeatureAccessStorage storage $ = _f();
        uint256 stake = $.staking.stakedValueOf(account);
        while (tier < 4 && stake >= $.thresholds[tier]) {
            ++tier;
        }
    }

    function _setThresholds(uint256[4] calldata thresholds_) private {
        if (thresholds_[0] == 0) revert InvalidThresholds();
        for (uint256 i = 1; i < 4; ++i) {
            if (thresholds_[i] <= thresholds_[i - 1]) revert InvalidThresholds();
        }
        _f().thresholds = thresholds_;
        emit ThresholdsSet(thresholds_);
    }

    function _f() private pure returns (FeatureAccessStorage storage $) {
        assembly {
            $.slot := FEATURE_ACCESS_STORAGE
        }
    }
}

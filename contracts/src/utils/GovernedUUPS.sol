// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

/// @title Base of every upgradeable protocol contract
/// @notice One governance address (the timelock) holds every admin right, including upgrades.
/// @dev ERC-7201 namespaced storage; the implementation constructor disables initializers so the logic contract
/// itself can never be initialized (the July 2022 Audius takeover re-initialized proxied contracts).
abstract contract GovernedUUPS is Initializable, UUPSUpgradeable {
    /// @custom:storage-location erc7201:audius.storage.Governed
    struct GovernedStorage {
        address governance;
    }

    // keccak256(abi.encode(uint256(keccak256("audius.storage.Governed")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant GOVERNED_STORAGE = 0x8ef13d0b492baa415bcbff05451cb24240a93205bc6b968a1b273e4e42d52c00;

    /// @notice Emitted when the governance address changes.
    event GovernanceChanged(address indexed previousGovernance, address indexed newGovernance);

    /// @notice The caller is not governance.
    error NotGovernance(address caller);
    /// @notice A zero address was given where an account or contract is required.
    error ZeroAddress();

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    modifier onlyGovernance() {
        if (msg.sender != _governedStorage().governance) revert NotGovernance(msg.sender);
        _;
    }

    // forge-lint: disable-next-line(mixed-case-function)
    function __Governed_init(address governance_) internal onlyInitializing {
        _setGovernance(governance_);
    }

    /// @notice The governance address (the timelock): holder of every admin right, including upgrades.
    function governance() public view returns (address) {
        return _governedStorage().governance;
    }

    /// @notice Hand every admin right to a new governance address. Governance only.
    /// @param newGovernance The new governance address (normally a new timelock).
    function setGovernance(address newGovernance) external onlyGovernance {
        _setGovernance(newGovernance);
    }

    function _setGovernance(address newGovernance) private {
        if (newGovernance == address(0)) revert ZeroAddress();
        GovernedStorage storage $ = _governedStorage();
        emit GovernanceChanged($.governance, newGovernance);
        $.governance = newGovernance;
    }

    function _authorizeUpgrade(address) internal view override onlyGovernance {}

    function _governedStorage() private pure returns (GovernedStorage storage $) {
        assembly {
            $.slot := GOVERNED_STORAGE
        }
    }
}

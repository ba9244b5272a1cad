// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice What the other protocol contracts read of the service registry: which node a wallet is and whether its
/// operator is within its stake bounds (the issuance contract checks attesters with it).
interface IServiceRegistry {
    /// @notice A registered service as the views return it. `owner == address(0)`: no such service.
    struct Service {
        address owner;
        uint96 minStake;
        address delegateWallet;
        uint96 maxStake;
        bytes32 serviceType;
        string endpoint;
    }

    /// @notice A service by id (`owner == address(0)`: none).
    /// @param serviceId The service's id (1 to the number of ids ever assigned).
    /// @return The service: owner, stake bounds as of its registration or last refresh, delegate wallet, type and
    /// endpoint.
    function getService(uint256 serviceId) external view returns (Service memory);

    /// @notice The service whose delegate wallet this is (0: none).
    /// @param delegateWallet A node's hot wallet.
    /// @return The id of the service registered with that wallet, 0 when there is none.
    function serviceIdByWallet(address delegateWallet) external view returns (uint256);

    /// @notice Whether a service's operator is within its bounds: own stake covers the minimums of all its
    /// services and its pool stays within their maximums.
    /// @param serviceId The service's id.
    /// @return False for an unknown service or an operator outside its bounds.
    function isInBounds(uint256 serviceId) external view returns (bool);
}

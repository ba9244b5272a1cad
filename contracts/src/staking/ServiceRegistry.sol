// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {GovernedUUPS} from "../utils/GovernedUUPS.sol";
import {IStaking} from "../interfaces/IStaking.sol";
import {IServiceRegistry} from "../interfaces/IServiceRegistry.sol";

/// @title ServiceRegistry: the node services of the network and the types they are registered under
/// @notice Governance defines service types (content-node, discovery-node, ...) with stake bounds and a required
/// software version. An operator registers a service with an endpoint (unique), a hot delegate wallet (unique: it
/// identifies the node, e.g. as an attester) and stake; the operator's own stake must cover the sum of its
/// services' minimums and its pool (own + delegated) must stay within the sum of their maximums.
/// @dev A service keeps the bounds of its type as they were when it registered; `refreshBounds` applies the
/// type's current bounds to one service (anyone may call it), so a bounds change never loops over services.
contract ServiceRegistry is GovernedUUPS, IServiceRegistry {
    /// @notice A service type. `index` is its compact id, assigned when the name is first added and kept for good.
    struct ServiceType {
        uint96 minStake;
        uint96 maxStake;
        bool active;
        uint8 index;
    }

    /// @dev A service as stored: two slots plus the endpoint (bounds as of registration, type by compact id).
    struct StoredService {
        address owner;
        uint88 minStake;
        uint8 typeIndex;
        address delegateWallet;
        uint88 maxStake;
        string endpoint;
    }

    /// @custom:storage-location erc7201:audius.storage.ServiceRegistry
    struct RegistryStorage {
        IStaking staking;
        uint256 serviceCount;
        mapping(bytes32 serviceType => ServiceType) types;
        mapping(bytes32 serviceType => string) versions;
        mapping(uint256 serviceId => StoredService) services;
        mapping(uint8 index => bytes32) typeNames;
        uint8 typeCount;
        mapping(bytes32 endpointHash => uint256) serviceIdByEndpoint;
        mapping(address delegateWallet => uint256) serviceIdByWallet;
    }

    // keccak256(abi.encode(uint256(keccak256("audius.storage.ServiceRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant REGISTRY_STORAGE = 0x573d3c22e07748c488532e20930f8b9dc0a1e7dbf2062c7ce06b2ab6a0e62000;
    /// @notice Longest accepted endpoint, in bytes.
    uint256 public constant MAX_ENDPOINT_LENGTH = 256;

    event ServiceTypeAdded(bytes32 indexed serviceType, uint96 minStake, uint96 maxStake);
    event ServiceTypeRemoved(bytes32 indexed serviceType);
    event ServiceTypeBoundsChanged(bytes32 indexed serviceType, uint96 minStake, uint96 maxStake);
    event ServiceVersionSet(bytes32 indexed serviceType, string version);
    event ServiceRegistered(
        uint256 indexed serviceId,
        address indexed owner,
        bytes32 indexed serviceType,
        string endpoint,
        address delegateWallet,
        uint256 stake
    );
    event ServiceDeregistered(uint256 indexed serviceId, address indexed owner, bytes32 indexed serviceType);
    event EndpointUpdated(uint256 indexed serviceId, string endpoint);
    event DelegateWalletUpdated(uint256 indexed serviceId, address delegateWallet);
    event ServiceBoundsRefreshed(uint256 indexed serviceId, uint96 minStake, uint96 maxStake);

    error UnknownServiceType(bytes32 serviceType);
    error ServiceTypeExists(bytes32 serviceType);
    error InvalidBounds(uint96 minStake, uint96 maxStake);
    error TooManyServiceTypes();
    error InvalidEndpoint();
    error EndpointTaken(uint256 serviceId);
    error WalletTaken(uint256 serviceId);
    error NotServiceOwner(uint256 serviceId, address caller);
    error UnknownService(uint256 serviceId);

    /// @notice Initialize the proxy. Callable once; the implementation itself can never be initialized.
    /// @param governance_ Holder of every admin right (the timelock; the deployer while wiring).
    /// @param staking_ The staking contract that holds operators' stake.
    function initialize(address governance_, IStaking staking_) external initializer {
        if (address(staking_) == address(0)) revert ZeroAddress();
        __Governed_init(governance_);
        _r().staking = staking_;
    }

    // ---- governance ----

    /// @notice Add a service type. Governance only.
    /// @param serviceType Name, e.g. `bytes32("content-node")`.
    /// @param minStake Minimum operator stake per service of this type, in wei.
    /// @param maxStake Maximum pool stake per service of this type, in wei.
    function addServiceType(bytes32 serviceType, uint96 minStake, uint96 maxStake) external onlyGovernance {
        RegistryStorage storage $ = _r();
        ServiceType storage t = $.types[serviceType];
        if (t.active) revert ServiceTypeExists(serviceType);
        _requireBounds(minStake, maxStake);
        uint8 index = t.index;
        if (index == 0) {
            if ($.typeCount == type(uint8).max) revert TooManyServiceTypes();
            index = ++$.typeCount;
            $.typeNames[index] = serviceType;
        }
        $.types[serviceType] = ServiceType({minStake: minStake, maxStake: maxStake, active: true, index: index});
        emit ServiceTypeAdded(serviceType, minStake, maxStake);
    }

    /// @notice Remove a service type: no new registrations; existing services stay until deregistered.
    /// Governance only.
    function removeServiceType(bytes32 serviceType) external onlyGovernance {
        RegistryStorage storage $ = _r();
        ServiceType storage t = $.types[serviceType];
        if (!t.active) revert UnknownServiceType(serviceType);
        t.active = false;
        emit ServiceTypeRemoved(serviceType);
    }

    /// @notice Change a type's stake bounds for new registrations and refreshes. Governance only.
    function setServiceTypeBounds(bytes32 serviceType, uint96 minStake, uint96 maxStake) external onlyGovernance {
        ServiceType storage t = _r().types[serviceType];
        if (!t.active) revert UnknownServiceType(serviceType);
        _requireBounds(minStake, maxStake);
        t.minStake = minStake;
        t.maxStake = maxStake;
        emit ServiceTypeBoundsChanged(serviceType, minStake, maxStake);
    }

    /// @notice Set the software version nodes of a type must run. Governance only.
    function setServiceVersion(bytes32 serviceType, string calldata version) external onlyGovernance {
        RegistryStorage storage $ = _r();
        if (!$.types[serviceType].active) revert UnknownServiceType(serviceType);
        $.versions[serviceType] = version;
        emit ServiceVersionSet(serviceType, version);
    }

    // ---- operators ----

    /// @notice Register a service and stake for it.
    /// @param serviceType An active service type.
    /// @param endpoint The service's URL, unique across services, at most 256 bytes.
    /// @param stake AUDIO in wei added to the caller's own stake (approve the staking contract first).
    /// @param delegateWallet The node's hot wallet, unique across services.
    /// @return serviceId The new service's id.
    function register(bytes32 serviceType, string calldata endpoint, uint256 stake, address delegateWallet)
        external
        returns (uint256 serviceId)
    {
        RegistryStorage storage $ = _r();
        ServiceType memory t = $.types[serviceType];
        if (!t.active) revert UnknownServiceType(serviceType);
        if (delegateWallet == address(0)) revert ZeroAddress();
        serviceId = ++$.serviceCount;
        _claimEndpoint($, serviceId, endpoint);
        _claimWallet($, serviceId, delegateWallet);
        // Bounds fit 88 bits: `_requireBounds` checked them when the type was set.
        $.services[serviceId] = StoredService({
            owner: msg.sender,
            minStake: uint88(t.minStake),
            typeIndex: t.index,
            delegateWallet: delegateWallet,
            maxStake: uint88(t.maxStake),
            endpoint: endpoint
        });
        emit ServiceRegistered(serviceId, msg.sender, serviceType, endpoint, delegateWallet, stake);
        $.staking.addService(msg.sender, msg.sender, stake, t.minStake, t.maxStake);
    }

    /// @notice Deregister one of your services. Its bounds leave your operator bounds; your stake stays staked
    /// until you withdraw it.
    function deregister(uint256 serviceId) external {
        RegistryStorage storage $ = _r();
        StoredService storage service = _owned($, serviceId);
        bytes32 serviceType = $.typeNames[service.typeIndex];
        uint96 minStake = service.minStake;
        uint96 maxStake = service.maxStake;
        delete $.serviceIdByEndpoint[keccak256(bytes(service.endpoint))];
        delete $.serviceIdByWallet[service.delegateWallet];
        delete $.services[serviceId];
        emit ServiceDeregistered(serviceId, msg.sender, serviceType);
        $.staking.removeService(msg.sender, minStake, maxStake);
    }

    /// @notice Move one of your services to a new endpoint.
    function updateEndpoint(uint256 serviceId, string calldata endpoint) external {
        RegistryStorage storage $ = _r();
        StoredService storage service = _owned($, serviceId);
        delete $.serviceIdByEndpoint[keccak256(bytes(service.endpoint))];
        _claimEndpoint($, serviceId, endpoint);
        service.endpoint = endpoint;
        emit EndpointUpdated(serviceId, endpoint);
    }

    /// @notice Replace the hot delegate wallet of one of your services.
    function updateDelegateWallet(uint256 serviceId, address delegateWallet) external {
        if (delegateWallet == address(0)) revert ZeroAddress();
        RegistryStorage storage $ = _r();
        StoredService storage service = _owned($, serviceId);
        delete $.serviceIdByWallet[service.delegateWallet];
        _claimWallet($, serviceId, delegateWallet);
        service.delegateWallet = delegateWallet;
        emit DelegateWalletUpdated(serviceId, delegateWallet);
    }

    /// @notice Apply the current bounds of its type to a service. Anyone may call it; a raised minimum can leave
    /// the operator below its bounds, which the network sees through `isInBounds`.
    function refreshBounds(uint256 serviceId) external {
        RegistryStorage storage $ = _r();
        StoredService storage service = $.services[serviceId];
        if (service.owner == address(0)) revert UnknownService(serviceId);
        bytes32 serviceType = $.typeNames[service.typeIndex];
        ServiceType memory t = $.types[serviceType];
        if (!t.active) revert UnknownServiceType(serviceType);
        uint96 oldMin = service.minStake;
        uint96 oldMax = service.maxStake;
        service.minStake = uint88(t.minStake);
        service.maxStake = uint88(t.maxStake);
        emit ServiceBoundsRefreshed(serviceId, t.minStake, t.maxStake);
        $.staking.changeBounds(service.owner, oldMin, oldMax, t.minStake, t.maxStake);
    }

    // ---- views ----

    /// @notice The staking contract.
    function staking() external view returns (IStaking) {
        return _r().staking;
    }

    /// @notice A service type's bounds and whether it accepts registrations.
    function getServiceType(bytes32 serviceType) external view returns (ServiceType memory) {
        return _r().types[serviceType];
    }

    /// @notice The software version nodes of a type must run.
    function serviceVersion(bytes32 serviceType) external view returns (string memory) {
        return _r().versions[serviceType];
    }

    /// @notice Number of service ids ever assigned; ids run from 1 to this value.
    function serviceCount() external view returns (uint256) {
        return _r().serviceCount;
    }

    /// @inheritdoc IServiceRegistry
    function getService(uint256 serviceId) external view returns (Service memory) {
        RegistryStorage storage $ = _r();
        StoredService storage stored = $.services[serviceId];
        if (stored.owner == address(0)) return Service(address(0), 0, address(0), 0, bytes32(0), "");
        return Service({
            owner: stored.owner,
            minStake: stored.minStake,
            delegateWallet: stored.delegateWallet,
            maxStake: stored.maxStake,
            serviceType: $.typeNames[stored.typeIndex],
            endpoint: stored.endpoint
        });
    }

    /// @notice The service registered at an endpoint (0: none).
    function serviceIdByEndpoint(string calldata endpoint) external view returns (uint256) {
        return _r().serviceIdByEndpoint[keccak256(bytes(endpoint))];
    }

    /// @inheritdoc IServiceRegistry
    function serviceIdByWallet(address delegateWallet) external view returns (uint256) {
        return _r().serviceIdByWallet[delegateWallet];
    }

    /// @inheritdoc IServiceRegistry
    function isInBounds(uint256 serviceId) external view returns (bool) {
        RegistryStorage storage $ = _r();
        address owner = $.services[serviceId].owner;
        return owner != address(0) && $.staking.isWithinBounds(owner);
    }

    // ---- internals ----

    function _owned(RegistryStorage storage $, uint256 serviceId) private view returns (StoredService storage service) {
        service = $.services[serviceId];
        if (service.owner == address(0)) revert UnknownService(serviceId);
        if (service.owner != msg.sender) revert NotServiceOwner(serviceId, msg.sender);
    }

    function _claimEndpoint(RegistryStorage storage $, uint256 serviceId, string calldata endpoint) private {
        uint256 length = bytes(endpoint).length;
        if (length == 0 || length > MAX_ENDPOINT_LENGTH) revert InvalidEndpoint();
        bytes32 key = keccak256(bytes(endpoint));
        uint256 holder = $.serviceIdByEndpoint[key];
        if (holder != 0) revert EndpointTaken(holder);
        $.serviceIdByEndpoint[key] = serviceId;
    }

    function _claimWallet(RegistryStorage storage $, uint256 serviceId, address delegateWallet) private {
        uint256 holder = $.serviceIdByWallet[delegateWallet];
        if (holder != 0) revert WalletTaken(holder);
        $.serviceIdByWallet[delegateWallet] = serviceId;
    }

    /// @dev Non-zero, ordered, whole AUDIO (the staking contract keeps bounds in whole AUDIO), and within 88 bits
    /// (309 million AUDIO), the width a service stores them in.
    function _requireBounds(uint96 minStake, uint96 maxStake) private pure {
        if (
            minStake == 0 || maxStake < minStake || maxStake > type(uint88).max || minStake % 1 ether != 0
                || maxStake % 1 ether != 0
        ) {
            revert InvalidBounds(minStake, maxStake);
        }
    }

    function _r() private pure returns (RegistryStorage storage $) {
        assembly {
            $.slot := REGISTRY_STORAGE
        }
    }
}

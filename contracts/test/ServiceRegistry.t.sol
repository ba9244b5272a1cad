// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {StakingFixture} from "./utils/StakingFixture.sol";
import {Staking} from "../src/staking/Staking.sol";
import {IStakingEvents} from "../src/interfaces/IStakingEvents.sol";
import {ServiceRegistry} from "../src/staking/ServiceRegistry.sol";
import {GovernedUUPS} from "../src/utils/GovernedUUPS.sol";
import {ProtocolDefaults as D} from "../src/ProtocolDefaults.sol";

contract ServiceRegistryTest is StakingFixture {
    address internal alice;
    address internal bob;
    address internal aliceWallet = makeAddr("aliceWallet");
    uint256 internal constant STAKE = 300_000 ether;

    function setUp() public override {
        super.setUp();
        alice = funded("alice", 50_000_000 ether);
        bob = funded("bob", 50_000_000 ether);
    }

    function _register(address operator, string memory endpoint, address wallet, uint256 stake)
        internal
        returns (uint256)
    {
        vm.prank(operator);
        return registry.register(D.CONTENT_NODE, endpoint, stake, wallet);
    }

    // ---- register ----

    function test_Register_StoresServiceAndStakes() public {
        vm.expectEmit(address(registry));
        emit ServiceRegistry.ServiceRegistered(1, alice, D.CONTENT_NODE, "https://cn1.test", aliceWallet, STAKE);
        uint256 id = _register(alice, "https://cn1.test", aliceWallet, STAKE);

        assertEq(id, 1);
        ServiceRegistry.Service memory s = registry.getService(id);
        assertEq(s.owner, alice);
        assertEq(s.delegateWallet, aliceWallet);
        assertEq(s.serviceType, D.CONTENT_NODE);
        assertEq(s.endpoint, "https://cn1.test");
        assertEq(s.minStake, D.CONTENT_NODE_MIN_STAKE);
        assertEq(s.maxStake, D.CONTENT_NODE_MAX_STAKE);
        assertEq(registry.serviceIdByEndpoint("https://cn1.test"), id);
        assertEq(registry.serviceIdByWallet(aliceWallet), id);
        assertTrue(registry.isInBounds(id));

        Staking.Pool memory pool = staking.poolOf(alice);
        assertEq(pool.assets, STAKE);
        assertEq(pool.minStake, D.CONTENT_NODE_MIN_STAKE);
        assertEq(pool.maxStake, D.CONTENT_NODE_MAX_STAKE);
        assertEq(staking.operatorStake(alice), STAKE);
        assertEq(staking.getVotes(alice), STAKE);
        assertEq(staking.totalStaked(), STAKE);
        assertEq(token.balanceOf(address(staking)), STAKE);
    }

    function test_Register_SecondServiceAddsBounds() public {
        _register(alice, "https://cn1.test", aliceWallet, STAKE);
        vm.prank(alice);
        registry.register(D.DISCOVERY_NODE, "https://dn1.test", 100_000 ether, makeAddr("dnWallet"));
        Staking.Pool memory pool = staking.poolOf(alice);
        assertEq(pool.minStake, D.CONTENT_NODE_MIN_STAKE + D.DISCOVERY_NODE_MIN_STAKE);
        assertEq(pool.maxStake, D.CONTENT_NODE_MAX_STAKE + D.DISCOVERY_NODE_MAX_STAKE);
        assertEq(staking.operatorStake(alice), STAKE + 100_000 ether);
    }

    function test_RevertWhen_RegisterBelowMinimum() public {
        vm.expectRevert(
            abi.encodeWithSelector(IStakingEvents.BelowMinStake.selector, 199_999 ether, D.CONTENT_NODE_MIN_STAKE)
        );
        _register(alice, "https://cn1.test", aliceWallet, 199_999 ether);
    }

    function test_RevertWhen_SecondServiceNotCoveredByOwnStake() public {
        _register(alice, "https://cn1.test", aliceWallet, STAKE);
        uint256 min = D.CONTENT_NODE_MIN_STAKE + D.DISCOVERY_NODE_MIN_STAKE;
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.BelowMinStake.selector, STAKE, min));
        vm.prank(alice);
        registry.register(D.DISCOVERY_NODE, "https://dn1.test", 0, makeAddr("dnWallet"));
    }

    /// A service registered without stake must be covered by the operator's own stake too: no pool opens without
    /// its operator's minimum, so no one can gather delegations (and votes) on a pool without skin in it.
    function test_RevertWhen_FirstServiceWithoutStake() public {
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.BelowMinStake.selector, 0, D.CONTENT_NODE_MIN_STAKE));
        _register(alice, "https://cn1.test", aliceWallet, 0);
        assertEq(registry.serviceCount(), 0);
        assertEq(staking.poolOf(alice).maxStake, 0);
    }

    function test_RevertWhen_RegisterAboveMaximum() public {
        uint256 stake = uint256(D.CONTENT_NODE_MAX_STAKE) + 1;
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.AboveMaxStake.selector, stake, D.CONTENT_NODE_MAX_STAKE));
        _register(alice, "https://cn1.test", aliceWallet, stake);
    }

    function test_RevertWhen_RegisterUnknownType() public {
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.UnknownServiceType.selector, bytes32("nope")));
        vm.prank(alice);
        registry.register("nope", "https://cn1.test", STAKE, aliceWallet);
    }

    function test_RevertWhen_RegisterZeroWallet() public {
        vm.expectRevert(GovernedUUPS.ZeroAddress.selector);
        _register(alice, "https://cn1.test", address(0), STAKE);
    }

    function test_RevertWhen_RegisterEmptyEndpoint() public {
        vm.expectRevert(ServiceRegistry.InvalidEndpoint.selector);
        _register(alice, "", aliceWallet, STAKE);
    }

    function test_RevertWhen_RegisterOversizedEndpoint() public {
        bytes memory long = new bytes(registry.MAX_ENDPOINT_LENGTH() + 1);
        vm.expectRevert(ServiceRegistry.InvalidEndpoint.selector);
        _register(alice, string(long), aliceWallet, STAKE);
    }

    function test_RevertWhen_EndpointTaken() public {
        _register(alice, "https://cn1.test", aliceWallet, STAKE);
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.EndpointTaken.selector, 1));
        _register(bob, "https://cn1.test", makeAddr("bobWallet"), STAKE);
    }

    function test_RevertWhen_WalletTaken() public {
        _register(alice, "https://cn1.test", aliceWallet, STAKE);
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.WalletTaken.selector, 1));
        _register(bob, "https://cn2.test", aliceWallet, STAKE);
    }

    function test_RevertWhen_RegisterWithoutApproval() public {
        address carol = makeAddr("carol");
        vm.prank(treasury);
        require(token.transfer(carol, STAKE));
        vm.expectRevert(); // ERC20InsufficientAllowance from the token
        _register(carol, "https://cn1.test", makeAddr("carolWallet"), STAKE);
        assertEq(registry.serviceCount(), 0, "a failed registration leaves nothing behind");
    }

    // ---- deregister / update ----

    function test_Deregister_FreesEndpointWalletAndBounds() public {
        uint256 id = _register(alice, "https://cn1.test", aliceWallet, STAKE);
        vm.expectEmit(address(registry));
        emit ServiceRegistry.ServiceDeregistered(id, alice, D.CONTENT_NODE);
        vm.prank(alice);
        registry.deregister(id);

        assertEq(registry.getService(id).owner, address(0));
        assertEq(registry.serviceIdByEndpoint("https://cn1.test"), 0);
        assertEq(registry.serviceIdByWallet(aliceWallet), 0);
        assertFalse(registry.isInBounds(id));
        Staking.Pool memory pool = staking.poolOf(alice);
        assertEq(pool.minStake, 0);
        assertEq(pool.maxStake, 0);
        assertEq(pool.assets, STAKE, "stake stays until withdrawn");
        // The endpoint and wallet can be registered again.
        _register(bob, "https://cn1.test", aliceWallet, STAKE);
    }

    function test_RevertWhen_DeregisterByNonOwner() public {
        uint256 id = _register(alice, "https://cn1.test", aliceWallet, STAKE);
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.NotServiceOwner.selector, id, bob));
        vm.prank(bob);
        registry.deregister(id);
    }

    function test_RevertWhen_DeregisterUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.UnknownService.selector, 7));
        vm.prank(alice);
        registry.deregister(7);
    }

    function test_UpdateEndpoint() public {
        uint256 id = _register(alice, "https://cn1.test", aliceWallet, STAKE);
        vm.expectEmit(address(registry));
        emit ServiceRegistry.EndpointUpdated(id, "https://new.test");
        vm.prank(alice);
        registry.updateEndpoint(id, "https://new.test");
        assertEq(registry.getService(id).endpoint, "https://new.test");
        assertEq(registry.serviceIdByEndpoint("https://cn1.test"), 0);
        assertEq(registry.serviceIdByEndpoint("https://new.test"), id);
    }

    function test_RevertWhen_UpdateEndpointToTaken() public {
        _register(bob, "https://taken.test", makeAddr("bobWallet"), STAKE);
        uint256 id = _register(alice, "https://cn1.test", aliceWallet, STAKE);
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.EndpointTaken.selector, 1));
        vm.prank(alice);
        registry.updateEndpoint(id, "https://taken.test");
    }

    function test_RevertWhen_UpdateEndpointByNonOwner() public {
        uint256 id = _register(alice, "https://cn1.test", aliceWallet, STAKE);
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.NotServiceOwner.selector, id, bob));
        vm.prank(bob);
        registry.updateEndpoint(id, "https://mine.test");
    }

    function test_UpdateDelegateWallet() public {
        uint256 id = _register(alice, "https://cn1.test", aliceWallet, STAKE);
        address fresh = makeAddr("fresh");
        vm.expectEmit(address(registry));
        emit ServiceRegistry.DelegateWalletUpdated(id, fresh);
        vm.prank(alice);
        registry.updateDelegateWallet(id, fresh);
        assertEq(registry.getService(id).delegateWallet, fresh);
        assertEq(registry.serviceIdByWallet(aliceWallet), 0);
        assertEq(registry.serviceIdByWallet(fresh), id);
    }

    function test_RevertWhen_UpdateDelegateWalletInvalid() public {
        uint256 id = _register(alice, "https://cn1.test", aliceWallet, STAKE);
        _register(bob, "https://cn2.test", makeAddr("bobWallet"), STAKE);
        vm.startPrank(alice);
        vm.expectRevert(GovernedUUPS.ZeroAddress.selector);
        registry.updateDelegateWallet(id, address(0));
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.WalletTaken.selector, 2));
        registry.updateDelegateWallet(id, makeAddr("bobWallet"));
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.NotServiceOwner.selector, id, bob));
        vm.prank(bob);
        registry.updateDelegateWallet(id, makeAddr("other"));
    }

    // ---- service types (governance) ----

    function test_ServiceTypeAdministration() public {
        vm.startPrank(gov);
        vm.expectEmit(address(registry));
        emit ServiceRegistry.ServiceTypeAdded("storage-node", 1 ether, 2 ether);
        registry.addServiceType("storage-node", 1 ether, 2 ether);
        registry.setServiceTypeBounds("storage-node", 3 ether, 4 ether);
        registry.setServiceVersion("storage-node", "1.2.3");
        vm.stopPrank();
        ServiceRegistry.ServiceType memory t = registry.getServiceType("storage-node");
        assertEq(t.minStake, 3 ether);
        assertEq(t.maxStake, 4 ether);
        assertTrue(t.active);
        assertEq(registry.serviceVersion("storage-node"), "1.2.3");

        vm.prank(gov);
        registry.removeServiceType("storage-node");
        assertFalse(registry.getServiceType("storage-node").active);
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.UnknownServiceType.selector, bytes32("storage-node")));
        vm.prank(alice);
        registry.register("storage-node", "https://s.test", 3 ether, aliceWallet);
    }

    function test_RevertWhen_ServiceTypeAdministrationInvalid() public {
        vm.startPrank(gov);
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.ServiceTypeExists.selector, D.CONTENT_NODE));
        registry.addServiceType(D.CONTENT_NODE, 1, 2);
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.InvalidBounds.selector, 0, 2));
        registry.addServiceType("x", 0, 2);
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.InvalidBounds.selector, 3, 2));
        registry.addServiceType("x", 3, 2);
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.UnknownServiceType.selector, bytes32("x")));
        registry.removeServiceType("x");
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.UnknownServiceType.selector, bytes32("x")));
        registry.setServiceTypeBounds("x", 1, 2);
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.UnknownServiceType.selector, bytes32("x")));
        registry.setServiceVersion("x", "1");
        vm.stopPrank();
    }

    function test_RevertWhen_BoundsExceedStoredWidth() public {
        uint96 tooBig = uint96(type(uint88).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.InvalidBounds.selector, 1, tooBig));
        vm.prank(gov);
        registry.addServiceType("x", 1, tooBig);
    }

    /// The staking contract keeps bounds in whole AUDIO: the registry refuses any other bound, when a type is added
    /// and when its bounds change, so no service can carry a bound that staking would round.
    function test_RevertWhen_BoundsAreNotWholeAudio() public {
        vm.startPrank(gov);
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.InvalidBounds.selector, 1 ether + 1, 2 ether));
        registry.addServiceType("x", 1 ether + 1, 2 ether);
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.InvalidBounds.selector, 1 ether, 2 ether - 1));
        registry.addServiceType("x", 1 ether, 2 ether - 1);
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.InvalidBounds.selector, 1, 2));
        registry.addServiceType("x", 1, 2);
        vm.expectRevert(
            abi.encodeWithSelector(
                ServiceRegistry.InvalidBounds.selector, D.CONTENT_NODE_MIN_STAKE + 1, D.CONTENT_NODE_MAX_STAKE
            )
        );
        registry.setServiceTypeBounds(D.CONTENT_NODE, D.CONTENT_NODE_MIN_STAKE + 1, D.CONTENT_NODE_MAX_STAKE);
        vm.expectRevert(
            abi.encodeWithSelector(
                ServiceRegistry.InvalidBounds.selector, D.CONTENT_NODE_MIN_STAKE, D.CONTENT_NODE_MAX_STAKE + 1
            )
        );
        registry.setServiceTypeBounds(D.CONTENT_NODE, D.CONTENT_NODE_MIN_STAKE, D.CONTENT_NODE_MAX_STAKE + 1);
        // Whole AUDIO is accepted, and reaches the pools as is.
        registry.setServiceTypeBounds(D.CONTENT_NODE, 250_000 ether, 9_000_000 ether);
        vm.stopPrank();
        assertFalse(registry.getServiceType("x").active, "nothing was added");
        ServiceRegistry.ServiceType memory t = registry.getServiceType(D.CONTENT_NODE);
        assertEq(t.minStake, 250_000 ether);
        assertEq(t.maxStake, 9_000_000 ether);
        uint256 id = _register(alice, "https://cn1.test", aliceWallet, STAKE);
        assertEq(registry.getService(id).minStake, 250_000 ether);
        Staking.Pool memory pool = staking.poolOf(alice);
        assertEq(pool.minStake, 250_000 ether);
        assertEq(pool.maxStake, 9_000_000 ether);
    }

    function test_RevertWhen_TooManyServiceTypes() public {
        vm.startPrank(gov);
        for (uint256 i = 0; i < 253; ++i) {
            registry.addServiceType(bytes32(i + 1), 1 ether, 2 ether); // content-node and discovery-node: ids 1, 2
        }
        vm.expectRevert(ServiceRegistry.TooManyServiceTypes.selector);
        registry.addServiceType("one-too-many", 1 ether, 2 ether);
        vm.stopPrank();
    }

    function test_RemovedTypeKeepsItsNameForExistingServices() public {
        uint256 id = _register(alice, "https://cn1.test", aliceWallet, STAKE);
        vm.startPrank(gov);
        registry.removeServiceType(D.CONTENT_NODE);
        assertEq(registry.getService(id).serviceType, D.CONTENT_NODE);
        registry.addServiceType(D.CONTENT_NODE, 1 ether, 2 ether); // re-added under the same compact id
        vm.stopPrank();
        assertEq(registry.getService(id).serviceType, D.CONTENT_NODE);
        assertEq(registry.getService(id).minStake, D.CONTENT_NODE_MIN_STAKE, "bounds as of registration");
    }

    function test_RevertWhen_ServiceTypeAdministrationByNonGovernance() public {
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(GovernedUUPS.NotGovernance.selector, alice));
        registry.addServiceType("x", 1, 2);
        vm.expectRevert(abi.encodeWithSelector(GovernedUUPS.NotGovernance.selector, alice));
        registry.removeServiceType(D.CONTENT_NODE);
        vm.expectRevert(abi.encodeWithSelector(GovernedUUPS.NotGovernance.selector, alice));
        registry.setServiceTypeBounds(D.CONTENT_NODE, 1, 2);
        vm.expectRevert(abi.encodeWithSelector(GovernedUUPS.NotGovernance.selector, alice));
        registry.setServiceVersion(D.CONTENT_NODE, "9");
        vm.stopPrank();
    }

    // ---- bounds refresh ----

    function test_RefreshBounds_AppliesNewTypeBounds() public {
        uint256 id = _register(alice, "https://cn1.test", aliceWallet, STAKE);
        vm.prank(gov);
        registry.setServiceTypeBounds(D.CONTENT_NODE, 400_000 ether, 20_000_000 ether);
        assertTrue(registry.isInBounds(id), "old bounds until refreshed");
        vm.prank(bob);
        registry.refreshBounds(id);
        Staking.Pool memory pool = staking.poolOf(alice);
        assertEq(pool.minStake, 400_000 ether);
        assertEq(pool.maxStake, 20_000_000 ether);
        assertFalse(registry.isInBounds(id), "own stake below the raised minimum");
        vm.prank(alice);
        staking.increaseStake(100_000 ether);
        assertTrue(registry.isInBounds(id));
    }

    function test_RevertWhen_RefreshUnknownOrRemovedType() public {
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.UnknownService.selector, 1));
        registry.refreshBounds(1);
        uint256 id = _register(alice, "https://cn1.test", aliceWallet, STAKE);
        vm.prank(gov);
        registry.removeServiceType(D.CONTENT_NODE);
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.UnknownServiceType.selector, D.CONTENT_NODE));
        registry.refreshBounds(id);
    }

    function test_RevertWhen_StakingHooksCalledDirectly() public {
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NotRegistry.selector, alice));
        staking.addService(alice, alice, STAKE, 1, type(uint96).max);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NotRegistry.selector, alice));
        staking.removeService(alice, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NotRegistry.selector, alice));
        staking.changeBounds(alice, 0, 0, 0, type(uint96).max);
        vm.stopPrank();
    }
}

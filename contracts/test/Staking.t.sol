// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Vm} from "forge-std/Vm.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {StakingFixture, FixedWindow} from "./utils/StakingFixture.sol";
import {Staking} from "../src/staking/Staking.sol";
import {Issuance} from "../src/issuance/Issuance.sol";
import {ServiceRegistry} from "../src/staking/ServiceRegistry.sol";
import {GovernedUUPS} from "../src/utils/GovernedUUPS.sol";
import {IGovernanceWindow} from "../src/interfaces/IGovernanceWindow.sol";
import {IStakingEvents} from "../src/interfaces/IStakingEvents.sol";
import {ProtocolDefaults as D} from "../src/ProtocolDefaults.sol";

contract StakingTest is StakingFixture {
    address internal op;
    address internal op2;
    address internal fan;
    address internal fan2;
    Issuance internal issuance;
    address internal issuer;
    /// @dev When the issuance contract was deployed: round 1 is [t0, t0 + ROUND_DURATION).
    uint256 internal t0;
    uint256 internal constant OP_STAKE = 1_000_000 ether;
    /// @dev Wei per share at a pool's first deposit (`StakingLogic.SHARE_UNIT`).
    uint256 internal constant UNIT = 1e6;
    bytes32 internal constant STAKING_SLOT = 0x62eb347a7d00fafea9ed157464c3a19b3ebe7c92e5af3d86fd7b5b2596efc800;

    function setUp() public override {
        vm.warp(1_700_000_000);
        super.setUp();
        // Issuance first: `op`'s first deposit settles through it (round 1's snapshot, nothing due), so `op` is
        // known settled until round 1's end and nothing settles again during round 1.
        issuance = deployIssuance();
        issuer = address(issuance);
        t0 = block.timestamp;
        op = funded("operator", 20_000_000 ether);
        op2 = funded("operator2", 20_000_000 ether);
        fan = funded("fan", 20_000_000 ether);
        fan2 = funded("fan2", 20_000_000 ether);
        registerContentNode(op, OP_STAKE);
    }

    // ---- helpers ----

    function _delegate(address who, uint256 amount) internal {
        _delegateTo(who, op, amount);
    }

    function _delegateTo(address who, address operator, uint256 amount) internal {
        vm.prank(who);
        staking.delegateStake(operator, amount);
    }

    function _request(address who, uint256 amount) internal {
        vm.prank(who);
        staking.requestWithdrawal(op, amount);
    }

    /// @dev Mint `amount` to staking as the issuance contract would, then credit it to `operator` as issuance,
    /// leaving its settlement mark unchanged.
    function _reward(address operator, uint256 amount) internal {
        _mintToStaking(amount);
        _credit(operator, amount);
    }

    function _mintToStaking(uint256 amount) internal {
        vm.prank(gov);
        token.setMinter(address(this));
        token.mint(address(staking), amount);
    }

    /// @dev Credit `amount`, already minted to staking, to `operator` as the issuance contract does (one call).
    function _credit(address operator, uint256 amount) internal {
        uint40 until = staking.settledUntil(operator);
        vm.prank(issuer);
        staking.addRewards(operator, amount, until);
    }

    function _slash(address operator, uint256 amount) internal {
        vm.prank(gov);
        staking.slash(operator, amount, bytes32(0));
    }

    /// @dev Request everything, wait out the lockup, withdraw.
    function _exit(address who, address operator) internal {
        vm.prank(who);
        staking.requestWithdrawal(operator, type(uint256).max);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        vm.prank(who);
        staking.withdraw(operator);
    }

    function _removal(address operator, address delegator) internal view returns (uint40 removalAt, uint32 epoch) {
        return staking.removalOf(operator, delegator);
    }

    /// @dev How many logs with `topic` the staking contract emitted among `logs`.
    function _stakingLogs(Vm.Log[] memory logs, bytes32 topic) internal view returns (uint256 n) {
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter == address(staking) && logs[i].topics[0] == topic) ++n;
        }
    }

    /// @dev The reward of a finished round of the launch schedule, for a supply of `supply`.
    function _roundReward(uint256 supply) internal pure returns (uint256) {
        return Math.mulDiv(supply, uint256(D.INFLATION_BPS_PER_YEAR) * D.ROUND_DURATION, 10_000 * 365 days);
    }

    // =========================================================================================================
    // Initialization and upgrades (July 2022 takeover)
    // =========================================================================================================

    function test_InitializeSetsParameters() public {
        address impl = address(new Staking());
        vm.expectEmit();
        emit IStakingEvents.LockupsSet(8 days, 9 days, 10 days, 1 days);
        vm.expectEmit();
        emit IStakingEvents.GlobalMinDelegationSet(5 ether);
        Staking fresh = Staking(
            address(
                new ERC1967Proxy(
                    impl,
                    abi.encodeCall(
                        Staking.initialize, (fan, IERC20(address(token)), 8 days, 9 days, 10 days, 1 days, 5 ether)
                    )
                )
            )
        );
        (uint40 unstake, uint40 removal, uint40 cooldown) = fresh.lockups();
        assertEq(unstake, 8 days);
        assertEq(removal, 9 days);
        assertEq(cooldown, 10 days);
        assertEq(fresh.executionWindow(), 1 days);
        assertEq(fresh.globalMinDelegation(), 5 ether);
        assertEq(fresh.governance(), fan);
        assertEq(address(fresh.token()), address(token));
        assertEq(fresh.poolCount(), 0);
        assertEq(fresh.totalSupply(), 0);
        assertEq(address(fresh.governor()), address(0));
    }

    function test_RevertWhen_InitializedWithInvalidLockups() public {
        address impl = address(new Staking());
        IERC20 t = IERC20(address(token));
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.LockupTooShort.selector, 0, 0));
        new ERC1967Proxy(impl, abi.encodeCall(Staking.initialize, (gov, t, 0, 8 days, 9 days, 1 days, 0)));
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.LockupTooShort.selector, 0, 0));
        new ERC1967Proxy(impl, abi.encodeCall(Staking.initialize, (gov, t, 8 days, 0, 9 days, 1 days, 0)));
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.CooldownTooShort.selector, 8 days, 8 days));
        new ERC1967Proxy(impl, abi.encodeCall(Staking.initialize, (gov, t, 8 days, 8 days, 8 days, 1 days, 0)));
        vm.expectRevert(IStakingEvents.ZeroExecutionWindow.selector);
        new ERC1967Proxy(impl, abi.encodeCall(Staking.initialize, (gov, t, 8 days, 8 days, 9 days, 0, 0)));
    }

    function test_RevertWhen_InitializedTwiceThroughProxy() public {
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        staking.initialize(fan, IERC20(address(token)), 8 days, 8 days, 9 days, 1 days, 0);
    }

    function test_RevertWhen_ImplementationInitialized() public {
        Staking impl = new Staking();
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        impl.initialize(fan, IERC20(address(token)), 8 days, 8 days, 9 days, 1 days, 0);
    }

    function test_RevertWhen_InitializedWithZeroToken() public {
        address impl = address(new Staking());
        vm.expectRevert(GovernedUUPS.ZeroAddress.selector);
        new ERC1967Proxy(
            impl, abi.encodeCall(Staking.initialize, (gov, IERC20(address(0)), 8 days, 8 days, 9 days, 1 days, 0))
        );
    }

    function test_UpgradeOnlyByGovernance() public {
        vm.warp(block.timestamp + 10);
        _delegate(fan, 1_000 ether);
        _request(fan, 400 ether);
        vm.warp(block.timestamp + 10);
        address next = address(new Staking());
        vm.expectRevert(abi.encodeWithSelector(GovernedUUPS.NotGovernance.selector, fan));
        vm.prank(fan);
        staking.upgradeToAndCall(next, "");

        vm.prank(gov);
        staking.upgradeToAndCall(next, "");
        // State survives the upgrade (namespaced storage): pools, positions, requests and the vote history.
        assertEq(staking.poolOf(op).assets, OP_STAKE + 600 ether);
        (uint256 shares,) = staking.positionOf(op, fan);
        assertEq(shares, 600 ether / UNIT);
        assertEq(staking.withdrawalOf(op, fan).shares, 400 ether);
        assertEq(staking.getPastVotes(op, block.timestamp - 11), OP_STAKE);
        assertEq(staking.getPastVotes(op, block.timestamp - 10), OP_STAKE + 600 ether);
        assertEq(address(staking.governor()), address(governor));
        // It still works (the linked library too) and the upgraded proxy still cannot be re-initialized.
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        vm.prank(fan);
        staking.withdraw(op);
        assertEq(staking.withdrawalOf(op, fan).shares, 0);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        staking.initialize(fan, IERC20(address(token)), 8 days, 8 days, 9 days, 1 days, 0);
    }

    function test_GovernanceHandover() public {
        vm.expectRevert(abi.encodeWithSelector(GovernedUUPS.NotGovernance.selector, fan));
        vm.prank(fan);
        staking.setGovernance(fan);
        vm.expectRevert(GovernedUUPS.ZeroAddress.selector);
        vm.prank(gov);
        staking.setGovernance(address(0));
        vm.expectEmit(address(staking));
        emit GovernedUUPS.GovernanceChanged(gov, fan);
        vm.prank(gov);
        staking.setGovernance(fan);
        assertEq(staking.governance(), fan);
        // The old governance lost every right.
        vm.expectRevert(abi.encodeWithSelector(GovernedUUPS.NotGovernance.selector, gov));
        vm.prank(gov);
        staking.setGlobalMinDelegation(1 ether);
    }

    function test_StorageSlotsFollowErc7201() public view {
        assertEq(
            keccak256(abi.encode(uint256(keccak256("audius.storage.Staking")) - 1)) & ~bytes32(uint256(0xff)),
            STAKING_SLOT
        );
        // The storage really lives there: token, registry, issuance, then the governor in the low bits of slot 3.
        assertEq(address(uint160(uint256(vm.load(address(staking), STAKING_SLOT)))), address(token));
        assertEq(
            address(uint160(uint256(vm.load(address(staking), bytes32(uint256(STAKING_SLOT) + 1))))), address(registry)
        );
        assertEq(address(uint160(uint256(vm.load(address(staking), bytes32(uint256(STAKING_SLOT) + 2))))), issuer);
        assertEq(
            address(uint160(uint256(vm.load(address(staking), bytes32(uint256(STAKING_SLOT) + 3))))), address(governor)
        );
        bytes32 governedSlot =
            keccak256(abi.encode(uint256(keccak256("audius.storage.Governed")) - 1)) & ~bytes32(uint256(0xff));
        assertEq(address(uint160(uint256(vm.load(address(staking), governedSlot)))), gov);
    }

    // =========================================================================================================
    // Governance parameters
    // =========================================================================================================

    function test_GovernanceSetters() public {
        vm.startPrank(gov);
        vm.expectEmit(address(staking));
        emit IStakingEvents.LockupsSet(9 days, 10 days, 10 days, 3 days);
        staking.setLockups(9 days, 10 days, 10 days, 3 days);
        vm.expectEmit(address(staking));
        emit IStakingEvents.GlobalMinDelegationSet(5 ether);
        staking.setGlobalMinDelegation(5 ether);
        vm.stopPrank();
        (uint40 unstake, uint40 removal, uint40 cooldown) = staking.lockups();
        assertEq(unstake, 9 days);
        assertEq(removal, 10 days);
        assertEq(cooldown, 10 days);
        assertEq(staking.executionWindow(), 3 days);
        assertEq(staking.globalMinDelegation(), 5 ether);
        assertEq(staking.minWithdrawalLockup(), 9 days);
        vm.prank(gov);
        staking.setLockups(10 days, 5 days, 11 days, 1 days);
        assertEq(staking.minWithdrawalLockup(), 5 days, "the shorter of the two lockups");
        // The new lockup applies to the next request.
        _delegate(fan, 1_000 ether);
        _request(fan, 100 ether);
        assertEq(staking.withdrawalOf(op, fan).unlockAt, block.timestamp + 10 days);
    }

    function test_RevertWhen_GovernanceSettersByOthers() public {
        bytes memory notGov = abi.encodeWithSelector(GovernedUUPS.NotGovernance.selector, fan);
        vm.startPrank(fan);
        vm.expectRevert(notGov);
        staking.setLockups(9 days, 9 days, 10 days, 1 days);
        vm.expectRevert(notGov);
        staking.setGlobalMinDelegation(1);
        vm.expectRevert(notGov);
        staking.setRegistry(fan);
        vm.expectRevert(notGov);
        staking.setIssuance(fan);
        vm.expectRevert(notGov);
        staking.setGovernor(IGovernanceWindow(fan));
        vm.expectRevert(notGov);
        staking.slash(op, 1, bytes32(0));
        vm.stopPrank();
        // The governor (proposal snapshots) is not governance either.
        vm.expectRevert(abi.encodeWithSelector(GovernedUUPS.NotGovernance.selector, address(governor)));
        vm.prank(address(governor));
        staking.slash(op, 1, bytes32(0));
        assertEq(staking.poolOf(op).assets, OP_STAKE);
    }

    function test_RevertWhen_SetterGetsZeroAddress() public {
        vm.startPrank(gov);
        vm.expectRevert(GovernedUUPS.ZeroAddress.selector);
        staking.setRegistry(address(0));
        vm.expectRevert(GovernedUUPS.ZeroAddress.selector);
        staking.setIssuance(address(0));
        vm.expectRevert(GovernedUUPS.ZeroAddress.selector);
        staking.setGovernor(IGovernanceWindow(address(0)));
        vm.stopPrank();
    }

    function test_SetRegistryIssuanceGovernor() public {
        address newRegistry = makeAddr("newRegistry");
        vm.expectEmit(address(staking));
        emit IStakingEvents.RegistrySet(newRegistry);
        vm.prank(gov);
        staking.setRegistry(newRegistry);
        assertEq(staking.registry(), newRegistry);

        Issuance next = deployIssuance();
        assertEq(staking.issuance(), address(next));

        FixedWindow window = new FixedWindow(2 days);
        vm.expectEmit(address(staking));
        emit IStakingEvents.GovernorSet(address(window));
        vm.expectEmit(address(staking));
        emit IStakingEvents.LockupsSet(D.UNSTAKE_LOCKUP, D.REMOVE_DELEGATOR_LOCKUP, D.CUT_COOLDOWN, D.EXECUTION_WINDOW);
        vm.prank(gov);
        staking.setGovernor(window);
        assertEq(address(staking.governor()), address(window));
    }

    function test_LockupsMustExceedGovernanceWindow() public {
        FixedWindow window = new FixedWindow(5 days);
        vm.startPrank(gov);
        staking.setGovernor(window);
        assertEq(address(staking.governor()), address(window));
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.LockupTooShort.selector, 5 days, 5 days));
        staking.setLockups(5 days, 8 days, 9 days, 1 days);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.LockupTooShort.selector, 4 days, 5 days));
        staking.setLockups(8 days, 4 days, 9 days, 1 days);
        staking.setLockups(5 days + 1, 5 days + 1, 5 days + 2, 1 days);
        // A governor whose window the current lockups do not exceed is refused.
        FixedWindow slow = new FixedWindow(30 days);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.LockupTooShort.selector, 5 days + 1, 30 days));
        staking.setGovernor(slow);
        vm.stopPrank();
        assertEq(address(staking.governor()), address(window));
    }

    /// A cut change must not apply before delegators who object to it can leave, and a matured request must expire.
    function test_RevertWhen_CooldownOrWindowInvalid() public {
        vm.startPrank(gov);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.CooldownTooShort.selector, 8 days, 8 days));
        staking.setLockups(8 days, 8 days, 8 days, 1 days);
        vm.expectRevert(IStakingEvents.ZeroExecutionWindow.selector);
        staking.setLockups(8 days, 8 days, 9 days, 0);
        vm.stopPrank();
    }

    // =========================================================================================================
    // Registry hooks and bounds
    // =========================================================================================================

    function test_RevertWhen_RegistryHooksByOthers() public {
        vm.startPrank(fan);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NotRegistry.selector, fan));
        staking.addService(fan, fan, 300_000 ether, 200_000 ether, 1_000_000 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NotRegistry.selector, fan));
        staking.removeService(op, D.CONTENT_NODE_MIN_STAKE, D.CONTENT_NODE_MAX_STAKE);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NotRegistry.selector, fan));
        staking.changeBounds(op, D.CONTENT_NODE_MIN_STAKE, D.CONTENT_NODE_MAX_STAKE, 0, 0);
        vm.stopPrank();
        assertEq(staking.poolOf(op).maxStake, D.CONTENT_NODE_MAX_STAKE);
    }

    function test_BoundsFollowServices() public {
        IStakingEvents.Pool memory pool = staking.poolOf(op);
        assertEq(pool.minStake, D.CONTENT_NODE_MIN_STAKE);
        assertEq(pool.maxStake, D.CONTENT_NODE_MAX_STAKE);
        assertTrue(staking.isWithinBounds(op));
        assertFalse(staking.isWithinBounds(fan), "no services, no bounds to be within");

        // A second service adds its bounds (registered without stake).
        vm.expectEmit(address(staking));
        emit IStakingEvents.OperatorBoundsChanged(
            op,
            uint256(D.CONTENT_NODE_MIN_STAKE) + D.DISCOVERY_NODE_MIN_STAKE,
            uint256(D.CONTENT_NODE_MAX_STAKE) + D.DISCOVERY_NODE_MAX_STAKE
        );
        vm.prank(op);
        uint256 dn = registry.register(D.DISCOVERY_NODE, "https://dn.audius.test", 0, makeAddr("dn-wallet"));
        assertEq(staking.poolOf(op).minStake, uint256(D.CONTENT_NODE_MIN_STAKE) + D.DISCOVERY_NODE_MIN_STAKE);
        assertEq(staking.poolOf(op).assets, OP_STAKE);

        // Deregistering removes them.
        vm.expectEmit(address(staking));
        emit IStakingEvents.OperatorBoundsChanged(op, D.DISCOVERY_NODE_MIN_STAKE, D.DISCOVERY_NODE_MAX_STAKE);
        vm.prank(op);
        registry.deregister(1);
        assertTrue(staking.isWithinBounds(op));

        // A type's new bounds reach the operator when its service is refreshed; out of bounds, no reward basis.
        vm.prank(gov);
        registry.setServiceTypeBounds(D.DISCOVERY_NODE, 2_000_000 ether, D.DISCOVERY_NODE_MAX_STAKE);
        vm.expectEmit(address(staking));
        emit IStakingEvents.OperatorBoundsChanged(op, 2_000_000 ether, D.DISCOVERY_NODE_MAX_STAKE);
        registry.refreshBounds(dn);
        assertFalse(staking.isWithinBounds(op));
        vm.warp(block.timestamp + 1);
        (uint256 basis,) = staking.rewardBasis(op, block.timestamp - 1, block.timestamp - 1);
        assertEq(basis, 0, "an operator out of bounds earns nothing");
        vm.expectRevert(
            abi.encodeWithSelector(IStakingEvents.BelowMinStake.selector, OP_STAKE + 1 ether, 2_000_000 ether)
        );
        vm.prank(op);
        staking.increaseStake(1 ether);
        vm.prank(op);
        staking.increaseStake(1_000_000 ether);
        assertTrue(staking.isWithinBounds(op));
        vm.warp(block.timestamp + 1);
        (basis,) = staking.rewardBasis(op, block.timestamp - 1, block.timestamp - 1);
        assertEq(basis, 2_000_000 ether);
    }

    function test_RevertWhen_BoundsNotWholeAudio() public {
        vm.startPrank(address(registry));
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NotWholeAudio.selector, 1.5 ether));
        staking.addService(op2, op2, 0, 1.5 ether, 10 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NotWholeAudio.selector, 10 ether + 1));
        staking.addService(op2, op2, 0, 1 ether, 10 ether + 1);
        vm.stopPrank();
        // The registry refuses such bounds before they reach staking.
        vm.expectRevert(abi.encodeWithSelector(ServiceRegistry.InvalidBounds.selector, 1.5 ether, 10 ether));
        vm.prank(gov);
        registry.addServiceType("other", 1.5 ether, 10 ether);
    }

    // =========================================================================================================
    // Operator stake
    // =========================================================================================================

    function test_IncreaseStake() public {
        vm.prank(op);
        staking.increaseStake(1 ether);
        assertEq(staking.operatorStake(op), OP_STAKE + 1 ether);
        assertEq(staking.getVotes(op), OP_STAKE + 1 ether);
        (uint256 shares, uint256 assets) = staking.positionOf(op, op);
        assertEq(shares, (OP_STAKE + 1 ether) / UNIT);
        assertEq(assets, OP_STAKE + 1 ether);
        assertEq(token.balanceOf(address(staking)), OP_STAKE + 1 ether);
    }

    function test_RevertWhen_IncreaseStakeInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NoServices.selector, fan));
        vm.prank(fan);
        staking.increaseStake(1 ether);
        vm.expectRevert(IStakingEvents.ZeroAmount.selector);
        vm.prank(op);
        staking.increaseStake(0);
        vm.expectRevert(IStakingEvents.ZeroShares.selector);
        vm.prank(op);
        staking.increaseStake(UNIT - 1);
        uint256 tooMuch = D.CONTENT_NODE_MAX_STAKE - OP_STAKE + 1;
        vm.expectRevert(
            abi.encodeWithSelector(IStakingEvents.AboveMaxStake.selector, OP_STAKE + tooMuch, D.CONTENT_NODE_MAX_STAKE)
        );
        vm.prank(op);
        staking.increaseStake(tooMuch);
        // A delegator is not an operator.
        _delegate(fan, 1_000 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NoServices.selector, fan));
        vm.prank(fan);
        staking.increaseStake(1 ether);
    }

    function test_OperatorDecreaseStake_RequestLockupWithdraw() public {
        uint256 before = token.balanceOf(op);
        vm.expectEmit(address(staking));
        emit IStakingEvents.WithdrawalRequested(
            op, op, 300_000 ether, 300_000 ether, uint40(block.timestamp + D.UNSTAKE_LOCKUP)
        );
        _request(op, 300_000 ether);
        IStakingEvents.Withdrawal memory w = staking.withdrawalOf(op, op);
        assertEq(w.shares, 300_000 ether, "a pool's first pending stake: one pending share per wei");
        assertEq(w.unlockAt, block.timestamp + D.UNSTAKE_LOCKUP);
        assertFalse(w.removal);
        assertEq(staking.withdrawalValue(op, op), 300_000 ether);
        assertEq(staking.getVotes(op), OP_STAKE - 300_000 ether, "stake on its way out no longer votes");
        assertEq(staking.operatorStake(op), OP_STAKE, "but it is still the operator's (and slashable)");

        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.StillLocked.selector, w.unlockAt));
        vm.prank(op);
        staking.withdraw(op);

        vm.warp(w.unlockAt);
        vm.expectEmit(address(staking));
        emit IStakingEvents.Withdrawn(op, op, 300_000 ether);
        vm.prank(op);
        staking.withdraw(op);
        assertEq(token.balanceOf(op), before + 300_000 ether);
        assertEq(staking.operatorStake(op), OP_STAKE - 300_000 ether);
        assertEq(staking.getVotes(op), OP_STAKE - 300_000 ether);
        assertEq(staking.totalStaked(), OP_STAKE - 300_000 ether);
        assertEq(staking.delegates(op), op);
    }

    function test_RevertWhen_OperatorDecreaseBelowMinimum() public {
        uint256 remaining = OP_STAKE - 900_000 ether;
        vm.expectRevert(
            abi.encodeWithSelector(IStakingEvents.BelowMinStake.selector, remaining, D.CONTENT_NODE_MIN_STAKE)
        );
        _request(op, 900_000 ether);
        // Delegations do not count towards the operator's own minimum.
        _delegate(fan, 5_000_000 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingEvents.BelowMinStake.selector, remaining, D.CONTENT_NODE_MIN_STAKE)
        );
        _request(op, 900_000 ether);
        _request(op, 800_000 ether);
        assertEq(staking.balanceOf(op), D.CONTENT_NODE_MIN_STAKE);
    }

    /// An operator stays its own pool's member: it can come back with a new service, into the same pool.
    function test_OperatorWithdrawsEverythingAfterDeregistering() public {
        vm.prank(op);
        registry.deregister(1);
        _exit(op, op);
        assertEq(staking.poolOf(op).assets, 0);
        assertEq(staking.poolOf(op).shares, 0);
        assertEq(staking.totalStaked(), 0);
        assertEq(token.balanceOf(address(staking)), 0);
        assertEq(staking.stakedValueOf(op), 0);
        assertEq(staking.delegates(op), op);

        registerContentNode(op, 300_000 ether);
        assertEq(staking.poolCount(), 1, "same pool");
        assertEq(staking.poolOf(op).id, 1);
        assertEq(staking.poolOf(op).shares, 300_000 ether / UNIT, "an empty pool's first deposit again");
        assertTrue(staking.isWithinBounds(op));
    }

    // =========================================================================================================
    // One pool per account
    // =========================================================================================================

    function test_RevertWhen_DelegatingToASecondPool() public {
        registerContentNode(op2, 1_000_000 ether);
        _delegate(fan, 1_000 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.StakedElsewhere.selector, op));
        _delegateTo(fan, op2, 1_000 ether);
        // Still a member while its whole stake is pending.
        _request(fan, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.StakedElsewhere.selector, op));
        _delegateTo(fan, op2, 1_000 ether);
        assertEq(staking.getVotes(op2), 1_000_000 ether);
        assertEq(staking.delegates(fan), op);
    }

    function test_FullExitEndsMembershipAndAllowsMoving() public {
        registerContentNode(op2, 1_000_000 ether);
        _delegate(fan, 1_000 ether);
        _request(fan, type(uint256).max);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        vm.expectEmit(address(staking));
        emit IVotes.DelegateChanged(fan, op, address(0));
        vm.prank(fan);
        staking.withdraw(op);
        assertEq(staking.delegates(fan), address(0));
        (uint256 shares,) = staking.positionOf(op, fan);
        assertEq(shares, 0);
        assertEq(staking.withdrawalOf(op, fan).shares, 0);
        assertEq(staking.stakedValueOf(fan), 0);

        vm.expectEmit(address(staking));
        emit IVotes.DelegateChanged(fan, address(0), op2);
        _delegateTo(fan, op2, 2_000 ether);
        assertEq(staking.delegates(fan), op2);
        assertEq(staking.getVotes(op2), 1_000_000 ether + 2_000 ether);
        assertEq(staking.getVotes(op), OP_STAKE);
        assertEq(staking.balanceOf(fan), 2_000 ether);
        // And now it is bound to the new pool.
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.StakedElsewhere.selector, op2));
        _delegate(fan, 1_000 ether);
    }

    function test_PartialWithdrawalKeepsMembership() public {
        registerContentNode(op2, 1_000_000 ether);
        _delegate(fan, 1_000 ether);
        _request(fan, 400 ether);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        vm.prank(fan);
        staking.withdraw(op);
        assertEq(staking.delegates(fan), op);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.StakedElsewhere.selector, op));
        _delegateTo(fan, op2, 1_000 ether);
    }

    function test_RevertWhen_StakedAccountRegistersAService() public {
        _delegate(fan, 1_000 ether);
        address wallet = makeAddr("fan-wallet");
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.StakedElsewhere.selector, op));
        vm.prank(fan);
        registry.register(D.CONTENT_NODE, "https://fan.audius.test", 300_000 ether, wallet);
        // Once it has left, it may open its own pool.
        _exit(fan, op);
        vm.prank(fan);
        registry.register(D.CONTENT_NODE, "https://fan.audius.test", 300_000 ether, wallet);
        assertEq(staking.delegates(fan), fan);
        assertEq(staking.poolOf(fan).id, 2);
        assertEq(staking.getVotes(fan), 300_000 ether);
    }

    function test_RevertWhen_OperatorDelegatesToAnotherPool() public {
        registerContentNode(op2, 1_000_000 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.StakedElsewhere.selector, op));
        _delegateTo(op, op2, 1_000 ether);
    }

    // =========================================================================================================
    // Delegation
    // =========================================================================================================

    function test_Delegate_MintsSharesAndVotesToOperator() public {
        uint256 before = token.balanceOf(fan);
        vm.expectEmit(address(staking));
        emit IVotes.DelegateChanged(fan, address(0), op);
        vm.expectEmit(address(staking));
        emit IVotes.DelegateVotesChanged(op, OP_STAKE, OP_STAKE + 1_000 ether);
        vm.expectEmit(address(staking));
        emit IStakingEvents.Deposited(op, fan, 1_000 ether, 1_000 ether / UNIT);
        vm.expectEmit(address(staking));
        emit IStakingEvents.Transfer(address(0), fan, 1_000 ether);
        _delegate(fan, 1_000 ether);
        (uint256 shares, uint256 assets) = staking.positionOf(op, fan);
        assertEq(shares, 1_000 ether / UNIT);
        assertEq(assets, 1_000 ether);
        assertEq(staking.getVotes(op), OP_STAKE + 1_000 ether);
        assertEq(staking.getVotes(fan), 0, "votes follow stake to the operator");
        assertEq(staking.balanceOf(fan), 1_000 ether);
        assertEq(staking.stakedValueOf(fan), 1_000 ether);
        assertEq(staking.delegates(fan), op);
        assertEq(token.balanceOf(fan), before - 1_000 ether);
        assertEq(token.balanceOf(address(staking)), OP_STAKE + 1_000 ether);
    }

    /// An operator registered without stake opens an empty pool: the first deposit into it, whoever makes it,
    /// mints amount / 1e6 shares; it joins its pool when it stakes.
    /// A pool's first deposit is its operator's registration stake (an operator covers its services' minimum from
    /// the start, so no pool with a service is empty): one share per UNIT, and the only holder owns the remainder.
    function test_FirstDepositIntoAnEmptyPool() public {
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.BelowMinStake.selector, 0, D.CONTENT_NODE_MIN_STAKE));
        vm.prank(op2);
        registry.register(D.CONTENT_NODE, "https://op2.audius.test", 0, makeAddr("op2-wallet"));

        uint256 amount = 300_000 ether + UNIT - 1;
        vm.expectEmit(address(staking));
        emit IVotes.DelegateChanged(op2, address(0), op2);
        vm.prank(op2);
        registry.register(D.CONTENT_NODE, "https://op2.audius.test", amount, makeAddr("op2-wallet"));
        IStakingEvents.Pool memory pool = staking.poolOf(op2);
        assertEq(pool.id, 2);
        assertEq(pool.shares, amount / UNIT);
        assertEq(staking.poolOperator(2), op2);
        (uint256 shares, uint256 assets) = staking.positionOf(op2, op2);
        assertEq(shares, amount / UNIT);
        assertEq(assets, amount, "the only holder owns the remainder too");
        assertEq(staking.delegates(op2), op2);
        assertTrue(staking.isWithinBounds(op2));
    }

    function test_RevertWhen_DelegateInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NoServices.selector, fan2));
        _delegateTo(fan, fan2, 1_000 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NoServices.selector, address(0)));
        _delegateTo(fan, address(0), 1_000 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.BelowMinDelegation.selector, 99 ether, D.MIN_DELEGATION));
        _delegate(fan, 99 ether);
        vm.expectRevert(IStakingEvents.ZeroAmount.selector);
        _delegate(fan, 0);
        vm.expectRevert(IStakingEvents.ZeroShares.selector);
        _delegate(fan, UNIT - 1);
        uint256 room = D.CONTENT_NODE_MAX_STAKE - OP_STAKE;
        vm.expectRevert(
            abi.encodeWithSelector(IStakingEvents.AboveMaxStake.selector, OP_STAKE + room + 1, D.CONTENT_NODE_MAX_STAKE)
        );
        _delegate(fan, room + 1);
        _delegate(fan, room);
        assertEq(staking.getVotes(op), D.CONTENT_NODE_MAX_STAKE);
        // A deregistered operator takes no delegation.
        vm.prank(op);
        registry.deregister(1);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NoServices.selector, op));
        _delegate(fan2, 1_000 ether);
    }

    function test_OperatorMinimumDelegation() public {
        vm.expectEmit(address(staking));
        emit IStakingEvents.OperatorMinDelegationSet(op, 500 ether);
        vm.prank(op);
        staking.setMinDelegation(500 ether);
        assertEq(staking.poolOf(op).minDelegation, 500 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.BelowMinDelegation.selector, 400 ether, 500 ether));
        _delegate(fan, 400 ether);
        _delegate(fan, 500 ether);
        // The global minimum applies when higher.
        vm.prank(gov);
        staking.setGlobalMinDelegation(1_000 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.BelowMinDelegation.selector, 600 ether, 1_000 ether));
        _delegate(fan2, 600 ether);
    }

    function test_RevertWhen_MinDelegationInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NotWholeAudio.selector, 1.5 ether));
        vm.prank(op);
        staking.setMinDelegation(1.5 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NoServices.selector, fan));
        vm.prank(fan);
        staking.setMinDelegation(1 ether);
        uint96 tooLarge = uint96(1 << 24) * 1 ether;
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 24, 1 << 24));
        vm.prank(op);
        staking.setMinDelegation(tooLarge);
        assertEq(staking.poolOf(op).minDelegation, 0);
    }

    /// The minimum is on the position, not on each deposit: a small top-up of a position above it is fine.
    function test_TopUpOfAPositionAboveTheMinimum() public {
        _delegate(fan, 100 ether);
        _delegate(fan, 1 ether);
        assertEq(staking.balanceOf(fan), 101 ether);
    }

    /// The minimum is met by depositing it, at any share price: the deposit's rounding (at most one share, ~1e6 wei)
    /// must not refuse it, nor a request leaving exactly the minimum.
    function test_ExactMinimumAtAnyPrice() public {
        _reward(op, 123_456 ether + 789); // a share is now worth a non-integral number of wei
        uint256 price = Math.mulDiv(staking.poolOf(op).assets, 1, staking.poolOf(op).shares, Math.Rounding.Ceil);
        _delegate(fan, D.MIN_DELEGATION);
        assertLt(staking.balanceOf(fan), D.MIN_DELEGATION, "rounded down, for the pool");
        assertGe(staking.balanceOf(fan) + price, D.MIN_DELEGATION);
        // One share short of that is still refused.
        vm.expectPartialRevert(IStakingEvents.BelowMinDelegation.selector);
        _delegate(fan2, D.MIN_DELEGATION - 2 * price);
        _delegate(fan2, 1_000 ether);
        _request(fan2, staking.balanceOf(fan2) - D.MIN_DELEGATION);
        assertLt(staking.balanceOf(fan2), D.MIN_DELEGATION, "the request rounds up, for the pool");
        assertGe(staking.balanceOf(fan2) + price, D.MIN_DELEGATION);
        vm.prank(fan2);
        staking.cancelWithdrawal(op);
        uint256 tooMuch = staking.balanceOf(fan2) - D.MIN_DELEGATION + 2 * price;
        vm.expectPartialRevert(IStakingEvents.BelowMinDelegation.selector);
        _request(fan2, tooMuch);
    }

    function test_Undelegate_RequestLockupWithdraw() public {
        _delegate(fan, 1_000 ether);
        uint256 before = token.balanceOf(fan);
        _request(fan, 400 ether);
        (uint256 shares,) = staking.positionOf(op, fan);
        assertEq(shares, 600 ether / UNIT);
        assertEq(staking.stakedValueOf(fan), 1_000 ether);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        vm.prank(fan);
        staking.withdraw(op);
        assertEq(token.balanceOf(fan), before + 400 ether);
        assertEq(staking.stakedValueOf(fan), 600 ether);
        assertEq(staking.getVotes(op), OP_STAKE + 600 ether);
    }

    function test_RevertWhen_WithdrawalRequestInvalid() public {
        registerContentNode(op2, 1_000_000 ether);
        vm.expectRevert(IStakingEvents.ZeroAmount.selector);
        _request(fan, 0);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.InsufficientStake.selector, 1 ether, 0));
        _request(fan, 1 ether);

        _delegate(fan, 1_000 ether);
        // Wrong pool, and a pool that does not exist.
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.InsufficientStake.selector, 1 ether, 0));
        vm.prank(fan);
        staking.requestWithdrawal(op2, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.InsufficientStake.selector, 1 ether, 0));
        vm.prank(fan);
        staking.requestWithdrawal(fan2, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.BelowMinDelegation.selector, 50 ether, D.MIN_DELEGATION));
        _request(fan, 950 ether);

        _request(fan, 100 ether);
        vm.expectRevert(IStakingEvents.WithdrawalPending.selector);
        _request(fan, 100 ether);
        assertEq(staking.withdrawalOf(op, fan).shares, 100 ether);
    }

    function test_RevertWhen_NothingToWithdrawOrCancel() public {
        registerContentNode(op2, 1_000_000 ether);
        vm.expectRevert(IStakingEvents.NoWithdrawal.selector);
        vm.prank(fan);
        staking.withdraw(op);
        vm.expectRevert(IStakingEvents.NoWithdrawal.selector);
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        // A member without a request.
        _delegate(fan, 1_000 ether);
        vm.expectRevert(IStakingEvents.NoWithdrawal.selector);
        vm.prank(fan);
        staking.withdraw(op);
        vm.expectRevert(IStakingEvents.NoWithdrawal.selector);
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        // A request, asked of the wrong pool.
        _request(fan, 100 ether);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        vm.expectRevert(IStakingEvents.NoWithdrawal.selector);
        vm.prank(fan);
        staking.withdraw(op2);
        vm.expectRevert(IStakingEvents.NoWithdrawal.selector);
        vm.prank(fan);
        staking.cancelWithdrawal(op2);
    }

    function test_RequestMoreThanPositionTakesWholePosition() public {
        _delegate(fan, 1_000 ether);
        _request(fan, 5_000 ether);
        assertEq(staking.withdrawalOf(op, fan).shares, 1_000 ether);
        (uint256 shares,) = staking.positionOf(op, fan);
        assertEq(shares, 0);
        assertEq(staking.withdrawalValue(op, fan), 1_000 ether);
    }

    /// Attack: cancelling an undelegation must not leave the stake locked (it did in Audius).
    function test_CancelledWithdrawalLeavesStakeFullyUsable() public {
        _delegate(fan, 1_000 ether);
        _request(fan, 1_000 ether);
        vm.expectEmit(address(staking));
        emit IStakingEvents.Transfer(address(0), fan, 1_000 ether);
        vm.expectEmit(address(staking));
        emit IStakingEvents.WithdrawalCancelled(op, fan, 1_000 ether, 1_000 ether / UNIT);
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        (uint256 shares,) = staking.positionOf(op, fan);
        assertEq(shares, 1_000 ether / UNIT);
        assertEq(staking.withdrawalOf(op, fan).shares, 0);
        assertEq(staking.poolOf(op).pendingShares, 0);
        assertEq(staking.getVotes(op), OP_STAKE + 1_000 ether);
        // It can be requested and withdrawn again, in full.
        _request(fan, 1_000 ether);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        uint256 before = token.balanceOf(fan);
        vm.prank(fan);
        staking.withdraw(op);
        assertEq(token.balanceOf(fan), before + 1_000 ether);
    }

    function test_RevertWhen_WithdrawReplayed() public {
        _delegate(fan, 1_000 ether);
        _request(fan, 400 ether);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        vm.prank(fan);
        staking.withdraw(op);
        uint256 balance = token.balanceOf(fan);
        vm.expectRevert(IStakingEvents.NoWithdrawal.selector);
        vm.prank(fan);
        staking.withdraw(op);
        vm.expectRevert(IStakingEvents.NoWithdrawal.selector);
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        // After the full exit too.
        _exit(fan, op);
        vm.expectRevert(IStakingEvents.NoWithdrawal.selector);
        vm.prank(fan);
        staking.withdraw(op);
        assertEq(token.balanceOf(fan), balance + 600 ether);
        assertEq(token.balanceOf(address(staking)), OP_STAKE);
    }

    /// A matured request is not an exit option to hold until a slash is proposed: it expires after the execution
    /// window, and can then only be cancelled (back to active stake) and requested again.
    function test_MaturedWithdrawalExpires() public {
        _delegate(fan, 1_000 ether);
        _request(fan, 1_000 ether);
        uint256 expiresAt = block.timestamp + D.UNSTAKE_LOCKUP + D.EXECUTION_WINDOW;
        vm.warp(expiresAt);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.Expired.selector, expiresAt));
        vm.prank(fan);
        staking.withdraw(op);
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        (, uint256 assets) = staking.positionOf(op, fan);
        assertEq(assets, 1_000 ether, "nothing lost");
        assertEq(staking.getVotes(op), OP_STAKE + 1_000 ether);
    }

    function test_WithdrawAtTheLastSecondOfTheWindow() public {
        _delegate(fan, 1_000 ether);
        _request(fan, 1_000 ether);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP + D.EXECUTION_WINDOW - 1);
        uint256 before = token.balanceOf(fan);
        vm.prank(fan);
        staking.withdraw(op);
        assertEq(token.balanceOf(fan), before + 1_000 ether);
    }

    /// Stake pending withdrawal earns no rewards: they go to the stake that stays.
    function test_PendingWithdrawalEarnsNothing() public {
        _delegate(fan, 1_000_000 ether);
        _delegate(fan2, 1_000_000 ether);
        _request(fan, 1_000_000 ether);
        _reward(op, 200_000 ether);
        assertEq(staking.withdrawalValue(op, fan), 1_000_000 ether, "the leaver's value is frozen");
        (, uint256 fan2Assets) = staking.positionOf(op, fan2);
        assertApproxEqAbs(fan2Assets, 1_100_000 ether, 1, "half of the reward (no cut)");
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        uint256 before = token.balanceOf(fan);
        vm.prank(fan);
        staking.withdraw(op);
        assertEq(token.balanceOf(fan), before + 1_000_000 ether);
    }

    /// Fix of L-3: returning stake to active counts against the pool's maximum like a deposit.
    function test_L3_CancelCannotPushAPoolAboveItsMaximum() public {
        _delegate(fan, 1_000_000 ether);
        _request(fan, type(uint256).max);
        _delegate(fan2, 9_000_000 ether);
        uint256 max = D.CONTENT_NODE_MAX_STAKE;
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.AboveMaxStake.selector, max + 1_000_000 ether, max));
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        // With room again, it goes through.
        vm.prank(fan2);
        staking.requestWithdrawal(op, 1_000_000 ether);
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        assertEq(staking.getVotes(op), max);
    }

    function test_RevertWhen_CancelOfRemovalAboveMaxStake() public {
        _delegate(fan, 1_000_000 ether);
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        _delegate(fan2, 9_000_000 ether);
        uint256 max = D.CONTENT_NODE_MAX_STAKE;
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.AboveMaxStake.selector, max + 1_000_000 ether, max));
        vm.prank(op);
        staking.cancelRemoveDelegator(fan);
        (uint40 removalAt,) = _removal(op, fan);
        assertGt(removalAt, 0, "still pending");
    }

    // =========================================================================================================
    // Delegator removal (fix of H-1: the stake moves to pending at the request)
    // =========================================================================================================

    function test_RemovalMovesStakeToPendingAtRequest() public {
        _delegate(fan, 1_000 ether);
        uint40 effectiveAt = uint40(block.timestamp + D.REMOVE_DELEGATOR_LOCKUP);
        vm.expectEmit(address(staking));
        emit IVotes.DelegateVotesChanged(op, OP_STAKE + 1_000 ether, OP_STAKE);
        vm.expectEmit(address(staking));
        emit IStakingEvents.Transfer(fan, address(0), 1_000 ether);
        vm.expectEmit(address(staking));
        emit IStakingEvents.DelegatorRemovalRequested(op, fan, 1_000 ether, effectiveAt);
        vm.prank(op);
        staking.requestRemoveDelegator(fan);

        (uint256 shares, uint256 assets) = staking.positionOf(op, fan);
        assertEq(shares, 0);
        assertEq(assets, 0);
        IStakingEvents.Withdrawal memory w = staking.withdrawalOf(op, fan);
        assertEq(w.shares, 1_000 ether);
        assertEq(w.unlockAt, effectiveAt);
        assertEq(w.slashEpoch, 0);
        assertTrue(w.removal);
        (uint40 removalAt, uint32 epoch) = _removal(op, fan);
        assertEq(removalAt, effectiveAt);
        assertEq(epoch, 0);
        assertEq(staking.withdrawalValue(op, fan), 1_000 ether);
        assertEq(staking.getVotes(op), OP_STAKE, "removed stake no longer votes");
        assertEq(staking.totalSupply(), OP_STAKE);
        assertEq(staking.balanceOf(fan), 0);
        assertEq(staking.stakedValueOf(fan), 1_000 ether, "but it is still the delegator's");
        assertEq(staking.delegates(fan), op);
        assertEq(staking.poolOf(op).pendingAssets, 1_000 ether);
    }

    /// The removal pays only what moved to pending at the request: rewards after it go to the stake that stays;
    /// the delegator's stake is paid to it.
    function test_RemovalPaysOnlyWhatWasPending() public {
        _delegate(fan, 1_000 ether);
        _delegate(fan2, 1_000 ether);
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        _reward(op, 100_000 ether);
        assertEq(staking.withdrawalValue(op, fan), 1_000 ether);
        (uint40 effectiveAt,) = _removal(op, fan);
        vm.warp(effectiveAt);
        uint256 before = token.balanceOf(fan);
        vm.expectEmit(address(staking));
        emit IVotes.DelegateChanged(fan, op, address(0));
        vm.expectEmit(address(staking));
        emit IStakingEvents.Withdrawn(op, fan, 1_000 ether);
        vm.prank(op);
        staking.removeDelegator(fan);
        assertEq(token.balanceOf(fan), before + 1_000 ether);
        assertEq(staking.delegates(fan), address(0));
        assertEq(staking.poolOf(op).pendingAssets, 0);
        assertEq(staking.poolOf(op).assets, OP_STAKE + 1_000 ether + 100_000 ether);
        (, uint256 fan2Assets) = staking.positionOf(op, fan2);
        assertApproxEqAbs(fan2Assets, 1_000 ether + Math.mulDiv(100_000 ether, 1_000, 1_001_000), 1);
        (uint40 removalAt,) = _removal(op, fan);
        assertEq(removalAt, 0);
    }

    /// An operator cannot hold a leaving delegator: a removal may neither postpone the delegator's own request nor,
    /// cancelled, cancel it (request, remove, cancel, repeat would keep the delegator in the pool for ever).
    function test_RevertWhen_RemovalWouldResetADelegatorsWithdrawal() public {
        _delegate(fan, 1_000 ether);
        _request(fan, 200 ether);
        IStakingEvents.Withdrawal memory own = staking.withdrawalOf(op, fan);
        vm.warp(block.timestamp + 1 days);
        vm.expectRevert(IStakingEvents.WithdrawalPending.selector);
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        assertEq(abi.encode(staking.withdrawalOf(op, fan)), abi.encode(own), "the delegator's request is untouched");
        assertEq(staking.balanceOf(fan), 800 ether);

        vm.warp(own.unlockAt);
        uint256 before = token.balanceOf(fan);
        vm.prank(fan);
        staking.withdraw(op);
        assertEq(token.balanceOf(fan), before + 200 ether);
        // Once the delegator's request is done, the rest can be removed.
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        assertEq(staking.withdrawalValue(op, fan), 800 ether);
    }

    /// A request voided by a slash is no exit in progress: it returns to active stake and the removal takes it all.
    function test_RemovalTakesAWithdrawalVoidedBySlash() public {
        _delegate(fan, 1_000 ether);
        _request(fan, 200 ether);
        _slash(op, 1 ether);
        uint256 value = staking.withdrawalValue(op, fan) + staking.balanceOf(fan);
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        IStakingEvents.Withdrawal memory w = staking.withdrawalOf(op, fan);
        assertTrue(w.removal);
        assertEq(w.unlockAt, block.timestamp + D.REMOVE_DELEGATOR_LOCKUP);
        assertEq(staking.balanceOf(fan), 0);
        assertApproxEqAbs(staking.withdrawalValue(op, fan), value, 2 * UNIT);
    }

    function test_RevertWhen_RemovedDelegatorDepositsOrCancels() public {
        registerContentNode(op2, 1_000_000 ether);
        _delegate(fan, 1_000 ether);
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.RemovalPending.selector, op));
        _delegate(fan, 1_000 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.RemovalPending.selector, op));
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        vm.expectRevert(IStakingEvents.WithdrawalPending.selector);
        _request(fan, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.StakedElsewhere.selector, op));
        _delegateTo(fan, op2, 1_000 ether);
        // Matured, it is still the operator's removal: the delegator can take it, not undo it.
        (uint40 effectiveAt,) = _removal(op, fan);
        vm.warp(effectiveAt);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.RemovalPending.selector, op));
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        assertEq(staking.getVotes(op), OP_STAKE);
    }

    function test_RemovedDelegatorWithdrawsItself() public {
        _delegate(fan, 1_000 ether);
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        (uint40 effectiveAt,) = _removal(op, fan);
        vm.warp(effectiveAt);
        uint256 before = token.balanceOf(fan);
        vm.prank(fan);
        staking.withdraw(op);
        assertEq(token.balanceOf(fan), before + 1_000 ether);
        assertEq(staking.delegates(fan), address(0));
        (uint40 removalAt,) = _removal(op, fan);
        assertEq(removalAt, 0);
        assertFalse(staking.withdrawalOf(op, fan).removal);
        // The operator's execution finds nothing to do; the delegator may stake again.
        vm.expectRevert(IStakingEvents.NoRemoval.selector);
        vm.prank(op);
        staking.removeDelegator(fan);
        _delegate(fan, 1_000 ether);
        assertEq(staking.balanceOf(fan), 1_000 ether);
    }

    function test_OperatorCancelsRemovalReturnsStake() public {
        _delegate(fan, 1_000 ether);
        vm.startPrank(op);
        staking.requestRemoveDelegator(fan);
        vm.expectEmit(address(staking));
        emit IStakingEvents.Transfer(address(0), fan, 1_000 ether);
        vm.expectEmit(address(staking));
        emit IStakingEvents.WithdrawalCancelled(op, fan, 1_000 ether, 1_000 ether / UNIT);
        vm.expectEmit(address(staking));
        emit IStakingEvents.DelegatorRemovalCancelled(op, fan);
        staking.cancelRemoveDelegator(fan);
        vm.expectRevert(IStakingEvents.NoRemoval.selector);
        staking.removeDelegator(fan);
        vm.expectRevert(IStakingEvents.NoRemoval.selector);
        staking.cancelRemoveDelegator(fan);
        vm.stopPrank();
        (uint256 shares, uint256 assets) = staking.positionOf(op, fan);
        assertEq(shares, 1_000 ether / UNIT);
        assertEq(assets, 1_000 ether);
        assertEq(staking.getVotes(op), OP_STAKE + 1_000 ether);
        assertEq(staking.withdrawalOf(op, fan).shares, 0);
        assertFalse(staking.withdrawalOf(op, fan).removal);
        (uint40 removalAt,) = _removal(op, fan);
        assertEq(removalAt, 0);
        // The delegator is free again: it can deposit and request.
        _delegate(fan, 100 ether);
        _request(fan, 100 ether);
        assertEq(staking.balanceOf(fan), 1_000 ether);
    }

    /// An operator's long-matured removal of its own alt account must not be an instant exit around a slash.
    function test_SlashVoidsPendingRemovals() public {
        _delegate(fan, 1_000 ether);
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        _slash(op, 1 ether);
        uint256 pendingLoss = Math.mulDiv(1 ether, 1_000 ether, OP_STAKE + 1_000 ether);
        assertEq(staking.withdrawalValue(op, fan), 1_000 ether - pendingLoss, "the removed stake bears its part");
        (uint40 effectiveAt, uint32 epoch) = _removal(op, fan);
        assertEq(epoch, 0);
        assertEq(staking.poolOf(op).slashEpoch, 1);
        vm.warp(effectiveAt);
        vm.expectRevert(IStakingEvents.VoidedBySlash.selector);
        vm.prank(op);
        staking.removeDelegator(fan);
        vm.expectRevert(IStakingEvents.VoidedBySlash.selector);
        vm.prank(fan);
        staking.withdraw(op);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.RemovalPending.selector, op));
        _delegate(fan, 100 ether);
        // Voided, the removal no longer binds the delegator: it can cancel it and stake again.
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        assertFalse(staking.withdrawalOf(op, fan).removal);
        (uint40 removalAt,) = _removal(op, fan);
        assertEq(removalAt, 0);
        assertApproxEqAbs(staking.balanceOf(fan), 1_000 ether - pendingLoss, UNIT);
        _delegate(fan, 100 ether);
        vm.expectRevert(IStakingEvents.NoRemoval.selector);
        vm.prank(op);
        staking.removeDelegator(fan);
    }

    /// The operator can renew a removal a slash voided: the stake goes back to active and out again, with a new
    /// lockup and the new epoch.
    function test_OperatorRenewsAVoidedRemoval() public {
        _delegate(fan, 1_000 ether);
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        vm.warp(block.timestamp + 1 days);
        _slash(op, 1 ether);
        uint256 value = staking.withdrawalValue(op, fan);
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        (uint40 effectiveAt, uint32 epoch) = _removal(op, fan);
        assertEq(effectiveAt, block.timestamp + D.REMOVE_DELEGATOR_LOCKUP);
        assertEq(epoch, 1);
        assertApproxEqAbs(staking.withdrawalValue(op, fan), value, UNIT);
        assertEq(staking.getVotes(op), staking.poolOf(op).assets);
        vm.warp(effectiveAt);
        uint256 before = token.balanceOf(fan);
        vm.prank(op);
        staking.removeDelegator(fan);
        assertApproxEqAbs(token.balanceOf(fan), before + value, UNIT);
    }

    function test_MaturedRemovalExpires() public {
        _delegate(fan, 1_000 ether);
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        uint256 expiresAt = block.timestamp + D.REMOVE_DELEGATOR_LOCKUP + D.EXECUTION_WINDOW;
        vm.warp(expiresAt);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.Expired.selector, expiresAt));
        vm.prank(op);
        staking.removeDelegator(fan);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.Expired.selector, expiresAt));
        vm.prank(fan);
        staking.withdraw(op);
        // An expired removal no longer binds the delegator (else its stake would sit in the pending bucket,
        // earning and voting nothing, until the operator chose to cancel): it can cancel it.
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        assertEq(staking.balanceOf(fan), 1_000 ether);
        assertFalse(staking.withdrawalOf(op, fan).removal);
        // And the operator can start a new removal.
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        assertTrue(staking.withdrawalOf(op, fan).removal);
    }

    function test_RevertWhen_RemovingNonDelegator() public {
        registerContentNode(op2, 1_000_000 ether);
        _delegateTo(fan2, op2, 1_000 ether);
        vm.startPrank(op);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NotADelegator.selector, fan));
        staking.requestRemoveDelegator(fan);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NotADelegator.selector, op));
        staking.requestRemoveDelegator(op);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NotADelegator.selector, fan2));
        staking.requestRemoveDelegator(fan2);
        vm.stopPrank();
        // An account with no pool removes no one.
        _delegate(fan, 1_000 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NotADelegator.selector, fan));
        vm.prank(fan2);
        staking.requestRemoveDelegator(fan);
        // A delegator whose whole stake is already pending has nothing left to remove.
        _request(fan, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NotADelegator.selector, fan));
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
    }

    function test_RevertWhen_RemovalHandledByAnotherAccount() public {
        registerContentNode(op2, 1_000_000 ether);
        _delegate(fan, 1_000 ether);
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        (uint40 effectiveAt,) = _removal(op, fan);
        vm.warp(effectiveAt);
        vm.expectRevert(IStakingEvents.NoRemoval.selector);
        vm.prank(op2);
        staking.removeDelegator(fan);
        vm.expectRevert(IStakingEvents.NoRemoval.selector);
        vm.prank(op2);
        staking.cancelRemoveDelegator(fan);
        vm.expectRevert(IStakingEvents.NoRemoval.selector);
        vm.prank(fan2);
        staking.removeDelegator(fan);
        // A delegator without a removal cannot be removed.
        _delegate(fan2, 1_000 ether);
        vm.expectRevert(IStakingEvents.NoRemoval.selector);
        vm.prank(op);
        staking.removeDelegator(fan2);
        vm.expectRevert(IStakingEvents.NoRemoval.selector);
        vm.prank(op);
        staking.cancelRemoveDelegator(fan2);
        assertEq(staking.withdrawalValue(op, fan), 1_000 ether);
    }

    function test_RevertWhen_RemovedDelegatorAlreadyLeft() public {
        _delegate(fan, 1_000 ether);
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        vm.warp(block.timestamp + D.REMOVE_DELEGATOR_LOCKUP);
        vm.prank(fan);
        staking.withdraw(op);
        vm.expectRevert(IStakingEvents.NoRemoval.selector);
        vm.prank(op);
        staking.removeDelegator(fan);
        vm.expectRevert(IStakingEvents.NoRemoval.selector);
        vm.prank(op);
        staking.cancelRemoveDelegator(fan);
    }

    // =========================================================================================================
    // Operator cut
    // =========================================================================================================

    function test_CutChangeAppliesAfterCooldown() public {
        vm.expectEmit(address(staking));
        emit IStakingEvents.CutChangeRequested(op, 1_000, uint40(block.timestamp + D.CUT_COOLDOWN));
        vm.prank(op);
        staking.requestCutChange(1_000);
        IStakingEvents.Pool memory pool = staking.poolOf(op);
        assertEq(pool.pendingCutBps, 1_000);
        assertEq(pool.cutEffectiveAt, block.timestamp + D.CUT_COOLDOWN);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.StillLocked.selector, pool.cutEffectiveAt));
        staking.applyCutChange(op);
        vm.warp(pool.cutEffectiveAt);
        vm.expectEmit(address(staking));
        emit IStakingEvents.CutChanged(op, 1_000);
        vm.prank(fan); // anyone
        staking.applyCutChange(op);
        assertEq(staking.poolOf(op).cutBps, 1_000);
        assertEq(staking.poolOf(op).pendingCutBps, 0);
        assertEq(staking.poolOf(op).cutEffectiveAt, 0);
        vm.expectRevert(IStakingEvents.NoCutChange.selector);
        staking.applyCutChange(op);
    }

    function test_MaturedCutChangeExpires() public {
        vm.prank(op);
        staking.requestCutChange(10_000);
        uint256 expiresAt = block.timestamp + D.CUT_COOLDOWN + D.EXECUTION_WINDOW;
        vm.warp(expiresAt);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.Expired.selector, expiresAt));
        staking.applyCutChange(op);
        assertEq(staking.poolOf(op).cutBps, 0);
    }

    function test_RevertWhen_CutInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.InvalidCut.selector, 10_001));
        vm.prank(op);
        staking.requestCutChange(10_001);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NoServices.selector, fan));
        vm.prank(fan);
        staking.requestCutChange(10);
        vm.expectRevert(IStakingEvents.NoCutChange.selector);
        staking.applyCutChange(fan);
    }

    /// The pool's finished round is settled under the old cut before a new one applies.
    function test_CutChangeSettlesTheFinishedRoundUnderTheOldCut() public {
        _delegate(fan, 1_000_000 ether);
        vm.warp(t0 + D.ROUND_DURATION + 1);
        // Round 2's snapshot: the end of second t0 + ROUND_DURATION, 2M staked (round 1's was taken by the
        // operator's registration, before any stake: it pays nothing).
        issuance.checkpoint();
        vm.prank(op);
        staking.requestCutChange(10_000);
        vm.prank(gov);
        token.setMinter(issuer);
        vm.warp(t0 + D.ROUND_DURATION + 1 + D.CUT_COOLDOWN); // in round 3, its attestation window closed
        uint256 reward = _roundReward(token.totalSupply());
        vm.expectEmit(address(staking));
        emit IStakingEvents.RewardsAdded(op, reward, 0);
        vm.expectEmit(address(staking));
        emit IStakingEvents.CutChanged(op, 10_000);
        staking.applyCutChange(op);
        assertEq(staking.poolOf(op).cutBps, 10_000);
        assertEq(staking.poolOf(op).assets, 2_000_000 ether + reward);
        assertApproxEqAbs(staking.balanceOf(fan), 1_000_000 ether + reward / 2, 1, "half of it, no cut");
        assertEq(staking.settledUntil(op), t0 + 3 * D.ROUND_DURATION);
    }

    // =========================================================================================================
    // Rewards and settlement
    // =========================================================================================================

    function test_Rewards_SplitProRataWithOperatorCut() public {
        vm.prank(op);
        staking.requestCutChange(1_000); // 10 %
        vm.warp(block.timestamp + D.CUT_COOLDOWN);
        staking.applyCutChange(op);
        _delegate(fan, 1_000_000 ether); // pool: 1M operator + 1M fan

        // The operator's cut of the fan's half (10k) is paid in new shares worth exactly that.
        uint256 feeShares = Math.mulDiv(10_000 ether, 2e18, 1_090_000 ether, Math.Rounding.Ceil);
        _mintToStaking(200_000 ether);
        uint40 until = staking.settledUntil(op);
        vm.expectEmit(address(staking));
        emit IStakingEvents.RewardsAdded(op, 200_000 ether, feeShares);
        vm.prank(issuer);
        staking.addRewards(op, 200_000 ether, until);
        // Fan's half (100k) minus the 10 % cut = 90k; operator 100k + 10k.
        (, uint256 fanAssets) = staking.positionOf(op, fan);
        // The fee shares round up: the operator may gain up to one share's value (~1e6 wei) from the delegators.
        assertLe(fanAssets, 1_090_000 ether);
        assertApproxEqAbs(fanAssets, 1_090_000 ether, UNIT);
        assertApproxEqAbs(staking.operatorStake(op), 1_110_000 ether, UNIT);
        assertEq(staking.poolOf(op).shares, 2e18 + feeShares);
        assertEq(staking.poolOf(op).assets, 2_200_000 ether);
        assertEq(staking.getVotes(op), 2_200_000 ether);
        assertEq(staking.totalStaked(), 2_200_000 ether);
    }

    function test_FullCutGivesTheOperatorTheWholeDelegatedPart() public {
        vm.prank(op);
        staking.requestCutChange(10_000);
        vm.warp(block.timestamp + D.CUT_COOLDOWN);
        staking.applyCutChange(op);
        _delegate(fan, 1_000_000 ether);
        _reward(op, 200_000 ether);
        assertApproxEqAbs(staking.balanceOf(fan), 1_000_000 ether, 1);
        assertApproxEqAbs(staking.balanceOf(op), 1_200_000 ether, 1);
    }

    function test_RevertWhen_RewardsNotFromIssuance() public {
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NotIssuance.selector, fan));
        vm.prank(fan);
        staking.addRewards(op, 1, 0);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NotIssuance.selector, gov));
        vm.prank(gov);
        staking.addRewards(op, 1, 0);
    }

    function test_RevertWhen_RewardsToEmptyPool() public {
        vm.expectRevert(IStakingEvents.NoStake.selector);
        vm.prank(issuer);
        staking.addRewards(fan, 1, 0);
        vm.prank(op);
        registry.deregister(1);
        _exit(op, op);
        vm.expectRevert(IStakingEvents.NoStake.selector);
        vm.prank(issuer);
        staking.addRewards(op, 1, 0);
    }

    /// A forfeited round (amount 0) only records the settlement.
    function test_ZeroRewardOnlyRecordsSettlement() public {
        vm.recordLogs();
        vm.prank(issuer);
        staking.addRewards(op, 0, 12_345);
        assertEq(_stakingLogs(vm.getRecordedLogs(), IStakingEvents.RewardsAdded.selector), 0);
        assertEq(staking.settledUntil(op), 12_345);
        assertEq(staking.poolOf(op).assets, OP_STAKE);
    }

    /// New stake does not share the finished round it was not at risk for: the pool is settled first.
    function test_DepositSettlesTheFinishedRoundFirst() public {
        vm.warp(t0 + D.ROUND_DURATION + 1);
        issuance.checkpoint(); // round 2's snapshot: OP_STAKE at the end of second t0 + ROUND_DURATION
        vm.prank(gov);
        token.setMinter(issuer);
        vm.warp(t0 + 2 * D.ROUND_DURATION + D.ATTESTATION_WINDOW);
        uint256 reward = _roundReward(token.totalSupply());
        // One settlement for both deposits below: the first is settled until the round's end.
        vm.expectCall(issuer, abi.encodeCall(Issuance.settleRewards, (op)), 1);
        _delegate(fan, 1_000_000 ether);
        assertEq(staking.poolOf(op).assets, OP_STAKE + reward + 1_000_000 ether);
        assertGe(staking.operatorStake(op), OP_STAKE + reward);
        assertApproxEqAbs(staking.operatorStake(op), OP_STAKE + reward, 2 * UNIT);
        uint256 fanValue = staking.balanceOf(fan);
        assertLe(fanValue, 1_000_000 ether);
        assertApproxEqAbs(fanValue, 1_000_000 ether, 2 * UNIT, "none of the round's reward");
        assertEq(staking.settledUntil(op), t0 + 3 * D.ROUND_DURATION);
        assertEq(issuance.lastClaimedRound(op), 2);
        _delegate(fan2, 1_000 ether);
    }

    /// While the finished round's split can still change, stake cannot enter a pool that had stake in it; stake
    /// can always leave.
    function test_RevertWhen_StakeEntersDuringTheAttestationWindow() public {
        _delegate(fan, 1_000 ether);
        vm.warp(t0 + D.ROUND_DURATION + 1);
        issuance.checkpoint(); // round 2's snapshot, with the fan's stake
        vm.warp(t0 + 2 * D.ROUND_DURATION);
        uint40 closesAt = uint40(t0 + 2 * D.ROUND_DURATION + D.ATTESTATION_WINDOW);
        bytes memory windowOpen = abi.encodeWithSelector(Issuance.AttestationWindowOpen.selector, closesAt);
        vm.expectRevert(windowOpen);
        _delegate(fan2, 1_000 ether);
        vm.expectRevert(windowOpen);
        vm.prank(op);
        staking.increaseStake(1 ether);
        _request(fan, 500 ether);
        vm.expectRevert(windowOpen);
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        vm.warp(closesAt);
        // No minter: the round is forfeited for the pool, which is still settled.
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        assertEq(staking.balanceOf(fan), 1_000 ether);
        assertEq(staking.settledUntil(op), t0 + 3 * D.ROUND_DURATION);
    }

    function test_RewardBasisAndMinStakeAt() public {
        vm.warp(t0 + 10);
        _delegate(fan, 1_000 ether);
        vm.warp(t0 + 20);
        _request(fan, 1_000 ether);
        vm.warp(t0 + 30);
        assertEq(staking.minStakeAt(op, t0 + 5, t0 + 15), OP_STAKE);
        assertEq(staking.minStakeAt(op, t0 + 15, t0 + 15), OP_STAKE + 1_000 ether);
        assertEq(staking.minStakeAt(op, t0 - 1, t0 + 15), 0, "before the pool's first entry");
        (uint256 basis, uint40 until) = staking.rewardBasis(op, t0 + 15, t0 + 15);
        assertEq(basis, OP_STAKE, "never more than the pool holds now");
        assertEq(until, t0 + D.ROUND_DURATION);
        (basis,) = staking.rewardBasis(op, t0 + 5, t0 + 15);
        assertEq(basis, OP_STAKE);
        (basis,) = staking.rewardBasis(fan, t0 + 5, t0 + 15);
        assertEq(basis, 0, "no services");
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.FutureLookup.selector, t0 + 30, uint48(t0 + 30)));
        staking.minStakeAt(op, t0 + 5, t0 + 30);
        vm.prank(op);
        registry.deregister(1);
        (basis,) = staking.rewardBasis(op, t0 + 15, t0 + 15);
        assertEq(basis, 0, "no services any more");
    }

    // =========================================================================================================
    // Slashing
    // =========================================================================================================

    function test_Slash_ProRataBurnAndEvidence() public {
        _delegate(fan, 1_000_000 ether);
        uint256 supply = token.totalSupply();
        vm.expectEmit(address(staking));
        emit IVotes.DelegateVotesChanged(op, 2_000_000 ether, 1_500_000 ether);
        vm.expectEmit(address(staking));
        emit IStakingEvents.Slashed(op, 500_000 ether, keccak256("evidence"));
        vm.prank(gov);
        staking.slash(op, 500_000 ether, keccak256("evidence"));

        (, uint256 fanAssets) = staking.positionOf(op, fan);
        assertEq(fanAssets, 750_000 ether);
        assertEq(staking.operatorStake(op), 750_000 ether);
        assertEq(token.totalSupply(), supply - 500_000 ether, "slashed AUDIO is burned");
        assertEq(token.balanceOf(address(staking)), 1_500_000 ether);
        assertEq(staking.getVotes(op), 1_500_000 ether);
        assertEq(staking.totalStaked(), 1_500_000 ether);
        assertEq(staking.poolOf(op).slashEpoch, 1);
        assertEq(staking.poolOf(op).shares, 2e18, "shares are untouched: their value dropped");
    }

    function test_Slash_VoidsPendingWithdrawals() public {
        _delegate(fan, 1_000 ether);
        _request(fan, 1_000 ether);
        _slash(op, 1 ether);
        assertEq(staking.withdrawalOf(op, fan).slashEpoch, 0);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        vm.expectRevert(IStakingEvents.VoidedBySlash.selector);
        vm.prank(fan);
        staking.withdraw(op);
        // The fan can cancel and ask again: nothing is lost, it just waits another lockup.
        vm.startPrank(fan);
        staking.cancelWithdrawal(op);
        staking.requestWithdrawal(op, type(uint256).max);
        assertEq(staking.withdrawalOf(op, fan).slashEpoch, 1);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        staking.withdraw(op);
        vm.stopPrank();
        assertEq(staking.withdrawalOf(op, fan).shares, 0);
        assertEq(staking.delegates(fan), address(0));
    }

    function test_RevertWhen_SlashInvalid() public {
        vm.expectRevert(IStakingEvents.ZeroAmount.selector);
        vm.prank(gov);
        staking.slash(op, 0, bytes32(0));
        assertEq(staking.poolOf(op).slashEpoch, 0);
        // No pool, nothing to slash: refused rather than recorded.
        vm.expectRevert(IStakingEvents.NoStake.selector);
        vm.prank(gov);
        staking.slash(fan2, 1 ether, bytes32(0));
        assertEq(staking.poolOf(fan2).slashEpoch, 0);
    }

    /// Stake pending withdrawal stays at risk: a slash takes its pro-rata part, whoever leaves first.
    function test_SlashReachesPendingWithdrawalsProRata() public {
        _delegate(fan, 1_000_000 ether);
        _request(fan, 1_000_000 ether);
        _slash(op, 500_000 ether); // a quarter of 2M
        assertEq(staking.withdrawalValue(op, fan), 750_000 ether);
        assertEq(staking.operatorStake(op), 750_000 ether);
        assertEq(staking.poolOf(op).pendingAssets, 750_000 ether);
        assertEq(staking.poolOf(op).pendingShares, 1_000_000 ether);
        assertEq(staking.totalStaked(), 750_000 ether, "voting supply: active stake only");
        assertEq(staking.stakedValueOf(fan), 750_000 ether);
        // Voided, the request is cancelled back into the pool at its slashed value.
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        (, uint256 assets) = staking.positionOf(op, fan);
        assertApproxEqAbs(assets, 750_000 ether, 1);
        assertEq(staking.poolOf(op).pendingAssets, 0);
    }

    /// Review finding: a slash rounding the pending part up emptied a bucket whose shares were still held, and every
    /// later withdrawal request from the pool reverted. Both parts round down: here the pending part keeps 1 wei.
    function test_SlashRoundingNeverEmptiesAPendingBucket() public {
        _delegate(fan, 1_000_000 ether);
        _request(op, 1); // one share: 1e6 wei pending
        assertEq(staking.poolOf(op).pendingAssets, UNIT);
        uint256 total = 2_000_000 ether;
        _slash(op, total - 2 ether); // the exact pending part would be 1e6 - 1 wei and a bit more
        assertEq(staking.poolOf(op).pendingAssets, 1, "one wei left");
        assertEq(staking.poolOf(op).assets, 2 ether - 1);
        vm.prank(fan);
        staking.requestWithdrawal(op, type(uint256).max);
        assertApproxEqAbs(staking.withdrawalValue(op, fan), 1 ether, 1);
        assertGt(staking.withdrawalOf(op, fan).shares, 0);
    }

    /// A withdrawal landing just before a fixed-amount slash must not make it revert: it takes what is left.
    function test_SlashLargerThanThePoolTakesThePool() public {
        _delegate(fan, 1_000 ether);
        _exit(fan, op); // front-runs a slash sized for the pool with the fan in it
        uint256 supply = token.totalSupply();
        vm.expectEmit(address(staking));
        emit IStakingEvents.Slashed(op, OP_STAKE, bytes32(0));
        _slash(op, OP_STAKE + 1_000 ether);
        assertEq(staking.poolOf(op).assets, 0);
        assertEq(token.totalSupply(), supply - OP_STAKE, "burned what the pool held");
        assertEq(token.balanceOf(address(staking)), 0);
    }

    /// Attack: rounding in slashes and rewards must never make later withdrawals revert (Audius hit this).
    function testFuzz_RoundingNeverStrandsWithdrawals(uint96 slashAmount, uint96 reward, uint96 delegation) public {
        delegation = uint96(bound(delegation, D.MIN_DELEGATION, 5_000_000 ether));
        _delegate(fan, delegation);
        _delegate(fan2, D.MIN_DELEGATION + 7);
        uint256 assets = staking.poolOf(op).assets;
        // Up to all but one share unit: below that, positions round to nothing (see the wiped-out pool tests).
        slashAmount = uint96(bound(slashAmount, 1, assets - UNIT));
        reward = uint96(bound(reward, 1, 1_000_000 ether));
        _slash(op, slashAmount);
        _reward(op, reward);

        vm.prank(op);
        registry.deregister(1);
        _request(op, type(uint256).max);
        _request(fan, type(uint256).max);
        _request(fan2, type(uint256).max);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        vm.prank(fan);
        staking.withdraw(op);
        vm.prank(fan2);
        staking.withdraw(op);
        vm.prank(op);
        staking.withdraw(op);
        assertEq(staking.poolOf(op).assets, 0, "everything paid out");
        assertEq(staking.poolOf(op).shares, 0);
        assertEq(staking.poolOf(op).pendingAssets, 0);
        assertEq(staking.poolOf(op).pendingShares, 0);
        assertEq(token.balanceOf(address(staking)), 0, "nothing stranded in the contract");
    }

    /// Every conversion rounds for the pool: a request takes its shares rounded up and moves their value rounded
    /// down, a payout from the pending bucket is rounded down, and the last one out takes what rounding left.
    function test_RoundingFavoursThePool() public {
        _reward(op, 1 ether + 1); // a share is worth a non-integral number of wei
        _delegate(fan, 1_000 ether + 3);
        _delegate(fan2, 777 ether + 5);
        IStakingEvents.Pool memory pool = staking.poolOf(op);
        (uint256 held,) = staking.positionOf(op, fan);
        uint256 shares = Math.mulDiv(333 ether, pool.shares, pool.assets, Math.Rounding.Ceil);
        uint256 moved = Math.mulDiv(shares, pool.assets, pool.shares);
        vm.expectEmit(address(staking));
        emit IStakingEvents.WithdrawalRequested(op, fan, moved, moved, uint40(block.timestamp + D.UNSTAKE_LOCKUP));
        _request(fan, 333 ether);
        (uint256 left,) = staking.positionOf(op, fan);
        assertEq(left, held - shares);
        assertEq(staking.poolOf(op).assets, pool.assets - moved);
        // A second request into a bucket a slash made non-integral.
        _slash(op, 3 ether + 7);
        pool = staking.poolOf(op);
        (uint256 fan2Shares,) = staking.positionOf(op, fan2);
        uint256 moved2 = Math.mulDiv(fan2Shares, pool.assets, pool.shares);
        uint256 pendingShares2 = Math.mulDiv(moved2, pool.pendingShares, pool.pendingAssets);
        _request(fan2, type(uint256).max);
        assertEq(staking.withdrawalOf(op, fan2).shares, pendingShares2);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        pool = staking.poolOf(op);
        uint256 fanPending = staking.withdrawalOf(op, fan).shares;
        uint256 returned = Math.mulDiv(fanPending, pool.pendingAssets, pool.pendingShares);
        assertEq(staking.withdrawalValue(op, fan), returned);
        vm.expectEmit(address(staking));
        emit IStakingEvents.Transfer(address(0), fan, returned);
        vm.prank(fan);
        staking.cancelWithdrawal(op); // voided by the slash: back to active, leaving fan2 last in the bucket
        pool = staking.poolOf(op);
        assertEq(pool.pendingShares, pendingShares2);
        // fan2 is now the only one in the bucket: it takes all of it, rounding included.
        uint256 before = token.balanceOf(fan2);
        vm.prank(fan2);
        staking.withdraw(op);
        assertEq(token.balanceOf(fan2), before + pool.pendingAssets);
    }

    /// A slash falls on both buckets pro rata (each part rounded down, at most 2 wei short of the amount), never
    /// empties a bucket unless it takes the whole pool, and burns exactly what left the pool.
    function testFuzz_SlashSplitsProRataAcrossBuckets(uint96 pendingAmount, uint96 slashAmount) public {
        _delegate(fan, 1_000_000 ether);
        pendingAmount = uint96(bound(pendingAmount, 1 ether, 900_000 ether));
        _request(fan, pendingAmount);
        IStakingEvents.Pool memory before = staking.poolOf(op);
        uint256 total = before.assets + before.pendingAssets;
        uint256 amount = bound(slashAmount, 1, total + 1_000 ether);
        uint256 supply = token.totalSupply();
        _slash(op, amount);
        IStakingEvents.Pool memory afterSlash = staking.poolOf(op);
        uint256 capped = Math.min(amount, total);
        assertEq(afterSlash.assets, before.assets - Math.mulDiv(capped, before.assets, total));
        assertEq(afterSlash.pendingAssets, before.pendingAssets - Math.mulDiv(capped, before.pendingAssets, total));
        uint256 burned = supply - token.totalSupply();
        assertEq(burned, total - afterSlash.assets - afterSlash.pendingAssets);
        assertLe(burned, capped);
        assertGe(burned + 2, capped);
        if (capped < total) {
            assertGt(afterSlash.assets, 0);
            assertGt(afterSlash.pendingAssets, 0);
        }
        assertEq(staking.getVotes(op), afterSlash.assets);
        assertEq(staking.totalSupply(), afterSlash.assets);
        assertEq(token.balanceOf(address(staking)), afterSlash.assets + afterSlash.pendingAssets);
    }

    /// A pool slashed to nothing takes no deposit and no reward, and its members cannot request from it.
    function test_FullySlashedPoolRefusesDeposits() public {
        _delegate(fan, 1_000 ether);
        _slash(op, OP_STAKE + 1_000 ether);
        assertEq(staking.poolOf(op).assets, 0);
        assertEq(staking.getVotes(op), 0);
        assertEq(staking.balanceOf(fan), 0);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.PoolWipedOut.selector, op));
        vm.prank(issuer);
        staking.addRewards(op, 1, 0);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.PoolWipedOut.selector, op));
        _delegate(fan2, 1_000 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.PoolWipedOut.selector, op));
        vm.prank(op);
        staking.increaseStake(1_000 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.PoolWipedOut.selector, op));
        _request(op, 1);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.PoolWipedOut.selector, op));
        _request(fan, 1);
        // Its members stay bound to it (their positions are worth nothing): see the report on this design.
        assertEq(staking.delegates(fan), op);
    }

    /// A pool slashed to dust prices its shares so low that a deposit would mint more shares than a position holds.
    function test_RevertWhen_DepositOverflowsAccountShares() public {
        _slash(op, OP_STAKE - 1); // 1 wei left for 1e18 shares
        assertEq(staking.poolOf(op).assets, 1);
        uint256 shares = 1_000 ether * (OP_STAKE / UNIT);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.AccountSharesOverflow.selector, shares));
        _delegate(fan, 1_000 ether);
        // An absurd first deposit into an empty pool overflows too (2^80 shares of 1e6 wei: 1.2 trillion AUDIO),
        // before any token moves.
        uint256 absurd = 2_000_000_000_000 ether;
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.AccountSharesOverflow.selector, absurd / UNIT));
        vm.prank(op2);
        registry.register(D.CONTENT_NODE, "https://op2.audius.test", absurd, makeAddr("op2-wallet"));
    }

    // =========================================================================================================
    // Votes (ERC-5805) and snapshots
    // =========================================================================================================

    function test_VotesAreCheckpointedByTimestamp() public {
        vm.warp(t0 + 10);
        _delegate(fan, 1_000 ether);
        vm.warp(t0 + 20);
        assertEq(staking.getPastVotes(op, t0 - 1), 0, "before the pool's first entry");
        assertEq(staking.getPastVotes(op, t0 + 9), OP_STAKE);
        assertEq(staking.getPastVotes(op, t0 + 10), OP_STAKE + 1_000 ether);
        assertEq(staking.getPastTotalSupply(t0 + 9), OP_STAKE);
        assertEq(staking.getPastTotalSupply(t0 + 19), OP_STAKE + 1_000 ether);
        assertEq(staking.getPastVotes(fan, t0 + 19), 0, "a delegator has no votes of its own");
        assertEq(staking.clock(), t0 + 20);
        assertEq(staking.CLOCK_MODE(), "mode=timestamp");
    }

    /// One history entry per change: a past second answers with the state after its last change, however many.
    function test_PastVotesExactWithSeveralChangesInOneSecond() public {
        vm.warp(t0 + 10);
        _delegate(fan, 1_000 ether);
        _delegate(fan2, 500 ether);
        _request(fan, 200 ether);
        vm.prank(op);
        staking.increaseStake(1 ether);
        vm.warp(t0 + 15);
        registerContentNode(op2, 300_000 ether);
        vm.warp(t0 + 20);
        vm.prank(fan2);
        staking.requestWithdrawal(op, type(uint256).max);
        _slash(op2, 100_000 ether);
        _reward(op2, 1_000 ether);
        vm.warp(t0 + 30);
        uint256 atTen = OP_STAKE + 1 ether + 1_300 ether;
        assertEq(staking.getPastVotes(op, t0 + 9), OP_STAKE);
        assertEq(staking.getPastVotes(op, t0 + 10), atTen);
        assertEq(staking.getPastVotes(op, t0 + 19), atTen);
        assertEq(staking.getPastVotes(op, t0 + 20), atTen - 500 ether);
        assertEq(staking.getPastVotes(op2, t0 + 14), 0);
        assertEq(staking.getPastVotes(op2, t0 + 15), 300_000 ether);
        assertEq(staking.getPastVotes(op2, t0 + 20), 201_000 ether);
        assertEq(staking.getPastTotalSupply(t0 + 10), atTen);
        assertEq(staking.getPastTotalSupply(t0 + 15), atTen + 300_000 ether);
        assertEq(staking.getPastTotalSupply(t0 + 29), atTen - 500 ether + 201_000 ether);
        assertEq(staking.getPastTotalSupply(t0 + 29), staking.totalSupply());
    }

    function test_RevertWhen_PastLookupNotInPast() public {
        uint48 now_ = uint48(block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.FutureLookup.selector, block.timestamp, now_));
        staking.getPastVotes(op, block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.FutureLookup.selector, block.timestamp + 1, now_));
        staking.getPastTotalSupply(block.timestamp + 1);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.FutureLookup.selector, block.timestamp, now_));
        staking.getPastBalanceOf(op, block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.FutureLookup.selector, block.timestamp, now_));
        staking.getPastDelegate(op, block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.FutureLookup.selector, block.timestamp, now_));
        staking.rewardBasis(op, block.timestamp - 1, block.timestamp);
    }

    function test_VotesCannotBeRedelegated() public {
        assertEq(staking.delegates(fan), address(0), "nothing staked");
        vm.expectRevert(IStakingEvents.VotesFollowStake.selector);
        vm.prank(fan);
        staking.delegate(op);
        vm.expectRevert(IStakingEvents.VotesFollowStake.selector);
        staking.delegateBySig(op, 0, 0, 0, bytes32(0), bytes32(0));
        assertEq(staking.delegates(fan), address(0));
    }

    /// `delegates` is where an account's stake votes: its balance is part of that operator's votes, and the pool's
    /// members' balances add up to them (each rounded down).
    function test_DelegatesFollowStake() public {
        vm.prank(op);
        staking.requestCutChange(333);
        vm.warp(block.timestamp + D.CUT_COOLDOWN);
        staking.applyCutChange(op);
        _delegate(fan, 1_234 ether + 1);
        _delegate(fan2, 777 ether + 3);
        _reward(op, 12_345 ether + 7);
        assertEq(staking.delegates(op), op);
        assertEq(staking.delegates(fan), op);
        assertEq(staking.delegates(fan2), op);
        assertEq(staking.delegates(makeAddr("nobody")), address(0));
        uint256 votes = staking.getVotes(staking.delegates(fan));
        uint256 sum = staking.balanceOf(op) + staking.balanceOf(fan) + staking.balanceOf(fan2);
        assertLe(sum, votes);
        assertGe(sum + 3, votes);
        assertGt(staking.balanceOf(fan), 1_234 ether);
    }

    function test_Erc20Metadata() public {
        assertEq(staking.name(), "Staked Audius");
        assertEq(staking.symbol(), "stAUDIO");
        assertEq(staking.decimals(), 18);
        assertEq(staking.totalSupply(), OP_STAKE);
        assertEq(staking.balanceOf(op), OP_STAKE, "an operator's own stake, not its pool");
        _delegate(fan, 1_000 ether);
        _request(fan, 400 ether);
        assertEq(staking.totalSupply(), OP_STAKE + 600 ether, "active stake only");
        assertEq(staking.totalSupply(), staking.totalStaked());
        assertEq(staking.balanceOf(op), OP_STAKE);
        assertEq(staking.balanceOf(fan), 600 ether);
        assertEq(staking.balanceOf(fan2), 0);
        // Rewards rebase the balances.
        _reward(op, 100_060 ether); // +10 %
        assertEq(staking.totalSupply(), OP_STAKE + 600 ether + 100_060 ether);
        assertApproxEqAbs(staking.balanceOf(fan), 660 ether, 1);
    }

    function test_TransferEventsMarkActiveStake() public {
        vm.expectEmit(address(staking));
        emit IStakingEvents.Transfer(address(0), fan, 1_000 ether);
        _delegate(fan, 1_000 ether);
        vm.expectEmit(address(staking));
        emit IStakingEvents.Transfer(fan, address(0), 400 ether);
        _request(fan, 400 ether);
        vm.expectEmit(address(staking));
        emit IStakingEvents.Transfer(address(0), fan, 400 ether);
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        vm.expectEmit(address(staking));
        emit IStakingEvents.Transfer(fan, address(0), 1_000 ether);
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        // Rewards, slashes and payouts are no transfers of the staked balance.
        vm.recordLogs();
        _reward(op, 1_000 ether);
        _slash(op, 1_000 ether);
        vm.prank(op);
        staking.cancelRemoveDelegator(fan); // one Transfer: the stake back
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(_stakingLogs(logs, IStakingEvents.Transfer.selector), 1);
    }

    function test_DelegateChangedOnlyWhenMembershipChanges() public {
        vm.recordLogs();
        _delegate(fan, 1_000 ether);
        _delegate(fan, 1_000 ether);
        _request(fan, 500 ether);
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(_stakingLogs(logs, IVotes.DelegateChanged.selector), 1, "only the join");
        assertEq(_stakingLogs(logs, IVotes.DelegateVotesChanged.selector), 4, "every change of the pool");
    }

    function test_DelegateVotesChangedOnEveryPoolChange() public {
        vm.expectEmit(address(staking));
        emit IVotes.DelegateVotesChanged(op, OP_STAKE, OP_STAKE + 1_000 ether);
        _delegate(fan, 1_000 ether);
        vm.expectEmit(address(staking));
        emit IVotes.DelegateVotesChanged(op, OP_STAKE + 1_000 ether, OP_STAKE + 600 ether);
        _request(fan, 400 ether);
        _mintToStaking(1_000 ether);
        vm.expectEmit(address(staking));
        emit IVotes.DelegateVotesChanged(op, OP_STAKE + 600 ether, OP_STAKE + 1_600 ether);
        vm.prank(issuer);
        staking.addRewards(op, 1_000 ether, 0);
        uint256 active = OP_STAKE + 1_600 ether;
        uint256 activeLoss = Math.mulDiv(2_000 ether, active, active + 400 ether);
        vm.expectEmit(address(staking));
        emit IVotes.DelegateVotesChanged(op, active, active - activeLoss);
        _slash(op, 2_000 ether);
        uint256 pendingLeft = staking.poolOf(op).pendingAssets;
        assertEq(pendingLeft, 400 ether - Math.mulDiv(2_000 ether, 400 ether, active + 400 ether));
        vm.expectEmit(address(staking));
        emit IVotes.DelegateVotesChanged(op, active - activeLoss, active - activeLoss + pendingLeft);
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        assertEq(staking.getVotes(op), staking.poolOf(op).assets);
    }

    /// Override votes read an account's stake at a proposal snapshot: what it held then, valued at its pool's price
    /// then, whatever it did afterwards while a proposal may be open (the frozen value, then its history).
    function test_PastBalanceAndDelegateAtASnapshot() public {
        vm.warp(t0 + 10);
        _delegate(fan, 1_000 ether);
        vm.warp(t0 + 20);
        registerSnapshot();
        uint256 snapshot = t0 + 20;
        vm.warp(t0 + 30);
        _delegate(fan, 500 ether);
        vm.warp(t0 + 31);
        // Only the frozen value has it now.
        assertEq(staking.getPastBalanceOf(fan, snapshot), 1_000 ether);
        vm.warp(t0 + 40);
        _reward(op, 100_150 ether); // +10 % on the pool: a rebase, the fan's shares are untouched
        vm.warp(t0 + 50);
        _request(fan, 300 ether); // the value held at the snapshot moves to the history
        vm.warp(t0 + 60);
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        vm.warp(t0 + 70);

        assertEq(staking.getPastBalanceOf(fan, t0 + 9), 0);
        assertEq(staking.getPastDelegate(fan, t0 + 9), address(0));
        assertEq(staking.getPastBalanceOf(fan, snapshot), 1_000 ether, "the value at the snapshot");
        assertEq(staking.getPastDelegate(fan, snapshot), op);
        assertEq(staking.getPastBalanceOf(op, snapshot), OP_STAKE);
        assertEq(staking.getPastDelegate(op, snapshot), op);
        assertLe(
            staking.getPastBalanceOf(fan, snapshot) + staking.getPastBalanceOf(op, snapshot),
            staking.getPastVotes(op, snapshot)
        );
        assertEq(staking.getPastBalanceOf(fan, t0 + 65), staking.balanceOf(fan));
        assertApproxEqAbs(staking.balanceOf(fan), 1_650 ether, 3 * UNIT);
    }

    /// Review finding: before an account's second change its frozen value is the zero it held before staking,
    /// and the delegate then is nobody, not its current operator.
    function test_PastDelegateBeforeTheFirstStake() public {
        vm.warp(t0 + 10);
        _delegate(fan, 1_000 ether);
        _delegate(fan, 500 ether); // same second: still one change for the position's history
        vm.warp(t0 + 20);
        assertEq(staking.getPastDelegate(fan, t0 + 9), address(0));
        assertEq(staking.getPastBalanceOf(fan, t0 + 9), 0);
        assertEq(staking.getPastDelegate(fan, t0 + 10), op);
        assertEq(staking.getPastBalanceOf(fan, t0 + 10), 1_500 ether);
        // After a second change too.
        _request(fan, 500 ether);
        vm.warp(t0 + 30);
        assertEq(staking.getPastDelegate(fan, t0 + 9), address(0));
        assertEq(staking.getPastBalanceOf(fan, t0 + 15), 1_500 ether);
        assertEq(staking.getPastBalanceOf(fan, t0 + 25), 1_000 ether);
    }

    /// The account's history is kept only while a proposal whose snapshot needs it may still be open: a value no
    /// registered snapshot points into is not kept, nor one replaced more than a lockup after it last changed.
    function test_PastBalanceKeptWhileAProposalMayBeOpen() public {
        // No snapshot: two changes later, the first value is gone (the frozen value is only the last one).
        vm.warp(t0 + 10);
        _delegate(fan, 1_000 ether);
        vm.warp(t0 + 20);
        _delegate(fan, 500 ether);
        vm.warp(t0 + 30);
        _delegate(fan, 100 ether);
        vm.warp(t0 + 40);
        assertEq(staking.getPastBalanceOf(fan, t0 + 10), 0, "not kept: no snapshot after it");
        assertEq(staking.getPastBalanceOf(fan, t0 + 20), 1_500 ether);
        assertEq(staking.getPastBalanceOf(fan, t0 + 30), 1_600 ether);

        // A snapshot: kept through later changes within the lockup of the change that replaced it...
        registerSnapshot();
        uint256 snapshot = block.timestamp;
        vm.warp(snapshot + 10);
        _delegate(fan, 1 ether);
        uint256 replacedAt = block.timestamp;
        vm.warp(replacedAt + D.UNSTAKE_LOCKUP - 1);
        _delegate(fan, 1 ether);
        vm.warp(block.timestamp + 1);
        assertEq(staking.getPastBalanceOf(fan, snapshot), 1_600 ether);
        assertEq(staking.getPastDelegate(fan, snapshot), op);

        // ...not once it is replaced a lockup or more after it started: no proposal from before can still be open,
        // and a lookup there falls back on an older entry of the history.
        registerSnapshot();
        uint256 later = block.timestamp;
        vm.warp(later + 10);
        _delegate(fan, 1 ether); // 1_602, held at `later`, becomes the frozen value
        uint256 frozenUntil = block.timestamp;
        vm.warp(frozenUntil + 1);
        assertEq(staking.getPastBalanceOf(fan, later), 1_602 ether);
        vm.warp(frozenUntil + D.UNSTAKE_LOCKUP + D.ATTESTATION_WINDOW); // (a deposit waits for round 3's window)
        _delegate(fan, 1 ether);
        vm.warp(block.timestamp + 1);
        assertEq(staking.getPastBalanceOf(fan, snapshot), 1_600 ether, "older history stays");
        assertEq(staking.getPastBalanceOf(fan, later), 1_601 ether, "stale: the entry before it");
        assertEq(staking.balanceOf(fan), 1_604 ether);
    }

    function test_PastBalanceValuedAtThePoolPriceThen() public {
        _delegate(fan, 1_000 ether);
        vm.warp(block.timestamp + 10);
        registerSnapshot();
        uint256 snapshot = block.timestamp;
        vm.warp(snapshot + 1);
        _slash(op, (OP_STAKE + 1_000 ether) / 2);
        _reward(op, 1 ether);
        vm.warp(block.timestamp + 1);
        assertEq(staking.getPastBalanceOf(fan, snapshot), 1_000 ether);
        assertApproxEqAbs(staking.balanceOf(fan), 500 ether + Math.mulDiv(1 ether, 1_000, 1_001_000), 2);
        assertEq(staking.getPastBalanceOf(fan, snapshot + 1), staking.balanceOf(fan));
    }

    function test_RevertWhen_RegisterSnapshotNotByGovernor() public {
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NotGovernor.selector, fan));
        vm.prank(fan);
        staking.registerSnapshot();
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.NotGovernor.selector, gov));
        vm.prank(gov);
        staking.registerSnapshot();
    }

    function test_RegisterSnapshotReturnsTotalAtEndOfPreviousSecond() public {
        vm.warp(block.timestamp + 1);
        _delegate(fan, 1_000 ether);
        _delegate(fan2, 500 ether);
        assertEq(registerSnapshot(), OP_STAKE, "this second's changes are not final yet");
        vm.warp(block.timestamp + 1);
        assertEq(registerSnapshot(), OP_STAKE + 1_500 ether);
        _request(fan, 1_000 ether);
        assertEq(registerSnapshot(), OP_STAKE + 1_500 ether);
        vm.warp(block.timestamp + 100);
        assertEq(registerSnapshot(), OP_STAKE + 500 ether);
    }

    function test_TotalStakeBefore() public {
        vm.warp(block.timestamp + 1);
        assertEq(staking.totalStakeBefore(), OP_STAKE);
        _delegate(fan, 1_000 ether);
        assertEq(staking.totalStakeBefore(), OP_STAKE);
        assertEq(staking.totalSupply(), OP_STAKE + 1_000 ether);
        vm.warp(block.timestamp + 1);
        assertEq(staking.totalStakeBefore(), OP_STAKE + 1_000 ether);
        _request(fan, 400 ether);
        _slash(op, 1_000 ether);
        assertEq(staking.totalStakeBefore(), OP_STAKE + 1_000 ether);
        vm.warp(block.timestamp + 1);
        assertEq(staking.totalStakeBefore(), staking.totalSupply());
        assertEq(staking.totalStakeBefore(), staking.getPastTotalSupply(block.timestamp - 1));
    }

    /// Fix of L-2: the value a feature tier follows drops with a slash and goes to zero with an exit.
    function test_StakedValueOfAfterSlashAndExit() public {
        _delegate(fan, 1_000_000 ether);
        _request(fan, 400_000 ether);
        assertEq(staking.stakedValueOf(fan), 1_000_000 ether);
        _slash(op, 500_000 ether); // a quarter of both buckets
        assertEq(staking.stakedValueOf(fan), 750_000 ether);
        assertEq(staking.stakedValueOf(op), 750_000 ether);
        assertEq(staking.stakedValueOf(op), staking.operatorStake(op));
        vm.startPrank(fan);
        staking.cancelWithdrawal(op);
        staking.requestWithdrawal(op, type(uint256).max);
        vm.stopPrank();
        assertApproxEqAbs(staking.stakedValueOf(fan), 750_000 ether, 1);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        vm.prank(fan);
        staking.withdraw(op);
        assertEq(staking.stakedValueOf(fan), 0);
    }

    // =========================================================================================================
    // Views (several are served by the StakingOps library through DELEGATECALL)
    // =========================================================================================================

    function test_OpsViewsThroughTheContract() public {
        vm.prank(op);
        staking.setMinDelegation(200 ether);
        vm.prank(op);
        staking.requestCutChange(500);
        _delegate(fan, 2_000 ether);
        _request(fan, 500 ether);
        IStakingEvents.Pool memory pool = staking.poolOf(op);
        assertEq(pool.assets, OP_STAKE + 1_500 ether);
        assertEq(pool.shares, (OP_STAKE + 1_500 ether) / UNIT);
        assertEq(pool.minStake, D.CONTENT_NODE_MIN_STAKE);
        assertEq(pool.maxStake, D.CONTENT_NODE_MAX_STAKE);
        assertEq(pool.cutBps, 0);
        assertEq(pool.slashEpoch, 0);
        assertEq(pool.pendingAssets, 500 ether);
        assertEq(pool.pendingShares, 500 ether);
        assertEq(pool.minDelegation, 200 ether);
        assertEq(pool.pendingCutBps, 500);
        assertEq(pool.cutEffectiveAt, block.timestamp + D.CUT_COOLDOWN);
        assertEq(pool.id, 1);
        assertEq(staking.poolCount(), 1);
        assertEq(staking.poolOperator(1), op);
        assertEq(staking.poolOperator(2), address(0));
        (uint256 shares, uint256 assets) = staking.positionOf(op, fan);
        assertEq(shares, 1_500 ether / UNIT);
        assertEq(assets, 1_500 ether);
        assertEq(staking.withdrawalValue(op, fan), 500 ether);
        assertEq(staking.operatorStake(op), OP_STAKE);
        // Nothing for accounts outside the pool.
        (shares, assets) = staking.positionOf(op, fan2);
        assertEq(shares + assets, 0);
        assertEq(staking.withdrawalOf(op, fan2).shares, 0);
        assertEq(staking.withdrawalValue(op2, fan), 0);
        (uint40 removalAt, uint32 epoch) = _removal(op, fan);
        assertEq(removalAt + epoch, 0, "a withdrawal is not a removal");
        assertTrue(staking.isWithinBounds(op));
    }

    function test_Views() public view {
        assertEq(address(staking.token()), address(token));
        assertEq(staking.registry(), address(registry));
        assertEq(staking.issuance(), issuer);
        assertEq(address(staking.governor()), address(governor));
        assertEq(staking.BPS(), 10_000);
        assertEq(staking.settledUntil(op), t0 + D.ROUND_DURATION);
    }

    // =========================================================================================================
    // Accounting fuzz
    // =========================================================================================================

    /// Deposit, request and cancel move value exactly between the buckets and keep balances within rounding of
    /// the votes, at any price.
    function testFuzz_DepositRequestCancelKeepAccounting(uint96 amount, uint96 requested, uint96 reward) public {
        _reward(op, bound(reward, 1, 1_000_000 ether)); // an arbitrary share price
        amount = uint96(bound(amount, D.MIN_DELEGATION, 5_000_000 ether));
        _delegate(fan, amount);
        uint256 price = Math.mulDiv(staking.poolOf(op).assets, 1, staking.poolOf(op).shares, Math.Rounding.Ceil);
        assertLe(staking.balanceOf(fan), amount);
        assertGe(staking.balanceOf(fan) + price, amount, "at most one share lost to rounding");
        uint256 held = staking.balanceOf(fan);
        requested = uint96(bound(requested, 1, held));
        if (held - requested < D.MIN_DELEGATION && requested < held) requested = uint96(held);
        _request(fan, requested);
        uint256 pending = staking.withdrawalValue(op, fan);
        assertGe(pending + 1, requested, "the request takes at least what was asked");
        assertLe(pending, requested + price);
        assertApproxEqAbs(staking.balanceOf(fan) + pending, held, price + 1);
        assertEq(staking.totalSupply() + staking.poolOf(op).pendingAssets, token.balanceOf(address(staking)));
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        assertApproxEqAbs(staking.balanceOf(fan), held, 2 * price + 1);
        assertEq(staking.poolOf(op).pendingAssets, 0);
        assertEq(staking.totalSupply(), token.balanceOf(address(staking)));
        uint256 sum = staking.balanceOf(op) + staking.balanceOf(fan);
        assertLe(sum, staking.getVotes(op));
        assertGe(sum + 2, staking.getVotes(op));
    }
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {StakingFixture} from "./utils/StakingFixture.sol";
import {Staking} from "../src/staking/Staking.sol";
import {GovernedUUPS} from "../src/utils/GovernedUUPS.sol";
import {IGovernanceWindow} from "../src/governance/IGovernanceWindow.sol";
import {ProtocolDefaults as D} from "../src/ProtocolDefaults.sol";

contract FixedWindow is IGovernanceWindow {
    uint256 public governanceWindow;

    constructor(uint256 window) {
        governanceWindow = window;
    }
}

contract StakingTest is StakingFixture {
    address internal op;
    address internal fan;
    address internal fan2;
    address internal issuer;
    uint256 internal constant OP_STAKE = 1_000_000 ether;

    function setUp() public override {
        super.setUp();
        op = funded("operator", 20_000_000 ether);
        fan = funded("fan", 20_000_000 ether);
        fan2 = funded("fan2", 20_000_000 ether);
        registerContentNode(op, OP_STAKE);
        issuer = address(deployIssuance());
    }

    function _delegate(address who, uint256 amount) internal {
        vm.prank(who);
        staking.delegateStake(op, amount);
    }

    /// @dev Mint `amount` to staking as the issuance contract would, then credit it to `op`.
    function _reward(uint256 amount) internal {
        vm.prank(gov);
        token.setMinter(address(this));
        token.mint(address(staking), amount);
        vm.prank(issuer);
        staking.addRewards(op, amount);
    }

    // ---- initialization and upgrades (July 2022 takeover) ----

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
        address next = address(new Staking());
        vm.expectRevert(abi.encodeWithSelector(GovernedUUPS.NotGovernance.selector, fan));
        vm.prank(fan);
        staking.upgradeToAndCall(next, "");

        vm.prank(gov);
        staking.upgradeToAndCall(next, "");
        // State survives the upgrade (namespaced storage).
        assertEq(staking.poolOf(op).assets, OP_STAKE);
        // And the upgraded proxy still cannot be re-initialized.
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
    }

    function test_StorageSlotsFollowErc7201() public pure {
        assertEq(
            keccak256(abi.encode(uint256(keccak256("audius.storage.Staking")) - 1)) & ~bytes32(uint256(0xff)),
            0x62eb347a7d00fafea9ed157464c3a19b3ebe7c92e5af3d86fd7b5b2596efc800
        );
    }

    // ---- governance parameters ----

    function test_GovernanceSetters() public {
        vm.startPrank(gov);
        vm.expectEmit(address(staking));
        emit Staking.LockupsSet(9 days, 10 days, 10 days, 3 days);
        staking.setLockups(9 days, 10 days, 10 days, 3 days);
        staking.setGlobalMinDelegation(5 ether);
        vm.stopPrank();
        (uint40 unstake, uint40 removal, uint40 cooldown) = staking.lockups();
        assertEq(unstake, 9 days);
        assertEq(removal, 10 days);
        assertEq(cooldown, 10 days);
        assertEq(staking.executionWindow(), 3 days);
        assertEq(staking.globalMinDelegation(), 5 ether);
        assertEq(staking.minWithdrawalLockup(), 9 days);
    }

    function test_RevertWhen_GovernanceSettersByOthers() public {
        vm.startPrank(fan);
        bytes memory notGov = abi.encodeWithSelector(GovernedUUPS.NotGovernance.selector, fan);
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

    function test_LockupsMustExceedGovernanceWindow() public {
        FixedWindow window = new FixedWindow(5 days);
        vm.startPrank(gov);
        staking.setGovernor(window);
        assertEq(address(staking.governor()), address(window));
        vm.expectRevert(abi.encodeWithSelector(Staking.LockupTooShort.selector, 5 days, 5 days));
        staking.setLockups(5 days, 8 days, 9 days, 1 days);
        vm.expectRevert(abi.encodeWithSelector(Staking.LockupTooShort.selector, 4 days, 5 days));
        staking.setLockups(8 days, 4 days, 9 days, 1 days);
        // A governor whose window the current lockups do not exceed is refused.
        FixedWindow slow = new FixedWindow(30 days);
        vm.expectRevert(abi.encodeWithSelector(Staking.LockupTooShort.selector, D.UNSTAKE_LOCKUP, 30 days));
        staking.setGovernor(slow);
        vm.stopPrank();
    }

    /// A cut change must not apply before delegators who object to it can leave, and a matured request must expire.
    function test_RevertWhen_CooldownOrWindowInvalid() public {
        vm.startPrank(gov);
        vm.expectRevert(abi.encodeWithSelector(Staking.CooldownTooShort.selector, 8 days, 8 days));
        staking.setLockups(8 days, 8 days, 8 days, 1 days);
        vm.expectRevert(Staking.ZeroExecutionWindow.selector);
        staking.setLockups(8 days, 8 days, 9 days, 0);
        vm.stopPrank();
    }

    // ---- operator stake ----

    function test_IncreaseStake() public {
        vm.prank(op);
        staking.increaseStake(1 ether);
        assertEq(staking.operatorStake(op), OP_STAKE + 1 ether);
        assertEq(staking.getVotes(op), OP_STAKE + 1 ether);
    }

    function test_RevertWhen_IncreaseStakeInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(Staking.NoServices.selector, fan));
        vm.prank(fan);
        staking.increaseStake(1 ether);
        vm.expectRevert(Staking.ZeroAmount.selector);
        vm.prank(op);
        staking.increaseStake(0);
        uint256 tooMuch = D.CONTENT_NODE_MAX_STAKE - OP_STAKE + 1;
        vm.expectRevert(
            abi.encodeWithSelector(Staking.AboveMaxStake.selector, OP_STAKE + tooMuch, D.CONTENT_NODE_MAX_STAKE)
        );
        vm.prank(op);
        staking.increaseStake(tooMuch);
    }

    function test_OperatorDecreaseStake_RequestLockupWithdraw() public {
        uint256 before = token.balanceOf(op);
        vm.prank(op);
        staking.requestWithdrawal(op, 300_000 ether);
        Staking.Withdrawal memory w = staking.withdrawalOf(op, op);
        assertEq(w.shares, 300_000 ether);
        assertEq(w.unlockAt, block.timestamp + D.UNSTAKE_LOCKUP);
        assertEq(staking.withdrawalValue(op, op), 300_000 ether);
        assertEq(staking.getVotes(op), OP_STAKE - 300_000 ether, "stake on its way out no longer votes");
        assertEq(staking.operatorStake(op), OP_STAKE, "but it is still the operator's (and slashable)");

        vm.expectRevert(abi.encodeWithSelector(Staking.StillLocked.selector, w.unlockAt));
        vm.prank(op);
        staking.withdraw(op);

        vm.warp(w.unlockAt);
        vm.prank(op);
        staking.withdraw(op);
        assertEq(token.balanceOf(op), before + 300_000 ether);
        assertEq(staking.operatorStake(op), OP_STAKE - 300_000 ether);
        assertEq(staking.getVotes(op), OP_STAKE - 300_000 ether);
        assertEq(staking.totalStaked(), OP_STAKE - 300_000 ether);
    }

    function test_RevertWhen_OperatorDecreaseBelowMinimum() public {
        uint256 remaining = OP_STAKE - 900_000 ether;
        vm.expectRevert(abi.encodeWithSelector(Staking.BelowMinStake.selector, remaining, D.CONTENT_NODE_MIN_STAKE));
        vm.prank(op);
        staking.requestWithdrawal(op, 900_000 ether);
    }

    function test_OperatorWithdrawsEverythingAfterDeregistering() public {
        vm.startPrank(op);
        registry.deregister(1);
        staking.requestWithdrawal(op, type(uint256).max);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        staking.withdraw(op);
        vm.stopPrank();
        assertEq(staking.poolOf(op).assets, 0);
        assertEq(staking.totalStaked(), 0);
        assertEq(token.balanceOf(address(staking)), 0);
    }

    // ---- delegation ----

    function test_Delegate_MintsSharesAndVotesToOperator() public {
        vm.expectEmit(address(staking));
        emit Staking.Deposited(op, fan, 1_000 ether, 1_000 ether);
        _delegate(fan, 1_000 ether);
        (uint256 shares, uint256 assets) = staking.positionOf(op, fan);
        assertEq(shares, 1_000 ether);
        assertEq(assets, 1_000 ether);
        assertEq(staking.getVotes(op), OP_STAKE + 1_000 ether);
        assertEq(staking.getVotes(fan), 0, "votes follow stake to the operator");
        assertEq(staking.principalOf(fan), 1_000 ether);
    }

    function test_RevertWhen_DelegateInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(Staking.NoServices.selector, fan2));
        vm.prank(fan);
        staking.delegateStake(fan2, 1_000 ether);
        vm.expectRevert(abi.encodeWithSelector(Staking.BelowMinDelegation.selector, 99 ether, D.MIN_DELEGATION));
        _delegate(fan, 99 ether);
        vm.expectRevert(Staking.ZeroAmount.selector);
        _delegate(fan, 0);
        uint256 room = D.CONTENT_NODE_MAX_STAKE - OP_STAKE;
        vm.expectRevert(
            abi.encodeWithSelector(Staking.AboveMaxStake.selector, OP_STAKE + room + 1, D.CONTENT_NODE_MAX_STAKE)
        );
        _delegate(fan, room + 1);
    }

    function test_OperatorMinimumDelegation() public {
        vm.expectEmit(address(staking));
        emit Staking.OperatorMinDelegationSet(op, 500 ether);
        vm.prank(op);
        staking.setMinDelegation(500 ether);
        vm.expectRevert(abi.encodeWithSelector(Staking.BelowMinDelegation.selector, 400 ether, 500 ether));
        _delegate(fan, 400 ether);
        _delegate(fan, 500 ether);
    }

    function test_Undelegate_RequestLockupWithdraw() public {
        _delegate(fan, 1_000 ether);
        uint256 before = token.balanceOf(fan);
        vm.prank(fan);
        staking.requestWithdrawal(op, 400 ether);
        (uint256 shares,) = staking.positionOf(op, fan);
        assertEq(shares, 600 ether);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        vm.prank(fan);
        staking.withdraw(op);
        assertEq(token.balanceOf(fan), before + 400 ether);
        assertEq(staking.principalOf(fan), 600 ether);
        assertEq(staking.getVotes(op), OP_STAKE + 600 ether);
    }

    function test_RevertWhen_WithdrawalRequestInvalid() public {
        vm.expectRevert(Staking.ZeroAmount.selector);
        vm.prank(fan);
        staking.requestWithdrawal(op, 0);
        vm.expectRevert(abi.encodeWithSelector(Staking.InsufficientStake.selector, 1 ether, 0));
        vm.prank(fan);
        staking.requestWithdrawal(op, 1 ether);

        _delegate(fan, 1_000 ether);
        vm.expectRevert(abi.encodeWithSelector(Staking.BelowMinDelegation.selector, 50 ether, D.MIN_DELEGATION));
        vm.prank(fan);
        staking.requestWithdrawal(op, 950 ether);

        vm.prank(fan);
        staking.requestWithdrawal(op, 100 ether);
        vm.expectRevert(Staking.WithdrawalPending.selector);
        vm.prank(fan);
        staking.requestWithdrawal(op, 100 ether);
    }

    function test_RevertWhen_NothingToWithdrawOrCancel() public {
        vm.expectRevert(Staking.NoWithdrawal.selector);
        vm.prank(fan);
        staking.withdraw(op);
        vm.expectRevert(Staking.NoWithdrawal.selector);
        vm.prank(fan);
        staking.cancelWithdrawal(op);
    }

    function test_RequestMoreThanPositionTakesWholePosition() public {
        _delegate(fan, 1_000 ether);
        vm.prank(fan);
        staking.requestWithdrawal(op, 5_000 ether);
        assertEq(staking.withdrawalOf(op, fan).shares, 1_000 ether);
    }

    /// Attack: cancelling an undelegation must not leave the stake locked (it did in Audius).
    function test_CancelledWithdrawalLeavesStakeFullyUsable() public {
        _delegate(fan, 1_000 ether);
        vm.prank(fan);
        staking.requestWithdrawal(op, 1_000 ether);
        vm.expectEmit(address(staking));
        emit Staking.WithdrawalCancelled(op, fan, 1_000 ether, 1_000 ether);
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        (uint256 shares,) = staking.positionOf(op, fan);
        assertEq(shares, 1_000 ether);
        // It can be requested and withdrawn again, in full.
        vm.prank(fan);
        staking.requestWithdrawal(op, 1_000 ether);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        uint256 before = token.balanceOf(fan);
        vm.prank(fan);
        staking.withdraw(op);
        assertEq(token.balanceOf(fan), before + 1_000 ether);
    }

    /// A matured request is not an exit option to hold until a slash is proposed: it expires after the execution
    /// window, and can then only be cancelled (back to active stake) and requested again.
    function test_MaturedWithdrawalExpires() public {
        _delegate(fan, 1_000 ether);
        vm.prank(fan);
        staking.requestWithdrawal(op, 1_000 ether);
        uint256 expiresAt = block.timestamp + D.UNSTAKE_LOCKUP + D.EXECUTION_WINDOW;
        vm.warp(expiresAt);
        vm.expectRevert(abi.encodeWithSelector(Staking.Expired.selector, expiresAt));
        vm.prank(fan);
        staking.withdraw(op);
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        (, uint256 assets) = staking.positionOf(op, fan);
        assertEq(assets, 1_000 ether, "nothing lost");
        assertEq(staking.getVotes(op), OP_STAKE + 1_000 ether);
    }

    /// Stake pending withdrawal earns neither rewards nor fees: they go to the stake that stays.
    function test_PendingWithdrawalEarnsNothing() public {
        _delegate(fan, 1_000_000 ether);
        _delegate(fan2, 1_000_000 ether);
        vm.prank(fan);
        staking.requestWithdrawal(op, 1_000_000 ether);
        _reward(200_000 ether);
        address payer = funded("payer", 1_000 ether);
        vm.prank(payer);
        staking.depositFees(1_000 ether);
        staking.creditFees(op);
        assertEq(staking.withdrawalValue(op, fan), 1_000_000 ether, "the leaver's value is frozen");
        (, uint256 fan2Assets) = staking.positionOf(op, fan2);
        assertApproxEqAbs(fan2Assets, 1_100_500 ether, 2, "half of the reward and fees (no cut)");
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        uint256 before = token.balanceOf(fan);
        vm.prank(fan);
        staking.withdraw(op);
        assertEq(token.balanceOf(fan), before + 1_000_000 ether);
    }

    /// Stake pending withdrawal stays at risk: a slash takes its pro-rata part, whoever leaves first.
    function test_SlashReachesPendingWithdrawalsProRata() public {
        _delegate(fan, 1_000_000 ether);
        vm.prank(fan);
        staking.requestWithdrawal(op, 1_000_000 ether);
        vm.prank(gov);
        staking.slash(op, 500_000 ether, bytes32(0)); // a quarter of 2M
        assertEq(staking.withdrawalValue(op, fan), 750_000 ether);
        assertEq(staking.operatorStake(op), 750_000 ether);
        assertEq(staking.poolOf(op).pendingAssets, 750_000 ether);
        assertEq(staking.totalStaked(), 750_000 ether, "voting supply: active stake only");
        // Voided, the request is cancelled back into the pool at its slashed value.
        vm.prank(fan);
        staking.cancelWithdrawal(op);
        (, uint256 assets) = staking.positionOf(op, fan);
        assertApproxEqAbs(assets, 750_000 ether, 1);
    }

    /// Review finding: a slash rounding the pending part up emptied a bucket holding one wei of pending shares, and
    /// every later withdrawal request from the pool reverted. Both parts now round down.
    function test_SlashRoundingNeverEmptiesAPendingBucket() public {
        _delegate(fan, 1_000_000 ether);
        vm.prank(op);
        staking.requestWithdrawal(op, 1);
        vm.prank(gov);
        staking.slash(op, 10_000 ether, bytes32(0));
        assertEq(staking.poolOf(op).pendingAssets, 1, "one wei pending: its share of 10k of 2M rounds to zero");
        vm.prank(fan);
        staking.requestWithdrawal(op, type(uint256).max);
        assertGt(staking.withdrawalValue(op, fan), 0);
    }

    // ---- delegator removal ----

    function test_OperatorRemovesDelegatorAfterLockup() public {
        _delegate(fan, 1_000 ether);
        vm.prank(fan);
        staking.requestWithdrawal(op, 200 ether);
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        uint40 effectiveAt = staking.removalOf(op, fan).effectiveAt;
        assertEq(effectiveAt, block.timestamp + D.REMOVE_DELEGATOR_LOCKUP);

        vm.expectRevert(abi.encodeWithSelector(Staking.StillLocked.selector, effectiveAt));
        vm.prank(op);
        staking.removeDelegator(fan);

        vm.warp(effectiveAt);
        uint256 before = token.balanceOf(fan);
        vm.expectEmit(address(staking));
        emit Staking.Withdrawn(op, fan, 1_000 ether);
        vm.prank(op);
        staking.removeDelegator(fan);
        assertEq(token.balanceOf(fan), before + 1_000 ether, "active and pending shares are paid out");
        (uint256 shares,) = staking.positionOf(op, fan);
        assertEq(shares, 0);
        assertEq(staking.withdrawalOf(op, fan).shares, 0);
        assertEq(staking.removalOf(op, fan).effectiveAt, 0);
    }

    /// An operator's long-matured removal of its own alt account must not be an instant exit around a slash.
    function test_SlashVoidsPendingRemovals() public {
        _delegate(fan, 1_000 ether);
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        vm.prank(gov);
        staking.slash(op, 1 ether, bytes32(0));
        vm.warp(block.timestamp + D.REMOVE_DELEGATOR_LOCKUP);
        vm.expectRevert(Staking.VoidedBySlash.selector);
        vm.prank(op);
        staking.removeDelegator(fan);
    }

    function test_MaturedRemovalExpires() public {
        _delegate(fan, 1_000 ether);
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        uint256 expiresAt = block.timestamp + D.REMOVE_DELEGATOR_LOCKUP + D.EXECUTION_WINDOW;
        vm.warp(expiresAt);
        vm.expectRevert(abi.encodeWithSelector(Staking.Expired.selector, expiresAt));
        vm.prank(op);
        staking.removeDelegator(fan);
    }

    function test_RemovalCanBeCancelled() public {
        _delegate(fan, 1_000 ether);
        vm.startPrank(op);
        staking.requestRemoveDelegator(fan);
        vm.expectEmit(address(staking));
        emit Staking.DelegatorRemovalCancelled(op, fan);
        staking.cancelRemoveDelegator(fan);
        vm.expectRevert(Staking.NoRemoval.selector);
        staking.removeDelegator(fan);
        vm.expectRevert(Staking.NoRemoval.selector);
        staking.cancelRemoveDelegator(fan);
        vm.stopPrank();
    }

    function test_RevertWhen_RemovingNonDelegator() public {
        vm.startPrank(op);
        vm.expectRevert(abi.encodeWithSelector(Staking.NotADelegator.selector, fan));
        staking.requestRemoveDelegator(fan);
        vm.expectRevert(abi.encodeWithSelector(Staking.NotADelegator.selector, op));
        staking.requestRemoveDelegator(op);
        vm.stopPrank();
    }

    function test_RevertWhen_RemovedDelegatorAlreadyLeft() public {
        _delegate(fan, 1_000 ether);
        vm.prank(op);
        staking.requestRemoveDelegator(fan);
        vm.prank(fan);
        staking.requestWithdrawal(op, 1_000 ether);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        vm.prank(fan);
        staking.withdraw(op);
        vm.expectRevert(abi.encodeWithSelector(Staking.NotADelegator.selector, fan));
        vm.prank(op);
        staking.removeDelegator(fan);
    }

    // ---- operator cut ----

    function test_CutChangeAppliesAfterCooldown() public {
        vm.prank(op);
        staking.requestCutChange(1_000);
        Staking.Pool memory pool = staking.poolOf(op);
        assertEq(pool.pendingCutBps, 1_000);
        vm.expectRevert(abi.encodeWithSelector(Staking.StillLocked.selector, pool.cutEffectiveAt));
        staking.applyCutChange(op);
        vm.warp(pool.cutEffectiveAt);
        vm.expectEmit(address(staking));
        emit Staking.CutChanged(op, 1_000);
        staking.applyCutChange(op);
        assertEq(staking.poolOf(op).cutBps, 1_000);
        vm.expectRevert(Staking.NoCutChange.selector);
        staking.applyCutChange(op);
    }

    function test_MaturedCutChangeExpires() public {
        vm.prank(op);
        staking.requestCutChange(10_000);
        uint256 expiresAt = block.timestamp + D.CUT_COOLDOWN + D.EXECUTION_WINDOW;
        vm.warp(expiresAt);
        vm.expectRevert(abi.encodeWithSelector(Staking.Expired.selector, expiresAt));
        staking.applyCutChange(op);
        assertEq(staking.poolOf(op).cutBps, 0);
    }

    function test_RevertWhen_CutInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(Staking.InvalidCut.selector, 10_001));
        vm.prank(op);
        staking.requestCutChange(10_001);
        vm.expectRevert(abi.encodeWithSelector(Staking.NoServices.selector, fan));
        vm.prank(fan);
        staking.requestCutChange(10);
    }

    // ---- rewards ----

    function test_Rewards_SplitProRataWithOperatorCut() public {
        vm.prank(op);
        staking.requestCutChange(1_000); // 10 %
        vm.warp(block.timestamp + D.CUT_COOLDOWN);
        staking.applyCutChange(op);
        _delegate(fan, 1_000_000 ether); // pool: 1M operator + 1M fan

        _reward(200_000 ether);
        // Fan's half (100k) minus the 10 % cut = 90k; operator 100k + 10k.
        (, uint256 fanAssets) = staking.positionOf(op, fan);
        assertApproxEqAbs(fanAssets, 1_090_000 ether, 2);
        assertApproxEqAbs(staking.operatorStake(op), 1_110_000 ether, 2);
        assertEq(staking.poolOf(op).assets, 2_200_000 ether);
        assertEq(staking.getVotes(op), 2_200_000 ether);
        assertEq(staking.totalStaked(), 2_200_000 ether);
    }

    function test_RevertWhen_RewardsNotFromIssuance() public {
        vm.expectRevert(abi.encodeWithSelector(Staking.NotIssuance.selector, fan));
        vm.prank(fan);
        staking.addRewards(op, 1);
    }

    function test_RevertWhen_RewardsToEmptyPool() public {
        vm.expectRevert(Staking.NoStake.selector);
        vm.prank(issuer);
        staking.addRewards(fan, 1);
    }

    // ---- fees ----

    function test_Fees_DistributedProRataAcrossPools() public {
        address op2 = funded("operator2", 5_000_000 ether);
        registerContentNode(op2, 3_000_000 ether); // total 4M: op 1/4, op2 3/4
        address payer = funded("payer", 1_000 ether);

        vm.prank(payer);
        staking.depositFees(400 ether);
        assertEq(staking.unsettledFees(), 400 ether);
        assertEq(token.balanceOf(address(staking)), 4_000_400 ether);

        staking.creditFees(op);
        staking.creditFees(op2);
        assertEq(staking.poolOf(op).assets, OP_STAKE + 100 ether);
        assertEq(staking.poolOf(op2).assets, 3_000_000 ether + 300 ether);
        assertEq(staking.unsettledFees(), 0);
        assertEq(staking.totalStaked(), 4_000_400 ether);
        // Crediting twice credits nothing more.
        staking.creditFees(op);
        assertEq(staking.poolOf(op).assets, OP_STAKE + 100 ether);
    }

    function test_Fees_CreditedBeforeStakeChanges() public {
        address payer = funded("payer", 1_000 ether);
        vm.prank(payer);
        staking.depositFees(100 ether);
        // A delegation after the deposit does not share in it: the pool is credited first.
        _delegate(fan, 1_000_000 ether);
        (, uint256 fanAssets) = staking.positionOf(op, fan);
        assertApproxEqAbs(fanAssets, 1_000_000 ether, 1);
        assertEq(staking.operatorStake(op), OP_STAKE + 100 ether);
    }

    function test_RevertWhen_FeesInvalid() public {
        vm.expectRevert(Staking.ZeroAmount.selector);
        staking.depositFees(0);
        vm.prank(op);
        registry.deregister(1);
        vm.startPrank(op);
        staking.requestWithdrawal(op, type(uint256).max);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        staking.withdraw(op);
        vm.stopPrank();
        vm.expectRevert(Staking.NoStake.selector);
        staking.depositFees(1);
    }

    // ---- slashing ----

    function test_Slash_ProRataBurnAndEvidence() public {
        _delegate(fan, 1_000_000 ether);
        uint256 supply = token.totalSupply();
        vm.expectEmit(address(staking));
        emit Staking.Slashed(op, 500_000 ether, keccak256("evidence"));
        vm.prank(gov);
        staking.slash(op, 500_000 ether, keccak256("evidence"));

        (, uint256 fanAssets) = staking.positionOf(op, fan);
        assertEq(fanAssets, 750_000 ether);
        assertEq(staking.operatorStake(op), 750_000 ether);
        assertEq(token.totalSupply(), supply - 500_000 ether, "slashed AUDIO is burned");
        assertEq(staking.getVotes(op), 1_500_000 ether);
        assertEq(staking.totalStaked(), 1_500_000 ether);
        assertEq(staking.poolOf(op).slashEpoch, 1);
    }

    function test_Slash_VoidsPendingWithdrawals() public {
        _delegate(fan, 1_000 ether);
        vm.prank(fan);
        staking.requestWithdrawal(op, 1_000 ether);
        vm.prank(gov);
        staking.slash(op, 1 ether, bytes32(0));
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        vm.expectRevert(Staking.VoidedBySlash.selector);
        vm.prank(fan);
        staking.withdraw(op);
        // The fan can cancel and ask again: nothing is lost, it just waits another lockup.
        vm.startPrank(fan);
        staking.cancelWithdrawal(op);
        staking.requestWithdrawal(op, type(uint256).max);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        staking.withdraw(op);
        vm.stopPrank();
        assertEq(staking.withdrawalOf(op, fan).shares, 0);
    }

    function test_RevertWhen_SlashInvalid() public {
        vm.startPrank(gov);
        vm.expectRevert(Staking.ZeroAmount.selector);
        staking.slash(op, 0, bytes32(0));
        vm.stopPrank();
    }

    /// A withdrawal landing just before a fixed-amount slash must not make the slash revert: it takes what is left.
    function test_SlashLargerThanThePoolTakesThePool() public {
        _delegate(fan, 1_000 ether);
        vm.prank(fan);
        staking.requestWithdrawal(op, 1_000 ether);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        vm.prank(fan);
        staking.withdraw(op); // front-runs a slash sized for the pool with the fan in it
        uint256 supply = token.totalSupply();
        vm.prank(gov);
        staking.slash(op, OP_STAKE + 1_000 ether, bytes32(0));
        assertEq(staking.poolOf(op).assets, 0);
        assertEq(token.totalSupply(), supply - OP_STAKE, "burned what the pool held");
    }

    /// A fee deposit that would overflow the pools' fee index fails on its own instead of freezing every pool.
    function test_RevertWhen_FeeDepositWouldOverflowTheIndex() public {
        vm.startPrank(op);
        registry.deregister(1);
        staking.requestWithdrawal(op, OP_STAKE - 1);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        staking.withdraw(op);
        vm.stopPrank();
        assertEq(staking.totalStaked(), 1, "one wei of stake left");
        address payer = funded("payer", 1 ether);
        vm.expectRevert(); // SafeCastOverflowedUintDowncast
        vm.prank(payer);
        staking.depositFees(1 ether);
        staking.creditFees(op); // still works
    }

    /// Attack: rounding in slashes and rewards must never make later withdrawals revert (Audius hit this).
    function testFuzz_RoundingNeverStrandsWithdrawals(uint96 slashAmount, uint96 reward, uint96 delegation) public {
        delegation = uint96(bound(delegation, D.MIN_DELEGATION, 5_000_000 ether));
        _delegate(fan, delegation);
        _delegate(fan2, D.MIN_DELEGATION + 7);
        uint256 assets = staking.poolOf(op).assets;
        slashAmount = uint96(bound(slashAmount, 1, assets - 1));
        reward = uint96(bound(reward, 1, 1_000_000 ether));
        vm.prank(gov);
        staking.slash(op, slashAmount, bytes32(0));
        _reward(reward);

        vm.startPrank(op);
        registry.deregister(1);
        staking.requestWithdrawal(op, type(uint256).max);
        vm.stopPrank();
        vm.prank(fan);
        staking.requestWithdrawal(op, type(uint256).max);
        vm.prank(fan2);
        staking.requestWithdrawal(op, type(uint256).max);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        vm.prank(fan);
        staking.withdraw(op);
        vm.prank(fan2);
        staking.withdraw(op);
        vm.prank(op);
        staking.withdraw(op);
        assertEq(staking.poolOf(op).assets, 0, "everything paid out");
        assertEq(staking.poolOf(op).shares, 0);
        assertEq(token.balanceOf(address(staking)), 0, "nothing stranded in the contract");
    }

    function test_FullySlashedPoolRefusesDeposits() public {
        vm.prank(gov);
        staking.slash(op, OP_STAKE, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(Staking.PoolWipedOut.selector, op));
        vm.prank(issuer);
        staking.addRewards(op, 1);
        vm.expectRevert(abi.encodeWithSelector(Staking.PoolWipedOut.selector, op));
        _delegate(fan, 1_000 ether);
        vm.expectRevert(abi.encodeWithSelector(Staking.PoolWipedOut.selector, op));
        vm.prank(op);
        staking.requestWithdrawal(op, 1);
    }

    // ---- votes ----

    function test_VotesAreCheckpointedByTimestamp() public {
        uint256 t0 = block.timestamp;
        vm.warp(t0 + 10);
        _delegate(fan, 1_000 ether);
        vm.warp(t0 + 20);
        assertEq(staking.getPastVotes(op, t0 + 9), OP_STAKE);
        assertEq(staking.getPastVotes(op, t0 + 10), OP_STAKE + 1_000 ether);
        assertEq(staking.getPastTotalSupply(t0 + 9), OP_STAKE);
        assertEq(staking.getPastTotalSupply(t0 + 19), OP_STAKE + 1_000 ether);
        assertEq(staking.clock(), t0 + 20);
        assertEq(staking.CLOCK_MODE(), "mode=timestamp");
    }

    function test_RevertWhen_VotesLookupNotInPast() public {
        vm.expectRevert(abi.encodeWithSelector(Staking.FutureLookup.selector, block.timestamp, uint48(block.timestamp)));
        staking.getPastVotes(op, block.timestamp);
        vm.expectRevert(
            abi.encodeWithSelector(Staking.FutureLookup.selector, block.timestamp + 1, uint48(block.timestamp))
        );
        staking.getPastTotalSupply(block.timestamp + 1);
    }

    function test_VotesCannotBeRedelegated() public {
        assertEq(staking.delegates(fan), fan);
        vm.expectRevert(Staking.VotesFollowStake.selector);
        staking.delegate(op);
        vm.expectRevert(Staking.VotesFollowStake.selector);
        staking.delegateBySig(op, 0, 0, 0, bytes32(0), bytes32(0));
    }

    function test_Views() public view {
        assertEq(address(staking.token()), address(token));
        assertEq(staking.registry(), address(registry));
        assertEq(staking.issuance(), issuer);
    }
}

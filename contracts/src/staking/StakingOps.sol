// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {PoolHistory} from "../utils/PoolHistory.sol";
import {IStakingEvents} from "../interfaces/IStakingEvents.sol";
import {StakingLogic} from "./StakingLogic.sol";
import {GovernedUUPS} from "../utils/GovernedUUPS.sol";
import {IGovernanceWindow} from "../interfaces/IGovernanceWindow.sol";
import {
    StakingStorage,
    StakingSlots,
    PoolState,
    PoolConfig,
    PoolPending,
    PoolCutChange,
    Position,
    Request,
    Totals
} from "./StakingStorage.sol";

/// @title StakingOps: the staking contract's less frequent operations and heavier views
/// @dev External functions, called by the staking contract with DELEGATECALL (they act on its storage and keep its
/// caller), so that the contract stays below the code-size limit. Access checks stay in the contract.
library StakingOps {
    using SafeCast for uint256;
    using PoolHistory for PoolHistory.History;
    using StakingLogic for StakingStorage;

    // ---- withdrawals ----

    /// @dev See `Staking.cancelWithdrawal`.
    function cancelWithdrawal(address operator) external {
        StakingStorage storage $ = StakingSlots.get();
        PoolConfig memory cfg = $.poolConfig[operator];
        Position memory p = $.positions[msg.sender];
        Request memory r = $.requests[msg.sender];
        if (cfg.id == 0 || p.pool != cfg.id || r.pending == 0) revert IStakingEvents.NoWithdrawal();
        // A removal binds the delegator until a slash voids it or it expires unexecuted.
        if (
            p.flags & StakingLogic.REMOVAL != 0 && r.slashEpoch == cfg.slashEpoch
                && block.timestamp < uint256(r.unlockAt) + $.executionWindow
        ) {
            revert IStakingEvents.RemovalPending(operator);
        }
        $.cancel(operator, msg.sender, cfg);
    }

    /// @dev See `Staking.withdraw`.
    function withdraw(address operator) external {
        StakingStorage storage $ = StakingSlots.get();
        PoolConfig memory cfg = $.poolConfig[operator];
        Position memory p = $.positions[msg.sender];
        if (cfg.id == 0 || p.pool != cfg.id) revert IStakingEvents.NoWithdrawal();
        $.withdraw(operator, msg.sender, cfg, p, $.requests[msg.sender]);
    }

    // ---- operators ----

    /// @dev See `Staking.requestCutChange`.
    function requestCutChange(uint16 cutBps) external {
        if (cutBps > StakingLogic.BPS) revert IStakingEvents.InvalidCut(cutBps);
        StakingStorage storage $ = StakingSlots.get();
        if ($.poolConfig[msg.sender].maxStake == 0) revert IStakingEvents.NoServices(msg.sender);
        uint40 effectiveAt = uint40(block.timestamp) + $.cutCooldown;
        $.cutChanges[msg.sender] = PoolCutChange({cutBps: cutBps, effectiveAt: effectiveAt});
        emit IStakingEvents.CutChangeRequested(msg.sender, cutBps, effectiveAt);
    }

    /// @dev See `Staking.applyCutChange`.
    function applyCutChange(address operator) external {
        StakingStorage storage $ = StakingSlots.get();
        PoolCutChange memory change = $.cutChanges[operator];
        if (change.effectiveAt == 0) revert IStakingEvents.NoCutChange();
        if (block.timestamp < change.effectiveAt) revert IStakingEvents.StillLocked(change.effectiveAt);
        $.requireNotExpired(change.effectiveAt);
        $.settle(operator, $.poolConfig[operator]);
        $.poolConfig[operator].cutBps = change.cutBps;
        delete $.cutChanges[operator];
        emit IStakingEvents.CutChanged(operator, change.cutBps);
    }

    /// @dev See `Staking.setMinDelegation`.
    function setMinDelegation(uint96 amount) external {
        StakingStorage storage $ = StakingSlots.get();
        if ($.poolConfig[msg.sender].id == 0) revert IStakingEvents.NoServices(msg.sender);
        $.poolConfig[msg.sender].minDelegation = uint256(StakingLogic.wholeAudio(amount)).toUint24();
        emit IStakingEvents.OperatorMinDelegationSet(msg.sender, amount);
    }

    /// @dev See `Staking.requestRemoveDelegator`.
    function requestRemoveDelegator(address delegator) external {
        StakingStorage storage $ = StakingSlots.get();
        if (delegator == msg.sender) revert IStakingEvents.NotADelegator(delegator);
        PoolConfig memory cfg = $.poolConfig[msg.sender];
        Position memory p = $.positions[delegator];
        if (cfg.id == 0 || p.pool != cfg.id) revert IStakingEvents.NotADelegator(delegator);
        Request memory r = $.requests[delegator];
        PoolState memory state = $.poolState[msg.sender];
        if (r.pending != 0 && r.slashEpoch != cfg.slashEpoch) {
            // A request voided by a slash returns to active stake first.
            state = $.returnPending(msg.sender, delegator, state, p, r);
        }
        if (p.active == 0) revert IStakingEvents.NotADelegator(delegator);
        // A delegator on its way out keeps its own request: a removal joining it could postpone its unlock, and
        // cancelling the removal would cancel the delegator's request too, so an operator could hold it for ever.
        if (r.pending != 0) revert IStakingEvents.WithdrawalPending();
        r.unlockAt = uint40(block.timestamp + $.removeDelegatorLockup);
        r.slashEpoch = cfg.slashEpoch;
        uint256 moved = $.movePending(msg.sender, delegator, state, p, r, p.active);
        p.flags |= StakingLogic.REMOVAL;
        $.positions[delegator] = p;
        $.requests[delegator] = r;
        emit IStakingEvents.DelegatorRemovalRequested(msg.sender, delegator, moved, r.unlockAt);
    }

    /// @dev See `Staking.cancelRemoveDelegator`.
    function cancelRemoveDelegator(address delegator) external {
        StakingStorage storage $ = StakingSlots.get();
        PoolConfig memory cfg = $.poolConfig[msg.sender];
        Position memory p = $.positions[delegator];
        if (cfg.id == 0 || p.pool != cfg.id || p.flags & StakingLogic.REMOVAL == 0) revert IStakingEvents.NoRemoval();
        $.cancel(msg.sender, delegator, cfg);
        emit IStakingEvents.DelegatorRemovalCancelled(msg.sender, delegator);
    }

    /// @dev See `Staking.removeDelegator`.
    function removeDelegator(address delegator) external {
        StakingStorage storage $ = StakingSlots.get();
        PoolConfig memory cfg = $.poolConfig[msg.sender];
        Position memory p = $.positions[delegator];
        if (cfg.id == 0 || p.pool != cfg.id || p.flags & StakingLogic.REMOVAL == 0) revert IStakingEvents.NoRemoval();
        $.withdraw(msg.sender, delegator, cfg, p, $.requests[delegator]);
    }

    // ---- governance ----

    /// @dev See `Staking.setRegistry`.
    function setRegistry(address registry_) external {
        if (registry_ == address(0)) revert GovernedUUPS.ZeroAddress();
        StakingSlots.get().registry = registry_;
        emit IStakingEvents.RegistrySet(registry_);
    }

    /// @dev See `Staking.setIssuance`.
    function setIssuance(address issuance_) external {
        if (issuance_ == address(0)) revert GovernedUUPS.ZeroAddress();
        StakingSlots.get().issuance = issuance_;
        emit IStakingEvents.IssuanceSet(issuance_);
    }

    /// @dev See `Staking.setGovernor`.
    function setGovernor(IGovernanceWindow governor_) external {
        if (address(governor_) == address(0)) revert GovernedUUPS.ZeroAddress();
        StakingStorage storage $ = StakingSlots.get();
        $.governor = governor_;
        emit IStakingEvents.GovernorSet(address(governor_));
        StakingSlots.get().setLockups($.unstakeLockup, $.removeDelegatorLockup, $.cutCooldown, $.executionWindow);
    }

    /// @dev See `IStakeSnapshots`.
    function registerSnapshot() external returns (uint256 totalBefore) {
        StakingStorage storage $ = StakingSlots.get();
        if (msg.sender != address($.governor)) revert IStakingEvents.NotGovernor(msg.sender);
        Totals memory t = $.totals;
        totalBefore = t.lastChange < block.timestamp ? t.total : t.totalBefore;
        $.totals.latestSnapshot = block.timestamp.toUint32();
    }

    /// @dev See `Staking.slash`.
    function slash(address operator, uint256 amount, bytes32 evidenceHash) external {
        if (amount == 0) revert IStakingEvents.ZeroAmount();
        StakingStorage storage $ = StakingSlots.get();
        PoolState memory state = $.poolState[operator];
        PoolPending memory pending = $.poolPending[operator];
        uint256 assets = state.assets;
        uint256 total = assets + pending.assets;
        // Nothing to slash (no pool, or all of it left) is refused: the slash would only void requests of no one.
        if (total == 0) revert IStakingEvents.NoStake();
        // Capped rather than refused: a withdrawal landing just before the slash must not make it revert.
        amount = Math.min(amount, total);
        // Both parts rounded down, so only a slash of everything empties a bucket whose shares are still held (an
        // emptied bucket refuses new shares); the slash burns up to 2 wei less than asked.
        uint256 activeLoss = Math.mulDiv(amount, assets, total);
        uint256 pendingLoss = Math.mulDiv(amount, pending.assets, total);
        amount = activeLoss + pendingLoss;
        // forge-lint: disable-next-line(unsafe-typecast) at most `pending.assets`, a uint112
        pending.assets -= uint112(pendingLoss);
        $.poolPending[operator] = pending;
        unchecked {
            $.poolConfig[operator].slashEpoch += 1;
        }
        $.setPool(operator, assets - activeLoss, state.shares);
        emit IStakingEvents.Slashed(operator, amount, evidenceHash);
        ERC20Burnable(address($.token)).burn(amount);
    }

    /// @dev See `Staking.setLockups`.
    function setLockups(uint40 unstakeLockup, uint40 removeDelegatorLockup, uint40 cutCooldown, uint40 window)
        external
    {
        StakingSlots.get().setLockups(unstakeLockup, removeDelegatorLockup, cutCooldown, window);
    }

    // ---- views ----

    /// @notice Remove a deregistered service's bounds from its operator. Registry only.
    function removeService(address operator, uint96 minStake, uint96 maxStake) external {
        PoolConfig storage cfg = StakingSlots.get().poolConfig[operator];
        uint48 newMin = cfg.minStake - StakingLogic.wholeAudio(minStake);
        uint48 newMax = cfg.maxStake - StakingLogic.wholeAudio(maxStake);
        cfg.minStake = newMin;
        cfg.maxStake = newMax;
        emit IStakingEvents.OperatorBoundsChanged(
            operator, uint256(newMin) * StakingLogic.AUDIO, uint256(newMax) * StakingLogic.AUDIO
        );
    }

    /// @notice Change the bounds of an operator whose service type's bounds changed. Registry only.
    function changeBounds(address operator, uint96 oldMin, uint96 oldMax, uint96 newMin, uint96 newMax) external {
        PoolConfig storage cfg = StakingSlots.get().poolConfig[operator];
        uint48 min = cfg.minStake - StakingLogic.wholeAudio(oldMin) + StakingLogic.wholeAudio(newMin);
        uint48 max = cfg.maxStake - StakingLogic.wholeAudio(oldMax) + StakingLogic.wholeAudio(newMax);
        cfg.minStake = min;
        cfg.maxStake = max;
        emit IStakingEvents.OperatorBoundsChanged(
            operator, uint256(min) * StakingLogic.AUDIO, uint256(max) * StakingLogic.AUDIO
        );
    }

    /// @notice Active shares of `account` in `operator`'s pool and their value in AUDIO.
    function positionOf(address operator, address account) external view returns (uint256 shares, uint256 assets) {
        StakingStorage storage $ = StakingSlots.get();
        if (!$.isMember(operator, account)) return (0, 0);
        shares = $.positions[account].active;
        assets = StakingLogic.toAssets($.poolState[operator], shares);
    }

    /// @notice What the pending request of `account` in `operator`'s pool is worth now, in AUDIO.
    function withdrawalValue(address operator, address account) external view returns (uint256) {
        StakingStorage storage $ = StakingSlots.get();
        if (!$.isMember(operator, account)) return 0;
        return StakingLogic.pendingToAssets($.poolPending[operator], $.requests[account].pending);
    }

    /// @notice A pending removal of `delegator` from `operator`'s pool (`effectiveAt` 0: none).
    function removalOf(address operator, address delegator)
        external
        view
        returns (uint40 effectiveAt, uint32 slashEpoch)
    {
        StakingStorage storage $ = StakingSlots.get();
        if (!$.isMember(operator, delegator) || $.positions[delegator].flags & StakingLogic.REMOVAL == 0) {
            return (0, 0);
        }
        Request memory r = $.requests[delegator];
        return (r.unlockAt, r.slashEpoch);
    }

    /// @notice An account's own active stake (what it votes with when it overrides its operator; an operator's
    /// own stake, not its pool).
    function balanceOf(address account) external view returns (uint256) {
        StakingStorage storage $ = StakingSlots.get();
        Position memory p = $.positions[account];
        return StakingLogic.toAssets($.poolState[$.poolOwner[p.pool]], p.active);
    }

    /// @notice Whether an operator is within its bounds: its own active stake covers the minimums of its services
    /// and its pool stays within their maximums.
    function isWithinBounds(address operator) external view returns (bool) {
        StakingStorage storage $ = StakingSlots.get();
        PoolState memory state = $.poolState[operator];
        PoolConfig memory cfg = $.poolConfig[operator];
        // An account without services has no bounds to be within.
        return cfg.maxStake != 0
            && StakingLogic.toAssets(state, $.positions[operator].active) >= uint256(cfg.minStake) * StakingLogic.AUDIO
            && state.assets <= uint256(cfg.maxStake) * StakingLogic.AUDIO;
    }

    /// @dev See `IStaking`.
    function minStakeAt(address operator, uint256 t1, uint256 t2) external view returns (uint256) {
        StakingStorage storage $ = StakingSlots.get();
        return $.minStakeAt(operator, $.poolState[operator].entries, t1, t2);
    }

    /// @dev See `Staking.getPastTotalSupply`.
    function getPastTotalSupply(uint256 timepoint) external view returns (uint256 total) {
        StakingLogic.requirePast(timepoint);
        StakingStorage storage $ = StakingSlots.get();
        uint256 count = $.poolCount;
        for (uint256 id = 1; id <= count; ++id) {
            address operator = $.poolOwner[id];
            (uint256 assets,) = $.history[operator].lookup($.poolState[operator].entries, timepoint);
            total += assets;
        }
    }

    /// @dev See `Staking.voterAt`.
    function voterAt(address account, uint256 timepoint)
        external
        view
        returns (uint256 weight, uint256 poolId, address operator, bool isOperator)
    {
        StakingLogic.requirePast(timepoint);
        StakingStorage storage $ = StakingSlots.get();
        uint256 ownPool = $.poolConfig[account].id;
        if (ownPool != 0) {
            (weight,) = $.history[account].lookup($.poolState[account].entries, timepoint);
            return (weight, ownPool, account, true);
        }
        uint256 shares;
        (poolId, shares) = $.sharesAt(account, timepoint);
        if (shares == 0) return (0, 0, address(0), false);
        operator = $.poolOwner[poolId];
        (uint256 assets, uint256 totalShares) = $.history[operator].lookup($.poolState[operator].entries, timepoint);
        weight = totalShares == 0 ? 0 : Math.mulDiv(shares, assets, totalShares);
    }

    /// @dev See `Staking.getPastDelegate`.
    function getPastDelegate(address account, uint256 timepoint) external view returns (address) {
        StakingLogic.requirePast(timepoint);
        StakingStorage storage $ = StakingSlots.get();
        (uint256 pool,) = $.sharesAt(account, timepoint);
        return $.poolOwner[pool];
    }

    /// @dev See `Staking.getPastBalanceOf`.
    function getPastBalanceOf(address account, uint256 timepoint) external view returns (uint256) {
        StakingLogic.requirePast(timepoint);
        StakingStorage storage $ = StakingSlots.get();
        (uint256 poolId, uint256 shares) = $.sharesAt(account, timepoint);
        if (shares == 0) return 0;
        address operator = $.poolOwner[poolId];
        (uint256 assets, uint256 totalShares) = $.history[operator].lookup($.poolState[operator].entries, timepoint);
        return totalShares == 0 ? 0 : Math.mulDiv(shares, assets, totalShares);
    }

    /// @dev See `Staking.poolOf`.
    function poolOf(address operator) external view returns (IStakingEvents.Pool memory) {
        StakingStorage storage $ = StakingSlots.get();
        PoolState memory state = $.poolState[operator];
        PoolConfig memory cfg = $.poolConfig[operator];
        PoolPending memory pending = $.poolPending[operator];
        PoolCutChange memory change = $.cutChanges[operator];
        return IStakingEvents.Pool({
            assets: state.assets,
            shares: state.shares,
            minStake: uint256(cfg.minStake) * StakingLogic.AUDIO,
            maxStake: uint256(cfg.maxStake) * StakingLogic.AUDIO,
            cutBps: cfg.cutBps,
            slashEpoch: cfg.slashEpoch,
            pendingAssets: pending.assets,
            pendingShares: pending.shares,
            minDelegation: uint256(cfg.minDelegation) * StakingLogic.AUDIO,
            pendingCutBps: change.cutBps,
            cutEffectiveAt: change.effectiveAt,
            id: cfg.id
        });
    }

    /// @dev See `Staking.withdrawalOf`.
    function withdrawalOf(address operator, address account)
        external
        view
        returns (IStakingEvents.Withdrawal memory w)
    {
        StakingStorage storage $ = StakingSlots.get();
        if (!$.isMember(operator, account)) return w;
        Request memory r = $.requests[account];
        return IStakingEvents.Withdrawal({
            shares: r.pending,
            unlockAt: r.unlockAt,
            slashEpoch: r.slashEpoch,
            removal: $.positions[account].flags & StakingLogic.REMOVAL != 0
        });
    }
}

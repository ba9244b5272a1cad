// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {PoolHistory} from "../utils/PoolHistory.sol";
import {IRewardSettlement} from "../interfaces/IRewardSettlement.sol";
import {IStakingEvents} from "../interfaces/IStakingEvents.sol";
import {StakingStorage, PoolState, PoolConfig, PoolPending, Position, Request, Totals} from "./StakingStorage.sol";

/// @title StakingLogic: the pool, position and total-stake bookkeeping every staking operation goes through
/// @dev Internal functions, compiled into the staking contract and into `StakingOps` alike.
library StakingLogic {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;
    using PoolHistory for PoolHistory.History;
    using StakingLogic for StakingStorage;

    /// @dev Basis-point denominator of the operator cut.
    uint256 internal constant BPS = 10_000;
    /// @dev Stake bounds and minimum delegations are kept in whole AUDIO.
    uint256 internal constant AUDIO = 1 ether;
    /// @dev A pool's first deposit buys one share per this many wei, so an account's shares fit 80 bits (a position
    /// of 1.2 trillion AUDIO at that price).
    uint256 internal constant SHARE_UNIT = 1e6;
    /// @dev `Position.flags`: the operator has asked to remove the account; its stake is pending.
    uint8 internal constant REMOVAL = 1;
    uint256 internal constant MASK112 = (1 << 112) - 1;

    // ---- pools ----

    /// @dev Open `operator`'s pool: an id, and not settled yet, so that its first deposit goes through the issuance
    /// contract like any other: that takes the current round's snapshot first if nobody has, so the new pool's stake
    /// cannot be counted at a snapshot taken after it arrived (it had no stake at an earlier snapshot, so nothing is
    /// due). An account staked in another pool cannot open one.
    function openPool(StakingStorage storage $, address operator, PoolConfig memory cfg) internal {
        uint256 member = $.positions[operator].pool;
        if (member != 0) revert IStakingEvents.StakedElsewhere($.poolOwner[member]);
        uint256 id = $.poolCount + 1;
        $.poolCount = id.toUint32();
        $.poolOwner[id] = operator;
        cfg.id = id.toUint24();
        // Also clears a settlement recorded for this address before it had a pool (settleRewards is open to all).
        cfg.settledUntil = 0;
    }

    /// @dev Settle the pool's finished round unless it is known settled until the current round's end; returns the
    /// pool's config as stored afterwards. The issuance contract is trusted (set by governance); it calls back
    /// `addRewards` only.
    function settle(StakingStorage storage $, address operator, PoolConfig memory cfg)
        internal
        returns (PoolConfig memory)
    {
        if (block.timestamp < cfg.settledUntil) return cfg;
        address issuance = $.issuance;
        if (issuance == address(0)) return cfg;
        uint40 until = IRewardSettlement(issuance).settleRewards(operator);
        // The callback may have credited the pool: read it back, then record the settlement.
        $.poolConfig[operator].settledUntil = until;
        return $.poolConfig[operator];
    }

    /// @dev Stake `amount` from `payer` into `account`'s position in `operator`'s pool (settled first).
    function deposit(
        StakingStorage storage $,
        address operator,
        PoolConfig memory cfg,
        address account,
        address payer,
        uint256 amount
    ) internal returns (PoolState memory state) {
        if (amount == 0) revert IStakingEvents.ZeroAmount();
        Position memory p = $.positions[account];
        if (p.pool != cfg.id) {
            if (p.pool != 0) revert IStakingEvents.StakedElsewhere($.poolOwner[p.pool]);
            p.pool = cfg.id;
            emit IVotes.DelegateChanged(account, address(0), operator);
        }
        if (p.flags & REMOVAL != 0) revert IStakingEvents.RemovalPending(operator);
        // New stake must not share the finished round it was not at risk for.
        $.settle(operator, cfg);
        state = $.poolState[operator];
        uint256 newShares = sharesFor(operator, state, amount);
        if (newShares == 0) revert IStakingEvents.ZeroShares();
        $.setActive(account, p, p.active + newShares);
        $.positions[account] = p;
        state = $.setPool(operator, state.assets + amount, state.shares + newShares);
        emit IStakingEvents.Deposited(operator, account, amount, newShares);
        emit IStakingEvents.Transfer(address(0), account, amount);
        $.token.safeTransferFrom(payer, address(this), amount);
    }

    /// @dev The one place a pool's active stake changes: one history entry (also within one second, so the gas
    /// never depends on when the transaction is mined), the total stake and its value before this second.
    function setPool(StakingStorage storage $, address operator, uint256 newAssets, uint256 newShares)
        internal
        returns (PoolState memory state)
    {
        PoolState memory stored = $.poolState[operator];
        uint256 oldAssets = stored.assets;
        uint256 count = stored.entries;
        uint32 now_ = block.timestamp.toUint32();
        $.history[operator].push(count, now_, newAssets, newShares);
        state =
            PoolState({assets: newAssets.toUint112(), shares: newShares.toUint112(), entries: (count + 1).toUint32()});
        $.poolState[operator] = state;
        Totals memory t = $.totals;
        uint256 isNewSecond = t.lastChange < now_ ? 1 : 0;
        // forge-lint: disable-next-line(unsafe-typecast) a select between two uint96 values
        t.totalBefore = uint96(select(isNewSecond, t.total, t.totalBefore));
        t.total = (uint256(t.total) + newAssets - oldAssets).toUint96();
        t.lastChange = now_;
        $.totals = t;
        emit IVotes.DelegateVotesChanged(operator, oldAssets, newAssets);
    }

    // ---- positions ----

    /// @dev The one place an account's active shares change (the caller writes `p`). Keeps the value held since
    /// the last change in `frozen` (for override votes at a snapshot in between) and moves the previous frozen
    /// value to the account's history when a proposal still open may need it. The gas does not depend on whether
    /// the account already changed in this second, so an estimate made at the latest block's timestamp holds in a
    /// later block; the only time-dependent condition (a proposal may still be open) can only turn false.
    function setActive(StakingStorage storage $, address account, Position memory p, uint256 newActive) internal {
        uint256 lastChange = p.lastChange;
        uint256 frozenFrom = p.frozenFrom;
        // The frozen value (held over [frozenFrom, lastChange)) is replaced below if this is a new second; keep it
        // when a snapshot at or after its start may belong to a proposal still open (one is open for less than the
        // withdrawal lockup). Before the first change it is zero and needs no record.
        if (frozenFrom != 0 && $.totals.latestSnapshot >= frozenFrom && lastChange + $.unstakeLockup > block.timestamp)
        {
            mapping(uint256 => uint256) storage h = $.positionHistory[account];
            uint256 count = h[0] + 1;
            h[0] = count;
            h[count] = (frozenFrom << 224) | (uint256(p.pool) << 192) | p.frozen;
        }
        uint256 isNewSecond = lastChange < block.timestamp ? 1 : 0;
        // forge-lint: disable-next-line(unsafe-typecast) a select between two uint80 values
        p.frozen = uint80(select(isNewSecond, p.active, p.frozen));
        // forge-lint: disable-next-line(unsafe-typecast) a select between two uint32 values
        p.frozenFrom = uint32(select(isNewSecond, lastChange, frozenFrom));
        if (newActive > type(uint80).max) revert IStakingEvents.AccountSharesOverflow(newActive);
        // forge-lint: disable-next-line(unsafe-typecast) checked just above
        p.active = uint80(newActive);
        p.lastChange = block.timestamp.toUint32();
    }

    /// @dev (pool id, active shares) of `account` at the end of second `timepoint`.
    function sharesAt(StakingStorage storage $, address account, uint256 timepoint)
        internal
        view
        returns (uint256 pool, uint256 shares)
    {
        Position memory p = $.positions[account];
        if (timepoint >= p.lastChange) return (p.pool, p.active);
        // Before its second change `frozenFrom` is zero: before the first, the account held nothing in no pool.
        if (p.frozenFrom == 0) return (0, 0);
        if (timepoint >= p.frozenFrom) return (p.pool, p.frozen);
        mapping(uint256 => uint256) storage h = $.positionHistory[account];
        // Entries are ordered by `from`; the answer is the last one at or before `timepoint`.
        uint256 low = 1;
        uint256 high = h[0] + 1;
        while (low < high) {
            uint256 mid = (low + high) >> 1;
            if (h[mid] >> 224 > timepoint) high = mid;
            else low = mid + 1;
        }
        if (low == 1) return (0, 0);
        uint256 entry = h[low - 1];
        return ((entry >> 192) & type(uint32).max, entry & MASK112);
    }

    /// @dev The lower of the pool's stake at the end of seconds `t1` and `t2` (both past).
    function minStakeAt(StakingStorage storage $, address operator, uint256 entries, uint256 t1, uint256 t2)
        internal
        view
        returns (uint256)
    {
        requirePast(t1);
        requirePast(t2);
        PoolHistory.History storage h = $.history[operator];
        (uint256 at1,) = h.lookup(entries, t1);
        (uint256 at2,) = h.lookup(entries, t2);
        return Math.min(at1, at2);
    }

    // ---- withdrawal requests ----

    /// @dev The active shares a withdrawal request of `amount` takes from a position of `held` shares: all of them
    /// when `amount` covers the position, otherwise rounded up (for the pool); what remains must meet the
    /// operator's minimum stake or the delegation minimum.
    function requestedShares(
        StakingStorage storage $,
        address operator,
        PoolConfig memory cfg,
        PoolState memory state,
        uint256 held,
        uint256 amount
    ) internal view returns (uint256 shares) {
        if (held == 0) revert IStakingEvents.InsufficientStake(amount, 0);
        if (state.assets == 0) revert IStakingEvents.PoolWipedOut(operator);
        shares = amount >= toAssets(state, held)
            ? held
            : Math.min(Math.mulDiv(amount, state.shares, state.assets, Math.Rounding.Ceil), held);
        uint256 remaining = toAssets(state, held - shares);
        if (operator == msg.sender) {
            uint256 min = uint256(cfg.minStake) * AUDIO;
            if (remaining < min) revert IStakingEvents.BelowMinStake(remaining, min);
        } else if (held != shares) {
            // One share of tolerance, as for deposits: the request's rounding (up, for the pool) must not refuse
            // leaving exactly the minimum.
            uint256 min = $.minDelegationOf(cfg);
            if (toAssets(state, held - shares + 1) < min) revert IStakingEvents.BelowMinDelegation(remaining, min);
        }
    }

    /// @dev Move `shares` of `account`'s active stake to the pool's pending bucket; the caller sets the unlock time
    /// and epoch and writes `p` and `r`. Returns the AUDIO moved.
    function movePending(
        StakingStorage storage $,
        address operator,
        address account,
        PoolState memory state,
        Position memory p,
        Request memory r,
        uint256 shares
    ) internal returns (uint256 moved) {
        uint256 remainingShares = state.shares - shares;
        // The last shares out take whatever rounding left, so nothing is stranded.
        moved = remainingShares == 0 ? state.assets : Math.mulDiv(shares, state.assets, state.shares);
        PoolPending memory pending = $.poolPending[operator];
        uint256 pendingShares;
        if (pending.shares == 0) {
            pendingShares = moved;
        } else {
            if (pending.assets == 0) revert IStakingEvents.PoolWipedOut(operator);
            pendingShares = Math.mulDiv(moved, pending.shares, pending.assets);
        }
        if (pendingShares == 0) revert IStakingEvents.ZeroShares();
        pending.shares = (pending.shares + pendingShares).toUint112();
        pending.assets = (pending.assets + moved).toUint112();
        pending.used = true;
        $.poolPending[operator] = pending;
        $.setActive(account, p, p.active - shares);
        r.pending = (r.pending + pendingShares).toUint112();
        r.used = true;
        $.setPool(operator, state.assets - moved, remainingShares);
        emit IStakingEvents.Transfer(account, address(0), moved);
    }

    /// @dev Return `account`'s pending shares to active stake at the current value; the caller writes `p`, `r`.
    function returnPending(
        StakingStorage storage $,
        address operator,
        address account,
        PoolState memory state,
        Position memory p,
        Request memory r
    ) internal returns (PoolState memory) {
        uint256 amount = $.redeemPending(operator, r.pending);
        r.pending = 0;
        r.unlockAt = 0;
        p.flags &= ~REMOVAL;
        uint256 shares = 0;
        if (amount != 0) {
            shares = sharesFor(operator, state, amount);
            $.setActive(account, p, p.active + shares);
            state = $.setPool(operator, state.assets + amount, state.shares + shares);
            emit IStakingEvents.Transfer(address(0), account, amount);
        }
        emit IStakingEvents.WithdrawalCancelled(operator, account, amount, shares);
        return state;
    }

    /// @dev Take `pendingShares` out of the pool's pending bucket and return their value; the last out take the
    /// rounding left.
    function redeemPending(StakingStorage storage $, address operator, uint256 pendingShares)
        internal
        returns (uint256 amount)
    {
        PoolPending memory pending = $.poolPending[operator];
        uint256 remaining = pending.shares - pendingShares;
        amount = remaining == 0 ? pending.assets : Math.mulDiv(pendingShares, pending.assets, pending.shares);
        // forge-lint: disable-next-line(unsafe-typecast) at most what was read from a uint112
        pending.shares = uint112(remaining);
        // forge-lint: disable-next-line(unsafe-typecast) at most what was read from a uint112
        pending.assets -= uint112(amount);
        $.poolPending[operator] = pending;
    }

    /// @dev Cancel `account`'s pending request: settle the pool first, return the stake, check the pool's maximum.
    function cancel(StakingStorage storage $, address operator, address account, PoolConfig memory cfg) internal {
        cfg = $.settle(operator, cfg);
        Position memory p = $.positions[account];
        Request memory r = $.requests[account];
        PoolState memory state = $.returnPending(operator, account, $.poolState[operator], p, r);
        uint256 max = uint256(cfg.maxStake) * AUDIO;
        if (state.assets > max) revert IStakingEvents.AboveMaxStake(state.assets, max);
        $.positions[account] = p;
        $.requests[account] = r;
    }

    /// @dev Pay out `account`'s matured pending request in `operator`'s pool (`r` is its request).
    function withdraw(
        StakingStorage storage $,
        address operator,
        address account,
        PoolConfig memory cfg,
        Position memory p,
        Request memory r
    ) internal {
        uint256 pendingShares = r.pending;
        if (pendingShares == 0) revert IStakingEvents.NoWithdrawal();
        if (block.timestamp < r.unlockAt) revert IStakingEvents.StillLocked(r.unlockAt);
        $.requireNotExpired(r.unlockAt);
        if (r.slashEpoch != cfg.slashEpoch) revert IStakingEvents.VoidedBySlash();
        uint256 amount = $.redeemPending(operator, pendingShares);
        r.pending = 0;
        r.unlockAt = 0;
        $.requests[account] = r;
        if (p.flags & REMOVAL != 0 || (p.active == 0 && operator != account)) {
            p.flags &= ~REMOVAL;
            if (p.active == 0 && operator != account) {
                // The account has left the pool: it may stake elsewhere now.
                p.pool = 0;
                emit IVotes.DelegateChanged(account, operator, address(0));
            }
            $.positions[account] = p;
        }
        emit IStakingEvents.Withdrawn(operator, account, amount);
        if (amount != 0) $.token.safeTransfer(account, amount);
    }

    // ---- rewards ----

    /// @dev The new operator shares worth exactly its cut of the delegators' part of `amount`, taken from the
    /// delegators' shares alone: with D delegated shares worth V = newAssets * D / S, minting
    /// x = fee * S / (V - fee) leaves the delegators V - fee.
    function feeSharesFor(PoolState memory state, uint256 operatorShares, uint256 cutBps, uint256 amount)
        internal
        pure
        returns (uint256)
    {
        uint256 totalShares = state.shares;
        uint256 delegatedShares = totalShares - operatorShares;
        uint256 fee = Math.mulDiv(amount, cutBps * delegatedShares, totalShares * BPS);
        if (fee == 0) return 0;
        uint256 delegatedValue = Math.mulDiv(state.assets + amount, delegatedShares, totalShares);
        // Rounded up: the rounding remainder goes to the operator.
        return Math.mulDiv(fee, totalShares, delegatedValue - fee, Math.Rounding.Ceil);
    }

    // ---- checks and conversions ----

    /// @dev Direct stake counts active shares only: shares pending withdrawal are leaving.
    function requireOperatorBounds(
        StakingStorage storage $,
        address operator,
        PoolConfig memory cfg,
        PoolState memory state
    ) internal view {
        uint256 direct = toAssets(state, $.positions[operator].active);
        uint256 min = uint256(cfg.minStake) * AUDIO;
        uint256 max = uint256(cfg.maxStake) * AUDIO;
        if (direct < min) revert IStakingEvents.BelowMinStake(direct, min);
        if (state.assets > max) revert IStakingEvents.AboveMaxStake(state.assets, max);
    }

    /// @dev Whether `account` is in `operator`'s pool.
    function isMember(StakingStorage storage $, address operator, address account) internal view returns (bool) {
        uint24 id = $.poolConfig[operator].id;
        return id != 0 && $.positions[account].pool == id;
    }

    /// @dev What `account` has staked now, active and pending, at current value.
    function stakedValue(StakingStorage storage $, address account) internal view returns (uint256) {
        Position memory p = $.positions[account];
        if (p.pool == 0) return 0;
        address operator = $.poolOwner[p.pool];
        return toAssets($.poolState[operator], p.active)
            + pendingToAssets($.poolPending[operator], $.requests[account].pending);
    }

    function minDelegationOf(StakingStorage storage $, PoolConfig memory cfg) internal view returns (uint256) {
        return Math.max($.minDelegation, uint256(cfg.minDelegation) * AUDIO);
    }

    /// @dev Active shares worth `amount` at the pool's current value (rounded down, for the pool).
    function sharesFor(address operator, PoolState memory state, uint256 amount) internal pure returns (uint256) {
        if (state.shares == 0) return amount / SHARE_UNIT;
        if (state.assets == 0) revert IStakingEvents.PoolWipedOut(operator);
        return Math.mulDiv(amount, state.shares, state.assets);
    }

    function toAssets(PoolState memory state, uint256 shares) internal pure returns (uint256) {
        return state.shares == 0 ? 0 : Math.mulDiv(shares, state.assets, state.shares);
    }

    function pendingToAssets(PoolPending memory pending, uint256 shares) internal pure returns (uint256) {
        return pending.shares == 0 ? 0 : Math.mulDiv(shares, pending.assets, pending.shares);
    }

    /// @dev `a` when `condition` is 1, `b` when 0, in constant gas.
    function select(uint256 condition, uint256 a, uint256 b) internal pure returns (uint256 r) {
        assembly {
            r := xor(b, mul(xor(a, b), condition))
        }
    }

    /// @dev Stake bounds are whole AUDIO (the registry checks it when a service type's bounds are set).
    function wholeAudio(uint256 amount) internal pure returns (uint48) {
        if (amount % AUDIO != 0) revert IStakingEvents.NotWholeAudio(amount);
        return (amount / AUDIO).toUint48();
    }

    function requireNotExpired(StakingStorage storage $, uint256 maturedAt) internal view {
        uint256 expiresAt = maturedAt + $.executionWindow;
        if (block.timestamp >= expiresAt) revert IStakingEvents.Expired(expiresAt);
    }

    function requirePast(uint256 timepoint) internal view {
        if (timepoint >= block.timestamp) revert IStakingEvents.FutureLookup(timepoint, uint48(block.timestamp));
    }

    /// @dev Both withdrawal lockups must exceed the governor's window so that stake cannot leave while a slash
    /// proposal against it runs; the cut cooldown must exceed the withdrawal lockup.
    function setLockups(
        StakingStorage storage $,
        uint40 unstakeLockup,
        uint40 removeDelegatorLockup,
        uint40 cutCooldown,
        uint40 executionWindow
    ) internal {
        uint256 governanceWindow = address($.governor) == address(0) ? 0 : $.governor.governanceWindow();
        if (unstakeLockup <= governanceWindow) revert IStakingEvents.LockupTooShort(unstakeLockup, governanceWindow);
        if (removeDelegatorLockup <= governanceWindow) {
            revert IStakingEvents.LockupTooShort(removeDelegatorLockup, governanceWindow);
        }
        if (cutCooldown <= unstakeLockup) revert IStakingEvents.CooldownTooShort(cutCooldown, unstakeLockup);
        if (executionWindow == 0) revert IStakingEvents.ZeroExecutionWindow();
        $.unstakeLockup = unstakeLockup;
        $.removeDelegatorLockup = removeDelegatorLockup;
        $.cutCooldown = cutCooldown;
        $.executionWindow = executionWindow;
        emit IStakingEvents.LockupsSet(unstakeLockup, removeDelegatorLockup, cutCooldown, executionWindow);
    }
}

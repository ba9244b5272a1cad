// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {GovernedUUPS} from "../utils/GovernedUUPS.sol";
import {PackedCheckpoints} from "../utils/PackedCheckpoints.sol";
import {IGovernanceWindow} from "../governance/IGovernanceWindow.sol";
import {IWithdrawalLockup} from "../governance/IWithdrawalLockup.sol";
import {IRewardSettlement} from "../issuance/IRewardSettlement.sol";

/// @title Staking: custody of all staked AUDIO, one share pool per node operator
/// @notice An operator's pool holds the operator's own stake and everything delegated to it. Ownership of a pool
/// is kept in shares, so rewards, fees and slashes change the value of every share at once: no loop over
/// delegators, no cap on their number, O(1) claims. Withdrawals go through a request and a lockup longer than a
/// governance vote plus its execution delay, so stake cannot leave while a slash is being voted. Requested stake
/// moves to the pool's pending bucket (its own shares): it stops earning and voting but still bears slashes, a
/// slash voids pending requests of the slashed pool, and a matured request expires after the execution window.
/// Before stake enters a pool (or its cut changes) the pool's finished round is settled, so a reward goes to the
/// stake that was at risk for it.
/// @dev Voting power (ERC-5805, timestamp clock) follows Audius: an operator votes with its whole pool (its own
/// stake plus delegations), checkpointed on every change; total voting supply is total stake. Quorum is a
/// fraction of total stake at the proposal snapshot, so stake added after the snapshot cannot vote.
contract Staking is GovernedUUPS, IERC5805, IWithdrawalLockup {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice One operator's pool.
    struct Pool {
        // AUDIO of the pool's active stake: operator stake, delegations, credited rewards and fees.
        uint112 assets;
        // Active shares outstanding.
        uint112 shares;
        // Number of vote checkpoints (in this slot, which every change writes anyway).
        uint32 voteCheckpoints;
        // Sum of the minimum / maximum stakes of the operator's registered services; maxStake 0 = no services.
        uint96 minStake;
        uint96 maxStake;
        // Share of delegators' rewards kept by the operator, in basis points.
        uint16 cutBps;
        // Incremented by every slash; requests made under an older epoch are void.
        uint32 slashEpoch;
        // Fee accumulator value up to which this pool's fees are credited.
        uint128 feeIndex;
        // Operator-chosen minimum delegation (the global minimum applies when lower).
        uint96 minDelegation;
        // Pending operator-cut change.
        uint16 pendingCutBps;
        uint40 cutEffectiveAt;
        // The pending bucket: stake requested for withdrawal, slashable but earning nothing, in its own shares.
        uint104 pendingAssets;
        uint104 pendingShares;
    }

    /// @notice A pending withdrawal from a pool, in shares of the pool's pending bucket.
    struct Withdrawal {
        uint128 shares;
        uint40 unlockAt;
        uint32 slashEpoch;
    }

    /// @notice A pending removal of a delegator by its operator.
    struct Removal {
        uint40 effectiveAt;
        // A slash of the pool after the request voids it, as it voids withdrawals.
        uint32 slashEpoch;
    }

    /// @custom:storage-location erc7201:audius.storage.Staking
    struct StakingStorage {
        IERC20 token;
        address registry;
        address issuance;
        IGovernanceWindow governor;
        uint40 executionWindow;
        uint40 unstakeLockup;
        uint40 removeDelegatorLockup;
        uint40 cutCooldown;
        uint96 minDelegation;
        uint32 totalCheckpoints;
        uint256 feeAccumulator;
        uint256 unsettledFees;
        mapping(address operator => Pool) pools;
        mapping(address operator => mapping(address account => uint256)) shares;
        mapping(address operator => mapping(address account => Withdrawal)) withdrawals;
        mapping(address operator => mapping(address delegator => Removal)) removals;
        mapping(address account => uint256) principal;
        mapping(address operator => PackedCheckpoints.History) votes;
        PackedCheckpoints.History totalStake;
    }

    // keccak256(abi.encode(uint256(keccak256("audius.storage.Staking")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STAKING_STORAGE = 0x62eb347a7d00fafea9ed157464c3a19b3ebe7c92e5af3d86fd7b5b2596efc800;
    /// @notice Basis-point denominator of the operator cut.
    uint256 public constant BPS = 10_000;
    uint256 private constant FEE_PRECISION = 1e27;

    // ---- events ----
    event RegistrySet(address indexed registry);
    event IssuanceSet(address indexed issuance);
    event GovernorSet(address indexed governor);
    event LockupsSet(uint40 unstakeLockup, uint40 removeDelegatorLockup, uint40 cutCooldown, uint40 executionWindow);
    event GlobalMinDelegationSet(uint256 amount);
    event OperatorBoundsChanged(address indexed operator, uint256 minStake, uint256 maxStake);
    event Deposited(address indexed operator, address indexed account, uint256 assets, uint256 shares);
    event WithdrawalRequested(
        address indexed operator, address indexed account, uint256 assets, uint256 pendingShares, uint40 unlockAt
    );
    event WithdrawalCancelled(address indexed operator, address indexed account, uint256 assets, uint256 shares);
    event Withdrawn(address indexed operator, address indexed account, uint256 assets);
    event CutChangeRequested(address indexed operator, uint16 cutBps, uint40 effectiveAt);
    event CutChanged(address indexed operator, uint16 cutBps);
    event OperatorMinDelegationSet(address indexed operator, uint256 amount);
    event DelegatorRemovalRequested(address indexed operator, address indexed delegator, uint40 effectiveAt);
    event DelegatorRemovalCancelled(address indexed operator, address indexed delegator);
    event RewardsAdded(address indexed operator, uint256 amount, uint256 operatorFeeShares);
    event FeesDeposited(address indexed from, uint256 amount);
    event FeesCredited(address indexed operator, uint256 amount);
    event Slashed(address indexed operator, uint256 amount, bytes32 indexed evidenceHash);

    // ---- errors ----
    error NotRegistry(address caller);
    error NotIssuance(address caller);
    error ZeroAmount();
    error ZeroShares();
    error NoServices(address operator);
    error AboveMaxStake(uint256 total, uint256 maxStake);
    error BelowMinStake(uint256 directStake, uint256 minStake);
    error BelowMinDelegation(uint256 remaining, uint256 minDelegation);
    error InsufficientStake(uint256 requested, uint256 available);
    error WithdrawalPending();
    error NoWithdrawal();
    error StillLocked(uint40 unlockAt);
    error VoidedBySlash();
    error PoolWipedOut(address operator);
    error InvalidCut(uint256 cutBps);
    error NoCutChange();
    error NoRemoval();
    error NotADelegator(address delegator);
    error LockupTooShort(uint256 lockup, uint256 governanceWindow);
    error CooldownTooShort(uint256 cutCooldown, uint256 unstakeLockup);
    error ZeroExecutionWindow();
    error Expired(uint256 expiredAt);
    error NoStake();
    error VotesFollowStake();
    error FutureLookup(uint256 timepoint, uint48 clock);

    modifier onlyRegistry() {
        if (msg.sender != _s().registry) revert NotRegistry(msg.sender);
        _;
    }

    /// @notice Initialize the proxy. Callable once; the implementation itself can never be initialized.
    /// @param governance_ Holder of every admin right (the timelock; the deployer while wiring).
    /// @param token_ AUDIO.
    /// @param unstakeLockup_ Seconds between a withdrawal request and the withdrawal.
    /// @param removeDelegatorLockup_ Seconds between an operator's removal request and the removal.
    /// @param cutCooldown_ Seconds before a new operator cut takes effect; longer than the withdrawal lockup.
    /// @param executionWindow_ Seconds a matured withdrawal, removal or cut change stays executable.
    /// @param minDelegation_ Global minimum delegation, in wei.
    function initialize(
        address governance_,
        IERC20 token_,
        uint40 unstakeLockup_,
        uint40 removeDelegatorLockup_,
        uint40 cutCooldown_,
        uint40 executionWindow_,
        uint96 minDelegation_
    ) external initializer {
        if (address(token_) == address(0)) revert ZeroAddress();
        __Governed_init(governance_);
        StakingStorage storage $ = _s();
        $.token = token_;
        _setLockups($, unstakeLockup_, removeDelegatorLockup_, cutCooldown_, executionWindow_);
        $.minDelegation = minDelegation_;
        emit GlobalMinDelegationSet(minDelegation_);
    }

    // =========================================================================================================
    // Governance
    // =========================================================================================================

    /// @notice Set the service registry, the only contract that changes operator bounds. Governance only.
    function setRegistry(address registry_) external onlyGovernance {
        if (registry_ == address(0)) revert ZeroAddress();
        _s().registry = registry_;
        emit RegistrySet(registry_);
    }

    /// @notice Set the issuance contract, the only contract that credits rewards. Governance only.
    function setIssuance(address issuance_) external onlyGovernance {
        if (issuance_ == address(0)) revert ZeroAddress();
        _s().issuance = issuance_;
        emit IssuanceSet(issuance_);
    }

    /// @notice Set the governor whose proposal-to-execution window the withdrawal lockups must exceed.
    /// Governance only; the current lockups must already exceed the new governor's window.
    function setGovernor(IGovernanceWindow governor_) external onlyGovernance {
        if (address(governor_) == address(0)) revert ZeroAddress();
        StakingStorage storage $ = _s();
        $.governor = governor_;
        emit GovernorSet(address(governor_));
        _setLockups($, $.unstakeLockup, $.removeDelegatorLockup, $.cutCooldown, $.executionWindow);
    }

    /// @notice Set the lockups and the execution window, in seconds. Governance only.
    /// @dev Both withdrawal lockups must exceed the governor's window (voting delay + voting period + timelock
    /// delay) so that stake cannot leave while a slash proposal against it runs; the cut cooldown must exceed the
    /// withdrawal lockup so that delegators can leave before a new cut applies.
    function setLockups(
        uint40 unstakeLockup_,
        uint40 removeDelegatorLockup_,
        uint40 cutCooldown_,
        uint40 executionWindow_
    ) external onlyGovernance {
        _setLockups(_s(), unstakeLockup_, removeDelegatorLockup_, cutCooldown_, executionWindow_);
    }

    /// @notice Set the global minimum delegation in wei. Governance only.
    function setGlobalMinDelegation(uint96 amount) external onlyGovernance {
        _s().minDelegation = amount;
        emit GlobalMinDelegationSet(amount);
    }

    /// @notice Slash an operator's pool: the loss falls pro rata on the operator and its delegators, active and
    /// pending withdrawal alike, the slashed AUDIO is burned, and every pending withdrawal and delegator removal of
    /// the pool is voided. Governance only.
    /// @param operator The slashed operator.
    /// @param amount AUDIO to slash; more than the pool holds slashes the whole pool.
    /// @param evidenceHash Hash of the published evidence, recorded in the event.
    function slash(address operator, uint256 amount, bytes32 evidenceHash) external onlyGovernance {
        if (amount == 0) revert ZeroAmount();
        StakingStorage storage $ = _s();
        Pool storage pool = $.pools[operator];
        _creditFees($, operator, pool);
        uint256 assets = pool.assets;
        uint256 pending = pool.pendingAssets;
        uint256 total = assets + pending;
        // Capped rather than refused: a withdrawal landing just before the slash must not make it revert.
        amount = Math.min(amount, total);
        // Both parts rounded down, so only a slash of everything empties a bucket whose shares are still held (an
        // emptied bucket refuses new shares); the slash burns up to 2 wei less than asked.
        uint256 activeLoss = total == 0 ? 0 : Math.mulDiv(amount, assets, total);
        uint256 pendingLoss = total == 0 ? 0 : Math.mulDiv(amount, pending, total);
        amount = activeLoss + pendingLoss;
        // forge-lint: disable-next-line(unsafe-typecast) at most `pending`, read from a uint104
        pool.pendingAssets = uint104(pending - pendingLoss);
        _setAssets($, operator, pool, assets - activeLoss);
        unchecked {
            pool.slashEpoch += 1;
        }
        emit Slashed(operator, amount, evidenceHash);
        ERC20Burnable(address($.token)).burn(amount);
    }

    // =========================================================================================================
    // Registry hooks
    // =========================================================================================================

    /// @notice Add a service's bounds to its operator and stake `amount` from `payer` as the operator's own stake.
    /// Registry only.
    function addService(address operator, address payer, uint256 amount, uint96 minStake, uint96 maxStake)
        external
        onlyRegistry
    {
        StakingStorage storage $ = _s();
        Pool storage pool = $.pools[operator];
        uint96 newMin = pool.minStake + minStake;
        uint96 newMax = pool.maxStake + maxStake;
        pool.minStake = newMin;
        pool.maxStake = newMax;
        emit OperatorBoundsChanged(operator, newMin, newMax);
        if (amount > 0) _deposit($, operator, operator, payer, amount);
        _requireOperatorBounds($, operator, pool);
    }

    /// @notice Remove a deregistered service's bounds from its operator. Registry only.
    function removeService(address operator, uint96 minStake, uint96 maxStake) external onlyRegistry {
        Pool storage pool = _s().pools[operator];
        uint96 newMin = pool.minStake - minStake;
        uint96 newMax = pool.maxStake - maxStake;
        pool.minStake = newMin;
        pool.maxStake = newMax;
        emit OperatorBoundsChanged(operator, newMin, newMax);
    }

    /// @notice Change the bounds of an operator whose service type's bounds changed. Registry only.
    function changeBounds(address operator, uint96 oldMin, uint96 oldMax, uint96 newMin, uint96 newMax)
        external
        onlyRegistry
    {
        Pool storage pool = _s().pools[operator];
        uint96 min = pool.minStake - oldMin + newMin;
        uint96 max = pool.maxStake - oldMax + newMax;
        pool.minStake = min;
        pool.maxStake = max;
        emit OperatorBoundsChanged(operator, min, max);
    }

    // =========================================================================================================
    // Operators
    // =========================================================================================================

    /// @notice Add to your own stake as an operator.
    /// @param amount AUDIO in wei, pulled from the caller (approve first).
    function increaseStake(uint256 amount) external {
        StakingStorage storage $ = _s();
        Pool storage pool = $.pools[msg.sender];
        if (pool.maxStake == 0) revert NoServices(msg.sender);
        _deposit($, msg.sender, msg.sender, msg.sender, amount);
        _requireOperatorBounds($, msg.sender, pool);
    }

    /// @notice Request a change of your operator cut; it can be applied after the cut cooldown (longer than the
    /// withdrawal lockup, so delegators can leave first) and within the execution window that follows.
    /// @param cutBps New cut in basis points (at most 10,000).
    function requestCutChange(uint16 cutBps) external {
        if (cutBps > BPS) revert InvalidCut(cutBps);
        StakingStorage storage $ = _s();
        Pool storage pool = $.pools[msg.sender];
        if (pool.maxStake == 0) revert NoServices(msg.sender);
        uint40 effectiveAt = uint40(block.timestamp) + $.cutCooldown;
        pool.pendingCutBps = cutBps;
        pool.cutEffectiveAt = effectiveAt;
        emit CutChangeRequested(msg.sender, cutBps, effectiveAt);
    }

    /// @notice Apply a requested cut change after its cooldown, within the execution window. Anyone may call it.
    /// The pool's finished round is settled first, under the old cut.
    function applyCutChange(address operator) external {
        StakingStorage storage $ = _s();
        Pool storage pool = $.pools[operator];
        uint40 effectiveAt = pool.cutEffectiveAt;
        if (effectiveAt == 0) revert NoCutChange();
        if (block.timestamp < effectiveAt) revert StillLocked(effectiveAt);
        _requireNotExpired($, effectiveAt);
        _settleRewards($, operator);
        uint16 cut = pool.pendingCutBps;
        pool.cutBps = cut;
        pool.cutEffectiveAt = 0;
        pool.pendingCutBps = 0;
        emit CutChanged(operator, cut);
    }

    /// @notice Set the minimum delegation to your pool (the global minimum still applies when higher).
    function setMinDelegation(uint96 amount) external {
        _s().pools[msg.sender].minDelegation = amount;
        emit OperatorMinDelegationSet(msg.sender, amount);
    }

    /// @notice Start removing a delegator from your pool; it can be completed after the removal lockup, within
    /// the execution window that follows.
    function requestRemoveDelegator(address delegator) external {
        StakingStorage storage $ = _s();
        if (delegator == msg.sender) revert NotADelegator(delegator);
        if ($.shares[msg.sender][delegator] == 0 && $.withdrawals[msg.sender][delegator].shares == 0) {
            revert NotADelegator(delegator);
        }
        uint40 effectiveAt = uint40(block.timestamp) + $.removeDelegatorLockup;
        $.removals[msg.sender][delegator] =
            Removal({effectiveAt: effectiveAt, slashEpoch: $.pools[msg.sender].slashEpoch});
        emit DelegatorRemovalRequested(msg.sender, delegator, effectiveAt);
    }

    /// @notice Cancel a pending delegator removal.
    function cancelRemoveDelegator(address delegator) external {
        StakingStorage storage $ = _s();
        if ($.removals[msg.sender][delegator].effectiveAt == 0) revert NoRemoval();
        delete $.removals[msg.sender][delegator];
        emit DelegatorRemovalCancelled(msg.sender, delegator);
    }

    /// @notice Complete a delegator removal within the execution window after its lockup: the pool's finished
    /// round is settled, then the delegator's whole position (active and pending) is paid out to the delegator.
    function removeDelegator(address delegator) external {
        StakingStorage storage $ = _s();
        Removal memory removal = $.removals[msg.sender][delegator];
        uint40 effectiveAt = removal.effectiveAt;
        if (effectiveAt == 0) revert NoRemoval();
        if (block.timestamp < effectiveAt) revert StillLocked(effectiveAt);
        _requireNotExpired($, effectiveAt);
        Pool storage pool = $.pools[msg.sender];
        if (removal.slashEpoch != pool.slashEpoch) revert VoidedBySlash();
        _settleRewards($, msg.sender);
        delete $.removals[msg.sender][delegator];
        uint256 active = $.shares[msg.sender][delegator];
        uint256 pending = $.withdrawals[msg.sender][delegator].shares;
        if (active == 0 && pending == 0) revert NotADelegator(delegator);
        uint256 amount = 0;
        if (active != 0) {
            $.shares[msg.sender][delegator] = 0;
            _creditFees($, msg.sender, pool);
            amount = _burnActive($, msg.sender, pool, active);
        }
        if (pending != 0) {
            delete $.withdrawals[msg.sender][delegator];
            amount += _redeemPending(pool, pending);
        }
        _payOut($, msg.sender, delegator, amount);
    }

    // =========================================================================================================
    // Delegators (and operators, for their own pool)
    // =========================================================================================================

    /// @notice Delegate AUDIO to an operator's pool.
    /// @param operator The operator; it must have registered services.
    /// @param amount AUDIO in wei, pulled from the caller (approve first).
    function delegateStake(address operator, uint256 amount) external {
        StakingStorage storage $ = _s();
        Pool storage pool = $.pools[operator];
        if (pool.maxStake == 0) revert NoServices(operator);
        _deposit($, operator, msg.sender, msg.sender, amount);
        uint256 total = pool.assets;
        if (total > pool.maxStake) revert AboveMaxStake(total, pool.maxStake);
        if (operator != msg.sender) {
            uint256 position = _toAssets(pool, $.shares[operator][msg.sender]);
            uint256 min = _minDelegation($, pool);
            if (position < min) revert BelowMinDelegation(position, min);
        }
    }

    /// @notice Request a withdrawal of `amount` from a pool: yours as a delegator, or your own as its operator
    /// (the operator's remaining stake must still meet its services' minimum). One request per pool at a time.
    /// The amount moves to the pool's pending bucket: it no longer earns or votes, but a slash still reaches it.
    /// Claim the pool's finished round first (`Issuance.claimRewards`) to keep your share of it.
    /// @param operator The pool.
    /// @param amount AUDIO in wei; more than the position requests the whole position.
    function requestWithdrawal(address operator, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        StakingStorage storage $ = _s();
        Pool storage pool = $.pools[operator];
        _creditFees($, operator, pool);
        Withdrawal storage request = $.withdrawals[operator][msg.sender];
        if (request.shares != 0) revert WithdrawalPending();
        uint256 held = $.shares[operator][msg.sender];
        if (held == 0) revert InsufficientStake(amount, 0);
        if (pool.assets == 0) revert PoolWipedOut(operator);
        // Asking for the whole position (or more) takes every share; otherwise round the shares up, for the pool.
        uint256 shares = amount >= _toAssets(pool, held)
            ? held
            : Math.min(Math.mulDiv(amount, pool.shares, pool.assets, Math.Rounding.Ceil), held);
        uint256 remainingShares = held - shares;
        uint256 remaining = _toAssets(pool, remainingShares);
        if (operator == msg.sender) {
            if (remaining < pool.minStake) revert BelowMinStake(remaining, pool.minStake);
        } else if (remainingShares != 0) {
            uint256 min = _minDelegation($, pool);
            if (remaining < min) revert BelowMinDelegation(remaining, min);
        }
        $.shares[operator][msg.sender] = remainingShares;
        uint256 moved = _burnActive($, operator, pool, shares);
        uint256 pendingShares = _issuePending(operator, pool, moved);
        uint40 unlockAt = uint40(block.timestamp) + $.unstakeLockup;
        $.withdrawals[operator][msg.sender] =
        // forge-lint: disable-next-line(unsafe-typecast) at most the pool's uint104 pending shares
        Withdrawal({shares: uint128(pendingShares), unlockAt: unlockAt, slashEpoch: pool.slashEpoch});
        emit WithdrawalRequested(operator, msg.sender, moved, pendingShares, unlockAt);
    }

    /// @notice Cancel your pending withdrawal: its current value (less any slash) becomes active stake again, also
    /// after a slash voided the request. The pool's finished round is settled first: returning stake does not
    /// share a round it sat out.
    function cancelWithdrawal(address operator) external {
        StakingStorage storage $ = _s();
        uint256 pendingShares = $.withdrawals[operator][msg.sender].shares;
        if (pendingShares == 0) revert NoWithdrawal();
        _settleRewards($, operator);
        delete $.withdrawals[operator][msg.sender];
        Pool storage pool = $.pools[operator];
        _creditFees($, operator, pool);
        uint256 amount = _redeemPending(pool, pendingShares);
        uint256 shares = 0;
        if (amount != 0) {
            uint256 assets = pool.assets;
            uint256 totalShares = pool.shares;
            shares = _sharesFor(operator, totalShares, amount, assets);
            pool.shares = (totalShares + shares).toUint112();
            $.shares[operator][msg.sender] += shares;
            _setAssets($, operator, pool, assets + amount);
        }
        emit WithdrawalCancelled(operator, msg.sender, amount, shares);
    }

    /// @notice Complete your withdrawal after its lockup and within the execution window that follows (an expired
    /// request can only be cancelled): the pending shares are paid out at the pending bucket's value.
    function withdraw(address operator) external {
        StakingStorage storage $ = _s();
        Withdrawal memory request = $.withdrawals[operator][msg.sender];
        if (request.shares == 0) revert NoWithdrawal();
        if (block.timestamp < request.unlockAt) revert StillLocked(request.unlockAt);
        _requireNotExpired($, request.unlockAt);
        Pool storage pool = $.pools[operator];
        if (request.slashEpoch != pool.slashEpoch) revert VoidedBySlash();
        delete $.withdrawals[operator][msg.sender];
        _payOut($, operator, msg.sender, _redeemPending(pool, request.shares));
    }

    // =========================================================================================================
    // Rewards and fees
    // =========================================================================================================

    /// @notice Credit issuance rewards, already minted to this contract, to an operator's pool. The operator keeps
    /// its cut of the delegators' part as newly minted shares. Issuance only.
    function addRewards(address operator, uint256 amount) external {
        StakingStorage storage $ = _s();
        if (msg.sender != $.issuance) revert NotIssuance(msg.sender);
        Pool storage pool = $.pools[operator];
        _creditFees($, operator, pool);
        uint256 totalShares = pool.shares;
        if (totalShares == 0) revert NoStake();
        uint256 assets = pool.assets;
        if (assets == 0) revert PoolWipedOut(operator);
        uint256 delegatedShares = totalShares - $.shares[operator][operator];
        uint256 fee = Math.mulDiv(amount, uint256(pool.cutBps) * delegatedShares, totalShares * BPS);
        uint256 newAssets = assets + amount;
        // New operator shares worth exactly `fee`, taken from the delegators' shares alone: with D delegated
        // shares worth V = newAssets * D / S, minting x = fee * S / (V - fee) leaves the delegators V - fee.
        uint256 feeShares = 0;
        if (fee != 0) {
            uint256 delegatedValue = Math.mulDiv(newAssets, delegatedShares, totalShares);
            // Rounded up: the rounding remainder goes to the operator.
            feeShares = Math.mulDiv(fee, totalShares, delegatedValue - fee, Math.Rounding.Ceil);
        }
        if (feeShares != 0) {
            $.shares[operator][operator] += feeShares;
            pool.shares = (totalShares + feeShares).toUint112();
        }
        _setAssets($, operator, pool, newAssets);
        emit RewardsAdded(operator, amount, feeShares);
    }

    /// @notice Pay AUDIO fees to all stakers, pro rata to stake. Pulled from the caller (approve first); each
    /// pool is credited lazily, in O(1), the next time it changes or anyone calls `creditFees`.
    function depositFees(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        StakingStorage storage $ = _s();
        uint256 total = _totalStake($);
        if (total == 0) revert NoStake();
        // Checked here so that an absurd deposit over a tiny stake fails alone instead of freezing every pool.
        $.feeAccumulator = (($.feeAccumulator + Math.mulDiv(amount, FEE_PRECISION, total))).toUint128();
        $.unsettledFees += amount;
        emit FeesDeposited(msg.sender, amount);
        $.token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Credit an operator's pool with its share of the fees deposited so far. Anyone may call it.
    function creditFees(address operator) external {
        StakingStorage storage $ = _s();
        _creditFees($, operator, $.pools[operator]);
    }

    // =========================================================================================================
    // Votes (ERC-5805, timestamp clock)
    // =========================================================================================================

    /// @notice The clock used for checkpoints: the block timestamp.
    function clock() public view returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice ERC-6372 clock description: timestamps.
    // forge-lint: disable-next-line(mixed-case-function)
    function CLOCK_MODE() external pure returns (string memory) {
        return "mode=timestamp";
    }

    /// @notice Current voting power: the operator's whole pool.
    function getVotes(address account) external view returns (uint256) {
        StakingStorage storage $ = _s();
        return PackedCheckpoints.latest($.votes[account], $.pools[account].voteCheckpoints);
    }

    /// @notice Voting power of `account` at a past `timepoint` (a timestamp).
    function getPastVotes(address account, uint256 timepoint) external view returns (uint256) {
        _requirePast(timepoint);
        StakingStorage storage $ = _s();
        // forge-lint: disable-next-line(unsafe-typecast) below clock(), which fits 32 bits until 2106
        return PackedCheckpoints.upperLookup($.votes[account], $.pools[account].voteCheckpoints, uint32(timepoint));
    }

    /// @notice Total stake (the voting supply) at a past `timepoint`.
    function getPastTotalSupply(uint256 timepoint) external view returns (uint256) {
        _requirePast(timepoint);
        StakingStorage storage $ = _s();
        // forge-lint: disable-next-line(unsafe-typecast) below clock(), which fits 32 bits until 2106
        return PackedCheckpoints.upperLookup($.totalStake, $.totalCheckpoints, uint32(timepoint));
    }

    /// @notice Votes are not delegable: they follow stake to the operator of the pool it is staked in.
    function delegates(address account) external pure returns (address) {
        return account;
    }

    /// @notice Not supported: votes follow stake.
    function delegate(address) external pure {
        revert VotesFollowStake();
    }

    /// @notice Not supported: votes follow stake.
    function delegateBySig(address, uint256, uint256, uint8, bytes32, bytes32) external pure {
        revert VotesFollowStake();
    }

    // =========================================================================================================
    // Views
    // =========================================================================================================

    /// @notice AUDIO.
    function token() external view returns (IERC20) {
        return _s().token;
    }

    /// @notice The service registry.
    function registry() external view returns (address) {
        return _s().registry;
    }

    /// @notice The issuance contract.
    function issuance() external view returns (address) {
        return _s().issuance;
    }

    /// @notice The governor whose window the withdrawal lockups exceed.
    function governor() external view returns (IGovernanceWindow) {
        return _s().governor;
    }

    /// @notice The shorter of the two withdrawal lockups: the governor keeps its window below it.
    function minWithdrawalLockup() external view returns (uint256) {
        StakingStorage storage $ = _s();
        return Math.min($.unstakeLockup, $.removeDelegatorLockup);
    }

    /// @notice Lockups in seconds: withdrawal, delegator removal, cut cooldown.
    function lockups() external view returns (uint40 unstake, uint40 removeDelegator_, uint40 cutCooldown) {
        StakingStorage storage $ = _s();
        return ($.unstakeLockup, $.removeDelegatorLockup, $.cutCooldown);
    }

    /// @notice The global minimum delegation in wei.
    function globalMinDelegation() external view returns (uint256) {
        return _s().minDelegation;
    }

    /// @notice An operator's pool.
    function poolOf(address operator) external view returns (Pool memory) {
        return _s().pools[operator];
    }

    /// @notice Total stake now (settled rewards and fees included).
    function totalStaked() external view returns (uint256) {
        return _totalStake(_s());
    }

    /// @notice Active shares of `account` in `operator`'s pool and their value in AUDIO.
    function positionOf(address operator, address account) external view returns (uint256 shares, uint256 assets) {
        StakingStorage storage $ = _s();
        shares = $.shares[operator][account];
        assets = _toAssets($.pools[operator], shares);
    }

    /// @notice An operator's own stake: its active stake plus its pending withdrawal.
    function operatorStake(address operator) external view returns (uint256) {
        StakingStorage storage $ = _s();
        Pool storage pool = $.pools[operator];
        return _toAssets(pool, $.shares[operator][operator])
            + _pendingToAssets(pool, $.withdrawals[operator][operator].shares);
    }

    /// @notice Whether an operator is within its bounds: its own active stake covers the minimums of its services
    /// and its pool stays within their maximums.
    function isWithinBounds(address operator) external view returns (bool) {
        return _withinBounds(_s(), operator);
    }

    /// @notice The pending withdrawal of `account` from `operator`'s pool (its shares are pending-bucket shares).
    function withdrawalOf(address operator, address account) external view returns (Withdrawal memory) {
        return _s().withdrawals[operator][account];
    }

    /// @notice What the pending withdrawal of `account` from `operator`'s pool is worth now, in AUDIO.
    function withdrawalValue(address operator, address account) external view returns (uint256) {
        StakingStorage storage $ = _s();
        return _pendingToAssets($.pools[operator], $.withdrawals[operator][account].shares);
    }

    /// @notice When matured requests expire: seconds after the lockup during which they can be executed.
    function executionWindow() external view returns (uint40) {
        return _s().executionWindow;
    }

    /// @notice A pending removal of `delegator` from `operator`'s pool (`effectiveAt` 0: none).
    function removalOf(address operator, address delegator) external view returns (Removal memory) {
        return _s().removals[operator][delegator];
    }

    /// @notice AUDIO an account has delegated to other operators' pools and not yet taken out (rewards and
    /// slashes not counted). An operator's own stake is `operatorStake`.
    function principalOf(address account) external view returns (uint256) {
        return _s().principal[account];
    }

    /// @notice Fees deposited but not yet credited to a pool.
    function unsettledFees() external view returns (uint256) {
        return _s().unsettledFees;
    }

    // =========================================================================================================
    // Internals
    // =========================================================================================================

    function _deposit(StakingStorage storage $, address operator, address account, address payer, uint256 amount)
        private
    {
        if (amount == 0) revert ZeroAmount();
        // New stake must not share the finished round it was not at risk for.
        _settleRewards($, operator);
        Pool storage pool = $.pools[operator];
        _creditFees($, operator, pool);
        uint256 assets = pool.assets;
        uint256 totalShares = pool.shares;
        uint256 newShares = _sharesFor(operator, totalShares, amount, assets);
        if (newShares == 0) revert ZeroShares();
        pool.shares = (totalShares + newShares).toUint112();
        $.shares[operator][account] += newShares;
        if (account != operator) $.principal[account] += amount;
        _setAssets($, operator, pool, assets + amount);
        emit Deposited(operator, account, amount, newShares);
        $.token.safeTransferFrom(payer, address(this), amount);
    }

    /// @dev Active shares worth `amount` at the pool's current value (rounded down, for the pool).
    function _sharesFor(address operator, uint256 totalShares, uint256 amount, uint256 assets)
        private
        pure
        returns (uint256)
    {
        if (totalShares == 0) return amount;
        if (assets == 0) revert PoolWipedOut(operator);
        return Math.mulDiv(amount, totalShares, assets);
    }

    /// @dev Take active shares out of the pool and return their value; the last shares out take whatever rounding
    /// left, so nothing is stranded.
    function _burnActive(StakingStorage storage $, address operator, Pool storage pool, uint256 shares)
        private
        returns (uint256 amount)
    {
        uint256 totalShares = pool.shares;
        uint256 assets = pool.assets;
        uint256 remainingShares = totalShares - shares;
        amount = remainingShares == 0 ? assets : Math.mulDiv(shares, assets, totalShares);
        // forge-lint: disable-next-line(unsafe-typecast) less than the uint112 it was read from
        pool.shares = uint112(remainingShares);
        _setAssets($, operator, pool, assets - amount);
    }

    /// @dev Put `amount` into the pending bucket and return the pending shares it buys (rounded down).
    function _issuePending(address operator, Pool storage pool, uint256 amount) private returns (uint256 shares) {
        uint256 pendingShares = pool.pendingShares;
        uint256 pendingAssets = pool.pendingAssets;
        if (pendingShares == 0) {
            shares = amount;
        } else {
            if (pendingAssets == 0) revert PoolWipedOut(operator);
            shares = Math.mulDiv(amount, pendingShares, pendingAssets);
        }
        if (shares == 0) revert ZeroShares();
        pool.pendingShares = SafeCast.toUint104(pendingShares + shares);
        pool.pendingAssets = SafeCast.toUint104(pendingAssets + amount);
    }

    /// @dev Take pending shares out of the bucket and return their value; the last out take the rounding left.
    function _redeemPending(Pool storage pool, uint256 shares) private returns (uint256 amount) {
        uint256 pendingShares = pool.pendingShares;
        uint256 pendingAssets = pool.pendingAssets;
        uint256 remainingShares = pendingShares - shares;
        amount = remainingShares == 0 ? pendingAssets : Math.mulDiv(shares, pendingAssets, pendingShares);
        // forge-lint: disable-next-line(unsafe-typecast) less than the uint104 it was read from
        pool.pendingShares = uint104(remainingShares);
        // forge-lint: disable-next-line(unsafe-typecast) less than the uint104 it was read from
        pool.pendingAssets = uint104(pendingAssets - amount);
    }

    function _payOut(StakingStorage storage $, address operator, address account, uint256 amount) private {
        if (account != operator) {
            uint256 principal = $.principal[account];
            $.principal[account] = principal - Math.min(principal, amount);
        }
        emit Withdrawn(operator, account, amount);
        if (amount != 0) $.token.safeTransfer(account, amount);
    }

    /// @dev The issuance contract is trusted (set by governance); it calls back `addRewards` only.
    function _settleRewards(StakingStorage storage $, address operator) private {
        address issuance_ = $.issuance;
        if (issuance_ != address(0)) IRewardSettlement(issuance_).settleRewards(operator);
    }

    function _requireNotExpired(StakingStorage storage $, uint256 maturedAt) private view {
        uint256 expiresAt = maturedAt + $.executionWindow;
        if (block.timestamp >= expiresAt) revert Expired(expiresAt);
    }

    function _creditFees(StakingStorage storage $, address operator, Pool storage pool) private {
        uint256 accumulator = $.feeAccumulator;
        uint256 index = pool.feeIndex;
        if (index == accumulator) return;
        pool.feeIndex = accumulator.toUint128();
        uint256 assets = pool.assets;
        uint256 credit = Math.mulDiv(assets, accumulator - index, FEE_PRECISION);
        if (credit == 0) return;
        $.unsettledFees -= credit;
        _setAssets($, operator, pool, assets + credit);
        emit FeesCredited(operator, credit);
    }

    /// @dev The one place pool assets change: keeps the operator's votes and the total stake checkpoints in step.
    function _setAssets(StakingStorage storage $, address operator, Pool storage pool, uint256 newAssets) private {
        uint256 oldAssets = pool.assets;
        uint32 now_ = block.timestamp.toUint32();
        uint256 votes = PackedCheckpoints.push($.votes[operator], pool.voteCheckpoints, now_, newAssets.toUint96());
        pool.assets = newAssets.toUint112();
        // forge-lint: disable-next-line(unsafe-typecast) at most one more than a uint32
        pool.voteCheckpoints = uint32(votes);
        uint256 count = $.totalCheckpoints;
        uint256 total = PackedCheckpoints.latest($.totalStake, count) + newAssets - oldAssets;
        // forge-lint: disable-next-line(unsafe-typecast) at most one more than a uint32
        $.totalCheckpoints = uint32(PackedCheckpoints.push($.totalStake, count, now_, total.toUint96()));
        emit DelegateVotesChanged(operator, oldAssets, newAssets);
    }

    /// @dev Direct stake counts active shares only: shares pending withdrawal are leaving.
    function _requireOperatorBounds(StakingStorage storage $, address operator, Pool storage pool) private view {
        uint256 direct = _toAssets(pool, $.shares[operator][operator]);
        if (direct < pool.minStake) revert BelowMinStake(direct, pool.minStake);
        if (pool.assets > pool.maxStake) revert AboveMaxStake(pool.assets, pool.maxStake);
    }

    function _withinBounds(StakingStorage storage $, address operator) private view returns (bool) {
        Pool storage pool = $.pools[operator];
        return _toAssets(pool, $.shares[operator][operator]) >= pool.minStake && pool.assets <= pool.maxStake;
    }

    function _minDelegation(StakingStorage storage $, Pool storage pool) private view returns (uint256) {
        return Math.max($.minDelegation, pool.minDelegation);
    }

    function _toAssets(Pool storage pool, uint256 shares) private view returns (uint256) {
        uint256 totalShares = pool.shares;
        return totalShares == 0 ? 0 : Math.mulDiv(shares, pool.assets, totalShares);
    }

    function _pendingToAssets(Pool storage pool, uint256 shares) private view returns (uint256) {
        uint256 totalShares = pool.pendingShares;
        return totalShares == 0 ? 0 : Math.mulDiv(shares, pool.pendingAssets, totalShares);
    }

    function _setLockups(
        StakingStorage storage $,
        uint40 unstakeLockup_,
        uint40 removeDelegatorLockup_,
        uint40 cutCooldown_,
        uint40 executionWindow_
    ) private {
        uint256 governanceWindow = address($.governor) == address(0) ? 0 : $.governor.governanceWindow();
        if (unstakeLockup_ <= governanceWindow) revert LockupTooShort(unstakeLockup_, governanceWindow);
        if (removeDelegatorLockup_ <= governanceWindow) {
            revert LockupTooShort(removeDelegatorLockup_, governanceWindow);
        }
        if (cutCooldown_ <= unstakeLockup_) revert CooldownTooShort(cutCooldown_, unstakeLockup_);
        if (executionWindow_ == 0) revert ZeroExecutionWindow();
        $.unstakeLockup = unstakeLockup_;
        $.removeDelegatorLockup = removeDelegatorLockup_;
        $.cutCooldown = cutCooldown_;
        $.executionWindow = executionWindow_;
        emit LockupsSet(unstakeLockup_, removeDelegatorLockup_, cutCooldown_, executionWindow_);
    }

    function _totalStake(StakingStorage storage $) private view returns (uint256) {
        return PackedCheckpoints.latest($.totalStake, $.totalCheckpoints);
    }

    function _requirePast(uint256 timepoint) private view {
        uint48 now_ = clock();
        if (timepoint >= now_) revert FutureLookup(timepoint, now_);
    }

    function _s() private pure returns (StakingStorage storage $) {
        assembly {
            $.slot := STAKING_STORAGE
        }
    }
}

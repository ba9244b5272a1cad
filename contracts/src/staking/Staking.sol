// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {GovernedUUPS} from "../utils/GovernedUUPS.sol";
import {PoolHistory} from "../utils/PoolHistory.sol";
import {IGovernanceWindow} from "../interfaces/IGovernanceWindow.sol";
import {IWithdrawalLockup} from "../interfaces/IWithdrawalLockup.sol";
import {IStakeSnapshots} from "../interfaces/IStakeSnapshots.sol";
import {IStaking} from "../interfaces/IStaking.sol";
import {IStakingEvents} from "../interfaces/IStakingEvents.sol";
import {StakingLogic} from "./StakingLogic.sol";
import {StakingOps} from "./StakingOps.sol";
import {StakingStorage, StakingSlots, PoolState, PoolConfig, Position, Request, Totals} from "./StakingStorage.sol";

/// @title Staking: custody of all staked AUDIO, one share pool per node operator, one vote per staked AUDIO
/// @notice An operator's pool holds the operator's own stake and everything delegated to it. Ownership of a pool
/// is kept in shares, so rewards and slashes change the value of every share at once: no loop over delegators, no
/// cap on their number, O(1) claims. Every account stakes in one pool at a time: its own (an operator) or one
/// operator's (a delegator), as a Livepeer delegator bonds to one orchestrator; moving to another pool means
/// leaving the first through the lockup.
/// Withdrawals go through a request and a lockup longer than a governance vote plus its execution delay, so stake
/// cannot leave while a slash is being voted. Requested stake (a withdrawal, or a delegator's removal by its
/// operator) moves to the pool's pending bucket at the request: it stops earning and voting but still bears
/// slashes, a slash voids pending requests, and a matured request expires after the execution window.
/// Before stake enters a pool the pool's finished issuance round is settled, so a reward goes to the stake that
/// was at risk for it.
/// @dev Votes (ERC-5805, timestamp clock): an operator votes with its whole pool (its own stake and its
/// delegators'), checkpointed on every change; a delegator may override its operator with its own stake at the
/// proposal snapshot (`getPastBalanceOf`, OpenZeppelin's VotesExtended interface), which the governor then takes
/// out of the operator's tally. The total voting supply is the total active stake. As a votes source the contract
/// also answers the ERC-20 metadata calls (balances are active stake, non-transferable: `Transfer` marks stake
/// entering and leaving an account's active position; rewards and slashes change values as a rebase, as stETH's
/// do). The code is split across `StakingLogic` (internal) and `StakingOps` (external, DELEGATECALL) to stay below
/// the contract size limit; storage is `StakingStorage`.
contract Staking is GovernedUUPS, IERC5805, IWithdrawalLockup, IStakeSnapshots, IStaking, IStakingEvents {
    using SafeCast for uint256;
    using PoolHistory for PoolHistory.History;
    using StakingLogic for StakingStorage;

    /// @notice Basis-point denominator of the operator cut.
    uint256 public constant BPS = StakingLogic.BPS;

    modifier onlyRegistry() {
        if (msg.sender != _s().registry) revert NotRegistry(msg.sender);
        _;
    }

    /// @notice Initialize the proxy. Callable once; the implementation itself can never be initialized.
    /// @param governance_ Holder of every admin right (the governor; the deployer while wiring).
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
        $.setLockups(unstakeLockup_, removeDelegatorLockup_, cutCooldown_, executionWindow_);
        $.minDelegation = minDelegation_;
        emit GlobalMinDelegationSet(minDelegation_);
    }

    // =========================================================================================================
    // Governance
    // =========================================================================================================

    /// @notice Set the service registry, the only contract that changes operator bounds. Governance only.
    function setRegistry(address registry_) external onlyGovernance {
        StakingOps.setRegistry(registry_);
    }

    /// @notice Set the issuance contract, the only contract that credits rewards. Governance only.
    function setIssuance(address issuance_) external onlyGovernance {
        StakingOps.setIssuance(issuance_);
    }

    /// @notice Set the governor: it registers proposal snapshots, and the withdrawal lockups must exceed its window.
    /// Governance only; the current lockups must already exceed the new governor's window.
    function setGovernor(IGovernanceWindow governor_) external onlyGovernance {
        StakingOps.setGovernor(governor_);
    }

    /// @notice Set the lockups and the execution window, in seconds. Governance only.
    /// @dev Both withdrawal lockups must exceed the governor's window (voting period + execution delay) so that
    /// stake cannot leave while a slash proposal against it runs; the cut cooldown must exceed the withdrawal
    /// lockup so that delegators can leave before a new cut applies.
    function setLockups(
        uint40 unstakeLockup_,
        uint40 removeDelegatorLockup_,
        uint40 cutCooldown_,
        uint40 executionWindow_
    ) external onlyGovernance {
        StakingOps.setLockups(unstakeLockup_, removeDelegatorLockup_, cutCooldown_, executionWindow_);
    }

    /// @notice Set the global minimum delegation in wei. Governance only.
    function setGlobalMinDelegation(uint96 amount) external onlyGovernance {
        _s().minDelegation = amount;
        emit GlobalMinDelegationSet(amount);
    }

    /// @notice Slash an operator's pool: the loss falls pro rata on the operator and its delegators, active and
    /// pending alike, the slashed AUDIO is burned, and every pending withdrawal and removal of the pool is voided.
    /// Governance only.
    /// @param operator The slashed operator.
    /// @param amount AUDIO to slash; more than the pool holds slashes the whole pool; a pool holding nothing
    /// reverts `NoStake`.
    /// @param evidenceHash Hash of the published evidence, recorded in the event.
    function slash(address operator, uint256 amount, bytes32 evidenceHash) external onlyGovernance {
        StakingOps.slash(operator, amount, evidenceHash);
    }

    // =========================================================================================================
    // Registry hooks
    // =========================================================================================================

    /// @notice Add a service's bounds to its operator and stake `amount` from `payer` as the operator's own stake.
    /// The operator's first service opens its pool; an account staked in another pool cannot open one. Registry
    /// only.
    function addService(address operator, address payer, uint256 amount, uint96 minStake, uint96 maxStake)
        external
        onlyRegistry
    {
        StakingStorage storage $ = _s();
        PoolConfig memory cfg = $.poolConfig[operator];
        if (cfg.id == 0) $.openPool(operator, cfg);
        cfg.minStake += StakingLogic.wholeAudio(minStake);
        cfg.maxStake += StakingLogic.wholeAudio(maxStake);
        $.poolConfig[operator] = cfg;
        emit OperatorBoundsChanged(
            operator, uint256(cfg.minStake) * StakingLogic.AUDIO, uint256(cfg.maxStake) * StakingLogic.AUDIO
        );
        // Checked with or without a deposit: a service added without stake must be covered by the own stake too.
        PoolState memory state = $.poolState[operator];
        if (amount != 0) state = $.deposit(operator, cfg, operator, payer, amount);
        $.requireOperatorBounds(operator, cfg, state);
    }

    /// @notice Remove a deregistered service's bounds from its operator. Registry only.
    function removeService(address operator, uint96 minStake, uint96 maxStake) external onlyRegistry {
        StakingOps.removeService(operator, minStake, maxStake);
    }

    /// @notice Change the bounds of an operator whose service type's bounds changed. Registry only.
    function changeBounds(address operator, uint96 oldMin, uint96 oldMax, uint96 newMin, uint96 newMax)
        external
        onlyRegistry
    {
        StakingOps.changeBounds(operator, oldMin, oldMax, newMin, newMax);
    }

    // =========================================================================================================
    // Operators
    // =========================================================================================================

    /// @notice Add to your own stake as an operator.
    /// @param amount AUDIO in wei, pulled from the caller (approve first).
    function increaseStake(uint256 amount) external {
        StakingStorage storage $ = _s();
        PoolConfig memory cfg = $.poolConfig[msg.sender];
        if (cfg.maxStake == 0) revert NoServices(msg.sender);
        PoolState memory state = $.deposit(msg.sender, cfg, msg.sender, msg.sender, amount);
        $.requireOperatorBounds(msg.sender, cfg, state);
    }

    /// @notice Request a change of your operator cut; it can be applied after the cut cooldown (longer than the
    /// withdrawal lockup, so delegators can leave first) and within the execution window that follows.
    /// @param cutBps New cut in basis points (at most 10,000).
    function requestCutChange(uint16 cutBps) external {
        StakingOps.requestCutChange(cutBps);
    }

    /// @notice Apply a requested cut change after its cooldown, within the execution window. Anyone may call it.
    /// The pool's finished round is settled first, under the old cut.
    function applyCutChange(address operator) external {
        StakingOps.applyCutChange(operator);
    }

    /// @notice Set the minimum delegation to your pool, in wei of whole AUDIO (the global minimum still applies
    /// when higher).
    function setMinDelegation(uint96 amount) external {
        StakingOps.setMinDelegation(amount);
    }

    /// @notice Start removing a delegator from your pool: its whole active stake moves to the pending bucket now
    /// (it stops earning and voting, a slash still reaches it) and is paid out to it after the removal lockup,
    /// within the execution window that follows. While the removal is pending the delegator cannot deposit into
    /// the pool. A delegator with a live withdrawal request cannot be removed until that request is done (reverts
    /// `WithdrawalPending`): a removal never postpones or cancels a delegator's own exit.
    function requestRemoveDelegator(address delegator) external {
        StakingOps.requestRemoveDelegator(delegator);
    }

    /// @notice Cancel a pending delegator removal: the delegator's pending stake becomes active again (as a
    /// cancelled withdrawal would). The pool's finished round is settled first.
    function cancelRemoveDelegator(address delegator) external {
        StakingOps.cancelRemoveDelegator(delegator);
    }

    /// @notice Complete a delegator removal within the execution window after its lockup: only the stake moved to
    /// the pending bucket at the request (less any slash) is paid out, to the delegator.
    function removeDelegator(address delegator) external {
        StakingOps.removeDelegator(delegator);
    }

    // =========================================================================================================
    // Delegators (and operators, for their own pool)
    // =========================================================================================================

    /// @notice Delegate AUDIO to an operator's pool. An account delegates to one pool at a time.
    /// @param operator The operator; it must have registered services.
    /// @param amount AUDIO in wei, pulled from the caller (approve first).
    function delegateStake(address operator, uint256 amount) external {
        StakingStorage storage $ = _s();
        PoolConfig memory cfg = $.poolConfig[operator];
        if (cfg.maxStake == 0) revert NoServices(operator);
        PoolState memory state = $.deposit(operator, cfg, msg.sender, msg.sender, amount);
        uint256 max = uint256(cfg.maxStake) * StakingLogic.AUDIO;
        if (state.assets > max) revert AboveMaxStake(state.assets, max);
        if (operator != msg.sender) {
            uint256 active = $.positions[msg.sender].active;
            uint256 min = $.minDelegationOf(cfg);
            // One share of tolerance: the deposit's rounding (down, for the pool) must not refuse a position of
            // exactly the minimum.
            if (StakingLogic.toAssets(state, active + 1) < min) {
                revert BelowMinDelegation(StakingLogic.toAssets(state, active), min);
            }
        }
    }

    /// @notice Request a withdrawal of `amount` from a pool: yours as a delegator, or your own as its operator
    /// (the operator's remaining stake must still meet its services' minimum). One request at a time.
    /// The amount moves to the pool's pending bucket: it no longer earns or votes, but a slash still reaches it.
    /// Claim the pool's finished round first (`Issuance.claimRewards`) to keep your share of it.
    /// @param operator The pool.
    /// @param amount AUDIO in wei; more than the position requests the whole position.
    function requestWithdrawal(address operator, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        StakingStorage storage $ = _s();
        PoolConfig memory cfg = $.poolConfig[operator];
        Position memory p = $.positions[msg.sender];
        if (cfg.id == 0 || p.pool != cfg.id) revert InsufficientStake(amount, 0);
        Request memory r = $.requests[msg.sender];
        if (r.pending != 0) revert WithdrawalPending();
        PoolState memory state = $.poolState[operator];
        uint256 shares = $.requestedShares(operator, cfg, state, p.active, amount);
        uint40 unlockAt = uint40(block.timestamp) + $.unstakeLockup;
        r.unlockAt = unlockAt;
        r.slashEpoch = cfg.slashEpoch;
        uint256 moved = $.movePending(operator, msg.sender, state, p, r, shares);
        $.positions[msg.sender] = p;
        $.requests[msg.sender] = r;
        emit WithdrawalRequested(operator, msg.sender, moved, r.pending, unlockAt);
    }

    /// @notice Cancel your pending withdrawal: its current value (less any slash) becomes active stake again, also
    /// after a slash voided the request (a removal by your operator can be cancelled only by the operator, unless
    /// a slash voided it or it expired unexecuted). The pool's finished round is settled first: returning stake does
    /// not share a round it sat out; the pool's maximum stake applies as to a deposit.
    function cancelWithdrawal(address operator) external {
        StakingOps.cancelWithdrawal(operator);
    }

    /// @notice Complete your withdrawal (or your removal) after its lockup and within the execution window that
    /// follows (an expired request can only be cancelled): the pending shares are paid out at the pending
    /// bucket's value.
    function withdraw(address operator) external {
        StakingOps.withdraw(operator);
    }

    // =========================================================================================================
    // Rewards
    // =========================================================================================================

    /// @notice Credit issuance rewards, already sent to this contract, to an operator's pool, and record the pool
    /// settled until `settledUntil_` (`amount` 0 only records that: a forfeited round). The operator keeps its cut
    /// of the delegators' part as newly minted shares. Issuance only.
    function addRewards(address operator, uint256 amount, uint40 settledUntil_) external {
        StakingStorage storage $ = _s();
        if (msg.sender != $.issuance) revert NotIssuance(msg.sender);
        PoolConfig memory cfg = $.poolConfig[operator];
        cfg.settledUntil = settledUntil_;
        $.poolConfig[operator] = cfg;
        if (amount == 0) return;
        PoolState memory state = $.poolState[operator];
        if (state.shares == 0) revert NoStake();
        if (state.assets == 0) revert PoolWipedOut(operator);
        uint256 feeShares = 0;
        Position memory op = $.positions[operator];
        if (cfg.cutBps != 0) {
            feeShares = StakingLogic.feeSharesFor(state, op.active, cfg.cutBps, amount);
            if (feeShares != 0) {
                $.setActive(operator, op, op.active + feeShares);
                $.positions[operator] = op;
            }
        }
        $.setPool(operator, state.assets + amount, state.shares + feeShares);
        emit RewardsAdded(operator, amount, feeShares);
    }

    /// @inheritdoc IStaking
    function rewardBasis(address operator, uint256 t1, uint256 t2) external view returns (uint256 stake, uint40 until) {
        StakingStorage storage $ = _s();
        PoolConfig memory cfg = $.poolConfig[operator];
        PoolState memory state = $.poolState[operator];
        until = cfg.settledUntil;
        // Below its minimum an operator is paid nothing; above its maximum (rewards can lift a pool there) the
        // excess earns nothing, rather than the whole pool forfeiting a round anyone could settle at that moment.
        uint256 max = uint256(cfg.maxStake) * StakingLogic.AUDIO;
        bool eligible = max != 0
            && StakingLogic.toAssets(state, $.positions[operator].active) >= uint256(cfg.minStake) * StakingLogic.AUDIO;
        if (!eligible) return (0, until);
        stake = Math.min(Math.min($.minStakeAt(operator, state.entries, t1, t2), state.assets), max);
    }

    /// @inheritdoc IStaking
    function minStakeAt(address operator, uint256 t1, uint256 t2) external view returns (uint256) {
        return StakingOps.minStakeAt(operator, t1, t2);
    }

    // =========================================================================================================
    // Snapshots for the governor and the issuance contract
    // =========================================================================================================

    /// @inheritdoc IStakeSnapshots
    function registerSnapshot() external returns (uint256 totalBefore) {
        return StakingOps.registerSnapshot();
    }

    /// @inheritdoc IStakeSnapshots
    function totalStakeBefore() external view override(IStakeSnapshots, IStaking) returns (uint256) {
        Totals memory t = _s().totals;
        return t.lastChange < block.timestamp ? t.total : t.totalBefore;
    }

    /// @inheritdoc IStakeSnapshots
    function getPastBalanceOf(address account, uint256 timepoint) external view returns (uint256) {
        return StakingOps.getPastBalanceOf(account, timepoint);
    }

    /// @inheritdoc IStakeSnapshots
    function getPastDelegate(address account, uint256 timepoint) external view returns (address) {
        return StakingOps.getPastDelegate(account, timepoint);
    }

    /// @inheritdoc IStakeSnapshots
    function voterAt(address account, uint256 timepoint)
        external
        view
        returns (uint256 weight, uint256 poolId, address operator, bool isOperator)
    {
        return StakingOps.voterAt(account, timepoint);
    }

    // =========================================================================================================
    // Votes (ERC-5805, timestamp clock) and the ERC-20 face a votes-token indexer reads
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

    /// @notice Current voting power: an operator's whole pool (its own stake and its delegators'); zero for others.
    function getVotes(address account) external view returns (uint256) {
        return _s().poolState[account].assets;
    }

    /// @notice Voting power of `account` at the end of second `timepoint` (in the past).
    function getPastVotes(address account, uint256 timepoint) external view returns (uint256 votes) {
        StakingLogic.requirePast(timepoint);
        StakingStorage storage $ = _s();
        (votes,) = $.history[account].lookup($.poolState[account].entries, timepoint);
    }

    /// @notice Total active stake (the voting supply) at the end of second `timepoint` (in the past): the sum of
    /// every pool's stake then. A view for indexers, O(number of pools); on chain, the governor and the issuance
    /// contract read `registerSnapshot` / `totalStakeBefore` instead.
    function getPastTotalSupply(uint256 timepoint) external view returns (uint256) {
        return StakingOps.getPastTotalSupply(timepoint);
    }

    /// @notice The operator whose pool `account`'s stake votes with: itself for an operator, its operator for a
    /// delegator, zero with nothing staked. An account stakes in one pool at a time, so this is exact, and the
    /// account's active stake is part of `getVotes` of this address.
    function delegates(address account) external view returns (address) {
        StakingStorage storage $ = _s();
        return $.poolOwner[$.positions[account].pool];
    }

    /// @notice Not supported: votes follow stake to the pool it is staked in; delegate by staking
    /// (`delegateStake`), override your operator's vote on a proposal with the governor's `castOverrideVote`.
    function delegate(address) external pure {
        revert VotesFollowStake();
    }

    /// @notice Not supported: see `delegate`.
    function delegateBySig(address, uint256, uint256, uint8, bytes32, bytes32) external pure {
        revert VotesFollowStake();
    }

    /// @notice ERC-20 metadata of the votes source.
    function name() external pure returns (string memory) {
        return "Staked Audius";
    }

    /// @notice ERC-20 metadata of the votes source.
    function symbol() external pure returns (string memory) {
        return "stAUDIO";
    }

    /// @notice ERC-20 metadata of the votes source.
    function decimals() external pure returns (uint8) {
        return 18;
    }

    /// @notice Total active stake: the voting supply.
    function totalSupply() external view returns (uint256) {
        return _s().totals.total;
    }

    /// @notice An account's own active stake (what it votes with when it overrides its operator; an operator's
    /// own stake, not its pool).
    function balanceOf(address account) external view returns (uint256) {
        return StakingOps.balanceOf(account);
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
    function minWithdrawalLockup() external view override(IWithdrawalLockup, IStaking) returns (uint256) {
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
        return StakingOps.poolOf(operator);
    }

    /// @notice The number of pools ever opened; pool ids run from 1 to this value.
    function poolCount() external view returns (uint256) {
        return _s().poolCount;
    }

    /// @notice The operator of pool `id` (zero: none).
    function poolOperator(uint256 id) external view returns (address) {
        return _s().poolOwner[id];
    }

    /// @notice Total active stake now (rewards included).
    function totalStaked() external view returns (uint256) {
        return _s().totals.total;
    }

    /// @notice Active shares of `account` in `operator`'s pool and their value in AUDIO.
    function positionOf(address operator, address account) external view returns (uint256 shares, uint256 assets) {
        return StakingOps.positionOf(operator, account);
    }

    /// @notice An operator's own stake: its active stake plus its pending withdrawal.
    function operatorStake(address operator) external view returns (uint256) {
        return _s().stakedValue(operator);
    }

    /// @notice What an account has staked now, active and pending, at current value (rewards and slashes
    /// included): the stake its feature tier follows.
    function stakedValueOf(address account) external view returns (uint256) {
        return _s().stakedValue(account);
    }

    /// @notice Whether an operator is within its bounds: its own active stake covers the minimums of its services
    /// and its pool stays within their maximums.
    function isWithinBounds(address operator) external view returns (bool) {
        return StakingOps.isWithinBounds(operator);
    }

    /// @notice Until when an operator's pool is known settled with the issuance contract.
    function settledUntil(address operator) external view returns (uint40) {
        return _s().poolConfig[operator].settledUntil;
    }

    /// @notice The pending request of `account` in `operator`'s pool (its shares are pending-bucket shares).
    function withdrawalOf(address operator, address account) external view returns (Withdrawal memory) {
        return StakingOps.withdrawalOf(operator, account);
    }

    /// @notice What the pending request of `account` in `operator`'s pool is worth now, in AUDIO.
    function withdrawalValue(address operator, address account) external view returns (uint256) {
        return StakingOps.withdrawalValue(operator, account);
    }

    /// @notice When matured requests expire: seconds after the lockup during which they can be executed.
    function executionWindow() external view returns (uint40) {
        return _s().executionWindow;
    }

    /// @notice A pending removal of `delegator` from `operator`'s pool (`effectiveAt` 0: none).
    function removalOf(address operator, address delegator)
        external
        view
        returns (uint40 effectiveAt, uint32 slashEpoch)
    {
        return StakingOps.removalOf(operator, delegator);
    }

    function _s() private pure returns (StakingStorage storage $) {
        return StakingSlots.get();
    }
}

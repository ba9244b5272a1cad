// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice The staking contract's events, errors and view types: one declaration, shared by the contract and the
/// libraries its code is split into, so the contract's ABI carries all of them.
interface IStakingEvents {
    /// @notice A pool as the views return it (amounts in wei).
    struct Pool {
        uint256 assets;
        uint256 shares;
        uint256 minStake;
        uint256 maxStake;
        uint16 cutBps;
        uint32 slashEpoch;
        uint256 pendingAssets;
        uint256 pendingShares;
        uint256 minDelegation;
        uint16 pendingCutBps;
        uint40 cutEffectiveAt;
        uint32 id;
    }

    /// @notice An account's pending request as the views return it (shares of the pool's pending bucket).
    struct Withdrawal {
        uint256 shares;
        uint40 unlockAt;
        uint32 slashEpoch;
        bool removal;
    }

    // ---- events (the SDK and indexers decode them by these names) ----
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
    event DelegatorRemovalRequested(
        address indexed operator, address indexed delegator, uint256 assets, uint40 effectiveAt
    );
    event DelegatorRemovalCancelled(address indexed operator, address indexed delegator);
    event RewardsAdded(address indexed operator, uint256 amount, uint256 operatorFeeShares);
    event Slashed(address indexed operator, uint256 amount, bytes32 indexed evidenceHash);
    /// @notice ERC-20: stake entered (from = 0) or left (to = 0) an account's active position.
    event Transfer(address indexed from, address indexed to, uint256 value);

    // ---- errors ----
    error NotRegistry(address caller);
    error NotIssuance(address caller);
    error NotGovernor(address caller);
    error AccountSharesOverflow(uint256 shares);
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
    error RemovalPending(address operator);
    error NotADelegator(address delegator);
    error StakedElsewhere(address operator);
    error LockupTooShort(uint256 lockup, uint256 governanceWindow);
    error CooldownTooShort(uint256 cutCooldown, uint256 unstakeLockup);
    error ZeroExecutionWindow();
    error Expired(uint256 expiredAt);
    error NoStake();
    error NotWholeAudio(uint256 amount);
    error VotesFollowStake();
    error FutureLookup(uint256 timepoint, uint48 clock);
}

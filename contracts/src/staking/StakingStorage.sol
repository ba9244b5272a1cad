// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {PoolHistory} from "../utils/PoolHistory.sol";
import {IGovernanceWindow} from "../interfaces/IGovernanceWindow.sol";

// The staking contract's storage (ERC-7201), shared by the contract and its logic libraries. One struct per storage
// slot, so each operation writes exactly the slots it changes.

/// @dev A pool's active stake; written by every change of it (with one history entry). Shares are in units of
/// `StakingLogic.SHARE_UNIT` wei at the first deposit's price.
struct PoolState {
    uint112 assets;
    uint112 shares;
    uint32 entries;
}

/// @dev What deposits and requests read of a pool. Stake bounds and the operator's minimum delegation are whole
/// AUDIO (the registry's bounds are whole AUDIO).
struct PoolConfig {
    uint48 minStake;
    uint48 maxStake;
    uint16 cutBps;
    uint32 slashEpoch;
    uint40 settledUntil;
    uint24 id;
    uint24 minDelegation;
}

/// @dev The pool's pending bucket: stake requested for withdrawal or removal, slashable, earning and voting nothing.
/// Once used the slot keeps `used` set, so a request after the bucket emptied rewrites it instead of paying for a
/// fresh slot.
struct PoolPending {
    uint112 assets;
    uint112 shares;
    bool used;
}

/// @dev A requested change of the operator cut.
struct PoolCutChange {
    uint16 cutBps;
    uint40 effectiveAt;
}

/// @dev An account's active stake and the pool it is in; written by every change of it. `frozen` is what it held
/// from `frozenFrom` until `lastChange`, kept so that an override vote at a snapshot taken before the last change
/// finds the value then. `flags` marks a pending removal by the operator.
struct Position {
    uint80 active;
    uint80 frozen;
    uint32 lastChange;
    uint32 frozenFrom;
    uint24 pool;
    uint8 flags;
}

/// @dev An account's pending request (withdrawal or removal), in shares of its pool's pending bucket. Once used the
/// slot keeps `used` set, so a later request rewrites it instead of paying for a fresh slot.
struct Request {
    uint112 pending;
    uint40 unlockAt;
    uint32 slashEpoch;
    bool used;
}

/// @dev Total active stake (the voting supply), with its value at the end of the second before its last change,
/// and the latest proposal snapshot.
struct Totals {
    uint96 total;
    uint96 totalBefore;
    uint32 lastChange;
    uint32 latestSnapshot;
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
    uint32 poolCount;
    Totals totals;
    mapping(address operator => PoolState) poolState;
    mapping(address operator => PoolConfig) poolConfig;
    mapping(address operator => PoolPending) poolPending;
    mapping(address operator => PoolCutChange) cutChanges;
    mapping(address operator => PoolHistory.History) history;
    mapping(uint256 poolId => address) poolOwner;
    mapping(address account => Position) positions;
    mapping(address account => Request) requests;
    // Values of `Position.frozen` that were still needed for a live proposal when a later change replaced them:
    // (from, pool id, shares) per entry; index 0 holds the count.
    mapping(address account => mapping(uint256 index => uint256)) positionHistory;
}

/// @title StakingSlots: where the staking contract's storage lives
library StakingSlots {
    // keccak256(abi.encode(uint256(keccak256("audius.storage.Staking")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant STAKING_STORAGE = 0x62eb347a7d00fafea9ed157464c3a19b3ebe7c92e5af3d86fd7b5b2596efc800;

    function get() internal pure returns (StakingStorage storage $) {
        assembly {
            $.slot := STAKING_STORAGE
        }
    }
}

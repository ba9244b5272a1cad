// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {AudioToken} from "../../src/AudioToken.sol";
import {Staking} from "../../src/staking/Staking.sol";
import {ServiceRegistry} from "../../src/staking/ServiceRegistry.sol";
import {IStakingEvents} from "../../src/interfaces/IStakingEvents.sol";
import {ProtocolDefaults as D} from "../../src/ProtocolDefaults.sol";

/// @dev Drives the staking contract with random but valid-shaped calls from a fixed cast: three operators, four
/// delegators (each in one pool at a time), governance (slashes), the issuance role (rewards) and the governor
/// (proposal snapshots, whose values it records). Calls that revert are fine; the invariants must hold whatever
/// went through.
contract StakingHandler is Test {
    AudioToken internal token;
    Staking internal staking;
    address internal gov;
    address internal governor;
    address[] public operators;
    address[] public delegators;
    address[] public accounts; // operators then delegators
    uint256 public minted;
    uint256 public burned;
    uint256 public succeeded;

    // Proposal snapshots registered, and what the staking contract answered for them at the time.
    uint256[] public snapshots;
    mapping(uint256 time => mapping(address account => uint256)) public balanceAt;
    mapping(uint256 time => mapping(address account => address)) public delegateAt;
    mapping(uint256 time => mapping(address operator => uint256)) public votesAt;
    mapping(uint256 time => uint256) public supplyAt;
    mapping(uint256 time => uint256) public totalBeforeAt;

    constructor(
        AudioToken token_,
        Staking staking_,
        ServiceRegistry registry,
        address gov_,
        address governor_,
        address treasury
    ) {
        token = token_;
        staking = staking_;
        gov = gov_;
        governor = governor_;
        for (uint256 i = 0; i < 3; ++i) {
            address op = makeAddr(string.concat("op", vm.toString(i)));
            operators.push(op);
            accounts.push(op);
            _fund(treasury, op, 3_000_000 ether);
            vm.prank(op);
            registry.register(
                D.CONTENT_NODE,
                string.concat("https://op", vm.toString(i)),
                1_000_000 ether,
                makeAddr(string.concat("w", vm.toString(i)))
            );
        }
        for (uint256 i = 0; i < 4; ++i) {
            address d = makeAddr(string.concat("delegator", vm.toString(i)));
            delegators.push(d);
            accounts.push(d);
            _fund(treasury, d, 2_000_000 ether);
        }
    }

    function _fund(address treasury, address who, uint256 amount) private {
        vm.prank(treasury);
        require(token.transfer(who, amount));
        vm.prank(who);
        token.approve(address(staking), type(uint256).max);
    }

    function _op(uint256 seed) private view returns (address) {
        return operators[seed % operators.length];
    }

    function _delegator(uint256 seed) private view returns (address) {
        return delegators[seed % delegators.length];
    }

    function _account(uint256 seed) private view returns (address) {
        return accounts[seed % accounts.length];
    }

    /// @dev The pool `account` is in, mostly; now and then a random one (wrong-pool calls must revert cleanly).
    function _poolOf(address account, uint256 seed) private view returns (address) {
        address pool = staking.delegates(account);
        return pool == address(0) || seed % 8 == 0 ? _op(seed >> 8) : pool;
    }

    /// @dev From `seed` on, the first account with a pending request (a removal if `removal`), else `seed`'s.
    function _withRequest(uint256 seed, bool removal) private view returns (address) {
        for (uint256 i = 0; i < accounts.length; ++i) {
            address account = accounts[(seed + i) % accounts.length];
            address pool = staking.delegates(account);
            if (pool == address(0)) continue;
            IStakingEvents.Withdrawal memory w = staking.withdrawalOf(pool, account);
            if (w.shares != 0 && (!removal || w.removal)) return account;
        }
        return _account(seed);
    }

    /// @dev From `seed` on, the first account with active stake and no request, else `seed`'s.
    function _withStake(uint256 seed) private view returns (address) {
        for (uint256 i = 0; i < accounts.length; ++i) {
            address account = accounts[(seed + i) % accounts.length];
            address pool = staking.delegates(account);
            if (staking.balanceOf(account) != 0 && staking.withdrawalOf(pool, account).shares == 0) return account;
        }
        return _account(seed);
    }

    /// @dev Wait until `account`'s request can be executed (sometimes not quite, sometimes too long).
    function _waitFor(address operator, address account, uint256 wait) private {
        IStakingEvents.Withdrawal memory w = staking.withdrawalOf(operator, account);
        if (w.shares == 0) return;
        uint256 target = uint256(w.unlockAt) + bound(wait, 0, staking.executionWindow() + 1 hours) - 1 hours;
        if (target > block.timestamp) vm.warp(target);
    }

    // ---- stake ----

    function delegate(uint256 who, uint256 op, uint256 amount) external {
        address d = _delegator(who);
        address operator = _poolOf(d, op);
        amount = bound(amount, D.MIN_DELEGATION - 1 ether, 500_000 ether);
        vm.prank(d);
        try staking.delegateStake(operator, amount) {
            ++succeeded;
        } catch {}
    }

    function increaseStake(uint256 op, uint256 amount) external {
        amount = bound(amount, 1, 200_000 ether);
        vm.prank(_op(op));
        try staking.increaseStake(amount) {
            ++succeeded;
        } catch {}
    }

    function requestWithdrawal(uint256 who, uint256 seed, uint256 amount) external {
        address account = _withStake(who);
        address operator = _poolOf(account, seed);
        amount = bound(amount, 1, 1_000_000 ether);
        vm.prank(account);
        try staking.requestWithdrawal(operator, amount) {
            ++succeeded;
        } catch {}
    }

    function cancelWithdrawal(uint256 who, uint256 seed) external {
        address account = _withRequest(who, false);
        address operator = _poolOf(account, seed);
        vm.prank(account);
        try staking.cancelWithdrawal(operator) {
            ++succeeded;
        } catch {}
    }

    function withdraw(uint256 who, uint256 seed, uint256 wait) external {
        address account = _withRequest(who, false);
        address operator = _poolOf(account, seed);
        _waitFor(operator, account, wait);
        vm.prank(account);
        try staking.withdraw(operator) {
            ++succeeded;
        } catch {}
    }

    // ---- removals ----

    function requestRemoval(uint256 who, uint256 seed) external {
        address d = _delegator(who);
        address operator = _poolOf(d, seed);
        vm.prank(operator);
        try staking.requestRemoveDelegator(d) {
            ++succeeded;
        } catch {}
    }

    function cancelRemoval(uint256 who, uint256 seed) external {
        address d = _withRequest(who, true);
        address operator = _poolOf(d, seed);
        vm.prank(operator);
        try staking.cancelRemoveDelegator(d) {
            ++succeeded;
        } catch {}
    }

    function executeRemoval(uint256 who, uint256 seed, uint256 wait) external {
        address d = _withRequest(who, true);
        address operator = _poolOf(d, seed);
        _waitFor(operator, d, wait);
        vm.prank(operator);
        try staking.removeDelegator(d) {
            ++succeeded;
        } catch {}
    }

    // ---- governance, issuance, the operator's cut ----

    function slash(uint256 op, uint256 fraction) external {
        // Rarer than the other calls: a slash voids every pending request of its pool.
        if (fraction % 4 != 0) return;
        address operator = _op(op);
        IStakingEvents.Pool memory before = staking.poolOf(operator);
        uint256 amount = (before.assets + before.pendingAssets) * bound(fraction, 1, 500) / 1000;
        if (amount == 0) return;
        vm.prank(gov);
        staking.slash(operator, amount, bytes32(0));
        IStakingEvents.Pool memory afterSlash = staking.poolOf(operator);
        // What left the pool (rounding may take up to 2 wei less than asked) must be exactly what was burned.
        burned += before.assets + before.pendingAssets - afterSlash.assets - afterSlash.pendingAssets;
        ++succeeded;
    }

    function reward(uint256 op, uint256 amount) external {
        amount = bound(amount, 1, 100_000 ether);
        address operator = _op(op);
        IStakingEvents.Pool memory pool = staking.poolOf(operator);
        if (pool.shares == 0 || pool.assets == 0) return;
        vm.prank(token.owner());
        token.setMinter(address(this));
        token.mint(address(staking), amount);
        minted += amount;
        uint40 until = staking.settledUntil(operator);
        vm.prank(staking.issuance());
        staking.addRewards(operator, amount, until);
        ++succeeded;
    }

    function requestCutChange(uint256 op, uint16 cut) external {
        vm.prank(_op(op));
        try staking.requestCutChange(uint16(bound(cut, 0, 10_000))) {
            ++succeeded;
        } catch {}
    }

    /// @dev Apply a requested cut change, waiting for it if needed (sometimes too long: it expires).
    function applyCutChange(uint256 op, uint256 wait) external {
        address operator = _op(op);
        uint256 effectiveAt = staking.poolOf(operator).cutEffectiveAt;
        if (effectiveAt > block.timestamp) vm.warp(effectiveAt + bound(wait, 0, D.EXECUTION_WINDOW));
        try staking.applyCutChange(operator) {
            ++succeeded;
        } catch {}
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 2 days));
    }

    /// @dev A proposal snapshot: record what every account holds at the end of this second (nothing else happens
    /// in it: the clock moves on at once).
    function snapshot() external {
        vm.prank(governor);
        uint256 totalBefore = staking.registerSnapshot();
        uint256 time = block.timestamp;
        snapshots.push(time);
        totalBeforeAt[time] = totalBefore;
        for (uint256 i = 0; i < accounts.length; ++i) {
            address account = accounts[i];
            balanceAt[time][account] = staking.balanceOf(account);
            delegateAt[time][account] = staking.delegates(account);
        }
        for (uint256 i = 0; i < operators.length; ++i) {
            votesAt[time][operators[i]] = staking.getVotes(operators[i]);
        }
        supplyAt[time] = staking.totalSupply();
        vm.warp(time + 1);
        ++succeeded;
    }

    // ---- views for the invariants ----

    function allAccounts() external view returns (address[] memory) {
        return accounts;
    }

    function allOperators() external view returns (address[] memory) {
        return operators;
    }

    function allSnapshots() external view returns (uint256[] memory) {
        return snapshots;
    }
}

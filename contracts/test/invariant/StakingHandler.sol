// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {AudioToken} from "../../src/AudioToken.sol";
import {Staking} from "../../src/staking/Staking.sol";
import {ServiceRegistry} from "../../src/staking/ServiceRegistry.sol";
import {ProtocolDefaults as D} from "../../src/ProtocolDefaults.sol";

/// @dev Drives the staking contract with random but valid-shaped calls from a fixed cast: two operators, four
/// delegators, a fee payer, governance (slashes) and the issuance role (rewards). Calls that revert are fine;
/// the invariants must hold whatever went through.
contract StakingHandler is Test {
    AudioToken internal token;
    Staking internal staking;
    address internal gov;
    address[] public operators;
    address[] public delegators;
    address[] public accounts; // operators then delegators
    uint256 public minted;
    uint256 public succeeded;
    uint256 public burned;

    constructor(AudioToken token_, Staking staking_, ServiceRegistry registry, address gov_, address treasury) {
        token = token_;
        staking = staking_;
        gov = gov_;
        for (uint256 i = 0; i < 2; ++i) {
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
        _fund(treasury, address(this), 1_000_000 ether);
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

    function _account(uint256 seed) private view returns (address) {
        return accounts[seed % accounts.length];
    }

    function delegate(uint256 who, uint256 op, uint256 amount) external {
        address d = delegators[who % delegators.length];
        amount = bound(amount, D.MIN_DELEGATION, 500_000 ether);
        vm.prank(d);
        try staking.delegateStake(_op(op), amount) {
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

    function requestWithdrawal(uint256 who, uint256 op, uint256 amount) external {
        amount = bound(amount, 1, 3_000_000 ether);
        vm.prank(_account(who));
        try staking.requestWithdrawal(_op(op), amount) {
            ++succeeded;
        } catch {}
    }

    function cancelWithdrawal(uint256 who, uint256 op) external {
        vm.prank(_account(who));
        try staking.cancelWithdrawal(_op(op)) {
            ++succeeded;
        } catch {}
    }

    function withdraw(uint256 who, uint256 op, uint256 wait) external {
        vm.warp(block.timestamp + bound(wait, 0, 2 * D.UNSTAKE_LOCKUP));
        vm.prank(_account(who));
        try staking.withdraw(_op(op)) {
            ++succeeded;
        } catch {}
    }

    function removeDelegator(uint256 op, uint256 who, uint256 wait) external {
        address operator = _op(op);
        address d = delegators[who % delegators.length];
        vm.prank(operator);
        try staking.requestRemoveDelegator(d) {
            ++succeeded;
        } catch {}
        vm.warp(block.timestamp + bound(wait, 0, 2 * D.REMOVE_DELEGATOR_LOCKUP));
        vm.prank(operator);
        try staking.removeDelegator(d) {
            ++succeeded;
        } catch {}
    }

    function reward(uint256 op, uint256 amount) external {
        amount = bound(amount, 1, 100_000 ether);
        address operator = _op(op);
        if (staking.poolOf(operator).shares == 0 || staking.poolOf(operator).assets == 0) return;
        vm.prank(token.owner());
        token.setMinter(address(this));
        token.mint(address(staking), amount);
        minted += amount;
        vm.prank(staking.issuance());
        staking.addRewards(operator, amount);
    }

    function depositFees(uint256 amount) external {
        amount = bound(amount, 1, 10_000 ether);
        try staking.depositFees(amount) {
            ++succeeded;
        } catch {}
    }

    function creditFees(uint256 op) external {
        staking.creditFees(_op(op));
    }

    function slash(uint256 op, uint256 fraction) external {
        address operator = _op(op);
        uint256 assets = staking.poolOf(operator).assets;
        uint256 amount = assets * bound(fraction, 1, 500) / 1000;
        if (amount == 0) return;
        staking.creditFees(operator); // so that the pool's change below is the slash alone
        Staking.Pool memory before = staking.poolOf(operator);
        vm.prank(gov);
        staking.slash(operator, amount, bytes32(0));
        Staking.Pool memory afterSlash = staking.poolOf(operator);
        // What left the pool (rounding may take up to 2 wei less than asked) must be exactly what was burned.
        burned += uint256(before.assets) + before.pendingAssets - afterSlash.assets - afterSlash.pendingAssets;
    }

    function setCut(uint256 op, uint16 cut) external {
        address operator = _op(op);
        vm.prank(operator);
        try staking.requestCutChange(uint16(bound(cut, 0, 10_000))) {
            ++succeeded;
        } catch {}
        vm.warp(block.timestamp + D.CUT_COOLDOWN);
        try staking.applyCutChange(operator) {
            ++succeeded;
        } catch {}
    }

    function accountCount() external view returns (uint256) {
        return accounts.length;
    }

    function operatorCount() external view returns (uint256) {
        return operators.length;
    }
}

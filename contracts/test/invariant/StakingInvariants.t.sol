// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {StakingFixture} from "../utils/StakingFixture.sol";
import {StakingHandler} from "./StakingHandler.sol";
import {IStakingEvents} from "../../src/interfaces/IStakingEvents.sol";

contract StakingInvariants is StakingFixture {
    StakingHandler internal handler;
    uint256 internal initialSupply;

    function setUp() public override {
        vm.warp(1_700_000_000);
        super.setUp();
        deployIssuance();
        handler = new StakingHandler(token, staking, registry, gov, address(governor), treasury);
        initialSupply = token.totalSupply();
        targetContract(address(handler));
    }

    /// One campaign checks every property after every call. Checking a whole cast of accounts costs ~4.7 ms per
    /// call, so CI runs 1,000 sequences of 32 calls (~2.5 min) rather than the profile's 10,000.
    /// forge-config: ci.invariant.runs = 1000
    function invariant_StakingAccounting() public view {
        address[] memory operators = handler.allOperators();
        address[] memory accounts = handler.allAccounts();
        _tokenConservation();
        _poolsMatchTheirMembers(operators, accounts);
        _totalStakeIsSumOfPools(operators);
        _supplyAccounting();
        _balancesAddUp(accounts);
        _snapshotsAreFrozen(operators, accounts);
    }

    /// The cast really exercised the contract: the try/catch in the handler must not hide a dead campaign.
    function afterInvariant() external view {
        assertGt(handler.succeeded(), 0, "no handler call went through");
    }

    /// Every AUDIO the contract holds is someone's: pool assets (stake and credited rewards) and pending
    /// withdrawals of every pool. Nothing is created or lost by any call sequence.
    function _tokenConservation() internal view {
        uint256 assets;
        for (uint256 id = 1; id <= staking.poolCount(); ++id) {
            IStakingEvents.Pool memory pool = staking.poolOf(staking.poolOperator(id));
            assets += pool.assets + pool.pendingAssets;
        }
        assertEq(token.balanceOf(address(staking)), assets, "token conservation");
    }

    /// A pool's active and pending shares are exactly the shares its members hold of each (an account is in one
    /// pool at most, and only its own pool reports a position for it), and members can always be paid: the value
    /// of all shares never exceeds the pool's assets, active or pending.
    function _poolsMatchTheirMembers(address[] memory operators, address[] memory accounts) internal view {
        for (uint256 i = 0; i < operators.length; ++i) {
            address op = operators[i];
            uint256[4] memory sum; // active shares, pending shares, active value, pending value
            for (uint256 j = 0; j < accounts.length; ++j) {
                address account = accounts[j];
                (uint256 shares, uint256 value) = staking.positionOf(op, account);
                uint256 pendingShares = staking.withdrawalOf(op, account).shares;
                if (shares + pendingShares != 0) assertEq(staking.delegates(account), op, "one pool per account");
                sum[0] += shares;
                sum[1] += pendingShares;
                sum[2] += value;
                if (pendingShares != 0) sum[3] += staking.withdrawalValue(op, account);
            }
            IStakingEvents.Pool memory pool = staking.poolOf(op);
            assertEq(pool.shares, sum[0], "active shares");
            assertEq(pool.pendingShares, sum[1], "pending shares");
            assertLe(sum[2], pool.assets, "active solvency");
            assertLe(sum[3], pool.pendingAssets, "pending solvency");
        }
    }

    /// Total stake (the voting supply) is the sum of pools, and each operator votes with exactly its pool; the
    /// total at the end of the previous second agrees with the history.
    function _totalStakeIsSumOfPools(address[] memory operators) internal view {
        uint256 sum;
        uint256 votes;
        for (uint256 i = 0; i < operators.length; ++i) {
            sum += staking.poolOf(operators[i]).assets;
            votes += staking.getVotes(operators[i]);
        }
        assertEq(staking.totalStaked(), sum, "total stake = sum of pools");
        assertEq(votes, sum, "sum of votes = sum of pools");
        assertEq(staking.totalSupply(), sum);
        assertEq(staking.totalStakeBefore(), staking.getPastTotalSupply(block.timestamp - 1));
    }

    /// Supply moves only by issuance mints and slash burns.
    function _supplyAccounting() internal view {
        assertEq(token.totalSupply(), initialSupply + handler.minted() - handler.burned(), "supply");
    }

    /// The ERC-20 face adds up: balances sum to the total supply, each rounded down by less than one wei. An
    /// account's balance is part of the votes of the operator `delegates` names; with nothing staked it has no
    /// balance; its staked value is its balance plus its pending request.
    function _balancesAddUp(address[] memory accounts) internal view {
        uint256 sum;
        for (uint256 j = 0; j < accounts.length; ++j) {
            address account = accounts[j];
            address delegatee = staking.delegates(account);
            uint256 balance = staking.balanceOf(account);
            sum += balance;
            if (delegatee == address(0)) {
                assertEq(balance, 0, "no pool, no balance");
                assertEq(staking.stakedValueOf(account), 0, "no pool, no stake");
                continue;
            }
            assertLe(balance, staking.getVotes(delegatee), "balance within its delegate's votes");
            assertEq(
                staking.stakedValueOf(account), balance + staking.withdrawalValue(delegatee, account), "staked value"
            );
        }
        uint256 supply = staking.totalSupply();
        assertLe(sum, supply, "balances <= totalSupply");
        assertGe(sum + accounts.length, supply, "at most one wei of rounding per account");
    }

    /// The past does not change: votes and total supply at every recorded snapshot, and, while a proposal made at
    /// it may still be open (the history of positions is kept that long), every account's balance and delegate.
    function _snapshotsAreFrozen(address[] memory operators, address[] memory accounts) internal view {
        uint256 live = staking.minWithdrawalLockup();
        uint256[] memory snapshots = handler.allSnapshots();
        for (uint256 k = 0; k < snapshots.length; ++k) {
            uint256 time = snapshots[k];
            assertEq(staking.getPastTotalSupply(time), handler.supplyAt(time), "past total supply");
            assertEq(staking.getPastTotalSupply(time - 1), handler.totalBeforeAt(time), "registerSnapshot's total");
            for (uint256 i = 0; i < operators.length; ++i) {
                address op = operators[i];
                assertEq(staking.getPastVotes(op, time), handler.votesAt(time, op), "past votes");
            }
            if (block.timestamp >= time + live) continue;
            for (uint256 j = 0; j < accounts.length; ++j) {
                address account = accounts[j];
                uint256 balance = staking.getPastBalanceOf(account, time);
                assertEq(balance, handler.balanceAt(time, account), "past balance at a live snapshot");
                // The delegate matters with a balance (an override vote of zero weight takes nothing from anyone):
                // for an account with only pending stake then, a later exit or re-join changes the answer.
                if (balance == 0) continue;
                address delegatee = staking.getPastDelegate(account, time);
                assertEq(delegatee, handler.delegateAt(time, account), "past delegate at a live snapshot");
                assertLe(balance, staking.getPastVotes(delegatee, time), "within its delegate's votes then");
            }
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {StakingFixture} from "../utils/StakingFixture.sol";
import {StakingHandler} from "./StakingHandler.sol";
import {Staking} from "../../src/staking/Staking.sol";

contract StakingInvariants is StakingFixture {
    StakingHandler internal handler;
    uint256 internal initialSupply;

    function setUp() public override {
        super.setUp();
        deployIssuance();
        handler = new StakingHandler(token, staking, registry, gov, treasury);
        initialSupply = token.totalSupply();
        targetContract(address(handler));
    }

    /// One campaign checks every property after every call (one campaign instead of five keeps 10,000 CI runs fast).
    function invariant_StakingAccounting() public view {
        _tokenConservation();
        _poolSharesSumToHoldings();
        _totalStakeIsSumOfPools();
        _supplyAccounting();
        _poolsAreSolvent();
    }

    /// The cast really exercised the contract: the try/catch in the handler must not hide a dead campaign.
    function afterInvariant() external view {
        assertGt(handler.succeeded(), 0, "no handler call went through");
    }

    /// Every AUDIO the contract holds is someone's: pool assets (stake, credited rewards and fees), pending
    /// withdrawals, plus fees not yet credited. Nothing is created or lost by any call sequence.
    function _tokenConservation() internal view {
        uint256 assets;
        for (uint256 i = 0; i < handler.operatorCount(); ++i) {
            Staking.Pool memory pool = staking.poolOf(handler.operators(i));
            assets += pool.assets + pool.pendingAssets;
        }
        assertEq(token.balanceOf(address(staking)), assets + staking.unsettledFees());
    }

    /// A pool's active and pending shares are exactly the shares its members hold of each.
    function _poolSharesSumToHoldings() internal view {
        for (uint256 i = 0; i < handler.operatorCount(); ++i) {
            address op = handler.operators(i);
            uint256 active;
            uint256 pending;
            for (uint256 j = 0; j < handler.accountCount(); ++j) {
                address account = handler.accounts(j);
                (uint256 shares,) = staking.positionOf(op, account);
                active += shares;
                pending += staking.withdrawalOf(op, account).shares;
            }
            Staking.Pool memory pool = staking.poolOf(op);
            assertEq(pool.shares, active);
            assertEq(pool.pendingShares, pending);
        }
    }

    /// Total stake (the voting supply) is the sum of pools, and each operator votes with exactly its pool.
    function _totalStakeIsSumOfPools() internal view {
        uint256 sum;
        for (uint256 i = 0; i < handler.operatorCount(); ++i) {
            address op = handler.operators(i);
            Staking.Pool memory pool = staking.poolOf(op);
            assertEq(staking.getVotes(op), pool.assets);
            sum += pool.assets;
        }
        assertEq(staking.totalStaked(), sum);
    }

    /// Supply moves only by issuance mints and slash burns.
    function _supplyAccounting() internal view {
        assertEq(token.totalSupply(), initialSupply + handler.minted() - handler.burned());
    }

    /// Members can always be paid: the value of all shares never exceeds the pool's assets, active or pending.
    function _poolsAreSolvent() internal view {
        for (uint256 i = 0; i < handler.operatorCount(); ++i) {
            address op = handler.operators(i);
            uint256 active;
            uint256 pending;
            for (uint256 j = 0; j < handler.accountCount(); ++j) {
                address account = handler.accounts(j);
                (, uint256 value) = staking.positionOf(op, account);
                active += value;
                pending += staking.withdrawalValue(op, account);
            }
            Staking.Pool memory pool = staking.poolOf(op);
            assertLe(active, pool.assets);
            assertLe(pending, pool.pendingAssets);
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {ProtocolFixture} from "./utils/ProtocolFixture.sol";
import {FeatureAccess} from "../src/access/FeatureAccess.sol";
import {Staking} from "../src/staking/Staking.sol";
import {GovernedUUPS} from "../src/utils/GovernedUUPS.sol";
import {ProtocolDefaults as D} from "../src/ProtocolDefaults.sol";

contract FeatureAccessTest is ProtocolFixture {
    address internal op;
    address internal artist = makeAddr("artist");

    function setUp() public override {
        super.setUp();
        (op,,,) = newOperator("op", D.CONTENT_NODE, 1_000_000 ether);
        fund(artist, 100_000 ether);
    }

    function _stake(uint256 amount) internal {
        vm.prank(artist);
        p.staking.delegateStake(op, amount);
    }

    function test_TiersFollowStake() public {
        assertEq(p.featureAccess.tierOf(artist), 0);
        _stake(D.MIN_DELEGATION); // 100 AUDIO: silver (>= 100)
        assertEq(p.featureAccess.tierOf(artist), 2);
        _stake(900 ether); // 1,000: gold
        assertEq(p.featureAccess.tierOf(artist), 3);
        _stake(9_000 ether); // 10,000: platinum
        assertEq(p.featureAccess.tierOf(artist), 4);
        assertEq(p.featureAccess.tierOf(op), 4, "operators' own stake counts too");

        vm.startPrank(artist);
        p.staking.requestWithdrawal(op, 9_900 ether);
        assertEq(p.featureAccess.tierOf(artist), 4, "a pending withdrawal is still staked (and slashable)");
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        p.staking.withdraw(op);
        vm.stopPrank();
        assertEq(p.featureAccess.tierOf(artist), 2, "100 AUDIO left: silver");
    }

    /// L-2: a slash lowers the tier of every account of the pool, pending stake included; leaving drops it.
    function test_L2_SlashLowersTiersAndAnExitDropsThem() public {
        _stake(1_000 ether); // gold
        vm.prank(artist);
        p.staking.requestWithdrawal(op, 1_000 ether); // all of it pending
        assertEq(p.staking.stakedValueOf(artist), 1_000 ether);
        assertEq(p.featureAccess.tierOf(artist), 3);

        // Half of the pool (active 1M and pending 1,000 alike) is slashed.
        vm.prank(address(p.governor));
        p.staking.slash(op, 500_500 ether, keccak256("evidence"));
        assertEq(p.staking.stakedValueOf(artist), 500 ether);
        assertEq(p.featureAccess.tierOf(artist), 2, "500 AUDIO: silver");
        assertEq(p.staking.stakedValueOf(op), 500_000 ether);

        // The slash voided the request: cancel it, request again and leave.
        vm.startPrank(artist);
        p.staking.cancelWithdrawal(op);
        assertEq(p.featureAccess.tierOf(artist), 2);
        p.staking.requestWithdrawal(op, type(uint256).max);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        p.staking.withdraw(op);
        vm.stopPrank();
        assertEq(p.staking.stakedValueOf(artist), 0);
        assertEq(p.featureAccess.tierOf(artist), 0, "an exit drops the tier");
        assertEq(p.token.balanceOf(artist), 100_000 ether - 500 ether);
    }

    function test_GovernanceSetsThresholds() public {
        uint256[4] memory t = [uint256(1 ether), 2 ether, 3 ether, 4 ether];
        vm.expectEmit(address(p.featureAccess));
        emit FeatureAccess.ThresholdsSet(t);
        vm.prank(address(p.governor));
        p.featureAccess.setThresholds(t);
        assertEq(p.featureAccess.thresholds()[3], 4 ether);
        _stake(D.MIN_DELEGATION);
        assertEq(p.featureAccess.tierOf(artist), 4);
    }

    function test_RevertWhen_ThresholdsInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(GovernedUUPS.NotGovernance.selector, address(this)));
        p.featureAccess.setThresholds([uint256(1), 2, 3, 4]);
        vm.startPrank(address(p.governor));
        vm.expectRevert(FeatureAccess.InvalidThresholds.selector);
        p.featureAccess.setThresholds([uint256(0), 2, 3, 4]);
        vm.expectRevert(FeatureAccess.InvalidThresholds.selector);
        p.featureAccess.setThresholds([uint256(1), 2, 2, 4]);
        vm.stopPrank();
    }

    function test_RevertWhen_InitializedWithoutStaking() public {
        address impl = address(new FeatureAccess());
        vm.expectRevert(GovernedUUPS.ZeroAddress.selector);
        new ERC1967Proxy(
            impl, abi.encodeCall(FeatureAccess.initialize, (address(this), Staking(address(0)), [uint256(1), 2, 3, 4]))
        );
    }
}

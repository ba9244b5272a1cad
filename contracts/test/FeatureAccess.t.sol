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
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        p.staking.withdraw(op);
        vm.stopPrank();
        assertEq(p.featureAccess.tierOf(artist), 2, "100 AUDIO left: silver");
    }

    function test_GovernanceSetsThresholds() public {
        uint256[4] memory t = [uint256(1 ether), 2 ether, 3 ether, 4 ether];
        vm.expectEmit(address(p.featureAccess));
        emit FeatureAccess.ThresholdsSet(t);
        vm.prank(address(p.timelock));
        p.featureAccess.setThresholds(t);
        assertEq(p.featureAccess.thresholds()[3], 4 ether);
        _stake(D.MIN_DELEGATION);
        assertEq(p.featureAccess.tierOf(artist), 4);
    }

    function test_RevertWhen_ThresholdsInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(GovernedUUPS.NotGovernance.selector, address(this)));
        p.featureAccess.setThresholds([uint256(1), 2, 3, 4]);
        vm.startPrank(address(p.timelock));
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

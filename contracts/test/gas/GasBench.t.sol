// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {Staking} from "../../src/staking/Staking.sol";
import {ProtocolDefaults as D} from "../../src/ProtocolDefaults.sol";

/// @notice Gas of each user-facing operation as a transaction pays it (receipt gasUsed, intrinsic gas included),
/// recorded in `snapshots/GasBench.json`. Run with `--isolate` (FOUNDRY_PROFILE=gas) so every call is its own
/// transaction with cold storage, exactly as on a chain: that is what `vm.lastCallGas()` reports then, and it was
/// checked equal to anvil receipts. `scripts/bench/gas.sh` runs it and prints the table with the Audius baseline.
contract GasBench is ProtocolFixture {
    address internal op;
    address internal fan;

    function setUp() public override {
        super.setUp();
        (op,,,) = newOperator("op", D.CONTENT_NODE, 1_000_000 ether);
        fan = makeAddr("fan");
        fund(fan, 1_000_000 ether);
        fund(makeAddr("newop"), 1_000_000 ether);
        vm.warp(block.timestamp + 1);
    }

    function _record(string memory name) internal {
        vm.snapshotValue("GasBench", name, vm.lastCallGas().gasTotalUsed);
    }

    function test_RegisterContentNode() public {
        address newop = makeAddr("newop");
        vm.prank(newop);
        p.registry.register(D.CONTENT_NODE, "https://newop.audius.test", 300_000 ether, makeAddr("newop-wallet"));
        _record("register content node (with stake)");
    }

    /// @dev Vote checkpoints are stored two per slot, so an append either fills the second half of a slot or
    /// opens a fresh one. One more checkpoint (operator and total) flips which case the measured call hits; each
    /// stake operation is measured in both cases.
    function _shiftCheckpoints() internal {
        require(p.token.transfer(op, 1 ether));
        vm.prank(op);
        p.staking.increaseStake(1 ether);
        vm.warp(block.timestamp + 1);
    }

    function _increaseStake(string memory name) internal {
        require(p.token.transfer(op, 1_000 ether));
        vm.prank(op);
        p.staking.increaseStake(1_000 ether);
        _record(name);
    }

    function test_IncreaseStake() public {
        _increaseStake("increase stake");
    }

    function test_IncreaseStakeOtherSlotHalf() public {
        _shiftCheckpoints();
        _increaseStake("increase stake (other checkpoint slot half)");
    }

    function _delegate(string memory name) internal {
        vm.prank(fan);
        p.staking.delegateStake(op, 1_000 ether);
        _record(name);
    }

    function test_DelegateNewDelegator() public {
        _delegate("delegate (new delegator)");
    }

    function test_DelegateNewDelegatorOtherSlotHalf() public {
        _shiftCheckpoints();
        _delegate("delegate (new delegator) (other checkpoint slot half)");
    }

    function test_RequestUndelegate() public {
        vm.prank(fan);
        p.staking.delegateStake(op, 1_000 ether);
        vm.prank(fan);
        p.staking.requestWithdrawal(op, 500 ether);
        _record("request undelegate");
    }

    function test_UndelegateAfterLockupOtherSlotHalf() public {
        _shiftCheckpoints();
        _undelegate("undelegate (after lockup) (other checkpoint slot half)");
    }

    function test_UndelegateAfterLockup() public {
        _undelegate("undelegate (after lockup)");
    }

    function _undelegate(string memory name) internal {
        vm.prank(fan);
        p.staking.delegateStake(op, 1_000 ether);
        vm.prank(fan);
        p.staking.requestWithdrawal(op, 500 ether);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        vm.prank(fan);
        p.staking.withdraw(op);
        _record(name);
    }

    function test_StartRound() public {
        p.issuance.startRound();
        vm.warp(block.timestamp + D.ROUND_DURATION);
        p.issuance.startRound();
        _record("start an issuance round");
    }

    function _claimWithDelegators(uint256 n, string memory name) internal {
        for (uint256 i = 0; i < n; ++i) {
            address d = address(uint160(0xD000 + i));
            fund(d, 200 ether);
            vm.prank(d);
            p.staking.delegateStake(op, 150 ether);
        }
        vm.warp(block.timestamp + 1);
        p.issuance.startRound();
        vm.warp(block.timestamp + D.ROUND_DURATION);
        p.issuance.startRound();
        vm.warp(block.timestamp + D.ATTESTATION_WINDOW);
        // A first claim (another operator's) fixes the round, as it will have in practice.
        p.issuance.claimRewards(makeAddr("other"));
        p.issuance.claimRewards(op);
        _record(name);
    }

    function test_ClaimRewards1Delegator() public {
        _registerOther();
        _claimWithDelegators(1, "claim rewards, operator with 1 delegator");
    }

    function test_ClaimRewards100Delegators() public {
        _registerOther();
        _claimWithDelegators(100, "claim rewards, operator with 100 delegators");
    }

    function test_ClaimRewards1000Delegators() public {
        _registerOther();
        _claimWithDelegators(1000, "claim rewards, operator with 1000 delegators");
    }

    function _registerOther() internal {
        address other = makeAddr("other");
        fund(other, 300_000 ether);
        vm.prank(other);
        p.registry.register(D.CONTENT_NODE, "https://other.audius.test", 300_000 ether, makeAddr("other-wallet"));
    }

    function _proposal() internal view returns (address[] memory t, uint256[] memory v, bytes[] memory c) {
        t = new address[](1);
        t[0] = address(p.staking);
        v = new uint256[](1);
        c = new bytes[](1);
        c[0] = abi.encodeCall(Staking.setGlobalMinDelegation, (50 ether));
    }

    function test_Governance() public {
        (address[] memory t, uint256[] memory v, bytes[] memory c) = _proposal();
        string memory description = "Lower the minimum delegation to 50 AUDIO";
        vm.prank(op);
        uint256 id = p.governor.propose(t, v, c, description);
        _record("submit a proposal");
        vm.warp(block.timestamp + D.VOTING_DELAY + 1);
        vm.prank(op);
        p.governor.castVote(id, 1);
        _record("cast a vote");
        vm.warp(block.timestamp + D.VOTING_PERIOD);
        p.governor.queue(t, v, c, keccak256(bytes(description)));
        _record("queue a passed proposal");
        vm.warp(block.timestamp + D.TIMELOCK_DELAY);
        p.governor.execute(t, v, c, keccak256(bytes(description)));
        _record("execute a passed proposal (simple setter)");
        assertEq(p.staking.globalMinDelegation(), 50 ether);
    }
}

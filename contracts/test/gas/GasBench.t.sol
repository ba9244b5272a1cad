// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {Staking} from "../../src/staking/Staking.sol";
import {ProtocolDefaults as D} from "../../src/ProtocolDefaults.sol";

/// @notice Gas of each user-facing operation as a transaction pays it (receipt gasUsed, intrinsic gas included),
/// recorded in `snapshots/GasBench.json`. Run with `--isolate` (FOUNDRY_PROFILE=gas) so every call is its own
/// transaction with cold storage, exactly as on a chain: that is what `vm.lastCallGas()` reports then, and it was
/// checked equal to anvil receipts. `scripts/bench/gas.sh` runs it and prints the table with the Audius baseline.
/// @dev Like for like with the Audius rows: the network has been running (issuance rounds started long ago, the
/// current round's snapshot taken, every pool settled for the finished round, pools with a history of changes),
/// stake moves with the plain (exact) ERC-20 approval a wallet gives, and every state a user meets is measured,
/// not the cheapest one: a pool's first pending withdrawal and a later one, a claim that fixes the round and one
/// after it, a vote before and after others, an override before and after its operator voted, and stake changes
/// while a proposal is open.
contract GasBench is ProtocolFixture {
    address internal op;
    address internal fan;
    address internal fan2;
    address internal other;

    function setUp() public override {
        super.setUp();
        (op,,,) = newOperator("op", D.CONTENT_NODE, 1_000_000 ether);
        (other,,,) = newOperator("other", D.CONTENT_NODE, 1_000_000 ether);
        fan = _funded("fan", 10_000 ether);
        fan2 = _funded("fan2", 10_000 ether);
        _funded("newop", 1_000_000 ether);
        // A first delegator, then rounds: the network has been running for two rounds.
        _delegate(makeAddr("first"), op, 1_000 ether);
        _runRounds(2);
        // The pools have a history of changes, and a delegation from `fan` a round ago.
        _delegate(fan, op, 1_000 ether);
        vm.warp(block.timestamp + 1 hours);
    }

    function _funded(string memory name, uint256 amount) internal returns (address account) {
        account = makeAddr(name);
        require(p.token.transfer(account, amount));
    }

    /// @dev Stake as a wallet does: approve exactly the amount, then the action.
    function _approve(address account, uint256 amount) internal {
        vm.prank(account);
        p.token.approve(address(p.staking), amount);
    }

    function _delegate(address account, address operator, uint256 amount) internal {
        if (p.token.balanceOf(account) < amount) require(p.token.transfer(account, amount));
        _approve(account, amount);
        vm.prank(account);
        p.staking.delegateStake(operator, amount);
    }

    /// @dev Let `n` rounds end (the first with stake in it from its snapshot on), claiming each finished round for
    /// both pools once its attestation window has closed.
    function _runRounds(uint256 n) internal {
        (,, uint40 end) = p.issuance.currentRound();
        vm.warp(end);
        p.issuance.checkpoint();
        for (uint256 i = 0; i < n; ++i) {
            (,, end) = p.issuance.currentRound();
            vm.warp(end + D.ATTESTATION_WINDOW);
            p.issuance.claimRewards(op);
            p.issuance.claimRewards(other);
        }
    }

    function _record(string memory name) internal {
        vm.snapshotValue("GasBench", name, vm.lastCallGas().gasTotalUsed);
    }

    // ---- operators ----

    function test_RegisterContentNode() public {
        address newop = makeAddr("newop");
        _approve(newop, 300_000 ether);
        vm.prank(newop);
        p.registry.register(D.CONTENT_NODE, "https://newop.audius.test", 300_000 ether, makeAddr("newop-wallet"));
        _record("register a content node (with stake), 2nd operator");
    }

    function test_IncreaseStake() public {
        require(p.token.transfer(op, 1_000 ether));
        _approve(op, 1_000 ether);
        vm.prank(op);
        p.staking.increaseStake(1_000 ether);
        _record("increase stake");
    }

    // ---- delegators ----

    function test_DelegateNewDelegator() public {
        _approve(fan2, 1_000 ether);
        vm.prank(fan2);
        p.staking.delegateStake(op, 1_000 ether);
        _record("delegate, new delegator (2nd to the pool)");
    }

    function test_DelegateTopUp() public {
        _approve(fan, 500 ether);
        vm.prank(fan);
        p.staking.delegateStake(op, 500 ether);
        _record("delegate, existing delegator tops up");
    }

    function test_DelegateTopUpWhileAProposalIsOpen() public {
        _openProposal();
        vm.warp(block.timestamp + 1 hours);
        _approve(fan, 500 ether);
        vm.prank(fan);
        p.staking.delegateStake(op, 500 ether);
        _record("delegate, existing delegator tops up (a proposal open)");
    }

    function test_DelegateTopUpSecondTimeWhileAProposalIsOpen() public {
        _openProposal();
        vm.warp(block.timestamp + 1 hours);
        _delegate(fan, op, 100 ether);
        vm.warp(block.timestamp + 1 hours);
        _openProposal2();
        vm.warp(block.timestamp + 1 hours);
        _approve(fan, 500 ether);
        vm.prank(fan);
        p.staking.delegateStake(op, 500 ether);
        _record("delegate, existing delegator tops up (its value kept for an open proposal)");
    }

    function test_RequestUndelegateFirstInPool() public {
        vm.prank(fan);
        p.staking.requestWithdrawal(op, 500 ether);
        _record("request undelegate, partial (first pending in the pool)");
    }

    function test_RequestUndelegate() public {
        vm.prank(makeAddr("first"));
        p.staking.requestWithdrawal(op, 100 ether);
        vm.warp(block.timestamp + 1 hours);
        vm.prank(fan);
        p.staking.requestWithdrawal(op, 500 ether);
        _record("request undelegate, partial");
    }

    function test_RequestUndelegateWhileAProposalIsOpen() public {
        vm.prank(makeAddr("first"));
        p.staking.requestWithdrawal(op, 100 ether);
        _openProposal();
        vm.warp(block.timestamp + 1 hours);
        vm.prank(fan);
        p.staking.requestWithdrawal(op, 500 ether);
        _record("request undelegate, partial (a proposal open)");
    }

    function test_UndelegateAfterLockup() public {
        vm.prank(fan);
        p.staking.requestWithdrawal(op, 500 ether);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        vm.prank(fan);
        p.staking.withdraw(op);
        _record("undelegate after lockup, partial");
    }

    function test_UndelegateAfterLockupLastPending() public {
        vm.prank(makeAddr("first"));
        p.staking.requestWithdrawal(op, 100 ether);
        vm.prank(fan);
        p.staking.requestWithdrawal(op, 500 ether);
        vm.warp(block.timestamp + D.UNSTAKE_LOCKUP);
        vm.prank(fan);
        p.staking.withdraw(op);
        _record("undelegate after lockup, partial (others still pending)");
    }

    // ---- issuance ----

    /// @dev A keeper may take the round's snapshot at its start; nothing requires it (the first claim does it).
    function test_CheckpointRound() public {
        (,, uint40 end) = p.issuance.currentRound();
        vm.warp(end);
        p.issuance.checkpoint();
        _record("take a round's snapshot (optional keeper call)");
    }

    function _claimWithDelegators(uint256 n, string memory first, string memory second) internal {
        for (uint256 i = 0; i < n; ++i) {
            address d = address(uint160(0xD000 + i));
            _delegate(d, op, 150 ether);
        }
        (,, uint40 end) = p.issuance.currentRound();
        vm.warp(end + D.ATTESTATION_WINDOW);
        p.issuance.claimRewards(op);
        _record(first);
        p.issuance.claimRewards(other);
        _record(second);
    }

    function test_ClaimRewards1Delegator() public {
        _claimWithDelegators(
            0,
            "claim rewards, operator with 1 delegator (first claim: takes the snapshot, fixes the round)",
            "claim rewards, operator with 1 delegator"
        );
    }

    function test_ClaimRewards100Delegators() public {
        _claimWithDelegators(
            98,
            "claim rewards, operator with 100 delegators (first claim: takes the snapshot, fixes the round)",
            "claim rewards, operator with 1 delegator (after the 100-delegator pool)"
        );
    }

    function test_ClaimRewards100DelegatorsSecond() public {
        for (uint256 i = 0; i < 98; ++i) {
            _delegate(address(uint160(0xD000 + i)), other, 150 ether);
        }
        (,, uint40 end) = p.issuance.currentRound();
        vm.warp(end + D.ATTESTATION_WINDOW);
        p.issuance.claimRewards(op);
        p.issuance.claimRewards(other);
        _record("claim rewards, operator with 100 delegators");
    }

    // ---- governance ----

    function _proposal(uint96 amount) internal view returns (address[] memory t, uint256[] memory v, bytes[] memory c) {
        t = new address[](1);
        t[0] = address(p.staking);
        v = new uint256[](1);
        c = new bytes[](1);
        c[0] = abi.encodeCall(Staking.setGlobalMinDelegation, (amount));
    }

    function _openProposal() internal returns (uint256 id) {
        (address[] memory t, uint256[] memory v, bytes[] memory c) = _proposal(50 ether);
        vm.prank(op);
        id = p.governor.propose(t, v, c, "Lower the minimum delegation to 50 AUDIO");
    }

    function _openProposal2() internal returns (uint256 id) {
        (address[] memory t, uint256[] memory v, bytes[] memory c) = _proposal(60 ether);
        vm.prank(other);
        id = p.governor.propose(t, v, c, "Lower the minimum delegation to 60 AUDIO");
    }

    function test_Governance() public {
        (address[] memory t, uint256[] memory v, bytes[] memory c) = _proposal(50 ether);
        string memory description = "Lower the minimum delegation to 50 AUDIO";
        vm.prank(op);
        uint256 id = p.governor.propose(t, v, c, description);
        _record("submit a proposal");
        vm.warp(block.timestamp + 1);
        vm.prank(op);
        p.governor.castVote(id, 1);
        _record("cast a vote, 1st vote");
        vm.prank(other);
        p.governor.castVote(id, 1);
        _record("cast a vote, 2nd voter");
        vm.prank(fan);
        p.governor.castOverrideVote(id, 0, "");
        _record("a delegator overriding its operator's vote (operator voted first)");
        vm.warp(p.governor.proposalEta(id));
        p.governor.execute(t, v, c, keccak256(bytes(description)));
        _record("enact a passed proposal (one transaction, after the execution delay)");
        assertEq(p.staking.globalMinDelegation(), 50 ether);
    }

    function test_OverrideBeforeOperatorVotes() public {
        uint256 id = _openProposal();
        vm.warp(block.timestamp + 1);
        vm.prank(other);
        p.governor.castVote(id, 1);
        vm.prank(fan);
        p.governor.castOverrideVote(id, 0, "");
        _record("a delegator overriding its operator's vote (before the operator votes)");
        vm.prank(op);
        p.governor.castVote(id, 1);
        _record("cast a vote, operator after a delegator overrode it");
    }
}

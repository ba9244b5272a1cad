// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {GovernanceHandler} from "./GovernanceHandler.sol";
import {ProtocolDefaults as D} from "../../src/ProtocolDefaults.sol";

/// @notice Every staked AUDIO votes once: for every proposal, For + Against + Abstain is the stake at the snapshot
/// of the accounts that voted (an operator's pool less the stake of its delegators that overrode it, plus each
/// overriding delegator's own stake), whatever the order of the votes and whatever moved after the snapshot.
contract GovernanceInvariants is ProtocolFixture {
    GovernanceHandler internal handler;

    function setUp() public override {
        super.setUp();
        uint256 t0 = block.timestamp;
        address[6] memory actors;
        (actors[0],,,) = newOperator("op0", D.CONTENT_NODE, 2_000_000 ether);
        (actors[1],,,) = newOperator("op1", D.CONTENT_NODE, 2_000_000 ether);
        (address chair,,,) = newOperator("chair", D.DISCOVERY_NODE, 500_000 ether);
        actors[2] = newDelegator("d0", actors[0], 300_000 ether);
        actors[3] = newDelegator("d1", actors[0], 200_000 ether);
        actors[4] = newDelegator("d2", actors[1], 400_000 ether);
        actors[5] = newDelegator("d3", actors[1], 100_000 ether);
        for (uint256 i = 0; i < 6; ++i) {
            fund(actors[i], 20_000_000 ether);
        }
        // Requests that mature a few hours into the runs, so that accounts leave pools and join others.
        vm.prank(actors[0]);
        p.staking.requestRemoveDelegator(actors[3]);
        vm.prank(actors[5]);
        p.staking.requestWithdrawal(actors[1], type(uint256).max);
        // Round 1's snapshot, so that the first settlement in round 2 pays a reward (a rebase of both pools).
        vm.warp(t0 + 10);
        p.issuance.checkpoint();
        vm.warp(t0 + D.ROUND_DURATION - 6 hours);

        handler = new GovernanceHandler(p.governor, p.staking, chair, actors);
        handler.propose(0);
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](12);
        selectors[0] = GovernanceHandler.deposit.selector;
        selectors[1] = GovernanceHandler.requestWithdrawal.selector;
        selectors[2] = GovernanceHandler.cancelWithdrawal.selector;
        selectors[3] = GovernanceHandler.withdraw.selector;
        selectors[4] = GovernanceHandler.requestRemoval.selector;
        selectors[5] = GovernanceHandler.cancelRemoval.selector;
        selectors[6] = GovernanceHandler.removeDelegator.selector;
        selectors[7] = GovernanceHandler.slash.selector;
        selectors[8] = GovernanceHandler.propose.selector;
        selectors[9] = GovernanceHandler.castVote.selector;
        selectors[10] = GovernanceHandler.castOverride.selector;
        selectors[11] = GovernanceHandler.warp.selector;
        targetSelector(StdInvariant.FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    function invariant_EveryStakedAudioVotesOnce() public view {
        _checkTallies();
    }

    /// A run that voted nothing would prove nothing: the last step makes every account vote on an open proposal
    /// (a new one if none is open), the tallies are checked once more, and votes and overrides must have counted.
    function afterInvariant() external {
        handler.sweep();
        _checkTallies();
        assertGt(handler.casts(), 0, "no castVote went through");
        assertGt(handler.overrides(), 0, "no castOverrideVote went through");
        // Whatever moved during the run, every proposal's quorum is still 5% of the stake before its creation.
        for (uint256 k = 0; k < handler.proposalCount(); ++k) {
            (uint256 id, uint256 snapshot, uint256 quorumBase) = handler.quorumOf(k);
            uint256 quorum = quorumBase * D.QUORUM_PERCENT / 100;
            assertEq(p.governor.proposalQuorum(id), quorum, "quorum fixed at creation");
            assertEq(p.governor.quorum(snapshot), quorum, "quorum from the history");
            assertEq(p.staking.getPastTotalSupply(snapshot - 1), quorumBase);
        }
    }

    /// Cheap enough to run after every call: the handler keeps the expected tallies up to date.
    function _checkTallies() internal view {
        uint256 mismatches = handler.mismatches();
        if (mismatches != 0) assertEq(mismatches, 0, handler.firstMismatch());
        uint256 count = handler.proposalCount();
        for (uint256 k = 0; k < count; ++k) {
            (uint256 id, uint256[3] memory bySupport, uint256 total) = handler.expected(k);
            (uint256 against, uint256 forVotes, uint256 abstain) = p.governor.proposalVotes(id);
            assertEq(against, bySupport[0], "against");
            assertEq(forVotes, bySupport[1], "for");
            assertEq(abstain, bySupport[2], "abstain");
            assertEq(against + forVotes + abstain, total, "not the voters' stake at the snapshot");
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {GovernorCountingStake as Counting} from "../src/governance/GovernorCountingStake.sol";
import {ProtocolFixture} from "./utils/ProtocolFixture.sol";
import {Staking} from "../src/staking/Staking.sol";
import {IStakingEvents} from "../src/interfaces/IStakingEvents.sol";
import {ServiceRegistry} from "../src/staking/ServiceRegistry.sol";
import {Issuance} from "../src/issuance/Issuance.sol";
import {FeatureAccess} from "../src/access/FeatureAccess.sol";
import {AudiusGovernor} from "../src/governance/AudiusGovernor.sol";
import {AudioToken} from "../src/AudioToken.sol";
import {GovernedUUPS} from "../src/utils/GovernedUUPS.sol";
import {ProtocolDefaults as D} from "../src/ProtocolDefaults.sol";

contract GovernanceTest is ProtocolFixture {
    address internal alice;
    address internal bob;
    uint256 internal aliceKey;

    uint256 internal constant MILLION = 1_000_000 ether;
    uint8 internal constant AGAINST = 0;
    uint8 internal constant FOR = 1;
    uint8 internal constant ABSTAIN = 2;

    function setUp() public override {
        super.setUp();
        (alice,,,) = newOperator("alice", D.CONTENT_NODE, MILLION);
        (bob,,,) = newOperator("bob", D.CONTENT_NODE, MILLION);
        (, aliceKey) = makeAddrAndKey("alice");
        vm.warp(block.timestamp + 1);
    }

    // ---- helpers ----

    function _voters(address a, address b) internal pure returns (address[] memory v) {
        v = new address[](2);
        (v[0], v[1]) = (a, b);
    }

    function _state(uint256 id) internal view returns (uint8) {
        return uint8(p.governor.state(id));
    }

    function _bitmap(IGovernor.ProposalState s) internal pure returns (bytes32) {
        return bytes32(uint256(1) << uint8(s));
    }

    function _unexpectedState(uint256 id, IGovernor.ProposalState current, IGovernor.ProposalState expected)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(
            IGovernor.GovernorUnexpectedProposalState.selector, id, current, _bitmap(expected)
        );
    }

    function _assertVotes(uint256 id, uint256 against, uint256 forVotes, uint256 abstain) internal view {
        (uint256 a, uint256 f, uint256 ab) = p.governor.proposalVotes(id);
        assertEq(a, against, "against");
        assertEq(f, forVotes, "for");
        assertEq(ab, abstain, "abstain");
    }

    function _vote(uint256 id, address voter, uint8 support) internal returns (uint256) {
        vm.prank(voter);
        return p.governor.castVote(id, support);
    }

    function _override(uint256 id, address voter, uint8 support) internal returns (uint256) {
        vm.prank(voter);
        return p.governor.castOverrideVote(id, support, "");
    }

    function _cancel(address caller, address target, bytes memory data, string memory description) internal {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = single(target, data);
        vm.prank(caller);
        p.governor.cancel(targets, values, calldatas, keccak256(bytes(description)));
    }

    function _refusedCancel(uint256 id, address caller, address target, bytes memory data, string memory description)
        internal
    {
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorUnableToCancel.selector, id, caller));
        _cancel(caller, target, data, description);
    }

    function _domainSeparator() internal view returns (bytes32) {
        (, string memory name, string memory version, uint256 chainId, address verifying,,) = p.governor.eip712Domain();
        return keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256(bytes(name)),
                keccak256(bytes(version)),
                chainId,
                verifying
            )
        );
    }

    function _sign(uint256 key, bytes32 structHash) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(key, keccak256(abi.encodePacked("\x19\x01", _domainSeparator(), structHash)));
        return abi.encodePacked(r, s, v);
    }

    /// @dev Two delegators in alice's pool: d1 300k, d2 200k (alice's pool: 1.5M).
    function _delegators() internal returns (address d1, address d2) {
        d1 = newDelegator("d1", alice, 300_000 ether);
        d2 = newDelegator("d2", alice, 200_000 ether);
    }

    function _minDelegation(uint96 amount) internal pure returns (bytes memory) {
        return abi.encodeCall(Staking.setGlobalMinDelegation, (amount));
    }

    // =========================================================================================================
    // The normal path
    // =========================================================================================================

    function test_ProposalChangesAParameterThroughGovernance() public {
        uint256 id = pass(alice, _voters(alice, bob), address(p.staking), _minDelegation(42 ether), "min 42");
        assertEq(_state(id), uint8(IGovernor.ProposalState.Executed));
        assertEq(p.staking.globalMinDelegation(), 42 ether);
        _assertVotes(id, 0, 2 * MILLION, 0);
    }

    function test_MultiActionProposal() public {
        address[] memory targets = new address[](2);
        (targets[0], targets[1]) = (address(p.staking), address(p.registry));
        uint256[] memory values = new uint256[](2);
        bytes[] memory calldatas = new bytes[](2);
        calldatas[0] = _minDelegation(7 ether);
        calldatas[1] = abi.encodeCall(ServiceRegistry.setServiceVersion, (D.CONTENT_NODE, "0.9.0"));
        vm.prank(alice);
        uint256 id = p.governor.propose(targets, values, calldatas, "two actions");
        vm.warp(block.timestamp + 1);
        vm.prank(alice);
        assertEq(p.governor.castVoteWithReason(id, FOR, "ship it"), MILLION);
        assertEq(_vote(id, bob, ABSTAIN), MILLION); // abstain counts toward quorum, not for or against
        _assertVotes(id, 0, MILLION, MILLION);
        vm.warp(p.governor.proposalDeadline(id) + 1);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Queued));

        // There is no queue step: the governor waits out the delay itself.
        vm.expectRevert(_unexpectedState(id, IGovernor.ProposalState.Queued, IGovernor.ProposalState.Succeeded));
        p.governor.queue(targets, values, calldatas, keccak256("two actions"));
        vm.warp(p.governor.proposalEta(id));
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorProposalQueueingNotRequired.selector, id));
        p.governor.queue(targets, values, calldatas, keccak256("two actions"));

        p.governor.execute(targets, values, calldatas, keccak256("two actions"));
        assertEq(_state(id), uint8(IGovernor.ProposalState.Executed));
        assertEq(p.staking.globalMinDelegation(), 7 ether);
        assertEq(p.registry.serviceVersion(D.CONTENT_NODE), "0.9.0");
    }

    function test_ExecutionWaitsForTheDelay() public {
        bytes memory call = _minDelegation(1 ether);
        uint256 created = block.timestamp;
        uint256 id = propose(alice, address(p.staking), call, "early");
        voteThrough(id, alice);
        uint256 eta = p.governor.proposalEta(id);
        assertEq(p.governor.proposalDeadline(id), created + D.VOTING_PERIOD);
        assertEq(eta, created + D.VOTING_PERIOD + 1 + D.EXECUTION_DELAY);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Queued));

        vm.warp(eta - 1);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Queued));
        vm.expectRevert(_unexpectedState(id, IGovernor.ProposalState.Queued, IGovernor.ProposalState.Succeeded));
        execute(address(p.staking), call, "early");

        vm.warp(eta);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Succeeded));
        execute(address(p.staking), call, "early");
        assertEq(p.staking.globalMinDelegation(), 1 ether);
    }

    function test_PassedProposalExpiresAfterTheGracePeriod() public {
        bytes memory call = _minDelegation(1 ether);
        uint256 id = propose(alice, address(p.staking), call, "late");
        voteThrough(id, alice);
        uint256 eta = p.governor.proposalEta(id);
        vm.warp(eta + D.GRACE_PERIOD - 1);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Succeeded));
        vm.warp(eta + D.GRACE_PERIOD);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Expired));
        vm.expectRevert(_unexpectedState(id, IGovernor.ProposalState.Expired, IGovernor.ProposalState.Succeeded));
        execute(address(p.staking), call, "late");
        assertEq(p.staking.globalMinDelegation(), D.MIN_DELEGATION);
    }

    function test_RevertWhen_ProposerBelowThreshold() public {
        bytes memory call = _minDelegation(1);
        address nobody = makeAddr("nobody");
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorInsufficientProposerVotes.selector, nobody, 0, D.PROPOSAL_THRESHOLD
            )
        );
        propose(nobody, address(p.staking), call, "x");

        // A delegator proposes with its own stake: 100k is below the threshold, 300k is not.
        address small = newDelegator("small", alice, 100_000 ether);
        address fan = newDelegator("fan", alice, 300_000 ether);
        vm.warp(block.timestamp + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorInsufficientProposerVotes.selector, small, 100_000 ether, D.PROPOSAL_THRESHOLD
            )
        );
        propose(small, address(p.staking), call, "x");
        assertEq(p.governor.proposalProposer(propose(fan, address(p.staking), call, "by a delegator")), fan);

        // An operator counts from the end of the second before: not in the second it registers.
        (address late,,,) = newOperator("late", D.DISCOVERY_NODE, D.PROPOSAL_THRESHOLD);
        vm.expectRevert(
            abi.encodeWithSelector(IGovernor.GovernorInsufficientProposerVotes.selector, late, 0, D.PROPOSAL_THRESHOLD)
        );
        propose(late, address(p.staking), call, "x");
        vm.warp(block.timestamp + 1);
        uint256 id = propose(late, address(p.staking), call, "x");
        assertEq(p.governor.proposalProposer(id), late);
    }

    // =========================================================================================================
    // Snapshot attacks
    // =========================================================================================================

    /// Flash stake: stake registered or delegated after the snapshot carries no vote on the live proposal.
    function test_StakeAddedAfterSnapshotCannotVote() public {
        uint256 id = propose(alice, address(p.staking), _minDelegation(1), "x");
        vm.warp(block.timestamp + 1);
        // A whale registers and a fan delegates 8M to bob, after the snapshot.
        (address whale,,,) = newOperator("whale", D.CONTENT_NODE, 9_000_000 ether);
        address fan = newDelegator("fan", bob, 8_000_000 ether);
        assertEq(p.staking.getVotes(bob), 9 * MILLION);

        assertEq(_vote(id, whale, AGAINST), 0, "registered after the snapshot");
        assertEq(_override(id, fan, AGAINST), 0, "delegated after the snapshot");
        assertEq(_vote(id, bob, AGAINST), MILLION, "bob's pool at the snapshot");
        assertEq(_vote(id, alice, FOR), MILLION);
        _assertVotes(id, MILLION, MILLION, 0);
        vm.warp(p.governor.proposalDeadline(id) + 1);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Defeated), "1M against 1M: not passed");
    }

    /// Sybil quorum bypass: many small voters cannot pass what the stake-weighted quorum refuses.
    function test_ManySmallVotersCannotReachQuorum() public {
        (address whale,,,) = newOperator("whale", D.CONTENT_NODE, 9_900_000 ether);
        address[] memory smalls = new address[](3);
        for (uint256 i = 0; i < 3; ++i) {
            (smalls[i],,,) = newOperator(string.concat("small", vm.toString(i)), D.DISCOVERY_NODE, 200_000 ether);
        }
        vm.warp(block.timestamp + 1);
        // Total 12.5M: quorum 625k; alice, bob and the whale do not vote, the three smalls hold 600k.
        uint256 id = propose(whale, address(p.staking), _minDelegation(1), "x");
        vm.warp(block.timestamp + 1);
        for (uint256 i = 0; i < 3; ++i) {
            assertEq(_vote(id, smalls[i], FOR), 200_000 ether);
        }
        vm.warp(p.governor.proposalDeadline(id) + 1);
        uint256 snapshot = p.governor.proposalSnapshot(id);
        assertEq(p.staking.getPastTotalSupply(snapshot - 1), 12_500_000 ether);
        assertEq(p.governor.proposalQuorum(id), 625_000 ether);
        assertEq(p.governor.quorum(snapshot), 625_000 ether);
        _assertVotes(id, 0, 600_000 ether, 0);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Defeated));
    }

    function test_VoteBySignature() public {
        uint256 id = propose(alice, address(p.staking), _minDelegation(1), "x");
        vm.warp(block.timestamp + 1);
        uint256 nonce = p.governor.nonces(alice);
        bytes memory sig = _sign(aliceKey, keccak256(abi.encode(p.governor.BALLOT_TYPEHASH(), id, FOR, alice, nonce)));
        vm.prank(makeAddr("relayer"));
        assertEq(p.governor.castVoteBySig(id, FOR, alice, sig), MILLION); // relayed by anyone
        _assertVotes(id, 0, MILLION, 0);
        assertTrue(p.governor.hasVoted(id, alice));
        assertEq(p.governor.nonces(alice), nonce + 1);
        // Replaying the signature fails: the nonce moved on, so it no longer recovers to alice.
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorInvalidSignature.selector, alice));
        p.governor.castVoteBySig(id, FOR, alice, sig);
        _assertVotes(id, 0, MILLION, 0);
    }

    // =========================================================================================================
    // Guardian
    // =========================================================================================================

    function test_GuardianVetoesAndCanBeVotedOut() public {
        bytes memory call = _minDelegation(1);
        uint256 id = propose(alice, address(p.staking), call, "veto me");
        _cancel(guardian, address(p.staking), call, "veto me");
        assertEq(_state(id), uint8(IGovernor.ProposalState.Canceled));

        // The guardian has no other power.
        vm.expectRevert(abi.encodeWithSelector(GovernedUUPS.NotGovernance.selector, guardian));
        vm.prank(guardian);
        p.staking.setGlobalMinDelegation(1);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, guardian));
        vm.prank(guardian);
        p.governor.setProposalGuardian(guardian);

        // A vote removes the guardian (it cannot veto that).
        pass(
            alice,
            _voters(alice, bob),
            address(p.governor),
            abi.encodeCall(p.governor.setProposalGuardian, (address(0))),
            "remove guardian"
        );
        assertEq(p.governor.proposalGuardian(), address(0));
        uint256 next = propose(alice, address(p.staking), _minDelegation(2), "no veto");
        _refusedCancel(next, guardian, address(p.staking), _minDelegation(2), "no veto");
        assertEq(_state(next), uint8(IGovernor.ProposalState.Pending));
    }

    // =========================================================================================================
    // Slashing through governance
    // =========================================================================================================

    /// Unstaking while a slash vote is pending: a withdrawal requested after the proposal cannot complete
    /// before the slash executes, and the slash voids it.
    function test_StakeCannotEscapeAPendingSlashVote() public {
        bytes memory call = abi.encodeCall(Staking.slash, (bob, 500_000 ether, keccak256("evidence")));
        uint256 id = propose(alice, address(p.staking), call, "slash bob");
        vm.startPrank(bob);
        p.registry.deregister(2);
        p.staking.requestWithdrawal(bob, type(uint256).max);
        vm.stopPrank();
        uint40 unlockAt = p.staking.withdrawalOf(bob, bob).unlockAt;
        assertEq(unlockAt, block.timestamp + D.UNSTAKE_LOCKUP);

        voteThrough(id, alice);
        vm.warp(p.governor.proposalEta(id));
        assertLt(block.timestamp, unlockAt, "the lockup outlasts the whole governance window");
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.StillLocked.selector, unlockAt));
        vm.prank(bob);
        p.staking.withdraw(bob);

        uint256 supply = p.token.totalSupply();
        execute(address(p.staking), call, "slash bob");
        assertEq(p.staking.operatorStake(bob), 500_000 ether);
        assertEq(p.token.totalSupply(), supply - 500_000 ether);
        vm.warp(unlockAt);
        vm.expectRevert(IStakingEvents.VoidedBySlash.selector);
        vm.prank(bob);
        p.staking.withdraw(bob);
    }

    function test_VotingWindowCannotOutgrowTheLockup() public {
        // Lengthening the vote so that proposal-to-execution reaches the withdrawal lockup is refused at execution.
        bytes memory tooLong = abi.encodeCall(p.governor.setVotingPeriod, (6 days));
        bytes memory longest = abi.encodeCall(p.governor.setVotingPeriod, (6 days - 1));
        uint256 a = propose(alice, address(p.governor), tooLong, "6d votes");
        uint256 b = propose(alice, address(p.governor), longest, "6d-1s votes");
        vm.warp(block.timestamp + 1);
        _vote(a, alice, FOR);
        _vote(b, alice, FOR);
        vm.warp(p.governor.proposalEta(a));
        assertEq(p.governor.proposalEta(b), p.governor.proposalEta(a));
        vm.expectRevert(
            abi.encodeWithSelector(
                AudiusGovernor.WindowTooLong.selector, 6 days + uint256(D.EXECUTION_DELAY), D.UNSTAKE_LOCKUP
            )
        );
        execute(address(p.governor), tooLong, "6d votes");
        assertEq(p.governor.votingPeriod(), D.VOTING_PERIOD);

        execute(address(p.governor), longest, "6d-1s votes");
        assertEq(p.governor.votingPeriod(), 6 days - 1);
        assertEq(p.governor.governanceWindow(), D.UNSTAKE_LOCKUP - 1);
    }

    // =========================================================================================================
    // July 2022: re-initialization and upgrades
    // =========================================================================================================

    function test_NoContractCanBeInitializedAgain() public {
        address attacker = makeAddr("attacker");
        vm.startPrank(attacker);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        p.staking.initialize(attacker, IERC20(address(p.token)), 8 days, 8 days, 9 days, 1 days, 0);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        p.registry.initialize(attacker, p.staking);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        p.issuance.initialize(attacker, p.token, p.staking, p.registry, 1 days, 700, 1 hours, 1);
        uint256[4] memory tiers = [uint256(1), 2, 3, 4];
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        p.featureAccess.initialize(attacker, p.staking, tiers);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        p.governor.initialize(IVotes(attacker), 1, 1, 1, 0, 1, attacker, 1);
        vm.stopPrank();
    }

    function test_NoImplementationCanBeInitialized() public {
        address attacker = makeAddr("attacker");
        address[5] memory proxies = [
            address(p.staking), address(p.registry), address(p.issuance), address(p.featureAccess), address(p.governor)
        ];
        address[5] memory impls;
        for (uint256 i = 0; i < 5; ++i) {
            impls[i] = address(uint160(uint256(vm.load(proxies[i], ERC1967Utils.IMPLEMENTATION_SLOT))));
            assertTrue(impls[i] != address(0));
            assertTrue(impls[i] != proxies[i]);
        }
        vm.startPrank(attacker);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        Staking(impls[0]).initialize(attacker, IERC20(address(p.token)), 8 days, 8 days, 9 days, 1 days, 0);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        ServiceRegistry(impls[1]).initialize(attacker, p.staking);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        Issuance(impls[2]).initialize(attacker, p.token, p.staking, p.registry, 1 days, 700, 1 hours, 1);
        uint256[4] memory tiers = [uint256(1), 2, 3, 4];
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        FeatureAccess(impls[3]).initialize(attacker, p.staking, tiers);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        AudiusGovernor(payable(impls[4])).initialize(IVotes(address(p.staking)), 1, 1, 1, 0, 1, attacker, 1);
        vm.stopPrank();
    }

    function test_OnlyAVoteCanUpgrade() public {
        address next = address(new Staking());
        address attacker = makeAddr("attacker");
        vm.expectRevert(abi.encodeWithSelector(GovernedUUPS.NotGovernance.selector, attacker));
        vm.prank(attacker);
        p.staking.upgradeToAndCall(next, "");
        address nextGovernor = address(new AudiusGovernor());
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, attacker));
        vm.prank(attacker);
        p.governor.upgradeToAndCall(nextGovernor, "");

        pass(
            alice,
            _voters(alice, bob),
            address(p.staking),
            abi.encodeCall(p.staking.upgradeToAndCall, (next, "")),
            "upgrade staking"
        );
        assertEq(address(uint160(uint256(vm.load(address(p.staking), ERC1967Utils.IMPLEMENTATION_SLOT)))), next);
        assertEq(p.staking.operatorStake(alice), MILLION, "state kept across the upgrade");

        uint256 id = pass(
            alice,
            _voters(alice, bob),
            address(p.governor),
            abi.encodeCall(p.governor.upgradeToAndCall, (nextGovernor, "")),
            "upgrade governor"
        );
        assertEq(
            address(uint160(uint256(vm.load(address(p.governor), ERC1967Utils.IMPLEMENTATION_SLOT)))), nextGovernor
        );
        assertEq(_state(id), uint8(IGovernor.ProposalState.Executed), "state kept across the upgrade");
        assertEq(p.governor.votingPeriod(), D.VOTING_PERIOD);
        assertEq(p.governor.proposalGuardian(), guardian);
    }

    function test_RevertWhen_InitializedWithZeroAddresses() public {
        address registryImpl = address(new ServiceRegistry());
        vm.expectRevert(GovernedUUPS.ZeroAddress.selector);
        new ERC1967Proxy(registryImpl, abi.encodeCall(ServiceRegistry.initialize, (address(this), Staking(address(0)))));
        address issuanceImpl = address(new Issuance());
        vm.expectRevert(GovernedUUPS.ZeroAddress.selector);
        new ERC1967Proxy(
            issuanceImpl,
            abi.encodeCall(
                Issuance.initialize,
                (address(this), AudioToken(address(0)), p.staking, p.registry, 7 days, 700, 1 days, 1)
            )
        );
        address stakingImpl = address(new Staking());
        vm.expectRevert(GovernedUUPS.ZeroAddress.selector);
        new ERC1967Proxy(
            stakingImpl,
            abi.encodeCall(
                Staking.initialize, (address(0), IERC20(address(p.token)), 8 days, 8 days, 9 days, 1 days, 0)
            )
        );
        vm.expectRevert(GovernedUUPS.ZeroAddress.selector);
        new ERC1967Proxy(
            stakingImpl,
            abi.encodeCall(Staking.initialize, (address(this), IERC20(address(0)), 8 days, 8 days, 9 days, 1 days, 0))
        );
        // A governor without a votes source cannot be initialized (it reads the staking lockup).
        address governorImpl = address(new AudiusGovernor());
        vm.expectRevert();
        new ERC1967Proxy(
            governorImpl,
            abi.encodeCall(
                AudiusGovernor.initialize,
                (IVotes(address(0)), D.VOTING_PERIOD, D.EXECUTION_DELAY, D.GRACE_PERIOD, 0, 5, address(0), 1)
            )
        );
    }

    function test_WiringViews() public view {
        assertEq(address(p.registry.staking()), address(p.staking));
        assertEq(address(p.governor.token()), address(p.staking));
        assertEq(address(p.staking.governor()), address(p.governor));
        assertFalse(p.governor.proposalNeedsQueuing(0));
        assertEq(p.governor.proposalThreshold(), D.PROPOSAL_THRESHOLD);
        assertEq(p.governor.name(), "AudiusGovernor");
        assertEq(p.governor.proposalGuardian(), guardian);
        assertEq(p.governor.governanceWindow(), uint256(D.VOTING_PERIOD) + D.EXECUTION_DELAY);
        assertEq(p.token.owner(), address(p.governor));
        assertEq(p.staking.governance(), address(p.governor));
        assertEq(p.registry.governance(), address(p.governor));
        assertEq(p.issuance.governance(), address(p.governor));
        assertEq(p.featureAccess.governance(), address(p.governor));
    }

    function test_TokenMinterChangesOnlyByVote() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        p.token.setMinter(address(this));
        assertEq(p.token.minter(), address(p.issuance));
        pass(
            alice,
            _voters(alice, bob),
            address(p.token),
            abi.encodeCall(AudioToken.setMinter, (address(0))),
            "stop minting"
        );
        assertEq(p.token.minter(), address(0));
    }

    // =========================================================================================================
    // The review's holes, as an attacker would try them
    // =========================================================================================================

    /// H-1 (a): an operator parks a second account behind a matured removal, so that stake put into it could be
    /// taken out again at once; it borrows 9.7M for the proposal's creation second (the snapshot) and wants to
    /// repay a second later. The deposit is refused while the removal is pending. (b) Stake deposited before the
    /// request left the vote at the request: the removal pays back only what was pending then, and it voted
    /// nothing. 9.7M borrowed against 6M honest stake does not make the attacker the minter.
    function test_H1a_BorrowedStakeBehindARemovalCannotVote() public {
        uint256 borrowed = 9_700_000 ether;
        (address carol,,,) = newOperator("carol", D.CONTENT_NODE, 4 * MILLION); // honest: 1M + 1M + 4M
        (address mallory,,,) = newOperator("mallory", D.CONTENT_NODE, 200_000 ether);
        address sybil = newDelegator("sybil", mallory, D.MIN_DELEGATION);
        address parked = newDelegator("parked", mallory, borrowed); // (b): the loan put in before the request
        address lender = makeAddr("lender");
        fund(lender, borrowed);

        // t0: mallory starts removing both of its accounts; their whole stake moves to pending now.
        vm.startPrank(mallory);
        p.staking.requestRemoveDelegator(sybil);
        p.staking.requestRemoveDelegator(parked);
        vm.stopPrank();
        uint256 t0 = block.timestamp;
        assertEq(p.staking.getVotes(mallory), 200_000 ether);
        (uint40 effectiveAt,) = p.staking.removalOf(mallory, sybil);
        assertEq(effectiveAt, t0 + D.REMOVE_DELEGATOR_LOCKUP);

        // s: the removals have matured. Mallory proposes to become the minter and, in the same second (the
        // snapshot), the sybil takes the loan and stakes it.
        vm.warp(t0 + D.REMOVE_DELEGATOR_LOCKUP);
        uint256 s = block.timestamp;
        bytes memory call = abi.encodeCall(AudioToken.setMinter, (mallory));
        uint256 id = propose(mallory, address(p.token), call, "new minter");
        assertEq(p.governor.proposalSnapshot(id), s);
        vm.prank(lender);
        require(p.token.transfer(sybil, borrowed));
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.RemovalPending.selector, mallory));
        vm.prank(sybil);
        p.staking.delegateStake(mallory, borrowed);
        // Nor can the parked stake come back to vote: only the operator can cancel its removal.
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.RemovalPending.selector, mallory));
        vm.prank(parked);
        p.staking.cancelWithdrawal(mallory);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.RemovalPending.selector, mallory));
        vm.prank(parked);
        p.staking.delegateStake(mallory, D.MIN_DELEGATION);

        // s + 1: vote with everything, then pull everything out.
        vm.warp(s + 1);
        assertEq(p.staking.getPastVotes(mallory, s), 200_000 ether, "pending stake votes nothing");
        assertEq(p.staking.getPastBalanceOf(parked, s), 0);
        assertEq(_vote(id, mallory, FOR), 200_000 ether);
        assertEq(_override(id, sybil, FOR), 0);
        assertEq(_override(id, parked, FOR), 0);
        vm.startPrank(mallory);
        p.staking.removeDelegator(sybil);
        p.staking.removeDelegator(parked);
        vm.stopPrank();
        assertEq(p.token.balanceOf(sybil), borrowed + D.MIN_DELEGATION, "the loan never entered the pool");
        assertEq(p.token.balanceOf(parked), borrowed, "only what was pending at the request");
        assertEq(p.staking.stakedValueOf(parked), 0);
        assertEq(p.staking.delegates(parked), address(0));
        vm.prank(sybil);
        require(p.token.transfer(lender, borrowed));

        // The honest 6M vote against.
        assertEq(_vote(id, alice, AGAINST), MILLION);
        assertEq(_vote(id, bob, AGAINST), MILLION);
        assertEq(_vote(id, carol, AGAINST), 4 * MILLION);
        _assertVotes(id, 6 * MILLION, 200_000 ether, 0);
        assertEq(p.governor.proposalQuorum(id), 6_200_000 ether * 5 / 100);
        vm.warp(p.governor.proposalDeadline(id) + 1);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Defeated));
        vm.expectRevert(_unexpectedState(id, IGovernor.ProposalState.Defeated, IGovernor.ProposalState.Succeeded));
        execute(address(p.token), call, "new minter");
        assertEq(p.token.minter(), address(p.issuance));
    }

    /// H-1 (b): stake parked behind a removal (an option to leave at once later) neither votes nor escapes a
    /// slash: it left the pool's votes at the request, the slash reaches it and voids the removal.
    function test_H1b_StakeParkedBehindARemovalIsSlashedAndVotesNothing() public {
        (address mallory,,,) = newOperator("mallory", D.CONTENT_NODE, 200_000 ether);
        address parked = newDelegator("parked", mallory, MILLION);
        vm.warp(block.timestamp + 1);
        vm.prank(mallory);
        p.staking.requestRemoveDelegator(parked);
        uint256 t0 = block.timestamp;
        assertEq(p.staking.getVotes(mallory), 200_000 ether);
        assertEq(p.staking.balanceOf(parked), 0);
        assertEq(p.staking.stakedValueOf(parked), MILLION);

        vm.warp(t0 + 1);
        bytes memory call = abi.encodeCall(Staking.slash, (mallory, 600_000 ether, keccak256("evidence")));
        uint256 id = propose(alice, address(p.staking), call, "slash mallory");
        vm.warp(block.timestamp + 1);
        assertEq(_vote(id, mallory, AGAINST), 200_000 ether, "the parked stake is not in the pool's vote");
        assertEq(_override(id, parked, AGAINST), 0, "nor can it vote by itself");
        assertEq(_vote(id, alice, FOR), MILLION);
        assertEq(_vote(id, bob, FOR), MILLION);
        _assertVotes(id, 200_000 ether, 2 * MILLION, 0);

        // The parked stake cannot be brought back, topped up or taken out before the slash.
        vm.startPrank(parked);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.RemovalPending.selector, mallory));
        p.staking.cancelWithdrawal(mallory);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingEvents.StillLocked.selector, uint40(t0 + D.REMOVE_DELEGATOR_LOCKUP))
        );
        p.staking.withdraw(mallory);
        vm.stopPrank();

        vm.warp(p.governor.proposalEta(id));
        assertLt(block.timestamp, t0 + D.REMOVE_DELEGATOR_LOCKUP);
        uint256 supply = p.token.totalSupply();
        execute(address(p.staking), call, "slash mallory");
        // 600k of 1.2M (200k active, 1M pending): each part loses half.
        assertEq(p.token.totalSupply(), supply - 600_000 ether);
        assertEq(p.staking.operatorStake(mallory), 100_000 ether);
        assertEq(p.staking.withdrawalValue(mallory, parked), 500_000 ether);
        assertEq(p.staking.poolOf(mallory).pendingAssets, 500_000 ether);

        // The slash voided the removal: it cannot be completed by either side, only cancelled.
        vm.warp(t0 + D.REMOVE_DELEGATOR_LOCKUP);
        vm.expectRevert(IStakingEvents.VoidedBySlash.selector);
        vm.prank(mallory);
        p.staking.removeDelegator(parked);
        vm.expectRevert(IStakingEvents.VoidedBySlash.selector);
        vm.prank(parked);
        p.staking.withdraw(mallory);
        vm.prank(parked);
        p.staking.cancelWithdrawal(mallory);
        (, uint256 assets) = p.staking.positionOf(mallory, parked);
        assertEq(assets, 500_000 ether);
        assertEq(p.token.balanceOf(parked), 0);
    }

    /// H-2: with no guardian (the deployment default), a proposer could cancel its proposal at any time: an
    /// attacker front-running a slash proposal with an identical copy became its proposer and could kill it
    /// once voting had started. Now a proposer can cancel only in the creation second; a `#proposer=` suffix keeps
    /// even that second from an impostor.
    function test_H2_ProposerCannotCancelAfterVotingStarts() public {
        redeploy(address(0));
        assertEq(p.governor.proposalGuardian(), address(0));
        (alice,,,) = newOperator("alice", D.CONTENT_NODE, MILLION);
        (bob,,,) = newOperator("bob", D.CONTENT_NODE, MILLION);
        (address mallory,,,) = newOperator("mallory", D.CONTENT_NODE, 400_000 ether);
        vm.warp(block.timestamp + 1);

        // Mallory sees alice's slash proposal in the mempool and submits it first.
        bytes memory call = abi.encodeCall(Staking.slash, (mallory, 100_000 ether, keccak256("evidence")));
        uint256 id = propose(mallory, address(p.staking), call, "slash mallory");
        assertEq(p.governor.proposalProposer(id), mallory);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorUnexpectedProposalState.selector, id, IGovernor.ProposalState.Pending, bytes32(0)
            )
        );
        propose(alice, address(p.staking), call, "slash mallory");

        // Once voting has started, its "proposer" cannot cancel it: not while Active, Queued or Succeeded.
        vm.warp(block.timestamp + 1);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Active));
        _refusedCancel(id, mallory, address(p.staking), call, "slash mallory");
        _vote(id, alice, FOR);
        _vote(id, bob, FOR);
        _vote(id, mallory, AGAINST);
        vm.warp(p.governor.proposalDeadline(id) + 1);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Queued));
        _refusedCancel(id, mallory, address(p.staking), call, "slash mallory");
        vm.warp(p.governor.proposalEta(id));
        _refusedCancel(id, mallory, address(p.staking), call, "slash mallory");
        execute(address(p.staking), call, "slash mallory");
        assertEq(p.staking.operatorStake(mallory), 300_000 ether);

        // In the creation second a copy can still be cancelled by whoever submitted it, which burns that
        // description; a description bound to its proposer cannot be copied at all.
        bytes memory again = abi.encodeCall(Staking.slash, (mallory, 50_000 ether, keccak256("evidence 2")));
        uint256 copy = propose(mallory, address(p.staking), again, "slash mallory again");
        _cancel(mallory, address(p.staking), again, "slash mallory again");
        assertEq(_state(copy), uint8(IGovernor.ProposalState.Canceled));

        string memory bound = string.concat("slash mallory again#proposer=", vm.toString(alice));
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorRestrictedProposer.selector, mallory));
        propose(mallory, address(p.staking), again, bound);
        uint256 real = propose(alice, address(p.staking), again, bound);
        assertEq(p.governor.proposalProposer(real), alice);
        assertEq(_state(real), uint8(IGovernor.ProposalState.Pending));
    }

    /// M-1: a guardian that could veto its own replacement could freeze governance for good. The guardian vetoes
    /// ordinary proposals (also mixed ones), not a proposal that only replaces or renews the guardian.
    function test_M1_GuardianCannotVetoItsOwnRemoval() public {
        // An ordinary proposal: vetoed while Active.
        uint256 ordinary = propose(alice, address(p.staking), _minDelegation(1), "ordinary");
        vm.warp(block.timestamp + 1);
        _cancel(guardian, address(p.staking), _minDelegation(1), "ordinary");
        assertEq(_state(ordinary), uint8(IGovernor.ProposalState.Canceled));

        // Bundling the removal with anything else makes it an ordinary proposal.
        address[] memory targets = new address[](2);
        (targets[0], targets[1]) = (address(p.governor), address(p.staking));
        uint256[] memory values = new uint256[](2);
        bytes[] memory calldatas = new bytes[](2);
        calldatas[0] = abi.encodeCall(p.governor.setProposalGuardian, (address(0)));
        calldatas[1] = _minDelegation(1);
        vm.prank(alice);
        uint256 mixed = p.governor.propose(targets, values, calldatas, "mixed");
        vm.prank(guardian);
        p.governor.cancel(targets, values, calldatas, keccak256("mixed"));
        assertEq(_state(mixed), uint8(IGovernor.ProposalState.Canceled));

        // Its removal, or a change of its term: never, whatever the state.
        bytes memory removal = abi.encodeCall(p.governor.setProposalGuardian, (address(0)));
        bytes memory shorter = abi.encodeCall(p.governor.setGuardianTerm, (30 days));
        uint256 id = propose(alice, address(p.governor), removal, "remove the guardian");
        uint256 termId = propose(alice, address(p.governor), shorter, "shorter term");
        _refusedCancel(id, guardian, address(p.governor), removal, "remove the guardian");
        vm.warp(block.timestamp + 1);
        _vote(id, alice, FOR);
        _vote(id, bob, FOR);
        _vote(termId, alice, FOR);
        _refusedCancel(id, guardian, address(p.governor), removal, "remove the guardian");
        _refusedCancel(termId, guardian, address(p.governor), shorter, "shorter term");
        vm.warp(p.governor.proposalDeadline(id) + 1);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Queued));
        _refusedCancel(id, guardian, address(p.governor), removal, "remove the guardian");
        vm.warp(p.governor.proposalEta(id));
        _refusedCancel(id, guardian, address(p.governor), removal, "remove the guardian");
        execute(address(p.governor), shorter, "shorter term");
        execute(address(p.governor), removal, "remove the guardian");

        assertEq(p.governor.proposalGuardian(), address(0));
        (uint32 term, uint48 expiresAt) = p.governor.guardianTerm();
        assertEq(term, 30 days);
        assertEq(expiresAt, 0);
    }

    /// M-1: a lost or hostile guardian key loses its power at the end of its term; a vote renews it.
    function test_M1_GuardianRoleLapsesAtTheEndOfItsTerm() public {
        (uint32 term, uint48 expiresAt) = p.governor.guardianTerm();
        assertEq(term, D.GUARDIAN_TERM);
        assertEq(expiresAt, 1_700_000_000 + uint256(D.GUARDIAN_TERM));

        // The last second of the term: the guardian still vetoes.
        vm.warp(expiresAt - 1);
        uint256 last = propose(alice, address(p.staking), _minDelegation(1), "last second");
        _cancel(guardian, address(p.staking), _minDelegation(1), "last second");
        assertEq(_state(last), uint8(IGovernor.ProposalState.Canceled));

        // From the end of the term on, it is no guardian any more.
        vm.warp(expiresAt);
        assertEq(p.governor.proposalGuardian(), address(0));
        bytes memory call = _minDelegation(2);
        uint256 id = propose(alice, address(p.staking), call, "after the term");
        vm.warp(block.timestamp + 1);
        _refusedCancel(id, guardian, address(p.staking), call, "after the term");
        _vote(id, alice, FOR);

        // A vote renews it, for the term then in force (guardian setters only: it could not have vetoed this).
        address[] memory targets = new address[](2);
        (targets[0], targets[1]) = (address(p.governor), address(p.governor));
        uint256[] memory values = new uint256[](2);
        bytes[] memory calldatas = new bytes[](2);
        calldatas[0] = abi.encodeCall(p.governor.setGuardianTerm, (90 days));
        calldatas[1] = abi.encodeCall(p.governor.setProposalGuardian, (guardian));
        vm.prank(alice);
        uint256 renewal = p.governor.propose(targets, values, calldatas, "renew the guardian");
        vm.warp(block.timestamp + 1);
        _vote(renewal, alice, FOR);
        _vote(renewal, bob, FOR);
        vm.warp(p.governor.proposalEta(renewal));
        vm.expectEmit(address(p.governor));
        emit AudiusGovernor.GuardianTermSet(90 days, uint48(block.timestamp + 90 days));
        p.governor.execute(targets, values, calldatas, keccak256("renew the guardian"));
        (term, expiresAt) = p.governor.guardianTerm();
        assertEq(term, 90 days);
        assertEq(expiresAt, block.timestamp + 90 days);
        assertEq(p.governor.proposalGuardian(), guardian);

        // Renewed, it vetoes again (here a proposal that passed and can be executed, not executed yet).
        assertEq(_state(id), uint8(IGovernor.ProposalState.Succeeded));
        _cancel(guardian, address(p.staking), call, "after the term");
        assertEq(_state(id), uint8(IGovernor.ProposalState.Canceled));

        // And lapses again at the end of the new term.
        vm.warp(expiresAt);
        assertEq(p.governor.proposalGuardian(), address(0));
    }

    /// M-2: the window from proposal to execution must stay below the withdrawal lockup, or stake could leave while
    /// a slash against it is voted. There is no timelock whose delay could be changed behind the governor's back,
    /// and every setter of the window checks it.
    function test_M2_ExecutionDelayCannotOutgrowTheLockup() public {
        // No TimelockController: the governor executes itself and holds every right.
        (bool hasTimelock,) = address(p.governor).staticcall(abi.encodeWithSignature("timelock()"));
        assertFalse(hasTimelock);
        assertEq(p.staking.governance(), address(p.governor));
        assertEq(p.token.owner(), address(p.governor));

        address attacker = makeAddr("attacker");
        vm.startPrank(attacker);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, attacker));
        p.governor.setExecutionTerms(1 days, 1 days);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, attacker));
        p.governor.setVotingPeriod(1 days);
        vm.stopPrank();

        bytes memory tooLong = abi.encodeCall(p.governor.setExecutionTerms, (4 days, D.GRACE_PERIOD));
        bytes memory longest = abi.encodeCall(p.governor.setExecutionTerms, (4 days - 1, D.GRACE_PERIOD));
        bytes memory zero = abi.encodeCall(p.governor.setExecutionTerms, (0, D.GRACE_PERIOD));
        bytes memory shortLockups = abi.encodeCall(Staking.setLockups, (4 days, 7 days, 8 days, 2 days));
        uint256[4] memory ids = [
            propose(alice, address(p.governor), tooLong, "delay 4d"),
            propose(alice, address(p.governor), longest, "delay 4d-1s"),
            propose(alice, address(p.governor), zero, "delay 0"),
            propose(alice, address(p.staking), shortLockups, "lockup 4d")
        ];
        vm.warp(block.timestamp + 1);
        for (uint256 i = 0; i < 4; ++i) {
            _vote(ids[i], alice, FOR);
        }
        vm.warp(p.governor.proposalEta(ids[0]));
        vm.expectRevert(abi.encodeWithSelector(AudiusGovernor.WindowTooLong.selector, 7 days, D.UNSTAKE_LOCKUP));
        execute(address(p.governor), tooLong, "delay 4d");
        vm.expectRevert(AudiusGovernor.InvalidExecutionTerms.selector);
        execute(address(p.governor), zero, "delay 0");
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.LockupTooShort.selector, 4 days, 4 days));
        execute(address(p.staking), shortLockups, "lockup 4d");
        execute(address(p.governor), longest, "delay 4d-1s");
        (uint32 delay, uint32 grace) = p.governor.executionTerms();
        assertEq(delay, 4 days - 1);
        assertEq(grace, D.GRACE_PERIOD);
        assertEq(p.governor.governanceWindow(), D.UNSTAKE_LOCKUP - 1);

        // At the limit, neither a longer vote nor a shorter lockup fits any more.
        bytes memory longerVote = abi.encodeCall(p.governor.setVotingPeriod, (D.VOTING_PERIOD + 1));
        bytes memory shorterLockup =
            abi.encodeCall(Staking.setLockups, (D.UNSTAKE_LOCKUP - 1, D.REMOVE_DELEGATOR_LOCKUP, 8 days, 2 days));
        uint256 a = propose(alice, address(p.governor), longerVote, "vote +1s");
        uint256 b = propose(alice, address(p.staking), shorterLockup, "lockup -1s");
        vm.warp(block.timestamp + 1);
        _vote(a, alice, FOR);
        _vote(b, alice, FOR);
        vm.warp(p.governor.proposalEta(a));
        vm.expectRevert(abi.encodeWithSelector(AudiusGovernor.WindowTooLong.selector, 7 days, D.UNSTAKE_LOCKUP));
        execute(address(p.governor), longerVote, "vote +1s");
        vm.expectRevert(
            abi.encodeWithSelector(IStakingEvents.LockupTooShort.selector, D.UNSTAKE_LOCKUP - 1, D.UNSTAKE_LOCKUP - 1)
        );
        execute(address(p.staking), shorterLockup, "lockup -1s");
        assertEq(p.governor.votingPeriod(), D.VOTING_PERIOD);
        assertEq(p.staking.minWithdrawalLockup(), D.UNSTAKE_LOCKUP);
    }

    /// M-2, through the terms: a vote that shortens the voting period and lengthens the execution delay (a window
    /// still below the lockup) while a slash proposal runs must not push that proposal's execution past the
    /// unlock of stake requested after it. Each proposal keeps the delay and grace period of its creation.
    function test_M2_TermsChangedDuringAVoteDoNotMoveItsExecution() public {
        address[] memory targets = new address[](2);
        (targets[0], targets[1]) = (address(p.governor), address(p.governor));
        uint256[] memory values = new uint256[](2);
        bytes[] memory calldatas = new bytes[](2);
        calldatas[0] = abi.encodeCall(p.governor.setVotingPeriod, (1 days));
        calldatas[1] = abi.encodeCall(p.governor.setExecutionTerms, (5 days, D.GRACE_PERIOD));
        vm.prank(alice);
        uint256 terms = p.governor.propose(targets, values, calldatas, "1d votes, 5d delay");

        vm.warp(block.timestamp + 1);
        uint256 s = block.timestamp;
        bytes memory slash = abi.encodeCall(Staking.slash, (bob, 500_000 ether, keccak256("evidence")));
        uint256 id = propose(alice, address(p.staking), slash, "slash bob");
        vm.startPrank(bob);
        p.registry.deregister(2);
        p.staking.requestWithdrawal(bob, type(uint256).max);
        vm.stopPrank();
        uint40 unlockAt = p.staking.withdrawalOf(bob, bob).unlockAt;
        assertEq(unlockAt, s + D.UNSTAKE_LOCKUP);
        assertEq(p.governor.proposalEta(id), s + 4 days + 1);

        vm.warp(s + 1);
        _vote(terms, alice, FOR);
        _vote(id, alice, FOR);
        vm.warp(p.governor.proposalEta(terms));
        p.governor.execute(targets, values, calldatas, keccak256("1d votes, 5d delay"));
        assertEq(p.governor.governanceWindow(), 6 days, "below the lockup: accepted");
        assertEq(p.governor.proposalEta(id), s + 4 days + 1, "the running slash keeps its delay");

        vm.warp(s + 4 days + 1);
        execute(address(p.staking), slash, "slash bob");
        assertEq(p.staking.operatorStake(bob), 500_000 ether);
        vm.warp(unlockAt);
        vm.expectRevert(IStakingEvents.VoidedBySlash.selector);
        vm.prank(bob);
        p.staking.withdraw(bob);

        // Proposals made from now on run on the new terms.
        uint256 next = propose(alice, address(p.staking), _minDelegation(3), "next");
        assertEq(p.governor.proposalEta(next), block.timestamp + 1 days + 1 + 5 days);
    }

    /// A proposal that passed and expired stays expired when a vote lengthens the grace period or the delay.
    function test_ExpiredProposalStaysExpiredWhenTheTermsChange() public {
        bytes memory call = _minDelegation(1 ether);
        uint256 old = propose(alice, address(p.staking), call, "old");
        voteThrough(old, alice);
        vm.warp(p.governor.proposalEta(old) + D.GRACE_PERIOD);
        assertEq(_state(old), uint8(IGovernor.ProposalState.Expired));

        pass(
            alice,
            _voters(alice, bob),
            address(p.governor),
            abi.encodeCall(p.governor.setExecutionTerms, (2 days, 30 days)),
            "longer grace"
        );
        assertEq(_state(old), uint8(IGovernor.ProposalState.Expired));
        vm.expectRevert(_unexpectedState(old, IGovernor.ProposalState.Expired, IGovernor.ProposalState.Succeeded));
        execute(address(p.staking), call, "old");
        assertEq(p.staking.globalMinDelegation(), D.MIN_DELEGATION);
    }

    /// The snapshot is the proposal's creation: there is no delay in which stake could be gathered once a
    /// proposal is known, and none can be set.
    function test_VotingDelayIsZero() public {
        assertEq(p.governor.votingDelay(), 0);
        uint256 s = block.timestamp;
        bytes memory delayed = abi.encodeCall(p.governor.setVotingDelay, (1));
        bytes memory none = abi.encodeCall(p.governor.setVotingDelay, (0));
        uint256 id = propose(alice, address(p.governor), delayed, "delay 1s");
        uint256 other = propose(alice, address(p.governor), none, "delay 0s");
        assertEq(p.governor.proposalSnapshot(id), s);
        assertEq(p.governor.proposalDeadline(id), s + D.VOTING_PERIOD);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Pending));
        vm.expectRevert(_unexpectedState(id, IGovernor.ProposalState.Pending, IGovernor.ProposalState.Active));
        _vote(id, alice, FOR);

        vm.warp(s + 1);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Active));
        _vote(id, alice, FOR);
        _vote(other, alice, FOR);
        vm.warp(p.governor.proposalEta(id));
        vm.expectRevert(AudiusGovernor.VotingDelayIsZero.selector);
        execute(address(p.governor), delayed, "delay 1s");
        execute(address(p.governor), none, "delay 0s");
        assertEq(p.governor.votingDelay(), 0);

        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, alice));
        vm.prank(alice);
        p.governor.setVotingDelay(0);
    }

    // =========================================================================================================
    // Every staked AUDIO votes: delegators override their operator
    // =========================================================================================================

    function test_DelegatorsOverrideAfterTheirOperatorVoted() public {
        (address d1, address d2) = _delegators();
        vm.warp(block.timestamp + 1);
        uint256 id = propose(alice, address(p.staking), _minDelegation(1), "x");
        vm.warp(block.timestamp + 1);
        assertEq(_vote(id, alice, FOR), 1_500_000 ether, "the whole pool");

        vm.expectEmit(address(p.governor));
        emit Counting.VoteReduced(alice, id, FOR, 300_000 ether);
        vm.expectEmit(address(p.governor));
        emit Counting.OverrideVoteCast(d1, id, AGAINST, 300_000 ether, "");
        assertEq(_override(id, d1, AGAINST), 300_000 ether);
        _assertVotes(id, 300_000 ether, 1_200_000 ether, 0);
        assertEq(_override(id, d2, ABSTAIN), 200_000 ether);
        _assertVotes(id, 300_000 ether, MILLION, 200_000 ether);

        assertEq(_vote(id, bob, AGAINST), MILLION);
        _assertVotes(id, 1_300_000 ether, MILLION, 200_000 ether);
        assertTrue(p.governor.hasVoted(id, alice));
        assertFalse(p.governor.hasVotedOverride(id, alice));
        assertTrue(p.governor.hasVotedOverride(id, d1));
        assertTrue(p.governor.hasVoted(id, d1), "an override is the delegator's vote");

        vm.expectRevert(abi.encodeWithSelector(Counting.GovernorAlreadyOverriddenVote.selector, d1));
        _override(id, d1, FOR);
        vm.expectRevert(abi.encodeWithSelector(Counting.GovernorAlreadyOverriddenVote.selector, d1));
        _vote(id, d1, FOR);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorAlreadyCastVote.selector, alice));
        _vote(id, alice, AGAINST);
        vm.warp(p.governor.proposalDeadline(id) + 1);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Defeated), "1M for, 1.3M against");
    }

    function test_DelegatorsOverrideBeforeTheirOperatorVotes() public {
        (address d1, address d2) = _delegators();
        vm.warp(block.timestamp + 1);
        uint256 id = propose(alice, address(p.staking), _minDelegation(1), "x");
        vm.warp(block.timestamp + 1);
        assertEq(_override(id, d1, AGAINST), 300_000 ether);
        assertEq(_override(id, d2, FOR), 200_000 ether);
        _assertVotes(id, 300_000 ether, 200_000 ether, 0);
        assertEq(_vote(id, alice, ABSTAIN), MILLION, "the pool at the snapshot less its overriding delegators");
        _assertVotes(id, 300_000 ether, 200_000 ether, MILLION);
        vm.warp(p.governor.proposalDeadline(id) + 1);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Defeated));
    }

    function test_DelegatorOverridesBySignature() public {
        (address d1, address d2) = _delegators();
        (, uint256 d1Key) = makeAddrAndKey("d1");
        (, uint256 d2Key) = makeAddrAndKey("d2");
        vm.warp(block.timestamp + 1);
        uint256 id = propose(alice, address(p.staking), _minDelegation(1), "x");
        vm.warp(block.timestamp + 1);
        _vote(id, alice, FOR);

        bytes memory sig = _sign(
            d1Key,
            keccak256(
                abi.encode(
                    p.governor.OVERRIDE_BALLOT_TYPEHASH(), id, AGAINST, d1, p.governor.nonces(d1), keccak256("no")
                )
            )
        );
        vm.prank(makeAddr("relayer"));
        assertEq(p.governor.castOverrideVoteBySig(id, AGAINST, d1, "no", sig), 300_000 ether);
        _assertVotes(id, 300_000 ether, 1_200_000 ether, 0);
        assertTrue(p.governor.hasVotedOverride(id, d1));
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorInvalidSignature.selector, d1));
        p.governor.castOverrideVoteBySig(id, AGAINST, d1, "no", sig);

        // A signature for another choice or reason than signed does not verify either.
        bytes memory sig2 = _sign(
            d2Key,
            keccak256(
                abi.encode(p.governor.OVERRIDE_BALLOT_TYPEHASH(), id, ABSTAIN, d2, p.governor.nonces(d2), keccak256(""))
            )
        );
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorInvalidSignature.selector, d2));
        p.governor.castOverrideVoteBySig(id, AGAINST, d2, "", sig2);
        assertEq(p.governor.castOverrideVoteBySig(id, ABSTAIN, d2, "", sig2), 200_000 ether);
        _assertVotes(id, 300_000 ether, MILLION, 200_000 ether);
        // A delegator's plain vote is its override: once overridden, it cannot vote again.
        vm.expectRevert(abi.encodeWithSelector(Counting.GovernorAlreadyOverriddenVote.selector, d2));
        _vote(id, d2, FOR);
        _assertVotes(id, 300_000 ether, MILLION, 200_000 ether);
    }

    /// A delegator's `castVote` (what wallets and front ends send) is its override, with its own stake; an
    /// operator's `castOverrideVote` is refused (its own stake is its pool's).
    function test_DelegatorsCastVoteIsItsOverride() public {
        (address d1,) = _delegators();
        vm.warp(block.timestamp + 1);
        uint256 id = propose(alice, address(p.staking), _minDelegation(1), "x");
        vm.warp(block.timestamp + 1);
        _vote(id, alice, FOR);
        vm.expectEmit(address(p.governor));
        emit Counting.OverrideVoteCast(d1, id, AGAINST, 300_000 ether, "");
        assertEq(_vote(id, d1, AGAINST), 300_000 ether);
        _assertVotes(id, 300_000 ether, 1_200_000 ether, 0);
        assertTrue(p.governor.hasVoted(id, d1));
        assertTrue(p.governor.hasVotedOverride(id, d1));
        vm.expectRevert(abi.encodeWithSelector(Counting.GovernorAlreadyOverriddenVote.selector, alice));
        _override(id, alice, AGAINST);
    }

    function test_PendingWithdrawalsAndRemovalsVoteNothing() public {
        (address d1, address d2) = _delegators();
        vm.prank(d1);
        p.staking.requestWithdrawal(alice, 100_000 ether);
        vm.prank(alice);
        p.staking.requestRemoveDelegator(d2);
        assertEq(p.staking.getVotes(alice), 1_200_000 ether);
        assertEq(p.staking.balanceOf(d1), 200_000 ether);
        assertEq(p.staking.balanceOf(d2), 0);
        assertEq(p.staking.totalSupply(), 2_200_000 ether);
        vm.warp(block.timestamp + 1);
        uint256 id = propose(alice, address(p.staking), _minDelegation(1), "x");
        uint256 s = block.timestamp;
        vm.warp(s + 1);
        // d1 takes its withdrawal back after the snapshot: it does not vote with it.
        vm.prank(d1);
        p.staking.cancelWithdrawal(alice);
        assertEq(p.staking.balanceOf(d1), 300_000 ether);

        assertEq(p.staking.getPastVotes(alice, s), 1_200_000 ether);
        assertEq(_override(id, d1, AGAINST), 200_000 ether);
        assertEq(_override(id, d2, AGAINST), 0);
        assertEq(_vote(id, alice, FOR), MILLION);
        _assertVotes(id, 200_000 ether, MILLION, 0);
        assertEq(p.governor.proposalQuorum(id), 2_200_000 ether * 5 / 100);
    }

    function test_StakeAddedAfterTheSnapshotByADelegatorDoesNotCount() public {
        (address d1,) = _delegators();
        vm.warp(block.timestamp + 1);
        uint256 id = propose(alice, address(p.staking), _minDelegation(1), "x");
        uint256 s = block.timestamp;
        vm.warp(s + 1);
        fund(d1, 500_000 ether);
        vm.prank(d1);
        p.staking.delegateStake(alice, 500_000 ether);
        address late = newDelegator("late", alice, 400_000 ether);
        assertEq(p.staking.getVotes(alice), 2_400_000 ether);

        assertEq(_override(id, d1, AGAINST), 300_000 ether);
        assertEq(_override(id, late, AGAINST), 0);
        assertTrue(p.governor.hasVotedOverride(id, late));
        assertEq(_vote(id, alice, FOR), 1_200_000 ether);
        _assertVotes(id, 300_000 ether, 1_200_000 ether, 0);
    }

    /// A delegator that changed its stake after the snapshot overrides with its stake at the snapshot.
    function test_DelegatorOverridesWithItsStakeAtTheSnapshot() public {
        (address d1, address d2) = _delegators();
        vm.warp(block.timestamp + 1);
        uint256 id = propose(alice, address(p.staking), _minDelegation(1), "x");
        uint256 s = block.timestamp;
        vm.warp(s + 1);
        vm.prank(d1);
        p.staking.requestWithdrawal(alice, 250_000 ether);
        vm.prank(alice);
        p.staking.requestRemoveDelegator(d2);
        vm.warp(s + 2);
        assertEq(p.staking.balanceOf(d1), 50_000 ether);
        assertEq(p.staking.getPastBalanceOf(d1, s), 300_000 ether);
        assertEq(p.staking.getPastBalanceOf(d1, s + 1), 50_000 ether);
        assertEq(p.staking.getPastBalanceOf(d2, s), 200_000 ether);
        assertEq(p.staking.getPastBalanceOf(d2, s + 1), 0);

        assertEq(_vote(id, alice, FOR), 1_500_000 ether);
        assertEq(_override(id, d1, AGAINST), 300_000 ether);
        assertEq(_override(id, d2, ABSTAIN), 200_000 ether);
        _assertVotes(id, 300_000 ether, MILLION, 200_000 ether);
    }

    /// Several changes after a snapshot, and a second proposal in between: each proposal finds the value at its
    /// own snapshot.
    function test_TwoChangesAfterTheSnapshotKeepTheHistory() public {
        (address d1, address d2) = _delegators();
        uint256 t1 = block.timestamp;
        vm.warp(t1 + 1);
        fund(d1, 150_000 ether);
        vm.prank(d1);
        p.staking.delegateStake(alice, 100_000 ether); // 400k
        vm.warp(t1 + 2);
        uint256 s = block.timestamp;
        uint256 first = propose(alice, address(p.staking), _minDelegation(1), "first");

        vm.warp(s + 1);
        vm.prank(d1);
        p.staking.delegateStake(alice, 50_000 ether); // 450k
        uint256 second = propose(bob, address(p.staking), _minDelegation(2), "second");
        vm.prank(d1);
        p.staking.requestWithdrawal(alice, 150_000 ether); // 300k at the end of s + 1
        vm.warp(s + 2);
        vm.prank(d1);
        p.staking.cancelWithdrawal(alice); // 450k
        vm.warp(s + 3);

        assertEq(p.staking.getPastBalanceOf(d1, t1 - 1), 0);
        assertEq(p.staking.getPastBalanceOf(d1, t1), 300_000 ether);
        assertEq(p.staking.getPastBalanceOf(d1, t1 + 1), 400_000 ether);
        assertEq(p.staking.getPastBalanceOf(d1, s), 400_000 ether);
        assertEq(p.staking.getPastBalanceOf(d1, s + 1), 300_000 ether);
        assertEq(p.staking.getPastBalanceOf(d1, s + 2), 450_000 ether);
        assertEq(p.staking.getPastVotes(alice, s), 1_600_000 ether);
        assertEq(p.staking.getPastVotes(alice, s + 1), 1_500_000 ether);
        assertEq(p.staking.getPastDelegate(d1, s), alice);

        assertEq(_override(first, d1, AGAINST), 400_000 ether);
        assertEq(_override(second, d1, AGAINST), 300_000 ether);
        assertEq(_override(second, d2, FOR), 200_000 ether);
        assertEq(_vote(first, alice, FOR), 1_200_000 ether);
        assertEq(_vote(second, alice, FOR), MILLION);
        _assertVotes(first, 400_000 ether, 1_200_000 ether, 0);
        _assertVotes(second, 300_000 ether, 1_200_000 ether, 0);
    }

    // ---- the standard views ----

    function test_VotesSourceViews() public {
        uint256 t0 = block.timestamp - 1; // alice and bob registered then
        (address d1, address d2) = _delegators();
        uint256 t1 = block.timestamp;
        address nobody = makeAddr("nobody");
        assertEq(p.staking.clock(), block.timestamp);
        assertEq(p.staking.CLOCK_MODE(), "mode=timestamp");
        assertEq(p.governor.clock(), block.timestamp);
        assertEq(p.governor.CLOCK_MODE(), "mode=timestamp");
        assertEq(p.staking.name(), "Staked Audius");
        assertEq(p.staking.symbol(), "stAUDIO");
        assertEq(p.staking.decimals(), 18);

        assertEq(p.staking.getVotes(alice), 1_500_000 ether);
        assertEq(p.staking.getVotes(d1), 0, "a delegator's stake votes in its operator's pool");
        assertEq(p.staking.balanceOf(alice), MILLION);
        assertEq(p.staking.balanceOf(d1), 300_000 ether);
        assertEq(p.staking.totalSupply(), 2_500_000 ether);
        assertEq(p.staking.delegates(alice), alice);
        assertEq(p.staking.delegates(d1), alice);
        assertEq(p.staking.delegates(d2), alice);
        assertEq(p.staking.delegates(nobody), address(0));

        vm.expectRevert(
            abi.encodeWithSelector(IStakingEvents.FutureLookup.selector, block.timestamp, uint48(block.timestamp))
        );
        p.staking.getPastVotes(alice, block.timestamp);
        vm.expectRevert(IStakingEvents.VotesFollowStake.selector);
        p.staking.delegate(bob);
        vm.expectRevert(IStakingEvents.VotesFollowStake.selector);
        p.staking.delegateBySig(bob, 0, 0, 0, 0, 0);

        vm.warp(t1 + 1);
        vm.expectEmit(address(p.staking));
        emit IVotes.DelegateVotesChanged(alice, 1_500_000 ether, 1_400_000 ether);
        vm.expectEmit(address(p.staking));
        emit IStakingEvents.Transfer(d1, address(0), 100_000 ether);
        vm.prank(d1);
        p.staking.requestWithdrawal(alice, 100_000 ether);
        vm.warp(t1 + 2);

        assertEq(p.staking.getPastVotes(alice, t0 - 1), 0);
        assertEq(p.staking.getPastVotes(alice, t0), MILLION);
        assertEq(p.staking.getPastVotes(alice, t1), 1_500_000 ether);
        assertEq(p.staking.getPastVotes(alice, t1 + 1), 1_400_000 ether);
        assertEq(p.governor.getVotes(alice, t1), 1_500_000 ether);
        assertEq(p.staking.getPastTotalSupply(t0 - 1), 0);
        assertEq(p.staking.getPastTotalSupply(t0), 2 * MILLION);
        assertEq(p.staking.getPastTotalSupply(t1), 2_500_000 ether);
        assertEq(p.staking.getPastTotalSupply(t1 + 1), 2_400_000 ether);
        assertEq(p.staking.totalStakeBefore(), 2_400_000 ether);
        assertEq(p.staking.getPastBalanceOf(d1, t1), 300_000 ether);
        assertEq(p.staking.getPastBalanceOf(d1, t1 + 1), 200_000 ether);
        assertEq(p.staking.getPastBalanceOf(alice, t1), MILLION);
        assertEq(p.staking.getPastDelegate(d1, t1), alice);
        assertEq(p.staking.getPastDelegate(alice, t1), alice);
        assertEq(p.staking.getPastDelegate(nobody, t1), address(0));
    }

    function test_GovernorViews() public {
        (address d1,) = _delegators();
        vm.warp(block.timestamp + 1);
        uint256 s = block.timestamp;
        uint256 id = propose(alice, address(p.staking), _minDelegation(1), "views");
        assertEq(p.governor.COUNTING_MODE(), "support=bravo,override&quorum=for,abstain&overridable=true");
        assertEq(p.governor.proposalProposer(id), alice);
        assertEq(p.governor.proposalSnapshot(id), s);
        assertEq(p.governor.proposalDeadline(id), s + D.VOTING_PERIOD);
        assertEq(p.governor.proposalEta(id), s + D.VOTING_PERIOD + 1 + D.EXECUTION_DELAY);
        assertEq(p.governor.proposalEta(12345), 0, "no such proposal");
        assertEq(p.governor.proposalExpiry(id), s + D.VOTING_PERIOD + 1 + D.EXECUTION_DELAY + D.GRACE_PERIOD);
        assertEq(p.governor.quorum(0), 0, "nothing was staked before the first second");
        assertEq(_state(id), uint8(IGovernor.ProposalState.Pending));
        assertEq(p.staking.getPastTotalSupply(s - 1), 2_500_000 ether);
        assertEq(p.governor.proposalQuorum(id), 125_000 ether);
        assertEq(p.governor.quorum(s), 125_000 ether);

        vm.warp(s + 1);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Active));
        assertFalse(p.governor.hasVoted(id, alice));
        assertFalse(p.governor.hasVotedOverride(id, d1));
        _vote(id, alice, FOR);
        _override(id, d1, ABSTAIN);
        assertTrue(p.governor.hasVoted(id, alice));
        assertFalse(p.governor.hasVotedOverride(id, alice));
        assertTrue(p.governor.hasVotedOverride(id, d1));
        assertTrue(p.governor.hasVoted(id, d1));
        _assertVotes(id, 0, 1_200_000 ether, 300_000 ether);
        vm.warp(s + D.VOTING_PERIOD);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Active), "the deadline second is still open");
        vm.warp(s + D.VOTING_PERIOD + 1);
        assertEq(_state(id), uint8(IGovernor.ProposalState.Queued));
    }

    function test_RevertWhen_VoteTypeIsUnknown() public {
        (address d1,) = _delegators();
        vm.warp(block.timestamp + 1);
        uint256 id = propose(alice, address(p.staking), _minDelegation(1), "vote types");
        vm.warp(block.timestamp + 1);
        vm.expectRevert(IGovernor.GovernorInvalidVoteType.selector);
        _vote(id, alice, ABSTAIN + 1);
        vm.expectRevert(IGovernor.GovernorInvalidVoteType.selector);
        _override(id, d1, ABSTAIN + 1);
        assertFalse(p.governor.hasVoted(id, alice), "a refused vote is not recorded");
        assertFalse(p.governor.hasVotedOverride(id, d1), "a refused override is not recorded");
        _assertVotes(id, 0, 0, 0);
    }

    /// The quorum is fixed at creation from the total stake at the end of the second before: stake that enters in
    /// the creation second votes (it is locked past the execution) but does not raise the quorum, and nothing
    /// later, not even a new quorum fraction, changes a proposal's quorum.
    function test_QuorumIsFixedAtCreationFromTheSecondBefore() public {
        uint256 s = block.timestamp;
        (address carol,,,) = newOperator("carol", D.CONTENT_NODE, MILLION);
        uint256 id = propose(alice, address(p.staking), _minDelegation(1), "quorum");
        address fan = newDelegator("fan", carol, 500_000 ether); // same second, after the proposal
        bytes memory fraction = abi.encodeCall(p.governor.updateQuorumNumerator, (50));
        uint256 raise = propose(alice, address(p.governor), fraction, "quorum 50%");
        assertEq(p.governor.proposalQuorum(id), 100_000 ether, "5% of 2M: the second before");
        assertEq(p.governor.quorum(s), 100_000 ether);

        vm.warp(s + 1);
        assertEq(_vote(id, carol, FOR), 1_500_000 ether, "the creation second counts at its end");
        assertEq(_override(id, fan, AGAINST), 500_000 ether);
        _assertVotes(id, 500_000 ether, MILLION, 0);
        _vote(raise, alice, FOR);
        _vote(raise, bob, FOR);
        // Stake entering later changes nothing either.
        newOperator("whale", D.CONTENT_NODE, 5 * MILLION);
        assertEq(p.governor.proposalQuorum(id), 100_000 ether);
        assertEq(p.governor.quorum(s), 100_000 ether);

        vm.warp(p.governor.proposalEta(raise));
        execute(address(p.governor), fraction, "quorum 50%");
        assertEq(p.governor.quorumNumerator(), 50);
        assertEq(p.governor.proposalQuorum(id), 100_000 ether, "fixed at creation");
        assertEq(p.governor.quorum(s), 100_000 ether, "the fraction in force at the snapshot");
        assertEq(_state(id), uint8(IGovernor.ProposalState.Succeeded));

        uint256 later = propose(alice, address(p.staking), _minDelegation(2), "later");
        assertEq(p.staking.getPastTotalSupply(block.timestamp - 1), 8_500_000 ether);
        assertEq(p.governor.proposalQuorum(later), 4_250_000 ether);
        assertEq(p.governor.quorum(block.timestamp), 4_250_000 ether);
    }
}

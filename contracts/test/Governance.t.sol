// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {
    TimelockControllerUpgradeable
} from "@openzeppelin/contracts-upgradeable/governance/TimelockControllerUpgradeable.sol";
import {ProtocolFixture} from "./utils/ProtocolFixture.sol";
import {Staking} from "../src/staking/Staking.sol";
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

    function setUp() public override {
        super.setUp();
        (alice,,,) = newOperator("alice", D.CONTENT_NODE, 1_000_000 ether);
        (bob,,,) = newOperator("bob", D.CONTENT_NODE, 1_000_000 ether);
        (, aliceKey) = makeAddrAndKey("alice");
        vm.warp(block.timestamp + 1);
    }

    function _voters(address a, address b) internal pure returns (address[] memory v) {
        v = new address[](2);
        (v[0], v[1]) = (a, b);
    }

    // ---- the normal path ----

    function test_ProposalChangesAParameterThroughTheTimelock() public {
        bytes memory call = abi.encodeCall(Staking.setGlobalMinDelegation, (42 ether));
        uint256 id = pass(alice, _voters(alice, bob), address(p.staking), call, "min delegation 42");
        assertEq(uint8(p.governor.state(id)), uint8(IGovernor.ProposalState.Executed));
        assertEq(p.staking.globalMinDelegation(), 42 ether);
    }

    function test_MultiActionProposal() public {
        address[] memory targets = new address[](2);
        (targets[0], targets[1]) = (address(p.staking), address(p.registry));
        uint256[] memory values = new uint256[](2);
        bytes[] memory calldatas = new bytes[](2);
        calldatas[0] = abi.encodeCall(Staking.setGlobalMinDelegation, (7 ether));
        calldatas[1] = abi.encodeCall(ServiceRegistry.setServiceVersion, (D.CONTENT_NODE, "0.9.0"));
        vm.prank(alice);
        uint256 id = p.governor.propose(targets, values, calldatas, "two actions");
        vm.warp(block.timestamp + D.VOTING_DELAY + 1);
        vm.prank(alice);
        p.governor.castVoteWithReason(id, 1, "ship it");
        vm.prank(bob);
        p.governor.castVote(id, 2); // abstain counts toward quorum, not for or against
        vm.warp(block.timestamp + D.VOTING_PERIOD);
        p.governor.queue(targets, values, calldatas, keccak256("two actions"));
        vm.warp(block.timestamp + D.TIMELOCK_DELAY);
        p.governor.execute(targets, values, calldatas, keccak256("two actions"));
        assertEq(p.staking.globalMinDelegation(), 7 ether);
        assertEq(p.registry.serviceVersion(D.CONTENT_NODE), "0.9.0");
    }

    function test_ExecutionWaitsForTheTimelock() public {
        bytes memory call = abi.encodeCall(Staking.setGlobalMinDelegation, (1 ether));
        voteThrough(propose(alice, address(p.staking), call, "early"), alice);
        queue(address(p.staking), call, "early");
        vm.expectRevert(); // TimelockUnexpectedOperationState: not ready
        execute(address(p.staking), call, "early");
    }

    function test_RevertWhen_ProposerBelowThreshold() public {
        address nobody = makeAddr("nobody");
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorInsufficientProposerVotes.selector, nobody, 0, D.PROPOSAL_THRESHOLD
            )
        );
        propose(nobody, address(p.staking), abi.encodeCall(Staking.setGlobalMinDelegation, (1)), "x");
    }

    // ---- attacks ----

    /// Flash stake: stake registered or delegated after the snapshot carries no vote on the live proposal.
    function test_StakeAddedAfterSnapshotCannotVote() public {
        uint256 id = propose(alice, address(p.staking), abi.encodeCall(Staking.setGlobalMinDelegation, (1)), "x");
        vm.warp(block.timestamp + D.VOTING_DELAY + 1);
        // A whale registers and a fan delegates 8M to bob, after the snapshot.
        (address whale,,,) = newOperator("whale", D.CONTENT_NODE, 9_000_000 ether);
        address fan = makeAddr("fan");
        fund(fan, 8_000_000 ether);
        vm.prank(fan);
        p.staking.delegateStake(bob, 8_000_000 ether);

        vm.prank(whale);
        uint256 whaleWeight = p.governor.castVote(id, 0);
        vm.prank(bob);
        uint256 bobWeight = p.governor.castVote(id, 0);
        vm.prank(alice);
        p.governor.castVote(id, 1);
        assertEq(whaleWeight, 0, "registered after the snapshot");
        assertEq(bobWeight, 1_000_000 ether, "delegation after the snapshot not counted");
        vm.warp(block.timestamp + D.VOTING_PERIOD);
        assertEq(uint8(p.governor.state(id)), uint8(IGovernor.ProposalState.Defeated), "1M against 1M: not passed");
    }

    /// Sybil quorum bypass: many small voters cannot pass what the stake-weighted quorum refuses.
    function test_ManySmallVotersCannotReachQuorum() public {
        (address whale,,,) = newOperator("whale", D.CONTENT_NODE, 9_900_000 ether);
        address[] memory smalls = new address[](3);
        for (uint256 i = 0; i < 3; ++i) {
            (smalls[i],,,) = newOperator(string.concat("small", vm.toString(i)), D.DISCOVERY_NODE, 200_000 ether);
        }
        vm.warp(block.timestamp + 1);
        // Total 12.5M: quorum 625k; alice is not voting, the three smalls hold 600k.
        uint256 id = propose(whale, address(p.staking), abi.encodeCall(Staking.setGlobalMinDelegation, (1)), "x");
        vm.warp(block.timestamp + D.VOTING_DELAY + 1);
        for (uint256 i = 0; i < 3; ++i) {
            vm.prank(smalls[i]);
            p.governor.castVote(id, 1);
        }
        vm.warp(block.timestamp + D.VOTING_PERIOD);
        assertEq(p.governor.quorum(p.governor.proposalSnapshot(id)), 12_500_000 ether * 5 / 100);
        assertEq(uint8(p.governor.state(id)), uint8(IGovernor.ProposalState.Defeated));
    }

    function test_VoteBySignature() public {
        uint256 id = propose(alice, address(p.staking), abi.encodeCall(Staking.setGlobalMinDelegation, (1)), "x");
        vm.warp(block.timestamp + D.VOTING_DELAY + 1);
        bytes32 digest = keccak256(
            abi.encodePacked(
                "\x19\x01",
                _governorDomainSeparator(),
                keccak256(abi.encode(p.governor.BALLOT_TYPEHASH(), id, uint8(1), alice, p.governor.nonces(alice)))
            )
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(aliceKey, digest);
        bytes memory sig = abi.encodePacked(r, s, v);
        p.governor.castVoteBySig(id, 1, alice, sig); // relayed by anyone
        (, uint256 forVotes,) = p.governor.proposalVotes(id);
        assertEq(forVotes, 1_000_000 ether);
        // Replaying the signature fails: the nonce moved on.
        vm.expectRevert();
        p.governor.castVoteBySig(id, 1, alice, sig);
    }

    function _governorDomainSeparator() internal view returns (bytes32) {
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

    // ---- guardian ----

    function test_GuardianVetoesAndCanBeVotedOut() public {
        bytes memory call = abi.encodeCall(Staking.setGlobalMinDelegation, (1));
        uint256 id = propose(alice, address(p.staking), call, "veto me");
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = single(address(p.staking), call);
        vm.prank(guardian);
        p.governor.cancel(targets, values, calldatas, keccak256("veto me"));
        assertEq(uint8(p.governor.state(id)), uint8(IGovernor.ProposalState.Canceled));

        // The guardian has no other power.
        vm.expectRevert(abi.encodeWithSelector(GovernedUUPS.NotGovernance.selector, guardian));
        vm.prank(guardian);
        p.staking.setGlobalMinDelegation(1);

        // A vote removes the guardian (the guardian could veto that too, so it happens while it abstains).
        pass(
            alice,
            _voters(alice, bob),
            address(p.governor),
            abi.encodeWithSignature("setProposalGuardian(address)", address(0)),
            "remove guardian"
        );
        assertEq(p.governor.proposalGuardian(), address(0));
        propose(alice, address(p.staking), abi.encodeCall(Staking.setGlobalMinDelegation, (2)), "no veto");
        calldatas[0] = abi.encodeCall(Staking.setGlobalMinDelegation, (2));
        vm.expectRevert();
        vm.prank(guardian);
        p.governor.cancel(targets, values, calldatas, keccak256("no veto"));
    }

    // ---- slashing through governance ----

    /// Unstaking while a slash vote is pending: a withdrawal requested after the proposal cannot complete
    /// before the slash executes, and the slash voids it.
    function test_StakeCannotEscapeAPendingSlashVote() public {
        bytes memory call = abi.encodeCall(Staking.slash, (bob, 500_000 ether, keccak256("evidence")));
        uint256 id = propose(alice, address(p.staking), call, "slash bob");
        vm.prank(bob);
        p.registry.deregister(2);
        vm.prank(bob);
        p.staking.requestWithdrawal(bob, type(uint256).max);
        uint40 unlockAt = p.staking.withdrawalOf(bob, bob).unlockAt;

        voteThrough(id, alice);
        queue(address(p.staking), call, "slash bob");
        vm.warp(block.timestamp + D.TIMELOCK_DELAY);
        assertLt(block.timestamp, unlockAt, "the lockup outlasts the whole governance window");
        vm.expectRevert(abi.encodeWithSelector(Staking.StillLocked.selector, unlockAt));
        vm.prank(bob);
        p.staking.withdraw(bob);

        uint256 supply = p.token.totalSupply();
        execute(address(p.staking), call, "slash bob");
        assertEq(p.staking.operatorStake(bob), 500_000 ether);
        assertEq(p.token.totalSupply(), supply - 500_000 ether);
        vm.warp(unlockAt);
        vm.expectRevert(Staking.VoidedBySlash.selector);
        vm.prank(bob);
        p.staking.withdraw(bob);
    }

    function test_VotingWindowCannotOutgrowTheLockup() public {
        // Lengthening the vote so that proposal-to-execution reaches the withdrawal lockup is refused at execution.
        bytes memory tooLong = abi.encodeCall(p.governor.setVotingPeriod, (6 days));
        uint256 id = propose(alice, address(p.governor), tooLong, "longer votes");
        voteThrough(id, alice);
        queue(address(p.governor), tooLong, "longer votes");
        vm.warp(block.timestamp + D.TIMELOCK_DELAY);
        vm.expectRevert(
            abi.encodeWithSelector(
                AudiusGovernor.WindowTooLong.selector, D.VOTING_DELAY + 6 days + D.TIMELOCK_DELAY, D.UNSTAKE_LOCKUP
            )
        );
        execute(address(p.governor), tooLong, "longer votes");

        pass(
            alice, _voters(alice, bob), address(p.governor), abi.encodeCall(p.governor.setVotingPeriod, (4 days)), "4d"
        );
        assertEq(p.governor.votingPeriod(), 4 days);
        assertEq(p.governor.governanceWindow(), D.VOTING_DELAY + 4 days + D.TIMELOCK_DELAY);
    }

    function test_NewTimelockMustKeepTheWindowBelowTheLockup() public {
        address[] memory none = new address[](0);
        TimelockController slow = new TimelockController(4 days, none, none, address(0));
        bytes memory call =
            abi.encodeCall(p.governor.updateTimelock, (TimelockControllerUpgradeable(payable(address(slow)))));
        uint256 id = propose(alice, address(p.governor), call, "slow timelock");
        voteThrough(id, alice);
        queue(address(p.governor), call, "slow timelock");
        vm.warp(block.timestamp + D.TIMELOCK_DELAY);
        vm.expectRevert(
            abi.encodeWithSelector(
                AudiusGovernor.WindowTooLong.selector, D.VOTING_DELAY + D.VOTING_PERIOD + 4 days, D.UNSTAKE_LOCKUP
            )
        );
        execute(address(p.governor), call, "slow timelock");

        address attacker = makeAddr("attacker");
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, attacker));
        vm.prank(attacker);
        p.governor.updateTimelock(TimelockControllerUpgradeable(payable(address(slow))));
    }

    // ---- July 2022: re-initialization and upgrades ----

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
        p.governor.initialize(IVotes(attacker), TimelockControllerUpgradeable(payable(attacker)), 1, 1, 0, 1, attacker);
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
        AudiusGovernor(payable(impls[4]))
            .initialize(IVotes(attacker), TimelockControllerUpgradeable(payable(attacker)), 1, 1, 0, 1, attacker);
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
        assertEq(p.staking.operatorStake(alice), 1_000_000 ether, "state kept across the upgrade");
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
    }

    function test_WiringViews() public view {
        assertEq(address(p.registry.staking()), address(p.staking));
        assertTrue(p.governor.proposalNeedsQueuing(0));
        assertEq(p.governor.proposalThreshold(), D.PROPOSAL_THRESHOLD);
    }

    function test_TokenMinterChangesOnlyByVote() public {
        vm.expectRevert();
        p.token.setMinter(address(this));
        pass(
            alice,
            _voters(alice, bob),
            address(p.token),
            abi.encodeCall(AudioToken.setMinter, (address(0))),
            "stop minting"
        );
        assertEq(p.token.minter(), address(0));
    }
}

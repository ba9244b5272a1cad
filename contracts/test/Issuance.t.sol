// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ProtocolFixture} from "./utils/ProtocolFixture.sol";
import {Issuance} from "../src/issuance/Issuance.sol";
import {Staking} from "../src/staking/Staking.sol";
import {AudioToken} from "../src/AudioToken.sol";
import {GovernedUUPS} from "../src/utils/GovernedUUPS.sol";
import {ProtocolDefaults as D} from "../src/ProtocolDefaults.sol";

contract IssuanceTest is ProtocolFixture {
    address internal cn1; // 1M
    address internal cn2; // 3M
    address internal dn1; // 4M each: two of the three discovery nodes hold half of all stake (16M), the quorum
    address internal dn2;
    address internal dn3;
    uint256 internal constant DN_STAKE = 4_000_000 ether;
    uint256 internal constant TOTAL_STAKE = 16_000_000 ether;
    uint256[3] internal attesterKeys;
    address[3] internal attesters;

    function setUp() public override {
        super.setUp();
        (cn1,,,) = newOperator("cn1", D.CONTENT_NODE, 1_000_000 ether);
        (cn2,,,) = newOperator("cn2", D.CONTENT_NODE, 3_000_000 ether);
        (dn1, attesters[0], attesterKeys[0],) = newOperator("dn1", D.DISCOVERY_NODE, DN_STAKE);
        (dn2, attesters[1], attesterKeys[1],) = newOperator("dn2", D.DISCOVERY_NODE, DN_STAKE);
        (dn3, attesters[2], attesterKeys[2],) = newOperator("dn3", D.DISCOVERY_NODE, DN_STAKE);
        // Sort attesters ascending so signatures can be given in signer order.
        for (uint256 i = 0; i < 3; ++i) {
            for (uint256 j = i + 1; j < 3; ++j) {
                if (attesters[j] < attesters[i]) {
                    (attesters[i], attesters[j]) = (attesters[j], attesters[i]);
                    (attesterKeys[i], attesterKeys[j]) = (attesterKeys[j], attesterKeys[i]);
                }
            }
        }
        vm.warp(block.timestamp + 1);
    }

    /// @dev Start round 1, let it run, start round 2: round 1 is the finished, claimable round.
    function _finishRoundOne() internal {
        p.issuance.startRound();
        vm.warp(block.timestamp + D.ROUND_DURATION);
        p.issuance.startRound();
    }

    function _expectedReward() internal view returns (uint256) {
        return p.token.totalSupply() * D.INFLATION_BPS_PER_YEAR * D.ROUND_DURATION / (10_000 * 365 days);
    }

    function _sign(uint256 key, uint256 round, address[] memory ops, uint16[] memory scores, uint256 deadline)
        internal
        view
        returns (bytes memory)
    {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, p.issuance.activityDigest(round, ops, scores, deadline));
        return abi.encodePacked(r, s, v);
    }

    function _activity() internal view returns (address[] memory ops, uint16[] memory scores) {
        ops = new address[](2);
        scores = new uint16[](2);
        (ops[0], ops[1]) = cn1 < cn2 ? (cn1, cn2) : (cn2, cn1);
        // cn1 fully active, cn2 at a quarter.
        (scores[0], scores[1]) = ops[0] == cn1 ? (uint16(10_000), uint16(2_500)) : (uint16(2_500), uint16(10_000));
    }

    function _signatures(uint256 round, address[] memory ops, uint16[] memory scores, uint256 deadline, uint256 n)
        internal
        view
        returns (bytes[] memory sigs)
    {
        sigs = new bytes[](n);
        for (uint256 i = 0; i < n; ++i) {
            sigs[i] = _sign(attesterKeys[i], round, ops, scores, deadline);
        }
    }

    // ---- rounds ----

    function test_RoundsStartOnSchedule() public {
        vm.expectEmit(address(p.issuance));
        emit Issuance.RoundStarted(1, uint40(block.timestamp));
        p.issuance.startRound();
        uint40 endsAt = uint40(block.timestamp + D.ROUND_DURATION);
        vm.expectRevert(abi.encodeWithSelector(Issuance.RoundNotOver.selector, endsAt));
        p.issuance.startRound();
        vm.warp(endsAt);
        p.issuance.startRound();
        (uint32 round, uint40 start, uint40 previous) = p.issuance.currentRound();
        assertEq(round, 2);
        assertEq(start, endsAt);
        assertEq(previous, endsAt - D.ROUND_DURATION);
    }

    // ---- neutral split (no attestation) ----

    function test_ClaimWithoutAttestation_SplitsByStake() public {
        _finishRoundOne();
        (, uint40 start,) = p.issuance.currentRound();
        vm.expectRevert(abi.encodeWithSelector(Issuance.AttestationWindowOpen.selector, start + D.ATTESTATION_WINDOW));
        p.issuance.claimRewards(cn1);
        vm.warp(start + D.ATTESTATION_WINDOW);

        uint256 reward = _expectedReward();
        uint256 got1 = p.issuance.claimRewards(cn1); // anyone may claim for anyone
        uint256 got2 = p.issuance.claimRewards(cn2);
        assertEq(got1, reward * 1_000_000 ether / TOTAL_STAKE);
        assertEq(got2, reward * 3_000_000 ether / TOTAL_STAKE);
        assertEq(p.staking.operatorStake(cn1), 1_000_000 ether + got1);
        assertEq(p.issuance.lastClaimedRound(cn1), 1);
        Issuance.RoundResult memory result = p.issuance.roundResult(1);
        assertTrue(result.finalized);
        assertFalse(result.attested);
        assertEq(result.reward, reward);

        vm.expectRevert(abi.encodeWithSelector(Issuance.AlreadyClaimed.selector, cn1, 1));
        p.issuance.claimRewards(cn1);
    }

    function test_DelegatorsShareTheOperatorsReward() public {
        address fan = makeAddr("fan");
        fund(fan, 1_000_000 ether);
        vm.prank(fan);
        p.staking.delegateStake(cn1, 1_000_000 ether);
        vm.warp(block.timestamp + 1);
        _finishRoundOne();
        vm.warp(block.timestamp + D.ATTESTATION_WINDOW);
        uint256 got = p.issuance.claimRewards(cn1);
        (, uint256 fanAssets) = p.staking.positionOf(cn1, fan);
        assertApproxEqAbs(fanAssets, 1_000_000 ether + got / 2, 1, "half the pool, half the reward (no cut)");
    }

    /// Stake that arrives after a round starts earns nothing for that round.
    function test_StakeAfterRoundStartEarnsNothingForThatRound() public {
        p.issuance.startRound();
        vm.warp(block.timestamp + 1);
        (address late,,,) = newOperator("late", D.CONTENT_NODE, 5_000_000 ether);
        vm.warp(block.timestamp + D.ROUND_DURATION);
        p.issuance.startRound();
        vm.warp(block.timestamp + D.ATTESTATION_WINDOW);
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotEligible.selector, late));
        p.issuance.claimRewards(late);
    }

    function test_RevertWhen_ClaimInvalid() public {
        vm.expectRevert(Issuance.NoFinishedRound.selector);
        p.issuance.claimRewards(cn1);
        _finishRoundOne();
        vm.warp(block.timestamp + D.ATTESTATION_WINDOW);
        address nobody = makeAddr("nobody");
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotEligible.selector, nobody));
        p.issuance.claimRewards(nobody);
        // A deregistered operator no longer earns.
        vm.prank(cn2);
        p.registry.deregister(2);
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotEligible.selector, cn2));
        p.issuance.claimRewards(cn2);
    }

    function test_UnclaimedRoundIsForfeitedWhenTheNextEnds() public {
        _finishRoundOne();
        vm.warp(block.timestamp + D.ROUND_DURATION);
        p.issuance.startRound(); // round 3 starts: round 2 is now the claimable one
        vm.warp(block.timestamp + D.ATTESTATION_WINDOW);
        p.issuance.claimRewards(cn1);
        assertEq(p.issuance.lastClaimedRound(cn1), 2);
        assertFalse(p.issuance.roundResult(1).finalized, "round 1 was never paid");
    }

    function test_OnlyIssuanceMints() public {
        vm.expectRevert(abi.encodeWithSelector(AudioToken.NotMinter.selector, address(this)));
        p.token.mint(address(this), 1);
    }

    // ---- attested split ----

    function test_AttestedActivityWeightsTheSplit() public {
        _finishRoundOne();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        bytes[] memory sigs = _signatures(1, ops, scores, deadline, 2);
        vm.expectEmit(address(p.issuance));
        emit Issuance.ActivityAttested(1, 2, 2);
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);

        // No waiting for the window once attested.
        uint256 reward = _expectedReward();
        // Weights: cn1 1M x 1.0 = 1M, cn2 3M x 0.25 = 0.75M; discovery nodes unlisted score 0.
        uint256 got1 = p.issuance.claimRewards(cn1);
        uint256 got2 = p.issuance.claimRewards(cn2);
        assertEq(got1, reward * 1_000_000 / 1_750_000);
        assertEq(got2, reward * 750_000 / 1_750_000);
        assertLe(got1 + got2, reward);
        assertEq(p.issuance.scoreOf(1, cn2), 2_500);
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotEligible.selector, dn1));
        p.issuance.claimRewards(dn1);
    }

    function test_RevertWhen_AttestationBelowQuorum() public {
        _finishRoundOne();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        bytes[] memory sigs = _signatures(1, ops, scores, deadline, 1);
        vm.expectRevert(abi.encodeWithSelector(Issuance.BelowQuorum.selector, DN_STAKE, TOTAL_STAKE / 2));
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);
    }

    /// Cheap attesters: the quorum is a share of stake, not a head count. Ten discovery nodes at the minimum stake,
    /// each of its own operator, cannot attest together what two well-staked ones can.
    function test_RevertWhen_ManyCheapAttestersLackTheStake() public {
        uint256[] memory keys = new uint256[](10);
        address[] memory wallets = new address[](10);
        for (uint256 i = 0; i < 10; ++i) {
            (,, keys[i],) = newOperator(string.concat("sybil", vm.toString(i)), D.DISCOVERY_NODE, 200_000 ether);
            wallets[i] = vm.addr(keys[i]);
        }
        for (uint256 i = 0; i < 10; ++i) {
            for (uint256 j = i + 1; j < 10; ++j) {
                if (wallets[j] < wallets[i]) {
                    (wallets[i], wallets[j]) = (wallets[j], wallets[i]);
                    (keys[i], keys[j]) = (keys[j], keys[i]);
                }
            }
        }
        vm.warp(block.timestamp + 1);
        _finishRoundOne();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        bytes[] memory sigs = new bytes[](10);
        for (uint256 i = 0; i < 10; ++i) {
            sigs[i] = _sign(keys[i], 1, ops, scores, deadline);
        }
        uint256 total = TOTAL_STAKE + 2_000_000 ether;
        vm.expectRevert(abi.encodeWithSelector(Issuance.BelowQuorum.selector, 2_000_000 ether, total / 2));
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);
    }

    /// Stake that joined after the round began does not count toward its attestation: an attacker cannot buy a
    /// quorum once it knows the round's activity.
    function test_RevertWhen_AttesterStakeArrivedAfterTheRoundStarted() public {
        p.issuance.startRound();
        vm.warp(block.timestamp + 1);
        (, address wallet, uint256 key,) = newOperator("whale", D.DISCOVERY_NODE, 7_000_000 ether);
        vm.warp(block.timestamp + D.ROUND_DURATION);
        p.issuance.startRound();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        bytes[] memory sigs = new bytes[](1);
        sigs[0] = _sign(key, 1, ops, scores, deadline);
        assertTrue(p.issuance.isAttester(wallet));
        vm.expectRevert(abi.encodeWithSelector(Issuance.BelowQuorum.selector, 0, TOTAL_STAKE / 2));
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);
    }

    function test_RevertWhen_SameSignerCountedTwice() public {
        _finishRoundOne();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        bytes[] memory sigs = new bytes[](2);
        sigs[0] = _sign(attesterKeys[0], 1, ops, scores, deadline);
        sigs[1] = sigs[0];
        vm.expectRevert(Issuance.NotAscending.selector);
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);
    }

    function test_RevertWhen_SignerIsNotAnAttester() public {
        _finishRoundOne();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        (address outsider, uint256 outsiderKey) = makeAddrAndKey("outsider");
        bytes[] memory sigs = new bytes[](2);
        // Order by signer address.
        (uint256 k0, uint256 k1) =
            outsider < attesters[0] ? (outsiderKey, attesterKeys[0]) : (attesterKeys[0], outsiderKey);
        sigs[0] = _sign(k0, 1, ops, scores, deadline);
        sigs[1] = _sign(k1, 1, ops, scores, deadline);
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotAttester.selector, outsider));
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);
    }

    function test_ContentNodeWalletIsNotAnAttester() public {
        (, address cnWallet,,) = newOperator("cn3", D.CONTENT_NODE, 200_000 ether);
        assertFalse(p.issuance.isAttester(cnWallet));
        assertTrue(p.issuance.isAttester(attesters[0]));
        // A discovery node slashed below its minimum stops attesting.
        vm.prank(address(p.timelock));
        p.staking.slash(dn1, DN_STAKE - 100_000 ether, bytes32(0));
        address dn1Wallet =
            p.registry.getService(p.registry.serviceIdByEndpoint("https://dn1.audius.test")).delegateWallet;
        assertFalse(p.issuance.isAttester(dn1Wallet));
    }

    function test_RevertWhen_AttestationReplayedAcrossRounds() public {
        _finishRoundOne();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 30 days;
        bytes[] memory sigs = _signatures(1, ops, scores, deadline, 2);
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);
        // Same round again: finalized.
        vm.expectRevert(abi.encodeWithSelector(Issuance.AlreadyFinalized.selector, 1));
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);
        // Next round with round 1's signatures: they recover to other addresses.
        vm.warp(block.timestamp + D.ROUND_DURATION);
        p.issuance.startRound();
        vm.expectRevert();
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
        // And round 1 is no longer the open one.
        vm.expectRevert(abi.encodeWithSelector(Issuance.WrongRound.selector, 1, 2));
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);
    }

    function test_RevertWhen_AttestationSignedForAnotherChain() public {
        _finishRoundOne();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        uint256 home = block.chainid;
        // The EIP-712 domain carries the chain id: signatures made for a fork of this deployment on chain 999
        // recover to strangers here.
        vm.chainId(999);
        bytes[] memory sigs = _signatures(1, ops, scores, deadline, 2);
        vm.chainId(home);
        vm.expectPartialRevert(Issuance.NotAttester.selector);
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);
    }

    function test_RevertWhen_AttestationSignedForAnotherContract() public {
        _finishRoundOne();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        // The same message under the domain of another issuance contract (verifyingContract differs).
        (, string memory name, string memory version, uint256 chainId,,,) = p.issuance.eip712Domain();
        bytes32 otherDomain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256(bytes(name)),
                keccak256(bytes(version)),
                chainId,
                address(0xdead)
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(
                p.issuance.ACTIVITY_TYPEHASH(),
                uint256(1),
                keccak256(abi.encodePacked(ops)),
                keccak256(abi.encodePacked(scores)),
                deadline
            )
        );
        bytes32 otherDigest = keccak256(abi.encodePacked("\x19\x01", otherDomain, structHash));
        bytes[] memory sigs = new bytes[](2);
        for (uint256 i = 0; i < 2; ++i) {
            (uint8 v, bytes32 r, bytes32 sig) = vm.sign(attesterKeys[i], otherDigest);
            sigs[i] = abi.encodePacked(r, sig, v);
        }
        vm.expectPartialRevert(Issuance.NotAttester.selector);
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);
    }

    function test_RevertWhen_AttesterDeregisteredMidRound() public {
        _finishRoundOne();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        bytes[] memory sigs = _signatures(1, ops, scores, deadline, 2);
        // Signed while it attested; its node leaves the registry before the submission.
        uint256 serviceId = p.registry.serviceIdByWallet(attesters[0]);
        vm.prank(p.registry.getService(serviceId).owner);
        p.registry.deregister(serviceId);
        assertFalse(p.issuance.isAttester(attesters[0]));
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotAttester.selector, attesters[0]));
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);
    }

    function test_RevertWhen_AttestationMalformed() public {
        _finishRoundOne();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        bytes[] memory sigs = _signatures(1, ops, scores, deadline, 2);

        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(Issuance.Expired.selector, deadline));
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);
        deadline = block.timestamp + 1 hours;

        uint16[] memory short = new uint16[](1);
        vm.expectRevert(Issuance.LengthMismatch.selector);
        p.issuance.submitActivity(1, ops, short, deadline, sigs);

        (ops[0], ops[1]) = (ops[1], ops[0]);
        (scores[0], scores[1]) = (scores[1], scores[0]);
        sigs = _signatures(1, ops, scores, deadline, 2);
        vm.expectRevert(Issuance.NotAscending.selector);
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);

        (ops, scores) = _activity();
        scores[0] = 10_001;
        sigs = _signatures(1, ops, scores, deadline, 2);
        vm.expectRevert(abi.encodeWithSelector(Issuance.InvalidScore.selector, 10_001));
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);
    }

    function test_RevertWhen_AttestingBeforeAnyFinishedRound() public {
        (address[] memory ops, uint16[] memory scores) = _activity();
        bytes[] memory sigs = new bytes[](0);
        vm.expectRevert(Issuance.NoFinishedRound.selector);
        p.issuance.submitActivity(0, ops, scores, block.timestamp, sigs);
    }

    function test_RevertWhen_AttestationGivesNoOneWeight() public {
        _finishRoundOne();
        address[] memory ops = new address[](0);
        uint16[] memory scores = new uint16[](0);
        uint256 deadline = block.timestamp + 1 hours;
        bytes[] memory sigs = _signatures(1, ops, scores, deadline, 2);
        vm.expectRevert(Issuance.NoActivity.selector);
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);
    }

    /// Sybil attesters: one operator running two discovery nodes counts once toward the quorum.
    function test_RevertWhen_OneOperatorSignsThroughTwoNodes() public {
        // dn1's operator registers a second discovery node with another wallet.
        (address second, uint256 secondKey) = makeAddrAndKey("dn1-second-wallet");
        fund(dn1, 200_000 ether);
        // Alone, dn1 holds a quarter of the stake; counted twice it would make the quorum.
        vm.prank(dn1);
        p.registry.register(D.DISCOVERY_NODE, "https://dn1-b.audius.test", 200_000 ether, second);
        _finishRoundOne();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        address first = p.registry.getService(p.registry.serviceIdByEndpoint("https://dn1.audius.test")).delegateWallet;
        uint256 firstKey;
        for (uint256 i = 0; i < 3; ++i) {
            if (attesters[i] == first) firstKey = attesterKeys[i];
        }
        bytes[] memory sigs = new bytes[](2);
        (uint256 k0, uint256 k1) = first < second ? (firstKey, secondKey) : (secondKey, firstKey);
        sigs[0] = _sign(k0, 1, ops, scores, deadline);
        sigs[1] = _sign(k1, 1, ops, scores, deadline);
        vm.expectRevert(abi.encodeWithSelector(Issuance.OperatorSignedTwice.selector, dn1));
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);
    }

    function test_AttestationAfterNeutralClaimIsRefused() public {
        _finishRoundOne();
        vm.warp(block.timestamp + D.ATTESTATION_WINDOW);
        p.issuance.claimRewards(cn1);
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        bytes[] memory sigs = _signatures(1, ops, scores, deadline, 2);
        vm.expectRevert(abi.encodeWithSelector(Issuance.AlreadyFinalized.selector, 1));
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);
    }

    // ---- settlement before stake enters a pool (just-in-time delegation) ----

    /// Just-in-time delegation: stake delegated after a round finished, just before its reward is claimed, must not
    /// share that reward. The deposit settles the pool first, so the newcomer's shares are priced after it.
    function test_JustInTimeDelegationGetsNoShareOfTheFinishedRound() public {
        _finishRoundOne();
        vm.warp(block.timestamp + D.ATTESTATION_WINDOW);
        address jit = makeAddr("jit");
        fund(jit, 5_000_000 ether);
        uint256 expected = _expectedReward() * 1_000_000 ether / TOTAL_STAKE;
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsClaimed(1, cn1, expected);
        vm.prank(jit);
        p.staking.delegateStake(cn1, 5_000_000 ether);
        assertEq(p.issuance.lastClaimedRound(cn1), 1);
        (, uint256 jitAssets) = p.staking.positionOf(cn1, jit);
        assertApproxEqAbs(jitAssets, 5_000_000 ether, 1, "the newcomer owns its deposit, not the reward");
        assertApproxEqAbs(p.staking.operatorStake(cn1), 1_000_000 ether + expected, 1, "the reward stayed with cn1");
        vm.expectRevert(abi.encodeWithSelector(Issuance.AlreadyClaimed.selector, cn1, 1));
        p.issuance.claimRewards(cn1);
    }

    /// While a finished round's split can still change, stake cannot enter a pool that earned in it.
    function test_RevertWhen_DelegatingDuringTheAttestationWindow() public {
        _finishRoundOne();
        (, uint40 start,) = p.issuance.currentRound();
        address fan = makeAddr("fan");
        fund(fan, 1_000_000 ether);
        vm.prank(fan);
        vm.expectRevert(abi.encodeWithSelector(Issuance.AttestationWindowOpen.selector, start + D.ATTESTATION_WINDOW));
        p.staking.delegateStake(cn1, 1_000_000 ether);
        // A pool with nothing at stake in the round is not held up: a new operator registers.
        newOperator("newcomer", D.CONTENT_NODE, 200_000 ether);
    }

    /// Stake back from a pending withdrawal sat the round out: cancelling settles the pool first.
    function test_CancelledWithdrawalGetsNoShareOfTheRoundItSatOut() public {
        address fan = makeAddr("fan");
        fund(fan, 1_000_000 ether);
        vm.prank(fan);
        p.staking.delegateStake(cn1, 1_000_000 ether);
        vm.prank(fan);
        p.staking.requestWithdrawal(cn1, 1_000_000 ether);
        vm.warp(block.timestamp + 1);
        _finishRoundOne();
        vm.warp(block.timestamp + D.ATTESTATION_WINDOW);
        vm.prank(fan);
        p.staking.cancelWithdrawal(cn1);
        (, uint256 fanAssets) = p.staking.positionOf(cn1, fan);
        assertApproxEqAbs(fanAssets, 1_000_000 ether, 1);
        assertEq(p.issuance.lastClaimedRound(cn1), 1);
    }

    /// Review finding: an operator that left (no active stake) and registers again was refused while its pool
    /// could not take the finished round's reward. The empty pool forfeits the round instead.
    function test_EmptyPoolForfeitsTheRoundInsteadOfBlockingRegistration() public {
        p.issuance.startRound();
        vm.warp(block.timestamp + 1 hours);
        vm.startPrank(cn1);
        p.registry.deregister(1);
        p.staking.requestWithdrawal(cn1, type(uint256).max);
        vm.stopPrank();
        vm.warp(block.timestamp + D.ROUND_DURATION);
        p.issuance.startRound();
        vm.warp(block.timestamp + D.ATTESTATION_WINDOW);
        fund(cn1, 200_000 ether);
        uint256 supply = p.token.totalSupply();
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsForfeited(1, cn1);
        vm.prank(cn1);
        p.registry.register(D.CONTENT_NODE, "https://cn1-again.audius.test", 200_000 ether, makeAddr("cn1-new"));
        assertEq(p.issuance.lastClaimedRound(cn1), 1);
        assertEq(p.token.totalSupply(), supply, "nothing minted for the empty pool");
    }

    /// Review finding: after a full slash, a voided request could not be cancelled while the round was unsettled.
    function test_CancelAfterAFullSlashIsNotHeldUp() public {
        address fan = makeAddr("fan");
        fund(fan, 1_000_000 ether);
        vm.prank(fan);
        p.staking.delegateStake(cn1, 1_000_000 ether);
        vm.warp(block.timestamp + 1);
        p.issuance.startRound();
        vm.warp(block.timestamp + 1 hours);
        vm.prank(fan);
        p.staking.requestWithdrawal(cn1, 500_000 ether);
        vm.warp(block.timestamp + D.ROUND_DURATION);
        p.issuance.startRound();
        vm.prank(address(p.timelock));
        p.staking.slash(cn1, type(uint256).max, bytes32(0));
        vm.warp(block.timestamp + D.ATTESTATION_WINDOW);
        vm.prank(fan);
        p.staking.cancelWithdrawal(cn1);
        assertEq(p.staking.withdrawalOf(cn1, fan).shares, 0);
        assertEq(p.issuance.lastClaimedRound(cn1), 1, "forfeited");
    }

    function test_SettleIsANoOpWhenNothingIsDue() public {
        p.issuance.settleRewards(cn1); // no finished round
        _finishRoundOne();
        vm.warp(block.timestamp + D.ATTESTATION_WINDOW);
        p.issuance.settleRewards(makeAddr("nobody")); // no stake
        assertEq(p.issuance.lastClaimedRound(makeAddr("nobody")), 0);
        p.issuance.settleRewards(cn1);
        assertEq(p.issuance.lastClaimedRound(cn1), 1);
        uint256 supply = p.token.totalSupply();
        p.issuance.settleRewards(cn1); // already paid
        assertEq(p.token.totalSupply(), supply);
    }

    // ---- parameters ----

    function test_Parameters() public {
        (uint40 duration, uint16 bps, uint40 window, uint16 quorum) = p.issuance.parameters();
        assertEq(duration, D.ROUND_DURATION);
        assertEq(bps, D.INFLATION_BPS_PER_YEAR);
        assertEq(window, D.ATTESTATION_WINDOW);
        assertEq(quorum, D.ATTESTATION_QUORUM_BPS);
        vm.prank(address(p.timelock));
        p.issuance.setParameters(14 days, 500, 2 days, 3);
        (duration, bps, window, quorum) = p.issuance.parameters();
        assertEq(duration, 14 days);
        assertEq(quorum, 3);
    }

    function test_RevertWhen_ParametersInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(GovernedUUPS.NotGovernance.selector, address(this)));
        p.issuance.setParameters(14 days, 500, 2 days, 3);
        vm.startPrank(address(p.timelock));
        vm.expectRevert(Issuance.InvalidParameters.selector);
        p.issuance.setParameters(0, 500, 0, 1);
        vm.expectRevert(Issuance.InvalidParameters.selector);
        p.issuance.setParameters(1 days, 500, 1 days, 1);
        vm.expectRevert(Issuance.InvalidParameters.selector);
        p.issuance.setParameters(7 days, 10_001, 1 days, 1);
        vm.expectRevert(Issuance.InvalidParameters.selector);
        p.issuance.setParameters(7 days, 500, 1 days, 0);
        vm.expectRevert(Issuance.InvalidParameters.selector);
        p.issuance.setParameters(7 days, 500, 1 days, 10_001);
        vm.stopPrank();
    }
}

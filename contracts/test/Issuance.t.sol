// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ProtocolFixture} from "./utils/ProtocolFixture.sol";
import {Issuance} from "../src/issuance/Issuance.sol";
import {AudioToken} from "../src/AudioToken.sol";
import {GovernedUUPS} from "../src/utils/GovernedUUPS.sol";
import {IStakingEvents} from "../src/interfaces/IStakingEvents.sol";
import {ProtocolDefaults as D} from "../src/ProtocolDefaults.sol";

/// @dev Rounds follow the clock from the deployment (round 1). The operators of `setUp` register in round 1; a
/// checkpoint at round 2's start takes its snapshot with all of them in it, so round 2 is the first round whose
/// stake was there from its snapshot on, and the tests claim it during round 3 (as a network that has been
/// running does: whatever round 1's snapshot, round 2's is taken at its start).
contract IssuanceTest is ProtocolFixture {
    address internal cn1; // 1M
    address internal cn2; // 3M
    address internal dn1; // 4M each: two of the three discovery nodes hold half of all stake (16M), the quorum
    address internal dn2;
    address internal dn3;
    uint256 internal constant CN1_STAKE = 1_000_000 ether;
    uint256 internal constant CN2_STAKE = 3_000_000 ether;
    uint256 internal constant DN_STAKE = 4_000_000 ether;
    uint256 internal constant TOTAL_STAKE = 16_000_000 ether;
    uint256 internal constant FULL = 10_000;
    uint256[3] internal attesterKeys;
    address[3] internal attesters;
    /// @dev Round 1's start: the deployment.
    uint256 internal t0;
    address internal gov;

    function setUp() public override {
        super.setUp();
        t0 = block.timestamp;
        gov = address(p.governor);
        (cn1,,,) = newOperator("cn1", D.CONTENT_NODE, CN1_STAKE);
        (cn2,,,) = newOperator("cn2", D.CONTENT_NODE, CN2_STAKE);
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

    // ---- helpers ----

    /// @dev Start of round `round` under the launch schedule (7-day rounds from the deployment).
    function _start(uint256 round) internal view returns (uint256) {
        return t0 + (round - 1) * D.ROUND_DURATION;
    }

    /// @dev Warp to round 2's start and take its snapshot (a keeper's checkpoint).
    function _startRoundTwo() internal {
        vm.warp(_start(2));
        p.issuance.checkpoint();
    }

    /// @dev Run round 2 from its snapshot to its end and take round 3's snapshot at its start: round 2 is the
    /// finished, claimable round (its attestation window is open).
    function _finishRoundTwo() internal {
        _startRoundTwo();
        vm.warp(_start(3));
        p.issuance.checkpoint();
    }

    /// @dev Warp to the close of round `round`'s attestation window (the finished round can be fixed unattested).
    function _afterWindow(uint256 round) internal {
        vm.warp(_start(round) + D.ATTESTATION_WINDOW);
    }

    /// @dev A round's reward computed independently: its yearly inflation of the supply, pro rata to its length.
    function _reward(uint256 supply, uint256 bps, uint256 duration) internal pure returns (uint256) {
        return supply * bps * duration / (10_000 * 365 days);
    }

    /// @dev The launch terms' reward on today's supply.
    function _reward() internal view returns (uint256) {
        return _reward(p.token.totalSupply(), D.INFLATION_BPS_PER_YEAR, D.ROUND_DURATION);
    }

    /// @dev A funded account that delegated `amount` to `operator`.
    function _delegator(string memory name, address operator, uint256 amount) internal returns (address account) {
        account = makeAddr(name);
        fund(account, amount);
        vm.prank(account);
        p.staking.delegateStake(operator, amount);
    }

    /// @dev A funded account that has approved the issuance contract for fees.
    function _feePayer(uint256 amount) internal returns (address payer) {
        payer = makeAddr("fee-payer");
        require(p.token.transfer(payer, amount));
        vm.prank(payer);
        p.token.approve(address(p.issuance), type(uint256).max);
    }

    function _sign(uint256 key, uint256 round, address[] memory ops, uint16[] memory scores, uint256 deadline)
        internal
        view
        returns (bytes memory)
    {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, p.issuance.activityDigest(round, ops, scores, deadline));
        return abi.encodePacked(r, s, v);
    }

    /// @dev cn1 fully active, cn2 at a quarter, the discovery nodes unlisted (score 0).
    function _activity() internal view returns (address[] memory ops, uint16[] memory scores) {
        ops = new address[](2);
        scores = new uint16[](2);
        (ops[0], ops[1]) = cn1 < cn2 ? (cn1, cn2) : (cn2, cn1);
        (scores[0], scores[1]) = ops[0] == cn1 ? (uint16(10_000), uint16(2_500)) : (uint16(2_500), uint16(10_000));
    }

    /// @dev Signatures of the first `n` attesters (ascending signer order).
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

    /// @dev Attest round `round` with `_activity()` and two attesters (half of the stake: the quorum).
    function _attest(uint256 round) internal {
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        p.issuance.submitActivity(round, ops, scores, deadline, _signatures(round, ops, scores, deadline, 2));
    }

    /// @dev The value of one share of `operator`'s pool, rounded up: the most a deposit loses to rounding.
    function _oneShare(address operator) internal view returns (uint256) {
        IStakingEvents.Pool memory pool = p.staking.poolOf(operator);
        return pool.assets / pool.shares + 1;
    }

    function _noLogs() internal {
        assertEq(vm.getRecordedLogs().length, 0, "no event");
    }

    // ---- rounds ----

    /// Rounds follow the clock: no transaction starts them.
    function test_RoundsFollowTheClock() public {
        (uint32 round, uint40 start, uint40 end) = p.issuance.currentRound();
        assertEq(round, 1);
        assertEq(start, t0);
        assertEq(end, t0 + D.ROUND_DURATION);
        vm.warp(end - 1);
        (round,,) = p.issuance.currentRound();
        assertEq(round, 1);
        vm.warp(end);
        (round, start, end) = p.issuance.currentRound();
        assertEq(round, 2);
        assertEq(start, t0 + D.ROUND_DURATION);
        assertEq(end, t0 + 2 * D.ROUND_DURATION);
        // Long idle: the round number still follows the clock.
        vm.warp(t0 + 100 days);
        (round, start, end) = p.issuance.currentRound();
        assertEq(round, 15);
        assertEq(start, t0 + 98 days);
        assertEq(end, t0 + 105 days);
    }

    /// Round 1's snapshot is taken by the first registration, before its stake (the registration settles through
    /// the issuance contract): no stake was there at the genesis round's start, so it pays nothing, and a later
    /// checkpoint cannot move the snapshot.
    function test_RoundOnePaysNothing() public {
        Issuance.RoundRecord memory record = p.issuance.roundRecord(1);
        assertEq(record.snapshotTime, t0 - 1);
        assertEq(record.snapshotTotal, 0);
        p.issuance.checkpoint();
        assertEq(p.issuance.roundRecord(1).snapshotTime, t0 - 1);
        _afterWindow(2);
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotEligible.selector, cn1));
        p.issuance.claimRewards(cn1);
        // Settling records it, with nothing paid.
        uint256 supply = p.token.totalSupply();
        p.issuance.settleRewards(cn1);
        assertEq(p.issuance.lastClaimedRound(cn1), 1);
        assertEq(p.token.totalSupply(), supply);
    }

    // ---- neutral split (no attestation) ----

    function test_ClaimWithoutAttestation_SplitsByStake() public {
        _finishRoundTwo();
        uint40 closesAt = uint40(_start(3) + D.ATTESTATION_WINDOW);
        vm.expectRevert(abi.encodeWithSelector(Issuance.AttestationWindowOpen.selector, closesAt));
        p.issuance.claimRewards(cn1);
        vm.warp(closesAt - 1);
        vm.expectRevert(abi.encodeWithSelector(Issuance.AttestationWindowOpen.selector, closesAt));
        p.issuance.claimRewards(cn1);
        vm.warp(closesAt);

        uint256 supply = p.token.totalSupply();
        uint256 reward = _reward();
        uint256 expected1 = reward * CN1_STAKE / TOTAL_STAKE;
        uint256 expected2 = reward * CN2_STAKE / TOTAL_STAKE;
        vm.expectEmit(address(p.issuance));
        emit Issuance.RoundFinalized(2, reward, TOTAL_STAKE * FULL, false);
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsClaimed(2, cn1, expected1);
        vm.prank(makeAddr("anyone")); // anyone may claim for anyone
        assertEq(p.issuance.claimRewards(cn1), expected1);
        assertEq(p.issuance.claimRewards(cn2), expected2);
        assertEq(p.staking.operatorStake(cn1), CN1_STAKE + expected1);
        assertEq(p.staking.operatorStake(cn2), CN2_STAKE + expected2);
        assertEq(p.token.totalSupply(), supply + expected1 + expected2, "minted");
        assertEq(p.token.balanceOf(address(p.staking)), TOTAL_STAKE + expected1 + expected2, "to staking");
        assertEq(p.issuance.lastClaimedRound(cn1), 2);
        Issuance.RoundResult memory result = p.issuance.roundResult(2);
        assertTrue(result.finalized);
        assertFalse(result.attested);
        assertEq(result.reward, reward);
        assertEq(result.weightTotal, TOTAL_STAKE * FULL);
        assertEq(result.start, _start(2) - 1);

        vm.expectRevert(abi.encodeWithSelector(Issuance.AlreadyClaimed.selector, cn1, 2));
        p.issuance.claimRewards(cn1);
    }

    function test_DelegatorsShareTheOperatorsReward() public {
        address fan = _delegator("fan", cn1, CN1_STAKE);
        _finishRoundTwo();
        _afterWindow(3);
        uint256 expected = _reward() * 2_000_000 ether / (TOTAL_STAKE + CN1_STAKE);
        assertEq(p.issuance.claimRewards(cn1), expected);
        (, uint256 fanAssets) = p.staking.positionOf(cn1, fan);
        (, uint256 opAssets) = p.staking.positionOf(cn1, cn1);
        // Half the pool, half the reward (no cut), in O(1): the fan was never touched.
        assertApproxEqAbs(fanAssets, CN1_STAKE + expected / 2, 1);
        assertApproxEqAbs(opAssets, CN1_STAKE + expected / 2, 1);
    }

    /// Stake that arrives after a round's snapshot earns nothing for that round; it earns from the next one.
    function test_StakeAfterTheSnapshotEarnsNothingForThatRound() public {
        _startRoundTwo();
        vm.warp(block.timestamp + 1);
        (address late,,,) = newOperator("late", D.CONTENT_NODE, 5_000_000 ether);
        _afterWindow(3);
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotEligible.selector, late));
        p.issuance.claimRewards(late);
        p.issuance.checkpoint(); // round 3's snapshot, with the newcomer in it
        _afterWindow(4);
        // Nobody claimed round 2, so nothing was minted and the stake did not move: 21M over round 3.
        uint256 expected = _reward() * 5_000_000 ether / (TOTAL_STAKE + 5_000_000 ether);
        assertEq(p.issuance.claimRewards(late), expected);
    }

    function test_RevertWhen_ClaimInvalid() public {
        vm.expectRevert(Issuance.NoFinishedRound.selector);
        p.issuance.claimRewards(cn1);
        _finishRoundTwo();
        _afterWindow(3);
        address nobody = makeAddr("nobody");
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotEligible.selector, nobody));
        p.issuance.claimRewards(nobody);
        // A deregistered operator no longer earns.
        vm.prank(cn2);
        p.registry.deregister(2);
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotEligible.selector, cn2));
        p.issuance.claimRewards(cn2);
        assertFalse(p.issuance.roundResult(2).finalized, "failed claims fix nothing");
    }

    function test_UnclaimedRoundIsForfeitedWhenTheNextEnds() public {
        _finishRoundTwo();
        _afterWindow(4); // round 4: round 3 is now the claimable one
        uint256 supply = p.token.totalSupply();
        uint256 expected = _reward() * CN1_STAKE / TOTAL_STAKE;
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsClaimed(3, cn1, expected);
        assertEq(p.issuance.claimRewards(cn1), expected);
        assertEq(p.issuance.lastClaimedRound(cn1), 3);
        assertFalse(p.issuance.roundResult(2).finalized, "round 2 was never paid");
        assertEq(p.token.totalSupply(), supply + expected, "only round 3 was minted");
    }

    function test_OnlyIssuanceMints() public {
        assertEq(p.token.minter(), address(p.issuance));
        vm.expectRevert(abi.encodeWithSelector(AudioToken.NotMinter.selector, address(this)));
        p.token.mint(address(this), 1);
        vm.prank(gov);
        vm.expectRevert(abi.encodeWithSelector(AudioToken.NotMinter.selector, gov));
        p.token.mint(gov, 1);
    }

    // ---- attested split ----

    function test_AttestedActivityWeightsTheSplit() public {
        _finishRoundTwo();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp; // still valid in its own second
        bytes[] memory sigs = _signatures(2, ops, scores, deadline, 2);
        uint256 reward = _reward();
        // Weights: cn1 1M x 1.0 = 1M, cn2 3M x 0.25 = 0.75M; discovery nodes unlisted score 0.
        uint256 weightTotal = 1_750_000 ether * FULL;
        vm.expectEmit(address(p.issuance));
        emit Issuance.ActivityAttested(2, 2, 2);
        vm.expectEmit(address(p.issuance));
        emit Issuance.RoundFinalized(2, reward, weightTotal, true);
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);

        // No waiting for the window once attested.
        uint256 got1 = p.issuance.claimRewards(cn1);
        uint256 got2 = p.issuance.claimRewards(cn2);
        assertEq(got1, reward * 1_000_000 / 1_750_000);
        assertEq(got2, reward * 750_000 / 1_750_000);
        assertLe(got1 + got2, reward);
        assertEq(p.issuance.scoreOf(2, cn1), 10_000);
        assertEq(p.issuance.scoreOf(2, cn2), 2_500);
        assertEq(p.issuance.scoreOf(2, dn1), 0);
        Issuance.RoundResult memory result = p.issuance.roundResult(2);
        assertTrue(result.attested);
        assertEq(result.weightTotal, weightTotal);
        // An unlisted operator's claim pays nothing, and says so, but settles its pool.
        uint256 supply = p.token.totalSupply();
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsForfeited(2, dn1);
        assertEq(p.issuance.claimRewards(dn1), 0);
        assertEq(p.issuance.lastClaimedRound(dn1), 2);
        assertEq(p.token.totalSupply(), supply);
        assertEq(p.staking.operatorStake(dn1), DN_STAKE);
    }

    function test_RevertWhen_AttestationBelowQuorum() public {
        _finishRoundTwo();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        bytes[] memory sigs = _signatures(2, ops, scores, deadline, 1);
        vm.expectRevert(abi.encodeWithSelector(Issuance.BelowQuorum.selector, DN_STAKE, TOTAL_STAKE / 2));
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
        // No signature at all.
        vm.expectRevert(abi.encodeWithSelector(Issuance.BelowQuorum.selector, 0, TOTAL_STAKE / 2));
        p.issuance.submitActivity(2, ops, scores, deadline, new bytes[](0));
        // Exactly half passes at 50%; one basis point more is out of reach (the quorum applies at once).
        vm.prank(gov);
        p.issuance.setParameters(D.ROUND_DURATION, D.INFLATION_BPS_PER_YEAR, D.ATTESTATION_WINDOW, 5_001);
        sigs = _signatures(2, ops, scores, deadline, 2);
        vm.expectRevert(abi.encodeWithSelector(Issuance.BelowQuorum.selector, 2 * DN_STAKE, 8_001_600 ether));
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
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
        _finishRoundTwo();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        bytes[] memory sigs = new bytes[](10);
        for (uint256 i = 0; i < 10; ++i) {
            assertTrue(p.issuance.isAttester(wallets[i]));
            sigs[i] = _sign(keys[i], 2, ops, scores, deadline);
        }
        uint256 total = TOTAL_STAKE + 2_000_000 ether;
        vm.expectRevert(abi.encodeWithSelector(Issuance.BelowQuorum.selector, 2_000_000 ether, total / 2));
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
    }

    /// Stake that joined after the round's snapshot does not count toward its attestation: an attacker cannot buy
    /// a quorum once it knows the round's activity.
    function test_RevertWhen_AttesterStakeArrivedAfterTheRoundStarted() public {
        _startRoundTwo();
        vm.warp(block.timestamp + 1);
        (, address wallet, uint256 key,) = newOperator("whale", D.DISCOVERY_NODE, 7_000_000 ether);
        vm.warp(_start(3));
        p.issuance.checkpoint();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        bytes[] memory sigs = new bytes[](1);
        sigs[0] = _sign(key, 2, ops, scores, deadline);
        assertTrue(p.issuance.isAttester(wallet));
        // The total is the lower of the two snapshots (16M), the whale's stake over the round 0.
        vm.expectRevert(abi.encodeWithSelector(Issuance.BelowQuorum.selector, 0, TOTAL_STAKE / 2));
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
    }

    function test_RevertWhen_SameSignerCountedTwice() public {
        _finishRoundTwo();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        bytes[] memory sigs = new bytes[](2);
        sigs[0] = _sign(attesterKeys[0], 2, ops, scores, deadline);
        sigs[1] = sigs[0];
        vm.expectRevert(Issuance.NotAscending.selector);
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
    }

    function test_RevertWhen_SignerIsNotAnAttester() public {
        _finishRoundTwo();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        (address outsider, uint256 outsiderKey) = makeAddrAndKey("outsider");
        bytes[] memory sigs = new bytes[](2);
        // Order by signer address.
        (uint256 k0, uint256 k1) =
            outsider < attesters[0] ? (outsiderKey, attesterKeys[0]) : (attesterKeys[0], outsiderKey);
        sigs[0] = _sign(k0, 2, ops, scores, deadline);
        sigs[1] = _sign(k1, 2, ops, scores, deadline);
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotAttester.selector, outsider));
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
    }

    function test_ContentNodeWalletIsNotAnAttester() public {
        (, address cnWallet,,) = newOperator("cn3", D.CONTENT_NODE, 200_000 ether);
        assertFalse(p.issuance.isAttester(cnWallet));
        assertFalse(p.issuance.isAttester(makeAddr("stranger")));
        assertTrue(p.issuance.isAttester(attesters[0]));
        // A discovery node slashed below its minimum stops attesting.
        address dn1Wallet =
            p.registry.getService(p.registry.serviceIdByEndpoint("https://dn1.audius.test")).delegateWallet;
        assertTrue(p.issuance.isAttester(dn1Wallet));
        vm.prank(gov);
        p.staking.slash(dn1, DN_STAKE - 100_000 ether, bytes32(0));
        assertFalse(p.issuance.isAttester(dn1Wallet));
    }

    function test_RevertWhen_AttestationReplayedAcrossRounds() public {
        _finishRoundTwo();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 30 days;
        bytes[] memory sigs = _signatures(2, ops, scores, deadline, 2);
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
        // Same round again: finalized.
        vm.expectRevert(abi.encodeWithSelector(Issuance.AlreadyFinalized.selector, 2));
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
        // Next round with round 2's signatures: the round is in the digest, they recover to strangers.
        vm.warp(_start(4));
        address stranger = ECDSA.recover(p.issuance.activityDigest(3, ops, scores, deadline), sigs[0]);
        assertTrue(stranger != attesters[0] && stranger != attesters[1]);
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotAttester.selector, stranger));
        p.issuance.submitActivity(3, ops, scores, deadline, sigs);
        // And round 2 is no longer the open one.
        vm.expectRevert(abi.encodeWithSelector(Issuance.WrongRound.selector, 2, 3));
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
    }

    function test_RevertWhen_AttestationSignedForAnotherChain() public {
        _finishRoundTwo();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        uint256 home = block.chainid;
        // The EIP-712 domain carries the chain id: signatures made for a fork of this deployment on chain 999
        // recover to strangers here.
        vm.chainId(999);
        bytes[] memory sigs = _signatures(2, ops, scores, deadline, 2);
        vm.chainId(home);
        address stranger = ECDSA.recover(p.issuance.activityDigest(2, ops, scores, deadline), sigs[0]);
        assertTrue(stranger != attesters[0]);
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotAttester.selector, stranger));
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
    }

    function test_RevertWhen_AttestationSignedForAnotherContract() public {
        _finishRoundTwo();
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
                uint256(2),
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
        // Sanity: under this contract's own domain the same fields give the digest the attesters would sign.
        bytes32 ownDomain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256(bytes(name)),
                keccak256(bytes(version)),
                chainId,
                address(p.issuance)
            )
        );
        assertEq(
            keccak256(abi.encodePacked("\x19\x01", ownDomain, structHash)),
            p.issuance.activityDigest(2, ops, scores, deadline)
        );
        address stranger = ECDSA.recover(p.issuance.activityDigest(2, ops, scores, deadline), sigs[0]);
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotAttester.selector, stranger));
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
    }

    function test_RevertWhen_AttesterDeregisteredMidRound() public {
        _finishRoundTwo();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        bytes[] memory sigs = _signatures(2, ops, scores, deadline, 2);
        // Signed while it attested; its node leaves the registry before the submission.
        uint256 serviceId = p.registry.serviceIdByWallet(attesters[0]);
        vm.prank(p.registry.getService(serviceId).owner);
        p.registry.deregister(serviceId);
        assertFalse(p.issuance.isAttester(attesters[0]));
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotAttester.selector, attesters[0]));
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
    }

    function test_RevertWhen_AttestationMalformed() public {
        _finishRoundTwo();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        bytes[] memory sigs = _signatures(2, ops, scores, deadline, 2);

        // Expired deadline.
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(Issuance.Expired.selector, deadline));
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
        deadline = block.timestamp + 1 hours;

        uint16[] memory short = new uint16[](1);
        vm.expectRevert(Issuance.LengthMismatch.selector);
        p.issuance.submitActivity(2, ops, short, deadline, sigs);

        // Wrong round: the running one, or an older one.
        sigs = _signatures(3, ops, scores, deadline, 2);
        vm.expectRevert(abi.encodeWithSelector(Issuance.WrongRound.selector, 3, 2));
        p.issuance.submitActivity(3, ops, scores, deadline, sigs);
        sigs = _signatures(1, ops, scores, deadline, 2);
        vm.expectRevert(abi.encodeWithSelector(Issuance.WrongRound.selector, 1, 2));
        p.issuance.submitActivity(1, ops, scores, deadline, sigs);

        // Wrong signer order.
        sigs = _signatures(2, ops, scores, deadline, 2);
        (sigs[0], sigs[1]) = (sigs[1], sigs[0]);
        vm.expectRevert(Issuance.NotAscending.selector);
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);

        // Operators out of order.
        (ops[0], ops[1]) = (ops[1], ops[0]);
        (scores[0], scores[1]) = (scores[1], scores[0]);
        sigs = _signatures(2, ops, scores, deadline, 2);
        vm.expectRevert(Issuance.NotAscending.selector);
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);

        // The same operator twice.
        (ops, scores) = _activity();
        ops[1] = ops[0];
        sigs = _signatures(2, ops, scores, deadline, 2);
        vm.expectRevert(Issuance.NotAscending.selector);
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);

        // A score above full.
        (ops, scores) = _activity();
        scores[0] = 10_001;
        sigs = _signatures(2, ops, scores, deadline, 2);
        vm.expectRevert(abi.encodeWithSelector(Issuance.InvalidScore.selector, 10_001));
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);

        // Signatures over other scores than submitted recover to strangers.
        (ops, scores) = _activity();
        sigs = _signatures(2, ops, scores, deadline, 2);
        scores[0] += 1;
        address stranger = ECDSA.recover(p.issuance.activityDigest(2, ops, scores, deadline), sigs[0]);
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotAttester.selector, stranger));
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
        assertFalse(p.issuance.roundResult(2).finalized);
    }

    function test_RevertWhen_AttestingBeforeAnyFinishedRound() public {
        (address[] memory ops, uint16[] memory scores) = _activity();
        bytes[] memory sigs = new bytes[](0);
        vm.expectRevert(Issuance.NoFinishedRound.selector);
        p.issuance.submitActivity(0, ops, scores, block.timestamp, sigs);
    }

    function test_RevertWhen_AttestationGivesNoOneWeight() public {
        _startRoundTwo();
        vm.warp(block.timestamp + 1);
        (address late,,,) = newOperator("late", D.CONTENT_NODE, 200_000 ether);
        vm.warp(_start(3));
        p.issuance.checkpoint();
        uint256 deadline = block.timestamp + 1 hours;
        bytes[] memory sigs;
        // Nobody listed.
        address[] memory ops = new address[](0);
        uint16[] memory scores = new uint16[](0);
        sigs = _signatures(2, ops, scores, deadline, 2);
        vm.expectRevert(Issuance.NoActivity.selector);
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
        // Listed at score 0.
        (ops, scores) = _activity();
        scores[0] = 0;
        scores[1] = 0;
        sigs = _signatures(2, ops, scores, deadline, 2);
        vm.expectRevert(Issuance.NoActivity.selector);
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
        // Listed with a full score, but without stake over the round.
        ops = new address[](1);
        scores = new uint16[](1);
        ops[0] = late;
        scores[0] = 10_000;
        sigs = _signatures(2, ops, scores, deadline, 2);
        vm.expectRevert(Issuance.NoActivity.selector);
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
    }

    /// Sybil attesters: one operator running two discovery nodes counts once toward the quorum.
    function test_RevertWhen_OneOperatorSignsThroughTwoNodes() public {
        // dn1's operator registers a second discovery node with another wallet.
        (address second, uint256 secondKey) = makeAddrAndKey("dn1-second-wallet");
        fund(dn1, 200_000 ether);
        // Alone, dn1 holds about a quarter of the stake; counted twice it would make the quorum.
        vm.prank(dn1);
        p.registry.register(D.DISCOVERY_NODE, "https://dn1-b.audius.test", 200_000 ether, second);
        assertTrue(p.issuance.isAttester(second));
        _finishRoundTwo();
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        address first = p.registry.getService(p.registry.serviceIdByEndpoint("https://dn1.audius.test")).delegateWallet;
        uint256 firstKey;
        for (uint256 i = 0; i < 3; ++i) {
            if (attesters[i] == first) firstKey = attesterKeys[i];
        }
        bytes[] memory sigs = new bytes[](2);
        (uint256 k0, uint256 k1) = first < second ? (firstKey, secondKey) : (secondKey, firstKey);
        sigs[0] = _sign(k0, 2, ops, scores, deadline);
        sigs[1] = _sign(k1, 2, ops, scores, deadline);
        vm.expectRevert(abi.encodeWithSelector(Issuance.OperatorSignedTwice.selector, dn1));
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
    }

    function test_AttestationAfterNeutralClaimIsRefused() public {
        _finishRoundTwo();
        _afterWindow(3);
        p.issuance.claimRewards(cn1);
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        bytes[] memory sigs = _signatures(2, ops, scores, deadline, 2);
        vm.expectRevert(abi.encodeWithSelector(Issuance.AlreadyFinalized.selector, 2));
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
    }

    // ---- settlement before stake enters a pool (just-in-time delegation) ----

    /// Just-in-time delegation: stake delegated after a round finished, just before its reward is claimed, must not
    /// share that reward. The deposit settles the pool first, so the newcomer's shares are priced after it.
    function test_JustInTimeDelegationGetsNoShareOfTheFinishedRound() public {
        _finishRoundTwo();
        _afterWindow(3);
        address jit = makeAddr("jit");
        fund(jit, 5_000_000 ether);
        uint256 expected = _reward() * CN1_STAKE / TOTAL_STAKE;
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsClaimed(2, cn1, expected);
        vm.prank(jit);
        p.staking.delegateStake(cn1, 5_000_000 ether);
        assertEq(p.issuance.lastClaimedRound(cn1), 2);
        (, uint256 jitAssets) = p.staking.positionOf(cn1, jit);
        // Shares are bought rounded down: the newcomer loses less than one share's value, to the pool.
        uint256 oneShare = _oneShare(cn1);
        assertLe(jitAssets, 5_000_000 ether);
        assertApproxEqAbs(jitAssets, 5_000_000 ether, oneShare, "the newcomer owns its deposit, not the reward");
        assertApproxEqAbs(p.staking.operatorStake(cn1), CN1_STAKE + expected, oneShare, "the reward stayed with cn1");
        assertGe(p.staking.operatorStake(cn1), CN1_STAKE + expected);
        vm.expectRevert(abi.encodeWithSelector(Issuance.AlreadyClaimed.selector, cn1, 2));
        p.issuance.claimRewards(cn1);
    }

    /// While a finished round's split can still change, stake cannot enter a pool that earned in it.
    function test_RevertWhen_DelegatingDuringTheAttestationWindow() public {
        _startRoundTwo();
        vm.warp(block.timestamp + 1);
        (address late,,,) = newOperator("late", D.CONTENT_NODE, 200_000 ether);
        vm.warp(_start(3));
        address fan = makeAddr("fan");
        fund(fan, 1_000 ether);
        vm.prank(fan);
        vm.expectRevert(
            abi.encodeWithSelector(Issuance.AttestationWindowOpen.selector, _start(3) + D.ATTESTATION_WINDOW)
        );
        p.staking.delegateStake(cn1, 1_000 ether);
        // A pool with nothing at stake in the round is not held up: a new operator registers, and a pool that
        // joined after the round's snapshot takes delegations.
        newOperator("newcomer", D.CONTENT_NODE, 200_000 ether);
        vm.prank(fan);
        p.staking.delegateStake(late, 1_000 ether);
        assertEq(p.staking.poolOf(late).assets, 201_000 ether);
        // The window closes: the deposit goes through, after the pool was paid.
        _afterWindow(3);
        uint256 expected = _reward() * CN1_STAKE / TOTAL_STAKE;
        address fan2 = makeAddr("fan2");
        fund(fan2, 1_000 ether);
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsClaimed(2, cn1, expected);
        vm.prank(fan2);
        p.staking.delegateStake(cn1, 1_000 ether);
        assertEq(p.issuance.lastClaimedRound(cn1), 2);
        assertApproxEqAbs(p.staking.operatorStake(cn1), CN1_STAKE + expected, _oneShare(cn1));
        assertEq(p.staking.poolOf(cn1).assets, CN1_STAKE + expected + 1_000 ether);
    }

    /// Stake back from a pending withdrawal sat the round out: cancelling settles the pool first.
    function test_CancelledWithdrawalGetsNoShareOfTheRoundItSatOut() public {
        address fan = _delegator("fan", cn1, CN1_STAKE);
        vm.prank(fan);
        p.staking.requestWithdrawal(cn1, CN1_STAKE);
        _finishRoundTwo();
        _afterWindow(3);
        // The pending stake was not in the pool at the snapshots: 1M of 16M.
        uint256 expected = _reward() * CN1_STAKE / TOTAL_STAKE;
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsClaimed(2, cn1, expected);
        vm.prank(fan);
        p.staking.cancelWithdrawal(cn1);
        (, uint256 fanAssets) = p.staking.positionOf(cn1, fan);
        assertLe(fanAssets, CN1_STAKE);
        assertApproxEqAbs(fanAssets, CN1_STAKE, _oneShare(cn1));
        assertApproxEqAbs(p.staking.operatorStake(cn1), CN1_STAKE + expected, _oneShare(cn1));
        assertEq(p.issuance.lastClaimedRound(cn1), 2);
    }

    /// Review finding: an operator that left (no active stake) and registers again was refused while its pool
    /// could not take the finished round's reward. The empty pool is settled with nothing instead.
    function test_EmptyPoolForfeitsTheRoundInsteadOfBlockingRegistration() public {
        _startRoundTwo();
        vm.warp(block.timestamp + 1 hours);
        vm.startPrank(cn1);
        p.registry.deregister(1);
        p.staking.requestWithdrawal(cn1, type(uint256).max);
        vm.stopPrank();
        _afterWindow(3);
        fund(cn1, 200_000 ether);
        uint256 supply = p.token.totalSupply();
        vm.prank(cn1);
        p.registry.register(D.CONTENT_NODE, "https://cn1-again.audius.test", 200_000 ether, makeAddr("cn1-new"));
        assertEq(p.issuance.lastClaimedRound(cn1), 2);
        assertEq(p.token.totalSupply(), supply, "nothing minted for the empty pool");
        (, uint256 active) = p.staking.positionOf(cn1, cn1);
        assertEq(active, 200_000 ether);
        assertEq(p.staking.withdrawalValue(cn1, cn1), CN1_STAKE, "the old stake is still pending, unpaid");
    }

    /// Review finding: after a full slash, a voided request could not be cancelled while the round was unsettled.
    function test_CancelAfterAFullSlashIsNotHeldUp() public {
        address fan = _delegator("fan", cn1, CN1_STAKE);
        _startRoundTwo();
        vm.warp(block.timestamp + 1 hours);
        vm.prank(fan);
        p.staking.requestWithdrawal(cn1, 500_000 ether);
        vm.warp(_start(3));
        p.issuance.checkpoint();
        vm.prank(gov);
        p.staking.slash(cn1, type(uint256).max, bytes32(0));
        // Even inside the attestation window: the wiped-out pool has nothing due.
        vm.warp(block.timestamp + 1);
        vm.expectEmit(address(p.staking));
        emit IStakingEvents.WithdrawalCancelled(cn1, fan, 0, 0);
        vm.prank(fan);
        p.staking.cancelWithdrawal(cn1);
        assertEq(p.staking.withdrawalOf(cn1, fan).shares, 0);
        assertEq(p.issuance.lastClaimedRound(cn1), 2, "settled with nothing");
    }

    function test_SettleIsANoOpWhenNothingIsDue() public {
        uint256 supply = p.token.totalSupply();
        assertEq(p.issuance.settleRewards(cn1), _start(2)); // no finished round
        _finishRoundTwo();
        // Inside the window a pool with stake in the round cannot be settled yet; one without can.
        vm.expectRevert(
            abi.encodeWithSelector(Issuance.AttestationWindowOpen.selector, _start(3) + D.ATTESTATION_WINDOW)
        );
        p.issuance.settleRewards(cn1);
        address nobody = makeAddr("nobody");
        assertEq(p.issuance.settleRewards(nobody), _start(4)); // no stake
        assertEq(p.token.totalSupply(), supply);
        assertEq(p.staking.poolOf(nobody).id, 0, "no pool opened");
        _afterWindow(3);
        assertEq(p.issuance.settleRewards(cn1), _start(4));
        uint256 paid = _reward(supply, D.INFLATION_BPS_PER_YEAR, D.ROUND_DURATION) * CN1_STAKE / TOTAL_STAKE;
        assertEq(p.token.totalSupply(), supply + paid);
        assertEq(p.issuance.lastClaimedRound(cn1), 2);
        assertEq(p.staking.settledUntil(cn1), _start(4));
        assertEq(p.issuance.settleRewards(cn1), _start(4)); // already paid
        assertEq(p.token.totalSupply(), supply + paid);
        assertEq(p.staking.operatorStake(cn1), CN1_STAKE + paid);
    }

    // ---- parameters ----

    function test_Parameters() public {
        (uint40 duration, uint16 bps, uint40 window, uint16 quorum) = p.issuance.parameters();
        assertEq(duration, D.ROUND_DURATION);
        assertEq(bps, D.INFLATION_BPS_PER_YEAR);
        assertEq(window, D.ATTESTATION_WINDOW);
        assertEq(quorum, D.ATTESTATION_QUORUM_BPS);
        vm.expectEmit(address(p.issuance));
        emit Issuance.ScheduleChanged(2, uint40(_start(2)), 14 days, 500);
        vm.expectEmit(address(p.issuance));
        emit Issuance.ParametersSet(14 days, 500, 2 days, 3);
        vm.prank(gov);
        p.issuance.setParameters(14 days, 500, 2 days, 3);
        // The running round keeps its length and rate; window and quorum apply at once.
        (duration, bps, window, quorum) = p.issuance.parameters();
        assertEq(duration, D.ROUND_DURATION);
        assertEq(bps, D.INFLATION_BPS_PER_YEAR);
        assertEq(window, 2 days);
        assertEq(quorum, 3);
        Issuance.Segment[] memory segments = p.issuance.schedule();
        assertEq(segments.length, 2);
        assertEq(segments[1].anchorRound, 2);
        assertEq(segments[1].anchorTime, _start(2));
        vm.warp(_start(2));
        (duration, bps,,) = p.issuance.parameters();
        assertEq(duration, 14 days);
        assertEq(bps, 500);
        (uint32 round,, uint40 end) = p.issuance.currentRound();
        assertEq(round, 2);
        assertEq(end, _start(2) + 14 days);
    }

    function test_RevertWhen_ParametersInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(GovernedUUPS.NotGovernance.selector, address(this)));
        p.issuance.setParameters(14 days, 500, 2 days, 3);
        vm.startPrank(gov);
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
        // The limits themselves are valid.
        p.issuance.setParameters(7 days, 10_000, 7 days - 1, 10_000);
        vm.stopPrank();
    }

    // ---- M-3: a vote that moves the minter must not freeze the pools ----

    function test_M3_StopMintingDoesNotFreezeThePools() public {
        address fanA = _delegator("fanA", cn1, 1_000_000 ether);
        address fanB = _delegator("fanB", cn2, 1_000_000 ether);
        address fanD = _delegator("fanD", dn2, 1_000_000 ether);
        _startRoundTwo(); // 19M at round 2's snapshot
        vm.warp(block.timestamp + 1 hours);
        vm.prank(fanA);
        p.staking.requestWithdrawal(cn1, type(uint256).max);
        vm.startPrank(cn2);
        p.staking.requestRemoveDelegator(fanB);
        p.staking.requestCutChange(1_000);
        vm.stopPrank();
        vm.prank(fanD);
        p.staking.requestWithdrawal(dn2, 500_000 ether);

        // A vote moves the minter away.
        address[] memory voters = new address[](1);
        voters[0] = dn1;
        pass(dn1, voters, address(p.token), abi.encodeCall(AudioToken.setMinter, (address(0))), "stop minting");
        assertEq(p.token.minter(), address(0));
        assertLt(block.timestamp, _start(3));

        _afterWindow(3);
        uint256 supply = p.token.totalSupply();
        uint256 reward = _reward();
        // Round 3's snapshot: 19M less the 2.5M pending.
        uint256 weightTotal = 16_500_000 ether * FULL;

        // A deposit into a pool with stake at round 2's snapshots: the round is fixed, the pool's part forfeited.
        address fanC = makeAddr("fanC");
        fund(fanC, 1_001_000 ether);
        vm.expectEmit(address(p.issuance));
        emit Issuance.RoundFinalized(2, reward, weightTotal, false);
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsForfeited(2, dn1);
        vm.prank(fanC);
        p.staking.delegateStake(dn1, 1_000_000 ether);
        assertEq(p.staking.poolOf(dn1).assets, DN_STAKE + 1_000_000 ether);
        assertEq(p.issuance.lastClaimedRound(dn1), 2);

        // A cancelled withdrawal.
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsForfeited(2, cn1);
        vm.prank(fanA);
        p.staking.cancelWithdrawal(cn1);
        (, uint256 fanAAssets) = p.staking.positionOf(cn1, fanA);
        assertEq(fanAAssets, 1_000_000 ether);

        // A delegator removal (it settles nothing: the removed stake left the pool at the request).
        uint256 before = p.token.balanceOf(fanB);
        vm.prank(cn2);
        p.staking.removeDelegator(fanB);
        assertEq(p.token.balanceOf(fanB), before + 1_000_000 ether);

        // A slash voids fanD's request: it cannot be withdrawn, it can be cancelled (which settles the pool).
        vm.prank(gov);
        p.staking.slash(dn2, 100_000 ether, bytes32(0));
        vm.prank(fanD);
        vm.expectRevert(IStakingEvents.VoidedBySlash.selector);
        p.staking.withdraw(dn2);
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsForfeited(2, dn2);
        vm.prank(fanD);
        p.staking.cancelWithdrawal(dn2);
        assertEq(p.staking.withdrawalOf(dn2, fanD).shares, 0);
        // 1M of 5M bore a fiftieth of the slash.
        assertApproxEqAbs(p.staking.stakedValueOf(fanD), 980_000 ether, _oneShare(dn2));

        // A cut change after its cooldown.
        vm.warp(_start(2) + 1 hours + D.CUT_COOLDOWN);
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsForfeited(2, cn2);
        p.staking.applyCutChange(cn2);
        assertEq(p.staking.poolOf(cn2).cutBps, 1_000);

        // A direct claim: nothing, without a revert.
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsForfeited(2, dn3);
        assertEq(p.issuance.claimRewards(dn3), 0);

        // The reward was fixed but never minted; only the slash moved the supply.
        assertEq(p.issuance.roundResult(2).reward, reward);
        assertEq(p.token.totalSupply(), supply - 100_000 ether);

        // And the next round likewise.
        _afterWindow(4);
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsForfeited(3, dn1);
        vm.prank(fanC);
        p.staking.delegateStake(dn1, 1_000 ether);
        assertEq(p.issuance.lastClaimedRound(dn1), 3);
        assertEq(p.token.totalSupply(), supply - 100_000 ether);
    }

    /// With the minter gone, the fees are still paid: only the minted part is forfeited.
    function test_M3_FeesArePaidWhenMintingStopped() public {
        address payer = _feePayer(16_000 ether);
        _finishRoundTwo();
        vm.prank(gov);
        p.token.setMinter(address(0));
        vm.prank(payer);
        p.issuance.depositFees(16_000 ether);
        _afterWindow(3);
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsClaimed(2, cn1, 1_000 ether);
        assertEq(p.issuance.claimRewards(cn1), 1_000 ether);
        assertEq(p.staking.operatorStake(cn1), CN1_STAKE + 1_000 ether);
        assertEq(p.token.balanceOf(address(p.issuance)), 15_000 ether);
    }

    // ---- L-1: the reward follows the stake at risk over the round ----

    function test_L1_SlashedMidRoundIsPaidOnItsLowerStake() public {
        _startRoundTwo();
        vm.warp(_start(2) + 1 days);
        vm.prank(gov);
        p.staking.slash(cn2, 1_000_000 ether, bytes32(0));
        vm.warp(_start(3));
        p.issuance.checkpoint();
        _afterWindow(3);
        uint256 reward = _reward(); // on the supply after the burn
        // The total over the round is the lower of its two snapshots: 15M.
        uint256 total = TOTAL_STAKE - 1_000_000 ether;
        assertEq(p.issuance.claimRewards(cn2), reward * 2_000_000 ether / total, "paid on 2M, not 3M");
        assertEq(p.issuance.claimRewards(cn1), reward * CN1_STAKE / total);
        assertEq(p.issuance.roundResult(2).weightTotal, total * FULL);
    }

    function test_L1_BelowItsMinimumAtClaimIsPaidNothing() public {
        address fan = _delegator("fan", cn1, CN1_STAKE);
        _finishRoundTwo(); // 17M at both snapshots
        _afterWindow(3);
        // After the round: dn1 slashed below its minimum, ...
        vm.prank(gov);
        p.staking.slash(dn1, DN_STAKE - 100_000 ether, bytes32(0));
        // ... governance lowers the content-node maximum below cn2's pool, ...
        vm.prank(gov);
        p.registry.setServiceTypeBounds(D.CONTENT_NODE, D.CONTENT_NODE_MIN_STAKE, 2_000_000 ether);
        p.registry.refreshBounds(2);
        assertFalse(p.staking.isWithinBounds(cn2));
        assertFalse(p.staking.isWithinBounds(dn1));
        // ... and half of cn1's delegation leaves before cn1 is paid.
        vm.prank(fan);
        p.staking.requestWithdrawal(cn1, 500_000 ether);

        uint256 supply = p.token.totalSupply();
        uint256 reward = _reward();
        uint256 total = TOTAL_STAKE + CN1_STAKE;
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotEligible.selector, dn1));
        p.issuance.claimRewards(dn1);
        // Above its (lowered) maximum a pool is paid on the maximum: the excess earns nothing, and the pool does not
        // forfeit a round anyone could settle while a reward had lifted it there.
        uint256 gotCapped = p.issuance.claimRewards(cn2);
        assertEq(gotCapped, reward * 2_000_000 ether / total, "paid on its maximum");
        uint256 got1 = p.issuance.claimRewards(cn1);
        assertEq(got1, reward * 1_500_000 ether / total, "paid on the stake left at the claim");
        uint256 got2 = p.issuance.claimRewards(dn2);
        assertEq(got2, reward * DN_STAKE / total);
        // Settling the pool below its minimum pays nothing and closes the round for it.
        p.issuance.settleRewards(dn1);
        assertEq(p.issuance.lastClaimedRound(dn1), 2);
        assertEq(p.token.totalSupply(), supply + gotCapped + got1 + got2);
    }

    // ---- L-4: a running round keeps its terms ----

    function test_L4_InflationChangeDoesNotRepriceTheFinishedRound() public {
        _finishRoundTwo();
        // Round 2 is finished but not fixed yet; a vote doubles the inflation during round 3.
        vm.warp(_start(3) + 1 hours);
        vm.expectEmit(address(p.issuance));
        emit Issuance.ScheduleChanged(4, uint40(_start(4)), D.ROUND_DURATION, 1_400);
        vm.prank(gov);
        p.issuance.setParameters(D.ROUND_DURATION, 1_400, D.ATTESTATION_WINDOW, D.ATTESTATION_QUORUM_BPS);
        (, uint16 bps,,) = p.issuance.parameters();
        assertEq(bps, D.INFLATION_BPS_PER_YEAR, "round 3 keeps its rate");

        // Round 2 at its own rate.
        _afterWindow(3);
        uint256 reward2 = _reward(p.token.totalSupply(), 700, D.ROUND_DURATION);
        uint256 got2 = p.issuance.claimRewards(cn1);
        assertEq(p.issuance.roundResult(2).reward, reward2);
        assertEq(got2, reward2 * CN1_STAKE / TOTAL_STAKE);

        // Round 3, running when the vote passed, too.
        _afterWindow(4);
        uint256 reward3 = _reward(p.token.totalSupply(), 700, D.ROUND_DURATION);
        p.issuance.claimRewards(cn1);
        assertEq(p.issuance.roundResult(3).reward, reward3);

        // Round 4 at the new rate; cn1 is paid on round 4's snapshot (its round-2 reward in, round 3's not yet).
        _afterWindow(5);
        (, bps,,) = p.issuance.parameters();
        assertEq(bps, 1_400);
        uint256 reward4 = _reward(p.token.totalSupply(), 1_400, D.ROUND_DURATION);
        uint256 got4 = p.issuance.claimRewards(cn1);
        assertEq(p.issuance.roundResult(4).reward, reward4);
        assertEq(got4, reward4 * (CN1_STAKE + got2) / (TOTAL_STAKE + got2));
    }

    function test_L4_RoundDurationChangeAppliesFromTheNextRound() public {
        vm.prank(gov);
        p.issuance.setParameters(14 days, D.INFLATION_BPS_PER_YEAR, D.ATTESTATION_WINDOW, D.ATTESTATION_QUORUM_BPS);
        uint256 e1 = t0 + 7 days; // round 1 keeps 7 days
        uint256 e2 = e1 + 14 days;
        (uint32 round,, uint40 end) = p.issuance.currentRound();
        assertEq(round, 1);
        assertEq(end, e1);
        Issuance.Segment[] memory segments = p.issuance.schedule();
        assertEq(segments.length, 2);
        assertEq(segments[1].anchorTime, e1);
        assertEq(segments[1].duration, 14 days);

        vm.warp(e1);
        p.issuance.checkpoint();
        (round,, end) = p.issuance.currentRound();
        assertEq(round, 2);
        assertEq(end, e2);
        // A pool opened in round 2 is settled until its (longer) end.
        (address late,,,) = newOperator("late", D.CONTENT_NODE, 500_000 ether);
        assertEq(p.staking.settledUntil(late), e2);

        // During round 2 governance goes back to 7 days, from round 3 on.
        vm.prank(gov);
        p.issuance.setParameters(7 days, D.INFLATION_BPS_PER_YEAR, D.ATTESTATION_WINDOW, D.ATTESTATION_QUORUM_BPS);
        assertEq(p.issuance.schedule().length, 3);
        segments = p.issuance.schedule();
        assertEq(segments[2].anchorTime, e2);
        assertEq(segments[2].duration, 7 days);
        (round,, end) = p.issuance.currentRound();
        assertEq(end, e2, "round 2 keeps 14 days");

        vm.warp(e2 + D.ATTESTATION_WINDOW);
        (round,, end) = p.issuance.currentRound();
        assertEq(round, 3);
        assertEq(end, e2 + 7 days);
        // Round 2's reward is priced on its 14 days.
        uint256 reward = _reward(p.token.totalSupply(), D.INFLATION_BPS_PER_YEAR, 14 days);
        assertEq(p.issuance.claimRewards(cn1), reward * CN1_STAKE / TOTAL_STAKE);
        assertEq(p.issuance.roundResult(2).reward, reward);
        // The pool is settled until round 3's (shorter) end, and so is a pool opened now.
        assertEq(p.staking.settledUntil(cn1), e2 + 7 days);
        assertEq(p.issuance.lastClaimedRound(cn1), 2);
        (address later,,,) = newOperator("later", D.CONTENT_NODE, 500_000 ether);
        assertEq(p.staking.settledUntil(later), e2 + 7 days);
        // Round 3 is one 7-day round after round 2.
        vm.warp(e2 + 7 days);
        (round,,) = p.issuance.currentRound();
        assertEq(round, 4);
    }

    // ---- H-1c: stake present for a second at the round's start ----

    function test_H1c_OneSecondDepositAtRoundStartEarnsNothing() public {
        // The operator's alt account sits in its pool; the operator asks to remove it.
        address alt = _delegator("cn1-alt", cn1, 1_000_000 ether);
        _startRoundTwo();
        vm.warp(block.timestamp + 1 hours);
        vm.prank(cn1);
        p.staking.requestRemoveDelegator(alt);
        (uint40 effectiveAt,) = p.staking.removalOf(cn1, alt);
        assertEq(effectiveAt, block.timestamp + D.REMOVE_DELEGATOR_LOCKUP);
        // While the removal is pending the alt can neither deposit nor take its stake back, nor go elsewhere.
        fund(alt, 1_000 ether);
        vm.startPrank(alt);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.RemovalPending.selector, cn1));
        p.staking.delegateStake(cn1, 1_000 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.RemovalPending.selector, cn1));
        p.staking.cancelWithdrawal(cn1);
        vm.expectRevert(abi.encodeWithSelector(IStakingEvents.StakedElsewhere.selector, cn1));
        p.staking.delegateStake(cn2, 1_000 ether);
        vm.stopPrank();

        // Round 3's first second: round 2 is attested (which takes round 3's snapshot), and a fresh delegation
        // lands in the same second, after the snapshot.
        vm.warp(_start(3));
        _attest(2);
        uint256 reward2 = _reward();
        address fan = makeAddr("fan");
        fund(fan, 1_000_000 ether);
        vm.expectEmit(address(p.issuance));
        // cn1 over round 2: the lower of 2M and 1M (the alt left at the request), at full score.
        emit Issuance.RewardsClaimed(2, cn1, reward2 * 1_000_000 / 1_750_000);
        vm.prank(fan);
        p.staking.delegateStake(cn1, 1_000_000 ether);
        // One second later it asks to leave.
        vm.warp(block.timestamp + 1);
        vm.prank(fan);
        p.staking.requestWithdrawal(cn1, type(uint256).max);
        uint256 fanPending = p.staking.withdrawalValue(cn1, fan);
        assertLe(fanPending, 1_000_000 ether);
        assertApproxEqAbs(fanPending, 1_000_000 ether, _oneShare(cn1));

        // Round 3 pays cn1 on its 1M at round 3's snapshot: neither the fan nor the alt counts.
        _afterWindow(4);
        uint256 reward3 = _reward();
        uint256 expected3 = reward3 * CN1_STAKE / TOTAL_STAKE;
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsClaimed(3, cn1, expected3);
        assertEq(p.issuance.claimRewards(cn1), expected3);
        assertEq(p.staking.withdrawalValue(cn1, fan), fanPending, "the fan earned nothing");
        assertEq(p.staking.withdrawalValue(cn1, alt), 1_000_000 ether, "nor did the alt");
    }

    // ---- fees ----

    function test_FeesJoinTheNextFinalizedRoundAndAreSplitByStake() public {
        address payer = _feePayer(20_000 ether);
        _finishRoundTwo();
        // Deposited while round 2 is not fixed yet: they join its pot.
        uint256 fee = 16_000 ether;
        vm.expectEmit(address(p.issuance));
        emit Issuance.FeesDeposited(payer, fee);
        vm.prank(payer);
        p.issuance.depositFees(fee);
        assertEq(p.token.balanceOf(address(p.issuance)), fee);
        assertEq(p.token.balanceOf(payer), 20_000 ether - fee);

        _afterWindow(3);
        uint256 reward = _reward();
        uint256 expected1 = reward * CN1_STAKE / TOTAL_STAKE + 1_000 ether;
        uint256 expected2 = reward * CN2_STAKE / TOTAL_STAKE + 3_000 ether;
        uint256 got1 = p.issuance.claimRewards(cn1);
        assertEq(p.issuance.feePotOf(2), fee);
        assertEq(got1, expected1);
        uint256 got2 = p.issuance.claimRewards(cn2);
        assertEq(got2, expected2);
        assertEq(p.staking.operatorStake(cn2), CN2_STAKE + expected2);
        assertEq(p.token.balanceOf(address(p.issuance)), 12_000 ether);

        // Fees deposited once round 2 is fixed wait for round 3; the discovery nodes leave round 2 unclaimed, so
        // their part of its pot rolls over to round 3's as well.
        vm.prank(payer);
        p.issuance.depositFees(1_000 ether);
        assertEq(p.issuance.feePotOf(2), fee);
        _afterWindow(4);
        uint256 reward3 = _reward();
        // cn1 over round 3: 1M of 16M at round 3's snapshot (taken before any round-2 payment).
        assertEq(p.issuance.claimRewards(cn1), reward3 * CN1_STAKE / TOTAL_STAKE + 13_000 ether / 16);
        assertEq(p.issuance.feePotOf(3), 13_000 ether);
    }

    function test_FeesFollowTheAttestedWeights() public {
        address payer = _feePayer(7_000 ether);
        _startRoundTwo();
        vm.prank(payer);
        p.issuance.depositFees(7_000 ether);
        vm.warp(_start(3));
        p.issuance.checkpoint();
        _attest(2);
        assertEq(p.issuance.feePotOf(2), 7_000 ether);
        uint256 reward = p.issuance.roundResult(2).reward;
        assertEq(reward, _reward());
        // Weights 1M and 0.75M: four and three sevenths.
        assertEq(p.issuance.claimRewards(cn1), reward * 1_000_000 / 1_750_000 + 4_000 ether);
        assertEq(p.issuance.claimRewards(cn2), reward * 750_000 / 1_750_000 + 3_000 ether);
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsForfeited(2, dn1);
        assertEq(p.issuance.claimRewards(dn1), 0, "score 0: no fees either");
        assertEq(p.token.balanceOf(address(p.issuance)), 0);
    }

    /// A pool out of bounds at its settlement forfeits its part of the fee pot: it stays for the next round.
    function test_FeesOfAForfeitedPoolRollToTheNextRound() public {
        address payer = _feePayer(16_000 ether);
        _finishRoundTwo();
        vm.prank(payer);
        p.issuance.depositFees(16_000 ether);
        _afterWindow(3);
        vm.prank(gov);
        p.staking.slash(dn1, DN_STAKE - 100_000 ether, bytes32(0));
        uint256 reward = _reward();
        assertEq(p.issuance.claimRewards(dn2), reward * DN_STAKE / TOTAL_STAKE + 4_000 ether);
        p.issuance.settleRewards(dn1); // nothing paid
        assertEq(p.issuance.lastClaimedRound(dn1), 2);
        for (uint256 i = 0; i < 3; ++i) {
            address op = [cn1, cn2, dn3][i];
            p.issuance.claimRewards(op);
        }
        // dn1's quarter is left.
        assertEq(p.token.balanceOf(address(p.issuance)), 4_000 ether);
        _afterWindow(4);
        p.issuance.claimRewards(cn1);
        assertEq(p.issuance.feePotOf(3), 4_000 ether);
    }

    function test_RevertWhen_DepositingZeroFees() public {
        address payer = _feePayer(1 ether);
        vm.prank(payer);
        vm.expectRevert(Issuance.ZeroAmount.selector);
        p.issuance.depositFees(0);
        // Pulled: without an allowance nothing moves.
        address stranger = makeAddr("stranger");
        require(p.token.transfer(stranger, 1 ether));
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(p.issuance), 0, 1 ether)
        );
        p.issuance.depositFees(1 ether);
    }

    // ---- the round snapshot ----

    function test_CheckpointTakesTheRoundSnapshotOnce() public {
        // Stake that lands in round 1's last second is at round 2's snapshot (the end of that second).
        vm.warp(_start(2) - 1);
        address fan = _delegator("fan", cn1, 1_000_000 ether);
        vm.warp(_start(2));
        uint256 total = TOTAL_STAKE + 1_000_000 ether;
        vm.expectEmit(address(p.issuance));
        emit Issuance.RoundSnapshot(2, uint40(_start(2) - 1), total);
        p.issuance.checkpoint();
        Issuance.RoundRecord memory record = p.issuance.roundRecord(2);
        assertEq(record.snapshotTime, _start(2) - 1);
        assertEq(record.snapshotTotal, total);
        assertEq(record.snapshotTotal, p.staking.getPastTotalSupply(record.snapshotTime));
        assertEq(p.staking.getPastTotalSupply(_start(2) - 2), TOTAL_STAKE);

        // Later touches change nothing, whatever the stake does meanwhile.
        vm.warp(block.timestamp + 1 hours);
        vm.prank(fan);
        p.staking.requestWithdrawal(cn1, 500_000 ether);
        vm.recordLogs();
        p.issuance.checkpoint();
        _noLogs();
        record = p.issuance.roundRecord(2);
        assertEq(record.snapshotTime, _start(2) - 1);
        assertEq(record.snapshotTotal, total);
        // The round's total is the lower of its two snapshots: 17M, then 16.5M.
        vm.warp(_start(3));
        p.issuance.checkpoint();
        _afterWindow(3);
        uint256 expected = _reward() * DN_STAKE / (total - 500_000 ether);
        assertEq(p.issuance.claimRewards(dn1), expected);
    }

    function test_ClaimTakesTheSnapshotIfNobodyDid() public {
        _startRoundTwo();
        _afterWindow(3);
        assertEq(p.issuance.roundRecord(3).snapshotTime, 0);
        uint256 snapshotAt = block.timestamp - 1;
        uint256 expected = _reward() * CN1_STAKE / TOTAL_STAKE;
        vm.expectEmit(address(p.issuance));
        emit Issuance.RoundSnapshot(3, uint40(snapshotAt), TOTAL_STAKE);
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsClaimed(2, cn1, expected);
        p.issuance.claimRewards(cn1);
        Issuance.RoundRecord memory record = p.issuance.roundRecord(3);
        assertEq(record.snapshotTime, snapshotAt);
        assertEq(record.snapshotTotal, p.staking.getPastTotalSupply(snapshotAt));
        // A later claim keeps it.
        vm.warp(block.timestamp + 1 hours);
        p.issuance.claimRewards(cn2);
        assertEq(p.issuance.roundRecord(3).snapshotTime, snapshotAt);
        assertEq(p.issuance.roundRecord(3).snapshotTotal, TOTAL_STAKE);
    }

    /// A round no transaction touched has no snapshot: it pays nothing, and holds no deposit up.
    function test_RoundNobodyTouchedPaysNothing() public {
        uint256 supply = p.token.totalSupply();
        // Round 2 passes without a transaction.
        vm.warp(_start(3) + 1);
        assertEq(p.issuance.roundRecord(2).snapshotTime, 0);
        address fan = makeAddr("fan");
        fund(fan, 1_000 ether);
        // The first settlement fixes it as forfeited, even inside the attestation window.
        vm.expectEmit(address(p.issuance));
        emit Issuance.RoundForfeited(2);
        vm.expectEmit(address(p.issuance));
        emit Issuance.RoundFinalized(2, 0, 0, false);
        vm.prank(fan);
        p.staking.delegateStake(cn2, 1_000 ether);
        _afterWindow(3);
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotEligible.selector, cn1));
        p.issuance.claimRewards(cn1);
        (address[] memory ops, uint16[] memory scores) = _activity();
        uint256 deadline = block.timestamp + 1 hours;
        bytes[] memory sigs = _signatures(2, ops, scores, deadline, 2);
        vm.expectRevert(abi.encodeWithSelector(Issuance.AlreadyFinalized.selector, 2));
        p.issuance.submitActivity(2, ops, scores, deadline, sigs);
        Issuance.RoundResult memory result = p.issuance.roundResult(2);
        assertTrue(result.finalized);
        assertEq(result.reward, 0);
        assertEq(p.token.totalSupply(), supply);
    }

    /// Hole: a new operator registering in a round nobody had touched yet landed in the snapshot taken afterwards,
    /// and was paid for the whole round. Its registration settles through the issuance contract, which takes the
    /// snapshot first.
    function test_RegistrationTakesTheRoundSnapshot() public {
        vm.warp(_start(2) + 3 days);
        assertEq(p.issuance.roundRecord(2).snapshotTime, 0);
        address late = makeAddr("late");
        fund(late, 5_000_000 ether);
        vm.expectEmit(address(p.issuance));
        emit Issuance.RoundSnapshot(2, uint40(block.timestamp - 1), TOTAL_STAKE);
        vm.prank(late);
        p.registry.register(D.CONTENT_NODE, "https://late.audius.test", 5_000_000 ether, makeAddr("late-wallet"));
        vm.warp(block.timestamp + 1);
        p.issuance.checkpoint(); // too late to put it in
        assertEq(p.issuance.roundRecord(2).snapshotTotal, TOTAL_STAKE);
        _afterWindow(3);
        vm.expectRevert(abi.encodeWithSelector(Issuance.NotEligible.selector, late));
        p.issuance.claimRewards(late);
        uint256 expected = _reward() * CN1_STAKE / TOTAL_STAKE;
        assertEq(p.issuance.claimRewards(cn1), expected);
    }

    // ---- the staking contract's settlement mirror ----

    function test_SettledPoolsAreNotAskedAgainWithinTheRound() public {
        _finishRoundTwo();
        _afterWindow(3);
        p.issuance.claimRewards(cn1);
        assertEq(p.staking.settledUntil(cn1), _start(4));
        address fan = makeAddr("fan");
        fund(fan, 3_000 ether);
        // Within round 3 a deposit into cn1 does not call the issuance contract.
        vm.expectCall(address(p.issuance), abi.encodeCall(Issuance.settleRewards, (cn1)), 0);
        vm.prank(fan);
        p.staking.delegateStake(cn1, 1_000 ether);
        vm.warp(_start(4) - 1);
        vm.prank(fan);
        p.staking.delegateStake(cn1, 1_000 ether);
        assertEq(p.staking.settledUntil(cn1), _start(4));
    }

    function test_SettledPoolsAreAskedAgainInTheNextRound() public {
        _finishRoundTwo();
        _afterWindow(3);
        p.issuance.claimRewards(cn1);
        address fan = makeAddr("fan");
        fund(fan, 1_000 ether);
        _afterWindow(4);
        uint256 expected = _reward() * CN1_STAKE / TOTAL_STAKE; // round 3's snapshot came before round 2's pay
        vm.expectCall(address(p.issuance), abi.encodeCall(Issuance.settleRewards, (cn1)), 1);
        vm.expectEmit(address(p.issuance));
        emit Issuance.RewardsClaimed(3, cn1, expected);
        vm.prank(fan);
        p.staking.delegateStake(cn1, 1_000 ether);
        assertEq(p.staking.settledUntil(cn1), _start(5));
        assertEq(p.issuance.lastClaimedRound(cn1), 3);
    }
}

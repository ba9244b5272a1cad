// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {GovernedUUPS} from "../utils/GovernedUUPS.sol";
import {AudioToken} from "../AudioToken.sol";
import {Staking} from "../staking/Staking.sol";
import {ServiceRegistry} from "../staking/ServiceRegistry.sol";
import {ProtocolDefaults} from "../ProtocolDefaults.sol";
import {IRewardSettlement} from "./IRewardSettlement.sol";

/// @title Issuance: ongoing AUDIO inflation paid to active node operators
/// @notice Time is cut into rounds. When a round ends (anyone starts the next one), its reward, a governable yearly
/// inflation of the supply pro rata to the round's length, is split across operators by their pool stake at the
/// round's start, weighted by an activity score that staked discovery nodes attest by signature (no attestation:
/// every operator weighs its stake). Each operator's share is claimable, by anyone for anyone, during the
/// following round; it is minted to the staking contract and credited to the operator's pool, whose delegators
/// share it through their pool shares, in O(1) whatever their number. The staking contract settles a pool's
/// share before stake enters it, so only stake that was at risk during the round shares its reward.
/// @dev Attestations are EIP-712 signed over (round, operators, scores, deadline) with this contract and chain in
/// the domain; the round is the nonce (one attestation per round). Signers must be discovery-node delegate
/// wallets in bounds, are checked in ascending order, and count once per operator with that operator's stake at
/// the round's start: together they must hold the quorum (basis points) of all stake at that time, so neither a
/// cheap node nor stake added after the round began can attest.
contract Issuance is GovernedUUPS, EIP712Upgradeable, IRewardSettlement {
    /// @notice A finished round, fixed at its first claim or attestation.
    struct RoundResult {
        uint128 reward;
        // Sum over operators of stake x score (stake alone when not attested): the reward's denominator.
        uint128 weightTotal;
        uint40 start;
        bool attested;
        bool finalized;
    }

    /// @custom:storage-location erc7201:audius.storage.Issuance
    struct IssuanceStorage {
        AudioToken token;
        Staking staking;
        ServiceRegistry registry;
        // One slot, read and written by startRound.
        uint32 currentRound;
        uint40 currentStart;
        uint40 previousStart;
        uint40 roundDuration;
        uint16 inflationBps;
        uint40 attestationWindow;
        uint16 attestationQuorumBps;
        mapping(uint256 round => RoundResult) results;
        mapping(uint256 round => mapping(address operator => uint16)) scores;
        mapping(address operator => uint32) lastClaimedRound;
    }

    // keccak256(abi.encode(uint256(keccak256("audius.storage.Issuance")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant ISSUANCE_STORAGE = 0x4ee14242818c24721f21c451f92fb43b1b83fb327a9d36f541f4a88a611c0b00;
    /// @notice A fully active operator's score: its stake counts in full.
    uint16 public constant FULL_SCORE = 10_000;
    uint256 private constant BPS = 10_000;
    uint256 private constant YEAR = 365 days;
    /// @notice EIP-712 type of an activity attestation.
    bytes32 public constant ACTIVITY_TYPEHASH =
        keccak256("Activity(uint256 round,bytes32 operatorsHash,bytes32 scoresHash,uint256 deadline)");

    event RoundStarted(uint256 indexed round, uint40 start);
    event RoundFinalized(uint256 indexed round, uint256 reward, uint256 weightTotal, bool attested);
    event ActivityAttested(uint256 indexed round, uint256 operators, uint256 signers);
    event RewardsClaimed(uint256 indexed round, address indexed operator, uint256 amount);
    event RewardsForfeited(uint256 indexed round, address indexed operator);
    event ParametersSet(uint40 roundDuration, uint16 inflationBps, uint40 attestationWindow, uint16 quorumBps);

    error RoundNotOver(uint40 endsAt);
    error NoFinishedRound();
    error WrongRound(uint256 round, uint256 claimableRound);
    error AlreadyFinalized(uint256 round);
    error AttestationWindowOpen(uint40 closesAt);
    error AlreadyClaimed(address operator, uint256 round);
    error NotEligible(address operator);
    error Expired(uint256 deadline);
    error LengthMismatch();
    error NotAscending();
    error InvalidScore(uint16 score);
    error NotAttester(address signer);
    error BelowQuorum(uint256 attestedStake, uint256 requiredStake);
    error InvalidParameters();
    error NoActivity();
    error OperatorSignedTwice(address operator);

    /// @notice Initialize the proxy. Callable once; the implementation itself can never be initialized.
    function initialize(
        address governance_,
        AudioToken token_,
        Staking staking_,
        ServiceRegistry registry_,
        uint40 roundDuration_,
        uint16 inflationBps_,
        uint40 attestationWindow_,
        uint16 attestationQuorumBps_
    ) external initializer {
        if (address(token_) == address(0) || address(staking_) == address(0) || address(registry_) == address(0)) {
            revert ZeroAddress();
        }
        __Governed_init(governance_);
        __EIP712_init("AudiusIssuance", "1");
        IssuanceStorage storage $ = _i();
        $.token = token_;
        $.staking = staking_;
        $.registry = registry_;
        _setParameters($, roundDuration_, inflationBps_, attestationWindow_, attestationQuorumBps_);
    }

    /// @notice Set round length (s), yearly inflation (bps), attestation window (s) and attester quorum (bps of
    /// all stake at a round's start). Governance only; applies from the next round on.
    function setParameters(uint40 roundDuration_, uint16 inflationBps_, uint40 attestationWindow_, uint16 quorumBps)
        external
        onlyGovernance
    {
        _setParameters(_i(), roundDuration_, inflationBps_, attestationWindow_, quorumBps);
    }

    /// @notice End the current round and start the next one. Anyone may call it once the round has lasted its
    /// duration.
    function startRound() external {
        IssuanceStorage storage $ = _i();
        uint40 start = $.currentStart;
        uint32 round = $.currentRound;
        if (round != 0) {
            uint40 endsAt = start + $.roundDuration;
            if (block.timestamp < endsAt) revert RoundNotOver(endsAt);
        }
        uint40 now_ = uint40(block.timestamp);
        $.previousStart = start;
        $.currentStart = now_;
        $.currentRound = round + 1;
        emit RoundStarted(round + 1, now_);
    }

    /// @notice Attest operators' activity in the round that just finished; it fixes the round's split.
    /// @param round The finished round (the current round minus one), not yet finalized.
    /// @param operators Operators with a non-zero score, in strictly ascending address order; others score 0.
    /// @param scores Each operator's score, 0 to FULL_SCORE.
    /// @param deadline The signatures' expiry (timestamp).
    /// @param signatures EIP-712 signatures of attesters, in strictly ascending signer order, whose operators held
    /// at least the quorum of all stake at the round's start.
    function submitActivity(
        uint256 round,
        address[] calldata operators,
        uint16[] calldata scores,
        uint256 deadline,
        bytes[] calldata signatures
    ) external {
        if (block.timestamp > deadline) revert Expired(deadline);
        if (operators.length != scores.length) revert LengthMismatch();
        IssuanceStorage storage $ = _i();
        uint40 start = _finishedRoundStart($, round);
        if ($.results[round].finalized) revert AlreadyFinalized(round);
        _verifyAttesters($, round, start, operators, scores, deadline, signatures);
        uint256 weightTotal = _recordScores($, round, start, operators, scores);
        if (weightTotal == 0) revert NoActivity();
        emit ActivityAttested(round, operators.length, signatures.length);
        _finalize($, round, start, weightTotal, true);
    }

    /// @notice Claim an operator's reward for the round that just finished; anyone may call it for anyone. The
    /// reward is minted to the staking contract and credited to the operator's pool.
    /// @return amount AUDIO credited, in wei.
    function claimRewards(address operator) external returns (uint256 amount) {
        IssuanceStorage storage $ = _i();
        if ($.currentRound < 2) revert NoFinishedRound();
        uint256 round = $.currentRound - 1;
        if ($.lastClaimedRound[operator] >= round) revert AlreadyClaimed(operator, round);
        if ($.staking.poolOf(operator).maxStake == 0) revert NotEligible(operator);
        uint40 start = $.previousStart;
        uint256 stake = $.staking.getPastVotes(operator, start);
        if (stake == 0) revert NotEligible(operator);
        amount = _claim($, operator, round, start, stake);
        if (amount == 0) revert NotEligible(operator);
    }

    /// @notice Pay `operator`'s reward for the round that just finished if it is due and unpaid; nothing when
    /// there is none (no finished round, already paid, no stake at the round's start, no services, zero score).
    /// A pool left with no active stake forfeits the round: nobody who was at risk for it is left to share it.
    /// The staking contract calls it before stake enters the pool; anyone may. Reverts with
    /// `AttestationWindowOpen` while the round's split can still change.
    function settleRewards(address operator) external {
        IssuanceStorage storage $ = _i();
        uint32 current = $.currentRound;
        if (current < 2) return;
        uint256 round = current - 1;
        if ($.lastClaimedRound[operator] >= round) return;
        uint40 start = $.previousStart;
        uint256 stake = $.staking.getPastVotes(operator, start);
        if (stake == 0) return;
        Staking.Pool memory pool = $.staking.poolOf(operator);
        if (pool.maxStake == 0) return;
        if (pool.shares == 0 || pool.assets == 0) {
            // forge-lint: disable-next-line(unsafe-typecast) round < currentRound, a uint32
            $.lastClaimedRound[operator] = uint32(round);
            emit RewardsForfeited(round, operator);
            return;
        }
        _claim($, operator, round, start, stake);
    }

    // ---- views ----

    /// @notice The current round (0 before the first) and when it and the previous one started.
    function currentRound() external view returns (uint32 round, uint40 start, uint40 previousStart) {
        IssuanceStorage storage $ = _i();
        return ($.currentRound, $.currentStart, $.previousStart);
    }

    /// @notice Round length (s), yearly inflation (bps), attestation window (s), attester quorum (bps of stake).
    function parameters()
        external
        view
        returns (uint40 roundDuration, uint16 inflationBps, uint40 attestationWindow, uint16 quorumBps)
    {
        IssuanceStorage storage $ = _i();
        return ($.roundDuration, $.inflationBps, $.attestationWindow, $.attestationQuorumBps);
    }

    /// @notice A finished round's result (zero until finalized).
    function roundResult(uint256 round) external view returns (RoundResult memory) {
        return _i().results[round];
    }

    /// @notice An operator's attested score in a round.
    function scoreOf(uint256 round, address operator) external view returns (uint16) {
        return _i().scores[round][operator];
    }

    /// @notice The last round an operator was paid for.
    function lastClaimedRound(address operator) external view returns (uint32) {
        return _i().lastClaimedRound[operator];
    }

    /// @notice Whether `signer` may attest: the delegate wallet of a discovery node within its stake bounds.
    function isAttester(address signer) external view returns (bool) {
        return _attesterOwnerOrZero(_i(), signer) != address(0);
    }

    /// @notice The EIP-712 digest attesters sign for a round's activity.
    function activityDigest(uint256 round, address[] calldata operators, uint16[] calldata scores, uint256 deadline)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    ACTIVITY_TYPEHASH,
                    round,
                    keccak256(abi.encodePacked(operators)),
                    keccak256(abi.encodePacked(scores)),
                    deadline
                )
            )
        );
    }

    // ---- internals ----

    /// @dev Pay `operator` its share of finished `round`, finalizing the round (neutral weights) once the
    /// attestation window has closed without an attestation.
    function _claim(IssuanceStorage storage $, address operator, uint256 round, uint40 start, uint256 stake)
        private
        returns (uint256 amount)
    {
        RoundResult memory result = $.results[round];
        if (!result.finalized) {
            uint40 closesAt = $.currentStart + $.attestationWindow;
            if (block.timestamp < closesAt) revert AttestationWindowOpen(closesAt);
            result = _finalize($, round, start, $.staking.getPastTotalSupply(start) * FULL_SCORE, false);
        }
        // forge-lint: disable-next-line(unsafe-typecast) round < currentRound, a uint32
        $.lastClaimedRound[operator] = uint32(round);
        uint256 score = result.attested ? $.scores[round][operator] : FULL_SCORE;
        amount = Math.mulDiv(result.reward, stake * score, result.weightTotal);
        if (amount == 0) return 0;
        emit RewardsClaimed(round, operator, amount);
        $.token.mint(address($.staking), amount);
        $.staking.addRewards(operator, amount);
    }

    function _verifyAttesters(
        IssuanceStorage storage $,
        uint256 round,
        uint40 start,
        address[] calldata operators,
        uint16[] calldata scores,
        uint256 deadline,
        bytes[] calldata signatures
    ) private view {
        uint256 attestedStake = _attestedStake($, activityDigest(round, operators, scores, deadline), start, signatures);
        uint256 required =
            Math.mulDiv($.staking.getPastTotalSupply(start), $.attestationQuorumBps, BPS, Math.Rounding.Ceil);
        if (attestedStake == 0 || attestedStake < required) revert BelowQuorum(attestedStake, required);
    }

    /// @dev The stake at `start` of the distinct operators behind the signers of `digest`.
    function _attestedStake(IssuanceStorage storage $, bytes32 digest, uint40 start, bytes[] calldata signatures)
        private
        view
        returns (uint256 attestedStake)
    {
        address previous = address(0);
        // An operator with several discovery nodes counts once: signers are deduplicated by operator.
        address[] memory owners = new address[](signatures.length);
        for (uint256 i = 0; i < signatures.length; ++i) {
            address signer = ECDSA.recover(digest, signatures[i]);
            if (signer <= previous) revert NotAscending();
            previous = signer;
            address owner = _attesterOwner($, signer);
            for (uint256 j = 0; j < i; ++j) {
                if (owners[j] == owner) revert OperatorSignedTwice(owner);
            }
            owners[i] = owner;
            attestedStake += $.staking.getPastVotes(owner, start);
        }
    }

    /// @dev Store each operator's score and return the round's weight total: sum of stake at `start` x score.
    function _recordScores(
        IssuanceStorage storage $,
        uint256 round,
        uint40 start,
        address[] calldata operators,
        uint16[] calldata scores
    ) private returns (uint256 weightTotal) {
        address previous = address(0);
        for (uint256 i = 0; i < operators.length; ++i) {
            address operator = operators[i];
            if (operator <= previous) revert NotAscending();
            previous = operator;
            uint16 score = scores[i];
            if (score > FULL_SCORE) revert InvalidScore(score);
            $.scores[round][operator] = score;
            weightTotal += $.staking.getPastVotes(operator, start) * score;
        }
    }

    /// @dev The operator behind an attester wallet; reverts for a wallet that may not attest.
    function _attesterOwner(IssuanceStorage storage $, address signer) private view returns (address owner) {
        owner = _attesterOwnerOrZero($, signer);
        if (owner == address(0)) revert NotAttester(signer);
    }

    function _attesterOwnerOrZero(IssuanceStorage storage $, address signer) private view returns (address) {
        ServiceRegistry registry = $.registry;
        uint256 serviceId = registry.serviceIdByWallet(signer);
        if (serviceId == 0) return address(0);
        ServiceRegistry.Service memory service = registry.getService(serviceId);
        if (service.serviceType != ProtocolDefaults.DISCOVERY_NODE || !registry.isInBounds(serviceId)) {
            return address(0);
        }
        return service.owner;
    }

    function _finishedRoundStart(IssuanceStorage storage $, uint256 round) private view returns (uint40) {
        uint256 current = $.currentRound;
        if (current < 2) revert NoFinishedRound();
        if (round != current - 1) revert WrongRound(round, current - 1);
        return $.previousStart;
    }

    function _finalize(IssuanceStorage storage $, uint256 round, uint40 start, uint256 weightTotal, bool attested)
        private
        returns (RoundResult memory result)
    {
        uint256 reward =
            Math.mulDiv($.token.totalSupply(), uint256($.inflationBps) * (uint256($.currentStart) - start), BPS * YEAR);
        result = RoundResult({
            reward: SafeCast.toUint128(reward),
            weightTotal: SafeCast.toUint128(weightTotal),
            start: start,
            attested: attested,
            finalized: true
        });
        $.results[round] = result;
        emit RoundFinalized(round, reward, weightTotal, attested);
    }

    function _setParameters(
        IssuanceStorage storage $,
        uint40 roundDuration_,
        uint16 inflationBps_,
        uint40 attestationWindow_,
        uint16 quorumBps
    ) private {
        if (
            roundDuration_ == 0 || attestationWindow_ >= roundDuration_ || inflationBps_ > BPS || quorumBps == 0
                || quorumBps > BPS
        ) {
            revert InvalidParameters();
        }
        $.roundDuration = roundDuration_;
        $.inflationBps = inflationBps_;
        $.attestationWindow = attestationWindow_;
        $.attestationQuorumBps = quorumBps;
        emit ParametersSet(roundDuration_, inflationBps_, attestationWindow_, quorumBps);
    }

    function _i() private pure returns (IssuanceStorage storage $) {
        assembly {
            $.slot := ISSUANCE_STORAGE
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {GovernedUUPS} from "../utils/GovernedUUPS.sol";
import {IAudioToken} from "../interfaces/IAudioToken.sol";
import {IServiceRegistry} from "../interfaces/IServiceRegistry.sol";
import {ProtocolDefaults} from "../ProtocolDefaults.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IRewardSettlement} from "../interfaces/IRewardSettlement.sol";
import {IStaking} from "../interfaces/IStaking.sol";

/// @title Issuance: ongoing AUDIO inflation paid to active node operators
/// @notice Time is cut into rounds that follow the clock: round 1 starts at deployment and each lasts the round
/// duration of its schedule, so no transaction is needed to start one. A round's length and inflation rate are
/// fixed when it starts: a governance change applies from the next round. Each round has a stake snapshot, taken
/// at the first transaction that touches the round (a claim, a pool's settlement, an attestation or `checkpoint`;
/// stake entering any pool settles the pool first, so no stake enters a round before its snapshot). The reward of
/// a finished round, its yearly inflation of the supply pro rata to its length, is split across operators by the
/// lowest of their pool stake at the round's snapshot, at the next round's snapshot and at the claim (stake that
/// left, or was slashed, during the round is not paid for), weighted by an activity score that staked discovery
/// nodes attest by signature (no attestation: every operator weighs its stake). An operator whose own stake is below
/// its services' minimum at the claim is paid nothing; stake above their maximum earns nothing. Each share is claimable, by anyone for anyone, during the following round;
/// it is minted to the staking contract and credited to the operator's pool, whose delegators share it through
/// their pool shares, in O(1) whatever their number. Fees anyone deposits (`depositFees`) are paid out the same
/// way, with the next round that is fixed: a finished round's fee pot is every fee held when it is fixed. If this
/// contract can no longer mint (a vote moved the minter), the minted part of a round is forfeited with an event
/// instead of blocking the pools.
/// @dev Attestations are EIP-712 signed over (round, operators, scores, deadline) with this contract and chain in
/// the domain; the round is the nonce (one attestation per round). Signers must be discovery-node delegate
/// wallets in bounds, are checked in ascending order, and count once per operator with that operator's stake
/// over the round: together they must hold the quorum (basis points) of all stake, so neither a cheap node nor
/// stake added after the round began can attest.
contract Issuance is GovernedUUPS, EIP712Upgradeable, IRewardSettlement {
    using SafeERC20 for IERC20;

    /// @notice A stretch of rounds with one length and rate: round `anchorRound` starts at `anchorTime`.
    struct Segment {
        uint40 anchorTime;
        uint32 anchorRound;
        uint40 duration;
        uint16 inflationBps;
    }

    /// @notice A round's stake snapshot (0 until the round is first touched) and, once fixed, the result of the
    /// round before it. One slot: the first claim of a round both takes its snapshot and fixes the last round.
    struct RoundRecord {
        uint40 snapshotTime;
        uint96 snapshotTotal;
        uint96 previousReward;
        uint8 flags;
    }

    /// @notice A finished round's result as the views return it.
    struct RoundResult {
        uint256 reward;
        // Sum over operators of stake x score: the reward's denominator.
        uint256 weightTotal;
        uint40 start;
        bool attested;
        bool finalized;
    }

    /// @dev The two snapshots a finished round's stake is measured at: its own and the next round's.
    struct Span {
        uint40 start;
        uint40 end;
    }

    /// @custom:storage-location erc7201:audius.storage.Issuance
    struct IssuanceStorage {
        IAudioToken token;
        IStaking staking;
        IServiceRegistry registry;
        uint8 segmentCount;
        uint40 attestationWindow;
        uint16 attestationQuorumBps;
        // Set by the first fee deposit: until then no round has a fee pot to fix.
        bool feesDeposited;
        Segment[3] segments;
        mapping(uint256 round => RoundRecord) rounds;
        mapping(uint256 round => uint256) attestedWeight;
        mapping(uint256 round => uint256) feePot;
        mapping(uint256 round => mapping(address operator => uint16)) scores;
    }

    // keccak256(abi.encode(uint256(keccak256("audius.storage.Issuance")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant ISSUANCE_STORAGE = 0x4ee14242818c24721f21c451f92fb43b1b83fb327a9d36f541f4a88a611c0b00;
    /// @notice A fully active operator's score: its stake counts in full.
    uint16 public constant FULL_SCORE = 10_000;
    uint256 private constant BPS = 10_000;
    uint256 private constant YEAR = 365 days;
    // RoundRecord.flags, about the round before the record's round.
    uint8 private constant FINALIZED = 1;
    uint8 private constant ATTESTED = 2;
    uint8 private constant HAS_FEES = 4;
    /// @notice EIP-712 type of an activity attestation.
    bytes32 public constant ACTIVITY_TYPEHASH =
        keccak256("Activity(uint256 round,bytes32 operatorsHash,bytes32 scoresHash,uint256 deadline)");

    event RoundSnapshot(uint256 indexed round, uint40 snapshotTime, uint256 totalStake);
    event RoundFinalized(uint256 indexed round, uint256 reward, uint256 weightTotal, bool attested);
    /// @notice A round pays no reward: nothing touched it while it ran, so it has no stake snapshot.
    event RoundForfeited(uint256 indexed round);
    event ActivityAttested(uint256 indexed round, uint256 operators, uint256 signers);
    event RewardsClaimed(uint256 indexed round, address indexed operator, uint256 amount);
    event RewardsForfeited(uint256 indexed round, address indexed operator);
    event ParametersSet(uint40 roundDuration, uint16 inflationBps, uint40 attestationWindow, uint16 quorumBps);
    event ScheduleChanged(uint256 indexed fromRound, uint40 startsAt, uint40 roundDuration, uint16 inflationBps);
    event FeesDeposited(address indexed from, uint256 amount);

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
    error NotStaking(address caller);
    error NoSnapshot(uint256 round);
    error ZeroAmount();

    /// @notice Initialize the proxy. Callable once; the implementation itself can never be initialized. Round 1
    /// starts now.
    function initialize(
        address governance_,
        IAudioToken token_,
        IStaking staking_,
        IServiceRegistry registry_,
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
        _requireParameters(roundDuration_, inflationBps_, attestationWindow_, attestationQuorumBps_);
        $.segments[0] = Segment({
            anchorTime: uint40(block.timestamp), anchorRound: 1, duration: roundDuration_, inflationBps: inflationBps_
        });
        $.segmentCount = 1;
        $.attestationWindow = attestationWindow_;
        $.attestationQuorumBps = attestationQuorumBps_;
        emit ScheduleChanged(1, uint40(block.timestamp), roundDuration_, inflationBps_);
        emit ParametersSet(roundDuration_, inflationBps_, attestationWindow_, attestationQuorumBps_);
    }

    /// @notice Set round length (s), yearly inflation (bps), attestation window (s) and attester quorum (bps of
    /// all stake). Governance only. Length and inflation apply from the next round on (a running round keeps the
    /// terms it started with); window and quorum apply to attestations from now on.
    function setParameters(uint40 roundDuration_, uint16 inflationBps_, uint40 attestationWindow_, uint16 quorumBps)
        external
        onlyGovernance
    {
        _requireParameters(roundDuration_, inflationBps_, attestationWindow_, quorumBps);
        IssuanceStorage storage $ = _i();
        (uint256 current,, uint256 end) = _roundAt($, block.timestamp);
        // Keep the segments still needed: those covering the finished round (current - 1) or later; a change
        // already waiting for the next round is replaced by this one.
        Segment[3] memory kept;
        uint256 count = 0;
        uint256 stored = $.segmentCount;
        for (uint256 i = 0; i < stored; ++i) {
            Segment memory seg = $.segments[i];
            if (seg.anchorRound > current) continue;
            uint256 nextAnchor = i + 1 < stored ? $.segments[i + 1].anchorRound : type(uint256).max;
            if (nextAnchor >= current) kept[count++] = seg;
        }
        kept[count++] = Segment({
            anchorTime: SafeCast.toUint40(end),
            anchorRound: SafeCast.toUint32(current + 1),
            duration: roundDuration_,
            inflationBps: inflationBps_
        });
        for (uint256 i = 0; i < count; ++i) {
            $.segments[i] = kept[i];
        }
        // forge-lint: disable-next-line(unsafe-typecast) at most 3
        $.segmentCount = uint8(count);
        $.attestationWindow = attestationWindow_;
        $.attestationQuorumBps = quorumBps;
        emit ScheduleChanged(current + 1, SafeCast.toUint40(end), roundDuration_, inflationBps_);
        emit ParametersSet(roundDuration_, inflationBps_, attestationWindow_, quorumBps);
    }

    /// @notice Pay AUDIO fees to the operators, split as issuance is: they join the fee pot of the next finished
    /// round to be fixed. Pulled from the caller (approve first).
    function depositFees(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        IssuanceStorage storage $ = _i();
        $.feesDeposited = true;
        emit FeesDeposited(msg.sender, amount);
        IERC20($.token).safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Take the current round's stake snapshot if nobody has yet. Anyone may call it (a keeper, at the
    /// round's start); claims, settlements and attestations do it on the way.
    function checkpoint() external {
        IssuanceStorage storage $ = _i();
        (uint256 current,,) = _roundAt($, block.timestamp);
        _touch($, current);
    }

    /// @notice Attest operators' activity in the round that just finished; it fixes the round's split.
    /// @param round The finished round (the current round minus one), not yet finalized.
    /// @param operators Operators with a non-zero score, in strictly ascending address order; others score 0.
    /// @param scores Each operator's score, 0 to FULL_SCORE.
    /// @param deadline The signatures' expiry (timestamp).
    /// @param signatures EIP-712 signatures of attesters, in strictly ascending signer order, whose operators held
    /// at least the quorum of all stake over the round.
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
        (uint256 current,,) = _roundAt($, block.timestamp);
        if (current < 2) revert NoFinishedRound();
        if (round != current - 1) revert WrongRound(round, current - 1);
        RoundRecord memory record = _touch($, current);
        if (record.flags & FINALIZED != 0) revert AlreadyFinalized(round);
        Span memory span = Span({start: $.rounds[round].snapshotTime, end: record.snapshotTime});
        if (span.start == 0) revert NoSnapshot(round);
        _requireQuorum(
            $, _roundTotal($, round, record), activityDigest(round, operators, scores, deadline), span, signatures
        );
        uint256 weightTotal = _recordScores($, round, span, operators, scores);
        if (weightTotal == 0) revert NoActivity();
        $.attestedWeight[round] = weightTotal;
        emit ActivityAttested(round, operators.length, signatures.length);
        _finalize($, current, record, weightTotal, true);
    }

    /// @notice Claim an operator's reward for the round that just finished; anyone may call it for anyone. The
    /// reward is minted to the staking contract and credited to the operator's pool.
    /// @return amount AUDIO credited, in wei (0 when the round is forfeited).
    function claimRewards(address operator) external returns (uint256 amount) {
        IssuanceStorage storage $ = _i();
        (uint256 current, uint256 start, uint256 end) = _roundAt($, block.timestamp);
        if (current < 2) revert NoFinishedRound();
        (bool due, uint256 paid, uint40 settledUntil) = _pay($, operator, current, start, end);
        if (settledUntil >= end) revert AlreadyClaimed(operator, current - 1);
        if (!due) revert NotEligible(operator);
        return paid;
    }

    /// @inheritdoc IRewardSettlement
    /// @dev Pays `operator`'s share of the round that just finished if it is due and unpaid, records the pool
    /// settled otherwise (nothing at stake in the round, out of bounds, forfeited). The staking contract calls it
    /// before stake enters a pool; anyone may. Reverts with `AttestationWindowOpen` while the round's split can
    /// still change and the pool had stake in it.
    function settleRewards(address operator) external returns (uint40) {
        IssuanceStorage storage $ = _i();
        (uint256 current, uint256 start, uint256 end) = _roundAt($, block.timestamp);
        if (current >= 2) _pay($, operator, current, start, end);
        else _touch($, current);
        // forge-lint: disable-next-line(unsafe-typecast) a timestamp
        return uint40(end);
    }

    // ---- views ----

    /// @notice The current round (1 from deployment), when it started and when it ends.
    function currentRound() external view returns (uint32 round, uint40 start, uint40 end) {
        (uint256 r, uint256 s, uint256 e) = _roundAt(_i(), block.timestamp);
        // forge-lint: disable-next-line(unsafe-typecast) round numbers and timestamps
        return (uint32(r), uint40(s), uint40(e));
    }

    /// @notice When round `round` starts and ends, by the schedule (0, 0 for round 0).
    function roundBounds(uint256 round) external view returns (uint40 start, uint40 end) {
        if (round == 0) return (0, 0);
        Segment memory seg = _segmentOf(_i(), round);
        uint256 s = seg.anchorTime + (round - seg.anchorRound) * seg.duration;
        return (SafeCast.toUint40(s), SafeCast.toUint40(s + seg.duration));
    }

    /// @notice The fee pot of finished round `round` (fixed when the round is).
    function feePotOf(uint256 round) external view returns (uint256) {
        return _i().feePot[round];
    }

    /// @notice Current round length (s), yearly inflation (bps), attestation window (s), attester quorum (bps).
    /// A change waiting for the next round is reported by `schedule`.
    function parameters()
        external
        view
        returns (uint40 roundDuration, uint16 inflationBps, uint40 attestationWindow, uint16 quorumBps)
    {
        IssuanceStorage storage $ = _i();
        (uint256 current,,) = _roundAt($, block.timestamp);
        Segment memory seg = _segmentOf($, current);
        return (seg.duration, seg.inflationBps, $.attestationWindow, $.attestationQuorumBps);
    }

    /// @notice The round schedule: stretches of rounds with one length and rate, oldest first.
    function schedule() external view returns (Segment[] memory segments) {
        IssuanceStorage storage $ = _i();
        segments = new Segment[]($.segmentCount);
        for (uint256 i = 0; i < segments.length; ++i) {
            segments[i] = $.segments[i];
        }
    }

    /// @notice A round's snapshot (time 0: not taken) and the result of the round before it.
    function roundRecord(uint256 round) external view returns (RoundRecord memory) {
        return _i().rounds[round];
    }

    /// @notice A finished round's result (zero until finalized).
    function roundResult(uint256 round) external view returns (RoundResult memory result) {
        IssuanceStorage storage $ = _i();
        RoundRecord memory next = $.rounds[round + 1];
        RoundRecord memory own = $.rounds[round];
        if (next.flags & FINALIZED == 0) return result;
        bool attested = next.flags & ATTESTED != 0;
        result = RoundResult({
            reward: next.previousReward,
            weightTotal: attested
                ? $.attestedWeight[round]
                : Math.min(own.snapshotTotal, next.snapshotTotal) * FULL_SCORE,
            start: own.snapshotTime,
            attested: attested,
            finalized: true
        });
    }

    /// @notice An operator's attested score in a round.
    function scoreOf(uint256 round, address operator) external view returns (uint16) {
        return _i().scores[round][operator];
    }

    /// @notice The last round an operator's pool was paid for or settled (0: none).
    function lastClaimedRound(address operator) external view returns (uint256) {
        IssuanceStorage storage $ = _i();
        uint256 until = $.staking.settledUntil(operator);
        if (until == 0) return 0;
        (uint256 round,,) = _roundAt($, until - 1);
        return round - 1;
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

    /// @dev Pay `operator`'s share of round `current - 1` if due and unpaid, or record it settled; finalizes the
    /// round (neutral weights) once the attestation window has closed without an attestation.
    function _pay(IssuanceStorage storage $, address operator, uint256 current, uint256 start, uint256 end)
        private
        returns (bool due, uint256 amount, uint40 settledUntil)
    {
        RoundRecord memory record = _touch($, current);
        uint256 stake;
        (stake, settledUntil) = _rewardBasis($, operator, current - 1, record);
        if (settledUntil >= end) return (false, 0, settledUntil);
        if (stake == 0) {
            // A round nobody touched has no snapshot: it is fixed as forfeited at its first settlement.
            if (record.flags & FINALIZED == 0 && $.rounds[current - 1].snapshotTime == 0) {
                _finalize($, current, record, 0, false);
            }
            // Nothing at stake in the round (or no snapshot, or out of bounds): nothing is due. The staking
            // contract records the settlement itself when it is the caller.
            // forge-lint: disable-next-line(unsafe-typecast) a timestamp
            if (msg.sender != address($.staking)) $.staking.addRewards(operator, 0, uint40(end));
            return (false, 0, settledUntil);
        }
        if (record.flags & FINALIZED == 0) record = _finalizeUnattested($, current, start, record);
        amount = _mintShare($, operator, current - 1, record, stake);
        // forge-lint: disable-next-line(unsafe-typecast) a timestamp
        $.staking.addRewards(operator, amount, uint40(end));
        return (true, amount, settledUntil);
    }

    /// @dev Fix round `current - 1` with neutral weights once its attestation window has closed.
    function _finalizeUnattested(IssuanceStorage storage $, uint256 current, uint256 start, RoundRecord memory record)
        private
        returns (RoundRecord memory)
    {
        // forge-lint: disable-next-line(unsafe-typecast) a timestamp
        uint40 closesAt = uint40(start) + $.attestationWindow;
        if (block.timestamp < closesAt) revert AttestationWindowOpen(closesAt);
        return _finalize($, current, record, _roundTotal($, current - 1, record) * FULL_SCORE, false);
    }

    /// @dev The lowest of the operator's stake at the round's snapshot, the next round's and now (zero without a
    /// snapshot or out of bounds), and until when its pool is settled.
    function _rewardBasis(IssuanceStorage storage $, address operator, uint256 round, RoundRecord memory next)
        private
        view
        returns (uint256 stake, uint40 settledUntil)
    {
        uint40 roundStart = $.rounds[round].snapshotTime;
        if (roundStart == 0) {
            (, settledUntil) = $.staking.rewardBasis(operator, 0, 0);
            return (0, settledUntil);
        }
        return $.staking.rewardBasis(operator, roundStart, next.snapshotTime);
    }

    /// @dev Send the operator's share of finalized round `round` (minted reward and fees) to the staking contract;
    /// the minted part is zero when a vote moved the minter away (forfeited for this pool, not blocked), and the
    /// whole is zero, with `RewardsForfeited`, when there is nothing to pay.
    function _mintShare(
        IssuanceStorage storage $,
        address operator,
        uint256 round,
        RoundRecord memory next,
        uint256 stake
    ) private returns (uint256 amount) {
        uint256 weightTotal;
        uint256 score;
        if (next.flags & ATTESTED != 0) {
            weightTotal = $.attestedWeight[round];
            score = $.scores[round][operator];
        } else {
            weightTotal = _roundTotal($, round, next) * FULL_SCORE;
            score = FULL_SCORE;
        }
        if (weightTotal == 0) {
            emit RewardsForfeited(round, operator);
            return 0;
        }
        amount = Math.mulDiv(next.previousReward, stake * score, weightTotal);
        if (amount != 0) {
            try $.token.mint(address($.staking), amount) {}
            catch {
                amount = 0;
            }
        }
        if (next.flags & HAS_FEES != 0) {
            uint256 fees = Math.mulDiv($.feePot[round], stake * score, weightTotal);
            if (fees != 0) IERC20($.token).safeTransfer(address($.staking), fees);
            amount += fees;
        }
        if (amount != 0) {
            emit RewardsClaimed(round, operator, amount);
            return amount;
        }
        emit RewardsForfeited(round, operator);
    }

    /// @dev Take round `current`'s snapshot if not yet: the time is the end of the previous second, whose total
    /// stake no transaction can change any more.
    function _touch(IssuanceStorage storage $, uint256 current) private returns (RoundRecord memory record) {
        record = $.rounds[current];
        if (record.snapshotTime != 0) return record;
        // forge-lint: disable-next-line(unsafe-typecast) a timestamp
        record.snapshotTime = uint40(block.timestamp - 1);
        record.snapshotTotal = SafeCast.toUint96($.staking.totalStakeBefore());
        $.rounds[current] = record;
        emit RoundSnapshot(current, record.snapshotTime, record.snapshotTotal);
    }

    /// @dev Fix round `current - 1`'s reward (zero, with `RoundForfeited`, when it had no snapshot) and fee pot;
    /// stored in round `current`'s record. A reward that cannot be minted is forfeited pool by pool at its claim.
    function _finalize(
        IssuanceStorage storage $,
        uint256 current,
        RoundRecord memory record,
        uint256 weightTotal,
        bool attested
    ) private returns (RoundRecord memory) {
        uint256 round = current - 1;
        Segment memory seg = _segmentOf($, round);
        uint256 reward = Math.mulDiv($.token.totalSupply(), uint256(seg.inflationBps) * seg.duration, BPS * YEAR);
        bool forfeited = $.rounds[round].snapshotTime == 0;
        if (forfeited) {
            reward = 0;
            emit RoundForfeited(round);
        }
        record.previousReward = SafeCast.toUint96(reward);
        record.flags |= attested ? FINALIZED | ATTESTED : FINALIZED;
        // A forfeited round pays no one: the fees held wait for the next round.
        uint256 fees = $.feesDeposited && !forfeited ? IERC20($.token).balanceOf(address(this)) : 0;
        if (fees != 0) {
            $.feePot[round] = fees;
            record.flags |= HAS_FEES;
        }
        $.rounds[current] = record;
        emit RoundFinalized(round, reward, weightTotal, attested);
        return record;
    }

    /// @dev The total stake over finished round `round`: the lower of the totals at its snapshot and the next's.
    function _roundTotal(IssuanceStorage storage $, uint256 round, RoundRecord memory next)
        private
        view
        returns (uint256)
    {
        return Math.min($.rounds[round].snapshotTotal, next.snapshotTotal);
    }

    /// @dev The signers' operators must hold the attestation quorum of `total`.
    function _requireQuorum(
        IssuanceStorage storage $,
        uint256 total,
        bytes32 digest,
        Span memory span,
        bytes[] calldata signatures
    ) private view {
        uint256 attestedStake = _attestedStake($, digest, span, signatures);
        uint256 required = Math.mulDiv(total, $.attestationQuorumBps, BPS, Math.Rounding.Ceil);
        if (attestedStake == 0 || attestedStake < required) revert BelowQuorum(attestedStake, required);
    }

    /// @dev The stake over the round (lower of start and end) of the distinct operators behind the signers.
    function _attestedStake(IssuanceStorage storage $, bytes32 digest, Span memory span, bytes[] calldata signatures)
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
            attestedStake += $.staking.minStakeAt(owner, span.start, span.end);
        }
    }

    /// @dev Store each operator's score and return the round's weight total: sum of stake over the round x score.
    function _recordScores(
        IssuanceStorage storage $,
        uint256 round,
        Span memory span,
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
            weightTotal += $.staking.minStakeAt(operator, span.start, span.end) * score;
        }
    }

    /// @dev The operator behind an attester wallet; reverts for a wallet that may not attest.
    function _attesterOwner(IssuanceStorage storage $, address signer) private view returns (address owner) {
        owner = _attesterOwnerOrZero($, signer);
        if (owner == address(0)) revert NotAttester(signer);
    }

    function _attesterOwnerOrZero(IssuanceStorage storage $, address signer) private view returns (address) {
        IServiceRegistry registry = $.registry;
        uint256 serviceId = registry.serviceIdByWallet(signer);
        if (serviceId == 0) return address(0);
        IServiceRegistry.Service memory service = registry.getService(serviceId);
        if (service.serviceType != ProtocolDefaults.DISCOVERY_NODE || !registry.isInBounds(serviceId)) {
            return address(0);
        }
        return service.owner;
    }

    /// @dev The round holding `time`, with its start and end.
    function _roundAt(IssuanceStorage storage $, uint256 time)
        private
        view
        returns (uint256 round, uint256 start, uint256 end)
    {
        uint256 i = $.segmentCount;
        Segment memory seg;
        do {
            seg = $.segments[--i];
        } while (i > 0 && seg.anchorTime > time);
        uint256 elapsed = (time - seg.anchorTime) / seg.duration;
        round = seg.anchorRound + elapsed;
        start = seg.anchorTime + elapsed * seg.duration;
        end = start + seg.duration;
    }

    /// @dev The segment holding round `round`.
    function _segmentOf(IssuanceStorage storage $, uint256 round) private view returns (Segment memory seg) {
        uint256 i = $.segmentCount;
        do {
            seg = $.segments[--i];
        } while (i > 0 && seg.anchorRound > round);
    }

    function _requireParameters(
        uint40 roundDuration_,
        uint16 inflationBps_,
        uint40 attestationWindow_,
        uint16 quorumBps
    ) private pure {
        if (
            roundDuration_ == 0 || attestationWindow_ >= roundDuration_ || inflationBps_ > BPS || quorumBps == 0
                || quorumBps > BPS
        ) {
            revert InvalidParameters();
        }
    }

    function _i() private pure returns (IssuanceStorage storage $) {
        assembly {
            $.slot := ISSUANCE_STORAGE
        }
    }
}

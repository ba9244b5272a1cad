// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {GovernorUpgradeable} from "@openzeppelin/contracts-upgradeable/governance/GovernorUpgradeable.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IStakeSnapshots} from "../interfaces/IStakeSnapshots.sol";

/// @title GovernorCountingStake: For / Against / Abstain counting where every staked AUDIO votes
/// @notice An operator votes with its whole pool at the snapshot; any delegator may override it with its own stake
/// at the snapshot, which then counts for the delegator's choice and is taken out of its operator's tally, whether
/// the operator voted before or after. The public interface is OpenZeppelin's GovernorCountingOverridable
/// (`castOverrideVote`, `castOverrideVoteBySig`, `hasVotedOverride`, `VoteReduced`, `OverrideVoteCast`, the same
/// `COUNTING_MODE`), and a delegator's plain `castVote` (or `castVoteBySig`) is its override, so wallets and
/// governance front ends that only know `castVote` work for delegators too.
/// @dev Kept for gas: operators' ballots are two bits each in a per-proposal bitmap indexed by pool id, and the
/// tallies share two slots with the quorum and the execution times fixed at creation; `_initializeTallies` writes
/// those slots (and the first bitmap word) when the proposal is created, so no vote pays for a fresh slot except a
/// delegator's own receipt.
abstract contract GovernorCountingStake is GovernorUpgradeable {
    /// @notice The EIP-712 type of a delegator's override signed for someone else to submit.
    bytes32 public constant OVERRIDE_BALLOT_TYPEHASH =
        keccak256("OverrideBallot(uint256 proposalId,uint8 support,address voter,uint256 nonce,string reason)");

    /// @dev Supported vote types; matches Governor Bravo ordering.
    enum VoteType {
        Against,
        For,
        Abstain
    }

    /// @dev For votes, with the quorum and earliest execution fixed at creation.
    struct TallyFor {
        uint104 forVotes;
        uint104 quorum;
        uint48 eta;
    }

    /// @dev Against and Abstain votes, with the end of the grace period and the proposal's flags.
    struct TallyOther {
        uint104 againstVotes;
        uint104 abstainVotes;
        uint40 expiresAt;
        uint8 flags;
    }

    /// @custom:storage-location erc7201:audius.storage.GovernorCountingStake
    struct CountingStorage {
        mapping(uint256 proposalId => TallyFor) forTally;
        mapping(uint256 proposalId => TallyOther) otherTally;
        // Two bits per pool id: 0 no vote, otherwise the operator's support + 1.
        mapping(uint256 proposalId => mapping(uint256 word => uint256)) operatorBallots;
        // A delegator: OVERRIDDEN | support + 1. An operator: the stake its delegators' overrides took out before it
        // voted.
        mapping(uint256 proposalId => mapping(address account => uint256)) receipts;
    }

    // keccak256(abi.encode(uint256(keccak256("audius.storage.GovernorCountingStake")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant COUNTING_STORAGE = 0x9f3be70ce990b77120f07a09be4f476a769288725c57702e9a90b9e0d8e9cb00;
    uint256 private constant OVERRIDDEN = 1 << 255;
    /// @dev `TallyOther.flags`: the slot was written at creation; the guardian may not veto the proposal.
    uint8 internal constant INITIALIZED = 1;
    uint8 internal constant GUARDIAN_PROOF = 2;

    /// @dev The votes cast by `delegate` were reduced by `weight` after an override by one of its delegators.
    event VoteReduced(address indexed delegate, uint256 proposalId, uint8 support, uint256 weight);
    /// @dev A delegator voted with its own stake, overriding its operator by `weight`.
    event OverrideVoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason);

    /// @dev The account has already overridden its operator on this proposal.
    error GovernorAlreadyOverriddenVote(address account);

    /// @notice How votes are counted: Bravo support values, overrides, quorum from For and Abstain.
    // forge-lint: disable-next-line(mixed-case-function)
    function COUNTING_MODE() public pure virtual override returns (string memory) {
        return "support=bravo,override&quorum=for,abstain&overridable=true";
    }

    /// @notice Whether `account` has voted on proposal `proposalId` (an operator with its pool, a delegator with an
    /// override).
    function hasVoted(uint256 proposalId, address account) public view virtual override returns (bool) {
        if (hasVotedOverride(proposalId, account)) return true;
        (,, uint256 poolId,, bool isOperator) = _voter(proposalId, account);
        return isOperator && _operatorSupport(proposalId, poolId) != 0;
    }

    /// @notice Whether `account` has overridden its operator on proposal `proposalId`.
    function hasVotedOverride(uint256 proposalId, address account) public view virtual returns (bool) {
        return _c().receipts[proposalId][account] & OVERRIDDEN != 0;
    }

    /// @notice The tallies of a proposal.
    function proposalVotes(uint256 proposalId)
        public
        view
        virtual
        returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes)
    {
        CountingStorage storage $ = _c();
        TallyOther memory other = $.otherTally[proposalId];
        return (other.againstVotes, $.forTally[proposalId].forVotes, other.abstainVotes);
    }

    /// @notice Cast a delegator's override: its own stake at the snapshot counts for `support` and leaves its
    /// operator's tally. Returns the weight.
    function castOverrideVote(uint256 proposalId, uint8 support, string calldata reason)
        public
        virtual
        returns (uint256)
    {
        return _castOverride(proposalId, _msgSender(), support, reason);
    }

    /// @notice Cast a delegator's override signed by the delegator (EIP-712 `OverrideBallot`, the governor's
    /// nonce of the voter). Returns the weight.
    function castOverrideVoteBySig(
        uint256 proposalId,
        uint8 support,
        address voter,
        string calldata reason,
        bytes calldata signature
    ) public virtual returns (uint256) {
        bool valid = SignatureChecker.isValidSignatureNow(
            voter,
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        OVERRIDE_BALLOT_TYPEHASH, proposalId, support, voter, _useNonce(voter), keccak256(bytes(reason))
                    )
                )
            ),
            signature
        );
        if (!valid) revert GovernorInvalidSignature(voter);
        return _castOverride(proposalId, voter, support, reason);
    }

    /// @dev The quorum fixed at creation, for + abstain.
    function _quorumReached(uint256 proposalId) internal view virtual override returns (bool) {
        CountingStorage storage $ = _c();
        TallyFor memory votesFor = $.forTally[proposalId];
        return votesFor.quorum <= uint256(votesFor.forVotes) + $.otherTally[proposalId].abstainVotes;
    }

    /// @dev For must strictly exceed Against.
    function _voteSucceeded(uint256 proposalId) internal view virtual override returns (bool) {
        CountingStorage storage $ = _c();
        return $.forTally[proposalId].forVotes > $.otherTally[proposalId].againstVotes;
    }

    /// @dev Unused: `_castVote` counts directly (it needs the voter's pool, not only its weight).
    function _countVote(uint256, address, uint8, uint256, bytes memory) internal virtual override returns (uint256) {
        revert GovernorInvalidVoteType();
    }

    /// @dev Votes are read from the staking contract's snapshot views directly (see `_castVote`).
    function _getVotes(address account, uint256 timepoint, bytes memory)
        internal
        view
        virtual
        override
        returns (uint256 weight)
    {
        (weight,,,) = IStakeSnapshots(_stakeSource()).voterAt(account, timepoint);
    }

    /// @dev An operator votes its pool at the snapshot, less what its delegators' overrides have taken out; a
    /// delegator's vote is its override.
    function _castVote(uint256 proposalId, address account, uint8 support, string memory reason, bytes memory params)
        internal
        virtual
        override
        returns (uint256)
    {
        _validateStateBitmap(proposalId, _encodeStateBitmap(ProposalState.Active));
        if (support > uint8(VoteType.Abstain)) revert GovernorInvalidVoteType();
        (uint256 weight, uint256 poolId, address operator, bool isOperator) =
            IStakeSnapshots(_stakeSource()).voterAt(account, proposalSnapshot(proposalId));
        if (!isOperator) return _countOverride(proposalId, account, support, reason, weight, poolId, operator);
        CountingStorage storage $ = _c();
        mapping(uint256 => uint256) storage ballots = $.operatorBallots[proposalId];
        uint256 word = ballots[poolId >> 7];
        uint256 shift = (poolId & 127) << 1;
        if ((word >> shift) & 3 != 0) revert GovernorAlreadyCastVote(account);
        ballots[poolId >> 7] = word | (uint256(support) + 1) << shift;
        weight -= $.receipts[proposalId][account];
        _addVotes($, proposalId, support, weight);
        if (params.length == 0) emit VoteCast(account, proposalId, support, weight, reason);
        else emit VoteCastWithParams(account, proposalId, support, weight, reason, params);
        _tallyUpdated(proposalId);
        return weight;
    }

    function _castOverride(uint256 proposalId, address account, uint8 support, string memory reason)
        private
        returns (uint256)
    {
        _validateStateBitmap(proposalId, _encodeStateBitmap(ProposalState.Active));
        if (support > uint8(VoteType.Abstain)) revert GovernorInvalidVoteType();
        (uint256 weight, uint256 poolId, address operator, bool isOperator) =
            IStakeSnapshots(_stakeSource()).voterAt(account, proposalSnapshot(proposalId));
        // An operator's own stake is its pool's: it votes with `castVote`.
        if (isOperator) revert GovernorAlreadyOverriddenVote(account);
        return _countOverride(proposalId, account, support, reason, weight, poolId, operator);
    }

    /// @dev Count `account`'s own `weight` for `support` and take it out of its operator's tally (or set it aside
    /// for when the operator votes).
    function _countOverride(
        uint256 proposalId,
        address account,
        uint8 support,
        string memory reason,
        uint256 weight,
        uint256 poolId,
        address operator
    ) private returns (uint256) {
        CountingStorage storage $ = _c();
        if ($.receipts[proposalId][account] & OVERRIDDEN != 0) revert GovernorAlreadyOverriddenVote(account);
        $.receipts[proposalId][account] = OVERRIDDEN | (uint256(support) + 1);
        _addVotes($, proposalId, support, weight);
        if (weight != 0) {
            uint256 operatorSupport = _operatorSupport(proposalId, poolId);
            if (operatorSupport == 0) {
                $.receipts[proposalId][operator] += weight;
            } else {
                // forge-lint: disable-next-line(unsafe-typecast) 1 to 3 minus one
                uint8 reduced = uint8(operatorSupport - 1);
                _subtractVotes($, proposalId, reduced, weight);
                emit VoteReduced(operator, proposalId, reduced, weight);
            }
        }
        emit OverrideVoteCast(account, proposalId, support, weight, reason);
        _tallyUpdated(proposalId);
        return weight;
    }

    /// @dev Write a new proposal's tally slots (and its operators' first ballot word), so that no vote pays for a
    /// fresh slot: the quorum and the execution times are fixed here.
    function _initializeTallies(uint256 proposalId, uint256 quorum_, uint256 eta, uint256 expiresAt, bool guardianProof)
        internal
    {
        CountingStorage storage $ = _c();
        $.forTally[proposalId] =
            TallyFor({forVotes: 0, quorum: SafeCast.toUint104(quorum_), eta: SafeCast.toUint48(eta)});
        $.otherTally[proposalId] = TallyOther({
            againstVotes: 0,
            abstainVotes: 0,
            expiresAt: SafeCast.toUint40(expiresAt),
            flags: guardianProof ? INITIALIZED | GUARDIAN_PROOF : INITIALIZED
        });
        // Pool ids start at 1: the bits of id 0 keep the first word non-zero.
        $.operatorBallots[proposalId][0] = 3;
    }

    /// @dev The quorum, earliest execution and expiry fixed at creation, and whether the guardian may veto it.
    function _proposalTerms(uint256 proposalId)
        internal
        view
        returns (uint256 quorum_, uint256 eta, uint256 expiresAt, bool guardianProof)
    {
        CountingStorage storage $ = _c();
        TallyFor memory votesFor = $.forTally[proposalId];
        TallyOther memory other = $.otherTally[proposalId];
        return (votesFor.quorum, votesFor.eta, other.expiresAt, other.flags & GUARDIAN_PROOF != 0);
    }

    /// @dev The votes source (the staking contract).
    function _stakeSource() internal view virtual returns (address);

    function _voter(uint256 proposalId, address account)
        private
        view
        returns (uint256 weight, address operator, uint256 poolId, uint256 snapshot, bool isOperator)
    {
        snapshot = proposalSnapshot(proposalId);
        if (snapshot >= clock()) return (0, address(0), 0, snapshot, false);
        (weight, poolId, operator, isOperator) = IStakeSnapshots(_stakeSource()).voterAt(account, snapshot);
    }

    function _operatorSupport(uint256 proposalId, uint256 poolId) private view returns (uint256) {
        return (_c().operatorBallots[proposalId][poolId >> 7] >> ((poolId & 127) << 1)) & 3;
    }

    function _addVotes(CountingStorage storage $, uint256 proposalId, uint8 support, uint256 weight) private {
        if (support == uint8(VoteType.For)) {
            $.forTally[proposalId].forVotes += SafeCast.toUint104(weight);
        } else if (support == uint8(VoteType.Against)) {
            $.otherTally[proposalId].againstVotes += SafeCast.toUint104(weight);
        } else {
            $.otherTally[proposalId].abstainVotes += SafeCast.toUint104(weight);
        }
    }

    function _subtractVotes(CountingStorage storage $, uint256 proposalId, uint8 support, uint256 weight) private {
        if (support == uint8(VoteType.For)) {
            $.forTally[proposalId].forVotes -= SafeCast.toUint104(weight);
        } else if (support == uint8(VoteType.Against)) {
            $.otherTally[proposalId].againstVotes -= SafeCast.toUint104(weight);
        } else {
            $.otherTally[proposalId].abstainVotes -= SafeCast.toUint104(weight);
        }
    }

    function _c() private pure returns (CountingStorage storage $) {
        assembly {
            $.slot := COUNTING_STORAGE
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {GovernorUpgradeable} from "@openzeppelin/contracts-upgradeable/governance/GovernorUpgradeable.sol";
import {
    GovernorSettingsUpgradeable
} from "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorSettingsUpgradeable.sol";
import {
    GovernorVotesUpgradeable
} from "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorVotesUpgradeable.sol";
import {
    GovernorVotesQuorumFractionUpgradeable
} from "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorVotesQuorumFractionUpgradeable.sol";
import {
    GovernorProposalGuardianUpgradeable
} from "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorProposalGuardianUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IGovernanceWindow} from "../interfaces/IGovernanceWindow.sol";
import {IWithdrawalLockup} from "../interfaces/IWithdrawalLockup.sol";
import {IStakeSnapshots} from "../interfaces/IStakeSnapshots.sol";
import {GovernorCountingStake} from "./GovernorCountingStake.sol";

/// @title AudiusGovernor: every staked AUDIO votes
/// @notice OpenZeppelin Governor over the staking contract's checkpointed stake (timestamp clock, so every duration
/// is in seconds). The snapshot is the proposal's creation: votes are read at the end of that second and the
/// quorum is a fraction of total stake at the end of the second before, so no stake acquired after a proposal is
/// known can vote on it. An operator votes with its whole pool; any delegator may override it with its own stake
/// at the snapshot (`castOverrideVote`, also by signature), which then counts for its own choice and is taken out
/// of its operator's tally whether the operator voted before or after (OpenZeppelin's override counting, as
/// Livepeer's LIP-89; `GovernorCountingStake`, with OpenZeppelin's override interface). Proposals may carry several actions and are voted For / Against / Abstain (also by
/// signature). A proposal that passed is executed by the governor itself, which holds every admin right, after an
/// execution delay (during which it reads as Queued and the guardian may veto it) and before a grace period ends
/// (then Expired): no separate queue transaction, no timelock contract.
/// @dev Cancellation: a proposer can cancel its proposal only while Pending (the second it was created in); the
/// guardian can veto any proposal except one whose every call only replaces or renews the guardian, and its role
/// lapses at the end of its term unless a vote renews it, so a lost or hostile guardian key cannot freeze
/// governance. The window from proposal to earliest execution (voting period + execution delay) stays below the
/// staking withdrawal lockup, or stake could leave while a slash against it is voted: every setter checks it, and
/// the staking contract checks it when its lockups change.
contract AudiusGovernor is
    GovernorUpgradeable,
    GovernorSettingsUpgradeable,
    GovernorVotesUpgradeable,
    GovernorCountingStake,
    GovernorVotesQuorumFractionUpgradeable,
    GovernorProposalGuardianUpgradeable,
    UUPSUpgradeable,
    IGovernanceWindow
{
    /// @custom:storage-location erc7201:audius.storage.AudiusGovernor
    struct AudiusGovernorStorage {
        uint32 executionDelay;
        uint32 gracePeriod;
        uint32 guardianTerm;
        uint48 guardianExpiresAt;
        // The longest window of the proposals made so far that may not have reached their execution yet, and until
        // when one of them may not have (a later vote can shorten the terms; these proposals keep theirs).
        uint32 openWindow;
        uint48 openWindowUntil;
    }

    // keccak256(abi.encode(uint256(keccak256("audius.storage.AudiusGovernor")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant GOVERNOR_STORAGE = 0xec1d55dfc6f1819cba46b029686f02839bd0560e1e7d25a9d5728222a8e8ba00;

    /// @notice The voting window would reach the staking withdrawal lockup.
    error WindowTooLong(uint256 window, uint256 lockup);
    /// @notice The snapshot is the proposal's creation: the voting delay is always zero.
    error VotingDelayIsZero();
    /// @notice The execution delay or grace period is zero.
    error InvalidExecutionTerms();

    event ExecutionTermsSet(uint32 executionDelay, uint32 gracePeriod);
    event GuardianTermSet(uint32 term, uint48 expiresAt);

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Initialize the proxy. Callable once; the implementation itself can never be initialized.
    /// @param staking The staking contract: the source of votes and of the withdrawal lockup.
    /// @param votingPeriod_ Seconds the vote lasts, from the proposal's creation.
    /// @param executionDelay_ Seconds from the end of the vote to the earliest execution.
    /// @param gracePeriod_ Seconds a passed proposal stays executable after its delay.
    /// @param proposalThreshold_ Stake (wei) needed to propose.
    /// @param quorumPercent Quorum as a percentage of total stake at the snapshot.
    /// @param guardian The account that may veto proposals (zero: none).
    /// @param guardianTerm_ Seconds the guardian's role lasts before a vote must renew it.
    function initialize(
        IVotes staking,
        uint32 votingPeriod_,
        uint32 executionDelay_,
        uint32 gracePeriod_,
        uint256 proposalThreshold_,
        uint256 quorumPercent,
        address guardian,
        uint32 guardianTerm_
    ) external initializer {
        __Governor_init("AudiusGovernor");
        __GovernorVotes_init(staking);
        __GovernorSettings_init(0, votingPeriod_, proposalThreshold_);
        __GovernorVotesQuorumFraction_init(quorumPercent);
        _setExecutionTerms(executionDelay_, gracePeriod_);
        _g().guardianTerm = guardianTerm_;
        _setProposalGuardian(guardian);
    }

    // ---- execution terms and the guardian ----

    /// @notice Seconds from a proposal's creation to its earliest execution: voting period + execution delay (the
    /// voting delay is zero), or the longer window of a proposal made under earlier terms that has not reached its
    /// execution yet. The staking withdrawal lockups are longer.
    function governanceWindow() public view returns (uint256) {
        AudiusGovernorStorage storage $ = _g();
        uint256 current = votingPeriod() + $.executionDelay;
        if (block.timestamp < $.openWindowUntil && $.openWindow > current) return $.openWindow;
        return current;
    }

    /// @notice Seconds from the end of a vote to the earliest execution, and how long a passed proposal then
    /// stays executable.
    function executionTerms() external view returns (uint32 executionDelay, uint32 gracePeriod) {
        AudiusGovernorStorage storage $ = _g();
        return ($.executionDelay, $.gracePeriod);
    }

    /// @notice Set the execution delay and grace period (seconds). Governance only; the window must stay below the
    /// staking withdrawal lockup.
    function setExecutionTerms(uint32 executionDelay_, uint32 gracePeriod_) external onlyGovernance {
        _setExecutionTerms(executionDelay_, gracePeriod_);
    }

    /// @notice The guardian's term length (seconds) and when the current guardian's role lapses.
    function guardianTerm() external view returns (uint32 term, uint48 expiresAt) {
        AudiusGovernorStorage storage $ = _g();
        return ($.guardianTerm, $.guardianExpiresAt);
    }

    /// @notice Set the length of the guardian's term, for the next appointment or renewal. Governance only.
    function setGuardianTerm(uint32 term) external onlyGovernance {
        AudiusGovernorStorage storage $ = _g();
        $.guardianTerm = term;
        emit GuardianTermSet(term, $.guardianExpiresAt);
    }

    /// @notice The account that may veto proposals: zero when none, or when its term has lapsed.
    function proposalGuardian() public view override returns (address) {
        if (block.timestamp >= _g().guardianExpiresAt) return address(0);
        return super.proposalGuardian();
    }

    /// @dev Appointing (or re-appointing) a guardian starts a new term.
    function _setProposalGuardian(address newProposalGuardian) internal override {
        super._setProposalGuardian(newProposalGuardian);
        AudiusGovernorStorage storage $ = _g();
        uint48 expiresAt = newProposalGuardian == address(0) ? 0 : SafeCast.toUint48(block.timestamp + $.guardianTerm);
        $.guardianExpiresAt = expiresAt;
        emit GuardianTermSet($.guardianTerm, expiresAt);
    }

    /// @dev The guardian may veto any proposal but one that only replaces or renews the guardian; the proposer may
    /// cancel only while Pending (OpenZeppelin's rule, whether or not there is a guardian).
    function _validateCancel(uint256 proposalId, address caller)
        internal
        view
        override(GovernorUpgradeable, GovernorProposalGuardianUpgradeable)
        returns (bool)
    {
        address guardian = proposalGuardian();
        if (guardian != address(0) && caller == guardian) {
            (,,, bool guardianProof) = _proposalTerms(proposalId);
            if (!guardianProof) return true;
        }
        return GovernorUpgradeable._validateCancel(proposalId, caller);
    }

    // ---- proposals: the snapshot, the quorum and the execution delay ----

    /// @dev The snapshot is the creation (voting delay zero): the staking contract records it, so accounts that
    /// change stake afterwards keep their value at it, and returns the total stake before it, the quorum's base.
    /// The quorum, the earliest execution and the expiry are fixed now.
    function _propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description,
        address proposer
    ) internal override returns (uint256 proposalId) {
        proposalId = super._propose(targets, values, calldatas, description, proposer);
        uint256 totalBefore = IStakeSnapshots(address(token())).registerSnapshot();
        AudiusGovernorStorage storage $ = _g();
        uint256 eta = proposalDeadline(proposalId) + 1 + $.executionDelay;
        // Remember the longest window still running, so the staking lockups cannot be cut below it meanwhile.
        uint256 window = eta - block.timestamp;
        if (block.timestamp >= $.openWindowUntil || window > $.openWindow) $.openWindow = SafeCast.toUint32(window);
        if (eta > $.openWindowUntil) $.openWindowUntil = SafeCast.toUint48(eta);
        _initializeTallies(
            proposalId,
            totalBefore * quorumNumerator() / quorumDenominator(),
            eta,
            eta + $.gracePeriod,
            _onlyTouchesTheGuardian(targets, calldatas)
        );
    }

    /// @notice Quorum of a proposal whose snapshot is `timepoint`: the quorum fraction of total stake at the end
    /// of the second before (the same value the proposal fixed at its creation).
    function quorum(uint256 timepoint)
        public
        view
        override(GovernorUpgradeable, GovernorVotesQuorumFractionUpgradeable)
        returns (uint256)
    {
        if (timepoint == 0) return 0;
        return token().getPastTotalSupply(timepoint - 1) * quorumNumerator(timepoint) / quorumDenominator();
    }

    /// @notice The quorum a proposal fixed at its creation.
    function proposalQuorum(uint256 proposalId) external view returns (uint256 quorum_) {
        (quorum_,,,) = _proposalTerms(proposalId);
    }

    /// @notice When a passed proposal stops being executable (its earliest execution plus the grace period, both
    /// fixed at creation).
    function proposalExpiry(uint256 proposalId) external view returns (uint256 expiresAt) {
        (,, expiresAt,) = _proposalTerms(proposalId);
    }

    /// @notice A passed proposal reads Queued until its execution delay is over, Succeeded (executable) until the
    /// grace period ends, then Expired.
    function state(uint256 proposalId) public view override returns (ProposalState) {
        ProposalState current = super.state(proposalId);
        if (current != ProposalState.Succeeded && current != ProposalState.Queued) return current;
        (,, uint256 expiresAt,) = _proposalTerms(proposalId);
        if (block.timestamp < proposalEta(proposalId)) return ProposalState.Queued;
        if (block.timestamp >= expiresAt) return ProposalState.Expired;
        return ProposalState.Succeeded;
    }

    /// @notice When a proposal can be executed at the earliest: the end of its vote plus the execution delay in
    /// force when it was created.
    function proposalEta(uint256 proposalId) public view override returns (uint256 eta) {
        (, eta,,) = _proposalTerms(proposalId);
    }

    // ---- window check on settings changes ----

    function _setVotingDelay(uint48 newVotingDelay) internal override {
        if (newVotingDelay != 0) revert VotingDelayIsZero();
        super._setVotingDelay(newVotingDelay);
    }

    function _setVotingPeriod(uint32 newVotingPeriod) internal override {
        super._setVotingPeriod(newVotingPeriod);
        // `initialize` sets the votes token before the settings, and the execution terms after them.
        if (_g().gracePeriod != 0) _requireWindowBelowLockup();
    }

    function _setExecutionTerms(uint32 executionDelay_, uint32 gracePeriod_) private {
        if (executionDelay_ == 0 || gracePeriod_ == 0) revert InvalidExecutionTerms();
        AudiusGovernorStorage storage $ = _g();
        $.executionDelay = executionDelay_;
        $.gracePeriod = gracePeriod_;
        emit ExecutionTermsSet(executionDelay_, gracePeriod_);
        _requireWindowBelowLockup();
    }

    function _requireWindowBelowLockup() private view {
        uint256 window = governanceWindow();
        uint256 lockup = IWithdrawalLockup(address(token())).minWithdrawalLockup();
        if (window >= lockup) revert WindowTooLong(window, lockup);
    }

    /// @dev Whether every call of a proposal is one of the governor's own guardian setters.
    function _onlyTouchesTheGuardian(address[] memory targets, bytes[] memory calldatas) private view returns (bool) {
        for (uint256 i = 0; i < targets.length; ++i) {
            if (targets[i] != address(this) || calldatas[i].length < 4) return false;
            bytes4 selector = bytes4(calldatas[i]);
            if (selector != this.setProposalGuardian.selector && selector != this.setGuardianTerm.selector) {
                return false;
            }
        }
        return true;
    }

    /// @dev Only governance (a passed proposal, executed by the governor itself) can upgrade the governor.
    function _authorizeUpgrade(address) internal override onlyGovernance {}

    // ---- required overrides ----

    /// @dev Votes are read from the staking contract.
    function _stakeSource() internal view override returns (address) {
        return address(token());
    }

    /// @inheritdoc GovernorCountingStake
    function _castVote(uint256 proposalId, address account, uint8 support, string memory reason, bytes memory params)
        internal
        override(GovernorUpgradeable, GovernorCountingStake)
        returns (uint256)
    {
        return GovernorCountingStake._castVote(proposalId, account, support, reason, params);
    }

    /// @inheritdoc GovernorCountingStake
    function _getVotes(address account, uint256 timepoint, bytes memory params)
        internal
        view
        override(GovernorUpgradeable, GovernorVotesUpgradeable, GovernorCountingStake)
        returns (uint256)
    {
        return GovernorCountingStake._getVotes(account, timepoint, params);
    }

    /// @inheritdoc GovernorUpgradeable
    function votingDelay() public view override(GovernorUpgradeable, GovernorSettingsUpgradeable) returns (uint256) {
        return super.votingDelay();
    }

    /// @inheritdoc GovernorUpgradeable
    function votingPeriod() public view override(GovernorUpgradeable, GovernorSettingsUpgradeable) returns (uint256) {
        return super.votingPeriod();
    }

    /// @inheritdoc GovernorUpgradeable
    function proposalThreshold()
        public
        view
        override(GovernorUpgradeable, GovernorSettingsUpgradeable)
        returns (uint256)
    {
        return super.proposalThreshold();
    }

    function _g() private pure returns (AudiusGovernorStorage storage $) {
        assembly {
            $.slot := GOVERNOR_STORAGE
        }
    }
}

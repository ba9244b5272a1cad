// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {GovernorUpgradeable} from "@openzeppelin/contracts-upgradeable/governance/GovernorUpgradeable.sol";
import {
    GovernorSettingsUpgradeable
} from "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorSettingsUpgradeable.sol";
import {
    GovernorCountingSimpleUpgradeable
} from "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorCountingSimpleUpgradeable.sol";
import {
    GovernorVotesUpgradeable
} from "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorVotesUpgradeable.sol";
import {
    GovernorVotesQuorumFractionUpgradeable
} from "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorVotesQuorumFractionUpgradeable.sol";
import {
    GovernorTimelockControlUpgradeable
} from "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorTimelockControlUpgradeable.sol";
import {
    GovernorProposalGuardianUpgradeable
} from "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorProposalGuardianUpgradeable.sol";
import {
    TimelockControllerUpgradeable
} from "@openzeppelin/contracts-upgradeable/governance/TimelockControllerUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IGovernanceWindow} from "./IGovernanceWindow.sol";
import {IWithdrawalLockup} from "./IWithdrawalLockup.sol";

/// @title AudiusGovernor: one staked AUDIO, one vote
/// @notice OpenZeppelin Governor over the staking contract's checkpointed stake (timestamp clock, so every duration
/// is in seconds): votes are read at the proposal snapshot, so stake added or delegated afterwards cannot swing a
/// live vote; quorum is a fraction of total stake at the snapshot, not a count of voters. Proposals may carry
/// several actions, are voted For / Against / Abstain (also by signature) and run through a timelock that owns
/// every admin role. A guardian can veto (cancel) any proposal and nothing else; a vote can remove it.
/// @dev The window from proposal to earliest execution (voting delay + period + timelock delay) must stay below
/// the staking withdrawal lockup, or stake could leave while a slash against it is voted: changing the voting
/// delay or period checks it, and the staking contract checks it when its lockups change.
contract AudiusGovernor is
    GovernorUpgradeable,
    GovernorSettingsUpgradeable,
    GovernorCountingSimpleUpgradeable,
    GovernorVotesUpgradeable,
    GovernorVotesQuorumFractionUpgradeable,
    GovernorTimelockControlUpgradeable,
    GovernorProposalGuardianUpgradeable,
    UUPSUpgradeable,
    IGovernanceWindow
{
    /// @notice The voting window would reach the staking withdrawal lockup.
    error WindowTooLong(uint256 window, uint256 lockup);

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Initialize the proxy. Callable once; the implementation itself can never be initialized.
    /// @param staking The staking contract: the source of votes and of the withdrawal lockup.
    /// @param timelock The timelock that executes proposals and owns every admin role.
    /// @param votingDelay_ Seconds from proposal to the vote snapshot and its start.
    /// @param votingPeriod_ Seconds the vote lasts.
    /// @param proposalThreshold_ Stake (wei) needed to propose.
    /// @param quorumPercent Quorum as a percentage of total stake at the snapshot.
    /// @param guardian The account that may veto proposals (zero: none).
    function initialize(
        IVotes staking,
        TimelockControllerUpgradeable timelock,
        uint48 votingDelay_,
        uint32 votingPeriod_,
        uint256 proposalThreshold_,
        uint256 quorumPercent,
        address guardian
    ) external initializer {
        __Governor_init("AudiusGovernor");
        __GovernorVotes_init(staking);
        __GovernorTimelockControl_init(timelock);
        __GovernorSettings_init(votingDelay_, votingPeriod_, proposalThreshold_);
        __GovernorVotesQuorumFraction_init(quorumPercent);
        _setProposalGuardian(guardian);
    }

    /// @notice Seconds from a proposal's creation to its earliest execution: voting delay + voting period + timelock
    /// delay. The staking withdrawal lockups are longer.
    function governanceWindow() public view returns (uint256) {
        return votingDelay() + votingPeriod() + TimelockControllerUpgradeable(payable(timelock())).getMinDelay();
    }

    // ---- window check on settings changes ----

    function _setVotingDelay(uint48 newVotingDelay) internal override {
        super._setVotingDelay(newVotingDelay);
        _requireWindowBelowLockup();
    }

    function _setVotingPeriod(uint32 newVotingPeriod) internal override {
        super._setVotingPeriod(newVotingPeriod);
        _requireWindowBelowLockup();
    }

    /// @dev `initialize` sets the votes token and the timelock before the settings, so both are known here.
    /// @notice Move execution to a new timelock. Governance only (the inherited function checks it once; a second
    /// check would consume the governance call twice); its delay must keep the window below the lockup.
    function updateTimelock(TimelockControllerUpgradeable newTimelock) public override {
        super.updateTimelock(newTimelock);
        _requireWindowBelowLockup();
    }

    function _requireWindowBelowLockup() private view {
        uint256 window = governanceWindow();
        uint256 lockup = IWithdrawalLockup(address(token())).minWithdrawalLockup();
        if (window >= lockup) revert WindowTooLong(window, lockup);
    }

    /// @dev Only governance (the timelock, through a passed proposal) can upgrade the governor.
    function _authorizeUpgrade(address) internal override onlyGovernance {}

    // ---- required overrides ----

    /// @inheritdoc GovernorUpgradeable
    function votingDelay() public view override(GovernorUpgradeable, GovernorSettingsUpgradeable) returns (uint256) {
        return super.votingDelay();
    }

    /// @inheritdoc GovernorUpgradeable
    function votingPeriod() public view override(GovernorUpgradeable, GovernorSettingsUpgradeable) returns (uint256) {
        return super.votingPeriod();
    }

    /// @inheritdoc GovernorUpgradeable
    function quorum(uint256 timepoint)
        public
        view
        override(GovernorUpgradeable, GovernorVotesQuorumFractionUpgradeable)
        returns (uint256)
    {
        return super.quorum(timepoint);
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

    /// @inheritdoc GovernorUpgradeable
    function state(uint256 proposalId)
        public
        view
        override(GovernorUpgradeable, GovernorTimelockControlUpgradeable)
        returns (ProposalState)
    {
        return super.state(proposalId);
    }

    /// @inheritdoc GovernorUpgradeable
    function proposalNeedsQueuing(uint256 proposalId)
        public
        view
        override(GovernorUpgradeable, GovernorTimelockControlUpgradeable)
        returns (bool)
    {
        return super.proposalNeedsQueuing(proposalId);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(GovernorUpgradeable, GovernorTimelockControlUpgradeable) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(GovernorUpgradeable, GovernorTimelockControlUpgradeable) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(GovernorUpgradeable, GovernorTimelockControlUpgradeable) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor()
        internal
        view
        override(GovernorUpgradeable, GovernorTimelockControlUpgradeable)
        returns (address)
    {
        return super._executor();
    }

    function _validateCancel(uint256 proposalId, address caller)
        internal
        view
        override(GovernorUpgradeable, GovernorProposalGuardianUpgradeable)
        returns (bool)
    {
        return super._validateCancel(proposalId, caller);
    }
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {ProtocolDeployment} from "../../script/ProtocolDeployment.sol";
import {ProtocolDefaults as D} from "../../src/ProtocolDefaults.sol";

/// @dev The whole protocol as the deployment script wires it (this test contract deploys and holds the supply).
abstract contract ProtocolFixture is Test, ProtocolDeployment {
    Deployment internal p;
    address internal guardian = makeAddr("guardian");
    uint256 private walletNonce;

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        p = deployProtocol(
            address(this),
            Config({treasury: address(this), guardian: guardian, attestationQuorumBps: D.ATTESTATION_QUORUM_BPS})
        );
    }

    /// @dev Replace the deployment with a fresh one whose guardian is `guardian_` (zero: none, the script's default).
    function redeploy(address guardian_) internal {
        p = deployProtocol(
            address(this),
            Config({treasury: address(this), guardian: guardian_, attestationQuorumBps: D.ATTESTATION_QUORUM_BPS})
        );
    }

    function fund(address account, uint256 amount) internal {
        require(p.token.transfer(account, amount));
        vm.prank(account);
        p.token.approve(address(p.staking), type(uint256).max);
    }

    function newOperator(string memory name, bytes32 serviceType, uint256 stake)
        internal
        returns (address operator, address wallet, uint256 walletKey, uint256 serviceId)
    {
        operator = makeAddr(name);
        (wallet, walletKey) = makeAddrAndKey(string.concat(name, "-wallet"));
        fund(operator, stake);
        vm.prank(operator);
        serviceId = p.registry.register(serviceType, string.concat("https://", name, ".audius.test"), stake, wallet);
    }

    /// @dev A funded account that delegates `amount` to `operator`'s pool.
    function newDelegator(string memory name, address operator, uint256 amount) internal returns (address delegator) {
        delegator = makeAddr(name);
        fund(delegator, amount);
        vm.prank(delegator);
        p.staking.delegateStake(operator, amount);
    }

    /// @dev The arrays of a one-call proposal.
    function single(address target, bytes memory data)
        internal
        pure
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calldatas)
    {
        targets = new address[](1);
        targets[0] = target;
        values = new uint256[](1);
        calldatas = new bytes[](1);
        calldatas[0] = data;
    }

    /// @dev Propose one call from `proposer`.
    function propose(address proposer, address target, bytes memory data, string memory description)
        internal
        returns (uint256 id)
    {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = single(target, data);
        vm.prank(proposer);
        id = p.governor.propose(targets, values, calldatas, description);
    }

    /// @dev Vote For with `voter` (voting opens the second after the proposal), then wait out the voting period.
    function voteThrough(uint256 id, address voter) internal {
        vm.warp(block.timestamp + 1);
        vm.prank(voter);
        p.governor.castVote(id, 1);
        vm.warp(p.governor.proposalDeadline(id) + 1);
    }

    /// @dev Execute a passed single-call proposal once its execution delay is over.
    function execute(address target, bytes memory data, string memory description) internal {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = single(target, data);
        p.governor.execute(targets, values, calldatas, keccak256(bytes(description)));
    }

    /// @dev Wait out the execution delay of a passed proposal and execute it.
    function executeAfterDelay(uint256 id, address target, bytes memory data, string memory description) internal {
        vm.warp(p.governor.proposalEta(id));
        execute(target, data, description);
    }

    /// @dev Run a proposal through: propose, vote For with each voter, wait out the delay, execute.
    function pass(
        address proposer,
        address[] memory voters,
        address target,
        bytes memory data,
        string memory description
    ) internal returns (uint256 id) {
        id = propose(proposer, target, data, description);
        vm.warp(block.timestamp + 1);
        for (uint256 i = 0; i < voters.length; ++i) {
            vm.prank(voters[i]);
            p.governor.castVote(id, 1);
        }
        vm.warp(p.governor.proposalDeadline(id) + 1);
        assertEq(uint8(p.governor.state(id)), uint8(IGovernor.ProposalState.Queued));
        executeAfterDelay(id, target, data, description);
    }
}

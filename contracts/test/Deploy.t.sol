// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {Deploy} from "../script/Deploy.s.sol";
import {ProtocolDeployment} from "../script/ProtocolDeployment.sol";
import {ProtocolDefaults as D} from "../src/ProtocolDefaults.sol";

contract DeployTest is Test {
    function test_DeployWiresEverythingAndWritesDeploymentFile() public {
        vm.chainId(4242);
        ProtocolDeployment.Deployment memory d = new Deploy().run();
        address governor = address(d.governor);

        // The governor holds every admin right itself: there is no timelock in between.
        assertEq(d.token.owner(), governor);
        assertEq(d.token.minter(), address(d.issuance));
        assertEq(d.staking.governance(), governor);
        assertEq(d.registry.governance(), governor);
        assertEq(d.issuance.governance(), governor);
        assertEq(d.featureAccess.governance(), governor);
        assertEq(d.staking.registry(), address(d.registry));
        assertEq(d.staking.issuance(), address(d.issuance));
        assertEq(address(d.staking.governor()), governor);
        assertEq(address(d.governor.token()), address(d.staking));
        (bool hasTimelock,) = governor.staticcall(abi.encodeWithSignature("timelock()"));
        assertFalse(hasTimelock, "the governor has no timelock");
        assertFalse(d.governor.proposalNeedsQueuing(0));

        // Launch parameters.
        assertEq(d.governor.votingDelay(), 0);
        assertEq(d.governor.votingPeriod(), D.VOTING_PERIOD);
        (uint32 delay, uint32 grace) = d.governor.executionTerms();
        assertEq(delay, D.EXECUTION_DELAY);
        assertEq(grace, D.GRACE_PERIOD);
        (uint32 term, uint48 expiresAt) = d.governor.guardianTerm();
        assertEq(term, D.GUARDIAN_TERM);
        assertEq(expiresAt, 0, "no guardian by default");
        assertEq(d.governor.proposalGuardian(), address(0));
        assertEq(d.governor.proposalThreshold(), D.PROPOSAL_THRESHOLD);
        assertEq(d.governor.quorumNumerator(), D.QUORUM_PERCENT);
        assertEq(d.registry.getServiceType(D.CONTENT_NODE).minStake, D.CONTENT_NODE_MIN_STAKE);
        assertEq(d.registry.getServiceType(D.DISCOVERY_NODE).maxStake, D.DISCOVERY_NODE_MAX_STAKE);
        assertEq(d.governor.governanceWindow(), uint256(D.VOTING_PERIOD) + D.EXECUTION_DELAY);
        assertEq(d.staking.minWithdrawalLockup(), D.UNSTAKE_LOCKUP);
        assertLt(d.governor.governanceWindow(), d.staking.minWithdrawalLockup());

        string memory path = string.concat(vm.projectRoot(), "/deployments/4242.json");
        string memory json = vm.readFile(path);
        assertEq(vm.parseJsonUint(json, ".chainId"), 4242);
        assertEq(vm.parseJsonAddress(json, ".AudioToken"), address(d.token));
        assertEq(vm.parseJsonAddress(json, ".Staking"), address(d.staking));
        assertEq(vm.parseJsonAddress(json, ".ServiceRegistry"), address(d.registry));
        assertEq(vm.parseJsonAddress(json, ".AudiusGovernor"), governor);
        assertEq(vm.parseJsonAddress(json, ".Issuance"), address(d.issuance));
        assertEq(vm.parseJsonAddress(json, ".FeatureAccess"), address(d.featureAccess));
        assertTrue(vm.keyExistsJson(json, ".block"));
        assertFalse(vm.keyExistsJson(json, ".TimelockController"), "no timelock entry");
        assertEq(vm.parseJsonKeys(json, "$").length, 8, "chainId, block and six contracts");
        vm.removeFile(path);
    }
}

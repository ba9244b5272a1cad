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
        address timelock = address(d.timelock);

        assertEq(d.token.owner(), timelock);
        assertEq(d.token.minter(), address(d.issuance));
        assertEq(d.staking.governance(), timelock);
        assertEq(d.registry.governance(), timelock);
        assertEq(d.issuance.governance(), timelock);
        assertEq(d.featureAccess.governance(), timelock);
        assertEq(d.staking.registry(), address(d.registry));
        assertEq(d.staking.issuance(), address(d.issuance));
        assertEq(address(d.staking.governor()), address(d.governor));
        assertEq(d.governor.timelock(), timelock);
        assertEq(address(d.governor.token()), address(d.staking));
        assertTrue(d.timelock.hasRole(d.timelock.PROPOSER_ROLE(), address(d.governor)));
        assertTrue(d.timelock.hasRole(d.timelock.EXECUTOR_ROLE(), address(d.governor)));
        assertFalse(d.timelock.hasRole(d.timelock.DEFAULT_ADMIN_ROLE(), address(this)), "no admin left behind");
        assertEq(d.registry.getServiceType(D.CONTENT_NODE).minStake, D.CONTENT_NODE_MIN_STAKE);
        assertEq(d.registry.getServiceType(D.DISCOVERY_NODE).maxStake, D.DISCOVERY_NODE_MAX_STAKE);
        assertLt(d.governor.governanceWindow(), d.staking.minWithdrawalLockup());

        string memory path = string.concat(vm.projectRoot(), "/deployments/4242.json");
        string memory json = vm.readFile(path);
        assertEq(vm.parseJsonAddress(json, ".Staking"), address(d.staking));
        assertEq(vm.parseJsonAddress(json, ".AudiusGovernor"), address(d.governor));
        assertEq(vm.parseJsonUint(json, ".chainId"), 4242);
        vm.removeFile(path);
    }
}

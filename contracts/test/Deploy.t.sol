// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {Deploy} from "../script/Deploy.s.sol";
import {AudioToken} from "../src/AudioToken.sol";

contract DeployTest is Test {
    function test_DeployWritesDeploymentFile() public {
        vm.chainId(4242);
        AudioToken token = new Deploy().run();
        assertEq(token.totalSupply(), token.INITIAL_SUPPLY());

        string memory json = vm.readFile(string.concat(vm.projectRoot(), "/deployments/4242.json"));
        assertEq(vm.parseJsonAddress(json, ".AudioToken"), address(token));
        assertEq(vm.parseJsonUint(json, ".chainId"), 4242);
        vm.removeFile(string.concat(vm.projectRoot(), "/deployments/4242.json"));
    }
}

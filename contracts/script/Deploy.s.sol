// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Script} from "forge-std/Script.sol";
import {AudioToken} from "../src/AudioToken.sol";

/// @notice Deploys the protocol contracts and writes `deployments/<chainId>.json` (addresses, chain id, block)
/// for the Rust clients. Run: `forge script script/Deploy.s.sol --rpc-url $RPC --broadcast --private-key $KEY`.
/// @dev Env: TREASURY (receives the initial AUDIO supply) and GOVERNANCE (token owner) default to the deployer.
contract Deploy is Script {
    function run() external returns (AudioToken token) {
        address deployer = msg.sender;
        address treasury = vm.envOr("TREASURY", deployer);
        address governance = vm.envOr("GOVERNANCE", deployer);

        vm.startBroadcast();
        token = new AudioToken(treasury, governance);
        vm.stopBroadcast();

        string memory json = "deployment";
        vm.serializeUint(json, "chainId", block.chainid);
        vm.serializeUint(json, "block", block.number);
        string memory out = vm.serializeAddress(json, "AudioToken", address(token));
        vm.writeJson(out, string.concat(vm.projectRoot(), "/deployments/", vm.toString(block.chainid), ".json"));
    }
}

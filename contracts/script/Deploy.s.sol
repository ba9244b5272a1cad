// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Script} from "forge-std/Script.sol";
import {ProtocolDeployment} from "./ProtocolDeployment.sol";
import {ProtocolDefaults as D} from "../src/ProtocolDefaults.sol";

/// @notice Deploys and wires the protocol on any RPC and writes `deployments/<chainId>.json` (addresses, chain id,
/// block) for the Rust clients.
/// Run: `forge script script/Deploy.s.sol --rpc-url $RPC --broadcast --private-key $KEY`.
/// @dev Env: TREASURY (initial AUDIO supply; default the deployer), GUARDIAN (veto; default none),
/// ATTESTATION_QUORUM_BPS (share of all stake the attesters must hold; default ProtocolDefaults),
/// DEPLOYMENT_FILE (where to write the deployment, under deployments/; default deployments/<chainId>.json).
contract Deploy is Script, ProtocolDeployment {
    function run() external returns (Deployment memory d) {
        vm.startBroadcast();
        // The account the transactions are sent from (--private-key / --sender, or forge's default sender).
        (, address deployer,) = vm.readCallers();
        Config memory config = Config({
            treasury: vm.envOr("TREASURY", deployer),
            guardian: vm.envOr("GUARDIAN", address(0)),
            attestationQuorumBps: uint16(vm.envOr("ATTESTATION_QUORUM_BPS", uint256(D.ATTESTATION_QUORUM_BPS)))
        });
        uint256 startBlock = block.number;
        d = deployProtocol(deployer, config);
        vm.stopBroadcast();
        _write(d, startBlock);
    }

    function _write(Deployment memory d, uint256 startBlock) private {
        string memory json = "deployment";
        vm.serializeUint(json, "chainId", block.chainid);
        vm.serializeUint(json, "block", startBlock);
        vm.serializeAddress(json, "AudioToken", address(d.token));
        vm.serializeAddress(json, "Staking", address(d.staking));
        vm.serializeAddress(json, "ServiceRegistry", address(d.registry));
        vm.serializeAddress(json, "AudiusGovernor", address(d.governor));
        vm.serializeAddress(json, "Issuance", address(d.issuance));
        string memory out = vm.serializeAddress(json, "FeatureAccess", address(d.featureAccess));
        string memory file =
            vm.envOr("DEPLOYMENT_FILE", string.concat("deployments/", vm.toString(block.chainid), ".json"));
        vm.writeJson(out, string.concat(vm.projectRoot(), "/", file));
    }
}

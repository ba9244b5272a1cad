// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {AudioToken} from "../src/AudioToken.sol";
import {Staking} from "../src/staking/Staking.sol";
import {ServiceRegistry} from "../src/staking/ServiceRegistry.sol";
import {Issuance} from "../src/issuance/Issuance.sol";
import {IStaking} from "../src/interfaces/IStaking.sol";
import {AudiusGovernor} from "../src/governance/AudiusGovernor.sol";
import {FeatureAccess} from "../src/access/FeatureAccess.sol";
import {ProtocolDefaults as D} from "../src/ProtocolDefaults.sol";

/// @notice Deploys and wires the whole protocol; used by the deployment script and by the tests, so both run the
/// same wiring. Every upgradeable contract sits behind an ERC-1967 proxy initialized in its creation transaction
/// (nothing to front-run). The deployer holds governance only while wiring, then hands every right to the governor,
/// which executes passed proposals itself after its execution delay.
abstract contract ProtocolDeployment {
    struct Config {
        // Receives the initial AUDIO supply.
        address treasury;
        // May veto proposals (zero: none).
        address guardian;
        // Share of all stake (bps) that an activity attestation's signers must hold.
        uint16 attestationQuorumBps;
    }

    struct Deployment {
        AudioToken token;
        Staking staking;
        ServiceRegistry registry;
        AudiusGovernor governor;
        Issuance issuance;
        FeatureAccess featureAccess;
    }

    /// @param deployer The account sending the deployment transactions (governance while wiring).
    function deployProtocol(address deployer, Config memory config) internal returns (Deployment memory d) {
        d.token = new AudioToken(config.treasury, deployer);
        d.staking = Staking(
            _proxy(
                address(new Staking()),
                abi.encodeCall(
                    Staking.initialize,
                    (
                        deployer,
                        d.token,
                        D.UNSTAKE_LOCKUP,
                        D.REMOVE_DELEGATOR_LOCKUP,
                        D.CUT_COOLDOWN,
                        D.EXECUTION_WINDOW,
                        D.MIN_DELEGATION
                    )
                )
            )
        );
        d.registry = ServiceRegistry(
            _proxy(
                address(new ServiceRegistry()),
                abi.encodeCall(ServiceRegistry.initialize, (deployer, IStaking(address(d.staking))))
            )
        );
        d.governor = AudiusGovernor(
            payable(_proxy(
                    address(new AudiusGovernor()),
                    abi.encodeCall(
                        AudiusGovernor.initialize,
                        (
                            IVotes(address(d.staking)),
                            D.VOTING_PERIOD,
                            D.EXECUTION_DELAY,
                            D.GRACE_PERIOD,
                            D.PROPOSAL_THRESHOLD,
                            D.QUORUM_PERCENT,
                            config.guardian,
                            D.GUARDIAN_TERM
                        )
                    )
                ))
        );
        d.issuance = Issuance(
            _proxy(
                address(new Issuance()),
                abi.encodeCall(
                    Issuance.initialize,
                    (
                        deployer,
                        d.token,
                        IStaking(address(d.staking)),
                        d.registry,
                        D.ROUND_DURATION,
                        D.INFLATION_BPS_PER_YEAR,
                        D.ATTESTATION_WINDOW,
                        config.attestationQuorumBps
                    )
                )
            )
        );
        uint256[4] memory tiers = [D.TIER_BRONZE, D.TIER_SILVER, D.TIER_GOLD, D.TIER_PLATINUM];
        d.featureAccess = FeatureAccess(
            _proxy(
                address(new FeatureAccess()),
                abi.encodeCall(FeatureAccess.initialize, (deployer, IStaking(address(d.staking)), tiers))
            )
        );

        // Wiring, while the deployer still governs.
        d.staking.setRegistry(address(d.registry));
        d.staking.setIssuance(address(d.issuance));
        d.staking.setGovernor(d.governor);
        d.registry.addServiceType(D.CONTENT_NODE, D.CONTENT_NODE_MIN_STAKE, D.CONTENT_NODE_MAX_STAKE);
        d.registry.addServiceType(D.DISCOVERY_NODE, D.DISCOVERY_NODE_MIN_STAKE, D.DISCOVERY_NODE_MAX_STAKE);
        d.token.setMinter(address(d.issuance));

        // Hand every right to the governor, which only a passed vote can drive.
        address governor = address(d.governor);
        d.token.transferOwnership(governor);
        d.staking.setGovernance(governor);
        d.registry.setGovernance(governor);
        d.issuance.setGovernance(governor);
        d.featureAccess.setGovernance(governor);
    }

    function _proxy(address implementation, bytes memory initCall) private returns (address) {
        return address(new ERC1967Proxy(implementation, initCall));
    }
}

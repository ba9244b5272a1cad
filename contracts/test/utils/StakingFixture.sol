// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {AudioToken} from "../../src/AudioToken.sol";
import {Staking} from "../../src/staking/Staking.sol";
import {ServiceRegistry} from "../../src/staking/ServiceRegistry.sol";
import {Issuance} from "../../src/issuance/Issuance.sol";
import {IStaking} from "../../src/interfaces/IStaking.sol";
import {IGovernanceWindow} from "../../src/interfaces/IGovernanceWindow.sol";
import {ProtocolDefaults as D} from "../../src/ProtocolDefaults.sol";

/// @dev A governor stand-in: the window the withdrawal lockups must exceed, and the address allowed to register
/// proposal snapshots with the staking contract (tests prank as it).
contract FixedWindow is IGovernanceWindow {
    uint256 public governanceWindow;

    constructor(uint256 window) {
        governanceWindow = window;
    }
}

/// @dev Token, staking and registry behind real ERC-1967 proxies, with `gov` as governance, the launch service
/// types and `governor` (a `FixedWindow` with the launch window: voting period + execution delay) set as the
/// staking contract's governor. Accounts are funded with AUDIO and have approved staking.
abstract contract StakingFixture is Test {
    AudioToken internal token;
    Staking internal staking;
    ServiceRegistry internal registry;
    FixedWindow internal governor;
    address internal gov = makeAddr("governance");
    address internal treasury = makeAddr("treasury");

    function setUp() public virtual {
        token = new AudioToken(treasury, gov);
        staking = Staking(
            address(
                new ERC1967Proxy(
                    address(new Staking()),
                    abi.encodeCall(
                        Staking.initialize,
                        (
                            gov,
                            token,
                            D.UNSTAKE_LOCKUP,
                            D.REMOVE_DELEGATOR_LOCKUP,
                            D.CUT_COOLDOWN,
                            D.EXECUTION_WINDOW,
                            D.MIN_DELEGATION
                        )
                    )
                )
            )
        );
        registry = ServiceRegistry(
            address(
                new ERC1967Proxy(
                    address(new ServiceRegistry()),
                    abi.encodeCall(ServiceRegistry.initialize, (gov, IStaking(address(staking))))
                )
            )
        );
        governor = new FixedWindow(uint256(D.VOTING_PERIOD) + D.EXECUTION_DELAY);
        vm.startPrank(gov);
        staking.setRegistry(address(registry));
        staking.setGovernor(governor);
        registry.addServiceType(D.CONTENT_NODE, D.CONTENT_NODE_MIN_STAKE, D.CONTENT_NODE_MAX_STAKE);
        registry.addServiceType(D.DISCOVERY_NODE, D.DISCOVERY_NODE_MIN_STAKE, D.DISCOVERY_NODE_MAX_STAKE);
        vm.stopPrank();
    }

    /// @dev A real issuance contract wired to this staking contract (round 1 starts now; a pool pays nothing for a
    /// round it had no stake at the snapshot of), for tests that credit rewards by acting as it. A pool's first
    /// deposit settles through it, which records the pool settled until the end of the current round.
    function deployIssuance() internal returns (Issuance issuance) {
        issuance = Issuance(
            address(
                new ERC1967Proxy(
                    address(new Issuance()),
                    abi.encodeCall(
                        Issuance.initialize,
                        (
                            gov,
                            token,
                            IStaking(address(staking)),
                            registry,
                            D.ROUND_DURATION,
                            D.INFLATION_BPS_PER_YEAR,
                            D.ATTESTATION_WINDOW,
                            D.ATTESTATION_QUORUM_BPS
                        )
                    )
                )
            )
        );
        vm.prank(gov);
        staking.setIssuance(address(issuance));
    }

    /// @dev Register a proposal snapshot now, as the governor does at a proposal's creation; returns the total
    /// stake at the end of the previous second.
    function registerSnapshot() internal returns (uint256 totalBefore) {
        vm.prank(address(governor));
        totalBefore = staking.registerSnapshot();
    }

    /// @dev A funded account that has approved staking for everything.
    function funded(string memory name, uint256 amount) internal returns (address account) {
        account = makeAddr(name);
        vm.prank(treasury);
        require(token.transfer(account, amount));
        vm.prank(account);
        token.approve(address(staking), type(uint256).max);
    }

    /// @dev Register a content node for `operator` with `stake` and a unique endpoint and wallet.
    function registerContentNode(address operator, uint256 stake) internal returns (uint256 serviceId) {
        uint256 n = registry.serviceCount() + 1;
        vm.prank(operator);
        serviceId = registry.register(
            D.CONTENT_NODE,
            string.concat("https://cn", vm.toString(n), ".audius.test"),
            stake,
            makeAddr(string.concat("wallet", vm.toString(n)))
        );
    }
}

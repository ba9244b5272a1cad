// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {AudioToken} from "../src/AudioToken.sol";

contract AudioTokenTest is Test {
    AudioToken internal token;
    address internal treasury = makeAddr("treasury");
    address internal governance = makeAddr("governance");
    address internal issuance = makeAddr("issuance");

    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    function setUp() public {
        token = new AudioToken(treasury, governance);
    }

    function test_Metadata() public view {
        assertEq(token.name(), "Audius");
        assertEq(token.symbol(), "AUDIO");
        assertEq(token.decimals(), 18);
        assertEq(token.owner(), governance);
        assertEq(token.minter(), address(0));
    }

    function test_InitialSupplyGoesToHolder() public view {
        assertEq(token.totalSupply(), 1_000_000_000e18);
        assertEq(token.balanceOf(treasury), token.INITIAL_SUPPLY());
    }

    function test_SetMinter_EmitsAndAllowsMint() public {
        vm.expectEmit(address(token));
        emit AudioToken.MinterChanged(address(0), issuance);
        vm.prank(governance);
        token.setMinter(issuance);

        vm.prank(issuance);
        token.mint(address(this), 5e18);
        assertEq(token.balanceOf(address(this)), 5e18);
        assertEq(token.totalSupply(), token.INITIAL_SUPPLY() + 5e18);
    }

    function test_RevertWhen_SetMinterByNonOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, issuance));
        vm.prank(issuance);
        token.setMinter(issuance);
    }

    function testFuzz_RevertWhen_MintByNonMinter(address caller, uint256 amount) public {
        vm.prank(governance);
        token.setMinter(issuance);
        vm.assume(caller != issuance);
        vm.expectRevert(abi.encodeWithSelector(AudioToken.NotMinter.selector, caller));
        vm.prank(caller);
        token.mint(caller, amount);
    }

    function test_RevertWhen_MintAfterMinterRemoved() public {
        vm.startPrank(governance);
        token.setMinter(issuance);
        token.setMinter(address(0));
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(AudioToken.NotMinter.selector, issuance));
        vm.prank(issuance);
        token.mint(issuance, 1);
    }

    function test_RevertWhen_MintOverflowsSupply() public {
        vm.prank(governance);
        token.setMinter(issuance);
        vm.prank(issuance);
        vm.expectRevert(); // arithmetic overflow panic in the supply sum
        token.mint(issuance, type(uint256).max);
    }

    function test_OwnershipTransfersToNewGovernance() public {
        address newGovernance = makeAddr("newGovernance");
        vm.prank(governance);
        token.transferOwnership(newGovernance);
        assertEq(token.owner(), newGovernance);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, governance));
        vm.prank(governance);
        token.setMinter(issuance);
    }

    function test_HolderBurns() public {
        vm.prank(treasury);
        token.burn(1e18);
        assertEq(token.totalSupply(), token.INITIAL_SUPPLY() - 1e18);
    }

    function _signPermit(uint256 key, address spender, uint256 value, uint256 nonce, uint256 deadline)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        address owner = vm.addr(key);
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, nonce, deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        return vm.sign(key, digest);
    }

    function test_Permit_SetsAllowanceAndConsumesNonce() public {
        (address holder, uint256 key) = makeAddrAndKey("holder");
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(key, address(this), 7e18, 0, block.timestamp + 1 hours);
        token.permit(holder, address(this), 7e18, block.timestamp + 1 hours, v, r, s);
        assertEq(token.allowance(holder, address(this)), 7e18);
        assertEq(token.nonces(holder), 1);
    }

    function test_RevertWhen_PermitReplayed() public {
        (address holder, uint256 key) = makeAddrAndKey("holder");
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(key, address(this), 7e18, 0, deadline);
        token.permit(holder, address(this), 7e18, deadline, v, r, s);
        // The same signature now recovers to a different signer because the nonce moved on.
        vm.expectRevert();
        token.permit(holder, address(this), 7e18, deadline, v, r, s);
    }

    function test_RevertWhen_PermitExpired() public {
        (address holder, uint256 key) = makeAddrAndKey("holder");
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(key, address(this), 1, 0, deadline);
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612ExpiredSignature.selector, deadline));
        token.permit(holder, address(this), 1, deadline, v, r, s);
    }

    function test_RevertWhen_TransferExceedsBalance() public {
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, address(this), 0, 1));
        // forge-lint: disable-next-line(erc20-unchecked-transfer) it reverts
        token.transfer(treasury, 1);
    }
}

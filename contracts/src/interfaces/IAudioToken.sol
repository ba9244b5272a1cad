// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice What the other protocol contracts use of the AUDIO token: ERC-20, and minting for the issuance contract
/// (the token's minter).
interface IAudioToken is IERC20 {
    /// @notice Mint new AUDIO. Minter only (reverts for any other caller).
    /// @param to Recipient of the new tokens.
    /// @param amount Amount in wei (18 decimals).
    function mint(address to, uint256 amount) external;
}

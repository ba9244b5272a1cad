// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IAudioToken} from "./interfaces/IAudioToken.sol";

/// @title AUDIO, the Audius protocol token
/// @notice ERC-20 with EIP-2612 permit and burning (slashed stake is burned). The whole initial supply is minted at
/// deployment; afterwards only the minter (the issuance contract) can mint, and only the owner (governance) can
/// choose the minter.
/// @dev Deliberately not upgradeable: the token is the one contract whose rules must never change under holders.
contract AudioToken is ERC20, ERC20Burnable, ERC20Permit, Ownable, IAudioToken {
    /// @notice Supply minted to the initial holder at deployment: 1,000,000,000 AUDIO.
    uint256 public constant INITIAL_SUPPLY = 1_000_000_000 ether;

    /// @notice The only account allowed to mint; zero until governance sets it.
    address public minter;

    /// @notice Emitted when governance replaces the minter.
    event MinterChanged(address indexed previousMinter, address indexed newMinter);

    /// @notice The caller is not the minter.
    error NotMinter(address caller);

    /// @param initialHolder Receives the initial supply (the treasury).
    /// @param governance Owner of the token: the only account that can change the minter.
    constructor(address initialHolder, address governance)
        ERC20("Audius", "AUDIO")
        ERC20Permit("Audius")
        Ownable(governance)
    {
        _mint(initialHolder, INITIAL_SUPPLY);
    }

    /// @notice Replace the minter. Owner (governance) only.
    /// @param newMinter The new minter; zero disables minting (deliberately allowed: no zero check).
    function setMinter(address newMinter) external onlyOwner {
        emit MinterChanged(minter, newMinter);
        minter = newMinter;
    }

    /// @inheritdoc IAudioToken
    function mint(address to, uint256 amount) external {
        if (msg.sender != minter) revert NotMinter(msg.sender);
        _mint(to, amount);
    }
}

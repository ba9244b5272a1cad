//! SPL Token accounts for tests and benchmarks: the instructions that create a mint and a token account, for
//! LiteSVM and JSON-RPC alike (the caller supplies the rent-exempt balances its runtime asks for).

use anchor_lang::solana_program::{instruction::Instruction, program_pack::Pack, system_instruction};
use anchor_spl::token::spl_token;
use solana_pubkey::Pubkey;

/// Bytes of a mint and of a token account.
pub const MINT_LEN: usize = spl_token::state::Mint::LEN;
pub const TOKEN_ACCOUNT_LEN: usize = spl_token::state::Account::LEN;

/// Create `mint` (a new keypair's address, which signs) with `authority` as its mint authority; `payer` pays `rent`.
pub fn create_mint(payer: &Pubkey, mint: &Pubkey, authority: &Pubkey, decimals: u8, rent: u64) -> [Instruction; 2] {
    [
        system_instruction::create_account(payer, mint, rent, MINT_LEN as u64, &spl_token::ID),
        spl_token::instruction::initialize_mint2(&spl_token::ID, mint, authority, None, decimals)
            .expect("valid mint instruction"),
    ]
}

/// Create `account` (a new keypair's address, which signs), a token account of `mint` owned by `owner`; `payer`
/// pays `rent`.
pub fn create_token_account(
    payer: &Pubkey,
    account: &Pubkey,
    mint: &Pubkey,
    owner: &Pubkey,
    rent: u64,
) -> [Instruction; 2] {
    [
        system_instruction::create_account(payer, account, rent, TOKEN_ACCOUNT_LEN as u64, &spl_token::ID),
        spl_token::instruction::initialize_account3(&spl_token::ID, account, mint, owner)
            .expect("valid account instruction"),
    ]
}

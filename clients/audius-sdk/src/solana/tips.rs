//! Client for the tipping program (types generated from its IDL).

use anchor_lang::{prelude::Pubkey, solana_program::instruction::Instruction, InstructionData, ToAccountMetas};
use anchor_spl::token::spl_token;

pub use super::audius_tips::{accounts::TipTotal, ID as PROGRAM_ID};
use super::audius_tips::{client, constants::TIP_TOTAL_SEED};

/// Address of the running tip total from `sender` to `recipient` in `mint`.
pub fn tip_total_address(sender: &Pubkey, recipient: &Pubkey, mint: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[TIP_TOTAL_SEED, sender.as_ref(), recipient.as_ref(), mint.as_ref()], &PROGRAM_ID).0
}

/// A `send_tip` instruction moving `amount` of `mint` from `sender_token` to `recipient_token`
/// (SPL token accounts owned by `sender` and `recipient`). `sender` signs and pays for the tip total.
pub fn send_tip(
    sender: &Pubkey,
    recipient: &Pubkey,
    mint: &Pubkey,
    sender_token: &Pubkey,
    recipient_token: &Pubkey,
    amount: u64,
) -> Instruction {
    let accounts = client::accounts::SendTip {
        sender: *sender,
        recipient: *recipient,
        mint: *mint,
        sender_token: *sender_token,
        recipient_token: *recipient_token,
        tip_total: tip_total_address(sender, recipient, mint),
        token_program: spl_token::ID,
        system_program: anchor_lang::system_program::ID,
    };
    Instruction {
        program_id: PROGRAM_ID,
        accounts: accounts.to_account_metas(None),
        data: client::args::SendTip { amount }.data(),
    }
}

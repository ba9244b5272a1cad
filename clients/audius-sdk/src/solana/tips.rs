//! Client for the tipping program (types generated from its IDL).

use anchor_lang::{prelude::Pubkey, solana_program::instruction::Instruction, InstructionData, ToAccountMetas};
use anchor_spl::token::spl_token;

use super::audius_tips::client;
pub use super::audius_tips::constants::{LAYOUT_VERSION, TIP_TOTAL_SEED};
pub use super::audius_tips::{accounts::TipTotal, ID as PROGRAM_ID};

/// Address of the running tip total from `sender` to `recipient` in `mint`.
pub fn tip_total_address(sender: &Pubkey, recipient: &Pubkey, mint: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[TIP_TOTAL_SEED, sender.as_ref(), recipient.as_ref(), mint.as_ref()], &PROGRAM_ID).0
}

/// Compute units of a pair's first `send_tip` (it creates the pair's tip total) when the total's PDA has bump
/// 255, measured on the program's ELF (`scripts/bench/compute-units.sh`; the program's tests hold the SDK to
/// it). A later tip of the pair uses 1,494 fewer.
pub const SEND_TIP_UNITS: u32 = 6_169;
/// What creating the total costs more when its address already holds lamports (anyone can send some there
/// first): the program then tops it up, allocates and assigns it, three system calls instead of one.
pub const PREFUNDED_TOTAL_UNITS: u32 = 2_311;
use super::COMPUTE_BUDGET_UNITS;

/// The compute units a tip transaction of this pair and mint needs: its first tip's on the pre-funded path (which
/// no other tip exceeds; a first tip on the usual path uses 2,311 fewer, a later tip 3,805 fewer) and the
/// compute-budget instruction's. A caller that adds instructions to the transaction adds their units.
pub fn send_tip_compute_units(sender: &Pubkey, recipient: &Pubkey, mint: &Pubkey) -> u32 {
    let seeds: [&[u8]; 4] = [TIP_TOTAL_SEED, sender.as_ref(), recipient.as_ref(), mint.as_ref()];
    COMPUTE_BUDGET_UNITS + SEND_TIP_UNITS + PREFUNDED_TOTAL_UNITS + super::bump_search_units(&seeds, &PROGRAM_ID)
}

/// [`send_tip`] preceded by a compute-unit limit of what the transaction uses ([`send_tip_compute_units`])
/// instead of the runtime's default 200,000 per instruction.
pub fn send_tip_instructions(
    sender: &Pubkey,
    payer: &Pubkey,
    recipient: &Pubkey,
    mint: &Pubkey,
    sender_token: &Pubkey,
    recipient_token: &Pubkey,
    amount: u64,
) -> Vec<Instruction> {
    super::with_compute_limit(
        send_tip_compute_units(sender, recipient, mint),
        [send_tip(sender, payer, recipient, mint, sender_token, recipient_token, amount)],
    )
}

/// A `send_tip` instruction moving `amount` of `mint` from `sender_token` to `recipient_token`
/// (SPL token accounts owned by `sender` and `recipient`). `sender` signs; `payer` (the sender itself, or an app
/// sponsoring a fan with no SOL) signs and pays the tip total's rent on the pair's first tip.
pub fn send_tip(
    sender: &Pubkey,
    payer: &Pubkey,
    recipient: &Pubkey,
    mint: &Pubkey,
    sender_token: &Pubkey,
    recipient_token: &Pubkey,
    amount: u64,
) -> Instruction {
    let accounts = client::accounts::SendTip {
        sender: *sender,
        payer: *payer,
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

/// A `close_tip_total` instruction: `sender` closes its tip total to `recipient` in `mint`, and the rent goes back to
/// `rent_payer`, who paid it (`TipTotal::rent_payer`).
pub fn close_tip_total(sender: &Pubkey, recipient: &Pubkey, mint: &Pubkey, rent_payer: &Pubkey) -> Instruction {
    let accounts = client::accounts::CloseTipTotal {
        sender: *sender,
        recipient: *recipient,
        mint: *mint,
        tip_total: tip_total_address(sender, recipient, mint),
        rent_payer: *rent_payer,
    };
    Instruction {
        program_id: PROGRAM_ID,
        accounts: accounts.to_account_metas(None),
        data: client::args::CloseTipTotal {}.data(),
    }
}

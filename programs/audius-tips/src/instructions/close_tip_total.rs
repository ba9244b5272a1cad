use anchor_lang::prelude::*;

use crate::{constants::TIP_TOTAL_SEED, errors::TipError, events::TipTotalClosed, state::TipTotal};

/// The sender closes its tip total to one recipient in one mint: the record goes, its rent returns to whoever paid
/// it (`TipTotal::rent_payer`). The tips themselves stay in their `TipSent` events; the next tip opens a new total.
#[derive(Accounts)]
pub struct CloseTipTotal {
    pub sender: Signer,
    /// The total's recipient (bound by the PDA seeds).
    pub recipient: UncheckedAccount,
    /// The total's mint (bound by the PDA seeds).
    pub mint: UncheckedAccount,
    #[account(
        mut,
        close = rent_payer,
        seeds = [TIP_TOTAL_SEED, sender.address().as_ref(), recipient.address().as_ref(), mint.address().as_ref()],
        bump = tip_total.bump,
    )]
    pub tip_total: BorshAccount<TipTotal>,
    /// Who paid the total's rent (recorded in it); often the sender, so it may repeat `sender` (`unsafe(dup)`): it
    /// only receives lamports, its data is never read or written.
    #[account(unsafe(dup), constraint = *rent_payer.address() == tip_total.rent_payer @ TipError::WrongRentPayer)]
    pub rent_payer: UncheckedAccount,
}

pub fn handler(ctx: &mut Context<CloseTipTotal>) -> Result<()> {
    let total = &ctx.accounts.tip_total;
    emit!(TipTotalClosed {
        sender: total.sender,
        recipient: total.recipient,
        mint: total.mint,
        amount: total.amount,
        count: total.count,
    });
    Ok(())
}

use anchor_lang::prelude::*;
use anchor_spl::token::{self, Mint, Token, TokenAccount, TransferChecked};

use crate::{constants::TIP_TOTAL_SEED, errors::TipError, events::TipSent, state::TipTotal};

#[derive(Accounts)]
pub struct SendTip<'info> {
    #[account(mut)]
    pub sender: Signer<'info>,
    /// CHECK: any account may receive tips; it is bound by `recipient_token`'s authority and the PDA seeds.
    pub recipient: UncheckedAccount<'info>,
    pub mint: Account<'info, Mint>,
    #[account(mut, token::mint = mint, token::authority = sender)]
    pub sender_token: Account<'info, TokenAccount>,
    #[account(mut, token::mint = mint, token::authority = recipient)]
    pub recipient_token: Account<'info, TokenAccount>,
    #[account(
        init_if_needed,
        payer = sender,
        space = 8 + TipTotal::INIT_SPACE,
        seeds = [TIP_TOTAL_SEED, sender.key().as_ref(), recipient.key().as_ref(), mint.key().as_ref()],
        bump,
    )]
    pub tip_total: Account<'info, TipTotal>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<SendTip>, amount: u64) -> Result<()> {
    require!(amount > 0, TipError::ZeroAmount);
    require_keys_neq!(ctx.accounts.sender.key(), ctx.accounts.recipient.key(), TipError::SelfTip);

    let tip_total = &mut ctx.accounts.tip_total;
    let total = tip_total.amount.checked_add(amount).ok_or(TipError::TotalOverflow)?;
    let count = tip_total.count.checked_add(1).ok_or(TipError::TotalOverflow)?;
    if tip_total.count == 0 {
        tip_total.sender = ctx.accounts.sender.key();
        tip_total.recipient = ctx.accounts.recipient.key();
        tip_total.mint = ctx.accounts.mint.key();
        tip_total.bump = ctx.bumps.tip_total;
    }
    tip_total.amount = total;
    tip_total.count = count;

    token::transfer_checked(
        CpiContext::new(
            ctx.accounts.token_program.key(),
            TransferChecked {
                from: ctx.accounts.sender_token.to_account_info(),
                mint: ctx.accounts.mint.to_account_info(),
                to: ctx.accounts.recipient_token.to_account_info(),
                authority: ctx.accounts.sender.to_account_info(),
            },
        ),
        amount,
        ctx.accounts.mint.decimals,
    )?;

    emit!(TipSent {
        sender: ctx.accounts.sender.key(),
        recipient: ctx.accounts.recipient.key(),
        mint: ctx.accounts.mint.key(),
        amount,
        total,
    });
    Ok(())
}

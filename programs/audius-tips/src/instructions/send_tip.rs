use anchor_lang::prelude::*;
use pinocchio_token::{
    instructions::TransferChecked,
    state::{Account as TokenAccount, Mint},
};

use crate::{
    constants::{LAYOUT_VERSION, TIP_TOTAL_SEED},
    errors::TipError,
    events::TipSent,
    state::TipTotal,
};

#[derive(Accounts)]
pub struct SendTip {
    pub sender: Signer,
    /// Pays the tip total's rent on the pair's first tip: the sender itself (it may repeat `sender`), or an app
    /// sponsoring a fan who holds no SOL.
    #[account(mut, unsafe(dup))]
    pub payer: Signer,
    /// Any account may receive tips; it is bound by `recipient_token`'s owner and the PDA seeds.
    pub recipient: UncheckedAccount,
    /// Checked in the handler: an initialized mint owned by SPL Token.
    pub mint: UncheckedAccount,
    /// Checked in the handler: the sender's account of `mint`.
    #[account(mut)]
    pub sender_token: UncheckedAccount,
    /// Checked in the handler: the recipient's account of `mint`.
    #[account(mut)]
    pub recipient_token: UncheckedAccount,
    #[account(
        init_if_needed,
        payer = payer,
        space = 8 + TipTotal::INIT_SPACE,
        seeds = [TIP_TOTAL_SEED, sender.address().as_ref(), recipient.address().as_ref(), mint.address().as_ref()],
        bump,
    )]
    pub tip_total: BorshAccount<TipTotal>,
    pub token_program: Program<Token>,
    pub system_program: Program<System>,
}

/// `account` is an initialized SPL Token account of `mint` owned by `owner`.
fn require_token_account(account: &UncheckedAccount, mint: &Address, owner: &Address) -> Result<()> {
    let token = TokenAccount::from_account_view(account.account()).map_err(|_| TipError::InvalidTokenAccount)?;
    require!(token.is_initialized() && token.mint() == mint, TipError::InvalidTokenAccount);
    require!(token.owner() == owner, TipError::WrongTokenOwner);
    Ok(())
}

pub fn handler(ctx: &mut Context<SendTip>, amount: u64) -> Result<()> {
    let accounts = &mut ctx.accounts;
    require!(amount > 0, TipError::ZeroAmount);
    let (sender, recipient, mint) =
        (*accounts.sender.address(), *accounts.recipient.address(), *accounts.mint.address());
    require!(sender != recipient, TipError::SelfTip);
    let decimals = {
        let mint_state = Mint::from_account_view(accounts.mint.account()).map_err(|_| TipError::InvalidMint)?;
        require!(mint_state.is_initialized(), TipError::InvalidMint);
        mint_state.decimals()
    };
    require_token_account(&accounts.sender_token, &mint, &sender)?;
    require_token_account(&accounts.recipient_token, &mint, &recipient)?;

    let tip_total = &mut accounts.tip_total;
    let total = tip_total.amount.checked_add(amount).ok_or(TipError::TotalOverflow)?;
    let count = tip_total.count.checked_add(1).ok_or(TipError::TotalOverflow)?;
    if tip_total.count == 0 {
        tip_total.version = LAYOUT_VERSION;
        tip_total.rent_payer = *accounts.payer.address();
        tip_total.sender = sender;
        tip_total.recipient = recipient;
        tip_total.mint = mint;
        tip_total.bump = ctx.bumps.tip_total;
    }
    tip_total.amount = total;
    tip_total.count = count;

    TransferChecked::new(
        accounts.sender_token.account(),
        accounts.mint.account(),
        accounts.recipient_token.account(),
        accounts.sender.account(),
        amount,
        decimals,
    )
    .invoke()?;

    emit!(TipSent { sender, recipient, mint, amount, total });
    Ok(())
}

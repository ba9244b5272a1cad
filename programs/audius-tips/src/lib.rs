//! Audius tipping program: a fan tips an artist in any SPL token (AUDIO on Solana) and the running total for
//! each (sender, recipient, mint) is kept in a PDA that apps read to show "top supporters"; the sender may close
//! it for its rent.
#![cfg_attr(target_os = "solana", no_std)]

extern crate alloc;

// memcpy & co. (the `sol_mem*` syscalls) and the integer libcalls the upstream BPF target leaves to the program.
#[cfg(target_os = "solana")]
use solana_compiler_builtins as _;

use anchor_lang::prelude::*;

pub mod constants;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod state;

use instructions::*;

declare_id!("FScVXMk75P46ncwMyNg24ZzTf1nfepNZY3tyA54q8u1z");

// Anchor v2 installs the allocator; a no_std program also needs a panic handler.
#[cfg(target_os = "solana")]
anchor_lang::pinocchio::nostd_panic_handler!();

#[program]
pub mod audius_tips {
    use super::*;

    /// Move `amount` tokens from the sender to the recipient and add it to their tip total.
    pub fn send_tip(ctx: &mut Context<SendTip>, amount: u64) -> Result<()> {
        instructions::send_tip::handler(ctx, amount)
    }

    /// Close the sender's tip total to a recipient in a mint; its rent goes back to whoever paid it.
    pub fn close_tip_total(ctx: &mut Context<CloseTipTotal>) -> Result<()> {
        instructions::close_tip_total::handler(ctx)
    }
}

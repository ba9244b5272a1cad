//! Seeds and sizes shared by the program and its clients (`#[constant]`: published in the IDL).

use anchor_lang::prelude::*;

/// Seed prefix of a [`crate::state::TipTotal`] PDA: `[TIP_TOTAL_SEED, sender, recipient, mint]`.
#[constant]
pub const TIP_TOTAL_SEED: &[u8] = b"tip_total";
/// The layout version of a tip total (its first byte after the discriminator): a later layout appends its fields
/// and moves it on.
#[constant]
pub const LAYOUT_VERSION: u8 = 1;

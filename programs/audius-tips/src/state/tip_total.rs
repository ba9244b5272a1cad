use anchor_lang::prelude::*;

/// Running total of tips from one sender to one recipient in one mint.
#[account(borsh)]
#[derive(InitSpace)]
pub struct TipTotal {
    /// Layout version (`LAYOUT_VERSION`).
    pub version: u8,
    pub sender: Address,
    pub recipient: Address,
    pub mint: Address,
    /// Sum of all tips, in the mint's base units.
    pub amount: u64,
    /// Number of tips.
    pub count: u64,
    /// Who paid the total's rent with the pair's first tip (the sender, or an app sponsoring it): closing the total
    /// pays it back there.
    pub rent_payer: Address,
    pub bump: u8,
}

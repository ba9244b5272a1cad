use anchor_lang::prelude::*;

#[error_code]
pub enum TipError {
    #[msg("tip amount must be greater than zero")]
    ZeroAmount,
    #[msg("sender and recipient must differ")]
    SelfTip,
    #[msg("tip total would overflow")]
    TotalOverflow,
}

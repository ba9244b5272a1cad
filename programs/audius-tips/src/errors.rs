use anchor_lang::prelude::*;

#[error_code]
pub enum TipError {
    #[msg("tip amount must be greater than zero")]
    ZeroAmount,
    #[msg("sender and recipient must differ")]
    SelfTip,
    #[msg("tip total would overflow")]
    TotalOverflow,
    #[msg("the mint is not an initialized SPL Token mint")]
    InvalidMint,
    #[msg("a token account is not an initialized SPL Token account of the mint")]
    InvalidTokenAccount,
    #[msg("the sender's token account is not the sender's, or the recipient's is not the recipient's")]
    WrongTokenOwner,
    #[msg("the rent goes back to the account that paid it")]
    WrongRentPayer,
}

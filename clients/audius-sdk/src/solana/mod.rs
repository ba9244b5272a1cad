//! Solana side: PDA derivation and instruction builders for the Audius programs.

pub mod tips;

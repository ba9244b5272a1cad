//! Seeds and sizes shared by the program and its clients.

/// Seed prefix of a [`crate::state::TipTotal`] PDA: `[TIP_TOTAL_SEED, sender, recipient, mint]`.
pub const TIP_TOTAL_SEED: &[u8] = b"tip_total";

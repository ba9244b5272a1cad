//! Parsing what people type (AUDIO amounts, addresses, CIDs) for clap, and printing times (the SDK's `when`).

use alloy::primitives::{utils::parse_units, Address, U256};
pub use audius_sdk::time::when;

/// Parse an AUDIO amount in whole tokens with up to 18 decimals into wei, as [`parse_tokens`] reads it.
pub fn parse_audio(text: &str) -> Result<U256, String> {
    parse_tokens(text, 18, "AUDIO")
}

/// Parse an ETH amount in whole ether with up to 18 decimals into wei, as [`parse_tokens`] reads it.
pub fn parse_eth(text: &str) -> Result<U256, String> {
    parse_tokens(text, 18, "ETH")
}

/// Parse an amount of whole `unit` tokens with up to `decimals` decimals into base units, exactly as written:
/// digits, `_` between digits to group them (`200_000`), a `.` before the decimals (`1.5`). Nothing else is guessed
/// at: a comma (a thousands separator to some, a decimal mark to others), spaces, signs and units are refused.
pub fn parse_tokens(text: &str, decimals: u8, unit: &str) -> Result<U256, String> {
    let hint = "whole tokens, e.g. 200000, 200_000 or 1.5";
    if text.contains(',') {
        return Err(format!(
            "{text:?}: write decimals with a point (1.5) and group digits with _ (1_000), not a comma"
        ));
    }
    if text.starts_with('-') {
        return Err(format!("{text:?}: the amount must be more than zero"));
    }
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    if !whole.split('_').all(digits) || !fraction.is_none_or(digits) {
        return Err(format!("{text:?} is not an {unit} amount ({hint})"));
    }
    if fraction.is_some_and(|fraction| fraction.len() > usize::from(decimals)) {
        return Err(format!("{text:?} has more than the {decimals} decimals {unit} has"));
    }
    let base: U256 = parse_units(&text.replace('_', ""), decimals)
        .map_err(|_| format!("{text:?} is not an {unit} amount ({hint})"))?
        .into();
    if base.is_zero() {
        return Err(format!("{text:?}: the amount must be more than zero"));
    }
    Ok(base)
}

/// An amount to take out of a position: exact, or `all` of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withdrawal {
    /// This many wei.
    Exact(U256),
    /// The whole active position, read from the chain when the command runs.
    All,
}

impl Withdrawal {
    /// The amount to ask the staking contract for: `all` asks for more than any position, which the contract reads
    /// as the whole of it at the block it is mined in; `all` of nothing (`position`, read now) is refused here,
    /// before anything is sent.
    pub fn amount(self, position: U256) -> anyhow::Result<U256> {
        match self {
            Withdrawal::Exact(amount) => Ok(amount),
            Withdrawal::All if position.is_zero() => {
                Err(crate::error::CliError::input("there is no active stake to take out"))
            }
            Withdrawal::All => Ok(U256::MAX),
        }
    }

    /// How a prompt names it.
    pub fn describe(self, position: U256) -> String {
        match self {
            Withdrawal::Exact(amount) => audius_sdk::eth::format_audio(amount),
            Withdrawal::All => format!("all ({} now)", audius_sdk::eth::format_audio(position)),
        }
    }
}

/// Parse an amount to withdraw: `all` (the whole position), or AUDIO as [`parse_audio`] reads it.
pub fn parse_withdrawal(text: &str) -> Result<Withdrawal, String> {
    match text {
        "all" => Ok(Withdrawal::All),
        _ => parse_audio(text).map(Withdrawal::Exact).map_err(|error| format!("{error}, or all")),
    }
}

/// Parse an Ethereum address (`0x` + 40 hex digits; a mixed-case address must have a valid checksum).
pub fn parse_address(text: &str) -> Result<Address, String> {
    let address: Address = text.parse().map_err(|_| format!("{text:?} is not an Ethereum address"))?;
    let hex = text.trim_start_matches("0x");
    let mixed = hex.chars().any(|c| c.is_ascii_uppercase()) && hex.chars().any(|c| c.is_ascii_lowercase());
    if mixed && Address::parse_checksummed(text, None).is_err() {
        return Err(format!("{text:?} has a wrong checksum (a typo?)"));
    }
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_amounts_are_whole_tokens() {
        assert_eq!(parse_audio("1.5").unwrap(), U256::from(15u64) * U256::from(10u64).pow(U256::from(17)));
        assert_eq!(parse_audio("200_000").unwrap(), parse_audio("200000").unwrap());
        assert_eq!(parse_audio("0.000000000000000001").unwrap(), U256::from(1u64));
        for bad in ["", "abc", "-1", "0", "0.0", "1.0000000000000000001", "1e400", "+5", "0x10"] {
            assert!(parse_audio(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn amounts_are_taken_only_as_written() {
        let comma = parse_audio("1,5").unwrap_err();
        assert!(comma.contains("not a comma"), "{comma}");
        for ambiguous in ["1,000", "1,000.5"] {
            assert!(parse_audio(ambiguous).unwrap_err().contains("not a comma"), "{ambiguous}");
        }
        for loose in
            [" 100", "100 ", "100AUDIO", "100 AUDIO", "1.", ".5", "1_", "_1", "1__000", "1._5", "1.5_0", "1.2.3"]
        {
            assert!(parse_audio(loose).unwrap_err().contains("is not an AUDIO amount"), "{loose:?} accepted");
        }
    }

    #[test]
    fn addresses_need_hex_and_a_right_checksum() {
        assert!(parse_address("0x70997970c51812dc3a010c7d01b50e0d17dc79c8").is_ok());
        assert!(parse_address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8").is_ok());
        assert!(parse_address("0x70997970C51812dc3A010C7d01b50e0d17dc79c8").is_err());
        assert!(parse_address("0x1234").is_err());
        assert!(parse_address("bob").is_err());
    }
}

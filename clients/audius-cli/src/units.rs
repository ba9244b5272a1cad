//! Parsing what people type (AUDIO amounts, addresses, CIDs) and printing times, for clap and for output.

use std::time::{Duration, UNIX_EPOCH};

use alloy::primitives::{utils::parse_units, Address, U256};

/// Parse an AUDIO amount in whole tokens with up to 18 decimals (`200000`, `1.5`, `1_000`) into wei.
pub fn parse_audio(text: &str) -> Result<U256, String> {
    let cleaned = text.trim().trim_end_matches("AUDIO").trim().replace(['_', ','], "");
    if cleaned.starts_with('-') {
        return Err(format!("{text:?}: the amount must be more than zero"));
    }
    if cleaned.split_once('.').is_some_and(|(_, decimals)| decimals.len() > 18) {
        return Err(format!("{text:?} has more than the 18 decimals AUDIO has"));
    }
    let wei: U256 = parse_units(&cleaned, 18)
        .map_err(|_| format!("{text:?} is not an AUDIO amount (whole tokens, e.g. 200000 or 1.5)"))?
        .into();
    if wei.is_zero() {
        return Err(format!("{text:?}: the amount must be more than zero"));
    }
    Ok(wei)
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

/// `unix` as an RFC 3339 UTC time and its distance from `now` ("2026-11-28T10:00:00Z, in 7days").
pub fn when(unix: u64, now: u64) -> String {
    let at = humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(unix));
    if unix > now {
        format!("{at}, in {}", humantime::format_duration(Duration::from_secs(unix - now)))
    } else {
        format!("{at}, {} ago", humantime::format_duration(Duration::from_secs(now - unix)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_amounts_are_whole_tokens() {
        assert_eq!(parse_audio("1.5").unwrap(), U256::from(15u64) * U256::from(10u64).pow(U256::from(17)));
        assert_eq!(parse_audio("200_000 AUDIO").unwrap(), parse_audio("200000").unwrap());
        for bad in ["", "abc", "-1", "0", "1.0000000000000000001", "1e400"] {
            assert!(parse_audio(bad).is_err(), "{bad:?} accepted");
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

    #[test]
    fn times_read_relative_to_now() {
        assert_eq!(when(86_400, 0), "1970-01-02T00:00:00Z, in 1day");
        assert_eq!(when(0, 60), "1970-01-01T00:00:00Z, 1m ago");
    }
}

//! Amounts (`U256`) in JSON as decimal strings, `"200000000000000000000000"`: the same in every document the SDK,
//! the CLI and the nodes write (serde's default for `U256` is hex), and read back strictly. Use as
//! `#[serde(with = "audius_sdk::decimal")]`, or `serialize_with = "…::decimal::serialize_all"` for a list.

use alloy::primitives::U256;
use serde::{Deserialize, Deserializer, Serializer};

/// `value` as its decimal digits.
pub fn serialize<S: Serializer>(value: &U256, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// Decimal digits only (no sign, no `0x`, no spaces).
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<U256, D::Error> {
    let text = String::deserialize(deserializer)?;
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(serde::de::Error::custom(format!("{text:?} is not a decimal amount")));
    }
    U256::from_str_radix(&text, 10).map_err(serde::de::Error::custom)
}

/// Each of `values` as its decimal digits.
pub fn serialize_all<S: Serializer>(values: &[U256], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(values.iter().map(U256::to_string))
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Amount(#[serde(with = "super")] U256);

    #[test]
    fn amounts_are_decimal_both_ways() {
        let amount = Amount(U256::from(10u64).pow(U256::from(24u64)));
        let text = serde_json::to_string(&amount).unwrap();
        assert_eq!(text, "\"1000000000000000000000000\"");
        assert_eq!(serde_json::from_str::<Amount>(&text).unwrap(), amount);
        for bad in ["\"0x10\"", "\"-1\"", "\"\"", "\" 5\"", "16"] {
            assert!(serde_json::from_str::<Amount>(bad).is_err(), "{bad}");
        }
    }
}

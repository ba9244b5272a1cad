//! Solana side: PDA derivation and instruction builders for the Audius programs.

pub mod content;
#[cfg(feature = "rpc")]
pub mod rpc;
#[cfg(feature = "tips")]
pub mod tips;

/// A program's error as its IDL names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedError {
    /// The custom error code.
    pub code: u32,
    /// The error's name in the program.
    pub name: String,
    /// Its message.
    pub msg: String,
}

/// Look `code` up in the `errors` of an Anchor IDL (JSON text).
pub(crate) fn named_error(idl: &str, code: u32) -> Option<NamedError> {
    let idl: serde_json::Value = serde_json::from_str(idl).ok()?;
    idl["errors"].as_array()?.iter().find(|e| e["code"].as_u64() == Some(u64::from(code))).map(|e| NamedError {
        code,
        name: e["name"].as_str().unwrap_or_default().to_string(),
        msg: e["msg"].as_str().unwrap_or_default().to_string(),
    })
}

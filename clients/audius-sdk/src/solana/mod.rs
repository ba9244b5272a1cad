//! Solana side: PDA derivation and instruction builders for the Audius programs.
//!
//! The programs' types (accounts, instruction arguments, events) are generated from their committed IDLs
//! (`idls/`), so the SDK depends on the programs' published interface, not on their source or their framework;
//! what the IDL cannot carry (signed-message digests, seeds, bounds) comes from `audius-content-interface`.

/// The programs' accounts, instruction arguments, events, errors and constants, generated from their IDLs (the IDL
/// carries their documentation where the program wrote any).
#[allow(missing_docs)]
mod generated {
    // `declare_program!` reaches the framework as `super::anchor_lang` off chain.
    #[allow(clippy::single_component_path_imports)]
    use anchor_lang;

    anchor_lang::declare_program!(audius_content);
    #[cfg(feature = "tips")]
    anchor_lang::declare_program!(audius_tips);
}

pub use generated::audius_content;
#[cfg(feature = "tips")]
pub use generated::audius_tips;

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

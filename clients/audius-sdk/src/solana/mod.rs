//! Solana side: PDA derivation and instruction builders for the Audius programs.
//!
//! The programs' types (accounts, instruction arguments, events) are generated from their committed IDLs
//! (`idls/`), so the SDK depends on the programs' published interface, not on their source or their framework;
//! what the IDL cannot carry (signed-message digests, seeds, bounds) comes from `audius-content-interface`.

/// The programs' accounts, instruction arguments, events, errors and constants, generated from their IDLs (the IDL
/// carries their documentation where the program wrote any). The generated CPI helpers take an instruction's
/// arguments one by one, as many as it has.
#[allow(missing_docs, clippy::too_many_arguments)]
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

/// What a compute-unit-limit instruction itself takes of the transaction's limit.
pub const COMPUTE_BUDGET_UNITS: u32 = 150;
/// Each bump below 255 is one more candidate in a program's search for the PDA it creates (measured 316 to 358
/// units on the programs' ELFs, `scripts/bench/compute-units.sh`).
pub const UNITS_PER_BUMP_STEP: u32 = 360;

/// The bump of the PDA `seeds` of `program`, and what searching for it costs beyond bump 255.
pub fn bump_search_units(seeds: &[&[u8]], program: &anchor_lang::prelude::Pubkey) -> u32 {
    let (_, bump) = anchor_lang::prelude::Pubkey::find_program_address(seeds, program);
    UNITS_PER_BUMP_STEP * u32::from(u8::MAX - bump)
}

/// `instructions` preceded by a compute-unit limit of `units` (which must include [`COMPUTE_BUDGET_UNITS`]).
pub fn with_compute_limit(
    units: u32,
    instructions: impl IntoIterator<Item = anchor_lang::solana_program::instruction::Instruction>,
) -> Vec<anchor_lang::solana_program::instruction::Instruction> {
    std::iter::once(solana_compute_budget_interface::ComputeBudgetInstruction::set_compute_unit_limit(units))
        .chain(instructions)
        .collect()
}
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

//! The programs' SBF ELFs, as built by `scripts/build-sbf.sh` and embedded at compile time: what the local node,
//! the program tests and the benchmarks run is the bytecode a cluster would run.

use audius_content_interface::loader;
use litesvm::{error::LiteSVMError, LiteSVM};
use solana_pubkey::Pubkey;

/// A program the node deploys: its name, its address (from its IDL, so its `declare_id!`) and its ELF.
#[derive(Debug, Clone, Copy)]
pub struct Program {
    /// The crate's library name (its ELF is `<name>.so`).
    pub name: &'static str,
    /// Where it is deployed.
    pub id: Pubkey,
    /// The SBF bytecode.
    pub elf: &'static [u8],
}

/// The content program: profiles, tracks, the node registry and the content ledger.
pub const AUDIUS_CONTENT: Program = Program {
    name: "audius_content",
    id: Pubkey::from_str_const(env!("AUDIUS_ID_AUDIUS_CONTENT")),
    elf: include_bytes!(env!("AUDIUS_ELF_AUDIUS_CONTENT")),
};

/// The tipping program.
pub const AUDIUS_TIPS: Program = Program {
    name: "audius_tips",
    id: Pubkey::from_str_const(env!("AUDIUS_ID_AUDIUS_TIPS")),
    elf: include_bytes!(env!("AUDIUS_ELF_AUDIUS_TIPS")),
};

/// Every program this crate embeds.
pub const ALL: [Program; 2] = [AUDIUS_CONTENT, AUDIUS_TIPS];

/// Deploy every embedded program into `svm` with the upgradeable loader (which verifies each ELF, as a cluster's
/// does), upgradeable by `upgrade_authority` — the deployer, the only key that may `initialize` the content
/// program — or immutable with `None`.
pub fn load(svm: &mut LiteSVM, upgrade_authority: Option<Pubkey>) -> Result<(), LiteSVMError> {
    let loader = Pubkey::new_from_array(loader::UPGRADEABLE_LOADER);
    for program in ALL {
        svm.add_program(program.id, program.elf)?;
        let Some(authority) = upgrade_authority else { continue };
        let program_data = Pubkey::find_program_address(&[program.id.as_ref()], &loader).0;
        let mut account = svm.get_account(&program_data).expect("the loader created the ProgramData");
        assert!(loader::set_upgrade_authority(&mut account.data, authority.to_bytes()), "a ProgramData header");
        svm.set_account(program_data, account)?;
    }
    Ok(())
}

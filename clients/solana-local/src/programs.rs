//! The programs' SBF ELFs, as built by `scripts/build-sbf.sh` and embedded at compile time: what the local node,
//! the program tests and the benchmarks run is the bytecode a cluster would run.

use litesvm::{error::LiteSVMError, LiteSVM};
use solana_pubkey::Pubkey;

/// The tipping program: its address (from its IDL, so its `declare_id!`) and ELF.
pub const AUDIUS_TIPS: (Pubkey, &[u8]) =
    (Pubkey::from_str_const(env!("AUDIUS_ID_AUDIUS_TIPS")), include_bytes!(env!("AUDIUS_ELF_AUDIUS_TIPS")));

/// Every program this crate embeds.
pub const ALL: [(Pubkey, &[u8]); 1] = [AUDIUS_TIPS];

/// Deploy every embedded program into `svm` (its loader verifies each ELF, as a cluster's does).
pub fn load(svm: &mut LiteSVM) -> Result<(), LiteSVMError> {
    for (id, elf) in ALL {
        svm.add_program(id, elf)?;
    }
    Ok(())
}

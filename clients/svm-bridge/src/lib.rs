//! Glue that lets a natively compiled Anchor program run inside the real Solana runtime.
//!
//! Our programs cannot be compiled to SBF on these machines, so they are compiled for the host and registered
//! as builtins (`ProgramTest::add_program`, `LiteSVM::add_builtin`, surfpool's inner LiteSVM). Two pieces of
//! glue make that work:
//!
//! 1. **Syscall stubs.** A native program reaches the runtime (CPI, sysvars, return data, logs) through the
//!    `program_stubs` of `solana-sysvar`. solana-program-test 4.2 installs its stubs, the ones that talk to the
//!    running `InvokeContext`, into solana-sysvar **4.x**, but anchor-lang 1.2 (solana-v3) calls through
//!    solana-sysvar **3.x**, whose default stubs make CPI a silent no-op and sysvars `UnsupportedSysvar`.
//!    [`install`] takes program-test's stubs and serves both versions from them.
//! 2. **Lifetimes.** Anchor 1.x's `entry<'info>` ties all its arguments to one lifetime, while the runtime's
//!    `ProcessInstruction` has independent ones; [`native_processor!`] bridges the two.
//!
//! The two solana-sysvar versions share `AccountInfo`, `Instruction` and `Pubkey`, and their sysvar layouts
//! are byte-compatible (solana-rent 4 keeps the 3.x field widths), so forwarding is a plain call.

use std::sync::{Arc, Once};

use solana_program_test::ProgramTest;

pub use solana_program_test;

#[doc(hidden)]
pub mod __private {
    pub use {
        solana_account_info::AccountInfo, solana_program_entrypoint::ProcessInstruction,
        solana_program_error::ProgramResult, solana_pubkey::Pubkey,
    };
}

/// Forwards every syscall stub to program-test's implementation. One struct serves both trait versions.
struct Forward(Arc<dyn solana_sysvar_v4::program_stubs::SyscallStubs>);

/// The traits of solana-sysvar 3.x and 4.x have identical signatures; implement both from one list.
macro_rules! forward_syscall_stubs {
    ($stubs:path) => {
        impl $stubs for Forward {
            fn sol_log(&self, message: &str) {
                self.0.sol_log(message)
            }
            fn sol_log_compute_units(&self) {
                self.0.sol_log_compute_units()
            }
            fn sol_remaining_compute_units(&self) -> u64 {
                self.0.sol_remaining_compute_units()
            }
            fn sol_invoke_signed(
                &self,
                instruction: &solana_instruction::Instruction,
                account_infos: &[solana_account_info::AccountInfo],
                signers_seeds: &[&[&[u8]]],
            ) -> solana_program_error::ProgramResult {
                self.0.sol_invoke_signed(instruction, account_infos, signers_seeds)
            }
            fn sol_get_sysvar(&self, sysvar_id_addr: *const u8, var_addr: *mut u8, offset: u64, length: u64) -> u64 {
                self.0.sol_get_sysvar(sysvar_id_addr, var_addr, offset, length)
            }
            fn sol_get_clock_sysvar(&self, var_addr: *mut u8) -> u64 {
                self.0.sol_get_clock_sysvar(var_addr)
            }
            fn sol_get_epoch_schedule_sysvar(&self, var_addr: *mut u8) -> u64 {
                self.0.sol_get_epoch_schedule_sysvar(var_addr)
            }
            fn sol_get_fees_sysvar(&self, var_addr: *mut u8) -> u64 {
                self.0.sol_get_fees_sysvar(var_addr)
            }
            fn sol_get_rent_sysvar(&self, var_addr: *mut u8) -> u64 {
                self.0.sol_get_rent_sysvar(var_addr)
            }
            fn sol_get_epoch_rewards_sysvar(&self, var_addr: *mut u8) -> u64 {
                self.0.sol_get_epoch_rewards_sysvar(var_addr)
            }
            fn sol_get_last_restart_slot(&self, var_addr: *mut u8) -> u64 {
                self.0.sol_get_last_restart_slot(var_addr)
            }
            fn sol_get_epoch_stake(&self, vote_address: *const u8) -> u64 {
                self.0.sol_get_epoch_stake(vote_address)
            }
            unsafe fn sol_memcpy(&self, dst: *mut u8, src: *const u8, n: usize) {
                unsafe { self.0.sol_memcpy(dst, src, n) }
            }
            unsafe fn sol_memmove(&self, dst: *mut u8, src: *const u8, n: usize) {
                unsafe { self.0.sol_memmove(dst, src, n) }
            }
            unsafe fn sol_memcmp(&self, s1: *const u8, s2: *const u8, n: usize, result: *mut i32) {
                unsafe { self.0.sol_memcmp(s1, s2, n, result) }
            }
            unsafe fn sol_memset(&self, s: *mut u8, c: u8, n: usize) {
                unsafe { self.0.sol_memset(s, c, n) }
            }
            fn sol_get_return_data(&self) -> Option<(solana_pubkey::Pubkey, Vec<u8>)> {
                self.0.sol_get_return_data()
            }
            fn sol_set_return_data(&self, data: &[u8]) {
                self.0.sol_set_return_data(data)
            }
            fn sol_log_data(&self, fields: &[&[u8]]) {
                self.0.sol_log_data(fields)
            }
            fn sol_get_processed_sibling_instruction(&self, index: usize) -> Option<solana_instruction::Instruction> {
                self.0.sol_get_processed_sibling_instruction(index)
            }
            fn sol_get_stack_height(&self) -> u64 {
                self.0.sol_get_stack_height()
            }
        }
    };
}

forward_syscall_stubs!(solana_sysvar_v3::program_stubs::SyscallStubs);
forward_syscall_stubs!(solana_sysvar_v4::program_stubs::SyscallStubs);

/// Placeholder that holds program-test's slot for the instant the stubs are swapped.
struct Vacant;
impl solana_sysvar_v4::program_stubs::SyscallStubs for Vacant {}

static INSTALL: Once = Once::new();

/// Route the syscalls of native programs (solana-sysvar 3.x and 4.x) to the running Solana runtime.
///
/// Idempotent and cheap after the first call; call it before a native program executes, from any thread,
/// inside or outside a tokio runtime. The first call starts one throw-away `ProgramTest` bank, because
/// program-test installs its stubs only when it creates a bank and offers no other way to get them.
pub fn install() {
    INSTALL.call_once(|| {
        std::thread::spawn(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a current-thread tokio runtime");
            runtime.block_on(async { drop(ProgramTest::default().start().await) });
        })
        .join()
        .expect("program-test bank for syscall stubs");
        let runtime_stubs: Arc<dyn solana_sysvar_v4::program_stubs::SyscallStubs> =
            Arc::from(solana_sysvar_v4::program_stubs::set_syscall_stubs(Box::new(Vacant)));
        solana_sysvar_v4::program_stubs::set_syscall_stubs(Box::new(Forward(runtime_stubs.clone())));
        solana_sysvar_v3::program_stubs::set_syscall_stubs(Box::new(Forward(runtime_stubs)));
        // `ProgramTest::default()` turned on debug logging of every instruction; back to warnings unless
        // RUST_LOG asks for more.
        agave_logger::setup_with_default("warn");
    });
}

/// Turn an Anchor program's `entry` into a runtime builtin (`BuiltinFunctionRegisterer`) for
/// `LiteSVM::add_builtin`, or into a `ProcessInstruction` with `native_processor!(@function path)` for
/// `ProgramTest::add_program`. Installs the syscall bridge as a side effect.
///
/// ```ignore
/// svm.add_builtin(audius_content::ID, audius_svm_bridge::native_processor!(audius_content::entry));
/// ```
#[macro_export]
macro_rules! native_processor {
    (@function $entry:path) => {{
        fn unify_lifetimes<'a, 'b, 'c, 'd>(
            program_id: &'a $crate::__private::Pubkey,
            accounts: &'b [$crate::__private::AccountInfo<'c>],
            data: &'d [u8],
        ) -> $crate::__private::ProgramResult {
            // SAFETY: the runtime keeps every argument alive for the whole invocation, so shortening all of
            // them to one lifetime inside this call is sound; the transmute is needed only because
            // `AccountInfo` is invariant in its lifetime. The target lifetime is inferred (the call's own).
            let accounts: &[$crate::__private::AccountInfo<'_>] = unsafe { ::std::mem::transmute(accounts) };
            $entry(program_id, accounts, data)
        }
        $crate::install();
        unify_lifetimes as $crate::__private::ProcessInstruction
    }};
    ($entry:path) => {{
        $crate::solana_program_test::processor!($crate::native_processor!(@function $entry))
            .expect("processor! always returns a registerer")
    }};
}

//! What the content program and its clients must agree on, byte for byte, without either's framework: PDA seeds,
//! bounds, the digests Ethereum keys sign, and the ledger's hash chain. The program (on chain) and the SDK (off
//! chain, with types generated from the IDL) both build on this crate, so a message is defined once.
#![no_std]

extern crate alloc;

pub mod constants;
pub mod ledger;
pub mod loader;
pub mod messages;

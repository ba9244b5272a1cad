//! Find the programs' SBF ELFs that `scripts/build-sbf.sh` writes to `$AUDIUS_CACHE/deploy/` (default
//! `~/.cache/audius-protocol/deploy/`; `AUDIUS_PROGRAMS_DIR` names another folder), so the node
//! embeds the bytecode a cluster would run, and their addresses in their committed IDLs.

use std::path::PathBuf;

const PROGRAMS: [&str; 2] = ["audius_content", "audius_tips"];

fn main() {
    let deploy = match (std::env::var_os("AUDIUS_PROGRAMS_DIR"), std::env::var_os("AUDIUS_CACHE")) {
        (Some(dir), _) => PathBuf::from(dir),
        (None, Some(cache)) => PathBuf::from(cache).join("deploy"),
        (None, None) => {
            let home = std::env::var_os("HOME").expect("HOME, AUDIUS_CACHE or AUDIUS_PROGRAMS_DIR is set");
            PathBuf::from(home).join(".cache/audius-protocol/deploy")
        }
    };
    for var in ["AUDIUS_PROGRAMS_DIR", "AUDIUS_CACHE", "HOME"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    for program in PROGRAMS {
        let elf = deploy.join(format!("{program}.so"));
        if !elf.is_file() {
            panic!(
                "{} is missing: build the programs with scripts/build-sbf.sh (or point AUDIUS_PROGRAMS_DIR at their ELFs)",
                elf.display()
            );
        }
        println!("cargo:rerun-if-changed={}", elf.display());
        println!("cargo:rustc-env=AUDIUS_ELF_{}={}", program.to_uppercase(), elf.display());

        let idl = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../idls/{program}.json"));
        println!("cargo:rerun-if-changed={}", idl.display());
        let text = std::fs::read_to_string(&idl).unwrap_or_else(|e| panic!("{}: {e}", idl.display()));
        let json: serde_json::Value = serde_json::from_str(&text).expect("the IDL is JSON");
        let address = json["address"].as_str().expect("the IDL names the program's address");
        println!("cargo:rustc-env=AUDIUS_ID_{}={address}", program.to_uppercase());
    }
}

//! Find the programs' SBF ELFs that `scripts/build-sbf.sh` writes to `<cargo target dir>/deploy/`, so the node
//! embeds the bytecode a cluster would run, and their addresses in their committed IDLs.

use std::path::PathBuf;

const PROGRAMS: [&str; 1] = ["audius_tips"];

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    // OUT_DIR is <target dir>/<profile>/build/<package>-<hash>/out.
    let target_dir = out_dir.ancestors().nth(4).expect("OUT_DIR lies inside the target dir").to_path_buf();
    let deploy = std::env::var_os("AUDIUS_PROGRAMS_DIR").map(PathBuf::from).unwrap_or(target_dir.join("deploy"));
    println!("cargo:rerun-if-env-changed=AUDIUS_PROGRAMS_DIR");
    for program in PROGRAMS {
        let elf = deploy.join(format!("{program}.so"));
        if !elf.is_file() {
            panic!("{} is missing: build the programs first with scripts/build-sbf.sh", elf.display());
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

//! Contract bindings generated at compile time from the forge artifacts committed under `abi/`
//! (`scripts/gen-artifacts.sh` writes them; the test command fails if they are stale), one per row of the
//! [contract table](super::contracts), with the lists the rest of the SDK reads.
#![allow(missing_docs, clippy::too_many_arguments)]

use alloy::sol_types::SolInterface;

use super::contracts::for_each_contract;

macro_rules! bindings {
    ($($key:literal $name:ident $errors:ident $field:ident $abi:literal $doc:literal;)*) => {
        $(
            alloy::sol!(
                #[sol(rpc)]
                #[derive(Debug)]
                $name,
                $abi
            );
        )*

        /// The contracts a proposal may call, by the names the deployment file uses.
        pub const CONTRACT_NAMES: [&str; [$($key),*].len()] = [$($key),*];

        /// The committed forge artifact (`{"abi": […]}`) of the contract called `name` in the deployment file.
        pub fn contract_abi(name: &str) -> Option<&'static str> {
            match name {
                $($key => Some(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $abi))),)*
                _ => None,
            }
        }

        /// A revert of one of the protocol's contracts, decoded with that contract's errors.
        #[derive(Debug)]
        pub enum ContractError {
            $($name($name::$errors),)*
        }

        impl ContractError {
            /// Decode revert data with each contract's errors in the table's order; `None` when it is none of theirs.
            pub fn decode(data: &[u8]) -> Option<Self> {
                $(
                    if let Ok(error) = $name::$errors::abi_decode(data) {
                        return Some(Self::$name(error));
                    }
                )*
                None
            }
        }
    };
}

for_each_contract!(bindings);

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_committed_abi_is_in_the_table() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../abi");
        let committed: BTreeSet<String> = std::fs::read_dir(dir)
            .expect("abi/ exists")
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter_map(|file| file.strip_suffix(".json").map(str::to_owned))
            .collect();
        let listed: BTreeSet<String> = CONTRACT_NAMES.iter().map(|name| name.to_string()).collect();
        assert_eq!(committed, listed);
        for name in CONTRACT_NAMES {
            let artifact: serde_json::Value = serde_json::from_str(contract_abi(name).unwrap()).unwrap();
            assert!(artifact["abi"].is_array(), "{name}'s artifact has an ABI");
        }
        assert_eq!(contract_abi("Nothing"), None);
    }
}

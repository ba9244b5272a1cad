//! The `audius-solana-local` binary as the local network and other tests run it: a process on a free port that
//! prints its RPC URL, answers health, funds the keys it is given and stops cleanly on SIGTERM.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
};

use audius_solana_local::Pubkey;
use solana_keypair::Keypair;
use solana_rpc_client::rpc_client::RpcClient;
use solana_signer::Signer;

#[test]
fn binary_serves_rpc_funds_keys_and_stops_on_sigterm() {
    let funded = Keypair::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_audius-solana-local"))
        .args([
            "--port",
            "0",
            "--ws-port",
            "0",
            "--fund",
            &funded.pubkey().to_string(),
            "--fund-lamports",
            "5000000000",
            "--upgrade-authority",
            &funded.pubkey().to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the node");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let rpc_url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix("RPC URL: ").map(str::to_string))
        .expect("the node prints its RPC URL");

    let client = RpcClient::new(rpc_url);
    assert!(client.get_health().is_ok());
    assert_eq!(client.get_balance(&funded.pubkey()).unwrap(), 5_000_000_000);
    for program in audius_solana_local::programs::ALL {
        let account = client.get_account(&program.id).expect("every program is deployed");
        assert!(account.executable, "{} is executable", program.name);
        // Deployed upgradeable by the key given, which alone may initialize the content program.
        let loader = Pubkey::new_from_array(audius_content_interface::loader::UPGRADEABLE_LOADER);
        let program_data = Pubkey::find_program_address(&[program.id.as_ref()], &loader).0;
        let data = client.get_account(&program_data).expect("its ProgramData").data;
        let authority = audius_content_interface::loader::upgrade_authority(&data);
        assert_eq!(authority, Some(funded.pubkey().to_bytes()), "{}", program.name);
    }

    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "clean exit on SIGTERM, got {exit:?}");
    assert!(client.get_health().is_err(), "nothing listens any more");
}

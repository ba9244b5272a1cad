//! `audius-localnet` as a user runs it: `up` returns once every service is healthy and leaves the network running
//! in the background; `status` reads each service; `down` stops what `up` started and nothing else; `reset` clears
//! the state directory.

use std::path::PathBuf;

/// The binary with a home of its own (where the default state directory would be) and nothing else from the
/// machine's environment.
struct Localnet {
    home: PathBuf,
}

impl Localnet {
    /// `audius-localnet --json <args>`: its exit code and its JSON output (`null` when it printed none).
    fn run(&self, args: &[&str]) -> (i32, serde_json::Value) {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_audius-localnet"))
            .arg("--json")
            .args(args)
            .env_clear()
            .env("HOME", &self.home)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("the audius-localnet binary runs");
        let json = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
        (output.status.code().expect("exited"), json)
    }

    fn ok(&self, args: &[&str]) -> serde_json::Value {
        let (code, json) = self.run(args);
        assert_eq!(code, 0, "audius-localnet {args:?}: {json}");
        json
    }
}

fn alive(pid: u64) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// Processes whose parent is `pid`.
fn children(pid: u64) -> Vec<u64> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u64>().ok())
        .filter(|child| {
            let stat = std::fs::read_to_string(format!("/proc/{child}/stat")).unwrap_or_default();
            // pid (comm) state ppid …: the command may hold spaces, so read after the last ')'.
            stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u64>().ok()) == Some(pid)
        })
        .collect()
}

#[test]
fn up_status_down_reset() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("localnet");
    let dir_arg = dir.to_str().unwrap();
    let cli = Localnet { home: home.path().into() };
    // A process of our own that `down` must leave alone.
    let mut bystander = std::process::Command::new("sleep").arg("60").spawn().unwrap();

    let up = cli.ok(&["up", "--dir", dir_arg]);
    let pid = up["manifest"]["pid"].as_u64().unwrap();
    assert!(alive(pid));
    let services = up["services"].as_array().unwrap();
    assert_eq!(services.len(), 4, "one discovery node, three content nodes: {up}");
    for service in services {
        assert!(!service["health"].is_null(), "{service}");
    }
    let content: Vec<_> = services.iter().filter(|s| s["kind"] == "content-node").collect();
    assert!(content.iter().all(|s| s["health"]["registration"]["status"] == "registered"), "{up}");
    assert!(dir.join("localnet.json").exists() && dir.join("deployment.json").exists());
    // The PubSub address is published, and the node listens there: a client that confirms by subscription (web3.js
    // `new Connection(rpc, { wsEndpoint })`) does not guess it from the RPC port.
    let ws = up["manifest"]["solana_ws"].as_str().expect("the WebSocket address is published");
    std::net::TcpStream::connect(ws.strip_prefix("ws://").unwrap()).expect("the WebSocket endpoint listens");
    let anvil = children(pid);
    assert!(!anvil.is_empty(), "anvil runs under the network process");

    // The funded accounts, by role; `env` exports what the CLI reads, signing as a user.
    let accounts = up["manifest"]["accounts"].as_array().unwrap();
    let role = |name: &str| accounts.iter().filter(|a| a["role"] == name).count();
    assert_eq!((role("admin"), role("content-node-operator"), role("content-node-wallet")), (1, 3, 3), "{up}");
    assert_eq!((role("discovery-node-operator"), role("discovery-node-wallet"), role("user")), (1, 1, 5), "{up}");
    let env = cli.ok(&["env", "--dir", dir_arg, "--user", "2"]);
    let user = accounts.iter().filter(|a| a["role"] == "user").nth(1).unwrap();
    assert_eq!(env["AUDIUS_ETH_PRIVATE_KEY"], user["private_key"]);
    assert_eq!(env["AUDIUS_ETH_RPC"], up["manifest"]["eth_rpc"]);
    assert!(std::path::Path::new(env["AUDIUS_DEPLOYMENT"].as_str().unwrap()).exists());
    assert!(std::path::Path::new(env["AUDIUS_SOLANA_KEYPAIR"].as_str().unwrap()).exists());
    let exports = std::process::Command::new(env!("CARGO_BIN_EXE_audius-localnet"))
        .args(["env", "--dir", dir_arg])
        .output()
        .unwrap();
    let exports = String::from_utf8(exports.stdout).unwrap();
    let evaluated = std::process::Command::new("sh")
        .args(["-c", &format!("{exports}\nprintf %s \"$AUDIUS_ETH_RPC\"")])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&evaluated.stdout), up["manifest"]["eth_rpc"].as_str().unwrap(), "{exports}");

    // The faucet: AUDIO and ETH to an Ethereum address, SOL to a Solana one; wrong pairings refused.
    let stranger = "0x00000000000000000000000000000000000000aa";
    let funded = cli.ok(&["fund", "--dir", dir_arg, stranger, "--audio", "5", "--eth", "1.5"]);
    assert_eq!(funded["audio"], "5000000000000000000");
    assert_eq!(funded["eth"], "1500000000000000000");
    let solana_address = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
    let sol = cli.ok(&["fund", "--dir", dir_arg, solana_address, "--sol", "2"]);
    assert_eq!(sol["lamports"], "2000000000");
    for bad in
        [&[stranger, "--sol", "1"][..], &[solana_address, "--audio", "1"], &["0x12"], &[stranger, "--audio", "1,5"]]
    {
        let (code, refused) = cli.run(&[&["fund", "--dir", dir_arg][..], bad].concat());
        assert_eq!(code, 2, "{bad:?}: {refused}");
    }
    let (code, refused) = cli.run(&["fund", "--dir", dir_arg, stranger, "--eth", "1,5"]);
    assert_eq!(code, 2, "{refused}");
    // The clock moves on by what was asked.
    let advanced = cli.ok(&["advance", "--dir", dir_arg, "2h"]);
    assert!(advanced["now"].as_u64().unwrap() - advanced["before"].as_u64().unwrap() >= 7_200, "{advanced}");

    // `up` again finds it running and starts nothing.
    let again = cli.ok(&["up", "--dir", dir_arg]);
    assert_eq!(again["manifest"]["pid"].as_u64(), Some(pid));
    let status = cli.ok(&["status", "--dir", dir_arg]);
    assert_eq!(status["manifest"]["eth_rpc"], up["manifest"]["eth_rpc"]);
    assert!(status["block"].as_u64().is_some());

    let down = cli.ok(&["down", "--dir", dir_arg]);
    assert_eq!(down["stopped"], true);
    assert!(!alive(pid), "the network process stopped");
    assert!(anvil.iter().all(|child| !alive(*child)), "so did anvil");
    assert!(bystander.try_wait().unwrap().is_none(), "nothing else was stopped");
    bystander.kill().unwrap();
    let stopped = cli.ok(&["status", "--dir", dir_arg]);
    assert_eq!(stopped["running"], false, "not running is an answer: {stopped}");
    let (code, no_env) = cli.run(&["env", "--dir", dir_arg]);
    assert_eq!(code, 4, "{no_env}");
    assert_eq!(cli.ok(&["down", "--dir", dir_arg])["stopped"], false);

    assert!(dir.exists(), "down keeps the state");
    cli.ok(&["reset", "--dir", dir_arg]);
    assert!(!dir.exists(), "reset clears it");
}

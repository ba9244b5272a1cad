//! Bad input gets a clear message and the documented exit code, and nothing is sent.

mod common;

use common::Chain;

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let chain = Chain::start(None).await;
    let home = tempfile::tempdir().unwrap();
    chain.fund(1, "1000000").await;
    let operator = chain.audius(home.path().into(), 1);
    let before = chain.nonce(1).await;
    let register = |service_type: &str, endpoint: &str, stake: &str| {
        operator.run(&[
            "--yes",
            "operator",
            "register",
            "--type",
            service_type,
            "--endpoint",
            endpoint,
            "--stake",
            stake,
        ])
    };

    // Malformed values: usage errors from argument parsing.
    let address = operator.run(&["--yes", "delegate", "stake", "0x1234", "10"]);
    assert_eq!(address.code, 2, "{address:?}");
    assert!(address.stderr.contains("\"0x1234\" is not an Ethereum address"), "{address:?}");
    let checksum = operator.run(&["--yes", "delegate", "stake", "0x70997970C51812dc3A010C7d01b50e0d17dc79c8", "10"]);
    assert_eq!(checksum.code, 2);
    assert!(checksum.stderr.contains("wrong checksum"), "{checksum:?}");
    let amount = operator.run(&["--yes", "operator", "increase-stake", "lots"]);
    assert_eq!(amount.code, 2);
    assert!(amount.stderr.contains("is not an AUDIO amount"), "{amount:?}");
    // A decimal comma is not read as a thousands separator (1,5 once staked 15), nor is anything else guessed.
    let comma = operator.run(&["--yes", "operator", "increase-stake", "1,5"]);
    assert_eq!(comma.code, 2, "{comma:?}");
    assert!(comma.stderr.contains("not a comma"), "{comma:?}");
    for loose in ["1,000", " 100", "100AUDIO"] {
        let run = operator.run(&["--yes", "delegate", "stake", &chain.address(2).to_string(), loose]);
        assert_eq!(run.code, 2, "{loose:?}: {run:?}");
    }
    // More than the wallet holds is refused before any approval is sent.
    let absurd = operator.run(&["--yes", "operator", "increase-stake", &"9".repeat(50)]);
    assert_eq!(absurd.code, 2, "{absurd:?}");
    assert!(absurd.stderr.contains("less than the"), "{absurd:?}");
    let too_much = operator.run(&["--yes", "delegate", "stake", &chain.address(2).to_string(), "2000000"]);
    assert_eq!(too_much.code, 2, "{too_much:?}");
    assert!(too_much.stderr.contains("less than the 2,000,000 AUDIO to stake"), "{too_much:?}");
    let service_type = register("storage", "https://x.test", "1");
    assert_eq!(service_type.code, 2);
    assert!(service_type.stderr.contains("unknown service type"), "{service_type:?}");

    // Checked against the chain before sending.
    let low = register("content-node", "https://x.test", "100000");
    assert_eq!(low.code, 2, "{low:?}");
    assert_eq!(low.stderr.trim(), "error: stake 100,000 AUDIO is below the minimum 200,000 AUDIO for content-node");
    let poor = register("content-node", "https://x.test", "2000000");
    assert_eq!(poor.code, 2);
    assert!(poor.stderr.contains("less than the 2,000,000 AUDIO to stake"), "{poor:?}");
    let endpoint = register("content-node", "ftp:/x", "300000");
    assert_eq!(endpoint.code, 2, "{endpoint:?}");

    // Proposals: unknown contract or function, bad arguments, missing file.
    for (action, message) in [
        ("Staking.mint(uint256) 5", "Staking has no function mint(uint256)"),
        ("Treasury.pay(uint256) 5", "unknown contract \"Treasury\""),
        ("Staking.setGlobalMinDelegation(uint96) -3", "argument 1 of setGlobalMinDelegation(uint96)"),
        ("Staking.setGlobalMinDelegation(uint96)", "takes 1 argument(s), 0 given"),
    ] {
        let run = operator.run(&["--yes", "gov", "propose", "--description", "x", "--action", action]);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(run.stderr.contains(message), "{message}: {run:?}");
    }
    let missing =
        operator.run(&["--yes", "gov", "propose", "--description", "x", "--actions-file", "/nonexistent.json"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("actions file /nonexistent.json"), "{missing:?}");
    let unknown = operator.run(&["gov", "show", "12345"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("no proposal #12345"), "{unknown:?}");

    // A contract's refusal, in words, with its own code; JSON errors for scripts.
    let no_pool = operator.run(&["--yes", "--json", "delegate", "claim", &chain.address(7).to_string()]);
    assert_eq!(no_pool.code, 3, "{no_pool:?}");
    assert_eq!(no_pool.json()["exit_code"], 3);
    assert!(!no_pool.json()["error"].as_str().unwrap().contains("contract call failed"), "in words: {no_pool:?}");

    // No confirmation possible without a terminal.
    let unconfirmed = operator.run(&["operator", "increase-stake", "10"]);
    assert_eq!(unconfirmed.code, 2);
    assert!(unconfirmed.stderr.contains("pass --yes"), "{unconfirmed:?}");

    assert_eq!(chain.nonce(1).await, before, "nothing was sent");

    // Configuration and network problems.
    let no_key = operator.clone().with("AUDIUS_ETH_PRIVATE_KEY", "").run(&["--yes", "operator", "increase-stake", "1"]);
    assert_eq!(no_key.code, 5, "{no_key:?}");
    let unset = common::Audius::new(home.path().into()).with("AUDIUS_ETH_RPC", chain.anvil.endpoint()).run(&[
        "--yes",
        "operator",
        "increase-stake",
        "1",
    ]);
    assert_eq!(unset.code, 5);
    assert!(unset.stderr.contains("set AUDIUS_ETH_PRIVATE_KEY"), "{unset:?}");
    let bad_config = home.path().join("bad.toml");
    std::fs::write(&bad_config, "eth_rcp = 1").unwrap();
    let config = operator.run(&["--config", bad_config.to_str().unwrap(), "operator", "status"]);
    assert_eq!(config.code, 5, "{config:?}");
    let deployment = operator.clone().with("AUDIUS_DEPLOYMENT", "/nonexistent.json").run(&["operator", "status"]);
    assert_eq!(deployment.code, 5, "{deployment:?}");
    let down = operator.clone().with("AUDIUS_ETH_RPC", "http://127.0.0.1:9").run(&["operator", "status"]);
    assert_eq!(down.code, 4, "{down:?}");

    // A config file supplies what flags do not.
    let good_config = home.path().join("good.toml");
    std::fs::write(
        &good_config,
        format!("eth_rpc = \"{}\"\ndeployment = \"{}\"\n", chain.anvil.endpoint(), chain.deployment_file.display()),
    )
    .unwrap();
    let from_file = common::Audius::new(home.path().into()).run(&[
        "--json",
        "--config",
        good_config.to_str().unwrap(),
        "delegate",
        "pools",
    ]);
    assert_eq!(from_file.ok(), serde_json::json!([]));
}

#[test]
fn completions_and_help() {
    let home = tempfile::tempdir().unwrap();
    let audius = common::Audius::new(home.path().into());
    let bash = audius.run(&["completions", "bash"]);
    assert_eq!(bash.code, 0);
    assert!(bash.stdout.contains("complete -F _audius") && bash.stdout.contains("request-undelegate"), "{bash:?}");
    let help = audius.run(&["--help"]);
    assert!(help.stdout.contains("Exit codes: 0 done"), "{help:?}");
    let usage = audius.run(&["operator", "frobnicate"]);
    assert_eq!(usage.code, 2);
}

#[test]
fn an_rpc_that_never_answers_times_out_instead_of_hanging() {
    // A listener that takes connections (the kernel completes them) and never reads or answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let home = tempfile::tempdir().unwrap();
    for (chain, args) in [("AUDIUS_ETH_RPC", ["operator", "status"]), ("AUDIUS_SOLANA_RPC", ["artist", "tracks"])] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_audius"))
            .args(args)
            .env("XDG_CONFIG_HOME", home.path())
            .env(chain, &url)
            .env("AUDIUS_ETH_PRIVATE_KEY", "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")
            .env("AUDIUS_RPC_TIMEOUT", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if started.elapsed() > std::time::Duration::from_secs(20) {
                child.kill().unwrap();
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        };
        assert_eq!(status.and_then(|s| s.code()), Some(4), "{chain}: unreachable (exit 4), not hanging");
    }
}

#[test]
fn a_reader_that_stops_early_is_not_a_crash() {
    use std::io::Read;
    // `audius completions bash | head -c 64`: the script is larger than a pipe holds, so the command is still
    // writing when its reader closes.
    let home = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_audius"))
        .args(["completions", "bash"])
        .env("XDG_CONFIG_HOME", home.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[tokio::test]
async fn an_ethereum_keystore_signs_and_a_wrong_password_is_a_config_error() {
    let chain = Chain::start(None).await;
    let home = tempfile::tempdir().unwrap();
    let cast = audius_devkit::cast_binary();
    let created = std::process::Command::new(cast)
        .args(["wallet", "new"])
        .arg(home.path())
        .args(["--unsafe-password", "correct horse"])
        .output()
        .expect("cast runs (scripts/setup.sh installs it)");
    let stdout = String::from_utf8(created.stdout).unwrap();
    let keystore = stdout.split("keystore file: ").nth(1).unwrap().lines().next().unwrap().trim().to_owned();
    let address = stdout.split("Address:").nth(1).unwrap().trim().lines().next().unwrap().to_owned();

    let audius = chain.audius(home.path().into(), 1).with("AUDIUS_ETH_KEYSTORE", &keystore);
    let status = audius.clone().with("AUDIUS_ETH_KEYSTORE_PASSWORD", "correct horse").ok(&["operator", "status"]);
    assert_eq!(status["operator"].as_str().unwrap(), address.to_lowercase(), "the keystore's key, not the env key");
    let wrong = audius.clone().with("AUDIUS_ETH_KEYSTORE_PASSWORD", "battery").run(&["operator", "status"]);
    assert_eq!(wrong.code, 5, "{wrong:?}");
    let none = audius.run(&["operator", "status"]);
    assert_eq!(none.code, 5, "{none:?}");
    assert!(none.stderr.contains("set AUDIUS_ETH_KEYSTORE_PASSWORD"), "{none:?}");
}

#[test]
fn usage_errors_under_json_are_one_json_document() {
    let home = tempfile::tempdir().unwrap();
    let audius = common::Audius::new(home.path().into());
    let bad_address = audius.run(&["--json", "delegate", "stake", "0x1234", "10"]);
    assert_eq!(bad_address.code, 2, "{bad_address:?}");
    let document = bad_address.json();
    assert_eq!(document["exit_code"], 2);
    assert!(document["error"].as_str().unwrap().contains("\"0x1234\" is not an Ethereum address"), "{document}");
    let missing = audius.run(&["--json", "delegate", "stake"]).json();
    assert!(missing["error"].as_str().unwrap().contains("<OPERATOR>"), "{missing}");
    assert_eq!(missing["usage"], "audius delegate stake <OPERATOR> <AMOUNT>", "{missing}");
    for args in [&["--json", "gov"][..], &["--json", "--frobnicate", "gov", "list"], &["gov", "show", "--json", "x"]] {
        let run = audius.run(args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.json()["error"].as_str().is_some_and(|e| !e.is_empty()), "{args:?}: {run:?}");
    }
    // Without --json, clap's text on stderr and nothing on stdout; help is still help.
    let plain = audius.run(&["delegate", "stake", "0x1234", "10"]);
    assert_eq!(plain.code, 2);
    assert!(plain.stdout.is_empty() && plain.stderr.starts_with("error:"), "{plain:?}");
    let help = audius.run(&["--json", "--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("Usage: audius"), "{help:?}");
}

#[test]
fn the_exit_code_reference_is_the_binarys() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/cli.md")).unwrap();
    let section = docs.split("### Exit codes and JSON").nth(1).expect("docs/cli.md has the exit-code reference");
    let documented: Vec<u8> = section
        .lines()
        .skip_while(|line| !line.starts_with("| exit code"))
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| line.trim_matches('|').split('|').next().unwrap().trim().parse().unwrap())
        .collect();
    let codes: Vec<u8> = std::iter::once(0).chain(audius_cli::ExitCode::FAILURES.iter().map(|&c| c as u8)).collect();
    assert_eq!(documented, codes, "docs/cli.md lists every exit code, in order");
    let help = common::Audius::new(tempfile::tempdir().unwrap().path().into()).run(&["--help"]);
    for code in codes {
        assert!(help.stdout.contains(&format!("{code} ")), "--help names exit code {code}: {help:?}");
    }
    for key in ["\"error\"", "\"exit_code\"", "\"usage\"", "\"transactions\"", "\"signature\"", "null"] {
        assert!(section.contains(key), "the JSON reference documents {key}");
    }
}

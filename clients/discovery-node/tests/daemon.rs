//! The daemon as a service manager runs it: systemd (and a container runtime) stops a service with SIGTERM, which
//! must end the node as Ctrl-C does — gracefully, exit status 0 — and not by the signal's default action.

use std::{
    net::{TcpListener, TcpStream},
    process::{Command, ExitStatus, Stdio},
    time::{Duration, Instant},
};

fn wait_for_exit(child: &mut std::process::Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the node did not stop within {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sigterm_stops_the_node_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let listen = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let database = dir.path().join("index.db");
    // No chain to reach (port 9, discard): the node serves its API while it retries.
    let mut node = Command::new(env!("CARGO_BIN_EXE_audius-discovery-node"))
        .args(["--listen", &listen.to_string(), "--solana-rpc", "http://127.0.0.1:9", "--database"])
        .arg(&database)
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the discovery node starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(listen).is_err() {
        assert!(node.try_wait().unwrap().is_none(), "the node exited before it listened");
        assert!(Instant::now() < deadline, "the node did not listen on {listen}");
        std::thread::sleep(Duration::from_millis(50));
    }

    let kill = Command::new("kill").args(["-TERM", &node.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let status = wait_for_exit(&mut node, Duration::from_secs(30));
    assert_eq!(status.code(), Some(0), "{status:?}: ended by the signal, not by a graceful stop");
}

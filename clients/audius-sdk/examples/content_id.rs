//! Compute a file's content id (the CID content nodes and the content program use) and the content nodes that
//! should hold it, ranked by stake.
//!
//! ```text
//! cargo run -p audius-sdk --example content_id -- song.mp3
//! cargo run -p audius-sdk --example content_id -- song.mp3 --eth-rpc http://127.0.0.1:8545 --deployment contracts/deployments/31337.json
//! ```
//!
//! Without `--eth-rpc`, the ranking uses three example nodes; with it, the registry's content nodes and their
//! operators' stake.

use std::{io::Read, path::PathBuf};

use alloy::providers::ProviderBuilder;
use audius_sdk::{
    cid::CidHasher,
    eth::{Deployment, Protocol},
    rendezvous::{self, Candidate},
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let file = PathBuf::from(args.next().ok_or("usage: content_id FILE [--eth-rpc URL --deployment PATH]")?);
    let (mut rpc, mut deployment) = (None, None);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--eth-rpc" => rpc = args.next(),
            "--deployment" => deployment = args.next().map(PathBuf::from),
            other => return Err(format!("unknown option {other}").into()),
        }
    }

    // Hash the file as it streams in, as a content node does with an upload.
    let mut hasher = CidHasher::new();
    let mut reader = std::fs::File::open(&file)?;
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = reader.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    let cid = hasher.finish();
    println!("{} {cid}", file.display());

    let candidates = match (rpc, deployment) {
        (Some(rpc), Some(deployment)) => {
            let protocol =
                Protocol::connect(ProviderBuilder::new().connect_http(rpc.parse()?), Deployment::load(&deployment)?)
                    .await?;
            let mut candidates = Vec::new();
            for pool in protocol.pools().await? {
                for service in pool.services.iter().filter(|s| s.service_type == "content-node") {
                    candidates.push(Candidate { sp_id: service.id, stake: pool.active_stake.to::<u128>() });
                }
            }
            candidates
        }
        _ => vec![
            Candidate { sp_id: 1, stake: 200_000 },
            Candidate { sp_id: 2, stake: 400_000 },
            Candidate { sp_id: 3, stake: 1_000_000 },
        ],
    };
    for (place, node) in rendezvous::rank(&cid, &candidates).iter().enumerate() {
        println!("  {}. content node {} (stake {})", place + 1, node.sp_id, node.stake);
    }
    Ok(())
}

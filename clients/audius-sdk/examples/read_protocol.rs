//! Read the protocol's state on Ethereum the way a dApp would: operators' pools, the current issuance round and
//! the governance proposals.
//!
//! ```text
//! cargo run -p audius-sdk --example read_protocol -- http://127.0.0.1:8545 contracts/deployments/31337.json
//! ```
//!
//! The deployment file is the one the deployment script wrote (the local network's is in `audius-localnet status`).

use std::path::PathBuf;

use alloy::providers::ProviderBuilder;
use audius_sdk::eth::{format_audio, Deployment, Protocol};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let rpc = args.next().unwrap_or_else(|| "http://127.0.0.1:8545".into());
    let deployment = PathBuf::from(args.next().ok_or("usage: read_protocol RPC_URL DEPLOYMENT_FILE")?);

    let provider = ProviderBuilder::new().connect_http(rpc.parse()?);
    // `connect` refuses a deployment file made for another chain.
    let protocol = Protocol::connect(provider, Deployment::load(&deployment)?).await?;

    for pool in protocol.pools().await? {
        println!(
            "{}: {} active, cut {} bps, {} node(s)",
            pool.operator,
            format_audio(pool.active_stake),
            pool.cut_bps,
            pool.services.len()
        );
    }
    let round = protocol.issuance.currentRound().call().await?;
    println!("issuance round {}", round.round);
    for proposal in protocol.proposals().await? {
        println!("proposal {} [{}] {}", proposal.id, proposal.state, proposal.description.lines().next().unwrap_or(""));
    }
    Ok(())
}

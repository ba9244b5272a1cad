//! Create an artist profile on Solana bound to an Ethereum key, then read it back with the ledger entry that
//! recorded it, checked against the profile's own hash chain (the first entry of a new chain).
//!
//! ```text
//! AUDIUS_ETH_PRIVATE_KEY=0x… cargo run -p audius-sdk --example artist_profile -- http://127.0.0.1:8899 keypair.json
//! ```
//!
//! The keypair (solana-keygen's JSON format) becomes the profile's authority and pays; the content program must be
//! initialized on the cluster (the local network does it).

use alloy::signers::local::PrivateKeySigner;
use std::collections::HashMap;

use audius_sdk::solana::rpc::{verify_chains, ContentClient};
use solana_keypair::Keypair;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let rpc = args.next().unwrap_or_else(|| "http://127.0.0.1:8899".into());
    let keypair_file = args.next().ok_or("usage: artist_profile RPC_URL KEYPAIR_FILE")?;
    let bytes: Vec<u8> = serde_json::from_str(&std::fs::read_to_string(keypair_file)?)?;
    let authority = Keypair::try_from(bytes.as_slice())?;
    let eth_key: PrivateKeySigner = std::env::var("AUDIUS_ETH_PRIVATE_KEY")?.parse()?;

    let client = ContentClient::new(rpc);
    let (profile, signature) = client.create_profile(&authority, &eth_key, [0; audius_sdk::cid::CID_LEN]).await?;
    println!("profile {profile} for {} in {signature}", eth_key.address());

    // The entry the program appended: the first of the profile's chain, ending at the head the profile holds.
    let events = client.ledger_events(&signature).await?;
    let mut heads = HashMap::new();
    verify_chains(&mut heads, &events)?;
    let record = client.profile(&eth_key.address().0 .0).await?.ok_or("profile missing")?;
    let verified = heads.get(&profile).ok_or("no entry on the profile's chain")?;
    if (verified.seq, verified.head) != (record.ledger.seq, record.ledger.head) {
        return Err("the profile's chain head differs from its entries'".into());
    }
    println!("entry {} of the profile's ledger, head {}", verified.seq, alloy::hex::encode(verified.head));
    println!("authority {}", record.authority);
    Ok(())
}

//! End-to-end tests across both chains. Each test file here drives the released clients the way a user does;
//! this library holds what they share: an artist who uploads through the CLI's own upload path.

use std::path::Path;

use alloy::signers::local::PrivateKeySigner;
use audius_cli::{
    commands::upload::{publish, Published},
    context::Context,
    settings::GlobalArgs,
};
use audius_localnet::LocalNetwork;
use solana_keypair::Keypair;

/// An artist with a profile on the local network's Solana node, uploading as `audius artist upload` does.
pub struct Artist {
    /// The artist's Ethereum key.
    pub eth: PrivateKeySigner,
    /// The profile's Solana authority.
    pub authority: Keypair,
    context: Context,
    dir: tempfile::TempDir,
}

impl Artist {
    /// An artist for anvil account `account`, with its profile created.
    pub async fn new(network: &LocalNetwork, account: usize) -> anyhow::Result<Self> {
        let eth = network.chain.signer(account);
        let authority = network.funded_keypair().await?;
        let dir = tempfile::tempdir()?;
        let keypair_file = dir.path().join("authority.json");
        std::fs::write(&keypair_file, serde_json::to_string(&authority.to_bytes().to_vec())?)?;
        network.solana.create_profile(&authority, &eth, [0; audius_sdk::cid::CID_LEN]).await?;
        let context = Context::new(GlobalArgs {
            config: None,
            eth_rpc: Some(network.chain.anvil.endpoint()),
            solana_rpc: Some(network.solana_node.rpc_url.clone()),
            deployment: Some(network.chain.deployment_file.clone()),
            eth_keystore: None,
            eth_private_key_env: String::new(),
            solana_keypair: Some(keypair_file),
            priority_fee: None,
            json: true,
            yes: true,
        })?;
        Ok(Self { eth, authority, context, dir })
    }

    /// Upload `seconds` of a tone (each `take` a different file) and record the track.
    pub async fn upload(&self, take: u32, seconds: u32) -> anyhow::Result<(Published, Vec<u8>)> {
        let bytes = audius_content_node::audio::wav_tone(44_100 * seconds + take, 44_100);
        let path = self.dir.path().join(format!("take-{take}.wav"));
        std::fs::write(&path, &bytes)?;
        let published = publish(&self.context, &self.eth, &self.authority, Path::new(&path), None, None).await?;
        Ok((published, bytes))
    }
}

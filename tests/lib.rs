//! End-to-end tests across both chains. Each test file here drives the released clients the way a user does;
//! this library holds what they share: an artist who uploads through the SDK's upload (`audius artist upload`'s).

use alloy::signers::local::PrivateKeySigner;
use audius_localnet::LocalNetwork;
use audius_sdk::{
    eth::Protocol,
    solana::rpc::ContentClient,
    upload::publish::{Published, Publisher},
};
use solana_keypair::Keypair;

/// An artist with a profile on the local network's Solana node, uploading as `audius artist upload` does.
pub struct Artist {
    /// The artist's Ethereum key.
    pub eth: PrivateKeySigner,
    /// The profile's Solana authority.
    pub authority: Keypair,
    registry: Protocol<alloy::providers::DynProvider>,
    solana: ContentClient,
    dir: tempfile::TempDir,
}

impl Artist {
    /// An artist for anvil account `account`, with its profile created.
    pub async fn new(network: &LocalNetwork, account: usize) -> anyhow::Result<Self> {
        let eth = network.chain.signer(account);
        let authority = network.funded_keypair().await?;
        let dir = tempfile::tempdir()?;
        network.solana.create_profile(&authority, &eth, [0; audius_sdk::cid::CID_LEN]).await?;
        let registry = network.chain.protocol(account).await?;
        let solana = ContentClient::new(network.solana_node.rpc_url.clone());
        Ok(Self { eth, authority, registry, solana, dir })
    }

    /// Upload `seconds` of a tone (each `take` a different file) and record the track.
    pub async fn upload(&self, take: u32, seconds: u32) -> anyhow::Result<(Published, Vec<u8>)> {
        let bytes = audius_devkit::wav_tone(44_100 * seconds + take, 44_100);
        let path = self.dir.path().join(format!("take-{take}.wav"));
        std::fs::write(&path, &bytes)?;
        let publisher = Publisher::new(&self.registry, &self.solana)?;
        let published =
            publisher.publish(&publisher.prepare(&path, None, None).await?, &self.eth, &self.authority).await?;
        Ok((published, bytes))
    }
}

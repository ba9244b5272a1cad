//! The content program through the SDK's JSON-RPC client on the local Solana node: every instruction builder the
//! programs' own tests do not reach through the SDK, named program errors, and the ledger's hash chain rebuilt from
//! the events of every transaction.

use alloy::signers::local::PrivateKeySigner;
use audius_sdk::solana::{
    content::{self, AdminChange},
    rpc::{verify_chains, ContentClient, SolanaError},
};
use audius_solana_local::{LocalNode, NodeConfig};
use solana_keypair::Keypair;
use solana_signer::Signer;

/// An attestation expiry the program accepts: a minute from now.
fn soon() -> i64 {
    audius_sdk::upload::unix_now() as i64 + 60
}

const CLUSTER: [u8; 32] = [9; 32];

#[tokio::test(flavor = "multi_thread")]
async fn builders_round_trip_and_the_ledger_chains() {
    let admin = Keypair::new();
    let authority = Keypair::new();
    let node = LocalNode::start(NodeConfig {
        fund: vec![admin.pubkey(), authority.pubkey()],
        upgrade_authority: Some(admin.pubkey()),
        ..NodeConfig::default()
    })
    .unwrap();
    let client = ContentClient::new(node.rpc_url.clone());
    let attester = PrivateKeySigner::random();
    let mut signatures = Vec::new();
    signatures.push(
        client
            .send(&[content::initialize(&admin.pubkey(), CLUSTER, vec![attester.address().0 .0], 1)], &admin, &[])
            .await
            .unwrap(),
    );

    // Paused writes are refused with the program's named error; only the admin may pause.
    let pause = content::admin_update(&admin.pubkey(), AdminChange::WritesEnabled(false));
    signatures.push(client.send(&[pause], &admin, &[]).await.unwrap());
    let artist = PrivateKeySigner::random();
    let refused = client.create_profile(&authority, &artist, [0; audius_sdk::cid::CID_LEN]).await.unwrap_err();
    assert!(matches!(&refused, SolanaError::Program(e) if e.name == "WritesDisabled"), "{refused}");
    let not_admin = content::admin_update(&authority.pubkey(), AdminChange::WritesEnabled(true));
    let refused = client.send(&[not_admin], &authority, &[]).await.unwrap_err();
    assert!(matches!(&refused, SolanaError::Program(e) if e.name == "NotAdmin"), "{refused}");
    let resume = content::admin_update(&admin.pubkey(), AdminChange::WritesEnabled(true));
    signatures.push(client.send(&[resume], &admin, &[]).await.unwrap());

    // A profile, an app granted and revoked, the authority rotated by the Ethereum key.
    let (profile, signature) = client.create_profile(&authority, &artist, [0; audius_sdk::cid::CID_LEN]).await.unwrap();
    signatures.push(signature);
    let app = Keypair::new();
    let epoch = client.profile(&artist.address().0 .0).await.unwrap().unwrap().nonce;
    let grant_app = content::grant_app(&authority.pubkey(), &authority.pubkey(), &profile, epoch, &app.pubkey());
    signatures.push(client.send(&[grant_app], &authority, &[]).await.unwrap());
    let grant = content::app_grant_address(&profile, epoch, &app.pubkey());
    assert!(client.rpc().get_account(&grant).await.is_ok());
    signatures.push(
        client
            .send(
                &[content::revoke_app(&authority.pubkey(), &profile, epoch, &app.pubkey(), &authority.pubkey())],
                &authority,
                &[],
            )
            .await
            .unwrap(),
    );
    assert!(client.rpc().get_account(&grant).await.is_err(), "the grant is closed");

    let successor = Keypair::new();
    let eth = artist.address().0 .0;
    let nonce = client.profile(&eth).await.unwrap().unwrap().nonce;
    let deadline = soon();
    let proof = content::sign_profile_binding(&artist, &CLUSTER, &successor.pubkey(), nonce, deadline);
    let rotate = content::rotate_authority(&admin.pubkey(), &eth, successor.pubkey(), deadline, proof);
    signatures.push(client.send(std::slice::from_ref(&rotate), &admin, &[]).await.unwrap());
    assert_eq!(client.profile(&eth).await.unwrap().unwrap().authority, successor.pubkey());
    let replayed = client.send(&[rotate], &admin, &[]).await;
    assert!(
        matches!(replayed, Err(SolanaError::Program(ref e)) if e.name == "WrongEthereumSigner"),
        "a proof counts once"
    );

    // A node admitted and removed on attester signatures.
    let registration = content::NodeRegistration {
        sp_id: 7,
        owner_wallet: [1; 20],
        delegate_wallet: [2; 20],
        endpoint: "https://cn7.test".into(),
    };
    signatures.push(
        client.attest(&admin, &[&attester], content::AttestedFact::AdmitNode(registration), soon()).await.unwrap(),
    );
    assert!(client.rpc().get_account(&content::node_address(7)).await.is_ok());
    let remove = content::AttestedFact::RemoveNode { sp_id: 7, rent_payer: admin.pubkey().to_bytes() };
    signatures.push(client.attest(&admin, &[&attester], remove, soon()).await.unwrap());
    assert!(client.rpc().get_account(&content::node_address(7)).await.is_err(), "the node is gone");

    // Every entry, read back from the transactions, rebuilds the head each chain's account holds: the registry's
    // and the profile's.
    let mut events = Vec::new();
    for signature in &signatures {
        events.extend(client.ledger_events(signature).await.unwrap());
    }
    let mut heads = std::collections::HashMap::new();
    verify_chains(&mut heads, &events).unwrap();
    let profile = content::profile_address(&artist.address().0 .0);
    let on_chain = client.chain_heads(&[content::ledger_address(), profile]).await.unwrap();
    assert_eq!(on_chain.len(), 2);
    for (ledger, chain) in &on_chain {
        let verified = heads[ledger];
        assert_eq!((verified.seq, verified.head), (chain.seq, chain.head), "{ledger}");
    }
    assert_eq!(heads.len(), 2, "no entry on a third chain");
    assert_eq!(on_chain.values().map(|c| c.seq).sum::<u64>(), events.len() as u64);
}

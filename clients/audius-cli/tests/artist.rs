//! `audius artist` against the local Solana node with the content program: a profile bound to an Ethereum key,
//! its tracks listed, shown and deleted, and bad input refused.

mod common;

use alloy::signers::local::PrivateKeySigner;
use audius_sdk::{
    cid::ContentId,
    solana::{content, rpc::ContentClient},
};
use audius_solana_local::{LocalNode, NodeConfig};
use common::Audius;
use solana_keypair::Keypair;
use solana_signer::Signer;

const CLUSTER: [u8; 32] = [7; 32];

fn keypair_file(dir: &std::path::Path, name: &str, keypair: &Keypair) -> String {
    audius_devkit::write_keypair_file(dir, name, keypair).unwrap().display().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn profile_and_tracks() {
    let authority = Keypair::new();
    let intruder = Keypair::new();
    let node = LocalNode::start(NodeConfig {
        fund: vec![authority.pubkey(), intruder.pubkey()],
        upgrade_authority: Some(authority.pubkey()),
        ..NodeConfig::default()
    })
    .expect("local Solana node");
    let solana = ContentClient::new(node.rpc_url.clone());

    // The program's configuration and three content nodes (what the bridge does on a real network).
    let attester = PrivateKeySigner::random();
    solana
        .send(&[content::initialize(&authority.pubkey(), CLUSTER, vec![attester.address().0 .0], 1)], &authority, &[])
        .await
        .unwrap();
    let node_keys: Vec<PrivateKeySigner> = (0..3).map(|_| PrivateKeySigner::random()).collect();
    for sp_id in 1..=3u64 {
        let registration = content::NodeRegistration {
            sp_id,
            owner_wallet: [sp_id as u8; 20],
            delegate_wallet: node_keys[sp_id as usize - 1].address().0 .0,
            endpoint: format!("http://127.0.0.1:{}", 4000 + sp_id),
        };
        let fact = content::AttestedFact::AdmitNode(registration);
        solana.attest(&authority, &[&attester], fact, audius_sdk::upload::unix_now() as i64 + 60).await.unwrap();
    }

    let home = tempfile::tempdir().unwrap();
    let artist_key = PrivateKeySigner::random();
    let artist_address = artist_key.address().to_string();
    let artist = Audius::new(home.path().into())
        .with("AUDIUS_SOLANA_RPC", &node.rpc_url)
        .with("AUDIUS_ETH_PRIVATE_KEY", alloy::hex::encode_prefixed(artist_key.to_bytes()))
        .with("AUDIUS_SOLANA_KEYPAIR", keypair_file(home.path(), "artist.json", &authority));

    // A Solana key the chain has never credited pays no fee: said in words, exit 2, no profile created.
    let unfunded = Keypair::new();
    let broke = artist.clone().with("AUDIUS_SOLANA_KEYPAIR", keypair_file(home.path(), "broke.json", &unfunded));
    let no_sol = broke.run(&["--yes", "artist", "create-profile"]);
    assert_eq!(no_sol.code, 2, "{no_sol:?}");
    assert!(no_sol.stderr.contains("too little SOL"), "{no_sol:?}");

    let missing = artist.run(&["artist", "show"]);
    assert_eq!(missing.code, 2, "{missing:?}");
    assert!(missing.stderr.contains("has no profile"), "{missing:?}");

    let metadata = ContentId::of(b"{\"name\": \"Ada\"}");
    let created = artist.ok(&["artist", "create-profile", "--metadata-cid", &metadata.to_string()]);
    let profile_address = content::profile_address(&artist_key.address().0 .0);
    assert_eq!(created["profile"], profile_address.to_string().as_str());
    let seq = created["ledger_seq"].as_u64().expect("the ledger entry is reported");
    let chain = solana.profile(&artist_key.address().0 .0).await.unwrap().unwrap().ledger;
    assert_eq!(seq, chain.seq, "the profile's first entry, on its own chain");
    let shown = artist.ok(&["artist", "show"]);
    assert_eq!(shown["metadata_cid"], metadata.to_string().as_str());
    assert_eq!(shown["authority"], authority.pubkey().to_string().as_str());
    let again = artist.run(&["--yes", "artist", "create-profile"]);
    assert_eq!(again.code, 2, "{again:?}");
    assert!(again.stderr.contains("already has a profile"), "{again:?}");

    // With a priority fee: the transaction carries its price (a fee that is not a whole number is refused first).
    let fractional = artist.run(&["--priority-fee", "1.5", "artist", "show"]);
    assert_eq!(fractional.code, 2, "{fractional:?}");
    let new_metadata = ContentId::of(b"{\"name\": \"Ada L.\"}");
    let updated =
        artist.ok(&["--priority-fee", "7000", "artist", "update-profile", "--metadata-cid", &new_metadata.to_string()]);
    let sent: solana_signature::Signature = updated["signature"].as_str().unwrap().parse().unwrap();
    let transaction = solana
        .rpc()
        .get_transaction(&sent, solana_transaction_status_client_types::UiTransactionEncoding::Base64)
        .await
        .unwrap()
        .transaction
        .transaction
        .decode()
        .unwrap();
    let message = &transaction.message;
    let price = solana_compute_budget_interface::ComputeBudgetInstruction::set_compute_unit_price(7_000);
    assert!(
        message.instructions().iter().any(|ix| ix.data == price.data
            && message.static_account_keys()[usize::from(ix.program_id_index)] == price.program_id),
        "the transaction pays the priority fee"
    );
    assert_eq!(artist.ok(&["artist", "show", &artist_address])["metadata_cid"], new_metadata.to_string().as_str());
    let not_authority = artist
        .clone()
        .with("AUDIUS_SOLANA_KEYPAIR", keypair_file(home.path(), "intruder.json", &intruder))
        .run(&["--yes", "artist", "update-profile", "--metadata-cid", &metadata.to_string()]);
    assert_eq!(not_authority.code, 2, "{not_authority:?}");
    assert!(not_authority.stderr.contains("is not this profile's authority"), "{not_authority:?}");
    let bad_cid = artist.run(&[
        "--yes",
        "artist",
        "update-profile",
        "--metadata-cid",
        "QmWATWQ7fVPP2EFGu71UkfnqhYXDYH566qy47CnJDgvs8u",
    ]);
    assert_eq!(bad_cid.code, 2, "{bad_cid:?}");

    // Two tracks, as a content node records them after an upload.
    let songs = [ContentId::of(b"song one"), ContentId::of(b"song two")];
    let cluster = solana.config().await.unwrap().cluster;
    for (id, song) in songs.iter().enumerate() {
        let track = content::track_address(&profile_address, id as u64);
        let expiry = audius_sdk::upload::unix_now() as i64 + content::RECEIPT_SECS;
        let keys = std::array::from_fn(|i| &node_keys[i]);
        let receipts = content::sign_replica_receipts(keys, &cluster, &track, &song.to_bytes(), [1, 2, 3], expiry);
        let instruction = content::create_track(
            &authority.pubkey(),
            &authority.pubkey(),
            &profile_address,
            id as u64,
            None,
            song.to_bytes(),
            metadata.to_bytes(),
            [1, 2, 3],
            receipts,
        );
        let units = content::create_track_compute_units(&profile_address, id as u64);
        let signature =
            solana.send(&audius_sdk::solana::with_compute_limit(units, [instruction]), &authority, &[]).await.unwrap();
        let events = solana.ledger_events(&signature).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].entry.kind, content::EntryKind::TrackCreated);
    }
    let tracks = artist.ok(&["artist", "tracks"]);
    assert_eq!(tracks.as_array().unwrap().len(), 2);
    assert_eq!(tracks[1]["content_cid"], songs[1].to_string().as_str());
    assert_eq!(tracks[1]["replicas"], serde_json::json!([1, 2, 3]));
    let text = artist.run(&["artist", "track", "0"]);
    assert!(text.stdout.contains(&format!("content {}", songs[0])), "{text:?}");

    // Deleting closes the record and pays its rent back to the authority, which paid it.
    let track_0 = content::track_address(&profile_address, 0);
    let rent = solana.rpc().get_balance(&track_0).await.unwrap();
    let before = solana.rpc().get_balance(&authority.pubkey()).await.unwrap();
    let deleted = artist.ok(&["artist", "delete-track", "0"]);
    // No Ethereum here to sign the replicas' unpin requests for: the track is deleted all the same, and the
    // failure to ask them is reported with how to retry.
    assert_eq!(deleted["unpinned"], serde_json::Value::Null, "{deleted}");
    assert!(deleted["unpin_error"].as_str().is_some(), "{deleted}");
    let after = solana.rpc().get_balance(&authority.pubkey()).await.unwrap();
    assert!(rent > 0 && after + 10_000 >= before + rent, "the rent came back: {before} + {rent} vs {after}");
    let gone = artist.run(&["artist", "track", "0", "--artist", &artist_address]);
    assert!(gone.code == 2 && gone.stderr.contains("does not exist"), "{gone:?}");
    assert_eq!(artist.ok(&["artist", "tracks"]).as_array().unwrap().len(), 1, "the live track is listed");
    let twice = artist.run(&["--yes", "artist", "delete-track", "0"]);
    assert_eq!(twice.code, 2, "{twice:?}");
    let absent = artist.run(&["--yes", "artist", "delete-track", "9"]);
    assert_eq!(absent.code, 2, "{absent:?}");
    assert!(absent.stderr.contains("does not exist"), "{absent:?}");

    // The program itself refuses a writer that is not the authority (checked on chain, not only here).
    let forged = content::delete_track(&intruder.pubkey(), &profile_address, 1, None, &authority.pubkey());
    let refused = solana.send(&[forged], &intruder, &[]).await.unwrap_err();
    assert!(refused.to_string().starts_with("the content program refused"), "{refused}");
    assert!(
        matches!(refused, audius_sdk::solana::rpc::SolanaError::Program(ref e) if e.name == "NotAuthorized"),
        "{refused}"
    );

    // An unreachable Solana node is a network failure.
    let down = artist.clone().with("AUDIUS_SOLANA_RPC", "http://127.0.0.1:9").run(&["artist", "show"]);
    assert_eq!(down.code, 4, "{down:?}");
}

//! The local node through `solana-client`, as every Audius client talks to Solana: the content program's
//! instruction families round-trip, errors decode to the program's named errors, ledger entries travel in
//! `getTransaction`'s inner instructions, and SPL Token CPI works.

use alloy::signers::local::PrivateKeySigner;
use anchor_lang::{prelude::Pubkey, solana_program::instruction::Instruction, AccountDeserialize, Discriminator};
use anchor_spl::token::spl_token;
use audius_sdk::solana::{content, tips};
use audius_solana_local::{spl, LocalNode, NodeConfig};
use solana_commitment_config::CommitmentConfig;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_rpc_client::rpc_client::RpcClient;
use solana_rpc_client_api::{
    config::{RpcAccountInfoConfig, RpcProgramAccountsConfig, RpcTransactionConfig},
    filter::{Memcmp, RpcFilterType},
};
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;
use solana_transaction_status_client_types::{
    option_serializer::OptionSerializer, UiInstruction, UiTransactionEncoding,
};

const CLUSTER: [u8; 32] = [42; 32];

fn cid(seed: u8) -> [u8; audius_sdk::cid::CID_LEN] {
    let mut cid = [seed; 36];
    cid[..4].copy_from_slice(&[0x01, 0x55, 0x12, 0x20]);
    cid
}

fn send(
    client: &RpcClient,
    ixs: &[Instruction],
    payer: &Keypair,
    signers: &[&Keypair],
) -> Result<solana_transaction::Signature, solana_rpc_client_api::client_error::Error> {
    let blockhash = client.get_latest_blockhash()?;
    let mut all: Vec<&Keypair> = vec![payer];
    all.extend_from_slice(signers);
    let tx = Transaction::new_signed_with_payer(ixs, Some(&payer.pubkey()), &all, blockhash);
    client.send_and_confirm_transaction(&tx)
}

fn account<T: AccountDeserialize>(client: &RpcClient, address: &Pubkey) -> T {
    let data = client.get_account_data(address).expect("account exists");
    T::try_deserialize(&mut data.as_slice()).unwrap()
}

/// The ledger events carried by a confirmed transaction's inner instructions.
fn ledger_events(client: &RpcClient, signature: &solana_transaction::Signature) -> Vec<content::LedgerAppended> {
    let config = RpcTransactionConfig {
        encoding: Some(UiTransactionEncoding::Json),
        commitment: Some(CommitmentConfig::confirmed()),
        max_supported_transaction_version: Some(0),
    };
    let tx = client.get_transaction_with_config(signature, config).expect("getTransaction");
    let meta = tx.transaction.meta.expect("meta");
    let OptionSerializer::Some(inner) = meta.inner_instructions else { panic!("no inner instructions") };
    inner
        .iter()
        .flat_map(|set| set.instructions.iter())
        .filter_map(|ix| match ix {
            UiInstruction::Compiled(compiled) => {
                content::decode_ledger_event(&bs58::decode(&compiled.data).into_vec().unwrap())
            }
            _ => None,
        })
        .collect()
}

fn airdrop(client: &RpcClient, to: &Pubkey) {
    client.request_airdrop(to, 1_000_000_000).unwrap();
    while client.get_balance(to).unwrap() == 0 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn content_program_round_trips_over_json_rpc() {
    let payer = Keypair::new();
    let node = LocalNode::start(NodeConfig {
        fund: vec![payer.pubkey()],
        upgrade_authority: Some(payer.pubkey()),
        ..NodeConfig::default()
    })
    .expect("node starts");
    let client = RpcClient::new_with_commitment(node.rpc_url.clone(), CommitmentConfig::confirmed());
    assert!(client.get_balance(&payer.pubkey()).unwrap() > 0, "funded at start");

    // Configuration and ledger.
    let attester = PrivateKeySigner::random();
    send(&client, &[content::initialize(&payer.pubkey(), CLUSTER, vec![attester.address().0 .0], 1)], &payer, &[])
        .unwrap();

    // Three content nodes, admitted by the attester.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let expiry = now + 60;
    let node_keys: Vec<PrivateKeySigner> = (0..3).map(|_| PrivateKeySigner::random()).collect();
    for sp_id in 1..=3u64 {
        let nonce = account::<content::Config>(&client, &content::config_address()).attester_epoch;
        let registration = content::NodeRegistration {
            sp_id,
            owner_wallet: [sp_id as u8; 20],
            delegate_wallet: node_keys[sp_id as usize - 1].address().0 .0,
            endpoint: format!("http://127.0.0.1:{}", 4000 + sp_id),
        };
        let fact = content::AttestedFact::AdmitNode(registration);
        let signature = content::sign_digest(&attester, &fact.digest(&CLUSTER, nonce, expiry));
        send(&client, &[fact.instruction(&payer.pubkey(), nonce, expiry, vec![signature])], &payer, &[]).unwrap();
    }

    // An artist profile bound by its Ethereum key, then a track.
    let artist = PrivateKeySigner::random();
    let eth = artist.address().0 .0;
    let proof = content::sign_profile_binding(&artist, &CLUSTER, &payer.pubkey(), 0, expiry);
    send(
        &client,
        &[content::create_profile(&payer.pubkey(), &payer.pubkey(), eth, cid(9), expiry, proof)],
        &payer,
        &[],
    )
    .unwrap();
    let profile = content::profile_address(&eth);
    // The replicas' receipts for a track and its content, signed with the nodes' delegate keys (in replica order).
    let receipts = |track_id: u64,
                    content_cid: [u8; audius_sdk::cid::CID_LEN],
                    replicas: [u64; audius_sdk::rendezvous::REPLICATION_FACTOR]| {
        let keys = replicas.map(|sp_id| &node_keys[sp_id as usize - 1]);
        let track = content::track_address(&profile, track_id);
        content::sign_replica_receipts(keys, &CLUSTER, &track, &content_cid, replicas, expiry)
    };
    let signature = send(
        &client,
        &[content::create_track(
            &payer.pubkey(),
            &payer.pubkey(),
            &profile,
            0,
            None,
            cid(1),
            cid(2),
            [1, 2, 3],
            receipts(0, cid(1), [1, 2, 3]),
        )],
        &payer,
        &[],
    )
    .unwrap();

    // An app granted by the artist writes the second track.
    let app = Keypair::new();
    airdrop(&client, &app.pubkey()); // the writer pays the track's rent
    let epoch = account::<content::Profile>(&client, &profile).nonce;
    send(&client, &[content::grant_app(&payer.pubkey(), &payer.pubkey(), &profile, epoch, &app.pubkey())], &payer, &[])
        .unwrap();
    let grant = content::app_grant_address(&profile, epoch, &app.pubkey());
    let by_app = content::create_track(
        &app.pubkey(),
        &app.pubkey(),
        &profile,
        1,
        Some(grant),
        cid(3),
        cid(2),
        [3, 2, 1],
        receipts(1, cid(3), [3, 2, 1]),
    );
    let second_signature = send(&client, &[by_app], &payer, &[&app]).unwrap();
    let second: content::Track = account(&client, &content::track_address(&profile, 1));
    assert_eq!(second.replicas, [3, 2, 1]);

    let track: content::Track = account(&client, &content::track_address(&profile, 0));
    assert_eq!((track.content_cid, track.replicas, track.profile), (cid(1), [1, 2, 3], profile));
    // Two chains: the registry ledger's (initialize, three nodes) and the profile's (itself, a track, a grant, a
    // track).
    let ledger: content::Ledger = account(&client, &content::ledger_address());
    assert_eq!(ledger.chain.seq, 4, "initialize, three nodes");
    let chain = account::<content::Profile>(&client, &profile).ledger;
    assert_eq!(chain.seq, 4, "the profile, a track, a grant, a track");

    // The indexer's event path: the entry and the new head, from getTransaction.
    let events = ledger_events(&client, &signature);
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].entry.ledger, events[0].entry.seq), (profile, 2));
    assert_eq!(events[0].entry.kind, content::EntryKind::TrackCreated);
    assert_eq!(events[0].entry.subject, content::track_address(&profile, 0));
    let second_events = ledger_events(&client, &second_signature);
    assert_eq!(second_events.last().unwrap().head, chain.head, "the last entry's head is the profile's head");

    // getProgramAccounts with a memcmp on the Track discriminator finds exactly the two tracks.
    let tracks = client
        .get_program_ui_accounts_with_config(
            &content::PROGRAM_ID,
            RpcProgramAccountsConfig {
                filters: Some(vec![RpcFilterType::Memcmp(Memcmp::new_base58_encoded(
                    0,
                    content::Track::DISCRIMINATOR,
                ))]),
                account_config: RpcAccountInfoConfig::default(),
                ..RpcProgramAccountsConfig::default()
            },
        )
        .unwrap();
    assert_eq!(tracks.len(), 2);

    // A program error comes back as the program's named error.
    let stranger = Keypair::new();
    airdrop(&client, &stranger.pubkey());
    let err = send(
        &client,
        &[content::create_track(
            &stranger.pubkey(),
            &stranger.pubkey(),
            &profile,
            2,
            None,
            cid(5),
            cid(2),
            [1, 2, 3],
            receipts(2, cid(5), [1, 2, 3]),
        )],
        &stranger,
        &[],
    )
    .unwrap_err();
    let Some(TransactionError::InstructionError(0, InstructionError::Custom(code))) = err.get_transaction_error()
    else {
        panic!("not a program error: {err:?}");
    };
    assert_eq!(content::content_error(code).unwrap().name, "NotAuthorized");

    node.stop();
}

#[test]
fn spl_token_cpi_works_through_the_node() {
    let fan = Keypair::new();
    let node = LocalNode::start(NodeConfig { fund: vec![fan.pubkey()], ..NodeConfig::default() }).expect("node starts");
    let client = RpcClient::new_with_commitment(node.rpc_url.clone(), CommitmentConfig::confirmed());
    let artist = Keypair::new();
    let mint = Keypair::new();
    let fan_token = Keypair::new();
    let artist_token = Keypair::new();
    let mint_rent = client.get_minimum_balance_for_rent_exemption(spl::MINT_LEN).unwrap();
    let account_rent = client.get_minimum_balance_for_rent_exemption(spl::TOKEN_ACCOUNT_LEN).unwrap();
    let token_account = |account: &Keypair, owner: &Pubkey| {
        spl::create_token_account(&fan.pubkey(), &account.pubkey(), &mint.pubkey(), owner, account_rent)
    };
    let mut setup = spl::create_mint(&fan.pubkey(), &mint.pubkey(), &fan.pubkey(), 8, mint_rent).to_vec();
    setup.extend(token_account(&fan_token, &fan.pubkey()));
    setup.extend(token_account(&artist_token, &artist.pubkey()));
    setup.push(
        spl_token::instruction::mint_to(&spl_token::ID, &mint.pubkey(), &fan_token.pubkey(), &fan.pubkey(), &[], 1_000)
            .unwrap(),
    );
    send(&client, &setup, &fan, &[&mint, &fan_token, &artist_token]).unwrap();

    let tip = tips::send_tip(
        &fan.pubkey(),
        &fan.pubkey(),
        &artist.pubkey(),
        &mint.pubkey(),
        &fan_token.pubkey(),
        &artist_token.pubkey(),
        400,
    );
    send(&client, &[tip], &fan, &[]).unwrap();
    let balance = client.get_token_account_balance(&artist_token.pubkey()).unwrap();
    assert_eq!(balance.amount, "400");
    let total: tips::TipTotal =
        account(&client, &tips::tip_total_address(&fan.pubkey(), &artist.pubkey(), &mint.pubkey()));
    assert_eq!((total.amount, total.count), (400, 1));
    node.stop();
}

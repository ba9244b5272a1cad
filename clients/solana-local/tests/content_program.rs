//! The content program in the real runtime: every instruction family, its ledger entry and its failure modes.

mod common;

use anchor_lang::prelude::Pubkey;
use audius_content::{
    errors::ContentError,
    state::{Profile, Track},
};
use audius_content_interface::messages::{admit_node_parts, attestation_digest};
use common::*;
use solana_signer::Signer;

#[test]
fn initialize_creates_config_and_first_ledger_entry() {
    let h = Harness::new(3, 2);
    let config = h.config();
    assert_eq!(config.admin, h.admin.pubkey());
    assert_eq!(config.cluster, CLUSTER);
    assert!(config.writes_enabled);
    assert_eq!(config.attester_quorum, 2);
    assert_eq!(config.attesters, h.attesters.iter().map(|a| a.address).collect::<Vec<_>>());
    let ledger = h.ledger();
    assert_eq!(ledger.seq, 1);
    assert_eq!(h.events.len(), 1, "the entry travelled as an inner-instruction event");
    assert_eq!(h.events[0].entry.kind, EntryKind::ConfigChanged);
    assert_eq!(h.events[0].entry.seq, 1);
    assert_eq!(ledger.head, h.recomputed_head());
}

#[test]
fn initialize_cannot_run_twice() {
    let mut h = Harness::new(1, 1);
    let admin = h.funded();
    let ix = h.ix(
        audius_content::accounts::Initialize {
            admin: admin.pubkey(),
            config: config_address(),
            ledger: ledger_address(),
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: audius_content::ID,
        },
        audius_content::instruction::Initialize { cluster: [0; 32], attesters: vec![[1; 20]], quorum: 1 },
    );
    // The system program refuses to create an account that exists (custom 0: AccountAlreadyInUse).
    assert_eq!(h.send(ix, &admin), Err(custom(0)));
    assert_eq!(h.config().admin, h.admin.pubkey());
}

#[test]
fn profile_is_bound_by_the_ethereum_key() {
    let mut h = Harness::new(1, 1);
    let eth = EthKey::from_seed(1);
    let authority = h.create_profile(&eth);
    let profile = h.profile(&eth.address).unwrap();
    assert_eq!(
        profile,
        Profile {
            eth_address: eth.address,
            authority: authority.pubkey(),
            metadata_cid: cid(9),
            nonce: 1,
            track_count: 0,
            created_at: profile.created_at,
            updated_at: profile.created_at,
            tier: 0,
            tier_expires_at: 0,
            bump: profile.bump,
        }
    );
    let last = h.events.last().unwrap();
    assert_eq!(last.entry.kind, EntryKind::ProfileCreated);
    assert_eq!(last.entry.subject, profile_address(&eth.address));
    assert_eq!(last.entry.data_hash, audius_content::state::record_hash(&profile).unwrap());
    assert_eq!(h.ledger().head, h.recomputed_head());
}

#[test]
fn profile_proof_from_another_key_is_refused() {
    let mut h = Harness::new(1, 1);
    let eth = EthKey::from_seed(1);
    let impostor = EthKey::from_seed(2);
    let authority = h.funded();
    let sig = impostor.sign(&bind_profile_digest(&CLUSTER, &eth.address, &authority.pubkey(), 0));
    let ix = h.create_profile_ix(&authority.pubkey(), &eth.address, sig);
    assert_eq!(h.send(ix, &authority), Err(content(ContentError::WrongEthereumSigner)));
    assert!(h.profile(&eth.address).is_none());
}

#[test]
fn profile_proof_retargeted_to_another_authority_is_refused() {
    let mut h = Harness::new(1, 1);
    let eth = EthKey::from_seed(1);
    let victim = h.funded();
    let thief = h.funded();
    // A proof made for the victim's authority, submitted by a thief for its own.
    let sig = eth.sign(&bind_profile_digest(&CLUSTER, &eth.address, &victim.pubkey(), 0));
    let ix = h.create_profile_ix(&thief.pubkey(), &eth.address, sig);
    assert_eq!(h.send(ix, &thief), Err(content(ContentError::WrongEthereumSigner)));
}

#[test]
fn profile_proof_for_another_cluster_is_refused() {
    let mut h = Harness::new(1, 1);
    let eth = EthKey::from_seed(1);
    let authority = h.funded();
    let sig = eth.sign(&bind_profile_digest(&[8; 32], &eth.address, &authority.pubkey(), 0));
    let ix = h.create_profile_ix(&authority.pubkey(), &eth.address, sig);
    assert_eq!(h.send(ix, &authority), Err(content(ContentError::WrongEthereumSigner)));
}

#[test]
fn malformed_signature_is_refused() {
    let mut h = Harness::new(1, 1);
    let eth = EthKey::from_seed(1);
    let authority = h.funded();
    let mut sig = eth.sign(&bind_profile_digest(&CLUSTER, &eth.address, &authority.pubkey(), 0));
    sig[64] = 5; // no such recovery id
    let ix = h.create_profile_ix(&authority.pubkey(), &eth.address, sig);
    assert_eq!(h.send(ix, &authority), Err(content(ContentError::InvalidSignature)));
}

fn rotate_ix(
    h: &Harness,
    relayer: &Pubkey,
    eth: &[u8; 20],
    new_authority: Pubkey,
    signature: [u8; 65],
) -> anchor_lang::solana_program::instruction::Instruction {
    h.ix(
        audius_content::accounts::RotateAuthority {
            relayer: *relayer,
            content: content_write(),
            profile: profile_address(eth),
            event_authority: event_authority(),
            program: audius_content::ID,
        },
        audius_content::instruction::RotateAuthority { new_authority, signature },
    )
}

#[test]
fn authority_rotation_needs_a_fresh_proof_and_cannot_be_replayed() {
    let mut h = Harness::new(1, 1);
    let eth = EthKey::from_seed(1);
    h.create_profile(&eth);
    let relayer = h.funded();
    let new_authority = Pubkey::new_unique();
    // The creation proof (nonce 0) cannot be reused for a rotation.
    let stale = eth.sign(&bind_profile_digest(&CLUSTER, &eth.address, &new_authority, 0));
    let ix = rotate_ix(&h, &relayer.pubkey(), &eth.address, new_authority, stale);
    assert_eq!(h.send(ix, &relayer), Err(content(ContentError::WrongEthereumSigner)));

    let sig = eth.sign(&bind_profile_digest(&CLUSTER, &eth.address, &new_authority, 1));
    let ix = rotate_ix(&h, &relayer.pubkey(), &eth.address, new_authority, sig);
    h.send(ix.clone(), &relayer).expect("rotate");
    let profile = h.profile(&eth.address).unwrap();
    assert_eq!(profile.authority, new_authority);
    assert_eq!(profile.nonce, 2);
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::AuthorityRotated);
    // Replaying the same rotation fails: the nonce moved on.
    assert_eq!(h.send(ix, &relayer), Err(content(ContentError::WrongEthereumSigner)));
}

#[test]
fn nodes_are_admitted_only_by_an_attester_quorum() {
    let mut h = Harness::new(3, 2);
    let payer = h.funded();
    let endpoint = "https://cn7.audius.test";
    let sp = 7u64.to_le_bytes();
    let program = audius_content::ID.to_bytes();
    let parts = admit_node_parts(&program, &CLUSTER, &sp, &[7; 20], &[8; 20], endpoint.as_bytes());
    let expiry = h.now() + 600;

    // Below quorum.
    let sigs = h.attest(&[0], &parts, 0, expiry);
    let ix = h.admit_node_ix(&payer.pubkey(), 7, endpoint, expiry, sigs);
    assert_eq!(h.send(ix, &payer), Err(content(ContentError::BelowQuorum)));
    // The same attester twice.
    let sigs = h.attest(&[0, 0], &parts, 0, expiry);
    let ix = h.admit_node_ix(&payer.pubkey(), 7, endpoint, expiry, sigs);
    assert_eq!(h.send(ix, &payer), Err(content(ContentError::DuplicateOrUnorderedAttester)));
    // A signer that is not an attester.
    let outsider = EthKey::from_seed(42);
    let mut sigs = h.attest(&[0], &parts, 0, expiry);
    let digest = attestation_digest(&parts, 0, expiry);
    sigs.push(outsider.sign(&digest));
    if outsider.address < h.attesters[0].address {
        sigs.reverse();
    }
    let ix = h.admit_node_ix(&payer.pubkey(), 7, endpoint, expiry, sigs);
    assert_eq!(h.send(ix, &payer), Err(content(ContentError::NotAttester)));
    // Expired.
    let past = h.now() - 1;
    let sigs = h.attest(&[0, 1], &parts, 0, past);
    let ix = h.admit_node_ix(&payer.pubkey(), 7, endpoint, past, sigs);
    assert_eq!(h.send(ix, &payer), Err(content(ContentError::AttestationExpired)));
    assert!(h.node(7).is_none());

    // A quorum admits it and consumes the nonce.
    let sigs = h.attest(&[0, 2], &parts, 0, expiry);
    let ix = h.admit_node_ix(&payer.pubkey(), 7, endpoint, expiry, sigs);
    h.send(ix, &payer).expect("admit");
    let node = h.node(7).unwrap();
    assert_eq!((node.sp_id, node.endpoint.as_str()), (7, endpoint));
    assert_eq!(h.config().attestation_nonce, 1);
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::NodeAdmitted);
}

#[test]
fn replayed_node_attestation_is_refused() {
    let mut h = Harness::new(2, 2);
    h.admit_node(5);
    // Remove it, then try to re-admit with the original signatures (nonce 0): they recover to other addresses.
    let payer = h.funded();
    let endpoint = "https://cn5.audius.test";
    let sp = 5u64.to_le_bytes();
    let program = audius_content::ID.to_bytes();
    let parts = admit_node_parts(&program, &CLUSTER, &sp, &[5; 20], &[6; 20], endpoint.as_bytes());
    let expiry = h.now() + 600;
    let old = h.attest(&[0, 1], &parts, 0, expiry);
    let remove_parts: [&[u8]; 4] =
        [audius_content::constants::REMOVE_NODE_TAG, audius_content::ID.as_ref(), &CLUSTER, &sp];
    let sigs = h.attest(&[0, 1], &remove_parts, 1, expiry);
    let ix = h.ix(
        audius_content::accounts::RemoveNode {
            payer: payer.pubkey(),
            content: content_write(),
            node: node_address(5),
            event_authority: event_authority(),
            program: audius_content::ID,
        },
        audius_content::instruction::RemoveNode { expiry, signatures: sigs },
    );
    h.send(ix, &payer).expect("remove");
    assert!(h.node(5).is_none());
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::NodeRemoved);

    let ix = h.admit_node_ix(&payer.pubkey(), 5, endpoint, expiry, old);
    let err = h.send(ix, &payer).unwrap_err();
    assert!(
        err == content(ContentError::NotAttester) || err == content(ContentError::DuplicateOrUnorderedAttester),
        "{err:?}"
    );
}

fn setup_artist(h: &mut Harness) -> (EthKey, solana_keypair::Keypair, Pubkey) {
    for sp in 1..=4 {
        h.admit_node(sp);
    }
    let eth = EthKey::from_seed(1);
    let authority = h.create_profile(&eth);
    let profile = profile_address(&eth.address);
    (eth, authority, profile)
}

#[test]
fn track_record_is_created_small_and_chained() {
    let mut h = Harness::new(1, 1);
    let (eth, authority, profile) = setup_artist(&mut h);
    let ix = h.create_track_ix(&authority.pubkey(), &profile, 0, None, cid(3), [1, 2, 3]);
    h.send(ix, &authority).expect("create track");
    let track = h.track(&profile, 0).unwrap();
    assert_eq!(
        track,
        Track {
            profile,
            track_id: 0,
            content_cid: cid(3),
            metadata_cid: cid(2),
            replicas: [1, 2, 3],
            created_at: track.created_at,
            updated_at: track.created_at,
            deleted: false,
            bump: track.bump,
        }
    );
    assert_eq!(h.profile(&eth.address).unwrap().track_count, 1);
    let size = h.svm.get_account(&track_address(&profile, 0)).unwrap().data.len();
    assert!(size <= 200, "track record is {size} bytes");
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::TrackCreated);
    assert_eq!(h.ledger().head, h.recomputed_head());
    assert_eq!(h.ledger().seq, h.events.len() as u64);
}

#[test]
fn track_replicas_must_be_distinct_and_registered() {
    let mut h = Harness::new(1, 1);
    let (_, authority, profile) = setup_artist(&mut h);
    let ix = h.create_track_ix(&authority.pubkey(), &profile, 0, None, cid(3), [1, 1, 2]);
    assert_eq!(h.send(ix, &authority), Err(content(ContentError::InvalidReplicaSet)));
    let ix = h.create_track_ix(&authority.pubkey(), &profile, 0, None, cid(3), [1, 2, 99]);
    assert_eq!(h.send(ix, &authority), Err(anchor(anchor_lang::error::ErrorCode::AccountNotInitialized)));
}

#[test]
fn track_content_cid_must_be_a_sha256_cidv1() {
    let mut h = Harness::new(1, 1);
    let (_, authority, profile) = setup_artist(&mut h);
    let mut bad = cid(3);
    bad[2] = 0x13; // sha2-512 code
    let ix = h.create_track_ix(&authority.pubkey(), &profile, 0, None, bad, [1, 2, 3]);
    assert_eq!(h.send(ix, &authority), Err(content(ContentError::InvalidCid)));
}

#[test]
fn strangers_cannot_write_tracks_apps_can_until_revoked() {
    let mut h = Harness::new(1, 1);
    let (_, authority, profile) = setup_artist(&mut h);
    let stranger = h.funded();
    let ix = h.create_track_ix(&stranger.pubkey(), &profile, 0, None, cid(3), [1, 2, 3]);
    assert_eq!(h.send(ix, &stranger), Err(content(ContentError::NotAuthorized)));

    let app = h.funded();
    let grant = app_grant_address(&profile, 1, &app.pubkey());
    let ix = h.ix(
        audius_content::accounts::GrantApp {
            authority: authority.pubkey(),
            content: content_write(),
            profile,
            app_grant: grant,
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: audius_content::ID,
        },
        audius_content::instruction::GrantApp { app: app.pubkey() },
    );
    h.send(ix, &authority).expect("grant");
    let ix = h.create_track_ix(&app.pubkey(), &profile, 0, Some(grant), cid(3), [1, 2, 3]);
    h.send(ix, &app).expect("app writes");

    let ix = h.ix(
        audius_content::accounts::RevokeApp {
            authority: authority.pubkey(),
            content: content_write(),
            profile,
            app_grant: grant,
            event_authority: event_authority(),
            program: audius_content::ID,
        },
        audius_content::instruction::RevokeApp {},
    );
    h.send(ix, &authority).expect("revoke");
    assert!(h.svm.get_account(&grant).is_none_or(|a| a.lamports == 0));
    let ix = h.create_track_ix(&app.pubkey(), &profile, 1, Some(grant), cid(4), [1, 2, 3]);
    assert_eq!(h.send(ix, &app), Err(anchor(anchor_lang::error::ErrorCode::AccountNotInitialized)));
    let ix = h.create_track_ix(&app.pubkey(), &profile, 1, None, cid(4), [1, 2, 3]);
    assert_eq!(h.send(ix, &app), Err(content(ContentError::NotAuthorized)));
}

#[test]
fn writes_stop_when_disabled() {
    let mut h = Harness::new(1, 1);
    let (_, authority, profile) = setup_artist(&mut h);
    let admin = h.admin.insecure_clone();
    let ix = h.admin_ix(&admin.pubkey(), audius_content::instruction::SetWritesEnabled { enabled: false });
    h.send(ix, &admin).expect("disable");
    let ix = h.create_track_ix(&authority.pubkey(), &profile, 0, None, cid(3), [1, 2, 3]);
    assert_eq!(h.send(ix, &authority), Err(content(ContentError::WritesDisabled)));
}

#[test]
fn only_the_admin_changes_the_config() {
    let mut h = Harness::new(1, 1);
    let stranger = h.funded();
    let ix = h.admin_ix(&stranger.pubkey(), audius_content::instruction::SetAdmin { new_admin: stranger.pubkey() });
    assert_eq!(h.send(ix, &stranger), Err(content(ContentError::NotAdmin)));
    let admin = h.admin.insecure_clone();
    let ix = h.admin_ix(&admin.pubkey(), audius_content::instruction::SetAdmin { new_admin: stranger.pubkey() });
    h.send(ix, &admin).unwrap();
    assert_eq!(h.config().admin, stranger.pubkey());
    // The old admin lost the role.
    let ix = h.admin_ix(&admin.pubkey(), audius_content::instruction::SetWritesEnabled { enabled: false });
    assert_eq!(h.send(ix, &admin), Err(content(ContentError::NotAdmin)));
}

#[test]
fn tracks_change_only_by_their_writers_and_not_after_deletion() {
    let mut h = Harness::new(1, 1);
    let (_, authority, profile) = setup_artist(&mut h);
    let ix = h.create_track_ix(&authority.pubkey(), &profile, 0, None, cid(3), [1, 2, 3]);
    h.send(ix, &authority).unwrap();

    let stranger = h.funded();
    let ix = h.update_track_ix(&stranger.pubkey(), &profile, 0, 5, [2, 3, 4]);
    assert_eq!(h.send(ix, &stranger), Err(content(ContentError::NotAuthorized)));
    let ix = h.delete_track_ix(&stranger.pubkey(), &profile, 0);
    assert_eq!(h.send(ix, &stranger), Err(content(ContentError::NotAuthorized)));

    let ix = h.update_track_ix(&authority.pubkey(), &profile, 0, 5, [2, 3, 4]);
    h.send(ix, &authority).unwrap();
    let track = h.track(&profile, 0).unwrap();
    assert_eq!((track.metadata_cid, track.replicas), (cid(5), [2, 3, 4]));
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::TrackUpdated);

    let ix = h.delete_track_ix(&authority.pubkey(), &profile, 0);
    h.send(ix, &authority).unwrap();
    assert!(h.track(&profile, 0).unwrap().deleted);
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::TrackDeleted);
    let ix = h.update_track_ix(&authority.pubkey(), &profile, 0, 6, [1, 2, 3]);
    assert_eq!(h.send(ix, &authority), Err(content(ContentError::TrackDeleted)));
    let ix = h.delete_track_ix(&authority.pubkey(), &profile, 0);
    assert_eq!(h.send(ix, &authority), Err(content(ContentError::TrackDeleted)));
}

#[test]
fn track_of_another_profile_is_refused() {
    let mut h = Harness::new(1, 1);
    let (_, authority, profile) = setup_artist(&mut h);
    let ix = h.create_track_ix(&authority.pubkey(), &profile, 0, None, cid(3), [1, 2, 3]);
    h.send(ix, &authority).unwrap();
    let other = EthKey::from_seed(2);
    let other_authority = h.create_profile(&other);
    let other_profile = profile_address(&other.address);
    // The other artist names its own profile but the first artist's track: the track's PDA does not match.
    let mut ix = h.delete_track_ix(&other_authority.pubkey(), &other_profile, 0);
    ix.accounts[5].pubkey = track_address(&profile, 0);
    assert_eq!(h.send(ix, &other_authority), Err(anchor(anchor_lang::error::ErrorCode::ConstraintSeeds)));
}

#[test]
fn profile_updates_by_authority_only() {
    let mut h = Harness::new(1, 1);
    let eth = EthKey::from_seed(1);
    let authority = h.create_profile(&eth);
    let profile = profile_address(&eth.address);
    let stranger = h.funded();
    let ix = h.update_profile_ix(&stranger.pubkey(), &profile, 4);
    assert_eq!(h.send(ix, &stranger), Err(content(ContentError::NotAuthorized)));
    let ix = h.update_profile_ix(&authority.pubkey(), &profile, 4);
    h.send(ix, &authority).unwrap();
    assert_eq!(h.profile(&eth.address).unwrap().metadata_cid, cid(4));
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::ProfileUpdated);
}

#[test]
fn attester_set_must_be_sane() {
    let mut h = Harness::new(1, 1);
    let admin = h.admin.insecure_clone();
    let cases: Vec<(Vec<[u8; 20]>, u8)> = vec![
        (vec![[1; 20], [2; 20]], 0), // quorum zero
        (vec![[1; 20], [2; 20]], 3), // quorum above the set
        (vec![[1; 20], [1; 20]], 1), // duplicate
        (vec![[9; 20]; 17].iter().enumerate().map(|(i, _)| [i as u8; 20]).collect(), 1), // too many
    ];
    for (attesters, quorum) in cases {
        let ix = h.admin_ix(&admin.pubkey(), audius_content::instruction::SetAttesters { attesters, quorum });
        assert_eq!(h.send(ix, &admin), Err(content(ContentError::InvalidAttesterSet)));
    }
    let ix = h.admin_ix(
        &admin.pubkey(),
        audius_content::instruction::SetAttesters { attesters: vec![[1; 20], [2; 20]], quorum: 2 },
    );
    h.send(ix, &admin).unwrap();
    assert_eq!(h.config().attester_quorum, 2);
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::ConfigChanged);
}

#[test]
fn oversized_endpoint_is_refused() {
    let mut h = Harness::new(1, 1);
    let payer = h.funded();
    let endpoint = "x".repeat(audius_content::constants::MAX_ENDPOINT_LEN + 1);
    let ix = h.admit_node_ix(&payer.pubkey(), 1, &endpoint, h.now() + 60, vec![]);
    assert_eq!(h.send(ix, &payer), Err(content(ContentError::InvalidEndpoint)));
}

#[test]
fn track_create_fits_a_transaction_with_room_to_spare() {
    let mut h = Harness::new(1, 1);
    let (_, authority, profile) = setup_artist(&mut h);
    // Largest form: written by an app (the optional grant account present) that pays its own fee; CIDs are
    // fixed-size, so every create_track is this size or smaller.
    let _ = authority;
    let app = anchor_lang::prelude::Pubkey::new_unique();
    let ix = h.create_track_ix(&app, &profile, 0, Some(app_grant_address(&profile, 1, &app)), cid(3), [1, 2, 3]);
    let tx = solana_transaction::Transaction::new_with_payer(&[ix], Some(&app));
    let size = bincode_size(&tx);
    println!("create_track transaction: {size} bytes of 1232");
    assert!(1232 - size >= 600, "only {} bytes spare", 1232 - size);

    // The size and rent of every account (docs/programs.md quotes this output).
    use anchor_lang::Space;
    use audius_content::state::{AppGrant, Config, ContentNode, Ledger, Profile};
    let sizes = [
        ("Config", Config::INIT_SPACE),
        ("Ledger", Ledger::INIT_SPACE),
        ("Profile", Profile::INIT_SPACE),
        ("AppGrant", AppGrant::INIT_SPACE),
        ("ContentNode", ContentNode::INIT_SPACE),
        ("Track", Track::INIT_SPACE),
    ];
    for (name, space) in sizes {
        let bytes = 8 + space;
        println!(
            "{name}: {bytes} bytes, rent-exempt minimum {} lamports",
            h.svm.minimum_balance_for_rent_exemption(bytes)
        );
    }
    const { assert!(8 + Track::INIT_SPACE <= 200, "track record over 200 bytes") };
}

/// Wire size of a transaction signed by its payer alone.
fn bincode_size(tx: &solana_transaction::Transaction) -> usize {
    // signatures (compact length + 64 each) + the serialized message
    let message = tx.message.serialize();
    1 + 64 * usize::from(tx.message.header.num_required_signatures) + message.len()
}

#[test]
fn track_write_without_signature_is_refused() {
    let mut h = Harness::new(1, 1);
    let (_, authority, profile) = setup_artist(&mut h);
    let mut ix = h.create_track_ix(&authority.pubkey(), &profile, 0, None, cid(3), [1, 2, 3]);
    ix.accounts[0].is_signer = false;
    let payer = h.funded();
    assert_eq!(h.send(ix, &payer), Err(anchor(anchor_lang::error::ErrorCode::AccountNotSigner)));
}

#[test]
fn profile_owned_by_another_program_is_refused() {
    let mut h = Harness::new(1, 1);
    let eth = EthKey::from_seed(1);
    let authority = h.create_profile(&eth);
    let real = profile_address(&eth.address);
    // A byte-for-byte copy of the profile, owned by another program, at another address.
    let mut forged = h.svm.get_account(&real).unwrap();
    forged.owner = Pubkey::new_unique();
    let fake = Pubkey::new_unique();
    h.svm.set_account(fake, forged).unwrap();
    let ix = h.update_profile_ix(&authority.pubkey(), &fake, 4);
    assert_eq!(h.send(ix, &authority), Err(anchor(anchor_lang::error::ErrorCode::AccountOwnedByWrongProgram)));
}

#[test]
fn track_counter_overflow_is_refused() {
    let mut h = Harness::new(1, 1);
    let (eth, authority, profile) = setup_artist(&mut h);
    // Forge a profile at the end of its track counter.
    let mut account = h.svm.get_account(&profile).unwrap();
    let mut record = h.profile(&eth.address).unwrap();
    record.track_count = u64::MAX;
    let mut data = Vec::new();
    anchor_lang::AccountSerialize::try_serialize(&record, &mut data).unwrap();
    account.data = data;
    h.svm.set_account(profile, account).unwrap();
    let ix = h.create_track_ix(&authority.pubkey(), &profile, u64::MAX, None, cid(3), [1, 2, 3]);
    assert_eq!(h.send(ix, &authority), Err(content(ContentError::Overflow)));
}

#[test]
fn only_the_profile_authority_grants_and_revokes() {
    let mut h = Harness::new(1, 1);
    let eth = EthKey::from_seed(1);
    let authority = h.create_profile(&eth);
    let profile = profile_address(&eth.address);
    let app = Pubkey::new_unique();
    let grant_ix = |h: &Harness, signer: &Pubkey| {
        h.ix(
            audius_content::accounts::GrantApp {
                authority: *signer,
                content: content_write(),
                profile,
                app_grant: app_grant_address(&profile, 1, &app),
                system_program: anchor_lang::system_program::ID,
                event_authority: event_authority(),
                program: audius_content::ID,
            },
            audius_content::instruction::GrantApp { app },
        )
    };
    let stranger = h.funded();
    let ix = grant_ix(&h, &stranger.pubkey());
    assert_eq!(h.send(ix, &stranger), Err(content(ContentError::NotAuthorized)));
    let ix = grant_ix(&h, &authority.pubkey());
    h.send(ix, &authority).unwrap();
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::AppGranted);

    let revoke_ix = |h: &Harness, signer: &Pubkey| {
        h.ix(
            audius_content::accounts::RevokeApp {
                authority: *signer,
                content: content_write(),
                profile,
                app_grant: app_grant_address(&profile, 1, &app),
                event_authority: event_authority(),
                program: audius_content::ID,
            },
            audius_content::instruction::RevokeApp {},
        )
    };
    let ix = revoke_ix(&h, &stranger.pubkey());
    assert_eq!(h.send(ix, &stranger), Err(content(ContentError::NotAuthorized)));
    let ix = revoke_ix(&h, &authority.pubkey());
    h.send(ix, &authority).unwrap();
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::AppRevoked);
}

#[test]
fn node_removal_needs_a_quorum_too() {
    let mut h = Harness::new(2, 2);
    h.admit_node(3);
    let payer = h.funded();
    let sp = 3u64.to_le_bytes();
    let parts: [&[u8]; 4] = [audius_content::constants::REMOVE_NODE_TAG, audius_content::ID.as_ref(), &CLUSTER, &sp];
    let expiry = h.now() + 600;
    let sigs = h.attest(&[0], &parts, h.config().attestation_nonce, expiry);
    let ix = h.ix(
        audius_content::accounts::RemoveNode {
            payer: payer.pubkey(),
            content: content_write(),
            node: node_address(3),
            event_authority: event_authority(),
            program: audius_content::ID,
        },
        audius_content::instruction::RemoveNode { expiry, signatures: sigs },
    );
    assert_eq!(h.send(ix, &payer), Err(content(ContentError::BelowQuorum)));
    assert!(h.node(3).is_some());
}

/// A rotation voids the grants of the previous authority: a stolen authority key cannot keep writing through apps
/// it granted itself.
#[test]
fn rotation_voids_earlier_app_grants() {
    let mut h = Harness::new(1, 1);
    let (eth, authority, profile) = setup_artist(&mut h);
    let app = h.funded();
    let ix = h.ix(
        audius_content::accounts::GrantApp {
            authority: authority.pubkey(),
            content: content_write(),
            profile,
            app_grant: app_grant_address(&profile, 1, &app.pubkey()),
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: audius_content::ID,
        },
        audius_content::instruction::GrantApp { app: app.pubkey() },
    );
    h.send(ix, &authority).unwrap();

    let new_authority = h.funded();
    let proof = eth.sign(&bind_profile_digest(&CLUSTER, &eth.address, &new_authority.pubkey(), 1));
    let ix = rotate_ix(&h, &new_authority.pubkey(), &eth.address, new_authority.pubkey(), proof);
    h.send(ix, &new_authority).unwrap();

    let stale = app_grant_address(&profile, 1, &app.pubkey());
    let ix = h.create_track_ix(&app.pubkey(), &profile, 0, Some(stale), cid(3), [1, 2, 3]);
    assert_eq!(h.send(ix, &app), Err(anchor(anchor_lang::error::ErrorCode::ConstraintSeeds)));
    // The new authority clears the stale grant.
    let ix = h.ix(
        audius_content::accounts::RevokeApp {
            authority: new_authority.pubkey(),
            content: content_write(),
            profile,
            app_grant: stale,
            event_authority: event_authority(),
            program: audius_content::ID,
        },
        audius_content::instruction::RevokeApp {},
    );
    h.send(ix, &new_authority).unwrap();
    assert!(h.svm.get_account(&stale).is_none_or(|a| a.lamports == 0));
}

#[test]
fn quorum_is_capped_to_what_fits_a_transaction() {
    let mut h = Harness::new(1, 1);
    let admin = h.admin.insecure_clone();
    let attesters: Vec<[u8; 20]> = (0..16u8).map(|i| [i; 20]).collect();
    let quorum = audius_content::constants::MAX_QUORUM + 1;
    let ix =
        h.admin_ix(&admin.pubkey(), audius_content::instruction::SetAttesters { attesters: attesters.clone(), quorum });
    assert_eq!(h.send(ix, &admin), Err(content(ContentError::InvalidAttesterSet)));
    let quorum = audius_content::constants::MAX_QUORUM;
    let ix = h.admin_ix(&admin.pubkey(), audius_content::instruction::SetAttesters { attesters, quorum });
    h.send(ix, &admin).unwrap();
}

//! The content program in the real runtime: every instruction family, its ledger entry and its failure modes.

mod common;

use anchor_lang::prelude::Pubkey;
use audius_content_interface::messages::{admit_node_parts, attestation_digest};
use common::*;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
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
    assert_eq!(ledger.chain.seq, 1);
    assert_eq!(h.events.len(), 1, "the entry travelled as an inner-instruction event");
    assert_eq!(h.events[0].entry.kind, EntryKind::ConfigChanged);
    assert_eq!((h.events[0].entry.ledger, h.events[0].entry.seq), (ledger_address(), 1));
    h.assert_chains();
}

/// The review's front-run: `initialize` was open to whoever called it first after the deployment, and the caller
/// became the admin. Only the program's upgrade authority (the deployer) may call it now.
#[test]
fn only_the_upgrade_authority_initializes() {
    let mut h = Harness::deployed(true, 1);
    let squatter = h.funded();
    let attesters = vec![h.attesters[0].address];
    let ix = initialize(&squatter.pubkey(), CLUSTER, attesters.clone(), 1);
    assert_eq!(h.send(ix, &squatter), Err(content(ContentError::NotUpgradeAuthority)));
    // Nor with another account in the ProgramData's place: its address is derived from the program id.
    let mut ix = initialize(&squatter.pubkey(), CLUSTER, attesters.clone(), 1);
    let at = ix.accounts.iter().position(|meta| meta.pubkey == program_data_address()).unwrap();
    ix.accounts[at].pubkey = Pubkey::new_unique();
    assert_eq!(h.send(ix, &squatter), Err(runtime(InstructionError::InvalidSeeds)));
    assert!(h.svm.get_account(&config_address()).is_none_or(|a| a.data.is_empty()), "nothing was created");
    let admin = h.admin.insecure_clone();
    h.send(initialize(&admin.pubkey(), CLUSTER, attesters.clone(), 1), &admin).expect("the deployer initializes");
    assert_eq!(h.config().admin, admin.pubkey());

    // A program deployed immutable has no authority to initialize it.
    let mut immutable = Harness::deployed(false, 1);
    let admin = immutable.admin.insecure_clone();
    let ix = initialize(&admin.pubkey(), CLUSTER, attesters, 1);
    assert_eq!(immutable.send(ix, &admin), Err(content(ContentError::NotUpgradeAuthority)));
}

#[test]
fn initialize_cannot_run_twice() {
    let mut h = Harness::new(1, 1);
    let admin = h.funded();
    let ix = initialize(&admin.pubkey(), [0; 32], vec![[1; 20]], 1);
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
        bytes(&profile),
        bytes(&Profile {
            version: LAYOUT_VERSION,
            eth_address: eth.address,
            authority: authority.pubkey(),
            metadata_cid: cid(9),
            nonce: 1,
            track_count: 0,
            created_at: profile.created_at,
            updated_at: profile.created_at,
            tier: 0,
            tier_expires_at: 0,
            tier_nonce: 0,
            bump: profile.bump,
            ledger: profile.ledger,
        })
    );
    let last = h.events.last().unwrap();
    assert_eq!(last.entry.kind, EntryKind::ProfileCreated);
    assert_eq!(last.entry.subject, profile_address(&eth.address));
    assert_eq!(last.entry.data_hash, profile_record_hash(&profile));
    h.assert_chains();
}

#[test]
fn profile_proof_from_another_key_is_refused() {
    let mut h = Harness::new(1, 1);
    let eth = EthKey::from_seed(1);
    let impostor = EthKey::from_seed(2);
    let authority = h.funded();
    let sig = impostor.sign(&bind_profile_digest(&CLUSTER, &eth.address, &authority.pubkey(), 0, h.deadline()));
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
    let sig = eth.sign(&bind_profile_digest(&CLUSTER, &eth.address, &victim.pubkey(), 0, h.deadline()));
    let ix = h.create_profile_ix(&thief.pubkey(), &eth.address, sig);
    assert_eq!(h.send(ix, &thief), Err(content(ContentError::WrongEthereumSigner)));
}

#[test]
fn profile_proof_for_another_cluster_is_refused() {
    let mut h = Harness::new(1, 1);
    let eth = EthKey::from_seed(1);
    let authority = h.funded();
    let sig = eth.sign(&bind_profile_digest(&[8; 32], &eth.address, &authority.pubkey(), 0, h.deadline()));
    let ix = h.create_profile_ix(&authority.pubkey(), &eth.address, sig);
    assert_eq!(h.send(ix, &authority), Err(content(ContentError::WrongEthereumSigner)));
}

/// A binding proof is EIP-712 typed data with a deadline a wallet shows: a signature phished long ago, or meant to
/// wait for its moment, does not bind; nor does one whose deadline was changed after signing.
#[test]
fn profile_proof_holds_only_until_its_deadline() {
    let mut h = Harness::new(1, 1);
    let eth = EthKey::from_seed(1);
    let authority = h.funded();
    let now = h.now();
    for (deadline, error) in
        [(now - 1, ContentError::ProofExpired), (now + MAX_BINDING_PROOF_SECS + 1, ContentError::ExpiryTooFar)]
    {
        let sig = eth.sign(&bind_profile_digest(&CLUSTER, &eth.address, &authority.pubkey(), 0, deadline));
        let ix = create_profile(&authority.pubkey(), &authority.pubkey(), eth.address, cid(9), deadline, sig);
        assert_eq!(h.send(ix, &authority), Err(content(error)), "deadline {deadline}");
    }
    let sig = eth.sign(&bind_profile_digest(&CLUSTER, &eth.address, &authority.pubkey(), 0, now + 60));
    let ix = create_profile(&authority.pubkey(), &authority.pubkey(), eth.address, cid(9), now + 120, sig);
    assert_eq!(h.send(ix, &authority), Err(content(ContentError::WrongEthereumSigner)));
    assert!(h.profile(&eth.address).is_none());
    let ix = create_profile(&authority.pubkey(), &authority.pubkey(), eth.address, cid(9), now + 60, sig);
    h.send(ix, &authority).expect("within its deadline");

    // A rotation's proof likewise.
    let new_authority = Pubkey::new_unique();
    let sig = eth.sign(&bind_profile_digest(&CLUSTER, &eth.address, &new_authority, 1, now - 1));
    let ix = rotate_authority(&authority.pubkey(), &eth.address, new_authority, now - 1, sig);
    assert_eq!(h.send(ix, &authority), Err(content(ContentError::ProofExpired)));
}

#[test]
fn malformed_signature_is_refused() {
    let mut h = Harness::new(1, 1);
    let eth = EthKey::from_seed(1);
    let authority = h.funded();
    let mut sig = eth.sign(&bind_profile_digest(&CLUSTER, &eth.address, &authority.pubkey(), 0, h.deadline()));
    sig[64] = 5; // no such recovery id
    let ix = h.create_profile_ix(&authority.pubkey(), &eth.address, sig);
    assert_eq!(h.send(ix, &authority), Err(content(ContentError::InvalidSignature)));
}

#[test]
fn authority_rotation_needs_a_fresh_proof_and_cannot_be_replayed() {
    let mut h = Harness::new(1, 1);
    let eth = EthKey::from_seed(1);
    h.create_profile(&eth);
    let relayer = h.funded();
    let new_authority = Pubkey::new_unique();
    // The creation proof (nonce 0) cannot be reused for a rotation.
    let stale = eth.sign(&bind_profile_digest(&CLUSTER, &eth.address, &new_authority, 0, h.deadline()));
    let ix = rotate_authority(&relayer.pubkey(), &eth.address, new_authority, h.deadline(), stale);
    assert_eq!(h.send(ix, &relayer), Err(content(ContentError::WrongEthereumSigner)));

    let sig = eth.sign(&bind_profile_digest(&CLUSTER, &eth.address, &new_authority, 1, h.deadline()));
    let ix = rotate_authority(&relayer.pubkey(), &eth.address, new_authority, h.deadline(), sig);
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
    let program = PROGRAM_ID.to_bytes();
    let node = registration(7, endpoint);
    let parts =
        admit_node_parts(&program, &CLUSTER, &sp, &node.owner_wallet, &node.delegate_wallet, endpoint.as_bytes());
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
    // Valid for longer than the program allows (a signature that could wait for its moment).
    let far = h.now() + MAX_ATTESTATION_SECS + 1;
    let sigs = h.attest(&[0, 1], &parts, 0, far);
    let ix = h.admit_node_ix(&payer.pubkey(), 7, endpoint, far, sigs);
    assert_eq!(h.send(ix, &payer), Err(content(ContentError::ExpiryTooFar)));
    assert!(h.node(7).is_none());

    // A quorum admits it; the payer is recorded to get the rent back on removal.
    let sigs = h.attest(&[0, 2], &parts, 0, expiry);
    let ix = h.admit_node_ix(&payer.pubkey(), 7, endpoint, expiry, sigs);
    h.send(ix, &payer).expect("admit");
    let node = h.node(7).unwrap();
    assert_eq!((node.sp_id, node.endpoint.as_str(), node.rent_payer), (7, endpoint, payer.pubkey()));
    assert_eq!(h.config().attester_epoch, 0, "an admission moves no shared nonce");
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::NodeAdmitted);
}

#[test]
fn replayed_node_attestation_is_refused() {
    let mut h = Harness::new(2, 2);
    let payer = h.funded();
    let endpoint = "https://cn5.audius.test";
    let sp = 5u64.to_le_bytes();
    let program = PROGRAM_ID.to_bytes();
    let node = registration(5, endpoint);
    let parts =
        admit_node_parts(&program, &CLUSTER, &sp, &node.owner_wallet, &node.delegate_wallet, endpoint.as_bytes());
    let expiry = h.now() + 600;
    let admission = h.attest(&[0, 1], &parts, 0, expiry);
    h.send(h.admit_node_ix(&payer.pubkey(), 5, endpoint, expiry, admission.clone()), &payer).expect("admit");
    // While the node is admitted, its record's address refuses the same admission.
    let replay = h.admit_node_ix(&payer.pubkey(), 5, endpoint, expiry, admission);
    assert!(h.send(replay, &payer).is_err(), "the record exists");

    let remove_parts: [&[u8]; 4] = [REMOVE_NODE_TAG, PROGRAM_ID.as_ref(), &CLUSTER, &sp];
    let removal = h.attest(&[0, 1], &remove_parts, 0, expiry);
    let relayer = h.funded();
    // The relayer cannot take the rent: it goes back to who paid it.
    let ix = remove_node(&relayer.pubkey(), 5, &relayer.pubkey(), 0, expiry, removal.clone());
    assert_eq!(h.send(ix, &relayer), Err(content(ContentError::WrongRentPayer)));
    let (rent, before) = (h.svm.get_balance(&node_address(5)).unwrap(), h.svm.get_balance(&payer.pubkey()).unwrap());
    let ix = remove_node(&relayer.pubkey(), 5, &payer.pubkey(), 0, expiry, removal.clone());
    h.send(ix, &relayer).expect("remove");
    assert!(h.node(5).is_none());
    assert_eq!(h.svm.get_balance(&payer.pubkey()).unwrap(), before + rent, "the admission's payer got the rent");
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::NodeRemoved);
    // A removal of a removed node finds no record.
    let ix = remove_node(&relayer.pubkey(), 5, &payer.pubkey(), 0, expiry, removal);
    assert!(h.send(ix, &relayer).is_err());

    // Once the attester set changes, every signature of the set before is stale, with an error that says so.
    let attesters = vec![h.attesters[0].address];
    let change = AttestedFact::Attesters { attesters, quorum: 1 };
    let instructions = h.fact_instructions(&[0, 1], change, &relayer.pubkey(), expiry);
    h.send_all(&instructions, &relayer).expect("the set changes");
    let old = h.attest(&[0], &parts, 0, expiry);
    let registration =
        NodeRegistration { sp_id: 5, owner_wallet: [5; 20], delegate_wallet: [6; 20], endpoint: endpoint.into() };
    let stale = admit_node(&payer.pubkey(), registration, 0, expiry, old);
    assert_eq!(h.send(stale, &payer), Err(content(ContentError::StaleAttestation)));
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
        bytes(&track),
        bytes(&Track {
            version: LAYOUT_VERSION,
            profile,
            track_id: 0,
            content_cid: cid(3),
            metadata_cid: cid(2),
            replicas: [1, 2, 3],
            created_at: track.created_at,
            updated_at: track.created_at,
            rent_payer: authority.pubkey(),
            bump: track.bump,
        })
    );
    assert_eq!(h.profile(&eth.address).unwrap().track_count, 1);
    let size = h.svm.get_account(&track_address(&profile, 0)).unwrap().data.len();
    assert!(size <= 200, "track record is {size} bytes");
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::TrackCreated);
    h.assert_chains();
    // The track went on its profile's chain, after the profile itself; the registry holds the nodes.
    let last = &h.events.last().unwrap().entry;
    assert_eq!((last.ledger, last.seq), (profile, 2));
    assert_eq!(h.ledger().chain.seq, 5, "initialize and four nodes");
}

#[test]
fn track_replicas_must_be_distinct_and_registered() {
    let mut h = Harness::new(1, 1);
    let (_, authority, profile) = setup_artist(&mut h);
    let ix = h.create_track_ix(&authority.pubkey(), &profile, 0, None, cid(3), [1, 1, 2]);
    assert_eq!(h.send(ix, &authority), Err(content(ContentError::InvalidReplicaSet)));
    let ix = h.create_track_ix(&authority.pubkey(), &profile, 0, None, cid(3), [1, 2, 99]);
    assert_eq!(h.send(ix, &authority), Err(runtime(InstructionError::UninitializedAccount)));
}

/// The review's attack: one operator's three nodes passed as "replication factor 3" (and counted as three
/// operators' work by issuance).
#[test]
fn one_operators_nodes_are_no_replica_set() {
    let mut h = Harness::new(1, 1);
    let (_, authority, profile) = setup_artist(&mut h);
    // Three more nodes, all run by node 1's operator.
    for sp_id in 11..=13 {
        h.admit_registration(NodeRegistration { owner_wallet: [1; 20], ..registration(sp_id, "https://x.test") });
    }
    for replicas in [[11, 12, 13], [1, 11, 2], [2, 12, 11]] {
        let ix = h.create_track_ix(&authority.pubkey(), &profile, 0, None, cid(3), replicas);
        assert_eq!(h.send(ix, &authority), Err(content(ContentError::ReplicasShareOperator)), "{replicas:?}");
    }
    assert!(h.track(&profile, 0).is_none());
    // Nor may a track move onto them.
    h.send(h.create_track_ix(&authority.pubkey(), &profile, 0, None, cid(3), [1, 2, 3]), &authority).unwrap();
    let ix = h.update_track_ix(&authority.pubkey(), &profile, 0, 5, [1, 2, 11]);
    assert_eq!(h.send(ix, &authority), Err(content(ContentError::ReplicasShareOperator)));
    // Three operators, one of them node 1's, are.
    h.send(h.update_track_ix(&authority.pubkey(), &profile, 0, 5, [2, 3, 11]), &authority).unwrap();
    assert_eq!(h.track(&profile, 0).unwrap().replicas, [2, 3, 11]);
}

/// The review's attack: a writer named any three admitted nodes as a track's replicas, whether or not they hold
/// it. Each node's delegate key must now sign for the track and its content.
#[test]
fn replica_sets_need_each_nodes_receipt_for_the_track_and_its_content() {
    let mut h = Harness::new(1, 1);
    let (_, authority, profile) = setup_artist(&mut h);
    let signer = authority.pubkey();
    let create = |receipts: ReplicaReceipts| {
        create_track(&signer, &signer, &profile, 0, None, cid(3), cid(2), [1, 2, 3], receipts)
    };
    let good = h.receipts(&profile, 0, &cid(3), [1, 2, 3]);
    let now = h.now();

    let mut forged = good;
    let digest = replica_receipt_digest(&CLUSTER, &track_address(&profile, 0), &cid(3), 2, good.expiry);
    forged.signatures[1] = sign_digest(&node_key(9), &digest);
    let mut swapped = good;
    swapped.signatures.swap(0, 1);
    let keys = [1, 2, 3].map(node_key);
    let keys = [&keys[0], &keys[1], &keys[2]];
    let track_0 = track_address(&profile, 0);
    let other_cluster = sign_replica_receipts(keys, &[8; 32], &track_0, &cid(3), [1, 2, 3], good.expiry);
    let refused = [
        ("another key", forged, ContentError::WrongReceiptSigner),
        ("another content", h.receipts(&profile, 0, &cid(4), [1, 2, 3]), ContentError::WrongReceiptSigner),
        ("another track", h.receipts(&profile, 1, &cid(3), [1, 2, 3]), ContentError::WrongReceiptSigner),
        ("another node order", swapped, ContentError::WrongReceiptSigner),
        ("another cluster", other_cluster, ContentError::WrongReceiptSigner),
        (
            "expired",
            sign_replica_receipts(keys, &CLUSTER, &track_0, &cid(3), [1, 2, 3], now - 1),
            ContentError::ReceiptExpired,
        ),
        (
            "valid too long",
            sign_replica_receipts(keys, &CLUSTER, &track_0, &cid(3), [1, 2, 3], now + MAX_RECEIPT_SECS + 1),
            ContentError::ExpiryTooFar,
        ),
        (
            "malformed",
            ReplicaReceipts { signatures: [good.signatures[0], good.signatures[1], [5; 65]], ..good },
            ContentError::InvalidSignature,
        ),
    ];
    for (what, receipts, error) in refused {
        assert_eq!(h.send(create(receipts), &authority), Err(content(error)), "{what}");
    }
    assert!(h.track(&profile, 0).is_none(), "nothing was written");
    h.send(create(good), &authority).expect("the nodes' own receipts");
    // Spent: the same receipts name track 0, so they cannot put the content on track 1 too.
    let replay = create_track(&signer, &signer, &profile, 1, None, cid(3), cid(2), [1, 2, 3], good);
    assert_eq!(h.send(replay, &authority), Err(content(ContentError::WrongReceiptSigner)));

    // Moving the track: a new set needs receipts, the recorded one in any order does not.
    let moved = update_track(&signer, &profile, 0, None, [2, 3, 4], cid(5), None);
    assert_eq!(h.send(moved, &authority), Err(content(ContentError::MissingReplicaReceipts)));
    h.send(update_track(&signer, &profile, 0, None, [3, 1, 2], cid(5), None), &authority).expect("same set");
    let receipts = h.receipts(&profile, 0, &cid(4), [2, 3, 4]);
    let wrong_content = update_track(&signer, &profile, 0, None, [2, 3, 4], cid(5), Some(receipts));
    assert_eq!(h.send(wrong_content, &authority), Err(content(ContentError::WrongReceiptSigner)));
    let receipts = h.receipts(&profile, 0, &cid(3), [2, 3, 4]);
    h.send(update_track(&signer, &profile, 0, None, [2, 3, 4], cid(5), Some(receipts)), &authority).unwrap();
    assert_eq!(h.track(&profile, 0).unwrap().replicas, [2, 3, 4]);
    h.assert_chains();
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
    let ix = grant_app(&authority.pubkey(), &authority.pubkey(), &profile, 1, &app.pubkey());
    h.send(ix, &authority).expect("grant");
    let ix = h.create_track_ix(&app.pubkey(), &profile, 0, Some(grant), cid(3), [1, 2, 3]);
    h.send(ix, &app).expect("app writes");

    let ix = revoke_app(&authority.pubkey(), &profile, 1, &app.pubkey(), &authority.pubkey());
    h.send(ix, &authority).expect("revoke");
    assert!(h.svm.get_account(&grant).is_none_or(|a| a.lamports == 0));
    let ix = h.create_track_ix(&app.pubkey(), &profile, 1, Some(grant), cid(4), [1, 2, 3]);
    assert_eq!(h.send(ix, &app), Err(runtime(InstructionError::UninitializedAccount)));
    let ix = h.create_track_ix(&app.pubkey(), &profile, 1, None, cid(4), [1, 2, 3]);
    assert_eq!(h.send(ix, &app), Err(content(ContentError::NotAuthorized)));
}

#[test]
fn writes_stop_when_disabled() {
    let mut h = Harness::new(1, 1);
    let (_, authority, profile) = setup_artist(&mut h);
    let admin = h.admin.insecure_clone();
    let ix = admin_update(&admin.pubkey(), AdminChange::WritesEnabled(false));
    h.send(ix, &admin).expect("disable");
    let ix = h.create_track_ix(&authority.pubkey(), &profile, 0, None, cid(3), [1, 2, 3]);
    assert_eq!(h.send(ix, &authority), Err(content(ContentError::WritesDisabled)));
}

/// Pausing writes must not lock the safety actions: moving a profile off a stolen key, revoking an app, removing a
/// node that left Ethereum.
#[test]
fn safety_actions_stay_open_while_writes_are_paused() {
    let mut h = Harness::new(1, 1);
    let (eth, authority, profile) = setup_artist(&mut h);
    let app = h.funded();
    h.send(grant_app(&authority.pubkey(), &authority.pubkey(), &profile, 1, &app.pubkey()), &authority).unwrap();
    let admin = h.admin.insecure_clone();
    h.send(admin_update(&admin.pubkey(), AdminChange::WritesEnabled(false)), &admin).unwrap();

    h.send(revoke_app(&authority.pubkey(), &profile, 1, &app.pubkey(), &authority.pubkey()), &authority)
        .expect("revoke while paused");
    let new_authority = h.funded();
    let proof = eth.sign(&bind_profile_digest(&CLUSTER, &eth.address, &new_authority.pubkey(), 1, h.deadline()));
    let ix = rotate_authority(&new_authority.pubkey(), &eth.address, new_authority.pubkey(), h.deadline(), proof);
    h.send(ix, &new_authority).expect("rotate while paused");
    let relayer = h.funded();
    let rent_payer = h.node(4).unwrap().rent_payer.to_bytes();
    let removal = AttestedFact::RemoveNode { sp_id: 4, rent_payer };
    let instructions = h.fact_instructions(&[0], removal, &relayer.pubkey(), h.now() + 60);
    h.send_all(&instructions, &relayer).expect("remove a node while paused");
    assert!(h.node(4).is_none());
    // What the pause is for still waits.
    let ix = h.update_profile_ix(&new_authority.pubkey(), &profile, 5);
    assert_eq!(h.send(ix, &new_authority), Err(content(ContentError::WritesDisabled)));
}

#[test]
fn the_admin_role_moves_in_two_steps_to_a_key_that_signs() {
    let mut h = Harness::new(1, 1);
    let (stranger, successor) = (h.funded(), h.funded());
    let ix = admin_update(&stranger.pubkey(), AdminChange::ProposeAdmin(stranger.pubkey()));
    assert_eq!(h.send(ix, &stranger), Err(content(ContentError::NotAdmin)));
    let admin = h.admin.insecure_clone();
    // The zero key (a typo, or an unset variable) would lock the role away for ever.
    let ix = admin_update(&admin.pubkey(), AdminChange::ProposeAdmin(Pubkey::default()));
    assert_eq!(h.send(ix, &admin), Err(content(ContentError::InvalidAdmin)));
    let ix = admin_update(&admin.pubkey(), AdminChange::ProposeAdmin(successor.pubkey()));
    h.send(ix, &admin).unwrap();
    assert_eq!((h.config().admin, h.config().pending_admin), (admin.pubkey(), Some(successor.pubkey())));
    // Only the proposed key takes it.
    assert_eq!(h.send(accept_admin(&stranger.pubkey()), &stranger), Err(content(ContentError::NotPendingAdmin)));
    h.send(accept_admin(&successor.pubkey()), &successor).unwrap();
    assert_eq!((h.config().admin, h.config().pending_admin), (successor.pubkey(), None));
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::ConfigChanged);
    // Once: the proposal is spent, and the old admin lost the role.
    assert_eq!(h.send(accept_admin(&successor.pubkey()), &successor), Err(content(ContentError::NotPendingAdmin)));
    let ix = admin_update(&admin.pubkey(), AdminChange::WritesEnabled(false));
    assert_eq!(h.send(ix, &admin), Err(content(ContentError::NotAdmin)));
}

#[test]
fn tracks_change_only_by_their_writers_and_not_after_deletion() {
    let mut h = Harness::new(1, 1);
    let (eth, authority, profile) = setup_artist(&mut h);
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

    // The rent cannot be redirected: it goes back to whoever paid it.
    let thief = h.funded();
    let ix = delete_track(&authority.pubkey(), &profile, 0, None, &thief.pubkey());
    assert_eq!(h.send(ix, &authority), Err(content(ContentError::WrongRentPayer)));
    // Deleting closes the record and returns its rent to the payer (here the authority, which also signs).
    let track_address = track_address(&profile, 0);
    let rent = h.svm.get_balance(&track_address).unwrap();
    let before = h.svm.get_balance(&authority.pubkey()).unwrap();
    let ix = h.delete_track_ix(&authority.pubkey(), &profile, 0);
    h.send(ix, &authority).unwrap();
    assert!(h.track(&profile, 0).is_none(), "the record is closed");
    assert_eq!(h.svm.get_balance(&authority.pubkey()).unwrap(), before + rent - 5_000, "rent back, less the fee");
    let last = &h.events.last().unwrap().entry;
    assert_eq!((last.kind, last.subject, last.data_hash), (EntryKind::TrackDeleted, track_address, [0; 32]));
    h.assert_chains();
    // Nothing writes it again, and its id is never reused.
    let ix = h.update_track_ix(&authority.pubkey(), &profile, 0, 6, [1, 2, 3]);
    assert_eq!(h.send(ix, &authority), Err(runtime(InstructionError::UninitializedAccount)));
    let ix = h.delete_track_ix(&authority.pubkey(), &profile, 0);
    assert_eq!(h.send(ix, &authority), Err(runtime(InstructionError::UninitializedAccount)));
    assert_eq!(h.profile(&eth.address).unwrap().track_count, 1);
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
    let own_track = track_address(&other_profile, 0);
    let at = ix.accounts.iter().position(|meta| meta.pubkey == own_track).unwrap();
    ix.accounts[at].pubkey = track_address(&profile, 0);
    assert_eq!(h.send(ix, &other_authority), Err(runtime(InstructionError::InvalidSeeds)));
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
        let ix = admin_update(&admin.pubkey(), AdminChange::Attesters { attesters, quorum });
        assert_eq!(h.send(ix, &admin), Err(content(ContentError::InvalidAttesterSet)));
    }
    let ix = admin_update(&admin.pubkey(), AdminChange::Attesters { attesters: vec![[1; 20], [2; 20]], quorum: 2 });
    h.send(ix, &admin).unwrap();
    assert_eq!(h.config().attester_quorum, 2);
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::ConfigChanged);
}

#[test]
fn oversized_endpoint_is_refused() {
    let mut h = Harness::new(1, 1);
    let payer = h.funded();
    let endpoint = "x".repeat(MAX_ENDPOINT_LEN + 1);
    let ix = h.admit_node_ix(&payer.pubkey(), 1, &endpoint, h.now() + 60, vec![]);
    assert_eq!(h.send(ix, &payer), Err(content(ContentError::InvalidEndpoint)));
}

/// The size and rent of every account, as the program allocated them (docs/programs.md quotes this output; the
/// transactions' sizes are `transaction_sizes.rs`'s).
#[test]
fn account_sizes_and_rent() {
    let mut h = Harness::new(1, 1);
    let (_, authority, profile) = setup_artist(&mut h);
    let app = h.funded();
    let grant = app_grant_address(&profile, 1, &app.pubkey());
    let ix = grant_app(&authority.pubkey(), &authority.pubkey(), &profile, 1, &app.pubkey());
    h.send(ix, &authority).expect("grant");
    let ix = h.create_track_ix(&authority.pubkey(), &profile, 0, None, cid(3), [1, 2, 3]);
    h.send(ix, &authority).expect("create track");
    let accounts = [
        ("Config", config_address()),
        ("Ledger", ledger_address()),
        ("Profile", profile),
        ("AppGrant", grant),
        ("ContentNode", node_address(1)),
        ("Track", track_address(&profile, 0)),
    ];
    println!("| account | bytes (with the 8-byte discriminator) | rent-exempt minimum (lamports) |");
    println!("|---|---:|---:|");
    for (name, address) in accounts {
        let bytes = h.svm.get_account(&address).unwrap().data.len();
        println!("| {name} | {bytes} | {} |", h.svm.minimum_balance_for_rent_exemption(bytes));
    }
    let track_bytes = h.svm.get_account(&track_address(&profile, 0)).unwrap().data.len();
    assert!(track_bytes <= 200, "track record is {track_bytes} bytes");
}

#[test]
fn track_write_without_signature_is_refused() {
    let mut h = Harness::new(1, 1);
    let (_, authority, profile) = setup_artist(&mut h);
    let mut ix = h.create_track_ix(&authority.pubkey(), &profile, 0, None, cid(3), [1, 2, 3]);
    // Another key pays and signs; the writer does not sign.
    let payer = h.funded();
    ix.accounts[0].is_signer = false;
    ix.accounts[1].pubkey = payer.pubkey();
    assert_eq!(h.send(ix, &payer), Err(runtime(InstructionError::MissingRequiredSignature)));
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
    assert_eq!(h.send(ix, &authority), Err(runtime(InstructionError::IllegalOwner)));
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
    let stranger = h.funded();
    let ix = grant_app(&stranger.pubkey(), &stranger.pubkey(), &profile, 1, &app);
    assert_eq!(h.send(ix, &stranger), Err(content(ContentError::NotAuthorized)));
    let ix = grant_app(&authority.pubkey(), &authority.pubkey(), &profile, 1, &app);
    h.send(ix, &authority).unwrap();
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::AppGranted);

    let ix = revoke_app(&stranger.pubkey(), &profile, 1, &app, &stranger.pubkey());
    assert_eq!(h.send(ix, &stranger), Err(content(ContentError::NotAuthorized)));
    let ix = revoke_app(&authority.pubkey(), &profile, 1, &app, &authority.pubkey());
    h.send(ix, &authority).unwrap();
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::AppRevoked);
}

#[test]
fn node_removal_needs_a_quorum_too() {
    let mut h = Harness::new(2, 2);
    h.admit_node(3);
    let payer = h.funded();
    let sp = 3u64.to_le_bytes();
    let parts: [&[u8]; 4] = [REMOVE_NODE_TAG, PROGRAM_ID.as_ref(), &CLUSTER, &sp];
    let expiry = h.now() + 600;
    let sigs = h.attest(&[0], &parts, h.config().attester_epoch, expiry);
    let rent_payer = h.node(3).unwrap().rent_payer;
    let ix = remove_node(&payer.pubkey(), 3, &rent_payer, 0, expiry, sigs);
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
    let ix = grant_app(&authority.pubkey(), &authority.pubkey(), &profile, 1, &app.pubkey());
    h.send(ix, &authority).unwrap();

    let new_authority = h.funded();
    let proof = eth.sign(&bind_profile_digest(&CLUSTER, &eth.address, &new_authority.pubkey(), 1, h.deadline()));
    let ix = rotate_authority(&new_authority.pubkey(), &eth.address, new_authority.pubkey(), h.deadline(), proof);
    h.send(ix, &new_authority).unwrap();

    let stale = app_grant_address(&profile, 1, &app.pubkey());
    let ix = h.create_track_ix(&app.pubkey(), &profile, 0, Some(stale), cid(3), [1, 2, 3]);
    assert_eq!(h.send(ix, &app), Err(runtime(InstructionError::InvalidSeeds)));
    // The new authority clears the stale grant; its rent goes back to the old authority, who paid it.
    let ix = revoke_app(&new_authority.pubkey(), &profile, 1, &app.pubkey(), &authority.pubkey());
    h.send(ix, &new_authority).unwrap();
    assert!(h.svm.get_account(&stale).is_none_or(|a| a.lamports == 0));
}

/// The set is at most as large as a quorum of two thirds that fits a transaction allows, and the quorum at least
/// two thirds: no third of the attesters acts alone, whoever installs the set (the admin here, a quorum in the
/// bridge's tests).
#[test]
fn the_attester_set_is_bounded_and_its_quorum_at_least_two_thirds() {
    let mut h = Harness::new(1, 1);
    let admin = h.admin.insecure_clone();
    let set = |n: u8| (0..n).map(|i| [i + 1; 20]).collect::<Vec<[u8; 20]>>();
    let most = MAX_ATTESTERS as u8;
    let refused = [
        (set(most + 1), MAX_QUORUM),
        (set(most), MAX_QUORUM + 1),
        (set(most), MAX_QUORUM - 1),
        (set(3), 1),
        (set(4), 2),
        (set(0), 1),
    ];
    for (attesters, quorum) in refused {
        let what = format!("{} attesters, quorum {quorum}", attesters.len());
        let ix = admin_update(&admin.pubkey(), AdminChange::Attesters { attesters, quorum });
        assert_eq!(h.send(ix, &admin), Err(content(ContentError::InvalidAttesterSet)), "{what}");
    }
    assert_eq!(required_quorum(most as usize), MAX_QUORUM);
    for (attesters, quorum) in [(set(most), MAX_QUORUM), (set(4), 3), (set(3), 2), (set(2), 2)] {
        let ix = admin_update(&admin.pubkey(), AdminChange::Attesters { attesters: attesters.clone(), quorum });
        h.send(ix, &admin).unwrap();
        assert_eq!((h.config().attesters, h.config().attester_quorum), (attesters, quorum));
    }
    assert_eq!(h.config().attester_epoch, 4, "each change moved the epoch on");
}

/// Send `instructions`, led by the SDK's compute-unit limit: the write must succeed under it and use all but at
/// most `SPARE` of it (the spread of the measured figures the SDK is sized from).
fn within_sdk_limit(h: &mut Harness, instructions: Vec<Instruction>, signer: &Keypair, what: &str) {
    const SPARE: u64 = 5_000;
    use anchor_lang::AnchorDeserialize;
    use solana_compute_budget_interface::ComputeBudgetInstruction;
    let leading = ComputeBudgetInstruction::try_from_slice(&instructions[0].data);
    let Ok(ComputeBudgetInstruction::SetComputeUnitLimit(limit)) = leading else {
        panic!("{what}: the SDK leads with a compute-unit limit, not {leading:?}");
    };
    let limit = u64::from(limit);
    let used = h.send_all(&instructions, signer).unwrap_or_else(|e| panic!("{what} under the SDK's limit: {e:?}"));
    assert!(limit - used <= SPARE, "{what}: limit {limit}, used {used}");
}

#[test]
fn the_sdk_compute_limits_cover_every_write_with_little_to_spare() {
    // The largest inputs: the most attesters in the configuration every write reads, replicas with the longest
    // endpoints, apps writing; and every other profile, grant and track address funded before it is created.
    let mut h = Harness::new(MAX_ATTESTERS as u8, MAX_QUORUM);
    let admin = h.admin.insecure_clone();
    let ix = write_instructions(admin_update(&admin.pubkey(), AdminChange::WritesEnabled(true)));
    within_sdk_limit(&mut h, ix, &admin, "set_writes_enabled");
    for sp in 1..=4 {
        h.admit_node_at(sp, &"x".repeat(MAX_ENDPOINT_LEN));
    }
    for seed in 1..=8 {
        let prefund = seed % 2 == 0;
        let eth = EthKey::from_seed(seed);
        let profile = profile_address(&eth.address);
        if prefund {
            h.svm.airdrop(&profile, 1_000_000).unwrap();
        }
        let authority = h.funded();
        let sig = eth.sign(&bind_profile_digest(&CLUSTER, &eth.address, &authority.pubkey(), 0, h.deadline()));
        let ix = h.create_profile_ix(&authority.pubkey(), &eth.address, sig);
        let units = create_profile_compute_units(&eth.address);
        within_sdk_limit(&mut h, audius_sdk::solana::with_compute_limit(units, [ix]), &authority, "create_profile");

        let app = h.funded();
        let grant = app_grant_address(&profile, 1, &app.pubkey());
        if prefund {
            h.svm.airdrop(&grant, 1_000_000).unwrap();
        }
        let ix = grant_app(&authority.pubkey(), &authority.pubkey(), &profile, 1, &app.pubkey());
        let units = grant_app_compute_units(&profile, 1, &app.pubkey());
        within_sdk_limit(&mut h, audius_sdk::solana::with_compute_limit(units, [ix]), &authority, "grant_app");
        for track_id in 0..4 {
            if prefund && track_id % 2 == 0 {
                h.svm.airdrop(&track_address(&profile, track_id), 1_000_000).unwrap();
            }
            let receipts = h.receipts(&profile, track_id, &cid(3), [1, 2, 3]);
            let ix = create_track(
                &app.pubkey(),
                &app.pubkey(),
                &profile,
                track_id,
                Some(grant),
                cid(3),
                cid(2),
                [1, 2, 3],
                receipts,
            );
            let units = create_track_compute_units(&profile, track_id);
            within_sdk_limit(&mut h, audius_sdk::solana::with_compute_limit(units, [ix]), &app, "create_track");
        }
        let moved = h.receipts(&profile, 0, &cid(3), [2, 3, 4]);
        let writes = [
            update_profile(&app.pubkey(), &profile, Some(grant), cid(4)),
            update_track(&app.pubkey(), &profile, 0, Some(grant), [3, 1, 2], cid(5), None),
            update_track(&app.pubkey(), &profile, 0, Some(grant), [2, 3, 4], cid(6), Some(moved)),
            delete_track(&app.pubkey(), &profile, 1, Some(grant), &app.pubkey()),
        ];
        for ix in writes {
            within_sdk_limit(&mut h, write_instructions(ix), &app, "an app's write");
        }
        let ix = revoke_app(&authority.pubkey(), &profile, 1, &app.pubkey(), &authority.pubkey());
        within_sdk_limit(&mut h, write_instructions(ix), &authority, "revoke_app");
        let new_authority = h.funded();
        let proof = eth.sign(&bind_profile_digest(&CLUSTER, &eth.address, &new_authority.pubkey(), 1, h.deadline()));
        let ix = rotate_authority(&new_authority.pubkey(), &eth.address, new_authority.pubkey(), h.deadline(), proof);
        within_sdk_limit(&mut h, write_instructions(ix), &new_authority, "rotate_authority");
    }
}

#[test]
fn the_sdk_compute_limits_cover_attestations_of_one_and_of_the_largest_quorum() {
    for (attesters, quorum) in [(1, 1), (MAX_ATTESTERS as u8, MAX_QUORUM)] {
        let mut h = Harness::new(attesters, quorum);
        let signers: Vec<usize> = (0..usize::from(quorum)).collect();
        let payer = h.funded();
        let artist = EthKey::from_seed(1);
        h.create_profile(&artist);
        let mut attesters: Vec<[u8; 20]> = (0..attesters).map(|i| EthKey::from_seed(200 + i).address).collect();
        attesters.sort();
        // Half the node records' addresses funded before their admission (the pre-funded path).
        for sp_id in (2..=8u64).step_by(2) {
            h.svm.airdrop(&node_address(sp_id), 1_000_000).unwrap();
        }
        let facts = (1..=8u64)
            .map(|sp_id| {
                AttestedFact::AdmitNode(NodeRegistration {
                    sp_id,
                    owner_wallet: [1; 20],
                    delegate_wallet: [2; 20],
                    endpoint: "x".repeat(MAX_ENDPOINT_LEN),
                })
            })
            .chain([
                AttestedFact::RemoveNode { sp_id: 1, rent_payer: payer.pubkey().to_bytes() },
                AttestedFact::Tier { eth_address: artist.address, tier: 2, expires_at: h.now() + 3600 },
                AttestedFact::Attesters { attesters, quorum },
            ]);
        for fact in facts {
            let expiry = h.now() + 600;
            let what = format!("{fact:?} at quorum {quorum}");
            let ix = h.fact_instructions(&signers, fact, &payer.pubkey(), expiry);
            within_sdk_limit(&mut h, ix, &payer, &what);
        }
    }
}

/// The largest inputs each instruction takes run on the ELF within the SBF limits: 4 KiB frames (the link step
/// refuses a larger one) and the 32 KiB heap, which the framework's bump allocator never frees within an
/// instruction — an allocation past it aborts the write.
#[test]
fn largest_inputs_fit_the_frame_and_the_heap() {
    const MOST_ATTESTERS: u8 = MAX_ATTESTERS as u8;
    let mut h = Harness::new(MOST_ATTESTERS, MAX_QUORUM);
    assert_eq!(h.config().attesters.len(), usize::from(MOST_ATTESTERS));
    let payer = h.funded();
    let signers: Vec<usize> = (0..usize::from(MAX_QUORUM)).collect();
    let record = |h: &mut Harness, fact: AttestedFact| {
        let expiry = h.now() + 600;
        let instructions = h.fact_instructions(&signers, fact, &payer.pubkey(), expiry);
        h.send_all(&instructions, &payer)
    };
    let mut replacements: Vec<EthKey> = (0..MOST_ATTESTERS).map(|i| EthKey::from_seed(200 + i)).collect();
    replacements.sort_by_key(|a| a.address);
    let attesters = replacements.iter().map(|a| a.address).collect();
    record(&mut h, AttestedFact::Attesters { attesters, quorum: MAX_QUORUM }).expect("12 attesters, quorum 8");
    h.attesters = replacements;
    for sp_id in 1..=3 {
        let node = registration(sp_id, &"x".repeat(MAX_ENDPOINT_LEN));
        record(&mut h, AttestedFact::AdmitNode(node)).expect("the longest endpoint, quorum 8");
    }
    assert_eq!(h.node(1).unwrap().endpoint.len(), MAX_ENDPOINT_LEN);
    let eth = EthKey::from_seed(1);
    let authority = h.create_profile(&eth);
    let profile = profile_address(&eth.address);
    let app = h.funded();
    h.send(grant_app(&authority.pubkey(), &authority.pubkey(), &profile, 1, &app.pubkey()), &authority).unwrap();
    let grant = Some(app_grant_address(&profile, 1, &app.pubkey()));
    for track_id in 0..2 {
        let receipts = h.receipts(&profile, track_id, &cid(3), [1, 2, 3]);
        let ix =
            create_track(&app.pubkey(), &app.pubkey(), &profile, track_id, grant, cid(3), cid(2), [1, 2, 3], receipts);
        let units = create_track_compute_units(&profile, track_id);
        within_sdk_limit(&mut h, audius_sdk::solana::with_compute_limit(units, [ix]), &app, "create_track");
    }
    let ix = update_track(&app.pubkey(), &profile, 0, grant, [3, 2, 1], cid(4), None);
    within_sdk_limit(&mut h, write_instructions(ix), &app, "update_track");
    within_sdk_limit(
        &mut h,
        write_instructions(delete_track(&app.pubkey(), &profile, 1, grant, &app.pubkey())),
        &app,
        "delete_track",
    );
    h.assert_chains();
}

/// The account an admission creates is the PDA of the admitted id: a quorum's signatures for node 7 cannot
/// create the record of node 8.
#[test]
fn a_node_record_is_created_only_at_the_pda_of_its_id() {
    let mut h = Harness::new(1, 1);
    let payer = h.funded();
    let endpoint = "https://cn7.audius.test";
    let expiry = h.now() + 600;
    let program = PROGRAM_ID.to_bytes();
    let sp = 7u64.to_le_bytes();
    let node = registration(7, endpoint);
    let parts =
        admit_node_parts(&program, &CLUSTER, &sp, &node.owner_wallet, &node.delegate_wallet, endpoint.as_bytes());
    let sigs = h.attest(&[0], &parts, 0, expiry);
    let mut ix = h.admit_node_ix(&payer.pubkey(), 7, endpoint, expiry, sigs);
    let at = ix.accounts.iter().position(|meta| meta.pubkey == node_address(7)).unwrap();
    ix.accounts[at].pubkey = node_address(8);
    assert_eq!(h.send(ix, &payer), Err(runtime(InstructionError::InvalidSeeds)));
    assert!(h.node(7).is_none() && h.node(8).is_none());
    assert_eq!(h.config().attester_epoch, 0);
}

/// The review's hotspot: every write locked the one `Config` and `Ledger`, so all users shared one writable account's
/// compute per block, and anyone could jam it. Now every write on a profile's behalf takes as writable only its
/// signer and that profile's own accounts: two profiles' writes share none.
#[test]
fn writes_for_different_profiles_share_no_writable_account() {
    let h = Harness::new(1, 1);
    let writes_of = |seed: u8| {
        let eth = EthKey::from_seed(seed);
        let (authority, app) = (Pubkey::new_unique(), Pubkey::new_unique());
        let profile = profile_address(&eth.address);
        let grant = Some(app_grant_address(&profile, 1, &app));
        let deadline = h.deadline();
        let tier = AttestedFact::Tier { eth_address: eth.address, tier: 1, expires_at: h.now() + 60 };
        let receipts = h.receipts(&profile, 0, &cid(3), [1, 2, 3]);
        let writes = vec![
            create_profile(&authority, &authority, eth.address, cid(1), deadline, [0; 65]),
            update_profile(&app, &profile, grant, cid(2)),
            rotate_authority(&authority, &eth.address, Pubkey::new_unique(), deadline, [0; 65]),
            grant_app(&authority, &authority, &profile, 1, &app),
            revoke_app(&authority, &profile, 1, &app, &authority),
            create_track(&app, &app, &profile, 0, grant, cid(3), cid(2), [1, 2, 3], receipts),
            update_track(&app, &profile, 0, grant, [1, 2, 3], cid(4), Some(receipts)),
            delete_track(&app, &profile, 0, grant, &app),
            tier.instruction(&authority, 0, deadline, vec![[0; 65]]),
        ];
        let signers = [authority, app];
        let writable: std::collections::BTreeSet<Pubkey> = writes
            .iter()
            .flat_map(|ix| ix.accounts.iter())
            .filter(|meta| meta.is_writable && !signers.contains(&meta.pubkey))
            .map(|meta| meta.pubkey)
            .collect();
        (profile, writable)
    };
    let (a, writable_a) = writes_of(1);
    let (b, writable_b) = writes_of(2);
    assert!(writable_a.contains(&a) && writable_b.contains(&b));
    for shared in [config_address(), ledger_address()] {
        assert!(!writable_a.contains(&shared), "{shared} is writable in a profile's write");
    }
    assert!(
        writable_a.is_disjoint(&writable_b),
        "shared: {:?}",
        writable_a.intersection(&writable_b).collect::<Vec<_>>()
    );
}

/// The review: rent could not be sponsored (the payer was the authority), so an app could not onboard a wallet that
/// holds no SOL. A separate payer signs for the profile's, the app grant's and the track's rent — the wallet signs
/// only what it authorises — and has the grant's and the track's back when they are closed, whoever closes them.
#[test]
fn an_app_pays_the_rent_of_a_wallet_with_no_sol_and_has_it_back() {
    let mut h = Harness::new(1, 1);
    for sp_id in 1..=3 {
        h.admit_node(sp_id);
    }
    let (eth, wallet, app) = (EthKey::from_seed(1), Keypair::new(), h.funded());
    let balance = |h: &Harness, address: &Pubkey| h.svm.get_balance(address).unwrap_or(0);
    // Two signatures: the fee is twice the base fee, and the app pays it.
    const FEE: u64 = 2 * 5_000;

    let deadline = h.deadline();
    let proof = eth.sign(&bind_profile_digest(&CLUSTER, &eth.address, &wallet.pubkey(), 0, deadline));
    let ix = create_profile(&wallet.pubkey(), &app.pubkey(), eth.address, cid(9), deadline, proof);
    // The payer must sign: a stranger's lamports are not the app's to spend.
    let victim = h.funded();
    let mut unsigned = create_profile(&wallet.pubkey(), &victim.pubkey(), eth.address, cid(9), deadline, proof);
    unsigned.accounts[1].is_signer = false;
    assert_eq!(h.send_signed(&[unsigned], &app, &[&wallet]), Err(runtime(InstructionError::MissingRequiredSignature)));
    assert!(h.profile(&eth.address).is_none(), "nothing was created");
    let before = balance(&h, &app.pubkey());
    h.send_signed(&[ix], &app, &[&wallet]).expect("the app pays for the wallet's profile");
    let profile = profile_address(&eth.address);
    let profile_rent = balance(&h, &profile);
    assert_eq!(h.profile(&eth.address).unwrap().authority, wallet.pubkey(), "bound to the wallet, not the payer");
    assert_eq!(balance(&h, &app.pubkey()), before - profile_rent - FEE);
    assert_eq!(balance(&h, &wallet.pubkey()), 0, "the wallet spent nothing");

    // The wallet grants the app, which pays for the grant.
    let ix = grant_app(&wallet.pubkey(), &app.pubkey(), &profile, 1, &app.pubkey());
    h.send_signed(&[ix], &app, &[&wallet]).expect("a sponsored grant");
    let grant = app_grant_address(&profile, 1, &app.pubkey());
    assert_eq!(h.account::<AppGrant>(&grant).unwrap().rent_payer, app.pubkey());

    // A track the wallet writes itself, paid by the app: the record names the app as its rent payer.
    let receipts = h.receipts(&profile, 0, &cid(3), [1, 2, 3]);
    let ix = create_track(&wallet.pubkey(), &app.pubkey(), &profile, 0, None, cid(3), cid(2), [1, 2, 3], receipts);
    h.send_signed(&[ix], &app, &[&wallet]).expect("a sponsored track");
    let track = track_address(&profile, 0);
    assert_eq!(
        (h.track(&profile, 0).unwrap().rent_payer, h.track(&profile, 0).unwrap().profile),
        (app.pubkey(), profile)
    );
    assert_eq!(h.events.last().unwrap().entry.actor, wallet.pubkey(), "the writer is the wallet");

    // Deleting it (the wallet signs) pays the rent back to the app, never to the deleter.
    let ix = delete_track(&wallet.pubkey(), &profile, 0, None, &wallet.pubkey());
    assert_eq!(h.send_signed(&[ix], &app, &[&wallet]), Err(content(ContentError::WrongRentPayer)));
    let (before, rent) = (balance(&h, &app.pubkey()), balance(&h, &track));
    let ix = delete_track(&wallet.pubkey(), &profile, 0, None, &app.pubkey());
    h.send_signed(&[ix], &app, &[&wallet]).expect("delete");
    assert_eq!(balance(&h, &app.pubkey()), before + rent - FEE);

    // Revoking the grant pays its rent back to the app, which paid it, not to the authority that revokes.
    let ix = revoke_app(&wallet.pubkey(), &profile, 1, &app.pubkey(), &wallet.pubkey());
    assert_eq!(h.send_signed(&[ix], &app, &[&wallet]), Err(content(ContentError::WrongRentPayer)));
    assert!(h.account::<AppGrant>(&grant).is_some(), "a refused revocation leaves the grant");
    let (before, rent) = (balance(&h, &app.pubkey()), balance(&h, &grant));
    let ix = revoke_app(&wallet.pubkey(), &profile, 1, &app.pubkey(), &app.pubkey());
    h.send_signed(&[ix], &app, &[&wallet]).expect("revoke");
    assert_eq!(balance(&h, &app.pubkey()), before + rent - FEE);
    assert_eq!(balance(&h, &wallet.pubkey()), 0, "the wallet never held a lamport");
    h.assert_chains();
}

/// Every account starts, after its discriminator, with the layout version it was written at, so a later layout can
/// tell its records from today's and migrate them in place.
#[test]
fn every_account_carries_its_layout_version() {
    let mut h = Harness::new(1, 1);
    let (eth, authority, profile) = setup_artist(&mut h);
    let app = h.funded();
    h.send(grant_app(&authority.pubkey(), &authority.pubkey(), &profile, 1, &app.pubkey()), &authority).unwrap();
    let ix = h.create_track_ix(&authority.pubkey(), &profile, 0, None, cid(3), [1, 2, 3]);
    h.send(ix, &authority).unwrap();
    let grant = app_grant_address(&profile, 1, &app.pubkey());
    let versions = [
        h.config().version,
        h.ledger().version,
        h.profile(&eth.address).unwrap().version,
        h.account::<AppGrant>(&grant).unwrap().version,
        h.node(1).unwrap().version,
        h.track(&profile, 0).unwrap().version,
    ];
    assert_eq!(versions, [LAYOUT_VERSION; 6]);
    for address in [config_address(), ledger_address(), profile, grant, node_address(1), track_address(&profile, 0)] {
        assert_eq!(h.svm.get_account(&address).unwrap().data[8], LAYOUT_VERSION, "the byte after the discriminator");
    }
}

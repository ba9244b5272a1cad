//! The bridge's two new attested facts in the real runtime: stake tiers onto profiles, and the attester set
//! following itself. Each refused the ways an attack would try: below quorum, a signer twice, an outsider, expired,
//! valid for too long, replayed, retargeted at another profile or cluster, signed by an attester that has since been
//! removed, a quorum below two thirds. Each fact is signed at its subject's nonce, so relaying one fact cannot void
//! the signatures of another.

mod common;

use common::*;
use solana_instruction_error::InstructionError;
use solana_signer::Signer;

fn tier_fact(h: &Harness, eth: &EthKey, tier: u8) -> AttestedFact {
    AttestedFact::Tier { eth_address: eth.address, tier, expires_at: h.now() + 7 * 24 * 3600 }
}

#[test]
fn tier_is_recorded_on_a_quorum_and_refused_otherwise() {
    let mut h = Harness::new(3, 2);
    let artist = EthKey::from_seed(1);
    h.create_profile(&artist);
    let payer = h.funded();
    let expiry = h.now() + 300;
    let fact = tier_fact(&h, &artist, 3);
    let send = |h: &mut Harness, sigs: Vec<[u8; 65]>, fact: &AttestedFact, expiry: i64| {
        let ix = fact.clone().instruction(&payer.pubkey(), h.nonce_of(fact), expiry, sigs);
        h.send(ix, &payer)
    };

    let sigs = h.sign_fact(&[0], &fact, expiry);
    assert_eq!(send(&mut h, sigs, &fact, expiry), Err(content(ContentError::BelowQuorum)));
    let sigs = h.sign_fact(&[1, 1], &fact, expiry);
    assert_eq!(send(&mut h, sigs, &fact, expiry), Err(content(ContentError::DuplicateOrUnorderedAttester)));
    let sigs = h.sign_fact(&[1, 0], &fact, expiry);
    assert_eq!(send(&mut h, sigs, &fact, expiry), Err(content(ContentError::DuplicateOrUnorderedAttester)));
    let outsider = EthKey::from_seed(77);
    let mut sigs = h.sign_fact(&[0], &fact, expiry);
    sigs.push(outsider.sign(&fact.digest(&CLUSTER, 0, expiry)));
    if outsider.address < h.attesters[0].address {
        sigs.reverse();
    }
    assert_eq!(send(&mut h, sigs, &fact, expiry), Err(content(ContentError::NotAttester)));
    let past = h.now() - 1;
    let sigs = h.sign_fact(&[0, 1], &fact, past);
    assert_eq!(send(&mut h, sigs, &fact, past), Err(content(ContentError::AttestationExpired)));
    let lapsed = AttestedFact::Tier { eth_address: artist.address, tier: 3, expires_at: h.now() };
    let sigs = h.sign_fact(&[0, 1], &lapsed, expiry);
    assert_eq!(send(&mut h, sigs, &lapsed, expiry), Err(content(ContentError::InvalidTierExpiry)));
    // Bounds the attesters would not sign, but a quorum (or a bug) could: the program holds them itself.
    let too_long =
        AttestedFact::Tier { eth_address: artist.address, tier: 3, expires_at: h.now() + MAX_TIER_VALIDITY_SECS + 1 };
    let sigs = h.sign_fact(&[0, 1], &too_long, expiry);
    assert_eq!(send(&mut h, sigs, &too_long, expiry), Err(content(ContentError::InvalidTierExpiry)));
    let no_such_tier = AttestedFact::Tier { eth_address: artist.address, tier: MAX_TIER + 1, expires_at: h.now() + 60 };
    let sigs = h.sign_fact(&[0, 1], &no_such_tier, expiry);
    assert_eq!(send(&mut h, sigs, &no_such_tier, expiry), Err(content(ContentError::InvalidTier)));
    let far = h.now() + MAX_ATTESTATION_SECS + 1;
    let sigs = h.sign_fact(&[0, 1], &fact, far);
    assert_eq!(send(&mut h, sigs, &fact, far), Err(content(ContentError::ExpiryTooFar)));
    // Signed for another cluster: the signatures recover to strangers.
    let other_cluster = fact.digest(&[8; 32], 0, expiry);
    let sigs: Vec<[u8; 65]> = [0, 1].iter().map(|i| h.attesters[*i].sign(&other_cluster)).collect();
    assert_eq!(send(&mut h, sigs, &fact, expiry), Err(content(ContentError::NotAttester)));
    // A claimed tier other than the one signed.
    let sigs = h.sign_fact(&[0, 1], &fact, expiry);
    let inflated = AttestedFact::Tier { eth_address: artist.address, tier: 4, expires_at: h.now() + 7 * 24 * 3600 };
    assert_eq!(send(&mut h, sigs, &inflated, expiry), Err(content(ContentError::NotAttester)));
    let profile = h.profile(&artist.address).unwrap();
    assert_eq!((profile.tier, profile.tier_expires_at), (0, 0), "nothing failed wrote anything");
    assert_eq!(profile.tier_nonce, 0, "no failed attempt consumed the nonce");

    let sigs = h.sign_fact(&[0, 2], &fact, expiry);
    send(&mut h, sigs.clone(), &fact, expiry).expect("a quorum records the tier");
    let profile = h.profile(&artist.address).unwrap();
    let AttestedFact::Tier { expires_at, .. } = fact else { unreachable!() };
    assert_eq!((profile.tier, profile.tier_expires_at), (3, expires_at));
    assert_eq!(profile.tier_at(h.now()), 3);
    assert_eq!(profile.tier_at(expires_at + 1), 0, "a lapsed tier reads as none");
    let last = h.events.last().unwrap();
    assert_eq!(last.entry.kind, EntryKind::TierAttested);
    assert_eq!(last.entry.data_hash, profile_record_hash(&profile));
    h.assert_chains();

    assert_eq!(profile.tier_nonce, 1);

    // Replayed at the nonce it was signed at: the profile's nonce moved on, and the error says so.
    let replay = fact.clone().instruction(&payer.pubkey(), 0, expiry, sigs);
    assert_eq!(h.send(replay, &payer), Err(content(ContentError::StaleAttestation)));
    // Retargeted at another artist's profile, signed at that profile's nonce: the profile is part of the message.
    let other = EthKey::from_seed(2);
    h.create_profile(&other);
    let digest = fact.digest(&CLUSTER, 0, expiry);
    let sigs = [0, 1].iter().map(|i| h.attesters[*i].sign(&digest)).collect();
    let ix = attest_tier(&payer.pubkey(), &other.address, 3, expires_at, 0, expiry, sigs);
    assert_eq!(h.send(ix, &payer), Err(content(ContentError::NotAttester)));
    assert_eq!(h.profile(&other.address).unwrap().tier, 0);
}

#[test]
fn tier_needs_the_canonical_profile_account() {
    let mut h = Harness::new(1, 1);
    let artist = EthKey::from_seed(1);
    h.create_profile(&artist);
    h.admit_node(1);
    let payer = h.funded();
    let expiry = h.now() + 300;
    let fact = tier_fact(&h, &artist, 1);
    let sigs = h.sign_fact(&[0], &fact, expiry);
    let profile = profile_address(&artist.address);
    let slot = |ix: &Instruction| ix.accounts.iter().position(|meta| meta.pubkey == profile).unwrap();
    let mut ix = fact.clone().instruction(&payer.pubkey(), 0, expiry, sigs.clone());
    // The profile slot pointed at another account of the program: a node record.
    let at = slot(&ix);
    ix.accounts[at].pubkey = node_address(1);
    assert_eq!(h.send(ix, &payer), Err(runtime(InstructionError::InvalidAccountData)));
    // Or at the configuration, which the instruction also takes: the writable profile may not alias it.
    let mut ix = fact.instruction(&payer.pubkey(), 0, expiry, sigs);
    let at = slot(&ix);
    ix.accounts[at].pubkey = config_address();
    assert_eq!(h.send(ix, &payer), Err(custom(DUPLICATE_MUTABLE_ACCOUNT)));
}

#[test]
fn attester_set_follows_a_quorum_of_the_current_one() {
    let mut h = Harness::new(3, 2);
    let payer = h.funded();
    let expiry = h.now() + 300;
    let newcomer = EthKey::from_seed(50);
    let mut attesters = vec![h.attesters[0].address, newcomer.address];
    attesters.sort();
    let fact = AttestedFact::Attesters { attesters: attesters.clone(), quorum: 2 };

    let sigs = h.sign_fact(&[1], &fact, expiry);
    let ix = fact.clone().instruction(&payer.pubkey(), 0, expiry, sigs);
    assert_eq!(h.send(ix, &payer), Err(content(ContentError::BelowQuorum)));
    // A quorum cannot install an insane set either: a quorum above the set, a signer twice, an empty set, or a
    // quorum below two thirds (two of three attesters making themselves and a friend a set that one of them runs).
    let mut three = vec![h.attesters[0].address, h.attesters[1].address, newcomer.address];
    three.sort();
    let insane = [
        AttestedFact::Attesters { attesters: attesters.clone(), quorum: 3 },
        AttestedFact::Attesters { attesters: vec![attesters[0], attesters[0]], quorum: 1 },
        AttestedFact::Attesters { attesters: vec![], quorum: 1 },
        AttestedFact::Attesters { attesters: three, quorum: 1 },
        AttestedFact::Attesters { attesters: attesters.clone(), quorum: 1 },
    ];
    for insane in insane {
        let sigs = h.sign_fact(&[0, 1], &insane, expiry);
        let ix = insane.clone().instruction(&payer.pubkey(), 0, expiry, sigs);
        assert_eq!(h.send(ix, &payer), Err(content(ContentError::InvalidAttesterSet)), "{insane:?}");
    }
    // Nor re-install the set it has: relaying that true fact would only void the signatures in flight.
    let current = AttestedFact::Attesters { attesters: h.config().attesters, quorum: 2 };
    let sigs = h.sign_fact(&[0, 1], &current, expiry);
    let ix = current.instruction(&payer.pubkey(), 0, expiry, sigs);
    assert_eq!(h.send(ix, &payer), Err(content(ContentError::AttesterSetUnchanged)));

    let sigs = h.sign_fact(&[1, 2], &fact, expiry);
    let ix = fact.clone().instruction(&payer.pubkey(), 0, expiry, sigs.clone());
    h.send(ix, &payer).expect("a quorum of the current set replaces it");
    let config = h.config();
    assert_eq!((config.attesters, config.attester_quorum, config.attester_epoch), (attesters, 2, 1));
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::ConfigChanged);
    // Valid once: the epoch moved on.
    let replay = fact.instruction(&payer.pubkey(), 0, expiry, sigs);
    assert_eq!(h.send(replay, &payer), Err(content(ContentError::StaleAttestation)));

    // Removed attesters (1 and 2) no longer count, mid-way through whatever they were attesting.
    let artist = EthKey::from_seed(1);
    h.create_profile(&artist);
    let tier = tier_fact(&h, &artist, 2);
    let sigs = h.sign_fact(&[1, 2], &tier, expiry);
    let ix = tier.clone().instruction(&payer.pubkey(), 0, expiry, sigs);
    assert_eq!(h.send(ix, &payer), Err(content(ContentError::NotAttester)));
    // The new set does.
    let digest = tier.digest(&CLUSTER, h.nonce_of(&tier), expiry);
    let mut signers = [&h.attesters[0], &newcomer];
    signers.sort_by_key(|k| k.address);
    let sigs = signers.iter().map(|k| k.sign(&digest)).collect();
    h.send(tier.instruction(&payer.pubkey(), 0, expiry, sigs), &payer).expect("the new set attests");
    assert_eq!(h.profile(&artist.address).unwrap().tier, 2);
}

/// The review's griefing attack: a bot relays a cheap true tier fact whenever a nonce appears. With one global nonce
/// that voided the signatures of every other attested fact in flight (a node admission refused as `NotAttester`);
/// signed at their own subjects' nonces, the admission and the other profile's tier still land.
#[test]
fn relaying_one_fact_voids_no_other_facts_signatures() {
    let mut h = Harness::new(3, 2);
    let (victim, bystander) = (EthKey::from_seed(1), EthKey::from_seed(2));
    h.create_profile(&victim);
    h.create_profile(&bystander);
    let (griefer, operator) = (h.funded(), h.funded());
    let expiry = h.now() + 300;
    let admission = AttestedFact::AdmitNode(NodeRegistration {
        sp_id: 4,
        owner_wallet: [4; 20],
        delegate_wallet: [5; 20],
        endpoint: "https://cn4.audius.test".into(),
    });
    let admit = h.fact_instructions(&[0, 1], admission, &operator.pubkey(), expiry);
    let bystander_tier = h.fact_instructions(&[0, 2], tier_fact(&h, &bystander, 2), &operator.pubkey(), expiry);

    let griefing = h.fact_instructions(&[1, 2], tier_fact(&h, &victim, 1), &griefer.pubkey(), expiry);
    h.send_all(&griefing, &griefer).expect("the griefer's true fact lands");
    h.send_all(&admit, &operator).expect("the admission signed before it still lands");
    h.send_all(&bystander_tier, &operator).expect("so does another profile's tier");
    assert!(h.node(4).is_some());
    assert_eq!(h.profile(&bystander.address).unwrap().tier, 2);
}

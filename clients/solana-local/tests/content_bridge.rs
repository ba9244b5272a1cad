//! The bridge's two new attested facts in the real runtime: stake tiers onto profiles, and the attester set
//! following itself. Each refused the ways an attack would try: below quorum, a signer twice, an outsider, expired,
//! replayed, retargeted at another profile or cluster, signed by an attester that has since been removed.

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
        let ix = fact.clone().instruction(&payer.pubkey(), expiry, sigs);
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
    assert_eq!(h.config().attestation_nonce, 0, "no failed attempt consumed the nonce");

    let sigs = h.sign_fact(&[0, 2], &fact, expiry);
    send(&mut h, sigs.clone(), &fact, expiry).expect("a quorum records the tier");
    let profile = h.profile(&artist.address).unwrap();
    let AttestedFact::Tier { expires_at, .. } = fact else { unreachable!() };
    assert_eq!((profile.tier, profile.tier_expires_at), (3, expires_at));
    assert_eq!(profile.tier_at(h.now()), 3);
    assert_eq!(profile.tier_at(expires_at + 1), 0, "a lapsed tier reads as none");
    let last = h.events.last().unwrap();
    assert_eq!(last.entry.kind, EntryKind::TierAttested);
    assert_eq!(last.entry.data_hash, record_hash(&profile));
    assert_eq!(h.ledger().head, h.recomputed_head());

    // Replayed: the nonce moved on, so the same signatures recover to other addresses.
    assert_eq!(send(&mut h, sigs, &fact, expiry), Err(content(ContentError::NotAttester)));
    // Retargeted at another artist's profile, signed at the current nonce: the profile is part of the message.
    let other = EthKey::from_seed(2);
    h.create_profile(&other);
    let sigs = h.sign_fact(&[0, 1], &fact, expiry);
    let ix = audius_sdk::solana::content::attest_tier(&payer.pubkey(), &other.address, 3, expires_at, expiry, sigs);
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
    let mut ix = fact.clone().instruction(&payer.pubkey(), expiry, sigs.clone());
    // The profile slot (after payer, config, ledger) pointed at another account of the program: a node record.
    ix.accounts[3].pubkey = node_address(1);
    assert_eq!(h.send(ix, &payer), Err(runtime(InstructionError::InvalidAccountData)));
    // Or at the configuration account, which the instruction already takes as writable.
    let mut ix = fact.instruction(&payer.pubkey(), expiry, sigs);
    ix.accounts[3].pubkey = config_address();
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
    let ix = fact.clone().instruction(&payer.pubkey(), expiry, sigs);
    assert_eq!(h.send(ix, &payer), Err(content(ContentError::BelowQuorum)));
    // A quorum cannot install an insane set either.
    let insane = AttestedFact::Attesters { attesters: attesters.clone(), quorum: 3 };
    let sigs = h.sign_fact(&[0, 1], &insane, expiry);
    let ix = insane.instruction(&payer.pubkey(), expiry, sigs);
    assert_eq!(h.send(ix, &payer), Err(content(ContentError::InvalidAttesterSet)));
    let duplicated = AttestedFact::Attesters { attesters: vec![attesters[0], attesters[0]], quorum: 1 };
    let sigs = h.sign_fact(&[0, 1], &duplicated, expiry);
    let ix = duplicated.instruction(&payer.pubkey(), expiry, sigs);
    assert_eq!(h.send(ix, &payer), Err(content(ContentError::InvalidAttesterSet)));

    let sigs = h.sign_fact(&[1, 2], &fact, expiry);
    let ix = fact.instruction(&payer.pubkey(), expiry, sigs);
    h.send(ix, &payer).expect("a quorum of the current set replaces it");
    let config = h.config();
    assert_eq!((config.attesters, config.attester_quorum), (attesters, 2));
    assert_eq!(h.events.last().unwrap().entry.kind, EntryKind::ConfigChanged);

    // Removed attesters (1 and 2) no longer count, mid-way through whatever they were attesting.
    let artist = EthKey::from_seed(1);
    h.create_profile(&artist);
    let tier = tier_fact(&h, &artist, 2);
    let sigs = h.sign_fact(&[1, 2], &tier, expiry);
    let ix = tier.clone().instruction(&payer.pubkey(), expiry, sigs);
    assert_eq!(h.send(ix, &payer), Err(content(ContentError::NotAttester)));
    // The new set does.
    let digest = tier.digest(&CLUSTER, h.config().attestation_nonce, expiry);
    let mut signers = [&h.attesters[0], &newcomer];
    signers.sort_by_key(|k| k.address);
    let sigs = signers.iter().map(|k| k.sign(&digest)).collect();
    h.send(tier.instruction(&payer.pubkey(), expiry, sigs), &payer).expect("the new set attests");
    assert_eq!(h.profile(&artist.address).unwrap().tier, 2);
}

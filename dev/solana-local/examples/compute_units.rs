//! Compute units of every program instruction, measured on the SBF ELFs in LiteSVM (the mainnet feature set),
//! and what deploying each program costs in rent. Run by `scripts/bench/compute-units.sh`; prints Markdown.

use std::collections::BTreeMap;

use alloy::signers::local::PrivateKeySigner;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_spl::token::spl_token;
use audius_sdk::solana::{
    content::{self, AdminChange, AttestedFact, NodeRegistration, ReplicaReceipts},
    tips,
};
use audius_solana_local::{programs, spl, Pubkey};
use litesvm::LiteSVM;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;

/// The most compute units a transaction may request.
const MAX_COMPUTE_UNIT_LIMIT: u32 = 1_400_000;

/// Bytes the upgradeable loader keeps beside the ELF: the program data header, and a buffer's header.
const PROGRAM_DATA_HEADER: usize = 45;
const BUFFER_HEADER: usize = 37;
/// The program account itself (points at its program data).
const PROGRAM_ACCOUNT: usize = 36;

fn run(svm: &mut LiteSVM, payer: &Keypair, signers: &[&Keypair], ixs: &[Instruction]) -> u64 {
    let tx = Transaction::new_signed_with_payer(ixs, Some(&payer.pubkey()), signers, svm.latest_blockhash());
    let meta = svm.send_transaction(tx).unwrap_or_else(|failed| panic!("{:?}: {:#?}", failed.err, failed.meta.logs));
    svm.expire_blockhash();
    meta.compute_units_consumed
}

fn token_account(svm: &mut LiteSVM, payer: &Keypair, mint: &Pubkey, owner: &Pubkey) -> Pubkey {
    let account = Keypair::new();
    let rent = svm.minimum_balance_for_rent_exemption(spl::TOKEN_ACCOUNT_LEN);
    run(
        svm,
        payer,
        &[payer, &account],
        &spl::create_token_account(&payer.pubkey(), &account.pubkey(), mint, owner, rent),
    );
    account.pubkey()
}

/// One row of the table.
struct Row {
    program: &'static str,
    instruction: &'static str,
    input: String,
    units: u64,
}

fn row(program: &'static str, instruction: &'static str, input: impl Into<String>, units: u64) -> Row {
    Row { program, instruction, input: input.into(), units }
}

/// The programs deployed upgradeable by `deployer` (who alone may initialize the content program).
fn svm(deployer: &Keypair) -> LiteSVM {
    let mut svm = LiteSVM::new();
    programs::load(&mut svm, Some(deployer.pubkey())).expect("the ELFs load");
    svm
}

fn tips_rows() -> Vec<Row> {
    let fan = Keypair::new();
    let mut svm = svm(&fan);
    svm.airdrop(&fan.pubkey(), 10_000_000_000).unwrap();
    let mint = Keypair::new();
    let rent = svm.minimum_balance_for_rent_exemption(spl::MINT_LEN);
    run(&mut svm, &fan, &[&fan, &mint], &spl::create_mint(&fan.pubkey(), &mint.pubkey(), &fan.pubkey(), 8, rent));
    let mint = mint.pubkey();
    let fan_token = token_account(&mut svm, &fan, &mint, &fan.pubkey());
    run(
        &mut svm,
        &fan,
        &[&fan],
        &[spl_token::instruction::mint_to(&spl_token::ID, &mint, &fan_token, &fan.pubkey(), &[], 1_000_000).unwrap()],
    );
    // First and second tips of 64 pairs: the PDA search of a pair's total costs more the lower its bump, so the
    // typical tip is a bump-255 pair's and the largest the lowest bump met.
    let mut by_bump = BTreeMap::new();
    for _ in 0..64 {
        let artist = Keypair::new();
        let artist_token = token_account(&mut svm, &fan, &mint, &artist.pubkey());
        let (_, bump) = Pubkey::find_program_address(
            &[tips::TIP_TOTAL_SEED, fan.pubkey().as_ref(), artist.pubkey().as_ref(), mint.as_ref()],
            &tips::PROGRAM_ID,
        );
        let tip = tips::send_tip(&fan.pubkey(), &fan.pubkey(), &artist.pubkey(), &mint, &fan_token, &artist_token, 10);
        let first = run(&mut svm, &fan, &[&fan], std::slice::from_ref(&tip));
        let again = run(&mut svm, &fan, &[&fan], std::slice::from_ref(&tip));
        by_bump.insert(bump, (first, again));
    }
    // A pair whose total's address someone funded first: the program creates it the pre-funded way.
    let prefunded = loop {
        let artist = Keypair::new();
        let (total, bump) = Pubkey::find_program_address(
            &[tips::TIP_TOTAL_SEED, fan.pubkey().as_ref(), artist.pubkey().as_ref(), mint.as_ref()],
            &tips::PROGRAM_ID,
        );
        if bump != u8::MAX {
            continue;
        }
        let artist_token = token_account(&mut svm, &fan, &mint, &artist.pubkey());
        svm.airdrop(&total, 1_000_000).unwrap();
        let tip = tips::send_tip(&fan.pubkey(), &fan.pubkey(), &artist.pubkey(), &mint, &fan_token, &artist_token, 10);
        break run(&mut svm, &fan, &[&fan], &[tip]);
    };
    let (typical_bump, (first, again)) = by_bump.iter().next_back().expect("64 pairs measured");
    let (lowest_bump, (largest, _)) = by_bump.iter().next().expect("64 pairs measured");

    vec![
        row("audius_tips", "send_tip", format!("first tip of a pair (creates its total), bump {typical_bump}"), *first),
        row("audius_tips", "send_tip", "a later tip of that pair", *again),
        row("audius_tips", "send_tip", "first tip, its total's address funded beforehand, bump 255", prefunded),
        row("audius_tips", "send_tip", format!("first tip, lowest bump of 64 pairs ({lowest_bump})"), *largest),
    ]
}

fn main() {
    println!("| program | instruction | input | compute units |");
    println!("|---|---|---|---:|");
    for Row { program, instruction, input, units } in content_rows().into_iter().chain(tips_rows()) {
        println!("| {program} | {instruction} | {input} | {units} |");
    }
    println!();
    let svm = svm(&Keypair::new());
    println!(
        "| program | ELF bytes | program data rent (SOL) | deploy buffer rent (SOL) | program account rent (SOL) |"
    );
    println!("|---|---:|---:|---:|---:|");
    for programs::Program { name, elf, .. } in programs::ALL {
        let sol = |bytes: usize| svm.minimum_balance_for_rent_exemption(bytes) as f64 / 1e9;
        println!(
            "| {name} | {} | {:.4} | {:.4} | {:.4} |",
            elf.len(),
            sol(PROGRAM_DATA_HEADER + elf.len()),
            sol(BUFFER_HEADER + elf.len()),
            sol(PROGRAM_ACCOUNT)
        );
    }
}

/// The content program's world: an admin, attesters sorted by address, and Ethereum keys for artists.
struct ContentWorld {
    svm: LiteSVM,
    admin: Keypair,
    attesters: Vec<PrivateKeySigner>,
    /// Compute units of the `initialize` that set it up.
    initialize_units: u64,
}

const CLUSTER: [u8; 32] = [7; 32];
/// The most attesters the configuration holds.
const MOST_ATTESTERS: u32 = content::MAX_ATTESTERS as u32;

fn eth_key(seed: u32) -> PrivateKeySigner {
    let mut secret = [0u8; 32];
    secret[0] = 1;
    secret[28..].copy_from_slice(&seed.to_be_bytes());
    PrivateKeySigner::from_bytes(&secret.into()).expect("a valid secp256k1 secret")
}

/// Content node `sp_id`'s delegate key.
fn node_key(sp_id: u64) -> PrivateKeySigner {
    eth_key(2_000 + sp_id as u32)
}

fn eth_address(key: &PrivateKeySigner) -> [u8; 20] {
    key.address().0 .0
}

fn bump(seeds: &[&[u8]]) -> u8 {
    Pubkey::find_program_address(seeds, &content::PROGRAM_ID).1
}

impl ContentWorld {
    fn new(attesters: u32, quorum: u8) -> Self {
        let admin = Keypair::new();
        let mut svm = svm(&admin);
        svm.airdrop(&admin.pubkey(), 1_000_000_000_000).unwrap();
        let mut keys: Vec<PrivateKeySigner> = (0..attesters).map(|i| eth_key(1_000 + i)).collect();
        keys.sort_by_key(eth_address);
        let ix = content::initialize(&admin.pubkey(), CLUSTER, keys.iter().map(eth_address).collect(), quorum);
        let initialize_units = run(&mut svm, &admin, &[&admin], &[ix]);
        Self { svm, admin, attesters: keys, initialize_units }
    }

    fn funded(&mut self) -> Keypair {
        let key = Keypair::new();
        self.svm.airdrop(&key.pubkey(), 10_000_000_000).unwrap();
        key
    }

    /// The units `ix` uses: sent under the largest limit a transaction may request (a quorum of 8 needs more
    /// than the default 200,000), less what the compute-budget instruction itself takes.
    fn send(&mut self, signer: &Keypair, ix: Instruction) -> u64 {
        let limit = ComputeBudgetInstruction::set_compute_unit_limit(MAX_COMPUTE_UNIT_LIMIT);
        run(&mut self.svm, signer, &[signer], &[limit, ix]) - u64::from(audius_sdk::solana::COMPUTE_BUDGET_UNITS)
    }

    fn now(&self) -> i64 {
        self.svm.get_sysvar::<anchor_lang::prelude::Clock>().unix_timestamp
    }

    /// `fact` recorded with the signatures of the first `quorum` attesters; the relayer pays.
    fn attest(&mut self, fact: AttestedFact, quorum: usize) -> u64 {
        let config: content::Config = {
            let account = self.svm.get_account(&content::config_address()).unwrap();
            anchor_lang::AccountDeserialize::try_deserialize(&mut account.data.as_slice()).unwrap()
        };
        let nonce = match fact.nonce_subject() {
            content::NonceSubject::AttesterEpoch => config.attester_epoch,
            content::NonceSubject::Profile(eth) => {
                let account = self.svm.get_account(&content::profile_address(&eth)).unwrap();
                let profile: content::Profile =
                    anchor_lang::AccountDeserialize::try_deserialize(&mut account.data.as_slice()).unwrap();
                profile.tier_nonce
            }
        };
        let expiry = self.now() + 600;
        let digest = fact.digest(&CLUSTER, nonce, expiry);
        let signatures = self.attesters[..quorum].iter().map(|key| content::sign_digest(key, &digest)).collect();
        let relayer = self.funded();
        self.send(&relayer, fact.instruction(&relayer.pubkey(), nonce, expiry, signatures))
    }

    fn admit(&mut self, sp_id: u64, endpoint: String, quorum: usize) -> u64 {
        let delegate_wallet = eth_address(&node_key(sp_id));
        let node = NodeRegistration { sp_id, owner_wallet: [sp_id as u8; 20], delegate_wallet, endpoint };
        self.attest(AttestedFact::AdmitNode(node), quorum)
    }

    /// The receipts of nodes `replicas` for `content_cid` as replicas of track `track_id` of `profile`.
    fn receipts(
        &self,
        profile: &Pubkey,
        track_id: u64,
        content_cid: &[u8; audius_sdk::cid::CID_LEN],
        replicas: [u64; audius_sdk::rendezvous::REPLICATION_FACTOR],
    ) -> ReplicaReceipts {
        let keys = replicas.map(node_key);
        let track = content::track_address(profile, track_id);
        let expiry = self.now() + 300;
        content::sign_replica_receipts([&keys[0], &keys[1], &keys[2]], &CLUSTER, &track, content_cid, replicas, expiry)
    }

    /// The removal of node `sp_id` (its rent back to whoever paid it) at `quorum`.
    fn remove(&mut self, sp_id: u64, quorum: usize) -> u64 {
        let account = self.svm.get_account(&content::node_address(sp_id)).unwrap();
        let node: content::ContentNode =
            anchor_lang::AccountDeserialize::try_deserialize(&mut account.data.as_slice()).unwrap();
        self.attest(AttestedFact::RemoveNode { sp_id, rent_payer: node.rent_payer.to_bytes() }, quorum)
    }

    /// A set of `MAX_ATTESTERS` other attesters than this world's, ascending.
    fn other_attesters(&self) -> Vec<[u8; 20]> {
        let mut others: Vec<[u8; 20]> = (0..MOST_ATTESTERS).map(|i| eth_address(&eth_key(5_000 + i))).collect();
        others.sort();
        others
    }

    /// A profile for `key`, bound to a new funded authority: the authority and the units.
    fn profile(&mut self, key: &PrivateKeySigner) -> (Keypair, u64) {
        let authority = self.funded();
        let deadline = self.now() + 600;
        let signature = content::sign_profile_binding(key, &CLUSTER, &authority.pubkey(), 0, deadline);
        let ix = content::create_profile(
            &authority.pubkey(),
            &authority.pubkey(),
            eth_address(key),
            cid(9),
            deadline,
            signature,
        );
        let units = self.send(&authority, ix);
        (authority, units)
    }
}

fn cid(seed: u8) -> [u8; content::CID_LEN] {
    let mut cid = [seed; content::CID_LEN];
    cid[..4].copy_from_slice(&[0x01, 0x55, 0x12, 0x20]);
    cid
}

/// The lowest and the bump-255 entries of measurements keyed by PDA bump.
fn extremes(by_bump: &BTreeMap<u8, u64>) -> ((u8, u64), (u8, u64)) {
    let (typical, lowest) = (by_bump.iter().next_back().unwrap(), by_bump.iter().next().unwrap());
    ((*typical.0, *typical.1), (*lowest.0, *lowest.1))
}

/// A content node record with the longest endpoint: the largest account a track's writes read.
fn long_endpoint() -> String {
    "x".repeat(content::MAX_ENDPOINT_LEN)
}

fn content_rows() -> Vec<Row> {
    const P: &str = "audius_content";
    let mut rows = Vec::new();
    // Every write reads the configuration: the writes are measured with the most attesters it holds
    // (`MAX_ATTESTERS`, quorum 8) in `world`, attestations at quorum 1 in `small` and at quorum 8 in `world`.
    let quorum = usize::from(content::MAX_QUORUM);
    let mut world = ContentWorld::new(MOST_ATTESTERS, content::MAX_QUORUM);
    let mut small = ContentWorld::new(1, 1);
    rows.push(row(P, "initialize", "1 attester", small.initialize_units));
    rows.push(row(P, "initialize", format!("{MOST_ATTESTERS} attesters (the most)"), world.initialize_units));
    let admin = world.admin.insecure_clone();
    let units = world.send(&admin, content::admin_update(&admin.pubkey(), AdminChange::WritesEnabled(true)));
    rows.push(row(P, "set_writes_enabled", "", units));
    let units = world.send(&admin, content::admin_update(&admin.pubkey(), AdminChange::ProposeAdmin(admin.pubkey())));
    rows.push(row(P, "propose_admin", "", units));
    rows.push(row(P, "accept_admin", "", world.send(&admin, content::accept_admin(&admin.pubkey()))));
    let mut replaced = ContentWorld::new(MOST_ATTESTERS, content::MAX_QUORUM);
    let change = AdminChange::Attesters { attesters: replaced.other_attesters(), quorum: content::MAX_QUORUM };
    let replaced_admin = replaced.admin.insecure_clone();
    let units = replaced.send(&replaced_admin, content::admin_update(&replaced_admin.pubkey(), change));
    rows.push(row(P, "set_attesters", format!("{MOST_ATTESTERS} attesters, quorum 8"), units));

    // Nodes: the node PDA's bump depends on the service id.
    let mut by_bump = BTreeMap::new();
    let endpoint = |sp_id: u64| format!("https://cn{sp_id:02}.audius.test");
    for sp_id in 1..=32u64 {
        let units = small.admit(sp_id, endpoint(sp_id), 1);
        by_bump.entry(bump(&[content::NODE_SEED, &sp_id.to_le_bytes()])).or_insert(units);
        // The same nodes in `world`, where tracks are measured.
        world.admit(sp_id, endpoint(sp_id), quorum);
    }
    let ((typical_bump, typical), _) = extremes(&by_bump);
    let short = endpoint(1).len();
    rows.push(row(P, "admit_node", format!("quorum 1, {short}-byte endpoint, bump {typical_bump}"), typical));
    let long_ids = [101, 102, 103];
    for sp_id in [101, 102, 103, 104] {
        world.admit(sp_id, long_endpoint(), quorum);
    }
    let lowest = (1..=64u64).min_by_key(|sp| bump(&[content::NODE_SEED, &sp.to_le_bytes()])).unwrap();
    let lowest_bump = bump(&[content::NODE_SEED, &lowest.to_le_bytes()]);
    // In a world of its own: `world` holds nodes 1..=32 already.
    let mut fresh = ContentWorld::new(MOST_ATTESTERS, content::MAX_QUORUM);
    let units = fresh.admit(lowest, long_endpoint(), quorum);
    rows.push(row(
        P,
        "admit_node",
        format!("quorum 8, 128-byte endpoint, lowest bump of 64 ids ({lowest_bump})"),
        units,
    ));
    rows.push(row(P, "remove_node", "quorum 1", small.remove(32, 1)));
    rows.push(row(P, "remove_node", "quorum 8", fresh.remove(lowest, quorum)));

    // Profiles: the profile PDA's bump depends on the Ethereum address.
    let mut by_bump = BTreeMap::new();
    let mut artists = Vec::new();
    for seed in 0..32 {
        let key = eth_key(seed);
        let (authority, units) = world.profile(&key);
        by_bump.entry(bump(&[content::PROFILE_SEED, &eth_address(&key)])).or_insert(units);
        artists.push((key, authority));
    }
    let ((typical_bump, typical), (lowest_bump, lowest)) = extremes(&by_bump);
    rows.push(row(P, "create_profile", format!("bump {typical_bump}"), typical));
    rows.push(row(P, "create_profile", format!("lowest bump of 32 addresses ({lowest_bump})"), lowest));
    let prefunded = (100..).map(eth_key).find(|key| bump(&[content::PROFILE_SEED, &eth_address(key)]) == u8::MAX);
    let prefunded = prefunded.unwrap();
    world.svm.airdrop(&content::profile_address(&eth_address(&prefunded)), 1_000_000).unwrap();
    let (_, units) = world.profile(&prefunded);
    rows.push(row(P, "create_profile", "bump 255, its address funded beforehand", units));
    let (key, authority) = artists.swap_remove(0);
    let profile = content::profile_address(&eth_address(&key));
    let expires_at = world.now() + content::MAX_TIER_VALIDITY_SECS;
    small.profile(&key);
    let units = small.attest(AttestedFact::Tier { eth_address: eth_address(&key), tier: 3, expires_at }, 1);
    rows.push(row(P, "attest_tier", "quorum 1", units));
    let tier = AttestedFact::Tier { eth_address: eth_address(&key), tier: 4, expires_at };
    rows.push(row(P, "attest_tier", "quorum 8", world.attest(tier, quorum)));

    // App grants: the grant PDA's bump depends on the app key.
    let mut by_bump = BTreeMap::new();
    let mut apps = Vec::new();
    for _ in 0..32 {
        let app = world.funded();
        let units = world
            .send(&authority, content::grant_app(&authority.pubkey(), &authority.pubkey(), &profile, 1, &app.pubkey()));
        by_bump
            .entry(bump(&[content::APP_SEED, profile.as_ref(), &1u64.to_le_bytes(), app.pubkey().as_ref()]))
            .or_insert((units, app));
    }
    let typical_bump = *by_bump.keys().next_back().unwrap();
    let lowest_bump = *by_bump.keys().next().unwrap();
    rows.push(row(P, "grant_app", format!("bump {typical_bump}"), by_bump[&typical_bump].0));
    rows.push(row(P, "grant_app", format!("lowest bump of 32 apps ({lowest_bump})"), by_bump[&lowest_bump].0));
    apps.extend(by_bump.into_values().map(|(_, app)| app));
    let prefunded_app = loop {
        let app = Keypair::new();
        let grant = content::app_grant_address(&profile, 1, &app.pubkey());
        if bump(&[content::APP_SEED, profile.as_ref(), &1u64.to_le_bytes(), app.pubkey().as_ref()]) == u8::MAX {
            world.svm.airdrop(&grant, 1_000_000).unwrap();
            break app;
        }
    };
    let ix = content::grant_app(&authority.pubkey(), &authority.pubkey(), &profile, 1, &prefunded_app.pubkey());
    rows.push(row(P, "grant_app", "bump 255, its address funded beforehand", world.send(&authority, ix)));
    let app = apps.pop().unwrap();
    let grant = Some(content::app_grant_address(&profile, 1, &app.pubkey()));
    let units = world.send(&authority, content::update_profile(&authority.pubkey(), &profile, None, cid(4)));
    rows.push(row(P, "update_profile", "by the authority", units));
    let units = world.send(&app, content::update_profile(&app.pubkey(), &profile, grant, cid(5)));
    rows.push(row(P, "update_profile", "by an app (grant account present)", units));

    // Tracks: the track PDA's bump depends on the profile and the track id. The authority writes the even ids on
    // nodes with short endpoints, an app the odd ones on nodes with the longest (the largest input).
    let mut by_bump = BTreeMap::new();
    let mut by_bump_app = BTreeMap::new();
    let mut prefunded_track = None;
    for track_id in 0..64u64 {
        let track_bump = bump(&[content::TRACK_SEED, profile.as_ref(), &track_id.to_le_bytes()]);
        let (signer, grant, replicas, into) = if track_id % 2 == 0 {
            (&authority, None, [1, 2, 3], &mut by_bump)
        } else {
            (&app, grant, long_ids, &mut by_bump_app)
        };
        let prefund = track_bump == u8::MAX && signer.pubkey() == app.pubkey() && prefunded_track.is_none();
        if prefund {
            world.svm.airdrop(&content::track_address(&profile, track_id), 1_000_000).unwrap();
        }
        let receipts = world.receipts(&profile, track_id, &cid(3), replicas);
        let ix = content::create_track(
            &signer.pubkey(),
            &signer.pubkey(),
            &profile,
            track_id,
            grant,
            cid(3),
            cid(2),
            replicas,
            receipts,
        );
        let units = world.send(signer, ix);
        if prefund {
            prefunded_track = Some(units);
        } else {
            into.entry(track_bump).or_insert(units);
        }
    }
    let ((typical_bump, typical), _) = extremes(&by_bump);
    let ((app_bump, app_typical), (lowest_bump, lowest)) = extremes(&by_bump_app);
    rows.push(row(P, "create_track", format!("by the authority, short endpoints, bump {typical_bump}"), typical));
    rows.push(row(P, "create_track", format!("by an app, 128-byte endpoints, bump {app_bump}"), app_typical));
    rows.push(row(P, "create_track", format!("likewise, lowest bump of 32 tracks ({lowest_bump})"), lowest));
    if let Some(units) = prefunded_track {
        rows.push(row(P, "create_track", "by an app, bump 255, its address funded beforehand", units));
    }
    let ix = content::update_track(&authority.pubkey(), &profile, 0, None, [3, 2, 1], cid(6), None);
    rows.push(row(P, "update_track", "by the authority, short endpoints, same set", world.send(&authority, ix)));
    let ix = content::update_track(&app.pubkey(), &profile, 1, grant, long_ids, cid(6), None);
    rows.push(row(P, "update_track", "by an app, 128-byte endpoints, same set", world.send(&app, ix)));
    let receipts = Some(world.receipts(&profile, 0, &cid(3), [4, 5, 6]));
    let ix = content::update_track(&authority.pubkey(), &profile, 0, None, [4, 5, 6], cid(7), receipts);
    let units = world.send(&authority, ix);
    rows.push(row(P, "update_track", "by the authority, short endpoints, new set with receipts", units));
    let moved = [long_ids[1], long_ids[2], 104];
    let receipts = Some(world.receipts(&profile, 1, &cid(3), moved));
    let ix = content::update_track(&app.pubkey(), &profile, 1, grant, moved, cid(7), receipts);
    rows.push(row(P, "update_track", "by an app, 128-byte endpoints, new set with receipts", world.send(&app, ix)));
    let ix = content::delete_track(&authority.pubkey(), &profile, 0, None, &authority.pubkey());
    rows.push(row(P, "delete_track", "by the authority", world.send(&authority, ix)));
    let ix = content::delete_track(&app.pubkey(), &profile, 1, grant, &app.pubkey());
    rows.push(row(P, "delete_track", "by an app", world.send(&app, ix)));
    let units = world
        .send(&authority, content::revoke_app(&authority.pubkey(), &profile, 1, &app.pubkey(), &authority.pubkey()));
    rows.push(row(P, "revoke_app", "", units));
    let new_authority = world.funded();
    let deadline = world.now() + 600;
    let proof = content::sign_profile_binding(&key, &CLUSTER, &new_authority.pubkey(), 1, deadline);
    let ix =
        content::rotate_authority(&new_authority.pubkey(), &eth_address(&key), new_authority.pubkey(), deadline, proof);
    rows.push(row(P, "rotate_authority", "", world.send(&new_authority, ix)));

    // Attester-set changes last in each world: their signers are then no longer the configured ones.
    let units = small.attest(AttestedFact::Attesters { attesters: vec![[9; 20]], quorum: 1 }, 1);
    rows.push(row(P, "sync_attesters", "quorum 1, 1 attester", units));
    let fact = AttestedFact::Attesters { attesters: world.other_attesters(), quorum: content::MAX_QUORUM };
    let units = world.attest(fact, quorum);
    rows.push(row(P, "sync_attesters", format!("quorum 8, {MOST_ATTESTERS} attesters"), units));
    rows
}

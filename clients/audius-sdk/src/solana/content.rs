//! Client for the content program: PDAs, instruction builders (over the types generated from its IDL), Ethereum
//! proofs and ledger-event decoding.

use alloy::signers::{local::PrivateKeySigner, SignerSync};
use anchor_lang::{
    prelude::Pubkey, solana_program::instruction::Instruction, AnchorDeserialize, AnchorSerialize, Discriminator,
    InstructionData, ToAccountMetas,
};
use audius_content_interface::{ledger, messages};

use super::audius_content::client::{accounts, args as instruction};

pub use super::audius_content::{
    accounts::{AppGrant, Config, ContentNode, Ledger, Profile, Track},
    events::LedgerAppended,
    types::{ChainHead, EntryKind, LedgerEntry, ReplicaReceipts},
    ID as PROGRAM_ID,
};
pub use audius_content_interface::{constants::*, messages::EthSignature};

// The IDL carries no derives beyond (de)serialization, Debug and Copy; kinds are compared by variant.
impl PartialEq for EntryKind {
    fn eq(&self, other: &Self) -> bool {
        core::mem::discriminant(self) == core::mem::discriminant(other)
    }
}
impl Eq for EntryKind {}

impl Profile {
    /// The attested tier at unix time `now` (0 once it has expired).
    pub fn tier_at(&self, now: i64) -> u8 {
        ledger::tier_at(self.tier, self.tier_expires_at, now)
    }
}

impl LedgerEntry {
    /// The chain step this entry makes from `previous_head`: `sha256(previous head ‖ borsh(entry))`.
    pub fn chain(&self, previous_head: &[u8; 32]) -> [u8; 32] {
        ledger::chain_step(previous_head, &borsh_bytes(self))
    }
}

/// sha256 of a record's borsh bytes: the `data_hash` of the ledger entries about it.
pub fn record_hash(record: &impl AnchorSerialize) -> [u8; 32] {
    ledger::record_hash(&borsh_bytes(record))
}

/// sha256 of a profile's borsh bytes without its chain head (its last field): the `data_hash` of the entries about
/// the profile, which cannot cover the head the entry itself moves.
pub fn profile_record_hash(profile: &Profile) -> [u8; 32] {
    let bytes = borsh_bytes(profile);
    let record = bytes.len() - borsh_bytes(&profile.ledger).len();
    ledger::record_hash(&bytes[..record])
}

fn borsh_bytes(value: &impl AnchorSerialize) -> Vec<u8> {
    let mut bytes = Vec::new();
    value.serialize(&mut bytes).expect("serializing into a Vec cannot fail");
    bytes
}

/// The EIP-712 digest an Ethereum key signs to bind its profile to `authority` at proof nonce `nonce`, valid until
/// `deadline` (unix seconds, at most `MAX_BINDING_PROOF_SECS` ahead when it lands): the typed struct
/// `messages::BIND_PROFILE_TYPE` in the domain `messages::EIP712_DOMAIN_NAME`, version
/// `messages::EIP712_DOMAIN_VERSION`, which a wallet shows field by field.
pub fn bind_profile_digest(
    cluster: &[u8; 32],
    eth_address: &[u8; 20],
    authority: &Pubkey,
    nonce: u64,
    deadline: i64,
) -> [u8; 32] {
    messages::bind_profile_digest(&PROGRAM_ID.to_bytes(), cluster, eth_address, &authority.to_bytes(), nonce, deadline)
}

/// How long the SDK's own binding proofs stay valid.
pub const BINDING_PROOF_SECS: i64 = 600;

fn pda(seeds: &[&[u8]]) -> Pubkey {
    Pubkey::find_program_address(seeds, &PROGRAM_ID).0
}

/// The configuration account.
pub fn config_address() -> Pubkey {
    pda(&[CONFIG_SEED])
}
/// The ledger account.
pub fn ledger_address() -> Pubkey {
    pda(&[LEDGER_SEED])
}
/// The profile of an Ethereum address.
pub fn profile_address(eth_address: &[u8; 20]) -> Pubkey {
    pda(&[PROFILE_SEED, eth_address])
}
/// An app's grant on a profile under authority epoch `epoch` (the profile's current proof nonce).
pub fn app_grant_address(profile: &Pubkey, epoch: u64, app: &Pubkey) -> Pubkey {
    pda(&[APP_SEED, profile.as_ref(), &epoch.to_le_bytes(), app.as_ref()])
}
/// A content node by service-provider id.
pub fn node_address(sp_id: u64) -> Pubkey {
    pda(&[NODE_SEED, &sp_id.to_le_bytes()])
}
/// A profile's track by id.
pub fn track_address(profile: &Pubkey, track_id: u64) -> Pubkey {
    pda(&[TRACK_SEED, profile.as_ref(), &track_id.to_le_bytes()])
}
/// The PDA that signs the program's event self-invocations.
pub fn event_authority() -> Pubkey {
    pda(&[b"__event_authority"])
}

fn ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction { program_id: PROGRAM_ID, accounts: accounts.to_account_metas(None), data: data.data() }
}

/// The program's ProgramData account (under the upgradeable loader), which records its upgrade authority.
pub fn program_data_address() -> Pubkey {
    let loader = Pubkey::new_from_array(audius_content_interface::loader::UPGRADEABLE_LOADER);
    Pubkey::find_program_address(&[PROGRAM_ID.as_ref()], &loader).0
}

/// `initialize`: create the configuration and the registry ledger; `admin` — the program's upgrade authority, the
/// deployer — signs, pays and becomes the admin.
pub fn initialize(admin: &Pubkey, cluster: [u8; 32], attesters: Vec<[u8; 20]>, quorum: u8) -> Instruction {
    ix(
        accounts::Initialize {
            admin: *admin,
            program_data: program_data_address(),
            config: config_address(),
            ledger: ledger_address(),
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: PROGRAM_ID,
        },
        instruction::Initialize { cluster, attesters, quorum },
    )
}

/// Sign, with an Ethereum key, the binding of its profile to `authority` until `deadline` (the EIP-712 digest of
/// [`bind_profile_digest`]).
pub fn sign_profile_binding(
    key: &PrivateKeySigner,
    cluster: &[u8; 32],
    authority: &Pubkey,
    nonce: u64,
    deadline: i64,
) -> EthSignature {
    let digest = bind_profile_digest(cluster, &key.address().0 .0, authority, nonce, deadline);
    sign_digest(key, &digest)
}

/// An Ethereum signature (r ‖ s ‖ v, v = 27/28) over a 32-byte digest.
pub fn sign_digest(key: &PrivateKeySigner, digest: &[u8; 32]) -> EthSignature {
    let signature = key.sign_hash_sync(&(*digest).into()).expect("secp256k1 signing");
    signature.as_bytes()
}

/// The digest a replica node's delegate key signs (EIP-191) to say it holds `content_cid` as a replica of the
/// track at `track` until `expiry` (unix seconds, at most `MAX_RECEIPT_SECS` ahead when the write lands).
pub fn replica_receipt_digest(
    cluster: &[u8; 32],
    track: &Pubkey,
    content_cid: &[u8; CID_LEN],
    sp_id: u64,
    expiry: i64,
) -> [u8; 32] {
    messages::replica_receipt_digest(&PROGRAM_ID.to_bytes(), cluster, &track.to_bytes(), content_cid, sp_id, expiry)
}

/// Sign, with node `sp_id`'s delegate key, its receipt for `content_cid` as a replica of the track at `track`.
pub fn sign_replica_receipt(
    key: &PrivateKeySigner,
    cluster: &[u8; 32],
    track: &Pubkey,
    content_cid: &[u8; CID_LEN],
    sp_id: u64,
    expiry: i64,
) -> EthSignature {
    sign_digest(key, &replica_receipt_digest(cluster, track, content_cid, sp_id, expiry))
}

/// The receipts of a track's replicas `replicas` signed with their delegate `keys` (in the same order), where the
/// keys are at hand (a test network, a node operator's own tooling); writers gather them from the nodes instead
/// (`upload::gather_receipts`).
pub fn sign_replica_receipts(
    keys: [&PrivateKeySigner; REPLICATION_FACTOR],
    cluster: &[u8; 32],
    track: &Pubkey,
    content_cid: &[u8; CID_LEN],
    replicas: [u64; REPLICATION_FACTOR],
    expiry: i64,
) -> ReplicaReceipts {
    let signatures =
        std::array::from_fn(|i| sign_replica_receipt(keys[i], cluster, track, content_cid, replicas[i], expiry));
    ReplicaReceipts { expiry, signatures }
}

/// How long the receipts the content nodes sign stay valid: long enough for the writer to gather three and send
/// the write, at most `MAX_RECEIPT_SECS`.
pub const RECEIPT_SECS: i64 = 300;

/// `create_profile` for the Ethereum address of `signature`'s key (a binding proof at nonce 0 valid until
/// `deadline`), bound to `authority`, which signs; `payer` signs and pays the rent (the authority itself, or an app
/// onboarding a wallet with no SOL).
pub fn create_profile(
    authority: &Pubkey,
    payer: &Pubkey,
    eth_address: [u8; 20],
    metadata_cid: [u8; CID_LEN],
    deadline: i64,
    signature: EthSignature,
) -> Instruction {
    ix(
        accounts::CreateProfile {
            authority: *authority,
            payer: *payer,
            config: config_address(),
            profile: profile_address(&eth_address),
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: PROGRAM_ID,
        },
        instruction::CreateProfile { eth_address, metadata_cid, deadline, signature },
    )
}

/// `grant_app`: the profile's `authority` lets `app` write on its behalf; `payer` (the authority, or the app)
/// signs and pays for the grant account, and has the rent back on revocation. `epoch` is the profile's current
/// proof nonce.
pub fn grant_app(authority: &Pubkey, payer: &Pubkey, profile: &Pubkey, epoch: u64, app: &Pubkey) -> Instruction {
    ix(
        accounts::GrantApp {
            authority: *authority,
            payer: *payer,
            config: config_address(),
            profile: *profile,
            app_grant: app_grant_address(profile, epoch, app),
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: PROGRAM_ID,
        },
        instruction::GrantApp { app: *app },
    )
}

/// A node's Ethereum registration, as attesters sign it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NodeRegistration {
    /// The registry's service id.
    pub sp_id: u64,
    /// The operator's Ethereum address.
    pub owner_wallet: [u8; 20],
    /// The address the node signs with.
    pub delegate_wallet: [u8; 20],
    /// Where the node answers.
    pub endpoint: String,
}

/// `admit_node` with attester signatures (in ascending signer order) at attester epoch `nonce`; `payer` relays and
/// pays the rent, which the node's removal returns to it.
pub fn admit_node(
    payer: &Pubkey,
    node: NodeRegistration,
    nonce: u64,
    expiry: i64,
    signatures: Vec<EthSignature>,
) -> Instruction {
    ix(
        accounts::AdmitNode {
            payer: *payer,
            config: config_address(),
            ledger: ledger_address(),
            node: node_address(node.sp_id),
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: PROGRAM_ID,
        },
        instruction::AdmitNode {
            sp_id: node.sp_id,
            owner_wallet: node.owner_wallet,
            delegate_wallet: node.delegate_wallet,
            endpoint: node.endpoint,
            nonce,
            expiry,
            signatures,
        },
    )
}

/// `attest_tier`: record the stake tier of `eth_address`'s profile, valid until `tier_expires_at`, with attester
/// signatures (in ascending signer order) at the profile's tier nonce `nonce`; `payer` relays.
pub fn attest_tier(
    payer: &Pubkey,
    eth_address: &[u8; 20],
    tier: u8,
    tier_expires_at: i64,
    nonce: u64,
    expiry: i64,
    signatures: Vec<EthSignature>,
) -> Instruction {
    ix(
        accounts::AttestTier {
            payer: *payer,
            config: config_address(),
            profile: profile_address(eth_address),
            event_authority: event_authority(),
            program: PROGRAM_ID,
        },
        instruction::AttestTier { tier, tier_expires_at, nonce, expiry, signatures },
    )
}

/// `sync_attesters`: replace the attester set with the signatures of a quorum of the current one at attester epoch
/// `nonce`; `payer` relays.
pub fn sync_attesters(
    payer: &Pubkey,
    attesters: Vec<[u8; 20]>,
    quorum: u8,
    nonce: u64,
    expiry: i64,
    signatures: Vec<EthSignature>,
) -> Instruction {
    ix(
        accounts::SyncAttesters {
            payer: *payer,
            config: config_address(),
            ledger: ledger_address(),
            event_authority: event_authority(),
            program: PROGRAM_ID,
        },
        instruction::SyncAttesters { attesters, quorum, nonce, expiry, signatures },
    )
}

/// A fact attesters carry from Ethereum onto Solana: what they sign, and the instruction that records it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AttestedFact {
    /// A content node registered and within its stake bounds: admit it.
    AdmitNode(NodeRegistration),
    /// An admitted content node deregistered or out of bounds: remove it.
    RemoveNode {
        /// The registry's service id.
        sp_id: u64,
        /// Who paid the node record's rent (recorded in it), to whom the removal returns it; not signed, the
        /// program checks it against the record.
        rent_payer: [u8; 32],
    },
    /// An account's stake tier (`FeatureAccess.tierOf`), valid until `expires_at`.
    Tier {
        /// The profile's Ethereum address.
        eth_address: [u8; 20],
        /// 0 none … 4 platinum.
        tier: u8,
        /// Unix time after which apps treat the tier as none.
        expires_at: i64,
    },
    /// The attester set: delegate wallets of the discovery nodes within bounds, ascending, and the quorum.
    Attesters {
        /// Ethereum addresses.
        attesters: Vec<[u8; 20]>,
        /// Signatures an attestation needs.
        quorum: u8,
    },
}

impl AttestedFact {
    /// The digest each attester signs, at the fact's subject's `nonce` (see [`AttestedFact::nonce_subject`]), valid
    /// until `expiry`.
    pub fn digest(&self, cluster: &[u8; 32], nonce: u64, expiry: i64) -> [u8; 32] {
        let program = PROGRAM_ID.to_bytes();
        let digest = |parts: &[&[u8]]| messages::attestation_digest(parts, nonce, expiry);
        match self {
            AttestedFact::AdmitNode(node) => digest(&messages::admit_node_parts(
                &program,
                cluster,
                &node.sp_id.to_le_bytes(),
                &node.owner_wallet,
                &node.delegate_wallet,
                node.endpoint.as_bytes(),
            )),
            AttestedFact::RemoveNode { sp_id, .. } => {
                digest(&messages::remove_node_parts(&program, cluster, &sp_id.to_le_bytes()))
            }
            AttestedFact::Tier { eth_address, tier, expires_at } => digest(&messages::attest_tier_parts(
                &program,
                cluster,
                eth_address,
                &[*tier],
                &expires_at.to_le_bytes(),
            )),
            AttestedFact::Attesters { attesters, quorum } => digest(&messages::sync_attesters_parts(
                &program,
                cluster,
                &messages::attester_set_hash(attesters),
                &[*quorum],
            )),
        }
    }

    /// Whose nonce the fact is signed at: the profile's tier nonce for a tier, the attester epoch otherwise.
    pub fn nonce_subject(&self) -> NonceSubject {
        match self {
            AttestedFact::Tier { eth_address, .. } => NonceSubject::Profile(*eth_address),
            _ => NonceSubject::AttesterEpoch,
        }
    }

    /// The instruction recording the fact with `signatures` (in ascending signer order) made at `nonce`; `payer`
    /// relays.
    pub fn instruction(self, payer: &Pubkey, nonce: u64, expiry: i64, signatures: Vec<EthSignature>) -> Instruction {
        match self {
            AttestedFact::AdmitNode(node) => admit_node(payer, node, nonce, expiry, signatures),
            AttestedFact::RemoveNode { sp_id, rent_payer } => {
                remove_node(payer, sp_id, &Pubkey::new_from_array(rent_payer), nonce, expiry, signatures)
            }
            AttestedFact::Tier { eth_address, tier, expires_at } => {
                attest_tier(payer, &eth_address, tier, expires_at, nonce, expiry, signatures)
            }
            AttestedFact::Attesters { attesters, quorum } => {
                sync_attesters(payer, attesters, quorum, nonce, expiry, signatures)
            }
        }
    }
}

/// The nonce an attested fact is signed at, so a fact lands once and only facts about the same subject compete
/// for it (nobody can void the signatures of a node's admission by relaying a tier).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceSubject {
    /// `Config::attester_epoch`: node admissions and removals, attester-set changes. Only an attester-set change
    /// moves it on.
    AttesterEpoch,
    /// `Profile::tier_nonce` of the profile of this Ethereum address.
    Profile([u8; 20]),
}

// ---- compute budgets ----
//
// What each write uses, measured on the program's ELF (`scripts/bench/compute-units.sh`, docs/programs.md) at its
// largest input: the configuration at its most attesters (12), an app writing (the grant account present) where
// an app may, replica nodes with the longest endpoints, and bump 255 for the PDA a write creates (each lower bump
// adds `UNITS_PER_BUMP_STEP`, the bump computed off chain). A write that creates an account also gets what the
// pre-funded path costs: anyone can send lamports to the predictable address first. The program's tests hold the
// SDK to these: every limit covers the write, none exceeds its use by more than that spread.

/// `initialize` with the most attesters (12).
pub const INITIALIZE_UNITS: u32 = 14_296;
/// `set_writes_enabled`, `propose_admin`, `accept_admin`, `set_attesters` (12 attesters, the largest).
pub const ADMIN_UNITS: u32 = 9_552;
/// `create_profile`, its profile PDA at bump 255.
pub const CREATE_PROFILE_UNITS: u32 = 37_794;
/// `update_profile` by an app.
pub const UPDATE_PROFILE_UNITS: u32 = 10_385;
/// `rotate_authority`.
pub const ROTATE_AUTHORITY_UNITS: u32 = 36_164;
/// `grant_app`, its grant PDA at bump 255.
pub const GRANT_APP_UNITS: u32 = 11_895;
/// `revoke_app`.
pub const REVOKE_APP_UNITS: u32 = 9_465;
/// `create_track` by an app on nodes with 128-byte endpoints, its track PDA at bump 255, with the three replica
/// receipts.
pub const CREATE_TRACK_UNITS: u32 = 97_689;
/// `update_track` by an app on nodes with 128-byte endpoints, its replica set unchanged (no receipts).
pub const UPDATE_TRACK_UNITS: u32 = 17_516;
/// `update_track` by an app on nodes with 128-byte endpoints, to a new replica set with its three receipts.
pub const UPDATE_TRACK_RECEIPTS_UNITS: u32 = 96_626;
/// `delete_track` by an app.
pub const DELETE_TRACK_UNITS: u32 = 11_200;
/// What creating an account costs more when its address already holds lamports: the program then tops it up,
/// allocates and assigns it, three system calls instead of one (measured 2,323 for profiles, grants and tracks).
pub const PREFUNDED_ACCOUNT_UNITS: u32 = 2_323;
/// What the same write uses more for one profile, app or track than for another (up to 45 units measured across
/// eight profiles, their apps and 32 tracks: the lengths the framework logs and hashes differ).
pub const WRITE_MARGIN_UNITS: u32 = 100;
/// An attested write without its signatures: the largest of the four facts (an admission at bump 255, whatever
/// its endpoint, about 11,600; a tier about 9,900; an attester set of `MAX_ATTESTERS` about 8,100).
pub const ATTESTED_BASE_UNITS: u32 = 11_900;
/// Each attester signature: a `secp256k1_recover` (25,000) with the keccak of its public key and the checks
/// around it (measured 25,819 to 26,080 per signature added).
pub const UNITS_PER_ATTESTATION: u32 = 26_100;

/// What creating the PDA `seeds` may cost beyond the write's figure: its bump search, and the pre-funded path.
fn created_account_units(seeds: &[&[u8]]) -> u32 {
    PREFUNDED_ACCOUNT_UNITS + super::bump_search_units(seeds, &PROGRAM_ID)
}

/// The compute units of a transaction recording `fact` with `signatures` signatures (its compute-budget
/// instruction included).
pub fn attested_compute_units(fact: &AttestedFact, signatures: usize) -> u32 {
    let created = match fact {
        AttestedFact::AdmitNode(node) => created_account_units(&[NODE_SEED, &node.sp_id.to_le_bytes()]),
        _ => 0,
    };
    let signatures = u32::try_from(signatures).unwrap_or(u32::MAX);
    super::COMPUTE_BUDGET_UNITS + ATTESTED_BASE_UNITS + created + UNITS_PER_ATTESTATION.saturating_mul(signatures)
}

/// `fact`'s instruction with `signatures`, preceded by a compute-unit limit sized to them
/// ([`attested_compute_units`]; the default 200,000 units do not cover a quorum of eight).
pub fn attested_instructions(
    fact: AttestedFact,
    payer: &Pubkey,
    nonce: u64,
    expiry: i64,
    signatures: Vec<EthSignature>,
) -> Vec<Instruction> {
    let units = attested_compute_units(&fact, signatures.len());
    super::with_compute_limit(units, [fact.instruction(payer, nonce, expiry, signatures)])
}

/// The compute units of a transaction of one content write that creates no account (its compute-budget
/// instruction included); `None` for an instruction that is not such a write of the content program (the
/// creating ones and the attested ones need their inputs: [`create_profile_compute_units`],
/// [`grant_app_compute_units`], [`create_track_compute_units`], [`attested_compute_units`]).
pub fn write_compute_units(ix: &Instruction) -> Option<u32> {
    if ix.program_id != PROGRAM_ID {
        return None;
    }
    let discriminator = ix.data.get(..8)?;
    if discriminator == instruction::UpdateTrack::DISCRIMINATOR {
        let args = instruction::UpdateTrack::try_from_slice(&ix.data[8..]).ok()?;
        let units = if args.receipts.is_some() { UPDATE_TRACK_RECEIPTS_UNITS } else { UPDATE_TRACK_UNITS };
        return Some(super::COMPUTE_BUDGET_UNITS + WRITE_MARGIN_UNITS + units);
    }
    let units = [
        (instruction::SetWritesEnabled::DISCRIMINATOR, ADMIN_UNITS),
        (instruction::ProposeAdmin::DISCRIMINATOR, ADMIN_UNITS),
        (instruction::AcceptAdmin::DISCRIMINATOR, ADMIN_UNITS),
        (instruction::SetAttesters::DISCRIMINATOR, ADMIN_UNITS),
        (instruction::UpdateProfile::DISCRIMINATOR, UPDATE_PROFILE_UNITS),
        (instruction::RotateAuthority::DISCRIMINATOR, ROTATE_AUTHORITY_UNITS),
        (instruction::RevokeApp::DISCRIMINATOR, REVOKE_APP_UNITS),
        (instruction::DeleteTrack::DISCRIMINATOR, DELETE_TRACK_UNITS),
    ]
    .into_iter()
    .find_map(|(known, units)| (known == discriminator).then_some(units))?;
    Some(super::COMPUTE_BUDGET_UNITS + WRITE_MARGIN_UNITS + units)
}

/// A transaction's units for `initialize` (at most `MAX_ATTESTERS` attesters).
pub fn initialize_compute_units() -> u32 {
    super::COMPUTE_BUDGET_UNITS + WRITE_MARGIN_UNITS + INITIALIZE_UNITS
}

/// A transaction's units for `create_profile` of `eth_address`.
pub fn create_profile_compute_units(eth_address: &[u8; 20]) -> u32 {
    super::COMPUTE_BUDGET_UNITS
        + WRITE_MARGIN_UNITS
        + CREATE_PROFILE_UNITS
        + created_account_units(&[PROFILE_SEED, eth_address])
}

/// A transaction's units for `grant_app` of `app` on `profile` under authority epoch `epoch`.
pub fn grant_app_compute_units(profile: &Pubkey, epoch: u64, app: &Pubkey) -> u32 {
    let seeds: [&[u8]; 4] = [APP_SEED, profile.as_ref(), &epoch.to_le_bytes(), app.as_ref()];
    super::COMPUTE_BUDGET_UNITS + WRITE_MARGIN_UNITS + GRANT_APP_UNITS + created_account_units(&seeds)
}

/// A transaction's units for `create_track` of track `track_id` on `profile`.
pub fn create_track_compute_units(profile: &Pubkey, track_id: u64) -> u32 {
    let seeds: [&[u8]; 3] = [TRACK_SEED, profile.as_ref(), &track_id.to_le_bytes()];
    super::COMPUTE_BUDGET_UNITS + WRITE_MARGIN_UNITS + CREATE_TRACK_UNITS + created_account_units(&seeds)
}

/// `ix`, a content write that creates no account, preceded by its compute-unit limit ([`write_compute_units`]);
/// any other instruction is returned alone.
pub fn write_instructions(ix: Instruction) -> Vec<Instruction> {
    match write_compute_units(&ix) {
        Some(units) => super::with_compute_limit(units, [ix]),
        None => vec![ix],
    }
}

/// `create_track` as track `track_id` (the profile's current track count) on three replica nodes of three
/// operators, with each node's receipt for [`track_address`]`(profile, track_id)` and `content_cid` in the order of
/// `replicas`; `signer` is the profile authority or an app with `app_grant`; `payer` (often the signer) signs and
/// pays the rent, and has it back when the track is deleted.
#[allow(clippy::too_many_arguments)]
pub fn create_track(
    signer: &Pubkey,
    payer: &Pubkey,
    profile: &Pubkey,
    track_id: u64,
    app_grant: Option<Pubkey>,
    content_cid: [u8; CID_LEN],
    metadata_cid: [u8; CID_LEN],
    replicas: [u64; REPLICATION_FACTOR],
    receipts: ReplicaReceipts,
) -> Instruction {
    ix(
        accounts::CreateTrack {
            signer: *signer,
            payer: *payer,
            config: config_address(),
            profile: *profile,
            app_grant,
            track: track_address(profile, track_id),
            replica_0: node_address(replicas[0]),
            replica_1: node_address(replicas[1]),
            replica_2: node_address(replicas[2]),
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: PROGRAM_ID,
        },
        instruction::CreateTrack { content_cid, metadata_cid, receipts },
    )
}

/// The configuration changes only the admin may make (`set_writes_enabled`, `propose_admin`, `set_attesters`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminChange {
    /// Pause or resume every write.
    WritesEnabled(bool),
    /// Propose another key as admin; it takes the role with [`accept_admin`].
    ProposeAdmin(Pubkey),
    /// Replace the attesters and their quorum.
    Attesters {
        /// Ethereum addresses of the attesters.
        attesters: Vec<[u8; 20]>,
        /// Signatures an attestation needs.
        quorum: u8,
    },
}

/// The admin instruction for `change`; `admin` signs.
pub fn admin_update(admin: &Pubkey, change: AdminChange) -> Instruction {
    // The three admin instructions share one account list; the IDL gives each its own struct.
    macro_rules! admin_accounts {
        ($accounts:ident) => {
            accounts::$accounts {
                admin: *admin,
                config: config_address(),
                ledger: ledger_address(),
                event_authority: event_authority(),
                program: PROGRAM_ID,
            }
        };
    }
    match change {
        AdminChange::WritesEnabled(enabled) => {
            ix(admin_accounts!(SetWritesEnabled), instruction::SetWritesEnabled { enabled })
        }
        AdminChange::ProposeAdmin(new_admin) => {
            ix(admin_accounts!(ProposeAdmin), instruction::ProposeAdmin { new_admin })
        }
        AdminChange::Attesters { attesters, quorum } => {
            ix(admin_accounts!(SetAttesters), instruction::SetAttesters { attesters, quorum })
        }
    }
}

/// `accept_admin`: the proposed admin `new_admin` takes the role over.
pub fn accept_admin(new_admin: &Pubkey) -> Instruction {
    ix(
        accounts::AcceptAdmin {
            new_admin: *new_admin,
            config: config_address(),
            ledger: ledger_address(),
            event_authority: event_authority(),
            program: PROGRAM_ID,
        },
        instruction::AcceptAdmin {},
    )
}

/// `rotate_authority`: bind the profile to `new_authority` with a proof signed by its Ethereum key (see
/// [`sign_profile_binding`], with the profile's current nonce); anyone may relay and pay. Voids the old authority's
/// app grants.
pub fn rotate_authority(
    relayer: &Pubkey,
    eth_address: &[u8; 20],
    new_authority: Pubkey,
    deadline: i64,
    signature: EthSignature,
) -> Instruction {
    ix(
        accounts::RotateAuthority {
            relayer: *relayer,
            config: config_address(),
            profile: profile_address(eth_address),
            event_authority: event_authority(),
            program: PROGRAM_ID,
        },
        instruction::RotateAuthority { new_authority, deadline, signature },
    )
}

/// `revoke_app`: the profile's `authority` withdraws an app's grant made under authority epoch `epoch`; the rent
/// returns to `rent_payer`, who paid it (`AppGrant::rent_payer`).
pub fn revoke_app(authority: &Pubkey, profile: &Pubkey, epoch: u64, app: &Pubkey, rent_payer: &Pubkey) -> Instruction {
    ix(
        accounts::RevokeApp {
            authority: *authority,
            config: config_address(),
            profile: *profile,
            app_grant: app_grant_address(profile, epoch, app),
            rent_payer: *rent_payer,
            event_authority: event_authority(),
            program: PROGRAM_ID,
        },
        instruction::RevokeApp {},
    )
}

/// `remove_node` with attester signatures (in ascending signer order) at attester epoch `nonce`; `payer` relays,
/// the rent goes back to `rent_payer`, who paid it on admission (`ContentNode::rent_payer`).
pub fn remove_node(
    payer: &Pubkey,
    sp_id: u64,
    rent_payer: &Pubkey,
    nonce: u64,
    expiry: i64,
    signatures: Vec<EthSignature>,
) -> Instruction {
    ix(
        accounts::RemoveNode {
            payer: *payer,
            config: config_address(),
            ledger: ledger_address(),
            node: node_address(sp_id),
            rent_payer: *rent_payer,
            event_authority: event_authority(),
            program: PROGRAM_ID,
        },
        instruction::RemoveNode { nonce, expiry, signatures },
    )
}

/// `update_profile`: point the profile at new metadata; `signer` is the profile authority or an app with
/// `app_grant`.
pub fn update_profile(
    signer: &Pubkey,
    profile: &Pubkey,
    app_grant: Option<Pubkey>,
    metadata_cid: [u8; CID_LEN],
) -> Instruction {
    ix(
        accounts::UpdateProfile {
            signer: *signer,
            config: config_address(),
            profile: *profile,
            app_grant,
            event_authority: event_authority(),
            program: PROGRAM_ID,
        },
        instruction::UpdateProfile { metadata_cid },
    )
}

/// `update_track`: point a track at new metadata and at `replicas`, its replica set as recorded (`receipts` none) or
/// a new one with the nodes' receipts for the track and its content in the order of `replicas`.
pub fn update_track(
    signer: &Pubkey,
    profile: &Pubkey,
    track_id: u64,
    app_grant: Option<Pubkey>,
    replicas: [u64; REPLICATION_FACTOR],
    metadata_cid: [u8; CID_LEN],
    receipts: Option<ReplicaReceipts>,
) -> Instruction {
    ix(
        accounts::UpdateTrack {
            signer: *signer,
            config: config_address(),
            profile: *profile,
            app_grant,
            track: track_address(profile, track_id),
            replica_0: node_address(replicas[0]),
            replica_1: node_address(replicas[1]),
            replica_2: node_address(replicas[2]),
            event_authority: event_authority(),
            program: PROGRAM_ID,
        },
        instruction::UpdateTrack { metadata_cid, receipts },
    )
}

/// `delete_track`: close a track's record (its ledger history stays); its rent goes back to `rent_payer`, who paid
/// it (`Track::rent_payer`).
pub fn delete_track(
    signer: &Pubkey,
    profile: &Pubkey,
    track_id: u64,
    app_grant: Option<Pubkey>,
    rent_payer: &Pubkey,
) -> Instruction {
    ix(
        accounts::DeleteTrack {
            signer: *signer,
            config: config_address(),
            profile: *profile,
            app_grant,
            track: track_address(profile, track_id),
            rent_payer: *rent_payer,
            event_authority: event_authority(),
            program: PROGRAM_ID,
        },
        instruction::DeleteTrack {},
    )
}

/// Decode a ledger event from the data of an inner instruction (the `emit_cpi!` self-invocation); `None` for any
/// other instruction.
pub fn decode_ledger_event(data: &[u8]) -> Option<LedgerAppended> {
    let payload = data.strip_prefix(anchor_lang::event::EVENT_IX_TAG_LE)?;
    let body = payload.strip_prefix(LedgerAppended::DISCRIMINATOR)?;
    LedgerAppended::deserialize(&mut &body[..]).ok()
}

/// The content program's named error for a custom error code (from its committed IDL), if it is one of ours.
pub fn content_error(code: u32) -> Option<super::NamedError> {
    super::named_error(include_str!("../../../../idls/audius_content.json"), code)
}

#[cfg(test)]
mod tests {
    use alloy::{
        primitives::{Signature, B256},
        sol_types::{Eip712Domain, SolStruct},
    };
    use sha2::Digest;

    use super::*;

    alloy::sol! {
        /// What a wallet shows: `messages::BIND_PROFILE_TYPE`, declared the way a dApp declares it.
        struct BindProfile {
            bytes32 program;
            bytes32 cluster;
            address account;
            bytes32 authority;
            uint64 nonce;
            uint64 deadline;
        }
    }

    /// The binding digest is exactly what a wallet's `eth_signTypedData_v4` of the typed struct signs (checked
    /// against alloy's EIP-712, an implementation independent of ours), and a signature over it recovers to the key.
    #[test]
    fn a_profile_binding_is_the_eip712_hash_of_its_typed_struct() {
        let key = PrivateKeySigner::from_bytes(&[7u8; 32].into()).unwrap();
        let eth_address = key.address().0 .0;
        let authority = Pubkey::new_from_array([4; 32]);
        let typed = BindProfile {
            program: B256::from(PROGRAM_ID.to_bytes()),
            cluster: B256::from([2; 32]),
            account: key.address(),
            authority: B256::from(authority.to_bytes()),
            nonce: 5,
            deadline: 1_700_000_000,
        };
        assert_eq!(BindProfile::eip712_encode_type(), messages::BIND_PROFILE_TYPE);
        let (name, version) = (messages::EIP712_DOMAIN_NAME, messages::EIP712_DOMAIN_VERSION);
        let domain = Eip712Domain::new(Some(name.into()), Some(version.into()), None, None, None);
        let digest = bind_profile_digest(&[2; 32], &eth_address, &authority, 5, 1_700_000_000);
        assert_eq!(digest, typed.eip712_signing_hash(&domain).0);

        let signature = sign_profile_binding(&key, &[2; 32], &authority, 5, 1_700_000_000);
        let signature = Signature::try_from(&signature[..]).unwrap();
        assert_eq!(signature.recover_address_from_prehash(&digest.into()).unwrap(), key.address());
    }

    #[test]
    fn a_ledger_entry_chains_over_its_borsh_bytes() {
        let entry = LedgerEntry {
            ledger: Pubkey::new_from_array([6; 32]),
            seq: 1,
            kind: EntryKind::TrackCreated,
            subject: Pubkey::new_from_array([1; 32]),
            actor: Pubkey::new_from_array([2; 32]),
            data_hash: [3; 32],
            slot: 4,
            timestamp: 5,
        };
        let mut bytes = vec![6; 32];
        bytes.extend([1, 0, 0, 0, 0, 0, 0, 0, 8]);
        bytes.extend([1; 32]);
        bytes.extend([2; 32]);
        bytes.extend([3; 32]);
        bytes.extend(4u64.to_le_bytes());
        bytes.extend(5i64.to_le_bytes());
        let expected: [u8; 32] = sha2::Sha256::digest([[9u8; 32].as_slice(), &bytes].concat()).into();
        assert_eq!(entry.chain(&[9; 32]), expected, "sha256(previous head ‖ borsh(entry))");
        assert_ne!(EntryKind::TrackCreated, EntryKind::TrackUpdated);
    }
}

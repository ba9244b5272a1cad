//! Test harness: the content program's SBF ELF inside LiteSVM, Ethereum keys that sign like wallets, and the
//! ledger events read back from the transactions' inner instructions (the `emit_cpi!` path). Instructions and
//! accounts are the SDK's, generated from the committed IDL: the tests see the program as a dApp does.
#![allow(dead_code)] // shared by several test binaries, each using a part

use alloy::signers::local::PrivateKeySigner;
pub use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{prelude::Pubkey, AccountDeserialize, AnchorSerialize};
use audius_content_interface::messages::attestation_digest;
pub use audius_sdk::solana::audius_content::error::AudiusContentError as ContentError;
use litesvm::LiteSVM;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;

pub const CLUSTER: [u8; 32] = [7; 32];

/// An Ethereum account: a secp256k1 key and its address (signing goes through the SDK, as wallets' does).
pub struct EthKey {
    pub key: PrivateKeySigner,
    pub address: [u8; 20],
}

impl EthKey {
    pub fn from_seed(seed: u8) -> Self {
        let mut secret = [0u8; 32];
        secret[31] = seed;
        secret[0] = 1;
        let key = PrivateKeySigner::from_bytes(&secret.into()).unwrap();
        let address = key.address().0 .0;
        Self { key, address }
    }

    /// Sign a 32-byte digest: r ‖ s ‖ v (v = 27 + recovery id), low s, as wallets do.
    pub fn sign(&self, digest: &[u8; 32]) -> [u8; 65] {
        audius_sdk::solana::content::sign_digest(&self.key, digest)
    }
}

/// Content node `sp_id`'s delegate key: the tests' nodes are admitted with its address and sign their replica
/// receipts with it.
pub fn node_key(sp_id: u64) -> PrivateKeySigner {
    let mut secret = [0u8; 32];
    secret[0] = 2;
    secret[24..].copy_from_slice(&sp_id.to_be_bytes());
    PrivateKeySigner::from_bytes(&secret.into()).unwrap()
}

/// Node `sp_id`'s registration: its own operator (owner wallet) and delegate key.
pub fn registration(sp_id: u64, endpoint: &str) -> audius_sdk::solana::content::NodeRegistration {
    audius_sdk::solana::content::NodeRegistration {
        sp_id,
        owner_wallet: [sp_id as u8; 20],
        delegate_wallet: node_key(sp_id).address().0 .0,
        endpoint: endpoint.to_string(),
    }
}

/// A syntactically valid CIDv1 (raw codec, sha2-256) whose digest is `seed` repeated.
pub fn cid(seed: u8) -> [u8; CID_LEN] {
    let mut cid = [seed; CID_LEN];
    cid[..4].copy_from_slice(&[0x01, 0x55, 0x12, 0x20]);
    cid
}

pub use audius_sdk::solana::content::*;

pub fn custom(code: u32) -> TransactionError {
    TransactionError::InstructionError(0, InstructionError::Custom(code))
}

/// A runtime error of the first instruction (the framework's account checks report these: a wrong owner is
/// `IllegalOwner`, a PDA off its seeds `InvalidSeeds`, a missing signature `MissingRequiredSignature`).
pub fn runtime(error: InstructionError) -> TransactionError {
    TransactionError::InstructionError(0, error)
}

/// The framework's error for one account passed twice where one of them is writable.
pub const DUPLICATE_MUTABLE_ACCOUNT: u32 = 2040;

pub fn content(code: ContentError) -> TransactionError {
    custom(code.into())
}

/// A record's borsh bytes: the generated account types carry no `PartialEq`, so records are compared as bytes.
pub fn bytes(record: &impl AnchorSerialize) -> Vec<u8> {
    let mut out = Vec::new();
    record.serialize(&mut out).unwrap();
    out
}

pub struct Harness {
    pub svm: LiteSVM,
    pub admin: Keypair,
    pub attesters: Vec<EthKey>,
    /// Every ledger event seen, in order.
    pub events: Vec<LedgerAppended>,
}

impl Harness {
    /// The programs deployed, not initialized: upgradeable by `admin` if `upgradeable`, immutable otherwise; with
    /// `n_attesters` attester keys (sorted by address).
    pub fn deployed(upgradeable: bool, n_attesters: u8) -> Self {
        let mut svm = LiteSVM::new();
        let admin = Keypair::new();
        let authority = upgradeable.then(|| admin.pubkey());
        audius_solana_local::programs::load(&mut svm, authority).expect("the programs' ELFs load");
        svm.airdrop(&admin.pubkey(), 100_000_000_000).unwrap();
        let mut attesters: Vec<EthKey> = (0..n_attesters).map(|i| EthKey::from_seed(100 + i)).collect();
        attesters.sort_by_key(|a| a.address);
        Self { svm, admin, attesters, events: Vec::new() }
    }

    /// The program initialized by its deployer with `n_attesters` attesters (sorted by address) and `quorum`.
    pub fn new(n_attesters: u8, quorum: u8) -> Self {
        let mut h = Self::deployed(true, n_attesters);
        let addresses = h.attesters.iter().map(|a| a.address).collect();
        let ix = audius_sdk::solana::content::initialize(&h.admin.pubkey(), CLUSTER, addresses, quorum);
        let admin = h.admin.insecure_clone();
        h.send(ix, &admin).expect("initialize");
        h
    }

    pub fn funded(&mut self) -> Keypair {
        let k = Keypair::new();
        self.svm.airdrop(&k.pubkey(), 10_000_000_000).unwrap();
        k
    }

    /// Send `ix` paid and signed by `signer`; on success record the ledger events it emitted.
    pub fn send(&mut self, ix: Instruction, signer: &Keypair) -> Result<(), TransactionError> {
        self.send_all(&[ix], signer).map(|_| ())
    }

    /// Send `instructions` in one transaction paid and signed by `signer`; on success record the ledger events
    /// and return the compute units the transaction used.
    pub fn send_all(&mut self, instructions: &[Instruction], signer: &Keypair) -> Result<u64, TransactionError> {
        self.send_signed(instructions, signer, &[])
    }

    /// Send `instructions` in one transaction paid by `payer` and signed by it and `signers`; on success record the
    /// ledger events and return the compute units the transaction used.
    pub fn send_signed(
        &mut self,
        instructions: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
    ) -> Result<u64, TransactionError> {
        let all: Vec<&Keypair> = std::iter::once(payer).chain(signers.iter().copied()).collect();
        let tx =
            Transaction::new_signed_with_payer(instructions, Some(&payer.pubkey()), &all, self.svm.latest_blockhash());
        let result = self.svm.send_transaction(tx);
        self.svm.expire_blockhash();
        let meta = result.map_err(|failed| {
            if std::env::var_os("AUDIUS_TEST_LOGS").is_some() {
                eprintln!("{}", failed.meta.logs.join("\n"));
            }
            failed.err
        })?;
        let inner = meta.inner_instructions.iter().flatten();
        self.events
            .extend(inner.filter_map(|ix| audius_sdk::solana::content::decode_ledger_event(&ix.instruction.data)));
        Ok(meta.compute_units_consumed)
    }

    pub fn account<T: AccountDeserialize>(&self, address: &Pubkey) -> Option<T> {
        let account = self.svm.get_account(address)?;
        if account.data.is_empty() {
            return None;
        }
        assert_eq!(account.owner, PROGRAM_ID);
        Some(T::try_deserialize(&mut account.data.as_slice()).unwrap())
    }

    pub fn config(&self) -> Config {
        self.account(&config_address()).unwrap()
    }
    pub fn ledger(&self) -> Ledger {
        self.account(&ledger_address()).unwrap()
    }
    pub fn profile(&self, eth: &[u8; 20]) -> Option<Profile> {
        self.account(&profile_address(eth))
    }
    pub fn track(&self, profile: &Pubkey, id: u64) -> Option<Track> {
        self.account(&track_address(profile, id))
    }
    pub fn node(&self, sp_id: u64) -> Option<ContentNode> {
        self.account(&node_address(sp_id))
    }

    /// The chain held by `ledger` recomputed from the events alone, from the empty chain: its entries must come
    /// with sequence numbers 1, 2, … in the order they were emitted.
    pub fn recomputed(&self, ledger: &Pubkey) -> ChainHead {
        let mut chain = ChainHead { seq: 0, head: [0; 32] };
        for event in self.events.iter().filter(|e| e.entry.ledger == *ledger) {
            assert_eq!(event.entry.seq, chain.seq + 1, "{ledger}: entries in order, none missing");
            chain = ChainHead { seq: event.entry.seq, head: event.entry.chain(&chain.head) };
        }
        chain
    }

    /// The head of the chain `ledger` holds on chain: the registry ledger's or a profile's.
    pub fn chain_of(&self, ledger: &Pubkey) -> ChainHead {
        if *ledger == ledger_address() {
            self.ledger().chain
        } else {
            self.account::<Profile>(ledger).expect("a profile").ledger
        }
    }

    /// Every chain the events touched holds on chain exactly what its events recompute to.
    pub fn assert_chains(&self) {
        let mut ledgers: Vec<Pubkey> = self.events.iter().map(|e| e.entry.ledger).collect();
        ledgers.sort();
        ledgers.dedup();
        assert!(!ledgers.is_empty(), "some entry was emitted");
        for ledger in ledgers {
            let (on_chain, recomputed) = (self.chain_of(&ledger), self.recomputed(&ledger));
            assert_eq!((on_chain.seq, on_chain.head), (recomputed.seq, recomputed.head), "chain of {ledger}");
        }
    }

    // ---- instruction builders ----

    /// The deadline the tests' binding proofs carry: ten minutes on.
    pub fn deadline(&self) -> i64 {
        self.now() + 600
    }

    /// `create_profile` with a proof that carries [`Harness::deadline`].
    pub fn create_profile_ix(&self, authority: &Pubkey, eth: &[u8; 20], signature: [u8; 65]) -> Instruction {
        audius_sdk::solana::content::create_profile(authority, authority, *eth, cid(9), self.deadline(), signature)
    }

    /// A profile for `eth`, bound to a new funded authority that is returned.
    pub fn create_profile(&mut self, eth: &EthKey) -> Keypair {
        let authority = self.funded();
        let sig = eth.sign(&bind_profile_digest(&CLUSTER, &eth.address, &authority.pubkey(), 0, self.deadline()));
        let ix = self.create_profile_ix(&authority.pubkey(), &eth.address, sig);
        self.send(ix, &authority).expect("create profile");
        authority
    }

    pub fn attest(&self, signers: &[usize], parts: &[&[u8]], nonce: u64, expiry: i64) -> Vec<[u8; 65]> {
        let digest = attestation_digest(parts, nonce, expiry);
        signers.iter().map(|i| self.attesters[*i].sign(&digest)).collect()
    }

    /// The nonce `fact` is signed at now: its subject's.
    pub fn nonce_of(&self, fact: &AttestedFact) -> u64 {
        match fact.nonce_subject() {
            NonceSubject::AttesterEpoch => self.config().attester_epoch,
            NonceSubject::Profile(eth) => self.profile(&eth).expect("the tier's profile").tier_nonce,
        }
    }

    /// Signatures of the attesters at `signers` over `fact` at its subject's current nonce.
    pub fn sign_fact(&self, signers: &[usize], fact: &AttestedFact, expiry: i64) -> Vec<[u8; 65]> {
        let digest = fact.digest(&CLUSTER, self.nonce_of(fact), expiry);
        signers.iter().map(|i| self.attesters[*i].sign(&digest)).collect()
    }

    /// `fact`'s transaction (with its compute budget) signed by the attesters at `signers` at its subject's current
    /// nonce, relayed by `payer`.
    pub fn fact_instructions(
        &self,
        signers: &[usize],
        fact: AttestedFact,
        payer: &Pubkey,
        expiry: i64,
    ) -> Vec<Instruction> {
        let (nonce, signatures) = (self.nonce_of(&fact), self.sign_fact(signers, &fact, expiry));
        attested_instructions(fact, payer, nonce, expiry, signatures)
    }

    pub fn admit_node_ix(
        &self,
        payer: &Pubkey,
        sp_id: u64,
        endpoint: &str,
        expiry: i64,
        signatures: Vec<[u8; 65]>,
    ) -> Instruction {
        let nonce = self.config().attester_epoch;
        audius_sdk::solana::content::admit_node(payer, registration(sp_id, endpoint), nonce, expiry, signatures)
    }

    pub fn now(&self) -> i64 {
        self.svm.get_sysvar::<anchor_lang::prelude::Clock>().unix_timestamp
    }

    /// Admit node `sp_id` with signatures from the first `quorum` attesters.
    pub fn admit_node(&mut self, sp_id: u64) {
        self.admit_node_at(sp_id, &format!("https://cn{sp_id}.audius.test"));
    }

    /// Admit node `sp_id` at `endpoint` with signatures from the first `quorum` attesters, under the SDK's
    /// compute-unit limit.
    pub fn admit_node_at(&mut self, sp_id: u64, endpoint: &str) {
        self.admit_registration(registration(sp_id, endpoint));
    }

    /// Admit `node` with signatures from the first `quorum` attesters, under the SDK's compute-unit limit.
    pub fn admit_registration(&mut self, node: audius_sdk::solana::content::NodeRegistration) {
        let payer = self.funded();
        let expiry = self.now() + 600;
        let signers: Vec<usize> = (0..usize::from(self.config().attester_quorum)).collect();
        let instructions = self.fact_instructions(&signers, AttestedFact::AdmitNode(node), &payer.pubkey(), expiry);
        self.send_all(&instructions, &payer).expect("admit node");
    }

    /// The receipts of nodes `replicas` (signed with their delegate keys, valid for five minutes) for `content_cid`
    /// as replicas of track `track_id` of `profile`.
    pub fn receipts(
        &self,
        profile: &Pubkey,
        track_id: u64,
        content_cid: &[u8; CID_LEN],
        replicas: [u64; audius_sdk::rendezvous::REPLICATION_FACTOR],
    ) -> audius_sdk::solana::content::ReplicaReceipts {
        let keys = replicas.map(node_key);
        let track = audius_sdk::solana::content::track_address(profile, track_id);
        let expiry = self.now() + 300;
        audius_sdk::solana::content::sign_replica_receipts(
            [&keys[0], &keys[1], &keys[2]],
            &CLUSTER,
            &track,
            content_cid,
            replicas,
            expiry,
        )
    }

    pub fn create_track_ix(
        &self,
        signer: &Pubkey,
        profile: &Pubkey,
        track_id: u64,
        app_grant: Option<Pubkey>,
        content_cid: [u8; CID_LEN],
        replicas: [u64; audius_sdk::rendezvous::REPLICATION_FACTOR],
    ) -> Instruction {
        let receipts = self.receipts(profile, track_id, &content_cid, replicas);
        audius_sdk::solana::content::create_track(
            signer,
            signer,
            profile,
            track_id,
            app_grant,
            content_cid,
            cid(2),
            replicas,
            receipts,
        )
    }
}

impl Harness {
    pub fn update_track_ix(
        &self,
        signer: &Pubkey,
        profile: &Pubkey,
        track_id: u64,
        metadata: u8,
        replicas: [u64; audius_sdk::rendezvous::REPLICATION_FACTOR],
    ) -> Instruction {
        // The recorded set in any order needs no receipts; another set has its nodes' receipts for the content.
        let recorded = self.track(profile, track_id);
        let (mut given, mut held) = (replicas, recorded.as_ref().map_or([0; 3], |track| track.replicas));
        given.sort_unstable();
        held.sort_unstable();
        let receipts = (given != held).then(|| {
            let content_cid = recorded.map_or(cid(0), |track| track.content_cid);
            self.receipts(profile, track_id, &content_cid, replicas)
        });
        audius_sdk::solana::content::update_track(signer, profile, track_id, None, replicas, cid(metadata), receipts)
    }

    /// `delete_track` with the rent going back to the track's payer (the signer if there is no such track).
    pub fn delete_track_ix(&self, signer: &Pubkey, profile: &Pubkey, track_id: u64) -> Instruction {
        let rent_payer = self.track(profile, track_id).map_or(*signer, |track| track.rent_payer);
        audius_sdk::solana::content::delete_track(signer, profile, track_id, None, &rent_payer)
    }

    pub fn update_profile_ix(&self, signer: &Pubkey, profile: &Pubkey, metadata: u8) -> Instruction {
        audius_sdk::solana::content::update_profile(signer, profile, None, cid(metadata))
    }
}

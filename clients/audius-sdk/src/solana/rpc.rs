//! The content program over JSON-RPC: send writes, fetch and decode its records, read ledger entries from
//! transactions and check them against the ledger's hash chain. Works against any RPC URL (the local node, devnet,
//! mainnet).

use std::collections::HashMap;

use super::content::{ChainHead, LedgerAppended};
use alloy::signers::local::PrivateKeySigner;
use anchor_lang::{prelude::Pubkey, solana_program::instruction::Instruction, AccountDeserialize, Discriminator};
use audius_content_interface::constants::{CID_LEN, REPLICATION_FACTOR, TRACK_REPLICAS_OFFSET};
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::{
    client_error::Error as ClientError,
    config::{RpcAccountInfoConfig, RpcProgramAccountsConfig, RpcTransactionConfig},
    filter::{Memcmp, RpcFilterType},
    response::UiAccountEncoding,
};
use solana_signer::Signer;
use solana_transaction::{Signature, Transaction};
use solana_transaction_status_client_types::{
    option_serializer::OptionSerializer, UiInstruction, UiTransactionEncoding,
};

use super::{
    content::{self, Config, Ledger, Profile, Track},
    NamedError,
};

/// Errors from talking to the content program.
#[derive(Debug, thiserror::Error)]
pub enum SolanaError {
    /// The program refused the transaction.
    #[error("the content program refused: {} ({})", .0.msg, .0.name)]
    Program(NamedError),
    /// The RPC node or the runtime failed the request.
    #[error("Solana RPC: {0}")]
    Rpc(Box<ClientError>),
    /// The fee payer has no SOL (or too little) for the fee; the RPC node refused the transaction unsent.
    #[error("the fee payer has too little SOL to pay the transaction fee ({0}); fund it and retry (nothing was sent)")]
    NoFeeFunds(solana_transaction_error::TransactionError),
    /// The account does not exist.
    #[error("{what} {address} does not exist")]
    NotFound {
        /// What was looked for.
        what: &'static str,
        /// Where.
        address: Pubkey,
    },
    /// An account exists but is not what it should be.
    #[error("{address} is not a {what} account: {reason}")]
    Decode {
        /// What it should be.
        what: &'static str,
        /// Where.
        address: Pubkey,
        /// Why it does not decode.
        reason: String,
    },
    /// A transaction could not be read back.
    #[error("transaction {0} has no readable metadata")]
    NoMetadata(Signature),
    /// Ledger entries do not follow the hash chain.
    #[error(transparent)]
    Chain(#[from] ChainError),
}

impl From<ClientError> for SolanaError {
    fn from(error: ClientError) -> Self {
        use solana_transaction_error::TransactionError;
        let custom = match error.get_transaction_error() {
            Some(TransactionError::InstructionError(_, solana_instruction_error::InstructionError::Custom(code))) => {
                content::content_error(code)
            }
            // A payer the runtime has never credited ("Attempt to debit an account but found no record of a prior
            // credit"), or one holding less than the fee.
            Some(unfunded @ (TransactionError::AccountNotFound | TransactionError::InsufficientFundsForFee)) => {
                return SolanaError::NoFeeFunds(unfunded);
            }
            _ => None,
        };
        match custom {
            Some(named) => SolanaError::Program(named),
            None => SolanaError::Rpc(Box::new(error)),
        }
    }
}

/// Where a run of ledger entries breaks one of the ledger's hash chains.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// An entry's sequence number is not the next one of its chain.
    #[error("ledger {ledger} gap: expected entry {expected}, found {found}")]
    Gap {
        /// The account holding the chain.
        ledger: Pubkey,
        /// The next sequence number.
        expected: u64,
        /// What came.
        found: u64,
    },
    /// An entry's recomputed head differs from the head it was emitted with.
    #[error("ledger {ledger} entry {seq} does not chain: its head is not sha256(previous head ‖ entry)")]
    Forged {
        /// The account holding the chain.
        ledger: Pubkey,
        /// The entry.
        seq: u64,
    },
}

/// The head of a chain nothing has been appended to.
pub const EMPTY_CHAIN: ChainHead = ChainHead { seq: 0, head: [0; 32] };

/// Check that `events` continue their chains from `heads` (the last verified entry of each, by the account holding
/// the chain; a chain not in `heads` starts empty), in order within each chain, and move `heads` on. Entries of
/// different chains may interleave in any order. On an error `heads` is left as it was.
pub fn verify_chains<'a>(
    heads: &mut HashMap<Pubkey, ChainHead>,
    events: impl IntoIterator<Item = &'a LedgerAppended>,
) -> Result<(), ChainError> {
    let mut moved: HashMap<Pubkey, ChainHead> = HashMap::new();
    for event in events {
        let ledger = event.entry.ledger;
        let known = moved.get(&ledger).or_else(|| heads.get(&ledger)).copied().unwrap_or(EMPTY_CHAIN);
        let expected = known.seq + 1;
        if event.entry.seq != expected {
            return Err(ChainError::Gap { ledger, expected, found: event.entry.seq });
        }
        let next = event.entry.chain(&known.head);
        if next != event.head {
            return Err(ChainError::Forged { ledger, seq: expected });
        }
        moved.insert(ledger, ChainHead { seq: expected, head: next });
    }
    heads.extend(moved);
    Ok(())
}

/// The content program behind one RPC endpoint.
pub struct ContentClient {
    rpc: RpcClient,
    priority_fee: Option<u64>,
}

/// `instructions` paying `priority_fee` micro-lamports per requested compute unit: a `set_compute_unit_price`
/// instruction leads them unless they carry one already (the caller's price stands) or there is no fee.
pub fn with_priority_fee(instructions: &[Instruction], priority_fee: Option<u64>) -> Vec<Instruction> {
    use anchor_lang::AnchorDeserialize;
    use solana_compute_budget_interface::ComputeBudgetInstruction;
    let priced = instructions.iter().any(|ix| {
        ix.program_id == solana_compute_budget_interface::ID
            && matches!(
                ComputeBudgetInstruction::try_from_slice(&ix.data),
                Ok(ComputeBudgetInstruction::SetComputeUnitPrice(_))
            )
    });
    match priority_fee {
        Some(price) if !priced => std::iter::once(ComputeBudgetInstruction::set_compute_unit_price(price))
            .chain(instructions.iter().cloned())
            .collect(),
        _ => instructions.to_vec(),
    }
}

impl ContentClient {
    /// A client of the RPC node at `url`, reading at `confirmed` commitment, sending without a priority fee.
    pub fn new(url: impl Into<String>) -> Self {
        Self { rpc: RpcClient::new_with_commitment(url.into(), CommitmentConfig::confirmed()), priority_fee: None }
    }

    /// The same, giving up on any request the node has not answered within `timeout`.
    pub fn with_timeout(url: impl Into<String>, timeout: std::time::Duration) -> Self {
        let rpc = RpcClient::new_with_timeout_and_commitment(url.into(), timeout, CommitmentConfig::confirmed());
        Self { rpc, priority_fee: None }
    }

    /// Pay `micro_lamports` per requested compute unit on every transaction this client sends (none: no priority
    /// fee). Every write the SDK builds requests a measured compute-unit limit, so the fee is that limit × the price.
    pub fn with_priority_fee(mut self, micro_lamports: Option<u64>) -> Self {
        self.priority_fee = micro_lamports;
        self
    }

    /// The underlying RPC client.
    pub fn rpc(&self) -> &RpcClient {
        &self.rpc
    }

    /// Sign `instructions` with `payer` (and `signers`), send them in one transaction (with the client's priority
    /// fee, [`with_priority_fee`]) and wait for confirmation.
    pub async fn send(
        &self,
        instructions: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
    ) -> Result<Signature, SolanaError> {
        let blockhash = self.rpc.get_latest_blockhash().await?;
        let mut all: Vec<&Keypair> = vec![payer];
        all.extend_from_slice(signers);
        let instructions = with_priority_fee(instructions, self.priority_fee);
        let transaction = Transaction::new_signed_with_payer(&instructions, Some(&payer.pubkey()), &all, blockhash);
        Ok(self.rpc.send_and_confirm_transaction(&transaction).await?)
    }

    async fn fetch<T: AccountDeserialize>(
        &self,
        what: &'static str,
        address: &Pubkey,
    ) -> Result<Option<T>, SolanaError> {
        let account = self.rpc.get_account_with_commitment(address, self.rpc.commitment()).await?.value;
        let Some(account) = account else { return Ok(None) };
        if account.owner != content::PROGRAM_ID {
            return Err(SolanaError::Decode {
                what,
                address: *address,
                reason: format!("owned by {}, not the content program", account.owner),
            });
        }
        T::try_deserialize(&mut account.data.as_slice()).map(Some).map_err(|error| SolanaError::Decode {
            what,
            address: *address,
            reason: error.to_string(),
        })
    }

    async fn require<T: AccountDeserialize>(&self, what: &'static str, address: &Pubkey) -> Result<T, SolanaError> {
        self.fetch(what, address).await?.ok_or(SolanaError::NotFound { what, address: *address })
    }

    /// The program's configuration (cluster id, attesters, admin).
    pub async fn config(&self) -> Result<Config, SolanaError> {
        self.require("configuration", &content::config_address()).await
    }

    /// The registry ledger (configuration and node registry): its chain's sequence number and head.
    pub async fn ledger(&self) -> Result<Ledger, SolanaError> {
        self.require("ledger", &content::ledger_address()).await
    }

    /// The program's newest confirmed transaction, with its slot (`None` before the first).
    pub async fn newest_transaction(&self) -> Result<Option<(String, u64)>, SolanaError> {
        let config = solana_rpc_client::rpc_client::GetConfirmedSignaturesForAddress2Config {
            limit: Some(1),
            commitment: Some(CommitmentConfig::confirmed()),
            ..Default::default()
        };
        let newest = self.rpc.get_signatures_for_address_with_config(&content::PROGRAM_ID, config).await?;
        Ok(newest.into_iter().next().map(|status| (status.signature, status.slot)))
    }

    /// The heads of the chains held by `ledgers` (the registry ledger, profiles), as the accounts hold them now; a
    /// ledger that is neither is left out.
    pub async fn chain_heads(&self, ledgers: &[Pubkey]) -> Result<HashMap<Pubkey, ChainHead>, SolanaError> {
        let mut heads = HashMap::new();
        // getMultipleAccounts takes at most 100 addresses.
        for chunk in ledgers.chunks(100) {
            for (address, account) in chunk.iter().zip(self.rpc.get_multiple_accounts(chunk).await?) {
                let Some(account) = account.filter(|a| a.owner == content::PROGRAM_ID) else { continue };
                let data = &mut account.data.as_slice();
                if let Ok(ledger) = Ledger::try_deserialize(&mut &data[..]) {
                    heads.insert(*address, ledger.chain);
                } else if let Ok(profile) = Profile::try_deserialize(data) {
                    heads.insert(*address, profile.ledger);
                }
            }
        }
        Ok(heads)
    }

    /// The nonce `fact` must be signed at now: its subject's ([`content::AttestedFact::nonce_subject`]).
    pub async fn attestation_nonce(&self, fact: &content::AttestedFact) -> Result<u64, SolanaError> {
        Ok(match fact.nonce_subject() {
            content::NonceSubject::AttesterEpoch => self.config().await?.attester_epoch,
            content::NonceSubject::Profile(eth_address) => {
                self.require::<Profile>("profile", &content::profile_address(&eth_address)).await?.tier_nonce
            }
        })
    }

    /// The profile of an Ethereum address, if it has one.
    pub async fn profile(&self, eth_address: &[u8; 20]) -> Result<Option<Profile>, SolanaError> {
        self.fetch("profile", &content::profile_address(eth_address)).await
    }

    /// The content nodes admitted under `sp_ids` (`None` where there is none).
    pub async fn nodes(&self, sp_ids: &[u64]) -> Result<Vec<Option<content::ContentNode>>, SolanaError> {
        let addresses: Vec<Pubkey> = sp_ids.iter().map(|&id| content::node_address(id)).collect();
        let mut nodes = Vec::with_capacity(addresses.len());
        // getMultipleAccounts takes at most 100 addresses.
        for chunk in addresses.chunks(100) {
            for (address, account) in chunk.iter().zip(self.rpc.get_multiple_accounts(chunk).await?) {
                nodes.push(match account {
                    Some(account) if account.owner == content::PROGRAM_ID => {
                        Some(content::ContentNode::try_deserialize(&mut account.data.as_slice()).map_err(|error| {
                            SolanaError::Decode { what: "content node", address: *address, reason: error.to_string() }
                        })?)
                    }
                    _ => None,
                });
            }
        }
        Ok(nodes)
    }

    /// An app's grant on a profile under authority epoch `epoch`, if there is one.
    pub async fn app_grant(
        &self,
        profile: &Pubkey,
        epoch: u64,
        app: &Pubkey,
    ) -> Result<Option<content::AppGrant>, SolanaError> {
        self.fetch("app grant", &content::app_grant_address(profile, epoch, app)).await
    }

    /// One track of a profile.
    pub async fn track(&self, profile: &Pubkey, track_id: u64) -> Result<Track, SolanaError> {
        self.require("track", &content::track_address(profile, track_id)).await
    }

    /// Every track of a profile, in id order (a deleted track's record is closed: it is not among them).
    pub async fn tracks(&self, profile: &Pubkey) -> Result<Vec<Track>, SolanaError> {
        let record: Profile = self.require("profile", profile).await?;
        let addresses: Vec<Pubkey> = (0..record.track_count).map(|id| content::track_address(profile, id)).collect();
        let mut tracks = Vec::with_capacity(addresses.len());
        // getMultipleAccounts takes at most 100 addresses.
        for chunk in addresses.chunks(100) {
            for (address, account) in chunk.iter().zip(self.rpc.get_multiple_accounts(chunk).await?) {
                let Some(account) = account else { continue };
                tracks.push(Track::try_deserialize(&mut account.data.as_slice()).map_err(|error| {
                    SolanaError::Decode { what: "track", address: *address, reason: error.to_string() }
                })?);
            }
        }
        Ok(tracks)
    }

    /// Every live track record naming the content node `sp_id` among its replicas (`getProgramAccounts`, one
    /// query per replica slot, filtered at the program's `TRACK_REPLICAS_OFFSET`): what a node must hold.
    pub async fn tracks_naming(&self, sp_id: u64) -> Result<Vec<Track>, SolanaError> {
        let mut tracks = Vec::new();
        for filters in replica_filters(sp_id) {
            let config = RpcProgramAccountsConfig {
                filters: Some(filters),
                account_config: RpcAccountInfoConfig {
                    encoding: Some(UiAccountEncoding::Base64),
                    ..RpcAccountInfoConfig::default()
                },
                ..RpcProgramAccountsConfig::default()
            };
            for (address, account) in self.rpc.get_program_ui_accounts_with_config(&content::PROGRAM_ID, config).await?
            {
                let decode_error = |reason: String| SolanaError::Decode { what: "track", address, reason };
                let data = account.data.decode().ok_or_else(|| decode_error("undecodable account data".into()))?;
                tracks.push(Track::try_deserialize(&mut data.as_slice()).map_err(|e| decode_error(e.to_string()))?);
            }
        }
        Ok(tracks)
    }

    /// The ledger entries a confirmed transaction appended, read from its inner instructions (the program's
    /// `emit_cpi!` self-invocations): the path that works on the local node and on real clusters alike.
    pub async fn ledger_events(&self, signature: &Signature) -> Result<Vec<LedgerAppended>, SolanaError> {
        let config = RpcTransactionConfig {
            encoding: Some(UiTransactionEncoding::Base64),
            commitment: Some(CommitmentConfig::confirmed()),
            max_supported_transaction_version: Some(0),
        };
        let transaction = self.rpc.get_transaction_with_config(signature, config).await?;
        let meta = transaction.transaction.meta.ok_or(SolanaError::NoMetadata(*signature))?;
        let OptionSerializer::Some(inner) = meta.inner_instructions else { return Ok(Vec::new()) };
        let account_keys = transaction
            .transaction
            .transaction
            .decode()
            .ok_or(SolanaError::NoMetadata(*signature))?
            .message
            .static_account_keys()
            .to_vec();
        Ok(inner
            .iter()
            .flat_map(|set| set.instructions.iter())
            .filter_map(|ix| match ix {
                UiInstruction::Compiled(compiled)
                    if account_keys.get(usize::from(compiled.program_id_index)) == Some(&content::PROGRAM_ID) =>
                {
                    content::decode_ledger_event(&bs58_decode(&compiled.data)?)
                }
                _ => None,
            })
            .collect())
    }

    /// Record `fact` with the signatures of local `attesters` keys (a quorum of the configured ones), valid until
    /// `expiry`; `payer` relays. Remote attesters go through `bridge::Aggregator`.
    pub async fn attest(
        &self,
        payer: &Keypair,
        attesters: &[&PrivateKeySigner],
        fact: content::AttestedFact,
        expiry: i64,
    ) -> Result<Signature, SolanaError> {
        let config = self.config().await?;
        let nonce = self.attestation_nonce(&fact).await?;
        let digest = fact.digest(&config.cluster, nonce, expiry);
        let mut signers = attesters.to_vec();
        signers.sort_by_key(|key| key.address());
        let signatures = signers.iter().map(|key| content::sign_digest(key, &digest)).collect();
        self.send(&content::attested_instructions(fact, &payer.pubkey(), nonce, expiry, signatures), payer, &[]).await
    }

    /// Create the profile of `eth_key`'s address, bound to `authority` by a proof signed with the Ethereum key;
    /// `authority` signs and pays. Returns the profile's address and the transaction.
    pub async fn create_profile(
        &self,
        authority: &Keypair,
        eth_key: &PrivateKeySigner,
        metadata_cid: [u8; CID_LEN],
    ) -> Result<(Pubkey, Signature), SolanaError> {
        self.create_sponsored_profile(authority, authority, eth_key, metadata_cid).await
    }

    /// [`Self::create_profile`] with the fee and the rent paid by `payer` (an app onboarding a wallet that holds no
    /// SOL); `authority` signs too.
    pub async fn create_sponsored_profile(
        &self,
        payer: &Keypair,
        authority: &Keypair,
        eth_key: &PrivateKeySigner,
        metadata_cid: [u8; CID_LEN],
    ) -> Result<(Pubkey, Signature), SolanaError> {
        let config = self.config().await?;
        let eth_address = eth_key.address().0 .0;
        let nonce = self.profile(&eth_address).await?.map_or(0, |p| p.nonce);
        let deadline = crate::time::unix_now() as i64 + content::BINDING_PROOF_SECS;
        let proof = content::sign_profile_binding(eth_key, &config.cluster, &authority.pubkey(), nonce, deadline);
        let instruction =
            content::create_profile(&authority.pubkey(), &payer.pubkey(), eth_address, metadata_cid, deadline, proof);
        let units = content::create_profile_compute_units(&eth_address);
        let instructions = super::with_compute_limit(units, [instruction]);
        let signature = if payer.pubkey() == authority.pubkey() {
            self.send(&instructions, payer, &[]).await?
        } else {
            self.send(&instructions, payer, &[authority]).await?
        };
        Ok((content::profile_address(&eth_address), signature))
    }
}

/// The `getProgramAccounts` filters for track records naming `sp_id`, one set per replica slot.
fn replica_filters(sp_id: u64) -> Vec<Vec<RpcFilterType>> {
    (0..REPLICATION_FACTOR)
        .map(|slot| {
            vec![
                RpcFilterType::Memcmp(Memcmp::new_raw_bytes(0, Track::DISCRIMINATOR.to_vec())),
                RpcFilterType::Memcmp(Memcmp::new_raw_bytes(
                    TRACK_REPLICAS_OFFSET + 8 * slot,
                    sp_id.to_le_bytes().to_vec(),
                )),
            ]
        })
        .collect()
}

fn bs58_decode(text: &str) -> Option<Vec<u8>> {
    bs58::decode(text).into_vec().ok()
}

#[cfg(test)]
mod tests {
    use crate::solana::content::{EntryKind, LedgerEntry};
    use anchor_lang::prelude::Pubkey;

    use super::*;

    #[test]
    fn a_priority_fee_leads_the_instructions_once_and_never_overrides_the_callers() {
        use solana_compute_budget_interface::ComputeBudgetInstruction as Budget;
        let write = content::update_profile(&Pubkey::new_unique(), &Pubkey::new_unique(), None, [0; CID_LEN]);
        let limited = crate::solana::with_compute_limit(10_000, [write.clone()]);
        assert_eq!(with_priority_fee(&limited, None), limited, "no fee, nothing added");
        let priced = with_priority_fee(&limited, Some(5_000));
        assert_eq!(priced, [vec![Budget::set_compute_unit_price(5_000)], limited.clone()].concat());
        assert_eq!(with_priority_fee(&priced, Some(9)), priced, "the caller's own price stands");
    }

    #[test]
    fn the_replica_filters_match_each_slot_of_a_track_record() {
        use anchor_lang::AccountSerialize;
        let track = Track {
            version: content::LAYOUT_VERSION,
            profile: Pubkey::new_unique(),
            track_id: 7,
            content_cid: [1; CID_LEN],
            metadata_cid: [2; CID_LEN],
            replicas: [11, 12, 13],
            created_at: 1,
            updated_at: 2,
            rent_payer: Pubkey::new_unique(),
            bump: 254,
        };
        let mut data = Vec::new();
        track.try_serialize(&mut data).unwrap();
        let matches = |filters: &[RpcFilterType]| {
            filters.iter().all(|filter| matches!(filter, RpcFilterType::Memcmp(memcmp) if memcmp.bytes_match(&data)))
        };
        for (slot, &sp_id) in track.replicas.iter().enumerate() {
            assert!(matches(&replica_filters(sp_id)[slot]), "slot {slot} finds the record");
            assert!(!matches(&replica_filters(99)[slot]), "another node's filter does not");
            assert!(!matches(&replica_filters(sp_id)[(slot + 1) % REPLICATION_FACTOR]), "nor another slot's");
        }
    }

    /// A chain of `count` entries as the program emits them.
    fn emitted(ledger: Pubkey, count: u64) -> Vec<LedgerAppended> {
        let mut head = [0u8; 32];
        (1..=count)
            .map(|seq| {
                let entry = LedgerEntry {
                    ledger,
                    seq,
                    kind: EntryKind::TrackCreated,
                    subject: Pubkey::new_unique(),
                    actor: Pubkey::new_unique(),
                    data_hash: [seq as u8; 32],
                    slot: seq * 10,
                    timestamp: 1_700_000_000 + seq as i64,
                };
                head = entry.chain(&head);
                LedgerAppended { entry, head }
            })
            .collect()
    }

    fn heads_of(heads: &HashMap<Pubkey, ChainHead>, ledger: &Pubkey) -> (u64, [u8; 32]) {
        heads.get(ledger).map(|h| (h.seq, h.head)).unwrap()
    }

    #[test]
    fn interleaved_chains_verify_in_pieces() {
        let (a, b) = (Pubkey::new_unique(), Pubkey::new_unique());
        let (chain_a, chain_b) = (emitted(a, 5), emitted(b, 3));
        // Two profiles' writes, as transactions interleave them.
        let first = [&chain_a[0], &chain_b[0], &chain_a[1], &chain_b[1]];
        let rest = [&chain_a[2], &chain_b[2], &chain_a[3], &chain_a[4]];
        let mut heads = HashMap::new();
        verify_chains(&mut heads, first).unwrap();
        verify_chains(&mut heads, rest).unwrap();
        assert_eq!(heads_of(&heads, &a), (5, chain_a[4].head));
        assert_eq!(heads_of(&heads, &b), (3, chain_b[2].head));
    }

    #[test]
    fn gaps_reorders_forgeries_and_moved_entries_are_caught() {
        let ledger = Pubkey::new_unique();
        let check = |events: &[LedgerAppended]| {
            let mut heads = HashMap::new();
            let result = verify_chains(&mut heads, events);
            if result.is_err() {
                assert!(heads.is_empty(), "a failed run moves no head");
            }
            result
        };
        let mut skipped = emitted(ledger, 4);
        skipped.remove(1);
        assert_eq!(check(&skipped), Err(ChainError::Gap { ledger, expected: 2, found: 3 }));
        let mut reordered = emitted(ledger, 2);
        reordered.swap(0, 1);
        assert_eq!(check(&reordered), Err(ChainError::Gap { ledger, expected: 1, found: 2 }));
        let mut forged = emitted(ledger, 4);
        forged[2].entry.data_hash = [0xee; 32];
        assert_eq!(check(&forged), Err(ChainError::Forged { ledger, seq: 3 }));
        let mut heads = HashMap::from([(ledger, ChainHead { seq: 0, head: [1; 32] })]);
        let wrong_start = verify_chains(&mut heads, &emitted(ledger, 4));
        assert_eq!(wrong_start, Err(ChainError::Forged { ledger, seq: 1 }), "wrong starting head");
        // An entry of one chain claimed by another: the ledger is part of what the head covers.
        let other = Pubkey::new_unique();
        let mut moved = emitted(ledger, 1);
        moved[0].entry.ledger = other;
        assert_eq!(check(&moved), Err(ChainError::Forged { ledger: other, seq: 1 }));
    }
}

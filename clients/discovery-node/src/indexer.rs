//! The indexer: follows the content program's transactions over JSON-RPC, reads the ledger entries from their
//! `emit_cpi!` inner instructions, checks them against the hash chain, and writes them with the records they
//! touched in one database transaction per batch, cursor included.
//!
//! The ledger is sharded: every profile holds its own chain, the registry ledger the configuration's and the node
//! registry's. The indexer keeps the head of every chain it has indexed; an entry must continue its chain's head.
//!
//! Resuming: a poll reads every transaction since the cursor's signature, in order, and drops the entries its
//! chains already hold, so a crash anywhere (mid-batch: the transaction rolls back; between batches: the cursor's
//! signature has not moved) re-reads and writes each entry exactly once.

use std::collections::HashMap;

use alloy::hex::encode as hex;
use anchor_lang::{prelude::Pubkey, AccountDeserialize};
use audius_sdk::solana::content::LedgerAppended;
use audius_sdk::{
    cid::ContentId,
    solana::{
        content::{self, ChainHead, ContentNode, EntryKind, Profile, Track},
        rpc::{verify_chains, ChainError, ContentClient, SolanaError},
    },
};
use solana_rpc_client::rpc_client::GetConfirmedSignaturesForAddress2Config;
use solana_transaction::Signature;
use sqlx::AnyPool;

use crate::db::{self, Cursor, EntryRow, HeadRow, NodeRow, ProfileRow, TrackRow};

/// Why indexing stopped.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The entries read do not follow the chain: a gap (re-read next poll) or a forgery (indexing halts).
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// The chain head written differs from the head its account holds at the same sequence number.
    #[error("ledger head mismatch: {ledger} at entry {seq}: indexed {indexed}, on chain {on_chain}")]
    HeadMismatch {
        /// The account holding the chain.
        ledger: Pubkey,
        /// The sequence number.
        seq: u64,
        /// Ours (hex).
        indexed: String,
        /// The ledger account's (hex).
        on_chain: String,
    },
    /// Solana could not be read.
    #[error(transparent)]
    Solana(#[from] SolanaError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl IndexError {
    /// Whether indexing must stop for an operator to look (forged data), rather than retry.
    pub fn is_fatal(&self) -> bool {
        matches!(self, IndexError::Chain(ChainError::Forged { .. }) | IndexError::HeadMismatch { .. })
    }
}

/// An entry with the transaction that carried it.
pub struct Located {
    /// The entry and the head after it.
    pub event: LedgerAppended,
    /// The transaction.
    pub signature: Signature,
    /// Its slot.
    pub slot: u64,
}

/// A stored head as bytes; an unreadable one (never written by the indexer) reads as zero and fails the chain
/// check like any other wrong head.
fn head_bytes(text: &str) -> [u8; 32] {
    alloy::hex::decode_to_array(text).unwrap_or_default()
}

/// The chains' heads as the index holds them, for the chains `ledgers` (those with nothing indexed left out).
async fn indexed_heads(pool: &AnyPool, ledgers: &[Pubkey]) -> Result<HashMap<Pubkey, ChainHead>, sqlx::Error> {
    let names: Vec<String> = ledgers.iter().map(Pubkey::to_string).collect();
    Ok(db::ledger_heads(pool, &names)
        .await?
        .into_iter()
        .filter_map(|row| {
            let ledger = row.ledger.parse().ok()?;
            Some((ledger, ChainHead { seq: row.seq as u64, head: head_bytes(&row.head) }))
        })
        .collect())
}

/// The distinct chains of `located`'s entries.
fn ledgers_of(located: &[Located]) -> Vec<Pubkey> {
    let mut ledgers: Vec<Pubkey> = located.iter().map(|l| l.event.entry.ledger).collect();
    ledgers.sort();
    ledgers.dedup();
    ledgers
}

fn kind_name(kind: EntryKind) -> String {
    format!("{kind:?}")
}

fn cid_text(bytes: &[u8; audius_sdk::cid::CID_LEN]) -> Option<String> {
    if bytes.iter().all(|&b| b == 0) {
        return None;
    }
    ContentId::from_bytes(*bytes).ok().map(|cid| cid.to_string())
}

/// The indexer over one RPC endpoint and one database.
pub struct Indexer {
    solana: ContentClient,
    pool: AnyPool,
    /// Entries per database transaction.
    pub batch: usize,
}

impl Indexer {
    /// An indexer writing to `pool` from the RPC node behind `solana`.
    pub fn new(solana: ContentClient, pool: AnyPool) -> Self {
        Self { solana, pool, batch: crate::config::DEFAULT_BATCH }
    }

    /// Read and write everything new; returns the cursor after it.
    pub async fn poll(&self) -> Result<Cursor, IndexError> {
        let mut cursor = db::cursor(&self.pool).await?;
        let (located, newest) = self.read_since(&cursor).await?;
        let mut ledgers = ledgers_of(&located);
        let indexed = indexed_heads(&self.pool, &ledgers).await?;
        // In the order read (transactions in order, entries in each as emitted): each chain's entries in its order.
        let pending: Vec<Located> = located
            .into_iter()
            .filter(|l| l.event.entry.seq > indexed.get(&l.event.entry.ledger).map_or(0, |h| h.seq))
            .collect();
        verify_chains(&mut indexed.clone(), pending.iter().map(|l| &l.event))?;
        let chunks: Vec<&[Located]> = pending.chunks(self.batch.max(1)).collect();
        for (i, chunk) in chunks.iter().enumerate() {
            // Only the last batch moves the signature: a crash before it re-reads the same transactions.
            let read = if i + 1 == chunks.len() { newest.clone() } else { None };
            cursor = self.write(&cursor, chunk, read).await?;
        }
        if let Some((signature, slot)) =
            newest.filter(|(s, _)| pending.is_empty() && Some(s) != cursor.signature.as_ref())
        {
            // Transactions without entries (refused or read-only): remember them so they are not re-read.
            let mut tx = self.pool.begin().await?;
            (cursor.signature, cursor.slot) = (Some(signature), slot as i64);
            db::set_cursor(&mut tx, &cursor).await?;
            tx.commit().await?;
        }
        // The chains this poll touched, and the registry ledger's whatever it touched.
        ledgers.push(content::ledger_address());
        self.check_heads(&ledgers).await?;
        Ok(cursor)
    }

    /// Every successful program transaction after the cursor's, with its entries, and the newest signature with its
    /// slot.
    async fn read_since(&self, cursor: &Cursor) -> Result<(Vec<Located>, Option<(String, u64)>), IndexError> {
        let until = cursor.signature.as_deref().and_then(|s| s.parse::<Signature>().ok());
        let mut statuses = Vec::new();
        let mut before = None;
        loop {
            let config = GetConfirmedSignaturesForAddress2Config {
                before,
                until,
                limit: Some(1_000),
                commitment: Some(solana_commitment_config::CommitmentConfig::confirmed()),
            };
            let page = self
                .solana
                .rpc()
                .get_signatures_for_address_with_config(&content::PROGRAM_ID, config)
                .await
                .map_err(SolanaError::from)?;
            let done = page.len() < 1_000;
            before = page.last().and_then(|s| s.signature.parse().ok());
            statuses.extend(page);
            if done {
                break;
            }
        }
        let newest = statuses.first().map(|s| (s.signature.clone(), s.slot));
        let mut located = Vec::new();
        for status in statuses.iter().rev().filter(|s| s.err.is_none()) {
            let Ok(signature) = status.signature.parse::<Signature>() else { continue };
            for event in self.solana.ledger_events(&signature).await? {
                located.push(Located { event, signature, slot: status.slot });
            }
        }
        Ok((located, newest))
    }

    /// Write one batch after `cursor`: entries, the records they touched (as they are now), the chains' heads and
    /// the cursor, which moves to `read` (the newest transaction read and its slot) if given.
    pub async fn write(
        &self,
        cursor: &Cursor,
        batch: &[Located],
        read: Option<(String, u64)>,
    ) -> Result<Cursor, IndexError> {
        let records = self.fetch_records(batch).await?;
        Ok(store_batch(&self.pool, cursor, batch, &records, read).await?)
    }

    /// The records the batch's entries vouch for, as they are now, and the profiles of its tracks.
    async fn fetch_records(&self, batch: &[Located]) -> Result<Records, IndexError> {
        let claims = claims(batch);
        let subjects: Vec<Pubkey> = claims.keys().copied().collect();
        let mut records = vouched_records(&claims, self.accounts(&subjects).await?);
        // Owners the batch has an entry about stand or fall by it; no entry here vouches for the others.
        let owners: Vec<Pubkey> =
            records.tracks.values().map(|t| t.profile).filter(|owner| !claims.contains_key(owner)).collect();
        for (address, data) in self.accounts(&owners).await? {
            if let Ok(profile) = Profile::try_deserialize(&mut data.as_slice()) {
                records.profiles.insert(address, profile);
            }
        }
        Ok(records)
    }

    async fn accounts(&self, addresses: &[Pubkey]) -> Result<Vec<(Pubkey, Vec<u8>)>, IndexError> {
        let mut unique = addresses.to_vec();
        unique.sort();
        unique.dedup();
        let mut found = Vec::new();
        for chunk in unique.chunks(100) {
            let accounts = self.solana.rpc().get_multiple_accounts(chunk).await.map_err(SolanaError::from)?;
            for (address, account) in chunk.iter().zip(accounts) {
                if let Some(account) = account.filter(|a| a.owner == content::PROGRAM_ID) {
                    found.push((*address, account.data));
                }
            }
        }
        Ok(found)
    }

    /// Where the index has caught up with a chain's account, its head must be the account's.
    async fn check_heads(&self, ledgers: &[Pubkey]) -> Result<(), IndexError> {
        let on_chain = self.solana.chain_heads(ledgers).await?;
        for (ledger, indexed) in indexed_heads(&self.pool, ledgers).await? {
            match on_chain.get(&ledger) {
                Some(chain) if chain.seq == indexed.seq && chain.head != indexed.head => {
                    return Err(IndexError::HeadMismatch {
                        ledger,
                        seq: chain.seq,
                        indexed: hex(indexed.head),
                        on_chain: hex(chain.head),
                    });
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Write decoded entries after `cursor` (their positions follow its), the records they touched, the heads of their
/// chains and the cursor in one transaction; the cursor's signature and slot become `read`'s if given.
pub async fn store_batch(
    pool: &AnyPool,
    cursor: &Cursor,
    batch: &[Located],
    records: &Records,
    read: Option<(String, u64)>,
) -> Result<Cursor, sqlx::Error> {
    let mut tx = pool.begin().await?;
    // Every profile the batch touched (its own entries' subjects and its tracks' owners), written once.
    let profiles: Vec<ProfileRow> = records.profiles.iter().map(|(address, p)| profile_row(address, p)).collect();
    db::upsert_profiles(&mut tx, &profiles).await?;
    let position = |i: usize| cursor.position + 1 + i as i64;
    let entries: Vec<EntryRow> = batch
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let entry = &item.event.entry;
            EntryRow {
                position: position(i),
                ledger: entry.ledger.to_string(),
                seq: entry.seq as i64,
                kind: kind_name(entry.kind),
                subject: entry.subject.to_string(),
                actor: entry.actor.to_string(),
                data_hash: hex(entry.data_hash),
                slot: entry.slot as i64,
                timestamp: entry.timestamp,
                head: hex(item.event.head),
                signature: item.signature.to_string(),
            }
        })
        .collect();
    db::insert_entries(&mut tx, &entries).await?;
    // Each chain's head after its last entry in the batch.
    let mut heads: HashMap<Pubkey, HeadRow> = HashMap::new();
    for item in batch {
        let entry = &item.event.entry;
        let head = HeadRow { ledger: entry.ledger.to_string(), seq: entry.seq as i64, head: hex(item.event.head) };
        heads.insert(entry.ledger, head);
    }
    db::set_ledger_heads(&mut tx, &heads.into_values().collect::<Vec<_>>()).await?;
    // Tracks as they are now, each once (at its last entry in the batch); nodes in entry order.
    let mut tracks: HashMap<Pubkey, TrackRow> = HashMap::new();
    for (i, item) in batch.iter().enumerate() {
        let entry = &item.event.entry;
        match entry.kind {
            EntryKind::TrackDeleted => {
                // The record is closed: the row indexed before keeps the track's CID, marked deleted. (A track
                // created and deleted between two polls leaves its entries only.)
                tracks.remove(&entry.subject);
                db::mark_track_deleted(&mut tx, &entry.subject.to_string(), position(i)).await?;
            }
            EntryKind::TrackCreated | EntryKind::TrackUpdated => {
                if let Some(track) = records.tracks.get(&entry.subject) {
                    let read = records.profiles.get(&track.profile).map(|profile| &profile.eth_address);
                    let eth = match read.or_else(|| records.eth_addresses.get(&track.profile)) {
                        Some(eth) => Some(eth_text(eth)),
                        None => db::profile_eth(&mut tx, &track.profile.to_string()).await?,
                    };
                    let row = track_row(&entry.subject, track, eth.unwrap_or_default(), position(i));
                    tracks.insert(entry.subject, row);
                }
            }
            EntryKind::NodeAdmitted => {
                if let Some(node) = records.nodes.get(&entry.subject) {
                    db::upsert_node(&mut tx, &node_row(&entry.subject, node)).await?;
                }
            }
            EntryKind::NodeRemoved => db::delete_node(&mut tx, &entry.subject.to_string()).await?,
            // Profiles were written with the batch; the rest are in the ledger table only.
            EntryKind::ProfileCreated
            | EntryKind::ProfileUpdated
            | EntryKind::TierAttested
            | EntryKind::AuthorityRotated
            | EntryKind::ConfigChanged
            | EntryKind::AppGranted
            | EntryKind::AppRevoked => {}
        }
    }
    let tracks: Vec<TrackRow> = tracks.into_values().collect();
    db::upsert_tracks(&mut tx, &tracks).await?;
    let (signature, slot) = match read {
        Some((signature, slot)) => (Some(signature), slot as i64),
        None => (cursor.signature.clone(), cursor.slot),
    };
    let cursor = Cursor { position: position(batch.len() - 1), slot, signature };
    db::set_cursor(&mut tx, &cursor).await?;
    tx.commit().await?;
    Ok(cursor)
}

/// Accounts read for a batch, by address.
#[derive(Default)]
pub struct Records {
    /// Profiles.
    pub profiles: HashMap<Pubkey, Profile>,
    /// Tracks.
    pub tracks: HashMap<Pubkey, Track>,
    /// Content nodes.
    pub nodes: HashMap<Pubkey, ContentNode>,
    /// The Ethereum addresses of profiles read but not written (their entry does not vouch for them), for their
    /// tracks: a profile's never changes, being its address's seed.
    pub eth_addresses: HashMap<Pubkey, [u8; 20]>,
}

/// The record an entry's subject holds, by the entry's kind.
#[derive(Clone, Copy, Debug)]
enum RecordKind {
    Track,
    Profile,
    Node,
}

/// `None` for records closed by the entry (their data hash is zero) and those the index does not keep (app grants,
/// the configuration).
fn record_kind(kind: EntryKind) -> Option<RecordKind> {
    match kind {
        EntryKind::TrackCreated | EntryKind::TrackUpdated => Some(RecordKind::Track),
        EntryKind::ProfileCreated
        | EntryKind::ProfileUpdated
        | EntryKind::AuthorityRotated
        | EntryKind::TierAttested => Some(RecordKind::Profile),
        EntryKind::NodeAdmitted => Some(RecordKind::Node),
        EntryKind::TrackDeleted
        | EntryKind::NodeRemoved
        | EntryKind::AppRevoked
        | EntryKind::AppGranted
        | EntryKind::ConfigChanged => None,
    }
}

/// What the latest entry about a subject in a batch says its record is.
struct Claim {
    record: RecordKind,
    data_hash: [u8; 32],
    /// Tracks created on the profile's chain after the entry: each counts on the profile without an entry about it.
    tracks_after: u64,
}

/// The latest entry's claim about each subject of the batch whose record the index keeps.
fn claims(batch: &[Located]) -> HashMap<Pubkey, Claim> {
    let mut latest: HashMap<Pubkey, Option<Claim>> = HashMap::new();
    for item in batch {
        let entry = &item.event.entry;
        if entry.kind == EntryKind::TrackCreated {
            if let Some(Some(claim)) = latest.get_mut(&entry.ledger) {
                claim.tracks_after += 1;
            }
        }
        let claim = record_kind(entry.kind).map(|record| Claim { record, data_hash: entry.data_hash, tracks_after: 0 });
        latest.insert(entry.subject, claim);
    }
    latest.into_iter().filter_map(|(subject, claim)| Some((subject, claim?))).collect()
}

/// The hash a profile's entry carried `tracks` track creations ago.
fn profile_hash_before(profile: &Profile, tracks: u64) -> Option<[u8; 32]> {
    let track_count = profile.track_count.checked_sub(tracks)?;
    Some(content::profile_record_hash(&Profile { track_count, ..*profile }))
}

/// The records among `accounts` (address, data) that their subject's claim vouches for: decoded as the claim's kind,
/// and hashing to its data hash.
fn vouched_records(claims: &HashMap<Pubkey, Claim>, accounts: Vec<(Pubkey, Vec<u8>)>) -> Records {
    let mut records = Records::default();
    for (address, data) in accounts {
        let Some(claim) = claims.get(&address) else { continue };
        let data = &mut data.as_slice();
        let vouched = match claim.record {
            RecordKind::Track => Track::try_deserialize(data).ok().map(|track| {
                let vouched = content::record_hash(&track) == claim.data_hash;
                if vouched {
                    records.tracks.insert(address, track);
                }
                vouched
            }),
            RecordKind::Profile => Profile::try_deserialize(data).ok().map(|profile| {
                let vouched = profile_hash_before(&profile, claim.tracks_after) == Some(claim.data_hash);
                if vouched {
                    records.profiles.insert(address, profile);
                } else {
                    records.eth_addresses.insert(address, profile.eth_address);
                }
                vouched
            }),
            RecordKind::Node => ContentNode::try_deserialize(data).ok().map(|node| {
                let vouched = content::record_hash(&node) == claim.data_hash;
                if vouched {
                    records.nodes.insert(address, node);
                }
                vouched
            }),
        };
        match vouched {
            Some(true) => {}
            // Usually written again after the batch: a later entry carries that state.
            Some(false) => {
                tracing::debug!(%address, record = ?claim.record, "record differs from its entry; not written")
            }
            None => tracing::warn!(%address, record = ?claim.record, "account is not the record its entry names"),
        }
    }
    records
}

fn node_row(address: &Pubkey, node: &ContentNode) -> NodeRow {
    NodeRow {
        sp_id: node.sp_id as i64,
        address: address.to_string(),
        endpoint: node.endpoint.clone(),
        owner_wallet: eth_text(&node.owner_wallet),
        delegate_wallet: eth_text(&node.delegate_wallet),
        admitted_at: node.admitted_at,
    }
}

fn eth_text(address: &[u8; 20]) -> String {
    format!("{:#x}", alloy::primitives::Address::from(*address))
}

fn profile_row(address: &Pubkey, profile: &Profile) -> ProfileRow {
    ProfileRow {
        address: address.to_string(),
        eth_address: eth_text(&profile.eth_address),
        authority: profile.authority.to_string(),
        metadata_cid: cid_text(&profile.metadata_cid),
        track_count: profile.track_count as i64,
        created_at: profile.created_at,
        updated_at: profile.updated_at,
        name: None,
        handle: None,
        tier: i64::from(profile.tier),
        tier_expires_at: profile.tier_expires_at,
    }
}

fn track_row(address: &Pubkey, track: &Track, eth_address: String, position: i64) -> TrackRow {
    TrackRow {
        address: address.to_string(),
        profile: track.profile.to_string(),
        eth_address,
        track_id: track.track_id as i64,
        content_cid: cid_text(&track.content_cid).unwrap_or_default(),
        metadata_cid: cid_text(&track.metadata_cid),
        replica_0: track.replicas[0] as i64,
        replica_1: track.replicas[1] as i64,
        replica_2: track.replicas[2] as i64,
        // A live record: deleting a track closes it (`TrackDeleted` marks the row).
        deleted: 0,
        created_at: track.created_at,
        updated_at: track.updated_at,
        indexed_seq: position,
        title: None,
        genre: None,
    }
}

#[cfg(test)]
mod tests {
    use anchor_lang::AccountSerialize;
    use audius_sdk::{cid::CID_LEN, solana::content::LedgerEntry};

    use super::*;

    fn located(kind: EntryKind, ledger: Pubkey, subject: Pubkey, data_hash: [u8; 32]) -> Located {
        let entry = LedgerEntry { ledger, seq: 1, kind, subject, actor: ledger, data_hash, slot: 1, timestamp: 1 };
        Located { event: LedgerAppended { entry, head: [0; 32] }, signature: Signature::default(), slot: 1 }
    }

    fn bytes(record: &impl AccountSerialize) -> Vec<u8> {
        let mut data = Vec::new();
        record.try_serialize(&mut data).unwrap();
        data
    }

    fn profile(track_count: u64) -> Profile {
        Profile {
            version: content::LAYOUT_VERSION,
            eth_address: [5; 20],
            authority: Pubkey::new_from_array([6; 32]),
            metadata_cid: [0; CID_LEN],
            nonce: 1,
            track_count,
            created_at: 1,
            updated_at: 1,
            tier: 0,
            tier_expires_at: 0,
            tier_nonce: 0,
            bump: 255,
            ledger: ChainHead { seq: 3, head: [9; 32] },
        }
    }

    fn track(owner: Pubkey, updated_at: i64) -> Track {
        Track {
            version: content::LAYOUT_VERSION,
            profile: owner,
            track_id: 0,
            content_cid: [1; CID_LEN],
            metadata_cid: [0; CID_LEN],
            replicas: [1, 2, 3],
            created_at: 1,
            updated_at,
            rent_payer: owner,
            bump: 254,
        }
    }

    fn node() -> ContentNode {
        ContentNode {
            version: content::LAYOUT_VERSION,
            sp_id: 1,
            owner_wallet: [1; 20],
            delegate_wallet: [2; 20],
            endpoint: "https://cn1.test".into(),
            admitted_at: 1,
            rent_payer: Pubkey::new_unique(),
            bump: 253,
        }
    }

    fn vouched(batch: &[Located], accounts: Vec<(Pubkey, Vec<u8>)>) -> Records {
        vouched_records(&claims(batch), accounts)
    }

    #[test]
    fn records_hashing_to_their_latest_entry_are_written() {
        let (owner, address, node_address) = (Pubkey::new_unique(), Pubkey::new_unique(), Pubkey::new_unique());
        let (created, updated, node) = (track(owner, 1), track(owner, 2), node());
        let batch = [
            located(EntryKind::ProfileCreated, owner, owner, content::profile_record_hash(&profile(0))),
            located(EntryKind::TrackCreated, owner, address, content::record_hash(&created)),
            located(EntryKind::TrackUpdated, owner, address, content::record_hash(&updated)),
            located(EntryKind::NodeAdmitted, content::ledger_address(), node_address, content::record_hash(&node)),
        ];
        // The profile counts the track created after its entry.
        let accounts = vec![(owner, bytes(&profile(1))), (address, bytes(&updated)), (node_address, bytes(&node))];
        let records = vouched(&batch, accounts);
        assert_eq!(records.tracks[&address].updated_at, 2);
        assert_eq!(records.profiles[&owner].track_count, 1);
        assert_eq!(records.nodes[&node_address].endpoint, node.endpoint);
        assert!(records.eth_addresses.is_empty());
    }

    #[test]
    fn records_that_differ_from_their_latest_entry_are_not_written() {
        let (owner, address, node_address) = (Pubkey::new_unique(), Pubkey::new_unique(), Pubkey::new_unique());
        let (created, updated) = (track(owner, 1), track(owner, 2));
        let batch = [
            located(EntryKind::ProfileUpdated, owner, owner, content::profile_record_hash(&profile(0))),
            located(EntryKind::TrackCreated, owner, address, content::record_hash(&created)),
            located(EntryKind::NodeAdmitted, content::ledger_address(), node_address, [7; 32]),
        ];
        // Each account has moved past the batch: the track was updated, the profile has created a second track.
        let accounts = vec![(owner, bytes(&profile(2))), (address, bytes(&updated)), (node_address, bytes(&node()))];
        let records = vouched(&batch, accounts);
        assert!(records.tracks.is_empty() && records.profiles.is_empty() && records.nodes.is_empty());
        assert_eq!(records.eth_addresses[&owner], [5; 20], "its tracks still get the profile's Ethereum address");
    }

    #[test]
    fn the_entry_kind_chooses_the_record_no_trial_decoding() {
        let (owner, subject) = (Pubkey::new_unique(), Pubkey::new_unique());
        let misfit = track(owner, 1);
        // Even a hash that matches does not make a track of a profile's subject, or a profile of a track's.
        let hash = content::record_hash(&misfit);
        let as_profile = [located(EntryKind::ProfileUpdated, owner, subject, hash)];
        let records = vouched(&as_profile, vec![(subject, bytes(&misfit))]);
        assert!(records.tracks.is_empty() && records.profiles.is_empty() && records.nodes.is_empty());

        let hash = content::profile_record_hash(&profile(0));
        let as_track = [located(EntryKind::TrackUpdated, owner, subject, hash)];
        let records = vouched(&as_track, vec![(subject, bytes(&profile(0)))]);
        assert!(records.tracks.is_empty() && records.profiles.is_empty() && records.eth_addresses.is_empty());
    }

    #[test]
    fn closed_records_and_those_not_kept_claim_nothing() {
        let (owner, address, grant, node_address) =
            (Pubkey::new_unique(), Pubkey::new_unique(), Pubkey::new_unique(), Pubkey::new_unique());
        let (live, node) = (track(owner, 1), node());
        let registry = content::ledger_address();
        let batch = [
            located(EntryKind::TrackCreated, owner, address, content::record_hash(&live)),
            located(EntryKind::TrackDeleted, owner, address, [0; 32]),
            located(EntryKind::NodeAdmitted, registry, node_address, content::record_hash(&node)),
            located(EntryKind::NodeRemoved, registry, node_address, [0; 32]),
            located(EntryKind::AppGranted, owner, grant, [3; 32]),
            located(EntryKind::ConfigChanged, registry, content::config_address(), [4; 32]),
        ];
        assert!(claims(&batch).is_empty(), "no account to read");
        let records = vouched(&batch, vec![(address, bytes(&live)), (node_address, bytes(&node))]);
        assert!(records.tracks.is_empty() && records.nodes.is_empty());
    }

    /// A track whose profile is read but not written (its entry does not vouch for it) keeps its owner's address.
    #[tokio::test]
    async fn a_track_of_an_unwritten_profile_gets_its_ethereum_address() {
        let pool = db::open("sqlite::memory:").await.unwrap();
        let (owner, address) = (Pubkey::new_unique(), Pubkey::new_unique());
        let created = track(owner, 1);
        let mut batch = [
            located(EntryKind::ProfileCreated, owner, owner, content::profile_record_hash(&profile(0))),
            located(EntryKind::TrackCreated, owner, address, content::record_hash(&created)),
        ];
        batch[1].event.entry.seq = 2;
        let records = vouched(&batch, vec![(owner, bytes(&profile(2))), (address, bytes(&created))]);
        let cursor = db::cursor(&pool).await.unwrap();
        store_batch(&pool, &cursor, &batch, &records, None).await.unwrap();
        let row = db::track(&pool, &address.to_string()).await.unwrap().unwrap();
        assert_eq!(row.eth_address, eth_text(&[5; 20]));
        assert!(db::profile(&pool, &row.eth_address).await.unwrap().is_none(), "the profile is not written");
    }
}

//! The index: SQLite through sqlx, schema in `migrations/`. The indexer writes a batch of ledger entries, the
//! records they touched and the cursor in one transaction; the API reads.

use serde::Serialize;
use sqlx::{any::AnyPoolOptions, Any, AnyPool, Executor, FromRow, Transaction};

/// Open (creating and migrating) the index at `location`: a SQLite file path, `sqlite::memory:` for a throw-away
/// index, or a `postgres://` URL for deployments that outgrow one machine. The same queries run on both.
pub async fn open(location: &str) -> Result<AnyPool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let url = if location.starts_with("sqlite:") || location.starts_with("postgres") {
        location.to_owned()
    } else {
        format!("sqlite://{location}?mode=rwc")
    };
    let memory = url.starts_with("sqlite::memory:");
    let mut options =
        AnyPoolOptions::new().max_connections(if memory { 1 } else { 8 }).after_connect(|connection, _| {
            Box::pin(async move {
                if connection.backend_name() == "SQLite" {
                    // WAL with NORMAL sync: a commit survives a process crash; a power cut may lose the last
                    // commits, which the indexer re-reads (the cursor moves with the data, never ahead of it).
                    // A 64 MiB page cache: the track indexes are random-keyed (addresses, CIDs), so a small cache
                    // turns every insert into page reads once the index outgrows it.
                    connection
                        .execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144; PRAGMA wal_autocheckpoint = 16384;")
                        .await?;
                }
                Ok(())
            })
        });
    if memory {
        // The database lives as long as its one connection.
        options = options.idle_timeout(None).max_lifetime(None);
    }
    let pool = options.connect(&url).await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// `($1, $2, …), (…), …` (PostgreSQL) or `(?, ?, …), …` (SQLite) for `rows` rows of `columns` values: one
/// statement writes many rows.
fn values_clause(rows: usize, columns: usize, positional: bool) -> String {
    let mut sql = String::with_capacity(rows * columns * 6);
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            if positional {
                sql.push('?');
            } else {
                sql.push_str(&format!("${}", row * columns + column + 1));
            }
        }
        sql.push(')');
    }
    sql
}

/// How a multi-row statement is written for the transaction's database. SQLite gets positional `?` parameters:
/// sqlx resolves each numbered `$n` by name, which grows with the square of their count (measured: 25 rows of 9
/// values 6 µs a row, 500 rows 54 µs a row); positional ones bind in order.
fn statement_shape(tx: &Transaction<'_, Any>, columns: usize) -> (bool, usize) {
    let positional = tx.backend_name() == "SQLite";
    let parameters = if positional { 4_500 } else { 240 };
    (positional, (parameters / columns).max(1))
}

type AnyQuery<'q> = sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>;

/// Write `rows` with multi-row statements `{head} VALUES (…), (…) {tail}`, each row's `columns` values bound by
/// `bind` in column order.
async fn write_rows<T>(
    tx: &mut Transaction<'_, Any>,
    head: &str,
    tail: &str,
    columns: usize,
    rows: &[T],
    bind: for<'q> fn(AnyQuery<'q>, &'q T) -> AnyQuery<'q>,
) -> Result<(), sqlx::Error> {
    let (positional, per_statement) = statement_shape(tx, columns);
    for chunk in rows.chunks(per_statement) {
        let sql = format!("{head} VALUES {} {tail}", values_clause(chunk.len(), columns, positional));
        let mut query = sqlx::query(&sql);
        for row in chunk {
            query = bind(query, row);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Where the indexer stands.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct Cursor {
    /// Position in the index of the last entry written (0: none).
    pub position: i64,
    /// Slot of the last transaction read.
    pub slot: i64,
    /// The last transaction read (base58), where the next read starts.
    pub signature: Option<String>,
}

/// The cursor.
pub async fn cursor(pool: &AnyPool) -> Result<Cursor, sqlx::Error> {
    sqlx::query_as("SELECT position, slot, signature FROM cursor WHERE id = 0").fetch_one(pool).await
}

/// Move the cursor (inside the batch's transaction).
pub async fn set_cursor(tx: &mut Transaction<'_, Any>, cursor: &Cursor) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE cursor SET position = $1, slot = $2, signature = $3 WHERE id = 0")
        .bind(cursor.position)
        .bind(cursor.slot)
        .bind(&cursor.signature)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The last indexed entry of one of the ledger's chains.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct HeadRow {
    /// The account holding the chain (base58).
    pub ledger: String,
    /// The entry's sequence number in it.
    pub seq: i64,
    /// The chain head after it (hex).
    pub head: String,
}

/// The indexed heads of the chains held by `ledgers` (base58); a chain with nothing indexed is left out.
pub async fn ledger_heads(pool: &AnyPool, ledgers: &[String]) -> Result<Vec<HeadRow>, sqlx::Error> {
    let mut heads = Vec::with_capacity(ledgers.len());
    for chunk in ledgers.chunks(500) {
        let list: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT ledger, seq, head FROM ledger_heads WHERE ledger IN ({})", list.join(", "));
        let mut query = sqlx::query_as::<_, HeadRow>(&sql);
        for ledger in chunk {
            query = query.bind(ledger);
        }
        heads.extend(query.fetch_all(pool).await?);
    }
    Ok(heads)
}

/// Move chains' heads on (inside the batch's transaction).
pub async fn set_ledger_heads(tx: &mut Transaction<'_, Any>, heads: &[HeadRow]) -> Result<(), sqlx::Error> {
    write_rows(
        tx,
        "INSERT INTO ledger_heads (ledger, seq, head)",
        "ON CONFLICT (ledger) DO UPDATE SET seq = excluded.seq, head = excluded.head",
        3,
        heads,
        |query, h| query.bind(&h.ledger).bind(h.seq).bind(&h.head),
    )
    .await
}

/// A ledger entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct EntryRow {
    /// Its place in this index, in the order the indexer read it.
    pub position: i64,
    /// The account holding the chain it extends: a profile, or the registry ledger.
    pub ledger: String,
    /// Its sequence number in that chain.
    pub seq: i64,
    /// What it records.
    pub kind: String,
    /// The account it is about.
    pub subject: String,
    /// Who signed.
    pub actor: String,
    /// sha256 of the record after the write (hex).
    pub data_hash: String,
    /// Slot.
    pub slot: i64,
    /// Unix time.
    pub timestamp: i64,
    /// Chain head after it (hex).
    pub head: String,
    /// The transaction.
    pub signature: String,
}

/// Store entries.
pub async fn insert_entries(tx: &mut Transaction<'_, Any>, entries: &[EntryRow]) -> Result<(), sqlx::Error> {
    write_rows(
        tx,
        "INSERT INTO ledger_entries (position, ledger, seq, kind, subject, actor, data_hash, slot, timestamp, head, signature)",
        "",
        11,
        entries,
        bind_entry,
    )
    .await
}

fn bind_entry<'q>(query: AnyQuery<'q>, e: &'q EntryRow) -> AnyQuery<'q> {
    query
        .bind(e.position)
        .bind(&e.ledger)
        .bind(e.seq)
        .bind(&e.kind)
        .bind(&e.subject)
        .bind(&e.actor)
        .bind(&e.data_hash)
        .bind(e.slot)
        .bind(e.timestamp)
        .bind(&e.head)
        .bind(&e.signature)
}

/// A profile as stored.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct ProfileRow {
    /// Its account.
    pub address: String,
    /// The Ethereum address it belongs to (lowercase hex).
    pub eth_address: String,
    /// Its Solana authority.
    pub authority: String,
    /// Its metadata's CID.
    pub metadata_cid: Option<String>,
    /// Tracks created.
    pub track_count: i64,
    /// Unix time.
    pub created_at: i64,
    /// Unix time.
    pub updated_at: i64,
    /// Name, from the metadata.
    pub name: Option<String>,
    /// Handle, from the metadata.
    pub handle: Option<String>,
    /// Stake tier attested from Ethereum (0 none … 4 platinum).
    pub tier: i64,
    /// Unix time the tier lapses.
    pub tier_expires_at: i64,
}

/// Insert or update profiles, each address once (metadata fields are re-read when a metadata CID changes).
pub async fn upsert_profiles(tx: &mut Transaction<'_, Any>, profiles: &[ProfileRow]) -> Result<(), sqlx::Error> {
    write_rows(
        tx,
        "INSERT INTO profiles (address, eth_address, authority, metadata_cid, track_count, created_at, updated_at, tier,
                               tier_expires_at)",
        "ON CONFLICT (address) DO UPDATE SET
            authority = excluded.authority, track_count = excluded.track_count, updated_at = excluded.updated_at,
            tier = excluded.tier, tier_expires_at = excluded.tier_expires_at,
            metadata_state = CASE WHEN profiles.metadata_cid IS NOT DISTINCT FROM excluded.metadata_cid
                                  THEN profiles.metadata_state ELSE 'pending' END,
            metadata_cid = excluded.metadata_cid",
        9,
        profiles,
        bind_profile,
    )
    .await
}

fn bind_profile<'q>(query: AnyQuery<'q>, p: &'q ProfileRow) -> AnyQuery<'q> {
    query
        .bind(&p.address)
        .bind(&p.eth_address)
        .bind(&p.authority)
        .bind(&p.metadata_cid)
        .bind(p.track_count)
        .bind(p.created_at)
        .bind(p.updated_at)
        .bind(p.tier)
        .bind(p.tier_expires_at)
}

/// A track as stored.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct TrackRow {
    /// Its account.
    pub address: String,
    /// Its profile's account.
    pub profile: String,
    /// The artist's Ethereum address.
    pub eth_address: String,
    /// Its id within the profile.
    pub track_id: i64,
    /// The audio's CID.
    pub content_cid: String,
    /// The metadata's CID.
    pub metadata_cid: Option<String>,
    /// Replica node ids.
    pub replica_0: i64,
    /// Replica node ids.
    pub replica_1: i64,
    /// Replica node ids.
    pub replica_2: i64,
    /// Marked deleted (0 or 1 in the database; a boolean in JSON).
    #[serde(serialize_with = "as_bool")]
    pub deleted: i64,
    /// Unix time.
    pub created_at: i64,
    /// Unix time.
    pub updated_at: i64,
    /// The index position of the ledger entry that last wrote it (`EntryRow::position`).
    pub indexed_seq: i64,
    /// Title, from the metadata.
    pub title: Option<String>,
    /// Genre, from the metadata.
    pub genre: Option<String>,
}

/// Insert or update tracks, each address once.
pub async fn upsert_tracks(tx: &mut Transaction<'_, Any>, tracks: &[TrackRow]) -> Result<(), sqlx::Error> {
    write_rows(
        tx,
        "INSERT INTO tracks (address, profile, eth_address, track_id, content_cid, metadata_cid,
                             replica_0, replica_1, replica_2, deleted, created_at, updated_at, indexed_seq)",
        "ON CONFLICT (address) DO UPDATE SET
            deleted = excluded.deleted, updated_at = excluded.updated_at, indexed_seq = excluded.indexed_seq,
            metadata_state = CASE WHEN tracks.metadata_cid IS NOT DISTINCT FROM excluded.metadata_cid
                                  THEN tracks.metadata_state ELSE 'pending' END,
            metadata_cid = excluded.metadata_cid",
        13,
        tracks,
        bind_track,
    )
    .await
}

fn bind_track<'q>(query: AnyQuery<'q>, t: &'q TrackRow) -> AnyQuery<'q> {
    query
        .bind(&t.address)
        .bind(&t.profile)
        .bind(&t.eth_address)
        .bind(t.track_id)
        .bind(&t.content_cid)
        .bind(&t.metadata_cid)
        .bind(t.replica_0)
        .bind(t.replica_1)
        .bind(t.replica_2)
        .bind(t.deleted)
        .bind(t.created_at)
        .bind(t.updated_at)
        .bind(t.indexed_seq)
}

fn as_bool<S: serde::Serializer>(value: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_bool(*value != 0)
}

/// A content node as stored.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct NodeRow {
    /// Service id.
    pub sp_id: i64,
    /// Its account.
    pub address: String,
    /// Where it answers.
    pub endpoint: String,
    /// Operator (hex).
    pub owner_wallet: String,
    /// Signing key (hex).
    pub delegate_wallet: String,
    /// Unix time.
    pub admitted_at: i64,
}

/// Insert or update a content node.
pub async fn upsert_node(tx: &mut Transaction<'_, Any>, n: &NodeRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO content_nodes (sp_id, address, endpoint, owner_wallet, delegate_wallet, admitted_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (sp_id) DO UPDATE SET address = excluded.address, endpoint = excluded.endpoint,
            owner_wallet = excluded.owner_wallet, delegate_wallet = excluded.delegate_wallet,
            admitted_at = excluded.admitted_at",
    )
    .bind(n.sp_id)
    .bind(&n.address)
    .bind(&n.endpoint)
    .bind(&n.owner_wallet)
    .bind(&n.delegate_wallet)
    .bind(n.admitted_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Mark a track deleted (its record was closed on chain) as of index position `position`; its row stays, so the CID
/// stays attributable.
pub async fn mark_track_deleted(
    tx: &mut Transaction<'_, Any>,
    address: &str,
    position: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE tracks SET deleted = 1, indexed_seq = $2 WHERE address = $1")
        .bind(address)
        .bind(position)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Forget a removed content node.
pub async fn delete_node(tx: &mut Transaction<'_, Any>, address: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM content_nodes WHERE address = $1").bind(address).execute(&mut **tx).await?;
    Ok(())
}

/// The Ethereum address of a profile account, as indexed.
pub async fn profile_eth(tx: &mut Transaction<'_, Any>, profile: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT eth_address FROM profiles WHERE address = $1")
        .bind(profile)
        .fetch_optional(&mut **tx)
        .await
}

const TRACK_COLUMNS: &str = "address, profile, eth_address, track_id, content_cid, metadata_cid, replica_0, replica_1,
    replica_2, deleted, created_at, updated_at, indexed_seq, title, genre";
const PROFILE_COLUMNS: &str =
    "address, eth_address, authority, metadata_cid, track_count, created_at, updated_at, name, handle, tier,
     tier_expires_at";

/// A track by its account address.
pub async fn track(pool: &AnyPool, address: &str) -> Result<Option<TrackRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {TRACK_COLUMNS} FROM tracks WHERE address = $1"))
        .bind(address)
        .fetch_optional(pool)
        .await
}

/// Live tracks with this audio CID, oldest first.
pub async fn tracks_by_cid(pool: &AnyPool, cid: &str) -> Result<Vec<TrackRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {TRACK_COLUMNS} FROM tracks WHERE content_cid = $1 AND deleted = 0 ORDER BY indexed_seq"
    ))
    .bind(cid)
    .fetch_all(pool)
    .await
}

/// An artist's live tracks with ids above `after`, in id order.
pub async fn artist_tracks(pool: &AnyPool, eth: &str, after: i64, limit: i64) -> Result<Vec<TrackRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {TRACK_COLUMNS} FROM tracks WHERE eth_address = $1 AND track_id > $2 AND deleted = 0
         ORDER BY track_id LIMIT $3"
    ))
    .bind(eth)
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// The newest live tracks written before ledger entry `before`.
pub async fn latest_tracks(pool: &AnyPool, before: i64, limit: i64) -> Result<Vec<TrackRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {TRACK_COLUMNS} FROM tracks WHERE indexed_seq < $1 AND deleted = 0 ORDER BY indexed_seq DESC LIMIT $2"
    ))
    .bind(before)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Live tracks whose title starts with `prefix` (any case), and those of artists whose name or handle does.
pub async fn search(pool: &AnyPool, prefix: &str, limit: i64) -> Result<Vec<TrackRow>, sqlx::Error> {
    // The prefix is matched literally: LIKE's wildcards and the escape character in it are escaped.
    let mut pattern = String::with_capacity(prefix.len() + 1);
    for c in prefix.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    sqlx::query_as(&format!(
        "SELECT {TRACK_COLUMNS} FROM tracks WHERE deleted = 0 AND (lower(title) LIKE $1 ESCAPE '\\' OR eth_address IN
            (SELECT eth_address FROM profiles WHERE lower(name) LIKE $1 ESCAPE '\\' OR lower(handle) LIKE $1 ESCAPE '\\'))
         ORDER BY indexed_seq DESC LIMIT $2"
    ))
    .bind(pattern)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// A profile by Ethereum address (lowercase hex) or handle.
pub async fn profile(pool: &AnyPool, eth_or_handle: &str) -> Result<Option<ProfileRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {PROFILE_COLUMNS} FROM profiles WHERE eth_address = $1 OR handle = $1"))
        .bind(eth_or_handle)
        .fetch_optional(pool)
        .await
}

/// Ledger entries after index position `since`, in the order they were indexed.
pub async fn entries_since(pool: &AnyPool, since: i64, limit: i64) -> Result<Vec<EntryRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT position, ledger, seq, kind, subject, actor, data_hash, slot, timestamp, head, signature
         FROM ledger_entries WHERE position > $1 ORDER BY position LIMIT $2",
    )
    .bind(since)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// The entries of the chain held by `ledger` after its sequence number `since`, in order.
pub async fn chain_entries_since(
    pool: &AnyPool,
    ledger: &str,
    since: i64,
    limit: i64,
) -> Result<Vec<EntryRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT position, ledger, seq, kind, subject, actor, data_hash, slot, timestamp, head, signature
         FROM ledger_entries WHERE ledger = $1 AND seq > $2 ORDER BY seq LIMIT $3",
    )
    .bind(ledger)
    .bind(since)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Every admitted content node.
pub async fn nodes(pool: &AnyPool) -> Result<Vec<NodeRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT sp_id, address, endpoint, owner_wallet, delegate_wallet, admitted_at FROM content_nodes ORDER BY sp_id",
    )
    .fetch_all(pool)
    .await
}

/// Tracks and profiles whose metadata has not been read yet: `(table, address, metadata CID, replicas)`.
pub async fn pending_metadata(
    pool: &AnyPool,
    limit: i64,
) -> Result<Vec<(String, String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT 'tracks', address, metadata_cid, replica_0 || ',' || replica_1 || ',' || replica_2 FROM tracks
            WHERE metadata_state = 'pending' AND metadata_cid IS NOT NULL
         UNION ALL
         SELECT 'profiles', address, metadata_cid, '' FROM profiles
            WHERE metadata_state = 'pending' AND metadata_cid IS NOT NULL
         LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Record what a metadata document said (or that it could not be used: `state` 'invalid').
pub async fn set_metadata(
    pool: &AnyPool,
    table: &str,
    address: &str,
    fields: (Option<String>, Option<String>),
    state: &str,
) -> Result<(), sqlx::Error> {
    let query = match table {
        "tracks" => "UPDATE tracks SET title = $1, genre = $2, metadata_state = $3 WHERE address = $4",
        _ => "UPDATE profiles SET name = $1, handle = $2, metadata_state = $3 WHERE address = $4",
    };
    sqlx::query(query).bind(fields.0).bind(fields.1).bind(state).bind(address).execute(pool).await?;
    Ok(())
}

/// Replica slots of live tracks created before `end` (unix time), by content node and in all: what activity
/// scores are computed from.
pub async fn replica_counts(pool: &AnyPool, end: i64) -> Result<audius_sdk::bridge::ReplicaCounts, sqlx::Error> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT node, COUNT(*) FROM (
             SELECT replica_0 AS node FROM tracks WHERE deleted = 0 AND created_at < $1
             UNION ALL SELECT replica_1 FROM tracks WHERE deleted = 0 AND created_at < $1
             UNION ALL SELECT replica_2 FROM tracks WHERE deleted = 0 AND created_at < $1
         ) AS slots GROUP BY node",
    )
    .bind(end)
    .fetch_all(pool)
    .await?;
    let mut counts = audius_sdk::bridge::ReplicaCounts::default();
    for (node, count) in rows {
        counts.by_node.insert(node as u64, count as u64);
        counts.total += count as u64;
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::values_clause;

    #[test]
    fn placeholders_number_every_value() {
        assert_eq!(values_clause(2, 3, false), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(values_clause(1, 1, false), "($1)");
        assert_eq!(values_clause(2, 2, true), "(?, ?), (?, ?)");
    }
}

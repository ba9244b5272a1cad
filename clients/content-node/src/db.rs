//! The node's SQLite database: upload nonces already used (replay protection), kept until their grants expire, and
//! when each CID last arrived (an upload or a replica), so a blob that may still be on its way to a track record is
//! not dropped.

use std::path::Path;

use alloy::primitives::Address;
use audius_sdk::cid::ContentId;
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions},
    SqlitePool,
};

/// Open (creating) the database under `data_dir`.
pub async fn open(data_dir: &Path) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::new()
        .filename(data_dir.join("node.sqlite"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal);
    let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS upload_nonces (
            signer TEXT NOT NULL,
            nonce INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            PRIMARY KEY (signer, nonce)
        )",
    )
    .execute(&pool)
    .await?;
    sqlx::query("CREATE TABLE IF NOT EXISTS arrivals (cid TEXT PRIMARY KEY, at INTEGER NOT NULL)")
        .execute(&pool)
        .await?;
    Ok(pool)
}

/// Note that `cid` arrived (was uploaded or replicated here, stored now or already held) at `at`.
pub async fn record_arrival(pool: &SqlitePool, cid: &ContentId, at: u64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO arrivals (cid, at) VALUES (?, ?) ON CONFLICT (cid) DO UPDATE SET at = excluded.at")
        .bind(cid.to_string())
        .bind(at as i64)
        .execute(pool)
        .await?;
    Ok(())
}

/// When `cid` last arrived here, if this database saw it arrive.
pub async fn last_arrival(pool: &SqlitePool, cid: &ContentId) -> Result<Option<u64>, sqlx::Error> {
    let at: Option<i64> =
        sqlx::query_scalar("SELECT at FROM arrivals WHERE cid = ?").bind(cid.to_string()).fetch_optional(pool).await?;
    Ok(at.map(|at| at as u64))
}

/// Record `(signer, nonce)` as used; `false` if it already was (a replay).
pub async fn use_nonce(pool: &SqlitePool, signer: Address, nonce: u64, expires_at: u64) -> Result<bool, sqlx::Error> {
    let result = sqlx::query("INSERT OR IGNORE INTO upload_nonces (signer, nonce, expires_at) VALUES (?, ?, ?)")
        .bind(signer.to_string())
        .bind(nonce as i64)
        .bind(expires_at as i64)
        .execute(pool)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Forget nonces whose grants expired before `now` (their signatures are refused by the deadline check anyway).
pub async fn prune_nonces(pool: &SqlitePool, now: u64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM upload_nonces WHERE expires_at < ?")
        .bind(now as i64)
        .execute(pool)
        .await?
        .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_last_arrival_of_a_cid_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let pool = open(dir.path()).await.unwrap();
        let cid = ContentId::of(b"song");
        assert_eq!(last_arrival(&pool, &cid).await.unwrap(), None);
        record_arrival(&pool, &cid, 100).await.unwrap();
        record_arrival(&pool, &cid, 250).await.unwrap();
        assert_eq!(last_arrival(&pool, &cid).await.unwrap(), Some(250));
        assert_eq!(last_arrival(&pool, &ContentId::of(b"other")).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_nonce_is_used_once_until_it_expires() {
        let dir = tempfile::tempdir().unwrap();
        let pool = open(dir.path()).await.unwrap();
        let signer = Address::repeat_byte(1);
        assert!(use_nonce(&pool, signer, 7, 100).await.unwrap());
        assert!(!use_nonce(&pool, signer, 7, 100).await.unwrap());
        assert!(use_nonce(&pool, Address::repeat_byte(2), 7, 100).await.unwrap(), "nonces are per signer");
        assert_eq!(prune_nonces(&pool, 101).await.unwrap(), 2);
        drop(pool);
        let reopened = open(dir.path()).await.unwrap();
        assert!(use_nonce(&reopened, signer, 8, 100).await.unwrap());
        assert!(!use_nonce(&reopened, signer, 8, 100).await.unwrap(), "kept across restarts");
    }
}

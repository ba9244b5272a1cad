//! Blob storage: content-addressed files written atomically and verified on every read.
//!
//! A blob enters through [`Staged`]: streamed into a temporary file while its CID is computed (one pass), synced,
//! then renamed under its CID, so a crash never leaves a partial blob under a CID. Reads are verified in 1 MiB
//! chunks against a chunk index built in that same pass while the blob is staged (a blob found without one, e.g.
//! from an older node, is hashed whole against its CID at its first read). A chunk that fails is never served: the
//! blob is moved to quarantine.

use std::{
    io,
    path::{Path, PathBuf},
};

use audius_sdk::cid::{CidHasher, ContentId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

/// Chunk size of the read-verification index.
pub const CHUNK: u64 = 1 << 20;

/// Why a blob could not be stored or read.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Not here.
    #[error("no blob {0}")]
    NotFound(ContentId),
    /// Its bytes no longer match its CID; it was quarantined.
    #[error("blob {0} is corrupted and was quarantined")]
    Corrupted(ContentId),
    /// More bytes than allowed arrived.
    #[error("the body is larger than {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: u64,
    },
    /// The bytes hash to another CID than the one promised.
    #[error("the body hashes to {actual}, not the signed {expected}")]
    CidMismatch {
        /// Promised.
        expected: ContentId,
        /// Computed.
        actual: ContentId,
    },
    /// Fewer or more bytes than promised.
    #[error("the body has {actual} bytes, not the signed {expected}")]
    SizeMismatch {
        /// Promised.
        expected: u64,
        /// Received.
        actual: u64,
    },
    /// The body stream failed.
    #[error("reading the body: {0}")]
    Body(String),
    /// The disk failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// What is kept beside a blob.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BlobMeta {
    /// Bytes.
    pub size: u64,
    /// MIME type given at upload (served back as Content-Type).
    pub content_type: String,
}

/// A blob received into a temporary file, hashed, not yet stored under its CID.
pub struct Staged {
    path: PathBuf,
    /// Its CID.
    pub cid: ContentId,
    /// Its size.
    pub size: u64,
    /// The sha-256 of each [`CHUNK`] of it, concatenated: the index its reads are verified against.
    chunk_index: Vec<u8>,
}

impl Staged {
    /// The temporary file (for validation before commit).
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // Committed blobs were renamed away; anything left is an abandoned upload.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Where and how blobs are kept. The filesystem implementation is [`FsStore`]; an object store can replace it.
pub trait BlobStore: Send + Sync + 'static {
    /// Receive a body (a stream of byte chunks) into a staged blob, hashing it (its CID and its chunk index) as it
    /// arrives, refusing more than `limit` bytes.
    fn stage<S, E>(&self, body: S, limit: u64) -> impl std::future::Future<Output = Result<Staged, StoreError>> + Send
    where
        S: futures_util::Stream<Item = Result<bytes::Bytes, E>> + Send + Unpin,
        E: std::fmt::Display + Send;
    /// Store a staged blob under its CID with its chunk index, durably.
    fn commit(
        &self,
        staged: Staged,
        meta: &BlobMeta,
    ) -> impl std::future::Future<Output = Result<(), StoreError>> + Send;
    /// The blob's metadata, if it is here.
    fn meta(&self, cid: &ContentId) -> impl std::future::Future<Output = Result<Option<BlobMeta>, StoreError>> + Send;
    /// `len` bytes from `offset`, verified; a corrupted blob is quarantined and reported.
    fn read(
        &self,
        cid: &ContentId,
        offset: u64,
        len: u64,
    ) -> impl std::future::Future<Output = Result<Vec<u8>, StoreError>> + Send;
    /// Hash the whole blob against its CID and record its chunk index; quarantine it if it does not match (for a
    /// blob stored without an index).
    fn verify(&self, cid: &ContentId) -> impl std::future::Future<Output = Result<(), StoreError>> + Send;
    /// Delete the blob and what is kept beside it; `false` when it was not here.
    fn remove(&self, cid: &ContentId) -> impl std::future::Future<Output = Result<bool, StoreError>> + Send;
    /// How many blobs are here.
    fn count(&self) -> impl std::future::Future<Output = Result<u64, StoreError>> + Send;
}

/// Blobs as files under a data directory: `blobs/<2 chars>/<cid>` with `.meta` and `.index` beside them.
#[derive(Debug, Clone)]
pub struct FsStore {
    root: PathBuf,
}

impl FsStore {
    /// Open (creating) the store under `root`.
    pub fn open(root: &Path) -> io::Result<Self> {
        for dir in ["blobs", "tmp", "quarantine"] {
            std::fs::create_dir_all(root.join(dir))?;
        }
        // Staged files of a previous run were never committed.
        for entry in std::fs::read_dir(root.join("tmp"))? {
            let _ = std::fs::remove_file(entry?.path());
        }
        Ok(Self { root: root.to_owned() })
    }

    fn blob_path(&self, cid: &ContentId) -> PathBuf {
        let text = cid.to_string();
        self.root.join("blobs").join(&text[text.len() - 2..]).join(text)
    }

    fn side_path(&self, cid: &ContentId, extension: &str) -> PathBuf {
        self.blob_path(cid).with_extension(extension)
    }

    async fn quarantine(&self, cid: &ContentId) -> StoreError {
        let target = self.root.join("quarantine").join(format!("{cid}.{}", unique()));
        if let Err(error) = tokio::fs::rename(self.blob_path(cid), &target).await {
            tracing::error!(%cid, %error, "could not quarantine a corrupted blob");
        }
        let _ = tokio::fs::remove_file(self.side_path(cid, "index")).await;
        let _ = tokio::fs::remove_file(self.side_path(cid, "meta")).await;
        tracing::warn!(%cid, quarantined = %target.display(), "blob failed verification");
        StoreError::Corrupted(*cid)
    }

    async fn index(&self, cid: &ContentId) -> Result<Vec<[u8; 32]>, StoreError> {
        match tokio::fs::read(self.side_path(cid, "index")).await {
            Ok(bytes) if bytes.len() % 32 == 0 => {
                Ok(bytes.chunks(32).map(|c| c.try_into().expect("32-byte chunks")).collect())
            }
            _ => {
                self.verify(cid).await?;
                let bytes = tokio::fs::read(self.side_path(cid, "index")).await?;
                Ok(bytes.chunks(32).map(|c| c.try_into().expect("32-byte chunks")).collect())
            }
        }
    }
}

/// The chunk index of a stream: the sha-256 of every [`CHUNK`] bytes, however the stream's pieces fall.
#[derive(Default)]
struct ChunkIndexer {
    current: Sha256,
    filled: u64,
    index: Vec<u8>,
}

impl ChunkIndexer {
    fn update(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let take = ((CHUNK - self.filled) as usize).min(bytes.len());
            self.current.update(&bytes[..take]);
            self.filled += take as u64;
            bytes = &bytes[take..];
            if self.filled == CHUNK {
                self.index.extend_from_slice(&std::mem::take(&mut self.current).finalize());
                self.filled = 0;
            }
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.filled > 0 {
            self.index.extend_from_slice(&self.current.finalize());
        }
        self.index
    }
}

fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{}-{nanos}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

async fn sync_dir(dir: &Path) -> io::Result<()> {
    tokio::fs::File::open(dir).await?.sync_all().await
}

impl BlobStore for FsStore {
    async fn stage<S, E>(&self, mut body: S, limit: u64) -> Result<Staged, StoreError>
    where
        S: futures_util::Stream<Item = Result<bytes::Bytes, E>> + Send + Unpin,
        E: std::fmt::Display + Send,
    {
        use futures_util::StreamExt;
        let path = self.root.join("tmp").join(unique());
        let mut file = tokio::io::BufWriter::with_capacity(1 << 20, tokio::fs::File::create(&path).await?);
        // From here the Staged guard removes the file on any early return.
        let mut staged = Staged { path, cid: ContentId::of(b""), size: 0, chunk_index: Vec::new() };
        let mut hasher = CidHasher::new();
        let mut chunk = ChunkIndexer::default();
        while let Some(piece) = body.next().await {
            let piece = piece.map_err(|error| StoreError::Body(error.to_string()))?;
            staged.size += piece.len() as u64;
            if staged.size > limit {
                return Err(StoreError::TooLarge { limit });
            }
            hasher.update(&piece);
            chunk.update(&piece);
            file.write_all(&piece).await?;
        }
        file.flush().await?;
        file.get_ref().sync_all().await?;
        staged.cid = hasher.finish();
        staged.chunk_index = chunk.finish();
        Ok(staged)
    }

    async fn commit(&self, staged: Staged, meta: &BlobMeta) -> Result<(), StoreError> {
        let target = self.blob_path(&staged.cid);
        let dir = target.parent().expect("blob paths have a parent");
        tokio::fs::create_dir_all(dir).await?;
        let meta_tmp = self.root.join("tmp").join(unique());
        tokio::fs::write(&meta_tmp, serde_json::to_vec(meta).expect("meta serializes")).await?;
        tokio::fs::File::open(&meta_tmp).await?.sync_all().await?;
        let index_tmp = self.root.join("tmp").join(unique());
        tokio::fs::write(&index_tmp, &staged.chunk_index).await?;
        tokio::fs::File::open(&index_tmp).await?.sync_all().await?;
        // The blob first, then its index and metadata: a blob without metadata is not served and is re-fetched by
        // repair; one without an index is indexed at its first read.
        tokio::fs::rename(&staged.path, &target).await?;
        tokio::fs::rename(&index_tmp, self.side_path(&staged.cid, "index")).await?;
        tokio::fs::rename(&meta_tmp, self.side_path(&staged.cid, "meta")).await?;
        sync_dir(dir).await?;
        Ok(())
    }

    async fn meta(&self, cid: &ContentId) -> Result<Option<BlobMeta>, StoreError> {
        if !tokio::fs::try_exists(self.blob_path(cid)).await? {
            return Ok(None);
        }
        match tokio::fs::read(self.side_path(cid, "meta")).await {
            Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    async fn read(&self, cid: &ContentId, offset: u64, len: u64) -> Result<Vec<u8>, StoreError> {
        let index = self.index(cid).await?;
        let mut file = match tokio::fs::File::open(self.blob_path(cid)).await {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Err(StoreError::NotFound(*cid)),
            Err(error) => return Err(error.into()),
        };
        let size = file.metadata().await?.len();
        let end = (offset + len).min(size);
        let mut out = Vec::with_capacity((end - offset) as usize);
        let mut chunk = vec![0u8; CHUNK as usize];
        let mut chunk_start = offset / CHUNK * CHUNK;
        file.seek(io::SeekFrom::Start(chunk_start)).await?;
        while chunk_start < end {
            let chunk_len = CHUNK.min(size - chunk_start) as usize;
            file.read_exact(&mut chunk[..chunk_len]).await?;
            let expected = index.get((chunk_start / CHUNK) as usize);
            if expected != Some(&Sha256::digest(&chunk[..chunk_len]).into()) {
                drop(file);
                return Err(self.quarantine(cid).await);
            }
            let from = offset.max(chunk_start) - chunk_start;
            let to = end.min(chunk_start + chunk_len as u64) - chunk_start;
            out.extend_from_slice(&chunk[from as usize..to as usize]);
            chunk_start += CHUNK;
        }
        Ok(out)
    }

    async fn verify(&self, cid: &ContentId) -> Result<(), StoreError> {
        let mut file = match tokio::fs::File::open(self.blob_path(cid)).await {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Err(StoreError::NotFound(*cid)),
            Err(error) => return Err(error.into()),
        };
        let mut whole = CidHasher::new();
        let mut indexer = ChunkIndexer::default();
        let mut buffer = vec![0u8; CHUNK as usize];
        loop {
            let read = file.read(&mut buffer).await?;
            if read == 0 {
                break;
            }
            whole.update(&buffer[..read]);
            indexer.update(&buffer[..read]);
        }
        drop(file);
        let index = indexer.finish();
        if whole.finish() != *cid {
            return Err(self.quarantine(cid).await);
        }
        let tmp = self.root.join("tmp").join(unique());
        tokio::fs::write(&tmp, &index).await?;
        tokio::fs::rename(&tmp, self.side_path(cid, "index")).await?;
        tracing::debug!(%cid, chunks = index.len() / 32, "blob verified");
        Ok(())
    }

    async fn remove(&self, cid: &ContentId) -> Result<bool, StoreError> {
        // Metadata first: a blob without it is not served, so a crash midway leaves nothing served.
        for extension in ["meta", "index"] {
            match tokio::fs::remove_file(self.side_path(cid, extension)).await {
                Ok(()) => {}
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(error) => return Err(error.into()),
            }
        }
        match tokio::fs::remove_file(self.blob_path(cid)).await {
            Ok(()) => Ok(true),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    async fn count(&self) -> Result<u64, StoreError> {
        let mut count = 0;
        let mut shards = tokio::fs::read_dir(self.root.join("blobs")).await?;
        while let Some(shard) = shards.next_entry().await? {
            let mut entries = tokio::fs::read_dir(shard.path()).await?;
            while let Some(entry) = entries.next_entry().await? {
                if entry.path().extension().is_none() {
                    count += 1;
                }
            }
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(data: &[u8], piece: usize) -> impl futures_util::Stream<Item = Result<bytes::Bytes, String>> + Unpin {
        let pieces: Vec<Result<bytes::Bytes, String>> =
            data.chunks(piece).map(|c| Ok(bytes::Bytes::copy_from_slice(c))).collect();
        futures_util::stream::iter(pieces)
    }

    fn meta(size: u64) -> BlobMeta {
        BlobMeta { size, content_type: "audio/wav".into() }
    }

    #[tokio::test]
    async fn stores_under_the_cid_and_reads_ranges_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsStore::open(dir.path()).unwrap();
        let data: Vec<u8> = (0..(CHUNK as usize * 2 + 1000)).map(|i| (i % 253) as u8).collect();
        let staged = store.stage(body(&data, 65_536), 10 << 20).await.unwrap();
        let cid = staged.cid;
        assert_eq!(cid, ContentId::of(&data));
        store.commit(staged, &meta(data.len() as u64)).await.unwrap();
        assert_eq!(store.meta(&cid).await.unwrap(), Some(meta(data.len() as u64)));
        assert_eq!(store.read(&cid, 0, u64::MAX).await.unwrap(), data);
        let (from, len) = (CHUNK - 10, CHUNK + 20);
        assert_eq!(store.read(&cid, from, len).await.unwrap(), data[from as usize..(from + len) as usize]);
        assert_eq!(store.count().await.unwrap(), 1);
        assert_eq!(std::fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0, "no staging files left");
    }

    #[tokio::test]
    async fn the_index_is_built_while_staging_however_the_pieces_fall() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsStore::open(dir.path()).unwrap();
        let data: Vec<u8> = (0..(CHUNK as usize * 2 + CHUNK as usize / 2)).map(|i| (i % 251) as u8).collect();
        let staged = store.stage(body(&data, 300_001), 10 << 20).await.unwrap();
        let cid = staged.cid;
        store.commit(staged, &meta(data.len() as u64)).await.unwrap();
        let staged_index = std::fs::read(store.side_path(&cid, "index")).unwrap();
        let expected: Vec<u8> = data.chunks(CHUNK as usize).flat_map(|chunk| Sha256::digest(chunk).to_vec()).collect();
        assert_eq!(staged_index, expected, "one digest per MiB, the last one short");
        store.verify(&cid).await.unwrap();
        assert_eq!(std::fs::read(store.side_path(&cid, "index")).unwrap(), expected, "re-hashing the whole agrees");
    }

    #[tokio::test]
    async fn oversized_bodies_leave_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsStore::open(dir.path()).unwrap();
        let error = store.stage(body(&[1u8; 5000], 1000), 4096).await.err().unwrap();
        assert!(matches!(error, StoreError::TooLarge { limit: 4096 }));
        assert_eq!(std::fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
        assert_eq!(store.count().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn a_corrupted_blob_is_never_served_and_is_quarantined() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsStore::open(dir.path()).unwrap();
        let data = vec![7u8; 3000];
        let staged = store.stage(body(&data, 1000), 1 << 20).await.unwrap();
        let cid = staged.cid;
        store.commit(staged, &meta(3000)).await.unwrap();
        store.verify(&cid).await.unwrap();
        let path = store.blob_path(&cid);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[1234] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        assert!(matches!(store.read(&cid, 0, 10).await, Err(StoreError::Corrupted(_))));
        assert_eq!(store.meta(&cid).await.unwrap(), None, "gone from service");
        assert_eq!(std::fs::read_dir(dir.path().join("quarantine")).unwrap().count(), 1);
    }
}

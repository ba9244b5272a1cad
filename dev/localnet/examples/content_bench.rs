//! Content-node throughput (run by `scripts/bench/content-node.sh`, which adds `sha256sum` on the same file):
//!
//! 1. ingest: a file streamed into the node's store (CID computed while streaming, written, fsynced, renamed),
//!    validated as audio and committed, against reading and hashing the same file in this process;
//! 2. replication: the same file uploaded to a content node of the local network, which stores it and pushes it to
//!    two peers over loopback before answering, against copying the file locally (with fsync).
//!
//! `cargo run --release -p audius-localnet --example content_bench -- FILE [RUNS]`

use std::{io::Read, path::Path, sync::Arc, time::Instant};

use audius_content_node::{
    audio,
    store::{BlobMeta, BlobStore, FsStore},
};
use audius_localnet::{LocalNetwork, Options};
use audius_sdk::{
    cid::{CidHasher, ContentId},
    upload::publish::{Blob, Publisher, Silent},
};

fn mb_per_s(bytes: u64, seconds: f64) -> f64 {
    bytes as f64 / seconds / 1e6
}

fn best<F: FnMut() -> f64>(runs: usize, mut f: F) -> f64 {
    (0..runs).map(|_| f()).fold(f64::INFINITY, f64::min)
}

async fn ingest(store: &FsStore, file: &Path) -> ContentId {
    let reader = tokio::fs::File::open(file).await.unwrap();
    let body = tokio_util::io::ReaderStream::with_capacity(reader, 1 << 20);
    let staged = store.stage(body, u64::MAX).await.unwrap();
    let path = staged.path().to_owned();
    tokio::task::spawn_blocking(move || audio::validate(&path, Some("audio/wav"))).await.unwrap().unwrap();
    let cid = staged.cid;
    let size = staged.size;
    store.commit(staged, &BlobMeta { size, content_type: "audio/wav".into() }).await.unwrap();
    cid
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let file = std::path::PathBuf::from(args.next().expect("usage: content_bench FILE [RUNS]"));
    let runs: usize = args.next().map_or(3, |r| r.parse().unwrap());
    let size = std::fs::metadata(&file).unwrap().len();

    // 1. Ingest against hashing in-process.
    let hash_s = best(runs, || {
        let start = Instant::now();
        let mut reader = std::fs::File::open(&file).unwrap();
        let mut hasher = CidHasher::new();
        let mut buffer = vec![0u8; 1 << 20];
        loop {
            let read = reader.read(&mut buffer).unwrap();
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
        }
        std::hint::black_box(hasher.finish());
        start.elapsed().as_secs_f64()
    });
    let mut ingest_s = f64::INFINITY;
    for _ in 0..runs {
        let dir = tempfile::tempdir_in(file.parent().unwrap()).unwrap();
        let store = FsStore::open(dir.path()).unwrap();
        let start = Instant::now();
        ingest(&store, &file).await;
        ingest_s = ingest_s.min(start.elapsed().as_secs_f64());
    }
    println!("bytes {size}");
    println!("hash_in_process_mb_s {:.1}", mb_per_s(size, hash_s));
    println!("ingest_mb_s {:.1}", mb_per_s(size, ingest_s));

    // 2. Upload with replication to two peers, against a local copy.
    let copy_s = best(runs, || {
        let target = file.with_extension("copy");
        let start = Instant::now();
        std::fs::copy(&file, &target).unwrap();
        std::fs::File::open(&target).unwrap().sync_all().unwrap();
        let elapsed = start.elapsed().as_secs_f64();
        std::fs::remove_file(target).unwrap();
        elapsed
    });
    let network = LocalNetwork::start(Options { max_upload_bytes: size + 1, ..Options::default() }).await.unwrap();
    let authority = network.funded_keypair().await.unwrap();
    let artist = alloy::signers::local::PrivateKeySigner::random();
    network.solana.create_profile(&authority, &artist, [0; audius_sdk::cid::CID_LEN]).await.unwrap();
    // The artist's store step (rank, grant, upload, replicate), timed alone. One upload: a second one would find
    // the blob already on the peers and measure less than replication.
    let blob = Blob::read(&file, "audio/wav".into(), Arc::new(Silent)).await.unwrap();
    let nodes = audius_sdk::nodes::content_nodes(&network.chain.admin, &network.solana).await.unwrap();
    let publisher = Publisher::new(&network.chain.admin, &network.solana).unwrap();
    let start = Instant::now();
    publisher.store(&nodes, &Default::default(), &artist, &blob).await.unwrap();
    let upload_s = start.elapsed().as_secs_f64();
    println!("local_copy_mb_s {:.1}", mb_per_s(size, copy_s));
    println!("upload_replicated_mb_s {:.1}", mb_per_s(size, upload_s));
}

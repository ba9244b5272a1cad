//! Discovery-node benchmark (run by `scripts/bench/discovery-node.sh`):
//!
//! 1. indexing: decoded ledger entries (a track created per entry, across 1,000 artists) written through the
//!    indexer's own batch path (entries, records, cursor; one SQLite transaction per batch) — entries per second;
//! 2. queries with the tracks loaded: track by address, tracks by CID and an artist page (20 tracks), p50 and p99
//!    over 10,000 random lookups each, through the API's own database functions.
//!
//! `cargo run --release -p audius-discovery-node --example index_bench -- [TRACKS] [DB_FILE or postgres:// URL]`

use std::{collections::HashMap, time::Instant};

use anchor_lang::prelude::Pubkey;
use audius_discovery_node::{
    config::DEFAULT_BATCH,
    db,
    indexer::{store_batch, Located, Records},
};
use audius_sdk::{
    cid::ContentId,
    solana::content::{self, ChainHead, EntryKind, LedgerAppended, LedgerEntry, Profile, Track},
};

const ARTISTS: u64 = 1_000;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A small deterministic generator (no dependency for randomness).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound
    }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let tracks: u64 = args.next().map_or(1_000_000, |n| n.parse().unwrap());
    let path =
        args.next().unwrap_or_else(|| std::env::temp_dir().join("audius-index-bench.sqlite").display().to_string());
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
    let pool = db::open(&path).await.unwrap();

    // The artists' profiles, written first like ProfileCreated entries.
    let profiles: Vec<(Pubkey, Profile)> = (0..ARTISTS)
        .map(|i| {
            let mut eth = [0u8; 20];
            eth[..8].copy_from_slice(&i.to_le_bytes());
            let profile = Profile {
                version: content::LAYOUT_VERSION,
                eth_address: eth,
                authority: Pubkey::new_unique(),
                metadata_cid: [0; audius_sdk::cid::CID_LEN],
                nonce: 1,
                track_count: tracks / ARTISTS,
                created_at: 1,
                updated_at: 1,
                tier: 0,
                tier_expires_at: 0,
                tier_nonce: 0,
                bump: 255,
                ledger: ChainHead { seq: 0, head: [0; 32] },
            };
            (content::profile_address(&eth), profile)
        })
        .collect();

    // Each entry on its profile's chain, as the sharded ledger writes them.
    let mut chains: HashMap<Pubkey, ChainHead> = HashMap::new();
    let mut slot = 0u64;
    let mut entry = |kind: EntryKind, ledger: Pubkey, subject: Pubkey| {
        slot += 1;
        let chain = chains.entry(ledger).or_insert(ChainHead { seq: 0, head: [0; 32] });
        let entry = LedgerEntry {
            ledger,
            seq: chain.seq + 1,
            kind,
            subject,
            actor: Pubkey::default(),
            data_hash: [7; 32],
            slot,
            timestamp: slot as i64,
        };
        *chain = ChainHead { seq: entry.seq, head: entry.chain(&chain.head) };
        Located { event: LedgerAppended { entry, head: chain.head }, signature: Default::default(), slot }
    };
    let mut records = Records::default();
    let mut batch = Vec::new();
    for (address, profile) in &profiles {
        records.profiles.insert(*address, *profile);
        batch.push(entry(EntryKind::ProfileCreated, *address, *address));
    }
    let mut cursor = db::cursor(&pool).await.unwrap();
    cursor = store_batch(&pool, &cursor, &batch, &records, None).await.unwrap();

    let mut track_addresses = Vec::with_capacity(tracks as usize);
    let start = Instant::now();
    let mut storing = std::time::Duration::ZERO;
    let mut written = 0u64;
    while written < tracks {
        let mut records = Records::default();
        let mut batch = Vec::with_capacity(DEFAULT_BATCH);
        for _ in 0..DEFAULT_BATCH.min((tracks - written) as usize) {
            let (profile_address, profile) = &profiles[(written % ARTISTS) as usize];
            let track_id = written / ARTISTS;
            let address = content::track_address(profile_address, track_id);
            let track = Track {
                version: content::LAYOUT_VERSION,
                profile: *profile_address,
                track_id,
                content_cid: ContentId::of(&written.to_le_bytes()).to_bytes(),
                metadata_cid: [0; audius_sdk::cid::CID_LEN],
                replicas: [1, 2, 3],
                created_at: written as i64,
                updated_at: written as i64,
                rent_payer: Pubkey::default(),
                bump: 255,
            };
            records.tracks.insert(address, track);
            records.profiles.insert(*profile_address, *profile);
            batch.push(entry(EntryKind::TrackCreated, *profile_address, address));
            track_addresses.push(address);
            written += 1;
        }
        let store = Instant::now();
        cursor = store_batch(&pool, &cursor, &batch, &records, None).await.unwrap();
        storing += store.elapsed();
    }
    let seconds = start.elapsed().as_secs_f64();
    println!("entries {tracks}");
    println!("index_entries_per_s {:.0}", tracks as f64 / storing.as_secs_f64());
    println!("with_generation_entries_per_s {:.0}", tracks as f64 / seconds);

    let mut rng = Lcg(42);
    let measure = |samples: &mut Vec<f64>, elapsed: std::time::Duration| samples.push(elapsed.as_secs_f64() * 1e3);
    let (mut by_address, mut by_cid, mut page) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..10_000 {
        let i = rng.next(tracks);
        let start = Instant::now();
        assert!(db::track(&pool, &track_addresses[i as usize].to_string()).await.unwrap().is_some());
        measure(&mut by_address, start.elapsed());
        let cid = ContentId::of(&rng.next(tracks).to_le_bytes()).to_string();
        let start = Instant::now();
        assert_eq!(db::tracks_by_cid(&pool, &cid).await.unwrap().len(), 1);
        measure(&mut by_cid, start.elapsed());
        let artist = &profiles[rng.next(ARTISTS) as usize].1;
        let eth = format!("0x{}", artist.eth_address.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let after = rng.next(tracks / ARTISTS - 19) as i64 - 1;
        let start = Instant::now();
        assert_eq!(db::artist_tracks(&pool, &eth, after, 20).await.unwrap().len(), 20);
        measure(&mut page, start.elapsed());
    }
    for (name, samples) in
        [("track_by_address", &mut by_address), ("tracks_by_cid", &mut by_cid), ("artist_page", &mut page)]
    {
        samples.sort_by(f64::total_cmp);
        println!("{name}_p50_ms {:.3}", percentile(samples, 0.5));
        println!("{name}_p99_ms {:.3}", percentile(samples, 0.99));
    }
}

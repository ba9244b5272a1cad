//! The discovery node against the local network (anvil, the local Solana node, three content nodes): uploads
//! become queryable, a crash in the middle of a batch loses and duplicates nothing, and entries that do not follow
//! the hash chain halt indexing.

use std::{sync::Arc, time::Duration};

use alloy::{hex::encode as hex, signers::local::PrivateKeySigner};
use audius_devkit::wav_tone;
use audius_discovery_node::{config::DiscoveryConfig, db, indexer::Indexer, Discovery};
use audius_localnet::{LocalNetwork, Options};
use audius_sdk::{
    cid::ContentId,
    solana::{
        content::{self, ChainHead},
        rpc::ContentClient,
    },
    upload::{
        publish::{Blob, Publisher, Silent},
        UploadReceipt,
    },
};
use serde_json::Value;
use solana_keypair::Keypair;
use solana_signer::Signer;

struct Artist {
    key: PrivateKeySigner,
    authority: Keypair,
}

/// Store `bytes` on the network as the artist's upload does (ranked nodes, a grant, replication).
async fn store(network: &LocalNetwork, artist: &Artist, bytes: &[u8], content_type: &str) -> UploadReceipt {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    let blob = Blob::read(file.path(), content_type.into(), Arc::new(Silent)).await.unwrap();
    let nodes = audius_sdk::nodes::content_nodes(&network.chain.admin, &network.solana).await.unwrap();
    Publisher::new(&network.chain.admin, &network.solana)
        .unwrap()
        .store(&nodes, &Default::default(), &artist.key, &blob)
        .await
        .unwrap()
}

/// Upload a track with its metadata and record it: `audius artist upload`'s path.
async fn publish(network: &LocalNetwork, artist: &Artist, title: &str, seed: u32) -> ContentId {
    let dir = tempfile::tempdir().unwrap();
    let (audio, metadata) = (dir.path().join("song.wav"), dir.path().join("song.json"));
    std::fs::write(&audio, wav_tone(44_100 + seed, 44_100)).unwrap();
    std::fs::write(&metadata, serde_json::to_vec(&serde_json::json!({ "title": title, "genre": "test" })).unwrap())
        .unwrap();
    let publisher = Publisher::new(&network.chain.admin, &network.solana).unwrap();
    let prepared = publisher.prepare(&audio, Some(&metadata), None).await.unwrap();
    publisher.publish(&prepared, &artist.key, &artist.authority).await.unwrap().cid
}

async fn new_artist(network: &LocalNetwork, name: &str, handle: &str) -> Artist {
    let artist = Artist { key: PrivateKeySigner::random(), authority: network.funded_keypair().await.unwrap() };
    // The profile's metadata is stored before the profile exists; the node only needs the artist's signature.
    let bare = network.solana.create_profile(&artist.authority, &artist.key, [0; audius_sdk::cid::CID_LEN]).await;
    bare.unwrap();
    let metadata = serde_json::to_vec(&serde_json::json!({ "name": name, "handle": handle })).unwrap();
    let stored = store(network, &artist, &metadata, "application/json").await;
    let profile = content::profile_address(&artist.key.address().0 .0);
    let update = content::update_profile(&artist.authority.pubkey(), &profile, None, stored.cid.to_bytes());
    network.solana.send(&[update], &artist.authority, &[]).await.unwrap();
    artist
}

/// Fresh indexes for one test: a SQLite file, and a new PostgreSQL database when `AUDIUS_TEST_POSTGRES_URL` names a
/// server (`scripts/postgres.sh start`, which the test command runs).
/// Every entry on chain: the registry ledger's and the artists' profiles' chains, with the profile's address and
/// head.
async fn entries_on_chain(network: &LocalNetwork, artists: &[&Artist]) -> (u64, Vec<(String, ChainHead)>) {
    let registry = network.solana.ledger().await.unwrap().chain;
    let mut chains = vec![(audius_sdk::solana::content::ledger_address().to_string(), registry)];
    for artist in artists {
        let eth = artist.key.address().0 .0;
        let profile = network.solana.profile(&eth).await.unwrap().unwrap();
        chains.push((audius_sdk::solana::content::profile_address(&eth).to_string(), profile.ledger));
    }
    (chains.iter().map(|(_, chain)| chain.seq).sum(), chains)
}

async fn backends(dir: &std::path::Path, name: &str) -> Vec<String> {
    let mut locations = vec![dir.join(format!("{name}.sqlite")).display().to_string()];
    if let Ok(admin) = std::env::var("AUDIUS_TEST_POSTGRES_URL") {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let database = format!(
            "dn_{name}_{}_{}",
            std::process::id(),
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
        );
        let mut connection = sqlx::AnyConnection::connect(&admin).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {database}")).execute(&mut connection).await.unwrap();
        locations.push(format!("{}/{database}", admin.rsplit_once('/').unwrap().0));
    }
    locations
}

fn config(network: &LocalNetwork, database: String, listen: std::net::SocketAddr) -> DiscoveryConfig {
    DiscoveryConfig {
        listen,
        database,
        solana_rpc: network.solana_node.rpc_url.clone(),
        eth_rpc: Some(network.chain.anvil.endpoint()),
        deployment: Some(network.chain.deployment_file.clone()),
        endpoint: Some("http://dn1.test".into()),
        delegate_key_env: String::new(),
        poll_ms: 100,
        batch: 4,
    }
}

async fn get(url: &str) -> (u16, Value) {
    let Ok(response) = reqwest::get(url).await else { return (0, Value::Null) };
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The first 200 answer of `url` that passes `check`, within 30 s (else the test fails with the last answer).
async fn eventually(url: &str, what: &str, check: impl Fn(&Value) -> bool) -> Value {
    let answer = audius_devkit::eventually(Duration::from_secs(30), what, || async {
        let (status, body) = get(url).await;
        (status == 200 && check(&body)).then_some(body)
    });
    match answer.await {
        Ok(body) => body,
        Err(timeout) => panic!("{timeout}: last answer {:?}", get(url).await),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn uploads_become_queryable() {
    let mut network = LocalNetwork::start(Options::default()).await.unwrap();
    let ada = new_artist(&network, "Ada", "ada").await;
    let first = publish(&network, &ada, "Tone Poem", 1).await;
    for seed in 2..=4 {
        publish(&network, &ada, &format!("Song {seed}"), seed).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let databases = backends(dir.path(), "queries").await;
    let rounds = databases.len();
    for (round, database) in databases.into_iter().enumerate() {
        let listen = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server =
            tokio::spawn(audius_discovery_node::run(config(&network, database.clone(), listen), None, async move {
                let _ = stopped.await;
            }));
        let base = format!("http://{listen}");
        eventually(&format!("{base}/health"), "the server answers", |_| true).await;

        // The artist's client uploads, records the track, and follows its status as server-sent events.
        let cid = publish(&network, &ada, &format!("Live {round}"), 10 + round as u32).await;
        let events = reqwest::get(format!("{base}/v1/uploads/{cid}/events")).await.unwrap().text().await.unwrap();
        assert!(events.contains("\"status\":\"indexed\""), "{database}: {events}");
        let (_, status) = get(&format!("{base}/v1/uploads/{cid}")).await;
        assert_eq!(status["status"], "indexed");
        let track = &status["tracks"][0];
        assert_eq!(track["eth_address"], format!("{:#x}", ada.key.address()).as_str());
        let total = network.solana.profile(&ada.key.address().0 .0).await.unwrap().unwrap().track_count as i64;
        assert_eq!(track["track_id"], total - 1);

        // Metadata read from the content nodes makes titles and handles queryable.
        let artist = eventually(&format!("{base}/v1/artists/ada"), "profile by handle", |v| v["name"] == "Ada").await;
        assert_eq!(artist["track_count"], total);
        eventually(&format!("{base}/v1/search?q=TONE"), "search by title", |v| v[0]["title"] == "Tone Poem").await;
        eventually(&format!("{base}/v1/search?q=ad"), "search by artist", |v| {
            v.as_array().is_some_and(|a| a.len() as i64 == total)
        })
        .await;
        // LIKE's wildcards in a query are the characters themselves: no title or name starts with them.
        for wildcard in ["%25", "_", "%25a", "%5C"] {
            let (status, found) = get(&format!("{base}/v1/search?q={wildcard}")).await;
            assert_eq!((status, found.as_array().map(Vec::len)), (200, Some(0)), "q={wildcard}: {found}");
        }
        let (_, page) = get(&format!("{base}/v1/artists/{:#x}/tracks?limit=2", ada.key.address())).await;
        assert_eq!((page[0]["track_id"].as_i64(), page[1]["track_id"].as_i64()), (Some(0), Some(1)));
        let (_, rest) = get(&format!("{base}/v1/artists/ada/tracks?after=1&limit=2")).await;
        assert_eq!((rest[0]["track_id"].as_i64(), rest[1]["track_id"].as_i64()), (Some(2), Some(3)));
        let (_, latest) = get(&format!("{base}/v1/tracks/latest?limit=1")).await;
        assert_eq!(latest[0]["track_id"], total - 1);
        let (_, by_cid) = get(&format!("{base}/v1/tracks/by-cid/{first}")).await;
        let address = by_cid[0]["address"].as_str().unwrap();
        assert_eq!(get(&format!("{base}/v1/tracks/{address}")).await.1["content_cid"], first.to_string().as_str());

        // The ledger, entry for entry, and the node's view of its own progress.
        let (total, chains) = entries_on_chain(&network, &[&ada]).await;
        let health = eventually(&format!("{base}/health"), "caught up", |v| v["indexed"]["position"] == total).await;
        assert!(health["lag"]["slots"].is_u64(), "{health}");
        assert_eq!(health["registration"], "no discovery node is registered at http://dn1.test");
        let (_, entries) = get(&format!("{base}/v1/ledger?since=0&limit=100")).await;
        assert_eq!(entries.as_array().unwrap().len() as u64, total);
        let (_, tail) = get(&format!("{base}/v1/ledger?since={}", total - 1)).await;
        assert_eq!(tail[0]["position"], total);
        // One chain at a time: its entries by sequence number, ending at its account's head.
        for (ledger, chain) in &chains {
            let (_, last) = get(&format!("{base}/v1/ledger?ledger={ledger}&since={}", chain.seq - 1)).await;
            assert_eq!(
                (last[0]["seq"].as_u64(), last[0]["head"].as_str()),
                (Some(chain.seq), Some(hex(chain.head).as_str()))
            );
        }

        // A supervisor's probes: alive, and ready once indexing.
        for probe in ["live", "ready"] {
            let (status, body) = get(&format!("{base}/health/{probe}")).await;
            assert_eq!((status, &body["ok"]), (200, &Value::Bool(true)), "{probe}: {body}");
        }

        // Content nodes with stake and health; where to stream a CID from, in rendezvous order.
        let (_, nodes) = get(&format!("{base}/v1/content-nodes")).await;
        assert_eq!(nodes.as_array().unwrap().len(), 3);
        assert!(nodes.as_array().unwrap().iter().all(|n| n["healthy"] == true && n["stake"].is_string()), "{nodes}");
        let (_, sources) = get(&format!("{base}/v1/content/{cid}/nodes")).await;
        assert_eq!(sources.as_array().unwrap().len(), 3);
        let audio = reqwest::get(sources[0]["url"].as_str().unwrap()).await.unwrap().bytes().await.unwrap();
        assert_eq!(ContentId::of(&audio), cid);

        // Bad input: 400 with a reason; unknown things: 404.
        for (url, code) in [
            (format!("{base}/v1/tracks/latest?limit=0"), 400),
            (format!("{base}/v1/tracks/latest?limit=101"), 400),
            (format!("{base}/v1/uploads/not-a-cid"), 400),
            (format!("{base}/v1/artists/0x1234"), 400),
            (format!("{base}/v1/artists/bad%20handle"), 400),
            (format!("{base}/v1/tracks/nope"), 400),
            (format!("{base}/v1/search?q="), 400),
            (format!("{base}/v1/tracks/latest?limit=abc"), 400),
            (format!("{base}/v1/tracks/latest?limit=-1"), 400),
            (format!("{base}/v1/tracks/latest?before=-5"), 400),
            (format!("{base}/v1/tracks/latest?before=soon"), 400),
            (format!("{base}/v1/artists/ada/tracks?after=-3"), 400),
            (format!("{base}/v1/ledger?since=-1"), 400),
            (format!("{base}/v1/ledger?ledger=nope"), 400),
            (format!("{base}/v1/artists/nobody"), 404),
            (format!("{base}/v1/content/{}/nodes", ContentId::of(b"unknown")), 404),
            (format!("{base}/v1/uploads/{}", ContentId::of(b"never uploaded")), 404),
            (format!("{base}/v1/uploads/{}/events", ContentId::of(b"never uploaded")), 404),
        ] {
            let (status, body) = get(&url).await;
            assert_eq!(status, code, "{url}: {body}");
            assert!(body["error"].is_string(), "{url}: {body}");
        }
        // Metrics: exactly the catalogue's, counting the requests above, the index caught up.
        let metrics = audius_devkit::eventually(Duration::from_secs(30), "the index lag measured at 0", || async {
            let text = reqwest::get(format!("{base}/metrics")).await.ok()?.text().await.ok()?;
            text.contains("audius_index_lag_slots 0\n").then_some(text)
        });
        let metrics = metrics.await.unwrap_or_else(|timeout| panic!("{database}: {timeout}"));
        audius_devkit::assert_metrics_catalogued(&metrics, "Discovery node");
        let search_400 = r#"audius_http_requests_total{route="/v1/search",method="GET",status="400"} "#;
        assert!(metrics.lines().any(|line| line.starts_with(search_400)), "{metrics}");
        assert!(!metrics.contains("audius_indexed_position 0\n"), "{metrics}");
        if round == rounds - 1 {
            // Every replica down: the CID is not gone, it is unreachable now (503, not an empty list).
            for source in sources.as_array().unwrap() {
                network.stop_content_node(source["sp_id"].as_u64().unwrap()).await.unwrap();
            }
            let url = format!("{base}/v1/content/{cid}/nodes");
            let unreachable = audius_devkit::eventually(Duration::from_secs(30), "the replicas look down", || async {
                let (status, body) = get(&url).await;
                (status == 503 && body["error"].is_string()).then_some(())
            });
            if let Err(timeout) = unreachable.await {
                panic!("{timeout}: last answer {:?}", get(&url).await);
            }
        }
        let _ = stop.send(());
        server.await.unwrap().unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crash_mid_batch_loses_and_duplicates_nothing_and_forgeries_halt() {
    let network = LocalNetwork::start(Options::default()).await.unwrap();
    let ada = new_artist(&network, "Ada", "ada").await;
    for seed in 1..=3 {
        publish(&network, &ada, &format!("Song {seed}"), seed).await;
    }
    let (total, _) = entries_on_chain(&network, &[&ada]).await;
    assert!(total > 8, "enough entries for several batches");
    let dir = tempfile::tempdir().unwrap();
    for database in backends(dir.path(), "crash").await {
        let pool = db::open(&database).await.unwrap();
        let mut indexer = Indexer::new(ContentClient::new(network.solana_node.rpc_url.clone()), pool.clone());
        indexer.batch = 4;

        // The database fails on the way through the second batch: its transaction rolls back.
        let crash_at = 6;
        let postgres = database.starts_with("postgres");
        let triggers: Vec<String> = if postgres {
            vec![
                format!("CREATE FUNCTION crash() RETURNS trigger AS $$ BEGIN IF NEW.position = {crash_at} THEN RAISE EXCEPTION 'crash'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"),
                "CREATE TRIGGER crash BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION crash()".into(),
            ]
        } else {
            vec![format!("CREATE TRIGGER crash BEFORE INSERT ON ledger_entries WHEN NEW.position = {crash_at} BEGIN SELECT RAISE(ABORT, 'crash'); END")]
        };
        for trigger in triggers {
            sqlx::query(&trigger).execute(&pool).await.unwrap();
        }
        assert!(indexer.poll().await.is_err());
        assert_eq!(
            db::cursor(&pool).await.unwrap().position,
            4,
            "{database}: the first batch stands, the second left nothing"
        );
        let written: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ledger_entries").fetch_one(&pool).await.unwrap();
        assert_eq!(written, 4);

        // Restarted: every entry exactly once, the head equal to the ledger's.
        let drop = if postgres { "DROP TRIGGER crash ON ledger_entries" } else { "DROP TRIGGER crash" };
        sqlx::query(drop).execute(&pool).await.unwrap();
        let cursor = indexer.poll().await.unwrap();
        assert_eq!(cursor.position as u64, total);
        let (count, distinct): (i64, i64) =
            sqlx::query_as("SELECT COUNT(*), COUNT(DISTINCT ledger || ':' || seq) FROM ledger_entries")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!((count as u64, distinct as u64), (total, total));
        let tracks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tracks").fetch_one(&pool).await.unwrap();
        assert_eq!(tracks, 3);
        assert_eq!(indexer.poll().await.unwrap(), cursor, "polling again changes nothing");

        // A caught-up index whose head differs from the ledger account's is a fatal mismatch.
        let registry = content::ledger_address().to_string();
        sqlx::query("UPDATE ledger_heads SET head = '00' WHERE ledger = $1")
            .bind(&registry)
            .execute(&pool)
            .await
            .unwrap();
        let error = indexer.poll().await.unwrap_err();
        assert!(error.is_fatal(), "{error}");
        assert!(error.to_string().starts_with("ledger head mismatch"), "{error}");
    }

    // Entries that do not continue the indexed chain halt indexing, with nothing written after the break.
    for database in backends(dir.path(), "forged").await {
        let discovery = Discovery::open(
            &DiscoveryConfig {
                eth_rpc: None,
                deployment: None,
                endpoint: None,
                ..config(&network, database, "127.0.0.1:0".parse().unwrap())
            },
            None,
        )
        .await
        .unwrap();
        let forged = Indexer::new(ContentClient::new(network.solana_node.rpc_url.clone()), discovery.pool.clone());
        // The index claims the registry's chain at entry 2 with another head than the chain's.
        let registry = content::ledger_address().to_string();
        let forged_head = "ff".repeat(32);
        sqlx::query("INSERT INTO ledger_heads (ledger, seq, head) VALUES ($1, 2, $2)")
            .bind(&registry)
            .bind(&forged_head)
            .execute(&discovery.pool)
            .await
            .unwrap();
        assert!(!discovery.index_once(&forged).await, "a forged chain halts indexing");
        let halted = discovery.status.read().await.halted.clone().unwrap();
        assert!(halted.contains("does not chain"), "{halted}");
        let not_ready = discovery.readiness().await.unwrap_err();
        assert!(not_ready.starts_with("indexing halted") && not_ready.contains("does not chain"), "{not_ready}");
        let untouched: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM ledger_entries").fetch_one(&discovery.pool).await.unwrap();
        assert_eq!(untouched, 0, "nothing after the break was written");
    }
}

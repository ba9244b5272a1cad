//! Four real content-node processes on loopback, registered on a real anvil and admitted on the local Solana
//! node: uploads land on three nodes under one CID, ranges stream, bad uploads are refused with nothing stored, a
//! node that is down is replaced, a node that lost its disk is repaired, a corrupted blob is healed.

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command},
    time::{Duration, Instant},
};

use alloy::signers::local::PrivateKeySigner;
use audius_devkit::{wav_tone, LocalChain};
use audius_sdk::{
    api::content::{Health, Registration},
    cid::ContentId,
    solana::{content, rpc::ContentClient},
    upload::{
        gather_receipts, headers as h, request_receipt, upload_file, UploadAuth, UploadError, UploadGrant,
        UploadReceipt,
    },
};
use audius_solana_local::{LocalNode, NodeConfig};
use reqwest::StatusCode;
use solana_keypair::Keypair;
use solana_signer::Signer;

const CLUSTER: [u8; 32] = [3; 32];
const NODES: usize = 4;
const MAX_UPLOAD: u64 = 4 << 20;

struct NodeProcess {
    sp_id: u64,
    port: u16,
    data_dir: PathBuf,
    key: String,
    child: Option<Child>,
}

impl NodeProcess {
    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

struct Cluster {
    chain: LocalChain,
    solana_node: LocalNode,
    solana: ContentClient,
    nodes: Vec<NodeProcess>,
    artist: PrivateKeySigner,
    authority: Keypair,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Cluster {
    async fn start() -> Self {
        let chain = LocalChain::start(None).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let authority = Keypair::new();
        let solana_node = LocalNode::start(NodeConfig {
            fund: vec![authority.pubkey()],
            upgrade_authority: Some(authority.pubkey()),
            ..NodeConfig::default()
        })
        .unwrap();
        let solana = ContentClient::new(solana_node.rpc_url.clone());
        let attester = PrivateKeySigner::random();
        solana
            .send(
                &[content::initialize(&authority.pubkey(), CLUSTER, vec![attester.address().0 .0], 1)],
                &authority,
                &[],
            )
            .await
            .unwrap();

        let mut nodes = Vec::new();
        for i in 0..NODES {
            let (operator, wallet) = (1 + i, 5 + i);
            let port = free_port();
            let endpoint = format!("http://127.0.0.1:{port}");
            let stake = format!("{}", 200_000 + 100_000 * i);
            let sp_id = chain.register_content_node(operator, wallet, &endpoint, &stake).await.unwrap();
            let registration = content::NodeRegistration {
                sp_id,
                owner_wallet: chain.address(operator).0 .0,
                delegate_wallet: chain.address(wallet).0 .0,
                endpoint,
            };
            solana
                .attest(
                    &authority,
                    &[&attester],
                    content::AttestedFact::AdmitNode(registration),
                    audius_sdk::upload::unix_now() as i64 + 60,
                )
                .await
                .unwrap();
            nodes.push(NodeProcess {
                sp_id,
                port,
                data_dir: dir.path().join(format!("node{sp_id}")),
                key: chain.key(wallet),
                child: None,
            });
        }
        let artist = PrivateKeySigner::random();
        solana.create_profile(&authority, &artist, [0; audius_sdk::cid::CID_LEN]).await.unwrap();
        let mut cluster =
            Self { chain, solana_node, solana, nodes, artist, authority, http: reqwest::Client::new(), _dir: dir };
        for i in 0..NODES {
            cluster.spawn(i);
        }
        for i in 0..NODES {
            cluster.wait_registered(i).await;
        }
        cluster
    }

    fn spawn(&mut self, i: usize) {
        let node = &self.nodes[i];
        let child = Command::new(env!("CARGO_BIN_EXE_audius-content-node"))
            .args(["--listen", &format!("127.0.0.1:{}", node.port), "--endpoint", &node.endpoint()])
            .arg("--data-dir")
            .arg(&node.data_dir)
            .args(["--eth-rpc", &self.chain.anvil.endpoint(), "--solana-rpc", &self.solana_node.rpc_url])
            .arg("--deployment")
            .arg(&self.chain.deployment_file)
            .args(["--refresh-secs", "1", "--repair-secs", "1", "--max-upload-bytes", &MAX_UPLOAD.to_string()])
            .env("AUDIUS_DELEGATE_PRIVATE_KEY", &node.key)
            .env("RUST_LOG", "warn")
            .spawn()
            .expect("the content node starts");
        self.nodes[i].child = Some(child);
    }

    fn kill(&mut self, i: usize) {
        if let Some(mut child) = self.nodes[i].child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    /// Node `i`'s `/metrics` answer and its content type, after a request to a path no route matches.
    async fn metrics(&self, i: usize) -> (String, String) {
        let endpoint = self.nodes[i].endpoint();
        self.http.get(format!("{endpoint}/no/such/route")).send().await.unwrap();
        let response = self.http.get(format!("{endpoint}/metrics")).send().await.unwrap();
        let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
        (response.text().await.unwrap(), content_type)
    }

    async fn health(&self, i: usize) -> Option<Health> {
        audius_sdk::api::get(&self.http, &self.nodes[i].endpoint(), "/health").await.ok()
    }

    async fn wait_registered(&self, i: usize) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(health) = self.health(i).await {
                if let Registration::Registered { sp_id } = health.registration {
                    if health.peers.len() == NODES {
                        assert_eq!(sp_id, self.nodes[i].sp_id);
                        return;
                    }
                }
            }
            assert!(Instant::now() < deadline, "node {i} did not register: {:?}", self.health(i).await);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn blobs(&self, i: usize) -> u64 {
        self.health(i).await.unwrap().storage.blobs
    }

    fn grant(&self, i: usize, bytes: &[u8], nonce: u64) -> UploadGrant {
        UploadGrant {
            chain_id: 31337,
            node: self.nodes[i].sp_id,
            artist: self.artist.address(),
            cid: ContentId::of(bytes),
            size: bytes.len() as u64,
            nonce,
            expires_at: now() + 600,
        }
    }

    /// The SDK's upload of `bytes` to node `i`.
    async fn upload(
        &self,
        i: usize,
        bytes: &[u8],
        nonce: u64,
    ) -> Result<UploadReceipt, audius_sdk::upload::UploadError> {
        self.upload_typed(i, bytes, nonce, "audio/wav").await
    }

    /// The SDK's upload of `bytes` to node `i` as `content_type`.
    async fn upload_typed(
        &self,
        i: usize,
        bytes: &[u8],
        nonce: u64,
        content_type: &str,
    ) -> Result<UploadReceipt, audius_sdk::upload::UploadError> {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), bytes).unwrap();
        let grant = self.grant(i, bytes, nonce);
        let signature = UploadAuth::Artist(grant.sign(&self.artist));
        upload_file(&self.http, &self.nodes[i].endpoint(), &grant, &signature, file.path(), content_type, |_| {}).await
    }

    /// The SDK's upload of `bytes` to node `i`, signed by a Solana app key.
    async fn upload_as_app(
        &self,
        i: usize,
        bytes: &[u8],
        nonce: u64,
        app: &Keypair,
    ) -> Result<UploadReceipt, audius_sdk::upload::UploadError> {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), bytes).unwrap();
        let grant = self.grant(i, bytes, nonce);
        let auth = UploadAuth::App { key: app.pubkey(), signature: grant.sign_as_app(app) };
        upload_file(&self.http, &self.nodes[i].endpoint(), &grant, &auth, file.path(), "audio/wav", |_| {}).await
    }

    /// A hand-made upload request, for the refusals.
    async fn raw_upload(
        &self,
        i: usize,
        grant: &UploadGrant,
        signer: &PrivateKeySigner,
        body: Vec<u8>,
    ) -> (StatusCode, String) {
        let signature = alloy::hex::encode(grant.sign(signer).as_bytes());
        let response = self
            .http
            .post(format!("{}/v1/uploads", self.nodes[i].endpoint()))
            .header(h::SIGNER, grant.artist.to_string())
            .header(h::CID, grant.cid.to_string())
            .header(h::NONCE, grant.nonce)
            .header(h::EXPIRES, grant.expires_at)
            .header(h::NODE, grant.node)
            .header(h::SIGNATURE, signature)
            .header("content-type", "audio/wav")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json::<serde_json::Value>().await.unwrap()["error"].as_str().unwrap_or_default().to_owned())
    }

    async fn get(&self, sp_id: u64, cid: &ContentId, range: Option<&str>) -> reqwest::Response {
        let node = self.nodes.iter().find(|n| n.sp_id == sp_id).unwrap();
        let mut request = self.http.get(format!("{}/v1/content/{cid}", node.endpoint()));
        if let Some(range) = range {
            request = request.header("range", range);
        }
        request.send().await.unwrap()
    }

    /// Record the track on Solana as the artist's client does after an upload.
    async fn record_track(&self, receipt: &UploadReceipt) -> u64 {
        let profile = content::profile_address(&self.artist.address().0 .0);
        let track_id = self.solana.profile(&self.artist.address().0 .0).await.unwrap().unwrap().track_count;
        let replicas: [u64; audius_sdk::rendezvous::REPLICATION_FACTOR] = receipt.replicas.clone().try_into().unwrap();
        let track = content::track_address(&profile, track_id);
        let nodes: Vec<_> = self.solana.nodes(&replicas).await.unwrap().into_iter().map(Option::unwrap).collect();
        let cluster = self.solana.config().await.unwrap().cluster;
        let expires_at = now() as i64 + content::RECEIPT_SECS;
        let receipts =
            gather_receipts(&self.http, &cluster, &track, &receipt.cid, &nodes.try_into().unwrap(), expires_at)
                .await
                .unwrap();
        let instruction = content::create_track(
            &self.authority.pubkey(),
            &self.authority.pubkey(),
            &profile,
            track_id,
            None,
            receipt.cid.to_bytes(),
            [0; audius_sdk::cid::CID_LEN],
            replicas,
            receipts,
        );
        let units = content::create_track_compute_units(&profile, track_id);
        self.solana
            .send(&audius_sdk::solana::with_compute_limit(units, [instruction]), &self.authority, &[])
            .await
            .unwrap();
        track_id
    }
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

fn song(seconds: u32, seed: u32) -> Vec<u8> {
    wav_tone(44_100 * seconds + seed, 44_100)
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_replicate_stream_refuse_repair_heal() {
    let mut cluster = Cluster::start().await;

    // An upload lands on the receiving node and two more, all under the CID the client computed.
    let track = song(2, 1);
    let receipt = cluster.upload(0, &track, 1).await.unwrap();
    assert_eq!(receipt.cid, ContentId::of(&track));
    assert_eq!(receipt.replicas.len(), 3);
    assert_eq!(receipt.replicas[0], cluster.nodes[0].sp_id);
    for &sp_id in &receipt.replicas {
        let response = cluster.get(sp_id, &receipt.cid, None).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["etag"], format!("\"{}\"", receipt.cid).as_str());
        assert_eq!(response.headers()["content-type"], "audio/wav");
        assert_eq!(response.bytes().await.unwrap(), track, "node {sp_id} serves the same bytes");
    }
    // A supervisor's probes: alive, and ready while taking writes.
    for probe in ["live", "ready"] {
        let response =
            cluster.http.get(format!("{}/health/{probe}", cluster.nodes[0].endpoint())).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{probe}");
        assert_eq!(response.json::<audius_sdk::api::Probe>().await.unwrap(), audius_sdk::api::Probe::ok(), "{probe}");
    }
    // Stake in the health document is decimal wei, as in every other document (it was hex).
    let health: serde_json::Value =
        cluster.http.get(format!("{}/health", cluster.nodes[0].endpoint())).send().await.unwrap().json().await.unwrap();
    for peer in health["peers"].as_array().unwrap() {
        let stake = peer["stake"].as_str().unwrap();
        assert!(stake.bytes().all(|b| b.is_ascii_digit()) && stake.len() > 18, "{peer}");
    }
    let outside = cluster.nodes.iter().map(|n| n.sp_id).find(|id| !receipt.replicas.contains(id)).unwrap();
    assert_eq!(cluster.get(outside, &receipt.cid, None).await.status(), StatusCode::NOT_FOUND);

    // Replica receipts: a node vouches only for what it holds, for a bounded time.
    let some_track = content::track_address(&content::profile_address(&cluster.artist.address().0 .0), 0);
    let endpoint_of = |sp_id: u64| cluster.nodes.iter().find(|n| n.sp_id == sp_id).unwrap().endpoint();
    let soon = now() as i64 + 60;
    let vouched = request_receipt(&cluster.http, &endpoint_of(receipt.replicas[1]), &receipt.cid, &some_track, soon)
        .await
        .unwrap();
    assert_eq!((vouched.node, vouched.expires_at), (receipt.replicas[1], soon));
    let refusal = request_receipt(&cluster.http, &endpoint_of(outside), &receipt.cid, &some_track, soon).await;
    assert!(matches!(refusal, Err(UploadError::Refused { status: 404, .. })), "{refusal:?}");
    let far = now() as i64 + content::MAX_RECEIPT_SECS + 60;
    let refusal =
        request_receipt(&cluster.http, &endpoint_of(receipt.replicas[1]), &receipt.cid, &some_track, far).await;
    assert!(matches!(refusal, Err(UploadError::Refused { status: 400, .. })), "{refusal:?}");
    // A request of the wrong shape is refused as every other: its status, and a reason in `{"error"}`.
    for (body, status) in [("{\"track\": 5}", StatusCode::UNPROCESSABLE_ENTITY), ("{", StatusCode::BAD_REQUEST)] {
        let url = format!("{}/v1/content/{}/receipts", endpoint_of(receipt.replicas[1]), receipt.cid);
        let response =
            cluster.http.post(url).header("content-type", "application/json").body(body).send().await.unwrap();
        assert_eq!(response.status(), status, "{body}");
        assert!(response.json::<serde_json::Value>().await.unwrap()["error"].is_string(), "{body}");
    }

    // Range reads, as a player seeking.
    let ranged = cluster.get(receipt.replicas[1], &receipt.cid, Some("bytes=1000-1999")).await;
    assert_eq!(ranged.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(ranged.headers()["content-range"], format!("bytes 1000-1999/{}", track.len()).as_str());
    assert_eq!(ranged.bytes().await.unwrap(), track[1000..2000]);
    let tail = cluster.get(receipt.replicas[2], &receipt.cid, Some("bytes=-10")).await;
    assert_eq!(tail.bytes().await.unwrap(), track[track.len() - 10..]);
    let beyond = cluster.get(receipt.replicas[0], &receipt.cid, Some(&format!("bytes={}-", track.len()))).await;
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(beyond.headers()["content-range"], format!("bytes */{}", track.len()).as_str());
    // A Range header the node cannot use (several ranges, another unit, bad syntax) is ignored: the whole blob, 200.
    for ignored in ["bytes=0-1,5-6", "items=0-9", "bytes=9-2", "bytes=oops"] {
        let whole = cluster.get(receipt.replicas[0], &receipt.cid, Some(ignored)).await;
        assert_eq!(whole.status(), StatusCode::OK, "{ignored}");
        assert!(!whole.headers().contains_key("content-range"), "{ignored}");
        assert_eq!(whole.bytes().await.unwrap(), track, "{ignored}");
    }
    // A cached copy is revalidated by its weak tag, or by `*`, as well as by the strong one.
    for tag in [format!("\"{}\"", receipt.cid), format!("W/\"{}\"", receipt.cid), "*".to_owned()] {
        let url = format!("{}/v1/content/{}", endpoint_of(receipt.replicas[1]), receipt.cid);
        let cached = cluster.http.get(url).header("if-none-match", &tag).send().await.unwrap();
        assert_eq!(cached.status(), StatusCode::NOT_MODIFIED, "{tag}");
    }
    // The same bytes uploaded again under another type keep the type every replica stored them with.
    let again = cluster.upload_typed(0, &track, 900, "audio/x-wav").await.unwrap();
    assert_eq!(again.content_type, "audio/wav");
    for &sp_id in &receipt.replicas {
        assert_eq!(cluster.get(sp_id, &receipt.cid, None).await.headers()["content-type"], "audio/wav", "{sp_id}");
    }

    // Refusals: 4xx with a reason, nothing stored.
    let before: Vec<u64> = futures_util::future::join_all((0..NODES).map(|i| cluster.blobs(i))).await;
    let other = song(1, 2);
    let replay = cluster.upload(0, &track, 1).await.unwrap_err();
    assert!(matches!(replay, audius_sdk::upload::UploadError::Refused { status: 409, .. }), "{replay}");
    let impostor = PrivateKeySigner::random();
    let (status, error) = cluster.raw_upload(0, &cluster.grant(0, &other, 2), &impostor, other.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{error}");
    let expired = UploadGrant { expires_at: now() - 1, ..cluster.grant(0, &other, 3) };
    let (status, error) = cluster.raw_upload(0, &expired, &cluster.artist, other.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(error.contains("expired"), "{error}");
    let unsigned = cluster
        .http
        .post(format!("{}/v1/uploads", cluster.nodes[0].endpoint()))
        .body(other.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED);
    let noise: Vec<u8> = (0..50_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let (status, error) = cluster.raw_upload(0, &cluster.grant(0, &noise, 4), &cluster.artist, noise.clone()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{error}");
    let truncated = other[..other.len() - 20_000].to_vec();
    let (status, error) =
        cluster.raw_upload(0, &cluster.grant(0, &truncated, 5), &cluster.artist, truncated.clone()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(error.contains("truncated"), "{error}");
    let swapped = cluster.grant(0, &other, 6);
    let mut tampered = other.clone();
    tampered[10_000] ^= 1;
    let (status, error) = cluster.raw_upload(0, &swapped, &cluster.artist, tampered).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error.contains("hashes to"), "{error}");
    // An oversized upload is refused from its headers, before the body is read.
    let head = format!(
        "POST /v1/uploads HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\ncontent-type: audio/wav\r\n\r\n",
        MAX_UPLOAD + 1
    );
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", cluster.nodes[0].port)).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut stream, head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 512];
    let read = tokio::io::AsyncReadExt::read(&mut stream, &mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("over this node's limit"), "{answer}");
    let stranger = PrivateKeySigner::random();
    let no_profile = UploadGrant { artist: stranger.address(), ..cluster.grant(0, &other, 8) };
    let (status, error) = cluster.raw_upload(0, &no_profile, &stranger, other.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(error.contains("has no profile"), "{error}");
    let wrong_node = cluster.grant(1, &other, 9);
    let (status, _) = cluster.raw_upload(0, &wrong_node, &cluster.artist, other.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a grant for another node");
    let after: Vec<u64> = futures_util::future::join_all((0..NODES).map(|i| cluster.blobs(i))).await;
    assert_eq!(before, after, "nothing stored by refused uploads");

    // Metadata: one JSON object, served back as JSON; anything else as JSON is refused.
    let metadata = br#"{"title": "Tone", "genre": "test"}"#.to_vec();
    let stored = cluster.upload_typed(0, &metadata, 40, "application/json").await.unwrap();
    let served = cluster.get(stored.replicas[2], &stored.cid, None).await;
    assert_eq!(served.headers()["content-type"], "application/json");
    assert_eq!(served.bytes().await.unwrap(), metadata);
    for (nonce, bad) in [(41, b"[1, 2]".to_vec()), (42, b"{not json".to_vec())] {
        let refused = cluster.upload_typed(0, &bad, nonce, "application/json").await.unwrap_err();
        assert!(matches!(refused, audius_sdk::upload::UploadError::Refused { status: 415, .. }), "{refused}");
    }
    let text = cluster.upload_typed(0, b"hello", 43, "text/plain").await.unwrap_err();
    assert!(matches!(text, audius_sdk::upload::UploadError::Refused { status: 415, .. }), "{text}");

    // App keys sign for the profile when the program would let them write: its authority, or an app it granted.
    let stranger_app = Keypair::new();
    let refused = cluster.upload_as_app(1, &song(1, 30), 31, &stranger_app).await.unwrap_err();
    assert!(matches!(refused, audius_sdk::upload::UploadError::Refused { status: 403, .. }), "{refused}");
    let granted_app = Keypair::new();
    let profile = content::profile_address(&cluster.artist.address().0 .0);
    let epoch = cluster.solana.profile(&cluster.artist.address().0 .0).await.unwrap().unwrap().nonce;
    let grant_app = content::grant_app(
        &cluster.authority.pubkey(),
        &cluster.authority.pubkey(),
        &profile,
        epoch,
        &granted_app.pubkey(),
    );
    cluster.solana.send(&[grant_app], &cluster.authority, &[]).await.unwrap();
    assert_eq!(cluster.upload_as_app(1, &song(1, 32), 33, &granted_app).await.unwrap().replicas.len(), 3);
    let authority = Keypair::try_from(cluster.authority.to_bytes().as_slice()).unwrap();
    assert_eq!(cluster.upload_as_app(2, &song(1, 34), 35, &authority).await.unwrap().replicas.len(), 3);

    // A node registered on Ethereum but not admitted on Solana is no peer: track records could not name it.
    let unadmitted = format!("http://127.0.0.1:{}", free_port());
    cluster.chain.register_content_node(20, 21, &unadmitted, "250000").await.unwrap();
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let peers = cluster.health(0).await.unwrap().peers.len();
    assert_eq!(peers, NODES, "the unadmitted node is not a peer");

    // A node that is down is replaced by the next in the ranking.
    cluster.kill(3);
    let down = cluster.nodes[3].sp_id;
    for seed in 10..16 {
        let receipt = cluster.upload(0, &song(1, seed), 100 + u64::from(seed)).await.unwrap();
        assert!(!receipt.replicas.contains(&down), "{receipt:?}");
        assert_eq!(receipt.replicas.len(), 3);
    }
    // With two of four down, three copies cannot be made: a clean failure naming the peers.
    cluster.kill(2);
    let failed = cluster.upload(0, &song(1, 20), 200).await.unwrap_err();
    assert!(
        matches!(failed, audius_sdk::upload::UploadError::Unavailable(ref message) if message.contains("replicated to 1 of 2")),
        "{failed}"
    );
    cluster.spawn(2);
    cluster.spawn(3);
    cluster.wait_registered(2).await;
    cluster.wait_registered(3).await;

    // A node that lost its disk gets back what the track records on Solana say it holds.
    cluster.record_track(&receipt).await;
    let victim = cluster.nodes.iter().position(|n| n.sp_id == receipt.replicas[1]).unwrap();
    cluster.kill(victim);
    std::fs::remove_dir_all(&cluster.nodes[victim].data_dir).unwrap();
    cluster.spawn(victim);
    cluster.wait_registered(victim).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let response = cluster.get(receipt.replicas[1], &receipt.cid, None).await;
        if response.status() == StatusCode::OK {
            assert_eq!(response.bytes().await.unwrap(), track);
            break;
        }
        assert!(Instant::now() < deadline, "repair did not restore the blob");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // A corrupted blob is never served: it is quarantined and fetched again from a peer.
    let holder = cluster.nodes.iter().position(|n| n.sp_id == receipt.replicas[2]).unwrap();
    let text = receipt.cid.to_string();
    let blob = cluster.nodes[holder].data_dir.join("blobs").join(&text[text.len() - 2..]).join(&text);
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes[5_000] ^= 0xff;
    std::fs::write(&blob, bytes).unwrap();
    let healed = cluster.get(receipt.replicas[2], &receipt.cid, None).await;
    assert_eq!(healed.status(), StatusCode::OK);
    assert_eq!(healed.bytes().await.unwrap(), track, "the healed copy, not the corrupted one");
    let quarantine = cluster.nodes[holder].data_dir.join("quarantine");
    assert_eq!(std::fs::read_dir(quarantine).unwrap().count(), 1);

    // Metrics: exactly the catalogue's, counting what happened above.
    let (metrics, content_type) = cluster.metrics(0).await;
    assert_eq!(content_type, audius_sdk::metrics::CONTENT_TYPE);
    audius_devkit::assert_metrics_catalogued(&metrics, "Content node");
    assert!(metrics.ends_with("# EOF\n"), "an OpenMetrics answer ends with # EOF");
    let sample = |metrics: &str, name: &str| -> f64 {
        let line = metrics.lines().find(|line| line.starts_with(name)).unwrap_or_else(|| panic!("{name}: {metrics}"));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    };
    assert!(sample(&metrics, "audius_upload_bytes_total ") >= track.len() as f64, "{metrics}");
    assert!(sample(&metrics, "audius_upload_duration_seconds_count ") >= 1.0, "{metrics}");
    assert!(sample(&metrics, r#"audius_http_requests_total{route="/v1/uploads",method="POST",status="201"}"#) >= 1.0);
    assert!(sample(&metrics, r#"audius_http_requests_total{route="unmatched",method="GET",status="404"}"#) >= 1.0);
    assert!(sample(&metrics, "audius_replication_failures_total ") >= 1.0, "pushes to the nodes killed: {metrics}");
    let (victim_metrics, _) = cluster.metrics(victim).await;
    assert!(sample(&victim_metrics, "audius_repaired_blobs_total ") >= 1.0, "the restart's repair: {victim_metrics}");
}

//! Fixtures the tests, the demo and the benchmarks share.

use std::{
    future::Future,
    path::{Path, PathBuf},
    time::Duration,
};

use solana_keypair::Keypair;

/// A 16-bit PCM stereo WAV file of `frames` frames of a 440 Hz tone.
pub fn wav_tone(frames: u32, sample_rate: u32) -> Vec<u8> {
    let channels = 2u16;
    let data_len = frames * u32::from(channels) * 2;
    let mut wav = Vec::with_capacity(44 + data_len as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&channels.to_le_bytes());
    wav.extend_from_slice(&sample_rate.to_le_bytes());
    wav.extend_from_slice(&(sample_rate * u32::from(channels) * 2).to_le_bytes());
    wav.extend_from_slice(&(channels * 2).to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    for i in 0..frames {
        let sample = ((f64::from(i) * 440.0 * std::f64::consts::TAU / f64::from(sample_rate)).sin() * 8_000.0) as i16;
        for _ in 0..channels {
            wav.extend_from_slice(&sample.to_le_bytes());
        }
    }
    wav
}

/// Write `keypair` to `dir/name` in solana-keygen's JSON format (what `--solana-keypair` reads); returns the path.
pub fn write_keypair_file(dir: &Path, name: &str, keypair: &Keypair) -> std::io::Result<PathBuf> {
    let path = dir.join(name);
    let json = serde_json::to_string(&keypair.to_bytes().to_vec()).map_err(std::io::Error::other)?;
    std::fs::write(&path, json)?;
    Ok(path)
}

/// What [`eventually`] waited for did not happen in time.
#[derive(Debug, thiserror::Error)]
#[error("{what}: not within {limit:?}")]
pub struct Timeout {
    /// What was awaited.
    pub what: String,
    /// How long.
    pub limit: Duration,
}

/// Wait for `check` to return `Some`, polling every 100 ms for up to `limit`.
pub async fn eventually<T, F, Fut>(limit: Duration, what: &str, mut check: F) -> Result<T, Timeout>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(value) = check().await {
            return Ok(value);
        }
        if tokio::time::Instant::now() > deadline {
            return Err(Timeout { what: what.to_owned(), limit });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Assert that a node's `/metrics` answer declares exactly the metrics docs/metrics.md lists under `## Both
/// nodes` and `## {node}`: its `# TYPE` lines, a counter `x` named by its sample `x_total` as the catalogue names it.
pub fn assert_metrics_catalogued(metrics: &str, node: &str) {
    let mut declared: Vec<String> = metrics
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|declaration| declaration.split_once(' '))
        .map(|(name, kind)| if kind == "counter" { format!("{name}_total") } else { name.to_owned() })
        .collect();
    let mut documented = documented_metrics("Both nodes");
    documented.extend(documented_metrics(node));
    declared.sort();
    documented.sort();
    assert_eq!(declared, documented, "docs/metrics.md and the {node}'s /metrics differ");
}

fn documented_metrics(section: &str) -> Vec<String> {
    let catalogue = std::fs::read_to_string(crate::repo_root().join("docs/metrics.md")).expect("docs/metrics.md");
    let heading = format!("## {section}");
    catalogue
        .lines()
        .skip_while(|line| *line != heading)
        .skip(1)
        .take_while(|line| !line.starts_with("## "))
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|row| row.split_once('`').map(|(name, _)| name.to_owned()))
        .collect()
}

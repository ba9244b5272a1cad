//! `audius artist upload`: the artist's side of the upload flow ([`audius_sdk::upload::publish`]), with progress
//! bars and a confirmation before anything is sent.

use std::{path::Path, sync::Mutex};

use audius_sdk::upload::publish::{Progress, Published, Publisher, Stage};
use indicatif::{ProgressBar, ProgressStyle};
use solana_signer::Signer;

use crate::{
    commands::artist::{check_authority, require_profile},
    context::Context,
    Output,
};

/// Progress bars on stderr, one per stage (none with `--json`).
struct Bars {
    json: bool,
    current: Mutex<Option<ProgressBar>>,
}

impl Progress for Bars {
    fn begin(&self, stage: Stage, total: Option<u64>) {
        if self.json {
            return;
        }
        let bar = match total {
            Some(total) => {
                let bar = ProgressBar::with_draw_target(Some(total), indicatif::ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template("{msg:>10} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
                        .expect("valid template")
                        .progress_chars("=> "),
                );
                bar
            }
            // A stage that waits on others: a spinner with the time it has taken, so a long wait shows as one.
            None => {
                let spinner = ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
                spinner.set_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("valid template"));
                spinner.enable_steady_tick(std::time::Duration::from_millis(120));
                spinner
            }
        };
        bar.set_message(stage.label());
        *self.current.lock().expect("not poisoned") = Some(bar);
    }

    fn advance(&self, done: u64) {
        if let Some(bar) = &*self.current.lock().expect("not poisoned") {
            bar.set_position(done);
        }
    }

    fn end(&self) {
        if let Some(bar) = self.current.lock().expect("not poisoned").take() {
            bar.finish_and_clear();
        }
    }
}

/// Store `file` (and its metadata document) on the content nodes and record the track, signed by the artist's
/// Ethereum key and its profile's Solana `authority`; asks for confirmation once the files are hashed.
pub async fn publish(
    context: &Context,
    eth_key: &alloy::signers::local::PrivateKeySigner,
    authority: &solana_keypair::Keypair,
    file: &Path,
    metadata: Option<&Path>,
    content_type: Option<String>,
) -> anyhow::Result<Published> {
    let artist = eth_key.address();
    let profile = require_profile(context, artist).await?;
    check_authority(&profile, &authority.pubkey())?;
    let eth = context.eth_reader().await?;
    let solana = context.solana();
    let bars = Bars { json: context.settings.json, current: Mutex::new(None) };
    let publisher = Publisher::new(&eth, &solana)?.with_progress(std::sync::Arc::new(bars));
    let prepared = publisher.prepare(file, metadata, content_type).await?;
    let audio = &prepared.audio;
    context.confirm(&format!("upload {} ({} bytes, {}) as {artist}", file.display(), audio.size, audio.cid))?;
    Ok(publisher.publish(&prepared, eth_key, authority).await?)
}

/// Run the upload.
pub async fn run(
    context: &Context,
    file: &Path,
    metadata: Option<&Path>,
    content_type: Option<String>,
) -> anyhow::Result<Output> {
    let eth_key = context.eth_signer()?;
    let authority = context.solana_keypair()?;
    let published = publish(context, &eth_key, &authority, file, metadata, content_type).await?;
    Ok(Output::new(
        format!(
            "uploaded {} as track {}\n  cid {}\n  metadata {}\n  replicas {:?}\n  ledger entry {}\n",
            file.display(),
            published.track_id,
            published.cid,
            published.metadata_cid.map_or_else(|| "none".to_owned(), |cid| cid.to_string()),
            published.replicas,
            published.ledger_seq.unwrap_or_default()
        ),
        serde_json::to_value(&published)?,
    ))
}

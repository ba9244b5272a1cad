//! `audius artist`: profiles bound to Ethereum addresses, and their tracks, on Solana.

use alloy::primitives::Address;
use anchor_lang::prelude::Pubkey;
use audius_sdk::{
    cid::{ContentId, CID_LEN},
    solana::content::{self, Profile, Track},
    upload::publish::{Publisher, UnpinOutcome},
};
use clap::Subcommand;
use serde_json::json;
use solana_signer::Signer;

use crate::{
    context::Context,
    error::{CliError, ExitCode},
    units::parse_address,
    Output,
};

/// Artist subcommands.
#[derive(Subcommand)]
pub enum ArtistCommand {
    /// Create the profile of the Ethereum key, bound to the Solana keypair by a proof the Ethereum key signs.
    CreateProfile {
        /// CID of the profile metadata.
        #[arg(long)]
        metadata_cid: Option<ContentId>,
    },
    /// Point the profile at new metadata.
    UpdateProfile {
        /// CID of the new profile metadata.
        #[arg(long)]
        metadata_cid: ContentId,
    },
    /// Upload an audio file: it is stored on three content nodes, then recorded as a track of the profile.
    Upload {
        /// The audio file.
        file: std::path::PathBuf,
        /// The track's metadata: a JSON object, stored on the content nodes beside the audio.
        #[arg(long, value_name = "FILE.json")]
        metadata: Option<std::path::PathBuf>,
        /// MIME type [default: from the file's extension].
        #[arg(long)]
        content_type: Option<String>,
    },
    /// A profile [default: the Ethereum key's].
    Show {
        /// The artist's Ethereum address.
        #[arg(value_parser = parse_address)]
        artist: Option<Address>,
    },
    /// A profile's tracks [default: the Ethereum key's].
    Tracks {
        /// The artist's Ethereum address.
        #[arg(value_parser = parse_address)]
        artist: Option<Address>,
    },
    /// One track.
    Track {
        /// The track id.
        id: u64,
        /// The artist's Ethereum address [default: the Ethereum key's].
        #[arg(long, value_parser = parse_address)]
        artist: Option<Address>,
    },
    /// Delete one of the profile's tracks (its record is closed and its rent returned; its ledger history stays),
    /// then ask its three replicas to drop its audio, which each does once nothing on chain names it there.
    DeleteTrack {
        /// The track id.
        id: u64,
    },
    /// Ask content nodes to drop audio no live track names them for (a deleted track's, when a node kept it, or
    /// an upload never recorded): each checks the track records on Solana before it lets go.
    Unpin {
        /// The audio's CID.
        cid: ContentId,
        /// A content node's service id [default: every eligible content node].
        #[arg(long = "node", value_name = "ID")]
        nodes: Vec<u64>,
    },
}

/// Run an artist subcommand.
pub async fn run(command: ArtistCommand, context: &Context) -> anyhow::Result<Output> {
    let solana = context.solana();
    match command {
        ArtistCommand::CreateProfile { metadata_cid } => {
            let eth_key = context.eth_signer()?;
            let authority = context.solana_keypair()?;
            let eth_address = eth_key.address();
            if solana.profile(&eth_address.0 .0).await?.is_some() {
                return Err(CliError::input(format!("{eth_address} already has a profile (see `audius artist show`)")));
            }
            context.confirm(&format!("create the profile of {eth_address} with authority {}", authority.pubkey()))?;
            let metadata = metadata_cid.map_or([0; CID_LEN], ContentId::to_bytes);
            let (address, signature) = solana.create_profile(&authority, &eth_key, metadata).await?;
            let events = solana.ledger_events(&signature).await?;
            let seq = events.first().map(|event| event.entry.seq);
            Ok(Output::new(
                format!(
                    "profile {address} created for {eth_address} (entry {} of its ledger)",
                    seq.unwrap_or_default()
                ),
                json!({ "profile": address.to_string(), "eth_address": eth_address,
                        "authority": authority.pubkey().to_string(), "ledger_seq": seq }),
            )
            .with_signature(&signature))
        }
        ArtistCommand::UpdateProfile { metadata_cid } => {
            let eth_address = context.eth_signer()?.address();
            let authority = context.solana_keypair()?;
            let profile = require_profile(context, eth_address).await?;
            check_authority(&profile, &authority.pubkey())?;
            context.confirm(&format!("point the profile of {eth_address} at {metadata_cid}"))?;
            let address = content::profile_address(&eth_address.0 .0);
            let instruction = content::update_profile(&authority.pubkey(), &address, None, metadata_cid.to_bytes());
            let signature = solana.send(&content::write_instructions(instruction), &authority, &[]).await?;
            Ok(Output::new(
                format!("profile of {eth_address} now points at {metadata_cid}"),
                json!({ "profile": address.to_string(), "metadata_cid": metadata_cid }),
            )
            .with_signature(&signature))
        }
        ArtistCommand::Upload { file, metadata, content_type } => {
            crate::commands::upload::run(context, &file, metadata.as_deref(), content_type).await
        }
        ArtistCommand::Show { artist } => {
            let eth_address = artist_or_key(context, artist)?;
            let profile = require_profile(context, eth_address).await?;
            let view = profile_json(&profile);
            let text = format!(
                "profile {}\n  ethereum {eth_address}\n  authority {}\n  metadata {}\n  tracks {}\n",
                content::profile_address(&eth_address.0 .0),
                profile.authority,
                view["metadata_cid"].as_str().unwrap_or("none"),
                profile.track_count
            );
            Ok(Output::new(text, view))
        }
        ArtistCommand::Tracks { artist } => {
            let eth_address = artist_or_key(context, artist)?;
            require_profile(context, eth_address).await?;
            let tracks = solana.tracks(&content::profile_address(&eth_address.0 .0)).await?;
            let mut text = String::new();
            if tracks.is_empty() {
                text.push_str("no tracks\n");
            }
            for track in &tracks {
                text.push_str(&format!("{} {}\n", track.track_id, cid_text(&track.content_cid)));
            }
            Ok(Output::new(text, tracks.iter().map(track_json).collect::<Vec<_>>()))
        }
        ArtistCommand::Track { id, artist } => {
            let eth_address = artist_or_key(context, artist)?;
            let track = solana.track(&content::profile_address(&eth_address.0 .0), id).await?;
            let view = track_json(&track);
            let text = format!(
                "track {id} of {eth_address}\n  content {}\n  metadata {}\n  replicas {:?}\n",
                cid_text(&track.content_cid),
                cid_text(&track.metadata_cid),
                track.replicas
            );
            Ok(Output::new(text, view))
        }
        ArtistCommand::DeleteTrack { id } => {
            let eth_address = context.eth_signer()?.address();
            let authority = context.solana_keypair()?;
            let profile = require_profile(context, eth_address).await?;
            check_authority(&profile, &authority.pubkey())?;
            let address = content::profile_address(&eth_address.0 .0);
            // A deleted track's record is closed: it reads as not existing.
            let track = solana.track(&address, id).await?;
            context.confirm(&format!("delete track {id} of {eth_address}"))?;
            let delete = content::delete_track(&authority.pubkey(), &address, id, None, &track.rent_payer);
            let instructions = content::write_instructions(delete);
            let signature = solana.send(&instructions, &authority, &[]).await?;
            let cid = ContentId::from_bytes(track.content_cid)?;
            // The track is deleted whatever the replicas answer: a failure to ask them is reported, not fatal.
            let (lines, outcomes, unpin_error) = match unpin(context, cid, Some(track.replicas.to_vec())).await {
                Ok(outcomes) => (unpin_lines(&cid, &outcomes), Some(outcomes), None),
                Err(error) => {
                    let error = format!("{error:#}");
                    let line = format!(
                        "  the replicas were not asked to drop {cid}: {error} (retry with `audius artist unpin {cid}`)\n"
                    );
                    (line, None, Some(error))
                }
            };
            Ok(Output::new(
                format!("track {id} deleted\n{lines}"),
                json!({ "track_id": id, "content_cid": cid, "unpinned": outcomes, "unpin_error": unpin_error }),
            )
            .with_signature(&signature))
        }
        ArtistCommand::Unpin { cid, nodes } => {
            context.confirm(&format!("ask content nodes to drop {cid}"))?;
            let outcomes = unpin(context, cid, (!nodes.is_empty()).then_some(nodes)).await?;
            let kept = outcomes.iter().any(|outcome| outcome.error.is_some());
            let output = Output::new(unpin_lines(&cid, &outcomes), json!({ "cid": cid, "unpinned": outcomes }));
            // A node that kept the audio refused: scripts see it, with every node's answer printed.
            Ok(if kept { output.failing(ExitCode::Refused) } else { output })
        }
    }
}

/// Ask `nodes` (every eligible content node when `None`) to drop the audio `cid`, signed by the Ethereum key.
async fn unpin(context: &Context, cid: ContentId, nodes: Option<Vec<u64>>) -> anyhow::Result<Vec<UnpinOutcome>> {
    let eth_key = context.eth_signer()?;
    let eth = context.eth_reader().await?;
    let solana = context.solana();
    let nodes = match nodes {
        Some(nodes) => nodes,
        None => audius_sdk::nodes::content_nodes(&eth, &solana)
            .await
            .map_err(audius_sdk::upload::publish::PublishError::from)?
            .nodes
            .iter()
            .map(|node| node.sp_id)
            .collect(),
    };
    Ok(Publisher::new(&eth, &solana)?.unpin(&eth_key, cid, &nodes).await?)
}

/// One line per node: dropped, never held, or kept and why.
fn unpin_lines(cid: &ContentId, outcomes: &[UnpinOutcome]) -> String {
    let mut text = String::new();
    for outcome in outcomes {
        let line = match (&outcome.error, outcome.removed) {
            (Some(error), _) => {
                format!("node {} kept {cid}: {error} (retry with `audius artist unpin {cid}`)", outcome.node)
            }
            (None, true) => format!("node {} dropped {cid}", outcome.node),
            (None, false) => format!("node {} did not hold {cid}", outcome.node),
        };
        text.push_str(&format!("  {line}\n"));
    }
    text
}

fn artist_or_key(context: &Context, artist: Option<Address>) -> anyhow::Result<Address> {
    match artist {
        Some(address) => Ok(address),
        None => Ok(context.eth_signer()?.address()),
    }
}

/// The profile of `eth_address`, or an input error saying how to create it.
pub async fn require_profile(context: &Context, eth_address: Address) -> anyhow::Result<Profile> {
    context.solana().profile(&eth_address.0 .0).await?.ok_or_else(|| {
        CliError::input(format!("{eth_address} has no profile (create one with `audius artist create-profile`)"))
    })
}

/// Refuse when `signer` is not the profile's authority.
pub fn check_authority(profile: &Profile, signer: &Pubkey) -> anyhow::Result<()> {
    if profile.authority != *signer {
        return Err(CliError::input(format!(
            "the Solana keypair {signer} is not this profile's authority ({}); pass --solana-keypair",
            profile.authority
        )));
    }
    Ok(())
}

/// A CID field as JSON carries it: `null` when unset (all zero bytes).
fn cid_value(bytes: &[u8; CID_LEN]) -> Option<String> {
    if bytes.iter().all(|&b| b == 0) {
        return None;
    }
    Some(ContentId::from_bytes(*bytes).map_or_else(|_| "(unreadable CID)".into(), |cid| cid.to_string()))
}

/// A CID field as text shows it: `none` when unset.
fn cid_text(bytes: &[u8; CID_LEN]) -> String {
    cid_value(bytes).unwrap_or_else(|| "none".into())
}

fn profile_json(profile: &Profile) -> serde_json::Value {
    json!({
        "profile": content::profile_address(&profile.eth_address).to_string(),
        "eth_address": Address::from(profile.eth_address),
        "authority": profile.authority.to_string(),
        "metadata_cid": cid_value(&profile.metadata_cid),
        "track_count": profile.track_count,
        "created_at": profile.created_at,
        "updated_at": profile.updated_at,
    })
}

fn track_json(track: &Track) -> serde_json::Value {
    json!({
        "track_id": track.track_id,
        "profile": track.profile.to_string(),
        "content_cid": cid_value(&track.content_cid),
        "metadata_cid": cid_value(&track.metadata_cid),
        "replicas": track.replicas,
        "rent_payer": track.rent_payer.to_string(),
        "created_at": track.created_at,
        "updated_at": track.updated_at,
    })
}

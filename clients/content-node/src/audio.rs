//! Is an upload audio? Probed and decoded with symphonia: the container must be recognized, its first packets
//! must decode, and where the container declares its length, the stream must really reach it (a truncated file
//! does not). Only the head and the tail are decoded, so the check costs about the same for any file size.

use std::path::Path;

use symphonia::core::{
    codecs::DecoderOptions,
    errors::Error as SymphoniaError,
    formats::{FormatOptions, FormatReader, SeekMode, SeekTo},
    io::MediaSourceStream,
    meta::MetadataOptions,
    probe::Hint,
};

/// Why a file is not accepted as audio.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AudioError {
    /// Not a container or codec we can read.
    #[error("not a recognized audio format ({0})")]
    NotAudio(String),
    /// Recognized, but it has no audio track.
    #[error("the file has no audio track")]
    NoTrack,
    /// A packet does not decode.
    #[error("the audio does not decode: {0}")]
    Corrupt(String),
    /// The stream ends before the length its header declares.
    #[error("the audio is truncated: it declares {declared} frames but ends at {reached}")]
    Truncated {
        /// Frames the header promises.
        declared: u64,
        /// Frames present.
        reached: u64,
    },
}

/// What the probe found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioInfo {
    /// Codec name.
    pub codec: String,
    /// Frames, when the container declares them.
    pub frames: Option<u64>,
    /// Sample rate, when known.
    pub sample_rate: Option<u32>,
}

/// Packets decoded at the head of the stream.
const HEAD_PACKETS: usize = 8;

/// Check the file at `path` (blocking: run it off the async runtime).
pub fn validate(path: &Path, mime: Option<&str>) -> Result<AudioInfo, AudioError> {
    let file = std::fs::File::open(path).map_err(|error| AudioError::NotAudio(error.to_string()))?;
    let stream = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(mime) = mime {
        hint.mime_type(mime);
    }
    let probed = symphonia::default::get_probe()
        .format(
            &hint,
            stream,
            &FormatOptions { enable_gapless: false, ..Default::default() },
            &MetadataOptions::default(),
        )
        .map_err(|error| AudioError::NotAudio(error.to_string()))?;
    let mut format = probed.format;
    let track = format
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != symphonia::core::codecs::CODEC_TYPE_NULL)
        .ok_or(AudioError::NoTrack)?
        .clone();
    let codec = symphonia::default::get_codecs()
        .get_codec(track.codec_params.codec)
        .map_or_else(|| "unknown".to_owned(), |d| d.short_name.to_owned());
    let mut decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .map_err(|error| AudioError::NotAudio(error.to_string()))?;

    let mut decoded = 0;
    let mut reached = 0u64;
    while decoded < HEAD_PACKETS {
        match next_packet(&mut *format, track.id)? {
            Some(packet) => {
                reached = packet.ts() + packet.dur();
                decoder.decode(&packet).map_err(|error| AudioError::Corrupt(error.to_string()))?;
                decoded += 1;
            }
            None => break,
        }
    }
    if decoded == 0 {
        return Err(AudioError::Corrupt("no audio packets".into()));
    }

    let declared = track.codec_params.n_frames;
    if let Some(declared) = declared {
        // Jump near the declared end and read to the real end: a truncated file falls short.
        let tail_start = declared.saturating_sub(u64::from(track.codec_params.sample_rate.unwrap_or(44_100)));
        if tail_start > reached {
            format
                .seek(SeekMode::Accurate, SeekTo::TimeStamp { ts: tail_start, track_id: track.id })
                .map_err(|_| AudioError::Truncated { declared, reached })?;
            decoder.reset();
        }
        while let Some(packet) = next_packet(&mut *format, track.id)? {
            reached = packet.ts() + packet.dur();
            decoder.decode(&packet).map_err(|error| AudioError::Corrupt(error.to_string()))?;
        }
        if reached < declared {
            return Err(AudioError::Truncated { declared, reached });
        }
    }
    Ok(AudioInfo { codec, frames: declared, sample_rate: track.codec_params.sample_rate })
}

/// The next packet of `track`, `None` at the end of the stream.
fn next_packet(
    format: &mut dyn FormatReader,
    track: u32,
) -> Result<Option<symphonia::core::formats::Packet>, AudioError> {
    loop {
        match format.next_packet() {
            Ok(packet) if packet.track_id() == track => return Ok(Some(packet)),
            Ok(_) => continue,
            Err(SymphoniaError::IoError(error)) if error.kind() == std::io::ErrorKind::UnexpectedEof => {
                return Ok(None)
            }
            Err(error) => return Err(AudioError::Corrupt(error.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use audius_devkit::wav_tone;

    use super::*;

    fn check(bytes: &[u8]) -> Result<AudioInfo, AudioError> {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), bytes).unwrap();
        validate(file.path(), None)
    }

    #[test]
    fn a_whole_wav_passes() {
        let info = check(&wav_tone(44_100 * 3, 44_100)).unwrap();
        assert_eq!(info.frames, Some(44_100 * 3));
        assert_eq!(info.sample_rate, Some(44_100));
    }

    #[test]
    fn a_truncated_wav_fails() {
        let wav = wav_tone(44_100 * 3, 44_100);
        let cut = &wav[..wav.len() - 50_000];
        assert!(matches!(check(cut), Err(AudioError::Truncated { .. })), "{:?}", check(cut));
    }

    #[test]
    fn other_bytes_fail() {
        assert!(matches!(check(b"%PDF-1.7 not music at all"), Err(AudioError::NotAudio(_))));
        assert!(matches!(check(&[0u8; 10_000]), Err(AudioError::NotAudio(_))));
        assert!(check(&wav_tone(0, 44_100)).is_err(), "no audio at all");
    }
}

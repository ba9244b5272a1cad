//! Times as people read them: RFC 3339 in UTC, with how far off they are when the present is known.

use std::time::{Duration, UNIX_EPOCH};

/// Seconds since the Unix epoch on this machine: the clock grant, receipt and attestation deadlines are set and
/// checked against.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `unix` (seconds) as an RFC 3339 UTC time: `2026-11-28T10:00:00Z`.
pub fn utc(unix: u64) -> String {
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(unix)).to_string()
}

/// `unix` as an RFC 3339 UTC time and its distance from `now` (the chain's clock, as a rule):
/// `2026-11-28T10:00:00Z, in 7days`, `2026-11-28T10:00:00Z, 1m ago`.
pub fn when(unix: u64, now: u64) -> String {
    let at = utc(unix);
    if unix > now {
        format!("{at}, in {}", humantime::format_duration(Duration::from_secs(unix - now)))
    } else {
        format!("{at}, {} ago", humantime::format_duration(Duration::from_secs(now - unix)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_relative_to_now() {
        assert_eq!(utc(86_400), "1970-01-02T00:00:00Z");
        assert_eq!(when(86_400, 0), "1970-01-02T00:00:00Z, in 1day");
        assert_eq!(when(0, 60), "1970-01-01T00:00:00Z, 1m ago");
    }
}

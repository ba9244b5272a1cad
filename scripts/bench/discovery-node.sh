#!/usr/bin/env bash
# Discovery-node throughput and latency (docs/discovery-node.md): indexing decoded ledger entries into SQLite
# (goal ≥ 20,000 entries/s) and lookups with the tracks loaded (goal p99 < 5 ms).
# Usage: scripts/bench/discovery-node.sh [TRACKS]   (default 1,000,000)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
cd "$REPO_ROOT"
tracks="${1:-1000000}"
cargo build --quiet --release -p audius-discovery-node --example index_bench
work="$(mktemp -d "${TMPDIR:-/tmp}/audius-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
out="$("$CARGO_TARGET_DIR/release/examples/index_bench" "$tracks" "$work/index.sqlite")"
python3 - "$out" <<'PY'
import sys
got = dict(line.split() for line in sys.argv[1].splitlines())
rate = float(got["index_entries_per_s"])
print(f"indexing {int(got['entries']):,} entries into SQLite: {rate:,.0f} entries/s ({rate / 20000:.2f}x the 20,000/s goal)")
print(f"{'lookup (10,000 samples)':<26} {'p50 ms':>8} {'p99 ms':>8} {'p99 / 5 ms goal':>16}")
for name in ["track_by_address", "tracks_by_cid", "artist_page"]:
    p50, p99 = float(got[name + "_p50_ms"]), float(got[name + "_p99_ms"])
    print(f"{name:<26} {p50:>8.3f} {p99:>8.3f} {p99 / 5:>16.3f}")
PY

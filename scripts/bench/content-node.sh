#!/usr/bin/env bash
# Content-node throughput against references measured in the same run (docs/content-node.md):
#   ingest (stream → CID → fsync → rename, audio validation) vs `sha256sum` of the same file;
#   upload with replication to two peers on loopback vs a local copy of the file (with fsync).
# Usage: scripts/bench/content-node.sh [MEGABYTES] [RUNS]   (default 256 MB, best of 3)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
cd "$REPO_ROOT"
mb="${1:-256}"
runs="${2:-3}"

cargo build --quiet --release -p audius-localnet --example content_bench
work="$(mktemp -d "${TMPDIR:-/tmp}/audius-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
file="$work/track.wav"
# A PCM WAV of the requested size: 44-byte header, then noise (hashing cost does not depend on the samples).
python3 - "$file" "$mb" <<'PY'
import os, struct, sys
path, mb = sys.argv[1], int(sys.argv[2])
data = mb * 1_000_000 // 4 * 4
with open(path, "wb") as f:
    f.write(b"RIFF" + struct.pack("<I", 36 + data) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 2, 44100, 176400, 4, 16))
    f.write(b"data" + struct.pack("<I", data))
    chunk = os.urandom(1 << 20)
    left = data
    while left:
        n = min(left, len(chunk)); f.write(chunk[:n]); left -= n
PY

out="$("$CARGO_TARGET_DIR/release/examples/content_bench" "$file" "$runs")"
python3 - "$file" "$runs" "$out" <<'PY'
import os, subprocess, sys, time
path, runs, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
size = os.path.getsize(path)
def once():
    start = time.perf_counter()
    subprocess.run(["sha256sum", path], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start
sha = size / min(once() for _ in range(runs)) / 1e6
got = dict(line.split() for line in out.splitlines())
rows = [
    ("sha256sum (reference)", sha, 1.0),
    ("read + sha-256 in process", float(got["hash_in_process_mb_s"]), float(got["hash_in_process_mb_s"]) / sha),
    ("ingest: stream, CID, fsync, validate, commit", float(got["ingest_mb_s"]), float(got["ingest_mb_s"]) / sha),
    ("local copy with fsync (reference)", float(got["local_copy_mb_s"]), 1.0),
    ("upload + 2 replicas over loopback", float(got["upload_replicated_mb_s"]),
     float(got["upload_replicated_mb_s"]) / float(got["local_copy_mb_s"])),
]
print(f"{'measure (file: %d MB, best of %d)' % (size // 1_000_000, runs):<46} {'MB/s':>9} {'ratio':>7}")
for name, rate, ratio in rows:
    print(f"{name:<46} {rate:>9.1f} {ratio:>7.2f}")
PY

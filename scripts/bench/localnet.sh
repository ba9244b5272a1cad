#!/usr/bin/env bash
# The local network's numbers (docs/architecture.md): time from `audius-localnet up` to every service healthy,
# resource use of the whole network at rest, and the demo's time from upload start to "indexed".
# Usage: scripts/bench/localnet.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
cd "$REPO_ROOT"
cargo build --quiet -p audius-localnet --bin audius-localnet
localnet="$CARGO_TARGET_DIR/debug/audius-localnet"
dir="$(mktemp -d "${TMPDIR:-/tmp}/audius-localnet.XXXXXX")"
trap '"$localnet" reset --dir "$dir" >/dev/null 2>&1 || true' EXIT

start=$(date +%s%N)
"$localnet" --json up --dir "$dir" > "$dir/up.json"
up_ms=$(( ($(date +%s%N) - start) / 1000000 ))
pid=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['manifest']['pid'])" "$dir/up.json")

# The serving process and every process under it (anvil), sampled over 10 s of rest.
tree() { echo "$1"; for child in $(pgrep -P "$1"); do tree "$child"; done; }
ticks() { local sum=0; for p in $(tree "$pid"); do
  read -r -a f < "/proc/$p/stat"; sum=$((sum + f[13] + f[14])); done; echo "$sum"; }
rss_kb() { local sum=0; for p in $(tree "$pid"); do
  sum=$((sum + $(awk '/VmRSS/ {print $2}' "/proc/$p/status"))); done; echo "$sum"; }
before=$(ticks); sleep 10; after=$(ticks)
cpu_ticks=$((after - before))
rss=$(rss_kb)
"$localnet" down --dir "$dir" > /dev/null

demo=$("$localnet" --json demo --seconds 5)
python3 - "$dir/up.json" "$up_ms" "$cpu_ticks" "$(getconf CLK_TCK)" "$rss" "$demo" <<'PY'
import json, sys
up = json.load(open(sys.argv[1]))["manifest"]
up_ms, ticks, hz, rss_kb = (int(x) for x in sys.argv[2:6])
demo = json.loads(sys.argv[6])
print(f"localnet up: every service healthy after {up_ms / 1000:.1f} s (network ready in {up['ready_ms'] / 1000:.1f} s; target < 10 s)")
print(f"at rest: {ticks * 100 / hz / 10:.1f} % of one core, {rss_kb / 1024:.0f} MiB resident (anvil, Solana node, {len(up['discovery_nodes'])} discovery and {len(up['content_nodes'])} content nodes)")
print(f"demo: upload start to indexed {demo['upload_to_indexed_ms'] / 1000:.2f} s; whole demo {demo['total_ms'] / 1000:.1f} s")
PY

#!/usr/bin/env bash
# Gas of each protocol operation as a transaction pays it (receipt gasUsed), next to the original Audius contracts
# (solc 0.5.17, measured on anvil 1.7.1 receipts; figures from shared/targets.md) and the target (<= 0.5x).
# Every row is measured in the state the benchmark names (test/gas/GasBench.t.sol): the network running, pools
# settled, wallets approving exactly what they stake; a row's variants are the other states a user meets.
# Usage: scripts/bench/gas.sh [--check]   (--check: fail if snapshots/GasBench.json changed)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
cd "$REPO_ROOT/contracts"

if [[ "${1:-}" == "--check" ]]; then
  FOUNDRY_PROFILE=gas FORGE_SNAPSHOT_CHECK=true forge test --quiet
  echo "gas snapshot snapshots/GasBench.json is up to date"
  exit 0
fi
FOUNDRY_PROFILE=gas forge test --quiet

node - <<'JS'
const ours = require('./snapshots/GasBench.json');
// The Audius reference of each operation (shared/targets.md); a row "X (state)" is operation X in another state.
const audius = {
  'register a content node (with stake), 2nd operator': 487904,
  'increase stake': 190261,
  'delegate, new delegator (2nd to the pool)': 286119,
  'delegate, existing delegator tops up': 224131,
  'request undelegate, partial': 186131,
  'undelegate after lockup, partial': 224872,
  'start an issuance round (not the first)': 52009,
  'claim rewards, operator with 1 delegator': 337442,
  'claim rewards, operator with 100 delegators': 2078289,
  'submit a proposal': 388315,
  'cast a vote, 1st vote': 185106,
  'cast a vote, 2nd voter': 150906,
  'cast a vote, operator after a delegator overrode it': 150906,
  'enact a passed proposal (one transaction, after the execution delay)': 139514,
  "a delegator overriding its operator's vote": 150906,
};
// Rounds follow the clock: no transaction starts one (a keeper may take a round's snapshot, `checkpoint`).
ours['start an issuance round (not the first)'] = ours['start an issuance round (not the first)'] ?? '0';
const target = (op) => {
  if (op === 'claim rewards, operator with 100 delegators') return 207829; // flat: <= 0.1x
  const a = audius[op];
  return a === undefined ? undefined : Math.round(a / 2);
};
const base = (op) => Object.keys(audius).filter((k) => op === k || op.startsWith(k + ' (')).sort((x, y) => y.length - x.length)[0];
const rows = Object.keys(ours).sort();
console.log('| operation | Audius | ours | ours / Audius | target | meets target |');
console.log('|---|---:|---:|---:|---:|:---:|');
for (const op of rows) {
  const g = Number(ours[op]);
  const b = base(op);
  const a = b && audius[b];
  const t = b && target(b);
  const fmt = (n) => (n === undefined || n === null ? '—' : n.toLocaleString('en-US'));
  const ratio = a ? (g / a).toFixed(2) + '×' : '—';
  const ok = !t ? '—' : g <= t ? 'yes' : 'no';
  const shown = op === 'start an issuance round (not the first)' ? `${op}: no transaction` : op;
  console.log(`| ${shown} | ${fmt(a)} | ${fmt(g)} | ${ratio} | ${fmt(t)} | ${ok} |`);
}
JS

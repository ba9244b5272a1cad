#!/usr/bin/env bash
# Gas of each protocol operation as a transaction pays it (receipt gasUsed), next to the original Audius contracts
# (solc 0.5.17, measured on anvil 1.7.1 receipts; figures from shared/targets.md) and the target (<= 0.5x).
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
const audius = {
  'register content node (with stake)': 487904,
  'increase stake': 190261,
  'delegate (new delegator)': 286119,
  'request undelegate': 186131,
  'undelegate (after lockup)': 224872,
  'start an issuance round': 52009,
  'claim rewards, operator with 1 delegator': 337442,
  'claim rewards, operator with 100 delegators': 2078289,
  'submit a proposal': 388315,
  'cast a vote': 150906,
  'execute a passed proposal (simple setter)': 139514,
};
const target = {
  'register content node (with stake)': 243000, 'increase stake': 95000, 'delegate (new delegator)': 143000,
  'request undelegate': 93000, 'undelegate (after lockup)': 112000, 'start an issuance round': 26000,
  'claim rewards, operator with 1 delegator': 168000, 'claim rewards, operator with 100 delegators': 168000,
  'claim rewards, operator with 1000 delegators': 168000, 'submit a proposal': 194000, 'cast a vote': 75000,
  'execute a passed proposal (simple setter)': 70000,
};
// "X (other checkpoint slot half)" is X measured with the other parity of the packed vote checkpoints.
const base = (op) => op.replace(' (other checkpoint slot half)', '');
const rows = Object.keys(ours).sort();
console.log('| operation | Audius | ours | ours / Audius | target | meets target |');
console.log('|---|---:|---:|---:|---:|:---:|');
for (const op of rows) {
  const g = Number(ours[op]);
  const a = audius[base(op)];
  const t = target[base(op)];
  const fmt = (n) => (n === undefined ? '—' : n.toLocaleString('en-US'));
  const ratio = a ? (g / a).toFixed(2) + '×' : '—';
  const ok = t === undefined ? '—' : g <= t ? 'yes' : 'no';
  console.log(`| ${op} | ${fmt(a)} | ${fmt(g)} | ${ratio} | ${fmt(t)} | ${ok} |`);
}
JS

#!/usr/bin/env node
// Reduce forge artifacts to what the Rust bindings need ({abi, bytecode, deployedBytecode}) and write them,
// pretty-printed and key-sorted so diffs stay readable, one file per contract: extract-abi.js OUT_DIR NAME...
// A contract linked against an external library (Staking, against StakingOps) has no deployable bytecode until
// the library's address is known: only its ABI is written, and it is deployed by the forge deployment script.
'use strict';
const fs = require('fs');
const path = require('path');

const [outDir, ...names] = process.argv.slice(2);
if (!outDir || names.length === 0) {
  console.error('usage: extract-abi.js OUT_DIR CONTRACT...');
  process.exit(2);
}
const forgeOut = path.join(__dirname, '..', 'contracts', 'out');
fs.mkdirSync(outDir, { recursive: true });
for (const name of names) {
  const source = path.join(forgeOut, `${name}.sol`, `${name}.json`);
  const artifact = JSON.parse(fs.readFileSync(source, 'utf8'));
  const linked = Object.keys(artifact.bytecode.linkReferences || {}).length > 0;
  const reduced = linked
    ? { abi: artifact.abi }
    : {
        abi: artifact.abi,
        bytecode: { object: artifact.bytecode.object },
        deployedBytecode: { object: artifact.deployedBytecode.object },
      };
  fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify(reduced, null, 2) + '\n');
}

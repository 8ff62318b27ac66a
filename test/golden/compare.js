#!/usr/bin/env node
// Compares pgface's chip embeddings with face-api's (reference.tsv), value by value.
//   node compare.js reference.tsv OURS.jsonl TOLERANCE
// OURS.jsonl is "pgface embed --chip" output. Prints one TAP line per chip; exits 1
// when any chip differs by more than TOLERANCE in any value, or is missing.
'use strict';
const fs = require('fs');
const path = require('path');

const [referencePath, oursPath, toleranceText] = process.argv.slice(2);
const tolerance = Number(toleranceText);
const reference = new Map(
  fs.readFileSync(referencePath, 'utf8').split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => { const [name, values] = line.split('\t'); return [name, JSON.parse(values)]; }));
const ours = new Map(
  fs.readFileSync(oursPath, 'utf8').split('\n').filter(Boolean).map(JSON.parse)
    .map((r) => [path.basename(r.file, '.png'), r.embedding]));

let failed = 0;
for (const [name, expected] of reference) {
  const actual = ours.get(name);
  if (!actual || actual.length !== expected.length) {
    console.log(`not ok - golden chip ${name}: no embedding of ${expected.length} values`);
    failed++;
    continue;
  }
  const worst = Math.max(...expected.map((v, i) => Math.abs(v - actual[i])));
  const verdict = worst <= tolerance ? 'ok' : 'not ok';
  if (worst > tolerance) failed++;
  console.log(`${verdict} - golden chip ${name}: max |difference| ${worst.toExponential(2)} <= ${tolerance}`);
}
process.exit(failed === 0 ? 0 : 1);

#!/usr/bin/env node
// LFW View 2 accuracy of pgface's pipeline (decode, detect, landmarks, align, embed),
// run through the pgface CLI on the shared LFW copy. Not part of the test suite.
//   node test/bench/lfw.js [--lfw DIR] [--alignment dlib|faceapi] [--folds N] [--jobs N]
//                          [--input-size N] [--threshold S] [--models DIR]
//                          [--sql SOCKET_DIR [--sql-images N]]
// Prints the 10-fold accuracy (threshold chosen on the 9 training folds), the accuracy
// at the fixed tau 0.6, and how many images had no detectable face (a pair with a
// missing face counts as wrong). With --sql, the first N images (default 200) also go
// through SQL embed() on the cluster at SOCKET_DIR (database pgface, as scripts/demo.sh
// makes it), and every SQL embedding must equal the CLI's, value for value.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const repo = path.resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const lfw = option('--lfw', path.join(repo, '..', 'shared', 'data', 'lfw'));
const alignment = option('--alignment', 'dlib');
// Detector settings, as pgface.detector_input_size and pgface.detector_score_threshold.
const inputSize = Number(option('--input-size', '416'));
const threshold = Number(option('--threshold', '0.5'));
const foldLimit = Number(option('--folds', '10'));
const jobs = Number(option('--jobs', '2'));
const models = option('--models', path.join(repo, 'build', 'models'));
const cli = process.env.PGFACE_CLI || path.join(repo, 'build', 'pgface');
const sqlSocket = option('--sql', null);
const sqlImages = Number(option('--sql-images', '200'));

if (!fs.existsSync(path.join(lfw, 'pairs.txt'))) {
  console.log(`LFW not found at ${lfw}: skipped (the benchmark needs ../shared/data/lfw)`);
  process.exit(0);
}

// pairs.txt: "10 300", then per fold 300 same-person lines (name i j) and 300 different (n1 i n2 j).
function readPairs() {
  const lines = fs.readFileSync(path.join(lfw, 'pairs.txt'), 'utf8').trim().split('\n');
  const [folds, perFold] = lines[0].trim().split(/\s+/).map(Number);
  const image = (name, n) => path.join(lfw, name, `${name}_${String(n).padStart(4, '0')}.jpg`);
  const pairs = [];
  for (let f = 0; f < folds; f++) {
    for (let k = 0; k < 2 * perFold; k++) {
      const p = lines[1 + f * 2 * perFold + k].trim().split(/\s+/);
      pairs.push(p.length === 3
        ? { fold: f, same: true, a: image(p[0], p[1]), b: image(p[0], p[2]) }
        : { fold: f, same: false, a: image(p[0], p[1]), b: image(p[2], p[3]) });
    }
  }
  return pairs;
}

// Runs the CLI over a chunk of files; resolves to a map file -> embedding.
function embedChunk(files) {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, ['embed', '--alignment', alignment, '--input-size', String(inputSize),
      '--threshold', String(threshold), '--models', models, ...files],
      { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', () => {
      const result = new Map();
      for (const line of out.split('\n').filter(Boolean)) {
        const r = JSON.parse(line);
        result.set(r.file, r.embedding);
      }
      resolve(result);
    });
  });
}

// The same images through SQL embed(), in one query; every value must equal the CLI's.
function compareWithSql(files, embeddings) {
  const { execFileSync } = require('child_process');
  const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(',');
  const sql = `SET pgface.alignment = '${alignment}'; SET pgface.detector_input_size = ${inputSize};`
    + ` SET pgface.detector_score_threshold = ${threshold}; SELECT path, embed(pg_read_binary_file(path))`
    + ` FROM unnest(ARRAY[${list}]) AS path`;
  const out = execFileSync('psql', ['-X', '-q', '-At', '-F', '\t', '-h', sqlSocket, '-U', 'postgres', '-d', 'pgface',
    '-c', sql], { maxBuffer: 1 << 28 }).toString().trim().split('\n');
  let equal = 0;
  for (const line of out) {
    const [file, text] = line.split('\t');
    const ours = JSON.parse(text);
    if (ours.every((v, i) => v === embeddings.get(file)[i])) equal++;
  }
  console.log(`  SQL embed() equal to the CLI, value for value ${equal} of ${files.length} images`);
}

const distance = (u, v) => Math.sqrt(u.reduce((s, x, i) => s + (x - v[i]) ** 2, 0));

// The threshold that classifies the training pairs best; candidates are midpoints of sorted distances.
function bestThreshold(scored) {
  const sorted = scored.filter((p) => p.d !== null).sort((x, y) => x.d - y.d);
  let correct = scored.filter((p) => p.d !== null && !p.same).length; // threshold below everything
  let best = { correct, tau: sorted.length ? sorted[0].d - 1e-9 : 0.6 };
  for (let i = 0; i < sorted.length; i++) {
    correct += sorted[i].same ? 1 : -1;
    const tau = i + 1 < sorted.length ? (sorted[i].d + sorted[i + 1].d) / 2 : sorted[i].d + 1e-9;
    if (correct > best.correct) best = { correct, tau };
  }
  return best.tau;
}

const accuracy = (pairs, tau) =>
  pairs.filter((p) => p.d !== null && (p.d <= tau) === p.same).length / pairs.length;

(async () => {
  const pairs = readPairs().filter((p) => p.fold < foldLimit);
  const files = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const started = Date.now();
  const chunkSize = Math.ceil(files.length / (jobs * 8));
  const chunks = [];
  for (let i = 0; i < files.length; i += chunkSize) chunks.push(files.slice(i, i + chunkSize));
  const embeddings = new Map();
  let next = 0;
  await Promise.all(Array.from({ length: jobs }, async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++];
      for (const [k, v] of await embedChunk(chunk)) embeddings.set(k, v);
    }
  }));
  const seconds = (Date.now() - started) / 1000;

  for (const p of pairs) {
    const a = embeddings.get(p.a);
    const b = embeddings.get(p.b);
    p.d = a && b ? distance(a, b) : null;
  }
  const folds = [...new Set(pairs.map((p) => p.fold))];
  const perFold = folds.map((f) => {
    const test = pairs.filter((p) => p.fold === f);
    const train = folds.length > 1 ? pairs.filter((p) => p.fold !== f) : test;
    const tau = bestThreshold(train);
    return { tau, acc: accuracy(test, tau) };
  });
  const mean = perFold.reduce((s, r) => s + r.acc, 0) / perFold.length;
  const sd = Math.sqrt(perFold.reduce((s, r) => s + (r.acc - mean) ** 2, 0) / perFold.length);
  const missing = files.filter((f) => !embeddings.has(f)).length;

  console.log(`LFW View 2, ${folds.length} folds, ${pairs.length} pairs, ${files.length} images, alignment ${alignment}, detector ${inputSize} at score ${threshold}`);
  console.log(`  accuracy, threshold from the training folds  ${(100 * mean).toFixed(2)}% +- ${(100 * sd).toFixed(2)}`);
  console.log(`  thresholds chosen                            ${perFold.map((r) => r.tau.toFixed(3)).join(' ')}`);
  console.log(`  accuracy at tau 0.6                          ${(100 * accuracy(pairs, 0.6)).toFixed(2)}%`);
  console.log(`  images with no face found                    ${missing}`);
  console.log(`  pairs with a missing face (counted wrong)    ${pairs.filter((p) => p.d === null).length}`);
  console.log(`  time                                         ${seconds.toFixed(0)} s with ${jobs} processes`);
  if (sqlSocket) compareWithSql(files.filter((f) => embeddings.has(f)).slice(0, sqlImages), embeddings);
})();

#!/usr/bin/env node
// LFW View 2 accuracy of pgface's pipeline (decode, detect, landmarks, align, embed),
// run through the pgface CLI on the shared LFW copy. Not part of the test suite.
//   node test/bench/lfw.js [--lfw DIR] [--alignment dlib|faceapi] [--folds N] [--jobs N]
//                          [--input-size N] [--threshold S] [--mirror-average on|off]
//                          [--landmarks faceapi|dlib|mean]
//                          [--models DIR]
//                          [--sql SOCKET_DIR [--sql-images N]]
// Prints the 10-fold accuracy (threshold chosen on the 9 training folds), the accuracy
// at the fixed tau 0.6, and how many images had no detectable face (a pair with a
// missing face counts as wrong). With --sql, the first N images (default 200) also go
// through SQL embed() on the cluster at SOCKET_DIR (database pgface, as scripts/demo.sh
// makes it), and every SQL embedding must equal the CLI's, value for value.
'use strict';
const path = require('path');
const { optionReader } = require('./psql_session');
const { lfwOrSkip, readPairs, verification, embedWithCli } = require('./lfw_protocols');

const repo = path.resolve(__dirname, '..', '..');
const option = optionReader(process.argv.slice(2));
const lfw = lfwOrSkip(option);
const alignment = option('--alignment', 'dlib');
// Detector settings, as pgface.detector_input_size and pgface.detector_score_threshold.
const inputSize = Number(option('--input-size', '416'));
const threshold = Number(option('--threshold', '0.5'));
// pgface.mirror_average: with the dlib alignment, the mean of the chip's and its mirror's embedding.
const mirrorAverage = option('--mirror-average', 'on');
const landmarks = option('--landmarks', 'faceapi');
if (!Number.isInteger(inputSize) || !(threshold >= 0 && threshold <= 1) || !['on', 'off'].includes(mirrorAverage) ||
    !['faceapi', 'dlib', 'mean'].includes(landmarks)) {
  console.error('lfw.js: --input-size takes an integer (a multiple of 32), --threshold a score from 0 to 1, --mirror-average on or off, --landmarks faceapi, dlib or mean');
  process.exit(2);
}
const foldLimit = Number(option('--folds', '10'));
const jobs = Number(option('--jobs', '2'));
const models = option('--models', path.join(repo, 'build', 'models'));
const cli = process.env.PGFACE_CLI || path.join(repo, 'build', 'pgface');
const sqlSocket = option('--sql', null);
const sqlImages = Number(option('--sql-images', '200'));

// The same images through SQL embed(), in one query; every value must equal the CLI's.
function compareWithSql(files, embeddings) {
  const { execFileSync } = require('child_process');
  const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(',');
  const sql = `SET pgface.alignment = '${alignment}'; SET pgface.detector_input_size = ${inputSize};`
    + ` SET pgface.detector_score_threshold = ${threshold}; SET pgface.mirror_average = ${mirrorAverage}; SELECT path, embed(pg_read_binary_file(path))`
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

(async () => {
  const pairs = readPairs(lfw).filter((p) => p.fold < foldLimit);
  const files = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  // --mirror-average only when it is off, so that a CLI from before the option still runs the default.
  const options = ['--alignment', alignment, '--input-size', String(inputSize), '--threshold', String(threshold),
    ...(mirrorAverage === 'off' ? ['--mirror-average', 'off'] : []),
    ...(landmarks !== 'faceapi' ? ['--landmarks', landmarks] : [])];
  const { embeddings, seconds } = await embedWithCli({ cli, models, options, files, jobs });
  const v = verification(pairs, embeddings);
  const missing = files.filter((f) => !embeddings.has(f)).length;

  console.log(`LFW View 2, ${v.folds} folds, ${pairs.length} pairs, ${files.length} images, alignment ${alignment}, landmarks ${landmarks}, mirror averaging ${mirrorAverage}, detector ${inputSize} at score ${threshold}`);
  console.log(`  accuracy, threshold from the training folds  ${(100 * v.mean).toFixed(2)}% +- ${(100 * v.sd).toFixed(2)}`);
  console.log(`  thresholds chosen                            ${v.taus.map((t) => t.toFixed(3)).join(' ')}`);
  console.log(`  accuracy at tau 0.6                          ${(100 * v.atFixed).toFixed(2)}%`);
  console.log(`  images with no face found                    ${missing}`);
  console.log(`  pairs with a missing face (counted wrong)    ${v.missingPairs}`);
  console.log(`  time                                         ${seconds.toFixed(0)} s with ${jobs} processes`);
  if (sqlSocket) compareWithSql(files.filter((f) => embeddings.has(f)).slice(0, sqlImages), embeddings);
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});

#!/usr/bin/env node
// Pipeline variants (detector settings, alignment) measured on both LFW protocols from one
// pass of the CLI per variant: View 2 verification (10-fold, and at tau 0.6) and open-set
// identification (DIR at FAR 0.1%, 1% and 5%, distance and ratio rules), as in lfw.js
// and openset.js. The open-set figures here are computed outside SQL, from the CLI's
// embeddings, which lfw.js --sql shows equal to SQL embed()'s. Not part of the test suite.
//   node test/bench/variants.js [--lfw DIR] [--jobs N] [--out FILE]
//                               [--variant 'NAME=CLI OPTIONS']...
// Without --variant it measures the default pipeline and the variants below. Without
// ../shared/data/lfw (or --lfw) it says so and skips.
'use strict';
const fs = require('fs');
const path = require('path');
const { optionReader } = require('./psql_session');
const {
  lfwOrSkip, readPairs, distance, verification, photoRoles, RULES, ratesAt, tauForFar, embedWithCli,
} = require('./lfw_protocols');

const args = process.argv.slice(2);
const option = optionReader(args);
const repo = path.resolve(__dirname, '..', '..');
const lfw = lfwOrSkip(option);
const jobs = Number(option('--jobs', '2'));
const outFile = option('--out', null);
const models = option('--models', path.join(repo, 'build', 'models'));
const cli = process.env.PGFACE_CLI || path.join(repo, 'build', 'pgface');

const DEFAULT_VARIANTS = [
  'default (detector 416, score 0.5, dlib alignment, mirror averaged)=',
  'detector input 608=--input-size 608',
  'detector input 320=--input-size 320',
  'detector score 0.3=--threshold 0.3',
  'detector score 0.7=--threshold 0.7',
  "faceapi alignment (face-api's square crop, one pass)=--alignment faceapi",
  'dlib alignment, one pass (mirror averaging off)=--mirror-average off',
];
const variants = (args.includes('--variant')
  ? args.filter((_, i) => i > 0 && args[i - 1] === '--variant')
  : DEFAULT_VARIANTS).map((text) => {
  const at = text.indexOf('=');
  if (at <= 0) {
    console.error(`variants.js: --variant takes 'NAME=CLI OPTIONS', not '${text}'`);
    process.exit(2);
  }
  return { name: text.slice(0, at), options: text.slice(at + 1).split(/\s+/).filter(Boolean) };
});
if (variants.length === 0) {
  console.error('variants.js: --variant takes \'NAME=CLI OPTIONS\'');
  process.exit(2);
}

// Each probe's and stranger's nearest and second nearest enrolled person (one photo per
// person, so the two nearest faces), by brute force; no face: missed or rejected.
function nearestTwo(roles, embeddings) {
  const gallery = roles.filter((r) => r.role === 'gallery' && embeddings.has(r.file))
    .map((r) => ({ person: r.person, v: Float64Array.from(embeddings.get(r.file)) }));
  return roles.filter((r) => r.role !== 'gallery').map((r, id) => {
    const answer = { id, person: r.person, role: r.role, nearest: null, distance: Infinity, second: Infinity };
    const e = embeddings.get(r.file);
    if (!e) return answer;
    for (const g of gallery) {
      const d = distance(e, g.v);
      if (d < answer.distance) {
        answer.second = answer.distance;
        answer.distance = d;
        answer.nearest = g.person;
      } else if (d < answer.second) {
        answer.second = d;
      }
    }
    return answer;
  });
}

const pct = (x) => `${(100 * x).toFixed(2)}%`;

(async () => {
  const pairs = readPairs(lfw);
  const roles = photoRoles(lfw);
  const pairFiles = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const files = [...new Set([...pairFiles, ...roles.map((r) => r.file)])];
  const rows = [];
  for (const variant of variants) {
    console.error(`[${new Date().toISOString().slice(11, 19)}] ${variant.name}: embedding ${files.length} photos`);
    const { embeddings, seconds } = await embedWithCli({ cli, models, options: variant.options, files, jobs });
    const v = verification(pairs, embeddings);
    const answers = nearestTwo(roles, embeddings);
    const dir = (far, score) => ratesAt(answers, tauForFar(answers, far, score), score).right;
    rows.push({
      ...variant,
      v,
      noFace: files.filter((f) => !embeddings.has(f)).length,
      distance1: dir(0.01, RULES.distance),
      ratio: [0.001, 0.01, 0.05].map((far) => dir(far, RULES.ratio)),
      msPerPhoto: (1000 * seconds * jobs) / files.length,
    });
  }
  const out = [];
  out.push(`# Pipeline variants on LFW (${new Date().toISOString().slice(0, 10)})`);
  out.push('');
  out.push(`Command: \`node test/bench/variants.js ${args.join(' ')}\``);
  out.push('');
  out.push(`${files.length} photos per variant: the ${pairFiles.length} of View 2's pairs and the open-set protocol's `
    + `${roles.length} (${roles.filter((r) => r.role === 'gallery').length} enrolled, as many probes, `
    + `${roles.filter((r) => r.role === 'stranger').length} strangers). DIR: enrolled probes named right at the `
    + 'threshold that accepts at most that share of strangers.');
  out.push('');
  out.push(`| variant | CLI options | ${rows[0].v.folds}-fold | at tau 0.6 | no face | DIR at FAR 1%, distance | DIR at FAR 0.1% / 1% / 5%, ratio | ms per photo |`);
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    out.push(`| ${r.name} | \`${r.options.join(' ') || '(none)'}\` | ${pct(r.v.mean)} ± ${(100 * r.v.sd).toFixed(2)} `
      + `| ${pct(r.v.atFixed)} | ${r.noFace} | ${pct(r.distance1)} | ${r.ratio.map(pct).join(' / ')} | ${r.msPerPhoto.toFixed(1)} |`);
  }
  out.push('');
  out.push(`ms per photo: the CLI's whole pipeline, decode to embedding, wall time times ${jobs} processes over photos.`);
  const report = `${out.join('\n')}\n`;
  process.stdout.write(report);
  if (outFile) fs.writeFileSync(outFile, report);
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});

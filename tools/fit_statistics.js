#!/usr/bin/env node
// Fits the statistics pgface ships for its model, from LFW embeddings made by pgface's
// own pipeline (the JSON lines of `pgface embed`, one file per argument):
//   - the principal axes of the embeddings (one photo per person), which the GiST index
//     keys on, and the spread along each;
//   - the impostor-distance distribution (one photo each of two different people), for
//     the planner's estimates;
//   - the between-person and within-person covariances and the genuine-distance
//     quantiles, for the scale benchmark's synthetic faces.
// Writes src/face/embedding_statistics_data.c and test/bench/lfw_statistics.json.
//   node tools/fit_statistics.js EMBEDDINGS.jsonl...
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { symmetricEigen } = require('./symmetric_eigen');

const repo = path.resolve(__dirname, '..');
const AXES = 64;
const inputs = process.argv.slice(2);
if (inputs.length === 0) {
  console.error('usage: fit_statistics.js EMBEDDINGS.jsonl...');
  process.exit(2);
}

// person -> list of embeddings, in file-name order (LFW names files Person_Name_0001.jpg).
const people = new Map();
for (const input of inputs) {
  for (const line of fs.readFileSync(input, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line);
    if (!row.embedding) continue;
    const person = path.basename(path.dirname(row.file));
    if (!people.has(person)) people.set(person, []);
    people.get(person).push({ file: row.file, v: Float64Array.from(row.embedding) });
  }
}
for (const list of people.values()) list.sort((a, b) => (a.file < b.file ? -1 : 1));
const names = [...people.keys()].sort();
const D = people.get(names[0])[0].v.length;
const firsts = names.map((n) => people.get(n)[0].v);
const photos = names.reduce((s, n) => s + people.get(n).length, 0);

function meanOf(vectors) {
  const m = new Float64Array(D);
  for (const v of vectors) for (let i = 0; i < D; i++) m[i] += v[i];
  for (let i = 0; i < D; i++) m[i] /= vectors.length;
  return m;
}
function covarianceOf(vectors, mean) {
  const c = new Float64Array(D * D);
  for (const v of vectors)
    for (let i = 0; i < D; i++) {
      const di = v[i] - mean[i];
      for (let j = 0; j <= i; j++) c[i * D + j] += di * (v[j] - mean[j]);
    }
  for (let i = 0; i < D; i++)
    for (let j = 0; j <= i; j++) {
      c[i * D + j] /= vectors.length - 1;
      c[j * D + i] = c[i * D + j];
    }
  return c;
}

const eigen = (matrix) => symmetricEigen(matrix, D);

// One photo per person: the spread of the enrolled faces the index will hold.
const mean = meanOf(firsts);
const total = covarianceOf(firsts, mean);
const { values: totalValues, vectors: axes } = eigen(total);

// Within-person covariance, pooled over people with two or more photos.
const within = new Float64Array(D * D);
let withinDof = 0;
for (const name of names) {
  const list = people.get(name).map((p) => p.v);
  if (list.length < 2) continue;
  const m = meanOf(list);
  for (const v of list)
    for (let i = 0; i < D; i++) {
      const di = v[i] - m[i];
      for (let j = 0; j < D; j++) within[i * D + j] += di * (v[j] - m[j]);
    }
  withinDof += list.length - 1;
}
for (let i = 0; i < D * D; i++) within[i] /= withinDof;
// Between-person: one photo per person is a centre plus within-person noise.
const betweenRaw = total.map((t, i) => t - within[i]);
const { values: bValues, vectors: bVectors } = eigen(betweenRaw);
const between = new Float64Array(D * D);
bValues.forEach((lambda, k) => {
  if (lambda <= 0) return;
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) between[i * D + j] += lambda * bVectors[k][i] * bVectors[k][j];
});

function distance(a, b) {
  let s = 0;
  for (let i = 0; i < D; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}
// Impostor distances: every pair of different people, one photo each.
const impostor = new Float64Array((firsts.length * (firsts.length - 1)) / 2);
let n = 0;
for (let i = 0; i < firsts.length; i++)
  for (let j = i + 1; j < firsts.length; j++) impostor[n++] = distance(firsts[i], firsts[j]);
impostor.sort();
// Genuine distances: every pair of photos of the same person (at most 20 photos each).
const genuine = [];
for (const name of names) {
  const list = people.get(name).slice(0, 20).map((p) => p.v);
  for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) genuine.push(distance(list[i], list[j]));
}
genuine.sort((x, y) => x - y);

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))];
const fractions = [];
for (let e = -7; e < -1; e++) for (const m of [1, 2, 5]) fractions.push(m * 10 ** e);
for (let k = 3; k < 50; k++) fractions.push(k / 50);
fractions.push(0.99, 0.999);
// A quantile only where at least 100 pairs lie below it: LFW files a few people under two
// names, and those pairs, at near-zero distance, would otherwise make up the far tail
// (the code extrapolates the tail from the decade above the first quantile instead).
const MIN_PAIRS_BELOW = 100;
const impostorTable = fractions
  .filter((f) => f * impostor.length >= MIN_PAIRS_BELOW)
  .map((f) => ({ fraction: f, distance: quantile(impostor, f) }));
impostorTable.push({ fraction: 1, distance: impostor[impostor.length - 1] });

// How unevenly the impostor pairs fall among people. Some faces look like many others, so
// the number K of a stranger's look-alikes within tau among M people varies more than
// independent pairs would make it vary. face_tau models K as beta-binomial: each
// stranger's per-face share is Beta-distributed with mean F and shape alpha, so that
// Var K = mu (1 - F) (alpha + M F) / (alpha + F), mu = M F; solved for alpha by the moments
// measured at each quantile, with every first photo as the stranger and the other people's
// first photos as the gallery. face_tau's bisection needs alpha not to fall as tau grows,
// so the table keeps the running maximum (independent pairs: the largest shape).
const MAX_SHAPE = 1e6; // no measurable unevenness: independent pairs
const below = firsts.map(() => new Uint32Array(impostorTable.length));
for (let i = 0; i < firsts.length; i++)
  for (let j = i + 1; j < firsts.length; j++) {
    const d = distance(firsts[i], firsts[j]);
    let lo = 0;
    let hi = impostorTable.length; // first quantile point at or above d
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (impostorTable[mid].distance >= d) hi = mid;
      else lo = mid + 1;
    }
    if (lo < impostorTable.length) {
      below[i][lo]++;
      below[j][lo]++;
    }
  }
for (const counts of below) for (let t = 1; t < counts.length; t++) counts[t] += counts[t - 1];
const MIN_SHAPE = 1e-6;
impostorTable.forEach((row, t) => {
  const mu = below.reduce((s, c) => s + c[t], 0) / below.length;
  const variance = below.reduce((s, c) => s + (c[t] - mu) ** 2, 0) / (below.length - 1);
  const share = mu / (firsts.length - 1);
  const binomial = mu * (1 - share); // the variance of independent pairs
  const shape = variance > binomial ? (mu * mu * (1 - share) - variance * share) / (variance - binomial) : MAX_SHAPE;
  row.shape = Math.min(MAX_SHAPE, Math.max(MIN_SHAPE, shape, t > 0 ? impostorTable[t - 1].shape : 0));
});

const fmt = (x) => (Math.fround(x) === 0 ? '0.0f' : `${Math.fround(x).toPrecision(9)}f`);
const rows = (vs, per) => {
  const out = [];
  for (let i = 0; i < vs.length; i += per) out.push('    ' + vs.slice(i, i + per).join(', ') + ',');
  return out.join('\n');
};
const c = `/*
 * embedding_statistics_data.c: statistics of the dlib_resnet_v1 embedding space,
 * fitted on ${photos} LFW photos of ${names.length} people embedded by pgface's own pipeline.
 * Generated by tools/fit_statistics.js; do not edit. Changing the mean or the axes
 * invalidates existing GiST indexes (see embedding_statistics.h).
 */
#include "face/embedding_statistics.h"

#include "face/model_dlib_resnet_v1.h"

static const float mean[${D}] = {
${rows([...mean].map(fmt), 6)}
};

static const float axes[${AXES} * ${D}] = {
${axes.slice(0, AXES).map((a) => rows([...a].map(fmt), 6)).join('\n')}
};

static const float axis_sigma[${AXES}] = {
${rows(totalValues.slice(0, AXES).map((x) => fmt(Math.sqrt(x))), 6)}
};

static const double impostor_distance[${impostorTable.length}] = {
${rows(impostorTable.map((r) => r.distance.toPrecision(9)), 6)}
};

static const double impostor_fraction[${impostorTable.length}] = {
${rows(impostorTable.map((r) => r.fraction.toPrecision(6)), 6)}
};

static const double impostor_shape[${impostorTable.length}] = {
${rows(impostorTable.map((r) => r.shape.toPrecision(6)), 6)}
};

const pgface_embedding_statistics pgface_dlib_resnet_v1_statistics = {
    .dims = ${D},
    .photos = ${photos},
    .mean = mean,
    .axes = axes,
    .axis_sigma = axis_sigma,
    .impostor_points = ${impostorTable.length},
    .impostor_distance = impostor_distance,
    .impostor_fraction = impostor_fraction,
    .impostor_shape = impostor_shape,
};
`;
const dataFile = path.join(repo, 'src', 'face', 'embedding_statistics_data.c');
fs.writeFileSync(dataFile, c);
// The project's .clang-format lays the tables out; without clang-format they stay as written.
const formatted = spawnSync('clang-format', ['-i', dataFile]);
if (formatted.error || formatted.status !== 0)
  console.error(`clang-format failed (${formatted.error ? formatted.error.code : formatted.stderr}): ${dataFile} is unformatted`);

const round = (x) => Number(x.toPrecision(7));
const json = {
  source: `LFW, ${photos} photos of ${names.length} people, embedded by pgface embed (dlib alignment)`,
  dims: D,
  mean: [...mean].map(round),
  between_covariance: [...between].map(round),
  within_covariance: [...within].map(round),
  impostor_quantiles: impostorTable.map((r) => [r.fraction, round(r.distance)]),
  impostor_shapes: impostorTable.map((r) => [r.fraction, round(r.shape)]),
  genuine_quantiles: [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99].map((q) => [q, round(quantile(genuine, q))]),
};
fs.writeFileSync(path.join(repo, 'test', 'bench', 'lfw_statistics.json'), JSON.stringify(json) + '\n');

const explained = totalValues.slice(0, AXES).reduce((s, x) => s + x, 0) / totalValues.reduce((s, x) => s + x, 0);
console.log(`people ${names.length}, photos ${photos}, dims ${D}`);
console.log(`variance on the first ${AXES} axes: ${(100 * explained).toFixed(1)}%`);
console.log(`sigma: ${totalValues.slice(0, 24).map((x) => Math.sqrt(x).toFixed(4)).join(' ')}`);
console.log(`impostor distance quantiles: ${impostorTable.filter((_, i) => i % 4 === 0).map((r) => `${r.fraction}:${r.distance.toFixed(3)}`).join(' ')}`);
console.log(`impostor shape (alpha): ${impostorTable.filter((_, i) => i % 4 === 0).map((r) => `${r.fraction}:${r.shape.toPrecision(3)}`).join(' ')}`);
console.log(`genuine distance quantiles: ${json.genuine_quantiles.map(([q, d]) => `${q}:${d.toFixed(3)}`).join(' ')}`);

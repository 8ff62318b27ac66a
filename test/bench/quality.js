#!/usr/bin/env node
// Face quality on LFW: fits the combined score's calibration and shows what it predicts.
// Not part of the test suite (it needs ../shared/data/lfw).
//   node test/bench/quality.js [--lfw DIR] [--jobs N] [--models DIR] [--cache FILE]
//                              [--degraded N] [--work DIR]
// 1. Runs `pgface quality` over LFW View 2's images and the open-set benchmark's (the
//    face embed() uses, its quality components, the features the score weighs, and its
//    embedding), cached in --cache so that a second run costs nothing.
// 2. Fits the calibration: a logistic model of whether a View 2 pair is classified wrong
//    at tau 0.6, logit = intercept + w . (features(a) + features(b)), w >= 0 (a worse
//    component never makes a comparison safer); w's direction from the same-person pairs'
//    distances, its scale from the failures (fitCalibration). Besides View 2's pairs the
//    fit sees training pairs whose first photo is degraded (blur, a smaller face, JPEG,
//    darkness, each over a range), made from pairs that the held-back copies of 5. never
//    use: LFW's own photos vary too little in those for a fit to weigh them. Prints the
//    calibration as the C initialiser for the model's descriptor.
// 3. Error rate by decile of the lower score of a pair's two faces, each fold scored by
//    the calibration fitted on the other nine (so no pair is scored by a fit that saw it).
// 4. Open set (first photo of each person with two or more enrolled, the second the probe,
//    people with one photo strangers): enrolling only faces above a cut, the share of
//    people refused against DIR at a stranger acceptance of 1% (the distance rule and
//    face_identify's cohort rule), thresholds set on the strangers.
// 5. Held-back degradations, made here from --degraded LFW images with ImageMagick (blur,
//    faces downscaled to 30-40 px, heavy JPEG, darkening): the share whose degraded copy
//    scores below its original. They are not used by the fit.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { optionReader } = require('./psql_session');
const { endRatio, trendRatio } = require('./rate_ratio');
const { lfwOrSkip, readPairs, distance, photoRoles, answerFromCandidates, COHORT_RULES, RULES, embedWithCli } = require('./lfw_protocols');

const repo = path.resolve(__dirname, '..', '..');
const option = optionReader(process.argv.slice(2));
const lfw = lfwOrSkip(option);
const jobs = Number(option('--jobs', '2'));
const models = option('--models', path.join(repo, 'build', 'models'));
const cli = process.env.PGFACE_CLI || path.join(repo, 'build', 'pgface');
const cacheFile = option('--cache', path.join(os.tmpdir(), 'pgface-quality-cache.json'));
const degradedCount = Number(option('--degraded', '300'));
const work = option('--work', path.join(os.tmpdir(), 'pgface-quality-degraded'));
const TAU = 0.6;
const FEATURE_NAMES = ['smallness', 'yaw', 'pitch', 'roll', 'blur', 'darkness', 'glare', 'flatness', 'doubt', 'compression'];

const keep = (r) => ({ file: r.file, quality: r.quality, features: r.features, embedding: r.embedding });

// `pgface quality` over files, reusing the cache for those it holds.
async function faceRecords(files) {
  const cache = fs.existsSync(cacheFile) ? new Map(Object.entries(JSON.parse(fs.readFileSync(cacheFile, 'utf8')))) : new Map();
  const todo = files.filter((f) => !cache.has(f));
  if (todo.length) {
    const { embeddings, seconds } = await embedWithCli({ cli, models, files: todo, jobs, command: 'quality', keep });
    for (const f of todo) cache.set(f, embeddings.get(f) || null);
    fs.writeFileSync(cacheFile, JSON.stringify(Object.fromEntries(cache)));
    console.log(`  pgface quality over ${todo.length} images: ${seconds.toFixed(0)} s with ${jobs} processes`);
  }
  return cache;
}

// Standardised copies of rows' features (x), for fitting with one step size; the fit
// is mapped back onto the raw features by unscale.
function standardise(xs) {
  const d = xs[0].length;
  const mean = Array(d).fill(0);
  const sd = Array(d).fill(0);
  for (const x of xs) x.forEach((v, j) => { mean[j] += v / xs.length; });
  for (const x of xs) x.forEach((v, j) => { sd[j] += (v - mean[j]) ** 2 / xs.length; });
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]) || 1;
  return { z: xs.map((x) => x.map((v, j) => (v - mean[j]) / sd[j])), unscale: (w) => w.map((wj, j) => wj / sd[j]) };
}

// Step 1, the direction: how far apart two photos of one person land grows with how bad
// the two faces are. A least-squares fit of the same-person pairs' distance on
// features(a) + features(b), w >= 0 (projected gradient descent, a small ridge), uses
// every one of the ~3,000 same-person pairs, where the failures alone are ~50 events.
function fitBadness(rows, lambda = 1e-3, steps = 3000) {
  const same = rows.filter((r) => r.same);
  const { z, unscale } = standardise(same.map((r) => r.x));
  const d = z[0].length;
  const mean = same.reduce((s, r) => s + r.d, 0) / same.length;
  const w = Array(d).fill(0);
  for (let t = 0; t < steps; t++) {
    const g = Array(d).fill(0);
    z.forEach((zi, i) => {
      let e = mean - same[i].d;
      for (let j = 0; j < d; j++) e += w[j] * zi[j];
      for (let j = 0; j < d; j++) g[j] += e * zi[j] / z.length;
    });
    for (let j = 0; j < d; j++) w[j] = Math.max(0, w[j] - 0.1 * (g[j] + lambda * w[j]));
  }
  return unscale(w);
}

// Step 2, the scale: a one-variable logistic model of a pair being wrong at tau 0.6 on its
// badness, b(a) + b(b) with b = w.features (Newton's method). Together: logit = intercept
// + slope w.(f_a + f_b), the form quality.c evaluates.
function fitCalibration(rows) {
  const direction = fitBadness(rows);
  const badness = rows.map((r) => r.x.reduce((s, v, j) => s + direction[j] * v, 0));
  let c0 = 0;
  let c1 = 0;
  for (let it = 0; it < 50; it++) {
    let g0 = 0, g1 = 0, h00 = 0, h01 = 0, h11 = 0;
    rows.forEach((r, i) => {
      const p = 1 / (1 + Math.exp(-(c0 + c1 * badness[i])));
      const e = p - (r.y ? 1 : 0);
      const v = p * (1 - p);
      g0 += e; g1 += e * badness[i];
      h00 += v; h01 += v * badness[i]; h11 += v * badness[i] * badness[i];
    });
    const det = h00 * h11 - h01 * h01;
    c0 -= (h11 * g0 - h01 * g1) / det;
    c1 -= (h00 * g1 - h01 * g0) / det;
  }
  return { intercept: c0, weights: direction.map((w) => Math.max(0, c1) * w) };
}

// A pair's logit is intercept + w.(f_a + f_b); a face's score is the chance that a pair of
// two faces like it is compared right: 1 - sigmoid(intercept + 2 w.f), as quality.c says.
const faceScore = (fit, features) => 1 / (1 + Math.exp(fit.intercept + 2 * features.reduce((s, f, j) => s + fit.weights[j] * f, 0)));

function pairRows(pairs, records) {
  return pairs.filter((p) => records.get(p.a) && records.get(p.b)).map((p) => {
    const a = records.get(p.a);
    const b = records.get(p.b);
    const d = distance(a.embedding, b.embedding);
    return { ...p, d, y: (d <= TAU) !== p.same, x: a.features.map((f, j) => f + b.features[j]), fa: a.features, fb: b.features, eb: b.embedding };
  });
}

// The end deciles' ratio with its exact interval, and the ratio of a trend fitted to all ten.
function printRatios(table) {
  const errors = table.map((t) => t.errors);
  const pairs = table.map((t) => t.pairs);
  const show = (r) => `${r.ratio.toFixed(2)}x (95% interval ${r.lower.toFixed(2)}x to ${r.upper.toFixed(2)}x)`;
  console.log(`  the end deciles alone: ${show(endRatio(errors, pairs))}`);
  console.log(`  a log-linear trend over all ten deciles (Poisson fit): ${show(trendRatio(errors, pairs))}`);
}

function deciles(scored) {
  const sorted = [...scored].sort((p, q) => p.q - q.q);
  const out = [];
  for (let k = 0; k < 10; k++) {
    const part = sorted.slice(Math.floor(k * sorted.length / 10), Math.floor((k + 1) * sorted.length / 10));
    out.push({ from: part[0].q, to: part[part.length - 1].q, pairs: part.length, errors: part.filter((p) => p.y).length });
  }
  return out;
}

// Open set with the gallery cut at a quality: DIR at 1% of strangers accepted, by rule.
function opensetAtCut(roles, records, scoreOf, cut) {
  const gallery = roles.filter((r) => r.role === 'gallery' && records.get(r.file));
  const enrolled = gallery.filter((r) => scoreOf(records.get(r.file)) >= cut);
  const enrolledPeople = new Set(enrolled.map((r) => r.person));
  const probes = roles.filter((r) => r.role === 'probe' && records.get(r.file) && enrolledPeople.has(r.person));
  const strangers = roles.filter((r) => r.role === 'stranger' && records.get(r.file));
  const answer = (probe) => {
    const e = records.get(probe.file).embedding;
    const candidates = enrolled.map((g) => [g.person, distance(e, records.get(g.file).embedding)]).sort((x, y) => x[1] - y[1]).slice(0, 5);
    return answerFromCandidates(probe, candidates);
  };
  const probeAnswers = probes.map(answer);
  const strangerAnswers = strangers.map(answer);
  const result = { refused: 1 - enrolled.length / gallery.length, people: enrolled.length };
  for (const [name, rule] of [['distance', RULES.distance], ['cohort', COHORT_RULES.geoRatio(3)]]) {
    const s = strangerAnswers.map(rule).sort((x, y) => x - y);
    const t = s[Math.floor(0.01 * s.length)];
    result[name] = probeAnswers.filter((a) => rule(a) < t && a.nearest === a.person).length / probeAnswers.length;
  }
  return result;
}

// The degraded copies of one image, with ImageMagick; [kind, file] pairs. The held-back
// copies (variation null) take one setting of each degradation; the training copies
// spread each over a range (variation 0 to 1), so that the fit learns slopes, not points.
function degrade(file, name, index, variation = null) {
  const base = path.join(work, name);
  const v = variation;
  const faceScale = v === null ? 30 + (index % 11) : 25 + 25 * v; // the face from about 110 px
  const made = [
    ['blur', `${base}_blur.png`, ['-blur', `0x${v === null ? 2.5 : (1.2 + 2.5 * v).toFixed(2)}`]],
    ['small', `${base}_small.png`, ['-resize', `${(100 * faceScale / 110).toFixed(1)}%`]],
    ['jpeg', `${base}_jpeg.jpg`, ['-quality', `${v === null ? 4 : Math.round(2 + 12 * v)}`]],
    ['dark', `${base}_dark.png`, ['-evaluate', 'multiply', `${v === null ? 0.3 : (0.15 + 0.35 * v).toFixed(2)}`]],
  ];
  for (const [, out, args] of made) if (!fs.existsSync(out)) execFileSync('convert', [file, ...args, out]);
  return made.map(([kind, out]) => [kind, out]);
}

// The pairs of each chosen pair's degraded first photo with its second, compared as the
// original pair was: rows in pairRows' form, with the degradation's kind.
async function degradedPairs(chosenPairs, prefix, variationOf) {
  const chosen = [...new Set(chosenPairs.map((p) => p.a))];
  const copies = new Map(chosen.map((f, i) => [f, degrade(f, `${prefix}${path.basename(f, '.jpg')}`, i, variationOf(i))]));
  const degradedRecords = await faceRecords([...copies.values()].flatMap((c) => c.map(([, out]) => out)));
  const out = [];
  for (const p of chosenPairs) {
    for (const [kind, file] of copies.get(p.a)) {
      const a = degradedRecords.get(file);
      const b = p.fb;
      if (!a) continue;
      const d = distance(a.embedding, p.eb);
      out.push({ fold: p.fold, kind, same: p.same, d, y: (d <= TAU) !== p.same, x: a.features.map((f, j) => f + b[j]), fa: a.features, fb: b, original: p.a, file });
    }
  }
  return { pairs: out, copies, degradedRecords };
}

(async () => {
  const pairs = readPairs(lfw);
  const roles = photoRoles(lfw);
  const files = [...new Set([...pairs.flatMap((p) => [p.a, p.b]), ...roles.map((r) => r.file)])];
  const records = await faceRecords(files);
  const rows = pairRows(pairs, records);
  console.log(`LFW View 2: ${rows.length} pairs with both faces found, ${rows.filter((r) => r.y).length} wrong at tau ${TAU}`);

  // Training degradations, from pairs that the held-back ones never use: LFW's own photos
  // vary too little in size, focus, light and compression for the fit to weigh them.
  const step = Math.max(1, Math.floor(rows.length / Math.max(degradedCount, 1)));
  fs.mkdirSync(work, { recursive: true });
  const training = degradedCount > 0
    ? (await degradedPairs(rows.filter((_, i) => i % step === Math.floor(step / 2)), 't', (i) => (i * 0.618034) % 1)).pairs
    : [];
  if (training.length) console.log(`  training: ${training.length} pairs of a degraded copy (${training.filter((t) => t.y).length} wrong), from pairs the held-back copies do not use`);
  const fit = fitCalibration(rows.concat(training));
  console.log('\ncalibration fitted on all ten folds (logit of a wrong comparison = intercept + w.(f_a + f_b)):');
  console.log(`  intercept ${fit.intercept.toFixed(5)}`);
  FEATURE_NAMES.forEach((n, j) => console.log(`  ${n.padEnd(10)} ${fit.weights[j].toFixed(5)}`));
  console.log(`  C: {${fit.intercept.toFixed(5)}, {${fit.weights.map((w) => w.toFixed(5)).join(', ')}}}`);

  // 3. deciles, each fold scored by the fit on the other nine
  const heldOut = [];
  for (let f = 0; f < 10; f++) {
    const foldFit = fitCalibration(rows.concat(training).filter((r) => r.fold !== f));
    for (const r of rows.filter((x) => x.fold === f)) heldOut.push({ ...r, q: Math.min(faceScore(foldFit, r.fa), faceScore(foldFit, r.fb)) });
  }
  const table = deciles(heldOut);
  console.log('\nerror rate at tau 0.6 by decile of the pair\'s lower score (held-out folds):');
  console.log('  decile  lower score        pairs  wrong  error rate');
  table.forEach((t, k) => console.log(`  ${String(k + 1).padStart(6)}  ${t.from.toFixed(4)} to ${t.to.toFixed(4)}  ${String(t.pairs).padStart(5)}  ${String(t.errors).padStart(5)}  ${(100 * t.errors / t.pairs).toFixed(2)}%`));
  const low = table[0].errors / table[0].pairs;
  const high = table[9].errors / table[9].pairs;
  console.log(`  lowest decile against highest: ${high > 0 ? (low / high).toFixed(1) + 'x' : 'no error in the highest'} (${table[0].errors} and ${table[9].errors} errors)`);
  printRatios(table);
  // each component alone, as a check on what carries the prediction
  console.log('\neach feature alone: error rate of the pairs in the worst and best decile by the worse face\'s feature');
  FEATURE_NAMES.forEach((n, j) => {
    const t = deciles(rows.map((r) => ({ ...r, q: -Math.max(r.fa[j], r.fb[j]) })));
    console.log(`  ${n.padEnd(10)} ${(100 * t[0].errors / t[0].pairs).toFixed(2)}% and ${(100 * t[9].errors / t[9].pairs).toFixed(2)}%`);
  });

  // 4. open set against a quality cut (the score of the fit on all folds: the shipped one)
  const scoreOf = (r) => faceScore(fit, r.features);
  const galleryScores = roles.filter((r) => r.role === 'gallery' && records.get(r.file)).map((r) => scoreOf(records.get(r.file))).sort((x, y) => x - y);
  console.log('\nopen set, enrolling only faces at or above a cut: DIR at a stranger acceptance of 1%');
  console.log('  cut (share refused)      people  distance rule  cohort rule    the same share refused at random');
  // A smaller gallery is easier by itself, so each cut is set beside refusing as many
  // people at random (the mean of five draws): the difference is what quality buys.
  let seed = 7;
  const random = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  for (const share of [0, 0.05, 0.1, 0.2, 0.3]) {
    const cut = share === 0 ? -Infinity : galleryScores[Math.floor(share * galleryScores.length)];
    const r = opensetAtCut(roles, records, scoreOf, cut);
    const control = { distance: 0, cohort: 0 };
    for (let draw = 0; draw < 5; draw++) {
      const lottery = new Map([...records.keys()].map((f) => [f, random()]));
      const c = opensetAtCut(roles, records, (rec) => lottery.get(rec.file), share === 0 ? -Infinity : share);
      control.distance += c.distance / 5;
      control.cohort += c.cohort / 5;
    }
    console.log(`  ${(share === 0 ? 'none' : cut.toFixed(4)).padEnd(8)} (${(100 * r.refused).toFixed(1).padStart(4)}%)       ${String(r.people).padStart(5)}  ${(100 * r.distance).toFixed(2).padStart(12)}%  ${(100 * r.cohort).toFixed(2).padStart(10)}%    at random: ${(100 * control.distance).toFixed(2)}%  ${(100 * control.cohort).toFixed(2)}%`);
  }

  // 5. held-back degradations
  if (degradedCount > 0) {
    // the first photo of every k-th View 2 pair whose faces are both found, so that the
    // copies also make pairs: (degraded a, b), compared as the original pair was
    const chosenPairs = rows.filter((_, i) => i % step === 0).slice(0, degradedCount);
    const heldBack = await degradedPairs(chosenPairs, '', () => null);
    const chosen = [...heldBack.copies.keys()];
    const copies = chosen.map((f) => ({ original: f, copies: heldBack.copies.get(f) }));
    const { degradedRecords } = heldBack;
    console.log(`\nheld-back degradations of ${chosen.length} LFW images: the degraded copy scores below its original`);
    const total = { lower: 0, scored: 0, lost: 0 };
    for (const kind of ['blur', 'small', 'jpeg', 'dark']) {
      let lower = 0;
      let scored = 0;
      let lost = 0;
      for (const c of copies) {
        const out = c.copies.find(([k]) => k === kind)[1];
        const r = degradedRecords.get(out);
        if (!r) { lost++; continue; }
        scored++;
        if (scoreOf(r) < scoreOf(records.get(c.original))) lower++;
      }
      total.lower += lower; total.scored += scored; total.lost += lost;
      console.log(`  ${kind.padEnd(6)} ${lower} of ${scored} (${(100 * lower / scored).toFixed(1)}%), ${lost} with no face found`);
    }
    console.log(`  all    ${total.lower} of ${total.scored} (${(100 * total.lower / total.scored).toFixed(1)}%), ${total.lost} with no face found`);

    // Where quality varies, it predicts failures: the View 2 pairs with the chosen pairs'
    // degraded copies added, error rate at tau 0.6 by decile of the lower score.
    const mixed = rows.map((r) => ({ ...r, q: Math.min(scoreOf({ features: r.fa }), scoreOf({ features: r.fb })) }))
      .concat(heldBack.pairs.map((r) => ({ ...r, q: Math.min(scoreOf({ features: r.fa }), scoreOf({ features: r.fb })) })));
    const added = mixed.length - rows.length;
    const mixedTable = deciles(mixed);
    console.log(`\nView 2 with ${added} pairs of a degraded copy and the pair's other photo added (${mixed.filter((m) => m.kind && m.y).length} of them wrong at tau 0.6):`);
    console.log('  decile  lower score        pairs  wrong  error rate  degraded pairs');
    mixedTable.forEach((t, k) => {
      const sorted = [...mixed].sort((p, q) => p.q - q.q);
      const part = sorted.slice(Math.floor(k * sorted.length / 10), Math.floor((k + 1) * sorted.length / 10));
      console.log(`  ${String(k + 1).padStart(6)}  ${t.from.toFixed(4)} to ${t.to.toFixed(4)}  ${String(t.pairs).padStart(5)}  ${String(t.errors).padStart(5)}  ${(100 * t.errors / t.pairs).toFixed(2).padStart(9)}%  ${part.filter((m) => m.kind).length}`);
    });
    printRatios(mixedTable);
  }
})().catch((e) => {
  console.error(e.stack);
  process.exit(1);
});

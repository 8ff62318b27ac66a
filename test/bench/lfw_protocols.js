// The two LFW protocols the benchmarks share, and the CLI runner that feeds them:
//   - View 2 verification (pairs.txt, 10 folds; each fold's threshold chosen on the
//     other nine; a pair with a missing face counts as wrong);
//   - open-set identification (the first photo of every person with two or more
//     enrolled, their second photos as probes, people with one photo as strangers),
//     scored by the distance rule, the ratio rule, or a cohort-normalised rule over
//     each probe's candidates grouped by person, with the calibration of
//     d1 / geometric mean(d2..d_k+1) for the gallery size.
// Used by lfw.js, openset.js and variants.js; not part of the test suite.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

// The LFW directory of --lfw, else ../shared/data/lfw beside the repository. Without it
// the benchmark says so and exits 0: LFW is not part of a user's checkout.
function lfwOrSkip(option) {
  const repo = path.resolve(__dirname, '..', '..');
  const lfw = path.resolve(option('--lfw', path.join(repo, '..', 'shared', 'data', 'lfw')));
  if (!fs.existsSync(path.join(lfw, 'pairs.txt'))) {
    console.log(`LFW not found at ${lfw}: skipped (the benchmark needs ../shared/data/lfw)`);
    process.exit(0);
  }
  return lfw;
}

// pairs.txt: "10 300", then per fold 300 same-person lines (name i j) and 300 different (n1 i n2 j).
function readPairs(lfw) {
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

const distance = (u, v) => {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += (u[i] - v[i]) ** 2;
  return Math.sqrt(s);
};

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

// View 2 accuracy of embeddings (file -> vector): k-fold mean and spread, each fold's
// chosen threshold, the accuracy at a fixed tau, and the pairs with a missing face.
function verification(pairs, embeddings, fixedTau = 0.6) {
  const scored = pairs.map((p) => {
    const a = embeddings.get(p.a);
    const b = embeddings.get(p.b);
    return { ...p, d: a && b ? distance(a, b) : null };
  });
  const folds = [...new Set(scored.map((p) => p.fold))];
  const perFold = folds.map((f) => {
    const test = scored.filter((p) => p.fold === f);
    const train = folds.length > 1 ? scored.filter((p) => p.fold !== f) : test;
    const tau = bestThreshold(train);
    return { tau, acc: accuracy(test, tau) };
  });
  const mean = perFold.reduce((s, r) => s + r.acc, 0) / perFold.length;
  const sd = Math.sqrt(perFold.reduce((s, r) => s + (r.acc - mean) ** 2, 0) / perFold.length);
  return {
    folds: folds.length,
    mean,
    sd,
    taus: perFold.map((r) => r.tau),
    atFixed: accuracy(scored, fixedTau),
    missingPairs: scored.filter((p) => p.d === null).length,
  };
}

// Each LFW person (the first peopleLimit, when given) with their photos' paths, sorted.
function peopleWithPhotos(lfw, peopleLimit = 0) {
  const out = [];
  const people = fs.readdirSync(lfw).sort();
  for (const person of peopleLimit > 0 ? people.slice(0, peopleLimit) : people) {
    const dir = path.join(lfw, person);
    if (!fs.statSync(dir).isDirectory()) continue;
    out.push({ person, files: fs.readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort().map((f) => path.join(dir, f)) });
  }
  return out;
}

// The open-set roles of every photo: {person, role: gallery|probe|stranger, file}.
function photoRoles(lfw, peopleLimit = 0) {
  const rows = [];
  for (const { person, files } of peopleWithPhotos(lfw, peopleLimit)) {
    if (files.length >= 2) {
      rows.push({ person, role: 'gallery', file: files[0] });
      rows.push({ person, role: 'probe', file: files[1] });
    } else if (files.length === 1) {
      rows.push({ person, role: 'stranger', file: files[0] });
    }
  }
  return rows;
}

// A second enrolled photo for the people with three or more photos (their third, so the
// probe stays their second): {person, role: 'gallery2', file}. openset.js enrols them in
// a gallery with several photos per person, to check the rules and the calibration there.
function secondGalleryPhotos(lfw, peopleLimit = 0) {
  return peopleWithPhotos(lfw, peopleLimit).filter((p) => p.files.length >= 3)
    .map(({ person, files }) => ({ person, role: 'gallery2', file: files[2] }));
}

// The two acceptance rules: the nearest distance below tau, or the ratio of the nearest
// person's distance to the second nearest person's below r (no second person: no ratio).
const RULES = {
  distance: (a) => a.distance,
  ratio: (a) => (Number.isFinite(a.second) && a.second > 0 ? a.distance / a.second : Infinity),
};

// One probe's answer from the candidates that one index scan returned (ORDER BY emb <->
// probe LIMIT K: [label, distance] pairs, nearest first). A gallery may hold several
// photos per person, so the candidates are grouped by label, each person at their
// nearest photo: `people` holds the distinct people's distances, nearest first (as many
// people as the K faces covered), and nearest / distance / second are what RULES read.
function answerFromCandidates(probe, candidates) {
  const seen = new Set();
  const people = [];
  const labels = [];
  for (const [label, d] of candidates) {
    if (seen.has(label)) continue;
    seen.add(label);
    labels.push(label);
    people.push(d);
  }
  return {
    ...probe,
    nearest: labels.length ? labels[0] : null,
    distance: people.length ? people[0] : Infinity,
    second: people.length > 1 ? people[1] : Infinity,
    people,
  };
}

// The cohort-normalised scores, over the distances of the people after the nearest:
// the cohort of k is people[1..k] (the 2nd to the (k+1)-th nearest person), so a
// gallery with one photo per person needs K = k + 1 candidates. Every score is "lower
// is more confident", accepted below its threshold, like RULES; with fewer than the
// people it needs the score is Infinity (nobody named).
//   tnorm(k)      (d1 - mean) / sd of the cohort: the nearest distance in standard
//                 deviations of the probe's own next k people (T-norm);
//   meanRatio(k)  d1 / mean of the cohort;
//   geoRatio(k)   d1 / geometric mean of the cohort (k = 1 is the ratio rule);
//   shift(k, b)   d1 - b * mean of the cohort (b = 0 is the distance rule).
function cohortStats(a, k) {
  if (a.people.length < k + 1) return null;
  let sum = 0;
  for (let i = 1; i <= k; i++) sum += a.people[i];
  const mean = sum / k;
  let ss = 0;
  for (let i = 1; i <= k; i++) ss += (a.people[i] - mean) ** 2;
  return { mean, sd: Math.sqrt(ss / (k - 1)) };
}
const COHORT_RULES = {
  tnorm: (k) => (a) => {
    const c = k >= 2 ? cohortStats(a, k) : null;
    return c && c.sd > 0 ? (a.distance - c.mean) / c.sd : Infinity;
  },
  meanRatio: (k) => (a) => {
    const c = cohortStats(a, k);
    return c && c.mean > 0 ? a.distance / c.mean : Infinity;
  },
  geoRatio: (k) => (a) => {
    if (a.people.length < k + 1 || !(a.people[1] > 0)) return Infinity;
    let logSum = 0;
    for (let i = 1; i <= k; i++) logSum += Math.log(a.people[i]);
    return a.distance / Math.exp(logSum / k);
  },
  shift: (k, b) => (a) => {
    const c = cohortStats(a, k);
    return c ? a.distance - b * c.mean : Infinity;
  },
};

// Rates at one threshold of a rule's score: enrolled probes right / wrong / missed, strangers accepted.
function ratesAt(answers, tau, score = RULES.distance) {
  const probes = answers.filter((a) => a.role === 'probe');
  const strangers = answers.filter((a) => a.role === 'stranger');
  const accepted = (a) => score(a) < tau;
  const right = probes.filter((a) => accepted(a) && a.nearest === a.person).length;
  const wrong = probes.filter((a) => accepted(a) && a.nearest !== a.person).length;
  return {
    tau,
    right: right / probes.length,
    wrong: wrong / probes.length,
    missed: (probes.length - right - wrong) / probes.length,
    far: strangers.filter(accepted).length / strangers.length,
  };
}

// The largest threshold whose FAR is at most far: the strangers' scores, sorted.
function tauForFar(answers, far, score = RULES.distance) {
  const distances = answers.filter((a) => a.role === 'stranger').map(score).sort((x, y) => x - y);
  const allowed = Math.floor(far * distances.length);
  return distances[allowed]; // "< tau" accepts exactly the `allowed` smaller ones (ties aside)
}

// Runs `pgface embed` (or another command that prints one JSON object per file) over
// files in chunks, `jobs` processes at a time; resolves to a map file -> embedding (or
// what `keep` takes from each object; files without a face are absent) and the seconds.
async function embedWithCli({ cli, models, options = [], files, jobs, command = 'embed', keep = (r) => r.embedding }) {
  const started = Date.now();
  const chunkSize = Math.max(1, Math.ceil(files.length / (jobs * 8)));
  const chunks = [];
  for (let i = 0; i < files.length; i += chunkSize) chunks.push(files.slice(i, i + chunkSize));
  const embeddings = new Map();
  // Exit status 1 only says that some photo failed (no face, say); 2 (a usage error), a
  // signal, or a failure with no output at all means the run itself is wrong.
  const runChunk = (chunk) => new Promise((resolve, reject) => {
    const child = spawn(cli, [command, '--models', models, ...options, ...chunk],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal || code === 2 || (code !== 0 && !out.trim())) {
        const first = err.split('\n').slice(0, 3).join('\n');
        reject(new Error(`${cli} ${command} ${options.join(' ')} failed (${signal || `exit ${code}`}):\n${first}`));
        return;
      }
      for (const line of out.split('\n').filter(Boolean)) {
        const r = JSON.parse(line);
        embeddings.set(r.file, keep(r));
      }
      resolve();
    });
  });
  let next = 0;
  await Promise.all(Array.from({ length: jobs }, async () => {
    while (next < chunks.length) await runChunk(chunks[next++]);
  }));
  return { embeddings, seconds: (Date.now() - started) / 1000 };
}


// ---- open-set rules over candidate lists: parameters, held-out rates, calibration ----
// (openset.js feeds these from SQL; each function takes answers as answerFromCandidates
// makes them, so every rule and parameter costs no query.)

// The rule families compared, each with its parameter grid: [label, score] per setting.
const RULE_FAMILIES = {
  distance: [['', RULES.distance]],
  ratio: [['', RULES.ratio]],
  tnorm: [3, 5, 10, 15, 20, 30, 40].map((k) => [`k=${k}`, COHORT_RULES.tnorm(k)]),
  meanRatio: [2, 3, 4, 5, 7, 10, 20].map((k) => [`k=${k}`, COHORT_RULES.meanRatio(k)]),
  geoRatio: [2, 3, 4, 5, 7, 10, 20].map((k) => [`k=${k}`, COHORT_RULES.geoRatio(k), k]),
  shift: [3, 5, 10].flatMap((k) => [0.5, 0.8, 1].map((b) => [`k=${k} b=${b}`, COHORT_RULES.shift(k, b)])),
};

const isEven = (a) => a.id % 2 === 0;
const isOdd = (a) => a.id % 2 === 1;
// The threshold that accepts at most `far` of these strangers' scores (as tauForFar).
function thresholdFor(strangerScores, far) {
  const sorted = [...strangerScores].sort((x, y) => x - y);
  return sorted[Math.floor(far * sorted.length)];
}
const shareBelow = (scores, t) => scores.filter((s) => s < t).length / scores.length;

// Scores of one rule in galleries (each {answers}): the strangers' (even or odd ids)
// and the probes' (with whether the nearest person is theirs), pooled over the galleries.
function scoresOf(galleries, score) {
  const out = { even: [], odd: [], probes: [] };
  for (const g of galleries) {
    for (const a of g.answers) {
      const value = score(a);
      const s = Number.isNaN(value) ? Infinity : value;
      if (a.role === 'stranger') (isEven(a) ? out.even : out.odd).push(s);
      else if (a.role === 'probe') out.probes.push({ s, right: a.nearest === a.person, even: isEven(a) });
    }
  }
  return out;
}
const dirAt = (probes, t) => probes.filter((p) => p.right && p.s < t).length / probes.length;
const wrongAt = (probes, t) => probes.filter((p) => !p.right && p.s < t).length / probes.length;

// Each family's parameters, chosen on the even half of strangers and probes: the setting
// with the best mean DIR of the even probes at the thresholds that accept 0.5%, 1% and 2%
// of the even strangers (three points, so that one stranger more or less decides less).
function chooseParameters(answers, families = RULE_FAMILIES) {
  const chosen = {};
  for (const [family, settings] of Object.entries(families)) {
    let best = null;
    for (const [label, score, k] of settings) {
      const s = scoresOf([{ answers }], score);
      const evenProbes = s.probes.filter((p) => p.even);
      const merit = [0.005, 0.01, 0.02].reduce((m, far) => m + dirAt(evenProbes, thresholdFor(s.even, far)) / 3, 0);
      if (!best || merit > best.merit) best = { family, label, score, k, merit };
    }
    chosen[family] = best;
  }
  return chosen;
}

// A rule's threshold for each FAR on the even strangers, and on the held-out halves: the
// FAR of the odd strangers and the DIR of the odd probes (and of all probes).
function heldOut(answers, score, fars = [0.001, 0.01, 0.05]) {
  const s = scoresOf([{ answers }], score);
  return fars.map((far) => {
    const t = thresholdFor(s.even, far);
    return {
      far,
      t,
      farOdd: shareBelow(s.odd, t),
      dirOdd: dirAt(s.probes.filter((p) => !p.even), t),
      dirAll: dirAt(s.probes, t),
      wrongAll: wrongAt(s.probes, t),
    };
  });
}

// Calibrating d1 / geometric mean(d2..d_k+1) for a gallery of N people. Near a stranger
// the gallery's people form, in distance, a Poisson process whose mean count within x
// grows as lambda x^alpha (alpha: the local log-slope of that stranger's impostor-distance
// distribution). Then d_j = (G_j / lambda)^(1/alpha) with G_j the arrival times of a unit
// Poisson process, lambda cancels in the ratio (strangers who resemble many people are no
// more often accepted), and, since G_1 is uniform below G_2,
//   P(score < t) = C_k t^alpha,   C_k = E[GM(G_2..G_k+1) / G_2] = prod_{j=2..k} j / (j - (k+1-j)/k)
// (C_1 = 1: the ratio of the two nearest is t^alpha; exact while C_k t^alpha GM/G_2 < 1, so
// for every FAR of interest). alpha grows as the nearest distances shrink, i.e. with N.
function cohortConstant(k) {
  let c = 1;
  for (let j = 2; j <= k; j++) c *= j / (j - (k + 1 - j) / k);
  return c;
}

// alpha measured at one gallery size: ln(far / C_k) / ln(threshold) at FAR 0.5%, 1%, 2% and
// 5% of the (even) strangers, pooled over that size's draws; the median of the four.
const ALPHA_FARS = [0.005, 0.01, 0.02, 0.05];
function alphaAt(strangerScores, k) {
  const c = cohortConstant(k);
  const values = ALPHA_FARS.map((far) => Math.log(far / c) / Math.log(thresholdFor(strangerScores, far))).sort((x, y) => x - y);
  return (values[1] + values[2]) / 2;
}

// alpha(N) = a + b ln N by least squares over the sizes' measured alphas.
function fitAlpha(points) {
  const xs = points.map((p) => Math.log(p.size));
  const ys = points.map((p) => p.alpha);
  const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
  const my = ys.reduce((s, y) => s + y, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => { sxy += (x - mx) * (ys[i] - my); sxx += (x - mx) ** 2; });
  const b = sxx > 0 ? sxy / sxx : 0;
  return { a: my - b * mx, b };
}

// The predicted threshold: accept when d1 / GM(d2..d_k+1) < (far / C_k)^(1 / alpha(N)).
const calibratedThreshold = (fit, k, far, size) => (far / cohortConstant(k)) ** (1 / (fit.a + fit.b * Math.log(size)));

module.exports = {
  lfwOrSkip, readPairs, distance, verification, photoRoles, secondGalleryPhotos, RULES, COHORT_RULES, answerFromCandidates,
  ratesAt, tauForFar, embedWithCli, RULE_FAMILIES, chooseParameters, heldOut, scoresOf, thresholdFor,
  shareBelow, dirAt, wrongAt, cohortConstant, alphaAt, fitAlpha, calibratedThreshold,
};

#!/usr/bin/env node
// The open-set identification benchmark: one photo per person enrolled, then "who is
// this?" for photos of enrolled people and of strangers, all through SQL on a real
// server, with embed() and the GiST index.
//
//   Gallery   one photo (the first) of every LFW person with at least two photos.
//   Probes    the second photo of each of them: named right, named wrong, or missed.
//   Strangers the photo of every person with exactly one photo (never enrolled):
//             rejected, or falsely accepted as somebody.
//
// Each probe's candidates come from one index scan (ORDER BY emb <-> probe LIMIT K, K =
// --candidates, 41 by default), grouped by person; every rule is then scored offline
// from those lists, so parameters and thresholds cost no query. Reported: rank-1 right /
// wrong / missed rates for enrolled probes and the false-accept rate (FAR) for strangers
// over a sweep of tau (the distance rule: nearest closer than tau); the detection-and-
// identification rate (DIR: named right and accepted) at FAR 0.1%, 1% and 5%, for the
// distance rule and the ratio rule (nearest person's distance below r times the second
// nearest person's); the same with each threshold chosen on the strangers with an even
// id and measured on the others. Then the cohort-normalised rules (lfw_protocols.js:
// T-norm, the nearest distance over the mean or geometric mean of the next k people's,
// and a shift), each family's parameters chosen on the even halves of strangers and
// probes, all reported on the odd halves. On random sub-galleries of 50 to 1,000 people
// and the whole gallery: the calibration of d1 / geometric mean(d2..d_k+1) for the
// gallery size (alpha(N) = a + b ln N fitted on the even strangers, the predicted FAR
// checked on the odd ones; the constants printed for C), the fixed thresholds' drift, a
// gallery with several photos per person, face_identify() (the one call, when the
// installed pgface has it) through SQL on both galleries, and face_tau()'s prediction against the FAR measured with the literal
// "emb <-> probe < face_tau(far, N)" on galleries of 100, 1,000 and all.
// A photo where no face is found gives no embedding: as a probe it is missed, as a
// stranger it is rejected, in the gallery that person is not enrolled.
//
//   node test/bench/openset.js --socket "$PWD/.pgdata" --db bench --user postgres \
//        [--lfw DIR] [--jobs 2] [--png FILE] [--out FILE] [--keep] [--people N]
//        [--reuse] [--candidates K] [--dump FILE] [--landmarks faceapi|dlib|mean]
//
// --reuse takes the embeddings that an earlier run kept (--keep) when they are of the
// same photos (and landmarks), instead of embedding again; --dump writes every candidate
// list (JSON); --landmarks sets pgface.landmarks for embed() (the server's default without).
//
// The server reads the photos itself (pg_read_binary_file), so the user must be a
// superuser and LFW readable by the server. Without ../shared/data/lfw (or --lfw) it
// says so and skips. The PNG (DIR against FAR) needs gnuplot (apt-get install
// gnuplot-nox); without it the PNG is skipped. Without --keep the tables are dropped.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { psqlRunner, optionReader, connectionFromOptions } = require('./psql_session');
const {
  lfwOrSkip, photoRoles, secondGalleryPhotos, RULES, RULE_FAMILIES, COHORT_RULES, answerFromCandidates, ratesAt, tauForFar,
  chooseParameters, heldOut, scoresOf, shareBelow, dirAt, cohortConstant, alphaAt, fitAlpha, calibratedThreshold,
} = require('./lfw_protocols');

const args = process.argv.slice(2);
const option = optionReader(args);
const repo = path.resolve(__dirname, '..', '..');
const lfw = lfwOrSkip(option);
const jobs = Number(option('--jobs', '2'));
const pngFile = option('--png', null);
const outFile = option('--out', null);
const keep = args.includes('--keep');
const peopleLimit = Number(option('--people', '0')); // a quick run on the first N people
const reuse = args.includes('--reuse'); // the embeddings of an earlier --keep run, of the same photos
const candidatesK = Number(option('--candidates', '41')); // K: the faces each index scan returns
const dumpFile = option('--dump', null); // every candidate list, as JSON, for study offline
const landmarks = option('--landmarks', null); // pgface.landmarks for embed(); the server's default without it
if (landmarks !== null && !/^[a-z]+$/.test(landmarks)) {
  console.error('openset.js: --landmarks takes a pgface.landmarks value (faceapi, dlib, mean)');
  process.exit(2);
}
const setLandmarks = landmarks === null ? '' : `SET pgface.landmarks = '${landmarks}';\n`;
const connection = connectionFromOptions(option);
const psql = psqlRunner(connection);
const progress = (message) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

// Seeded draws, so that the sub-galleries are the same in every run.
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const quote = (text) => `'${text.replace(/'/g, "''")}'`;
const pct = (x) => `${(100 * x).toFixed(2)}%`;

// Embeds every photo through SQL embed(), in `jobs` sessions on disjoint rows. With
// --reuse, the rows an earlier run kept (--keep) that are the same photo in the same
// role keep their embedding, and only the others are embedded; resolves to how many
// photos were embedded and the seconds it took.
async function embedAll(rows) {
  const values = rows.map((r, i) => `(${i}, ${quote(r.person)}, ${quote(r.role)}, ${quote(r.file)})`).join(',\n');
  // Kept embeddings are reused only when they were made with the same landmarks.
  const [[setting]] = await psql(`${setLandmarks}SELECT current_setting('pgface.landmarks');`);
  const kept = reuse && (await psql(`SELECT to_regclass('openset_photos') IS NOT NULL AND to_regclass('openset_settings') IS NOT NULL
  AND EXISTS (SELECT 1 FROM openset_settings WHERE landmarks = ${quote(setting)});`))[0][0] === 't';
  await psql(`
${kept ? '' : `DROP TABLE IF EXISTS openset_photos, openset_settings;
CREATE TABLE openset_settings AS SELECT ${quote(setting)}::text AS landmarks;`}
DROP TABLE IF EXISTS openset_gallery;
CREATE TABLE IF NOT EXISTS openset_photos (id int PRIMARY KEY, person text, role text, file text, emb face_embedding);
CREATE TEMP TABLE openset_rows (id int, person text, role text, file text);
INSERT INTO openset_rows VALUES
${values};
DELETE FROM openset_photos p WHERE NOT EXISTS
  (SELECT 1 FROM openset_rows r WHERE (r.id, r.person, r.role, r.file) = (p.id, p.person, p.role, p.file));
INSERT INTO openset_photos (id, person, role, file) SELECT * FROM openset_rows ON CONFLICT (id) DO NOTHING;
CREATE OR REPLACE FUNCTION openset_embed(file text) RETURNS face_embedding LANGUAGE plpgsql AS $$
BEGIN
  RETURN embed(pg_read_binary_file(file));
EXCEPTION WHEN no_data_found THEN
  RETURN NULL;
END $$;`);
  // A photo without a face stays NULL and is tried again: a few photos.
  const [[missing]] = await psql('SELECT count(*) FROM openset_photos WHERE emb IS NULL;');
  const started = Date.now();
  await Promise.all(Array.from({ length: jobs }, (_, k) =>
    psql(`${setLandmarks}UPDATE openset_photos SET emb = openset_embed(file) WHERE emb IS NULL AND id % ${jobs} = ${k};`)));
  return { embedded: Number(missing), seconds: (Date.now() - started) / 1000, landmarks: setting };
}

// Each probe's and stranger's candidates in the whole gallery, through the index.
async function nearestFaces() {
  await psql(`
DROP TABLE IF EXISTS openset_gallery;
CREATE TABLE openset_gallery AS SELECT person, emb FROM openset_photos WHERE role = 'gallery' AND emb IS NOT NULL;
CREATE INDEX openset_gallery_emb ON openset_gallery USING gist (emb);
ANALYZE openset_gallery;`);
  return candidateLists('openset_gallery', 'openset_gallery_emb', 'true');
}

// The plan of a query with seq scans discouraged, as one text: is the index usable?
async function planOf(query) {
  return (await psql(`SET enable_seqscan = off; EXPLAIN (COSTS off) ${query};`)).map((r) => r[0]).join('\n');
}

// The query that fetches a probe's candidates: its K nearest gallery faces with their
// labels, one index scan (ORDER BY emb <-> probe LIMIT K). Every rule is scored from
// these lists (answerFromCandidates groups them by person), so one fetch serves all.
const candidateQuery = (gallery, which) => `SELECT p.id, p.person, p.role, n.person, n.distance FROM openset_photos p
LEFT JOIN LATERAL (SELECT g.person, g.emb <-> p.emb AS distance FROM ${gallery} g
                   ORDER BY g.emb <-> p.emb LIMIT ${candidatesK}) n ON p.emb IS NOT NULL
WHERE p.role IN ('probe', 'stranger') AND (${which})`;

// The candidates of each probe and stranger in `gallery`; `which` filters the probes (SQL).
async function candidateLists(gallery, index, which) {
  const query = candidateQuery(gallery, which);
  const plan = await planOf(query);
  if (!new RegExp(`Index Scan using ${index}`).test(plan)) throw new Error(`the nearest-face query does not use the index:\n${plan}`);
  const byProbe = new Map();
  for (const [id, person, role, nearest, distance] of await psql(`SET enable_seqscan = off;\n${query} ORDER BY p.id, n.distance;`)) {
    if (!byProbe.has(id)) byProbe.set(id, { probe: { id: Number(id), person, role }, candidates: [] });
    if (nearest) byProbe.get(id).candidates.push([nearest, Number(distance)]);
  }
  return [...byProbe.values()].map((p) => answerFromCandidates(p.probe, p.candidates));
}

// Random sub-galleries of N of the enrolled people (seeded, the same in every run):
//   - face_tau(far, N) against the FAR measured with the literal query
//     "emb <-> stranger < face_tau(far, N)", through the index (at 100, 1,000 and all);
//   - every probe's and stranger's candidates in each sub-gallery (the probes of the
//     people enrolled there), for the rules scored offline and their calibration.
const REPORTED_SIZES = [100, 1000];
const CALIBRATION_SIZES = [[50, 20], [100, 20], [200, 10], [500, 6], [1000, 5]];
async function checkSubGalleries(galleryCount, strangerCount) {
  const sizes = CALIBRATION_SIZES.filter(([size]) => size < galleryCount).concat([[galleryCount, 1]]);
  const fars = [0.01, 0.05];
  const tauResults = [];
  const subGalleries = [];
  for (const [size, draws] of sizes) {
    const reported = size === galleryCount || REPORTED_SIZES.includes(size);
    const accepted = fars.map(() => 0);
    let indexed = true;
    for (let d = 0; d < draws; d++) {
      const pick = random(1000 * size + d);
      await psql(`
DROP TABLE IF EXISTS openset_sub;
CREATE TABLE openset_sub AS SELECT person, emb FROM openset_gallery ORDER BY md5(person || '${pick()}') LIMIT ${size};
CREATE INDEX openset_sub_emb ON openset_sub USING gist (emb);
ANALYZE openset_sub;`);
      if (reported) {
        const rows = await psql(`
SELECT ${fars.map((far) => `count(*) FILTER (WHERE EXISTS (SELECT 1 FROM openset_sub g WHERE g.emb <-> s.emb < face_tau(${far}, ${size})))`).join(', ')}
FROM openset_photos s WHERE s.role = 'stranger' AND s.emb IS NOT NULL;`);
        fars.forEach((_, k) => { accepted[k] += Number(rows[0][k]); });
        const plan = await planOf(`SELECT 1 FROM openset_sub g
WHERE g.emb <-> (SELECT emb FROM openset_photos LIMIT 1) < face_tau(0.01, ${size})`);
        indexed = indexed && /openset_sub_emb/.test(plan);
      }
      const answers = await candidateLists('openset_sub', 'openset_sub_emb',
        "p.role = 'stranger' OR p.person IN (SELECT person FROM openset_sub)");
      subGalleries.push({ size, draw: d, draws, answers });
    }
    if (!reported) continue;
    for (const [k, far] of fars.entries()) {
      const tau = Number((await psql(`SELECT face_tau(${far}, ${size});`))[0][0]);
      tauResults.push({ size, draws, far, tau, measured: accepted[k] / (draws * strangerCount), indexed });
    }
  }
  return { tauResults, subGalleries };
}

// A rule at fixed thresholds on the sub-galleries of each reported size: the FAR of all
// strangers and the DIR of the probes enrolled there, averaged over the draws.
function fixedThresholdsOnSubGalleries(subGalleries, thresholds, score) {
  const results = [];
  const sizes = [...new Set(subGalleries.map((g) => g.size))];
  const all = Math.max(...sizes);
  for (const size of sizes.filter((n) => n === all || REPORTED_SIZES.includes(n))) {
    const galleries = subGalleries.filter((g) => g.size === size);
    for (const r of thresholds) {
      let far = 0;
      let right = 0;
      for (const g of galleries) {
        const rates = ratesAt(g.answers, r, score);
        far += rates.far / galleries.length;
        right += rates.right / galleries.length;
      }
      results.push({ size, draws: galleries.length, r, far, right });
    }
  }
  return results;
}

// The calibration of d1 / GM(d2..d_k+1) for the gallery size (lfw_protocols.js says why
// P(score < t) = C_k t^alpha): alpha measured on each size's even strangers, alpha(N) =
// a + b ln N fitted over the sizes, then the predicted threshold (far / C_k)^(1 / alpha(N))
// against the FAR of the odd strangers, pooled over each size's draws. `heldOutSizes` are
// also predicted from a fit that leaves them out.
function calibrate(subGalleries, k, heldOutSizes) {
  const score = COHORT_RULES.geoRatio(k);
  const sizes = [...new Set(subGalleries.map((g) => g.size))];
  const scores = new Map(sizes.map((size) => [size, scoresOf(subGalleries.filter((g) => g.size === size), score)]));
  const points = sizes.map((size) => ({ size, alpha: alphaAt(scores.get(size).even, k) }));
  const fit = fitAlpha(points);
  const fitWithout = fitAlpha(points.filter((p) => !heldOutSizes.includes(p.size)));
  const checks = [];
  for (const size of sizes) {
    const s = scores.get(size);
    for (const far of [0.001, 0.01, 0.05]) {
      const t = calibratedThreshold(fit, k, far, size);
      const tWithout = calibratedThreshold(fitWithout, k, far, size);
      checks.push({
        size,
        draws: subGalleries.filter((g) => g.size === size).length,
        strangers: s.odd.length,
        far,
        t,
        measured: shareBelow(s.odd, t),
        measuredEven: shareBelow(s.even, t),
        measuredWithout: heldOutSizes.includes(size) ? shareBelow(s.odd, tWithout) : null,
        dir: dirAt(s.probes, t),
      });
    }
  }
  return { k, points, fit, fitWithout, checks };
}

// A gallery with several photos per person: the one-photo gallery plus a second photo
// (the third) of everyone who has three or more. The chosen rule at the threshold
// calibrated for N = the enrolled people, and the distance rule at face_tau(far, N) with N
// the faces and with N the people, against the FAR of the odd strangers (of all, for
// face_tau) and the DIR of all probes; and the fewest people that K candidates covered.
async function severalPhotosPerPerson(calibration) {
  await psql(`
DROP TABLE IF EXISTS openset_gallery_multi;
CREATE TABLE openset_gallery_multi AS SELECT person, emb FROM openset_photos
WHERE role IN ('gallery', 'gallery2') AND emb IS NOT NULL AND person IN (SELECT person FROM openset_gallery);
CREATE INDEX openset_gallery_multi_emb ON openset_gallery_multi USING gist (emb);
ANALYZE openset_gallery_multi;`);
  const [[faces, people]] = (await psql('SELECT count(*), count(DISTINCT person) FROM openset_gallery_multi;')).map((r) => r.map(Number));
  const answers = await candidateLists('openset_gallery_multi', 'openset_gallery_multi_emb', 'true');
  const k = calibration.k;
  const s = scoresOf([{ answers }], COHORT_RULES.geoRatio(k));
  const d = scoresOf([{ answers }], RULES.distance);
  const rows = [];
  for (const far of [0.001, 0.01, 0.05]) {
    const t = calibratedThreshold(calibration.fit, k, far, people);
    const tauFaces = Number((await psql(`SELECT face_tau(${far}, ${faces});`))[0][0]);
    const tauPeople = Number((await psql(`SELECT face_tau(${far}, ${people});`))[0][0]);
    const strangers = d.even.concat(d.odd);
    rows.push({
      far,
      t,
      measured: shareBelow(s.odd, t),
      dir: dirAt(s.probes, t),
      tauFaces,
      farFaces: shareBelow(strangers, tauFaces),
      dirFaces: dirAt(d.probes, tauFaces),
      tauPeople,
      farPeople: shareBelow(strangers, tauPeople),
      dirPeople: dirAt(d.probes, tauPeople),
    });
  }
  const covered = Math.min(...answers.filter((a) => a.people.length > 0).map((a) => a.people.length));
  return { faces, people, covered, rows, k };
}

// The one call, face_identify (0.4), through SQL when the installed pgface has it: every
// probe and stranger against a gallery at each FAR, its own calibration (N: the people
// ANALYZE estimated). The FAR of the odd strangers and of all, the DIR and the named-wrong
// rate of the probes enrolled there, the milliseconds a call, and the gallery index's scans
// counted by pg_stat_user_indexes (one a call when the ordered scan is an index scan).
async function oneCall(gallery, index, which) {
  const [[present]] = await psql("SELECT to_regproc('face_identify') IS NOT NULL;");
  if (present !== 't') return null;
  const scans = async () => Number((await psql(`SELECT pg_stat_force_next_flush(); SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = '${index}';`)).pop()[0]);
  const rows = [];
  for (const far of [0.001, 0.01, 0.05]) {
    const before = await scans();
    const started = Date.now();
    const answers = await psql(`SELECT p.id, p.person, p.role, i.label, i.threshold FROM openset_photos p
LEFT JOIN LATERAL face_identify(p.emb, '${gallery}', label_column => 'person', far => ${far}) i ON p.emb IS NOT NULL
WHERE p.role IN ('probe', 'stranger') AND (${which});`);
    const seconds = (Date.now() - started) / 1000;
    const calls = answers.filter((r) => r[4] !== '').length;
    const indexScans = (await scans()) - before;
    const strangers = answers.filter((r) => r[2] === 'stranger');
    const odd = strangers.filter((r) => Number(r[0]) % 2 === 1);
    const probes = answers.filter((r) => r[2] === 'probe');
    const named = (r) => r[3] !== '';
    rows.push({
      far,
      threshold: Number((answers.find((r) => r[4] !== '') || [0, 0, 0, 0, NaN])[4]),
      farOdd: odd.filter(named).length / odd.length,
      farAll: strangers.filter(named).length / strangers.length,
      dir: probes.filter((r) => r[3] === r[1]).length / probes.length,
      wrong: probes.filter((r) => named(r) && r[3] !== r[1]).length / probes.length,
      ms: (1000 * seconds) / calls,
      calls,
      indexScans,
    });
  }
  return rows;
}

function drawPng(answers, file, cohort) {
  const data = path.join(os.tmpdir(), `openset-${process.pid}.dat`);
  const lines = [];
  for (let tau = 0.2; tau <= 0.75; tau += 0.0025) {
    const r = ratesAt(answers, tau);
    if (r.far > 0) lines.push(`${r.far} ${r.right} ${r.wrong}`);
  }
  lines.push('', '');
  for (let ratio = 0.5; ratio <= 1.0; ratio += 0.002) {
    const r = ratesAt(answers, ratio, RULES.ratio);
    if (r.far > 0) lines.push(`${r.far} ${r.right} ${r.wrong}`);
  }
  lines.push('', '');
  for (let t = 0.5; t <= 1.0; t += 0.002) {
    const r = ratesAt(answers, t, cohort.score);
    if (r.far > 0) lines.push(`${r.far} ${r.right} ${r.wrong}`);
  }
  fs.writeFileSync(data, `${lines.join('\n')}\n`);
  const script = `set terminal pngcairo size 800,560 font ",11"
set output '${file}'
set logscale x
set xrange [0.0005:1]
set yrange [0:1]
set grid
set key top left
set xlabel 'strangers accepted (FAR)'
set ylabel 'share of enrolled probes'
set title 'pgface open-set identification on LFW (gallery: 1 photo per person)'
plot '${data}' index 0 using 1:2 with lines lw 2 title 'named right (DIR), d1 < tau', \\
  '${data}' index 1 using 1:2 with lines lw 2 title 'named right (DIR), d1 / d2 < r', \\
  '${data}' index 2 using 1:2 with lines lw 2 title 'named right (DIR), d1 / GM(d2..d${cohort.k + 1}) < t', \\
  '${data}' index 0 using 1:3 with lines lw 2 title 'named wrong, distance rule', \\
  '${data}' index 1 using 1:3 with lines lw 2 title 'named wrong, ratio rule'
`;
  return new Promise((resolve) => {
    const child = spawn('gnuplot', [], { stdio: ['pipe', 'ignore', 'pipe'] });
    child.on('error', () => resolve(false));
    child.on('close', (code) => { fs.rmSync(data, { force: true }); resolve(code === 0); });
    child.stdin.end(script);
  });
}

(async () => {
  const rows = photoRoles(lfw, peopleLimit).concat(secondGalleryPhotos(lfw, peopleLimit));
  const count = (role) => rows.filter((r) => r.role === role).length;
  progress(`${count('gallery')} enrolled people (${count('gallery2')} with a second photo), ${count('probe')} probes, ${count('stranger')} strangers; `
    + `embedding ${rows.length} photos in SQL with ${jobs} sessions${reuse ? ', those an earlier run kept reused' : ''}`);
  const { embedded, seconds, landmarks: landmarksUsed } = await embedAll(rows);
  const noFace = await psql(`SELECT role, count(*) FROM openset_photos WHERE emb IS NULL GROUP BY role ORDER BY role;`);
  progress(`embedded ${embedded} photos in ${seconds.toFixed(0)} s; searching`);
  const answers = await nearestFaces();
  const enrolled = Number((await psql('SELECT count(*) FROM openset_gallery;'))[0][0]);
  const strangersWithFace = Number((await psql(`SELECT count(*) FROM openset_photos WHERE role = 'stranger' AND emb IS NOT NULL;`))[0][0]);
  const ratioThresholds = [0.001, 0.01, 0.05].map((far) => tauForFar(answers, far, RULES.ratio));
  progress('sub-galleries: face_tau() and every probe\'s candidates');
  const { tauResults: tauChecks, subGalleries } = await checkSubGalleries(enrolled, strangersWithFace);
  const ratioResults = fixedThresholdsOnSubGalleries(subGalleries, ratioThresholds, RULES.ratio);
  const chosen = chooseParameters(answers);
  const calibrationK = chosen.geoRatio.k;
  const calibrations = [calibrate(subGalleries, calibrationK, [100, 1000, enrolled])];
  if (calibrationK !== 1) calibrations.push(calibrate(subGalleries, 1, [100, 1000, enrolled]));
  progress('a gallery with several photos per person');
  const several = await severalPhotosPerPerson(calibrations[0]);
  progress('face_identify, the one call');
  const oneCalls = [];
  for (const [name, gallery, index] of [['one photo a person', 'openset_gallery', 'openset_gallery_emb'],
    ['several photos a person', 'openset_gallery_multi', 'openset_gallery_multi_emb']]) {
    const rowsOf = await oneCall(gallery, index, 'true');
    if (rowsOf) oneCalls.push({ name, gallery, rows: rowsOf });
  }
  const tauAtAll = {};
  for (const far of [0.001, 0.01, 0.05]) tauAtAll[far] = Number((await psql(`SELECT face_tau(${far}, ${enrolled});`))[0][0]);
  if (dumpFile) {
    fs.writeFileSync(dumpFile, JSON.stringify({ answers, subGalleries }));
    progress(`candidate lists written to ${dumpFile}`);
  }

  const out = [];
  out.push(`# Open-set identification on LFW, through SQL (${new Date().toISOString().slice(0, 10)})`);
  out.push('');
  out.push(`Command: \`node test/bench/openset.js ${args.join(' ')}\``);
  out.push('');
  out.push(`Gallery: ${enrolled} people enrolled with one photo each; probes: ${count('probe')} second photos of them; strangers: ${count('stranger')} people never enrolled; `
    + `${count('gallery2')} third photos for the gallery with several photos per person. Landmarks: pgface.landmarks = ${landmarksUsed}. `
    + `Photos without a face found: ${noFace.map(([role, n]) => `${n} ${role}`).join(', ') || 'none'}. `
    + (embedded < rows.length ? `Embeddings of ${rows.length - embedded} of the ${rows.length} photos were an earlier run's (--reuse); embed() of the other ${embedded} took ${seconds.toFixed(0)} s.`
      : `embed() of ${rows.length} photos took ${seconds.toFixed(0)} s with ${jobs} sessions.`));
  out.push('');
  out.push('| tau | named right | named wrong | missed | strangers accepted (FAR) |');
  out.push('| --- | --- | --- | --- | --- |');
  for (let tau = 0.3; tau <= 0.651; tau += 0.025) {
    const r = ratesAt(answers, tau);
    out.push(`| ${tau.toFixed(3)} | ${pct(r.right)} | ${pct(r.wrong)} | ${pct(r.missed)} | ${pct(r.far)} |`);
  }
  out.push('');
  out.push('| FAR at most | tau | DIR (named right) | named wrong | measured FAR |');
  out.push('| --- | --- | --- | --- | --- |');
  for (const far of [0.001, 0.01, 0.05]) {
    const tau = tauForFar(answers, far);
    const r = ratesAt(answers, tau);
    out.push(`| ${pct(far)} | ${tau.toFixed(3)} | ${pct(r.right)} | ${pct(r.wrong)} | ${pct(r.far)} |`);
  }
  out.push('');
  out.push('The ratio rule: name the nearest person when their distance is below r times the second nearest person\'s:');
  out.push('');
  out.push('| FAR at most | r | DIR (named right) | named wrong | measured FAR |');
  out.push('| --- | --- | --- | --- | --- |');
  for (const [k, far] of [0.001, 0.01, 0.05].entries()) {
    const r = ratesAt(answers, ratioThresholds[k], RULES.ratio);
    out.push(`| ${pct(far)} | ${ratioThresholds[k].toFixed(3)} | ${pct(r.right)} | ${pct(r.wrong)} | ${pct(r.far)} |`);
  }
  out.push('');
  out.push('Held out: each rule\'s threshold chosen on the strangers with an even id, its FAR measured on those with an odd id (DIR on all probes):');
  out.push('');
  out.push('| FAR asked | rule | threshold | FAR on the other strangers | DIR |');
  out.push('| --- | --- | --- | --- | --- |');
  const half = (parity) => answers.filter((a) => a.role !== 'stranger' || a.id % 2 === parity);
  for (const far of [0.001, 0.01, 0.05]) {
    for (const [name, score] of Object.entries(RULES)) {
      const threshold = tauForFar(half(0), far, score);
      const held = ratesAt(half(1), threshold, score);
      out.push(`| ${pct(far)} | ${name} | ${threshold.toFixed(3)} | ${pct(held.far)} | ${pct(held.right)} |`);
    }
  }
  out.push('');
  out.push(`Rules over the K = ${candidatesK} nearest faces of one index scan, grouped by person (d1 the nearest person's distance, d2, d3, ... the next people's). `
    + 'Each family\'s parameters chosen on the even halves (mean DIR of the even probes at the thresholds that accept 0.5%, 1% and 2% of the even strangers), '
    + 'each threshold on the even strangers; FAR measured on the odd strangers, DIR on the odd probes and on all. '
    + '"distance, face_tau" takes face_tau(far, N) instead of a threshold chosen on strangers.');
  out.push('');
  out.push('| rule | parameters | people needed | FAR asked | threshold | FAR on the odd strangers | DIR, odd probes | DIR, all probes | named wrong |');
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const needed = { distance: () => 1, ratio: () => 2, tnorm: (c) => c.k + 1, meanRatio: (c) => c.k + 1, geoRatio: (c) => c.k + 1, shift: (c) => c.k + 1 };
  for (const c of Object.values(chosen)) {
    c.k = c.k || Number((/k=(\d+)/.exec(c.label) || [0, 0])[1]);
    for (const r of heldOut(answers, c.score)) {
      out.push(`| ${c.family} | ${c.label || '-'} | ${needed[c.family](c)} | ${pct(r.far)} | ${r.t.toFixed(3)} | ${pct(r.farOdd)} | ${pct(r.dirOdd)} | ${pct(r.dirAll)} | ${pct(r.wrongAll)} |`);
    }
  }
  const all = scoresOf([{ answers }], RULES.distance);
  for (const far of [0.001, 0.01, 0.05]) {
    const t = tauAtAll[far];
    out.push(`| distance, face_tau | - | 1 | ${pct(far)} | ${t.toFixed(3)} | ${pct(shareBelow(all.odd, t))} | ${pct(dirAt(all.probes.filter((p) => !p.even), t))} | ${pct(dirAt(all.probes, t))} | - |`);
  }
  out.push('');
  out.push('Every setting tried (the mean DIR of the even probes at FAR 0.5%, 1% and 2% of the even strangers, the choosing criterion):');
  out.push('');
  out.push('| rule | settings: mean DIR |');
  out.push('| --- | --- |');
  for (const [family, settings] of Object.entries(RULE_FAMILIES).filter(([, v]) => v.length > 1)) {
    const merits = settings.map(([label, score]) => `${label}: ${pct(chooseParameters(answers, { [family]: [[label, score]] })[family].merit)}`);
    out.push(`| ${family} | ${merits.join(', ')} |`);
  }
  out.push('');
  for (const cal of calibrations) {
    const k = cal.k;
    const name = k === 1 ? 'the ratio rule, d1 / d2' : `d1 / geometric mean(d2..d${k + 1})`;
    out.push(`Calibration of ${name} for a gallery of N people: accept when the score is below (far / C) ^ (1 / (a + b ln N)), C = ${cohortConstant(k).toPrecision(6)}. `
      + `alpha measured on the even strangers (median of ln(far / C) / ln(threshold) at FAR ${[0.5, 1, 2, 5].join(', ')}%): `
      + `${cal.points.map((p) => `N = ${p.size}: ${p.alpha.toFixed(2)}`).join(', ')}; fitted a = ${cal.fit.a.toFixed(4)}, b = ${cal.fit.b.toFixed(4)} `
      + `(without N = 100, 1000, ${enrolled}: a = ${cal.fitWithout.a.toFixed(4)}, b = ${cal.fitWithout.b.toFixed(4)}). `
      + 'Measured on the odd strangers, pooled over the draws:');
    out.push('');
    out.push('| N | galleries drawn | stranger trials | far asked | predicted threshold | measured FAR | measured / asked | same, fit without this N | the even strangers (fitted): measured / asked | DIR |');
    out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const c of cal.checks) {
      out.push(`| ${c.size} | ${c.draws} | ${c.strangers} | ${pct(c.far)} | ${c.t.toFixed(4)} | ${pct(c.measured)} | ${(c.measured / c.far).toFixed(2)} | `
        + `${c.measuredWithout === null ? '-' : (c.measuredWithout / c.far).toFixed(2)} | ${(c.measuredEven / c.far).toFixed(2)} | ${pct(c.dir)} |`);
    }
    out.push('');
  }
  out.push('The constants, for C (this command fits and prints them; refit them whenever the embeddings change):');
  out.push('');
  out.push('```c');
  for (const cal of calibrations) {
    const tag = cal.k === 1 ? 'RATIO' : 'COHORT';
    const ruleText = cal.k === 1 ? 'd1 / d2' : `d1 / GM(d2..d${cal.k + 1})`;
    out.push(`/* accept when ${ruleText} < pow(far / C, 1 / (A + B * log(N))), N the enrolled people */`);
    out.push(`#define PGFACE_IDENTIFY_${tag}_K ${cal.k}`);
    out.push(`#define PGFACE_IDENTIFY_${tag}_C ${cohortConstant(cal.k).toPrecision(10)}`);
    out.push(`#define PGFACE_IDENTIFY_${tag}_A ${cal.fit.a.toPrecision(6)}`);
    out.push(`#define PGFACE_IDENTIFY_${tag}_B ${cal.fit.b.toPrecision(6)}`);
  }
  out.push('```');
  out.push('');
  const tightest = calibratedThreshold(calibrations[0].fit, calibrationK, 0.001, enrolled);
  const accepted = answers.filter((a) => a.role === 'stranger' && chosen.geoRatio.score(a) < tightest)
    .sort((x, y) => chosen.geoRatio.score(x) - chosen.geoRatio.score(y));
  out.push(`The strangers that d1 / GM(d2..d${calibrationK + 1}) accepts at the threshold calibrated for FAR 0.1% and all ${enrolled} people (${tightest.toFixed(4)}), `
    + 'with the enrolled person they were taken for (score, d1): '
    + `${accepted.map((a) => `${a.person} (${a.id % 2 ? 'odd' : 'even'}) as ${a.nearest} (${chosen.geoRatio.score(a).toFixed(3)}, ${a.distance.toFixed(3)})`).join('; ')}.`);
  out.push('');
  out.push(`Several photos per person: ${several.faces} faces of ${several.people} people (the ${several.faces - several.people} with three or more photos enrolled with their first and third). `
    + `The K = ${candidatesK} candidates covered at least ${several.covered} people for every probe (the rule needs ${several.k + 1}). `
    + `d1 / GM(d2..d${several.k + 1}) at the threshold calibrated for N = ${several.people} people (FAR of the odd strangers), and the distance rule at face_tau(far, N) with N the faces or the people (FAR of all strangers); DIR of all probes:`);
  out.push('');
  out.push(`| far asked | calibrated threshold | measured FAR | DIR | face_tau(far, ${several.faces} faces) | FAR | DIR | face_tau(far, ${several.people} people) | FAR | DIR |`);
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of several.rows) {
    out.push(`| ${pct(r.far)} | ${r.t.toFixed(4)} | ${pct(r.measured)} | ${pct(r.dir)} | ${r.tauFaces.toFixed(3)} | ${pct(r.farFaces)} | ${pct(r.dirFaces)} | `
      + `${r.tauPeople.toFixed(3)} | ${pct(r.farPeople)} | ${pct(r.dirPeople)} |`);
  }
  out.push('');
  if (oneCalls.length) {
    out.push('face_identify(probe, gallery, label_column => \'person\', far => F), the one call, through SQL for every probe and stranger (its own calibration, N the people ANALYZE estimated):');
    out.push('');
    out.push('| gallery | far asked | threshold | FAR, odd strangers | FAR, all strangers | DIR | named wrong | ms a call | index scans / calls |');
    out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const g of oneCalls) {
      for (const r of g.rows) {
        out.push(`| ${g.name} | ${pct(r.far)} | ${r.threshold.toFixed(4)} | ${pct(r.farOdd)} | ${pct(r.farAll)} | ${pct(r.dir)} | ${pct(r.wrong)} | ${r.ms.toFixed(2)} | ${r.indexScans} / ${r.calls} |`);
      }
    }
  } else {
    out.push('face_identify: not in the installed pgface (0.4 has it); skipped.');
  }
  out.push('');
  const chosenThresholds = [0.001, 0.01, 0.05].map((far) => tauForFar(answers, far, chosen.geoRatio.score));
  out.push(`d1 / geometric mean(d2..d${calibrationK + 1}) at the thresholds chosen on the whole gallery, on random galleries of N (no calibration: compare with the table above):`);
  out.push('');
  out.push('| N | galleries drawn | threshold | FAR | DIR |');
  out.push('| --- | --- | --- | --- | --- |');
  for (const c of fixedThresholdsOnSubGalleries(subGalleries, chosenThresholds, chosen.geoRatio.score)) {
    out.push(`| ${c.size} | ${c.draws} | ${c.r.toFixed(3)} | ${pct(c.far)} | ${pct(c.right)} |`);
  }
  out.push('');
  out.push('The same r on random galleries of N of the enrolled people (FAR of all strangers, DIR of the probes enrolled there):');
  out.push('');
  out.push('| N | galleries drawn | r | FAR | DIR |');
  out.push('| --- | --- | --- | --- | --- |');
  for (const c of ratioResults) out.push(`| ${c.size} | ${c.draws} | ${c.r.toFixed(3)} | ${pct(c.far)} | ${pct(c.right)} |`);
  out.push('');
  out.push('face_tau(far, N) against the FAR measured with `emb <-> stranger < face_tau(far, N)` on random galleries of N of the enrolled faces:');
  out.push('');
  out.push('| N | galleries drawn | far asked | face_tau | measured FAR | measured / asked | index used |');
  out.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const c of tauChecks) {
    out.push(`| ${c.size} | ${c.draws} | ${pct(c.far)} | ${c.tau.toFixed(3)} | ${pct(c.measured)} | ${(c.measured / c.far).toFixed(2)} | ${c.indexed ? 'yes' : 'NO'} |`);
  }
  if (pngFile) {
    out.push('');
    out.push(await drawPng(answers, pngFile, chosen.geoRatio) ? `Curve: ${path.relative(repo, path.resolve(pngFile))}` : 'Curve: skipped (gnuplot not found: apt-get install gnuplot-nox)');
  }
  const report = `${out.join('\n')}\n`;
  process.stdout.write(report);
  if (outFile) fs.writeFileSync(outFile, report);
  if (!keep) await psql('DROP TABLE IF EXISTS openset_photos, openset_settings, openset_gallery, openset_sub, openset_gallery_multi; DROP FUNCTION IF EXISTS openset_embed(text);');
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});

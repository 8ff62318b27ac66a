#!/usr/bin/env node
// The scale benchmark: threshold and nearest-neighbour search over N synthetic faces,
// with a plain seq scan, a parallel seq scan, the GiST index and the face_va index, all
// in the same run.
//
// The faces come from Gaussians fitted on real LFW embeddings (lfw_statistics.json, made
// by fit_statistics.js): an enrolled photo is an identity centre drawn from
// N(mean, between) plus within-person noise N(0, within); a probe of an enrolled person
// is the same centre with fresh noise; a stranger is a fresh centre plus noise. The
// random numbers are seeded, so every run (and every N) sees the same faces, and a
// smaller table is a prefix of a larger one.
//
// For each N the script loads a table with COPY; then for each index method in turn it
// builds that index alone on the table, finds (with the first) the threshold that
// accepts about 1% of strangers at that N (from the nearest-neighbour distances of
// --calibration extra strangers), times the queries below and drops the index; last it
// times the seq plans, with no index on the table. For enrolled and stranger probes:
//   tau 0.6   SELECT id FROM t WHERE emb <-> $1 < 0.6
//   tau 1%    SELECT id FROM t WHERE emb <-> $1 < tau_1%
//   top-1     SELECT id, emb <-> $1 FROM t ORDER BY emb <-> $1 LIMIT 1
//   top-10    the same with LIMIT 10
// Each query is wrapped in array_agg so that its answer comes back as one row, and is
// timed server side (clock_timestamp() around plpgsql's EXECUTE ... USING, so planning
// and execution but no psql or socket time), with jit off. The index answer must equal
// the seq-scan answer for every probe (ids; for top-1 also the distance); the plans are
// checked with EXPLAIN ANALYZE. The report is markdown on stdout (progress on stderr).
//
//   node test/bench/scale.js --socket "$PWD/.pgdata" --db bench --user postgres \
//        [--sizes 10000,100000,1000000] [--probes 100] [--calibration 1000] \
//        [--seed 1] [--fit-pairs 20000] [--stats FILE] [--port 5432] [--out FILE] [--keep]
//        [--indexes gist,face_va] [--queries 'tau 0.6,tau 1%,top-1,top-10']
//
// It needs psql on the PATH and a database with pgface installed, e.g. a private cluster:
//   source scripts/cluster.sh; cluster_init "$PWD/.pgdata"
//   cluster_start "$PWD/.pgdata" -c shared_buffers=2GB -c max_parallel_workers_per_gather=2
//   psql -h "$PWD/.pgdata" -U postgres -d postgres -c 'CREATE DATABASE bench'
//   psql -h "$PWD/.pgdata" -U postgres -d bench -c 'CREATE EXTENSION pgface'
// The table at N=1M is about 560 MB and takes minutes to generate and load.
// Without --keep it drops its tables (scale_<N>, scale_<N>_probes) and functions. With
// --keep it also builds each measured index again once the seq plans have run (it drops
// each after its own queries, so that the seq plans run without it), so that the kept
// table is ready for test/bench/face_va_loop.sql, so_ab.sh and fresh_session.sh.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { symmetricEigen } = require('../../tools/symmetric_eigen');
const { psqlRunner, optionReader, connectionFromOptions } = require('./psql_session');
const { spawn } = require('child_process');
const { once } = require('events');

const args = process.argv.slice(2);
const option = optionReader(args);
const flag = (name) => args.includes(name);
const sizes = option('--sizes', '10000,100000,1000000').split(',').map(Number);
const probeCount = Number(option('--probes', '100'));
const calibrationCount = Number(option('--calibration', '1000'));
const seed = Number(option('--seed', '1'));
const fitPairs = Number(option('--fit-pairs', '20000'));
const statsFile = option('--stats', path.join(__dirname, 'lfw_statistics.json'));
const outFile = option('--out', null);
const keep = flag('--keep');
const methods = option('--indexes', 'gist,face_va').split(',');
const queryNames = option('--queries', 'tau 0.6,tau 1%,top-1,top-10').split(',');
const connection = connectionFromOptions(option);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(probeCount >= 1) || !(calibrationCount >= 100) ||
  !methods.length || methods.some((m) => !['gist', 'face_va'].includes(m))) {
  console.error('usage: scale.js [--sizes N,N,...] [--probes P] [--calibration C>=100] [--socket DIR] ...');
  process.exit(2);
}

const progress = (message) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

// ---------------------------------------------------------------------------------------
// Deterministic random numbers: one independent stream per (purpose, index), so a face
// can be regenerated from its id alone (a probe needs its person's centre) without
// holding the table in memory.

const STREAM = { centre: 1, noise: 2, probe: 3, stranger: 4, calibration: 5, pick: 6, fit: 7 };

// murmur3's finaliser: spreads the seed and keys over all 32 bits.
function mix32(h) {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

// sfc32 keyed by (seed, ...keys), with Gaussian draws by Box-Muller.
class Rng {
  constructor(...keys) {
    let h = mix32(seed ^ 0x9e3779b9);
    for (const k of keys) h = mix32(h ^ mix32(k + 0x632be5ab));
    this.a = h;
    this.b = mix32(h + 1);
    this.c = mix32(h + 2);
    this.d = mix32(h + 3) | 1;
    this.spare = null;
    for (let i = 0; i < 12; i++) this.next();
  }
  next() {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  uniform() {
    return (this.next() + 0.5) / 4294967296; // in (0, 1): safe for log
  }
  int(n) {
    return Math.floor(this.uniform() * n);
  }
  normal() {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const theta = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

// ---------------------------------------------------------------------------------------
// Linear algebra on D x D row-major Float64Arrays.

// Lower Cholesky factor; the fitted covariances are only positive semi-definite (the
// between-person one had its negative eigenvalues clipped, and the JSON is rounded), so
// the smallest diagonal jitter that makes the factorisation succeed is added.
function cholesky(a, D) {
  let trace = 0;
  for (let i = 0; i < D; i++) trace += a[i * D + i];
  for (let jitter = 0, attempt = 0; attempt < 16; attempt++, jitter = jitter ? jitter * 10 : 1e-12 * (trace / D)) {
    const L = new Float64Array(D * D);
    let ok = true;
    for (let i = 0; i < D && ok; i++)
      for (let j = 0; j <= i; j++) {
        let s = a[i * D + j] + (i === j ? jitter : 0);
        for (let k = 0; k < j; k++) s -= L[i * D + k] * L[j * D + k];
        if (i === j) {
          if (!(s > 0)) {
            ok = false;
            break;
          }
          L[i * D + i] = Math.sqrt(s);
        } else L[i * D + j] = s / L[j * D + j];
      }
    if (ok) return { L, jitter, relative: jitter / (trace / D) };
  }
  throw new Error('covariance is not positive semi-definite, even with jitter');
}

// Eigenvalues of a symmetric matrix: the distance distributions of the Gaussian model
// are weighted chi-squares with these weights (negative rounding noise clipped to 0).
function eigenvalues(matrix, D) {
  return symmetricEigen(matrix, D).values.map((x) => Math.max(0, x));
}

// ---------------------------------------------------------------------------------------
// Distributions and quantiles.

// erfc with a relative error below 1.2e-7 everywhere (Numerical Recipes' erfcc), so the
// far tails the 1% thresholds live in keep their precision.
function erfc(x) {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}
const normalCdf = (w) => 0.5 * erfc(-w / Math.SQRT2);
const normalPdf = (w) => Math.exp(-0.5 * w * w) / Math.sqrt(2 * Math.PI);

// P(sum_i lambda_i Z_i^2 <= x): the squared distance between two Gaussian faces. The
// Lugannani-Rice saddlepoint approximation, accurate far into the lower tail where no
// sample of pairs reaches (a per-pair rate of 0.01/N is 1e-8 at a million faces).
function weightedChiSquareCdf(lambdas, x) {
  if (x <= 0) return 0;
  const K = (t) => lambdas.reduce((s, l) => s - 0.5 * Math.log(1 - 2 * l * t), 0);
  const K1 = (t) => lambdas.reduce((s, l) => s + l / (1 - 2 * l * t), 0);
  const K2 = (t) => lambdas.reduce((s, l) => s + (2 * l * l) / (1 - 2 * l * t) ** 2, 0);
  const mean = K1(0);
  let lo;
  let hi;
  if (x < mean) {
    hi = 0;
    lo = -1;
    while (K1(lo) > x) lo *= 2;
  } else {
    lo = 0;
    hi = (1 - 1e-12) / (2 * Math.max(...lambdas));
  }
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (K1(mid) < x) lo = mid;
    else hi = mid;
  }
  const t = (lo + hi) / 2;
  const w = Math.sign(t) * Math.sqrt(Math.max(0, 2 * (t * x - K(t))));
  const u = t * Math.sqrt(K2(t));
  if (Math.abs(w) < 1e-4) {
    // At the mean the formula is 0/0; use its limit, 1/2 + skewness term.
    const k2 = K2(0);
    const k3 = lambdas.reduce((s, l) => s + 8 * l ** 3, 0);
    return 0.5 + k3 / (6 * Math.sqrt(2 * Math.PI) * k2 ** 1.5);
  }
  return normalCdf(w) + normalPdf(w) * (1 / w - 1 / u);
}

// The distance at which the model's distance distribution reaches probability p.
function modelDistanceQuantile(lambdas, p) {
  let lo = 0;
  let hi = 4 * Math.sqrt(lambdas.reduce((s, l) => s + l, 0));
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (weightedChiSquareCdf(lambdas, mid * mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

// The same rule fit_statistics.js uses for the real quantiles, so the columns compare.
const sampleQuantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))];

// Latency percentiles by nearest rank: p95 of 100 probes is the 95th fastest.
const nearestRank = (sorted, q) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];

// Reads a distance at a fraction off a fitted [fraction, distance] table, interpolating
// in log(fraction); null outside the table. The table is sorted first: the fitter lists
// some fractions twice and out of order (0.05 before 0.02).
function tableQuantile(pairs, fraction) {
  const points = [...new Map(pairs.map(([f, d]) => [f, d])).entries()].sort((x, y) => x[0] - y[0]);
  if (fraction < points[0][0] || fraction > points[points.length - 1][0]) return null;
  for (let i = 0; i < points.length; i++) {
    const [f1, d1] = points[i];
    if (f1 === fraction) return d1;
    if (f1 > fraction) {
      const [f0, d0] = points[i - 1];
      const w = (Math.log(fraction) - Math.log(f0)) / (Math.log(f1) - Math.log(f0));
      return d0 + w * (d1 - d0);
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// The synthetic faces.

// Everything needed to draw faces from the fitted Gaussians.
function faceModel(stats) {
  const D = stats.dims;
  const mean = Float64Array.from(stats.mean);
  const between = Float64Array.from(stats.between_covariance);
  const within = Float64Array.from(stats.within_covariance);
  const b = cholesky(between, D);
  const w = cholesky(within, D);
  const z = new Float64Array(D);

  // out += L z, z standard normal from rng: one Gaussian draw with factor L.
  const addDraw = (out, L, rng) => {
    for (let i = 0; i < D; i++) z[i] = rng.normal();
    for (let i = 0; i < D; i++) {
      let s = 0;
      const row = i * D;
      for (let k = 0; k <= i; k++) s += L[row + k] * z[k];
      out[i] += s;
    }
    return out;
  };
  const centre = (rng) => addDraw(Float64Array.from(mean), b.L, rng);
  const withNoise = (c, rng) => addDraw(Float64Array.from(c), w.L, rng);
  const twice = (m) => {
    const out = new Float64Array(D * D);
    for (let i = 0; i < D * D; i++) out[i] = 2 * m[i];
    return out;
  };
  const impostorDifference = twice(between.map((x, i) => x + within[i]));
  return {
    D,
    jitter: { between: b.relative, within: w.relative },
    // Row id of the table: its person's centre, then the enrolled photo's own noise.
    enrolled: (id) => withNoise(centre(new Rng(STREAM.centre, id)), new Rng(STREAM.noise, id)),
    // Probe j of an enrolled row: the row's centre with fresh noise.
    probeOf: (id, j) => withNoise(centre(new Rng(STREAM.centre, id)), new Rng(STREAM.probe, j)),
    // A stranger: nobody in any table (its centre comes from a different stream).
    stranger: (stream, j) => {
      const rng = new Rng(stream, j);
      return withNoise(centre(rng), rng);
    },
    fitPair: (k, same) => {
      const rng = new Rng(STREAM.fit, k, same ? 1 : 0);
      const c = centre(rng);
      return [withNoise(c, rng), withNoise(same ? c : centre(rng), rng)];
    },
    // Weights of the squared-distance chi-squares: difference covariance 2W or 2(B+W).
    genuineLambdas: () => eigenvalues(twice(within), D),
    impostorLambdas: () => eigenvalues(impostorDifference, D),
  };
}

const distance = (a, b) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
};

// The text form of face_embedding, 7 decimals (float4 holds about 7 digits).
const embeddingText = (v) => {
  let s = '[';
  for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + v[i].toFixed(7);
  return s + ']';
};

// ---------------------------------------------------------------------------------------
// PostgreSQL through psql.

const psqlArgs = [...connection, '-X', '-q', '-v', 'ON_ERROR_STOP=1'];
const psql = psqlRunner(connection);

// COPY FROM STDIN fed row by row with back-pressure, so a million rows never sit in
// memory as one string. rowText(k) returns the k-th line; resolves to the seconds this
// process spent making rows (the rest of the wall time is PostgreSQL's).
async function copyIn(table, rows, rowText) {
  const child = spawn('psql', [...psqlArgs, '-c', `COPY ${table} FROM STDIN`], { stdio: ['pipe', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const closed = new Promise((resolve) => child.on('close', resolve));
  let broken = null;
  child.stdin.on('error', (e) => { broken = e; });
  let busy = 0;
  const CHUNK = 500;
  for (let k = 0; k < rows && !broken; k += CHUNK) {
    const start = process.hrtime.bigint();
    let text = '';
    for (let r = k; r < Math.min(rows, k + CHUNK); r++) text += rowText(r);
    busy += Number(process.hrtime.bigint() - start) / 1e9;
    if (!child.stdin.write(text)) await Promise.race([once(child.stdin, 'drain'), closed]);
  }
  child.stdin.end();
  const code = await closed;
  if (code !== 0 || broken) throw new Error(`COPY ${table} failed (${code}): ${err.trim() || broken}`);
  return busy;
}

// Server-side helpers: the timing loop and EXPLAIN of one probe, both through EXECUTE
// ... USING so the probe is a parameter, the way an application would send it.
const HELPERS = `
CREATE OR REPLACE FUNCTION scale_bench_time(query text, probes regclass, probe_kind text)
RETURNS TABLE (probe int, ms float8, n int, hit boolean, digest text, top_distance text)
LANGUAGE plpgsql AS $fn$
DECLARE
  p record;
  t0 timestamptz;
  t1 timestamptz;
  ids int[];
  dists float8[];
BEGIN
  FOR p IN EXECUTE format('SELECT i, target, emb FROM %s WHERE kind = $1 ORDER BY i', probes) USING probe_kind LOOP
    t0 := clock_timestamp();
    EXECUTE query INTO ids, dists USING p.emb;
    t1 := clock_timestamp();
    probe := p.i;
    ms := 1000 * extract(epoch FROM t1 - t0);
    n := coalesce(cardinality(ids), 0);
    hit := coalesce(p.target = ANY (ids), false);
    digest := md5(coalesce(ids::text, '{}') || '|' || coalesce(dists::text, ''));
    top_distance := dists[1]::text;
    RETURN NEXT;
  END LOOP;
END $fn$;

CREATE OR REPLACE FUNCTION scale_bench_explain(query text, probes regclass, probe_kind text, run boolean)
RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  q face_embedding;
  plan jsonb;
BEGIN
  EXECUTE format('SELECT emb FROM %s WHERE kind = $1 ORDER BY i LIMIT 1', probes) INTO q USING probe_kind;
  EXECUTE CASE WHEN run THEN 'EXPLAIN (ANALYZE, FORMAT JSON) ' ELSE 'EXPLAIN (FORMAT JSON) ' END || query
    INTO plan USING q;
  RETURN plan;
END $fn$;
`;

// The ways to run a query. Seq plans run with no index on the table; the parallel one is
// forced by making workers free. An index plan runs with that index alone on the table.
const SEQ_PLANS = {
  seq: 'SET enable_indexscan = off; SET enable_bitmapscan = off; SET max_parallel_workers_per_gather = 0;',
  parallel: 'SET enable_indexscan = off; SET enable_bitmapscan = off; SET max_parallel_workers_per_gather = 2; ' +
    'SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;',
};
const INDEX_PLAN = 'SET enable_seqscan = off; SET max_parallel_workers_per_gather = 0;';
const planSettings = (plan) => SEQ_PLANS[plan] || INDEX_PLAN;
const indexName = (n, method) => `scale_${n}_${method}_idx`;
const LABEL = { gist: 'GiST', face_va: 'face_va' };

// The plan as a chain of nodes from the top, e.g. "Aggregate > Limit > Index Scan
// (scale_10000_emb_idx)", and whether it is the kind of plan it is meant to be.
function describePlan(explain, plan, index, knn) {
  const nodes = [];
  for (let node = explain[0].Plan; node; node = node.Plans && node.Plans[0]) nodes.push(node);
  const text = nodes.map((n) => {
    let s = n['Node Type'];
    if (n['Parallel Aware']) s = 'Parallel ' + s;
    if (n['Index Name']) s += ` (${n['Index Name']})`;
    if (n['Workers Planned'] !== undefined)
      s += ` (workers ${n['Workers Planned']}${n['Workers Launched'] !== undefined ? `, launched ${n['Workers Launched']}` : ''})`;
    return s;
  }).join(' > ');
  const types = nodes.map((n) => n['Node Type']);
  const usesIndex = nodes.some((n) => n['Index Name'] === index);
  const gather = nodes.find((n) => n['Node Type'].startsWith('Gather'));
  let ok;
  if (plan === 'seq') ok = types.includes('Seq Scan') && !usesIndex && !gather;
  else if (plan === 'parallel')
    ok = types.includes('Seq Scan') && !usesIndex && !!gather && (gather['Workers Launched'] ?? 1) > 0;
  else ok = usesIndex && !types.includes('Seq Scan') && (!knn || (types.includes('Index Scan') && !types.includes('Sort')));
  return { text, ok };
}

// ---------------------------------------------------------------------------------------
// Formatting.

const ms = (x) => (x === undefined || x === null ? '' : x < 1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));
const mb = (bytes) => (bytes / 1048576).toFixed(1);
const d3 = (x) => (x === null || x === undefined ? 'n/a' : x.toFixed(3));
const table = (header, rows) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

// ---------------------------------------------------------------------------------------

// Same-person and different-person distances of the synthetic faces next to LFW's own
// and the Gaussian model's exact ones: how far the synthetic data can be trusted.
function fitCheck(model, stats, genuineLambdas, impostorLambdas) {
  const genuine = [];
  const impostor = [];
  for (let k = 0; k < fitPairs; k++) {
    const [a, b] = model.fitPair(k, true);
    genuine.push(distance(a, b));
    const [c, d] = model.fitPair(k, false);
    impostor.push(distance(c, d));
  }
  genuine.sort((x, y) => x - y);
  impostor.sort((x, y) => x - y);
  const rows = [];
  for (const f of [1e-4, 1e-3, 0.01, 0.1, 0.5, 0.9])
    rows.push(['different person', String(f), d3(tableQuantile(stats.impostor_quantiles, f)),
      f * fitPairs >= 1 ? d3(sampleQuantile(impostor, f)) : 'n/a', d3(modelDistanceQuantile(impostorLambdas, f))]);
  for (const q of [0.05, 0.25, 0.5, 0.75, 0.95]) {
    const real = stats.genuine_quantiles.find(([g]) => g === q);
    rows.push(['same person', String(q), real ? d3(real[1]) : 'n/a', d3(sampleQuantile(genuine, q)),
      d3(modelDistanceQuantile(genuineLambdas, q))]);
  }
  return table(['pairs', 'fraction at or below', 'LFW', `synthetic (${fitPairs} pairs)`, 'Gaussian model'], rows);
}

// Loads scale_<n> and its probe table; returns the load timings.
async function loadTable(model, n) {
  const t = `scale_${n}`;
  await psql(`DROP TABLE IF EXISTS ${t}, ${t}_probes;
CREATE TABLE ${t} (id int PRIMARY KEY, emb face_embedding);
CREATE TABLE ${t}_probes (kind text, i int, target int, emb face_embedding, PRIMARY KEY (kind, i));`);
  const start = Date.now();
  const generation = await copyIn(t, n, (id) => `${id}\t${embeddingText(model.enrolled(id))}\n`);
  const load = (Date.now() - start) / 1000;
  // Probes: P enrolled people (picked per N) with fresh photos, P strangers, and the
  // calibration strangers that set the 1% threshold. Strangers are the same at every N.
  const pick = new Rng(STREAM.pick, n);
  const targets = Array.from({ length: probeCount }, () => pick.int(n));
  const probes = [
    ...targets.map((id, j) => `enrolled\t${j}\t${id}\t${embeddingText(model.probeOf(id, j))}\n`),
    ...Array.from({ length: probeCount }, (_, j) => `stranger\t${j}\t\\N\t${embeddingText(model.stranger(STREAM.stranger, j))}\n`),
    ...Array.from({ length: calibrationCount }, (_, j) =>
      `calibration\t${j}\t\\N\t${embeddingText(model.stranger(STREAM.calibration, j))}\n`),
  ];
  await copyIn(`${t}_probes`, probes.length, (k) => probes[k]);
  const analyze = Date.now();
  await psql(`VACUUM (ANALYZE) ${t}; VACUUM (ANALYZE) ${t}_probes;`);
  return { load, generation, vacuum: (Date.now() - analyze) / 1000 };
}

// Builds an index, timed by the server's clock; returns seconds and sizes. Then
// reads table and index into shared buffers (pg_prewarm), as a database that answers
// such queries all day has them: a sorted index build writes its pages past shared
// buffers, and a large seq scan reads through a small ring, so without this every
// plan would be timed reading the OS page cache. Both kinds of plan get the same.
async function buildIndex(n, method) {
  const t = `scale_${n}`;
  const index = indexName(n, method);
  const rows = await psql(`SELECT extract(epoch FROM clock_timestamp());
CREATE INDEX ${index} ON ${t} USING ${method} (emb);
SELECT extract(epoch FROM clock_timestamp());
SELECT pg_relation_size('${t}'), pg_relation_size('${index}'), pg_relation_size('${t}_pkey');
CREATE EXTENSION IF NOT EXISTS pg_prewarm;
SELECT pg_prewarm('${t}') + pg_prewarm('${index}') + pg_prewarm('${t}_probes') HAVING false;`);
  return { build: Number(rows[1][0]) - Number(rows[0][0]), heap: Number(rows[2][0]), index: Number(rows[2][1]), pkey: Number(rows[2][2]) };
}

// tau_1%: the 1% quantile of the calibration strangers' nearest-neighbour distances
// (index KNN), taken as the (floor(C/100)+1)-th smallest so that "< tau" accepts
// floor(C/100) of them. Also the stranger accept rate the per-pair tables predict.
async function calibrate(n) {
  const t = `scale_${n}`;
  const rows = await psql(`SET enable_seqscan = off; SET max_parallel_workers_per_gather = 0;
SELECT extract(epoch FROM clock_timestamp());
SELECT p.i, (SELECT x.emb <-> p.emb FROM ${t} x ORDER BY x.emb <-> p.emb LIMIT 1)
  FROM ${t}_probes p WHERE p.kind = 'calibration' ORDER BY p.i;
SELECT extract(epoch FROM clock_timestamp());`);
  const seconds = Number(rows[rows.length - 1][0]) - Number(rows[0][0]);
  const nn = rows.slice(1, -1).map((r) => Number(r[1])).sort((x, y) => x - y);
  const k = Math.floor(nn.length / 100);
  return { tau: nn[k], accepted: nn.filter((d) => d < nn[k]).length / nn.length, seconds, nn };
}

// Runs one query shape over one kind of probe with one plan: EXPLAIN ANALYZE on the
// first probe, an untimed pass over all probes, then the timed pass. The untimed pass
// is there because a fresh backend pays a page fault the first time it touches each
// shared buffer (tens of microseconds per page on this VM), which a pooled connection
// in production has long paid; timing it would measure the session, not the query.
async function measure(n, query, kind, plan, knn) {
  const t = `scale_${n}`;
  const q = query.replace(/'/g, "''");
  const rows = await psql(`${planSettings(plan)}
SELECT 'plan', scale_bench_explain('${q}', '${t}_probes', '${kind}', true)::text;
SELECT count(*) FROM scale_bench_time('${q}', '${t}_probes', '${kind}') HAVING false;
SELECT 'time', * FROM scale_bench_time('${q}', '${t}_probes', '${kind}');`);
  const explain = JSON.parse(rows.find((r) => r[0] === 'plan')[1]);
  const times = rows.filter((r) => r[0] === 'time').map((r) => ({
    probe: Number(r[1]), ms: Number(r[2]), n: Number(r[3]), hit: r[4] === 't', digest: r[5], top: r[6],
  }));
  return { plan: describePlan(explain, plan, indexName(n, plan), knn), times };
}

// When the server's pgface.so was last written (null if this role may not ask): a
// reinstall between an index build and the last query on it would time one build's
// index with another's code. (Loading only uses the type's input, which is stable.)
async function libraryStamp() {
  try {
    const rows = await psql("SELECT (pg_stat_file(setting || '/pgface.so')).modification FROM pg_config WHERE name = 'PKGLIBDIR';");
    return rows.length ? rows[0][0] : null;
  } catch {
    return null;
  }
}

// What the planner picks with nothing switched off, for the record.
async function defaultPlan(n, query, knn, method) {
  const t = `scale_${n}`;
  const rows = await psql(`SELECT scale_bench_explain('${query.replace(/'/g, "''")}', '${t}_probes', 'stranger', false)::text;`);
  return describePlan(JSON.parse(rows[0][0]), method, indexName(n, method), knn);
}

async function main() {
  const stats = JSON.parse(fs.readFileSync(statsFile, 'utf8'));
  if (stats.dims !== 128) throw new Error(`expected 128 dims, got ${stats.dims}`);
  const model = faceModel(stats);
  const genuineLambdas = model.genuineLambdas();
  const impostorLambdas = model.impostorLambdas();
  const out = [];
  const say = (s = '') => {
    out.push(s);
    console.log(s);
  };

  await psql(HELPERS);
  const [[server]] = await psql('SELECT version();');
  const [[extversion, sharedBuffers, parallel, mwm]] = await psql(
    "SELECT extversion, current_setting('shared_buffers'), current_setting('max_parallel_workers'), " +
    "current_setting('maintenance_work_mem') FROM pg_extension WHERE extname = 'pgface';");
  const cpu = (os.cpus()[0] || { model: '?' }).model.trim();
  say(`# pgface scale benchmark, ${new Date().toISOString().slice(0, 10)}`);
  say();
  say(`${server}; pgface ${extversion}; shared_buffers ${sharedBuffers}, max_parallel_workers ${parallel}, ` +
    `maintenance_work_mem ${mwm}, jit off; ${cpu}, ${os.cpus().length} cores.`);
  say(`Seed ${seed}; ${probeCount} enrolled and ${probeCount} stranger probes per N; ` +
    `${calibrationCount} calibration strangers. Statistics: ${stats.source || statsFile}.`);
  say(`Cholesky jitter (relative to the mean variance): between ${model.jitter.between.toExponential(1)}, ` +
    `within ${model.jitter.within.toExponential(1)}.`);
  say();
  progress('fit check');
  say('## Synthetic faces against LFW: distance quantiles');
  say();
  say('Distance below which the given fraction of pairs falls: in LFW (the JSON), in pairs of synthetic faces, and ' +
    'exactly in the Gaussian model the faces are drawn from (saddlepoint approximation).');
  say();
  say(fitCheck(model, stats, genuineLambdas, impostorLambdas));
  say();

  const setupRows = [];
  const planRows = [];
  const latencyRows = [];
  let mismatches = 0;
  let parallelMismatches = 0;
  let badPlans = 0;
  let libraryChanged = null;
  const mismatchesBy = Object.fromEntries(methods.map((m) => [m, 0]));
  for (const n of sizes) {
    progress(`N=${n}: loading`);
    const load = await loadTable(model, n);
    progress(`N=${n}: loaded in ${load.load.toFixed(1)} s (generation ${load.generation.toFixed(1)} s), vacuum analyze ${load.vacuum.toFixed(1)} s`);
    const stamp = await libraryStamp();
    const indexes = {};
    const results = {}; // results[query name][kind][plan]
    let cal = null;
    let queries = null;
    const runPlan = async (plan) => {
      for (const query of queries) {
        if (plan in SEQ_PLANS === false) {
          const chosen = await defaultPlan(n, query.sql, query.knn, plan);
          planRows.push([n, query.name, `planner default, ${LABEL[plan]} index only`, chosen.text, chosen.ok ? 'index' : 'no index']);
        }
        for (const kind of ['enrolled', 'stranger']) {
          progress(`N=${n}: ${query.name}, ${kind}, ${plan}`);
          const r = await measure(n, query.sql, kind, plan, query.knn);
          ((results[query.name] ||= {})[kind] ||= {})[plan] = r;
          if (kind === 'stranger') planRows.push([n, query.name, plan, r.plan.text, r.plan.ok ? 'ok' : '**WRONG**']);
          if (!r.plan.ok) {
            badPlans++;
            progress(`  plan is not a ${plan} plan: ${r.plan.text}`);
          }
        }
      }
    };
    for (const method of methods) {
      progress(`N=${n}: building the ${method} index`);
      indexes[method] = await buildIndex(n, method);
      progress(`N=${n}: ${method} index built in ${indexes[method].build.toFixed(1)} s`);
      if (!cal) {
        cal = await calibrate(n);
        progress(`N=${n}: tau_1% = ${cal.tau.toFixed(4)} (${cal.seconds.toFixed(1)} s of KNN by ${method})`);
        queries = [
          { name: 'tau 0.6', tau: 0.6, knn: false, sql: `SELECT array_agg(id ORDER BY id), NULL::float8[] FROM (SELECT id FROM scale_${n} WHERE emb <-> $1 < 0.6) s` },
          { name: 'tau 1%', tau: cal.tau, knn: false, sql: `SELECT array_agg(id ORDER BY id), NULL::float8[] FROM (SELECT id FROM scale_${n} WHERE emb <-> $1 < ${cal.tau}) s` },
          { name: 'top-1', tau: null, knn: true, sql: `SELECT array_agg(id), array_agg(d) FROM (SELECT id, emb <-> $1 AS d FROM scale_${n} ORDER BY emb <-> $1 LIMIT 1) s` },
          { name: 'top-10', tau: null, knn: true, sql: `SELECT array_agg(id), array_agg(d) FROM (SELECT id, emb <-> $1 AS d FROM scale_${n} ORDER BY emb <-> $1 LIMIT 10) s` },
        ].filter((q) => queryNames.includes(q.name));
      }
      await runPlan(method);
      await psql(`DROP INDEX ${indexName(n, method)};`);
    }
    for (const plan of Object.keys(SEQ_PLANS)) await runPlan(plan);
    if (keep) {
      for (const method of methods) {
        progress(`N=${n}: building the ${method} index again, to keep`);
        await buildIndex(n, method);
      }
    }

    const perPair = 0.01 / n;
    setupRows.push([n, load.load.toFixed(1), load.generation.toFixed(1), Math.round(n / load.load), mb(indexes[methods[0]].heap),
      ...methods.flatMap((m) => [indexes[m].build.toFixed(1), mb(indexes[m].index)]),
      cal.tau.toFixed(4), `${(100 * cal.accepted).toFixed(1)}%`,
      perPair.toExponential(0), d3(tableQuantile(stats.impostor_quantiles, perPair)), d3(modelDistanceQuantile(impostorLambdas, perPair)),
      `${((1000 * cal.seconds) / cal.nn.length).toFixed(2)}`, stamp ? stamp.replace(/^\d+-\d+-\d+ /, '') : '?']);

    for (const query of queries) {
      for (const kind of ['enrolled', 'stranger']) {
        const byPlan = results[query.name][kind];
        const reference = byPlan.seq.times;
        const differ = (plan) => byPlan[plan].times.filter((r, k) => r.probe !== reference[k].probe || r.digest !== reference[k].digest).length +
          Math.abs(byPlan[plan].times.length - reference.length);
        const wrongParallel = differ('parallel');
        parallelMismatches += wrongParallel;
        const wrong = methods.map((m) => {
          const w = differ(m);
          mismatchesBy[m] += w;
          mismatches += w;
          if (w) progress(`  ${w} ${m} answers differ from the seq scan`);
          return w;
        });
        const p = (plan, q) => nearestRank(byPlan[plan].times.map((r) => r.ms).sort((x, y) => x - y), q);
        const bestSeq = Math.min(p('seq', 0.5), p('parallel', 0.5));
        const meanRows = reference.reduce((s, r) => s + r.n, 0) / reference.length;
        // Accept: an enrolled probe finds its own photo (top-1: as the nearest); a
        // stranger is accepted when anything comes back (n/a for top-1, which always answers).
        const accept = kind === 'enrolled'
          ? reference.filter((r) => r.hit).length / reference.length
          : query.knn ? null : reference.filter((r) => r.n > 0).length / reference.length;
        latencyRows.push([n, query.name, query.tau === null ? '' : query.tau.toFixed(4), kind, meanRows.toFixed(meanRows < 10 ? 2 : 0),
          accept === null ? 'n/a' : `${(100 * accept).toFixed(0)}%`,
          ms(p('seq', 0.5)), ms(p('seq', 0.95)), ms(p('parallel', 0.5)), ms(p('parallel', 0.95)),
          ...methods.flatMap((m) => [ms(p(m, 0.5)), ms(p(m, 0.95)), `${(bestSeq / p(m, 0.5)).toFixed(1)}x`]),
          [...wrong, wrongParallel].join('/')]);
      }
    }
    if (!keep) await psql(`DROP TABLE scale_${n}, scale_${n}_probes;`);
    const now = await libraryStamp();
    if (now !== stamp) {
      libraryChanged = (libraryChanged ? libraryChanged + ' ' : '') +
        `N=${n}: pgface.so was rewritten between the index build and the last query (${stamp} -> ${now}); its results are not trustworthy.`;
      progress(libraryChanged);
    }
  }
  if (!keep) await psql('DROP FUNCTION scale_bench_time(text, regclass, text); DROP FUNCTION scale_bench_explain(text, regclass, text, boolean);');

  say('## Tables, index and the 1% threshold');
  say();
  say('Load: COPY wall time (generation: this script\'s share of it). tau 1%: the 1% quantile of the calibration ' +
    'strangers\' top-1 distances (measured: share of them with top-1 below tau), next to the distance at the ' +
    'per-pair false-accept rate 0.01/N in the LFW impostor quantiles (n/a: beyond the table) and in the Gaussian model. ' +
    'pgface.so of: when the library that built and searched the index was installed.');
  say();
  say(table(['N', 'load s', 'generation s', 'rows/s', 'table MB',
    ...methods.flatMap((m) => [`${LABEL[m]} build s`, `${LABEL[m]} MB`]), 'tau 1%', 'strangers accepted',
    'per-pair rate', 'tau pred. LFW', 'tau pred. model', 'KNN ms/query (calibration)', 'pgface.so of'], setupRows));
  say();
  say('## Plans (EXPLAIN ANALYZE of the first stranger probe; Aggregate is the wrapper that collects the answer)');
  say();
  say(table(['N', 'query', 'plan', 'nodes', 'check'], planRows));
  say();
  say('## Latency, ms per query, server side (planning + execution)');
  say();
  say('rows: mean answer size. accept: enrolled probes whose own photo is in the answer (top-1: is the answer); ' +
    'strangers with a non-empty answer. speedup: best seq-plan p50 / the index\'s p50. mismatches: ' +
    `${[...methods.map((m) => LABEL[m]), 'parallel'].join(' / ')} answers that differ from the plain seq scan.`);
  say();
  say(table(['N', 'query', 'tau', 'probes', 'rows', 'accept', 'seq p50', 'seq p95', 'parallel p50', 'parallel p95',
    ...methods.flatMap((m) => [`${LABEL[m]} p50`, `${LABEL[m]} p95`, `${LABEL[m]} speedup`]), 'mismatches'], latencyRows));
  say();
  say(`Mismatches against the seq scan: ${methods.map((m) => `${LABEL[m]} ${mismatchesBy[m]}`).join(', ')}; parallel ${parallelMismatches}. ` +
    `Plans that were not what they should be: ${badPlans}.`);
  if (libraryChanged) say(`**${libraryChanged}**`);
  if (outFile) fs.writeFileSync(outFile, out.join('\n') + '\n');
  if (mismatches || parallelMismatches || badPlans || libraryChanged) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});

#!/usr/bin/env node
// Whether the planner picks the fastest plan for the product's queries, and what each plan
// costs in the planner's units and in milliseconds.
//
// On a gallery table that has a GiST index, a face_va index, or both, for the threshold
// query and for top-k, this times each plan forced (each index alone, the others dropped
// inside a transaction that is rolled back, with enable_seqscan off; then the seq plans
// with no index, which the planner may make parallel), and then what the planner picks
// with every index in place and with each index alone, against the fastest of the plans
// it could have picked.
// Each query is timed by EXPLAIN (ANALYZE, TIMING OFF), in a session for each plan, once to
// warm up and then once per probe; the report gives median execution times and the planner's
// total cost of each forced plan.
//
//   node test/bench/plan_choice.js --socket DIR --db bench --user postgres \
//        --table scale_1000000 --probes scale_1000000_probes --tau 0.4058 \
//        [--count 10] [--limits 1,10,100] [--port 5432]
//
// The tables are scale.js's (--keep): TABLE (id, emb) and PROBES (kind, i, emb), whose
// 'enrolled' and 'stranger' probes are used alternately. The report is markdown on
// stdout, progress on stderr.
'use strict';
const { psqlRunner, optionReader, connectionFromOptions } = require('./psql_session');

const args = process.argv.slice(2);
const option = optionReader(args);
const table = option('--table', null);
const probes = option('--probes', null);
const tau = Number(option('--tau', 'NaN'));
const count = Number(option('--count', '10'));
const limits = option('--limits', '1,10,100').split(',').map(Number);
if (!table || !probes || !Number.isFinite(tau)) {
  console.error('usage: plan_choice.js --table T --probes P --tau TAU [--socket DIR --db DB --user U]');
  process.exit(2);
}
const psql = psqlRunner(connectionFromOptions(option));
const identifier = (name) => `"${name.replace(/"/g, '""')}"`;

// EXPLAIN of a query with the probe as $1, as one JSON document per probe.
const EXPLAIN_FUNCTION = `
CREATE FUNCTION pg_temp.explained(query text, probe face_embedding) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE plan json;
BEGIN
  EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ' || query INTO plan USING probe;
  RETURN plan;
END $$;`;

// The node that reads the gallery: an index name, or the table for a seq scan.
function galleryScan(node) {
  if (node['Index Name']) return node['Index Name'];
  if (node['Node Type'].includes('Seq Scan') && node['Relation Name'] === table) {
    return node['Node Type'] === 'Seq Scan' ? 'seq scan' : 'parallel seq scan';
  }
  for (const child of node.Plans || []) {
    if (child['Parent Relationship'] === 'InitPlan' || child['Parent Relationship'] === 'SubPlan') continue;
    const found = galleryScan(child);
    if (found) return found;
  }
  return null;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function indexesOf() {
  const rows = await psql(`SELECT c.relname, a.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_am a ON a.oid = c.relam JOIN pg_attribute t ON t.attrelid = i.indrelid AND t.attnum = i.indkey[0]
    WHERE i.indrelid = '${table}'::regclass AND t.attname = 'emb' ORDER BY 1`);
  return rows.map(([name, method]) => ({ name, method }));
}

// Times one query under one plan: drops the indexes named, applies the settings, runs,
// rolls back.
async function timePlan(query, drop, settings) {
  const probeList = `(SELECT emb FROM ${identifier(probes)} WHERE kind IN ('enrolled', 'stranger')
      ORDER BY i, kind LIMIT ${count})`;
  const sql = `${EXPLAIN_FUNCTION}
BEGIN;
${drop.map((name) => `DROP INDEX ${identifier(name)};`).join('\n')}
${settings.map((setting) => `SET LOCAL ${setting};`).join('\n')}
SELECT pg_temp.explained($q$${query}$q$, (SELECT emb FROM ${probeList} p LIMIT 1))::jsonb::text;
SELECT pg_temp.explained($q$${query}$q$, p.emb)::jsonb::text FROM ${probeList} p;
ROLLBACK;`;
  const rows = await psql(sql);
  const runs = rows.slice(1).map(([text]) => JSON.parse(text)[0]);
  return {
    ms: median(runs.map((run) => run['Execution Time'])),
    cost: median(runs.map((run) => run.Plan['Total Cost'])),
    scans: [...new Set(runs.map((run) => galleryScan(run.Plan)))].join(', '),
  };
}

async function main() {
  const indexes = await indexesOf();
  const [[rows]] = await psql(`SELECT reltuples::bigint FROM pg_class WHERE oid = '${table}'::regclass`);
  const queries = [[`tau ${tau}`, `SELECT id FROM ${identifier(table)} WHERE emb <-> $1 < ${tau}`]];
  for (const k of limits) {
    queries.push([`top-${k}`, `SELECT id FROM ${identifier(table)} ORDER BY emb <-> $1 LIMIT ${k}`]);
  }
  const others = (index) => indexes.filter((other) => other !== index).map((other) => other.name);
  // Each plan forced: one index alone with seq scans off, and the seq plans with no index.
  const forced = indexes.map((index) => [index.method, others(index), ['enable_seqscan = off']]);
  forced.push(['seq', indexes.map((index) => index.name), []]);
  // What the planner picks with every index, and with each index alone.
  // Each against the fastest of the plans it could have picked.
  const picked = [['all indexes', [], [], [...indexes.map((index) => index.method), 'seq']]];
  if (indexes.length > 1) {
    for (const index of indexes) picked.push([`${index.method} alone`, others(index), [], [index.method, 'seq']]);
  }

  const lines = [];
  lines.push(`## ${new Date().toISOString().slice(0, 10)} ${table}: ${rows} rows, indexes ${indexes.map((i) => `${i.name} (${i.method})`).join(', ')}; ${count} probes`);
  lines.push('');
  lines.push('Each plan forced, ms p50 (planner cost); then what the planner picks on the table with ' +
    'the indexes named, and its time over the fastest of the forced plans it could have picked.');
  lines.push('');
  const headings = [...forced.map(([name]) => name), ...picked.map(([name]) => `picks, ${name}`)];
  lines.push(`| query | ${headings.join(' | ')} |`);
  lines.push(`| --- | ${headings.map(() => '---').join(' | ')} |`);
  for (const [label, query] of queries) {
    const cells = [];
    const forcedMs = {};
    for (const [name, drop, settings] of forced) {
      process.stderr.write(`${label}: ${name}\n`);
      const m = await timePlan(query, drop, settings);
      forcedMs[name] = m.ms;
      cells.push(`${m.ms.toFixed(1)} (${Math.round(m.cost)})`);
    }
    for (const [name, drop, settings, choices] of picked) {
      process.stderr.write(`${label}: ${name}\n`);
      const m = await timePlan(query, drop, settings);
      const fastest = Math.min(...choices.map((choice) => forcedMs[choice]));
      cells.push(`${m.scans} ${(m.ms / fastest).toFixed(2)}x`);
    }
    lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  console.log(lines.join('\n'));
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});

// One psql session per script, for the benchmarks that drive a real server: the script
// runs after LOAD 'pgface' (the planner hook indexes the literal "emb <-> q < tau" only
// when it is in place at planning time) and with jit off (compiling one-shot queries
// would measure LLVM, not the scan). Resolves to the rows, as arrays of text fields.
'use strict';
const { spawn } = require('child_process');

const SESSION = "LOAD 'pgface';\nSET jit = off;\n";

// connection: psql's own flags (-h, -p, -d, -U and their values).
function psqlRunner(connection) {
  const psqlArgs = [...connection, '-X', '-q', '-v', 'ON_ERROR_STOP=1'];
  return function psql(sql) {
    return new Promise((resolve, reject) => {
      const child = spawn('psql', [...psqlArgs, '-A', '-t', '-F', '\t', '-f', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { err += d; });
      child.on('error', reject);
      child.on('close', (code) => {
        if (code !== 0) reject(new Error(`psql failed (${code}): ${err.trim()}\n--- script:\n${sql.slice(0, 2000)}`));
        else resolve(out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t')));
      });
      child.stdin.end(SESSION + sql);
    });
  };
}

// A command line's "--name value" options: option(name, fallback).
function optionReader(args) {
  return (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
  };
}

// psql's connection flags from the benchmarks' --socket, --port, --db and --user options.
function connectionFromOptions(option) {
  const connection = [];
  for (const [name, psqlFlag] of [['--socket', '-h'], ['--port', '-p'], ['--db', '-d'], ['--user', '-U']]) {
    const value = option(name, null);
    if (value !== null) connection.push(psqlFlag, value);
  }
  return connection;
}

module.exports = { psqlRunner, optionReader, connectionFromOptions };

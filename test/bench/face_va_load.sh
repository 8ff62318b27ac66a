#!/usr/bin/env bash
# face_va under load, on a table and index that scale.js left behind (--keep): inserts
# per second into the index (ROWS copies of existing faces, one transaction, then
# deleted again and vacuumed), and the 1%-stranger threshold query from one client and
# from two at once (QUERIES each, every client in its own session, timed in the server).
#   test/bench/face_va_load.sh DATA_DIR bench scale_10000000 scale_10m_va 0.3877
set -euo pipefail
data=$1 db=$2 table=$3 index=$4 tau=$5
rows=${ROWS:-20000} queries=${QUERIES:-100}
sql() { psql -h "$data" -U postgres -d "$db" -v ON_ERROR_STOP=1 -Atq "$@"; }

# ms per query of QUERIES threshold queries in one session, each with its own stranger probe.
client() {
	sql <<SQL 2>&1 | grep -o 'ms [0-9.]*' | cut -c4-
SET jit = off;
DO \$\$
DECLARE p face_embedding[]; n int; t0 timestamptz;
BEGIN
  SELECT array_agg(emb ORDER BY i) INTO p FROM ${table}_probes WHERE kind IN ('stranger', 'calibration');
  t0 := clock_timestamp();
  FOR k IN 1..$queries LOOP
    SELECT count(*) INTO n FROM $table WHERE emb <-> p[1 + (k + $1) % cardinality(p)] < $tau;
  END LOOP;
  RAISE NOTICE 'ms %', round((extract(epoch FROM clock_timestamp() - t0) * 1000 / $queries)::numeric, 2);
END \$\$;
SQL
}

echo "## $(date -u +%Y-%m-%d) face_va under load: $table ($(sql -c "SELECT count(*) FROM $table") faces), index $index ($(sql -c "SELECT pg_size_pretty(pg_relation_size('$index'))"))"
plan=$(sql -c "SET jit = off; EXPLAIN SELECT count(*) FROM $table WHERE emb <-> (SELECT emb FROM ${table}_probes LIMIT 1) < $tau" | grep -o "Index Scan using $index" || true)
[ -n "$plan" ] || { echo "the threshold query does not use $index" >&2; exit 1; }
start=$(date +%s.%N)
sql -c "INSERT INTO $table (id, emb) SELECT -1 - id, emb FROM $table WHERE id < $rows"
elapsed=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
awk -v n="$rows" -v s="$elapsed" 'BEGIN { printf "  inserts: %d rows in %.1f s, %.0f rows/s (heap, primary key and face_va)\n", n, s, n / s }'
sql -c "DELETE FROM $table WHERE id < 0"
sql -c "VACUUM $table"
client 0 >/dev/null # warm
one=$(client 0)
two=$( (client 0 & client 50 & wait) | tr '\n' ' ')
echo "  one client:  $one ms a query"
echo "  two clients: $two ms a query each (at once, on $(nproc) cores)"

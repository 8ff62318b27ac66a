#!/usr/bin/env bash
# face_va's byte-table filter against the lead-sum kernel alone, in one run: the same
# index, the same probe, the server restarted with PGFACE_SIMD=avx512 (the filter, on a
# CPU with AVX-512 VBMI) and PGFACE_SIMD=avx2 (no filter: what face_va ran before it),
# alternating ROUNDS times. Each start prewarms the index; then QUERIES threshold queries
# (at TAU) and QUERIES top-1 queries run in one session, timed inside the server.
# Needs a table and face_va index that scale.js left behind (--keep), e.g.
#   node test/bench/scale.js ... --sizes 1000000 --indexes face_va --keep
#   psql ... -c 'CREATE INDEX scale_1m_va ON scale_1000000 USING face_va (emb)'
#   test/bench/face_va_filter.sh DATA_DIR bench scale_1000000 scale_1m_va 0.4058
# The server must be one this script may stop and start (scripts/cluster.sh).
set -euo pipefail
data=$1 db=$2 table=$3 index=$4 tau=$5
rounds=${ROUNDS:-3} queries=${QUERIES:-300}
repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/scripts/cluster.sh"

# ms per query of one statement run QUERIES times in one session, with the index forced.
per_query() {
	psql -h "$data" -U postgres -d "$db" -Atq <<SQL 2>&1 | grep -o 'ms [0-9.]*' | cut -c4-
SET enable_seqscan = off; SET enable_bitmapscan = off; SET jit = off;
DO \$\$
DECLARE p face_embedding; n int; t0 timestamptz;
BEGIN
  SELECT emb INTO p FROM ${table}_probes WHERE kind = 'stranger' ORDER BY i LIMIT 1;
  t0 := clock_timestamp();
  FOR k IN 1..$queries LOOP
    $1
  END LOOP;
  RAISE NOTICE 'ms %', round((extract(epoch FROM clock_timestamp() - t0) * 1000 / $queries)::numeric, 2);
END \$\$;
SQL
}

echo "## $(date -u +%Y-%m-%d) face_va filter A/B: $table, index $index, tau $tau, $queries queries a figure"
declare -A sum_threshold sum_top
for round in $(seq "$rounds"); do
	for mode in avx512 avx2; do
		cluster_stop "$data"
		PGFACE_SIMD=$mode cluster_start "$data" -c shared_buffers=${SHARED_BUFFERS:-2GB}
		psql -h "$data" -U postgres -d "$db" -Atqc "CREATE EXTENSION IF NOT EXISTS pg_prewarm; SELECT pg_prewarm('$index')" >/dev/null
		threshold=$(per_query "SELECT count(*) INTO n FROM $table WHERE emb <-> p < $tau;")
		top=$(per_query "SELECT id INTO n FROM $table ORDER BY emb <-> p LIMIT 1;")
		printf '  round %d  %-7s threshold %7s ms   top-1 %7s ms\n' "$round" "$mode" "$threshold" "$top"
		sum_threshold[$mode]=$(awk -v a="${sum_threshold[$mode]:-0}" -v b="$threshold" 'BEGIN { print a + b }')
		sum_top[$mode]=$(awk -v a="${sum_top[$mode]:-0}" -v b="$top" 'BEGIN { print a + b }')
	done
done
awk -v a="${sum_threshold[avx2]}" -v b="${sum_threshold[avx512]}" -v c="${sum_top[avx2]}" -v d="${sum_top[avx512]}" -v r="$rounds" \
	'BEGIN { printf "  mean: threshold %.2f -> %.2f ms (%.2fx), top-1 %.2f -> %.2f ms (%.2fx)\n", a / r, b / r, a / b, c / r, d / r, c / d }'

#!/usr/bin/env bash
# pgvector's HNSW next to face_va, on the same table in the same run. pgvector is not
# packaged for Debian 12, so this fetches Debian trixie's source package through a
# private apt view (its own source list, lists and cache; the system's sources are
# untouched), builds it against the server's pg_config and installs it there. Nothing
# of it enters the repository.
#
# On a table that scale.js left behind (--keep), it runs the cast block of
# doc/benchmarks.md ("Next to pgvector") on a copy named staff, builds an HNSW index
# (m 16, ef_construction 64, pgvector's defaults), and times top-1 for the table's
# enrolled and stranger probes at several ef_search values: recall is the share of
# probes whose answer is the exact nearest face (face_va's, checked against its
# distance), next to face_va's own exact top-1 in the same session.
#   [REUSE=1] [KINDS='enrolled stranger calibration'] test/bench/pgvector.sh DATA_DIR DB TABLE [EF_SEARCH...]
#   e.g. test/bench/pgvector.sh "$PWD/.pgdata" bench scale_1000000 40 100 200 400 800
set -euo pipefail
data=$1 db=$2 table=$3
shift 3
if [ $# -gt 0 ]; then efs=("$@"); else efs=(40 100 200 400 800); fi
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${PGVECTOR_WORK:-$repo/.pg-versions/pgvector}
pg_config=${PG_CONFIG:-pg_config}
say() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
sql() { psql -h "$data" -U postgres -d "$db" -v ON_ERROR_STOP=1 -Atq "$@"; }

if ! sql -c "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'" | grep -q 1; then
	source "$repo/scripts/private-apt.sh"
	say "reading trixie's source lists (a private apt view)"
	private_apt trixie deb-src "$work/apt-trixie"
	rm -rf "$work/source" && mkdir -p "$work/source"
	say "fetching trixie's source package pgvector"
	(cd "$work/source" && apt-get "${apt_private[@]}" source --download-only -q pgvector >&2)
	orig=$(find "$work/source" -maxdepth 1 -name 'pgvector_*.orig.tar.*' | head -1)
	tar -xf "$orig" -C "$work/source"
	tree=$(find "$work/source" -maxdepth 1 -mindepth 1 -type d | head -1)
	say "building $(basename "$tree") against $("$pg_config" --version)"
	make -s -C "$tree" PG_CONFIG="$pg_config" OPTFLAGS="" >&2
	make -s -C "$tree" PG_CONFIG="$pg_config" install >&2
fi
sql -c "CREATE EXTENSION IF NOT EXISTS vector"
echo "## $(date -u +%Y-%m-%d) pgvector $(sql -c "SELECT extversion FROM pg_extension WHERE extname = 'vector'") HNSW next to face_va, $table ($(sql -c "SELECT count(*) FROM $table") faces)"

# The documented cast block, run as written on a copy of the table named staff (REUSE=1:
# keep the staff table and indexes of an earlier run, to time other probes or settings).
if [ "${REUSE:-0}" = 1 ] && sql -c "SELECT to_regclass('staff_hnsw') IS NOT NULL AND to_regclass('staff_va') IS NOT NULL" | grep -qx t; then
	say "reusing staff and its indexes"
	echo "  HNSW $(sql -c "SELECT pg_size_pretty(pg_relation_size('staff_hnsw'))") (built earlier); face_va $(sql -c "SELECT pg_size_pretty(pg_relation_size('staff_va'))")"
else
	say "copying $table to staff and running doc/benchmarks.md's cast block"
	sql -c "DROP TABLE IF EXISTS staff; CREATE TABLE staff AS SELECT id, emb FROM $table; ALTER TABLE staff ADD PRIMARY KEY (id)"
	block=$(awk '/^## Next to pgvector/ {p = 1} p && /^```sql/ {inside = 1; next} inside && /^```/ {exit} inside' "$repo/doc/benchmarks.md" |
		grep -v 'embed(\$1)' | grep -v '^SELECT v::real')
	echo "$block" | sed 's/^/  /' >&2
	echo "$block" | sql
	sql -c "SELECT count(*) FROM staff WHERE v IS NULL OR v::real[]::face_embedding <> emb" | grep -qx 0 ||
		{ say "the cast block did not give every face's vector"; exit 1; }

	say "building the HNSW index (m 16, ef_construction 64; parallel maintenance workers: ${PARALLEL_BUILD:-0})"
	start=$(date +%s.%N)
	sql -c "SET maintenance_work_mem = '2GB'; SET max_parallel_maintenance_workers = ${PARALLEL_BUILD:-0}; CREATE INDEX staff_hnsw ON staff USING hnsw (v vector_l2_ops)"
	build=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	size=$(sql -c "SELECT pg_size_pretty(pg_relation_size('staff_hnsw'))")
	sql -c "CREATE INDEX staff_va ON staff USING face_va (emb)"
	sql -c "VACUUM ANALYZE staff"
	echo "  HNSW build ${build} s, ${size}; face_va $(sql -c "SELECT pg_size_pretty(pg_relation_size('staff_va'))")"
fi
sql -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" 2>/dev/null
sql -c "SELECT pg_prewarm('staff_hnsw'), pg_prewarm('staff_va')" >/dev/null

# One session per kind: face_va's exact top-1 first (the truth), then HNSW at each
# ef_search; each probe's time is EXECUTE's, inside the server, after a warm-up pass.
for kind in ${KINDS:-enrolled stranger}; do
	sql <<SQL
CREATE TEMP TABLE truth AS SELECT p.i, (SELECT s.id FROM staff s ORDER BY s.emb <-> p.emb LIMIT 1) AS id
  FROM ${table}_probes p WHERE p.kind = '$kind';
CREATE OR REPLACE FUNCTION pgvector_bench(q text, probe_kind text) RETURNS TABLE (ms float8, hits int, n int)
LANGUAGE plpgsql AS \$\$
DECLARE p record; t0 timestamptz; got int; times float8[] := '{}'; h int := 0;
BEGIN
  FOR p IN SELECT x.i, x.emb, t.id FROM ${table}_probes x JOIN truth t USING (i) WHERE x.kind = probe_kind ORDER BY x.i LOOP
    EXECUTE q INTO got USING p.emb;
  END LOOP;
  FOR p IN SELECT x.i, x.emb, t.id FROM ${table}_probes x JOIN truth t USING (i) WHERE x.kind = probe_kind ORDER BY x.i LOOP
    t0 := clock_timestamp();
    EXECUTE q INTO got USING p.emb;
    times := times || 1000 * extract(epoch FROM clock_timestamp() - t0);
    h := h + (got = p.id)::int;
  END LOOP;
  RETURN QUERY SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY t), h, cardinality(times) FROM unnest(times) t;
END \$\$;
SET jit = off; SET enable_seqscan = off;
SELECT format('  %s probes  face_va exact          top-1 p50 %6s ms  recall %s/%s', '$kind', round(ms::numeric, 2), hits, n)
  FROM pgvector_bench('SELECT id FROM staff ORDER BY emb <-> \$1 LIMIT 1', '$kind');
$(for ef in "${efs[@]}"; do
		echo "SET hnsw.ef_search = $ef;"
		echo "SELECT format('  %s probes  HNSW ef_search %-5s  top-1 p50 %6s ms  recall %s/%s', '$kind', $ef, round(ms::numeric, 2), hits, n)"
		echo "  FROM pgvector_bench('SELECT id FROM staff ORDER BY v <-> \$1::real[]::vector(128) LIMIT 1', '$kind');"
	done)
SQL
done

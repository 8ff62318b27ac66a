#!/usr/bin/env bash
# Bulk enrolment throughput: photos per second for
#   CREATE TABLE staff AS SELECT id, embed(photo) AS emb FROM photos
# with 0 and with 2 parallel workers, in a private cluster, on the same photos in the same
# run. Not part of the test suite (timings are not asserted); needs `make install` first.
#   test/bench/enrol.sh [PHOTO_DIR [COPIES]]
# PHOTO_DIR defaults to the 40 face-api photos in ../shared/data/faceapi_bbt (8 people x 5),
# and the six sample photos of the model package are added; each photo is loaded COPIES
# times (default 5), one row per heap page, so that a parallel scan can share them out.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
photos=${1:-$repo/../shared/data/faceapi_bbt}
copies=${2:-5}
source scripts/cluster.sh

work=$(mktemp -d /tmp/pgface-enrol.XXXXXX)
chmod 755 "$work"
data="$work/data"
trap 'cluster_stop "$data" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir -p "$work/photos"
find "$photos" -maxdepth 2 -type f \( -name '*.jpg' -o -name '*.png' \) ! -path '*/_group_photos/*' \
	-exec cp {} "$work/photos/" \;
cp build/models/face-api/demo/sample*.jpg "$work/photos/"
chmod -R a+rX "$work/photos"
count=$(find "$work/photos" -type f | wc -l)

cluster_init "$data"
cat >>"$data/postgresql.conf" <<CONF
max_worker_processes = 8
max_parallel_workers = 8
CONF
cluster_start "$data"
run_psql() { psql -X -q -At -h "$data" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

run_psql <<SQL
CREATE EXTENSION pgface;
-- one row per page (fillfactor 10 and a wide filler), so that parallel workers split them
CREATE TABLE photos (id serial, file text, photo bytea, filler char(1000) DEFAULT '')
	WITH (fillfactor = 10);
INSERT INTO photos (file, photo)
	SELECT f, pg_read_binary_file('$work/photos/' || f)
	FROM pg_ls_dir('$work/photos') AS f, generate_series(1, $copies);
-- a photo where no face is found would end the CREATE TABLE AS with P0002: left out
CREATE FUNCTION has_face(photo bytea) RETURNS boolean LANGUAGE plpgsql AS \$\$
BEGIN
	PERFORM embed(photo);
	RETURN true;
EXCEPTION WHEN no_data_found THEN
	RETURN false;
END \$\$;
DELETE FROM photos WHERE file IN
	(SELECT file FROM (SELECT DISTINCT ON (file) file, photo FROM photos) AS one WHERE NOT has_face(photo));
VACUUM ANALYZE photos;
SQL
rows=$(run_psql -c "SELECT count(*) FROM photos")
with_face=$(run_psql -c "SELECT count(DISTINCT file) FROM photos")
echo "## $(date -u +%Y-%m-%d) bulk enrolment: $rows rows ($with_face photos with a face of $count, x $copies), $(nproc) cores"

# Each CREATE TABLE AS once to warm the models in the leader and the workers' backends
# alike (each worker maps the models anew), then timed.
enrol() {
	local workers=$1
	run_psql <<SQL
SET max_parallel_workers_per_gather = $workers;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = on;
DROP TABLE IF EXISTS staff;
\\timing on
CREATE TABLE staff AS SELECT id, file, embed(photo) AS emb FROM photos;
SQL
}
for workers in 0 2; do
	enrol "$workers" >/dev/null 2>&1 || true
	output=$(enrol "$workers" 2>&1)
	ms=$(awk '/^Time:/ {print $2}' <<<"$output")
	[ -n "$ms" ] || { echo "$output" >&2; exit 1; }
	plan=$(run_psql -c "SET max_parallel_workers_per_gather = $workers; SET parallel_setup_cost = 0;
		SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
		EXPLAIN (COSTS OFF) SELECT id, embed(photo) FROM photos" | tr '\n' ' ' | sed 's/  */ /g')
	awk -v w="$workers" -v ms="$ms" -v n="$rows" -v plan="$plan" 'BEGIN {
		printf "  %d parallel workers: %8.0f ms, %6.1f photos/s   (%s)\n", w, ms, n / (ms / 1000), plan }'
done

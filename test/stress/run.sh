#!/usr/bin/env bash
# The stress suite (make stress): limits and peak memory, cancel latency, a long leak
# loop, pgbench concurrency, crash safety (kill -9 of a backend and of the postmaster),
# and the fuzzers. Runs on its own throwaway cluster, prints its figures, and ends with
# "N passed, N failed". Settings (environment):
#   STRESS_PGBENCH_SECONDS (120), STRESS_PGBENCH_CLIENTS (8), STRESS_LEAK_EMBEDS (10000),
#   FUZZ_SECONDS (60 per fuzzer; 0 skips the fuzzers).
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
source scripts/cluster.sh
source test/tap.sh

pgbench_seconds=${STRESS_PGBENCH_SECONDS:-120}
pgbench_clients=${STRESS_PGBENCH_CLIENTS:-8}
leak_embeds=${STRESS_LEAK_EMBEDS:-10000}
fuzz_seconds=${FUZZ_SECONDS:-60}

work=$(mktemp -d /tmp/pgface-stress.XXXXXX)
chmod 755 "$work"
data="$work/data"
photos="$work/photos"
mkdir -p "$photos"

finish() {
	cluster_stop "$data"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && rm -rf "$work"
	[ "$failed" -eq 0 ]
}

sql() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$data" -U postgres -d stress "$@"; }

echo "# build, install, photos"
if ! { make -s >"$work/build.log" 2>&1 && make -s install >>"$work/build.log" 2>&1 &&
	bash test/make_photos.sh "$photos" >>"$work/build.log" 2>&1; }; then
	cat "$work/build.log"
	record 1 "build and install"
	finish
	exit 1
fi
# Beside test/make_photos.sh's large_48mp.jpg: the same as PNG, and a 12-megapixel pair.
sample=build/models/face-api/demo/sample2.jpg
build/make_large_photo "$sample" 8000 6000 "$photos/large_48mp.png"
build/make_large_photo "$sample" 4000 3000 "$photos/large_12mp.jpg"
build/make_large_photo "$sample" 4000 3000 "$photos/large_12mp.png"
chmod -R a+rX "$photos"

cluster_init "$data" && cluster_start "$data" -c shared_buffers=256MB -c max_connections=40 || {
	record 1 "start a throwaway cluster"
	finish
	exit 1
}
psql -X -q -h "$data" -U postgres -d postgres -c "CREATE DATABASE stress"
sql <<SQL
CREATE EXTENSION pgface;
CREATE TABLE photos AS
SELECT regexp_replace(name, '^.*/', '') AS name, pg_read_binary_file(name) AS photo
FROM unnest(ARRAY(SELECT '$photos/' || f FROM pg_ls_dir('$photos') AS f WHERE f LIKE '%.%'
	UNION ALL SELECT '$photos/variants/' || f FROM pg_ls_dir('$photos/variants') AS f)) AS name;
-- Peak and current resident memory of this backend, and a reset of the peak (Linux).
CREATE FUNCTION status_kb(field text) RETURNS bigint LANGUAGE sql AS \$\$
	SELECT (regexp_match(pg_read_file('/proc/self/status'), field || ':\s+(\d+)'))[1]::bigint
\$\$;
CREATE FUNCTION reset_peak() RETURNS void LANGUAGE plpgsql AS \$\$
BEGIN
	COPY (SELECT 5) TO '/proc/self/clear_refs';
END \$\$;
SQL

echo "# limits: peak memory of one embed"
# The backend's peak RSS over one embed, above its RSS just before (models already loaded).
for name in large_12mp.jpg large_12mp.png large_48mp.jpg large_48mp.png; do
	line=$(sql -F ' ' <<SQL
SELECT embed(photo) IS NOT NULL AS ok FROM photos WHERE name = 'sample2.jpg' \gset warm_
CREATE TEMP TABLE one AS SELECT photo FROM photos WHERE name = '$name';
SELECT reset_peak();
SELECT status_kb('VmRSS') AS before_kb \gset
SELECT embed(photo) IS NOT NULL AS embedded FROM one \gset
SELECT :'embedded', status_kb('VmHWM') - :before_kb, length(photo) FROM one;
SQL
	)
	set -- $line
	echo "# $name: $(($3 / 1024)) kB file, peak +$(($2 / 1024)) MB over the backend's resident set"
	peak_kb=$2
	pixels=$([[ $name == *12mp* ]] && echo 12000000 || echo 48000000)
	# The bound: 12 bytes per pixel (3 for the decoded pixels, the decoder's working copy,
	# our copy, and the pyramid) plus 64 MB. A 12 MP photo must stay under it.
	bound_kb=$(((pixels * 12) / 1024 + 65536))
	[ "$1" = t ] && [ "$peak_kb" -lt "$bound_kb" ]
	record $? "$name embeds with a peak of $((peak_kb / 1024)) MB, under $((bound_kb / 1024)) MB"
done

echo "# cancel: statement_timeout in the middle of large embeds"
sql -f test/common/cancel_lateness.sql
worst=0
for name in large_12mp.jpg large_12mp.png large_48mp.jpg large_48mp.png; do
	late=""
	for ms in 20 100 250 500 1000 1500 2000 3000; do
		value=$(sql -c "SELECT embed(photo) IS NULL FROM photos WHERE name = 'sample2.jpg'" \
			-c "SET statement_timeout = $ms" \
			-c "SELECT round(cancel_lateness_ms(photo, $ms)::numeric, 1) FROM photos WHERE name = '$name'" |
			tail -1)
		late="$late ${ms}ms:${value:-done}"
		[ -n "$value" ] && worst=$(echo "$value $worst" | awk '{print ($1 > $2) ? $1 : $2}')
	done
	echo "# $name, milliseconds late per deadline:$late"
done
awk -v w="$worst" 'BEGIN { exit !(w < 100) }'
record $? "every statement_timeout ended the embed within 100 ms of its deadline (worst: $worst ms)"
# A cancel from another session (pg_cancel_backend), as a user pressing Ctrl-C: the
# latency is from the signal to the moment the embedding session catches the cancel,
# both read on the server's clock.
sql <<'SQL'
CREATE FUNCTION embed_until_cancelled(photo bytea) RETURNS timestamptz LANGUAGE plpgsql AS $$
BEGIN
	PERFORM embed(photo);
	RETURN NULL;
EXCEPTION WHEN query_canceled THEN
	RETURN clock_timestamp();
END $$;
SQL
sql -c "SELECT embed_until_cancelled(photo) FROM photos WHERE name = 'large_48mp.png'" >"$work/caught" &
embedder=$!
# 0.25 s: libpng decodes the 48 MP PNG in about 0.4 s, and the whole embed takes 0.65 s.
sleep 0.25
sql -c "SELECT clock_timestamp(), pg_cancel_backend(pid) FROM pg_stat_activity
	WHERE query LIKE 'SELECT embed_until_cancelled%' AND pid <> pg_backend_pid()" >"$work/sent"
wait $embedder
latency=$(sql -c "SELECT round(extract(epoch FROM '$(cat "$work/caught")'::timestamptz
	- '$(cut -d'|' -f1 "$work/sent")'::timestamptz)::numeric * 1000, 1)" 2>/dev/null)
echo "# pg_cancel_backend at 0.25 s into a 48-megapixel PNG embed: caught $latency ms later"
awk -v l="${latency:-999999}" 'BEGIN { exit !(l >= 0 && l < 100) }'
record $? "pg_cancel_backend stops a 48-megapixel PNG embed within 100 ms ($latency ms)"

echo "# leaks: $leak_embeds failing embeds in one backend"
sql -f test/common/failing_embeds.sql
line=$(sql -F ' ' <<SQL
SELECT failing_embeds(500) AS failures \gset warm_
SELECT status_kb('VmRSS') AS before_kb \gset
SELECT failing_embeds($leak_embeds) AS failures \gset
SELECT :failures, status_kb('VmRSS') - :before_kb, :before_kb;
SQL
)
set -- $line
echo "# $1 of $leak_embeds embeds failed; RSS $3 kB before, grew by $2 kB"
[ "$1" -eq "$leak_embeds" ] && [ "$2" -lt 5120 ]
record $? "$leak_embeds failing embeds grew the backend's RSS by $2 kB (under 5 MB)"

for method in gist face_va; do
	echo "# concurrency ($method): pgbench, $pgbench_clients clients for $pgbench_seconds s, enrolment and identification"
	run_tap "$work/concurrency-$method.log" "the $method concurrency run" \
		bash test/stress/concurrency.sh "$data" "$pgbench_seconds" "$pgbench_clients" "$method"
done

echo "# crash safety: kill -9 of a backend mid-embed, and of the postmaster mid-insert"
run_tap "$work/crash.log" "the crash run" bash test/stress/crash.sh "$data"

echo "# valgrind: the core's unit tests (built without sanitizers) and the CLI on hostile files"
vg() { valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=3 "$@"; }
make -s build/unit_tests_plain >"$work/vg-build.log" 2>&1 &&
	vg build/unit_tests_plain >"$work/vg-unit.out" 2>"$work/vg-unit.log"
vg_rc=$?
[ "$vg_rc" -ne 0 ] && cat "$work/vg-build.log" "$work/vg-unit.log"
record $vg_rc "unit tests under valgrind: $(tail -1 "$work/vg-unit.out" 2>/dev/null), no memory error, no leak"
head -c 30000 "$photos/sample2.jpg" >"$work/cut.jpg"
head -c 5000 /dev/urandom >"$work/random.bin"
: >"$work/empty.jpg"
# Each file fails but one (the 12 MP photo); the CLI goes on past failures and exits 1.
vg build/pgface embed --models build/models "$work/cut.jpg" "$work/random.bin" "$work/empty.jpg" \
	"$photos/no_face.png" "$photos/large_12mp.png" >"$work/vg-cli.out" 2>"$work/vg-cli.log"
vg_rc=$?
grep -q "==[0-9]*==" "$work/vg-cli.log" && cat "$work/vg-cli.log"
[ "$vg_rc" -eq 1 ] && ! grep -q "==[0-9]*==" "$work/vg-cli.log" && [ "$(wc -l <"$work/vg-cli.out")" -ge 1 ]
record $? "pgface embed under valgrind on cut, random, empty, faceless and 12 MP files: no memory error, no leak"

if [ "$fuzz_seconds" -gt 0 ]; then
	echo "# fuzzers, $fuzz_seconds s each"
	make -s fuzz FUZZ_SECONDS="$fuzz_seconds" >"$work/fuzz.log" 2>&1
	fuzz_rc=$?
	grep -v '^#[0-9]' "$work/fuzz.log" | tail -20
	record $fuzz_rc "make fuzz FUZZ_SECONDS=$fuzz_seconds: no crash"
fi

finish

#!/usr/bin/env bash
# Crash safety on database "stress" of the cluster whose data directory (and socket) is
# $1, run as root: kill -9 of a backend in the middle of an embed, then kill -9 of the
# postmaster and all its processes in the middle of a bulk insert into a GiST-indexed
# table. After each, the server recovers, committed data is all there, and the indexes
# answer as seq scans do. Prints TAP lines and figures.
#   test/stress/crash.sh DATA_DIR
set -u
data=$1
source "$(dirname "$0")/../../scripts/cluster.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$data" -U postgres -d stress "$@"; }
source "$(dirname "$0")/../tap.sh"           # record: one TAP line a check
source "$(dirname "$0")/../index_answers.sh" # index_agrees: the index answers as a seq scan does

# Waits up to a minute until the server accepts queries again.
wait_for_server() {
	for _ in $(seq 1 120); do
		sql -c "SELECT 1" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}

# The first 20 faces of TABLE as probes: the 10 nearest and those within TAU, through the
# index and a seq scan, equal when the index is intact.
index_agrees_on() { # index_agrees_on TABLE TAU
	index_agrees "$work/answers" "$1" "SELECT id, emb FROM $1 ORDER BY id LIMIT 20" 10 "$2"
}

echo "# kill -9 of a backend embedding a 48-megapixel PNG"
rows_before=$(sql -c "SELECT count(*) FROM staff")
sql -c "INSERT INTO staff (person, emb) SELECT 'killed', embed(photo) FROM photos WHERE name = 'large_48mp.png'" \
	>"$work/killed.out" 2>&1 &
client=$!
victim=""
for _ in $(seq 1 50); do
	victim=$(sql -c "SELECT pid FROM pg_stat_activity WHERE query LIKE 'INSERT INTO staff (person, emb) SELECT ''killed''%'" 2>/dev/null)
	[ -n "$victim" ] && break
	sleep 0.1
done
sleep 0.5 # into the decode
[ -n "$victim" ] && kill -9 "$victim"
wait "$client"
wait_for_server
record $? "the server restarts after backend $victim was killed mid-embed"
grep -q "terminated by signal 9" "$data/server.log"
record $? "the server log records the killed backend"
rows_after=$(sql -c "SELECT count(*) FROM staff")
[ "$rows_after" -eq "$rows_before" ] && [ "$(sql -c "SELECT count(*) FROM staff WHERE person = 'killed'")" -eq 0 ]
record $? "staff has its $rows_before rows, and none from the killed insert"
index_agrees_on staff 0.6
record $? "staff's GiST index answers KNN and threshold queries as a seq scan does"
sql -c "SELECT embed(photo) IS NOT NULL FROM photos WHERE name = 'sample2.jpg'" | grep -q t
record $? "embed() works in a new backend"

echo "# kill -9 of the postmaster and every server process during a bulk insert"
sql <<'SQL'
CREATE TABLE bulk (id bigint PRIMARY KEY, batch int NOT NULL, emb face_embedding NOT NULL);
CREATE INDEX bulk_emb ON bulk USING gist (emb);
-- The same rows under a face_va index, in the same transactions.
CREATE TABLE bulk_va (id bigint PRIMARY KEY, batch int NOT NULL, emb face_embedding NOT NULL);
CREATE INDEX bulk_va_emb ON bulk_va USING face_va (emb);
-- Batches of 500 random embeddings, each committed, each announced after its commit.
CREATE PROCEDURE bulk_load(batches int) LANGUAGE plpgsql AS $$
BEGIN
	FOR b IN 1..batches LOOP
		INSERT INTO bulk
		SELECT b * 1000 + i, b,
			(SELECT array_agg((random() - 0.5 + 0 * d + 0 * i)::real) FROM generate_series(1, 128) d)::face_embedding
		FROM generate_series(1, 500) i;
		INSERT INTO bulk_va SELECT * FROM bulk WHERE batch = b;
		COMMIT;
		RAISE NOTICE 'committed batch %', b;
	END LOOP;
END $$;
SQL
recoveries=$(grep -c "automatic recovery in progress" "$data/server.log")
sql -c "CALL bulk_load(100000)" >"$work/bulk.out" 2>&1 &
client=$!
sleep 4
postmaster=$(head -1 "$data/postmaster.pid")
children=$(pgrep -P "$postmaster" | tr '\n' ' ')
kill -9 "$postmaster" $children
wait "$client"
# Until every killed process is gone (and reaped): pg_ctl takes a lingering one for a server.
for pid in $postmaster $children; do
	for _ in $(seq 1 100); do
		[ -z "$(ps -o stat= -p "$pid" 2>/dev/null)" ] && break
		sleep 0.1
	done
done
announced=$(grep -o 'committed batch [0-9]*' "$work/bulk.out" | tail -1 | grep -o '[0-9]*$')
echo "# killed postmaster $postmaster and its processes ($children) after batch ${announced:-none} was committed"
cluster_start "$data" -c shared_buffers=256MB -c max_connections=40 && wait_for_server
record $? "the server recovers after the postmaster was killed"
[ "$(grep -c "automatic recovery in progress" "$data/server.log")" -gt "$recoveries" ]
record $? "the server log shows a crash recovery at the restart"
read -r batches complete last <<<"$(sql -F ' ' -c "
	SELECT count(*), count(*) FILTER (WHERE n = 500), coalesce(max(batch), 0)
	FROM (SELECT batch, count(*) AS n FROM bulk GROUP BY batch) b")"
echo "# after recovery: $batches batches in bulk, $complete of them complete, the last is $last"
[ -n "$announced" ] && [ "$batches" -eq "$complete" ] && [ "$last" -ge "$announced" ] &&
	[ "$batches" -eq "$last" ]
record $? "every committed batch is there whole (at least the $announced announced), and nothing else"
index_agrees_on bulk 4.2
record $? "bulk's GiST index answers KNN and threshold queries as a seq scan does"
# (Compared as text: face_embedding has no equality operator, on purpose: compare distances.)
[ "$(sql -c "SELECT count(*) FROM ((SELECT id, batch, emb::text FROM bulk EXCEPT SELECT id, batch, emb::text FROM bulk_va)
	UNION ALL (SELECT id, batch, emb::text FROM bulk_va EXCEPT SELECT id, batch, emb::text FROM bulk)) d")" = 0 ] &&
	[ "$(sql -c "SELECT count(*) FROM bulk_va")" -gt 0 ]
record $? "bulk_va holds the same committed rows as bulk"
index_agrees_on bulk_va 4.2
record $? "bulk_va's face_va index answers KNN and threshold queries as a seq scan does"
index_agrees_on staff 0.6
record $? "staff's GiST index still answers as a seq scan does"
sql -c "INSERT INTO bulk SELECT 0, 0, emb FROM bulk ORDER BY id LIMIT 1" -c "SELECT count(*) FROM bulk WHERE batch = 0" | grep -qx 1
record $? "the recovered table and index take new rows"

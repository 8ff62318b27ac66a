#!/bin/bash
# A streaming standby answers as its primary does, with both index methods: a primary of
# its own, a standby made from it by pg_basebackup, inserts, deletes, updates, VACUUM and
# index builds on the primary while the standby replays, then each index's answers on the
# standby against the primary's and against a seq scan. The primary runs with
# wal_consistency_checking = 'generic,gist', so the standby checks every replayed GiST and
# face_va page against the primary's image of it. Prints one TAP line per check.
#   test/standby.sh                 (KEEP=1 keeps its folder; WITH_REGRESS=1, see below)
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/scripts/cluster.sh"
source "$(dirname "$0")/tap.sh"           # record: one TAP line a check
source "$(dirname "$0")/index_answers.sh" # index_answers: the index's answers, or a seq scan's
work=$(mktemp -d /tmp/pgface-standby.XXXXXX)
chmod 755 "$work"
primary="$work/primary"
standby="$work/standby"
trap 'cluster_stop "$standby"; cluster_stop "$primary"; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
sql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -v ON_ERROR_STOP=1 -U postgres -d postgres "$@"; }
on_primary() { sql -h "$primary" "$@"; }
on_standby() { sql -h "$standby" "$@"; }

# Rows of face-like values from a hash, so that the primary and any rerun hold the same.
rows() { # rows TABLE FIRST LAST SALT
	echo "INSERT INTO $1 SELECT i, (SELECT array_agg((hashint4(i * 128 + d + $4) % 100000 / 1e6)::real
		ORDER BY d) FROM generate_series(1, 128) d)::face_embedding FROM generate_series($2, $3) i;"
}
# Waits until the standby has replayed all the WAL the primary has written.
caught_up() {
	local target
	target=$(on_primary -c "SELECT pg_current_wal_insert_lsn()")
	for _ in $(seq 1 600); do
		[ "$(on_standby -c "SELECT pg_last_wal_replay_lsn() >= '$target'::pg_lsn" 2>/dev/null)" = t ] && return 0
		as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$standby" status >/dev/null || return 1
		sleep 0.1
	done
	return 1
}
probes() { echo "SELECT id, emb FROM $1 WHERE id IN (5, 333, 1200, 2500, 3900)"; }

cluster_init "$primary" && cat >>"$primary/postgresql.conf" <<CONF
wal_level = replica
wal_consistency_checking = 'generic,gist'
autovacuum = off
CONF
cluster_start "$primary" -c fsync=off
record $? "a primary with wal_consistency_checking = 'generic,gist'"

# One table's index exists before the base backup, the other's is built while the standby
# replays, so both the copied index and a build's WAL are checked.
on_primary >/dev/null <<SQL
CREATE EXTENSION pgface;
CREATE TABLE faces_gist (id int PRIMARY KEY, emb face_embedding);
CREATE TABLE faces_va (id int PRIMARY KEY, emb face_embedding);
$(rows faces_gist 1 3000 0)
$(rows faces_va 1 3000 0)
CREATE INDEX faces_gist_emb ON faces_gist USING gist (emb);
SQL
mkdir -m 700 "$standby" && chown "$(stat -c %U "$primary")" "$standby" &&
	as_cluster_owner "$PG_BINDIR/pg_basebackup" -h "$primary" -U postgres -D "$standby" -R -X stream -c fast \
	>"$work/basebackup.log" 2>&1 &&
	rm -f "$standby/.s.PGSQL.5432.lock" && # the primary's socket lock, copied with its data dir
	cat >>"$standby/postgresql.conf" <<CONF
unix_socket_directories = '$standby'
hot_standby = on
CONF
cluster_start "$standby" -c fsync=off
record $? "a streaming standby from pg_basebackup"

# The primary changes both tables under the standby: a build, inserts, deletes, updates,
# VACUUM (which frees index entries and pages), and inserts that reuse the freed room.
for table in faces_gist faces_va; do
	on_primary >/dev/null <<SQL
$([ "$table" = faces_va ] && echo "CREATE INDEX faces_va_emb ON faces_va USING face_va (emb);")
$(rows "$table" 3001 4000 0)
DELETE FROM $table WHERE id % 7 = 0;
UPDATE $table SET emb = (SELECT array_agg((hashint4(id * 128 + d + 1) % 100000 / 1e6)::real ORDER BY d)
	FROM generate_series(1, 128) d)::face_embedding WHERE id % 11 = 0;
VACUUM $table;
$(rows "$table" 4001 4500 7)
DELETE FROM $table WHERE id BETWEEN 4400 AND 4500;
VACUUM $table;
SQL
	record $? "$table: build, inserts, deletes, updates and VACUUM on the primary"
done
# With WITH_REGRESS=1, the GiST and face_va regress tests run on the primary too, so that
# the standby checks their WAL (47 s more; the outcome is in the README's test section).
if [ -n "${WITH_REGRESS:-}" ]; then
	regress_dir=$(dirname "$(pg_config --pgxs)")/../test/regress
	"$regress_dir/pg_regress" --inputdir="$repo" --outputdir="$work/regress" --bindir="$PG_BINDIR" \
		--load-extension=pgface --host="$primary" --port=5432 --user=postgres face_index face_va \
		>"$work/regress.log" 2>&1 && grep -qE "face_va +\.\.\. ok|^ok [0-9]+ +- face_va" "$work/regress.log"
	record $? "the GiST and face_va regress tests pass on the primary (pg_regress's exit status)"
fi
caught_up
record $? "the standby replays everything the primary wrote"

for table in faces_gist faces_va; do
	index=${table}_emb
	on_standby -c "SET enable_seqscan = off" \
		-c "EXPLAIN SELECT id FROM $table ORDER BY emb <-> (SELECT emb FROM $table WHERE id = 5) LIMIT 5" \
		-c "EXPLAIN SELECT id FROM $table WHERE emb <-> (SELECT emb FROM $table WHERE id = 5) < 0.79" \
		>"$work/$table.plan"
	[ "$(grep -cE "(using|on) $index " "$work/$table.plan")" -eq 2 ]
	record $? "$table: the standby's KNN and threshold plans use $index"
	index_answers index "$table" "$(probes "$table")" 5 0.79 -h "$standby" >"$work/$table.standby"
	index_answers index "$table" "$(probes "$table")" 5 0.79 -h "$primary" >"$work/$table.primary"
	index_answers seq "$table" "$(probes "$table")" 5 0.79 -h "$standby" >"$work/$table.seq"
	[ "$(wc -l <"$work/$table.standby")" -eq 5 ] && cmp -s "$work/$table.standby" "$work/$table.primary"
	record $? "$table: the standby's index answers the 5 nearest and those within 0.79 as the primary's"
	[ -s "$work/$table.seq" ] && cmp -s "$work/$table.standby" "$work/$table.seq"
	record $? "$table: the standby's index answers as a seq scan on the standby"
	[ "$(on_standby -c "SELECT count(*) FROM $table")" = "$(on_primary -c "SELECT count(*) FROM $table")" ]
	record $? "$table: the standby holds the primary's rows"
done

# The consistency check raises FATAL in the startup process, which stops the standby.
as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$standby" status >/dev/null &&
	! grep -E "inconsistent page|PANIC|startup process .* terminated" "$standby/server.log"
record $? "the standby replayed without an inconsistent page, still running"

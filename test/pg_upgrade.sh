#!/bin/bash
# A cluster with pgface data, a GiST and a face_va index, moved from one PostgreSQL major
# version to another with pg_upgrade: both indexes stay valid and used, and answer the 5
# nearest and a threshold as the old cluster's seq scan did. pgface must be installed in
# both versions. Prints one TAP line per check.
#   test/pg_upgrade.sh OLD_PG_CONFIG NEW_PG_CONFIG
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
old_bindir=$("$1" --bindir)
new_bindir=$("$2" --bindir)
source "$repo/test/tap.sh"           # record: one TAP line a check
source "$repo/test/index_answers.sh" # index_answers: the index's answers, or a seq scan's
work=$(mktemp -d /tmp/pgface-upgrade.XXXXXX)
chmod 755 "$work"
old="$work/old"
new="$work/new"
# The cluster helpers, for one version's binaries at a time.
with_version() { # with_version BINDIR COMMAND...
	local bindir=$1
	shift
	(PATH="$bindir:$PATH" && source "$repo/scripts/cluster.sh" && "$@")
}
trap 'with_version "$new_bindir" cluster_stop "$new"; with_version "$old_bindir" cluster_stop "$old"; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
sql() { PGOPTIONS="-c client_min_messages=warning" "$bindir/psql" -X -q -At -v ON_ERROR_STOP=1 -U postgres -d upgraded "$@"; }
probes() { echo "SELECT id, emb FROM $1 WHERE id IN (5, 333, 1200, 2500)"; }

bindir=$old_bindir
with_version "$old_bindir" cluster_init "$old" && with_version "$old_bindir" cluster_start "$old" -c fsync=off &&
	"$old_bindir/psql" -X -q -h "$old" -U postgres -d postgres -c "CREATE DATABASE upgraded" &&
	sql -h "$old" >/dev/null <<'SQL'
CREATE EXTENSION pgface;
CREATE TABLE faces_gist (id int PRIMARY KEY, emb face_embedding);
INSERT INTO faces_gist SELECT i, (SELECT array_agg((hashint4(i * 128 + d) % 100000 / 1e6)::real
	ORDER BY d) FROM generate_series(1, 128) d)::face_embedding FROM generate_series(1, 3000) i;
CREATE TABLE faces_va AS SELECT * FROM faces_gist;
ALTER TABLE faces_va ADD PRIMARY KEY (id);
CREATE INDEX faces_gist_emb ON faces_gist USING gist (emb);
CREATE INDEX faces_va_emb ON faces_va USING face_va (emb);
DELETE FROM faces_va WHERE id % 7 = 0;
VACUUM faces_va;
SQL
record $? "PostgreSQL $("$1" --version | cut -d' ' -f2): a cluster with a GiST and a face_va index"
for table in faces_gist faces_va; do
	index_answers seq "$table" "$(probes "$table")" 5 0.79 -h "$old" >"$work/$table.before"
done
# Debian 12's PostgreSQL 15 build here stores a column option pg_attver on every column of
# every table (it changes with each DDL, and RESET does not remove it). pg_dump carries
# column options, so both pg_upgrade and a dump restored into 18 fail on every table
# ("unrecognized parameter "pg_attver""), pgface's or not. The option is cleared from the
# user relations' columns first, so that what is tested is what pgface brings.
stamped=$(sql -h "$old" -c "SELECT count(*) FROM pg_attribute WHERE attrelid >= 16384
	AND array_to_string(attoptions, ',') ~ '(^|,)pg_attver='")
if [ "$stamped" -gt 0 ]; then
	echo "# the old server stamps pg_attver on $stamped columns; cleared before pg_upgrade"
	sql -h "$old" -c "UPDATE pg_attribute SET attoptions = NULL WHERE attrelid >= 16384
		AND array_to_string(attoptions, ',') ~ '^pg_attver=[0-9]+$'" >/dev/null
fi
with_version "$old_bindir" cluster_stop "$old"

# pg_upgrade runs as the clusters' owner, in a folder it can write its logs and sockets to.
# 18's initdb turns data checksums on, and pg_upgrade needs the old cluster's setting.
new_major=$("$2" --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')
[ "$new_major" -ge 18 ] && export PGFACE_INITDB_OPTIONS=--no-data-checksums
with_version "$new_bindir" cluster_init "$new"
unset PGFACE_INITDB_OPTIONS
chown postgres: "$work" 2>/dev/null
(cd "$work" && with_version "$new_bindir" as_cluster_owner "$new_bindir/pg_upgrade" \
	-b "$old_bindir" -B "$new_bindir" -d "$old" -D "$new" --socketdir="$work" >"$work/upgrade.log" 2>&1)
upgrade_status=$?
[ "$upgrade_status" -eq 0 ] || tail -20 "$work/upgrade.log"
record "$upgrade_status" "pg_upgrade to PostgreSQL $("$2" --version | cut -d' ' -f2)"

bindir=$new_bindir
with_version "$new_bindir" cluster_start "$new" -c fsync=off
for table in faces_gist faces_va; do
	index=${table}_emb
	[ "$(sql -h "$new" -c "SELECT indisvalid FROM pg_index WHERE indexrelid = '$index'::regclass")" = t ] &&
		sql -h "$new" -c "SET enable_seqscan = off" \
			-c "EXPLAIN SELECT id FROM $table ORDER BY emb <-> (SELECT emb FROM $table WHERE id = 5) LIMIT 5" |
		grep -q "using $index"
	record $? "$table: after the upgrade $index is valid and used"
	index_answers index "$table" "$(probes "$table")" 5 0.79 -h "$new" >"$work/$table.after"
	[ "$(wc -l <"$work/$table.after")" -eq 4 ] && cmp -s "$work/$table.before" "$work/$table.after"
	record $? "$table: after the upgrade $index answers the 5 nearest and those within 0.79 as the old seq scan"
done

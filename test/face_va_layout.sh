#!/bin/bash
# A face_va index of another on-disk layout (as an older or newer pgface writes) is refused
# with a REINDEX hint, not misread: a cluster of its own, an index whose metapage is then
# given the layout after this library's with the server stopped, the error a query gets,
# and the same answers as a seq scan after REINDEX. Prints one TAP line per check.
#   test/face_va_layout.sh          (KEEP=1 keeps its folder)
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/scripts/cluster.sh"
source "$(dirname "$0")/tap.sh" # record: one TAP line a check
work=$(mktemp -d /tmp/pgface-layout.XXXXXX)
chmod 755 "$work"
data="$work/data"
trap 'cluster_stop "$data"; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
sql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -h "$data" -U postgres -d postgres "$@"; }
# The ids within 0.9 of row 7's face, by a seq scan or through the index.
answers() { # answers seq|index
	local seq=off index=on
	[ "$1" = seq ] && seq=on index=off
	sql -c "SET enable_seqscan = $seq; SET enable_indexscan = $index; SET enable_bitmapscan = $index;
		SELECT string_agg(id::text, ',' ORDER BY id) FROM faces
		WHERE emb <-> (SELECT emb FROM faces WHERE id = 7) < 0.9" 2>&1
}

cluster_init "$data" && cluster_start "$data" || {
	record 1 "start a cluster"
	exit 1
}
sql -v ON_ERROR_STOP=1 <<'SQL'
CREATE EXTENSION pgface;
CREATE TABLE faces (id int PRIMARY KEY, emb face_embedding);
INSERT INTO faces SELECT i, (SELECT array_agg((hashint4(i * 128 + d) % 100000 / 1e6)::real
	ORDER BY d) FROM generate_series(1, 128) d)::face_embedding FROM generate_series(1, 500) i;
CREATE INDEX faces_va ON faces USING face_va (emb);
CHECKPOINT;
SQL
expected=$(answers seq)
[ -n "$expected" ] && [ "$expected" = "$(answers index)" ]
record $? "face_va answers as a seq scan before the layout is changed ($expected)"
index_file="$data/$(sql -c "SELECT pg_relation_filepath('faces_va')")"
layout=$(sql -c "SELECT value FROM pgface_info() WHERE name = 'face_va_layout'")
other=$((layout + 1))
checksums=$(sql -c "SHOW data_checksums")
cluster_stop "$data"
# A page written by hand has no valid checksum (initdb of PostgreSQL 18 turns them on).
if [ "$checksums" = on ]; then
	as_cluster_owner "$PG_BINDIR/pg_checksums" --disable -D "$data" >/dev/null 2>&1
	record $? "data checksums turned off for the hand-written page"
fi
# The metapage: a 24-byte page header, then the magic (4 bytes) and the layout (2, little-endian).
printf "\\x$(printf %02x "$other")\\x00" | dd of="$index_file" bs=1 seek=28 conv=notrunc status=none
cluster_start "$data" || {
	record 1 "restart the cluster"
	exit 1
}
refused=$(sql -c "\\set VERBOSITY verbose" -c "SET enable_seqscan = off;
	SELECT count(*) FROM faces WHERE emb <-> (SELECT emb FROM faces WHERE id = 7) < 0.9" 2>&1)
echo "# $refused" | head -3
grep -q 'XX002' <<<"$refused" &&
	grep -q "face_va index \"faces_va\" has layout $other and key format 3, but this version of pgface reads layout $layout" <<<"$refused" &&
	grep -q 'HINT:  REINDEX the index' <<<"$refused"
record $? "an index of layout $other (this library: $layout) is refused: XX002, both layouts named, a REINDEX hint"
sql -c "REINDEX INDEX faces_va"
after=$(answers index)
[ "$after" = "$expected" ]
record $? "after REINDEX, face_va answers as before ($after)"

#!/bin/bash
# pg_dump and pg_restore of a table with embeddings, balls and an index (GiST, then
# face_va), in plain and custom format, on the cluster whose socket is in $1. Prints one TAP line per check:
# the table round-trips byte for byte (its binary COPY), and the restored index is
# valid, used, and answers nearest-neighbour and threshold queries as a seq scan does.
#   test/dump_restore.sh SOCKET_DIR
set -u
host=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -v ON_ERROR_STOP=1 -h "$host" -U postgres "$@"; }
source "$(dirname "$0")/tap.sh"           # record: one TAP line a check
source "$(dirname "$0")/index_answers.sh" # index_answers: the index's answers, or a seq scan's

copy_md5() { # the table's binary COPY, which holds every value's bytes
	sql -d "$1" -c "COPY (SELECT * FROM staff ORDER BY id) TO STDOUT (FORMAT binary)" | md5sum | cut -d' ' -f1
}
# The probes whose answers are compared, and how: the 5 nearest, and those within 0.85.
probes="SELECT id, emb FROM staff WHERE id IN (1, 77, 1500, 2999)"
answers() { # answers DB index|seq
	index_answers "$2" staff "$probes" 5 0.85 -d "$1"
}

for method in gist face_va; do
	sql -d postgres -c "DROP DATABASE IF EXISTS dump_source" -c "CREATE DATABASE dump_source" >/dev/null
	# Values that test the text form's exactness: tiny, huge, denormal and negative zero.
	sql -d dump_source -v method="$method" >/dev/null <<'SQL'
CREATE EXTENSION pgface;
CREATE TABLE staff (id int PRIMARY KEY, name text, emb face_embedding, zone face_ball);
INSERT INTO staff
SELECT i, 'person ' || i,
	(SELECT array_agg((hashint4(i * 128 + d) % 100000 / 1e6)::real ORDER BY d) FROM generate_series(1, 128) d)::face_embedding,
	CASE WHEN i % 10 = 0 THEN face_ball((SELECT array_fill(0.01::real, ARRAY[128])::face_embedding), i / 5000.0) END
FROM generate_series(1, 3000) i;
INSERT INTO staff VALUES (0, 'no photo', NULL, NULL);
INSERT INTO staff SELECT 3001, 'edge values',
	(ARRAY[1e-45, -1e-45, 1.17549435e-38, 3.4028235e38, -3.4028235e38, -0.0, 0.1, 1.0/3]::real[]
		|| array_fill(0.123456789::real, ARRAY[120]))::face_embedding, NULL;
CREATE INDEX staff_emb ON staff USING :method (emb);
SQL

	[ "$method" = gist ] && label=GiST || label=$method
	source_md5=$(copy_md5 dump_source)
	source_answers=$(answers dump_source seq)

	for format in plain custom; do
		target="dump_$format"
		sql -d postgres -c "DROP DATABASE IF EXISTS $target" -c "CREATE DATABASE $target" >/dev/null
		if [ "$format" = plain ]; then
			pg_dump -h "$host" -U postgres -d dump_source -f "$work/dump.sql" &&
				sql -d "$target" -f "$work/dump.sql" >/dev/null
		else
			pg_dump -h "$host" -U postgres -d dump_source -Fc -f "$work/dump.custom" &&
				pg_restore -h "$host" -U postgres -d "$target" --exit-on-error "$work/dump.custom"
		fi
		record $? "pg_dump ($format) and restore of a table with embeddings, balls and a $label index"
		[ "$(copy_md5 "$target")" = "$source_md5" ]
		record $? "$format dump ($label): the table round-trips byte for byte (binary COPY, 3002 rows)"
		[ "$(sql -d "$target" -c "SELECT indisvalid FROM pg_index WHERE indexrelid = 'staff_emb'::regclass")" = t ] &&
			sql -d "$target" -c "SET enable_seqscan = off" \
				-c "EXPLAIN SELECT id FROM staff ORDER BY emb <-> (SELECT emb FROM staff WHERE id = 1) LIMIT 5" |
			grep -q "Index Scan using staff_emb"
		record $? "$format dump: the restored $label index is valid and used"
		[ -n "$source_answers" ] && [ "$(answers "$target" index)" = "$source_answers" ]
		record $? "$format dump: the restored $label index answers KNN and threshold queries as the original's seq scan"
		sql -d postgres -c "DROP DATABASE $target" >/dev/null
	done
	sql -d postgres -c "DROP DATABASE dump_source" >/dev/null
done

#!/usr/bin/env bash
# A second recognition model, end to end. A test build (make PGFACE_TEST_MODELS=1) also
# registers test_resnet_copy: the same net, weights and statistics as dlib_resnet_v1 under
# another tag (src/face/model_test_resnet_copy.c). Its values equal the real model's, so
# only the tag keeps them apart, and every path must carry it: embed() and faces() under
# pgface.model, the text form, both indexes, face_tau and pg_dump. Comparing it with the
# real model must be refused.
# The test library is built in a copy of the tree and installed into a private copy of
# this PostgreSQL installation (its paths are relative to its binaries), so the system's
# pgface is untouched. Prints one TAP line per check.
#   test/second_model.sh [PG_CONFIG]
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/test/tap.sh"
source "$repo/test/index_answers.sh" # index_agrees: an index answers as a seq scan does
pg_config=${1:-pg_config}
work=$(mktemp -d /tmp/pgface-second-model.XXXXXX)
chmod 755 "$work"
trap '[ -n "${data:-}" ] && cluster_stop "$data"; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

# The private installation: the server's directories, copied; the headers, linked.
bindir=$("$pg_config" --bindir)
sharedir=$("$pg_config" --sharedir)
install="$work/install"
root=$(dirname "$bindir") # Debian: /usr/lib/postgresql/15; a source build: its prefix
mkdir -p "$install$(dirname "$root")" "$install$(dirname "$sharedir")" "$install/usr"
cp -a "$root" "$install$(dirname "$root")/" &&
	{ [[ "$sharedir" == "$root"/* ]] || cp -a "$sharedir" "$install$(dirname "$sharedir")/"; } &&
	{ [ -e "$install/usr/include" ] || ln -s /usr/include "$install/usr/include"; }
record $? "a private copy of the PostgreSQL installation at $bindir"
private_config="$install$bindir/pg_config"
[ "$("$private_config" --sharedir)" = "$install$sharedir" ]
record $? "the copy's pg_config points into the copy"

# The test build, in a copy of the tree (PGXS builds in place), with the fetched models.
tree="$work/tree"
mkdir -p "$tree/build"
# The tracked and new files as they are now; test/versions.sh runs this in a copy without .git.
if git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$repo" && git ls-files -co --exclude-standard | tar -cf - -T -) | tar -xf - -C "$tree"
else
	# without the objects built there: they lack the test models and would look up to date
	tar -C "$repo" --exclude=./build --exclude=./.pg-versions --exclude=./.pgdata \
		--exclude=./results --exclude='*.o' --exclude='*.bc' --exclude='*.so' -cf - . |
		tar -xf - -C "$tree"
fi
cp -r "$repo/build/models" "$tree/build/"
(cd "$tree" && make -s -j2 PGFACE_TEST_MODELS=1 PG_CONFIG="$private_config" install) >"$work/build.log" 2>&1
record $? "make PGFACE_TEST_MODELS=1 install (log: $work/build.log)"
grep -q test_resnet_copy "$("$private_config" --pkglibdir)/pgface.so"
record $? "the test library registers test_resnet_copy"

PG_BINDIR="$install$bindir"
source "$repo/scripts/cluster.sh"
PG_BINDIR="$install$bindir" # cluster.sh sets it from the PATH's pg_config
data="$work/data"
cluster_init "$data" && cluster_start "$data" -c fsync=off
record $? "a cluster of the private installation"
sql() { PGOPTIONS="-c client_min_messages=warning" "$PG_BINDIR/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$data" -U postgres "$@"; }
# The SQLSTATE a statement fails with, or "no error" (sqlstate_of, made below, in the database).
# pgface is loaded first, so that its settings are checked (before, SET makes a placeholder).
sqlstate_of() { # sqlstate_of DB STATEMENT [SETTING]
	sql -d "$1" -c "LOAD 'pgface'" ${3:+-c "$3"} -c "SELECT sqlstate_of(\$q\$$2\$q\$)"
}

photo="$work/sample1.jpg"
cp "$repo/build/models/face-api/demo/sample1.jpg" "$photo" && chmod a+r "$photo"
sql -d postgres -c "CREATE DATABASE model2" >/dev/null &&
	sql -d model2 -v photo="$photo" -v include="$repo/sql/include" >/dev/null <<'SQL'
CREATE EXTENSION pgface;
\i :include/sqlstate_of.sql
CREATE TABLE photo AS SELECT pg_read_binary_file(:'photo') AS bytes;
CREATE TABLE probe AS SELECT embed(bytes) AS real_emb FROM photo;
SET pgface.model = 'test_resnet_copy';
ALTER TABLE probe ADD COLUMN test_emb face_embedding;
UPDATE probe SET test_emb = (SELECT embed(bytes) FROM photo);
SQL
record $? "embed() of one photo under each model"

[ "$(sql -d model2 -c "SELECT face_model(real_emb) || ' ' || face_model(test_emb) FROM probe")" = "dlib_resnet_v1 test_resnet_copy" ]
record $? "pgface.model = test_resnet_copy: embed() tags its embedding with that model"
[ "$(sql -d model2 -c "SELECT real_emb::real[] = test_emb::real[] FROM probe")" = t ]
record $? "the same net under another tag: the same values, value for value"
[ "$(sqlstate_of model2 "SELECT real_emb <-> test_emb FROM probe")" = 42804 ] &&
	[ "$(sqlstate_of model2 "SELECT face_within(real_emb, test_emb, 0.6) FROM probe")" = 42804 ]
record $? "comparing the two models' embeddings is refused (42804)"
[ "$(sqlstate_of model2 "SET pgface.model = 'no_such_model'")" = 22023 ]
record $? "SET pgface.model to an unregistered name is refused (22023)"
[ "$(sql -d model2 -c "SET pgface.model = 'test_resnet_copy'" -c "SELECT count(*) > 0 AND bool_and(face_model(embedding) = 'test_resnet_copy') FROM photo, faces(bytes)")" = t ]
record $? "faces() embeds with pgface.model's model too"
text=$(sql -d model2 -c "SELECT test_emb::text FROM probe")
[[ "$text" == test_resnet_copy:\[* ]] &&
	[ "$(sql -d model2 -c "SELECT '$text'::face_embedding = test_emb FROM probe")" = t ] &&
	[[ "$(sql -d model2 -c "SELECT real_emb::text FROM probe")" == \[* ]]
record $? "the text form names the model (test_resnet_copy:[...]) and reads back; the default model's stays [...]"
[ "$(sql -d model2 -c "SELECT face_tau(0.01, 1000, test_emb) = face_tau(0.01, 1000) AND face_tau(0.01, 1000, test_emb) < 0.6 FROM probe")" = t ]
record $? "face_tau(far, gallery, probe) takes the probe's model (the same statistics here)"

# A gallery of the test model: the probe's face and 3000 look-alikes around it.
sql -d model2 >/dev/null <<'SQL'
CREATE TABLE staff (id int PRIMARY KEY, emb face_embedding);
INSERT INTO staff
SELECT i, ('test_resnet_copy:[' || array_to_string(ARRAY(
		SELECT e + (hashint4(i * 128 + d::int) % 1000) / 12000.0
		FROM unnest((SELECT test_emb::real[] FROM probe)) WITH ORDINALITY AS u(e, d) ORDER BY d), ',') || ']')::face_embedding
FROM generate_series(1, 3000) i;
INSERT INTO staff SELECT 0, test_emb FROM probe;
SQL
record $? "a table of 3001 test_resnet_copy embeddings"
probes="SELECT id, emb FROM staff WHERE id IN (0, 7, 1500) UNION ALL SELECT -1, test_emb FROM probe"
for method in gist face_va; do
	sql -d model2 -c "DROP INDEX IF EXISTS staff_emb" -c "CREATE INDEX staff_emb ON staff USING $method (emb)" >/dev/null
	record $? "$method index on test_resnet_copy embeddings"
	sql -d model2 -c "SET enable_seqscan = off" -c "EXPLAIN SELECT id FROM staff ORDER BY emb <-> (SELECT test_emb FROM probe) LIMIT 5" |
		grep -q "Index Scan using staff_emb"
	record $? "$method: the index serves a test_resnet_copy probe"
	index_agrees "$work/answers-$method" staff "$probes" 5 0.5 -d model2
	record $? "$method: KNN and threshold answers equal a seq scan's"
	[ "$(sqlstate_of model2 "SELECT id FROM staff ORDER BY emb <-> (SELECT real_emb FROM probe) LIMIT 1" "SET enable_seqscan = off")" = 42804 ] &&
		[ "$(sqlstate_of model2 "INSERT INTO staff SELECT 9999, real_emb FROM probe")" = 42804 ]
	record $? "$method: a dlib_resnet_v1 probe or row is refused by a test_resnet_copy index (42804)"
done

# pg_dump and restore keep the tag (the text form carries it) and the index.
before=$(sql -d model2 -c "SELECT md5(string_agg(emb::text || face_model(emb), ',' ORDER BY id)) FROM staff")
"$PG_BINDIR/pg_dump" -h "$data" -U postgres -d model2 -Fc -f "$work/model2.dump" &&
	sql -d postgres -c "CREATE DATABASE model2_restored" >/dev/null &&
	"$PG_BINDIR/pg_restore" -h "$data" -U postgres -d model2_restored --exit-on-error "$work/model2.dump"
record $? "pg_dump and pg_restore of the test_resnet_copy table and its face_va index"
[ "$(sql -d model2_restored -c "SELECT md5(string_agg(emb::text || face_model(emb), ',' ORDER BY id)) FROM staff")" = "$before" ] &&
	[ "$(sql -d model2_restored -c "SELECT count(*) FROM staff WHERE face_model(emb) = 'test_resnet_copy'")" = 3001 ]
record $? "restored: every row keeps its values and its model"
index_agrees "$work/answers-restored" staff "$probes" 5 0.5 -d model2_restored &&
	cmp -s "$work/answers-restored-index" "$work/answers-face_va-index"
record $? "restored: the face_va index answers as before"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

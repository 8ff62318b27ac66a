#!/usr/bin/env bash
# pgbench mixing enrolment (INSERT ... faces() / embed()) with identification (the KNN
# and the literal threshold query through the index, GiST or face_va, each probe embedded
# in the query) on database "stress" of the cluster whose socket is in $1, which holds
# the table photos(name, photo) that test/stress/run.sh loads. Prints TAP lines and figures.
#   test/stress/concurrency.sh SOCKET_DIR SECONDS CLIENTS [gist|face_va]
set -u
host=$1
seconds=$2
clients=$3
method=${4:-gist}
[ "$method" = gist ] && label=GiST || label=$method
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$host" -U postgres -d stress "$@"; }
source "$(dirname "$0")/../tap.sh"           # record: one TAP line a check
source "$(dirname "$0")/../index_answers.sh" # index_agrees: the index answers as a seq scan does

# The gallery: every face of the six sample photos, named photo#face, one more photo of
# the person in sample2, and 20,000 random fillers. Probes: the six photos and four altered copies of sample2's
# face. Enrolment adds the same people again: group photos through faces(), single
# photos through embed(), so every probe's answer is fixed whatever the interleaving.
sql -v method="$method" <<'SQL'
-- A run before this one (the other index method) leaves its tables behind.
DROP TABLE IF EXISTS staff, probes, sources, answers, probe_embeddings, expected;
DROP FUNCTION IF EXISTS identify(int);
ALTER DATABASE stress SET session_preload_libraries = 'pgface';
CREATE TABLE staff (id bigserial PRIMARY KEY, person text NOT NULL, emb face_embedding NOT NULL);
INSERT INTO staff (person, emb)
SELECT p.name || '#' || f.face, f.embedding
FROM photos p, faces(p.photo) f WHERE p.name LIKE 'sample_.jpg' ORDER BY p.name, f.face;
INSERT INTO staff (person, emb) SELECT 'sample2.jpg#1', embed(photo) FROM photos WHERE name = 'original.jpg';
-- 20,000 more enrolled faces, far from every real one (1.2 or more away), so that the planner
-- picks the index, as it would for a real gallery: values in [-0.1, 0.1) keep the index's
-- bounds tight enough that the planner trusts them (wider random values prune nothing, and
-- once ANALYZE has seen them the planner takes a seq scan; doc/benchmarks.md).
INSERT INTO staff (person, emb)
SELECT 'filler ' || i,
	(SELECT array_agg((0.2 * (random() - 0.5) + 0 * d + 0 * i)::real) FROM generate_series(1, 128) d)::face_embedding
FROM generate_series(1, 20000) i;
CREATE INDEX staff_emb ON staff USING :method (emb);
CREATE TABLE probes AS
SELECT row_number() OVER (ORDER BY name)::int AS id, name, photo FROM photos
WHERE name LIKE 'sample_.jpg' OR name IN ('exif_rotated.jpg', 'enlarged_in_scene.png',
	'recompressed.jpg', 'converted.png');
CREATE TABLE sources AS
SELECT row_number() OVER (ORDER BY name)::int AS id, name, photo,
	CASE WHEN name LIKE 'sample_.jpg' THEN 'group' ELSE 'single' END AS kind
FROM photos WHERE name LIKE 'sample_.jpg' OR name IN ('original.jpg', 'exif_rotated.jpg',
	'enlarged_in_scene.png', 'recompressed.jpg', 'converted.png');
CREATE TABLE answers (probe int, nearest text, within text);
-- The answer to one probe: the nearest person, and every person within 0.4. OFFSET 0
-- keeps the subquery from being pulled up, which would embed the photo once per row.
CREATE FUNCTION identify(probe int) RETURNS TABLE (nearest text, within text) LANGUAGE sql AS $$
	SELECT (SELECT person FROM staff ORDER BY emb <-> q.e LIMIT 1),
		(SELECT string_agg(DISTINCT person, ',' ORDER BY person) FROM staff WHERE emb <-> q.e < 0.4)
	FROM (SELECT embed(photo) AS e FROM probes WHERE id = probe OFFSET 0) q
$$;
CREATE TABLE probe_embeddings AS SELECT id, embed(photo) AS e FROM probes;
CREATE TABLE expected AS SELECT p.id, i.* FROM probes p, identify(p.id) i;
SQL
probes=$(sql -c "SELECT count(*) FROM probes")
sources=$(sql -c "SELECT count(*) FROM sources")
rows_before=$(sql -c "SELECT count(*) FROM staff")
echo "# gallery: $rows_before faces; $probes probes; $sources enrolment photos"

# The plans the workload runs: both identification queries use the index.
plans=$(sql -c "EXPLAIN (COSTS OFF) SELECT person FROM staff ORDER BY emb <-> (SELECT emb FROM staff LIMIT 1) LIMIT 1" \
	-c "EXPLAIN (COSTS OFF) SELECT person FROM staff WHERE emb <-> (SELECT emb FROM staff LIMIT 1) < 0.4" |
	grep -c "Index Scan using staff_emb")
[ "$plans" -eq 2 ]
record $? "the KNN and the threshold query both use the $label index"

cat >"$work/enrol.sql" <<SQL
\set source random(1, $sources)
INSERT INTO staff (person, emb)
SELECT s.name || '#' || f.face, f.embedding FROM sources s, faces(s.photo) f
WHERE s.id = :source AND s.kind = 'group';
INSERT INTO staff (person, emb)
SELECT 'sample2.jpg#1', embed(s.photo) FROM sources s WHERE s.id = :source AND s.kind = 'single';
SQL
cat >"$work/identify.sql" <<SQL
\set probe random(1, $probes)
INSERT INTO answers SELECT :probe, i.* FROM identify(:probe) i;
SQL
pgbench -n -h "$host" -U postgres -c "$clients" -j 2 -T "$seconds" \
	-f "$work/enrol.sql@1" -f "$work/identify.sql@2" stress >"$work/pgbench.log" 2>&1
pgbench_rc=$?
grep -E "^(number of|tps|latency average|SQL script|  - weight| - number of trans)" "$work/pgbench.log" | sed 's/^/# /'
[ "$pgbench_rc" -eq 0 ] && grep -q "number of failed transactions: 0 " "$work/pgbench.log" &&
	! grep -qi "aborted\|error" "$work/pgbench.log"
record $? "pgbench ($label): $clients clients for $seconds s, no error, no aborted client"

read -r answered wrong enrolled <<<"$(sql -F ' ' -c "
	SELECT (SELECT count(*) FROM answers),
		(SELECT count(*) FROM answers a JOIN expected e ON a.probe = e.id
		 WHERE a.nearest IS DISTINCT FROM e.nearest OR a.within IS DISTINCT FROM e.within),
		(SELECT count(*) FROM staff) - $rows_before")"
echo "# $answered identifications and $enrolled enrolled faces in $seconds s:" \
	"$(awk -v a="$answered" -v s="$seconds" 'BEGIN { printf "%.2f", a / s }') identifications/s," \
	"$(awk -v e="$enrolled" -v s="$seconds" 'BEGIN { printf "%.2f", e / s }') faces enrolled/s"
[ "$answered" -gt 0 ] && [ "$enrolled" -gt 0 ] && [ "$wrong" -eq 0 ]
record $? "every one of $answered concurrent identifications ($label) gave the serial run's answer"

# After the run, serially: the same answers, and the index agrees with a seq scan.
again=$(sql -c "SELECT count(*) FROM probes p, identify(p.id) i JOIN expected e ON true
	WHERE e.id = p.id AND (i.nearest IS DISTINCT FROM e.nearest OR i.within IS DISTINCT FROM e.within)")
[ "$again" -eq 0 ]
record $? "after the $label run, every probe still gets the answer it got before"
index_agrees "$work/answers" staff "SELECT id, e AS emb FROM probe_embeddings" 20 0.5
record $? "after the run, the $label index's KNN (k = 20) and threshold answers equal the seq scan's"

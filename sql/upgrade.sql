-- ALTER EXTENSION pgface UPDATE from 0.1 through 0.2 to the current version (0.3 added
-- face_va, 0.4 face_tau for a probe's model, 0.5 face quality): the data and the GiST index built under 0.1
-- keep working, with the same answers, and 0.3's face_va index can be built on the old
-- data. In a database of its own, so that the other tests' objects are untouched.
SELECT current_database() AS home_database \gset
CREATE DATABASE regress_pgface_upgrade;
\c regress_pgface_upgrade
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/explain_plan.sql
CREATE EXTENSION pgface VERSION '0.1';
SELECT extversion FROM pg_extension WHERE extname = 'pgface';
SELECT count(*) AS pgface_info_in_01 FROM pg_proc WHERE proname = 'pgface_info';
-- 0.1's and 0.2's scripts as released named the library's bare symbols "embed" and
-- "faces", which 0.3's library no longer exports (it prefixes them): set the catalog as
-- those scripts left it. Before the update the calls fail; the update re-points them.
UPDATE pg_proc SET prosrc = proname
WHERE proname IN ('embed', 'faces') AND pronamespace = 'public'::regnamespace;
\i :abs_srcdir/sql/include/sqlstate_of.sql
SELECT sqlstate_of('SELECT embed(''\x00''::bytea)') AS embed_before_update,
	sqlstate_of('SELECT faces(''\x00''::bytea)') AS faces_before_update;

CREATE TABLE staff (id int PRIMARY KEY, emb face_embedding);
INSERT INTO staff
SELECT i, (SELECT array_agg((hashint4(i * 128 + d) % 1000 / 4000.0)::real ORDER BY d)
	FROM generate_series(1, 128) d)::face_embedding
FROM generate_series(1, 5000) i;
INSERT INTO staff VALUES (0, NULL);
CREATE INDEX staff_emb ON staff USING gist (emb);
CREATE TABLE saved AS SELECT id, emb::text AS emb_text FROM staff;
-- Answers under 0.1, through the index: 5 nearest and a threshold, for 20 probes.
-- (A view, so that later checks run the same queries under the plans of their time.)
CREATE VIEW answers_now AS
SELECT p.id,
	ARRAY(SELECT s.id FROM staff s ORDER BY s.emb <-> p.emb, s.id LIMIT 5) AS nearest,
	ARRAY(SELECT s.id FROM staff s WHERE face_within(s.emb, p.emb, 2.2) ORDER BY s.id) AS within
FROM staff p WHERE p.id BETWEEN 1 AND 20;
SET enable_seqscan = off;
CREATE TABLE answers_01 AS SELECT * FROM answers_now;
RESET enable_seqscan;

ALTER EXTENSION pgface UPDATE TO '0.2';
SELECT extversion FROM pg_extension WHERE extname = 'pgface';
SELECT count(*) AS face_va_in_02 FROM pg_am WHERE amname = 'face_va';
-- 0.4's faces() has no quality columns; the library fills the row type that is declared.
ALTER EXTENSION pgface UPDATE TO '0.4';
\getenv photo_dir PGFACE_TEST_CHIPS
SELECT pg_read_binary_file(:'photo_dir' || '/sample1.jpg') AS sample1 \gset
SELECT count(*) AS faces_in_04, max(face) AS numbered_to FROM faces(:'sample1'::bytea);
SELECT cardinality(proallargtypes) AS faces_arguments_in_04
FROM pg_proc WHERE proname = 'faces';
ALTER EXTENSION pgface UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'pgface';
-- 0.5's faces() has them, and the same faces.
SELECT count(*) AS faces_in_05, count(quality) AS with_quality FROM faces(:'sample1'::bytea);
SELECT cardinality(proallargtypes) AS faces_arguments_in_05 FROM pg_proc WHERE proname = 'faces';
SELECT name FROM pgface_info() ORDER BY name;
SELECT value AS library_version FROM pgface_info() WHERE name = 'library_version';
-- 0.4's face_tau for a probe's model, beside the old one, gives the old one's answer here.
SELECT count(*) AS face_tau_forms,
	face_tau(0.01, 1000) = face_tau(0.01, 1000, (SELECT emb FROM staff WHERE id = 1)) AS same_tau
FROM pg_proc WHERE proname = 'face_tau';
-- embed() and faces() reach the library again: it refuses one byte as no known format.
SELECT proname, prosrc FROM pg_proc
WHERE proname IN ('embed', 'faces') AND pronamespace = 'public'::regnamespace ORDER BY proname;
SELECT sqlstate_of('SELECT embed(''\x00''::bytea)') AS embed_after_update,
	sqlstate_of('SELECT faces(''\x00''::bytea)') AS faces_after_update;

-- The data is as it was, the index is still valid and used, and it answers as before.
SELECT count(*) AS changed_rows FROM staff s FULL JOIN saved v USING (id)
WHERE s.emb::text IS DISTINCT FROM v.emb_text;
SELECT indisvalid FROM pg_index WHERE indexrelid = 'staff_emb'::regclass;
SET enable_seqscan = off;
SELECT explain_plan($$SELECT id FROM staff ORDER BY emb <-> (SELECT emb FROM staff WHERE id = 1) LIMIT 5$$) AS "QUERY PLAN";
SELECT count(*) AS probes, count(*) FILTER (WHERE a.nearest = n.nearest AND a.within = n.within)
	AS same_answers
FROM answers_01 a JOIN answers_now n USING (id);
RESET enable_seqscan;
-- 0.3's face_va index on the same data gives the answers 0.1's GiST index gave (in a
-- transaction rolled back, so that the GiST index serves what follows).
BEGIN;
CREATE INDEX staff_emb_va ON staff USING face_va (emb);
DROP INDEX staff_emb;
SET enable_seqscan = off;
SELECT explain_plan($$SELECT id FROM staff ORDER BY emb <-> (SELECT emb FROM staff WHERE id = 1) LIMIT 5$$) AS "QUERY PLAN";
SELECT count(*) AS probes, count(*) FILTER (WHERE a.nearest = n.nearest AND a.within = n.within)
	AS same_answers_by_face_va
FROM answers_01 a JOIN answers_now n USING (id);
ROLLBACK;

-- New rows go into the old index.
INSERT INTO staff SELECT 5001, emb FROM staff WHERE id = 1;
SET enable_seqscan = off;
SELECT array_agg(id ORDER BY id) AS duplicates_of_1 FROM staff
WHERE emb <-> (SELECT emb FROM staff WHERE id = 1) < 1e-6;
RESET enable_seqscan;

\c :home_database
DROP DATABASE regress_pgface_upgrade;

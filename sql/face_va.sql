-- The face_va index (face_embedding_ops USING face_va): first the conformance checks the
-- GiST index passes too, then what is particular to face_va.
\set index_method face_va
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/index_conformance.sql

-- Bitmap scans: the threshold as a bitmap, with the same rows as a sequential scan.
SET enable_seqscan = off;
SET enable_indexscan = off;
SELECT explain_plan($$SELECT id FROM staff WHERE emb <-> (SELECT q FROM probes WHERE pid = 5) < 0.6$$) AS "QUERY PLAN";
CREATE TABLE bitmap_rows AS SELECT p.pid, s.id FROM probes p, LATERAL (
	SELECT id FROM staff WHERE emb <-> p.q < 0.6) s;
RESET enable_seqscan;
RESET enable_indexscan;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
CREATE TABLE seq_rows AS SELECT p.pid, s.id FROM probes p, LATERAL (
	SELECT id FROM staff WHERE emb <-> p.q < 0.6) s;
RESET enable_indexscan;
RESET enable_bitmapscan;
SELECT (SELECT count(*) FROM bitmap_rows) AS bitmap_rows,
	(SELECT count(*) FROM ((TABLE bitmap_rows EXCEPT ALL TABLE seq_rows)
	                       UNION ALL (TABLE seq_rows EXCEPT ALL TABLE bitmap_rows)) d) AS mismatches;

-- A nested loop runs the index once per outer row (a rescan each time): every probe's
-- nearest face, with the same answers as a sequential scan.
SET enable_seqscan = off;
CREATE TABLE nearest_by_index AS SELECT p.pid, s.d FROM probes p, LATERAL (
	SELECT emb <-> p.q AS d FROM staff ORDER BY emb <-> p.q LIMIT 1) s;
RESET enable_seqscan;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
CREATE TABLE nearest_by_seq AS SELECT p.pid, s.d FROM probes p, LATERAL (
	SELECT emb <-> p.q AS d FROM staff ORDER BY emb <-> p.q LIMIT 1) s;
RESET enable_indexscan;
RESET enable_bitmapscan;
SELECT count(*) AS probes, count(*) FILTER (WHERE i.d = s.d) AS same_nearest
FROM nearest_by_index i JOIN nearest_by_seq s USING (pid);

-- The whole table in distance order, NULLs last, as a sort would give it.
SET enable_seqscan = off;
CREATE TABLE ordered_by_index AS SELECT row_number() OVER () AS rank, d FROM (
	SELECT emb <-> (SELECT q FROM probes WHERE pid = 9) AS d FROM staff
	ORDER BY emb <-> (SELECT q FROM probes WHERE pid = 9)) x;
RESET enable_seqscan;
SELECT count(*) AS rows, count(d) AS distances,
	bool_and(d IS NULL OR rank < (SELECT min(rank) FROM ordered_by_index WHERE d IS NULL)) AS nulls_last,
	(SELECT count(*) FROM ordered_by_index a JOIN ordered_by_index b ON b.rank = a.rank + 1
	 WHERE b.d < a.d) AS out_of_order
FROM ordered_by_index;

-- Ordered scans read each candidate's distance from the table under the query's
-- snapshot: a row deleted in this transaction is not an answer, as in a seq scan.
BEGIN;
DELETE FROM staff WHERE id IN (SELECT id FROM staff ORDER BY emb <-> (SELECT q FROM probes WHERE pid = 2) LIMIT 2);
SET LOCAL enable_seqscan = off;
CREATE TEMP TABLE after_delete_index AS
SELECT id, emb <-> (SELECT q FROM probes WHERE pid = 2) AS d FROM staff
ORDER BY emb <-> (SELECT q FROM probes WHERE pid = 2) LIMIT 3;
SET LOCAL enable_seqscan = on;
SET LOCAL enable_indexscan = off;
SET LOCAL enable_bitmapscan = off;
SELECT (SELECT array_agg(d ORDER BY d) FROM after_delete_index)
     = (SELECT array_agg(d) FROM (SELECT emb <-> (SELECT q FROM probes WHERE pid = 2) AS d FROM staff
                                  ORDER BY 1 LIMIT 3) s) AS deleted_rows_skipped;
ROLLBACK;

-- An index on an expression: its distances cannot be read from a column, so the scan
-- hands out bounds and the executor's reorder queue rechecks them. Same answers.
CREATE TABLE expression_staff AS SELECT id, emb::real[] AS values FROM staff;
CREATE INDEX expression_staff_emb ON expression_staff USING face_va ((values::face_embedding));
SET enable_seqscan = off;
SELECT explain_plan($$SELECT id FROM expression_staff
ORDER BY values::face_embedding <-> (SELECT q FROM probes WHERE pid = 3) LIMIT 5$$) AS "QUERY PLAN";
CREATE TABLE expression_by_index AS SELECT p.pid, s.rank, s.d FROM probes p, LATERAL (
	SELECT row_number() OVER () AS rank, d FROM (
		SELECT values::face_embedding <-> p.q AS d FROM expression_staff
		ORDER BY values::face_embedding <-> p.q LIMIT 5) x) s;
RESET enable_seqscan;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
CREATE TABLE expression_by_seq AS SELECT p.pid, s.rank, s.d FROM probes p, LATERAL (
	SELECT row_number() OVER () AS rank, d FROM (
		SELECT values::face_embedding <-> p.q AS d FROM expression_staff
		ORDER BY values::face_embedding <-> p.q LIMIT 5) x) s;
RESET enable_indexscan;
RESET enable_bitmapscan;
SELECT count(*) AS ranks, count(*) FILTER (WHERE i.d = s.d) AS same_distances
FROM expression_by_index i JOIN expression_by_seq s USING (pid, rank);

-- The product query written on the expression, (values::face_embedding) <-> q < tau,
-- uses the expression's index too (as face_within() did), with the seq scan's answers.
SET enable_seqscan = off;
SELECT explain_plan($$SELECT id FROM expression_staff
WHERE values::face_embedding <-> (SELECT q FROM probes WHERE pid = 3) < 0.6$$) AS "QUERY PLAN";
CREATE TABLE expression_within_index AS SELECT p.pid, s.id FROM probes p, LATERAL (
	SELECT id FROM expression_staff WHERE values::face_embedding <-> p.q < 0.6) s;
RESET enable_seqscan;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
CREATE TABLE expression_within_seq AS SELECT p.pid, s.id FROM probes p, LATERAL (
	SELECT id FROM expression_staff WHERE values::face_embedding <-> p.q < 0.6) s;
RESET enable_indexscan;
RESET enable_bitmapscan;
SELECT (SELECT count(*) FROM expression_within_seq) AS rows,
	(SELECT count(*) FROM ((TABLE expression_within_index EXCEPT ALL TABLE expression_within_seq)
	                       UNION ALL (TABLE expression_within_seq EXCEPT ALL TABLE expression_within_index)) d) AS mismatches;
-- A probe from another table of the join is not constant for the scan: a join filter.
SELECT explain_plan($$SELECT e.id FROM expression_staff e, probes p
WHERE (e.values::face_embedding) <-> p.q < 0.6 AND p.pid = 3$$) AS "QUERY PLAN";

-- Empty, and NULL-only: nothing to find, no error; the NULL row sorts last.
CREATE TABLE empty_staff (id int, emb face_embedding);
CREATE INDEX empty_staff_emb ON empty_staff USING face_va (emb);
SET enable_seqscan = off;
SELECT count(*) AS nearest_in_empty FROM (
	SELECT id FROM empty_staff ORDER BY emb <-> (SELECT q FROM probes WHERE pid = 1) LIMIT 3) x;
INSERT INTO empty_staff VALUES (1, NULL);
SELECT id, emb <-> (SELECT q FROM probes WHERE pid = 1) AS d FROM empty_staff
ORDER BY emb <-> (SELECT q FROM probes WHERE pid = 1);
SELECT count(*) AS within_in_null_only FROM empty_staff WHERE emb <-> (SELECT q FROM probes WHERE pid = 1) < 2;
RESET enable_seqscan;

-- VACUUM's freed room is reused: after deleting half the rows and vacuuming, as many new
-- rows go in without the index growing, and it still answers as a seq scan does.
CREATE TABLE churn AS SELECT id, emb FROM staff WHERE emb IS NOT NULL ORDER BY id LIMIT 5000;
CREATE INDEX churn_emb ON churn USING face_va (emb);
SELECT pg_relation_size('churn_emb') AS churn_size_before \gset
DELETE FROM churn WHERE id % 2 = 0;
VACUUM churn;
INSERT INTO churn SELECT id + 1000000, emb FROM churn;
SELECT pg_relation_size('churn_emb') <= :churn_size_before AS freed_room_reused,
	(SELECT count(*) FROM churn) AS rows_now;
-- count(*) needs no column, so the planner may count through the index alone (an
-- index-only scan): every row, NULL ones included, is counted once.
INSERT INTO churn VALUES (-1, NULL);
VACUUM churn;
SET enable_seqscan = off;
SELECT explain_plan($$SELECT count(*) FROM churn$$) AS "QUERY PLAN";
SELECT count(*) AS counted_by_index FROM churn;
RESET enable_seqscan;
SET enable_seqscan = off;
CREATE TABLE churn_by_index AS SELECT p.pid, s.rank, s.d FROM probes p, LATERAL (
	SELECT row_number() OVER () AS rank, d FROM (
		SELECT emb <-> p.q AS d FROM churn ORDER BY emb <-> p.q LIMIT 5) x) s;
RESET enable_seqscan;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
SELECT count(*) AS ranks, count(*) FILTER (WHERE i.d = s.d) AS same_distances
FROM churn_by_index i JOIN LATERAL (
	SELECT row_number() OVER () AS rank, d FROM (
		SELECT emb <-> p.q AS d FROM churn, probes p WHERE p.pid = i.pid ORDER BY emb <-> p.q LIMIT 5) x) s
	ON s.rank = i.rank;
RESET enable_indexscan;
RESET enable_bitmapscan;

-- An unlogged table's index, and REINDEX: the same answers.
CREATE UNLOGGED TABLE unlogged_staff AS SELECT id, emb FROM staff;
CREATE INDEX unlogged_staff_emb ON unlogged_staff USING face_va (emb);
REINDEX INDEX staff_emb;
SET enable_seqscan = off;
SELECT (SELECT array_agg(id ORDER BY id) FROM unlogged_staff WHERE emb <-> (SELECT q FROM probes WHERE pid = 2) < 0.6)
     = (SELECT array_agg(id ORDER BY id) FROM staff WHERE emb <-> (SELECT q FROM probes WHERE pid = 2) < 0.6)
	AS unlogged_and_reindexed_agree;
RESET enable_seqscan;

-- The index holds only codes, so it is a fraction of the GiST index's size.
CREATE INDEX staff_emb_gist ON staff USING gist (emb);
SELECT pg_relation_size('staff_emb') * 4 < pg_relation_size('staff_emb_gist') AS under_a_quarter_of_gist;
-- With both on the column, the planner picks face_va, the faster, for every query form.
ANALYZE staff;
SELECT line FROM show_plans() AS line WHERE line ~ '^ *(->  )?[A-Z][a-z]+ (Index )?Scan' AND line NOT LIKE '%probes%';
DROP INDEX staff_emb_gist;

-- On vectors that the model's axes do not describe, here random values in [0, 1), the
-- bounds prune nothing for a nearest-neighbour scan: every face is a candidate whose row
-- must be read. The planner sees it in the column's statistics once ANALYZE has run, and
-- takes the seq scan, for either index; a threshold far below such vectors' distances
-- still prunes, and keeps the index.
CREATE TABLE random_vectors (id int, emb face_embedding);
INSERT INTO random_vectors
SELECT i, (SELECT array_agg(uniform(i * 128 + d, 7) ORDER BY d)::real[]::face_embedding FROM generate_series(1, 128) d)
FROM generate_series(1, 3000) i;
CREATE INDEX random_vectors_emb ON random_vectors USING face_va (emb);
CREATE TABLE random_probe AS SELECT emb AS q FROM random_vectors WHERE id = 1;
CREATE FUNCTION random_plans() RETURNS TABLE (query text, scan text) LANGUAGE sql AS $$
	SELECT q, trim(regexp_replace(line, '^ *(->)? *', '')) FROM unnest(ARRAY[
		'ORDER BY emb <-> (SELECT q FROM random_probe) LIMIT 1',
		'WHERE emb <-> (SELECT q FROM random_probe) < 0.5']) q,
		explain_plan('SELECT id FROM random_vectors ' || q) line
	WHERE line ~ 'Scan' AND line NOT LIKE '%random_probe%'
$$;
SELECT * FROM random_plans();
ANALYZE random_vectors;
SELECT * FROM random_plans();
CREATE INDEX random_vectors_emb_gist ON random_vectors USING gist (emb);
DROP INDEX random_vectors_emb;
SELECT * FROM random_plans();
DROP TABLE random_vectors, random_probe;
DROP FUNCTION random_plans();

-- What it refuses, and its operator class is valid.
CREATE INDEX ON staff USING face_va (emb) WITH (lists = 100);
CREATE INDEX ON staff USING face_va (emb, person);
CREATE INDEX ON staff USING face_va ((emb::real[]));
SELECT amvalidate(c.oid) AS operator_class_valid FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
WHERE a.amname = 'face_va';

-- Each scan counts in pg_stat_user_indexes, as GiST's and btree's do: a DBA reads idx_scan
-- to find the indexes nothing uses. One bitmap scan and one ordered index scan: two.
CREATE TABLE counted AS SELECT id, emb FROM staff;
CREATE INDEX counted_emb ON counted USING face_va (emb);
ANALYZE counted;
SET enable_seqscan = off;
SELECT count(*) > 0 AS found FROM counted WHERE emb <-> (SELECT q FROM probes WHERE pid = 1) < 0.6;
SELECT count(*) AS nearest FROM (
	SELECT id FROM counted ORDER BY emb <-> (SELECT q FROM probes WHERE pid = 1) LIMIT 1) n;
RESET enable_seqscan;
SELECT pg_stat_force_next_flush();
SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'counted_emb';
-- From PostgreSQL 18 on, EXPLAIN ANALYZE shows each index scan's "Index Searches", which
-- the access method counts: one for the ordered scan, as GiST's (15 to 17 show none).
CREATE FUNCTION index_searches(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	plan json;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, FORMAT json) ' || query INTO plan;
	RETURN QUERY WITH RECURSIVE node(n) AS (
		SELECT plan -> 0 -> 'Plan'
		UNION ALL SELECT child FROM node, json_array_elements(n -> 'Plans') child)
	SELECT format('%s: %s', n ->> 'Index Name',
		CASE WHEN n ->> 'Index Searches' IS NULL OR (n ->> 'Index Searches')::int >= 1
		THEN 'counted' ELSE 'not counted: ' || (n ->> 'Index Searches') END)
	FROM node WHERE n ->> 'Index Name' = 'counted_emb';
END $$;
SET enable_seqscan = off;
SELECT index_searches('SELECT id FROM counted ORDER BY emb <-> (SELECT q FROM probes WHERE pid = 1) LIMIT 1');
RESET enable_seqscan;

-- The query patterns the README recommends, run as written there. Alice is enrolled
-- with two photos; five other people (the faces of one group photo) with one each.
-- test/run.sh puts the photos and a face's variants in PGFACE_TEST_CHIPS.
\getenv photo_dir PGFACE_TEST_CHIPS
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/explain_plan.sql
CREATE TABLE staff_photos (name text, emb face_embedding);
INSERT INTO staff_photos
SELECT 'alice', embed(pg_read_binary_file(:'photo_dir' || '/variants/' || photo))
FROM unnest(ARRAY['original.jpg', 'recompressed.jpg']) AS photo;
INSERT INTO staff_photos
SELECT 'colleague_' || face, embedding FROM faces(pg_read_binary_file(:'photo_dir' || '/sample5.jpg'));
CREATE INDEX staff_photos_emb ON staff_photos USING gist (emb);
ANALYZE staff_photos;
-- A new photo of Alice, and a stranger (a face of another photo).
CREATE TABLE qp_probes AS
SELECT 'alice, new photo' AS who, embed(pg_read_binary_file(:'photo_dir' || '/variants/converted.png')) AS q
UNION ALL
SELECT 'stranger', embedding FROM faces(pg_read_binary_file(:'photo_dir' || '/sample3.jpg')) WHERE face = 2;
SELECT count(*) AS staff_rows, count(DISTINCT name) AS people FROM staff_photos;

-- Best match or "unknown", in one statement; with several photos per person the
-- nearest photo is the person's minimum distance.
SELECT p.who,
	coalesce((SELECT name FROM staff_photos WHERE emb <-> p.q < 0.45 ORDER BY emb <-> p.q LIMIT 1),
		'unknown') AS identified_as
FROM qp_probes p ORDER BY p.who;

-- Top-k candidates with distances, one row per person: the nearest photos through the
-- index, then each person's minimum.
SELECT p.who, c.rank, c.name, c.distance < 0.45 AS within_tau
FROM qp_probes p, LATERAL (
	SELECT name, row_number() OVER (ORDER BY min(d)) AS rank, min(d) AS distance
	FROM (SELECT name, emb <-> p.q AS d FROM staff_photos ORDER BY emb <-> p.q LIMIT 10) nearest
	GROUP BY name ORDER BY min(d) LIMIT 3) c
WHERE p.who = 'alice, new photo'
ORDER BY c.rank;
-- These plans use the index, even on a small table once seq scans are discouraged.
SET enable_seqscan = off;
SELECT explain_plan($$SELECT name FROM staff_photos WHERE emb <-> (SELECT q FROM qp_probes LIMIT 1) < 0.45
ORDER BY emb <-> (SELECT q FROM qp_probes LIMIT 1) LIMIT 1$$) AS "QUERY PLAN";
RESET enable_seqscan;

-- embed() once per query. With a parameter in a generic plan (a prepared statement
-- after five runs, or plan_cache_mode = force_generic_plan) PostgreSQL evaluates
-- emb <-> embed($1) for every row a seq scan reads; (SELECT embed($1)) is an InitPlan,
-- evaluated once.
SET track_functions = 'all';
SET plan_cache_mode = force_generic_plan;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
PREPARE per_row(bytea) AS SELECT name FROM staff_photos WHERE emb <-> embed($1) < 0.45;
PREPARE once(bytea) AS SELECT name FROM staff_photos WHERE emb <-> (SELECT embed($1)) < 0.45;
SELECT pg_read_binary_file(:'photo_dir' || '/variants/converted.png') AS photo \gset
CREATE FUNCTION embed_calls() RETURNS bigint LANGUAGE sql AS $$
	SELECT coalesce(sum(calls), 0) FROM pg_stat_xact_user_functions WHERE funcname = 'embed'
$$;
-- (counted within one transaction: the counters may be flushed between transactions)
BEGIN;
SELECT embed_calls() AS before \gset
EXECUTE per_row(:'photo');
SELECT embed_calls() - :before AS embed_calls_per_row_form, (SELECT count(*) FROM staff_photos) AS rows_scanned;
COMMIT;
BEGIN;
SELECT embed_calls() AS before \gset
EXECUTE once(:'photo');
SELECT embed_calls() - :before AS embed_calls_subselect_form;
COMMIT;
RESET enable_indexscan;
RESET enable_bitmapscan;
RESET plan_cache_mode;
RESET track_functions;
DEALLOCATE per_row;
DEALLOCATE once;

-- The ratio rule, for large galleries: name the nearest person only when they are
-- clearly nearer than the second nearest (distance below r = 0.84 times theirs), and
-- within the model's 0.6. One threshold serves galleries of any size (README).
SELECT p.who,
	CASE WHEN min(b.d) FILTER (WHERE b.rank = 1) < 0.6
		AND (count(*) = 1 OR min(b.d) FILTER (WHERE b.rank = 1) < 0.84 * min(b.d) FILTER (WHERE b.rank = 2))
	THEN min(b.name) FILTER (WHERE b.rank = 1) ELSE 'unknown' END AS identified_as
FROM qp_probes p, LATERAL (
	SELECT name, min(d) AS d, row_number() OVER (ORDER BY min(d)) AS rank
	FROM (SELECT name, emb <-> p.q AS d FROM staff_photos ORDER BY emb <-> p.q LIMIT 10) nearest
	GROUP BY name ORDER BY min(d) LIMIT 2) b
GROUP BY p.who ORDER BY p.who;

-- Bulk enrolment in parallel: embed() is declared as costly as it is, so a CREATE TABLE
-- ... AS SELECT embed(photo) runs it in parallel workers (PostgreSQL 15 runs no
-- INSERT ... SELECT in parallel). A parallel scan hands out whole pages, so the photos'
-- rows must span pages; here a wide column does that, and parallel_workers stands in
-- for a table big enough to earn workers by itself.
CREATE TABLE qp_photos (name text, photo bytea, note char(2500));
ALTER TABLE qp_photos ALTER note SET STORAGE plain;
INSERT INTO qp_photos SELECT v || ' ' || i, pg_read_binary_file(:'photo_dir' || '/variants/' || v), ''
FROM unnest(ARRAY['original.jpg', 'recompressed.jpg', 'converted.png']) v, generate_series(1, 4) i;
ALTER TABLE qp_photos SET (parallel_workers = 2);
ANALYZE qp_photos;
SET max_parallel_workers_per_gather = 2;
SELECT explain_plan($$CREATE TABLE qp_enrolled AS SELECT name, embed(photo) AS emb FROM qp_photos$$, ', VERBOSE') AS "QUERY PLAN";
CREATE TABLE qp_enrolled AS SELECT name, embed(photo) AS emb FROM qp_photos;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS photos, count(*) FILTER (WHERE face_embedding_send(e.emb) = face_embedding_send(embed(p.photo)))
	AS same_as_serial
FROM qp_enrolled e JOIN qp_photos p USING (name);
RESET max_parallel_workers_per_gather;

-- What scale-out (Citus) relies on, tested on one server: a table split into shards, each
-- with its own GiST (or face_va) index, answers KNN and threshold queries exactly as one table does
-- (each shard's ordered index scan, merged: Citus does the same across workers), and the
-- settings work at the database level, as Citus workers are configured.
CREATE SCHEMA scale_out;
SET search_path = scale_out, public;
LOAD 'pgface';
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/explain_plan.sql

CREATE TABLE staff (id int PRIMARY KEY, emb face_embedding);
INSERT INTO staff
SELECT i, (SELECT array_agg((hashint4(i * 128 + d) % 1000 / 4000.0)::real ORDER BY d)
	FROM generate_series(1, 128) d)::face_embedding
FROM generate_series(1, 8000) i;
CREATE INDEX ON staff USING gist (emb);

-- Four hash shards, as create_distributed_table('staff', 'id') would make.
CREATE TABLE sharded (id int PRIMARY KEY, emb face_embedding) PARTITION BY HASH (id);
SELECT format('CREATE TABLE sharded_%s PARTITION OF sharded FOR VALUES WITH (MODULUS 4, REMAINDER %s)', r, r)
FROM generate_series(0, 3) r \gexec
INSERT INTO sharded SELECT * FROM staff;
CREATE INDEX ON sharded USING gist (emb);
ANALYZE staff, sharded;

-- The plans: per shard an ordered index scan, merged; and the threshold through each index.
SET enable_seqscan = off;
SELECT explain_plan($$SELECT id FROM sharded ORDER BY emb <-> (SELECT emb FROM staff WHERE id = 1) LIMIT 5$$) AS "QUERY PLAN";
SELECT explain_plan($$SELECT id FROM sharded WHERE emb <-> (SELECT emb FROM staff WHERE id = 1) < 2.2$$) AS "QUERY PLAN";

-- The planner's row estimate for the shards is the single table's (the model's statistics),
-- not PostgreSQL's default third of the table.
\i :abs_srcdir/sql/include/estimated_rows.sql
SELECT estimated_rows('SELECT id FROM sharded WHERE emb <-> (SELECT emb FROM staff WHERE id = 1) < 0.6')
	/ estimated_rows('SELECT id FROM staff WHERE emb <-> (SELECT emb FROM staff WHERE id = 1) < 0.6')
	BETWEEN 0.5 AND 2 AS estimate_as_for_one_table,
	estimated_rows('SELECT id FROM sharded WHERE emb <-> (SELECT emb FROM staff WHERE id = 1) < 0.6')
	< 8000 / 10 AS not_the_default_third;

-- The answers: the 10 nearest (as distances, so that ties cannot differ) and everything
-- within 2.2, for 25 probes, from the shards and from the single table. (A view, so that
-- it is planned again under the face_va indexes below.)
CREATE VIEW shard_answers AS
SELECT count(*) AS probes,
	count(*) FILTER (WHERE
		ARRAY(SELECT s.emb <-> p.emb FROM sharded s ORDER BY s.emb <-> p.emb LIMIT 10)
		= ARRAY(SELECT s.emb <-> p.emb FROM staff s ORDER BY s.emb <-> p.emb LIMIT 10)
		AND ARRAY(SELECT s.id FROM sharded s WHERE s.emb <-> p.emb < 2.2 ORDER BY s.id)
		= ARRAY(SELECT s.id FROM staff s WHERE s.emb <-> p.emb < 2.2 ORDER BY s.id)) AS same_answers,
	min((SELECT count(*) FROM staff s WHERE s.emb <-> p.emb < 2.2)) > 1 AS thresholds_match_several
FROM staff p WHERE p.id % 320 = 0;
SELECT * FROM shard_answers;

-- The same with a face_va index on every shard instead (rolled back afterwards).
BEGIN;
DROP INDEX sharded_emb_idx;
CREATE INDEX ON sharded USING face_va (emb);
SELECT explain_plan($$SELECT id FROM sharded ORDER BY emb <-> (SELECT emb FROM staff WHERE id = 1) LIMIT 5$$) AS "QUERY PLAN";
SELECT * FROM shard_answers;
ROLLBACK;
RESET enable_seqscan;

-- Settings at the database level, as on Citus workers: the literal threshold form needs
-- pgface loaded at planning time, which session_preload_libraries does for every session.
SELECT current_database() AS home_database \gset
CREATE DATABASE regress_pgface_settings;
ALTER DATABASE regress_pgface_settings SET session_preload_libraries = 'pgface';
ALTER DATABASE regress_pgface_settings SET pgface.detector_input_size = 320;
ALTER DATABASE regress_pgface_settings SET pgface.max_image_pixels = 20000000;
\c regress_pgface_settings
CREATE EXTENSION pgface;
\i :abs_srcdir/sql/include/explain_plan.sql
SHOW pgface.detector_input_size;
SHOW pgface.max_image_pixels;
CREATE TABLE staff (id int PRIMARY KEY, emb face_embedding);
INSERT INTO staff
SELECT i, (SELECT array_agg((hashint4(i * 128 + d) % 1000 / 4000.0)::real ORDER BY d)
	FROM generate_series(1, 128) d)::face_embedding
FROM generate_series(1, 2000) i;
CREATE INDEX staff_emb ON staff USING gist (emb);
SET enable_seqscan = off;
SELECT explain_plan($$SELECT id FROM staff WHERE emb <-> (SELECT emb FROM staff WHERE id = 1) < 2.2$$) AS "QUERY PLAN";
\c :home_database
DROP DATABASE regress_pgface_settings;

-- Included by face_index.sql (GiST) and face_va.sql (face_va), with :index_method set:
-- an index's answers equal the sequential scan's, row for row, for nearest-neighbour and
-- threshold queries, through inserts, NULLs, duplicates, deletes, updates and VACUUM;
-- and EXPLAIN shows it for every query form.
-- The literal form "emb <-> q < tau" is indexed by a planner hook, so pgface must be
-- loaded before such a query is planned (session_preload_libraries in production).
LOAD 'pgface';
\i :abs_srcdir/sql/include/explain_plan.sql
-- Each index method's run in a schema of its own, since the tests share one database.
CREATE SCHEMA :index_method;
SET search_path = :index_method, public;

-- 4,000 people with 5 photos each: a centre drawn per value from N(0, 0.053^2) and
-- per-photo noise from N(0, 0.0275^2), which puts two photos of one person about 0.44
-- apart and two people about 0.85 apart, as LFW's real embeddings are. Each value is a
-- function of its key (Box-Muller over two hashes), not of the order rows are made in,
-- so every PostgreSQL version draws the same faces into the same rows.
CREATE FUNCTION uniform(key bigint, salt bigint) RETURNS float8 LANGUAGE sql IMMUTABLE
	AS 'SELECT ((hashint8extended(key, salt) >> 11) & ((1::bigint << 52) - 1)) / 2.0 ^ 52 + 2.0 ^ -53';
CREATE FUNCTION gaussian(key bigint, salt bigint) RETURNS float8 LANGUAGE sql IMMUTABLE
	AS 'SELECT sqrt(-2 * ln(uniform(key, salt))) * cos(2 * pi() * uniform(key, salt + 1))';
CREATE TABLE centres AS
SELECT p, array_agg(0.053 * gaussian(p * 128 + d, 1) ORDER BY d) AS c
FROM generate_series(1, 4000) p, generate_series(1, 128) d GROUP BY p ORDER BY p;
-- A photo of the person with centre c; photo is its key, so that two photos differ.
CREATE FUNCTION photo_of(c float8[], photo bigint) RETURNS face_embedding LANGUAGE sql IMMUTABLE
	AS 'SELECT array_agg(c[d] + 0.0275 * gaussian(photo * 128 + d, 3) ORDER BY d)::real[]::face_embedding
	    FROM generate_series(1, 128) d';
-- Autovacuum stays off for it, so that row placement, and so the output, is repeatable.
CREATE TABLE staff (id serial PRIMARY KEY, person int, emb face_embedding) WITH (autovacuum_enabled = false);
INSERT INTO staff (person, emb)
SELECT p, photo_of(c, p * 5 + k) FROM centres, generate_series(1, 5) k ORDER BY p, k;
-- Rows without an embedding, and exact duplicates (the same photo enrolled twice).
INSERT INTO staff (person, emb) SELECT NULL, NULL FROM generate_series(1, 50);
INSERT INTO staff (person, emb) SELECT person, emb FROM staff WHERE id % 97 = 0 ORDER BY id;
CREATE INDEX staff_emb ON staff USING :index_method (emb);
ANALYZE staff;
SELECT count(*) AS rows, count(emb) AS embeddings, count(DISTINCT emb::real[]) AS distinct_embeddings
FROM staff;

-- Probes: enrolled photos, new photos of enrolled people, and strangers.
CREATE TABLE probes (pid serial, kind text, q face_embedding);
INSERT INTO probes (kind, q) SELECT 'enrolled photo', emb FROM staff WHERE id IN (3, 777, 19000, 194) ORDER BY id;
INSERT INTO probes (kind, q) SELECT 'new photo', photo_of(c, 100000 + p) FROM centres WHERE p IN (5, 1234, 3999, 39) ORDER BY p;
INSERT INTO probes (kind, q) SELECT 'stranger', photo_of(c, 200000 + s)
FROM (SELECT s, array_agg(0.053 * gaussian(1000000 + s * 128 + d, 1) ORDER BY d) AS c
      FROM generate_series(1, 4) s, generate_series(1, 128) d GROUP BY s) x ORDER BY s;

-- The k nearest rows as the planner chooses to find them.
CREATE FUNCTION nearest(probe face_embedding, k int) RETURNS TABLE (id int, d float8)
LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE 'SELECT id, emb <-> $1 FROM staff ORDER BY emb <-> $1 LIMIT $2' USING probe, k;
END $$;

-- Every query form, run for every probe under the current planner settings. Dynamic SQL,
-- so that each statement is planned under those settings.
CREATE TABLE answers (plan text, query text, pid int, rank bigint, id int, distance float8);
CREATE FUNCTION collect_answers(plan text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	probe record;
	k int;
	tau float8;
BEGIN
	FOR probe IN SELECT * FROM probes LOOP
		-- Nearest neighbours: ranks and distances must agree; so must the ids, except
		-- among rows tied with the k-th distance, where either plan may pick any.
		FOREACH k IN ARRAY ARRAY[1, 5, 50] LOOP
			EXECUTE format('INSERT INTO answers
			                SELECT %L, %L, %s, row_number() OVER (ORDER BY d), NULL, d FROM nearest($1, %s)
			                UNION ALL
			                SELECT %L, %L, %s, 0, id, d FROM nearest($1, %s)
			                WHERE d < (SELECT max(d) FROM nearest($1, %s))',
			               plan, 'knn ' || k, probe.pid, k, plan, 'knn ' || k || ' ids', probe.pid, k, k)
				USING probe.q;
		END LOOP;
		FOREACH tau IN ARRAY ARRAY[0.3, 0.45, 0.6, 0.8] LOOP
			EXECUTE format('INSERT INTO answers SELECT %L, %L, %s, 0, id, 0 FROM staff WHERE emb <-> $1 < %s',
			               plan, '< ' || tau, probe.pid, tau) USING probe.q;
			EXECUTE format('INSERT INTO answers SELECT %L, %L, %s, 0, id, 0 FROM staff WHERE %s >= $1 <-> emb',
			               plan, '>= ' || tau, probe.pid, tau) USING probe.q;
			EXECUTE format('INSERT INTO answers SELECT %L, %L, %s, 0, id, 0 FROM staff WHERE face_within(emb, $1, %s)',
			               plan, 'face_within ' || tau, probe.pid, tau) USING probe.q;
			EXECUTE format('INSERT INTO answers SELECT %L, %L, %s, 0, id, 0 FROM staff WHERE emb <@ face_ball($1, %s)',
			               plan, '<@ ' || tau, probe.pid, tau) USING probe.q;
			-- Best match or nobody: the nearest three within tau, by rank and distance.
			EXECUTE format('INSERT INTO answers SELECT %L, %L, %s, row_number() OVER (ORDER BY d), NULL, d
			                FROM (SELECT emb <-> $1 AS d FROM staff WHERE emb <-> $1 < %s
			                      ORDER BY emb <-> $1 LIMIT 3) best',
			               plan, 'nearest 3 within ' || tau, probe.pid, tau) USING probe.q;
		END LOOP;
	END LOOP;
END $$;

-- The plans each form gets, with and without the index.
CREATE FUNCTION show_plans() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	query text;
	line text;
BEGIN
	FOREACH query IN ARRAY ARRAY[
		'SELECT id FROM staff ORDER BY emb <-> (SELECT q FROM probes WHERE pid = 1) LIMIT 5',
		'SELECT id FROM staff WHERE emb <-> (SELECT q FROM probes WHERE pid = 1) < 0.45',
		'SELECT id FROM staff WHERE emb <-> (SELECT q FROM probes WHERE pid = 1) <= 0.45',
		'SELECT id FROM staff WHERE 0.45 > (SELECT q FROM probes WHERE pid = 1) <-> emb',
		'SELECT id FROM staff WHERE face_within(emb, (SELECT q FROM probes WHERE pid = 1), 0.45)',
		'SELECT id FROM staff WHERE face_within((SELECT q FROM probes WHERE pid = 1), emb, 0.45)',
		'SELECT id FROM staff WHERE emb <@ face_ball((SELECT q FROM probes WHERE pid = 1), 0.45)']
	LOOP
		RETURN NEXT query;
		FOR line IN SELECT explain_plan(query) LOOP
			RETURN NEXT line;
		END LOOP;
	END LOOP;
END $$;

-- Compares the two plans' answers: every row of one must be in the other, both ways.
CREATE FUNCTION compare_answers() RETURNS TABLE (query text, answers bigint, mismatches bigint)
LANGUAGE sql AS $$
	SELECT query, count(*) FILTER (WHERE plan = 'index'),
		(SELECT count(*) FROM ((SELECT pid, rank, id, distance FROM answers i WHERE i.plan = 'index' AND i.query = a.query
		                        EXCEPT ALL
		                        SELECT pid, rank, id, distance FROM answers s WHERE s.plan = 'seq' AND s.query = a.query)
		                       UNION ALL
		                       (SELECT pid, rank, id, distance FROM answers s WHERE s.plan = 'seq' AND s.query = a.query
		                        EXCEPT ALL
		                        SELECT pid, rank, id, distance FROM answers i WHERE i.plan = 'index' AND i.query = a.query)) d)
	FROM answers a GROUP BY query ORDER BY query
$$;

SET enable_seqscan = off;
SELECT show_plans();
SELECT collect_answers('index');
RESET enable_seqscan;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
SELECT show_plans();
SELECT collect_answers('seq');
RESET enable_indexscan;
RESET enable_bitmapscan;
SELECT * FROM compare_answers();

-- Left to itself, the planner picks the index for tight thresholds, and for the nearest
-- five faces face_va but not GiST: past its first row, GiST's ordered scan walks most of
-- its tree, slower than a seq scan (doc/benchmarks.md, "Which plan the planner picks").
SELECT line FROM show_plans() AS line WHERE line LIKE 'SELECT%' OR line ~ '^ *(->  )?[A-Z][a-z]+ (Index )?Scan' AND line NOT LIKE '%probes%';
-- The nearest face alone goes through either index.
SELECT line FROM explain_plan('SELECT id FROM staff ORDER BY emb <-> (SELECT q FROM probes WHERE pid = 1) LIMIT 1') AS line
WHERE line ~ 'Scan' AND line NOT LIKE '%probes%';

-- Churn: delete, move, duplicate and NULL out rows, then VACUUM, and compare again.
DELETE FROM staff WHERE id % 7 = 0;
-- (Moves take another row's photo, not a random one, so that the outcome does not depend
-- on the order in which UPDATE visits rows.)
UPDATE staff SET emb = (SELECT other.emb FROM staff other WHERE other.id = staff.id + 3) WHERE id % 11 = 0;
UPDATE staff SET emb = NULL WHERE id % 13 = 0;
INSERT INTO staff (person, emb) SELECT person, emb FROM staff WHERE id % 17 = 0 AND emb IS NOT NULL;
INSERT INTO staff (person, emb) SELECT person, (SELECT q FROM probes WHERE pid = 5) FROM generate_series(1, 3) person;
VACUUM ANALYZE staff;
SELECT count(*) AS rows, count(emb) AS embeddings FROM staff;
TRUNCATE answers;
SET enable_seqscan = off;
SELECT collect_answers('index');
RESET enable_seqscan;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
SELECT collect_answers('seq');
RESET enable_indexscan;
RESET enable_bitmapscan;
SELECT * FROM compare_answers();

-- Rows with a NULL embedding come last in nearest-neighbour order, as in a sort.
CREATE TABLE few (id int, emb face_embedding);
INSERT INTO few SELECT id, emb FROM staff WHERE id IN (1, 2) UNION ALL SELECT 0, NULL;
CREATE INDEX few_emb ON few USING :index_method (emb);
SET enable_seqscan = off;
SELECT id, emb <-> (SELECT emb FROM staff WHERE id = 1) AS d FROM few ORDER BY emb <-> (SELECT emb FROM staff WHERE id = 1);
RESET enable_seqscan;

-- Estimates: the planner knows a tight threshold keeps few rows and a loose one many,
-- from the model's impostor statistics, instead of assuming a third of the table.
\i :abs_srcdir/sql/include/estimated_rows.sql
SELECT estimated_rows('SELECT id FROM staff WHERE emb <-> (SELECT q FROM probes WHERE pid = 1) < 0.4') < 50 AS tight_is_few,
	estimated_rows('SELECT id FROM staff WHERE face_within(emb, (SELECT q FROM probes WHERE pid = 1), 0.4)') < 50 AS function_tight_is_few,
	estimated_rows('SELECT id FROM staff WHERE emb <@ face_ball((SELECT q FROM probes WHERE pid = 1), 0.4)') < 50 AS operator_tight_is_few,
	estimated_rows('SELECT id FROM staff WHERE emb <-> (SELECT q FROM probes WHERE pid = 1) < 1.2') > 10000 AS loose_is_many,
	estimated_rows('SELECT id FROM staff WHERE emb <-> (SELECT q FROM probes WHERE pid = 1) > 0.4') > 10000 AS complement_is_many;

-- Edge cases through the index, each as a sequential scan would answer it: a NULL tau or
-- probe matches nothing, a NaN radius everything (float8's rules), and a prepared
-- statement's generic plan, where probe and tau are parameters, still uses the index.
SET enable_seqscan = off;
SELECT count(*) AS null_tau FROM staff WHERE face_within(emb, (SELECT q FROM probes WHERE pid = 1), NULL);
SELECT count(*) AS null_probe FROM staff WHERE emb <-> (SELECT q FROM probes WHERE false) < 0.5;
SELECT count(*) AS nan_radius, (SELECT count(emb) FROM staff) AS embeddings
FROM staff WHERE emb <@ face_ball((SELECT q FROM probes WHERE pid = 1), 'NaN');
SELECT count(*) AS negative_radius FROM staff WHERE emb <@ face_ball((SELECT q FROM probes WHERE pid = 1), -1);
PREPARE within_tau(face_embedding, float8) AS SELECT count(*) FROM staff WHERE emb <-> $1 < $2;
SET plan_cache_mode = force_generic_plan;
CREATE FUNCTION plan_of_prepared() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN SELECT explain_plan('EXECUTE within_tau(' || quote_literal((SELECT q FROM probes WHERE pid = 1)::text) || ', 0.45)') LOOP
		RETURN NEXT line;
	END LOOP;
END $$;
SELECT line FROM plan_of_prepared() AS line;
CREATE FUNCTION run_prepared() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
BEGIN
	EXECUTE 'EXECUTE within_tau(' || quote_literal((SELECT q FROM probes WHERE pid = 1)::text) || ', 0.45)' INTO n;
	RETURN n;
END $$;
SELECT run_prepared() AS generic_plan_rows;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
RESET enable_seqscan;
SELECT count(*) AS seq_scan_rows FROM staff WHERE emb <-> (SELECT q FROM probes WHERE pid = 1) < 0.45;
RESET enable_indexscan;
RESET enable_bitmapscan;
RESET plan_cache_mode;
RESET enable_seqscan;

-- count(*) needs no column, so with other plans switched off it is counted through the
-- index alone (an index-only scan, the index giving no value back): every row counts.
SET enable_seqscan = off;
SELECT count(*) AS counted_through_index FROM staff;
RESET enable_seqscan;
SELECT count(*) AS counted_by_seq_scan FROM staff;

-- Near-duplicates with large values (around 50, valid input): each probe is a row with
-- its first value moved by one float step, so the two are about 1e-6 apart. Rounding
-- the index's residual lengths once let the bound pass the distance here, and rows were
-- missed; each probe must find its own row within 1e-5, and as its nearest.
CREATE TABLE big_pairs AS
SELECT i AS id, x::face_embedding AS emb,
	(ARRAY[(x[1]::float8 + power(2, floor(log(2, greatest(abs(x[1]), 0.001)::numeric)) - 23))::real]
	 || x[2:128])::face_embedding AS q
FROM (SELECT i, (SELECT array_agg((hashint4(i * 128 + d) % 100000 / 1000.0)::real ORDER BY d)
                 FROM generate_series(1, 128) d) AS x
      FROM generate_series(1, 2000) i) a;
CREATE INDEX big_pairs_emb ON big_pairs USING :index_method (emb);
SET enable_seqscan = off;
SELECT count(*) AS pairs, max(emb <-> q) < 1e-5 AS all_within_1e5,
	count(*) FILTER (WHERE (SELECT count(*) FROM big_pairs b WHERE b.emb <@ face_ball(p.q, 1e-5)) = 0) AS missed_by_threshold,
	count(*) FILTER (WHERE (SELECT b.id FROM big_pairs b ORDER BY b.emb <-> p.q LIMIT 1) IS DISTINCT FROM p.id) AS missed_by_knn
FROM big_pairs p;
RESET enable_seqscan;

-- Values near float4's limit are valid input: two equal such embeddings are 0 apart,
-- and every other face is about 3.8e39 away (not infinitely: the distance is summed again
-- in double where float's squares overflow). The index finds them as a seq scan does.
CREATE TABLE extreme_staff AS SELECT id, emb FROM staff WHERE id <= 500;
INSERT INTO extreme_staff SELECT 1000000 + k,
	(SELECT array_agg(CASE WHEN d % 2 = 0 THEN 3.4e38 ELSE -3.4e38 END::real ORDER BY d)
	 FROM generate_series(1, 128) d)::face_embedding FROM generate_series(1, 2) k;
CREATE INDEX extreme_staff_emb ON extreme_staff USING :index_method (emb);
SET enable_seqscan = off;
SELECT array_agg(id ORDER BY id) AS within_of_extreme FROM extreme_staff
WHERE emb <-> (SELECT emb FROM extreme_staff WHERE id = 1000001) < 0.1;
SELECT count(*) AS ordered_rows, count(*) FILTER (WHERE d > 3.8e39 AND d < 3.9e39) AS about_3_8e39_away
FROM (SELECT emb <-> (SELECT q FROM probes WHERE pid = 1) AS d FROM extreme_staff
      ORDER BY emb <-> (SELECT q FROM probes WHERE pid = 1)) x;
RESET enable_seqscan;
SELECT count(*) AS seq_ordered_rows FROM extreme_staff;

-- Hostile values of every size (components of 1e19 to 3e38, of 1e-30 and denormals, one
-- huge component among zeros), as rows and as probes: each threshold, from 1e-40 to 1e300,
-- and each probe's 20 nearest give the seq scan's answer through the index.
CREATE TABLE hostile_staff AS SELECT id, emb FROM staff WHERE id <= 300;
INSERT INTO hostile_staff SELECT 2000000 + row_number() OVER (), array_fill(v::real, ARRAY[128])::face_embedding
FROM unnest(ARRAY[1e19, -1e19, 3e38, -3e38, 1e-30, -1e-30, 1e-45, 0, 5e18, 1e20]) v;
INSERT INTO hostile_staff SELECT 3000000 + row_number() OVER (),
	(array_fill(0::real, ARRAY[127]) || ARRAY[v::real])::face_embedding
FROM unnest(ARRAY[1e19, -3e38, 1e-30, 1e-44, 2e19]) v;
INSERT INTO hostile_staff SELECT 4000000 + row_number() OVER (),
	(ARRAY[v::real] || array_fill((v / 2)::real, ARRAY[127]))::face_embedding
FROM unnest(ARRAY[1e19, -2e30, 1e-35]) v;
CREATE TABLE hostile_probes AS SELECT id AS pid, emb AS q FROM hostile_staff WHERE id <= 2 OR id > 1000000;
CREATE TABLE hostile_taus AS
SELECT unnest(ARRAY[0.6, 1e-29, 1e-40, 1, 1e19, 1e20, 3e20, 1e38, 1e40, 1e300]::float8[]) AS tau;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
CREATE TABLE hostile_seq_within AS SELECT pid, tau, id FROM hostile_probes, hostile_taus, hostile_staff WHERE emb <-> q < tau;
CREATE TABLE hostile_seq_nearest AS SELECT pid, array_agg(d ORDER BY d) AS ds FROM hostile_probes,
	LATERAL (SELECT emb <-> q AS d FROM hostile_staff ORDER BY emb <-> q LIMIT 20) k GROUP BY pid;
RESET enable_indexscan;
RESET enable_bitmapscan;
CREATE INDEX hostile_staff_emb ON hostile_staff USING :index_method (emb);
SET enable_seqscan = off;
CREATE TABLE hostile_index_within AS SELECT pid, tau, id FROM hostile_probes, hostile_taus, hostile_staff WHERE emb <-> q < tau;
CREATE TABLE hostile_index_nearest AS SELECT pid, array_agg(d ORDER BY d) AS ds FROM hostile_probes,
	LATERAL (SELECT emb <-> q AS d FROM hostile_staff ORDER BY emb <-> q LIMIT 20) k GROUP BY pid;
RESET enable_seqscan;
SELECT (SELECT count(*) FROM hostile_probes) AS probes,
	(SELECT count(*) FROM hostile_seq_within) AS within_rows,
	(SELECT count(*) FROM ((TABLE hostile_seq_within EXCEPT ALL TABLE hostile_index_within)
	                       UNION ALL (TABLE hostile_index_within EXCEPT ALL TABLE hostile_seq_within)) d) AS within_mismatches,
	(SELECT count(*) FROM hostile_seq_nearest s JOIN hostile_index_nearest i USING (pid) WHERE s.ds = i.ds) AS same_nearest;

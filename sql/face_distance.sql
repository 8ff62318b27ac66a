-- face_distance and <->: the Euclidean distance, checked against an independent computation.

SELECT setseed(0.5);
CREATE TABLE pairs AS
SELECT g AS id,
	ARRAY(SELECT (random() * 0.4 - 0.2)::real FROM generate_series(1, 128) WHERE g > 0) AS a,
	ARRAY(SELECT (random() * 0.4 - 0.2)::real FROM generate_series(1, 128) WHERE g > 0) AS b
FROM generate_series(1, 500) AS g;
-- The reference: the same sum written in SQL, in float8, over the real[] values.
CREATE TABLE reference AS
SELECT id, sqrt(sum((x::float8 - y::float8) ^ 2)) AS d
FROM pairs, unnest(a, b) AS u(x, y)
GROUP BY id;
SELECT count(*) AS pairs,
	max(abs((p.a::face_embedding <-> p.b::face_embedding) - r.d) / r.d) < 1e-6 AS operator_matches,
	max(abs(face_distance(p.a::face_embedding, p.b::face_embedding) - r.d) / r.d) < 1e-6 AS function_matches,
	bool_and((p.a::face_embedding <-> p.b::face_embedding) = (p.b::face_embedding <-> p.a::face_embedding)) AS symmetric,
	bool_and((p.a::face_embedding <-> p.a::face_embedding) = 0) AS zero_on_self
FROM pairs p JOIN reference r USING (id);

-- An exact case: (3, 4) against the origin.
SELECT (array_fill(0::real, ARRAY[128])::face_embedding
	<-> ('[3,4,' || array_to_string(array_fill('0'::text, ARRAY[126]), ',') || ']')::face_embedding) AS five;
SELECT pg_typeof(array_fill(0::real, ARRAY[128])::face_embedding <-> array_fill(0::real, ARRAY[128])::face_embedding);

-- Right across float4's range: components of +-1e19 (whose squares overflow float) and of
-- 1e-30 (whose squares underflow it) give 2e19 * sqrt(128) and 1e-30 * sqrt(128).
SELECT round(((array_fill(1e19::real, ARRAY[128])::face_embedding
	<-> array_fill(-1e19::real, ARRAY[128])::face_embedding) / (2e19 * sqrt(128)))::numeric, 6) AS huge_ratio,
	round(((array_fill(1e-30::real, ARRAY[128])::face_embedding
	<-> array_fill(0::real, ARRAY[128])::face_embedding) / (1e-30 * sqrt(128)))::numeric, 6) AS tiny_ratio;

-- Nearest neighbours by sort, and the threshold query, without an index.
SELECT id, round((a::face_embedding <-> (SELECT a FROM pairs WHERE id = 7)::face_embedding)::numeric, 6) AS d
FROM pairs ORDER BY a::face_embedding <-> (SELECT a FROM pairs WHERE id = 7)::face_embedding LIMIT 3;
SELECT count(*) FILTER (WHERE p.a::face_embedding <-> p.b::face_embedding < 1.85) AS within_tau,
	count(*) FILTER (WHERE r.d < 1.85) AS reference_within_tau
FROM pairs p JOIN reference r USING (id);

-- NULL in, NULL out.
SELECT NULL::face_embedding <-> array_fill(0::real, ARRAY[128])::face_embedding IS NULL AS is_null;

-- Equality and order: the same values are equal (0 and -0 too), DISTINCT, GROUP BY and UNION
-- fold copies, a unique index refuses one, and the order is total and antisymmetric.
CREATE TABLE embedding_copies AS
SELECT id, a::face_embedding AS e FROM pairs
UNION ALL SELECT id, a::face_embedding FROM pairs WHERE id % 2 = 0;
SELECT (SELECT count(*) FROM embedding_copies) AS rows, (SELECT count(DISTINCT e) FROM embedding_copies) AS distinct_values,
	(SELECT count(*) FROM (SELECT e FROM embedding_copies GROUP BY e) g) AS groups,
	(SELECT count(*) FROM (SELECT e FROM embedding_copies UNION SELECT e FROM embedding_copies) u) AS in_union,
	(SELECT count(*) FROM pairs) AS pairs;
SELECT array_fill(0::real, ARRAY[128])::face_embedding = array_fill('-0'::real, ARRAY[128])::face_embedding AS zero_is_minus_zero,
	(SELECT a::face_embedding FROM pairs WHERE id = 1) = (SELECT b::face_embedding FROM pairs WHERE id = 1) AS different_values,
	(SELECT a::face_embedding FROM pairs WHERE id = 1) <> (SELECT b::face_embedding FROM pairs WHERE id = 1) AS not_equal;
SELECT count(*) AS ordered_pairs,
	count(*) FILTER (WHERE (x.e < y.e) = (y.e > x.e) AND (x.e <= y.e) = (y.e >= x.e)
	                   AND ((x.e < y.e)::int + (x.e = y.e)::int + (x.e > y.e)::int) = 1) AS consistent
FROM embedding_copies x, embedding_copies y WHERE x.id <= 10 AND y.id <= 10;
CREATE UNIQUE INDEX copies_unique ON pairs ((a::face_embedding));
\set VERBOSITY terse
INSERT INTO pairs (id, a, b) SELECT 1000, a, b FROM pairs WHERE id = 3;
\set VERBOSITY default
DROP INDEX copies_unique;
DROP TABLE embedding_copies;

-- A session that compares embeddings and never reads a photo does not load OpenBLAS or
-- libheif: pgface opens them when a photo first needs them, since loading them was most of
-- what a fresh session paid for pgface (doc/benchmarks.md).
SELECT count(*) FILTER (WHERE line LIKE '%/pgface.so%') > 0 AS pgface_loaded,
	count(*) FILTER (WHERE line LIKE '%libopenblas%') AS openblas_maps,
	count(*) FILTER (WHERE line LIKE '%libheif%') AS libheif_maps
FROM regexp_split_to_table(pg_read_file('/proc/self/maps'), E'\n') AS line;

-- Casts between face_embedding and real[].

-- A value read from real[] gives back the same real[].
SELECT setseed(0.3);
CREATE TABLE arrays AS
SELECT g AS id, ARRAY(SELECT (random() * 2 - 1)::real FROM generate_series(1, 128) WHERE g > 0) AS v
FROM generate_series(1, 200) AS g;
SELECT count(*) AS arrays,
	count(*) FILTER (WHERE v::face_embedding::real[] = v) AS round_trips,
	count(*) FILTER (WHERE array_length(v::face_embedding::real[], 1) = 128) AS length_128
FROM arrays;
SELECT (e::real[])[1:3] AS first_three, face_model(e) AS model
FROM (SELECT ('[0.25,-1.5,3,' || array_to_string(array_fill('0'::text, ARRAY[125]), ',') || ']')::face_embedding) AS t(e);

-- The casts are assignment casts: an INSERT converts in both directions.
CREATE TABLE enrolled (e face_embedding);
INSERT INTO enrolled SELECT v FROM arrays WHERE id = 1;
CREATE TABLE exported (v real[]);
INSERT INTO exported SELECT e FROM enrolled;
SELECT (SELECT v FROM exported) = (SELECT v FROM arrays WHERE id = 1) AS same;
-- face_embedding(real[]) is also callable by name.
SELECT face_distance(face_embedding(v), v::face_embedding) AS zero FROM arrays WHERE id = 2;

-- Arrays that cannot be embeddings.
SELECT array_fill(0.5::real, ARRAY[127])::face_embedding;
SELECT array_fill(0.5::real, ARRAY[129])::face_embedding;
SELECT '{}'::real[]::face_embedding;
SELECT array_fill(0.5::real, ARRAY[2, 64])::face_embedding;
SELECT (array_fill(0.5::real, ARRAY[127]) || NULL::real)::face_embedding;
SELECT (array_fill(0.5::real, ARRAY[127]) || 'NaN'::real)::face_embedding;
SELECT ('Infinity'::real || array_fill(0.5::real, ARRAY[127]))::face_embedding;
SELECT 'still alive' AS backend;

-- NULL stays NULL both ways.
SELECT NULL::real[]::face_embedding IS NULL AS a, NULL::face_embedding::real[] IS NULL AS b;

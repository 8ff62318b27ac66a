-- The pgface demo. Until embed() lands, the embeddings are synthetic vectors,
-- so this shows the type, the distance and the identification query.
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgface;
ALTER EXTENSION pgface UPDATE;
SELECT extversion AS "pgface version" FROM pg_extension WHERE extname = 'pgface';

DROP TABLE IF EXISTS staff;
CREATE TABLE staff (name text PRIMARY KEY, emb face_embedding);
-- One embedding per person (synthetic: smooth curves with a different frequency each).
INSERT INTO staff (name, emb)
SELECT name, ARRAY(SELECT (0.09 * sin(i * f))::real FROM generate_series(1, 128) AS i)
FROM (VALUES ('ada', 1.1), ('grace', 2.3), ('alan', 3.7), ('edsger', 5.3)) AS people(name, f);

-- A new photo of ada: her embedding plus a little noise. A stranger: someone else entirely.
CREATE TEMP TABLE probes AS
SELECT 'new photo of ada' AS probe,
	ARRAY(SELECT (0.09 * sin(i * 1.1) + 0.03 * cos(i * 7.7))::real FROM generate_series(1, 128) AS i)::face_embedding AS emb
UNION ALL
SELECT 'a stranger',
	ARRAY(SELECT (0.09 * sin(i * 0.7 + 1))::real FROM generate_series(1, 128) AS i)::face_embedding;

\echo
\echo 'Distance from each probe to everyone enrolled:'
SELECT p.probe, s.name, round((s.emb <-> p.emb)::numeric, 3) AS distance
FROM probes p CROSS JOIN staff s
ORDER BY p.probe DESC, distance;

\echo 'Who is this?  SELECT name FROM staff WHERE emb <-> probe < 0.6'
SELECT p.probe, coalesce(string_agg(s.name, ', '), 'nobody') AS identified_as
FROM probes p LEFT JOIN staff s ON s.emb <-> p.emb < 0.6
GROUP BY p.probe
ORDER BY p.probe DESC;

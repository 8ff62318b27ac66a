-- The pgface demo: five people enrolled from one photo each, then three new photos
-- identified. The faces are cut from the sample photos of the face-api npm package.
-- :chips is the folder holding them (set by scripts/demo.sh).
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgface;
ALTER EXTENSION pgface UPDATE;
SELECT extversion AS "pgface version" FROM pg_extension WHERE extname = 'pgface';

-- Enrolment is an INSERT: one photo per person, nothing is trained.
DROP TABLE IF EXISTS staff;
CREATE TABLE staff (name text PRIMARY KEY, emb face_embedding);
INSERT INTO staff (name, emb)
SELECT name, embed(pg_read_binary_file(:'chips' || '/' || name || '.png'), detect => false)
FROM unnest(ARRAY['person_1', 'person_2', 'person_3', 'person_4', 'person_5']) AS name;

-- New photos: two of enrolled people (cropped differently), one of a stranger.
CREATE TEMP TABLE probes AS
SELECT probe, embed(pg_read_binary_file(:'chips' || '/' || probe || '.png'), detect => false) AS emb
FROM unnest(ARRAY['probe_person_2', 'probe_person_4', 'probe_stranger']) AS probe;

\echo
\echo 'Nearest enrolled face for each new photo:'
SELECT p.probe, nearest.name, round(nearest.d::numeric, 3) AS distance
FROM probes p,
	LATERAL (SELECT name, emb <-> p.emb AS d FROM staff ORDER BY emb <-> p.emb LIMIT 1) AS nearest
ORDER BY p.probe;

-- These chips are whole-box crops without alignment (detection and alignment come in the
-- next release), which brings different people closer than aligned chips would; hence a
-- stricter threshold than the model's 1:1 value of 0.6.
\set tau 0.4
\echo 'Who is this?  The closest enrolled face, if it lies within tau = ':tau':'
\echo '  SELECT name FROM staff WHERE emb <-> probe <' :tau 'ORDER BY emb <-> probe LIMIT 1'
SELECT p.probe, coalesce(match.name, 'nobody') AS identified_as
FROM probes p
	LEFT JOIN LATERAL (SELECT name FROM staff WHERE emb <-> p.emb < :tau
		ORDER BY emb <-> p.emb LIMIT 1) AS match ON true
ORDER BY p.probe;

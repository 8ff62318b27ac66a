-- The pgface demo: everyone in one group photo is enrolled with one INSERT, then new
-- photos are identified, one of them of a person who was never enrolled.
-- :chips is the folder with the photos (set by scripts/demo.sh).
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgface;
ALTER EXTENSION pgface UPDATE;
SELECT extversion AS "pgface version" FROM pg_extension WHERE extname = 'pgface';

-- Enrolment is an INSERT, nothing is trained: every face of sample1.jpg, named from left to right.
DROP TABLE IF EXISTS staff;
CREATE TABLE staff (name text PRIMARY KEY, emb face_embedding);
INSERT INTO staff (name, emb)
SELECT 'person_' || row_number() OVER (ORDER BY x), embedding
FROM faces(pg_read_binary_file(:'chips' || '/sample1.jpg'));
-- The GiST index keeps identification exact and fast as the table grows.
CREATE INDEX staff_emb ON staff USING gist (emb);
\echo
\echo 'Enrolled from sample1.jpg:'
SELECT name FROM staff ORDER BY name;

-- New photos: the same people cropped differently, and someone from another photo.
CREATE TEMP TABLE probes AS
SELECT photo, embed(pg_read_binary_file(:'chips' || '/' || photo || '.png')) AS emb
FROM unnest(ARRAY['new_photo_1', 'new_photo_2', 'new_photo_3', 'new_photo_4']) AS photo;

\set tau 0.6
\echo 'Who is this?  The closest enrolled face, if it lies within tau = ':tau':'
\echo '  SELECT name FROM staff WHERE emb <-> embed(photo) <' :tau 'ORDER BY emb <-> embed(photo) LIMIT 1'
SELECT p.photo, coalesce(match.name, 'unknown') AS identified_as, round(match.d::numeric, 3) AS distance
FROM probes p
	LEFT JOIN LATERAL (SELECT name, emb <-> p.emb AS d FROM staff WHERE emb <-> p.emb < :tau
		ORDER BY emb <-> p.emb LIMIT 1) AS match ON true
ORDER BY p.photo;

-- The pgface demo: everyone in one group photo is enrolled with one INSERT, then every face
-- of five other photos is identified with face_identify, or found to be nobody enrolled.
-- :photos is the folder with the package's sample photos (set by scripts/demo.sh).
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgface;
ALTER EXTENSION pgface UPDATE;
SELECT extversion AS "pgface version" FROM pg_extension WHERE extname = 'pgface';

-- Enrolment is an INSERT, nothing is trained: every face of sample1.jpg, one photo per
-- person, named from left to right.
DROP TABLE IF EXISTS staff;
CREATE TABLE staff (name text PRIMARY KEY, emb face_embedding);
CREATE TEMP TABLE enrolment AS
SELECT 'person_' || row_number() OVER (ORDER BY x) AS name, round(score::numeric, 2) AS detector_score,
	round(quality::numeric, 3) AS quality, round(eye_distance) AS eye_px, round(yaw) AS yaw,
	round(pitch) AS pitch, round(sharpness::numeric, 2) AS sharpness, round(x) AS x, round(y) AS y,
	embedding
FROM faces(pg_read_binary_file(:'photos' || '/sample1.jpg'));
INSERT INTO staff SELECT name, embedding FROM enrolment;
-- An index keeps identification exact and fast as the table grows.
CREATE INDEX staff_emb ON staff USING face_va (emb);
ANALYZE staff;
\echo
\echo 'Enrolled from sample1.jpg, one photo each, with the quality of each face (the chance,'
\echo '0 to 1, that two faces like it are compared right; eye distance in pixels, yaw and pitch'
\echo 'in degrees, the chip''s sharpness; face_quality_check can refuse a poor one at INSERT):'
SELECT name, quality, eye_px, yaw, pitch, sharpness, detector_score, x, y FROM enrolment ORDER BY name;

-- Other photos, never enrolled: every face in them is identified, or nobody.
CREATE TEMP TABLE probes AS
SELECT p.photo, f.face, round(f.x) AS x, round(f.y) AS y, f.embedding AS emb
FROM unnest(ARRAY['sample2.jpg', 'sample3.jpg', 'sample4.jpg', 'sample5.jpg', 'sample6.jpg']) AS p(photo),
	faces(pg_read_binary_file(:'photos' || '/' || p.photo)) AS f
WHERE f.score > 0.6;

\echo 'Who is this, or nobody? One call per face, at 1% of strangers taken for someone:'
\echo '  SELECT label FROM face_identify(embed(photo), ''staff'', far => 0.01)'
\echo 'It names the nearest person when they are much nearer than the next three people; the'
\echo 'threshold is calibrated for how many people are enrolled. The plain distance rule would'
\echo 'need tau = face_tau(0.01, N):'
SELECT count(*) AS people_enrolled, round(face_tau(0.01, count(*))::numeric, 3) AS tau FROM staff;
SELECT p.photo, p.face, p.x, p.y, coalesce(i.label, 'unknown') AS identified_as,
	round(i.distance::numeric, 3) AS distance, round(i.score::numeric, 3) AS score,
	round(i.threshold::numeric, 3) AS threshold
FROM probes p, face_identify(p.emb, 'staff', far => 0.01) i
ORDER BY p.photo, p.face;
\echo 'The package''s photos show one cast in different scenes, and nobody labelled who is who,'
\echo 'so the demo cannot score itself: it shows whom each face in the other photos is taken for'
\echo '(the enrolled faces are listed above with their place in sample1.jpg), and "unknown" for'
\echo 'the rest. Accuracy is measured on labelled data: doc/benchmarks.md, doc/identification.md.'

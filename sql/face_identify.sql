-- face_identify(probe, gallery, ...): who a probe is among a table's labelled faces, or
-- nobody, at a stranger-acceptance rate, in one call. The gallery: every face of the
-- package's six sample photos, each its own person; the probes: copies of sample2's
-- face as users send them (recompressed, enlarged into a scene, PNG).
\getenv photo_dir PGFACE_TEST_CHIPS
CREATE TABLE id_photos AS
SELECT name, pg_read_binary_file(:'photo_dir' || '/' || name) AS photo
FROM unnest(ARRAY['sample1.jpg', 'sample2.jpg', 'sample3.jpg', 'sample4.jpg', 'sample5.jpg',
	'sample6.jpg']) AS name;
CREATE TABLE staff (id serial PRIMARY KEY, name text, emb face_embedding);
INSERT INTO staff (name, emb)
SELECT p.name || ' face ' || f.face, f.embedding FROM id_photos p, faces(p.photo) f;
CREATE TABLE probes AS
SELECT name, embed(pg_read_binary_file(:'photo_dir' || '/variants/' || name)) AS e
FROM unnest(ARRAY['recompressed.jpg', 'enlarged_in_scene.png', 'converted.png']) AS name;
-- Which gallery face the probes are: the nearest one to the original crop.
SELECT name AS sample2_face FROM staff
ORDER BY emb <-> embed(pg_read_binary_file(:'photo_dir' || '/variants/original.jpg')) LIMIT 1 \gset
ANALYZE staff;

-- Each copy is named as sample2's face; the score is the nearest distance over the
-- geometric mean of the next three people's, the threshold the one that accepts 1% of
-- strangers among this many people.
SELECT p.name AS probe, i.label = :'sample2_face' AS named_right, i.score < i.threshold AS below,
	i.distance < 0.35 AS near, i.threshold BETWEEN 0.5 AND 0.9 AS threshold_sane
FROM probes p, face_identify(p.e, 'staff') i ORDER BY p.name;

-- A stranger (sample2's face taken out of the gallery) is nobody: label NULL, with the
-- nearest distance and the score still reported.
CREATE TABLE staff_without AS SELECT * FROM staff WHERE name <> :'sample2_face';
ANALYZE staff_without;
SELECT p.name AS probe, i.label IS NULL AS nobody, i.score >= i.threshold AS above,
	i.distance IS NOT NULL AS distance_reported
FROM probes p, face_identify(p.e, 'staff_without') i ORDER BY p.name;

-- Several photos per person: two more of sample2's person under the same label. The
-- nearest people are still distinct people, so the answer and the score's denominator
-- are as before, and the name is the label.
INSERT INTO staff (name, emb)
SELECT :'sample2_face', e FROM probes WHERE name IN ('enlarged_in_scene.png', 'converted.png');
SELECT i.label = :'sample2_face' AS named_right, i.distance < 1e-6 AS its_own_photo_nearest,
	i.score = 0 AS exact_match_scores_0
FROM probes p, face_identify(p.e, 'staff', far => 0.001) i WHERE p.name = 'converted.png';

-- Through the index: the scan that reads the nearest faces is an index scan (its
-- count of scans goes up by one for one call), with GiST and with face_va. (A gallery
-- of 22 faces is cheaper to sort than to scan by face_va, whose honest cost is every
-- page, so the planner is pushed, as for any small table.)
CREATE INDEX staff_gist ON staff USING gist (emb);
BEGIN;
SET LOCAL enable_seqscan = off;
SELECT pg_stat_get_xact_numscans('staff_gist'::regclass) AS before \gset
SELECT label IS NOT NULL AS named FROM probes p, face_identify(p.e, 'staff')
WHERE p.name = 'recompressed.jpg';
SELECT pg_stat_get_xact_numscans('staff_gist'::regclass) - :before AS gist_scans;
COMMIT;
DROP INDEX staff_gist;
CREATE INDEX staff_va ON staff USING face_va (emb);
BEGIN;
SET LOCAL enable_seqscan = off;
SELECT pg_stat_get_xact_numscans('staff_va'::regclass) AS before \gset
SELECT label IS NOT NULL AS named FROM probes p, face_identify(p.e, 'staff')
WHERE p.name = 'recompressed.jpg';
SELECT pg_stat_get_xact_numscans('staff_va'::regclass) - :before AS face_va_scans;
COMMIT;

-- Other columns, a schema-qualified gallery, people given, and the answer with and
-- without the index is the same.
CREATE SCHEMA id_other;
CREATE TABLE id_other."Staff" ("Face" face_embedding, "Who" text);
INSERT INTO id_other."Staff" SELECT emb, name FROM staff;
SELECT i.label = :'sample2_face' AS named_right_elsewhere
FROM probes p, face_identify(p.e, 'id_other."Staff"', 'Face', 'Who', 0.01, 20) i
WHERE p.name = 'recompressed.jpg';

-- Mistakes get their own SQLSTATE.
\set VERBOSITY sqlstate
SELECT face_identify(e, 'staff', far => 0) FROM probes LIMIT 1;
SELECT face_identify(e, 'staff', far => 1.5) FROM probes LIMIT 1;
SELECT face_identify(e, 'staff', people => 0) FROM probes LIMIT 1;
SELECT face_identify(e, 'staff', 'no_such_column') FROM probes LIMIT 1;
SELECT face_identify(e, 'staff', 'emb', 'no_such_column') FROM probes LIMIT 1;
SELECT face_identify(e, 'staff', 'name', 'id') FROM probes LIMIT 1;
\set VERBOSITY default
-- A gallery never analyzed (a new table) has its people counted; one person alone is
-- judged by the distance rule at face_tau(far, 1); an empty gallery is nobody, without a
-- distance.
CREATE TABLE never_analyzed (emb face_embedding, name text);
SELECT label, distance FROM probes p, face_identify(p.e, 'never_analyzed') i LIMIT 1;
INSERT INTO never_analyzed SELECT emb, name FROM staff WHERE name = :'sample2_face';
SELECT i.label = :'sample2_face' AS named_alone, i.score IS NULL AS no_score,
	i.threshold = face_tau(0.01, 1) AS threshold_is_face_tau
FROM probes p, face_identify(p.e, 'never_analyzed') i WHERE p.name = 'recompressed.jpg';
-- A NULL probe gives NULL.
SELECT face_identify(NULL, 'staff') IS NULL AS null_probe;
DROP TABLE id_photos, staff, probes, staff_without, never_analyzed, id_other."Staff";
DROP SCHEMA id_other;

-- pgface.landmarks: the 68 landmarks a face is aligned by, from face-api's landmark net
-- (faceapi, the default), dlib's own shape predictor (dlib, Debian's libdlib-data file that
-- pgface.shape_predictor_file names) or the mean of the two. The file is read only when
-- a setting asks for it; missing or damaged, it is an error only then.
\getenv photo_dir PGFACE_TEST_CHIPS
\getenv bad_models PGFACE_TEST_BAD_MODELS
CREATE TABLE lm_photos AS
SELECT name, pg_read_binary_file(:'photo_dir' || '/' || name) AS photo
FROM unnest(ARRAY['sample1.jpg', 'sample2.jpg']) AS name;
SHOW pgface.landmarks;
CREATE TABLE by_faceapi AS SELECT p.name, f.* FROM lm_photos p, faces(p.photo) AS f;
SET pgface.landmarks = dlib;
CREATE TABLE by_dlib AS SELECT p.name, f.* FROM lm_photos p, faces(p.photo) AS f;
SET pgface.landmarks = mean;
CREATE TABLE by_mean AS SELECT p.name, f.* FROM lm_photos p, faces(p.photo) AS f;
RESET pgface.landmarks;

-- The distance between the centres of the two eyes (points 37-42 and 43-48).
CREATE FUNCTION eye_distance(p point[]) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
	SELECT point((SELECT avg((p[i])[0]) FROM generate_series(37, 42) i),
		(SELECT avg((p[i])[1]) FROM generate_series(37, 42) i))
		<-> point((SELECT avg((p[i])[0]) FROM generate_series(43, 48) i),
		(SELECT avg((p[i])[1]) FROM generate_series(43, 48) i))
$$;
-- The mean distance of corresponding points, in eye distances of the first set.
CREATE FUNCTION point_error(a point[], b point[]) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
	SELECT avg(a[i] <-> b[i]) / eye_distance(a) FROM generate_series(1, 68) i
$$;

-- The same detector finds the same faces; dlib's points lie near face-api's (under 12% of
-- the eye distance on average: the unit test's bound), yet are their own; the mean lies
-- halfway; and the same face is still the same person.
SELECT count(*) AS faces,
	bool_and(a.x = d.x AND a.y = d.y AND a.x = m.x) AS same_boxes,
	avg(point_error(a.landmarks, d.landmarks)) < 0.12 AS dlib_near_faceapi,
	bool_and(point_error(a.landmarks, d.landmarks) > 0.005) AS dlib_its_own,
	bool_and((SELECT bool_and(abs((m.landmarks[i])[0] - ((a.landmarks[i])[0] + (d.landmarks[i])[0]) / 2) < 1e-6
		AND abs((m.landmarks[i])[1] - ((a.landmarks[i])[1] + (d.landmarks[i])[1]) / 2) < 1e-6)
		FROM generate_series(1, 68) i)) AS mean_halfway,
	bool_and(a.embedding <-> d.embedding < 0.3) AS same_person_dlib,
	bool_and(a.embedding <-> m.embedding < 0.3) AS same_person_mean
FROM by_faceapi a JOIN by_dlib d USING (name, face) JOIN by_mean m USING (name, face)
WHERE a.score > 0.6;
-- embed() follows the setting too.
SELECT (SELECT embed(photo) FROM lm_photos WHERE name = 'sample2.jpg')
	= (SELECT embedding FROM by_faceapi WHERE name = 'sample2.jpg' AND face = 1) AS embed_faceapi;
SET pgface.landmarks = dlib;
SELECT (SELECT embed(photo) FROM lm_photos WHERE name = 'sample2.jpg')
	<-> (SELECT embedding FROM by_faceapi WHERE name = 'sample2.jpg' AND face = 1) BETWEEN 1e-4 AND 0.3
	AS embed_dlib_differs_a_little;

-- The file's errors come only when it is asked for.
CREATE FUNCTION try_embed(photo bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	PERFORM embed(photo);
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SET pgface.shape_predictor_file = '/nonexistent/shape_predictor_68_face_landmarks.dat';
SELECT try_embed(photo) AS missing_file FROM lm_photos WHERE name = 'sample2.jpg';
SET pgface.landmarks = faceapi;
SELECT try_embed(photo) AS missing_file_unused FROM lm_photos WHERE name = 'sample2.jpg';
SET pgface.landmarks = dlib;
SELECT :'bad_models' || '/truncated_shape_predictor.dat' AS truncated_file \gset
SET pgface.shape_predictor_file = :'truncated_file';
SELECT regexp_replace(try_embed(photo), '"[^"]*"', '"..."') AS truncated_file
FROM lm_photos WHERE name = 'sample2.jpg';
-- Back to the real file, the session works again.
RESET pgface.shape_predictor_file;
SELECT try_embed(photo) AS after_reset FROM lm_photos WHERE name = 'sample2.jpg';
RESET pgface.landmarks;
-- A role that is not a superuser cannot point the server at another file.
CREATE ROLE regress_pgface_landmarks_user;
SET ROLE regress_pgface_landmarks_user;
\set VERBOSITY sqlstate
SET pgface.shape_predictor_file = '/tmp/x.dat';
\set VERBOSITY default
RESET ROLE;
DROP ROLE regress_pgface_landmarks_user;
DROP FUNCTION try_embed(bytea), point_error(point[], point[]), eye_distance(point[]);
DROP TABLE lm_photos, by_faceapi, by_dlib, by_mean;

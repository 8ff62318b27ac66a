-- embed(photo) and faces(photo): detection, landmarks and alignment on whole photos,
-- checked against face-api's own detections of the sample photos of the npm package.
-- test/run.sh copies the photos and the reference next to the golden chips.
\getenv photo_dir PGFACE_TEST_CHIPS
CREATE TABLE photos AS
SELECT name, pg_read_binary_file(:'photo_dir' || '/' || name) AS photo
FROM unnest(ARRAY['sample1.jpg', 'sample2.jpg', 'sample3.jpg', 'sample4.jpg', 'sample5.jpg',
	'sample6.jpg', 'no_face.png']) AS name;

-- face-api's detections: one JSON object per photo.
CREATE TABLE reference_lines (line text);
SELECT :'photo_dir' || '/detections.jsonl' AS detections_file \gset
COPY reference_lines FROM :'detections_file';
CREATE TABLE faceapi_faces AS
SELECT l.line::jsonb->>'file' AS name, f.value AS face
FROM reference_lines l, jsonb_array_elements(l.line::jsonb->'faces') AS f(value);

CREATE TABLE found AS SELECT p.name, f.* FROM photos p, faces(p.photo) AS f;

-- As many faces as face-api finds in each photo, and none where there is none.
SELECT p.name, (SELECT count(*) FROM found f WHERE f.name = p.name) AS pgface,
	(SELECT count(*) FROM faceapi_faces r WHERE r.name = p.name) AS faceapi
FROM photos p ORDER BY p.name;

-- Faces are numbered from 1 in order of decreasing score; the columns are what they say.
SELECT bool_and(f.face = (SELECT count(*) FROM found g WHERE g.name = f.name AND g.score >= f.score))
		AS numbered_by_score,
	bool_and(score > 0.5 AND score < 1 AND width > 0 AND height > 0) AS boxes_sane,
	bool_and(array_length(landmarks, 1) = 68) AS landmarks_68,
	bool_and(face_model(embedding) = 'dlib_resnet_v1') AS embeddings
FROM found f;

-- Each of face-api's faces has a pgface face over it (IoU at least 0.9) whose 68
-- landmarks lie within 2% of the box size of face-api's, on average.
CREATE FUNCTION iou(a float8[], b float8[]) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
	SELECT greatest(least(a[1] + a[3], b[1] + b[3]) - greatest(a[1], b[1]), 0)
		* greatest(least(a[2] + a[4], b[2] + b[4]) - greatest(a[2], b[2]), 0)
		/ (a[3] * a[4] + b[3] * b[4] - greatest(least(a[1] + a[3], b[1] + b[3]) - greatest(a[1], b[1]), 0)
			* greatest(least(a[2] + a[4], b[2] + b[4]) - greatest(a[2], b[2]), 0))
$$;
CREATE TABLE matches AS
SELECT DISTINCT ON (r.name, r.face->'box') r.name, r.face AS theirs, f AS ours,
	iou(ARRAY(SELECT jsonb_array_elements_text(r.face->'box')::float8),
		ARRAY[f.x, f.y, f.width, f.height]) AS overlap
FROM faceapi_faces r JOIN found f USING (name)
ORDER BY r.name, r.face->'box', 4 DESC;
SELECT name, count(*) AS faces, min(overlap) >= 0.9 AS boxes_match,
	max((SELECT avg(sqrt((((ours).landmarks[i])[0] - (theirs->'landmarks'->(i - 1)->>0)::float8) ^ 2
				+ (((ours).landmarks[i])[1] - (theirs->'landmarks'->(i - 1)->>1)::float8) ^ 2))
			FROM generate_series(1, 68) AS i)
		/ sqrt((ours).width * (ours).height)) <= 0.02 AS landmarks_match
FROM (SELECT name, theirs, ours, overlap FROM matches) m
GROUP BY name ORDER BY name;

-- embed(photo) embeds one of the faces that faces() lists (it may see it at another
-- detector size, so the box, and the embedding, can differ a little).
SELECT p.name, (SELECT min(embed(p.photo) <-> f.embedding) FROM found f WHERE f.name = p.name) < 0.2
		AS one_of_the_faces
FROM photos p WHERE p.name <> 'no_face.png' ORDER BY p.name;

-- The same face stays close to itself as users send it: turned on its side with an EXIF
-- tag, enlarged 2x into a larger scene, recompressed as a low-quality JPEG, and as PNG.
CREATE TABLE variants AS
SELECT name, embed(pg_read_binary_file(:'photo_dir' || '/variants/' || name)) AS e
FROM unnest(ARRAY['original.jpg', 'exif_rotated.jpg', 'enlarged_in_scene.png',
	'recompressed.jpg', 'converted.png']) AS name;
SELECT v.name, v.e <-> o.e < 0.35 AS same_face
FROM variants v, variants o WHERE o.name = 'original.jpg' AND v.name <> o.name ORDER BY v.name;

-- Turned a quarter, a half or three quarters without an EXIF tag, the face is still found,
-- turned upright (the detector scores the crop around it each way up) and embedded as the
-- upright one, not as whoever an upside-down chip resembles (0.78 from it before); faces()
-- keeps to the photo as it is and finds no face in the turned ones.
SELECT name, (SELECT embed(pg_read_binary_file(:'photo_dir' || '/variants/' || name)))
		<-> (SELECT e FROM variants WHERE name = 'original.jpg') < 0.2 AS same_face_upright,
	(SELECT count(*) FROM faces(pg_read_binary_file(:'photo_dir' || '/variants/' || name)))
		AS faces_as_it_is
FROM unnest(ARRAY['turned_90.jpg', 'turned_180.jpg', 'turned_270.jpg']) AS name ORDER BY name;

-- pgface.mirror_average (on by default) embeds the aligned chip and its mirror image and
-- takes the mean. So a mirrored copy of the photo lands nearer the original than it does
-- with one pass, and the mean of the single-pass embeddings of the photo and its mirror
-- is nearer the averaged embedding than the single pass is. Off, embed() is that single
-- pass. face-api's alignment always runs once, to reproduce face-api's descriptor.
CREATE FUNCTION embed_as(setting text, alignment text, name text) RETURNS face_embedding
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('pgface.mirror_average', setting, true);
	PERFORM set_config('pgface.alignment', alignment, true);
	RETURN embed(pg_read_binary_file(current_setting('pgface_test.photo_dir') || '/variants/' || name));
END $$ SET pgface.mirror_average FROM CURRENT SET pgface.alignment FROM CURRENT;
SET pgface_test.photo_dir = :'photo_dir';
CREATE TABLE mirror_check AS
SELECT setting, alignment, name, embed_as(setting, alignment, name) AS e
FROM unnest(ARRAY['on', 'off']) AS setting, unnest(ARRAY['dlib', 'faceapi']) AS alignment,
	unnest(ARRAY['original.jpg', 'mirrored.png']) AS name;
CREATE FUNCTION mirror_e(setting text, alignment text, name text) RETURNS face_embedding
LANGUAGE sql AS $$
	SELECT e FROM mirror_check m WHERE m.setting = $1 AND m.alignment = $2 AND m.name = $3
$$;
SELECT mirror_e('on', 'dlib', 'original.jpg') <-> mirror_e('on', 'dlib', 'mirrored.png')
		< mirror_e('off', 'dlib', 'original.jpg') <-> mirror_e('off', 'dlib', 'mirrored.png')
		AS mirror_moves_it_less,
	mirror_e('on', 'dlib', 'original.jpg') <-> mirror_e('off', 'dlib', 'original.jpg')
		BETWEEN 0.01 AND 0.2 AS single_pass_differs,
	ARRAY(SELECT ((a[i] + b[i]) / 2)::real FROM generate_series(1, 128) AS i)::face_embedding
		<-> mirror_e('on', 'dlib', 'original.jpg')
		< mirror_e('off', 'dlib', 'original.jpg') <-> mirror_e('on', 'dlib', 'original.jpg')
		AS mean_of_single_passes_is_nearer,
	mirror_e('on', 'faceapi', 'original.jpg') <-> mirror_e('off', 'faceapi', 'original.jpg') = 0
		AS faceapi_ignores_it,
	current_setting('pgface.mirror_average') AS default_setting
FROM (SELECT mirror_e('off', 'dlib', 'original.jpg')::real[] AS a,
	mirror_e('off', 'dlib', 'mirrored.png')::real[] AS b) AS single;
-- faces() describes each face the same way.
CREATE FUNCTION first_face_as(setting text, name text) RETURNS face_embedding
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('pgface.mirror_average', setting, true);
	RETURN (SELECT embedding FROM faces(pg_read_binary_file(
		current_setting('pgface_test.photo_dir') || '/variants/' || name)) ORDER BY face LIMIT 1);
END $$ SET pgface.mirror_average FROM CURRENT;
SELECT first_face_as('on', 'original.jpg') <-> first_face_as('off', 'original.jpg')
		BETWEEN 0.01 AND 0.2 AS faces_single_pass_differs;
RESET pgface_test.photo_dir;

-- With face-api's own alignment, the embeddings reproduce face-api's descriptors
-- (up to the two JPEG decoders' small differences).
SET pgface.alignment = 'faceapi';
SELECT m.name, max((SELECT f.embedding FROM photos p, faces(p.photo) f
		WHERE p.name = m.name AND f.face = (m.ours).face)
	<-> ARRAY(SELECT jsonb_array_elements_text(m.theirs->'descriptor')::real)::face_embedding) <= 0.15
	AS matches_faceapi_descriptor
FROM matches m GROUP BY m.name ORDER BY m.name;
RESET pgface.alignment;

-- A photo without a face: embed() fails and points to faces(), which returns no row.
SELECT embed(photo) FROM photos WHERE name = 'no_face.png';
-- Empty, random, truncated and non-image input get their own errors, through detection too.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try_embed_photo.sql
SELECT setseed(0.9);
SELECT label, try_detect(photo) AS result FROM (VALUES
	('empty', ''::bytea),
	('random bytes', (SELECT string_agg(int2send((random() * 32767)::int2), ''::bytea) FROM generate_series(1, 5000))),
	('truncated JPEG', (SELECT substring(photo FROM 1 FOR 30000) FROM photos WHERE name = 'sample2.jpg')),
	('JPEG header only', (SELECT substring(photo FROM 1 FOR 600) FROM photos WHERE name = 'sample2.jpg')),
	('no face', (SELECT photo FROM photos WHERE name = 'no_face.png'))
) AS cases(label, photo);
SELECT count(*) AS rows FROM photos p, faces(p.photo) WHERE p.name = 'no_face.png';
-- Photos without a person: embed()'s smaller detector sizes find no face in them either.
SELECT name, try_detect(pg_read_binary_file(:'photo_dir' || '/no_person/' || name)) AS result
FROM unnest(ARRAY['floor.jpg', 'plasma.jpg']) AS name;
SELECT 'still alive' AS backend;

-- The detector's settings.
SET pgface.detector_input_size = 100;
SET pgface.detector_input_size = 224;
SELECT count(*) AS faces_at_224 FROM photos p, faces(p.photo) WHERE p.name = 'sample5.jpg';
RESET pgface.detector_input_size;
SET pgface.detector_score_threshold = 0.85;
SELECT count(*) AS faces_above_085 FROM photos p, faces(p.photo) WHERE p.name = 'sample5.jpg';
RESET pgface.detector_score_threshold;
SET pgface.alignment = 'sideways';

-- A cancel or statement_timeout stops a long call between the nets' layers.
SET statement_timeout = '5ms';
SELECT count(*) FROM photos p, faces(p.photo) WHERE p.name = 'sample5.jpg';
RESET statement_timeout;
SELECT count(*) AS after_timeout FROM photos p, faces(p.photo) WHERE p.name = 'sample2.jpg';

-- A backend reuses the memory one photo freed for the next: after the first photo, each
-- embed of a 2.5-megapixel photo faults few pages in (4,200 a photo, a fifth of its time,
-- when malloc gave the heap back to the kernel after each one).
CREATE FUNCTION minor_faults() RETURNS bigint LANGUAGE sql AS $$
	SELECT split_part(regexp_replace(pg_read_file('/proc/self/stat'), '^.*\) ', ''), ' ', 8)::bigint
$$;
SELECT embed(photo) IS NOT NULL AS warmed_up FROM photos WHERE name = 'sample1.jpg';
SELECT minor_faults() AS faults_before \gset
SELECT count(embed(photo)) AS embedded FROM photos, generate_series(1, 4) WHERE name = 'sample1.jpg';
SELECT (minor_faults() - :faults_before) / 4 < 1000 AS under_1000_page_faults_a_photo;

-- OpenBLAS, which this session has opened for the dense layers, runs no thread of its own:
-- pgface asks it for one, and its threads would spin on the other cores after each call
-- (15 ms of CPU an embed). The decode thread may take a moment to exit after its hand-over.
CREATE FUNCTION backend_threads() RETURNS int LANGUAGE sql AS $$
	SELECT (regexp_match(pg_read_file('/proc/self/status'), 'Threads:\s+(\d+)'))[1]::int
$$;
SELECT count(*) FILTER (WHERE line LIKE '%libopenblas%') > 0 AS openblas_opened
FROM regexp_split_to_table(pg_read_file('/proc/self/maps'), E'\n') AS line;
DO $$
BEGIN
	FOR i IN 1..200 LOOP
		EXIT WHEN backend_threads() = 1;
		PERFORM pg_sleep(0.01);
	END LOOP;
END $$;
SELECT backend_threads() AS threads_after_embeds;

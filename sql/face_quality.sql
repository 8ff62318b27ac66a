-- face_quality(photo): the quality of the face embed() uses; faces() has the same columns
-- for every face; face_quality_check(photo, ...) refuses a poor enrolment photo by name.
-- test/make_photos.sh made the degraded copies of one face (degraded/) at test time.
\getenv photo_dir PGFACE_TEST_CHIPS
CREATE TABLE q_photos AS
SELECT name, pg_read_binary_file(:'photo_dir' || '/' || name) AS photo
FROM unnest(ARRAY['variants/original.jpg', 'variants/mirrored.png', 'degraded/blurred.png',
	'degraded/small.png', 'degraded/dark.png', 'degraded/compressed.jpg', 'sample1.jpg']) AS name;
CREATE TABLE q AS SELECT name, (face_quality(photo)).* FROM q_photos;

-- Every measure is there and in its range.
SELECT name, score > 0 AND score < 1 AS score_in_range, eye_distance > 10 AS eyes_apart,
	abs(yaw) < 90 AND abs(pitch) < 90 AND abs(roll) <= 180 AS pose_in_range,
	sharpness > 0 AS sharp, brightness BETWEEN 0 AND 255 AS lit, contrast > 0 AS contrasted,
	blockiness >= 1 AS blocks_measured, detector_score BETWEEN 0.5 AND 1 AS detected
FROM q ORDER BY name;

-- The mirror image turns the head the other way: yaw and roll change sign, pitch stays.
SELECT sign(o.yaw) = -sign(m.yaw) AND abs(o.yaw + m.yaw) < 8 AS yaw_mirrored,
	sign(o.roll) = -sign(m.roll) AND abs(o.roll + m.roll) < 5 AS roll_mirrored,
	abs(o.pitch - m.pitch) < 8 AS pitch_kept,
	abs(o.eye_distance - m.eye_distance) < 2 AS same_size
FROM q o, q m WHERE o.name = 'variants/original.jpg' AND m.name = 'variants/mirrored.png';

-- Each degradation worsens the measure it should, and lowers the combined score.
SELECT d.name,
	CASE d.name WHEN 'degraded/blurred.png' THEN d.sharpness < 0.5 * o.sharpness
		WHEN 'degraded/small.png' THEN d.eye_distance < 0.4 * o.eye_distance
		WHEN 'degraded/dark.png' THEN d.brightness < 0.4 * o.brightness
		WHEN 'degraded/compressed.jpg' THEN d.blockiness > 2 * o.blockiness END
		AS its_measure_worse,
	d.score < o.score AS scores_lower
FROM q d, q o WHERE d.name LIKE 'degraded/%' AND o.name = 'variants/original.jpg' ORDER BY d.name;

-- faces() gives every face the same measures; embed()'s face of a portrait is its first.
SELECT count(*) AS faces, count(quality) AS with_quality,
	bool_and(quality > 0 AND quality < 1) AS quality_in_range
FROM q_photos p, faces(p.photo) f WHERE p.name = 'sample1.jpg';
SELECT abs(f.eye_distance - q.eye_distance) < 0.05 * q.eye_distance AS same_face_measured
FROM q_photos p, faces(p.photo) f, q WHERE p.name = 'variants/original.jpg' AND f.face = 1
	AND q.name = p.name;

-- No face: the error embed() gives.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/sqlstate_of.sql
SELECT sqlstate_of($$SELECT face_quality(pg_read_binary_file('$$ || :'photo_dir' || $$/no_face.png'))$$) AS no_face,
	sqlstate_of($$SELECT face_quality('\x00'::bytea)$$) AS not_an_image,
	face_quality(NULL) IS NULL AS null_photo;

-- Enrolment that checks: a CHECK constraint refuses a poor photo with 23514 and says
-- what is wrong (the numbers masked, since they are measured).
CREATE TABLE quality_checked (
	name text PRIMARY KEY,
	photo bytea NOT NULL CHECK (face_quality_check(photo, min_eye_distance => 40)),
	emb face_embedding GENERATED ALWAYS AS (embed(photo)) STORED);
CREATE FUNCTION enrol(who text, file text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO quality_checked (name, photo) SELECT who, photo FROM q_photos WHERE name = file;
	RETURN 'enrolled';
EXCEPTION WHEN check_violation THEN
	RETURN SQLSTATE || ': ' || regexp_replace(SQLERRM, '[0-9]+(\.[0-9]+)?', 'N', 'g');
END $$;
SELECT enrol('original', 'variants/original.jpg') AS original,
	enrol('small', 'degraded/small.png') AS small;
SELECT name, face_model(emb) FROM quality_checked;
-- Each limit names its own problem; NULL skips a check.
CREATE FUNCTION refusal(call text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE call;
	RETURN 'accepted';
EXCEPTION WHEN check_violation THEN
	RETURN regexp_replace(SQLERRM, '[0-9]+(\.[0-9]+)?', 'N', 'g');
END $$;
SELECT refusal($$SELECT face_quality_check(photo, max_yaw => 10) FROM q_photos WHERE name = 'variants/original.jpg'$$) AS turned,
	refusal($$SELECT face_quality_check(photo, max_pitch => 5) FROM q_photos WHERE name = 'variants/original.jpg'$$) AS tilted,
	refusal($$SELECT face_quality_check(photo, min_sharpness => 0.15) FROM q_photos WHERE name = 'degraded/blurred.png'$$) AS blurred,
	refusal($$SELECT face_quality_check(photo, min_brightness => 60) FROM q_photos WHERE name = 'degraded/dark.png'$$) AS dark,
	refusal($$SELECT face_quality_check(photo, max_blockiness => 2) FROM q_photos WHERE name = 'degraded/compressed.jpg'$$) AS compressed,
	refusal($$SELECT face_quality_check(photo, min_score => 0.999999) FROM q_photos WHERE name = 'variants/original.jpg'$$) AS low_score;
SELECT face_quality_check(photo, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) AS nothing_checked,
	face_quality_check(NULL) IS NULL AS null_passes
FROM q_photos WHERE name = 'degraded/small.png';

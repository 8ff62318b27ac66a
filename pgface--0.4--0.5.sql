-- pgface 0.4 -> 0.5: face quality. faces() gains the quality of every face, face_quality()
-- gives the quality of the face embed() uses, and face_quality_check() refuses a poor
-- enrolment photo with an error that says what is wrong with it (doc/quality.md).
\echo Use "ALTER EXTENSION pgface UPDATE TO '0.5'" to load this file. \quit

-- Its row type changes, so faces() is replaced; 0.4's definition keeps working with the
-- new library until this runs (the library fills the columns that are declared).
DROP FUNCTION faces(bytea);
CREATE FUNCTION faces(photo bytea,
	OUT face integer, OUT score double precision,
	OUT x double precision, OUT y double precision,
	OUT width double precision, OUT height double precision,
	OUT landmarks point[], OUT embedding face_embedding,
	OUT quality double precision, OUT eye_distance double precision,
	OUT yaw double precision, OUT pitch double precision, OUT roll double precision,
	OUT sharpness double precision, OUT brightness double precision,
	OUT contrast double precision, OUT blockiness double precision)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pgface_faces' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000000 ROWS 2;
COMMENT ON FUNCTION faces(bytea) IS
	'every face in a photo, best detection score first: box, 68 landmarks, embedding and quality; no row when there is none';

CREATE FUNCTION face_quality(photo bytea,
	OUT score double precision, OUT eye_distance double precision,
	OUT yaw double precision, OUT pitch double precision, OUT roll double precision,
	OUT sharpness double precision, OUT brightness double precision,
	OUT contrast double precision, OUT blockiness double precision,
	OUT detector_score double precision)
	AS 'MODULE_PATHNAME', 'pgface_quality_of_photo' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000000;
COMMENT ON FUNCTION face_quality(bytea) IS
	'the quality of the face embed() uses: score (0 to 1, the chance that two faces like it are compared right at tau 0.6), eye distance in pixels, yaw, pitch and roll in degrees, the chip''s sharpness, brightness and contrast, JPEG blockiness in the face''s box, and the detector''s score';

CREATE FUNCTION face_quality_check(photo bytea,
	min_eye_distance double precision DEFAULT 40,
	max_yaw double precision DEFAULT 45,
	max_pitch double precision DEFAULT 35,
	min_sharpness double precision DEFAULT NULL,
	min_brightness double precision DEFAULT 40,
	max_brightness double precision DEFAULT 230,
	max_blockiness double precision DEFAULT NULL,
	min_score double precision DEFAULT NULL)
	RETURNS boolean
	AS 'MODULE_PATHNAME', 'pgface_quality_check' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 1000000;
COMMENT ON FUNCTION face_quality_check(bytea, double precision, double precision, double precision, double precision, double precision, double precision, double precision, double precision) IS
	'true when the face embed() uses meets every limit given (NULL: not checked), else error 23514 naming what is wrong: for a CHECK constraint on an enrolment photo';

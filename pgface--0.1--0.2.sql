-- pgface 0.1 -> 0.2: pgface_info(), what a backend runs. Nothing else changes in SQL; the
-- library's other 0.2 changes (the decode thread, pgface.max_image_bytes) need none.
\echo Use "ALTER EXTENSION pgface UPDATE TO '0.2'" to load this file. \quit

CREATE FUNCTION pgface_info(OUT name text, OUT value text) RETURNS SETOF record
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE STRICT PARALLEL SAFE ROWS 8;
COMMENT ON FUNCTION pgface_info() IS
	'what this backend runs: the library version, the model directory and each model file''s checksum, the kernel set, the index key format';

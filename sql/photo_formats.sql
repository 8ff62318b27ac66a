-- Every format and orientation pgface reads gives the face of the JPEG it was made from
-- (test/make_formats.sh makes them at test time from one sample photo): within 0.1 for
-- the same pixels in another container (or in Adobe RGB with its profile, which pgface
-- does not apply), 0.2 for a lossy re-encode. Damaged copies of
-- each format fail with a documented SQLSTATE and leak nothing; a header claiming
-- 30000x30000 pixels is refused at once in each format.
\getenv photo_dir PGFACE_TEST_CHIPS
CREATE SCHEMA formats;
SET search_path = formats, public;
CREATE TABLE photo AS
SELECT name, pg_read_binary_file(:'photo_dir' || '/formats/' || name) AS bytes
FROM pg_ls_dir(:'photo_dir' || '/formats') AS name;
SELECT count(*) AS files, count(*) FILTER (WHERE name LIKE 'orient%') AS oriented,
	count(*) FILTER (WHERE name LIKE 'large-%') AS large,
	count(DISTINCT substring(name FROM '\.(\w+)$')) AS extensions
FROM photo;

CREATE TABLE embedded AS SELECT name, embed(bytes) AS emb FROM photo
WHERE name NOT LIKE 'refused-%' AND name NOT LIKE 'large-%' AND name NOT LIKE 'bomb-%';
SELECT e.name, b.bound, (e.emb <-> o.emb) < b.bound AS same_face
FROM embedded e, embedded o,
	LATERAL (SELECT CASE WHEN e.name LIKE 'lossy-%' OR e.name LIKE '%-lossy.%' THEN 0.2
		ELSE 0.1 END AS bound) b
WHERE o.name = 'original.jpg' AND e.name <> 'original.jpg'
ORDER BY e.name COLLATE "C";

-- The outcome of one embed: its SQLSTATE ('00000' when it worked), and its message.
CREATE FUNCTION try_embed(photo bytea, OUT state text, OUT message text)
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM embed(photo);
	state := '00000';
EXCEPTION WHEN OTHERS THEN
	state := SQLSTATE;
	message := SQLERRM;
END $$;

-- A scanner's TIFF is refused by name, with the list of what is read; valid files of a
-- kind no library here decodes are refused naming it: an RLE BMP, and the original JPEG
-- marked lossless (SOF3), hierarchical (SOF5) or 12-bit (its frame's precision byte).
SELECT name, (try_embed(bytes)).* FROM photo WHERE name LIKE 'refused-%'
UNION ALL
SELECT v.name, (try_embed(overlay(p.bytes PLACING v.patch
		FROM position('\xffc0'::bytea IN p.bytes) + v.at))).*
FROM photo p, (VALUES ('JPEG SOF3', '\xffc3'::bytea, 0), ('JPEG SOF5', '\xffc5', 0),
	('JPEG 12-bit', '\x0c', 4)) AS v(name, patch, at)
WHERE p.name = 'original.jpg'
ORDER BY name;

-- Damaged copies of each format: cut short at eight places (every one must fail: a decoder
-- that filled in the rest would answer about pixels that are not in the photo), or 64 bytes
-- overwritten with junk at eight places (it may still decode, or show no face: P0002).
SELECT setseed(0.3);
CREATE TABLE damaged AS
SELECT p.name, 'cut' AS damage, k, substring(p.bytes FROM 1 FOR length(p.bytes) * k / 9) AS bytes
FROM photo p, generate_series(1, 8) AS k
WHERE p.name IN ('lossy-webp.webp', 'lossless-webp.webp', 'lossy-animated.webp', 'lossy-heic.heic',
	'lossy-avif.avif', 'lossless-png16.png', 'lossless-interlaced.png', 'lossy-progressive.jpg',
	'lossy-cmyk.jpg', 'lossy-arithmetic.jpg')
UNION ALL
SELECT p.name, 'junk', k, overlay(p.bytes PLACING
		(SELECT string_agg(int2send((random() * 32767)::int2), ''::bytea) FROM generate_series(1, 32))
		FROM (length(p.bytes) * k / 9)::int)
FROM photo p, generate_series(1, 8) AS k
WHERE p.name IN ('lossy-webp.webp', 'lossless-webp.webp', 'lossy-animated.webp', 'lossy-heic.heic',
	'lossy-avif.avif', 'lossless-png16.png', 'lossless-interlaced.png', 'lossy-progressive.jpg',
	'lossy-cmyk.jpg', 'lossy-arithmetic.jpg');
CREATE TABLE damaged_outcomes AS SELECT name, damage, k, (try_embed(bytes)).* FROM damaged;
SELECT substring(name FROM '\.(\w+)$') AS format, count(*) AS copies,
	bool_and(state <> '00000') FILTER (WHERE damage = 'cut') AS every_cut_copy_fails,
	bool_and(state IN ('00000', 'P0002', '0A000', '22P03', '53200', '54000'))
		AS every_outcome_documented
FROM damaged_outcomes GROUP BY 1 ORDER BY 1;
SELECT 'still alive' AS backend;

-- Bombs: a header claiming 30000x30000 pixels. WebP: the VP8X canvas (24-bit sizes minus
-- one, little-endian, at byte 24). HEIC and AVIF: the primary image's ispe box, whose
-- width and height follow its type and version. Refused before a pixel is decoded.
CREATE TABLE bombs AS
SELECT 'WebP' AS format, overlay(bytes PLACING '\x2f75002f7500'::bytea FROM 25) AS bytes
FROM photo WHERE name = 'orient6-lossy.webp'
UNION ALL
SELECT upper(substring(name FROM '\.(\w+)$')), overlay(bytes PLACING '\x0000753000007530'::bytea
	FROM position('\x69737065'::bytea IN bytes) + 8)
FROM photo WHERE name IN ('lossy-heic.heic', 'lossy-avif.avif');
CREATE FUNCTION timed_embed(photo bytea, OUT state text, OUT message text, OUT ms float8)
LANGUAGE plpgsql AS $$
DECLARE
	started timestamptz := clock_timestamp();
BEGIN
	SELECT * INTO state, message FROM try_embed(photo);
	ms := extract(epoch FROM clock_timestamp() - started) * 1000;
END $$;
SELECT format, (timed_embed(bytes)).state, (timed_embed(bytes)).message,
	(timed_embed(bytes)).ms < 1000 AS under_a_second
FROM bombs ORDER BY format;

-- A HEIC whose ispe claims 64x64 while its HEVC stream codes 3072x3072 pixels is refused
-- from the stream's sequence parameters, before libheif decodes it (libheif 1.15 would
-- decode the whole stream first, whatever ispe said).
SET pgface.max_image_pixels = 4000000;
SELECT (timed_embed(b.bytes)).state,
	(timed_embed(b.bytes)).message LIKE '%HEVC stream codes 3072x3072%' AS judged_from_the_stream,
	(timed_embed(b.bytes)).ms < 1000 AS under_a_second
FROM (SELECT overlay(bytes PLACING '\x0000004000000040'::bytea
	FROM position('\x69737065'::bytea IN bytes) + 8) AS bytes
	FROM photo WHERE name = 'bomb-coded.heic') b;
RESET pgface.max_image_pixels;

-- Failing decodes in each format leak nothing: 600 decodes of the damaged copies that fail
-- to decode, per format (after 300 to warm up), in one backend. A leak of 8 kB a failure
-- would show (malloc's arenas make RSS move by a few MB either way; LeakSanitizer in the
-- decode fuzzers and valgrind in make stress see each byte).
CREATE FUNCTION rss_kb() RETURNS bigint LANGUAGE sql AS $$
	SELECT (regexp_match(pg_read_file('/proc/self/status'), 'VmRSS:\s+(\d+)'))[1]::bigint
$$;
CREATE FUNCTION fail_repeatedly(extension text, n int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	inputs bytea[] := (SELECT array_agg(d.bytes ORDER BY d.name, d.damage, d.k)
		FROM damaged d JOIN damaged_outcomes o USING (name, damage, k)
		WHERE d.name LIKE '%.' || extension AND o.state NOT IN ('00000', 'P0002'));
	failures int := 0;
BEGIN
	FOR i IN 1..n LOOP
		BEGIN
			PERFORM embed(inputs[1 + i % array_length(inputs, 1)]);
		EXCEPTION WHEN OTHERS THEN
			failures := failures + 1;
		END;
	END LOOP;
	RETURN failures;
END $$;
CREATE TABLE leak_checks (format text, failures int, grew_kb bigint);
DO $$
DECLARE
	extension text;
	before bigint;
	failures int;
BEGIN
	FOREACH extension IN ARRAY ARRAY['webp', 'heic', 'avif', 'png', 'jpg'] LOOP
		PERFORM fail_repeatedly(extension, 300);
		before := rss_kb();
		failures := fail_repeatedly(extension, 600);
		INSERT INTO leak_checks VALUES (extension, failures, rss_kb() - before);
	END LOOP;
END $$;
SELECT format, failures, grew_kb < 4096 AS rss_grew_under_4mb FROM leak_checks ORDER BY format;

-- A statement_timeout in the middle of each decoder's work on a 6.4-megapixel photo ends
-- the statement promptly (the decode runs on a thread of its own); one statement each,
-- since the timeout fires once per statement.
\i :photo_dir/cancel_lateness.sql
SET statement_timeout = 20;
SELECT cancel_lateness_ms(bytes, 20) < 250 AS jpeg_cancelled FROM photo WHERE name = 'large-jpeg.jpg';
SELECT cancel_lateness_ms(bytes, 20) < 250 AS png_cancelled FROM photo WHERE name = 'large-png.png';
SELECT cancel_lateness_ms(bytes, 20) < 250 AS webp_cancelled FROM photo WHERE name = 'large-webp.webp';
SELECT cancel_lateness_ms(bytes, 20) < 250 AS heic_cancelled FROM photo WHERE name = 'large-heic.heic';
SELECT cancel_lateness_ms(bytes, 20) < 250 AS avif_cancelled FROM photo WHERE name = 'large-avif.avif';
RESET statement_timeout;

-- This session has decoded HEIC and AVIF photos, so it has opened libheif, which pgface
-- opens only when a photo needs it (face_distance checks a session that never did).
SELECT count(*) FILTER (WHERE line LIKE '%libheif%') > 0 AS libheif_opened
FROM regexp_split_to_table(pg_read_file('/proc/self/maps'), E'\n') AS line;

-- The same in a fresh backend, whose first embed() also maps the model files and reads
-- them through for their checksum (which answers interrupts since issue 17; from a warm
-- page cache that read is quick, so this guards the whole first call, not the read alone).
\c
SET search_path = formats, public;
SET statement_timeout = 20;
SELECT cancel_lateness_ms(bytes, 20) < 250 AS fresh_backend_cancelled
FROM photo WHERE name = 'large-jpeg.jpg';
RESET statement_timeout;

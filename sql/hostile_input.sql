-- Hostile input: decompression bombs and oversized files are refused at once, broken
-- images get a documented SQLSTATE (never XX000), a statement_timeout stops the decode
-- of a very large photo promptly, and failing embeds leak nothing. test/run.sh makes the
-- large photo (test/stress/make_large_photo.c) next to the sample photos.
\getenv photo_dir PGFACE_TEST_CHIPS
-- A schema of its own: the other tests of this database have tables and functions of
-- the same names.
CREATE SCHEMA hostile;
SET search_path = hostile, public;
CREATE TABLE photos AS
SELECT name, pg_read_binary_file(:'photo_dir' || '/' || name) AS photo
FROM unnest(ARRAY['sample2.jpg', 'no_face.png', 'variants/converted.png', 'large_48mp.jpg']) AS name;

-- The outcome of one embed: its SQLSTATE ('00000' when it worked) and how long it took.
CREATE FUNCTION try_embed(photo bytea, OUT state text, OUT message text, OUT ms float8)
LANGUAGE plpgsql AS $$
DECLARE
	started timestamptz := clock_timestamp();
BEGIN
	PERFORM embed(photo);
	state := '00000';
	ms := extract(epoch FROM clock_timestamp() - started) * 1000;
EXCEPTION WHEN OTHERS THEN
	state := SQLSTATE;
	message := SQLERRM;
	ms := extract(epoch FROM clock_timestamp() - started) * 1000;
END $$;

-- Bombs: 1 MB files whose headers claim 30000x30000 pixels (900 megapixels), in every
-- format whose header states a size. Refused from the header, before any allocation.
-- (WebP, HEIC and AVIF bombs are in photo_formats.)
CREATE TABLE bombs AS
SELECT format, bytes || decode(repeat('00', 1000000 - length(bytes)), 'hex') AS photo
FROM (VALUES
	('PNG', decode('89504e470d0a1a0a0000000d49484452000075300000753008020000000000000000'
		|| '000f424049444154', 'hex')),
	('JPEG', decode('ffd8ffc0001108753075300301220002110103110100', 'hex')),
	('GIF', decode('474946383961307530758000', 'hex')),
	('BMP', decode('424d000000000000000036000000280000003075000030750000010018000000', 'hex'))
) AS b(format, bytes);
SELECT format, length(photo) AS bytes, (try_embed(photo)).state, (try_embed(photo)).message,
	(try_embed(photo)).ms < 1000 AS under_a_second
FROM bombs ORDER BY format;

-- The input size limit, checked before a byte is decoded.
SHOW pgface.max_image_bytes;
SET pgface.max_image_bytes = '512kB';
SELECT (try_embed(photo)).state, (try_embed(photo)).message FROM bombs WHERE format = 'PNG';
-- Out of range: 22023 (the message's range has units from PostgreSQL 16 on).
\set VERBOSITY sqlstate
SET pgface.max_image_bytes = 0;
SET pgface.max_image_bytes = '2GB';
\set VERBOSITY default
RESET pgface.max_image_bytes;

-- Damaged copies of a JPEG and a PNG (cut short, or overwritten with junk in 8 places):
-- each either embeds or fails with one of the documented SQLSTATEs.
SELECT setseed(0.7);
CREATE TABLE damaged AS
SELECT p.name, 'cut at ' || cut AS damage, substring(p.photo FROM 1 FOR cut) AS photo
FROM photos p, generate_series(100, 180000, 17977) AS cut
WHERE p.name IN ('sample2.jpg', 'variants/converted.png') AND cut < length(p.photo)
UNION ALL
SELECT p.name, 'junk at ' || at, overlay(p.photo PLACING
		(SELECT string_agg(int2send((random() * 32767)::int2), ''::bytea) FROM generate_series(1, 64))
		FROM at)
FROM photos p, generate_series(20, 160020, 20000) AS at
WHERE p.name IN ('sample2.jpg', 'variants/converted.png') AND at < length(p.photo);
CREATE TABLE damaged_outcomes AS SELECT name, damage, (try_embed(photo)).* FROM damaged;
SELECT count(*) AS damaged_copies,
	bool_and(state IN ('00000', '02000', '0A000', '22023', '22P03', '53200', '54000'))
		AS every_outcome_documented
FROM damaged_outcomes;
SELECT 'still alive' AS backend;

-- A Softimage PIC cut short after its header (111 bytes), and one with a bad packet type:
-- stb 2.27 crashed the backend on both (issue 17). PIC is compiled out, so both are refused.
SELECT kind, (try_embed(photo)).state, (try_embed(photo)).message
FROM (VALUES
	('PIC cut short', decode('5380f634' || repeat('00', 84) || '50494354000400040000000000000000'
		|| '000800e0102030', 'hex')),
	('PIC bad packet type', decode('5380f634' || repeat('00', 84) || '50494354000400040000000000000000'
		|| '000807e0' || repeat('10', 64), 'hex'))
) AS pic(kind, photo);
SELECT 'still alive' AS backend;

-- A statement_timeout in the middle of decoding a 48-megapixel photo (about a quarter of a
-- second of libjpeg-turbo's work, which has no point where it could stop) ends the
-- statement promptly: the decode runs on a thread of its own while the backend keeps
-- answering interrupts. 50 ms lies inside the decode: at 300 ms the whole embed had come
-- to finish first on a fast machine (NULL: nothing was cancelled).
\i :photo_dir/cancel_lateness.sql
SET statement_timeout = 50;
SELECT cancel_lateness_ms(photo, 50) < 250 AS cancelled_within_250ms
FROM photos WHERE name = 'large_48mp.jpg';
RESET statement_timeout;
-- The same photo, uninterrupted, embeds; and the session goes on as before.
SELECT embed(photo) <-> (SELECT embed(photo) FROM photos WHERE name = 'sample2.jpg') < 0.35
	AS same_face_as_the_small_copy
FROM photos WHERE name = 'large_48mp.jpg';

-- Failing embeds leak nothing: 1,000 of them (empty, random, a bare JPEG header, a PNG
-- cut short, a PNG with junk in its data, a photo without a face) in one backend.
CREATE FUNCTION rss_kb() RETURNS bigint LANGUAGE sql AS $$
	SELECT (regexp_match(pg_read_file('/proc/self/status'), 'VmRSS:\s+(\d+)'))[1]::bigint
$$;
\i :photo_dir/failing_embeds.sql
SELECT failing_embeds(200) AS warm_up_failures;
SELECT rss_kb() AS before_kb \gset
SELECT failing_embeds(1000) AS failures;
SELECT rss_kb() - :before_kb < 2048 AS rss_grew_under_2mb;

-- What a role without superuser can do: embed the bytes it passes, and tune detection; not
-- point pgface at other files, nor lift the limits (ALTER ROLE ... SET can, for a DBA).
CREATE ROLE regress_pgface_app;
GRANT USAGE ON SCHEMA hostile TO regress_pgface_app;
GRANT SELECT ON photos TO regress_pgface_app;
SET ROLE regress_pgface_app;
SET pgface.model_dir = '/etc';
SET pgface.max_image_pixels = 1000000000;
SET pgface.max_image_bytes = '1GB';
SET pgface.detector_input_size = 320;
SELECT embed(photo) IS NOT NULL AS embedded FROM photos WHERE name = 'sample2.jpg';
SELECT pg_read_binary_file(:'photo_dir' || '/sample2.jpg') IS NOT NULL;
RESET ROLE;
SHOW pgface.max_image_pixels;
DROP OWNED BY regress_pgface_app;
DROP ROLE regress_pgface_app;

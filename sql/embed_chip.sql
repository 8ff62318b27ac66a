-- embed(photo, detect => false): the whole image is the face chip. Checked against
-- face-api's own descriptors for chips cut from the sample photos of the npm package.
-- test/run.sh cuts the chips and sets these variables.
\getenv chip_dir PGFACE_TEST_CHIPS
\getenv golden_file PGFACE_TEST_GOLDEN
\getenv bad_models PGFACE_TEST_BAD_MODELS

CREATE TABLE golden (name text, reference face_embedding);
COPY golden FROM :'golden_file' WITH (FORMAT csv, DELIMITER E'\t', HEADER true);
CREATE TABLE chips AS
SELECT name, pg_read_binary_file(:'chip_dir' || '/' || name || '.png') AS photo FROM golden;

-- Every value within 2e-4 of face-api's, for chips of many sizes (one of them 150x150).
CREATE TABLE embedded AS SELECT name, embed(photo, detect => false) AS e FROM chips;
SELECT g.name,
	(SELECT max(abs(a - b)) FROM unnest(e.e::real[], g.reference::real[]) AS u(a, b)) <= 2e-4 AS matches_faceapi,
	face_model(e.e) AS model
FROM golden g JOIN embedded e USING (name)
ORDER BY g.name;

-- The same photo always gives the same bits.
SELECT count(*) AS chips,
	count(*) FILTER (WHERE face_embedding_send(embed(c.photo, false)) = face_embedding_send(e.e)) AS identical
FROM chips c JOIN embedded e USING (name);

-- Different faces are far apart; a face is at distance 0 from itself.
SELECT min(a.e <-> b.e) > 0.3 AS distinct_faces_apart FROM embedded a JOIN embedded b ON a.name < b.name;

-- Photos that are not images, or too large, fail with their own SQLSTATE.
CREATE FUNCTION try_embed(photo bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	PERFORM embed(photo, detect => false);
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT label, try_embed(photo) AS result FROM (VALUES
	('empty', ''::bytea),
	('not an image', convert_to('hello, this is text', 'UTF8')),
	('truncated PNG', (SELECT substring(photo FROM 1 FOR 2000) FROM chips WHERE name = 's2_face')),
	('PNG signature only', '\x89504e470d0a1a0a'::bytea)
) AS cases(label, photo);
SET pgface.max_image_pixels = 22499;
SELECT try_embed(photo) AS square150_over_limit FROM chips WHERE name = 's6_square150';
SET pgface.max_image_pixels = 22500;
SELECT try_embed(photo) AS square150_at_limit FROM chips WHERE name = 's6_square150';
RESET pgface.max_image_pixels;

-- A missing or damaged model file is reported, and fixing the setting recovers.
SET pgface.model_dir = '/nonexistent/pgface-models';
SELECT regexp_replace(try_embed(photo), '"[^"]*"', '"..."') AS missing_model FROM chips WHERE name = 's2_face';
SELECT :'bad_models' || '/truncated' AS truncated_dir \gset
SET pgface.model_dir = :'truncated_dir';
SELECT regexp_replace(regexp_replace(try_embed(photo), '"[^"]*"', '"..."'), '[0-9]{4,}', 'N', 'g') AS truncated_model FROM chips WHERE name = 's2_face';
SELECT :'bad_models' || '/flipped' AS flipped_dir \gset
SET pgface.model_dir = :'flipped_dir';
SELECT regexp_replace(try_embed(photo), '"[^"]*"', '"..."') AS corrupt_model FROM chips WHERE name = 's2_face';
RESET pgface.model_dir;
SELECT embed(photo, false) <-> (SELECT e FROM embedded WHERE name = 's2_face') AS recovered FROM chips WHERE name = 's2_face';

-- Only superusers may point the server at other model files.
CREATE ROLE pgface_plain_user;
SET ROLE pgface_plain_user;
SET pgface.model_dir = '/tmp';
RESET ROLE;
DROP ROLE pgface_plain_user;

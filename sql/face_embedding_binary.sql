-- The binary form: send and recv, through binary COPY, validated like text input.

-- The wire format: int16 dims, int16 model tag, then big-endian float4 values.
SELECT length(face_embedding_send(e)) AS bytes,
	encode(substring(face_embedding_send(e) from 1 for 12), 'hex') AS head
FROM (SELECT ('[0.5,-2,' || array_to_string(array_fill('0'::text, ARRAY[126]), ',') || ']')::face_embedding) AS t(e);

-- Binary COPY round trip, NULLs included.
SELECT setseed(0.7);
CREATE TABLE originals (id int, e face_embedding);
INSERT INTO originals
SELECT g, CASE WHEN g % 50 = 0 THEN NULL ELSE ARRAY(
	SELECT ((random() - 0.5) * 10 ^ (random() * 20 - 10))::real
	FROM generate_series(1, 128) WHERE g > 0)::face_embedding END
FROM generate_series(1, 500) AS g;
\copy originals TO 'results/face_embedding_binary.copy' (FORMAT binary)
CREATE TABLE copies (LIKE originals);
\copy copies FROM 'results/face_embedding_binary.copy' (FORMAT binary)
SELECT count(*) AS rows,
	count(*) FILTER (WHERE o.e IS NULL AND c.e IS NULL) AS nulls,
	count(*) FILTER (WHERE face_embedding_send(o.e) = face_embedding_send(c.e)) AS identical
FROM originals o JOIN copies c USING (id);

-- Hostile binary input: a bytea column copied out in binary holds raw bytes,
-- which face_embedding_recv then reads when copied into a face_embedding column.
CREATE TABLE raw (b bytea);
CREATE TABLE target (e face_embedding);
CREATE FUNCTION floats(n int, v real DEFAULT 0.5) RETURNS bytea LANGUAGE sql IMMUTABLE AS
	$$ SELECT string_agg(float4send(v), ''::bytea) FROM generate_series(1, n) $$;
CREATE FUNCTION header(dims int, tag int) RETURNS bytea LANGUAGE sql IMMUTABLE AS
	$$ SELECT int2send(dims::int2) || int2send(tag::int2) $$;
-- 'ok', or the SQLSTATE and message that binary COPY of these bytes raised.
CREATE FUNCTION try_recv(bytes bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	path text := current_setting('data_directory') || '/pgface_recv.copy';
BEGIN
	TRUNCATE raw;
	INSERT INTO raw VALUES (bytes);
	EXECUTE format('COPY raw TO %L (FORMAT binary)', path);
	EXECUTE format('COPY target FROM %L (FORMAT binary)', path);
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

SELECT label, try_recv(bytes) AS result FROM (VALUES
	('well formed', header(128, 1) || floats(128)),
	('two bytes', '\x0080'::bytea),
	('unknown model tag', header(128, 2) || floats(128)),
	('3 dims', header(3, 1) || floats(3)),
	('-1 dims (int16 0xffff)', '\xffff0001'::bytea || floats(128)),
	('values cut short', header(128, 1) || floats(127) || '\x0000'::bytea),
	('bytes left over', header(128, 1) || floats(129)),
	('NaN', header(128, 1) || floats(127) || float4send('NaN')),
	('-Infinity', header(128, 1) || float4send('-Infinity') || floats(127))
) AS cases(label, bytes);

-- Only the well-formed value got in, intact; the backend still answers.
SELECT count(*) AS rows, bool_and(e::real[] = array_fill(0.5::real, ARRAY[128])) AS values_match
FROM target;

-- The error a client sees.
TRUNCATE raw;
INSERT INTO raw VALUES (header(128, 7) || floats(128));
SELECT current_setting('data_directory') || '/pgface_recv.copy' AS recv_path \gset
COPY raw TO :'recv_path' (FORMAT binary);
COPY target FROM :'recv_path' (FORMAT binary);

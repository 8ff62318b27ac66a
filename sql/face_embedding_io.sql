-- The text form of face_embedding: strict input, exact output.

-- A literal of n copies of one value.
CREATE FUNCTION literal_of(n int, v text DEFAULT '0.5') RETURNS text
	LANGUAGE sql IMMUTABLE AS $$ SELECT '[' || array_to_string(array_fill(v, ARRAY[n]), ',') || ']' $$;
-- 'ok', or the SQLSTATE and (the start of) the message that reading the literal raised.
CREATE FUNCTION try_input(literal text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	PERFORM literal::face_embedding;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || left(SQLERRM, 72);
END $$;

-- A well-formed value, printed back in shortest form.
SELECT ('[' || string_agg((i * 0.01 - 0.64)::text, ',') || ']')::face_embedding AS e
FROM generate_series(0, 127) AS i;
SELECT literal_of(128)::face_embedding::text = literal_of(128) AS same_text,
	face_model(literal_of(128)::face_embedding) AS model,
	pg_column_size(literal_of(128)::face_embedding) AS bytes;

-- White space around brackets, commas and values is allowed.
SELECT try_input(E' \t[ ' || array_to_string(array_fill('1e-3'::text, ARRAY[128]), E' ,\n ') || ' ] ');
-- Plain notation from 1e-4 up to 1e9, scientific beyond; denormals and float4's extremes survive.
SELECT (regexp_match(('[100,-0,0.0001,0.00001,123456789,1e9,1.4e-45,3.4028235e38,-1.17549435e-38,'
	|| array_to_string(array_fill('0'::text, ARRAY[119]), ',') || ']')::face_embedding::text,
	'^\[([^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*),'))[1] AS first_nine;

-- Random vectors across float4's exponent range read back bit for bit, and
-- no value uses more significant digits than PostgreSQL's own float4 output
-- (sometimes fewer: a decimal halfway between two floats reads back by round-to-even).
SELECT setseed(0.42);
CREATE TABLE random_embeddings AS
SELECT g AS id, ARRAY(
	SELECT ((random() - 0.5) * 10 ^ (random() * 70 - 35))::real
	FROM generate_series(1, 128) WHERE g > 0) AS v
FROM generate_series(1, 1000) AS g;
SELECT count(*) AS vectors,
	count(*) FILTER (WHERE face_embedding_send(v::face_embedding::text::face_embedding)
		<> face_embedding_send(v::face_embedding)) AS changed_by_round_trip,
	count(*) FILTER (WHERE v::face_embedding::real[] <> v) AS changed_by_cast
FROM random_embeddings;
-- Significant digits of a rendering: leading and trailing zeros do not count.
CREATE FUNCTION significant_digits(t text) RETURNS int LANGUAGE sql IMMUTABLE AS $$
	SELECT greatest(1, length(trim(both '0' from regexp_replace(split_part(lower(t), 'e', 1), '[^0-9]', '', 'g'))))
$$;
WITH ours AS (
	SELECT id, ord, token
	FROM random_embeddings,
		unnest(string_to_array(btrim(v::face_embedding::text, '[]'), ',')) WITH ORDINALITY AS t(token, ord)
), postgres AS (
	SELECT id, ord, value
	FROM random_embeddings, unnest(v) WITH ORDINALITY AS t(value, ord)
)
SELECT count(*) AS values_checked,
	count(*) FILTER (WHERE token::real <> value) AS wrong_value,
	count(*) FILTER (WHERE significant_digits(token) > significant_digits(value::text)) AS longer_than_postgres
FROM ours JOIN postgres USING (id, ord);

-- Every malformed literal fails with its own SQLSTATE.
SELECT label, try_input(literal) AS result FROM (VALUES
	('empty string', ''),
	('only white space', '   '),
	('no brackets', btrim(literal_of(128), '[]')),
	('braces instead of brackets', '{' || btrim(literal_of(128), '[]') || '}'),
	('junk before', 'x' || literal_of(128)),
	('junk after', literal_of(128) || 'x'),
	('second list after', literal_of(128) || '[1]'),
	('unterminated', rtrim(literal_of(128), ']')),
	('junk inside', replace(literal_of(128), '0.5,0.5]', '0.5,abc]')),
	('junk glued to a value', replace(literal_of(128), '0.5,0.5]', '0.5,0.5x]')),
	('empty element', replace(literal_of(128), '0.5,0.5]', '0.5,,0.5]')),
	('trailing comma', replace(literal_of(128), ']', ',]')),
	('spaces instead of commas', replace(literal_of(128), ',', ' ')),
	('127 values', literal_of(127)),
	('129 values', literal_of(129)),
	('no values', '[]'),
	('100000 values', literal_of(100000)),
	('NaN', replace(literal_of(128), '[0.5', '[NaN')),
	('Infinity', replace(literal_of(128), '0.5]', 'Infinity]')),
	('-inf', replace(literal_of(128), '0.5]', '-inf]')),
	('overflow', replace(literal_of(128), '0.5]', '1e39]')),
	('negative overflow', replace(literal_of(128), '[0.5', '[-3.5e38')),
	('underflow', replace(literal_of(128), '0.5]', '1e-50]'))
) AS cases(label, literal);

-- The error a client sees, with its detail and hint; the backend then answers the next query.
SELECT '[1,2,3]'::face_embedding;
SELECT replace(literal_of(128), '0.5,0.5]', '0.5,abc]')::face_embedding;
SELECT replace(literal_of(128), '[0.5', '[1e39')::face_embedding;
SELECT replace(literal_of(128), '0.5]', 'NaN]')::face_embedding;
SELECT ''::face_embedding;
SELECT 'still alive' AS backend;

-- NULL stays NULL.
SELECT NULL::face_embedding IS NULL AS is_null;
-- A model named in the text form must be registered; the hint lists those that are.
SELECT 'no_such_model:[1,2]'::face_embedding;

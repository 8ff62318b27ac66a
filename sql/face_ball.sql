-- face_ball: text and binary forms, the constructor, the within operators and
-- face_within(), all agreeing with the distance itself, and their errors.
CREATE FUNCTION unit(i int, v real DEFAULT 1) RETURNS face_embedding LANGUAGE sql IMMUTABLE AS
	$$ SELECT array_agg(CASE WHEN d = i THEN v ELSE 0 END ORDER BY d)::real[]::face_embedding
	   FROM generate_series(1, 128) d $$;

-- Text round trip; the radius keeps float8's shortest exact form.
SELECT face_ball(unit(1), 0.45)::text = '<' || unit(1)::text || ',0.45>' AS text_form;
SELECT ('<' || unit(2)::text || ', 0.1 >')::face_ball = face_ball(unit(2), 0.1) AS spaces_allowed;
SELECT face_ball_radius(face_ball(unit(3), 0.6)) AS radius,
	face_ball_center(face_ball(unit(3), 0.6)) = unit(3) AS center_kept;

-- Binary round trip through COPY.
CREATE TABLE balls (id int, b face_ball);
INSERT INTO balls VALUES (1, face_ball(unit(4, 0.25), 0.5)), (2, face_ball(unit(5), 'NaN')), (3, NULL);
\copy balls TO 'results/face_ball.copy' (FORMAT binary)
CREATE TABLE ball_copies (LIKE balls);
\copy ball_copies FROM 'results/face_ball.copy' (FORMAT binary)
SELECT id, balls.b::text = c.b::text AS identical, c.b IS NULL AS is_null
FROM balls JOIN ball_copies c USING (id) ORDER BY id;

-- Within: exactly emb <-> center <= radius, under float8's rules for NaN and negatives.
SELECT r,
	unit(1) <@ face_ball(unit(2), r) AS in_ball,
	face_ball(unit(2), r) @> unit(1) AS ball_holds,
	face_within(unit(1), unit(2), r) AS within,
	(unit(1) <-> unit(2)) <= r AS by_distance
FROM unnest(ARRAY[-1, 0, 1.414, 1.4143, sqrt(2), 2, 'NaN', 'Infinity']::float8[]) AS r;

-- Mistakes in the text form.
SELECT 'nonsense'::face_ball;
SELECT ('<' || unit(1)::text || '>')::face_ball;
SELECT ('<' || unit(1)::text || ',0.5')::face_ball;
SELECT ('<' || unit(1)::text || ',0.5> x')::face_ball;
SELECT ('<' || unit(1)::text || ',abc>')::face_ball;
SELECT '<[1,2,3],0.5>'::face_ball;

-- The index's storage type is not for typing in.
SELECT 'x'::face_gist_key;

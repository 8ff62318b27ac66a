-- The failing embeds of the leak checks, shared by sql/hostile_input.sql (1,000 of them)
-- and test/stress/run.sh (10,000): empty input, random bytes, a bare JPEG header, a PNG cut
-- short, a PNG with junk in its data, and every 50th a photo without a face. Needs a table
-- photos(name, photo) holding sample2.jpg, a *converted.png and no_face.png.
CREATE TABLE failing AS
SELECT array_agg(photo ORDER BY k) AS inputs FROM (VALUES
	(1, ''::bytea),
	(2, (SELECT string_agg(int2send((random() * 32767)::int2), ''::bytea) FROM generate_series(1, 5000))),
	(3, (SELECT substring(photo FROM 1 FOR 600) FROM photos WHERE name = 'sample2.jpg')),
	(4, (SELECT substring(photo FROM 1 FOR 20000) FROM photos WHERE name LIKE '%converted.png')),
	(5, (SELECT overlay(photo PLACING decode(repeat('ff', 4000), 'hex') FROM 200)
		FROM photos WHERE name LIKE '%converted.png'))
) AS f(k, photo);
CREATE FUNCTION failing_embeds(n int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	inputs bytea[] := (SELECT f.inputs FROM failing f);
	no_face bytea := (SELECT photo FROM photos WHERE name = 'no_face.png');
	failures int := 0;
BEGIN
	FOR i IN 1..n LOOP
		BEGIN
			IF i % 50 = 0 THEN
				PERFORM embed(no_face);
			ELSE
				PERFORM embed(inputs[1 + i % array_length(inputs, 1)]);
			END IF;
		EXCEPTION WHEN OTHERS THEN
			failures := failures + 1;
		END;
	END LOOP;
	RETURN failures;
END $$;

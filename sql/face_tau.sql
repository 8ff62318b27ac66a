-- face_tau(far, gallery): the threshold at which a stranger is accepted with
-- probability far by a gallery of that many enrolled faces.

-- One face is 1:1 verification: LFW's 1% impostor quantile, near the model's 0.6.
SELECT face_tau(0.01) BETWEEN 0.6 AND 0.63 AS verification_tau_near_0_6,
	face_tau(0.01) = face_tau(0.01, 1) AS gallery_defaults_to_one;

-- The bigger the gallery, the smaller tau must be; a stricter far also shrinks it.
SELECT g AS gallery,
	face_tau(0.01, g) < face_tau(0.01, g / 10) AS smaller_than_for_a_tenth,
	face_tau(0.001, g) < face_tau(0.01, g) AS stricter_far_is_smaller,
	face_tau(0.01, g) > 0 AS positive
FROM unnest(ARRAY[10, 100, 1000, 10000, 100000, 1000000, 10000000]::bigint[]) AS g;

-- Look-alikes: a stranger who resembles one enrolled face tends to resemble
-- others, so a gallery accepts fewer strangers than independent comparisons
-- would, and tau may be larger than the independent one, which is the 1:1
-- quantile of the per-face share 1 - (1 - far)^(1/N). On LFW's 1,680-person
-- open-set gallery at 5%: about 0.456 against 0.433.
SELECT g AS gallery, far,
	face_tau(far, g) > face_tau(1 - (1 - far) ^ (1.0 / g), 1) AS larger_than_independent,
	round(face_tau(far, g)::numeric, 2) AS tau,
	round(face_tau(1 - (1 - far) ^ (1.0 / g), 1)::numeric, 2) AS independent_tau
FROM (VALUES (1680::bigint, 0.05::float8), (1000000, 0.01)) AS v(g, far);

-- The planner's estimate for a threshold reads the same impostor distribution:
-- at face_tau(far) (one face), far of a table's rows are expected to match.
CREATE TABLE gallery AS
SELECT array_fill(((i % 7) / 100.0)::real, ARRAY[128])::face_embedding AS emb
FROM generate_series(1, 1000) AS i;
ANALYZE gallery;
CREATE FUNCTION planned_rows(query text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE plan json;
BEGIN
	EXECUTE 'EXPLAIN (FORMAT json) ' || query INTO plan;
	RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
END $$;
SELECT far, planned_rows(format('SELECT * FROM gallery WHERE face_within(emb, %L, face_tau(%s))',
		array_fill(0.02::real, ARRAY[128])::face_embedding, far)) AS estimated_of_1000
FROM unnest(ARRAY[0.01, 0.2, 0.5]) AS far;

-- Out of range or NaN arguments are errors with a hint; NULL gives NULL.
CREATE FUNCTION try_tau(far float8, gallery bigint) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	RETURN round(face_tau(far, gallery)::numeric, 3)::text;
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT far, gallery, try_tau(far, gallery) AS result FROM (VALUES
	(0.0::float8, 10::bigint), (1.0, 10), (-0.1, 10), ('NaN', 10), ('Infinity', 10),
	(0.01, 0), (0.01, -5)) AS v(far, gallery);
SELECT face_tau(NULL, 10) IS NULL AS null_far, face_tau(0.01, NULL) IS NULL AS null_gallery;

DROP TABLE gallery;
DROP FUNCTION planned_rows(text);
DROP FUNCTION try_tau(float8, bigint);

-- pgface 0.3 -> 0.4: face_tau for the model of a given embedding. The recognition model is a
-- runtime descriptor now (pgface.model chooses the one embed() runs), so the threshold can
-- follow the probe's model instead of assuming the default one.
\echo Use "ALTER EXTENSION pgface UPDATE TO '0.4'" to load this file. \quit

CREATE FUNCTION face_tau(far double precision, gallery bigint, probe face_embedding)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'face_tau_for_probe' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION face_tau(double precision, bigint, face_embedding) IS
	'face_tau(far, gallery) for the model that made probe: the tau at which a stranger is accepted with probability far by a gallery of that many faces';

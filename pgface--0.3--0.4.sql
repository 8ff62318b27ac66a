-- pgface 0.3 -> 0.4: face_tau for the model of a given embedding, and face_identify. The
-- recognition model is a runtime descriptor now (pgface.model chooses the one embed() runs),
-- so the thresholds follow the probe's model instead of assuming the default one.
\echo Use "ALTER EXTENSION pgface UPDATE TO '0.4'" to load this file. \quit

CREATE FUNCTION face_tau(far double precision, gallery bigint, probe face_embedding)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'face_tau_for_probe' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION face_tau(double precision, bigint, face_embedding) IS
	'face_tau(far, gallery) for the model that made probe: the tau at which a stranger is accepted with probability far by a gallery of that many faces';

-- Open-set identification in one call: who the probe is among a table's labelled faces, or
-- nobody (label NULL), at stranger-acceptance rate far (doc/identification.md).
CREATE FUNCTION face_identify(probe face_embedding, gallery regclass,
	embedding_column name DEFAULT 'emb', label_column name DEFAULT 'name',
	far double precision DEFAULT 0.01, people bigint DEFAULT NULL,
	OUT label text, OUT distance double precision, OUT score double precision,
	OUT threshold double precision)
	AS 'MODULE_PATHNAME', 'face_identify' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION face_identify(face_embedding, regclass, name, name, double precision, bigint) IS
	'who probe is among gallery''s faces, or nobody (label NULL): the nearest person when their distance over the geometric mean of the next three people''s is below the threshold that accepts a share far of strangers among people enrolled persons (default: the label column''s distinct values, as ANALYZE estimated them)';

-- pgface 0.2 -> 0.3: the face_va index access method, a flat vector-approximation file
-- for exact identification at scale. Existing GiST indexes are untouched.
\echo Use "ALTER EXTENSION pgface UPDATE TO '0.3'" to load this file. \quit

CREATE FUNCTION face_va_handler(internal) RETURNS index_am_handler
	AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
COMMENT ON FUNCTION face_va_handler(internal) IS 'the face_va index access method''s handler';

CREATE ACCESS METHOD face_va TYPE INDEX HANDLER face_va_handler;
COMMENT ON ACCESS METHOD face_va IS
	'exact face search by a flat file of quantised codes (a VA-file): every scan reads every code, the table confirms each candidate';

CREATE OPERATOR CLASS face_embedding_ops
	DEFAULT FOR TYPE face_embedding USING face_va AS
	OPERATOR 1 <@ (face_embedding, face_ball),
	OPERATOR 15 <-> (face_embedding, face_embedding) FOR ORDER BY float_ops;
COMMENT ON OPERATOR CLASS face_embedding_ops USING face_va IS
	'exact nearest-neighbour (ORDER BY emb <-> probe) and threshold (emb <@ face_ball, face_within, emb <-> probe < tau) search';

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

-- Equality and a total order, so that DISTINCT, GROUP BY, UNION, = and btree indexes work
-- on embeddings. Equal: the same model and the same values. The order means nothing about
-- faces (<-> does): by model, then value by value.
CREATE FUNCTION face_embedding_eq(face_embedding, face_embedding) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_embedding_ne(face_embedding, face_embedding) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_embedding_lt(face_embedding, face_embedding) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_embedding_le(face_embedding, face_embedding) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_embedding_gt(face_embedding, face_embedding) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_embedding_ge(face_embedding, face_embedding) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_embedding_cmp(face_embedding, face_embedding) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION face_embedding_cmp(face_embedding, face_embedding) IS
	'-1, 0 or 1: the btree order of embeddings (by model, then value by value), not a likeness';

CREATE OPERATOR = (
	LEFTARG = face_embedding, RIGHTARG = face_embedding, FUNCTION = face_embedding_eq,
	COMMUTATOR = '=', NEGATOR = '<>', RESTRICT = eqsel, JOIN = eqjoinsel, MERGES
);
COMMENT ON OPERATOR = (face_embedding, face_embedding) IS
	'the same model and the same values (not the same person: that is <->)';
CREATE OPERATOR <> (
	LEFTARG = face_embedding, RIGHTARG = face_embedding, FUNCTION = face_embedding_ne,
	COMMUTATOR = '<>', NEGATOR = '=', RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR < (
	LEFTARG = face_embedding, RIGHTARG = face_embedding, FUNCTION = face_embedding_lt,
	COMMUTATOR = '>', NEGATOR = '>=', RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR <= (
	LEFTARG = face_embedding, RIGHTARG = face_embedding, FUNCTION = face_embedding_le,
	COMMUTATOR = '>=', NEGATOR = '>', RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR > (
	LEFTARG = face_embedding, RIGHTARG = face_embedding, FUNCTION = face_embedding_gt,
	COMMUTATOR = '<', NEGATOR = '<=', RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR >= (
	LEFTARG = face_embedding, RIGHTARG = face_embedding, FUNCTION = face_embedding_ge,
	COMMUTATOR = '<=', NEGATOR = '<', RESTRICT = scalargesel, JOIN = scalargejoinsel
);

CREATE OPERATOR CLASS face_embedding_ops
	DEFAULT FOR TYPE face_embedding USING btree AS
	OPERATOR 1 <,
	OPERATOR 2 <=,
	OPERATOR 3 =,
	OPERATOR 4 >=,
	OPERATOR 5 >,
	FUNCTION 1 face_embedding_cmp(face_embedding, face_embedding);
COMMENT ON OPERATOR CLASS face_embedding_ops USING btree IS
	'equality and a total order for DISTINCT, GROUP BY, UNION and unique constraints; not for finding faces';

-- embed() and faces() call the library's prefixed symbols (PostgreSQL loads modules
-- RTLD_GLOBAL, where a bare "embed" could collide with another library's); catalogs made
-- by 0.1 and 0.2 name the bare ones, which 0.3's library no longer exports.
CREATE OR REPLACE FUNCTION embed(photo bytea, detect boolean DEFAULT true) RETURNS face_embedding
	AS 'MODULE_PATHNAME', 'pgface_embed' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000000;
CREATE OR REPLACE FUNCTION faces(photo bytea,
	OUT face integer, OUT score double precision,
	OUT x double precision, OUT y double precision,
	OUT width double precision, OUT height double precision,
	OUT landmarks point[], OUT embedding face_embedding)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pgface_faces' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000000 ROWS 2;

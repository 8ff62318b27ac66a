-- pgface 0.1: the face_embedding type, its casts and the Euclidean distance.
\echo Use "CREATE EXTENSION pgface" to load this file. \quit

CREATE TYPE face_embedding;

CREATE FUNCTION face_embedding_in(cstring, oid, integer) RETURNS face_embedding
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_embedding_out(face_embedding) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_embedding_recv(internal, oid, integer) RETURNS face_embedding
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_embedding_send(face_embedding) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE face_embedding (
	INPUT = face_embedding_in,
	OUTPUT = face_embedding_out,
	RECEIVE = face_embedding_recv,
	SEND = face_embedding_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = external
);

COMMENT ON TYPE face_embedding IS
	'a face embedding: 128 float4 values and the model that made them; text form [v1,...,v128]';
COMMENT ON FUNCTION face_embedding_in(cstring, oid, integer) IS
	'reads the text form [v1,...,v128] strictly (default model)';
COMMENT ON FUNCTION face_embedding_out(face_embedding) IS
	'writes the text form, each value in its shortest exact decimal';
COMMENT ON FUNCTION face_embedding_recv(internal, oid, integer) IS
	'reads the binary form: int16 dims, int16 model tag, float4 values';
COMMENT ON FUNCTION face_embedding_send(face_embedding) IS
	'writes the binary form: int16 dims, int16 model tag, float4 values';

CREATE FUNCTION face_model(face_embedding) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION face_model(face_embedding) IS
	'name of the recognition model that made the embedding';

-- Casts to and from real[]
CREATE FUNCTION face_embedding(real[]) RETURNS face_embedding
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION face_embedding(real[]) IS
	'face_embedding of the default model from 128 finite, non-NULL values';
CREATE FUNCTION face_embedding_to_real_array(face_embedding) RETURNS real[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION face_embedding_to_real_array(face_embedding) IS
	'the embedding''s values as real[]';

CREATE CAST (real[] AS face_embedding)
	WITH FUNCTION face_embedding(real[]) AS ASSIGNMENT;
COMMENT ON CAST (real[] AS face_embedding) IS
	'128 finite, non-NULL values; read as the default model';
CREATE CAST (face_embedding AS real[])
	WITH FUNCTION face_embedding_to_real_array(face_embedding) AS ASSIGNMENT;
COMMENT ON CAST (face_embedding AS real[]) IS
	'the embedding''s values, in order';

-- Distance
CREATE FUNCTION face_distance(face_embedding, face_embedding) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION face_distance(face_embedding, face_embedding) IS
	'Euclidean distance; same person when at most about 0.6 (1:1 verification)';

CREATE OPERATOR <-> (
	LEFTARG = face_embedding,
	RIGHTARG = face_embedding,
	FUNCTION = face_distance,
	COMMUTATOR = '<->'
);
COMMENT ON OPERATOR <-> (face_embedding, face_embedding) IS
	'Euclidean distance between two face embeddings';

-- Embedding photos
-- COST: one embed takes tens to hundreds of milliseconds, as much as reading thousands of
-- pages; saying so lets the planner run bulk enrolment in parallel workers and
-- evaluate embed() after cheaper conditions.
CREATE FUNCTION embed(photo bytea, detect boolean DEFAULT true) RETURNS face_embedding
	AS 'MODULE_PATHNAME', 'pgface_embed' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000000;
COMMENT ON FUNCTION embed(bytea, boolean) IS
	'embedding of the most prominent face in a photo (the best-scoring face over its centre, else the best-scoring face), averaged with its mirror image; detect => false takes the whole image as the face chip';

CREATE FUNCTION faces(photo bytea,
	OUT face integer, OUT score double precision,
	OUT x double precision, OUT y double precision,
	OUT width double precision, OUT height double precision,
	OUT landmarks point[], OUT embedding face_embedding)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pgface_faces' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000000 ROWS 2;
COMMENT ON FUNCTION faces(bytea) IS
	'every face in a photo, best detection score first: box, 68 landmarks and embedding; no row when there is none';

-- Threshold search: a ball (probe, tau) and "embedding lies in the ball"
CREATE TYPE face_ball;
CREATE FUNCTION face_ball_in(cstring) RETURNS face_ball
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_ball_out(face_ball) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_ball_recv(internal) RETURNS face_ball
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_ball_send(face_ball) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE face_ball (
	INPUT = face_ball_in,
	OUTPUT = face_ball_out,
	RECEIVE = face_ball_recv,
	SEND = face_ball_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE face_ball IS
	'the embeddings within a radius of a probe; text form <[v1,...,v128],radius>';
COMMENT ON FUNCTION face_ball_in(cstring) IS 'reads the text form <[v1,...,v128],radius>';
COMMENT ON FUNCTION face_ball_out(face_ball) IS 'writes the text form <[v1,...,v128],radius>';
COMMENT ON FUNCTION face_ball_recv(internal) IS
	'reads the binary form: float8 radius, then the centre as face_embedding''s binary form';
COMMENT ON FUNCTION face_ball_send(face_ball) IS
	'writes the binary form: float8 radius, then the centre as face_embedding''s binary form';

CREATE FUNCTION face_ball(center face_embedding, radius double precision) RETURNS face_ball
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION face_ball(face_embedding, double precision) IS
	'the ball of embeddings within radius of center';
CREATE FUNCTION face_ball_radius(face_ball) RETURNS double precision
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION face_ball_radius(face_ball) IS 'the radius of a ball';
CREATE FUNCTION face_ball_center(face_ball) RETURNS face_embedding
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION face_ball_center(face_ball) IS 'the centre of a ball';

CREATE FUNCTION face_in_ball_selectivity(internal, oid, internal, integer) RETURNS double precision
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION face_in_ball_selectivity(internal, oid, internal, integer) IS
	'estimator for <@ and @>: the share of impostor pairs within the radius, measured on LFW';

CREATE FUNCTION face_embedding_in_ball(face_embedding, face_ball) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION face_embedding_in_ball(face_embedding, face_ball) IS
	'true when the embedding is within the ball''s radius of its centre';
CREATE FUNCTION face_ball_holds(face_ball, face_embedding) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION face_ball_holds(face_ball, face_embedding) IS
	'true when the embedding is within the ball''s radius of its centre';

CREATE OPERATOR <@ (
	LEFTARG = face_embedding,
	RIGHTARG = face_ball,
	FUNCTION = face_embedding_in_ball,
	COMMUTATOR = '@>',
	RESTRICT = face_in_ball_selectivity,
	JOIN = contjoinsel
);
COMMENT ON OPERATOR <@ (face_embedding, face_ball) IS
	'embedding lies in the ball: emb <@ face_ball(probe, tau) is emb <-> probe <= tau';
CREATE OPERATOR @> (
	LEFTARG = face_ball,
	RIGHTARG = face_embedding,
	FUNCTION = face_ball_holds,
	COMMUTATOR = '<@',
	RESTRICT = face_in_ball_selectivity,
	JOIN = contjoinsel
);
COMMENT ON OPERATOR @> (face_ball, face_embedding) IS
	'ball holds the embedding: face_ball(probe, tau) @> emb is emb <-> probe <= tau';

CREATE FUNCTION face_within_support(internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION face_within_support(internal) IS
	'planner support for face_within: GiST index condition and selectivity';
CREATE FUNCTION face_within(a face_embedding, b face_embedding, tau double precision)
	RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT face_within_support;
COMMENT ON FUNCTION face_within(face_embedding, face_embedding, double precision) IS
	'true when a <-> b <= tau; uses a GiST index on either argument';

-- The threshold for open-set identification
CREATE FUNCTION face_tau(far double precision, gallery bigint DEFAULT 1)
	RETURNS double precision
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION face_tau(double precision, bigint) IS
	'the tau at which a stranger is accepted with probability far by a gallery of that many faces, from the model''s impostor distances';

-- The GiST operator class: exact KNN (ORDER BY emb <-> probe) and threshold search
CREATE TYPE face_gist_key;
CREATE FUNCTION face_gist_key_in(cstring) RETURNS face_gist_key
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_gist_key_out(face_gist_key) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE face_gist_key (
	INPUT = face_gist_key_in,
	OUTPUT = face_gist_key_out,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = plain
);
COMMENT ON TYPE face_gist_key IS
	'what face_embedding_ops stores in a GiST index; not for use in tables';
COMMENT ON FUNCTION face_gist_key_in(cstring) IS 'refuses: face_gist_key has no text form';
COMMENT ON FUNCTION face_gist_key_out(face_gist_key) IS 'a summary of an index key, for debugging';

CREATE FUNCTION face_gist_consistent(internal, face_ball, smallint, oid, internal)
	RETURNS boolean AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_gist_distance(internal, face_embedding, smallint, oid, internal)
	RETURNS double precision AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_gist_compress(internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_gist_union(internal, internal) RETURNS face_gist_key
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_gist_penalty(internal, internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_gist_picksplit(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_gist_same(face_gist_key, face_gist_key, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION face_gist_sortsupport(internal) RETURNS void
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION face_gist_consistent(internal, face_ball, smallint, oid, internal) IS
	'GiST support: can a subtree hold embeddings in the ball';
COMMENT ON FUNCTION face_gist_distance(internal, face_embedding, smallint, oid, internal) IS
	'GiST support: lower bound on the distance to a subtree, exact at leaves';
COMMENT ON FUNCTION face_gist_compress(internal) IS
	'GiST support: an embedding and its quantised principal-axis coordinates as a leaf key';
COMMENT ON FUNCTION face_gist_union(internal, internal) IS
	'GiST support: the faces'' codes below a page, or the box around them';
COMMENT ON FUNCTION face_gist_penalty(internal, internal, internal) IS
	'GiST support: distance from a new face to its nearest summarised neighbour, or to a box';
COMMENT ON FUNCTION face_gist_picksplit(internal, internal) IS
	'GiST support: median split on the widest principal axis';
COMMENT ON FUNCTION face_gist_same(face_gist_key, face_gist_key, internal) IS
	'GiST support: key equality';
COMMENT ON FUNCTION face_gist_sortsupport(internal) IS
	'GiST support: the order of a sorted index build (Z-order on the first principal axes)';

CREATE OPERATOR CLASS face_embedding_ops
	DEFAULT FOR TYPE face_embedding USING gist AS
	OPERATOR 1 <@ (face_embedding, face_ball),
	OPERATOR 15 <-> (face_embedding, face_embedding) FOR ORDER BY float_ops,
	FUNCTION 1 face_gist_consistent(internal, face_ball, smallint, oid, internal),
	FUNCTION 2 face_gist_union(internal, internal),
	FUNCTION 3 face_gist_compress(internal),
	FUNCTION 5 face_gist_penalty(internal, internal, internal),
	FUNCTION 6 face_gist_picksplit(internal, internal),
	FUNCTION 7 face_gist_same(face_gist_key, face_gist_key, internal),
	FUNCTION 8 face_gist_distance(internal, face_embedding, smallint, oid, internal),
	FUNCTION 11 face_gist_sortsupport(internal),
	STORAGE face_gist_key;
COMMENT ON OPERATOR CLASS face_embedding_ops USING gist IS
	'exact nearest-neighbour (ORDER BY emb <-> probe) and threshold (emb <@ face_ball, face_within, emb <-> probe < tau) search';

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
CREATE FUNCTION embed(photo bytea, detect boolean DEFAULT true) RETURNS face_embedding
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION embed(bytea, boolean) IS
	'embedding of the most prominent (largest) face in a photo; detect => false takes the whole image as the face chip';

CREATE FUNCTION faces(photo bytea,
	OUT face integer, OUT score double precision,
	OUT x double precision, OUT y double precision,
	OUT width double precision, OUT height double precision,
	OUT landmarks point[], OUT embedding face_embedding)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 2;
COMMENT ON FUNCTION faces(bytea) IS
	'every face in a photo, best detection score first: box, 68 landmarks and embedding; no row when there is none';

/*
 * face_ball.c: the face_ball type (text form <[v1,...,vN],radius>), its
 * constructor, the "embedding lies in ball" operators and face_within().
 */
#include "face_ball.h"

#include <string.h>

#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/float.h"

PG_FUNCTION_INFO_V1(face_ball_in);
PG_FUNCTION_INFO_V1(face_ball_out);
PG_FUNCTION_INFO_V1(face_ball_recv);
PG_FUNCTION_INFO_V1(face_ball_send);
PG_FUNCTION_INFO_V1(face_ball);
PG_FUNCTION_INFO_V1(face_ball_radius);
PG_FUNCTION_INFO_V1(face_ball_center);
PG_FUNCTION_INFO_V1(face_embedding_in_ball);
PG_FUNCTION_INFO_V1(face_ball_holds);
PG_FUNCTION_INFO_V1(face_within);

FaceBall *
face_ball_make(const FaceEmbedding *center, float8 radius)
{
	FaceBall *ball = palloc0(FACE_BALL_SIZE(center->dims));

	SET_VARSIZE(ball, FACE_BALL_SIZE(center->dims));
	ball->radius = radius;
	memcpy(&ball->center, center, FACE_EMBEDDING_SIZE(center->dims));
	SET_VARSIZE(&ball->center, FACE_EMBEDDING_SIZE(center->dims));
	return ball;
}

/* One definition of "within" for the operators, face_within() and the index's leaves. */
bool
face_ball_contains(const FaceBall *ball, const FaceEmbedding *embedding)
{
	return face_embeddings_within(embedding, &ball->center, ball->radius);
}

bool
face_embeddings_within(const FaceEmbedding *a, const FaceEmbedding *b, float8 tau)
{
	face_embedding_check_comparable(a, b);
	return float8_le(pgface_l2_distance(a->values, b->values, a->dims), tau);
}

/* One message for every shape mistake, with the expected form as the hint. */
static void
report_ball_syntax(const char *input, const char *detail)
{
	ereport(ERROR,
	        (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
	         errmsg("invalid input syntax for type face_ball: \"%s\"", input),
	         errdetail("%s", detail), errhint("A face_ball is written as <[v1,...,vN],radius>.")));
}

/* "<[...],r>": the embedding part goes through the embedding's own strict reader. */
Datum
face_ball_in(PG_FUNCTION_ARGS)
{
	char *input = PG_GETARG_CSTRING(0);
	const char *open = input;
	const char *close;
	char *embedding_text;
	char *radius_start;
	char *radius_end;
	FaceEmbedding *center;
	float8 radius;

	while (*open == ' ' || *open == '\t' || *open == '\n')
		open++;
	if (*open != '<')
		report_ball_syntax(input, "It must start with \"<\".");
	close = strchr(open, ']');
	if (close == NULL)
		report_ball_syntax(input, "The centre's closing \"]\" is missing.");
	embedding_text = pnstrdup(open + 1, close - open);
	center = face_embedding_from_text(embedding_text);
	radius_start = (char *) close + 1;
	while (*radius_start == ' ')
		radius_start++;
	if (*radius_start != ',')
		report_ball_syntax(input, "A \",\" must follow the centre.");
	radius_start++;
	radius = pgface_float8in(radius_start, &radius_end, "face_ball", input);
	while (*radius_end == ' ')
		radius_end++;
	if (*radius_end != '>')
		report_ball_syntax(input, "The radius must be followed by \">\".");
	radius_end++;
	while (*radius_end == ' ' || *radius_end == '\t' || *radius_end == '\n')
		radius_end++;
	if (*radius_end != '\0')
		report_ball_syntax(input, "Nothing may follow the closing \">\".");
	PG_RETURN_POINTER(face_ball_make(center, radius));
}

/* The centre in the embedding's own shortest form, the radius in float8's. */
Datum
face_ball_out(PG_FUNCTION_ARGS)
{
	FaceBall *ball = PG_GETARG_FACE_BALL_P(0);
	char *center =
	    DatumGetCString(DirectFunctionCall1(face_embedding_out, PointerGetDatum(&ball->center)));
	char *radius = float8out_internal(ball->radius);

	PG_RETURN_CSTRING(psprintf("<%s,%s>", center, radius));
}

/* Wire format: float8 radius, then the centre in the face_embedding wire format. */
Datum
face_ball_recv(PG_FUNCTION_ARGS)
{
	StringInfo buf = (StringInfo) PG_GETARG_POINTER(0);
	float8 radius;
	FaceEmbedding *center;

	if (buf->len - buf->cursor < 8)
		ereport(ERROR, (errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
		                errmsg("invalid binary face_ball: %d bytes is too short for the radius",
		                       buf->len - buf->cursor)));
	radius = pq_getmsgfloat8(buf);
	center = DatumGetFaceEmbeddingP(DirectFunctionCall3(face_embedding_recv, PointerGetDatum(buf),
	                                                    ObjectIdGetDatum(InvalidOid),
	                                                    Int32GetDatum(-1)));
	PG_RETURN_POINTER(face_ball_make(center, radius));
}

/* The radius first, then the centre exactly as face_embedding_send writes it. */
Datum
face_ball_send(PG_FUNCTION_ARGS)
{
	FaceBall *ball = PG_GETARG_FACE_BALL_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendfloat8(&buf, ball->radius);
	face_embedding_send_to(&buf, &ball->center);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* SQL's constructor; the planner builds the same call for indexable conditions. */
Datum
face_ball(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(face_ball_make(PG_GETARG_FACE_EMBEDDING_P(0), PG_GETARG_FLOAT8(1)));
}

/* The radius, for queries that take a ball apart. */
Datum
face_ball_radius(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(PG_GETARG_FACE_BALL_P(0)->radius);
}

/* A copy of the centre, as a face_embedding of its own. */
Datum
face_ball_center(PG_FUNCTION_ARGS)
{
	FaceBall *ball = PG_GETARG_FACE_BALL_P(0);
	FaceEmbedding *center = palloc(FACE_EMBEDDING_SIZE(ball->center.dims));

	memcpy(center, &ball->center, FACE_EMBEDDING_SIZE(ball->center.dims));
	PG_RETURN_FACE_EMBEDDING_P(center);
}

/* The <@ operator: the indexable form of emb <-> probe <= tau. */
Datum
face_embedding_in_ball(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(face_ball_contains(PG_GETARG_FACE_BALL_P(1), PG_GETARG_FACE_EMBEDDING_P(0)));
}

/* The @> operator, <@ commuted, so either order can use the index. */
Datum
face_ball_holds(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(face_ball_contains(PG_GETARG_FACE_BALL_P(0), PG_GETARG_FACE_EMBEDDING_P(1)));
}

/* emb <-> probe <= tau, with float8's rules; its support function makes it indexable. */
Datum
face_within(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(face_embeddings_within(PG_GETARG_FACE_EMBEDDING_P(0),
	                                      PG_GETARG_FACE_EMBEDDING_P(1), PG_GETARG_FLOAT8(2)));
}

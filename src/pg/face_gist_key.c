/*
 * face_gist_key.c: building the index's keys (see face_gist_key.h) and the
 * lower bounds on distance that they give.
 */
#include "face_gist_key.h"

#include <float.h>
#include <math.h>

const pgface_embedding_statistics *
face_gist_statistics(int model_tag)
{
	const pgface_embedding_statistics *stats = pgface_embedding_statistics_lookup(model_tag);

	if (stats == NULL)
		ereport(ERROR,
		        (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
		         errmsg("face_embedding_ops cannot index embeddings of model tag %d", model_tag)));
	return stats;
}

void
face_gist_check_key(const FaceGistKey *key)
{
	Size size = VARSIZE(key);
	bool valid;

	switch (key->kind)
	{
		case FACE_GIST_LEAF:
			valid = size > FACE_GIST_LEAF_SIZE(0) &&
			        (size - FACE_GIST_LEAF_SIZE(0)) % sizeof(float4) == 0;
			break;
		case FACE_GIST_SUMMARY:
			valid = key->count >= 1 && key->count <= FACE_GIST_SUMMARY_MAX &&
			        size == FACE_GIST_SUMMARY_SIZE(key->count);
			break;
		case FACE_GIST_BOX:
			valid = size == FACE_GIST_BOX_SIZE;
			break;
		default:
			valid = false;
	}
	if (!valid)
		ereport(ERROR,
		        (errcode(ERRCODE_INDEX_CORRUPTED),
		         errmsg("face_embedding_ops index key of unknown format (kind %d, %zu bytes)",
		                key->kind, size),
		         errhint("REINDEX the index: it was built by another version of pgface.")));
}

/* One quantisation step on an axis: the code range covers six standard deviations each way. */
static float8
axis_step(const pgface_embedding_statistics *stats, int axis)
{
	return 6.0 * stats->axis_sigma[axis] / FACE_GIST_CODE_LIMIT;
}

void
face_gist_encode_point(const FaceEmbedding *embedding, FaceGistPoint *point)
{
	const pgface_embedding_statistics *stats = face_gist_statistics(embedding->model);
	float4 coordinates[PGFACE_INDEX_AXES];

	if (embedding->dims != stats->dims)
		face_embedding_check_dims(pgface_model_lookup(embedding->model), embedding->dims);
	pgface_project_embedding(stats, embedding->values, coordinates, &point->residual);
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
	{
		float8 units = rint(coordinates[a] / axis_step(stats, a));

		point->code[a] = (int8) Max(-FACE_GIST_CODE_LIMIT, Min(FACE_GIST_CODE_LIMIT, units));
	}
}

FaceGistKey *
face_gist_make_leaf(const FaceEmbedding *embedding)
{
	FaceGistPoint point;
	FaceGistKey *key;

	face_gist_encode_point(embedding, &point);
	key = palloc0(FACE_GIST_LEAF_SIZE(embedding->dims));
	SET_VARSIZE(key, FACE_GIST_LEAF_SIZE(embedding->dims));
	key->kind = FACE_GIST_LEAF;
	key->model = embedding->model;
	*face_gist_leaf_point(key) = point;
	memcpy(face_gist_leaf_values(key), embedding->values, sizeof(float4) * embedding->dims);
	return key;
}

float8
face_gist_safe_lower_bound(float8 bound_squared)
{
	float8 bound = sqrt(bound_squared) * (1.0 - 1e-5) - 1e-5;

	return bound > 0.0 ? bound : 0.0;
}

float8
face_gist_stop_squared(float8 radius)
{
	float8 stop = (radius + 1e-5) / (1.0 - 1e-5);

	return stop * stop;
}

/* Face i of a SUMMARY, written into the block-major layout face_gist_get_point reads. */
static void
summary_set_point(FaceGistKey *key, int i, const FaceGistPoint *point)
{
	face_gist_summary_residuals(key)[i] = point->residual;
	for (int block = 0; block < FACE_GIST_BLOCKS; block++)
		memcpy(face_gist_summary_block(key, block) + i * FACE_GIST_BLOCK,
		       point->code + block * FACE_GIST_BLOCK, FACE_GIST_BLOCK);
}

void
face_gist_get_point(FaceGistKey *key, int i, FaceGistPoint *point)
{
	if (key->kind == FACE_GIST_LEAF)
	{
		*point = *face_gist_leaf_point(key);
		return;
	}
	point->residual = face_gist_summary_residuals(key)[i];
	for (int block = 0; block < FACE_GIST_BLOCKS; block++)
		memcpy(point->code + block * FACE_GIST_BLOCK,
		       face_gist_summary_block(key, block) + i * FACE_GIST_BLOCK, FACE_GIST_BLOCK);
}

void
face_gist_prepare_probe(const FaceEmbedding *probe, FaceGistProbe *prepared)
{
	const pgface_embedding_statistics *stats = face_gist_statistics(probe->model);
	float4 coordinates[PGFACE_INDEX_AXES];

	pgface_project_embedding(stats, probe->values, coordinates, &prepared->residual);
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
	{
		float8 step = axis_step(stats, a);
		float8 units = coordinates[a] / step;

		prepared->units[a] = (float4) Max(-FACE_GIST_CODE_LIMIT, Min(FACE_GIST_CODE_LIMIT, units));
		prepared->step_squared[a] = (float4) (step * step);
	}
	prepared->gap_table = palloc(sizeof(float4[256]) * PGFACE_INDEX_AXES);
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
		for (int code = -FACE_GIST_CODE_LIMIT; code <= FACE_GIST_CODE_LIMIT; code++)
			prepared->gap_table[a][(uint8) code] =
			    face_gist_axis_term(prepared->units[a], (int8) code, prepared->step_squared[a]);
}

/*
 * Each coordinate at the far side of its code's step, the residuals pointing
 * apart. It need not be exact (clamped codes may exceed it): it only steers.
 */
float4
face_gist_point_upper_squared(const FaceGistPoint *point, const FaceGistProbe *probe)
{
	float4 sum = (probe->residual + point->residual) * (probe->residual + point->residual);

	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
	{
		float4 gap = fabsf(probe->units[a] - (float4) point->code[a]) + 0.5f;

		sum += gap * gap * probe->step_squared[a];
	}
	return sum;
}

/*
 * A summary's smallest bound from the probe's gap table (as in product
 * quantisation: lookups instead of arithmetic). The first block of every face
 * is summed as one pass over contiguous memory; then:
 *   - a threshold scan (stop_below >= 0) carries on block by block with the
 *     faces still at or below give_up, and is done when one survives them all;
 *   - an ordered scan takes the faces in the order of that first partial bound,
 *     each resumed where it stopped: the likeliest nearest face sets a low best
 *     at once, and faces whose partial bound passes it are never looked at again.
 * Every partial sum is itself a lower bound, which is why stopping is safe.
 */
static float4
summary_bound_squared_from_table(FaceGistKey *key, const FaceGistProbe *probe, float8 stop_below,
                                 float4 give_up, float4 *nearest_upper)
{
	int count = key->count;
	const float4 *residuals = face_gist_summary_residuals(key);
	const uint8 *first = (const uint8 *) face_gist_summary_block(key, 0);
	float4 sum[FACE_GIST_SUMMARY_MAX];
	int alive[FACE_GIST_SUMMARY_MAX];
	int alive_count = 0;
	float4 best = FLT_MAX;

	for (int i = 0; i < count; i++)
	{
		float4 gap = face_gist_residual_gap(probe->residual, residuals[i]);

		sum[i] =
		    gap * gap + face_gist_block_from_table(probe->gap_table, first + i * FACE_GIST_BLOCK);
	}

	if (stop_below >= 0.0)
	{
		/* Faces leave when their sum passes give_up; the smallest such sum still bounds them. */
		float4 lowest_dropped = FLT_MAX;

		for (int i = 0; i < count; i++)
		{
			if (sum[i] <= give_up)
				alive[alive_count++] = i;
			else
				lowest_dropped = Min(lowest_dropped, sum[i]);
		}
		for (int block = 1; block < FACE_GIST_BLOCKS && alive_count > 0; block++)
		{
			const uint8 *codes = (const uint8 *) face_gist_summary_block(key, block);
			const float4(*rows)[256] = probe->gap_table + block * FACE_GIST_BLOCK;
			int kept = 0;

			for (int k = 0; k < alive_count; k++)
			{
				int i = alive[k];

				sum[i] += face_gist_block_from_table(rows, codes + i * FACE_GIST_BLOCK);
				if (sum[i] <= give_up)
					alive[kept++] = i;
				else
					lowest_dropped = Min(lowest_dropped, sum[i]);
			}
			alive_count = kept;
		}
		best = lowest_dropped;
		for (int k = 0; k < alive_count; k++)
			best = Min(best, sum[alive[k]]);
		return best;
	}

	for (int i = 0; i < count; i++)
	{
		int at = alive_count++;

		while (at > 0 && sum[alive[at - 1]] > sum[i])
		{
			alive[at] = alive[at - 1];
			at--;
		}
		alive[at] = i;
	}
	for (int k = 0; k < count; k++)
	{
		int i = alive[k];
		float4 limit = Min(Min(best, give_up), *nearest_upper);
		float4 bound = sum[i];
		int block = 1;

		if (bound > limit)
			return Min(best, bound);
		for (; block < FACE_GIST_BLOCKS && bound <= limit; block++)
			bound += face_gist_block_from_table(
			    probe->gap_table + block * FACE_GIST_BLOCK,
			    (const uint8 *) face_gist_summary_block(key, block) + i * FACE_GIST_BLOCK);
		if (bound <= limit)
		{
			/* A face bounded in full: a candidate, so it also bounds the nearest from above. */
			FaceGistPoint point;

			face_gist_get_point(key, i, &point);
			*nearest_upper = Min(*nearest_upper, face_gist_point_upper_squared(&point, probe));
		}
		best = Min(best, bound);
	}
	return best;
}

/* A face's code as a box with equal corners, so one bound serves both. */
static void
point_as_box(const FaceGistPoint *point, FaceGistBox *box)
{
	box->residual_low = box->residual_high = point->residual;
	memcpy(box->low, point->code, sizeof(box->low));
	memcpy(box->high, point->code, sizeof(box->high));
}

/*
 * A box's bound, eight axes at a time, abandoned past give_up (every partial sum
 * is itself a lower bound). A code c stands for coordinates within half a step of
 * c steps (the end codes for everything beyond, which the probe's clamping
 * accounts for), so the gap is what is left outside the codes' range after that
 * half step.
 */
static float8
box_bound_squared(const FaceGistBox *box, const FaceGistProbe *probe, float4 give_up)
{
	float4 residual_gap = 0.0f;
	float4 sum;

	if (probe->residual < box->residual_low)
		residual_gap = face_gist_residual_gap(probe->residual, box->residual_low);
	else if (probe->residual > box->residual_high)
		residual_gap = face_gist_residual_gap(probe->residual, box->residual_high);
	sum = residual_gap * residual_gap;
	for (int block = 0; block < PGFACE_INDEX_AXES; block += 8)
	{
		float4 partial[8];

		for (int a = 0; a < 8; a++)
		{
			int axis = block + a;
			float4 below = ((float4) box->low[axis] - 0.5f) - probe->units[axis];
			float4 above = probe->units[axis] - ((float4) box->high[axis] + 0.5f);
			float4 gap = fmaxf(fmaxf(below, above), 0.0f);

			partial[a] = gap * gap * probe->step_squared[axis];
		}
		sum += ((partial[0] + partial[1]) + (partial[2] + partial[3])) +
		       ((partial[4] + partial[5]) + (partial[6] + partial[7]));
		if (sum > give_up)
			break;
	}
	return sum;
}

static float8
bound_squared(const FaceGistKey *key, const FaceGistProbe *probe, float8 stop_below,
              float8 give_up_above, float4 *nearest_upper)
{
	float4 no_upper = FLT_MAX;
	FaceGistKey *mutable_key = (FaceGistKey *) key;
	int count = key->kind == FACE_GIST_LEAF ? 1 : key->count;
	float4 give_up = (float4) Min(give_up_above, FLT_MAX);
	float4 best = FLT_MAX;

	if (key->kind == FACE_GIST_BOX)
		return box_bound_squared(face_gist_box(mutable_key), probe, give_up);
	if (probe->gap_table != NULL && key->kind == FACE_GIST_SUMMARY)
		return summary_bound_squared_from_table(mutable_key, probe, stop_below, give_up,
		                                        nearest_upper != NULL ? nearest_upper : &no_upper);
	/* Without a gap table (choosing a subtree): each face as a box with equal corners. */
	for (int i = 0; i < count; i++)
	{
		FaceGistPoint point;
		FaceGistBox single;

		face_gist_get_point(mutable_key, i, &point);
		point_as_box(&point, &single);
		best = Min(best, box_bound_squared(&single, probe, Min(best, give_up)));
		if (best <= stop_below)
			break;
	}
	return best;
}

/*
 * A bound past float's range (faces of components near 1e19 and beyond) is still a lower
 * bound as FLT_MAX, since the true squared distance is larger still; as infinity it would
 * order a subtree after leaves that the exact distance, in double, shows to be farther.
 */
float8
face_gist_bound_squared(const FaceGistKey *key, const FaceGistProbe *probe, float8 stop_below,
                        float8 give_up_above, float4 *nearest_upper)
{
	return Min(bound_squared(key, probe, stop_below, give_up_above, nearest_upper), FLT_MAX);
}

/* How many faces a key lists; -1 for a box, which lists none. */
static int
key_point_count(const FaceGistKey *key)
{
	return key->kind == FACE_GIST_LEAF ? 1 : key->kind == FACE_GIST_SUMMARY ? key->count : -1;
}

/* Widens a box to hold another box (a point is a box with equal corners). */
static void
box_add_box(FaceGistBox *box, const FaceGistBox *other)
{
	box->residual_low = Min(box->residual_low, other->residual_low);
	box->residual_high = Max(box->residual_high, other->residual_high);
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
	{
		box->low[a] = Min(box->low[a], other->low[a]);
		box->high[a] = Max(box->high[a], other->high[a]);
	}
}

/* Widens a box to hold one face. */
static void
box_add_point(FaceGistBox *box, const FaceGistPoint *point)
{
	FaceGistBox single;

	point_as_box(point, &single);
	box_add_box(box, &single);
}

/* One index holds one model: its keys are codes on that model's axes. */
void
face_gist_check_models(int model_a, int model_b)
{
	if (model_a != model_b)
		ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
		                errmsg("cannot index face embeddings of different models together")));
}

FaceGistKey *
face_gist_union_keys(FaceGistKey **keys, int count)
{
	int points = 0;
	FaceGistKey *result;

	for (int i = 0; i < count; i++)
	{
		int n = key_point_count(keys[i]);

		face_gist_check_models(keys[0]->model, keys[i]->model);
		points = (n < 0 || points < 0) ? -1 : points + n;
	}
	if (points >= 0 && points <= FACE_GIST_SUMMARY_MAX)
	{
		int next = 0;

		result = palloc0(FACE_GIST_SUMMARY_SIZE(points));
		SET_VARSIZE(result, FACE_GIST_SUMMARY_SIZE(points));
		result->kind = FACE_GIST_SUMMARY;
		result->count = (uint8) points;
		result->model = keys[0]->model;
		for (int i = 0; i < count; i++)
			for (int p = 0; p < key_point_count(keys[i]); p++)
			{
				FaceGistPoint point;

				face_gist_get_point(keys[i], p, &point);
				summary_set_point(result, next++, &point);
			}
		return result;
	}

	result = palloc0(FACE_GIST_BOX_SIZE);
	SET_VARSIZE(result, FACE_GIST_BOX_SIZE);
	result->kind = FACE_GIST_BOX;
	result->model = keys[0]->model;
	{
		FaceGistBox *box = face_gist_box(result);

		box->residual_low = FLT_MAX;
		box->residual_high = -FLT_MAX;
		memset(box->low, FACE_GIST_CODE_LIMIT, sizeof(box->low));
		memset(box->high, (int8) -FACE_GIST_CODE_LIMIT, sizeof(box->high));
		for (int i = 0; i < count; i++)
		{
			if (keys[i]->kind == FACE_GIST_BOX)
				box_add_box(box, face_gist_box(keys[i]));
			else
				for (int p = 0; p < key_point_count(keys[i]); p++)
				{
					FaceGistPoint point;

					face_gist_get_point(keys[i], p, &point);
					box_add_point(box, &point);
				}
		}
	}
	return result;
}

void
face_gist_key_centre(FaceGistKey *key, float4 *centre)
{
	if (key->kind == FACE_GIST_BOX)
	{
		FaceGistBox *box = face_gist_box(key);

		for (int a = 0; a < PGFACE_INDEX_AXES; a++)
			centre[a] = (box->low[a] + box->high[a]) / 2.0f;
		return;
	}
	memset(centre, 0, sizeof(float4) * PGFACE_INDEX_AXES);
	for (int p = 0; p < key_point_count(key); p++)
	{
		FaceGistPoint point;

		face_gist_get_point(key, p, &point);
		for (int a = 0; a < PGFACE_INDEX_AXES; a++)
			centre[a] += point.code[a];
	}
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
		centre[a] /= key_point_count(key);
}

/*
 * A new face goes where its nearest summarised neighbour is, or, among boxes,
 * to the one it is nearest to (0 inside). Both in squared code steps, weighted
 * by each axis's step, so they compare as distances.
 */
float8
face_gist_insert_cost(FaceGistKey *into, FaceGistKey *add)
{
	const pgface_embedding_statistics *stats = face_gist_statistics(into->model);
	FaceGistProbe probe;
	FaceGistPoint first;
	float4 centre[PGFACE_INDEX_AXES];

	face_gist_key_centre(add, centre);
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
	{
		float8 step = axis_step(stats, a);

		probe.units[a] = centre[a];
		probe.step_squared[a] = (float4) (step * step);
	}
	probe.gap_table = NULL;
	if (add->kind == FACE_GIST_BOX)
		probe.residual = (face_gist_box(add)->residual_low + face_gist_box(add)->residual_high) / 2;
	else
	{
		face_gist_get_point(add, 0, &first);
		probe.residual = first.residual;
	}
	return face_gist_bound_squared(into, &probe, -1.0, FLT_MAX, NULL);
}

/*
 * face_gist_key.c: the GiST index's keys (see face_gist_key.h): their layout,
 * checked on every read, and which of the index core's bounds each kind takes.
 */
#include "face_gist_key.h"

#include <float.h>

#include "index/slack.h"

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

/* Residuals first, then the codes block-major: the same for one face and for many. */
pgface_index_point_list
face_gist_key_points(FaceGistKey *key)
{
	pgface_index_point_list list;

	list.count = key->kind == FACE_GIST_LEAF ? 1 : key->count;
	list.residuals = (float4 *) key->body;
	list.codes = (int8 *) (key->body + sizeof(float4) * list.count);
	return list;
}

/* How many faces a key lists; -1 for a box, which lists none. */
static int
key_point_count(const FaceGistKey *key)
{
	return key->kind == FACE_GIST_LEAF ? 1 : key->kind == FACE_GIST_SUMMARY ? key->count : -1;
}

FaceGistKey *
face_gist_make_leaf(const FaceEmbedding *embedding)
{
	pgface_index_point point;
	FaceGistKey *key;

	face_index_encode_point(embedding, &point);
	key = palloc0(FACE_GIST_LEAF_SIZE(embedding->dims));
	SET_VARSIZE(key, FACE_GIST_LEAF_SIZE(embedding->dims));
	key->kind = FACE_GIST_LEAF;
	key->model = embedding->model;
	*face_gist_leaf_point(key) = point;
	memcpy(face_gist_leaf_values(key), embedding->values, sizeof(float4) * embedding->dims);
	return key;
}

/*
 * A box's bound; a summary's from the probe's gap table; without a gap table
 * (choosing a subtree), and for a leaf, each face as a box with equal corners.
 */
static float8
bound_squared(const FaceGistKey *key, const pgface_index_probe *probe, float8 stop_below,
              float8 give_up_above, float4 *nearest_upper)
{
	float4 no_upper = FLT_MAX;
	FaceGistKey *mutable_key = (FaceGistKey *) key;
	float4 give_up = (float4) Min(give_up_above, FLT_MAX);
	pgface_index_point_list points;

	if (key->kind == FACE_GIST_BOX)
		return pgface_index_box_bound_squared(face_gist_box(mutable_key), probe, give_up);
	points = face_gist_key_points(mutable_key);
	if (probe->gap_table != NULL && key->kind == FACE_GIST_SUMMARY)
		return pgface_index_list_bound_squared(&points, probe, stop_below, give_up,
		                                       nearest_upper != NULL ? nearest_upper : &no_upper);
	return pgface_index_list_box_bound_squared(&points, probe, stop_below, give_up);
}

/* Capped at FLT_MAX (slack.h), so that an overflowing bound still orders a subtree right. */
float8
face_gist_bound_squared(const FaceGistKey *key, const pgface_index_probe *probe, float8 stop_below,
                        float8 give_up_above, float4 *nearest_upper)
{
	return pgface_index_capped_bound(
	    bound_squared(key, probe, stop_below, give_up_above, nearest_upper));
}

/* Every face of the keys, in order, as one SUMMARY key of points faces. */
static FaceGistKey *
union_as_summary(FaceGistKey **keys, int count, int points)
{
	FaceGistKey *result = palloc0(FACE_GIST_SUMMARY_SIZE(points));
	pgface_index_point_list list;
	int next = 0;

	SET_VARSIZE(result, FACE_GIST_SUMMARY_SIZE(points));
	result->kind = FACE_GIST_SUMMARY;
	result->count = (uint8) points;
	result->model = keys[0]->model;
	list = face_gist_key_points(result);
	for (int i = 0; i < count; i++)
	{
		pgface_index_point_list from = face_gist_key_points(keys[i]);

		for (int p = 0; p < from.count; p++)
		{
			pgface_index_point point;

			pgface_index_list_get(&from, p, &point);
			pgface_index_list_set(&list, next++, &point);
		}
	}
	return result;
}

/* The keys as one BOX key around every box and face among them. */
static FaceGistKey *
union_as_box(FaceGistKey **keys, int count)
{
	FaceGistKey *result = palloc0(FACE_GIST_BOX_SIZE);
	pgface_index_box *box = face_gist_box(result);

	SET_VARSIZE(result, FACE_GIST_BOX_SIZE);
	result->kind = FACE_GIST_BOX;
	result->model = keys[0]->model;
	pgface_index_box_empty(box);
	for (int i = 0; i < count; i++)
	{
		if (keys[i]->kind == FACE_GIST_BOX)
			pgface_index_box_add_box(box, face_gist_box(keys[i]));
		else
		{
			pgface_index_point_list from = face_gist_key_points(keys[i]);

			for (int p = 0; p < from.count; p++)
			{
				pgface_index_point point;

				pgface_index_list_get(&from, p, &point);
				pgface_index_box_add_point(box, &point);
			}
		}
	}
	return result;
}

/* A summary while every key lists faces and they fit (its bounds are the tightest), else a box. */
FaceGistKey *
face_gist_union_keys(FaceGistKey **keys, int count)
{
	int points = 0;

	for (int i = 0; i < count; i++)
	{
		int n = key_point_count(keys[i]);

		face_index_check_models(keys[0]->model, keys[i]->model);
		points = (n < 0 || points < 0) ? -1 : points + n;
	}
	if (points >= 0 && points <= FACE_GIST_SUMMARY_MAX)
		return union_as_summary(keys, count, points);
	return union_as_box(keys, count);
}

/* A box's middle, or the mean of the faces a leaf or summary lists. */
void
face_gist_key_centre(FaceGistKey *key, float4 *centre)
{
	pgface_index_point_list points;

	if (key->kind == FACE_GIST_BOX)
	{
		pgface_index_box_centre(face_gist_box(key), centre);
		return;
	}
	points = face_gist_key_points(key);
	pgface_index_list_centre(&points, centre);
}

/*
 * A new face goes where its nearest summarised neighbour is, or, among boxes,
 * to the one it is nearest to (0 inside). Both in squared code steps, weighted
 * by each axis's step, so they compare as distances.
 */
float8
face_gist_insert_cost(FaceGistKey *into, FaceGistKey *add)
{
	pgface_index_probe probe;
	float4 centre[PGFACE_INDEX_AXES];
	float4 residual;

	face_gist_key_centre(add, centre);
	if (add->kind == FACE_GIST_BOX)
		residual = (face_gist_box(add)->residual_low + face_gist_box(add)->residual_high) / 2;
	else
		residual = face_gist_key_points(add).residuals[0];
	pgface_index_probe_at(face_index_statistics(into->model), centre, residual, &probe);
	return face_gist_bound_squared(into, &probe, -1.0, FLT_MAX, NULL);
}

/*
 * shape_predictor_file.c: reading dlib's serialized shape_predictor (its deserialize():
 * version 1, the initial shape, the forests, then each cascade's anchor landmarks and
 * deltas) into flat arrays, checking every count and index before inference trusts it.
 */
#include "face/shape_predictor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/runtime.h"
#include "face/dlib_serialize.h"

/* Far above any model dlib trains; it only keeps arithmetic on counts small. */
#define MAX_PARTS       10000
#define MAX_TREE_SPLITS (1u << 20)
/* The fewest bytes dlib writes for an integer, a float, a split and a vector<float,2>. */
#define INT_BYTES   2
#define FLOAT_BYTES (2 * INT_BYTES)
#define SPLIT_BYTES (2 * INT_BYTES + FLOAT_BYTES)
#define POINT_BYTES (2 * FLOAT_BYTES)

/* How much of each growing array is allocated, so that appending stays linear. */
typedef struct capacities
{
	size_t trees;
	size_t splits;
	size_t leaves;
	size_t features;
} capacities;

/*
 * Makes room for needed elements, doubling: the counts of later trees are unknown until
 * they are read, and reallocating per tree would copy the 65 MB of leaves thousands of times.
 */
static pgface_code
reserve(void **array, size_t *capacity, size_t needed, size_t element, pgface_status *status)
{
	size_t grown;
	void *bigger;

	if (needed <= *capacity)
		return PGFACE_OK;
	grown = *capacity < 64 ? 64 : *capacity;
	while (grown < needed)
		grown = grown > SIZE_MAX / 2 ? needed : grown * 2;
	if (grown > SIZE_MAX / element)
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "shape predictor too large");
	bigger = pgface_realloc(*array, grown * element);
	if (bigger == NULL)
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY,
		                   "out of memory for the shape predictor (%zu bytes)", grown * element);
	*array = bigger;
	*capacity = grown;
	return PGFACE_OK;
}

/* A matrix<float,0,1> of exactly rows values, into out. */
static pgface_code
read_column(pgface_dlib_reader *reader, size_t rows, float *out, const char *what)
{
	size_t got;

	if (pgface_dlib_read_column_shape(reader, rows, &got, what) != PGFACE_OK)
		return reader->status->code;
	if (got != rows)
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
		                   "byte %zu: %s has %zu values, expected %zu", reader->offset, what, got,
		                   rows);
	for (size_t i = 0; i < rows; i++)
		if (pgface_dlib_read_float(reader, &out[i], what) != PGFACE_OK)
			return reader->status->code;
	return PGFACE_OK;
}

/* One split: the two feature indices (checked against the cascade later) and a threshold. */
static pgface_code
read_split(pgface_dlib_reader *reader, pgface_shape_split *split)
{
	uint64_t idx1;
	uint64_t idx2;

	if (pgface_dlib_read_unsigned(reader, 8, &idx1, "a split's first pixel") != PGFACE_OK ||
	    pgface_dlib_read_unsigned(reader, 8, &idx2, "a split's second pixel") != PGFACE_OK ||
	    pgface_dlib_read_float(reader, &split->thresh, "a split's threshold") != PGFACE_OK)
		return reader->status->code;
	if (idx1 > UINT32_MAX || idx2 > UINT32_MAX)
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
		                   "byte %zu: split pixel index out of range", reader->offset);
	split->idx1 = (uint32_t) idx1;
	split->idx2 = (uint32_t) idx2;
	return PGFACE_OK;
}

/*
 * One regression_tree: its splits, then its leaves. Inference walks the tree as a full
 * binary tree in an array, so the leaf count must be splits + 1 and a power of two, as
 * dlib's own operator() requires without checking.
 */
static pgface_code
read_tree(pgface_dlib_reader *reader, pgface_shape_predictor *p, capacities *cap)
{
	pgface_shape_tree *tree = &p->trees[p->tree_count];
	size_t leaf_floats = 2 * (size_t) p->parts;
	size_t splits;
	size_t leaves;

	if (pgface_dlib_read_count(reader, SPLIT_BYTES, &splits, "a tree's splits") != PGFACE_OK)
		return reader->status->code;
	if (splits > MAX_TREE_SPLITS)
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT, "a tree has %zu splits",
		                   splits);
	if (reserve((void **) &p->splits, &cap->splits, p->split_count + splits,
	            sizeof(pgface_shape_split), reader->status) != PGFACE_OK)
		return reader->status->code;
	tree->first_split = p->split_count;
	tree->splits = (uint32_t) splits;
	for (size_t i = 0; i < splits; i++)
		if (read_split(reader, &p->splits[p->split_count + i]) != PGFACE_OK)
			return reader->status->code;
	p->split_count += splits;

	if (pgface_dlib_read_count(reader, 2 * INT_BYTES + leaf_floats * FLOAT_BYTES, &leaves,
	                           "a tree's leaves") != PGFACE_OK)
		return reader->status->code;
	if (leaves != splits + 1 || (leaves & (leaves - 1)) != 0)
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
		                   "byte %zu: a tree of %zu splits has %zu leaves (not a full tree)",
		                   reader->offset, splits, leaves);
	if (reserve((void **) &p->leaves, &cap->leaves, (p->leaf_count + leaves) * leaf_floats,
	            sizeof(float), reader->status) != PGFACE_OK)
		return reader->status->code;
	tree->first_leaf = p->leaf_count;
	for (size_t i = 0; i < leaves; i++)
		if (read_column(reader, leaf_floats, p->leaves + (p->leaf_count + i) * leaf_floats,
		                "a leaf") != PGFACE_OK)
			return reader->status->code;
	p->leaf_count += leaves;
	p->tree_count++;
	return PGFACE_OK;
}

/* The forests: one std::vector<regression_tree> per cascade level. */
static pgface_code
read_forests(pgface_dlib_reader *reader, pgface_shape_predictor *p, capacities *cap)
{
	size_t cascades;

	if (pgface_dlib_read_count(reader, INT_BYTES, &cascades, "the forests") != PGFACE_OK)
		return reader->status->code;
	if (cascades == 0 || cascades > 100000)
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
		                   "the model has %zu cascade levels", cascades);
	p->cascade = pgface_alloc_zeroed(cascades, sizeof(pgface_shape_cascade));
	if (p->cascade == NULL)
		return pgface_fail(reader->status, PGFACE_ERR_NO_MEMORY, "out of memory");
	p->cascades = (int) cascades;
	for (size_t c = 0; c < cascades; c++)
	{
		size_t trees;

		/* the whole file is read in about a second: a host may cancel between levels */
		pgface_check_interrupts();
		if (pgface_dlib_read_count(reader, 2 * INT_BYTES, &trees, "a forest") != PGFACE_OK ||
		    reserve((void **) &p->trees, &cap->trees, p->tree_count + trees,
		            sizeof(pgface_shape_tree), reader->status) != PGFACE_OK)
			return reader->status->code;
		p->cascade[c].first_tree = p->tree_count;
		p->cascade[c].trees = trees;
		for (size_t t = 0; t < trees; t++)
			if (read_tree(reader, p, cap) != PGFACE_OK)
				return reader->status->code;
	}
	return PGFACE_OK;
}

/* anchor_idx: per cascade, the landmark each feature pixel hangs from. */
static pgface_code
read_anchors(pgface_dlib_reader *reader, pgface_shape_predictor *p, capacities *cap)
{
	size_t levels;

	if (pgface_dlib_read_count(reader, INT_BYTES, &levels, "the anchors") != PGFACE_OK)
		return reader->status->code;
	if (levels != (size_t) p->cascades)
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
		                   "anchors for %zu levels, but %d forests", levels, p->cascades);
	for (int c = 0; c < p->cascades; c++)
	{
		size_t features;

		if (pgface_dlib_read_count(reader, INT_BYTES, &features, "a level's anchors") !=
		        PGFACE_OK ||
		    reserve((void **) &p->anchors, &cap->features, p->feature_count + features,
		            sizeof(uint32_t), reader->status) != PGFACE_OK)
			return reader->status->code;
		p->cascade[c].first_feature = p->feature_count;
		p->cascade[c].features = features;
		for (size_t i = 0; i < features; i++)
		{
			uint64_t anchor;

			if (pgface_dlib_read_unsigned(reader, 8, &anchor, "an anchor") != PGFACE_OK)
				return reader->status->code;
			if (anchor >= (uint64_t) p->parts)
				return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
				                   "byte %zu: anchor landmark %llu of %d", reader->offset,
				                   (unsigned long long) anchor, p->parts);
			p->anchors[p->feature_count + i] = (uint32_t) anchor;
		}
		p->feature_count += features;
		if (features > p->max_features)
			p->max_features = features;
	}
	return PGFACE_OK;
}

/* deltas: per cascade, each feature pixel's offset from its anchor, as many as anchors. */
static pgface_code
read_deltas(pgface_dlib_reader *reader, pgface_shape_predictor *p)
{
	size_t levels;

	if (pgface_dlib_read_count(reader, INT_BYTES, &levels, "the deltas") != PGFACE_OK)
		return reader->status->code;
	if (levels != (size_t) p->cascades)
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
		                   "deltas for %zu levels, but %d forests", levels, p->cascades);
	p->deltas = pgface_alloc_array(p->feature_count > 0 ? 2 * p->feature_count : 1, sizeof(float));
	if (p->deltas == NULL)
		return pgface_fail(reader->status, PGFACE_ERR_NO_MEMORY, "out of memory");
	for (int c = 0; c < p->cascades; c++)
	{
		size_t count;
		float *delta = p->deltas + 2 * p->cascade[c].first_feature;

		if (pgface_dlib_read_count(reader, POINT_BYTES, &count, "a level's deltas") != PGFACE_OK)
			return reader->status->code;
		if (count != p->cascade[c].features)
			return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
			                   "level %d has %zu deltas for %zu anchors", c, count,
			                   p->cascade[c].features);
		for (size_t i = 0; i < 2 * count; i++)
			if (pgface_dlib_read_float(reader, &delta[i], "a delta") != PGFACE_OK)
				return reader->status->code;
	}
	return PGFACE_OK;
}

/* The splits are read before the anchors say how many pixels each level has: checked last. */
static pgface_code
check_split_indices(const pgface_shape_predictor *p, pgface_status *status)
{
	for (int c = 0; c < p->cascades; c++)
	{
		const pgface_shape_cascade *level = &p->cascade[c];

		for (size_t t = level->first_tree; t < level->first_tree + level->trees; t++)
			for (uint32_t s = 0; s < p->trees[t].splits; s++)
			{
				const pgface_shape_split *split = &p->splits[p->trees[t].first_split + s];

				if (split->idx1 >= level->features || split->idx2 >= level->features)
					return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT,
					                   "level %d: a split reads pixel %u or %u of %zu", c,
					                   split->idx1, split->idx2, level->features);
			}
	}
	return PGFACE_OK;
}

/* Gives back what doubling reserved beyond the end; a failure to shrink keeps the block. */
static void
shrink(void **array, size_t count, size_t element)
{
	void *exact = pgface_realloc(*array, count > 0 ? count * element : 1);

	if (exact != NULL)
		*array = exact;
}

/* The whole of dlib's deserialize(shape_predictor&), in its order. */
static pgface_code
parse(pgface_dlib_reader *reader, pgface_shape_predictor *p)
{
	capacities cap = {0};
	int64_t version;
	size_t rows;

	if (pgface_dlib_read_signed(reader, 4, &version, "the version") != PGFACE_OK)
		return reader->status->code;
	if (version != 1)
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
		                   "not a dlib shape_predictor (version %lld, expected 1)",
		                   (long long) version);
	if (pgface_dlib_read_column_shape(reader, 2 * MAX_PARTS, &rows, "the initial shape") !=
	    PGFACE_OK)
		return reader->status->code;
	if (rows % 2 != 0)
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
		                   "the initial shape has an odd number of values (%zu)", rows);
	p->parts = (int) (rows / 2);
	p->initial_shape = pgface_alloc_array(rows, sizeof(float));
	if (p->initial_shape == NULL)
		return pgface_fail(reader->status, PGFACE_ERR_NO_MEMORY, "out of memory");
	for (size_t i = 0; i < rows; i++)
		if (pgface_dlib_read_float(reader, &p->initial_shape[i], "the initial shape") != PGFACE_OK)
			return reader->status->code;
	if (read_forests(reader, p, &cap) != PGFACE_OK || read_anchors(reader, p, &cap) != PGFACE_OK ||
	    read_deltas(reader, p) != PGFACE_OK)
		return reader->status->code;
	if (reader->offset != reader->length)
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
		                   "%zu bytes after the end of the model", reader->length - reader->offset);
	shrink((void **) &p->trees, p->tree_count, sizeof(pgface_shape_tree));
	shrink((void **) &p->splits, p->split_count, sizeof(pgface_shape_split));
	shrink((void **) &p->leaves, p->leaf_count * 2 * (size_t) p->parts, sizeof(float));
	shrink((void **) &p->anchors, p->feature_count, sizeof(uint32_t));
	return check_split_indices(p, reader->status);
}

pgface_code
pgface_shape_predictor_parse(const unsigned char *bytes, size_t length,
                             pgface_shape_predictor *predictor, pgface_status *status)
{
	pgface_dlib_reader reader = {.bytes = bytes, .length = length, .offset = 0, .status = status};

	memset(predictor, 0, sizeof(*predictor));
	if (parse(&reader, predictor) != PGFACE_OK)
	{
		pgface_shape_predictor_free(predictor);
		return status->code;
	}
	return PGFACE_OK;
}

pgface_code
pgface_shape_predictor_load(const char *path, pgface_shape_predictor *predictor,
                            pgface_status *status)
{
	struct stat st;
	unsigned char *bytes;
	int fd;

	memset(predictor, 0, sizeof(*predictor));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pgface_fail(status, PGFACE_ERR_MODEL_MISSING,
		                   "cannot open shape predictor file \"%s\": %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
	{
		close(fd);
		return pgface_fail(status, PGFACE_ERR_MODEL_MISSING, "\"%s\" is not a regular file", path);
	}
	if (st.st_size == 0)
	{
		close(fd);
		return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT, "shape predictor file \"%s\" is empty",
		                   path);
	}
	/*
	 * Read into the runtime allocator's memory, not mapped: the parse answers interrupts,
	 * and a cancel there must leave nothing the server's memory contexts cannot free.
	 */
	bytes = pgface_alloc((size_t) st.st_size);
	if (bytes == NULL)
	{
		close(fd);
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY,
		                   "out of memory reading shape predictor file \"%s\"", path);
	}
	for (size_t done = 0; done < (size_t) st.st_size;)
	{
		ssize_t got = read(fd, bytes + done, (size_t) st.st_size - done);

		if (got <= 0)
		{
			int error = got < 0 ? errno : EIO;

			close(fd);
			pgface_free(bytes);
			return pgface_fail(status, PGFACE_ERR_MODEL_MISSING, "cannot read \"%s\": %s", path,
			                   strerror(error));
		}
		done += (size_t) got;
	}
	close(fd);
	if (pgface_shape_predictor_parse(bytes, (size_t) st.st_size, predictor, status) != PGFACE_OK)
	{
		char reason[sizeof(status->message)];
		pgface_code code = status->code;

		pgface_free(bytes);
		snprintf(reason, sizeof(reason), "%s", status->message);
		return pgface_fail(status, code, "shape predictor file \"%s\": %s", path, reason);
	}
	pgface_free(bytes);
	return PGFACE_OK;
}

void
pgface_shape_predictor_free(pgface_shape_predictor *predictor)
{
	pgface_free(predictor->initial_shape);
	pgface_free(predictor->cascade);
	pgface_free(predictor->trees);
	pgface_free(predictor->splits);
	pgface_free(predictor->leaves);
	pgface_free(predictor->anchors);
	pgface_free(predictor->deltas);
	memset(predictor, 0, sizeof(*predictor));
}

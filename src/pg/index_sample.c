/*
 * index_sample.c: the planner's sample of what an index of faces holds: the
 * embeddings ANALYZE kept as the column's histogram (or its most common values),
 * weighed pair by pair by the index core (index/tightness.h), so that the cost
 * estimates know whether the bounds will prune. Kept per backend until the
 * statistics change.
 */
#include "face_embedding.h"
#include "face_planner.h"

#include "access/htup_details.h"
#include "catalog/pg_statistic.h"
#include "parser/parsetree.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

/* The samples of the last few columns planned, reused while their statistics stay. */
#define KEPT_SAMPLES 4

typedef struct KeptSample
{
	Oid relation;
	AttrNumber attribute;
	TransactionId statistics_version; /* the pg_statistic row's xmin */
	bool usable;                      /* else the column's statistics say nothing (NULL result) */
	pgface_index_pair_sample sample;
} KeptSample;

static KeptSample kept[KEPT_SAMPLES];
static int kept_next = 0;

/*
 * Up to PGFACE_INDEX_SAMPLE_FACES embeddings of one statistics slot, spread over
 * it (a histogram is sorted), of the first one's model, with the statistics
 * that weigh them; 0 when that model has none.
 */
static int
usable_embeddings(AttStatsSlot *slot, const float **values,
                  const pgface_embedding_statistics **model_statistics)
{
	int wanted = Min(slot->nvalues, PGFACE_INDEX_SAMPLE_FACES);
	int model_tag = -1;
	int count = 0;

	*model_statistics = NULL;
	for (int i = 0; i < wanted; i++)
	{
		FaceEmbedding *embedding =
		    DatumGetFaceEmbeddingP(slot->values[(int) ((int64) i * slot->nvalues / wanted)]);

		if (i == 0)
		{
			model_tag = embedding->model;
			*model_statistics = pgface_embedding_statistics_lookup(model_tag);
			if (*model_statistics == NULL)
				return 0;
		}
		if (embedding->model == model_tag && embedding->dims == (*model_statistics)->dims)
			values[count++] = embedding->values;
	}
	return count;
}

/* Weighs the column's statistics into entry; false when they hold no usable embeddings. */
static bool
weigh_statistics(HeapTuple statistics, KeptSample *entry)
{
	static const int kinds[] = {STATISTIC_KIND_HISTOGRAM, STATISTIC_KIND_MCV};
	const float *values[PGFACE_INDEX_SAMPLE_FACES];

	for (size_t k = 0; k < lengthof(kinds); k++)
	{
		AttStatsSlot slot;
		const pgface_embedding_statistics *model_statistics;
		int count;
		bool weighed;

		if (!get_attstatsslot(&slot, statistics, kinds[k], InvalidOid, ATTSTATSSLOT_VALUES))
			continue;
		count = usable_embeddings(&slot, values, &model_statistics);
		weighed = count > 1 &&
		          pgface_index_sample_pairs(model_statistics, values, count, &entry->sample) > 0;
		free_attstatsslot(&slot);
		if (weighed)
			return true;
	}
	return false;
}

const pgface_index_pair_sample *
pgface_index_sample_of(PlannerInfo *root, IndexOptInfo *index)
{
	Oid relation = index->indexoid;
	AttrNumber attribute = 1;
	HeapTuple statistics;
	TransactionId version;
	KeptSample *entry = NULL;

	/* A column's statistics are the table's; an expression's, the index's own. */
	if (index->ncolumns < 1)
		return NULL;
	if (index->indexkeys[0] != 0)
	{
		relation = planner_rt_fetch(index->rel->relid, root)->relid;
		attribute = (AttrNumber) index->indexkeys[0];
	}
	statistics = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(relation),
	                             Int16GetDatum(attribute), BoolGetDatum(false));
	if (!HeapTupleIsValid(statistics))
		return NULL;
	version = HeapTupleHeaderGetXmin(statistics->t_data);
	for (int i = 0; i < KEPT_SAMPLES; i++)
		if (kept[i].relation == relation && kept[i].attribute == attribute &&
		    kept[i].statistics_version == version)
			entry = &kept[i];
	if (entry == NULL)
	{
		entry = &kept[kept_next];
		kept_next = (kept_next + 1) % KEPT_SAMPLES;
		/* Not findable until weighed: an error while weighing leaves no half-made entry. */
		entry->relation = InvalidOid;
		entry->usable = weigh_statistics(statistics, entry);
		entry->attribute = attribute;
		entry->statistics_version = version;
		entry->relation = relation;
	}
	ReleaseSysCache(statistics);
	return entry->usable ? &entry->sample : NULL;
}

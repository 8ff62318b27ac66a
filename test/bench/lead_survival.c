/*
 * lead_survival.c: how much of a face_va scan's work each stage saves, measured
 * on a gallery, not assumed. For each probe it encodes the gallery as face_va
 * does, pages of 110, and counts the faces (and the pages holding one) whose
 * bound is still within tau after the residual and 1 to 8 blocks of axes; then
 * the faces the byte-table filter keeps, against those the float lead keeps.
 *
 *   psql ... -Atc "\copy (SELECT emb FROM scale_1000000 ORDER BY id) TO 'gallery.txt'"
 *   psql ... -Atc "\copy (SELECT emb FROM scale_1000000_probes WHERE kind = 'stranger' ORDER BY i
 * LIMIT 20) TO 'probes.txt'" make build/lead_survival && build/lead_survival gallery.txt probes.txt
 * 0.4058
 *
 * Input: one embedding a line in the type's text form ([v1,...,v128]).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedding_file.h"
#include "face/embedding.h"
#include "face/embedding_statistics.h"
#include "face/model_registry.h"
#include "index/columns.h"
#include "index/lead_filter.h"
#include "index/lead_sums.h"
#include "index/point.h"
#include "index/probe.h"
#include "index/slack.h"
#include "index/terms.h"

#define PAGE_FACES 110

/* The gallery's codes, as face_va's pages hold them: page by page, the lead axis by axis. */
typedef struct gallery_pages
{
	size_t pages;
	float (*residual)[PAGE_FACES];
	int8_t (*lead)[PGFACE_INDEX_LEAD_AXES][PAGE_FACES];
	pgface_index_point *points;
} gallery_pages;

static gallery_pages
encode_gallery(const pgface_embedding_statistics *stats, const float *values, size_t faces)
{
	gallery_pages g = {faces / PAGE_FACES, NULL, NULL, NULL};

	g.residual = calloc(g.pages, sizeof(*g.residual));
	g.lead = calloc(g.pages, sizeof(*g.lead));
	g.points = calloc(g.pages * PAGE_FACES, sizeof(*g.points));
	for (size_t f = 0; f < g.pages * PAGE_FACES; f++)
	{
		pgface_index_encode_point(stats, values + f * stats->dims, &g.points[f]);
		g.residual[f / PAGE_FACES][f % PAGE_FACES] = g.points[f].residual;
		for (int a = 0; a < PGFACE_INDEX_LEAD_AXES; a++)
			g.lead[f / PAGE_FACES][a][f % PAGE_FACES] = g.points[f].code[a];
	}
	return g;
}

int
main(int argc, char **argv)
{
	const pgface_embedding_statistics *stats =
	    pgface_embedding_statistics_lookup(pgface_model_default()->tag);
	static float table[PGFACE_INDEX_AXES][256];
	static pgface_index_lead_filter filter;
	double faces_within[PGFACE_INDEX_BLOCKS + 1] = {0}, pages_within[PGFACE_INDEX_BLOCKS + 1] = {0};
	double filter_kept = 0, lead_kept = 0;
	float *gallery_values, *probe_values;
	size_t faces, probes;
	gallery_pages g;
	float limit;

	if (argc != 4)
	{
		fprintf(stderr, "usage: lead_survival GALLERY.txt PROBES.txt TAU\n");
		return 2;
	}
	faces = read_embeddings("lead_survival", argv[1], stats->dims, &gallery_values);
	probes = read_embeddings("lead_survival", argv[2], stats->dims, &probe_values);
	limit = pgface_index_float_at_least(pgface_index_stop_squared(atof(argv[3])));
	g = encode_gallery(stats, gallery_values, faces);
	for (size_t q = 0; q < probes; q++)
	{
		pgface_index_probe probe;

		pgface_index_probe_prepare(stats, probe_values + q * stats->dims, &probe);
		pgface_index_probe_fill_gap_table(&probe, table);
		pgface_index_lead_filter_prepare(&filter, &probe, limit);
		for (size_t p = 0; p < g.pages; p++)
		{
			pgface_index_columns columns = {PAGE_FACES, PAGE_FACES, g.residual[p], &g.lead[p][0][0],
			                                NULL};
			bool page_within[PGFACE_INDEX_BLOCKS + 1] = {false};
			uint64_t kept[2];

			pgface_index_lead_filter_scalar(&columns, &filter, kept);
			filter_kept += __builtin_popcountll(kept[0]) + __builtin_popcountll(kept[1]);
			for (int i = 0; i < PAGE_FACES; i++)
			{
				const pgface_index_point *point = &g.points[p * PAGE_FACES + i];
				float gap = pgface_index_residual_gap(probe.residual, point->residual);
				float sum = gap * gap;

				lead_kept += pgface_index_lead_sum_of(&columns, &probe, limit, i) <= limit;
				for (int blocks = 0; blocks <= PGFACE_INDEX_BLOCKS && sum <= limit; blocks++)
				{
					faces_within[blocks]++;
					page_within[blocks] = true;
					if (blocks < PGFACE_INDEX_BLOCKS)
						for (int a = 0; a < PGFACE_INDEX_BLOCK; a++)
							sum += table[blocks * PGFACE_INDEX_BLOCK + a]
							            [(uint8_t) point->code[blocks * PGFACE_INDEX_BLOCK + a]];
				}
			}
			for (int blocks = 0; blocks <= PGFACE_INDEX_BLOCKS; blocks++)
				pages_within[blocks] += page_within[blocks];
		}
	}
	printf("%zu faces (%zu pages of %d), %zu probes, tau %s\n", g.pages * PAGE_FACES, g.pages,
	       PAGE_FACES, probes, argv[3]);
	for (int blocks = 0; blocks <= PGFACE_INDEX_BLOCKS; blocks++)
		printf("  residual + %2d axes: faces within %9.5f%%, pages with one %7.3f%%\n",
		       blocks * PGFACE_INDEX_BLOCK,
		       100.0 * faces_within[blocks] / ((double) probes * g.pages * PAGE_FACES),
		       100.0 * pages_within[blocks] / ((double) probes * g.pages));
	printf("  the byte-table filter keeps %.4f%% of faces, the float lead (24 axes) %.4f%%\n",
	       100.0 * filter_kept / ((double) probes * g.pages * PAGE_FACES),
	       100.0 * lead_kept / ((double) probes * g.pages * PAGE_FACES));
	return 0;
}

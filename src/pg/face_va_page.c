/*
 * face_va_page.c: the face_va index's pages (see face_va.h), and the bounds
 * of the faces on one page from a probe.
 */
#include "face_va.h"

#include <float.h>
#include <math.h>

void
face_va_init_page(Page page, uint16 kind)
{
	FaceVaPageOpaque *opaque;

	PageInit(page, BLCKSZ, sizeof(FaceVaPageOpaque));
	opaque = face_va_page_opaque(page);
	opaque->kind = kind;
	opaque->page_id = FACE_VA_PAGE_ID;
	if (kind == 0)
	{
		FaceVaMeta *meta = face_va_page_meta(page);

		memset(meta, 0, sizeof(FaceVaMeta));
		meta->magic = FACE_VA_MAGIC;
		meta->layout = FACE_VA_LAYOUT;
		meta->key_format = FACE_GIST_FORMAT;
		meta->model = FACE_VA_NO_MODEL;
		meta->insert_page[0] = meta->insert_page[1] = InvalidBlockNumber;
		((PageHeader) page)->pd_lower = (char *) meta + sizeof(FaceVaMeta) - (char *) page;
	}
	else
	{
		/* The whole column layout is data, so WAL and checksums cover all of it. */
		memset(face_va_page_entries(page), 0, sizeof(FaceVaEntries));
		((PageHeader) page)->pd_lower =
		    (char *) face_va_page_entries(page) + sizeof(FaceVaEntries) - (char *) page;
	}
}

/* The REINDEX error for a page this version cannot read. */
static void
report_unreadable(Relation index, BlockNumber block, const char *what)
{
	ereport(ERROR,
	        (errcode(ERRCODE_INDEX_CORRUPTED),
	         errmsg("face_va index \"%s\" has %s at block %u", RelationGetRelationName(index), what,
	                block),
	         errhint("REINDEX the index: it was built by another version of pgface, or damaged.")));
}

void
face_va_read_meta(Relation index, FaceVaMeta *copy)
{
	Buffer buffer = ReadBuffer(index, FACE_VA_METAPAGE);

	LockBuffer(buffer, BUFFER_LOCK_SHARE);
	*copy = *face_va_checked_meta(index, BufferGetPage(buffer));
	UnlockReleaseBuffer(buffer);
}

FaceVaMeta *
face_va_checked_meta(Relation index, Page page)
{
	FaceVaMeta *meta = face_va_page_meta(page);

	if (PageIsNew(page) || face_va_page_opaque(page)->page_id != FACE_VA_PAGE_ID ||
	    meta->magic != FACE_VA_MAGIC)
		report_unreadable(index, FACE_VA_METAPAGE, "no metapage");
	if (meta->layout != FACE_VA_LAYOUT || meta->key_format != FACE_GIST_FORMAT)
		report_unreadable(index, FACE_VA_METAPAGE, "a metapage of another format");
	return meta;
}

uint16
face_va_checked_kind(Relation index, Page page, BlockNumber block)
{
	FaceVaPageOpaque *opaque = face_va_page_opaque(page);

	if (PageIsNew(page))
		return 0; /* extended but never written (a crash mid-extension): holds nothing */
	if (opaque->page_id != FACE_VA_PAGE_ID ||
	    (opaque->kind != FACE_VA_PAGE_FACES && opaque->kind != FACE_VA_PAGE_NULLS) ||
	    face_va_page_entries(page)->count > FACE_VA_CAPACITY)
		report_unreadable(index, block, "a page of unknown format");
	return opaque->kind;
}

/* Writes a point's codes at position i of a page. */
static void
set_codes(FaceVaEntries *entries, int i, const FaceGistPoint *point)
{
	entries->residual[i] = point->residual;
	for (int a = 0; a < FACE_VA_LEAD_AXES; a++)
		entries->lead[a][i] = point->code[a];
	for (int block = FACE_VA_LEAD_BLOCKS; block < FACE_GIST_BLOCKS; block++)
		memcpy(entries->code[block - FACE_VA_LEAD_BLOCKS][i], point->code + block * FACE_GIST_BLOCK,
		       FACE_GIST_BLOCK);
}

void
face_va_page_append(Page page, ItemPointer tid, const FaceGistPoint *point)
{
	FaceVaEntries *entries = face_va_page_entries(page);
	int i = entries->count++;

	Assert(i < FACE_VA_CAPACITY);
	entries->tid[i] = *tid;
	if (point != NULL)
		set_codes(entries, i, point);
}

void
face_va_entry_point(const FaceVaEntries *entries, int i, FaceGistPoint *point)
{
	point->residual = entries->residual[i];
	for (int a = 0; a < FACE_VA_LEAD_AXES; a++)
		point->code[a] = entries->lead[a][i];
	for (int block = FACE_VA_LEAD_BLOCKS; block < FACE_GIST_BLOCKS; block++)
		memcpy(point->code + block * FACE_GIST_BLOCK, entries->code[block - FACE_VA_LEAD_BLOCKS][i],
		       FACE_GIST_BLOCK);
}

void
face_va_entry_move(FaceVaEntries *entries, int from, int to, bool faces)
{
	FaceGistPoint point;

	entries->tid[to] = entries->tid[from];
	if (!faces)
		return;
	face_va_entry_point(entries, from, &point);
	set_codes(entries, to, &point);
}

/*
 * The residual gap and lead blocks of faces from onwards, one face at a time,
 * each face abandoned once past limit. Sums in the order of the gap-table
 * path: the residual's, then each block's eight terms as a balanced tree.
 */
static void
lead_sums_scalar(const FaceVaEntries *entries, const FaceGistProbe *probe, float4 limit, int from,
                 float4 *sum)
{
	for (int f = from; f < entries->count; f++)
	{
		float4 gap = face_gist_residual_gap(probe->residual, entries->residual[f]);

		sum[f] = gap * gap;
		for (int block = 0; block < FACE_VA_LEAD_BLOCKS && sum[f] <= limit; block++)
		{
			float4 t[FACE_GIST_BLOCK];

			for (int a = 0; a < FACE_GIST_BLOCK; a++)
			{
				int axis = block * FACE_GIST_BLOCK + a;

				t[a] = face_gist_axis_term(probe->units[axis], entries->lead[axis][f],
				                           probe->step_squared[axis]);
			}
			sum[f] += ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
		}
	}
}

#if defined(__x86_64__)
#include <immintrin.h>

/*
 * The same, eight faces at a time with AVX2: this is most of a scan's work
 * (perf), and the axis-major layout makes each axis one load of eight codes.
 * A group of eight stops when all of them are past limit.
 */
__attribute__((target("avx2"))) static void
lead_sums_avx2(const FaceVaEntries *entries, const FaceGistProbe *probe, float4 limit, float4 *sum)
{
	const __m256 half = _mm256_set1_ps(0.5f);
	const __m256 magnitude = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
	const __m256 zero = _mm256_setzero_ps();
	const __m256 limits = _mm256_set1_ps(limit);
	const __m256 probe_residual = _mm256_set1_ps(probe->residual);
	const __m256 slack = _mm256_set1_ps(FACE_GIST_RESIDUAL_SLACK);
	int f = 0;

	for (; f + 8 <= entries->count; f += 8)
	{
		__m256 residual = _mm256_loadu_ps(&entries->residual[f]);
		/* face_gist_residual_gap, eight at a time */
		__m256 residual_gap = _mm256_max_ps(
		    _mm256_sub_ps(_mm256_and_ps(_mm256_sub_ps(probe_residual, residual), magnitude),
		                  _mm256_mul_ps(_mm256_add_ps(probe_residual, residual), slack)),
		    zero);
		__m256 total = _mm256_mul_ps(residual_gap, residual_gap);

		for (int block = 0; block < FACE_VA_LEAD_BLOCKS; block++)
		{
			__m256 term[FACE_GIST_BLOCK];

			if (_mm256_movemask_ps(_mm256_cmp_ps(total, limits, _CMP_LE_OQ)) == 0)
				break;
			for (int a = 0; a < FACE_GIST_BLOCK; a++)
			{
				int axis = block * FACE_GIST_BLOCK + a;
				__m128i codes = _mm_loadl_epi64((const __m128i *) &entries->lead[axis][f]);
				__m256 x = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(codes));
				__m256 gap = _mm256_sub_ps(
				    _mm256_and_ps(_mm256_sub_ps(x, _mm256_set1_ps(probe->units[axis])), magnitude),
				    half);

				gap = _mm256_max_ps(gap, zero);
				term[a] = _mm256_mul_ps(_mm256_mul_ps(gap, gap),
				                        _mm256_set1_ps(probe->step_squared[axis]));
			}
			total =
			    _mm256_add_ps(total, _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(term[0], term[1]),
			                                                     _mm256_add_ps(term[2], term[3])),
			                                       _mm256_add_ps(_mm256_add_ps(term[4], term[5]),
			                                                     _mm256_add_ps(term[6], term[7]))));
		}
		_mm256_storeu_ps(&sum[f], total);
	}
	lead_sums_scalar(entries, probe, limit, f, sum);
}
#endif

/* The lead sums of every face on a page, by the fastest path this CPU has. */
static void
lead_sums(const FaceVaEntries *entries, const FaceGistProbe *probe, float4 limit, float4 *sum)
{
#if defined(__x86_64__)
	static int has_avx2 = -1;

	if (has_avx2 < 0)
		has_avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
	if (has_avx2)
	{
		lead_sums_avx2(entries, probe, limit, sum);
		return;
	}
#endif
	lead_sums_scalar(entries, probe, limit, 0, sum);
}

int
face_va_page_within(const FaceVaEntries *entries, const FaceGistProbe *probe, float4 limit,
                    int *survivors, float4 *bounds)
{
	float4 sum[FACE_VA_CAPACITY];
	int alive = 0;

	lead_sums(entries, probe, limit, sum);
	for (int i = 0; i < entries->count; i++)
		if (sum[i] <= limit)
			survivors[alive++] = i;
	for (int block = FACE_VA_LEAD_BLOCKS; block < FACE_GIST_BLOCKS && alive > 0; block++)
	{
		const float4(*rows)[256] = probe->gap_table + block * FACE_GIST_BLOCK;
		int kept = 0;

		for (int k = 0; k < alive; k++)
		{
			int i = survivors[k];

			sum[i] += face_gist_block_from_table(
			    rows, (const uint8 *) entries->code[block - FACE_VA_LEAD_BLOCKS][i]);
			if (sum[i] <= limit)
				survivors[kept++] = i;
		}
		alive = kept;
	}
	/*
	 * A sum past float's range (faces of components near 1e19 and beyond) is still a
	 * lower bound as FLT_MAX: the true squared distance is larger still. As infinity it
	 * would sort after distances that the table, read in double, shows to be smaller.
	 */
	for (int k = 0; k < alive; k++)
		bounds[k] = Min(sum[survivors[k]], FLT_MAX);
	return alive;
}

float4
face_va_entry_bound(const FaceVaEntries *entries, int i, const FaceGistProbe *probe)
{
	FaceGistPoint point;
	float4 gap = face_gist_residual_gap(probe->residual, entries->residual[i]);
	float4 sum = gap * gap;

	face_va_entry_point(entries, i, &point);
	for (int block = 0; block < FACE_GIST_BLOCKS; block++)
		sum += face_gist_block_from_table(probe->gap_table + block * FACE_GIST_BLOCK,
		                                  (const uint8 *) point.code + block * FACE_GIST_BLOCK);
	return sum;
}

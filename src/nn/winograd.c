/*
 * winograd.c: 3x3, stride 1, 'same' convolution by Winograd's minimal filtering
 * F(2x2, 3x3). Each 2x2 block of output costs 16 multiplications per channel
 * pair instead of 36, so the matrix products shrink 2.25x; the price is a cheap
 * transform of the input before and of the products after.
 *
 *   input tile d (4x4)  ->  V = B^T d B
 *   filter g (3x3)      ->  U = G g G^T   (done once, by models/convert.js)
 *   M = V (.) U summed over input channels: 16 sgemm calls, one per element
 *   output (2x2)        =   A^T M A
 */
#include <cblas.h>

#include "common/runtime.h"
#include "nn/layers.h"

#define TILE   4 /* input tile side */
#define OUTPUT 2 /* output block side */

/*
 * V = B^T d B for one tile, vectorised across channels: every row below is a
 * loop over contiguous channel values. rows[i] points at input pixel i of the
 * 4x4 tile (row-major), or at zeros where the tile leaves the input.
 */
static void
transform_input_tile(const float *const rows[TILE * TILE], int channels, size_t tile, size_t tiles,
                     float *transformed, float *t)
{
	/* t = B^T d: row combinations (d0 - d2, d1 + d2, d2 - d1, d1 - d3) */
	for (int k = 0; k < TILE; k++)
	{
		const float *d0 = rows[0 * TILE + k];
		const float *d1 = rows[1 * TILE + k];
		const float *d2 = rows[2 * TILE + k];
		const float *d3 = rows[3 * TILE + k];
		float *t0 = t + (size_t) (0 * TILE + k) * (size_t) channels;
		float *t1 = t + (size_t) (1 * TILE + k) * (size_t) channels;
		float *t2 = t + (size_t) (2 * TILE + k) * (size_t) channels;
		float *t3 = t + (size_t) (3 * TILE + k) * (size_t) channels;
		for (int c = 0; c < channels; c++)
		{
			t0[c] = d0[c] - d2[c];
			t1[c] = d1[c] + d2[c];
			t2[c] = d2[c] - d1[c];
			t3[c] = d1[c] - d3[c];
		}
	}
	/* V = t B: the same combinations along each row, written where element e's sgemm reads */
	for (int r = 0; r < TILE; r++)
	{
		const float *a0 = t + (size_t) (r * TILE + 0) * (size_t) channels;
		const float *a1 = t + (size_t) (r * TILE + 1) * (size_t) channels;
		const float *a2 = t + (size_t) (r * TILE + 2) * (size_t) channels;
		const float *a3 = t + (size_t) (r * TILE + 3) * (size_t) channels;
		float *v[TILE];
		for (int k = 0; k < TILE; k++)
			v[k] = transformed + ((size_t) (r * TILE + k) * tiles + tile) * (size_t) channels;
		for (int c = 0; c < channels; c++)
		{
			v[0][c] = a0[c] - a2[c];
			v[1][c] = a1[c] + a2[c];
			v[2][c] = a2[c] - a1[c];
			v[3][c] = a1[c] - a3[c];
		}
	}
}

/*
 * out block = A^T m A, with A^T = [[1, 1, 1, 0], [0, 1, -1, -1]], vectorised
 * across channels; the block is clipped at the output's bottom and right edge.
 */
static void
transform_output_tile(const float *products, size_t tile, size_t tiles, int channels, int top,
                      int left, pgface_tensor *out, float *t)
{
	/* t = A^T m: two rows of four */
	for (int k = 0; k < TILE; k++)
	{
		const float *m0 = products + ((size_t) (0 * TILE + k) * tiles + tile) * (size_t) channels;
		const float *m1 = products + ((size_t) (1 * TILE + k) * tiles + tile) * (size_t) channels;
		const float *m2 = products + ((size_t) (2 * TILE + k) * tiles + tile) * (size_t) channels;
		const float *m3 = products + ((size_t) (3 * TILE + k) * tiles + tile) * (size_t) channels;
		float *t0 = t + (size_t) k * (size_t) channels;
		float *t1 = t + (size_t) (TILE + k) * (size_t) channels;
		for (int c = 0; c < channels; c++)
		{
			t0[c] = m0[c] + m1[c] + m2[c];
			t1[c] = m1[c] - m2[c] - m3[c];
		}
	}
	/* y = t A */
	for (int r = 0; r < OUTPUT && top + r < out->h; r++)
	{
		const float *a0 = t + (size_t) (r * TILE + 0) * (size_t) channels;
		const float *a1 = t + (size_t) (r * TILE + 1) * (size_t) channels;
		const float *a2 = t + (size_t) (r * TILE + 2) * (size_t) channels;
		const float *a3 = t + (size_t) (r * TILE + 3) * (size_t) channels;
		float *y0 =
		    out->data + ((size_t) (top + r) * (size_t) out->w + (size_t) left) * (size_t) channels;
		float *y1 = y0 + channels;
		if (left + 1 < out->w)
			for (int c = 0; c < channels; c++)
			{
				y0[c] = a0[c] + a1[c] + a2[c];
				y1[c] = a1[c] - a2[c] - a3[c];
			}
		else
			for (int c = 0; c < channels; c++)
				y0[c] = a0[c] + a1[c] + a2[c];
	}
}

pgface_code
pgface_conv3x3_winograd(const pgface_tensor *in, const float *transformed_filters, int out_c,
                        pgface_tensor *out, pgface_status *status)
{
	int tiles_y = (in->h + OUTPUT - 1) / OUTPUT;
	int tiles_x = (in->w + OUTPUT - 1) / OUTPUT;
	size_t tiles = (size_t) tiles_y * (size_t) tiles_x;
	int in_c = in->c;
	int widest = in_c > out_c ? in_c : out_c;
	float *inputs = pgface_alloc_array(TILE * TILE * tiles * (size_t) in_c, sizeof(float));
	float *products = pgface_alloc_array(TILE * TILE * tiles * (size_t) out_c, sizeof(float));
	float *scratch = pgface_alloc_array(TILE * TILE * (size_t) widest, sizeof(float));
	float *zeros = pgface_alloc_zeroed((size_t) in_c, sizeof(float));

	if (inputs == NULL || products == NULL || scratch == NULL || zeros == NULL ||
	    pgface_tensor_alloc(out, in->h, in->w, out_c, status) != PGFACE_OK)
	{
		pgface_free(inputs);
		pgface_free(products);
		pgface_free(scratch);
		pgface_free(zeros);
		return status->code != PGFACE_OK
		           ? status->code
		           : pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for a Winograd conv");
	}

	for (int ty = 0; ty < tiles_y; ty++)
		for (int tx = 0; tx < tiles_x; tx++)
		{
			const float *rows[TILE * TILE];
			for (int i = 0; i < TILE * TILE; i++)
			{
				/* 'same' padding of one pixel: the tile starts one row and column early */
				int y = ty * OUTPUT - 1 + i / TILE;
				int x = tx * OUTPUT - 1 + i % TILE;
				rows[i] =
				    y < 0 || y >= in->h || x < 0 || x >= in->w
				        ? zeros
				        : in->data + ((size_t) y * (size_t) in->w + (size_t) x) * (size_t) in_c;
			}
			transform_input_tile(rows, in_c, (size_t) ty * (size_t) tiles_x + (size_t) tx, tiles,
			                     inputs, scratch);
		}

	for (int e = 0; e < TILE * TILE; e++)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) tiles, out_c, in_c, 1.0f,
		            inputs + (size_t) e * tiles * (size_t) in_c, in_c,
		            transformed_filters + (size_t) e * (size_t) in_c * (size_t) out_c, out_c, 0.0f,
		            products + (size_t) e * tiles * (size_t) out_c, out_c);

	for (int ty = 0; ty < tiles_y; ty++)
		for (int tx = 0; tx < tiles_x; tx++)
			transform_output_tile(products, (size_t) ty * (size_t) tiles_x + (size_t) tx, tiles,
			                      out_c, ty * OUTPUT, tx * OUTPUT, out, scratch);

	pgface_free(inputs);
	pgface_free(products);
	pgface_free(scratch);
	pgface_free(zeros);
	return PGFACE_OK;
}

void
pgface_winograd_transform_filters(const float *filters, int in_c, int out_c, float *transformed)
{
	/* G = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]] */
	static const double G[TILE][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};

	for (int i = 0; i < in_c; i++)
		for (int o = 0; o < out_c; o++)
		{
			double g[3][3];
			double t[TILE][3];
			for (int r = 0; r < 3; r++)
				for (int k = 0; k < 3; k++)
					g[r][k] = filters[(((size_t) r * 3 + (size_t) k) * (size_t) in_c + (size_t) i) *
					                      (size_t) out_c +
					                  (size_t) o];
			for (int r = 0; r < TILE; r++)
				for (int k = 0; k < 3; k++)
					t[r][k] = G[r][0] * g[0][k] + G[r][1] * g[1][k] + G[r][2] * g[2][k];
			for (int r = 0; r < TILE; r++)
				for (int k = 0; k < TILE; k++)
					transformed[((size_t) (r * TILE + k) * (size_t) in_c + (size_t) i) *
					                (size_t) out_c +
					            (size_t) o] =
					    (float) (t[r][0] * G[k][0] + t[r][1] * G[k][1] + t[r][2] * G[k][2]);
		}
}

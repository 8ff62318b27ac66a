/*
 * winograd.c: 3x3, stride 1, 'same' convolution by Winograd's minimal filtering
 * F(2x2, 3x3). Each 2x2 block of output costs 16 multiplications per channel
 * pair instead of 36, so the matrix products shrink 2.25x; the price is a cheap
 * transform of the input before and of the products after.
 *
 *   input tile d (4x4)  ->  V = B^T d B
 *   filter g (3x3)      ->  U = G g G^T   (done once, by models/convert.js)
 *   M = V (.) U summed over input channels: 16 matrix products, one per element
 *   output (2x2)        =   A^T M A, then the conv's epilogue
 *
 * Tiles go in blocks of BLOCK through all three steps, so the transformed
 * values never leave the cache.
 */
#include <string.h>

#include "common/runtime.h"
#include "nn/gemm.h"
#include "nn/layers.h"

#define TILE   4  /* input tile side */
#define OUTPUT 2  /* output block side */
#define BLOCK  24 /* tiles transformed, multiplied and transformed back at once: stays in cache */

#define KERNEL_FILE "nn/winograd_kernel.h"
#include "nn/simd_instances.h"

typedef void input_fn(const float *const (*rows)[TILE * TILE], int count, int channels,
                      size_t block, float *transformed);
typedef void output_fn(const float *products, int count, int channels, size_t block,
                       float *const (*out_px)[4], const float *const (*residual_px)[4],
                       const pgface_epilogue *epi);

/* The transforms for the instruction set pgface_gemm chose. */
static void
pick_transforms(input_fn **input, output_fn **output)
{
	*input = PGFACE_SIMD_PICK(input_tiles);
	*output = PGFACE_SIMD_PICK(output_tiles);
}

pgface_code
pgface_conv3x3_winograd(const pgface_tensor *in, const float *transformed_filters, int out_c,
                        const pgface_epilogue *epilogue, pgface_tensor *out, pgface_status *status)
{
	int tiles_y = (in->h + OUTPUT - 1) / OUTPUT;
	int tiles_x = (in->w + OUTPUT - 1) / OUTPUT;
	int tiles = tiles_y * tiles_x;
	int in_c = in->c;
	float *inputs = pgface_alloc_array(TILE * TILE * BLOCK * (size_t) in_c, sizeof(float));
	float *products = pgface_alloc_array(TILE * TILE * BLOCK * (size_t) out_c, sizeof(float));
	float *zeros = pgface_alloc_zeroed((size_t) in_c, sizeof(float));
	input_fn *input_tiles;
	output_fn *output_tiles;

	if (inputs == NULL || products == NULL || zeros == NULL ||
	    pgface_tensor_alloc(out, in->h, in->w, out_c, status) != PGFACE_OK)
	{
		pgface_free(inputs);
		pgface_free(products);
		pgface_free(zeros);
		return status->code != PGFACE_OK
		           ? status->code
		           : pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for a Winograd conv");
	}
	pick_transforms(&input_tiles, &output_tiles);

	for (int first = 0; first < tiles; first += BLOCK)
	{
		int count = tiles - first < BLOCK ? tiles - first : BLOCK;
		const float *rows[BLOCK][TILE * TILE];
		float *out_px[BLOCK][4];
		const float *residual_px[BLOCK][4];

		for (int t = 0; t < count; t++)
		{
			int ty = (first + t) / tiles_x;
			int tx = (first + t) % tiles_x;
			for (int i = 0; i < TILE * TILE; i++)
			{
				/* 'same' padding of one pixel: the tile starts one row and column early */
				int y = ty * OUTPUT - 1 + i / TILE;
				int x = tx * OUTPUT - 1 + i % TILE;
				rows[t][i] =
				    y < 0 || y >= in->h || x < 0 || x >= in->w
				        ? zeros
				        : in->data + ((size_t) y * (size_t) in->w + (size_t) x) * (size_t) in_c;
			}
			for (int i = 0; i < 4; i++)
			{
				int y = ty * OUTPUT + i / 2;
				int x = tx * OUTPUT + i % 2;
				size_t pixel = (size_t) y * (size_t) in->w + (size_t) x;
				int inside = y < in->h && x < in->w;
				out_px[t][i] = inside ? out->data + pixel * (size_t) out_c : NULL;
				residual_px[t][i] = inside && epilogue != NULL && epilogue->residual != NULL
				                        ? epilogue->residual + pixel * epilogue->residual_stride
				                        : NULL;
			}
		}
		input_tiles((const float *const(*)[TILE * TILE]) rows, count, in_c, BLOCK, inputs);
		for (int e = 0; e < TILE * TILE; e++)
			pgface_gemm(
			    count, out_c, in_c, inputs + (size_t) e * BLOCK * (size_t) in_c, (size_t) in_c,
			    transformed_filters + (size_t) e * (size_t) in_c * (size_t) out_c, (size_t) out_c,
			    products + (size_t) e * BLOCK * (size_t) out_c, (size_t) out_c, NULL);
		output_tiles(products, count, out_c, BLOCK, (float *const(*)[4]) out_px,
		             (const float *const(*)[4]) residual_px, epilogue);
	}

	pgface_free(inputs);
	pgface_free(products);
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

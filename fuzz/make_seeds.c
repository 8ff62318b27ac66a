/*
 * make_seeds.c: writes the fuzzers' seed corpora, so that nothing but this
 * program is kept in the repository.
 *
 *   make_seeds OUT MODEL_DIR
 *
 * OUT/corpus-photo_fuzz: small images in the formats pgface reads (and TGA and
 * PNM, which it refuses), made with stb_image_write or by hand, including a face cut from
 * face-api's sample photo (MODEL_DIR/face-api/demo/sample2.jpg, fetched with the models) so that
 * the detector finds something and the landmark, align and embed code runs, and
 * JPEGs with EXIF orientation tags. OUT/corpus-embedding_text_fuzz: face_embedding
 * literals, valid and broken. OUT/corpus-model_file_fuzz: a small valid .pgfm and
 * truncated copies of the real model files.
 */
#include "../test/common/little_endian.h"
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#include <stb_image.h>

#include "../test/common/jpeg_buffer.h"
/* jpeg_buffer.h includes the writer's declarations; its code is compiled here, once. */
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

#include "face/embedding.h"
#include "face/model_registry.h"
#include "face/models.h"
#include "face/recognition_net.h"
#include "nn/model_file.h"

static char out_dir[4096];

/* Writes one seed file; any failure stops the program, since a missing seed would go unnoticed. */
static void
write_seed(const char *corpus, const char *name, const void *bytes, size_t length)
{
	char path[8192];
	FILE *f;

	snprintf(path, sizeof(path), "%s/corpus-%s", out_dir, corpus);
	if (mkdir(path, 0777) != 0 && errno != EEXIST)
	{
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/corpus-%s/seed-%s", out_dir, corpus, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(bytes, 1, length, f) != length || fclose(f) != 0)
	{
		perror(path);
		exit(1);
	}
}

/* ---- images ---- */

typedef struct pixels
{
	int width;
	int height;
	unsigned char *rgb;
} pixels;

/* A box-filtered resize of a region of src: enough for seeds, and with no dependency. */
static pixels
resize_region(const unsigned char *src, int src_width, int x0, int y0, int w, int h, int width,
              int height)
{
	pixels out = {width, height, malloc((size_t) width * height * 3)};

	for (int y = 0; y < height; y++)
		for (int x = 0; x < width; x++)
			for (int c = 0; c < 3; c++)
			{
				int ya = y0 + y * h / height, yb = y0 + (y + 1) * h / height;
				int xa = x0 + x * w / width, xb = x0 + (x + 1) * w / width;
				long sum = 0, n = 0;
				for (int yy = ya; yy < yb; yy++)
					for (int xx = xa; xx < xb; xx++, n++)
						sum += src[((size_t) yy * src_width + xx) * 3 + c];
				out.rgb[((size_t) y * width + x) * 3 + c] = (unsigned char) (sum / (n ? n : 1));
			}
	return out;
}

/* The picture turned a quarter clockwise (clockwise != 0) or anticlockwise. */
static pixels
rotate_quarter(pixels in, int clockwise)
{
	pixels out = {in.height, in.width, malloc((size_t) in.width * in.height * 3)};

	for (int y = 0; y < in.height; y++)
		for (int x = 0; x < in.width; x++)
		{
			int ox = clockwise ? in.height - 1 - y : y;
			int oy = clockwise ? x : in.width - 1 - x;
			memcpy(out.rgb + ((size_t) oy * out.width + ox) * 3,
			       in.rgb + ((size_t) y * in.width + x) * 3, 3);
		}
	return out;
}

/* The picture turned upside down (EXIF orientation 3 is its own inverse). */
static pixels
rotate_half(pixels in)
{
	pixels out = {in.width, in.height, malloc((size_t) in.width * in.height * 3)};
	size_t n = (size_t) in.width * in.height;

	for (size_t i = 0; i < n; i++)
		memcpy(out.rgb + (n - 1 - i) * 3, in.rgb + i * 3, 3);
	return out;
}

/* Writes an encoded image as paddings seeds, with 0 to paddings - 1 zero bytes appended. */
static void
write_image_seed(const char *name, const jpeg_buffer *buffer, int paddings)
{
	/* The harness picks entry point, alignment and mirror averaging by length % 8. */
	for (int pad = 0; pad < paddings; pad++)
	{
		unsigned char *bytes = calloc((size_t) buffer->length + (size_t) pad, 1);
		char padded[256];

		memcpy(bytes, buffer->data, (size_t) buffer->length);
		snprintf(padded, sizeof(padded), "%s.%d", name, pad);
		write_seed("photo_fuzz", padded, bytes, (size_t) buffer->length + (size_t) pad);
		free(bytes);
	}
}

/* Encodes pixels in one of stb_image_write's formats (channels 1 to 4) and writes the seeds. */
static void
encoded_seed(const char *name, const char *format, pixels p, int channels, int paddings)
{
	jpeg_buffer buffer = {NULL, 0, 0};
	unsigned char *data = p.rgb;
	unsigned char *converted = NULL;

	if (channels != 3)
	{
		/* 1: grey (the green channel); 2: grey and alpha; 4: RGB and alpha; alpha a ramp */
		converted = malloc((size_t) p.width * p.height * (size_t) channels);
		for (int i = 0; i < p.width * p.height; i++)
		{
			unsigned char *px = converted + (size_t) i * channels;
			unsigned char alpha = (unsigned char) (i * 7);

			if (channels <= 2)
				px[0] = p.rgb[i * 3 + 1];
			else
				memcpy(px, p.rgb + i * 3, 3);
			if (channels == 2 || channels == 4)
				px[channels - 1] = alpha;
		}
		data = converted;
	}
	if (strcmp(format, "png") == 0)
		stbi_write_png_to_func(jpeg_buffer_append, &buffer, p.width, p.height, channels, data, 0);
	else if (strcmp(format, "jpg") == 0)
		stbi_write_jpg_to_func(jpeg_buffer_append, &buffer, p.width, p.height, channels, data, 80);
	else if (strcmp(format, "bmp") == 0)
		stbi_write_bmp_to_func(jpeg_buffer_append, &buffer, p.width, p.height, channels, data);
	else
		stbi_write_tga_to_func(jpeg_buffer_append, &buffer, p.width, p.height, channels, data);
	write_image_seed(name, &buffer, paddings);
	free(buffer.data);
	free(converted);
}

/* A JPEG that the EXIF tag turns upright: the stored pixels are the inverse turn of the face. */
static void
oriented_seed(const char *name, pixels upright, int orientation, int big_endian)
{
	pixels stored = orientation == 3   ? rotate_half(upright)
	                : orientation == 6 ? rotate_quarter(upright, 0)
	                                   : rotate_quarter(upright, 1);
	jpeg_buffer jpeg;

	jpeg_buffer_encode(&jpeg, stored.rgb, stored.width, stored.height, 80);
	jpeg_buffer_add_orientation(&jpeg, orientation, big_endian);
	write_image_seed(name, &jpeg, 4);
	free(jpeg.data);
	free(stored.rgb);
}

/* Formats stb_image reads but stb_image_write does not write, spelled out byte by byte. */
static void
handmade_image_seeds(void)
{
	/* a 1x1 GIF89a: global colour table of two, one LZW-coded pixel */
	static const unsigned char gif[] = {
	    'G',  'I',  'F',  '8',  '9',  'a',  0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xff, 0x00,
	    0x00, 0x00, 0x00, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00,
	    0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b};
	static const char ppm_header[] = "P6\n# pgface seed\n4 3\n255\n";
	static const char pgm[] = "P5 2 2 255\n\x10\x80\xc0\xff";
	unsigned char ppm[sizeof(ppm_header) - 1 + 4 * 3 * 3];

	write_seed("photo_fuzz", "tiny.gif", gif, sizeof(gif));
	memcpy(ppm, ppm_header, sizeof(ppm_header) - 1);
	for (size_t i = sizeof(ppm_header) - 1; i < sizeof(ppm); i++)
		ppm[i] = (unsigned char) (i * 37);
	write_seed("photo_fuzz", "small.ppm", ppm, sizeof(ppm));
	write_seed("photo_fuzz", "tiny.pgm", pgm, sizeof(pgm) - 1);
}

/* Every format, a face the detector finds, EXIF turns and degenerate sizes. */
static void
image_seeds(const char *model_dir)
{
	char path[4096];
	int width, height, channels;
	unsigned char *photo;
	pixels face, face64, whole, gradient;

	snprintf(path, sizeof(path), "%s/face-api/demo/sample2.jpg", model_dir);
	photo = stbi_load(path, &width, &height, &channels, 3);
	if (photo == NULL || width < 1781 || height < 545)
	{
		fprintf(stderr, "make_seeds: cannot read %s (run models/fetch.sh)\n", path);
		exit(1);
	}
	/* sample2.jpg's one face is near (1403, 173), 277x264: a 480-pixel square around it */
	face = resize_region(photo, width, 1301, 65, 480, 480, 128, 128);
	face64 = resize_region(photo, width, 1301, 65, 480, 480, 64, 64);
	whole = resize_region(photo, width, 0, 0, width, height, 192, 136);
	stbi_image_free(photo);

	encoded_seed("face128.jpg", "jpg", face, 3, 8);
	encoded_seed("face64.jpg", "jpg", face64, 3, 8);
	encoded_seed("face64.png", "png", face64, 3, 8);
	encoded_seed("face64-grey.png", "png", face64, 1, 1);
	encoded_seed("face64-rgba.png", "png", face64, 4, 1);
	encoded_seed("face64-grey-alpha.png", "png", face64, 2, 1);
	encoded_seed("face64.bmp", "bmp", face64, 3, 1);
	encoded_seed("face64.tga", "tga", face64, 3, 1);
	encoded_seed("photo.jpg", "jpg", whole, 3, 1);
	oriented_seed("face64-exif3-be.jpg", face64, 3, 1);
	oriented_seed("face64-exif6-le.jpg", face64, 6, 0);
	oriented_seed("face64-exif8-be.jpg", face64, 8, 1);

	/* degenerate shapes: one pixel, one row, one column */
	gradient.width = 200, gradient.height = 2;
	gradient.rgb = malloc(200 * 2 * 3);
	for (int i = 0; i < 200 * 2 * 3; i++)
		gradient.rgb[i] = (unsigned char) (i * 3);
	encoded_seed("wide.jpg", "jpg", gradient, 3, 1);
	gradient.width = 2, gradient.height = 200;
	encoded_seed("tall.png", "png", gradient, 3, 1);
	gradient.width = 1, gradient.height = 1;
	encoded_seed("pixel.png", "png", gradient, 3, 1);
	encoded_seed("pixel.jpg", "jpg", gradient, 3, 1);
	encoded_seed("pixel.bmp", "bmp", gradient, 3, 1);
	handmade_image_seeds();
	free(gradient.rgb);
	free(face.rgb);
	free(face64.rgb);
	free(whole.rgb);
}

/* ---- face_embedding literals ---- */

/* One literal, without its NUL: the harness adds it, as PostgreSQL's cstring has it. */
static void
text_seed(const char *name, const char *text)
{
	write_seed("embedding_text_fuzz", name, text, strlen(text));
}

/*
 * n values as pgface_emb_format writes them, optionally spaced out as a person might type
 * them; whole = single digits, so that PGFACE_MAX_DIMS values fit the fuzzer's max_len.
 */
static void
list_seed(const char *name, int n, int spaced, int whole)
{
	float *values = malloc(sizeof(float) * (size_t) n);
	size_t size = PGFACE_EMB_TEXT_MAX(n);
	char *text = malloc(size);
	char *spaced_text = malloc(size * 3 + 8);
	size_t at = 0;

	for (int i = 0; i < n; i++)
		values[i] = whole ? (float) (i % 10) : sinf((float) i * 0.37f) * 0.2f;
	pgface_emb_format(values, n, text, size);
	if (spaced)
	{
		spaced_text[at++] = ' ';
		for (const char *p = text; *p; p++)
		{
			if (*p == ',' || *p == ']')
				spaced_text[at++] = ' ';
			spaced_text[at++] = *p;
			if (*p == ',' || *p == '[')
				spaced_text[at++] = (p - text) % 2 == 0 ? '\t' : '\n';
		}
		spaced_text[at++] = '\n';
		spaced_text[at] = '\0';
		text_seed(name, spaced_text);
	}
	else
		text_seed(name, text);
	free(values);
	free(text);
	free(spaced_text);
}

/* Literals for every branch of the parser: each status, white space, float4's edges. */
static void
embedding_seeds(void)
{
	static const char *const edge_cases[] = {"[]",
	                                         "[1]",
	                                         "[1,2,3]",
	                                         "[-0,0]",
	                                         "[1e-45]",
	                                         "[1e-46]",
	                                         "[1.17549435e-38]",
	                                         "[3.4028235e38]",
	                                         "[3.5e38]",
	                                         "[-3.4028235e38]",
	                                         "[nan]",
	                                         "[-inf]",
	                                         "[Infinity]",
	                                         "[0x1p-149]",
	                                         "[0x1.fffffeP+127]",
	                                         "[1,,2]",
	                                         "[1 2]",
	                                         "[1,2,]",
	                                         "[",
	                                         "]",
	                                         "",
	                                         "   ",
	                                         "[1]x",
	                                         "[+1.5e+3]",
	                                         "[.5]",
	                                         "[5.]",
	                                         "[1e]",
	                                         "[-]",
	                                         "[ 1 ]",
	                                         "\t[\n1\r,\f2\v]\n",
	                                         "[1e+400]",
	                                         "[123456789012345678901234567890]",
	                                         "[0.000000000000000000000000000000000000000000001]"};
	char name[32];

	for (size_t i = 0; i < sizeof(edge_cases) / sizeof(edge_cases[0]); i++)
	{
		snprintf(name, sizeof(name), "edge%02zu", i);
		text_seed(name, edge_cases[i]);
	}
	list_seed("dims128", PGFACE_RESNET_DIMS, 0, 0);
	list_seed("dims128-spaced", PGFACE_RESNET_DIMS, 1, 0);
	list_seed("dims127", PGFACE_RESNET_DIMS - 1, 0, 0);
	list_seed("dims129", PGFACE_RESNET_DIMS + 1, 0, 0);
	list_seed("dims4096", PGFACE_MAX_DIMS, 0, 1);
	list_seed("dims4097", PGFACE_MAX_DIMS + 1, 0, 1);
}

/* ---- model files ---- */

/* One table entry as models/README.md lays it out. */
static void
put_entry(unsigned char *entry, const char *name, int ndim, const int *shape, uint64_t offset)
{
	snprintf((char *) entry, PGFACE_MODEL_NAME_BYTES, "%s", name);
	put_u32(entry + 96, PGFACE_MODEL_DTYPE_FLOAT32);
	put_u32(entry + 100, (uint32_t) ndim);
	for (int d = 0; d < ndim; d++)
		put_u32(entry + 104 + 4 * d, (uint32_t) shape[d]);
	put_u64(entry + 120, offset);
}

/* A valid three-tensor file: a [2, 3] matrix, a [3] vector and a scalar, sealed. */
static void
small_model_seed(void)
{
	enum
	{
		SIZE = 512
	};
	unsigned char file[SIZE] = {0};
	static const int matrix[] = {2, 3};
	static const int vector[] = {3};

	put_model_header(file, 3, 448, SIZE);
	put_entry(file + 64, "conv0/filters", 2, matrix, 448);
	put_entry(file + 192, "conv0/bias", 1, vector, 448);
	put_entry(file + 320, "fc/weights@panels16", 0, NULL, 448 + 0);
	for (int i = 0; i < 16; i++)
	{
		float v = (float) i - 7.5f;
		memcpy(file + 448 + 4 * i, &v, 4);
	}
	put_u32(file + 40, pgface_model_checksum(file + 64, SIZE - 64));
	write_seed("model_file_fuzz", "small.pgfm", file, SIZE);
}

/* The first bytes of a real model: its whole header and table, and the data cut short. */
static void
truncated_model_seed(const char *model_dir, const char *file_name, size_t keep)
{
	char path[4096];
	unsigned char *bytes = malloc(keep);
	FILE *f;
	size_t got;

	snprintf(path, sizeof(path), "%s/%s", model_dir, file_name);
	f = fopen(path, "rb");
	if (f == NULL)
	{
		perror(path);
		exit(1);
	}
	got = fread(bytes, 1, keep, f);
	fclose(f);
	snprintf(path, sizeof(path), "truncated-%s", file_name);
	write_seed("model_file_fuzz", path, bytes, got);
	free(bytes);
}

/* Writes all three corpora; run again, it overwrites its own seeds and keeps what the fuzzers
 * added. */
int
main(int argc, char **argv)
{
	if (argc != 3)
	{
		fprintf(stderr, "usage: make_seeds OUT MODEL_DIR\n");
		return 2;
	}
	snprintf(out_dir, sizeof(out_dir), "%s", argv[1]);
	image_seeds(argv[2]);
	embedding_seeds();
	small_model_seed();
	truncated_model_seed(argv[2], PGFACE_DETECTOR_MODEL_FILE, 8192);
	truncated_model_seed(argv[2], PGFACE_LANDMARK_MODEL_FILE, 8192);
	truncated_model_seed(argv[2], PGFACE_RESNET_MODEL_FILE, 20480);
	return 0;
}

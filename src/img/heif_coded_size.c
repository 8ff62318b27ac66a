/*
 * heif_coded_size.c: the size a HEIF's HEVC streams will decode to, read from the
 * sequence parameter sets in its hvcC boxes, before libheif decodes anything.
 *
 * libheif 1.15 judges an image by its ispe box, a claim, and then decodes whatever size
 * the coded stream holds: a 15 kB file with an ispe of 64x64 coding 8192x8192 pixels
 * took 430 MB before it could be refused. Every hvcC in the file is read (the primary
 * image's, a grid's tiles', the thumbnails'), so no stream decodes past the limit.
 */
#include "img/decoder.h"

#include <stdio.h>
#include <string.h>

typedef struct bit_reader
{
	const unsigned char *bytes; /* the SPS payload with emulation-prevention bytes removed */
	size_t length;
	size_t bit;
	int overrun;
} bit_reader;

static uint32_t
read_bits(bit_reader *reader, int count)
{
	uint32_t value = 0;

	for (int i = 0; i < count; i++, reader->bit++)
	{
		if (reader->bit / 8 >= reader->length)
		{
			reader->overrun = 1;
			return 0;
		}
		value = value << 1 | ((reader->bytes[reader->bit / 8] >> (7 - reader->bit % 8)) & 1);
	}
	return value;
}

/* Exp-Golomb ue(v); more than 31 leading zeros is malformed. */
static uint32_t
read_unsigned_golomb(bit_reader *reader)
{
	int zeros = 0;

	while (!reader->overrun && read_bits(reader, 1) == 0)
		if (++zeros > 31)
		{
			reader->overrun = 1;
			return 0;
		}
	return zeros == 0 ? 0 : ((1u << zeros) - 1) + read_bits(reader, zeros);
}

/* profile_tier_level(1, max_sub_layers_minus1) of H.265 7.3.3, skipped. */
static void
skip_profile_tier_level(bit_reader *reader, int max_sub_layers_minus1)
{
	int profile_present[8] = {0};
	int level_present[8] = {0};

	read_bits(reader, 32), read_bits(reader, 32), read_bits(reader, 24); /* general: 88 */
	read_bits(reader, 8);                                                /* general level */
	for (int i = 0; i < max_sub_layers_minus1; i++)
	{
		profile_present[i] = (int) read_bits(reader, 1);
		level_present[i] = (int) read_bits(reader, 1);
	}
	if (max_sub_layers_minus1 > 0)
		for (int i = max_sub_layers_minus1; i < 8; i++)
			read_bits(reader, 2);
	for (int i = 0; i < max_sub_layers_minus1; i++)
	{
		if (profile_present[i])
			read_bits(reader, 32), read_bits(reader, 32), read_bits(reader, 24);
		if (level_present[i])
			read_bits(reader, 8);
	}
}

/* pic_width and pic_height_in_luma_samples of one SPS NAL unit; 0 when it is malformed. */
static int
sps_size(const unsigned char *nal, size_t length, int64_t *width, int64_t *height)
{
	unsigned char payload[512];
	size_t kept = 0;
	bit_reader reader = {payload, 0, 0, 0};
	int max_sub_layers_minus1;

	/* after the 2-byte NAL header, drop each 03 of a 00 00 03 */
	for (size_t i = 2; i < length && kept < sizeof(payload); i++)
	{
		if (nal[i] == 3 && kept >= 2 && payload[kept - 1] == 0 && payload[kept - 2] == 0)
			continue;
		payload[kept++] = nal[i];
	}
	reader.length = kept;
	read_bits(&reader, 4); /* sps_video_parameter_set_id */
	max_sub_layers_minus1 = (int) read_bits(&reader, 3);
	read_bits(&reader, 1); /* sps_temporal_id_nesting_flag */
	if (max_sub_layers_minus1 > 6)
		return 0;
	skip_profile_tier_level(&reader, max_sub_layers_minus1);
	read_unsigned_golomb(&reader);          /* sps_seq_parameter_set_id */
	if (read_unsigned_golomb(&reader) == 3) /* chroma_format_idc */
		read_bits(&reader, 1);              /* separate_colour_plane_flag */
	*width = read_unsigned_golomb(&reader);
	*height = read_unsigned_golomb(&reader);
	return !reader.overrun;
}

/* Every SPS of one hvcC box's payload, judged by the size rule. */
static pgface_code
check_hvcc(const unsigned char *box, size_t length, int64_t max_pixels, pgface_status *status)
{
	size_t at = 23; /* 22 bytes of configuration, then numOfArrays */
	int arrays;

	if (length < 23)
		return pgface_fail(status, PGFACE_ERR_IMAGE_CORRUPT, "the HEIF is corrupt: short hvcC");
	arrays = box[22];
	for (int a = 0; a < arrays; a++)
	{
		int type;
		unsigned count;

		if (at + 3 > length)
			return pgface_fail(status, PGFACE_ERR_IMAGE_CORRUPT, "the HEIF is corrupt: hvcC");
		type = box[at] & 0x3f;
		count = (unsigned) box[at + 1] << 8 | box[at + 2];
		at += 3;
		for (unsigned n = 0; n < count; n++)
		{
			size_t nal;
			int64_t width = 0;
			int64_t height = 0;

			if (at + 2 > length || (nal = (size_t) box[at] << 8 | box[at + 1]) > length - at - 2)
				return pgface_fail(status, PGFACE_ERR_IMAGE_CORRUPT, "the HEIF is corrupt: hvcC");
			at += 2;
			if (type == 33 && !sps_size(box + at, nal, &width, &height))
				return pgface_fail(status, PGFACE_ERR_IMAGE_CORRUPT,
				                   "the HEIF is corrupt: its HEVC sequence parameters");
			if (type == 33 &&
			    pgface_image_check_size(status, "HEIF", width, height, max_pixels) != PGFACE_OK)
			{
				char reason[sizeof(status->message)];

				snprintf(reason, sizeof(reason), "%s", status->message);
				return pgface_fail(status, status->code, "the HEIF's HEVC stream codes %s",
				                   strncmp(reason, "the image is ", 13) == 0 ? reason + 13
				                                                             : reason);
			}
			at += nal;
		}
	}
	return PGFACE_OK;
}

/* A box's payload and type at *at, advancing past it; 0 at the end or on a bad size. */
static int
next_box(const unsigned char *bytes, size_t length, size_t *at, const unsigned char **payload,
         size_t *payload_length, char type[5])
{
	uint64_t size;
	size_t header = 8;

	if (*at + 8 > length)
		return 0;
	size = (uint64_t) bytes[*at] << 24 | (uint64_t) bytes[*at + 1] << 16 |
	       (uint64_t) bytes[*at + 2] << 8 | bytes[*at + 3];
	memcpy(type, bytes + *at + 4, 4);
	type[4] = '\0';
	if (size == 1)
	{
		if (*at + 16 > length)
			return 0;
		size = 0;
		for (int i = 0; i < 8; i++)
			size = size << 8 | bytes[*at + 8 + i];
		header = 16;
	}
	else if (size == 0)
		size = length - *at;
	if (size < header || size > length - *at)
		return 0;
	*payload = bytes + *at + header;
	*payload_length = (size_t) size - header;
	*at += (size_t) size;
	return 1;
}

/* The payload of the first child box of this type, or NULL. */
static const unsigned char *
find_box(const unsigned char *bytes, size_t length, const char *wanted, size_t *found_length)
{
	size_t at = 0;
	const unsigned char *payload;
	size_t payload_length;
	char type[5];

	while (next_box(bytes, length, &at, &payload, &payload_length, type))
		if (strcmp(type, wanted) == 0)
		{
			*found_length = payload_length;
			return payload;
		}
	return NULL;
}

pgface_code
pgface_heif_check_coded_size(const unsigned char *bytes, size_t length, int64_t max_pixels,
                             pgface_status *status)
{
	size_t meta_length = 0;
	size_t iprp_length = 0;
	size_t ipco_length = 0;
	const unsigned char *meta = find_box(bytes, length, "meta", &meta_length);
	const unsigned char *iprp = meta != NULL && meta_length >= 4
	                                ? find_box(meta + 4, meta_length - 4, "iprp", &iprp_length)
	                                : NULL; /* meta is a full box: version and flags */
	const unsigned char *ipco =
	    iprp != NULL ? find_box(iprp, iprp_length, "ipco", &ipco_length) : NULL;
	size_t at = 0;
	const unsigned char *payload;
	size_t payload_length;
	char type[5];

	if (ipco == NULL)
		return PGFACE_OK; /* libheif will say what is missing */
	while (next_box(ipco, ipco_length, &at, &payload, &payload_length, type))
		if (strcmp(type, "hvcC") == 0 &&
		    check_hvcc(payload, payload_length, max_pixels, status) != PGFACE_OK)
			return status->code;
	return PGFACE_OK;
}

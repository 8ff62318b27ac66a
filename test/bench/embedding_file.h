/*
 * embedding_file.h: the galleries and probes the index benchmarks read, one
 * embedding a line in the type's text form ([v1,...,v128]), as psql's \copy of
 * a face_embedding column writes them.
 */
#ifndef PGFACE_BENCH_EMBEDDING_FILE_H
#define PGFACE_BENCH_EMBEDDING_FILE_H

#include <stdio.h>
#include <stdlib.h>

#include "face/embedding.h"

/*
 * Every embedding of a file, dims values each, read as the type reads them;
 * a benchmark cannot go on without its data, so a bad file or line ends the
 * program with a message naming it (program: the benchmark's name).
 */
static inline size_t
read_embeddings(const char *program, const char *path, int dims, float **out)
{
	FILE *file = fopen(path, "r");
	size_t capacity = 1024, count = 0, length = 0;
	float *values = malloc(capacity * dims * sizeof(float));
	char *line = NULL;

	if (file == NULL || values == NULL)
	{
		fprintf(stderr, "%s: cannot read %s\n", program, path);
		exit(2);
	}
	while (getline(&line, &length, file) > 0)
	{
		if (count == capacity)
			values = realloc(values, (capacity *= 2) * dims * sizeof(float));
		if (values == NULL ||
		    pgface_emb_parse(line, values + count * dims, dims).status != PGFACE_EMB_OK)
		{
			fprintf(stderr, "%s: %s line %zu is not an embedding of %d values\n", program, path,
			        count + 1, dims);
			exit(2);
		}
		count++;
	}
	free(line);
	fclose(file);
	*out = values;
	return count;
}

#endif

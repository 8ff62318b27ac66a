/*
 * unit_main.c: runs every table of core unit tests and prints the tally.
 */
#include <stdio.h>

#include "unit.h"

static int failures_in_current_test;

void
unit_fail(const char *file, int line, const char *expression)
{
	failures_in_current_test++;
	printf("#   %s:%d: check failed: %s\n", file, line, expression);
}

int
main(void)
{
	const unit_test *tables[] = {embedding_text_tests,
	                             embedding_distance_tests,
	                             embedding_model_tests,
	                             nn_layer_tests,
	                             gemm_tests,
	                             model_file_tests,
	                             image_tests,
	                             exif_tests,
	                             offload_tests,
	                             embedding_statistics_tests,
	                             index_bounds_tests,
	                             index_columns_tests,
	                             index_order_tests,
	                             index_tightness_tests,
	                             shape_predictor_tests,
	                             identify_tests,
	                             quality_tests,
	                             align_tests};
	int passed = 0;
	int failed = 0;

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const unit_test *test = tables[t]; test->name != NULL; test++)
		{
			failures_in_current_test = 0;
			test->run();
			if (failures_in_current_test == 0)
				printf("ok %d - %s\n", ++passed + failed, test->name);
			else
				printf("not ok %d - %s\n", passed + ++failed, test->name);
		}
	printf("%d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}

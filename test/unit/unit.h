/*
 * unit.h: a minimal test harness for the core. Each test is a function; it
 * fails when any CHECK in it fails. The runner prints TAP-style lines and a
 * closing "N passed, N failed" that the suite script adds up.
 */
#ifndef PGFACE_UNIT_H
#define PGFACE_UNIT_H

/* Records one failed check; the test goes on so that one run shows every failure. */
void unit_fail(const char *file, int line, const char *expression);

#define CHECK(cond)                                                                                \
	do                                                                                             \
	{                                                                                              \
		if (!(cond))                                                                               \
			unit_fail(__FILE__, __LINE__, #cond);                                                  \
	} while (0)

typedef struct unit_test
{
	const char *name;
	void (*run)(void);
} unit_test;

/* Each test file exports its table, ended by {NULL, NULL}. */
extern const unit_test embedding_text_tests[];
extern const unit_test embedding_distance_tests[];
extern const unit_test embedding_model_tests[];
extern const unit_test nn_layer_tests[];
extern const unit_test gemm_tests[];
extern const unit_test model_file_tests[];
extern const unit_test image_tests[];
extern const unit_test offload_tests[];
extern const unit_test exif_tests[];
extern const unit_test embedding_statistics_tests[];
extern const unit_test index_bounds_tests[];
extern const unit_test index_columns_tests[];
extern const unit_test index_order_tests[];
extern const unit_test index_tightness_tests[];
extern const unit_test shape_predictor_tests[];
extern const unit_test identify_tests[];
extern const unit_test quality_tests[];
extern const unit_test align_tests[];

#endif

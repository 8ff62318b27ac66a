/*
 * embedding_statistics.h: what pgface knows about a model's embedding space,
 * measured on LFW with pgface's own pipeline: the principal axes that the GiST
 * index keys on, and the impostor-distance distribution that the planner's
 * estimates rest on. The numbers live in embedding_statistics_data.c, written
 * by tools/fit_statistics.js; the command is in doc/benchmarks.md.
 */
#ifndef PGFACE_EMBEDDING_STATISTICS_H
#define PGFACE_EMBEDDING_STATISTICS_H

/*
 * How many principal axes an index key keeps. Stored in every index page:
 * changing it, the axes or the mean makes existing indexes wrong, so all three
 * may only change together with the index format version.
 */
#define PGFACE_INDEX_AXES 64

typedef struct pgface_embedding_statistics
{
	int dims;
	int photos;        /* embeddings the figures were fitted on */
	const float *mean; /* [dims] */
	const float *axes; /* [PGFACE_INDEX_AXES][dims], orthonormal rows, largest variance first */
	const float *axis_sigma; /* [PGFACE_INDEX_AXES]: standard deviation along each axis */
	/* Impostor distances (two photos of different people): ascending distance quantiles. */
	int impostor_points;
	const double *impostor_distance; /* [impostor_points] */
	const double *impostor_fraction; /* [impostor_points]: share of impostor pairs at or below */
	/*
	 * [impostor_points]: how unevenly those pairs fall among people, as the
	 * shape alpha of a beta-binomial: among M faces a stranger has on average
	 * mu = M F look-alikes at or below the distance (F the fraction), with
	 * variance mu (1 - F) (alpha + M F) / (alpha + F), about mu + mu^2 / alpha.
	 * Small alpha: a few faces resemble many. Non-decreasing.
	 */
	const double *impostor_shape;
} pgface_embedding_statistics;

/* The statistics of the model with this tag (its descriptor's), or NULL when none were fitted. */
const pgface_embedding_statistics *pgface_embedding_statistics_lookup(int model_tag);

/*
 * Coordinates of an embedding on the principal axes, and the length of what the
 * axes leave out. Because the axes are orthonormal, for any two embeddings
 * |x - y|^2 = |px - py|^2 + |rx - ry|^2 >= |px - py|^2 + (|rx| - |ry|)^2,
 * which is the lower bound the index prunes with.
 */
void pgface_project_embedding(const pgface_embedding_statistics *stats, const float *values,
                              float *coordinates, float *residual_norm);

/*
 * The share of impostor pairs whose distance is at most tau, interpolated in
 * the measured quantiles (log-linearly in the far tail); 0 below the smallest
 * measured distance is never claimed, the tail is extrapolated instead.
 */
double pgface_impostor_fraction(const pgface_embedding_statistics *stats, double tau);

/*
 * The inverse of pgface_impostor_fraction: the distance at or below which the
 * given share of impostor pairs lies (0 for a share of 0 or less, the largest
 * measured distance for 1 or more).
 */
double pgface_impostor_distance(const pgface_embedding_statistics *stats, double fraction);

/*
 * The share of strangers accepted at tau by a gallery of the given size: found
 * within tau of at least one enrolled face. The N = gallery comparisons are
 * not independent, because some strangers resemble many people: each
 * stranger's per-face share is Beta distributed with mean F(tau) and shape
 * alpha(tau), which makes the number of look-alikes beta-binomial:
 * far = 1 - B(alpha, beta + N) / B(alpha, beta), beta = alpha (1 - F) / F.
 * One face gives F exactly; for small F it is the negative binomial
 * 1 - (1 + N F / alpha)^-alpha, and alpha -> infinity gives independent
 * comparisons. Needs gallery >= 1.
 */
double pgface_open_set_far(const pgface_embedding_statistics *stats, double tau, double gallery);

/*
 * The inverse of pgface_open_set_far in tau: the threshold at which a
 * stranger is accepted with probability far. Needs 0 < far < 1 and gallery >= 1.
 */
double pgface_open_set_tau(const pgface_embedding_statistics *stats, double far, double gallery);

#endif

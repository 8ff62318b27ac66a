/*
 * identify.h: "who is this, or nobody", from the distances of a probe's nearest people.
 *
 * The rule measured best on the open-set benchmark (doc/identification.md): name the
 * nearest person when the ratio of their distance d1 to the geometric mean of the next
 * k people's (d2 .. d(k+1)) is small. A stranger is about as far from their nearest
 * look-alike as from the next few; an enrolled person is much nearer their own photo. The
 * threshold that accepts a share far of strangers in a gallery of N people is
 * (far / C) ^ (1 / (A + B ln N)): a stranger's score below t has probability C t^alpha,
 * with alpha growing with ln N, fitted on LFW for each model. No server dependency.
 */
#ifndef PGFACE_IDENTIFY_H
#define PGFACE_IDENTIFY_H

/* A model's fitted calibration of the rule. */
typedef struct pgface_identify_calibration
{
	int cohort; /* k: the people after the nearest whose distances make the denominator */
	double c;   /* far = c * t^alpha */
	double a;   /* alpha = a + b ln N */
	double b;
} pgface_identify_calibration;

/*
 * The score of a probe whose nearest people lie at distances[0] <= distances[1] <= ...
 * (count of them, one distance each: the nearest photo of each person): distances[0]
 * over the geometric mean of the next min(k, count - 1). Returns a negative value when
 * there is no second person, and 0 when the first distance is 0 (an exact match).
 */
double pgface_identify_score(const pgface_identify_calibration *calibration,
                             const double *distances, int count);

/*
 * The score below which a stranger is accepted with probability far by a gallery of
 * people enrolled persons, for a score whose cohort had `cohort` people (fewer than the
 * calibration's when the gallery holds fewer: C is then that cohort's). Needs 0 < far < 1,
 * people >= 2 and 1 <= cohort.
 */
double pgface_identify_threshold(const pgface_identify_calibration *calibration, double far,
                                 double people, int cohort);

/* The people a score of `count` nearest people uses: the cohort, or fewer when there are. */
int pgface_identify_cohort(const pgface_identify_calibration *calibration, int count);

#endif

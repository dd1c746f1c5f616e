/* The ranks of a run's partial limits: rank(A) of its done `partial` trials, counted per rank, and
 * the mean of rank / m with its 95% interval (sgema-sweep --ranks, sgema-plot ranks). */
#ifndef SGEMA_PARTIAL_RANKS_H
#define SGEMA_PARTIAL_RANKS_H

#include "summary.h"

#include <stddef.h>

/* count[k] is how many partial limits have rank k, for k = 1 .. m - 1 (count[0] and count[m] stay
 * 0: a partial limit has 0 < rank < m, docs/MODEL.md); `outside` counts the partial limits whose
 * stored rank is not in 1 .. m - 1 (a damaged file). */
typedef struct {
  int m;
  long partial; /* the done partial limits, `outside` among them */
  long outside;
  long *count; /* [m + 1] */
} rank_hist;

/* An empty histogram for rank(A) of an m-column A; -1 when out of memory. */
int rank_hist_init(rank_hist *h, int m);
void rank_hist_free(rank_hist *h);
/* Adds b's counts to a (same m): runs pooled into one point. */
void rank_hist_add(rank_hist *a, const rank_hist *b);

/* Streams run i's done, class and rank columns (chunk by chunk, bounded memory) into h, which it
 * initialises for the run's m (rank_hist_free it either way). -1 with a one-line reason in err on
 * a read failure. */
int rank_hist_read(sum_file *f, size_t i, rank_hist *h, char *err, size_t errsize);

/* The partial limits with a rank in 1 .. m - 1: the denominator of every fraction below. */
long rank_hist_total(const rank_hist *h);

/* The mean of rank / m over those limits (NaN when none), and its 95% interval: the normal interval
 * of a mean, mean +- z s / sqrt(N) with s the sample standard deviation, clipped to the values a
 * partial limit can take, [1/m, (m - 1)/m]; with one limit, that whole range (one value says
 * nothing of the spread). NaN bounds when there is none. */
double rank_hist_mean(const rank_hist *h);
void rank_hist_mean_interval(const rank_hist *h, double z, double *lo, double *hi);

#endif

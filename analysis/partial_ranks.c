/* The ranks of a run's partial limits, streamed from its done, class and rank columns, and the
 * mean of rank / m with its interval. */
#include "partial_ranks.h"
#include "limit_rows.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int rank_hist_init(rank_hist *h, int m) {
  memset(h, 0, sizeof *h);
  h->m = m;
  h->count = calloc(m > 0 ? (size_t)m + 1 : 1, sizeof *h->count);
  return h->count ? 0 : -1;
}

void rank_hist_free(rank_hist *h) {
  free(h->count);
  memset(h, 0, sizeof *h);
}

void rank_hist_add(rank_hist *a, const rank_hist *b) {
  a->partial += b->partial;
  a->outside += b->outside;
  for (int k = 0; k <= a->m && k <= b->m; k++)
    a->count[k] += b->count[k];
}

long rank_hist_total(const rank_hist *h) {
  return h->partial - h->outside;
}

/* A partial limit counted by rank (limit_visit). */
static int count_limit(void *ctx, uint32_t trial, int cls, int rank, char *err, size_t errsize) {
  (void)trial, (void)err, (void)errsize;
  rank_hist *h = ctx;
  if (cls != SGEMA_CLASS_PARTIAL)
    return 0;
  h->partial++;
  if (rank >= 1 && rank < h->m)
    h->count[rank]++;
  else
    h->outside++;
  return 0;
}

int rank_hist_read(sum_file *f, size_t i, rank_hist *h, char *err, size_t errsize) {
  if (rank_hist_init(h, f->runs[i].m) != 0)
    return results_errorf(err, errsize, "out of memory");
  return limit_rows_visit(f, i, count_limit, h, err, errsize);
}

double rank_hist_mean(const rank_hist *h) {
  long n = rank_hist_total(h);
  if (n <= 0)
    return NAN;
  double sum = 0.0;
  for (int k = 1; k < h->m; k++)
    sum += (double)k * (double)h->count[k];
  return sum / ((double)n * h->m);
}

void rank_hist_mean_interval(const rank_hist *h, double z, double *lo, double *hi) {
  long n = rank_hist_total(h);
  *lo = *hi = NAN;
  if (n <= 0)
    return;
  /* The only values rank / m can take: a partial limit has 1 <= rank <= m - 1. */
  double least = 1.0 / h->m, most = (h->m - 1.0) / h->m;
  *lo = least;
  *hi = most;
  if (n == 1)
    return;
  double mean = rank_hist_mean(h), ss = 0.0;
  for (int k = 1; k < h->m; k++) {
    double dev = (double)k / h->m - mean;
    ss += (double)h->count[k] * dev * dev;
  }
  double half = z * sqrt(ss / (double)(n - 1)) / sqrt((double)n);
  *lo = fmax(least, mean - half);
  *hi = fmin(most, mean + half);
}

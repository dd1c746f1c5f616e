/* The ranks of a run's partial limits, streamed from its done, class and rank columns, and the
 * mean of rank / m with its interval. */
#include "partial_ranks.h"

#include "results_format.h"

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

/* A per-trial column of the run: one-dimensional, one row per trial. */
static long long open_column(long long g, const char *path, uint32_t trials) {
  long long ds = results_dataset_open(g, path, 0);
  uint64_t dims[3];
  if (ds >= 0 && (results_dataset_dims(ds, dims) != 1 || dims[0] != trials)) {
    results_handle_close(ds);
    ds = -1;
  }
  return ds;
}

/* The partial limits among rows of one chunk, counted by rank. */
static void count_chunk(rank_hist *h, const uint8_t *done, const uint8_t *cls, const int8_t *rank,
                        const uint8_t *map, size_t len) {
  for (size_t k = 0; k < len; k++) {
    if (done[k] != 1 || map[cls[k]] != SGEMA_CLASS_PARTIAL)
      continue;
    h->partial++;
    if (rank[k] >= 1 && rank[k] < h->m)
      h->count[rank[k]]++;
    else
      h->outside++;
  }
}

int rank_hist_read(sum_file *f, size_t i, rank_hist *h, char *err, size_t errsize) {
  const sum_run *r = &f->runs[i];
  if (rank_hist_init(h, r->m) != 0)
    return results_errorf(err, errsize, "out of memory");
  long long g = results_group_open(&f->rf, r->name);
  if (g < 0)
    return results_errorf(err, errsize, "cannot open group " RF_RUNS_PATH "/%s", r->name);
  long long done = open_column(g, RF_DONE, r->trials), mt = -1;
  long long cls = open_column(g, RF_COL(CLASS)->path, r->trials);
  long long rank = open_column(g, RF_COL(RANK)->path, r->trials);
  uint8_t map[256];
  size_t rows = r->trials < SUM_CHUNK_ROWS ? r->trials : SUM_CHUNK_ROWS;
  uint8_t *d = malloc(rows ? rows : 1), *c = malloc(rows ? rows : 1);
  int8_t *k = malloc(rows ? rows : 1);
  int st = 0;
  if (done < 0 || cls < 0 || rank < 0)
    st = results_errorf(err, errsize, RF_RUNS_PATH "/%s: done, %s or %s missing or not [trials]",
                        r->name, RF_COL(CLASS)->path, RF_COL(RANK)->path);
  else if (results_enum_map(cls, SGEMA_CLASS_COUNT, results_class_name_i, map, &mt) != 0)
    st = results_errorf(err, errsize, RF_RUNS_PATH "/%s/%s: not a one-byte enum", r->name,
                        RF_COL(CLASS)->path);
  else if (!d || !c || !k)
    st = results_errorf(err, errsize, "out of memory");
  for (uint64_t r0 = 0; st == 0 && r0 < r->trials; r0 += SUM_CHUNK_ROWS) {
    size_t len = r->trials - r0 < SUM_CHUNK_ROWS ? (size_t)(r->trials - r0) : SUM_CHUNK_ROWS;
    if (results_read_rows(done, results_mem_type(RESULTS_MEM_U8), r0, len, 1, d) != 0 ||
        results_read_rows(cls, mt, r0, len, 1, c) != 0 ||
        results_read_rows(rank, results_mem_type(RESULTS_MEM_I8), r0, len, 1, k) != 0)
      st =
          results_errorf(err, errsize, RF_RUNS_PATH "/%s: cannot read the ranks of rows %llu..%llu",
                         r->name, (unsigned long long)r0, (unsigned long long)(r0 + len - 1));
    else
      count_chunk(h, d, c, k, map, len);
  }
  free(d);
  free(c);
  free(k);
  results_handle_close(mt);
  results_handle_close(rank);
  results_handle_close(cls);
  results_handle_close(done);
  results_handle_close(g);
  return st;
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

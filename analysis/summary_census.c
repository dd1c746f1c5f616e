/* sgema-summary's pass over a census run (kind: census): per data set its done flag, status,
 * counts and path ends, and its stored equilibria's ranks and classes, streamed in blocks. */
#define _POSIX_C_SOURCE 200809L
#include "summary.h"

#include "results_format.h"

#include <stdlib.h>
#include <string.h>

/* The census run's datasets this pass reads, and their values per row. */
enum {
  K_DONE,
  K_STATUS,
  K_COUNTS,
  K_PATHS,
  K_OVERFLOW,
  K_DROPPED,
  K_DUPLICATES,
  K_RANK,
  K_CLASS,
  K_COUNT
};

static const char *k_path(int k) {
  static const rf_col cols[K_COUNT] = {
      RF_COL_COUNT,           RF_COL_CENSUS_STATUS,  RF_COL_CENSUS_COUNTS,     RF_COL_CENSUS_PATHS,
      RF_COL_CENSUS_OVERFLOW, RF_COL_CENSUS_DROPPED, RF_COL_CENSUS_DUPLICATES, RF_COL_EQ_RANK,
      RF_COL_EQ_CLASS};
  return k == K_DONE ? RF_DONE : rf_column_info(cols[k])->path;
}

static size_t k_width(int k, size_t E) {
  return k == K_COUNTS ? RF_CENSUS_KINDS : k == K_PATHS ? RF_CENSUS_PATHS : k >= K_RANK ? E : 1;
}

/* Element bytes as read: done, rank and class one byte, paths 8, the others int32. */
static size_t k_size(int k) {
  return k == K_DONE || k >= K_RANK ? 1 : k == K_PATHS ? 8 : 4;
}

/* One block of rows counted into c; len rows at the buffers. */
static int count_block(const sum_run *r, void *const *b, const uint8_t *map, uint64_t r0,
                       size_t len, size_t E, sum_census *c, long *done, char *err, size_t errsize) {
  const uint8_t *dn = b[K_DONE], *cls = b[K_CLASS];
  const int32_t *status = b[K_STATUS], *counts = b[K_COUNTS], *over = b[K_OVERFLOW],
                *dropped = b[K_DROPPED], *dup = b[K_DUPLICATES];
  const int64_t *paths = b[K_PATHS];
  const int8_t *rank = b[K_RANK];
  for (size_t k = 0; k < len; k++) {
    if (dn[k] > 1)
      return results_errorf(err, errsize,
                            "damaged file: " RF_RUNS_PATH "/%s/" RF_DONE
                            " row %llu is %u (a done flag is 0 or 1)",
                            r->name, (unsigned long long)(r0 + k), dn[k]);
    if (!dn[k])
      continue;
    (*done)++;
    if (status[k] != 0) {
      c->failed++;
      continue;
    }
    int pd = counts[k * RF_CENSUS_KINDS + SGEMA_SOLUTION_PD];
    c->pd[pd < 0 ? 0 : pd > SUM_PD_MAX ? SUM_PD_MAX : pd]++;
    for (int p = 0; p < RF_CENSUS_PATHS; p++)
      c->paths[p / 4][p % 4] += paths[k * RF_CENSUS_PATHS + p];
    c->overflow += over[k];
    c->overflow_sets += over[k] > 0;
    c->dropped += dropped[k];
    c->duplicates += dup[k];
    int saddle = 0;
    for (size_t j = 0; j < E; j++) {
      int rk = rank[k * E + j];
      uint8_t q = map[cls[k * E + j]];
      if (rk < 0 || rk > SUM_RANK_MAX || q >= SGEMA_EQUILIBRIUM_COUNT)
        continue; /* an empty slot */
      c->eq[rk][q]++;
      c->eq_total[rk]++;
      saddle |= rk >= 1 && q == SGEMA_EQUILIBRIUM_SADDLE;
    }
    c->saddle_sets += saddle;
  }
  return 0;
}

int sum_census_read(sum_file *f, size_t i, char *err, size_t errsize) {
  sum_run *r = &f->runs[i];
  memset(&r->cen, 0, sizeof r->cen);
  r->done = 0;
  size_t E = r->max_equilibria;
  long long g = results_group_open(&f->rf, r->name), ds[K_COUNT], mt = -1;
  void *b[K_COUNT] = {NULL};
  uint8_t map[256];
  int st = 0;
  for (int k = 0; k < K_COUNT; k++)
    ds[k] = -1;
  if (g < 0 || E == 0)
    st = results_errorf(err, errsize, RF_RUNS_PATH "/%s: cannot open the census run%s", r->name,
                        E == 0 ? " (no max_equilibria attribute)" : "");
  for (int k = 0; st == 0 && k < K_COUNT; k++) {
    if ((ds[k] = results_dataset_open(g, k_path(k), 1)) < 0)
      st = results_errorf(err, errsize, RF_RUNS_PATH "/%s/%s: missing", r->name, k_path(k));
    else if (!(b[k] = malloc(SUM_CHUNK_ROWS * k_width(k, E) * k_size(k))))
      st = results_errorf(err, errsize, "out of memory");
  }
  if (st == 0 &&
      results_enum_map(ds[K_CLASS], SGEMA_EQUILIBRIUM_COUNT, results_eqclass_name_i, map, &mt) != 0)
    st = results_errorf(err, errsize, RF_RUNS_PATH "/%s/%s is not a one-byte enum", r->name,
                        k_path(K_CLASS));
  const long long mem[K_COUNT] = {results_mem_type(RESULTS_MEM_U8),
                                  results_mem_type(RESULTS_MEM_I32),
                                  results_mem_type(RESULTS_MEM_I32),
                                  results_mem_type(RESULTS_MEM_I64),
                                  results_mem_type(RESULTS_MEM_I32),
                                  results_mem_type(RESULTS_MEM_I32),
                                  results_mem_type(RESULTS_MEM_I32),
                                  results_mem_type(RESULTS_MEM_I8),
                                  mt};
  for (uint64_t r0 = 0; st == 0 && r0 < r->trials; r0 += SUM_CHUNK_ROWS) {
    size_t len = r->trials - r0 < SUM_CHUNK_ROWS ? (size_t)(r->trials - r0) : SUM_CHUNK_ROWS;
    for (int k = 0; st == 0 && k < K_COUNT; k++) {
      if (results_read_rows(ds[k], mem[k], r0, len, k_width(k, E), b[k]) != 0)
        st = results_errorf(err, errsize, RF_RUNS_PATH "/%s/%s: cannot read rows or wrong shape",
                            r->name, k_path(k));
    }
    if (st == 0)
      st = count_block(r, b, map, r0, len, E, &r->cen, &r->done, err, errsize);
  }
  results_handle_close(mt);
  for (int k = 0; k < K_COUNT; k++) {
    results_handle_close(ds[k]);
    free(b[k]);
  }
  results_handle_close(g);
  r->read = st == 0;
  return st;
}

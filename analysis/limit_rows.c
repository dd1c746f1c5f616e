/* A run's done trials one by one with their class and rank, streamed from the results file. */
#include "limit_rows.h"

#include "results_format.h"

#include <stdlib.h>

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

int limit_rows_visit(const sum_file *f, size_t i, limit_visit visit, void *ctx, char *err,
                     size_t errsize) {
  const sum_run *r = &f->runs[i];
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
        results_read_rows(rank, results_mem_type(RESULTS_MEM_I8), r0, len, 1, k) != 0) {
      st = results_errorf(err, errsize, RF_RUNS_PATH "/%s: cannot read rows %llu..%llu", r->name,
                          (unsigned long long)r0, (unsigned long long)(r0 + len - 1));
      break;
    }
    for (size_t j = 0; st == 0 && j < len; j++)
      if (d[j] == 1)
        st = visit(ctx, (uint32_t)(r0 + j), map[c[j]], k[j], err, errsize);
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

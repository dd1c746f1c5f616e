/* Streaming reads of a results file's recorded trajectories and per-trial columns, in chunks. */
#define _POSIX_C_SOURCE 200809L
#include "results_traj.h"

#include "results_format.h"

#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static hid_t open_group(const results_file *f, size_t run, const char *sub) {
  char path[600];
  snprintf(path, sizeof path, RF_RUNS_PATH "/%s%s%s", f->runs[run].name, sub ? "/" : "",
           sub ? sub : "");
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  return H5Gopen2((hid_t)f->hid, path, H5P_DEFAULT);
}

int results_traj_recorded(const results_file *f, size_t run, uint32_t *trajectories,
                          uint32_t *state_dim, char *err, size_t errsize) {
  hid_t g = open_group(f, run, NULL);
  if (g < 0)
    return results_errorf(err, errsize, "cannot open group " RF_RUNS_PATH "/%s", f->runs[run].name);
  *trajectories = 0;
  results_attr_read(g, RF_RUN(TRAJECTORIES), H5T_NATIVE_UINT32, trajectories);
  int st = results_attr_read(g, RF_RUN(STATE_DIM), H5T_NATIVE_UINT32, state_dim);
  H5Gclose(g);
  if (st != 0)
    return results_errorf(err, errsize, RF_RUNS_PATH "/%s: no %s attribute", f->runs[run].name,
                          RF_RUN(STATE_DIM));
  return 0;
}

/* Rank-`rank` dataset `name` under g whose first dimension is at least `rows` (and, for rank 2,
 * whose second is `cols`); -1 otherwise. */
static hid_t open_shaped(hid_t g, const char *name, int rank, hsize_t rows, hsize_t cols) {
  hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
  if (ds < 0)
    return -1;
  hid_t sp = H5Dget_space(ds);
  hsize_t dims[2] = {0, 0};
  int ok = sp >= 0 && H5Sget_simple_extent_ndims(sp) == rank &&
           H5Sget_simple_extent_dims(sp, dims, NULL) == rank && dims[0] >= rows &&
           (rank == 1 || dims[1] == cols);
  if (sp >= 0)
    H5Sclose(sp);
  if (!ok) {
    H5Dclose(ds);
    return -1;
  }
  return ds;
}

/* Rows [r0, r0 + len) of column j (0 for a one-dimensional dataset) into buf, read as mtype. */
static int read_column(hid_t ds, hid_t mtype, hsize_t r0, hsize_t len, hsize_t j, void *buf) {
  hid_t fs = H5Dget_space(ds);
  if (fs < 0)
    return -1;
  int rank = H5Sget_simple_extent_ndims(fs);
  hsize_t start[2] = {r0, j}, count[2] = {len, 1};
  hid_t ms = H5Screate_simple(1, &len, NULL);
  int ok = ms >= 0 && rank >= 1 && rank <= 2 &&
           H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
           H5Dread(ds, mtype, ms, fs, H5P_DEFAULT, buf) >= 0;
  if (ms >= 0)
    H5Sclose(ms);
  H5Sclose(fs);
  return ok ? 0 : -1;
}

/* results_enum_map with this file's hid_t types. */
static int enum_map(hid_t ds, int count, const char *(*name_of)(int), uint8_t map[256],
                    hid_t *mtype) {
  long long mt = -1;
  int st = results_enum_map(ds, count, name_of, map, &mt);
  *mtype = (hid_t)mt;
  return st;
}

/* One row of a per-trial dataset as a double (NaN when missing or unreadable). */
static double row_double(hid_t g, const char *name, uint32_t trials, uint32_t k) {
  double v = NAN;
  hid_t ds = open_shaped(g, name, 1, trials, 0);
  if (ds >= 0) {
    if (results_read_rows(ds, H5T_NATIVE_DOUBLE, k, 1, 1, &v) != 0)
      v = NAN;
    H5Dclose(ds);
  }
  return v;
}

static int row_class(hid_t g, uint32_t trials, uint32_t k) {
  uint8_t map[256], raw = 255;
  hid_t mt = -1, ds = open_shaped(g, RF_COL(CLASS)->path, 1, trials, 0);
  int cls = -1;
  if (ds >= 0 && enum_map(ds, SGEMA_CLASS_COUNT, results_class_name_i, map, &mt) == 0 &&
      results_read_rows(ds, mt, k, 1, 1, &raw) == 0 && map[raw] < SGEMA_CLASS_COUNT)
    cls = map[raw];
  if (mt >= 0)
    H5Tclose(mt);
  if (ds >= 0)
    H5Dclose(ds);
  return cls;
}

static long long traj_count_of(hid_t g, uint32_t k) {
  char path[64];
  snprintf(path, sizeof path, RF_TRAJECTORIES "/%u/" RF_TRAJ_COUNT, k);
  long long c = -2;
  hid_t ds = H5Dopen2(g, path, H5P_DEFAULT);
  if (ds < 0)
    return -2;
  if (H5Dread(ds, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, &c) < 0)
    c = -2;
  H5Dclose(ds);
  return c;
}

int results_traj_trial_info(const results_file *f, size_t run, uint32_t k, results_traj_trial *out,
                            char *err, size_t errsize) {
  const results_run *r = &f->runs[run];
  hid_t g = open_group(f, run, NULL);
  if (g < 0)
    return results_errorf(err, errsize, "cannot open group " RF_RUNS_PATH "/%s", r->name);
  uint8_t done = 0;
  hid_t ds = open_shaped(g, RF_DONE, 1, r->trials, 0);
  int ok = ds >= 0 && results_read_rows(ds, H5T_NATIVE_UINT8, k, 1, 1, &done) == 0;
  if (ds >= 0)
    H5Dclose(ds);
  out->done = done == 1;
  out->count = traj_count_of(g, k);
  out->cls = row_class(g, r->trials, k);
  out->r1 = row_double(g, RF_COL(R1)->path, r->trials, k);
  out->r2 = row_double(g, RF_COL(R2)->path, r->trials, k);
  out->a_limit = row_double(g, RF_COL(A_NORM)->path, r->trials, k);
  H5Gclose(g);
  if (!ok)
    return results_errorf(err, errsize,
                          RF_RUNS_PATH "/%s/" RF_DONE ": missing or unreadable row %u", r->name, k);
  if (done > 1)
    return results_errorf(err, errsize,
                          "damaged file: " RF_RUNS_PATH "/%s/" RF_DONE
                          " row %u is %u (a done flag is 0 or 1)",
                          r->name, k, done);
  if (out->count < -1)
    return results_errorf(err, errsize,
                          RF_RUNS_PATH "/%s/" RF_TRAJECTORIES "/%u/" RF_TRAJ_COUNT
                                       ": missing or unreadable",
                          r->name, k);
  return 0;
}

static const char *column_name(int col) {
  return col == RESULTS_TRAJ_T      ? RF_TRAJ_T
         : col == RESULTS_TRAJ_EBAR ? RF_TRAJ_EBAR
         : col == RESULTS_TRAJ_FBAR ? RF_TRAJ_FBAR
                                    : RF_TRAJ_STATE;
}

typedef struct {
  hid_t ds[8];
  double *buf[8];
} traj_columns;

static void columns_close(traj_columns *c, int n) {
  for (int i = 0; i < n; i++) {
    if (c->ds[i] >= 0)
      H5Dclose(c->ds[i]);
    free(c->buf[i]);
  }
}

int results_traj_stream(const results_file *f, size_t run, uint32_t k, long long count,
                        const int *cols, int ncols, results_traj_chunk_fn fn, void *ctx, char *err,
                        size_t errsize) {
  const results_run *r = &f->runs[run];
  uint32_t ntraj = 0, dim = 0;
  if (ncols < 1 || ncols > 8 || results_traj_recorded(f, run, &ntraj, &dim, err, errsize) != 0)
    return ncols < 1 || ncols > 8 ? results_errorf(err, errsize, "bad column count %d", ncols) : -1;
  char sub[64];
  snprintf(sub, sizeof sub, RF_TRAJECTORIES "/%u", k);
  hid_t g = open_group(f, run, sub);
  if (g < 0)
    return results_errorf(err, errsize, RF_RUNS_PATH "/%s/%s: missing", r->name, sub);
  traj_columns c;
  int st = 0, opened = 0;
  for (; opened < ncols && st == 0; opened++) {
    int col = cols[opened];
    c.buf[opened] = malloc(RESULTS_TRAJ_CHUNK_POINTS * sizeof(double));
    c.ds[opened] = col >= RESULTS_TRAJ_STATE
                       ? open_shaped(g, RF_TRAJ_STATE, 2, (hsize_t)count, dim)
                       : open_shaped(g, column_name(col), 1, (hsize_t)count, 0);
    if (col >= (int)dim)
      st = results_errorf(err, errsize, RF_RUNS_PATH "/%s/%s: no state component %d", r->name, sub,
                          col);
    else if (c.ds[opened] < 0 || !c.buf[opened])
      st = results_errorf(err, errsize,
                          RF_RUNS_PATH "/%s/%s/%s: missing or shorter than its count %lld", r->name,
                          sub, column_name(col), count);
    else {
      /* A count and shape claiming more points than the file stores would stream fill values. */
      char path[700];
      snprintf(path, sizeof path, RF_RUNS_PATH "/%s/%s/%s", r->name, sub, column_name(col));
      st = results_check_storage(c.ds[opened], path, err, errsize);
    }
  }
  /* Chunks overlap by one point (see results_traj_chunk_fn): chunk i covers [first, first + len).
   */
  const double *view[8] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
  for (long long first = 0; st == 0 && first + 1 < count + (count == 1);) {
    long long len =
        count - first < RESULTS_TRAJ_CHUNK_POINTS ? count - first : RESULTS_TRAJ_CHUNK_POINTS;
    for (int i = 0; i < ncols && st == 0; i++) {
      int col = cols[i];
      if (read_column(c.ds[i], H5T_NATIVE_DOUBLE, (hsize_t)first, (hsize_t)len,
                      col >= RESULTS_TRAJ_STATE ? (hsize_t)col : 0, c.buf[i]) != 0)
        st = results_errorf(err, errsize,
                            RF_RUNS_PATH "/%s/%s/%s: cannot read points %lld..%lld (truncated?)",
                            r->name, sub, column_name(col), first, first + len - 1);
      view[i] = c.buf[i];
    }
    if (st == 0)
      st = fn(view, (size_t)len, (size_t)first, ctx);
    first += len - 1;
    if (len == 1)
      break;
  }
  columns_close(&c, opened);
  H5Gclose(g);
  return st;
}

int results_trial_stream(const results_file *f, size_t run, results_trial_chunk_fn fn, void *ctx,
                         char *err, size_t errsize) {
  const results_run *r = &f->runs[run];
  const char *const path[4] = {RF_DONE, RF_COL(DELTA)->path, RF_COL(SPHERE)->path,
                               RF_COL(CLASS)->path};
  hid_t g = open_group(f, run, NULL);
  if (g < 0)
    return results_errorf(err, errsize, "cannot open group " RF_RUNS_PATH "/%s", r->name);
  hid_t ds[4], mt_sphere = -1, mt_class = -1;
  uint8_t map_sphere[256], map_class[256];
  int st = 0;
  for (int c = 0; c < 4; c++) {
    ds[c] = open_shaped(g, path[c], 1, r->trials, 0);
    if (ds[c] < 0 && st == 0)
      st = results_errorf(err, errsize, RF_RUNS_PATH "/%s/%s: missing or not [trials]", r->name,
                          path[c]);
  }
  if (st == 0 &&
      (enum_map(ds[2], RESULTS_SPHERES, results_sphere_name_i, map_sphere, &mt_sphere) != 0 ||
       enum_map(ds[3], SGEMA_CLASS_COUNT, results_class_name_i, map_class, &mt_class) != 0))
    st = results_errorf(err, errsize, RF_RUNS_PATH "/%s: sphere or class is not a one-byte enum",
                        r->name);
  size_t rows = r->trials < RESULTS_CHUNK_ROWS ? r->trials : RESULTS_CHUNK_ROWS;
  uint8_t *done = malloc(rows), *sphere = malloc(rows), *cls = malloc(rows);
  double *delta = malloc(rows * sizeof *delta);
  if (st == 0 && !(done && sphere && cls && delta))
    st = results_errorf(err, errsize, "out of memory");
  for (hsize_t r0 = 0; st == 0 && r0 < r->trials; r0 += rows) {
    hsize_t len = r->trials - r0 < rows ? r->trials - r0 : rows;
    if (results_read_rows(ds[0], H5T_NATIVE_UINT8, r0, len, 1, done) != 0 ||
        results_read_rows(ds[1], H5T_NATIVE_DOUBLE, r0, len, 1, delta) != 0 ||
        results_read_rows(ds[2], mt_sphere, r0, len, 1, sphere) != 0 ||
        results_read_rows(ds[3], mt_class, r0, len, 1, cls) != 0) {
      st = results_errorf(
          err, errsize, RF_RUNS_PATH "/%s: cannot read rows %llu..%llu (truncated or damaged file)",
          r->name, (unsigned long long)r0, (unsigned long long)(r0 + len - 1));
      break;
    }
    for (hsize_t i = 0; i < len && st == 0; i++) {
      sphere[i] = map_sphere[sphere[i]];
      cls[i] = map_class[cls[i]];
      if (done[i] > 1)
        st = results_errorf(err, errsize,
                            "damaged file: " RF_RUNS_PATH "/%s/" RF_DONE
                            " row %llu is %u (a done flag is 0 or 1)",
                            r->name, (unsigned long long)(r0 + i), done[i]);
    }
    if (st != 0)
      break;
    st = fn(done, delta, sphere, cls, (size_t)len, ctx);
  }
  free(done);
  free(sphere);
  free(cls);
  free(delta);
  if (mt_sphere >= 0)
    H5Tclose(mt_sphere);
  if (mt_class >= 0)
    H5Tclose(mt_class);
  for (int c = 0; c < 4; c++)
    if (ds[c] >= 0)
      H5Dclose(ds[c]);
  H5Gclose(g);
  return st;
}

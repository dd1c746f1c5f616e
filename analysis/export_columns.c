/* sgema-export's view of a run: its per-trial datasets as named fields, read in bounded chunks. */
#define _POSIX_C_SOURCE 200809L
#include "export_columns.h"

#include "results_format.h"

#include "sgema/problem.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Enum names by index (the library's names, docs/FORMAT.md), NULL-terminated; filled on open. */
static const char *class_names[SGEMA_CLASS_COUNT + 1];
static const char *end_names[SUM_ENDS + 1];
static const char *sphere_names[SUM_SPHERES + 1];
static const char *solver_names[RESULTS_SOLVERS + 1];

static void fill_names(void) {
  for (int i = 0; i < SGEMA_CLASS_COUNT; i++)
    class_names[i] = results_class_name_i(i);
  for (int i = 0; i < SUM_ENDS; i++)
    end_names[i] = results_end_name_i(i);
  for (int i = 0; i < SUM_SPHERES; i++)
    sphere_names[i] = results_sphere_name_i(i);
  for (int i = 0; i < RESULTS_SOLVERS; i++)
    solver_names[i] = results_solver_name_i(i);
}

/* An enum column: the library's name of each index, how many, and the names as a list. */
typedef struct {
  const char *(*name_of)(int);
  int count;
  const char *const *names;
} enum_info;
static const enum_info class_enum = {results_class_name_i, SGEMA_CLASS_COUNT, class_names};
static const enum_info end_enum = {results_end_name_i, SUM_ENDS, end_names};
static const enum_info sphere_enum = {results_sphere_name_i, SUM_SPHERES, sphere_names};
static const enum_info solver_enum = {results_solver_name_i, RESULTS_SOLVERS, solver_names};

/* Every per-trial dataset of a run (results_format.h), in the CSV's order: inputs, outputs,
 * verification, with draws right after lambda and sphere before status (the order sgema-export has
 * always written, which differs from the writer's creation order in these two places), then the
 * columns of format version 3 at the end, so that the earlier columns keep their places. */
static const rf_col csv_order[] = {RF_COL_LAMBDA,
                                   RF_COL_DRAWS,
                                   RF_COL_SXX,
                                   RF_COL_SYX,
                                   RF_COL_SYY,
                                   RF_COL_Y0,
                                   RF_COL_CLASS,
                                   RF_COL_END,
                                   RF_COL_SPHERE,
                                   RF_COL_STATUS,
                                   RF_COL_SPHERE_AGREES,
                                   RF_COL_RANK,
                                   RF_COL_MAX_REAL_EIG,
                                   RF_COL_SYMMETRY_ZEROS,
                                   RF_COL_A_NORM,
                                   RF_COL_DELTA,
                                   RF_COL_R1,
                                   RF_COL_R2,
                                   RF_COL_T_END,
                                   RF_COL_FIELD_NORM,
                                   RF_COL_STEPS,
                                   RF_COL_REJECTED,
                                   RF_COL_RHS_EVALS,
                                   RF_COL_JAC_EVALS,
                                   RF_COL_Y_END,
                                   RF_COL_EQ6,
                                   RF_COL_EQ7,
                                   RF_COL_BALANCE,
                                   RF_COL_INVARIANT_DRIFT,
                                   RF_COL_INVARIANT_T,
                                   RF_COL_C_MINUS_A,
                                   RF_COL_EBAR_START,
                                   RF_COL_EBAR_END,
                                   RF_COL_FBAR_START,
                                   RF_COL_FBAR_END,
                                   RF_COL_SPECTRUM_SOLVER,
                                   RF_COL_SPECTRUM_FELL_BACK,
                                   RF_COL_EIGENVALUES_RE,
                                   RF_COL_EIGENVALUES_IM,
                                   RF_COL_ABSCISSA_ERROR,
                                   RF_COL_SPECTRUM_PRODUCTS,
                                   RF_COL_JVP_EVALS};
_Static_assert(sizeof csv_order / sizeof csv_order[0] == RF_COL_TRIALS_END,
               "every dataset of a run of trials, once");
#define DATASETS RF_COL_TRIALS_END

/* How the CSV shows a column type, its row shape, and an enum type's names. */
static xcol_kind kind_of(rf_type t) {
  return t == RF_T_F64 ? XCOL_REAL : t >= RF_T_CLASS ? XCOL_ENUM : XCOL_INT;
}
static int shape_of(rf_shape s) {
  return s == RF_SHAPE_MM  ? XCOL_SHAPE_STATS
         : s == RF_SHAPE_N ? XCOL_SHAPE_STATE
         : s == RF_SHAPE_K ? XCOL_SHAPE_EIGEN
                           : XCOL_SHAPE_SCALAR;
}
static const enum_info *enum_of(rf_type t) {
  return t == RF_T_CLASS    ? &class_enum
         : t == RF_T_END    ? &end_enum
         : t == RF_T_SOLVER ? &solver_enum
                            : &sphere_enum;
}

/* A dataset opened without a chunk cache: the reads cover whole blocks of rows, so a cache would
 * only add up to 1 MiB per dataset to the tool's memory. */
static long long open_uncached(long long g, const char *path) {
  return results_dataset_open(g, path, 1);
}

/* Values per row of ds after checking that its shape is [trials] (scalar), [trials, m, m]
 * (statistics), [trials, N] (state) or [trials, k] (eigenvalues, any k >= 1); 0 when it is not. */
static size_t checked_width(long long ds, int shape, uint32_t trials, int m, size_t N) {
  uint64_t dims[3];
  int nd = results_dataset_dims(ds, dims);
  if (nd < 1 || dims[0] != trials)
    return 0;
  if (shape == XCOL_SHAPE_SCALAR)
    return nd == 1 ? 1 : 0;
  if (shape == XCOL_SHAPE_STATS)
    return nd == 3 && dims[1] == (uint64_t)m && dims[2] == (uint64_t)m ? (size_t)m * m : 0;
  if (shape == XCOL_SHAPE_EIGEN)
    return nd == 2 && dims[1] >= 1 && dims[1] <= XCOL_EIGEN_MAX ? (size_t)dims[1] : 0;
  return nd == 2 && (N == 0 || dims[1] == N) ? (size_t)dims[1] : 0;
}

/* "Sxx_0_1"; "y0_A_1_0", "y0_B_0_1", "y0_C_1_0" (the blocks of include/sgema/problem.h); or
 * "y0_5" when the state's length is not the algorithm's. */
static char *element_name(const xcol_dataset *d, size_t e, int m, int n, int state_known) {
  char buf[96];
  if (d->shape == XCOL_SHAPE_SCALAR)
    snprintf(buf, sizeof buf, "%s", d->name);
  else if (d->shape == XCOL_SHAPE_EIGEN)
    snprintf(buf, sizeof buf, "%s_%zu", d->name, e);
  else if (d->shape == XCOL_SHAPE_STATS)
    snprintf(buf, sizeof buf, "%s_%zu_%zu", d->name, e / (size_t)m, e % (size_t)m);
  else if (!state_known)
    snprintf(buf, sizeof buf, "%s_%zu", d->name, e);
  else {
    size_t nm = (size_t)n * m, nn = (size_t)n * n;
    if (e < nm)
      snprintf(buf, sizeof buf, "%s_A_%zu_%zu", d->name, e / (size_t)m, e % (size_t)m);
    else if (e < nm + nn)
      snprintf(buf, sizeof buf, "%s_B_%zu_%zu", d->name, (e - nm) / (size_t)n,
               (e - nm) % (size_t)n);
    else
      snprintf(buf, sizeof buf, "%s_C_%zu_%zu", d->name, (e - nm - nn) / (size_t)m,
               (e - nm - nn) % (size_t)m);
  }
  return strdup(buf);
}

static int open_dataset(xcol_table *t, size_t i, const sum_run *r, size_t N,
                        long long format_version, char *err, size_t errsize) {
  xcol_dataset *d = &t->datasets[i];
  const rf_column *col = rf_column_info(csv_order[i]);
  d->path = col->path;
  d->name = col->name;
  d->kind = kind_of(col->type);
  d->shape = shape_of(col->shape);
  d->ds = open_uncached(t->group, d->path);
  if (d->ds < 0 && format_version < col->since)
    return 0; /* a dataset this file's format lacks (format 1: status; 1, 2: the spectrum's) */
  if (d->ds < 0)
    return results_errorf(err, errsize, RF_RUNS_PATH "/%s/%s: missing", r->name, d->path);
  d->width = checked_width(d->ds, d->shape, r->trials, r->m, N);
  if (d->width == 0)
    return results_errorf(err, errsize, RF_RUNS_PATH "/%s/%s: not of shape [trials%s]", r->name,
                          d->path,
                          d->shape == XCOL_SHAPE_SCALAR  ? ""
                          : d->shape == XCOL_SHAPE_STATS ? ", m, m"
                          : d->shape == XCOL_SHAPE_EIGEN ? ", k"
                                                         : ", N");
  if (d->kind == XCOL_ENUM) {
    const enum_info *en = enum_of(col->type);
    d->enum_names = en->names;
    if (results_enum_map(d->ds, en->count, en->name_of, d->map, &d->mtype) != 0)
      return results_errorf(err, errsize, RF_RUNS_PATH "/%s/%s: not a one-byte enum", r->name,
                            d->path);
  }
  return 0;
}

/* The fields: the trial index, then every value of every dataset. */
static int name_fields(xcol_table *t, int m, int n, int state_known) {
  size_t count = 1;
  for (size_t i = 0; i < t->dataset_count; i++)
    count += t->datasets[i].width;
  t->fields = calloc(count, sizeof *t->fields);
  if (!t->fields)
    return -1;
  t->fields[0].name = strdup("trial");
  t->fields[0].dataset = -1;
  t->field_count = 1;
  for (size_t i = 0; i < t->dataset_count; i++) {
    xcol_dataset *d = &t->datasets[i];
    d->first_field = t->field_count;
    for (size_t e = 0; e < d->width; e++) {
      xcol_field *f = &t->fields[t->field_count++];
      f->dataset = (int)i;
      f->element = e;
      f->name = element_name(d, e, m, n, state_known);
      if (!f->name)
        return -1;
    }
  }
  return t->fields[0].name ? 0 : -1;
}

/* Rows per chunk: as many as fit in XCOL_CHUNK_BYTES, a multiple of the files' chunks of rows
 * when that many fit, at most SUM_CHUNK_ROWS. */
static size_t rows_per_chunk(const xcol_table *t) {
  size_t row_bytes = 1;
  for (size_t i = 0; i < t->dataset_count; i++)
    row_bytes += t->datasets[i].width * (sizeof(double) + (t->datasets[i].kind == XCOL_ENUM));
  size_t rows = XCOL_CHUNK_BYTES / row_bytes;
  if (rows >= RF_CHUNK_ROWS)
    rows -= rows % RF_CHUNK_ROWS;
  if (rows > SUM_CHUNK_ROWS)
    rows = SUM_CHUNK_ROWS;
  if (rows > t->trials)
    rows = t->trials;
  return rows ? rows : 1;
}

static int alloc_buffers(xcol_table *t, size_t max_rows) {
  t->chunk_rows = rows_per_chunk(t);
  if (max_rows > 0 && max_rows < t->chunk_rows)
    t->chunk_rows = max_rows;
  t->done = malloc(t->chunk_rows);
  if (!t->done)
    return -1;
  for (size_t i = 0; i < t->dataset_count; i++) {
    xcol_dataset *d = &t->datasets[i];
    d->buf = malloc(t->chunk_rows * d->width * sizeof *d->buf);
    if (!d->buf)
      return -1;
    if (d->kind == XCOL_ENUM && !(d->raw = malloc(t->chunk_rows * d->width)))
      return -1;
  }
  return 0;
}

int xcol_open(xcol_table *t, const sum_file *f, size_t i, size_t max_rows, char *err,
              size_t errsize) {
  memset(t, 0, sizeof *t);
  t->group = t->done_ds = -1;
  fill_names();
  const sum_run *r = &f->runs[i];
  t->run = r->name;
  t->trials = r->trials;
  char path[512];
  snprintf(path, sizeof path, RF_RUNS_PATH "/%s", r->name);
  t->group = results_group_open(&f->rf, r->name);
  if (t->group < 0)
    return results_errorf(err, errsize, "cannot open group %s", path);
  t->done_ds = open_uncached(t->group, RF_DONE);
  if (t->done_ds < 0 || checked_width(t->done_ds, XCOL_SHAPE_SCALAR, r->trials, r->m, 0) != 1)
    return results_errorf(err, errsize, "%s/" RF_DONE ": missing or not [trials]", path);
  /* The state's length is the algorithm's (docs/FORMAT.md); its blocks get A/B/C names. */
  int alg = r->alg ? sgema_alg_parse(r->alg) : -1;
  int dims_ok = r->m >= 1 && r->m <= SGEMA_MAX_M && r->n > r->m && r->n <= SGEMA_MAX_N;
  size_t N = alg >= 0 && dims_ok ? sgema_problem_dim_for((sgema_alg)alg, r->m, r->n) : 0;
  if (!dims_ok)
    return results_errorf(err, errsize, "%s: bad m = %d, n = %d", path, r->m, r->n);
  t->datasets = calloc(DATASETS, sizeof *t->datasets);
  if (!t->datasets)
    return results_errorf(err, errsize, "out of memory");
  for (size_t k = 0; k < DATASETS; k++)
    t->datasets[k].ds = t->datasets[k].mtype = -1;
  t->dataset_count = DATASETS;
  for (size_t k = 0; k < DATASETS; k++)
    if (open_dataset(t, k, r, N, f->format_version, err, errsize) != 0)
      return -1;
  if (name_fields(t, r->m, r->n, N != 0) != 0 || alloc_buffers(t, max_rows) != 0)
    return results_errorf(err, errsize, "out of memory");
  return 0;
}

void xcol_close(xcol_table *t) {
  for (size_t i = 0; i < t->dataset_count; i++) {
    xcol_dataset *d = &t->datasets[i];
    results_handle_close(d->mtype);
    results_handle_close(d->ds);
    free(d->buf);
    free(d->raw);
  }
  for (size_t i = 0; i < t->field_count; i++)
    free(t->fields[i].name);
  results_handle_close(t->done_ds);
  results_handle_close(t->group);
  free(t->datasets);
  free(t->fields);
  free(t->done);
  memset(t, 0, sizeof *t);
  t->group = t->done_ds = -1;
}

int xcol_field_find(const xcol_table *t, const char *name) {
  for (size_t i = 0; i < t->field_count; i++)
    if (strcmp(t->fields[i].name, name) == 0)
      return (int)i;
  return -1;
}

const char *const *xcol_field_enums(const xcol_table *t, size_t field) {
  int d = t->fields[field].dataset;
  return d >= 0 && t->datasets[d].kind == XCOL_ENUM ? t->datasets[d].enum_names : NULL;
}

int xcol_chunk(xcol_table *t, uint64_t r0, char *err, size_t errsize) {
  t->r0 = r0;
  t->len = t->trials - r0 < t->chunk_rows ? (size_t)(t->trials - r0) : t->chunk_rows;
  for (size_t i = 0; i < t->dataset_count; i++)
    t->datasets[i].loaded = 0;
  if (results_read_rows(t->done_ds, results_mem_type(RESULTS_MEM_U8), r0, t->len, 1, t->done) != 0)
    return results_errorf(err, errsize,
                          RF_RUNS_PATH "/%s/" RF_DONE
                                       ": cannot read rows %llu..%llu (truncated or damaged)",
                          t->run, (unsigned long long)r0, (unsigned long long)(r0 + t->len - 1));
  return 0;
}

int xcol_load(xcol_table *t, size_t i, char *err, size_t errsize) {
  xcol_dataset *d = &t->datasets[i];
  if (d->loaded || d->width == 0) /* width 0: a dataset this file's format lacks */
    return 0;
  int st;
  if (d->kind == XCOL_ENUM) {
    st = results_read_rows(d->ds, d->mtype, t->r0, t->len, 1, d->raw);
    for (size_t k = 0; st == 0 && k < t->len; k++)
      d->buf[k] = d->map[d->raw[k]];
  } else {
    /* HDF5 converts the integer columns; their values (counters, ranks) are exact in a double. */
    st = results_read_rows(d->ds, results_mem_type(RESULTS_MEM_F64), t->r0, t->len, d->width,
                           d->buf);
  }
  if (st != 0)
    return results_errorf(
        err, errsize, RF_RUNS_PATH "/%s/%s: cannot read rows %llu..%llu (truncated or damaged)",
        t->run, d->path, (unsigned long long)t->r0, (unsigned long long)(t->r0 + t->len - 1));
  d->loaded = 1;
  return 0;
}

int xcol_load_all(xcol_table *t, char *err, size_t errsize) {
  for (size_t i = 0; i < t->dataset_count; i++)
    if (xcol_load(t, i, err, errsize) != 0)
      return -1;
  return 0;
}

double xcol_value(const xcol_table *t, size_t field, size_t k) {
  const xcol_field *f = &t->fields[field];
  if (f->dataset < 0)
    return (double)(t->r0 + k);
  const xcol_dataset *d = &t->datasets[f->dataset];
  return d->buf[k * d->width + f->element];
}

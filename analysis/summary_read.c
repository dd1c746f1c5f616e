/* sgema-summary's model on the io layer's reader (results_read.h): the file opened and its runs'
 * attributes copied into sum_file, then the counting passes over each run's per-trial columns. */
#define _POSIX_C_SOURCE 200809L
#include "summary.h"

#include "out_file.h"
#include "results_format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sum_open(sum_file *f, const char *path, char *err, size_t errsize) {
  memset(f, 0, sizeof *f);
  f->hid = -1;
  /* The file's facts stay owned by f->rf; f's copies of its pointers are views into it. */
  int st = results_open(&f->rf, path, out_note_input, err, errsize);
  const results_file *rf = &f->rf;
  f->path = rf->path;
  f->format_version = rf->format_version;
  f->complete = rf->complete;
  f->resumed = rf->resumed;
  f->seed = rf->seed;
  f->has_seed = rf->has_seed;
  f->experiment = rf->experiment;
  f->program_version = rf->program_version;
  f->start_time = rf->start_time;
  f->end_time = rf->end_time;
  f->exp = rf->exp;
  memcpy(f->exp_problem, rf->exp_problem, sizeof f->exp_problem);
  f->hid = rf->hid;
  f->runs = rf->run_count ? calloc(rf->run_count, sizeof *f->runs) : NULL;
  if (rf->run_count && !f->runs)
    return st != 0 ? st : results_errorf(err, errsize, "out of memory");
  f->run_count = rf->run_count;
  for (size_t i = 0; i < rf->run_count; i++) {
    const results_run *a = &rf->runs[i];
    sum_run *r = &f->runs[i];
    r->name = a->name;
    r->index = a->index;
    r->trials = a->trials;
    r->stream = a->stream;
    r->state_dim = a->state_dim;
    r->m = a->m;
    r->n = a->n;
    r->alg = a->alg;
    r->time = a->time;
    r->settings = a->settings;
    r->t_max = a->t_max;
    r->f_tol = a->f_tol;
    r->diverge_norm = a->diverge_norm;
    r->max_steps = a->max_steps;
    r->sphere_tol = a->sphere_tol;
    r->ema = a->ema;
    r->census = a->census;
    r->max_equilibria = a->max_equilibria;
  }
  return st;
}

void sum_close(sum_file *f) {
  free(f->runs);
  results_close(&f->rf);
  memset(f, 0, sizeof *f);
  f->hid = -1;
}

/* The memory types of the columns that are not enums. */
#define U8 results_mem_type(RESULTS_MEM_U8)
#define I8 results_mem_type(RESULTS_MEM_I8)
#define F64 results_mem_type(RESULTS_MEM_F64)

/* The verification columns sgema-summary reports, in its order. */
static const rf_col ver_cols[SUM_VER_COLUMNS] = {RF_COL_EQ6, RF_COL_EQ7, RF_COL_INVARIANT_DRIFT,
                                                 RF_COL_C_MINUS_A};

const char *sum_ver_name(int c) {
  return rf_column_info(ver_cols[c])->name;
}

/* One column's rows [r0, r0 + len) into buf, read as mtype. */
static int read_rows(long long ds, long long mtype, uint64_t r0, uint64_t len, void *buf) {
  return results_read_rows(ds, mtype, r0, len, 1, buf);
}

/* A per-trial dataset of the run: it must be one-dimensional with one row per trial. */
static long long open_column(long long g, const char *name, uint32_t trials) {
  long long ds = results_dataset_open(g, name, 0);
  if (ds < 0)
    return -1;
  uint64_t dims[3];
  if (results_dataset_dims(ds, dims) != 1 || dims[0] != trials) {
    results_handle_close(ds);
    return -1;
  }
  return ds;
}

enum { C_DONE, C_CLASS, C_SPHERE, C_AGREES, C_END, C_DELTA, C_CMA, C_ANORM, C_COUNT };
/* Their datasets: done, then the per-trial columns. */
static const char *column_path(int c) {
  static const rf_col cols[C_COUNT] = {RF_COL_COUNT,         RF_COL_CLASS, RF_COL_SPHERE,
                                       RF_COL_SPHERE_AGREES, RF_COL_END,   RF_COL_DELTA,
                                       RF_COL_C_MINUS_A,     RF_COL_A_NORM};
  return c == C_DONE ? RF_DONE : rf_column_info(cols[c])->path;
}

typedef struct {
  uint8_t *done, *cls, *sphere, *end;
  int8_t *agrees;
  double *delta, *value, *cma, *anorm;
} buffers;

static void buffers_free(buffers *b) {
  free(b->done);
  free(b->cls);
  free(b->sphere);
  free(b->end);
  free(b->agrees);
  free(b->delta);
  free(b->value);
  free(b->cma);
  free(b->anorm);
}

int sum_c_equals_a(const sum_run *r, double c_minus_a, double a_norm) {
  if (!r->ema)
    return 1;
  double tol = isnan(r->sphere_tol) ? 1e-6 : r->sphere_tol; /* the library's default */
  return c_minus_a <= tol * (a_norm > 1.0 ? a_norm : 1.0);  /* NaN: no */
}

/* 1 when Eq. 6, Eq. 7 and the sphere check describe a done trial's limit (end and class mapped
 * to the library's indices): a converged limit with C = A, or at the origin, an equilibrium
 * whatever C (where Eq. 7 holds trivially and the sphere check expects no sphere). */
static int checks_apply(const sum_run *r, uint8_t end, uint8_t cls, double c_minus_a,
                        double a_norm) {
  return end == SGEMA_END_CONVERGED &&
         (cls == SGEMA_CLASS_ORIGIN || sum_c_equals_a(r, c_minus_a, a_norm));
}

/* The done flags of rows r0.. (len of them) are 0 or 1; else -1 and err naming the first other. */
static int check_done(const sum_run *r, const uint8_t *done, uint64_t r0, uint64_t len, char *err,
                      size_t errsize) {
  for (uint64_t k = 0; k < len; k++)
    if (done[k] > 1)
      return results_errorf(err, errsize,
                            "damaged file: " RF_RUNS_PATH "/%s/" RF_DONE
                            " row %llu is %u (a done flag is 0 or 1)",
                            r->name, (unsigned long long)(r0 + k), done[k]);
  return 0;
}

/* Opens columns [0, count) of column_path under g (ds[c]) with the enum types of class, sphere and
 * end mapped; -1 and err naming the first missing one. */
static int open_columns(long long g, sum_run *r, int count, long long *ds, long long *mt,
                        uint8_t maps[][256], char *err, size_t errsize) {
  for (int c = 0; c < C_COUNT; c++)
    ds[c] = mt[c] = -1;
  for (int c = 0; c < count; c++) {
    ds[c] = open_column(g, column_path(c), r->trials);
    if (ds[c] < 0)
      return results_errorf(err, errsize, RF_RUNS_PATH "/%s/%s: missing or not [trials]", r->name,
                            column_path(c));
  }
  if (results_enum_map(ds[C_CLASS], SGEMA_CLASS_COUNT, results_class_name_i, maps[C_CLASS],
                       &mt[C_CLASS]) != 0 ||
      results_enum_map(ds[C_SPHERE], SUM_SPHERES, results_sphere_name_i, maps[C_SPHERE],
                       &mt[C_SPHERE]) != 0 ||
      results_enum_map(ds[C_END], SUM_ENDS, results_end_name_i, maps[C_END], &mt[C_END]) != 0)
    return results_errorf(err, errsize,
                          RF_RUNS_PATH "/%s: class, sphere or end is not a one-byte enum", r->name);
  return 0;
}

static void close_columns(long long *ds, long long *mt) {
  for (int c = 0; c < C_COUNT; c++) {
    results_handle_close(mt[c]);
    results_handle_close(ds[c]);
  }
}

/* Rows [r0, r0 + len) of every column into b. */
static int read_chunk(const long long *ds, const long long *mt, uint64_t r0, uint64_t len,
                      buffers *b) {
  return read_rows(ds[C_DONE], U8, r0, len, b->done) != 0 ||
                 read_rows(ds[C_CLASS], mt[C_CLASS], r0, len, b->cls) != 0 ||
                 read_rows(ds[C_SPHERE], mt[C_SPHERE], r0, len, b->sphere) != 0 ||
                 read_rows(ds[C_AGREES], I8, r0, len, b->agrees) != 0 ||
                 read_rows(ds[C_END], mt[C_END], r0, len, b->end) != 0 ||
                 read_rows(ds[C_DELTA], F64, r0, len, b->delta) != 0 ||
                 read_rows(ds[C_CMA], F64, r0, len, b->cma) != 0 ||
                 read_rows(ds[C_ANORM], F64, r0, len, b->anorm) != 0
             ? -1
             : 0;
}

/* Pass 1: the counts, streamed chunk by chunk. */
static int count_pass(long long g, sum_run *r, buffers *b, char *err, size_t errsize) {
  long long ds[C_COUNT], mt[C_COUNT];
  uint8_t maps[C_COUNT][256];
  int m1 = r->m == 1;
  int st = open_columns(g, r, C_COUNT, ds, mt, maps, err, errsize);
  for (uint64_t r0 = 0; st == 0 && r0 < r->trials; r0 += SUM_CHUNK_ROWS) {
    uint64_t len = r->trials - r0 < SUM_CHUNK_ROWS ? r->trials - r0 : SUM_CHUNK_ROWS;
    if (read_chunk(ds, mt, r0, len, b) != 0) {
      st = results_errorf(
          err, errsize, RF_RUNS_PATH "/%s: cannot read rows %llu..%llu (truncated or damaged file)",
          r->name, (unsigned long long)r0, (unsigned long long)(r0 + len - 1));
      break;
    }
    if ((st = check_done(r, b->done, r0, len, err, errsize)) != 0)
      break;
    for (uint64_t k = 0; k < len; k++) {
      if (b->done[k] != 1)
        continue;
      r->done++;
      uint8_t c = maps[C_CLASS][b->cls[k]], s = maps[C_SPHERE][b->sphere[k]],
              e = maps[C_END][b->end[k]];
      int applies = checks_apply(r, e, c, b->cma[k], b->anorm[k]);
      if (e < SUM_ENDS)
        r->end[e]++;
      if (e == SGEMA_END_CONVERGED && !applies)
        r->c_ne_a++;
      if (c >= SGEMA_CLASS_COUNT) {
        r->bad_class++;
        continue;
      }
      r->cls[c]++;
      if (!m1)
        continue;
      if (s < SUM_SPHERES) {
        r->sphere[s]++;
        r->cls_sphere[c][s]++;
      }
      if (!isnan(b->delta[k])) {
        int neg = b->delta[k] < 0.0;
        r->delta_known++;
        r->delta_nonneg += !neg;
        r->cls_delta[neg][c]++;
      }
      if (b->agrees[k] != -1 && applies) {
        r->sphere_applicable++;
        r->sphere_disagree += b->agrees[k] == 0;
      }
    }
  }
  close_columns(ds, mt);
  return st;
}

/* Pass 2, once per verification column: its done, non-NaN values gathered for the exact median
 * (8 bytes per done trial, one column at a time). Eq. 6 and Eq. 7 describe an equilibrium with
 * C = A, so their columns take only the limits where checks_apply. */
static int column_pass(long long g, sum_run *r, int col, buffers *b, double *all, char *err,
                       size_t errsize) {
  const char *path = rf_column_info(ver_cols[col])->path;
  int equilibria_only = ver_cols[col] == RF_COL_EQ6 || ver_cols[col] == RF_COL_EQ7;
  long long ds[C_COUNT], mt[C_COUNT], value = open_column(g, path, r->trials);
  uint8_t maps[C_COUNT][256];
  sum_column *out = &r->ver[col];
  out->median = out->worst = NAN;
  size_t n = 0;
  int st = open_columns(g, r, C_COUNT, ds, mt, maps, err, errsize);
  if (st == 0 && value < 0)
    st = results_errorf(err, errsize, RF_RUNS_PATH "/%s/%s: missing", r->name, path);
  for (uint64_t r0 = 0; st == 0 && r0 < r->trials; r0 += SUM_CHUNK_ROWS) {
    uint64_t len = r->trials - r0 < SUM_CHUNK_ROWS ? r->trials - r0 : SUM_CHUNK_ROWS;
    /* Only what the column needs: its values, the done flags, and for Eq. 6 and 7 the end and
     * whether C = A. */
    if (read_rows(ds[C_DONE], U8, r0, len, b->done) != 0 ||
        read_rows(value, F64, r0, len, b->value) != 0 ||
        (equilibria_only && (read_rows(ds[C_END], mt[C_END], r0, len, b->end) != 0 ||
                             read_rows(ds[C_CLASS], mt[C_CLASS], r0, len, b->cls) != 0 ||
                             read_rows(ds[C_CMA], F64, r0, len, b->cma) != 0 ||
                             read_rows(ds[C_ANORM], F64, r0, len, b->anorm) != 0))) {
      st = results_errorf(
          err, errsize, RF_RUNS_PATH "/%s/%s: cannot read rows %llu..%llu (truncated or damaged)",
          r->name, path, (unsigned long long)r0, (unsigned long long)(r0 + len - 1));
      break;
    }
    for (uint64_t k = 0; k < len; k++) {
      double v = b->value[k];
      if (b->done[k] != 1 || isnan(v))
        continue;
      if (equilibria_only && !checks_apply(r, maps[C_END][b->end[k]], maps[C_CLASS][b->cls[k]],
                                           b->cma[k], b->anorm[k]))
        continue;
      all[n++] = v;
      if (!(fabs(v) <= out->worst)) { /* also true while worst is NaN */
        out->worst = fabs(v);
        out->worst_trial = (uint32_t)(r0 + k);
      }
    }
  }
  close_columns(ds, mt);
  results_handle_close(value);
  out->finite = (long)n;
  out->median = sum_median(all, n);
  return st;
}

/* Pass 3: the spectrum's solver counts and largest abscissa error estimate (files of format 3 on;
 * older ones lack the columns, and has_spectrum stays 0). */
static int spectrum_pass(long long g, sum_run *r, int format_version, char *err, size_t errsize) {
  r->has_spectrum = 0;
  memset(r->solver, 0, sizeof r->solver);
  r->fell_back = 0;
  r->worst_abscissa_error = NAN;
  r->worst_abscissa_trial = 0;
  if (format_version < rf_column_info(RF_COL_SPECTRUM_SOLVER)->since)
    return 0;
  const char *paths[3] = {RF_COL(SPECTRUM_SOLVER)->path, RF_COL(SPECTRUM_FELL_BACK)->path,
                          RF_COL(ABSCISSA_ERROR)->path};
  long long done = open_column(g, RF_DONE, r->trials), ds[3], mt = -1;
  for (int c = 0; c < 3; c++)
    ds[c] = open_column(g, paths[c], r->trials);
  uint8_t map[256];
  size_t rows = r->trials < SUM_CHUNK_ROWS ? r->trials : SUM_CHUNK_ROWS;
  uint8_t *d = malloc(rows), *solver = malloc(rows), *fell = malloc(rows);
  double *error = malloc(rows * sizeof *error);
  int st = 0;
  if (done < 0 || ds[0] < 0 || ds[1] < 0 || ds[2] < 0)
    st = results_errorf(err, errsize,
                        RF_RUNS_PATH "/%s: a spectrum column is missing or not "
                                     "[trials]",
                        r->name);
  else if (results_enum_map(ds[0], RESULTS_SOLVERS, results_solver_name_i, map, &mt) != 0)
    st =
        results_errorf(err, errsize, RF_RUNS_PATH "/%s/%s: not a one-byte enum", r->name, paths[0]);
  else if (!d || !solver || !fell || !error)
    st = results_errorf(err, errsize, "out of memory");
  for (uint64_t r0 = 0; st == 0 && r0 < r->trials; r0 += SUM_CHUNK_ROWS) {
    uint64_t len = r->trials - r0 < SUM_CHUNK_ROWS ? r->trials - r0 : SUM_CHUNK_ROWS;
    if (read_rows(done, U8, r0, len, d) != 0 || read_rows(ds[0], mt, r0, len, solver) != 0 ||
        read_rows(ds[1], U8, r0, len, fell) != 0 || read_rows(ds[2], F64, r0, len, error) != 0) {
      st = results_errorf(err, errsize,
                          RF_RUNS_PATH "/%s: cannot read the spectrum of rows %llu..%llu", r->name,
                          (unsigned long long)r0, (unsigned long long)(r0 + len - 1));
      break;
    }
    for (uint64_t k = 0; k < len; k++) {
      if (d[k] != 1)
        continue;
      if (map[solver[k]] < RESULTS_SOLVERS)
        r->solver[map[solver[k]]]++;
      r->fell_back += fell[k] != 0;
      if (!(error[k] <= r->worst_abscissa_error) && !isnan(error[k])) { /* worst NaN: first */
        r->worst_abscissa_error = error[k];
        r->worst_abscissa_trial = (uint32_t)(r0 + k);
      }
    }
  }
  r->has_spectrum = st == 0;
  free(d);
  free(solver);
  free(fell);
  free(error);
  results_handle_close(mt);
  for (int c = 0; c < 3; c++)
    results_handle_close(ds[c]);
  results_handle_close(done);
  return st;
}

/* The counts, and with verification the median pass over each verification column. */
static int read_run(sum_file *f, size_t i, int verification, char *err, size_t errsize) {
  sum_run *r = &f->runs[i];
  char path[512];
  snprintf(path, sizeof path, RF_RUNS_PATH "/%s", r->name);
  long long g = results_group_open(&f->rf, r->name);
  if (g < 0)
    return results_errorf(err, errsize, "cannot open group %s", path);
  /* Counted afresh: a second call must not add to the first one's counts. */
  r->done = r->bad_class = r->delta_known = r->delta_nonneg = 0;
  r->sphere_applicable = r->sphere_disagree = r->c_ne_a = 0;
  memset(r->cls, 0, sizeof r->cls);
  memset(r->cls_sphere, 0, sizeof r->cls_sphere);
  memset(r->sphere, 0, sizeof r->sphere);
  memset(r->cls_delta, 0, sizeof r->cls_delta);
  memset(r->end, 0, sizeof r->end);
  size_t rows = r->trials < SUM_CHUNK_ROWS ? r->trials : SUM_CHUNK_ROWS;
  size_t drows = rows * sizeof(double);
  buffers b = {malloc(rows),  malloc(rows),  malloc(rows),  malloc(rows), malloc(rows),
               malloc(drows), malloc(drows), malloc(drows), malloc(drows)};
  int st =
      b.done && b.cls && b.sphere && b.end && b.agrees && b.delta && b.value && b.cma && b.anorm
          ? count_pass(g, r, &b, err, errsize)
          : results_errorf(err, errsize, "out of memory");
  /* One array of all done values, reused by each column in turn. */
  double *all =
      st == 0 && verification ? malloc((r->done ? (size_t)r->done : 1) * sizeof *all) : NULL;
  if (st == 0 && verification && !all)
    st = results_errorf(err, errsize, "out of memory for %ld values", r->done);
  for (int c = 0; st == 0 && verification && c < SUM_VER_COLUMNS; c++)
    st = column_pass(g, r, c, &b, all, err, errsize);
  if (st == 0 && verification)
    st = spectrum_pass(g, r, (int)f->format_version, err, errsize);
  free(all);
  buffers_free(&b);
  results_handle_close(g);
  r->read = st == 0;
  return st;
}

int sum_read_run(sum_file *f, size_t i, char *err, size_t errsize) {
  if (f->runs[i].census)
    return sum_census_read(f, i, err, errsize);
  return read_run(f, i, 1, err, errsize);
}

int sum_count_run(sum_file *f, size_t i, char *err, size_t errsize) {
  if (f->runs[i].census)
    return sum_census_read(f, i, err, errsize);
  return read_run(f, i, 0, err, errsize);
}

const sgema_reference *sum_references(const sum_file *f, size_t i, size_t *count) {
  const sgema_run_spec *spec = f->exp ? sgema_experiment_find(f->exp, f->runs[i].name) : NULL;
  *count = spec ? spec->reference_count : 0;
  return spec ? spec->references : NULL;
}

long sum_reference_count(const sum_run *r, const sgema_reference *ref) {
  if (!ref->has_sphere)
    return r->cls[ref->cls];
  return (unsigned)ref->sphere < SUM_SPHERES ? r->cls_sphere[ref->cls][ref->sphere] : 0;
}

/* A stored trial run's limits matched to census solutions (census_match.h). */
#define _POSIX_C_SOURCE 200809L
#include "census_match.h"

#include "census_options.h"
#include "results_format.h"
#include "run_reload.h"

#include "sgema/census.h"
#include "sgema/status.h"
#include "sgema/trial.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* |A^T A - S|_F / max(1, |S|_F), A the n x m leading block of y. */
static double s_distance(int m, int n, const double *y, const double *S) {
  double sum = 0.0, norm = 0.0;
  for (int a = 0; a < m; a++)
    for (int b = 0; b < m; b++) {
      double ata = 0.0;
      for (int k = 0; k < n; k++)
        ata += y[k * m + a] * y[k * m + b];
      double d = ata - S[a * m + b];
      sum += d * d;
      norm += S[a * m + b] * S[a * m + b];
    }
  return sqrt(sum) / fmax(1.0, sqrt(norm));
}

/* Whether census equilibrium e is one a limit of class cls and rank `rank` may equal. */
static int candidate(const sgema_census_equilibrium *e, int cls, int rank, int m) {
  if (cls == SGEMA_CLASS_STABLE)
    return e->kind == SGEMA_SOLUTION_PD && e->cls == SGEMA_EQUILIBRIUM_STABLE;
  return e->kind == SGEMA_SOLUTION_PSD && e->rank == rank && rank > 0 && rank < m;
}

static int add_miss(match_run *r, const match_miss *x) {
  if (r->n_misses == r->cap_misses) {
    long cap = r->cap_misses ? 2 * r->cap_misses : 16;
    match_miss *p = realloc(r->misses, (size_t)cap * sizeof *p);
    if (!p)
      return -1;
    r->misses = p;
    r->cap_misses = cap;
  }
  r->misses[r->n_misses++] = *x;
  return 0;
}

/* The workspaces of one run. */
typedef struct {
  const sum_file *f;
  size_t run;
  int m, n;
  size_t N;
  uint64_t seed;
  uint32_t stream;
  double tol;
  sgema_trial *trial;
  sgema_census *census;
  sgema_census_settings cs;
  double *y_end;
} matcher;

/* Trial k of class cls and stored rank: its census, the nearest candidate, a miss recorded. */
static int check_trial(matcher *w, uint32_t k, int cls, int rank, match_run *out, char *err,
                       size_t errsize) {
  reload_trial_end end;
  if (reload_trial_end_read(w->f, w->run, k, &end, w->y_end, w->N, err, errsize) != 0)
    return -1;
  int c = cls == SGEMA_CLASS_STABLE ? 0 : 1;
  out->limits[c]++;
  match_miss x = {k, cls, rank, NAN, -1, NAN, -1, -1, SGEMA_OK};
  sgema_record rec;
  sgema_census_result res;
  int st = sgema_trial_sample(w->trial, w->seed, w->stream, k, &rec);
  if (st == SGEMA_OK)
    st = sgema_census_run(w->census, &w->cs, &rec.problem, w->seed, w->stream, k, &res);
  x.census_status = st;
  for (int i = 0; st == SGEMA_OK && i < res.n_equilibria; i++) {
    const sgema_census_equilibrium *e = &res.equilibria[i];
    double d = s_distance(w->m, w->n, w->y_end, e->S);
    if (x.nearest < 0 || d < x.nearest_distance) {
      x.nearest = i;
      x.nearest_distance = d;
      x.nearest_rank = e->rank;
      x.nearest_class = (int)e->cls;
    }
    if (candidate(e, cls, rank, w->m) && !(d >= x.distance))
      x.distance = d;
  }
  if (x.distance <= w->tol) {
    out->matched[c]++;
    return 0;
  }
  if (add_miss(out, &x) != 0) {
    snprintf(err, errsize, "out of memory");
    return -1;
  }
  return 0;
}

/* Streams the done, class and rank columns; checks every done stable or partial limit. */
static int stream_run(matcher *w, match_run *out, char *err, size_t errsize) {
  const sum_run *r = &w->f->runs[w->run];
  long long g = results_group_open(&w->f->rf, r->name);
  if (g < 0)
    return results_errorf(err, errsize, "cannot open group " RF_RUNS_PATH "/%s", r->name);
  long long done = open_column(g, RF_DONE, r->trials), mt = -1;
  long long cls = open_column(g, RF_COL(CLASS)->path, r->trials);
  long long rank = open_column(g, RF_COL(RANK)->path, r->trials);
  uint8_t map[256];
  size_t rows = r->trials < SUM_CHUNK_ROWS ? r->trials : SUM_CHUNK_ROWS;
  uint8_t *d = malloc(rows ? rows : 1), *c = malloc(rows ? rows : 1);
  int8_t *kr = malloc(rows ? rows : 1);
  int st = 0;
  if (done < 0 || cls < 0 || rank < 0)
    st = results_errorf(err, errsize, RF_RUNS_PATH "/%s: done, %s or %s missing or not [trials]",
                        r->name, RF_COL(CLASS)->path, RF_COL(RANK)->path);
  else if (results_enum_map(cls, SGEMA_CLASS_COUNT, results_class_name_i, map, &mt) != 0)
    st = results_errorf(err, errsize, RF_RUNS_PATH "/%s/%s: not a one-byte enum", r->name,
                        RF_COL(CLASS)->path);
  else if (!d || !c || !kr)
    st = results_errorf(err, errsize, "out of memory");
  for (uint64_t r0 = 0; st == 0 && r0 < r->trials; r0 += SUM_CHUNK_ROWS) {
    size_t len = r->trials - r0 < SUM_CHUNK_ROWS ? (size_t)(r->trials - r0) : SUM_CHUNK_ROWS;
    if (results_read_rows(done, results_mem_type(RESULTS_MEM_U8), r0, len, 1, d) != 0 ||
        results_read_rows(cls, mt, r0, len, 1, c) != 0 ||
        results_read_rows(rank, results_mem_type(RESULTS_MEM_I8), r0, len, 1, kr) != 0) {
      st = results_errorf(err, errsize, RF_RUNS_PATH "/%s: cannot read rows %llu..%llu", r->name,
                          (unsigned long long)r0, (unsigned long long)(r0 + len - 1));
      break;
    }
    for (size_t k = 0; st == 0 && k < len; k++) {
      if (d[k] != 1)
        continue;
      int cl = map[c[k]];
      if (cl == SGEMA_CLASS_STABLE || cl == SGEMA_CLASS_PARTIAL)
        st = check_trial(w, (uint32_t)(r0 + k), cl, kr[k], out, err, errsize);
      else
        out->other++;
    }
  }
  free(d);
  free(c);
  free(kr);
  results_handle_close(mt);
  results_handle_close(rank);
  results_handle_close(cls);
  results_handle_close(done);
  results_handle_close(g);
  return st;
}

int match_run_check(const sum_file *f, size_t i, double tol, match_run *out, char *err,
                    size_t errsize) {
  memset(out, 0, sizeof *out);
  matcher w = {f, i, f->runs[i].m, f->runs[i].n, 0, 0, 0, tol, NULL, NULL, {0}, NULL};
  sgema_settings s;
  if (reload_run_settings(f, i, &s, &w.seed, &w.stream, out->reason, sizeof out->reason) != 0) {
    out->skipped = out->reason;
    return 0;
  }
  const char *why = census_unsupported(&s);
  if (why) {
    snprintf(out->reason, sizeof out->reason, "%s", why);
    out->skipped = out->reason;
    return 0;
  }
  sgema_settings_census(&s, &w.cs);
  w.N = sgema_problem_dim_for(s.alg, s.m, s.n);
  w.trial = sgema_trial_alloc(&s);
  w.census = sgema_census_alloc(s.m, s.n);
  w.y_end = malloc(w.N * sizeof(double));
  int st = -1;
  if (!w.trial || !w.census || !w.y_end)
    snprintf(err, errsize, "out of memory");
  else
    st = stream_run(&w, out, err, errsize);
  free(w.y_end);
  sgema_census_free(w.census);
  sgema_trial_free(w.trial);
  return st;
}

void match_run_free(match_run *r) {
  free(r->misses);
  memset(r, 0, sizeof *r);
}

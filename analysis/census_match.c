/* A stored trial run's limits matched to census solutions (census_match.h). */
#define _POSIX_C_SOURCE 200809L
#include "census_match.h"

#include "census_options.h"
#include "limit_rows.h"
#include "run_reload.h"

#include "sgema/census.h"
#include "sgema/status.h"
#include "sgema/trial.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
  sgema_census_settings cs;    /* the run's census settings: what a partial limit is matched to */
  sgema_census_settings cs_pd; /* the same without the rank-deficient solve */
  double *y_end;
  FILE *progress;   /* where a line goes every PROGRESS_SECONDS (NULL: nowhere) */
  double last_line; /* when the last one went (monotonic seconds) */
  const char *prog; /* the program's name, for those lines */
} matcher;

/* A census at m = 3 can take a second: a long run says how far it is, so it is not taken for hung.
 */
#define PROGRESS_SECONDS 10.0

static double monotonic_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void progress_line(matcher *w, const match_run *out) {
  double now = monotonic_seconds();
  if (!w->progress || now - w->last_line < PROGRESS_SECONDS)
    return;
  w->last_line = now;
  fprintf(w->progress, "%s: run %s: %ld stable and %ld partial limits checked\n", w->prog,
          w->f->runs[w->run].name, out->limits[0], out->limits[1]);
  fflush(w->progress);
}

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
  /* A stable limit can only equal a PD solution: Eq. 6 alone finds those, and is much cheaper than
   * the systems the rank-deficient ones need (docs/CENSUS.md, "Costs"). */
  const sgema_census_settings *cs = cls == SGEMA_CLASS_STABLE ? &w->cs_pd : &w->cs;
  if (st == SGEMA_OK)
    st = sgema_census_run(w->census, cs, &rec.problem, w->seed, w->stream, k, &res);
  x.census_status = st;
  for (int i = 0; st == SGEMA_OK && i < res.n_equilibria; i++) {
    const sgema_census_equilibrium *e = &res.equilibria[i];
    double d = sgema_census_distance(w->m, w->n, w->y_end, e->S);
    if (x.nearest < 0 || d < x.nearest_distance) {
      x.nearest = i;
      x.nearest_distance = d;
      x.nearest_rank = e->rank;
      x.nearest_class = (int)e->cls;
    }
    if (candidate(e, cls, rank, w->m) && !(d >= x.distance))
      x.distance = d;
  }
  progress_line(w, out);
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

/* One done trial: checked when it is a stable or partial limit (limit_visit). */
typedef struct {
  matcher *w;
  match_run *out;
} match_visit;

static int visit_limit(void *ctx, uint32_t trial, int cls, int rank, char *err, size_t errsize) {
  match_visit *v = ctx;
  if (cls == SGEMA_CLASS_STABLE || cls == SGEMA_CLASS_PARTIAL)
    return check_trial(v->w, trial, cls, rank, v->out, err, errsize);
  v->out->other++;
  return 0;
}

static int stream_run(matcher *w, match_run *out, char *err, size_t errsize) {
  match_visit v = {w, out};
  return limit_rows_visit(w->f, w->run, visit_limit, &v, err, errsize);
}

int match_run_check(const sum_file *f, size_t i, double tol, const char *prog, FILE *progress,
                    match_run *out, char *err, size_t errsize) {
  memset(out, 0, sizeof *out);
  matcher w = {f,    i,    f->runs[i].m, f->runs[i].n, 0,    0,        0, tol,
               NULL, NULL, {0},          {0},          NULL, progress, 0, prog};
  w.last_line = monotonic_seconds();
  if (f->runs[i].census) { /* its data sets have equilibria, not limits to match */
    snprintf(out->reason, sizeof out->reason, "a census run (no Monte Carlo limits)");
    out->skipped = out->reason;
    return 0;
  }
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
  w.cs_pd = w.cs;
  w.cs_pd.rank_deficient = 0;
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

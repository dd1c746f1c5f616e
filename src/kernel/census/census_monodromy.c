/* The finite roots of a generic census system by monodromy loops of the parameter homotopy. */
#include "census_monodromy.h"

#include "sgema/rng.h"
#include "sgema/status.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MONODROMY_RUN                                                                              \
  300u /* streams (generic seed, 300 + m, trial): apart from the start runs'                       \
        */

typedef struct {
  int N, stride;
  double complex *x; /* n roots, stride apart */
  long n, cap;
} root_set;

static int set_reserve(root_set *r, long n) {
  if (n <= r->cap)
    return SGEMA_OK;
  long cap = r->cap ? 2 * r->cap : 64;
  while (cap < n)
    cap *= 2;
  void *x = realloc(r->x, (size_t)cap * (size_t)r->stride * sizeof(double complex));
  if (!x)
    return SGEMA_ENOMEM;
  r->x = x;
  r->cap = cap;
  return SGEMA_OK;
}

static int set_has(const root_set *r, const double complex *x) {
  for (long j = 0; j < r->n; j++) {
    double d = 0.0, na = 0.0;
    for (int k = 0; k < r->N; k++) {
      double complex z = x[k] - r->x[j * r->stride + k];
      d += creal(z * conj(z));
      na += creal(x[k] * conj(x[k]));
    }
    if (sqrt(d) <= 1e-8 * (1.0 + sqrt(na)))
      return 1;
  }
  return 0;
}

/* Path ends of one segment, converged ones only (the next segment's starts). */
static void collect(void *ctx, sgema_path_end end, const double complex *x, double rcond) {
  (void)rcond;
  root_set *r = ctx;
  if (end == SGEMA_PATH_CONVERGED && set_reserve(r, r->n + 1) == SGEMA_OK)
    memcpy(r->x + r->n++ * r->stride, x, (size_t)r->N * sizeof *x);
}

typedef struct {
  sgema_tracker *tr;
  const sgema_tracker_settings *ts;
  int m;
  sgema_census_system_kind kind;
  sgema_census_params p0;
  sgema_census_system sys0; /* at p0, for Newton */
  root_set roots;
} monodromy;

/* Adds x (a path's end at p0) when Newton confirms a regular root not yet known; 1 if added. */
static int add_root(monodromy *w, double complex *x) {
  sgema_hom_system hs;
  sgema_census_system_hom(&w->sys0, &hs);
  if (!sgema_tracker_regular_root(w->tr, &hs, x, 8, SGEMA_START_ROOT_TOL, SGEMA_START_ROOT_FLOOR,
                                  SGEMA_START_ROOT_RCOND))
    return 0;
  if (set_has(&w->roots, x) || set_reserve(&w->roots, w->roots.n + 1) != SGEMA_OK)
    return 0;
  memcpy(w->roots.x + w->roots.n++ * w->roots.stride, x, (size_t)w->roots.N * sizeof *x);
  return 1;
}

/* ---- seeds: F(x; p0) - (1 - s) F(x*; p0) from a random x* (s = 0) to s = 1 ------------------- */

typedef struct {
  sgema_census_system *sys;
  double complex c[SGEMA_CENSUS_MAX_UNKNOWNS]; /* F(1, x*) */
} seed_system;

static int seed_eval(void *ctx, const double complex *X, double complex sp, double complex *F,
                     double complex *J, double complex *Fs) {
  seed_system *w = ctx;
  int N = w->sys->N, L = N + 1;
  if (sgema_census_system_eval(w->sys, X, F, J) != 0)
    return 1;
  for (int i = 0; i < N; i++) {
    int d = w->sys->degrees[i];
    double complex xd = cpow(X[0], d), xd1 = d > 1 ? cpow(X[0], d - 1) : 1.0;
    F[i] -= (1.0 - sp) * w->c[i] * xd;
    J[i * L] -= (1.0 - sp) * w->c[i] * (double)d * xd1;
    if (Fs)
      Fs[i] = w->c[i] * xd;
  }
  return 0;
}

static int seed(monodromy *w, uint32_t k) {
  int N = w->sys0.N;
  seed_system ss = {.sys = &w->sys0};
  double complex xs[SGEMA_CENSUS_MAX_UNKNOWNS], X[SGEMA_CENSUS_MAX_UNKNOWNS + 1],
      J[SGEMA_CENSUS_MAX_UNKNOWNS * (SGEMA_CENSUS_MAX_UNKNOWNS + 1)];
  gsl_rng *g = sgema_rng_alloc();
  if (!g)
    return SGEMA_ENOMEM;
  sgema_rng_seek(g, SGEMA_CENSUS_GENERIC_SEED, MONODROMY_RUN + (uint32_t)w->m,
                 1000u * (uint32_t)w->kind + k, SGEMA_STREAM_CENSUS);
  X[0] = 1.0;
  for (int i = 0; i < N; i++) {
    double re = gsl_ran_gaussian_ziggurat(g, 1.0);
    xs[i] = X[i + 1] = re + I * gsl_ran_gaussian_ziggurat(g, 1.0);
  }
  sgema_rng_free(g);
  sgema_census_system_eval(&w->sys0, X, ss.c, J);
  sgema_par_system ps = {.N = N, .eval = seed_eval, .ctx = &ss};
  root_set end = {.N = N, .stride = w->roots.stride};
  long counts[SGEMA_PATH_COUNT];
  int st = sgema_tracker_solve_parameter(w->tr, &ps, w->ts, SGEMA_CENSUS_GENERIC_SEED,
                                         MONODROMY_RUN + (uint32_t)w->m, 1000u * w->kind + k, 0, xs,
                                         1, N, collect, &end, counts);
  if (st == SGEMA_OK && end.n == 1)
    add_root(w, end.x);
  free(end.x);
  return st;
}

/* ---- loops ------------------------------------------------------------------------------------
 */

/* Random coefficients like the generic ones (sgema_census_generic_params' distribution). */
static void random_params(int m, uint32_t trial, sgema_census_params *out) {
  sgema_census_generic_params_from(m, MONODROMY_RUN + (uint32_t)m, trial, out);
}

/* Tracks the roots in from (at coefficients a) to coefficients b, converged ends into to. */
static int segment(monodromy *w, const sgema_census_params *a, const sgema_census_params *b,
                   uint32_t trial, const root_set *from, root_set *to) {
  sgema_census_system sys;
  int st = sgema_census_system_init_params(&sys, w->m, b, w->kind);
  if (st != SGEMA_OK)
    return st;
  sgema_par_system ps;
  sgema_census_system_par(&sys, a, &ps);
  long counts[SGEMA_PATH_COUNT];
  to->n = 0;
  return sgema_tracker_solve_parameter(w->tr, &ps, w->ts, SGEMA_CENSUS_GENERIC_SEED,
                                       MONODROMY_RUN + (uint32_t)w->m, trial, 0, from->x, from->n,
                                       from->stride, collect, to, counts);
}

/* One loop p0 -> p1 -> p2 -> p0 through random p1, p2: the number of new roots, or < 0. */
static long loop(monodromy *w, uint32_t l, root_set *r1, root_set *r2) {
  sgema_census_params p1, p2;
  uint32_t base = 1000000u * (1u + (uint32_t)w->kind) + 3u * l;
  random_params(w->m, base, &p1);
  random_params(w->m, base + 1, &p2);
  int st = segment(w, &w->p0, &p1, base, &w->roots, r1);
  if (st == SGEMA_OK)
    st = segment(w, &p1, &p2, base + 1, r1, r2);
  if (st == SGEMA_OK)
    st = segment(w, &p2, &w->p0, base + 2, r2, r1);
  if (st != SGEMA_OK)
    return -st;
  long added = 0;
  for (long i = 0; i < r1->n; i++)
    added += add_root(w, r1->x + i * r1->stride);
  return added;
}

int sgema_census_monodromy(sgema_tracker *tr, const sgema_tracker_settings *ts, int m,
                           sgema_census_system_kind kind, int quiet_loops, int stride,
                           double complex **roots, long *n) {
  monodromy w = {.tr = tr, .ts = ts, .m = m, .kind = kind};
  sgema_census_generic_params(m, &w.p0);
  int st = sgema_census_system_init_params(&w.sys0, m, &w.p0, kind);
  if (st != SGEMA_OK)
    return st;
  w.roots = (root_set){.N = w.sys0.N, .stride = stride};
  root_set r1 = {.N = w.sys0.N, .stride = stride}, r2 = r1;
  for (uint32_t k = 0; k < SGEMA_MONODROMY_SEEDS && st == SGEMA_OK; k++)
    st = seed(&w, k);
  for (int l = 0, quiet = 0;
       st == SGEMA_OK && w.roots.n > 0 && l < SGEMA_MONODROMY_MAX_LOOPS && quiet < quiet_loops;
       l++) {
    long added = loop(&w, (uint32_t)l, &r1, &r2);
    if (added < 0)
      st = (int)-added;
    quiet = added > 0 ? 0 : quiet + 1;
  }
  free(r1.x);
  free(r2.x);
  if (st != SGEMA_OK) {
    free(w.roots.x);
    return st;
  }
  *roots = w.roots.x;
  *n = w.roots.n;
  return SGEMA_OK;
}

/* Sampling of one trial's inputs: statistics, weight decay and initial state from its counter. */
#include "sgema/sample.h"
#include "sgema/rng.h"
#include "sgema/status.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Draw order, fixed so that a trial's inputs are a pure function of (seed, run, trial):
 *
 *   stream STATISTICS: one attempt = rho_1..rho_m, tau_1..tau_m, lambda; repeated while
 *     conditioning rejects it (m = 1 only); then, for "commuting", the m x m Gaussian matrix of Q
 *     (row-major), or, for "generic", those of Q1, Q2, Q3 in that order; "diagonal" draws none.
 *   stream INITIAL: A (n x m, row-major), B (n x n, row-major), then for EMA with an independent
 *     target C (n x m). C comes last so that A and B do not depend on the target setting, and the
 *     separate stream keeps the initial state independent of how many statistics draws were made.
 *
 * Grid designs (design.h) draw exactly as above and then overwrite: phase, the gridded statistics
 * of trial k's draw before Sxx and Syx are built (the rotations stay as drawn); basins, two
 * coordinates of the draw of trial base_trial (whatever k is), so every cell shares its data and
 * the rest of its initial state.
 */

struct sgema_sampler {
  int m, n;
  gsl_rng *rng;
  gsl_matrix *qr;     /* a Gaussian matrix, then its QR factorisation in place */
  gsl_vector *qr_tau; /* the Householder coefficients of that factorisation */
  gsl_matrix *r;      /* R, unpacked: the signs of its diagonal fix Q */
  gsl_matrix *q[3];   /* the Haar orthogonal matrices of one trial */
  gsl_matrix *work;   /* Q diag(d), before the product with the right factor */
  gsl_vector *d;      /* the diagonal d */
  double rho[SGEMA_MAX_M], tau[SGEMA_MAX_M];
};

static const char *const stats_names[] = {"diagonal", "commuting", "generic"};
#define STATS_COUNT ((int)(sizeof(stats_names) / sizeof(stats_names[0])))

const char *sgema_stats_name(sgema_stats_kind k) {
  return (unsigned)k < (unsigned)STATS_COUNT ? stats_names[k] : "unknown";
}

int sgema_stats_parse(const char *name) {
  for (int i = 0; i < STATS_COUNT; i++)
    if (strcmp(name, stats_names[i]) == 0)
      return i;
  return -1;
}

/* A finite, ordered interval. */
static int range_ok(double lo, double hi) {
  return isfinite(lo) && isfinite(hi) && lo <= hi;
}

int sgema_sampling_validate(const sgema_sampling *s, int m) {
  if ((unsigned)s->stats >= (unsigned)STATS_COUNT)
    return SGEMA_EINVAL;
  if ((unsigned)s->target > SGEMA_TARGET_INDEPENDENT)
    return SGEMA_EINVAL;
  if (!range_ok(s->rho_lo, s->rho_hi) || !(s->rho_lo >= 0.0) || !(s->rho_hi > 0.0))
    return SGEMA_EINVAL;
  if (!range_ok(s->tau_lo, s->tau_hi))
    return SGEMA_EINVAL;
  if (!range_ok(s->lambda_lo, s->lambda_hi) || !(s->lambda_lo > 0.0))
    return SGEMA_EINVAL;
  if (!isfinite(s->sigma) || !(s->sigma > 0.0))
    return SGEMA_EINVAL;
  if (s->max_draws < 1)
    return SGEMA_EINVAL;
  /* Delta = tau^2 - 4 rho lambda is the m = 1 existence condition (Prop. 4.11); it has no
   * counterpart for m > 1. */
  if (s->condition_delta && m != 1)
    return SGEMA_EINVAL;
  return SGEMA_OK;
}

sgema_sampler *sgema_sampler_alloc(int m, int n) {
  if (m < 1 || n <= m || m > SGEMA_MAX_M || n > SGEMA_MAX_N)
    return NULL;
  sgema_sampler *s = calloc(1, sizeof(*s));
  if (!s)
    return NULL;
  s->m = m;
  s->n = n;
  s->rng = sgema_rng_alloc();
  s->qr = gsl_matrix_alloc(m, m);
  s->qr_tau = gsl_vector_alloc(m);
  s->r = gsl_matrix_alloc(m, m);
  s->work = gsl_matrix_alloc(m, m);
  s->d = gsl_vector_alloc(m);
  int ok = s->rng && s->qr && s->qr_tau && s->r && s->work && s->d;
  for (int k = 0; k < 3; k++) {
    s->q[k] = gsl_matrix_alloc(m, m);
    ok = ok && s->q[k];
  }
  if (!ok) {
    sgema_sampler_free(s);
    return NULL;
  }
  return s;
}

void sgema_sampler_free(sgema_sampler *s) {
  if (!s)
    return;
  if (s->rng)
    sgema_rng_free(s->rng);
  /* gsl_*_free accept NULL. */
  gsl_matrix_free(s->qr);
  gsl_vector_free(s->qr_tau);
  gsl_matrix_free(s->r);
  gsl_matrix_free(s->work);
  gsl_vector_free(s->d);
  for (int k = 0; k < 3; k++)
    gsl_matrix_free(s->q[k]);
  free(s);
}

/* One attempt at the scalars: rho_1..rho_m, tau_1..tau_m, lambda. rho uses gsl_rng_uniform_pos
 * (never 0) so that Sxx is invertible even when rho_lo = 0, which the default Syy needs. */
static void draw_scalars(sgema_sampler *s, const sgema_sampling *c, double *lambda) {
  for (int i = 0; i < s->m; i++)
    s->rho[i] = c->rho_lo + (c->rho_hi - c->rho_lo) * gsl_rng_uniform_pos(s->rng);
  for (int i = 0; i < s->m; i++)
    s->tau[i] = gsl_ran_flat(s->rng, c->tau_lo, c->tau_hi);
  *lambda = gsl_ran_flat(s->rng, c->lambda_lo, c->lambda_hi);
}

/* Draws the scalars, redrawing from the same stream while conditioning rejects them. */
static int draw_conditioned_scalars(sgema_sampler *s, const sgema_sampling *c, double *lambda,
                                    long *draws) {
  for (long k = 1; k <= c->max_draws; k++) {
    draw_scalars(s, c, lambda);
    *draws = k;
    if (!c->condition_delta || s->tau[0] * s->tau[0] - 4.0 * s->rho[0] * *lambda >= 0.0)
      return SGEMA_OK;
  }
  return SGEMA_ESAMPLE;
}

/* A Haar orthogonal matrix (Mezzadri 2007): QR of a Gaussian matrix, then each column of Q times
 * the sign of R's diagonal entry, since Householder QR leaves those signs biased. */
static void draw_haar(sgema_sampler *s, gsl_matrix *q) {
  for (int i = 0; i < s->m; i++)
    for (int j = 0; j < s->m; j++)
      gsl_matrix_set(s->qr, i, j, gsl_ran_gaussian(s->rng, 1.0));
  gsl_linalg_QR_decomp(s->qr, s->qr_tau);
  gsl_linalg_QR_unpack(s->qr, s->qr_tau, q, s->r);
  for (int j = 0; j < s->m; j++)
    if (gsl_matrix_get(s->r, j, j) < 0.0) {
      gsl_vector_view col = gsl_matrix_column(q, j);
      gsl_vector_scale(&col.vector, -1.0);
    }
}

/* out = L diag(d) R^T, row-major m x m. */
static void rotate_diagonal(sgema_sampler *s, const gsl_matrix *L, const double *d,
                            const gsl_matrix *R, double *out) {
  gsl_vector_const_view dv = gsl_vector_const_view_array(d, s->m);
  gsl_vector_memcpy(s->d, &dv.vector);
  gsl_matrix_memcpy(s->work, L);
  gsl_matrix_scale_columns(s->work, s->d);
  gsl_matrix_view o = gsl_matrix_view_array(out, s->m, s->m);
  gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, s->work, R, 0.0, &o.matrix);
}

static void set_diagonal(int m, const double *d, double *out) {
  memset(out, 0, sizeof(double) * m * m);
  for (int i = 0; i < m; i++)
    out[i * m + i] = d[i];
}

/* Averages S with its transpose, so that rounding in the product cannot break symmetry. */
static void symmetrise(int m, double *S) {
  for (int i = 0; i < m; i++)
    for (int j = 0; j < i; j++) {
      double a = 0.5 * (S[i * m + j] + S[j * m + i]);
      S[i * m + j] = S[j * m + i] = a;
    }
}

/* Sxx and Syx from the drawn rho, tau and the stats kind; draws the orthogonal matrices. */
static void build_statistics(sgema_sampler *s, sgema_stats_kind kind, sgema_problem *p) {
  switch (kind) {
  case SGEMA_STATS_DIAGONAL:
    set_diagonal(s->m, s->rho, p->Sxx);
    set_diagonal(s->m, s->tau, p->Syx);
    return;
  case SGEMA_STATS_COMMUTING:
    draw_haar(s, s->q[0]);
    rotate_diagonal(s, s->q[0], s->rho, s->q[0], p->Sxx);
    rotate_diagonal(s, s->q[0], s->tau, s->q[0], p->Syx);
    break;
  case SGEMA_STATS_GENERIC:
    for (int k = 0; k < 3; k++)
      draw_haar(s, s->q[k]);
    rotate_diagonal(s, s->q[0], s->rho, s->q[0], p->Sxx);
    rotate_diagonal(s, s->q[1], s->tau, s->q[2], p->Syx);
    break;
  }
  symmetrise(s->m, p->Sxx);
}

static void draw_gaussians(gsl_rng *r, double sigma, double *x, size_t len) {
  for (size_t i = 0; i < len; i++)
    x[i] = gsl_ran_gaussian(r, sigma);
}

/* y0 = (A, B[, C]) from the INITIAL stream, in the documented order. */
static void draw_initial(sgema_sampler *s, const sgema_sampling *c, sgema_problem *p, double *y0) {
  size_t nm = (size_t)s->n * s->m, nn = (size_t)s->n * s->n;
  draw_gaussians(s->rng, c->sigma, sgema_state_A(p, y0), nm);
  draw_gaussians(s->rng, c->sigma, sgema_state_B(p, y0), nn);
  if (p->alg != SGEMA_ALG_EMA)
    return;
  double *C = sgema_state_C(p, y0);
  if (c->target == SGEMA_TARGET_COPY)
    memcpy(C, sgema_state_A(p, y0), sizeof(double) * nm);
  else
    draw_gaussians(s->rng, c->sigma, C, nm);
}

/* Phase designs: the statistic an axis names takes the value v (every rho_i, every tau_i, or
 * lambda), after the draw so that the streams are consumed as for a random trial. */
static void set_statistic(sgema_sampler *s, sgema_axis_kind what, double v, double *lambda) {
  for (int i = 0; i < s->m; i++) {
    if (what == SGEMA_AXIS_RHO)
      s->rho[i] = v;
    if (what == SGEMA_AXIS_TAU)
      s->tau[i] = v;
  }
  if (what == SGEMA_AXIS_LAMBDA)
    *lambda = v;
}

/* Basins designs: the entry an axis names takes the value v; with an EMA target copied from A, an
 * A entry is C's too, since C(0) = A(0). */
static void set_coordinate(const sgema_sampling *c, sgema_problem *p, double *y0,
                           sgema_axis_kind what, int index, double v) {
  double *block = what == SGEMA_AXIS_A   ? sgema_state_A(p, y0)
                  : what == SGEMA_AXIS_B ? sgema_state_B(p, y0)
                                         : sgema_state_C(p, y0);
  block[index] = v;
  if (what == SGEMA_AXIS_A && p->alg == SGEMA_ALG_EMA && c->target == SGEMA_TARGET_COPY)
    sgema_state_C(p, y0)[index] = v;
}

static int design_valid(const sgema_sampling *c, const sgema_problem *p) {
  sgema_design_context ctx = {p->alg == SGEMA_ALG_EMA, p->m, p->n,
                              c->target == SGEMA_TARGET_INDEPENDENT, c->condition_delta};
  const char *key;
  char why[160];
  return sgema_design_check(&c->design, &ctx, &key, why, sizeof why);
}

int sgema_sampler_draw(sgema_sampler *s, const sgema_sampling *cfg, uint64_t seed, uint32_t run,
                       uint32_t trial, sgema_problem *p, double *y0, long *draws) {
  *draws = 0;
  if (p->m != s->m || p->n != s->n)
    return SGEMA_EDIM;
  if ((unsigned)p->alg > SGEMA_ALG_GD)
    return SGEMA_EINVAL;
  int st = sgema_sampling_validate(cfg, s->m);
  if (st == SGEMA_OK)
    st = design_valid(cfg, p);
  if (st != SGEMA_OK)
    return st;
  const sgema_design *d = &cfg->design;
  uint32_t ix = 0, iy = 0;
  if (d->kind != SGEMA_DESIGN_RANDOM) {
    if (trial >= sgema_design_trials(d))
      return SGEMA_EINVAL;
    sgema_design_cell(d, trial, &ix, &iy);
  }
  /* A basins trial is base_trial's draw with two coordinates moved. */
  uint32_t source = d->kind == SGEMA_DESIGN_BASINS ? d->base_trial : trial;
  double lambda;
  sgema_rng_seek(s->rng, seed, run, source, SGEMA_STREAM_STATISTICS);
  st = draw_conditioned_scalars(s, cfg, &lambda, draws);
  if (st != SGEMA_OK)
    return st;
  if (d->kind == SGEMA_DESIGN_PHASE) {
    set_statistic(s, d->x.what, sgema_design_value(&d->x, ix), &lambda);
    set_statistic(s, d->y.what, sgema_design_value(&d->y, iy), &lambda);
  }
  p->lambda = lambda;
  build_statistics(s, cfg->stats, p);
  st = sgema_problem_default_syy(p);
  if (st != SGEMA_OK)
    return st;
  sgema_rng_seek(s->rng, seed, run, source, SGEMA_STREAM_INITIAL);
  draw_initial(s, cfg, p, y0);
  if (d->kind == SGEMA_DESIGN_BASINS) {
    set_coordinate(cfg, p, y0, d->x.what, d->x.index, sgema_design_value(&d->x, ix));
    set_coordinate(cfg, p, y0, d->y.what, d->y.index, sgema_design_value(&d->y, iy));
  }
  return SGEMA_OK;
}

const char *const sgema_target_names[] = {"copy", "independent", NULL};

const char *sgema_target_name(sgema_target_init t) {
  return (unsigned)t <= SGEMA_TARGET_INDEPENDENT ? sgema_target_names[t] : "unknown";
}

int sgema_target_parse(const char *name) {
  for (int i = 0; sgema_target_names[i]; i++)
    if (strcmp(sgema_target_names[i], name) == 0)
      return i;
  return -1;
}

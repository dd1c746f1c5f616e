/* Sampling of one trial's inputs (statistics, weight decay, initial state) from its counter. */
#ifndef SGEMA_SAMPLE_H
#define SGEMA_SAMPLE_H

#include "sgema/design.h"
#include "sgema/problem.h"

#include <stdint.h>

typedef enum {
  SGEMA_STATS_DIAGONAL, /* Sxx = diag(rho_i), Syx = diag(tau_i); for m = 1 the paper's footnote 4 */
  SGEMA_STATS_COMMUTING, /* the diagonal pair rotated by one Haar orthogonal Q: Q D Q^T */
  SGEMA_STATS_GENERIC /* Sxx = Q1 diag(rho) Q1^T, Syx = Q2 diag(tau) Q3^T, Q1, Q2, Q3 independent */
} sgema_stats_kind;

typedef enum {
  SGEMA_TARGET_COPY,       /* C(0) = A(0), as BYOL initialises its target network */
  SGEMA_TARGET_INDEPENDENT /* C(0) drawn like A(0), independently */
} sgema_target_init;

typedef struct {
  sgema_stats_kind stats;
  double rho_lo, rho_hi; /* rho_i ~ U(rho_lo, rho_hi]   (open at 0 so that Sxx is invertible) */
  double tau_lo, tau_hi; /* tau_i ~ U[tau_lo, tau_hi) */
  double lambda_lo, lambda_hi; /* lambda ~ U[lambda_lo, lambda_hi) */
  double sigma;                /* every initial coordinate of A, B (and C) ~ N(0, sigma^2) */
  int condition_delta;         /* m = 1 only: redraw (rho, tau, lambda) until Delta >= 0 */
  long max_draws;              /* budget of that rejection sampling */
  sgema_target_init target;
  /* A grid design (issue 14) overrides some of the draws; kind SGEMA_DESIGN_RANDOM (0) none. */
  sgema_design design;
} sgema_sampling;

/* Checks ranges (lo <= hi, rho_lo >= 0, lambda_lo > 0, sigma > 0, max_draws >= 1) and that
 * conditioning is only asked for m = 1. */
int sgema_sampling_validate(const sgema_sampling *s, int m);

typedef struct sgema_sampler sgema_sampler;

sgema_sampler *sgema_sampler_alloc(int m, int n);
void sgema_sampler_free(sgema_sampler *s);

/* Draws trial (seed, run, trial): fills p->lambda, Sxx, Syx, Syy (the default Syy) and y0 (length
 * sgema_problem_dim(p)); p->alg, m, n, momentum and time kind must be set by the caller. Stores the
 * number of statistics draws (1 unless conditioned) in *draws. The result does not depend on any
 * earlier call. Returns SGEMA_ESAMPLE when the conditioning budget runs out. */
int sgema_sampler_draw(sgema_sampler *s, const sgema_sampling *cfg, uint64_t seed, uint32_t run,
                       uint32_t trial, sgema_problem *p, double *y0, long *draws);

/* Names of the target initialisations ("copy", "independent"), indexed by the enum,
 * NULL-terminated; the parser returns -1 when unknown. */
extern const char *const sgema_target_names[];
const char *sgema_target_name(sgema_target_init t);
int sgema_target_parse(const char *name);

/* Name of a statistics kind ("diagonal", "commuting", "generic") and the inverse (-1: unknown). */
const char *sgema_stats_name(sgema_stats_kind k);
int sgema_stats_parse(const char *name);

#endif

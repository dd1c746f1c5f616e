/* The per-trial verification record: residuals of the closed-form facts and the invariant's drift.
 */
#ifndef SGEMA_VERIFY_H
#define SGEMA_VERIFY_H

#include "sgema/classify.h"
#include "sgema/problem.h"

typedef struct {
  double eq6; /* |(Sxx S + l I)(S Sxx + l I) - Sxy S Syx|_F, S = A^T A; NaN unless rank(A) = m */
  double eq7; /* |B - A Syx A^T W^{-1}|_F, W = A Sxx A^T + l I */
  double balance;         /* |B^T B - A A^T|_F at the end */
  double invariant_drift; /* max over the invariant window of |K(t) - K(0)|_F / (|B^T B|_F + |A
                             A^T|_F)(0) */
  double invariant_t;     /* end of the invariant window (see invariant_window) */
  double c_minus_a;       /* |C - A|_F at the end (EMA; 0 for SG and GD) */
  double ebar_start, ebar_end, fbar_start, fbar_end;
} sgema_verification;

/* Tracks K(t) = e^{2 lambda t}(B^T B - A A^T) along a trajectory. K is constant for the exact flow,
 * but B^T B - A A^T decays like e^{-2 lambda t} and is soon below the rounding of its two terms;
 * drift is therefore measured while |B^T B - A A^T| >= |B^T B - A A^T|(0) / window (a setting,
 * default 1e3), i.e. for t <= ln(window) / (2 lambda), where it is resolved to about window * eps
 * relative; and only while the integrator runs at its full accuracy, i.e. before the tail
 * (|f| < tail_f, integrate.h), where local errors are measured against the step's displacement
 * instead. invariant_t says where the measurement ended. The drift is relative to the size of the
 * two terms at t = 0, |B^T B|_F + |A A^T|_F >= |K(0)|_F: K(0) is their difference and is known to
 * no better than eps times their size. */
typedef struct sgema_verifier sgema_verifier;

sgema_verifier *sgema_verifier_alloc(int m, int n);
void sgema_verifier_free(sgema_verifier *v);

/* Starts a trajectory at (0, y0). */
void sgema_verifier_start(sgema_verifier *v, const sgema_problem *p, double window, double tail_f,
                          const double *y0);
/* Records an accepted step with its field f (usable as an sgema_observer callback body). */
void sgema_verifier_step(sgema_verifier *v, double t, const double *y, const double *f);
/* Fills the record at the final state; lim tells whether Eq. 6 applies. */
void sgema_verifier_finish(sgema_verifier *v, const double *y_end, const sgema_limit *lim,
                           sgema_verification *out);

/* The residuals alone, for tests: Eq. 6 and Eq. 7 at (A, B). */
double sgema_verify_eq6(const sgema_problem *p, const double *A);
double sgema_verify_eq7(const sgema_problem *p, const double *A, const double *B);

#endif

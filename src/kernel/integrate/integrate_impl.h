/* Private interface between the integration driver and its methods (a GSL-style method table). */
#ifndef SGEMA_INTEGRATE_IMPL_H
#define SGEMA_INTEGRATE_IMPL_H

#include "sgema/field.h"
#include "sgema/integrate.h"

/* One integration in progress: what every method needs and fills. */
typedef struct {
  const sgema_integration *s;
  const sgema_problem *p;
  sgema_field *field;
  const sgema_observer *obs;
  sgema_integration_stats *st;
  size_t N;
  double scale;       /* max(1, |y|_2) at the last accepted state */
  sgema_dense *dense; /* the last accepted step, for the observer; NULL: none */
} integ_run;

/* A method: allocates its workspace for states of length N (once per worker), runs one trial. */
typedef struct {
  sgema_method method;
  void *(*alloc)(const sgema_integration *s, size_t N);
  void (*free)(void *impl);
  int (*run)(void *impl, integ_run *r, double *y);
} integ_method;

extern const integ_method integ_hybrid, integ_rodas4;
extern const integ_method integ_gsl_rk8pd, integ_gsl_rkf45, integ_gsl_rkck, integ_gsl_rk4imp,
    integ_gsl_bsimp, integ_gsl_msbdf, integ_cvode;

/* The discrete algorithm of Eq. 4 (no stepper). */
int integ_discrete_run(integ_run *r, double *y, double *f);

/* Evaluates f at (t, y), counting the evaluation. */
void integ_eval(integ_run *r, double t, const double *y, double *f);

/* The end-of-step test shared by all methods, at an accepted state (t, y) with field f: calls the
 * observer, then returns 1 (and sets st->end, t_end, f_norm) when the trial ends at this state. */
int integ_accept(integ_run *r, double t, const double *y, const double *f, int *status);

/* Whether the state last accepted is in the tail: |f| < tail_f max(1, |y|). */
static inline int integ_in_tail(const integ_run *r) {
  return r->st->f_norm < r->s->tail_f * r->scale;
}

/* Step size control of our own methods (Hairer & Wanner's defaults): after an error estimate err
 * (scaled, <= 1 accepts) of a method whose error behaves like h^(order + 1), the next step is
 * h 0.9 err^(-1/(order + 1)), within [0.2 h, fac_max h], and never larger right after a rejection.
 */
typedef struct {
  double fac_max;
  int rejected_last;
} integ_control;

/* The next step size after an accepted step. */
double integ_control_accept(integ_control *c, double h, double err, int order);

/* Counts a rejected step and shrinks *h; returns 1 (with st->end set) when the trial ends there:
 * step size underflow or the step watchdog. */
int integ_control_reject(integ_control *c, integ_run *r, double t, double *h, double err,
                         int order);

/* The largest step that neither crosses the momentum schedule's kink nor the horizon. */
double integ_step_limit(const integ_run *r, double t);

/* t + h, snapped onto the kink or the horizon when the step was limited to reach it exactly. */
double integ_advance(const integ_run *r, double t, double h);

#endif

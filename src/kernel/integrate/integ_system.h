/* The system under integration: one trial's problem, field workspace and counters (lowest layer of
 * the integrator: system -> control -> steps -> evolve -> methods -> driver, as GSL's
 * ode-initval2). */
#ifndef SGEMA_INTEG_SYSTEM_H
#define SGEMA_INTEG_SYSTEM_H

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

/* The field and its derivatives at (t, y), each counted in the trial's record (rhs_evals,
 * jac_evals, jvp_evals): every evaluation a method makes goes through these. */
void integ_eval(integ_run *r, double t, const double *y, double *f);
void integ_jacobian(integ_run *r, double t, const double *y, double *J, double *dfdt);
void integ_jvp(integ_run *r, double t, const double *y, const double *v, double *jv);

#endif

/* The end-of-step test every method applies at its accepted states: the observer, then
 * convergence, divergence, the horizon and the step watchdog (docs/NUMERICS.md). */
#ifndef SGEMA_INTEG_EVOLVE_H
#define SGEMA_INTEG_EVOLVE_H

#include "integ_system.h"

/* At an accepted state (t, y) with field f: calls the observer, then returns 1 (and sets st->end,
 * t_end, f_norm) when the trial ends at this state. */
int integ_accept(integ_run *r, double t, const double *y, const double *f, int *status);

/* Whether the state last accepted is in the tail: |f| < tail_f max(1, |y|). */
static inline int integ_in_tail(const integ_run *r) {
  return r->st->f_norm < r->s->tail_f * r->scale;
}

#endif

/* Step size control, step limits (the momentum's kink, the horizon) and the underflow test, shared
 * by the methods that choose their own steps. */
#ifndef SGEMA_INTEG_CONTROL_H
#define SGEMA_INTEG_CONTROL_H

#include "integ_system.h"

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

/* Whether a step of size h at time t is below the step size floor: 1e-14 of the time reached, or
 * of the state's own time scale |y| / |f| where that is shorter than 1. */
int integ_step_underflow(const integ_run *r, double t, double h);

/* The largest step that neither crosses the momentum schedule's kink nor the horizon. */
double integ_step_limit(const integ_run *r, double t);

/* t + h, snapped onto the kink or the horizon when the step was limited to reach it exactly. */
double integ_advance(const integ_run *r, double t, double h);

#endif

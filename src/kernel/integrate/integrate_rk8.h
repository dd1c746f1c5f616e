/* Explicit Prince-Dormand 8(7) steps (the tableau of GSL's rk8pd) for the hybrid method. */
#ifndef SGEMA_INTEGRATE_RK8_H
#define SGEMA_INTEGRATE_RK8_H

#include "integ_system.h"

typedef struct rk8_ws rk8_ws;

rk8_ws *rk8_alloc(size_t N);
void rk8_free(rk8_ws *w);

/* One step of size h from (t, y) with f = f(t, y): the 8th-order solution in ynew, the difference
 * with the embedded 7th-order one in yerr, and f(t + h, ynew) in fnew (13 field evaluations). */
void rk8_step(rk8_ws *w, integ_run *r, double t, double h, const double *y, const double *f,
              double *ynew, double *yerr, double *fnew);

#endif

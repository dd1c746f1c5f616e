/* Semi-implicit extrapolation steps (Bader & Deuflhard): the hybrid's stiff phase, dense output. */
#ifndef SGEMA_INTEGRATE_EXTRAP_H
#define SGEMA_INTEGRATE_EXTRAP_H

#include "integ_system.h"

typedef struct extrap_ws extrap_ws;

extrap_ws *extrap_alloc(size_t N);
void extrap_free(extrap_ws *w);

/* Order of the steps (2 k, with k chosen once by Deuflhard's work criterion). */
int extrap_order(const extrap_ws *w);

/* One step of size h from (t, y) with f = f(t, y): the extrapolated solution in ynew and its error
 * estimate in yerr. Evaluates the Jacobian at (t, y). Returns 0, or -1 when a substep ran away (the
 * caller shrinks h). */
int extrap_step(extrap_ws *w, integ_run *r, double t, double h, const double *y, const double *f,
                double *ynew, double *yerr);

#endif

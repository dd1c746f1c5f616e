/* CVODE's BDF with a matrix-free Newton-Krylov solver, shared by the cvode and hybrid methods. */
#ifndef SGEMA_INTEGRATE_CVODE_H
#define SGEMA_INTEGRATE_CVODE_H

#include "integ_system.h"

typedef struct cvode_ws cvode_ws;

/* Workspace for states of length N with s's Krylov dimension and preconditioner: O(N x Krylov
 * dimension) doubles, no N x N matrix. */
void *cvode_alloc(const sgema_integration *s, size_t N);
void cvode_free(void *impl);

/* Integrates from the accepted state (t, y) with field f = f(t, y), restarting the BDF history
 * there, until integ_accept ends the trial. f is scratch afterwards. With relax_tail, once in the
 * tail (|f| < tail_f) the error is measured against the step's displacement, as RODAS4 does. */
int cvode_continue(cvode_ws *w, integ_run *r, double t, double *y, double *f, int relax_tail);

#endif

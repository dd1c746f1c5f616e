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
 * there, until integ_accept ends the trial. f is scratch afterwards. The tail keeps the run's
 * tolerances: RODAS4's displacement-relative control, tried here, left a noise floor in |f| above
 * f_tol at m = 64 (a trial stalled at |f| = 5e-9 until t_max that converges at t = 8,389 without).
 */
int cvode_continue(cvode_ws *w, integ_run *r, double t, double *y, double *f);

/* Tests only: on (1), workspaces allocated from then on use the generic preconditioner solve
 * instead of its compile-time-size copies (kernel_sizes.h), which must give the same bits. */
void cvode_use_generic_solves(int on);

#endif

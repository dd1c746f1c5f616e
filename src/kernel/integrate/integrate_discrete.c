/* The discrete SG/EMA/GD algorithm of the paper's Eq. 4, iterated to its fixed point. */
#include "integ_evolve.h"
#include "integ_method.h"
#include "sgema/status.h"

/* Iteration k maps the state at k - 1 to k:
 *   A_k = A + mu dA,  B_k = B + nu dB  (dA, dB: the flow's field at step k - 1),
 *   C_k = alpha_k C + (1 - alpha_k) A_k  (EMA).
 * Its fixed points are the flow's equilibria, so the same test |f| < f_tol ends it; "time" counts
 * iterations and t_max bounds them. */
int integ_discrete_run(integ_run *r, double *y, double *f) {
  const sgema_problem *p = r->p;
  int nm = p->n * p->m, nn = p->n * p->n, status = SGEMA_OK;
  double *A = sgema_state_A(p, y), *B = sgema_state_B(p, y);
  double t = 0.0;
  integ_eval(r, t, y, f);
  if (integ_accept(r, t, y, f, &status))
    return status;
  for (;;) {
    const double *fA = sgema_state_A(p, f), *fB = sgema_state_B(p, f);
    for (int i = 0; i < nm; i++)
      A[i] += p->mu * fA[i];
    for (int i = 0; i < nn; i++)
      B[i] += p->nu * fB[i];
    t += 1.0;
    if (p->alg == SGEMA_ALG_EMA) {
      double *C = sgema_state_C(p, y), alpha = sgema_momentum_alpha(&p->momentum, t);
      for (int i = 0; i < nm; i++)
        C[i] = alpha * C[i] + (1.0 - alpha) * A[i];
    }
    r->st->steps++;
    integ_eval(r, t, y, f);
    if (integ_accept(r, t, y, f, &status))
      return status;
  }
}

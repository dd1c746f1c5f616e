/* Ebar and Fbar, the objectives that SG and EMA are compared against (they do not minimise them).
 */
#include "sgema/objective.h"
#include "small_matrix.h"

double sgema_objective_fbar(const sgema_problem *p, const double *A, const double *B,
                            const double *C) {
  int m = p->m, n = p->n;
  double M[SGEMA_MAX_N * SGEMA_MAX_M]; /* B A */
  sm_mul(n, n, m, B, A, M);
  /* tr(M Sxx M^T) - 2 tr(M Sxy C^T) + tr(C Syy C^T), row by row: E|B A x - C y|^2. */
  double quad = 0.0;
  for (int i = 0; i < n; i++) {
    const double *Mi = M + i * m, *Ci = C + i * m;
    for (int k = 0; k < m; k++)
      for (int l = 0; l < m; l++)
        quad += Mi[k] * p->Sxx[k * m + l] * Mi[l] - 2.0 * Mi[k] * p->Syx[l * m + k] * Ci[l] +
                Ci[k] * p->Syy[k * m + l] * Ci[l];
  }
  double norms = 0.0;
  for (int i = 0; i < n * m; i++)
    norms += A[i] * A[i];
  for (int i = 0; i < n * n; i++)
    norms += B[i] * B[i];
  return 0.5 * quad + 0.5 * p->lambda * norms;
}

double sgema_objective_ebar(const sgema_problem *p, const double *A, const double *B) {
  return sgema_objective_fbar(p, A, B, A);
}

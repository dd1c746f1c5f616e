/* The objectives: sgema_objective_ebar/fbar against the trace formulas of docs/MODEL.md evaluated
 * here with GSL matrices, Fbar(A, B, A) = Ebar(A, B) exactly, the GD field is minus the gradient of
 * Ebar (central differences), and Ebar >= lambda/2 (|A|^2 + |B|^2) under a PSD joint covariance. */
#include "sgema/field.h"
#include "sgema/objective.h"
#include "test_util.h"

static double trace(const gsl_matrix *M) {
  double s = 0.0;
  for (size_t i = 0; i < M->size1; i++)
    s += gsl_matrix_get(M, i, i);
  return s;
}

/* 1/2 [tr(BA Sxx A^T B^T) - 2 tr(BA Sxy C^T) + tr(C Syy C^T)] + lambda/2 (|A|^2 + |B|^2). */
static double my_fbar(const sgema_problem *p, const double *Ad, const double *Bd,
                      const double *Cd) {
  int m = p->m, n = p->n;
  gsl_matrix_const_view A = gsl_matrix_const_view_array(Ad, n, m);
  gsl_matrix_const_view B = gsl_matrix_const_view_array(Bd, n, n);
  gsl_matrix_const_view C = gsl_matrix_const_view_array(Cd, n, m);
  gsl_matrix_const_view Sxx = gsl_matrix_const_view_array(p->Sxx, m, m);
  gsl_matrix_const_view Syx = gsl_matrix_const_view_array(p->Syx, m, m);
  gsl_matrix_const_view Syy = gsl_matrix_const_view_array(p->Syy, m, m);
  gsl_matrix *BA = gsl_matrix_alloc(n, m), *T = gsl_matrix_alloc(n, m), *Q = gsl_matrix_alloc(n, n);
  gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &B.matrix, &A.matrix, 0.0, BA);
  gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, BA, &Sxx.matrix, 0.0, T);
  gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, T, BA, 0.0, Q);
  double t1 = trace(Q);
  gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, BA, &Syx.matrix, 0.0, T); /* BA Sxy */
  gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, T, &C.matrix, 0.0, Q);
  double t2 = trace(Q);
  gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &C.matrix, &Syy.matrix, 0.0, T);
  gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, T, &C.matrix, 0.0, Q);
  double t3 = trace(Q);
  double na = tu_norm(Ad, (size_t)n * m), nb = tu_norm(Bd, (size_t)n * n);
  gsl_matrix_free(BA);
  gsl_matrix_free(T);
  gsl_matrix_free(Q);
  return 0.5 * (t1 - 2.0 * t2 + t3) + 0.5 * p->lambda * (na * na + nb * nb);
}

int main(void) {
  gsl_set_error_handler_off();
  gsl_rng *r = tu_rng(9173);
  double y[64], Cm[64];
  for (int m = 1; m <= 3; m++)
    for (int n = m + 1; n <= m + 2; n++) {
      double we = 0.0, wf = 0.0, wlow = INFINITY;
      int exact = 1;
      for (int k = 0; k < 10; k++) {
        sgema_problem p;
        tu_random_problem(r, SGEMA_ALG_SG, m, n, &p);
        size_t N = sgema_problem_dim(&p);
        tu_gauss(r, 0.947, y, N);
        tu_gauss(r, 1.131, Cm, (size_t)n * m);
        const double *A = y, *B = y + (size_t)n * m;
        double e = sgema_objective_ebar(&p, A, B), e_ref = my_fbar(&p, A, B, A);
        double f = sgema_objective_fbar(&p, A, B, Cm), f_ref = my_fbar(&p, A, B, Cm);
        we = fmax(we, fabs(e - e_ref) / fabs(e_ref));
        wf = fmax(wf, fabs(f - f_ref) / fabs(f_ref));
        exact &= sgema_objective_fbar(&p, A, B, A) == e;
        /* E|BAx - Ay|^2 >= 0 for the default (PSD) joint covariance */
        double na = tu_norm(A, (size_t)n * m), nb = tu_norm(B, (size_t)n * n);
        wlow = fmin(wlow, e - 0.5 * p.lambda * (na * na + nb * nb));
      }
      CHECK(we < 1e-13, "m=%d n=%d: Ebar vs GSL trace formula, rel err %.2e", m, n, we);
      CHECK(wf < 1e-13, "m=%d n=%d: Fbar vs GSL trace formula, rel err %.2e", m, n, wf);
      CHECK(exact, "m=%d n=%d: Fbar(A, B, A) == Ebar(A, B) exactly", m, n);
      CHECK(wlow >= -1e-13, "m=%d n=%d: Ebar - lambda/2 (|A|^2 + |B|^2) >= 0 (min %.3g)", m, n,
            wlow);
    }
  /* Fbar(0, 0, C) = tr(C Syy C^T) / 2 and Ebar(0, 0) = 0. */
  {
    sgema_problem p;
    tu_random_problem(r, SGEMA_ALG_SG, 2, 3, &p);
    double Z[16] = {0}, C[6] = {0.3, -1.2, 2.385, 0.7, -0.41, 0.9};
    double want = 0.0;
    for (int i = 0; i < 3; i++)
      for (int k = 0; k < 2; k++)
        for (int l = 0; l < 2; l++)
          want += 0.5 * C[i * 2 + k] * p.Syy[k * 2 + l] * C[i * 2 + l];
    double got = sgema_objective_fbar(&p, Z, Z, C);
    CHECK(fabs(got - want) < 1e-14 * want && sgema_objective_ebar(&p, Z, Z) == 0.0,
          "Fbar(0, 0, C) = tr(C Syy C^T)/2 = %.12g (got %.12g), Ebar(0, 0) = 0", want, got);
  }
  /* GD is gradient descent on Ebar: f_GD = -grad Ebar, by central differences of Ebar. */
  sgema_field *w = sgema_field_alloc(3, 5);
  for (int m = 1; m <= 3; m++) {
    int n = m + 1;
    double worst = 0.0;
    for (int k = 0; k < 4; k++) {
      sgema_problem p;
      tu_random_problem(r, SGEMA_ALG_GD, m, n, &p);
      size_t N = sgema_problem_dim(&p), nm = (size_t)n * m;
      double f[64], g[64], yp[64];
      tu_gauss(r, 0.947, y, N);
      sgema_field_eval(w, &p, 0.0, y, f);
      for (size_t j = 0; j < N; j++) {
        double h = 1e-5 * fmax(1.0, fabs(y[j]));
        memcpy(yp, y, N * sizeof(double));
        yp[j] = y[j] + h;
        double ep = sgema_objective_ebar(&p, yp, yp + nm);
        yp[j] = y[j] - h;
        double em = sgema_objective_ebar(&p, yp, yp + nm);
        g[j] = -(ep - em) / ((y[j] + h) - (y[j] - h));
      }
      worst = fmax(worst, tu_dist(f, g, N) / tu_norm(f, N));
    }
    CHECK(worst < 1e-7, "gd m=%d n=%d: field = -grad Ebar by central differences, rel err %.2e", m,
          n, worst);
  }
  sgema_field_free(w);
  gsl_rng_free(r);
  return tu_finish();
}

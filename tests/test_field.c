/* The vector fields and their derivatives: sgema_field_eval against an independent GSL evaluation
 * of docs/MODEL.md's formulas, sgema_field_jacobian against central differences of eval, jvp
 * against J v, dfdt against a difference in t, the specialised copies against the generic code (bit
 * for bit), the BLAS copies of large states against both, and the asymmetry of Prop. 3.2. */
#include "sgema/field.h"
#include "sgema/problem.h"
#include "test_util.h"

#define NMAX (2 * SGEMA_MAX_N * 5 + 25)
#define STATES_PER_CASE 4

typedef struct {
  const char *name;
  sgema_alg alg;
  sgema_momentum_kind kind;
  double t;
} field_case;

/* EMA under the linear schedule a0 = 0.87 -> a1 = 0.995 over T = 213.7, at t inside and after T. */
static const field_case cases[] = {
    {"sg", SGEMA_ALG_SG, SGEMA_MOMENTUM_CONSTANT, 1.385},
    {"ema const 0.83", SGEMA_ALG_EMA, SGEMA_MOMENTUM_CONSTANT, 2.385},
    {"ema linear t<T", SGEMA_ALG_EMA, SGEMA_MOMENTUM_LINEAR, 137.3},
    {"ema linear t>T", SGEMA_ALG_EMA, SGEMA_MOMENTUM_LINEAR, 412.9},
    {"gd", SGEMA_ALG_GD, SGEMA_MOMENTUM_CONSTANT, 0.713},
};

static void set_case(sgema_problem *p, const field_case *c) {
  p->momentum.kind = c->kind;
  if (c->kind == SGEMA_MOMENTUM_LINEAR) {
    p->momentum.a0 = 0.87;
    p->momentum.a1 = 0.995;
    p->momentum.T = 213.7;
  } else {
    p->momentum.a0 = 0.83;
  }
}

/* eval against the GSL reference; J against central differences of eval; jvp against J v. */
static void test_derivatives(gsl_rng *r, sgema_field *w) {
  static double y[64], f[64], fref[64], J[64 * 64], Jfd[64 * 64], yp[64], fp[64], fm[64], v[64],
      jv[64], Jv[64];
  for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++)
    for (int m = 1; m <= 3; m++)
      for (int n = m + 1; n <= m + 2; n++) {
        double eval_err = 0.0, jac_err = 0.0, jvp_err = 0.0;
        for (int s = 0; s < STATES_PER_CASE; s++) {
          sgema_problem p;
          tu_random_problem(r, cases[ci].alg, m, n, &p);
          set_case(&p, &cases[ci]);
          size_t N = sgema_problem_dim(&p);
          double t = cases[ci].t;
          tu_gauss(r, 0.917, y, N);
          sgema_field_eval(w, &p, t, y, f);
          tu_ref_field(&p, t, y, fref);
          eval_err = fmax(eval_err, tu_max_abs_diff(f, fref, N) / fmax(tu_norm(fref, N), 1e-300));
          sgema_field_jacobian(w, &p, t, y, J, NULL);
          /* central differences, step 1e-6 scaled by the coordinate: the field is a cubic
           * polynomial, so the truncation error is h^2/6 times a third derivative */
          for (size_t j = 0; j < N; j++) {
            double h = 1e-6 * fmax(1.0, fabs(y[j]));
            memcpy(yp, y, N * sizeof(double));
            yp[j] = y[j] + h;
            sgema_field_eval(w, &p, t, yp, fp);
            yp[j] = y[j] - h;
            sgema_field_eval(w, &p, t, yp, fm);
            double hh = (y[j] + h) - (y[j] - h); /* the step actually taken */
            for (size_t i = 0; i < N; i++)
              Jfd[i * N + j] = (fp[i] - fm[i]) / hh;
          }
          double jn = tu_norm(J, N * N);
          jac_err = fmax(jac_err, tu_dist(J, Jfd, N * N) / jn);
          tu_gauss(r, 1.213, v, N);
          sgema_field_jvp(w, &p, t, y, v, jv);
          gsl_matrix_const_view Jm = gsl_matrix_const_view_array(J, N, N);
          gsl_vector_const_view vv = gsl_vector_const_view_array(v, N);
          gsl_vector_view Jvv = gsl_vector_view_array(Jv, N);
          gsl_blas_dgemv(CblasNoTrans, 1.0, &Jm.matrix, &vv.vector, 0.0, &Jvv.vector);
          jvp_err = fmax(jvp_err, tu_dist(jv, Jv, N) / fmax(tu_norm(Jv, N), 1e-300));
        }
        CHECK(eval_err < 1e-13, "%s m=%d n=%d: eval vs GSL reference, rel err %.2e", cases[ci].name,
              m, n, eval_err);
        CHECK(jac_err < 1e-7, "%s m=%d n=%d: jacobian vs central differences, rel err %.2e",
              cases[ci].name, m, n, jac_err);
        CHECK(jvp_err < 1e-13, "%s m=%d n=%d: jvp vs J v, rel err %.2e", cases[ci].name, m, n,
              jvp_err);
      }
}

/* dfdt against (f(t + h) - f(t - h)) / 2h for EMA under the linear schedule (alpha is linear in t
 * there, so the difference is exact up to rounding); zero after T, for constant alpha, SG, GD. */
static void test_dfdt(gsl_rng *r, sgema_field *w) {
  static double y[64], J[64 * 64], dfdt[64], fp[64], fm[64], fd[64];
  for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++)
    for (int m = 1; m <= 3; m++) {
      int n = m + 1;
      sgema_problem p;
      tu_random_problem(r, cases[ci].alg, m, n, &p);
      set_case(&p, &cases[ci]);
      size_t N = sgema_problem_dim(&p);
      double t = cases[ci].t, h = 1e-3;
      tu_gauss(r, 0.917, y, N);
      sgema_field_jacobian(w, &p, t, y, J, dfdt);
      sgema_field_eval(w, &p, t + h, y, fp);
      sgema_field_eval(w, &p, t - h, y, fm);
      for (size_t i = 0; i < N; i++)
        fd[i] = (fp[i] - fm[i]) / (2.0 * h);
      int moving = cases[ci].alg == SGEMA_ALG_EMA && cases[ci].kind == SGEMA_MOMENTUM_LINEAR &&
                   t < p.momentum.T;
      if (moving) {
        double err = tu_dist(dfdt, fd, N) / tu_norm(fd, N);
        CHECK(err < 1e-8 && tu_norm(fd, N) > 0.0,
              "%s m=%d: dfdt vs difference in t, rel err %.2e (|dfdt| %.3g)", cases[ci].name, m,
              err, tu_norm(fd, N));
      } else {
        CHECK(tu_norm(dfdt, N) == 0.0 && tu_norm(fd, N) == 0.0,
              "%s m=%d: dfdt = 0 (|dfdt| %.3g, difference %.3g)", cases[ci].name, m,
              tu_norm(dfdt, N), tu_norm(fd, N));
      }
    }
}

/* The copies specialised for the sizes of field.c's table against the generic code: bit for bit. */
static void test_specialised(gsl_rng *r) {
  static const int dims[][2] = {{1, 2}, {1, 3}, {2, 3}, {2, 4}, {3, 4}, {3, 6}, {4, 5}, {4, 8}};
  enum { NBIG = 2 * 16 * 8 + 16 * 16 };
  static double y[NBIG], v[NBIG], f0[NBIG], f1[NBIG], jv0[NBIG], jv1[NBIG], J0[NBIG * NBIG],
      J1[NBIG * NBIG], d0[NBIG], d1[NBIG];
  sgema_field *w = sgema_field_alloc(8, 16);
  for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++)
    for (size_t d = 0; d < sizeof dims / sizeof *dims; d++) {
      int m = dims[d][0], n = dims[d][1], same = 1;
      for (int s = 0; s < STATES_PER_CASE; s++) {
        sgema_problem p;
        tu_random_problem(r, cases[ci].alg, m, n, &p);
        set_case(&p, &cases[ci]);
        size_t N = sgema_problem_dim(&p);
        double t = cases[ci].t;
        tu_gauss(r, 1.117, y, N);
        tu_gauss(r, 0.731, v, N);
        sgema_field_use_generic(w, 0);
        sgema_field_eval(w, &p, t, y, f0);
        sgema_field_jacobian(w, &p, t, y, J0, d0);
        sgema_field_jvp(w, &p, t, y, v, jv0);
        sgema_field_use_generic(w, 1);
        sgema_field_eval(w, &p, t, y, f1);
        sgema_field_jacobian(w, &p, t, y, J1, d1);
        sgema_field_jvp(w, &p, t, y, v, jv1);
        sgema_field_use_generic(w, 0);
        same &= memcmp(f0, f1, N * sizeof(double)) == 0;
        same &= memcmp(J0, J1, N * N * sizeof(double)) == 0;
        same &= memcmp(d0, d1, N * sizeof(double)) == 0;
        same &= memcmp(jv0, jv1, N * sizeof(double)) == 0;
      }
      CHECK(same, "%s (m,n)=(%d,%d): specialised f, J, dfdt, jvp bit-identical to generic",
            cases[ci].name, m, n);
    }
  sgema_field_free(w);
}

/* From m = SGEMA_BLAS_MIN_M (5) on the field multiplies through the BLAS: its f against the GSL
 * reference and its J v against the generic loops, to rounding; and the same bits whatever the
 * alignment of the state (OpenBLAS's kernels choose their paths by size, which a trial's result
 * may depend on, not by address, which would make it depend on the process's allocations). */
static void test_blas(gsl_rng *r) {
  static const int dims[][2] = {{5, 6}, {8, 16}, {12, 24}, {17, 20}};
  enum { NBIG = 2 * 24 * 12 + 24 * 24 + 8 };
  static double y[NBIG + 1], v[NBIG], f0[NBIG], f1[NBIG + 1], fref[NBIG], jv0[NBIG], jv1[NBIG];
  sgema_field *w = sgema_field_alloc(17, 24);
  for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++)
    for (size_t d = 0; d < sizeof dims / sizeof *dims; d++) {
      int m = dims[d][0], n = dims[d][1], aligned_same = 1;
      double eval_err = 0.0, jvp_err = 0.0;
      for (int s = 0; s < 2; s++) {
        sgema_problem p;
        tu_random_problem(r, cases[ci].alg, m, n, &p);
        set_case(&p, &cases[ci]);
        size_t N = sgema_problem_dim(&p);
        double t = cases[ci].t;
        tu_gauss(r, 1.117, y, N);
        tu_gauss(r, 0.731, v, N);
        sgema_field_eval(w, &p, t, y, f0);
        tu_ref_field(&p, t, y, fref);
        eval_err = fmax(eval_err, tu_max_abs_diff(f0, fref, N) / tu_norm(fref, N));
        sgema_field_jvp(w, &p, t, y, v, jv0);
        sgema_field_use_generic(w, 1);
        sgema_field_jvp(w, &p, t, y, v, jv1);
        sgema_field_use_generic(w, 0);
        jvp_err = fmax(jvp_err, tu_max_abs_diff(jv0, jv1, N) / tu_norm(jv1, N));
        memmove(y + 1, y, N * sizeof(double)); /* 8 bytes off the previous alignment */
        sgema_field_eval(w, &p, t, y + 1, f1 + 1);
        aligned_same &= memcmp(f0, f1 + 1, N * sizeof(double)) == 0;
      }
      CHECK(eval_err < 1e-13 && jvp_err < 1e-13,
            "%s (m,n)=(%d,%d) through the BLAS: f vs GSL reference %.1e, J v vs loops %.1e",
            cases[ci].name, m, n, eval_err, jvp_err);
      CHECK(aligned_same, "%s (m,n)=(%d,%d) through the BLAS: the same bits at another alignment",
            cases[ci].name, m, n);
    }
  sgema_field_free(w);
}

/* Prop. 3.2: |J_AB - J_BA^T|_F = sqrt(n) |Syx A^T|_F for the SG field. */
static void test_asymmetry(gsl_rng *r, sgema_field *w) {
  static double y[64], J[64 * 64];
  for (int m = 1; m <= 3; m++)
    for (int n = m + 1; n <= m + 2; n++) {
      double worst = 0.0, smallest = INFINITY;
      for (int s = 0; s < 6; s++) {
        sgema_problem p;
        tu_random_problem(r, SGEMA_ALG_SG, m, n, &p);
        size_t N = sgema_problem_dim(&p), nm = (size_t)n * m, nn = (size_t)n * n;
        tu_gauss(r, 1.071, y, N);
        sgema_field_jacobian(w, &p, 0.0, y, J, NULL);
        double lhs = 0.0; /* J_AB: rows nm (dA), columns nn (B); J_BA: rows nn (dB), columns nm */
        for (size_t i = 0; i < nm; i++)
          for (size_t j = 0; j < nn; j++) {
            double d = J[i * N + nm + j] - J[(nm + j) * N + i];
            lhs += d * d;
          }
        lhs = sqrt(lhs);
        gsl_matrix_const_view A = gsl_matrix_const_view_array(y, n, m);
        gsl_matrix_const_view Syx = gsl_matrix_const_view_array(p.Syx, m, m);
        gsl_matrix *SAt = gsl_matrix_alloc(m, n);
        gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, &Syx.matrix, &A.matrix, 0.0, SAt);
        double rhs = sqrt((double)n) * tu_norm(SAt->data, (size_t)m * n);
        gsl_matrix_free(SAt);
        worst = fmax(worst, fabs(lhs - rhs) / rhs);
        smallest = fmin(smallest, rhs);
      }
      CHECK(worst < 1e-12 && smallest > 0.0,
            "sg m=%d n=%d: |J_AB - J_BA^T| = sqrt(n) |Syx A^T|, rel err %.2e", m, n, worst);
    }
  /* It vanishes where A Sxy = 0: at A = 0 the blocks are transposes of each other. */
  sgema_problem p;
  tu_random_problem(r, SGEMA_ALG_SG, 2, 3, &p);
  size_t N = sgema_problem_dim(&p), nm = 6, nn = 9;
  tu_gauss(r, 1.071, y, N);
  memset(y, 0, nm * sizeof(double));
  sgema_field_jacobian(w, &p, 0.0, y, J, NULL);
  double lhs = 0.0;
  for (size_t i = 0; i < nm; i++)
    for (size_t j = 0; j < nn; j++)
      lhs = fmax(lhs, fabs(J[i * N + nm + j] - J[(nm + j) * N + i]));
  CHECK(lhs == 0.0, "sg A=0: J_AB = J_BA^T (max diff %.3g)", lhs);
}

int main(void) {
  gsl_set_error_handler_off();
  gsl_rng *r = tu_rng(2385);
  sgema_field *w = sgema_field_alloc(3, 5);
  CHECK(w != NULL, "sgema_field_alloc(3, 5)");
  CHECK(sgema_field_alloc(0, 2) == NULL, "sgema_field_alloc(0, 2) refused");
  test_derivatives(r, w);
  test_dfdt(r, w);
  test_specialised(r);
  test_blas(r);
  test_asymmetry(r, w);
  sgema_field_free(w);
  gsl_rng_free(r);
  return tu_finish();
}

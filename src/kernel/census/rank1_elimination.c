/* The m = 2 rank-1 system by elimination: one polynomial of degree 6 in z, its roots from GSL's
 * companion-matrix solver, t and K from a 2 x 2 linear system at each root. */
#include "rank1_elimination.h"

#include <math.h>

/* Relative: roots closer than this are one multiple root, and t, K from a 2 x 2 system this
 * close to singular are not trusted (the chart is tracked instead). */
#define SGEMA_RANK1_COND 1e-6
#include <string.h>

/* out (degree da + db) = a (degree da) * b (degree db), coefficients ascending. */
static void poly_mul(const double *a, int da, const double *b, int db, double *out) {
  memset(out, 0, (size_t)(da + db + 1) * sizeof *out);
  for (int i = 0; i <= da; i++)
    for (int j = 0; j <= db; j++)
      out[i + j] += a[i] * b[j];
}

/* The quadratic forms of u = (1, z) the elimination needs, from the chart's data X = Q^T Sxx Q,
 * Y = Q^T Syx Q (a = X u, b = Y^T u, c = Y u): the determinants d_au = det(a, u)... written as
 * a_0 u_1 - a_1 u_0 and so on, and g = u.u, P = u.a, R = u.c. */
typedef struct {
  double d_au[3], d_ab[3], d_ub[3], g[3], P[3], R[3];
} rank1_forms;

static void forms(const sgema_census_system *s, rank1_forms *f) {
  double X[4], Y[4];
  for (int i = 0; i < 4; i++) {
    X[i] = creal(s->target.Sxx[i]);
    Y[i] = creal(s->target.Syx[i]);
  }
  const double a0[2] = {X[0], X[1]}, a1[2] = {X[2], X[3]};
  const double b0[2] = {Y[0], Y[2]}, b1[2] = {Y[1], Y[3]};
  double a0b1[3], a1b0[3];
  poly_mul(a0, 1, b1, 1, a0b1);
  poly_mul(a1, 1, b0, 1, a1b0);
  const rank1_forms v = {
      .d_au = {-X[2], X[0] - X[3], X[1]},
      .d_ab = {a0b1[0] - a1b0[0], a0b1[1] - a1b0[1], a0b1[2] - a1b0[2]},
      .d_ub = {Y[1], Y[3] - Y[0], -Y[2]},
      .g = {1.0, 0.0, 1.0},
      .P = {X[0], X[1] + X[2], X[3]},
      .R = {Y[0], Y[1] + Y[2], Y[3]},
  };
  *f = v;
}

/* With u = (1, z) the equations e_1, e_2 of the rank-1 system (x0 = 1) are linear in t and K:
 * t g a + lambda u = K b gives t = -lambda d_ub / (g d_ab), K = lambda d_au / d_ab, and e_0 =
 * K (t P + lambda) - t R = 0 times g d_ab^2 / lambda is
 *   lambda d_au (g d_ab - P d_ub) + R d_ab d_ub = 0   (docs/CENSUS.md). */
static void polynomial(const rank1_forms *fp, double lambda, double *coef) {
  const rank1_forms f = *fp;
  double g_ab[5], P_ub[5], inner[5], outer[7], ab_ub[5], right[7];
  poly_mul(f.g, 2, f.d_ab, 2, g_ab);
  poly_mul(f.P, 2, f.d_ub, 2, P_ub);
  for (int i = 0; i < 5; i++)
    inner[i] = g_ab[i] - P_ub[i];
  poly_mul(f.d_au, 2, inner, 4, outer);
  poly_mul(f.d_ab, 2, f.d_ub, 2, ab_ub);
  poly_mul(f.R, 2, ab_ub, 4, right);
  for (int i = 0; i <= SGEMA_RANK1_DEGREE; i++)
    coef[i] = lambda * outer[i] + right[i];
}

void sgema_rank1_polynomial(const sgema_census_system *s, double *coef) {
  rank1_forms f;
  forms(s, &f);
  polynomial(&f, s->lambda, coef);
}

static double complex horner(const double *p, int degree, double complex z) {
  double complex v = p[degree];
  for (int i = degree - 1; i >= 0; i--)
    v = v * z + p[i];
  return v;
}

/* |a| |b| at u = (1, z) (a = X u, b = Y^T u, complex moduli): the size d_ab = det(a, b) is
 * compared with, the 2 x 2 system for t and K being singular when a and b are parallel. */
static double ab_size(const sgema_census_system *s, double complex z) {
  double na = 0.0, nb = 0.0;
  for (int i = 0; i < 2; i++) {
    double complex a = s->target.Sxx[2 * i] + s->target.Sxx[2 * i + 1] * z;
    double complex b = s->target.Syx[i] + s->target.Syx[2 + i] * z;
    na += creal(a * conj(a));
    nb += creal(b * conj(b));
  }
  return sqrt(na * nb);
}

int sgema_rank1_eliminate(const sgema_census_system *s, gsl_poly_complex_workspace *w,
                          double complex *x, int stride) {
  double coef[SGEMA_RANK1_DEGREE + 1], big = 0.0;
  rank1_forms f;
  forms(s, &f);
  polynomial(&f, s->lambda, coef);
  for (int i = 0; i <= SGEMA_RANK1_DEGREE; i++)
    big = fmax(big, fabs(coef[i]));
  if (!(fabs(coef[SGEMA_RANK1_DEGREE]) > 1e-12 * big))
    return -1;
  double z[2 * SGEMA_RANK1_DEGREE];
  if (gsl_poly_complex_solve(coef, SGEMA_RANK1_DEGREE + 1, w, z) != 0)
    return -1;
  for (int r = 0; r < SGEMA_RANK1_DEGREE; r++) {
    double complex zr = z[2 * r] + I * z[2 * r + 1];
    for (int q = 0; q < r; q++) /* a multiple root: t is not a function of z there */
      if (cabs(zr - (z[2 * q] + I * z[2 * q + 1])) <= SGEMA_RANK1_COND * (1.0 + cabs(zr)))
        return -1;
    double complex d_ab = horner(f.d_ab, 2, zr), g = horner(f.g, 2, zr);
    if (!(cabs(d_ab) > SGEMA_RANK1_COND * ab_size(s, zr)))
      return -1;
    double complex *xr = x + (long)r * stride;
    xr[0] = -s->lambda * horner(f.d_ub, 2, zr) / (g * d_ab);
    xr[1] = zr;
    xr[2] = s->lambda * horner(f.d_au, 2, zr) / d_ab;
  }
  return SGEMA_RANK1_DEGREE;
}

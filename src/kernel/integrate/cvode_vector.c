/* Optimised copies of the serial N_Vector operations CVODE and SPGMR spend their time in. */
#include "cvode_vector.h"
#include "simd_clones.h"

#include <math.h>
#include <sundials/sundials_math.h>

/* Each function below computes what the same-named operation of SUNDIALS 6.4's nvector_serial.c
 * computes, case by case (its special cases for coefficients of 1 and -1 give different roundings
 * than the general formula, so they are kept), with each sum accumulated in index order. */

static inline sunindextype len(N_Vector v) {
  return NV_LENGTH_S(v);
}

static inline realtype *data(N_Vector v) {
  return NV_DATA_S(v);
}

/* z = a x + b y and its special cases. */
SGEMA_CLONES static void linear_sum(realtype a, N_Vector xv, realtype b, N_Vector yv, N_Vector zv) {
  sunindextype N = len(xv);
  realtype *x = data(xv), *y = data(yv), *z = data(zv);
  if ((b == 1.0 && zv == yv) || (a == 1.0 && zv == xv)) { /* y += a x, or x += b y */
    realtype c = zv == yv && b == 1.0 ? a : b;
    const realtype *u = zv == yv && b == 1.0 ? x : y;
    if (c == 1.0)
      for (sunindextype i = 0; i < N; i++)
        z[i] += u[i];
    else if (c == -1.0)
      for (sunindextype i = 0; i < N; i++)
        z[i] -= u[i];
    else
      for (sunindextype i = 0; i < N; i++)
        z[i] += c * u[i];
  } else if (a == 1.0 && b == 1.0) {
    for (sunindextype i = 0; i < N; i++)
      z[i] = x[i] + y[i];
  } else if ((a == 1.0 && b == -1.0) || (a == -1.0 && b == 1.0)) {
    const realtype *p = a == 1.0 ? x : y, *q = a == 1.0 ? y : x; /* p - q */
    for (sunindextype i = 0; i < N; i++)
      z[i] = p[i] - q[i];
  } else if (a == 1.0 || b == 1.0) { /* c u + v with the other coefficient 1 */
    realtype c = a == 1.0 ? b : a;
    const realtype *u = a == 1.0 ? y : x, *v = a == 1.0 ? x : y;
    for (sunindextype i = 0; i < N; i++)
      z[i] = (c * u[i]) + v[i];
  } else if (a == -1.0 || b == -1.0) { /* c u - v with the other coefficient -1 */
    realtype c = a == -1.0 ? b : a;
    const realtype *u = a == -1.0 ? y : x, *v = a == -1.0 ? x : y;
    for (sunindextype i = 0; i < N; i++)
      z[i] = (c * u[i]) - v[i];
  } else if (a == b) {
    for (sunindextype i = 0; i < N; i++)
      z[i] = a * (x[i] + y[i]);
  } else if (a == -b) {
    for (sunindextype i = 0; i < N; i++)
      z[i] = a * (x[i] - y[i]);
  } else {
    for (sunindextype i = 0; i < N; i++)
      z[i] = (a * x[i]) + (b * y[i]);
  }
}

SGEMA_CLONES static void constant(realtype c, N_Vector zv) {
  sunindextype N = len(zv);
  realtype *z = data(zv);
  for (sunindextype i = 0; i < N; i++)
    z[i] = c;
}

SGEMA_CLONES static void product(N_Vector xv, N_Vector yv, N_Vector zv) {
  sunindextype N = len(xv);
  realtype *x = data(xv), *y = data(yv), *z = data(zv);
  for (sunindextype i = 0; i < N; i++)
    z[i] = x[i] * y[i];
}

SGEMA_CLONES static void quotient(N_Vector xv, N_Vector yv, N_Vector zv) {
  sunindextype N = len(xv);
  realtype *x = data(xv), *y = data(yv), *z = data(zv);
  for (sunindextype i = 0; i < N; i++)
    z[i] = x[i] / y[i];
}

SGEMA_CLONES static void scale(realtype c, N_Vector xv, N_Vector zv) {
  sunindextype N = len(xv);
  realtype *x = data(xv), *z = data(zv);
  if (zv == xv)
    for (sunindextype i = 0; i < N; i++)
      z[i] *= c;
  else if (c == 1.0)
    for (sunindextype i = 0; i < N; i++)
      z[i] = x[i];
  else if (c == -1.0)
    for (sunindextype i = 0; i < N; i++)
      z[i] = -x[i];
  else
    for (sunindextype i = 0; i < N; i++)
      z[i] = c * x[i];
}

SGEMA_CLONES static void absolute(N_Vector xv, N_Vector zv) {
  sunindextype N = len(xv);
  realtype *x = data(xv), *z = data(zv);
  for (sunindextype i = 0; i < N; i++)
    z[i] = fabs(x[i]);
}

SGEMA_CLONES static void inverse(N_Vector xv, N_Vector zv) {
  sunindextype N = len(xv);
  realtype *x = data(xv), *z = data(zv);
  for (sunindextype i = 0; i < N; i++)
    z[i] = 1.0 / x[i];
}

SGEMA_CLONES static void add_constant(N_Vector xv, realtype b, N_Vector zv) {
  sunindextype N = len(xv);
  realtype *x = data(xv), *z = data(zv);
  for (sunindextype i = 0; i < N; i++)
    z[i] = x[i] + b;
}

static realtype dot(N_Vector xv, N_Vector yv) {
  sunindextype N = len(xv);
  const realtype *x = data(xv), *y = data(yv);
  realtype sum = 0.0;
  for (sunindextype i = 0; i < N; i++)
    sum += x[i] * y[i];
  return sum;
}

static realtype max_norm(N_Vector xv) {
  sunindextype N = len(xv);
  const realtype *x = data(xv);
  realtype max = 0.0;
  for (sunindextype i = 0; i < N; i++) {
    realtype a = fabs(x[i]);
    if (a > max)
      max = a;
  }
  return max;
}

static realtype weighted_square_sum(N_Vector xv, N_Vector wv) {
  sunindextype N = len(xv);
  const realtype *x = data(xv), *w = data(wv);
  realtype sum = 0.0;
  for (sunindextype i = 0; i < N; i++) {
    realtype p = x[i] * w[i];
    sum += p * p;
  }
  return sum;
}

static realtype wrms_norm(N_Vector xv, N_Vector wv) {
  return SUNRsqrt(weighted_square_sum(xv, wv) / (realtype)len(xv));
}

/* z = sum_i c_i X_i, accumulated vector by vector from X_0 (nvec 1 and 2 as scale and
 * linear_sum, as the library does). */
SGEMA_CLONES static int linear_combination(int nvec, realtype *c, N_Vector *X, N_Vector zv) {
  if (nvec < 1)
    return -1;
  if (nvec == 1) {
    scale(c[0], X[0], zv);
    return 0;
  }
  if (nvec == 2) {
    linear_sum(c[0], X[0], c[1], X[1], zv);
    return 0;
  }
  sunindextype N = len(zv);
  realtype *z = data(zv);
  if (X[0] != zv) {
    const realtype *x = data(X[0]);
    for (sunindextype j = 0; j < N; j++)
      z[j] = c[0] * x[j];
  } else if (c[0] != 1.0) {
    for (sunindextype j = 0; j < N; j++)
      z[j] *= c[0];
  }
  for (int i = 1; i < nvec; i++) {
    const realtype *x = data(X[i]);
    realtype ci = c[i];
    for (sunindextype j = 0; j < N; j++)
      z[j] += ci * x[j];
  }
  return 0;
}

/* Z_i = Y_i + a_i x. */
SGEMA_CLONES static int scale_add_multi(int nvec, realtype *a, N_Vector xv, N_Vector *Y,
                                        N_Vector *Z) {
  if (nvec < 1)
    return -1;
  if (nvec == 1) {
    linear_sum(a[0], xv, 1.0, Y[0], Z[0]);
    return 0;
  }
  sunindextype N = len(xv);
  const realtype *x = data(xv);
  for (int i = 0; i < nvec; i++) {
    realtype *y = data(Y[i]), *z = data(Z[i]), ai = a[i];
    if (Y == Z)
      for (sunindextype j = 0; j < N; j++)
        y[j] += ai * x[j];
    else
      for (sunindextype j = 0; j < N; j++)
        z[j] = ai * x[j] + y[j];
  }
  return 0;
}

/* Four dot products at once: four independent chains of additions, each summed in index order,
 * so the latency of one chain no longer sets the pace. */
static void dot4(sunindextype N, const realtype *x, const realtype *y0, const realtype *y1,
                 const realtype *y2, const realtype *y3, realtype *d) {
  realtype s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  for (sunindextype j = 0; j < N; j++) {
    s0 += x[j] * y0[j];
    s1 += x[j] * y1[j];
    s2 += x[j] * y2[j];
    s3 += x[j] * y3[j];
  }
  d[0] = s0, d[1] = s1, d[2] = s2, d[3] = s3;
}

static int dot_multi(int nvec, N_Vector xv, N_Vector *Y, realtype *d) {
  if (nvec < 1)
    return -1;
  sunindextype N = len(xv);
  const realtype *x = data(xv);
  int i = 0;
  for (; i + 4 <= nvec; i += 4)
    dot4(N, x, data(Y[i]), data(Y[i + 1]), data(Y[i + 2]), data(Y[i + 3]), d + i);
  for (; i < nvec; i++)
    d[i] = dot(xv, Y[i]);
  return 0;
}

void cvode_vector_install(N_Vector v) {
  N_Vector_Ops o = v->ops;
  o->nvlinearsum = linear_sum;
  o->nvconst = constant;
  o->nvprod = product;
  o->nvdiv = quotient;
  o->nvscale = scale;
  o->nvabs = absolute;
  o->nvinv = inverse;
  o->nvaddconst = add_constant;
  o->nvdotprod = dot;
  o->nvmaxnorm = max_norm;
  o->nvwrmsnorm = wrms_norm;
  o->nvwsqrsumlocal = weighted_square_sum;
  if (o->nvlinearcombination)
    o->nvlinearcombination = linear_combination;
  if (o->nvscaleaddmulti)
    o->nvscaleaddmulti = scale_add_multi;
  if (o->nvdotprodmulti)
    o->nvdotprodmulti = dot_multi;
}

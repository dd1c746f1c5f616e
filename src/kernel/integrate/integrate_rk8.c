/* Prince & Dormand's embedded Runge-Kutta 8(7) pair (J. Comp. Appl. Math. 7, 1981), 13 stages. */
#include "integrate_rk8.h"
#include "simd_clones.h"

#include <stdlib.h>
#include <string.h>

/* Why not gsl_odeiv2_step_apply with GSL's rk8pd: the same tableau, but GSL reaches the field
 * through a function pointer per stage, copies the state on entry and keeps thirteen separate stage
 * arrays; on a six-dimensional state that bookkeeping cost as much as the arithmetic. The
 * coefficients below are GSL's (ode-initval2/rk8pd.c); the tests check that a step here equals a
 * GSL rk8pd step to rounding. */

#define STAGES 13

/* Nodes c_i and the strictly lower triangular a_ij, row i holding a_i0 .. a_i,i-1. */
static const double c[STAGES] = {0.0,
                                 1.0 / 18.0,
                                 1.0 / 12.0,
                                 1.0 / 8.0,
                                 5.0 / 16.0,
                                 3.0 / 8.0,
                                 59.0 / 400.0,
                                 93.0 / 200.0,
                                 5490023248.0 / 9719169821.0,
                                 13.0 / 20.0,
                                 1201146811.0 / 1299019798.0,
                                 1.0,
                                 1.0};

static const double a[STAGES][STAGES - 1] = {
    {0},
    {1.0 / 18.0},
    {1.0 / 48.0, 1.0 / 16.0},
    {1.0 / 32.0, 0.0, 3.0 / 32.0},
    {5.0 / 16.0, 0.0, -75.0 / 64.0, 75.0 / 64.0},
    {3.0 / 80.0, 0.0, 0.0, 3.0 / 16.0, 3.0 / 20.0},
    {29443841.0 / 614563906.0, 0.0, 0.0, 77736538.0 / 692538347.0, -28693883.0 / 1125000000.0,
     23124283.0 / 1800000000.0},
    {16016141.0 / 946692911.0, 0.0, 0.0, 61564180.0 / 158732637.0, 22789713.0 / 633445777.0,
     545815736.0 / 2771057229.0, -180193667.0 / 1043307555.0},
    {39632708.0 / 573591083.0, 0.0, 0.0, -433636366.0 / 683701615.0, -421739975.0 / 2616292301.0,
     100302831.0 / 723423059.0, 790204164.0 / 839813087.0, 800635310.0 / 3783071287.0},
    {246121993.0 / 1340847787.0, 0.0, 0.0, -37695042795.0 / 15268766246.0,
     -309121744.0 / 1061227803.0, -12992083.0 / 490766935.0, 6005943493.0 / 2108947869.0,
     393006217.0 / 1396673457.0, 123872331.0 / 1001029789.0},
    {-1028468189.0 / 846180014.0, 0.0, 0.0, 8478235783.0 / 508512852.0, 1311729495.0 / 1432422823.0,
     -10304129995.0 / 1701304382.0, -48777925059.0 / 3047939560.0, 15336726248.0 / 1032824649.0,
     -45442868181.0 / 3398467696.0, 3065993473.0 / 597172653.0},
    {185892177.0 / 718116043.0, 0.0, 0.0, -3185094517.0 / 667107341.0, -477755414.0 / 1098053517.0,
     -703635378.0 / 230739211.0, 5731566787.0 / 1027545527.0, 5232866602.0 / 850066563.0,
     -4093664535.0 / 808688257.0, 3962137247.0 / 1805957418.0, 65686358.0 / 487910083.0},
    {403863854.0 / 491063109.0, 0.0, 0.0, -5068492393.0 / 434740067.0, -411421997.0 / 543043805.0,
     652783627.0 / 914296604.0, 11173962825.0 / 925320556.0, -13158990841.0 / 6184727034.0,
     3936647629.0 / 1978049680.0, -160528059.0 / 685178525.0, 248638103.0 / 1413531060.0, 0.0}};

/* 8th-order weights (b) and 7th-order weights (bhat). */
static const double b[STAGES] = {14005451.0 / 335480064.0,
                                 0.0,
                                 0.0,
                                 0.0,
                                 0.0,
                                 -59238493.0 / 1068277825.0,
                                 181606767.0 / 758867731.0,
                                 561292985.0 / 797845732.0,
                                 -1041891430.0 / 1371343529.0,
                                 760417239.0 / 1151165299.0,
                                 118820643.0 / 751138087.0,
                                 -528747749.0 / 2220607170.0,
                                 1.0 / 4.0};
static const double bhat[STAGES] = {13451932.0 / 455176623.0,
                                    0.0,
                                    0.0,
                                    0.0,
                                    0.0,
                                    -808719846.0 / 976000145.0,
                                    1757004468.0 / 5645159321.0,
                                    656045339.0 / 265891186.0,
                                    -3867574721.0 / 1518517206.0,
                                    465885868.0 / 322736535.0,
                                    53011238.0 / 667516719.0,
                                    2.0 / 45.0,
                                    0.0};

struct rk8_ws {
  size_t N;
  double *k;    /* STAGES x N stage derivatives */
  double *ytmp; /* stage state */
};

rk8_ws *rk8_alloc(size_t N) {
  rk8_ws *w = calloc(1, sizeof *w);
  if (!w)
    return NULL;
  w->N = N;
  w->k = malloc((STAGES + 1) * N * sizeof(double));
  if (!w->k) {
    free(w);
    return NULL;
  }
  w->ytmp = w->k + STAGES * N;
  return w;
}

void rk8_free(rk8_ws *w) {
  if (!w)
    return;
  free(w->k);
  free(w);
}

/* The stage combinations written out with the tableau's nonzero entries as constants (GSL's form):
 * each sum adds its terms in stage order, as a loop over the row would, but without index
 * arithmetic; with N a compile-time constant every line is a few vector operations. */
#define KJ(j) k[(size_t)(j)*N + i]
#define T(s, j) a[s][j] * KJ(j)
#define STAGE(s, expr)                                                                             \
  do {                                                                                             \
    for (size_t i = 0; i < N; i++)                                                                 \
      ytmp[i] = y[i] + h * (expr);                                                                 \
    integ_eval(r, t + c[s] * h, ytmp, k + (size_t)(s)*N);                                          \
  } while (0)

static inline __attribute__((always_inline)) void step_n(rk8_ws *w, integ_run *r, double t,
                                                         double h, const double *y, const double *f,
                                                         double *ynew, double *yerr, double *fnew,
                                                         size_t N) {
  double *restrict k = w->k, *restrict ytmp = w->ytmp;
  memcpy(k, f, N * sizeof(double));
  STAGE(1, T(1, 0));
  STAGE(2, T(2, 0) + T(2, 1));
  STAGE(3, T(3, 0) + T(3, 2));
  STAGE(4, T(4, 0) + T(4, 2) + T(4, 3));
  STAGE(5, T(5, 0) + T(5, 3) + T(5, 4));
  STAGE(6, T(6, 0) + T(6, 3) + T(6, 4) + T(6, 5));
  STAGE(7, T(7, 0) + T(7, 3) + T(7, 4) + T(7, 5) + T(7, 6));
  STAGE(8, T(8, 0) + T(8, 3) + T(8, 4) + T(8, 5) + T(8, 6) + T(8, 7));
  STAGE(9, T(9, 0) + T(9, 3) + T(9, 4) + T(9, 5) + T(9, 6) + T(9, 7) + T(9, 8));
  STAGE(10, T(10, 0) + T(10, 3) + T(10, 4) + T(10, 5) + T(10, 6) + T(10, 7) + T(10, 8) + T(10, 9));
  STAGE(11, T(11, 0) + T(11, 3) + T(11, 4) + T(11, 5) + T(11, 6) + T(11, 7) + T(11, 8) + T(11, 9) +
                T(11, 10));
  STAGE(12, T(12, 0) + T(12, 3) + T(12, 4) + T(12, 5) + T(12, 6) + T(12, 7) + T(12, 8) + T(12, 9) +
                T(12, 10));
  for (size_t i = 0; i < N; i++) {
    double s8 = b[0] * KJ(0) + b[5] * KJ(5) + b[6] * KJ(6) + b[7] * KJ(7) + b[8] * KJ(8) +
                b[9] * KJ(9) + b[10] * KJ(10) + b[11] * KJ(11) + b[12] * KJ(12);
    double s7 = bhat[0] * KJ(0) + bhat[5] * KJ(5) + bhat[6] * KJ(6) + bhat[7] * KJ(7) +
                bhat[8] * KJ(8) + bhat[9] * KJ(9) + bhat[10] * KJ(10) + bhat[11] * KJ(11);
    ynew[i] = y[i] + h * s8;
    yerr[i] = h * (s7 - s8);
  }
  integ_eval(r, t + h, ynew, fnew);
}
#undef STAGE
#undef T
#undef KJ

/* Copies for the state lengths of the common dimensions (SG and EMA with m = 1, n = 2 and 3;
 * m = 2, n = 4): with N known the compiler unrolls the component loops. Same operations, same
 * order: the results are those of the generic copy. */
#define RK8_SPECIALISE(NN)                                                                         \
  static void step_##NN(rk8_ws *w, integ_run *r, double t, double h, const double *y,              \
                        const double *f, double *ynew, double *yerr, double *fnew) {               \
    step_n(w, r, t, h, y, f, ynew, yerr, fnew, NN);                                                \
  }
RK8_SPECIALISE(6)
RK8_SPECIALISE(8)
RK8_SPECIALISE(12)
RK8_SPECIALISE(15)
RK8_SPECIALISE(24)
RK8_SPECIALISE(32)

/* Every other length (the large states' explicit phase) is also compiled for AVX2, chosen at load
 * time: wider vectors, the same operations on each component, so the same bits (simd_clones.h). */
SGEMA_CLONES static void step_any(rk8_ws *w, integ_run *r, double t, double h, const double *y,
                                  const double *f, double *ynew, double *yerr, double *fnew) {
  step_n(w, r, t, h, y, f, ynew, yerr, fnew, w->N);
}

void rk8_step(rk8_ws *w, integ_run *r, double t, double h, const double *y, const double *f,
              double *ynew, double *yerr, double *fnew) {
  switch (w->N) {
  case 6:
    step_6(w, r, t, h, y, f, ynew, yerr, fnew);
    break;
  case 8:
    step_8(w, r, t, h, y, f, ynew, yerr, fnew);
    break;
  case 12:
    step_12(w, r, t, h, y, f, ynew, yerr, fnew);
    break;
  case 15:
    step_15(w, r, t, h, y, f, ynew, yerr, fnew);
    break;
  case 24:
    step_24(w, r, t, h, y, f, ynew, yerr, fnew);
    break;
  case 32:
    step_32(w, r, t, h, y, f, ynew, yerr, fnew);
    break;
  default:
    step_any(w, r, t, h, y, f, ynew, yerr, fnew);
  }
}

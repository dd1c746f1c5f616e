/* Our optimised N_Vector operations against SUNDIALS' own serial ones, bit for bit: every
 * operation, every special case of its coefficients, aliased and separate outputs. */
#include "cvode_vector.h"
#include "test_util.h"

#include <sundials/sundials_context.h>

enum { LEN = 389, NVEC = 11 }; /* odd lengths exercise the vector loops' remainders */

static SUNContext ctx;

static N_Vector random_vector(unsigned *seed, int ours) {
  N_Vector v = N_VNew_Serial(LEN, ctx);
  N_VEnableFusedOps_Serial(v, SUNTRUE);
  if (ours)
    cvode_vector_install(v);
  double *d = NV_DATA_S(v);
  for (int i = 0; i < LEN; i++) {
    *seed = *seed * 1103515245u + 12345u;
    d[i] = ((double)(*seed >> 8) / 16777216.0 - 0.5) * (i % 7 == 0 ? 1e-9 : 3.0);
  }
  if (*seed % 3 == 0)
    d[LEN / 2] = -0.0;
  return v;
}

/* Two copies of one random vector: one with the library's operations, one with ours. */
typedef struct {
  N_Vector lib, ours;
} pair;

static pair random_pair(unsigned seed) {
  unsigned s1 = seed, s2 = seed;
  pair p = {random_vector(&s1, 0), random_vector(&s2, 1)};
  return p;
}

static void free_pair(pair p) {
  N_VDestroy(p.lib);
  N_VDestroy(p.ours);
}

static int same(N_Vector a, N_Vector b) {
  return memcmp(NV_DATA_S(a), NV_DATA_S(b), LEN * sizeof(double)) == 0;
}

static int same_real(double a, double b) {
  return memcmp(&a, &b, sizeof a) == 0;
}

static void test_linear_sum(void) {
  const double coef[] = {1.0, -1.0, 0.0, 2.5, -2.5, 0.3};
  int bad = 0, cases = 0;
  for (int ia = 0; ia < 6; ia++)
    for (int ib = 0; ib < 6; ib++)
      for (int alias = 0; alias < 3; alias++) { /* z separate, z = x, z = y */
        double a = coef[ia], b = coef[ib];
        pair x = random_pair(11), y = random_pair(12), z = random_pair(13);
        N_Vector zl = alias == 1 ? x.lib : alias == 2 ? y.lib : z.lib;
        N_Vector zo = alias == 1 ? x.ours : alias == 2 ? y.ours : z.ours;
        N_VLinearSum_Serial(a, x.lib, b, y.lib, zl);
        N_VLinearSum(a, x.ours, b, y.ours, zo);
        bad += !same(zl, zo);
        cases++;
        free_pair(x), free_pair(y), free_pair(z);
      }
  CHECK(bad == 0, "linear sum: %d of %d coefficient and aliasing cases differ from SUNDIALS'", bad,
        cases);
}

static void test_elementwise(void) {
  int bad = 0;
  const double c[] = {1.0, -1.0, 0.7};
  for (int k = 0; k < 3; k++)
    for (int alias = 0; alias < 2; alias++) {
      pair x = random_pair(21), y = random_pair(22), z = random_pair(23);
      N_Vector zl = alias ? x.lib : z.lib, zo = alias ? x.ours : z.ours;
      N_VScale_Serial(c[k], x.lib, zl);
      N_VScale(c[k], x.ours, zo);
      bad += !same(zl, zo);
      N_VProd_Serial(x.lib, y.lib, zl);
      N_VProd(x.ours, y.ours, zo);
      bad += !same(zl, zo);
      N_VDiv_Serial(y.lib, x.lib, zl);
      N_VDiv(y.ours, x.ours, zo);
      bad += !same(zl, zo);
      N_VAbs_Serial(x.lib, zl);
      N_VAbs(x.ours, zo);
      bad += !same(zl, zo);
      N_VInv_Serial(y.lib, zl);
      N_VInv(y.ours, zo);
      bad += !same(zl, zo);
      N_VAddConst_Serial(y.lib, c[k], zl);
      N_VAddConst(y.ours, c[k], zo);
      bad += !same(zl, zo);
      N_VConst_Serial(c[k], zl);
      N_VConst(c[k], zo);
      bad += !same(zl, zo);
      free_pair(x), free_pair(y), free_pair(z);
    }
  CHECK(bad == 0, "scale, prod, div, abs, inv, addconst, const: %d results differ", bad);
}

static void test_reductions(void) {
  pair x = random_pair(31), w = random_pair(32);
  int ok = same_real(N_VDotProd_Serial(x.lib, w.lib), N_VDotProd(x.ours, w.ours)) &&
           same_real(N_VMaxNorm_Serial(x.lib), N_VMaxNorm(x.ours)) &&
           same_real(N_VWrmsNorm_Serial(x.lib, w.lib), N_VWrmsNorm(x.ours, w.ours)) &&
           same_real(N_VWSqrSumLocal_Serial(x.lib, w.lib), N_VWSqrSumLocal(x.ours, w.ours));
  CHECK(ok, "dot product, max norm, WRMS norm and weighted square sum equal SUNDIALS'");
  free_pair(x), free_pair(w);
}

static void test_fused(void) {
  int bad = 0;
  for (int nvec = 1; nvec <= NVEC; nvec++) {
    pair X[NVEC], Y[NVEC], z = random_pair(40);
    N_Vector Xl[NVEC], Xo[NVEC], Yl[NVEC], Yo[NVEC];
    double c[NVEC], dl[NVEC], d_o[NVEC];
    for (int i = 0; i < nvec; i++) {
      X[i] = random_pair(50 + (unsigned)i);
      Y[i] = random_pair(70 + (unsigned)i);
      Xl[i] = X[i].lib, Xo[i] = X[i].ours, Yl[i] = Y[i].lib, Yo[i] = Y[i].ours;
      c[i] = i == 0 && nvec % 2 ? 1.0 : 0.1 * (i + 1) - 0.45;
    }
    N_VDotProdMulti_Serial(nvec, z.lib, Yl, dl);
    N_VDotProdMulti(nvec, z.ours, Yo, d_o);
    bad += memcmp(dl, d_o, (size_t)nvec * sizeof(double)) != 0;
    N_VLinearCombination_Serial(nvec, c, Xl, z.lib); /* z separate */
    N_VLinearCombination(nvec, c, Xo, z.ours);
    bad += !same(z.lib, z.ours);
    N_VLinearCombination_Serial(nvec, c, Xl, Xl[0]); /* z = X[0] */
    N_VLinearCombination(nvec, c, Xo, Xo[0]);
    bad += !same(Xl[0], Xo[0]);
    N_VScaleAddMulti_Serial(nvec, c, z.lib, Yl, Xl); /* Z separate */
    N_VScaleAddMulti(nvec, c, z.ours, Yo, Xo);
    for (int i = 0; i < nvec; i++)
      bad += !same(Xl[i], Xo[i]);
    N_VScaleAddMulti_Serial(nvec, c, z.lib, Yl, Yl); /* Z = Y */
    N_VScaleAddMulti(nvec, c, z.ours, Yo, Yo);
    for (int i = 0; i < nvec; i++)
      bad += !same(Yl[i], Yo[i]);
    for (int i = 0; i < nvec; i++)
      free_pair(X[i]), free_pair(Y[i]);
    free_pair(z);
  }
  CHECK(bad == 0, "fused dot products, linear combinations, scale-adds (1..%d vectors): %d differ",
        NVEC, bad);
}

int main(void) {
  if (SUNContext_Create(NULL, &ctx) != 0)
    return 1;
  test_linear_sum();
  test_elementwise();
  test_reductions();
  test_fused();
  SUNContext_Free(&ctx);
  return tu_finish();
}

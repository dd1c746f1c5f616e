/* GSL odeiv2 steppers behind the same interface, as the independent cross-check of RODAS4. */
#include "integ_evolve.h"
#include "integ_gsl.h"
#include "integ_method.h"
#include "sgema/status.h"

#include <stdlib.h>

typedef struct {
  integ_gsl *gsl;
  double *f;
} gsl_ws;

static void gsl_ws_free(void *impl) {
  gsl_ws *w = impl;
  if (!w)
    return;
  integ_gsl_free(w->gsl);
  free(w->f);
  free(w);
}

static void *gsl_ws_alloc(const gsl_odeiv2_step_type *type, const sgema_integration *s, size_t N) {
  gsl_ws *w = calloc(1, sizeof *w);
  if (!w)
    return NULL;
  w->gsl = integ_gsl_alloc(type, s, N);
  w->f = malloc(N * sizeof(double));
  if (!w->gsl || !w->f) {
    gsl_ws_free(w);
    return NULL;
  }
  return w;
}

static int gsl_ws_run(void *impl, integ_run *r, double *y) {
  gsl_ws *w = impl;
  int status = SGEMA_OK;
  double t = 0.0, h = r->s->h0;
  integ_eval(r, t, y, w->f);
  if (integ_accept(r, t, y, w->f, &status))
    return status;
  return integ_gsl_evolve(w->gsl, r, &t, &h, y, w->f, 0);
}

#define SGEMA_GSL_METHOD(name, code, gsltype)                                                      \
  static void *name##_alloc(const sgema_integration *s, size_t N) {                                \
    return gsl_ws_alloc(gsltype, s, N);                                                            \
  }                                                                                                \
  const integ_method integ_gsl_##name = {code, name##_alloc, gsl_ws_free, gsl_ws_run};

SGEMA_GSL_METHOD(rk8pd, SGEMA_METHOD_RK8PD, gsl_odeiv2_step_rk8pd)
SGEMA_GSL_METHOD(rkf45, SGEMA_METHOD_RKF45, gsl_odeiv2_step_rkf45)
SGEMA_GSL_METHOD(rkck, SGEMA_METHOD_RKCK, gsl_odeiv2_step_rkck)
SGEMA_GSL_METHOD(rk4imp, SGEMA_METHOD_RK4IMP, gsl_odeiv2_step_rk4imp)
SGEMA_GSL_METHOD(bsimp, SGEMA_METHOD_BSIMP, gsl_odeiv2_step_bsimp)
SGEMA_GSL_METHOD(msbdf, SGEMA_METHOD_MSBDF, gsl_odeiv2_step_msbdf)

/* The integration driver: method table, workspace, one trial's run (the only file that knows every
 * method; methods reach only the layers below: integ_evolve, integ_control, integ_system). */
#include "integ_dense.h"
#include "integ_method.h"
#include "sgema/settings.h"
#include "sgema/status.h"

#include <stdlib.h>
#include <string.h>

static const integ_method *const method_table[] = {
    &integ_hybrid,     &integ_rodas4,    &integ_gsl_rk8pd, &integ_gsl_rkf45, &integ_gsl_rkck,
    &integ_gsl_rk4imp, &integ_gsl_bsimp, &integ_gsl_msbdf, &integ_cvode,
};

struct sgema_integrator {
  sgema_integration s;
  sgema_dense *dense;
  const integ_method *method;
  void *impl; /* the method's workspace, for states of length impl_N */
  size_t impl_N;
  sgema_field *field;
  double *f; /* field scratch for the discrete algorithm */
  size_t N_max;
  int m_max, n_max; /* the field workspace's dimensions */
};

sgema_integrator *sgema_integrator_alloc(const sgema_integration *s, int m, int n) {
  if (sgema_integration_validate(s) != SGEMA_OK || m < 1 || n <= m || m > SGEMA_MAX_M ||
      n > SGEMA_MAX_N)
    return NULL;
  sgema_integrator *it = calloc(1, sizeof *it);
  if (!it)
    return NULL;
  it->s = *s;
  it->method = method_table[s->method];
  it->N_max = sgema_problem_dim_for(SGEMA_ALG_EMA, m, n);
  it->m_max = m;
  it->n_max = n;
  it->field = sgema_field_alloc(m, n);
  it->f = malloc(it->N_max * sizeof(double));
  it->dense = integ_dense_alloc(it->N_max);
  if (!it->field || !it->f || !it->dense) {
    sgema_integrator_free(it);
    return NULL;
  }
  return it;
}

void sgema_integrator_free(sgema_integrator *it) {
  if (!it)
    return;
  if (it->impl)
    it->method->free(it->impl);
  sgema_field_free(it->field);
  free(it->f);
  integ_dense_free(it->dense);
  free(it);
}

/* The method's workspace depends on the state length, which is fixed for a run (same algorithm
 * and dimensions), so this allocates once per worker and run. */
static int ensure_impl(sgema_integrator *it, size_t N) {
  if (it->impl && it->impl_N == N)
    return SGEMA_OK;
  if (it->impl)
    it->method->free(it->impl);
  it->impl = it->method->alloc(&it->s, N);
  int dense = integ_dense_reserve(it->dense, N);
  it->impl_N = it->impl && dense == SGEMA_OK ? N : 0;
  return it->impl_N ? SGEMA_OK : SGEMA_ENOMEM;
}

int sgema_integrator_run(sgema_integrator *it, const sgema_problem *p, double *y,
                         const sgema_observer *obs, sgema_integration_stats *out) {
  if (p->m < 1 || p->n <= p->m || p->m > it->m_max || p->n > it->n_max)
    return SGEMA_EDIM;
  memset(out, 0, sizeof *out);
  integ_run r = {&it->s, p, it->field, obs, out, sgema_problem_dim(p), 1.0, NULL};
  if (p->time == SGEMA_TIME_DISCRETE)
    return integ_discrete_run(&r, y, it->f);
  int st = ensure_impl(it, r.N);
  if (st != SGEMA_OK)
    return st;
  integ_dense_begin(it->dense, &r);
  r.dense = obs ? it->dense : NULL;
  return it->method->run(it->impl, &r, y);
}

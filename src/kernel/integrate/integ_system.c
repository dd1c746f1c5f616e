/* Counted evaluations of the field: the only way the integrator's steps reach the dynamics. */
#include "integ_system.h"

void integ_eval(integ_run *r, double t, const double *y, double *f) {
  sgema_field_eval(r->field, r->p, t, y, f);
  r->st->rhs_evals++;
}

void integ_jacobian(integ_run *r, double t, const double *y, double *J, double *dfdt) {
  sgema_field_jacobian(r->field, r->p, t, y, J, dfdt);
  r->st->jac_evals++;
}

void integ_jvp(integ_run *r, double t, const double *y, const double *v, double *jv) {
  sgema_field_jvp(r->field, r->p, t, y, v, jv);
  r->st->jvp_evals++;
}

/* A method's entry in the driver's table (integrate.c, the only file that knows every method). */
#ifndef SGEMA_INTEG_METHOD_H
#define SGEMA_INTEG_METHOD_H

#include "integ_system.h"

/* A method: allocates its workspace for states of length N (once per worker), runs one trial. */
typedef struct {
  sgema_method method;
  void *(*alloc)(const sgema_integration *s, size_t N);
  void (*free)(void *impl);
  int (*run)(void *impl, integ_run *r, double *y);
} integ_method;

extern const integ_method integ_hybrid, integ_rodas4;
extern const integ_method integ_gsl_rk8pd, integ_gsl_rkf45, integ_gsl_rkck, integ_gsl_rk4imp,
    integ_gsl_bsimp, integ_gsl_msbdf, integ_cvode;

/* The discrete algorithm of Eq. 4 (no stepper, no workspace but the field scratch f). */
int integ_discrete_run(integ_run *r, double *y, double *f);

#endif

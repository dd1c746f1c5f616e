/* Our system under GSL's odeiv2 driver: one right-hand-side and Jacobian adapter and one evolve
 * loop, shared by the GSL methods (integrate_gsl.c) and the hybrid's BDF phase. */
#ifndef SGEMA_INTEG_GSL_H
#define SGEMA_INTEG_GSL_H

#include "integ_system.h"

#include <gsl/gsl_odeiv2.h>

typedef struct integ_gsl integ_gsl;

/* A GSL driver with stepper type for states of length N, under standard control on y only (the
 * same local error measure as RODAS4's) with the run's h0, atol and rtol. */
integ_gsl *integ_gsl_alloc(const gsl_odeiv2_step_type *type, const sgema_integration *s, size_t N);
void integ_gsl_free(integ_gsl *g);

/* From the accepted state (t, y) with step h, a fresh start of the stepper: evolves until the
 * trial ends (returns its status) or, when tail_exit, until the state is in the tail (returns -1).
 * f receives the field at each accepted state. */
int integ_gsl_evolve(integ_gsl *g, integ_run *r, double *t, double *h, double *y, double *f,
                     int tail_exit);

#endif

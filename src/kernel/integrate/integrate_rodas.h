/* RODAS4's workspace and its integration loop, shared by the rodas4 and hybrid methods. */
#ifndef SGEMA_INTEGRATE_RODAS_H
#define SGEMA_INTEGRATE_RODAS_H

#include "integ_system.h"

typedef struct rodas_ws rodas_ws;

void *rodas_alloc(const sgema_integration *s, size_t N);
void rodas_free(void *impl);

/* The field buffer that must hold f(t, y) when rodas_continue starts. */
double *rodas_field(rodas_ws *w);

/* Integrates from the accepted state (t, y), whose field is in rodas_field(w), with first step h,
 * until integ_accept ends the trial. */
int rodas_continue(rodas_ws *w, integ_run *r, double t, double h, double *y);

#endif

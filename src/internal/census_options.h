/* Which runs the census can take, and the census settings of a run's settings (sgema-census and
 * sgema-match). */
#ifndef SGEMA_CENSUS_OPTIONS_H
#define SGEMA_CENSUS_OPTIONS_H

#include "sgema/census.h"
#include "sgema/settings.h"

/* NULL when the census applies to runs with settings s (SG, or EMA with a constant momentum
 * alpha < 1, m <= SGEMA_CENSUS_M_MAX, the flow), else why not, one phrase ("GD has no census"). */
const char *census_unsupported(const sgema_settings *s);

/* The census settings for a run with settings s: the census' defaults with the run's
 * classification tolerances, so that the census classifies its equilibria as the run classifies
 * its limits. The one place where settings become census settings. */
void census_settings_from(const sgema_settings *s, sgema_census_settings *c);

#endif

/* Which runs the census can take (sgema-census and sgema-match; the census settings of a run's
 * settings are sgema_settings_census's). */
#ifndef SGEMA_CENSUS_OPTIONS_H
#define SGEMA_CENSUS_OPTIONS_H

#include "sgema/census.h"
#include "sgema/settings.h"

/* NULL when the census applies to runs with settings s (SG, or EMA with a constant momentum
 * alpha < 1, m <= SGEMA_CENSUS_M_MAX, the flow), else why not, one phrase ("GD has no census"). */
const char *census_unsupported(const sgema_settings *s);

#endif

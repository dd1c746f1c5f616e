/* Which runs the census can take (census_options.h). */
#include "census_options.h"

#include <stdio.h>

const char *census_unsupported(const sgema_settings *s) {
  if (s->alg == SGEMA_ALG_GD)
    return "GD has no census (its equilibria are not those of Eq. 6)";
  if (s->alg == SGEMA_ALG_EMA && s->momentum.kind != SGEMA_MOMENTUM_CONSTANT)
    return "EMA with a moving momentum has no census (give --momentum constant:A with A < 1)";
  if (s->alg == SGEMA_ALG_EMA && !(s->momentum.a0 < 1.0))
    return "EMA with a frozen target (alpha = 1) has no census: C is then a constant, not a state";
  static char too_large[96];
  if (s->m > SGEMA_CENSUS_M_MAX) {
    snprintf(too_large, sizeof too_large,
             "the census takes m <= %d (its homotopy tracks 2^(m(m+1)/2) paths)",
             SGEMA_CENSUS_M_MAX);
    return too_large;
  }
  if (s->time != SGEMA_TIME_FLOW)
    return "the census classifies equilibria of the flow (time flow), not of the discrete map";
  return 0;
}

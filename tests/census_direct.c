/* The census of a run's data sets straight from the library, for the census run test: draws data
 * set k with the sampler (default sampling but the statistics kind) and runs sgema_census_run with
 * the library's default settings, printing per data set "k complex indefinite psd pd stable saddle
 * degenerate", the last three over the equilibria of rank > 0. Shares no code with sgema-run's
 * census path beyond the sampler and the census library it calls.
 *   census_direct SEED STREAM sg|ema M N diagonal|commuting|generic SETS [ALPHA] */
#include "sgema/census.h"
#include "sgema/sample.h"
#include "sgema/settings.h"
#include "sgema/status.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc < 8) {
    fprintf(stderr, "usage: census_direct SEED STREAM ALG M N STATS SETS [ALPHA]\n");
    return 2;
  }
  uint64_t seed = strtoull(argv[1], NULL, 10);
  uint32_t stream = (uint32_t)strtoul(argv[2], NULL, 10);
  sgema_problem p = {0};
  p.alg = (sgema_alg)sgema_alg_parse(argv[3]);
  p.m = atoi(argv[4]);
  p.n = atoi(argv[5]);
  p.time = SGEMA_TIME_FLOW;
  p.momentum =
      (sgema_momentum){SGEMA_MOMENTUM_CONSTANT, argc > 8 ? atof(argv[8]) : 0.9, 1.0, 300.0};
  sgema_sampling cfg;
  sgema_sampling_default(&cfg);
  cfg.stats = (sgema_stats_kind)sgema_stats_parse(argv[6]);
  int sets = atoi(argv[7]);
  sgema_census *c = sgema_census_alloc(p.m, p.n);
  sgema_sampler *smp = sgema_sampler_alloc(p.m, p.n);
  double *y0 = malloc(sgema_problem_dim_for(SGEMA_ALG_EMA, p.m, p.n) * sizeof *y0);
  sgema_census_settings s;
  sgema_census_settings_default(&s);
  if (!c || !smp || !y0 || (int)p.alg < 0 || (int)cfg.stats < 0)
    return 2;
  for (int k = 0; k < sets; k++) {
    long draws;
    sgema_census_result r;
    int st = sgema_sampler_draw(smp, &cfg, seed, stream, (uint32_t)k, &p, y0, &draws);
    if (st == SGEMA_OK)
      st = sgema_census_run(c, &s, &p, seed, stream, (uint32_t)k, &r);
    if (st != SGEMA_OK) {
      printf("%d failed %d\n", k, st);
      continue;
    }
    int cls[SGEMA_EQUILIBRIUM_COUNT] = {0};
    for (int i = 0; i < r.n_equilibria; i++)
      if (r.equilibria[i].rank > 0)
        cls[r.equilibria[i].cls]++;
    printf("%d %d %d %d %d %d %d %d\n", k, r.count[0], r.count[1], r.count[2], r.count[3], cls[0],
           cls[1], cls[2]);
  }
  free(y0);
  sgema_sampler_free(smp);
  sgema_census_free(c);
  return 0;
}

/* Single-core throughput of the equilibrium census: data sets/s, path outcomes, solution kinds. */
#define _POSIX_C_SOURCE 200809L
#include "sgema/census.h"
#include "sgema/sample.h"
#include "sgema/settings.h"
#include "sgema/status.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  sgema_alg alg;
  int m, n, sets, rank_deficient, verbose;
  int modes; /* bit k: the census variant k (variants below) */
  sgema_stats_kind stats;
  uint64_t seed;
} bench_options;

static void usage(FILE *out) {
  fprintf(out, "usage: sgema-census-bench [--alg sg|ema] [--m M] [--n N] [--sets K]\n"
               "                          [--stats diagonal|commuting|generic] [--seed S]\n"
               "                          [--rank-deficient 0|1] [--verbose]\n"
               "                          [--homotopy both|parameter|total-degree]\n"
               "                          [--compare-rank-free] [--compare-tracked]\n"
               "Runs the census of K sampled data sets (the paper's ranges, EMA alpha = 0.9) on\n"
               "one core with each homotopy (both by default, side by side); prints data sets/s\n"
               "(wall clock and CPU time), every path's outcome, the solutions by kind and, with\n"
               "both, on how many data sets the two censuses differ. --compare-rank-free adds a\n"
               "parameter run with the rank-free system where the census uses the rank-1 one\n"
               "(m = 2), --compare-tracked one with the rank-1 system tracked by the parameter\n"
               "homotopy instead of solved by elimination (m = 2), each compared with the first\n"
               "run the same way.\n");
}

static int parse(int argc, char **argv, bench_options *o) {
  static const struct option opts[] = {{"alg", required_argument, NULL, 'a'},
                                       {"m", required_argument, NULL, 'm'},
                                       {"n", required_argument, NULL, 'n'},
                                       {"sets", required_argument, NULL, 'k'},
                                       {"stats", required_argument, NULL, 's'},
                                       {"seed", required_argument, NULL, 'S'},
                                       {"rank-deficient", required_argument, NULL, 'r'},
                                       {"verbose", no_argument, NULL, 'v'},
                                       {"homotopy", required_argument, NULL, 'H'},
                                       {"compare-rank-free", no_argument, NULL, 'R'},
                                       {"compare-tracked", no_argument, NULL, 'T'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  *o = (bench_options){SGEMA_ALG_SG, 2, 0, 1000, 1, 0, 3, SGEMA_STATS_GENERIC, 1};
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'a':
      o->alg = (sgema_alg)sgema_alg_parse(optarg);
      break;
    case 'm':
      o->m = atoi(optarg);
      break;
    case 'n':
      o->n = atoi(optarg);
      break;
    case 'k':
      o->sets = atoi(optarg);
      break;
    case 's':
      o->stats = (sgema_stats_kind)sgema_stats_parse(optarg);
      break;
    case 'S':
      o->seed = strtoull(optarg, NULL, 10);
      break;
    case 'r':
      o->rank_deficient = atoi(optarg);
      break;
    case 'v':
      o->verbose = 1;
      break;
    case 'H':
      o->modes = strcmp(optarg, "both") == 0           ? 3
                 : strcmp(optarg, "parameter") == 0    ? 1
                 : strcmp(optarg, "total-degree") == 0 ? 2
                                                       : 0;
      break;
    case 'R':
      o->modes |= 4;
      break;
    case 'T':
      o->modes |= 8;
      break;
    case 'h':
      usage(stdout);
      exit(0);
    default:
      usage(stderr);
      return 2;
    }
  }
  if (o->n == 0)
    o->n = o->m + 1;
  if ((int)o->alg < 0 || (int)o->stats < 0 || o->sets < 1 || o->m < 1 || (o->modes & 3) == 0 ||
      o->m > SGEMA_CENSUS_M_MAX || o->n <= o->m) {
    usage(stderr);
    return 2;
  }
  return 0;
}

static double now(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void draw(sgema_sampler *smp, const bench_options *o, uint32_t t, sgema_problem *p,
                 double *y0) {
  sgema_sampling cfg;
  sgema_sampling_default(&cfg);
  cfg.stats = o->stats;
  memset(p, 0, sizeof *p);
  p->alg = o->alg;
  p->m = o->m;
  p->n = o->n;
  p->momentum.kind = SGEMA_MOMENTUM_CONSTANT;
  p->momentum.a0 = 0.9;
  p->momentum.a1 = 1.0;
  p->momentum.T = 300.0;
  p->time = SGEMA_TIME_FLOW;
  long draws = 0;
  sgema_sampler_draw(smp, &cfg, o->seed, 0, t, p, y0, &draws);
}

/* What two censuses of one data set are compared on: the real equilibria by rank and class. */
typedef struct {
  int by_rank_class[SGEMA_CENSUS_M_MAX + 1][SGEMA_EQUILIBRIUM_COUNT];
  int indefinite;
} signature;

/* The census variants the bench runs: how each solves its systems. */
typedef struct {
  const char *name;
  sgema_census_homotopy homotopy;
  int rank_one_system, rank_one_elimination;
} variant;

static const variant variants[] = {
    {"parameter", SGEMA_CENSUS_PARAMETER, 1, 1},
    {"total-degree", SGEMA_CENSUS_TOTAL_DEGREE, 1, 1},
    {"parameter, rank-free", SGEMA_CENSUS_PARAMETER, 0, 1},
    {"parameter, rank 1 tracked", SGEMA_CENSUS_PARAMETER, 1, 0},
};
#define VARIANTS ((int)(sizeof variants / sizeof variants[0]))

/* The census of every data set with one variant: throughput, path outcomes, solutions. */
static int run_mode(const bench_options *o, const variant *v, signature *sig) {
  sgema_census *c = sgema_census_alloc(o->m, o->n);
  sgema_sampler *smp = sgema_sampler_alloc(o->m, o->n);
  double *y0 = malloc(sgema_problem_dim_for(SGEMA_ALG_EMA, o->m, o->n) * sizeof *y0);
  if (!c || !smp || !y0)
    return 1;
  sgema_census_settings s;
  sgema_census_settings_default(&s);
  s.rank_deficient = o->rank_deficient;
  s.rank_deficient_max_m = SGEMA_CENSUS_M_MAX;
  s.homotopy = v->homotopy;
  s.rank_one_system = v->rank_one_system;
  s.rank_one_elimination = v->rank_one_elimination;
  sgema_census_homotopy mode = v->homotopy;
  int rank_one = v->rank_one_system;
  const char *name = v->name;
  /* The generic start system is solved once per workspace: timed apart. */
  double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
  if (mode == SGEMA_CENSUS_PARAMETER) {
    printf("  [%s] generic start systems: %ld finite roots (Eq. 6)", name,
           sgema_census_start_roots(c, o->m, SGEMA_CENSUS_EQ6));
    int r1 = o->rank_deficient && rank_one && o->m >= 2;
    int rf = o->rank_deficient && !r1 && o->m <= s.parameter_rank_free_max_m;
    if (r1)
      printf(", %ld (rank 1)", sgema_census_start_roots(c, o->m, SGEMA_CENSUS_RANK1));
    if (r1 && o->m == 4)
      printf(", %ld (corank 2)", sgema_census_start_roots(c, o->m, SGEMA_CENSUS_CORANK2));
    if (r1 && o->m >= 3)
      printf(", %ld (corank 1)", sgema_census_start_roots(c, o->m, SGEMA_CENSUS_CORANK1));
    if (rf)
      printf(", %ld (rank-free)", sgema_census_start_roots(c, o->m, SGEMA_CENSUS_ANYRANK));
    printf(", loaded (shipped) or solved once in %.3f s\n", now(CLOCK_MONOTONIC) - w0);
  }
  long paths[2][4] = {{0}}, kinds[SGEMA_SOLUTION_COUNT] = {0}, cls[SGEMA_EQUILIBRIUM_COUNT] = {0};
  long ranks[SGEMA_CENSUS_M_MAX + 1] = {0}, dup = 0, errors = 0, saddle_sets = 0, dropped = 0;
  long origin_added = 0, conj_added = 0, reruns = 0, fallbacks = 0, charts = 0, eliminated = 0;
  long corank_charts = 0, corank_passes = 0, retried = 0, jumps = 0, jumps_resolved = 0;
  double worst = 0.0;
  w0 = now(CLOCK_MONOTONIC);
  c0 = now(CLOCK_PROCESS_CPUTIME_ID);
  for (int t = 0; t < o->sets; t++) {
    sgema_problem p;
    draw(smp, o, (uint32_t)t, &p, y0);
    sgema_census_result r;
    memset(&sig[t], 0, sizeof sig[t]);
    if (sgema_census_run(c, &s, &p, o->seed, 0, (uint32_t)t, &r) != SGEMA_OK) {
      errors++;
      sig[t].indefinite = -1;
      continue;
    }
    int saddles = 0;
    for (int k = 0; k < 2; k++)
      for (int e = 0; e < 4; e++)
        paths[k][e] += r.paths[k][e];
    for (int k = 0; k < SGEMA_SOLUTION_COUNT; k++)
      kinds[k] += r.count[k];
    for (int k = 0; k <= o->m; k++)
      ranks[k] += r.psd_rank[k];
    for (int i = 0; i < r.n_equilibria; i++) {
      const sgema_census_equilibrium *e = &r.equilibria[i];
      cls[e->cls]++;
      sig[t].by_rank_class[e->rank][e->cls]++;
      saddles += e->rank > 0 && e->cls == SGEMA_EQUILIBRIUM_SADDLE;
      worst = e->field_residual > worst ? e->field_residual : worst;
    }
    sig[t].indefinite = r.n_indefinite;
    saddle_sets += saddles > 0;
    dup += r.duplicates;
    dropped += r.dropped;
    origin_added += r.origin_added;
    conj_added += r.conjugates_added;
    reruns += r.reruns;
    retried += r.retried_paths;
    jumps += r.jumps_retracked;
    jumps_resolved += r.jumps_resolved;
    fallbacks += r.total_degree_fallback != 0;
    charts += r.charts;
    corank_charts += r.corank_charts;
    corank_passes += r.corank_passes;
    eliminated += r.eliminated;
    if (o->verbose)
      printf("set %d: pd %d psd %d indefinite %d complex %d; eq6 paths %ld %ld %ld %ld, "
             "rank-deficient "
             "%ld %ld %ld %ld; reruns %d; retried paths %ld; jumped pairs %ld, resolved %ld\n",
             t, r.count[SGEMA_SOLUTION_PD], r.count[SGEMA_SOLUTION_PSD],
             r.count[SGEMA_SOLUTION_INDEFINITE], r.count[SGEMA_SOLUTION_COMPLEX], r.paths[0][0],
             r.paths[0][1], r.paths[0][2], r.paths[0][3], r.paths[1][0], r.paths[1][1],
             r.paths[1][2], r.paths[1][3], r.reruns, r.retried_paths, r.jumps_retracked,
             r.jumps_resolved);
  }
  double wall = now(CLOCK_MONOTONIC) - w0, cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
  printf("census %s m=%d n=%d stats=%s rank-deficient=%d homotopy=%s: %d data sets in %.3f s = "
         "%.1f /s (CPU time %.3f s = %.1f /s)\n",
         sgema_alg_name(o->alg), o->m, o->n, sgema_stats_name(o->stats), o->rank_deficient, name,
         o->sets, wall, o->sets / wall, cpu, o->sets / cpu);
  for (int k = 0; k < 2; k++) {
    long tot = paths[k][0] + paths[k][1] + paths[k][2] + paths[k][3];
    if (tot > 0)
      printf("  %s paths %ld: converged %ld, infinity %ld, singular %ld, failed %ld (%.4f%%)\n",
             k == 0 ? "Eq. 6         " : "rank-deficient", tot, paths[k][0], paths[k][1],
             paths[k][2], paths[k][3], 100.0 * (double)paths[k][3] / (double)tot);
  }
  if (mode == SGEMA_CENSUS_PARAMETER)
    printf("  failed paths tracked again on other gammas: %ld; pairs of paths on one root tracked "
           "again with shorter steps: %ld (%ld found the missing root); systems tracked again (a "
           "path failed or jumped): %ld; data sets where one fell back to total degree (failed or "
           "jumped twice): %ld\n",
           retried, jumps, jumps_resolved, reruns, fallbacks);
  if (charts > 0)
    printf("  rank-1 system: %ld charts solved, %ld of them by elimination; corank-1 and corank-2 "
           "systems: %ld charts, %ld passes\n",
           charts, eliminated, corank_charts, corank_passes);
  printf("  real solutions: pd %ld, psd %ld (by rank:", kinds[SGEMA_SOLUTION_PD],
         kinds[SGEMA_SOLUTION_PSD]);
  for (int k = 0; k <= o->m; k++)
    printf(" %ld", ranks[k]);
  printf("), indefinite %ld; complex %ld; duplicate path ends %ld; dropped ends %ld; origin added "
         "%ld; conjugates added %ld; errors %ld\n",
         kinds[SGEMA_SOLUTION_INDEFINITE], kinds[SGEMA_SOLUTION_COMPLEX], dup, dropped,
         origin_added, conj_added, errors);
  printf("  equilibria: stable %ld, saddle %ld, degenerate %ld; data sets with a nonzero saddle "
         "%ld; worst field residual %.3g\n",
         cls[0], cls[1], cls[2], saddle_sets, worst);
  free(y0);
  sgema_sampler_free(smp);
  sgema_census_free(c);
  return errors != 0;
}

int main(int argc, char **argv) {
  bench_options o;
  if (parse(argc, argv, &o) != 0)
    return 2;
  signature *sig[VARIANTS];
  for (int k = 0; k < VARIANTS; k++)
    if (!(sig[k] = calloc((size_t)o.sets, sizeof(signature))))
      return 1;
  int bad = 0;
  for (int k = 0; k < VARIANTS; k++)
    if (o.modes & (1 << k))
      bad |= run_mode(&o, &variants[k], sig[k]);
  for (int k = 1; k < VARIANTS; k++) {
    if (!(o.modes & 1) || !(o.modes & (1 << k)))
      continue;
    int differ = 0, indefinite = 0;
    for (int t = 0; t < o.sets; t++) {
      int d = memcmp(sig[0][t].by_rank_class, sig[k][t].by_rank_class,
                     sizeof sig[0][t].by_rank_class) != 0;
      differ += d;
      indefinite += sig[0][t].indefinite != sig[k][t].indefinite;
      if (d && o.verbose)
        printf("  differs from %s: data set %d\n", variants[k].name, t);
    }
    printf("  parameter vs %s: real equilibria by rank and class differ on %d of %d data sets, "
           "indefinite counts on %d\n",
           variants[k].name, differ, o.sets, indefinite);
  }
  for (int k = 0; k < VARIANTS; k++)
    free(sig[k]);
  return bad;
}

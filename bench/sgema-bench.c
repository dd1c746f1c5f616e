/* Single-core throughput of the per-trial kernel: trials/s, steps, evaluations, not-converged
 * share. */
#define _POSIX_C_SOURCE 200809L
#include "cli_args.h"
#include "settings_table.h"
#include "sgema/record.h"
#include "sgema/status.h"
#include "sgema/trial.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct {
  long trials;
  uint64_t seed;
  uint32_t run;     /* the kernel's run id (an experiment run's stream) */
  const char *dump; /* JSON lines of every record, for the SciPy baseline */
  int json;
} bench_options;

typedef struct {
  double seconds;
  long count[SGEMA_CLASS_COUNT];
  long steps_sum, steps_max, rhs_sum, rhs_max, jac_sum, jvp_sum, t_max_hits, errors;
  double peak_mib; /* the process's maximum resident set size */
} bench_result;

/* The large-state path's settings, taken as sgema-trial takes them (the table's option names,
 * choices and ranges). */
static const sgema_setting_id table_options[] = {
    SGEMA_SETTING_SPECTRUM,         SGEMA_SETTING_EIGENVALUES,  SGEMA_SETTING_ARNOLDI_TOL,
    SGEMA_SETTING_ARNOLDI_RESTARTS, SGEMA_SETTING_LAPACK_MIN_N, SGEMA_SETTING_KRYLOV_DIM,
    SGEMA_SETTING_PRECONDITIONER,   SGEMA_SETTING_KRYLOV_MIN_N};
enum { TABLE_OPTIONS = sizeof table_options / sizeof table_options[0], TABLE_OPTION_BASE = 1000 };

static void usage(FILE *out) {
  fprintf(
      out,
      "usage: sgema-bench [--alg sg|ema|gd] [--m M] [--n N] [--stats diagonal|commuting|generic]\n"
      "                   [--method NAME] [--rtol R] [--atol A] [--t-max T] [--trials K]\n"
      "                   [--stiff-ratio X] [--tail-f X] [--tail-rtol X] [--f-tol X]\n"
      "                   [--seed S] [--dump FILE.jsonl] [--json]\n");
  for (size_t i = 0; i < TABLE_OPTIONS; i++) {
    const sgema_setting *r = &sgema_settings_table[table_options[i]];
    char names[128];
    fprintf(out, "                   [--%s%s%s]\n", r->option, r->choice ? " " : r->arg,
            r->choice ? sgema_choice_list(r->choice, names, sizeof names) : "");
  }
  fprintf(
      out,
      "Runs K sampled trials (run R, default 0; trials 0..K-1) on one core and prints trials per "
      "second,\n"
      "steps and right-hand-side evaluations per trial (mean, max), the share not converged\n"
      "by t_max, and the class counts. --dump writes every record as one JSON line.\n");
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A setting's allowed values, from the settings table (the same rule sgema-trial and the
 * experiment files apply). */
static const sgema_interval *allowed(sgema_setting_id id) {
  return sgema_settings_table[id].allowed;
}

/* The value of row r's option into its field of s (the rows of table_options: choices, ints and
 * reals). */
static void table_option(cli_errors *e, const sgema_setting *r, const char *arg,
                         sgema_settings *s) {
  char *field = (char *)s + r->offset, opt[64];
  snprintf(opt, sizeof opt, "--%s", r->option);
  if (r->type == SGEMA_SETTING_TYPE_CHOICE) {
    const char *names[16];
    int k = 0;
    for (; k < r->choice->count && k < 15; k++)
      names[k] = r->choice->name(k);
    names[k] = NULL;
    if ((k = cli_choice(e, opt, arg, names)) >= 0)
      memcpy(field, &k, sizeof k);
  } else if (r->type == SGEMA_SETTING_TYPE_INT) {
    cli_int(e, opt, arg, (int)r->lo, (int)r->hi, (int *)(void *)field);
  } else {
    cli_double(e, opt, arg, r->allowed, (double *)(void *)field);
  }
}

static int parse(int argc, char **argv, sgema_settings *s, bench_options *o) {
  static const struct option opts[] = {{"alg", required_argument, 0, 'a'},
                                       {"m", required_argument, 0, 'm'},
                                       {"n", required_argument, 0, 'n'},
                                       {"stats", required_argument, 0, 's'},
                                       {"method", required_argument, 0, 'M'},
                                       {"rtol", required_argument, 0, 'r'},
                                       {"atol", required_argument, 0, 'A'},
                                       {"t-max", required_argument, 0, 'T'},
                                       {"trials", required_argument, 0, 'k'},
                                       {"seed", required_argument, 0, 'S'},
                                       {"dump", required_argument, 0, 'd'},
                                       {"json", no_argument, 0, 'j'},
                                       {"stiff-ratio", required_argument, 0, 'R'},
                                       {"tail-f", required_argument, 0, 'F'},
                                       {"tail-rtol", required_argument, 0, 'L'},
                                       {"f-tol", required_argument, 0, 'f'},
                                       {"run", required_argument, 0, 'u'},
                                       {"condition-delta", no_argument, 0, 'C'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  struct option all[sizeof opts / sizeof opts[0] + TABLE_OPTIONS];
  size_t fixed = sizeof opts / sizeof opts[0] - 1;
  memcpy(all, opts, fixed * sizeof opts[0]);
  for (size_t i = 0; i < TABLE_OPTIONS; i++)
    all[fixed + i] = (struct option){sgema_settings_table[table_options[i]].option,
                                     required_argument, 0, TABLE_OPTION_BASE + (int)i};
  all[fixed + TABLE_OPTIONS] = opts[fixed];
  static const char *const algs[] = {"sg", "ema", "gd", NULL};
  static const char *const stats[] = {"diagonal", "commuting", "generic", NULL};
  const char *methods[SGEMA_METHOD_COUNT + 1];
  for (int i = 0; i < SGEMA_METHOD_COUNT; i++)
    methods[i] = sgema_method_name((sgema_method)i);
  methods[SGEMA_METHOD_COUNT] = NULL;
  const sgema_setting *table_m = &sgema_settings_table[SGEMA_SETTING_M],
                      *table_n = &sgema_settings_table[SGEMA_SETTING_N];
  cli_errors e;
  cli_errors_init(&e, "sgema-bench", stderr);
  int c, v;
  while ((c = getopt_long(argc, argv, "h", all, NULL)) != -1) {
    if (c >= TABLE_OPTION_BASE && c < TABLE_OPTION_BASE + (int)TABLE_OPTIONS) {
      table_option(&e, &sgema_settings_table[table_options[c - TABLE_OPTION_BASE]], optarg, s);
      continue;
    }
    switch (c) {
    case 'a':
      if ((v = cli_choice(&e, "--alg", optarg, algs)) >= 0)
        s->alg = (sgema_alg)v;
      break;
    case 'm':
      cli_int(&e, "--m", optarg, (int)table_m->lo, (int)table_m->hi, &s->m);
      break;
    case 'n':
      cli_int(&e, "--n", optarg, (int)table_n->lo, (int)table_n->hi, &s->n);
      break;
    case 's':
      if ((v = cli_choice(&e, "--stats", optarg, stats)) >= 0)
        s->sampling.stats = (sgema_stats_kind)v;
      break;
    case 'M':
      if ((v = cli_choice(&e, "--method", optarg, methods)) >= 0)
        s->integration.method = (sgema_method)v;
      break;
    case 'r':
      cli_double(&e, "--rtol", optarg, allowed(SGEMA_SETTING_RTOL), &s->integration.rtol);
      break;
    case 'A':
      cli_double(&e, "--atol", optarg, allowed(SGEMA_SETTING_ATOL), &s->integration.atol);
      break;
    case 'T':
      cli_double(&e, "--t-max", optarg, allowed(SGEMA_SETTING_T_MAX), &s->integration.t_max);
      break;
    case 'R':
      cli_double(&e, "--stiff-ratio", optarg, allowed(SGEMA_SETTING_STIFF_RATIO),
                 &s->integration.stiff_ratio);
      break;
    case 'F':
      cli_double(&e, "--tail-f", optarg, allowed(SGEMA_SETTING_TAIL_F), &s->integration.tail_f);
      break;
    case 'L':
      cli_double(&e, "--tail-rtol", optarg, allowed(SGEMA_SETTING_TAIL_RTOL),
                 &s->integration.tail_rtol);
      break;
    case 'f':
      cli_double(&e, "--f-tol", optarg, allowed(SGEMA_SETTING_F_TOL), &s->integration.f_tol);
      break;
    case 'k':
      cli_long(&e, "--trials", optarg, 1, 100000000L, &o->trials);
      break;
    case 'u':
      cli_u32(&e, "--run", optarg, &o->run);
      break;
    case 'C':
      s->sampling.condition_delta = 1;
      break;
    case 'S':
      cli_u64(&e, "--seed", optarg, &o->seed);
      break;
    case 'd':
      o->dump = optarg;
      break;
    case 'j':
      o->json = 1;
      break;
    case 'h':
      usage(stdout);
      exit(0);
    default:
      cli_error(&e, "unknown option (see --help)");
    }
  }
  if (optind < argc)
    cli_error(&e, "unexpected argument '%s'", argv[optind]);
  const char *what = NULL;
  if (e.count == 0 && sgema_settings_validate(s, &what) != SGEMA_OK)
    cli_error(&e, "invalid settings: %s", what);
  return e.count == 0 ? 0 : -1;
}

static void tally(bench_result *b, const sgema_record *r) {
  b->count[r->limit.cls]++;
  b->steps_sum += r->integ.steps;
  b->rhs_sum += r->integ.rhs_evals;
  b->jac_sum += r->integ.jac_evals;
  b->jvp_sum += r->integ.jvp_evals;
  if (r->integ.steps > b->steps_max)
    b->steps_max = r->integ.steps;
  if (r->integ.rhs_evals > b->rhs_max)
    b->rhs_max = r->integ.rhs_evals;
  b->t_max_hits += r->integ.end == SGEMA_END_T_MAX;
}

/* Times the trials alone: records are dumped in a second pass so that printing is not timed. */
static int run(const sgema_settings *s, const bench_options *o, bench_result *b) {
  sgema_trial *t = sgema_trial_alloc(s);
  if (!t)
    return SGEMA_ENOMEM;
  sgema_record rec;
  double t0 = now();
  for (long i = 0; i < o->trials; i++) {
    if (sgema_trial_run(t, o->seed, o->run, (uint32_t)i, &rec, NULL) != SGEMA_OK)
      b->errors++;
    else
      tally(b, &rec);
  }
  b->seconds = now() - t0;
  struct rusage ru;
  b->peak_mib = getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss / 1024.0 : NAN;
  FILE *f = o->dump ? fopen(o->dump, "w") : NULL;
  if (o->dump && !f) {
    perror(o->dump);
    sgema_trial_free(t);
    return SGEMA_EIO;
  }
  sgema_record_format fmt = {1, 0, NULL};
  for (long i = 0; f && i < o->trials; i++)
    if (sgema_trial_run(t, o->seed, o->run, (uint32_t)i, &rec, NULL) == SGEMA_OK)
      sgema_record_write_json(f, &rec, s, &fmt);
  if (f && fclose(f) != 0) {
    perror(o->dump);
    sgema_trial_free(t);
    return SGEMA_EIO;
  }
  sgema_trial_free(t);
  return SGEMA_OK;
}

static void report(const sgema_settings *s, const bench_options *o, const bench_result *b) {
  double k = (double)o->trials;
  if (o->json) {
    printf("{\"alg\": \"%s\", \"m\": %d, \"n\": %d, \"stats\": \"%s\", \"method\": \"%s\", "
           "\"trials\": %ld, \"seconds\": %.6g, \"trials_per_second\": %.6g, \"steps_mean\": %.6g, "
           "\"steps_max\": %ld, \"rhs_mean\": %.6g, \"rhs_max\": %ld, \"jac_mean\": %.6g, "
           "\"jvp_mean\": %.6g, \"peak_mib\": %.6g, "
           "\"not_converged_t_max\": %.6g, \"errors\": %ld, \"classes\": {",
           sgema_alg_name(s->alg), s->m, s->n, sgema_stats_name(s->sampling.stats),
           sgema_method_name(s->integration.method), o->trials, b->seconds, k / b->seconds,
           b->steps_sum / k, b->steps_max, b->rhs_sum / k, b->rhs_max, b->jac_sum / k,
           b->jvp_sum / k, b->peak_mib, b->t_max_hits / k, b->errors);
    for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
      printf("%s\"%s\": %ld", c ? ", " : "", sgema_class_name((sgema_class)c), b->count[c]);
    printf("}}\n");
    return;
  }
  printf("%-3s m=%d n=%d %-9s %-7s %8ld trials %9.1f trials/s  steps %7.1f (max %6ld)  "
         "rhs %8.1f (max %7ld)  jac %.1f  jvp %.1f  peak %.1f MiB  not converged at t_max %.3f%%\n",
         sgema_alg_name(s->alg), s->m, s->n, sgema_stats_name(s->sampling.stats),
         sgema_method_name(s->integration.method), o->trials, k / b->seconds, b->steps_sum / k,
         b->steps_max, b->rhs_sum / k, b->rhs_max, b->jac_sum / k, b->jvp_sum / k, b->peak_mib,
         100.0 * b->t_max_hits / k);
  printf("    classes:");
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    printf(" %s %ld", sgema_class_name((sgema_class)c), b->count[c]);
  printf("  errors %ld\n", b->errors);
}

int main(int argc, char **argv) {
  sgema_settings s;
  sgema_settings_default(&s);
  bench_options o = {10000, 1, 0, NULL, 0};
  if (parse(argc, argv, &s, &o) != 0)
    return 2;
  if (s.m > 1 && s.sampling.stats == SGEMA_STATS_DIAGONAL)
    s.sampling.stats = SGEMA_STATS_GENERIC;
  bench_result b;
  memset(&b, 0, sizeof b);
  int st = run(&s, &o, &b);
  if (st != SGEMA_OK) {
    fprintf(stderr, "sgema-bench: %s\n", sgema_strerror(st));
    return 1;
  }
  report(&s, &o, &b);
  return 0;
}

/* sgema-trial: run one trial (sampled, given explicitly, or read from a file) and print its record.
 */
#define _POSIX_C_SOURCE 200809L

#include "cli_args.h"
#include "trial_input.h"

#include "sgema/experiment.h"
#include "sgema/record.h"
#include "sgema/status.h"
#include "sgema/trial.h"

#include <float.h>
#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SGEMA_VERSION
#define SGEMA_VERSION "0.1.0"
#endif

#define PROG "sgema-trial"

/* Exit statuses: the trial ran (whatever its class), the kernel failed, the command was wrong. */
enum { EXIT_RAN = 0, EXIT_KERNEL = 1, EXIT_USAGE = 2 };

/* Recording horizon when --record gives no T: the paper's Figure 3 spans t in [0, 300]. */
#define RECORD_T_DEFAULT 300.0
#define RECORD_MAX_POINTS ((long)SGEMA_RECORD_MAX_POINTS)

/* Long-only options get codes past every character, so that getopt's codes are unambiguous. */
enum {
  OPT_FIRST = 256,
  OPT_SEED = OPT_FIRST,
  OPT_RUN,
  OPT_TRIAL,
  OPT_RHO,
  OPT_TAU,
  OPT_LAMBDA,
  OPT_INPUT,
  OPT_ALG,
  OPT_M,
  OPT_N,
  OPT_TIME,
  OPT_MU,
  OPT_NU,
  OPT_MOMENTUM,
  OPT_STATS,
  OPT_RHO_RANGE,
  OPT_TAU_RANGE,
  OPT_LAMBDA_RANGE,
  OPT_SIGMA,
  OPT_CONDITION_DELTA,
  OPT_TARGET,
  OPT_MAX_DRAWS,
  OPT_METHOD,
  OPT_RTOL,
  OPT_ATOL,
  OPT_H0,
  OPT_T_MAX,
  OPT_MAX_STEPS,
  OPT_F_TOL,
  OPT_DIVERGE_NORM,
  OPT_TAIL_F,
  OPT_TAIL_RTOL,
  OPT_STIFF_RATIO,
  OPT_ORIGIN_TOL,
  OPT_RANK_TOL,
  OPT_SADDLE_TOL,
  OPT_SYMMETRY_TOL,
  OPT_SPHERE_TOL,
  OPT_INVARIANT_WINDOW,
  OPT_RECORD,
  OPT_JSON,
  OPT_COMPACT,
  OPT_HELP,
  OPT_VERSION,
  OPT_END
};

static const struct option long_options[] = {
    {"seed", required_argument, NULL, OPT_SEED},
    {"run", required_argument, NULL, OPT_RUN},
    {"trial", required_argument, NULL, OPT_TRIAL},
    {"rho", required_argument, NULL, OPT_RHO},
    {"tau", required_argument, NULL, OPT_TAU},
    {"lambda", required_argument, NULL, OPT_LAMBDA},
    {"input", required_argument, NULL, OPT_INPUT},
    {"alg", required_argument, NULL, OPT_ALG},
    {"m", required_argument, NULL, OPT_M},
    {"n", required_argument, NULL, OPT_N},
    {"time", required_argument, NULL, OPT_TIME},
    {"mu", required_argument, NULL, OPT_MU},
    {"nu", required_argument, NULL, OPT_NU},
    {"momentum", required_argument, NULL, OPT_MOMENTUM},
    {"stats", required_argument, NULL, OPT_STATS},
    {"rho-range", required_argument, NULL, OPT_RHO_RANGE},
    {"tau-range", required_argument, NULL, OPT_TAU_RANGE},
    {"lambda-range", required_argument, NULL, OPT_LAMBDA_RANGE},
    {"sigma", required_argument, NULL, OPT_SIGMA},
    {"condition-delta", optional_argument, NULL, OPT_CONDITION_DELTA},
    {"target", required_argument, NULL, OPT_TARGET},
    {"max-draws", required_argument, NULL, OPT_MAX_DRAWS},
    {"method", required_argument, NULL, OPT_METHOD},
    {"rtol", required_argument, NULL, OPT_RTOL},
    {"atol", required_argument, NULL, OPT_ATOL},
    {"h0", required_argument, NULL, OPT_H0},
    {"t-max", required_argument, NULL, OPT_T_MAX},
    {"max-steps", required_argument, NULL, OPT_MAX_STEPS},
    {"f-tol", required_argument, NULL, OPT_F_TOL},
    {"diverge-norm", required_argument, NULL, OPT_DIVERGE_NORM},
    {"tail-f", required_argument, NULL, OPT_TAIL_F},
    {"tail-rtol", required_argument, NULL, OPT_TAIL_RTOL},
    {"stiff-ratio", required_argument, NULL, OPT_STIFF_RATIO},
    {"origin-tol", required_argument, NULL, OPT_ORIGIN_TOL},
    {"rank-tol", required_argument, NULL, OPT_RANK_TOL},
    {"saddle-tol", required_argument, NULL, OPT_SADDLE_TOL},
    {"symmetry-tol", required_argument, NULL, OPT_SYMMETRY_TOL},
    {"sphere-tol", required_argument, NULL, OPT_SPHERE_TOL},
    {"invariant-window", required_argument, NULL, OPT_INVARIANT_WINDOW},
    {"record", required_argument, NULL, OPT_RECORD},
    {"json", no_argument, NULL, OPT_JSON},
    {"compact", no_argument, NULL, OPT_COMPACT},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0}};

/* Everything the command line says. */
typedef struct {
  sgema_settings s;
  uint64_t seed;
  uint32_t run, trial;
  double rho, tau, lambda; /* explicit m = 1 statistics */
  const char *input;
  long record_count; /* 0: no trajectory */
  double record_t;
  const char *record_arg; /* as given, for messages */
  int json, compact, help, version;
  int given[OPT_END - OPT_FIRST]; /* which options appeared, for mode and conflict checks */
} options;

static const char *option_name(int code) {
  for (const struct option *o = long_options; o->name; o++)
    if (o->val == code)
      return o->name;
  return "?";
}

static int given(const options *o, int code) {
  return o->given[code - OPT_FIRST];
}

/* (1, inf): the invariant window is a ratio of norms. */
static const cli_interval ABOVE_ONE = {1.0, INFINITY, 1, 1};
/* (0, inf]: an infinite divergence bound leaves only the non-finite test. */
static const cli_interval POSITIVE_OR_INF = {0.0, INFINITY, 1, 0};

static const char *yes_no[] = {"no", "yes", NULL};

/* Name lists built from the library, so that a new method or statistics kind appears here alone. */
static const char *alg_names[SGEMA_ALG_GD + 2];
static const char *stats_names[SGEMA_STATS_GENERIC + 2];
static const char *method_names[SGEMA_METHOD_COUNT + 1];

static void init_names(void) {
  for (int i = 0; i <= SGEMA_ALG_GD; i++)
    alg_names[i] = sgema_alg_name((sgema_alg)i);
  for (int i = 0; i <= SGEMA_STATS_GENERIC; i++)
    stats_names[i] = sgema_stats_name((sgema_stats_kind)i);
  for (int i = 0; i < SGEMA_METHOD_COUNT; i++)
    method_names[i] = sgema_method_name((sgema_method)i);
}

/* "a|b|c" from a NULL-terminated list, into buf. */
static const char *join_names(const char *const *names, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; names[i] && used < size; i++)
    used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "|" : "", names[i]);
  return buf;
}

/* One option of the help: the option column padded to a fixed width (or on a line of its own when
 * it is wider), then the description. */
#define HELP_COLUMN 30
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
help_item(FILE *out, const char *left, const char *fmt, ...) {
  int width = fprintf(out, "  %s", left);
  if (width >= HELP_COLUMN)
    fprintf(out, "\n%*s", HELP_COLUMN, "");
  else
    fprintf(out, "%*s", HELP_COLUMN - width, "");
  va_list ap;
  va_start(ap, fmt);
  vfprintf(out, fmt, ap);
  va_end(ap);
  fputc('\n', out);
}

/* Every default comes from sgema_settings_default, so the help cannot drift from the code. */
static void usage(FILE *out) {
  sgema_settings d;
  sgema_settings_default(&d);
  const sgema_sampling *sa = &d.sampling;
  const sgema_integration *in = &d.integration;
  const sgema_classification *cl = &d.classification;
  char names[256], left[300];
  fprintf(out, "Usage: %s [OPTION]...\n", PROG);
  fputs(
      "Run one trial of the linear SimSiam (sg) / BYOL (ema) / GD dynamics and print its record.\n"
      "\nWhich trial (one of three modes):\n",
      out);
  help_item(out, "--seed S --run R --trial I",
            "sample trial I of run R of experiment seed S"
            " (default 0 0 0)");
  help_item(out, "--rho X --tau Y --lambda Z",
            "m = 1: the initial state sampled as above, then"
            " Sxx = X > 0,");
  help_item(out, "", "Syx = Y, weight decay Z > 0 and the default Syy");
  help_item(out, "--input FILE", "statistics and initial state from FILE (YAML, or a record");
  help_item(out, "", "printed by --json); the settings below still apply");

  fputs("\nProblem:\n", out);
  snprintf(left, sizeof left, "--alg %s", join_names(alg_names, names, sizeof names));
  help_item(out, left, "algorithm (default %s)", sgema_alg_name(d.alg));
  help_item(out, "--m M", "input dimension, 1..%d (default %d)", SGEMA_MAX_M, d.m);
  help_item(out, "--n N", "embedding dimension, m < N <= %d (default %d)", SGEMA_MAX_N, d.n);
  help_item(out, "--time flow|discrete", "flow (Eq. 5) or discrete algorithm (Eq. 4) (default %s)",
            sgema_time_name(d.time));
  help_item(out, "--mu X, --nu X", "discrete learning rates (default %.10g, %.10g)", d.mu, d.nu);
  if (d.momentum.kind == SGEMA_MOMENTUM_LINEAR)
    snprintf(names, sizeof names, "linear:%.10g,%.10g,%.10g", d.momentum.a0, d.momentum.a1,
             d.momentum.T);
  else
    snprintf(names, sizeof names, "constant:%.10g", d.momentum.a0);
  help_item(out, "--momentum constant:A | linear:A0,A1,T", "EMA schedule (default %s)", names);

  fputs("\nSampling:\n", out);
  snprintf(left, sizeof left, "--stats %s", join_names(stats_names, names, sizeof names));
  help_item(out, left, "statistics for m > 1 (default %s)", sgema_stats_name(sa->stats));
  help_item(out, "--rho-range LO,HI", "rho_i ~ U(LO, HI] (default %.10g,%.10g)", sa->rho_lo,
            sa->rho_hi);
  help_item(out, "--tau-range LO,HI", "tau_i ~ U[LO, HI) (default %.10g,%.10g)", sa->tau_lo,
            sa->tau_hi);
  help_item(out, "--lambda-range LO,HI", "lambda ~ U[LO, HI) (default %.10g,%.10g)", sa->lambda_lo,
            sa->lambda_hi);
  help_item(out, "--sigma X", "initial coordinates ~ N(0, X^2) (default %.10g)", sa->sigma);
  help_item(out, "--condition-delta[=yes|no]", "m = 1: redraw until Delta >= 0 (default %s)",
            sa->condition_delta ? "yes" : "no");
  help_item(out, "--max-draws N", "budget of that redrawing (default %ld)", sa->max_draws);
  help_item(out, "--target copy|independent", "EMA target C(0) (default %s)",
            sgema_target_name(sa->target));

  fputs("\nIntegration:\n", out);
  snprintf(left, sizeof left, "--method %s", join_names(method_names, names, sizeof names));
  help_item(out, left, "stepper (default %s)", sgema_method_name(in->method));
  help_item(out, "--rtol X, --atol X", "local error tolerances (default %g, %g)", in->rtol,
            in->atol);
  help_item(out, "--h0 X", "first step (default %g)", in->h0);
  help_item(out, "--t-max X", "horizon; iterations when discrete (default %g)", in->t_max);
  help_item(out, "--max-steps N", "step watchdog (default %ld)", in->max_steps);
  help_item(out, "--f-tol X", "converged when |f| < X max(1, |y|) (default %g)", in->f_tol);
  help_item(out, "--diverge-norm X", "diverged when max |y_i| > X; inf allowed (default %g)",
            in->diverge_norm);
  help_item(out, "--tail-f X", "tail starts when |f| < X max(1, |y|); 0: never (default %g)",
            in->tail_f);
  help_item(out, "--tail-rtol X", "tail error relative to step displacement (default %g)",
            in->tail_rtol);
  help_item(out, "--stiff-ratio X",
            "hybrid: leave the explicit RK 8(7) when h rho(J) > X (default %g)", in->stiff_ratio);

  fputs("\nClassification and verification:\n", out);
  help_item(out, "--origin-tol X", "origin when |A|_F < X (default %g)", cl->origin_tol);
  help_item(out, "--rank-tol X", "singular values counted in rank(A) (default %g)", cl->rank_tol);
  help_item(out, "--saddle-tol X", "saddle when max Re(eig) > X (default %g)", cl->saddle_tol);
  help_item(out, "--symmetry-tol X", "O(n) orbit tangent tolerance (default %g)", cl->symmetry_tol);
  help_item(out, "--sphere-tol X", "m = 1 sphere tolerance, relative (default %g)", cl->sphere_tol);
  help_item(out, "--invariant-window X", "invariant drift window, > 1 (default %g)",
            d.invariant_window);

  fputs("\nOutput:\n", out);
  help_item(out, "--record N[:T]",
            "record the trajectory at N times uniform on [0, T]"
            " (default T = %g)",
            RECORD_T_DEFAULT);
  help_item(out, "--json", "print the JSON record (indented); default readable text");
  help_item(out, "--compact", "JSON on one line (implies --json)");
  help_item(out, "-h, --help", "this help");
  help_item(out, "--version", "version");
  fputs("\nInput file (YAML; a --json record is one):\n"
        "  problem: {alg, m, n, lambda, Sxx, Syx}, optional Syy (default Syx Sxx^-1 Sxy + Sxx),\n"
        "           momentum {kind, a0, a1, T}, time, mu, nu; matrices are lists of rows\n"
        "  initial: {A (n x m), B (n x n)}, and for ema optional C (default a copy of A)\n",
        out);
  fputs("\nExit status: 0 the trial ran (whatever its class), 1 the computation failed (the\n"
        "record, class failed with its status, is still printed, as sgema-run stores it),\n"
        "2 the command line or the input file is wrong (every problem is listed).\n",
        out);
}

static void parse_momentum(cli_errors *e, const char *opt, const char *text, sgema_momentum *mo) {
  const char *colon = strchr(text, ':');
  if (!colon) {
    cli_error(e, "%s: '%s' must be constant:A or linear:A0,A1,T", opt, text);
    return;
  }
  char kind[32];
  size_t len = (size_t)(colon - text);
  if (len >= sizeof kind)
    len = sizeof kind - 1;
  memcpy(kind, text, len);
  kind[len] = '\0';
  int k = cli_choice(e, opt, kind, sgema_momentum_names);
  if (k == 0) {
    double a;
    if (cli_double(e, opt, colon + 1, &CLI_UNIT, &a) == 0) {
      mo->kind = SGEMA_MOMENTUM_CONSTANT;
      mo->a0 = mo->a1 = a;
    }
  } else if (k == 1) {
    double v[3];
    if (cli_double_list(e, opt, colon + 1, 3, &CLI_FINITE, v) != 0)
      return;
    int bad = 0;
    if (!cli_interval_contains(&CLI_UNIT, v[0]) || !cli_interval_contains(&CLI_UNIT, v[1])) {
      cli_error(e, "%s: '%s': A0 and A1 must be in [0, 1]", opt, text);
      bad = 1;
    }
    if (!(v[2] > 0.0)) {
      cli_error(e, "%s: '%s': T must be > 0", opt, text);
      bad = 1;
    }
    if (!bad) {
      mo->kind = SGEMA_MOMENTUM_LINEAR;
      mo->a0 = v[0];
      mo->a1 = v[1];
      mo->T = v[2];
    }
  }
}

static void parse_record(cli_errors *e, const char *opt, const char *text, options *o) {
  char count[64];
  const char *colon = strchr(text, ':');
  size_t len = colon ? (size_t)(colon - text) : strlen(text);
  if (len == 0 || len >= sizeof count || (colon && colon[1] == '\0')) {
    cli_error(e, "%s: '%s' must be N or N:T", opt, text);
    return;
  }
  memcpy(count, text, len);
  count[len] = '\0';
  long n;
  double t = RECORD_T_DEFAULT;
  int bad = cli_long(e, opt, count, 1, RECORD_MAX_POINTS, &n) != 0;
  if (colon && cli_double(e, opt, colon + 1, &CLI_POSITIVE, &t) != 0)
    bad = 1;
  if (!bad) {
    o->record_count = n;
    o->record_t = t;
    o->record_arg = text;
  }
}

/* The plain numeric settings: where each lives in sgema_settings and which values it allows. */
typedef struct {
  int code;
  size_t offset;
  const cli_interval *allowed;
} real_setting;

static const real_setting real_settings[] = {
    {OPT_MU, offsetof(sgema_settings, mu), &CLI_POSITIVE},
    {OPT_NU, offsetof(sgema_settings, nu), &CLI_POSITIVE},
    {OPT_SIGMA, offsetof(sgema_settings, sampling.sigma), &CLI_POSITIVE},
    {OPT_RTOL, offsetof(sgema_settings, integration.rtol), &CLI_POSITIVE},
    {OPT_ATOL, offsetof(sgema_settings, integration.atol), &CLI_POSITIVE},
    {OPT_H0, offsetof(sgema_settings, integration.h0), &CLI_POSITIVE},
    {OPT_T_MAX, offsetof(sgema_settings, integration.t_max), &CLI_POSITIVE},
    {OPT_F_TOL, offsetof(sgema_settings, integration.f_tol), &CLI_POSITIVE},
    {OPT_DIVERGE_NORM, offsetof(sgema_settings, integration.diverge_norm), &POSITIVE_OR_INF},
    {OPT_TAIL_F, offsetof(sgema_settings, integration.tail_f), &CLI_NONNEG},
    {OPT_TAIL_RTOL, offsetof(sgema_settings, integration.tail_rtol), &CLI_POSITIVE},
    {OPT_STIFF_RATIO, offsetof(sgema_settings, integration.stiff_ratio), &CLI_POSITIVE},
    {OPT_ORIGIN_TOL, offsetof(sgema_settings, classification.origin_tol), &CLI_POSITIVE},
    {OPT_RANK_TOL, offsetof(sgema_settings, classification.rank_tol), &CLI_POSITIVE},
    {OPT_SADDLE_TOL, offsetof(sgema_settings, classification.saddle_tol), &CLI_POSITIVE},
    {OPT_SYMMETRY_TOL, offsetof(sgema_settings, classification.symmetry_tol), &CLI_POSITIVE},
    {OPT_SPHERE_TOL, offsetof(sgema_settings, classification.sphere_tol), &CLI_POSITIVE},
    {OPT_INVARIANT_WINDOW, offsetof(sgema_settings, invariant_window), &ABOVE_ONE},
};

typedef struct {
  int code;
  size_t offset;
} count_setting; /* long, >= 1 */

static const count_setting count_settings[] = {
    {OPT_MAX_DRAWS, offsetof(sgema_settings, sampling.max_draws)},
    {OPT_MAX_STEPS, offsetof(sgema_settings, integration.max_steps)},
};

/* Parses a plain numeric setting; returns 0 when code is not one. */
static int apply_numeric(cli_errors *e, int code, const char *opt, const char *arg,
                         sgema_settings *s) {
  for (size_t i = 0; i < sizeof real_settings / sizeof real_settings[0]; i++)
    if (real_settings[i].code == code) {
      double *field = (double *)((char *)s + real_settings[i].offset);
      cli_double(e, opt, arg, real_settings[i].allowed, field);
      return 1;
    }
  for (size_t i = 0; i < sizeof count_settings / sizeof count_settings[0]; i++)
    if (count_settings[i].code == code) {
      long *field = (long *)((char *)s + count_settings[i].offset);
      cli_long(e, opt, arg, 1, LONG_MAX, field);
      return 1;
    }
  return 0;
}

/* One option's value into its place in o; problems are reported and leave the default. */
static void apply_option(cli_errors *e, int code, const char *arg, options *o) {
  char opt[40];
  snprintf(opt, sizeof opt, "--%s", option_name(code));
  sgema_settings *s = &o->s;
  sgema_sampling *sa = &s->sampling;
  sgema_integration *in = &s->integration;
  if (apply_numeric(e, code, opt, arg, s))
    return;
  int k;
  switch (code) {
  case OPT_SEED:
    cli_u64(e, opt, arg, &o->seed);
    break;
  case OPT_RUN:
    cli_u32(e, opt, arg, &o->run);
    break;
  case OPT_TRIAL:
    cli_u32(e, opt, arg, &o->trial);
    break;
  /* rho > 0: Sxx must be invertible for the default Syy. */
  case OPT_RHO:
    cli_double(e, opt, arg, &CLI_POSITIVE, &o->rho);
    break;
  case OPT_TAU:
    cli_double(e, opt, arg, &CLI_FINITE, &o->tau);
    break;
  case OPT_LAMBDA:
    cli_double(e, opt, arg, &CLI_POSITIVE, &o->lambda);
    break;
  case OPT_INPUT:
    if (arg[0] == '\0')
      cli_error(e, "%s: missing file name", opt);
    o->input = arg;
    break;
  case OPT_ALG:
    if ((k = cli_choice(e, opt, arg, alg_names)) >= 0)
      s->alg = (sgema_alg)k;
    break;
  case OPT_M:
    cli_int(e, opt, arg, 1, SGEMA_MAX_M, &s->m);
    break;
  case OPT_N:
    cli_int(e, opt, arg, 2, SGEMA_MAX_N, &s->n);
    break;
  case OPT_TIME:
    if ((k = cli_choice(e, opt, arg, sgema_time_names)) >= 0)
      s->time = k == 1 ? SGEMA_TIME_DISCRETE : SGEMA_TIME_FLOW;
    break;
  case OPT_MOMENTUM:
    parse_momentum(e, opt, arg, &s->momentum);
    break;
  case OPT_STATS:
    if ((k = cli_choice(e, opt, arg, stats_names)) >= 0)
      sa->stats = (sgema_stats_kind)k;
    break;
  case OPT_RHO_RANGE:
    /* rho_i ~ U(LO, HI] is open at LO, so HI = 0 leaves nothing to draw. */
    if (cli_range(e, opt, arg, &CLI_NONNEG, &sa->rho_lo, &sa->rho_hi) == 0 && !(sa->rho_hi > 0.0))
      cli_error(e, "%s: '%s': HI must be > 0", opt, arg);
    break;
  case OPT_TAU_RANGE:
    cli_range(e, opt, arg, &CLI_FINITE, &sa->tau_lo, &sa->tau_hi);
    break;
  case OPT_LAMBDA_RANGE:
    cli_range(e, opt, arg, &CLI_POSITIVE, &sa->lambda_lo, &sa->lambda_hi);
    break;
  case OPT_CONDITION_DELTA:
    if (!arg)
      sa->condition_delta = 1;
    else if ((k = cli_choice(e, opt, arg, yes_no)) >= 0)
      sa->condition_delta = k;
    break;
  case OPT_TARGET:
    if ((k = cli_choice(e, opt, arg, sgema_target_names)) >= 0)
      sa->target = k == 1 ? SGEMA_TARGET_INDEPENDENT : SGEMA_TARGET_COPY;
    break;
  case OPT_METHOD:
    if ((k = cli_choice(e, opt, arg, method_names)) >= 0)
      in->method = (sgema_method)k;
    break;
  case OPT_RECORD:
    parse_record(e, opt, arg, o);
    break;
  case OPT_JSON:
    o->json = 1;
    break;
  case OPT_COMPACT:
    o->json = o->compact = 1;
    break;
  case OPT_HELP:
    o->help = 1;
    break;
  case OPT_VERSION:
    o->version = 1;
    break;
  default:
    break;
  }
}

/* getopt accepts unambiguous prefixes ("--rec"); for "--lam" say which options it could mean. */
static void report_unknown(cli_errors *e, const char *arg) {
  const char *name = arg + (strncmp(arg, "--", 2) == 0 ? 2 : 0);
  size_t len = strcspn(name, "=");
  char matches[256] = "";
  size_t used = 0;
  int count = 0;
  for (const struct option *o = long_options; o->name; o++)
    if (len > 0 && strncmp(o->name, name, len) == 0 && used < sizeof matches) {
      used += (size_t)snprintf(matches + used, sizeof matches - used, "%s--%s", count ? ", " : "",
                               o->name);
      count++;
    }
  if (count > 1)
    cli_error(e, "ambiguous option '%s' (could be %s)", arg, matches);
  else
    cli_error(e, "unknown option '%s'", arg);
}

static void parse_args(int argc, char **argv, options *o, cli_errors *e) {
  opterr = 0; /* every message is ours, one line each, all of them collected */
  int code;
  while ((code = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
    if (code == 'h')
      code = OPT_HELP;
    if (code == '?') {
      const char *bad = argv[optind - 1];
      if (optopt && optopt < OPT_FIRST)
        cli_error(e, "unknown option '-%c'", optopt);
      else if (optopt >= OPT_FIRST)
        cli_error(e, "--%s: takes no value ('%s')", option_name(optopt), bad);
      else
        report_unknown(e, bad);
      continue;
    }
    if (code == ':') {
      cli_error(e, "--%s: missing value", option_name(optopt));
      continue;
    }
    /* "--rtol --atol 1" would take "--atol" as rtol's value: report it as missing and let the
     * next option be read as an option. Only when the value was a separate word, or this would
     * re-read "--rtol=--atol" for ever. */
    if (optarg && strncmp(optarg, "--", 2) == 0 && optarg[2] != '\0' && optind > 1 &&
        optarg == argv[optind - 1]) {
      cli_error(e, "--%s: missing value (found option '%s')", option_name(code), optarg);
      optind--;
      continue;
    }
    if (o->given[code - OPT_FIRST] && code != OPT_JSON && code != OPT_COMPACT)
      cli_error(e, "--%s: given more than once", option_name(code));
    o->given[code - OPT_FIRST] = 1;
    apply_option(e, code, optarg, o);
  }
  for (int i = optind; i < argc; i++)
    cli_error(e, "unexpected argument '%s' (options take the form --name VALUE)", argv[i]);
}

/* The three modes exclude each other, and explicit statistics need all three numbers and m = 1. */
static void check_modes(const options *o, cli_errors *e) {
  int rho = given(o, OPT_RHO), tau = given(o, OPT_TAU), lambda = given(o, OPT_LAMBDA);
  int expl = rho || tau || lambda;
  if (expl && !(rho && tau && lambda))
    cli_error(e, "explicit statistics need all of --rho, --tau and --lambda (missing%s%s%s)",
              rho ? "" : " --rho", tau ? "" : " --tau", lambda ? "" : " --lambda");
  if (expl && o->s.m != 1)
    cli_error(e, "--rho/--tau/--lambda: explicit statistics need m = 1 (got --m %d)", o->s.m);
  if (o->input && expl)
    cli_error(e, "--input cannot be combined with --rho/--tau/--lambda (both give the statistics)");
  static const int sampled[] = {OPT_SEED, OPT_RUN, OPT_TRIAL};
  for (int i = 0; i < 3; i++)
    if (o->input && given(o, sampled[i]))
      cli_error(e, "--input cannot be combined with --%s (the file gives the initial state)",
                option_name(sampled[i]));
  if (!o->input && o->s.n <= o->s.m && o->s.m >= 1)
    cli_error(e, "--n: %d is not allowed: must be greater than m = %d", o->s.n, o->s.m);
}

/* --record N:T against the bounds every recording has (sgema/experiment.h), before anything runs:
 * times T i / (N - 1) finite and apart, the trajectory's memory. */
static void check_record(const options *o, cli_errors *e) {
  const sgema_settings *s = &o->s;
  if (o->record_count <= 0 || s->m < 1 || s->m > SGEMA_MAX_M || s->n <= s->m || s->n > SGEMA_MAX_N)
    return;
  double T = o->record_t, gaps = o->record_count > 1 ? (double)(o->record_count - 1) : 1.0;
  if (!isfinite(T * gaps))
    cli_error(e,
              "--record: '%s': the recording times T i / %.0f overflow a double (T must be at most "
              "%.6g for %ld points)",
              o->record_arg, gaps, DBL_MAX / gaps / (1.0 + 1e-15), o->record_count);
  else if (T / gaps < DBL_MIN)
    cli_error(e,
              "--record: '%s': the recording times are closer than the smallest normal double (T "
              "must be at least %.6g for %ld points)",
              o->record_arg, DBL_MIN * gaps, o->record_count);
  size_t N = sgema_problem_dim_for(s->alg, s->m, s->n);
  double bytes = (double)o->record_count * (double)(N + 3) * sizeof(double);
  if (bytes > SGEMA_TRAJECTORY_BYTES_MAX)
    cli_error(e,
              "--record: '%s': %ld points of %s m = %d n = %d (%zu values a state) need %.0f MiB: "
              "at most %.0f MiB are allowed, so at most %.0f points",
              o->record_arg, o->record_count, sgema_alg_name(s->alg), s->m, s->n, N,
              bytes / 1048576.0, SGEMA_TRAJECTORY_BYTES_MAX / 1048576.0,
              floor(SGEMA_TRAJECTORY_BYTES_MAX / ((double)(N + 3) * sizeof(double))));
}

/* Checks that need the final m (from --m or from the input file). */
static void check_dimensions(const options *o, cli_errors *e) {
  if (o->s.sampling.condition_delta && o->s.m != 1)
    cli_error(e, "--condition-delta: Delta is defined for m = 1 only (m = %d)", o->s.m);
  check_record(o, e);
}

static int same_momentum(const sgema_momentum *a, const sgema_momentum *b) {
  if (a->kind != b->kind || a->a0 != b->a0)
    return 0;
  return a->kind == SGEMA_MOMENTUM_CONSTANT || (a->a1 == b->a1 && a->T == b->T);
}

/* The file decides the problem; an option that says otherwise is a mistake, not an override. */
static void adopt_input(options *o, const trial_input *in, cli_errors *e) {
  const sgema_problem *p = &in->problem;
  sgema_settings *s = &o->s;
  const char *f = o->input;
  if (given(o, OPT_ALG) && s->alg != p->alg)
    cli_error(e, "--alg: %s conflicts with alg %s in %s", sgema_alg_name(s->alg),
              sgema_alg_name(p->alg), f);
  if (given(o, OPT_M) && s->m != p->m)
    cli_error(e, "--m: %d conflicts with m = %d in %s", s->m, p->m, f);
  if (given(o, OPT_N) && s->n != p->n)
    cli_error(e, "--n: %d conflicts with n = %d in %s", s->n, p->n, f);
  if (given(o, OPT_TIME) && in->has_time && s->time != p->time)
    cli_error(e, "--time conflicts with problem.time in %s", f);
  if (given(o, OPT_MU) && in->has_mu && s->mu != p->mu)
    cli_error(e, "--mu: %.17g conflicts with mu = %.17g in %s", s->mu, p->mu, f);
  if (given(o, OPT_NU) && in->has_nu && s->nu != p->nu)
    cli_error(e, "--nu: %.17g conflicts with nu = %.17g in %s", s->nu, p->nu, f);
  if (given(o, OPT_MOMENTUM) && in->has_momentum && !same_momentum(&s->momentum, &p->momentum))
    cli_error(e, "--momentum conflicts with problem.momentum in %s", f);
  s->alg = p->alg;
  s->m = p->m;
  s->n = p->n;
  s->time = p->time;
  s->mu = p->mu;
  s->nu = p->nu;
  s->momentum = p->momentum;
}

/* Samples or reads the trial's inputs into rec and y0; returns a kernel status. */
static int prepare(sgema_trial *t, const options *o, const trial_input *in, sgema_record *rec,
                   double *y0) {
  if (o->input) {
    memset(rec, 0, sizeof *rec);
    rec->problem = in->problem;
    memcpy(y0, in->y0, sizeof(double) * sgema_problem_dim(&in->problem));
    return SGEMA_OK;
  }
  int st = sgema_trial_sample(t, o->seed, o->run, o->trial, rec);
  if (st != SGEMA_OK)
    return st;
  /* A private copy: the record's y0 points into the workspace that solve is about to reuse. */
  memcpy(y0, rec->y0, sizeof(double) * sgema_problem_dim(&rec->problem));
  if (given(o, OPT_RHO)) {
    rec->problem.Sxx[0] = o->rho;
    rec->problem.Syx[0] = o->tau;
    rec->problem.lambda = o->lambda;
    rec->draws = 0;
    st = sgema_problem_default_syy(&rec->problem);
  }
  return st;
}

static int run(const options *o, const trial_input *in) {
  static double y0[TRIAL_INPUT_MAX_DIM];
  sgema_record rec;
  sgema_trajectory *traj = NULL;
  sgema_trial *t = sgema_trial_alloc(&o->s);
  if (!t) {
    fprintf(stderr, "%s: cannot allocate the trial workspace: %s\n", PROG,
            sgema_strerror(SGEMA_ENOMEM));
    return EXIT_KERNEL;
  }
  const char *stage = "sampling the trial";
  int st = prepare(t, o, in, &rec, y0);
  if (st == SGEMA_OK && o->record_count > 0) {
    traj = sgema_trajectory_alloc_uniform(sgema_problem_dim(&rec.problem), o->record_t,
                                          (size_t)o->record_count);
    if (!traj) {
      stage = "allocating the trajectory";
      st = SGEMA_ENOMEM;
    }
  }
  if (st == SGEMA_OK) {
    stage = "solving the trial";
    st = sgema_trial_solve(t, y0, &rec, traj);
  }
  /* A failed trial's record (class failed, its status) is printed too, as sgema-run stores it;
   * the exit status still says that the computation failed. */
  int failed = st != SGEMA_OK && rec.status != SGEMA_OK && rec.y0 && rec.y_end;
  if (st == SGEMA_OK || failed) {
    if (st == SGEMA_OK)
      rec.y0 = y0; /* the inputs as given to solve, whichever mode produced them */
    sgema_record_format fmt = {o->compact, o->input || given(o, OPT_RHO), traj};
    int wst = o->json ? sgema_record_write_json(stdout, &rec, &o->s, &fmt)
                      : sgema_record_write_text(stdout, &rec, &o->s, &fmt);
    if (wst == SGEMA_OK && fflush(stdout) != 0)
      wst = SGEMA_EIO;
    if (wst != SGEMA_OK)
      stage = "writing the record", st = wst;
  }
  if (st != SGEMA_OK)
    fprintf(stderr, "%s: %s: %s (%s)\n", PROG, stage, sgema_strerror(st), sgema_status_name(st));
  sgema_trajectory_free(traj);
  sgema_trial_free(t);
  return st == SGEMA_OK ? EXIT_RAN : EXIT_KERNEL;
}

int main(int argc, char **argv) {
  static options o;
  static trial_input in;
  /* GSL's default handler aborts; the library returns its statuses, and they are reported. */
  gsl_set_error_handler_off();
  cli_errors e;
  cli_errors_init(&e, PROG, stderr);
  init_names();
  sgema_settings_default(&o.s);

  parse_args(argc, argv, &o, &e);
  if (o.help) {
    usage(stdout);
    return EXIT_RAN;
  }
  if (o.version) {
    printf("%s (sgema) %s\n", PROG, SGEMA_VERSION);
    return EXIT_RAN;
  }
  check_modes(&o, &e);
  if (o.input && o.input[0] && trial_input_read(o.input, &o.s, &in, &e) == 0)
    adopt_input(&o, &in, &e);
  check_dimensions(&o, &e);
  /* The library's own check last, as a backstop: it names only the first bad group. */
  if (e.count == 0) {
    const char *what = NULL;
    int st = sgema_settings_validate(&o.s, &what);
    if (st != SGEMA_OK)
      cli_error(&e, "invalid settings: %s: %s", what ? what : "?", sgema_strerror(st));
  }
  if (e.count > 0) {
    fprintf(stderr, "%s: %d problem%s; see %s --help\n", PROG, e.count, e.count == 1 ? "" : "s",
            PROG);
    return EXIT_USAGE;
  }
  return run(&o, &in);
}

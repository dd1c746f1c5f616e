/* sgema-trial: run one trial (sampled, given explicitly, or read from a file) and print its record.
 */
#define _POSIX_C_SOURCE 200809L

#include "cli_args.h"
#include "settings_table.h"
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

/* Recording horizon when --record gives no T: an experiment file's record.t_last default. */
static double record_t_default(void) {
  sgema_record_spec r;
  sgema_record_spec_default(&r);
  return r.t_last;
}
#define RECORD_MAX_POINTS ((long)SGEMA_RECORD_MAX_POINTS)

/* Long-only options get codes past every character, so that getopt's codes are unambiguous. The
 * settings' options come from the settings table (settings_table.h), one code a row. */
enum {
  OPT_FIRST = 256,
  OPT_SEED = OPT_FIRST,
  OPT_RUN,
  OPT_TRIAL,
  OPT_RHO,
  OPT_TAU,
  OPT_LAMBDA,
  OPT_INPUT,
  OPT_SETTING, /* OPT_SETTING + k: row k of the table */
  OPT_RECORD = OPT_SETTING + SGEMA_SETTING_COUNT,
  OPT_JSON,
  OPT_COMPACT,
  OPT_HELP,
  OPT_VERSION,
  OPT_END
};

/* The option of a setting, by its row's id: OPT_OF(ALG). */
#define OPT_OF(id) (OPT_SETTING + SGEMA_SETTING_##id)

static const struct option leading_options[] = {
    {"seed", required_argument, NULL, OPT_SEED},   {"run", required_argument, NULL, OPT_RUN},
    {"trial", required_argument, NULL, OPT_TRIAL}, {"rho", required_argument, NULL, OPT_RHO},
    {"tau", required_argument, NULL, OPT_TAU},     {"lambda", required_argument, NULL, OPT_LAMBDA},
    {"input", required_argument, NULL, OPT_INPUT}};
static const struct option trailing_options[] = {{"record", required_argument, NULL, OPT_RECORD},
                                                 {"json", no_argument, NULL, OPT_JSON},
                                                 {"compact", no_argument, NULL, OPT_COMPACT},
                                                 {"help", no_argument, NULL, OPT_HELP},
                                                 {"version", no_argument, NULL, OPT_VERSION}};
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The leading options, one a setting, the trailing ones, and getopt's terminator. */
static struct option
    long_options[COUNT_OF(leading_options) + SGEMA_SETTING_COUNT + COUNT_OF(trailing_options) + 1];

static void init_options(void) {
  size_t k = 0;
  for (size_t i = 0; i < COUNT_OF(leading_options); i++)
    long_options[k++] = leading_options[i];
  for (int i = 0; i < SGEMA_SETTING_COUNT; i++) {
    const sgema_setting *r = &sgema_settings_table[i];
    /* --condition-delta alone means yes. */
    int has_arg = r->type == SGEMA_SETTING_TYPE_FLAG ? optional_argument : required_argument;
    long_options[k++] = (struct option){r->option, has_arg, NULL, OPT_SETTING + i};
  }
  for (size_t i = 0; i < COUNT_OF(trailing_options); i++)
    long_options[k++] = trailing_options[i];
  long_options[k] = (struct option){NULL, 0, NULL, 0};
}

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

static const char *yes_no[] = {"no", "yes", NULL};

/* A choice's names as cli_choice wants them: NULL-terminated, into names (room for max). */
static const char *const *choice_names(const sgema_choice *c, const char **names, int max) {
  int k = 0;
  for (; k < c->count && k < max - 1; k++)
    names[k] = c->name(k);
  names[k] = NULL;
  return names;
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

/* A setting's option with its argument, "--alg sg|ema|gd", "--rtol X", into buf. */
static const char *option_text(const sgema_setting *r, char *buf, size_t size) {
  char names[256];
  if (r->type == SGEMA_SETTING_TYPE_CHOICE)
    snprintf(buf, size, "--%s %s", r->option, sgema_choice_list(r->choice, names, sizeof names));
  else
    snprintf(buf, size, "--%s%s", r->option, r->arg);
  return buf;
}

/* A setting's value in d as its option takes it, into buf. */
static const char *value_text(const sgema_setting *r, const sgema_settings *d, char *buf,
                              size_t size) {
  const char *base = (const char *)d;
  double x, y;
  long l;
  int i;
  switch (r->type) {
  case SGEMA_SETTING_TYPE_CHOICE:
    memcpy(&i, base + r->offset, sizeof i);
    snprintf(buf, size, "%s", r->choice->name(i));
    break;
  case SGEMA_SETTING_TYPE_INT:
    memcpy(&i, base + r->offset, sizeof i);
    snprintf(buf, size, "%d", i);
    break;
  case SGEMA_SETTING_TYPE_FLAG:
    memcpy(&i, base + r->offset, sizeof i);
    snprintf(buf, size, "%s", yes_no[i != 0]);
    break;
  case SGEMA_SETTING_TYPE_LONG:
    memcpy(&l, base + r->offset, sizeof l);
    snprintf(buf, size, "%ld", l);
    break;
  case SGEMA_SETTING_TYPE_RANGE:
    memcpy(&x, base + r->offset, sizeof x);
    memcpy(&y, base + r->offset_hi, sizeof y);
    snprintf(buf, size, "%g,%g", x, y);
    break;
  case SGEMA_SETTING_TYPE_MOMENTUM:
    if (d->momentum.kind == SGEMA_MOMENTUM_LINEAR)
      snprintf(buf, size, "linear:%g,%g,%g", d->momentum.a0, d->momentum.a1, d->momentum.T);
    else
      snprintf(buf, size, "constant:%g", d->momentum.a0);
    break;
  default:
    memcpy(&x, base + r->offset, sizeof x);
    snprintf(buf, size, "%g", x);
    break;
  }
  return buf;
}

/* The heading of a section's options in --help. */
static const char *section_heading(const char *section) {
  if (!section)
    return "Problem";
  if (strcmp(section, "sampling") == 0)
    return "Sampling";
  if (strcmp(section, "integration") == 0)
    return "Integration";
  if (strcmp(section, "census") == 0)
    return "Equilibrium census (sgema-census, and the census runs of experiment files)";
  return "Classification and verification";
}

/* Every setting of the table, grouped by section (a heading where a section first appears), with
 * its default from d; a row without help shares the line of the row before. */
static void list_settings(FILE *out, const sgema_settings *d) {
  const char *seen[8];
  int nseen = 0;
  for (int k = 0; k < SGEMA_SETTING_COUNT; k++) {
    const sgema_setting *r = &sgema_settings_table[k];
    int known = 0;
    for (int j = 0; j < nseen; j++)
      known |= seen[j] == r->section || (seen[j] && r->section && !strcmp(seen[j], r->section));
    if (!known && nseen < 8) {
      seen[nseen++] = r->section;
      fprintf(out, "\n%s:\n", section_heading(r->section));
    }
    if (!r->help)
      continue;
    const sgema_setting *pair = k + 1 < SGEMA_SETTING_COUNT && !sgema_settings_table[k + 1].help
                                    ? &sgema_settings_table[k + 1]
                                    : NULL;
    char left[300], second[100], value[100], value2[100];
    option_text(r, left, sizeof left);
    value_text(r, d, value, sizeof value);
    if (pair) {
      size_t used = strlen(left);
      snprintf(left + used, sizeof left - used, ", %s", option_text(pair, second, sizeof second));
      help_item(out, left, "%s (default %s, %s)", r->help, value,
                value_text(pair, d, value2, sizeof value2));
    } else {
      help_item(out, left, "%s (default %s)", r->help, value);
    }
  }
}

/* Every default comes from sgema_settings_default, so the help cannot drift from the code. */
static void usage(FILE *out) {
  sgema_settings d;
  sgema_settings_default(&d);
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

  list_settings(out, &d);

  fputs("\nOutput:\n", out);
  help_item(out, "--record N[:T]",
            "record the trajectory at N times uniform on [0, T]"
            " (default T = %g)",
            record_t_default());
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
    if (cli_double(e, opt, colon + 1, &SGEMA_MOMENTUM_ALPHA, &a) == 0) {
      mo->kind = SGEMA_MOMENTUM_CONSTANT;
      mo->a0 = mo->a1 = a;
    }
  } else if (k == 1) {
    double v[3];
    if (cli_double_list(e, opt, colon + 1, 3, &CLI_FINITE, v) != 0)
      return;
    int bad = 0;
    if (!sgema_interval_contains(&SGEMA_MOMENTUM_ALPHA, v[0]) ||
        !sgema_interval_contains(&SGEMA_MOMENTUM_ALPHA, v[1])) {
      cli_error(e, "%s: '%s': A0 and A1 must be in [0, 1]", opt, text);
      bad = 1;
    }
    if (!sgema_interval_contains(&SGEMA_MOMENTUM_T, v[2])) {
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
  double t = record_t_default();
  int bad = cli_long(e, opt, count, 1, RECORD_MAX_POINTS, &n) != 0;
  if (colon && cli_double(e, opt, colon + 1, &CLI_POSITIVE, &t) != 0)
    bad = 1;
  if (!bad) {
    o->record_count = n;
    o->record_t = t;
    o->record_arg = text;
  }
}

/* The value of row r's option into its field of s; problems are reported and leave the default. */
static void apply_setting(cli_errors *e, const sgema_setting *r, const char *opt, const char *arg,
                          sgema_settings *s) {
  char *field = (char *)s + r->offset;
  const char *names[64];
  int k;
  switch (r->type) {
  case SGEMA_SETTING_TYPE_CHOICE: /* stored as an int (settings.c) */
    if ((k = cli_choice(e, opt, arg, choice_names(r->choice, names, 64))) >= 0)
      memcpy(field, &k, sizeof k);
    break;
  case SGEMA_SETTING_TYPE_INT:
    cli_int(e, opt, arg, (int)r->lo, (int)r->hi, (int *)(void *)field);
    break;
  case SGEMA_SETTING_TYPE_LONG:
    cli_long(e, opt, arg, (long)r->lo, (long)r->hi, (long *)(void *)field);
    break;
  case SGEMA_SETTING_TYPE_REAL:
    cli_double(e, opt, arg, r->allowed, (double *)(void *)field);
    break;
  case SGEMA_SETTING_TYPE_RANGE: {
    double *hi = (double *)(void *)((char *)s + r->offset_hi);
    /* rho_i ~ U(LO, HI] is open at LO, so HI = 0 leaves nothing to draw. */
    if (cli_range(e, opt, arg, r->allowed, (double *)(void *)field, hi) == 0 && r->hi_positive &&
        !(*hi > 0.0))
      cli_error(e, "%s: '%s': HI must be > 0", opt, arg);
    break;
  }
  case SGEMA_SETTING_TYPE_FLAG:
    if (!arg)
      k = 1;
    else if ((k = cli_choice(e, opt, arg, yes_no)) < 0)
      break;
    memcpy(field, &k, sizeof k);
    break;
  case SGEMA_SETTING_TYPE_MOMENTUM:
    parse_momentum(e, opt, arg, &s->momentum);
    break;
  default:
    break;
  }
}

/* One option's value into its place in o; problems are reported and leave the default. */
static void apply_option(cli_errors *e, int code, const char *arg, options *o) {
  char opt[40];
  snprintf(opt, sizeof opt, "--%s", option_name(code));
  if (code >= OPT_SETTING && code < OPT_SETTING + SGEMA_SETTING_COUNT) {
    apply_setting(e, &sgema_settings_table[code - OPT_SETTING], opt, arg, &o->s);
    return;
  }
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
  const sgema_settings *s = &o->s;
  if (s->m >= 1 && s->n > s->m) {
    size_t N = sgema_problem_dim_for(s->alg, s->m, s->n);
    if ((size_t)s->classification.eigenvalues > N)
      cli_error(e, "--eigenvalues: %d is more than the state length N = %zu of %s m = %d n = %d",
                s->classification.eigenvalues, N, sgema_alg_name(s->alg), s->m, s->n);
  }
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
  if (given(o, OPT_OF(ALG)) && s->alg != p->alg)
    cli_error(e, "--alg: %s conflicts with alg %s in %s", sgema_alg_name(s->alg),
              sgema_alg_name(p->alg), f);
  if (given(o, OPT_OF(M)) && s->m != p->m)
    cli_error(e, "--m: %d conflicts with m = %d in %s", s->m, p->m, f);
  if (given(o, OPT_OF(N)) && s->n != p->n)
    cli_error(e, "--n: %d conflicts with n = %d in %s", s->n, p->n, f);
  if (given(o, OPT_OF(TIME)) && in->has_time && s->time != p->time)
    cli_error(e, "--time conflicts with problem.time in %s", f);
  if (given(o, OPT_OF(MU)) && in->has_mu && s->mu != p->mu)
    cli_error(e, "--mu: %.17g conflicts with mu = %.17g in %s", s->mu, p->mu, f);
  if (given(o, OPT_OF(NU)) && in->has_nu && s->nu != p->nu)
    cli_error(e, "--nu: %.17g conflicts with nu = %.17g in %s", s->nu, p->nu, f);
  if (given(o, OPT_OF(MOMENTUM)) && in->has_momentum && !same_momentum(&s->momentum, &p->momentum))
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
  init_options();
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

/* The options that choose one trial, shared by sgema-trial and sgema-census (trial_options.h). */
#define _POSIX_C_SOURCE 200809L

#include "trial_options.h"

#include "sgema/experiment.h"
#include "sgema/status.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const struct option leading_options[] = {{"seed", required_argument, NULL, TOPT_SEED},
                                                {"run", required_argument, NULL, TOPT_RUN},
                                                {"trial", required_argument, NULL, TOPT_TRIAL},
                                                {"rho", required_argument, NULL, TOPT_RHO},
                                                {"tau", required_argument, NULL, TOPT_TAU},
                                                {"lambda", required_argument, NULL, TOPT_LAMBDA},
                                                {"input", required_argument, NULL, TOPT_INPUT}};
static const struct option trailing_options[] = {{"json", no_argument, NULL, TOPT_JSON},
                                                 {"compact", no_argument, NULL, TOPT_COMPACT},
                                                 {"help", no_argument, NULL, TOPT_HELP},
                                                 {"version", no_argument, NULL, TOPT_VERSION}};
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The leading options, one a setting, the tool's, the trailing ones, and getopt's terminator. One
 * tool a process, so one table. */
static struct option long_options[COUNT_OF(leading_options) + SGEMA_SETTING_COUNT +
                                  TRIAL_OPTIONS_TOOL_MAX + COUNT_OF(trailing_options) + 1];

void trial_options_init(trial_options *o, const trial_options_tool *tool) {
  memset(o, 0, sizeof *o);
  sgema_settings_default(&o->s);
  o->tool = tool;
  size_t k = 0;
  for (size_t i = 0; i < COUNT_OF(leading_options); i++)
    long_options[k++] = leading_options[i];
  for (int i = 0; i < SGEMA_SETTING_COUNT; i++) {
    const sgema_setting *r = &sgema_settings_table[i];
    /* --condition-delta alone means yes. */
    int has_arg = r->type == SGEMA_SETTING_TYPE_FLAG ? optional_argument : required_argument;
    long_options[k++] = (struct option){r->option, has_arg, NULL, TOPT_SETTING + i};
  }
  for (int i = 0; tool && i < tool->count && i < TRIAL_OPTIONS_TOOL_MAX; i++) {
    long_options[k] = tool->options[i];
    long_options[k++].val = TOPT_TOOL + i;
  }
  for (size_t i = 0; i < COUNT_OF(trailing_options); i++)
    long_options[k++] = trailing_options[i];
  long_options[k] = (struct option){NULL, 0, NULL, 0};
}

const char *trial_options_name(int code) {
  for (const struct option *o = long_options; o->name; o++)
    if (o->val == code)
      return o->name;
  return "?";
}

int trial_options_given(const trial_options *o, int code) {
  return o->given[code - TOPT_FIRST];
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
void trial_options_help_item(FILE *out, const char *left, const char *fmt, ...) {
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

void trial_options_help_modes(FILE *out) {
  trial_options_help_item(out, "--seed S --run R --trial I",
                          "sample trial I of run R of experiment seed S"
                          " (default 0 0 0)");
  trial_options_help_item(out, "--rho X --tau Y --lambda Z",
                          "m = 1: the initial state sampled as above, then"
                          " Sxx = X > 0,");
  trial_options_help_item(out, "", "Syx = Y, weight decay Z > 0 and the default Syy");
  trial_options_help_item(out, "--input FILE",
                          "statistics and initial state from FILE (YAML, or a record");
  trial_options_help_item(out, "", "printed by --json); the settings below still apply");
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
  if (strcmp(section, "design") == 0)
    return "Grid design (--trial K is the grid's trial K)";
  if (strcmp(section, "integration") == 0)
    return "Integration";
  if (strcmp(section, "census") == 0)
    return "Equilibrium census (sgema-census, and the census runs of experiment files)";
  return "Classification and verification";
}

/* Every setting of the table, grouped by section (a heading where a section first appears), with
 * its default from sgema_settings_default, so that the help cannot drift from the code; a row
 * without help shares the line of the row before. */
void trial_options_help_settings(FILE *out) {
  sgema_settings dd;
  sgema_settings_default(&dd);
  const sgema_settings *d = &dd;
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
      trial_options_help_item(out, left, "%s (default %s, %s)", r->help, value,
                              value_text(pair, d, value2, sizeof value2));
    } else {
      trial_options_help_item(out, left, "%s (default %s)", r->help, value);
    }
  }
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
static void apply_option(cli_errors *e, int code, const char *arg, trial_options *o) {
  char opt[40];
  snprintf(opt, sizeof opt, "--%s", trial_options_name(code));
  if (code >= TOPT_SETTING && code < TOPT_SETTING + SGEMA_SETTING_COUNT) {
    apply_setting(e, &sgema_settings_table[code - TOPT_SETTING], opt, arg, &o->s);
    return;
  }
  if (code >= TOPT_TOOL && code < TOPT_END) {
    if (o->tool && o->tool->apply)
      o->tool->apply(e, code, opt, arg, o->tool->ctx);
    return;
  }
  switch (code) {
  case TOPT_SEED:
    cli_u64(e, opt, arg, &o->seed);
    break;
  case TOPT_RUN:
    cli_u32(e, opt, arg, &o->run);
    break;
  case TOPT_TRIAL:
    cli_u32(e, opt, arg, &o->trial);
    break;
  /* rho > 0: Sxx must be invertible for the default Syy. */
  case TOPT_RHO:
    cli_double(e, opt, arg, &CLI_POSITIVE, &o->rho);
    break;
  case TOPT_TAU:
    cli_double(e, opt, arg, &CLI_FINITE, &o->tau);
    break;
  case TOPT_LAMBDA:
    cli_double(e, opt, arg, &CLI_POSITIVE, &o->lambda);
    break;
  case TOPT_INPUT:
    if (arg[0] == '\0')
      cli_error(e, "%s: missing file name", opt);
    o->input = arg;
    break;
  case TOPT_JSON:
    o->json = 1;
    break;
  case TOPT_COMPACT:
    o->json = o->compact = 1;
    break;
  case TOPT_HELP:
    o->help = 1;
    break;
  case TOPT_VERSION:
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

void trial_options_parse(trial_options *o, int argc, char **argv, cli_errors *e) {
  opterr = 0; /* every message is ours, one line each, all of them collected */
  int code;
  while ((code = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
    if (code == 'h')
      code = TOPT_HELP;
    if (code == '?') {
      const char *bad = argv[optind - 1];
      if (optopt && optopt < TOPT_FIRST)
        cli_error(e, "unknown option '-%c'", optopt);
      else if (optopt >= TOPT_FIRST)
        cli_error(e, "--%s: takes no value ('%s')", trial_options_name(optopt), bad);
      else
        report_unknown(e, bad);
      continue;
    }
    if (code == ':') {
      cli_error(e, "--%s: missing value", trial_options_name(optopt));
      continue;
    }
    /* "--rtol --atol 1" would take "--atol" as rtol's value: report it as missing and let the
     * next option be read as an option. Only when the value was a separate word, or this would
     * re-read "--rtol=--atol" for ever. */
    if (optarg && strncmp(optarg, "--", 2) == 0 && optarg[2] != '\0' && optind > 1 &&
        optarg == argv[optind - 1]) {
      cli_error(e, "--%s: missing value (found option '%s')", trial_options_name(code), optarg);
      optind--;
      continue;
    }
    if (o->given[code - TOPT_FIRST] && code != TOPT_JSON && code != TOPT_COMPACT)
      cli_error(e, "--%s: given more than once", trial_options_name(code));
    o->given[code - TOPT_FIRST] = 1;
    o->arg[code - TOPT_FIRST] = optarg;
    apply_option(e, code, optarg, o);
  }
  for (int i = optind; i < argc; i++)
    cli_error(e, "unexpected argument '%s' (options take the form --name VALUE)", argv[i]);
}

/* The three modes exclude each other, and explicit statistics need all three numbers and m = 1. */
static void check_modes(const trial_options *o, cli_errors *e) {
  int rho = trial_options_given(o, TOPT_RHO), tau = trial_options_given(o, TOPT_TAU),
      lambda = trial_options_given(o, TOPT_LAMBDA);
  int expl = rho || tau || lambda;
  if (expl && !(rho && tau && lambda))
    cli_error(e, "explicit statistics need all of --rho, --tau and --lambda (missing%s%s%s)",
              rho ? "" : " --rho", tau ? "" : " --tau", lambda ? "" : " --lambda");
  if (expl && o->s.m != 1)
    cli_error(e, "--rho/--tau/--lambda: explicit statistics need m = 1 (got --m %d)", o->s.m);
  if (o->input && expl)
    cli_error(e, "--input cannot be combined with --rho/--tau/--lambda (both give the statistics)");
  static const int sampled[] = {TOPT_SEED, TOPT_RUN, TOPT_TRIAL};
  for (int i = 0; i < 3; i++)
    if (o->input && trial_options_given(o, sampled[i]))
      cli_error(e, "--input cannot be combined with --%s (the file gives the initial state)",
                trial_options_name(sampled[i]));
  if (!o->input && o->s.n <= o->s.m && o->s.m >= 1)
    cli_error(e, "--n: %d is not allowed: must be greater than m = %d", o->s.n, o->s.m);
}

/* Checks that need the final m (from --m or from the input file). */
static void check_dimensions(const trial_options *o, cli_errors *e) {
  if (o->s.sampling.condition_delta && o->s.m != 1)
    cli_error(e, "--condition-delta: Delta is defined for m = 1 only (m = %d)", o->s.m);
  const sgema_settings *s = &o->s;
  if (s->m >= 1 && s->n > s->m) {
    size_t N = sgema_problem_dim_for(s->alg, s->m, s->n);
    if ((size_t)s->classification.eigenvalues > N)
      cli_error(e, "--eigenvalues: %d is more than the state length N = %zu of %s m = %d n = %d",
                s->classification.eigenvalues, N, sgema_alg_name(s->alg), s->m, s->n);
    char why[256];
    if (sgema_dense_spectrum_check(s->classification.spectrum, s->alg, s->m, s->n, why,
                                   sizeof why) != SGEMA_OK)
      cli_error(e, "--spectrum: %s", why);
  }
}

static int same_momentum(const sgema_momentum *a, const sgema_momentum *b) {
  if (a->kind != b->kind || a->a0 != b->a0)
    return 0;
  return a->kind == SGEMA_MOMENTUM_CONSTANT || (a->a1 == b->a1 && a->T == b->T);
}

/* The file decides the problem; an option that says otherwise is a mistake, not an override. */
static void adopt_input(trial_options *o, const trial_input *in, cli_errors *e) {
  const sgema_problem *p = &in->problem;
  sgema_settings *s = &o->s;
  const char *f = o->input;
  if (trial_options_given(o, TOPT_OF(ALG)) && s->alg != p->alg)
    cli_error(e, "--alg: %s conflicts with alg %s in %s", sgema_alg_name(s->alg),
              sgema_alg_name(p->alg), f);
  if (trial_options_given(o, TOPT_OF(M)) && s->m != p->m)
    cli_error(e, "--m: %d conflicts with m = %d in %s", s->m, p->m, f);
  if (trial_options_given(o, TOPT_OF(N)) && s->n != p->n)
    cli_error(e, "--n: %d conflicts with n = %d in %s", s->n, p->n, f);
  if (trial_options_given(o, TOPT_OF(TIME)) && in->has_time && s->time != p->time)
    cli_error(e, "--time conflicts with problem.time in %s", f);
  if (trial_options_given(o, TOPT_OF(MU)) && in->has_mu && s->mu != p->mu)
    cli_error(e, "--mu: %.17g conflicts with mu = %.17g in %s", s->mu, p->mu, f);
  if (trial_options_given(o, TOPT_OF(NU)) && in->has_nu && s->nu != p->nu)
    cli_error(e, "--nu: %.17g conflicts with nu = %.17g in %s", s->nu, p->nu, f);
  if (trial_options_given(o, TOPT_OF(MOMENTUM)) && in->has_momentum &&
      !same_momentum(&s->momentum, &p->momentum))
    cli_error(e, "--momentum conflicts with problem.momentum in %s", f);
  s->alg = p->alg;
  s->m = p->m;
  s->n = p->n;
  s->time = p->time;
  s->mu = p->mu;
  s->nu = p->nu;
  s->momentum = p->momentum;
}

void trial_options_check(trial_options *o, trial_input *in, cli_errors *e) {
  check_modes(o, e);
  if (o->input && o->input[0] && trial_input_read(o->input, &o->s, in, e) == 0)
    adopt_input(o, in, e);
  check_dimensions(o, e);
}

void trial_options_validate(const trial_options *o, cli_errors *e) {
  if (e->count > 0)
    return;
  const char *what = NULL;
  int st = sgema_settings_validate(&o->s, &what);
  if (st != SGEMA_OK)
    cli_error(e, "invalid settings: %s: %s", what ? what : "?", sgema_strerror(st));
}

int trial_options_prepare(sgema_trial *t, const trial_options *o, const trial_input *in,
                          sgema_record *rec, double *y0, int *given) {
  *given = o->input || trial_options_given(o, TOPT_RHO);
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
  if (trial_options_given(o, TOPT_RHO)) {
    rec->problem.Sxx[0] = o->rho;
    rec->problem.Syx[0] = o->tau;
    rec->problem.lambda = o->lambda;
    rec->draws = 0;
    st = sgema_problem_default_syy(&rec->problem);
  }
  return st;
}

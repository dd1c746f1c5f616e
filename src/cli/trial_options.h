/* The options that choose one trial's data and settings, shared by sgema-trial and sgema-census:
 * the settings table's options, the three modes (sampled, explicit m = 1 statistics, an input
 * file), their checks and their help. */
#ifndef SGEMA_TRIAL_OPTIONS_H
#define SGEMA_TRIAL_OPTIONS_H

#include "cli_args.h"
#include "settings_table.h"
#include "trial_input.h"

#include "sgema/trial.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

/* The most options a tool adds of its own. */
#define TRIAL_OPTIONS_TOOL_MAX 16

/* Long-only options get codes past every character, so that getopt's codes are unambiguous. The
 * settings' options come from the settings table (settings_table.h), one code a row; a tool's own
 * options take the codes from TOPT_TOOL on, in the order it lists them. */
enum {
  TOPT_FIRST = 256,
  TOPT_SEED = TOPT_FIRST,
  TOPT_RUN,
  TOPT_TRIAL,
  TOPT_RHO,
  TOPT_TAU,
  TOPT_LAMBDA,
  TOPT_INPUT,
  TOPT_SETTING, /* TOPT_SETTING + k: row k of the table */
  TOPT_JSON = TOPT_SETTING + SGEMA_SETTING_COUNT,
  TOPT_COMPACT,
  TOPT_HELP,
  TOPT_VERSION,
  TOPT_TOOL,
  TOPT_END = TOPT_TOOL + TRIAL_OPTIONS_TOOL_MAX
};

/* The option of a setting, by its row's id: TOPT_OF(ALG). */
#define TOPT_OF(id) (TOPT_SETTING + SGEMA_SETTING_##id)

/* A tool's own options (codes TOPT_TOOL + i for options[i]) and what reads their values. */
typedef struct {
  const struct option *options;
  int count; /* at most TRIAL_OPTIONS_TOOL_MAX */
  /* opt is "--name"; arg is NULL for an option without a value. */
  void (*apply)(cli_errors *e, int code, const char *opt, const char *arg, void *ctx);
  void *ctx;
} trial_options_tool;

/* Everything the common options say. */
typedef struct {
  sgema_settings s;
  uint64_t seed;
  uint32_t run, trial;
  double rho, tau, lambda; /* explicit m = 1 statistics */
  const char *input;
  int json, compact, help, version;
  int given[TOPT_END - TOPT_FIRST];       /* which options appeared, for mode and conflict checks */
  const char *arg[TOPT_END - TOPT_FIRST]; /* their values as typed (NULL: none) */
  const trial_options_tool *tool;
} trial_options;

/* Defaults (sgema_settings_default, seed 0 run 0 trial 0) and getopt's table of the common options
 * and the tool's (tool may be NULL). */
void trial_options_init(trial_options *o, const trial_options_tool *tool);

/* Reads argv into o, every problem reported through e. */
void trial_options_parse(trial_options *o, int argc, char **argv, cli_errors *e);

int trial_options_given(const trial_options *o, int code);
/* An option's name without the dashes ("seed"), by its code. */
const char *trial_options_name(int code);

/* After parsing: the modes' conflicts, the input file read into in and adopted (alg, m, n, time,
 * mu, nu and momentum come from it) and the checks that need the final m. */
void trial_options_check(trial_options *o, trial_input *in, cli_errors *e);

/* The library's own check of the settings last, as a backstop (it names only the first bad group),
 * when nothing else was wrong. */
void trial_options_validate(const trial_options *o, cli_errors *e);

/* Samples trial (seed, run, trial) or takes the input file's problem and initial state into rec
 * and y0 (TRIAL_INPUT_MAX_DIM); explicit statistics replace the sampled ones. 1 in *given when the
 * inputs were given (file or explicit statistics) rather than sampled. Returns a kernel status. */
int trial_options_prepare(sgema_trial *t, const trial_options *o, const trial_input *in,
                          sgema_record *rec, double *y0, int *given);

/* --help pieces: an option and its description in two columns; the three modes; every setting of
 * the table, grouped by section, with its default. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void trial_options_help_item(FILE *out, const char *left, const char *fmt, ...);
void trial_options_help_modes(FILE *out);
void trial_options_help_settings(FILE *out);

#endif

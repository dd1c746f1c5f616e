/* sgema-census: the equilibrium census of one data set, chosen as sgema-trial chooses a trial, and
 * the reproducible counterexample of every saddle. */
#define _POSIX_C_SOURCE 200809L

#include "census_options.h"
#include "census_print.h"
#include "census_saddle.h"
#include "cli_args.h"
#include "json_writer.h"
#include "trial_input.h"
#include "trial_options.h"

#include "sgema/census.h"
#include "sgema/status.h"
#include "sgema/trial.h"

#include <gsl/gsl_errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_info.h"

#define PROG "sgema-census"

/* Exit statuses: the census ran (whatever it found), the computation failed, the command was
 * wrong (or asks for a run the census does not take). */
enum { EXIT_RAN = 0, EXIT_KERNEL = 1, EXIT_USAGE = 2 };

enum { OPT_WRITE_INPUTS = TOPT_TOOL, OPT_EXPLAIN };
static const struct option tool_options[] = {
    {"write-inputs", required_argument, NULL, OPT_WRITE_INPUTS},
    {"explain", no_argument, NULL, OPT_EXPLAIN}};

typedef struct {
  const char *dir; /* --write-inputs */
  int explain;
} census_flags;

static void apply_tool(cli_errors *e, int code, const char *opt, const char *arg, void *ctx) {
  census_flags *f = ctx;
  if (code == OPT_WRITE_INPUTS) {
    if (arg[0] == '\0')
      cli_error(e, "%s: missing directory name", opt);
    f->dir = arg;
  } else if (code == OPT_EXPLAIN) {
    f->explain = 1;
  }
}

static void usage(FILE *out) {
  fprintf(out, "Usage: %s [OPTION]...\n", PROG);
  fputs("Find every equilibrium of the SG / constant-momentum EMA dynamics for one data set, its\n"
        "kind and stability (docs/CENSUS.md). The data set is the one sgema-trial would run with\n"
        "the same options; for every saddle (m > 1; m = 1 only with --explain) print its\n"
        "unstable eigenvector and where trials started 1e-6 away from it on both sides go.\n"
        "\nWhich data set (one of three modes):\n",
        out);
  trial_options_help_modes(out);
  trial_options_help_settings(out);
  fputs("\nCensus and output:\n", out);
  trial_options_help_item(out, "--write-inputs DIR",
                          "write each saddle's two initial states as sgema-trial");
  trial_options_help_item(out, "", "--input files into DIR (an existing file is never");
  trial_options_help_item(out, "", "overwritten) and print the sgema-trial lines");
  trial_options_help_item(out, "--explain", "also the counterexample of an m = 1 saddle (S1)");
  trial_options_help_item(out, "--json", "one JSON object (indented); default readable text");
  trial_options_help_item(out, "--compact", "JSON on one line (implies --json)");
  trial_options_help_item(out, "-h, --help", "this help");
  trial_options_help_item(out, "--version", "version");
  fputs("\nThe census takes SG, and EMA with --momentum constant:A (A < 1), m <= 4, time flow;\n"
        "the classification settings above are its tolerances.\n",
        out);
  fputs("\nExit status: 0 the census ran (whatever it found), 1 the computation failed, 2 the\n"
        "command line or the input file is wrong, or the run is one the census does not take.\n",
        out);
}

/* ' ' -> a shell word: single-quoted unless it is plainly safe. */
static void append_word(char *buf, size_t size, const char *word) {
  size_t used = strlen(buf);
  int plain = word[0] != '\0' && strspn(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789-_.,:/=+") == strlen(word);
  if (used && used + 1 < size)
    buf[used++] = ' ', buf[used] = '\0';
  if (plain) {
    snprintf(buf + used, size - used, "%s", word);
    return;
  }
  for (size_t k = 0; used + 5 < size && (k == 0 || word[k - 1] != '\0'); k++) {
    if (k == 0)
      buf[used++] = '\'';
    if (word[k] == '\0') {
      buf[used++] = '\'';
      break;
    }
    if (word[k] == '\'') {
      memcpy(buf + used, "'\\''", 4);
      used += 4;
    } else {
      buf[used++] = word[k];
    }
  }
  buf[used] = '\0';
}

/* The settings options given on this command line that an sgema-trial --input line must repeat to
 * run as this tool ran the trials: not the problem's (the file holds alg, m, n, time, mu, nu and
 * momentum) nor the sampling's (the file holds the initial state). */
static void trial_args(const trial_options *o, char *buf, size_t size) {
  buf[0] = '\0';
  static const int in_file[] = {SGEMA_SETTING_ALG,     SGEMA_SETTING_M,  SGEMA_SETTING_N,
                                SGEMA_SETTING_TIME,    SGEMA_SETTING_MU, SGEMA_SETTING_NU,
                                SGEMA_SETTING_MOMENTUM};
  for (int k = 0; k < SGEMA_SETTING_COUNT; k++) {
    const sgema_setting *r = &sgema_settings_table[k];
    int skip = r->section && strcmp(r->section, "sampling") == 0;
    for (size_t j = 0; j < sizeof in_file / sizeof in_file[0]; j++)
      skip |= in_file[j] == k;
    if (skip || !trial_options_given(o, TOPT_SETTING + k))
      continue;
    char opt[80];
    snprintf(opt, sizeof opt, "--%s", r->option);
    append_word(buf, size, opt);
    if (o->arg[TOPT_SETTING + k - TOPT_FIRST])
      append_word(buf, size, o->arg[TOPT_SETTING + k - TOPT_FIRST]);
  }
}

/* The input files' stem: which data set they come from. */
static void file_stem(const trial_options *o, char *buf, size_t size) {
  const sgema_settings *s = &o->s;
  if (o->input) {
    const char *base = strrchr(o->input, '/');
    base = base ? base + 1 : o->input;
    size_t len = strcspn(base, ".");
    snprintf(buf, size, "%.*s", (int)(len ? len : strlen(base)), base);
  } else {
    snprintf(buf, size, "%s-m%d-n%d-s%" PRIu64 "-r%u-t%u%s", sgema_alg_name(s->alg), s->m, s->n,
             o->seed, o->run, o->trial, trial_options_given(o, TOPT_RHO) ? "-explicit" : "");
  }
}

/* Whether equilibrium e of an m-column census gets a counterexample: every saddle for m > 1 (Prop.
 * 4.10 says there are none); the m = 1 saddle S1 is expected, shown on request. */
static int wants_counterexample(const sgema_census_equilibrium *e, int m, int explain) {
  return e->cls == SGEMA_EQUILIBRIUM_SADDLE && (m > 1 || explain);
}

typedef struct {
  const trial_options *o;
  const census_flags *flags;
  const sgema_problem *p;
  sgema_census *census;
  const sgema_census_result *r;
  census_saddle *saddle;
  census_saddle_files files;
  jw_writer *jw; /* NULL: text */
} report;

/* Every saddle's counterexample, printed as it is found; returns a kernel status. */
static int counterexamples(report *rp) {
  int st = SGEMA_OK;
  if (rp->jw)
    jw_array_begin(rp->jw, "counterexamples");
  for (int i = 0; st == SGEMA_OK && i < rp->r->n_equilibria; i++) {
    if (!wants_counterexample(&rp->r->equilibria[i], rp->p->m, rp->flags->explain))
      continue;
    census_counterexample x;
    char err[4200] = "";
    st = census_saddle_explain(rp->saddle, rp->census, rp->p, rp->r, i, &rp->files, &x, err,
                               sizeof err);
    if (st != SGEMA_OK) {
      /* The kernel's status follows from run(); here what only this step knows. */
      if (err[0])
        fprintf(stderr, "%s: counterexample of equilibrium %d: %s\n", PROG, i, err);
      break;
    }
    if (rp->jw)
      census_saddle_print_json(rp->jw, rp->p, rp->r, &x);
    else
      census_saddle_print_text(stdout, rp->p, rp->r, &x);
  }
  if (rp->jw)
    jw_array_end(rp->jw);
  return st;
}

/* The census object (JSON) or text, then the counterexamples. */
static int print_report(report *rp) {
  const trial_options *o = rp->o;
  if (rp->jw) {
    jw_object_begin(rp->jw, NULL);
    jw_string(rp->jw, "program", PROG);
    jw_string(rp->jw, "version", SGEMA_VERSION);
    if (o->input) {
      jw_string(rp->jw, "input", o->input);
    } else {
      jw_u64(rp->jw, "seed", o->seed);
      jw_long(rp->jw, "run", (long)o->run);
      jw_long(rp->jw, "trial", (long)o->trial);
      jw_bool(rp->jw, "explicit_statistics", trial_options_given(o, TOPT_RHO));
    }
    census_print_json(rp->jw, rp->p, rp->r);
  } else {
    if (o->input)
      printf("census of the data set of %s\n", o->input);
    else
      printf("census of the data set of seed %" PRIu64 " run %u trial %u%s\n", o->seed, o->run,
             o->trial, trial_options_given(o, TOPT_RHO) ? " with the explicit statistics" : "");
    census_print_text(stdout, rp->p, rp->r);
  }
  int st = counterexamples(rp);
  if (rp->jw) {
    jw_object_end(rp->jw);
    if (jw_finish(rp->jw) != 0 && st == SGEMA_OK)
      st = SGEMA_EIO;
  }
  if (fflush(stdout) != 0 && st == SGEMA_OK)
    st = SGEMA_EIO;
  return st;
}

/* Before anything is written: no file of any counterexample may exist. */
static int check_files(const report *rp) {
  for (int i = 0; i < rp->r->n_equilibria; i++) {
    char err[4200];
    if (wants_counterexample(&rp->r->equilibria[i], rp->p->m, rp->flags->explain) &&
        census_saddle_check_files(&rp->files, i, err, sizeof err) != 0) {
      fprintf(stderr, "%s: %s\n", PROG, err);
      return -1;
    }
  }
  return 0;
}

static int run(const trial_options *o, const census_flags *flags, const trial_input *in) {
  static double y0[TRIAL_INPUT_MAX_DIM];
  static char args[2048], stem[512];
  sgema_record rec;
  sgema_trial *t = sgema_trial_alloc(&o->s);
  sgema_census *c = sgema_census_alloc(o->s.m, o->s.n);
  census_saddle *w = census_saddle_alloc(&o->s);
  int st = t && c && w ? SGEMA_OK : SGEMA_ENOMEM, given = 0, code = EXIT_RAN;
  const char *stage = "allocating the workspaces";
  if (st == SGEMA_OK) {
    stage = "sampling the data set";
    st = trial_options_prepare(t, o, in, &rec, y0, &given);
  }
  sgema_census_settings cs;
  sgema_settings_census(&o->s, &cs);
  sgema_census_result r;
  if (st == SGEMA_OK) {
    stage = "running the census";
    st = sgema_census_run(c, &cs, &rec.problem, o->seed, o->run, o->trial, &r);
  }
  if (st == SGEMA_OK) {
    trial_args(o, args, sizeof args);
    file_stem(o, stem, sizeof stem);
    jw_writer jw;
    jw_init(&jw, stdout, o->compact);
    report rp = {o, flags, &rec.problem, c, &r, w, {flags->dir, stem, args}, o->json ? &jw : NULL};
    if (check_files(&rp) != 0) {
      code = EXIT_USAGE;
    } else {
      stage = "explaining the saddles";
      st = print_report(&rp);
    }
  }
  if (st != SGEMA_OK) {
    fprintf(stderr, "%s: %s: %s (%s)\n", PROG, stage, sgema_strerror(st), sgema_status_name(st));
    code = EXIT_KERNEL;
  }
  census_saddle_free(w);
  sgema_census_free(c);
  sgema_trial_free(t);
  return code;
}

int main(int argc, char **argv) {
  static trial_options o;
  static trial_input in;
  static census_flags flags;
  /* GSL's default handler aborts; the library returns its statuses, and they are reported. */
  gsl_set_error_handler_off();
  cli_errors e;
  cli_errors_init(&e, PROG, stderr);
  static const trial_options_tool tool = {tool_options, 2, apply_tool, &flags};
  trial_options_init(&o, &tool);

  trial_options_parse(&o, argc, argv, &e);
  if (o.help) {
    usage(stdout);
    return EXIT_RAN;
  }
  if (o.version) {
    printf("%s (sgema) %s\n", PROG, SGEMA_VERSION);
    return EXIT_RAN;
  }
  trial_options_check(&o, &in, &e);
  trial_options_validate(&o, &e);
  const char *why = e.count == 0 ? census_unsupported(&o.s) : NULL;
  if (why)
    cli_error(&e, "%s", why);
  if (e.count > 0) {
    fprintf(stderr, "%s: %d problem%s; see %s --help\n", PROG, e.count, e.count == 1 ? "" : "s",
            PROG);
    return EXIT_USAGE;
  }
  return run(&o, &flags, &in);
}

/* sgema-trial: run one trial (sampled, given explicitly, or read from a file) and print its record.
 */
#define _POSIX_C_SOURCE 200809L

#include "cli_args.h"
#include "trial_input.h"
#include "trial_options.h"

#include "sgema/experiment.h"
#include "sgema/record.h"
#include "sgema/status.h"
#include "sgema/trial.h"

#include <float.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_info.h"

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

/* sgema-trial's own option, after the common ones (trial_options.h). */
enum { OPT_RECORD = TOPT_TOOL };
static const struct option tool_options[] = {{"record", required_argument, NULL, OPT_RECORD}};

/* What --record says. */
typedef struct {
  long count; /* 0: no trajectory */
  double t;
  const char *arg; /* as given, for messages */
} record_option;

static void usage(FILE *out) {
  fprintf(out, "Usage: %s [OPTION]...\n", PROG);
  fputs(
      "Run one trial of the linear SimSiam (sg) / BYOL (ema) / GD dynamics and print its record.\n"
      "\nWhich trial (one of three modes):\n",
      out);
  trial_options_help_modes(out);
  trial_options_help_settings(out);

  fputs("\nOutput:\n", out);
  trial_options_help_item(out, "--record N[:T]",
                          "record the trajectory at N times uniform on [0, T]"
                          " (default T = %g)",
                          record_t_default());
  trial_options_help_item(out, "--json", "print the JSON record (indented); default readable text");
  trial_options_help_item(out, "--compact", "JSON on one line (implies --json)");
  trial_options_help_item(out, "-h, --help", "this help");
  trial_options_help_item(out, "--version", "version");
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

static void parse_record(cli_errors *e, int code, const char *opt, const char *text, void *ctx) {
  (void)code;
  record_option *o = ctx;
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
    o->count = n;
    o->t = t;
    o->arg = text;
  }
}

/* --record N:T against the bounds every recording has (sgema/experiment.h), before anything runs:
 * times T i / (N - 1) finite and apart, the trajectory's memory. */
static void check_record(const trial_options *o, const record_option *rec, cli_errors *e) {
  const sgema_settings *s = &o->s;
  if (rec->count <= 0 || s->m < 1 || s->m > SGEMA_MAX_M || s->n <= s->m || s->n > SGEMA_MAX_N)
    return;
  double T = rec->t, gaps = rec->count > 1 ? (double)(rec->count - 1) : 1.0;
  if (!isfinite(T * gaps))
    cli_error(e,
              "--record: '%s': the recording times T i / %.0f overflow a double (T must be at most "
              "%.6g for %ld points)",
              rec->arg, gaps, DBL_MAX / gaps / (1.0 + 1e-15), rec->count);
  else if (T / gaps < DBL_MIN)
    cli_error(e,
              "--record: '%s': the recording times are closer than the smallest normal double (T "
              "must be at least %.6g for %ld points)",
              rec->arg, DBL_MIN * gaps, rec->count);
  size_t N = sgema_problem_dim_for(s->alg, s->m, s->n);
  double bytes = (double)rec->count * (double)(N + 3) * sizeof(double);
  if (bytes > SGEMA_TRAJECTORY_BYTES_MAX)
    cli_error(e,
              "--record: '%s': %ld points of %s m = %d n = %d (%zu values a state) need %.0f MiB: "
              "at most %.0f MiB are allowed, so at most %.0f points",
              rec->arg, rec->count, sgema_alg_name(s->alg), s->m, s->n, N, bytes / 1048576.0,
              SGEMA_TRAJECTORY_BYTES_MAX / 1048576.0,
              floor(SGEMA_TRAJECTORY_BYTES_MAX / ((double)(N + 3) * sizeof(double))));
}

static int run(const trial_options *o, const record_option *ro, const trial_input *in) {
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
  int explicit_inputs = 0;
  int st = trial_options_prepare(t, o, in, &rec, y0, &explicit_inputs);
  if (st == SGEMA_OK && ro->count > 0) {
    traj =
        sgema_trajectory_alloc_uniform(sgema_problem_dim(&rec.problem), ro->t, (size_t)ro->count);
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
    sgema_record_format fmt = {o->compact, explicit_inputs, traj};
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
  static trial_options o;
  static trial_input in;
  static record_option ro;
  /* GSL's default handler aborts; the library returns its statuses, and they are reported. */
  gsl_set_error_handler_off();
  cli_errors e;
  cli_errors_init(&e, PROG, stderr);
  static const trial_options_tool tool = {tool_options, 1, parse_record, &ro};
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
  check_record(&o, &ro, &e);
  trial_options_validate(&o, &e);
  if (e.count > 0) {
    fprintf(stderr, "%s: %d problem%s; see %s --help\n", PROG, e.count, e.count == 1 ? "" : "s",
            PROG);
    return EXIT_USAGE;
  }
  return run(&o, &ro, &in);
}

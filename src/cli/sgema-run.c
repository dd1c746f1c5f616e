/* sgema-run: runs an experiment file's trials over the MPI processes into one HDF5 results file. */
#define _POSIX_C_SOURCE 200809L
#include "build_info.h"
#include "cli_args.h"
#include "disk_check.h"
#include "run_select.h"
#include "sgema/classify.h"
#include "sgema/experiment.h"
#include "sgema/output.h"
#include "sgema/schedule.h"
#include "sgema/status.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Exit statuses (documented in --help): 75 is EX_TEMPFAIL, "try again": the run was stopped by
 * SIGTERM/SIGUSR1/SIGINT after writing what it had, and `--resume` finishes it. */
enum { EXIT_DONE = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_RESUME_ME = 75 };

/* The staging budget of a process: results are written at least once per this many bytes of rows
 * computed (docs/NUMERICS.md, "Memory"). */
#define STAGING_BYTES (32u << 20)

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

typedef struct {
  const char *experiment, *output;
  const char *runs, *select; /* --runs NAMES, --select I/K: NULL when not given */
  int resume, quiet, dry_run, list_runs, no_estimate;
  long chunk;
  double flush_seconds;
  double heartbeat; /* -1: the default (10 s, none with --quiet) */
} run_options;

static void usage(FILE *out) {
  fputs("Usage: mpirun -np P sgema-run EXPERIMENT.yaml [OPTION]...   (or without mpirun: one "
        "process)\n"
        "Runs every trial of the experiment file (docs/EXPERIMENTS.md) and writes one HDF5 file\n"
        "(docs/FORMAT.md); rank 0 hands out chunks of trials, reports progress on stderr and\n"
        "prints a summary per run at the end.\n\n"
        "  -o, --output FILE     results file (default: EXPERIMENT-NAME.h5 in the current "
        "directory)\n"
        "  --resume              continue an interrupted run in FILE: finished trials are kept\n"
        "  --chunk N             trials per work unit (default 16)\n"
        "  --flush-seconds S     write results at least every S seconds (default 30)\n"
        "  --quiet               no progress reports\n"
        "  --heartbeat S         while a trial or census data set runs longer than S seconds,\n"
        "                        each process says so every S seconds: run, trial, time in it,\n"
        "                        integration time t (default 10; 0: never; --quiet alone: off)\n"
        "  --dry-run             print the resolved experiment (every setting of every run) and "
        "stop,\n"
        "                        with the estimated cost of each run and of all (core-seconds, "
        "from\n"
        "                        a few timed trials per run, about 3 s in all) as # comments\n"
        "  --no-estimate         --dry-run and --list-runs without the timed trials\n"
        "  --runs NAME[,NAME...] run only these runs of the experiment\n"
        "  --select I/K          run only the runs whose index mod K is I (0 <= I < K): one task\n"
        "                        of a job array of K; the file holds only those runs, with their\n"
        "                        trials exactly as in the whole experiment, and --resume needs\n"
        "                        the same runs selected\n"
        "  --list-runs           print the (selected) runs, one a line: index name alg m n "
        "trials\n"
        "                        (the cost estimate goes to stderr)\n"
        "  -h, --help, --version\n\n"
        "Exit status: 0 every trial done (a trial the kernel cannot compute is a result: class\n"
        "failed, its error code in outputs/status); 1 failure (out of memory, a disk full,\n"
        "read-only or not writable: the file and the reason are named; what was written stays\n"
        "valid); 2 bad command line or experiment file (every problem listed, nothing written);\n"
        "75 stopped by SIGTERM, SIGUSR1 or SIGINT (within seconds: the trials and census data\n"
        "sets in flight are abandoned) after writing its finished trials: run again with\n"
        "--resume.\n",
        out);
}

static int parse(int argc, char **argv, run_options *o, int rank) {
  static const struct option opts[] = {
      {"output", required_argument, 0, 'o'}, {"resume", no_argument, 0, 'r'},
      {"chunk", required_argument, 0, 'c'},  {"flush-seconds", required_argument, 0, 'f'},
      {"quiet", no_argument, 0, 'q'},        {"dry-run", no_argument, 0, 'd'},
      {"runs", required_argument, 0, 'R'},   {"select", required_argument, 0, 'S'},
      {"list-runs", no_argument, 0, 'L'},    {"help", no_argument, 0, 'h'},
      {"version", no_argument, 0, 'V'},      {"heartbeat", required_argument, 0, 'B'},
      {"no-estimate", no_argument, 0, 'E'},  {0, 0, 0, 0}};
  cli_errors e;
  cli_errors_init(&e, "sgema-run", rank == 0 ? stderr : NULL);
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
    switch (c) {
    case 'o':
      o->output = optarg;
      break;
    case 'r':
      o->resume = 1;
      break;
    case 'c':
      cli_long(&e, "--chunk", optarg, 1, 1000000, &o->chunk);
      break;
    case 'f':
      cli_double(&e, "--flush-seconds", optarg, &CLI_POSITIVE, &o->flush_seconds);
      break;
    case 'q':
      o->quiet = 1;
      break;
    case 'B':
      cli_double(&e, "--heartbeat", optarg, &CLI_NONNEG, &o->heartbeat);
      break;
    case 'E':
      o->no_estimate = 1;
      break;
    case 'd':
      o->dry_run = 1;
      break;
    case 'R':
      o->runs = optarg;
      break;
    case 'S':
      o->select = optarg;
      break;
    case 'L':
      o->list_runs = 1;
      break;
    case 'h':
      if (rank == 0)
        usage(stdout);
      return 1;
    case 'V':
      if (rank == 0)
        printf("sgema-run %s\n", SGEMA_VERSION);
      return 1;
    default:
      cli_error(&e, "unknown option or missing value: '%s' (see --help)", argv[optind - 1]);
    }
  }
  if (optind + 1 != argc)
    cli_error(&e,
              optind >= argc ? "no experiment file given" : "more than one experiment file given");
  else
    o->experiment = argv[optind];
  return e.count ? -1 : 0;
}

/* The command line, for the file's attributes. */
static char *join(int argc, char **argv) {
  size_t len = 1;
  for (int i = 0; i < argc; i++)
    len += strlen(argv[i]) + 1;
  char *s = malloc(len);
  if (!s)
    return NULL;
  s[0] = '\0';
  for (int i = 0; i < argc; i++) {
    strcat(s, argv[i]);
    if (i + 1 < argc)
      strcat(s, " ");
  }
  return s;
}

/* Wilson's 95% interval for k successes in n trials. */
static void wilson(long k, long n, double *lo, double *hi) {
  const double z = 1.959963984540054;
  if (n <= 0) {
    *lo = 0.0;
    *hi = 1.0;
    return;
  }
  double p = (double)k / (double)n, d = 1.0 + z * z / (double)n;
  double c = (p + z * z / (2.0 * (double)n)) / d;
  double h = z * sqrt(p * (1.0 - p) / (double)n + z * z / (4.0 * (double)n * (double)n)) / d;
  *lo = fmax(0.0, c - h);
  *hi = fmin(1.0, c + h);
}

/* Collective (reads the done flags); rank 0 prints. A census run's summary is sgema-summary's. */
static int census_summary(const sgema_run_spec *spec, size_t r, sgema_output *out, int rank) {
  uint8_t *done = malloc(spec->trials);
  if (!done)
    return SGEMA_ENOMEM;
  int st = sgema_output_done(out, r, done);
  long count = 0;
  for (uint32_t k = 0; st == SGEMA_OK && k < spec->trials; k++)
    count += done[k] != 0;
  free(done);
  if (st == SGEMA_OK && rank == 0)
    printf("%s: census of %s m=%d n=%d, %ld of %u data sets (sgema-summary shows the census)\n",
           spec->name, sgema_alg_name(spec->settings.alg), spec->settings.m, spec->settings.n,
           count, spec->trials);
  return st;
}

/* Collective (reads the class datasets); rank 0 prints. */
static int summary(const sgema_experiment *e, sgema_output *out, int rank) {
  for (size_t r = 0; r < sgema_experiment_run_count(e); r++) {
    const sgema_run_spec *spec = sgema_experiment_run(e, r);
    if (spec->kind == SGEMA_RUN_CENSUS) {
      int st = census_summary(spec, r, out, rank);
      if (st != SGEMA_OK)
        return st;
      continue;
    }
    uint8_t *cls = malloc(spec->trials);
    if (!cls)
      return SGEMA_ENOMEM;
    int st = sgema_output_classes(out, r, cls);
    if (st != SGEMA_OK) {
      free(cls);
      return st;
    }
    long count[SGEMA_CLASS_COUNT] = {0}, done = 0;
    for (uint32_t k = 0; k < spec->trials; k++)
      if (cls[k] < SGEMA_CLASS_COUNT) {
        count[cls[k]]++;
        done++;
      }
    free(cls);
    if (rank != 0)
      continue;
    printf("%s: %s m=%d n=%d, %ld of %u trials\n", spec->name, sgema_alg_name(spec->settings.alg),
           spec->settings.m, spec->settings.n, done, spec->trials);
    for (int c = 0; c < SGEMA_CLASS_COUNT; c++) {
      double lo, hi;
      wilson(count[c], done, &lo, &hi);
      printf("  %-14s %7ld  %6.2f%%  [%6.2f, %6.2f]\n", sgema_class_name((sgema_class)c), count[c],
             done ? 100.0 * (double)count[c] / (double)done : 0.0, 100.0 * lo, 100.0 * hi);
    }
    if (count[SGEMA_CLASS_FAILED] > 0)
      printf("  %ld trials failed: their error codes are in /runs/%s/outputs/status\n",
             count[SGEMA_CLASS_FAILED], spec->name);
    for (size_t i = 0; i < spec->reference_count; i++) {
      const sgema_reference *ref = &spec->references[i];
      double lo, hi, f = done ? (double)count[ref->cls] / (double)done : 0.0;
      wilson(count[ref->cls], done, &lo, &hi);
      int inside = ref->fraction >= lo && ref->fraction <= hi;
      printf(
          "  reference %s%s%s %.3f (%s): measured %.4f, difference %+.4f, %s the 95%% interval%s\n",
          sgema_class_name(ref->cls), ref->has_sphere ? " on " : "",
          ref->has_sphere ? sgema_sphere_name(ref->sphere) : "", ref->fraction, ref->source, f,
          f - ref->fraction, inside ? "inside" : "outside",
          ref->has_sphere ? " (class only; sgema-summary checks the sphere too)" : "");
    }
  }
  return SGEMA_OK;
}

/* ---- --dry-run / --list-runs: the cost of each run from a few timed trials ---- */

enum { ESTIMATE_TRIALS = 5 };        /* timed trials per run at most */
#define ESTIMATE_SECONDS 3.0         /* for all runs together */
#define ESTIMATE_RUN_MIN_SECONDS 0.1 /* but at least this per run */

static double wall_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The kernel's poll: abandons the timed trial once the run's share of the budget is spent. */
static int past_deadline(void *ctx, double t) {
  (void)t;
  return wall_now() > *(const double *)ctx;
}

/* The census' poll: the same deadline, and a stop request. */
static int census_past_deadline(void *ctx) {
  return stop_requested || past_deadline(ctx, 0.0);
}

typedef struct {
  int timed;        /* trials that finished within the budget */
  double per_trial; /* seconds per trial: the mean of those, or the budget when none finished */
  int lower_bound;  /* no trial finished: per_trial is a lower bound */
} run_estimate;

/* One item of the run timed: trial k, or a census run's data set k (drawn, then its census). */
static int estimate_item(const sgema_experiment *e, const sgema_run_spec *spec, sgema_trial *t,
                         sgema_census *c, uint32_t k) {
  sgema_record rec;
  if (!c)
    return sgema_trial_run(t, sgema_experiment_seed(e), spec->stream, k, &rec, NULL);
  sgema_census_settings cs;
  sgema_census_result res;
  sgema_settings_census(&spec->settings, &cs);
  int st = sgema_trial_sample(t, sgema_experiment_seed(e), spec->stream, k, &rec);
  return st == SGEMA_OK ? sgema_census_run(c, &cs, &rec.problem, sgema_experiment_seed(e),
                                           spec->stream, k, &res)
                        : st;
}

/* Times trials 0, 1, ... of the run (without recording) until ESTIMATE_TRIALS or the budget; a
 * trial or census data set longer than what is left of the budget is abandoned. */
static int estimate_run(const sgema_experiment *e, const sgema_run_spec *spec, double budget,
                        run_estimate *est) {
  sgema_trial *t = sgema_trial_alloc(&spec->settings);
  sgema_census *c = spec->kind == SGEMA_RUN_CENSUS
                        ? sgema_census_alloc(spec->settings.m, spec->settings.n)
                        : NULL;
  if (!t || (spec->kind == SGEMA_RUN_CENSUS && !c)) {
    sgema_trial_free(t);
    return SGEMA_ENOMEM;
  }
  double start = wall_now(), deadline = start + budget;
  sgema_trial_watch watch = {&stop_requested, past_deadline, &deadline};
  sgema_trial_set_watch(t, &watch);
  if (c)
    sgema_census_set_stop(c, census_past_deadline, &deadline);
  *est = (run_estimate){0, 0.0, 0};
  double spent = 0.0;
  for (uint32_t k = 0; k < spec->trials && k < ESTIMATE_TRIALS && wall_now() < deadline; k++) {
    double t0 = wall_now();
    int st = estimate_item(e, spec, t, c, k);
    if (sgema_status_interrupted(st))
      break;
    spent += wall_now() - t0;
    est->timed++;
  }
  est->lower_bound = est->timed == 0;
  est->per_trial = est->timed ? spent / est->timed : wall_now() - start;
  sgema_trial_free(t);
  sgema_census_free(c);
  return SGEMA_OK;
}

/* Prints each run's estimated cost and the total to out, each line prefixed (dry-run: "# ", so
 * that the YAML stays an experiment file). */
static int print_estimate(const sgema_experiment *e, FILE *out, const char *prefix) {
  size_t runs = sgema_experiment_run_count(e);
  double share = ESTIMATE_SECONDS / (double)(runs ? runs : 1), total = 0.0;
  if (share < ESTIMATE_RUN_MIN_SECONDS)
    share = ESTIMATE_RUN_MIN_SECONDS;
  int any_bound = 0, fewest = ESTIMATE_TRIALS;
  fprintf(out,
          "%sestimated cost (from at most %d timed trials per run on this machine; trials "
          "differ in cost, so this is an estimate):\n",
          prefix, ESTIMATE_TRIALS);
  for (size_t i = 0; i < runs && !stop_requested; i++) {
    const sgema_run_spec *spec = sgema_experiment_run(e, i);
    run_estimate est;
    if (estimate_run(e, spec, share, &est) != SGEMA_OK)
      return SGEMA_ENOMEM;
    double cost = est.per_trial * spec->trials;
    total += cost;
    any_bound |= est.lower_bound;
    fewest = est.timed < fewest ? est.timed : fewest;
    fprintf(out,
            "%s  %s: %s%.3g s per trial (%d timed) x %u trials = %s%.3g core-seconds (%.3g "
            "core-hours)\n",
            prefix, spec->name, est.lower_bound ? "more than " : "", est.per_trial, est.timed,
            spec->trials, est.lower_bound ? "more than " : "", cost, cost / 3600.0);
  }
  fprintf(out, "%s  total: %s%.3g core-seconds (%.3g core-hours)%s\n", prefix,
          any_bound ? "more than " : "", total, total / 3600.0,
          any_bound ? "; a run whose first trial did not finish within its share of the time "
                      "is counted at that share per trial"
                    : "");
  (void)fewest;
  return SGEMA_OK;
}

/* --list-runs: what a job script needs to split an experiment into array tasks. */
static void list_runs(const sgema_experiment *e) {
  const sgema_run_spec *r;
  for (size_t i = 0; (r = sgema_experiment_run(e, i)) != NULL; i++)
    printf("%u %s %s %d %d %u\n", r->index, r->name, sgema_alg_name(r->settings.alg), r->settings.m,
           r->settings.n, r->trials);
}

static int finish(int code) {
  if (sgema_output_unclean()) { /* a failed write or close: no HDF5 or MPI shutdown (output.h) */
    fflush(NULL);
    _exit(code);
  }
  sgema_parallel_finalize();
  if (sgema_classifier_jobs_running() > 0) { /* a stopped spectrum's thread (classify.h) */
    fflush(NULL);
    _exit(code);
  }
  return code;
}

/* What is wrong with the results path before anything is opened, or NULL: it must be a name, not
 * a directory, and not the experiment file itself (by device and inode, so also through a link);
 * with --resume the file must exist. One line into msg. */
static const char *output_path_problem(const char *out, const char *experiment, int resume,
                                       char *msg, size_t size) {
  struct stat so, se;
  if (!out[0]) {
    snprintf(msg, size, "-o: the results file name is empty");
    return msg;
  }
  if (stat(out, &so) != 0) {
    char creating[4096 + 16];
    snprintf(creating, sizeof creating, "%s.creating", out);
    if (resume)
      snprintf(msg, size, "%s: no such results file to resume%s; run without --resume to start it",
               out,
               access(creating, F_OK) == 0
                   ? " (its creation never finished: the leftover .creating file is replaced)"
                   : "");
    return resume ? msg : NULL;
  }
  if (S_ISDIR(so.st_mode))
    snprintf(msg, size, "%s: is a directory; -o needs a file name (e.g. %s/RESULTS.h5)", out, out);
  else if (stat(experiment, &se) == 0 && se.st_dev == so.st_dev && se.st_ino == so.st_ino)
    snprintf(msg, size,
             "%s: is the experiment file %s itself (the same file); give the results another "
             "name with -o",
             out, experiment);
  else
    return NULL;
  return msg;
}

/* Collective, before a new file is created under its temporary name `creating` (PATH.creating,
 * in the same directory, so that the rename stays within one file system): PATH must not exist,
 * and a temporary left by a creation that was killed is removed, saying so. Rank 0 decides. */
static int prepare_creation(const char *path, const char *creating, int rank) {
  int ok = 1;
  if (rank == 0 && access(path, F_OK) == 0) {
    fprintf(stderr,
            "sgema-run: %s: exists (continue it with --resume, or remove it to start "
            "afresh)\n",
            path);
    ok = 0;
  } else if (rank == 0 && access(creating, F_OK) == 0) {
    fprintf(stderr,
            "sgema-run: %s: left by a creation of %s that never finished (killed?): replacing "
            "it\n",
            creating, path);
    if (unlink(creating) != 0) {
      fprintf(stderr, "sgema-run: %s: cannot remove: %s\n", creating, strerror(errno));
      ok = 0;
    }
  }
  return sgema_parallel_all(ok);
}

/* Collective, once every rank has created (and flushed) the file under `creating`: rank 0 gives it
 * its name. A link, not a rename, so that a PATH made meanwhile by someone else is not replaced;
 * a file system without hard links gets a rename. A kill before this leaves only the temporary,
 * which the next run replaces; after it, a complete new file that --resume continues. */
static int publish(sgema_output *out, const char *creating, const char *path, int rank) {
  int ok = 1;
  if (!sgema_parallel_all(1))
    return SGEMA_EIO;
  sgema_output_test_die(5);
  if (rank == 0) {
    int linked = link(creating, path) == 0;
    if (!linked && errno == EEXIST) {
      fprintf(stderr, "sgema-run: %s: appeared while this run created it; the new file stays %s\n",
              path, creating);
      ok = 0;
    } else if (!linked && rename(creating, path) != 0) {
      fprintf(stderr, "sgema-run: %s: cannot rename %s to it: %s\n", path, creating,
              strerror(errno));
      ok = 0;
    } else if (linked) {
      unlink(creating);
    }
  }
  if (!sgema_parallel_all(ok)) {
    sgema_output_close(out, 0);
    return SGEMA_EIO;
  }
  return sgema_output_set_path(out, path);
}

/* Collective: a new file's directory must be writable and hold it, and a resume that adds trials
 * must have room for them (checked by rank 0, which prints why not). Otherwise an existing file is
 * left to the open, which refuses it or resumes it. */
static int space_ok(const sgema_experiment *e, const char *path, int resume, int rank) {
  char msg[1024] = "";
  int exists = access(path, F_OK) == 0, ok = 1;
  if (rank == 0 && !resume && !exists)
    ok = disk_check(path, sgema_output_bytes(e), msg, sizeof msg) == 0;
  double grow = rank == 0 && resume && exists ? sgema_output_growth_bytes(path, e) : 0.0;
  if (grow > 0.0)
    ok = disk_check_growth(path, grow, msg, sizeof msg) == 0;
  if (!ok)
    fprintf(stderr, "sgema-run: %s\n", msg);
  return sgema_parallel_all(ok);
}

int main(int argc, char **argv) {
  if (sgema_parallel_init(&argc, &argv) != SGEMA_OK)
    return EXIT_FAILED;
  int rank = sgema_parallel_rank();
  /* Handlers first: a signal that comes while the file is being opened still means "stop and
   * write", never the default "die". */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  run_options o = {.chunk = 16, .flush_seconds = 30.0, .heartbeat = -1.0};
  int pc = parse(argc, argv, &o, rank);
  if (pc != 0)
    return finish(pc > 0 ? EXIT_DONE : EXIT_USAGE);

  sgema_diagnostics *diag = sgema_diagnostics_alloc();
  sgema_experiment *e = diag ? sgema_experiment_load(o.experiment, diag) : NULL;
  if (!e) {
    if (rank == 0 && diag)
      sgema_diagnostics_write(diag, stderr);
    sgema_diagnostics_free(diag);
    return finish(EXIT_USAGE);
  }
  cli_errors selection_errors;
  cli_errors_init(&selection_errors, "sgema-run", rank == 0 ? stderr : NULL);
  if (run_select_apply(e, o.runs, o.select, &selection_errors) != 0) {
    sgema_experiment_free(e);
    sgema_diagnostics_free(diag);
    return finish(EXIT_USAGE);
  }
  if (o.list_runs || o.dry_run) {
    if (rank == 0 && o.list_runs)
      list_runs(e);
    else if (rank == 0)
      sgema_experiment_write(e, stdout, SGEMA_EXPERIMENT_YAML);
    fflush(stdout);
    if (rank == 0 && !o.no_estimate)
      print_estimate(e, o.list_runs ? stderr : stdout, o.list_runs ? "sgema-run: " : "# ");
    sgema_experiment_free(e);
    sgema_diagnostics_free(diag);
    return finish(EXIT_DONE);
  }

  char default_path[4096], host[256], *command = join(argc, argv);
  snprintf(default_path, sizeof default_path, "%s.h5", sgema_experiment_name(e));
  char why[3 * sizeof default_path];
  const char *path = o.output ? o.output : default_path;
  if (output_path_problem(path, o.experiment, o.resume, why, sizeof why)) {
    if (rank == 0)
      fprintf(stderr, "sgema-run: %s\n", why);
    free(command);
    sgema_experiment_free(e);
    sgema_diagnostics_free(diag);
    return finish(EXIT_USAGE);
  }
  /* Rank 0's host and numerics for the whole file: the ranks write its attributes together. */
  static char numerics[SGEMA_OUTPUT_NUMERICS_SIZE];
  sgema_parallel_host(host, sizeof host);
  sgema_parallel_share(host, sizeof host);
  sgema_output_numerics(numerics, sizeof numerics);
  sgema_parallel_share(numerics, sizeof numerics);
  char start[32], end[32];
  sgema_parallel_utc_now(start);
  sgema_output_info info = {o.output ? o.output : default_path,
                            o.resume,
                            sgema_parallel_size(),
                            host,
                            SGEMA_VERSION,
                            SGEMA_BUILD_FLAGS,
                            command ? command : "",
                            start,
                            numerics};
  sgema_output *out = NULL;
  char creating[sizeof default_path + 16];
  snprintf(creating, sizeof creating, "%s.creating", info.path);
  int st = space_ok(e, info.path, o.resume, rank) ? SGEMA_OK : SGEMA_EIO;
  if (st == SGEMA_OK && !o.resume) {
    st = prepare_creation(info.path, creating, rank) ? SGEMA_OK : SGEMA_EIO;
    info.path = creating;
  }
  if (st == SGEMA_OK)
    st = sgema_output_open(&out, sgema_parallel_comm(), e, &info, diag);
  if (st == SGEMA_OK && !o.resume) {
    info.path = o.output ? o.output : default_path;
    st = publish(out, creating, info.path, rank);
  }
  if (st != SGEMA_OK) {
    if (rank == 0)
      sgema_diagnostics_write(diag, stderr);
    free(command);
    sgema_experiment_free(e);
    sgema_diagnostics_free(diag);
    return finish(EXIT_FAILED);
  }
  if (rank == 0) /* notes of the resume: rows to compute again */
    sgema_diagnostics_write(diag, stderr);

  /* Rows staged between writes: at most about STAGING_BYTES per process (twice that while the
   * buffers grow), however fast the trials are. */
  sgema_schedule_options so = {(size_t)o.chunk,
                               o.flush_seconds,
                               o.quiet ? 0.0 : 2.0,
                               &stop_requested,
                               STAGING_BYTES / (sgema_output_row_bytes(e) + 1) + 1,
                               o.heartbeat >= 0.0 ? o.heartbeat
                               : o.quiet          ? 0.0
                                                  : 10.0};
  sgema_schedule_result res;
  st = sgema_schedule_run(e, out, &so, &res);
  if (sgema_output_unclean()) { /* a write failed: the file stays as its last flush left it */
    fprintf(stderr,
            "sgema-run: %s\nsgema-run: stopped; the trials written before are in %s: run again "
            "with --resume once there is room\n",
            sgema_output_error(), info.path);
    return finish(EXIT_FAILED); /* without closing, see sgema_output_unclean */
  }
  int sst = summary(e, out, rank);
  int complete = st == SGEMA_OK && !res.interrupted;
  sgema_parallel_utc_now(end);
  int cst = sgema_output_close_at(out, complete, end);
  const char *io_error = sgema_output_error(); /* this rank's write or close failure, named */
  if (io_error[0])
    fprintf(stderr, "sgema-run: %s\n", io_error);
  if (rank == 0) {
    if ((st != SGEMA_OK || sst != SGEMA_OK || cst != SGEMA_OK) && !io_error[0])
      fprintf(stderr, "sgema-run: %s\n",
              sgema_strerror(st != SGEMA_OK    ? st
                             : sst != SGEMA_OK ? sst
                                               : cst));
    fprintf(stderr, "sgema-run: %ld %s computed in %.1f s (%ld were done before), %s -> %s\n",
            res.computed, sgema_schedule_items_name(e), res.seconds, res.before,
            complete ? "complete" : "incomplete: run again with --resume", info.path);
  }
  free(command);
  sgema_experiment_free(e);
  sgema_diagnostics_free(diag);
  if (st != SGEMA_OK || sst != SGEMA_OK || cst != SGEMA_OK)
    return finish(EXIT_FAILED);
  return finish(complete ? EXIT_DONE : EXIT_RESUME_ME);
}

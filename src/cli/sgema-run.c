/* sgema-run: runs an experiment file's trials over the MPI processes into one HDF5 results file. */
#define _POSIX_C_SOURCE 200809L
#include "build_info.h"
#include "cli_args.h"
#include "disk_check.h"
#include "run_select.h"
#include "sgema/experiment.h"
#include "sgema/output.h"
#include "sgema/schedule.h"
#include "sgema/status.h"

#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
  int resume, quiet, dry_run, list_runs;
  long chunk;
  double flush_seconds;
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
        "  --dry-run             print the resolved experiment (every setting of every run) and "
        "stop\n"
        "  --runs NAME[,NAME...] run only these runs of the experiment\n"
        "  --select I/K          run only the runs whose index mod K is I (0 <= I < K): one task\n"
        "                        of a job array of K; the file holds only those runs, with their\n"
        "                        trials exactly as in the whole experiment, and --resume needs\n"
        "                        the same runs selected\n"
        "  --list-runs           print the (selected) runs, one a line: index name alg m n "
        "trials\n"
        "  -h, --help, --version\n\n"
        "Exit status: 0 every trial done (a trial the kernel cannot compute is a result: class\n"
        "failed, its error code in outputs/status); 1 failure (out of memory, a disk full,\n"
        "read-only or not writable: the file and the reason are named; what was written stays\n"
        "valid); 2 bad command line or experiment file (every problem listed, nothing written);\n"
        "75 stopped by SIGTERM, SIGUSR1 or SIGINT after writing its finished trials: run again\n"
        "with --resume.\n",
        out);
}

static int parse(int argc, char **argv, run_options *o, int rank) {
  static const struct option opts[] = {
      {"output", required_argument, 0, 'o'}, {"resume", no_argument, 0, 'r'},
      {"chunk", required_argument, 0, 'c'},  {"flush-seconds", required_argument, 0, 'f'},
      {"quiet", no_argument, 0, 'q'},        {"dry-run", no_argument, 0, 'd'},
      {"runs", required_argument, 0, 'R'},   {"select", required_argument, 0, 'S'},
      {"list-runs", no_argument, 0, 'L'},    {"help", no_argument, 0, 'h'},
      {"version", no_argument, 0, 'V'},      {0, 0, 0, 0}};
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

/* Collective (reads the class datasets); rank 0 prints. */
static int summary(const sgema_experiment *e, sgema_output *out, int rank) {
  for (size_t r = 0; r < sgema_experiment_run_count(e); r++) {
    const sgema_run_spec *spec = sgema_experiment_run(e, r);
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
  return code;
}

/* Collective: a new file's directory must be writable and hold it (checked by rank 0, which prints
 * why not). An existing file is left to the open, which refuses it or resumes it. */
static int space_ok(const sgema_experiment *e, const char *path, int resume, int rank) {
  char msg[1024] = "";
  int ok = rank != 0 || resume || access(path, F_OK) == 0 ||
           disk_check(path, sgema_output_bytes(e), msg, sizeof msg) == 0;
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
  run_options o = {.chunk = 16, .flush_seconds = 30.0};
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
    sgema_experiment_free(e);
    sgema_diagnostics_free(diag);
    return finish(EXIT_DONE);
  }

  char default_path[512], host[256], *command = join(argc, argv);
  snprintf(default_path, sizeof default_path, "%s.h5", sgema_experiment_name(e));
  sgema_parallel_host(host, sizeof host);
  char start[32], end[32];
  sgema_parallel_utc_now(start);
  sgema_output_info info = {o.output ? o.output : default_path,
                            o.resume,
                            sgema_parallel_size(),
                            host,
                            SGEMA_VERSION,
                            SGEMA_BUILD_FLAGS,
                            command ? command : "",
                            start};
  sgema_output *out = NULL;
  int st = space_ok(e, info.path, o.resume, rank) ? SGEMA_OK : SGEMA_EIO;
  if (st == SGEMA_OK)
    st = sgema_output_open(&out, sgema_parallel_comm(), e, &info, diag);
  if (st != SGEMA_OK) {
    if (rank == 0)
      sgema_diagnostics_write(diag, stderr);
    free(command);
    sgema_experiment_free(e);
    sgema_diagnostics_free(diag);
    return finish(EXIT_FAILED);
  }

  /* Rows staged between writes: at most about STAGING_BYTES per process (twice that while the
   * buffers grow), however fast the trials are. */
  sgema_schedule_options so = {(size_t)o.chunk, o.flush_seconds, o.quiet ? 0.0 : 2.0,
                               &stop_requested,
                               STAGING_BYTES / (sgema_output_row_bytes(e) + 1) + 1};
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
    fprintf(stderr, "sgema-run: %ld trials computed in %.1f s (%ld were done before), %s -> %s\n",
            res.computed, res.seconds, res.before,
            complete ? "complete" : "incomplete: run again with --resume", info.path);
  }
  free(command);
  sgema_experiment_free(e);
  sgema_diagnostics_free(diag);
  if (st != SGEMA_OK || sst != SGEMA_OK || cst != SGEMA_OK)
    return finish(EXIT_FAILED);
  return finish(complete ? EXIT_DONE : EXIT_RESUME_ME);
}

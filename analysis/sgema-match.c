/* sgema-match: the Monte Carlo limits of a results file against the census of each trial's data
 * set (issue 13): the match rate per run with its 95% Wilson interval, and the limits without a
 * match. */
#define _POSIX_C_SOURCE 200809L
#include "census_match.h"
#include "cli_args.h"
#include "json_writer.h"
#include "out_file.h"
#include "summary.h"

#include "sgema/census.h"
#include "sgema/status.h"

#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROG "sgema-match"

/* Exit statuses as sgema-summary's. */
enum { EXIT_OK = 0, EXIT_FILE = 1, EXIT_USAGE = 2 };

typedef struct {
  const char *path, *run;
  int json;
  double tol;
} options;

static void usage(FILE *out) {
  fprintf(out,
          "Usage: %s RESULTS.h5 [--run NAME] [--json] [--tol X]\n"
          "Match every converged Monte Carlo limit of the file's trial runs to the equilibrium\n"
          "census of its data set (docs/CENSUS.md): a stable limit's A^T A must equal a census\n"
          "positive definite solution classified stable, a partial limit of rank k a census\n"
          "rank-k positive semidefinite solution, to |A^T A - S|_F <= X max(1, |S|_F). The final\n"
          "states come from the file; each data set is re-sampled through the kernel from the\n"
          "run's stored settings, seed and stream, and its census computed. Prints per run the\n"
          "limits checked, the matches, the rate with its 95%% Wilson interval, and every limit\n"
          "without a match. Runs the census does not take (GD, a moving or unit EMA momentum,\n"
          "m > %d, discrete time) are listed as skipped with the reason.\n\n"
          "  --run NAME   only that run\n"
          "  --json       one JSON object\n"
          "  --tol X      relative tolerance of a match (default %g)\n"
          "  -h, --help\n\n"
          "Exit status: 0 matched (whatever the rate); 1 missing, truncated or foreign file, or\n"
          "unknown run; 2 bad command line.\n",
          PROG, SGEMA_CENSUS_M_MAX, MATCH_TOL_DEFAULT);
}

static int parse(int argc, char **argv, options *o) {
  static const struct option opts[] = {{"run", required_argument, 0, 'r'},
                                       {"json", no_argument, 0, 'j'},
                                       {"tol", required_argument, 0, 't'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  cli_errors e;
  cli_errors_init(&e, PROG, stderr);
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'r':
      o->run = optarg;
      break;
    case 'j':
      o->json = 1;
      break;
    case 't':
      cli_double(&e, "--tol", optarg, &CLI_POSITIVE, &o->tol);
      break;
    case 'h':
      usage(stdout);
      return 1;
    default:
      cli_error(&e, "unknown option or missing value: '%s' (see --help)", argv[optind - 1]);
    }
  }
  if (optind + 1 != argc)
    cli_error(&e, optind >= argc ? "no results file given" : "more than one results file given");
  else
    o->path = argv[optind];
  return e.count ? -1 : 0;
}

static const char *const kind_names[2] = {"stable", "partial"};

static long total(const long v[2]) {
  return v[0] + v[1];
}

static void text_run(const sum_run *r, const match_run *m) {
  if (m->skipped) {
    printf("%-24s %-4s %2d %3d  skipped: %s\n", r->name, r->alg, r->m, r->n, m->skipped);
    return;
  }
  long n = total(m->limits), k = total(m->matched);
  double lo, hi;
  sum_wilson(k, n, SUM_Z95, &lo, &hi);
  printf("%-24s %-4s %2d %3d  %8ld %8ld  ", r->name, r->alg, r->m, r->n, n, k);
  if (n > 0)
    printf("%8.2f%%  [%.2f%%, %.2f%%]", 100.0 * k / n, 100.0 * lo, 100.0 * hi);
  else
    printf("%8s  -", "-");
  printf("  (stable %ld/%ld, partial %ld/%ld)\n", m->matched[0], m->limits[0], m->matched[1],
         m->limits[1]);
}

static void text_misses(const sum_run *r, const match_run *m) {
  for (long j = 0; j < m->n_misses; j++) {
    const match_miss *x = &m->misses[j];
    printf("  %s trial %u: %s rank %d: ", r->name, x->trial, sgema_class_name(x->cls), x->rank);
    if (x->census_status != SGEMA_OK) {
      printf("census failed (%s)\n", sgema_status_name(x->census_status));
      continue;
    }
    if (isnan(x->distance))
      printf("no census solution of its kind");
    else
      printf("distance %.3g to the nearest census solution of its kind", x->distance);
    if (x->nearest >= 0)
      printf("; nearest equilibrium %d (rank %d, %s) at %.3g", x->nearest, x->nearest_rank,
             sgema_equilibrium_class_name((sgema_equilibrium_class)x->nearest_class),
             x->nearest_distance);
    putchar('\n');
  }
}

static void text_file(const sum_file *f, const int *selected, const match_run *m, double tol) {
  printf("file %s: Monte Carlo limits against the census, match when |A^T A - S|_F <= %g "
         "max(1, |S|_F)\n",
         f->path, tol);
  printf("%-24s %-4s %2s %3s  %8s %8s  %9s  %s\n", "run", "alg", "m", "n", "limits", "matched",
         "rate", "95% interval");
  long misses = 0;
  for (size_t i = 0; i < f->run_count; i++)
    if (selected[i]) {
      text_run(&f->runs[i], &m[i]);
      misses += m[i].n_misses;
    }
  printf("limits without a match: %ld\n", misses);
  for (size_t i = 0; i < f->run_count; i++)
    if (selected[i])
      text_misses(&f->runs[i], &m[i]);
}

static void json_miss(jw_writer *w, const match_miss *x) {
  jw_object_begin(w, NULL);
  jw_long(w, "trial", (long)x->trial);
  jw_string(w, "class", sgema_class_name(x->cls));
  jw_long(w, "rank", x->rank);
  jw_string(w, "census_status", sgema_status_name(x->census_status));
  jw_double(w, "distance", x->distance);
  if (x->nearest >= 0) {
    jw_object_begin(w, "nearest");
    jw_long(w, "index", x->nearest);
    jw_long(w, "rank", x->nearest_rank);
    jw_string(w, "class", sgema_equilibrium_class_name((sgema_equilibrium_class)x->nearest_class));
    jw_double(w, "distance", x->nearest_distance);
    jw_object_end(w);
  } else {
    jw_null(w, "nearest");
  }
  jw_object_end(w);
}

static void json_run(jw_writer *w, const sum_run *r, const match_run *m) {
  jw_object_begin(w, NULL);
  jw_string(w, "run", r->name);
  jw_string(w, "alg", r->alg);
  jw_long(w, "m", r->m);
  jw_long(w, "n", r->n);
  jw_string(w, "skipped", m->skipped);
  if (!m->skipped) {
    long n = total(m->limits), k = total(m->matched);
    double lo, hi;
    sum_wilson(k, n, SUM_Z95, &lo, &hi);
    jw_long(w, "limits", n);
    jw_long(w, "matched", k);
    jw_double(w, "rate", n > 0 ? (double)k / (double)n : NAN);
    jw_array_begin_inline(w, "interval");
    jw_double(w, NULL, lo);
    jw_double(w, NULL, hi);
    jw_array_end(w);
    for (int c = 0; c < 2; c++) {
      jw_object_begin(w, kind_names[c]);
      jw_long(w, "limits", m->limits[c]);
      jw_long(w, "matched", m->matched[c]);
      jw_object_end(w);
    }
    jw_long(w, "other_classes", m->other);
    jw_array_begin(w, "non_matching");
    for (long j = 0; j < m->n_misses; j++)
      json_miss(w, &m->misses[j]);
    jw_array_end(w);
  }
  jw_object_end(w);
}

static int json_file(const sum_file *f, const int *selected, const match_run *m, double tol) {
  jw_writer w;
  jw_init(&w, stdout, 0);
  jw_object_begin(&w, NULL);
  jw_string(&w, "file", f->path);
  jw_double(&w, "tolerance", tol);
  jw_array_begin(&w, "runs");
  for (size_t i = 0; i < f->run_count; i++)
    if (selected[i])
      json_run(&w, &f->runs[i], &m[i]);
  jw_array_end(&w);
  jw_object_end(&w);
  return jw_finish(&w);
}

int main(int argc, char **argv) {
  gsl_set_error_handler_off();
  options o = {NULL, NULL, 0, MATCH_TOL_DEFAULT};
  int pc = parse(argc, argv, &o);
  if (pc != 0)
    return pc > 0 ? EXIT_OK : EXIT_USAGE;
  sum_file f;
  char err[512];
  if (sum_open(&f, o.path, err, sizeof err) != 0) {
    fprintf(stderr, "%s: %s: %s\n", PROG, o.path, err);
    sum_close(&f);
    return EXIT_FILE;
  }
  int *selected = calloc(f.run_count ? f.run_count : 1, sizeof *selected);
  match_run *m = calloc(f.run_count ? f.run_count : 1, sizeof *m);
  int found = 0, code = EXIT_OK;
  for (size_t i = 0; selected && i < f.run_count; i++) {
    selected[i] = !o.run || strcmp(o.run, f.runs[i].name) == 0;
    found += selected[i];
  }
  if (!selected || !m) {
    fprintf(stderr, "%s: %s: out of memory\n", PROG, o.path);
    code = EXIT_FILE;
  } else if (!found) {
    fprintf(stderr, "%s: %s: no run named '%s'; its runs are:", PROG, o.path, o.run);
    for (size_t i = 0; i < f.run_count; i++)
      fprintf(stderr, " %s", f.runs[i].name);
    fputc('\n', stderr);
    code = EXIT_FILE;
  }
  for (size_t i = 0; code == EXIT_OK && i < f.run_count; i++)
    if (selected[i] && match_run_check(&f, i, o.tol, PROG, stderr, &m[i], err, sizeof err) != 0) {
      fprintf(stderr, "%s: %s: %s\n", PROG, o.path, err);
      code = EXIT_FILE;
    }
  if (code == EXIT_OK) {
    int st = 0;
    if (o.json)
      st = json_file(&f, selected, m, o.tol);
    else
      text_file(&f, selected, m, o.tol);
    if (st != 0 || fflush(stdout) != 0 || ferror(stdout)) {
      fprintf(stderr, "%s: cannot write the report\n", PROG);
      code = EXIT_FILE;
    }
  }
  for (size_t i = 0; m && i < f.run_count; i++)
    match_run_free(&m[i]);
  free(m);
  free(selected);
  sum_close(&f);
  return code;
}

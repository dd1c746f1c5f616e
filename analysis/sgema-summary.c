/* sgema-summary: per run class fractions with Wilson intervals, references and checks of a file. */
#define _POSIX_C_SOURCE 200809L
#include "cli_args.h"
#include "grid_cells.h"
#include "json_writer.h"
#include "out_file.h"
#include "summary.h"
#include "table_out.h"
#include "traj_rise.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Exit statuses: the file is the problem (1) or the command line is (2). An incomplete file is not
 * an error: summarising what an interrupted run has is one of the tool's jobs. */
enum { EXIT_OK = 0, EXIT_FILE = 1, EXIT_USAGE = 2 };

typedef enum { FMT_TEXT, FMT_CSV, FMT_JSON, FMT_MARKDOWN } out_format;
static const char *const format_names[] = {"text", "csv", "json", "markdown", NULL};

typedef struct {
  const char *path, *run;
  out_format format;
  int wilson;
  long wilson_k, wilson_n;
} options;

static void usage(FILE *out) {
  fputs(
      "Usage: sgema-summary RESULTS.h5 [--format text|csv|json|markdown] [--run NAME]\n"
      "Summarises an sgema results file (docs/FORMAT.md), run by run in index order: class counts\n"
      "and fractions with 95% Wilson intervals; for m = 1 the S1/S2 split, the share with\n"
      "Delta >= 0 and the classes conditional on it, and sphere/spectrum disagreements; how the\n"
      "integrations ended with the settings that bound them; the verification record (median and\n"
      "worst of eq6, eq7, invariant_drift, c_minus_a; eq6 and eq7, like the sphere check, only\n"
      "at converged limits with C = A (or at the origin): EMA limits with the target frozen,\n"
      "C != A, are equilibria off the spheres and are counted apart); each reference of the\n"
      "experiment beside the measured fraction with a two-sided score test and a verdict; for\n"
      "runs with recorded trajectories, along how many Ebar (and Fbar for EMA) rises at some step\n"
      "by more than 1e-9 of its largest |value| (paper Fig. 4: SG and EMA do not minimise Ebar).\n"
      "A file from an interrupted run is summarised from its done trials, its incomplete runs\n"
      "named.\n\n"
      "  --format F     text (default: aligned tables), csv (one row per run and quantity),\n"
      "                 json (one object) or markdown (tables)\n"
      "  --run NAME     only that run\n"
      "  -h, --help\n\n"
      "Exit status: 0 summarised (also when incomplete); 1 missing, truncated or foreign file,\n"
      "or unknown run; 2 bad command line, or standard output appended to the results file.\n",
      out);
}

static int parse(int argc, char **argv, options *o) {
  static const struct option opts[] = {{"format", required_argument, 0, 'f'},
                                       {"run", required_argument, 0, 'r'},
                                       {"wilson", required_argument, 0, 'w'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  cli_errors e;
  cli_errors_init(&e, "sgema-summary", stderr);
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'f': {
      int i = cli_choice(&e, "--format", optarg, format_names);
      if (i >= 0)
        o->format = (out_format)i;
      break;
    }
    case 'r':
      o->run = optarg;
      break;
    case 'w':
      /* Undocumented: `--wilson K N` prints the interval, for the tests' hand-computed values. */
      o->wilson = 1;
      if (cli_long(&e, "--wilson K", optarg, 0, 1000000000000L, &o->wilson_k) == 0) {
        if (optind >= argc)
          cli_error(&e, "--wilson needs K and N");
        else if (cli_long(&e, "--wilson N", argv[optind++], 1, 1000000000000L, &o->wilson_n) == 0 &&
                 o->wilson_k > o->wilson_n)
          cli_error(&e, "--wilson: K = %ld exceeds N = %ld", o->wilson_k, o->wilson_n);
      }
      break;
    case 'h':
      usage(stdout);
      return 1;
    default:
      cli_error(&e, "unknown option or missing value: '%s' (see --help)", argv[optind - 1]);
    }
  }
  if (o->wilson) {
    if (optind != argc)
      cli_error(&e, "--wilson takes no file");
  } else if (optind + 1 != argc) {
    cli_error(&e, optind >= argc ? "no results file given" : "more than one results file given");
  } else {
    o->path = argv[optind];
  }
  return e.count ? -1 : 0;
}

/* ---- derived numbers shared by every format ---- */

static double frac(long k, long n) {
  return n > 0 ? (double)k / (double)n : NAN;
}

typedef struct {
  long count, n;
  double measured, lo, hi, difference, p;
  int inside;
} ref_result;

static ref_result reference_result(const sum_run *r, const sgema_reference *ref) {
  ref_result x;
  x.count = sum_reference_count(r, ref);
  x.n = r->done;
  x.measured = frac(x.count, x.n);
  sum_wilson(x.count, x.n, SUM_Z95, &x.lo, &x.hi);
  x.difference = x.measured - ref->fraction;
  x.p = sum_score_p_value(x.count, x.n, ref->fraction);
  x.inside = x.n > 0 && ref->fraction >= x.lo && ref->fraction <= x.hi;
  return x;
}

/* "stable", "stable on S2". */
static void reference_label(const sgema_reference *ref, char *buf, size_t size) {
  snprintf(buf, size, "%s%s%s", sgema_class_name(ref->cls), ref->has_sphere ? " on " : "",
           ref->has_sphere ? sgema_sphere_name(ref->sphere) : "");
}

static const char *verdict(const ref_result *x) {
  if (x->n == 0)
    return "no data";
  if (x->inside)
    return "consistent: inside the 95% interval";
  return x->difference > 0 ? "differs: measured higher (outside the 95% interval)"
                           : "differs: measured lower (outside the 95% interval)";
}

static int incomplete(const sum_run *r) {
  return r->done < (long)r->trials;
}

/* The explanation printed with an EMA run's checks when some of its limits have C != A. */
static const char *const c_ne_a_note =
    "the frozen-target schedule stopped C short of A: these limits are equilibria off the "
    "spheres (stable ones, in practice), where Eq. 6, Eq. 7 and the sphere check do not apply "
    "(docs/ANALYSIS.md)";

static long not_converged_ends(const sum_run *r) {
  return r->end[SGEMA_END_T_MAX] + r->end[SGEMA_END_MAX_STEPS] + r->end[SGEMA_END_STEP_FAIL];
}

/* ---- text ---- */

static void text_pct(double f) {
  if (isnan(f))
    printf("        -");
  else
    printf(" %7.2f%%", 100.0 * f);
}

static void text_interval(long k, long n) {
  double lo, hi;
  sum_wilson(k, n, SUM_Z95, &lo, &hi);
  if (n > 0)
    printf("  [%6.2f%%, %6.2f%%]", 100.0 * lo, 100.0 * hi);
  else
    printf("  [%7s, %7s]", "-", "-");
}

static void text_count_row(const char *label, long k, long n) {
  printf("  %-18s %9ld", label, k);
  text_pct(frac(k, n));
  text_interval(k, n);
  putchar('\n');
}

/* ---- grid runs ---- */

/* "rho [0, 3] in 30 cells" (an entry of the state: "A entry 1 [-2, 2] in 400 cells"). */
static void axis_text(const sgema_design_axis *a, char *buf, size_t size) {
  if (a->what >= SGEMA_AXIS_A)
    snprintf(buf, size, "%s entry %d [%g, %g] in %d cells", sgema_axis_name(a->what), a->index,
             a->lo, a->hi, a->cells);
  else
    snprintf(buf, size, "%s [%g, %g] in %d cells", sgema_axis_name(a->what), a->lo, a->hi,
             a->cells);
}

static void text_grid(const sum_run *r) {
  const sum_grid *g = &r->grid;
  char x[96], y[96];
  axis_text(&g->design.x, x, sizeof x);
  axis_text(&g->design.y, y, sizeof y);
  printf("  design %s: x = %s, y = %s; %d trial%s per cell", sgema_design_kind_name(g->design.kind),
         x, y, g->design.per_cell, g->design.per_cell == 1 ? "" : "s");
  if (g->design.kind == SGEMA_DESIGN_BASINS)
    printf("; data and the rest of y0 from trial %u's draw", g->design.base_trial);
  printf("\n  %ld cells, %ld incomplete (fewer done trials than %d), %ld without a done trial\n",
         g->cells, g->partial, g->design.per_cell, g->empty);
  if (g->outside)
    printf("  %ld done trials lie past the grid's %ld cells (not counted in any cell)\n",
           g->outside, g->cells);
  printf("  %-18s %9s %8s  %s\n", "cells by majority", "cells", "fraction",
         "95% Wilson interval (of cells with a done trial)");
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    if (g->majority[c])
      text_count_row(sgema_class_name((sgema_class)c), g->majority[c], g->cells - g->empty);
}

/* ---- census runs ---- */

/* Data sets counted by the distribution of their PD solutions and saddles: those whose census
 * succeeded. */
static long census_sets(const sum_run *r) {
  return r->done - r->cen.failed;
}

/* "pd" for rank m, "rank k" below: the rows of the class table. */
static void census_rank_label(const sum_run *r, int k, char *buf, size_t size) {
  if (k == r->m)
    snprintf(buf, size, "pd (rank %d)", k);
  else
    snprintf(buf, size, "rank %d", k);
}

static void text_census_run(const sum_run *r) {
  const sum_census *c = &r->cen;
  long sets = census_sets(r);
  printf("\n== run %s (index %u): census, %s, m = %d, n = %d; %ld of %u data sets done%s\n",
         r->name, r->index, r->alg ? r->alg : "?", r->m, r->n, r->done, r->trials,
         incomplete(r) ? "  [INCOMPLETE]" : "");
  if (c->failed)
    printf("  %ld data set%s failed (status in census/status): not counted below\n", c->failed,
           c->failed == 1 ? "" : "s");
  printf("  %-18s %9s %8s  %s\n", "real PD solutions", "data sets", "fraction",
         "95% Wilson interval");
  for (int k = 0; k <= SUM_PD_MAX; k++) {
    if (!c->pd[k])
      continue;
    char label[32];
    snprintf(label, sizeof label, k == SUM_PD_MAX ? "%d or more" : "%d", k);
    text_count_row(label, c->pd[k], sets);
  }
  printf("  %-18s %9s %28s %28s %28s\n", "equilibria", "stored", "stable", "saddle", "degenerate");
  for (int k = r->m; k >= 0; k--) {
    char label[32];
    census_rank_label(r, k, label, sizeof label);
    printf("  %-18s %9ld", label, c->eq_total[k]);
    for (int q = 0; q < SGEMA_EQUILIBRIUM_COUNT; q++) {
      text_pct(frac(c->eq[k][q], c->eq_total[k]));
      text_interval(c->eq[k][q], c->eq_total[k]);
    }
    putchar('\n');
  }
  text_count_row("sets with a saddle", c->saddle_sets, sets);
  printf("  (a saddle of rank >= 1 among the data set's stored equilibria)\n");
  printf(
      "  paths: Eq. 6 %ld converged, %ld infinity, %ld singular, %ld failed; rank-deficient %ld, "
      "%ld, %ld, %ld; %ld duplicates, %ld dropped\n",
      c->paths[0][0], c->paths[0][1], c->paths[0][2], c->paths[0][3], c->paths[1][0],
      c->paths[1][1], c->paths[1][2], c->paths[1][3], c->duplicates, c->dropped);
  if (c->overflow)
    printf("  NOT STORED: %ld equilibria of %ld data sets beyond census.max_equilibria = %u "
           "(counted in census/overflow; the shares above are of the stored ones)\n",
           c->overflow, c->overflow_sets, r->max_equilibria);
  else
    printf("  every equilibrium found is stored (census.max_equilibria = %u)\n", r->max_equilibria);
}

static void json_count(jw_writer *w, const char *key, long k, long n);

static void json_census_run(jw_writer *w, const sum_run *r) {
  const sum_census *c = &r->cen;
  long sets = census_sets(r);
  jw_object_begin(w, NULL);
  jw_string(w, "name", r->name);
  jw_string(w, "kind", "census");
  jw_long(w, "index", (long)r->index);
  jw_string(w, "alg", r->alg);
  jw_long(w, "m", r->m);
  jw_long(w, "n", r->n);
  jw_long(w, "data_sets", (long)r->trials);
  jw_long(w, "done", r->done);
  jw_bool(w, "complete", !incomplete(r));
  jw_long(w, "failed", c->failed);
  jw_object_begin(w, "pd_solutions");
  for (int k = 0; k <= SUM_PD_MAX; k++) {
    char key[32];
    snprintf(key, sizeof key, k == SUM_PD_MAX ? "%d+" : "%d", k);
    if (c->pd[k])
      json_count(w, key, c->pd[k], sets);
  }
  jw_object_end(w);
  jw_array_begin(w, "equilibria");
  for (int k = r->m; k >= 0; k--) {
    jw_object_begin(w, NULL);
    jw_long(w, "rank", k);
    jw_bool(w, "pd", k == r->m);
    jw_long(w, "stored", c->eq_total[k]);
    for (int q = 0; q < SGEMA_EQUILIBRIUM_COUNT; q++)
      json_count(w, sgema_equilibrium_class_name((sgema_equilibrium_class)q), c->eq[k][q],
                 c->eq_total[k]);
    jw_object_end(w);
  }
  jw_array_end(w);
  json_count(w, "sets_with_saddle", c->saddle_sets, sets);
  jw_array_begin(w, "paths");
  for (int s = 0; s < 2; s++) {
    jw_array_begin_inline(w, NULL);
    for (int e = 0; e < 4; e++)
      jw_long(w, NULL, c->paths[s][e]);
    jw_array_end(w);
  }
  jw_array_end(w);
  jw_long(w, "duplicates", c->duplicates);
  jw_long(w, "dropped", c->dropped);
  jw_long(w, "max_equilibria", (long)r->max_equilibria);
  jw_long(w, "not_stored", c->overflow);
  jw_long(w, "not_stored_sets", c->overflow_sets);
  jw_object_end(w);
}

static void text_run(const sum_file *f, size_t i, const traj_rise_count *tr) {
  const sum_run *r = &f->runs[i];
  if (r->census) {
    text_census_run(r);
    return;
  }
  printf("\n== run %s (index %u): %s, m = %d, n = %d, %s; %ld of %u trials done%s\n", r->name,
         r->index, r->alg ? r->alg : "?", r->m, r->n, r->time ? r->time : "?", r->done, r->trials,
         incomplete(r) ? "  [INCOMPLETE]" : "");
  if (r->grid.is_grid)
    text_grid(r);
  printf("  %-18s %9s %8s  %s\n", "class", "count", "fraction", "95% Wilson interval");
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    text_count_row(sgema_class_name((sgema_class)c), r->cls[c], r->done);
  if (r->bad_class)
    printf("  %-18s %9ld  (done rows whose class is not a class: damaged file?)\n", "unknown",
           r->bad_class);

  if (r->m == 1) {
    printf("  %-18s %9s %8s  %s\n", "m = 1: sphere", "count", "fraction", "95% Wilson interval");
    for (int s = SUM_SPHERES - 1; s >= 0; s--)
      text_count_row(sgema_sphere_name((sgema_sphere)s), r->sphere[s], r->done);
    text_count_row("Delta >= 0", r->delta_nonneg, r->delta_known);
    long neg = r->delta_known - r->delta_nonneg;
    printf("  %-18s %9s %28s %28s\n", "class | Delta", "", "Delta >= 0", "Delta < 0");
    for (int c = 0; c < SGEMA_CLASS_COUNT; c++) {
      printf("  %-18s %9s", sgema_class_name((sgema_class)c), "");
      text_pct(frac(r->cls_delta[0][c], r->delta_nonneg));
      text_interval(r->cls_delta[0][c], r->delta_nonneg);
      text_pct(frac(r->cls_delta[1][c], neg));
      text_interval(r->cls_delta[1][c], neg);
      putchar('\n');
    }
    printf("  %-18s %9s %28ld %28ld\n", "  (trials)", "", r->delta_nonneg, neg);
    printf("  sphere and spectrum disagree: %ld of %ld limits with sphere_agrees defined%s\n",
           r->sphere_disagree, r->sphere_applicable, r->c_ne_a ? " (C = A or origin)" : "");
  }
  if (r->c_ne_a)
    printf("  C != A at %ld converged limit%s, not checked: %s\n", r->c_ne_a,
           r->c_ne_a == 1 ? "" : "s", c_ne_a_note);

  printf("  not converged: %ld (t_max %ld, max_steps %ld, step_fail %ld) with t_max = %g, "
         "max_steps = %.0f, f_tol = %g\n",
         r->cls[SGEMA_CLASS_NOT_CONVERGED], r->end[SGEMA_END_T_MAX], r->end[SGEMA_END_MAX_STEPS],
         r->end[SGEMA_END_STEP_FAIL], r->t_max, r->max_steps, r->f_tol);
  printf("  diverged:      %ld with diverge_norm = %g\n", r->cls[SGEMA_CLASS_DIVERGED],
         r->diverge_norm);
  if (not_converged_ends(r) != r->cls[SGEMA_CLASS_NOT_CONVERGED])
    printf("  (ends other than converged/diverged: %ld; the class not_converged: %ld)\n",
           not_converged_ends(r), r->cls[SGEMA_CLASS_NOT_CONVERGED]);

  if (tr->recorded > 0) {
    printf("  Ebar along the %ld recorded trajector%s (rise: a step up by more than %g of its "
           "largest |value|):\n",
           tr->recorded, tr->recorded == 1 ? "y" : "ies", TRAJ_RISE_TOL);
    text_count_row("Ebar rises", tr->ebar_rises, tr->recorded);
    if (tr->has_fbar)
      text_count_row("Fbar rises", tr->fbar_rises, tr->recorded);
  }
  printf("  %-18s %9s %11s %11s  %s\n", "verification", "values", "median", "worst |.|",
         "worst trial");
  for (int c = 0; c < SUM_VER_COLUMNS; c++) {
    const sum_column *v = &r->ver[c];
    printf("  %-18s %9ld %11.3g %11.3g", sum_ver_name(c), v->finite, v->median, v->worst);
    if (v->finite)
      printf("  %u", v->worst_trial);
    putchar('\n');
  }
  printf("  (eq6, eq7: converged limits with C = A or at the origin only, where they "
         "describe the limit; eq6 also needs rank(A) = m)\n");
  if (r->has_spectrum) {
    printf("  spectrum solver:");
    for (int s = 1; s < RESULTS_SOLVERS; s++)
      printf(" %s %ld,", results_solver_name_i(s), r->solver[s]);
    printf(" none %ld; fell back %ld; largest abscissa error %.3g", r->solver[0], r->fell_back,
           r->worst_abscissa_error);
    if (!isnan(r->worst_abscissa_error))
      printf(" (trial %u)", r->worst_abscissa_trial);
    putchar('\n');
  }

  size_t nref;
  const sgema_reference *refs = sum_references(f, i, &nref);
  if (nref)
    printf("  %-18s %9s %8s  %-18s %9s %8s  %s\n", "reference", "expected", "measured",
           "95% Wilson interval", "diff", "p", "verdict");
  for (size_t k = 0; k < nref; k++) {
    ref_result x = reference_result(r, &refs[k]);
    char label[64];
    reference_label(&refs[k], label, sizeof label);
    printf("  %-18s ", label);
    text_pct(refs[k].fraction);
    text_pct(x.measured);
    text_interval(x.count, x.n);
    printf(" %+8.2f%% %8.2g  %s\n", 100.0 * x.difference, x.p, verdict(&x));
    if (refs[k].source && refs[k].source[0])
      printf("  %-18s source: %s\n", "", refs[k].source);
  }
}

static void text_file(const sum_file *f, const int *selected, const traj_rise_count *rises) {
  printf("file        %s\n", f->path);
  printf("experiment  %s (format %lld), %zu run%s, %s\n", f->experiment ? f->experiment : "?",
         f->format_version, f->run_count, f->run_count == 1 ? "" : "s",
         f->complete == 1 ? "complete" : "INCOMPLETE (interrupted or still running)");
  printf("written     %s .. %s by sgema %s%s\n", f->start_time ? f->start_time : "?",
         f->end_time && f->end_time[0] ? f->end_time : "(not closed)",
         f->program_version ? f->program_version : "?", f->resumed > 0 ? " (resumed)" : "");
  if (!f->exp)
    printf("references  unavailable: %s\n", f->exp_problem);
  int any = 0;
  for (size_t i = 0; i < f->run_count; i++)
    if (selected[i] && incomplete(&f->runs[i])) {
      printf("%s %s (%ld/%u)", any ? "," : "incomplete ", f->runs[i].name, f->runs[i].done,
             f->runs[i].trials);
      any = 1;
    }
  if (any)
    printf(": summarised from the done trials only\n");

  /* The glance: one line per run. */
  printf("\n%-20s %-4s %2s %2s %17s", "run", "alg", "m", "n", "done/trials");
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    printf(" %8.8s", sgema_class_name((sgema_class)c));
  putchar('\n');
  for (size_t i = 0; i < f->run_count; i++) {
    const sum_run *r = &f->runs[i];
    if (!selected[i])
      continue;
    char dt[32];
    snprintf(dt, sizeof dt, "%ld/%u", r->done, r->trials);
    printf("%-20s %-4s %2d %2d %17s", r->name, r->alg ? r->alg : "?", r->m, r->n, dt);
    if (r->census)
      printf("  census: data sets, see below");
    for (int c = 0; c < SGEMA_CLASS_COUNT && !r->census; c++)
      text_pct(frac(r->cls[c], r->done));
    putchar('\n');
  }
  for (size_t i = 0; i < f->run_count; i++)
    if (selected[i])
      text_run(f, i, &rises[i]);
}

/* ---- csv ---- */

static void csv_text(const char *s) {
  tab_csv_text(stdout, s);
}

static void csv_num(double x) {
  putchar(',');
  tab_csv_num(stdout, x);
}

/* run,quantity,count,n,value,ci_low,ci_high,reference,difference,p_value,verdict,note */
static void csv_row(const char *run, const char *quantity, long count, long n, double value,
                    int with_ci, const char *note) {
  csv_text(run);
  printf(",%s,", quantity);
  if (count >= 0)
    printf("%ld", count);
  putchar(',');
  if (n >= 0)
    printf("%ld", n);
  csv_num(value);
  double lo = NAN, hi = NAN;
  if (with_ci && n > 0)
    sum_wilson(count, n, SUM_Z95, &lo, &hi);
  csv_num(lo);
  csv_num(hi);
  printf(",,,,,");
  if (note)
    csv_text(note);
  putchar('\n');
}

/* A grid run's rows: its cells (the note names the design) and the cells by majority class. */
static void csv_grid(const sum_run *r) {
  const sum_grid *g = &r->grid;
  char note[256], x[96], y[96], q[96];
  axis_text(&g->design.x, x, sizeof x);
  axis_text(&g->design.y, y, sizeof y);
  snprintf(note, sizeof note, "%s: x = %s, y = %s, %d per cell",
           sgema_design_kind_name(g->design.kind), x, y, g->design.per_cell);
  csv_row(r->name, "grid.cells", g->cells, -1, (double)g->cells, 0, note);
  csv_row(r->name, "grid.partial_cells", g->partial, g->cells, frac(g->partial, g->cells), 0, NULL);
  csv_row(r->name, "grid.empty_cells", g->empty, g->cells, frac(g->empty, g->cells), 0, NULL);
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++) {
    snprintf(q, sizeof q, "grid.majority.%s", sgema_class_name((sgema_class)c));
    csv_row(r->name, q, g->majority[c], g->cells - g->empty,
            frac(g->majority[c], g->cells - g->empty), 1, NULL);
  }
}

static void csv_census_run(const sum_run *r) {
  const sum_census *c = &r->cen;
  long sets = census_sets(r);
  char q[96];
  csv_row(r->name, "data_sets_done", r->done, r->trials, frac(r->done, r->trials), 0, "census");
  csv_row(r->name, "failed", c->failed, r->done, frac(c->failed, r->done), 0, NULL);
  for (int k = 0; k <= SUM_PD_MAX; k++)
    if (c->pd[k]) {
      snprintf(q, sizeof q, k == SUM_PD_MAX ? "pd_solutions.%d+" : "pd_solutions.%d", k);
      csv_row(r->name, q, c->pd[k], sets, frac(c->pd[k], sets), 1, NULL);
    }
  for (int k = r->m; k >= 0; k--)
    for (int e = 0; e < SGEMA_EQUILIBRIUM_COUNT; e++) {
      snprintf(q, sizeof q, "rank%d.%s", k,
               sgema_equilibrium_class_name((sgema_equilibrium_class)e));
      csv_row(r->name, q, c->eq[k][e], c->eq_total[k], frac(c->eq[k][e], c->eq_total[k]), 1,
              k == r->m ? "pd" : NULL);
    }
  csv_row(r->name, "sets_with_saddle", c->saddle_sets, sets, frac(c->saddle_sets, sets), 1, NULL);
  csv_row(r->name, "not_stored", c->overflow, -1, (double)c->overflow, 0, NULL);
}

static void csv_run(const sum_file *f, size_t i, const traj_rise_count *tr) {
  const sum_run *r = &f->runs[i];
  char q[96];
  if (r->census) {
    csv_census_run(r);
    return;
  }
  csv_row(r->name, "trials_done", r->done, r->trials, frac(r->done, r->trials), 0,
          incomplete(r) ? "incomplete" : "complete");
  if (r->grid.is_grid)
    csv_grid(r);
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++) {
    snprintf(q, sizeof q, "class.%s", sgema_class_name((sgema_class)c));
    csv_row(r->name, q, r->cls[c], r->done, frac(r->cls[c], r->done), 1, NULL);
  }
  if (r->bad_class)
    csv_row(r->name, "class.unknown", r->bad_class, r->done, frac(r->bad_class, r->done), 0,
            "damaged file?");
  if (r->m == 1) {
    for (int s = 0; s < SUM_SPHERES; s++) {
      snprintf(q, sizeof q, "sphere.%s", sgema_sphere_name((sgema_sphere)s));
      csv_row(r->name, q, r->sphere[s], r->done, frac(r->sphere[s], r->done), 1, NULL);
    }
    csv_row(r->name, "delta_nonneg", r->delta_nonneg, r->delta_known,
            frac(r->delta_nonneg, r->delta_known), 1, NULL);
    long neg = r->delta_known - r->delta_nonneg;
    for (int c = 0; c < SGEMA_CLASS_COUNT; c++) {
      snprintf(q, sizeof q, "class.%s|delta>=0", sgema_class_name((sgema_class)c));
      csv_row(r->name, q, r->cls_delta[0][c], r->delta_nonneg,
              frac(r->cls_delta[0][c], r->delta_nonneg), 1, NULL);
      snprintf(q, sizeof q, "class.%s|delta<0", sgema_class_name((sgema_class)c));
      csv_row(r->name, q, r->cls_delta[1][c], neg, frac(r->cls_delta[1][c], neg), 1, NULL);
    }
    csv_row(r->name, "sphere_disagree", r->sphere_disagree, r->sphere_applicable,
            frac(r->sphere_disagree, r->sphere_applicable), 1,
            r->c_ne_a ? "limits with C = A or at the origin only" : NULL);
  }
  csv_row(r->name, "c_ne_a", r->c_ne_a, r->done, frac(r->c_ne_a, r->done), 0,
          r->c_ne_a ? c_ne_a_note : NULL);
  for (int e = 0; e < SUM_ENDS; e++) {
    snprintf(q, sizeof q, "end.%s", sgema_end_name((sgema_end)e));
    csv_row(r->name, q, r->end[e], r->done, frac(r->end[e], r->done), 0, NULL);
  }
  if (tr->recorded > 0) {
    csv_row(r->name, "trajectories.recorded", tr->recorded, -1, NAN, 0, NULL);
    csv_row(r->name, "trajectories.ebar_rises", tr->ebar_rises, tr->recorded,
            frac(tr->ebar_rises, tr->recorded), 1, "rise > 1e-9 max|Ebar| between recorded points");
    if (tr->has_fbar)
      csv_row(r->name, "trajectories.fbar_rises", tr->fbar_rises, tr->recorded,
              frac(tr->fbar_rises, tr->recorded), 1,
              "rise > 1e-9 max|Fbar| between recorded points");
  }
  csv_row(r->name, "settings.t_max", -1, -1, r->t_max, 0, NULL);
  csv_row(r->name, "settings.max_steps", -1, -1, r->max_steps, 0, NULL);
  csv_row(r->name, "settings.f_tol", -1, -1, r->f_tol, 0, NULL);
  csv_row(r->name, "settings.diverge_norm", -1, -1, r->diverge_norm, 0, NULL);
  for (int c = 0; c < SUM_VER_COLUMNS; c++) {
    const sum_column *v = &r->ver[c];
    char note[48];
    snprintf(note, sizeof note, "trial %u", v->worst_trial);
    snprintf(q, sizeof q, "verification.%s.median", sum_ver_name(c));
    csv_row(r->name, q, v->finite, r->done, v->median, 0,
            c < 2 ? "converged limits with C = A or at the origin only" : NULL);
    snprintf(q, sizeof q, "verification.%s.worst", sum_ver_name(c));
    csv_row(r->name, q, v->finite, r->done, v->worst, 0, v->finite ? note : NULL);
  }
  if (r->has_spectrum) {
    for (int s = 0; s < RESULTS_SOLVERS; s++) {
      snprintf(q, sizeof q, "spectrum.solver.%s", results_solver_name_i(s));
      csv_row(r->name, q, r->solver[s], r->done, frac(r->solver[s], r->done), 0, NULL);
    }
    csv_row(r->name, "spectrum.fell_back", r->fell_back, r->done, frac(r->fell_back, r->done), 0,
            "arnoldi did not converge: lapack used");
    char note[48];
    snprintf(note, sizeof note, "trial %u", r->worst_abscissa_trial);
    csv_row(r->name, "spectrum.abscissa_error.worst", -1, -1, r->worst_abscissa_error, 0,
            isnan(r->worst_abscissa_error) ? NULL : note);
  }
  size_t nref;
  const sgema_reference *refs = sum_references(f, i, &nref);
  for (size_t k = 0; k < nref; k++) {
    ref_result x = reference_result(r, &refs[k]);
    snprintf(q, sizeof q, "reference.%s%s%s", sgema_class_name(refs[k].cls),
             refs[k].has_sphere ? "." : "",
             refs[k].has_sphere ? sgema_sphere_name(refs[k].sphere) : "");
    csv_text(r->name);
    printf(",%s,%ld,%ld", q, x.count, x.n);
    csv_num(x.measured);
    csv_num(x.n > 0 ? x.lo : NAN);
    csv_num(x.n > 0 ? x.hi : NAN);
    csv_num(refs[k].fraction);
    csv_num(x.difference);
    csv_num(x.p);
    printf(",%s,", x.n == 0 ? "no data" : x.inside ? "inside" : "outside");
    csv_text(refs[k].source);
    putchar('\n');
  }
}

static void csv_file(const sum_file *f, const int *selected, const traj_rise_count *rises) {
  puts("run,quantity,count,n,value,ci_low,ci_high,reference,difference,p_value,verdict,note");
  csv_row("", "file.format_version", -1, -1, (double)f->format_version, 0, f->experiment);
  csv_row("", "file.complete", -1, -1, (double)f->complete, 0, NULL);
  for (size_t i = 0; i < f->run_count; i++)
    if (selected[i])
      csv_run(f, i, &rises[i]);
}

/* ---- json ---- */

static void json_count(jw_writer *w, const char *key, long k, long n) {
  double lo, hi;
  sum_wilson(k, n, SUM_Z95, &lo, &hi);
  jw_open(w, key, '{', 1); /* an inline object: one line per quantity */
  jw_long(w, "count", k);
  jw_long(w, "n", n);
  jw_double(w, "fraction", frac(k, n));
  jw_array_begin_inline(w, "ci95");
  jw_double(w, NULL, n > 0 ? lo : NAN);
  jw_double(w, NULL, n > 0 ? hi : NAN);
  jw_array_end(w);
  jw_object_end(w);
}

static void json_grid(jw_writer *w, const sum_run *r) {
  const sum_grid *g = &r->grid;
  jw_object_begin(w, "design");
  jw_string(w, "kind", sgema_design_kind_name(g->design.kind));
  grid_axis_json(w, "x", &g->design.x);
  grid_axis_json(w, "y", &g->design.y);
  jw_long(w, "per_cell", g->design.per_cell);
  if (g->design.kind == SGEMA_DESIGN_BASINS)
    jw_long(w, "base_trial", (long)g->design.base_trial);
  jw_long(w, "cells", g->cells);
  jw_long(w, "partial_cells", g->partial);
  jw_long(w, "empty_cells", g->empty);
  jw_object_begin(w, "majority");
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    json_count(w, sgema_class_name((sgema_class)c), g->majority[c], g->cells - g->empty);
  jw_object_end(w);
  jw_object_end(w);
}

static void json_run(jw_writer *w, const sum_file *f, size_t i, const traj_rise_count *tr) {
  const sum_run *r = &f->runs[i];
  if (r->census) {
    json_census_run(w, r);
    return;
  }
  jw_object_begin(w, NULL);
  jw_string(w, "name", r->name);
  jw_long(w, "index", (long)r->index);
  jw_string(w, "alg", r->alg);
  jw_long(w, "m", r->m);
  jw_long(w, "n", r->n);
  jw_string(w, "time", r->time);
  jw_long(w, "trials", (long)r->trials);
  jw_long(w, "done", r->done);
  jw_bool(w, "complete", !incomplete(r));
  if (r->grid.is_grid)
    json_grid(w, r);
  jw_object_begin(w, "classes");
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    json_count(w, sgema_class_name((sgema_class)c), r->cls[c], r->done);
  jw_object_end(w);
  if (r->bad_class)
    jw_long(w, "unknown_class", r->bad_class);
  if (r->m == 1) {
    long neg = r->delta_known - r->delta_nonneg;
    jw_object_begin(w, "m1");
    jw_object_begin(w, "sphere");
    for (int s = 0; s < SUM_SPHERES; s++)
      json_count(w, sgema_sphere_name((sgema_sphere)s), r->sphere[s], r->done);
    jw_object_end(w);
    json_count(w, "delta_nonneg", r->delta_nonneg, r->delta_known);
    for (int side = 0; side < 2; side++) {
      jw_object_begin(w, side ? "classes_delta_neg" : "classes_delta_nonneg");
      for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
        json_count(w, sgema_class_name((sgema_class)c), r->cls_delta[side][c],
                   side ? neg : r->delta_nonneg);
      jw_object_end(w);
    }
    json_count(w, "sphere_disagree", r->sphere_disagree, r->sphere_applicable);
    jw_object_end(w);
  }
  jw_long(w, "c_ne_a", r->c_ne_a);
  if (r->c_ne_a)
    jw_string(w, "c_ne_a_note", c_ne_a_note);
  else
    jw_null(w, "c_ne_a_note");
  jw_object_begin(w, "ends");
  for (int e = 0; e < SUM_ENDS; e++)
    jw_long(w, sgema_end_name((sgema_end)e), r->end[e]);
  jw_object_end(w);
  if (tr->recorded > 0) {
    jw_object_begin(w, "trajectories");
    jw_long(w, "recorded", tr->recorded);
    jw_double(w, "rise_tolerance", TRAJ_RISE_TOL);
    json_count(w, "ebar_rises", tr->ebar_rises, tr->recorded);
    if (tr->has_fbar)
      json_count(w, "fbar_rises", tr->fbar_rises, tr->recorded);
    else
      jw_null(w, "fbar_rises");
    jw_object_end(w);
  } else {
    jw_null(w, "trajectories");
  }
  jw_object_begin(w, "settings");
  jw_double(w, "t_max", r->t_max);
  jw_double(w, "max_steps", r->max_steps);
  jw_double(w, "f_tol", r->f_tol);
  jw_double(w, "diverge_norm", r->diverge_norm);
  jw_object_end(w);
  jw_object_begin(w, "verification");
  for (int c = 0; c < SUM_VER_COLUMNS; c++) {
    const sum_column *v = &r->ver[c];
    jw_open(w, sum_ver_name(c), '{', 1);
    jw_long(w, "values", v->finite);
    jw_string(w, "over", c < 2 ? "converged limits with C = A or at the origin" : "done trials");
    jw_double(w, "median", v->median);
    jw_double(w, "worst", v->worst);
    if (v->finite)
      jw_long(w, "worst_trial", (long)v->worst_trial);
    else
      jw_null(w, "worst_trial");
    jw_object_end(w);
  }
  jw_object_end(w);
  if (r->has_spectrum) {
    jw_object_begin(w, "spectrum");
    jw_object_begin(w, "solver");
    for (int s = 0; s < RESULTS_SOLVERS; s++)
      jw_long(w, results_solver_name_i(s), r->solver[s]);
    jw_object_end(w);
    jw_long(w, "fell_back", r->fell_back);
    jw_double(w, "abscissa_error_worst", r->worst_abscissa_error);
    if (isnan(r->worst_abscissa_error))
      jw_null(w, "abscissa_error_worst_trial");
    else
      jw_long(w, "abscissa_error_worst_trial", (long)r->worst_abscissa_trial);
    jw_object_end(w);
  } else {
    jw_null(w, "spectrum");
  }
  size_t nref;
  const sgema_reference *refs = sum_references(f, i, &nref);
  jw_array_begin(w, "references");
  for (size_t k = 0; k < nref; k++) {
    ref_result x = reference_result(r, &refs[k]);
    jw_object_begin(w, NULL);
    jw_string(w, "class", sgema_class_name(refs[k].cls));
    if (refs[k].has_sphere)
      jw_string(w, "sphere", sgema_sphere_name(refs[k].sphere));
    else
      jw_null(w, "sphere");
    jw_double(w, "expected", refs[k].fraction);
    jw_string(w, "source", refs[k].source);
    jw_long(w, "count", x.count);
    jw_long(w, "n", x.n);
    jw_double(w, "measured", x.measured);
    jw_array_begin_inline(w, "ci95");
    jw_double(w, NULL, x.n > 0 ? x.lo : NAN);
    jw_double(w, NULL, x.n > 0 ? x.hi : NAN);
    jw_array_end(w);
    jw_double(w, "difference", x.difference);
    jw_double(w, "p_value", x.p);
    jw_bool(w, "inside", x.inside);
    jw_string(w, "verdict", verdict(&x));
    jw_object_end(w);
  }
  jw_array_end(w);
  jw_object_end(w);
}

static int json_file(const sum_file *f, const int *selected, const traj_rise_count *rises) {
  jw_writer w;
  jw_init(&w, stdout, 0);
  jw_object_begin(&w, NULL);
  jw_string(&w, "file", f->path);
  jw_string(&w, "experiment", f->experiment);
  jw_long(&w, "format_version", (long)f->format_version);
  jw_bool(&w, "complete", f->complete == 1);
  jw_string(&w, "start_time", f->start_time);
  jw_string(&w, "end_time", f->end_time);
  jw_string(&w, "program_version", f->program_version);
  if (f->exp)
    jw_null(&w, "references_problem");
  else
    jw_string(&w, "references_problem", f->exp_problem);
  jw_array_begin(&w, "incomplete_runs");
  for (size_t i = 0; i < f->run_count; i++)
    if (selected[i] && incomplete(&f->runs[i]))
      jw_string(&w, NULL, f->runs[i].name);
  jw_array_end(&w);
  jw_array_begin(&w, "runs");
  for (size_t i = 0; i < f->run_count; i++)
    if (selected[i])
      json_run(&w, f, i, &rises[i]);
  jw_array_end(&w);
  jw_object_end(&w);
  return jw_finish(&w);
}

/* ---- markdown ---- */

static void md_interval(long k, long n) {
  double lo, hi;
  sum_wilson(k, n, SUM_Z95, &lo, &hi);
  if (n > 0)
    printf(" %.2f%% | [%.2f%%, %.2f%%] |", 100.0 * frac(k, n), 100.0 * lo, 100.0 * hi);
  else
    printf(" - | - |");
}

static void md_run(const sum_file *f, size_t i, const traj_rise_count *tr) {
  const sum_run *r = &f->runs[i];
  if (r->census) {
    printf("\n## Run `%s`\n\nA census run (%s, m = %d, n = %d): %ld of %u data sets done; "
           "its summary is in the text, csv and json forms.\n",
           r->name, r->alg ? r->alg : "?", r->m, r->n, r->done, r->trials);
    return;
  }
  printf("\n## Run `%s`\n\n%s, m = %d, n = %d, %s: %ld of %u trials done%s.\n\n", r->name,
         r->alg ? r->alg : "?", r->m, r->n, r->time ? r->time : "?", r->done, r->trials,
         incomplete(r) ? " (**incomplete**)" : "");
  if (r->grid.is_grid) {
    char x[96], y[96];
    axis_text(&r->grid.design.x, x, sizeof x);
    axis_text(&r->grid.design.y, y, sizeof y);
    printf("Design %s: x = %s, y = %s, %d per cell; %ld cells, %ld partial.\n\n",
           sgema_design_kind_name(r->grid.design.kind), x, y, r->grid.design.per_cell,
           r->grid.cells, r->grid.partial);
  }
  printf("| class | count | fraction | 95%% Wilson interval |\n|---|---:|---:|---|\n");
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++) {
    printf("| %s | %ld |", sgema_class_name((sgema_class)c), r->cls[c]);
    md_interval(r->cls[c], r->done);
    putchar('\n');
  }
  if (r->m == 1) {
    long neg = r->delta_known - r->delta_nonneg;
    printf("\n| m = 1 | count | fraction | 95%% Wilson interval |\n|---|---:|---:|---|\n");
    for (int s = SUM_SPHERES - 1; s >= 0; s--) {
      printf("| on %s | %ld |", sgema_sphere_name((sgema_sphere)s), r->sphere[s]);
      md_interval(r->sphere[s], r->done);
      putchar('\n');
    }
    printf("| Delta >= 0 | %ld |", r->delta_nonneg);
    md_interval(r->delta_nonneg, r->delta_known);
    printf("\n| sphere and spectrum disagree%s | %ld |", r->c_ne_a ? " (C = A or origin)" : "",
           r->sphere_disagree);
    md_interval(r->sphere_disagree, r->sphere_applicable);
    printf("\n\n| class | Delta >= 0 (%ld) | interval | Delta < 0 (%ld) | interval |\n"
           "|---|---:|---|---:|---|\n",
           r->delta_nonneg, neg);
    for (int c = 0; c < SGEMA_CLASS_COUNT; c++) {
      printf("| %s |", sgema_class_name((sgema_class)c));
      md_interval(r->cls_delta[0][c], r->delta_nonneg);
      md_interval(r->cls_delta[1][c], neg);
      putchar('\n');
    }
  }
  printf("\nNot converged: %ld (t_max %ld, max_steps %ld, step_fail %ld) with t_max = %g, "
         "max_steps = %.0f, f_tol = %g. Diverged: %ld with diverge_norm = %g.\n",
         r->cls[SGEMA_CLASS_NOT_CONVERGED], r->end[SGEMA_END_T_MAX], r->end[SGEMA_END_MAX_STEPS],
         r->end[SGEMA_END_STEP_FAIL], r->t_max, r->max_steps, r->f_tol,
         r->cls[SGEMA_CLASS_DIVERGED], r->diverge_norm);
  if (tr->recorded > 0) {
    printf(
        "\n| along the %ld recorded trajectories (rise > %g max\\|value\\|) | count | fraction | "
        "95%% Wilson interval |\n|---|---:|---:|---|\n| Ebar rises | %ld |",
        tr->recorded, TRAJ_RISE_TOL, tr->ebar_rises);
    md_interval(tr->ebar_rises, tr->recorded);
    if (tr->has_fbar) {
      printf("\n| Fbar rises | %ld |", tr->fbar_rises);
      md_interval(tr->fbar_rises, tr->recorded);
    }
    putchar('\n');
  }
  if (r->c_ne_a)
    printf("\nC != A at %ld converged limits, not checked: %s.\n", r->c_ne_a, c_ne_a_note);
  printf("\n| verification | values | median | worst | worst trial |\n|---|---:|---:|---:|---:|\n");
  for (int c = 0; c < SUM_VER_COLUMNS; c++) {
    const sum_column *v = &r->ver[c];
    printf("| %s | %ld | %.3g | %.3g |", sum_ver_name(c), v->finite, v->median, v->worst);
    if (v->finite)
      printf(" %u |\n", v->worst_trial);
    else
      printf(" - |\n");
  }
  printf("\neq6, eq7: converged limits with C = A or at the origin only (eq6 also needs rank(A) = "
         "m).\n");
  if (r->has_spectrum) {
    printf("\n| spectrum solver | trials |\n|---|---:|\n");
    for (int s = 0; s < RESULTS_SOLVERS; s++)
      printf("| %s | %ld |\n", results_solver_name_i(s), r->solver[s]);
    printf("| fell back (arnoldi -> lapack) | %ld |\n", r->fell_back);
    printf("\nLargest abscissa error estimate: %.3g", r->worst_abscissa_error);
    if (!isnan(r->worst_abscissa_error))
      printf(" (trial %u)", r->worst_abscissa_trial);
    printf(".\n");
  }
  size_t nref;
  const sgema_reference *refs = sum_references(f, i, &nref);
  if (nref)
    printf("\n| reference | expected | measured | 95%% Wilson interval | difference | p | verdict "
           "| source |\n|---|---:|---:|---|---:|---:|---|---|\n");
  for (size_t k = 0; k < nref; k++) {
    ref_result x = reference_result(r, &refs[k]);
    char label[64];
    reference_label(&refs[k], label, sizeof label);
    printf("| %s | %.2f%% |", label, 100.0 * refs[k].fraction);
    md_interval(x.count, x.n);
    printf(" %+.2f%% | %.2g | %s | %s |\n", 100.0 * x.difference, x.p, verdict(&x),
           refs[k].source ? refs[k].source : "");
  }
}

static void md_file(const sum_file *f, const int *selected, const traj_rise_count *rises) {
  printf("# Summary of `%s`\n\nExperiment `%s` (format %lld), %s.", f->path,
         f->experiment ? f->experiment : "?", f->format_version,
         f->complete == 1 ? "complete" : "**incomplete** (interrupted or still running)");
  int any = 0;
  for (size_t i = 0; i < f->run_count; i++)
    if (selected[i] && incomplete(&f->runs[i])) {
      printf("%s `%s` (%ld/%u)", any ? "," : " Incomplete runs:", f->runs[i].name, f->runs[i].done,
             f->runs[i].trials);
      any = 1;
    }
  if (any)
    printf("; summarised from the done trials only.");
  if (!f->exp)
    printf(" References unavailable: %s.", f->exp_problem);
  putchar('\n');
  for (size_t i = 0; i < f->run_count; i++)
    if (selected[i])
      md_run(f, i, &rises[i]);
}

int main(int argc, char **argv) {
  options o = {NULL, NULL, FMT_TEXT, 0, 0, 0};
  int pc = parse(argc, argv, &o);
  if (pc != 0)
    return pc > 0 ? EXIT_OK : EXIT_USAGE;
  if (o.wilson) {
    double lo, hi;
    sum_wilson(o.wilson_k, o.wilson_n, SUM_Z95, &lo, &hi);
    printf("%.17g %.17g\n", lo, hi);
    return EXIT_OK;
  }

  sum_file f;
  char err[512];
  if (sum_open(&f, o.path, err, sizeof err) != 0) {
    fprintf(stderr, "sgema-summary: %s: %s\n", o.path, err);
    sum_close(&f);
    return EXIT_FILE;
  }
  if (out_check_fd_not_input(STDOUT_FILENO, err, sizeof err) != 0) {
    /* `sgema-summary RES.h5 >> RES.h5`: the text would be appended to the results file. */
    fprintf(stderr, "sgema-summary: standard output %s\n", err);
    sum_close(&f);
    return EXIT_USAGE;
  }
  int *selected = calloc(f.run_count, sizeof *selected);
  if (!selected) {
    fprintf(stderr, "sgema-summary: %s: out of memory\n", o.path);
    sum_close(&f);
    return EXIT_FILE;
  }
  int found = 0;
  for (size_t i = 0; i < f.run_count; i++) {
    selected[i] = !o.run || strcmp(o.run, f.runs[i].name) == 0;
    found += selected[i];
  }
  if (!found) {
    fprintf(stderr, "sgema-summary: %s: no run named '%s'; its runs are:", o.path, o.run);
    for (size_t i = 0; i < f.run_count; i++)
      fprintf(stderr, " %s", f.runs[i].name);
    fputc('\n', stderr);
    free(selected);
    sum_close(&f);
    return EXIT_FILE;
  }
  /* The Figure 4 number of each run (index as f.runs); recorded = 0 when a run has no recorded
   * trajectories. Counted before any printing, handed to the printers. */
  traj_rise_count *rises = calloc(f.run_count, sizeof *rises);
  for (size_t i = 0; i < f.run_count; i++)
    if (!rises ||
        (selected[i] &&
         (sum_read_run(&f, i, err, sizeof err) != 0 || sum_grid_read(&f, i, err, sizeof err) != 0 ||
          traj_count_rises(&f, i, TRAJ_RISE_TOL, &rises[i], err, sizeof err) != 0))) {
      fprintf(stderr, "sgema-summary: %s: %s\n", o.path, rises ? err : "out of memory");
      free(rises);
      free(selected);
      sum_close(&f);
      return EXIT_FILE;
    }

  int st = 0;
  switch (o.format) {
  case FMT_TEXT:
    text_file(&f, selected, rises);
    break;
  case FMT_CSV:
    csv_file(&f, selected, rises);
    break;
  case FMT_JSON:
    st = json_file(&f, selected, rises);
    break;
  case FMT_MARKDOWN:
    md_file(&f, selected, rises);
    break;
  }
  free(selected);
  free(rises);
  sum_close(&f);
  if (st != 0 || fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "sgema-summary: cannot write the summary\n");
    return EXIT_FILE;
  }
  return EXIT_OK;
}

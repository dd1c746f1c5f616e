/* sgema-sweep: class fractions with Wilson intervals against algorithm, m and n, over files; with
 * --ranks, the distribution of rank(A) over each run's partial limits instead. */
#define _POSIX_C_SOURCE 200809L
#include "cli_args.h"
#include "json_writer.h"
#include "out_file.h"
#include "run_pool.h"
#include "summary.h"
#include "sweep_rows.h"
#include "table_out.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Exit statuses as sgema-summary's: an incomplete file is summarised, not an error. */
enum { EXIT_OK = 0, EXIT_FILE = 1, EXIT_USAGE = 2 };

typedef enum { FMT_TEXT, FMT_CSV, FMT_JSON, FMT_MARKDOWN } out_format;
static const char *const format_names[] = {"text", "csv", "json", "markdown", NULL};
/* The class names for --class(es), NULL-terminated: filled from the library in main. */
static const char *class_names[SGEMA_CLASS_COUNT + 1];

static void fill_class_names(void) {
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    class_names[c] = sgema_class_name((sgema_class)c);
}

typedef struct {
  out_format format;
  int show[SGEMA_CLASS_COUNT]; /* which class columns */
  int classes_given, ranks;    /* --classes, --ranks */
  char **paths;
  int path_count;
} options;

static void usage(FILE *out) {
  fputs(
      "Usage: sgema-sweep RESULTS.h5... [--format text|csv|json|markdown] [--classes LIST | "
      "--ranks]\n"
      "One table of every run of the given results files (docs/FORMAT.md): algorithm, m, n,\n"
      "done/trials and, per class, the fraction of the done trials with its 95% Wilson\n"
      "interval. Rows are sorted by algorithm (sg, ema, gd), m, n, then file and run order; runs\n"
      "of different files are separate rows, each naming its file. The files of a SLURM array\n"
      "(one per group of runs) are read together. Incomplete runs are marked and summarised\n"
      "from their done trials.\n\n"
      "  --format F      text (default: an aligned table), csv (one row per run), json or\n"
      "                  markdown\n"
      "  --classes LIST  comma-separated classes to show (default all; listed below)\n"
      "  --ranks         instead of the classes, per run the ranks k of A over its partial\n"
      "                  limits: for each k that occurs, the count and the fraction of the\n"
      "                  partial limits with its 95% Wilson interval, and the mean rank / m with\n"
      "                  its 95% normal interval\n"
      "  -h, --help\n\n"
      "Runs of the same algorithm whose other settings differ (conditioned on Delta >= 0,\n"
      "discrete time, another horizon) are told apart by the variant column; only rows of\n"
      "equal alg, m, n and variant may be pooled.\n\n"
      "Exit status: 0 tabulated (also when incomplete); 1 a missing, truncated or foreign\n"
      "file; 2 bad command line, including a file given twice or two runs that hold the same\n"
      "trials (same settings, seed and stream).\n",
      out);
  fputs("Classes:", out);
  for (int c = 0; class_names[c]; c++)
    fprintf(out, " %s", class_names[c]);
  fputc('\n', out);
}

/* "stable,saddle" into show[]; every name checked. */
static void parse_classes(cli_errors *e, const char *text, int *show) {
  char *copy = strdup(text), *save = NULL;
  memset(show, 0, SGEMA_CLASS_COUNT * sizeof *show);
  int any = 0;
  for (char *tok = copy ? strtok_r(copy, ",", &save) : NULL; tok;
       tok = strtok_r(NULL, ",", &save)) {
    int c = cli_choice(e, "--classes", tok, class_names);
    if (c >= 0)
      show[c] = any = 1;
  }
  if (copy && !any && e->count == 0)
    cli_error(e, "--classes: no class named in '%s'", text);
  free(copy);
}

static int parse(int argc, char **argv, options *o) {
  static const struct option opts[] = {{"format", required_argument, 0, 'f'},
                                       {"classes", required_argument, 0, 'c'},
                                       {"ranks", no_argument, 0, 'r'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  cli_errors e;
  cli_errors_init(&e, "sgema-sweep", stderr);
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
    case 'c':
      o->classes_given = 1;
      parse_classes(&e, optarg, o->show);
      break;
    case 'r':
      o->ranks = 1;
      break;
    case 'h':
      usage(stdout);
      return 1;
    default:
      cli_error(&e, "unknown option or missing value: '%s' (see --help)", argv[optind - 1]);
    }
  }
  if (o->ranks && o->classes_given)
    cli_error(&e, "--ranks and --classes: the rank table has no class columns; give one");
  if (optind >= argc)
    cli_error(&e, "no results file given");
  o->paths = argv + optind;
  o->path_count = argc - optind;
  return e.count ? -1 : 0;
}

static double frac(long k, long n) {
  return n > 0 ? (double)k / (double)n : NAN;
}

static int any_incomplete(const sweep_table *t) {
  for (size_t i = 0; i < t->row_count; i++)
    if (sweep_row_incomplete(&t->rows[i]))
      return 1;
  return 0;
}

/* ---- text ---- */

#define CELL_WIDTH 23 /* "100.00% [99.96, 100.00]" */

/* The variant column appears in text and markdown only when some row has one. */
static int any_variant(const sweep_table *t) {
  for (size_t i = 0; i < t->row_count; i++)
    if (t->rows[i].variant && t->rows[i].variant[0])
      return 1;
  return 0;
}

static void text_files(const sweep_table *t) {
  for (size_t i = 0; i < t->file_count; i++)
    printf("%s [%zu] %s: experiment %s, %s\n", i ? "     " : "files", i + 1, t->files[i].path,
           t->files[i].experiment,
           t->files[i].complete ? "complete" : "INCOMPLETE (interrupted or still running)");
}

/* The run column: as wide as the longest name. */
static int run_width(const sweep_table *t) {
  int w = 3;
  for (size_t i = 0; i < t->row_count; i++)
    if ((int)strlen(t->rows[i].run) > w)
      w = (int)strlen(t->rows[i].run);
  return w;
}

/* The variant column: as wide as the longest, none (0) when no row has one. */
static int variant_width(const sweep_table *t) {
  int vw = 0;
  for (size_t i = 0; any_variant(t) && i < t->row_count; i++)
    if ((int)strlen(t->rows[i].variant) > vw)
      vw = (int)strlen(t->rows[i].variant) > 7 ? (int)strlen(t->rows[i].variant) : 7;
  return vw;
}

static void text_table(const sweep_table *t, const options *o) {
  text_files(t);
  int w = run_width(t), vw = variant_width(t);
  printf("\n%4s %-*s %-4s %2s %2s %-8s", "file", w, "run", "alg", "m", "n", "time");
  if (vw)
    printf(" %-*s", vw, "variant");
  printf(" %16s", "done/trials");
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    if (o->show[c])
      printf("  %*s", CELL_WIDTH, sgema_class_name((sgema_class)c));
  putchar('\n');
  for (size_t i = 0; i < t->row_count; i++) {
    const sweep_row *r = &t->rows[i];
    char dt[40], cell[64];
    snprintf(dt, sizeof dt, "%ld/%u%s", r->done, r->trials, sweep_row_incomplete(r) ? "*" : " ");
    printf("%4zu %-*s %-4s %2d %2d %-8s", r->file + 1, w, r->run, r->alg, r->m, r->n, r->time);
    if (vw)
      printf(" %-*s", vw, r->variant);
    printf(" %16s", dt);
    for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
      if (o->show[c])
        printf("  %*s", CELL_WIDTH, tab_fraction_cell(r->cls[c], r->done, cell, sizeof cell));
    putchar('\n');
  }
  if (any_incomplete(t))
    printf("\n* incomplete run: fractions of its done trials only\n");
  for (size_t i = 0; i < t->row_count; i++)
    if (t->rows[i].bad_class)
      printf("note: [%zu] %s has %ld done rows whose class is not a class (damaged file?)\n",
             t->rows[i].file + 1, t->rows[i].run, t->rows[i].bad_class);
}

/* The columns that say which run a row is (file .. variant), shared by the class and rank CSV. */
static void csv_row_identity(const sweep_table *t, const sweep_row *r) {
  tab_csv_text(stdout, t->files[r->file].path);
  putchar(',');
  tab_csv_text(stdout, t->files[r->file].experiment);
  putchar(',');
  tab_csv_text(stdout, r->run);
  printf(",%u,%s,%d,%d,%s,%u,%ld,%d,", r->index, r->alg, r->m, r->n, r->time, r->trials, r->done,
         !sweep_row_incomplete(r));
  tab_csv_text(stdout, r->variant);
}

/* ---- csv ---- */

static void csv_table(const sweep_table *t, const options *o) {
  fputs("file,experiment,run,index,alg,m,n,time,trials,done,complete,variant", stdout);
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    if (o->show[c]) {
      const char *name = sgema_class_name((sgema_class)c);
      printf(",%s_count,%s_fraction,%s_ci_low,%s_ci_high", name, name, name, name);
    }
  putchar('\n');
  for (size_t i = 0; i < t->row_count; i++) {
    const sweep_row *r = &t->rows[i];
    csv_row_identity(t, r);
    for (int c = 0; c < SGEMA_CLASS_COUNT; c++) {
      if (!o->show[c])
        continue;
      double lo = NAN, hi = NAN;
      if (r->done > 0)
        sum_wilson(r->cls[c], r->done, SUM_Z95, &lo, &hi);
      printf(",%ld,", r->cls[c]);
      tab_csv_num(stdout, frac(r->cls[c], r->done));
      putchar(',');
      tab_csv_num(stdout, lo);
      putchar(',');
      tab_csv_num(stdout, hi);
    }
    putchar('\n');
  }
}

/* ---- json ---- */

/* The members that say which run a row is, shared by the class and the rank tables. */
static void json_row_identity(jw_writer *w, const sweep_table *t, const sweep_row *r) {
  jw_string(w, "file", t->files[r->file].path);
  jw_string(w, "run", r->run);
  jw_long(w, "index", (long)r->index);
  jw_string(w, "alg", r->alg);
  jw_long(w, "m", r->m);
  jw_long(w, "n", r->n);
  jw_string(w, "time", r->time);
  jw_long(w, "trials", (long)r->trials);
  jw_long(w, "done", r->done);
  jw_bool(w, "complete", !sweep_row_incomplete(r));
  jw_string(w, "variant", r->variant);
}

static void json_row(jw_writer *w, const sweep_table *t, const sweep_row *r, const options *o) {
  jw_object_begin(w, NULL);
  json_row_identity(w, t, r);
  if (r->bad_class)
    jw_long(w, "unknown_class", r->bad_class);
  jw_object_begin(w, "classes");
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++) {
    if (!o->show[c])
      continue;
    double lo, hi;
    sum_wilson(r->cls[c], r->done, SUM_Z95, &lo, &hi);
    jw_open(w, sgema_class_name((sgema_class)c), '{', 1);
    jw_long(w, "count", r->cls[c]);
    jw_double(w, "fraction", frac(r->cls[c], r->done));
    jw_array_begin_inline(w, "ci95");
    jw_double(w, NULL, r->done > 0 ? lo : NAN);
    jw_double(w, NULL, r->done > 0 ? hi : NAN);
    jw_array_end(w);
    jw_object_end(w);
  }
  jw_object_end(w);
  jw_object_end(w);
}

static void json_files(jw_writer *w, const sweep_table *t) {
  jw_array_begin(w, "files");
  for (size_t i = 0; i < t->file_count; i++) {
    jw_object_begin(w, NULL);
    jw_string(w, "path", t->files[i].path);
    jw_string(w, "experiment", t->files[i].experiment);
    jw_bool(w, "complete", t->files[i].complete);
    jw_object_end(w);
  }
  jw_array_end(w);
}

static int json_table(const sweep_table *t, const options *o) {
  jw_writer w;
  jw_init(&w, stdout, 0);
  jw_object_begin(&w, NULL);
  json_files(&w, t);
  jw_array_begin(&w, "rows");
  for (size_t i = 0; i < t->row_count; i++)
    json_row(&w, t, &t->rows[i], o);
  jw_array_end(&w);
  jw_object_end(&w);
  return jw_finish(&w);
}

/* ---- markdown ---- */

static void md_files(const sweep_table *t) {
  for (size_t i = 0; i < t->file_count; i++)
    printf("%s[%zu] `%s`: experiment `%s`, %s\n", i ? "\n" : "", i + 1, t->files[i].path,
           t->files[i].experiment, t->files[i].complete ? "complete" : "**incomplete**");
}

static void md_table(const sweep_table *t, const options *o) {
  md_files(t);
  int variant = any_variant(t);
  printf("\n| file | run | alg | m | n | time |%s done/trials |", variant ? " variant |" : "");
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    if (o->show[c])
      printf(" %s |", sgema_class_name((sgema_class)c));
  printf("\n|---:|---|---|---:|---:|---|%s---:|", variant ? "---|" : "");
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    if (o->show[c])
      printf("---:|");
  putchar('\n');
  for (size_t i = 0; i < t->row_count; i++) {
    const sweep_row *r = &t->rows[i];
    char cell[64];
    printf("| %zu | `%s` | %s | %d | %d | %s |", r->file + 1, r->run, r->alg, r->m, r->n, r->time);
    if (variant)
      printf(" %s |", r->variant);
    printf(" %ld/%u%s |", r->done, r->trials, sweep_row_incomplete(r) ? " (incomplete)" : "");
    for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
      if (o->show[c])
        printf(" %s |", tab_fraction_cell(r->cls[c], r->done, cell, sizeof cell));
    putchar('\n');
  }
  printf("\nFractions of the done trials with 95%% Wilson intervals (percent).\n");
}

/* ---- --ranks: the distribution of rank(A) over each run's partial limits ----
 * Fractions are of the run's partial limits with a rank in 1 .. m - 1 (rank_hist_total); the mean
 * is of rank / m over the same limits (analysis/partial_ranks.h gives its interval). */

/* "0.4751 [0.4495, 0.5006]": the mean rank / m and its 95% interval, or "-" without partial
 * limits. */
static const char *mean_cell(const rank_hist *h, char *buf, size_t size) {
  double lo, hi;
  rank_hist_mean_interval(h, SUM_Z95, &lo, &hi);
  if (rank_hist_total(h) <= 0)
    snprintf(buf, size, "-");
  else
    snprintf(buf, size, "%.4f [%.4f, %.4f]", rank_hist_mean(h), lo, hi);
  return buf;
}

/* Rows whose partial limits have a stored rank outside 1 .. m - 1 (a damaged file): named after
 * the table, and left out of its fractions. */
static void rank_notes(const sweep_table *t) {
  for (size_t i = 0; i < t->row_count; i++)
    if (t->rows[i].ranks.outside)
      printf("note: [%zu] %s has %ld partial limits whose rank is not in 1..m-1 (damaged "
             "file?): left out\n",
             t->rows[i].file + 1, t->rows[i].run, t->rows[i].ranks.outside);
}

static void text_ranks(const sweep_table *t) {
  text_files(t);
  int w = run_width(t), vw = variant_width(t);
  char lead[512];
  int lw = snprintf(lead, sizeof lead, "%4s %-*s %-4s %2s %3s %-8s", "file", w, "run", "alg", "m",
                    "n", "time");
  if (vw)
    lw += snprintf(lead + lw, sizeof lead - (size_t)lw, " %-*s", vw, "variant");
  printf("\n%s %16s %7s  %-23s %4s %7s  %s\n", lead, "done/trials", "partial", "mean rank/m [95%]",
         "rank", "count", "of partial [95% Wilson]");
  for (size_t i = 0; i < t->row_count; i++) {
    const sweep_row *r = &t->rows[i];
    const rank_hist *h = &r->ranks;
    char dt[40], cell[64], mean[64];
    snprintf(dt, sizeof dt, "%ld/%u%s", r->done, r->trials, sweep_row_incomplete(r) ? "*" : " ");
    lw = snprintf(lead, sizeof lead, "%4zu %-*s %-4s %2d %3d %-8s", r->file + 1, w, r->run, r->alg,
                  r->m, r->n, r->time);
    if (vw)
      lw += snprintf(lead + lw, sizeof lead - (size_t)lw, " %-*s", vw, r->variant);
    printf("%s %16s %7ld  %-23s", lead, dt, h->partial, mean_cell(h, mean, sizeof mean));
    int first = 1;
    for (int k = 1; k < h->m; k++) {
      if (!h->count[k])
        continue;
      if (!first) /* the run's further ranks on lines of their own, under the first */
        printf("%*s", lw + 1 + 16 + 1 + 7 + 2 + 23, "");
      printf(" %4d %7ld  %s\n", k, h->count[k],
             tab_fraction_cell(h->count[k], rank_hist_total(h), cell, sizeof cell));
      first = 0;
    }
    if (first)
      printf(" %4s %7s  %s\n", "-", "-", "-");
  }
  if (any_incomplete(t))
    printf("\n* incomplete run: its done trials only\n");
  rank_notes(t);
}

/* The columns a run's lines share (csv). */
static void csv_rank_lead(const sweep_table *t, const sweep_row *r) {
  const rank_hist *h = &r->ranks;
  double lo, hi;
  rank_hist_mean_interval(h, SUM_Z95, &lo, &hi);
  csv_row_identity(t, r);
  printf(",%ld,%ld,", h->partial, h->outside);
  tab_csv_num(stdout, rank_hist_mean(h));
  putchar(',');
  tab_csv_num(stdout, lo);
  putchar(',');
  tab_csv_num(stdout, hi);
}

/* One line per run and rank that occurs; a run without partial limits has one line with the rank
 * columns empty. */
static void csv_ranks(const sweep_table *t) {
  fputs("file,experiment,run,index,alg,m,n,time,trials,done,complete,variant,partial,"
        "rank_outside,mean_rank_over_m,mean_ci_low,mean_ci_high,rank,count,fraction,ci_low,"
        "ci_high\n",
        stdout);
  for (size_t i = 0; i < t->row_count; i++) {
    const sweep_row *r = &t->rows[i];
    const rank_hist *h = &r->ranks;
    long total = rank_hist_total(h);
    int any = 0;
    for (int k = 1; k < h->m; k++) {
      if (!h->count[k])
        continue;
      double lo, hi;
      sum_wilson(h->count[k], total, SUM_Z95, &lo, &hi);
      csv_rank_lead(t, r);
      printf(",%d,%ld,", k, h->count[k]);
      tab_csv_num(stdout, frac(h->count[k], total));
      putchar(',');
      tab_csv_num(stdout, lo);
      putchar(',');
      tab_csv_num(stdout, hi);
      putchar('\n');
      any = 1;
    }
    if (!any) {
      csv_rank_lead(t, r);
      fputs(",,,,,\n", stdout);
    }
  }
}

static void json_rank_row(jw_writer *w, const sweep_table *t, const sweep_row *r) {
  const rank_hist *h = &r->ranks;
  long total = rank_hist_total(h);
  double lo, hi;
  rank_hist_mean_interval(h, SUM_Z95, &lo, &hi);
  jw_object_begin(w, NULL);
  json_row_identity(w, t, r);
  jw_long(w, "partial", h->partial);
  jw_long(w, "rank_outside", h->outside);
  jw_double(w, "mean_rank_over_m", rank_hist_mean(h));
  jw_array_begin_inline(w, "mean_ci95");
  jw_double(w, NULL, lo);
  jw_double(w, NULL, hi);
  jw_array_end(w);
  jw_array_begin(w, "ranks");
  for (int k = 1; k < h->m; k++) {
    if (!h->count[k])
      continue;
    sum_wilson(h->count[k], total, SUM_Z95, &lo, &hi);
    jw_open(w, NULL, '{', 1);
    jw_long(w, "rank", k);
    jw_long(w, "count", h->count[k]);
    jw_double(w, "fraction", frac(h->count[k], total));
    jw_array_begin_inline(w, "ci95");
    jw_double(w, NULL, lo);
    jw_double(w, NULL, hi);
    jw_array_end(w);
    jw_object_end(w);
  }
  jw_array_end(w);
  jw_object_end(w);
}

static int json_ranks(const sweep_table *t) {
  jw_writer w;
  jw_init(&w, stdout, 0);
  jw_object_begin(&w, NULL);
  json_files(&w, t);
  jw_array_begin(&w, "rows");
  for (size_t i = 0; i < t->row_count; i++)
    json_rank_row(&w, t, &t->rows[i]);
  jw_array_end(&w);
  jw_object_end(&w);
  return jw_finish(&w);
}

static void md_ranks(const sweep_table *t) {
  md_files(t);
  int variant = any_variant(t);
  printf("\n| file | run | alg | m | n | time |%s done/trials | partial | mean rank/m | rank | "
         "count | of partial |\n",
         variant ? " variant |" : "");
  printf("|---:|---|---|---:|---:|---|%s---:|---:|---:|---:|---:|---:|\n", variant ? "---|" : "");
  for (size_t i = 0; i < t->row_count; i++) {
    const sweep_row *r = &t->rows[i];
    const rank_hist *h = &r->ranks;
    char cell[64], mean[64];
    printf("| %zu | `%s` | %s | %d | %d | %s |", r->file + 1, r->run, r->alg, r->m, r->n, r->time);
    if (variant)
      printf(" %s |", r->variant);
    printf(" %ld/%u%s | %ld | %s |", r->done, r->trials,
           sweep_row_incomplete(r) ? " (incomplete)" : "", h->partial,
           mean_cell(h, mean, sizeof mean));
    int first = 1;
    for (int k = 1; k < h->m; k++) {
      if (!h->count[k])
        continue;
      if (!first) /* further ranks: rows of their own with the run's cells empty */
        printf("|%s|||||||||", variant ? "|" : "");
      printf(" %d | %ld | %s |\n", k, h->count[k],
             tab_fraction_cell(h->count[k], rank_hist_total(h), cell, sizeof cell));
      first = 0;
    }
    if (first)
      printf(" - | - | - |\n");
  }
  printf("\nRanks of A over each run's partial limits: count and fraction of its partial limits "
         "with 95%% Wilson intervals (percent); mean rank/m with its 95%% normal interval.\n");
  rank_notes(t);
}

/* The same file given twice (by any name: device and inode) would list its trials twice. */
static int repeated_file(const options *o) {
  pool_file_id *ids = calloc((size_t)o->path_count + 1, sizeof *ids);
  int *which = calloc((size_t)o->path_count + 1, sizeof *which);
  size_t n = 0, first;
  long j = -1;
  if (ids && which) {
    for (int i = 0; i < o->path_count; i++)
      if (pool_file_id_of(o->paths[i], &ids[n]) == 0)
        which[n++] = i;
    j = pool_repeated_file(ids, n, &first);
  }
  if (j >= 0)
    fprintf(stderr,
            "sgema-sweep: %s: given twice (also as %s): its trials would be counted twice\n",
            o->paths[which[j]], o->paths[which[first]]);
  free(ids);
  free(which);
  return j >= 0 ? -1 : 0;
}

int main(int argc, char **argv) {
  options o = {FMT_TEXT, {0}, 0, 0, NULL, 0};
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    o.show[c] = 1;
  fill_class_names();
  int pc = parse(argc, argv, &o);
  if (pc != 0)
    return pc > 0 ? EXIT_OK : EXIT_USAGE;

  if (repeated_file(&o) != 0)
    return EXIT_USAGE;
  sweep_table t = {0, 0, NULL, NULL, o.ranks};
  char err[1024];
  for (int i = 0; i < o.path_count; i++)
    if (sweep_add_file(&t, o.paths[i], err, sizeof err) != 0) {
      fprintf(stderr, "sgema-sweep: %s: %s\n", o.paths[i], err);
      sweep_free(&t);
      return EXIT_FILE;
    }
  /* `sgema-sweep RES.h5 >> RES.h5` would append the table to a results file. */
  if (out_check_fd_not_input(STDOUT_FILENO, err, sizeof err) != 0) {
    fprintf(stderr, "sgema-sweep: standard output %s\n", err);
    sweep_free(&t);
    return EXIT_USAGE;
  }
  if (sweep_same_trials(&t, err, sizeof err) != 0) {
    fprintf(stderr, "sgema-sweep: %s\n", err);
    sweep_free(&t);
    return EXIT_USAGE;
  }
  if (sweep_name_variants(&t) != 0) {
    fprintf(stderr, "sgema-sweep: out of memory\n");
    sweep_free(&t);
    return EXIT_FILE;
  }
  sweep_sort(&t);
  /* Incomplete runs are named on stderr too, so that a table piped into a file still warns. */
  for (size_t i = 0; i < t.row_count; i++)
    if (sweep_row_incomplete(&t.rows[i]))
      fprintf(stderr, "sgema-sweep: %s: run %s is incomplete (%ld of %u trials done)\n",
              t.files[t.rows[i].file].path, t.rows[i].run, t.rows[i].done, t.rows[i].trials);

  int st = 0;
  switch (o.format) {
  case FMT_TEXT:
    o.ranks ? text_ranks(&t) : text_table(&t, &o);
    break;
  case FMT_CSV:
    o.ranks ? csv_ranks(&t) : csv_table(&t, &o);
    break;
  case FMT_JSON:
    st = o.ranks ? json_ranks(&t) : json_table(&t, &o);
    break;
  case FMT_MARKDOWN:
    o.ranks ? md_ranks(&t) : md_table(&t, &o);
    break;
  }
  sweep_free(&t);
  if (st != 0 || fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "sgema-sweep: cannot write the table\n");
    return EXIT_FILE;
  }
  return EXIT_OK;
}

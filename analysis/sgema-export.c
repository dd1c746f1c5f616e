/* sgema-export: the selected trials of a run as CSV, or as the sgema-trial commands that re-run
 * them.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli_args.h"
#include "export_cells.h"
#include "export_census.h"
#include "export_columns.h"
#include "export_command.h"
#include "export_where.h"
#include "grid_cells.h"
#include "out_file.h"
#include "results_format.h"
#include "run_reload.h"
#include "summary.h"
#include "table_out.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Exit statuses: the file (or run) is the problem (1) or the command line is (2). */
enum { EXIT_OK = 0, EXIT_FILE = 1, EXIT_USAGE = 2 };

/* The class names for --class(es), NULL-terminated: filled from the library in main. */
static const char *class_names[SGEMA_CLASS_COUNT + 1];

static void fill_class_names(void) {
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    class_names[c] = sgema_class_name((sgema_class)c);
}

typedef struct {
  const char *path, *run, *where_text, *out_path, *program;
  int classes[SGEMA_CLASS_COUNT]; /* selected classes; all 1 when --class is not given */
  long limit;                     /* -1: no limit */
  long chunk_rows;                /* 0: the default (XCOL_CHUNK_BYTES) */
  int commands;
  int equilibria; /* a census run: its equilibria, one row each, instead of its data sets */
  int cells;      /* a grid run: its cells, one row each, instead of its trials */
  int json;       /* --cells as JSON */
  where_expr *where;
} options;

static void usage(FILE *out) {
  fputs(
      "Usage: sgema-export RESULTS.h5 --run NAME [--class C[,C...]] [--where EXPR] [--limit N]\n"
      "                   [-o FILE] [--commands [--program PATH]] [--cells [--json]]\n"
      "Writes the done trials of one run of a results file (docs/FORMAT.md) that pass the filters\n"
      "as CSV, one row per trial in trial order: trial, seed, stream; the inputs (lambda, draws,\n"
      "Sxx_I_J, Syx_I_J, Syy_I_J, y0_A_I_J, y0_B_I_J, y0_C_I_J); the outputs (class, end, sphere\n"
      "by name, the scalars, y_end_*); the verification columns. Numbers are exact: the fewest\n"
      "digits that read back to the same double; nan, inf, -inf spelt out.\n\n"
      "  --run NAME      the run (required)\n"
      "  --class LIST    only trials of these classes (comma-separated; listed below)\n"
      "  --where EXPR    only trials for which EXPR holds: comparisons FIELD OP VALUE with OP one\n"
      "                  of < <= > >= == !=, joined by and, or, not and parentheses; FIELD any\n"
      "                  column name above; class, end and sphere compare by name (== and !=).\n"
      "                  Example: 'delta > 0.1 and (class == saddle or t_end >= 20000)'\n"
      "  --limit N       at most N trials\n"
      "  -o FILE         write to FILE instead of standard output\n"
      "  --commands      instead of CSV, one sgema-trial command per selected trial that re-runs\n"
      "                  it bit for bit (every setting spelt out)\n"
      "  --program PATH  the sgema-trial those commands name (default sgema-trial)\n"
      "A census run (kind: census) is written as one row per done data set: data_set, status,\n"
      "lambda, draws, Sxx_I_J, Syx_I_J, the solutions by kind, psd_rank_K, the path ends,\n"
      "equilibria, stored, overflow (--limit counts data sets; the filters are for trials);\n"
      "  --equilibria    instead, one row per stored equilibrium: data_set, slot, rank, kind,\n"
      "                  class, mc_class, abscissa, unstable, symmetry_zeros, the residuals, "
      "S_I_J\n"
      "A grid run (design phase or basins, docs/EXPERIMENTS.md) is written per cell with\n"
      "  --cells         one row per cell, ix fastest: ix, iy, x, y (the axes' values at the\n"
      "                  cell's centre), done, incomplete, and per class its count, fraction and\n"
      "                  95% Wilson interval (CLASS, CLASS_fraction, CLASS_ci95_lo, _hi)\n"
      "  --json          --cells as one JSON object: the design and the cells\n"
      "  -h, --help\n\n"
      "Exit status: 0 written (also from an incomplete run: its done trials); 1 missing,\n"
      "truncated or foreign file, unknown run, or a run whose settings cannot be reloaded for\n"
      "--commands; 2 bad command line, including an unknown --where field and an output (-o,\n"
      "or standard output appended to a file) that is the results file itself.\n",
      out);
  fputs("Classes:", out);
  for (int c = 0; class_names[c]; c++)
    fprintf(out, " %s", class_names[c]);
  fputc('\n', out);
}

static void parse_classes(cli_errors *e, const char *text, int *classes) {
  char *copy = strdup(text), *save = NULL;
  memset(classes, 0, SGEMA_CLASS_COUNT * sizeof *classes);
  int any = 0;
  for (char *tok = copy ? strtok_r(copy, ",", &save) : NULL; tok;
       tok = strtok_r(NULL, ",", &save)) {
    int c = cli_choice(e, "--class", tok, class_names);
    if (c >= 0)
      classes[c] = any = 1;
  }
  if (copy && !any && e->count == 0)
    cli_error(e, "--class: no class named in '%s'", text);
  free(copy);
}

static void parse_option(cli_errors *e, int c, options *o) {
  switch (c) {
  case 'r':
    o->run = optarg;
    break;
  case 'c':
    parse_classes(e, optarg, o->classes);
    break;
  case 'w':
    o->where_text = optarg;
    break;
  case 'l':
    cli_long(e, "--limit", optarg, 1, 1000000000000L, &o->limit);
    break;
  case 'o':
    o->out_path = optarg;
    break;
  case 'C':
    o->commands = 1;
    break;
  case 'E':
    o->equilibria = 1;
    break;
  case 'G':
    o->cells = 1;
    break;
  case 'J':
    o->json = 1;
    break;
  case 'p':
    o->program = optarg;
    break;
  case 'k':
    /* Undocumented: small chunks, so that the tests cross chunk boundaries on small runs. */
    cli_long(e, "--chunk-rows", optarg, 1, 1000000000L, &o->chunk_rows);
    break;
  default:
    cli_error(e, "unknown option or missing value: '%s' (see --help)", optarg ? optarg : "?");
  }
}

/* The expression as quoted in messages: whole up to 72 characters, else its first 60 and "...",
 * so that a refused 100-kilobyte expression does not flood the terminal. */
static const char *where_shown(const char *text, char *buf, size_t size) {
  if (strlen(text) <= 72)
    return text;
  snprintf(buf, size, "%.60s...", text);
  return buf;
}

static int all_classes(const options *o);

static int parse(int argc, char **argv, options *o) {
  static const struct option opts[] = {
      {"run", required_argument, 0, 'r'},     {"class", required_argument, 0, 'c'},
      {"where", required_argument, 0, 'w'},   {"limit", required_argument, 0, 'l'},
      {"commands", no_argument, 0, 'C'},      {"equilibria", no_argument, 0, 'E'},
      {"program", required_argument, 0, 'p'}, {"chunk-rows", required_argument, 0, 'k'},
      {"cells", no_argument, 0, 'G'},         {"json", no_argument, 0, 'J'},
      {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
  cli_errors e;
  cli_errors_init(&e, "sgema-export", stderr);
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
    if (c == 'h') {
      usage(stdout);
      return 1;
    }
    if (c == '?' || c == ':')
      cli_error(&e, "unknown option or missing value: '%s' (see --help)", argv[optind - 1]);
    else
      parse_option(&e, c, o);
  }
  if (optind + 1 != argc)
    cli_error(&e, optind >= argc ? "no results file given" : "more than one results file given");
  else
    o->path = argv[optind];
  if (!o->run)
    cli_error(&e, "--run NAME is required");
  if (o->json && !o->cells)
    cli_error(&e, "--json: only with --cells");
  if (o->cells &&
      (o->where_text || o->commands || o->equilibria || o->limit >= 0 || !all_classes(o)))
    cli_error(&e, "--cells: writes every cell; --class, --where, --limit, --commands and "
                  "--equilibria are for trials");
  if (o->where_text) {
    char err[256], shown[80];
    o->where = where_parse(o->where_text, err, sizeof err);
    if (!o->where)
      cli_error(&e, "--where '%s': %s", where_shown(o->where_text, shown, sizeof shown), err);
  }
  return e.count ? -1 : 0;
}

/* ---- the selection ---- */

typedef struct {
  xcol_table *t;
  size_t row;
} row_ctx;

static int lookup_field(void *ctx, const char *name, const char *const **enums) {
  const xcol_table *t = ctx;
  int f = xcol_field_find(t, name);
  *enums = f >= 0 ? xcol_field_enums(t, (size_t)f) : NULL;
  return f;
}

static double row_value(void *ctx, int field) {
  const row_ctx *rc = ctx;
  return xcol_value(rc->t, (size_t)field, rc->row);
}

/* Marks the datasets the filters read (need[d] = 1). */
typedef struct {
  const xcol_table *t;
  int *need;
} need_ctx;

static void need_field(void *ctx, int field) {
  need_ctx *nc = ctx;
  int d = nc->t->fields[field].dataset;
  if (d >= 0)
    nc->need[d] = 1;
}

static int all_classes(const options *o) {
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    if (!o->classes[c])
      return 0;
  return 1;
}

static int class_dataset(const xcol_table *t) {
  return t->fields[xcol_field_find(t, RF_COL(CLASS)->name)].dataset;
}

static int selected(const options *o, xcol_table *t, size_t k, int cls_ds) {
  if (t->done[k] != 1)
    return 0;
  if (cls_ds >= 0) {
    double c = t->datasets[cls_ds].buf[k];
    if (!(c >= 0 && c < SGEMA_CLASS_COUNT && o->classes[(int)c]))
      return 0;
  }
  row_ctx rc = {t, k};
  return !o->where || where_eval(o->where, row_value, &rc);
}

/* ---- output ---- */

static void csv_header(FILE *out, const xcol_table *t) {
  fputs("trial,seed,stream", out);
  for (size_t i = 1; i < t->field_count; i++)
    fprintf(out, ",%s", t->fields[i].name);
  putc('\n', out);
}

static void csv_row(FILE *out, const xcol_table *t, size_t k, const sum_file *f, const sum_run *r) {
  fprintf(out, "%llu,", (unsigned long long)(t->r0 + k));
  if (f->has_seed)
    fprintf(out, "%llu", (unsigned long long)f->seed);
  fprintf(out, ",%u", r->stream);
  for (size_t i = 1; i < t->field_count; i++) {
    const xcol_dataset *d = &t->datasets[t->fields[i].dataset];
    double v = xcol_value(t, i, k);
    char buf[32];
    putc(',', out);
    if (d->kind == XCOL_ENUM)
      fputs(v < 255 ? d->enum_names[(int)v] : "unknown", out);
    else if (d->kind == XCOL_INT)
      fprintf(out, "%lld", (long long)v);
    else
      fputs(tab_double(v, buf), out);
  }
  putc('\n', out);
}

/* The command prefix of run i, from its settings as reload_run_settings rebuilds them. */
static char *command_prefix(const sum_file *f, size_t i, const char *program, char *err,
                            size_t errsize) {
  sgema_settings settings;
  uint64_t seed;
  uint32_t stream;
  if (reload_run_settings(f, i, &settings, &seed, &stream, err, errsize) != 0)
    return NULL;
  char *prefix = export_command_prefix(program, &settings, seed, stream);
  if (!prefix)
    snprintf(err, errsize, "out of memory");
  return prefix;
}

/* Streams the run chunk by chunk: the filter columns first, the rest only for chunks with a
 * selected row. Returns the rows written, or -1 with err. */
static long export_rows(const options *o, xcol_table *t, const sum_file *f, const sum_run *r,
                        const char *prefix, FILE *out, char *err, size_t errsize) {
  int cls_ds = all_classes(o) ? -1 : class_dataset(t);
  int *need = calloc(t->dataset_count, sizeof *need);
  if (!need) {
    snprintf(err, errsize, "out of memory");
    return -1;
  }
  need_ctx nc = {t, need};
  if (o->where)
    where_fields(o->where, need_field, &nc);
  if (cls_ds >= 0)
    need[cls_ds] = 1;
  long written = 0;
  int st = 0;
  for (uint64_t r0 = 0; st == 0 && r0 < t->trials && (o->limit < 0 || written < o->limit);
       r0 += t->chunk_rows) {
    st = xcol_chunk(t, r0, err, errsize);
    for (size_t d = 0; st == 0 && d < t->dataset_count; d++)
      if (need[d])
        st = xcol_load(t, d, err, errsize);
    for (size_t k = 0; st == 0 && k < t->len && (o->limit < 0 || written < o->limit); k++) {
      if (!selected(o, t, k, cls_ds))
        continue;
      if (prefix)
        fprintf(out, "%s --trial %llu\n", prefix, (unsigned long long)(t->r0 + k));
      else if ((st = xcol_load_all(t, err, errsize)) == 0)
        csv_row(out, t, k, f, r);
      written++;
    }
  }
  free(need);
  return st == 0 ? written : -1;
}

/* ---- main ---- */

static int find_run(const sum_file *f, const char *name) {
  for (size_t i = 0; i < f->run_count; i++)
    if (strcmp(f->runs[i].name, name) == 0)
      return (int)i;
  fprintf(stderr, "sgema-export: %s: no run named '%s'; its runs are:", f->path, name);
  for (size_t i = 0; i < f->run_count; i++)
    fprintf(stderr, " %s", f->runs[i].name);
  fputc('\n', stderr);
  return -1;
}

static void unknown_field(const xcol_table *t, const options *o, const char *err) {
  char shown[80];
  fprintf(stderr, "sgema-export: --where '%s': %s; the fields of run %s are:",
          where_shown(o->where_text, shown, sizeof shown), err, t->run);
  for (size_t i = 0; i < t->field_count; i++)
    fprintf(stderr, " %s", t->fields[i].name);
  fputc('\n', stderr);
}

/* Everything after the file is open and the run found. */
/* The output: standard output, or with -o a temporary in its directory (tmp), renamed onto it by
 * output_close, so that a file is written whole or not at all. NULL (said why) when it cannot. */
static FILE *output_open(const options *o, char *tmp, size_t tmpsize) {
  if (!o->out_path)
    return stdout;
  int fd = out_tmp_create(o->out_path, tmp, tmpsize);
  FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!out && fd >= 0) {
    close(fd);
    unlink(tmp);
  }
  if (!out)
    fprintf(stderr, "sgema-export: %s: cannot write: %s\n", o->out_path, strerror(errno));
  return out;
}

/* Flushes and closes out, and with -o renames the temporary onto the file when all went well
 * (st EXIT_OK), else removes it. Returns the exit status. */
static int output_close(const options *o, FILE *out, const char *tmp, int st) {
  errno = 0;
  int bad = fflush(out) != 0 || ferror(out);
  int saved = errno;
  if (out != stdout && fclose(out) != 0 && !bad) {
    bad = 1;
    saved = errno;
  }
  if (bad && st == 0) {
    fprintf(stderr, "sgema-export: %s: cannot write the output: %s\n",
            o->out_path ? o->out_path : "standard output", saved ? strerror(saved) : "write error");
    st = EXIT_FILE;
  }
  if (o->out_path && st == EXIT_OK && out_tmp_commit(tmp, o->out_path) != 0) {
    fprintf(stderr, "sgema-export: %s: cannot write: %s\n", o->out_path, strerror(errno));
    st = EXIT_FILE;
  } else if (o->out_path && st != EXIT_OK) {
    unlink(tmp);
  }
  return st;
}

static int export_run(const options *o, sum_file *f, size_t ri) {
  xcol_table t;
  char err[512];
  if (xcol_open(&t, f, ri, (size_t)o->chunk_rows, err, sizeof err) != 0) {
    fprintf(stderr, "sgema-export: %s: %s\n", o->path, err);
    xcol_close(&t);
    return EXIT_FILE;
  }
  int wr = o->where ? where_resolve(o->where, lookup_field, &t, err, sizeof err) : 0;
  if (wr != 0) {
    if (wr == WHERE_UNKNOWN_FIELD)
      unknown_field(&t, o, err);
    else {
      char shown[80];
      fprintf(stderr, "sgema-export: --where '%s': %s\n",
              where_shown(o->where_text, shown, sizeof shown), err);
    }
    xcol_close(&t);
    return EXIT_USAGE;
  }
  char *prefix = NULL;
  if (o->commands && !(prefix = command_prefix(f, ri, o->program, err, sizeof err))) {
    fprintf(stderr, "sgema-export: %s: cannot print commands: %s\n", o->path, err);
    xcol_close(&t);
    return EXIT_FILE;
  }
  char tmp[4096] = "";
  FILE *out = output_open(o, tmp, sizeof tmp);
  int st = out ? EXIT_OK : EXIT_FILE;
  if (out) {
    if (!prefix)
      csv_header(out, &t);
    if (export_rows(o, &t, f, &f->runs[ri], prefix, out, err, sizeof err) < 0) {
      fprintf(stderr, "sgema-export: %s: %s\n", o->path, err);
      st = EXIT_FILE;
    }
    st = output_close(o, out, tmp, st);
  }
  free(prefix);
  xcol_close(&t);
  return st;
}

/* A grid run's cells (--cells) as CSV or JSON. */
static int export_cells_run(const options *o, sum_file *f, size_t ri) {
  char tmp[4096] = "", err[512];
  FILE *out = output_open(o, tmp, sizeof tmp);
  int st = out ? EXIT_OK : EXIT_FILE;
  if (out) {
    if (export_cells(f, ri, o->json, out, err, sizeof err) != 0) {
      fprintf(stderr, "sgema-export: %s: %s\n", o->path, err);
      st = EXIT_FILE;
    }
    st = output_close(o, out, tmp, st);
  }
  return st;
}

/* A census run: its data sets (or with --equilibria its equilibria) as CSV. */
static int export_census_run(const options *o, sum_file *f, size_t ri) {
  char tmp[4096] = "", err[512];
  FILE *out = output_open(o, tmp, sizeof tmp);
  int st = out ? EXIT_OK : EXIT_FILE;
  if (out) {
    if (export_census(f, ri, o->equilibria, o->limit, out, err, sizeof err) != 0) {
      fprintf(stderr, "sgema-export: %s: %s\n", o->path, err);
      st = EXIT_FILE;
    }
    st = output_close(o, out, tmp, st);
  }
  return st;
}

int main(int argc, char **argv) {
  options o = {NULL, NULL, NULL, NULL, "sgema-trial", {0}, -1, 0, 0, 0, 0, 0, NULL};
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    o.classes[c] = 1;
  fill_class_names();
  int pc = parse(argc, argv, &o);
  if (pc != 0) {
    where_free(o.where);
    return pc > 0 ? EXIT_OK : EXIT_USAGE;
  }
  sum_file f;
  char err[512];
  int st = EXIT_FILE;
  if (sum_open(&f, o.path, err, sizeof err) != 0) {
    fprintf(stderr, "sgema-export: %s: %s\n", o.path, err);
  } else if (o.out_path && out_check_not_input(o.out_path, err, sizeof err) != 0) {
    /* Before anything is read or written: the results file must survive a slip of -o. */
    fprintf(stderr, "sgema-export: -o %s: %s\n", o.out_path, err);
    st = EXIT_USAGE;
  } else if (!o.out_path && out_check_fd_not_input(STDOUT_FILENO, err, sizeof err) != 0) {
    fprintf(stderr, "sgema-export: standard output %s\n", err);
    st = EXIT_USAGE;
  } else {
    int ri = find_run(&f, o.run);
    if (ri >= 0 && o.cells && !grid_design_of(&f, (size_t)ri))
      fprintf(stderr,
              "sgema-export: %s: --cells: run %s is not a grid run (%s): --cells is for runs with "
              "a phase or basins design\n",
              o.path, f.runs[ri].name,
              f.runs[ri].census ? "a census run"
              : f.exp           ? "its design is random"
                                : "its experiment did not reload");
    else if (ri >= 0 && o.cells)
      st = export_cells_run(&o, &f, (size_t)ri);
    else if (ri >= 0 && f.runs[ri].census && (o.where || o.commands || !all_classes(&o)))
      fprintf(stderr,
              "sgema-export: %s: run %s is a census run: --class, --where and --commands are "
              "for runs of trials (a census run exports its data sets, or --equilibria)\n",
              o.path, f.runs[ri].name);
    else if (ri >= 0 && f.runs[ri].census)
      st = export_census_run(&o, &f, (size_t)ri);
    else if (ri >= 0 && sum_count_run(&f, (size_t)ri, err, sizeof err) != 0)
      fprintf(stderr, "sgema-export: %s: %s\n", o.path, err);
    else if (ri >= 0) {
      const sum_run *r = &f.runs[ri];
      if (r->done < (long)r->trials)
        fprintf(stderr,
                "sgema-export: %s: run %s is incomplete (%ld of %u trials done): only "
                "done trials are exported\n",
                o.path, r->name, r->done, r->trials);
      st = export_run(&o, &f, (size_t)ri);
    }
  }
  sum_close(&f);
  where_free(o.where);
  return st;
}

/* sgema-plot: publication figures (PNG, SVG, PDF through PLplot's cairo devices) of results files.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli_args.h"
#include "out_file.h"
#include "plot.h"
#include "run_pool.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const plot_kind *const kinds[] = {&plot_kind_trajectories, &plot_kind_ebar,
                                         &plot_kind_classes,      &plot_kind_delta,
                                         &plot_kind_sweep,        &plot_kind_ranks,
                                         &plot_kind_trial,        &plot_kind_phase,
                                         &plot_kind_basins,       NULL};

typedef struct {
  const plot_kind *kind;
  char **files;
  int nfiles;
  const char *out, *runs, *data;
  int width, height, bins;
  long trajectories;
  long trial; /* --trial K (trial), -1 when not given */
  int trial_given;
  int cls;    /* --class (phase), -1 when not given */
  int panels; /* --panels (phase) */
} options;

static void usage(FILE *out) {
  fputs("Usage: sgema-plot KIND RESULTS.h5... -o OUT.png|OUT.svg|OUT.pdf [--run NAME[,NAME...]]\n"
        "                  [--size WxH] [--trajectories K] [--bins N] [--class C] [--panels]\n"
        "Draws a figure of sgema results files (docs/FORMAT.md; docs/PLOTS.md). KIND is one of\n",
        out);
  for (int i = 0; kinds[i]; i++)
    fprintf(out, "  %-13s %s\n", kinds[i]->name, kinds[i]->summary);
  fputs(
      "\n  -o, --output OUT  the image; its extension picks PNG, SVG or PDF\n"
      "  --run NAMES       only these runs (comma-separated), in this order; default: every run\n"
      "                    of the files that suits KIND\n"
      "  --size WxH        pixels for PNG, points for SVG and PDF (default 1600x1000)\n"
      "  --trajectories K  at most K recorded trajectories per run (trajectories, ebar)\n"
      "  --bins N          bins of Delta (delta; default 12)\n"
      "  --trial K         the trial to re-integrate and draw (trial; needs one --run)\n"
      "  --data OUT.csv    also write the numbers drawn as CSV (sweep, ranks, trial)\n"
      "  --class C         phase: the fraction of class C per cell (default stable)\n"
      "  --panels          phase: one panel per class (stable, origin, partial) for each run\n"
      "  -h, --help\n\n"
      "Exit status: 0 written; 1 missing, truncated or foreign file, unknown run, or data that do\n"
      "not suit KIND (no output file is left behind); 2 bad command line, including a file given\n"
      "twice, a run named twice, or two runs that hold the same trials (same settings, seed and\n"
      "stream), which would count the same trials twice.\n",
      out);
}

/* A class by name (sgema_class_name's), -1 when none. */
static int class_parse(const char *name) {
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    if (strcmp(name, sgema_class_name((sgema_class)c)) == 0)
      return c;
  return -1;
}

static const plot_kind *find_kind(const char *name) {
  for (int i = 0; kinds[i]; i++)
    if (strcmp(kinds[i]->name, name) == 0)
      return kinds[i];
  return NULL;
}

/* A name listed twice in --run would draw (or pool) the same run twice. */
static void check_repeated_name(cli_errors *e, const char *list) {
  for (const char *p = list; *p;) {
    size_t len = strcspn(p, ",");
    for (const char *q = p + len + (p[len] == ','); *q;) {
      size_t qlen = strcspn(q, ",");
      if (qlen == len && strncmp(p, q, len) == 0) {
        cli_error(e, "--run: '%.*s' is named twice", (int)len, p);
        return;
      }
      q += qlen + (q[qlen] == ',');
    }
    p += len + (p[len] == ',');
  }
}

/* "1600x1000": two integers in [50, 20000]. */
static void parse_size(cli_errors *e, const char *text, int *w, int *h) {
  const char *x = strchr(text, 'x');
  char buf[64];
  if (!x || strlen(text) >= sizeof buf) {
    cli_error(e, "--size: '%s' is not WIDTHxHEIGHT (e.g. 1600x1000)", text);
    return;
  }
  memcpy(buf, text, (size_t)(x - text));
  buf[x - text] = '\0';
  if (cli_int(e, "--size width", buf, 50, 20000, w) == 0)
    cli_int(e, "--size height", x + 1, 50, 20000, h);
}

static int parse(int argc, char **argv, options *o) {
  static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                       {"run", required_argument, 0, 'r'},
                                       {"size", required_argument, 0, 's'},
                                       {"trajectories", required_argument, 0, 't'},
                                       {"bins", required_argument, 0, 'b'},
                                       {"trial", required_argument, 0, 'k'},
                                       {"data", required_argument, 0, 'd'},
                                       {"class", required_argument, 0, 'c'},
                                       {"panels", no_argument, 0, 'p'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  cli_errors e;
  cli_errors_init(&e, "sgema-plot", stderr);
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
    switch (c) {
    case 'o':
      o->out = optarg;
      break;
    case 'r':
      o->runs = optarg;
      if (!optarg[0] || strstr(optarg, ",,") || optarg[0] == ',' ||
          optarg[strlen(optarg) - 1] == ',')
        cli_error(&e, "--run: '%s' is not a comma-separated list of run names", optarg);
      else
        check_repeated_name(&e, optarg);
      break;
    case 'k':
      o->trial_given = 1;
      cli_long(&e, "--trial", optarg, 0, 4294967295L, &o->trial);
      break;
    case 'd':
      o->data = optarg;
      break;
    case 'c':
      o->cls = class_parse(optarg);
      if (o->cls < 0)
        cli_error(&e,
                  "--class: '%s' is not a class (origin, stable, saddle, partial, "
                  "not_converged, diverged, failed)",
                  optarg);
      break;
    case 'p':
      o->panels = 1;
      break;
    case 's':
      parse_size(&e, optarg, &o->width, &o->height);
      break;
    case 't':
      cli_long(&e, "--trajectories", optarg, 1, 1000000000L, &o->trajectories);
      break;
    case 'b':
      cli_int(&e, "--bins", optarg, 1, 1000, &o->bins);
      break;
    case 'h':
      usage(stdout);
      return 1;
    default:
      cli_error(&e, "unknown option or missing value: '%s' (see --help)", argv[optind - 1]);
    }
  }
  if (optind >= argc) {
    cli_error(&e, "no KIND given (trajectories, ebar, classes, delta, sweep, ranks, trial, phase, "
                  "basins)");
  } else if (!(o->kind = find_kind(argv[optind]))) {
    cli_error(&e,
              "unknown KIND '%s' (trajectories, ebar, classes, delta, sweep, ranks, trial, "
              "phase, basins)",
              argv[optind]);
  } else if (optind + 1 >= argc) {
    cli_error(&e, "no results file given");
  }
  o->files = argv + optind + 1;
  o->nfiles = argc - optind - 1;
  if (o->kind && o->kind->write_data == NULL && o->data)
    cli_error(&e, "--data: KIND %s has no numbers to write (only sweep, ranks and trial)",
              o->kind->name);
  if (o->kind && strcmp(o->kind->name, "trial") == 0) {
    if (!o->trial_given)
      cli_error(&e, "trial: --trial K is needed");
    if (!o->runs || strchr(o->runs, ','))
      cli_error(&e, "trial: one --run NAME is needed");
    if (o->nfiles > 1)
      cli_error(&e, "trial: one results file is needed");
  } else if (o->trial_given && o->kind) {
    cli_error(&e, "--trial: only for KIND trial");
  }
  int phase = o->kind && strcmp(o->kind->name, "phase") == 0;
  if (o->kind && !phase && o->cls >= 0)
    cli_error(&e, "--class: only for KIND phase");
  if (o->kind && !phase && o->panels)
    cli_error(&e, "--panels: only for KIND phase");
  if (o->cls >= 0 && o->panels)
    cli_error(&e, "--class and --panels: give one (the panels are stable, origin and partial)");
  if (o->data && o->out && strcmp(o->data, o->out) == 0)
    cli_error(&e, "--data %s: the same file as -o", o->data);
  if (!o->out)
    cli_error(&e, "no output given (-o OUT.png, OUT.svg or OUT.pdf)");
  else if (!plot_device_for(o->out))
    cli_error(&e, "-o %s: unsupported extension (use .png, .svg or .pdf)", o->out);
  return e.count ? -1 : 0;
}

/* The files' names for messages: "a.h5" or "a.h5, b.h5". */
static void file_names(const options *o, char *buf, size_t size) {
  buf[0] = '\0';
  for (int i = 0; i < o->nfiles; i++) {
    size_t len = strlen(buf);
    snprintf(buf + len, size - len, "%s%s", i ? ", " : "", o->files[i]);
  }
}

static const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* A run's label: its name, with its file's base name when several files are plotted. */
static char *run_label(const options *o, const sum_file *f, size_t run) {
  const char *name = f->runs[run].name;
  size_t len = strlen(name) + strlen(f->path) + 8;
  char *s = malloc(len);
  if (s && o->nfiles > 1)
    snprintf(s, len, "%s (%s)", name, base_name(f->path));
  else if (s)
    snprintf(s, len, "%s", name);
  return s;
}

static int add_run(plot_job *job, const options *o, sum_file *f, size_t run) {
  plot_run *r = &job->runs[job->count];
  r->file = f;
  r->run = run;
  r->label = run_label(o, f, run);
  if (!r->label)
    return -1;
  job->count++;
  return 0;
}

/* Every run of every file, or the named ones in the order named (a name may match in several
 * files). */
static int select_runs(plot_job *job, const options *o, sum_file *files, char *err,
                       size_t errsize) {
  size_t total = 0;
  for (int i = 0; i < o->nfiles; i++)
    total += files[i].run_count;
  job->runs = calloc(total ? total : 1, sizeof *job->runs);
  if (!job->runs)
    return snprintf(err, errsize, "out of memory"), -1;
  if (!o->runs) {
    for (int i = 0; i < o->nfiles; i++)
      for (size_t r = 0; r < files[i].run_count; r++)
        if (add_run(job, o, &files[i], r) != 0)
          return snprintf(err, errsize, "out of memory"), -1;
    return 0;
  }
  job->explicit_runs = 1;
  const char *p = o->runs;
  while (*p) {
    size_t len = strcspn(p, ",");
    int found = 0;
    for (int i = 0; i < o->nfiles; i++)
      for (size_t r = 0; r < files[i].run_count; r++)
        if (strlen(files[i].runs[r].name) == len && strncmp(files[i].runs[r].name, p, len) == 0) {
          found = 1;
          if (add_run(job, o, &files[i], r) != 0)
            return snprintf(err, errsize, "out of memory"), -1;
        }
    if (!found) {
      int n = snprintf(err, errsize, "no run named '%.*s'; the runs are:", (int)len, p);
      for (int i = 0; i < o->nfiles; i++)
        for (size_t r = 0; r < files[i].run_count && n > 0 && (size_t)n < errsize; r++)
          n += snprintf(err + n, errsize - (size_t)n, " %s", files[i].runs[r].name);
      return -1;
    }
    p += len + (p[len] == ',');
  }
  return 0;
}

/* Two selected runs with the same settings, seed and stream hold the same trials (the same run in
 * two files, a copy of a file): drawing or pooling both would count every trial twice. */
static int same_trials(const plot_job *job, char *err, size_t errsize) {
  for (size_t i = 0; i < job->count; i++)
    for (size_t j = i + 1; j < job->count; j++) {
      const sum_file *fa = job->runs[i].file, *fb = job->runs[j].file;
      const sum_run *a = &fa->runs[job->runs[i].run], *b = &fb->runs[job->runs[j].run];
      if (fa->has_seed && fb->has_seed && fa->seed == fb->seed && a->stream == b->stream &&
          a->settings && b->settings && a->settings[0] && strcmp(a->settings, b->settings) == 0) {
        snprintf(err, errsize,
                 "run %s of %s and run %s of %s hold the same trials (same settings, seed %llu "
                 "and stream %u): give each run once",
                 a->name, fa->path, b->name, fb->path, (unsigned long long)fa->seed, a->stream);
        return -1;
      }
    }
  return 0;
}

/* --data: the kind's numbers into a temporary file next to the path, renamed by data_commit. */
static int data_write(const options *o, plot_job *job, void *data, char *tmp, size_t tmpsize,
                      char *err, size_t errsize) {
  if (out_check_not_input(o->data, err, errsize) != 0)
    return -1;
  int fd = out_tmp_create(o->data, tmp, tmpsize);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!f) {
    snprintf(err, errsize, "--data %s: cannot create a file next to it", o->data);
    if (fd >= 0)
      close(fd);
    if (fd >= 0)
      unlink(tmp);
    tmp[0] = '\0';
    return -1;
  }
  int st = o->kind->write_data(job, data, f);
  if (fclose(f) != 0 || st != 0) {
    snprintf(err, errsize, "--data %s: write error (disk full?)", o->data);
    unlink(tmp);
    tmp[0] = '\0';
    return -1;
  }
  return 0;
}

static int run_job(const options *o, sum_file *files, char *names) {
  char err[1024], data_tmp[4096] = "";
  plot_job job = {0};
  plot_out out = {o->out, plot_device_for(o->out), o->width, o->height, "", 0};
  job.trajectories = o->trajectories;
  job.bins = o->bins;
  job.trial = o->trial;
  job.cls = o->cls >= 0 ? o->cls : SGEMA_CLASS_STABLE;
  job.panels = o->panels;
  job.out = &out;
  void *data = NULL;
  int st = select_runs(&job, o, files, err, sizeof err);
  /* The trial kind names one run and one trial: naming one that is not there is a usage error. */
  job.usage_error = st != 0 && strcmp(o->kind->name, "trial") == 0;
  if (st == 0 && (st = same_trials(&job, err, sizeof err)) != 0) {
    fprintf(stderr, "sgema-plot: %s: %s\n", names, err);
    for (size_t i = 0; i < job.count; i++)
      free((char *)job.runs[i].label);
    free(job.runs);
    return PLOT_EXIT_USAGE;
  }
  if (st == 0)
    st = o->kind->check(&job, &data, err, sizeof err);
  if (st == 0 && o->data)
    st = data_write(o, &job, data, data_tmp, sizeof data_tmp, err, sizeof err);
  if (st == 0 && (st = plot_begin(&out, err, sizeof err)) != 0) {
    fprintf(stderr, "sgema-plot: %s: %s\n", o->out, err);
    names = NULL;
  }
  if (st == 0 && (st = o->kind->draw(&job, data, err, sizeof err)) != 0)
    plot_abort(&out);
  if (st == 0 && (st = plot_end(&out, err, sizeof err)) != 0) {
    fprintf(stderr, "sgema-plot: %s: %s\n", o->out, err);
    names = NULL;
  }
  if (data_tmp[0] && st != 0)
    unlink(data_tmp);
  else if (data_tmp[0] && out_tmp_commit(data_tmp, o->data) != 0) {
    fprintf(stderr, "sgema-plot: %s: cannot rename the data onto it\n", o->data);
    st = -1;
    names = NULL;
  }
  if (st != 0 && names)
    fprintf(stderr, "sgema-plot: %s: %s\n", names, err);
  if (data)
    o->kind->free_data(data);
  for (size_t i = 0; i < job.count; i++)
    free((char *)job.runs[i].label);
  free(job.runs);
  return st == 0 ? PLOT_EXIT_OK : job.usage_error ? PLOT_EXIT_USAGE : PLOT_EXIT_FILE;
}

/* The same file given twice (by any name: device and inode) would count its trials twice. */
static int repeated_file(const options *o) {
  pool_file_id *ids = calloc((size_t)o->nfiles + 1, sizeof *ids);
  size_t n = 0, first;
  int *which = calloc((size_t)o->nfiles + 1, sizeof *which);
  if (!ids || !which) {
    free(ids);
    free(which);
    return 0; /* out of memory is reported when the files are read */
  }
  for (int i = 0; i < o->nfiles; i++)
    if (pool_file_id_of(o->files[i], &ids[n]) == 0)
      which[n++] = i;
  long j = pool_repeated_file(ids, n, &first);
  if (j >= 0)
    fprintf(stderr, "sgema-plot: %s: given twice (also as %s): its trials would be counted twice\n",
            o->files[which[j]], o->files[which[first]]);
  free(ids);
  free(which);
  return j >= 0 ? -1 : 0;
}

int main(int argc, char **argv) {
  options o = {NULL, NULL, 0, NULL, NULL, NULL, 1600, 1000, 12, -1, -1, 0, -1, 0};
  int pc = parse(argc, argv, &o);
  if (pc != 0)
    return pc > 0 ? PLOT_EXIT_OK : PLOT_EXIT_USAGE;
  if (repeated_file(&o) != 0)
    return PLOT_EXIT_USAGE;
  sum_file *files = calloc((size_t)o.nfiles, sizeof *files);
  size_t nsize = 64;
  for (int i = 0; i < o.nfiles; i++)
    nsize += strlen(o.files[i]) + 2;
  char *names = malloc(nsize);
  if (!files || !names) {
    fprintf(stderr, "sgema-plot: out of memory\n");
    return PLOT_EXIT_FILE;
  }
  file_names(&o, names, nsize);
  int status = PLOT_EXIT_OK, opened = 0;
  char err[512];
  for (; opened < o.nfiles; opened++)
    if (sum_open(&files[opened], o.files[opened], err, sizeof err) != 0) {
      fprintf(stderr, "sgema-plot: %s: %s\n", o.files[opened], err);
      status = PLOT_EXIT_FILE;
      opened++;
      break;
    }
  /* Checked here, before any drawing, so that writing over an input is a refusal of the command
   * line rather than the temporary file's last line of defence. */
  if (status == PLOT_EXIT_OK && out_check_not_input(o.out, err, sizeof err) != 0) {
    fprintf(stderr, "sgema-plot: -o %s: %s\n", o.out, err);
    status = PLOT_EXIT_USAGE;
  }
  if (status == PLOT_EXIT_OK)
    status = run_job(&o, files, names);
  for (int i = 0; i < opened; i++)
    sum_close(&files[i]);
  free(files);
  free(names);
  return status;
}

/* sgema-plot's output and drawing helpers: PLplot (cairo devices) behind a few calls. */
#define _POSIX_C_SOURCE 200809L
#include "plot.h"

#include "out_file.h"

#include <errno.h>
#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* PLplot reports errors through process-wide callbacks without a context pointer, hence the one
 * static: the output being drawn (one per process). */
static plot_out *current;
static char plplot_problem[256];
/* plsError's slots: with them set, plabort stores its message here instead of printing it. */
static PLINT plplot_errcode;
static char plplot_errmsg[1024];

const char *plot_device_for(const char *path) {
  const char *dot = strrchr(path, '.');
  const char *slash = strrchr(path, '/');
  if (!dot || (slash && dot < slash))
    return NULL;
  if (strcasecmp(dot, ".png") == 0)
    return "pngcairo";
  if (strcasecmp(dot, ".svg") == 0)
    return "svgcairo";
  if (strcasecmp(dot, ".pdf") == 0)
    return "pdfcairo";
  return NULL;
}

/* plexit: PLplot cannot go on. Remove the partial image and stop with one line. */
static int on_plplot_exit(const char *msg) {
  if (current && current->tmp[0])
    unlink(current->tmp);
  fprintf(stderr, "sgema-plot: %s: PLplot: %s\n", current ? current->path : "?", msg);
  fflush(stderr);
  _exit(PLOT_EXIT_FILE);
}

/* plabort: an operation was skipped. Remember it: the image is then not trusted. */
static void on_plplot_abort(const char *msg) {
  if (!plplot_problem[0])
    snprintf(plplot_problem, sizeof plplot_problem, "%s", msg);
}

/* The palette: white, black, two greys, then 15 distinguishable series colours (Tableau 10
 * followed by five darker tones of Tableau 20b). */
static const unsigned char palette[PLOT_SERIES + PLOT_SERIES_COUNT][3] = {
    {255, 255, 255}, {0, 0, 0},       {110, 110, 110}, {200, 200, 200}, {31, 119, 180},
    {255, 127, 14},  {44, 160, 44},   {214, 39, 40},   {148, 103, 189}, {140, 86, 75},
    {227, 119, 194}, {127, 127, 127}, {188, 189, 34},  {23, 190, 207},  {57, 59, 121},
    {99, 121, 57},   {140, 109, 49},  {132, 60, 57},   {123, 65, 115}};

static void set_palette(void) {
  enum { N = PLOT_SERIES + PLOT_SERIES_COUNT };
  PLINT r[N], g[N], b[N];
  for (int i = 0; i < N; i++) {
    r[i] = palette[i][0];
    g[i] = palette[i][1];
    b[i] = palette[i][2];
  }
  plscmap0(r, g, b, N);
}

int plot_begin(plot_out *o, char *err, size_t errsize) {
  int fd = out_tmp_create(o->path, o->tmp, sizeof o->tmp);
  if (fd < 0) {
    snprintf(err, errsize, "cannot create a file next to it: %s", strerror(errno));
    return -1;
  }
  close(fd);
  current = o;
  plplot_problem[0] = '\0';
  plsexit(on_plplot_exit);
  plsabort(on_plplot_abort);
  plplot_errcode = 0;
  plplot_errmsg[0] = '\0';
  plsError(&plplot_errcode, plplot_errmsg);
  plsdev(o->device);
  plsfnam(o->tmp);
  plspage(0.0, 0.0, o->width, o->height, 0, 0);
  set_palette();
  /* No "press enter" between pages, no questions: a batch tool. */
  plspause(0);
  plinit();
  o->started = 1;
  pladv(0);
  plot_text_scale(1.0);
  plwidth(1.0);
  return 0;
}

int plot_end(plot_out *o, char *err, size_t errsize) {
  plend();
  o->started = 0;
  struct stat st;
  if (plplot_problem[0]) {
    snprintf(err, errsize, "PLplot: %s", plplot_problem);
  } else if (stat(o->tmp, &st) != 0 || st.st_size == 0) {
    snprintf(err, errsize, "the image was not written (disk full?)");
  } else if (out_tmp_commit(o->tmp, o->path) != 0) {
    snprintf(err, errsize, "cannot rename the image onto it: %s", strerror(errno));
  } else {
    o->tmp[0] = '\0';
    current = NULL;
    return 0;
  }
  unlink(o->tmp);
  o->tmp[0] = '\0';
  current = NULL;
  return -1;
}

void plot_abort(plot_out *o) {
  if (o->started)
    plend();
  o->started = 0;
  if (o->tmp[0])
    unlink(o->tmp);
  o->tmp[0] = '\0';
  current = NULL;
}

void plot_series_colour(int i) {
  plcol0(PLOT_SERIES + (i % PLOT_SERIES_COUNT + PLOT_SERIES_COUNT) % PLOT_SERIES_COUNT);
}

int plot_class_colour(int cls) {
  /* origin grey, stable blue, saddle orange, partial green, not_converged purple, diverged red */
  static const int map[SGEMA_CLASS_COUNT] = {PLOT_SERIES + 7, PLOT_SERIES + 0, PLOT_SERIES + 1,
                                             PLOT_SERIES + 2, PLOT_SERIES + 4, PLOT_SERIES + 3};
  return cls >= 0 && cls < SGEMA_CLASS_COUNT ? map[cls] : PLOT_BLACK;
}

/* The page's text scale: PLplot's default height (about 3 mm) suits a page near 1600 x 1000; text
 * keeps the same share of the page at other sizes. */
static double page_scale;

void plot_text_scale(double factor) {
  if (current && page_scale == 0.0)
    page_scale = fmin(current->width / 1600.0, current->height / 1000.0);
  double s = page_scale > 0 ? page_scale : 1.0;
  plschr(0.0, factor * 0.8 * (s < 0.35 ? 0.35 : s));
}

void plot_panel(int i, int n, int equal, double xmin, double xmax, double ymin, double ymax) {
  int ncol = n <= 4 ? n : (int)ceil(sqrt((double)n));
  int nrow = (n + ncol - 1) / ncol;
  int row = i / ncol, col = i % ncol;
  /* Cells share [0, 1] x [PLOT_STRIP, 0.95] of the page (the strip below is the legend's), then
   * margins for numbers, labels and a two-line title. */
  double top_page = 0.95, w = 1.0 / ncol, h = (top_page - PLOT_STRIP) / nrow;
  double x0 = col * w, y1 = top_page - row * h;
  double left = x0 + w * (ncol == 1 ? 0.08 : 0.06 * ncol + 0.03), right = x0 + w * 0.95;
  double bottom = y1 - h + 0.09, top = y1 - 0.09;
  if (equal)
    plvpas(left, right, bottom, top, (ymax - ymin) / (xmax - xmin));
  else
    plvpor(left, right, bottom, top);
  plwind(xmin, xmax, ymin, ymax);
}

void plot_frame(const char *xlabel, const char *ylabel, const char *title, const char *subtitle,
                int ylog) {
  plcol0(PLOT_BLACK);
  plwidth(1.0);
  plot_style(1);
  plbox("bcnst", 0.0, 0, ylog ? "bcnstvl" : "bcnstv", 0.0, 0);
  plmtex("b", 2.6, 0.5, 0.5, xlabel);
  plmtex("l", ylog ? 4.4 : 4.0, 0.5, 0.5, ylabel);
  plot_text_scale(1.15);
  plmtex("t", subtitle ? 2.3 : 1.0, 0.5, 0.5, title);
  plot_text_scale(0.9);
  if (subtitle)
    plmtex("t", 0.9, 0.5, 0.5, subtitle);
  plot_text_scale(1.0);
}

void plot_segment(double x0, double y0, double x1, double y1) {
  pljoin(x0, y0, x1, y1);
}

void plot_style(int style) {
  static const PLINT dash[1] = {1500}, gap[1] = {1000};
  static const PLINT dot[1] = {300}, dotgap[1] = {700};
  static const PLINT dd[2] = {1500, 300}, ddgap[2] = {700, 700};
  switch (style) {
  case 2:
    plstyl(1, dash, gap);
    break;
  case 3:
    plstyl(1, dot, dotgap);
    break;
  case 4:
    plstyl(2, dd, ddgap);
    break;
  default:
    plstyl(0, NULL, NULL);
  }
}

void plot_whisker(double x, double lo, double hi, double cap) {
  if (!isfinite(lo) || !isfinite(hi))
    return;
  pljoin(x, lo, x, hi);
  pljoin(x - cap / 2, lo, x + cap / 2, lo);
  pljoin(x - cap / 2, hi, x + cap / 2, hi);
}

int plot_keep_runs(plot_job *job, int (*suits)(const plot_run *r, char *why, size_t whysize),
                   const char *need, char *err, size_t errsize) {
  size_t kept = 0;
  for (size_t i = 0; i < job->count; i++) {
    char why[256];
    if (suits(&job->runs[i], why, sizeof why)) {
      job->runs[kept++] = job->runs[i];
    } else if (job->explicit_runs) {
      snprintf(err, errsize, "run %s: %s", job->runs[i].label, why);
      return -1;
    } else { /* dropped: its label is freed here, past job->count (LeakSanitizer) */
      free((char *)job->runs[i].label);
    }
  }
  job->count = kept;
  if (kept == 0) {
    snprintf(err, errsize, "no run with %s", need);
    return -1;
  }
  return 0;
}

/* One entry's sample (line, box or symbol) with its left end at x, in millimetres. */
static void strip_sample(const plot_legend_entry *e, double x, double y, double len) {
  plcol0(e->colour);
  if (e->box) {
    PLFLT bx[4] = {x, x + len, x + len, x}, by[4] = {y - 1.2, y - 1.2, y + 1.2, y + 1.2};
    plfill(4, bx, by);
  }
  if (e->style > 0) {
    plwidth(e->width > 0 ? e->width : 1.0);
    plot_style(e->style);
    pljoin(x, y, x + len, y);
    plot_style(1);
  }
  if (e->symbol) {
    PLFLT sx = x + len / 2, sy = y;
    plot_text_scale(0.55);
    plstring(1, &sx, &sy, e->symbol);
    plot_text_scale(0.9);
  }
  plwidth(1.0);
}

/* A text's width in millimetres, estimated (PLplot has no public text measure): its characters
 * times 0.68 of the character height, PLplot's escapes (#u, #d) not counted. */
static double text_mm(const char *s) {
  PLFLT def, ht;
  plgchr(&def, &ht);
  long chars = 0;
  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    if (*c == '#' && c[1]) {
      c++;
      continue;
    }
    chars += (*c & 0xC0) != 0x80; /* count UTF-8 lead bytes only */
  }
  return 0.68 * ht * (double)chars;
}

void plot_legend_strip(const plot_legend_entry *e, int n) {
  /* Laid out by hand in millimetres, centred in one row. */
  PLFLT xmm0, xmm1, ymm0, ymm1;
  plvpor(0.0, 1.0, 0.0, PLOT_STRIP);
  plgspa(&xmm0, &xmm1, &ymm0, &ymm1);
  double wmm = xmm1 - xmm0, hmm = (ymm1 - ymm0) * PLOT_STRIP;
  plwind(0.0, wmm, 0.0, hmm);
  plot_text_scale(0.9);
  double sample = 0.035 * wmm, gap = 0.008 * wmm, space = 0.025 * wmm, total = 0.0;
  for (int i = 0; i < n; i++)
    total += sample + gap + text_mm(e[i].text) + (i + 1 < n ? space : 0.0);
  double x = (wmm - total) / 2, y = hmm * 0.55;
  for (int i = 0; i < n; i++) {
    strip_sample(&e[i], x, y, sample);
    x += sample + gap;
    plcol0(PLOT_BLACK);
    plptex(x, y, 1.0, 0.0, 0.0, e[i].text);
    x += text_mm(e[i].text) + space;
  }
  plot_text_scale(1.0);
}

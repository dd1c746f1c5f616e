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

/* Page units (pixels, points) per millimetre: PLplot sizes characters in millimetres. */
static double units_per_mm = 1.0;

static void measure_page(const plot_out *o) {
  PLFLT x0, x1, y0, y1;
  plgspa(&x0, &x1, &y0, &y1);
  units_per_mm = x1 > x0 ? o->width / (x1 - x0) : 1.0;
}

static void char_height(double h) {
  plschr(h / units_per_mm, 1.0);
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
  measure_page(o);
  char_height(lay_char_height(o->width, o->height));
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

/* ---- the laid-out page ---- */

lay_figure *plot_layout(const plot_out *o, lay_spec *spec, char *err, size_t errsize) {
  spec->W = o->width;
  spec->H = o->height;
  lay_figure *f = malloc(sizeof *f);
  if (!f) {
    snprintf(err, errsize, "out of memory");
    return NULL;
  }
  if (lay_build(spec, f, err, errsize) != 0) {
    free(f);
    return NULL;
  }
  return f;
}

/* The whole page as the window, in page units. */
static void use_page(const lay_figure *f) {
  plvpor(0.0, 1.0, 0.0, 1.0);
  plwind(0.0, f->W, 0.0, f->H);
}

void plot_use_panel(const lay_figure *f, int i) {
  const lay_panel *p = &f->panel[i];
  plvpor(p->frame.x0 / f->W, p->frame.x1 / f->W, p->frame.y0 / f->H, p->frame.y1 / f->H);
  plwind(p->x.lo, p->x.hi, p->y.lo, p->y.hi);
}

void plot_axes(const lay_figure *f, int i) {
  const lay_panel *p = &f->panel[i];
  plot_use_panel(f, i);
  plcol0(PLOT_BLACK);
  plwidth(1.0);
  plot_style(1);
  plbox("bc", 0.0, 0, "bc", 0.0, 0);
  double tx = 0.5 * f->h * (p->y.hi - p->y.lo) / (p->frame.y1 - p->frame.y0);
  double ty = 0.5 * f->h * (p->x.hi - p->x.lo) / (p->frame.x1 - p->frame.x0);
  for (int k = 0; k < p->x.n; k++) {
    pljoin(p->x.v[k], p->y.lo, p->x.v[k], p->y.lo + tx);
    pljoin(p->x.v[k], p->y.hi, p->x.v[k], p->y.hi - tx);
  }
  for (int k = 0; k < p->y.n; k++) {
    pljoin(p->x.lo, p->y.v[k], p->x.lo + ty, p->y.v[k]);
    pljoin(p->x.hi, p->y.v[k], p->x.hi - ty, p->y.v[k]);
  }
}

void plot_grid_y(const lay_figure *f, int i) {
  const lay_panel *p = &f->panel[i];
  plot_use_panel(f, i);
  plcol0(PLOT_LIGHT);
  plwidth(0.8);
  for (int k = 0; k < p->y.n; k++)
    if (p->y.v[k] > p->y.lo && p->y.v[k] < p->y.hi)
      pljoin(p->x.lo, p->y.v[k], p->x.hi, p->y.v[k]);
  plwidth(1.0);
}

void plot_symbol_size(const lay_figure *f, double factor) {
  char_height(factor * f->h);
}

void plot_legend(const lay_figure *f, const plot_legend_entry *e, int n) {
  use_page(f);
  for (int i = 0; i < n && i < LAY_MAX_LEGEND; i++) {
    const lay_box *b = &f->legend_sample[i];
    double y = (b->y0 + b->y1) / 2;
    plcol0(e[i].colour);
    if (e[i].box) {
      PLFLT bx[4] = {b->x0, b->x1, b->x1, b->x0}, by[4] = {b->y0, b->y0, b->y1, b->y1};
      plfill(4, bx, by);
    }
    if (e[i].style > 0) {
      plwidth(e[i].width > 0 ? e[i].width : 1.0);
      plot_style(e[i].style);
      pljoin(b->x0, y, b->x1, y);
      plot_style(1);
    }
    if (e[i].symbol) {
      PLFLT sx = (b->x0 + b->x1) / 2, sy = y;
      plot_symbol_size(f, 0.6);
      plstring(1, &sx, &sy, e[i].symbol);
    }
    plwidth(1.0);
  }
}

int plot_texts(const lay_figure *f, char *err, size_t errsize) {
  const char *dump = getenv("SGEMA_PLOT_LAYOUT");
  if (dump && dump[0] && lay_write(f, dump) != 0) {
    snprintf(err, errsize, "SGEMA_PLOT_LAYOUT=%s: cannot write the layout", dump);
    return -1;
  }
  const char *none = getenv("SGEMA_PLOT_NO_TEXT");
  if (none && strcmp(none, "1") == 0)
    return 0;
  use_page(f);
  for (int i = 0; i < f->ntext; i++) {
    const lay_text *t = &f->text[i];
    char_height(t->h);
    plcol0(t->colour);
    plptex(t->x, t->y, t->vertical ? 0.0 : 1.0, t->vertical ? 1.0 : 0.0, t->just, t->text);
  }
  char_height(f->h);
  return 0;
}

void plot_rect(double x0, double y0, double x1, double y1, int colour, double cmap1) {
  PLFLT x[4] = {x0, x1, x1, x0}, y[4] = {y0, y0, y1, y1};
  if (cmap1 >= 0)
    plcol1(cmap1);
  else
    plcol0(colour);
  plfill(4, x, y);
}

void plot_heat_palette(void) {
  /* viridis at five stops, linear in RGB between them: dark where the fraction is 0, light where
   * it is 1, and readable in grey. */
  static const PLFLT pos[5] = {0.0, 0.25, 0.5, 0.75, 1.0};
  static const PLFLT r[5] = {68 / 255.0, 59 / 255.0, 33 / 255.0, 94 / 255.0, 253 / 255.0};
  static const PLFLT g[5] = {1 / 255.0, 82 / 255.0, 145 / 255.0, 201 / 255.0, 231 / 255.0};
  static const PLFLT b[5] = {84 / 255.0, 139 / 255.0, 140 / 255.0, 98 / 255.0, 37 / 255.0};
  plscmap1n(256);
  plscmap1l(1, 5, pos, r, g, b, NULL);
}

void plot_colour_bar(const lay_figure *f) {
  const lay_box *b = &f->colorbar;
  if (!(b->x1 > b->x0))
    return;
  const lay_axis *a = &f->colorbar_axis;
  use_page(f);
  enum { STEPS = 128 };
  double h = (b->y1 - b->y0) / STEPS;
  for (int k = 0; k < STEPS; k++) /* each step overlaps the next so that no seam shows */
    plot_rect(b->x0, b->y0 + k * h, b->x1, fmin(b->y1, b->y0 + (k + 1.5) * h), 0,
              (k + 0.5) / STEPS);
  plcol0(PLOT_BLACK);
  plwidth(1.0);
  PLFLT x[5] = {b->x0, b->x1, b->x1, b->x0, b->x0}, y[5] = {b->y0, b->y0, b->y1, b->y1, b->y0};
  plline(5, x, y);
  for (int k = 0; k < a->n; k++) {
    double yy = b->y0 + (a->v[k] - a->lo) / (a->hi - a->lo) * (b->y1 - b->y0);
    pljoin(b->x1, yy, b->x1 + 0.4 * f->h, yy);
  }
}

void plot_text_backdrop(const lay_figure *f, int t, int colour) {
  if (t < 0 || t >= f->ntext)
    return;
  const lay_box *b = &f->text[t].box;
  use_page(f);
  plot_rect(b->x0, b->y0, b->x1, b->y1, colour, -1);
}

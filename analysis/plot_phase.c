/* sgema-plot's phase figure: a heatmap per run of the fraction of a class per grid cell over two
 * data statistics, on one colour scale, with the Delta = 0 curve for m = 1. */
#define _POSIX_C_SOURCE 200809L
#include "plot_grid.h"

#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The classes of --panels, in their panels' order. */
static const int panel_classes[] = {SGEMA_CLASS_STABLE, SGEMA_CLASS_ORIGIN, SGEMA_CLASS_PARTIAL};
#define PANEL_CLASSES ((int)(sizeof panel_classes / sizeof panel_classes[0]))

static void phase_free(void *vdata) {
  plot_grids *p = vdata;
  if (p)
    plot_grids_free(p);
  free(p);
}

static int check_phase(plot_job *job, void **data, char *err, size_t errsize) {
  plot_grids *p = calloc(1, sizeof *p);
  if (!p)
    return snprintf(err, errsize, "out of memory"), -1;
  *data = p;
  if (plot_grids_read(job, SGEMA_DESIGN_PHASE, p, err, errsize) != 0)
    return -1;
  size_t per_run = job->panels ? PANEL_CLASSES : 1;
  if (job->count * per_run > LAY_MAX_PANELS)
    return snprintf(err, errsize, "%zu runs make %zu panels, more than %d: name fewer with --run",
                    job->count, job->count * per_run, LAY_MAX_PANELS),
           -1;
  return 0;
}

static int heat_colour(const grid_cells *g, size_t c, const void *ctx) {
  int cls = *(const int *)ctx;
  if (g->done[c] == 0)
    return PLOT_LIGHT;
  int level = (int)(grid_cell_fraction(g, c, cls) * PLOT_GRID_LEVELS);
  return PLOT_GRID_CMAP1 + (level >= PLOT_GRID_LEVELS ? PLOT_GRID_LEVELS - 1 : level);
}

/* The statistic the grid leaves fixed (m = 1): the one of rho, tau, lambda not on an axis, its
 * value when its sampling range is one point (lo = hi). 0 when there is none. */
static int fixed_statistic(const plot_run *pr, const grid_cells *g, int *what, double *value) {
  const sgema_settings *s = grid_settings_of(pr->file, pr->run);
  const sum_run *r = &pr->file->runs[pr->run];
  if (!s || r->m != 1)
    return 0;
  int x = g->design.x.what, y = g->design.y.what;
  const sgema_sampling *sp = &s->sampling;
  double lo[3] = {sp->rho_lo, sp->tau_lo, sp->lambda_lo};
  double hi[3] = {sp->rho_hi, sp->tau_hi, sp->lambda_hi};
  for (int k = SGEMA_AXIS_RHO; k <= SGEMA_AXIS_LAMBDA; k++)
    if (k != x && k != y && x <= SGEMA_AXIS_LAMBDA && y <= SGEMA_AXIS_LAMBDA && lo[k] == hi[k]) {
      *what = k;
      *value = lo[k];
      return 1;
    }
  return 0;
}

/* Where Delta = tau^2 - 4 rho lambda = 0 on the y axis at x, branch b (tau = +-2 sqrt(rho
 * lambda)); NaN where it has none. */
static double delta_zero_y(int xw, int yw, int fw, double x, double fixed, int branch) {
  double v[3];
  v[xw] = x;
  v[fw] = fixed;
  if (yw == SGEMA_AXIS_TAU) {
    double p = 4 * v[SGEMA_AXIS_RHO] * v[SGEMA_AXIS_LAMBDA];
    return p >= 0 ? (branch ? -1 : 1) * sqrt(p) : NAN;
  }
  if (branch)
    return NAN;
  double t2 = v[SGEMA_AXIS_TAU] * v[SGEMA_AXIS_TAU];
  double other = yw == SGEMA_AXIS_RHO ? v[SGEMA_AXIS_LAMBDA] : v[SGEMA_AXIS_RHO];
  return other != 0 ? t2 / (4 * other) : NAN;
}

/* The Delta = 0 curve over panel i, sampled finely along x, clipped by PLplot to the window. */
static void draw_delta_zero(const lay_figure *f, int i, const grid_cells *g, int fw, double fixed) {
  enum { POINTS = 600 };
  const sgema_design *d = &g->design;
  plot_use_panel(f, i);
  plcol0(PLOT_SERIES + 3);
  plwidth(3.0);
  for (int b = 0; b < 2; b++) {
    PLFLT x[POINTS + 1], y[POINTS + 1];
    int n = 0;
    for (int k = 0; k <= POINTS + 1; k++) {
      double xv = d->x.lo + (d->x.hi - d->x.lo) * k / POINTS;
      double yv = k <= POINTS ? delta_zero_y(d->x.what, d->y.what, fw, xv, fixed, b) : NAN;
      if (isfinite(yv)) {
        x[n] = xv;
        y[n++] = yv;
        continue;
      }
      if (n > 1)
        plline(n, x, y);
      n = 0;
    }
  }
  plwidth(1.0);
}

/* A point of the Delta = 0 curve well inside panel k's window, for its label; 0 when none. */
static int delta_label_at(const grid_cells *g, int fw, double fixed, double *lx, double *ly) {
  const sgema_design *d = &g->design;
  for (int s = 0; s <= 600; s++) {
    double xv = d->x.lo + (d->x.hi - d->x.lo) * (0.6 + 0.25 * s / 600.0);
    for (int b = 0; b < 2; b++) {
      double yv = delta_zero_y(d->x.what, d->y.what, fw, xv, fixed, b);
      if (isfinite(yv) && yv > d->y.lo + 0.15 * (d->y.hi - d->y.lo) &&
          yv < d->y.hi - 0.15 * (d->y.hi - d->y.lo)) {
        *lx = xv;
        *ly = yv;
        return 1;
      }
    }
  }
  return 0;
}

typedef struct {
  char title[LAY_MAX_PANELS][192];
  char sub[LAY_MAX_PANELS][192];
  char xlabel[LAY_MAX_PANELS][64], ylabel[LAY_MAX_PANELS][64];
  lay_note note[LAY_MAX_PANELS];
  int cls[LAY_MAX_PANELS], run[LAY_MAX_PANELS], fixed_what[LAY_MAX_PANELS];
  double fixed[LAY_MAX_PANELS];
  int has_fixed[LAY_MAX_PANELS];
} phase_texts;

/* Panel k's texts and spec: run r, class cls. */
static void panel_spec(plot_job *job, const plot_grids *p, phase_texts *t, lay_spec *spec, int k,
                       int r, int cls) {
  const plot_run *pr = &job->runs[r];
  const sum_run *run = &pr->file->runs[pr->run];
  const grid_cells *g = &p->g[r];
  t->cls[k] = cls;
  t->run[k] = r;
  plot_grid_panel(&spec->panel[k], g, run->m, run->n, t->xlabel[k], t->ylabel[k],
                  sizeof t->xlabel[k]);
  if (job->panels)
    snprintf(t->title[k], sizeof t->title[k], "%s: %s", pr->label,
             sgema_class_name((sgema_class)cls));
  else
    snprintf(t->title[k], sizeof t->title[k], "%s", pr->label);
  int n = snprintf(t->sub[k], sizeof t->sub[k], "%s, m = %d, n = %d · %u × %u cells, %d per cell",
                   run->alg, run->m, run->n, g->nx, g->ny, g->design.per_cell);
  t->has_fixed[k] = fixed_statistic(pr, g, &t->fixed_what[k], &t->fixed[k]);
  if (t->has_fixed[k] && n > 0 && (size_t)n < sizeof t->sub[k]) {
    char name[16];
    sgema_design_axis a = {(sgema_axis_kind)t->fixed_what[k], 0, 0, 0, 1};
    grid_axis_label(&a, 1, 1, name, sizeof name);
    n += snprintf(t->sub[k] + n, sizeof t->sub[k] - (size_t)n, ", %s = %g", name, t->fixed[k]);
  }
  if (g->partial && n > 0 && (size_t)n < sizeof t->sub[k])
    snprintf(t->sub[k] + n, sizeof t->sub[k] - (size_t)n, " · %ld cells partial", g->partial);
  spec->panel[k].title = t->title[k];
  spec->panel[k].subtitle = t->sub[k];
}

static int draw_phase(plot_job *job, void *vdata, char *err, size_t errsize) {
  plot_grids *p = vdata;
  phase_texts *t = calloc(1, sizeof *t);
  if (!t)
    return snprintf(err, errsize, "out of memory"), -1;
  lay_spec spec = {0};
  char bar[96], title[160];
  int per_run = job->panels ? PANEL_CLASSES : 1;
  for (size_t r = 0; r < job->count; r++)
    for (int c = 0; c < per_run; c++)
      panel_spec(job, p, t, &spec, spec.npanels++, (int)r,
                 job->panels ? panel_classes[c] : job->cls);
  snprintf(bar, sizeof bar, "fraction of the cell's trials%s%s", job->panels ? "" : ": ",
           job->panels ? "" : sgema_class_name((sgema_class)job->cls));
  snprintf(title, sizeof title, "Phase diagram: %s per grid cell%s",
           job->panels ? "class fractions" : sgema_class_name((sgema_class)job->cls),
           job->count > 1 ? " (one colour scale)" : "");
  spec.title = title;
  spec.colorbar = bar;
  spec.colorbar_lo = 0.0;
  spec.colorbar_hi = 1.0;
  /* The Delta = 0 labels: notes where the curve runs well inside the window. */
  for (int k = 0; k < spec.npanels; k++) {
    double lx, ly;
    if (t->has_fixed[k] &&
        delta_label_at(&p->g[t->run[k]], t->fixed_what[k], t->fixed[k], &lx, &ly))
      t->note[spec.nnote++] = (lay_note){k, lx, ly, 0.0, 0.8, "Δ = 0"};
  }
  spec.note = t->note;
  lay_figure *f = plot_layout(job->out, &spec, err, errsize);
  if (!f) {
    free(t);
    return -1;
  }
  for (size_t k = 0; k < spec.nnote; k++)
    if (f->note_text[k] >= 0)
      f->text[f->note_text[k]].colour = PLOT_SERIES + 3; /* the curve's */
  plot_heat_palette();
  for (int k = 0; k < spec.npanels; k++) {
    plot_grid_cells(f, k, &p->g[t->run[k]], heat_colour, &t->cls[k]);
    if (t->has_fixed[k])
      draw_delta_zero(f, k, &p->g[t->run[k]], t->fixed_what[k], t->fixed[k]);
    plot_axes(f, k);
  }
  for (size_t k = 0; k < spec.nnote; k++)
    plot_text_backdrop(f, f->note_text[k], PLOT_WHITE);
  plot_colour_bar(f);
  int st = plot_texts(f, err, errsize);
  free(f);
  free(t);
  return st;
}

const plot_kind plot_kind_phase = {
    "phase",
    "heatmap of the fraction of a class (stable by default) per cell of a phase grid, with the "
    "Delta = 0 curve for m = 1",
    check_phase,
    draw_phase,
    phase_free,
    NULL};

/* sgema-plot's grid figures: per-cell counts of the selected runs and their cells drawn. */
#include "plot_grid.h"

#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int suits_phase(const plot_run *pr, char *why, size_t whysize) {
  const sgema_design *d = grid_design_of(pr->file, pr->run);
  if (d && d->kind == SGEMA_DESIGN_PHASE)
    return 1;
  snprintf(why, whysize, "not a phase run (its design is %s)",
           d ? sgema_design_kind_name(d->kind) : "random");
  return 0;
}

static int suits_basins(const plot_run *pr, char *why, size_t whysize) {
  const sgema_design *d = grid_design_of(pr->file, pr->run);
  if (d && d->kind == SGEMA_DESIGN_BASINS)
    return 1;
  snprintf(why, whysize, "not a basins run (its design is %s)",
           d ? sgema_design_kind_name(d->kind) : "random");
  return 0;
}

int plot_grids_read(plot_job *job, int kind, plot_grids *out, char *err, size_t errsize) {
  memset(out, 0, sizeof *out);
  int phase = kind == SGEMA_DESIGN_PHASE;
  if (plot_keep_runs(job, phase ? suits_phase : suits_basins,
                     phase ? "a phase design" : "a basins design", err, errsize) != 0)
    return -1;
  out->g = calloc(job->count, sizeof *out->g);
  if (!out->g)
    return snprintf(err, errsize, "out of memory"), -1;
  for (size_t i = 0; i < job->count; i++) {
    out->count = i + 1;
    if (grid_cells_read(job->runs[i].file, job->runs[i].run, &out->g[i], err, errsize) != 0)
      return -1;
    if (out->g[i].empty == (long)out->g[i].cells)
      return snprintf(err, errsize, "run %s: no trial done yet", job->runs[i].label), -1;
  }
  return 0;
}

void plot_grids_free(plot_grids *p) {
  for (size_t i = 0; i < p->count; i++)
    grid_cells_free(&p->g[i]);
  free(p->g);
  memset(p, 0, sizeof *p);
}

static void set_colour(int key) {
  if (key >= PLOT_GRID_CMAP1)
    plcol1((key - PLOT_GRID_CMAP1 + 0.5) / PLOT_GRID_LEVELS);
  else
    plcol0(key);
}

/* World x (or y) moved to the middle of its pixel of a PNG. PLplot's cairo devices fill a polygon
 * and then stroke its outline one pixel wide in the same colour: with every edge in the middle of
 * a pixel that stroke covers the edge's pixel exactly, in the colour of the cell drawn last, and
 * anti-aliasing blends no colours at cell edges (at pixel edges the stroke half covers the
 * neighbour's pixel: a seam of blended colour). */
static double snap(double w, double wlo, double whi, double plo, double phi) {
  double page = plo + (w - wlo) / (whi - wlo) * (phi - plo);
  return wlo + (floor(page) + 0.5 - plo) / (phi - plo) * (whi - wlo);
}

void plot_grid_cells(const lay_figure *f, int i, const grid_cells *g, plot_cell_colour colour,
                     const void *ctx) {
  const sgema_design *d = &g->design;
  const lay_panel *p = &f->panel[i];
  double cw = (d->x.hi - d->x.lo) / g->nx, ch = (d->y.hi - d->y.lo) / g->ny;
#define SNAP_X(v) snap(v, p->x.lo, p->x.hi, p->frame.x0, p->frame.x1)
#define SNAP_Y(v) snap(v, p->y.lo, p->y.hi, p->frame.y0, p->frame.y1)
  plot_use_panel(f, i);
  for (uint32_t iy = 0; iy < g->ny; iy++) {
    double ya = SNAP_Y(d->y.lo + iy * ch);
    double yb = SNAP_Y(iy + 1 < g->ny ? d->y.lo + (iy + 1.5) * ch : d->y.hi);
    for (uint32_t ix = 0; ix < g->nx;) {
      int key = colour(g, (size_t)iy * g->nx + ix, ctx);
      uint32_t end = ix + 1;
      while (end < g->nx && colour(g, (size_t)iy * g->nx + end, ctx) == key)
        end++;
      double xa = SNAP_X(d->x.lo + ix * cw);
      double xb = SNAP_X(end < g->nx ? d->x.lo + (end + 0.5) * cw : d->x.hi);
      set_colour(key);
      PLFLT x[4] = {xa, xb, xb, xa}, y[4] = {ya, ya, yb, yb};
      plfill(4, x, y);
      ix = end;
    }
  }
#undef SNAP_X
#undef SNAP_Y
}

void plot_grid_panel(lay_panel_spec *ps, const grid_cells *g, int m, int n, char *xlabel,
                     char *ylabel, size_t labelsize) {
  const sgema_design *d = &g->design;
  grid_axis_label(&d->x, m, n, xlabel, labelsize);
  grid_axis_label(&d->y, m, n, ylabel, labelsize);
  memset(ps, 0, sizeof *ps);
  ps->xlo = d->x.lo;
  ps->xhi = d->x.hi;
  ps->ylo = d->y.lo;
  ps->yhi = d->y.hi;
  ps->xlabel = xlabel;
  ps->ylabel = ylabel;
  /* The a plane (both axes entries of the state): one unit as long on both, so circles look round.
   */
  ps->equal = d->x.what >= SGEMA_AXIS_A && d->y.what >= SGEMA_AXIS_A;
}

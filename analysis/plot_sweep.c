/* sgema-plot's sweep figure: class fractions against m, a line per algorithm and rule for n. */
#define _POSIX_C_SOURCE 200809L
#include "plot.h"
#include "plot_series.h"

#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The series (analysis/plot_series.h) and the classes observed in some run: a panel each. */
typedef struct {
  plot_series_set set;
  int shown[SGEMA_CLASS_COUNT], nshown;
} sweep_data;

static void sweep_free(void *vd) {
  sweep_data *d = vd;
  if (d)
    series_free(&d->set);
  free(d);
}

static int check_sweep(plot_job *job, void **data, char *err, size_t errsize) {
  if (plot_read_counts(job, err, errsize) != 0)
    return -1;
  sweep_data *d = calloc(1, sizeof *d);
  if (!d)
    return snprintf(err, errsize, "out of memory"), -1;
  *data = d;
  for (size_t i = 0; i < job->count; i++) {
    const sum_run *r = &job->runs[i].file->runs[job->runs[i].run];
    for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
      d->shown[c] |= r->cls[c] > 0;
  }
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    d->nshown += d->shown[c];
  return series_build(job, 0, &d->set, err, errsize);
}

/* --data: one line per series, m and class, the numbers drawn. */
static int data_sweep(plot_job *job, void *vdata, FILE *out) {
  (void)job;
  const sweep_data *d = vdata;
  fputs("series,alg,variant,m,n,class,count,done,fraction,ci_low,ci_high,runs\n", out);
  for (int i = 0; i < d->set.nseries; i++) {
    const plot_series *s = &d->set.s[i];
    char name[160];
    series_name(s, name, sizeof name);
    for (int p = 0; p < s->npoints; p++)
      for (int c = 0; c < SGEMA_CLASS_COUNT; c++) {
        if (!d->shown[c])
          continue;
        double lo, hi;
        sum_wilson(s->cls[p][c], s->done[p], SUM_Z95, &lo, &hi);
        fprintf(out, "\"%s\",%s,\"%s\",%d,%d,%s,%ld,%ld,%.17g,%.17g,%.17g,\"%s\"\n", name, s->alg,
                s->variant, s->m[p], s->n[p], sgema_class_name((sgema_class)c), s->cls[p][c],
                s->done[p], (double)s->cls[p][c] / (double)s->done[p], lo, hi, s->runs[p]);
      }
  }
  return ferror(out) ? -1 : 0;
}

/* The panel's top: the highest whisker, rounded up to a multiple of 10%. */
static double panel_top(const sweep_data *d, int c) {
  double top = 0.0;
  for (int i = 0; i < d->set.nseries; i++)
    for (int p = 0; p < d->set.s[i].npoints; p++) {
      double lo, hi;
      sum_wilson(d->set.s[i].cls[p][c], d->set.s[i].done[p], SUM_Z95, &lo, &hi);
      top = fmax(top, 100 * hi);
    }
  top = 10.0 * ceil(top / 10.0 + 0.05);
  return top > 100 ? 100 : top < 10 ? 10 : top;
}

static void draw_class_panel(const lay_figure *f, const sweep_data *d, int c, int panel) {
  double pad = 0.4;
  plot_grid_y(f, panel);
  plot_use_panel(f, panel);
  plot_symbol_size(f, 0.6);
  for (int i = 0; i < d->set.nseries; i++) {
    const plot_series *s = &d->set.s[i];
    double dx = 0.05 * (i - (d->set.nseries - 1) / 2.0);
    PLFLT x[64], y[64];
    plot_series_colour(i);
    plwidth(1.3);
    for (int p = 0; p < s->npoints; p++) {
      double lo, hi;
      sum_wilson(s->cls[p][c], s->done[p], SUM_Z95, &lo, &hi);
      x[p] = s->m[p] + dx;
      y[p] = 100.0 * s->cls[p][c] / (double)s->done[p];
      plot_whisker(x[p], 100 * lo, 100 * hi, 0.015 * (d->set.m_max - d->set.m_min + 2 * pad));
    }
    plwidth(2.0);
    plot_style(series_style(s));
    if (s->npoints > 1)
      plline(s->npoints, x, y);
    plot_style(1);
    plstring(s->npoints, x, y, series_symbol(s));
  }
  plot_axes(f, panel);
}

static int draw_sweep(plot_job *job, void *vdata, char *err, size_t errsize) {
  sweep_data *d = vdata;
  plot_legend_entry le[32];
  char names[32][160];
  lay_spec spec = {0};
  spec.title = "Limits against m, by class (95% Wilson intervals)";
  for (int i = 0; i < d->set.nseries; i++) {
    series_name(&d->set.s[i], names[i], sizeof names[i]);
    le[i] = series_legend_entry(&d->set.s[i], i, names[i]);
    spec.legend[spec.nlegend++] = names[i];
  }
  double pad = 0.4;
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    if (d->shown[c])
      spec.panel[spec.npanels++] = (lay_panel_spec){d->set.m_min - pad,
                                                    d->set.m_max + pad,
                                                    0.0,
                                                    panel_top(d, c),
                                                    0,
                                                    0,
                                                    1.0,
                                                    sgema_class_name((sgema_class)c),
                                                    NULL,
                                                    "m",
                                                    "trials (%)",
                                                    0};
  lay_figure *f = plot_layout(job->out, &spec, err, errsize);
  if (!f)
    return -1;
  int panel = 0;
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    if (d->shown[c])
      draw_class_panel(f, d, c, panel++);
  plot_legend(f, le, d->set.nseries);
  int st = plot_texts(f, err, errsize);
  free(f);
  return st;
}

const plot_kind plot_kind_sweep = {
    "sweep",
    "class fractions against m, a panel per observed class, a line per algorithm and n = m + 1, "
    "2m or fixed n (runs pooled only when every other setting is equal; the others are series of "
    "their own, labelled by what differs)",
    check_sweep,
    draw_sweep,
    sweep_free,
    data_sweep};

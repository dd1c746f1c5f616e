/* sgema-plot's Delta figure (m = 1): the fraction of stable limits (and on S2) per bin of Delta. */
#define _POSIX_C_SOURCE 200809L
#include "plot.h"
#include "traj_rise.h"

#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  long *n, *stable, *s2; /* [bins] done trials, stable limits, limits on S2 */
  int differs;           /* stable and on-S2 counts differ somewhere (EMA's frozen target) */
} delta_series;

typedef struct {
  int bins;
  double lo, hi; /* Delta range over every selected run */
  size_t count;
  delta_series *s;
} delta_data;

static void delta_free(void *vdata) {
  delta_data *d = vdata;
  for (size_t i = 0; d && i < d->count; i++) {
    free(d->s[i].n);
    free(d->s[i].stable);
    free(d->s[i].s2);
  }
  if (d)
    free(d->s);
  free(d);
}

static int suits_m1(const plot_run *pr, char *why, size_t whysize) {
  const sum_run *r = &pr->file->runs[pr->run];
  if (r->m == 1)
    return 1;
  snprintf(why, whysize, "Delta and the spheres are defined for m = 1, this run has m = %d", r->m);
  return 0;
}

static int range_chunk(const uint8_t *done, const double *delta, const uint8_t *sphere,
                       const uint8_t *cls, size_t len, void *ctx) {
  (void)sphere;
  (void)cls;
  delta_data *d = ctx;
  for (size_t i = 0; i < len; i++)
    if (done[i] == 1 && isfinite(delta[i])) {
      d->lo = fmin(d->lo, delta[i]);
      d->hi = fmax(d->hi, delta[i]);
    }
  return 0;
}

typedef struct {
  const delta_data *d;
  delta_series *s;
} bin_ctx;

static int bin_chunk(const uint8_t *done, const double *delta, const uint8_t *sphere,
                     const uint8_t *cls, size_t len, void *vctx) {
  bin_ctx *x = vctx;
  const delta_data *d = x->d;
  double w = (d->hi - d->lo) / d->bins;
  for (size_t i = 0; i < len; i++) {
    if (done[i] != 1 || !isfinite(delta[i]))
      continue;
    int b = w > 0 ? (int)((delta[i] - d->lo) / w) : 0;
    b = b < 0 ? 0 : b >= d->bins ? d->bins - 1 : b; /* the top edge belongs to the last bin */
    x->s->n[b]++;
    x->s->stable[b] += cls[i] == SGEMA_CLASS_STABLE;
    x->s->s2[b] += sphere[i] == SGEMA_SPHERE_S2;
  }
  return 0;
}

static int check_delta(plot_job *job, void **data, char *err, size_t errsize) {
  if (plot_keep_runs(job, suits_m1, "m = 1", err, errsize) != 0)
    return -1;
  delta_data *d = calloc(1, sizeof *d);
  if (!d || !(d->s = calloc(job->count, sizeof *d->s))) {
    free(d);
    return snprintf(err, errsize, "out of memory"), -1;
  }
  *data = d;
  d->count = job->count;
  d->bins = job->bins;
  d->lo = INFINITY;
  d->hi = -INFINITY;
  for (size_t i = 0; i < job->count; i++)
    if (results_trial_stream(&job->runs[i].file->rf, job->runs[i].run, range_chunk, d, err,
                             errsize) != 0)
      return -1;
  if (!(d->lo <= d->hi))
    return snprintf(err, errsize, "no done trial with a finite Delta in the selected runs"), -1;
  if (d->lo == d->hi) { /* one value of Delta: one bin around it */
    d->lo -= 0.5;
    d->hi += 0.5;
  } else if (d->lo < 0 && d->hi > 0) {
    /* Delta = 0 is where the nonzero equilibria appear: make it a bin edge, with about --bins
     * bins of equal width over the range. */
    double w = (d->hi - d->lo) / d->bins;
    double lo = floor(d->lo / w) * w, hi = ceil(d->hi / w) * w;
    int bins = (int)lround((hi - lo) / w);
    if (bins >= 1 && bins <= 1000) {
      d->lo = lo;
      d->hi = hi;
      d->bins = bins;
    }
  }
  for (size_t i = 0; i < job->count; i++) {
    delta_series *s = &d->s[i];
    s->n = calloc((size_t)d->bins, sizeof *s->n);
    s->stable = calloc((size_t)d->bins, sizeof *s->stable);
    s->s2 = calloc((size_t)d->bins, sizeof *s->s2);
    if (!s->n || !s->stable || !s->s2)
      return snprintf(err, errsize, "out of memory"), -1;
    bin_ctx x = {d, s};
    if (results_trial_stream(&job->runs[i].file->rf, job->runs[i].run, bin_chunk, &x, err,
                             errsize) != 0)
      return -1;
    for (int b = 0; b < d->bins; b++)
      s->differs |= s->stable[b] != s->s2[b];
  }
  return 0;
}

/* One series: points at the bins' centres (shifted by dx), whiskers, a joining line. */
static void draw_series(const delta_data *d, const long *k, const long *n, double dx, int style,
                        const char *symbol) {
  double w = (d->hi - d->lo) / d->bins;
  PLFLT x[1000], y[1000];
  int np = 0;
  plwidth(1.3);
  for (int b = 0; b < d->bins; b++) {
    if (n[b] == 0)
      continue;
    double lo, hi;
    sum_wilson(k[b], n[b], SUM_Z95, &lo, &hi);
    x[np] = d->lo + (b + 0.5) * w + dx;
    y[np] = 100.0 * k[b] / (double)n[b];
    plot_whisker(x[np], 100 * lo, 100 * hi, 0.12 * w);
    np++;
  }
  plwidth(2.0);
  plot_style(style);
  if (np > 1)
    plline(np, x, y);
  plot_style(1);
  plstring(np, x, y, symbol);
}

static int draw_delta(plot_job *job, void *vdata, char *err, size_t errsize) {
  delta_data *d = vdata;
  double w = (d->hi - d->lo) / d->bins;
  int straddles = d->lo < 0 && d->hi > 0;
  plot_legend_entry le[LAY_MAX_LEGEND];
  int nle = 0, any_differs = 0;
  for (size_t i = 0; i < d->count; i++) {
    if (nle < LAY_MAX_LEGEND - 1)
      le[nle++] = (plot_legend_entry){
          job->runs[i].label, PLOT_SERIES + (int)i % PLOT_SERIES_COUNT, 1, 2.0, "●", 0};
    any_differs |= d->s[i].differs;
  }
  if (any_differs)
    le[nle++] = (plot_legend_entry){
        "dotted, ○: on S₂ (where not every stable limit is)", PLOT_BLACK, 3, 2.0, "○", 0};
  lay_spec spec = {0};
  spec.title = "Stable limits (outer sphere S₂) against Δ, m = 1, 95% Wilson intervals";
  spec.npanels = 1;
  spec.panel[0] = (lay_panel_spec){d->lo,
                                   d->hi,
                                   0.0,
                                   100.0,
                                   0,
                                   0,
                                   0,
                                   NULL,
                                   NULL,
                                   "Δ = τ² − 4ρλ (bins of equal width)",
                                   "stable limits (%)",
                                   0};
  for (int k = 0; k < nle; k++)
    spec.legend[spec.nlegend++] = le[k].text;
  lay_note note = {0,    d->lo + 0.02 * (d->hi - d->lo),
                   50.0, 0.0,
                   0.0,  "Δ < 0: SG has no nonzero equilibrium; EMA with a frozen target can"};
  if (straddles) {
    spec.note = &note;
    spec.nnote = 1;
  }
  lay_figure *f = plot_layout(job->out, &spec, err, errsize);
  if (!f)
    return -1;
  if (straddles && f->note_text[0] >= 0)
    f->text[f->note_text[0]].colour = PLOT_GREY;
  plot_grid_y(f, 0);
  plot_use_panel(f, 0);
  if (straddles) {
    plcol0(PLOT_GREY);
    plwidth(1.5);
    plot_style(2);
    plot_segment(0, 0, 0, 100);
    plot_style(1);
  }
  for (size_t i = 0; i < d->count; i++) {
    double dx = w * 0.2 * ((double)i - (d->count - 1) / 2.0) / (double)d->count;
    const delta_series *s = &d->s[i];
    plot_symbol_size(f, 0.6);
    plot_series_colour((int)i);
    draw_series(d, s->stable, s->n, dx, 1, "●");
    if (s->differs) {
      plot_series_colour((int)i);
      draw_series(d, s->s2, s->n, dx, 3, "○");
    }
  }
  plot_axes(f, 0);
  plot_legend(f, le, nle);
  int st = plot_texts(f, err, errsize);
  free(f);
  return st;
}

const plot_kind plot_kind_delta = {
    "delta",
    "fraction of stable limits (on S2) against Delta = tau^2 - 4 rho lambda, binned, with 95% "
    "Wilson whiskers (m = 1)",
    check_delta,
    draw_delta,
    delta_free,
    NULL};

/* sgema-plot's trajectory figures: the a plane (paper Figure 3) and Ebar, Fbar along time (Fig. 4).
 */
#define _POSIX_C_SOURCE 200809L
#include "plot.h"
#include "traj_rise.h"

#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What one run's panel needs, read before PLplot starts. */
typedef struct {
  uint32_t shown;            /* trajectories looked at: min(recorded, --trajectories) */
  results_traj_trial *trial; /* [shown] */
  int *rises, *f_rises;      /* [shown] Ebar / Fbar rise (ebar) */
  int ema, m, n;
  double extent;              /* a plane: half-width of the window */
  double t_max, e_max, e_min; /* ebar: the window */
  long plotted, ebar_rises, fbar_rises, to_origin, to_s2;
  int circles_shared; /* every trajectory has the same r1 and r2 */
} traj_panel;

typedef struct {
  size_t count;
  traj_panel *panel;
} traj_data;

static void traj_free(void *vdata) {
  traj_data *d = vdata;
  for (size_t i = 0; d && i < d->count; i++) {
    free(d->panel[i].trial);
    free(d->panel[i].rises);
    free(d->panel[i].f_rises);
  }
  if (d)
    free(d->panel);
  free(d);
}

static int is_ema(const sum_run *r) {
  return r->alg && strcmp(r->alg, "ema") == 0;
}

static int has_trajectories(const plot_run *pr, char *why, size_t whysize) {
  uint32_t ntraj = 0, dim = 0;
  char err[256];
  if (results_traj_recorded(&pr->file->rf, pr->run, &ntraj, &dim, err, sizeof err) != 0 ||
      ntraj == 0) {
    snprintf(why, whysize,
             "no recorded trajectories (record: {trajectories: K} in the experiment)");
    return 0;
  }
  return 1;
}

static int suits_plane(const plot_run *pr, char *why, size_t whysize) {
  const sum_run *r = &pr->file->runs[pr->run];
  if (r->m != 1 || r->n != 2) {
    snprintf(why, whysize, "the a plane needs m = 1 and n = 2, this run has m = %d, n = %d", r->m,
             r->n);
    return 0;
  }
  return has_trajectories(pr, why, whysize);
}

/* Streaming pass: the largest |coordinate| of a (and c) and the time and value range. */
typedef struct {
  double extent, t_max, e_max, e_min_pos;
} range_ctx;

static int range_chunk(const double *const *col, size_t len, size_t first, void *vctx) {
  (void)first;
  range_ctx *x = vctx;
  for (size_t i = 0; i < len; i++) {
    for (int c = 1; c < 5; c++)
      if (col[c] && isfinite(col[c][i]) && fabs(col[c][i]) > x->extent)
        x->extent = fabs(col[c][i]);
    if (isfinite(col[0][i]) && col[0][i] > x->t_max)
      x->t_max = col[0][i];
  }
  return 0;
}

static int value_chunk(const double *const *col, size_t len, size_t first, void *vctx) {
  (void)first;
  range_ctx *x = vctx;
  for (size_t i = 0; i < len; i++)
    for (int c = 1; c < 3; c++) {
      double v = col[c] ? col[c][i] : NAN;
      if (isfinite(v) && v > x->e_max)
        x->e_max = v;
      if (isfinite(v) && v > 0 && v < x->e_min_pos)
        x->e_min_pos = v;
    }
  if (len && isfinite(col[0][len - 1]) && col[0][len - 1] > x->t_max)
    x->t_max = col[0][len - 1];
  return 0;
}

/* Columns of the a plane: t, a1, a2 and, for EMA, c1, c2 (C follows A and B in the state). */
static int plane_columns(const traj_panel *p, int *cols) {
  int base = p->n * p->m + p->n * p->n;
  cols[0] = RESULTS_TRAJ_T;
  cols[1] = RESULTS_TRAJ_STATE + 0;
  cols[2] = RESULTS_TRAJ_STATE + 1;
  cols[3] = RESULTS_TRAJ_STATE + base;
  cols[4] = RESULTS_TRAJ_STATE + base + 1;
  return p->ema ? 5 : 3;
}

static int value_columns(const traj_panel *p, int *cols) {
  cols[0] = RESULTS_TRAJ_T;
  cols[1] = RESULTS_TRAJ_EBAR;
  cols[2] = RESULTS_TRAJ_FBAR;
  return p->ema ? 3 : 2;
}

/* Reads a run's recorded trials and the window of its panel. */
static int panel_read(const plot_job *job, const plot_run *pr, traj_panel *p, int plane, char *err,
                      size_t errsize) {
  const sum_run *r = &pr->file->runs[pr->run];
  uint32_t ntraj, dim;
  if (results_traj_recorded(&pr->file->rf, pr->run, &ntraj, &dim, err, errsize) != 0)
    return -1;
  p->shown = job->trajectories >= 0 && (long)ntraj > job->trajectories ? (uint32_t)job->trajectories
                                                                       : ntraj;
  p->ema = is_ema(r);
  p->m = r->m;
  p->n = r->n;
  p->trial = calloc(p->shown, sizeof *p->trial);
  p->rises = calloc(p->shown, sizeof *p->rises);
  p->f_rises = calloc(p->shown, sizeof *p->f_rises);
  if (!p->trial || !p->rises || !p->f_rises)
    return snprintf(err, errsize, "out of memory"), -1;
  range_ctx x = {0.0, 0.0, -INFINITY, INFINITY};
  double r1 = NAN, r2 = NAN;
  p->circles_shared = 1;
  for (uint32_t k = 0; k < p->shown; k++) {
    results_traj_trial *t = &p->trial[k];
    if (results_traj_trial_info(&pr->file->rf, pr->run, k, t, err, errsize) != 0)
      return -1;
    if (!t->done || t->count < 1)
      continue;
    p->plotted++;
    p->to_origin += t->cls == SGEMA_CLASS_ORIGIN;
    p->to_s2 += t->cls == SGEMA_CLASS_STABLE;
    int cols[5];
    int nc = plane ? plane_columns(p, cols) : value_columns(p, cols);
    if (results_traj_stream(&pr->file->rf, pr->run, k, t->count, cols, nc,
                            plane ? range_chunk : value_chunk, &x, err, errsize) != 0)
      return -1;
    if (plane) {
      if (k > 0 && !(t->r1 == r1 && t->r2 == r2) && !(isnan(t->r1) && isnan(r1)))
        p->circles_shared = 0;
      r1 = t->r1;
      r2 = t->r2;
      if (isfinite(t->r2) && t->r2 > x.extent)
        x.extent = t->r2;
      continue;
    }
    double rise, max_abs;
    if (traj_rise(pr->file, pr->run, k, t->count, RESULTS_TRAJ_EBAR, &rise, &max_abs, err,
                  errsize) != 0)
      return -1;
    p->rises[k] = traj_rises(rise, max_abs, TRAJ_RISE_TOL);
    p->ebar_rises += p->rises[k];
    if (p->ema) {
      if (traj_rise(pr->file, pr->run, k, t->count, RESULTS_TRAJ_FBAR, &rise, &max_abs, err,
                    errsize) != 0)
        return -1;
      p->f_rises[k] = traj_rises(rise, max_abs, TRAJ_RISE_TOL);
      p->fbar_rises += p->f_rises[k];
    }
  }
  if (p->plotted == 0)
    return snprintf(err, errsize, "run %s: none of its %u recorded trajectories is written yet",
                    pr->label, p->shown),
           -1;
  p->extent = x.extent > 0 ? 1.08 * x.extent : 1.0;
  p->t_max = x.t_max > 0 ? x.t_max : 1.0;
  p->e_max = x.e_max;
  p->e_min = x.e_min_pos;
  return 0;
}

static int check_common(plot_job *job, void **data, int plane, char *err, size_t errsize) {
  if (plot_keep_runs(job, plane ? suits_plane : has_trajectories,
                     plane ? "m = 1, n = 2 and recorded trajectories" : "recorded trajectories",
                     err, errsize) != 0)
    return -1;
  traj_data *d = calloc(1, sizeof *d);
  if (!d || !(d->panel = calloc(job->count, sizeof *d->panel))) {
    free(d);
    return snprintf(err, errsize, "out of memory"), -1;
  }
  d->count = job->count;
  *data = d;
  for (size_t i = 0; i < job->count; i++)
    if (panel_read(job, &job->runs[i], &d->panel[i], plane, err, errsize) != 0)
      return -1;
  /* One window for every panel, so that panels compare at a glance. */
  for (size_t i = 1; i < d->count; i++) {
    traj_panel *p0 = &d->panel[0], *p = &d->panel[i];
    p0->extent = fmax(p0->extent, p->extent);
    p0->t_max = fmax(p0->t_max, p->t_max);
    p0->e_max = fmax(p0->e_max, p->e_max);
    p0->e_min = fmin(p0->e_min, p->e_min);
  }
  for (size_t i = 1; i < d->count; i++) {
    d->panel[i].extent = d->panel[0].extent;
    d->panel[i].t_max = d->panel[0].t_max;
    d->panel[i].e_max = d->panel[0].e_max;
    d->panel[i].e_min = d->panel[0].e_min;
  }
  return 0;
}

static int check_plane(plot_job *job, void **data, char *err, size_t errsize) {
  return check_common(job, data, 1, err, errsize);
}

static int check_values(plot_job *job, void **data, char *err, size_t errsize) {
  return check_common(job, data, 0, err, errsize);
}

/* ---- drawing ---- */

static void circle(double r) {
  enum { N = 361 };
  PLFLT x[N], y[N];
  for (int i = 0; i < N; i++) {
    x[i] = r * cos(6.283185307179586 * i / (N - 1));
    y[i] = r * sin(6.283185307179586 * i / (N - 1));
  }
  plline(N, x, y);
}

typedef struct {
  int cx, cy; /* column indices of the curve's x and y */
  int ylog;
  double floor; /* ylog: values below are drawn at floor (off the window) */
  PLFLT x[RESULTS_TRAJ_CHUNK_POINTS], y[RESULTS_TRAJ_CHUNK_POINTS];
} line_ctx;

/* A chunk as a polyline; NaN points (past the trial's end) break nothing since they are cut. */
static int line_chunk(const double *const *col, size_t len, size_t first, void *vctx) {
  (void)first;
  line_ctx *l = vctx;
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    double x = col[l->cx][i], y = col[l->cy][i];
    if (!isfinite(x) || isnan(y))
      continue;
    if (l->ylog)
      y = y > l->floor ? log10(y) : log10(l->floor);
    l->x[n] = x;
    l->y[n] = y;
    n++;
  }
  if (n > 1)
    plline((PLINT)n, l->x, l->y);
  return 0;
}

/* The last point of a curve, for its end marker. */
typedef struct {
  double x, y;
} last_ctx;

static int last_chunk(const double *const *col, size_t len, size_t first, void *vctx) {
  (void)first;
  last_ctx *l = vctx;
  for (size_t i = 0; i < len; i++)
    if (isfinite(col[1][i]) && isfinite(col[2][i])) {
      l->x = col[1][i];
      l->y = col[2][i];
    }
  return 0;
}

static const char *alg_title(const sum_run *r) {
  return r->alg && strcmp(r->alg, "ema") == 0  ? "EMA (BYOL)"
         : r->alg && strcmp(r->alg, "sg") == 0 ? "SG (SimSiam)"
         : r->alg && strcmp(r->alg, "gd") == 0 ? "GD"
                                               : "?";
}

static int draw_plane_curves(const lay_figure *fig, const plot_run *pr, const traj_panel *p,
                             line_ctx *l, char *err, size_t errsize) {
  for (uint32_t k = 0; k < p->shown; k++) {
    const results_traj_trial *t = &p->trial[k];
    if (!t->done || t->count < 1)
      continue;
    int cols[5], nc = plane_columns(p, cols);
    if (!p->circles_shared && isfinite(t->r2)) {
      plot_series_colour((int)k);
      plwidth(0.6);
      plot_style(3);
      circle(t->r1);
      circle(t->r2);
    }
    plot_series_colour((int)k);
    for (int target = p->ema; target >= 0; target--) {
      /* The target c first, dashed and thinner, so that a stays on top. */
      l->cx = target ? 3 : 1;
      l->cy = target ? 4 : 2;
      plwidth(target ? 1.6 : 2.2);
      plot_style(target ? 2 : 1);
      if (results_traj_stream(&pr->file->rf, pr->run, k, t->count, cols, nc, line_chunk, l, err,
                              errsize) != 0)
        return -1;
    }
    plot_style(1);
    /* Start: an open circle; limit: a filled one. */
    last_ctx end = {NAN, NAN};
    if (results_traj_stream(&pr->file->rf, pr->run, k, t->count, cols, 3, last_chunk, &end, err,
                            errsize) != 0)
      return -1;
    PLFLT sx, sy;
    last_ctx start = {NAN, NAN};
    if (results_traj_stream(&pr->file->rf, pr->run, k, 1, cols, 3, last_chunk, &start, err,
                            errsize) != 0)
      return -1;
    sx = start.x;
    sy = start.y;
    plwidth(1.5);
    plot_symbol_size(fig, 0.55);
    plstring(1, &sx, &sy, "○");
    PLFLT ex = end.x, ey = end.y;
    plstring(1, &ex, &ey, "●");
  }
  return 0;
}

/* Panel titles and subtitles of a figure with a panel per run. */
typedef struct {
  lay_spec spec;
  char title[LAY_MAX_PANELS][192], sub[LAY_MAX_PANELS][192];
} traj_texts;

static traj_texts *texts_for(const plot_job *job, const traj_data *d, char *err, size_t errsize) {
  if (d->count > LAY_MAX_PANELS) {
    snprintf(err, errsize, "%zu runs: at most %d panels fit a figure (choose some with --run)",
             d->count, LAY_MAX_PANELS);
    return NULL;
  }
  traj_texts *t = calloc(1, sizeof *t);
  if (!t) {
    snprintf(err, errsize, "out of memory");
    return NULL;
  }
  t->spec.npanels = (int)d->count;
  for (size_t i = 0; i < d->count; i++)
    snprintf(t->title[i], sizeof t->title[i], "%s: run %s",
             alg_title(&job->runs[i].file->runs[job->runs[i].run]), job->runs[i].label);
  return t;
}

static int any_ema_panel(const traj_data *d) {
  int any = 0;
  for (size_t i = 0; i < d->count; i++)
    any |= d->panel[i].ema;
  return any;
}

static int draw_plane(plot_job *job, void *vdata, char *err, size_t errsize) {
  traj_data *d = vdata;
  traj_texts *tx = texts_for(job, d, err, errsize);
  if (!tx)
    return -1;
  plot_legend_entry le[7] = {
      {"a(t)", PLOT_BLACK, 1, 2.2, NULL, 0},
      {"c(t), EMA target", PLOT_BLACK, 2, 1.6, NULL, 0},
      {"a(0)", PLOT_BLACK, 0, 0, "○", 0},
      {"a at the last point", PLOT_BLACK, 0, 0, "●", 0},
      {"S₂: |a| = r₂", PLOT_GREY, 1, 1.6, NULL, 0},
      {"S₁: |a| = r₁", PLOT_GREY, 2, 1.6, NULL, 0},
      {"origin", PLOT_BLACK, 0, 0, "+", 0},
  };
  int any_ema = any_ema_panel(d), nle = any_ema ? 7 : 6;
  if (!any_ema) /* no target line */
    memmove(&le[1], &le[2], 5 * sizeof le[0]);
  lay_spec *s = &tx->spec;
  for (size_t i = 0; i < d->count; i++) {
    const traj_panel *p = &d->panel[i];
    snprintf(tx->sub[i], sizeof tx->sub[i], "%ld stable, %ld to the origin of %ld (t ≤ %g)",
             p->to_s2, p->to_origin, p->plotted, p->t_max);
    s->panel[i] = (lay_panel_spec){-p->extent, p->extent,    -p->extent, p->extent, 0,    0,
                                   0,          tx->title[i], tx->sub[i], "a₁",      "a₂", 1};
  }
  for (int k = 0; k < nle; k++)
    s->legend[s->nlegend++] = le[k].text;
  lay_figure *fig = plot_layout(job->out, s, err, errsize);
  line_ctx *l = calloc(1, sizeof *l);
  int st = fig && l ? 0 : -1;
  if (fig && !l)
    snprintf(err, errsize, "out of memory");
  for (size_t i = 0; i < d->count && st == 0; i++) {
    const plot_run *pr = &job->runs[i];
    const traj_panel *p = &d->panel[i];
    plot_use_panel(fig, (int)i);
    /* Circles and origin under the curves. */
    const results_traj_trial *t0 = NULL;
    for (uint32_t k = 0; k < p->shown && !t0; k++)
      if (p->trial[k].done && p->trial[k].count >= 1)
        t0 = &p->trial[k];
    if (p->circles_shared && t0 && isfinite(t0->r2)) {
      plcol0(PLOT_GREY);
      plwidth(1.6);
      plot_style(2);
      circle(t0->r1);
      plot_style(1);
      circle(t0->r2);
    }
    st = draw_plane_curves(fig, pr, p, l, err, errsize);
    PLFLT ox = 0, oy = 0;
    plcol0(PLOT_BLACK);
    plot_symbol_size(fig, 1.2);
    plstring(1, &ox, &oy, "+");
    plot_axes(fig, (int)i);
  }
  if (st == 0) {
    plot_legend(fig, le, nle);
    st = plot_texts(fig, err, errsize);
  }
  free(l);
  free(fig);
  free(tx);
  return st;
}

static int draw_values(plot_job *job, void *vdata, char *err, size_t errsize) {
  traj_data *d = vdata;
  traj_texts *tx = texts_for(job, d, err, errsize);
  if (!tx)
    return -1;
  plot_legend_entry le[4] = {
      {"Ē(a, B)", PLOT_BLACK, 1, 2.4, NULL, 0},
      {"F̄(a, B, c), EMA", PLOT_BLACK, 2, 2.4, NULL, 0},
      {"thick: rises somewhere by more than 10⁻⁹ max |·|", PLOT_BLACK, 1, 2.4, NULL, 0},
      {"thin: never rises", PLOT_BLACK, 1, 1.0, NULL, 0},
  };
  int any_ema = any_ema_panel(d), nle = any_ema ? 4 : 3;
  if (!any_ema)
    memmove(&le[1], &le[2], 2 * sizeof le[0]);
  lay_spec *s = &tx->spec;
  for (size_t i = 0; i < d->count; i++) {
    const traj_panel *p = &d->panel[i];
    /* Log scale from a little above the largest value down six decades at most: trajectories that
     * collapse (Ebar -> 0) leave through the bottom. */
    double hi = log10(p->e_max > 0 ? p->e_max : 1.0) + 0.15;
    double lo = isfinite(p->e_min) && p->e_min > 0 ? log10(p->e_min) : hi - 6;
    if (lo < hi - 6)
      lo = hi - 6;
    lo -= 0.15;
    int n = snprintf(tx->sub[i], sizeof tx->sub[i], "Ē rises along %ld of %ld trajectories",
                     p->ebar_rises, p->plotted);
    if (p->ema)
      snprintf(tx->sub[i] + n, sizeof tx->sub[i] - (size_t)n, ", F̄ along %ld", p->fbar_rises);
    s->panel[i] = (lay_panel_spec){0.0,
                                   p->t_max,
                                   lo,
                                   hi,
                                   0,
                                   1,
                                   0,
                                   tx->title[i],
                                   tx->sub[i],
                                   "t",
                                   p->ema ? "Ē solid, F̄ dashed" : "Ē(a, B)",
                                   0};
  }
  for (int k = 0; k < nle; k++)
    s->legend[s->nlegend++] = le[k].text;
  lay_figure *fig = plot_layout(job->out, s, err, errsize);
  line_ctx *l = calloc(1, sizeof *l);
  int st = fig && l ? 0 : -1;
  if (fig && !l)
    snprintf(err, errsize, "out of memory");
  for (size_t i = 0; i < d->count && st == 0; i++) {
    const plot_run *pr = &job->runs[i];
    const traj_panel *p = &d->panel[i];
    plot_use_panel(fig, (int)i);
    l->ylog = 1;
    l->floor = pow(10.0, fig->panel[i].y.lo - 1);
    for (uint32_t k = 0; k < p->shown && st == 0; k++) {
      const results_traj_trial *t = &p->trial[k];
      if (!t->done || t->count < 1)
        continue;
      int cols[3], nc = value_columns(p, cols);
      plot_series_colour((int)k);
      for (int f = p->ema; f >= 0 && st == 0; f--) {
        l->cx = 0;
        l->cy = f ? 2 : 1;
        int rises = f ? p->f_rises[k] : p->rises[k];
        plwidth(rises ? 2.4 : 1.0);
        plot_style(f ? 2 : 1);
        st = results_traj_stream(&pr->file->rf, pr->run, k, t->count, cols, nc, line_chunk, l, err,
                                 errsize);
      }
      plot_style(1);
    }
    plot_axes(fig, (int)i);
  }
  if (st == 0) {
    plot_legend(fig, le, nle);
    st = plot_texts(fig, err, errsize);
  }
  free(l);
  free(fig);
  free(tx);
  return st;
}

const plot_kind plot_kind_trajectories = {
    "trajectories",
    "recorded trajectories in the a plane with S1, S2 and the origin, a panel per run "
    "(paper Fig. 3; m = 1, n = 2; EMA's target c dashed)",
    check_plane,
    draw_plane,
    traj_free,
    NULL};

const plot_kind plot_kind_ebar = {
    "ebar",
    "Ebar (and Fbar for EMA) along the recorded trajectories, a panel per run (paper Fig. 4)",
    check_values,
    draw_values,
    traj_free,
    NULL};

/* sgema-plot's sweep figure: class fractions against m, a line per algorithm and rule for n. */
#define _POSIX_C_SOURCE 200809L
#include "plot.h"

#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A series is an algorithm with a rule for n: n = m + 1, n = 2m, or a fixed n. A run with m = 1,
 * n = 2 follows both rules and belongs to both series; runs of the same series and m (replicates,
 * several files) are pooled. */
enum { RULE_M1, RULE_2M, RULE_FIXED };

typedef struct {
  char alg[16];
  int rule, fixed_n;
  int npoints;
  int m[64];
  long done[64], cls[64][SGEMA_CLASS_COUNT];
} sweep_series;

typedef struct {
  int nseries;
  sweep_series s[16];
  int shown[SGEMA_CLASS_COUNT], nshown;
  int m_min, m_max;
} sweep_data;

static void sweep_free(void *d) {
  free(d);
}

static sweep_series *series_for(sweep_data *d, const char *alg, int rule, int n) {
  for (int i = 0; i < d->nseries; i++)
    if (strcmp(d->s[i].alg, alg) == 0 && d->s[i].rule == rule &&
        (rule != RULE_FIXED || d->s[i].fixed_n == n))
      return &d->s[i];
  if (d->nseries == 16)
    return NULL;
  sweep_series *s = &d->s[d->nseries++];
  snprintf(s->alg, sizeof s->alg, "%s", alg);
  s->rule = rule;
  s->fixed_n = n;
  return s;
}

static int add_point(sweep_series *s, const sum_run *r) {
  int p = 0;
  while (p < s->npoints && s->m[p] != r->m)
    p++;
  if (p == s->npoints) {
    if (p == 64)
      return -1;
    /* Keep the points ordered by m. */
    while (p > 0 && s->m[p - 1] > r->m) {
      s->m[p] = s->m[p - 1];
      s->done[p] = s->done[p - 1];
      memcpy(s->cls[p], s->cls[p - 1], sizeof s->cls[p]);
      p--;
    }
    s->m[p] = r->m;
    s->done[p] = 0;
    memset(s->cls[p], 0, sizeof s->cls[p]);
    s->npoints++;
  }
  s->done[p] += r->done;
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    s->cls[p][c] += r->cls[c];
  return 0;
}

static int check_sweep(plot_job *job, void **data, char *err, size_t errsize) {
  if (plot_read_counts(job, err, errsize) != 0)
    return -1;
  sweep_data *d = calloc(1, sizeof *d);
  if (!d)
    return snprintf(err, errsize, "out of memory"), -1;
  *data = d;
  d->m_min = 1 << 30;
  for (size_t i = 0; i < job->count; i++) {
    const sum_run *r = &job->runs[i].file->runs[job->runs[i].run];
    const char *alg = r->alg ? r->alg : "?";
    int rules[2], nr = 0;
    if (r->n == r->m + 1)
      rules[nr++] = RULE_M1;
    if (r->n == 2 * r->m)
      rules[nr++] = RULE_2M;
    if (nr == 0)
      rules[nr++] = RULE_FIXED;
    for (int k = 0; k < nr; k++) {
      sweep_series *s = series_for(d, alg, rules[k], r->n);
      if (!s || add_point(s, r) != 0)
        return snprintf(err, errsize, "too many series or values of m (at most 16 and 64)"), -1;
    }
    d->m_min = r->m < d->m_min ? r->m : d->m_min;
    d->m_max = r->m > d->m_max ? r->m : d->m_max;
    for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
      d->shown[c] |= r->cls[c] > 0;
  }
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    d->nshown += d->shown[c];
  return 0;
}

static void series_name(const sweep_series *s, char *buf, size_t size) {
  const char *alg = strcmp(s->alg, "sg") == 0 ? "SG" : strcmp(s->alg, "ema") == 0 ? "EMA" : s->alg;
  if (s->rule == RULE_M1)
    snprintf(buf, size, "%s, n = m + 1", alg);
  else if (s->rule == RULE_2M)
    snprintf(buf, size, "%s, n = 2m", alg);
  else
    snprintf(buf, size, "%s, n = %d", alg, s->fixed_n);
}

/* The panel's top: the highest whisker, rounded up to a multiple of 10%. */
static double panel_top(const sweep_data *d, int c) {
  double top = 0.0;
  for (int i = 0; i < d->nseries; i++)
    for (int p = 0; p < d->s[i].npoints; p++) {
      double lo, hi;
      sum_wilson(d->s[i].cls[p][c], d->s[i].done[p], SUM_Z95, &lo, &hi);
      top = fmax(top, 100 * hi);
    }
  top = 10.0 * ceil(top / 10.0 + 0.05);
  return top > 100 ? 100 : top < 10 ? 10 : top;
}

static void draw_class_panel(const sweep_data *d, int c, int panel) {
  double pad = 0.4, top = panel_top(d, c), step = top > 50 ? 20 : top > 20 ? 10 : 2;
  plot_panel(panel, d->nshown, 0, d->m_min - pad, d->m_max + pad, 0.0, top);
  plcol0(PLOT_LIGHT);
  plwidth(0.8);
  for (double y = step; y < top; y += step)
    plot_segment(d->m_min - pad, y, d->m_max + pad, y);
  for (int i = 0; i < d->nseries; i++) {
    const sweep_series *s = &d->s[i];
    double dx = 0.05 * (i - (d->nseries - 1) / 2.0);
    PLFLT x[64], y[64];
    plot_series_colour(i);
    plwidth(1.3);
    for (int p = 0; p < s->npoints; p++) {
      double lo, hi;
      sum_wilson(s->cls[p][c], s->done[p], SUM_Z95, &lo, &hi);
      x[p] = s->m[p] + dx;
      y[p] = 100.0 * s->cls[p][c] / (double)s->done[p];
      plot_whisker(x[p], 100 * lo, 100 * hi, 0.015 * (d->m_max - d->m_min + 2 * pad));
    }
    plwidth(2.0);
    plot_style(strcmp(s->alg, "ema") == 0 ? 2 : 1);
    if (s->npoints > 1)
      plline(s->npoints, x, y);
    plot_style(1);
    plstring(s->npoints, x, y, s->rule == RULE_2M ? "■" : "●");
  }
  char title[64];
  snprintf(title, sizeof title, "%s", sgema_class_name((sgema_class)c));
  plcol0(PLOT_BLACK);
  plwidth(1.0);
  plbox("bcnst", 1.0, 0, "bcnstv", step, 2);
  plmtex("b", 2.6, 0.5, 0.5, "m");
  plmtex("l", 4.0, 0.5, 0.5, "trials (%)");
  plot_text_scale(1.1);
  plmtex("t", 1.2, 0.5, 0.5, title);
  plot_text_scale(1.0);
}

static int draw_sweep(plot_job *job, void *vdata, char *err, size_t errsize) {
  (void)job;
  (void)err;
  (void)errsize;
  sweep_data *d = vdata;
  int panel = 0;
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    if (d->shown[c])
      draw_class_panel(d, c, panel++);
  plot_legend_entry le[16];
  char names[16][64];
  for (int i = 0; i < d->nseries; i++) {
    series_name(&d->s[i], names[i], sizeof names[i]);
    le[i] = (plot_legend_entry){
        names[i], PLOT_SERIES + i % PLOT_SERIES_COUNT, strcmp(d->s[i].alg, "ema") == 0 ? 2 : 1,
        2.0,      d->s[i].rule == RULE_2M ? "■" : "●", 0};
  }
  /* The legend under the panels, and the figure's title across the page. */
  plot_legend_strip(le, d->nseries);
  plvpor(0.0, 1.0, 0.0, 1.0);
  plwind(0.0, 1.0, 0.0, 1.0);
  plot_text_scale(1.2);
  plptex(0.5, 0.975, 1.0, 0.0, 0.5, "Limits against m, by class (95% Wilson intervals)");
  plot_text_scale(1.0);
  return 0;
}

const plot_kind plot_kind_sweep = {
    "sweep",
    "class fractions against m, a panel per observed class, a line per algorithm and n = m + 1, "
    "2m or fixed n (runs of several files pooled by algorithm, m and n)",
    check_sweep, draw_sweep, sweep_free};

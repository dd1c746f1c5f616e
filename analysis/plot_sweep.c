/* sgema-plot's sweep figure: class fractions against m, a line per algorithm and rule for n. */
#define _POSIX_C_SOURCE 200809L
#include "plot.h"
#include "run_pool.h"

#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A series is an algorithm with a rule for n (n = m + 1, n = 2m, or a fixed n) and every other
 * setting (pool_key). A run with m = 1, n = 2 follows both rules and belongs to both series; runs
 * of the same series and m (replicates, several files) are pooled, and only those: runs that differ
 * in any other setting (conditioned on Delta >= 0, discrete time, another horizon) are series of
 * their own, labelled by what differs. */
enum { RULE_M1, RULE_2M, RULE_FIXED };

typedef struct {
  char alg[16];
  int rule, fixed_n;
  char *key;        /* pool_key of its runs' settings */
  char variant[96]; /* what tells it from the other series of its algorithm ("" when nothing) */
  int npoints;
  int m[64], n[64];
  long done[64], cls[64][SGEMA_CLASS_COUNT];
  char *runs[64]; /* the pooled runs, "file:run;..." (--data) */
} sweep_series;

typedef struct {
  int nseries;
  sweep_series s[32];
  int shown[SGEMA_CLASS_COUNT], nshown;
  int m_min, m_max;
} sweep_data;

static void sweep_free(void *vd) {
  sweep_data *d = vd;
  for (int i = 0; d && i < d->nseries; i++) {
    free(d->s[i].key);
    for (int p = 0; p < d->s[i].npoints; p++)
      free(d->s[i].runs[p]);
  }
  free(d);
}

static sweep_series *series_for(sweep_data *d, const char *alg, int rule, int n, const char *key) {
  for (int i = 0; i < d->nseries; i++)
    if (strcmp(d->s[i].alg, alg) == 0 && d->s[i].rule == rule &&
        (rule != RULE_FIXED || d->s[i].fixed_n == n) && strcmp(d->s[i].key, key) == 0)
      return &d->s[i];
  if (d->nseries == 32)
    return NULL;
  sweep_series *s = &d->s[d->nseries];
  if (!(s->key = strdup(key)))
    return NULL;
  d->nseries++;
  snprintf(s->alg, sizeof s->alg, "%s", alg);
  s->rule = rule;
  s->fixed_n = n;
  return s;
}

/* Appends "file:run" to a point's list of pooled runs. */
static int note_run(char **list, const plot_run *pr) {
  const char *name = pr->file->runs[pr->run].name;
  size_t old = *list ? strlen(*list) : 0, add = strlen(pr->file->path) + strlen(name) + 3;
  char *grown = realloc(*list, old + add);
  if (!grown)
    return -1;
  snprintf(grown + old, add, "%s%s:%s", old ? ";" : "", pr->file->path, name);
  *list = grown;
  return 0;
}

static int add_point(sweep_series *s, const plot_run *pr) {
  const sum_run *r = &pr->file->runs[pr->run];
  int p = 0;
  while (p < s->npoints && s->m[p] != r->m)
    p++;
  if (p == s->npoints) {
    if (p == 64)
      return -1;
    /* Keep the points ordered by m. */
    while (p > 0 && s->m[p - 1] > r->m) {
      s->m[p] = s->m[p - 1];
      s->n[p] = s->n[p - 1];
      s->done[p] = s->done[p - 1];
      s->runs[p] = s->runs[p - 1];
      memcpy(s->cls[p], s->cls[p - 1], sizeof s->cls[p]);
      p--;
    }
    s->m[p] = r->m;
    s->n[p] = r->n;
    s->done[p] = 0;
    s->runs[p] = NULL;
    memset(s->cls[p], 0, sizeof s->cls[p]);
    s->npoints++;
  }
  s->done[p] += r->done;
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    s->cls[p][c] += r->cls[c];
  return note_run(&s->runs[p], pr);
}

/* A series whose every point is at m = 1 (n = 2 follows both rules) would be drawn twice, once
 * per rule: keep the n = m + 1 one. */
static void drop_m1_twins(sweep_data *d) {
  int kept = 0;
  for (int i = 0; i < d->nseries; i++) {
    sweep_series *s = &d->s[i];
    int only_m1 = s->rule == RULE_2M;
    for (int p = 0; p < s->npoints; p++)
      only_m1 &= s->m[p] == 1;
    if (only_m1) {
      free(s->key);
      for (int p = 0; p < s->npoints; p++)
        free(s->runs[p]);
      continue;
    }
    d->s[kept++] = *s;
  }
  d->nseries = kept;
}

/* Each series' variant: what differs from the other series of its algorithm. */
static void name_variants(sweep_data *d) {
  const char *keys[32];
  for (int i = 0; i < d->nseries; i++) {
    size_t n = 0;
    for (int j = 0; j < d->nseries; j++)
      if (strcmp(d->s[j].alg, d->s[i].alg) == 0)
        keys[n++] = d->s[j].key;
    pool_variant(d->s[i].key, keys, n, d->s[i].variant, sizeof d->s[i].variant);
  }
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
    char *key = pool_key(r->settings);
    if (!key)
      return snprintf(err, errsize, "out of memory"), -1;
    for (int k = 0; k < nr; k++) {
      sweep_series *s = series_for(d, alg, rules[k], r->n, key);
      if (!s || add_point(s, &job->runs[i]) != 0) {
        free(key);
        return snprintf(err, errsize, "too many series or values of m (at most 32 and 64)"), -1;
      }
    }
    free(key);
    d->m_min = r->m < d->m_min ? r->m : d->m_min;
    d->m_max = r->m > d->m_max ? r->m : d->m_max;
    for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
      d->shown[c] |= r->cls[c] > 0;
  }
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    d->nshown += d->shown[c];
  drop_m1_twins(d);
  name_variants(d);
  return 0;
}

static void series_name(const sweep_series *s, char *buf, size_t size) {
  const char *alg = strcmp(s->alg, "sg") == 0 ? "SG" : strcmp(s->alg, "ema") == 0 ? "EMA" : s->alg;
  char rule[32];
  int only_m1 = 1;
  for (int p = 0; p < s->npoints; p++)
    only_m1 &= s->m[p] == 1;
  if (only_m1 && s->rule != RULE_FIXED)
    snprintf(rule, sizeof rule, "n = 2");
  else if (s->rule == RULE_M1)
    snprintf(rule, sizeof rule, "n = m + 1");
  else if (s->rule == RULE_2M)
    snprintf(rule, sizeof rule, "n = 2m");
  else
    snprintf(rule, sizeof rule, "n = %d", s->fixed_n);
  if (s->variant[0])
    snprintf(buf, size, "%s (%s), %s", alg, s->variant, rule);
  else
    snprintf(buf, size, "%s, %s", alg, rule);
}

/* --data: one line per series, m and class, the numbers drawn. */
static int data_sweep(plot_job *job, void *vdata, FILE *out) {
  (void)job;
  const sweep_data *d = vdata;
  fputs("series,alg,variant,m,n,class,count,done,fraction,ci_low,ci_high,runs\n", out);
  for (int i = 0; i < d->nseries; i++) {
    const sweep_series *s = &d->s[i];
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
  for (int i = 0; i < d->nseries; i++)
    for (int p = 0; p < d->s[i].npoints; p++) {
      double lo, hi;
      sum_wilson(d->s[i].cls[p][c], d->s[i].done[p], SUM_Z95, &lo, &hi);
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
  plot_axes(f, panel);
}

static int draw_sweep(plot_job *job, void *vdata, char *err, size_t errsize) {
  sweep_data *d = vdata;
  plot_legend_entry le[32];
  char names[32][160];
  lay_spec spec = {0};
  spec.title = "Limits against m, by class (95% Wilson intervals)";
  for (int i = 0; i < d->nseries; i++) {
    series_name(&d->s[i], names[i], sizeof names[i]);
    le[i] = (plot_legend_entry){
        names[i], PLOT_SERIES + i % PLOT_SERIES_COUNT, strcmp(d->s[i].alg, "ema") == 0 ? 2 : 1,
        2.0,      d->s[i].rule == RULE_2M ? "■" : "●", 0};
    spec.legend[spec.nlegend++] = names[i];
  }
  double pad = 0.4;
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    if (d->shown[c])
      spec.panel[spec.npanels++] = (lay_panel_spec){d->m_min - pad,
                                                    d->m_max + pad,
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
  plot_legend(f, le, d->nseries);
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

/* sgema-plot's ranks figure: the mean of rank(A) / m over the partial limits against m, a line per
 * algorithm and rule for n, pooled as the sweep figure pools (analysis/plot_series.h). */
#define _POSIX_C_SOURCE 200809L
#include "plot.h"
#include "plot_series.h"

#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void ranks_free(void *vd) {
  plot_series_set *d = vd;
  series_free(d);
  free(d);
}

/* A partial limit has 0 < rank(A) < m: there are none at m = 1. */
static int has_partial_room(const plot_run *pr, char *why, size_t whysize) {
  if (pr->file->runs[pr->run].m >= 2)
    return 1;
  snprintf(why, whysize, "m = 1 has no partial limits (0 < rank(A) < m needs m >= 2)");
  return 0;
}

static int check_ranks(plot_job *job, void **data, char *err, size_t errsize) {
  if (plot_read_counts(job, err, errsize) != 0 ||
      plot_keep_runs(job, has_partial_room, "m >= 2 (partial limits need 0 < rank(A) < m)", err,
                     errsize) != 0)
    return -1;
  plot_series_set *d = calloc(1, sizeof *d);
  if (!d)
    return snprintf(err, errsize, "out of memory"), -1;
  *data = d;
  if (series_build(job, 1, d, err, errsize) != 0)
    return -1;
  for (int i = 0; i < d->nseries; i++)
    for (int p = 0; p < d->s[i].npoints; p++)
      if (rank_hist_total(&d->s[i].ranks[p]) > 0)
        return 0;
  return snprintf(err, errsize, "no partial limits in the runs drawn: no rank to show"), -1;
}

/* --data: one line per series and m, the numbers drawn and the counts behind them. */
static int data_ranks(plot_job *job, void *vdata, FILE *out) {
  (void)job;
  const plot_series_set *d = vdata;
  fputs("series,alg,variant,m,n,done,partial,rank_outside,mean_rank_over_m,ci_low,ci_high,"
        "rank_counts,runs\n",
        out);
  for (int i = 0; i < d->nseries; i++) {
    const plot_series *s = &d->s[i];
    char name[160];
    series_name(s, name, sizeof name);
    for (int p = 0; p < s->npoints; p++) {
      const rank_hist *h = &s->ranks[p];
      double lo, hi;
      rank_hist_mean_interval(h, SUM_Z95, &lo, &hi);
      fprintf(out, "\"%s\",%s,\"%s\",%d,%d,%ld,%ld,%ld,", name, s->alg, s->variant, s->m[p],
              s->n[p], s->done[p], h->partial, h->outside);
      if (rank_hist_total(h) > 0) /* no partial limit: no mean, empty fields */
        fprintf(out, "%.17g,%.17g,%.17g", rank_hist_mean(h), lo, hi);
      else
        fputs(",,", out);
      fputs(",\"", out);
      for (int k = 1, any = 0; k < h->m; k++)
        if (h->count[k])
          fprintf(out, "%s%d:%ld", any++ ? ";" : "", k, h->count[k]);
      fprintf(out, "\",\"%s\"\n", s->runs[p]);
    }
  }
  return ferror(out) ? -1 : 0;
}

static void draw_series(const lay_figure *f, const plot_series_set *d, int i, double cap) {
  const plot_series *s = &d->s[i];
  double dx = 0.05 * (i - (d->nseries - 1) / 2.0);
  PLFLT x[SERIES_POINTS], y[SERIES_POINTS];
  int n = 0;
  plot_series_colour(i);
  plwidth(1.3);
  for (int p = 0; p < s->npoints; p++) {
    const rank_hist *h = &s->ranks[p];
    if (rank_hist_total(h) <= 0) /* no partial limit at this m: no point */
      continue;
    double lo, hi;
    rank_hist_mean_interval(h, SUM_Z95, &lo, &hi);
    x[n] = s->m[p] + dx;
    y[n] = rank_hist_mean(h);
    plot_whisker(x[n], lo, hi, cap);
    n++;
  }
  plwidth(2.0);
  plot_style(series_style(s));
  if (n > 1)
    plline(n, x, y);
  plot_style(1);
  plot_symbol_size(f, 0.6);
  plstring(n, x, y, series_symbol(s));
}

static int draw_ranks(plot_job *job, void *vdata, char *err, size_t errsize) {
  plot_series_set *d = vdata;
  plot_legend_entry le[SERIES_MAX];
  char names[SERIES_MAX][160];
  lay_spec spec = {0};
  spec.title = "Rank of A over the partial limits against m (mean, 95% normal intervals)";
  for (int i = 0; i < d->nseries; i++) {
    series_name(&d->s[i], names[i], sizeof names[i]);
    le[i] = series_legend_entry(&d->s[i], i, names[i]);
    spec.legend[spec.nlegend++] = names[i];
  }
  /* rank(A) / m of a partial limit lies in [1/m, 1 - 1/m]: the whole unit interval is shown, so
   * that the panel reads the same whatever the m drawn. */
  double pad = 0.4;
  spec.panel[spec.npanels++] = (lay_panel_spec){
      d->m_min - pad, d->m_max + pad, 0.0, 1.0, 0, 0, 1.0, NULL, NULL, "m", "mean rank(A) / m", 0};
  lay_figure *f = plot_layout(job->out, &spec, err, errsize);
  if (!f)
    return -1;
  plot_grid_y(f, 0);
  plot_use_panel(f, 0);
  for (int i = 0; i < d->nseries; i++)
    draw_series(f, d, i, 0.015 * (d->m_max - d->m_min + 2 * pad));
  plot_axes(f, 0);
  plot_legend(f, le, d->nseries);
  int st = plot_texts(f, err, errsize);
  free(f);
  return st;
}

const plot_kind plot_kind_ranks = {
    "ranks",
    "the mean of rank(A) / m over the partial limits against m, with 95% normal intervals, a "
    "line per algorithm and n = m + 1, 2m or fixed n (pooled as sweep pools)",
    check_ranks,
    draw_ranks,
    ranks_free,
    data_ranks};

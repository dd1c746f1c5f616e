/* sgema-plot's class figure: each run's class fractions as bars with 95% Wilson whiskers. */
#define _POSIX_C_SOURCE 200809L
#include "plot.h"

#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Classes every figure shows (origin, stable) and those observed in some run. */
typedef struct {
  int shown[SGEMA_CLASS_COUNT];
  int nshown;
} classes_data;

static void classes_free(void *d) {
  free(d);
}

static int has_done(const plot_run *pr, char *why, size_t whysize) {
  if (pr->file->runs[pr->run].done > 0)
    return 1;
  snprintf(why, whysize, "no trial done yet");
  return 0;
}

int plot_read_counts(plot_job *job, char *err, size_t errsize) {
  for (size_t i = 0; i < job->count; i++) {
    plot_run *pr = &job->runs[i];
    char e[512];
    if (!pr->file->runs[pr->run].read && sum_read_run(pr->file, pr->run, e, sizeof e) != 0)
      return snprintf(err, errsize, "%s", e), -1;
  }
  return plot_keep_runs(job, has_done, "done trials", err, errsize);
}

static int check_classes(plot_job *job, void **data, char *err, size_t errsize) {
  if (plot_read_counts(job, err, errsize) != 0)
    return -1;
  classes_data *d = calloc(1, sizeof *d);
  if (!d)
    return snprintf(err, errsize, "out of memory"), -1;
  *data = d;
  d->shown[SGEMA_CLASS_ORIGIN] = d->shown[SGEMA_CLASS_STABLE] = 1;
  for (size_t i = 0; i < job->count; i++) {
    const sum_run *r = &job->runs[i].file->runs[job->runs[i].run];
    size_t nref;
    const sgema_reference *refs = sum_references(job->runs[i].file, job->runs[i].run, &nref);
    for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
      d->shown[c] |= r->cls[c] > 0;
    for (size_t k = 0; k < nref; k++)
      d->shown[refs[k].cls] = 1;
  }
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    d->nshown += d->shown[c];
  return 0;
}

static void bar(double x0, double x1, double y) {
  PLFLT x[4] = {x0, x1, x1, x0}, yy[4] = {0, 0, y, y};
  plfill(4, x, yy);
}

/* One run's group of bars in [g + 0.1, g + 0.9]. */
static void draw_group(const plot_run *pr, const classes_data *d, int g) {
  const sum_run *r = &pr->file->runs[pr->run];
  double w = 0.8 / d->nshown, x = g + 0.1;
  double xc[SGEMA_CLASS_COUNT];
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++) {
    if (!d->shown[c])
      continue;
    double lo, hi, f = 100.0 * r->cls[c] / (double)r->done;
    sum_wilson(r->cls[c], r->done, SUM_Z95, &lo, &hi);
    xc[c] = x + w / 2;
    plcol0(plot_class_colour(c));
    bar(x + 0.08 * w, x + 0.92 * w, f);
    plcol0(PLOT_BLACK);
    plwidth(1.4);
    plot_whisker(xc[c], 100 * lo, 100 * hi, 0.4 * w);
    if (r->cls[c] > 0) { /* the value above its whisker */
      char label[32];
      snprintf(label, sizeof label, "%.1f", f);
      plot_text_scale(0.7);
      plptex(xc[c], 100 * hi + 1.5, 1.0, 0.0, 0.5, label);
      plot_text_scale(1.0);
    }
    x += w;
  }
  size_t nref;
  const sgema_reference *refs = sum_references(pr->file, pr->run, &nref);
  plcol0(PLOT_BLACK);
  plwidth(3.5);
  for (size_t k = 0; k < nref; k++) {
    double y = 100.0 * refs[k].fraction;
    plot_segment(xc[refs[k].cls] - 0.65 * w, y, xc[refs[k].cls] + 0.65 * w, y);
  }
  plwidth(1.0);
}

static int draw_classes(plot_job *job, void *vdata, char *err, size_t errsize) {
  (void)err;
  (void)errsize;
  classes_data *d = vdata;
  int groups = (int)job->count;
  plvpor(0.07, 0.97, 0.20, 0.90);
  plwind(0.0, groups, 0.0, 100.0);
  /* Light horizontal grid under the bars. */
  plcol0(PLOT_LIGHT);
  plwidth(0.8);
  for (int y = 20; y < 100; y += 20)
    plot_segment(0, y, groups, y);
  int any_ref = 0;
  for (int g = 0; g < groups; g++) {
    size_t nref;
    sum_references(job->runs[g].file, job->runs[g].run, &nref);
    any_ref |= nref > 0;
    draw_group(&job->runs[g], d, g);
  }
  plcol0(PLOT_BLACK);
  plwidth(1.0);
  plbox("bc", 1.0, 0, "bcnstv", 20.0, 4);
  for (int g = 0; g < groups; g++) {
    const sum_run *r = &job->runs[g].file->runs[job->runs[g].run];
    char line[256];
    double pos = (g + 0.5) / groups;
    plmtex("b", 1.5, pos, 0.5, job->runs[g].label);
    snprintf(line, sizeof line, "%s, m = %d, n = %d", r->alg ? r->alg : "?", r->m, r->n);
    plot_text_scale(0.8);
    plmtex("b", 3.3, pos, 0.5, line);
    snprintf(line, sizeof line, "%ld trials", r->done);
    plmtex("b", 4.7, pos, 0.5, line);
    plot_text_scale(1.0);
  }
  plmtex("l", 3.4, 0.5, 0.5, "fraction of trials (%)");
  plot_text_scale(1.1);
  plmtex("t", 1.5, 0.5, 0.5, "Limits by class, with 95% Wilson intervals");
  plot_text_scale(1.0);
  plot_legend_entry le[SGEMA_CLASS_COUNT + 1];
  int n = 0;
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    if (d->shown[c])
      le[n++] = (plot_legend_entry){
          sgema_class_name((sgema_class)c), plot_class_colour(c), 0, 0, NULL, 1};
  if (any_ref)
    le[n++] = (plot_legend_entry){"reference (the experiment's)", PLOT_BLACK, 1, 3.5, NULL, 0};
  plot_legend_strip(le, n);
  return 0;
}

const plot_kind plot_kind_classes = {
    "classes",
    "class fractions per run as bars with 95% Wilson whiskers, the experiment's references marked",
    check_classes, draw_classes, classes_free};

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
  if (pr->file->runs[pr->run].census) { /* data sets, not trials: no classes to plot */
    snprintf(why, whysize, "a census run (sgema-summary summarises it)");
    return 0;
  }
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

/* Where class c's bar of group g sits: [x, x + w) of the group's [g + 0.1, g + 0.9]. */
static double bar_x(const classes_data *d, int g, int c, double *w) {
  *w = 0.8 / d->nshown;
  double x = g + 0.1;
  for (int k = 0; k < c; k++)
    x += d->shown[k] ? *w : 0.0;
  return x;
}

/* One run's group of bars. */
static void draw_group(const plot_run *pr, const classes_data *d, int g) {
  const sum_run *r = &pr->file->runs[pr->run];
  double w = 0.8 / d->nshown, xc[SGEMA_CLASS_COUNT] = {0};
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++) {
    if (!d->shown[c])
      continue;
    double x = bar_x(d, g, c, &w), lo, hi, f = 100.0 * r->cls[c] / (double)r->done;
    sum_wilson(r->cls[c], r->done, SUM_Z95, &lo, &hi);
    xc[c] = x + w / 2;
    plcol0(plot_class_colour(c));
    bar(x + 0.08 * w, x + 0.92 * w, f);
    plcol0(PLOT_BLACK);
    plwidth(1.4);
    plot_whisker(xc[c], 100 * lo, 100 * hi, 0.4 * w);
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

/* The texts: a category per run (its label, "alg, m, n", trials), the values above the whiskers
 * where they fit, the classes' legend. */
typedef struct {
  lay_spec spec;
  lay_note *note;
  char (*value)[16], (*line2)[96], (*line3)[48];
} classes_texts;

static void texts_free(classes_texts *t) {
  free(t->note);
  free(t->value);
  free(t->line2);
  free(t->line3);
}

static int classes_spec(const plot_job *job, const classes_data *d, classes_texts *t,
                        int *any_ref) {
  size_t groups = job->count, nv = groups * SGEMA_CLASS_COUNT;
  memset(t, 0, sizeof *t);
  t->note = calloc(nv, sizeof *t->note);
  t->value = calloc(nv, sizeof *t->value);
  t->line2 = calloc(groups, sizeof *t->line2);
  t->line3 = calloc(groups, sizeof *t->line3);
  if (!t->note || !t->value || !t->line2 || !t->line3 || groups > LAY_MAX_CATS)
    return -1;
  lay_spec *s = &t->spec;
  s->title = "Limits by class, with 95% Wilson intervals";
  s->npanels = 1;
  s->panel[0] = (lay_panel_spec){0.0,  (double)groups,           0.0, 100.0, 0, 0, 0, NULL, NULL,
                                 NULL, "fraction of trials (%)", 0};
  s->ncat = (int)groups;
  *any_ref = 0;
  for (size_t g = 0; g < groups; g++) {
    const sum_run *r = &job->runs[g].file->runs[job->runs[g].run];
    snprintf(t->line2[g], sizeof t->line2[g], "%s, m = %d, n = %d", r->alg ? r->alg : "?", r->m,
             r->n);
    snprintf(t->line3[g], sizeof t->line3[g], "%ld trials", r->done);
    s->cat[g][0] = job->runs[g].label;
    s->cat[g][1] = t->line2[g];
    s->cat[g][2] = t->line3[g];
    size_t nref;
    sum_references(job->runs[g].file, job->runs[g].run, &nref);
    *any_ref |= nref > 0;
    for (int c = 0; c < SGEMA_CLASS_COUNT; c++) {
      if (!d->shown[c] || r->cls[c] == 0)
        continue;
      double w, lo, hi, x = bar_x(d, (int)g, c, &w);
      sum_wilson(r->cls[c], r->done, SUM_Z95, &lo, &hi);
      size_t k = s->nnote++;
      snprintf(t->value[k], sizeof t->value[k], "%.1f", 100.0 * r->cls[c] / (double)r->done);
      t->note[k] = (lay_note){0, x + w / 2, 100 * hi, 0.5, 1.1, t->value[k]};
    }
  }
  s->note = t->note;
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    if (d->shown[c])
      s->legend[s->nlegend++] = sgema_class_name((sgema_class)c);
  if (*any_ref)
    s->legend[s->nlegend++] = "reference (the experiment's)";
  return 0;
}

static int draw_classes(plot_job *job, void *vdata, char *err, size_t errsize) {
  classes_data *d = vdata;
  classes_texts t;
  int any_ref;
  if (classes_spec(job, d, &t, &any_ref) != 0) {
    texts_free(&t);
    return snprintf(err, errsize, "out of memory or more than %d runs", LAY_MAX_CATS), -1;
  }
  lay_figure *f = plot_layout(job->out, &t.spec, err, errsize);
  if (!f) {
    texts_free(&t);
    return -1;
  }
  plot_grid_y(f, 0);
  plot_use_panel(f, 0);
  for (size_t g = 0; g < job->count; g++)
    draw_group(&job->runs[g], d, (int)g);
  plot_axes(f, 0);
  plot_legend_entry le[SGEMA_CLASS_COUNT + 1];
  int n = 0;
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    if (d->shown[c])
      le[n++] = (plot_legend_entry){
          sgema_class_name((sgema_class)c), plot_class_colour(c), 0, 0, NULL, 1};
  if (any_ref)
    le[n++] = (plot_legend_entry){"reference (the experiment's)", PLOT_BLACK, 1, 3.5, NULL, 0};
  plot_legend(f, le, n);
  int st = plot_texts(f, err, errsize);
  free(f);
  texts_free(&t);
  return st;
}

const plot_kind plot_kind_classes = {
    "classes",
    "class fractions per run as bars with 95% Wilson whiskers, the experiment's references marked",
    check_classes,
    draw_classes,
    classes_free,
    NULL};

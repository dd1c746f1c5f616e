/* sgema-plot's trial figure: one stored trial re-integrated with the kernel and drawn along time
 * (|A|_F, the singular values of A, Ebar and Fbar) and, for m = 1, in the a plane. */
#define _POSIX_C_SOURCE 200809L
#include "plot.h"
#include "run_reload.h"

#include "sgema/problem.h"
#include "sgema/trajectory.h"

#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Recorded points: enough for smooth curves on a log time axis over many decades. */
#define TRIAL_POINTS 1500

typedef struct {
  sgema_settings settings;
  uint64_t seed;
  uint32_t stream, trial;
  size_t N, count;                                          /* state length, recorded points */
  double *t, *anorm, *sv, *ebar, *fbar, *a1, *a2, *c1, *c2; /* [count]; sv [count * m] */
  int m, ema, log_t, stored_done;
  double t_end, r1, r2;
  double *y, *y_end; /* recorded states [count * N], the re-integrated end [N] (--data) */
  sgema_class cls;
} trial_data;

static void trial_free(void *vd) {
  trial_data *d = vd;
  if (!d)
    return;
  free(d->t);
  free(d->sv);
  free(d->y);
  free(d->y_end);
  free(d);
}

/* The singular values of A (n x m, row-major), largest first, by one-sided Jacobi rotations
 * (Hestenes) of A's columns until they are orthogonal: the column norms, accurate to rounding
 * relative to each value (A^T A's eigenvalues would lose the small ones below sqrt(eps) |A|). */
static void singular_values(const double *A, int n, int m, double *sv) {
  double U[SGEMA_MAX_N * SGEMA_MAX_M];
  memcpy(U, A, (size_t)n * m * sizeof *U);
  for (int sweep = 0; sweep < 60; sweep++) {
    int rotated = 0;
    for (int p = 0; p < m; p++)
      for (int q = p + 1; q < m; q++) {
        double a = 0, b = 0, c = 0;
        for (int k = 0; k < n; k++) {
          a += U[k * m + p] * U[k * m + p];
          b += U[k * m + q] * U[k * m + q];
          c += U[k * m + p] * U[k * m + q];
        }
        if (c == 0 || fabs(c) <= 1e-15 * sqrt(a * b))
          continue;
        rotated = 1;
        double zeta = (b - a) / (2 * c);
        double t = (zeta >= 0 ? 1 : -1) / (fabs(zeta) + sqrt(1 + zeta * zeta));
        double cs = 1 / sqrt(1 + t * t), sn = cs * t;
        for (int k = 0; k < n; k++) {
          double up = U[k * m + p], uq = U[k * m + q];
          U[k * m + p] = cs * up - sn * uq;
          U[k * m + q] = sn * up + cs * uq;
        }
      }
    if (!rotated)
      break;
  }
  for (int j = 0; j < m; j++) {
    double s = 0;
    for (int k = 0; k < n; k++)
      s += U[k * m + j] * U[k * m + j];
    sv[j] = sqrt(s);
  }
  for (int i = 1; i < m; i++) /* descending */
    for (int j = i; j > 0 && sv[j] > sv[j - 1]; j--) {
      double x = sv[j];
      sv[j] = sv[j - 1];
      sv[j - 1] = x;
    }
}

/* Times to record at: 0, then geometric from t_end / 10^6 (log axis), or uniform when the trial
 * is short; t_end itself last. */
static double *record_times(double t_end, size_t *count, int *log_t) {
  double *t = malloc(TRIAL_POINTS * sizeof *t);
  if (!t)
    return NULL;
  double t0 = t_end * 1e-6;
  *log_t = t_end > 100 && t0 > 0;
  if (*log_t && t0 < 1e-3)
    t0 = 1e-3;
  t[0] = 0.0;
  for (size_t i = 1; i < TRIAL_POINTS; i++) {
    double s = (double)(i - 1) / (TRIAL_POINTS - 2);
    t[i] = *log_t ? t0 * pow(t_end / t0, s) : t_end * (double)i / (TRIAL_POINTS - 1);
  }
  t[TRIAL_POINTS - 1] = t_end;
  *count = TRIAL_POINTS;
  return t;
}

static int suits_trial(const plot_run *pr, char *why, size_t whysize) {
  (void)pr;
  (void)why;
  (void)whysize;
  return 1;
}

/* Copies the recorded trajectory into the figure's columns. */
static int take_trajectory(trial_data *d, const sgema_trajectory *tr, int n) {
  size_t count = sgema_trajectory_count(tr), m = (size_t)d->m;
  double *buf = malloc(count * (8 + m) * sizeof *buf);
  if (!buf)
    return -1;
  free(d->t);
  d->t = buf;
  d->anorm = buf + count;
  d->ebar = buf + 2 * count;
  d->fbar = buf + 3 * count;
  d->a1 = buf + 4 * count;
  d->a2 = buf + 5 * count;
  d->c1 = buf + 6 * count;
  d->c2 = buf + 7 * count;
  d->sv = malloc(count * m * sizeof *d->sv);
  d->y = malloc(count * d->N * sizeof *d->y);
  if (!d->sv || !d->y)
    return -1;
  d->count = count;
  for (size_t i = 0; i < count; i++) {
    const double *y = sgema_trajectory_state(tr, i);
    memcpy(d->y + i * d->N, y, d->N * sizeof *y);
    double s = 0;
    for (size_t k = 0; k < (size_t)n * m; k++)
      s += y[k] * y[k];
    d->t[i] = sgema_trajectory_time(tr, i);
    d->anorm[i] = sqrt(s);
    d->ebar[i] = sgema_trajectory_ebar(tr, i);
    d->fbar[i] = sgema_trajectory_fbar(tr, i);
    d->a1[i] = y[0];
    d->a2[i] = n > 1 ? y[m] : NAN;
    size_t cbase = (size_t)n * m + (size_t)n * n;
    d->c1[i] = d->ema ? y[cbase] : NAN;
    d->c2[i] = d->ema && n > 1 ? y[cbase + m] : NAN;
    singular_values(y, n, d->m, d->sv + i * m);
  }
  return 0;
}

/* Re-integrates the trial with the run's reloaded settings and compares its end with the file's. */
static int reintegrate(trial_data *d, const double *stored_end, char *err, size_t errsize) {
  sgema_trial *t = sgema_trial_alloc(&d->settings);
  int log_t = 0;
  size_t count = 0;
  double *times = record_times(d->t_end, &count, &log_t);
  sgema_trajectory *tr = times ? sgema_trajectory_alloc(d->N, times, count) : NULL;
  free(times);
  d->log_t = log_t;
  int st = -1;
  sgema_record rec;
  if (!t || !tr) {
    snprintf(err, errsize, "out of memory");
  } else if (sgema_trial_run(t, d->seed, d->stream, d->trial, &rec, tr), !rec.y_end) {
    snprintf(err, errsize, "trial %u: the kernel could not re-run it (%s)", d->trial,
             sgema_class_name(rec.limit.cls));
  } else if (memcmp(rec.y_end, stored_end, d->N * sizeof *stored_end) != 0) {
    size_t k = 0;
    while (k < d->N && memcmp(&rec.y_end[k], &stored_end[k], sizeof *stored_end) == 0)
      k++;
    snprintf(err, errsize,
             "trial %u: the re-integrated end differs from the stored y_end (component %zu: "
             "%.17g, stored %.17g); the file was written by another build or its settings do not "
             "reload exactly, so the figure would not show this trial",
             d->trial, k, rec.y_end[k], stored_end[k]);
  } else if (take_trajectory(d, tr, d->settings.n) != 0) {
    snprintf(err, errsize, "out of memory");
  } else if (!(d->y_end = malloc(d->N * sizeof *d->y_end))) {
    snprintf(err, errsize, "out of memory");
  } else {
    memcpy(d->y_end, rec.y_end, d->N * sizeof *d->y_end);
    d->cls = rec.limit.cls;
    st = 0;
  }
  sgema_trajectory_free(tr);
  sgema_trial_free(t);
  return st;
}

static int check_trial(plot_job *job, void **data, char *err, size_t errsize) {
  if (plot_keep_runs(job, suits_trial, "a run", err, errsize) != 0)
    return -1;
  const plot_run *pr = &job->runs[0];
  const sum_run *r = &pr->file->runs[pr->run];
  if (job->trial < 0 || job->trial >= (long)r->trials) {
    job->usage_error = 1;
    return snprintf(err, errsize, "--trial %ld: run %s has trials 0 to %u", job->trial, r->name,
                    r->trials ? r->trials - 1 : 0),
           -1;
  }
  trial_data *d = calloc(1, sizeof *d);
  if (!d)
    return snprintf(err, errsize, "out of memory"), -1;
  *data = d;
  d->trial = (uint32_t)job->trial;
  if (reload_run_settings(pr->file, pr->run, &d->settings, &d->seed, &d->stream, err, errsize) != 0)
    return -1;
  d->m = d->settings.m;
  d->ema = d->settings.alg == SGEMA_ALG_EMA;
  d->N = sgema_problem_dim_for(d->settings.alg, d->settings.m, d->settings.n);
  double *end = malloc(d->N * sizeof *end);
  if (!end)
    return snprintf(err, errsize, "out of memory"), -1;
  reload_trial_end info;
  int st = reload_trial_end_read(pr->file, pr->run, d->trial, &info, end, d->N, err, errsize);
  if (st == 0 && !info.done)
    st =
        results_errorf(err, errsize,
                       "run %s, trial %u: not done in the file, so there is no stored end to check "
                       "the re-integration against (resume the run first)",
                       r->name, d->trial);
  if (st == 0 && !(isfinite(info.t_end) && info.t_end > 0))
    st = results_errorf(err, errsize, "run %s, trial %u: stored t_end %g is not a positive time",
                        r->name, d->trial, info.t_end);
  if (st == 0) {
    d->t_end = info.t_end;
    d->r1 = info.r1;
    d->r2 = info.r2;
    d->stored_done = 1;
    st = reintegrate(d, end, err, errsize);
  }
  free(end);
  return st;
}

/* ---- drawing ---- */

/* The world x of a time: log10 t on a log axis (t = 0 is not drawn there). */
static int time_x(const trial_data *d, size_t i, double *x) {
  if (!d->log_t) {
    *x = d->t[i];
    return 1;
  }
  if (!(d->t[i] > 0))
    return 0;
  *x = log10(d->t[i]);
  return 1;
}

static void curve(const trial_data *d, const double *v, size_t stride, int ylog) {
  PLFLT *x = malloc(d->count * sizeof *x), *y = malloc(d->count * sizeof *y);
  size_t n = 0;
  for (size_t i = 0; x && y && i < d->count; i++) {
    double xv, yv = v[i * stride];
    if (!time_x(d, i, &xv) || !isfinite(yv) || (ylog && !(yv > 0)))
      continue;
    x[n] = xv;
    y[n++] = ylog ? log10(yv) : yv;
  }
  if (n > 1)
    plline((PLINT)n, x, y);
  free(x);
  free(y);
}

static void range(const double *v, size_t n, size_t stride, double *lo, double *hi, int pos) {
  for (size_t i = 0; i < n; i++) {
    double x = v[i * stride];
    if (isfinite(x) && (!pos || x > 0)) {
      *lo = fmin(*lo, x);
      *hi = fmax(*hi, x);
    }
  }
}

static void circle(double r) {
  enum { N = 361 };
  PLFLT x[N], y[N];
  for (int i = 0; i < N; i++) {
    x[i] = r * cos(6.283185307179586 * i / (N - 1));
    y[i] = r * sin(6.283185307179586 * i / (N - 1));
  }
  plline(N, x, y);
}

static int draw_trial(plot_job *job, void *vdata, char *err, size_t errsize) {
  trial_data *d = vdata;
  const plot_run *pr = &job->runs[0];
  int plane = d->m == 1 && d->settings.n >= 2;
  double t0 = INFINITY, t1 = -INFINITY;
  for (size_t i = 0; i < d->count; i++) {
    double x;
    if (time_x(d, i, &x)) {
      t0 = fmin(t0, x);
      t1 = fmax(t1, x);
    }
  }
  /* |A| and the singular values on a linear axis from 0; Ebar (and Fbar) on a log axis when they
   * are positive and span decades. */
  double alo = 0, ahi = -INFINITY, elo = INFINITY, ehi = -INFINITY, junk = INFINITY;
  range(d->anorm, d->count, 1, &junk, &ahi, 0);
  double plo = INFINITY, phi = -INFINITY;
  range(d->ebar, d->count, 1, &plo, &phi, 0);
  if (d->ema)
    range(d->fbar, d->count, 1, &plo, &phi, 0);
  int elog = plo > 0 && phi / plo > 100;
  range(d->ebar, d->count, 1, &elo, &ehi, elog);
  if (d->ema)
    range(d->fbar, d->count, 1, &elo, &ehi, elog);
  if (elog) {
    elo = fmax(log10(elo), log10(ehi) - 12) - 0.1;
    ehi = log10(ehi) + 0.1;
  } else {
    double pad = 0.05 * (ehi - elo > 0 ? ehi - elo : 1);
    elo -= pad;
    ehi += pad;
  }
  ahi = ahi > 0 ? 1.05 * ahi : 1;
  double ext = 0;
  for (size_t i = 0; plane && i < d->count; i++)
    ext = fmax(ext, fmax(fmax(fabs(d->a1[i]), fabs(d->a2[i])),
                         d->ema ? fmax(fabs(d->c1[i]), fabs(d->c2[i])) : 0));
  if (plane && isfinite(d->r2))
    ext = fmax(ext, d->r2);
  ext = ext > 0 ? 1.08 * ext : 1;

  char title[256], sub[160];
  snprintf(title, sizeof title, "run %s, trial %u: %s m = %d, n = %d, %s at t = %g", pr->label,
           d->trial, sgema_alg_name(d->settings.alg), d->m, d->settings.n, sgema_class_name(d->cls),
           d->t_end);
  snprintf(sub, sizeof sub, "re-integrated; its end equals the stored y_end bit for bit");
  const char *tlabel = d->settings.time == SGEMA_TIME_DISCRETE ? "iterations" : "t";
  lay_spec spec = {0};
  spec.title = title;
  spec.arrangement = LAY_STACK_AND_SQUARE;
  spec.npanels = plane ? 3 : 2;
  spec.panel[0] = (lay_panel_spec){
      t0, t1, alo, ahi, d->log_t, 0, 0, "|A|_F and singular values", sub, NULL, "|A|_F, σᵢ(A)", 0};
  spec.panel[1] = (lay_panel_spec){
      t0, t1, elo, ehi, d->log_t, elog, 0, NULL, NULL, tlabel, d->ema ? "Ē, F̄" : "Ē", 0};
  if (plane)
    spec.panel[2] =
        (lay_panel_spec){-ext, ext, -ext, ext, 0, 0, 0, "the a plane", NULL, "a₁", "a₂", 1};
  plot_legend_entry le[10];
  int nle = 0;
  le[nle++] = (plot_legend_entry){"|A|_F", PLOT_BLACK, 1, 2.4, NULL, 0};
  le[nle++] = (plot_legend_entry){"σᵢ(A)", PLOT_SERIES + 0, 2, 1.6, NULL, 0};
  le[nle++] = (plot_legend_entry){"Ē(a, B)", PLOT_SERIES + 3, 1, 2.0, NULL, 0};
  if (d->ema)
    le[nle++] = (plot_legend_entry){"F̄(a, B, c)", PLOT_SERIES + 2, 2, 2.0, NULL, 0};
  if (plane) {
    le[nle++] = (plot_legend_entry){"a(t)", PLOT_SERIES + 0, 1, 2.2, NULL, 0};
    le[nle++] = (plot_legend_entry){"a(0)", PLOT_SERIES + 0, 0, 0, "○", 0};
    le[nle++] = (plot_legend_entry){"a(t_end)", PLOT_SERIES + 0, 0, 0, "●", 0};
    if (d->ema)
      le[nle++] = (plot_legend_entry){"c(t)", PLOT_SERIES + 1, 2, 1.6, NULL, 0};
    if (isfinite(d->r2)) {
      le[nle++] = (plot_legend_entry){"S₂: |a| = r₂", PLOT_GREY, 1, 1.6, NULL, 0};
      le[nle++] = (plot_legend_entry){"S₁: |a| = r₁", PLOT_GREY, 2, 1.6, NULL, 0};
    }
  }
  for (int k = 0; k < nle; k++)
    spec.legend[spec.nlegend++] = le[k].text;
  lay_figure *f = plot_layout(job->out, &spec, err, errsize);
  if (!f)
    return -1;
  plot_use_panel(f, 0);
  plot_series_colour(0);
  plwidth(1.6);
  plot_style(2);
  for (int j = 0; j < d->m; j++)
    curve(d, d->sv + j, (size_t)d->m, 0);
  plot_style(1);
  plcol0(PLOT_BLACK);
  plwidth(2.4);
  curve(d, d->anorm, 1, 0);
  plot_axes(f, 0);
  plot_use_panel(f, 1);
  plwidth(2.0);
  if (d->ema) {
    plot_series_colour(2);
    plot_style(2);
    curve(d, d->fbar, 1, elog);
    plot_style(1);
  }
  plot_series_colour(3);
  curve(d, d->ebar, 1, elog);
  plot_axes(f, 1);
  if (plane) {
    plot_use_panel(f, 2);
    if (isfinite(d->r2)) {
      plcol0(PLOT_GREY);
      plwidth(1.6);
      plot_style(2);
      circle(d->r1);
      plot_style(1);
      circle(d->r2);
    }
    if (d->ema) {
      plot_series_colour(1);
      plwidth(1.6);
      plot_style(2);
      plline((PLINT)d->count, d->c1, d->c2);
      plot_style(1);
    }
    plot_series_colour(0);
    plwidth(2.2);
    plline((PLINT)d->count, d->a1, d->a2);
    plot_symbol_size(f, 0.6);
    PLFLT sx = d->a1[0], sy = d->a2[0], ex = d->a1[d->count - 1], ey = d->a2[d->count - 1];
    plstring(1, &sx, &sy, "○");
    plstring(1, &ex, &ey, "●");
    PLFLT ox = 0, oy = 0;
    plcol0(PLOT_BLACK);
    plot_symbol_size(f, 1.2);
    plstring(1, &ox, &oy, "+");
    plot_axes(f, 2);
  }
  plot_legend(f, le, nle);
  int st = plot_texts(f, err, errsize);
  free(f);
  return st;
}

/* --data: the recorded points (what = point: t, |A|_F, Ebar, Fbar, the singular values, the
 * state) and the re-integrated end (what = end, at t_end), every number exact (%.17g). */
static int data_trial(plot_job *job, void *vdata, FILE *out) {
  (void)job;
  const trial_data *d = vdata;
  fputs("what,t,a_norm,ebar,fbar", out);
  for (int j = 0; j < d->m; j++)
    fprintf(out, ",sv_%d", j + 1);
  for (size_t j = 0; j < d->N; j++)
    fprintf(out, ",y_%zu", j);
  fputc('\n', out);
  for (size_t i = 0; i <= d->count; i++) {
    int end = i == d->count;
    fprintf(out, "%s,%.17g", end ? "end" : "point", end ? d->t_end : d->t[i]);
    if (end)
      fputs(",,,", out);
    else
      fprintf(out, ",%.17g,%.17g,%.17g", d->anorm[i], d->ebar[i], d->fbar[i]);
    for (int j = 0; j < d->m; j++)
      if (end)
        fputc(',', out);
      else
        fprintf(out, ",%.17g", d->sv[i * (size_t)d->m + (size_t)j]);
    const double *y = end ? d->y_end : d->y + i * d->N;
    for (size_t j = 0; j < d->N; j++)
      fprintf(out, ",%.17g", y[j]);
    fputc('\n', out);
  }
  return ferror(out) ? -1 : 0;
}

const plot_kind plot_kind_trial = {
    "trial",
    "one trial (--run R --trial K) re-integrated with the kernel: |A|_F, the singular values of "
    "A, Ebar (and Fbar) against t, and the a plane for m = 1; refused unless its end equals the "
    "stored one bit for bit",
    check_trial,
    draw_trial,
    trial_free,
    data_trial};

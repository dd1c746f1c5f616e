/* A trial's record as aligned "key : value" text for a person; the JSON record is the exact one. */
#include "sgema/record.h"
#include "sgema/status.h"

#include <math.h>
#include <stddef.h>

#ifndef SGEMA_VERSION
#define SGEMA_VERSION "0.1.0"
#endif

/* Every key is padded to this width so that the values line up in one column. */
#define KEY_WIDTH 18

static void section(FILE *out, const char *name) {
  fprintf(out, "\n%s\n", name);
}

static void key(FILE *out, const char *k) {
  fprintf(out, "  %-*s : ", KEY_WIDTH, k);
}

static void num(FILE *out, const char *k, double x) {
  key(out, k);
  fprintf(out, "%.10g\n", x);
}

static void integer(FILE *out, const char *k, long x) {
  key(out, k);
  fprintf(out, "%ld\n", x);
}

static void str(FILE *out, const char *k, const char *s) {
  key(out, k);
  fprintf(out, "%s\n", s);
}

/* Rows one under the other, the first beside the key, columns aligned. Ten significant digits
 * would make wide rows unreadable; the JSON record carries every digit. */
static void matrix(FILE *out, const char *k, const double *a, int rows, int cols) {
  key(out, k);
  for (int i = 0; i < rows; i++) {
    if (i > 0)
      fprintf(out, "  %-*s   ", KEY_WIDTH, "");
    fputs("[", out);
    for (int j = 0; j < cols; j++)
      fprintf(out, " %13.6g", a[(size_t)i * cols + j]);
    fputs(" ]\n", out);
  }
}

static void momentum(FILE *out, const char *k, const sgema_momentum *mo) {
  key(out, k);
  if (mo->kind == SGEMA_MOMENTUM_LINEAR)
    fprintf(out, "linear %.10g -> %.10g over T = %.10g\n", mo->a0, mo->a1, mo->T);
  else
    fprintf(out, "constant %.10g\n", mo->a0);
}

static void trial(FILE *out, const sgema_record *rec, int explicit_inputs) {
  section(out, "trial");
  if (explicit_inputs) {
    str(out, "inputs", "given explicitly (not a sampled trial)");
  } else {
    key(out, "seed, run, trial");
    fprintf(out, "%llu, %lu, %lu\n", (unsigned long long)rec->seed, (unsigned long)rec->run,
            (unsigned long)rec->trial);
  }
  integer(out, "draws", rec->draws);
}

static void problem(FILE *out, const sgema_problem *p) {
  section(out, "problem");
  str(out, "alg", sgema_alg_name(p->alg));
  key(out, "m, n");
  fprintf(out, "%d, %d\n", p->m, p->n);
  str(out, "time", sgema_time_name(p->time));
  num(out, "lambda", p->lambda);
  matrix(out, "Sxx", p->Sxx, p->m, p->m);
  matrix(out, "Syx", p->Syx, p->m, p->m);
  matrix(out, "Syy", p->Syy, p->m, p->m);
  if (p->alg == SGEMA_ALG_EMA)
    momentum(out, "momentum", &p->momentum);
  if (p->time == SGEMA_TIME_DISCRETE) {
    key(out, "mu, nu");
    fprintf(out, "%.10g, %.10g\n", p->mu, p->nu);
  }
}

static void state(FILE *out, const char *name, const sgema_problem *p, const double *y) {
  size_t nm = (size_t)p->n * p->m, nn = (size_t)p->n * p->n;
  section(out, name);
  matrix(out, "A", y, p->n, p->m);
  matrix(out, "B", y + nm, p->n, p->n);
  if (p->alg == SGEMA_ALG_EMA)
    matrix(out, "C", y + nm + nn, p->n, p->m);
}

/* The solver, the k recorded rightmost eigenvalues (NaN past those found) and the estimate. */
static void spectrum(FILE *out, const sgema_spectrum_info *sp, int k) {
  key(out, "spectrum");
  fprintf(out, "%s%s, %ld J v products, abscissa error %.3g\n", sgema_record_solver_name(sp->used),
          sp->fell_back ? " (arnoldi fell back)" : "", sp->products, sp->error);
  key(out, "rightmost eig");
  for (int i = 0; i < k && i < SGEMA_SPECTRUM_MAX_K; i++) {
    if (i < sp->k)
      fprintf(out, "%s%.6g%+.6gi", i ? ", " : "", sp->re[i], sp->im[i]);
    else
      fprintf(out, "%s-", i ? ", " : "");
  }
  fputs(sp->k < k ? " (- : not computed by this solver)\n" : "\n", out);
}

static void result(FILE *out, const sgema_record *rec, int k) {
  const sgema_limit *l = &rec->limit;
  const sgema_integration_stats *in = &rec->integ;
  section(out, "result");
  str(out, "class", sgema_class_name(l->cls));
  if (rec->status != SGEMA_OK) {
    key(out, "status");
    fprintf(out, "%s (%s)\n", sgema_status_name(rec->status), sgema_strerror(rec->status));
  }
  key(out, "end");
  fprintf(out, "%s at t = %.10g, |f| = %.3g\n", sgema_end_name(in->end), in->t_end, in->f_norm);
  key(out, "steps");
  fprintf(out, "%ld accepted, %ld rejected, %ld rhs, %ld jacobian, %ld J v\n", in->steps,
          in->rejected, in->rhs_evals, in->jac_evals, in->jvp_evals);
  integer(out, "rank(A)", l->rank);
  key(out, "max Re(eig)");
  fprintf(out, "%.6g (%d symmetry zeros excluded)\n", l->max_re, l->symmetry_zeros);
  spectrum(out, &rec->spectrum, k);
  num(out, "|A|_F", l->a_norm);
  if (rec->problem.m == 1) {
    key(out, "Delta, r1, r2");
    fprintf(out, "%.10g, %.10g, %.10g\n", l->delta, l->r1, l->r2);
    key(out, "sphere");
    fprintf(out, "%s (%s)\n", sgema_sphere_name(l->sphere),
            l->sphere_agrees < 0 ? "agreement n/a"
            : l->sphere_agrees   ? "agrees with class"
                                 : "DISAGREES with class");
  }
}

static void verification(FILE *out, const sgema_verification *v) {
  section(out, "verification");
  num(out, "Eq. 6 residual", v->eq6);
  num(out, "Eq. 7 residual", v->eq7);
  num(out, "|B^T B - A A^T|", v->balance);
  key(out, "invariant drift");
  fprintf(out, "%.6g (window ends at t = %.10g)\n", v->invariant_drift, v->invariant_t);
  num(out, "|C - A|_F", v->c_minus_a);
  key(out, "Ebar start -> end");
  fprintf(out, "%.10g -> %.10g\n", v->ebar_start, v->ebar_end);
  key(out, "Fbar start -> end");
  fprintf(out, "%.10g -> %.10g\n", v->fbar_start, v->fbar_end);
}

static void settings(FILE *out, const sgema_settings *s) {
  const sgema_sampling *sa = &s->sampling;
  const sgema_integration *in = &s->integration;
  const sgema_classification *cl = &s->classification;
  section(out, "settings");
  str(out, "alg", sgema_alg_name(s->alg));
  key(out, "m, n");
  fprintf(out, "%d, %d\n", s->m, s->n);
  str(out, "time", sgema_time_name(s->time));
  key(out, "mu, nu");
  fprintf(out, "%.10g, %.10g\n", s->mu, s->nu);
  momentum(out, "momentum", &s->momentum);
  str(out, "stats", sgema_stats_name(sa->stats));
  key(out, "rho, tau, lambda");
  fprintf(out, "[%g, %g], [%g, %g], [%g, %g]\n", sa->rho_lo, sa->rho_hi, sa->tau_lo, sa->tau_hi,
          sa->lambda_lo, sa->lambda_hi);
  num(out, "sigma", sa->sigma);
  key(out, "condition Delta");
  fprintf(out, "%s (max %ld draws)\n", sa->condition_delta ? "yes" : "no", sa->max_draws);
  str(out, "EMA target", sgema_target_name(sa->target));
  str(out, "method", sgema_method_name(in->method));
  key(out, "rtol, atol, h0");
  fprintf(out, "%g, %g, %g\n", in->rtol, in->atol, in->h0);
  key(out, "t_max, max_steps");
  fprintf(out, "%g, %ld\n", in->t_max, in->max_steps);
  key(out, "f_tol, diverge");
  fprintf(out, "%g, %g\n", in->f_tol, in->diverge_norm);
  key(out, "tail_f, tail_rtol, stiff");
  fprintf(out, "%g, %g, %g\n", in->tail_f, in->tail_rtol, in->stiff_ratio);
  key(out, "tolerances");
  fprintf(out, "origin %g, rank %g, saddle %g, symmetry %g, sphere %g\n", cl->origin_tol,
          cl->rank_tol, cl->saddle_tol, cl->symmetry_tol, cl->sphere_tol);
  num(out, "invariant window", s->invariant_window);
}

static double frobenius(const double *a, size_t len) {
  double s = 0.0;
  for (size_t i = 0; i < len; i++)
    s += a[i] * a[i];
  return sqrt(s);
}

/* A table, not the full states: at a glance one wants the objectives and the norms over time. */
static void trajectory(FILE *out, const sgema_problem *p, const sgema_trajectory *tr) {
  size_t nm = (size_t)p->n * p->m, nn = (size_t)p->n * p->n;
  size_t count = sgema_trajectory_count(tr);
  fprintf(out, "\ntrajectory (%zu points; full states in the JSON record)\n", count);
  fprintf(out, "  %14s %16s %16s %14s %14s\n", "t", "Ebar", "Fbar", "|A|_F", "|B|_F");
  for (size_t i = 0; i < count; i++) {
    const double *y = sgema_trajectory_state(tr, i);
    fprintf(out, "  %14.6g %16.9g %16.9g %14.6g %14.6g\n", sgema_trajectory_time(tr, i),
            sgema_trajectory_ebar(tr, i), sgema_trajectory_fbar(tr, i), frobenius(y, nm),
            frobenius(y + nm, nn));
  }
}

int sgema_record_write_text(FILE *out, const sgema_record *rec, const sgema_settings *s,
                            const sgema_record_format *fmt) {
  static const sgema_record_format plain = {0, 0, NULL};
  if (!out || !rec || !s || !rec->y0 || !rec->y_end)
    return SGEMA_EINVAL;
  if (!fmt)
    fmt = &plain;
  fprintf(out, "sgema %s trial record\n", SGEMA_VERSION);
  trial(out, rec, fmt->explicit_inputs);
  problem(out, &rec->problem);
  state(out, "initial", &rec->problem, rec->y0);
  state(out, "final", &rec->problem, rec->y_end);
  result(out, rec, sgema_record_eigenvalues(s));
  verification(out, &rec->verify);
  settings(out, s);
  if (fmt->traj)
    trajectory(out, &rec->problem, fmt->traj);
  return ferror(out) ? SGEMA_EIO : SGEMA_OK;
}

/* One trial end to end: sample, integrate, classify, verify, in workspaces allocated once. */
#include "sgema/trial.h"
#include "sgema/rng.h"
#include "sgema/status.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct sgema_trial {
  sgema_settings s;
  sgema_sampler *sampler;
  sgema_integrator *integrator;
  sgema_classifier *classifier;
  sgema_verifier *verifier;
  sgema_trajectory *traj; /* the recording of the trial in progress, or NULL */
  sgema_trial_watch watch;
  double watch_time; /* the integration time the watch's poll is given in the classification */
  double *y0, *y;
};

void sgema_trial_free(sgema_trial *t) {
  if (!t)
    return;
  sgema_sampler_free(t->sampler);
  sgema_integrator_free(t->integrator);
  sgema_classifier_free(t->classifier);
  sgema_verifier_free(t->verifier);
  free(t->y0);
  free(t);
}

sgema_trial *sgema_trial_alloc(const sgema_settings *s) {
  if (sgema_settings_validate(s, NULL) != SGEMA_OK)
    return NULL;
  /* GSL's default handler aborts; every GSL status is checked here instead. */
  gsl_set_error_handler_off();
  sgema_trial *t = calloc(1, sizeof *t);
  if (!t)
    return NULL;
  t->s = *s;
  size_t N = sgema_problem_dim_for(SGEMA_ALG_EMA, s->m, s->n);
  t->sampler = sgema_sampler_alloc(s->m, s->n);
  t->integrator = sgema_integrator_alloc(&s->integration, s->m, s->n);
  t->classifier = sgema_classifier_alloc(s->m, s->n);
  t->verifier = sgema_verifier_alloc(s->m, s->n);
  t->y0 = malloc(2 * N * sizeof(double));
  if (!t->sampler || !t->integrator || !t->classifier || !t->verifier || !t->y0) {
    sgema_trial_free(t);
    return NULL;
  }
  t->y = t->y0 + N;
  return t;
}

static void fill_nan(double *x, size_t len) {
  for (size_t i = 0; i < len; i++)
    x[i] = NAN;
}

/* The spectrum of a trial whose classification computed none. */
static void spectrum_none(sgema_spectrum_info *sp) {
  memset(sp, 0, sizeof *sp);
  sp->used = SGEMA_SPECTRUM_AUTO;
  sp->abscissa = sp->error = NAN;
  fill_nan(sp->re, SGEMA_SPECTRUM_MAX_K);
  fill_nan(sp->im, SGEMA_SPECTRUM_MAX_K);
}

/* The limit and verification of a failed trial: class failed, nothing computed. */
static void limit_failed(sgema_limit *l, sgema_spectrum_info *sp, sgema_verification *v) {
  *l = (sgema_limit){SGEMA_CLASS_FAILED, -1, NAN, 0, NAN, NAN, NAN, NAN, SGEMA_SPHERE_NONE, -1};
  spectrum_none(sp);
  *v = (sgema_verification){NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
}

/* The integration stats of a trial that never integrated. */
static void integ_none(sgema_integration_stats *in) {
  *in = (sgema_integration_stats){SGEMA_END_ERROR, NAN, NAN, 0, 0, 0, 0, 0};
}

/* Sampling failed (the rejection budget ran out): no statistics and no initial state were drawn. */
static int sample_failed(sgema_trial *t, sgema_record *rec, int st) {
  sgema_problem *p = &rec->problem;
  size_t N = sgema_problem_dim(p), mm = (size_t)p->m * p->m;
  p->lambda = NAN;
  fill_nan(p->Sxx, mm);
  fill_nan(p->Syx, mm);
  fill_nan(p->Syy, mm);
  fill_nan(t->y0, N);
  fill_nan(t->y, N);
  rec->y_end = t->y;
  rec->status = st;
  integ_none(&rec->integ);
  limit_failed(&rec->limit, &rec->spectrum, &rec->verify);
  return st;
}

/* The problem's statistics follow each other, sized for the largest m. */
_Static_assert(offsetof(sgema_problem, Syx) ==
                       offsetof(sgema_problem, Sxx) + sizeof(double) * SGEMA_MAX_M * SGEMA_MAX_M &&
                   offsetof(sgema_problem, Syy) ==
                       offsetof(sgema_problem, Syx) + sizeof(double) * SGEMA_MAX_M * SGEMA_MAX_M,
               "Sxx, Syx, Syy are contiguous");

/* Zeroes all of rec but the problem's statistics: sized for the largest m (96 KiB at m = 64, where
 * zeroing them would double an m = 1 trial's memory traffic), of which the sampler writes the
 * m x m entries a trial has (sample_failed too) and nothing reads the rest. */
static void record_clear(sgema_record *rec) {
  char *start = (char *)rec, *stats = (char *)rec->problem.Sxx,
       *after = (char *)(rec->problem.Syy + SGEMA_MAX_M * SGEMA_MAX_M);
  memset(start, 0, (size_t)(stats - start));
  memset(after, 0, (size_t)((char *)(rec + 1) - after));
}

int sgema_trial_sample(sgema_trial *t, uint64_t seed, uint32_t run, uint32_t trial,
                       sgema_record *rec) {
  record_clear(rec);
  rec->seed = seed;
  rec->run = run;
  rec->trial = trial;
  sgema_settings_problem(&t->s, &rec->problem);
  rec->y0 = t->y0;
  int st = sgema_sampler_draw(t->sampler, &t->s.sampling, seed, run, trial, &rec->problem, t->y0,
                              &rec->draws);
  return st == SGEMA_OK ? st : sample_failed(t, rec, st);
}

/* The watch's verdict at integration time `time`: nonzero to abandon the trial. */
static int watch_says_stop(sgema_trial *t, double time) {
  return (t->watch.stop && *t->watch.stop) || (t->watch.poll && t->watch.poll(t->watch.ctx, time));
}

/* The classifier's stop poll: the same watch, at the time the integration ended. */
static int classify_stop(void *ctx) {
  sgema_trial *t = ctx;
  return watch_says_stop(t, t->watch_time);
}

static int observe(void *ctx, double time, const double *y, const double *f, sgema_dense *dense) {
  sgema_trial *t = ctx;
  if (watch_says_stop(t, time))
    return SGEMA_EINTERRUPTED;
  sgema_verifier_step(t->verifier, time, y, f);
  return t->traj ? sgema_trajectory_step(t->traj, time, y, dense) : 0;
}

/* Solving failed with status st, in the classification when `classified` (the integration
 * finished: its end stays, with |A| and the m = 1 spheres computed before the failure), else
 * before or during the integration (end error; the counters say how far it got). */
static int solve_failed(sgema_record *rec, int st, int classified) {
  sgema_limit known = rec->limit;
  rec->status = st;
  if (!classified)
    rec->integ.end = SGEMA_END_ERROR;
  limit_failed(&rec->limit, &rec->spectrum, &rec->verify);
  if (classified) {
    rec->limit.a_norm = known.a_norm;
    rec->limit.delta = known.delta;
    rec->limit.r1 = known.r1;
    rec->limit.r2 = known.r2;
  }
  return st;
}

int sgema_trial_solve(sgema_trial *t, const double *y0, sgema_record *rec, sgema_trajectory *traj) {
  const sgema_problem *p = &rec->problem;
  rec->status = SGEMA_OK;
  integ_none(&rec->integ);
  spectrum_none(&rec->spectrum);
  if (p->m < 1 || p->n <= p->m || p->m > t->s.m || p->n > t->s.n) {
    rec->y0 = rec->y_end = NULL; /* the workspace cannot hold this state */
    return solve_failed(rec, SGEMA_EDIM, 0);
  }
  size_t N = sgema_problem_dim(p);
  if (y0 != t->y0)
    memmove(t->y0, y0, N * sizeof(double));
  fill_nan(t->y, N);
  rec->y0 = t->y0;
  rec->y_end = t->y;
  /* Started (emptied) before anything can fail, so that a failed trial's recording is its own. */
  int st = traj ? sgema_trajectory_start(traj, p) : SGEMA_OK;
  if (st == SGEMA_OK)
    st = sgema_problem_validate(p);
  for (size_t i = 0; st == SGEMA_OK && i < N; i++) /* a non-finite start is a bad input */
    if (!isfinite(t->y0[i]))
      st = SGEMA_EINVAL;
  if (st != SGEMA_OK)
    return solve_failed(rec, st, 0);
  memcpy(t->y, t->y0, N * sizeof(double));
  t->traj = traj;
  /* The tail only exists for the methods that relax accuracy there. */
  int tail = t->s.integration.method == SGEMA_METHOD_HYBRID ||
             t->s.integration.method == SGEMA_METHOD_RODAS4;
  sgema_verifier_start(t->verifier, p, t->s.invariant_window, tail ? t->s.integration.tail_f : 0.0,
                       t->y0);
  sgema_observer obs = {observe, t};
  st = sgema_integrator_run(t->integrator, p, t->y, &obs, &rec->integ);
  t->traj = NULL;
  if (st != SGEMA_OK)
    return solve_failed(rec, st, 0);
  t->watch_time = rec->integ.t_end;
  st = sgema_classify(t->classifier, &t->s.classification, p, rec->integ.t_end, t->y,
                      rec->integ.end, &rec->limit);
  if (st != SGEMA_OK)
    return solve_failed(rec, st, 1);
  /* The classifier keeps its last spectrum until it computes another: copied only when this
   * trial's classification computed one (it leaves max_re NaN when it did not). */
  if (!isnan(rec->limit.max_re)) {
    rec->spectrum = *sgema_classifier_last_spectrum(t->classifier);
    int k = rec->spectrum.k; /* entries past those found: NaN, not the classifier's zeros */
    fill_nan(rec->spectrum.re + k, (size_t)(SGEMA_SPECTRUM_MAX_K - k));
    fill_nan(rec->spectrum.im + k, (size_t)(SGEMA_SPECTRUM_MAX_K - k));
  }
  sgema_verifier_finish(t->verifier, t->y, &rec->limit, &rec->verify);
  return SGEMA_OK;
}

int sgema_trial_run(sgema_trial *t, uint64_t seed, uint32_t run, uint32_t trial, sgema_record *rec,
                    sgema_trajectory *traj) {
  int st = sgema_trial_sample(t, seed, run, trial, rec);
  if (st == SGEMA_OK)
    return sgema_trial_solve(t, t->y0, rec, traj);
  if (traj) /* nothing recorded: empty, not the previous trial's points */
    sgema_trajectory_start(traj, &rec->problem);
  return st;
}

void sgema_trial_set_watch(sgema_trial *t, const sgema_trial_watch *w) {
  t->watch = w ? *w : (sgema_trial_watch){NULL, NULL, NULL};
  int watched = t->watch.stop || t->watch.poll;
  sgema_classifier_set_stop(t->classifier, watched ? classify_stop : NULL, t);
}

const char *sgema_record_solver_name(sgema_spectrum_solver used) {
  /* The solver enum's auto never describes a computed spectrum: it stands for none. */
  return used == SGEMA_SPECTRUM_AUTO ? "none" : sgema_spectrum_name(used);
}

int sgema_record_eigenvalues(const sgema_settings *s) {
  return s->classification.eigenvalues;
}

sgema_classifier *sgema_trial_classifier(sgema_trial *t) {
  return t->classifier;
}

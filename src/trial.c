/* One trial end to end: sample, integrate, classify, verify, in workspaces allocated once. */
#include "sgema/trial.h"
#include "sgema/rng.h"
#include "sgema/status.h"

#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

struct sgema_trial {
  sgema_settings s;
  sgema_sampler *sampler;
  sgema_integrator *integrator;
  sgema_classifier *classifier;
  sgema_verifier *verifier;
  sgema_trajectory *traj; /* the recording of the trial in progress, or NULL */
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

int sgema_trial_sample(sgema_trial *t, uint64_t seed, uint32_t run, uint32_t trial,
                       sgema_record *rec) {
  memset(rec, 0, sizeof *rec);
  rec->seed = seed;
  rec->run = run;
  rec->trial = trial;
  sgema_settings_problem(&t->s, &rec->problem);
  rec->y0 = t->y0;
  return sgema_sampler_draw(t->sampler, &t->s.sampling, seed, run, trial, &rec->problem, t->y0,
                            &rec->draws);
}

static int observe(void *ctx, double time, const double *y, const double *f, sgema_dense *dense) {
  sgema_trial *t = ctx;
  sgema_verifier_step(t->verifier, time, y, f);
  return t->traj ? sgema_trajectory_step(t->traj, time, y, dense) : 0;
}

int sgema_trial_solve(sgema_trial *t, const double *y0, sgema_record *rec, sgema_trajectory *traj) {
  const sgema_problem *p = &rec->problem;
  int st = sgema_problem_validate(p);
  if (st != SGEMA_OK)
    return st;
  if (p->m > t->s.m || p->n > t->s.n)
    return SGEMA_EDIM;
  size_t N = sgema_problem_dim(p);
  if (y0 != t->y0)
    memmove(t->y0, y0, N * sizeof(double));
  memcpy(t->y, t->y0, N * sizeof(double));
  rec->y0 = t->y0;
  rec->y_end = t->y;
  if (traj && (st = sgema_trajectory_start(traj, p)) != SGEMA_OK)
    return st;
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
    return st;
  st = sgema_classify(t->classifier, &t->s.classification, p, rec->integ.t_end, t->y,
                      rec->integ.end, &rec->limit);
  if (st != SGEMA_OK)
    return st;
  sgema_verifier_finish(t->verifier, t->y, &rec->limit, &rec->verify);
  return SGEMA_OK;
}

int sgema_trial_run(sgema_trial *t, uint64_t seed, uint32_t run, uint32_t trial, sgema_record *rec,
                    sgema_trajectory *traj) {
  int st = sgema_trial_sample(t, seed, run, trial, rec);
  return st != SGEMA_OK ? st : sgema_trial_solve(t, t->y0, rec, traj);
}

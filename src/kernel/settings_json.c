/* Every setting of a run as a JSON object: one printer for trial records and results files. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include "settings_json.h"

#include <stdio.h>
#include <stdlib.h>

void sgema_json_momentum(jw_writer *w, const sgema_momentum *mo) {
  jw_object_begin(w, "momentum");
  jw_string(w, "kind", sgema_momentum_name(mo->kind));
  jw_double(w, "a0", mo->a0);
  jw_double(w, "a1", mo->a1);
  jw_double(w, "T", mo->T);
  jw_object_end(w);
}

static void range(jw_writer *w, const char *key, double lo, double hi) {
  jw_array_begin_inline(w, key);
  jw_double(w, NULL, lo);
  jw_double(w, NULL, hi);
  jw_array_end(w);
}

void sgema_json_settings(jw_writer *w, const char *key, const sgema_settings *s) {
  jw_object_begin(w, key);
  jw_string(w, "alg", sgema_alg_name(s->alg));
  jw_long(w, "m", s->m);
  jw_long(w, "n", s->n);
  jw_string(w, "time", sgema_time_name(s->time));
  jw_double(w, "mu", s->mu);
  jw_double(w, "nu", s->nu);
  sgema_json_momentum(w, &s->momentum);

  const sgema_sampling *sa = &s->sampling;
  jw_object_begin(w, "sampling");
  jw_string(w, "stats", sgema_stats_name(sa->stats));
  range(w, "rho", sa->rho_lo, sa->rho_hi);
  range(w, "tau", sa->tau_lo, sa->tau_hi);
  range(w, "lambda", sa->lambda_lo, sa->lambda_hi);
  jw_double(w, "sigma", sa->sigma);
  jw_bool(w, "condition_delta", sa->condition_delta);
  jw_long(w, "max_draws", sa->max_draws);
  jw_string(w, "target", sgema_target_name(sa->target));
  jw_object_end(w);

  const sgema_integration *in = &s->integration;
  jw_object_begin(w, "integration");
  jw_string(w, "method", sgema_method_name(in->method));
  jw_double(w, "rtol", in->rtol);
  jw_double(w, "atol", in->atol);
  jw_double(w, "h0", in->h0);
  jw_double(w, "t_max", in->t_max);
  jw_long(w, "max_steps", in->max_steps);
  jw_double(w, "f_tol", in->f_tol);
  jw_double(w, "diverge_norm", in->diverge_norm);
  jw_double(w, "tail_f", in->tail_f);
  jw_double(w, "tail_rtol", in->tail_rtol);
  jw_double(w, "stiff_ratio", in->stiff_ratio);
  jw_object_end(w);

  const sgema_classification *cl = &s->classification;
  jw_object_begin(w, "classification");
  jw_double(w, "origin_tol", cl->origin_tol);
  jw_double(w, "rank_tol", cl->rank_tol);
  jw_double(w, "saddle_tol", cl->saddle_tol);
  jw_double(w, "symmetry_tol", cl->symmetry_tol);
  jw_double(w, "sphere_tol", cl->sphere_tol);
  jw_object_end(w);

  jw_double(w, "invariant_window", s->invariant_window);
  jw_object_end(w);
}

char *sgema_settings_json_line(const sgema_settings *s) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f)
    return NULL;
  jw_writer w;
  jw_init(&w, f, 1);
  sgema_json_settings(&w, NULL, s);
  int bad = w.misuse || w.depth != 0;
  if (fclose(f) != 0 || bad) {
    free(text);
    return NULL;
  }
  return text;
}

/* A trial's complete record as JSON, in the layout that record.h specifies and other tools parse.
 */
#include "json_writer.h"
#include "settings_json.h"
#include "sgema/record.h"
#include "sgema/status.h"

#include <stddef.h>

/* The CMake project version; the build should pass it so that the two cannot drift. */
#ifndef SGEMA_VERSION
#define SGEMA_VERSION "0.1.0"
#endif

/* Explicit inputs have no (seed, run, trial) that reproduces them; draws is 0 then. */
static void trial(jw_writer *w, const sgema_record *rec, int explicit_inputs) {
  jw_object_begin(w, "trial");
  if (explicit_inputs) {
    jw_null(w, "seed");
    jw_null(w, "run");
    jw_null(w, "trial");
  } else {
    jw_u64(w, "seed", rec->seed);
    jw_long(w, "run", (long)rec->run);
    jw_long(w, "trial", (long)rec->trial);
  }
  jw_long(w, "draws", rec->draws);
  jw_object_end(w);
}

static void problem(jw_writer *w, const sgema_problem *p) {
  jw_object_begin(w, "problem");
  jw_string(w, "alg", sgema_alg_name(p->alg));
  jw_long(w, "m", p->m);
  jw_long(w, "n", p->n);
  jw_string(w, "time", sgema_time_name(p->time));
  jw_double(w, "lambda", p->lambda);
  jw_matrix(w, "Sxx", p->Sxx, p->m, p->m);
  jw_matrix(w, "Syx", p->Syx, p->m, p->m);
  jw_matrix(w, "Syy", p->Syy, p->m, p->m);
  sgema_json_momentum(w, &p->momentum);
  jw_double(w, "mu", p->mu);
  jw_double(w, "nu", p->nu);
  jw_object_end(w);
}

/* The state blocks A (n x m), B (n x n) and, for EMA only, C (n x m), as members of the open
 * object; offsets as in problem.h (its accessors take a mutable pointer). */
static void state_members(jw_writer *w, const sgema_problem *p, const double *y) {
  size_t nm = (size_t)p->n * p->m, nn = (size_t)p->n * p->n;
  jw_matrix(w, "A", y, p->n, p->m);
  jw_matrix(w, "B", y + nm, p->n, p->n);
  if (p->alg == SGEMA_ALG_EMA)
    jw_matrix(w, "C", y + nm + nn, p->n, p->m);
}

static void state(jw_writer *w, const char *key, const sgema_problem *p, const double *y) {
  jw_object_begin(w, key);
  state_members(w, p, y);
  jw_object_end(w);
}

/* The first k values of x as one inline array. */
static void values(jw_writer *w, const char *key, const double *x, int k) {
  jw_array_begin_inline(w, key);
  for (int i = 0; i < k; i++)
    jw_double(w, NULL, x[i]);
  jw_array_end(w);
}

/* What the classification's eigensolver did: the k rightmost eigenvalues the run records (null
 * past those found), the error estimate of the abscissa and the Jacobian-vector products. */
static void spectrum(jw_writer *w, const sgema_spectrum_info *sp, int k) {
  if (k > SGEMA_SPECTRUM_MAX_K)
    k = SGEMA_SPECTRUM_MAX_K;
  jw_object_begin(w, "spectrum");
  jw_string(w, "solver", sgema_record_solver_name(sp->used));
  jw_bool(w, "fell_back", sp->fell_back != 0);
  values(w, "eigenvalues_re", sp->re, k);
  values(w, "eigenvalues_im", sp->im, k);
  jw_double(w, "abscissa_error", sp->error);
  jw_long(w, "products", sp->products);
  jw_object_end(w);
}

static void result(jw_writer *w, const sgema_record *rec, int k) {
  const sgema_limit *l = &rec->limit;
  const sgema_integration_stats *in = &rec->integ;
  jw_object_begin(w, "result");
  jw_string(w, "class", sgema_class_name(l->cls));
  jw_string(w, "end", sgema_end_name(in->end));
  jw_string(w, "status", sgema_status_name(rec->status));
  jw_double(w, "t_end", in->t_end);
  jw_double(w, "field_norm", in->f_norm);
  jw_long(w, "steps", in->steps);
  jw_long(w, "rejected", in->rejected);
  jw_long(w, "rhs_evals", in->rhs_evals);
  jw_long(w, "jac_evals", in->jac_evals);
  jw_long(w, "jvp_evals", in->jvp_evals);
  jw_long(w, "rank", l->rank);
  jw_double(w, "max_real_eig", l->max_re);
  jw_long(w, "symmetry_zeros", l->symmetry_zeros);
  spectrum(w, &rec->spectrum, k);
  jw_double(w, "a_norm", l->a_norm);
  jw_double(w, "delta", l->delta);
  jw_double(w, "r1", l->r1);
  jw_double(w, "r2", l->r2);
  jw_string(w, "sphere", sgema_sphere_name(l->sphere));
  if (l->sphere_agrees < 0)
    jw_null(w, "sphere_agrees");
  else
    jw_bool(w, "sphere_agrees", l->sphere_agrees);
  jw_object_end(w);
}

static void verification(jw_writer *w, const sgema_verification *v) {
  jw_object_begin(w, "verification");
  jw_double(w, "eq6_residual", v->eq6);
  jw_double(w, "eq7_residual", v->eq7);
  jw_double(w, "balance", v->balance);
  jw_double(w, "invariant_drift", v->invariant_drift);
  jw_double(w, "invariant_window_end", v->invariant_t);
  jw_double(w, "c_minus_a", v->c_minus_a);
  jw_double(w, "ebar_start", v->ebar_start);
  jw_double(w, "ebar_end", v->ebar_end);
  jw_double(w, "fbar_start", v->fbar_start);
  jw_double(w, "fbar_end", v->fbar_end);
  jw_object_end(w);
}

static void trajectory(jw_writer *w, const sgema_problem *p, const sgema_trajectory *tr) {
  jw_array_begin(w, "trajectory");
  size_t count = sgema_trajectory_count(tr);
  for (size_t i = 0; i < count; i++) {
    jw_object_begin(w, NULL);
    jw_double(w, "t", sgema_trajectory_time(tr, i));
    state_members(w, p, sgema_trajectory_state(tr, i));
    jw_double(w, "ebar", sgema_trajectory_ebar(tr, i));
    jw_double(w, "fbar", sgema_trajectory_fbar(tr, i));
    jw_object_end(w);
  }
  jw_array_end(w);
}

int sgema_record_write_json(FILE *out, const sgema_record *rec, const sgema_settings *s,
                            const sgema_record_format *fmt) {
  static const sgema_record_format plain = {0, 0, NULL};
  if (!out || !rec || !s || !rec->y0 || !rec->y_end)
    return SGEMA_EINVAL;
  if (!fmt)
    fmt = &plain;
  jw_writer w;
  jw_init(&w, out, fmt->compact);
  jw_object_begin(&w, NULL);
  jw_string(&w, "program", "sgema");
  jw_string(&w, "version", SGEMA_VERSION);
  sgema_json_settings(&w, "settings", s);
  trial(&w, rec, fmt->explicit_inputs);
  problem(&w, &rec->problem);
  state(&w, "initial", &rec->problem, rec->y0);
  state(&w, "final", &rec->problem, rec->y_end);
  result(&w, rec, sgema_record_eigenvalues(s));
  verification(&w, &rec->verify);
  if (fmt->traj)
    trajectory(&w, &rec->problem, fmt->traj);
  jw_object_end(&w);
  return jw_finish(&w) == 0 ? SGEMA_OK : SGEMA_EIO;
}

/* Staging: a trial's record and trajectory kept in memory, row by row, until the next flush. */
#define _POSIX_C_SOURCE 200809L

#include "output_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void put_f64(unsigned char *dst, double x) {
  memcpy(dst, &x, sizeof x);
}
static void put_i64(unsigned char *dst, long x) {
  int64_t v = x;
  memcpy(dst, &v, sizeof v);
}

/* The run's k recorded eigenvalues (re or im) into dst; the record holds NaN past those found. */
static void put_eigen(unsigned char *dst, const double *x, size_t k) {
  for (size_t i = 0; i < k; i++)
    put_f64(dst + i * sizeof(double), i < SGEMA_SPECTRUM_MAX_K ? x[i] : NAN);
}

/* Row c of the inputs section (the data set as drawn, the same for both kinds of run) into dst;
 * 0 when c is not an input. y0 NULL: NaN (a data set that failed before its state was drawn). */
static int input_get(rf_col c, const sgema_problem *p, const double *y0, long draws,
                     const run_out *r, unsigned char *dst) {
  switch (c) {
  case RF_COL_LAMBDA:
    put_f64(dst, p->lambda);
    return 1;
  case RF_COL_SXX:
    memcpy(dst, p->Sxx, r->mm * sizeof(double));
    return 1;
  case RF_COL_SYX:
    memcpy(dst, p->Syx, r->mm * sizeof(double));
    return 1;
  case RF_COL_SYY:
    memcpy(dst, p->Syy, r->mm * sizeof(double));
    return 1;
  case RF_COL_Y0:
    for (size_t i = 0; i < r->N; i++)
      put_f64(dst + i * sizeof(double), y0 ? y0[i] : NAN);
    return 1;
  case RF_COL_DRAWS:
    put_i64(dst, draws);
    return 1;
  default:
    return 0;
  }
}

/* Row c of rec into dst (row_bytes[c] bytes). */
static void column_get(rf_col c, const sgema_record *rec, const run_out *r, unsigned char *dst) {
  const sgema_integration_stats *in = &rec->integ;
  const sgema_limit *l = &rec->limit;
  const sgema_verification *v = &rec->verify;
  const sgema_spectrum_info *sp = &rec->spectrum;
  if (input_get(c, &rec->problem, rec->y0, rec->draws, r, dst))
    return;
  switch (c) {
  case RF_COL_CLASS:
    *dst = (uint8_t)l->cls;
    break;
  case RF_COL_END:
    *dst = (uint8_t)in->end;
    break;
  case RF_COL_STATUS: {
    int32_t s = rec->status;
    memcpy(dst, &s, sizeof s);
    break;
  }
  case RF_COL_SPHERE:
    *dst = (uint8_t)l->sphere;
    break;
  case RF_COL_SPHERE_AGREES:
    *(int8_t *)dst = (int8_t)l->sphere_agrees;
    break;
  case RF_COL_RANK:
    *(int8_t *)dst = (int8_t)l->rank;
    break;
  case RF_COL_MAX_REAL_EIG:
    put_f64(dst, l->max_re);
    break;
  case RF_COL_SYMMETRY_ZEROS: {
    int32_t z = l->symmetry_zeros;
    memcpy(dst, &z, sizeof z);
    break;
  }
  case RF_COL_SPECTRUM_SOLVER:
    *dst = (uint8_t)sp->used;
    break;
  case RF_COL_SPECTRUM_FELL_BACK:
    *dst = (uint8_t)(sp->fell_back != 0);
    break;
  case RF_COL_EIGENVALUES_RE:
    put_eigen(dst, sp->re, r->k);
    break;
  case RF_COL_EIGENVALUES_IM:
    put_eigen(dst, sp->im, r->k);
    break;
  case RF_COL_ABSCISSA_ERROR:
    put_f64(dst, sp->error);
    break;
  case RF_COL_SPECTRUM_PRODUCTS:
    put_i64(dst, sp->products);
    break;
  case RF_COL_A_NORM:
    put_f64(dst, l->a_norm);
    break;
  case RF_COL_DELTA:
    put_f64(dst, l->delta);
    break;
  case RF_COL_R1:
    put_f64(dst, l->r1);
    break;
  case RF_COL_R2:
    put_f64(dst, l->r2);
    break;
  case RF_COL_T_END:
    put_f64(dst, in->t_end);
    break;
  case RF_COL_FIELD_NORM:
    put_f64(dst, in->f_norm);
    break;
  case RF_COL_STEPS:
    put_i64(dst, in->steps);
    break;
  case RF_COL_REJECTED:
    put_i64(dst, in->rejected);
    break;
  case RF_COL_RHS_EVALS:
    put_i64(dst, in->rhs_evals);
    break;
  case RF_COL_JAC_EVALS:
    put_i64(dst, in->jac_evals);
    break;
  case RF_COL_JVP_EVALS:
    put_i64(dst, in->jvp_evals);
    break;
  case RF_COL_Y_END:
    memcpy(dst, rec->y_end, r->N * sizeof(double));
    break;
  case RF_COL_EQ6:
    put_f64(dst, v->eq6);
    break;
  case RF_COL_EQ7:
    put_f64(dst, v->eq7);
    break;
  case RF_COL_BALANCE:
    put_f64(dst, v->balance);
    break;
  case RF_COL_INVARIANT_DRIFT:
    put_f64(dst, v->invariant_drift);
    break;
  case RF_COL_INVARIANT_T:
    put_f64(dst, v->invariant_t);
    break;
  case RF_COL_C_MINUS_A:
    put_f64(dst, v->c_minus_a);
    break;
  case RF_COL_EBAR_START:
    put_f64(dst, v->ebar_start);
    break;
  case RF_COL_EBAR_END:
    put_f64(dst, v->ebar_end);
    break;
  case RF_COL_FBAR_START:
    put_f64(dst, v->fbar_start);
    break;
  case RF_COL_FBAR_END:
    put_f64(dst, v->fbar_end);
    break;
  default: /* the inputs (above) and a census run's columns */
    break;
  }
}

static void put_i32(unsigned char *dst, int x) {
  int32_t v = x;
  memcpy(dst, &v, sizeof v);
}

/* Equilibrium field c of the stored equilibria into dst: r->E slots, those past the stored ones
 * the fill values (NaN, undone, -1). */
static void equilibria_get(rf_col c, const sgema_census_result *res, int stored, const run_out *r,
                           unsigned char *dst) {
  size_t sz = rf_type_size(rf_column_info(c)->type);
  for (size_t j = 0; j < r->E; j++) {
    const sgema_census_equilibrium *q = (int)j < stored ? &res->equilibria[j] : NULL;
    unsigned char *at = dst + j * sz * (c == RF_COL_EQ_S ? r->mm : 1);
    switch (c) {
    case RF_COL_EQ_RANK:
      *(int8_t *)at = (int8_t)(q ? q->rank : -1);
      break;
    case RF_COL_EQ_KIND:
      *at = q ? (uint8_t)q->kind : RF_UNDONE;
      break;
    case RF_COL_EQ_S: /* the library's S has room for SGEMA_CENSUS_M_MAX: m x m of it, packed */
      for (int a = 0; a < r->m; a++)
        for (int b = 0; b < r->m; b++)
          put_f64(at + ((size_t)a * r->m + b) * sz, q ? q->S[a * r->m + b] : NAN);
      break;
    case RF_COL_EQ_CLASS:
      *at = q ? (uint8_t)q->cls : RF_UNDONE;
      break;
    case RF_COL_EQ_MC_CLASS:
      *at = q ? (uint8_t)q->mc_class : RF_UNDONE;
      break;
    case RF_COL_EQ_ABSCISSA:
      put_f64(at, q ? q->abscissa : NAN);
      break;
    case RF_COL_EQ_UNSTABLE:
      put_i32(at, q ? q->unstable : -1);
      break;
    case RF_COL_EQ_SYMMETRY_ZEROS:
      put_i32(at, q ? q->symmetry_zeros : -1);
      break;
    case RF_COL_EQ_FIELD_RESIDUAL:
      put_f64(at, q ? q->field_residual : NAN);
      break;
    case RF_COL_EQ_SYSTEM_RESIDUAL:
      put_f64(at, q ? q->system_residual : NAN);
      break;
    default:
      break;
    }
  }
}

/* Row c of a census run's data set into dst (row_bytes[c] bytes). A failed data set (status not
 * SGEMA_OK) has counts 0 and no equilibria. */
static void census_column_get(rf_col c, const sgema_census_row *row, const run_out *r,
                              unsigned char *dst) {
  static const sgema_census_result none;
  const sgema_census_result *res = row->status == SGEMA_OK ? row->result : &none;
  int stored = res->n_equilibria < (int)r->E ? res->n_equilibria : (int)r->E;
  if (input_get(c, row->problem, row->y0, row->draws, r, dst))
    return;
  switch (c) {
  case RF_COL_CENSUS_STATUS:
    put_i32(dst, row->status);
    break;
  case RF_COL_CENSUS_COUNTS:
    for (int k = 0; k < RF_CENSUS_KINDS; k++)
      put_i32(dst + 4 * (size_t)k, res->count[k]);
    break;
  case RF_COL_CENSUS_PSD_RANK:
    for (int k = 0; k <= r->m; k++)
      put_i32(dst + 4 * (size_t)k, res->psd_rank[k]);
    break;
  case RF_COL_CENSUS_PATHS:
    for (int s = 0; s < 2; s++)
      for (int k = 0; k < 4; k++)
        put_i64(dst + 8 * (size_t)(4 * s + k), res->paths[s][k]);
    break;
  case RF_COL_CENSUS_DUPLICATES:
    put_i32(dst, res->duplicates);
    break;
  case RF_COL_CENSUS_DROPPED:
    put_i32(dst, res->dropped);
    break;
  case RF_COL_CENSUS_CONJUGATES:
    put_i32(dst, res->conjugates_added);
    break;
  case RF_COL_CENSUS_ORIGIN_ADDED:
    put_i32(dst, res->origin_added);
    break;
  case RF_COL_CENSUS_EQUILIBRIA:
    put_i32(dst, res->n_equilibria);
    break;
  case RF_COL_CENSUS_STORED:
    put_i32(dst, stored);
    break;
  case RF_COL_CENSUS_OVERFLOW:
    put_i32(dst, res->n_equilibria - stored);
    break;
  default:
    equilibria_get(c, res, stored, r, dst);
    break;
  }
}

/* Room for one more staged row: the buffers double, so a run's staging settles after a few
 * flushes and is reused from then on. */
static int run_reserve(run_out *r) {
  if (r->staged < r->cap)
    return 0;
  size_t cap = r->cap ? 2 * r->cap : 64;
  uint32_t *trial = realloc(r->trial, cap * sizeof *trial);
  if (!trial)
    return -1;
  r->trial = trial;
  for (int c = 0; c < RF_COL_COUNT; c++) {
    if (r->row_bytes[c] == 0) /* not a dataset of this kind of run */
      continue;
    unsigned char *b = realloc(r->buf[c], cap * r->row_bytes[c]);
    if (!b)
      return -1;
    r->buf[c] = b;
  }
  r->cap = cap;
  return 0;
}

static int traj_stage(run_out *r, traj_out *t, const sgema_trajectory *traj) {
  size_t P = r->points, N = r->N, count = sgema_trajectory_count(traj);
  if (count > P)
    return SGEMA_EINVAL;
  if (!t->buf && !(t->buf = malloc(P * (N + 3) * sizeof(double))))
    return SGEMA_ENOMEM;
  double *tt = t->buf, *st = tt + P, *eb = st + P * N, *fb = eb + P;
  for (size_t i = 0; i < count; i++) {
    tt[i] = sgema_trajectory_time(traj, i);
    memcpy(st + i * N, sgema_trajectory_state(traj, i), N * sizeof(double));
    eb[i] = sgema_trajectory_ebar(traj, i);
    fb[i] = sgema_trajectory_fbar(traj, i);
  }
  t->points = count;
  t->staged = 1;
  return SGEMA_OK;
}

int sgema_output_stage(sgema_output *o, size_t run, uint32_t trial, const sgema_record *rec,
                       const sgema_trajectory *traj) {
  if (!o || run >= o->nruns || !rec || !rec->y0 || !rec->y_end)
    return SGEMA_EINVAL;
  run_out *r = &o->runs[run];
  if (r->census || trial >= r->trials || r->is_staged[trial] || rec->problem.m != r->m ||
      rec->problem.n != r->n || sgema_problem_dim(&rec->problem) != r->N ||
      (traj && trial >= r->traj_count))
    return SGEMA_EINVAL;
  if (run_reserve(r) < 0)
    return SGEMA_ENOMEM;
  if (traj) {
    int st = traj_stage(r, &r->traj[trial], traj);
    if (st != SGEMA_OK)
      return st;
  }
  size_t slot = r->staged++;
  r->trial[slot] = trial;
  r->is_staged[trial] = 1;
  for (int c = 0; c < RF_COL_COUNT; c++)
    if (r->row_bytes[c])
      column_get((rf_col)c, rec, r, r->buf[c] + slot * r->row_bytes[c]);
  return SGEMA_OK;
}

int sgema_output_stage_census(sgema_output *o, size_t run, uint32_t data_set,
                              const sgema_census_row *row) {
  if (!o || run >= o->nruns || !row || !row->problem || (row->status == SGEMA_OK && !row->result))
    return SGEMA_EINVAL;
  run_out *r = &o->runs[run];
  if (!r->census || data_set >= r->trials || r->is_staged[data_set] || row->problem->m != r->m ||
      row->problem->n != r->n)
    return SGEMA_EINVAL;
  if (run_reserve(r) < 0)
    return SGEMA_ENOMEM;
  size_t slot = r->staged++;
  r->trial[slot] = data_set;
  r->is_staged[data_set] = 1;
  for (int c = 0; c < RF_COL_COUNT; c++)
    if (r->row_bytes[c])
      census_column_get((rf_col)c, row, r, r->buf[c] + slot * r->row_bytes[c]);
  return SGEMA_OK;
}

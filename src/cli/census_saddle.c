/* A census saddle's counterexample: eigenvector, input files and both trials (census_saddle.h). */
#define _POSIX_C_SOURCE 200809L
#include "census_saddle.h"

#include "census_print.h"
#include "format_double.h"

#include "sgema/field.h"
#include "sgema/status.h"

#include <errno.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct census_saddle {
  size_t N;
  int n_eq; /* capacity of the distance arrays */
  sgema_field *field;
  sgema_trial *trial;
  double *y, *v, *y0, *J, *vr, *wr, *wi, *dist[2];
};

census_saddle *census_saddle_alloc(const sgema_settings *s) {
  census_saddle *w = calloc(1, sizeof *w);
  if (!w)
    return NULL;
  size_t N = sgema_problem_dim_for(s->alg, s->m, s->n);
  w->N = N;
  w->field = sgema_field_alloc(s->m, s->n);
  w->trial = sgema_trial_alloc(s);
  w->y = malloc(N * sizeof(double));
  w->v = malloc(N * sizeof(double));
  w->y0 = malloc(N * sizeof(double));
  w->wr = malloc(N * sizeof(double));
  w->wi = malloc(N * sizeof(double));
  /* The dense matrices only where they are small: the census' sizes (N <= 128 at m = 4). */
  if (N <= CENSUS_SADDLE_MAX_DIM) {
    w->J = malloc(N * N * sizeof(double));
    w->vr = malloc(N * N * sizeof(double));
  }
  if (!w->field || !w->trial || !w->y || !w->v || !w->y0 || !w->wr || !w->wi ||
      (N <= CENSUS_SADDLE_MAX_DIM && (!w->J || !w->vr))) {
    census_saddle_free(w);
    return NULL;
  }
  return w;
}

void census_saddle_free(census_saddle *w) {
  if (!w)
    return;
  sgema_field_free(w->field);
  sgema_trial_free(w->trial);
  free(w->y);
  free(w->v);
  free(w->y0);
  free(w->J);
  free(w->vr);
  free(w->wr);
  free(w->wi);
  free(w->dist[0]);
  free(w->dist[1]);
  free(w);
}

static const char *const side_names[2] = {"plus", "minus"};

static void side_path(const census_saddle_files *f, int i, int s, char *buf, size_t size) {
  snprintf(buf, size, "%s/%s-eq%d-%s.yaml", f->dir, f->stem, i, side_names[s]);
}

int census_saddle_check_files(const census_saddle_files *f, int i, char *err, size_t errsize) {
  if (!f->dir)
    return 0;
  struct stat st;
  if (stat(f->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    snprintf(err, errsize, "--write-inputs: %s is not a directory", f->dir);
    return -1;
  }
  for (int s = 0; s < 2; s++) {
    char path[4096];
    side_path(f, i, s, path, sizeof path);
    if (stat(path, &st) == 0) {
      snprintf(err, errsize, "%s exists: nothing is overwritten (choose another directory)", path);
      return -1;
    }
  }
  return 0;
}

/* The rightmost eigenvalue of the dense Jacobian at w->y and the real part of its eigenvector,
 * normalised, into w->v. */
static int unstable_direction(census_saddle *w, const sgema_problem *p, census_counterexample *x) {
  lapack_int N = (lapack_int)w->N;
  sgema_field_jacobian(w->field, p, 0.0, w->y, w->J, NULL);
  if (LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'V', N, w->J, N, w->wr, w->wi, NULL, 1, w->vr, N) != 0)
    return SGEMA_ELINALG;
  lapack_int j = 0;
  for (lapack_int k = 1; k < N; k++)
    if (w->wr[k] > w->wr[j])
      j = k;
  /* dgeev stores a complex pair's vector as columns (re, im) at the eigenvalue with wi > 0. */
  lapack_int col = w->wi[j] < 0.0 ? j - 1 : j;
  x->re = w->wr[j];
  x->im = w->wi[j];
  for (lapack_int k = 0; k < N; k++)
    w->v[k] = w->vr[(size_t)k * (size_t)N + (size_t)col];
  double norm = sgema_norm2(w->v, w->N);
  if (!(norm > 0.0))
    return SGEMA_ELINALG;
  for (size_t k = 0; k < w->N; k++)
    w->v[k] /= norm;
  return SGEMA_OK;
}

static void yaml_matrix(FILE *out, const char *key, const double *a, int rows, int cols) {
  fprintf(out, "  %s: ", key);
  census_print_matrix(out, a, rows, cols);
  fputc('\n', out);
}

/* An sgema-trial input file (trial_input.h) with every number in its round-trip form, so that the
 * file gives the kernel exactly the doubles of this process. */
static int write_input(const char *path, const sgema_problem *p, const double *y0, int index,
                       int sign) {
  FILE *out = fopen(path, "wx"); /* never overwrite: a race with another writer fails here */
  if (!out)
    return -1;
  char buf[SGEMA_DOUBLE_CHARS];
  int m = p->m, n = p->n;
  fprintf(out,
          "# sgema-census: census equilibrium %d (a saddle) moved by %c%g along the unit "
          "eigenvector\n# of the rightmost eigenvalue of its Jacobian; run: sgema-trial --input "
          "%s\n",
          index, sign > 0 ? '+' : '-', CENSUS_SADDLE_STEP, path);
  fprintf(out, "problem:\n  alg: %s\n  m: %d\n  n: %d\n  lambda: %s\n", sgema_alg_name(p->alg), m,
          n, sgema_format_double(p->lambda, buf));
  yaml_matrix(out, "Sxx", p->Sxx, m, m);
  yaml_matrix(out, "Syx", p->Syx, m, m);
  yaml_matrix(out, "Syy", p->Syy, m, m);
  if (p->alg == SGEMA_ALG_EMA) {
    char a1[SGEMA_DOUBLE_CHARS], T[SGEMA_DOUBLE_CHARS];
    fprintf(out, "  momentum: {kind: constant, a0: %s, a1: %s, T: %s}\n",
            sgema_format_double(p->momentum.a0, buf), sgema_format_double(p->momentum.a1, a1),
            sgema_format_double(p->momentum.T, T));
  }
  fputs("initial:\n", out);
  double *y = (double *)y0;
  yaml_matrix(out, "A", sgema_state_A(p, y), n, m);
  yaml_matrix(out, "B", sgema_state_B(p, y), n, n);
  if (p->alg == SGEMA_ALG_EMA)
    yaml_matrix(out, "C", sgema_state_C(p, y), n, m);
  int bad = ferror(out);
  return (fclose(out) != 0 || bad) ? -1 : 0;
}

static int run_side(census_saddle *w, const sgema_problem *p, const sgema_census_result *r,
                    int index, census_side *side) {
  for (size_t k = 0; k < w->N; k++)
    w->y0[k] = w->y[k] + side->sign * CENSUS_SADDLE_STEP * w->v[k];
  sgema_record rec;
  memset(&rec, 0, sizeof rec);
  rec.problem = *p;
  side->status = sgema_trial_solve(w->trial, w->y0, &rec, NULL);
  side->cls = rec.limit.cls;
  side->rank = rec.limit.rank;
  side->t_end = rec.integ.t_end;
  side->nearest = -1;
  for (int i = 0; i < r->n_equilibria; i++) {
    side->dist[i] =
        rec.y_end ? sgema_census_distance(p->m, p->n, rec.y_end, r->equilibria[i].S) : NAN;
    if (side->nearest < 0 || side->dist[i] < side->dist[side->nearest])
      side->nearest = i;
  }
  side->left = side->nearest != index;
  return SGEMA_OK;
}

static int grow_distances(census_saddle *w, int n_eq) {
  if (n_eq <= w->n_eq)
    return 0;
  for (int s = 0; s < 2; s++) {
    double *d = realloc(w->dist[s], (size_t)n_eq * sizeof(double));
    if (!d)
      return -1;
    w->dist[s] = d;
  }
  w->n_eq = n_eq;
  return 0;
}

int census_saddle_explain(census_saddle *w, sgema_census *c, const sgema_problem *p,
                          const sgema_census_result *r, int i, const census_saddle_files *f,
                          census_counterexample *x, char *err, size_t errsize) {
  memset(x, 0, sizeof *x);
  x->index = i;
  x->N = w->N;
  x->y = w->y;
  x->v = w->v;
  x->trial_args = f->trial_args ? f->trial_args : "";
  if (!w->J) {
    snprintf(err, errsize, "the state length %zu is beyond the dense eigenvectors' %d", w->N,
             CENSUS_SADDLE_MAX_DIM);
    return SGEMA_EDIM;
  }
  if (grow_distances(w, r->n_equilibria) != 0)
    return SGEMA_ENOMEM;
  int st = sgema_census_equilibrium_state(c, p, r->equilibria[i].S, w->y);
  if (st == SGEMA_OK)
    st = unstable_direction(w, p, x);
  for (int s = 0; st == SGEMA_OK && s < 2; s++) {
    census_side *side = &x->side[s];
    side->sign = s == 0 ? 1 : -1;
    side->dist = w->dist[s];
    if (f->dir) {
      side_path(f, i, s, side->path, sizeof side->path);
      for (size_t k = 0; k < w->N; k++)
        w->y0[k] = w->y[k] + side->sign * CENSUS_SADDLE_STEP * w->v[k];
      if (write_input(side->path, p, w->y0, i, side->sign) != 0) {
        snprintf(err, errsize, "cannot write %s: %s", side->path, strerror(errno));
        return SGEMA_EIO;
      }
    }
    st = run_side(w, p, r, i, side);
  }
  return st;
}

static void print_vector(FILE *out, const double *v, size_t N) {
  char buf[SGEMA_DOUBLE_CHARS];
  fputc('[', out);
  for (size_t k = 0; k < N; k++)
    fprintf(out, "%s%s", k ? ", " : "", sgema_format_double(v[k], buf));
  fputc(']', out);
}

void census_saddle_print_text(FILE *out, const sgema_problem *p, const sgema_census_result *r,
                              const census_counterexample *x) {
  const sgema_census_equilibrium *e = &r->equilibria[x->index];
  char buf[SGEMA_DOUBLE_CHARS];
  fprintf(out,
          "counterexample: equilibrium %d, rank %d %s, saddle with %d unstable direction%s "
          "(m = %d)\n",
          x->index, e->rank, sgema_solution_kind_name(e->kind), e->unstable,
          e->unstable == 1 ? "" : "s", p->m);
  fprintf(out, "  inputs: alg %s", sgema_alg_name(p->alg));
  if (p->alg == SGEMA_ALG_EMA)
    fprintf(out, ", momentum constant:%s", sgema_format_double(p->momentum.a0, buf));
  fprintf(out, ", lambda %s\n  Sxx = ", sgema_format_double(p->lambda, buf));
  census_print_matrix(out, p->Sxx, p->m, p->m);
  fputs("\n  Syx = ", out);
  census_print_matrix(out, p->Syx, p->m, p->m);
  fputs("\n  Syy = ", out);
  census_print_matrix(out, p->Syy, p->m, p->m);
  fputs("\n  S = ", out);
  census_print_matrix(out, e->S, p->m, p->m);
  fputs("\n  equilibrium y* (A, B", out);
  fputs(p->alg == SGEMA_ALG_EMA ? ", C row-major) = " : " row-major) = ", out);
  print_vector(out, x->y, x->N);
  fprintf(out, "\n  rightmost eigenvalue of the dense Jacobian %s",
          sgema_format_double(x->re, buf));
  if (x->im != 0.0)
    fprintf(out, " %+gi (complex: v is its eigenvector's real part)", x->im);
  fputs("\n  unit eigenvector v = ", out);
  print_vector(out, x->v, x->N);
  fputc('\n', out);
  for (int s = 0; s < 2; s++) {
    const census_side *d = &x->side[s];
    fprintf(out, "  side %c: y* %c %g v", d->sign > 0 ? '+' : '-', d->sign > 0 ? '+' : '-',
            CENSUS_SADDLE_STEP);
    if (d->path[0])
      fprintf(out, ": sgema-trial --input %s%s%s", d->path, x->trial_args[0] ? " " : "",
              x->trial_args);
    fprintf(out, "\n    -> class %s, rank %d, t_end %s", sgema_class_name(d->cls), d->rank,
            sgema_format_double(d->t_end, buf));
    if (d->status != SGEMA_OK)
      fprintf(out, " (%s)", sgema_status_name(d->status));
    if (d->nearest >= 0)
      fprintf(out, "; A^T A nearest to equilibrium %d (%s, %s) at %.3g, %.3g from the saddle: %s",
              d->nearest, sgema_solution_kind_name(r->equilibria[d->nearest].kind),
              sgema_equilibrium_class_name(r->equilibria[d->nearest].cls), d->dist[d->nearest],
              d->dist[x->index], d->left ? "left the saddle" : "stayed at the saddle");
    fputs("\n    distance of A^T A to each equilibrium:", out);
    for (int i = 0; i < r->n_equilibria; i++)
      fprintf(out, " %d: %.3g", i, d->dist[i]);
    fputc('\n', out);
  }
}

void census_saddle_print_json(jw_writer *w, const sgema_problem *p, const sgema_census_result *r,
                              const census_counterexample *x) {
  jw_object_begin(w, NULL);
  jw_long(w, "index", x->index);
  jw_double(w, "eigenvalue_re", x->re);
  jw_double(w, "eigenvalue_im", x->im);
  jw_array_begin_inline(w, "y");
  for (size_t k = 0; k < x->N; k++)
    jw_double(w, NULL, x->y[k]);
  jw_array_end(w);
  jw_array_begin_inline(w, "v");
  for (size_t k = 0; k < x->N; k++)
    jw_double(w, NULL, x->v[k]);
  jw_array_end(w);
  jw_double(w, "step", CENSUS_SADDLE_STEP);
  jw_array_begin(w, "sides");
  for (int s = 0; s < 2; s++) {
    const census_side *d = &x->side[s];
    jw_object_begin(w, NULL);
    jw_long(w, "sign", d->sign);
    if (d->path[0]) {
      jw_string(w, "input", d->path);
      char cmd[8192];
      snprintf(cmd, sizeof cmd, "sgema-trial --input %s%s%s", d->path, x->trial_args[0] ? " " : "",
               x->trial_args);
      jw_string(w, "command", cmd);
    } else {
      jw_null(w, "input");
      jw_null(w, "command");
    }
    jw_string(w, "status", sgema_status_name(d->status));
    jw_string(w, "class", sgema_class_name(d->cls));
    jw_long(w, "rank", d->rank);
    jw_double(w, "t_end", d->t_end);
    jw_long(w, "nearest", d->nearest);
    jw_bool(w, "left", d->left);
    jw_array_begin_inline(w, "distance");
    for (int i = 0; i < r->n_equilibria; i++)
      jw_double(w, NULL, d->dist[i]);
    jw_array_end(w);
    jw_object_end(w);
  }
  jw_array_end(w);
  jw_object_end(w);
  (void)p;
}

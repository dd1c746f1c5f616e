/* Printing a census as text or JSON (census_print.h). */
#include "census_print.h"

#include "format_double.h"

static const char *const outcome_names[4] = {"converged", "infinity", "singular", "failed"};
static const char *const system_names[2] = {"Eq. 6", "rank-deficient"};
static const char *const system_keys[2] = {"eq6", "rank_deficient"};

/* Which system found the rank-deficient equilibria: the rank-1 one reports its charts. */
static const char *rank_deficient_system(const sgema_census_result *r) {
  return r->charts > 0 ? "rank-1" : "rank-free";
}

void census_print_matrix(FILE *out, const double *a, int rows, int cols) {
  char buf[SGEMA_DOUBLE_CHARS];
  fputc('[', out);
  for (int i = 0; i < rows; i++) {
    fputs(i ? ", [" : "[", out);
    for (int j = 0; j < cols; j++)
      fprintf(out, "%s%s", j ? ", " : "", sgema_format_double(a[i * cols + j], buf));
    fputc(']', out);
  }
  fputc(']', out);
}

static void print_problem_text(FILE *out, const sgema_problem *p) {
  char buf[SGEMA_DOUBLE_CHARS];
  fprintf(out, "problem: %s m = %d n = %d lambda = %s", sgema_alg_name(p->alg), p->m, p->n,
          sgema_format_double(p->lambda, buf));
  if (p->alg == SGEMA_ALG_EMA)
    fprintf(out, " alpha = %s", sgema_format_double(p->momentum.a0, buf));
  fputs("\n  Sxx = ", out);
  census_print_matrix(out, p->Sxx, p->m, p->m);
  fputs("\n  Syx = ", out);
  census_print_matrix(out, p->Syx, p->m, p->m);
  fputc('\n', out);
}

static void print_equilibrium_text(FILE *out, int i, int m, const sgema_census_equilibrium *e) {
  fprintf(out, "  %3d  %4d  %-4s  %-10s  %-8s  %12.5e  %8d  %9.2e  %9.2e  ", i, e->rank,
          sgema_solution_kind_name(e->kind), sgema_equilibrium_class_name(e->cls),
          sgema_class_name(e->mc_class), e->abscissa, e->unstable, e->field_residual,
          e->system_residual);
  census_print_matrix(out, e->S, m, m);
  fputc('\n', out);
}

void census_print_text(FILE *out, const sgema_problem *p, const sgema_census_result *r) {
  print_problem_text(out, p);
  fputs("paths:", out);
  for (int s = 0; s < 2; s++) {
    fprintf(out, "%s %s", s ? ";" : "", system_names[s]);
    if (s == 1 && r->charts > 0 && r->corank_charts > 0)
      fprintf(out, " (rank-1, %d chart%s; corank systems, %d chart%s, %d pass%s)", r->charts,
              r->charts > 1 ? "s" : "", r->corank_charts, r->corank_charts > 1 ? "s" : "",
              r->corank_passes, r->corank_passes != 1 ? "es" : "");
    else if (s == 1 && r->charts > 0)
      fprintf(out, " (rank-1, %d chart%s)", r->charts, r->charts > 1 ? "s" : "");
    else if (s == 1)
      fputs(" (rank-free)", out);
    for (int k = 0; k < 4; k++)
      fprintf(out, " %s %ld", outcome_names[k], r->paths[s][k]);
  }
  fprintf(out, "\n  duplicates %d, dropped %d, conjugates added %d, origin added %d\n",
          r->duplicates, r->dropped, r->conjugates_added, r->origin_added);
  fputs("solutions:", out);
  for (int k = 0; k < SGEMA_SOLUTION_COUNT; k++)
    fprintf(out, "%s %s %d", k ? "," : "", sgema_solution_kind_name((sgema_solution_kind)k),
            r->count[k]);
  fputs("; real PSD by rank:", out);
  for (int k = 0; k <= p->m; k++)
    fprintf(out, "%s %d: %d", k ? "," : "", k, r->psd_rank[k]);
  fprintf(out, "\nequilibria (%d):\n", r->n_equilibria);
  fputs("    #  rank  kind  class       mc_class      abscissa  unstable  field_res  "
        "system_res  S\n",
        out);
  for (int i = 0; i < r->n_equilibria; i++)
    print_equilibrium_text(out, i, p->m, &r->equilibria[i]);
  if (r->n_indefinite > 0) {
    fprintf(out, "real indefinite solutions (%d, no equilibrium):\n", r->n_indefinite);
    for (int i = 0; i < r->n_indefinite; i++) {
      fputs("  ", out);
      census_print_matrix(out, r->indefinite[i].S, p->m, p->m);
      fputc('\n', out);
    }
  }
}

static void print_problem_json(jw_writer *w, const sgema_problem *p) {
  jw_object_begin(w, "problem");
  jw_string(w, "alg", sgema_alg_name(p->alg));
  jw_long(w, "m", p->m);
  jw_long(w, "n", p->n);
  jw_double(w, "lambda", p->lambda);
  jw_matrix(w, "Sxx", p->Sxx, p->m, p->m);
  jw_matrix(w, "Syx", p->Syx, p->m, p->m);
  jw_matrix(w, "Syy", p->Syy, p->m, p->m);
  if (p->alg == SGEMA_ALG_EMA) {
    jw_object_begin(w, "momentum");
    jw_string(w, "kind", "constant");
    jw_double(w, "a0", p->momentum.a0);
    jw_object_end(w);
  }
  jw_object_end(w);
}

static void print_equilibrium_json(jw_writer *w, int i, int m, const sgema_census_equilibrium *e) {
  jw_object_begin(w, NULL);
  jw_long(w, "index", i);
  jw_long(w, "rank", e->rank);
  jw_string(w, "kind", sgema_solution_kind_name(e->kind));
  jw_string(w, "class", sgema_equilibrium_class_name(e->cls));
  jw_string(w, "mc_class", sgema_class_name(e->mc_class));
  jw_double(w, "abscissa", e->abscissa);
  jw_long(w, "unstable", e->unstable);
  jw_long(w, "symmetry_zeros", e->symmetry_zeros);
  jw_double(w, "field_residual", e->field_residual);
  jw_double(w, "system_residual", e->system_residual);
  jw_matrix(w, "S", e->S, m, m);
  jw_object_end(w);
}

void census_print_json(jw_writer *w, const sgema_problem *p, const sgema_census_result *r) {
  print_problem_json(w, p);
  jw_object_begin(w, "paths");
  for (int s = 0; s < 2; s++) {
    jw_object_begin(w, system_keys[s]);
    if (s == 1) {
      jw_string(w, "system", rank_deficient_system(r));
      jw_long(w, "charts", r->charts > 1 ? r->charts : 1);
      if (r->corank_charts > 0) /* m >= 3: the corank-1 (and at m = 4 corank-2) systems' */
        jw_long(w, "corank_charts", r->corank_charts);
      if (r->corank_passes > 0)
        jw_long(w, "corank_passes", r->corank_passes);
    }
    for (int k = 0; k < 4; k++)
      jw_long(w, outcome_names[k], r->paths[s][k]);
    jw_object_end(w);
  }
  jw_object_end(w);
  jw_object_begin(w, "counts");
  for (int k = 0; k < SGEMA_SOLUTION_COUNT; k++)
    jw_long(w, sgema_solution_kind_name((sgema_solution_kind)k), r->count[k]);
  jw_long(w, "duplicates", r->duplicates);
  jw_long(w, "dropped", r->dropped);
  jw_long(w, "conjugates_added", r->conjugates_added);
  jw_long(w, "origin_added", r->origin_added);
  jw_object_end(w);
  jw_array_begin_inline(w, "psd_rank");
  for (int k = 0; k <= p->m; k++)
    jw_long(w, NULL, r->psd_rank[k]);
  jw_array_end(w);
  jw_array_begin(w, "equilibria");
  for (int i = 0; i < r->n_equilibria; i++)
    print_equilibrium_json(w, i, p->m, &r->equilibria[i]);
  jw_array_end(w);
  jw_array_begin(w, "indefinite");
  for (int i = 0; i < r->n_indefinite; i++) {
    jw_object_begin(w, NULL);
    jw_double(w, "system_residual", r->indefinite[i].system_residual);
    jw_matrix(w, "S", r->indefinite[i].S, p->m, p->m);
    jw_object_end(w);
  }
  jw_array_end(w);
}

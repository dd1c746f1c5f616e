/* The sgema-trial command line that re-runs a trial of a results file bit for bit. */
#define _POSIX_C_SOURCE 200809L
#include "export_command.h"

#include "json_writer.h"
#include "settings_json.h"
#include "table_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* " --opt value" with the shortest exact form of x. */
static void opt_double(FILE *f, const char *opt, double x) {
  char buf[32];
  fprintf(f, " --%s %s", opt, tab_double(x, buf));
}

static void opt_range(FILE *f, const char *opt, double lo, double hi) {
  char a[32], b[32];
  fprintf(f, " --%s %s,%s", opt, tab_double(lo, a), tab_double(hi, b));
}

/* Single quotes unless the word is made of characters every shell takes literally. */
static void shell_word(FILE *f, const char *s) {
  if (s[0] &&
      strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+./:,=@") ==
          strlen(s)) {
    fputs(s, f);
    return;
  }
  putc('\'', f);
  for (; *s; s++)
    if (*s == '\'')
      fputs("'\\''", f);
    else
      putc(*s, f);
  putc('\'', f);
}

static void problem_options(FILE *f, const sgema_settings *s) {
  char a[32], b[32], c[32];
  fprintf(f, " --alg %s --m %d --n %d --time %s", sgema_alg_name(s->alg), s->m, s->n,
          sgema_time_name(s->time));
  opt_double(f, "mu", s->mu);
  opt_double(f, "nu", s->nu);
  if (s->momentum.kind == SGEMA_MOMENTUM_CONSTANT)
    fprintf(f, " --momentum constant:%s", tab_double(s->momentum.a0, a));
  else
    fprintf(f, " --momentum linear:%s,%s,%s", tab_double(s->momentum.a0, a),
            tab_double(s->momentum.a1, b), tab_double(s->momentum.T, c));
}

static void sampling_options(FILE *f, const sgema_sampling *sa) {
  fprintf(f, " --stats %s", sgema_stats_name(sa->stats));
  opt_range(f, "rho-range", sa->rho_lo, sa->rho_hi);
  opt_range(f, "tau-range", sa->tau_lo, sa->tau_hi);
  opt_range(f, "lambda-range", sa->lambda_lo, sa->lambda_hi);
  opt_double(f, "sigma", sa->sigma);
  fprintf(f, " --condition-delta=%s --max-draws %ld --target %s",
          sa->condition_delta ? "yes" : "no", sa->max_draws, sgema_target_name(sa->target));
}

static void integration_options(FILE *f, const sgema_integration *in) {
  fprintf(f, " --method %s", sgema_method_name(in->method));
  opt_double(f, "rtol", in->rtol);
  opt_double(f, "atol", in->atol);
  opt_double(f, "h0", in->h0);
  opt_double(f, "t-max", in->t_max);
  fprintf(f, " --max-steps %ld", in->max_steps);
  opt_double(f, "f-tol", in->f_tol);
  opt_double(f, "diverge-norm", in->diverge_norm);
  opt_double(f, "tail-f", in->tail_f);
  opt_double(f, "tail-rtol", in->tail_rtol);
  opt_double(f, "stiff-ratio", in->stiff_ratio);
  fprintf(f, " --krylov-dim %d --preconditioner %s --krylov-min-n %d", in->krylov_dim,
          sgema_preconditioner_name(in->preconditioner), in->krylov_min_n);
}

static void classification_options(FILE *f, const sgema_classification *cl) {
  opt_double(f, "origin-tol", cl->origin_tol);
  opt_double(f, "rank-tol", cl->rank_tol);
  opt_double(f, "saddle-tol", cl->saddle_tol);
  opt_double(f, "symmetry-tol", cl->symmetry_tol);
  opt_double(f, "sphere-tol", cl->sphere_tol);
  fprintf(f, " --spectrum %s --eigenvalues %d", sgema_spectrum_name(cl->spectrum), cl->eigenvalues);
  opt_double(f, "arnoldi-tol", cl->arnoldi_tol);
  fprintf(f, " --arnoldi-restarts %d --lapack-min-n %d", cl->arnoldi_restarts, cl->lapack_min_n);
}

char *export_command_prefix(const char *program, const sgema_settings *s, uint64_t seed,
                            uint32_t stream) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f)
    return NULL;
  shell_word(f, program);
  fprintf(f, " --seed %llu --run %u", (unsigned long long)seed, stream);
  problem_options(f, s);
  sampling_options(f, &s->sampling);
  integration_options(f, &s->integration);
  classification_options(f, &s->classification);
  opt_double(f, "invariant-window", s->invariant_window);
  if (fclose(f) != 0) {
    free(text);
    return NULL;
  }
  return text;
}

/* A trial's record is a pure function of (seed, run, trial): computing trials in another order, or
 * after other trials in the same workspaces, changes no bit of any result. This is what lets the
 * runner spread trials over any number of processes and still write identical files. */
#include "sgema/trial.h"
#include "test_util.h"

#define NT 120

typedef struct {
  double y_end[64];
  sgema_integration_stats integ;
  sgema_limit limit;
  sgema_verification verify;
} snapshot;

static void take(const sgema_record *rec, snapshot *s) {
  memset(s, 0, sizeof *s);
  memcpy(s->y_end, rec->y_end, sgema_problem_dim(&rec->problem) * sizeof(double));
  s->integ = rec->integ;
  s->limit = rec->limit;
  s->verify = rec->verify;
}

/* Bitwise equality of the fields, compared one by one (struct padding is not data). */
static int same(const snapshot *a, const snapshot *b) {
  return memcmp(a->y_end, b->y_end, sizeof a->y_end) == 0 && a->integ.end == b->integ.end &&
         memcmp(&a->integ.t_end, &b->integ.t_end, sizeof(double)) == 0 &&
         a->integ.steps == b->integ.steps && a->integ.rejected == b->integ.rejected &&
         a->integ.rhs_evals == b->integ.rhs_evals && a->integ.jac_evals == b->integ.jac_evals &&
         a->limit.cls == b->limit.cls && a->limit.rank == b->limit.rank &&
         memcmp(&a->limit.max_re, &b->limit.max_re, sizeof(double)) == 0 &&
         memcmp(&a->verify.invariant_drift, &b->verify.invariant_drift, sizeof(double)) == 0 &&
         memcmp(&a->verify.eq7, &b->verify.eq7, sizeof(double)) == 0;
}

static void check_order(const char *label, sgema_settings s) {
  static snapshot forward[NT];
  sgema_trial *t1 = sgema_trial_alloc(&s), *t2 = sgema_trial_alloc(&s);
  sgema_record rec;
  for (uint32_t i = 0; i < NT; i++) {
    sgema_trial_run(t1, 4711, 3, i, &rec, NULL);
    take(&rec, &forward[i]);
  }
  /* A fixed shuffle, run by the second workspace, then again by the first (now warm). */
  uint32_t order[NT];
  for (uint32_t i = 0; i < NT; i++)
    order[i] = (i * 37u + 11u) % NT;
  int diff2 = 0, diff1 = 0;
  for (uint32_t q = 0; q < NT; q++) {
    snapshot x;
    sgema_trial_run(t2, 4711, 3, order[q], &rec, NULL);
    take(&rec, &x);
    diff2 += !same(&x, &forward[order[q]]);
    sgema_trial_run(t1, 4711, 3, order[NT - 1 - q], &rec, NULL);
    take(&rec, &x);
    diff1 += !same(&x, &forward[order[NT - 1 - q]]);
  }
  CHECK(diff2 == 0 && diff1 == 0,
        "%s: %d trials in shuffled orders, fresh and warm workspaces, bit-identical (%d, %d "
        "differ)",
        label, NT, diff2, diff1);
  sgema_trial_free(t1);
  sgema_trial_free(t2);
}

int main(void) {
  sgema_settings s;
  sgema_settings_default(&s);
  check_order("sg m=1 hybrid", s);
  s.alg = SGEMA_ALG_EMA;
  check_order("ema m=1 hybrid", s);
  s.m = 2;
  s.n = 4;
  s.sampling.stats = SGEMA_STATS_GENERIC;
  check_order("ema m=2 n=4 hybrid (BDF stiff phase)", s);
  s.alg = SGEMA_ALG_SG;
  s.m = 1;
  s.n = 2;
  s.sampling.stats = SGEMA_STATS_DIAGONAL;
  s.integration.method = SGEMA_METHOD_MSBDF;
  check_order("sg m=1 GSL msbdf", s);
  return tu_finish();
}

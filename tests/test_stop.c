/* Stop requests inside the classification and the census (issue 10): a poll that says stop at
 * the k-th call abandons the work in progress with SGEMA_EINTERRUPTED wherever that call is (the
 * ARPACK iteration, a dense stage, a census path), and the same workspace then computes bit for
 * bit what a workspace that was never stopped computes (the reference: a run without a watch). */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include "sgema/census.h"
#include "sgema/classify.h"
#include "sgema/status.h"
#include "sgema/trial.h"
#include "test_util.h"

/* A watch that counts its polls and says stop at poll number stop_at (0: never); it notes how many
 * polls came once the integration time reached `t_end` (those of the classification, and the
 * integration's last step). */
typedef struct {
  long polls, stop_at, at_end;
  double t_end;
} counter;

static int count_poll(void *ctx, double t) {
  counter *c = ctx;
  c->polls++;
  c->at_end += t == c->t_end;
  return c->stop_at > 0 && c->polls >= c->stop_at;
}

static int count_stop(void *ctx) {
  return count_poll(ctx, 0.0);
}

/* Two records of one trial are the same result: class, rank, spectrum, verification, end. */
static int same_record(const sgema_record *a, const sgema_record *b) {
  const sgema_limit *x = &a->limit, *y = &b->limit;
  int same = a->status == b->status && x->cls == y->cls && x->rank == y->rank &&
             x->symmetry_zeros == y->symmetry_zeros && a->integ.end == b->integ.end &&
             a->integ.t_end == b->integ.t_end && a->spectrum.k == b->spectrum.k &&
             a->spectrum.used == b->spectrum.used &&
             memcmp(&x->max_re, &y->max_re, sizeof x->max_re) == 0 &&
             memcmp(&a->verify, &b->verify, sizeof a->verify) == 0;
  for (int i = 0; same && i < a->spectrum.k; i++)
    same = memcmp(&a->spectrum.re[i], &b->spectrum.re[i], sizeof(double)) == 0 &&
           memcmp(&a->spectrum.im[i], &b->spectrum.im[i], sizeof(double)) == 0;
  return same;
}

static sgema_settings trial_settings(sgema_alg alg, int m, int n, sgema_spectrum_solver spectrum) {
  sgema_settings s;
  sgema_settings_default(&s);
  s.alg = alg;
  s.m = m;
  s.n = n;
  s.sampling.stats = SGEMA_STATS_GENERIC;
  s.classification.spectrum = spectrum;
  s.classification.eigenvalues = 4;
  return s;
}

/* One trial's classification stopped at each of its polls in turn (after the integration's last
 * step): interrupted there, the integration's end kept (the stop was not in the integration), and
 * the next unwatched solve of the same workspace equals the reference. */
static void classification_stops(const char *what, sgema_settings s, uint32_t trial) {
  static sgema_record ref, rec;
  sgema_trial *t = sgema_trial_alloc(&s);
  CHECK(t != NULL, "%s: workspace", what);
  if (!t)
    return;
  CHECK(sgema_trial_run(t, 7, 0, trial, &ref, NULL) == SGEMA_OK, "%s: reference trial %u solved",
        what, trial);
  counter c = {0, 0, 0, ref.integ.t_end};
  sgema_trial_watch w = {NULL, count_poll, &c};
  sgema_trial_set_watch(t, &w);
  int same = sgema_trial_run(t, 7, 0, trial, &rec, NULL) == SGEMA_OK && same_record(&ref, &rec);
  CHECK(same, "%s: a watch that never stops changes nothing (%ld polls)", what, c.polls);
  long total = c.polls, in_class = c.at_end - 1; /* the integration's last step polls at t_end */
  CHECK(in_class >= 2,
        "%s: the classification polls the stop request (%ld polls after the "
        "integration's last step, spectrum %s, %ld products)",
        what, in_class, sgema_record_solver_name(ref.spectrum.used), ref.spectrum.products);
  int all_stopped = 1, all_same = 1;
  for (long k = total - in_class + 1; k <= total; k++) {
    c = (counter){0, k, 0, ref.integ.t_end};
    int st = sgema_trial_run(t, 7, 0, trial, &rec, NULL);
    all_stopped = all_stopped && st == SGEMA_EINTERRUPTED && rec.status == SGEMA_EINTERRUPTED &&
                  rec.integ.end == ref.integ.end;
    sgema_trial_set_watch(t, NULL);
    all_same = all_same && sgema_trial_run(t, 7, 0, trial, &rec, NULL) == SGEMA_OK &&
               same_record(&ref, &rec);
    sgema_trial_set_watch(t, &w);
  }
  CHECK(all_stopped,
        "%s: stopped at each of the classification's %ld polls: interrupted, "
        "integration end kept",
        what, in_class);
  CHECK(all_same,
        "%s: after each stop the same workspace solves the trial bit for bit as the "
        "reference",
        what);
  sgema_trial_free(t);
}

/* ---- a LAPACK spectrum in its own thread ------------------------------------------------------
 */

typedef struct {
  int calls, stop_at;
} nth_call;

static int stop_at_call(void *ctx) {
  nth_call *n = ctx;
  return ++n->calls >= n->stop_at;
}

/* A forced LAPACK spectrum of EMA m = 12, n = 24 (N = 1152: the threaded path). Unstopped, the
 * caller polls the stop request at least every 0.1 s of it (before the thread, only between the
 * dense stages: 4 polls, one LAPACK call apart) and gets the reference's bits; stopped at its
 * second poll it returns SGEMA_EINTERRUPTED, and the same workspace then computes the reference's
 * bits again; a workspace freed while its abandoned thread still runs is left to the thread (the
 * sanitizers see any use after free or leak). */
static void threaded_lapack_stops(void) {
  sgema_settings s = trial_settings(SGEMA_ALG_EMA, 12, 24, SGEMA_SPECTRUM_LAPACK);
  static sgema_record rec;
  sgema_trial *t = sgema_trial_alloc(&s);
  if (!CHECK(t && sgema_trial_sample(t, 7, 0, 3, &rec) == SGEMA_OK, "threaded: trial sampled"))
    return;
  const sgema_problem *p = &rec.problem;
  sgema_classifier *c = sgema_classifier_alloc(12, 24), *fresh = sgema_classifier_alloc(12, 24);
  double ref = 0.0, got = 0.0;
  int ref_zeros = -1, zeros = -2;
  int st = sgema_classifier_spectrum(fresh, &s.classification, p, 0.0, rec.y0, &ref, &ref_zeros);
  CHECK(st == SGEMA_OK && ref_zeros > 0, "threaded: reference spectrum (%d zeros)", ref_zeros);
  nth_call n = {0, 1 << 30};
  sgema_classifier_set_stop(c, stop_at_call, &n);
  double t0 = tu_seconds();
  st = sgema_classifier_spectrum(c, &s.classification, p, 0.0, rec.y0, &got, &zeros);
  double took = tu_seconds() - t0;
  CHECK(st == SGEMA_OK && memcmp(&got, &ref, sizeof got) == 0 && zeros == ref_zeros,
        "threaded: a stop request that never comes changes nothing (%.17g, %d)", got, zeros);
  CHECK(n.calls >= took / 0.1,
        "threaded: polled %d times in %.2f s of spectrum (at least every 0.1 s)", n.calls, took);
  n = (nth_call){0, 2};
  st = sgema_classifier_spectrum(c, &s.classification, p, 0.0, rec.y0, &got, &zeros);
  CHECK(st == SGEMA_EINTERRUPTED, "threaded: stopped at the second poll (status %d)", st);
  sgema_classifier_set_stop(c, NULL, NULL);
  st = sgema_classifier_spectrum(c, &s.classification, p, 0.0, rec.y0, &got, &zeros);
  CHECK(st == SGEMA_OK && memcmp(&got, &ref, sizeof got) == 0 && zeros == ref_zeros,
        "threaded: the same workspace then computes the reference bit for bit (%.17g, %d)", got,
        zeros);
  n = (nth_call){0, 2};
  sgema_classifier_set_stop(c, stop_at_call, &n);
  st = sgema_classifier_spectrum(c, &s.classification, p, 0.0, rec.y0, &got, &zeros);
  CHECK(st == SGEMA_EINTERRUPTED, "threaded: stopped again");
  CHECK(sgema_classifier_jobs_running() == 1, "threaded: its thread still runs");
  sgema_classifier_free(c); /* its thread frees the workspace when done */
  sgema_classifier_free(fresh);
  sgema_trial_free(t);
  double waited = tu_seconds();
  while (sgema_classifier_jobs_running() > 0 && tu_seconds() - waited < 60.0)
    nanosleep(&(struct timespec){0, 10000000}, NULL);
  CHECK(sgema_classifier_jobs_running() == 0,
        "threaded: the orphaned thread ended on its own (after %.2f s)", tu_seconds() - waited);
}

/* ---- the census ---------------------------------------------------------------------------- */

static int same_census(const sgema_census_result *a, const sgema_census_result *b) {
  int same = memcmp(a->paths, b->paths, sizeof a->paths) == 0 &&
             memcmp(a->count, b->count, sizeof a->count) == 0 &&
             a->n_equilibria == b->n_equilibria && a->n_indefinite == b->n_indefinite &&
             a->reruns == b->reruns && a->duplicates == b->duplicates;
  for (int i = 0; same && i < a->n_equilibria; i++) {
    const sgema_census_equilibrium *x = &a->equilibria[i], *y = &b->equilibria[i];
    same = memcmp(x->S, y->S, sizeof x->S) == 0 && x->cls == y->cls && x->rank == y->rank &&
           memcmp(&x->abscissa, &y->abscissa, sizeof x->abscissa) == 0;
  }
  return same;
}

/* Copies what same_census compares (the result points into its workspace). */
typedef struct {
  sgema_census_result r;
  sgema_census_equilibrium eq[64];
} census_copy;

static void keep(census_copy *k, const sgema_census_result *r) {
  k->r = *r;
  int n = r->n_equilibria < 64 ? r->n_equilibria : 64;
  memcpy(k->eq, r->equilibria, (size_t)n * sizeof *k->eq);
  k->r.equilibria = k->eq;
  k->r.n_equilibria = n;
}

/* A census data set stopped at several of its polls, from the first (the start system's roots
 * are solved then: a stop there must not keep a partial set of them) to the last: interrupted,
 * and the same workspace then finds what a fresh one finds. */
static void census_stops(const char *what, sgema_alg alg, int m, int total_degree, int rank_free) {
  sgema_settings s = trial_settings(alg, m, m + 1, SGEMA_SPECTRUM_AUTO);
  if (alg == SGEMA_ALG_EMA)
    s.momentum = (sgema_momentum){SGEMA_MOMENTUM_CONSTANT, 0.5, 0.5, 0.0};
  s.census.total_degree = total_degree;
  s.census.rank_deficient = rank_free;
  s.census.rank_deficient_max_m = m;
  sgema_census_settings cs;
  sgema_settings_census(&s, &cs);
  sgema_trial *t = sgema_trial_alloc(&s);
  static sgema_record rec;
  if (!CHECK(t && sgema_trial_sample(t, 11, 0, 3, &rec) == SGEMA_OK, "%s: data set drawn", what)) {
    sgema_trial_free(t);
    return;
  }
  sgema_census *fresh = sgema_census_alloc(m, m + 1), *c = sgema_census_alloc(m, m + 1);
  sgema_census_result r;
  static census_copy ref;
  CHECK(fresh && c && sgema_census_run(fresh, &cs, &rec.problem, 11, 0, 3, &r) == SGEMA_OK,
        "%s: reference census", what);
  keep(&ref, &r);
  counter cnt = {0, 0, 0, -1.0};
  sgema_census_set_stop(c, count_stop, &cnt);
  /* A workspace that has solved nothing yet: its first polls are in the start system's solve. */
  long stops[] = {1, 2, 0, 0, 0};
  int all_stopped = 1, all_same = 1;
  for (int i = 0; i < 5; i++) {
    if (i == 2) { /* the whole census, counting its polls */
      cnt = (counter){0, 0, 0, -1.0};
      int same = sgema_census_run(c, &cs, &rec.problem, 11, 0, 3, &r) == SGEMA_OK &&
                 same_census(&ref.r, &r);
      CHECK(same, "%s: a stop poll that never stops changes nothing (%ld polls)", what, cnt.polls);
      CHECK(cnt.polls > 10, "%s: the census polls the stop request along its paths (%ld polls)",
            what, cnt.polls);
      stops[3] = cnt.polls / 2;
      stops[4] = cnt.polls;
      continue;
    }
    cnt = (counter){0, stops[i], 0, -1.0};
    all_stopped =
        all_stopped && sgema_census_run(c, &cs, &rec.problem, 11, 0, 3, &r) == SGEMA_EINTERRUPTED;
    sgema_census_set_stop(c, NULL, NULL);
    all_same = all_same && sgema_census_run(c, &cs, &rec.problem, 11, 0, 3, &r) == SGEMA_OK &&
               same_census(&ref.r, &r);
    sgema_census_set_stop(c, count_stop, &cnt);
  }
  CHECK(all_stopped, "%s: stopped at polls 1, 2, half way and last: SGEMA_EINTERRUPTED", what);
  CHECK(all_same, "%s: after each stop the same workspace finds what a fresh one finds", what);
  sgema_census_free(c);
  sgema_census_free(fresh);
  sgema_trial_free(t);
}

int main(void) {
  /* ARPACK's reverse-communication loop (N = 128 >= lapack_min_n), LAPACK's and GSL's dense
   * stages (forced), and auto's GSL path below lapack_min_n. */
  classification_stops("ema m = 4, n = 8, arnoldi",
                       trial_settings(SGEMA_ALG_EMA, 4, 8, SGEMA_SPECTRUM_AUTO), 1);
  classification_stops("sg m = 4, n = 8, lapack",
                       trial_settings(SGEMA_ALG_SG, 4, 8, SGEMA_SPECTRUM_LAPACK), 2);
  classification_stops("sg m = 2, n = 4, dense",
                       trial_settings(SGEMA_ALG_SG, 2, 4, SGEMA_SPECTRUM_AUTO), 0);
  threaded_lapack_stops();
  census_stops("census sg m = 2 (parameter homotopy)", SGEMA_ALG_SG, 2, 0, 1);
  census_stops("census ema m = 2 (total degree)", SGEMA_ALG_EMA, 2, 1, 1);
  census_stops("census sg m = 3 (Eq. 6 only)", SGEMA_ALG_SG, 3, 0, 0);
  return tu_finish();
}

/* Experiment files: every bad file gives exactly its expected diagnostics, the good files load,
 * sweeps expand as documented, defaults are inherited, the source and the resolved form round-trip.
 * Usage: test_experiment BAD_DIR EXPERIMENTS_DIR */
#define _POSIX_C_SOURCE 200809L

#include "sgema/experiment.h"
#include "sgema/status.h"

#include "test_util.h"

#include <dirent.h>

/* ---- helpers ---- */

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, used = 0;
  char *buf = malloc(cap + 1);
  size_t got;
  while (buf && (got = fread(buf + used, 1, cap - used, f)) > 0) {
    used += got;
    if (used == cap) {
      char *b = realloc(buf, 2 * cap + 1);
      if (!b) {
        free(buf);
        buf = NULL;
      }
      buf = b;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf) {
    buf[used] = '\0';
    *len = used;
  }
  return buf;
}

static void path_join(char *out, size_t size, const char *dir, const char *name) {
  snprintf(out, size, "%s/%s", dir, name);
}

/* Formatted diagnostic i. */
static const char *diag_line(const sgema_diagnostics *d, size_t i, char *buf, size_t size) {
  sgema_diagnostic_format(sgema_diagnostics_get(d, i), buf, size);
  return buf;
}

static void print_diagnostics(const sgema_diagnostics *d) {
  char line[1024];
  for (size_t i = 0; i < sgema_diagnostics_count(d); i++)
    printf("     | %s\n", diag_line(d, i, line, sizeof line));
}

/* The first field in which two settings differ, or NULL. Written out field by field from trial.h
 * (padding makes memcmp of the structs meaningless); a new setting must be added here. */
static const char *settings_diff(const sgema_settings *a, const sgema_settings *b) {
#define SAME(f)                                                                                    \
  if (memcmp(&a->f, &b->f, sizeof a->f) != 0)                                                      \
    return #f;
  SAME(alg) SAME(m) SAME(n) SAME(time) SAME(mu) SAME(nu);
  SAME(momentum.kind) SAME(momentum.a0) SAME(momentum.a1) SAME(momentum.T);
  SAME(sampling.stats) SAME(sampling.rho_lo) SAME(sampling.rho_hi) SAME(sampling.tau_lo);
  SAME(sampling.tau_hi) SAME(sampling.lambda_lo) SAME(sampling.lambda_hi) SAME(sampling.sigma);
  SAME(sampling.condition_delta) SAME(sampling.max_draws) SAME(sampling.target);
  SAME(sampling.design.kind) SAME(sampling.design.x.what) SAME(sampling.design.x.index);
  SAME(sampling.design.x.lo) SAME(sampling.design.x.hi) SAME(sampling.design.x.cells);
  SAME(sampling.design.y.what) SAME(sampling.design.y.index) SAME(sampling.design.y.lo);
  SAME(sampling.design.y.hi) SAME(sampling.design.y.cells) SAME(sampling.design.per_cell);
  SAME(sampling.design.base_trial);
  SAME(integration.method) SAME(integration.rtol) SAME(integration.atol) SAME(integration.h0);
  SAME(integration.t_max) SAME(integration.max_steps) SAME(integration.f_tol);
  SAME(integration.diverge_norm) SAME(integration.tail_f) SAME(integration.tail_rtol);
  SAME(integration.stiff_ratio) SAME(integration.krylov_dim) SAME(integration.preconditioner);
  SAME(integration.krylov_min_n);
  SAME(classification.origin_tol) SAME(classification.rank_tol) SAME(classification.saddle_tol);
  SAME(classification.symmetry_tol) SAME(classification.sphere_tol) SAME(classification.spectrum);
  SAME(classification.eigenvalues) SAME(classification.arnoldi_tol);
  SAME(classification.arnoldi_restarts) SAME(classification.lapack_min_n);
  SAME(invariant_window);
#undef SAME
  return NULL;
}

/* The first difference between two runs, in everything a run specifies, or NULL. */
static const char *run_diff(const sgema_run_spec *a, const sgema_run_spec *b) {
  if (strcmp(a->name, b->name) != 0)
    return "name";
  if (a->index != b->index || a->stream != b->stream || a->trials != b->trials)
    return "index, stream or trials";
  const char *s = settings_diff(&a->settings, &b->settings);
  if (s)
    return s;
  if (a->record.trajectories != b->record.trajectories || a->record.points != b->record.points ||
      a->record.t_last != b->record.t_last)
    return "record";
  if (a->reference_count != b->reference_count)
    return "reference count";
  for (size_t k = 0; k < a->reference_count; k++) {
    const sgema_reference *x = &a->references[k], *y = &b->references[k];
    if (x->cls != y->cls || x->has_sphere != y->has_sphere ||
        (x->has_sphere && x->sphere != y->sphere) || x->fraction != y->fraction ||
        strcmp(x->source, y->source) != 0)
      return "reference";
  }
  return NULL;
}

/* ---- the bad files ---- */

#define MAX_EXPECTED 512

typedef struct {
  char file[128];
  char fragment[400];
} expectation;

static int read_expected(const char *dir, expectation *ex, int max) {
  char path[1024], *save = NULL;
  size_t len;
  path_join(path, sizeof path, dir, "expected.txt");
  char *text = read_file(path, &len);
  if (!CHECK(text != NULL, "read %s", path))
    return 0;
  int count = 0;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    if (line[0] == '#' || line[0] == '\0')
      continue;
    char *tab = strchr(line, '\t');
    if (!CHECK(tab && count < max, "expected.txt line '%s' is FILE<TAB>FRAGMENT", line))
      continue;
    *tab = '\0';
    snprintf(ex[count].file, sizeof ex[count].file, "%s", line);
    snprintf(ex[count].fragment, sizeof ex[count].fragment, "%s", tab + 1);
    count++;
  }
  free(text);
  return count;
}

/* One bad file: refused, with each expected fragment in some diagnostic and nothing else. */
static void check_bad_file(const char *dir, const char *file, const expectation *ex, int count,
                           sgema_diagnostics *d) {
  char path[1024], line[2048], want[600];
  path_join(path, sizeof path, dir, file);
  sgema_diagnostics_clear(d);
  sgema_experiment *e = sgema_experiment_load(path, d);
  CHECK(e == NULL, "%s: refused", file);
  sgema_experiment_free(e);
  int expected = 0, all_found = 1;
  for (int i = 0; i < count; i++) {
    if (strcmp(ex[i].file, file) != 0)
      continue;
    expected++;
    snprintf(want, sizeof want, "%s:%s", file, ex[i].fragment);
    int found = 0;
    for (size_t k = 0; k < sgema_diagnostics_count(d) && !found; k++)
      found = strstr(diag_line(d, k, line, sizeof line), want) != NULL;
    all_found &= CHECK(found, "%s: reports '%s'", file, ex[i].fragment);
  }
  int exact = CHECK((size_t)expected == sgema_diagnostics_count(d),
                    "%s: %d diagnostics, as many as expected.txt lists (got %zu)", file, expected,
                    sgema_diagnostics_count(d));
  for (size_t k = 0; k < sgema_diagnostics_count(d); k++) {
    const sgema_diagnostic *x = sgema_diagnostics_get(d, k);
    CHECK(x->line >= 1 && x->column >= 1 && strcmp(x->file, path) == 0,
          "%s: diagnostic %zu has the file and a 1-based line:column", file, k);
  }
  if (!all_found || !exact)
    print_diagnostics(d);
}

static int has_yaml_suffix(const char *name) {
  size_t len = strlen(name);
  return len > 5 && strcmp(name + len - 5, ".yaml") == 0;
}

static void test_bad_files(const char *dir, sgema_diagnostics *d) {
  static expectation ex[MAX_EXPECTED];
  int count = read_expected(dir, ex, MAX_EXPECTED);
  /* Every file of the corpus is listed, and every listed file exists. */
  DIR *dp = opendir(dir);
  if (!CHECK(dp != NULL, "open %s", dir))
    return;
  int files = 0;
  for (struct dirent *de; (de = readdir(dp)) != NULL;) {
    if (!has_yaml_suffix(de->d_name))
      continue;
    files++;
    int listed = 0;
    for (int i = 0; i < count && !listed; i++)
      listed = strcmp(ex[i].file, de->d_name) == 0;
    CHECK(listed, "%s is listed in expected.txt", de->d_name);
  }
  closedir(dp);
  CHECK(files >= 30, "the corpus has at least 30 bad files (%d)", files);
  for (int i = 0; i < count; i++) {
    int first = 1;
    for (int j = 0; j < i && first; j++)
      first = strcmp(ex[j].file, ex[i].file) != 0;
    if (first)
      check_bad_file(dir, ex[i].file, ex, count, d);
  }
}

/* A file with many problems reports every one of them, in file order. */
static void test_many_problems(const char *dir, sgema_diagnostics *d) {
  char path[1024];
  path_join(path, sizeof path, dir, "many_problems.yaml");
  sgema_diagnostics_clear(d);
  sgema_experiment *e = sgema_experiment_load(path, d);
  CHECK(e == NULL && sgema_diagnostics_count(d) == 9,
        "many_problems.yaml: all 9 problems at once (got %zu)", sgema_diagnostics_count(d));
  int ordered = 1;
  for (size_t k = 1; k < sgema_diagnostics_count(d); k++) {
    const sgema_diagnostic *a = sgema_diagnostics_get(d, k - 1), *b = sgema_diagnostics_get(d, k);
    ordered &= a->line < b->line || (a->line == b->line && a->column <= b->column);
  }
  CHECK(ordered, "many_problems.yaml: diagnostics in file order");
  /* Without a collector the loader still refuses, silently. */
  e = sgema_experiment_load(path, NULL);
  CHECK(e == NULL, "many_problems.yaml: refused without a collector too");
}

static void test_missing_file(const char *dir, sgema_diagnostics *d) {
  char path[1024], line[2048];
  path_join(path, sizeof path, dir, "no-such-file.yaml");
  sgema_diagnostics_clear(d);
  sgema_experiment *e = sgema_experiment_load(path, d);
  CHECK(e == NULL && sgema_diagnostics_count(d) == 1 &&
            strstr(diag_line(d, 0, line, sizeof line), "no-such-file.yaml:1:1: cannot open: ") !=
                NULL,
        "a missing file: one diagnostic with file:line:column (%s)",
        sgema_diagnostics_count(d) ? line : "none");
}

/* ---- the good files ---- */

static const char *const good_files[] = {"smoke.yaml", "paper-m1.yaml", "paper-m1-variants.yaml",
                                         "sweep-m.yaml"};
#define GOOD_COUNT 4

static sgema_experiment *load_good(const char *dir, const char *file, sgema_diagnostics *d) {
  char path[1024];
  path_join(path, sizeof path, dir, file);
  sgema_diagnostics_clear(d);
  sgema_experiment *e = sgema_experiment_load(path, d);
  if (!CHECK(e != NULL && sgema_diagnostics_count(d) == 0, "%s loads with no diagnostics", file))
    print_diagnostics(d);
  return e;
}

/* Names unique, indices 0..R-1 in order, and every run valid for the kernel. */
static void check_runs_consistent(const sgema_experiment *e, const char *file) {
  size_t R = sgema_experiment_run_count(e);
  int unique = 1, indexed = 1, valid = 1;
  for (size_t i = 0; i < R; i++) {
    const sgema_run_spec *r = sgema_experiment_run(e, i);
    indexed &= r->index == i && sgema_experiment_find(e, r->name) == r;
    for (size_t j = 0; j < i; j++)
      unique &= strcmp(sgema_experiment_run(e, j)->name, r->name) != 0;
    valid &= sgema_settings_validate(&r->settings, NULL) == SGEMA_OK && r->trials >= 1 &&
             r->record.trajectories <= r->trials;
  }
  CHECK(unique, "%s: run names are unique", file);
  CHECK(indexed, "%s: run i has index i and is found by its name", file);
  CHECK(valid, "%s: every run passes sgema_settings_validate", file);
  CHECK(sgema_experiment_run(e, R) == NULL && sgema_experiment_find(e, "no such run") == NULL,
        "%s: past the end and unknown names give NULL", file);
}

/* The 24 points of sweep-m.yaml in the documented order: alg, then m, then n (n fastest). */
static void test_sweep(const sgema_experiment *e) {
  static const int ms[] = {1, 2, 3, 4, 6, 8};
  static const sgema_alg algs[] = {SGEMA_ALG_SG, SGEMA_ALG_EMA};
  CHECK(sgema_experiment_run_count(e) == 24, "sweep-m.yaml: 2 algs x 6 m x 2 n = 24 runs (got %zu)",
        sgema_experiment_run_count(e));
  size_t i = 0;
  int right = 1, names = 1;
  for (int a = 0; a < 2; a++)
    for (int k = 0; k < 6; k++)
      for (int rule = 0; rule < 2; rule++, i++) {
        const sgema_run_spec *r = sgema_experiment_run(e, i);
        int m = ms[k], n = rule == 0 ? m + 1 : 2 * m;
        if (!r) {
          right = 0;
          continue;
        }
        right &= r->settings.alg == algs[a] && r->settings.m == m && r->settings.n == n &&
                 r->index == i && r->stream == i && r->trials == 10000 &&
                 r->settings.sampling.stats == SGEMA_STATS_GENERIC && r->entry == 0 &&
                 strcmp(r->n_expr, rule == 0 ? "m+1" : "2m") == 0;
        /* {alg}-m{m}-n{n}; at m = 1 the two rules agree and the second is a replicate. */
        char want[64];
        snprintf(want, sizeof want, "%s-m%d-n%d%s", sgema_alg_name(algs[a]), m, n,
                 m == 1 && rule == 1 ? "-rep2" : "");
        names &= strcmp(r->name, want) == 0;
      }
  CHECK(right, "sweep-m.yaml: (alg, m, n), index = stream = position, trials, stats, n rule");
  CHECK(names, "sweep-m.yaml: names {alg}-m{m}-n{n}, the m = 1 replicate -rep2");
}

static void test_paper(const sgema_experiment *e, const sgema_experiment *variants) {
  static const char *const names[] = {"sg", "ema", "sg-delta", "ema-delta"};
  int ok = sgema_experiment_run_count(e) == 4 && strcmp(sgema_experiment_name(e), "paper-m1") == 0;
  for (size_t i = 0; ok && i < 4; i++) {
    const sgema_run_spec *r = sgema_experiment_run(e, i);
    const sgema_settings *s = &r->settings;
    int ema = (i % 2) == 1;
    ok = strcmp(r->name, names[i]) == 0 && r->trials == 10000 && s->m == 1 && s->n == 2 &&
         s->alg == (ema ? SGEMA_ALG_EMA : SGEMA_ALG_SG) &&
         s->sampling.condition_delta == (i >= 2) && s->sampling.rho_lo == 0.0 &&
         s->sampling.rho_hi == 3.0 && s->sampling.tau_lo == -1.0 && s->sampling.tau_hi == 1.0 &&
         s->sampling.lambda_lo == 0.01 && s->sampling.lambda_hi == 0.1 &&
         s->sampling.sigma == 1.0 && s->sampling.target == SGEMA_TARGET_COPY &&
         s->integration.t_max == 20000.0 && r->reference_count == 1 &&
         r->references[0].cls == SGEMA_CLASS_STABLE &&
         r->references[0].fraction == (ema ? 0.928 : 0.820) &&
         r->references[0].has_sphere == !ema && (ema || r->references[0].sphere == SGEMA_SPHERE_S2);
  }
  CHECK(ok, "paper-m1.yaml: footnote 4 runs, conditioned twice, references 0.820 (S2) and 0.928");
  ok = sgema_experiment_run_count(variants) == 8;
  for (size_t i = 0; ok && i < 8; i++) {
    const sgema_run_spec *r = sgema_experiment_run(variants, i);
    ok = r->stream == 0 && r->trials == 2000;
  }
  CHECK(ok, "paper-m1-variants.yaml: 8 runs of 2,000 trials on one shared stream");
}

/* The file's bytes, exactly. */
static void test_source(const sgema_experiment *e, const char *dir, const char *file) {
  char path[1024];
  size_t len = 0, slen = 0;
  path_join(path, sizeof path, dir, file);
  char *text = read_file(path, &len);
  const char *src = sgema_experiment_source(e, &slen);
  CHECK(text && slen == len && memcmp(src, text, len) == 0 && src[len] == '\0',
        "%s: the verbatim source round-trips (%zu bytes)", file, len);
  free(text);
}

/* The resolved YAML (and JSON) loads back to the same runs. */
static void test_resolved(const sgema_experiment *e, const char *file, sgema_diagnostics *d) {
  for (int json = 0; json < 2; json++) {
    char *text = sgema_experiment_resolved(e, json ? SGEMA_EXPERIMENT_JSON : SGEMA_EXPERIMENT_YAML);
    sgema_diagnostics_clear(d);
    sgema_experiment *back =
        text ? sgema_experiment_load_string("resolved", text, strlen(text), d) : NULL;
    const char *diff = back ? NULL : "does not load";
    if (back && sgema_experiment_run_count(back) != sgema_experiment_run_count(e))
      diff = "run count";
    if (back && (strcmp(sgema_experiment_name(back), sgema_experiment_name(e)) != 0 ||
                 sgema_experiment_seed(back) != sgema_experiment_seed(e) ||
                 strcmp(sgema_experiment_description(back), sgema_experiment_description(e)) != 0))
      diff = "experiment, seed or description";
    for (size_t i = 0; back && !diff && i < sgema_experiment_run_count(e); i++)
      diff = run_diff(sgema_experiment_run(e, i), sgema_experiment_run(back, i));
    if (!CHECK(diff == NULL, "%s: the resolved %s loads back to the same runs%s%s", file,
               json ? "JSON" : "YAML", diff ? ": differs in " : "", diff ? diff : ""))
      print_diagnostics(d);
    sgema_experiment_free(back);
    free(text);
  }
}

static void test_good_files(const char *dir, sgema_diagnostics *d) {
  sgema_experiment *e[GOOD_COUNT];
  for (int i = 0; i < GOOD_COUNT; i++) {
    e[i] = load_good(dir, good_files[i], d);
    if (!e[i])
      continue;
    check_runs_consistent(e[i], good_files[i]);
    test_source(e[i], dir, good_files[i]);
    test_resolved(e[i], good_files[i], d);
  }
  if (e[0])
    CHECK(sgema_experiment_run_count(e[0]) == 5 && sgema_experiment_run(e[0], 0)->trials == 200 &&
              sgema_experiment_run(e[0], 1)->settings.alg == SGEMA_ALG_EMA &&
              sgema_experiment_run(e[0], 0)->record.trajectories == 2,
          "smoke.yaml: 5 runs, SG and EMA with 200 trials, 2 trajectories recorded");
  if (e[1] && e[2])
    test_paper(e[1], e[2]);
  if (e[3])
    test_sweep(e[3]);
  for (int i = 0; i < GOOD_COUNT; i++)
    sgema_experiment_free(e[i]);
}

/* ---- defaults ---- */

static sgema_experiment *load_text(const char *text, sgema_diagnostics *d) {
  sgema_diagnostics_clear(d);
  sgema_experiment *e = sgema_experiment_load_string("inline.yaml", text, strlen(text), d);
  if (!e)
    print_diagnostics(d);
  return e;
}

static void test_defaults(sgema_diagnostics *d) {
  /* A run that sets nothing but its name and trial count. */
  sgema_experiment *e = load_text("experiment: plain\nseed: 18446744073709551615\n"
                                  "runs:\n  - {name: plain, trials: 3}\n",
                                  d);
  if (!CHECK(e != NULL, "a minimal file loads"))
    return;
  sgema_settings want;
  memset(&want, 0, sizeof want);
  sgema_settings_default(&want);
  sgema_record_spec rec;
  sgema_record_spec_default(&rec);
  const sgema_run_spec *r = sgema_experiment_run(e, 0);
  const char *diff = settings_diff(&r->settings, &want);
  CHECK(diff == NULL, "a run that sets nothing has sgema_settings_default's values%s%s",
        diff ? ": differs in " : "", diff ? diff : "");
  CHECK(r->record.trajectories == rec.trajectories && r->record.points == rec.points &&
            r->record.t_last == rec.t_last && r->reference_count == 0 && r->index == 0 &&
            r->stream == 0 && r->trials == 3 && strcmp(r->n_expr, "2") == 0,
        "... and the default record spec, no references, index = stream = 0");
  CHECK(sgema_experiment_seed(e) == UINT64_MAX && strcmp(sgema_experiment_description(e), "") == 0,
        "the largest 64-bit seed; no description reads as \"\"");
  sgema_experiment_free(e);

  /* The defaults block: deep-merged per key, the run's own value wins, momentum replaced whole. */
  e = load_text("experiment: merge\nseed: 5\n"
                "defaults:\n"
                "  trials: 7\n"
                "  stream: 11\n"
                "  sampling: {sigma: 0.385, rho: [0.5, 2.5]}\n"
                "  integration: {t_max: 123.5, rtol: 2.5e-9}\n"
                "  momentum: {kind: linear, a0: 0.25, a1: 0.75, T: 40}\n"
                "runs:\n"
                "  - name: inherits\n"
                "  - name: overrides\n"
                "    trials: 9\n"
                "    sampling: {sigma: 2.25}\n"
                "    integration: {t_max: 77}\n"
                "    momentum: {kind: constant, alpha: 0.625}\n",
                d);
  if (!CHECK(e != NULL, "a file with defaults loads"))
    return;
  const sgema_run_spec *a = sgema_experiment_run(e, 0), *b = sgema_experiment_run(e, 1);
  sgema_settings wa = want, wb = want;
  wa.sampling.sigma = 0.385;
  wa.sampling.rho_lo = 0.5;
  wa.sampling.rho_hi = 2.5;
  wa.integration.t_max = 123.5;
  wa.integration.rtol = 2.5e-9;
  wa.momentum.kind = SGEMA_MOMENTUM_LINEAR;
  wa.momentum.a0 = 0.25;
  wa.momentum.a1 = 0.75;
  wa.momentum.T = 40;
  wb = wa;
  wb.sampling.sigma = 2.25;
  wb.integration.t_max = 77;
  /* constant alpha: a0 = a1 = alpha, as sgema-trial's --momentum constant:A; T untouched. */
  wb.momentum.kind = SGEMA_MOMENTUM_CONSTANT;
  wb.momentum.a0 = wb.momentum.a1 = 0.625;
  wb.momentum.T = want.momentum.T;
  const char *da = settings_diff(&a->settings, &wa), *db = settings_diff(&b->settings, &wb);
  CHECK(da == NULL && a->trials == 7 && a->stream == 11,
        "defaults apply to a run that does not override them%s%s", da ? ": differs in " : "",
        da ? da : "");
  CHECK(db == NULL && b->trials == 9 && b->stream == 11,
        "a run's own values win key by key, the rest of the section is inherited%s%s",
        db ? ": differs in " : "", db ? db : "");
  sgema_experiment_free(e);
}

/* Appending a run keeps the earlier runs' indices and streams (so their trials). */
static void test_appending(sgema_diagnostics *d) {
  const char *one = "experiment: grow\nseed: 3\nruns:\n"
                    "  - {name: s, alg: [sg, ema], m: [1, 2], n: 3, trials: 4}\n";
  const char *two = "experiment: grow\nseed: 3\nruns:\n"
                    "  - {name: s, alg: [sg, ema], m: [1, 2], n: 3, trials: 4}\n"
                    "  - {name: later, m: 3, n: 5, trials: 4}\n";
  sgema_experiment *e1 = load_text(one, d), *e2 = load_text(two, d);
  int same = e1 && e2 && sgema_experiment_run_count(e1) == 4 && sgema_experiment_run_count(e2) == 5;
  for (size_t i = 0; same && i < 4; i++)
    same = run_diff(sgema_experiment_run(e1, i), sgema_experiment_run(e2, i)) == NULL;
  CHECK(same, "appending a run keeps the earlier runs (names s-sg-m1, ..., indices, streams)");
  if (e1)
    CHECK(strcmp(sgema_experiment_run(e1, 0)->name, "s-sg-m1") == 0 &&
              strcmp(sgema_experiment_run(e1, 3)->name, "s-ema-m2") == 0,
          "a sweep's automatic names: NAME-ALG-mM, only for the keys given as lists");
  sgema_experiment_free(e1);
  sgema_experiment_free(e2);
}

/* The formatter follows snprintf: the full length is returned whatever the buffer. */
static void test_format(sgema_diagnostics *d) {
  sgema_diagnostics_clear(d);
  sgema_diagnostics_add(d, "f.yaml", 12, 7, "runs[1].sampling.rho", "empty range [%d, %d]", 3, 1);
  sgema_diagnostics_add(d, "f.yaml", 2, 1, NULL, "no key");
  char buf[128], small[8];
  const char *want = "f.yaml:12:7: runs[1].sampling.rho: empty range [3, 1]";
  int n = sgema_diagnostic_format(sgema_diagnostics_get(d, 0), buf, sizeof buf);
  int m = sgema_diagnostic_format(sgema_diagnostics_get(d, 0), small, sizeof small);
  CHECK(strcmp(buf, want) == 0 && n == (int)strlen(want) && m == n && strlen(small) == 7,
        "format: FILE:LINE:COLUMN: KEY: message, snprintf semantics");
  sgema_diagnostic_format(sgema_diagnostics_get(d, 1), buf, sizeof buf);
  CHECK(strcmp(buf, "f.yaml:2:1: no key") == 0, "format without a key: FILE:LINE:COLUMN: message");
  CHECK(sgema_diagnostics_get(d, 2) == NULL, "get past the end gives NULL");
}

/* ---- hostile files (issue 10): refused by name, quickly, before anything is parsed ---- */

/* The first diagnostic of loading path (or text), formatted, into buf; "" when it loaded. */
static const char *first_problem(const char *path, const char *text, size_t len,
                                 sgema_diagnostics *d, char *buf, size_t size) {
  sgema_diagnostics_clear(d);
  sgema_experiment *e =
      text ? sgema_experiment_load_string(path, text, len, d) : sgema_experiment_load(path, d);
  buf[0] = '\0';
  if (sgema_diagnostics_count(d))
    diag_line(d, 0, buf, size);
  CHECK(e == NULL || sgema_diagnostics_count(d) == 0, "%s: refused exactly when diagnosed", path);
  sgema_experiment_free(e);
  return buf;
}

static char *repeat(const char *head, const char *unit, size_t count, const char *tail,
                    size_t *len) {
  size_t h = strlen(head), u = strlen(unit), t = strlen(tail);
  char *s = malloc(h + u * count + t + 1);
  if (!s)
    return NULL;
  memcpy(s, head, h);
  for (size_t i = 0; i < count; i++)
    memcpy(s + h + i * u, unit, u);
  memcpy(s + h + u * count, tail, t + 1);
  *len = h + u * count + t;
  return s;
}

static void test_hostile(const char *bad_dir, sgema_diagnostics *d) {
  char line[2048];
  /* A directory: "is a directory", not "read error". */
  CHECK(strstr(first_problem(bad_dir, NULL, 0, d, line, sizeof line),
               ":1:1: is a directory, not an experiment file") != NULL,
        "a directory as the experiment: said to be a directory (%s)", line);

  /* 100,000 nested lists and mappings: refused at the 65th level (it took 25-53 s before). */
  size_t len;
  const char *kinds[2][2] = {{"[", "]"}, {"{a: ", "}"}};
  for (int k = 0; k < 2; k++) {
    char *open_part = repeat("experiment: deep\nseed: 1\nruns: ", kinds[k][0], 100000, "1", &len);
    char *text = open_part ? repeat(open_part, kinds[k][1], 100000, "\n", &len) : NULL;
    double t0 = tu_seconds();
    first_problem("deep.yaml", text, text ? len : 0, d, line, sizeof line);
    double took = tu_seconds() - t0;
    CHECK(text && strstr(line, "deep.yaml:3:") && strstr(line, "nested more than 64 levels deep"),
          "%s nested 100,000 deep: the depth limit is named (%s)", k ? "mappings" : "lists", line);
    /* Generous: the limit stops reading at the 65th level; this only catches a quadratic path. */
    CHECK(took < 5.0, "... and refused in %.3f s", took);
    free(open_part);
    free(text);
  }

  /* Larger than 4 MiB: refused by its size, from a file and from memory (--resume's source). */
  char *big = repeat("experiment: big\nseed: 1\n", "# a comment line of forty characters..\n",
                     110000, "runs:\n  - {name: a, trials: 1}\n", &len);
  CHECK(big && strstr(first_problem("big.yaml", big, len, d, line, sizeof line),
                      "big.yaml:1:1: is 4290055 bytes: an experiment file may have at most "
                      "4194304 bytes (4 MiB)") != NULL,
        "a file of 4,290,055 bytes is refused by its size (%s)", line);
  char path[] = "/tmp/test_experiment_big_XXXXXX";
  int fd = mkstemp(path);
  FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
  if (f && big) {
    fwrite(big, 1, len, f);
    fclose(f);
    CHECK(strstr(first_problem(path, NULL, 0, d, line, sizeof line),
                 ":1:1: is 4290055 bytes: an experiment file may have at most") != NULL,
          "... and the same from the file (%s)", line);
    remove(path);
  }
  free(big);

  /* The description: 64 KiB at most (a 50 MB one was stored three times). */
  for (int over = 0; over < 2; over++) {
    char *text = repeat("experiment: long\nseed: 1\ndescription: \"", "x", 65536 + (size_t)over,
                        "\"\nruns:\n  - {name: a, trials: 1}\n", &len);
    first_problem("long.yaml", text, text ? len : 0, d, line, sizeof line);
    if (over)
      CHECK(strstr(line, "long.yaml:3:14: description: 65537 bytes long: at most 65536 bytes (64 "
                         "KiB) are allowed") != NULL,
            "a description of 65,537 bytes is refused (%s)", line);
    else
      CHECK(line[0] == '\0', "a description of 65,536 bytes is allowed (%s)", line);
    free(text);
  }
}

/* ---- YAML: merge keys, anchors and tags ---- */

/* Two texts that must give the same runs: the one with the YAML feature, and the plain one. */
static void check_same_runs(const char *what, const char *with, const char *plain,
                            sgema_diagnostics *d) {
  sgema_experiment *a = load_text(with, d), *b = load_text(plain, d);
  const char *diff = !a || !b ? "does not load" : NULL;
  if (!diff && sgema_experiment_run_count(a) != sgema_experiment_run_count(b))
    diff = "run count";
  for (size_t i = 0; !diff && i < sgema_experiment_run_count(a); i++)
    diff = run_diff(sgema_experiment_run(a, i), sgema_experiment_run(b, i));
  CHECK(diff == NULL, "%s%s%s", what, diff ? ": differs in " : "", diff ? diff : "");
  if (a)
    test_resolved(a, what, d);
  sgema_experiment_free(a);
  sgema_experiment_free(b);
}

static void test_yaml_features(sgema_diagnostics *d) {
  /* YAML 1.1 merge keys: explicit keys win wherever they are written, an earlier mapping of a
   * list wins over a later one, the merge is shallow (a section is replaced, not merged), and a
   * merged mapping may itself merge. In defaults, in runs, and from x- keys at the top level. */
  check_same_runs("merge keys << (YAML 1.1 semantics) give the runs written out in full",
                  "experiment: merge\nseed: 9\n"
                  "x-base: &base {trials: 5, alg: ema, integration: {t_max: 50, rtol: 1e-8}}\n"
                  "x-fast: &fast {<<: *base, trials: 3, mu: 0.5}\n"
                  "defaults:\n"
                  "  <<: {sampling: {sigma: 2}, stream: 4}\n"
                  "  sampling: {sigma: 3}\n"
                  "runs:\n"
                  "  - {name: a, <<: *base}\n"
                  "  - trials: 8\n"
                  "    <<: *base\n"
                  "    name: b\n"
                  "    integration: {rtol: 1e-9}\n"
                  "  - {<<: [*fast, *base, {nu: 0.25, trials: 1}], name: c}\n"
                  "  - &d {name: d, trials: 2, m: 2, n: 3}\n"
                  "  - {<<: *d, name: e}\n",
                  "experiment: merge\nseed: 9\n"
                  "defaults:\n"
                  "  stream: 4\n"
                  "  sampling: {sigma: 3}\n"
                  "runs:\n"
                  "  - {name: a, trials: 5, alg: ema, integration: {t_max: 50, rtol: 1e-8}}\n"
                  "  - {name: b, trials: 8, alg: ema, integration: {rtol: 1e-9}}\n"
                  "  - {name: c, trials: 3, alg: ema, mu: 0.5, nu: 0.25,\n"
                  "     integration: {t_max: 50, rtol: 1e-8}}\n"
                  "  - {name: d, trials: 2, m: 2, n: 3}\n"
                  "  - {name: e, trials: 2, m: 2, n: 3}\n",
                  d);
  /* The core-schema tags are honoured: a typed tag is the type its text has. */
  check_same_runs("the core-schema tags !!int, !!float, !!bool, !!str, !!seq, !!map are honoured",
                  "experiment: !!str tags\nseed: !!int \"7\"\n"
                  "runs: !!seq\n"
                  "  - !!map {name: !!str 10, trials: !!int 4, alg: !!str ema,\n"
                  "     integration: {rtol: !!float 1e-9, t_max: !!float 100, h0: !!int 1},\n"
                  "     sampling: {condition_delta: !!bool true, rho: [!!int 0, !!float \"3\"]}}\n",
                  "experiment: tags\nseed: 7\nruns:\n"
                  "  - {name: \"10\", trials: 4, alg: ema, integration: {rtol: 1e-9, t_max: 100, "
                  "h0: 1},\n     sampling: {condition_delta: true, rho: [0, 3]}}\n",
                  d);
  /* Anchors and aliases as before, and an anchor defined again names its latest node. */
  check_same_runs("anchors and aliases (an anchor defined again names its latest node)",
                  "experiment: alias\nseed: 1\nruns:\n"
                  "  - {name: a, trials: &t 6, integration: &i {rtol: 1e-7}}\n"
                  "  - {name: b, trials: *t, integration: *i}\n"
                  "  - {name: c, trials: &t 2, integration: &i {rtol: 1e-6}}\n"
                  "  - {name: d, trials: *t, integration: *i}\n",
                  "experiment: alias\nseed: 1\nruns:\n"
                  "  - {name: a, trials: 6, integration: {rtol: 1e-7}}\n"
                  "  - {name: b, trials: 6, integration: {rtol: 1e-7}}\n"
                  "  - {name: c, trials: 2, integration: {rtol: 1e-6}}\n"
                  "  - {name: d, trials: 2, integration: {rtol: 1e-6}}\n",
                  d);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s BAD_DIR EXPERIMENTS_DIR\n", argv[0]);
    return 2;
  }
  double t0 = tu_seconds();
  sgema_diagnostics *d = sgema_diagnostics_alloc();
  test_bad_files(argv[1], d);
  test_many_problems(argv[1], d);
  test_missing_file(argv[1], d);
  test_good_files(argv[2], d);
  test_defaults(d);
  test_appending(d);
  test_format(d);
  test_hostile(argv[1], d);
  test_yaml_features(d);
  sgema_diagnostics_free(d);
  printf("     (%.2f s)\n", tu_seconds() - t0);
  return tu_finish();
}

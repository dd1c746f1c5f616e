/* The settings table (src/internal/settings_table.h): every default lies in its row's range, the
 * kernel's validation refuses a value outside it, and each row's name is accepted both as an
 * experiment file's key and as sgema-trial's option (with its default as the value), so that the
 * parser, the options and the table cannot drift apart.
 * Usage: test_settings PATH/TO/sgema-trial */
#define _POSIX_C_SOURCE 200809L

#include "experiment_impl.h"
#include "settings_json.h"
#include "settings_table.h"
#include "sgema/status.h"

#include "test_util.h"

#include <float.h>
#include <sys/wait.h>

/* ---- a row's value, read and written independently of the library's walkers ---- */

static double real_at(const sgema_settings *s, size_t offset) {
  double x;
  memcpy(&x, (const char *)s + offset, sizeof x);
  return x;
}

static long long integer_at(const sgema_setting *r, const sgema_settings *s) {
  const char *p = (const char *)s + r->offset;
  if (r->type == SGEMA_SETTING_TYPE_LONG) {
    long l;
    memcpy(&l, p, sizeof l);
    return l;
  }
  int i;
  memcpy(&i, p, sizeof i);
  return i;
}

static int inside(const sgema_interval *iv, double x) {
  if (x != x)
    return 0;
  int above = iv->lo_open ? x > iv->lo : x >= iv->lo;
  int below = iv->hi_open ? x < iv->hi : x <= iv->hi;
  return above && below;
}

static int default_in_range(const sgema_setting *r, const sgema_settings *d) {
  double lo, hi;
  long long v;
  switch (r->type) {
  case SGEMA_SETTING_TYPE_REAL:
    return inside(r->allowed, real_at(d, r->offset));
  case SGEMA_SETTING_TYPE_RANGE:
    lo = real_at(d, r->offset);
    hi = real_at(d, r->offset_hi);
    return inside(r->allowed, lo) && inside(r->allowed, hi) && lo <= hi &&
           (!r->hi_positive || hi > 0.0);
  case SGEMA_SETTING_TYPE_CHOICE:
    v = integer_at(r, d);
    return v >= 0 && v < r->choice->count;
  case SGEMA_SETTING_TYPE_INT:
  case SGEMA_SETTING_TYPE_LONG:
  case SGEMA_SETTING_TYPE_FLAG:
    v = integer_at(r, d);
    return v >= r->lo && v <= r->hi;
  default:
    return 1;
  }
}

/* The default of row r as text: as an experiment file writes it (yaml) or as the option takes it.
 */
static void value_text(const sgema_setting *r, const sgema_settings *d, int yaml, char *buf,
                       size_t size) {
  switch (r->type) {
  case SGEMA_SETTING_TYPE_REAL:
    snprintf(buf, size, "%.17g", real_at(d, r->offset));
    break;
  case SGEMA_SETTING_TYPE_RANGE:
    snprintf(buf, size, yaml ? "[%.17g, %.17g]" : "%.17g,%.17g", real_at(d, r->offset),
             real_at(d, r->offset_hi));
    break;
  case SGEMA_SETTING_TYPE_CHOICE:
    snprintf(buf, size, "%s", r->choice->name((int)integer_at(r, d)));
    break;
  case SGEMA_SETTING_TYPE_FLAG:
    snprintf(buf, size, "%s", integer_at(r, d) ? (yaml ? "true" : "yes") : (yaml ? "false" : "no"));
    break;
  case SGEMA_SETTING_TYPE_MOMENTUM:
    snprintf(buf, size,
             yaml ? "{kind: linear, a0: %.17g, a1: %.17g, T: %.17g}" : "linear:%.17g,%.17g,%.17g",
             d->momentum.a0, d->momentum.a1, d->momentum.T);
    break;
  default:
    snprintf(buf, size, "%lld", integer_at(r, d));
    break;
  }
}

/* ---- checks ---- */

static void check_defaults(void) {
  sgema_settings d;
  sgema_settings_default(&d);
  const char *what = NULL;
  CHECK(sgema_settings_validate(&d, &what) == SGEMA_OK, "the defaults validate (%s)",
        what ? what : "-");
  for (int k = 0; k < SGEMA_SETTING_COUNT; k++) {
    const sgema_setting *r = &sgema_settings_table[k];
    CHECK(default_in_range(r, &d), "%s%s%s: the default lies in its range",
          r->section ? r->section : "", r->section ? "." : "", r->key);
  }
}

/* Each real setting just outside its interval, and NaN, is refused by sgema_settings_validate. */
static void check_validation(void) {
  for (int k = 0; k < SGEMA_SETTING_COUNT; k++) {
    const sgema_setting *r = &sgema_settings_table[k];
    if (r->type != SGEMA_SETTING_TYPE_REAL)
      continue;
    double outside[2] = {NAN, r->allowed->lo_open ? r->allowed->lo
                                                  : nextafter(r->allowed->lo, -INFINITY)};
    for (int j = 0; j < 2; j++) {
      sgema_settings s;
      sgema_settings_default(&s);
      s.time = SGEMA_TIME_DISCRETE; /* mu and nu are checked for the discrete algorithm */
      memcpy((char *)&s + r->offset, &outside[j], sizeof(double));
      CHECK(sgema_settings_validate(&s, NULL) != SGEMA_OK, "%s = %g is refused", r->key,
            outside[j]);
    }
  }
}

/* Each integer and choice row just outside its range is refused too; and the real rows above a
 * finite upper end. */
static void check_validation_ends(void) {
  for (int k = 0; k < SGEMA_SETTING_COUNT; k++) {
    const sgema_setting *r = &sgema_settings_table[k];
    sgema_settings s;
    if (r->type == SGEMA_SETTING_TYPE_INT || r->type == SGEMA_SETTING_TYPE_CHOICE) {
      long long lo = r->type == SGEMA_SETTING_TYPE_INT ? r->lo : 0,
                hi = r->type == SGEMA_SETTING_TYPE_INT ? r->hi : r->choice->count - 1;
      long long outside[2] = {lo - 1, hi + 1};
      for (int j = 0; j < 2; j++) {
        if (outside[j] < INT_MIN || outside[j] > INT_MAX)
          continue;
        sgema_settings_default(&s);
        s.n = r->offset == offsetof(sgema_settings, m) ? SGEMA_MAX_N : s.n; /* m alone */
        int v = (int)outside[j];
        memcpy((char *)&s + r->offset, &v, sizeof v);
        CHECK(sgema_settings_validate(&s, NULL) != SGEMA_OK, "%s = %d is refused", r->key, v);
      }
    } else if (r->type == SGEMA_SETTING_TYPE_REAL && isfinite(r->allowed->hi)) {
      double x = r->allowed->hi_open ? r->allowed->hi : nextafter(r->allowed->hi, INFINITY);
      sgema_settings_default(&s);
      memcpy((char *)&s + r->offset, &x, sizeof x);
      CHECK(sgema_settings_validate(&s, NULL) != SGEMA_OK, "%s = %g is refused", r->key, x);
    }
  }
}

/* The large-state path's settings (issue 12) default to the values docs/NUMERICS.md gives with
 * their reasons (arnoldi_tol 1e-6: a partial limit at m = 24 stalls at 1e-7; arnoldi_restarts 400:
 * m = 24 and 32 partial limits need thousands of products; lapack_min_n 64: the matrix-free
 * classification from the state length where the integrator's is). */
static void check_large_state_defaults(void) {
  sgema_settings d;
  sgema_settings_default(&d);
  CHECK(d.integration.krylov_dim == 10 && d.integration.preconditioner == SGEMA_PREC_BLOCK &&
            d.integration.krylov_min_n == 64,
        "integration: krylov_dim 10, preconditioner block, krylov_min_n 64");
  CHECK(d.classification.spectrum == SGEMA_SPECTRUM_AUTO && d.classification.eigenvalues == 1 &&
            d.classification.arnoldi_tol == 1e-6 && d.classification.arnoldi_restarts == 400 &&
            d.classification.lapack_min_n == 64,
        "classification: spectrum auto, eigenvalues 1, arnoldi_tol 1e-6, arnoldi_restarts 400, "
        "lapack_min_n 64");
  const char *want[] = {"auto", "dense", "lapack", "arnoldi"};
  for (int i = 0; i < 4; i++)
    CHECK(sgema_choice_find(&SGEMA_CHOICE_SPECTRUM, want[i]) == i, "spectrum %s", want[i]);
  CHECK(sgema_choice_find(&SGEMA_CHOICE_PRECONDITIONER, "block") == SGEMA_PREC_BLOCK &&
            sgema_choice_find(&SGEMA_CHOICE_PRECONDITIONER, "none") == SGEMA_PREC_NONE &&
            SGEMA_CHOICE_PRECONDITIONER.count == 2 && SGEMA_CHOICE_SPECTRUM.count == 4,
        "preconditioner block|none; four spectrum solvers");
}

/* The census section's defaults are the census library's own (sgema_census_settings_default), and
 * a changed setting reaches the library's settings. */
static void check_census_defaults(void) {
  sgema_settings d;
  sgema_settings_default(&d);
  sgema_census_settings want, got;
  sgema_census_settings_default(&want);
  sgema_settings_census(&d, &got);
  CHECK(got.rank_deficient == want.rank_deficient &&
            got.rank_deficient_max_m == want.rank_deficient_max_m &&
            got.real_tol == want.real_tol && got.eig_tol == want.eig_tol &&
            got.dedup_tol == want.dedup_tol && got.zero_tol == want.zero_tol &&
            got.homotopy == want.homotopy &&
            got.parameter_rank_free_max_m == want.parameter_rank_free_max_m &&
            got.rank_one_system == want.rank_one_system &&
            got.rank_one_elimination == want.rank_one_elimination &&
            memcmp(&got.classification, &want.classification, sizeof want.classification) == 0,
        "census defaults = sgema_census_settings_default's");
  d.census.rank_deficient = 0;
  d.census.zero_tol = 3e-7;
  d.census.total_degree = 1;
  d.census.rank_one_system = 0;
  d.census.rank_one_elimination = 0;
  d.classification.saddle_tol = 2e-5;
  sgema_settings_census(&d, &got);
  CHECK(got.rank_deficient == 0 && got.zero_tol == 3e-7 && got.classification.saddle_tol == 2e-5 &&
            got.homotopy == SGEMA_CENSUS_TOTAL_DEGREE && got.rank_one_system == 0 &&
            got.rank_one_elimination == 0,
        "census settings follow the census and classification sections");
  CHECK(d.census.max_equilibria == 64, "census.max_equilibria defaults to 64");
}

/* Dimensions up to m = 64, n = 128; eigenvalues at most the state length N (nm + n^2 for SG and
 * GD, 2nm + n^2 for EMA), a check across alg, m, n and eigenvalues. */
static void check_dimensions(void) {
  static const struct {
    sgema_alg alg;
    int m, n, k, ok;
  } cases[] = {{SGEMA_ALG_SG, 64, 128, 1, SGEMA_OK},   {SGEMA_ALG_EMA, 64, 128, 16, SGEMA_OK},
               {SGEMA_ALG_SG, 65, 128, 1, SGEMA_EDIM}, {SGEMA_ALG_SG, 64, 129, 1, SGEMA_EDIM},
               {SGEMA_ALG_SG, 1, 2, 6, SGEMA_OK},      {SGEMA_ALG_SG, 1, 2, 7, SGEMA_EINVAL},
               {SGEMA_ALG_GD, 1, 2, 7, SGEMA_EINVAL},  {SGEMA_ALG_EMA, 1, 2, 8, SGEMA_OK},
               {SGEMA_ALG_EMA, 1, 2, 9, SGEMA_EINVAL}, {SGEMA_ALG_SG, 1, 3, 12, SGEMA_OK},
               {SGEMA_ALG_SG, 1, 3, 13, SGEMA_EINVAL}, {SGEMA_ALG_SG, 2, 4, 16, SGEMA_OK}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    sgema_settings s;
    sgema_settings_default(&s);
    s.alg = cases[i].alg;
    s.m = cases[i].m;
    s.n = cases[i].n;
    s.classification.eigenvalues = cases[i].k;
    if (s.m > 1)
      s.sampling.stats = SGEMA_STATS_GENERIC;
    const char *what = NULL;
    int st = sgema_settings_validate(&s, &what);
    CHECK(st == cases[i].ok && (st != SGEMA_EINVAL || (what && strcmp(what, "eigenvalues") == 0)),
          "%s m = %d n = %d eigenvalues %d: %s (got %s, %s)", sgema_alg_name(s.alg), s.m, s.n,
          cases[i].k, sgema_status_name(cases[i].ok), sgema_status_name(st), what ? what : "-");
  }
}

/* A results file written before a setting existed: its stored settings line lacks the key, and
 * completing the line gives the default's line exactly; a key this build does not know, or a line
 * that is not a settings object, stays as it is. */
static void check_complete(void) {
  sgema_settings d;
  sgema_settings_default(&d);
  d.integration.rtol = 3e-9;
  char *now = sgema_settings_json_line(&d);
  /* The line an older build wrote: the issue-12 keys cut out by hand. */
  char old[4096];
  size_t n = 0;
  static const char *const gone[] = {",\"krylov_dim\":10",        ",\"preconditioner\":\"block\"",
                                     ",\"krylov_min_n\":64",      ",\"spectrum\":\"auto\"",
                                     ",\"eigenvalues\":1",        ",\"arnoldi_tol\":1e-06",
                                     ",\"arnoldi_restarts\":400", ",\"lapack_min_n\":64"};
  int cut = 0;
  for (const char *p = now; now && *p && n + 1 < sizeof old;) {
    size_t skip = 0;
    for (size_t g = 0; g < sizeof gone / sizeof gone[0] && !skip; g++)
      if (strncmp(p, gone[g], strlen(gone[g])) == 0)
        skip = strlen(gone[g]);
    if (skip) {
      p += skip;
      cut++;
    } else {
      old[n++] = *p++;
    }
  }
  old[n] = '\0';
  char *done = sgema_settings_json_complete(old);
  CHECK(cut == 8 && done && now && strcmp(done, now) == 0 && strstr(old, "\"rtol\":3e-09"),
        "an older line (%d keys cut) completes to this build's line", cut);
  free(done);
  const char *alien = "{\"alg\":\"sg\",\"integration\":{\"newer_key\":1}}";
  done = sgema_settings_json_complete(alien);
  CHECK(done && strcmp(done, alien) == 0, "a line with an unknown key stays as it is");
  free(done);
  done = sgema_settings_json_complete("not json");
  CHECK(done && strcmp(done, "not json") == 0, "a line that is not JSON stays as it is");
  free(done);
  free(now);
}

/* Every row of the kernel's table is a row of the experiment files' table, at the same field. */
static void check_same_rows(void) {
  for (int k = 0; k < SGEMA_SETTING_COUNT; k++) {
    const sgema_setting *r = &sgema_settings_table[k];
    size_t i = exp_setting_index(r->section, r->key);
    int same = i < exp_setting_count &&
               exp_settings[i].offset == offsetof(sgema_run_spec, settings) + r->offset &&
               exp_settings[i].type == r->type;
    CHECK(same, "%s: one row in the experiment files' table, at the same field", r->key);
  }
}

/* An experiment file setting row r to its default loads. */
static void check_yaml_key(const sgema_setting *r, const sgema_settings *d) {
  char value[160], text[512];
  value_text(r, d, 1, value, sizeof value);
  /* A design's axes only with a grid (a random design refuses them), whose trials are its own. */
  if (r->section && strcmp(r->section, "design") == 0 && strcmp(r->key, "kind") != 0)
    snprintf(text, sizeof text,
             "experiment: t\nseed: 1\nruns:\n  - name: a\n    design:\n      kind: phase\n"
             "      %s: %s\n",
             r->key, value);
  else if (r->section)
    snprintf(text, sizeof text,
             "experiment: t\nseed: 1\nruns:\n  - name: a\n    trials: 1\n    %s:\n      %s: %s\n",
             r->section, r->key, value);
  else
    snprintf(text, sizeof text,
             "experiment: t\nseed: 1\nruns:\n  - name: a\n    trials: 1\n    %s: %s\n", r->key,
             value);
  sgema_diagnostics *diag = sgema_diagnostics_alloc();
  sgema_experiment *e = sgema_experiment_load_string("row.yaml", text, strlen(text), diag);
  CHECK(e != NULL, "experiment file key %s%s%s: %s accepted", r->section ? r->section : "",
        r->section ? "." : "", r->key, value);
  if (!e)
    sgema_diagnostics_write(diag, stdout);
  sgema_experiment_free(e);
  sgema_diagnostics_free(diag);
}

/* sgema-trial --OPTION=default runs its trial (exit 0). */
static void check_option(const char *trial, const sgema_setting *r, const sgema_settings *d) {
  char value[160], cmd[1024];
  value_text(r, d, 0, value, sizeof value);
  const char *horizon = strcmp(r->option, "t-max") == 0 ? "" : " --t-max=1";
  snprintf(cmd, sizeof cmd, "'%s' '--%s=%s'%s >/dev/null", trial, r->option, value, horizon);
  int st = system(cmd);
  CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "sgema-trial --%s=%s accepted",
        r->option, value);
}

/* The names of both: the option is the key with - for _ (and -range for a range). */
static void check_names(const char *trial) {
  sgema_settings d;
  sgema_settings_default(&d);
  for (int k = 0; k < SGEMA_SETTING_COUNT; k++) {
    const sgema_setting *r = &sgema_settings_table[k];
    char expect[64];
    size_t n = 0;
    for (const char *p = r->key; *p && n + 1 < sizeof expect; p++)
      expect[n++] = *p == '_' ? '-' : *p;
    expect[n] = '\0';
    if (r->type == SGEMA_SETTING_TYPE_RANGE && !strstr(r->key, "_range"))
      strncat(expect, "-range", sizeof expect - strlen(expect) - 1);
    /* The design's options name their section: --design (its kind), --design-x, ... */
    if (r->section && strcmp(r->section, "design") == 0) {
      char key[64];
      memcpy(key, expect, sizeof key);
      snprintf(expect, sizeof expect, "design%s%.50s", strcmp(key, "kind") ? "-" : "",
               strcmp(key, "kind") ? key : "");
    }
    CHECK(strcmp(expect, r->option) == 0, "option --%s is key %s", r->option, r->key);
    check_yaml_key(r, &d);
    check_option(trial, r, &d);
  }
  /* And a name of neither is refused by both. */
  const char *text = "experiment: t\nseed: 1\nruns:\n  - name: a\n    trials: 1\n    f_tolx: 1\n";
  sgema_experiment *e = sgema_experiment_load_string("row.yaml", text, strlen(text), NULL);
  CHECK(e == NULL, "an unknown key is refused");
  sgema_experiment_free(e);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "'%s' --f-tolx=1 >/dev/null 2>&1", trial);
  int st = system(cmd);
  CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 2, "an unknown option is refused");
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: test_settings PATH/TO/sgema-trial\n");
    return 2;
  }
  check_defaults();
  check_validation();
  check_validation_ends();
  check_large_state_defaults();
  check_census_defaults();
  check_dimensions();
  check_complete();
  check_same_rows();
  check_names(argv[1]);
  return tu_finish();
}

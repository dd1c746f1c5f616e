/* The settings table (src/internal/settings_table.h): every default lies in its row's range, the
 * kernel's validation refuses a value outside it, and each row's name is accepted both as an
 * experiment file's key and as sgema-trial's option (with its default as the value), so that the
 * parser, the options and the table cannot drift apart.
 * Usage: test_settings PATH/TO/sgema-trial */
#define _POSIX_C_SOURCE 200809L

#include "experiment_impl.h"
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
  if (r->section)
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
    if (r->type == SGEMA_SETTING_TYPE_RANGE)
      strncat(expect, "-range", sizeof expect - strlen(expect) - 1);
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
  check_same_rows();
  check_names(argv[1]);
  return tu_finish();
}

/* Reading one trial's statistics and initial state from a YAML (or JSON record) file with the
 * experiment layer's YAML reader (experiment_yaml.h): its node helpers, problem collector and
 * file:line:col; the --input format's own keys and number wording are here. */
#define _POSIX_C_SOURCE 200809L

#include "trial_input.h"

#include "experiment_yaml.h"

#include "sgema/experiment.h"
#include "sgema/status.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Problems are collected (experiment_yaml.h's reader, the experiment files') and printed in file
 * order at the end: the reader visits keys in the order it needs them (alg, m, n before the
 * matrices), not in the order a person reads the file. At most MAX_PROBLEMS are printed. */
#define MAX_PROBLEMS 64

static void flush_problems(exp_reader *r, cli_errors *errs) {
  exp_diagnostics_sort_from(r->diag, 0);
  size_t count = sgema_diagnostics_count(r->diag);
  char line[1024];
  for (size_t i = 0; i < count && i < MAX_PROBLEMS; i++) {
    sgema_diagnostic_format(sgema_diagnostics_get(r->diag, i), line, sizeof line);
    cli_error(errs, "%s", line);
  }
  if (count > MAX_PROBLEMS)
    cli_error(errs, "%s: %zu more problems not shown", r->path, count - MAX_PROBLEMS);
}

/* Fills fields from the mapping node; unknown, duplicated and non-scalar keys are problems.
 * Returns 0 when node is not a mapping (reported), 1 otherwise. */
static int read_fields(exp_reader *r, yaml_node_t *node, const char *where, exp_member *fields,
                       int count) {
  for (int i = 0; i < count; i++)
    fields[i].value = NULL;
  if (node->type != YAML_MAPPING_NODE) {
    exp_report(r, node, where[0] ? where : "(top level)", "expected a mapping of keys to values");
    return 0;
  }
  char path[128];
  for (yaml_node_pair_t *pr = node->data.mapping.pairs.start; pr < node->data.mapping.pairs.top;
       pr++) {
    yaml_node_t *k = yaml_document_get_node(r->doc, pr->key);
    yaml_node_t *v = yaml_document_get_node(r->doc, pr->value);
    if (!k || k->type != YAML_SCALAR_NODE) {
      exp_report(r, k, where[0] ? where : "(top level)", "keys must be plain names");
      continue;
    }
    exp_join(path, sizeof path, where, exp_text_of(k));
    int i = 0;
    while (i < count && strcmp(fields[i].name, exp_text_of(k)) != 0)
      i++;
    if (i == count)
      exp_report(r, k, path, "unknown key");
    else if (fields[i].value)
      /* libyaml keeps both copies; silently taking one would hide a typo. */
      exp_report(r, k, path, "duplicate key (first at line %zu)",
                 fields[i].value->start_mark.line + 1);
    else
      fields[i].value = v;
  }
  return 1;
}

static yaml_node_t *get(exp_member *fields, int count, const char *name) {
  for (int i = 0; i < count; i++)
    if (strcmp(fields[i].name, name) == 0)
      return fields[i].value;
  return NULL;
}

static int require(exp_reader *r, yaml_node_t *parent, yaml_node_t *node, const char *where,
                   const char *name) {
  if (node)
    return 1;
  exp_missing(r, parent, where, name, "");
  return 0;
}

static int read_string(exp_reader *r, yaml_node_t *node, const char *path, const char **out) {
  if (node->type != YAML_SCALAR_NODE) {
    exp_report(r, node, path, "expected a name");
    return -1;
  }
  *out = exp_text_of(node);
  return 0;
}

static int read_double(exp_reader *r, yaml_node_t *node, const char *path, const sgema_interval *iv,
                       double *out) {
  if (!exp_is_plain(node)) {
    exp_report(r, node, path, "expected a number");
    return -1;
  }
  double x;
  cli_parse_status st = cli_parse_double(exp_text_of(node), &x);
  if (st == CLI_PARSE_OVERFLOW || st == CLI_PARSE_UNDERFLOW) {
    exp_report(r, node, path,
               "'%s' is too %s: numbers must be 0 or between 2.2250738585072014e-308 and "
               "1.7976931348623157e+308 in size",
               exp_text_of(node), st == CLI_PARSE_OVERFLOW ? "large" : "small (subnormal)");
    return -1;
  }
  if (st != CLI_PARSE_OK) {
    exp_report(r, node, path, "'%s' is not a number", exp_text_of(node));
    return -1;
  }
  if (!sgema_interval_contains(iv, x)) {
    char buf[128];
    exp_report(r, node, path, "'%s' is not allowed: must be %s", exp_text_of(node),
               cli_interval_describe(iv, buf, sizeof buf));
    return -1;
  }
  *out = x;
  return 0;
}

static int read_int(exp_reader *r, yaml_node_t *node, const char *path, int lo, int hi, int *out) {
  long x;
  cli_parse_status st =
      exp_is_plain(node) ? cli_parse_long(exp_text_of(node), &x) : CLI_PARSE_NOT_NUM;
  if (st == CLI_PARSE_OVERFLOW) {
    exp_report(r, node, path,
               "'%s' is too %s: out of the range of a 64-bit integer (must be between %d and %d)",
               exp_text_of(node), exp_text_of(node)[0] == '-' ? "small" : "large", lo, hi);
    return -1;
  }
  if (st != CLI_PARSE_OK) {
    exp_report(r, node, path, "expected an integer");
    return -1;
  }
  if (x < lo || x > hi) {
    exp_report(r, node, path, "%ld is not allowed: must be between %d and %d", x, lo, hi);
    return -1;
  }
  *out = (int)x;
  return 0;
}

/* A rows x cols matrix as a list of rows (a bare number for 1 x 1), row-major into out. */
static int read_matrix(exp_reader *r, yaml_node_t *node, const char *path, int rows, int cols,
                       double *out) {
  if (rows == 1 && cols == 1 && node->type == YAML_SCALAR_NODE)
    return read_double(r, node, path, &CLI_FINITE, out);
  int ok = node->type == YAML_SEQUENCE_NODE && exp_seq_len(node) == rows;
  for (int i = 0; ok && i < rows; i++) {
    yaml_node_t *row = exp_seq_item(r, node, i);
    ok = row->type == YAML_SEQUENCE_NODE && exp_seq_len(row) == cols;
  }
  if (!ok) {
    exp_report(r, node, path, "expected %d x %d matrix (a list of %d rows of %d numbers)", rows,
               cols, rows, cols);
    return -1;
  }
  int bad = 0;
  char elem[160];
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++) {
      snprintf(elem, sizeof elem, "%s[%d][%d]", path, i, j);
      if (read_double(r, exp_seq_item(r, exp_seq_item(r, node, i), j), elem, &CLI_FINITE,
                      &out[(size_t)i * cols + j]) != 0)
        bad = 1;
    }
  return bad ? -1 : 0;
}

static int read_momentum(exp_reader *r, yaml_node_t *node, sgema_momentum *mo) {
  exp_member f[] = {
      {"kind", NULL, NULL}, {"a0", NULL, NULL}, {"a1", NULL, NULL}, {"T", NULL, NULL}};
  if (!read_fields(r, node, "problem.momentum", f, 4))
    return -1;
  int before = r->problems;
  const char *kind;
  yaml_node_t *k = get(f, 4, "kind");
  if (require(r, node, k, "problem.momentum", "kind") &&
      read_string(r, k, "problem.momentum.kind", &kind) == 0) {
    int kk = sgema_momentum_parse(kind);
    if (kk >= 0)
      mo->kind = (sgema_momentum_kind)kk;
    else
      exp_report(r, k, "problem.momentum.kind", "'%s' is not one of constant|linear", kind);
  }
  yaml_node_t *a0 = get(f, 4, "a0"), *a1 = get(f, 4, "a1"), *T = get(f, 4, "T");
  if (require(r, node, a0, "problem.momentum", "a0"))
    read_double(r, a0, "problem.momentum.a0", &SGEMA_MOMENTUM_ALPHA, &mo->a0);
  /* A constant schedule ignores a1 and T, but a record prints them, so they are read if present. */
  int linear = mo->kind == SGEMA_MOMENTUM_LINEAR;
  if (a1 || (linear && require(r, node, a1, "problem.momentum", "a1")))
    read_double(r, a1, "problem.momentum.a1", &SGEMA_MOMENTUM_ALPHA, &mo->a1);
  if (T || (linear && require(r, node, T, "problem.momentum", "T")))
    read_double(r, T, "problem.momentum.T", &SGEMA_MOMENTUM_T, &mo->T);
  return r->problems == before ? 0 : -1;
}

enum { P_ALG, P_M, P_N, P_LAMBDA, P_SXX, P_SYX, P_SYY, P_MOMENTUM, P_TIME, P_MU, P_NU, P_COUNT };

/* Returns 0 when alg, m and n are known (the initial state's shape depends on them). */
static int read_problem(exp_reader *r, yaml_node_t *node, trial_input *in) {
  exp_member f[P_COUNT] = {{"alg", NULL, NULL},    {"m", NULL, NULL},        {"n", NULL, NULL},
                           {"lambda", NULL, NULL}, {"Sxx", NULL, NULL},      {"Syx", NULL, NULL},
                           {"Syy", NULL, NULL},    {"momentum", NULL, NULL}, {"time", NULL, NULL},
                           {"mu", NULL, NULL},     {"nu", NULL, NULL}};
  if (!read_fields(r, node, "problem", f, P_COUNT))
    return -1;
  sgema_problem *p = &in->problem;
  int shape_ok = 1;
  const char *name;
  if (!require(r, node, f[P_ALG].value, "problem", "alg") ||
      read_string(r, f[P_ALG].value, "problem.alg", &name) != 0)
    shape_ok = 0;
  else if (sgema_alg_parse(name) < 0) {
    exp_report(r, f[P_ALG].value, "problem.alg", "'%s' is not one of sg|ema|gd", name);
    shape_ok = 0;
  } else
    p->alg = (sgema_alg)sgema_alg_parse(name);

  if (!require(r, node, f[P_M].value, "problem", "m") ||
      read_int(r, f[P_M].value, "problem.m", 1, SGEMA_MAX_M, &p->m) != 0)
    shape_ok = 0;
  if (!require(r, node, f[P_N].value, "problem", "n") ||
      read_int(r, f[P_N].value, "problem.n", 2, SGEMA_MAX_N, &p->n) != 0)
    shape_ok = 0;
  if (shape_ok && p->n <= p->m) {
    exp_report(r, f[P_N].value, "problem.n", "%d is not allowed: must be greater than m = %d", p->n,
               p->m);
    shape_ok = 0;
  }

  if (require(r, node, f[P_LAMBDA].value, "problem", "lambda"))
    read_double(r, f[P_LAMBDA].value, "problem.lambda", &CLI_POSITIVE, &p->lambda);

  if (f[P_TIME].value && read_string(r, f[P_TIME].value, "problem.time", &name) == 0) {
    in->has_time = 1;
    int tk = sgema_time_parse(name);
    if (tk >= 0)
      p->time = (sgema_time_kind)tk;
    else
      exp_report(r, f[P_TIME].value, "problem.time", "'%s' is not one of flow|discrete", name);
  }
  if (f[P_MU].value && read_double(r, f[P_MU].value, "problem.mu",
                                   sgema_settings_table[SGEMA_SETTING_MU].allowed, &p->mu) == 0)
    in->has_mu = 1;
  if (f[P_NU].value && read_double(r, f[P_NU].value, "problem.nu",
                                   sgema_settings_table[SGEMA_SETTING_NU].allowed, &p->nu) == 0)
    in->has_nu = 1;
  if (f[P_MOMENTUM].value && read_momentum(r, f[P_MOMENTUM].value, &p->momentum) == 0)
    in->has_momentum = 1;

  /* Without a valid m the matrices' expected shape is unknown; their problems would be noise. */
  if (p->m >= 1 && p->m <= SGEMA_MAX_M && f[P_M].value) {
    int m = p->m, stats_ok = 1;
    if (!require(r, node, f[P_SXX].value, "problem", "Sxx") ||
        read_matrix(r, f[P_SXX].value, "problem.Sxx", m, m, p->Sxx) != 0)
      stats_ok = 0;
    if (!require(r, node, f[P_SYX].value, "problem", "Syx") ||
        read_matrix(r, f[P_SYX].value, "problem.Syx", m, m, p->Syx) != 0)
      stats_ok = 0;
    if (f[P_SYY].value) {
      if (read_matrix(r, f[P_SYY].value, "problem.Syy", m, m, p->Syy) == 0)
        in->has_syy = 1;
    } else if (stats_ok && sgema_problem_default_syy(p) != SGEMA_OK) {
      exp_report(r, f[P_SXX].value, "problem.Sxx",
                 "singular, so the default Syy cannot be formed (give problem.Syy)");
    }
  }
  return shape_ok ? 0 : -1;
}

static int read_initial(exp_reader *r, yaml_node_t *node, trial_input *in) {
  exp_member f[] = {{"A", NULL, NULL}, {"B", NULL, NULL}, {"C", NULL, NULL}};
  if (!read_fields(r, node, "initial", f, 3))
    return -1;
  const sgema_problem *p = &in->problem;
  size_t nm = (size_t)p->n * p->m, nn = (size_t)p->n * p->n;
  int before = r->problems;
  if (require(r, node, f[0].value, "initial", "A"))
    read_matrix(r, f[0].value, "initial.A", p->n, p->m, in->y0);
  if (require(r, node, f[1].value, "initial", "B"))
    read_matrix(r, f[1].value, "initial.B", p->n, p->n, in->y0 + nm);
  if (p->alg == SGEMA_ALG_EMA) {
    if (f[2].value) {
      if (read_matrix(r, f[2].value, "initial.C", p->n, p->m, in->y0 + nm + nn) == 0)
        in->has_c = 1;
    } else {
      /* BYOL initialises its target network as a copy of the online one. */
      memcpy(in->y0 + nm + nn, in->y0, sizeof(double) * nm);
    }
  } else if (f[2].value) {
    exp_report(r, f[2].value, "initial.C", "only the ema algorithm has a target C (alg is %s)",
               sgema_alg_name(p->alg));
  }
  return r->problems == before ? 0 : -1;
}

/* The top level: problem and initial, plus the other members of a record, which are ignored. */
static void read_root(exp_reader *r, yaml_node_t *root, trial_input *in) {
  exp_member f[] = {{"problem", NULL, NULL},      {"initial", NULL, NULL},
                    {"program", NULL, NULL},      {"version", NULL, NULL},
                    {"settings", NULL, NULL},     {"trial", NULL, NULL},
                    {"final", NULL, NULL},        {"result", NULL, NULL},
                    {"verification", NULL, NULL}, {"trajectory", NULL, NULL}};
  if (!read_fields(r, root, "", f, (int)(sizeof f / sizeof f[0])))
    return;
  int problem_ok = 0;
  if (require(r, root, f[0].value, "", "problem"))
    problem_ok = read_problem(r, f[0].value, in) == 0;
  if (require(r, root, f[1].value, "", "initial") && problem_ok)
    read_initial(r, f[1].value, in);
}

int trial_input_read(const char *path, const sgema_settings *s, trial_input *in, cli_errors *errs) {
  int before = errs->count;
  memset(in, 0, sizeof *in);
  sgema_settings_problem(s, &in->problem);
  in->problem.m = 0; /* "unknown" until the file says */

  /* Read as experiment files are: a directory, a results file, UTF-16, a file nested 100,000
   * deep or an alias bomb is refused by name, quickly (sgema_yaml_load_file). */
  sgema_diagnostics *diag = sgema_diagnostics_alloc();
  if (!diag) {
    cli_error(errs, "%s: out of memory", path);
    return errs->count - before;
  }
  yaml_document_t doc;
  int readable = 0;
  sgema_yaml_load_file(path, "a trial input file", &doc, diag, &readable);
  char line[1024];
  for (size_t i = 0; i < sgema_diagnostics_count(diag); i++) {
    sgema_diagnostic_format(sgema_diagnostics_get(diag, i), line, sizeof line);
    cli_error(errs, "%s", line);
  }
  sgema_diagnostics_clear(diag);
  yaml_node_t *root = readable ? yaml_document_get_root_node(&doc) : NULL;
  if (readable && !root) {
    cli_error(errs, "%s: empty file (expected problem and initial)", path);
  } else if (root) {
    exp_reader r = {path, &doc, diag, 0};
    read_root(&r, root, in);
    flush_problems(&r, errs);
  }
  sgema_diagnostics_free(diag);
  yaml_document_delete(&doc);

  /* A backstop for what the reader does not check itself (symmetry of Sxx and Syy). */
  if (errs->count == before) {
    int st = sgema_problem_validate(&in->problem);
    if (st != SGEMA_OK)
      cli_error(
          errs,
          "%s: problem: %s (Sxx and Syy must be symmetric, the joint covariance of (x, y) positive "
          "semidefinite)",
          path, sgema_strerror(st));
  }
  return errs->count - before;
}

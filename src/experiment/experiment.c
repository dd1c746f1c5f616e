/* The experiment object: loading a file (its text checked, parsed and expanded by
 * experiment_expand.c) and the accessors. No libyaml here. */
#define _POSIX_C_SOURCE 200809L

#include "experiment_impl.h"

#include <stdlib.h>
#include <string.h>

/* ---- the object ---- */

void sgema_experiment_free(sgema_experiment *e) {
  if (!e)
    return;
  for (size_t i = 0; i < e->run_count; i++)
    exp_run_free(&e->runs[i]);
  free(e->runs);
  free(e->selected);
  free(e->selection);
  free(e->path);
  free(e->name);
  free(e->description);
  free(e->source);
  free(e);
}

/* The resolved form (every run spelt out) is what --dry-run prints, itself an experiment file, and
 * what the results file stores as JSON: sweeps and aliases can make it far larger than the file,
 * so it has the file's limit, and is checked before anything is written. */
static int check_resolved_size(const sgema_experiment *e, sgema_diagnostics *diag) {
  char *yaml = sgema_experiment_resolved(e, SGEMA_EXPERIMENT_YAML);
  char *json = yaml ? sgema_experiment_resolved(e, SGEMA_EXPERIMENT_JSON) : NULL;
  size_t size = yaml && json ? (strlen(yaml) > strlen(json) ? strlen(yaml) : strlen(json)) : 0;
  free(yaml);
  free(json);
  if (!json) {
    sgema_diagnostics_add(diag, e->path, 1, 1, NULL, "out of memory");
    return -1;
  }
  if (size <= EXP_FILE_MAX)
    return 0;
  sgema_diagnostics_add(diag, e->path, 1, 1, "runs",
                        "its %zu runs, spelt out (as --dry-run prints them and the results file "
                        "stores them), take %zu bytes: at most %d (4 MiB) are allowed; split it "
                        "into several experiments",
                        e->run_count, size, EXP_FILE_MAX);
  return -1;
}

/* Checks the text, then parses it; size is the whole file's (len bytes of it are in text). */
static sgema_experiment *load_text(const char *name, const char *text, size_t len, size_t size,
                                   sgema_diagnostics *diag) {
  size_t start = sgema_diagnostics_count(diag);
  if (exp_check_text(name ? name : "", EXP_WHAT, text, len, size, diag) != 0)
    return NULL;
  sgema_experiment *e = calloc(1, sizeof *e);
  if (e) {
    e->path = strdup(name ? name : "");
    e->source = malloc(len + 1);
  }
  if (!e || !e->path || !e->source) {
    sgema_diagnostics_add(diag, name, 1, 1, NULL, "out of memory");
    sgema_experiment_free(e);
    return NULL;
  }
  memcpy(e->source, text, len);
  e->source[len] = '\0';
  e->source_len = len;
  int problems = exp_parse(e, diag);
  exp_diagnostics_sort_from(diag, start);
  if (problems || check_resolved_size(e, diag) != 0) {
    sgema_experiment_free(e);
    return NULL;
  }
  return e;
}

sgema_experiment *sgema_experiment_load_string(const char *name, const char *text, size_t len,
                                               sgema_diagnostics *diag) {
  return load_text(name, text, len, len, diag);
}

/* The whole file, read once: what is parsed is exactly what is stored as the source. */
sgema_experiment *sgema_experiment_load(const char *path, sgema_diagnostics *diag) {
  char *text;
  size_t len, size;
  if (exp_read_file(path, EXP_WHAT, &text, &len, &size, diag) != 0)
    return NULL;
  sgema_experiment *e = load_text(path, text, len, size, diag);
  free(text);
  return e;
}

const char *sgema_experiment_path(const sgema_experiment *e) {
  return e->path;
}
const char *sgema_experiment_name(const sgema_experiment *e) {
  return e->name;
}
const char *sgema_experiment_description(const sgema_experiment *e) {
  return e->description ? e->description : "";
}
uint64_t sgema_experiment_seed(const sgema_experiment *e) {
  return e->seed;
}
const char *sgema_experiment_source(const sgema_experiment *e, size_t *len) {
  if (len)
    *len = e->source_len;
  return e->source;
}
size_t sgema_experiment_run_count(const sgema_experiment *e) {
  return e->selected ? e->selected_count : e->run_count;
}
const sgema_run_spec *sgema_experiment_run(const sgema_experiment *e, size_t i) {
  if (e->selected)
    return i < e->selected_count ? &e->runs[e->selected[i]] : NULL;
  return i < e->run_count ? &e->runs[i] : NULL;
}
const sgema_run_spec *sgema_experiment_find(const sgema_experiment *e, const char *name) {
  const sgema_run_spec *r;
  for (size_t i = 0; (r = sgema_experiment_run(e, i)) != NULL; i++)
    if (strcmp(r->name, name) == 0)
      return r;
  return NULL;
}

/* Reading an experiment file's parts (experiment_read.c), private to the experiment library: what
 * one run's mapping, or the defaults', says, for the expansion into runs (experiment_expand.c). */
#ifndef SGEMA_EXPERIMENT_READ_H
#define SGEMA_EXPERIMENT_READ_H

#include "experiment_impl.h"
#include "experiment_yaml.h"

#define AXIS_MAX 64 /* values of one sweep list */
#define REF_MAX 16  /* references of one run */
#define MEMBER_MAX 32

/* ---- sweep axes: alg, m and n ---- */

enum { AXIS_ALG, AXIS_M, AXIS_N };

/* A value of alg, m or n, or a list of them; n's values are mult * m + add (mult = 0: a number). */
typedef struct {
  yaml_node_t *node; /* as written; NULL when absent */
  int bad, is_list, count;
  yaml_node_t *item[AXIS_MAX];
  int mult[AXIS_MAX], add[AXIS_MAX];
} axis;

/* ---- references ---- */

typedef struct {
  sgema_reference ref;
  yaml_node_t *node, *sphere_node;
  char key[EXP_KEY_MAX]; /* its path, "runs[0].reference[1]" */
} ref_item;

/* ---- layers: a run's mapping, or the defaults ---- */

/* What one mapping says (a run, or the defaults every run inherits): each setting's node (NULL
 * when the mapping does not set it) and, when it parsed, its value in v at the table's offset. */
typedef struct {
  yaml_node_t *map;
  char where[32]; /* "runs[3]" or "defaults" */
  int is_defaults, is_map;
  int problems; /* found in this mapping */
  sgema_run_spec v;
  yaml_node_t *src[EXP_SETTING_COUNT];
  unsigned char bad[EXP_SETTING_COUNT];
  yaml_node_t *name; /* run name (template) */
  const char *name_text;
  int name_bad, name_template;
  yaml_node_t *index;
  long long index_value;
  int index_bad;
  axis axes[3];
  yaml_node_t *refs_node;
  int refs_bad, ref_count;
  ref_item refs[REF_MAX];
} layer;

/* Reads map (where: "runs[3]" or "defaults") into L; every problem is reported. */
void exp_read_layer(exp_reader *r, yaml_node_t *map, const char *where, int is_defaults, layer *L);

/* An experiment or run name: [A-Za-z0-9_.-], starting with a letter, digit or _; with placeholders
 * allowed, {alg}, {m} and {n} may appear (*has_placeholder, when not NULL, says whether one did).
 * Returns 0, or -1 (reported). */
int exp_check_name(exp_reader *r, yaml_node_t *n, const char *key, const char *s, int placeholders,
                   int *has_placeholder);

#endif

/* Reading a composed YAML document's values with their file:line:col (private to the experiment
 * layer and the tools that read YAML files of their own, such as sgema-trial's --input): the core
 * schema's scalars, mappings of known keys, every problem one diagnostic at its node. */
#ifndef SGEMA_EXPERIMENT_YAML_H
#define SGEMA_EXPERIMENT_YAML_H

#include "experiment_diag.h"
#include "settings_table.h"
#include "sgema/experiment.h"

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#define EXP_KEY_MAX 192 /* a setting's path, "runs[12].sampling.condition_delta" */

/* The document being read and where its problems go. */
typedef struct {
  const char *path;
  yaml_document_t *doc;
  sgema_diagnostics *diag;
  int problems; /* found so far, whether or not the collector could store them */
} exp_reader;

/* One problem at a node's position (libyaml counts from 0, editors from 1); node NULL: 1:1. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
void exp_report(exp_reader *r, const yaml_node_t *node, const char *key, const char *fmt, ...);

/* A key path into buf (cut short, never an error, when longer than size). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void exp_keyf(char *buf, size_t size, const char *fmt, ...);
/* "where.name", or "name" when where is "". */
void exp_join(char *buf, size_t size, const char *where, const char *name);

static inline yaml_node_t *exp_node_at(const exp_reader *r, yaml_node_item_t id) {
  return yaml_document_get_node(r->doc, id);
}
static inline int exp_seq_len(const yaml_node_t *n) {
  return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
}
static inline yaml_node_t *exp_seq_item(const exp_reader *r, const yaml_node_t *n, int i) {
  return exp_node_at(r, n->data.sequence.items.start[i]);
}
static inline const char *exp_text_of(const yaml_node_t *n) {
  return (const char *)n->data.scalar.value;
}

/* ---- scalars ---- */

/* A plain scalar is typed by its text; !!str makes any text a string. */
int exp_is_plain(const yaml_node_t *n);
/* YAML's null: an empty plain value, null or ~. */
int exp_is_null(const yaml_node_t *n);
/* What a node is, for "expected X, found Y": "a mapping", "the number 1.5", ... */
const char *exp_describe(const yaml_node_t *n, char *buf, size_t size);

/* Each reader reports its problem at n under key and returns -1, or stores *out and returns 0. */
int exp_read_real(exp_reader *r, yaml_node_t *n, const char *key, const sgema_interval *iv,
                  double *out);
int exp_read_integer(exp_reader *r, yaml_node_t *n, const char *key, long long lo, long long hi,
                     long long *out);
int exp_read_u64(exp_reader *r, yaml_node_t *n, const char *key, uint64_t *out);
int exp_read_bool(exp_reader *r, yaml_node_t *n, const char *key, int *out);
/* Any non-null scalar, plain or quoted. */
int exp_read_text(exp_reader *r, yaml_node_t *n, const char *key, const char **out);
int exp_read_choice(exp_reader *r, yaml_node_t *n, const char *key, const sgema_choice *c,
                    int *out);

/* ---- mappings ---- */

/* A key the reader knows; value stays NULL when the mapping lacks it. */
typedef struct {
  const char *name;
  yaml_node_t *key, *value;
} exp_member;

/* Fills m from the mapping (where: its path, "" at the top); unknown (with a suggestion), repeated
 * and non-scalar keys are problems. Returns 0 when node is not a mapping (reported). */
int exp_read_members(exp_reader *r, yaml_node_t *node, const char *where, exp_member *m, int count);
/* "missing (required<hint>)" at parent, for where.name. */
void exp_missing(exp_reader *r, yaml_node_t *parent, const char *where, const char *name,
                 const char *hint);
/* text at most max bytes long (words: how the message says max, may be NULL); else reported. */
int exp_check_length(exp_reader *r, yaml_node_t *n, const char *key, const char *text, size_t max,
                     const char *words);

#endif

/* An experiment file's text before it is read as settings: its size and encoding, then its YAML
 * composed into a libyaml document under the limits a hostile file needs (nesting depth, alias
 * expansion), with the core-schema tags checked and YAML 1.1 merge keys applied. */
#define _POSIX_C_SOURCE 200809L

#include "experiment_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

/* ---- the text ---- */

/* Line and column (1-based, the column in characters as libyaml counts them) of byte offset. */
static void position_of(const char *text, size_t offset, size_t *line, size_t *column) {
  *line = *column = 1;
  for (size_t i = 0; i < offset; i++) {
    unsigned char c = (unsigned char)text[i];
    if (c == '\n') {
      (*line)++;
      *column = 1;
    } else if ((c & 0xC0) != 0x80) {
      (*column)++;
    }
  }
}

/* HDF5 puts its signature at offset 0, or past a user block at 512, 1024, 2048, ... */
static int is_hdf5(const char *text, size_t len) {
  static const char signature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
  for (size_t at = 0; at + 8 <= len; at = at ? 2 * at : 512)
    if (memcmp(text + at, signature, 8) == 0)
      return 1;
  return 0;
}

/* The encoding a byte order mark or the pattern of NUL bytes at the start gives away; NULL when the
 * start looks like UTF-8 (or plain binary). */
static const char *wide_encoding(const unsigned char *s, size_t len, int *bom) {
  *bom = 1;
  if (len >= 4 && s[0] == 0xFF && s[1] == 0xFE && s[2] == 0 && s[3] == 0)
    return "UTF-32LE";
  if (len >= 4 && s[0] == 0 && s[1] == 0 && s[2] == 0xFE && s[3] == 0xFF)
    return "UTF-32BE";
  if (len >= 2 && s[0] == 0xFF && s[1] == 0xFE)
    return "UTF-16LE";
  if (len >= 2 && s[0] == 0xFE && s[1] == 0xFF)
    return "UTF-16BE";
  *bom = 0;
  if (len >= 4 && s[0] != 0 && s[1] == 0 && s[2] == 0 && s[3] == 0)
    return "UTF-32LE";
  if (len >= 4 && s[0] == 0 && s[1] == 0 && s[2] == 0 && s[3] != 0)
    return "UTF-32BE";
  if (len >= 2 && s[0] != 0 && s[1] == 0)
    return "UTF-16LE";
  if (len >= 2 && s[0] == 0 && s[1] != 0)
    return "UTF-16BE";
  return NULL;
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF), or 0. */
static size_t utf8_sequence(const unsigned char *s, size_t left) {
  unsigned char c = s[0];
  if (c < 0x80)
    return 1;
  size_t n = c >= 0xC2 && c <= 0xDF   ? 2
             : c >= 0xE0 && c <= 0xEF ? 3
             : c >= 0xF0 && c <= 0xF4 ? 4
                                      : 0;
  if (n == 0 || n > left)
    return 0;
  for (size_t i = 1; i < n; i++)
    if ((s[i] & 0xC0) != 0x80)
      return 0;
  if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) || (c == 0xF0 && s[1] < 0x90) ||
      (c == 0xF4 && s[1] > 0x8F))
    return 0;
  return n;
}

int exp_check_text(const char *path, const char *what, const char *text, size_t len, size_t size,
                   sgema_diagnostics *d) {
  const unsigned char *s = (const unsigned char *)text;
  int bom;
  const char *wide;
  size_t line, column;
  if (is_hdf5(text, len)) {
    sgema_diagnostics_add(d, path, 1, 1, NULL, "is an HDF5 results file, not %s%s", what,
                          strcmp(what, EXP_WHAT) == 0
                              ? " (give the YAML file the results were made from; the results "
                                "file keeps a copy of it in its 'source' attribute)"
                              : "");
    return 1;
  }
  if (size > EXP_FILE_MAX) {
    sgema_diagnostics_add(d, path, 1, 1, NULL, "is %zu bytes: %s may have at most %d bytes (4 MiB)",
                          size, what, EXP_FILE_MAX);
    return 1;
  }
  if ((wide = wide_encoding(s, len, &bom)) != NULL) {
    sgema_diagnostics_add(
        d, path, 1, 1, NULL,
        "is %s text (%s), not UTF-8: %s must be UTF-8 (convert it, e.g. iconv "
        "-f %s -t UTF-8)",
        wide, bom ? "it starts with a byte order mark" : "NUL bytes between its letters", what,
        wide);
    return 1;
  }
  const char *nul = memchr(text, '\0', len);
  if (nul) {
    position_of(text, (size_t)(nul - text), &line, &column);
    sgema_diagnostics_add(d, path, line, column, NULL,
                          "a NUL byte: this is a binary file, not %s (YAML text)", what);
    return 1;
  }
  for (size_t i = 0; i < len;) {
    size_t n = utf8_sequence(s + i, len - i);
    if (n == 0) {
      position_of(text, i, &line, &column);
      sgema_diagnostics_add(d, path, line, column, NULL,
                            "the byte 0x%02X is not valid UTF-8: %s must be UTF-8 (if it is "
                            "Latin-1: iconv -f LATIN1 -t UTF-8)",
                            s[i], what);
      return 1;
    }
    i += n;
  }
  return 0;
}

/* ---- composing the document ---- */

/* Where a problem of the composition goes: the file's path and the collector. */
typedef struct {
  const char *path, *what;
  sgema_diagnostics *diag;
  int problems;
  int fatal; /* a limit was passed: stop reading */
} composer_out;

/* An open list or mapping. */
typedef struct {
  int id;
  int is_map;
  int key;      /* a mapping's key waiting for its value (0: none) */
  size_t items; /* a list's items so far */
  char *anchor; /* its anchor, registered when it closes */
  size_t nodes; /* nodes inside it, aliases expanded */
  int height;   /* levels inside it, aliases expanded */
  yaml_mark_t start;
} frame;

typedef struct {
  char *name;
  int id;
  size_t nodes;
  int height;
  size_t at; /* where the anchor is written (byte offset) */
} anchor_def;

typedef struct {
  yaml_document_t *doc;
  composer_out out;
  frame stack[EXP_DEPTH_MAX];
  int depth;
  size_t expanded; /* nodes so far, each alias counted as a copy of its anchor's node */
  anchor_def *anchors;
  size_t anchor_count, anchor_cap;
  int first_ok; /* the first document ended without a problem */
} composer;

/* The key path of the place being read, "runs[1].integration.t_max", into buf. */
static void place(const composer *c, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < c->depth && used < size; i++) {
    const frame *f = &c->stack[i];
    if (i == 8) { /* deep enough to find the place */
      snprintf(buf + used, size - used, "...");
      return;
    }
    if (f->is_map && f->key) {
      yaml_node_t *k = yaml_document_get_node(c->doc, f->key);
      const char *name =
          k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "?";
      used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? "." : "", name);
    } else if (!f->is_map) {
      used += (size_t)snprintf(buf + used, size - used, "[%zu]", f->items);
    }
  }
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
problem(composer *c, yaml_mark_t at, const char *fmt, ...) {
  char key[192];
  place(c, key, sizeof key);
  va_list ap;
  va_start(ap, fmt);
  c->out.problems++;
  exp_diagnostics_vadd(c->out.diag, c->out.path, at.line + 1, at.column + 1, key, fmt, ap);
  va_end(ap);
}

static void out_of_memory(composer *c) {
  c->out.problems++;
  c->out.fatal = 1;
  sgema_diagnostics_add(c->out.diag, c->out.path, 1, 1, NULL, "out of memory");
}

#define CORE "tag:yaml.org,2002:"

/* The tag as written: the core schema's "tag:yaml.org,2002:int" as !!int. */
static void short_tag(const char *tag, char *buf, size_t size) {
  if (strncmp(tag, CORE, strlen(CORE)) == 0)
    snprintf(buf, size, "!!%.60s", tag + strlen(CORE));
  else if (tag[0] == '!')
    snprintf(buf, size, "%.60s", tag);
  else
    snprintf(buf, size, "!<%.60s>", tag);
}

int exp_tag_kind(const char *tag) {
  static const char *const names[] = {"str", "int", "float", "bool", "null", "seq", "map", "merge"};
  if (!tag || !tag[0])
    return EXP_TAG_NONE;
  if (strcmp(tag, "!") == 0) /* the non-specific tag: a scalar that is not plain, a string */
    return EXP_TAG_STR;
  if (strncmp(tag, CORE, strlen(CORE)) != 0)
    return EXP_TAG_OTHER;
  for (int k = 0; k < (int)(sizeof names / sizeof names[0]); k++)
    if (strcmp(tag + strlen(CORE), names[k]) == 0)
      return EXP_TAG_STR + k;
  return EXP_TAG_OTHER;
}

static const char *const SUPPORTED_TAGS = "!!str, !!int, !!float, !!bool, !!null, !!seq, !!map";

/* Checks a node's tag; returns the tag to store ("" when none was written, the core tag
 * otherwise) or NULL when the tag is refused (reported). */
static const char *checked_tag(composer *c, const char *tag, yaml_event_type_t type,
                               const char *value, int *kind, yaml_mark_t at) {
  char shown[80];
  *kind = exp_tag_kind(tag);
  int scalar = type == YAML_SCALAR_EVENT;
  if (*kind == EXP_TAG_NONE || (!scalar && strcmp(tag, "!") == 0)) {
    *kind = EXP_TAG_NONE; /* "!" on a list or mapping: the list or mapping it is */
    return "";
  }
  short_tag(tag, shown, sizeof shown);
  if (*kind == EXP_TAG_OTHER) {
    problem(c, at, "the tag %s is not supported (only the core-schema tags %s are)", shown,
            SUPPORTED_TAGS);
    return NULL;
  }
  if ((*kind == EXP_TAG_SEQ && type != YAML_SEQUENCE_START_EVENT) ||
      (*kind == EXP_TAG_MAP && type != YAML_MAPPING_START_EVENT) ||
      (*kind != EXP_TAG_SEQ && *kind != EXP_TAG_MAP && !scalar)) {
    problem(c, at, "the tag %s does not fit %s", shown,
            type == YAML_SEQUENCE_START_EVENT  ? "a list"
            : type == YAML_MAPPING_START_EVENT ? "a mapping"
                                               : "a scalar");
    return NULL;
  }
  double special;
  int ok = 1;
  switch (*kind) {
  case EXP_TAG_INT:
    ok = exp_int_syntax(value);
    break;
  case EXP_TAG_FLOAT:
    ok = exp_float_syntax(value, &special) != 0;
    break;
  case EXP_TAG_BOOL:
    ok = exp_bool_syntax(value);
    break;
  case EXP_TAG_NULL:
    ok = exp_null_syntax(value);
    break;
  case EXP_TAG_MERGE:
    ok = strcmp(value, "<<") == 0;
    break;
  default:
    break;
  }
  if (!ok) {
    problem(c, at, "'%.40s' is not %s", value,
            *kind == EXP_TAG_INT     ? "an integer (tagged !!int)"
            : *kind == EXP_TAG_FLOAT ? "a number (tagged !!float)"
            : *kind == EXP_TAG_BOOL  ? "true or false (tagged !!bool)"
            : *kind == EXP_TAG_NULL  ? "null (tagged !!null)"
                                     : "<< (tagged !!merge)");
    return NULL;
  }
  return tag;
}

static anchor_def *find_anchor(composer *c, const char *name) {
  /* A name defined again refers to its latest node from there on. */
  for (size_t i = c->anchor_count; i-- > 0;)
    if (strcmp(c->anchors[i].name, name) == 0)
      return &c->anchors[i];
  return NULL;
}

static void define_anchor(composer *c, char *name, int id, size_t nodes, int height, size_t at) {
  if (!name)
    return;
  if (c->anchor_count == c->anchor_cap) {
    size_t cap = c->anchor_cap ? 2 * c->anchor_cap : 16;
    anchor_def *a = realloc(c->anchors, cap * sizeof *a);
    if (!a) {
      free(name);
      out_of_memory(c);
      return;
    }
    c->anchors = a;
    c->anchor_cap = cap;
  }
  c->anchors[c->anchor_count++] = (anchor_def){name, id, nodes, height, at};
}

/* Counts nodes as they come (an alias as a copy of its anchor's node); returns 0 past the limit. */
static int count_nodes(composer *c, size_t nodes, yaml_mark_t at) {
  c->expanded += nodes;
  if (c->expanded <= EXP_EXPANDED_MAX)
    return 1;
  problem(c, at,
          "the document has more than %d nodes once its aliases are expanded: %s needs far "
          "fewer (an alias bomb?)",
          EXP_EXPANDED_MAX, c->out.what);
  c->out.fatal = 1;
  return 0;
}

/* A finished node (or an alias to one) goes into the innermost open list or mapping. */
static void attach(composer *c, int id, size_t nodes, int height) {
  if (c->depth == 0)
    return; /* the root */
  frame *f = &c->stack[c->depth - 1];
  f->nodes += nodes;
  if (height + 1 > f->height)
    f->height = height + 1;
  int ok;
  if (!f->is_map) {
    ok = yaml_document_append_sequence_item(c->doc, f->id, id);
    f->items++;
  } else if (!f->key) {
    f->key = id;
    ok = 1;
  } else {
    ok = yaml_document_append_mapping_pair(c->doc, f->id, f->key, id);
    f->key = 0;
  }
  if (!ok)
    out_of_memory(c);
}

static void open_node(composer *c, const yaml_event_t *ev) {
  int is_map = ev->type == YAML_MAPPING_START_EVENT;
  const yaml_char_t *tag = is_map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
  const yaml_char_t *anchor =
      is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
  if (c->depth == EXP_DEPTH_MAX) {
    problem(c, ev->start_mark,
            "lists and mappings nested more than %d levels deep (%s needs fewer than 10)",
            EXP_DEPTH_MAX, c->out.what);
    c->out.fatal = 1;
    return;
  }
  if (!count_nodes(c, 1, ev->start_mark))
    return;
  int kind;
  const char *stored = checked_tag(c, (const char *)tag, ev->type, NULL, &kind, ev->start_mark);
  int id = is_map ? yaml_document_add_mapping(c->doc, (yaml_char_t *)(stored ? stored : ""),
                                              ev->data.mapping_start.style)
                  : yaml_document_add_sequence(c->doc, (yaml_char_t *)(stored ? stored : ""),
                                               ev->data.sequence_start.style);
  char *name = anchor ? strdup((const char *)anchor) : NULL;
  if (!id || (anchor && !name)) {
    free(name);
    out_of_memory(c);
    return;
  }
  yaml_document_get_node(c->doc, id)->start_mark = ev->start_mark;
  c->stack[c->depth++] = (frame){id, is_map, 0, 0, name, 1, 1, ev->start_mark};
}

static int is_merge_key(const yaml_node_t *k) {
  if (k->type != YAML_SCALAR_NODE || strcmp((const char *)k->data.scalar.value, "<<") != 0)
    return 0;
  int kind = exp_tag_kind((const char *)k->tag);
  return kind == EXP_TAG_MERGE ||
         (kind == EXP_TAG_NONE && k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
}

/* A pair of the merged mapping, with its key's text for finding the pairs an earlier one
 * overrides. */
typedef struct {
  yaml_node_pair_t pair;
  const char *key; /* NULL for a key that is not a scalar: never overridden */
  size_t order;
  int keep;
} merged_pair;

static int by_key_then_order(const void *a, const void *b) {
  const merged_pair *x = a, *y = b;
  if (x->key && y->key) {
    int k = strcmp(x->key, y->key);
    if (k)
      return k;
  } else if (x->key != y->key) {
    return x->key ? -1 : 1;
  }
  return (x->order > y->order) - (x->order < y->order);
}

static int by_order(const void *a, const void *b) {
  const merged_pair *x = a, *y = b;
  return (x->order > y->order) - (x->order < y->order);
}

static void add_candidates(composer *c, merged_pair *out, size_t *count, const yaml_node_t *map,
                           int skip_merge) {
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
    if (skip_merge && is_merge_key(k))
      continue;
    out[*count] = (merged_pair){
        *p, k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : NULL, *count, 1};
    (*count)++;
  }
}

/* The mappings a merge key's value names: a mapping, or a list of mappings (YAML 1.1: each merged
 * in turn, an earlier one winning over a later one). Returns how many, or -1 (reported). */
static int merge_sources(composer *c, yaml_node_t *value, int *ids, int max) {
  if (value->type == YAML_MAPPING_NODE) {
    ids[0] = (int)(value - c->doc->nodes.start) + 1;
    return 1;
  }
  if (value->type != YAML_SEQUENCE_NODE) {
    problem(c, value->start_mark,
            "the merge key << takes a mapping or a list of mappings (*alias or [*a, *b]), found "
            "a scalar");
    return -1;
  }
  int n = 0;
  for (yaml_node_item_t *it = value->data.sequence.items.start; it < value->data.sequence.items.top;
       it++) {
    yaml_node_t *m = yaml_document_get_node(c->doc, *it);
    if (m->type != YAML_MAPPING_NODE) {
      problem(c, m->start_mark, "the merge key's list holds %s: only mappings can be merged",
              m->type == YAML_SEQUENCE_NODE ? "a list" : "a scalar");
      return -1;
    }
    if (n == max) {
      problem(c, m->start_mark, "the merge key's list holds more than %d mappings", max);
      return -1;
    }
    ids[n++] = *it;
  }
  return n;
}

/* YAML 1.1 merge keys: the mapping's own pairs, then those of each merged mapping whose key is not
 * there yet. Merged pairs keep their nodes, so that a problem in one is reported where its value
 * is written (in the anchored mapping). */
static void resolve_merges(composer *c, int id) {
  yaml_node_t *map = yaml_document_get_node(c->doc, id);
  size_t total = 0, merges = 0;
  yaml_node_t *merge_key = NULL;
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
    total++;
    if (!is_merge_key(k))
      continue;
    if (merges++) {
      problem(c, k->start_mark,
              "a second merge key << in one mapping (first at line %zu): give one with a list, "
              "<<: [*a, *b]",
              merge_key->start_mark.line + 1);
      return;
    }
    merge_key = k;
  }
  if (!merges)
    return;
  int sources[64];
  yaml_node_t *value = NULL;
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++)
    if (yaml_document_get_node(c->doc, p->key) == merge_key)
      value = yaml_document_get_node(c->doc, p->value);
  int n = merge_sources(c, value, sources, 64);
  if (n < 0)
    return;
  for (int i = 0; i < n; i++) {
    yaml_node_t *s = yaml_document_get_node(c->doc, sources[i]);
    total += (size_t)(s->data.mapping.pairs.top - s->data.mapping.pairs.start);
  }
  merged_pair *all = malloc((total ? total : 1) * sizeof *all);
  if (!all) {
    out_of_memory(c);
    return;
  }
  size_t count = 0;
  add_candidates(c, all, &count, map, 1);
  for (int i = 0; i < n; i++)
    add_candidates(c, all, &count, yaml_document_get_node(c->doc, sources[i]), 1);
  /* The mapping's own pairs keep their repeats (the reader reports a duplicate key); a merged
   * pair goes only where no earlier pair has its key. */
  size_t own = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start) - 1;
  qsort(all, count, sizeof *all, by_key_then_order);
  for (size_t i = 1; i < count; i++)
    if (all[i].key && all[i - 1].key && strcmp(all[i].key, all[i - 1].key) == 0 &&
        all[i].order >= own)
      all[i].keep = 0;
  qsort(all, count, sizeof *all, by_order);
  map = yaml_document_get_node(c->doc, id);
  map->data.mapping.pairs.top = map->data.mapping.pairs.start;
  for (size_t i = 0; i < count; i++)
    if (all[i].keep &&
        !yaml_document_append_mapping_pair(c->doc, id, all[i].pair.key, all[i].pair.value)) {
      out_of_memory(c);
      break;
    }
  free(all);
}

static void close_node(composer *c, const yaml_event_t *ev) {
  frame f = c->stack[--c->depth];
  yaml_document_get_node(c->doc, f.id)->end_mark = ev->end_mark;
  if (f.is_map)
    resolve_merges(c, f.id);
  define_anchor(c, f.anchor, f.id, f.nodes, f.height, f.start.index);
  attach(c, f.id, f.nodes, f.height);
}

static void add_scalar(composer *c, const yaml_event_t *ev) {
  if (!count_nodes(c, 1, ev->start_mark))
    return;
  int kind;
  const char *value = (const char *)ev->data.scalar.value;
  const char *stored =
      checked_tag(c, (const char *)ev->data.scalar.tag, ev->type, value, &kind, ev->start_mark);
  yaml_scalar_style_t style = ev->data.scalar.style;
  /* A typed tag says what the text is, however it is quoted: !!int "10" is the integer 10. */
  if (kind == EXP_TAG_INT || kind == EXP_TAG_FLOAT || kind == EXP_TAG_BOOL || kind == EXP_TAG_NULL)
    style = YAML_PLAIN_SCALAR_STYLE;
  int id = yaml_document_add_scalar(c->doc, (yaml_char_t *)(stored ? stored : ""),
                                    ev->data.scalar.value, (int)ev->data.scalar.length, style);
  char *name = ev->data.scalar.anchor ? strdup((const char *)ev->data.scalar.anchor) : NULL;
  if (!id || (ev->data.scalar.anchor && !name)) {
    free(name);
    out_of_memory(c);
    return;
  }
  yaml_node_t *n = yaml_document_get_node(c->doc, id);
  n->start_mark = ev->start_mark;
  n->end_mark = ev->end_mark;
  define_anchor(c, name, id, 1, 1, ev->start_mark.index);
  attach(c, id, 1, 1);
}

static void add_alias(composer *c, const yaml_event_t *ev) {
  const char *name = (const char *)ev->data.alias.anchor;
  anchor_def *a = find_anchor(c, name);
  /* The alias names the latest anchor before it: when that is a node still open, the alias is
   * inside the node it names. */
  for (int i = c->depth; i-- > 0;)
    if (c->stack[i].anchor && strcmp(c->stack[i].anchor, name) == 0 &&
        (!a || c->stack[i].start.index > a->at)) {
      problem(c, ev->start_mark,
              "the alias *%s is inside the node it names (line %zu): a recursive structure", name,
              c->stack[i].start.line + 1);
      c->out.fatal = 1;
      return;
    }
  if (!a) {
    problem(c, ev->start_mark, "the alias *%s names no anchor &%s before it", name, name);
    c->out.fatal = 1;
    return;
  }
  if (c->depth + a->height > EXP_DEPTH_MAX) {
    problem(c, ev->start_mark,
            "lists and mappings nested more than %d levels deep through the alias *%s (%s needs "
            "fewer than 10)",
            EXP_DEPTH_MAX, name, c->out.what);
    c->out.fatal = 1;
    return;
  }
  if (count_nodes(c, a->nodes, ev->start_mark))
    attach(c, a->id, a->nodes, a->height);
}

static void composer_free(composer *c) {
  for (int i = 0; i < c->depth; i++)
    free(c->stack[i].anchor);
  for (size_t i = 0; i < c->anchor_count; i++)
    free(c->anchors[i].name);
  free(c->anchors);
}

/* Where libyaml stopped: its mark, or for an encoding error the byte offset turned into a line. */
static void syntax_error(composer *c, const yaml_parser_t *p, const char *text, size_t len) {
  size_t line = p->problem_mark.line + 1, column = p->problem_mark.column + 1;
  if (p->error == YAML_READER_ERROR)
    position_of(text, p->problem_offset < len ? p->problem_offset : len, &line, &column);
  c->out.problems++;
  if (p->error == YAML_MEMORY_ERROR) {
    sgema_diagnostics_add(c->out.diag, c->out.path, 1, 1, NULL, "out of memory");
    return;
  }
  char context[160] = "";
  if (p->context)
    snprintf(context, sizeof context, " (%s at line %zu, column %zu)", p->context,
             p->context_mark.line + 1, p->context_mark.column + 1);
  sgema_diagnostics_add(c->out.diag, c->out.path, line, column, NULL, "YAML syntax error: %s%s",
                        p->problem ? p->problem : "unknown", context);
}

/* One event into the document; returns 0 when the stream is over (or reading must stop). */
static int compose_event(composer *c, const yaml_event_t *ev, int *documents) {
  switch (ev->type) {
  case YAML_STREAM_END_EVENT:
    return 0;
  case YAML_DOCUMENT_START_EVENT:
    /* One file is one experiment: a second document would be silently ignored otherwise. */
    if ((*documents)++) {
      c->out.problems++;
      sgema_diagnostics_add(c->out.diag, c->out.path, ev->start_mark.line + 1,
                            ev->start_mark.column + 1, NULL, "a second YAML document: %s holds one",
                            c->out.what);
      return 0;
    }
    c->doc->start_mark = ev->start_mark;
    return 1;
  case YAML_DOCUMENT_END_EVENT:
    c->doc->end_mark = ev->end_mark;
    c->first_ok = c->out.problems == 0;
    return 1;
  case YAML_ALIAS_EVENT:
    add_alias(c, ev);
    break;
  case YAML_SCALAR_EVENT:
    add_scalar(c, ev);
    break;
  case YAML_SEQUENCE_START_EVENT:
  case YAML_MAPPING_START_EVENT:
    open_node(c, ev);
    break;
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT:
    close_node(c, ev);
    break;
  default:
    break;
  }
  return !c->out.fatal;
}

int exp_compose(const char *path, const char *what, const char *text, size_t len,
                yaml_document_t *doc, sgema_diagnostics *d, int *readable) {
  composer c;
  *readable = 0;
  memset(&c, 0, sizeof c);
  memset(doc, 0, sizeof *doc);
  c.doc = doc;
  c.out.path = path;
  c.out.what = what;
  c.out.diag = d;
  if (!yaml_document_initialize(doc, NULL, NULL, NULL, 1, 1)) {
    sgema_diagnostics_add(d, path, 1, 1, NULL, "out of memory");
    return 1;
  }
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    sgema_diagnostics_add(d, path, 1, 1, NULL, "cannot start the YAML parser (out of memory)");
    return 1;
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  int documents = 0, more = 1;
  while (more) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev)) {
      syntax_error(&c, &parser, text, len);
      break;
    }
    more = compose_event(&c, &ev, &documents);
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&parser);
  composer_free(&c);
  *readable = c.first_ok || (documents == 0 && c.out.problems == 0);
  return c.out.problems;
}

/* ---- reading a file ---- */

int exp_read_file(const char *path, const char *what, char **text, size_t *len, size_t *size,
                  sgema_diagnostics *d) {
  *text = NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    sgema_diagnostics_add(d, path, 1, 1, NULL, "cannot open: %s", strerror(errno));
    if (fd >= 0)
      close(fd);
    return -1;
  }
  /* read() on a directory fails with EISDIR, which strerror words as a read failure. */
  if (S_ISDIR(st.st_mode)) {
    sgema_diagnostics_add(d, path, 1, 1, NULL, "is a directory, not %s", what);
    close(fd);
    return -1;
  }
  /* At most EXP_FILE_MAX + 1 bytes: a larger file is refused (by its size, or as an HDF5 file
   * when its start says so) without reading it all. */
  size_t cap = (size_t)EXP_FILE_MAX + 1, used = 0;
  char *buf = malloc(cap + 1);
  int err = buf ? 0 : ENOMEM;
  while (!err && used < cap) {
    ssize_t got = read(fd, buf + used, cap - used);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      err = errno;
    else if (got == 0)
      break;
    else
      used += (size_t)got;
  }
  close(fd);
  if (err) {
    sgema_diagnostics_add(d, path, 1, 1, NULL, "cannot read: %s", strerror(err));
    free(buf);
    return -1;
  }
  buf[used] = '\0';
  *size = used;
  if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > used)
    *size = (size_t)st.st_size;
  *text = buf;
  *len = used < cap ? used : cap - 1;
  return 0;
}

int sgema_yaml_load_file(const char *path, const char *what, struct yaml_document_s *doc,
                         sgema_diagnostics *d, int *readable) {
  char *text;
  size_t len, size;
  size_t before = sgema_diagnostics_count(d);
  memset(doc, 0, sizeof *doc);
  *readable = 0;
  if (exp_read_file(path, what, &text, &len, &size, d) != 0)
    return 1;
  int problems = exp_check_text(path, what, text, len, size, d);
  if (!problems)
    problems = exp_compose(path, what, text, len, doc, d, readable);
  free(text);
  exp_diagnostics_sort_from(d, before);
  return problems;
}

int sgema_yaml_tag_is_str(const char *tag) {
  return exp_tag_kind(tag) == EXP_TAG_STR;
}

/* sgema-export's --where expressions: comparisons of a trial's fields joined by and, or, not. */
#define _POSIX_C_SOURCE 200809L
#include "export_where.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { N_OR, N_AND, N_NOT, N_CMP } node_kind;
typedef enum { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE } cmp_op;
static const char *const op_text[] = {"<", "<=", ">", ">=", "==", "!="};

typedef struct node {
  node_kind kind;
  struct node *a, *b; /* operands (N_NOT: a only) */
  char *name, *value; /* N_CMP: field and value as written */
  size_t name_pos, value_pos;
  cmp_op op;
  int field;     /* resolved */
  double number; /* resolved: the number, or the enum index */
} node;

struct where_expr {
  node *root;
};

/* The token stream: the text and a cursor; errors give the 1-based character position. depth
 * counts the parentheses and nots open at the cursor: the parser recurses once for each. */
typedef struct {
  const char *text;
  size_t pos;
  char *err;
  size_t errsize;
  int failed;
  int depth;
} lexer;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
lex_fail(lexer *lx, const char *fmt, ...) {
  if (lx->failed)
    return;
  lx->failed = 1;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(lx->err, lx->errsize, fmt, ap);
  va_end(ap);
}

static void skip_space(lexer *lx) {
  while (isspace((unsigned char)lx->text[lx->pos]))
    lx->pos++;
}

static int is_word_start(char c) {
  return isalpha((unsigned char)c) || c == '_';
}
static int is_word_char(char c) {
  return isalnum((unsigned char)c) || c == '_';
}

/* The word at the cursor (without consuming it): its length, 0 when none. */
static size_t word_len(const lexer *lx) {
  const char *s = lx->text + lx->pos;
  if (!is_word_start(*s))
    return 0;
  size_t n = 1;
  while (is_word_char(s[n]))
    n++;
  return n;
}

/* Consumes keyword kw if it is the next word. */
static int accept_keyword(lexer *lx, const char *kw) {
  skip_space(lx);
  size_t n = word_len(lx);
  if (n == strlen(kw) && strncmp(lx->text + lx->pos, kw, n) == 0) {
    lx->pos += n;
    return 1;
  }
  return 0;
}

static int is_keyword(const char *s, size_t n) {
  return (n == 3 && (strncmp(s, "and", 3) == 0 || strncmp(s, "not", 3) == 0)) ||
         (n == 2 && strncmp(s, "or", 2) == 0);
}

static node *new_node(lexer *lx, node_kind kind, node *a, node *b) {
  node *x = calloc(1, sizeof *x);
  if (!x) {
    lex_fail(lx, "out of memory");
    return NULL;
  }
  x->kind = kind;
  x->a = a;
  x->b = b;
  x->field = -1;
  return x;
}

static void free_node(node *x) {
  if (!x)
    return;
  free_node(x->a);
  free_node(x->b);
  free(x->name);
  free(x->value);
  free(x);
}

static int read_op(lexer *lx, cmp_op *op) {
  skip_space(lx);
  const char *s = lx->text + lx->pos;
  for (int i = 5; i >= 0; i--) { /* two-character operators first */
    size_t n = strlen(op_text[i]);
    if (strncmp(s, op_text[i], n) == 0) {
      *op = (cmp_op)i;
      lx->pos += n;
      return 0;
    }
  }
  return -1;
}

/* A value: a word (an enum name, inf, nan) or a number-like run of characters. */
static char *read_value(lexer *lx) {
  skip_space(lx);
  const char *s = lx->text + lx->pos;
  size_t n = 0;
  while (s[n] && !isspace((unsigned char)s[n]) && !strchr("()<>=!", s[n]))
    n++;
  if (n == 0 || (is_word_start(s[0]) && is_keyword(s, word_len(lx))))
    return NULL;
  lx->pos += n;
  return strndup(s, n);
}

static node *parse_or(lexer *lx);

static node *parse_comparison(lexer *lx) {
  skip_space(lx);
  size_t n = word_len(lx), at = lx->pos;
  if (n == 0 || is_keyword(lx->text + at, n)) {
    if (lx->text[at] == '\0')
      lex_fail(lx, "unexpected end: a comparison (FIELD OP VALUE) expected");
    else
      lex_fail(lx, "a field name expected at character %zu ('%.12s')", at + 1, lx->text + at);
    return NULL;
  }
  node *x = new_node(lx, N_CMP, NULL, NULL);
  if (!x)
    return NULL;
  x->name = strndup(lx->text + at, n);
  x->name_pos = at + 1;
  lx->pos += n;
  if (read_op(lx, &x->op) != 0) {
    lex_fail(lx, "a comparison operator (< <= > >= == !=) expected after '%s' at character %zu",
             x->name, lx->pos + 1);
    free_node(x);
    return NULL;
  }
  skip_space(lx);
  x->value_pos = lx->pos + 1;
  x->value = read_value(lx);
  if (!x->value) {
    lex_fail(lx, "a value expected after '%s %s' at character %zu", x->name, op_text[x->op],
             lx->pos + 1);
    free_node(x);
    return NULL;
  }
  return x;
}

/* Enters one more level of nesting at character `at` (0-based): -1 past WHERE_MAX_DEPTH, so
 * that no expression can exhaust the stack of the recursive parser (or of the tree's walks). */
static int nest(lexer *lx, size_t at) {
  if (++lx->depth <= WHERE_MAX_DEPTH)
    return 0;
  lex_fail(lx, "nested deeper than %d levels of parentheses and 'not' at character %zu",
           WHERE_MAX_DEPTH, at + 1);
  return -1;
}

static node *parse_unary(lexer *lx) {
  skip_space(lx);
  size_t at = lx->pos;
  if (accept_keyword(lx, "not")) {
    node *a = nest(lx, at) == 0 ? parse_unary(lx) : NULL;
    lx->depth--;
    return a ? new_node(lx, N_NOT, a, NULL) : NULL;
  }
  if (lx->text[lx->pos] == '(') {
    size_t open = lx->pos;
    lx->pos++;
    node *x = nest(lx, open) == 0 ? parse_or(lx) : NULL;
    lx->depth--;
    skip_space(lx);
    if (x && lx->text[lx->pos] != ')') {
      lex_fail(lx, "')' expected at character %zu for the '(' at character %zu", lx->pos + 1,
               open + 1);
      free_node(x);
      return NULL;
    }
    if (x) /* past the ')'; after a failure the cursor may be at the end (found by fuzzing) */
      lx->pos++;
    return x;
  }
  return parse_comparison(lx);
}

/* A left-associative chain "sub KEYWORD sub KEYWORD ...", each link a node of this kind. */
static node *parse_chain(lexer *lx, node *(*sub)(lexer *), const char *keyword, node_kind kind) {
  node *x = sub(lx);
  while (x && accept_keyword(lx, keyword)) {
    node *b = sub(lx);
    node *y = b ? new_node(lx, kind, x, b) : NULL;
    if (!y) {
      free_node(x);
      free_node(b);
      return NULL;
    }
    x = y;
  }
  return x;
}

static node *parse_and(lexer *lx) {
  return parse_chain(lx, parse_unary, "and", N_AND);
}

static node *parse_or(lexer *lx) {
  return parse_chain(lx, parse_and, "or", N_OR);
}

where_expr *where_parse(const char *text, char *err, size_t errsize) {
  lexer lx = {text, 0, err, errsize, 0, 0};
  node *root = parse_or(&lx);
  /* After the parse, which is safe at any length (bounded depth, iterative chains), so that an
   * expression nested too deep is told so whatever its length. */
  size_t len = strlen(text);
  if (root && len > WHERE_MAX_LENGTH) {
    snprintf(err, errsize, "%zu characters long, more than the %d allowed", len, WHERE_MAX_LENGTH);
    free_node(root);
    return NULL;
  }
  skip_space(&lx);
  if (root && text[lx.pos] != '\0') {
    lex_fail(&lx, "'and', 'or' or the end expected at character %zu ('%.12s')", lx.pos + 1,
             text + lx.pos);
    free_node(root);
    root = NULL;
  }
  where_expr *w = root ? malloc(sizeof *w) : NULL;
  if (root && !w) {
    snprintf(err, errsize, "out of memory");
    free_node(root);
    return NULL;
  }
  if (w)
    w->root = root;
  return w;
}

void where_free(where_expr *w) {
  if (w)
    free_node(w->root);
  free(w);
}

static int index_of(const char *const *names, const char *s) {
  for (int i = 0; names[i]; i++)
    if (strcmp(names[i], s) == 0)
      return i;
  return -1;
}

static void join_names(const char *const *names, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; names[i] && used < size; i++)
    used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "|" : "", names[i]);
}

static int resolve_cmp(node *x, where_lookup lookup, void *ctx, char *err, size_t errsize) {
  const char *const *enums = NULL;
  x->field = lookup(ctx, x->name, &enums);
  if (x->field < 0) {
    snprintf(err, errsize, "unknown field '%s' (character %zu)", x->name, x->name_pos);
    return WHERE_UNKNOWN_FIELD;
  }
  if (enums) {
    char names[256];
    join_names(enums, names, sizeof names);
    int k = index_of(enums, x->value);
    if (x->op != OP_EQ && x->op != OP_NE) {
      snprintf(err, errsize, "'%s' is compared with == or != only (character %zu)", x->name,
               x->name_pos);
      return WHERE_BAD_VALUE;
    }
    if (k < 0) {
      snprintf(err, errsize, "'%s' is not a %s (character %zu): one of %s", x->value, x->name,
               x->value_pos, names);
      return WHERE_BAD_VALUE;
    }
    x->number = k;
    return 0;
  }
  char *end;
  x->number = strtod(x->value, &end);
  if (end == x->value || *end != '\0') {
    snprintf(err, errsize, "'%s' is not a number (character %zu, compared with %s)", x->value,
             x->value_pos, x->name);
    return WHERE_BAD_VALUE;
  }
  return 0;
}

static int resolve_node(node *x, where_lookup lookup, void *ctx, char *err, size_t errsize) {
  if (x->kind == N_CMP)
    return resolve_cmp(x, lookup, ctx, err, errsize);
  int st = resolve_node(x->a, lookup, ctx, err, errsize);
  if (st != 0)
    return st;
  return x->b ? resolve_node(x->b, lookup, ctx, err, errsize) : 0;
}

int where_resolve(where_expr *w, where_lookup lookup, void *ctx, char *err, size_t errsize) {
  return resolve_node(w->root, lookup, ctx, err, errsize);
}

static void fields_of(const node *x, void (*use)(void *ctx, int field), void *ctx) {
  if (x->kind == N_CMP) {
    use(ctx, x->field);
    return;
  }
  fields_of(x->a, use, ctx);
  if (x->b)
    fields_of(x->b, use, ctx);
}

void where_fields(const where_expr *w, void (*use)(void *ctx, int field), void *ctx) {
  fields_of(w->root, use, ctx);
}

static int eval_node(const node *x, double (*value)(void *ctx, int field), void *ctx) {
  switch (x->kind) {
  case N_OR:
    return eval_node(x->a, value, ctx) || eval_node(x->b, value, ctx);
  case N_AND:
    return eval_node(x->a, value, ctx) && eval_node(x->b, value, ctx);
  case N_NOT:
    return !eval_node(x->a, value, ctx);
  case N_CMP:
    break;
  }
  double v = value(ctx, x->field), c = x->number;
  switch (x->op) {
  case OP_LT:
    return v < c;
  case OP_LE:
    return v <= c;
  case OP_GT:
    return v > c;
  case OP_GE:
    return v >= c;
  case OP_EQ:
    return v == c;
  case OP_NE:
    return v != c;
  }
  return 0;
}

int where_eval(const where_expr *w, double (*value)(void *ctx, int field), void *ctx) {
  return eval_node(w->root, value, ctx);
}

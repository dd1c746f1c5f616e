/* The diagnostics collector: every problem of a file, with its file:line:col and key, kept in
 * file order for the caller to report at once. */
#define _POSIX_C_SOURCE 200809L

#include "experiment_impl.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  sgema_diagnostic pub; /* its strings live in one block starting at pub.file */
  size_t seq;           /* order of arrival, to keep the file-order sort stable */
} diag_entry;

struct sgema_diagnostics {
  diag_entry *items;
  size_t count, cap, seq;
};

sgema_diagnostics *sgema_diagnostics_alloc(void) {
  return calloc(1, sizeof(sgema_diagnostics));
}

static void entry_free(diag_entry *x) {
  free((void *)x->pub.file);
}

void sgema_diagnostics_clear(sgema_diagnostics *d) {
  if (!d)
    return;
  for (size_t i = 0; i < d->count; i++)
    entry_free(&d->items[i]);
  d->count = 0;
}

void sgema_diagnostics_free(sgema_diagnostics *d) {
  if (!d)
    return;
  sgema_diagnostics_clear(d);
  free(d->items);
  free(d);
}

size_t sgema_diagnostics_count(const sgema_diagnostics *d) {
  return d ? d->count : 0;
}

const sgema_diagnostic *sgema_diagnostics_get(const sgema_diagnostics *d, size_t i) {
  return d && i < d->count ? &d->items[i].pub : NULL;
}

int exp_diagnostics_vadd(sgema_diagnostics *d, const char *file, size_t line, size_t column,
                         const char *key, const char *fmt, va_list ap) {
  if (!d)
    return 0;
  if (!file)
    file = "";
  if (!key)
    key = "";
  va_list copy;
  va_copy(copy, ap);
  int mlen = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  if (mlen < 0)
    return -1;
  size_t flen = strlen(file), klen = strlen(key);
  if (d->count == d->cap) {
    size_t cap = d->cap ? 2 * d->cap : 16;
    diag_entry *items = realloc(d->items, cap * sizeof *items);
    if (!items)
      return -1;
    d->items = items;
    d->cap = cap;
  }
  /* One block: file, key, message, each NUL-terminated. */
  char *block = malloc(flen + klen + (size_t)mlen + 3);
  if (!block)
    return -1;
  memcpy(block, file, flen + 1);
  memcpy(block + flen + 1, key, klen + 1);
  vsnprintf(block + flen + klen + 2, (size_t)mlen + 1, fmt, ap);
  diag_entry *x = &d->items[d->count++];
  x->pub.file = block;
  x->pub.key = block + flen + 1;
  x->pub.message = block + flen + klen + 2;
  x->pub.line = line;
  x->pub.column = column;
  x->seq = d->seq++;
  return 0;
}

int sgema_diagnostics_add(sgema_diagnostics *d, const char *file, size_t line, size_t column,
                          const char *key, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int st = exp_diagnostics_vadd(d, file, line, column, key, fmt, ap);
  va_end(ap);
  return st;
}

static int entry_order(const void *a, const void *b) {
  const diag_entry *x = a, *y = b;
  if (x->pub.line != y->pub.line)
    return x->pub.line < y->pub.line ? -1 : 1;
  if (x->pub.column != y->pub.column)
    return x->pub.column < y->pub.column ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int same_diagnostic(const sgema_diagnostic *a, const sgema_diagnostic *b) {
  return a->line == b->line && a->column == b->column && strcmp(a->file, b->file) == 0 &&
         strcmp(a->key, b->key) == 0 && strcmp(a->message, b->message) == 0;
}

void exp_diagnostics_sort_from(sgema_diagnostics *d, size_t start) {
  if (!d || start >= d->count)
    return;
  qsort(d->items + start, d->count - start, sizeof d->items[0], entry_order);
  /* A value shared through a YAML alias, or a default that every run inherits, can produce the same
   * message more than once; one copy says it all. */
  size_t out = start;
  for (size_t i = start; i < d->count; i++) {
    if (out > start && same_diagnostic(&d->items[out - 1].pub, &d->items[i].pub))
      entry_free(&d->items[i]);
    else
      d->items[out++] = d->items[i];
  }
  d->count = out;
}

int sgema_diagnostic_format(const sgema_diagnostic *d, char *buf, size_t size) {
  if (d->key[0])
    return snprintf(buf, size, "%s:%zu:%zu: %s: %s", d->file, d->line, d->column, d->key,
                    d->message);
  return snprintf(buf, size, "%s:%zu:%zu: %s", d->file, d->line, d->column, d->message);
}

size_t sgema_diagnostics_write(const sgema_diagnostics *d, FILE *out) {
  size_t n = sgema_diagnostics_count(d);
  for (size_t i = 0; i < n; i++) {
    const sgema_diagnostic *x = &d->items[i].pub;
    if (x->key[0])
      fprintf(out, "%s:%zu:%zu: %s: %s\n", x->file, x->line, x->column, x->key, x->message);
    else
      fprintf(out, "%s:%zu:%zu: %s\n", x->file, x->line, x->column, x->message);
  }
  return n;
}

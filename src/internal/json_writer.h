/* A tiny streaming JSON emitter (private): commas, indentation and escaping in one place. */
#ifndef SGEMA_JSON_WRITER_H
#define SGEMA_JSON_WRITER_H

#include "format_double.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The functions are static inline so that this header needs no .c of its own; a writer is used by
 * one printer at a time and holds no global state. */

#define JW_MAX_DEPTH 16

typedef struct {
  FILE *out;
  int compact;               /* everything on one line, no spaces */
  int depth;                 /* open containers */
  int count[JW_MAX_DEPTH];   /* values written so far in each open container */
  int inline_[JW_MAX_DEPTH]; /* container written on one line even in indented mode */
  int misuse;                /* unbalanced begin/end or nesting too deep: a bug in the caller */
} jw_writer;

static inline void jw_init(jw_writer *w, FILE *out, int compact) {
  w->out = out;
  w->compact = compact;
  w->depth = 0;
  w->count[0] = 0;
  w->inline_[0] = 0;
  w->misuse = 0;
}

static inline void jw_string_raw(jw_writer *w, const char *s) {
  static const char hex[] = "0123456789abcdef";
  FILE *f = w->out;
  putc('"', f);
  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    switch (*c) {
    case '"':
      fputs("\\\"", f);
      break;
    case '\\':
      fputs("\\\\", f);
      break;
    case '\b':
      fputs("\\b", f);
      break;
    case '\f':
      fputs("\\f", f);
      break;
    case '\n':
      fputs("\\n", f);
      break;
    case '\r':
      fputs("\\r", f);
      break;
    case '\t':
      fputs("\\t", f);
      break;
    default:
      /* Other control characters have no short escape; bytes >= 0x80 are UTF-8 and pass through. */
      if (*c < 0x20 || *c == 0x7f) {
        fputs("\\u00", f);
        putc(hex[*c >> 4], f);
        putc(hex[*c & 15], f);
      } else {
        putc(*c, f);
      }
    }
  }
  putc('"', f);
}

static inline void jw_newline(jw_writer *w) {
  putc('\n', w->out);
  for (int i = 0; i < w->depth; i++)
    fputs("  ", w->out);
}

/* Everything that precedes a value: the comma, the line break and the member's key. */
static inline void jw_prefix(jw_writer *w, const char *key) {
  int d = w->depth;
  if (d > 0) {
    if (w->count[d - 1] > 0)
      putc(',', w->out);
    if (!w->compact) {
      if (w->inline_[d - 1]) {
        if (w->count[d - 1] > 0)
          putc(' ', w->out);
      } else {
        jw_newline(w);
      }
    }
    w->count[d - 1]++;
  }
  if (key) {
    jw_string_raw(w, key);
    fputs(w->compact ? ":" : ": ", w->out);
  }
}

static inline void jw_open(jw_writer *w, const char *key, char opener, int is_inline) {
  jw_prefix(w, key);
  putc(opener, w->out);
  if (w->depth >= JW_MAX_DEPTH) {
    w->misuse = 1;
    return;
  }
  /* An inline container makes everything inside it inline too. */
  int parent_inline = w->depth > 0 && w->inline_[w->depth - 1];
  w->count[w->depth] = 0;
  w->inline_[w->depth] = is_inline || parent_inline;
  w->depth++;
}

static inline void jw_close(jw_writer *w, char closer) {
  if (w->depth <= 0) {
    w->misuse = 1;
    return;
  }
  w->depth--;
  if (!w->compact && !w->inline_[w->depth] && w->count[w->depth] > 0)
    jw_newline(w);
  putc(closer, w->out);
}

/* key is the member name inside an object and NULL inside an array or at the top. */
static inline void jw_object_begin(jw_writer *w, const char *key) {
  jw_open(w, key, '{', 0);
}
static inline void jw_object_end(jw_writer *w) {
  jw_close(w, '}');
}
static inline void jw_array_begin(jw_writer *w, const char *key) {
  jw_open(w, key, '[', 0);
}
/* An array kept on one line: a matrix row, a [lo, hi] range. */
static inline void jw_array_begin_inline(jw_writer *w, const char *key) {
  jw_open(w, key, '[', 1);
}
static inline void jw_array_end(jw_writer *w) {
  jw_close(w, ']');
}

/* The shortest form that reads back to the same double (1e-06, not 9.9999999999999995e-07);
 * JSON has no NaN or infinity, so those become null. */
static inline void jw_double(jw_writer *w, const char *key, double x) {
  jw_prefix(w, key);
  if (!isfinite(x)) {
    fputs("null", w->out);
    return;
  }
  char buf[SGEMA_DOUBLE_CHARS];
  fputs(sgema_format_double(x, buf), w->out);
}

static inline void jw_long(jw_writer *w, const char *key, long x) {
  jw_prefix(w, key);
  fprintf(w->out, "%ld", x);
}

static inline void jw_u64(jw_writer *w, const char *key, uint64_t x) {
  jw_prefix(w, key);
  fprintf(w->out, "%" PRIu64, x);
}

static inline void jw_string(jw_writer *w, const char *key, const char *s) {
  jw_prefix(w, key);
  if (s)
    jw_string_raw(w, s);
  else
    fputs("null", w->out);
}

static inline void jw_bool(jw_writer *w, const char *key, int b) {
  jw_prefix(w, key);
  fputs(b ? "true" : "false", w->out);
}

static inline void jw_null(jw_writer *w, const char *key) {
  jw_prefix(w, key);
  fputs("null", w->out);
}

/* A row-major rows x cols matrix as an array of rows, one row per line when indented. */
static inline void jw_matrix(jw_writer *w, const char *key, const double *a, int rows, int cols) {
  jw_array_begin(w, key);
  for (int i = 0; i < rows; i++) {
    jw_array_begin_inline(w, NULL);
    for (int j = 0; j < cols; j++)
      jw_double(w, NULL, a[(size_t)i * cols + j]);
    jw_array_end(w);
  }
  jw_array_end(w);
}

/* Ends the document with a newline (one record per line in compact mode); returns 0, or -1 when
 * the stream failed or the calls were unbalanced. */
static inline int jw_finish(jw_writer *w) {
  putc('\n', w->out);
  if (w->depth != 0)
    w->misuse = 1;
  return (w->misuse || ferror(w->out)) ? -1 : 0;
}

#endif

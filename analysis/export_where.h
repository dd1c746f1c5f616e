/* sgema-export's --where expressions: comparisons of a trial's fields joined by and, or, not. */
#ifndef SGEMA_EXPORT_WHERE_H
#define SGEMA_EXPORT_WHERE_H

#include <stddef.h>

/* Grammar (docs/ANALYSIS.md):
 *   expr       := and_expr ("or" and_expr)*
 *   and_expr   := unary ("and" unary)*
 *   unary      := "not" unary | "(" expr ")" | comparison
 *   comparison := FIELD OP VALUE      OP: < <= > >= == !=
 * FIELD is a field name ([A-Za-z_][A-Za-z0-9_]*); VALUE a number as strtod reads it (1, -0.5,
 * 1e-6, inf) or, for the enum fields class, end and sphere (== and != only), a name of the enum.
 * Comparisons follow IEEE arithmetic: with a NaN value every comparison is false except !=. */

typedef struct where_expr where_expr;

/* Bounds on what where_parse accepts, so that parsing, evaluating and freeing (all recursive)
 * stay within any stack: parentheses and nots nested at most WHERE_MAX_DEPTH deep, and at most
 * WHERE_MAX_LENGTH characters (which bounds an and/or chain, a left-deep tree, to about 8,000
 * comparisons). */
#define WHERE_MAX_DEPTH 100
#define WHERE_MAX_LENGTH 65536

/* Parses text; NULL and a one-line reason in err on a syntax error or out of memory. */
where_expr *where_parse(const char *text, char *err, size_t errsize);
void where_free(where_expr *w);

/* Finds a field by name: its index (-1 when unknown) and, for an enum field, its names
 * (NULL-terminated; NULL for a numeric field). */
typedef int (*where_lookup)(void *ctx, const char *name, const char *const **enums);

/* Resolves every field name and value against lookup: 0; WHERE_UNKNOWN_FIELD for a name lookup
 * does not know, WHERE_BAD_VALUE for a value that does not fit its field; err names them. */
enum { WHERE_UNKNOWN_FIELD = -1, WHERE_BAD_VALUE = -2 };
int where_resolve(where_expr *w, where_lookup lookup, void *ctx, char *err, size_t errsize);

/* Calls use(ctx, field) for every field the expression reads. */
void where_fields(const where_expr *w, void (*use)(void *ctx, int field), void *ctx);

/* 1 when the row whose field values value(ctx, field) returns satisfies the expression. */
int where_eval(const where_expr *w, double (*value)(void *ctx, int field), void *ctx);

#endif

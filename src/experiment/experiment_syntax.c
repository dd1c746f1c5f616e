/* The core schema's scalars by their text (YAML 1.2): null, integers, floats, booleans. Pure
 * functions of a string, shared by the composer (experiment_text.c) and the readers. */
#include "experiment_impl.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

/* YAML's null: an empty plain value ("key:" with nothing after it), null or ~. */
int exp_null_syntax(const char *s) {
  return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
         strcmp(s, "NULL") == 0;
}

int exp_digits_syntax(const char *s) {
  if (!*s)
    return 0;
  for (; *s; s++)
    if (!isdigit((unsigned char)*s))
      return 0;
  return 1;
}

/* An integer of YAML's core schema: [-+]?[0-9]+ (decimal only, so 010 is ten). */
int exp_int_syntax(const char *s) {
  return exp_digits_syntax(s + (*s == '-' || *s == '+'));
}

/* A float of YAML's core schema: [-+]?(.[0-9]+|[0-9]+(.[0-9]*)?)([eE][-+]?[0-9]+)?, or
 * [-+]?.inf / .nan in their three spellings. Stricter than strtod: no hex, no "inf", no blanks.
 * Returns 0 (not a number), 1 (decimal: strtod reads it) or 2 (*special holds the value). */
int exp_float_syntax(const char *s, double *special) {
  const char *p = s + (*s == '-' || *s == '+');
  if (strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 || strcmp(p, ".INF") == 0) {
    *special = *s == '-' ? -INFINITY : INFINITY;
    return 2;
  }
  if (p == s && (strcmp(s, ".nan") == 0 || strcmp(s, ".NaN") == 0 || strcmp(s, ".NAN") == 0)) {
    *special = NAN;
    return 2;
  }
  int digits = 0;
  while (isdigit((unsigned char)*p))
    p++, digits++;
  if (*p == '.') {
    p++;
    while (isdigit((unsigned char)*p))
      p++, digits++;
  }
  if (!digits)
    return 0;
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '-' || *p == '+')
      p++;
    if (!isdigit((unsigned char)*p))
      return 0;
    while (isdigit((unsigned char)*p))
      p++;
  }
  return *p == '\0';
}

int exp_bool_syntax(const char *s) {
  return strcmp(s, "true") == 0 || strcmp(s, "false") == 0 || strcmp(s, "True") == 0 ||
         strcmp(s, "False") == 0 || strcmp(s, "TRUE") == 0 || strcmp(s, "FALSE") == 0;
}

/* Strict parsing of command-line and config numbers, with problems collected and reported at once.
 */
#define _POSIX_C_SOURCE 200809L

#include "cli_args.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* strtod and strtol skip leading blanks and stop at the first bad character; a config value " 1"
 * or "1.5x" is a typo, not a number, so both are refused here. */
static int starts_clean(const char *text) {
  return text[0] != '\0' && !isspace((unsigned char)text[0]);
}

cli_parse_status cli_parse_double(const char *text, double *out) {
  if (!text || text[0] == '\0')
    return CLI_PARSE_EMPTY;
  if (!starts_clean(text))
    return CLI_PARSE_NOT_NUM;
  char *end;
  errno = 0;
  double x = strtod(text, &end);
  if (end == text || *end != '\0')
    return CLI_PARSE_NOT_NUM;
  if (errno == ERANGE && fabs(x) == HUGE_VAL)
    return CLI_PARSE_OVERFLOW;
  /* A subnormal has lost digits, and 1e-400 read as 0 would mean "off" for a setting like
   * --tail-f: neither is the number written. */
  if ((errno == ERANGE && x == 0.0) || (x != 0.0 && fabs(x) < DBL_MIN))
    return CLI_PARSE_UNDERFLOW;
  *out = x;
  return CLI_PARSE_OK;
}

cli_parse_status cli_parse_long(const char *text, long *out) {
  if (!text || text[0] == '\0')
    return CLI_PARSE_EMPTY;
  if (!starts_clean(text))
    return CLI_PARSE_NOT_NUM;
  char *end;
  errno = 0;
  long x = strtol(text, &end, 10);
  if (end == text || *end != '\0')
    return CLI_PARSE_NOT_NUM;
  if (errno == ERANGE)
    return CLI_PARSE_OVERFLOW;
  *out = x;
  return CLI_PARSE_OK;
}

cli_parse_status cli_parse_u64(const char *text, uint64_t *out) {
  if (!text || text[0] == '\0')
    return CLI_PARSE_EMPTY;
  if (!starts_clean(text))
    return CLI_PARSE_NOT_NUM;
  /* strtoull accepts "-1" and wraps it to 2^64 - 1, which would silently pick another seed. */
  if (text[0] == '-')
    return isdigit((unsigned char)text[1]) ? CLI_PARSE_NEGATIVE : CLI_PARSE_NOT_NUM;
  char *end;
  errno = 0;
  unsigned long long x = strtoull(text, &end, 10);
  if (end == text || *end != '\0')
    return CLI_PARSE_NOT_NUM;
  if (errno == ERANGE)
    return CLI_PARSE_OVERFLOW;
  *out = (uint64_t)x;
  return CLI_PARSE_OK;
}

const char *cli_interval_describe(const sgema_interval *iv, char *buf, size_t size) {
  int lo_free = isinf(iv->lo) && iv->lo < 0, hi_free = isinf(iv->hi) && iv->hi > 0;
  if (lo_free && hi_free)
    snprintf(buf, size, "%s", iv->lo_open && iv->hi_open ? "a finite number" : "a number");
  else if (hi_free && iv->hi_open)
    snprintf(buf, size, "finite and %s %.17g", iv->lo_open ? ">" : ">=", iv->lo);
  else if (lo_free && iv->lo_open)
    snprintf(buf, size, "finite and %s %.17g", iv->hi_open ? "<" : "<=", iv->hi);
  else
    snprintf(buf, size, "in %c%.17g, %.17g%c", iv->lo_open ? '(' : '[', iv->lo, iv->hi,
             iv->hi_open ? ')' : ']');
  return buf;
}

void cli_errors_init(cli_errors *e, const char *prog, FILE *err) {
  e->prog = prog;
  e->err = err;
  e->count = 0;
}

void cli_error(cli_errors *e, const char *fmt, ...) {
  e->count++;
  if (!e->err) /* counted, not printed: the MPI ranks other than 0 */
    return;
  va_list ap;
  va_start(ap, fmt);
  fprintf(e->err, "%s: ", e->prog);
  vfprintf(e->err, fmt, ap);
  fputc('\n', e->err);
  va_end(ap);
}

/* The one wording of every parse failure, so that all tools say it the same way. */
static void report_parse(cli_errors *e, const char *opt, const char *text, cli_parse_status st,
                         const char *what) {
  switch (st) {
  case CLI_PARSE_EMPTY:
    cli_error(e, "%s: missing value (expected %s)", opt, what);
    break;
  case CLI_PARSE_OVERFLOW:
    if (strcmp(what, "a number") == 0)
      cli_error(e, "%s: '%s' is out of range for %s (too large: the largest double is %.17g)", opt,
                text, what, DBL_MAX);
    else
      cli_error(e, "%s: '%s' is out of range for %s (too large)", opt, text, what);
    break;
  case CLI_PARSE_UNDERFLOW:
    cli_error(e,
              "%s: '%s' is out of range for %s (too small: subnormal; numbers must be 0 or between "
              "%.17g and %.17g in size)",
              opt, text, what, DBL_MIN, DBL_MAX);
    break;
  case CLI_PARSE_NEGATIVE:
    cli_error(e, "%s: '%s' is negative (expected %s)", opt, text, what);
    break;
  default:
    cli_error(e, "%s: '%s' is not %s", opt, text, what);
    break;
  }
}

int cli_double(cli_errors *e, const char *opt, const char *text, const sgema_interval *iv,
               double *out) {
  double x;
  cli_parse_status st = cli_parse_double(text, &x);
  if (st != CLI_PARSE_OK) {
    report_parse(e, opt, text, st, "a number");
    return -1;
  }
  if (!sgema_interval_contains(iv, x)) {
    char buf[128];
    cli_error(e, "%s: '%s' is not allowed: must be %s", opt, text,
              cli_interval_describe(iv, buf, sizeof buf));
    return -1;
  }
  *out = x;
  return 0;
}

int cli_long(cli_errors *e, const char *opt, const char *text, long lo, long hi, long *out) {
  long x;
  cli_parse_status st = cli_parse_long(text, &x);
  if (st == CLI_PARSE_OVERFLOW) {
    cli_error(e, "%s: '%s' is out of range for an integer (too %s: must be between %ld and %ld)",
              opt, text, text[0] == '-' ? "small" : "large", lo, hi);
    return -1;
  }
  if (st != CLI_PARSE_OK) {
    report_parse(e, opt, text, st, "an integer");
    return -1;
  }
  if (x < lo || x > hi) {
    if (hi == LONG_MAX)
      cli_error(e, "%s: '%s' is not allowed: must be >= %ld", opt, text, lo);
    else
      cli_error(e, "%s: '%s' is not allowed: must be between %ld and %ld", opt, text, lo, hi);
    return -1;
  }
  *out = x;
  return 0;
}

int cli_int(cli_errors *e, const char *opt, const char *text, int lo, int hi, int *out) {
  long x;
  if (cli_long(e, opt, text, lo, hi, &x) != 0)
    return -1;
  *out = (int)x;
  return 0;
}

int cli_u64(cli_errors *e, const char *opt, const char *text, uint64_t *out) {
  cli_parse_status st = cli_parse_u64(text, out);
  if (st == CLI_PARSE_OVERFLOW) {
    cli_error(e,
              "%s: '%s' is out of range for an unsigned 64-bit integer (too large: at most %llu)",
              opt, text, (unsigned long long)UINT64_MAX);
    return -1;
  }
  if (st != CLI_PARSE_OK) {
    report_parse(e, opt, text, st, "an unsigned 64-bit integer");
    return -1;
  }
  return 0;
}

int cli_u32(cli_errors *e, const char *opt, const char *text, uint32_t *out) {
  uint64_t x;
  cli_parse_status st = cli_parse_u64(text, &x);
  if (st == CLI_PARSE_OK && x > UINT32_MAX)
    st = CLI_PARSE_OVERFLOW;
  if (st == CLI_PARSE_OVERFLOW) {
    cli_error(e, "%s: '%s' is out of range for an unsigned 32-bit integer (too large: at most %u)",
              opt, text, (unsigned)UINT32_MAX);
    return -1;
  }
  if (st != CLI_PARSE_OK) {
    report_parse(e, opt, text, st, "an unsigned 32-bit integer");
    return -1;
  }
  *out = (uint32_t)x;
  return 0;
}

int cli_double_list(cli_errors *e, const char *opt, const char *text, int count,
                    const sgema_interval *iv, double *out) {
  char buf[256];
  double tmp[16];
  if (count < 1 || count > (int)(sizeof tmp / sizeof tmp[0]))
    return -1;
  size_t len = strlen(text);
  if (len >= sizeof buf) {
    cli_error(e, "%s: value is too long", opt);
    return -1;
  }
  memcpy(buf, text, len + 1);
  /* Count the fields first, so that "1" and "1,2,3" get one clear message, not a parse error. */
  int fields = 1;
  for (const char *c = buf; *c; c++)
    fields += *c == ',';
  if (fields != count) {
    cli_error(e, "%s: '%s' must be %d comma-separated numbers", opt, text, count);
    return -1;
  }
  int bad = 0;
  char *field = buf;
  for (int i = 0; i < count; i++) {
    char *comma = strchr(field, ',');
    if (comma)
      *comma = '\0';
    if (field[0] == '\0') {
      cli_error(e, "%s: '%s' has an empty field (expected %d comma-separated numbers)", opt, text,
                count);
      return -1;
    }
    if (cli_double(e, opt, field, iv, &tmp[i]) != 0)
      bad = 1;
    field = comma ? comma + 1 : field + strlen(field);
  }
  if (bad)
    return -1;
  memcpy(out, tmp, sizeof(double) * (size_t)count);
  return 0;
}

int cli_range(cli_errors *e, const char *opt, const char *text, const sgema_interval *iv,
              double *lo, double *hi) {
  double v[2];
  if (cli_double_list(e, opt, text, 2, iv, v) != 0)
    return -1;
  if (!(v[0] <= v[1])) {
    cli_error(e, "%s: '%s' is not a range: LO must be <= HI", opt, text);
    return -1;
  }
  *lo = v[0];
  *hi = v[1];
  return 0;
}

int cli_choice(cli_errors *e, const char *opt, const char *text, const char *const *names) {
  for (int i = 0; names[i]; i++)
    if (strcmp(text, names[i]) == 0)
      return i;
  char list[256] = "";
  size_t used = 0;
  for (int i = 0; names[i] && used < sizeof list; i++)
    used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? "|" : "", names[i]);
  cli_error(e, "%s: '%s' is not one of %s", opt, text, list);
  return -1;
}

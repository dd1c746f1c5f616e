/* Strict parsing of command-line and config numbers, with problems collected and reported at once.
 */
#ifndef SGEMA_CLI_ARGS_H
#define SGEMA_CLI_ARGS_H

#include "settings_table.h"

#include <stdint.h>
#include <stdio.h>

/* Outcome of parsing one piece of text as a number. */
typedef enum {
  CLI_PARSE_OK,
  CLI_PARSE_EMPTY,    /* no text at all */
  CLI_PARSE_NOT_NUM,  /* not a number, or a number followed by other characters ("1.5x") */
  CLI_PARSE_OVERFLOW, /* a number too large for the type */
  CLI_PARSE_NEGATIVE, /* a minus sign where only unsigned values make sense */
  CLI_PARSE_UNDERFLOW /* a number too small for a double: subnormal, or 0 when it is not 0 */
} cli_parse_status;

/* Pure parsers: the whole text must be the number, without surrounding blanks. strtod's "nan" and
 * "inf" are parsed (callers decide through an interval whether they are allowed); decimal only for
 * integers, so that "010" is ten and not eight. */
cli_parse_status cli_parse_double(const char *text, double *out);
cli_parse_status cli_parse_long(const char *text, long *out);
cli_parse_status cli_parse_u64(const char *text, uint64_t *out);

/* Allowed doubles are the settings table's intervals (sgema_interval, settings_table.h): one type
 * for the options, the experiment files and the kernel's validation. The CLI_ names are theirs. */
#define CLI_FINITE SGEMA_FINITE     /* (-inf, inf) */
#define CLI_POSITIVE SGEMA_POSITIVE /* (0, inf) */
#define CLI_NONNEG SGEMA_NONNEG     /* [0, inf) */
#define CLI_UNIT SGEMA_UNIT         /* [0, 1] */

/* "finite and > 0", "in [0, 1]", "a finite number": the requirement in the options' words (not
 * iv->words, the experiment files'), into buf. */
const char *cli_interval_describe(const sgema_interval *iv, char *buf, size_t size);

/* Where the problems go: every message is one line "prog: ..." on err (not printed when err is
 * NULL), and counted, so that a tool can report all of its problems before it gives up. */
typedef struct {
  const char *prog;
  FILE *err;
  int count;
} cli_errors;

void cli_errors_init(cli_errors *e, const char *prog, FILE *err);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void cli_error(cli_errors *e, const char *fmt, ...);

/* Parse text as the value of option opt (its name in messages, e.g. "--lambda") and check it; on
 * any problem report one line, leave *out alone and return -1; return 0 on success. */
int cli_double(cli_errors *e, const char *opt, const char *text, const sgema_interval *iv,
               double *out);
int cli_long(cli_errors *e, const char *opt, const char *text, long lo, long hi, long *out);
int cli_int(cli_errors *e, const char *opt, const char *text, int lo, int hi, int *out);
int cli_u64(cli_errors *e, const char *opt, const char *text, uint64_t *out);
int cli_u32(cli_errors *e, const char *opt, const char *text, uint32_t *out);

/* Exactly count comma-separated numbers ("LO,HI"), each in iv. */
int cli_double_list(cli_errors *e, const char *opt, const char *text, int count,
                    const sgema_interval *iv, double *out);
/* A range "LO,HI" with LO <= HI, both in iv. */
int cli_range(cli_errors *e, const char *opt, const char *text, const sgema_interval *iv,
              double *lo, double *hi);

/* Index of text in the NULL-terminated names, or report "opt: 'text' is not one of a|b|c" and
 * return -1. */
int cli_choice(cli_errors *e, const char *opt, const char *text, const char *const *names);

#endif

/* The diagnostics collector's internals (experiment_diag.c), private to the experiment layer and
 * the tools that report their own files' problems the same way (sgema-trial's --input). */
#ifndef SGEMA_EXPERIMENT_DIAG_H
#define SGEMA_EXPERIMENT_DIAG_H

#include "sgema/experiment.h"

#include <stdarg.h>
#include <stddef.h>

int exp_diagnostics_vadd(sgema_diagnostics *d, const char *file, size_t line, size_t column,
                         const char *key, const char *fmt, va_list ap);
/* Sorts the diagnostics from index start on into file order (line, column, then the order they
 * were found) and removes exact repeats. */
void exp_diagnostics_sort_from(sgema_diagnostics *d, size_t start);

#endif

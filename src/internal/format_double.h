/* The shortest decimal form of a double that reads back to the same double (0.1, not
 * 0.10000000000000001): every number the tools print or store as text goes through it. */
#ifndef SGEMA_FORMAT_DOUBLE_H
#define SGEMA_FORMAT_DOUBLE_H

#include <stddef.h>

/* Room for any double in the shortest form, sign, exponent and terminator included. */
#define SGEMA_DOUBLE_CHARS 32

/* Writes the shortest of %.15g, %.16g and %.17g that reads back to x into buf (size
 * SGEMA_DOUBLE_CHARS) and returns buf. Non-finite x prints as C's %g does (nan, inf, -inf): the
 * callers that need another spelling (JSON's null, YAML's .inf) test isfinite first. */
char *sgema_format_double(double x, char buf[SGEMA_DOUBLE_CHARS]);

#endif

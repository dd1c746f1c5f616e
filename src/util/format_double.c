/* The shortest round-trip decimal form of a double (format_double.h). */
#include "format_double.h"

#include <stdio.h>
#include <stdlib.h>

char *sgema_format_double(double x, char buf[SGEMA_DOUBLE_CHARS]) {
  /* 17 significant digits always read back; fewer do for most numbers a person typed. */
  for (int digits = 15; digits <= 17; digits++) {
    snprintf(buf, SGEMA_DOUBLE_CHARS, "%.*g", digits, x);
    if (strtod(buf, NULL) == x)
      break;
  }
  return buf;
}

/* Output helpers shared by the table-writing analysis tools: CSV fields and exact numbers. */
#include "table_out.h"

#include "format_double.h"
#include "summary.h"

#include <math.h>
#include <stdlib.h>

const char *tab_double(double x, char *buf) {
  if (isnan(x))
    return "nan";
  if (isinf(x))
    return x > 0 ? "inf" : "-inf";
  return sgema_format_double(x, buf);
}

void tab_csv_text(FILE *out, const char *s) {
  putc('"', out);
  for (; s && *s; s++) {
    if (*s == '"')
      putc('"', out);
    putc(*s, out);
  }
  putc('"', out);
}

void tab_csv_num(FILE *out, double x) {
  char buf[32];
  if (!isnan(x))
    fputs(tab_double(x, buf), out);
}

const char *tab_fraction_cell(long k, long n, char *buf, size_t size) {
  if (n <= 0) {
    snprintf(buf, size, "-");
    return buf;
  }
  double lo, hi;
  sum_wilson(k, n, SUM_Z95, &lo, &hi);
  snprintf(buf, size, "%.2f%% [%.2f, %.2f]", 100.0 * (double)k / (double)n, 100.0 * lo, 100.0 * hi);
  return buf;
}

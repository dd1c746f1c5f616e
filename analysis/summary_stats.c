/* sgema-summary's statistics: Wilson intervals, the matching score test, and an exact median. */
#include "summary.h"

#include <math.h>

void sum_wilson(long k, long n, double z, double *lo, double *hi) {
  if (n <= 0) {
    *lo = 0.0;
    *hi = 1.0;
    return;
  }
  /* centre = (k + z^2/2) / (n + z^2), half-width = z / (n + z^2) sqrt(k (n - k) / n + z^2 / 4):
   * the roots in p of (k/n - p)^2 = z^2 p (1 - p) / n, written with counts so that k = 0 and
   * k = n need no special formula. */
  double dn = (double)n, dk = (double)k, z2 = z * z;
  double centre = (dk + z2 / 2.0) / (dn + z2);
  double half = z / (dn + z2) * sqrt(dk * (dn - dk) / dn + z2 / 4.0);
  /* At k = 0 (k = n) the lower (upper) root is exactly 0 (1); rounding must not move it. */
  *lo = k <= 0 ? 0.0 : fmax(0.0, centre - half);
  *hi = k >= n ? 1.0 : fmin(1.0, centre + half);
}

double sum_score_p_value(long k, long n, double p0) {
  if (n <= 0)
    return NAN;
  /* At p0 = 0 or 1 the statistic's variance vanishes: anything but the only possible count is
   * impossible under H0. */
  if (p0 <= 0.0)
    return k == 0 ? 1.0 : 0.0;
  if (p0 >= 1.0)
    return k == n ? 1.0 : 0.0;
  double zs = ((double)k / (double)n - p0) / sqrt(p0 * (1.0 - p0) / (double)n);
  return erfc(fabs(zs) / sqrt(2.0));
}

/* Quickselect (Hoare partition, middle pivot): x[k] ends where a sort would put it, smaller values
 * before it; O(n) on average and no extra memory, which is what keeps a 1,000,000-trial column at
 * its 8 MB. */
static double select_kth(double *x, size_t n, size_t k) {
  size_t lo = 0, hi = n - 1;
  while (lo < hi) {
    double pivot = x[lo + (hi - lo) / 2];
    size_t i = lo, j = hi;
    while (i <= j) {
      while (x[i] < pivot)
        i++;
      while (x[j] > pivot)
        j--;
      if (i <= j) {
        double t = x[i];
        x[i] = x[j];
        x[j] = t;
        i++;
        if (j == 0)
          break;
        j--;
      }
    }
    if (k <= j)
      hi = j;
    else if (k >= i)
      lo = i;
    else
      break;
  }
  return x[k];
}

double sum_median(double *x, size_t n) {
  if (n == 0)
    return NAN;
  double upper = select_kth(x, n, n / 2);
  if (n % 2)
    return upper;
  /* After the selection every value below n/2 is <= the upper middle: the lower middle is their
   * maximum. */
  double lower = x[0];
  for (size_t i = 1; i < n / 2; i++)
    if (x[i] > lower)
      lower = x[i];
  return 0.5 * (lower + upper);
}

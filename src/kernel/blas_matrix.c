/* The optimised BLAS's thread count, set once per process. */
#include "blas_matrix.h"

/* Weak, so that a build against another BLAS (reference BLAS, BLIS: single-threaded as linked)
 * still links; the results file's provenance names the BLAS either way. */
void openblas_set_num_threads(int num_threads) __attribute__((weak));

void blas_single_thread(void) {
  if (openblas_set_num_threads)
    openblas_set_num_threads(1);
}

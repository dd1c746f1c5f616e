/* Optimised copies of the serial N_Vector operations CVODE and SPGMR spend their time in. */
#ifndef SGEMA_CVODE_VECTOR_H
#define SGEMA_CVODE_VECTOR_H

#include <nvector/nvector_serial.h>

/* Why: Debian's SUNDIALS 6.4 library is built without optimisation (-O0: every element goes
 * through the stack, about 20 instructions per element of a dot product), and on the large-state
 * path these loops were about a third of a trial. Each operation here computes every element with
 * the same expression, and every sum in the same order, as nvector_serial.c of SUNDIALS 6.4, so
 * the results are the same bits (tests/test_krylov.c compares them with the library's own
 * operations); only the machine code differs (optimised, vectorised where no sum is reordered).
 *
 * Installs them in v's operation table; vectors cloned from v afterwards inherit them, so call it
 * on the template vector before CVODE and the linear solver clone it. */
void cvode_vector_install(N_Vector v);

#endif

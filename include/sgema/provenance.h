/* What decides a trial's bits beyond its inputs and the program's source: the numerical libraries,
 * the BLAS kernel chosen at run time, the CPU and the compiler (docs/NUMERICS.md, "Bitwise
 * reproducibility"). No MPI or HDF5 here: the writer adds theirs (sgema_output_numerics). */
#ifndef SGEMA_PROVENANCE_H
#define SGEMA_PROVENANCE_H

#include <stddef.h>

/* The kernel's part of the results file's `numerics` attribute (docs/FORMAT.md) into buf (size
 * bytes, cut short if it does not fit): one "key: value" line each, in this order:
 *   blas          the BLAS library (OpenBLAS's build configuration, or "unknown: not OpenBLAS")
 *   blas_core     the CPU kernel OpenBLAS chose at run time ("unknown" when not OpenBLAS)
 *   blas_threads  OpenBLAS's threads per process (the kernel keeps it at 1)
 *   lapack        LAPACK's version (ilaver)
 *   sundials      SUNDIALS' version
 *   arpack        ARPACK-ng's version when the program was built
 *   gsl           GSL's version
 *   libc          the C library's version (its libm picks FMA variants of exp, log at run time)
 *   cpu           /proc/cpuinfo's model name of this process's CPU
 *   cpu_features  which of fma, avx2, avx512f the CPU has (what the libraries' run-time choices
 *                 depend on)
 *   compiler      the compiler that built the kernel
 * OpenBLAS is first set to one thread, as every classifier does, so the threads reported are the
 * ones trials run with. Returns the length written. */
size_t sgema_provenance_numerics(char *buf, size_t size);

#endif

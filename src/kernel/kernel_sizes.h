/* The (m, n) of the sweeps' large states, for which hot loops get compile-time-size copies. */
#ifndef SGEMA_KERNEL_SIZES_H
#define SGEMA_KERNEL_SIZES_H

/* X(m, n) for each size of experiments/sweep-m.yaml from m = 3 on, whose states (SG or EMA) take
 * the matrix-free path: the field's table (field.c) and the preconditioner's solves
 * (integrate/integrate_cvode.c) both expand it. */
#define SGEMA_LARGE_STATE_SIZES(X) X(3, 4) X(3, 6) X(4, 5) X(4, 8) X(6, 7) X(6, 12) X(8, 9) X(8, 16)

/* From this m on (past the sizes above: experiments/sweep-m-large.yaml) the field, its directional
 * derivative and the preconditioner's solves multiply through the optimised BLAS (blas_matrix.h):
 * 3 to 6 times the loops' speed at m = 12 to 64 (build/sgema-products-bench), at the price of bits
 * that depend on the CPU's BLAS kernel. */
#define SGEMA_BLAS_MIN_M 10

#endif

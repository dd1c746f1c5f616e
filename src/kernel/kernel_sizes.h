/* The (m, n) of the sweeps' large states, for which hot loops get compile-time-size copies. */
#ifndef SGEMA_KERNEL_SIZES_H
#define SGEMA_KERNEL_SIZES_H

/* X(m, n) for each size of experiments/sweep-m.yaml with m = 3 or 4, whose states (SG or EMA) take
 * the matrix-free path: the field's table (field.c) and the preconditioner's solves
 * (integrate/integrate_cvode.c) both expand it. Larger m goes through the BLAS (below). */
#define SGEMA_LARGE_STATE_SIZES(X) X(3, 4) X(3, 6) X(4, 5) X(4, 8)

/* From this m on the field, its directional derivative, the preconditioner's solves and the orbit
 * projector multiply through the optimised BLAS (blas_matrix.h), at the price of bits that depend
 * on the CPU's BLAS kernel. Measured (s23, sgema-bench, the same trials side by side): m = 4 SG
 * 0.95 times the fixed-size loops' trials/s, m = 5 2.3 times the loops, m = 6 1.65-2.2 times and
 * m = 8 1.9-2.2 times the fixed-size loops; the products alone: build/sgema-products-bench. */
#define SGEMA_BLAS_MIN_M 5

#endif

/* SGEMA_CLONES: compile a hot function for AVX2 besides the baseline, chosen at load time. */
#ifndef SGEMA_SIMD_CLONES_H
#define SGEMA_SIMD_CLONES_H

/* Why this keeps results the same bits on every x86-64 CPU: the AVX2 copy runs the same
 * operations on each element, only on wider vectors, and -ffp-contract=off (CMakeLists.txt) rules
 * out fused multiply-adds; nothing is reassociated without -ffast-math. GCC's target_clones only.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SGEMA_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SGEMA_CLONES
#endif

#endif

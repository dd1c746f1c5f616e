/* Counter-based random streams: a trial's randomness is a pure function of (seed, run, trial,
 * stream). */
#ifndef SGEMA_RNG_H
#define SGEMA_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* Streams of one trial, so that its statistics and its initial state are drawn independently
 * (conditioning on Delta >= 0 changes how many statistics draws are made, never the initial state).
 */
typedef enum {
  SGEMA_STREAM_STATISTICS = 0,
  SGEMA_STREAM_INITIAL = 1,
  SGEMA_STREAM_CENSUS = 2 /* the homotopy's gamma and patch (src/kernel/census) */
} sgema_stream;

/* A gsl_rng backed by Random123's Philox4x32-10 (through Random123's gsl_microrng adapter), so that
 * every GSL distribution function can draw from it. */
gsl_rng *sgema_rng_alloc(void);
void sgema_rng_free(gsl_rng *r);

/* Positions r at the start of the stream (seed, run, trial, stream). A stream holds 2^34 draws of
 * 32 bits. */
void sgema_rng_seek(gsl_rng *r, uint64_t seed, uint32_t run, uint32_t trial, sgema_stream stream);

#endif

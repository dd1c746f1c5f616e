/* Philox4x32-10 streams addressed by (seed, run, trial, stream), exposed as a gsl_rng. */
#include "sgema/rng.h"

#include <Random123/gsl_microrng.h>
#include <Random123/philox.h>

/* Defines gsl_rng_sgema_philox and sgema_philox_reset(rng, ctr, key). The adapter counts draws in
 * the counter's last word, which sgema_rng_seek therefore leaves at zero. */
GSL_MICRORNG(sgema_philox, philox4x32);

gsl_rng *sgema_rng_alloc(void) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_sgema_philox);
  if (r)
    sgema_rng_seek(r, 0, 0, 0, SGEMA_STREAM_STATISTICS);
  return r;
}

void sgema_rng_free(gsl_rng *r) {
  gsl_rng_free(r);
}

void sgema_rng_seek(gsl_rng *r, uint64_t seed, uint32_t run, uint32_t trial, sgema_stream stream) {
  philox4x32_ctr_t c = {{run, trial, (uint32_t)stream, 0}};
  philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
  sgema_philox_reset(r, c, k);
}

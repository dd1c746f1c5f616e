/* Reading back: a run's done flags and classes, for a resumed run and the summary. */
#define _POSIX_C_SOURCE 200809L

#include "output_impl.h"

#include <stdlib.h>

/* Every rank reads the whole of a run's uint8 dataset, collectively. */
static int read_all_u8(sgema_output *o, hid_t dset, hid_t mtype, uint8_t *out) {
  herr_t st = H5Dread(dset, mtype, H5S_ALL, H5S_ALL, o->xfer_coll, out);
  return st < 0 ? SGEMA_EIO : SGEMA_OK;
}

int sgema_output_done(sgema_output *o, size_t run, uint8_t *done) {
  if (!o || run >= o->nruns || !done)
    return SGEMA_EINVAL;
  const run_out *r = &o->runs[run];
  int st = read_all_u8(o, r->done, H5T_NATIVE_UINT8, done);
  for (uint32_t k = 0; st == SGEMA_OK && r->redo && k < r->trials; k++)
    if (r->redo[k])
      done[k] = 0;
  return st;
}

int sgema_output_classes(sgema_output *o, size_t run, uint8_t *cls) {
  if (!o || run >= o->nruns || !cls)
    return SGEMA_EINVAL;
  run_out *r = &o->runs[run];
  uint8_t *done = malloc(r->trials);
  /* Both reads happen on every rank even when this one is out of memory, since they are
   * collective: the done flags then land in cls, and the status says so. */
  int st = read_all_u8(o, r->dset[RF_COL_CLASS], o->enums[ENUM_CLASS], cls);
  int st2 = read_all_u8(o, r->done, H5T_NATIVE_UINT8, done ? done : cls);
  if (!done)
    st2 = SGEMA_ENOMEM;
  if (st == SGEMA_OK)
    st = st2;
  /* A row whose data was written but whose flush was cut short before its done flag is undone. */
  if (st == SGEMA_OK)
    for (uint32_t k = 0; k < r->trials; k++)
      if (!done[k])
        cls[k] = RF_UNDONE;
  free(done);
  return st;
}

/* Opening a results file: a new one created, or one being resumed reopened (sgema_output_open). It
 * sits above output_create.c and output_resume.c, which know nothing of each other's caller. */
#define _POSIX_C_SOURCE 200809L

#include "output_impl.h"

#include <errno.h>
#include <unistd.h>

int sgema_output_open(sgema_output **out, MPI_Comm comm, const sgema_experiment *e,
                      const sgema_output_info *info, sgema_diagnostics *diag) {
  if (!out || !e || !info || !info->path)
    return SGEMA_EINVAL;
  *out = NULL;
  const char *path = info->path;
  sgema_output *o = NULL;
  int st = output_alloc(&o, e, path);
  if (st != SGEMA_OK)
    return st;
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  const char *failed = output_types(o, fapl, comm);
  if (!failed)
    failed = info->resume ? output_reopen(o, e, path, fapl, info, diag)
                          : output_create_file(o, e, info, fapl, diag);
  /* The new file's metadata on disk before any raw data: from here on only raw data is written. */
  if (!failed && H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0)
    failed = "flushing the new file";
  if (!failed && !info->resume)
    sgema_output_test_die(4);
  if (fapl >= 0)
    H5Pclose(fapl);
  if (failed) {
    if (failed[0])
      output_h5_diag(diag, &o->err, path, failed);
    /* A file this call created but could not finish holds nothing: emptied first, so that the
     * close's metadata writes find room on a full disk (a close that fails leaves HDF5 1.10 with a
     * file it crashes on at exit), then removed (every rank tries; all but one find it gone). */
    int created = !info->resume && o->file >= 0;
    if (created && truncate(path, 0) != 0)
      created = errno != ENOENT;
    output_free(o);
    if (created)
      unlink(path);
    return SGEMA_EIO;
  }
  *out = o;
  return SGEMA_OK;
}

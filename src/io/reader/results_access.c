/* Handles of a results file opened by results_open: a run's group, its datasets and their shapes,
 * the memory types rows are read as, and closing, so that readers above the io layer need no HDF5
 * of their own. */
#define _POSIX_C_SOURCE 200809L
#include "results_read.h"

#include "results_format.h"

#include <hdf5.h>
#include <stdio.h>

long long results_mem_type(results_mem m) {
  switch (m) {
  case RESULTS_MEM_U8:
    return H5T_NATIVE_UINT8;
  case RESULTS_MEM_I8:
    return H5T_NATIVE_INT8;
  case RESULTS_MEM_I32:
    return H5T_NATIVE_INT32;
  case RESULTS_MEM_I64:
    return H5T_NATIVE_INT64;
  default:
    return H5T_NATIVE_DOUBLE;
  }
}

long long results_group_open(const results_file *f, const char *run) {
  char path[600];
  snprintf(path, sizeof path, RF_RUNS_PATH "/%s", run);
  return H5Gopen2((hid_t)f->hid, path, H5P_DEFAULT);
}

long long results_dataset_open(long long loc, const char *path, int no_cache) {
  if (!no_cache)
    return H5Dopen2((hid_t)loc, path, H5P_DEFAULT);
  hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
  if (dapl < 0)
    return -1;
  H5Pset_chunk_cache(dapl, H5D_CHUNK_CACHE_NSLOTS_DEFAULT, 0, H5D_CHUNK_CACHE_W0_DEFAULT);
  hid_t ds = H5Dopen2((hid_t)loc, path, dapl);
  H5Pclose(dapl);
  return ds;
}

int results_dataset_dims(long long ds, uint64_t dims[3]) {
  hid_t sp = H5Dget_space((hid_t)ds);
  hsize_t d[3] = {0, 0, 0};
  int nd = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
  if (nd >= 1 && nd <= 3 && H5Sget_simple_extent_dims(sp, d, NULL) != nd)
    nd = -1;
  if (sp >= 0)
    H5Sclose(sp);
  for (int i = 0; i < 3; i++)
    dims[i] = d[i];
  return nd;
}

void results_handle_close(long long h) {
  if (h < 0)
    return;
  switch (H5Iget_type((hid_t)h)) {
  case H5I_GROUP:
    H5Gclose((hid_t)h);
    break;
  case H5I_DATASET:
    H5Dclose((hid_t)h);
    break;
  case H5I_DATATYPE:
    H5Tclose((hid_t)h);
    break;
  default:
    break;
  }
}

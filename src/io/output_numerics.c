/* The results file's `numerics` attribute: the kernel's facts plus the HDF5 and MPI libraries. */
#define _POSIX_C_SOURCE 200809L

#include "output_impl.h"
#include "sgema/provenance.h"

#include <stdio.h>
#include <string.h>

size_t sgema_output_numerics(char *buf, size_t size) {
  if (!buf || size == 0)
    return 0;
  size_t len = sgema_provenance_numerics(buf, size);
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  /* A local query of the library (no communication): its first line names it and its version. */
  char mpi[MPI_MAX_LIBRARY_VERSION_STRING];
  int mlen = 0;
  if (MPI_Get_library_version(mpi, &mlen) != MPI_SUCCESS)
    snprintf(mpi, sizeof mpi, "unknown");
  mpi[strcspn(mpi, "\n")] = '\0';
  int n = snprintf(buf + len, size - len, "hdf5: %u.%u.%u\nmpi: %s\n", major, minor, release, mpi);
  if (n > 0)
    len += (size_t)n < size - len ? (size_t)n : size - len - 1;
  return len;
}

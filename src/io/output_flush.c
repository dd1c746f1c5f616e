/* Flushing: every rank's staged rows written collectively, then their done flags. */
#define _POSIX_C_SOURCE 200809L

#include "output_impl.h"

#include <stdlib.h>
#include <string.h>

static int grow(void **p, size_t *cap, size_t need) {
  if (need <= *cap)
    return 0;
  void *q = realloc(*p, need);
  if (!q)
    return -1;
  *p = q;
  *cap = need;
  return 0;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Selects in space (rank 1 to 3, the run's trials first) the rows of the sorted trials, each
 * contiguous block as one hyperslab; or nothing when there are none. */
static int select_rows(hid_t space, const uint64_t *order, size_t count) {
  if (count == 0)
    return H5Sselect_none(space) < 0 ? -1 : 0;
  hsize_t dims[3];
  int rank = H5Sget_simple_extent_dims(space, dims, NULL);
  if (rank < 1)
    return -1;
  hsize_t start[3] = {0, 0, 0}, block[3], ones[3] = {1, 1, 1};
  for (int i = 1; i < rank; i++)
    block[i] = dims[i];
  H5S_seloper_t op = H5S_SELECT_SET;
  for (size_t i = 0; i < count;) {
    size_t j = i + 1;
    while (j < count && (order[j] >> 32) == (order[j - 1] >> 32) + 1)
      j++;
    start[0] = order[i] >> 32;
    block[0] = j - i;
    if (H5Sselect_hyperslab(space, op, start, NULL, ones, block) < 0)
      return -1;
    op = H5S_SELECT_OR;
    i = j;
  }
  return 0;
}

/* One collective write of a staged column: every rank its sorted rows (possibly none). */
static int write_rows(sgema_output *o, hid_t dset, hid_t mtype, const uint64_t *order, size_t count,
                      const void *mem) {
  hid_t fspace = H5Dget_space(dset);
  if (fspace < 0)
    return -1;
  hsize_t dims[3];
  int rank = H5Sget_simple_extent_dims(fspace, dims, NULL);
  dims[0] = count ? count : 1;
  hid_t mspace = rank < 1 ? -1 : H5Screate_simple(rank, dims, NULL);
  int st = -1;
  if (mspace >= 0 && select_rows(fspace, order, count) == 0 &&
      (count || H5Sselect_none(mspace) >= 0))
    st = H5Dwrite(dset, mtype, mspace, fspace, o->xfer_coll, mem) < 0 ? -1 : 0;
  if (mspace >= 0)
    H5Sclose(mspace);
  H5Sclose(fspace);
  return st;
}

/* Writes the first `rows` rows of a trajectory dataset (independent: only its owner writes). */
static int write_prefix(sgema_output *o, hid_t dset, size_t rows, const double *mem) {
  hid_t fspace = H5Dget_space(dset);
  if (fspace < 0)
    return -1;
  hsize_t dims[2];
  int rank = H5Sget_simple_extent_dims(fspace, dims, NULL);
  hsize_t start[2] = {0, 0};
  dims[0] = rows;
  hid_t mspace = rank < 1 ? -1 : H5Screate_simple(rank, dims, NULL);
  int st = -1;
  if (mspace >= 0 && H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, dims, NULL) >= 0)
    st = H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, fspace, o->xfer_indep, mem) < 0 ? -1 : 0;
  if (mspace >= 0)
    H5Sclose(mspace);
  H5Sclose(fspace);
  return st;
}

static int traj_write(sgema_output *o, const run_out *r, traj_out *t) {
  size_t P = r->points, N = r->N, c = t->points;
  const double *tt = t->buf, *st = tt + P, *eb = st + P * N, *fb = eb + P;
  int bad = 0;
  if (c > 0)
    bad = write_prefix(o, t->t, c, tt) < 0 || write_prefix(o, t->state, c, st) < 0 ||
          write_prefix(o, t->ebar, c, eb) < 0 || write_prefix(o, t->fbar, c, fb) < 0;
  int64_t count = (int64_t)c;
  if (!bad && H5Dwrite(t->count, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, o->xfer_indep, &count) < 0)
    bad = 1;
  return bad ? -1 : 0;
}

/* Sorts run r's staged rows by trial into o->order (trial << 32 | slot). */
static int run_order(sgema_output *o, const run_out *r) {
  size_t cap = o->order_cap * sizeof *o->order;
  if (grow((void **)&o->order, &cap, r->staged * sizeof *o->order) < 0)
    return -1;
  o->order_cap = cap / sizeof *o->order;
  for (size_t i = 0; i < r->staged; i++)
    o->order[i] = (uint64_t)r->trial[i] << 32 | i;
  if (r->staged > 1) /* qsort's array must not be NULL, even for 0 rows (UBSan) */
    qsort(o->order, r->staged, sizeof *o->order, cmp_u64);
  return 0;
}

/* Run r's data: its trajectories, then every column in table order. A local failure (out of
 * memory) still takes part in every collective write, with no rows, so that no rank is left
 * waiting; the status reports it. */
static int run_flush_data(sgema_output *o, run_out *r) {
  int bad = 0;
  for (size_t k = 0; k < r->traj_count; k++)
    if (r->traj[k].staged && traj_write(o, r, &r->traj[k]) < 0)
      bad = 1;
  size_t need = 0;
  for (int c = 0; c < RF_COL_COUNT; c++)
    if (r->staged * r->row_bytes[c] > need)
      need = r->staged * r->row_bytes[c];
  size_t count = r->staged;
  if (run_order(o, r) < 0 || grow((void **)&o->scratch, &o->scratch_cap, need) < 0) {
    bad = 1;
    count = 0;
  }
  for (int c = 0; c < RF_COL_COUNT; c++) {
    size_t rb = r->row_bytes[c];
    if (rb == 0) /* not a dataset of this kind of run */
      continue;
    for (size_t i = 0; i < count; i++)
      memcpy(o->scratch + i * rb, r->buf[c] + (o->order[i] & 0xffffffffu) * rb, rb);
    if (write_rows(o, r->dset[c], output_mem_type(o, rf_column_info((rf_col)c)->type), o->order,
                   count, o->scratch) < 0)
      bad = 1;
  }
  return bad ? -1 : (int)count;
}

int sgema_output_flush(sgema_output *o) {
  if (!o)
    return SGEMA_EINVAL;
  output_err_reset(&o->err);
  int bad = 0;
  size_t *written = calloc(o->nruns ? o->nruns : 1, sizeof *written);
  for (size_t i = 0; i < o->nruns; i++) {
    int n = run_flush_data(o, &o->runs[i]);
    if (n < 0)
      bad = 1;
    if (written)
      written[i] = n > 0 ? (size_t)n : 0;
  }
  if (!written)
    bad = 1;
  /* The data reaches the file before any of its done flags, so that a kill between the two
   * never marks a row done whose data is missing; and a rank whose data did not reach it (a full
   * disk) marks none of its rows done (it still takes part in the collective writes). */
  if (H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0)
    bad = 1;
  int data_bad = bad;
  for (size_t i = 0; i < o->nruns; i++) {
    run_out *r = &o->runs[i];
    size_t count = written && !data_bad ? written[i] : 0;
    /* o->order no longer holds this run's rows: sort again (cheap next to the I/O). */
    if (count && run_order(o, r) < 0)
      count = 0, bad = 1;
    if (count && grow((void **)&o->scratch, &o->scratch_cap, count) < 0)
      count = 0, bad = 1;
    if (count)
      memset(o->scratch, 1, count);
    if (write_rows(o, r->done, H5T_NATIVE_UINT8, o->order, count, o->scratch) < 0)
      bad = 1;
  }
  if (H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0)
    bad = 1;
  free(written);
  for (size_t i = 0; i < o->nruns; i++) {
    run_out *r = &o->runs[i];
    for (size_t k = 0; k < r->staged; k++)
      r->is_staged[r->trial[k]] = 0;
    r->staged = 0;
    for (size_t k = 0; k < r->traj_count; k++)
      r->traj[k].staged = 0;
  }
  if (bad) {
    /* Unclean: HDF5's view of the file may now differ between processes. */
    output_failed(o, "writing results", 1);
  }
  return bad ? SGEMA_EIO : SGEMA_OK;
}

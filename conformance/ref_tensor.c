/* ref_tensor.c - dense tensors of the fp64 reference. */
#include "ref_tensor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref_dtype.h"

uint64_t ref_shape_count(const ref_shape_t *shape) {
  uint64_t n = 1;
  for (uint32_t d = 0; d < shape->rank; d++) n *= (uint64_t)shape->dims[d];
  return n;
}

int ref_shape_equal(const ref_shape_t *a, const ref_shape_t *b) {
  if (a->rank != b->rank) return 0;
  for (uint32_t d = 0; d < a->rank; d++)
    if (a->dims[d] != b->dims[d]) return 0;
  return 1;
}

void ref_shape_format(char *out, size_t out_size, const ref_shape_t *shape) {
  if (shape->rank == 0) {
    snprintf(out, out_size, "scalar");
    return;
  }
  size_t used = 0;
  out[0] = '\0';
  for (uint32_t d = 0; d < shape->rank && used < out_size; d++) {
    int n = snprintf(out + used, out_size - used, "%s%lld", d ? "x" : "",
                     (long long)shape->dims[d]);
    if (n < 0) break;
    used += (size_t)n;
  }
}

int ref_tensor_init(ref_tensor_t *t, xhal_dtype_t dtype, const ref_shape_t *shape, int raw,
                    int with_scale) {
  memset(t, 0, sizeof *t);
  t->dtype = dtype;
  t->shape = *shape;
  t->count = ref_shape_count(shape);
  t->raw = raw;
  size_t n = t->count ? (size_t)t->count : 1;
  if (!raw && ref_dtype_is_float(dtype))
    t->f = calloc(n, sizeof *t->f);
  else
    t->i = calloc(n, sizeof *t->i);
  if (t->f == NULL && t->i == NULL) return -1;
  if (with_scale) {
    t->scale = calloc(n, sizeof *t->scale);
    if (t->scale == NULL) {
      ref_tensor_deinit(t);
      return -1;
    }
  }
  return 0;
}

void ref_tensor_deinit(ref_tensor_t *t) {
  if (t == NULL) return;
  free(t->f);
  free(t->i);
  free(t->scale);
  t->f = NULL;
  t->i = NULL;
  t->scale = NULL;
}

int ref_tensor_is_float(const ref_tensor_t *t) { return t->f != NULL; }

void ref_unravel(uint64_t flat, const ref_shape_t *shape, int64_t *coords) {
  for (uint32_t d = shape->rank; d-- > 0;) {
    uint64_t dim = (uint64_t)shape->dims[d];
    coords[d] = dim ? (int64_t)(flat % dim) : 0;
    flat = dim ? flat / dim : 0;
  }
}

uint64_t ref_ravel(const int64_t *coords, const ref_shape_t *shape) {
  uint64_t flat = 0;
  for (uint32_t d = 0; d < shape->rank; d++)
    flat = flat * (uint64_t)shape->dims[d] + (uint64_t)coords[d];
  return flat;
}

int ref_next_coords(int64_t *coords, const ref_shape_t *shape) {
  for (uint32_t d = shape->rank; d-- > 0;) {
    if (++coords[d] < shape->dims[d]) return 1;
    coords[d] = 0;
  }
  return 0;
}

void ref_coords_format(char *out, size_t out_size, const int64_t *coords, uint32_t rank) {
  size_t used = 0;
  int n = snprintf(out, out_size, "(");
  used = n > 0 ? (size_t)n : 0;
  for (uint32_t d = 0; d < rank && used < out_size; d++) {
    n = snprintf(out + used, out_size - used, "%s%lld", d ? "," : "", (long long)coords[d]);
    if (n < 0) return;
    used += (size_t)n;
  }
  if (used < out_size) snprintf(out + used, out_size - used, ")");
}

int ref_broadcast_shape(const ref_shape_t *a, const ref_shape_t *b, ref_shape_t *out) {
  ref_shape_t r;
  r.rank = a->rank > b->rank ? a->rank : b->rank;
  for (uint32_t k = 0; k < r.rank; k++) {
    /* k counts from the right */
    int64_t da = k < a->rank ? a->dims[a->rank - 1 - k] : 1;
    int64_t db = k < b->rank ? b->dims[b->rank - 1 - k] : 1;
    int64_t d;
    if (da == db)
      d = da;
    else if (da == 1)
      d = db;
    else if (db == 1)
      d = da;
    else
      return -1;
    r.dims[r.rank - 1 - k] = d;
  }
  *out = r;
  return 0;
}

uint64_t ref_broadcast_source(const ref_shape_t *src, const int64_t *out_coords,
                              uint32_t out_rank) {
  uint64_t flat = 0;
  uint32_t lead = out_rank - src->rank;
  for (uint32_t d = 0; d < src->rank; d++) {
    int64_t c = src->dims[d] == 1 ? 0 : out_coords[lead + d];
    flat = flat * (uint64_t)src->dims[d] + (uint64_t)c;
  }
  return flat;
}

int64_t ref_normalize_axis(int64_t axis, uint32_t rank) {
  int64_t r = (int64_t)rank;
  if (axis < -r || axis >= r) return -1;
  return axis < 0 ? axis + r : axis;
}

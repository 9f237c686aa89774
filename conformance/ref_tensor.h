/*
 * ref_tensor.h - dense row-major N-d tensors of the fp64 reference.
 *
 * A reference tensor holds logical values only (no strides): doubles for
 * float dtypes (exact inputs, unrounded fp64 results), int64_t for integer
 * dtypes, raw bit patterns (in `i`) for dtypes that are only copied.
 * Reduction-class results also carry, per element, the sum of the absolute
 * values of the terms that produced it (`scale`) and the reduction length K,
 * which the tolerance table turns into an error bound.
 */
#ifndef XHAL_CONF_REF_TENSOR_H
#define XHAL_CONF_REF_TENSOR_H

#include <stddef.h>
#include <stdint.h>
#include <xhal/xhal_types.h>

typedef struct ref_shape {
  uint32_t rank;
  int64_t dims[XHAL_MAX_RANK];
} ref_shape_t;

typedef struct ref_tensor {
  xhal_dtype_t dtype;
  ref_shape_t shape;
  uint64_t count;   /* product of dims (1 for rank 0) */
  int raw;          /* 1: values are raw bit patterns in i (Copy) */
  double *f;        /* float dtypes: count values */
  int64_t *i;       /* integer dtypes and raw: count values */
  double *scale;    /* [optional] sum of |terms| per element */
  double reduction_length; /* K of the reduction that produced the values */
} ref_tensor_t;

uint64_t ref_shape_count(const ref_shape_t *shape);
int ref_shape_equal(const ref_shape_t *a, const ref_shape_t *b);
/* "2x3x4", "scalar" for rank 0. */
void ref_shape_format(char *out, size_t out_size, const ref_shape_t *shape);

/* Allocates storage for shape (values zeroed). raw: store bit patterns.
 * with_scale: also allocate scale. Returns 0, or -1 when out of
 * memory (t is then left empty and safe to deinit). */
int ref_tensor_init(ref_tensor_t *t, xhal_dtype_t dtype, const ref_shape_t *shape, int raw,
                    int with_scale);
void ref_tensor_deinit(ref_tensor_t *t);
int ref_tensor_is_float(const ref_tensor_t *t); /* values in f */

/* Row-major flat index <-> coordinates. */
void ref_unravel(uint64_t flat, const ref_shape_t *shape, int64_t *coords);
uint64_t ref_ravel(const int64_t *coords, const ref_shape_t *shape);
/* Advances coords in row-major order; returns 0 after the last element. */
int ref_next_coords(int64_t *coords, const ref_shape_t *shape);
/* "(0,3,2)", "()" for rank 0. */
void ref_coords_format(char *out, size_t out_size, const int64_t *coords, uint32_t rank);

/* numpy multidirectional broadcast of a and b. Returns 0, or -1 when the
 * shapes are incompatible. */
int ref_broadcast_shape(const ref_shape_t *a, const ref_shape_t *b, ref_shape_t *out);
/* Flat index in src of the element that broadcasts to out_coords of a tensor
 * of rank out_rank (src's dims are right-aligned; size-1 dims repeat). */
uint64_t ref_broadcast_source(const ref_shape_t *src, const int64_t *out_coords,
                              uint32_t out_rank);

/* Normalises an axis in [-rank, rank-1] to [0, rank-1]; -1 if out of range. */
int64_t ref_normalize_axis(int64_t axis, uint32_t rank);

#endif

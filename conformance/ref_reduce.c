/*
 * ref_reduce.c - reference of ReduceSum, ReduceMean, ReduceMax, ReduceMin,
 * ReduceProd and Softmax.
 *
 * ReduceSum / ReduceMean: `axes` is an attribute for both ops (ONNX
 * ReduceMean-13 style), `keepdims` defaults to 1, `noop_with_empty_axes` to
 * 0; empty axes reduce everything unless noop_with_empty_axes = 1, which
 * makes the op an identity. A float sum over zero elements is 0 and a float
 * mean over zero elements is NaN (0/0). Integer sums wrap; the integer mean
 * is the wrapped sum divided by the count, truncated toward zero.
 *
 * ReduceMax / ReduceMin / ReduceProd: the same axes rules. Max/Min are
 * IEEE 754-2019 maximum/minimum: a NaN among the terms gives NaN, and +0 is
 * greater than -0. Over zero elements (ONNX 18 defines it) Max gives -Inf,
 * or the dtype's minimum for integers, Min +Inf or the maximum; Prod gives
 * 1. Integer products wrap. Max/Min are exact; a float product carries the
 * scale sqrt(K) * |product|, so the tolerance table's bound becomes
 * k * K * u * |product| (one rounding per factor).
 *
 * Softmax (opset 13): along one axis (default -1),
 * y = exp(x - max) / sum(exp(x - max)); a NaN anywhere in a slice makes the
 * whole slice NaN, -Inf entries give 0.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref_dtype.h"
#include "ref_ops.h"

/* Marks reduced dims in mask; returns 0, or -1 with a message. */
static int ref_reduce_mask(const ref_shape_t *x, const ref_attrs_t *attrs, int *mask,
                           int *identity, char *err, size_t err_size) {
  memset(mask, 0, sizeof(int) * XHAL_MAX_RANK);
  *identity = 0;
  if (attrs->keepdims != 0 && attrs->keepdims != 1) {
    snprintf(err, err_size, "keepdims must be 0 or 1, got %lld", (long long)attrs->keepdims);
    return -1;
  }
  if (attrs->noop_with_empty_axes != 0 && attrs->noop_with_empty_axes != 1) {
    snprintf(err, err_size, "noop_with_empty_axes must be 0 or 1, got %lld",
             (long long)attrs->noop_with_empty_axes);
    return -1;
  }
  uint32_t count = attrs->has_axes ? attrs->axes_count : 0;
  if (count > x->rank) {
    snprintf(err, err_size, "%u axes for a rank-%u input", count, x->rank);
    return -1;
  }
  for (uint32_t k = 0; k < count; k++) {
    int64_t axis = ref_normalize_axis(attrs->axes[k], x->rank);
    if (axis < 0) {
      snprintf(err, err_size, "axis %lld out of range for rank %u", (long long)attrs->axes[k],
               x->rank);
      return -1;
    }
    if (mask[axis]) {
      snprintf(err, err_size, "axis %lld repeated", (long long)attrs->axes[k]);
      return -1;
    }
    mask[axis] = 1;
  }
  if (count == 0) {
    if (attrs->noop_with_empty_axes)
      *identity = 1;
    else
      for (uint32_t d = 0; d < x->rank; d++) mask[d] = 1;
  }
  return 0;
}

int ref_reduce_infer(const ref_shape_t *x, const ref_attrs_t *attrs, ref_shape_t *out,
                     char *err, size_t err_size) {
  int mask[XHAL_MAX_RANK];
  int identity = 0;
  if (ref_reduce_mask(x, attrs, mask, &identity, err, err_size) != 0) return -1;
  if (identity) {
    *out = *x;
    return 0;
  }
  out->rank = 0;
  for (uint32_t d = 0; d < x->rank; d++) {
    if (!mask[d])
      out->dims[out->rank++] = x->dims[d];
    else if (attrs->keepdims)
      out->dims[out->rank++] = 1;
  }
  return 0;
}

/* IEEE 754-2019 maximum (sign 1) / minimum (sign -1): NaN wins, +0 > -0. */
static double ref_extreme(double a, double v, int sign) {
  if (isnan(a) || isnan(v)) return NAN;
  if (a == v) {
    if (a != 0.0) return a;
    return (sign > 0) == (signbit(a) != 0) ? v : a; /* max keeps +0, min keeps -0 */
  }
  return (sign > 0) == (v > a) ? v : a;
}

static int ref_reduce_extreme(xhal_op_t op, const ref_tensor_t *x, const int *mask,
                              const ref_shape_t *kept, uint64_t reduced, ref_tensor_t *out,
                              char *err, size_t err_size) {
  (void)err;
  (void)err_size;
  const int is_float = ref_tensor_is_float(x);
  const int i32 = x->dtype == XHAL_DTYPE_I32, u8 = x->dtype == XHAL_DTYPE_U8;
  uint64_t *prod = calloc(out->count ? out->count : 1, sizeof *prod);
  if (prod == NULL) {
    snprintf(err, err_size, "out of host memory");
    return -1;
  }
  for (uint64_t o = 0; o < out->count; o++) {
    if (op == XHAL_OP_REDUCE_PROD) {
      if (is_float) out->f[o] = 1.0;
      prod[o] = 1;
    } else if (is_float) {
      out->f[o] = op == XHAL_OP_REDUCE_MAX ? -INFINITY : INFINITY;
    } else if (op == XHAL_OP_REDUCE_MAX) {
      out->i[o] = u8 ? 0 : i32 ? INT32_MIN : INT64_MIN;
    } else {
      out->i[o] = u8 ? UINT8_MAX : i32 ? INT32_MAX : INT64_MAX;
    }
  }
  out->reduction_length = (double)reduced;
  int64_t coords[XHAL_MAX_RANK] = {0};
  int64_t oc[XHAL_MAX_RANK];
  const int sign = op == XHAL_OP_REDUCE_MAX ? 1 : -1;
  for (uint64_t n = 0; n < x->count; n++) {
    for (uint32_t d = 0; d < x->shape.rank; d++) oc[d] = mask[d] ? 0 : coords[d];
    uint64_t o = ref_ravel(oc, kept);
    if (op == XHAL_OP_REDUCE_PROD) {
      if (is_float)
        out->f[o] *= x->f[n];
      else
        prod[o] *= (uint64_t)x->i[n];
    } else if (is_float) {
      out->f[o] = ref_extreme(out->f[o], x->f[n], sign);
    } else if ((sign > 0) == (x->i[n] > out->i[o]) && x->i[n] != out->i[o]) {
      out->i[o] = x->i[n];
    }
    ref_next_coords(coords, &x->shape);
  }
  for (uint64_t o = 0; o < out->count; o++) {
    if (op != XHAL_OP_REDUCE_PROD) continue;
    if (is_float)
      out->scale[o] = sqrt((double)reduced) * fabs(out->f[o]);
    else
      out->i[o] = ref_wrap(out->dtype, prod[o]);
  }
  free(prod);
  return 0;
}

int ref_reduce_compute(xhal_op_t op, const ref_tensor_t *x, const ref_attrs_t *attrs,
                       ref_tensor_t *out, char *err, size_t err_size) {
  int mask[XHAL_MAX_RANK];
  int identity = 0;
  if (ref_reduce_mask(&x->shape, attrs, mask, &identity, err, err_size) != 0) return -1;
  int is_float = ref_tensor_is_float(x);
  if (identity) {
    for (uint64_t n = 0; n < x->count; n++) {
      if (is_float) {
        out->f[n] = x->f[n];
        out->scale[n] = fabs(x->f[n]);
      } else {
        out->i[n] = x->i[n];
      }
    }
    out->reduction_length = 1.0;
    return 0;
  }
  /* The reduced shape with keepdims, so an input coordinate maps to an
   * output index by zeroing its reduced dims. */
  ref_shape_t kept = x->shape;
  uint64_t reduced = 1;
  for (uint32_t d = 0; d < x->shape.rank; d++) {
    if (mask[d]) {
      kept.dims[d] = 1;
      reduced *= (uint64_t)x->shape.dims[d];
    }
  }
  if (op == XHAL_OP_REDUCE_MAX || op == XHAL_OP_REDUCE_MIN || op == XHAL_OP_REDUCE_PROD)
    return ref_reduce_extreme(op, x, mask, &kept, reduced, out, err, err_size);
  if (!is_float && op == XHAL_OP_REDUCE_MEAN && reduced == 0 && out->count > 0) {
    snprintf(err, err_size, "integer ReduceMean over zero elements is not defined");
    return -1;
  }
  out->reduction_length = (double)reduced;
  uint64_t *acc = calloc(out->count ? out->count : 1, sizeof *acc);
  if (acc == NULL) {
    snprintf(err, err_size, "out of host memory");
    return -1;
  }
  int64_t coords[XHAL_MAX_RANK] = {0};
  int64_t oc[XHAL_MAX_RANK];
  for (uint64_t n = 0; n < x->count; n++) {
    for (uint32_t d = 0; d < x->shape.rank; d++) oc[d] = mask[d] ? 0 : coords[d];
    uint64_t o = ref_ravel(oc, &kept);
    if (is_float) {
      out->f[o] += x->f[n];
      out->scale[o] += fabs(x->f[n]);
    } else {
      acc[o] += (uint64_t)x->i[n];
    }
    ref_next_coords(coords, &x->shape);
  }
  for (uint64_t o = 0; o < out->count; o++) {
    if (is_float) {
      if (op == XHAL_OP_REDUCE_MEAN) {
        out->f[o] /= (double)reduced; /* 0/0 = NaN over zero elements */
        out->scale[o] = reduced ? out->scale[o] / (double)reduced : 0.0;
      }
    } else {
      int64_t sum = ref_wrap(out->dtype, acc[o]);
      out->i[o] = op == XHAL_OP_REDUCE_MEAN ? sum / (int64_t)reduced : sum;
    }
  }
  free(acc);
  return 0;
}

int ref_softmax_infer(const ref_shape_t *x, const ref_attrs_t *attrs, ref_shape_t *out,
                      char *err, size_t err_size) {
  if (x->rank == 0) {
    snprintf(err, err_size, "Softmax needs rank >= 1");
    return -1;
  }
  int64_t axis = attrs->has_axis ? attrs->axis : -1;
  if (ref_normalize_axis(axis, x->rank) < 0) {
    snprintf(err, err_size, "axis %lld out of range for rank %u", (long long)axis, x->rank);
    return -1;
  }
  *out = *x;
  return 0;
}

int ref_softmax_compute(const ref_tensor_t *x, const ref_attrs_t *attrs, ref_tensor_t *out) {
  int64_t axis = ref_normalize_axis(attrs->has_axis ? attrs->axis : -1, x->shape.rank);
  uint64_t len = (uint64_t)x->shape.dims[axis];
  uint64_t inner = 1;
  for (uint32_t d = (uint32_t)axis + 1; d < x->shape.rank; d++)
    inner *= (uint64_t)x->shape.dims[d];
  uint64_t outer = (len != 0 && inner != 0) ? x->count / (len * inner) : 0;
  out->reduction_length = (double)len;
  for (uint64_t o = 0; o < outer; o++) {
    for (uint64_t in = 0; in < inner; in++) {
      uint64_t base = o * len * inner + in;
      int has_nan = 0;
      double m = -INFINITY;
      for (uint64_t j = 0; j < len; j++) {
        double v = x->f[base + j * inner];
        if (isnan(v)) has_nan = 1;
        if (v > m) m = v;
      }
      double sum = 0.0;
      for (uint64_t j = 0; j < len; j++) sum += exp(x->f[base + j * inner] - m);
      for (uint64_t j = 0; j < len; j++) {
        uint64_t at = base + j * inner;
        double d = x->f[at] - m;
        double y = has_nan ? NAN : exp(d) / sum;
        out->f[at] = y;
        /* Relative error of a float softmax grows with the exp argument
         * (its rounding is amplified by exp) and with the sum: the scale
         * y * (4 + |x - max|) times the table's k * sqrt(K) * u covers both
         * plus the exp and division roundings. */
        out->scale[at] = (y > 0.0 && isfinite(d)) ? y * (4.0 + fabs(d)) : 0.0;
      }
    }
  }
  return 0;
}

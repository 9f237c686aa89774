/*
 * ref_norm.c - reference of BatchNormalization (inference form),
 * LayerNormalization, InstanceNormalization, LogSoftmax, ArgMax and ArgMin,
 * written from the ONNX operator specification (opset <= 17).
 *
 * Normalisations: y = (x - mean) / sqrt(var + epsilon) * scale + B.
 *  - BatchNormalization (inputs X, scale, B, input_mean, input_var): X is
 *    (N, C, D1...), the other inputs (C); mean and var are the given ones.
 *  - InstanceNormalization (input, scale, B): mean and biased variance of
 *    each (n, c) over D1..Dn; scale and B are (C).
 *  - LayerNormalization (X, Scale, [B]): mean and biased variance over the
 *    dims axis..rank-1 (axis default -1); Scale and B broadcast to those dims
 *    (numpy rules, right-aligned).
 *  The scale of an element is |s| / sigma * (|x| + |mean| + |d| + mean|x|)
 *  + |B|, d = x - mean, sigma = sqrt(var + epsilon), mean|x| over the
 *  row (0 for BatchNormalization): the error of the computed mean and
 *  variance (K = the row length), of d, and of the final scaling, each
 *  relative to the terms that produced them.
 *  LayerNormalization's optional outputs Mean and InvStdDev (f32, stash_type
 *  1): X's dims with extent 1 from axis on; InvStdDev = 1 / sigma. Scales:
 *  mean|x| for Mean; for InvStdDev the error of var + epsilon (terms d^2,
 *  the roundings of d against |x| + |mean| + mean|x|, epsilon) carried
 *  through 1 / sqrt (relative error halved), plus 1 / sigma for the sqrt
 *  and the division. A row with no elements has no Mean (rejected).
 *
 * LogSoftmax (opset 13): along one axis, y = (x - max) - log(sum(exp(x -
 * max))); a NaN in a slice makes the slice NaN, -Inf entries give -Inf.
 * Scale 4 + |x - max| + |log(sum)|.
 *
 * ArgMax / ArgMin: the index (i64) of the first extreme along axis
 * (default 0), or the last with select_last_index = 1; keepdims default 1.
 * A NaN counts as the extreme (numpy's argmax/argmin), so a slice with a
 * NaN gives its first (or last) NaN; -0 and +0 tie.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ref_dtype.h"
#include "ref_ops.h"

static int ref_rank_check(const ref_shape_t *x, uint32_t min_rank, char *err, size_t err_size) {
  if (x->rank >= min_rank) return 0;
  snprintf(err, err_size, "input rank %u, the op needs rank >= %u", x->rank, min_rank);
  return -1;
}

static int ref_epsilon_check(const ref_attrs_t *attrs, char *err, size_t err_size) {
  if (attrs->epsilon >= 0.0 && isfinite(attrs->epsilon)) return 0;
  snprintf(err, err_size, "epsilon %g must be finite and >= 0", attrs->epsilon);
  return -1;
}

/* The per-channel inputs [first, count) of X (N, C, ...) must be (C). */
static int ref_channel_check(uint32_t first, uint32_t count, const ref_shape_t *shapes, char *err,
                             size_t err_size) {
  for (uint32_t k = first; k < count; k++) {
    if (shapes[k].rank != 1 || shapes[k].dims[0] != shapes[0].dims[1]) {
      snprintf(err, err_size, "input %u must be (%lld), the channel count", k,
               (long long)shapes[0].dims[1]);
      return -1;
    }
  }
  return 0;
}

/* The first normalised dim of op for X of rank r. */
static uint32_t ref_norm_first(xhal_op_t op, const ref_attrs_t *attrs, uint32_t r) {
  if (op != XHAL_OP_LAYER_NORMALIZATION) return 2;
  return (uint32_t)ref_normalize_axis(attrs->has_axis ? attrs->axis : -1, r);
}

int ref_norm_infer(xhal_op_t op, uint32_t input_count, const ref_shape_t *shapes,
                   const ref_attrs_t *attrs, ref_shape_t *out, char *err, size_t err_size) {
  const ref_shape_t *x = &shapes[0];
  if (ref_epsilon_check(attrs, err, err_size) != 0) return -1;
  switch (op) {
  case XHAL_OP_BATCH_NORMALIZATION:
    if (input_count != 5 || attrs->training_mode != 0) {
      snprintf(err, err_size, "BatchNormalization (inference) takes 5 inputs and "
                              "training_mode 0");
      return -1;
    }
    if (ref_rank_check(x, 2, err, err_size) || ref_channel_check(1, 5, shapes, err, err_size))
      return -1;
    break;
  case XHAL_OP_INSTANCE_NORMALIZATION:
    if (input_count != 3) {
      snprintf(err, err_size, "InstanceNormalization takes 3 inputs");
      return -1;
    }
    if (ref_rank_check(x, 2, err, err_size) || ref_channel_check(1, 3, shapes, err, err_size))
      return -1;
    break;
  default: { /* LayerNormalization */
    if (input_count < 2 || input_count > 3) {
      snprintf(err, err_size, "LayerNormalization takes 2 or 3 inputs");
      return -1;
    }
    if (ref_rank_check(x, 1, err, err_size)) return -1;
    int64_t axis = attrs->has_axis ? attrs->axis : -1;
    if (ref_normalize_axis(axis, x->rank) < 0) {
      snprintf(err, err_size, "axis %lld out of range for rank %u", (long long)axis, x->rank);
      return -1;
    }
    uint32_t first = ref_norm_first(op, attrs, x->rank), tail = x->rank - first;
    for (uint32_t k = 1; k < input_count; k++) {
      int ok = shapes[k].rank <= tail;
      for (uint32_t d = 0; ok && d < shapes[k].rank; d++) {
        int64_t want = x->dims[x->rank - shapes[k].rank + d];
        ok = shapes[k].dims[d] == want || shapes[k].dims[d] == 1;
      }
      if (!ok) {
        snprintf(err, err_size, "input %u does not broadcast to the normalised dims", k);
        return -1;
      }
    }
    break;
  }
  }
  *out = *x;
  return 0;
}

int ref_norm_stats_infer(const ref_shape_t *x, const ref_attrs_t *attrs, ref_shape_t *out,
                         char *err, size_t err_size) {
  const uint32_t first = ref_norm_first(XHAL_OP_LAYER_NORMALIZATION, attrs, x->rank);
  uint64_t rows = 1, len = 1;
  *out = *x;
  for (uint32_t d = 0; d < x->rank; d++) {
    if (d < first) rows *= (uint64_t)x->dims[d];
    else len *= (uint64_t)x->dims[d];
    if (d >= first) out->dims[d] = 1;
  }
  if (rows > 0 && len == 0) {
    snprintf(err, err_size, "Mean and InvStdDev of rows with no elements are undefined");
    return -1;
  }
  return 0;
}

/* Mean, biased variance and mean |x| of the len elements of x from base. */
static void ref_norm_row_stats(const ref_tensor_t *x, uint64_t base, uint64_t len, double *mean,
                               double *var, double *abs_mean) {
  double sum = 0.0, sq = 0.0, a = 0.0;
  for (uint64_t j = 0; j < len; j++) {
    sum += x->f[base + j];
    a += fabs(x->f[base + j]);
  }
  *mean = sum / (double)len;
  *abs_mean = a / (double)len;
  for (uint64_t j = 0; j < len; j++) sq += (x->f[base + j] - *mean) * (x->f[base + j] - *mean);
  *var = sq / (double)len;
}

int ref_norm_stats_compute(const ref_tensor_t *x, const ref_attrs_t *attrs, uint32_t count,
                           ref_tensor_t *outs) {
  const uint32_t first = ref_norm_first(XHAL_OP_LAYER_NORMALIZATION, attrs, x->shape.rank);
  uint64_t len = 1;
  for (uint32_t d = first; d < x->shape.rank; d++) len *= (uint64_t)x->shape.dims[d];
  const uint64_t rows = outs[0].count;
  for (uint32_t k = 0; k < count; k++) outs[k].reduction_length = (double)len;
  for (uint64_t r = 0; r < rows && len; r++) {
    double mean, var, abs_mean, terms = 0.0;
    ref_norm_row_stats(x, r * len, len, &mean, &var, &abs_mean);
    for (uint64_t j = 0; j < len; j++) {
      const double v = x->f[r * len + j], d = v - mean;
      terms += d * d + 2.0 * fabs(d) * (fabs(v) + fabs(mean) + abs_mean);
    }
    const double sq = var + attrs->epsilon, inv = 1.0 / sqrt(sq);
    outs[0].f[r] = mean;
    outs[0].scale[r] = abs_mean;
    if (count > 1) {
      outs[1].f[r] = inv;
      outs[1].scale[r] = inv / (2.0 * sq) * (terms / (double)len + attrs->epsilon) + inv;
    }
  }
  return 0;
}

/* Value of input t (broadcast to X's shape) at X coordinates c. */
static double ref_at(const ref_tensor_t *t, const ref_tensor_t *x, const int64_t *c, int channel) {
  if (channel) return t->f[c[1]];
  return t->f[ref_broadcast_source(&t->shape, c, x->shape.rank)];
}

int ref_norm_compute(xhal_op_t op, uint32_t input_count, const ref_tensor_t *in,
                     const ref_attrs_t *attrs, ref_tensor_t *out) {
  const ref_tensor_t *x = &in[0];
  const int channel = op != XHAL_OP_LAYER_NORMALIZATION;
  const int given = op == XHAL_OP_BATCH_NORMALIZATION;
  const uint32_t first = ref_norm_first(op, attrs, x->shape.rank);
  uint64_t len = 1;
  for (uint32_t d = first; d < x->shape.rank; d++) len *= (uint64_t)x->shape.dims[d];
  const uint64_t rows = len ? x->count / len : 0;
  out->reduction_length = given ? 1.0 : (double)len;
  for (uint64_t r = 0; r < rows; r++) {
    const uint64_t base = r * len;
    int64_t c[XHAL_MAX_RANK];
    ref_unravel(base, &x->shape, c);
    double mean, var, abs_mean = 0.0;
    if (given) {
      mean = in[3].f[c[1]];
      var = in[4].f[c[1]];
    } else {
      ref_norm_row_stats(x, base, len, &mean, &var, &abs_mean);
    }
    const double sigma = sqrt(var + attrs->epsilon);
    for (uint64_t j = 0; j < len; j++) {
      ref_unravel(base + j, &x->shape, c);
      const double s = ref_at(&in[1], x, c, channel);
      const double b = input_count > 2 ? ref_at(&in[2], x, c, channel) : 0.0;
      const double v = x->f[base + j], d = v - mean;
      out->f[base + j] = d / sigma * s + b;
      out->scale[base + j] =
          fabs(s) / sigma * (fabs(v) + fabs(mean) + fabs(d) + abs_mean) + fabs(b);
    }
  }
  return 0;
}

int ref_log_softmax_compute(const ref_tensor_t *x, const ref_attrs_t *attrs, ref_tensor_t *out) {
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
      double m = -INFINITY;
      int has_nan = 0;
      for (uint64_t j = 0; j < len; j++) {
        double v = x->f[base + j * inner];
        if (isnan(v)) has_nan = 1;
        if (v > m) m = v;
      }
      double sum = 0.0;
      for (uint64_t j = 0; j < len; j++) sum += exp(x->f[base + j * inner] - m);
      const double ls = log(sum);
      for (uint64_t j = 0; j < len; j++) {
        uint64_t at = base + j * inner;
        double d = x->f[at] - m;
        out->f[at] = has_nan ? NAN : d - ls;
        out->scale[at] = isfinite(d) && isfinite(ls) ? 4.0 + fabs(d) + fabs(ls) : 0.0;
      }
    }
  }
  return 0;
}

int ref_arg_infer(const ref_shape_t *x, const ref_attrs_t *attrs, ref_shape_t *out, char *err,
                  size_t err_size) {
  if (ref_rank_check(x, 1, err, err_size) != 0) return -1;
  if ((attrs->keepdims != 0 && attrs->keepdims != 1) ||
      (attrs->select_last_index != 0 && attrs->select_last_index != 1)) {
    snprintf(err, err_size, "keepdims and select_last_index must be 0 or 1");
    return -1;
  }
  int64_t axis = ref_normalize_axis(attrs->has_axis ? attrs->axis : 0, x->rank);
  if (axis < 0) {
    snprintf(err, err_size, "axis %lld out of range for rank %u", (long long)attrs->axis,
             x->rank);
    return -1;
  }
  out->rank = 0;
  uint64_t others = 1;
  for (uint32_t d = 0; d < x->rank; d++) {
    if (d != (uint32_t)axis) others *= (uint64_t)x->dims[d];
    if (d != (uint32_t)axis || attrs->keepdims)
      out->dims[out->rank++] = d == (uint32_t)axis ? 1 : x->dims[d];
  }
  if (x->dims[axis] == 0 && others > 0) {
    snprintf(err, err_size, "ArgMax/ArgMin of an empty slice is undefined");
    return -1;
  }
  return 0;
}

/* 1 if v replaces the current extreme best (see the top of the file). */
static int ref_arg_takes(double v, double best, int is_min, int last) {
  if (isnan(best)) return last && isnan(v);
  if (isnan(v)) return 1;
  if (v == best) return last;
  return is_min ? v < best : v > best;
}

int ref_arg_compute(xhal_op_t op, const ref_tensor_t *x, const ref_attrs_t *attrs,
                    ref_tensor_t *out) {
  const int64_t axis = ref_normalize_axis(attrs->has_axis ? attrs->axis : 0, x->shape.rank);
  const uint64_t len = (uint64_t)x->shape.dims[axis];
  uint64_t inner = 1;
  for (uint32_t d = (uint32_t)axis + 1; d < x->shape.rank; d++)
    inner *= (uint64_t)x->shape.dims[d];
  const uint64_t outer = (len && inner) ? x->count / (len * inner) : 0;
  const int is_min = op == XHAL_OP_ARG_MIN, last = attrs->select_last_index != 0;
  const int is_float = ref_tensor_is_float(x);
  for (uint64_t o = 0; o < outer; o++) {
    for (uint64_t in = 0; in < inner; in++) {
      const uint64_t base = o * len * inner + in;
      int64_t at = 0;
      for (uint64_t j = 1; j < len; j++) {
        const uint64_t p = base + j * inner, q = base + (uint64_t)at * inner;
        int take;
        if (is_float) {
          take = ref_arg_takes(x->f[p], x->f[q], is_min, last);
        } else {
          take = x->i[p] == x->i[q] ? last : is_min ? x->i[p] < x->i[q] : x->i[p] > x->i[q];
        }
        if (take) at = (int64_t)j;
      }
      out->i[o * inner + in] = at;
    }
  }
  return 0;
}

/* ref_gather.c - the fp64 reference of Gather, Pad, Resize, Shape,
 * ConstantOfShape and Range, written from the ONNX specification (opset
 * <= 17) and the ONNX reference implementation that produced the node
 * tests' data, plus xhal's documented rules (docs/conformance.md):
 *  - Gather: an index outside [-n, n) gives an element of zero bits;
 *  - Pad: negative pads crop first, then the remaining data is padded
 *    (the ONNX reference's order, which matters for reflect and edge);
 *  - Resize: nearest copies the element (every dtype); linear/cubic on
 *    i32, i64, u8 round the fp64 value to nearest even and saturate (and
 *    so does extrapolation_value); bool only nearest;
 *  - ConstantOfShape and Range: the output shape is the caller's
 *    (attrs->g.out_shape); Range's length is checked against
 *    max(ceil((limit - start) / delta), 0) here, a case that breaks it is
 *    a suite error. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref_dtype.h"
#include "ref_ops.h"

static const char *const ref_pad_modes[] = {"constant", "reflect", "edge"};
static const char *const ref_resize_modes[] = {"nearest", "linear", "cubic"};
static const char *const ref_coord_modes[] = {"half_pixel",    "pytorch_half_pixel",
                                              "align_corners", "asymmetric",
                                              "tf_half_pixel_for_nn", "tf_crop_and_resize"};
static const char *const ref_nearest_modes[] = {"round_prefer_floor", "round_prefer_ceil",
                                                "floor", "ceil"};

int ref_gather_owns(xhal_op_t op) {
  return op == XHAL_OP_GATHER || op == XHAL_OP_PAD || op == XHAL_OP_RESIZE ||
         op == XHAL_OP_SHAPE || op == XHAL_OP_CONSTANT_OF_SHAPE || op == XHAL_OP_RANGE;
}

static int ref_fail(char *err, size_t err_size, const char *what) {
  snprintf(err, err_size, "%s", what);
  return -1;
}

/* ---- Shape inference --------------------------------------------------------------------- */

static int ref_is_numeric4(xhal_dtype_t d) {
  return d == XHAL_DTYPE_F32 || d == XHAL_DTYPE_F16 || d == XHAL_DTYPE_I32 || d == XHAL_DTYPE_I64;
}

/* Pad and ConstantOfShape: the numeric dtypes, u8 and bool. */
static int ref_is_fill_dtype(xhal_dtype_t d) {
  return ref_is_numeric4(d) || d == XHAL_DTYPE_U8 || d == XHAL_DTYPE_BOOL;
}

static int ref_infer_gather(const ref_shape_t *s, const xhal_dtype_t *d, const ref_attrs_t *a,
                            ref_shape_t *out, char *err, size_t n) {
  if (d[1] != XHAL_DTYPE_I32 && d[1] != XHAL_DTYPE_I64) return ref_fail(err, n, "indices not i32/i64");
  if (s[0].rank == 0) return ref_fail(err, n, "Gather of a scalar");
  int64_t axis = ref_normalize_axis(a->has_axis ? a->axis : 0, s[0].rank);
  if (axis < 0) return ref_fail(err, n, "Gather axis out of range");
  if (s[0].rank - 1 + s[1].rank > XHAL_MAX_RANK) return ref_fail(err, n, "Gather rank too large");
  out->rank = 0;
  for (int64_t k = 0; k < axis; k++) out->dims[out->rank++] = s[0].dims[k];
  for (uint32_t k = 0; k < s[1].rank; k++) out->dims[out->rank++] = s[1].dims[k];
  for (uint32_t k = (uint32_t)axis + 1; k < s[0].rank; k++) out->dims[out->rank++] = s[0].dims[k];
  return 0;
}

static int ref_infer_pad(const ref_shape_t *s, const ref_attrs_t *a, ref_shape_t *out, char *err,
                         size_t n) {
  const ref_gather_attrs_t *g = &a->g;
  if (!g->has_pads || g->pads_count != 2 * s->rank) return ref_fail(err, n, "pads missing or of wrong length");
  if (g->pad_mode > 2) return ref_fail(err, n, "unknown Pad mode");
  out->rank = s->rank;
  for (uint32_t k = 0; k < s->rank; k++) {
    int64_t b = g->pads[k], e = g->pads[k + s->rank];
    int64_t kept = s->dims[k] - (b < 0 ? -b : 0) - (e < 0 ? -e : 0);
    if (kept < 0) return ref_fail(err, n, "pads crop more than the dim");
    out->dims[k] = s->dims[k] + b + e;
    if (kept == 0 && out->dims[k] > 0 && g->pad_mode != 0)
      return ref_fail(err, n, "reflect/edge padding of an empty dim");
  }
  return 0;
}

/* The scale of dim k: given, or sizes / input as the ONNX reference
 * derives it; *len the resized length as a real number (the spec's output
 * length before the floor with scales, the roi's span included for
 * tf_crop_and_resize). */
static double ref_resize_scale(const ref_gather_attrs_t *g, uint32_t rank, uint32_t k, int64_t in,
                               double *len) {
  if (g->scales_count) {
    double span = 1.0;
    if (g->coord_mode == 5 && g->roi_count) span = (double)g->roi[k + rank] - (double)g->roi[k];
    *len = (double)in * span * (double)g->scales[k];
    return (double)g->scales[k];
  }
  double scale = in ? (double)g->sizes[k] / (double)in : 1.0;
  *len = scale * (double)in;
  return scale;
}

static int ref_infer_resize(const ref_shape_t *s, const ref_attrs_t *a, ref_shape_t *out, char *err,
                            size_t n) {
  const ref_gather_attrs_t *g = &a->g;
  if (g->resize_mode > 2 || g->coord_mode > 5 || g->nearest_mode > 3)
    return ref_fail(err, n, "unknown Resize mode");
  if (!g->scales_count == !g->sizes_count) return ref_fail(err, n, "need one of scales/sizes");
  if ((g->scales_count && g->scales_count != s->rank) || (g->sizes_count && g->sizes_count != s->rank))
    return ref_fail(err, n, "scales/sizes length differs from rank");
  if (g->roi_count && g->roi_count != 2 * s->rank) return ref_fail(err, n, "roi length");
  out->rank = s->rank;
  for (uint32_t k = 0; k < s->rank; k++) {
    if (g->sizes_count) {
      out->dims[k] = g->sizes[k];
    } else {
      double span = 1.0;
      if (g->coord_mode == 5 && g->roi_count) span = (double)g->roi[k + s->rank] - (double)g->roi[k];
      if (!(g->scales[k] > 0.0f)) return ref_fail(err, n, "scale <= 0");
      out->dims[k] = (int64_t)floor((double)s->dims[k] * span * (double)g->scales[k]);
    }
    if (out->dims[k] < 0 || (s->dims[k] == 0 && out->dims[k] != 0))
      return ref_fail(err, n, "bad Resize output extent");
  }
  return 0;
}

int ref_gather_infer(xhal_op_t op, uint32_t input_count, const ref_shape_t *shapes,
                     const xhal_dtype_t *dtypes, const ref_attrs_t *attrs, ref_shape_t *out_shape,
                     xhal_dtype_t *out_dtype, char *err, size_t err_size) {
  uint32_t want = op == XHAL_OP_GATHER ? 2 : op == XHAL_OP_RANGE ? 3 : 1;
  if (input_count != want) return ref_fail(err, err_size, "wrong input count");
  *out_dtype = dtypes[0];
  switch (op) {
  case XHAL_OP_GATHER:
    if (!ref_dtype_size(dtypes[0])) return ref_fail(err, err_size, "unknown dtype");
    return ref_infer_gather(shapes, dtypes, attrs, out_shape, err, err_size);
  case XHAL_OP_PAD:
    if (!ref_is_fill_dtype(dtypes[0])) return ref_fail(err, err_size, "Pad dtype");
    return ref_infer_pad(&shapes[0], attrs, out_shape, err, err_size);
  case XHAL_OP_RESIZE: /* ONNX Resize-13: every tensor type; bool only nearest */
    if (!ref_is_fill_dtype(dtypes[0]) ||
        (dtypes[0] == XHAL_DTYPE_BOOL && attrs->g.resize_mode != 0))
      return ref_fail(err, err_size, "Resize dtype");
    return ref_infer_resize(&shapes[0], attrs, out_shape, err, err_size);
  case XHAL_OP_SHAPE: {
    int64_t r = shapes[0].rank;
    int64_t s = attrs->g.has_start ? attrs->g.start : 0, e = attrs->g.has_end ? attrs->g.end : r;
    if (s < 0) s += r;
    if (e < 0) e += r;
    s = s < 0 ? 0 : s > r ? r : s;
    e = e < 0 ? 0 : e > r ? r : e;
    *out_dtype = XHAL_DTYPE_I64;
    out_shape->rank = 1;
    out_shape->dims[0] = e > s ? e - s : 0;
    return 0;
  }
  case XHAL_OP_CONSTANT_OF_SHAPE:
    if (dtypes[0] != XHAL_DTYPE_I64 || shapes[0].rank != 1)
      return ref_fail(err, err_size, "ConstantOfShape input is not 1-D i64");
    if (!attrs->g.has_out_shape)
      return ref_fail(err, err_size, "ConstantOfShape: the output shape depends on input values");
    if (shapes[0].dims[0] != (int64_t)attrs->g.out_shape.rank)
      return ref_fail(err, err_size, "ConstantOfShape input length differs from the output rank");
    *out_shape = attrs->g.out_shape;
    *out_dtype = attrs->g.value_dtype ? attrs->g.value_dtype : XHAL_DTYPE_F32;
    if (!ref_is_fill_dtype(*out_dtype)) return ref_fail(err, err_size, "ConstantOfShape dtype");
    if (attrs->g.has_value && attrs->g.value_is_int != !ref_dtype_is_float(*out_dtype))
      return ref_fail(err, err_size, "ConstantOfShape value kind differs from the dtype");
    return 0;
  case XHAL_OP_RANGE:
    for (uint32_t k = 0; k < 3; k++)
      if (shapes[k].rank != 0 || dtypes[k] != dtypes[0])
        return ref_fail(err, err_size, "Range inputs are not scalars of one dtype");
    if (dtypes[0] != XHAL_DTYPE_F32 && dtypes[0] != XHAL_DTYPE_I32 && dtypes[0] != XHAL_DTYPE_I64)
      return ref_fail(err, err_size, "Range dtype");
    if (!attrs->g.has_out_shape || attrs->g.out_shape.rank != 1)
      return ref_fail(err, err_size, "Range: the output length depends on input values");
    *out_shape = attrs->g.out_shape;
    return 0;
  default: return ref_fail(err, err_size, "not an op of ref_gather.c");
  }
}

/* ---- Compute ----------------------------------------------------------------------------- */

static void ref_set(ref_tensor_t *out, uint64_t at, const ref_tensor_t *src, uint64_t from) {
  if (out->f) out->f[at] = src->f[from];
  else out->i[at] = src->i[from];
}

static int ref_compute_gather(const ref_tensor_t *data, const ref_tensor_t *idx,
                              const ref_attrs_t *a, ref_tensor_t *out) {
  const uint32_t axis = (uint32_t)ref_normalize_axis(a->has_axis ? a->axis : 0, data->shape.rank);
  const int64_t n = data->shape.dims[axis];
  int64_t oc[XHAL_MAX_RANK] = {0}, dc[XHAL_MAX_RANK], ic[XHAL_MAX_RANK];
  for (uint64_t o = 0; o < out->count; o++) {
    ref_unravel(o, &out->shape, oc);
    for (uint32_t k = 0; k < idx->shape.rank; k++) ic[k] = oc[axis + k];
    int64_t v = idx->i[ref_ravel(ic, &idx->shape)];
    if (v < 0) v += n;
    if (v < 0 || v >= n) { /* xhal: zero bits */
      if (out->f) out->f[o] = 0.0;
      else out->i[o] = 0;
      continue;
    }
    for (uint32_t k = 0; k < axis; k++) dc[k] = oc[k];
    dc[axis] = v;
    for (uint32_t k = axis + 1; k < data->shape.rank; k++) dc[k] = oc[k - 1 + idx->shape.rank];
    ref_set(out, o, data, ref_ravel(dc, &data->shape));
  }
  return 0;
}

/* numpy.pad's index of position j (may be outside [0, n)) for reflect
 * and edge, by walking the reflection step by step (independent of the
 * backends' closed form). */
static int64_t ref_pad_index(uint32_t mode, int64_t j, int64_t n) {
  if (mode == 2) return j < 0 ? 0 : j >= n ? n - 1 : j;
  if (n == 1) return 0;
  while (j < 0 || j >= n) j = j < 0 ? -j : 2 * (n - 1) - j;
  return j;
}

static int ref_compute_pad(const ref_tensor_t *x, const ref_attrs_t *a, ref_tensor_t *out) {
  const ref_gather_attrs_t *g = &a->g;
  const uint32_t r = x->shape.rank;
  int64_t oc[XHAL_MAX_RANK] = {0}, xc[XHAL_MAX_RANK];
  for (uint64_t o = 0; o < out->count; o++) {
    ref_unravel(o, &out->shape, oc);
    int outside = 0;
    for (uint32_t k = 0; k < r; k++) {
      /* Crop by the negative pads, then pad the kept part. */
      int64_t b = g->pads[k], e = g->pads[k + r];
      int64_t crop = b < 0 ? -b : 0, kept = x->shape.dims[k] - crop - (e < 0 ? -e : 0);
      int64_t j = oc[k] - (b > 0 ? b : 0);
      if (j < 0 || j >= kept) {
        if (g->pad_mode == 0) outside = 1;
        else j = ref_pad_index(g->pad_mode, j, kept);
      }
      xc[k] = crop + j;
    }
    if (outside) {
      if (out->f) out->f[o] = g->value;
      else out->i[o] = g->ivalue;
    } else {
      ref_set(out, o, x, ref_ravel(xc, &x->shape));
    }
  }
  return 0;
}

/* Keys' cubic convolution kernel at distance d. */
static double ref_keys(double a, double d) {
  d = fabs(d);
  if (d <= 1.0) return ((a + 2.0) * d - (a + 3.0)) * d * d + 1.0;
  if (d < 2.0) return ((a * d - 5.0 * a) * d + 8.0 * a) * d - 4.0 * a;
  return 0.0;
}

typedef struct ref_taps {
  int count;
  int64_t index[4];
  double weight[4];
  int outside; /* tf_crop_and_resize: extrapolate */
} ref_taps_t;

static void ref_resize_taps(const ref_gather_attrs_t *g, uint32_t rank, uint32_t k, int64_t n,
                            int64_t i, ref_taps_t *t) {
  double len = 0.0;
  const double scale = ref_resize_scale(g, rank, k, n, &len), x_r = (double)i;
  double x;
  switch (g->coord_mode) {
  case 1: x = len > 1.0 ? (x_r + 0.5) / scale - 0.5 : 0.0; break;
  case 2: x = len == 1.0 ? 0.0 : x_r * (double)(n - 1) / (len - 1.0); break;
  case 3: x = x_r / scale; break;
  case 4: x = (x_r + 0.5) / scale; break;
  case 5: {
    double s = g->roi_count ? (double)g->roi[k] : 0.0, e = g->roi_count ? (double)g->roi[k + rank] : 1.0;
    x = len == 1.0 ? 0.5 * (s + e) * (double)(n - 1)
                   : s * (double)(n - 1) + x_r * (e - s) * (double)(n - 1) / (len - 1.0);
    break;
  }
  default: x = (x_r + 0.5) / scale - 0.5; break;
  }
  memset(t, 0, sizeof *t);
  if (g->coord_mode == 5 && (x < 0.0 || x > (double)(n - 1))) {
    t->outside = 1;
    return;
  }
  const double fl = floor(x), frac = x - fl;
  if (g->resize_mode == 0) {
    int64_t v = (int64_t)fl;
    if (frac != 0.0) {
      switch (g->nearest_mode) {
      case 0: v += frac > 0.5; break;
      case 1: v += frac >= 0.5; break;
      case 2: break;
      default: v += 1; break;
      }
    }
    t->count = 1;
    t->index[0] = v < 0 ? 0 : v >= n ? n - 1 : v;
    t->weight[0] = 1.0;
    return;
  }
  if (g->resize_mode == 1) {
    t->count = 2;
    t->index[0] = (int64_t)fl, t->weight[0] = 1.0 - frac;
    t->index[1] = (int64_t)fl + 1, t->weight[1] = frac;
  } else {
    const double a = g->has_cubic_a ? g->cubic_a : -0.75;
    double sum = 0.0;
    t->count = 4;
    for (int j = 0; j < 4; j++) {
      t->index[j] = (int64_t)fl - 1 + j;
      t->weight[j] = ref_keys(a, x - (double)t->index[j]);
      if (g->exclude_outside && (t->index[j] < 0 || t->index[j] >= n)) t->weight[j] = 0.0;
      sum += t->weight[j];
    }
    if (g->exclude_outside)
      for (int j = 0; j < 4; j++) t->weight[j] /= sum;
  }
  for (int j = 0; j < t->count; j++)
    t->index[j] = t->index[j] < 0 ? 0 : t->index[j] >= n ? n - 1 : t->index[j];
}

/* xhal's integer Resize (docs/conformance.md; ONNX leaves it open): the
 * fp64 value rounded to nearest, ties to even, saturated to the dtype's
 * range (NaN 0); bool: v != 0. */
static int64_t ref_resize_int(xhal_dtype_t dtype, double v) {
  if (dtype == XHAL_DTYPE_BOOL) return v != 0.0;
  if (isnan(v)) return 0;
  const double r = nearbyint(v);
  const double lo = (double)ref_int_min(dtype), hi = (double)ref_int_max(dtype);
  if (r <= lo) return ref_int_min(dtype);
  if (r >= hi) return ref_int_max(dtype);
  return (int64_t)r;
}

static int ref_compute_resize(const ref_tensor_t *x, const ref_attrs_t *a, ref_tensor_t *out) {
  const ref_gather_attrs_t *g = &a->g;
  const uint32_t r = x->shape.rank;
  int64_t oc[XHAL_MAX_RANK] = {0}, xc[XHAL_MAX_RANK], pick[XHAL_MAX_RANK];
  ref_taps_t taps[XHAL_MAX_RANK];
  double combos = 1.0;
  if (g->resize_mode != 0) {
    out->scale = calloc(out->count ? out->count : 1, sizeof *out->scale);
    if (!out->scale) return -1;
    for (uint32_t k = 0; k < r; k++) combos *= g->resize_mode == 1 ? 2.0 : 4.0;
    out->reduction_length = combos;
  }
  for (uint64_t o = 0; o < out->count; o++) {
    ref_unravel(o, &out->shape, oc);
    int outside = 0;
    for (uint32_t k = 0; k < r; k++) {
      ref_resize_taps(g, r, k, x->shape.dims[k], oc[k], &taps[k]);
      outside |= taps[k].outside;
      pick[k] = 0;
    }
    if (outside) {
      if (out->f)
        out->f[o] = g->extrapolation;
      else
        out->i[o] = ref_resize_int(out->dtype, g->extrapolation);
      continue;
    }
    if (g->resize_mode == 0) { /* nearest: the element itself, bits and all */
      for (uint32_t k = 0; k < r; k++) xc[k] = taps[k].index[0];
      const uint64_t at = ref_ravel(xc, &x->shape);
      if (out->f)
        out->f[o] = x->f[at];
      else
        out->i[o] = x->i[at];
      continue;
    }
    double sum = 0.0, abs_sum = 0.0;
    for (;;) { /* every combination of one tap per dim */
      double w = 1.0;
      for (uint32_t k = 0; k < r; k++) {
        w *= taps[k].weight[pick[k]];
        xc[k] = taps[k].index[pick[k]];
      }
      const uint64_t at = ref_ravel(xc, &x->shape);
      double term = w * (x->f ? x->f[at] : (double)x->i[at]);
      if (w != 0.0) sum += term, abs_sum += fabs(term);
      uint32_t k = r;
      while (k > 0 && ++pick[k - 1] == taps[k - 1].count) pick[--k] = 0;
      if (k == 0) break;
    }
    if (out->f)
      out->f[o] = sum;
    else
      out->i[o] = ref_resize_int(out->dtype, sum);
    if (out->scale) out->scale[o] = abs_sum;
  }
  return 0;
}

static int ref_compute_range(const ref_tensor_t *in, ref_tensor_t *out, char *err, size_t n) {
  const int64_t len = out->shape.dims[0];
  if (in[0].f) {
    double s = in[0].f[0], l = in[1].f[0], d = in[2].f[0];
    double want = fmax(ceil((l - s) / d), 0.0);
    if (want != (double)len) {
      snprintf(err, n, "suite error: Range(%g, %g, %g) has %g elements, the case says %lld", s, l, d,
               want, (long long)len);
      return -1;
    }
    for (int64_t i = 0; i < len; i++) out->f[i] = s + (double)i * d;
    return 0;
  }
  int64_t s = in[0].i[0], l = in[1].i[0], d = in[2].i[0];
  if (d == 0) return ref_fail(err, n, "suite error: Range with delta 0");
  double want = fmax(ceil(((double)l - (double)s) / (double)d), 0.0);
  if (want != (double)len) {
    snprintf(err, n, "suite error: Range(%lld, %lld, %lld) has %g elements, the case says %lld",
             (long long)s, (long long)l, (long long)d, want, (long long)len);
    return -1;
  }
  for (int64_t i = 0; i < len; i++) out->i[i] = s + i * d;
  return 0;
}

int ref_gather_compute(xhal_op_t op, uint32_t input_count, const ref_tensor_t *inputs,
                       const ref_attrs_t *attrs, ref_tensor_t *out, char *err, size_t err_size) {
  ref_shape_t shapes[3], out_shape;
  xhal_dtype_t dtypes[3], out_dtype;
  memset(out, 0, sizeof *out);
  if (input_count > 3) return ref_fail(err, err_size, "too many inputs");
  for (uint32_t k = 0; k < input_count; k++) {
    shapes[k] = inputs[k].shape;
    dtypes[k] = inputs[k].dtype;
  }
  if (ref_gather_infer(op, input_count, shapes, dtypes, attrs, &out_shape, &out_dtype, err,
                       err_size) != 0)
    return -1;
  if (ref_tensor_init(out, out_dtype, &out_shape, 0, 0) != 0)
    return ref_fail(err, err_size, "out of host memory for the reference");
  switch (op) {
  case XHAL_OP_GATHER: return ref_compute_gather(&inputs[0], &inputs[1], attrs, out);
  case XHAL_OP_PAD: return ref_compute_pad(&inputs[0], attrs, out);
  case XHAL_OP_RESIZE:
    if (ref_compute_resize(&inputs[0], attrs, out) != 0) return ref_fail(err, err_size, "out of memory");
    return 0;
  case XHAL_OP_SHAPE: {
    int64_t r = inputs[0].shape.rank, s = attrs->g.has_start ? attrs->g.start : 0;
    if (s < 0) s += r;
    s = s < 0 ? 0 : s > r ? r : s;
    for (uint64_t i = 0; i < out->count; i++) out->i[i] = inputs[0].shape.dims[s + (int64_t)i];
    return 0;
  }
  case XHAL_OP_CONSTANT_OF_SHAPE:
    for (uint64_t i = 0; i < out->count; i++) {
      if (out->f) out->f[i] = attrs->g.value;
      else out->i[i] = attrs->g.ivalue;
    }
    return 0;
  default: return ref_compute_range(inputs, out, err, err_size);
  }
}

/* ---- Decoding xhal attributes (ONNX runner) ---------------------------------------------- */

static int ref_enum(const xhal_attr_t *at, const char *const *names, uint32_t n, uint32_t *out) {
  if (at->type != XHAL_ATTR_STRING || !at->s) return -1;
  for (uint32_t i = 0; i < n; i++) {
    if (strcmp(at->s, names[i]) == 0) {
      *out = i;
      return 0;
    }
  }
  return -1;
}

int ref_gather_attrs_decode(xhal_op_t op, const xhal_attr_t *list, uint32_t count,
                            ref_attrs_t *attrs, char *err, size_t err_size) {
  ref_gather_attrs_t *g = &attrs->g;
  for (uint32_t i = 0; i < count; i++) {
    const xhal_attr_t *at = &list[i];
    const char *name = at->name;
    int bad = 0;
    if (strcmp(name, "axis") == 0 && at->type == XHAL_ATTR_INT) {
      attrs->has_axis = 1, attrs->axis = at->i;
    } else if (strcmp(name, "mode") == 0) {
      bad = op == XHAL_OP_PAD ? ref_enum(at, ref_pad_modes, 3, &g->pad_mode)
                              : ref_enum(at, ref_resize_modes, 3, &g->resize_mode);
    } else if (strcmp(name, "coordinate_transformation_mode") == 0) {
      bad = ref_enum(at, ref_coord_modes, 6, &g->coord_mode);
    } else if (strcmp(name, "nearest_mode") == 0) {
      bad = ref_enum(at, ref_nearest_modes, 4, &g->nearest_mode);
    } else if (strcmp(name, "pads") == 0 && at->type == XHAL_ATTR_INTS && at->count <= 2 * XHAL_MAX_RANK) {
      g->has_pads = 1, g->pads_count = at->count;
      memcpy(g->pads, at->ints, at->count * sizeof *at->ints);
    } else if (strcmp(name, "value") == 0 && (at->type == XHAL_ATTR_INT || at->type == XHAL_ATTR_FLOAT)) {
      g->has_value = 1, g->value_is_int = at->type == XHAL_ATTR_INT;
      g->value = at->type == XHAL_ATTR_FLOAT ? at->f : 0.0;
      g->ivalue = at->type == XHAL_ATTR_INT ? at->i : 0;
    } else if (strcmp(name, "cubic_coeff_a") == 0 && at->type == XHAL_ATTR_FLOAT) {
      g->has_cubic_a = 1, g->cubic_a = at->f;
    } else if (strcmp(name, "exclude_outside") == 0 && at->type == XHAL_ATTR_INT) {
      g->exclude_outside = at->i;
    } else if (strcmp(name, "extrapolation_value") == 0 && at->type == XHAL_ATTR_FLOAT) {
      g->extrapolation = at->f;
    } else if (strcmp(name, "scales") == 0 && at->type == XHAL_ATTR_FLOATS && at->count <= XHAL_MAX_RANK) {
      g->scales_count = at->count;
      memcpy(g->scales, at->floats, at->count * sizeof *at->floats);
    } else if (strcmp(name, "sizes") == 0 && at->type == XHAL_ATTR_INTS && at->count <= XHAL_MAX_RANK) {
      g->sizes_count = at->count;
      memcpy(g->sizes, at->ints, at->count * sizeof *at->ints);
    } else if (strcmp(name, "roi") == 0 && at->type == XHAL_ATTR_FLOATS && at->count <= 2 * XHAL_MAX_RANK) {
      g->roi_count = at->count;
      memcpy(g->roi, at->floats, at->count * sizeof *at->floats);
    } else if (strcmp(name, "start") == 0 && at->type == XHAL_ATTR_INT) {
      g->has_start = 1, g->start = at->i;
    } else if (strcmp(name, "end") == 0 && at->type == XHAL_ATTR_INT) {
      g->has_end = 1, g->end = at->i;
    } else {
      bad = 1;
    }
    if (bad) {
      snprintf(err, err_size, "attribute '%s' is unknown or of the wrong type or value", name);
      return -1;
    }
  }
  return 0;
}

/* xhal_op_check_gather.c - the ONNX rules of Gather, Pad, Resize, Shape,
 * ConstantOfShape and Range (see xhal_op_check_gather.h). */
#include "xhal_op_check_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- Messages ---------------------------------------------------------------------------- */

static int32_t xog_same_dtype(const xop_ctx_t *c, const char *what, uint32_t got, uint32_t want,
                              const char *want_what) {
  if (got == want) return XHAL_STATUS_OK;
  return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: %s dtype %s differs from %s dtype %s",
                  c->op, what, xop_dtype_name(got), want_what, xop_dtype_name(want));
}

/* ---- Attributes -------------------------------------------------------------------------- */

/* The value attribute of Pad and ConstantOfShape: FLOAT for float dtypes
 * (rounded to the dtype by the kernel), INT for integer dtypes (u8: 0..255,
 * bool: 0 or 1). */
static int32_t xog_value(const xop_ctx_t *c, const xhal_attr_t *a, uint32_t dtype,
                         xop_gather_params_t *g) {
  g->value = 0.0;
  g->ivalue = 0;
  if (!a) return XHAL_STATUS_OK;
  const int want_float = xop_is_float(dtype);
  if ((a->type == XHAL_ATTR_FLOAT) != want_float) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: attribute 'value' is %s but the output dtype %s takes a%s", c->op,
                    a->type == XHAL_ATTR_FLOAT ? "FLOAT" : "INT", xop_dtype_name(dtype),
                    want_float ? " FLOAT" : "n INT");
  }
  if (want_float) {
    g->value = a->f;
    return XHAL_STATUS_OK;
  }
  const int64_t v = a->i;
  const int fits = dtype == XHAL_DTYPE_I64 ||
                   (dtype == XHAL_DTYPE_I32 && v >= INT32_MIN && v <= INT32_MAX) ||
                   (dtype == XHAL_DTYPE_U8 && v >= 0 && v <= UINT8_MAX) ||
                   (dtype == XHAL_DTYPE_BOOL && (v == 0 || v == 1));
  if (!fits) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: value %lld does not fit dtype %s", c->op,
                    (long long)v, xop_dtype_name(dtype));
  }
  g->ivalue = v;
  return XHAL_STATUS_OK;
}

/* ---- Gather ------------------------------------------------------------------------------ */

static int32_t xog_gather(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *p) {
  static const xop_attr_spec_t specs[] = {{"axis", XHAL_ATTR_INT}};
  const xhal_attr_t *found[1];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 1, found));
  const xop_view_t data = p->in[0], idx = p->in[1];
  if (idx.dtype != XHAL_DTYPE_I32 && idx.dtype != XHAL_DTYPE_I64) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: indices dtype %s; expected i32 or i64",
                    c->op, xop_dtype_name(idx.dtype));
  }
  XOP_RETURN_IF_ERROR(xop_dtype_supported(c, XHAL_OP_GATHER, data.dtype, "data dtype"));
  XOP_RETURN_IF_ERROR(xog_same_dtype(c, "output", p->out.dtype, data.dtype, "data"));
  if (data.rank == 0)
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: data is a scalar (rank 0)", c->op);
  const int64_t axis_in = found[0] ? found[0]->i : 0;
  if (axis_in < -(int64_t)data.rank || axis_in >= (int64_t)data.rank) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: axis %lld is out of range [%d, %d] for data rank %u", c->op,
                    (long long)axis_in, -(int)data.rank, (int)data.rank - 1, data.rank);
  }
  const uint32_t axis = (uint32_t)(axis_in < 0 ? axis_in + data.rank : axis_in);
  const uint32_t rank = data.rank - 1 + idx.rank;
  if (rank > XHAL_MAX_RANK) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: output rank %u (data rank %u - 1 + indices rank %u) exceeds %d", c->op,
                    rank, data.rank, idx.rank, XHAL_MAX_RANK);
  }
  int64_t want[XHAL_MAX_RANK];
  xop_view_t d = data, ix = idx;
  d.rank = ix.rank = rank;
  for (uint32_t k = 0; k < rank; ++k) {
    if (k < axis) {
      want[k] = data.dims[k], d.strides[k] = data.strides[k], ix.strides[k] = 0;
    } else if (k < axis + idx.rank) {
      want[k] = idx.dims[k - axis], d.strides[k] = 0, ix.strides[k] = idx.strides[k - axis];
    } else {
      const uint32_t s = k - idx.rank + 1;
      want[k] = data.dims[s], d.strides[k] = data.strides[s], ix.strides[k] = 0;
    }
    d.dims[k] = ix.dims[k] = want[k];
  }
  XOP_RETURN_IF_ERROR(xop_out_dims_check(c, &p->out, rank, want));
  p->axis = axis;
  p->gather.extent = data.dims[axis];
  p->gather.stride = data.strides[axis];
  p->in[0] = d;
  p->in[1] = ix;
  return XHAL_STATUS_OK;
}

/* ---- Pad --------------------------------------------------------------------------------- */

static int32_t xog_pad(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *p) {
  static const xop_attr_spec_t specs[] = {
      {"mode", XHAL_ATTR_STRING}, {"pads", XHAL_ATTR_INTS}, {"value", XOP_ATTR_NUMBER}};
  static const char *const modes[] = {"constant", "reflect", "edge"};
  const xhal_attr_t *found[3];
  xop_gather_params_t *g = &p->gather;
  xop_view_t *x = &p->in[0];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 3, found));
  XOP_RETURN_IF_ERROR(xop_dtype_supported(c, XHAL_OP_PAD, x->dtype, "dtype"));
  XOP_RETURN_IF_ERROR(xog_same_dtype(c, "output", p->out.dtype, x->dtype, "input"));
  XOP_RETURN_IF_ERROR(xop_attr_enum(c, found[0], modes, 3, XOP_PAD_CONSTANT, &g->pad_mode));
  const xhal_attr_t *pads = found[1];
  if (!pads)
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: attribute 'pads' is required", c->op);
  if (pads->count != 2 * x->rank) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: pads has %u entries; an input of rank %u needs %u", c->op, pads->count,
                    x->rank, 2 * x->rank);
  }
  XOP_RETURN_IF_ERROR(xog_value(c, found[2], x->dtype, g));
  int64_t want[XHAL_MAX_RANK];
  const uint64_t esize = xop_dtype_size(x->dtype);
  for (uint32_t k = 0; k < x->rank; ++k) {
    const int64_t b = pads->ints[k], e = pads->ints[k + x->rank], n = x->dims[k];
    const int64_t cb = b < 0 ? -b : 0, ce = e < 0 ? -e : 0;
    if (b > INT32_MAX || e > INT32_MAX || b < -n || e < -n || cb + ce > n) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                      "%s: pads %lld (begin) and %lld (end) of dim %u (extent %lld) are out of "
                      "range: the output extent would be negative or too large",
                      c->op, (long long)b, (long long)e, k, (long long)n);
    }
    const int64_t kept = n - cb - ce;
    want[k] = kept + (b > 0 ? b : 0) + (e > 0 ? e : 0);
    if (kept == 0 && want[k] > 0 && g->pad_mode != XOP_PAD_CONSTANT) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                      "%s: mode '%s' pads dim %u, which has no element left to %s from", c->op,
                      modes[g->pad_mode], k, g->pad_mode == XOP_PAD_REFLECT ? "reflect" : "copy");
    }
    g->begin[k] = b > 0 ? b : 0;
    if (kept > 0) x->byte_offset += (uint64_t)(cb * x->strides[k]) * esize;
    x->dims[k] = kept;
  }
  return xop_out_dims_check(c, &p->out, x->rank, want);
}

/* ---- Resize ------------------------------------------------------------------------------ */

static int32_t xog_resize_attrs(const xop_ctx_t *c, const xhal_attr_t *const *found,
                                xop_gather_params_t *g) {
  static const char *const modes[] = {"nearest", "linear", "cubic"};
  static const char *const coords[] = {"half_pixel",    "pytorch_half_pixel",
                                       "align_corners", "asymmetric",
                                       "tf_half_pixel_for_nn", "tf_crop_and_resize"};
  static const char *const nearest[] = {"round_prefer_floor", "round_prefer_ceil", "floor",
                                        "ceil"};
  XOP_RETURN_IF_ERROR(xop_attr_enum(c, found[0], modes, 3, XOP_RESIZE_NEAREST, &g->resize_mode));
  XOP_RETURN_IF_ERROR(xop_attr_enum(c, found[1], coords, 6, XOP_COORD_HALF_PIXEL, &g->coord_mode));
  XOP_RETURN_IF_ERROR(
      xop_attr_enum(c, found[2], nearest, 4, XOP_NEAREST_ROUND_PREFER_FLOOR, &g->nearest_mode));
  g->cubic_a = found[3] ? found[3]->f : -0.75;
  g->exclude_outside = found[4] ? (int)found[4]->i : 0;
  if (g->exclude_outside != 0 && g->exclude_outside != 1) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: exclude_outside is %lld, expected 0 or 1",
                    c->op, (long long)found[4]->i);
  }
  g->extrapolation = found[5] ? found[5]->f : 0.0;
  return XHAL_STATUS_OK;
}

static int32_t xog_resize(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *p) {
  static const xop_attr_spec_t specs[] = {
      {"mode", XHAL_ATTR_STRING},         {"coordinate_transformation_mode", XHAL_ATTR_STRING},
      {"nearest_mode", XHAL_ATTR_STRING}, {"cubic_coeff_a", XHAL_ATTR_FLOAT},
      {"exclude_outside", XHAL_ATTR_INT}, {"extrapolation_value", XHAL_ATTR_FLOAT},
      {"scales", XHAL_ATTR_FLOATS},       {"sizes", XHAL_ATTR_INTS},
      {"roi", XHAL_ATTR_FLOATS}};
  const xhal_attr_t *found[9];
  xop_gather_params_t *g = &p->gather;
  const xop_view_t *x = &p->in[0];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 9, found));
  XOP_RETURN_IF_ERROR(xop_dtype_supported(c, XHAL_OP_RESIZE, x->dtype, "dtype"));
  XOP_RETURN_IF_ERROR(xog_same_dtype(c, "output", p->out.dtype, x->dtype, "input"));
  XOP_RETURN_IF_ERROR(xog_resize_attrs(c, found, g));
  if (x->dtype == XHAL_DTYPE_BOOL && g->resize_mode != XOP_RESIZE_NEAREST) {
    return XOP_FAIL(c, XHAL_STATUS_UNSUPPORTED,
                    "%s: mode %s on bool is not supported: interpolation needs a numeric type",
                    c->op, g->resize_mode == XOP_RESIZE_LINEAR ? "linear" : "cubic");
  }
  const xhal_attr_t *scales = found[6], *sizes = found[7], *roi = found[8];
  if (!scales == !sizes) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: exactly one of 'scales' and 'sizes' is needed (%s given)", c->op,
                    scales ? "both" : "none");
  }
  const xhal_attr_t *given = scales ? scales : sizes;
  if (given->count != x->rank) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: %s has %u entries for an input of rank %u", c->op, given->name,
                    given->count, x->rank);
  }
  const int crop = g->coord_mode == XOP_COORD_TF_CROP_AND_RESIZE;
  if (roi && roi->count != 2 * x->rank) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: roi has %u entries; rank %u needs %u",
                    c->op, roi->count, x->rank, 2 * x->rank);
  }
  int64_t want[XHAL_MAX_RANK];
  for (uint32_t k = 0; k < x->rank; ++k) {
    g->roi[k] = crop && roi ? (double)roi->floats[k] : 0.0;
    g->roi[k + x->rank] = crop && roi ? (double)roi->floats[k + x->rank] : 1.0;
    const double n = (double)x->dims[k], span = g->roi[k + x->rank] - g->roi[k];
    if (scales) {
      const double s = (double)scales->floats[k];
      if (!(s > 0.0) || !isfinite(s)) {
        return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: scales entry %u is %g; must be > 0",
                        c->op, k, s);
      }
      const double len = floor(n * span * s);
      if (!(len >= 0.0) || len > 4.0e18) {
        return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                        "%s: dim %u: extent %lld x scale %g gives no valid output extent", c->op, k,
                        (long long)x->dims[k], s);
      }
      want[k] = (int64_t)len;
      g->scales[k] = s;
      g->lengths[k] = s * n * (crop ? span : 1.0);
    } else {
      if (sizes->ints[k] < 0) {
        return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: sizes entry %u is %lld; must be >= 0",
                        c->op, k, (long long)sizes->ints[k]);
      }
      want[k] = sizes->ints[k];
      /* ONNX's reference derives the scale from the sizes. */
      g->scales[k] = x->dims[k] ? (double)want[k] / n : 1.0;
      g->lengths[k] = g->scales[k] * n;
    }
    if (x->dims[k] == 0 && want[k] != 0) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                      "%s: dim %u is empty but the output extent is %lld", c->op, k,
                      (long long)want[k]);
    }
  }
  return xop_out_dims_check(c, &p->out, x->rank, want);
}

/* One output coordinate i of a dim of n input elements: x_original. */
static double xog_resize_coord(const xop_gather_params_t *g, uint32_t k, uint32_t rank, double i,
                               double n) {
  const double scale = g->scales[k], len = g->lengths[k];
  (void)n;
  switch (g->coord_mode) {
    case XOP_COORD_PYTORCH_HALF_PIXEL:
      return len > 1.0 ? (i + 0.5) / scale - 0.5 : 0.0;
    case XOP_COORD_ALIGN_CORNERS:
      return len == 1.0 ? 0.0 : i * (n - 1.0) / (len - 1.0);
    case XOP_COORD_ASYMMETRIC:
      return i / scale;
    case XOP_COORD_TF_HALF_PIXEL_FOR_NN:
      return (i + 0.5) / scale;
    case XOP_COORD_TF_CROP_AND_RESIZE: {
      const double start = g->roi[k], end = g->roi[k + rank];
      if (len == 1.0) return (end - start) * (n - 1.0) / 2.0 + start * (n - 1.0);
      return i * (end - start) * (n - 1.0) / (len - 1.0) + start * (n - 1.0);
    }
    default:
      return (i + 0.5) / scale - 0.5;
  }
}

static int64_t xog_clamp(int64_t v, int64_t n) {
  return v < 0 ? 0 : v >= n ? n - 1 : v;
}

/* Keys' cubic convolution weights of the 4 taps around a point at
 * fraction r in (0, 1] past the second tap (ONNX's cubic_coeffs). */
static void xog_cubic(double a, double r, double *w) {
  const double s = r + 1.0, t = 1.0 - r, u = 2.0 - r;
  w[0] = ((a * s - 5.0 * a) * s + 8.0 * a) * s - 4.0 * a;
  w[1] = ((a + 2.0) * r - (a + 3.0)) * r * r + 1.0;
  w[2] = ((a + 2.0) * t - (a + 3.0)) * t * t + 1.0;
  w[3] = ((a * u - 5.0 * a) * u + 8.0 * a) * u - 4.0 * a;
}

static int64_t xog_nearest(uint32_t mode, double x) {
  const double f = floor(x), frac = x - f;
  if (frac == 0.0) return (int64_t)f;
  switch (mode) {
    case XOP_NEAREST_FLOOR:
      return (int64_t)f;
    case XOP_NEAREST_CEIL:
      return (int64_t)f + 1;
    case XOP_NEAREST_ROUND_PREFER_CEIL:
      return frac < 0.5 ? (int64_t)f : (int64_t)f + 1;
    default:
      return frac <= 0.5 ? (int64_t)f : (int64_t)f + 1;
  }
}

uint32_t xop_resize_table(const xop_gather_params_t *g, uint32_t rank, uint32_t k, int64_t n,
                          int64_t out, int64_t *index, float *weight) {
  const uint32_t taps = g->resize_mode == XOP_RESIZE_NEAREST  ? 1
                        : g->resize_mode == XOP_RESIZE_LINEAR ? 2
                                                              : 4;
  int identity = 1;
  for (int64_t i = 0; i < out; ++i) {
    int64_t *ix = index + i * taps;
    float *w = weight + i * taps;
    const double x = xog_resize_coord(g, k, rank, (double)i, (double)n);
    if (g->coord_mode == XOP_COORD_TF_CROP_AND_RESIZE && (x < 0.0 || x > (double)(n - 1))) {
      for (uint32_t t = 0; t < taps; ++t) ix[t] = -1, w[t] = 0.0f;
      identity = 0;
      continue;
    }
    if (taps == 1) {
      ix[0] = xog_clamp(xog_nearest(g->nearest_mode, x), n);
      w[0] = 1.0f;
      continue;
    }
    /* The taps to the left of x take x itself when x is an integer, with
     * fraction 1 (ONNX's reference). */
    const int64_t i0 = (int64_t)ceil(x) - 1;
    const double r = x - (double)i0;
    double c[4];
    int64_t first;
    if (taps == 2) {
      c[0] = 1.0 - r, c[1] = r;
      first = i0;
    } else {
      xog_cubic(g->cubic_a, r, c);
      first = i0 - 1;
    }
    if (g->exclude_outside && taps == 4) {
      double sum = 0.0;
      for (uint32_t t = 0; t < taps; ++t) {
        if (first + t < 0 || first + (int64_t)t >= n) c[t] = 0.0;
        sum += c[t];
      }
      for (uint32_t t = 0; t < taps; ++t) c[t] /= sum;
    }
    int ones = 0, zeros = 0;
    for (uint32_t t = 0; t < taps; ++t) {
      ix[t] = xog_clamp(first + (int64_t)t, n);
      w[t] = (float)c[t];
      ones += w[t] == 1.0f;
      zeros += w[t] == 0.0f;
    }
    identity &= ones == 1 && zeros == (int)taps - 1;
  }
  if (taps == 1 || !identity) return taps;
  /* Every coordinate reads one element with weight 1: keep that tap. */
  for (int64_t i = 0; i < out; ++i) {
    uint32_t t = 0;
    while (weight[i * taps + t] != 1.0f) ++t;
    index[i] = index[i * taps + t];
    weight[i] = 1.0f;
  }
  return 1;
}

int64_t xop_resize_int_value(uint32_t dtype, double v) {
  if (dtype == XHAL_DTYPE_BOOL) return v != 0.0;
  if (isnan(v)) return 0;
  const double r = nearbyint(v); /* the default rounding mode: ties to even */
  switch (dtype) {
    case XHAL_DTYPE_U8:
      return r < 0.0 ? 0 : r > 255.0 ? 255 : (int64_t)r;
    case XHAL_DTYPE_I32:
      return r < -2147483648.0 ? INT32_MIN : r > 2147483647.0 ? INT32_MAX : (int64_t)r;
    default: /* i64: 2^63 is the first double past INT64_MAX */
      return r < -0x1p63 ? INT64_MIN : r >= 0x1p63 ? INT64_MAX : (int64_t)r;
  }
}

uint64_t xop_resize_extrapolation_bits(uint32_t dtype, double v) {
  if (dtype == XHAL_DTYPE_F32 || dtype == XHAL_DTYPE_F16) return xop_gather_value_bits(dtype, v, 0);
  return xop_gather_value_bits(dtype, 0.0, xop_resize_int_value(dtype, v));
}

/* ---- Shape, ConstantOfShape, Range ----------------------------------------------------- */

static int32_t xog_shape(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *p) {
  static const xop_attr_spec_t specs[] = {{"start", XHAL_ATTR_INT}, {"end", XHAL_ATTR_INT}};
  const xhal_attr_t *found[2];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 2, found));
  XOP_RETURN_IF_ERROR(xop_dtype_supported(c, XHAL_OP_SHAPE, p->in[0].dtype, "dtype"));
  if (p->out.dtype != XHAL_DTYPE_I64) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: output dtype %s; Shape gives i64", c->op,
                    xop_dtype_name(p->out.dtype));
  }
  const int64_t r = p->in[0].rank;
  int64_t start = found[0] ? found[0]->i : 0, end = found[1] ? found[1]->i : r;
  /* ONNX clamps both ends into [0, rank] after adding rank to negatives. */
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = start < 0 ? 0 : start > r ? r : start;
  end = end < 0 ? 0 : end > r ? r : end;
  const int64_t want = end > start ? end - start : 0;
  p->gather.start = start;
  return xop_out_dims_check(c, &p->out, 1, &want);
}

static int32_t xog_constant_of_shape(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                                     xop_plan_t *p) {
  static const xop_attr_spec_t specs[] = {{"value", XOP_ATTR_NUMBER}};
  const xhal_attr_t *found[1];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 1, found));
  const xop_view_t *shape = &p->in[0];
  if (shape->dtype != XHAL_DTYPE_I64 || shape->rank != 1) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: input is %s of rank %u; expected a 1-D i64 tensor (the output dims)",
                    c->op, xop_dtype_name(shape->dtype), shape->rank);
  }
  XOP_RETURN_IF_ERROR(
      xop_dtype_supported(c, XHAL_OP_CONSTANT_OF_SHAPE, p->out.dtype, "output dtype"));
  if (shape->dims[0] != (int64_t)p->out.rank) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: the input lists %lld dims but the output has rank %u", c->op,
                    (long long)shape->dims[0], p->out.rank);
  }
  return xog_value(c, found[0], p->out.dtype, &p->gather);
}

static int32_t xog_range(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *p) {
  static const char *const names[3] = {"start", "limit", "delta"};
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, NULL, 0, NULL));
  XOP_RETURN_IF_ERROR(xop_dtype_supported(c, XHAL_OP_RANGE, p->in[0].dtype, "dtype"));
  for (uint32_t i = 0; i < 3; ++i) {
    XOP_RETURN_IF_ERROR(xog_same_dtype(c, names[i], p->in[i].dtype, p->in[0].dtype, "start"));
    if (p->in[i].rank != 0) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: %s has rank %u; expected a scalar",
                      c->op, names[i], p->in[i].rank);
    }
  }
  XOP_RETURN_IF_ERROR(xog_same_dtype(c, "output", p->out.dtype, p->in[0].dtype, "start"));
  if (p->out.rank != 1) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: output has rank %u; expected 1", c->op,
                    p->out.rank);
  }
  return XHAL_STATUS_OK;
}

/* ---- Fill values ------------------------------------------------------------------------- */

/* v rounded once to binary16, nearest even (overflow to Inf). */
static uint16_t xog_half(double v) {
  const uint16_t sign = signbit(v) ? 0x8000u : 0u;
  const double a = fabs(v);
  if (isnan(v)) return (uint16_t)(sign | 0x7e00u);
  if (a >= 65520.0) return (uint16_t)(sign | 0x7c00u); /* halfway past 65504 and beyond */
  if (a < 0x1p-14) /* subnormal: a multiple of 2^-24; 1024 becomes the least normal */
    return (uint16_t)(sign | (uint16_t)nearbyint(a * 0x1p24));
  int e = 0;
  (void)frexp(a, &e); /* a = m * 2^e, m in [0.5, 1) */
  double q = nearbyint(ldexp(a, 11 - e)); /* significand * 2^10, in [1024, 2048] */
  int exponent = e - 1;
  if (q == 2048.0) q = 1024.0, ++exponent;
  if (exponent > 15) return (uint16_t)(sign | 0x7c00u);
  return (uint16_t)(sign | (uint16_t)((exponent + 15) << 10) | (uint16_t)((int)q - 1024));
}

uint64_t xop_gather_value_bits(uint32_t dtype, double value, int64_t ivalue) {
  switch (dtype) {
    case XHAL_DTYPE_F32: {
      const float f = (float)value;
      uint32_t bits;
      memcpy(&bits, &f, sizeof bits);
      return bits;
    }
    case XHAL_DTYPE_F16:
      return xog_half(value);
    case XHAL_DTYPE_I32:
      return (uint32_t)(int32_t)ivalue;
    default:
      return (uint64_t)ivalue;
  }
}

/* ---- Entry points ------------------------------------------------------------------------ */

int xop_gather_owns(uint32_t op) {
  return op == XHAL_OP_GATHER || op == XHAL_OP_PAD || op == XHAL_OP_RESIZE ||
         op == XHAL_OP_SHAPE || op == XHAL_OP_CONSTANT_OF_SHAPE || op == XHAL_OP_RANGE;
}

void xop_gather_arity(uint32_t op, uint32_t *min_in, uint32_t *max_in) {
  *min_in = *max_in = op == XHAL_OP_GATHER ? 2 : op == XHAL_OP_RANGE ? 3 : 1;
}

int32_t xop_gather_check(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *plan) {
  switch (plan->op) {
    case XHAL_OP_GATHER:
      return xog_gather(c, desc, plan);
    case XHAL_OP_PAD:
      return xog_pad(c, desc, plan);
    case XHAL_OP_RESIZE:
      return xog_resize(c, desc, plan);
    case XHAL_OP_SHAPE:
      return xog_shape(c, desc, plan);
    case XHAL_OP_CONSTANT_OF_SHAPE:
      return xog_constant_of_shape(c, desc, plan);
    case XHAL_OP_RANGE:
      return xog_range(c, desc, plan);
    default:
      return XOP_FAIL(c, XHAL_STATUS_INTERNAL, "%s: not an op of xhal_op_check_gather.c", c->op);
  }
}

uint64_t xop_gather_op_dtypes(uint32_t op) {
  const uint64_t f32 = XHAL_DTYPE_BIT(XHAL_DTYPE_F32), f16 = XHAL_DTYPE_BIT(XHAL_DTYPE_F16);
  const uint64_t i32 = XHAL_DTYPE_BIT(XHAL_DTYPE_I32), i64 = XHAL_DTYPE_BIT(XHAL_DTYPE_I64);
  switch (op) {
    case XHAL_OP_GATHER:
    case XHAL_OP_SHAPE:
      return xop_all_dtypes();
    case XHAL_OP_PAD:
    case XHAL_OP_CONSTANT_OF_SHAPE:
      return f32 | f16 | i32 | i64 | XHAL_DTYPE_BIT(XHAL_DTYPE_U8) |
             XHAL_DTYPE_BIT(XHAL_DTYPE_BOOL);
    case XHAL_OP_RESIZE: /* bool: nearest only (xog_resize) */
      return f32 | f16 | i32 | i64 | XHAL_DTYPE_BIT(XHAL_DTYPE_U8) |
             XHAL_DTYPE_BIT(XHAL_DTYPE_BOOL);
    case XHAL_OP_RANGE:
      return f32 | i32 | i64;
    default:
      return 0;
  }
}

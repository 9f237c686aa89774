/* xhal_op_check_shape.c - the data-movement operators as strided copies
 * (see xhal_op_check_shape.h). */
#include "xhal_op_check_shape.h"

#include <string.h>

#include "xhal_op_check_internal.h"

#define XS_INVALID XHAL_STATUS_INVALID_ARGUMENT

int xop_is_shape_op(uint32_t op) {
  switch (op) {
    XOP_CASE_SHAPE_OPS:
      return 1;
    default:
      return 0;
  }
}

/* ---- Views and copies -------------------------------------------------------------------- */

static void xop_shape_add_copy(xop_plan_t *plan, const xop_view_t *out, const xop_view_t *in,
                               int linear) {
  if (xop_view_count(out) == 0) return;
  const uint32_t i = plan->copy_count++;
  plan->copy_out[i] = *out;
  plan->copy_in[i] = *in;
  plan->copy_linear[i] = (uint8_t)linear;
}

/* v moved by n elements along dim k (n * strides[k] may be negative). */
static void xop_shape_advance(xop_view_t *v, uint32_t k, int64_t n) {
  const int64_t esize = (int64_t)xop_dtype_size(v->dtype);
  v->byte_offset = (uint64_t)((int64_t)v->byte_offset + n * v->strides[k] * esize);
}

/* The dims of v without extent-1 dims, neighbours merged where v walks them
 * contiguously (dims[k] then covers dims[k..j] with strides[j]). */
static uint32_t xop_shape_compact(const xop_view_t *v, int64_t *dims, int64_t *strides) {
  uint32_t n = 0;
  for (uint32_t k = 0; k < v->rank; ++k) {
    if (v->dims[k] == 1) continue;
    if (n && strides[n - 1] == v->strides[k] * v->dims[k]) {
      dims[n - 1] *= v->dims[k];
      strides[n - 1] = v->strides[k];
      continue;
    }
    dims[n] = v->dims[k];
    strides[n] = v->strides[k];
    ++n;
  }
  return n;
}

/* Copies in into out element by element in row-major order (Reshape
 * semantics: same count, any dims). Where both views split into common
 * dims, one ordinary strided copy; otherwise a copy_linear one. */
static void xop_shape_add_reshape(xop_plan_t *plan, const xop_view_t *out, const xop_view_t *in) {
  if (xop_view_count(out) == 0) return;
  int64_t ad[XHAL_MAX_RANK], as[XHAL_MAX_RANK], bd[XHAL_MAX_RANK], bs[XHAL_MAX_RANK];
  const uint32_t na = xop_shape_compact(in, ad, as), nb = xop_shape_compact(out, bd, bs);
  /* Common dims from the innermost: a dim that divides the other side's
   * splits it (splitting a strided dim is always a strided view). */
  int64_t dims[XHAL_MAX_RANK], sin[XHAL_MAX_RANK], sout[XHAL_MAX_RANK];
  uint32_t n = 0;
  int ia = (int)na - 1, ib = (int)nb - 1, ok = 1;
  int64_t ea = ia >= 0 ? ad[ia] : 1, sa = ia >= 0 ? as[ia] : 0;
  int64_t eb = ib >= 0 ? bd[ib] : 1, sb = ib >= 0 ? bs[ib] : 0;
  while (ok && ia >= 0 && ib >= 0) {
    if (n == XHAL_MAX_RANK || (ea % eb && eb % ea)) {
      ok = 0;
      break;
    }
    const int64_t e = ea < eb ? ea : eb;
    dims[n] = e, sin[n] = sa, sout[n] = sb, ++n;
    if (ea == e) {
      if (--ia >= 0) ea = ad[ia], sa = as[ia];
    } else {
      ea /= e, sa *= e;
    }
    if (eb == e) {
      if (--ib >= 0) eb = bd[ib], sb = bs[ib];
    } else {
      eb /= e, sb *= e;
    }
  }
  if (!ok) {
    xop_shape_add_copy(plan, out, in, 1);
    return;
  }
  xop_view_t vo = *out, vi = *in;
  vo.rank = vi.rank = n;
  for (uint32_t k = 0; k < n; ++k) {
    vo.dims[k] = vi.dims[k] = dims[n - 1 - k];
    vo.strides[k] = sout[n - 1 - k];
    vi.strides[k] = sin[n - 1 - k];
  }
  xop_shape_add_copy(plan, &vo, &vi, 0);
}

/* ---- Reshape, Flatten, Squeeze, Unsqueeze ------------------------------------------------ */

/* Reshape's `shape` with ONNX's rules: 0 copies the input dim (allowzero
 * 0) or is 0 (allowzero 1), one -1 takes what is left. */
static int32_t xop_reshape_target(const xop_ctx_t *c, const xop_view_t *x,
                                  const xhal_attr_t *shape, int allowzero, int64_t *dims) {
  if (shape->count > XHAL_MAX_RANK) {
    return XOP_FAIL(c, XS_INVALID, "%s: shape has %u entries, more than %d", c->op, shape->count,
                    XHAL_MAX_RANK);
  }
  int infer = -1, has_zero = 0;
  int64_t known = 1;
  for (uint32_t k = 0; k < shape->count; ++k) {
    int64_t d = shape->ints[k];
    if (d < -1)
      return XOP_FAIL(c, XS_INVALID, "%s: shape entry %u is %lld", c->op, k, (long long)d);
    if (d == -1) {
      if (infer >= 0) {
        return XOP_FAIL(c, XS_INVALID, "%s: shape has more than one -1 (entries %d, %u)", c->op,
                        infer, k);
      }
      infer = (int)k;
      continue;
    }
    if (d == 0 && !allowzero) {
      if (k >= x->rank) {
        return XOP_FAIL(c, XS_INVALID,
                        "%s: shape entry %u is 0 (copy the input dim) but the input has rank %u",
                        c->op, k, x->rank);
      }
      d = x->dims[k];
    }
    if (d == 0) has_zero = 1;
    dims[k] = d;
    if (__builtin_mul_overflow(known, d, &known))
      return XOP_FAIL(c, XS_INVALID, "%s: shape element count overflows", c->op);
  }
  const int64_t count = xop_view_count(x);
  char ts[XOP_DIMS_TEXT_SIZE], tx[XOP_DIMS_TEXT_SIZE];
  if (infer >= 0) {
    if (allowzero && has_zero)
      return XOP_FAIL(c, XS_INVALID, "%s: shape has both 0 and -1 with allowzero = 1", c->op);
    if (known == 0 || count % known) {
      return XOP_FAIL(c, XS_INVALID, "%s: shape %s: -1 cannot make %lld elements", c->op,
                      xop_dims_text(ts, sizeof ts, shape->count, shape->ints), (long long)count);
    }
    dims[infer] = count / known;
    known = count;
  }
  if (known != count) {
    return XOP_FAIL(c, XS_INVALID, "%s: shape %s has %lld elements, input dims %s have %lld",
                    c->op, xop_dims_text(ts, sizeof ts, shape->count, shape->ints),
                    (long long)known, XOP_DIMS(tx, x), (long long)count);
  }
  return XHAL_STATUS_OK;
}

static int32_t xop_check_reshape(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                                 xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"shape", XHAL_ATTR_INTS},
                                          {"allowzero", XHAL_ATTR_INT}};
  const xhal_attr_t *found[2];
  int allowzero = 0;
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 2, found));
  XOP_RETURN_IF_ERROR(xop_attr_flag(c, found[1], 0, &allowzero));
  const xop_view_t *x = &plan->in[0], *y = &plan->out;
  if (found[0]) {
    int64_t dims[XHAL_MAX_RANK];
    XOP_RETURN_IF_ERROR(xop_reshape_target(c, x, found[0], allowzero, dims));
    XOP_RETURN_IF_ERROR(xop_out_dims_check(c, y, found[0]->count, dims));
  } else if (xop_view_count(x) != xop_view_count(y)) {
    char tx[XOP_DIMS_TEXT_SIZE], ty[XOP_DIMS_TEXT_SIZE];
    return XOP_FAIL(c, XS_INVALID,
                    "%s: input dims %s (%lld elements) and output dims %s (%lld) differ in "
                    "element count",
                    c->op, XOP_DIMS(tx, x), (long long)xop_view_count(x), XOP_DIMS(ty, y),
                    (long long)xop_view_count(y));
  }
  xop_shape_add_reshape(plan, y, x);
  return XHAL_STATUS_OK;
}

static int32_t xop_check_flatten(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                                 xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"axis", XHAL_ATTR_INT}};
  const xhal_attr_t *found[1];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 1, found));
  const xop_view_t *x = &plan->in[0];
  /* axis may be rank (xop_axis stops at rank - 1). */
  const int64_t r = x->rank, axis = found[0] ? found[0]->i : 1;
  if (axis < -r || axis > r) {
    return XOP_FAIL(c, XS_INVALID, "%s: axis %lld is out of range [%lld, %lld]", c->op,
                    (long long)axis, (long long)-r, (long long)r);
  }
  const uint32_t a = (uint32_t)(axis < 0 ? axis + r : axis);
  int64_t dims[2] = {1, 1};
  for (uint32_t k = 0; k < x->rank; ++k) dims[k < a ? 0 : 1] *= x->dims[k];
  XOP_RETURN_IF_ERROR(xop_out_dims_check(c, &plan->out, 2, dims));
  xop_shape_add_reshape(plan, &plan->out, x);
  return XHAL_STATUS_OK;
}

static int32_t xop_check_squeeze(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                                 xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"axes", XHAL_ATTR_INTS}};
  const xhal_attr_t *found[1];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 1, found));
  const xop_view_t *x = &plan->in[0];
  uint32_t mask = 0;
  if (found[0]) {
    XOP_RETURN_IF_ERROR(xop_axes_parse(c, found[0], x->rank, &mask, NULL));
    for (uint32_t k = 0; k < x->rank; ++k) {
      if ((mask & (1u << k)) && x->dims[k] != 1) {
        return XOP_FAIL(c, XS_INVALID, "%s: axes selects input dim %u of extent %lld, not 1",
                        c->op, k, (long long)x->dims[k]);
      }
    }
  } else {
    for (uint32_t k = 0; k < x->rank; ++k)
      if (x->dims[k] == 1) mask |= 1u << k;
  }
  int64_t dims[XHAL_MAX_RANK];
  uint32_t rank = 0;
  for (uint32_t k = 0; k < x->rank; ++k)
    if (!(mask & (1u << k))) dims[rank++] = x->dims[k];
  XOP_RETURN_IF_ERROR(xop_out_dims_check(c, &plan->out, rank, dims));
  xop_shape_add_reshape(plan, &plan->out, x);
  return XHAL_STATUS_OK;
}

static int32_t xop_check_unsqueeze(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                                   xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"axes", XHAL_ATTR_INTS}};
  const xhal_attr_t *found[1];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 1, found));
  if (!found[0]) return XOP_FAIL(c, XS_INVALID, "%s: attribute 'axes' is required", c->op);
  const xop_view_t *x = &plan->in[0];
  const uint32_t rank = x->rank + found[0]->count;
  if (rank > XHAL_MAX_RANK) {
    return XOP_FAIL(c, XS_INVALID, "%s: input rank %u plus %u axes exceeds %d", c->op, x->rank,
                    found[0]->count, XHAL_MAX_RANK);
  }
  uint32_t mask = 0;
  XOP_RETURN_IF_ERROR(xop_axes_parse(c, found[0], rank, &mask, NULL));
  int64_t dims[XHAL_MAX_RANK];
  for (uint32_t k = 0, j = 0; k < rank; ++k) dims[k] = (mask & (1u << k)) ? 1 : x->dims[j++];
  XOP_RETURN_IF_ERROR(xop_out_dims_check(c, &plan->out, rank, dims));
  xop_shape_add_reshape(plan, &plan->out, x);
  return XHAL_STATUS_OK;
}

/* ---- Expand, Tile ------------------------------------------------------------------------ */

static int32_t xop_check_expand(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                                xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"shape", XHAL_ATTR_INTS}};
  const xhal_attr_t *found[1];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 1, found));
  const xop_view_t *x = &plan->in[0], *y = &plan->out;
  char tx[XOP_DIMS_TEXT_SIZE], ty[XOP_DIMS_TEXT_SIZE];
  if (found[0]) {
    /* Bidirectional broadcast of the input dims and shape. */
    const xhal_attr_t *s = found[0];
    const uint32_t r = s->count > x->rank ? s->count : x->rank;
    if (r > XHAL_MAX_RANK) {
      return XOP_FAIL(c, XS_INVALID, "%s: shape has %u entries, more than %d", c->op, s->count,
                      XHAL_MAX_RANK);
    }
    int64_t dims[XHAL_MAX_RANK];
    for (uint32_t k = 0; k < r; ++k) {
      const int kx = (int)k - (int)(r - x->rank), ks = (int)k - (int)(r - s->count);
      const int64_t dx = kx < 0 ? 1 : x->dims[kx], ds = ks < 0 ? 1 : s->ints[ks];
      if (ds < 0 || (dx != ds && dx != 1 && ds != 1)) {
        return XOP_FAIL(c, XS_INVALID,
                        "%s: input dims %s and shape %s do not broadcast (dim %u: %lld vs %lld)",
                        c->op, XOP_DIMS(tx, x), xop_dims_text(ty, sizeof ty, s->count, s->ints),
                        k, (long long)dx, (long long)ds);
      }
      dims[k] = dx == 1 ? ds : dx;
    }
    XOP_RETURN_IF_ERROR(xop_out_dims_check(c, y, r, dims));
  }
  int ok = y->rank >= x->rank;
  for (uint32_t k = 0; ok && k < x->rank; ++k) {
    const int64_t d = x->dims[k], o = y->dims[y->rank - x->rank + k];
    ok = d == o || d == 1;
  }
  if (!ok) {
    return XOP_FAIL(c, XS_INVALID, "%s: input dims %s do not broadcast to the output dims %s",
                    c->op, XOP_DIMS(tx, x), XOP_DIMS(ty, y));
  }
  xop_view_t e = *x;
  const uint32_t shift = y->rank - x->rank;
  for (uint32_t k = 0; k < y->rank; ++k) {
    const int64_t d = k < shift ? 1 : x->dims[k - shift];
    e.dims[k] = y->dims[k];
    e.strides[k] = d == 1 ? 0 : x->strides[k - shift];
  }
  e.rank = y->rank;
  xop_shape_add_copy(plan, y, &e, 0);
  return XHAL_STATUS_OK;
}

/* Tile in one copy: every tiled dim k (repeat > 1, extent > 1) becomes
 * (repeat, extent) with the input's stride 0 over the repeats. */
static void xop_tile_one_copy(xop_plan_t *plan, const int64_t *repeats) {
  const xop_view_t *x = &plan->in[0], *y = &plan->out;
  xop_view_t vi = *x, vo = *y;
  uint32_t n = 0;
  for (uint32_t k = 0; k < x->rank; ++k) {
    const int64_t d = x->dims[k];
    if (repeats[k] > 1 && d > 1) {
      vo.dims[n] = vi.dims[n] = repeats[k];
      vo.strides[n] = d * y->strides[k];
      vi.strides[n] = 0;
      ++n;
    }
    vo.dims[n] = vi.dims[n] = d == 1 ? y->dims[k] : d;
    vo.strides[n] = y->strides[k];
    vi.strides[n] = d == 1 ? 0 : x->strides[k];
    ++n;
  }
  vo.rank = vi.rank = n;
  xop_shape_add_copy(plan, &vo, &vi, 0);
}

/* Tile in steps: the input into the first tile, then for each tiled dim k
 * the block filled so far (complete in dims < k, the first tile in dims
 * >= k) copied into tiles 1..repeat-1 of dim k. */
static void xop_tile_steps(xop_plan_t *plan, const int64_t *repeats) {
  const xop_view_t *x = &plan->in[0], *y = &plan->out;
  xop_view_t block = *y;
  memcpy(block.dims, x->dims, sizeof block.dims);
  xop_shape_add_copy(plan, &block, x, 0);
  for (uint32_t k = 0; k < x->rank; ++k) {
    const int64_t d = x->dims[k];
    if (repeats[k] <= 1) continue;
    xop_view_t vi = block, vo = block;
    for (uint32_t j = x->rank; j > k; --j) {
      vi.dims[j] = vo.dims[j] = block.dims[j - 1];
      vi.strides[j] = vo.strides[j] = block.strides[j - 1];
    }
    vi.dims[k] = vo.dims[k] = repeats[k] - 1;
    vi.strides[k] = 0;
    vo.strides[k] = d * y->strides[k];
    vi.rank = vo.rank = x->rank + 1;
    xop_shape_advance(&vo, k + 1, d);
    xop_shape_add_copy(plan, &vo, &vi, 0);
    block.dims[k] = y->dims[k];
  }
}

static int32_t xop_check_tile(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                              xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"repeats", XHAL_ATTR_INTS}};
  const xhal_attr_t *found[1];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 1, found));
  const xop_view_t *x = &plan->in[0];
  const xhal_attr_t *r = found[0];
  if (!r) return XOP_FAIL(c, XS_INVALID, "%s: attribute 'repeats' is required", c->op);
  if (r->count != x->rank) {
    return XOP_FAIL(c, XS_INVALID, "%s: repeats has %u entries for an input of rank %u", c->op,
                    r->count, x->rank);
  }
  int64_t dims[XHAL_MAX_RANK];
  uint32_t tiled = 0;
  for (uint32_t k = 0; k < x->rank; ++k) {
    if (r->ints[k] < 0) {
      return XOP_FAIL(c, XS_INVALID, "%s: repeats entry %u is %lld, expected >= 0", c->op, k,
                      (long long)r->ints[k]);
    }
    if (__builtin_mul_overflow(x->dims[k], r->ints[k], &dims[k]))
      return XOP_FAIL(c, XS_INVALID, "%s: output dim %u overflows", c->op, k);
    tiled += r->ints[k] > 1 && x->dims[k] > 1;
  }
  XOP_RETURN_IF_ERROR(xop_out_dims_check(c, &plan->out, x->rank, dims));
  if (xop_view_count(&plan->out) == 0) return XHAL_STATUS_OK;
  if (x->rank + tiled <= XHAL_MAX_RANK)
    xop_tile_one_copy(plan, r->ints);
  else
    xop_tile_steps(plan, r->ints);
  return XHAL_STATUS_OK;
}

/* ---- Concat, Split ----------------------------------------------------------------------- */

static int32_t xop_check_concat(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                                xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"axis", XHAL_ATTR_INT}};
  const xhal_attr_t *found[1];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 1, found));
  if (!found[0]) return XOP_FAIL(c, XS_INVALID, "%s: attribute 'axis' is required", c->op);
  const xop_view_t *x0 = &plan->in[0];
  uint32_t a = 0;
  XOP_RETURN_IF_ERROR(xop_axis(c, "axis", found[0]->i, x0->rank, &a));
  int64_t dims[XHAL_MAX_RANK];
  memcpy(dims, x0->dims, sizeof dims);
  dims[a] = 0;
  for (uint32_t i = 0; i < plan->input_count; ++i) {
    const xop_view_t *x = &plan->in[i];
    int ok = x->rank == x0->rank;
    for (uint32_t k = 0; ok && k < x->rank; ++k) ok = k == a || x->dims[k] == x0->dims[k];
    if (!ok) {
      char t0[XOP_DIMS_TEXT_SIZE], ti[XOP_DIMS_TEXT_SIZE];
      return XOP_FAIL(c, XS_INVALID, "%s: input %u dims %s and input 0 dims %s differ outside "
                      "axis %u", c->op, i, XOP_DIMS(ti, x), XOP_DIMS(t0, x0), a);
    }
    dims[a] += x->dims[a];
  }
  XOP_RETURN_IF_ERROR(xop_out_dims_check(c, &plan->out, x0->rank, dims));
  int64_t at = 0;
  for (uint32_t i = 0; i < plan->input_count; ++i) {
    xop_view_t part = plan->out;
    part.dims[a] = plan->in[i].dims[a];
    if (xop_view_count(&part)) xop_shape_advance(&part, a, at);
    xop_shape_add_copy(plan, &part, &plan->in[i], 0);
    at += part.dims[a];
  }
  return XHAL_STATUS_OK;
}

static int32_t xop_check_split(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                               xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"axis", XHAL_ATTR_INT}, {"split", XHAL_ATTR_INTS}};
  const xhal_attr_t *found[2];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 2, found));
  const xop_view_t *x = &plan->in[0];
  uint32_t a = 0;
  XOP_RETURN_IF_ERROR(xop_axis(c, "axis", found[0] ? found[0]->i : 0, x->rank, &a));
  const uint32_t n = plan->output_count;
  const int64_t extent = x->dims[a];
  int64_t parts[XOP_MAX_OUTPUTS];
  const xhal_attr_t *split = found[1];
  if (split) {
    if (split->count != n) {
      return XOP_FAIL(c, XS_INVALID, "%s: split has %u entries for %u outputs", c->op,
                      split->count, n);
    }
    int64_t sum = 0;
    for (uint32_t i = 0; i < n; ++i) {
      parts[i] = split->ints[i];
      if (parts[i] < 0 || __builtin_add_overflow(sum, parts[i], &sum)) {
        return XOP_FAIL(c, XS_INVALID, "%s: split entry %u is %lld", c->op, i,
                        (long long)parts[i]);
      }
    }
    if (sum != extent) {
      char ts[XOP_DIMS_TEXT_SIZE];
      return XOP_FAIL(c, XS_INVALID, "%s: split %s sums to %lld, but input dim %u is %lld",
                      c->op, xop_dims_text(ts, sizeof ts, n, split->ints), (long long)sum, a,
                      (long long)extent);
    }
  } else {
    if (extent % n) {
      return XOP_FAIL(c, XS_INVALID, "%s: input dim %u (%lld) does not split into %u equal parts",
                      c->op, a, (long long)extent, n);
    }
    for (uint32_t i = 0; i < n; ++i) parts[i] = extent / n;
  }
  int64_t at = 0;
  for (uint32_t i = 0; i < n; ++i) {
    int64_t dims[XHAL_MAX_RANK];
    memcpy(dims, x->dims, sizeof dims);
    dims[a] = parts[i];
    XOP_RETURN_IF_ERROR(xop_out_index_dims_check(c, i, &plan->outs[i], x->rank, dims));
    xop_view_t part = *x;
    part.dims[a] = parts[i];
    if (xop_view_count(&part)) xop_shape_advance(&part, a, at);
    xop_shape_add_copy(plan, &plan->outs[i], &part, 0);
    at += parts[i];
  }
  return XHAL_STATUS_OK;
}

/* ---- Slice ------------------------------------------------------------------------------- */

/* ONNX's clamping of one sliced dim of extent d: the first index and the
 * number of indices taken. */
static void xop_slice_range(int64_t d, int64_t start, int64_t end, int64_t step, int64_t *first,
                            int64_t *len) {
  *first = 0, *len = 0;
  if (d == 0) return;
  if (start < 0) start += d; /* cannot overflow: d > 0 */
  if (end < 0) end += d;
  if (step > 0) {
    start = start < 0 ? 0 : start > d ? d : start;
    end = end < 0 ? 0 : end > d ? d : end;
    if (end > start) *len = (end - start - 1) / step + 1;
  } else {
    start = start < 0 ? 0 : start > d - 1 ? d - 1 : start;
    end = end < -1 ? -1 : end > d - 1 ? d - 1 : end;
    const uint64_t back = step == INT64_MIN ? (uint64_t)INT64_MAX + 1 : (uint64_t)-step;
    if (start > end) *len = (int64_t)((uint64_t)(start - end - 1) / back) + 1;
  }
  *first = start;
}

static int32_t xop_check_slice(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                               xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"starts", XHAL_ATTR_INTS},
                                          {"ends", XHAL_ATTR_INTS},
                                          {"axes", XHAL_ATTR_INTS},
                                          {"steps", XHAL_ATTR_INTS}};
  const xhal_attr_t *found[4];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 4, found));
  if (!found[0] || !found[1]) {
    return XOP_FAIL(c, XS_INVALID, "%s: attribute '%s' is required", c->op,
                    found[0] ? "ends" : "starts");
  }
  const xop_view_t *x = &plan->in[0];
  const uint32_t n = found[0]->count;
  for (int s = 1; s < 4; ++s) {
    if (found[s] && found[s]->count != n) {
      return XOP_FAIL(c, XS_INVALID, "%s: %s has %u entries but starts has %u", c->op,
                      specs[s].name, found[s]->count, n);
    }
  }
  if (n > x->rank) {
    return XOP_FAIL(c, XS_INVALID, "%s: starts has %u entries for an input of rank %u", c->op, n,
                    x->rank);
  }
  /* Without axes, entry i slices dim i. */
  uint32_t mask = 0, axis[XHAL_MAX_RANK];
  for (uint32_t i = 0; i < n; ++i) axis[i] = i;
  XOP_RETURN_IF_ERROR(xop_axes_parse(c, found[2], x->rank, &mask, axis));
  xop_view_t v = *x;
  int64_t first[XHAL_MAX_RANK] = {0};
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t k = axis[i];
    const int64_t step = found[3] ? found[3]->ints[i] : 1;
    if (step == 0) return XOP_FAIL(c, XS_INVALID, "%s: steps entry %u is 0", c->op, i);
    xop_slice_range(x->dims[k], found[0]->ints[i], found[1]->ints[i], step, &first[k],
                    &v.dims[k]);
    /* With two or more indices |step| < extent, so the product fits. */
    v.strides[k] = v.dims[k] > 1 ? x->strides[k] * step : 0;
  }
  XOP_RETURN_IF_ERROR(xop_out_dims_check(c, &plan->out, v.rank, v.dims));
  if (xop_view_count(&v) == 0) return XHAL_STATUS_OK;
  for (uint32_t k = 0; k < x->rank; ++k) {
    if (!first[k]) continue;
    v.byte_offset += (uint64_t)first[k] * (uint64_t)x->strides[k] * xop_dtype_size(x->dtype);
  }
  xop_shape_add_copy(plan, &plan->out, &v, 0);
  return XHAL_STATUS_OK;
}

/* ---- Dispatch ---------------------------------------------------------------------------- */

int32_t xop_check_shape(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *plan) {
  plan->copy_count = 0;
  switch (plan->op) {
    case XHAL_OP_RESHAPE:
      return xop_check_reshape(c, desc, plan);
    case XHAL_OP_FLATTEN:
      return xop_check_flatten(c, desc, plan);
    case XHAL_OP_SQUEEZE:
      return xop_check_squeeze(c, desc, plan);
    case XHAL_OP_UNSQUEEZE:
      return xop_check_unsqueeze(c, desc, plan);
    case XHAL_OP_EXPAND:
      return xop_check_expand(c, desc, plan);
    case XHAL_OP_TILE:
      return xop_check_tile(c, desc, plan);
    case XHAL_OP_CONCAT:
      return xop_check_concat(c, desc, plan);
    case XHAL_OP_SPLIT:
      return xop_check_split(c, desc, plan);
    case XHAL_OP_SLICE:
      return xop_check_slice(c, desc, plan);
    default:
      return XOP_FAIL(c, XS_INVALID, "%s: not a data-movement op", c->op);
  }
}

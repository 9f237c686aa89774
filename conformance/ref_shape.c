/*
 * ref_shape.c - reference of the data-movement operators, written from the
 * ONNX specification (opset 13 forms): Reshape (0 copies the input dim
 * unless allowzero, one -1 is inferred), Flatten (axis in [-r, r]),
 * Squeeze (axes, or every extent-1 dim), Unsqueeze (axes in the output's
 * rank), Concat, Split (split sizes, or equal parts), Slice (starts and ends
 * clamped per the spec, negative steps), Expand (bidirectional broadcast)
 * and Tile. Every output element is an input element: values are moved as
 * they are (raw bits or values, as the inputs hold them).
 */
#include <stdio.h>
#include <string.h>

#include "ref_ops.h"

int ref_shape_is_op(xhal_op_t op) {
  switch (op) {
  REF_CASE_SHAPE_OPS: return 1;
  default: return 0;
  }
}

static uint32_t ref_shape_outputs(xhal_op_t op, const ref_attrs_t *attrs) {
  return op == XHAL_OP_SPLIT && attrs->output_count ? attrs->output_count : 1;
}

/* ---- Shape inference ------------------------------------------------------------ */

static int ref_reshape_infer(const ref_shape_t *x, const ref_attrs_t *a, ref_shape_t *out,
                             char *err, size_t err_size) {
  if (!a->shape.has) {
    snprintf(err, err_size, "Reshape needs its target shape");
    return -1;
  }
  int64_t known = 1;
  int minus = -1, zero = 0;
  out->rank = a->shape.count;
  for (uint32_t d = 0; d < a->shape.count; d++) {
    int64_t v = a->shape.v[d];
    if (v < -1 || (v == -1 && minus >= 0)) {
      snprintf(err, err_size, "shape entry %u (%lld) is invalid", d, (long long)v);
      return -1;
    }
    if (v == -1) {
      minus = (int)d;
      continue;
    }
    if (v == 0 && !a->allowzero) {
      if (d >= x->rank) {
        snprintf(err, err_size, "shape entry %u is 0 beyond the input rank", d);
        return -1;
      }
      v = x->dims[d];
    }
    zero |= v == 0;
    out->dims[d] = v;
    known *= v;
  }
  int64_t count = (int64_t)ref_shape_count(x);
  if (minus >= 0) {
    if ((a->allowzero && zero) || known == 0 || count % known) {
      snprintf(err, err_size, "-1 in shape cannot be inferred");
      return -1;
    }
    out->dims[minus] = count / known;
    known = count;
  }
  if (known != count) {
    snprintf(err, err_size, "shape has %lld elements, the input %lld", (long long)known,
             (long long)count);
    return -1;
  }
  return 0;
}

/* Axis entries normalised into mask (bit per dim); -1 if out of range or repeated. */
static int ref_axes_mask(const int64_t *axes, uint32_t count, uint32_t rank, uint32_t *mask) {
  *mask = 0;
  for (uint32_t i = 0; i < count; i++) {
    int64_t a = ref_normalize_axis(axes[i], rank);
    if (a < 0 || (*mask & (1u << a))) return -1;
    *mask |= 1u << a;
  }
  return 0;
}

static int ref_split_parts(const ref_shape_t *x, const ref_attrs_t *a, uint32_t *axis,
                           int64_t *parts, char *err, size_t err_size) {
  uint32_t n = ref_shape_outputs(XHAL_OP_SPLIT, a);
  int64_t ax = ref_normalize_axis(a->has_axis ? a->axis : 0, x->rank);
  if (ax < 0) {
    snprintf(err, err_size, "Split axis out of range");
    return -1;
  }
  *axis = (uint32_t)ax;
  int64_t extent = x->dims[ax], sum = 0;
  if (a->split.has) {
    if (a->split.count != n) {
      snprintf(err, err_size, "split has %u entries for %u outputs", a->split.count, n);
      return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
      if (a->split.v[i] < 0) {
        snprintf(err, err_size, "negative split entry");
        return -1;
      }
      parts[i] = a->split.v[i];
      sum += parts[i];
    }
    if (sum != extent) {
      snprintf(err, err_size, "split sums to %lld, dim is %lld", (long long)sum,
               (long long)extent);
      return -1;
    }
    return 0;
  }
  if (extent % n) {
    snprintf(err, err_size, "dim %lld does not split into %u equal parts", (long long)extent, n);
    return -1;
  }
  for (uint32_t i = 0; i < n; i++) parts[i] = extent / n;
  return 0;
}

/* Slice: first index and step per dim of x, the output extent in out. */
static int ref_slice_plan(const ref_shape_t *x, const ref_attrs_t *a, int64_t *first,
                          int64_t *step, ref_shape_t *out, char *err, size_t err_size) {
  uint32_t n = a->starts.count;
  if (!a->starts.has || !a->ends.has || a->ends.count != n ||
      (a->has_axes && a->axes_count != n) || (a->steps.has && a->steps.count != n) ||
      n > x->rank) {
    snprintf(err, err_size, "starts/ends/axes/steps do not agree");
    return -1;
  }
  *out = *x;
  for (uint32_t d = 0; d < x->rank; d++) first[d] = 0, step[d] = 1;
  uint32_t seen = 0;
  for (uint32_t i = 0; i < n; i++) {
    int64_t ax = ref_normalize_axis(a->has_axes ? a->axes[i] : (int64_t)i, x->rank);
    int64_t st = a->steps.has ? a->steps.v[i] : 1;
    if (ax < 0 || (seen & (1u << ax)) || st == 0) {
      snprintf(err, err_size, "Slice axes entry %u or its step is invalid", i);
      return -1;
    }
    seen |= 1u << ax;
    int64_t d = x->dims[ax], s = a->starts.v[i], e = a->ends.v[i];
    /* The spec: negative indices count from the end, then clamp to
     * [0, d] (step > 0) or [0, d-1] / [-1, d-1] (step < 0). */
    if (s < 0) s += d;
    if (e < 0) e += d;
    long double len;
    if (st > 0) {
      s = s < 0 ? 0 : s > d ? d : s;
      e = e < 0 ? 0 : e > d ? d : e;
      len = e > s ? ((long double)e - s) / st : 0;
    } else {
      s = s < 0 ? 0 : s > d - 1 ? d - 1 : s;
      e = e < -1 ? -1 : e > d - 1 ? d - 1 : e;
      len = s > e ? ((long double)s - e) / -(long double)st : 0;
    }
    int64_t count = (int64_t)len;
    if ((long double)count < len) count++;
    if (d == 0) count = 0;
    out->dims[ax] = count;
    first[ax] = s;
    step[ax] = st;
  }
  return 0;
}

int ref_shape_infer(xhal_op_t op, uint32_t input_count, const ref_shape_t *shapes,
                    const ref_attrs_t *a, ref_shape_t *outs, char *err, size_t err_size) {
  const ref_shape_t *x = &shapes[0];
  ref_shape_t *out = &outs[0];
  uint32_t mask = 0;
  if (op != XHAL_OP_CONCAT && input_count != 1) {
    snprintf(err, err_size, "%u inputs, the op takes 1", input_count);
    return -1;
  }
  switch (op) {
  case XHAL_OP_RESHAPE: return ref_reshape_infer(x, a, out, err, err_size);
  case XHAL_OP_FLATTEN: {
    int64_t axis = a->has_axis ? a->axis : 1;
    if (axis < -(int64_t)x->rank || axis > (int64_t)x->rank) {
      snprintf(err, err_size, "Flatten axis %lld out of range", (long long)axis);
      return -1;
    }
    if (axis < 0) axis += x->rank;
    out->rank = 2;
    out->dims[0] = out->dims[1] = 1;
    for (uint32_t d = 0; d < x->rank; d++) out->dims[(int64_t)d < axis ? 0 : 1] *= x->dims[d];
    return 0;
  }
  case XHAL_OP_SQUEEZE:
    if (a->has_axes && ref_axes_mask(a->axes, a->axes_count, x->rank, &mask) != 0) {
      snprintf(err, err_size, "Squeeze axes invalid");
      return -1;
    }
    out->rank = 0;
    for (uint32_t d = 0; d < x->rank; d++) {
      int squeeze = a->has_axes ? (mask >> d) & 1 : x->dims[d] == 1;
      if (squeeze && x->dims[d] != 1) {
        snprintf(err, err_size, "Squeeze of dim %u of extent %lld", d, (long long)x->dims[d]);
        return -1;
      }
      if (!squeeze) out->dims[out->rank++] = x->dims[d];
    }
    return 0;
  case XHAL_OP_UNSQUEEZE: {
    uint32_t rank = x->rank + a->axes_count;
    if (!a->has_axes || rank > XHAL_MAX_RANK ||
        ref_axes_mask(a->axes, a->axes_count, rank, &mask) != 0) {
      snprintf(err, err_size, "Unsqueeze axes invalid");
      return -1;
    }
    out->rank = rank;
    for (uint32_t d = 0, j = 0; d < rank; d++) out->dims[d] = (mask >> d) & 1 ? 1 : x->dims[j++];
    return 0;
  }
  case XHAL_OP_CONCAT: {
    int64_t axis = a->has_axis ? ref_normalize_axis(a->axis, x->rank) : -1;
    if (axis < 0) {
      snprintf(err, err_size, "Concat axis missing or out of range");
      return -1;
    }
    *out = *x;
    out->dims[axis] = 0;
    for (uint32_t k = 0; k < input_count; k++) {
      for (uint32_t d = 0; d < x->rank; d++) {
        if (shapes[k].rank != x->rank || ((int64_t)d != axis && shapes[k].dims[d] != x->dims[d])) {
          snprintf(err, err_size, "Concat input %u shape differs", k);
          return -1;
        }
      }
      out->dims[axis] += shapes[k].dims[axis];
    }
    return 0;
  }
  case XHAL_OP_SPLIT: {
    uint32_t axis;
    int64_t parts[REF_SHAPE_MAX_OUTPUTS];
    if (ref_split_parts(x, a, &axis, parts, err, err_size) != 0) return -1;
    for (uint32_t i = 0; i < ref_shape_outputs(op, a); i++) {
      outs[i] = *x;
      outs[i].dims[axis] = parts[i];
    }
    return 0;
  }
  case XHAL_OP_SLICE: {
    int64_t first[XHAL_MAX_RANK], step[XHAL_MAX_RANK];
    return ref_slice_plan(x, a, first, step, out, err, err_size);
  }
  case XHAL_OP_EXPAND: {
    ref_shape_t s;
    if (!a->shape.has) {
      snprintf(err, err_size, "Expand needs its shape");
      return -1;
    }
    s.rank = a->shape.count;
    for (uint32_t d = 0; d < s.rank; d++) s.dims[d] = a->shape.v[d];
    if (ref_broadcast_shape(x, &s, out) != 0) {
      snprintf(err, err_size, "Expand shapes do not broadcast");
      return -1;
    }
    return 0;
  }
  case XHAL_OP_TILE:
    if (!a->repeats.has || a->repeats.count != x->rank) {
      snprintf(err, err_size, "Tile repeats invalid");
      return -1;
    }
    *out = *x;
    for (uint32_t d = 0; d < x->rank; d++) {
      if (a->repeats.v[d] < 0) {
        snprintf(err, err_size, "negative repeat");
        return -1;
      }
      out->dims[d] = x->dims[d] * a->repeats.v[d];
    }
    return 0;
  default: snprintf(err, err_size, "not a data-movement op"); return -1;
  }
}

/* ---- Values ------------------------------------------------------------------------- */

static void ref_move(ref_tensor_t *out, uint64_t n, const ref_tensor_t *x, uint64_t src) {
  if (out->f)
    out->f[n] = x->f[src];
  else
    out->i[n] = x->i[src];
}

int ref_shape_compute(xhal_op_t op, uint32_t input_count, const ref_tensor_t *inputs,
                      const ref_attrs_t *a, ref_tensor_t *outs, char *err, size_t err_size) {
  ref_shape_t shapes[REF_SHAPE_MAX_INPUTS], out_shapes[REF_SHAPE_MAX_OUTPUTS];
  uint32_t n_out = ref_shape_outputs(op, a);
  memset(outs, 0, n_out * sizeof *outs);
  if (input_count == 0 || input_count > REF_SHAPE_MAX_INPUTS) {
    snprintf(err, err_size, "%u inputs", input_count);
    return -1;
  }
  for (uint32_t k = 0; k < input_count; k++) shapes[k] = inputs[k].shape;
  if (ref_shape_infer(op, input_count, shapes, a, out_shapes, err, err_size) != 0) return -1;
  const ref_tensor_t *x = &inputs[0];
  for (uint32_t j = 0; j < n_out; j++) {
    if (ref_tensor_init(&outs[j], x->dtype, &out_shapes[j], x->raw, 0) != 0) {
      for (uint32_t k = 0; k < j; k++) ref_tensor_deinit(&outs[k]);
      snprintf(err, err_size, "out of host memory for the reference");
      return -1;
    }
  }
  int64_t oc[XHAL_MAX_RANK], ic[XHAL_MAX_RANK];
  switch (op) {
  case XHAL_OP_RESHAPE:
  case XHAL_OP_FLATTEN:
  case XHAL_OP_SQUEEZE:
  case XHAL_OP_UNSQUEEZE: /* row-major order is kept */
    for (uint64_t n = 0; n < outs[0].count; n++) ref_move(&outs[0], n, x, n);
    return 0;
  case XHAL_OP_EXPAND:
    for (uint64_t n = 0; n < outs[0].count; n++) {
      ref_unravel(n, &outs[0].shape, oc);
      ref_move(&outs[0], n, x, ref_broadcast_source(&x->shape, oc, outs[0].shape.rank));
    }
    return 0;
  case XHAL_OP_TILE:
    for (uint64_t n = 0; n < outs[0].count; n++) {
      ref_unravel(n, &outs[0].shape, oc);
      for (uint32_t d = 0; d < x->shape.rank; d++) ic[d] = oc[d] % x->shape.dims[d];
      ref_move(&outs[0], n, x, ref_ravel(ic, &x->shape));
    }
    return 0;
  case XHAL_OP_CONCAT: {
    uint32_t axis = (uint32_t)ref_normalize_axis(a->axis, x->shape.rank);
    for (uint64_t n = 0; n < outs[0].count; n++) {
      ref_unravel(n, &outs[0].shape, oc);
      uint32_t k = 0;
      while (oc[axis] >= inputs[k].shape.dims[axis]) oc[axis] -= inputs[k++].shape.dims[axis];
      ref_move(&outs[0], n, &inputs[k], ref_ravel(oc, &inputs[k].shape));
    }
    return 0;
  }
  case XHAL_OP_SPLIT: {
    uint32_t axis;
    int64_t parts[REF_SHAPE_MAX_OUTPUTS], at = 0;
    ref_split_parts(&x->shape, a, &axis, parts, err, err_size);
    for (uint32_t j = 0; j < n_out; j++) {
      for (uint64_t n = 0; n < outs[j].count; n++) {
        ref_unravel(n, &outs[j].shape, oc);
        oc[axis] += at;
        ref_move(&outs[j], n, x, ref_ravel(oc, &x->shape));
      }
      at += parts[j];
    }
    return 0;
  }
  case XHAL_OP_SLICE: {
    int64_t first[XHAL_MAX_RANK], step[XHAL_MAX_RANK];
    ref_shape_t s;
    ref_slice_plan(&x->shape, a, first, step, &s, err, err_size);
    for (uint64_t n = 0; n < outs[0].count; n++) {
      ref_unravel(n, &outs[0].shape, oc);
      for (uint32_t d = 0; d < x->shape.rank; d++) ic[d] = first[d] + oc[d] * step[d];
      ref_move(&outs[0], n, x, ref_ravel(ic, &x->shape));
    }
    return 0;
  }
  default: return -1;
  }
}

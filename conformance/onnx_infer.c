/* onnx_infer.c - ONNX shape inference for the ONNX runner (see
 * onnx_infer.h): own rules for the first ops, the conformance reference's
 * (ref_op_infer_outputs, ref_conv_infer, ref_shape_infer) for the others. */
#include "onnx_infer.h"

#include <stdio.h>
#include <string.h>

#include "ref_ops.h"

const xhal_attr_t *onnx_call_attr(const xhal_op_call_t *call, const char *name) {
  for (uint32_t i = 0; i < call->attr_count; ++i) {
    if (strcmp(call->attrs[i].name, name) == 0) return &call->attrs[i];
  }
  return NULL;
}

static int onnx_attr_int(const xhal_op_call_t *call, const char *name, int64_t fallback) {
  const xhal_attr_t *a = onnx_call_attr(call, name);
  return (int)(a && a->type == XHAL_ATTR_INT ? a->i : fallback);
}

/* Numpy broadcasting of the first n inputs into out. */
static int onnx_infer_broadcast(const xhal_op_call_t *call, uint32_t n, xhal_tensor_t *out,
                                char *why, size_t why_size) {
  out->rank = 0;
  for (uint32_t i = 0; i < n; ++i) {
    if (call->inputs[i].rank > out->rank) out->rank = call->inputs[i].rank;
  }
  for (uint32_t d = 0; d < out->rank; ++d) out->dims[d] = 1;
  for (uint32_t i = 0; i < n; ++i) {
    const xhal_tensor_t *t = &call->inputs[i];
    for (uint32_t k = 0; k < t->rank; ++k) {
      int64_t *o = &out->dims[out->rank - t->rank + k];
      int64_t dim = t->dims[k];
      if (*o == 1) {
        *o = dim;
      } else if (dim != 1 && dim != *o) {
        snprintf(why, why_size, "input %u dim %u (%lld) does not broadcast with %lld", i, k,
                 (long long)dim, (long long)*o);
        return -1;
      }
    }
  }
  return 0;
}

static int onnx_infer_matmul(const xhal_op_call_t *call, xhal_tensor_t *out, char *why,
                             size_t why_size) {
  const xhal_tensor_t *a = &call->inputs[0], *b = &call->inputs[1];
  if (!a->rank || !b->rank) {
    snprintf(why, why_size, "MatMul of a scalar");
    return -1;
  }
  int64_t m = a->rank > 1 ? a->dims[a->rank - 2] : 1, ka = a->dims[a->rank - 1];
  int64_t kb = b->rank > 1 ? b->dims[b->rank - 2] : b->dims[0];
  int64_t n = b->rank > 1 ? b->dims[b->rank - 1] : 1;
  if (ka != kb) {
    snprintf(why, why_size, "inner dims %lld and %lld differ", (long long)ka, (long long)kb);
    return -1;
  }
  /* batch dims: numpy broadcasting of everything before the matrix dims */
  xhal_op_call_t batch = *call;
  xhal_tensor_t batch_in[2] = {*a, *b};
  batch_in[0].rank = a->rank > 2 ? a->rank - 2 : 0;
  batch_in[1].rank = b->rank > 2 ? b->rank - 2 : 0;
  batch.inputs = batch_in;
  if (onnx_infer_broadcast(&batch, 2, out, why, why_size) != 0) return -1;
  if (a->rank > 1) out->dims[out->rank++] = m;
  if (b->rank > 1) out->dims[out->rank++] = n;
  if (out->rank > XHAL_MAX_RANK) {
    snprintf(why, why_size, "result rank above %d", XHAL_MAX_RANK);
    return -1;
  }
  return 0;
}

static int onnx_infer_gemm(const xhal_op_call_t *call, xhal_tensor_t *out, char *why,
                           size_t why_size) {
  const xhal_tensor_t *a = &call->inputs[0], *b = &call->inputs[1];
  if (a->rank != 2 || b->rank != 2) {
    snprintf(why, why_size, "Gemm needs 2-D A and B, not rank %u and %u", a->rank, b->rank);
    return -1;
  }
  int trans_a = onnx_attr_int(call, "transA", 0), trans_b = onnx_attr_int(call, "transB", 0);
  out->rank = 2;
  out->dims[0] = a->dims[trans_a ? 1 : 0];
  out->dims[1] = b->dims[trans_b ? 0 : 1];
  return 0;
}

static int onnx_infer_reduce(const xhal_op_call_t *call, xhal_tensor_t *out, char *why,
                             size_t why_size) {
  const xhal_tensor_t *in = &call->inputs[0];
  const xhal_attr_t *axes = onnx_call_attr(call, "axes");
  int keepdims = onnx_attr_int(call, "keepdims", 1);
  int noop = onnx_attr_int(call, "noop_with_empty_axes", 0);
  int reduced[XHAL_MAX_RANK] = {0};
  uint32_t count = axes && axes->type == XHAL_ATTR_INTS ? axes->count : 0;
  if (!count && noop) {
    *out = *in;
    return 0;
  }
  for (uint32_t d = 0; d < in->rank; ++d) reduced[d] = count == 0;
  for (uint32_t k = 0; k < count; ++k) {
    int64_t axis = axes->ints[k] < 0 ? axes->ints[k] + in->rank : axes->ints[k];
    if (axis < 0 || axis >= (int64_t)in->rank) {
      snprintf(why, why_size, "axis %lld is outside rank %u", (long long)axes->ints[k], in->rank);
      return -1;
    }
    reduced[axis] = 1;
  }
  out->rank = 0;
  for (uint32_t d = 0; d < in->rank; ++d) {
    if (!reduced[d]) {
      out->dims[out->rank++] = in->dims[d];
    } else if (keepdims) {
      out->dims[out->rank++] = 1;
    }
  }
  return 0;
}

static int onnx_infer_transpose(const xhal_op_call_t *call, xhal_tensor_t *out, char *why,
                                size_t why_size) {
  const xhal_tensor_t *in = &call->inputs[0];
  const xhal_attr_t *perm = onnx_call_attr(call, "perm");
  int used[XHAL_MAX_RANK] = {0};
  if (perm && (perm->type != XHAL_ATTR_INTS || perm->count != in->rank)) {
    snprintf(why, why_size, "perm does not list the %u axes", in->rank);
    return -1;
  }
  out->rank = in->rank;
  for (uint32_t d = 0; d < in->rank; ++d) {
    int64_t p = perm ? perm->ints[d] : (int64_t)(in->rank - 1 - d);
    if (p < 0 || p >= (int64_t)in->rank || used[p]) {
      snprintf(why, why_size, "perm entry %u (%lld) is out of range or repeated", d,
               (long long)p);
      return -1;
    }
    used[p] = 1;
    out->dims[d] = in->dims[p];
  }
  return 0;
}

/* Conv family: the conformance reference's shape inference. */
static int onnx_infer_conv(const xhal_op_call_t *call, xhal_tensor_t *out, char *why,
                           size_t why_size) {
  ref_shape_t shapes[3];
  uint32_t n = call->input_count < 3 ? call->input_count : 3;
  for (uint32_t i = 0; i < n; ++i) {
    shapes[i].rank = call->inputs[i].rank;
    memcpy(shapes[i].dims, call->inputs[i].dims, sizeof shapes[i].dims);
  }
  ref_attrs_t attrs;
  ref_attrs_init(&attrs);
  ref_conv_attrs_decode(&attrs, call->attrs, call->attr_count);
  ref_shape_t shape;
  if (ref_conv_infer(call->op, call->input_count, shapes, &attrs, &shape, why, why_size) != 0)
    return -1;
  out->rank = shape.rank;
  memcpy(out->dims, shape.dims, sizeof out->dims);
  return 0;
}

/* Decodes the attributes the reference's shape inference reads for the
 * norm group (axis, axes, keepdims, noop_with_empty_axes,
 * select_last_index, training_mode, epsilon); Gather..Range decode theirs
 * with ref_gather_attrs_decode. */
static void onnx_ref_attrs_decode(const xhal_op_call_t *call, ref_attrs_t *attrs) {
  for (uint32_t i = 0; i < call->attr_count; ++i) {
    const xhal_attr_t *a = &call->attrs[i];
    if (a->type == XHAL_ATTR_INT && strcmp(a->name, "axis") == 0) {
      attrs->has_axis = 1;
      attrs->axis = a->i;
    } else if (a->type == XHAL_ATTR_INTS && strcmp(a->name, "axes") == 0 &&
               a->count <= XHAL_MAX_RANK) {
      attrs->has_axes = 1;
      attrs->axes_count = a->count;
      memcpy(attrs->axes, a->ints, a->count * sizeof *a->ints);
    } else if (a->type == XHAL_ATTR_INT && strcmp(a->name, "keepdims") == 0) {
      attrs->keepdims = a->i;
    } else if (a->type == XHAL_ATTR_INT && strcmp(a->name, "noop_with_empty_axes") == 0) {
      attrs->noop_with_empty_axes = a->i;
    } else if (a->type == XHAL_ATTR_INT && strcmp(a->name, "select_last_index") == 0) {
      attrs->select_last_index = a->i;
    } else if (a->type == XHAL_ATTR_INT && strcmp(a->name, "training_mode") == 0) {
      attrs->training_mode = a->i;
    } else if (a->type == XHAL_ATTR_FLOAT && strcmp(a->name, "epsilon") == 0) {
      attrs->epsilon = a->f;
    }
  }
}

/* Every output (call->output_count of them: out[] holds that many) from
 * the conformance reference's shape inference: the binary group (no
 * attributes), the norm group (LayerNormalization's Mean and InvStdDev
 * too), and Gather..Range (ConstantOfShape and Range depend on input
 * values: not inferable, only their graph outputs run). */
static int onnx_infer_ref(const xhal_op_call_t *call, xhal_tensor_t *out, char *why,
                          size_t why_size) {
  ref_shape_t shapes[REF_MAX_INPUTS];
  xhal_dtype_t dtypes[REF_MAX_INPUTS];
  if (call->input_count > REF_MAX_INPUTS) {
    snprintf(why, why_size, "%u inputs, more than %d", call->input_count, REF_MAX_INPUTS);
    return -1;
  }
  for (uint32_t i = 0; i < call->input_count; ++i) {
    shapes[i].rank = call->inputs[i].rank;
    memcpy(shapes[i].dims, call->inputs[i].dims, sizeof shapes[i].dims);
    dtypes[i] = call->inputs[i].dtype;
  }
  ref_attrs_t attrs;
  ref_attrs_init(&attrs);
  ref_shape_t shape[REF_MAX_OUTPUTS];
  xhal_dtype_t dtype[REF_MAX_OUTPUTS];
  if (call->output_count > REF_MAX_OUTPUTS) {
    snprintf(why, why_size, "%u outputs, more than %d", call->output_count, REF_MAX_OUTPUTS);
    return -1;
  }
  if (ref_gather_owns(call->op)) {
    if (ref_gather_attrs_decode(call->op, call->attrs, call->attr_count, &attrs, why,
                                why_size) != 0)
      return -1;
  } else {
    onnx_ref_attrs_decode(call, &attrs);
  }
  const uint32_t outputs = call->output_count ? call->output_count : 1;
  if (ref_op_infer_outputs(call->op, call->input_count, shapes, dtypes, &attrs, outputs, shape,
                           dtype, why, why_size) != 0)
    return -1;
  for (uint32_t j = 0; j < outputs; ++j) {
    memset(&out[j], 0, sizeof out[j]);
    out[j].dtype = dtype[j];
    out[j].rank = shape[j].rank;
    memcpy(out[j].dims, shape[j].dims, sizeof out[j].dims);
  }
  return 0;
}

/* The output has input 0's dims (elementwise unary ops, Softmax). */
static int onnx_infer_same_shape(const xhal_op_call_t *call, xhal_tensor_t *out) {
  out->rank = call->inputs[0].rank;
  memcpy(out->dims, call->inputs[0].dims, sizeof out->dims);
  return 0;
}

int onnx_infer(const xhal_op_call_t *call, xhal_tensor_t *out, char *why, size_t why_size) {
  memset(out, 0, sizeof *out);
  if (!call->input_count) {
    snprintf(why, why_size, "the node has no inputs");
    return -1;
  }
  out->dtype = call->inputs[0].dtype;
  if (ref_unary_math_is_op(call->op)) return onnx_infer_same_shape(call, out);
  switch (call->op) {
    case XHAL_OP_COPY:
    case XHAL_OP_NEG:
    case XHAL_OP_ABS:
    case XHAL_OP_EXP:
    case XHAL_OP_RELU:
    case XHAL_OP_SIGMOID:
    case XHAL_OP_TANH:
    case XHAL_OP_SOFTMAX:
      return onnx_infer_same_shape(call, out);
    case XHAL_OP_CAST: {
      const xhal_attr_t *to = onnx_call_attr(call, "to");
      if (!to || to->type != XHAL_ATTR_INT || !xhal_dtype_size((xhal_dtype_t)to->i)) {
        snprintf(why, why_size, "Cast without a valid 'to'");
        return -1;
      }
      out->dtype = (xhal_dtype_t)to->i;
      out->rank = call->inputs[0].rank;
      memcpy(out->dims, call->inputs[0].dims, sizeof out->dims);
      return 0;
    }
    case XHAL_OP_ADD:
    case XHAL_OP_SUB:
    case XHAL_OP_MUL:
    case XHAL_OP_DIV:
      if (call->input_count != 2) break;
      return onnx_infer_broadcast(call, 2, out, why, why_size);
    case XHAL_OP_MATMUL:
      if (call->input_count != 2) break;
      return onnx_infer_matmul(call, out, why, why_size);
    case XHAL_OP_GEMM:
      if (call->input_count < 2) break;
      return onnx_infer_gemm(call, out, why, why_size);
    case XHAL_OP_REDUCE_SUM:
    case XHAL_OP_REDUCE_MEAN: return onnx_infer_reduce(call, out, why, why_size);
    case XHAL_OP_TRANSPOSE: return onnx_infer_transpose(call, out, why, why_size);
    REF_CASE_CONV_OPS: return onnx_infer_conv(call, out, why, why_size);
    REF_CASE_GATHER_OPS: return onnx_infer_ref(call, out, why, why_size);
    REF_CASE_BINARY_GROUP_OPS: return onnx_infer_ref(call, out, why, why_size);
    case XHAL_OP_REDUCE_MAX:
    case XHAL_OP_REDUCE_MIN:
    case XHAL_OP_REDUCE_PROD:
    case XHAL_OP_ARG_MAX:
    case XHAL_OP_ARG_MIN:
    case XHAL_OP_LOG_SOFTMAX:
    case XHAL_OP_BATCH_NORMALIZATION:
    case XHAL_OP_LAYER_NORMALIZATION:
    case XHAL_OP_INSTANCE_NORMALIZATION: return onnx_infer_ref(call, out, why, why_size);
    default:
      snprintf(why, why_size, "the suite has no shape inference for %s", xhal_op_name(call->op));
      return -1;
  }
  snprintf(why, why_size, "%s with %u inputs", xhal_op_name(call->op), call->input_count);
  return -1;
}

/* An INTS attribute of at most XHAL_MAX_RANK entries into the reference's
 * form; -1 if longer. */
static int onnx_ref_ints(const xhal_attr_t *a, ref_ints_t *out) {
  if (a->type != XHAL_ATTR_INTS || a->count > XHAL_MAX_RANK) return -1;
  out->has = 1;
  out->count = a->count;
  for (uint32_t k = 0; k < a->count; ++k) out->v[k] = a->ints[k];
  return 0;
}

int onnx_infer_shape_op(const xhal_op_call_t *call, uint32_t outputs, xhal_tensor_t *out,
                        char *why, size_t why_size) {
  ref_attrs_t a;
  ref_attrs_init(&a);
  a.output_count = outputs;
  ref_shape_t shapes[REF_SHAPE_MAX_INPUTS], outs[REF_SHAPE_MAX_OUTPUTS];
  if (!call->input_count || call->input_count > REF_SHAPE_MAX_INPUTS) {
    snprintf(why, why_size, "%s with %u inputs", xhal_op_name(call->op), call->input_count);
    return -1;
  }
  for (uint32_t k = 0; k < call->input_count; ++k) {
    shapes[k].rank = call->inputs[k].rank;
    memcpy(shapes[k].dims, call->inputs[k].dims, sizeof shapes[k].dims);
  }
  int bad = 0;
  for (uint32_t i = 0; i < call->attr_count && !bad; ++i) {
    const xhal_attr_t *t = &call->attrs[i];
    ref_ints_t axes = {0, 0, {0}};
    if (strcmp(t->name, "axis") == 0) {
      a.has_axis = 1;
      a.axis = t->i;
    } else if (strcmp(t->name, "axes") == 0) {
      bad = onnx_ref_ints(t, &axes);
      a.has_axes = 1;
      a.axes_count = axes.count;
      memcpy(a.axes, axes.v, sizeof a.axes);
    } else if (strcmp(t->name, "allowzero") == 0) {
      a.allowzero = t->i;
    } else if (strcmp(t->name, "shape") == 0) {
      bad = onnx_ref_ints(t, &a.shape);
    } else if (strcmp(t->name, "split") == 0) {
      bad = onnx_ref_ints(t, &a.split);
    } else if (strcmp(t->name, "starts") == 0) {
      bad = onnx_ref_ints(t, &a.starts);
    } else if (strcmp(t->name, "ends") == 0) {
      bad = onnx_ref_ints(t, &a.ends);
    } else if (strcmp(t->name, "steps") == 0) {
      bad = onnx_ref_ints(t, &a.steps);
    } else if (strcmp(t->name, "repeats") == 0) {
      bad = onnx_ref_ints(t, &a.repeats);
    }
    if (bad) snprintf(why, why_size, "attribute '%s' is not a list of at most %d integers",
                      t->name, XHAL_MAX_RANK);
  }
  if (bad) return -1;
  if (ref_shape_infer(call->op, call->input_count, shapes, &a, outs, why, why_size) != 0)
    return -1;
  for (uint32_t j = 0; j < outputs; ++j) {
    memset(&out[j], 0, sizeof out[j]);
    out[j].dtype = call->inputs[0].dtype;
    out[j].rank = outs[j].rank;
    memcpy(out[j].dims, outs[j].dims, sizeof out[j].dims);
  }
  return 0;
}


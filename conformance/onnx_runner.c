/* onnx_runner.c - an ONNX graph executed node by node on one xhal device. */
#include "onnx_runner.h"

#include <float.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref_ops.h"
#include "ref_dtype.h"

/* A value of the graph: its type and shape, where its data is, and its
 * device copy once a node needs it. */
typedef struct onnx_value {
  const char *name; /* borrowed from the model */
  xhal_dtype_t dtype;
  uint32_t rank;
  int64_t dims[XHAL_MAX_RANK];
  uint64_t bytes;
  const xhal__onnx_tensor_t *host; /* graph inputs and constants; NULL for node results */
  int constant;                    /* an initializer or a Constant node's output */
  xhal_buffer_t *buffer;           /* device copy, created on first use */
} onnx_value_t;

typedef struct onnx_exec {
  conf_run_t *run;
  const xhal__onnx_model_t *model;
  xhal_device_t *device;
  xhal_stream_t *stream;
  const xhal__onnx_tensor_t *expected; /* [model->output_count] */
  onnx_value_t *values;
  uint32_t value_count, value_capacity;
  uint32_t *slots; /* name -> value index + 1, open addressing */
  size_t slot_mask;
  xhal__onnx_tensor_t *owned; /* host tensors made from Constant's value_* attributes */
  uint32_t owned_count;
} onnx_exec_t;

/* Inputs ONNX passes as tensors but xhal takes as attributes: (op, input
 * index) -> attribute name. xhal's reductions take `axes` as an INTS
 * attribute, while ONNX moved it to input 1 (ReduceSum in opset 13, the
 * other reductions in opset 18), and the data-movement ops' shapes, axes,
 * repeats, split sizes and slice bounds. Only inputs whose values the host
 * knows (constants and graph inputs) can be converted. */
typedef struct onnx_attr_input {
  const char *op_type;
  uint32_t input;
  const char *attr;
} onnx_attr_input_t;

static const onnx_attr_input_t onnx_attr_inputs[] = {
    {"Pad", 1, "pads"},           {"Pad", 2, "value"},            {"Resize", 1, "roi"},
    {"Resize", 2, "scales"},      {"Resize", 3, "sizes"},
    {"ReduceSum", 1, "axes"},     {"ReduceMean", 1, "axes"},      {"ReduceMax", 1, "axes"},
    {"ReduceMin", 1, "axes"},     {"ReduceProd", 1, "axes"},      {"ReduceL1", 1, "axes"},
    {"ReduceL2", 1, "axes"},      {"ReduceLogSum", 1, "axes"},    {"ReduceLogSumExp", 1, "axes"},
    {"ReduceSumSquare", 1, "axes"},
    {"Reshape", 1, "shape"},      {"Squeeze", 1, "axes"},         {"Unsqueeze", 1, "axes"},
    {"Expand", 1, "shape"},       {"Tile", 1, "repeats"},         {"Split", 1, "split"},
    {"Slice", 1, "starts"},       {"Slice", 2, "ends"},           {"Slice", 3, "axes"},
    {"Slice", 4, "steps"},
    /* Clip (opset >= 11): scalar min/max inputs -> xhal's FLOAT (INT for
     * integer tensors) attributes, see onnx_convert_bound. */
    {"Clip", 1, "min"},           {"Clip", 2, "max"},
};

static const char *onnx_attr_input_name(const char *op_type, uint32_t input) {
  for (size_t i = 0; i < sizeof onnx_attr_inputs / sizeof onnx_attr_inputs[0]; ++i) {
    if (onnx_attr_inputs[i].input == input && strcmp(onnx_attr_inputs[i].op_type, op_type) == 0) {
      return onnx_attr_inputs[i].attr;
    }
  }
  return NULL;
}

/* ---- messages ---------------------------------------------------------------- */

static void onnx_node_label(char *out, size_t out_size, uint32_t index,
                            const xhal__onnx_node_t *node) {
  if (*node->name) {
    snprintf(out, out_size, "node %u '%s' (%s)", index, node->name, node->op_type);
  } else {
    snprintf(out, out_size, "node %u (%s)", index, node->op_type);
  }
}

static size_t onnx_append(char *out, size_t out_size, size_t used, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

static size_t onnx_append(char *out, size_t out_size, size_t used, const char *format, ...) {
  if (used >= out_size) return used;
  va_list args;
  va_start(args, format);
  int n = vsnprintf(out + used, out_size - used, format, args);
  va_end(args);
  return n < 0 ? used : used + (size_t)n;
}

static size_t onnx_shape_append(char *out, size_t out_size, size_t used, xhal_dtype_t dtype,
                                uint32_t rank, const int64_t *dims) {
  used = onnx_append(out, out_size, used, "%s ", xhal_dtype_name(dtype));
  if (!rank) return onnx_append(out, out_size, used, "scalar");
  for (uint32_t d = 0; d < rank; ++d) {
    used = onnx_append(out, out_size, used, d ? "x%lld" : "%lld", (long long)dims[d]);
  }
  return used;
}

/* "ReduceSum(f32 3x2x2) -> f32 3x1x2 [axes=(1) keepdims=1]" */
static void onnx_call_format(char *out, size_t out_size, const xhal_op_call_t *call) {
  size_t used = onnx_append(out, out_size, 0, "%s(", xhal_op_name(call->op));
  for (uint32_t i = 0; i < call->input_count; ++i) {
    const xhal_tensor_t *t = &call->inputs[i];
    if (i) used = onnx_append(out, out_size, used, ", ");
    used = onnx_shape_append(out, out_size, used, t->dtype, t->rank, t->dims);
  }
  used = onnx_append(out, out_size, used, ") ->");
  for (uint32_t i = 0; i < call->output_count; ++i) {
    const xhal_tensor_t *t = &call->outputs[i];
    used = onnx_append(out, out_size, used, " ");
    used = onnx_shape_append(out, out_size, used, t->dtype, t->rank, t->dims);
  }
  if (call->attr_count) used = onnx_append(out, out_size, used, " [");
  for (uint32_t i = 0; i < call->attr_count; ++i) {
    const xhal_attr_t *a = &call->attrs[i];
    used = onnx_append(out, out_size, used, "%s%s=", i ? " " : "", a->name);
    switch (a->type) {
      case XHAL_ATTR_INT: used = onnx_append(out, out_size, used, "%lld", (long long)a->i); break;
      case XHAL_ATTR_FLOAT: used = onnx_append(out, out_size, used, "%.9g", a->f); break;
      case XHAL_ATTR_STRING: used = onnx_append(out, out_size, used, "'%s'", a->s); break;
      default:
        used = onnx_append(out, out_size, used, "(");
        for (uint32_t k = 0; k < a->count; ++k) {
          if (a->type == XHAL_ATTR_INTS) {
            used = onnx_append(out, out_size, used, k ? ",%lld" : "%lld", (long long)a->ints[k]);
          } else {
            used = onnx_append(out, out_size, used, k ? ",%.9g" : "%.9g", (double)a->floats[k]);
          }
        }
        used = onnx_append(out, out_size, used, ")");
    }
  }
  if (call->attr_count) onnx_append(out, out_size, used, "]");
}

/* ---- values -------------------------------------------------------------------- */

static uint64_t onnx_hash(const char *s) {
  uint64_t hash = UINT64_C(0xcbf29ce484222325);
  for (const unsigned char *c = (const unsigned char *)s; *c; ++c) {
    hash ^= *c;
    hash *= UINT64_C(0x100000001b3);
  }
  return hash;
}

static onnx_value_t *onnx_value_find(const onnx_exec_t *x, const char *name) {
  for (size_t slot = (size_t)onnx_hash(name) & x->slot_mask;; slot = (slot + 1) & x->slot_mask) {
    uint32_t index = x->slots[slot];
    if (!index) return NULL;
    if (strcmp(x->values[index - 1].name, name) == 0) return &x->values[index - 1];
  }
}

/* Adds (or, for an initializer overridden by a graph input, replaces) a
 * value. NOT_APPLICABLE when its rank is beyond what xhal tensors hold. */
static conf_result_t onnx_value_add(onnx_exec_t *x, const char *name, xhal_dtype_t dtype,
                                    uint32_t rank, const int64_t *dims,
                                    const xhal__onnx_tensor_t *host, int constant,
                                    onnx_value_t **out) {
  if (rank > XHAL_MAX_RANK) {
    return conf_not_applicable(x->run, "value '%s' has rank %u; xhal tensors hold at most %d",
                               name, rank, XHAL_MAX_RANK);
  }
  size_t element_size = xhal_dtype_size(dtype);
  if (!element_size) {
    return conf_not_applicable(x->run, "value '%s' has data type %d, which is not an xhal dtype",
                               name, (int)dtype);
  }
  onnx_value_t *v = onnx_value_find(x, name);
  if (!v) {
    if (x->value_count == x->value_capacity) {
      return conf_fail(x->run, "suite error: more values than the graph defines ('%s')", name);
    }
    v = &x->values[x->value_count++];
    size_t slot = (size_t)onnx_hash(name) & x->slot_mask;
    while (x->slots[slot]) slot = (slot + 1) & x->slot_mask;
    x->slots[slot] = x->value_count;
  }
  memset(v, 0, sizeof *v);
  v->name = name;
  v->dtype = dtype;
  v->rank = rank;
  v->bytes = element_size;
  for (uint32_t d = 0; d < rank; ++d) {
    v->dims[d] = dims[d];
    v->bytes *= (uint64_t)dims[d];
  }
  v->host = host;
  v->constant = constant;
  *out = v;
  return CONF_PASS;
}

static conf_result_t onnx_value_add_tensor(onnx_exec_t *x, const char *name,
                                           const xhal__onnx_tensor_t *t, int constant) {
  onnx_value_t *v;
  return onnx_value_add(x, name, t->dtype, t->rank, t->dims, t, constant, &v);
}

static conf_result_t onnx_value_buffer(onnx_exec_t *x, onnx_value_t *v) {
  if (v->buffer) return CONF_PASS;
  xhal_status_t status = xhal_buffer_create(x->device, v->bytes ? v->bytes : 1, &v->buffer);
  if (status != XHAL_STATUS_OK) {
    char what[512];
    snprintf(what, sizeof what, "xhal_buffer_create(%llu bytes) for '%s'",
             (unsigned long long)v->bytes, v->name);
    return conf_fail_status(x->run, what, status);
  }
  return CONF_PASS;
}

/* Creates the device copy of a graph input or constant. */
static conf_result_t onnx_value_upload(onnx_exec_t *x, onnx_value_t *v) {
  if (v->buffer) return CONF_PASS;
  conf_result_t result = onnx_value_buffer(x, v);
  if (result != CONF_PASS || !v->bytes) return result;
  if (!v->host) return conf_fail(x->run, "suite error: value '%s' has no data", v->name);
  xhal_status_t status = xhal_copy_to_buffer(x->stream, v->buffer, 0, v->host->data, v->bytes);
  if (status != XHAL_STATUS_OK) {
    char what[512];
    snprintf(what, sizeof what, "xhal_copy_to_buffer(%llu bytes) of '%s'",
             (unsigned long long)v->bytes, v->name);
    return conf_fail_status(x->run, what, status);
  }
  return CONF_PASS;
}

/* ---- Constant nodes ------------------------------------------------------------- */

/* A host tensor of dtype with rank 0 (count 0 means scalar) or 1. */
static conf_result_t onnx_owned_tensor(onnx_exec_t *x, xhal_dtype_t dtype, int is_list,
                                       uint32_t count, const void *values,
                                       const xhal__onnx_tensor_t **out) {
  xhal__onnx_tensor_t *t = &x->owned[x->owned_count];
  size_t size = xhal_dtype_size(dtype);
  uint64_t elements = is_list ? count : 1;
  t->name = strdup("");
  t->dtype = dtype;
  t->rank = is_list ? 1 : 0;
  t->dims = is_list ? malloc(sizeof *t->dims) : NULL;
  t->element_count = elements;
  t->byte_size = elements * size;
  t->data = malloc(t->byte_size ? t->byte_size : 1);
  x->owned_count++;
  if (!t->name || (is_list && !t->dims) || !t->data) {
    return conf_fail(x->run, "out of host memory for a Constant");
  }
  if (is_list) t->dims[0] = count;
  if (t->byte_size) memcpy(t->data, values, t->byte_size);
  *out = t;
  return CONF_PASS;
}

static conf_result_t onnx_node_constant(onnx_exec_t *x, uint32_t index,
                                        const xhal__onnx_node_t *node) {
  char label[256];
  onnx_node_label(label, sizeof label, index, node);
  const xhal__onnx_tensor_t *t = xhal__onnx_node_tensor_attr(node, "value");
  const xhal_attr_t *a = NULL;
  conf_result_t result = CONF_PASS;
  if (t) {
    /* the tensor attribute itself */
  } else if ((a = xhal__onnx_node_attr(node, "value_float")) && a->type == XHAL_ATTR_FLOAT) {
    float f = (float)a->f;
    result = onnx_owned_tensor(x, XHAL_DTYPE_F32, 0, 0, &f, &t);
  } else if ((a = xhal__onnx_node_attr(node, "value_floats")) && a->type == XHAL_ATTR_FLOATS) {
    result = onnx_owned_tensor(x, XHAL_DTYPE_F32, 1, a->count, a->floats, &t);
  } else if ((a = xhal__onnx_node_attr(node, "value_int")) && a->type == XHAL_ATTR_INT) {
    result = onnx_owned_tensor(x, XHAL_DTYPE_I64, 0, 0, &a->i, &t);
  } else if ((a = xhal__onnx_node_attr(node, "value_ints")) && a->type == XHAL_ATTR_INTS) {
    result = onnx_owned_tensor(x, XHAL_DTYPE_I64, 1, a->count, a->ints, &t);
  } else {
    const char *what = node->other_attr_count ? node->other_attrs[0].name
                       : node->attr_count     ? node->attrs[0].name
                                              : "(none)";
    return conf_not_applicable(x->run,
                               "%s: a Constant given by attribute '%s' holds no numeric tensor "
                               "(string and sparse constants have no xhal equivalent)",
                               label, what);
  }
  if (result != CONF_PASS) return result;
  if (node->output_count != 1 || !*node->outputs[0]) {
    return conf_fail(x->run, "broken test directory (not a backend defect): %s has %u outputs, "
                             "a Constant has exactly one",
                     label, node->output_count);
  }
  return onnx_value_add_tensor(x, node->outputs[0], t, 1);
}

/* ---- shape inference (ONNX rules, for the ops xhal has) -------------------------- */

static const xhal_attr_t *onnx_call_attr(const xhal_op_call_t *call, const char *name) {
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

/* Infers output 0 of an op xhal has (every output of the norm group, whose
 * LayerNormalization has three). Returns 0, or -1 with the reason. */
static int onnx_infer(const xhal_op_call_t *call, xhal_tensor_t *out, char *why,
                      size_t why_size) {
  memset(out, 0, sizeof *out);
  if (!call->input_count) {
    snprintf(why, why_size, "the node has no inputs");
    return -1;
  }
  out->dtype = call->inputs[0].dtype;
  switch (call->op) {
    case XHAL_OP_COPY:
    case XHAL_OP_NEG:
    case XHAL_OP_ABS:
    case XHAL_OP_EXP:
    case XHAL_OP_RELU:
    case XHAL_OP_SIGMOID:
    case XHAL_OP_TANH:
    case XHAL_OP_SOFTMAX:
    case XHAL_OP_SQRT:
    case XHAL_OP_RECIPROCAL:
    case XHAL_OP_LOG:
    case XHAL_OP_FLOOR:
    case XHAL_OP_CEIL:
    case XHAL_OP_ROUND:
    case XHAL_OP_SIGN:
    case XHAL_OP_ERF:
    case XHAL_OP_LEAKY_RELU:
    case XHAL_OP_HARD_SIGMOID:
    case XHAL_OP_HARD_SWISH:
    case XHAL_OP_ELU:
    case XHAL_OP_SOFTPLUS:
    case XHAL_OP_GELU:
    case XHAL_OP_CLIP:
      out->rank = call->inputs[0].rank;
      memcpy(out->dims, call->inputs[0].dims, sizeof out->dims);
      return 0;
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

/* ---- one operator node ------------------------------------------------------------ */

static int onnx_graph_output_index(const xhal__onnx_model_t *model, const char *name) {
  for (uint32_t j = 0; j < model->output_count; ++j) {
    if (strcmp(model->outputs[j].name, name) == 0) return (int)j;
  }
  return -1;
}

/* Outputs of one node: Split has up to 8, MaxPool 2, every other xhal op one. */
#define ONNX_MAX_OUTPUTS 8

/* What one node's call is built from; freed by onnx_node_call_free. */
typedef struct onnx_node_call {
  xhal_op_call_t call;
  xhal_attr_t *attrs;
  xhal_tensor_t *inputs;
  xhal_tensor_t outputs[ONNX_MAX_OUTPUTS];
  onnx_value_t **in_values;
  int64_t **converted; /* INTS storage of converted inputs */
  uint32_t converted_count;
} onnx_node_call_t;

static void onnx_node_call_free(onnx_node_call_t *c) {
  for (uint32_t i = 0; i < c->converted_count; ++i) free(c->converted[i]);
  free(c->converted);
  free(c->attrs);
  free(c->inputs);
  free(c->in_values);
}

/* Element i of a host tensor as a double (floats) or int64 (integers). */
static double onnx_host_f(const xhal__onnx_tensor_t *t, uint64_t i) {
  switch (t->dtype) {
    case XHAL_DTYPE_F32: return ((const float *)t->data)[i];
    case XHAL_DTYPE_F64: return ((const double *)t->data)[i];
    default: return 0.0;
  }
}

static int64_t onnx_host_i(const xhal__onnx_tensor_t *t, uint64_t i) {
  switch (t->dtype) {
    case XHAL_DTYPE_I64: return ((const int64_t *)t->data)[i];
    case XHAL_DTYPE_I32: return ((const int32_t *)t->data)[i];
    case XHAL_DTYPE_U8:
    case XHAL_DTYPE_BOOL: return ((const uint8_t *)t->data)[i];
    default: return 0;
  }
}

/* The value v whose data the host has (an initializer, a Constant's output
 * or a graph input fed from the test data) as attribute attr_name:
 * Resize's roi and scales as FLOATS, Pad's value as a FLOAT or INT scalar
 * after the data's dtype, the others (axes, pads, sizes) as INTS. An empty
 * tensor stands for an absent input (Resize's roi and scales). */
static conf_result_t onnx_convert_input(onnx_exec_t *x, const char *label, uint32_t k,
                                        const char *attr_name, const onnx_value_t *v,
                                        onnx_node_call_t *c) {
  if (!v->host) {
    return conf_not_applicable(x->run,
                               "%s: input %u '%s' is a run-time value, but xhal takes '%s' as an "
                               "attribute (only constants and graph inputs are converted)",
                               label, k, v->name, attr_name);
  }
  if (onnx_call_attr(&c->call, attr_name)) {
    return conf_fail(x->run, "broken test directory (not a backend defect): %s has both an "
                             "attribute '%s' and input %u",
                     label, attr_name, k);
  }
  const xhal__onnx_tensor_t *t = v->host;
  const uint64_t count = t->element_count;
  const int floats = strcmp(attr_name, "roi") == 0 || strcmp(attr_name, "scales") == 0;
  const int scalar = strcmp(attr_name, "value") == 0;
  if (floats || scalar) {
    if (!count && floats) return CONF_PASS; /* an empty roi/scales: absent */
    const int is_float = t->dtype == XHAL_DTYPE_F32 || t->dtype == XHAL_DTYPE_F64 ||
                         t->dtype == XHAL_DTYPE_F16;
    const int is_int = t->dtype == XHAL_DTYPE_I32 || t->dtype == XHAL_DTYPE_I64 ||
                       t->dtype == XHAL_DTYPE_U8 || t->dtype == XHAL_DTYPE_BOOL;
    if ((floats && !(t->dtype == XHAL_DTYPE_F32 || t->dtype == XHAL_DTYPE_F64)) ||
        (scalar && (count != 1 || (!is_int && t->dtype != XHAL_DTYPE_F32 &&
                                   t->dtype != XHAL_DTYPE_F64))) ||
        v->rank > 1) {
      return conf_not_applicable(x->run, "%s: input %u '%s' (%s, %llu elements) cannot become "
                                         "attribute '%s'",
                                 label, k, v->name, xhal_dtype_name(v->dtype),
                                 (unsigned long long)count, attr_name);
    }
    (void)is_float;
    xhal_attr_t a = {.name = attr_name};
    if (scalar && is_int) {
      a.type = XHAL_ATTR_INT, a.i = onnx_host_i(t, 0);
    } else if (scalar) {
      a.type = XHAL_ATTR_FLOAT, a.f = onnx_host_f(t, 0);
    } else {
      float *f = malloc(count * sizeof(int64_t));
      if (!f) return conf_fail(x->run, "out of host memory");
      for (uint64_t i = 0; i < count; ++i) f[i] = (float)onnx_host_f(t, i);
      c->converted[c->converted_count++] = (int64_t *)(void *)f;
      a.type = XHAL_ATTR_FLOATS, a.count = (uint32_t)count, a.floats = f;
    }
    c->attrs[c->call.attr_count++] = a;
    return CONF_PASS;
  }
  if ((v->dtype != XHAL_DTYPE_I64 && v->dtype != XHAL_DTYPE_I32) || v->rank > 1) {
    return conf_not_applicable(x->run, "%s: constant input %u '%s' (%s, rank %u) is not a 1-D "
                                       "integer tensor for attribute '%s'",
                               label, k, v->name, xhal_dtype_name(v->dtype), v->rank, attr_name);
  }
  int64_t *ints = malloc((count ? count : 1) * sizeof *ints);
  if (!ints) return conf_fail(x->run, "out of host memory");
  for (uint64_t i = 0; i < count; ++i) ints[i] = onnx_host_i(t, i);
  c->converted[c->converted_count++] = ints;
  c->attrs[c->call.attr_count++] = (xhal_attr_t){
      .name = attr_name, .type = XHAL_ATTR_INTS, .count = (uint32_t)count, .ints = ints};
  return CONF_PASS;
}

/* Clip's known scalar input v (a constant, or a graph input with its test
 * data) as attribute attr_name: FLOAT for a float tensor, INT (exact) for
 * an integer one. A value computed by an earlier node is not known. */
static conf_result_t onnx_convert_bound(onnx_exec_t *x, const char *label, uint32_t k,
                                        const char *attr_name, const onnx_value_t *v,
                                        onnx_node_call_t *c) {
  if (!v->host) {
    return conf_not_applicable(x->run,
                               "%s: input %u '%s' is computed by the graph, but xhal takes '%s' as "
                               "an attribute (only known inputs are converted)",
                               label, k, v->name, attr_name);
  }
  if (v->host->element_count != 1) {
    return conf_fail(x->run, "broken test directory (not a backend defect): %s input %u '%s' "
                             "has %llu elements; Clip's '%s' is a scalar",
                     label, k, v->name, (unsigned long long)v->host->element_count, attr_name);
  }
  const void *data = v->host->data;
  xhal_attr_t a = {.name = attr_name, .type = XHAL_ATTR_INT};
  switch (v->dtype) {
    case XHAL_DTYPE_F32:
    case XHAL_DTYPE_F16:
    case XHAL_DTYPE_F64:
      a.type = XHAL_ATTR_FLOAT;
      a.f = ref_load_float(v->dtype, data);
      break;
    case XHAL_DTYPE_I8: a.i = *(const int8_t *)data; break;
    case XHAL_DTYPE_U8: a.i = *(const uint8_t *)data; break;
    case XHAL_DTYPE_I16: { int16_t t; memcpy(&t, data, sizeof t); a.i = t; break; }
    case XHAL_DTYPE_U16: { uint16_t t; memcpy(&t, data, sizeof t); a.i = t; break; }
    case XHAL_DTYPE_I32: { int32_t t; memcpy(&t, data, sizeof t); a.i = t; break; }
    case XHAL_DTYPE_U32: { uint32_t t; memcpy(&t, data, sizeof t); a.i = t; break; }
    case XHAL_DTYPE_I64: memcpy(&a.i, data, sizeof a.i); break;
    default:
      return conf_not_applicable(x->run, "%s: input %u '%s' is %s; xhal's Clip bounds are FLOAT "
                                         "or INT attributes",
                                 label, k, v->name, xhal_dtype_name(v->dtype));
  }
  if (onnx_call_attr(&c->call, attr_name)) {
    return conf_fail(x->run, "broken test directory (not a backend defect): %s has both an "
                             "attribute '%s' and input %u",
                     label, attr_name, k);
  }
  c->attrs[c->call.attr_count++] = a;
  return CONF_PASS;
}

/* ConstantOfShape's one-element TENSOR attribute 'value' as the FLOAT or
 * INT attribute xhal takes. Returns 1 when converted. */
static int onnx_constant_of_shape_value(const xhal__onnx_node_t *node, onnx_node_call_t *c) {
  if (strcmp(node->op_type, "ConstantOfShape") != 0 || node->tensor_attr_count != 1 ||
      node->other_attr_count)
    return 0;
  const xhal__onnx_tensor_t *t = xhal__onnx_node_tensor_attr(node, "value");
  if (!t || t->element_count != 1) return 0;
  xhal_attr_t a = {.name = "value"};
  if (t->dtype == XHAL_DTYPE_I32 || t->dtype == XHAL_DTYPE_I64 || t->dtype == XHAL_DTYPE_U8 ||
      t->dtype == XHAL_DTYPE_BOOL) {
    a.type = XHAL_ATTR_INT, a.i = onnx_host_i(t, 0);
  } else if (t->dtype == XHAL_DTYPE_F32 || t->dtype == XHAL_DTYPE_F64) {
    a.type = XHAL_ATTR_FLOAT, a.f = onnx_host_f(t, 0);
  } else {
    return 0;
  }
  c->attrs[c->call.attr_count++] = a;
  return 1;
}

/* Fills c->call's attributes and inputs from the node (buffers NULL). */
static conf_result_t onnx_node_inputs(onnx_exec_t *x, const char *label,
                                      const xhal__onnx_node_t *node, onnx_node_call_t *c) {
  uint32_t slots = node->attr_count + node->input_count + 2;
  c->attrs = calloc(slots, sizeof *c->attrs);
  if (!c->attrs) return conf_fail(x->run, "out of host memory");
  if (!onnx_constant_of_shape_value(node, c) &&
      (node->tensor_attr_count || node->other_attr_count)) {
    const char *name = node->tensor_attr_count ? node->tensor_attrs[0].name
                                               : node->other_attrs[0].name;
    int32_t type = node->tensor_attr_count ? 4 : node->other_attrs[0].type;
    return conf_not_applicable(x->run, "%s: attribute '%s' is a %s, which xhal_attr_t cannot "
                                       "carry",
                               label, name, xhal__onnx_attr_type_name(type));
  }
  c->inputs = calloc(node->input_count + 1, sizeof *c->inputs);
  c->in_values = calloc(node->input_count + 1, sizeof *c->in_values);
  c->converted = calloc(node->input_count + 1, sizeof *c->converted);
  if (!c->attrs || !c->inputs || !c->in_values || !c->converted) {
    return conf_fail(x->run, "out of host memory");
  }
  memcpy(c->attrs + c->call.attr_count, node->attrs, node->attr_count * sizeof *c->attrs);
  c->call.attr_count += node->attr_count;
  c->call.attrs = c->attrs;
  c->call.inputs = c->inputs;
  uint32_t omitted = UINT32_MAX;
  for (uint32_t k = 0; k < node->input_count; ++k) {
    const char *name = node->inputs[k];
    const char *attr_name = onnx_attr_input_name(node->op_type, k);
    onnx_value_t *v = *name ? onnx_value_find(x, name) : NULL;
    if (*name && !v) return conf_fail(x->run, "suite error: %s input '%s' unknown", label, name);
    if (attr_name) {
      conf_result_t result = CONF_PASS;
      if (v && strcmp(node->op_type, "Clip") == 0)
        result = onnx_convert_bound(x, label, k, attr_name, v, c);
      else if (v)
        result = onnx_convert_input(x, label, k, attr_name, v, c);
      if (result != CONF_PASS) return result;
      continue;
    }
    if (!v) {
      if (omitted == UINT32_MAX) omitted = k;
      continue;
    }
    if (omitted != UINT32_MAX) {
      return conf_not_applicable(x->run, "%s: optional input %u is omitted but input %u is "
                                         "given; xhal takes inputs by position",
                                 label, omitted, k);
    }
    c->in_values[c->call.input_count] = v;
    c->inputs[c->call.input_count++] = xhal_tensor_contiguous(NULL, v->dtype, v->rank, v->dims, 0);
  }
  return CONF_PASS;
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

/* The outputs of a data-movement op, from the conformance reference's
 * shape inference (ref_shape.c). Returns 0, or -1 with the reason. */
static int onnx_infer_shape_op(const xhal_op_call_t *call, uint32_t outputs, xhal_tensor_t *out,
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

/* Chooses each output's dtype and shape: the expected tensor's for a graph
 * output, ONNX shape inference otherwise. */
static conf_result_t onnx_node_output(onnx_exec_t *x, const char *label,
                                      const xhal__onnx_node_t *node, onnx_node_call_t *c) {
  uint32_t outputs = node->output_count;
  while (outputs && !*node->outputs[outputs - 1]) outputs--;
  const uint32_t most = c->call.op == XHAL_OP_SPLIT                 ? ONNX_MAX_OUTPUTS
                        : c->call.op == XHAL_OP_LAYER_NORMALIZATION ? 3
                        : c->call.op == XHAL_OP_MAX_POOL            ? 2 /* Y, Indices */
                                                                    : 1;
  if (outputs < 1 || outputs > most) {
    if (most == 1) {
      return conf_not_applicable(x->run, "%s has %u outputs; this xhal operator has one", label,
                                 outputs);
    }
    return conf_not_applicable(x->run, "%s has %u outputs; this xhal operator has 1 to %u",
                               label, outputs, most);
  }
  for (uint32_t j = 0; j < outputs; ++j) {
    if (!*node->outputs[j]) {
      return conf_not_applicable(x->run, "%s: output %u is omitted; xhal writes every output",
                                 label, j);
    }
  }
  c->call.output_count = outputs;
  c->call.outputs = c->outputs;
  char why[256];
  xhal_tensor_t inferred[ONNX_MAX_OUTPUTS];
  int inferable = ref_shape_is_op(c->call.op)
                      ? onnx_infer_shape_op(&c->call, outputs, inferred, why, sizeof why) == 0
                      : onnx_infer(&c->call, &inferred[0], why, sizeof why) == 0;
  if (inferable && c->call.op == XHAL_OP_MAX_POOL && outputs == 2) {
    inferred[1] = inferred[0]; /* Indices: Y's shape, i64 */
    inferred[1].dtype = XHAL_DTYPE_I64;
  }
  for (uint32_t o = 0; o < outputs; ++o) {
    const char *name = node->outputs[o];
    int j = onnx_graph_output_index(x->model, name);
    if (j < 0) {
      if (!inferable) {
        return conf_not_applicable(x->run,
                                   "%s: cannot infer the shape of intermediate value '%s': %s",
                                   label, name, why);
      }
      c->outputs[o] =
          xhal_tensor_contiguous(NULL, inferred[o].dtype, inferred[o].rank, inferred[o].dims, 0);
      continue;
    }
    const xhal__onnx_tensor_t *e = &x->expected[j];
    if (e->rank > XHAL_MAX_RANK) {
      return conf_not_applicable(x->run, "%s: output '%s' has rank %u; xhal tensors hold at "
                                         "most %d",
                                 label, name, e->rank, XHAL_MAX_RANK);
    }
    c->outputs[o] = xhal_tensor_contiguous(NULL, e->dtype, e->rank, e->dims, 0);
    /* Where ONNX shape inference knows the answer, the expected tensor must
     * agree: otherwise the test data, not the backend, is wrong. */
    const xhal_tensor_t *g = &inferred[o];
    int agree = !inferable || (g->dtype == e->dtype && g->rank == e->rank);
    for (uint32_t d = 0; agree && inferable && d < e->rank; ++d) agree = g->dims[d] == e->dims[d];
    if (!agree) {
      char want[128], got[128];
      onnx_shape_append(want, sizeof want, 0, e->dtype, e->rank, e->dims);
      onnx_shape_append(got, sizeof got, 0, g->dtype, g->rank, g->dims);
      return conf_fail(x->run, "broken test directory (not a backend defect): %s: the expected "
                               "graph output '%s' is %s, but ONNX shape inference gives %s",
                       label, name, want, got);
    }
  }
  return CONF_PASS;
}

/* Asks, uploads, launches and waits for one node. */
static conf_result_t onnx_node_launch(onnx_exec_t *x, const char *label,
                                      const xhal__onnx_node_t *node, onnx_node_call_t *c) {
  char call_text[1024];
  onnx_call_format(call_text, sizeof call_text, &c->call);
  xhal_status_t status = xhal_op_supported(x->device, &c->call);
  if (status == XHAL_STATUS_UNSUPPORTED) {
    return conf_not_applicable(x->run, "%s: xhal_op_supported: %s\n    call: %s", label,
                               xhal_last_error(), call_text);
  }
  if (status != XHAL_STATUS_OK) {
    return conf_fail(x->run, "%s: xhal_op_supported returned %s for a valid ONNX node: %s\n"
                             "    call: %s",
                     label, xhal_status_string(status), xhal_last_error(), call_text);
  }
  for (uint32_t i = 0; i < c->call.input_count; ++i) {
    conf_result_t result = onnx_value_upload(x, c->in_values[i]);
    if (result != CONF_PASS) return result;
    c->inputs[i].buffer = c->in_values[i]->buffer;
  }
  for (uint32_t j = 0; j < c->call.output_count; ++j) {
    onnx_value_t *out;
    const xhal_tensor_t *o = &c->outputs[j];
    conf_result_t result = onnx_value_add(x, node->outputs[j], o->dtype, o->rank, o->dims, NULL,
                                          0, &out);
    if (result == CONF_PASS) result = onnx_value_buffer(x, out);
    if (result != CONF_PASS) return result;
    c->outputs[j].buffer = out->buffer;
  }
  status = xhal_op_launch(x->stream, &c->call);
  if (status == XHAL_STATUS_OK) status = xhal_stream_synchronize(x->stream);
  if (status != XHAL_STATUS_OK) {
    return conf_fail(x->run, "%s: xhal_op_launch or the stream returned %s: %s\n    call: %s",
                     label, xhal_status_string(status), xhal_last_error(), call_text);
  }
  return CONF_PASS;
}

/* The xhal operator of a node of the default domain (Identity is Copy). */
static xhal_op_t onnx_node_op(const xhal__onnx_node_t *node) {
  xhal_op_t op = xhal_op_from_name(node->op_type);
  if (op == XHAL_OP_INVALID && strcmp(node->op_type, "Identity") == 0) op = XHAL_OP_COPY;
  return op;
}

static int onnx_is_default_domain(const char *domain) {
  return !*domain || strcmp(domain, "ai.onnx") == 0;
}

/* Ops whose xhal semantics are their ONNX definition since an opset before
 * 7 (no consumed_inputs, no limited broadcasting, same attributes). */
typedef struct onnx_op_since {
  const char *op_type;
  int64_t since;
} onnx_op_since_t;

static const onnx_op_since_t onnx_ops_since[] = {
    {"Constant", 1},    {"Softplus", 1}, {"Elu", 6},   {"HardSigmoid", 6}, {"LeakyRelu", 6},
    {"Sqrt", 6},        {"Reciprocal", 6}, {"Log", 6}, {"Floor", 6},       {"Ceil", 6},
    {"GlobalAveragePool", 1}, {"GlobalMaxPool", 1}, {"Not", 1}, {"InstanceNormalization", 6},
};

/* 1 if every node of m is an op of onnx_ops_since defined so at opset. */
static int onnx_ops_current_at(const xhal__onnx_model_t *m, int64_t opset) {
  for (uint32_t i = 0; i < m->node_count; ++i) {
    size_t k = 0, n = sizeof onnx_ops_since / sizeof onnx_ops_since[0];
    while (k < n && strcmp(onnx_ops_since[k].op_type, m->nodes[i].op_type) != 0) ++k;
    if (k == n || onnx_ops_since[k].since > opset) return 0;
  }
  return 1;
}

/* Before any device work: every node must be a Constant or have an xhal
 * operator. Names all the operators that are missing. */
static conf_result_t onnx_check_ops(onnx_exec_t *x) {
  const xhal__onnx_model_t *m = x->model;
  char missing[1024] = "";
  size_t used = 0;
  uint32_t count = 0;
  int64_t opset = xhal__onnx_model_opset(m, "");
  if (m->node_count && opset < 7 && !onnx_ops_current_at(m, opset)) {
    return conf_not_applicable(x->run, "the model imports opset %lld of the default domain; xhal "
                                       "implements the operators of opset 7 and later (limited "
                                       "broadcasting and consumed_inputs before)",
                               (long long)opset);
  }
  for (uint32_t i = 0; i < m->node_count; ++i) {
    const xhal__onnx_node_t *node = &m->nodes[i];
    if (!onnx_is_default_domain(node->domain)) {
      char label[256];
      onnx_node_label(label, sizeof label, i, node);
      return conf_not_applicable(x->run, "%s is in domain '%s'; xhal has the default ONNX "
                                         "domain's operators only",
                                 label, node->domain);
    }
    if (strcmp(node->op_type, "Constant") == 0 || onnx_node_op(node) != XHAL_OP_INVALID) continue;
    int seen = 0;
    for (uint32_t k = 0; k < i && !seen; ++k) {
      seen = strcmp(m->nodes[k].op_type, node->op_type) == 0;
    }
    if (seen) continue;
    used = onnx_append(missing, sizeof missing, used, "%s%s", count++ ? ", " : "",
                       node->op_type);
  }
  if (!count) return CONF_PASS;
  return conf_not_applicable(x->run, "ONNX operator%s without an xhal operator: %s",
                             count > 1 ? "s" : "", missing);
}

/* Clip-6 (opsets 6-10) defaults min/max to -+FLT_MAX, which clamps
 * infinities; xhal's absent bound is opset 11's "no bound". Its attribute
 * array has room: attr_count + input_count (1) + 1 slots. */
static void onnx_clip6_defaults(onnx_node_call_t *c) {
  static const char *const names[2] = {"min", "max"};
  for (int k = 0; k < 2; ++k) {
    if (onnx_call_attr(&c->call, names[k])) continue;
    c->attrs[c->call.attr_count++] =
        (xhal_attr_t){.name = names[k], .type = XHAL_ATTR_FLOAT, .f = k ? FLT_MAX : -FLT_MAX};
  }
}

static conf_result_t onnx_node_run(onnx_exec_t *x, uint32_t index,
                                   const xhal__onnx_node_t *node) {
  char label[256];
  onnx_node_label(label, sizeof label, index, node);
  if (strcmp(node->op_type, "Constant") == 0) return onnx_node_constant(x, index, node);
  xhal_op_t op = onnx_node_op(node);
  int64_t opset = xhal__onnx_model_opset(x->model, node->domain);
  if ((op == XHAL_OP_SOFTMAX || op == XHAL_OP_LOG_SOFTMAX) && opset < 13) {
    return conf_not_applicable(x->run, "%s: %s of opset %lld flattens the input to 2-D; xhal "
                                       "implements the opset-13 semantics (one axis)",
                               label, node->op_type, (long long)opset);
  }
  onnx_node_call_t c;
  memset(&c, 0, sizeof c);
  c.call.op = op;
  conf_result_t result = onnx_node_inputs(x, label, node, &c);
  if (result == CONF_PASS && op == XHAL_OP_CLIP && opset < 11) onnx_clip6_defaults(&c);
  if (result == CONF_PASS) result = onnx_node_output(x, label, node, &c);
  if (result == CONF_PASS) result = onnx_node_launch(x, label, node, &c);
  onnx_node_call_free(&c);
  return result;
}

/* ---- the graph --------------------------------------------------------------------- */

static conf_result_t onnx_exec_init(onnx_exec_t *x) {
  const xhal__onnx_model_t *m = x->model;
  uint64_t capacity = (uint64_t)m->input_count + m->initializer_count;
  for (uint32_t i = 0; i < m->node_count; ++i) capacity += m->nodes[i].output_count;
  size_t slots = 16;
  while (slots < capacity * 2 + 1) slots *= 2;
  x->value_capacity = (uint32_t)capacity;
  x->values = calloc(capacity + 1, sizeof *x->values);
  x->slots = calloc(slots, sizeof *x->slots);
  x->slot_mask = slots - 1;
  x->owned = calloc(m->node_count + 1, sizeof *x->owned);
  if (!x->values || !x->slots || !x->owned) return conf_fail(x->run, "out of host memory");
  xhal_status_t status = xhal_stream_create(x->device, &x->stream);
  if (status != XHAL_STATUS_OK) return conf_fail_status(x->run, "xhal_stream_create", status);
  return CONF_PASS;
}

static void onnx_exec_deinit(onnx_exec_t *x) {
  if (x->stream) {
    xhal_stream_synchronize(x->stream);
    xhal_stream_destroy(x->stream);
  }
  for (uint32_t i = 0; x->values && i < x->value_count; ++i) {
    xhal_buffer_destroy(x->values[i].buffer);
  }
  for (uint32_t i = 0; x->owned && i < x->owned_count; ++i) {
    xhal__onnx_tensor_deinit(&x->owned[i]);
  }
  free(x->values);
  free(x->slots);
  free(x->owned);
}

/* Reads every graph output back into actual[]. */
static conf_result_t onnx_exec_outputs(onnx_exec_t *x, xhal__onnx_tensor_t *actual) {
  for (uint32_t j = 0; j < x->model->output_count; ++j) {
    onnx_value_t *v = onnx_value_find(x, x->model->outputs[j].name);
    if (!v) return conf_fail(x->run, "suite error: graph output '%s' has no value",
                             x->model->outputs[j].name);
    conf_result_t result = onnx_value_upload(x, v);
    if (result != CONF_PASS) return result;
    xhal__onnx_tensor_t *t = &actual[j];
    t->name = strdup("");
    t->dtype = v->dtype;
    t->rank = v->rank;
    t->dims = malloc((v->rank ? v->rank : 1) * sizeof *t->dims);
    t->element_count = v->bytes / xhal_dtype_size(v->dtype);
    t->byte_size = v->bytes;
    t->data = malloc(v->bytes ? v->bytes : 1);
    if (!t->name || !t->dims || !t->data) return conf_fail(x->run, "out of host memory");
    memcpy(t->dims, v->dims, v->rank * sizeof *t->dims);
    if (!v->bytes) continue;
    xhal_status_t status = xhal_copy_from_buffer(x->stream, t->data, v->buffer, 0, v->bytes);
    if (status != XHAL_STATUS_OK) return conf_fail_status(x->run, "xhal_copy_from_buffer", status);
  }
  xhal_status_t status = xhal_stream_synchronize(x->stream);
  if (status != XHAL_STATUS_OK) {
    return conf_fail_status(x->run, "xhal_stream_synchronize after reading the outputs", status);
  }
  return CONF_PASS;
}

conf_result_t onnx_runner_execute(conf_run_t *run, xhal_device_t *device,
                                  const xhal__onnx_model_t *model, uint32_t feed_count,
                                  const char *const *feed_names,
                                  const xhal__onnx_tensor_t *feeds,
                                  const xhal__onnx_tensor_t *expected,
                                  xhal__onnx_tensor_t *actual) {
  onnx_exec_t x;
  memset(&x, 0, sizeof x);
  x.run = run;
  x.model = model;
  x.device = device;
  x.expected = expected;
  memset(actual, 0, model->output_count * sizeof *actual);
  conf_result_t result = onnx_check_ops(&x);
  if (result == CONF_PASS) result = onnx_exec_init(&x);
  for (uint32_t i = 0; i < model->initializer_count && result == CONF_PASS; ++i) {
    result = onnx_value_add_tensor(&x, model->initializers[i].name, &model->initializers[i], 1);
  }
  for (uint32_t i = 0; i < feed_count && result == CONF_PASS; ++i) {
    result = onnx_value_add_tensor(&x, feed_names[i], &feeds[i], 0);
  }
  for (uint32_t i = 0; i < model->node_count && result == CONF_PASS; ++i) {
    result = onnx_node_run(&x, i, &model->nodes[i]);
  }
  if (result == CONF_PASS) result = onnx_exec_outputs(&x, actual);
  onnx_exec_deinit(&x);
  if (result != CONF_PASS) {
    for (uint32_t j = 0; j < model->output_count; ++j) xhal__onnx_tensor_deinit(&actual[j]);
  }
  return result;
}

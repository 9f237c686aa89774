/* onnx_attr_input.c - one node's xhal call, with the inputs xhal takes as
 * attributes converted (see onnx_attr_input.h). */
#include "onnx_attr_input.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_infer.h"
#include "ref_dtype.h"

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

void onnx_node_call_free(onnx_node_call_t *c) {
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

conf_result_t onnx_node_inputs(onnx_exec_t *x, const char *label,
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

/* Clip-6 (opsets 6-10) defaults min/max to -+FLT_MAX, which clamps
 * infinities; xhal's absent bound is opset 11's "no bound". Its attribute
 * array has room: attr_count + input_count (1) + 1 slots. */
void onnx_clip6_defaults(onnx_node_call_t *c) {
  static const char *const names[2] = {"min", "max"};
  for (int k = 0; k < 2; ++k) {
    if (onnx_call_attr(&c->call, names[k])) continue;
    c->attrs[c->call.attr_count++] =
        (xhal_attr_t){.name = names[k], .type = XHAL_ATTR_FLOAT, .f = k ? FLT_MAX : -FLT_MAX};
  }
}

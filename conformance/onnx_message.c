/* onnx_message.c - texts of the ONNX runner's results (see onnx_message.h). */
#include "onnx_message.h"

#include <stdarg.h>
#include <stdio.h>

void onnx_node_label(char *out, size_t out_size, uint32_t index,
                     const xhal__onnx_node_t *node) {
  if (*node->name) {
    snprintf(out, out_size, "node %u '%s' (%s)", index, node->name, node->op_type);
  } else {
    snprintf(out, out_size, "node %u (%s)", index, node->op_type);
  }
}

size_t onnx_append(char *out, size_t out_size, size_t used, const char *format, ...) {
  if (used >= out_size) return used;
  va_list args;
  va_start(args, format);
  int n = vsnprintf(out + used, out_size - used, format, args);
  va_end(args);
  return n < 0 ? used : used + (size_t)n;
}

size_t onnx_shape_append(char *out, size_t out_size, size_t used, xhal_dtype_t dtype,
                         uint32_t rank, const int64_t *dims) {
  used = onnx_append(out, out_size, used, "%s ", xhal_dtype_name(dtype));
  if (!rank) return onnx_append(out, out_size, used, "scalar");
  for (uint32_t d = 0; d < rank; ++d) {
    used = onnx_append(out, out_size, used, d ? "x%lld" : "%lld", (long long)dims[d]);
  }
  return used;
}

void onnx_call_format(char *out, size_t out_size, const xhal_op_call_t *call) {
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

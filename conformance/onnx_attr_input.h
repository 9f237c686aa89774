/* onnx_attr_input.h - internal to the ONNX runner (onnx_runner.c): one
 * node's xhal_op_call_t built from the node, with the inputs ONNX passes as
 * tensors but xhal takes as attributes (Pad's pads, Resize's scales, the
 * reductions' axes, Reshape's shape, Slice's bounds, Clip's min/max, ...)
 * converted when the host knows their values. */
#ifndef XHAL_CONF_ONNX_ATTR_INPUT_H
#define XHAL_CONF_ONNX_ATTR_INPUT_H

#include <stdint.h>

#include <xhal/xhal.h>

#include "conf_case.h"
#include "onnx_model.h"
#include "onnx_value.h"

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

/* Frees what onnx_node_inputs allocated in c (not c itself). */
void onnx_node_call_free(onnx_node_call_t *c);

/* Fills c->call's attributes and inputs from the node (buffers NULL; no
 * outputs yet). label names the node in messages. c must be zeroed but for
 * c->call.op; it is freed by onnx_node_call_free whatever the result. */
conf_result_t onnx_node_inputs(onnx_exec_t *x, const char *label, const xhal__onnx_node_t *node,
                               onnx_node_call_t *c);

/* Clip-6 (opsets 6-10) defaults min/max to -+FLT_MAX, which clamps
 * infinities; xhal's absent bound is opset 11's "no bound". Adds those
 * bounds to a Clip call that onnx_node_inputs filled. */
void onnx_clip6_defaults(onnx_node_call_t *c);

#endif

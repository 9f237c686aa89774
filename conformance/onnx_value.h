/* onnx_value.h - internal to the ONNX runner (onnx_runner.c): the values of
 * a graph being executed on one device (type, shape, host data, device
 * copy), found by name, and the Constant nodes that make host values. */
#ifndef XHAL_CONF_ONNX_VALUE_H
#define XHAL_CONF_ONNX_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include <xhal/xhal.h>

#include "conf_case.h"
#include "onnx_model.h"

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

/* One graph executed on one device: its values (slots: open addressing by
 * name) and the host tensors made from Constant nodes' value_* attributes.
 * Set up and torn down by onnx_runner.c. */
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

/* The value named name, or NULL. */
onnx_value_t *onnx_value_find(const onnx_exec_t *x, const char *name);

/* Adds (or, for an initializer overridden by a graph input, replaces) a
 * value; *out is set on CONF_PASS. NOT_APPLICABLE when its rank is beyond
 * what xhal tensors hold or its dtype is not an xhal dtype. */
conf_result_t onnx_value_add(onnx_exec_t *x, const char *name, xhal_dtype_t dtype, uint32_t rank,
                             const int64_t *dims, const xhal__onnx_tensor_t *host, int constant,
                             onnx_value_t **out);

/* onnx_value_add of host tensor t (borrowed) under name. */
conf_result_t onnx_value_add_tensor(onnx_exec_t *x, const char *name, const xhal__onnx_tensor_t *t,
                                    int constant);

/* Creates v's device buffer (uninitialised) unless it has one. */
conf_result_t onnx_value_buffer(onnx_exec_t *x, onnx_value_t *v);

/* Creates the device copy of a graph input or constant. */
conf_result_t onnx_value_upload(onnx_exec_t *x, onnx_value_t *v);

/* Node index, a Constant: adds its output as a constant host value. */
conf_result_t onnx_node_constant(onnx_exec_t *x, uint32_t index, const xhal__onnx_node_t *node);

#endif

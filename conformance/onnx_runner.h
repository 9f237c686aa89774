/*
 * onnx_runner.h - executes an ONNX graph node by node on one xhal device,
 * for the onnx.* conformance cases (area_onnx.c).
 *
 * Initializers and Constant nodes become device tensors; every other node
 * of the default domain is mapped to an xhal operator by its ONNX name
 * (xhal_op_from_name; Identity is xhal's Copy). Inputs that ONNX passes as
 * tensors but xhal takes as attributes (the `axes` of the reductions) are
 * converted when they are constants. Output shapes of graph outputs come
 * from the expected tensors; those of intermediate values from ONNX shape
 * inference for the ops xhal has. Each node is asked of xhal_op_supported,
 * launched with xhal_op_launch and synchronized, so a failure names its node.
 *
 * What xhal cannot express is NOT_APPLICABLE with the reason: an op without
 * an xhal operator or outside the default domain, an op/dtype/attribute
 * combination xhal_op_supported refuses as UNSUPPORTED (with its message),
 * a run-time value where xhal takes an attribute, a shape it cannot infer,
 * a rank above XHAL_MAX_RANK, attributes xhal has no type for.
 */
#ifndef XHAL_CONF_ONNX_RUNNER_H
#define XHAL_CONF_ONNX_RUNNER_H

#include <xhal/xhal.h>

#include "conf_case.h"
#include "onnx_model.h"

/* Runs model on device. feeds[i] is the value of the graph input
 * feed_names[i]; expected[j] is the expected value of graph output j (its
 * dtype and shape are what the node producing it must write). On CONF_PASS,
 * actual[j] holds graph output j read back from the device (a host tensor
 * named "" that the caller deinits). Otherwise returns CONF_NOT_APPLICABLE or
 * CONF_FAIL with the reason appended to run->message, and actual[] zeroed.
 * Uses one stream of its own on device; every buffer it makes is freed. */
conf_result_t onnx_runner_execute(conf_run_t *run, xhal_device_t *device,
                                  const xhal__onnx_model_t *model, uint32_t feed_count,
                                  const char *const *feed_names,
                                  const xhal__onnx_tensor_t *feeds,
                                  const xhal__onnx_tensor_t *expected,
                                  xhal__onnx_tensor_t *actual);

#endif

/* onnx_infer.h - internal to the ONNX runner (onnx_runner.c): the output
 * shapes of a node from ONNX shape inference, for the values a graph does
 * not list with a shape (intermediate results). Uses the conformance
 * reference's shape inference (ref_ops.h) where it has one. */
#ifndef XHAL_CONF_ONNX_INFER_H
#define XHAL_CONF_ONNX_INFER_H

#include <stddef.h>
#include <stdint.h>

#include <xhal/xhal.h>

/* call's attribute named name, or NULL. */
const xhal_attr_t *onnx_call_attr(const xhal_op_call_t *call, const char *name);

/* Infers output 0 of an op xhal has (every output of the norm group, whose
 * LayerNormalization has three). Returns 0, or -1 with the reason in why. */
int onnx_infer(const xhal_op_call_t *call, xhal_tensor_t *out, char *why, size_t why_size);

/* The outputs (out[outputs]) of a data-movement op (ref_shape_is_op), from
 * the reference's shape inference (ref_shape.c). Returns 0, or -1 with the
 * reason in why. */
int onnx_infer_shape_op(const xhal_op_call_t *call, uint32_t outputs, xhal_tensor_t *out,
                        char *why, size_t why_size);

#endif

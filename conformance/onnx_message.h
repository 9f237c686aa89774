/* onnx_message.h - internal to the ONNX runner (onnx_runner.c): the texts
 * its results carry (node labels, tensor shapes, a whole xhal_op_call_t). */
#ifndef XHAL_CONF_ONNX_MESSAGE_H
#define XHAL_CONF_ONNX_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include <xhal/xhal.h>

#include "onnx_model.h"

/* "node 3 'name' (Op)", or "node 3 (Op)" for an unnamed node. */
void onnx_node_label(char *out, size_t out_size, uint32_t index, const xhal__onnx_node_t *node);

/* Appends printf-style text at out + used (nothing once out is full);
 * returns the new used count (past out_size when truncated). */
size_t onnx_append(char *out, size_t out_size, size_t used, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

/* Appends "f32 3x2x2" ("f32 scalar" for rank 0). */
size_t onnx_shape_append(char *out, size_t out_size, size_t used, xhal_dtype_t dtype,
                         uint32_t rank, const int64_t *dims);

/* "ReduceSum(f32 3x2x2) -> f32 3x1x2 [axes=(1) keepdims=1]" */
void onnx_call_format(char *out, size_t out_size, const xhal_op_call_t *call);

#endif

/* cu_op.h - operators of the CUDA backend.
 *
 * Validation is backends/common/xhal_op_check.c (every ONNX rule, shared by
 * all backends); every op and dtype of xop_model_op_dtypes runs. The first
 * 18 ops turn a validated plan into the by-value argument struct of one
 * hand-written kernel (kernels/cu_kernel_abi.h) launched on the stream; the
 * data-movement ops into their list of copies; the others go to
 * cu_op_model.h (the OpenCL backend's kernel programs compiled as CUDA). */
#ifndef XHAL_CU_OP_H
#define XHAL_CU_OP_H

#include "cu_device.h"

/* OK if cu_op_launch would run this exact op on device; UNSUPPORTED with a
 * reason otherwise; INVALID_ARGUMENT if desc breaks the op's ONNX rules.
 * Thread-safe; touches no memory (tensor buffers may be NULL). */
int32_t cu_op_supported(xhal_plugin_device_t *device, const xhal_plugin_op_desc_t *desc);

/* Validates like cu_op_supported (buffers required, on the stream's
 * device, large enough), then enqueues one kernel on stream (none for an
 * empty output). Follows the stream's one-thread rule. */
int32_t cu_op_launch(xhal_plugin_stream_t *stream, const xhal_plugin_op_desc_t *desc);

#endif

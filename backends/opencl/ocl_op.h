/* ocl_op.h - operators of the OpenCL backend: the interface between the
 * runtime part (devices, memory, streams, program cache) and the operator
 * kernels.
 *
 * The operator code may keep per-device state in device->op_state (for
 * example programs and kernels built through ocl_program_build); it is
 * created lazily and freed by ocl_op_device_release. Kernels it enqueues go
 * on stream->queue and pass their cl_event to ocl_stream_track(). */
#ifndef XHAL_OCL_OP_H
#define XHAL_OCL_OP_H

#include "ocl_device.h"

/* OK if ocl_op_launch would run this exact op on device; UNSUPPORTED with a
 * reason otherwise; INVALID_ARGUMENT if desc breaks the op's ONNX rules.
 * device and desc are non-NULL (ocl_plugin.c checks). Thread-safe; touches
 * no memory (tensor buffers may be NULL). */
int32_t ocl_op_supported(xhal_plugin_device_t *device, const xhal_plugin_op_desc_t *desc);

/* Validates like ocl_op_supported, then enqueues the op on stream. stream
 * and desc are non-NULL. Follows the stream's one-thread rule. */
int32_t ocl_op_launch(xhal_plugin_stream_t *stream, const xhal_plugin_op_desc_t *desc);

/* Frees device->op_state and whatever it holds. Called once per device
 * when its instance is destroyed, after every stream of the instance is
 * drained and destroyed. */
void ocl_op_device_release(xhal_plugin_device_t *device);

#endif

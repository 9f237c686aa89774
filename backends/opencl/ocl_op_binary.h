/* ocl_op_binary.h - launches of the binary group on the OpenCL backend
 * (kernels/binary.cl): Pow, Min/Max, PRelu, comparisons, Where, Not/And/Or,
 * and Add..Div, Abs and Cast when u8 or bool is involved.
 *
 * ocl_op.c owns the program (OCL_OP_BINARY) and its kernel slots; this file
 * only builds the launch structs and arguments and picks the kernel, then
 * hands them to the enqueue callback ocl_op.c passes in. */
#ifndef XHAL_OCL_OP_BINARY_H
#define XHAL_OCL_OP_BINARY_H

#include "../common/xhal_op_check.h"
#include "ocl_device.h"

/* One kernel argument (clSetKernelArg's size and value). */
typedef struct ocl_op_binary_arg {
  size_t size;
  const void *value;
} ocl_op_binary_arg_t;

/* Kernel slots of kernels/binary.cl (at most this many). */
#define OCL_OP_BINARY_SLOTS 96

/* Sets args on kernel name (slot < OCL_OP_BINARY_SLOTS of the binary
 * program: kernels/binary.cl, or kernels/binary_fp64.cl when fp64 is 1)
 * and enqueues it over a 1-D range global/local on stream. */
typedef int32_t (*ocl_op_binary_enqueue_fn)(xhal_plugin_stream_t *stream, uint32_t slot,
                                            const char *name, const ocl_op_binary_arg_t *args,
                                            cl_uint arg_count, size_t global, size_t local,
                                            int fp64);

/* 1 if a validated plan runs on kernels/binary.cl (or binary_fp64.cl). */
int ocl_op_binary_owns(const xop_plan_t *plan);

/* What the device itself must offer for a validated plan: Pow with an
 * integer base and a float exponent needs cl_khr_fp64 (UNSUPPORTED
 * without it); OK for everything else. */
int32_t ocl_op_binary_device_check(const xhal_plugin_device_t *device, const xop_plan_t *plan);

/* Enqueues an owned plan whose output is not empty. */
int32_t ocl_op_binary_run(xhal_plugin_stream_t *stream, const xop_plan_t *plan,
                          ocl_op_binary_enqueue_fn enqueue);

#endif

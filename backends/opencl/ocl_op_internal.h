/* ocl_op_internal.h - what the operator files of the OpenCL backend share
 * with ocl_op.c (programs, kernel slots and the enqueue path). */
#ifndef XHAL_OCL_OP_INTERNAL_H
#define XHAL_OCL_OP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "../common/xhal_op_check.h"
#include "ocl_stream.h"

typedef struct ocl_op_arg {
  size_t size;
  const void *value;
} ocl_op_arg_t;

#define OCL_OP_MEM(view)                                                                           \
  { sizeof(cl_mem), &(view)->buffer->mem }

/* Sets args and enqueues kernel name (slot of program) over global/local
 * (dims entries each) on stream, as ocl_op.c's own launches do. */
int32_t ocl__op_enqueue(xhal_plugin_stream_t *stream, uint32_t program, uint32_t slot,
                        const char *name, const ocl_op_arg_t *args, cl_uint arg_count,
                        cl_uint dims, const size_t *global, const size_t *local);

/* Gather, Pad, Resize, Shape, ConstantOfShape and Range (ocl_op_gather.c);
 * gather_program and resize_program are the ids of kernels/gather.cl and
 * kernels/resize.cl. The output is not empty. */
int32_t ocl__op_run_gather_group(xhal_plugin_stream_t *stream, const xop_plan_t *plan,
                                 uint32_t gather_program, uint32_t resize_program);

#endif

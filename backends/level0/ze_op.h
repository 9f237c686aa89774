/* ze_op.h - what ze_op.c (modules, kernels, the planner's launches, the
 * entry points) and ze_op_model.c (the model operators' launches and the
 * data-movement copies) share inside the Level Zero backend. */
#ifndef XHAL_ZE_OP_H
#define XHAL_ZE_OP_H

#include "../common/xhal_op_check.h"
#include "../common/xhal_op_launch.h"
#include "../common/xhal_op_launch_cl.h"
#include "ze_backend.h"

/* The SPIR-V modules: one per program of the launch planners, each built
 * from common.cl and its kernel file(s) (meson.build). */
typedef enum ze_op_program {
  ZE_OP_ELTWISE = 0,
  ZE_OP_REDUCE,
  ZE_OP_SOFTMAX,
  ZE_OP_MATMUL,
  ZE_OP_SHAPE,
  ZE_OP_CONV,
  ZE_OP_UNARY,
  ZE_OP_GATHER,
  ZE_OP_RESIZE,
  ZE_OP_BINARY,
  ZE_OP_NORM,        /* norm.cl after reduce.cl and softmax.cl: both planners' */
  ZE_OP_BINARY_FP64, /* Float64: only where ZE_DEVICE_MODULE_FLAG_FP64 is */
  ZE_OP_PROGRAM_COUNT
} ze_op_program_t;

/* The defines meson.build compiles the kernels with (-DOCL_GROUP,
 * -DOCL_TILE, -DOCL_REG): the work-group variants' and MatMul's fixed
 * group sizes, so a device must allow ZE_OP_TILE * ZE_OP_TILE work-items
 * per group. */
#define ZE_OP_GROUP XOP_LAUNCH_FIXED_GROUP
#define ZE_OP_TILE XOP_LAUNCH_FIXED_TILE
static_assert(ZE_OP_GROUP == 64 && ZE_OP_TILE == 16 && XOP_LAUNCH_MATMUL_REG == 4,
              "meson.build passes -DOCL_GROUP=64 -DOCL_TILE=16 -DOCL_REG=4");

/* Where launches go: appended to stream, or (stream NULL) planned only,
 * each kernel looked up in its SPIR-V image: on the loader's null driver,
 * which runs no kernel, so that every declared op still goes through its
 * planner and finds its kernel. */
typedef struct ze_op_target {
  xhal_plugin_device_t *device;
  xhal_plugin_stream_t *stream;
} ze_op_target_t;

/* One kernel argument: zeKernelSetArgumentValue's size and value; a
 * buffer's value is its device pointer (named in messages). */
typedef struct ze_op_arg {
  size_t size;
  const void *value;
  int is_pointer;
} ze_op_arg_t;

/* A view's buffer as a kernel argument: its device pointer (element
 * offsets are in the launch structs). op_supported's tensors may have no
 * buffer: planned only, that argument is a NULL pointer. */
static inline ze_op_arg_t ze_op_buffer_arg(const xop_view_t *view) {
  static void *const no_buffer = NULL;
  return (ze_op_arg_t){sizeof(void *), view->buffer ? &view->buffer->ptr : &no_buffer, 1};
}

#define ZE_OP_MAX_ARGS XOP_CL_MAX_ARGS
static_assert(XOP_LAUNCH_MAX_BUFFERS + 1 <= ZE_OP_MAX_ARGS, "the planner's buffers and struct");

/* One kernel launch: the kernel in slot of program (named name), its
 * arguments in order, and global[d] / local[d] groups of local[d]
 * work-items in each of the 3 dims (global a multiple of local). */
typedef struct ze_op_kernel_launch {
  ze_op_program_t program;
  uint32_t slot;
  const xop_launch_name_t *name;
  uint32_t arg_count;
  ze_op_arg_t args[ZE_OP_MAX_ARGS];
  size_t global[3], local[3];
} ze_op_kernel_launch_t;

/* Sets the arguments of the launch's kernel (its module built and the
 * kernel created on first use) and appends it to target->stream; with no
 * stream, only checks that the program's SPIR-V holds the kernel. Errors
 * name the kernel, and the argument with its index and value. */
int32_t ze__op_enqueue(const ze_op_target_t *target, const ze_op_kernel_launch_t *launch);

/* Hands message to the host as the reason for status; returns status
 * (xop_check's and the planners' report). */
int32_t ze__op_report(int32_t status, const char *message);

/* The launch of xop_launch_plan for a validated plan with a non-empty
 * output (eltwise.cl, reduce.cl, softmax.cl, matmul.cl, norm.cl's row
 * ops), enqueued. */
int32_t ze__op_run_planned(const ze_op_target_t *target, const xop_plan_t *plan);

/* ze_op_model.c: the launch of xop_cl_launch_plan for a plan it owns
 * (xop_cl_launch_owns) with a non-empty output, enqueued; TABLE arguments
 * go to device memory filled before the kernel and freed once the stream
 * has run it. */
int32_t ze__op_run_cl(const ze_op_target_t *target, const xop_plan_t *plan);

/* ze_op_model.c: a data-movement op (xop_is_shape_op) as its plan's
 * copies, each one kernel on the stream in order. */
int32_t ze__op_run_copies(const ze_op_target_t *target, const xop_plan_t *plan);

#endif

/* cu_op_model.h - the model operators on the CUDA backend: ReduceMax/Min/
 * Prod, ArgMax/Min, LogSoftmax, the normalisations, Conv, ConvTranspose
 * and the pools, unary math, the gather group, the binary group (and
 * Add..Div, Abs and Cast with u8 or bool), and the linear copies of the
 * data-movement ops.
 *
 * Their kernels are the OpenCL backend's OpenCL C programs compiled as
 * CUDA C++ (kernels/cu_opencl_compat.cuh, in the backend's one fatbin); the
 * launches are planned by the shared planner of those programs
 * (backends/common/xhal_op_launch_cl.h: the same launch structs, kernel
 * names and work sizes as on OpenCL). A work-group is a block, the global
 * range a 1-D grid. */
#ifndef XHAL_CU_OP_MODEL_H
#define XHAL_CU_OP_MODEL_H

#include "../common/xhal_op_check.h"
#include "../common/xhal_op_launch_cl.h"
#include "cu_device.h"

/* 1 if cu_op_model_enqueue runs the validated plan. */
int cu_op_model_owns(const xop_plan_t *plan);

/* Enqueues an owned plan whose output is not empty on stream; device's
 * context is current. */
int32_t cu_op_model_enqueue(xhal_plugin_device_t *device, CUstream stream,
                            const xop_plan_t *plan);

/* Where cu_op_model_launch enqueues: device (context current) and stream. */
typedef struct cu_op_model_target {
  xhal_plugin_device_t *device;
  CUstream stream;
} cu_op_model_target_t;

/* Enqueues a launch of xop_cl_launch_plan or xop_cl_launch_linear (a
 * data-movement op's linear copy: shape.cl's linear_<size>) on target (a
 * cu_op_model_target_t): an xop_cl_runner_t's launch. */
int32_t cu_op_model_launch(void *target, const xop_cl_launch_t *launch);

#endif

/* cu_op_model.c - the model operators on the OpenCL C programs compiled as
 * CUDA C++ (cu_op_model.h). */
#include "cu_op_model.h"

#include "../common/xhal_op_launch_cl.h"
#include "cu_buffer.h"
#include "cu_kernels.h"
#include "cu_staging.h"
#include "kernels/cu_cl_programs.h"

static_assert(CU_CL_GROUP == XOP_LAUNCH_FIXED_GROUP && CU_CL_TILE == XOP_LAUNCH_FIXED_TILE &&
                  CU_CL_REG == XOP_LAUNCH_MATMUL_REG,
              "kernels/cu_cl_programs.h builds the programs as the other build-time backends do");

/* norm.cl's row ops, which the shared planner xop_launch_plan plans. */
static int cu_op_model_row_op(uint32_t op) {
  switch (op) {
    case XHAL_OP_REDUCE_MAX:
    case XHAL_OP_REDUCE_MIN:
    case XHAL_OP_REDUCE_PROD:
    case XHAL_OP_ARG_MAX:
    case XHAL_OP_ARG_MIN:
    case XHAL_OP_LOG_SOFTMAX:
      return 1;
    default:
      return 0;
  }
}

int cu_op_model_owns(const xop_plan_t *plan) {
  return cu_op_model_row_op(plan->op) || xop_cl_launch_owns(plan);
}

/* The grid of a 1-D launch, checked against the device's limit. */
static int32_t cu_op_model_grid(xhal_plugin_device_t *device, const xop_launch_name_t *name,
                                size_t global, size_t local, uint32_t *grid) {
  const size_t blocks = global / local;
  if (blocks > (size_t)device->info.max_grid[0])
    return cu_error(XHAL_STATUS_UNSUPPORTED,
                    "kernel " XOP_LAUNCH_NAME_FORMAT ": %zu blocks of %zu threads exceed the "
                    "grid limit of %s (%d)",
                    XOP_LAUNCH_NAME_ARGS(name), blocks, local, device->info.name,
                    device->info.max_grid[0]);
  *grid = (uint32_t)blocks;
  return XHAL_STATUS_OK;
}

/* A launch of xop_launch_plan (norm.cl): its buffers, then its data. */
static int32_t cu_op_model_run_row_op(xhal_plugin_device_t *device, CUstream stream,
                                      const xop_launch_t *l) {
  if (l->program != XOP_LAUNCH_NORM || l->dims != 1)
    return cu_error(XHAL_STATUS_INTERNAL,
                    "kernel " XOP_LAUNCH_NAME_FORMAT ": planned on program %d in %u dims, the "
                    "CUDA backend runs norm.cl's (1-D) only",
                    XOP_LAUNCH_NAME_ARGS(&l->name), (int)l->program, l->dims);
  uint32_t grid = 0;
  CU_RETURN_IF_ERROR(cu_op_model_grid(device, &l->name, l->global[0], l->local[0], &grid));
  void *params[XOP_LAUNCH_MAX_BUFFERS + 1];
  CUdeviceptr pointers[XOP_LAUNCH_MAX_BUFFERS];
  uint32_t n = 0;
  for (uint32_t i = 0; i < l->buffer_count; ++i) {
    pointers[i] = l->buffers[i]->buffer->pointer;
    params[n++] = &pointers[i];
  }
  if (l->data_size) params[n++] = (void *)&l->data;
  return cu_kernels_cl_launch(device, stream, XOP_CL_NORM, l->slot, &l->name, grid,
                              (uint32_t)l->local[0], params);
}

/* Passes the launch's arguments (buffers as their CUdeviceptr; TABLE
 * arguments copied into stream-ordered temporary buffers, freed after the
 * kernel on the same stream) and launches it. */
static int32_t cu_op_model_run(xhal_plugin_device_t *device, CUstream stream,
                               const xop_cl_launch_t *l) {
  const cu_driver_t *cu = cu_api();
  uint32_t blocks = 0;
  CU_RETURN_IF_ERROR(cu_op_model_grid(device, &l->name, l->global, l->local, &blocks));
  void *params[XOP_CL_MAX_ARGS];
  CUdeviceptr pointers[XOP_CL_MAX_ARGS] = {0};
  CUdeviceptr temporary[XOP_CL_MAX_ARGS];
  uint32_t temporaries = 0;
  int32_t status = XHAL_STATUS_OK;
  for (uint32_t i = 0; i < l->arg_count && status == XHAL_STATUS_OK; ++i) {
    const xop_cl_arg_t *a = &l->args[i];
    switch (a->kind) {
      case XOP_CL_ARG_BUFFER:
        pointers[i] = a->view->buffer->pointer;
        params[i] = &pointers[i];
        break;
      case XOP_CL_ARG_VALUE:
        params[i] = (void *)a->value;
        break;
      case XOP_CL_ARG_TABLE:
        status = cu_check(cu->cuMemAllocAsync(&pointers[i], a->size, stream),
                          "cuMemAllocAsync(%u bytes, table of " XOP_LAUNCH_NAME_FORMAT ")",
                          a->size, XOP_LAUNCH_NAME_ARGS(&l->name));
        if (status != XHAL_STATUS_OK) break;
        temporary[temporaries++] = pointers[i];
        status = cu_staging_upload(device, stream, pointers[i], a->value, a->size);
        params[i] = &pointers[i];
        break;
    }
  }
  if (status == XHAL_STATUS_OK)
    status = cu_kernels_cl_launch(device, stream, l->program, l->slot, &l->name, blocks,
                                  (uint32_t)l->local, params);
  for (uint32_t i = 0; i < temporaries; ++i) {
    const int32_t freed = cu_check(cu->cuMemFreeAsync(temporary[i], stream), "cuMemFreeAsync");
    if (status == XHAL_STATUS_OK) status = freed;
  }
  return status;
}

static int32_t cu_op_model_report(int32_t status, const char *message) {
  return cu_error(status, "%s", message);
}

int32_t cu_op_model_enqueue(xhal_plugin_device_t *device, CUstream stream,
                            const xop_plan_t *plan) {
  if (cu_op_model_row_op(plan->op)) {
    const xop_launch_config_t config = {CU_CL_GROUP, CU_CL_TILE, 0};
    xop_launch_t row;
    if (!xop_launch_plan(plan, &config, &row))
      return cu_error(XHAL_STATUS_INTERNAL, "%s: the launch planner has no kernel for it",
                      plan->name);
    return cu_op_model_run_row_op(device, stream, &row);
  }
  cu_op_model_target_t target = {device, stream};
  const xop_cl_runner_t runner = {&target, cu_op_model_launch, NULL, cu_op_model_report};
  return xop_cl_run_plan(plan, CU_CL_GROUP, &runner);
}

int32_t cu_op_model_launch(void *target, const xop_cl_launch_t *launch) {
  const cu_op_model_target_t *t = target;
  return cu_op_model_run(t->device, t->stream, launch);
}

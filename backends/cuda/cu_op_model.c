/* cu_op_model.c - the model operators on the OpenCL C programs compiled as
 * CUDA C++ (cu_op_model.h). */
#include "cu_op_model.h"

#include "../common/xhal_op_launch_cl.h"
#include "cu_buffer.h"
#include "cu_kernels.h"
#include "cu_staging.h"
#include "kernels/cu_cl_programs.h"

int cu_op_model_owns(const xop_plan_t *plan) {
  return xop_cl_launch_owns(plan);
}

/* Passes the launch's arguments (buffers as their CUdeviceptr; TABLE
 * arguments copied into stream-ordered temporary buffers, freed after the
 * kernel on the same stream) and launches it. */
static int32_t cu_op_model_run(xhal_plugin_device_t *device, CUstream stream,
                               const xop_cl_launch_t *l) {
  const cu_driver_t *cu = cu_api();
  const size_t blocks = l->global / l->local;
  if (blocks > (size_t)device->info.max_grid[0])
    return cu_error(XHAL_STATUS_UNSUPPORTED,
                    "kernel " XOP_CL_NAME_FORMAT ": %zu blocks of %zu threads exceed the grid "
                    "limit of %s (%d)",
                    XOP_CL_NAME_ARGS(&l->name), blocks, l->local, device->info.name,
                    device->info.max_grid[0]);
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
                          "cuMemAllocAsync(%u bytes, table of " XOP_CL_NAME_FORMAT ")", a->size,
                          XOP_CL_NAME_ARGS(&l->name));
        if (status != XHAL_STATUS_OK) break;
        temporary[temporaries++] = pointers[i];
        status = cu_staging_upload(device, stream, pointers[i], a->value, a->size);
        params[i] = &pointers[i];
        break;
    }
  }
  if (status == XHAL_STATUS_OK)
    status = cu_kernels_cl_launch(device, stream, l, (uint32_t)blocks, (uint32_t)l->local, params);
  for (uint32_t i = 0; i < temporaries; ++i) {
    const int32_t freed = cu_check(cu->cuMemFreeAsync(temporary[i], stream), "cuMemFreeAsync");
    if (status == XHAL_STATUS_OK) status = freed;
  }
  return status;
}

int32_t cu_op_model_enqueue(xhal_plugin_device_t *device, CUstream stream,
                            const xop_plan_t *plan) {
  xop_cl_launch_t launch;
  char message[256];
  int32_t status = xop_cl_launch_plan(plan, CU_CL_GROUP, &launch, message, sizeof message);
  if (status != XHAL_STATUS_OK) return cu_error(status, "%s", message);
  status = cu_op_model_run(device, stream, &launch);
  xop_cl_launch_release(&launch);
  return status;
}

int32_t cu_op_model_linear(xhal_plugin_device_t *device, CUstream stream, const xop_view_t *y,
                           const xop_view_t *x) {
  xop_cl_launch_t launch;
  xop_cl_launch_linear(y, x, &launch);
  const int32_t status = cu_op_model_run(device, stream, &launch);
  xop_cl_launch_release(&launch);
  return status;
}

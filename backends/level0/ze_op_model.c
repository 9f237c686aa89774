/* ze_op_model.c - the model operators of the Level Zero backend: the
 * launches of xop_cl_launch_plan (backends/common/xhal_op_launch_cl.h, the
 * planner the OpenCL and CUDA backends use too) on shape.spv, conv.spv,
 * unary.spv, gather.spv, resize.spv, binary.spv, norm.spv and
 * binary_fp64.spv, and the data-movement ops as their plan's copies. */
#include <stdlib.h>
#include <string.h>

#include "ze_op.h"

/* The modules of xop_cl_launch_plan's programs. */
static const ze_op_program_t ze_op_cl_programs[] = {
    [XOP_CL_SHAPE] = ZE_OP_SHAPE,   [XOP_CL_CONV] = ZE_OP_CONV,
    [XOP_CL_UNARY] = ZE_OP_UNARY,   [XOP_CL_GATHER] = ZE_OP_GATHER,
    [XOP_CL_RESIZE] = ZE_OP_RESIZE, [XOP_CL_BINARY] = ZE_OP_BINARY,
    [XOP_CL_NORM] = ZE_OP_NORM,     [XOP_CL_BINARY_FP64] = ZE_OP_BINARY_FP64,
};
static_assert(XOP_CL_PROGRAM_COUNT == 8 &&
                  sizeof ze_op_cl_programs / sizeof *ze_op_cl_programs == XOP_CL_PROGRAM_COUNT,
              "every program of xhal_op_launch_cl.h has its module in ze_op_cl_programs");

/* A launch's TABLE arguments (Resize's tap tables): back to back at
 * aligned offsets in one device allocation, which one copy from one host
 * allocation fills on the stream before the kernel; the stream frees both
 * once it has run the kernel. */
typedef struct ze_op_tables {
  void *device; /* NULL: no table, or nothing left to free */
  void *host;
  void *pointers[XOP_CL_MAX_ARGS]; /* argument i's table on the device */
} ze_op_tables_t;

static void ze_op_tables_free(xhal_plugin_device_t *device, ze_op_tables_t *t) {
  if (t->device) zeMemFree(device->driver->context, t->device);
  if (t->host) zeMemFree(device->driver->context, t->host);
  t->device = t->host = NULL;
}

/* Allocates the tables of l and appends their upload to stream. On
 * failure before the copy is appended nothing stays allocated; after it,
 * t->device is set and the caller hands both allocations to
 * ze__stream_free_after whatever happens. */
static int32_t ze_op_tables_upload(xhal_plugin_stream_t *stream, const xop_cl_launch_t *l,
                                   ze_op_tables_t *t) {
  size_t offsets[XOP_CL_MAX_ARGS], total = 0;
  for (uint32_t i = 0; i < l->arg_count; ++i) {
    if (l->args[i].kind != XOP_CL_ARG_TABLE) continue;
    offsets[i] = total;
    total += xop_launch_round_up(l->args[i].size, ZE_BUFFER_ALIGNMENT);
  }
  if (!total) return XHAL_STATUS_OK;
  xhal_plugin_device_t *device = stream->device;
  const ze_host_mem_alloc_desc_t host_desc = {.stype = ZE_STRUCTURE_TYPE_HOST_MEM_ALLOC_DESC};
  const ze_device_mem_alloc_desc_t device_desc = {.stype = ZE_STRUCTURE_TYPE_DEVICE_MEM_ALLOC_DESC};
  int32_t status = ze__check(
      zeMemAllocHost(device->driver->context, &host_desc, total, ZE_BUFFER_ALIGNMENT, &t->host),
      "zeMemAllocHost(%zu bytes, tables of " XOP_LAUNCH_NAME_FORMAT ")", total,
      XOP_LAUNCH_NAME_ARGS(&l->name));
  if (status == XHAL_STATUS_OK) {
    status = ze__check(zeMemAllocDevice(device->driver->context, &device_desc, total,
                                        ZE_BUFFER_ALIGNMENT, device->handle, &t->device),
                       "zeMemAllocDevice(%zu bytes, tables of " XOP_LAUNCH_NAME_FORMAT ")", total,
                       XOP_LAUNCH_NAME_ARGS(&l->name));
  }
  if (status == XHAL_STATUS_OK) status = ze__stream_begin(stream);
  if (status == XHAL_STATUS_OK) {
    for (uint32_t i = 0; i < l->arg_count; ++i) {
      if (l->args[i].kind != XOP_CL_ARG_TABLE) continue;
      memcpy((char *)t->host + offsets[i], l->args[i].value, l->args[i].size);
      t->pointers[i] = (char *)t->device + offsets[i];
    }
    status = ze__check(
        zeCommandListAppendMemoryCopy(stream->list, t->device, t->host, total, NULL, 0, NULL),
        "zeCommandListAppendMemoryCopy(%zu bytes, tables of " XOP_LAUNCH_NAME_FORMAT ")", total,
        XOP_LAUNCH_NAME_ARGS(&l->name));
    if (status == XHAL_STATUS_OK) return ze__stream_ordered(stream, status);
  }
  ze_op_tables_free(device, t);
  return status;
}

/* Enqueues a launch of xop_cl_launch_plan: BUFFER arguments as the view's
 * device pointer, VALUE arguments by value, TABLE arguments as their
 * uploaded copy (planned only: a NULL pointer, nothing allocated). */
static int32_t ze_op_enqueue_cl(const ze_op_target_t *target, const xop_cl_launch_t *l) {
  ze_op_kernel_launch_t launch = {.program = ze_op_cl_programs[l->program],
                                  .slot = l->slot,
                                  .name = &l->name,
                                  .arg_count = l->arg_count,
                                  .global = {l->global, 1, 1},
                                  .local = {l->local, 1, 1}};
  ze_op_tables_t tables = {0};
  int32_t status = XHAL_STATUS_OK;
  if (target->stream) status = ze_op_tables_upload(target->stream, l, &tables);
  for (uint32_t i = 0; i < l->arg_count; ++i) {
    const xop_cl_arg_t *a = &l->args[i];
    switch (a->kind) {
      case XOP_CL_ARG_BUFFER:
        launch.args[i] = ze_op_buffer_arg(a->view);
        break;
      case XOP_CL_ARG_VALUE:
        launch.args[i] = (ze_op_arg_t){a->size, a->value, 0};
        break;
      case XOP_CL_ARG_TABLE:
        launch.args[i] = (ze_op_arg_t){sizeof(void *), &tables.pointers[i], 1};
        break;
    }
  }
  if (status == XHAL_STATUS_OK) status = ze__op_enqueue(target, &launch);
  if (tables.device) {
    void *const memory[2] = {tables.device, tables.host};
    const int32_t freed = ze__stream_free_after(target->stream, memory, 2);
    if (status == XHAL_STATUS_OK) status = freed;
  }
  return status;
}

static int32_t ze_op_cl_launch(void *target, const xop_cl_launch_t *launch) {
  return ze_op_enqueue_cl(target, launch);
}

static int32_t ze_op_copy(void *target, const xop_plan_t *copy) {
  return ze__op_run_planned(target, copy);
}

int32_t ze__op_run_cl(const ze_op_target_t *target, const xop_plan_t *plan) {
  const xop_cl_runner_t runner = {(void *)target, ze_op_cl_launch, NULL, ze__op_report};
  return xop_cl_run_plan(plan, ZE_OP_GROUP, &runner);
}

/* xop_cl_run_copies: a linear copy is shape.spv's linear_<size>, the
 * others Copy launches of eltwise.spv; an empty one launches nothing
 * (Level Zero takes no empty group count). */
int32_t ze__op_run_copies(const ze_op_target_t *target, const xop_plan_t *plan) {
  const xop_cl_runner_t runner = {(void *)target, ze_op_cl_launch, ze_op_copy, ze__op_report};
  return xop_cl_run_copies(plan, &runner);
}

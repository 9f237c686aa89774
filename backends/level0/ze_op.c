/* ze_op.c - operators of the Level Zero backend.
 *
 * The kernels are the OpenCL backend's (backends/opencl/kernels/<family>.cl),
 * compiled to SPIR-V at build time with the defines the OpenCL backend passes
 * at run time (ZE_OP_GROUP, ZE_OP_TILE and XOP_LAUNCH_MATMUL_REG, the same
 * values as meson.build passes) and embedded in the plugin; one module per
 * kernel file per device, built with zeModuleCreate on first use. Launches
 * are validated by the shared xop_check and planned by the shared launch
 * planner (backends/common/xhal_op_launch.h: kernel, launch struct and work
 * sizes, as for the OpenCL backend); buffers are passed as device
 * pointers. On the loader's null driver, whose kernels do nothing,
 * valid operators are UNSUPPORTED: their results could not be verified. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xhal_op_check.h"
#include "../common/xhal_op_launch.h"
#include "ze_backend.h"

/* The SPIR-V images (tools/embed_binary.py, build dir). */
extern const unsigned char ze_spirv_eltwise[], ze_spirv_reduce[], ze_spirv_softmax[],
    ze_spirv_matmul[];
extern const size_t ze_spirv_eltwise_size, ze_spirv_reduce_size, ze_spirv_softmax_size,
    ze_spirv_matmul_size;

/* ---- Modules and kernels ----------------------------------------------------------------- */

typedef enum ze_op_program {
  ZE_OP_ELTWISE = 0,
  ZE_OP_REDUCE,
  ZE_OP_SOFTMAX,
  ZE_OP_MATMUL,
  ZE_OP_PROGRAM_COUNT
} ze_op_program_t;

typedef struct ze_op_source {
  const char *name; /* for messages */
  const unsigned char *spirv;
  const size_t *size;
} ze_op_source_t;

static const ze_op_source_t ze_op_program_sources[ZE_OP_PROGRAM_COUNT] = {
    [ZE_OP_ELTWISE] = {"eltwise.spv", ze_spirv_eltwise, &ze_spirv_eltwise_size},
    [ZE_OP_REDUCE] = {"reduce.spv", ze_spirv_reduce, &ze_spirv_reduce_size},
    [ZE_OP_SOFTMAX] = {"softmax.spv", ze_spirv_softmax, &ze_spirv_softmax_size},
    [ZE_OP_MATMUL] = {"matmul.spv", ze_spirv_matmul, &ze_spirv_matmul_size},
};

/* The modules of the planner's programs (xhal_op_launch.h); -1: not built
 * for Level Zero (the ops that need it are not declared). */
static const int ze_op_launch_programs[XOP_LAUNCH_PROGRAM_COUNT] = {
    [XOP_LAUNCH_ELTWISE] = ZE_OP_ELTWISE, [XOP_LAUNCH_ELTWISE_DENSE] = -1,
    [XOP_LAUNCH_REDUCE] = ZE_OP_REDUCE,   [XOP_LAUNCH_SOFTMAX] = ZE_OP_SOFTMAX,
    [XOP_LAUNCH_MATMUL] = ZE_OP_MATMUL,   [XOP_LAUNCH_NORM] = -1,
};

/* Fixed at build time (meson.build: -DOCL_GROUP, -DOCL_TILE, -DOCL_REG):
 * the kernels' reqd_work_group_size, so devices must allow
 * ZE_OP_TILE * ZE_OP_TILE work-items per group. No dense program. */
#define ZE_OP_GROUP 64
#define ZE_OP_TILE 16
static_assert(XOP_LAUNCH_MATMUL_REG == 4, "meson.build passes -DOCL_REG=4");
static const xop_launch_config_t ze_op_launch_config = {
    .group = ZE_OP_GROUP, .tile = ZE_OP_TILE, .dense = 0};

typedef struct ze_op_kernel {
  pthread_mutex_t mutex; /* held from the first argument to the append */
  ze_kernel_handle_t kernel;
} ze_op_kernel_t;

typedef struct ze_op_state {
  pthread_mutex_t mutex; /* guards modules[] and creating kernels */
  ze_module_handle_t modules[ZE_OP_PROGRAM_COUNT];
  ze_op_kernel_t kernels[ZE_OP_PROGRAM_COUNT][XOP_LAUNCH_MAX_SLOTS];
} ze_op_state_t;

static pthread_mutex_t ze_op_state_mutex = PTHREAD_MUTEX_INITIALIZER;

static int32_t ze_op_state_get(xhal_plugin_device_t *device, ze_op_state_t **out_state) {
  pthread_mutex_lock(&ze_op_state_mutex);
  if (!device->op_state) {
    ze_op_state_t *state = calloc(1, sizeof *state);
    if (state) {
      pthread_mutex_init(&state->mutex, NULL);
      for (int p = 0; p < ZE_OP_PROGRAM_COUNT; ++p)
        for (int k = 0; k < XOP_LAUNCH_MAX_SLOTS; ++k)
          pthread_mutex_init(&state->kernels[p][k].mutex, NULL);
    }
    device->op_state = state;
  }
  ze_op_state_t *state = device->op_state;
  pthread_mutex_unlock(&ze_op_state_mutex);
  if (!state) return ze__error(XHAL_STATUS_OUT_OF_MEMORY, "operator state of %s", device->props.name);
  *out_state = state;
  return XHAL_STATUS_OK;
}

void ze__op_device_release(xhal_plugin_device_t *device) {
  pthread_mutex_lock(&ze_op_state_mutex);
  ze_op_state_t *state = device->op_state;
  device->op_state = NULL;
  pthread_mutex_unlock(&ze_op_state_mutex);
  if (!state) return;
  for (int p = 0; p < ZE_OP_PROGRAM_COUNT; ++p) {
    for (int k = 0; k < XOP_LAUNCH_MAX_SLOTS; ++k) {
      if (state->kernels[p][k].kernel) zeKernelDestroy(state->kernels[p][k].kernel);
      pthread_mutex_destroy(&state->kernels[p][k].mutex);
    }
    if (state->modules[p]) zeModuleDestroy(state->modules[p]);
  }
  pthread_mutex_destroy(&state->mutex);
  free(state);
}

/* The kernel in slot of program p (named name), its module built and the
 * kernel created on first use. The images are this backend's own, so a
 * failure is INTERNAL. */
static int32_t ze_op_kernel_get(xhal_plugin_device_t *device, ze_op_program_t p, uint32_t slot,
                                const xop_launch_name_t *name, ze_op_kernel_t **out_slot) {
  ze_op_state_t *state = NULL;
  ZE_RETURN_IF_ERROR(ze_op_state_get(device, &state));
  assert(slot < XOP_LAUNCH_MAX_SLOTS);
  ze_op_kernel_t *k = &state->kernels[p][slot];
  const ze_op_source_t *src = &ze_op_program_sources[p];
  int32_t status = XHAL_STATUS_OK;
  char text[64] = "";
  pthread_mutex_lock(&state->mutex);
  if (!state->modules[p])
    status = ze__module_build(device, src->spirv, *src->size, "", src->name, &state->modules[p]);
  if (status == XHAL_STATUS_OK && !k->kernel) {
    snprintf(text, sizeof text, XOP_LAUNCH_NAME_FORMAT, XOP_LAUNCH_NAME_ARGS(name));
    ze_kernel_desc_t desc = {.stype = ZE_STRUCTURE_TYPE_KERNEL_DESC, .pKernelName = text};
    status = ze__check(zeKernelCreate(state->modules[p], &desc, &k->kernel),
                       "zeKernelCreate(%s of %s)", text, src->name);
  }
  pthread_mutex_unlock(&state->mutex);
  if (status != XHAL_STATUS_OK) {
    char reason[1024];
    snprintf(reason, sizeof reason, "%s", ze__last_message());
    return ze__error(XHAL_STATUS_INTERNAL, "operator kernel " XOP_LAUNCH_NAME_FORMAT ": %s",
                     XOP_LAUNCH_NAME_ARGS(name), reason);
  }
  *out_slot = k;
  return XHAL_STATUS_OK;
}

/* ---- Enqueue ----------------------------------------------------------------------------- */

/* Sets the launch's arguments (buffers as device pointers, then the launch
 * struct) and appends its kernel on the stream. */
static int32_t ze_op_enqueue(xhal_plugin_stream_t *stream, const xop_launch_t *launch) {
  const int p = ze_op_launch_programs[launch->program];
  const xop_launch_name_t *name = &launch->name;
  if (p < 0) {
    return ze__error(XHAL_STATUS_INTERNAL, "kernel " XOP_LAUNCH_NAME_FORMAT
                     ": its kernel file is not built for Level Zero", XOP_LAUNCH_NAME_ARGS(name));
  }
  ze_op_kernel_t *k = NULL;
  ZE_RETURN_IF_ERROR(ze_op_kernel_get(stream->device, (ze_op_program_t)p, launch->slot, name, &k));
  uint32_t group[3], count[3];
  for (uint32_t d = 0; d < 3; ++d) {
    group[d] = (uint32_t)launch->local[d];
    count[d] = (uint32_t)(launch->global[d] / launch->local[d]);
  }
  int32_t status = XHAL_STATUS_OK;
  pthread_mutex_lock(&k->mutex);
  for (uint32_t i = 0; i < launch->buffer_count && status == XHAL_STATUS_OK; ++i) {
    status = ze__check(zeKernelSetArgumentValue(k->kernel, i, sizeof(void *),
                                                &launch->buffers[i]->buffer->ptr),
                       "zeKernelSetArgumentValue(" XOP_LAUNCH_NAME_FORMAT ", buffer argument %u)",
                       XOP_LAUNCH_NAME_ARGS(name), i);
  }
  if (status == XHAL_STATUS_OK && launch->data_size) {
    status = ze__check(zeKernelSetArgumentValue(k->kernel, launch->buffer_count,
                                                launch->data_size, &launch->data),
                       "zeKernelSetArgumentValue(" XOP_LAUNCH_NAME_FORMAT ", argument %u, %u "
                       "bytes)",
                       XOP_LAUNCH_NAME_ARGS(name), launch->buffer_count, launch->data_size);
  }
  if (status == XHAL_STATUS_OK) {
    status = ze__check(zeKernelSetGroupSize(k->kernel, group[0], group[1], group[2]),
                       "zeKernelSetGroupSize(" XOP_LAUNCH_NAME_FORMAT ", {%u, %u, %u})",
                       XOP_LAUNCH_NAME_ARGS(name), group[0], group[1], group[2]);
  }
  if (status == XHAL_STATUS_OK) {
    const ze_group_count_t groups = {count[0], count[1], count[2]};
    status = ze__check(
        zeCommandListAppendLaunchKernel(stream->list, k->kernel, &groups, NULL, 0, NULL),
        "zeCommandListAppendLaunchKernel(" XOP_LAUNCH_NAME_FORMAT
        ", groups {%u, %u, %u}, group size {%u, %u, %u})",
        XOP_LAUNCH_NAME_ARGS(name), count[0], count[1], count[2], group[0], group[1], group[2]);
  }
  pthread_mutex_unlock(&k->mutex);
  return ze__stream_ordered(stream, status);
}

/* ---- What the kernels run, and the entry points ------------------------------------------ */

static xhal_plugin_device_t *ze_op_buffer_device(const xhal_plugin_buffer_t *buffer) {
  return buffer->device;
}

static uint64_t ze_op_buffer_size(const xhal_plugin_buffer_t *buffer) {
  return buffer->size;
}

static int32_t ze_op_report(int32_t status, const char *message) {
  return ze__error(status, "%s", message);
}

static const xop_backend_t ze_op_backend = {
    .name = "Level Zero",
    .op_dtypes = xop_standard_op_dtypes,
    .buffer_device = ze_op_buffer_device,
    .buffer_size = ze_op_buffer_size,
    .report = ze_op_report,
};

/* A valid description the device cannot run: the null driver (its kernels
 * do nothing), or group sizes below the kernels' fixed ones. */
static int32_t ze_op_device_check(const xhal_plugin_device_t *device) {
  if (device->is_null_driver) {
    return ze__error(XHAL_STATUS_UNSUPPORTED,
                     "results cannot be verified on the Level Zero null driver");
  }
  if (device->compute.maxTotalGroupSize < ZE_OP_TILE * ZE_OP_TILE) {
    return ze__error(XHAL_STATUS_UNSUPPORTED,
                     "%s allows %u work-items per group; the operator kernels need %d",
                     device->props.name, device->compute.maxTotalGroupSize,
                     ZE_OP_TILE * ZE_OP_TILE);
  }
  return XHAL_STATUS_OK;
}

int32_t ze_op_supported(xhal_plugin_device_t *device, const xhal_plugin_op_desc_t *desc) {
  xop_plan_t plan;
  ZE_RETURN_IF_ERROR(xop_check(&ze_op_backend, device, desc, 0, &plan));
  return ze_op_device_check(device);
}

int32_t ze_op_launch(xhal_plugin_stream_t *stream, const xhal_plugin_op_desc_t *desc) {
  xop_plan_t plan;
  ZE_RETURN_IF_ERROR(xop_check(&ze_op_backend, stream->device, desc, 1, &plan));
  ZE_RETURN_IF_ERROR(ze_op_device_check(stream->device));
  if (xop_view_count(&plan.out) == 0) return XHAL_STATUS_OK; /* nothing to write */
  xop_launch_t launch;
  if (!xop_launch_plan(&plan, &ze_op_launch_config, &launch))
    return ze__error(XHAL_STATUS_INTERNAL, "no Level Zero kernel runs %s", plan.name);
  return ze_op_enqueue(stream, &launch);
}

/* ze_op.c - operators of the Level Zero backend: every operator the
 * OpenCL backend runs (xop_model_op_dtypes), from the same kernels.
 *
 * The kernels are the OpenCL backend's (backends/opencl/kernels/<file>.cl),
 * compiled to SPIR-V at build time with the defines the OpenCL backend
 * passes at run time (ze_op.h: ZE_OP_GROUP, ZE_OP_TILE, and
 * XOP_LAUNCH_MATMUL_REG) and embedded in the plugin: one module per
 * program of the shared launch planners, built per device with
 * zeModuleCreate on first use, and one kernel per (program, slot),
 * created on first use. Launches are validated by the shared xop_check and
 * planned as on OpenCL: a data-movement op as its plan's copies, the model
 * programs by xop_cl_launch_plan (ze_op_model.c), the rest by
 * xop_launch_plan (backends/common/xhal_op_launch.h: eltwise, reduce,
 * softmax, matmul, norm.cl's row ops); buffers are passed as device
 * pointers. On the loader's null driver, whose kernels do nothing, every
 * valid operator is planned, its kernels looked up in the SPIR-V, and then
 * refused as UNSUPPORTED: its results could not be verified. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ze_op.h"

#include "../common/xhal_op_check_shape.h"

/* The SPIR-V images (tools/embed_binary.py, build dir). */
#define ZE_OP_SPIRV_LIST(X)                                                                        \
  X(ELTWISE, eltwise) X(REDUCE, reduce) X(SOFTMAX, softmax) X(MATMUL, matmul) X(SHAPE, shape)      \
  X(CONV, conv) X(UNARY, unary) X(GATHER, gather) X(RESIZE, resize) X(BINARY, binary)              \
  X(NORM, norm) X(BINARY_FP64, binary_fp64)
#define ZE_OP_SPIRV_EXTERN(id, file)                                                               \
  extern const unsigned char ze_spirv_##file[];                                                    \
  extern const size_t ze_spirv_##file##_size;
ZE_OP_SPIRV_LIST(ZE_OP_SPIRV_EXTERN)
#undef ZE_OP_SPIRV_EXTERN

/* ---- Modules and kernels ----------------------------------------------------------------- */

typedef struct ze_op_source {
  const char *name; /* for messages */
  const unsigned char *spirv;
  const size_t *size;
} ze_op_source_t;

static const ze_op_source_t ze_op_program_sources[ZE_OP_PROGRAM_COUNT] = {
#define ZE_OP_SPIRV_SOURCE(id, file)                                                               \
  [ZE_OP_##id] = {#file ".spv", ze_spirv_##file, &ze_spirv_##file##_size},
    ZE_OP_SPIRV_LIST(ZE_OP_SPIRV_SOURCE)
#undef ZE_OP_SPIRV_SOURCE
};

/* The modules of xop_launch_plan's programs (xhal_op_launch.h); -1: the
 * dense variant of eltwise.cl, not built for Level Zero (the launch
 * config says so, and the planner never picks it). */
static const int ze_op_launch_programs[XOP_LAUNCH_PROGRAM_COUNT] = {
    [XOP_LAUNCH_ELTWISE] = ZE_OP_ELTWISE, [XOP_LAUNCH_ELTWISE_DENSE] = -1,
    [XOP_LAUNCH_REDUCE] = ZE_OP_REDUCE,   [XOP_LAUNCH_SOFTMAX] = ZE_OP_SOFTMAX,
    [XOP_LAUNCH_MATMUL] = ZE_OP_MATMUL,   [XOP_LAUNCH_NORM] = ZE_OP_NORM,
};

/* No dense program (ze_op.h: ZE_OP_GROUP, ZE_OP_TILE). */
static const xop_launch_config_t ze_op_launch_config = {
    .group = ZE_OP_GROUP, .tile = ZE_OP_TILE, .dense = 0};

typedef struct ze_op_kernel {
  pthread_mutex_t mutex; /* held from the first argument to the append */
  ze_kernel_handle_t kernel;
} ze_op_kernel_t;

/* Kernel slots per program: both planners' (xop_cl_launch_plan's and
 * xop_launch_plan's share norm.spv's, as on OpenCL). */
static_assert(XOP_CL_MAX_SLOTS <= XOP_LAUNCH_MAX_SLOTS, "xop_cl_launch_plan's kernel slots");

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

/* The null driver's part of zeKernelCreate: the kernel must be in its
 * program's image (the null driver creates a kernel of any name). */
static int32_t ze_op_kernel_find(const ze_op_kernel_launch_t *launch) {
  const ze_op_source_t *src = &ze_op_program_sources[launch->program];
  char text[64];
  snprintf(text, sizeof text, XOP_LAUNCH_NAME_FORMAT, XOP_LAUNCH_NAME_ARGS(launch->name));
  if (ze__spirv_has_kernel(src->spirv, *src->size, text)) return XHAL_STATUS_OK;
  return ze__error(XHAL_STATUS_INTERNAL, "operator kernel %s: %s (%zu bytes) declares no such "
                   "kernel", text, src->name, *src->size);
}

/* UNSUPPORTED unless the launch is within the device's limits on the
 * bytes of a kernel's arguments and on group counts (a limit of 0: not
 * reported, not checked); its groups per dim in count. */
static int32_t ze_op_within_limits(const xhal_plugin_device_t *device,
                                   const ze_op_kernel_launch_t *launch, uint32_t *count) {
  size_t arg_bytes = 0;
  for (uint32_t i = 0; i < launch->arg_count; ++i) arg_bytes += launch->args[i].size;
  if (device->module.maxArgumentsSize && arg_bytes > device->module.maxArgumentsSize) {
    return ze__error(XHAL_STATUS_UNSUPPORTED,
                     "operator kernel " XOP_LAUNCH_NAME_FORMAT ": %u arguments of %zu bytes; %s "
                     "takes %u (maxArgumentsSize)",
                     XOP_LAUNCH_NAME_ARGS(launch->name), launch->arg_count, arg_bytes,
                     device->props.name, device->module.maxArgumentsSize);
  }
  const uint32_t limit[3] = {device->compute.maxGroupCountX, device->compute.maxGroupCountY,
                             device->compute.maxGroupCountZ};
  for (uint32_t d = 0; d < 3; ++d) {
    const size_t groups = launch->global[d] / launch->local[d];
    if (groups > UINT32_MAX || (limit[d] && groups > limit[d])) {
      return ze__error(XHAL_STATUS_UNSUPPORTED,
                       "operator kernel " XOP_LAUNCH_NAME_FORMAT ": %zu groups of %zu work-items "
                       "in dim %u; %s allows %u",
                       XOP_LAUNCH_NAME_ARGS(launch->name), groups, launch->local[d], d,
                       device->props.name, limit[d] ? limit[d] : UINT32_MAX);
    }
    count[d] = (uint32_t)groups;
  }
  return XHAL_STATUS_OK;
}

/* Sets the arguments, the group size and appends; k->mutex held. */
static int32_t ze_op_append(xhal_plugin_stream_t *stream, ze_kernel_handle_t kernel,
                            const ze_op_kernel_launch_t *launch, const uint32_t *count) {
  const xop_launch_name_t *name = launch->name;
  for (uint32_t i = 0; i < launch->arg_count; ++i) {
    const ze_op_arg_t *a = &launch->args[i];
    const ze_result_t r = zeKernelSetArgumentValue(kernel, i, a->size, a->value);
    if (r == ZE_RESULT_SUCCESS) continue;
    if (a->is_pointer) {
      return ze__check(r, "zeKernelSetArgumentValue(" XOP_LAUNCH_NAME_FORMAT ", argument %u, "
                       "device pointer %p)", XOP_LAUNCH_NAME_ARGS(name), i,
                       *(void *const *)a->value);
    }
    return ze__check(r, "zeKernelSetArgumentValue(" XOP_LAUNCH_NAME_FORMAT ", argument %u, %zu "
                     "bytes by value)", XOP_LAUNCH_NAME_ARGS(name), i, a->size);
  }
  const uint32_t group[3] = {(uint32_t)launch->local[0], (uint32_t)launch->local[1],
                             (uint32_t)launch->local[2]};
  ZE_RETURN_IF_ERROR(ze__check(zeKernelSetGroupSize(kernel, group[0], group[1], group[2]),
                               "zeKernelSetGroupSize(" XOP_LAUNCH_NAME_FORMAT ", {%u, %u, %u})",
                               XOP_LAUNCH_NAME_ARGS(name), group[0], group[1], group[2]));
  const ze_group_count_t groups = {count[0], count[1], count[2]};
  return ze__check(
      zeCommandListAppendLaunchKernel(stream->list, kernel, &groups, NULL, 0, NULL),
      "zeCommandListAppendLaunchKernel(" XOP_LAUNCH_NAME_FORMAT
      ", groups {%u, %u, %u}, group size {%u, %u, %u})",
      XOP_LAUNCH_NAME_ARGS(name), count[0], count[1], count[2], group[0], group[1], group[2]);
}

int32_t ze__op_enqueue(const ze_op_target_t *target, const ze_op_kernel_launch_t *launch) {
  if (!target->stream) return ze_op_kernel_find(launch);
  xhal_plugin_stream_t *stream = target->stream;
  uint32_t count[3];
  ZE_RETURN_IF_ERROR(ze_op_within_limits(stream->device, launch, count));
  ze_op_kernel_t *k = NULL;
  ZE_RETURN_IF_ERROR(
      ze_op_kernel_get(stream->device, launch->program, launch->slot, launch->name, &k));
  ZE_RETURN_IF_ERROR(ze__stream_begin(stream));
  pthread_mutex_lock(&k->mutex);
  const int32_t status = ze_op_append(stream, k->kernel, launch, count);
  pthread_mutex_unlock(&k->mutex);
  return ze__stream_ordered(stream, status);
}

/* ---- The planner's launches (xhal_op_launch.h) ------------------------------------------- */

int32_t ze__op_run_planned(const ze_op_target_t *target, const xop_plan_t *plan) {
  xop_launch_t planned;
  if (!xop_launch_plan(plan, &ze_op_launch_config, &planned))
    return ze__error(XHAL_STATUS_INTERNAL, "no Level Zero kernel runs %s", plan->name);
  const int program = ze_op_launch_programs[planned.program];
  if (program < 0) {
    return ze__error(XHAL_STATUS_INTERNAL, "operator kernel " XOP_LAUNCH_NAME_FORMAT
                     ": planned on program %d, which is not built for Level Zero",
                     XOP_LAUNCH_NAME_ARGS(&planned.name), (int)planned.program);
  }
  ze_op_kernel_launch_t launch = {.program = (ze_op_program_t)program,
                                  .slot = planned.slot,
                                  .name = &planned.name};
  for (uint32_t i = 0; i < planned.buffer_count; ++i)
    launch.args[launch.arg_count++] = ze_op_buffer_arg(planned.buffers[i]);
  if (planned.data_size)
    launch.args[launch.arg_count++] = (ze_op_arg_t){planned.data_size, &planned.data, 0};
  for (uint32_t d = 0; d < 3; ++d) {
    launch.global[d] = planned.global[d];
    launch.local[d] = planned.local[d];
  }
  return ze__op_enqueue(target, &launch);
}

/* ---- What the kernels run, and the entry points ------------------------------------------ */

static xhal_plugin_device_t *ze_op_buffer_device(const xhal_plugin_buffer_t *buffer) {
  return buffer->device;
}

static uint64_t ze_op_buffer_size(const xhal_plugin_buffer_t *buffer) {
  return buffer->size;
}

int32_t ze__op_report(int32_t status, const char *message) {
  return ze__error(status, "%s", message);
}

static const xop_backend_t ze_op_backend = {
    .name = "Level Zero",
    .op_dtypes = xop_model_op_dtypes,
    .buffer_device = ze_op_buffer_device,
    .buffer_size = ze_op_buffer_size,
    .report = ze__op_report,
};

/* The launches of a validated plan, in the OpenCL backend's order: a
 * data-movement op's copies, nothing for an empty output, the model
 * programs of xop_cl_launch_plan, else xop_launch_plan's. */
static int32_t ze_op_run(const ze_op_target_t *target, const xop_plan_t *plan) {
  if (xop_is_shape_op(plan->op)) return ze__op_run_copies(target, plan); /* Split: 8 outputs */
  if (xop_view_count(&plan->out) == 0) return XHAL_STATUS_OK;            /* nothing to write */
  if (xop_cl_launch_owns(plan)) return ze__op_run_cl(target, plan);
  return ze__op_run_planned(target, plan);
}

/* A valid plan the device cannot run: group sizes below the kernels'
 * fixed ones, or Pow with an integer base and a float exponent
 * (binary_fp64.spv, in double) without fp64. The null driver, whose
 * kernels do nothing, plans every launch and finds its kernel first (so
 * that runs on it check the planning of every declared op), then refuses:
 * its results cannot be verified. */
static int32_t ze_op_device_check(xhal_plugin_device_t *device, const xop_plan_t *plan) {
  if (device->is_null_driver) {
    const ze_op_target_t plan_only = {device, NULL};
    ZE_RETURN_IF_ERROR(ze_op_run(&plan_only, plan));
    return ze__error(XHAL_STATUS_UNSUPPORTED,
                     "results cannot be verified on the Level Zero null driver");
  }
  if (device->compute.maxTotalGroupSize < ZE_OP_TILE * ZE_OP_TILE) {
    return ze__error(XHAL_STATUS_UNSUPPORTED,
                     "%s allows %u work-items per group; the operator kernels need %d",
                     device->props.name, device->compute.maxTotalGroupSize,
                     ZE_OP_TILE * ZE_OP_TILE);
  }
  if (!(device->module.flags & ZE_DEVICE_MODULE_FLAG_FP64) && xop_cl_launch_fp64(plan)) {
    return ze__error(XHAL_STATUS_UNSUPPORTED,
                     "Pow: integer base with float exponent needs fp64, %s has no "
                     "ZE_DEVICE_MODULE_FLAG_FP64 (%s base, %s exponent)",
                     device->props.name, xop_dtype_name(plan->in[0].dtype),
                     xop_dtype_name(plan->in[1].dtype));
  }
  return XHAL_STATUS_OK;
}

int32_t ze_op_supported(xhal_plugin_device_t *device, const xhal_plugin_op_desc_t *desc) {
  xop_plan_t plan;
  ZE_RETURN_IF_ERROR(xop_check(&ze_op_backend, device, desc, 0, &plan));
  return ze_op_device_check(device, &plan);
}

int32_t ze_op_launch(xhal_plugin_stream_t *stream, const xhal_plugin_op_desc_t *desc) {
  xop_plan_t plan;
  ZE_RETURN_IF_ERROR(xop_check(&ze_op_backend, stream->device, desc, 1, &plan));
  ZE_RETURN_IF_ERROR(ze_op_device_check(stream->device, &plan));
  const ze_op_target_t target = {stream->device, stream};
  return ze_op_run(&target, &plan);
}

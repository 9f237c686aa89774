/* ocl_op.c - operators of the OpenCL backend.
 *
 * A launch is validated by the shared xop_check (backends/common), which
 * hands back a plan with broadcasting, transposes and MatMul promotion
 * already expressed as strides. The shared planners pick each launch's
 * kernel, arguments and work sizes: xop_launch_plan
 * (backends/common/xhal_op_launch.h: eltwise.cl, reduce.cl, softmax.cl,
 * matmul.cl, norm.cl's row ops; the Level Zero backend uses it too) and
 * xop_cl_launch_plan (xhal_op_launch_cl.h: the model operators' programs
 * shape.cl conv.cl unary.cl gather.cl resize.cl binary.cl binary_fp64.cl
 * and norm.cl's normalisations; the CUDA backend uses it too). Their launch
 * structs mirror kernels/common.cl and the family files. This file turns a
 * launch into clSetKernelArg calls (buffers as cl_mem, structs by value,
 * host tables as temporary buffers) and one clEnqueueNDRangeKernel on the
 * stream's in-order queue, non-blocking; empty outputs enqueue nothing.
 *
 * Per device (device->op_state): the programs, built on first use
 * through ocl_program_build (so cached in memory and on disk), and their
 * kernels, created on first use. A cl_kernel's arguments are shared state,
 * so each kernel has a mutex held from the first clSetKernelArg to the
 * enqueue. docs/opencl-backend.md ("Operators") has the details. */
#include "ocl_op.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xhal_op_check.h"
#include "../common/xhal_op_check_shape.h"
#include "../common/xhal_op_launch.h"
#include "../common/xhal_op_launch_cl.h"
#include "ocl_buffer.h"
#include "ocl_error.h"
#include "ocl_op_kernels.h" /* kernels/<family>.cl as strings, by tools/embed_text.py */
#include "ocl_program_cache.h"
#include "ocl_stream.h"

static_assert(XHAL_MAX_RANK == XOP_LAUNCH_MAX_RANK, "kernels index at most 8 dims");

/* ---- Programs and kernels ---------------------------------------------------------------- */

typedef enum ocl_op_program {
  OCL_OP_ELTWISE = 0,
  OCL_OP_ELTWISE_DENSE, /* eltwise.cl built with -DOCL_DENSE */
  OCL_OP_REDUCE,
  OCL_OP_SOFTMAX,
  OCL_OP_MATMUL,
  OCL_OP_SHAPE,
  OCL_OP_CONV,
  OCL_OP_UNARY,
  OCL_OP_GATHER,
  OCL_OP_RESIZE,
  OCL_OP_BINARY,
  OCL_OP_NORM,
  OCL_OP_BINARY_FP64, /* Pow with an integer base and a float exponent (cl_khr_fp64) */
  OCL_OP_PROGRAM_COUNT
} ocl_op_program_t;

typedef struct ocl_op_source {
  const char *name; /* for messages */
  const char *text;
  size_t size;
} ocl_op_source_t;

/* Each program is common.cl followed by its own file. */
static const ocl_op_source_t ocl_op_program_sources[OCL_OP_PROGRAM_COUNT] = {
    [OCL_OP_ELTWISE] = {"eltwise.cl", ocl_kernel_eltwise, sizeof ocl_kernel_eltwise - 1},
    [OCL_OP_ELTWISE_DENSE] = {"eltwise.cl", ocl_kernel_eltwise, sizeof ocl_kernel_eltwise - 1},
    [OCL_OP_REDUCE] = {"reduce.cl", ocl_kernel_reduce, sizeof ocl_kernel_reduce - 1},
    [OCL_OP_SOFTMAX] = {"softmax.cl", ocl_kernel_softmax, sizeof ocl_kernel_softmax - 1},
    [OCL_OP_MATMUL] = {"matmul.cl", ocl_kernel_matmul, sizeof ocl_kernel_matmul - 1},
    [OCL_OP_SHAPE] = {"shape.cl", ocl_kernel_shape, sizeof ocl_kernel_shape - 1},
    [OCL_OP_CONV] = {"conv.cl", ocl_kernel_conv, sizeof ocl_kernel_conv - 1},
    [OCL_OP_UNARY] = {"unary.cl", ocl_kernel_unary, sizeof ocl_kernel_unary - 1},
    [OCL_OP_GATHER] = {"gather.cl", ocl_kernel_gather, sizeof ocl_kernel_gather - 1},
    [OCL_OP_RESIZE] = {"resize.cl", ocl_kernel_resize, sizeof ocl_kernel_resize - 1},
    [OCL_OP_BINARY] = {"binary.cl", ocl_kernel_binary, sizeof ocl_kernel_binary - 1},
    [OCL_OP_NORM] = {"norm.cl", ocl_kernel_norm, sizeof ocl_kernel_norm - 1},
    [OCL_OP_BINARY_FP64] = {"binary_fp64.cl", ocl_kernel_binary_fp64,
                            sizeof ocl_kernel_binary_fp64 - 1},
};

/* Files a program includes between common.cl and its own (norm.cl reuses
 * the helpers of reduce.cl and softmax.cl). */
static const ocl_op_source_t ocl_op_program_includes[OCL_OP_PROGRAM_COUNT][2] = {
    [OCL_OP_NORM] = {{"reduce.cl", ocl_kernel_reduce, sizeof ocl_kernel_reduce - 1},
                     {"softmax.cl", ocl_kernel_softmax, sizeof ocl_kernel_softmax - 1}},
};

/* The programs of the planner's launches (xhal_op_launch.h). */
static const ocl_op_program_t ocl_op_launch_programs[XOP_LAUNCH_PROGRAM_COUNT] = {
    [XOP_LAUNCH_ELTWISE] = OCL_OP_ELTWISE, [XOP_LAUNCH_ELTWISE_DENSE] = OCL_OP_ELTWISE_DENSE,
    [XOP_LAUNCH_REDUCE] = OCL_OP_REDUCE,   [XOP_LAUNCH_SOFTMAX] = OCL_OP_SOFTMAX,
    [XOP_LAUNCH_MATMUL] = OCL_OP_MATMUL,   [XOP_LAUNCH_NORM] = OCL_OP_NORM,
};

/* The programs of xop_cl_launch_plan's launches (xhal_op_launch_cl.h). */
static const ocl_op_program_t ocl_op_cl_programs[] = {
    [XOP_CL_SHAPE] = OCL_OP_SHAPE,   [XOP_CL_CONV] = OCL_OP_CONV,
    [XOP_CL_UNARY] = OCL_OP_UNARY,   [XOP_CL_GATHER] = OCL_OP_GATHER,
    [XOP_CL_RESIZE] = OCL_OP_RESIZE, [XOP_CL_BINARY] = OCL_OP_BINARY,
    [XOP_CL_NORM] = OCL_OP_NORM,     [XOP_CL_BINARY_FP64] = OCL_OP_BINARY_FP64,
};
static_assert(XOP_CL_PROGRAM_COUNT == 8 &&
                  sizeof ocl_op_cl_programs / sizeof *ocl_op_cl_programs == XOP_CL_PROGRAM_COUNT,
              "every program of xhal_op_launch_cl.h has its entry in ocl_op_cl_programs");

/* Kernel slots per program: the planners' (XOP_LAUNCH_SLOT_*, the dtype
 * index + 4 for the work-group variants; xop_cl_launch_plan's). */
#define OCL_OP_MAX_KERNELS 128
static_assert(XOP_LAUNCH_MAX_SLOTS <= OCL_OP_MAX_KERNELS, "the planner's kernel slots");
static_assert(XOP_CL_MAX_SLOTS <= OCL_OP_MAX_KERNELS, "xop_cl_launch_plan's kernel slots");

/* Outputs per MatMul work-item on each side (OCL_REG), as the planner uses
 * them. The OCL_GROUP and OCL_TILE build options come from the device's
 * limit (ocl_op_launch_config). */
#define OCL_OP_MATMUL_REG XOP_LAUNCH_MATMUL_REG

/* Room for the argument values a kernel remembers (ocl_op_kernel_t). */
#define OCL_OP_ARG_CACHE_BYTES 1024
#define OCL_OP_ARG_CACHE_ARGS 16

typedef struct ocl_op_kernel {
  pthread_mutex_t mutex; /* held from the first clSetKernelArg to the enqueue */
  cl_kernel kernel;      /* created on first use, under the state's mutex */
  /* The values last set on kernel, back to back (arg i after args 0..i-1);
   * arg_sizes[i] 0 when unknown. A launch sets only the arguments that
   * differ: a cl_kernel keeps its arguments between enqueues, and PoCL
   * copies every by-value argument into a fresh allocation, the largest
   * host cost of a small op. Allocated on the first launch (NULL: no
   * cache, every argument is set). */
  unsigned char *arg_values;
  uint32_t arg_sizes[OCL_OP_ARG_CACHE_ARGS];
} ocl_op_kernel_t;

typedef struct ocl_op_state {
  pthread_mutex_t mutex; /* guards programs[] and creating kernels */
  size_t group;          /* OCL_GROUP (ocl_op_launch_config) */
  size_t tile;           /* OCL_TILE (ocl_op_launch_config) */
  cl_program programs[OCL_OP_PROGRAM_COUNT];
  ocl_op_kernel_t kernels[OCL_OP_PROGRAM_COUNT][OCL_OP_MAX_KERNELS];
} ocl_op_state_t;

/* Guards device->op_state of every device. */
static pthread_mutex_t ocl_op_state_mutex = PTHREAD_MUTEX_INITIALIZER;

/* XHAL_OPENCL_SPIR_PROGRAMS=DIR: the operator programs are DIR/<program>.bc
 * (eltwise.bc, ..., norm.bc: SPIR 1.2 bitcode, built with
 * cl_khr_spir) instead of this backend's OpenCL C sources. They are the
 * Level Zero backend's SPIR-V modules translated back by llvm-spirv-14 -r,
 * so that the conformance suite checks the code Level Zero runs on any
 * OpenCL device with cl_khr_spir (tests/check_level0_kernels_on_opencl.sh);
 * they were built with the fixed OCL_GROUP/OCL_TILE of the build-time
 * backends and without the dense eltwise.cl, which the launches then
 * follow. NULL when unset or empty. */
static const char *ocl_op_spir_dir_value;
static pthread_once_t ocl_op_spir_once = PTHREAD_ONCE_INIT;

static void ocl_op_spir_read(void) {
  const char *dir = getenv("XHAL_OPENCL_SPIR_PROGRAMS");
  ocl_op_spir_dir_value = dir && dir[0] ? dir : NULL;
}

static const char *ocl_op_spir_dir(void) {
  pthread_once(&ocl_op_spir_once, ocl_op_spir_read);
  return ocl_op_spir_dir_value;
}

/* The work-group sizes the device allows (OCL_GROUP at most 64, OCL_TILE at
 * most 16): a function of the device, so launches need no lock for them. */
static void ocl_op_launch_config(const xhal_plugin_device_t *device,
                                 xop_launch_config_t *config) {
  if (ocl_op_spir_dir()) {
    *config = (xop_launch_config_t){
        .group = XOP_LAUNCH_FIXED_GROUP, .tile = XOP_LAUNCH_FIXED_TILE, .dense = 0};
    return;
  }
  const size_t limit = device->info.max_work_group_size;
  uint32_t group = 64, tile = 16;
  if (limit >= 256) { /* most devices: no loop on the launch path */
    *config = (xop_launch_config_t){.group = group, .tile = tile, .dense = 1};
    return;
  }
  while (group > 1 && group > limit) group /= 2;
  while (tile > 1 && (size_t)tile * tile > limit) tile /= 2;
  *config = (xop_launch_config_t){.group = group, .tile = tile, .dense = 1};
}

static ocl_op_state_t *ocl_op_state_create(const xhal_plugin_device_t *device) {
  ocl_op_state_t *state = calloc(1, sizeof *state);
  if (!state) return NULL;
  pthread_mutex_init(&state->mutex, NULL);
  for (int p = 0; p < OCL_OP_PROGRAM_COUNT; ++p)
    for (int k = 0; k < OCL_OP_MAX_KERNELS; ++k)
      pthread_mutex_init(&state->kernels[p][k].mutex, NULL);
  xop_launch_config_t config;
  ocl_op_launch_config(device, &config);
  state->group = config.group;
  state->tile = config.tile;
  return state;
}

static int32_t ocl_op_state_get(xhal_plugin_device_t *device, ocl_op_state_t **out_state) {
  pthread_mutex_lock(&ocl_op_state_mutex);
  if (!device->op_state) device->op_state = ocl_op_state_create(device);
  ocl_op_state_t *state = device->op_state;
  pthread_mutex_unlock(&ocl_op_state_mutex);
  if (!state)
    return ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "operator state of %s", device->info.name);
  *out_state = state;
  return XHAL_STATUS_OK;
}

void ocl_op_device_release(xhal_plugin_device_t *device) {
  pthread_mutex_lock(&ocl_op_state_mutex);
  ocl_op_state_t *state = device->op_state;
  device->op_state = NULL;
  pthread_mutex_unlock(&ocl_op_state_mutex);
  if (!state) return;
  for (int p = 0; p < OCL_OP_PROGRAM_COUNT; ++p) {
    for (int k = 0; k < OCL_OP_MAX_KERNELS; ++k) {
      if (state->kernels[p][k].kernel) clReleaseKernel(state->kernels[p][k].kernel);
      free(state->kernels[p][k].arg_values);
      pthread_mutex_destroy(&state->kernels[p][k].mutex);
    }
    if (state->programs[p]) clReleaseProgram(state->programs[p]);
  }
  pthread_mutex_destroy(&state->mutex);
  free(state);
}

/* Builds program p from DIR/<program>.bc (ocl_op_spir_dir). */
static int32_t ocl_op_program_build_spir(xhal_plugin_device_t *device, ocl_op_state_t *state,
                                         ocl_op_program_t p, const char *dir) {
  const char *name = ocl_op_program_sources[p].name;
  if (!device->info.has_spir)
    return ocl_error(XHAL_STATUS_INTERNAL, "operator program %s: XHAL_OPENCL_SPIR_PROGRAMS is "
                     "set, but %s has no cl_khr_spir", name, device->info.name);
  char path[4096];
  snprintf(path, sizeof path, "%s/%.*s.bc", dir, (int)(strlen(name) - 3), name); /* minus .cl */
  FILE *file = fopen(path, "rb");
  if (!file)
    return ocl_error(XHAL_STATUS_INTERNAL, "operator program %s: cannot open %s "
                     "(XHAL_OPENCL_SPIR_PROGRAMS): %s", name, path, strerror(errno));
  char *data = NULL;
  long size = -1;
  if (fseek(file, 0, SEEK_END) == 0 && (size = ftell(file)) > 0 && fseek(file, 0, SEEK_SET) == 0)
    data = malloc((size_t)size);
  const int read_ok = data && fread(data, 1, (size_t)size, file) == (size_t)size;
  fclose(file);
  if (!read_ok) {
    free(data);
    return ocl_error(XHAL_STATUS_INTERNAL, "operator program %s: cannot read %s (%ld bytes)",
                     name, path, size);
  }
  const int32_t status = ocl_program_build_kind(device, OCL_PROGRAM_SPIR, data, (size_t)size,
                                                "-x spir -spir-std=1.2", &state->programs[p]);
  free(data);
  if (status != XHAL_STATUS_OK) {
    char reason[1024];
    snprintf(reason, sizeof reason, "%s", ocl_last_message());
    return ocl_error(XHAL_STATUS_INTERNAL, "operator program %s from %s: %s", name, path, reason);
  }
  return XHAL_STATUS_OK;
}

/* Builds program p for device (state->mutex held). The sources are this
 * backend's own, so a failed build is INTERNAL. */
static int32_t ocl_op_program_build(xhal_plugin_device_t *device, ocl_op_state_t *state,
                                    ocl_op_program_t p) {
  const char *spir = ocl_op_spir_dir();
  if (spir) return ocl_op_program_build_spir(device, state, p, spir);
  const ocl_op_source_t *src = &ocl_op_program_sources[p];
  const ocl_op_source_t *inc = ocl_op_program_includes[p];
  const size_t common = sizeof ocl_kernel_common - 1;
  const size_t size = common + inc[0].size + inc[1].size + src->size;
  char *text = malloc(size);
  if (!text) return ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "source of %s", src->name);
  memcpy(text, ocl_kernel_common, common);
  if (inc[0].size) memcpy(text + common, inc[0].text, inc[0].size);
  if (inc[1].size) memcpy(text + common + inc[0].size, inc[1].text, inc[1].size);
  memcpy(text + size - src->size, src->text, src->size);
  /* No -cl-denorms-are-zero, -cl-fast-relaxed-math or -cl-mad-enable:
   * subnormals and IEEE rounding are part of the operators' semantics. */
  char options[160];
  snprintf(options, sizeof options, "-cl-std=CL1.2 -DOCL_GROUP=%zu -DOCL_TILE=%zu -DOCL_REG=%d%s",
           state->group, state->tile, OCL_OP_MATMUL_REG,
           p == OCL_OP_ELTWISE_DENSE ? " -DOCL_DENSE" : "");
  int32_t status =
      ocl_program_build(device, text, size, options, &state->programs[p]);
  free(text);
  if (status != XHAL_STATUS_OK) {
    char reason[1024];
    snprintf(reason, sizeof reason, "%s", ocl_last_message());
    return ocl_error(XHAL_STATUS_INTERNAL, "operator program %s: %s", src->name, reason);
  }
  return XHAL_STATUS_OK;
}

/* A kernel's name in parts (xop_launch_name_t), joined only when the kernel
 * is created: the launch path formats no string. */
typedef xop_launch_name_t ocl_op_kernel_name_t;

#define OCL_OP_NAME_FORMAT XOP_LAUNCH_NAME_FORMAT
#define OCL_OP_NAME_ARGS(n) XOP_LAUNCH_NAME_ARGS(n)

/* The kernel in slot of program p (named name), built and created on first
 * use; *out_slot's mutex guards its arguments. */
static int32_t ocl_op_kernel_get(xhal_plugin_device_t *device, ocl_op_program_t p, uint32_t slot,
                                 const ocl_op_kernel_name_t *name, ocl_op_kernel_t **out_slot,
                                 cl_kernel *out_kernel) {
  ocl_op_state_t *state = NULL;
  OCL_RETURN_IF_ERROR(ocl_op_state_get(device, &state));
  assert(slot < OCL_OP_MAX_KERNELS);
  ocl_op_kernel_t *k = &state->kernels[p][slot];
  int32_t status = XHAL_STATUS_OK;
  pthread_mutex_lock(&state->mutex);
  if (!state->programs[p]) status = ocl_op_program_build(device, state, p);
  if (status == XHAL_STATUS_OK && !k->kernel) {
    char text[64];
    snprintf(text, sizeof text, OCL_OP_NAME_FORMAT, OCL_OP_NAME_ARGS(name));
    status = ocl_kernel_create(device, state->programs[p], text, &k->kernel);
    if (status != XHAL_STATUS_OK) {
      char reason[1024];
      snprintf(reason, sizeof reason, "%s", ocl_last_message());
      status = ocl_error(XHAL_STATUS_INTERNAL, "operator kernel %s of %s: %s", text,
                         ocl_op_program_sources[p].name, reason);
    }
  }
  const cl_kernel kernel = k->kernel;
  pthread_mutex_unlock(&state->mutex);
  if (status != XHAL_STATUS_OK) return status;
  *out_slot = k;
  *out_kernel = kernel;
  return XHAL_STATUS_OK;
}

/* ---- Enqueue ----------------------------------------------------------------------------- */

/* One kernel argument: clSetKernelArg's size and value. */
typedef struct ocl_op_arg {
  size_t size;
  const void *value;
} ocl_op_arg_t;

#define OCL_OP_MEM(view)                                                                           \
  { sizeof(cl_mem), &(view)->buffer->mem }

static_assert(XOP_CL_MAX_ARGS <= OCL_OP_ARG_CACHE_ARGS, "the argument cache holds every argument");

/* Sets args and enqueues kernel name of program p over global/local (dims
 * entries each; local NULL lets the driver choose, shown as 0 in
 * messages) on stream; the event goes to ocl_stream_track. */
static int32_t ocl_op_enqueue_kernel(xhal_plugin_stream_t *stream, ocl_op_program_t p,
                                     uint32_t slot, const ocl_op_kernel_name_t *name,
                                     const ocl_op_arg_t *args, cl_uint arg_count, cl_uint dims,
                                     const size_t *global, const size_t *local) {
  ocl_op_kernel_t *k = NULL;
  cl_kernel kernel = NULL;
  OCL_RETURN_IF_ERROR(ocl_op_kernel_get(stream->device, p, slot, name, &k, &kernel));
  int32_t status = XHAL_STATUS_OK;
  cl_event event = NULL;
  pthread_mutex_lock(&k->mutex);
  if (!k->arg_values) k->arg_values = malloc(OCL_OP_ARG_CACHE_BYTES);
  size_t offset = 0;
  for (cl_uint i = 0; i < arg_count && status == XHAL_STATUS_OK; offset += args[i].size, ++i) {
    unsigned char *seen = k->arg_values && i < OCL_OP_ARG_CACHE_ARGS &&
                                  offset + args[i].size <= OCL_OP_ARG_CACHE_BYTES
                              ? k->arg_values + offset
                              : NULL;
    if (seen && k->arg_sizes[i] == args[i].size && memcmp(seen, args[i].value, args[i].size) == 0)
      continue;
    status = ocl_check(clSetKernelArg(kernel, i, args[i].size, args[i].value),
                       "clSetKernelArg(" OCL_OP_NAME_FORMAT ", argument %u, %zu bytes)",
                       OCL_OP_NAME_ARGS(name), i, args[i].size);
    if (!seen) continue;
    k->arg_sizes[i] = status == XHAL_STATUS_OK ? (uint32_t)args[i].size : 0;
    if (status == XHAL_STATUS_OK) memcpy(seen, args[i].value, args[i].size);
  }
  if (status == XHAL_STATUS_OK) {
    status = ocl_check(
        clEnqueueNDRangeKernel(stream->queue, kernel, dims, NULL, global, local, 0, NULL, &event),
        "clEnqueueNDRangeKernel(" OCL_OP_NAME_FORMAT ", global {%zu, %zu, %zu}, local {%zu, %zu, "
        "%zu})",
        OCL_OP_NAME_ARGS(name),
        global[0], dims > 1 ? global[1] : 1, dims > 2 ? global[2] : 1, local ? local[0] : 0,
        local && dims > 1 ? local[1] : 0, local && dims > 2 ? local[2] : 0);
  }
  pthread_mutex_unlock(&k->mutex);
  if (status == XHAL_STATUS_OK) ocl_stream_track(stream, event);
  return status;
}

/* ---- The planner's launches (xhal_op_launch.h) ----------------------------------------- */

/* Enqueues a launch of the planner: buffers as cl_mem, then the struct. */
static int32_t ocl_op_enqueue_launch(xhal_plugin_stream_t *stream, const xop_launch_t *launch) {
  ocl_op_arg_t args[XOP_LAUNCH_MAX_BUFFERS + 1];
  cl_uint n = 0;
  for (; n < launch->buffer_count; ++n) args[n] = (ocl_op_arg_t)OCL_OP_MEM(launch->buffers[n]);
  if (launch->data_size) args[n++] = (ocl_op_arg_t){launch->data_size, &launch->data};
  return ocl_op_enqueue_kernel(stream, ocl_op_launch_programs[launch->program], launch->slot,
                               &launch->name, args, n, launch->dims, launch->global,
                               launch->local);
}

/* The ops of the planner: Copy/Transpose, Cast, Add..Div, the unary ops of
 * eltwise.cl, MatMul/Gemm, Softmax/LogSoftmax, the reductions and
 * ArgMax/ArgMin. */
static int32_t ocl_op_run_planned(xhal_plugin_stream_t *stream, const xop_plan_t *plan) {
  xop_launch_config_t config;
  ocl_op_launch_config(stream->device, &config);
  xop_launch_t launch;
  if (!xop_launch_plan(plan, &config, &launch))
    return ocl_error(XHAL_STATUS_INTERNAL, "no OpenCL kernel runs %s", plan->name);
  return ocl_op_enqueue_launch(stream, &launch);
}

/* ---- The model operators' launches (xhal_op_launch_cl.h) -------------------------------- */

/* What the device itself must offer for a validated plan: Pow with an
 * integer base and a float exponent runs binary_fp64.cl, which needs
 * cl_khr_fp64 (UNSUPPORTED without it). */
static int32_t ocl_op_device_check(const xhal_plugin_device_t *device, const xop_plan_t *plan) {
  if (ocl_op_spir_dir() &&
      device->info.max_work_group_size < XOP_LAUNCH_FIXED_TILE * XOP_LAUNCH_FIXED_TILE)
    return ocl_error(XHAL_STATUS_UNSUPPORTED,
                     "%s allows %zu work-items per group; the SPIR programs "
                     "(XHAL_OPENCL_SPIR_PROGRAMS) need %d",
                     device->info.name, device->info.max_work_group_size,
                     XOP_LAUNCH_FIXED_TILE * XOP_LAUNCH_FIXED_TILE);
  if (!device->info.has_khr_fp64 && xop_cl_launch_fp64(plan))
    return ocl_error(XHAL_STATUS_UNSUPPORTED,
                     "Pow: integer base with float exponent needs fp64, device has no "
                     "cl_khr_fp64 (%s %s exponent on %s)",
                     xop_dtype_name(plan->in[0].dtype), xop_dtype_name(plan->in[1].dtype),
                     device->info.name);
  return XHAL_STATUS_OK;
}

/* Enqueues a launch of xop_cl_launch_plan: BUFFER arguments as the view's
 * cl_mem, VALUE arguments by value, TABLE arguments (Resize's tap tables)
 * as read-only buffers created with CL_MEM_COPY_HOST_PTR and released
 * right after the enqueue (OpenCL keeps them until the kernel has run). */
static int32_t ocl_op_enqueue_cl(xhal_plugin_stream_t *stream, const xop_cl_launch_t *l) {
  ocl_op_arg_t args[XOP_CL_MAX_ARGS];
  cl_mem tables[XOP_CL_MAX_ARGS];
  uint32_t table_count = 0;
  int32_t status = XHAL_STATUS_OK;
  for (uint32_t i = 0; i < l->arg_count && status == XHAL_STATUS_OK; ++i) {
    const xop_cl_arg_t *a = &l->args[i];
    switch (a->kind) {
      case XOP_CL_ARG_BUFFER:
        args[i] = (ocl_op_arg_t)OCL_OP_MEM(a->view);
        break;
      case XOP_CL_ARG_VALUE:
        args[i] = (ocl_op_arg_t){a->size, a->value};
        break;
      case XOP_CL_ARG_TABLE: {
        cl_int err = CL_SUCCESS;
        cl_mem mem = clCreateBuffer(stream->device->context,
                                    CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, a->size,
                                    (void *)a->value, &err);
        status = ocl_check(err, "clCreateBuffer(%u bytes, table of " OCL_OP_NAME_FORMAT ")",
                           a->size, OCL_OP_NAME_ARGS(&l->name));
        if (status != XHAL_STATUS_OK) break;
        tables[table_count] = mem;
        args[i] = (ocl_op_arg_t){sizeof(cl_mem), &tables[table_count]};
        ++table_count;
        break;
      }
    }
  }
  if (status == XHAL_STATUS_OK)
    status = ocl_op_enqueue_kernel(stream, ocl_op_cl_programs[l->program], l->slot, &l->name,
                                   args, l->arg_count, 1, &l->global, &l->local);
  for (uint32_t i = 0; i < table_count; ++i) clReleaseMemObject(tables[i]);
  return status;
}

static int32_t ocl_op_cl_launch(void *stream, const xop_cl_launch_t *launch) {
  return ocl_op_enqueue_cl(stream, launch);
}

static int32_t ocl_op_report(int32_t status, const char *message) {
  return ocl_error(status, "%s", message);
}

/* The ops of xop_cl_launch_plan: the normalisations, Conv, ConvTranspose
 * and the pools, unary math, the gather group, the binary group. */
static int32_t ocl_op_run_cl(xhal_plugin_stream_t *stream, const xop_plan_t *plan) {
  OCL_RETURN_IF_ERROR(ocl_op_device_check(stream->device, plan));
  xop_launch_config_t config;
  ocl_op_launch_config(stream->device, &config);
  const xop_cl_runner_t runner = {stream, ocl_op_cl_launch, NULL, ocl_op_report};
  return xop_cl_run_plan(plan, config.group, &runner);
}

/* ---- Data-movement ops: the plan's copies ------------------------------------------------ */

static int32_t ocl_op_copy(void *stream, const xop_plan_t *copy) {
  return ocl_op_run_planned(stream, copy);
}

/* xop_cl_run_copies: one kernel per copy on the in-order queue. */
static int32_t ocl_op_run_copies(xhal_plugin_stream_t *stream, const xop_plan_t *plan) {
  const xop_cl_runner_t runner = {stream, ocl_op_cl_launch, ocl_op_copy, ocl_op_report};
  return xop_cl_run_copies(plan, &runner);
}

/* ---- Entry points ------------------------------------------------------------------------ */

static xhal_plugin_device_t *ocl_op_buffer_device(const xhal_plugin_buffer_t *buffer) {
  return buffer->device;
}

static uint64_t ocl_op_buffer_size(const xhal_plugin_buffer_t *buffer) {
  return buffer->size;
}

static const xop_backend_t ocl_op_backend = {
    .name = "OpenCL",
    .op_dtypes = xop_model_op_dtypes,
    .buffer_device = ocl_op_buffer_device,
    .buffer_size = ocl_op_buffer_size,
    .report = ocl_op_report,
};

int32_t ocl_op_supported(xhal_plugin_device_t *device, const xhal_plugin_op_desc_t *desc) {
  xop_plan_t plan;
  OCL_RETURN_IF_ERROR(xop_check(&ocl_op_backend, device, desc, 0, &plan));
  return ocl_op_device_check(device, &plan); /* Pow's fp64 */
}

int32_t ocl_op_launch(xhal_plugin_stream_t *stream, const xhal_plugin_op_desc_t *desc) {
  xop_plan_t plan;
  OCL_RETURN_IF_ERROR(xop_check(&ocl_op_backend, stream->device, desc, 1, &plan));
  if (xop_is_shape_op(plan.op)) return ocl_op_run_copies(stream, &plan); /* Split: 8 outputs */
  if (xop_view_count(&plan.out) == 0) return XHAL_STATUS_OK; /* nothing to write */
  if (xop_cl_launch_owns(&plan)) return ocl_op_run_cl(stream, &plan);
  /* Copy/Transpose, Cast, Add..Div, the unary ops of eltwise.cl, MatMul/Gemm,
   * Softmax/LogSoftmax, the reductions and ArgMax/ArgMin. */
  return ocl_op_run_planned(stream, &plan);
}

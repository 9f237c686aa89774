/* ocl_op.c - operators of the OpenCL backend.
 *
 * A launch is validated by the shared xop_check (backends/common), which
 * hands back a plan with broadcasting, transposes and MatMul promotion
 * already expressed as strides; xop_layout_* simplify its iteration spaces,
 * and the kernels of kernels/<family>.cl (embedded at build time) walk them with
 * dims and strides passed by value in a launch struct (kernels/common.cl,
 * mirrored below and, for the kernels the Level Zero backend shares, in
 * backends/common/xhal_op_launch.h, whose planner picks their kernel,
 * arguments and work sizes). Every launch is one clEnqueueNDRangeKernel on the
 * stream's in-order queue, non-blocking; empty outputs enqueue nothing.
 *
 * Per device (device->op_state): the programs, built on first use
 * through ocl_program_build (so cached in memory and on disk), and their
 * kernels, created on first use. A cl_kernel's arguments are shared state,
 * so each kernel has a mutex held from the first clSetKernelArg to the
 * enqueue. docs/opencl-backend.md ("Operators") has the details. */
#include "ocl_op.h"

#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xhal_op_check.h"
#include "../common/xhal_op_check_shape.h"
#include "../common/xhal_op_launch.h"
#include "../common/xhal_op_layout.h"
#include "ocl_buffer.h"
#include "ocl_op_internal.h"
#include "ocl_op_binary.h"
#include "ocl_op_kernels.h" /* kernels/<family>.cl as strings, by tools/embed_text.py */
#include "ocl_program_cache.h"
#include "ocl_stream.h"

/* ---- Launch structs (kernels/common.cl) -------------------------------------------------- */

#define OCL_OP_MAX_RANK 8

/* kernels/shape.cl */
typedef struct ocl_linear {
  cl_long odims[OCL_OP_MAX_RANK];
  cl_long ostrides[OCL_OP_MAX_RANK];
  cl_long idims[OCL_OP_MAX_RANK];
  cl_long istrides[OCL_OP_MAX_RANK];
  cl_long offsets[2];
  cl_long count;
  cl_int orank;
  cl_int irank;
} ocl_linear_t;

static_assert(sizeof(ocl_linear_t) == 35 * 8 + 8, "ocl_linear_t layout");
typedef struct ocl_conv {
  cl_long ys[5], xs[5], ws[5];
  cl_long in[3], out[3], k[3], s[3], d[3], p[3], pe[3];
  cl_long offsets[4];
  cl_long m;
  cl_long cg, mg;
  cl_long bs;
  cl_long count;
  cl_int has_b;
  cl_int mode;
} ocl_conv_t;
typedef struct ocl_norm {
  cl_long odims[OCL_OP_MAX_RANK];
  cl_long ostrides[6][OCL_OP_MAX_RANK];
  cl_long idims[OCL_OP_MAX_RANK];
  cl_long istrides[4][OCL_OP_MAX_RANK];
  cl_long offsets[6];
  cl_long rows;
  cl_long len;
  cl_float epsilon;
  cl_int orank;
  cl_int irank;
  cl_int flags;
} ocl_norm_t;

typedef struct ocl_pool_indices {
  cl_long is[5];
  cl_long offset;
  cl_int order;
  cl_int unused;
} ocl_pool_indices_t;

static_assert(XHAL_MAX_RANK == OCL_OP_MAX_RANK, "kernels index at most 8 dims");
static_assert(sizeof(ocl_pool_indices_t) == 7 * 8, "ocl_pool_indices_t layout");
static_assert(sizeof(ocl_conv_t) == 45 * 8 + 8, "ocl_conv_t layout");
static_assert(sizeof(ocl_norm_t) == 104 * 8 + 16, "ocl_norm_t layout");

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

/* Kernel slots per program: the planner's (XOP_LAUNCH_SLOT_*, the dtype
 * index + 4 for the work-group variants) and this file's own. */
#define OCL_OP_MAX_KERNELS 128
static_assert(XOP_LAUNCH_MAX_SLOTS <= OCL_OP_MAX_KERNELS, "the planner's kernel slots");
static_assert(OCL_OP_BINARY_SLOTS <= OCL_OP_MAX_KERNELS, "binary.cl kernel slots");

/* Work-group size of the elementwise and one-item-per-output kernels, and
 * outputs per MatMul work-item on each side (OCL_REG), as the planner uses
 * them. The OCL_GROUP and OCL_TILE build options come from the device's
 * limit (ocl_op_launch_config). */
#define OCL_OP_LOCAL XOP_LAUNCH_LOCAL
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

/* The work-group sizes the device allows (OCL_GROUP at most 64, OCL_TILE at
 * most 16): a function of the device, so launches need no lock for them. */
static void ocl_op_launch_config(const xhal_plugin_device_t *device,
                                 xop_launch_config_t *config) {
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

/* Builds program p for device (state->mutex held). The sources are this
 * backend's own, so a failed build is INTERNAL. */
static int32_t ocl_op_program_build(xhal_plugin_device_t *device, ocl_op_state_t *state,
                                    ocl_op_program_t p) {
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

static size_t ocl_op_round_up(size_t n, size_t to) {
  return (n + to - 1) / to * to;
}

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

/* ocl_op_enqueue_kernel for a kernel named by one string. */
static int32_t ocl_op_enqueue(xhal_plugin_stream_t *stream, ocl_op_program_t p, uint32_t slot,
                              const char *name, const ocl_op_arg_t *args, cl_uint arg_count,
                              cl_uint dims, const size_t *global, const size_t *local) {
  const ocl_op_kernel_name_t parts = {name, NULL, NULL, NULL};
  return ocl_op_enqueue_kernel(stream, p, slot, &parts, args, arg_count, dims, global, local);
}

/* ocl_op_internal.h: ocl_op_enqueue for the launch files of other groups. */
int32_t ocl__op_enqueue(xhal_plugin_stream_t *stream, uint32_t program, uint32_t slot,
                        const char *name, const ocl_op_arg_t *args, cl_uint arg_count,
                        cl_uint dims, const size_t *global, const size_t *local) {
  return ocl_op_enqueue(stream, (ocl_op_program_t)program, slot, name, args, arg_count, dims,
                        global, local);
}

/* The planner's helpers, under the names of this file's own launches. */
static cl_long ocl_op_offset(const xop_view_t *view) {
  return (cl_long)xop_launch_offset(view);
}

static uint32_t ocl_op_dtype_index(uint32_t dtype) {
  return xop_launch_dtype_index(dtype);
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

/* ---- Unary math and activations (kernels/unary.cl) -------------------------------------- */

/* ocl_unary_t of unary.cl. */
typedef struct ocl_unary {
  cl_long ilo, ihi;
  cl_float alpha, beta;
  cl_float lo, hi;
  cl_int gelu_tanh;
  cl_int pad;
} ocl_unary_t;
static_assert(sizeof(ocl_unary_t) == 40, "ocl_unary_t layout");

/* Ops of unary.cl in slot order (slot 4 * index + dtype index); i32/i64
 * have Sign and Clip only. */
static const uint32_t ocl_op_um_ops[15] = {
    XHAL_OP_SQRT,       XHAL_OP_RECIPROCAL,   XHAL_OP_LOG,        XHAL_OP_FLOOR,
    XHAL_OP_CEIL,       XHAL_OP_ROUND,        XHAL_OP_SIGN,       XHAL_OP_ERF,
    XHAL_OP_LEAKY_RELU, XHAL_OP_HARD_SIGMOID, XHAL_OP_HARD_SWISH, XHAL_OP_ELU,
    XHAL_OP_SOFTPLUS,   XHAL_OP_GELU,         XHAL_OP_CLIP};
static const char *const ocl_op_um_names[15] = {
    "sqrt",       "reciprocal",   "log",        "floor", "ceil",     "round", "sign", "erf",
    "leaky_relu", "hard_sigmoid", "hard_swish", "elu",   "softplus", "gelu",  "clip"};
static_assert(4 * 15 + 2 <= OCL_OP_MAX_KERNELS, "unary.cl kernel slots");

/* Index of op in ocl_op_um_ops, -1 if it is not a unary.cl op. */
static int ocl_op_um_index(uint32_t op) {
  for (int k = 0; k < 15; ++k)
    if (ocl_op_um_ops[k] == op) return k;
  return -1;
}

static int32_t ocl_op_run_unary_math(xhal_plugin_stream_t *stream, const xop_plan_t *plan,
                                     int index) {
  xop_dims_t d;
  xop_layout_eltwise(plan, &d);
  xop_launch_nd_t s;
  xop_launch_nd_make(plan, &d, &s);
  ocl_unary_t p;
  memset(&p, 0, sizeof p);
  p.ilo = plan->clip_imin, p.ihi = plan->clip_imax;
  p.alpha = (cl_float)plan->alpha, p.beta = (cl_float)plan->beta;
  p.lo = (cl_float)plan->clip_min, p.hi = (cl_float)plan->clip_max;
  p.gelu_tanh = plan->gelu_tanh;
  const ocl_op_arg_t args[4] = {
      OCL_OP_MEM(&plan->out), OCL_OP_MEM(&plan->in[0]), {sizeof s, &s}, {sizeof p, &p}};
  char name[32];
  snprintf(name, sizeof name, "%s_%s", ocl_op_um_names[index], xop_dtype_name(plan->out.dtype));
  const size_t local = OCL_OP_LOCAL, global = ocl_op_round_up((size_t)s.count, local);
  uint32_t slot = 4 * (uint32_t)index + ocl_op_dtype_index(plan->out.dtype);
  if (plan->out.dtype == XHAL_DTYPE_U8) /* Sign, Clip: after the 4 x 15 */
    slot = 4 * 15 + (plan->op == XHAL_OP_CLIP);
  return ocl_op_enqueue(stream, OCL_OP_UNARY, slot, name, args, 4, 1, &global, &local);
}

/* ---- Normalizations (norm.cl) ---------------------------------------------------------- */

/* BatchNormalization, LayerNormalization, InstanceNormalization: rows over
 * the dims outside plan->norm_axes (norm.cl). */
static int32_t ocl_op_run_norm(xhal_plugin_stream_t *stream, const xop_plan_t *plan) {
  const xop_view_t *x = &plan->in[0], *y = &plan->out;
  const int given = plan->op == XHAL_OP_BATCH_NORMALIZATION;
  const int has_bias = plan->input_count > 2;
  /* y, x, scale, bias, mean, var; absent ones alias x and are never read.
   * LayerNormalization's outputs Mean and InvStdDev take the places of mean
   * and var (absent ones alias y and are never written). */
  const int stats = plan->op == XHAL_OP_LAYER_NORMALIZATION ? (int)plan->output_count - 1 : 0;
  const xop_view_t *mean_out = stats > 0 ? &plan->outs[1] : y;
  const xop_view_t *inv_out = stats > 1 ? &plan->outs[2] : y;
  const xop_view_t *t[6] = {y, x, &plan->in[1], has_bias ? &plan->in[2] : x,
                            given ? &plan->in[3] : stats > 0 ? mean_out : x,
                            given ? &plan->in[4] : stats > 1 ? inv_out : x};
  ocl_norm_t s;
  memset(&s, 0, sizeof s);
  s.rows = 1, s.len = 1;
  for (uint32_t k = 0; k < x->rank; ++k) {
    if (plan->norm_axes & (1u << k)) {
      s.idims[s.irank] = x->dims[k];
      for (int i = 0; i < 4; ++i) s.istrides[i][s.irank] = t[i]->strides[k];
      s.len *= x->dims[k];
      s.irank++;
    } else {
      s.odims[s.orank] = x->dims[k];
      for (int i = 0; i < 6; ++i) s.ostrides[i][s.orank] = t[i]->strides[k];
      s.rows *= x->dims[k];
      s.orank++;
    }
  }
  if (!s.irank) s.idims[s.irank++] = 1;
  if (!s.orank) s.odims[s.orank++] = 1;
  for (int i = 0; i < 6; ++i) s.offsets[i] = ocl_op_offset(t[i]);
  s.epsilon = (cl_float)plan->epsilon;
  /* OCL_NORM_BIAS, OCL_NORM_GIVEN, OCL_NORM_MEAN_OUT, OCL_NORM_INV_OUT */
  s.flags = (has_bias ? 1 : 0) | (given ? 2 : 0) | (stats > 0 ? 4 : 0) | (stats > 1 ? 8 : 0);
  const ocl_op_arg_t args[9] = {OCL_OP_MEM(t[0]),     OCL_OP_MEM(t[1]),    OCL_OP_MEM(t[2]),
                                OCL_OP_MEM(t[3]),     OCL_OP_MEM(t[4]),    OCL_OP_MEM(t[5]),
                                OCL_OP_MEM(mean_out), OCL_OP_MEM(inv_out), {sizeof s, &s}};
  const uint32_t d = ocl_op_dtype_index(y->dtype);
  const char *dtype = xop_dtype_name(y->dtype);
  char name[32];
  if (xop_launch_use_group(s.rows, s.len)) {
    ocl_op_state_t *state = NULL;
    OCL_RETURN_IF_ERROR(ocl_op_state_get(stream->device, &state));
    const size_t local = state->group, global = (size_t)s.rows * local;
    snprintf(name, sizeof name, "norm_group_%s", dtype);
    return ocl_op_enqueue(stream, OCL_OP_NORM, XOP_LAUNCH_SLOT_NORM_NORM + 4 + d, name, args, 9,
                          1, &global, &local);
  }
  const size_t local = OCL_OP_LOCAL, global = ocl_op_round_up((size_t)s.rows, local);
  snprintf(name, sizeof name, "norm_%s", dtype);
  return ocl_op_enqueue(stream, OCL_OP_NORM, XOP_LAUNCH_SLOT_NORM_NORM + d, name, args, 9, 1,
                        &global, &local);
}

/* ---- Data-movement ops: the plan's copies ------------------------------------------------ */

/* A linear copy (kernels/shape.cl, slot log2(element size)). */
static int32_t ocl_op_run_linear(xhal_plugin_stream_t *stream, const xop_view_t *y,
                                 const xop_view_t *x) {
  ocl_linear_t s;
  memset(&s, 0, sizeof s);
  s.orank = y->rank ? (cl_int)y->rank : 1;
  s.irank = x->rank ? (cl_int)x->rank : 1;
  s.odims[0] = s.idims[0] = 1;
  for (uint32_t k = 0; k < y->rank; ++k) s.odims[k] = y->dims[k], s.ostrides[k] = y->strides[k];
  for (uint32_t k = 0; k < x->rank; ++k) s.idims[k] = x->dims[k], s.istrides[k] = x->strides[k];
  s.offsets[0] = ocl_op_offset(y);
  s.offsets[1] = ocl_op_offset(x);
  s.count = xop_view_count(y);
  const uint64_t size = xop_dtype_size(y->dtype);
  const uint32_t log2 = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
  char name[32];
  snprintf(name, sizeof name, "linear_%u", (unsigned)size);
  const ocl_op_arg_t args[3] = {OCL_OP_MEM(y), OCL_OP_MEM(x), {sizeof s, &s}};
  const size_t local = OCL_OP_LOCAL, global = ocl_op_round_up((size_t)s.count, local);
  return ocl_op_enqueue(stream, OCL_OP_SHAPE, log2, name, args, 3, 1, &global, &local);
}

/* Each copy is one kernel on the in-order queue, so a copy that reads what
 * an earlier one wrote (Tile) sees it. */
static int32_t ocl_op_run_copies(xhal_plugin_stream_t *stream, const xop_plan_t *plan) {
  for (uint32_t i = 0; i < plan->copy_count; ++i) {
    if (plan->copy_linear[i]) {
      OCL_RETURN_IF_ERROR(ocl_op_run_linear(stream, &plan->copy_out[i], &plan->copy_in[i]));
      continue;
    }
    xop_plan_t copy;
    memset(&copy, 0, offsetof(xop_plan_t, in)); /* the arrays are valid up to their counts */
    copy.op = XHAL_OP_COPY;
    copy.input_count = 1;
    copy.in[0] = plan->copy_in[i];
    copy.out = plan->copy_out[i];
    OCL_RETURN_IF_ERROR(ocl_op_run_planned(stream, &copy));
  }
  return XHAL_STATUS_OK;
}

/* ---- Conv, ConvTranspose and the pools (kernels/conv.cl) --------------------------------- */

/* Kernel slots of conv.cl: 3 * dtype index (f32 0, f16 1) + kind; MaxPool
 * with Indices 6 + dtype index. */
enum { OCL_OP_CONV_SLOT_CONV = 0, OCL_OP_CONV_SLOT_TRANSPOSE = 1, OCL_OP_CONV_SLOT_POOL = 2 };

/* The launch struct on 3 spatial dims (fewer are padded at the front with
 * unit dims, which the kernels loop over once). */
static void ocl_op_conv_make(const xop_plan_t *plan, ocl_conv_t *s) {
  const xop_view_t *y = &plan->out, *x = &plan->in[0];
  const xop_conv_t *g = &plan->conv;
  const uint32_t lead = 3 - g->spatial;
  memset(s, 0, sizeof *s);
  for (int k = 0; k < 2; ++k) {
    s->ys[k] = y->strides[k], s->xs[k] = x->strides[k];
    if (plan->input_count > 1) s->ws[k] = plan->in[1].strides[k];
  }
  for (int j = 0; j < 3; ++j) s->in[j] = s->out[j] = s->k[j] = s->s[j] = s->d[j] = 1;
  for (uint32_t j = 0; j < g->spatial; ++j) {
    const uint32_t J = lead + j;
    s->in[J] = x->dims[2 + j], s->out[J] = y->dims[2 + j];
    s->k[J] = g->kernel[j], s->s[J] = g->strides[j], s->d[J] = g->dilations[j];
    s->p[J] = g->pads[j], s->pe[J] = g->pads_end[j];
    s->ys[2 + J] = y->strides[2 + j], s->xs[2 + J] = x->strides[2 + j];
    if (plan->input_count > 1) s->ws[2 + J] = plan->in[1].strides[2 + j];
  }
  s->offsets[0] = ocl_op_offset(y);
  s->offsets[1] = ocl_op_offset(x);
  if (plan->input_count > 1) s->offsets[2] = ocl_op_offset(&plan->in[1]);
  s->has_b = plan->input_count > 2;
  if (s->has_b) s->offsets[3] = ocl_op_offset(&plan->in[2]), s->bs = plan->in[2].strides[0];
  s->m = y->dims[1];
  s->cg = x->dims[1] / (g->group ? g->group : 1);
  s->mg = y->dims[1] / (g->group ? g->group : 1);
  s->count = (cl_long)xop_view_count(y);
  const int is_max = plan->op == XHAL_OP_MAX_POOL || plan->op == XHAL_OP_GLOBAL_MAX_POOL;
  s->mode = is_max ? 0 : g->count_include_pad ? 2 : 1;
}

static int32_t ocl_op_run_conv(xhal_plugin_stream_t *stream, const xop_plan_t *plan) {
  ocl_conv_t s;
  ocl_op_conv_make(plan, &s);
  const uint32_t d = ocl_op_dtype_index(plan->out.dtype);
  const char *dtype = xop_dtype_name(plan->out.dtype);
  const size_t local = OCL_OP_LOCAL, global = ocl_op_round_up((size_t)s.count, local);
  char name[40];
  if (plan->op == XHAL_OP_CONV || plan->op == XHAL_OP_CONV_TRANSPOSE) {
    const int transpose = plan->op == XHAL_OP_CONV_TRANSPOSE;
    /* Without a bias, x stands in for b (never read: has_b is 0). */
    const ocl_op_arg_t args[5] = {OCL_OP_MEM(&plan->out), OCL_OP_MEM(&plan->in[0]),
                                  OCL_OP_MEM(&plan->in[1]),
                                  OCL_OP_MEM(s.has_b ? &plan->in[2] : &plan->in[0]),
                                  {sizeof s, &s}};
    snprintf(name, sizeof name, "%s_%s", transpose ? "conv_transpose" : "conv", dtype);
    return ocl_op_enqueue(stream, OCL_OP_CONV,
                          3 * d + (transpose ? OCL_OP_CONV_SLOT_TRANSPOSE : OCL_OP_CONV_SLOT_CONV),
                          name, args, 5, 1, &global, &local);
  }
  if (plan->op == XHAL_OP_MAX_POOL && plan->output_count == 2) {
    /* Indices: strides on the padded spatial dims like ocl_op_conv_make's. */
    const xop_view_t *iv = &plan->outs[1];
    const uint32_t lead = 3 - plan->conv.spatial;
    ocl_pool_indices_t q;
    memset(&q, 0, sizeof q);
    q.is[0] = iv->strides[0], q.is[1] = iv->strides[1];
    for (uint32_t j = 0; j < plan->conv.spatial; ++j) q.is[2 + lead + j] = iv->strides[2 + j];
    q.offset = ocl_op_offset(iv);
    q.order = plan->conv.storage_order;
    const ocl_op_arg_t iargs[5] = {OCL_OP_MEM(&plan->out), OCL_OP_MEM(&plan->in[0]),
                                   OCL_OP_MEM(iv), {sizeof s, &s}, {sizeof q, &q}};
    snprintf(name, sizeof name, "max_pool_indices_%s", dtype);
    return ocl_op_enqueue(stream, OCL_OP_CONV, 6 + d, name, iargs, 5, 1, &global, &local);
  }
  const ocl_op_arg_t args[3] = {OCL_OP_MEM(&plan->out), OCL_OP_MEM(&plan->in[0]), {sizeof s, &s}};
  snprintf(name, sizeof name, "pool_%s", dtype);
  return ocl_op_enqueue(stream, OCL_OP_CONV, 3 * d + OCL_OP_CONV_SLOT_POOL, name, args, 3, 1,
                        &global, &local);
}

/* ---- The binary group (ocl_op_binary.c) -------------------------------------------------- */

static int32_t ocl_op_binary_enqueue(xhal_plugin_stream_t *stream, uint32_t slot,
                                     const char *name, const ocl_op_binary_arg_t *args,
                                     cl_uint arg_count, size_t global, size_t local) {
  ocl_op_arg_t a[16];
  assert(arg_count <= 16);
  for (cl_uint i = 0; i < arg_count; ++i) a[i] = (ocl_op_arg_t){args[i].size, args[i].value};
  return ocl_op_enqueue(stream, OCL_OP_BINARY, slot, name, a, arg_count, 1, &global, &local);
}

/* ---- What the kernels run, and the entry points ------------------------------------------ */

static xhal_plugin_device_t *ocl_op_buffer_device(const xhal_plugin_buffer_t *buffer) {
  return buffer->device;
}

static uint64_t ocl_op_buffer_size(const xhal_plugin_buffer_t *buffer) {
  return buffer->size;
}

static int32_t ocl_op_report(int32_t status, const char *message) {
  return ocl_error(status, "%s", message);
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
  return xop_check(&ocl_op_backend, device, desc, 0, &plan);
}

int32_t ocl_op_launch(xhal_plugin_stream_t *stream, const xhal_plugin_op_desc_t *desc) {
  xop_plan_t plan;
  OCL_RETURN_IF_ERROR(xop_check(&ocl_op_backend, stream->device, desc, 1, &plan));
  if (xop_is_shape_op(plan.op)) return ocl_op_run_copies(stream, &plan); /* Split: 8 outputs */
  if (xop_view_count(&plan.out) == 0) return XHAL_STATUS_OK; /* nothing to write */
  if (ocl_op_binary_owns(&plan)) return ocl_op_binary_run(stream, &plan, ocl_op_binary_enqueue);
  switch (plan.op) {
    case XHAL_OP_COPY:
    case XHAL_OP_TRANSPOSE:
    case XHAL_OP_CAST:
    case XHAL_OP_ADD:
    case XHAL_OP_SUB:
    case XHAL_OP_MUL:
    case XHAL_OP_DIV:
    case XHAL_OP_MATMUL:
    case XHAL_OP_GEMM:
    case XHAL_OP_SOFTMAX:
    case XHAL_OP_LOG_SOFTMAX:
    case XHAL_OP_REDUCE_SUM:
    case XHAL_OP_REDUCE_MEAN:
    case XHAL_OP_REDUCE_MAX:
    case XHAL_OP_REDUCE_MIN:
    case XHAL_OP_REDUCE_PROD:
    case XHAL_OP_ARG_MAX:
    case XHAL_OP_ARG_MIN:
      return ocl_op_run_planned(stream, &plan);
    XOP_CASE_CONV_OPS:
      return ocl_op_run_conv(stream, &plan);
    XOP_CASE_GATHER_OPS:
      return ocl__op_run_gather_group(stream, &plan, OCL_OP_GATHER, OCL_OP_RESIZE);
    case XHAL_OP_BATCH_NORMALIZATION:
    case XHAL_OP_LAYER_NORMALIZATION:
    case XHAL_OP_INSTANCE_NORMALIZATION:
      return ocl_op_run_norm(stream, &plan);
    default:
      if (ocl_op_um_index(plan.op) >= 0)
        return ocl_op_run_unary_math(stream, &plan, ocl_op_um_index(plan.op));
      return ocl_op_run_planned(stream, &plan); /* the unary ops of eltwise.cl */
  }
}

/* ze_op.c - operators of the Level Zero backend.
 *
 * The kernels are the OpenCL backend's (backends/opencl/kernels/<family>.cl),
 * compiled to SPIR-V at build time with the defines the OpenCL backend passes
 * at run time (ZE_OP_GROUP, ZE_OP_TILE, ZE_OP_MATMUL_REG below, the same
 * values as meson.build passes) and embedded in the plugin; one module per
 * kernel file per device, built with zeModuleCreate on first use. Launches
 * are validated by the shared xop_check and set up exactly as ocl_op.c does
 * (same kernel names, arguments and launch structs); buffers are passed as
 * device pointers. On the loader's null driver, whose kernels do nothing,
 * valid operators are UNSUPPORTED: their results could not be verified. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xhal_op_check.h"
#include "../common/xhal_op_layout.h"
#include "ze_backend.h"

/* The SPIR-V images (tools/embed_binary.py, build dir). */
extern const unsigned char ze_spirv_eltwise[], ze_spirv_reduce[], ze_spirv_softmax[],
    ze_spirv_matmul[];
extern const size_t ze_spirv_eltwise_size, ze_spirv_reduce_size, ze_spirv_softmax_size,
    ze_spirv_matmul_size;

/* ---- Launch structs (kernels/common.cl) -------------------------------------------------- */

#define ZE_OP_MAX_RANK 8

typedef struct ze_nd {
  int64_t dims[ZE_OP_MAX_RANK];
  int64_t strides[3][ZE_OP_MAX_RANK];
  int64_t offsets[3];
  int64_t count;
  int32_t rank;
  int32_t pad;
} ze_nd_t;

typedef struct ze_reduce {
  int64_t kdims[ZE_OP_MAX_RANK];
  int64_t kstrides[2][ZE_OP_MAX_RANK];
  int64_t rdims[ZE_OP_MAX_RANK];
  int64_t rstrides[ZE_OP_MAX_RANK];
  int64_t offsets[2];
  int64_t nout;
  int64_t len;
  int32_t krank;
  int32_t rrank;
  int32_t mean;
  int32_t pad;
} ze_reduce_t;

typedef struct ze_softmax {
  int64_t odims[ZE_OP_MAX_RANK];
  int64_t ostrides[2][ZE_OP_MAX_RANK];
  int64_t offsets[2];
  int64_t rows;
  int64_t len;
  int64_t ystride, xstride;
  int32_t orank;
  int32_t pad;
} ze_softmax_t;

typedef struct ze_matmul {
  int64_t bdims[ZE_OP_MAX_RANK];
  int64_t bstrides[3][ZE_OP_MAX_RANK];
  int64_t offsets[4];
  int64_t m, n, k;
  int64_t ys0, ys1, as0, as1, bs0, bs1, cs0, cs1;
  int64_t ialpha, ibeta;
  float alpha, beta;
  int32_t brank;
  int32_t has_c;
} ze_matmul_t;

static_assert(XHAL_MAX_RANK == ZE_OP_MAX_RANK, "kernels index at most 8 dims");
static_assert(sizeof(ze_nd_t) == 37 * 8, "ze_nd_t layout");
static_assert(sizeof(ze_reduce_t) == 44 * 8 + 16, "ze_reduce_t layout");
static_assert(sizeof(ze_softmax_t) == 30 * 8 + 8, "ze_softmax_t layout");
static_assert(sizeof(ze_matmul_t) == 49 * 8 + 16, "ze_matmul_t layout");

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

/* Kernel slots per program, as in ocl_op.c. */
#define ZE_OP_MAX_KERNELS 64

/* Work-group size of the elementwise and one-item-per-output kernels. */
#define ZE_OP_LOCAL 64
/* Fixed at build time (meson.build: -DOCL_GROUP, -DOCL_TILE, -DOCL_REG):
 * the kernels' reqd_work_group_size, so devices must allow
 * ZE_OP_TILE * ZE_OP_TILE work-items per group. */
#define ZE_OP_GROUP 64
#define ZE_OP_TILE 16
#define ZE_OP_MATMUL_REG 4

typedef struct ze_op_kernel {
  pthread_mutex_t mutex; /* held from the first argument to the append */
  ze_kernel_handle_t kernel;
} ze_op_kernel_t;

typedef struct ze_op_state {
  pthread_mutex_t mutex; /* guards modules[] and creating kernels */
  size_t group;
  size_t tile;
  ze_module_handle_t modules[ZE_OP_PROGRAM_COUNT];
  ze_op_kernel_t kernels[ZE_OP_PROGRAM_COUNT][ZE_OP_MAX_KERNELS];
} ze_op_state_t;

static pthread_mutex_t ze_op_state_mutex = PTHREAD_MUTEX_INITIALIZER;

static int32_t ze_op_state_get(xhal_plugin_device_t *device, ze_op_state_t **out_state) {
  pthread_mutex_lock(&ze_op_state_mutex);
  if (!device->op_state) {
    ze_op_state_t *state = calloc(1, sizeof *state);
    if (state) {
      pthread_mutex_init(&state->mutex, NULL);
      for (int p = 0; p < ZE_OP_PROGRAM_COUNT; ++p)
        for (int k = 0; k < ZE_OP_MAX_KERNELS; ++k)
          pthread_mutex_init(&state->kernels[p][k].mutex, NULL);
      state->group = ZE_OP_GROUP;
      state->tile = ZE_OP_TILE;
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
    for (int k = 0; k < ZE_OP_MAX_KERNELS; ++k) {
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
                                const char *name, ze_op_kernel_t **out_slot) {
  ze_op_state_t *state = NULL;
  ZE_RETURN_IF_ERROR(ze_op_state_get(device, &state));
  assert(slot < ZE_OP_MAX_KERNELS);
  ze_op_kernel_t *k = &state->kernels[p][slot];
  const ze_op_source_t *src = &ze_op_program_sources[p];
  int32_t status = XHAL_STATUS_OK;
  pthread_mutex_lock(&state->mutex);
  if (!state->modules[p])
    status = ze__module_build(device, src->spirv, *src->size, "", src->name, &state->modules[p]);
  if (status == XHAL_STATUS_OK && !k->kernel) {
    ze_kernel_desc_t desc = {.stype = ZE_STRUCTURE_TYPE_KERNEL_DESC, .pKernelName = name};
    status = ze__check(zeKernelCreate(state->modules[p], &desc, &k->kernel),
                       "zeKernelCreate(%s of %s)", name, src->name);
  }
  pthread_mutex_unlock(&state->mutex);
  if (status != XHAL_STATUS_OK) {
    char reason[1024];
    snprintf(reason, sizeof reason, "%s", ze__last_message());
    return ze__error(XHAL_STATUS_INTERNAL, "operator kernel %s: %s", name, reason);
  }
  *out_slot = k;
  return XHAL_STATUS_OK;
}

/* ---- Enqueue ----------------------------------------------------------------------------- */

typedef struct ze_op_arg {
  size_t size;
  const void *value;
} ze_op_arg_t;

#define ZE_OP_MEM(view)                                                                            \
  { sizeof(void *), &(view)->buffer->ptr }

static size_t ze_op_round_up(size_t n, size_t to) {
  return (n + to - 1) / to * to;
}

/* Sets args and appends kernel name of program p over global/local (dims
 * entries each, global a multiple of local) on the stream. */
static int32_t ze_op_enqueue(xhal_plugin_stream_t *stream, ze_op_program_t p, uint32_t slot,
                             const char *name, const ze_op_arg_t *args, uint32_t arg_count,
                             uint32_t dims, const size_t *global, const size_t *local) {
  ze_op_kernel_t *k = NULL;
  ZE_RETURN_IF_ERROR(ze_op_kernel_get(stream->device, p, slot, name, &k));
  uint32_t group[3] = {1, 1, 1}, count[3] = {1, 1, 1};
  for (uint32_t d = 0; d < dims; ++d) {
    group[d] = (uint32_t)local[d];
    count[d] = (uint32_t)(global[d] / local[d]);
  }
  int32_t status = XHAL_STATUS_OK;
  pthread_mutex_lock(&k->mutex);
  for (uint32_t i = 0; i < arg_count && status == XHAL_STATUS_OK; ++i) {
    status = ze__check(zeKernelSetArgumentValue(k->kernel, i, args[i].size, args[i].value),
                       "zeKernelSetArgumentValue(%s, argument %u, %zu bytes)", name, i,
                       args[i].size);
  }
  if (status == XHAL_STATUS_OK) {
    status = ze__check(zeKernelSetGroupSize(k->kernel, group[0], group[1], group[2]),
                       "zeKernelSetGroupSize(%s, {%u, %u, %u})", name, group[0], group[1],
                       group[2]);
  }
  if (status == XHAL_STATUS_OK) {
    const ze_group_count_t groups = {count[0], count[1], count[2]};
    status = ze__check(
        zeCommandListAppendLaunchKernel(stream->list, k->kernel, &groups, NULL, 0, NULL),
        "zeCommandListAppendLaunchKernel(%s, groups {%u, %u, %u}, group size {%u, %u, %u})",
        name, count[0], count[1], count[2], group[0], group[1], group[2]);
  }
  pthread_mutex_unlock(&k->mutex);
  return ze__stream_ordered(stream, status);
}

/* Element offset of a view (its byte offset is a multiple of the size). */
static int64_t ze_op_offset(const xop_view_t *view) {
  return (int64_t)(view->byte_offset / xop_dtype_size(view->dtype));
}

/* f32 0, f16 1, i32 2, i64 3: the kernels' dtype index. */
static uint32_t ze_op_dtype_index(uint32_t dtype) {
  switch (dtype) {
    case XHAL_DTYPE_F32:
      return 0;
    case XHAL_DTYPE_F16:
      return 1;
    case XHAL_DTYPE_I32:
      return 2;
    default:
      return 3;
  }
}

/* ---- Elementwise: binary, unary, Copy/Transpose, Cast ------------------------------------ */

static const char *const ze_op_binary_names[4] = {"add", "sub", "mul", "div"};

/* Unary kernels in slot order; i32/i64 have the first three. */
static const uint32_t ze_op_unary_ops[6] = {XHAL_OP_NEG, XHAL_OP_ABS,     XHAL_OP_RELU,
                                             XHAL_OP_EXP, XHAL_OP_SIGMOID, XHAL_OP_TANH};
static const char *const ze_op_unary_names[6] = {"neg", "abs", "relu", "exp", "sigmoid", "tanh"};

enum {
  ZE_OP_SLOT_BINARY = 0, /* + 4 * op + dtype: 16 */
  ZE_OP_SLOT_UNARY = 16, /* + 4 * op + dtype: 24 */
  ZE_OP_SLOT_COPY = 40,  /* + log2(size): 4 */
  ZE_OP_SLOT_CAST = 44,  /* + 4 * from + to: 16 */
  ZE_OP_SLOT_END = 60
};
static_assert(ZE_OP_SLOT_END <= ZE_OP_MAX_KERNELS, "eltwise kernel slots");

/* Launch struct of an elementwise op over the plan's output and inputs. */
static void ze_op_nd_make(const xop_plan_t *plan, ze_nd_t *s) {
  xop_dims_t d;
  xop_layout_eltwise(plan, &d);
  memset(s, 0, sizeof *s);
  s->rank = d.rank ? (int32_t)d.rank : 1;
  s->dims[0] = 1;
  for (uint32_t k = 0; k < d.rank; ++k) {
    s->dims[k] = d.dims[k];
    for (uint32_t o = 0; o < d.sets; ++o) s->strides[o][k] = d.strides[o][k];
  }
  s->offsets[0] = ze_op_offset(&plan->out);
  for (uint32_t i = 0; i < plan->input_count; ++i) s->offsets[1 + i] = ze_op_offset(&plan->in[i]);
  s->count = xop_dims_count(&d);
}

static int32_t ze_op_run_eltwise(xhal_plugin_stream_t *stream, const xop_plan_t *plan,
                                  uint32_t slot, const char *name) {
  ze_nd_t s;
  ze_op_nd_make(plan, &s);
  ze_op_arg_t args[4] = {ZE_OP_MEM(&plan->out)};
  uint32_t n = 1;
  for (uint32_t i = 0; i < plan->input_count; ++i)
    args[n++] = (ze_op_arg_t)ZE_OP_MEM(&plan->in[i]);
  args[n++] = (ze_op_arg_t){sizeof s, &s};
  const size_t local = ZE_OP_LOCAL, global = ze_op_round_up((size_t)s.count, local);
  return ze_op_enqueue(stream, ZE_OP_ELTWISE, slot, name, args, n, 1, &global, &local);
}

static int32_t ze_op_run_copy(xhal_plugin_stream_t *stream, const xop_plan_t *plan) {
  const uint64_t size = xop_dtype_size(plan->out.dtype);
  const uint32_t log2 = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
  char name[32];
  snprintf(name, sizeof name, "copy_%u", (unsigned)size);
  xop_plan_t copy = *plan;
  copy.input_count = 1;
  return ze_op_run_eltwise(stream, &copy, ZE_OP_SLOT_COPY + log2, name);
}

static int32_t ze_op_run_binary(xhal_plugin_stream_t *stream, const xop_plan_t *plan) {
  const uint32_t op = plan->op - XHAL_OP_ADD, d = ze_op_dtype_index(plan->out.dtype);
  char name[32];
  snprintf(name, sizeof name, "%s_%s", ze_op_binary_names[op], xop_dtype_name(plan->out.dtype));
  return ze_op_run_eltwise(stream, plan, ZE_OP_SLOT_BINARY + 4 * op + d, name);
}

static int32_t ze_op_run_unary(xhal_plugin_stream_t *stream, const xop_plan_t *plan) {
  uint32_t op = 0;
  while (op < 5 && ze_op_unary_ops[op] != plan->op) ++op;
  const uint32_t d = ze_op_dtype_index(plan->out.dtype);
  char name[32];
  snprintf(name, sizeof name, "%s_%s", ze_op_unary_names[op], xop_dtype_name(plan->out.dtype));
  return ze_op_run_eltwise(stream, plan, ZE_OP_SLOT_UNARY + 4 * op + d, name);
}

static int32_t ze_op_run_cast(xhal_plugin_stream_t *stream, const xop_plan_t *plan) {
  const uint32_t from = plan->in[0].dtype, to = plan->out.dtype;
  if (from == to) return ze_op_run_copy(stream, plan);
  char name[32];
  snprintf(name, sizeof name, "cast_%s_%s", xop_dtype_name(from), xop_dtype_name(to));
  return ze_op_run_eltwise(
      stream, plan, ZE_OP_SLOT_CAST + 4 * ze_op_dtype_index(from) + ze_op_dtype_index(to), name);
}

/* ---- Reductions -------------------------------------------------------------------------- */

/* Above this many terms per output, and with few outputs, one work-group
 * shares each output instead of one work-item doing it alone. */
#define ZE_OP_GROUP_MIN_LEN 256
#define ZE_OP_GROUP_MAX_OUTPUTS 4096

static int ze_op_use_group(int64_t outputs, int64_t len) {
  return len > ZE_OP_GROUP_MIN_LEN && outputs <= ZE_OP_GROUP_MAX_OUTPUTS;
}

static int32_t ze_op_run_reduce(xhal_plugin_stream_t *stream, const xop_plan_t *plan) {
  if (!plan->axes) return ze_op_run_copy(stream, plan); /* noop_with_empty_axes, rank 0 */
  xop_dims_t kept, reduced;
  xop_layout_reduce(plan, &kept, &reduced);
  ze_reduce_t s;
  memset(&s, 0, sizeof s);
  s.krank = kept.rank ? (int32_t)kept.rank : 1;
  s.kdims[0] = 1;
  for (uint32_t k = 0; k < kept.rank; ++k) {
    s.kdims[k] = kept.dims[k];
    s.kstrides[0][k] = kept.strides[0][k];
    s.kstrides[1][k] = kept.strides[1][k];
  }
  s.rrank = reduced.rank ? (int32_t)reduced.rank : 1;
  s.rdims[0] = 1;
  for (uint32_t k = 0; k < reduced.rank; ++k) {
    s.rdims[k] = reduced.dims[k];
    s.rstrides[k] = reduced.strides[0][k];
  }
  s.offsets[0] = ze_op_offset(&plan->out);
  s.offsets[1] = ze_op_offset(&plan->in[0]);
  s.nout = xop_dims_count(&kept);
  s.len = xop_dims_count(&reduced);
  s.mean = plan->op == XHAL_OP_REDUCE_MEAN;

  const ze_op_arg_t args[3] = {ZE_OP_MEM(&plan->out), ZE_OP_MEM(&plan->in[0]), {sizeof s, &s}};
  const uint32_t d = ze_op_dtype_index(plan->out.dtype);
  const char *dtype = xop_dtype_name(plan->out.dtype);
  char name[32];
  if (ze_op_use_group(s.nout, s.len)) {
    ze_op_state_t *state = NULL;
    ZE_RETURN_IF_ERROR(ze_op_state_get(stream->device, &state));
    const size_t local = state->group, global = (size_t)s.nout * local;
    snprintf(name, sizeof name, "reduce_group_%s", dtype);
    return ze_op_enqueue(stream, ZE_OP_REDUCE, 4 + d, name, args, 3, 1, &global, &local);
  }
  const size_t local = ZE_OP_LOCAL, global = ze_op_round_up((size_t)s.nout, local);
  snprintf(name, sizeof name, "reduce_%s", dtype);
  return ze_op_enqueue(stream, ZE_OP_REDUCE, d, name, args, 3, 1, &global, &local);
}

static int32_t ze_op_run_softmax(xhal_plugin_stream_t *stream, const xop_plan_t *plan) {
  const xop_view_t *x = &plan->in[0], *y = &plan->out;
  xop_dims_t outer;
  xop_layout_softmax(plan, &outer);
  ze_softmax_t s;
  memset(&s, 0, sizeof s);
  s.orank = outer.rank ? (int32_t)outer.rank : 1;
  s.odims[0] = 1;
  for (uint32_t k = 0; k < outer.rank; ++k) {
    s.odims[k] = outer.dims[k];
    s.ostrides[0][k] = outer.strides[0][k];
    s.ostrides[1][k] = outer.strides[1][k];
  }
  s.offsets[0] = ze_op_offset(y);
  s.offsets[1] = ze_op_offset(x);
  s.rows = xop_dims_count(&outer);
  s.len = x->dims[plan->axis];
  s.ystride = y->strides[plan->axis];
  s.xstride = x->strides[plan->axis];

  const ze_op_arg_t args[3] = {ZE_OP_MEM(y), ZE_OP_MEM(x), {sizeof s, &s}};
  const uint32_t d = ze_op_dtype_index(y->dtype);
  const char *dtype = xop_dtype_name(y->dtype);
  char name[32];
  if (ze_op_use_group(s.rows, s.len)) {
    ze_op_state_t *state = NULL;
    ZE_RETURN_IF_ERROR(ze_op_state_get(stream->device, &state));
    const size_t local = state->group, global = (size_t)s.rows * local;
    snprintf(name, sizeof name, "softmax_group_%s", dtype);
    return ze_op_enqueue(stream, ZE_OP_SOFTMAX, 4 + d, name, args, 3, 1, &global, &local);
  }
  const size_t local = ZE_OP_LOCAL, global = ze_op_round_up((size_t)s.rows, local);
  snprintf(name, sizeof name, "softmax_%s", dtype);
  return ze_op_enqueue(stream, ZE_OP_SOFTMAX, d, name, args, 3, 1, &global, &local);
}

/* ---- MatMul and Gemm --------------------------------------------------------------------- */

static int32_t ze_op_run_matmul(xhal_plugin_stream_t *stream, const xop_plan_t *plan) {
  const xop_view_t *a = &plan->in[0], *b = &plan->in[1], *y = &plan->out;
  const xop_view_t *c = plan->input_count == 3 ? &plan->in[2] : NULL;
  const uint32_t r = plan->batch_rank;
  xop_dims_t batch;
  xop_layout_batch(plan, &batch);
  ze_matmul_t s;
  memset(&s, 0, sizeof s);
  s.brank = (int32_t)batch.rank;
  for (uint32_t k = 0; k < batch.rank; ++k) {
    s.bdims[k] = batch.dims[k];
    for (uint32_t o = 0; o < 3; ++o) s.bstrides[o][k] = batch.strides[o][k];
  }
  s.offsets[0] = ze_op_offset(y);
  s.offsets[1] = ze_op_offset(a);
  s.offsets[2] = ze_op_offset(b);
  s.m = plan->m, s.n = plan->n, s.k = plan->k;
  s.ys0 = y->strides[r], s.ys1 = y->strides[r + 1];
  s.as0 = a->strides[r], s.as1 = a->strides[r + 1];
  s.bs0 = b->strides[r], s.bs1 = b->strides[r + 1];
  const int is_gemm = plan->op == XHAL_OP_GEMM;
  const double alpha = is_gemm ? plan->alpha : 1.0, beta = is_gemm ? plan->beta : 0.0;
  /* ONNX ignores C when beta is 0 (so a NaN in C does not survive). */
  s.has_c = c && beta != 0.0;
  if (s.has_c) {
    s.offsets[3] = ze_op_offset(c);
    s.cs0 = c->strides[0], s.cs1 = c->strides[1];
  }
  s.alpha = (float)alpha, s.beta = (float)beta;
  s.ialpha = (int64_t)alpha, s.ibeta = (int64_t)beta; /* integral for integer dtypes */

  ze_op_state_t *state = NULL;
  ZE_RETURN_IF_ERROR(ze_op_state_get(stream->device, &state));
  /* A work-group of tile x tile work-items computes a block of
   * ZE_OP_MATMUL_REG * tile outputs on each side (kernels/matmul.cl). */
  const size_t tile = state->tile, block = ZE_OP_MATMUL_REG * tile;
  const size_t local[3] = {tile, tile, 1};
  const size_t global[3] = {ze_op_round_up((size_t)s.n, block) / ZE_OP_MATMUL_REG,
                            ze_op_round_up((size_t)s.m, block) / ZE_OP_MATMUL_REG,
                            (size_t)xop_dims_count(&batch)};
  const ze_op_arg_t args[5] = {
      ZE_OP_MEM(y), ZE_OP_MEM(a), ZE_OP_MEM(b), ZE_OP_MEM(s.has_c ? c : a), {sizeof s, &s}};
  char name[32];
  snprintf(name, sizeof name, "matmul_%s", xop_dtype_name(y->dtype));
  return ze_op_enqueue(stream, ZE_OP_MATMUL, ze_op_dtype_index(y->dtype), name, args, 5, 3,
                        global, local);
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
  switch (plan.op) {
    case XHAL_OP_COPY:
    case XHAL_OP_TRANSPOSE:
      return ze_op_run_copy(stream, &plan);
    case XHAL_OP_CAST:
      return ze_op_run_cast(stream, &plan);
    case XHAL_OP_ADD:
    case XHAL_OP_SUB:
    case XHAL_OP_MUL:
    case XHAL_OP_DIV:
      return ze_op_run_binary(stream, &plan);
    case XHAL_OP_MATMUL:
    case XHAL_OP_GEMM:
      return ze_op_run_matmul(stream, &plan);
    case XHAL_OP_SOFTMAX:
      return ze_op_run_softmax(stream, &plan);
    case XHAL_OP_REDUCE_SUM:
    case XHAL_OP_REDUCE_MEAN:
      return ze_op_run_reduce(stream, &plan);
    default:
      return ze_op_run_unary(stream, &plan);
  }
}

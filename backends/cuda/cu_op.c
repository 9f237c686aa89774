/* cu_op.c - from validated operator plans to kernel launches. */
#include "cu_op.h"

#include <stddef.h>
#include <string.h>

#include "../common/xhal_op_check.h"
#include "../common/xhal_op_check_shape.h"
#include "../common/xhal_op_layout.h"
#include "cu_buffer.h"
#include "cu_kernels.h"
#include "cu_op_model.h"
#include "cu_stream.h"

/* The dispatch below indexes the kernel lists by dtype slot (f32, f16, i32,
 * i64) and by element size: the lists must keep that order. */
_Static_assert(CU_KERNEL_add_i64 == CU_KERNEL_add_f32 + 3, "binary kernels by dtype slot");
_Static_assert(CU_KERNEL_div_i64 == CU_KERNEL_div_f32 + 3, "binary kernels by dtype slot");
_Static_assert(CU_KERNEL_relu_i64 == CU_KERNEL_relu_f32 + 3, "unary kernels by dtype slot");
_Static_assert(CU_KERNEL_tanh_f16 == CU_KERNEL_tanh_f32 + 1, "unary kernels by dtype slot");
_Static_assert(CU_KERNEL_cast_i64_to_i64 == CU_KERNEL_cast_f32_to_f32 + 15, "cast by slot pair");
_Static_assert(CU_KERNEL_matmul_i64 == CU_KERNEL_matmul_f32 + 3, "matmul by dtype slot");
_Static_assert(CU_KERNEL_reduce_i64 == CU_KERNEL_reduce_f32 + 3, "reduce by dtype slot");
_Static_assert(CU_KERNEL_softmax_f16 == CU_KERNEL_softmax_f32 + 1, "softmax by dtype slot");
_Static_assert(CU_KERNEL_copy_b8 == CU_KERNEL_copy_b1 + 3, "copy by element size");

/* Blocks of a grid-stride launch: enough to fill any GPU, no more. */
#define CU_OP_MAX_BLOCKS (1u << 20)
/* Reductions and softmax slices of at least this many elements get the
 * whole block; shorter ones a warp. */
#define CU_OP_BLOCK_GROUP_MIN 1024

/* ---- what the kernels run ------------------------------------------------------ */

static xhal_plugin_device_t *cu_op_buffer_device(const xhal_plugin_buffer_t *buffer) {
  return buffer->device;
}

static uint64_t cu_op_buffer_size(const xhal_plugin_buffer_t *buffer) { return buffer->size; }

static int32_t cu_op_report(int32_t status, const char *message) {
  return cu_error(status, "%s", message);
}

static const xop_backend_t cu_op_backend = {
    .name = "CUDA",
    .op_dtypes = xop_model_op_dtypes,
    .buffer_device = cu_op_buffer_device,
    .buffer_size = cu_op_buffer_size,
    .report = cu_op_report,
};

/* 0 f32, 1 f16, 2 i32, 3 i64 (the only dtypes that reach a typed kernel). */
static int cu_dtype_slot(uint32_t dtype) {
  switch (dtype) {
    case XHAL_DTYPE_F16: return 1;
    case XHAL_DTYPE_I32: return 2;
    case XHAL_DTYPE_I64: return 3;
    default: return 0;
  }
}

static CUdeviceptr cu_view_address(const xop_view_t *view) {
  return view->buffer->pointer + view->byte_offset;
}

static uint32_t cu_op_blocks(int64_t items, int64_t per_block) {
  const int64_t blocks = (items + per_block - 1) / per_block;
  return blocks < 1 ? 1u : blocks > (int64_t)CU_OP_MAX_BLOCKS ? CU_OP_MAX_BLOCKS : (uint32_t)blocks;
}

/* Where the launches go: device (context current) and stream, the same
 * for the model programs' launches (cu_op_model_launch). */
typedef cu_op_model_target_t cu_op_launcher_t;

static int32_t cu_op_run(const cu_op_launcher_t *l, cu_kernel_id_t id, uint32_t gx, uint32_t gy,
                         uint32_t gz, void *args) {
  const uint32_t grid[3] = {gx, gy, gz};
  return cu_kernels_launch(l->device, l->stream, id, grid, args);
}

/* ---- elementwise, copy, cast ------------------------------------------------------ */

static int32_t cu_op_eltwise(const cu_op_launcher_t *l, const xop_plan_t *plan, cu_kernel_id_t id) {
  xop_dims_t d;
  xop_layout_eltwise(plan, &d);
  cu_k_eltwise_args_t a;
  memset(&a, 0, sizeof a);
  a.count = xop_dims_count(&d);
  a.rank = d.rank ? (int32_t)d.rank : 1;
  a.small = a.count < ((int64_t)1 << 31);
  for (uint32_t k = 0; k < CU_K_MAX_RANK; ++k) a.dims[k] = 1;
  for (uint32_t k = 0; k < d.rank; ++k) {
    a.dims[k] = d.dims[k];
    for (uint32_t s = 0; s < d.sets; ++s) a.strides[s][k] = d.strides[s][k];
  }
  a.ptr[0] = cu_view_address(&plan->out);
  for (uint32_t i = 0; i < plan->input_count; ++i) a.ptr[1 + i] = cu_view_address(&plan->in[i]);
  return cu_op_run(l, id, cu_op_blocks(a.count, CU_K_BLOCK), 1, 1, &a);
}

static cu_kernel_id_t cu_op_copy_kernel(uint32_t dtype) {
  switch (xop_dtype_size(dtype)) {
    case 1: return CU_KERNEL_copy_b1;
    case 2: return CU_KERNEL_copy_b2;
    case 4: return CU_KERNEL_copy_b4;
    default: return CU_KERNEL_copy_b8;
  }
}

static cu_kernel_id_t cu_op_eltwise_kernel(const xop_plan_t *plan) {
  const int slot = cu_dtype_slot(plan->in[0].dtype);
  switch (plan->op) {
    case XHAL_OP_ADD: return (cu_kernel_id_t)(CU_KERNEL_add_f32 + slot);
    case XHAL_OP_SUB: return (cu_kernel_id_t)(CU_KERNEL_sub_f32 + slot);
    case XHAL_OP_MUL: return (cu_kernel_id_t)(CU_KERNEL_mul_f32 + slot);
    case XHAL_OP_DIV: return (cu_kernel_id_t)(CU_KERNEL_div_f32 + slot);
    case XHAL_OP_NEG: return (cu_kernel_id_t)(CU_KERNEL_neg_f32 + slot);
    case XHAL_OP_ABS: return (cu_kernel_id_t)(CU_KERNEL_abs_f32 + slot);
    case XHAL_OP_RELU: return (cu_kernel_id_t)(CU_KERNEL_relu_f32 + slot);
    case XHAL_OP_EXP: return (cu_kernel_id_t)(CU_KERNEL_exp_f32 + slot);
    case XHAL_OP_SIGMOID: return (cu_kernel_id_t)(CU_KERNEL_sigmoid_f32 + slot);
    case XHAL_OP_TANH: return (cu_kernel_id_t)(CU_KERNEL_tanh_f32 + slot);
    case XHAL_OP_CAST:
      /* To the same dtype (u8, bool too): a copy. */
      if (plan->in[0].dtype == plan->out.dtype) return cu_op_copy_kernel(plan->in[0].dtype);
      return (cu_kernel_id_t)(CU_KERNEL_cast_f32_to_f32 + 4 * slot +
                              cu_dtype_slot(plan->out.dtype));
    default: /* Copy, Transpose (a strided copy), ReduceSum/Mean without axes */
      return cu_op_copy_kernel(plan->in[0].dtype);
  }
}

/* ---- MatMul and Gemm ------------------------------------------------------------------ */

static int32_t cu_op_matmul(const cu_op_launcher_t *l, const xop_plan_t *plan) {
  const uint32_t br = plan->batch_rank;
  const xop_view_t *a = &plan->in[0], *b = &plan->in[1], *y = &plan->out;
  cu_k_matmul_args_t p;
  memset(&p, 0, sizeof p);
  p.y = cu_view_address(y);
  p.a = cu_view_address(a);
  p.b = cu_view_address(b);
  p.m = plan->m, p.n = plan->n, p.k = plan->k;
  p.y_rs = y->strides[br], p.y_cs = y->strides[br + 1];
  p.a_rs = a->strides[br], p.a_cs = a->strides[br + 1];
  p.b_rs = b->strides[br], p.b_cs = b->strides[br + 1];
  p.alpha = plan->op == XHAL_OP_GEMM ? plan->alpha : 1.0;
  p.beta = plan->op == XHAL_OP_GEMM ? plan->beta : 0.0;
  p.int_alpha = (int64_t)p.alpha;
  p.int_beta = (int64_t)p.beta;
  /* beta == 0 ignores C entirely (NaN in C does not survive), as ONNX and
   * the CPU backend do. */
  if (plan->op == XHAL_OP_GEMM && plan->input_count == 3 && p.beta != 0.0) {
    p.has_c = 1;
    p.c = cu_view_address(&plan->in[2]);
    p.c_rs = plan->in[2].strides[0];
    p.c_cs = plan->in[2].strides[1];
  }
  xop_dims_t batch;
  xop_layout_batch(plan, &batch);
  p.batches = xop_dims_count(&batch);
  p.batch_rank = (int32_t)batch.rank;
  for (uint32_t k = 0; k < batch.rank; ++k) {
    p.batch_dims[k] = batch.dims[k];
    for (uint32_t s = 0; s < 3; ++s) p.batch_strides[s][k] = batch.strides[s][k];
  }
  const int64_t tiles_n = (p.n + CU_K_MM_TILE_N - 1) / CU_K_MM_TILE_N;
  const int64_t tiles_m = (p.m + CU_K_MM_TILE_M - 1) / CU_K_MM_TILE_M;
  const cu_device_info_t *info = &l->device->info;
  const uint32_t gx = tiles_n > info->max_grid[0] ? (uint32_t)info->max_grid[0] : (uint32_t)tiles_n;
  const uint32_t gy = tiles_m > info->max_grid[1] ? (uint32_t)info->max_grid[1] : (uint32_t)tiles_m;
  const uint32_t gz =
      p.batches > info->max_grid[2] ? (uint32_t)info->max_grid[2] : (uint32_t)p.batches;
  return cu_op_run(l, (cu_kernel_id_t)(CU_KERNEL_matmul_f32 + cu_dtype_slot(y->dtype)), gx, gy, gz,
                   &p);
}

/* ---- Softmax and reductions -------------------------------------------------------------- */

static int32_t cu_op_softmax(const cu_op_launcher_t *l, const xop_plan_t *plan) {
  const xop_view_t *x = &plan->in[0], *y = &plan->out;
  cu_k_softmax_args_t a;
  memset(&a, 0, sizeof a);
  a.ptr[0] = cu_view_address(y);
  a.ptr[1] = cu_view_address(x);
  a.axis_len = x->dims[plan->axis];
  a.axis_strides[0] = y->strides[plan->axis];
  a.axis_strides[1] = x->strides[plan->axis];
  xop_dims_t outer;
  xop_layout_softmax(plan, &outer);
  a.slices = xop_dims_count(&outer);
  a.outer_rank = (int32_t)outer.rank;
  for (uint32_t k = 0; k < outer.rank; ++k) {
    a.outer_dims[k] = outer.dims[k];
    a.outer_strides[0][k] = outer.strides[0][k];
    a.outer_strides[1][k] = outer.strides[1][k];
  }
  a.group = a.axis_len >= CU_OP_BLOCK_GROUP_MIN ? CU_K_BLOCK : 32;
  return cu_op_run(l, (cu_kernel_id_t)(CU_KERNEL_softmax_f32 + cu_dtype_slot(x->dtype)),
                   cu_op_blocks(a.slices, CU_K_BLOCK / a.group), 1, 1, &a);
}

static int32_t cu_op_reduce(const cu_op_launcher_t *l, const xop_plan_t *plan) {
  cu_k_reduce_args_t a;
  memset(&a, 0, sizeof a);
  a.ptr[0] = cu_view_address(&plan->out);
  a.ptr[1] = cu_view_address(&plan->in[0]);
  xop_dims_t kept, reduced;
  xop_layout_reduce(plan, &kept, &reduced);
  a.outputs = xop_dims_count(&kept);
  a.len = xop_dims_count(&reduced);
  a.kept_rank = (int32_t)kept.rank;
  a.red_rank = (int32_t)reduced.rank;
  for (uint32_t k = 0; k < kept.rank; ++k) {
    a.kept_dims[k] = kept.dims[k];
    a.kept_strides[0][k] = kept.strides[0][k];
    a.kept_strides[1][k] = kept.strides[1][k];
  }
  for (uint32_t k = 0; k < reduced.rank; ++k) {
    a.red_dims[k] = reduced.dims[k];
    a.red_strides[k] = reduced.strides[0][k];
  }
  a.mean = plan->op == XHAL_OP_REDUCE_MEAN;
  a.group = a.len >= CU_OP_BLOCK_GROUP_MIN ? CU_K_BLOCK : 32;
  return cu_op_run(l, (cu_kernel_id_t)(CU_KERNEL_reduce_f32 + cu_dtype_slot(plan->in[0].dtype)),
                   cu_op_blocks(a.outputs, CU_K_BLOCK / a.group), 1, 1, &a);
}

/* ---- data-movement ops: the plan's copies --------------------------------------------------- */

static int32_t cu_op_copy(void *launcher, const xop_plan_t *copy) {
  return cu_op_eltwise(launcher, copy, cu_op_copy_kernel(copy->out.dtype));
}

/* xop_cl_run_copies: a linear copy is shape.cl's linear_<size>, the others
 * the hand-written copy kernels. */
static int32_t cu_op_copies(const cu_op_launcher_t *l, const xop_plan_t *plan) {
  const xop_cl_runner_t runner = {(void *)l, cu_op_model_launch, cu_op_copy, cu_op_report};
  return xop_cl_run_copies(plan, &runner);
}

/* ---- entry points ------------------------------------------------------------------------ */

static int32_t cu_op_enqueue(const cu_op_launcher_t *l, const xop_plan_t *plan) {
  if (xop_is_shape_op(plan->op)) return cu_op_copies(l, plan);
  switch (plan->op) {
    case XHAL_OP_REDUCE_SUM:
    case XHAL_OP_REDUCE_MEAN:
    case XHAL_OP_REDUCE_MAX:
    case XHAL_OP_REDUCE_MIN:
    case XHAL_OP_REDUCE_PROD:
      /* No axes (noop_with_empty_axes, or rank 0): a copy. */
      if (!plan->axes) return cu_op_eltwise(l, plan, cu_op_copy_kernel(plan->in[0].dtype));
      break;
    default:
      break;
  }
  if (cu_op_model_owns(plan)) return cu_op_model_enqueue(l->device, l->stream, plan);
  switch (plan->op) {
    case XHAL_OP_MATMUL:
    case XHAL_OP_GEMM: return cu_op_matmul(l, plan);
    case XHAL_OP_SOFTMAX: return cu_op_softmax(l, plan);
    case XHAL_OP_REDUCE_SUM:
    case XHAL_OP_REDUCE_MEAN: return cu_op_reduce(l, plan);
    default: return cu_op_eltwise(l, plan, cu_op_eltwise_kernel(plan));
  }
}

int32_t cu_op_supported(xhal_plugin_device_t *device, const xhal_plugin_op_desc_t *desc) {
  xop_plan_t plan;
  return xop_check(&cu_op_backend, device, desc, 0, &plan);
}

int32_t cu_op_launch(xhal_plugin_stream_t *stream, const xhal_plugin_op_desc_t *desc) {
  xop_plan_t plan;
  CU_RETURN_IF_ERROR(xop_check(&cu_op_backend, stream->device, desc, 1, &plan));
  /* Nothing to write (Split's other outputs may not be empty). */
  if (!xop_is_shape_op(plan.op) && xop_view_count(&plan.out) == 0) return XHAL_STATUS_OK;
  const cu_op_launcher_t launcher = {stream->device, stream->stream};
  CU_RETURN_IF_ERROR(cu_context_enter(stream->device));
  const int32_t status = cu_op_enqueue(&launcher, &plan);
  cu_context_leave(stream->device);
  return status;
}

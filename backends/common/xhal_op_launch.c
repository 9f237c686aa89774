/* xhal_op_launch.c - the launch planner of the OpenCL C operator kernels
 * (xhal_op_launch.h). */
#include "xhal_op_launch.h"

#include <string.h>

static_assert(XOP_LAUNCH_SLOT_END <= XOP_LAUNCH_MAX_SLOTS, "eltwise.cl kernel slots");
static_assert((int)XOP_LAUNCH_SLOT_NORM_U8_REDUCE >= (int)XOP_LAUNCH_SLOT_NORM_END &&
                  XOP_LAUNCH_SLOT_NORM_U8_END <= XOP_LAUNCH_MAX_SLOTS,
              "norm.cl kernel slots");

uint32_t xop_launch_dtype_index(uint32_t dtype) {
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

/* A 1-D launch of global items in groups of local. */
static void xop_launch_range(xop_launch_t *l, size_t global, size_t local) {
  l->dims = 1;
  l->global[0] = global, l->global[1] = l->global[2] = 1;
  l->local[0] = local, l->local[1] = l->local[2] = 1;
}

/* ---- The kernels, by program and slot ---------------------------------------------------- */

static const char *const xop_launch_binary_names[4] = {"add", "sub", "mul", "div"};

/* Unary kernels in slot order; i32/i64 have the first three. */
static const uint32_t xop_launch_unary_ops[6] = {XHAL_OP_NEG, XHAL_OP_ABS,     XHAL_OP_RELU,
                                                 XHAL_OP_EXP, XHAL_OP_SIGMOID, XHAL_OP_TANH};
static const char *const xop_launch_unary_names[6] = {"neg", "abs",     "relu",
                                                      "exp", "sigmoid", "tanh"};

const char *const xop_launch_sizes[4] = {"1", "2", "4", "8"};

const char *xop_launch_dtype_index_name(uint32_t index) {
  static const uint32_t dtypes[4] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16, XHAL_DTYPE_I32,
                                     XHAL_DTYPE_I64};
  return xop_dtype_name(dtypes[index & 3]);
}

/* eltwise.cl, in either build: XOP_LAUNCH_SLOT_*. */
static int xop_launch_eltwise_name(uint32_t slot, const char *variant, xop_launch_name_t *name) {
  const uint32_t d = slot % 4;
  const char *dtype = xop_launch_dtype_index_name(d);
  if (slot < XOP_LAUNCH_SLOT_UNARY)
    return xop_launch_name_set(name, xop_launch_binary_names[slot / 4], variant, dtype, NULL);
  if (slot < XOP_LAUNCH_SLOT_COPY) {
    const uint32_t op = (slot - XOP_LAUNCH_SLOT_UNARY) / 4;
    if (d >= 2 && op >= 3) return 0; /* Exp, Sigmoid, Tanh: floats only */
    return xop_launch_name_set(name, xop_launch_unary_names[op], variant, dtype, NULL);
  }
  if (slot < XOP_LAUNCH_SLOT_CAST)
    return xop_launch_name_set(name, "copy", variant, xop_launch_sizes[slot - XOP_LAUNCH_SLOT_COPY],
                               NULL);
  if (slot < XOP_LAUNCH_SLOT_END) {
    const uint32_t from = (slot - XOP_LAUNCH_SLOT_CAST) / 4;
    if (from == d) return 0; /* a Cast to the same dtype is a copy */
    return xop_launch_name_set(name, "cast", variant, xop_launch_dtype_index_name(from), dtype);
  }
  return 0;
}

/* norm.cl: XOP_LAUNCH_SLOT_NORM_*. */
static int xop_launch_norm_name(uint32_t slot, xop_launch_name_t *name) {
  static const char *const reduce[3] = {"reduce_maximum", "reduce_minimum", "reduce_product"};
  static const char *const arg[4] = {"argmax_first", "argmax_last", "argmin_first", "argmin_last"};
  const uint32_t d = slot % 4;
  const char *group = slot % 8 >= 4 ? "_group" : NULL;
  const char *dtype = xop_launch_dtype_index_name(d);
  if (slot < XOP_LAUNCH_SLOT_NORM_ARG)
    return xop_launch_name_set(name, reduce[slot / 8], group, dtype, NULL);
  if (slot < XOP_LAUNCH_SLOT_NORM_LOG_SOFTMAX)
    return xop_launch_name_set(name, arg[(slot - XOP_LAUNCH_SLOT_NORM_ARG) / 4], NULL, dtype, NULL);
  if (slot < XOP_LAUNCH_SLOT_NORM_END) {
    if (d >= 2) return 0; /* LogSoftmax and the normalisations: floats only */
    return xop_launch_name_set(name, slot < XOP_LAUNCH_SLOT_NORM_NORM ? "log_softmax" : "norm",
                               group, dtype, NULL);
  }
  const char *u8 = xop_dtype_name(XHAL_DTYPE_U8);
  if (slot >= XOP_LAUNCH_SLOT_NORM_U8_REDUCE && slot < XOP_LAUNCH_SLOT_NORM_U8_ARG) {
    if (d != 0) return 0; /* Max and Min, each plain and work-group */
    return xop_launch_name_set(name, reduce[(slot - XOP_LAUNCH_SLOT_NORM_U8_REDUCE) / 8], group, u8,
                               NULL);
  }
  if (slot >= XOP_LAUNCH_SLOT_NORM_U8_ARG && slot < XOP_LAUNCH_SLOT_NORM_U8_END)
    return xop_launch_name_set(name, arg[slot - XOP_LAUNCH_SLOT_NORM_U8_ARG], NULL, u8, NULL);
  return 0;
}

int xop_launch_kernel_name(xop_launch_program_t program, uint32_t slot, xop_launch_name_t *name) {
  *name = (xop_launch_name_t){NULL, NULL, NULL, NULL};
  const uint32_t d = slot % 4;
  const char *group = slot >= 4 ? "_group" : NULL;
  switch (program) {
    case XOP_LAUNCH_ELTWISE:
      return xop_launch_eltwise_name(slot, NULL, name);
    case XOP_LAUNCH_ELTWISE_DENSE:
      return xop_launch_eltwise_name(slot, "_dense", name);
    case XOP_LAUNCH_REDUCE: /* ReduceSum and ReduceMean */
      return slot < 8 &&
             xop_launch_name_set(name, "reduce", group, xop_launch_dtype_index_name(d), NULL);
    case XOP_LAUNCH_SOFTMAX:
      return slot < 8 && d < 2 &&
             xop_launch_name_set(name, "softmax", group, xop_launch_dtype_index_name(d), NULL);
    case XOP_LAUNCH_MATMUL:
      return slot < 4 &&
             xop_launch_name_set(name, "matmul", NULL, xop_launch_dtype_index_name(d), NULL);
    case XOP_LAUNCH_NORM:
      return xop_launch_norm_name(slot, name);
    default:
      return 0;
  }
}

/* The launch's kernel: its name is the catalogue's (a slot that holds no
 * kernel leaves the name empty, and xop_launch_plan refuses the plan). */
static void xop_launch_kernel(xop_launch_t *l, xop_launch_program_t program, uint32_t slot) {
  l->program = program;
  l->slot = slot;
  xop_launch_kernel_name(program, slot, &l->name);
}

/* ---- Elementwise: binary, unary, Copy/Transpose, Cast (eltwise.cl) ----------------------- */

void xop_launch_nd_make(const xop_plan_t *plan, const xop_dims_t *d, xop_launch_nd_t *s) {
  memset(s, 0, sizeof *s);
  s->rank = d->rank ? (int32_t)d->rank : 1;
  s->dims[0] = 1;
  for (uint32_t k = 0; k < d->rank; ++k) {
    s->dims[k] = d->dims[k];
    for (uint32_t o = 0; o < d->sets; ++o) s->strides[o][k] = d->strides[o][k];
  }
  s->offsets[0] = xop_launch_offset(&plan->out);
  for (uint32_t i = 0; i < plan->input_count; ++i)
    s->offsets[1 + i] = xop_launch_offset(&plan->in[i]);
  s->count = xop_dims_count(d);
}

/* 1 if d (xop_layout_eltwise) walks every operand of plan contiguously from
 * element 0 of its buffer: one dim of stride 1, or a single element. */
static int xop_launch_is_dense(const xop_plan_t *plan, const xop_dims_t *d) {
  if (xop_launch_offset(&plan->out)) return 0;
  for (uint32_t i = 0; i < plan->input_count; ++i)
    if (xop_launch_offset(&plan->in[i])) return 0;
  if (d->rank == 0) return 1;
  if (d->rank > 1) return 0;
  for (uint32_t o = 0; o < d->sets; ++o)
    if (d->strides[o][0] != 1) return 0;
  return 1;
}

/* Work-group size of a dense launch of count items: the power of two that
 * holds them, at most XOP_LAUNCH_LOCAL. PoCL compiles a kernel once per
 * work-group size, so the sizes are few (7); the driver's own choice for a
 * NULL local size follows the global size (1 for a prime count: a compile
 * per size and one item per group). */
static size_t xop_launch_dense_local(int64_t count) {
  size_t local = 1;
  while (local < XOP_LAUNCH_LOCAL && (int64_t)local < count) local *= 2;
  return local;
}

/* Kernel <base>_<suffix>[_<suffix2>] (slot) of eltwise.cl or, when the
 * dense program exists, every operand is dense from element 0 and
 * work-groups of xop_launch_dense_local cover the elements exactly (a
 * multiple of 64, or a power of two), its dense variant
 * <base>_dense_<suffix>...: the buffers and nothing else, like a
 * hand-written kernel, where the N-d kernel takes a 296-byte launch struct
 * (PoCL copies it per enqueue), divides the index per dim and pads a small
 * op to 64 items. bench_opencl_dispatch measures what this saves on small
 * ops. */
static void xop_launch_eltwise(const xop_plan_t *plan, const xop_launch_config_t *config,
                               uint32_t slot, xop_launch_t *l) {
  xop_dims_t d;
  xop_layout_eltwise(plan, &d);
  l->buffer_count = 1 + plan->input_count;
  l->buffers[0] = &plan->out;
  for (uint32_t i = 0; i < plan->input_count; ++i) l->buffers[1 + i] = &plan->in[i];
  const int64_t count = xop_dims_count(&d);
  const size_t dense_local = xop_launch_dense_local(count);
  if (config->dense && xop_launch_is_dense(plan, &d) && count % (int64_t)dense_local == 0) {
    xop_launch_kernel(l, XOP_LAUNCH_ELTWISE_DENSE, slot);
    l->data_size = 0;
    xop_launch_range(l, (size_t)count, dense_local);
    return;
  }
  xop_launch_kernel(l, XOP_LAUNCH_ELTWISE, slot);
  xop_launch_nd_make(plan, &d, &l->data.nd);
  l->data_size = sizeof l->data.nd;
  xop_launch_range(l, xop_launch_round_up((size_t)count, XOP_LAUNCH_LOCAL), XOP_LAUNCH_LOCAL);
}

/* Copy, Transpose, an identity Reduce and a Cast to the same dtype: a copy
 * of out's elements from in[0] (whatever else the plan holds). */
static void xop_launch_copy(const xop_plan_t *plan, const xop_launch_config_t *config,
                            xop_launch_t *l) {
  const uint64_t size = xop_dtype_size(plan->out.dtype);
  const uint32_t log2 = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
  if (plan->input_count == 1) {
    xop_launch_eltwise(plan, config, XOP_LAUNCH_SLOT_COPY + log2, l);
    return;
  }
  /* The layout of out and in[0] alone; the buffers are the caller's views
   * (the launch outlives this copy). */
  xop_plan_t copy;
  memcpy(&copy, plan, sizeof copy);
  copy.input_count = 1;
  xop_launch_eltwise(&copy, config, XOP_LAUNCH_SLOT_COPY + log2, l);
  l->buffers[0] = &plan->out;
  l->buffers[1] = &plan->in[0];
}

static int xop_launch_unary_index(uint32_t op) {
  for (int k = 0; k < 6; ++k)
    if (xop_launch_unary_ops[k] == op) return k;
  return -1;
}

/* ---- Rows: one output per work-item, or per work-group when long --------------------------- */

/* Kernel <base>[_group]_<dtype> of program: slot base_slot + dtype (+ 4 for
 * the work-group variant, whose groups of config->group items share a
 * row), over rows rows of len terms. */
static void xop_launch_rows(xop_launch_t *l, const xop_launch_config_t *config,
                            xop_launch_program_t program, uint32_t base_slot, uint32_t d,
                            int64_t rows, int64_t len) {
  if (xop_launch_use_group(rows, len)) {
    xop_launch_kernel(l, program, base_slot + 4 + d);
    xop_launch_range(l, (size_t)rows * config->group, config->group);
    return;
  }
  xop_launch_kernel(l, program, base_slot + d);
  xop_launch_range(l, xop_launch_round_up((size_t)rows, XOP_LAUNCH_LOCAL), XOP_LAUNCH_LOCAL);
}

/* ---- Reductions (reduce.cl; Max, Min, Prod in norm.cl) ------------------------------------- */

static void xop_launch_reduce(const xop_plan_t *plan, const xop_launch_config_t *config,
                              xop_launch_t *l) {
  if (!plan->axes) { /* noop_with_empty_axes, rank 0 */
    xop_launch_copy(plan, config, l);
    return;
  }
  xop_dims_t kept, reduced;
  xop_layout_reduce(plan, &kept, &reduced);
  xop_launch_reduce_t *s = &l->data.reduce;
  memset(s, 0, sizeof *s);
  s->krank = kept.rank ? (int32_t)kept.rank : 1;
  s->kdims[0] = 1;
  for (uint32_t k = 0; k < kept.rank; ++k) {
    s->kdims[k] = kept.dims[k];
    s->kstrides[0][k] = kept.strides[0][k];
    s->kstrides[1][k] = kept.strides[1][k];
  }
  s->rrank = reduced.rank ? (int32_t)reduced.rank : 1;
  s->rdims[0] = 1;
  for (uint32_t k = 0; k < reduced.rank; ++k) {
    s->rdims[k] = reduced.dims[k];
    s->rstrides[k] = reduced.strides[0][k];
  }
  s->offsets[0] = xop_launch_offset(&plan->out);
  s->offsets[1] = xop_launch_offset(&plan->in[0]);
  s->nout = xop_dims_count(&kept);
  s->len = xop_dims_count(&reduced);
  s->mean = plan->op == XHAL_OP_REDUCE_MEAN;
  l->buffer_count = 2;
  l->buffers[0] = &plan->out;
  l->buffers[1] = &plan->in[0];
  l->data_size = sizeof *s;

  xop_launch_program_t p = XOP_LAUNCH_REDUCE;
  uint32_t base = 0;
  if (plan->op == XHAL_OP_REDUCE_MAX || plan->op == XHAL_OP_REDUCE_MIN ||
      plan->op == XHAL_OP_REDUCE_PROD)
    p = XOP_LAUNCH_NORM, base = XOP_LAUNCH_SLOT_NORM_REDUCE + 8 * (plan->op - XHAL_OP_REDUCE_MAX);
  uint32_t d = xop_launch_dtype_index(plan->out.dtype);
  if (plan->out.dtype == XHAL_DTYPE_U8) /* Max, Min */
    base = XOP_LAUNCH_SLOT_NORM_U8_REDUCE + 8 * (plan->op - XHAL_OP_REDUCE_MAX), d = 0;
  xop_launch_rows(l, config, p, base, d, s->nout, s->len);
}

/* ---- Rows along the axis: Softmax (softmax.cl), LogSoftmax and ArgMax/ArgMin (norm.cl) ---- */

static void xop_launch_softmax_make(const xop_plan_t *plan, xop_launch_t *l) {
  const xop_view_t *x = &plan->in[0], *y = &plan->out;
  xop_dims_t outer;
  xop_layout_softmax(plan, &outer);
  xop_launch_softmax_t *s = &l->data.softmax;
  memset(s, 0, sizeof *s);
  s->orank = outer.rank ? (int32_t)outer.rank : 1;
  s->odims[0] = 1;
  for (uint32_t k = 0; k < outer.rank; ++k) {
    s->odims[k] = outer.dims[k];
    s->ostrides[0][k] = outer.strides[0][k];
    s->ostrides[1][k] = outer.strides[1][k];
  }
  s->offsets[0] = xop_launch_offset(y);
  s->offsets[1] = xop_launch_offset(x);
  s->rows = xop_dims_count(&outer);
  s->len = x->dims[plan->axis];
  s->ystride = y->strides[plan->axis];
  s->xstride = x->strides[plan->axis];
  l->buffer_count = 2;
  l->buffers[0] = y;
  l->buffers[1] = x;
  l->data_size = sizeof *s;
}

static void xop_launch_softmax(const xop_plan_t *plan, const xop_launch_config_t *config,
                               xop_launch_t *l) {
  xop_launch_softmax_make(plan, l);
  const int log_softmax = plan->op == XHAL_OP_LOG_SOFTMAX;
  xop_launch_rows(l, config, log_softmax ? XOP_LAUNCH_NORM : XOP_LAUNCH_SOFTMAX,
                  log_softmax ? XOP_LAUNCH_SLOT_NORM_LOG_SOFTMAX : 0,
                  xop_launch_dtype_index(plan->out.dtype), l->data.softmax.rows,
                  l->data.softmax.len);
}

/* ArgMax/ArgMin: one work-item per row. */
static void xop_launch_arg(const xop_plan_t *plan, xop_launch_t *l) {
  xop_launch_softmax_make(plan, l);
  const uint32_t variant = 2 * (plan->op == XHAL_OP_ARG_MIN) + (uint32_t)plan->select_last_index;
  const uint32_t dtype = plan->in[0].dtype;
  const uint32_t slot = dtype == XHAL_DTYPE_U8
                            ? XOP_LAUNCH_SLOT_NORM_U8_ARG + variant
                            : XOP_LAUNCH_SLOT_NORM_ARG + 4 * variant + xop_launch_dtype_index(dtype);
  xop_launch_kernel(l, XOP_LAUNCH_NORM, slot);
  xop_launch_range(l, xop_launch_round_up((size_t)l->data.softmax.rows, XOP_LAUNCH_LOCAL),
                   XOP_LAUNCH_LOCAL);
}

/* ---- MatMul and Gemm (matmul.cl) --------------------------------------------------------- */

static void xop_launch_matmul(const xop_plan_t *plan, const xop_launch_config_t *config,
                              xop_launch_t *l) {
  const xop_view_t *a = &plan->in[0], *b = &plan->in[1], *y = &plan->out;
  const xop_view_t *c = plan->input_count == 3 ? &plan->in[2] : NULL;
  const uint32_t r = plan->batch_rank;
  xop_dims_t batch;
  xop_layout_batch(plan, &batch);
  xop_launch_matmul_t *s = &l->data.matmul;
  memset(s, 0, sizeof *s);
  s->brank = (int32_t)batch.rank;
  for (uint32_t k = 0; k < batch.rank; ++k) {
    s->bdims[k] = batch.dims[k];
    for (uint32_t o = 0; o < 3; ++o) s->bstrides[o][k] = batch.strides[o][k];
  }
  s->offsets[0] = xop_launch_offset(y);
  s->offsets[1] = xop_launch_offset(a);
  s->offsets[2] = xop_launch_offset(b);
  s->m = plan->m, s->n = plan->n, s->k = plan->k;
  s->ys0 = y->strides[r], s->ys1 = y->strides[r + 1];
  s->as0 = a->strides[r], s->as1 = a->strides[r + 1];
  s->bs0 = b->strides[r], s->bs1 = b->strides[r + 1];
  const int is_gemm = plan->op == XHAL_OP_GEMM;
  const double alpha = is_gemm ? plan->alpha : 1.0, beta = is_gemm ? plan->beta : 0.0;
  /* ONNX ignores C when beta is 0 (so a NaN in C does not survive). */
  s->has_c = c && beta != 0.0;
  if (s->has_c) {
    s->offsets[3] = xop_launch_offset(c);
    s->cs0 = c->strides[0], s->cs1 = c->strides[1];
  }
  s->alpha = (float)alpha, s->beta = (float)beta;
  s->ialpha = (int64_t)alpha, s->ibeta = (int64_t)beta; /* integral for integer dtypes */

  /* Without C, A stands in for it (never read: has_c is 0). */
  l->buffer_count = 4;
  l->buffers[0] = y, l->buffers[1] = a, l->buffers[2] = b, l->buffers[3] = s->has_c ? c : a;
  l->data_size = sizeof *s;
  xop_launch_kernel(l, XOP_LAUNCH_MATMUL, xop_launch_dtype_index(y->dtype));
  /* A work-group of tile x tile work-items computes a block of
   * XOP_LAUNCH_MATMUL_REG * tile outputs on each side (kernels/matmul.cl). */
  const size_t tile = config->tile, block = XOP_LAUNCH_MATMUL_REG * tile;
  l->dims = 3;
  l->global[0] = xop_launch_round_up((size_t)s->n, block) / XOP_LAUNCH_MATMUL_REG;
  l->global[1] = xop_launch_round_up((size_t)s->m, block) / XOP_LAUNCH_MATMUL_REG;
  l->global[2] = (size_t)xop_dims_count(&batch);
  l->local[0] = tile, l->local[1] = tile, l->local[2] = 1;
}

/* ---- The plan's op ----------------------------------------------------------------------- */

static int xop_launch_plan_op(const xop_plan_t *plan, const xop_launch_config_t *config,
                              xop_launch_t *out) {
  const uint32_t d = xop_launch_dtype_index(plan->out.dtype);
  switch (plan->op) {
    case XHAL_OP_COPY:
    case XHAL_OP_TRANSPOSE:
      xop_launch_copy(plan, config, out);
      return 1;
    case XHAL_OP_CAST: {
      const uint32_t from = plan->in[0].dtype, to = plan->out.dtype;
      if (from == to) {
        xop_launch_copy(plan, config, out);
      } else {
        xop_launch_eltwise(
            plan, config,
            XOP_LAUNCH_SLOT_CAST + 4 * xop_launch_dtype_index(from) + xop_launch_dtype_index(to),
            out);
      }
      return 1;
    }
    case XHAL_OP_ADD:
    case XHAL_OP_SUB:
    case XHAL_OP_MUL:
    case XHAL_OP_DIV: {
      const uint32_t op = plan->op - XHAL_OP_ADD;
      xop_launch_eltwise(plan, config, XOP_LAUNCH_SLOT_BINARY + 4 * op + d, out);
      return 1;
    }
    case XHAL_OP_MATMUL:
    case XHAL_OP_GEMM:
      xop_launch_matmul(plan, config, out);
      return 1;
    case XHAL_OP_SOFTMAX:
    case XHAL_OP_LOG_SOFTMAX:
      xop_launch_softmax(plan, config, out);
      return 1;
    case XHAL_OP_REDUCE_SUM:
    case XHAL_OP_REDUCE_MEAN:
    case XHAL_OP_REDUCE_MAX:
    case XHAL_OP_REDUCE_MIN:
    case XHAL_OP_REDUCE_PROD:
      xop_launch_reduce(plan, config, out);
      return 1;
    case XHAL_OP_ARG_MAX:
    case XHAL_OP_ARG_MIN:
      xop_launch_arg(plan, out);
      return 1;
    default: {
      const int op = xop_launch_unary_index(plan->op);
      if (op < 0) return 0;
      xop_launch_eltwise(plan, config, XOP_LAUNCH_SLOT_UNARY + 4 * (uint32_t)op + d, out);
      return 1;
    }
  }
}

int xop_launch_plan(const xop_plan_t *plan, const xop_launch_config_t *config, xop_launch_t *out) {
  return xop_launch_plan_op(plan, config, out) && out->name.base != NULL;
}

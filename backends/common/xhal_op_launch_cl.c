/* xhal_op_launch_cl.c - the launch planner of the model operators' OpenCL C
 * kernel programs (xhal_op_launch_cl.h), the one of the OpenCL and CUDA
 * backends; the helpers are xhal_op_launch.h's. */
#include "xhal_op_launch_cl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xhal_op_check_gather.h"
#include "xhal_op_check_shape.h"
#include "xhal_op_layout.h"

static_assert(XOP_MAX_SETS == 9 && XOP_MAX_INPUTS == 8, "ocl_ndx_t holds 1 + 8 operands");

#define xop_cl_offset xop_launch_offset
#define xop_cl_dtype_index xop_launch_dtype_index

static uint32_t xop_cl_log2(uint64_t size) {
  return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
}

#define xop_cl_sizes xop_launch_sizes

/* The launch's kernel: its name is the catalogue's (xop_cl_kernel_name; a
 * slot that holds no kernel leaves the name empty, and xop_cl_launch_plan
 * refuses the plan). */
static void xop_cl_kernel(xop_cl_launch_t *l, xop_cl_program_t program, uint32_t slot) {
  l->program = program;
  l->slot = slot;
  xop_cl_kernel_name(program, slot, &l->name);
}

static void xop_cl_buffer(xop_cl_launch_t *l, const xop_view_t *view) {
  l->args[l->arg_count++] = (xop_cl_arg_t){XOP_CL_ARG_BUFFER, 0, view, NULL};
}

static void xop_cl_value(xop_cl_launch_t *l, const void *value, size_t size) {
  l->args[l->arg_count++] = (xop_cl_arg_t){XOP_CL_ARG_VALUE, (uint32_t)size, NULL, value};
}

/* One work-item per item, groups of XOP_LAUNCH_LOCAL. */
static void xop_cl_items(xop_cl_launch_t *l, int64_t items) {
  l->local = XOP_LAUNCH_LOCAL;
  l->global = xop_launch_round_up((size_t)items, XOP_LAUNCH_LOCAL);
}

/* The plan's output and its first `inputs` (<= 2) inputs walked together
 * (xop_layout_eltwise), as an ocl_nd_t. */
static void xop_cl_nd_make(const xop_plan_t *plan, uint32_t inputs, xop_launch_nd_t *s) {
  xop_plan_t p = *plan;
  p.input_count = inputs;
  xop_dims_t d;
  xop_layout_eltwise(&p, &d);
  xop_launch_nd_make(&p, &d, s);
}

/* ---- unary.cl ------------------------------------------------------------------------------ */

/* In slot order (slot 4 * index + dtype index); i32/i64 have Sign and Clip. */
static const uint32_t xop_cl_um_ops[15] = {
    XHAL_OP_SQRT,       XHAL_OP_RECIPROCAL,   XHAL_OP_LOG,        XHAL_OP_FLOOR,
    XHAL_OP_CEIL,       XHAL_OP_ROUND,        XHAL_OP_SIGN,       XHAL_OP_ERF,
    XHAL_OP_LEAKY_RELU, XHAL_OP_HARD_SIGMOID, XHAL_OP_HARD_SWISH, XHAL_OP_ELU,
    XHAL_OP_SOFTPLUS,   XHAL_OP_GELU,         XHAL_OP_CLIP};
static const char *const xop_cl_um_names[15] = {
    "sqrt",       "reciprocal",   "log",        "floor", "ceil",     "round", "sign", "erf",
    "leaky_relu", "hard_sigmoid", "hard_swish", "elu",   "softplus", "gelu",  "clip"};
static_assert(4 * 15 + 2 <= XOP_CL_MAX_SLOTS, "unary.cl kernel slots");

static int xop_cl_um_index(uint32_t op) {
  for (int k = 0; k < 15; ++k)
    if (xop_cl_um_ops[k] == op) return k;
  return -1;
}

static void xop_cl_unary_math(const xop_plan_t *plan, int index, xop_cl_launch_t *l) {
  xop_cl_nd_make(plan, 1, &l->data.nd);
  xop_cl_unary_t *p = &l->data2.unary;
  memset(p, 0, sizeof *p);
  p->ilo = plan->clip_imin, p->ihi = plan->clip_imax;
  p->alpha = (float)plan->alpha, p->beta = (float)plan->beta;
  p->lo = (float)plan->clip_min, p->hi = (float)plan->clip_max;
  p->gelu_tanh = plan->gelu_tanh;
  xop_cl_buffer(l, &plan->out);
  xop_cl_buffer(l, &plan->in[0]);
  xop_cl_value(l, &l->data.nd, sizeof l->data.nd);
  xop_cl_value(l, p, sizeof *p);
  uint32_t slot = 4 * (uint32_t)index + xop_cl_dtype_index(plan->out.dtype);
  if (plan->out.dtype == XHAL_DTYPE_U8) /* Sign, Clip: after the 4 x 15 */
    slot = 4 * 15 + (plan->op == XHAL_OP_CLIP);
  xop_cl_kernel(l, XOP_CL_UNARY, slot);
  xop_cl_items(l, l->data.nd.count);
}

/* ---- norm.cl: normalisations -------------------------------------------------------------- */

/* BatchNormalization, LayerNormalization, InstanceNormalization: rows over
 * the dims outside plan->norm_axes. */
static void xop_cl_norm(const xop_plan_t *plan, uint32_t group, xop_cl_launch_t *l) {
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
  xop_cl_norm_t *s = &l->data.norm;
  memset(s, 0, sizeof *s);
  s->rows = 1, s->len = 1;
  for (uint32_t k = 0; k < x->rank; ++k) {
    if (plan->norm_axes & (1u << k)) {
      s->idims[s->irank] = x->dims[k];
      for (int i = 0; i < 4; ++i) s->istrides[i][s->irank] = t[i]->strides[k];
      s->len *= x->dims[k];
      s->irank++;
    } else {
      s->odims[s->orank] = x->dims[k];
      for (int i = 0; i < 6; ++i) s->ostrides[i][s->orank] = t[i]->strides[k];
      s->rows *= x->dims[k];
      s->orank++;
    }
  }
  if (!s->irank) s->idims[s->irank++] = 1;
  if (!s->orank) s->odims[s->orank++] = 1;
  for (int i = 0; i < 6; ++i) s->offsets[i] = xop_cl_offset(t[i]);
  s->epsilon = (float)plan->epsilon;
  /* OCL_NORM_BIAS, OCL_NORM_GIVEN, OCL_NORM_MEAN_OUT, OCL_NORM_INV_OUT */
  s->flags = (has_bias ? 1 : 0) | (given ? 2 : 0) | (stats > 0 ? 4 : 0) | (stats > 1 ? 8 : 0);
  for (int i = 0; i < 6; ++i) xop_cl_buffer(l, t[i]);
  xop_cl_buffer(l, mean_out);
  xop_cl_buffer(l, inv_out);
  xop_cl_value(l, s, sizeof *s);
  const int use_group = xop_launch_use_group(s->rows, s->len);
  xop_cl_kernel(l, XOP_CL_NORM,
                XOP_LAUNCH_SLOT_NORM_NORM + (use_group ? 4 : 0) + xop_cl_dtype_index(y->dtype));
  if (use_group) {
    l->local = group;
    l->global = (size_t)s->rows * group;
  } else {
    xop_cl_items(l, s->rows);
  }
}

/* ---- conv.cl ------------------------------------------------------------------------------- */

/* On 3 spatial dims (fewer are padded at the front with unit dims). */
static void xop_cl_conv_make(const xop_plan_t *plan, xop_cl_conv_t *s) {
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
  s->offsets[0] = xop_cl_offset(y);
  s->offsets[1] = xop_cl_offset(x);
  if (plan->input_count > 1) s->offsets[2] = xop_cl_offset(&plan->in[1]);
  s->has_b = plan->input_count > 2;
  if (s->has_b) s->offsets[3] = xop_cl_offset(&plan->in[2]), s->bs = plan->in[2].strides[0];
  s->m = y->dims[1];
  s->cg = x->dims[1] / (g->group ? g->group : 1);
  s->mg = y->dims[1] / (g->group ? g->group : 1);
  s->count = (int64_t)xop_view_count(y);
  const int is_max = plan->op == XHAL_OP_MAX_POOL || plan->op == XHAL_OP_GLOBAL_MAX_POOL;
  s->mode = is_max ? 0 : g->count_include_pad ? 2 : 1;
}

/* Slots: 3 * dtype index + (0 conv, 1 transpose, 2 pool); MaxPool with
 * Indices 6 + dtype index; MaxPool on u8 8, with Indices 9. */
static void xop_cl_conv(const xop_plan_t *plan, xop_cl_launch_t *l) {
  xop_cl_conv_t *s = &l->data.conv;
  xop_cl_conv_make(plan, s);
  const uint32_t d = xop_cl_dtype_index(plan->out.dtype);
  xop_cl_items(l, s->count);
  xop_cl_buffer(l, &plan->out);
  xop_cl_buffer(l, &plan->in[0]);
  if (plan->op == XHAL_OP_CONV || plan->op == XHAL_OP_CONV_TRANSPOSE) {
    const int transpose = plan->op == XHAL_OP_CONV_TRANSPOSE;
    xop_cl_buffer(l, &plan->in[1]);
    /* Without a bias, x stands in for b (never read: has_b is 0). */
    xop_cl_buffer(l, s->has_b ? &plan->in[2] : &plan->in[0]);
    xop_cl_value(l, s, sizeof *s);
    xop_cl_kernel(l, XOP_CL_CONV, 3 * d + (uint32_t)transpose);
    return;
  }
  if (plan->op == XHAL_OP_MAX_POOL && plan->output_count == 2) {
    /* Indices: strides on the padded spatial dims like xop_cl_conv_make's. */
    const xop_view_t *iv = &plan->outs[1];
    const uint32_t lead = 3 - plan->conv.spatial;
    xop_cl_pool_indices_t *q = &l->data2.indices;
    memset(q, 0, sizeof *q);
    q->is[0] = iv->strides[0], q->is[1] = iv->strides[1];
    for (uint32_t j = 0; j < plan->conv.spatial; ++j) q->is[2 + lead + j] = iv->strides[2 + j];
    q->offset = xop_cl_offset(iv);
    q->order = plan->conv.storage_order;
    xop_cl_buffer(l, iv);
    xop_cl_value(l, s, sizeof *s);
    xop_cl_value(l, q, sizeof *q);
    xop_cl_kernel(l, XOP_CL_CONV, plan->out.dtype == XHAL_DTYPE_U8 ? 9 : 6 + d);
    return;
  }
  xop_cl_value(l, s, sizeof *s);
  xop_cl_kernel(l, XOP_CL_CONV, plan->out.dtype == XHAL_DTYPE_U8 ? 8 : 3 * d + 2);
}

/* ---- binary.cl ----------------------------------------------------------------------------- */

/* Every kernel of binary.cl and binary_fp64.cl (Pow with an integer base
 * and a float exponent: xop_cl_launch_fp64) as (program, base, suffix,
 * suffix2); its index is its slot. */
typedef struct xop_cl_bin_kernel {
  xop_cl_program_t program;
  const char *base, *suffix, *suffix2;
} xop_cl_bin_kernel_t;

// clang-format off
#define BIN(base, suffix, suffix2) {XOP_CL_BINARY, base, suffix, suffix2}
#define FP64(base, suffix, suffix2) {XOP_CL_BINARY_FP64, base, suffix, suffix2}
static const xop_cl_bin_kernel_t xop_cl_bin_kernels[] = {
    BIN("equal", "f32", NULL),       BIN("less", "f32", NULL),       BIN("greater", "f32", NULL),
    BIN("less_equal", "f32", NULL),  BIN("greater_equal", "f32", NULL),
    BIN("equal", "f16", NULL),       BIN("less", "f16", NULL),       BIN("greater", "f16", NULL),
    BIN("less_equal", "f16", NULL),  BIN("greater_equal", "f16", NULL),
    BIN("equal", "i32", NULL),       BIN("less", "i32", NULL),       BIN("greater", "i32", NULL),
    BIN("less_equal", "i32", NULL),  BIN("greater_equal", "i32", NULL),
    BIN("equal", "i64", NULL),       BIN("less", "i64", NULL),       BIN("greater", "i64", NULL),
    BIN("less_equal", "i64", NULL),  BIN("greater_equal", "i64", NULL),
    BIN("equal", "u8", NULL),        BIN("less", "u8", NULL),        BIN("greater", "u8", NULL),
    BIN("less_equal", "u8", NULL),   BIN("greater_equal", "u8", NULL),
    BIN("equal", "bool", NULL),      BIN("and", "bool", NULL),       BIN("or", "bool", NULL),
    BIN("not", "bool", NULL),
    BIN("prelu", "f32", NULL),       BIN("prelu", "f16", NULL),      BIN("prelu", "i32", NULL),
    BIN("prelu", "i64", NULL),
    BIN("add", "u8", NULL),          BIN("sub", "u8", NULL),         BIN("mul", "u8", NULL),
    BIN("div", "u8", NULL),          BIN("abs", "u8", NULL),
    BIN("pow", "f32", "f32"),        BIN("pow", "f32", "f16"),       BIN("pow", "f32", "i32"),
    BIN("pow", "f32", "i64"),        BIN("pow", "f16", "f32"),       BIN("pow", "f16", "f16"),
    BIN("pow", "f16", "i32"),        BIN("pow", "f16", "i64"),       BIN("pow", "i32", "i32"),
    BIN("pow", "i32", "i64"),        BIN("pow", "i64", "i32"),       BIN("pow", "i64", "i64"),
    BIN("pow", "f32", "u8"),         BIN("pow", "f16", "u8"),        BIN("pow", "i32", "u8"),
    BIN("pow", "i64", "u8"),
    FP64("pow", "i32", "f32"),       FP64("pow", "i32", "f16"),      FP64("pow", "i64", "f32"),
    FP64("pow", "i64", "f16"),
    BIN("cast", "f32", "bool"),      BIN("cast", "f16", "bool"),     BIN("cast", "i32", "bool"),
    BIN("cast", "i64", "bool"),      BIN("cast", "u8", "bool"),      BIN("cast", "f32", "u8"),
    BIN("cast", "f16", "u8"),        BIN("cast", "i32", "u8"),       BIN("cast", "i64", "u8"),
    BIN("cast", "bool", "u8"),       BIN("cast", "u8", "f32"),       BIN("cast", "u8", "f16"),
    BIN("cast", "u8", "i32"),        BIN("cast", "u8", "i64"),       BIN("cast", "bool", "f32"),
    BIN("cast", "bool", "f16"),      BIN("cast", "bool", "i32"),     BIN("cast", "bool", "i64"),
    BIN("where", "1", NULL),         BIN("where", "2", NULL),        BIN("where", "4", NULL),
    BIN("where", "8", NULL),         BIN("where", "bool", NULL),
    BIN("min", "f32", NULL),         BIN("max", "f32", NULL),        BIN("min", "f16", NULL),
    BIN("max", "f16", NULL),         BIN("min", "i32", NULL),        BIN("max", "i32", NULL),
    BIN("min", "i64", NULL),         BIN("max", "i64", NULL),        BIN("min", "u8", NULL),
    BIN("max", "u8", NULL),
};
#undef BIN
#undef FP64
// clang-format on
#define XOP_CL_BIN_KERNELS (sizeof xop_cl_bin_kernels / sizeof *xop_cl_bin_kernels)
static_assert(XOP_CL_BIN_KERNELS <= XOP_CL_MAX_SLOTS, "binary.cl kernel slots");

static int xop_cl_binary_owns(const xop_plan_t *plan) {
  return xop_binary_group_owns(plan->op, plan->in[0].dtype, plan->out.dtype);
}

/* Pow with an integer base and a float exponent: binary_fp64.cl. */
int xop_cl_launch_fp64(const xop_plan_t *plan) {
  const uint32_t base = plan->in[0].dtype, exponent = plan->in[1].dtype;
  return plan->op == XHAL_OP_POW && (base == XHAL_DTYPE_I32 || base == XHAL_DTYPE_I64) &&
         (exponent == XHAL_DTYPE_F32 || exponent == XHAL_DTYPE_F16);
}

/* The kernel's name parts for the plan. */
static void xop_cl_bin_name(const xop_plan_t *plan, const char **base, const char **suffix,
                            const char **suffix2) {
  static const char *const compare[5] = {"equal", "less", "greater", "less_equal",
                                         "greater_equal"};
  *suffix = xop_dtype_name(plan->in[0].dtype);
  *suffix2 = NULL;
  switch (plan->op) {
    case XHAL_OP_EQUAL:
    case XHAL_OP_LESS:
    case XHAL_OP_GREATER:
    case XHAL_OP_LESS_OR_EQUAL:
    case XHAL_OP_GREATER_OR_EQUAL:
      *base = compare[plan->op - XHAL_OP_EQUAL];
      break;
    case XHAL_OP_POW:
      *base = "pow", *suffix2 = xop_dtype_name(plan->in[1].dtype);
      break;
    case XHAL_OP_CAST:
      *base = "cast", *suffix2 = xop_dtype_name(plan->out.dtype);
      break;
    case XHAL_OP_WHERE:
      *base = "where";
      *suffix = plan->out.dtype == XHAL_DTYPE_BOOL
                    ? "bool"
                    : xop_cl_sizes[xop_cl_log2(xop_dtype_size(plan->out.dtype))];
      break;
    default:
      *base = plan->op == XHAL_OP_MIN     ? "min"
              : plan->op == XHAL_OP_MAX   ? "max"
              : plan->op == XHAL_OP_PRELU ? "prelu"
              : plan->op == XHAL_OP_NOT   ? "not"
              : plan->op == XHAL_OP_AND   ? "and"
              : plan->op == XHAL_OP_OR    ? "or"
              : plan->op == XHAL_OP_ADD   ? "add"
              : plan->op == XHAL_OP_SUB   ? "sub"
              : plan->op == XHAL_OP_MUL   ? "mul"
              : plan->op == XHAL_OP_DIV   ? "div"
                                          : "abs";
      break;
  }
}

static int xop_cl_same(const char *a, const char *b) {
  return a == b || (a && b && strcmp(a, b) == 0);
}

/* The elementwise layout of every operand: rank (>= 1), dims, strides. */
static int64_t xop_cl_bin_layout(const xop_plan_t *plan, int32_t *rank, int64_t *dims,
                                 int64_t (*strides)[XOP_CL_MAX_RANK], int64_t *offsets) {
  xop_dims_t d;
  xop_layout_eltwise(plan, &d);
  *rank = d.rank ? (int32_t)d.rank : 1;
  dims[0] = 1;
  for (uint32_t k = 0; k < d.rank; ++k) {
    dims[k] = d.dims[k];
    for (uint32_t o = 0; o < d.sets; ++o) strides[o][k] = d.strides[o][k];
  }
  offsets[0] = xop_cl_offset(&plan->out);
  for (uint32_t i = 0; i < plan->input_count; ++i) offsets[1 + i] = xop_cl_offset(&plan->in[i]);
  return xop_dims_count(&d);
}

/* Ops with one or two inputs walk an ocl_nd_t; Where and Min/Max an
 * ocl_ndx_t with a stride set per operand (a Min/Max kernel always takes 8
 * input buffers; unused ones repeat input 0 and are never read). */
static int xop_cl_binary(const xop_plan_t *plan, xop_cl_launch_t *l) {
  const char *base, *suffix, *suffix2;
  xop_cl_bin_name(plan, &base, &suffix, &suffix2);
  uint32_t slot = 0;
  while (slot < XOP_CL_BIN_KERNELS && !(xop_cl_same(xop_cl_bin_kernels[slot].base, base) &&
                                        xop_cl_same(xop_cl_bin_kernels[slot].suffix, suffix) &&
                                        xop_cl_same(xop_cl_bin_kernels[slot].suffix2, suffix2)))
    ++slot;
  if (slot == XOP_CL_BIN_KERNELS) return 0;
  xop_cl_kernel(l, xop_cl_bin_kernels[slot].program, slot);
  xop_cl_buffer(l, &plan->out);
  const int wide = plan->op == XHAL_OP_WHERE || plan->op == XHAL_OP_MIN || plan->op == XHAL_OP_MAX;
  int64_t count;
  if (wide) {
    xop_cl_ndx_t *s = &l->data.ndx;
    memset(s, 0, sizeof *s);
    count = xop_cl_bin_layout(plan, &s->rank, s->dims, s->strides, s->offsets);
    s->count = count;
    s->nin = (int32_t)plan->input_count;
    const uint32_t buffers = plan->op == XHAL_OP_WHERE ? 3 : XOP_MAX_INPUTS;
    for (uint32_t i = 0; i < buffers; ++i)
      xop_cl_buffer(l, &plan->in[i < plan->input_count ? i : 0]);
    xop_cl_value(l, s, sizeof *s);
  } else {
    xop_launch_nd_t *s = &l->data.nd;
    memset(s, 0, sizeof *s);
    count = xop_cl_bin_layout(plan, &s->rank, s->dims, s->strides, s->offsets);
    s->count = count;
    for (uint32_t i = 0; i < plan->input_count; ++i) xop_cl_buffer(l, &plan->in[i]);
    xop_cl_value(l, s, sizeof *s);
  }
  xop_cl_items(l, count);
  return 1;
}

/* ---- gather.cl, resize.cl ------------------------------------------------------------------ */

/* Slots of gather.cl. */
enum {
  XOP_CL_SLOT_GATHER = 0, /* + 4 * wide + log2(size): 8 */
  XOP_CL_SLOT_PAD = 8,    /* + log2(size) */
  XOP_CL_SLOT_FILL = 12,  /* + log2(size) */
  XOP_CL_SLOT_RANGE = 16, /* f32, i32, i64 */
  XOP_CL_SLOT_SHAPE = 19,
};

static void xop_cl_gather(const xop_plan_t *plan, xop_cl_launch_t *l) {
  xop_cl_gather_t *s = &l->data.gather;
  xop_cl_nd_make(plan, 2, &s->nd);
  s->extent = plan->gather.extent;
  s->stride = plan->gather.stride;
  const uint32_t log2 = xop_cl_log2(xop_dtype_size(plan->out.dtype));
  const int wide = plan->in[1].dtype == XHAL_DTYPE_I64;
  xop_cl_buffer(l, &plan->out);
  xop_cl_buffer(l, &plan->in[0]);
  xop_cl_buffer(l, &plan->in[1]);
  xop_cl_value(l, s, sizeof *s);
  xop_cl_kernel(l, XOP_CL_GATHER, XOP_CL_SLOT_GATHER + 4 * (uint32_t)wide + log2);
  xop_cl_items(l, s->nd.count);
}

static void xop_cl_pad(const xop_plan_t *plan, xop_cl_launch_t *l) {
  const xop_view_t *x = &plan->in[0], *y = &plan->out;
  xop_cl_pad_t *s = &l->data.pad;
  memset(s, 0, sizeof *s);
  s->rank = (int32_t)y->rank;
  s->count = (int64_t)xop_view_count(y);
  for (uint32_t k = 0; k < y->rank; ++k) {
    s->dims[k] = y->dims[k], s->ystrides[k] = y->strides[k];
    s->xdims[k] = x->dims[k], s->xstrides[k] = x->strides[k];
    s->begin[k] = plan->gather.begin[k];
  }
  s->offsets[0] = xop_cl_offset(y);
  s->offsets[1] = xop_cl_offset(x);
  s->mode = (int32_t)plan->gather.pad_mode;
  s->bits = (int64_t)xop_gather_value_bits(y->dtype, plan->gather.value, plan->gather.ivalue);
  const uint32_t log2 = xop_cl_log2(xop_dtype_size(y->dtype));
  xop_cl_buffer(l, y);
  xop_cl_buffer(l, x);
  xop_cl_value(l, s, sizeof *s);
  xop_cl_kernel(l, XOP_CL_GATHER, XOP_CL_SLOT_PAD + log2);
  xop_cl_items(l, s->count);
}

static void xop_cl_fill(const xop_plan_t *plan, xop_cl_launch_t *l) {
  xop_cl_nd_make(plan, 0, &l->data.nd);
  l->data2.bits =
      (int64_t)xop_gather_value_bits(plan->out.dtype, plan->gather.value, plan->gather.ivalue);
  const uint32_t log2 = xop_cl_log2(xop_dtype_size(plan->out.dtype));
  xop_cl_buffer(l, &plan->out);
  xop_cl_value(l, &l->data.nd, sizeof l->data.nd);
  xop_cl_value(l, &l->data2.bits, sizeof l->data2.bits);
  xop_cl_kernel(l, XOP_CL_GATHER, XOP_CL_SLOT_FILL + log2);
  xop_cl_items(l, l->data.nd.count);
}

static void xop_cl_shape(const xop_plan_t *plan, xop_cl_launch_t *l) {
  xop_cl_shape_t *s = &l->data.shape;
  memset(s, 0, sizeof *s);
  s->count = plan->out.dims[0];
  for (int64_t i = 0; i < s->count; ++i) s->values[i] = plan->in[0].dims[plan->gather.start + i];
  s->offset = xop_cl_offset(&plan->out);
  s->stride = plan->out.strides[0];
  xop_cl_buffer(l, &plan->out);
  xop_cl_value(l, s, sizeof *s);
  xop_cl_kernel(l, XOP_CL_GATHER, XOP_CL_SLOT_SHAPE);
  xop_cl_items(l, s->count);
}

static void xop_cl_range(const xop_plan_t *plan, xop_cl_launch_t *l) {
  xop_cl_range_t *s = &l->data.range;
  s->offsets[0] = xop_cl_offset(&plan->out);
  s->offsets[1] = xop_cl_offset(&plan->in[0]);
  s->offsets[2] = xop_cl_offset(&plan->in[2]);
  s->ystride = plan->out.strides[0];
  s->count = plan->out.dims[0];
  const uint32_t dtype = plan->out.dtype;
  const uint32_t d = dtype == XHAL_DTYPE_F32 ? 0 : dtype == XHAL_DTYPE_I32 ? 1 : 2;
  xop_cl_buffer(l, &plan->out);
  xop_cl_buffer(l, &plan->in[0]);
  xop_cl_buffer(l, &plan->in[2]);
  xop_cl_value(l, s, sizeof *s);
  xop_cl_kernel(l, XOP_CL_GATHER, XOP_CL_SLOT_RANGE + d);
  xop_cl_items(l, s->count);
}

/* The tap tables (index as int64, weight as f32 per output coordinate of
 * each dim, xop_resize_table) go in two TABLE arguments. */
static int32_t xop_cl_resize(const xop_plan_t *plan, xop_cl_launch_t *l, char *message,
                             size_t message_size) {
  const xop_view_t *x = &plan->in[0], *y = &plan->out;
  xop_cl_resize_t *s = &l->data.resize;
  memset(s, 0, sizeof *s);
  s->rank = (int32_t)y->rank;
  s->count = (int64_t)xop_view_count(y);
  s->offsets[0] = xop_cl_offset(y);
  s->offsets[1] = xop_cl_offset(x);
  s->extrapolation = (float)plan->gather.extrapolation;
  size_t room = 1;
  for (uint32_t k = 0; k < y->rank; ++k) room += 4 * (size_t)y->dims[k];
  /* index[room], scratch[room] for one dim's indices, then weight[room]
   * (the int64 arrays first, so each is aligned) */
  char *tables = malloc(room * (2 * sizeof(int64_t) + sizeof(float)));
  if (!tables) {
    snprintf(message, message_size, "Resize: tap tables of %zu entries", room);
    return XHAL_STATUS_OUT_OF_MEMORY;
  }
  int64_t *index = (int64_t *)tables;
  int64_t *scratch = (int64_t *)(tables + room * sizeof(int64_t));
  float *weight = (float *)(tables + 2 * room * sizeof(int64_t));
  size_t used = 0;
  for (uint32_t k = 0; k < y->rank; ++k) {
    s->dims[k] = y->dims[k], s->ystrides[k] = y->strides[k], s->xstrides[k] = x->strides[k];
    s->table[k] = (int64_t)used;
    s->taps[k] = xop_resize_table(&plan->gather, y->rank, k, x->dims[k], y->dims[k], scratch,
                                  weight + used);
    for (int64_t i = 0; i < y->dims[k] * s->taps[k]; ++i) index[used + (size_t)i] = scratch[i];
    used += (size_t)(y->dims[k] * s->taps[k]);
  }
  if (!used) index[0] = 0, weight[0] = 0.0f, used = 1;
  l->tables = tables;
  s->bits = (int64_t)xop_resize_extrapolation_bits(y->dtype, plan->gather.extrapolation);
  xop_cl_buffer(l, y);
  xop_cl_buffer(l, x);
  l->args[l->arg_count++] =
      (xop_cl_arg_t){XOP_CL_ARG_TABLE, (uint32_t)(used * sizeof *index), NULL, index};
  if (plan->gather.resize_mode == XOP_RESIZE_NEAREST) {
    /* Slots 5 + log2(element size): resize_nearest_<bytes> copies elements. */
    const uint64_t size = xop_dtype_size(y->dtype);
    xop_cl_value(l, s, sizeof *s);
    xop_cl_kernel(l, XOP_CL_RESIZE, 5 + xop_cl_log2(size));
  } else {
    /* Slots 0..4: resize_<f32|f16|i32|i64|u8> interpolate. */
    l->args[l->arg_count++] =
        (xop_cl_arg_t){XOP_CL_ARG_TABLE, (uint32_t)(used * sizeof *weight), NULL, weight};
    xop_cl_value(l, s, sizeof *s);
    const uint32_t dtype = y->dtype;
    const uint32_t slot = dtype == XHAL_DTYPE_F16   ? 1
                          : dtype == XHAL_DTYPE_I32 ? 2
                          : dtype == XHAL_DTYPE_I64 ? 3
                          : dtype == XHAL_DTYPE_U8  ? 4
                                                    : 0;
    xop_cl_kernel(l, XOP_CL_RESIZE, slot);
  }
  xop_cl_items(l, s->count);
  return XHAL_STATUS_OK;
}

/* ---- the kernels, by program and slot --------------------------------------------------- */

/* This planner's names have no variant. */
#define xop_cl_name_set(name, base, suffix, suffix2) \
  xop_launch_name_set(name, base, NULL, suffix, suffix2)

/* conv.cl: 3 * dtype index + (0 conv, 1 transpose, 2 pool) on f32 and f16;
 * MaxPool with Indices 6 + dtype index; on u8 MaxPool 8, with Indices 9. */
static int xop_cl_conv_name(uint32_t slot, xop_launch_name_t *name) {
  static const char *const kinds[3] = {"conv", "conv_transpose", "pool"};
  const char *u8 = xop_dtype_name(XHAL_DTYPE_U8);
  if (slot < 6)
    return xop_cl_name_set(name, kinds[slot % 3], xop_launch_dtype_index_name(slot / 3), NULL);
  if (slot < 8)
    return xop_cl_name_set(name, "max_pool_indices", xop_launch_dtype_index_name(slot - 6), NULL);
  if (slot == 8) return xop_cl_name_set(name, "pool", u8, NULL);
  if (slot == 9) return xop_cl_name_set(name, "max_pool_indices", u8, NULL);
  return 0;
}

/* unary.cl: 4 * index + dtype index, floats for all, i32/i64 for Sign and
 * Clip; on u8 Sign 60 and Clip 61. */
static int xop_cl_unary_name(uint32_t slot, xop_launch_name_t *name) {
  const uint32_t index = slot / 4, d = slot % 4;
  const int integer_ok =
      xop_cl_um_ops[index % 15] == XHAL_OP_SIGN || xop_cl_um_ops[index % 15] == XHAL_OP_CLIP;
  if (slot < 4 * 15 && (d < 2 || integer_ok))
    return xop_cl_name_set(name, xop_cl_um_names[index], xop_launch_dtype_index_name(d), NULL);
  if (slot == 4 * 15 || slot == 4 * 15 + 1)
    return xop_cl_name_set(name, slot == 4 * 15 ? "sign" : "clip", xop_dtype_name(XHAL_DTYPE_U8),
                           NULL);
  return 0;
}

/* gather.cl: XOP_CL_SLOT_*. */
static int xop_cl_gather_name(uint32_t slot, xop_launch_name_t *name) {
  static const uint32_t range_dtypes[3] = {XHAL_DTYPE_F32, XHAL_DTYPE_I32, XHAL_DTYPE_I64};
  if (slot < XOP_CL_SLOT_PAD)
    return xop_cl_name_set(
        name, "gather", xop_cl_sizes[slot % 4],
        slot >= 4 ? xop_dtype_name(XHAL_DTYPE_I64) : xop_dtype_name(XHAL_DTYPE_I32));
  if (slot < XOP_CL_SLOT_FILL)
    return xop_cl_name_set(name, "pad", xop_cl_sizes[slot - XOP_CL_SLOT_PAD], NULL);
  if (slot < XOP_CL_SLOT_RANGE)
    return xop_cl_name_set(name, "fill", xop_cl_sizes[slot - XOP_CL_SLOT_FILL], NULL);
  if (slot < XOP_CL_SLOT_SHAPE)
    return xop_cl_name_set(name, "range", xop_dtype_name(range_dtypes[slot - XOP_CL_SLOT_RANGE]),
                           NULL);
  if (slot == XOP_CL_SLOT_SHAPE)
    return xop_cl_name_set(name, "shape", xop_dtype_name(XHAL_DTYPE_I64), NULL);
  return 0;
}

/* resize.cl: 0..4 resize_<f32|f16|i32|i64|u8> (interpolation), 5 +
 * log2(element size) resize_nearest_<bytes>. */
static int xop_cl_resize_name(uint32_t slot, xop_launch_name_t *name) {
  if (slot < 4) return xop_cl_name_set(name, "resize", xop_launch_dtype_index_name(slot), NULL);
  if (slot == 4) return xop_cl_name_set(name, "resize", xop_dtype_name(XHAL_DTYPE_U8), NULL);
  if (slot < 9) return xop_cl_name_set(name, "resize_nearest", xop_cl_sizes[slot - 5], NULL);
  return 0;
}

int xop_cl_kernel_name(xop_cl_program_t program, uint32_t slot, xop_launch_name_t *name) {
  *name = (xop_launch_name_t){NULL, NULL, NULL, NULL};
  switch (program) {
    case XOP_CL_SHAPE: /* linear_<bytes> */
      return slot < 4 && xop_cl_name_set(name, "linear", xop_cl_sizes[slot], NULL);
    case XOP_CL_CONV:
      return xop_cl_conv_name(slot, name);
    case XOP_CL_UNARY:
      return xop_cl_unary_name(slot, name);
    case XOP_CL_GATHER:
      return xop_cl_gather_name(slot, name);
    case XOP_CL_RESIZE:
      return xop_cl_resize_name(slot, name);
    case XOP_CL_BINARY:
    case XOP_CL_BINARY_FP64: {
      if (slot >= XOP_CL_BIN_KERNELS || xop_cl_bin_kernels[slot].program != program) return 0;
      const xop_cl_bin_kernel_t *k = &xop_cl_bin_kernels[slot];
      return xop_cl_name_set(name, k->base, k->suffix, k->suffix2);
    }
    case XOP_CL_NORM: /* one program with xop_launch_plan's row ops */
      return xop_launch_kernel_name(XOP_LAUNCH_NORM, slot, name);
    default:
      return 0;
  }
}

/* ---- entry points -------------------------------------------------------------------------- */

int xop_cl_launch_owns(const xop_plan_t *plan) {
  if (xop_cl_binary_owns(plan) || xop_cl_um_index(plan->op) >= 0) return 1;
  switch (plan->op) {
    XOP_CASE_CONV_OPS:
    XOP_CASE_GATHER_OPS:
    case XHAL_OP_BATCH_NORMALIZATION:
    case XHAL_OP_LAYER_NORMALIZATION:
    case XHAL_OP_INSTANCE_NORMALIZATION:
      return 1;
    default:
      return 0;
  }
}

static int32_t xop_cl_launch_plan_op(const xop_plan_t *plan, uint32_t group, xop_cl_launch_t *l,
                                     char *message, size_t message_size) {
  if (xop_cl_binary_owns(plan)) {
    if (xop_cl_binary(plan, l)) return XHAL_STATUS_OK;
    const char *base, *suffix, *suffix2;
    xop_cl_bin_name(plan, &base, &suffix, &suffix2);
    snprintf(message, message_size, "%s: no kernel %s_%s%s%s in binary.cl", plan->name, base,
             suffix, suffix2 ? "_" : "", suffix2 ? suffix2 : "");
    return XHAL_STATUS_INTERNAL;
  }
  const int um = xop_cl_um_index(plan->op);
  if (um >= 0) {
    xop_cl_unary_math(plan, um, l);
    return XHAL_STATUS_OK;
  }
  switch (plan->op) {
    XOP_CASE_CONV_OPS:
      xop_cl_conv(plan, l);
      return XHAL_STATUS_OK;
    case XHAL_OP_GATHER:
      xop_cl_gather(plan, l);
      return XHAL_STATUS_OK;
    case XHAL_OP_PAD:
      xop_cl_pad(plan, l);
      return XHAL_STATUS_OK;
    case XHAL_OP_RESIZE:
      return xop_cl_resize(plan, l, message, message_size);
    case XHAL_OP_SHAPE:
      xop_cl_shape(plan, l);
      return XHAL_STATUS_OK;
    case XHAL_OP_CONSTANT_OF_SHAPE:
      xop_cl_fill(plan, l);
      return XHAL_STATUS_OK;
    case XHAL_OP_RANGE:
      xop_cl_range(plan, l);
      return XHAL_STATUS_OK;
    case XHAL_OP_BATCH_NORMALIZATION:
    case XHAL_OP_LAYER_NORMALIZATION:
    case XHAL_OP_INSTANCE_NORMALIZATION:
      xop_cl_norm(plan, group, l);
      return XHAL_STATUS_OK;
    default:
      snprintf(message, message_size, "%s: no OpenCL C kernel program runs it", plan->name);
      return XHAL_STATUS_INTERNAL;
  }
}

int32_t xop_cl_launch_plan(const xop_plan_t *plan, uint32_t group, xop_cl_launch_t *l,
                           char *message, size_t message_size) {
  memset(l, 0, offsetof(xop_cl_launch_t, data));
  l->tables = NULL;
  const int32_t status = xop_cl_launch_plan_op(plan, group, l, message, message_size);
  if (status != XHAL_STATUS_OK || l->name.base) return status;
  snprintf(message, message_size, "%s: slot %u of program %d holds no kernel", plan->name, l->slot,
           (int)l->program);
  xop_cl_launch_release(l);
  return XHAL_STATUS_INTERNAL;
}

void xop_cl_launch_linear(const xop_view_t *y, const xop_view_t *x, xop_cl_launch_t *l) {
  memset(l, 0, offsetof(xop_cl_launch_t, data));
  l->tables = NULL;
  xop_cl_linear_t *s = &l->data.linear;
  memset(s, 0, sizeof *s);
  s->orank = y->rank ? (int32_t)y->rank : 1;
  s->irank = x->rank ? (int32_t)x->rank : 1;
  s->odims[0] = s->idims[0] = 1;
  for (uint32_t k = 0; k < y->rank; ++k) s->odims[k] = y->dims[k], s->ostrides[k] = y->strides[k];
  for (uint32_t k = 0; k < x->rank; ++k) s->idims[k] = x->dims[k], s->istrides[k] = x->strides[k];
  s->offsets[0] = xop_cl_offset(y);
  s->offsets[1] = xop_cl_offset(x);
  s->count = (int64_t)xop_view_count(y);
  const uint32_t log2 = xop_cl_log2(xop_dtype_size(y->dtype));
  xop_cl_buffer(l, y);
  xop_cl_buffer(l, x);
  xop_cl_value(l, s, sizeof *s);
  xop_cl_kernel(l, XOP_CL_SHAPE, log2);
  xop_cl_items(l, s->count);
}

void xop_cl_launch_release(xop_cl_launch_t *l) {
  free(l->tables);
  l->tables = NULL;
}

int32_t xop_cl_run_plan(const xop_plan_t *plan, uint32_t group, const xop_cl_runner_t *runner) {
  xop_cl_launch_t launch;
  char message[256];
  int32_t status = xop_cl_launch_plan(plan, group, &launch, message, sizeof message);
  if (status != XHAL_STATUS_OK) return runner->report(status, message);
  status = runner->launch(runner->context, &launch);
  xop_cl_launch_release(&launch);
  return status;
}

int32_t xop_cl_run_copies(const xop_plan_t *plan, const xop_cl_runner_t *runner) {
  for (uint32_t i = 0; i < plan->copy_count; ++i) {
    if (xop_view_count(&plan->copy_out[i]) == 0) continue;
    int32_t status;
    if (plan->copy_linear[i]) {
      xop_cl_launch_t launch;
      xop_cl_launch_linear(&plan->copy_out[i], &plan->copy_in[i], &launch);
      status = runner->launch(runner->context, &launch);
      xop_cl_launch_release(&launch);
    } else {
      xop_plan_t copy;
      xop_copy_plan(plan, i, &copy);
      status = runner->copy(runner->context, &copy);
    }
    if (status != XHAL_STATUS_OK) return status;
  }
  return XHAL_STATUS_OK;
}

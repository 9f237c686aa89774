/* ocl_op_binary.c - launches of kernels/binary.cl (see ocl_op_binary.h).
 *
 * Ops with one or two inputs walk the plan's elementwise layout in an
 * ocl_nd_t (3 stride sets, common.cl); Where and Min/Max in an ocl_ndx_t
 * with a set per operand, so the variadic Min/Max reads all its inputs in
 * one pass (folding pairs through the output would clobber an input the
 * output aliases). A Min/Max kernel always takes 8 input buffers; unused
 * ones repeat input 0 and are never read. */
#include "ocl_op_binary.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "../common/xhal_op_layout.h"
#include "ocl_buffer.h"
#include "ocl_error.h"
#include "ocl_stream.h"

#define OCL_BIN_MAX_RANK 8
#define OCL_BIN_LOCAL 64

typedef struct ocl_bin_nd { /* ocl_nd_t of common.cl */
  cl_long dims[OCL_BIN_MAX_RANK];
  cl_long strides[3][OCL_BIN_MAX_RANK];
  cl_long offsets[3];
  cl_long count;
  cl_int rank;
  cl_int pad;
} ocl_bin_nd_t;

typedef struct ocl_bin_ndx { /* ocl_ndx_t of binary.cl */
  cl_long dims[OCL_BIN_MAX_RANK];
  cl_long strides[9][OCL_BIN_MAX_RANK];
  cl_long offsets[9];
  cl_long count;
  cl_int rank;
  cl_int nin;
} ocl_bin_ndx_t;

static_assert(XHAL_MAX_RANK == OCL_BIN_MAX_RANK, "kernels index at most 8 dims");
static_assert(XOP_MAX_SETS == 9 && XOP_MAX_INPUTS == 8, "ocl_ndx_t holds 1 + 8 operands");
static_assert(sizeof(ocl_bin_nd_t) == 37 * 8, "ocl_nd_t layout");
static_assert(sizeof(ocl_bin_ndx_t) == 90 * 8 + 8, "ocl_ndx_t layout");

/* Every kernel of binary.cl; its index is its slot. */
static const char *const ocl_bin_kernels[] = {
    "equal_f32", "less_f32", "greater_f32", "less_equal_f32", "greater_equal_f32",
    "equal_f16", "less_f16", "greater_f16", "less_equal_f16", "greater_equal_f16",
    "equal_i32", "less_i32", "greater_i32", "less_equal_i32", "greater_equal_i32",
    "equal_i64", "less_i64", "greater_i64", "less_equal_i64", "greater_equal_i64",
    "equal_u8", "less_u8", "greater_u8", "less_equal_u8", "greater_equal_u8",
    "equal_bool", "and_bool", "or_bool", "not_bool",
    "prelu_f32", "prelu_f16", "prelu_i32", "prelu_i64",
    "add_u8", "sub_u8", "mul_u8", "div_u8", "abs_u8",
    "pow_f32_f32", "pow_f32_f16", "pow_f32_i32", "pow_f32_i64",
    "pow_f16_f32", "pow_f16_f16", "pow_f16_i32", "pow_f16_i64",
    "pow_i32_i32", "pow_i32_i64", "pow_i64_i32", "pow_i64_i64",
    "pow_f32_u8", "pow_f16_u8", "pow_i32_u8", "pow_i64_u8",
    "pow_i32_f32", "pow_i32_f16", "pow_i64_f32", "pow_i64_f16", /* binary_fp64.cl */
    "cast_f32_bool", "cast_f16_bool", "cast_i32_bool", "cast_i64_bool", "cast_u8_bool",
    "cast_f32_u8", "cast_f16_u8", "cast_i32_u8", "cast_i64_u8", "cast_bool_u8",
    "cast_u8_f32", "cast_u8_f16", "cast_u8_i32", "cast_u8_i64",
    "cast_bool_f32", "cast_bool_f16", "cast_bool_i32", "cast_bool_i64",
    "where_1", "where_2", "where_4", "where_8", "where_bool",
    "min_f32", "max_f32", "min_f16", "max_f16", "min_i32", "max_i32",
    "min_i64", "max_i64", "min_u8", "max_u8",
};
static_assert(sizeof ocl_bin_kernels / sizeof *ocl_bin_kernels <= OCL_OP_BINARY_SLOTS,
              "binary.cl kernel slots");

static int ocl_bin_small(uint32_t dtype) {
  return dtype == XHAL_DTYPE_U8 || dtype == XHAL_DTYPE_BOOL;
}

int ocl_op_binary_owns(const xop_plan_t *plan) {
  switch (plan->op) {
    XOP_CASE_BINARY_GROUP_OPS:
      return 1;
    case XHAL_OP_ADD:
    case XHAL_OP_SUB:
    case XHAL_OP_MUL:
    case XHAL_OP_DIV:
    case XHAL_OP_ABS:
      return plan->in[0].dtype == XHAL_DTYPE_U8;
    case XHAL_OP_CAST:
      return plan->in[0].dtype != plan->out.dtype &&
             (ocl_bin_small(plan->in[0].dtype) || ocl_bin_small(plan->out.dtype));
    default:
      return 0;
  }
}

/* Pow with an integer base and a float exponent: binary_fp64.cl. */
static int ocl_bin_fp64(const xop_plan_t *plan) {
  const uint32_t base = plan->in[0].dtype, exponent = plan->in[1].dtype;
  return plan->op == XHAL_OP_POW && (base == XHAL_DTYPE_I32 || base == XHAL_DTYPE_I64) &&
         (exponent == XHAL_DTYPE_F32 || exponent == XHAL_DTYPE_F16);
}

int32_t ocl_op_binary_device_check(const xhal_plugin_device_t *device, const xop_plan_t *plan) {
  if (ocl_bin_fp64(plan) && !device->info.has_khr_fp64)
    return ocl_error(XHAL_STATUS_UNSUPPORTED,
                     "Pow: integer base with float exponent needs fp64, device has no "
                     "cl_khr_fp64 (%s %s exponent on %s)",
                     xop_dtype_name(plan->in[0].dtype), xop_dtype_name(plan->in[1].dtype),
                     device->info.name);
  return XHAL_STATUS_OK;
}

/* The kernel's name for the plan (NULL: none, xop_check should have refused). */
static const char *ocl_bin_name(const xop_plan_t *plan, char *buf, size_t size) {
  static const char *const compare[5] = {"equal", "less", "greater", "less_equal",
                                         "greater_equal"};
  const char *t = xop_dtype_name(plan->in[0].dtype);
  switch (plan->op) {
    case XHAL_OP_EQUAL:
    case XHAL_OP_LESS:
    case XHAL_OP_GREATER:
    case XHAL_OP_LESS_OR_EQUAL:
    case XHAL_OP_GREATER_OR_EQUAL:
      snprintf(buf, size, "%s_%s", compare[plan->op - XHAL_OP_EQUAL], t);
      break;
    case XHAL_OP_POW:
      snprintf(buf, size, "pow_%s_%s", t, xop_dtype_name(plan->in[1].dtype));
      break;
    case XHAL_OP_CAST:
      snprintf(buf, size, "cast_%s_%s", t, xop_dtype_name(plan->out.dtype));
      break;
    case XHAL_OP_WHERE:
      if (plan->out.dtype == XHAL_DTYPE_BOOL)
        snprintf(buf, size, "where_bool");
      else
        snprintf(buf, size, "where_%u", (unsigned)xop_dtype_size(plan->out.dtype));
      break;
    default:
      snprintf(buf, size, "%s_%s", plan->op == XHAL_OP_MIN     ? "min"
                                   : plan->op == XHAL_OP_MAX   ? "max"
                                   : plan->op == XHAL_OP_PRELU ? "prelu"
                                   : plan->op == XHAL_OP_NOT   ? "not"
                                   : plan->op == XHAL_OP_AND   ? "and"
                                   : plan->op == XHAL_OP_OR    ? "or"
                                   : plan->op == XHAL_OP_ADD   ? "add"
                                   : plan->op == XHAL_OP_SUB   ? "sub"
                                   : plan->op == XHAL_OP_MUL   ? "mul"
                                   : plan->op == XHAL_OP_DIV   ? "div"
                                                               : "abs",
               t);
      break;
  }
  return buf;
}

static int ocl_bin_slot(const char *name, uint32_t *slot) {
  for (uint32_t k = 0; k < sizeof ocl_bin_kernels / sizeof *ocl_bin_kernels; ++k) {
    if (strcmp(ocl_bin_kernels[k], name) == 0) {
      *slot = k;
      return 1;
    }
  }
  return 0;
}

static cl_long ocl_bin_offset(const xop_view_t *view) {
  return (cl_long)(view->byte_offset / xop_dtype_size(view->dtype));
}

/* The elementwise layout: rank (>= 1), dims, strides of every operand. */
static cl_long ocl_bin_layout(const xop_plan_t *plan, cl_int *rank, cl_long *dims,
                              cl_long (*strides)[OCL_BIN_MAX_RANK], cl_long *offsets) {
  xop_dims_t d;
  xop_layout_eltwise(plan, &d);
  *rank = d.rank ? (cl_int)d.rank : 1;
  dims[0] = 1;
  for (uint32_t k = 0; k < d.rank; ++k) {
    dims[k] = d.dims[k];
    for (uint32_t o = 0; o < d.sets; ++o) strides[o][k] = d.strides[o][k];
  }
  offsets[0] = ocl_bin_offset(&plan->out);
  for (uint32_t i = 0; i < plan->input_count; ++i) offsets[1 + i] = ocl_bin_offset(&plan->in[i]);
  return xop_dims_count(&d);
}

#define OCL_BIN_MEM(view) ((ocl_op_binary_arg_t){sizeof(cl_mem), &(view)->buffer->mem})

int32_t ocl_op_binary_run(xhal_plugin_stream_t *stream, const xop_plan_t *plan,
                          ocl_op_binary_enqueue_fn enqueue) {
  OCL_RETURN_IF_ERROR(ocl_op_binary_device_check(stream->device, plan));
  char name[32];
  uint32_t slot = 0;
  if (!ocl_bin_slot(ocl_bin_name(plan, name, sizeof name), &slot))
    return ocl_error(XHAL_STATUS_INTERNAL, "%s: no kernel %s in binary.cl", plan->name, name);
  ocl_op_binary_arg_t args[10];
  cl_uint n = 0;
  args[n++] = OCL_BIN_MEM(&plan->out);
  const int wide = plan->op == XHAL_OP_WHERE || plan->op == XHAL_OP_MIN || plan->op == XHAL_OP_MAX;
  ocl_bin_nd_t s;
  ocl_bin_ndx_t sx;
  size_t count = 0;
  if (wide) {
    memset(&sx, 0, sizeof sx);
    count = (size_t)ocl_bin_layout(plan, &sx.rank, sx.dims, sx.strides, sx.offsets);
    sx.count = (cl_long)count;
    sx.nin = (cl_int)plan->input_count;
    const uint32_t buffers = plan->op == XHAL_OP_WHERE ? 3 : XOP_MAX_INPUTS;
    for (uint32_t i = 0; i < buffers; ++i)
      args[n++] = OCL_BIN_MEM(&plan->in[i < plan->input_count ? i : 0]);
    args[n++] = (ocl_op_binary_arg_t){sizeof sx, &sx};
  } else {
    memset(&s, 0, sizeof s);
    count = (size_t)ocl_bin_layout(plan, &s.rank, s.dims, s.strides, s.offsets);
    s.count = (cl_long)count;
    for (uint32_t i = 0; i < plan->input_count; ++i) args[n++] = OCL_BIN_MEM(&plan->in[i]);
    args[n++] = (ocl_op_binary_arg_t){sizeof s, &s};
  }
  const size_t local = OCL_BIN_LOCAL;
  const size_t global = (count + local - 1) / local * local;
  return enqueue(stream, slot, name, args, n, global, local, ocl_bin_fp64(plan));
}

/* ref_ops.c - dispatch and dtype rules of the fp64 reference. */
#include "ref_ops.h"

#include <stdio.h>
#include <string.h>

#include "ref_dtype.h"

void ref_attrs_init(ref_attrs_t *attrs) {
  memset(attrs, 0, sizeof *attrs);
  attrs->axis = -1;
  attrs->keepdims = 1;
  attrs->alpha = 1.0;
  attrs->beta = 1.0;
  attrs->epsilon = 1e-5;
}

int ref_op_is_elementwise(xhal_op_t op) {
  switch (op) {
  case XHAL_OP_COPY:
  case XHAL_OP_ADD:
  case XHAL_OP_SUB:
  case XHAL_OP_MUL:
  case XHAL_OP_DIV:
  case XHAL_OP_NEG:
  case XHAL_OP_ABS:
  case XHAL_OP_EXP:
  case XHAL_OP_RELU:
  case XHAL_OP_SIGMOID:
  case XHAL_OP_TANH:
  case XHAL_OP_CAST: return 1;
  default: return ref_unary_math_is_op(op) || ref_binary_group(op);
  }
}

static int ref_is_numeric(xhal_dtype_t dtype) {
  return dtype == XHAL_DTYPE_F32 || dtype == XHAL_DTYPE_F16 || dtype == XHAL_DTYPE_I32 ||
         dtype == XHAL_DTYPE_I64;
}

/* 1 if op is defined for dtype (the dtypes the suite knows a meaning for). */
static int ref_dtype_allowed(xhal_op_t op, xhal_dtype_t dtype) {
  switch (op) {
  case XHAL_OP_COPY:
  case XHAL_OP_TRANSPOSE: return ref_dtype_size(dtype) != 0;
  case XHAL_OP_EXP:
  case XHAL_OP_SIGMOID:
  case XHAL_OP_TANH:
  case XHAL_OP_SOFTMAX: return dtype == XHAL_DTYPE_F32 || dtype == XHAL_DTYPE_F16;
  case XHAL_OP_MAX_POOL: /* ONNX MaxPool-12: also int8/uint8 */
    return dtype == XHAL_DTYPE_F32 || dtype == XHAL_DTYPE_F16 || dtype == XHAL_DTYPE_U8;
  case XHAL_OP_CONV: /* the rest of REF_CASE_CONV_OPS */
  case XHAL_OP_CONV_TRANSPOSE:
  case XHAL_OP_AVERAGE_POOL:
  case XHAL_OP_GLOBAL_AVERAGE_POOL:
  case XHAL_OP_GLOBAL_MAX_POOL: return dtype == XHAL_DTYPE_F32 || dtype == XHAL_DTYPE_F16;
  case XHAL_OP_ADD: /* u8: wrapping, x / 0 = 0 */
  case XHAL_OP_SUB:
  case XHAL_OP_MUL:
  case XHAL_OP_DIV:
  case XHAL_OP_ABS: return ref_is_numeric(dtype) || dtype == XHAL_DTYPE_U8;
  case XHAL_OP_CAST:
    return ref_is_numeric(dtype) || dtype == XHAL_DTYPE_U8 || dtype == XHAL_DTYPE_BOOL;
  case XHAL_OP_REDUCE_MAX: /* u8: ONNX allows uint8 for these */
  case XHAL_OP_REDUCE_MIN:
  case XHAL_OP_ARG_MAX:
  case XHAL_OP_ARG_MIN:
  case XHAL_OP_SIGN:
  case XHAL_OP_CLIP: return ref_is_numeric(dtype) || dtype == XHAL_DTYPE_U8;
  case XHAL_OP_LOG_SOFTMAX:
  case XHAL_OP_BATCH_NORMALIZATION:
  case XHAL_OP_LAYER_NORMALIZATION:
  case XHAL_OP_INSTANCE_NORMALIZATION: return dtype == XHAL_DTYPE_F32 || dtype == XHAL_DTYPE_F16;
  default:
    if (ref_unary_math_float_only(op)) return dtype == XHAL_DTYPE_F32 || dtype == XHAL_DTYPE_F16;
    return ref_is_numeric(dtype);
  }
}

static uint32_t ref_fixed_input_count(xhal_op_t op) {
  switch (op) {
  case XHAL_OP_ADD:
  case XHAL_OP_SUB:
  case XHAL_OP_MUL:
  case XHAL_OP_DIV:
  case XHAL_OP_MATMUL: return 2;
  case XHAL_OP_GEMM: return 0; /* 2 or 3, checked by Gemm */
  case XHAL_OP_CONV:
  case XHAL_OP_CONV_TRANSPOSE: return 0; /* 2 or 3, checked by ref_conv_infer */
  case XHAL_OP_BATCH_NORMALIZATION: return 5;
  case XHAL_OP_INSTANCE_NORMALIZATION: return 3;
  case XHAL_OP_LAYER_NORMALIZATION: return 0; /* 2 or 3 */
  default: return 1;
  }
}

int ref_op_infer(xhal_op_t op, uint32_t input_count, const ref_shape_t *shapes,
                 const xhal_dtype_t *dtypes, const ref_attrs_t *attrs, ref_shape_t *out_shape,
                 xhal_dtype_t *out_dtype, char *err, size_t err_size) {
  if (ref_shape_is_op(op)) {
    ref_shape_t outs[REF_SHAPE_MAX_OUTPUTS];
    if (input_count == 0 || input_count > REF_SHAPE_MAX_INPUTS) {
      snprintf(err, err_size, "%u inputs", input_count);
      return -1;
    }
    for (uint32_t k = 1; k < input_count; k++) {
      if (dtypes[k] != dtypes[0]) {
        snprintf(err, err_size, "input %u is %s, input 0 is %s", k, ref_dtype_name(dtypes[k]),
                 ref_dtype_name(dtypes[0]));
        return -1;
      }
    }
    if (ref_shape_infer(op, input_count, shapes, attrs, outs, err, err_size) != 0) return -1;
    *out_shape = outs[0];
    *out_dtype = dtypes[0];
    return 0;
  }
  if (ref_gather_owns(op))
    return ref_gather_infer(op, input_count, shapes, dtypes, attrs, out_shape, out_dtype, err,
                            err_size);
  if (ref_binary_group(op))
    return ref_binary_infer(op, input_count, shapes, dtypes, out_shape, out_dtype, err, err_size);
  uint32_t want = ref_fixed_input_count(op);
  if ((want && input_count != want) || input_count == 0) {
    snprintf(err, err_size, "%u inputs, the op takes %u", input_count, want ? want : 2);
    return -1;
  }
  if (!ref_dtype_allowed(op, dtypes[0])) {
    snprintf(err, err_size, "dtype %s is not defined for this op", ref_dtype_name(dtypes[0]));
    return -1;
  }
  for (uint32_t k = 1; k < input_count; k++) {
    if (dtypes[k] != dtypes[0]) {
      snprintf(err, err_size, "input %u is %s, input 0 is %s", k, ref_dtype_name(dtypes[k]),
               ref_dtype_name(dtypes[0]));
      return -1;
    }
  }
  *out_dtype = dtypes[0];
  switch (op) {
  case XHAL_OP_COPY: *out_shape = shapes[0]; return 0;
  case XHAL_OP_CAST:
    if (!attrs->has_to || !ref_dtype_allowed(XHAL_OP_CAST, (xhal_dtype_t)attrs->to)) {
      snprintf(err, err_size, "Cast 'to' %s",
               attrs->has_to ? "is not f32/f16/i32/i64/u8/bool" : "is missing");
      return -1;
    }
    *out_dtype = (xhal_dtype_t)attrs->to;
    *out_shape = shapes[0];
    return 0;
  case XHAL_OP_MATMUL: return ref_matmul_infer(&shapes[0], &shapes[1], out_shape, err, err_size);
  case XHAL_OP_GEMM:
    return ref_gemm_infer(input_count, shapes, attrs, out_shape, err, err_size);
  case XHAL_OP_SOFTMAX:
  case XHAL_OP_LOG_SOFTMAX: return ref_softmax_infer(&shapes[0], attrs, out_shape, err, err_size);
  case XHAL_OP_REDUCE_SUM:
  case XHAL_OP_REDUCE_MEAN:
  case XHAL_OP_REDUCE_MAX:
  case XHAL_OP_REDUCE_MIN:
  case XHAL_OP_REDUCE_PROD: return ref_reduce_infer(&shapes[0], attrs, out_shape, err, err_size);
  case XHAL_OP_BATCH_NORMALIZATION:
  case XHAL_OP_LAYER_NORMALIZATION:
  case XHAL_OP_INSTANCE_NORMALIZATION:
    return ref_norm_infer(op, input_count, shapes, attrs, out_shape, err, err_size);
  case XHAL_OP_ARG_MAX:
  case XHAL_OP_ARG_MIN:
    *out_dtype = XHAL_DTYPE_I64;
    return ref_arg_infer(&shapes[0], attrs, out_shape, err, err_size);
  case XHAL_OP_TRANSPOSE:
    return ref_transpose_infer(&shapes[0], attrs, out_shape, err, err_size);
  REF_CASE_CONV_OPS:
    return ref_conv_infer(op, input_count, shapes, attrs, out_shape, err, err_size);
  default:
    return ref_elementwise_infer(op, input_count, shapes, out_shape, err, err_size);
  }
}

static int ref_has_scale(xhal_op_t op) {
  return op == XHAL_OP_MATMUL || op == XHAL_OP_GEMM || op == XHAL_OP_SOFTMAX ||
         op == XHAL_OP_REDUCE_SUM || op == XHAL_OP_REDUCE_MEAN || op == XHAL_OP_CONV ||
         op == XHAL_OP_CONV_TRANSPOSE || op == XHAL_OP_AVERAGE_POOL ||
         op == XHAL_OP_GLOBAL_AVERAGE_POOL || ref_unary_math_has_scale(op) ||
         op == XHAL_OP_REDUCE_MAX || op == XHAL_OP_REDUCE_MIN || op == XHAL_OP_REDUCE_PROD ||
         op == XHAL_OP_LOG_SOFTMAX || op == XHAL_OP_BATCH_NORMALIZATION ||
         op == XHAL_OP_LAYER_NORMALIZATION || op == XHAL_OP_INSTANCE_NORMALIZATION;
}

int ref_op_compute(xhal_op_t op, uint32_t input_count, const ref_tensor_t *inputs,
                   const ref_attrs_t *attrs, ref_tensor_t *out, char *err, size_t err_size) {
  memset(out, 0, sizeof *out);
  if (ref_shape_is_op(op)) {
    ref_tensor_t outs[REF_SHAPE_MAX_OUTPUTS];
    if (ref_shape_compute(op, input_count, inputs, attrs, outs, err, err_size) != 0) return -1;
    uint32_t n = op == XHAL_OP_SPLIT && attrs->output_count ? attrs->output_count : 1;
    *out = outs[0];
    for (uint32_t k = 1; k < n; k++) ref_tensor_deinit(&outs[k]);
    return 0;
  }
  if (ref_gather_owns(op))
    return ref_gather_compute(op, input_count, inputs, attrs, out, err, err_size);
  ref_shape_t shapes[REF_MAX_INPUTS];
  xhal_dtype_t dtypes[REF_MAX_INPUTS];
  if (input_count > REF_MAX_INPUTS) {
    snprintf(err, err_size, "too many inputs (%u)", input_count);
    return -1;
  }
  for (uint32_t k = 0; k < input_count; k++) {
    shapes[k] = inputs[k].shape;
    dtypes[k] = inputs[k].dtype;
  }
  ref_shape_t out_shape;
  xhal_dtype_t out_dtype;
  if (ref_op_infer(op, input_count, shapes, dtypes, attrs, &out_shape, &out_dtype, err,
                   err_size) != 0)
    return -1;
  if (ref_tensor_init(out, out_dtype, &out_shape, op == XHAL_OP_COPY, ref_has_scale(op)) != 0) {
    snprintf(err, err_size, "out of host memory for the reference");
    return -1;
  }
  int rc;
  switch (op) {
  case XHAL_OP_COPY: rc = ref_copy_compute(&inputs[0], out); break;
  case XHAL_OP_CAST: rc = ref_cast_compute(&inputs[0], out_dtype, out); break;
  case XHAL_OP_MATMUL: rc = ref_matmul_compute(&inputs[0], &inputs[1], out); break;
  case XHAL_OP_GEMM: rc = ref_gemm_compute(input_count, inputs, attrs, out); break;
  case XHAL_OP_SOFTMAX: rc = ref_softmax_compute(&inputs[0], attrs, out); break;
  case XHAL_OP_REDUCE_SUM:
  case XHAL_OP_REDUCE_MEAN:
  case XHAL_OP_REDUCE_MAX:
  case XHAL_OP_REDUCE_MIN:
  case XHAL_OP_REDUCE_PROD:
    return ref_reduce_compute(op, &inputs[0], attrs, out, err, err_size);
  case XHAL_OP_LOG_SOFTMAX: rc = ref_log_softmax_compute(&inputs[0], attrs, out); break;
  case XHAL_OP_BATCH_NORMALIZATION:
  case XHAL_OP_LAYER_NORMALIZATION:
  case XHAL_OP_INSTANCE_NORMALIZATION:
    rc = ref_norm_compute(op, input_count, inputs, attrs, out);
    break;
  case XHAL_OP_ARG_MAX:
  case XHAL_OP_ARG_MIN: rc = ref_arg_compute(op, &inputs[0], attrs, out); break;
  case XHAL_OP_TRANSPOSE: rc = ref_transpose_compute(&inputs[0], attrs, out); break;
  REF_CASE_CONV_OPS: rc = ref_conv_compute(op, input_count, inputs, attrs, out); break;
  REF_CASE_BINARY_GROUP_OPS: rc = ref_binary_compute(op, input_count, inputs, out); break;
  default:
    if (ref_unary_math_is_op(op)) {
      rc = ref_unary_math_compute(op, &inputs[0], attrs, out);
      break;
    }
    rc = ref_elementwise_compute(op, input_count, inputs, out);
    break;
  }
  if (rc != 0) snprintf(err, err_size, "the reference does not define this call");
  return rc;
}

/* Output count of op: 1, Split's attrs->output_count (1 to 8), MaxPool's
 * 1 or 2, or LayerNormalization's 1 to 3. Returns 0, or -1 with a message. */
static int ref_output_count_check(xhal_op_t op, uint32_t output_count, char *err,
                                  size_t err_size) {
  const uint32_t most = op == XHAL_OP_SPLIT                 ? REF_SHAPE_MAX_OUTPUTS
                        : op == XHAL_OP_LAYER_NORMALIZATION ? 3
                        : op == XHAL_OP_MAX_POOL            ? 2
                                                            : 1;
  if (output_count >= 1 && output_count <= most) return 0;
  snprintf(err, err_size, "%u outputs, the op has 1 to %u", output_count, most);
  return -1;
}

int ref_op_infer_outputs(xhal_op_t op, uint32_t input_count, const ref_shape_t *shapes,
                         const xhal_dtype_t *dtypes, const ref_attrs_t *attrs,
                         uint32_t output_count, ref_shape_t *out_shapes,
                         xhal_dtype_t *out_dtypes, char *err, size_t err_size) {
  if (ref_output_count_check(op, output_count, err, err_size) != 0) return -1;
  ref_attrs_t a = *attrs;
  if (op == XHAL_OP_SPLIT) a.output_count = output_count;
  if (ref_op_infer(op, input_count, shapes, dtypes, &a, &out_shapes[0], &out_dtypes[0], err,
                   err_size) != 0)
    return -1;
  if (output_count == 1) return 0;
  if (op == XHAL_OP_SPLIT) {
    if (ref_shape_infer(op, input_count, shapes, &a, out_shapes, err, err_size) != 0) return -1;
    for (uint32_t k = 1; k < output_count; k++) out_dtypes[k] = dtypes[0];
    return 0;
  }
  if (op == XHAL_OP_MAX_POOL) { /* Indices: Y's shape, i64 */
    out_shapes[1] = out_shapes[0];
    out_dtypes[1] = XHAL_DTYPE_I64;
    return 0;
  }
  /* LayerNormalization */
  for (uint32_t k = 1; k < output_count; k++) {
    if (ref_norm_stats_infer(&shapes[0], attrs, &out_shapes[k], err, err_size) != 0) return -1;
    out_dtypes[k] = XHAL_DTYPE_F32; /* stash_type 1 */
  }
  return 0;
}

int ref_op_compute_outputs(xhal_op_t op, uint32_t input_count, const ref_tensor_t *inputs,
                           const ref_attrs_t *attrs, uint32_t output_count, ref_tensor_t *outs,
                           char *err, size_t err_size) {
  memset(outs, 0, (output_count < REF_MAX_OUTPUTS ? output_count : REF_MAX_OUTPUTS) * sizeof *outs);
  if (ref_output_count_check(op, output_count, err, err_size) != 0) return -1;
  if (output_count == 1) return ref_op_compute(op, input_count, inputs, attrs, outs, err, err_size);
  if (op == XHAL_OP_SPLIT) {
    ref_attrs_t a = *attrs;
    a.output_count = output_count;
    return ref_shape_compute(op, input_count, inputs, &a, outs, err, err_size);
  }
  if (ref_op_compute(op, input_count, inputs, attrs, &outs[0], err, err_size) != 0) return -1;
  if (op == XHAL_OP_MAX_POOL) return ref_max_pool_indices(&inputs[0], attrs, &outs[1], err, err_size);
  /* LayerNormalization */
  ref_shape_t shape;
  if (ref_norm_stats_infer(&inputs[0].shape, attrs, &shape, err, err_size) != 0) return -1;
  for (uint32_t k = 1; k < output_count; k++) {
    if (ref_tensor_init(&outs[k], XHAL_DTYPE_F32, &shape, 0, 1) != 0) {
      snprintf(err, err_size, "out of host memory for the reference");
      return -1;
    }
  }
  return ref_norm_stats_compute(&inputs[0], attrs, output_count - 1, &outs[1]);
}

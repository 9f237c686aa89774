/*
 * area_ops_invalid.c - negative cases: calls the backend must refuse with
 * XHAL_STATUS_INVALID_ARGUMENT (from xhal_op_supported and xhal_op_launch),
 * leaving the output untouched and the stream usable.
 *
 * Each case carries a valid baseline; if the device does not run the
 * baseline the case is NOT_SUPPORTED. Names: ops.<op>.<dtype>.invalid_<what>.
 */
#include <string.h>

#include "area_ops.h"
#include "ref_dtype.h"

static const xhal_dtype_t OPS_INV_DTYPES[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16, XHAL_DTYPE_I32,
                                              XHAL_DTYPE_I64};

void ops_invalid_case(conf_registry_t *registry, const ops_case_t *base, ops_invalid_t kind,
                    const char *name) {
  ops_case_t c = *base;
  c.invalid = kind;
  ops_register(registry, CONF_TIER_QUICK, &c, "invalid_%s", name);
}

void ops_invalid_attrs_case(conf_registry_t *registry, const ops_case_t *base,
                          const ops_attrs_t *bad, const char *name) {
  ops_case_t c = *base;
  c.invalid = OPS_INVALID_ATTR;
  c.bad_attrs = *bad;
  ops_register(registry, CONF_TIER_QUICK, &c, "invalid_%s", name);
}

void ops_invalid_shape_case(conf_registry_t *registry, const ops_case_t *base, uint32_t input,
                          ref_shape_t shape, const char *name) {
  ops_case_t c = *base;
  c.invalid = OPS_INVALID_INPUT_SHAPE;
  c.bad_input = input;
  c.bad_shape = shape;
  ops_register(registry, CONF_TIER_QUICK, &c, "invalid_%s", name);
}

/* The kinds every op has. */
void ops_invalid_common_cases(conf_registry_t *registry, const ops_case_t *base) {
  ops_invalid_case(registry, base, OPS_INVALID_OUTPUT_SHAPE, "output_shape");
  ops_invalid_case(registry, base, OPS_INVALID_OUTPUT_DTYPE, "output_dtype");
  ops_invalid_case(registry, base, OPS_INVALID_OUT_OF_BUFFER, "out_of_buffer");
  ops_invalid_case(registry, base, OPS_INVALID_UNKNOWN_ATTR, "unknown_attribute");
  ops_invalid_case(registry, base, OPS_INVALID_INPUT_COUNT, "input_count");
}

static void ops_inv_binary(conf_registry_t *registry, xhal_op_t op, xhal_dtype_t dtype) {
  ref_shape_t in[2] = {ops_shape(2, 4, 3), ops_shape(2, 4, 3)};
  ops_case_t c;
  ops_case_init(&c, op, dtype, 2, in);
  ops_invalid_common_cases(registry, &c);
  ops_invalid_case(registry, &c, OPS_INVALID_INPUT_DTYPE, "input_dtype");
  ops_invalid_shape_case(registry, &c, 1, ops_shape(2, 5, 3), "broadcast");
}

static void ops_inv_unary(conf_registry_t *registry, xhal_op_t op, xhal_dtype_t dtype) {
  ref_shape_t in = ops_shape(2, 4, 3);
  ops_case_t c;
  ops_case_init(&c, op, dtype, 1, &in);
  ops_invalid_common_cases(registry, &c);
}

static void ops_inv_matmul(conf_registry_t *registry, xhal_dtype_t dtype) {
  ref_shape_t in[2] = {ops_shape(2, 5, 7), ops_shape(2, 7, 3)};
  ops_case_t c;
  ops_case_init(&c, XHAL_OP_MATMUL, dtype, 2, in);
  ops_invalid_common_cases(registry, &c);
  ops_invalid_case(registry, &c, OPS_INVALID_INPUT_DTYPE, "input_dtype");
  ops_invalid_shape_case(registry, &c, 1, ops_shape(2, 8, 3), "inner_dim");
  ops_invalid_shape_case(registry, &c, 0, ops_shape(0), "scalar_input");
  ref_shape_t batched[2] = {ops_shape(3, 2, 5, 7), ops_shape(3, 2, 7, 3)};
  ops_case_t cb;
  ops_case_init(&cb, XHAL_OP_MATMUL, dtype, 2, batched);
  ops_invalid_shape_case(registry, &cb, 1, ops_shape(3, 3, 7, 3), "batch_broadcast");
}

static void ops_inv_gemm(conf_registry_t *registry, xhal_dtype_t dtype) {
  ref_shape_t in[3] = {ops_shape(2, 5, 7), ops_shape(2, 7, 3), ops_shape(1, 3)};
  ops_case_t c;
  ops_case_init(&c, XHAL_OP_GEMM, dtype, 3, in);
  c.attrs.present = OPS_ATTR_TRANS_A | OPS_ATTR_TRANS_B;
  ops_invalid_common_cases(registry, &c);
  ops_invalid_case(registry, &c, OPS_INVALID_INPUT_DTYPE, "input_dtype");
  ops_invalid_case(registry, &c, OPS_INVALID_ATTR_TYPE, "attribute_type");
  ops_invalid_shape_case(registry, &c, 1, ops_shape(2, 8, 3), "inner_dim");
  ops_invalid_shape_case(registry, &c, 2, ops_shape(2, 2, 3), "c_shape");
  ops_invalid_shape_case(registry, &c, 0, ops_shape(3, 1, 5, 7), "rank");
  ops_attrs_t bad = c.attrs;
  bad.trans_a = 2;
  ops_invalid_attrs_case(registry, &c, &bad, "trans_a_value");
}

static void ops_inv_softmax(conf_registry_t *registry, xhal_dtype_t dtype) {
  ref_shape_t in = ops_shape(2, 4, 3);
  ops_case_t c;
  ops_case_init(&c, XHAL_OP_SOFTMAX, dtype, 1, &in);
  c.attrs.present = OPS_ATTR_AXIS;
  c.attrs.axis = 1;
  ops_invalid_common_cases(registry, &c);
  ops_invalid_case(registry, &c, OPS_INVALID_ATTR_TYPE, "attribute_type");
  ops_attrs_t bad = c.attrs;
  bad.axis = 2;
  ops_invalid_attrs_case(registry, &c, &bad, "axis");
  bad.axis = -3;
  ops_invalid_attrs_case(registry, &c, &bad, "axis_negative");
  ops_invalid_shape_case(registry, &c, 0, ops_shape(0), "scalar_input");
}

static void ops_inv_reduce(conf_registry_t *registry, xhal_op_t op, xhal_dtype_t dtype) {
  ref_shape_t in = ops_shape(3, 2, 3, 4);
  ops_case_t c;
  ops_case_init(&c, op, dtype, 1, &in);
  c.attrs.present = OPS_ATTR_AXES;
  c.attrs.axes_count = 1;
  c.attrs.axes[0] = 1;
  ops_invalid_common_cases(registry, &c);
  ops_invalid_case(registry, &c, OPS_INVALID_ATTR_TYPE, "attribute_type");
  ops_attrs_t bad = c.attrs;
  bad.axes[0] = 3;
  ops_invalid_attrs_case(registry, &c, &bad, "axis");
  bad.axes[0] = -4;
  ops_invalid_attrs_case(registry, &c, &bad, "axis_negative");
  bad.axes_count = 2;
  bad.axes[0] = 1;
  bad.axes[1] = 1;
  ops_invalid_attrs_case(registry, &c, &bad, "axes_repeated");
  bad.axes[0] = 2;
  bad.axes[1] = -1;
  ops_invalid_attrs_case(registry, &c, &bad, "axes_repeated_negative");
  bad = c.attrs;
  bad.present |= OPS_ATTR_KEEPDIMS;
  bad.keepdims = 2;
  ops_invalid_attrs_case(registry, &c, &bad, "keepdims_value");
}

static void ops_inv_transpose(conf_registry_t *registry, xhal_dtype_t dtype) {
  ref_shape_t in = ops_shape(3, 2, 3, 4);
  ops_case_t c;
  ops_case_init(&c, XHAL_OP_TRANSPOSE, dtype, 1, &in);
  c.attrs.present = OPS_ATTR_PERM;
  c.attrs.perm_count = 3;
  c.attrs.perm[0] = 2;
  c.attrs.perm[1] = 0;
  c.attrs.perm[2] = 1;
  ops_invalid_common_cases(registry, &c);
  ops_invalid_case(registry, &c, OPS_INVALID_ATTR_TYPE, "attribute_type");
  ops_attrs_t bad = c.attrs;
  bad.perm[1] = 2;
  ops_invalid_attrs_case(registry, &c, &bad, "perm_repeated");
  bad = c.attrs;
  bad.perm_count = 2;
  bad.perm[0] = 1;
  bad.perm[1] = 0;
  ops_invalid_attrs_case(registry, &c, &bad, "perm_length");
  bad = c.attrs;
  bad.perm[0] = 3;
  ops_invalid_attrs_case(registry, &c, &bad, "perm_out_of_range");
}

static void ops_inv_cast(conf_registry_t *registry, xhal_dtype_t dtype) {
  ref_shape_t in = ops_shape(2, 4, 3);
  ops_case_t c;
  ops_case_init(&c, XHAL_OP_CAST, dtype, 1, &in);
  c.attrs.present = OPS_ATTR_TO;
  c.attrs.to = dtype == XHAL_DTYPE_F32 ? XHAL_DTYPE_I32 : XHAL_DTYPE_F32;
  c.in[0].gen = ops_default_gen(XHAL_OP_CAST, dtype, 0, (xhal_dtype_t)c.attrs.to);
  ops_invalid_common_cases(registry, &c);
  ops_invalid_case(registry, &c, OPS_INVALID_ATTR_TYPE, "attribute_type");
  ops_attrs_t bad = c.attrs;
  bad.to = 999;
  ops_invalid_attrs_case(registry, &c, &bad, "to_value");
  bad.to = 0;
  ops_invalid_attrs_case(registry, &c, &bad, "to_undefined");
  bad.present = 0;
  ops_invalid_attrs_case(registry, &c, &bad, "to_missing");
}

static void ops_inv_copy(conf_registry_t *registry, xhal_dtype_t dtype) {
  ref_shape_t in = ops_shape(2, 4, 3);
  ops_case_t c;
  ops_case_init(&c, XHAL_OP_COPY, dtype, 1, &in);
  ops_invalid_common_cases(registry, &c);
}

void ops_register_invalid(conf_registry_t *registry) {
  static const xhal_op_t binary[] = {XHAL_OP_ADD, XHAL_OP_SUB, XHAL_OP_MUL, XHAL_OP_DIV};
  static const xhal_op_t unary[] = {XHAL_OP_NEG, XHAL_OP_ABS, XHAL_OP_RELU,
                                    XHAL_OP_EXP, XHAL_OP_SIGMOID, XHAL_OP_TANH};
  const size_t nd = sizeof OPS_INV_DTYPES / sizeof OPS_INV_DTYPES[0];
  for (size_t d = 0; d < nd; d++) {
    xhal_dtype_t dtype = OPS_INV_DTYPES[d];
    int is_float = ref_dtype_is_float(dtype);
    ops_inv_copy(registry, dtype);
    for (size_t o = 0; o < sizeof binary / sizeof binary[0]; o++)
      ops_inv_binary(registry, binary[o], dtype);
    for (size_t o = 0; o < sizeof unary / sizeof unary[0]; o++)
      if (is_float || o < 3) ops_inv_unary(registry, unary[o], dtype);
    ops_inv_matmul(registry, dtype);
    ops_inv_gemm(registry, dtype);
    if (is_float) ops_inv_softmax(registry, dtype);
    ops_inv_reduce(registry, XHAL_OP_REDUCE_SUM, dtype);
    ops_inv_reduce(registry, XHAL_OP_REDUCE_MEAN, dtype);
    ops_inv_transpose(registry, dtype);
    ops_inv_cast(registry, dtype);
  }
}

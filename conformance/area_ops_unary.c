/*
 * area_ops_unary.c - cases of the single-input math ops and activations:
 * Sqrt, Reciprocal, Log, Floor, Ceil, Round, Sign, Erf, LeakyRelu,
 * HardSigmoid, HardSwish, Elu, Softplus, Gelu and Clip.
 *
 *  - shape classes (scalar, rank 1..6, zero-size, large) and layout
 *    variants on f32 and f16 (Sign and Clip also i32 and i64), with values
 *    drawn where the op is interesting (positive for Sqrt and Log);
 *  - special values: .special .subnormal .large_magnitude .small_magnitude
 *    for floats (Round/Floor/Ceil also .halves), .edge and .full_range for
 *    integers;
 *  - every attribute: given, default, unusual (negative alpha, min > max,
 *    bounds that round in f16, INT and integral FLOAT bounds for integer
 *    Clip, Gelu "none"/"tanh");
 *  - must-reject calls (invalid_*): bad attribute types and values.
 *
 * Names: ops.<op>.<dtype>.<case>[.<variant>]. Never rename a case.
 */
#include <math.h>
#include <string.h>

#include "area_ops.h"
#include "ref_dtype.h"

static const xhal_op_t OPS_UM_FLOAT_OPS[] = {
    XHAL_OP_SQRT,       XHAL_OP_RECIPROCAL,   XHAL_OP_LOG,        XHAL_OP_FLOOR,
    XHAL_OP_CEIL,       XHAL_OP_ROUND,        XHAL_OP_SIGN,       XHAL_OP_ERF,
    XHAL_OP_LEAKY_RELU, XHAL_OP_HARD_SIGMOID, XHAL_OP_HARD_SWISH, XHAL_OP_ELU,
    XHAL_OP_SOFTPLUS,   XHAL_OP_GELU,         XHAL_OP_CLIP,
};
#define OPS_UM_FLOAT_OP_COUNT (sizeof OPS_UM_FLOAT_OPS / sizeof OPS_UM_FLOAT_OPS[0])

static const xhal_dtype_t OPS_UM_FLOATS[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16};
static const xhal_dtype_t OPS_UM_INTS[] = {XHAL_DTYPE_I32, XHAL_DTYPE_I64};

#define OPS_UM_VARIANTS_ALL                                                                        \
  ((1u << OPS_VAR_STRIDED) | (1u << OPS_VAR_TRANSPOSED) | (1u << OPS_VAR_OFFSET) |                 \
   (1u << OPS_VAR_EXPANDED) | (1u << OPS_VAR_MIXED) | (1u << OPS_VAR_OUT_STRIDED))
#define OPS_UM_VARIANTS_VIEWS ((1u << OPS_VAR_STRIDED) | (1u << OPS_VAR_TRANSPOSED))

static ops_gen_t ops_um_mantissa(int lo, int hi) {
  ops_gen_t g = {OPS_GEN_MANTISSA, 0, 0, lo, hi};
  return g;
}

/* Values where the op does something: positive for Sqrt/Log, around the
 * knees of the activations, both signs and many binades elsewhere. */
static ops_gen_t ops_um_gen(xhal_op_t op, xhal_dtype_t dtype) {
  const int f16 = dtype == XHAL_DTYPE_F16;
  if (!ref_dtype_is_float(dtype)) {
    ops_gen_t g = {OPS_GEN_BITS, 0, 0, 0, 0};
    return g;
  }
  switch (op) {
  case XHAL_OP_SQRT: return ops_gen_uniform(0.0, f16 ? 1000.0 : 1.0e6);
  case XHAL_OP_LOG: return ops_gen_uniform(0.0, 100.0);
  case XHAL_OP_RECIPROCAL:
  case XHAL_OP_SIGN:
  case XHAL_OP_LEAKY_RELU: return f16 ? ops_um_mantissa(-6, 6) : ops_um_mantissa(-8, 8);
  case XHAL_OP_FLOOR:
  case XHAL_OP_CEIL:
  case XHAL_OP_ROUND: return ops_gen_uniform(-8.0, 8.0);
  case XHAL_OP_ERF: return ops_gen_uniform(-4.0, 4.0);
  case XHAL_OP_ELU: return ops_gen_uniform(-10.0, 5.0);
  case XHAL_OP_SOFTPLUS: return ops_gen_uniform(-20.0, 20.0);
  case XHAL_OP_CLIP: return ops_gen_uniform(-10.0, 10.0);
  default: return ops_gen_uniform(-6.0, 6.0); /* HardSigmoid, HardSwish, Gelu */
  }
}

static void ops_um_init(ops_case_t *c, xhal_op_t op, xhal_dtype_t dtype, ref_shape_t shape) {
  ops_case_init(c, op, dtype, 1, &shape);
  c->in[0].gen = ops_um_gen(op, dtype);
}

/* Clip's plain cases clip to [-4, 5.5] (integers [-1000, 1000]) so both
 * bounds are hit; the other ops take their defaults. */
static void ops_um_default_attrs(ops_case_t *c) {
  if (c->op != XHAL_OP_CLIP) return;
  c->attrs.present = OPS_ATTR_CLIP_MIN | OPS_ATTR_CLIP_MAX;
  if (ref_dtype_is_float((xhal_dtype_t)c->dtype)) {
    c->attrs.clip_min = -4.0;
    c->attrs.clip_max = 5.5;
  } else {
    c->attrs.clip_int = 1;
    c->attrs.clip_imin = -1000;
    c->attrs.clip_imax = 1000;
    c->in[0].gen = ops_gen_uniform(-2000.0, 2000.0);
    if (c->dtype == XHAL_DTYPE_U8) { /* [20, 200] over the whole range */
      c->attrs.clip_imin = 20;
      c->attrs.clip_imax = 200;
      c->in[0].gen.kind = OPS_GEN_BITS;
    }
  }
}

typedef struct ops_um_shape {
  const char *name;
  ref_shape_t x;
  uint32_t variants;
} ops_um_shape_t;

static void ops_um_register_shapes(conf_registry_t *registry, xhal_op_t op, xhal_dtype_t dtype) {
  const ops_um_shape_t shapes[] = {
      {"scalar", ops_shape(0), 0},
      {"r1_17", ops_shape(1, 17), 0},
      {"r1_4099", ops_shape(1, 4099), 0},
      {"r3_2x3x4", ops_shape(3, 2, 3, 4), OPS_UM_VARIANTS_ALL},
      {"r4_2x3x4x5", ops_shape(4, 2, 3, 4, 5), OPS_UM_VARIANTS_VIEWS},
      {"r6_2x2x3x2x2x3", ops_shape(6, 2, 2, 3, 2, 2, 3), 0},
      {"zero_3x0x4", ops_shape(3, 3, 0, 4), 0},
      {"large_512x1024", ops_shape(2, 512, 1024), 0},
  };
  /* The large shape on one dtype per kind keeps the quick tier quick. */
  const int large = dtype == XHAL_DTYPE_F32 || dtype == XHAL_DTYPE_I32;
  for (size_t n = 0; n < sizeof shapes / sizeof shapes[0] - (large ? 0 : 1); n++) {
    ops_case_t c;
    ops_um_init(&c, op, dtype, shapes[n].x);
    ops_um_default_attrs(&c);
    ops_register(registry, CONF_TIER_QUICK, &c, "%s", shapes[n].name);
    for (uint32_t v = 1; v < OPS_VAR_COUNT; v++) {
      if (!(shapes[n].variants & (1u << v))) continue;
      ops_case_t cv = c;
      ops_apply_variant(&cv, (ops_variant_t)v);
      ops_register(registry, CONF_TIER_QUICK, &cv, "%s%s", shapes[n].name,
                   ops_variant_suffix((ops_variant_t)v));
    }
  }
}

static void ops_um_register_list(conf_registry_t *registry, xhal_op_t op, xhal_dtype_t dtype,
                                 ops_list_t list, const char *name) {
  ops_case_t c;
  ops_um_init(&c, op, dtype, ops_shape(1, (int)ops_list_size(list, dtype)));
  ops_um_default_attrs(&c);
  c.in[0].gen = ops_gen_list(list);
  ops_register(registry, CONF_TIER_QUICK, &c, "%s", name);
}

static void ops_um_register_special(conf_registry_t *registry, xhal_op_t op, xhal_dtype_t dtype) {
  if (!ref_dtype_is_float(dtype)) {
    ops_um_register_list(registry, op, dtype, OPS_LIST_INT_EDGE, "edge");
    ops_case_t c;
    ops_um_init(&c, op, dtype, ops_shape(2, 64, 33));
    ops_um_default_attrs(&c);
    c.in[0].gen.kind = OPS_GEN_BITS;
    ops_register(registry, CONF_TIER_QUICK, &c, "full_range");
    return;
  }
  ops_um_register_list(registry, op, dtype, OPS_LIST_SPECIAL, "special");
  ops_um_register_list(registry, op, dtype, OPS_LIST_SUBNORMAL, "subnormal");
  ops_um_register_list(registry, op, dtype, OPS_LIST_LARGE, "large_magnitude");
  ops_um_register_list(registry, op, dtype, OPS_LIST_TINY, "small_magnitude");
  if (op == XHAL_OP_ROUND || op == XHAL_OP_FLOOR || op == XHAL_OP_CEIL)
    ops_um_register_list(registry, op, dtype, OPS_LIST_HALVES, "halves");
}

/* One case of op on a 4099-vector (plus the special list) with attributes a. */
static void ops_um_register_attrs(conf_registry_t *registry, xhal_op_t op, xhal_dtype_t dtype,
                                  const ops_attrs_t *a, const char *name) {
  ops_case_t c;
  ops_um_init(&c, op, dtype, ops_shape(1, 4099));
  c.attrs = *a;
  ops_register(registry, CONF_TIER_QUICK, &c, "%s", name);
  ops_case_t s = c;
  s.in[0].shape = ops_shape(1, (int)ops_list_size(OPS_LIST_SPECIAL, dtype));
  s.in[0].gen = ops_gen_list(OPS_LIST_SPECIAL);
  if (ref_dtype_is_float(dtype)) ops_register(registry, CONF_TIER_QUICK, &s, "%s.special", name);
}

static ops_attrs_t ops_um_alpha_beta(uint32_t present, double alpha, double beta) {
  ops_attrs_t a;
  memset(&a, 0, sizeof a);
  a.present = present;
  a.alpha = alpha;
  a.beta = beta;
  return a;
}

static ops_attrs_t ops_um_clip(uint32_t present, double lo, double hi) {
  ops_attrs_t a;
  memset(&a, 0, sizeof a);
  a.present = present;
  a.clip_min = lo;
  a.clip_max = hi;
  return a;
}

static ops_attrs_t ops_um_clip_int(uint32_t present, int64_t lo, int64_t hi) {
  ops_attrs_t a;
  memset(&a, 0, sizeof a);
  a.present = present;
  a.clip_int = 1;
  a.clip_imin = lo;
  a.clip_imax = hi;
  return a;
}

static void ops_um_register_float_attrs(conf_registry_t *registry, xhal_dtype_t d) {
  const uint32_t alpha = OPS_ATTR_ALPHA, both = OPS_ATTR_ALPHA | OPS_ATTR_BETA;
  const uint32_t lo = OPS_ATTR_CLIP_MIN, hi = OPS_ATTR_CLIP_MAX, lohi = lo | hi;
  ops_attrs_t a;
  a = ops_um_alpha_beta(0, 0, 0);
  ops_um_register_attrs(registry, XHAL_OP_LEAKY_RELU, d, &a, "alpha_default");
  a = ops_um_alpha_beta(alpha, 0.1, 0);
  ops_um_register_attrs(registry, XHAL_OP_LEAKY_RELU, d, &a, "alpha_0_1");
  a = ops_um_alpha_beta(alpha, -2.5, 0);
  ops_um_register_attrs(registry, XHAL_OP_LEAKY_RELU, d, &a, "alpha_neg2_5");
  a = ops_um_alpha_beta(alpha, 0.0, 0);
  ops_um_register_attrs(registry, XHAL_OP_LEAKY_RELU, d, &a, "alpha_0");
  a = ops_um_alpha_beta(0, 0, 0);
  ops_um_register_attrs(registry, XHAL_OP_HARD_SIGMOID, d, &a, "alpha_beta_default");
  a = ops_um_alpha_beta(both, 0.5, 0.6);
  ops_um_register_attrs(registry, XHAL_OP_HARD_SIGMOID, d, &a, "alpha_0_5_beta_0_6");
  a = ops_um_alpha_beta(both, -1.0, 0.25);
  ops_um_register_attrs(registry, XHAL_OP_HARD_SIGMOID, d, &a, "alpha_neg1_beta_0_25");
  a = ops_um_alpha_beta(OPS_ATTR_BETA, 0, 0.1);
  ops_um_register_attrs(registry, XHAL_OP_HARD_SIGMOID, d, &a, "beta_0_1");
  a = ops_um_alpha_beta(0, 0, 0);
  ops_um_register_attrs(registry, XHAL_OP_ELU, d, &a, "alpha_default");
  a = ops_um_alpha_beta(alpha, 2.0, 0);
  ops_um_register_attrs(registry, XHAL_OP_ELU, d, &a, "alpha_2");
  a = ops_um_alpha_beta(alpha, 0.3, 0);
  ops_um_register_attrs(registry, XHAL_OP_ELU, d, &a, "alpha_0_3");
  a = ops_um_alpha_beta(OPS_ATTR_APPROXIMATE, 0, 0);
  a.approximate = "none";
  ops_um_register_attrs(registry, XHAL_OP_GELU, d, &a, "approximate_none");
  a.approximate = "tanh";
  ops_um_register_attrs(registry, XHAL_OP_GELU, d, &a, "approximate_tanh");
  a = ops_um_clip(0, 0, 0);
  ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "no_bounds");
  a = ops_um_clip(lo, -1.5, 0);
  ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "min_only");
  a = ops_um_clip(hi, 0, 2.25);
  ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "max_only");
  a = ops_um_clip(lohi, 3.0, -3.0);
  ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "min_above_max");
  a = ops_um_clip(lohi, -0.1, 0.1); /* bounds that round to f32 and f16 */
  ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "inexact_bounds");
  a = ops_um_clip(lohi, 0.0, 1.0e6); /* max beyond f16: no upper bound there */
  ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "min_0_max_1e6");
  a = ops_um_clip(lohi, -INFINITY, INFINITY);
  ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "infinite_bounds");
}

static void ops_um_register_int_attrs(conf_registry_t *registry, xhal_dtype_t d) {
  const uint32_t lo = OPS_ATTR_CLIP_MIN, hi = OPS_ATTR_CLIP_MAX, lohi = lo | hi;
  ops_attrs_t a;
  a = ops_um_clip_int(0, 0, 0);
  ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "no_bounds");
  a = ops_um_clip_int(lo, -7, 0);
  ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "min_only");
  a = ops_um_clip_int(hi, 0, 123456);
  ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "max_only");
  a = ops_um_clip_int(lohi, 5, -5);
  ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "min_above_max");
  a = ops_um_clip(lohi, -100.0, 250.0);
  ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "float_bounds");
  if (d == XHAL_DTYPE_I64) {
    /* Exact bounds that no f32/f64 holds: why integer Clip takes INT. */
    a = ops_um_clip_int(lohi, INT64_C(-9007199254740993), INT64_C(9007199254740993));
    ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "bounds_2p53_plus_1");
  } else {
    /* INT bounds beyond i32 saturate to the dtype's range. */
    a = ops_um_clip_int(lohi, INT64_C(-10000000000), INT64_C(10000000000));
    ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "bounds_beyond_i32");
  }
}

/* u8 Clip: bounds in range, past it (saturated to 0..255), FLOAT bounds. */
static void ops_um_register_u8_attrs(conf_registry_t *registry) {
  const uint32_t lo = OPS_ATTR_CLIP_MIN, hi = OPS_ATTR_CLIP_MAX, lohi = lo | hi;
  const xhal_dtype_t d = XHAL_DTYPE_U8;
  ops_attrs_t a;
  a = ops_um_clip_int(0, 0, 0);
  ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "no_bounds");
  a = ops_um_clip_int(lo, 100, 0);
  ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "min_only");
  a = ops_um_clip_int(hi, 0, 100);
  ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "max_only");
  a = ops_um_clip_int(lohi, 150, 50);
  ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "min_above_max");
  a = ops_um_clip_int(lohi, -7, 300);
  ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "bounds_beyond_u8");
  a = ops_um_clip(lohi, -100.0, 250.0);
  ops_um_register_attrs(registry, XHAL_OP_CLIP, d, &a, "float_bounds");
}

/* ---- must-reject calls --------------------------------------------------------------------- */
static void ops_um_inv(conf_registry_t *registry, const ops_case_t *base, ops_invalid_t kind,
                       const ops_attrs_t *bad, const char *name) {
  ops_case_t c = *base;
  c.invalid = kind;
  if (bad) c.bad_attrs = *bad;
  ops_register(registry, CONF_TIER_QUICK, &c, "invalid_%s", name);
}

static void ops_um_register_invalid(conf_registry_t *registry) {
  for (size_t o = 0; o < OPS_UM_FLOAT_OP_COUNT; o++) {
    ops_case_t c;
    ops_um_init(&c, OPS_UM_FLOAT_OPS[o], XHAL_DTYPE_F32, ops_shape(2, 4, 3));
    ops_um_default_attrs(&c);
    ops_um_inv(registry, &c, OPS_INVALID_OUTPUT_SHAPE, NULL, "output_shape");
    ops_um_inv(registry, &c, OPS_INVALID_UNKNOWN_ATTR, NULL, "unknown_attribute");
  }
  ops_case_t c;
  ops_attrs_t a;
  ops_um_init(&c, XHAL_OP_LEAKY_RELU, XHAL_DTYPE_F32, ops_shape(2, 4, 3));
  c.attrs = ops_um_alpha_beta(OPS_ATTR_ALPHA, 0.2, 0);
  ops_um_inv(registry, &c, OPS_INVALID_ATTR_TYPE, NULL, "attribute_type");
  ops_um_inv(registry, &c, OPS_INVALID_OUTPUT_DTYPE, NULL, "output_dtype");
  ops_um_inv(registry, &c, OPS_INVALID_INPUT_COUNT, NULL, "input_count");
  a = ops_um_alpha_beta(OPS_ATTR_ALPHA | OPS_ATTR_BETA, 0.2, 0.5);
  ops_um_inv(registry, &c, OPS_INVALID_ATTR, &a, "beta");
  ops_um_init(&c, XHAL_OP_HARD_SWISH, XHAL_DTYPE_F32, ops_shape(2, 4, 3));
  a = ops_um_alpha_beta(OPS_ATTR_ALPHA, 0.2, 0);
  ops_um_inv(registry, &c, OPS_INVALID_ATTR, &a, "alpha");
  ops_um_init(&c, XHAL_OP_GELU, XHAL_DTYPE_F32, ops_shape(2, 4, 3));
  a = ops_um_alpha_beta(OPS_ATTR_APPROXIMATE, 0, 0);
  a.approximate = "erf";
  ops_um_inv(registry, &c, OPS_INVALID_ATTR, &a, "approximate_erf");
  a.approximate = "Tanh";
  ops_um_inv(registry, &c, OPS_INVALID_ATTR, &a, "approximate_case");
  c.attrs = a;
  c.attrs.approximate = "tanh";
  ops_um_inv(registry, &c, OPS_INVALID_ATTR_TYPE, NULL, "attribute_type");
  /* Clip */
  ops_um_init(&c, XHAL_OP_CLIP, XHAL_DTYPE_F32, ops_shape(2, 4, 3));
  ops_um_default_attrs(&c);
  ops_um_inv(registry, &c, OPS_INVALID_INPUT_COUNT, NULL, "input_count");
  ops_um_inv(registry, &c, OPS_INVALID_ATTR_TYPE, NULL, "attribute_type");
  a = ops_um_clip(OPS_ATTR_CLIP_MIN, NAN, 0);
  ops_um_inv(registry, &c, OPS_INVALID_ATTR, &a, "min_nan");
  a = ops_um_clip(OPS_ATTR_CLIP_MAX, 0, NAN);
  ops_um_inv(registry, &c, OPS_INVALID_ATTR, &a, "max_nan");
  a = ops_um_clip_int(OPS_ATTR_CLIP_MIN, 1, 0);
  ops_um_inv(registry, &c, OPS_INVALID_ATTR, &a, "int_bound");
  for (size_t d = 0; d < 2; d++) {
    ops_um_init(&c, XHAL_OP_CLIP, OPS_UM_INTS[d], ops_shape(2, 4, 3));
    ops_um_default_attrs(&c);
    a = ops_um_clip(OPS_ATTR_CLIP_MIN, 2.5, 0);
    ops_um_inv(registry, &c, OPS_INVALID_ATTR, &a, "fractional_bound");
    a = ops_um_clip(OPS_ATTR_CLIP_MAX, 0, NAN);
    ops_um_inv(registry, &c, OPS_INVALID_ATTR, &a, "max_nan");
    ops_um_inv(registry, &c, OPS_INVALID_OUTPUT_DTYPE, NULL, "output_dtype");
    ops_um_init(&c, XHAL_OP_SIGN, OPS_UM_INTS[d], ops_shape(2, 4, 3));
    ops_um_inv(registry, &c, OPS_INVALID_OUTPUT_SHAPE, NULL, "output_shape");
  }
}

void ops_register_unary_math(conf_registry_t *registry) {
  for (size_t o = 0; o < OPS_UM_FLOAT_OP_COUNT; o++) {
    for (size_t d = 0; d < 2; d++) {
      ops_um_register_shapes(registry, OPS_UM_FLOAT_OPS[o], OPS_UM_FLOATS[d]);
      ops_um_register_special(registry, OPS_UM_FLOAT_OPS[o], OPS_UM_FLOATS[d]);
    }
  }
  static const xhal_op_t int_ops[] = {XHAL_OP_SIGN, XHAL_OP_CLIP};
  for (size_t o = 0; o < 2; o++) {
    for (size_t d = 0; d < 2; d++) {
      ops_um_register_shapes(registry, int_ops[o], OPS_UM_INTS[d]);
      ops_um_register_special(registry, int_ops[o], OPS_UM_INTS[d]);
    }
  }
  for (size_t d = 0; d < 2; d++) {
    ops_um_register_float_attrs(registry, OPS_UM_FLOATS[d]);
    ops_um_register_int_attrs(registry, OPS_UM_INTS[d]);
  }
  for (size_t o = 0; o < 2; o++) { /* u8 (ONNX allows uint8): Sign is 0 or 1 */
    ops_um_register_shapes(registry, int_ops[o], XHAL_DTYPE_U8);
    ops_um_register_special(registry, int_ops[o], XHAL_DTYPE_U8);
  }
  ops_um_register_u8_attrs(registry);
  ops_um_register_invalid(registry);
}

/*
 * area_ops_binary.c - cases of the binary group: Pow, Min, Max, PRelu,
 * Equal, Less, Greater, LessOrEqual, GreaterOrEqual, Where, Not, And, Or,
 * and the u8/bool dtypes of Add, Sub, Mul, Div, Abs and Cast.
 *
 * Every (op, dtype) gets the short set of shape classes (scalar, rank 2,
 * transposed views, broadcasting with mixed layouts and offsets, zero-size,
 * one large broadcast); one dtype per op also gets the full set (ranks 1..6,
 * every layout variant). Then special values (every pair of a list, as in
 * area_ops_special.c), the variadic Min/Max arities, mixed-dtype Pow, and
 * must-reject calls.
 *
 * Names: ops.<op>.<dtype>.<shape class>[.<variant>]; Pow with an exponent of
 * another dtype: ops.pow.<base>.exp_<dtype>.<shape class> (an integer base
 * with a float exponent also .exp_<dtype>.special and .exact); Min/Max with n
 * inputs: ops.min.<dtype>.n<n>_<shape class>; casts: ops.cast.<from>.to_<to>.*.
 * Never rename a case.
 */
#include <stdio.h>

#include "area_ops.h"
#include "ref_dtype.h"

typedef struct ops_bin_shape {
  const char *name;
  ref_shape_t a, b;
  ops_variant_t variant;
} ops_bin_shape_t;

#define OPS_BIN_SHORT 6

static size_t ops_bin_shapes(ops_bin_shape_t *s, int full) {
  size_t n = 0;
#define OPS_S(nm, A, B, v) s[n++] = (ops_bin_shape_t){nm, A, B, v}
  OPS_S("scalar", ops_shape(0), ops_shape(0), OPS_VAR_NONE);
  OPS_S("r2_5x7", ops_shape(2, 5, 7), ops_shape(2, 5, 7), OPS_VAR_NONE);
  OPS_S("r3_2x3x4", ops_shape(3, 2, 3, 4), ops_shape(3, 2, 3, 4), OPS_VAR_TRANSPOSED);
  OPS_S("bcast_4x1x3_1x5x1", ops_shape(3, 4, 1, 3), ops_shape(3, 1, 5, 1), OPS_VAR_MIXED);
  OPS_S("zero_3x0x4_3x1x4", ops_shape(3, 3, 0, 4), ops_shape(3, 3, 1, 4), OPS_VAR_NONE);
  OPS_S("bcast_256x1024_1024", ops_shape(2, 256, 1024), ops_shape(1, 1024), OPS_VAR_NONE);
  if (full) {
    OPS_S("r1_17", ops_shape(1, 17), ops_shape(1, 17), OPS_VAR_NONE);
    OPS_S("r1_4099", ops_shape(1, 4099), ops_shape(1, 4099), OPS_VAR_NONE);
    OPS_S("r3_2x3x4", ops_shape(3, 2, 3, 4), ops_shape(3, 2, 3, 4), OPS_VAR_NONE);
    OPS_S("r3_2x3x4", ops_shape(3, 2, 3, 4), ops_shape(3, 2, 3, 4), OPS_VAR_STRIDED);
    OPS_S("r3_2x3x4", ops_shape(3, 2, 3, 4), ops_shape(3, 2, 3, 4), OPS_VAR_OFFSET);
    OPS_S("r3_2x3x4", ops_shape(3, 2, 3, 4), ops_shape(3, 2, 3, 4), OPS_VAR_EXPANDED);
    OPS_S("r3_2x3x4", ops_shape(3, 2, 3, 4), ops_shape(3, 2, 3, 4), OPS_VAR_MIXED);
    OPS_S("r3_2x3x4", ops_shape(3, 2, 3, 4), ops_shape(3, 2, 3, 4), OPS_VAR_OUT_STRIDED);
    OPS_S("r4_2x3x4x5", ops_shape(4, 2, 3, 4, 5), ops_shape(4, 2, 3, 4, 5), OPS_VAR_NONE);
    OPS_S("r5_2x3x2x3x2", ops_shape(5, 2, 3, 2, 3, 2), ops_shape(5, 2, 3, 2, 3, 2),
          OPS_VAR_NONE);
    OPS_S("r6_2x2x3x2x2x3", ops_shape(6, 2, 2, 3, 2, 2, 3), ops_shape(6, 2, 2, 3, 2, 2, 3),
          OPS_VAR_STRIDED);
    OPS_S("bcast_3x4_4", ops_shape(2, 3, 4), ops_shape(1, 4), OPS_VAR_NONE);
    OPS_S("bcast_scalar_2x3x4", ops_shape(0), ops_shape(3, 2, 3, 4), OPS_VAR_NONE);
    OPS_S("bcast_2x3x1x5_3x4x1", ops_shape(4, 2, 3, 1, 5), ops_shape(3, 3, 4, 1),
          OPS_VAR_STRIDED);
    OPS_S("zero_0", ops_shape(1, 0), ops_shape(1, 0), OPS_VAR_NONE);
    OPS_S("large_1024x1024", ops_shape(2, 1024, 1024), ops_shape(2, 1024, 1024), OPS_VAR_NONE);
  }
#undef OPS_S
  return n;
}

/* Input values per op: small integers where ties matter (comparisons,
 * Min/Max), Pow operands that stay in range. */
static ops_gen_t ops_bin_gen(xhal_op_t op, xhal_dtype_t base, xhal_dtype_t dtype, uint32_t k) {
  ops_gen_t ints = {OPS_GEN_INTS, 0, 0, -3, 3};
  if (op == XHAL_OP_POW && k == 1 && dtype == XHAL_DTYPE_U8) /* like the other int exponents */
    return (ops_gen_t){OPS_GEN_INTS, 0, 0, 0,
                       ref_dtype_is_float(base) ? 8 : base == XHAL_DTYPE_I32 ? 12 : 24};
  /* An integer base with a float exponent: the result is truncated, which
   * is discontinuous at integers, so the exponents come from a list whose
   * float64 powers of the bases used here (integers in [-6, 6]) are either
   * exact (0^y, 1^y, 4^0.5, 4^1.5, 4^2.5, integral y) or at least 6e-5
   * relative away from an integer (checked for every pair with the f32 and
   * the f16 rounding of the list): no value within 1e-9 relative of an
   * integer, where a pow that is not correctly rounded could truncate the
   * other way. Integral exponents keep |result| below 2^53 or past the
   * dtype's range. */
  if (op == XHAL_OP_POW && k == 1 && ref_dtype_is_float(dtype) && !ref_dtype_is_float(base))
    return ops_gen_list(OPS_LIST_POW_EXPONENTS);
  if (dtype == XHAL_DTYPE_U8 || dtype == XHAL_DTYPE_BOOL)
    return op == XHAL_OP_EQUAL || op == XHAL_OP_MIN || op == XHAL_OP_MAX ||
                   op == XHAL_OP_LESS || op == XHAL_OP_GREATER ||
                   op == XHAL_OP_LESS_OR_EQUAL || op == XHAL_OP_GREATER_OR_EQUAL
               ? (ops_gen_t){OPS_GEN_INTS, 0, 0, 0, dtype == XHAL_DTYPE_BOOL ? 1 : 5}
               : ops_default_gen(op, dtype, k, dtype);
  switch (op) {
  case XHAL_OP_POW:
    if (k == 0) {
      if (!ref_dtype_is_float(dtype)) return (ops_gen_t){OPS_GEN_INTS, 0, 0, -6, 6};
      return ops_gen_uniform(0.0, 4.0); /* an integer exponent also gets negative bases */
    }
    if (ref_dtype_is_float(dtype)) return ops_gen_uniform(-4.0, 4.0);
    if (ref_dtype_is_float(base)) return (ops_gen_t){OPS_GEN_INTS, 0, 0, -8, 8};
    return (ops_gen_t){OPS_GEN_INTS, 0, 0, -2, base == XHAL_DTYPE_I32 ? 12 : 24};
  case XHAL_OP_MIN:
  case XHAL_OP_MAX:
    return ref_dtype_is_float(dtype) && k % 2 ? ops_gen_uniform(-4.0, 4.0) : ints;
  case XHAL_OP_PRELU:
    if (ref_dtype_is_float(dtype)) return ops_gen_uniform(-4.0, 4.0);
    return k == 0 ? ops_default_gen(XHAL_OP_MUL, dtype, k, dtype) : ints;
  default: return ints; /* comparisons, Where's X and Y */
  }
}

static void ops_bin_init(ops_case_t *c, xhal_op_t op, xhal_dtype_t dtype, uint32_t n,
                         const ref_shape_t *shapes) {
  ops_case_init(c, op, dtype, n, shapes);
  if (op == XHAL_OP_WHERE) c->in[0].dtype = XHAL_DTYPE_BOOL;
  for (uint32_t k = 0; k < n; k++)
    c->in[k].gen = ops_bin_gen(op, dtype, ops_input_dtype(c, k), k);
}

static void ops_bin_register(conf_registry_t *registry, const ops_case_t *base,
                             const char *prefix, const ops_bin_shape_t *s) {
  ops_case_t c = *base;
  ops_apply_variant(&c, s->variant);
  ops_register(registry, CONF_TIER_QUICK, &c, "%s%s%s", prefix, s->name,
               ops_variant_suffix(s->variant));
}

/* Two-input op (Where: cond a-shaped, X b-shaped, Y a-shaped). exp: Pow's
 * exponent dtype (0: the base's). */
static void ops_bin_shapes_register(conf_registry_t *registry, xhal_op_t op, xhal_dtype_t dtype,
                                    xhal_dtype_t exp, int full) {
  ops_bin_shape_t shapes[32];
  size_t count = ops_bin_shapes(shapes, full);
  char prefix[32] = "";
  if (exp) snprintf(prefix, sizeof prefix, "exp_%s.", ref_dtype_name(exp));
  for (size_t n = 0; n < count; n++) {
    ref_shape_t in[3] = {shapes[n].a, shapes[n].b, shapes[n].a};
    ops_case_t c;
    uint32_t inputs = op == XHAL_OP_WHERE ? 3 : op == XHAL_OP_NOT || op == XHAL_OP_ABS ? 1 : 2;
    if (op == XHAL_OP_PRELU) { /* slope: b's dims that broadcast to X, 1 elsewhere */
      const ref_shape_t *x = &shapes[n].a;
      in[1] = x->rank >= shapes[n].b.rank ? shapes[n].b : ops_shape(0);
      for (uint32_t d = 0; d < in[1].rank; d++)
        if (in[1].dims[d] != x->dims[x->rank - in[1].rank + d]) in[1].dims[d] = 1;
    }
    ops_bin_init(&c, op, dtype, inputs, in);
    if (exp) {
      c.in[1].dtype = exp;
      c.in[1].gen = ops_bin_gen(op, dtype, exp, 1);
      if (ref_dtype_is_float(dtype) && !ref_dtype_is_float(exp))
        c.in[0].gen = ops_gen_uniform(-4.0, 4.0);
    }
    ops_bin_register(registry, &c, prefix, &shapes[n]);
  }
}

/* Every pair of a list: input 0 an n x 1 column, input 1 a 1 x n row. */
static void ops_bin_list(conf_registry_t *registry, xhal_op_t op, xhal_dtype_t dtype,
                         xhal_dtype_t exp, ops_list_t l0, ops_list_t l1, const char *name) {
  int n0 = (int)ops_list_size(l0, dtype), n1 = (int)ops_list_size(l1, exp ? exp : dtype);
  ref_shape_t in[2] = {ops_shape(2, n0, 1), ops_shape(2, 1, n1)};
  /* PRelu's slope broadcasts to X only: X (n0, n1 + 1) pairs the slope row
   * with shifted copies of the list. */
  if (op == XHAL_OP_PRELU) in[1] = ops_shape(1, n1 + 1), in[0] = ops_shape(2, n0, n1 + 1);
  ops_case_t c;
  ops_bin_init(&c, op, dtype, 2, in);
  if (exp) c.in[1].dtype = exp;
  c.in[0].gen = ops_gen_list(l0);
  c.in[1].gen = ops_gen_list(l1);
  if (exp)
    ops_register(registry, CONF_TIER_QUICK, &c, "exp_%s.%s", ref_dtype_name(exp), name);
  else
    ops_register(registry, CONF_TIER_QUICK, &c, "%s", name);
}

static const xhal_dtype_t OPS_BIN_FLOATS[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16};
static const xhal_dtype_t OPS_BIN_INTS[] = {XHAL_DTYPE_I32, XHAL_DTYPE_I64};
static const xhal_dtype_t OPS_BIN_ALL[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16, XHAL_DTYPE_I32,
                                           XHAL_DTYPE_I64, XHAL_DTYPE_U8, XHAL_DTYPE_BOOL};

/* dtypes: the first `count` of OPS_BIN_ALL; the first gets the full set. */
static void ops_bin_op(conf_registry_t *registry, xhal_op_t op, size_t count) {
  for (size_t d = 0; d < count; d++)
    ops_bin_shapes_register(registry, op, OPS_BIN_ALL[d], 0, d == 0);
}

/* ---- Min/Max: 1..8 inputs ------------------------------------------------------------------ */
static void ops_minmax_arity(conf_registry_t *registry, xhal_op_t op, xhal_dtype_t dtype) {
  static const struct {
    uint32_t n;
    const char *name;
    ops_variant_t variant;
  } cases[] = {
      {1, "r3_2x3x4", OPS_VAR_STRIDED},    {3, "r3_2x3x4", OPS_VAR_NONE},
      {3, "r3_2x3x4", OPS_VAR_MIXED},      {8, "r3_2x3x4", OPS_VAR_NONE},
      {8, "bcast_mixed", OPS_VAR_NONE},    {8, "bcast_mixed", OPS_VAR_MIXED},
      {5, "large_1024x1024", OPS_VAR_NONE},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ref_shape_t in[8];
    for (uint32_t k = 0; k < 8; k++) in[k] = ops_shape(3, 2, 3, 4);
    if (cases[i].name[0] == 'b') { /* every input a different broadcast */
      in[0] = ops_shape(3, 2, 1, 4), in[1] = ops_shape(1, 4), in[2] = ops_shape(0);
      in[3] = ops_shape(3, 2, 3, 1), in[4] = ops_shape(2, 3, 4), in[5] = ops_shape(3, 1, 3, 1);
      in[6] = ops_shape(4, 1, 2, 3, 4), in[7] = ops_shape(1, 1);
    } else if (cases[i].name[0] == 'l') {
      for (uint32_t k = 0; k < 8; k++) in[k] = ops_shape(2, 1024, 1024);
      in[2] = ops_shape(1, 1024);
    }
    if (cases[i].name[0] == 'l' && dtype != XHAL_DTYPE_F32) continue; /* one large case */
    ops_case_t c;
    ops_bin_init(&c, op, dtype, cases[i].n, in);
    ops_apply_variant(&c, cases[i].variant);
    ops_register(registry, CONF_TIER_QUICK, &c, "n%u_%s%s", cases[i].n, cases[i].name,
                 ops_variant_suffix(cases[i].variant));
  }
}

/* ---- Casts to and from u8/bool ------------------------------------------------------------ */
static void ops_cast_small(conf_registry_t *registry, xhal_dtype_t from, xhal_dtype_t to) {
  static const struct {
    const char *name;
    ref_shape_t shape;
    ops_variant_t variant;
  } cases[] = {
      {"scalar", {0, {0}}, OPS_VAR_NONE},
      {"r1_4099", {1, {4099}}, OPS_VAR_NONE},
      {"r3_2x3x4", {3, {2, 3, 4}}, OPS_VAR_TRANSPOSED},
      {"r3_2x3x4", {3, {2, 3, 4}}, OPS_VAR_OFFSET},
      {"zero_3x0", {2, {3, 0}}, OPS_VAR_NONE},
  };
  for (size_t n = 0; n < sizeof cases / sizeof cases[0]; n++) {
    ops_case_t c;
    ops_case_init(&c, XHAL_OP_CAST, from, 1, &cases[n].shape);
    c.in[0].gen = ops_default_gen(XHAL_OP_CAST, from, 0, to);
    c.attrs.present |= OPS_ATTR_TO;
    c.attrs.to = to;
    ops_apply_variant(&c, cases[n].variant);
    ops_register(registry, CONF_TIER_QUICK, &c, "to_%s.%s%s", ref_dtype_name(to), cases[n].name,
                 ops_variant_suffix(cases[n].variant));
  }
  ops_list_t list = ref_dtype_is_float(from) ? OPS_LIST_CAST_TO_INT
                    : from == XHAL_DTYPE_I32 || from == XHAL_DTYPE_I64 ? OPS_LIST_INT_EDGE
                                                                       : OPS_LIST_COUNT;
  if (list == OPS_LIST_COUNT) return;
  ref_shape_t shape = ops_shape(1, (int)ops_list_size(list, from));
  ops_case_t c;
  ops_case_init(&c, XHAL_OP_CAST, from, 1, &shape);
  c.in[0].gen = ops_gen_list(list);
  c.attrs.present |= OPS_ATTR_TO;
  c.attrs.to = to;
  ops_register(registry, CONF_TIER_QUICK, &c, "to_%s.edge", ref_dtype_name(to));
  if (ref_dtype_is_float(from)) {
    shape = ops_shape(1, (int)ops_list_size(OPS_LIST_SPECIAL, from));
    ops_case_init(&c, XHAL_OP_CAST, from, 1, &shape);
    c.in[0].gen = ops_gen_list(OPS_LIST_SPECIAL);
    c.attrs.present |= OPS_ATTR_TO;
    c.attrs.to = to;
    ops_register(registry, CONF_TIER_QUICK, &c, "to_%s.special", ref_dtype_name(to));
  }
}

/* ---- Pow: integer base, float exponent ----------------------------------------------------- */
/* Every pair of the INT_EDGE bases and the exponent list (NaN, +-Inf, +-0,
 * integral incl. +-max, non-integral; negative bases with integral and
 * non-integral exponents; saturation), then chosen pairs with an exact
 * result (OPS_LIST_POW_EXACT: 4^0.5, 9^1.5, 2^-1, (-2)^3, 0^0, 0^-1, 2^31,
 * 3^33...) in 1-D tensors, element i of one with element i of the other.
 * The edge pairs' non-integral results are exact or at least 1e-11
 * relative ((2^63)^0.5 in i64) away from an integer, far above pow's error. */
static void ops_pow_int_float_special(conf_registry_t *registry, xhal_dtype_t base,
                                      xhal_dtype_t exp) {
  ops_bin_list(registry, XHAL_OP_POW, base, exp, OPS_LIST_INT_EDGE, OPS_LIST_POW_EXPONENTS,
               "special");
  ref_shape_t in[2] = {ops_shape(1, (int)ops_list_size(OPS_LIST_POW_EXACT, exp)),
                       ops_shape(1, (int)ops_list_size(OPS_LIST_POW_EXACT, exp))};
  ops_case_t c;
  ops_bin_init(&c, XHAL_OP_POW, base, 2, in);
  c.in[1].dtype = exp;
  c.in[0].gen = ops_gen_list(OPS_LIST_POW_EXACT); /* the list's integers */
  c.in[1].gen = ops_gen_list(OPS_LIST_POW_EXACT); /* its floats */
  ops_register(registry, CONF_TIER_QUICK, &c, "exp_%s.exact", ref_dtype_name(exp));
}

/* ---- Must-reject calls -------------------------------------------------------------------- */
static void ops_bin_invalid(conf_registry_t *registry, xhal_op_t op, xhal_dtype_t dtype,
                            uint32_t inputs) {
  ref_shape_t in[3] = {ops_shape(2, 4, 3), ops_shape(2, 4, 3), ops_shape(2, 4, 3)};
  if (op == XHAL_OP_PRELU) in[1] = ops_shape(1, 3);
  ops_case_t c;
  ops_bin_init(&c, op, dtype, inputs, in);
  static const struct {
    ops_invalid_t kind;
    const char *name;
  } kinds[] = {
      {OPS_INVALID_OUTPUT_SHAPE, "output_shape"},   {OPS_INVALID_OUTPUT_DTYPE, "output_dtype"},
      {OPS_INVALID_OUT_OF_BUFFER, "out_of_buffer"}, {OPS_INVALID_UNKNOWN_ATTR, "unknown_attribute"},
      {OPS_INVALID_INPUT_COUNT, "input_count"},     {OPS_INVALID_INPUT_DTYPE, "input_dtype"},
  };
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    /* Pow's exponent may differ from the base (f32 ^ f16 is valid);
     * Min/Max with one input has no input 1. */
    if (kinds[k].kind == OPS_INVALID_INPUT_DTYPE && (op == XHAL_OP_POW || inputs < 2)) continue;
    /* Min/Max with one input fewer is still valid unless none is left. */
    if (kinds[k].kind == OPS_INVALID_INPUT_COUNT && (op == XHAL_OP_MIN || op == XHAL_OP_MAX) &&
        inputs > 1)
      continue;
    ops_case_t bad = c;
    bad.invalid = kinds[k].kind;
    ops_register(registry, CONF_TIER_QUICK, &bad, "invalid_%s", kinds[k].name);
  }
  if (inputs < 2) return;
  ops_case_t bad = c;
  bad.invalid = OPS_INVALID_INPUT_SHAPE;
  bad.bad_input = 1;
  bad.bad_shape = ops_shape(2, 5, 3);
  ops_register(registry, CONF_TIER_QUICK, &bad, "invalid_broadcast");
  if (op == XHAL_OP_PRELU) { /* slope must broadcast to X, not X to slope */
    bad.bad_shape = ops_shape(3, 2, 4, 3);
    ops_register(registry, CONF_TIER_QUICK, &bad, "invalid_slope_rank");
  }
}

/* Pow: a bool exponent and a u8 base are not ONNX Pow types. */
static void ops_pow_invalid_dtypes(conf_registry_t *registry) {
  static const struct {
    xhal_dtype_t base;
    uint32_t input;
    xhal_dtype_t bad;
    const char *name;
  } cases[] = {
      {XHAL_DTYPE_F32, 1, XHAL_DTYPE_BOOL, "exponent_bool"},
      {XHAL_DTYPE_I32, 1, XHAL_DTYPE_BOOL, "exponent_bool"},
      {XHAL_DTYPE_F32, 0, XHAL_DTYPE_U8, "base_u8"},
      {XHAL_DTYPE_I64, 0, XHAL_DTYPE_U8, "base_u8"},
  };
  for (size_t n = 0; n < sizeof cases / sizeof cases[0]; n++) {
    ref_shape_t in[2] = {ops_shape(2, 4, 3), ops_shape(2, 4, 3)};
    ops_case_t c;
    ops_bin_init(&c, XHAL_OP_POW, cases[n].base, 2, in);
    c.invalid = OPS_INVALID_INPUT_DTYPE;
    c.bad_input = cases[n].input;
    c.bad_dtype = cases[n].bad;
    ops_register(registry, CONF_TIER_QUICK, &c, "invalid_%s", cases[n].name);
  }
}

void ops_register_binary_group(conf_registry_t *registry) {
  /* Shape classes. */
  ops_bin_op(registry, XHAL_OP_POW, 4);
  ops_bin_op(registry, XHAL_OP_MIN, 5);
  ops_bin_op(registry, XHAL_OP_MAX, 5);
  ops_bin_op(registry, XHAL_OP_PRELU, 4);
  ops_bin_op(registry, XHAL_OP_EQUAL, 6);
  ops_bin_op(registry, XHAL_OP_LESS, 5);
  ops_bin_op(registry, XHAL_OP_GREATER, 5);
  ops_bin_op(registry, XHAL_OP_LESS_OR_EQUAL, 5);
  ops_bin_op(registry, XHAL_OP_GREATER_OR_EQUAL, 5);
  ops_bin_op(registry, XHAL_OP_WHERE, 6);
  for (size_t d = 0; d < 2; d++) { /* exponents of another dtype */
    ops_bin_shapes_register(registry, XHAL_OP_POW, OPS_BIN_FLOATS[d], OPS_BIN_INTS[0], 0);
    ops_bin_shapes_register(registry, XHAL_OP_POW, OPS_BIN_FLOATS[d], OPS_BIN_INTS[1], 0);
    ops_bin_shapes_register(registry, XHAL_OP_POW, OPS_BIN_FLOATS[d], OPS_BIN_FLOATS[1 - d], 0);
    ops_bin_shapes_register(registry, XHAL_OP_POW, OPS_BIN_INTS[d], OPS_BIN_INTS[1 - d], 0);
    /* An integer base with a float exponent (i32 ^ f32 gets the full set). */
    ops_bin_shapes_register(registry, XHAL_OP_POW, OPS_BIN_INTS[d], XHAL_DTYPE_F32, d == 0);
    ops_bin_shapes_register(registry, XHAL_OP_POW, OPS_BIN_INTS[d], XHAL_DTYPE_F16, 0);
  }
  for (size_t d = 0; d < 4; d++) /* u8 exponents of every base */
    ops_bin_shapes_register(registry, XHAL_OP_POW, OPS_BIN_ALL[d], XHAL_DTYPE_U8, 0);
  ops_bin_shapes_register(registry, XHAL_OP_AND, XHAL_DTYPE_BOOL, 0, 1);
  ops_bin_shapes_register(registry, XHAL_OP_OR, XHAL_DTYPE_BOOL, 0, 1);
  ops_bin_shapes_register(registry, XHAL_OP_NOT, XHAL_DTYPE_BOOL, 0, 1);
  static const xhal_op_t u8_ops[] = {XHAL_OP_ADD, XHAL_OP_SUB, XHAL_OP_MUL, XHAL_OP_DIV,
                                     XHAL_OP_ABS};
  for (size_t o = 0; o < sizeof u8_ops / sizeof u8_ops[0]; o++) {
    ops_bin_shapes_register(registry, u8_ops[o], XHAL_DTYPE_U8, 0, 0);
    if (u8_ops[o] == XHAL_OP_ABS) continue;
    ref_shape_t in[2] = {ops_shape(2, 64, 33), ops_shape(2, 64, 33)};
    ops_case_t c;
    ops_case_init(&c, u8_ops[o], XHAL_DTYPE_U8, 2, in);
    ops_register(registry, CONF_TIER_QUICK, &c, "full_range");
  }
  for (size_t d = 0; d < 5; d++) {
    ops_minmax_arity(registry, XHAL_OP_MIN, OPS_BIN_ALL[d]);
    ops_minmax_arity(registry, XHAL_OP_MAX, OPS_BIN_ALL[d]);
  }

  /* Special values: NaN, +-Inf, +-0, +-max, subnormals; integer edges. */
  static const xhal_op_t float_ops[] = {XHAL_OP_POW, XHAL_OP_MIN, XHAL_OP_MAX, XHAL_OP_PRELU,
                                        XHAL_OP_EQUAL, XHAL_OP_LESS, XHAL_OP_GREATER,
                                        XHAL_OP_LESS_OR_EQUAL, XHAL_OP_GREATER_OR_EQUAL};
  for (size_t o = 0; o < sizeof float_ops / sizeof float_ops[0]; o++) {
    for (size_t d = 0; d < 2; d++) {
      ops_bin_list(registry, float_ops[o], OPS_BIN_FLOATS[d], 0, OPS_LIST_SPECIAL,
                   OPS_LIST_SPECIAL, "special");
      ops_bin_list(registry, float_ops[o], OPS_BIN_FLOATS[d], 0, OPS_LIST_SUBNORMAL,
                   OPS_LIST_SUBNORMAL, "subnormal");
      ops_bin_list(registry, float_ops[o], OPS_BIN_INTS[d], 0, OPS_LIST_INT_EDGE,
                   OPS_LIST_INT_EDGE, "edge");
    }
  }
  for (size_t d = 0; d < 2; d++) {
    ops_bin_list(registry, XHAL_OP_POW, OPS_BIN_FLOATS[d], XHAL_DTYPE_I32, OPS_LIST_SPECIAL,
                 OPS_LIST_INT_EDGE, "special");
    ops_bin_list(registry, XHAL_OP_POW, OPS_BIN_FLOATS[d], XHAL_DTYPE_I64, OPS_LIST_SPECIAL,
                 OPS_LIST_INT_EDGE, "special");
    ops_bin_list(registry, XHAL_OP_POW, OPS_BIN_FLOATS[d], 0, OPS_LIST_LARGE, OPS_LIST_TINY,
                 "large_magnitude");
    ops_bin_list(registry, XHAL_OP_POW, OPS_BIN_FLOATS[d], XHAL_DTYPE_U8, OPS_LIST_SPECIAL,
                 OPS_LIST_INT_EDGE, "special");
    ops_bin_list(registry, XHAL_OP_POW, OPS_BIN_INTS[d], XHAL_DTYPE_U8, OPS_LIST_INT_EDGE,
                 OPS_LIST_INT_EDGE, "edge");
    for (size_t e = 0; e < 2; e++)
      ops_pow_int_float_special(registry, OPS_BIN_INTS[d], OPS_BIN_FLOATS[e]);
  }
  /* Where passes NaN, -0 and subnormals through untouched. */
  for (size_t d = 0; d < 2; d++) {
    int n = (int)ops_list_size(OPS_LIST_SPECIAL, OPS_BIN_FLOATS[d]);
    ref_shape_t in[3] = {ops_shape(2, 2, 1), ops_shape(1, n), ops_shape(2, 2, n)};
    ops_case_t c;
    ops_bin_init(&c, XHAL_OP_WHERE, OPS_BIN_FLOATS[d], 3, in);
    c.in[1].gen = ops_gen_list(OPS_LIST_SPECIAL);
    c.in[2].gen = ops_gen_list(OPS_LIST_SUBNORMAL);
    ops_register(registry, CONF_TIER_QUICK, &c, "special");
  }

  /* Casts. */
  for (size_t f = 0; f < 6; f++) {
    for (size_t t = 0; t < 6; t++) {
      xhal_dtype_t from = OPS_BIN_ALL[f], to = OPS_BIN_ALL[t];
      int small = f >= 4 || t >= 4;
      if (from != to && small) ops_cast_small(registry, from, to);
    }
  }

  /* Must-reject calls. */
  ops_bin_invalid(registry, XHAL_OP_POW, XHAL_DTYPE_F32, 2);
  ops_pow_invalid_dtypes(registry);
  ops_bin_invalid(registry, XHAL_OP_MIN, XHAL_DTYPE_F32, 1);
  ops_bin_invalid(registry, XHAL_OP_MAX, XHAL_DTYPE_I32, 3);
  ops_bin_invalid(registry, XHAL_OP_PRELU, XHAL_DTYPE_F32, 2);
  ops_bin_invalid(registry, XHAL_OP_EQUAL, XHAL_DTYPE_F32, 2);
  ops_bin_invalid(registry, XHAL_OP_LESS, XHAL_DTYPE_I64, 2);
  ops_bin_invalid(registry, XHAL_OP_WHERE, XHAL_DTYPE_F32, 3);
  ops_bin_invalid(registry, XHAL_OP_AND, XHAL_DTYPE_BOOL, 2);
  ops_bin_invalid(registry, XHAL_OP_NOT, XHAL_DTYPE_BOOL, 1);
}

/*
 * area_ops_eltwise.c - shape classes of the elementwise ops: Add, Sub, Mul,
 * Div (numpy broadcasting) and Neg, Abs, Exp, Relu, Sigmoid, Tanh, on every
 * dtype each op is defined for, with layout variants.
 *
 * Names: ops.<op>.<dtype>.<shape class>[.<variant>], e.g.
 * ops.add.f32.bcast_4x1x3_1x5x1.strided. Never rename a case.
 */
#include <stdio.h>

#include "area_ops.h"
#include "ref_dtype.h"

static const xhal_dtype_t OPS_ALL_DTYPES[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16, XHAL_DTYPE_I32,
                                              XHAL_DTYPE_I64};

typedef struct ops_binary_shape {
  const char *name;
  ref_shape_t a;
  ref_shape_t b;
  conf_tier_t tier;
  uint32_t variants; /* bitset of ops_variant_t to register besides the plain case */
} ops_binary_shape_t;

#define OPS_VARIANTS_ALL                                                                     \
  ((1u << OPS_VAR_STRIDED) | (1u << OPS_VAR_TRANSPOSED) | (1u << OPS_VAR_OFFSET) |           \
   (1u << OPS_VAR_EXPANDED) | (1u << OPS_VAR_MIXED) | (1u << OPS_VAR_OUT_STRIDED))
#define OPS_VARIANTS_VIEWS ((1u << OPS_VAR_STRIDED) | (1u << OPS_VAR_TRANSPOSED))

static void ops_register_variants(conf_registry_t *registry, const ops_case_t *base,
                                  const char *name, conf_tier_t tier, uint32_t variants) {
  ops_register(registry, tier, base, "%s", name);
  for (uint32_t v = 1; v < OPS_VAR_COUNT; v++) {
    if (!(variants & (1u << v))) continue;
    ops_case_t c = *base;
    ops_apply_variant(&c, (ops_variant_t)v);
    ops_register(registry, tier, &c, "%s%s", name, ops_variant_suffix((ops_variant_t)v));
  }
}

static void ops_binary_shapes(ops_binary_shape_t *s, size_t *count) {
  size_t n = 0;
#define OPS_BIN(nm, A, B, tier, var) s[n++] = (ops_binary_shape_t){nm, A, B, tier, var}
  OPS_BIN("scalar", ops_shape(0), ops_shape(0), CONF_TIER_QUICK, 0);
  OPS_BIN("r1_1", ops_shape(1, 1), ops_shape(1, 1), CONF_TIER_QUICK, 0);
  OPS_BIN("r1_17", ops_shape(1, 17), ops_shape(1, 17), CONF_TIER_QUICK, 0);
  OPS_BIN("r1_4099", ops_shape(1, 4099), ops_shape(1, 4099), CONF_TIER_QUICK, 0);
  OPS_BIN("r2_5x7", ops_shape(2, 5, 7), ops_shape(2, 5, 7), CONF_TIER_QUICK, 0);
  OPS_BIN("r3_2x3x4", ops_shape(3, 2, 3, 4), ops_shape(3, 2, 3, 4), CONF_TIER_QUICK,
          OPS_VARIANTS_ALL);
  OPS_BIN("r4_2x3x4x5", ops_shape(4, 2, 3, 4, 5), ops_shape(4, 2, 3, 4, 5), CONF_TIER_QUICK,
          OPS_VARIANTS_ALL);
  OPS_BIN("r5_2x3x2x3x2", ops_shape(5, 2, 3, 2, 3, 2), ops_shape(5, 2, 3, 2, 3, 2),
          CONF_TIER_QUICK, 0);
  OPS_BIN("r6_2x2x3x2x2x3", ops_shape(6, 2, 2, 3, 2, 2, 3), ops_shape(6, 2, 2, 3, 2, 2, 3),
          CONF_TIER_QUICK, OPS_VARIANTS_VIEWS);
  OPS_BIN("bcast_4x1x3_1x5x1", ops_shape(3, 4, 1, 3), ops_shape(3, 1, 5, 1), CONF_TIER_QUICK,
          OPS_VARIANTS_ALL);
  OPS_BIN("bcast_3x4_4", ops_shape(2, 3, 4), ops_shape(1, 4), CONF_TIER_QUICK, 0);
  OPS_BIN("bcast_4_3x4", ops_shape(1, 4), ops_shape(2, 3, 4), CONF_TIER_QUICK, 0);
  OPS_BIN("bcast_scalar_2x3x4", ops_shape(0), ops_shape(3, 2, 3, 4), CONF_TIER_QUICK, 0);
  OPS_BIN("bcast_2x3x4_scalar", ops_shape(3, 2, 3, 4), ops_shape(0), CONF_TIER_QUICK, 0);
  OPS_BIN("bcast_1_5x6", ops_shape(1, 1), ops_shape(2, 5, 6), CONF_TIER_QUICK, 0);
  OPS_BIN("bcast_6x1_1x7", ops_shape(2, 6, 1), ops_shape(2, 1, 7), CONF_TIER_QUICK, 0);
  OPS_BIN("bcast_2x3x1x5_3x4x1", ops_shape(4, 2, 3, 1, 5), ops_shape(3, 3, 4, 1),
          CONF_TIER_QUICK, OPS_VARIANTS_ALL);
  OPS_BIN("bcast_2x1x3x1x2x1_1x3x1x2x1x2", ops_shape(6, 2, 1, 3, 1, 2, 1),
          ops_shape(6, 1, 3, 1, 2, 1, 2), CONF_TIER_QUICK, 0);
  OPS_BIN("zero_0", ops_shape(1, 0), ops_shape(1, 0), CONF_TIER_QUICK, 0);
  OPS_BIN("zero_3x0x4_3x1x4", ops_shape(3, 3, 0, 4), ops_shape(3, 3, 1, 4), CONF_TIER_QUICK, 0);
  OPS_BIN("zero_5x1_0", ops_shape(2, 5, 1), ops_shape(1, 0), CONF_TIER_QUICK, 0);
  OPS_BIN("large_1024x1024", ops_shape(2, 1024, 1024), ops_shape(2, 1024, 1024),
          CONF_TIER_QUICK, 0);
  OPS_BIN("large_bcast_1024x1024_1024", ops_shape(2, 1024, 1024), ops_shape(1, 1024),
          CONF_TIER_QUICK, 0);
  OPS_BIN("large_4x1024x1024", ops_shape(3, 4, 1024, 1024), ops_shape(3, 4, 1024, 1024),
          CONF_TIER_FULL, OPS_VARIANTS_VIEWS);
  OPS_BIN("large_bcast_64x1x4096_1x64x1", ops_shape(3, 64, 1, 4096), ops_shape(3, 1, 64, 1),
          CONF_TIER_FULL, 0);
#undef OPS_BIN
  *count = n;
}

static void ops_register_binary(conf_registry_t *registry, xhal_op_t op) {
  ops_binary_shape_t shapes[32];
  size_t count = 0;
  ops_binary_shapes(shapes, &count);
  for (size_t d = 0; d < sizeof OPS_ALL_DTYPES / sizeof OPS_ALL_DTYPES[0]; d++) {
    for (size_t n = 0; n < count; n++) {
      ref_shape_t in[2] = {shapes[n].a, shapes[n].b};
      ops_case_t c;
      ops_case_init(&c, op, OPS_ALL_DTYPES[d], 2, in);
      ops_register_variants(registry, &c, shapes[n].name, shapes[n].tier, shapes[n].variants);
    }
  }
}

typedef struct ops_unary_shape {
  const char *name;
  ref_shape_t x;
  conf_tier_t tier;
  uint32_t variants;
} ops_unary_shape_t;

static void ops_unary_shapes(ops_unary_shape_t *s, size_t *count) {
  size_t n = 0;
#define OPS_UN(nm, X, tier, var) s[n++] = (ops_unary_shape_t){nm, X, tier, var}
  OPS_UN("scalar", ops_shape(0), CONF_TIER_QUICK, 0);
  OPS_UN("r1_1", ops_shape(1, 1), CONF_TIER_QUICK, 0);
  OPS_UN("r1_17", ops_shape(1, 17), CONF_TIER_QUICK, 0);
  OPS_UN("r1_4099", ops_shape(1, 4099), CONF_TIER_QUICK, 0);
  OPS_UN("r2_5x7", ops_shape(2, 5, 7), CONF_TIER_QUICK, 0);
  OPS_UN("r3_2x3x4", ops_shape(3, 2, 3, 4), CONF_TIER_QUICK, OPS_VARIANTS_ALL);
  OPS_UN("r4_2x3x4x5", ops_shape(4, 2, 3, 4, 5), CONF_TIER_QUICK, OPS_VARIANTS_ALL);
  OPS_UN("r5_2x3x2x3x2", ops_shape(5, 2, 3, 2, 3, 2), CONF_TIER_QUICK, 0);
  OPS_UN("r6_2x2x3x2x2x3", ops_shape(6, 2, 2, 3, 2, 2, 3), CONF_TIER_QUICK, OPS_VARIANTS_VIEWS);
  OPS_UN("zero_0", ops_shape(1, 0), CONF_TIER_QUICK, 0);
  OPS_UN("zero_3x0x4", ops_shape(3, 3, 0, 4), CONF_TIER_QUICK, 0);
  OPS_UN("large_1024x1024", ops_shape(2, 1024, 1024), CONF_TIER_QUICK, 0);
  OPS_UN("large_4x1024x1024", ops_shape(3, 4, 1024, 1024), CONF_TIER_FULL, OPS_VARIANTS_VIEWS);
#undef OPS_UN
  *count = n;
}

static void ops_register_unary(conf_registry_t *registry, xhal_op_t op, int float_only) {
  ops_unary_shape_t shapes[16];
  size_t count = 0;
  ops_unary_shapes(shapes, &count);
  size_t dtypes = float_only ? 2 : sizeof OPS_ALL_DTYPES / sizeof OPS_ALL_DTYPES[0];
  for (size_t d = 0; d < dtypes; d++) {
    for (size_t n = 0; n < count; n++) {
      ops_case_t c;
      ops_case_init(&c, op, OPS_ALL_DTYPES[d], 1, &shapes[n].x);
      ops_register_variants(registry, &c, shapes[n].name, shapes[n].tier, shapes[n].variants);
    }
  }
}

void ops_register_elementwise(conf_registry_t *registry) {
  ops_register_binary(registry, XHAL_OP_ADD);
  ops_register_binary(registry, XHAL_OP_SUB);
  ops_register_binary(registry, XHAL_OP_MUL);
  ops_register_binary(registry, XHAL_OP_DIV);
  ops_register_unary(registry, XHAL_OP_NEG, 0);
  ops_register_unary(registry, XHAL_OP_ABS, 0);
  ops_register_unary(registry, XHAL_OP_RELU, 0);
  ops_register_unary(registry, XHAL_OP_EXP, 1);
  ops_register_unary(registry, XHAL_OP_SIGMOID, 1);
  ops_register_unary(registry, XHAL_OP_TANH, 1);
}

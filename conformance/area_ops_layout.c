/*
 * area_ops_layout.c - Copy (xhal's strided copy, every dtype, bit-exact),
 * Transpose (several perms per rank, default perm) and Cast (every pair of
 * f32, f16, i32, i64, with rounding, saturation and NaN edges).
 *
 * Names: ops.copy.<dtype>.<shape>.<layouts>, ops.transpose.<dtype>.<shape>.
 * perm_<list>, ops.cast.<from>.to_<to>.<shape>[.<variant>].
 */
#include <stdio.h>
#include <string.h>

#include "area_ops.h"
#include "ref_dtype.h"

static const xhal_dtype_t OPS_NUMERIC[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16, XHAL_DTYPE_I32,
                                           XHAL_DTYPE_I64};

/* ---- Copy -------------------------------------------------------------------- */
static void ops_register_copy_dtype(conf_registry_t *registry, xhal_dtype_t dtype) {
  const struct {
    const char *name;
    ref_shape_t shape;
    uint8_t in_layout, in_offset, out_layout, out_offset;
    conf_tier_t tier;
  } cases[] = {
      {"scalar", ops_shape(0), CONF_LAYOUT_CONTIGUOUS, 0, CONF_LAYOUT_CONTIGUOUS, 0,
       CONF_TIER_QUICK},
      {"r1_1", ops_shape(1, 1), CONF_LAYOUT_CONTIGUOUS, 0, CONF_LAYOUT_CONTIGUOUS, 0,
       CONF_TIER_QUICK},
      {"r1_4099", ops_shape(1, 4099), CONF_LAYOUT_CONTIGUOUS, 0, CONF_LAYOUT_CONTIGUOUS, 0,
       CONF_TIER_QUICK},
      {"r3_2x3x4", ops_shape(3, 2, 3, 4), CONF_LAYOUT_CONTIGUOUS, 0, CONF_LAYOUT_CONTIGUOUS, 0,
       CONF_TIER_QUICK},
      {"r6_2x2x3x2x2x3", ops_shape(6, 2, 2, 3, 2, 2, 3), CONF_LAYOUT_CONTIGUOUS, 0,
       CONF_LAYOUT_CONTIGUOUS, 0, CONF_TIER_QUICK},
      {"zero_3x0x4", ops_shape(3, 3, 0, 4), CONF_LAYOUT_CONTIGUOUS, 0, CONF_LAYOUT_CONTIGUOUS, 0,
       CONF_TIER_QUICK},
      {"r3_5x6x7.strided_to_contiguous", ops_shape(3, 5, 6, 7), CONF_LAYOUT_GAPPED, 0,
       CONF_LAYOUT_CONTIGUOUS, 0, CONF_TIER_QUICK},
      {"r3_5x6x7.contiguous_to_strided", ops_shape(3, 5, 6, 7), CONF_LAYOUT_CONTIGUOUS, 0,
       CONF_LAYOUT_GAPPED, 0, CONF_TIER_QUICK},
      {"r3_5x6x7.transposed_to_contiguous", ops_shape(3, 5, 6, 7), CONF_LAYOUT_REVERSED, 0,
       CONF_LAYOUT_CONTIGUOUS, 0, CONF_TIER_QUICK},
      {"r3_5x6x7.contiguous_to_transposed", ops_shape(3, 5, 6, 7), CONF_LAYOUT_CONTIGUOUS, 0,
       CONF_LAYOUT_REVERSED, 0, CONF_TIER_QUICK},
      {"r4_3x4x5x6.strided_to_transposed", ops_shape(4, 3, 4, 5, 6), CONF_LAYOUT_GAPPED, 1,
       CONF_LAYOUT_SWAP_LAST2, 1, CONF_TIER_QUICK},
      {"r3_5x6x7.expanded_to_contiguous", ops_shape(3, 5, 6, 7), CONF_LAYOUT_EXPANDED, 0,
       CONF_LAYOUT_CONTIGUOUS, 0, CONF_TIER_QUICK},
      {"r3_5x6x7.offset", ops_shape(3, 5, 6, 7), CONF_LAYOUT_CONTIGUOUS, 1,
       CONF_LAYOUT_CONTIGUOUS, 1, CONF_TIER_QUICK},
      {"large_1024x1024", ops_shape(2, 1024, 1024), CONF_LAYOUT_CONTIGUOUS, 0,
       CONF_LAYOUT_CONTIGUOUS, 0, CONF_TIER_QUICK},
      {"large_1024x1024.transposed_to_contiguous", ops_shape(2, 1024, 1024),
       CONF_LAYOUT_REVERSED, 0, CONF_LAYOUT_CONTIGUOUS, 0, CONF_TIER_FULL},
      {"large_16x1024x1024", ops_shape(3, 16, 1024, 1024), CONF_LAYOUT_CONTIGUOUS, 0,
       CONF_LAYOUT_CONTIGUOUS, 0, CONF_TIER_FULL},
  };
  for (size_t n = 0; n < sizeof cases / sizeof cases[0]; n++) {
    ops_case_t c;
    ops_case_init(&c, XHAL_OP_COPY, dtype, 1, &cases[n].shape);
    c.in[0].layout = cases[n].in_layout;
    c.in[0].offset = cases[n].in_offset;
    c.out_layout = cases[n].out_layout;
    c.out_offset = cases[n].out_offset;
    ops_register(registry, cases[n].tier, &c, "%s", cases[n].name);
  }
}

/* ---- Transpose ------------------------------------------------------------------ */
static void ops_perm_name(char *out, size_t size, uint32_t count, const int64_t *perm) {
  size_t used = (size_t)snprintf(out, size, "perm");
  for (uint32_t k = 0; k < count && used < size; k++) {
    int n = snprintf(out + used, size - used, "_%lld", (long long)perm[k]);
    if (n < 0) return;
    used += (size_t)n;
  }
}

static void ops_register_transpose_dtype(conf_registry_t *registry, xhal_dtype_t dtype) {
  const struct {
    ref_shape_t shape;
    int perm[6];
    uint32_t variants; /* 1: layout variants too */
    conf_tier_t tier;
  } cases[] = {
      {ops_shape(0), {0}, 0, CONF_TIER_QUICK},
      {ops_shape(1, 17), {0}, 0, CONF_TIER_QUICK},
      {ops_shape(2, 5, 7), {1, 0}, 1, CONF_TIER_QUICK},
      {ops_shape(2, 5, 7), {0, 1}, 0, CONF_TIER_QUICK},
      {ops_shape(3, 2, 3, 4), {0, 1, 2}, 0, CONF_TIER_QUICK},
      {ops_shape(3, 2, 3, 4), {0, 2, 1}, 0, CONF_TIER_QUICK},
      {ops_shape(3, 2, 3, 4), {1, 0, 2}, 0, CONF_TIER_QUICK},
      {ops_shape(3, 2, 3, 4), {1, 2, 0}, 0, CONF_TIER_QUICK},
      {ops_shape(3, 2, 3, 4), {2, 0, 1}, 1, CONF_TIER_QUICK},
      {ops_shape(3, 2, 3, 4), {2, 1, 0}, 0, CONF_TIER_QUICK},
      {ops_shape(4, 2, 3, 4, 5), {0, 2, 1, 3}, 1, CONF_TIER_QUICK},
      {ops_shape(4, 2, 3, 4, 5), {3, 2, 1, 0}, 0, CONF_TIER_QUICK},
      {ops_shape(4, 2, 3, 4, 5), {1, 0, 3, 2}, 0, CONF_TIER_QUICK},
      {ops_shape(4, 2, 3, 4, 5), {0, 3, 1, 2}, 0, CONF_TIER_QUICK},
      {ops_shape(5, 2, 3, 2, 3, 2), {4, 0, 3, 1, 2}, 0, CONF_TIER_QUICK},
      {ops_shape(5, 2, 3, 2, 3, 2), {0, 1, 2, 4, 3}, 0, CONF_TIER_QUICK},
      {ops_shape(6, 2, 2, 3, 2, 2, 3), {5, 4, 3, 2, 1, 0}, 0, CONF_TIER_QUICK},
      {ops_shape(6, 2, 2, 3, 2, 2, 3), {1, 0, 3, 2, 5, 4}, 0, CONF_TIER_QUICK},
      {ops_shape(6, 2, 2, 3, 2, 2, 3), {0, 2, 4, 1, 3, 5}, 1, CONF_TIER_QUICK},
      {ops_shape(3, 3, 0, 4), {2, 0, 1}, 0, CONF_TIER_QUICK},
      {ops_shape(2, 1, 9), {1, 0}, 0, CONF_TIER_QUICK},
      {ops_shape(2, 1024, 1024), {1, 0}, 0, CONF_TIER_QUICK},
      {ops_shape(3, 64, 128, 128), {2, 0, 1}, 0, CONF_TIER_QUICK},
      {ops_shape(2, 4096, 4096), {1, 0}, 0, CONF_TIER_FULL},
      {ops_shape(4, 32, 64, 32, 64), {0, 2, 1, 3}, 0, CONF_TIER_FULL},
  };
  char shape[96], perm_name[96];
  for (size_t n = 0; n < sizeof cases / sizeof cases[0]; n++) {
    ops_case_t c;
    ops_case_init(&c, XHAL_OP_TRANSPOSE, dtype, 1, &cases[n].shape);
    c.attrs.present |= OPS_ATTR_PERM;
    c.attrs.perm_count = cases[n].shape.rank;
    for (uint32_t k = 0; k < c.attrs.perm_count; k++) c.attrs.perm[k] = cases[n].perm[k];
    ops_shape_name(shape, sizeof shape, &cases[n].shape);
    ops_perm_name(perm_name, sizeof perm_name, c.attrs.perm_count, c.attrs.perm);
    ops_register(registry, cases[n].tier, &c, "%s.%s", shape, perm_name);
    if (!cases[n].variants) continue;
    for (uint32_t v = 1; v < OPS_VAR_COUNT; v++) {
      ops_case_t cv = c;
      ops_apply_variant(&cv, (ops_variant_t)v);
      ops_register(registry, cases[n].tier, &cv, "%s.%s%s", shape, perm_name,
                   ops_variant_suffix((ops_variant_t)v));
    }
  }
  /* Default perm: the dims reversed. */
  const ref_shape_t defaults[] = {ops_shape(2, 5, 7), ops_shape(4, 2, 3, 4, 5)};
  for (size_t n = 0; n < sizeof defaults / sizeof defaults[0]; n++) {
    ops_case_t c;
    ops_case_init(&c, XHAL_OP_TRANSPOSE, dtype, 1, &defaults[n]);
    ops_shape_name(shape, sizeof shape, &defaults[n]);
    ops_register(registry, CONF_TIER_QUICK, &c, "%s.perm_absent", shape);
  }
}

/* ---- Cast ------------------------------------------------------------------------- */
static void ops_cast_case(ops_case_t *c, xhal_dtype_t from, xhal_dtype_t to,
                          const ref_shape_t *shape) {
  ops_case_init(c, XHAL_OP_CAST, from, 1, shape);
  c->in[0].gen = ops_default_gen(XHAL_OP_CAST, from, 0, to);
  c->attrs.present |= OPS_ATTR_TO;
  c->attrs.to = to;
}

static void ops_register_cast_pair(conf_registry_t *registry, xhal_dtype_t from,
                                   xhal_dtype_t to) {
  const char *tn = ref_dtype_name(to);
  const struct {
    const char *name;
    ref_shape_t shape;
    ops_variant_t variant;
    conf_tier_t tier;
  } cases[] = {
      {"scalar", ops_shape(0), OPS_VAR_NONE, CONF_TIER_QUICK},
      {"r1_4099", ops_shape(1, 4099), OPS_VAR_NONE, CONF_TIER_QUICK},
      {"r3_2x3x4", ops_shape(3, 2, 3, 4), OPS_VAR_NONE, CONF_TIER_QUICK},
      {"r6_2x2x3x2x2x3", ops_shape(6, 2, 2, 3, 2, 2, 3), OPS_VAR_NONE, CONF_TIER_QUICK},
      {"r3_2x3x4", ops_shape(3, 2, 3, 4), OPS_VAR_STRIDED, CONF_TIER_QUICK},
      {"r3_2x3x4", ops_shape(3, 2, 3, 4), OPS_VAR_TRANSPOSED, CONF_TIER_QUICK},
      {"r3_2x3x4", ops_shape(3, 2, 3, 4), OPS_VAR_OFFSET, CONF_TIER_QUICK},
      {"r3_2x3x4", ops_shape(3, 2, 3, 4), OPS_VAR_EXPANDED, CONF_TIER_QUICK},
      {"zero_3x0", ops_shape(2, 3, 0), OPS_VAR_NONE, CONF_TIER_QUICK},
      {"large_1024x1024", ops_shape(2, 1024, 1024), OPS_VAR_NONE, CONF_TIER_QUICK},
      {"large_16x1024x1024", ops_shape(3, 16, 1024, 1024), OPS_VAR_NONE, CONF_TIER_FULL},
  };
  for (size_t n = 0; n < sizeof cases / sizeof cases[0]; n++) {
    ops_case_t c;
    ops_cast_case(&c, from, to, &cases[n].shape);
    ops_apply_variant(&c, cases[n].variant);
    ops_register(registry, cases[n].tier, &c, "to_%s.%s%s", tn, cases[n].name,
                 ops_variant_suffix(cases[n].variant));
  }
}

static void ops_register_cast_list(conf_registry_t *registry, xhal_dtype_t from,
                                   xhal_dtype_t to, ops_list_t list, const char *name) {
  ref_shape_t shape = ops_shape(1, (int)ops_list_size(list, from));
  ops_case_t c;
  ops_cast_case(&c, from, to, &shape);
  c.in[0].gen = ops_gen_list(list);
  ops_register(registry, CONF_TIER_QUICK, &c, "to_%s.%s", ref_dtype_name(to), name);
}

static void ops_register_cast(conf_registry_t *registry) {
  const size_t nd = sizeof OPS_NUMERIC / sizeof OPS_NUMERIC[0];
  for (size_t f = 0; f < nd; f++)
    for (size_t t = 0; t < nd; t++) ops_register_cast_pair(registry, OPS_NUMERIC[f], OPS_NUMERIC[t]);
  /* Edges: saturation and NaN of float -> int, binary16 rounding, integer
   * -> float rounding, narrowing. */
  const xhal_dtype_t floats[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16};
  const xhal_dtype_t ints[] = {XHAL_DTYPE_I32, XHAL_DTYPE_I64};
  for (size_t f = 0; f < 2; f++) {
    for (size_t t = 0; t < 2; t++) {
      ops_register_cast_list(registry, floats[f], ints[t], OPS_LIST_CAST_TO_INT, "edge");
      ops_register_cast_list(registry, ints[f], floats[t], OPS_LIST_INT_TO_FLOAT, "edge");
      ops_register_cast_list(registry, floats[f], floats[t], OPS_LIST_SPECIAL, "special");
      ops_register_cast_list(registry, floats[f], floats[t], OPS_LIST_SUBNORMAL, "subnormal");
      ops_register_cast_list(registry, ints[f], ints[t], OPS_LIST_INT_EDGE, "edge");
    }
  }
  ops_register_cast_list(registry, XHAL_DTYPE_F32, XHAL_DTYPE_F16, OPS_LIST_CAST_TO_F16,
                         "rounding_edge");
  ops_register_cast_list(registry, XHAL_DTYPE_I64, XHAL_DTYPE_I32, OPS_LIST_INT_NARROW,
                         "out_of_range");
}

void ops_register_layout(conf_registry_t *registry) {
  static const xhal_dtype_t every_dtype[] = {
      XHAL_DTYPE_F32, XHAL_DTYPE_U8,  XHAL_DTYPE_I8,  XHAL_DTYPE_U16, XHAL_DTYPE_I16,
      XHAL_DTYPE_I32, XHAL_DTYPE_I64, XHAL_DTYPE_BOOL, XHAL_DTYPE_F16, XHAL_DTYPE_F64,
      XHAL_DTYPE_U32, XHAL_DTYPE_U64, XHAL_DTYPE_BF16,
  };
  for (size_t d = 0; d < sizeof every_dtype / sizeof every_dtype[0]; d++)
    ops_register_copy_dtype(registry, every_dtype[d]);
  for (size_t d = 0; d < sizeof OPS_NUMERIC / sizeof OPS_NUMERIC[0]; d++)
    ops_register_transpose_dtype(registry, OPS_NUMERIC[d]);
  /* Every dtype by element size: 1 (u8, bool) and 8 (f64) bytes too. */
  ops_register_transpose_dtype(registry, XHAL_DTYPE_U8);
  ops_register_transpose_dtype(registry, XHAL_DTYPE_BOOL);
  ops_register_transpose_dtype(registry, XHAL_DTYPE_F64);
  ops_register_cast(registry);
}

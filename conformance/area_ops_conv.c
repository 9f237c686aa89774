/*
 * area_ops_conv.c - Conv, ConvTranspose, MaxPool, AveragePool,
 * GlobalAveragePool and GlobalMaxPool on f32 and f16, MaxPool also on u8
 * (NCHW, 1-D, 2-D and 3-D): groups, depthwise, dilations, asymmetric pads, strides, every
 * auto_pad, bias or none, output_padding/output_shape, ceil_mode,
 * count_include_pad, NaN/Inf inputs, strided/reversed/offset views, empty
 * batches, a larger PP-OCR-like layer, and calls that must be rejected.
 *
 * Names: ops.<op>.<dtype>.<case>[.<variant>], e.g.
 * ops.conv.f32.2d_dw_k5_s2_p2.strided, ops.max_pool.f16.2d_special.
 */
#include <stdio.h>
#include <string.h>

#include "area_ops.h"

static const xhal_dtype_t OPS_CONV_DTYPES[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16};

/* ---- Attribute builders ------------------------------------------------------------------- */

static ops_conv_attr_t *ca_next(ops_case_t *c, const char *name, uint32_t type) {
  ops_conv_attrs_t *a = &c->attrs.conv;
  ops_conv_attr_t *e = &a->a[a->count < OPS_CONV_MAX_ATTRS ? a->count++ : OPS_CONV_MAX_ATTRS - 1];
  memset(e, 0, sizeof *e);
  e->name = name;
  e->type = type;
  return e;
}

static void ca_int(ops_case_t *c, const char *name, int64_t v) {
  ca_next(c, name, XHAL_ATTR_INT)->i = v;
}

static void ca_str(ops_case_t *c, const char *name, const char *s) {
  ca_next(c, name, XHAL_ATTR_STRING)->s = s;
}

/* n entries from v (v may hold more). */
static void ca_ints(ops_case_t *c, const char *name, uint32_t n, const int64_t *v) {
  ops_conv_attr_t *e = ca_next(c, name, XHAL_ATTR_INTS);
  e->count = n;
  for (uint32_t k = 0; k < n; k++) e->ints[k] = v[k];
}

/* ---- A case description ------------------------------------------------------------------- */

typedef struct cv_spec {
  const char *name;
  uint32_t n;          /* spatial dims */
  int64_t x[5];        /* N, C, spatial... */
  int64_t m;           /* output channels (Conv/ConvTranspose) */
  int64_t k[3];        /* kernel */
  int64_t group;       /* 0: attribute absent */
  int64_t s[3];        /* 0: attribute absent */
  int64_t p[6];        /* used when has_pads */
  int has_pads;
  int64_t d[3];        /* 0: attribute absent */
  const char *auto_pad;
  int bias;
  int variants;        /* also the layout variants */
  int64_t out_pad[3];  /* ConvTranspose; 0 0 0: absent */
  int64_t out_shape[3];/* ConvTranspose; 0: absent */
  int ceil_mode, count_include_pad;
  int special;         /* X from the special-value list */
  int kernel_attr;     /* Conv/ConvTranspose: also send kernel_shape */
  int indices;         /* MaxPool: also the second output Indices */
  int storage_order;   /* MaxPool: storage_order 1 */
  int ties;            /* X from small repeating integers (ties in windows) */
} cv_spec_t;

static int cv_nonzero(const int64_t *v, uint32_t n) {
  for (uint32_t k = 0; k < n; k++)
    if (v[k]) return 1;
  return 0;
}

static void cv_build(ops_case_t *c, xhal_op_t op, xhal_dtype_t dtype, const cv_spec_t *s) {
  const uint32_t n = s->n;
  ref_shape_t shapes[3];
  memset(shapes, 0, sizeof shapes);
  shapes[0].rank = n + 2;
  for (uint32_t k = 0; k < n + 2; k++) shapes[0].dims[k] = s->x[k];
  uint32_t inputs = 1;
  const int has_w = op == XHAL_OP_CONV || op == XHAL_OP_CONV_TRANSPOSE;
  if (has_w) {
    const int64_t g = s->group ? s->group : 1;
    shapes[1].rank = n + 2;
    shapes[1].dims[0] = op == XHAL_OP_CONV ? s->m : s->x[1];
    shapes[1].dims[1] = op == XHAL_OP_CONV ? s->x[1] / g : s->m / g;
    for (uint32_t k = 0; k < n; k++) shapes[1].dims[2 + k] = s->k[k];
    inputs = 2;
    if (s->bias) {
      shapes[2].rank = 1;
      shapes[2].dims[0] = s->m;
      inputs = 3;
    }
  }
  ops_case_init(c, op, dtype, inputs, shapes);
  if (s->special) c->in[0].gen = ops_gen_list(OPS_LIST_SPECIAL);
  if (s->auto_pad) ca_str(c, "auto_pad", s->auto_pad);
  if (!has_w && op != XHAL_OP_GLOBAL_AVERAGE_POOL && op != XHAL_OP_GLOBAL_MAX_POOL)
    ca_ints(c, "kernel_shape", n, s->k);
  if (has_w && s->kernel_attr) ca_ints(c, "kernel_shape", n, s->k);
  if (s->group) ca_int(c, "group", s->group);
  if (s->s[0]) ca_ints(c, "strides", n, s->s);
  if (s->has_pads) ca_ints(c, "pads", 2 * n, s->p);
  if (s->d[0]) ca_ints(c, "dilations", n, s->d);
  if (cv_nonzero(s->out_pad, n)) ca_ints(c, "output_padding", n, s->out_pad);
  if (s->out_shape[0]) ca_ints(c, "output_shape", n, s->out_shape);
  if (s->ceil_mode) ca_int(c, "ceil_mode", 1);
  if (s->count_include_pad) ca_int(c, "count_include_pad", 1);
  if (s->storage_order) ca_int(c, "storage_order", 1);
  if (s->ties) c->in[0].gen = ops_gen_list(OPS_LIST_TIES);
  if (s->indices) c->output_count = 2;
}

/* The specs on one dtype; u8 (MaxPool) skips the special-value specs
 * (NaN, Inf: float values). */
static void cv_register_dtype(conf_registry_t *registry, xhal_op_t op, xhal_dtype_t dtype,
                              const cv_spec_t *specs, size_t count) {
  static const ops_variant_t variants[] = {OPS_VAR_STRIDED, OPS_VAR_TRANSPOSED, OPS_VAR_OFFSET,
                                           OPS_VAR_MIXED, OPS_VAR_OUT_STRIDED};
  for (size_t i = 0; i < count; i++) {
    if (dtype == XHAL_DTYPE_U8 && specs[i].special) continue;
    ops_case_t c;
    cv_build(&c, op, dtype, &specs[i]);
    ops_register(registry, CONF_TIER_QUICK, &c, "%s", specs[i].name);
    for (size_t v = 0; specs[i].variants && v < sizeof variants / sizeof *variants; v++) {
      ops_case_t cv = c;
      ops_apply_variant(&cv, variants[v]);
      ops_register(registry, CONF_TIER_QUICK, &cv, "%s%s", specs[i].name,
                   ops_variant_suffix(variants[v]));
    }
  }
}

static void cv_register_specs(conf_registry_t *registry, xhal_op_t op, const cv_spec_t *specs,
                              size_t count) {
  for (size_t d = 0; d < sizeof OPS_CONV_DTYPES / sizeof *OPS_CONV_DTYPES; d++)
    cv_register_dtype(registry, op, OPS_CONV_DTYPES[d], specs, count);
}

/* ---- Conv ---------------------------------------------------------------------------------- */

static const cv_spec_t OPS_CONV_SPECS[] = {
    {.name = "2d_k3_p1", .n = 2, .x = {1, 3, 8, 8}, .m = 4, .k = {3, 3}, .p = {1, 1, 1, 1},
     .has_pads = 1, .bias = 1, .variants = 1},
    {.name = "2d_k3_s2_p1", .n = 2, .x = {1, 3, 17, 16}, .m = 8, .k = {3, 3}, .s = {2, 2},
     .p = {1, 1, 1, 1}, .has_pads = 1, .bias = 1, .kernel_attr = 1},
    {.name = "2d_k1", .n = 2, .x = {2, 8, 5, 7}, .m = 6, .k = {1, 1}, .bias = 1, .variants = 1},
    {.name = "2d_k1_nobias", .n = 2, .x = {1, 8, 6, 6}, .m = 5, .k = {1, 1}},
    {.name = "2d_k1_s2", .n = 2, .x = {1, 4, 7, 6}, .m = 3, .k = {1, 1}, .s = {2, 2}, .bias = 1},
    {.name = "2d_k3_nopad_nobias", .n = 2, .x = {2, 2, 6, 5}, .m = 3, .k = {3, 3}},
    {.name = "2d_group2", .n = 2, .x = {1, 4, 6, 6}, .m = 6, .k = {3, 3}, .group = 2,
     .p = {1, 1, 1, 1}, .has_pads = 1, .bias = 1, .variants = 1},
    {.name = "2d_group3_k2", .n = 2, .x = {2, 6, 5, 5}, .m = 3, .k = {2, 2}, .group = 3},
    {.name = "2d_dw_k3_p1", .n = 2, .x = {1, 8, 9, 9}, .m = 8, .k = {3, 3}, .group = 8,
     .p = {1, 1, 1, 1}, .has_pads = 1, .bias = 1, .variants = 1},
    {.name = "2d_dw_k5_s2_p2", .n = 2, .x = {2, 6, 11, 10}, .m = 6, .k = {5, 5}, .group = 6,
     .s = {2, 2}, .p = {2, 2, 2, 2}, .has_pads = 1, .bias = 1, .variants = 1},
    {.name = "2d_dw_mult2", .n = 2, .x = {1, 4, 7, 7}, .m = 8, .k = {3, 3}, .group = 4,
     .p = {1, 1, 1, 1}, .has_pads = 1},
    {.name = "2d_dw_dil2_asym", .n = 2, .x = {1, 3, 9, 8}, .m = 3, .k = {3, 3}, .group = 3,
     .d = {2, 2}, .p = {2, 1, 0, 3}, .has_pads = 1, .bias = 1},
    {.name = "2d_dil2_p2", .n = 2, .x = {1, 2, 9, 9}, .m = 3, .k = {3, 3}, .d = {2, 2},
     .p = {2, 2, 2, 2}, .has_pads = 1, .bias = 1},
    {.name = "2d_dil_2x3_s2x1", .n = 2, .x = {1, 2, 11, 10}, .m = 2, .k = {3, 2},
     .d = {2, 3}, .s = {2, 1}},
    {.name = "2d_asym_pads_s2x1", .n = 2, .x = {1, 3, 7, 6}, .m = 4, .k = {3, 3},
     .s = {2, 1}, .p = {1, 0, 2, 1}, .has_pads = 1, .bias = 1},
    {.name = "2d_k1x3", .n = 2, .x = {1, 2, 4, 9}, .m = 3, .k = {1, 3}, .p = {0, 1, 0, 1},
     .has_pads = 1},
    {.name = "2d_same_upper_s2", .n = 2, .x = {1, 2, 7, 8}, .m = 3, .k = {3, 3}, .s = {2, 2},
     .auto_pad = "SAME_UPPER", .bias = 1},
    {.name = "2d_same_lower_s2", .n = 2, .x = {1, 2, 7, 8}, .m = 3, .k = {4, 3}, .s = {2, 2},
     .auto_pad = "SAME_LOWER", .bias = 1},
    {.name = "2d_same_upper_dw", .n = 2, .x = {1, 4, 6, 6}, .m = 4, .k = {3, 3}, .group = 4,
     .auto_pad = "SAME_UPPER"},
    {.name = "2d_valid", .n = 2, .x = {1, 2, 7, 6}, .m = 3, .k = {3, 2}, .auto_pad = "VALID",
     .s = {2, 2}},
    {.name = "2d_notset", .n = 2, .x = {1, 2, 5, 5}, .m = 2, .k = {3, 3}, .auto_pad = "NOTSET",
     .p = {1, 1, 1, 1}, .has_pads = 1},
    {.name = "1d_k3_s2_asym", .n = 1, .x = {2, 3, 10}, .m = 4, .k = {3}, .s = {2}, .p = {1, 2},
     .has_pads = 1, .bias = 1, .variants = 1},
    {.name = "1d_dw_dil2", .n = 1, .x = {1, 4, 12}, .m = 4, .k = {3}, .group = 4, .d = {2},
     .p = {2, 2}, .has_pads = 1, .bias = 1},
    {.name = "1d_same_lower", .n = 1, .x = {1, 2, 9}, .m = 2, .k = {4}, .auto_pad = "SAME_LOWER"},
    {.name = "3d_k3_p1", .n = 3, .x = {1, 2, 5, 6, 4}, .m = 3, .k = {3, 2, 3},
     .p = {1, 0, 1, 1, 1, 0}, .has_pads = 1, .bias = 1, .variants = 1},
    {.name = "3d_group2_s2", .n = 3, .x = {1, 4, 5, 5, 5}, .m = 2, .k = {2, 2, 2}, .group = 2,
     .s = {2, 2, 2}},
    {.name = "zero_batch", .n = 2, .x = {0, 3, 5, 5}, .m = 4, .k = {3, 3}, .bias = 1},
    {.name = "zero_out_channels", .n = 2, .x = {1, 3, 5, 5}, .m = 0, .k = {3, 3}},
    {.name = "2d_special_x", .n = 2, .x = {1, 2, 6, 6}, .m = 2, .k = {3, 3}, .p = {1, 1, 1, 1},
     .has_pads = 1, .bias = 1, .special = 1},
    {.name = "2d_dw_special_x", .n = 2, .x = {1, 3, 6, 6}, .m = 3, .k = {3, 3}, .group = 3,
     .p = {1, 1, 1, 1}, .has_pads = 1, .special = 1},
    {.name = "2d_large_16x40x40_k3_32", .n = 2, .x = {1, 16, 40, 40}, .m = 32, .k = {3, 3},
     .p = {1, 1, 1, 1}, .has_pads = 1, .bias = 1},
    {.name = "2d_large_dw_32x40x40_k5", .n = 2, .x = {1, 32, 40, 40}, .m = 32, .k = {5, 5},
     .group = 32, .p = {2, 2, 2, 2}, .has_pads = 1, .bias = 1},
    /* Big enough for the CPU backend's tiles to run on several threads: a
     * pointwise batch, a pointwise small map (split by output channels), a
     * grouped strided dilated batch, and one long 1-D output row cut into
     * column tiles. */
    {.name = "2d_large_k1_b2_64x16x16_48", .n = 2, .x = {2, 64, 16, 16}, .m = 48, .k = {1, 1},
     .bias = 1, .variants = 1},
    {.name = "2d_large_k1_96x12x12_80", .n = 2, .x = {1, 96, 12, 12}, .m = 80, .k = {1, 1},
     .bias = 1, .variants = 1},
    {.name = "2d_large_group2_b2_16x33x31_24", .n = 2, .x = {2, 16, 33, 31}, .m = 24,
     .k = {3, 3}, .group = 2, .s = {2, 2}, .d = {1, 2}, .p = {1, 2, 1, 0}, .has_pads = 1,
     .bias = 1, .variants = 1},
    {.name = "1d_large_k5_32x700_16", .n = 1, .x = {1, 32, 700}, .m = 16, .k = {5},
     .p = {2, 2}, .has_pads = 1, .bias = 1},
};

/* ---- ConvTranspose -------------------------------------------------------------------------- */

static const cv_spec_t OPS_CONV_TRANSPOSE_SPECS[] = {
    {.name = "2d_k2_s2", .n = 2, .x = {1, 4, 5, 5}, .m = 3, .k = {2, 2}, .s = {2, 2}, .bias = 1,
     .variants = 1},
    {.name = "2d_k3_p1", .n = 2, .x = {1, 2, 4, 5}, .m = 3, .k = {3, 3}, .p = {1, 1, 1, 1},
     .has_pads = 1, .variants = 1},
    {.name = "2d_k3_s2_p1_outpad1", .n = 2, .x = {2, 3, 4, 4}, .m = 2, .k = {3, 3},
     .s = {2, 2}, .p = {1, 1, 1, 1}, .has_pads = 1, .out_pad = {1, 1}, .bias = 1,
     .kernel_attr = 1},
    {.name = "2d_asym_pads", .n = 2, .x = {1, 2, 3, 4}, .m = 2, .k = {3, 2}, .s = {2, 3},
     .p = {0, 1, 2, 0}, .has_pads = 1, .bias = 1},
    {.name = "2d_output_shape", .n = 2, .x = {1, 1, 3, 3}, .m = 2, .k = {3, 3}, .s = {3, 2},
     .out_shape = {10, 8}},
    {.name = "2d_output_shape_crop", .n = 2, .x = {1, 2, 4, 4}, .m = 2, .k = {3, 3},
     .s = {2, 2}, .out_shape = {7, 8}, .bias = 1},
    {.name = "2d_output_shape_same_upper", .n = 2, .x = {1, 2, 4, 4}, .m = 2, .k = {3, 3},
     .s = {2, 2}, .out_shape = {6, 7}, .auto_pad = "SAME_UPPER"},
    {.name = "2d_same_upper", .n = 2, .x = {1, 1, 3, 3}, .m = 2, .k = {3, 3}, .s = {2, 2},
     .auto_pad = "SAME_UPPER", .bias = 1},
    {.name = "2d_same_lower", .n = 2, .x = {1, 1, 3, 3}, .m = 2, .k = {3, 3}, .s = {2, 2},
     .auto_pad = "SAME_LOWER"},
    {.name = "2d_valid", .n = 2, .x = {1, 2, 3, 3}, .m = 2, .k = {2, 3}, .s = {1, 2},
     .auto_pad = "VALID"},
    {.name = "2d_group2", .n = 2, .x = {1, 4, 3, 4}, .m = 6, .k = {3, 3}, .group = 2,
     .s = {2, 1}, .bias = 1, .variants = 1},
    {.name = "2d_dw", .n = 2, .x = {1, 4, 4, 4}, .m = 4, .k = {2, 2}, .group = 4, .s = {2, 2}},
    {.name = "2d_dil2", .n = 2, .x = {1, 2, 4, 4}, .m = 2, .k = {3, 3}, .d = {2, 2},
     .s = {2, 2}, .p = {1, 1, 1, 1}, .has_pads = 1, .out_pad = {1, 1}},
    {.name = "1d_s3", .n = 1, .x = {2, 3, 5}, .m = 2, .k = {3}, .s = {3}, .bias = 1},
    {.name = "3d_k2_s2", .n = 3, .x = {1, 2, 3, 3, 2}, .m = 2, .k = {2, 2, 2}, .s = {2, 2, 2},
     .bias = 1},
    {.name = "zero_batch", .n = 2, .x = {0, 2, 3, 3}, .m = 2, .k = {2, 2}, .s = {2, 2},
     .bias = 1},
    {.name = "2d_special_x", .n = 2, .x = {1, 2, 4, 4}, .m = 2, .k = {2, 2}, .s = {2, 2},
     .special = 1},
    {.name = "2d_large_64x20x20_k2_s2", .n = 2, .x = {1, 64, 20, 20}, .m = 32, .k = {2, 2},
     .s = {2, 2}, .bias = 1},
};

/* ---- Pools ----------------------------------------------------------------------------------- */

static const cv_spec_t OPS_MAX_POOL_SPECS[] = {
    {.name = "2d_k3_s2_p1", .n = 2, .x = {1, 3, 9, 8}, .k = {3, 3}, .s = {2, 2},
     .p = {1, 1, 1, 1}, .has_pads = 1, .variants = 1},
    {.name = "2d_k2", .n = 2, .x = {2, 2, 6, 5}, .k = {2, 2}},
    {.name = "2d_ceil", .n = 2, .x = {1, 2, 7, 6}, .k = {3, 3}, .s = {2, 2}, .ceil_mode = 1},
    {.name = "2d_ceil_pads", .n = 2, .x = {1, 1, 6, 6}, .k = {3, 3}, .s = {2, 2},
     .p = {1, 1, 1, 1}, .has_pads = 1, .ceil_mode = 1},
    {.name = "2d_dil2", .n = 2, .x = {1, 2, 8, 8}, .k = {2, 3}, .d = {2, 2},
     .p = {1, 1, 1, 1}, .has_pads = 1},
    {.name = "2d_asym_pads", .n = 2, .x = {1, 2, 5, 6}, .k = {3, 2}, .s = {1, 2},
     .p = {0, 1, 2, 0}, .has_pads = 1},
    {.name = "2d_same_upper", .n = 2, .x = {1, 2, 7, 7}, .k = {3, 3}, .s = {2, 2},
     .auto_pad = "SAME_UPPER"},
    {.name = "2d_same_lower", .n = 2, .x = {1, 2, 6, 7}, .k = {2, 2}, .s = {1, 1},
     .auto_pad = "SAME_LOWER"},
    {.name = "2d_valid", .n = 2, .x = {1, 2, 7, 7}, .k = {3, 2}, .s = {2, 2},
     .auto_pad = "VALID"},
    {.name = "1d_k3_s2", .n = 1, .x = {2, 3, 11}, .k = {3}, .s = {2}, .p = {1, 1},
     .has_pads = 1, .variants = 1},
    {.name = "3d_k2", .n = 3, .x = {1, 2, 4, 5, 4}, .k = {2, 2, 2}, .s = {2, 2, 2}},
    {.name = "zero_batch", .n = 2, .x = {0, 2, 4, 4}, .k = {2, 2}},
    {.name = "2d_special", .n = 2, .x = {1, 2, 8, 8}, .k = {2, 2}, .s = {2, 2}, .special = 1},
    {.name = "2d_special_overlap", .n = 2, .x = {1, 2, 7, 7}, .k = {3, 3}, .p = {1, 1, 1, 1},
     .has_pads = 1, .special = 1},
    {.name = "2d_large_32x40x40", .n = 2, .x = {1, 32, 40, 40}, .k = {3, 3}, .s = {2, 2},
     .p = {1, 1, 1, 1}, .has_pads = 1},
    /* With the second output Indices (storage_order 0 and 1). */
    {.name = "indices_2d_k3_s2_p1", .n = 2, .x = {2, 3, 9, 8}, .k = {3, 3}, .s = {2, 2},
     .p = {1, 1, 1, 1}, .has_pads = 1, .variants = 1, .indices = 1},
    {.name = "indices_2d_k3_s2_p1_order1", .n = 2, .x = {2, 3, 9, 8}, .k = {3, 3},
     .s = {2, 2}, .p = {1, 1, 1, 1}, .has_pads = 1, .variants = 1, .indices = 1,
     .storage_order = 1},
    {.name = "indices_2d_k2", .n = 2, .x = {2, 2, 6, 5}, .k = {2, 2}, .indices = 1},
    {.name = "indices_2d_ceil", .n = 2, .x = {1, 2, 7, 6}, .k = {3, 3}, .s = {2, 2},
     .ceil_mode = 1, .indices = 1},
    {.name = "indices_2d_ceil_pads_order1", .n = 2, .x = {1, 2, 6, 7}, .k = {3, 3},
     .s = {2, 2}, .p = {1, 1, 1, 1}, .has_pads = 1, .ceil_mode = 1, .indices = 1,
     .storage_order = 1},
    {.name = "indices_2d_dil2", .n = 2, .x = {1, 2, 8, 8}, .k = {2, 3}, .d = {2, 2},
     .p = {1, 1, 1, 1}, .has_pads = 1, .indices = 1},
    {.name = "indices_2d_dil2_order1", .n = 2, .x = {1, 2, 8, 7}, .k = {2, 3}, .d = {2, 2},
     .p = {1, 1, 1, 1}, .has_pads = 1, .indices = 1, .storage_order = 1},
    {.name = "indices_2d_asym_pads", .n = 2, .x = {1, 2, 5, 6}, .k = {3, 2}, .s = {1, 2},
     .p = {0, 1, 2, 0}, .has_pads = 1, .indices = 1},
    {.name = "indices_2d_same_upper_order1", .n = 2, .x = {1, 2, 7, 7}, .k = {3, 3},
     .s = {2, 2}, .auto_pad = "SAME_UPPER", .indices = 1, .storage_order = 1},
    {.name = "indices_1d_k3_s2", .n = 1, .x = {2, 3, 11}, .k = {3}, .s = {2}, .p = {1, 1},
     .has_pads = 1, .variants = 1, .indices = 1},
    {.name = "indices_1d_k3_s2_order1", .n = 1, .x = {2, 3, 11}, .k = {3}, .s = {2},
     .p = {1, 1}, .has_pads = 1, .indices = 1, .storage_order = 1},
    {.name = "indices_3d_k2", .n = 3, .x = {2, 2, 4, 5, 3}, .k = {2, 2, 2}, .s = {2, 2, 1},
     .indices = 1, .variants = 1},
    {.name = "indices_3d_k2_p1_order1", .n = 3, .x = {2, 2, 4, 5, 3}, .k = {2, 2, 2},
     .s = {2, 1, 2}, .p = {1, 0, 1, 1, 1, 0}, .has_pads = 1, .indices = 1,
     .storage_order = 1, .variants = 1},
    {.name = "indices_2d_ties", .n = 2, .x = {1, 3, 8, 8}, .k = {3, 3}, .s = {1, 1},
     .p = {1, 1, 1, 1}, .has_pads = 1, .indices = 1, .ties = 1},
    {.name = "indices_2d_ties_order1", .n = 2, .x = {2, 2, 7, 6}, .k = {2, 3}, .s = {1, 2},
     .indices = 1, .ties = 1, .storage_order = 1},
    {.name = "indices_3d_ties", .n = 3, .x = {1, 2, 4, 4, 4}, .k = {2, 3, 2},
     .p = {0, 1, 1, 1, 1, 0}, .has_pads = 1, .indices = 1, .ties = 1},
    {.name = "indices_2d_special", .n = 2, .x = {1, 2, 8, 8}, .k = {2, 2}, .s = {2, 2},
     .special = 1, .indices = 1},
    {.name = "indices_2d_special_overlap_order1", .n = 2, .x = {1, 2, 7, 7}, .k = {3, 3},
     .p = {1, 1, 1, 1}, .has_pads = 1, .special = 1, .indices = 1, .storage_order = 1},
    {.name = "indices_zero_batch", .n = 2, .x = {0, 2, 4, 4}, .k = {2, 2}, .indices = 1},
    {.name = "indices_2d_large_32x40x40", .n = 2, .x = {1, 32, 40, 40}, .k = {3, 3},
     .s = {2, 2}, .p = {1, 1, 1, 1}, .has_pads = 1, .indices = 1},
    /* Dilation 3 over 2 elements with pads 1: the window (-1, 2) holds no
     * element of X (-Inf, on u8 0; Indices -1). */
    {.name = "1d_empty_window", .n = 1, .x = {1, 2, 2}, .k = {2}, .d = {3}, .p = {1, 1},
     .has_pads = 1},
    {.name = "indices_1d_empty_window", .n = 1, .x = {1, 2, 2}, .k = {2}, .d = {3},
     .p = {1, 1}, .has_pads = 1, .indices = 1},
};

static const cv_spec_t OPS_AVERAGE_POOL_SPECS[] = {
    {.name = "2d_k3_p1", .n = 2, .x = {1, 3, 7, 8}, .k = {3, 3}, .p = {1, 1, 1, 1},
     .has_pads = 1, .variants = 1},
    {.name = "2d_k3_p1_include_pad", .n = 2, .x = {1, 3, 7, 8}, .k = {3, 3}, .p = {1, 1, 1, 1},
     .has_pads = 1, .count_include_pad = 1},
    {.name = "2d_k2_s2", .n = 2, .x = {2, 2, 6, 6}, .k = {2, 2}, .s = {2, 2}},
    {.name = "2d_ceil", .n = 2, .x = {1, 2, 7, 6}, .k = {3, 3}, .s = {2, 2}, .ceil_mode = 1},
    {.name = "2d_ceil_include_pad", .n = 2, .x = {1, 1, 6, 7}, .k = {3, 3}, .s = {2, 2},
     .p = {1, 1, 1, 1}, .has_pads = 1, .ceil_mode = 1, .count_include_pad = 1},
    {.name = "2d_asym_pads_include_pad", .n = 2, .x = {1, 2, 5, 6}, .k = {3, 2},
     .p = {0, 1, 2, 0}, .has_pads = 1, .count_include_pad = 1},
    {.name = "2d_same_upper", .n = 2, .x = {1, 2, 7, 7}, .k = {3, 3}, .s = {2, 2},
     .auto_pad = "SAME_UPPER"},
    {.name = "2d_same_lower_include_pad", .n = 2, .x = {1, 2, 6, 7}, .k = {2, 2},
     .auto_pad = "SAME_LOWER", .count_include_pad = 1},
    {.name = "2d_valid", .n = 2, .x = {1, 2, 7, 7}, .k = {3, 2}, .s = {2, 2},
     .auto_pad = "VALID"},
    {.name = "1d_k3_s2", .n = 1, .x = {2, 3, 11}, .k = {3}, .s = {2}, .p = {1, 1},
     .has_pads = 1, .variants = 1},
    {.name = "3d_k2_p1", .n = 3, .x = {1, 2, 4, 5, 4}, .k = {2, 2, 2},
     .p = {1, 0, 1, 1, 0, 1}, .has_pads = 1},
    {.name = "zero_batch", .n = 2, .x = {0, 2, 4, 4}, .k = {2, 2}},
    {.name = "2d_special", .n = 2, .x = {1, 2, 8, 8}, .k = {2, 2}, .s = {2, 2}, .special = 1},
    {.name = "2d_large_32x40x40", .n = 2, .x = {1, 32, 40, 40}, .k = {3, 3}, .s = {2, 2},
     .p = {1, 1, 1, 1}, .has_pads = 1},
};

static const cv_spec_t OPS_GLOBAL_POOL_SPECS[] = {
    {.name = "2d", .n = 2, .x = {2, 3, 5, 6}, .variants = 1},
    {.name = "1d", .n = 1, .x = {2, 3, 7}},
    {.name = "3d", .n = 3, .x = {1, 2, 3, 4, 5}},
    {.name = "1x1", .n = 2, .x = {1, 4, 1, 1}},
    {.name = "zero_batch", .n = 2, .x = {0, 3, 4, 4}},
    {.name = "2d_special", .n = 2, .x = {1, 4, 3, 3}, .special = 1},
    {.name = "2d_large_64x40x40", .n = 2, .x = {1, 64, 40, 40}},
};

/* ---- Must-reject calls ------------------------------------------------------------------------ */

static void cv_invalid(conf_registry_t *registry, const ops_case_t *base, ops_invalid_t kind,
                       const char *name) {
  ops_case_t c = *base;
  c.invalid = kind;
  ops_register(registry, CONF_TIER_QUICK, &c, "invalid.%s", name);
}

static void cv_invalid_attrs(conf_registry_t *registry, const ops_case_t *base,
                             const ops_case_t *bad, const char *name) {
  ops_case_t c = *base;
  c.invalid = OPS_INVALID_ATTR;
  c.bad_attrs = bad->attrs;
  ops_register(registry, CONF_TIER_QUICK, &c, "invalid.%s", name);
}

static void cv_invalid_shape(conf_registry_t *registry, const ops_case_t *base, uint32_t input,
                             ref_shape_t shape, const char *name) {
  ops_case_t c = *base;
  c.invalid = OPS_INVALID_INPUT_SHAPE;
  c.bad_input = input;
  c.bad_shape = shape;
  ops_register(registry, CONF_TIER_QUICK, &c, "invalid.%s", name);
}

static void cv_register_invalid(conf_registry_t *registry, xhal_dtype_t dtype) {
  const cv_spec_t conv = {.n = 2, .x = {1, 4, 6, 6}, .m = 4, .k = {3, 3}, .group = 2,
                          .p = {1, 1, 1, 1}, .has_pads = 1, .bias = 1};
  ops_case_t c, bad;
  cv_build(&c, XHAL_OP_CONV, dtype, &conv);
  cv_invalid(registry, &c, OPS_INVALID_OUTPUT_SHAPE, "output_shape");
  cv_invalid(registry, &c, OPS_INVALID_OUTPUT_DTYPE, "output_dtype");
  cv_invalid(registry, &c, OPS_INVALID_INPUT_DTYPE, "input_dtype");
  cv_invalid(registry, &c, OPS_INVALID_UNKNOWN_ATTR, "unknown_attr");
  cv_invalid(registry, &c, OPS_INVALID_ATTR_TYPE, "attr_type");
  cv_invalid(registry, &c, OPS_INVALID_OUT_OF_BUFFER, "out_of_buffer");
  cv_invalid_shape(registry, &c, 1, ops_shape(4, 4, 3, 3, 3), "w_channels_mismatch");
  cv_invalid_shape(registry, &c, 1, ops_shape(4, 3, 2, 3, 3), "w_out_channels_not_group_multiple");
  cv_invalid_shape(registry, &c, 1, ops_shape(3, 4, 2, 3), "w_rank");
  cv_invalid_shape(registry, &c, 2, ops_shape(1, 5), "bias_shape");
  cv_invalid_shape(registry, &c, 0, ops_shape(2, 4, 6), "x_rank2");
  cv_invalid_shape(registry, &c, 0, ops_shape(4, 1, 4, 0, 6), "x_zero_spatial");
  /* Without bias: dropping the last input leaves X alone. */
  const cv_spec_t conv_nb = {.n = 2, .x = {1, 4, 6, 6}, .m = 4, .k = {3, 3}};
  ops_case_t nb;
  cv_build(&nb, XHAL_OP_CONV, dtype, &conv_nb);
  cv_invalid(registry, &nb, OPS_INVALID_INPUT_COUNT, "no_weights");
  cv_invalid_shape(registry, &nb, 0, ops_shape(4, 1, 4, 2, 6), "x_smaller_than_kernel");
  struct {
    const char *name;
    cv_spec_t s;
  } bad_attrs[] = {
      {"group3", {.n = 2, .x = {1, 4, 6, 6}, .m = 4, .k = {3, 3}, .group = 3, .bias = 1}},
      {"group0", {.n = 2, .x = {1, 4, 6, 6}, .m = 4, .k = {3, 3}, .group = 0, .bias = 1}},
      {"negative_pads", {.n = 2, .x = {1, 4, 6, 6}, .m = 4, .k = {3, 3}, .group = 2,
                         .p = {1, -1, 1, 1}, .has_pads = 1, .bias = 1}},
      {"pads_count", {.n = 1, .x = {1, 4, 6, 6}, .m = 4, .k = {3, 3}, .group = 2, .p = {1, 1},
                      .has_pads = 1, .bias = 1}},
      {"stride0", {.n = 2, .x = {1, 4, 6, 6}, .m = 4, .k = {3, 3}, .group = 2, .s = {0, 1},
                   .bias = 1}},
      {"dilation0", {.n = 2, .x = {1, 4, 6, 6}, .m = 4, .k = {3, 3}, .group = 2, .d = {1, 0},
                     .bias = 1}},
      {"kernel_shape_mismatch", {.n = 2, .x = {1, 4, 6, 6}, .m = 4, .k = {3, 2}, .group = 2,
                                 .kernel_attr = 1, .bias = 1}},
      {"auto_pad_unknown", {.n = 2, .x = {1, 4, 6, 6}, .m = 4, .k = {3, 3}, .group = 2,
                            .auto_pad = "SAME", .bias = 1}},
      {"auto_pad_with_pads", {.n = 2, .x = {1, 4, 6, 6}, .m = 4, .k = {3, 3}, .group = 2,
                              .auto_pad = "SAME_UPPER", .p = {1, 1, 1, 1}, .has_pads = 1,
                              .bias = 1}},
  };
  for (size_t i = 0; i < sizeof bad_attrs / sizeof *bad_attrs; i++) {
    cv_build(&bad, XHAL_OP_CONV, dtype, &bad_attrs[i].s);
    if (strcmp(bad_attrs[i].name, "group0") == 0) ca_int(&bad, "group", 0);
    cv_invalid_attrs(registry, &c, &bad, bad_attrs[i].name);
  }

  const cv_spec_t ct = {.n = 2, .x = {1, 4, 3, 3}, .m = 2, .k = {2, 2}, .s = {2, 2}, .bias = 1};
  cv_build(&c, XHAL_OP_CONV_TRANSPOSE, dtype, &ct);
  cv_invalid(registry, &c, OPS_INVALID_OUTPUT_SHAPE, "output_shape");
  cv_invalid_shape(registry, &c, 1, ops_shape(4, 3, 2, 2, 2), "w_channels_mismatch");
  const struct {
    const char *name;
    cv_spec_t s;
  } bad_ct[] = {
      {"output_padding_ge_stride", {.n = 2, .x = {1, 4, 3, 3}, .m = 2, .k = {2, 2},
                                    .s = {2, 2}, .out_pad = {2, 0}, .bias = 1}},
      {"output_shape_count", {.n = 1, .x = {1, 4, 3, 3}, .m = 2, .k = {2, 2}, .s = {2, 2},
                              .out_shape = {6}, .bias = 1}},
      {"pads_crop_all", {.n = 2, .x = {1, 4, 3, 3}, .m = 2, .k = {2, 2}, .s = {2, 2},
                         .p = {3, 0, 3, 0}, .has_pads = 1, .bias = 1}},
  };
  for (size_t i = 0; i < sizeof bad_ct / sizeof *bad_ct; i++) {
    cv_build(&bad, XHAL_OP_CONV_TRANSPOSE, dtype, &bad_ct[i].s);
    cv_invalid_attrs(registry, &c, &bad, bad_ct[i].name);
  }

  const cv_spec_t mp = {.n = 2, .x = {1, 2, 6, 6}, .k = {3, 3}, .p = {1, 1, 1, 1},
                        .has_pads = 1};
  cv_build(&c, XHAL_OP_MAX_POOL, dtype, &mp);
  cv_invalid(registry, &c, OPS_INVALID_OUTPUT_SHAPE, "output_shape");
  cv_invalid(registry, &c, OPS_INVALID_UNKNOWN_ATTR, "unknown_attr");
  const struct {
    const char *name;
    cv_spec_t s;
  } bad_mp[] = {
      {"pads_ge_kernel", {.n = 2, .x = {1, 2, 6, 6}, .k = {3, 3}, .p = {3, 0, 0, 0},
                          .has_pads = 1}},
      {"kernel_count", {.n = 1, .x = {1, 2, 6, 6}, .k = {3}}},
      {"kernel0", {.n = 2, .x = {1, 2, 6, 6}, .k = {0, 3}}},
  };
  for (size_t i = 0; i < sizeof bad_mp / sizeof *bad_mp; i++) {
    cv_build(&bad, XHAL_OP_MAX_POOL, dtype, &bad_mp[i].s);
    cv_invalid_attrs(registry, &c, &bad, bad_mp[i].name);
  }
  ops_case_t none = c;
  memset(&none.attrs, 0, sizeof none.attrs);
  cv_invalid_attrs(registry, &c, &none, "no_kernel_shape");
  memset(&bad, 0, sizeof bad);
  bad = c;
  ca_int(&bad, "ceil_mode", 2);
  cv_invalid_attrs(registry, &c, &bad, "ceil_mode2");

  const cv_spec_t ap = {.n = 2, .x = {1, 2, 6, 6}, .k = {2, 2}};
  cv_build(&c, XHAL_OP_AVERAGE_POOL, dtype, &ap);
  cv_invalid(registry, &c, OPS_INVALID_OUTPUT_SHAPE, "output_shape");
  bad = c;
  ca_ints(&bad, "dilations", 2, (const int64_t[]){2, 2});
  cv_invalid_attrs(registry, &c, &bad, "dilations_not_an_attribute");

  const cv_spec_t gp = {.n = 2, .x = {1, 2, 6, 6}};
  cv_build(&c, XHAL_OP_GLOBAL_AVERAGE_POOL, dtype, &gp);
  cv_invalid(registry, &c, OPS_INVALID_OUTPUT_SHAPE, "output_shape");
  cv_invalid(registry, &c, OPS_INVALID_UNKNOWN_ATTR, "unknown_attr");
  cv_invalid_shape(registry, &c, 0, ops_shape(4, 1, 2, 0, 3), "zero_spatial");
}

/* MaxPool on u8 (ONNX MaxPool-12 takes uint8): every MaxPool spec but the
 * special-value ones, and must-reject calls. */
static void cv_register_max_pool_u8(conf_registry_t *registry) {
  cv_register_dtype(registry, XHAL_OP_MAX_POOL, XHAL_DTYPE_U8, OPS_MAX_POOL_SPECS,
                    sizeof OPS_MAX_POOL_SPECS / sizeof *OPS_MAX_POOL_SPECS);
  const cv_spec_t mp = {.n = 2, .x = {1, 2, 6, 6}, .k = {3, 3}, .p = {1, 1, 1, 1},
                        .has_pads = 1};
  const cv_spec_t pads = {.n = 2, .x = {1, 2, 6, 6}, .k = {3, 3}, .p = {3, 0, 0, 0},
                          .has_pads = 1};
  ops_case_t c, bad;
  cv_build(&c, XHAL_OP_MAX_POOL, XHAL_DTYPE_U8, &mp);
  cv_invalid(registry, &c, OPS_INVALID_OUTPUT_SHAPE, "output_shape");
  cv_invalid(registry, &c, OPS_INVALID_OUTPUT_DTYPE, "output_dtype");
  cv_invalid(registry, &c, OPS_INVALID_UNKNOWN_ATTR, "unknown_attr");
  cv_build(&bad, XHAL_OP_MAX_POOL, XHAL_DTYPE_U8, &pads);
  cv_invalid_attrs(registry, &c, &bad, "pads_ge_kernel");
  bad = c;
  ca_int(&bad, "storage_order", 2);
  cv_invalid_attrs(registry, &c, &bad, "storage_order2");
  cv_build(&c, XHAL_OP_MAX_POOL, XHAL_DTYPE_U8, &(cv_spec_t){.n = 2, .x = {1, 2, 6, 6},
                                                             .k = {3, 3}, .indices = 1});
  c.bad_output = 1;
  cv_invalid(registry, &c, OPS_INVALID_OUTPUT_DTYPE, "indices_dtype");
}

void ops_register_conv(conf_registry_t *registry) {
  cv_register_specs(registry, XHAL_OP_CONV, OPS_CONV_SPECS,
                    sizeof OPS_CONV_SPECS / sizeof *OPS_CONV_SPECS);
  cv_register_specs(registry, XHAL_OP_CONV_TRANSPOSE, OPS_CONV_TRANSPOSE_SPECS,
                    sizeof OPS_CONV_TRANSPOSE_SPECS / sizeof *OPS_CONV_TRANSPOSE_SPECS);
  cv_register_specs(registry, XHAL_OP_MAX_POOL, OPS_MAX_POOL_SPECS,
                    sizeof OPS_MAX_POOL_SPECS / sizeof *OPS_MAX_POOL_SPECS);
  cv_register_specs(registry, XHAL_OP_AVERAGE_POOL, OPS_AVERAGE_POOL_SPECS,
                    sizeof OPS_AVERAGE_POOL_SPECS / sizeof *OPS_AVERAGE_POOL_SPECS);
  cv_register_specs(registry, XHAL_OP_GLOBAL_AVERAGE_POOL, OPS_GLOBAL_POOL_SPECS,
                    sizeof OPS_GLOBAL_POOL_SPECS / sizeof *OPS_GLOBAL_POOL_SPECS);
  cv_register_specs(registry, XHAL_OP_GLOBAL_MAX_POOL, OPS_GLOBAL_POOL_SPECS,
                    sizeof OPS_GLOBAL_POOL_SPECS / sizeof *OPS_GLOBAL_POOL_SPECS);
  for (size_t d = 0; d < sizeof OPS_CONV_DTYPES / sizeof *OPS_CONV_DTYPES; d++)
    cv_register_invalid(registry, OPS_CONV_DTYPES[d]);
  cv_register_max_pool_u8(registry);
}

/*
 * area_ops_shape.c - the data-movement operators: Reshape, Flatten,
 * Squeeze, Unsqueeze, Concat, Split, Slice, Expand, Tile. Values are
 * random bit patterns compared bit for bit (any dtype moves by element
 * size); every attribute variant, negative axes and indices, steps of both
 * signs, clamped and empty slices, zero-size tensors, ranks 0..6, Concat
 * with 1..8 inputs and Split with 1..8 outputs, layout variants
 * (strided, transposed, expanded, mixed: offsets and a different layout per
 * tensor), and
 * must-reject calls.
 *
 * Names: ops.<op>.<dtype>.<case>[.<variant>], ops.<op>.f32.invalid_<what>.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "area_ops.h"
#include "ref_dtype.h"

/* Every case runs on the first and one of the others (element sizes 4, 2,
 * 4, 8, 1). */
static const xhal_dtype_t SHAPE_DTYPES[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16, XHAL_DTYPE_I32,
                                            XHAL_DTYPE_I64, XHAL_DTYPE_U8};
/* Layout variants run on one of these (one per element size). */
static const xhal_dtype_t SHAPE_VARIANT_DTYPES[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16,
                                                    XHAL_DTYPE_I64, XHAL_DTYPE_U8};
static const ops_variant_t SHAPE_VARIANTS[] = {OPS_VAR_STRIDED, OPS_VAR_TRANSPOSED,
                                               OPS_VAR_EXPANDED, OPS_VAR_MIXED};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* A case before its dtype: op, inputs, attributes, outputs. */
typedef struct shape_spec {
  xhal_op_t op;
  uint32_t input_count;
  ref_shape_t in[OPS_MAX_INPUTS];
  ops_attrs_t attrs;
  uint32_t outputs;
} shape_spec_t;

static shape_spec_t spec1(xhal_op_t op, ref_shape_t x) {
  shape_spec_t s;
  memset(&s, 0, sizeof s);
  s.op = op;
  s.input_count = 1;
  s.in[0] = x;
  return s;
}

/* The n values of v into dst; returns n. */
static uint32_t ints(int64_t *dst, uint32_t n, const long long *v) {
  for (uint32_t k = 0; k < n; k++) dst[k] = (int64_t)v[k];
  return n;
}

#define INTS(dst, ...)                                                                             \
  ints(dst, (uint32_t)(sizeof((long long[]){__VA_ARGS__}) / sizeof(long long)),                    \
       (const long long[]){__VA_ARGS__})

static void set_axis(shape_spec_t *s, int64_t axis) {
  s->attrs.present |= OPS_ATTR_AXIS;
  s->attrs.axis = axis;
}

static ops_case_t spec_case(const shape_spec_t *s, xhal_dtype_t dtype) {
  ops_case_t c;
  ops_case_init(&c, s->op, dtype, s->input_count, s->in);
  for (uint32_t k = 0; k < s->input_count; k++)
    c.in[k].gen = ops_default_gen(XHAL_OP_COPY, dtype, k, dtype); /* random bits */
  c.attrs = s->attrs;
  c.output_count = s->outputs;
  return c;
}

/* Registers s on every dtype, and with variants on one dtype per size. */
static void reg(conf_registry_t *registry, const shape_spec_t *s, int variants, const char *name) {
  /* f32, and one other dtype taking turns from case to case. */
  static size_t turn;
  const xhal_dtype_t dtypes[2] = {SHAPE_DTYPES[0], SHAPE_DTYPES[1 + turn++ % 4]};
  for (size_t d = 0; d < 2; d++) {
    ops_case_t c = spec_case(s, dtypes[d]);
    ops_register(registry, CONF_TIER_QUICK, &c, "%s", name);
  }
  if (!variants) return;
  /* Each variant on one dtype, the element size changing from variant to
   * variant (and from case to case). */
  static size_t rotate;
  for (size_t v = 0; v < N_OF(SHAPE_VARIANTS); v++) {
    ops_case_t c = spec_case(s, SHAPE_VARIANT_DTYPES[(v + rotate) % N_OF(SHAPE_VARIANT_DTYPES)]);
    ops_apply_variant(&c, SHAPE_VARIANTS[v]);
    ops_register(registry, CONF_TIER_QUICK, &c, "%s%s", name,
                 ops_variant_suffix(SHAPE_VARIANTS[v]));
  }
  rotate++;
}

/* A must-reject case (f32): kind applied to the valid s. */
static void inv(conf_registry_t *registry, const shape_spec_t *s, ops_invalid_t kind,
                const char *name) {
  ops_case_t c = spec_case(s, XHAL_DTYPE_F32);
  c.invalid = kind;
  ops_register(registry, CONF_TIER_QUICK, &c, "invalid_%s", name);
}

static void inv_attrs(conf_registry_t *registry, const shape_spec_t *s, const ops_attrs_t *bad,
                      const char *name) {
  ops_case_t c = spec_case(s, XHAL_DTYPE_F32);
  c.invalid = OPS_INVALID_ATTR;
  c.bad_attrs = *bad;
  c.bad_attrs.present |= s->attrs.present & OPS_ATTR_SHAPE_REF_ONLY;
  ops_register(registry, CONF_TIER_QUICK, &c, "invalid_%s", name);
}

static void inv_shape(conf_registry_t *registry, const shape_spec_t *s, uint32_t input,
                      ref_shape_t shape, const char *name) {
  ops_case_t c = spec_case(s, XHAL_DTYPE_F32);
  c.invalid = OPS_INVALID_INPUT_SHAPE;
  c.bad_input = input;
  c.bad_shape = shape;
  ops_register(registry, CONF_TIER_QUICK, &c, "invalid_%s", name);
}

static void inv_common(conf_registry_t *registry, const shape_spec_t *s) {
  inv(registry, s, OPS_INVALID_OUTPUT_SHAPE, "output_shape");
  inv(registry, s, OPS_INVALID_OUTPUT_DTYPE, "output_dtype");
  inv(registry, s, OPS_INVALID_OUT_OF_BUFFER, "out_of_buffer");
  inv(registry, s, OPS_INVALID_UNKNOWN_ATTR, "unknown_attribute");
  if (s->op != XHAL_OP_CONCAT) inv(registry, s, OPS_INVALID_INPUT_COUNT, "input_count");
}

/* ---- Reshape, Flatten, Squeeze, Unsqueeze -------------------------------------- */

static shape_spec_t reshape(ref_shape_t x, uint32_t n, const int64_t *shape) {
  shape_spec_t s = spec1(XHAL_OP_RESHAPE, x);
  s.attrs.present = OPS_ATTR_SHAPE;
  s.attrs.shape_count = n;
  memcpy(s.attrs.shape, shape, n * sizeof *shape);
  return s;
}

static void reg_reshape(conf_registry_t *registry) {
  const struct {
    const char *name;
    ref_shape_t x;
    uint32_t n;
    int64_t shape[XHAL_MAX_RANK];
    int allowzero, variants;
  } cases[] = {
      {"r3_2x3x4.to_4x6", ops_shape(3, 2, 3, 4), 2, {4, 6}, -1, 1},
      {"r3_2x3x4.to_neg1", ops_shape(3, 2, 3, 4), 1, {-1}, -1, 1},
      {"r3_2x3x4.to_0_neg1", ops_shape(3, 2, 3, 4), 2, {0, -1}, -1, 0},
      {"r3_2x3x4.to_neg1_0_2", ops_shape(3, 2, 3, 4), 3, {-1, 0, 2}, -1, 0},
      {"r3_2x3x4.to_3x2x4.allowzero_0", ops_shape(3, 2, 3, 4), 3, {3, 2, 4}, 0, 0},
      {"zero_0x3.to_3x0.allowzero_1", ops_shape(2, 0, 3), 2, {3, 0}, 1, 0},
      {"zero_2x0x3.to_0_neg1", ops_shape(3, 2, 0, 3), 2, {0, -1}, -1, 0},
      {"scalar.to_1", ops_shape(0), 1, {1}, -1, 0},
      {"r2_1x1.to_scalar", ops_shape(2, 1, 1), 0, {0}, -1, 0},
      {"r1_24.to_2x3x4", ops_shape(1, 24), 3, {2, 3, 4}, -1, 1},
      {"r6_2x1x3x1x2x2.to_6x4", ops_shape(6, 2, 1, 3, 1, 2, 2), 2, {6, 4}, -1, 1},
      {"r2_6x4.to_2x1x3x1x2x2", ops_shape(2, 6, 4), 6, {2, 1, 3, 1, 2, 2}, -1, 1},
      {"r4_2x3x5x7.to_6x35", ops_shape(4, 2, 3, 5, 7), 2, {6, 35}, -1, 1},
      {"large_256x1024.to_1024x256", ops_shape(2, 256, 1024), 2, {1024, 256}, -1, 0},
  };
  for (size_t n = 0; n < N_OF(cases); n++) {
    shape_spec_t s = reshape(cases[n].x, cases[n].n, cases[n].shape);
    if (cases[n].allowzero >= 0) {
      s.attrs.present |= OPS_ATTR_ALLOWZERO;
      s.attrs.allowzero = cases[n].allowzero;
    }
    reg(registry, &s, cases[n].variants, cases[n].name);
  }
  /* Without the attribute the output dims alone say the shape. */
  int64_t t[2] = {6, 4};
  shape_spec_t s = reshape(ops_shape(3, 2, 3, 4), 2, t);
  s.attrs.present = OPS_ATTR_SHAPE_REF_ONLY;
  reg(registry, &s, 1, "r3_2x3x4.to_6x4.no_shape_attribute");

  shape_spec_t b = reshape(ops_shape(3, 2, 3, 4), 2, t);
  inv_common(registry, &b);
  ops_attrs_t bad = b.attrs;
  bad.shape_count = INTS(bad.shape, 5, 5);
  inv_attrs(registry, &b, &bad, "count_mismatch");
  bad.shape_count = INTS(bad.shape, -1, -1);
  inv_attrs(registry, &b, &bad, "two_neg1");
  bad.shape_count = INTS(bad.shape, -2, -12);
  inv_attrs(registry, &b, &bad, "below_neg1");
  bad.shape_count = INTS(bad.shape, 6, 4, 0);
  inv_attrs(registry, &b, &bad, "zero_beyond_rank");
  bad.shape_count = INTS(bad.shape, 6, 4);
  bad.present |= OPS_ATTR_ALLOWZERO;
  bad.allowzero = 2;
  inv_attrs(registry, &b, &bad, "allowzero_2");
  bad = b.attrs;
  bad.shape_count = INTS(bad.shape, 7, -1);
  inv_attrs(registry, &b, &bad, "neg1_not_divisible");
  /* No attribute: only the element counts are checked. */
  shape_spec_t nb = b;
  nb.attrs.present = OPS_ATTR_SHAPE_REF_ONLY;
  inv(registry, &nb, OPS_INVALID_OUTPUT_SHAPE, "no_shape_attribute.count_mismatch");
}

static void reg_flatten(conf_registry_t *registry) {
  const int64_t axes[] = {0, 1, 2, 3, 4, -1, -2, -4};
  for (size_t n = 0; n < N_OF(axes); n++) {
    shape_spec_t s = spec1(XHAL_OP_FLATTEN, ops_shape(4, 2, 3, 4, 5));
    set_axis(&s, axes[n]);
    char name[64];
    snprintf(name, sizeof name, "r4_2x3x4x5.axis_%s%lld", axes[n] < 0 ? "m" : "",
             (long long)(axes[n] < 0 ? -axes[n] : axes[n]));
    reg(registry, &s, axes[n] == 2, name);
  }
  shape_spec_t s = spec1(XHAL_OP_FLATTEN, ops_shape(3, 3, 4, 5));
  reg(registry, &s, 1, "r3_3x4x5.default_axis");
  s = spec1(XHAL_OP_FLATTEN, ops_shape(0));
  set_axis(&s, 0);
  reg(registry, &s, 0, "scalar.axis_0");
  s = spec1(XHAL_OP_FLATTEN, ops_shape(3, 2, 0, 3));
  reg(registry, &s, 0, "zero_2x0x3.default_axis");
  s = spec1(XHAL_OP_FLATTEN, ops_shape(6, 2, 1, 3, 2, 1, 2));
  set_axis(&s, 3);
  reg(registry, &s, 1, "r6_2x1x3x2x1x2.axis_3");

  shape_spec_t b = spec1(XHAL_OP_FLATTEN, ops_shape(3, 2, 3, 4));
  set_axis(&b, 1);
  inv_common(registry, &b);
  ops_attrs_t bad = b.attrs;
  bad.axis = 4;
  inv_attrs(registry, &b, &bad, "axis_4");
  bad.axis = -4;
  inv_attrs(registry, &b, &bad, "axis_m4");
}

static shape_spec_t with_axes(xhal_op_t op, ref_shape_t x, uint32_t n, const int64_t *axes) {
  shape_spec_t s = spec1(op, x);
  s.attrs.present = OPS_ATTR_AXES;
  s.attrs.axes_count = n;
  memcpy(s.attrs.axes, axes, n * sizeof *axes);
  return s;
}

static void reg_squeeze(conf_registry_t *registry) {
  int64_t a[XHAL_MAX_RANK];
  shape_spec_t s = spec1(XHAL_OP_SQUEEZE, ops_shape(4, 1, 3, 1, 4));
  reg(registry, &s, 1, "r4_1x3x1x4.all_unit_dims");
  s = with_axes(XHAL_OP_SQUEEZE, ops_shape(4, 1, 3, 1, 4), INTS(a, 0, 2), a);
  reg(registry, &s, 1, "r4_1x3x1x4.axes_0_2");
  s = with_axes(XHAL_OP_SQUEEZE, ops_shape(4, 1, 3, 1, 4), INTS(a, -2), a);
  reg(registry, &s, 0, "r4_1x3x1x4.axes_m2");
  s = with_axes(XHAL_OP_SQUEEZE, ops_shape(4, 1, 3, 1, 4), 0, a);
  reg(registry, &s, 0, "r4_1x3x1x4.axes_empty");
  s = spec1(XHAL_OP_SQUEEZE, ops_shape(3, 1, 1, 1));
  reg(registry, &s, 0, "r3_1x1x1.to_scalar");
  s = with_axes(XHAL_OP_SQUEEZE, ops_shape(3, 1, 0, 1), INTS(a, 0), a);
  reg(registry, &s, 0, "zero_1x0x1.axes_0");
  s = spec1(XHAL_OP_SQUEEZE, ops_shape(6, 1, 2, 1, 3, 1, 2));
  reg(registry, &s, 1, "r6_1x2x1x3x1x2.all_unit_dims");

  shape_spec_t b = with_axes(XHAL_OP_SQUEEZE, ops_shape(4, 1, 3, 1, 4), INTS(a, 0), a);
  inv_common(registry, &b);
  ops_attrs_t bad = b.attrs;
  bad.axes_count = INTS(bad.axes, 1);
  inv_attrs(registry, &b, &bad, "axis_not_unit");
  bad.axes_count = INTS(bad.axes, 0, -4);
  inv_attrs(registry, &b, &bad, "repeated_axes");
  bad.axes_count = INTS(bad.axes, 4);
  inv_attrs(registry, &b, &bad, "axis_out_of_range");
}

static void reg_unsqueeze(conf_registry_t *registry) {
  int64_t a[XHAL_MAX_RANK];
  const struct {
    const char *name;
    ref_shape_t x;
    uint32_t n;
    int64_t axes[XHAL_MAX_RANK];
    int variants;
  } cases[] = {
      {"r2_3x4.axes_0", ops_shape(2, 3, 4), 1, {0}, 1},
      {"r2_3x4.axes_2", ops_shape(2, 3, 4), 1, {2}, 0},
      {"r2_3x4.axes_m1", ops_shape(2, 3, 4), 1, {-1}, 0},
      {"r2_3x4.axes_3_1", ops_shape(2, 3, 4), 2, {3, 1}, 1},
      {"r3_2x3x4.axes_0_4_5", ops_shape(3, 2, 3, 4), 3, {0, 4, 5}, 1},
      {"scalar.axes_0", ops_shape(0), 1, {0}, 0},
      {"scalar.axes_0_1_2", ops_shape(0), 3, {0, 1, 2}, 0},
      {"zero_0x3.axes_1", ops_shape(2, 0, 3), 1, {1}, 0},
      {"r6_2x1x3x2x2x3.axes_m1_0", ops_shape(6, 2, 1, 3, 2, 2, 3), 2, {-1, 0}, 1},
  };
  for (size_t n = 0; n < N_OF(cases); n++) {
    shape_spec_t s = with_axes(XHAL_OP_UNSQUEEZE, cases[n].x, cases[n].n, cases[n].axes);
    reg(registry, &s, cases[n].variants, cases[n].name);
  }
  shape_spec_t b = with_axes(XHAL_OP_UNSQUEEZE, ops_shape(2, 3, 4), INTS(a, 0), a);
  inv_common(registry, &b);
  ops_attrs_t bad = b.attrs;
  bad.axes_count = INTS(bad.axes, 0, -3);
  inv_attrs(registry, &b, &bad, "repeated_axes");
  bad.axes_count = INTS(bad.axes, 3);
  inv_attrs(registry, &b, &bad, "axis_out_of_range");
  bad.present = 0;
  inv_attrs(registry, &b, &bad, "axes_missing");
  shape_spec_t r = with_axes(XHAL_OP_UNSQUEEZE, ops_shape(6, 2, 1, 3, 2, 2, 3), INTS(a, 0), a);
  bad = r.attrs;
  bad.axes_count = INTS(bad.axes, 0, 1, 2);
  inv_attrs(registry, &r, &bad, "rank_above_8");
}

/* ---- Expand, Tile ------------------------------------------------------------------- */

static void reg_expand(conf_registry_t *registry) {
  const struct {
    const char *name;
    ref_shape_t x;
    uint32_t n;
    int64_t shape[XHAL_MAX_RANK];
    int variants;
  } cases[] = {
      {"r2_3x1.to_2x1x6", ops_shape(2, 3, 1), 3, {2, 1, 6}, 1},
      {"r1_1.to_4", ops_shape(1, 1), 1, {4}, 0},
      {"scalar.to_2x3", ops_shape(0), 2, {2, 3}, 0},
      {"r2_2x3.to_1x1", ops_shape(2, 2, 3), 2, {1, 1}, 1},
      {"r2_1x4.to_3x1", ops_shape(2, 1, 4), 2, {3, 1}, 1},
      {"r2_2x3.to_2x3", ops_shape(2, 2, 3), 2, {2, 3}, 0},
      {"zero_1x3.to_0x3", ops_shape(2, 1, 3), 2, {0, 3}, 0},
      {"r3_1x3x1.to_2x1x4x3x5", ops_shape(3, 1, 3, 1), 5, {2, 1, 4, 3, 5}, 1},
      {"r6_1x2x1x3x1x2.to_2x2x2x3x2x2", ops_shape(6, 1, 2, 1, 3, 1, 2), 6, {2, 2, 2, 3, 2, 2}, 0},
  };
  for (size_t n = 0; n < N_OF(cases); n++) {
    shape_spec_t s = spec1(XHAL_OP_EXPAND, cases[n].x);
    s.attrs.present = OPS_ATTR_SHAPE;
    s.attrs.shape_count = cases[n].n;
    memcpy(s.attrs.shape, cases[n].shape, sizeof s.attrs.shape);
    reg(registry, &s, cases[n].variants, cases[n].name);
  }
  shape_spec_t s = spec1(XHAL_OP_EXPAND, ops_shape(2, 3, 1));
  s.attrs.present = OPS_ATTR_SHAPE_REF_ONLY;
  s.attrs.shape_count = INTS(s.attrs.shape, 2, 3, 5);
  reg(registry, &s, 0, "r2_3x1.to_2x3x5.no_shape_attribute");

  shape_spec_t b = spec1(XHAL_OP_EXPAND, ops_shape(2, 3, 1));
  b.attrs.present = OPS_ATTR_SHAPE;
  b.attrs.shape_count = INTS(b.attrs.shape, 2, 3, 4);
  inv_common(registry, &b);
  ops_attrs_t bad = b.attrs;
  bad.shape_count = INTS(bad.shape, 4, 4);
  inv_attrs(registry, &b, &bad, "shape_not_broadcastable");
  bad.shape_count = INTS(bad.shape, 2, 3, 5);
  inv_attrs(registry, &b, &bad, "shape_disagrees_with_output");
  inv_shape(registry, &b, 0, ops_shape(2, 2, 1), "input_not_broadcastable");
  shape_spec_t nb = b;
  nb.attrs.present = OPS_ATTR_SHAPE_REF_ONLY;
  inv_shape(registry, &nb, 0, ops_shape(2, 2, 1), "no_shape_attribute.input_not_broadcastable");
}

static void reg_tile(conf_registry_t *registry) {
  const struct {
    const char *name;
    ref_shape_t x;
    int64_t repeats[XHAL_MAX_RANK];
    int variants;
  } cases[] = {
      {"r2_2x3.repeats_2_2", ops_shape(2, 2, 3), {2, 2}, 1},
      {"r2_2x3.repeats_1_3", ops_shape(2, 2, 3), {1, 3}, 0},
      {"r2_1x4.repeats_3_1", ops_shape(2, 1, 4), {3, 1}, 1},
      {"r2_2x3.repeats_1_1", ops_shape(2, 2, 3), {1, 1}, 0},
      {"zero_2x3.repeats_0_2", ops_shape(2, 2, 3), {0, 2}, 0},
      {"zero_0x3.repeats_2_2", ops_shape(2, 0, 3), {2, 2}, 0},
      {"scalar.repeats_none", ops_shape(0), {0}, 0},
      {"r1_5.repeats_3", ops_shape(1, 5), {3}, 0},
      {"r4_2x1x3x2.repeats_2_3_1_2", ops_shape(4, 2, 1, 3, 2), {2, 3, 1, 2}, 1},
      {"r4_2x3x2x2.repeats_2_2_2_2", ops_shape(4, 2, 3, 2, 2), {2, 2, 2, 2}, 1},
      {"r5_2x2x2x2x2.repeats_2_2_2_2_1", ops_shape(5, 2, 2, 2, 2, 2), {2, 2, 2, 2, 1}, 1},
      {"r6_2x1x2x2x1x2.repeats_2_2_2_2_2_2", ops_shape(6, 2, 1, 2, 2, 1, 2), {2, 2, 2, 2, 2, 2},
       1},
  };
  for (size_t n = 0; n < N_OF(cases); n++) {
    shape_spec_t s = spec1(XHAL_OP_TILE, cases[n].x);
    s.attrs.present = OPS_ATTR_REPEATS;
    s.attrs.repeats_count = cases[n].x.rank;
    memcpy(s.attrs.repeats, cases[n].repeats, sizeof s.attrs.repeats);
    reg(registry, &s, cases[n].variants, cases[n].name);
  }
  shape_spec_t b = spec1(XHAL_OP_TILE, ops_shape(2, 2, 3));
  b.attrs.present = OPS_ATTR_REPEATS;
  b.attrs.repeats_count = INTS(b.attrs.repeats, 2, 2);
  inv_common(registry, &b);
  ops_attrs_t bad = b.attrs;
  bad.repeats_count = INTS(bad.repeats, 2);
  inv_attrs(registry, &b, &bad, "repeats_count");
  bad.repeats_count = INTS(bad.repeats, 2, -1);
  inv_attrs(registry, &b, &bad, "negative_repeat");
  bad.present = 0;
  inv_attrs(registry, &b, &bad, "repeats_missing");
}

/* ---- Concat, Split ------------------------------------------------------------------- */

static void reg_concat(conf_registry_t *registry) {
  shape_spec_t s;
  memset(&s, 0, sizeof s);
  s.op = XHAL_OP_CONCAT;
  s.input_count = 2;
  s.in[0] = ops_shape(2, 2, 3);
  s.in[1] = ops_shape(2, 2, 5);
  set_axis(&s, 1);
  reg(registry, &s, 1, "in2_2x3_2x5.axis_1");
  set_axis(&s, -1);
  reg(registry, &s, 0, "in2_2x3_2x5.axis_m1");
  s.input_count = 3;
  s.in[0] = ops_shape(2, 1, 4);
  s.in[1] = ops_shape(2, 2, 4);
  s.in[2] = ops_shape(2, 3, 4);
  set_axis(&s, 0);
  reg(registry, &s, 1, "in3_1x4_2x4_3x4.axis_0");
  set_axis(&s, -2);
  reg(registry, &s, 0, "in3_1x4_2x4_3x4.axis_m2");
  s.input_count = 8;
  for (uint32_t k = 0; k < 8; k++) s.in[k] = ops_shape(3, 2, 1 + k % 3, 3);
  set_axis(&s, 1);
  reg(registry, &s, 1, "in8_2xkx3.axis_1");
  s.input_count = 1;
  s.in[0] = ops_shape(2, 3, 4);
  reg(registry, &s, 0, "in1_3x4.axis_1");
  s.input_count = 3;
  s.in[0] = ops_shape(2, 2, 0);
  s.in[1] = ops_shape(2, 2, 3);
  s.in[2] = ops_shape(2, 2, 0);
  reg(registry, &s, 0, "in3_2x0_2x3_2x0.axis_1");
  s.input_count = 2;
  s.in[0] = ops_shape(2, 0, 3);
  s.in[1] = ops_shape(2, 0, 2);
  reg(registry, &s, 0, "zero_0x3_0x2.axis_1");
  s.in[0] = ops_shape(1, 5);
  s.in[1] = ops_shape(1, 7);
  set_axis(&s, 0);
  reg(registry, &s, 0, "in2_5_7.axis_0");
  s.in[0] = ops_shape(6, 2, 1, 2, 3, 1, 2);
  s.in[1] = ops_shape(6, 2, 1, 2, 1, 1, 2);
  set_axis(&s, 3);
  reg(registry, &s, 1, "r6_in2.axis_3");

  shape_spec_t b = s;
  b.in[0] = ops_shape(2, 2, 3);
  b.in[1] = ops_shape(2, 2, 5);
  set_axis(&b, 1);
  inv_common(registry, &b);
  inv(registry, &b, OPS_INVALID_INPUT_DTYPE, "input_dtype");
  inv_shape(registry, &b, 1, ops_shape(2, 3, 5), "dims_differ_outside_axis");
  inv_shape(registry, &b, 1, ops_shape(3, 2, 5, 1), "rank_differs");
  ops_attrs_t bad = b.attrs;
  bad.axis = 2;
  inv_attrs(registry, &b, &bad, "axis_out_of_range");
  bad.present = 0;
  inv_attrs(registry, &b, &bad, "axis_missing");
  shape_spec_t sc = b;
  sc.input_count = 1;
  sc.in[0] = ops_shape(1, 3);
  set_axis(&sc, 0);
  inv_shape(registry, &sc, 0, ops_shape(0), "scalar_input");
}

static shape_spec_t split(ref_shape_t x, uint32_t outputs) {
  shape_spec_t s = spec1(XHAL_OP_SPLIT, x);
  s.outputs = outputs;
  return s;
}

static void set_split(shape_spec_t *s, uint32_t n, const int64_t *parts) {
  s->attrs.present |= OPS_ATTR_SPLIT;
  s->attrs.split_count = n;
  memcpy(s->attrs.split, parts, n * sizeof *parts);
}

static void reg_split(conf_registry_t *registry) {
  int64_t p[XHAL_MAX_RANK];
  shape_spec_t s = split(ops_shape(2, 6, 4), 2);
  reg(registry, &s, 1, "r2_6x4.equal_2.default_axis");
  s = split(ops_shape(2, 6, 4), 3);
  set_axis(&s, 0);
  reg(registry, &s, 0, "r2_6x4.equal_3.axis_0");
  s = split(ops_shape(2, 6, 4), 3);
  set_split(&s, INTS(p, 1, 2, 3), p);
  reg(registry, &s, 1, "r2_6x4.split_1_2_3.axis_0");
  s = split(ops_shape(2, 4, 6), 2);
  set_axis(&s, 1);
  set_split(&s, INTS(p, 2, 4), p);
  reg(registry, &s, 1, "r2_4x6.split_2_4.axis_1");
  s = split(ops_shape(2, 4, 6), 2);
  set_axis(&s, -1);
  reg(registry, &s, 0, "r2_4x6.equal_2.axis_m1");
  s = split(ops_shape(2, 3, 6), 3);
  set_axis(&s, 1);
  set_split(&s, INTS(p, 2, 0, 4), p);
  reg(registry, &s, 0, "r2_3x6.split_2_0_4.axis_1");
  s = split(ops_shape(2, 0, 6), 2);
  set_axis(&s, 1);
  reg(registry, &s, 0, "zero_0x6.equal_2.axis_1");
  s = split(ops_shape(2, 8, 3), 8);
  reg(registry, &s, 1, "r2_8x3.equal_8");
  s = split(ops_shape(2, 8, 3), 1);
  reg(registry, &s, 0, "r2_8x3.equal_1");
  s = split(ops_shape(6, 2, 1, 4, 2, 1, 3), 2);
  set_axis(&s, 2);
  set_split(&s, INTS(p, 3, 1), p);
  reg(registry, &s, 1, "r6.split_3_1.axis_2");

  shape_spec_t b = split(ops_shape(2, 6, 4), 2);
  set_split(&b, INTS(p, 2, 4), p);
  inv_common(registry, &b);
  ops_attrs_t bad = b.attrs;
  bad.split_count = INTS(bad.split, 2, 3);
  inv_attrs(registry, &b, &bad, "split_sum");
  bad.split_count = INTS(bad.split, 1, 2, 3);
  inv_attrs(registry, &b, &bad, "split_count");
  bad.split_count = INTS(bad.split, 7, -1);
  inv_attrs(registry, &b, &bad, "split_negative");
  bad = b.attrs;
  bad.present |= OPS_ATTR_AXIS;
  bad.axis = 2;
  inv_attrs(registry, &b, &bad, "axis_out_of_range");
  shape_spec_t e = split(ops_shape(2, 6, 4), 2);
  inv_shape(registry, &e, 0, ops_shape(2, 7, 4), "equal_not_divisible");
}

/* ---- Slice ------------------------------------------------------------------------------ */

static shape_spec_t slice(ref_shape_t x, uint32_t n, const int64_t *starts, const int64_t *ends,
                          const int64_t *axes, const int64_t *steps) {
  shape_spec_t s = spec1(XHAL_OP_SLICE, x);
  s.attrs.present = OPS_ATTR_STARTS | OPS_ATTR_ENDS;
  s.attrs.slice_count = n;
  memcpy(s.attrs.starts, starts, n * sizeof *starts);
  memcpy(s.attrs.ends, ends, n * sizeof *ends);
  if (axes) {
    s.attrs.present |= OPS_ATTR_AXES;
    s.attrs.axes_count = n;
    memcpy(s.attrs.axes, axes, n * sizeof *axes);
  }
  if (steps) {
    s.attrs.present |= OPS_ATTR_STEPS;
    memcpy(s.attrs.steps, steps, n * sizeof *steps);
  }
  return s;
}

static void reg_slice(conf_registry_t *registry) {
  const int64_t MIN = INT64_MIN, MAX = INT64_MAX;
  const struct {
    const char *name;
    ref_shape_t x;
    uint32_t n;
    int64_t starts[4], ends[4], axes[4], steps[4];
    int has_axes, has_steps, variants;
  } cases[] = {
      {"r1_10.2_7", ops_shape(1, 10), 1, {2}, {7}, {0}, {1}, 0, 0, 1},
      {"r1_10.step_2", ops_shape(1, 10), 1, {1}, {10}, {0}, {2}, 0, 1, 0},
      {"r1_10.step_3_uneven", ops_shape(1, 10), 1, {0}, {10}, {0}, {3}, 0, 1, 0},
      {"r1_10.reverse", ops_shape(1, 10), 1, {-1}, {-11}, {0}, {-1}, 0, 1, 1},
      {"r1_10.reverse_extremes", ops_shape(1, 10), 1, {MAX}, {MIN}, {0}, {-1}, 0, 1, 0},
      {"r1_10.extremes", ops_shape(1, 10), 1, {MIN}, {MAX}, {0}, {1}, 0, 1, 0},
      {"r1_10.step_m3", ops_shape(1, 10), 1, {8}, {0}, {0}, {-3}, 0, 1, 0},
      {"r1_10.step_huge", ops_shape(1, 10), 1, {3}, {10}, {0}, {MAX}, 0, 1, 0},
      {"r1_10.step_min", ops_shape(1, 10), 1, {9}, {0}, {0}, {MIN}, 0, 1, 0},
      {"r1_10.start_out_of_bounds", ops_shape(1, 10), 1, {100}, {1000}, {0}, {1}, 0, 0, 0},
      {"r1_10.end_out_of_bounds", ops_shape(1, 10), 1, {4}, {1000}, {0}, {1}, 0, 0, 0},
      {"r1_10.empty_start_eq_end", ops_shape(1, 10), 1, {3}, {3}, {0}, {1}, 0, 0, 0},
      {"r1_10.empty_backwards", ops_shape(1, 10), 1, {7}, {2}, {0}, {1}, 0, 0, 0},
      {"r1_10.empty_reverse_forwards", ops_shape(1, 10), 1, {2}, {7}, {0}, {-1}, 0, 1, 0},
      {"r3_4x5x6.axes_0_2", ops_shape(3, 4, 5, 6), 2, {1, 0}, {3, -1}, {0, 2}, {1, 1}, 1, 0, 1},
      {"r3_4x5x6.axes_m1_m3", ops_shape(3, 4, 5, 6), 2, {-4, 1}, {-1, 1000}, {-1, -3}, {1, 1},
       1, 0, 1},
      {"r3_4x5x6.default_axes", ops_shape(3, 4, 5, 6), 2, {1, 1}, {3, 4}, {0}, {1}, 0, 0, 0},
      {"r3_4x5x6.steps_2_m2", ops_shape(3, 4, 5, 6), 2, {0, -1}, {4, -7}, {1, 2}, {2, -2}, 1, 1,
       1},
      {"r3_4x5x6.all_axes_reversed", ops_shape(3, 4, 5, 6), 3, {-1, -1, -1}, {MIN, MIN, MIN},
       {2, 1, 0}, {-1, -1, -1}, 1, 1, 1},
      {"zero_0x5.axis_1", ops_shape(2, 0, 5), 1, {1}, {3}, {1}, {1}, 1, 0, 0},
      {"zero_0x5.axis_0_reverse", ops_shape(2, 0, 5), 1, {-1}, {MIN}, {0}, {-1}, 1, 1, 0},
      {"r6_2x3x2x4x2x3.axes_1_3_5", ops_shape(6, 2, 3, 2, 4, 2, 3), 3, {1, -1, 0}, {3, 0, 3},
       {1, 3, 5}, {1, -2, 2}, 1, 1, 1},
      {"r2_4x5.none", ops_shape(2, 4, 5), 0, {0}, {0}, {0}, {0}, 1, 1, 0},
  };
  for (size_t n = 0; n < N_OF(cases); n++) {
    shape_spec_t s = slice(cases[n].x, cases[n].n, cases[n].starts, cases[n].ends,
                           cases[n].has_axes ? cases[n].axes : NULL,
                           cases[n].has_steps ? cases[n].steps : NULL);
    reg(registry, &s, cases[n].variants, cases[n].name);
  }
  const int64_t st[2] = {0, 1}, en[2] = {2, 4}, ax[2] = {0, 1}, sp[2] = {1, 1};
  shape_spec_t b = slice(ops_shape(2, 4, 5), 2, st, en, ax, sp);
  inv_common(registry, &b);
  ops_attrs_t bad = b.attrs;
  bad.steps[1] = 0;
  inv_attrs(registry, &b, &bad, "step_0");
  bad = b.attrs;
  bad.axes[1] = -2;
  inv_attrs(registry, &b, &bad, "repeated_axes");
  bad.axes[1] = 2;
  inv_attrs(registry, &b, &bad, "axis_out_of_range");
  bad = b.attrs;
  bad.axes_count = 1;
  inv_attrs(registry, &b, &bad, "axes_count");
  bad = b.attrs;
  bad.present &= ~(uint32_t)OPS_ATTR_ENDS;
  inv_attrs(registry, &b, &bad, "ends_missing");
}

void ops_register_shape(conf_registry_t *registry) {
  reg_reshape(registry);
  reg_flatten(registry);
  reg_squeeze(registry);
  reg_unsqueeze(registry);
  reg_expand(registry);
  reg_tile(registry);
  reg_concat(registry);
  reg_split(registry);
  reg_slice(registry);
}

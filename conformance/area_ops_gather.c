/*
 * area_ops_gather.c - Gather (every axis, i32/i64 indices, negative and
 * out-of-range indices, several data dtypes), Pad (constant, reflect,
 * edge; borders, pads past the dim, cropping), Resize (nearest x every
 * coordinate transform x every nearest mode, linear, cubic, scales below,
 * above 1 and non-integral, sizes, tf_crop_and_resize with
 * extrapolation; i32, i64, u8 and bool (nearest only) too), Shape (start/end), ConstantOfShape and Range, with
 * strided/transposed/offset views, empty tensors and must-reject calls.
 *
 * Names: ops.<op>.<dtype>.<what>[.<variant>].
 */
#include <stdio.h>
#include <string.h>

#include "area_ops.h"
#include "ref_dtype.h"

enum {
  OPS_GATHER_SEND_MODE = 1u << 0,
  OPS_GATHER_SEND_COORD = 1u << 1,
  OPS_GATHER_SEND_NEAREST = 1u << 2,
  OPS_GATHER_SEND_EXCLUDE = 1u << 3,
  OPS_GATHER_SEND_EXTRAP = 1u << 4,
};

/* An index past these tables is sent as a name no op knows. */
static const char *const ops_pad_modes[] = {"constant", "reflect", "edge"};
static const char *const ops_resize_modes[] = {"nearest", "linear", "cubic"};
static const char *const ops_coords[] = {"half_pixel",    "pytorch_half_pixel",
                                         "align_corners", "asymmetric",
                                         "tf_half_pixel_for_nn", "tf_crop_and_resize"};
static const char *const ops_nearest[] = {"round_prefer_floor", "round_prefer_ceil", "floor",
                                          "ceil"};

static const char *ops_name_of(const char *const *names, uint32_t n, uint32_t i) {
  return i < n ? names[i] : "xhal_conformance_bogus";
}

uint32_t ops_gather_attrs(uint32_t op, const ops_attrs_t *s, xhal_attr_t *out, uint32_t room) {
  const ref_gather_attrs_t *g = &s->g;
  uint32_t n = 0;
#define OPS_G_PUSH(...)                                                                            \
  do {                                                                                             \
    if (n < room) out[n++] = (xhal_attr_t){__VA_ARGS__};                                           \
  } while (0)
  if (s->g_send & OPS_GATHER_SEND_MODE) {
    const char *m = op == XHAL_OP_PAD ? ops_name_of(ops_pad_modes, 3, g->pad_mode)
                                      : ops_name_of(ops_resize_modes, 3, g->resize_mode);
    OPS_G_PUSH(.name = "mode", .type = XHAL_ATTR_STRING, .s = m);
  }
  if (s->g_send & OPS_GATHER_SEND_COORD)
    OPS_G_PUSH(.name = "coordinate_transformation_mode", .type = XHAL_ATTR_STRING,
               .s = ops_name_of(ops_coords, 6, g->coord_mode));
  if (s->g_send & OPS_GATHER_SEND_NEAREST)
    OPS_G_PUSH(.name = "nearest_mode", .type = XHAL_ATTR_STRING,
               .s = ops_name_of(ops_nearest, 4, g->nearest_mode));
  if (s->g_send & OPS_GATHER_SEND_EXCLUDE)
    OPS_G_PUSH(.name = "exclude_outside", .type = XHAL_ATTR_INT, .i = g->exclude_outside);
  if (s->g_send & OPS_GATHER_SEND_EXTRAP)
    OPS_G_PUSH(.name = "extrapolation_value", .type = XHAL_ATTR_FLOAT, .f = g->extrapolation);
  if (g->has_cubic_a) OPS_G_PUSH(.name = "cubic_coeff_a", .type = XHAL_ATTR_FLOAT, .f = g->cubic_a);
  if (g->has_pads)
    OPS_G_PUSH(.name = "pads", .type = XHAL_ATTR_INTS, .count = g->pads_count, .ints = g->pads);
  if (g->has_value) {
    if (g->value_is_int)
      OPS_G_PUSH(.name = "value", .type = XHAL_ATTR_INT, .i = g->ivalue);
    else
      OPS_G_PUSH(.name = "value", .type = XHAL_ATTR_FLOAT, .f = g->value);
  }
  if (g->scales_count)
    OPS_G_PUSH(.name = "scales", .type = XHAL_ATTR_FLOATS, .count = g->scales_count,
               .floats = g->scales);
  if (g->sizes_count)
    OPS_G_PUSH(.name = "sizes", .type = XHAL_ATTR_INTS, .count = g->sizes_count, .ints = g->sizes);
  if (g->roi_count)
    OPS_G_PUSH(.name = "roi", .type = XHAL_ATTR_FLOATS, .count = g->roi_count, .floats = g->roi);
  if (g->has_start) OPS_G_PUSH(.name = "start", .type = XHAL_ATTR_INT, .i = g->start);
  if (g->has_end) OPS_G_PUSH(.name = "end", .type = XHAL_ATTR_INT, .i = g->end);
#undef OPS_G_PUSH
  return n;
}

static const xhal_dtype_t OPS_G_NUMERIC[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16, XHAL_DTYPE_I32,
                                             XHAL_DTYPE_I64};
static const ops_variant_t OPS_G_VARIANTS[] = {OPS_VAR_STRIDED, OPS_VAR_TRANSPOSED, OPS_VAR_OFFSET};

static void ops_g_register_variants(conf_registry_t *r, const ops_case_t *base, const char *name) {
  ops_register(r, CONF_TIER_QUICK, base, "%s", name);
  for (size_t v = 0; v < sizeof OPS_G_VARIANTS / sizeof *OPS_G_VARIANTS; v++) {
    ops_case_t c = *base;
    ops_apply_variant(&c, OPS_G_VARIANTS[v]);
    ops_register(r, CONF_TIER_QUICK, &c, "%s%s", name, ops_variant_suffix(OPS_G_VARIANTS[v]));
  }
}

static void ops_g_invalid(conf_registry_t *r, const ops_case_t *base, ops_invalid_t kind,
                          const char *name) {
  ops_case_t c = *base;
  c.invalid = kind;
  ops_register(r, CONF_TIER_QUICK, &c, "invalid.%s", name);
}

/* ---- Gather ------------------------------------------------------------------------------ */

static void ops_gather_case(ops_case_t *c, xhal_dtype_t dtype, xhal_dtype_t idx_dtype,
                            ref_shape_t data, ref_shape_t idx, int64_t axis, int64_t lo,
                            int64_t hi) {
  ref_shape_t shapes[2] = {data, idx};
  ops_case_init(c, XHAL_OP_GATHER, dtype, 2, shapes);
  if (dtype != XHAL_DTYPE_F32 && dtype != XHAL_DTYPE_F16 && dtype != XHAL_DTYPE_I32 &&
      dtype != XHAL_DTYPE_I64)
    c->in[0].gen = ops_gen_uniform(0, dtype == XHAL_DTYPE_U8 ? 255 : 1000);
  c->in[1].dtype = idx_dtype;
  c->in[1].gen = ops_gen_uniform((double)lo, (double)hi);
  c->attrs.present = OPS_ATTR_AXIS;
  c->attrs.axis = axis;
}

static void ops_register_gather_ops(conf_registry_t *r) {
  for (size_t d = 0; d < 4; d++) {
    const xhal_dtype_t dt = OPS_G_NUMERIC[d];
    for (int wide = 0; wide < 2; wide++) {
      const xhal_dtype_t it = wide ? XHAL_DTYPE_I64 : XHAL_DTYPE_I32;
      const char *in = wide ? "i64" : "i32";
      char name[96];
      ops_case_t c;
      ops_gather_case(&c, dt, it, ops_shape(2, 5, 4), ops_shape(1, 3), 0, 0, 4);
      snprintf(name, sizeof name, "idx_%s.5x4_axis0_idx3", in);
      ops_g_register_variants(r, &c, name);
      ops_gather_case(&c, dt, it, ops_shape(3, 3, 4, 5), ops_shape(2, 2, 3), 1, -4, 3);
      snprintf(name, sizeof name, "idx_%s.3x4x5_axis1_idx2x3_negative", in);
      ops_g_register_variants(r, &c, name);
      ops_gather_case(&c, dt, it, ops_shape(3, 3, 4, 5), ops_shape(2, 2, 2), -1, -8, 7);
      snprintf(name, sizeof name, "idx_%s.3x4x5_axis_m1_out_of_range", in);
      ops_g_register_variants(r, &c, name);
    }
    ops_case_t c;
    ops_gather_case(&c, dt, XHAL_DTYPE_I64, ops_shape(1, 7), ops_shape(0), 0, -7, 6);
    ops_register(r, CONF_TIER_QUICK, &c, "r1_7_scalar_index");
    ops_gather_case(&c, dt, XHAL_DTYPE_I64, ops_shape(4, 2, 3, 4, 5), ops_shape(3, 2, 1, 2), 2,
                    -4, 3);
    ops_register(r, CONF_TIER_QUICK, &c, "r4_axis2_idx_r3");
    ops_gather_case(&c, dt, XHAL_DTYPE_I64, ops_shape(2, 5, 4), ops_shape(2, 0, 3), 0, 0, 4);
    ops_register(r, CONF_TIER_QUICK, &c, "zero_size_indices");
    ops_gather_case(&c, dt, XHAL_DTYPE_I32, ops_shape(2, 0, 4), ops_shape(1, 3), 1, 0, 3);
    ops_register(r, CONF_TIER_QUICK, &c, "zero_size_data");
    ops_gather_case(&c, dt, XHAL_DTYPE_I32, ops_shape(2, 0, 4), ops_shape(1, 2), 0, -2, 2);
    ops_register(r, CONF_TIER_QUICK, &c, "empty_axis_all_out_of_range");
    ops_gather_case(&c, dt, XHAL_DTYPE_I64, ops_shape(2, 300, 64), ops_shape(1, 500), 0, -300,
                    299);
    ops_register(r, CONF_TIER_QUICK, &c, "large_300x64_idx500");
    ops_gather_case(&c, dt, XHAL_DTYPE_I64, ops_shape(2, 64, 300), ops_shape(2, 20, 25), 1, 0,
                    299);
    ops_register(r, CONF_TIER_QUICK, &c, "large_64x300_axis1_idx20x25");
  }
  static const xhal_dtype_t others[] = {XHAL_DTYPE_U8, XHAL_DTYPE_F64};
  for (size_t d = 0; d < 2; d++) {
    ops_case_t c;
    ops_gather_case(&c, others[d], XHAL_DTYPE_I64, ops_shape(3, 3, 4, 5), ops_shape(2, 2, 3), 1,
                    -4, 3);
    ops_register(r, CONF_TIER_QUICK, &c, "3x4x5_axis1_idx2x3");
  }
  ops_case_t c;
  ops_gather_case(&c, XHAL_DTYPE_F32, XHAL_DTYPE_I64, ops_shape(2, 5, 4), ops_shape(1, 3), 0, 0,
                  4);
  ops_g_invalid(r, &c, OPS_INVALID_OUTPUT_SHAPE, "output_shape");
  ops_g_invalid(r, &c, OPS_INVALID_OUTPUT_DTYPE, "output_dtype");
  ops_g_invalid(r, &c, OPS_INVALID_INPUT_COUNT, "input_count");
  ops_g_invalid(r, &c, OPS_INVALID_UNKNOWN_ATTR, "unknown_attr");
  ops_g_invalid(r, &c, OPS_INVALID_ATTR_TYPE, "axis_type");
  c.bad_attrs = c.attrs;
  c.bad_attrs.axis = 2;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "axis_2_of_rank_2");
  c.bad_attrs.axis = -3;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "axis_m3_of_rank_2");
  c.bad_input = 0;
  c.bad_shape = ops_shape(0);
  ops_g_invalid(r, &c, OPS_INVALID_INPUT_SHAPE, "scalar_data");
}

/* ---- Pad --------------------------------------------------------------------------------- */

static void ops_pad_case(ops_case_t *c, xhal_dtype_t dtype, ref_shape_t shape, uint32_t mode,
                         const int64_t *pads) {
  ops_case_init(c, XHAL_OP_PAD, dtype, 1, &shape);
  c->attrs.g_send = OPS_GATHER_SEND_MODE;
  c->attrs.g.pad_mode = mode;
  c->attrs.g.has_pads = 1;
  c->attrs.g.pads_count = 2 * shape.rank;
  memcpy(c->attrs.g.pads, pads, 2 * shape.rank * sizeof *pads);
}

static void ops_pad_value(ops_case_t *c, xhal_dtype_t dtype) {
  ref_gather_attrs_t *g = &c->attrs.g;
  g->has_value = 1;
  g->value_is_int = !ref_dtype_is_float(dtype);
  g->value = dtype == XHAL_DTYPE_F16 ? 0.1 : 2.5; /* 0.1 rounds in f16 */
  g->ivalue = dtype == XHAL_DTYPE_I64 ? -(INT64_C(1) << 40) : -7;
  if (dtype == XHAL_DTYPE_U8) g->ivalue = 200; /* u8: 0..255 */
  if (dtype == XHAL_DTYPE_BOOL) g->ivalue = 1; /* bool: 0 or 1 */
}

/* Pad and ConstantOfShape: the numeric dtypes, u8 and bool (value INT). */
static const xhal_dtype_t OPS_G_FILL[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16, XHAL_DTYPE_I32,
                                          XHAL_DTYPE_I64, XHAL_DTYPE_U8,  XHAL_DTYPE_BOOL};

static void ops_register_pad_ops(conf_registry_t *r) {
  static const struct {
    const char *name;
    ref_shape_t shape;
    int64_t pads[8];
  } shapes[] = {
      {"r1_5_pads_2_3", {1, {5}}, {2, 3}},
      {"r2_3x4_pads_1_2_2_1", {2, {3, 4}}, {1, 2, 2, 1}},
      {"r3_2x3x4_pads_0_1_2_1_0_3", {3, {2, 3, 4}}, {0, 1, 2, 1, 0, 3}},
      {"r2_3x4_past_dim_5_6_4_7", {2, {3, 4}}, {5, 6, 4, 7}},
      {"r2_5x6_crop_m1_2_1_m2", {2, {5, 6}}, {-1, 2, 1, -2}},
      {"r2_1x4_single_row_2_1_3_0", {2, {1, 4}}, {2, 1, 3, 0}},
  };
  for (size_t d = 0; d < sizeof OPS_G_FILL / sizeof *OPS_G_FILL; d++) {
    const xhal_dtype_t dt = OPS_G_FILL[d];
    for (uint32_t mode = 0; mode < 3; mode++) {
      for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        ops_case_t c;
        ops_pad_case(&c, dt, shapes[s].shape, mode, shapes[s].pads);
        if (mode == 0 && s % 2 == 1) ops_pad_value(&c, dt);
        char name[96];
        snprintf(name, sizeof name, "%s.%s%s", ops_pad_modes[mode], shapes[s].name,
                 c.attrs.g.has_value ? "_value" : "");
        if (s == 2)
          ops_g_register_variants(r, &c, name);
        else
          ops_register(r, CONF_TIER_QUICK, &c, "%s", name);
      }
    }
    static const int64_t zero_pads[4] = {1, 0, 2, 1}, crop_all[4] = {0, 0, -2, -2};
    static const int64_t big[4] = {3, 2, 5, 4};
    ops_case_t c;
    ops_pad_case(&c, dt, ops_shape(2, 0, 3), 0, zero_pads);
    ops_pad_value(&c, dt);
    ops_register(r, CONF_TIER_QUICK, &c, "constant.zero_size_input_padded");
    ops_pad_case(&c, dt, ops_shape(2, 3, 4), 1, crop_all);
    ops_register(r, CONF_TIER_QUICK, &c, "reflect.crop_to_empty");
    ops_pad_case(&c, dt, ops_shape(2, 61, 70), 1, big);
    ops_register(r, CONF_TIER_QUICK, &c, "reflect.large_61x70");
    static const int64_t none[2] = {0, 0};
    ops_pad_case(&c, dt, ops_shape(0), 2, none);
    ops_register(r, CONF_TIER_QUICK, &c, "edge.scalar");
  }
  static const int64_t pads[4] = {1, 2, 2, 1};
  ops_case_t c;
  ops_pad_case(&c, XHAL_DTYPE_F32, ops_shape(2, 3, 4), 0, pads);
  ops_g_invalid(r, &c, OPS_INVALID_OUTPUT_SHAPE, "output_shape");
  ops_g_invalid(r, &c, OPS_INVALID_OUTPUT_DTYPE, "output_dtype");
  ops_g_invalid(r, &c, OPS_INVALID_UNKNOWN_ATTR, "unknown_attr");
  ops_g_invalid(r, &c, OPS_INVALID_ATTR_TYPE, "mode_type");
  c.bad_attrs = c.attrs;
  c.bad_attrs.g.pad_mode = 7;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "mode_bogus");
  c.bad_attrs = c.attrs;
  c.bad_attrs.g.pads_count = 3;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "pads_count_3_of_rank_2");
  c.bad_attrs = c.attrs;
  c.bad_attrs.g.has_pads = 0;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "pads_missing");
  c.bad_attrs = c.attrs;
  c.bad_attrs.g.pads[0] = -4;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "crop_past_dim");
  c.bad_attrs = c.attrs;
  c.bad_attrs.g.has_value = 1;
  c.bad_attrs.g.value_is_int = 1;
  c.bad_attrs.g.ivalue = 3;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "int_value_for_f32");
  static const int64_t edge_pads[4] = {0, 1, 0, 1};
  ops_pad_case(&c, XHAL_DTYPE_I32, ops_shape(2, 3, 4), 2, edge_pads);
  c.bad_attrs = c.attrs;
  c.bad_attrs.g.has_value = 1;
  c.bad_attrs.g.value = 1.5;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "float_value_for_i32");
  ops_pad_case(&c, XHAL_DTYPE_U8, ops_shape(2, 3, 4), 0, pads);
  c.bad_attrs = c.attrs;
  c.bad_attrs.g.has_value = 1;
  c.bad_attrs.g.value_is_int = 1;
  c.bad_attrs.g.ivalue = 256;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "value_256_for_u8");
  c.bad_attrs.g.value_is_int = 0;
  c.bad_attrs.g.value = 3.0;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "float_value_for_u8");
  ops_pad_case(&c, XHAL_DTYPE_BOOL, ops_shape(2, 3, 4), 0, pads);
  c.bad_attrs = c.attrs;
  c.bad_attrs.g.has_value = 1;
  c.bad_attrs.g.value_is_int = 1;
  c.bad_attrs.g.ivalue = 2;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "value_2_for_bool");
  c.bad_input = 0;
  c.bad_shape = ops_shape(2, 3, 0);
  ops_g_invalid(r, &c, OPS_INVALID_INPUT_SHAPE, "edge_of_empty_dim");
}

/* ---- Resize ------------------------------------------------------------------------------ */

static void ops_resize_case(ops_case_t *c, xhal_dtype_t dtype, ref_shape_t shape, uint32_t mode,
                            uint32_t coord) {
  ops_case_init(c, XHAL_OP_RESIZE, dtype, 1, &shape);
  c->in[0].gen = ops_gen_uniform(-4.0, 4.0);
  c->attrs.g_send = OPS_GATHER_SEND_MODE | OPS_GATHER_SEND_COORD;
  c->attrs.g.resize_mode = mode;
  c->attrs.g.coord_mode = coord;
  if (coord == 5) { /* a region partly outside the input: extrapolation */
    c->attrs.g_send |= OPS_GATHER_SEND_EXTRAP;
    c->attrs.g.extrapolation = 10.0;
    c->attrs.g.roi_count = 2 * shape.rank;
    for (uint32_t k = 0; k < shape.rank; k++) {
      int resized = k + 2 >= shape.rank;
      c->attrs.g.roi[k] = resized ? -0.2f : 0.0f;
      c->attrs.g.roi[k + shape.rank] = resized ? 1.3f : 1.0f;
    }
  }
}

static void ops_resize_scales(ops_case_t *c, uint32_t n, const float *s) {
  c->attrs.g.scales_count = n;
  memcpy(c->attrs.g.scales, s, n * sizeof *s);
}

static void ops_resize_sizes(ops_case_t *c, uint32_t n, const int64_t *s) {
  c->attrs.g.sizes_count = n;
  memcpy(c->attrs.g.sizes, s, n * sizeof *s);
}

/* Resize on i32, i64, u8 and bool (ONNX Resize-13 takes every tensor
 * type): nearest copies elements (every coordinate transform, the nearest
 * modes, integer edge values); linear and cubic (not bool) are computed in
 * float and rounded to nearest even, saturated (u8 overshoot of cubic). */
/* ops_resize_case with an extrapolation value on a tie: 7.5 rounds to 8
 * (bool: true). */
static void ops_resize_int_case(ops_case_t *c, xhal_dtype_t dtype, ref_shape_t shape,
                                uint32_t mode, uint32_t coord) {
  ops_resize_case(c, dtype, shape, mode, coord);
  if (coord == 5) c->attrs.g.extrapolation = 7.5;
}

static void ops_register_resize_int(conf_registry_t *r) {
  static const xhal_dtype_t dtypes[] = {XHAL_DTYPE_I32, XHAL_DTYPE_I64, XHAL_DTYPE_U8,
                                        XHAL_DTYPE_BOOL};
  static const float up[4] = {1, 1, 2, 1.5f}, down[4] = {1, 1, 0.5f, 0.6f};
  static const float odd[4] = {1, 1, 1.7f, 0.8f}, two[4] = {1, 1, 2, 2};
  static const float *const sc[3] = {up, down, odd};
  static const char *const sn[3] = {"up_2x1.5", "down_0.5x0.6", "odd_1.7x0.8"};
  static const int64_t sizes[4] = {1, 2, 7, 3};
  const ref_shape_t x = ops_shape(4, 1, 2, 4, 5);
  for (size_t d = 0; d < sizeof dtypes / sizeof *dtypes; d++) {
    const xhal_dtype_t dt = dtypes[d];
    const int is_bool = dt == XHAL_DTYPE_BOOL;
    /* Values: nearest the whole range (bits); linear/cubic small enough
     * for f32 to hold every sum within the +-1 bound (u8: all of it). */
    const ops_gen_t bits = ops_default_gen(XHAL_OP_COPY, dt, 0, dt);
    const ops_gen_t smooth = dt == XHAL_DTYPE_U8 ? bits : ops_gen_uniform(-1000.0, 1000.0);
    ops_case_t c;
    for (uint32_t coord = 0; coord < 6; coord++) {
      for (int k = 0; k < 3; k++) {
        ops_resize_int_case(&c, dt, x, 0, coord);
        c.in[0].gen = bits;
        ops_resize_scales(&c, 4, sc[k]);
        ops_register(r, CONF_TIER_QUICK, &c, "nearest.%s.%s", ops_coords[coord], sn[k]);
      }
      for (uint32_t mode = 1; mode < 3 && !is_bool; mode++) {
        for (int k = 0; k < 3; k++) {
          ops_resize_int_case(&c, dt, x, mode, coord);
          c.in[0].gen = smooth;
          ops_resize_scales(&c, 4, sc[k]);
          ops_register(r, CONF_TIER_QUICK, &c, "%s.%s.%s", ops_resize_modes[mode],
                       ops_coords[coord], sn[k]);
        }
      }
    }
    for (uint32_t nm = 1; nm < 4; nm++) {
      ops_resize_case(&c, dt, x, 0, 0);
      c.in[0].gen = bits;
      c.attrs.g_send |= OPS_GATHER_SEND_NEAREST;
      c.attrs.g.nearest_mode = nm;
      ops_resize_scales(&c, 4, odd);
      ops_register(r, CONF_TIER_QUICK, &c, "nearest.half_pixel.%s.odd_1.7x0.8", ops_nearest[nm]);
    }
    if (!is_bool) { /* INT_MIN, INT_MAX, ... moved bit for bit */
      ops_resize_case(&c, dt, x, 0, 3);
      c.in[0].gen = ops_gen_list(OPS_LIST_INT_EDGE);
      ops_resize_scales(&c, 4, up);
      ops_register(r, CONF_TIER_QUICK, &c, "nearest.asymmetric.int_edge.up_2x1.5");
    }
    /* PaddleOCR-like 2x upsampling with layout variants; zero-size. */
    ops_resize_case(&c, dt, ops_shape(4, 1, 8, 40, 40), 0, 3);
    c.in[0].gen = bits;
    ops_resize_scales(&c, 4, two);
    ops_g_register_variants(r, &c, "nearest.ocr_1x8x40x40_x2");
    ops_resize_case(&c, dt, ops_shape(2, 0, 3), 0, 0);
    ops_resize_scales(&c, 2, (const float[]){1, 2});
    ops_register(r, CONF_TIER_QUICK, &c, "nearest.zero_size");
    ops_resize_case(&c, dt, ops_shape(5, 2, 2, 3, 4, 2), 0, 1);
    c.in[0].gen = bits;
    ops_resize_scales(&c, 5, (const float[]){1, 2, 1, 0.5f, 1.5f});
    ops_register(r, CONF_TIER_QUICK, &c, "nearest.r5_pytorch_half_pixel");
    if (is_bool) {
      ops_resize_case(&c, dt, x, 0, 0);
      ops_resize_scales(&c, 4, up);
      ops_g_invalid(r, &c, OPS_INVALID_OUTPUT_DTYPE, "output_dtype");
      continue;
    }
    for (uint32_t mode = 1; mode < 3; mode++) {
      ops_resize_case(&c, dt, x, mode, 0);
      c.in[0].gen = smooth;
      ops_resize_sizes(&c, 4, sizes);
      ops_register(r, CONF_TIER_QUICK, &c, "%s.half_pixel.sizes_1x2x7x3", ops_resize_modes[mode]);
      /* Layout variants on the 2x upsampling. */
      ops_resize_case(&c, dt, ops_shape(4, 1, 3, 12, 10), mode, 0);
      c.in[0].gen = smooth;
      ops_resize_scales(&c, 4, two);
      ops_g_register_variants(r, &c, mode == 1 ? "linear.1x3x12x10_x2" : "cubic.1x3x12x10_x2");
    }
    ops_resize_case(&c, dt, x, 2, 0);
    c.in[0].gen = smooth;
    ops_resize_scales(&c, 4, up);
    c.attrs.g_send |= OPS_GATHER_SEND_EXCLUDE;
    c.attrs.g.exclude_outside = 1;
    c.attrs.g.has_cubic_a = 1;
    c.attrs.g.cubic_a = -0.5;
    ops_register(r, CONF_TIER_QUICK, &c, "cubic.half_pixel.a_m0.5_exclude_outside.up_2x1.5");
    /* Steps between the dtype's edges and small values: cubic overshoots
     * and saturates (u8: 0 and 255; i32/i64 only where f32 holds the sum). */
    if (dt == XHAL_DTYPE_U8) {
      ops_resize_case(&c, dt, x, 2, 0);
      c.in[0].gen = ops_gen_list(OPS_LIST_INT_EDGE);
      ops_resize_scales(&c, 4, up);
      ops_register(r, CONF_TIER_QUICK, &c, "cubic.half_pixel.saturate.up_2x1.5");
    }
    ops_resize_case(&c, dt, ops_shape(1, 6), 1, 2);
    c.in[0].gen = smooth;
    ops_resize_scales(&c, 1, (const float[]){2.5f});
    ops_register(r, CONF_TIER_QUICK, &c, "linear.r1_6_x2.5");
    ops_resize_case(&c, dt, ops_shape(3, 5, 4, 3), 1, 0);
    c.in[0].gen = smooth;
    ops_resize_scales(&c, 3, (const float[]){0.7f, 1.0f, 3.0f});
    ops_register(r, CONF_TIER_QUICK, &c, "linear.r3_all_dims");
    ops_resize_case(&c, dt, ops_shape(5, 2, 2, 3, 4, 2), 2, 1);
    c.in[0].gen = smooth;
    ops_resize_scales(&c, 5, (const float[]){1, 2, 1, 0.5f, 1.5f});
    ops_register(r, CONF_TIER_QUICK, &c, "cubic.r5_pytorch_half_pixel");
    ops_resize_case(&c, dt, ops_shape(2, 0, 3), 1, 0);
    ops_resize_scales(&c, 2, (const float[]){1, 2});
    ops_register(r, CONF_TIER_QUICK, &c, "linear.zero_size");
    if (dt != XHAL_DTYPE_U8) { /* |x| up to 1e5: still inside the +-1 bound */
      ops_resize_case(&c, dt, x, 1, 0);
      c.in[0].gen = ops_gen_uniform(-100000.0, 100000.0);
      ops_resize_scales(&c, 4, odd);
      ops_register(r, CONF_TIER_QUICK, &c, "linear.half_pixel.wide_1e5.odd_1.7x0.8");
    }
    ops_resize_case(&c, dt, x, 1, 0);
    ops_resize_scales(&c, 4, up);
    ops_g_invalid(r, &c, OPS_INVALID_OUTPUT_DTYPE, "output_dtype");
    ops_g_invalid(r, &c, OPS_INVALID_OUTPUT_SHAPE, "output_shape");
    c.bad_attrs = c.attrs;
    c.bad_attrs.g.scales[2] = 0.0f;
    ops_g_invalid(r, &c, OPS_INVALID_ATTR, "scale_zero");
  }
  /* Floats: nearest moves the element itself (NaN, +-Inf, -0 kept). */
  for (size_t d = 0; d < 2; d++) {
    ops_case_t c;
    ops_resize_case(&c, OPS_G_NUMERIC[d], x, 0, 0);
    c.in[0].gen = ops_gen_list(OPS_LIST_SPECIAL);
    ops_resize_scales(&c, 4, odd);
    ops_register(r, CONF_TIER_QUICK, &c, "nearest.half_pixel.special.odd_1.7x0.8");
  }
}

static void ops_register_resize_ops(conf_registry_t *r) {
  static const float up[4] = {1, 1, 2, 1.5f}, down[4] = {1, 1, 0.5f, 0.6f};
  static const float odd[4] = {1, 1, 1.7f, 0.8f};
  static const int64_t sizes[4] = {1, 2, 7, 3};
  static const char *const coord_names[6] = {"half_pixel", "pytorch_half_pixel", "align_corners",
                                             "asymmetric", "tf_half_pixel_for_nn",
                                             "tf_crop_and_resize"};
  const ref_shape_t x = ops_shape(4, 1, 2, 4, 5);
  for (size_t d = 0; d < 2; d++) {
    const xhal_dtype_t dt = OPS_G_NUMERIC[d];
    for (uint32_t coord = 0; coord < 6; coord++) {
      for (uint32_t nm = 0; nm < 4; nm++) {
        if (dt == XHAL_DTYPE_F16 && nm > 0 && coord != 0) continue;
        const float *sc[3] = {up, down, odd};
        static const char *const sn[3] = {"up_2x1.5", "down_0.5x0.6", "odd_1.7x0.8"};
        for (int s = 0; s < 3; s++) {
          ops_case_t c;
          ops_resize_case(&c, dt, x, 0, coord);
          c.attrs.g_send |= OPS_GATHER_SEND_NEAREST;
          c.attrs.g.nearest_mode = nm;
          ops_resize_scales(&c, 4, sc[s]);
          ops_register(r, CONF_TIER_QUICK, &c, "nearest.%s.%s.%s", coord_names[coord],
                       ops_nearest[nm], sn[s]);
        }
      }
      for (uint32_t mode = 1; mode < 3; mode++) {
        const float *sc[3] = {up, down, odd};
        static const char *const sn[3] = {"up_2x1.5", "down_0.5x0.6", "odd_1.7x0.8"};
        for (int s = 0; s < 3; s++) {
          ops_case_t c;
          ops_resize_case(&c, dt, x, mode, coord);
          ops_resize_scales(&c, 4, sc[s]);
          ops_register(r, CONF_TIER_QUICK, &c, "%s.%s.%s", ops_resize_modes[mode],
                       coord_names[coord], sn[s]);
        }
        ops_case_t c;
        ops_resize_case(&c, dt, x, mode, coord);
        ops_resize_sizes(&c, 4, sizes);
        ops_register(r, CONF_TIER_QUICK, &c, "%s.%s.sizes_1x2x7x3", ops_resize_modes[mode],
                     coord_names[coord]);
      }
    }
    ops_case_t c;
    ops_resize_case(&c, dt, x, 2, 0);
    ops_resize_scales(&c, 4, up);
    c.attrs.g_send |= OPS_GATHER_SEND_EXCLUDE;
    c.attrs.g.exclude_outside = 1;
    c.attrs.g.has_cubic_a = 1;
    c.attrs.g.cubic_a = -0.5;
    ops_register(r, CONF_TIER_QUICK, &c, "cubic.half_pixel.a_m0.5_exclude_outside.up_2x1.5");
    ops_resize_scales(&c, 4, down);
    ops_register(r, CONF_TIER_QUICK, &c, "cubic.half_pixel.a_m0.5_exclude_outside.down_0.5x0.6");
    /* PaddleOCR's detection head: 2x upsampling, nearest and linear. */
    static const float two[4] = {1, 1, 2, 2};
    for (uint32_t mode = 0; mode < 2; mode++) {
      ops_resize_case(&c, dt, ops_shape(4, 1, 8, 40, 40), mode, mode ? 0 : 3);
      ops_resize_scales(&c, 4, two);
      ops_g_register_variants(r, &c, mode ? "linear.ocr_1x8x40x40_x2" : "nearest.ocr_1x8x40x40_x2");
    }
    static const float s1[1] = {2.5f}, s3[3] = {0.7f, 1.0f, 3.0f}, s5[5] = {1, 2, 1, 0.5f, 1.5f};
    ops_resize_case(&c, dt, ops_shape(1, 6), 1, 2);
    ops_resize_scales(&c, 1, s1);
    ops_register(r, CONF_TIER_QUICK, &c, "linear.r1_6_x2.5");
    ops_resize_case(&c, dt, ops_shape(3, 5, 4, 3), 1, 0);
    ops_resize_scales(&c, 3, s3);
    ops_register(r, CONF_TIER_QUICK, &c, "linear.r3_all_dims");
    ops_resize_case(&c, dt, ops_shape(5, 2, 2, 3, 4, 2), 2, 1);
    ops_resize_scales(&c, 5, s5);
    ops_register(r, CONF_TIER_QUICK, &c, "cubic.r5_pytorch_half_pixel");
    ops_resize_case(&c, dt, ops_shape(2, 0, 3), 1, 0);
    static const float s2[2] = {1, 2};
    ops_resize_scales(&c, 2, s2);
    ops_register(r, CONF_TIER_QUICK, &c, "linear.zero_size");
  }
  ops_case_t c;
  ops_resize_case(&c, XHAL_DTYPE_F32, x, 1, 0);
  ops_resize_scales(&c, 4, up);
  ops_g_invalid(r, &c, OPS_INVALID_OUTPUT_SHAPE, "output_shape");
  ops_g_invalid(r, &c, OPS_INVALID_OUTPUT_DTYPE, "output_dtype");
  ops_g_invalid(r, &c, OPS_INVALID_UNKNOWN_ATTR, "unknown_attr");
  ops_g_invalid(r, &c, OPS_INVALID_ATTR_TYPE, "mode_type");
  c.bad_attrs = c.attrs;
  c.bad_attrs.g.resize_mode = 9;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "mode_bogus");
  c.bad_attrs = c.attrs;
  c.bad_attrs.g.coord_mode = 9;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "coordinate_transformation_mode_bogus");
  c.bad_attrs = c.attrs;
  c.bad_attrs.g_send |= OPS_GATHER_SEND_NEAREST;
  c.bad_attrs.g.nearest_mode = 9;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "nearest_mode_bogus");
  c.bad_attrs = c.attrs;
  c.bad_attrs.g.scales_count = 3;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "scales_count_3_of_rank_4");
  c.bad_attrs = c.attrs;
  c.bad_attrs.g.scales[2] = 0.0f;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "scale_zero");
  c.bad_attrs = c.attrs;
  c.bad_attrs.g.scales[3] = -1.0f;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "scale_negative");
  c.bad_attrs = c.attrs;
  ops_resize_sizes(&c, 4, sizes);
  c.bad_attrs.g.sizes_count = 4;
  memcpy(c.bad_attrs.g.sizes, sizes, sizeof sizes);
  c.attrs.g.sizes_count = 0;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "scales_and_sizes");
  c.bad_attrs = c.attrs;
  c.bad_attrs.g.scales_count = 0;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "neither_scales_nor_sizes");
  c.bad_attrs = c.attrs;
  c.bad_attrs.g.exclude_outside = 2;
  c.bad_attrs.g_send |= OPS_GATHER_SEND_EXCLUDE;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "exclude_outside_2");
}

/* ---- Shape, ConstantOfShape, Range ----------------------------------------------------- */

static void ops_register_shape_ops(conf_registry_t *r) {
  static const xhal_dtype_t dts[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16, XHAL_DTYPE_I32,
                                     XHAL_DTYPE_I64, XHAL_DTYPE_U8};
  static const struct {
    const char *name;
    int has_start, has_end;
    int64_t start, end;
  } se[] = {{"all", 0, 0, 0, 0},         {"start_1", 1, 0, 1, 0},
            {"end_m1", 0, 1, 0, -1},     {"start_m2_end_5", 1, 1, -2, 5},
            {"clip_start_m10", 1, 0, -10, 0}, {"clip_end_10", 0, 1, 0, 10},
            {"start_3_end_1_empty", 1, 1, 3, 1}};
  for (size_t d = 0; d < sizeof dts / sizeof *dts; d++) {
    for (size_t k = 0; k < sizeof se / sizeof *se; k++) {
      ops_case_t c;
      ref_shape_t s = ops_shape(4, 2, 3, 0, 5);
      ops_case_init(&c, XHAL_OP_SHAPE, dts[d], 1, &s);
      c.in[0].gen = ops_gen_uniform(0, 1);
      c.attrs.g.has_start = se[k].has_start, c.attrs.g.start = se[k].start;
      c.attrs.g.has_end = se[k].has_end, c.attrs.g.end = se[k].end;
      ops_register(r, CONF_TIER_QUICK, &c, "r4_2x3x0x5.%s", se[k].name);
    }
    ops_case_t c;
    ref_shape_t s0 = ops_shape(0), s6 = ops_shape(6, 1, 2, 3, 1, 2, 4);
    ops_case_init(&c, XHAL_OP_SHAPE, dts[d], 1, &s0);
    c.in[0].gen = ops_gen_uniform(0, 1);
    ops_register(r, CONF_TIER_QUICK, &c, "scalar");
    ops_case_init(&c, XHAL_OP_SHAPE, dts[d], 1, &s6);
    c.in[0].gen = ops_gen_uniform(0, 1);
    c.in[0].layout = CONF_LAYOUT_REVERSED;
    c.out_layout = CONF_LAYOUT_GAPPED;
    ops_register(r, CONF_TIER_QUICK, &c, "r6.transposed_in_strided_out");
  }
  ops_case_t c;
  ref_shape_t s = ops_shape(2, 3, 4);
  ops_case_init(&c, XHAL_OP_SHAPE, XHAL_DTYPE_F32, 1, &s);
  ops_g_invalid(r, &c, OPS_INVALID_OUTPUT_SHAPE, "output_shape");
  ops_g_invalid(r, &c, OPS_INVALID_OUTPUT_DTYPE, "output_dtype_i32");
  ops_g_invalid(r, &c, OPS_INVALID_UNKNOWN_ATTR, "unknown_attr");
}

static void ops_cos_case(ops_case_t *c, xhal_dtype_t dtype, ref_shape_t out, int with_value) {
  ref_shape_t in = ops_shape(1, (int)out.rank);
  ops_case_init(c, XHAL_OP_CONSTANT_OF_SHAPE, dtype, 1, &in);
  c->in[0].dtype = XHAL_DTYPE_I64;
  c->in[0].gen = ops_gen_uniform(0, 5); /* not read: xhal takes the dims from the output */
  c->attrs.g.has_out_shape = 1;
  c->attrs.g.out_shape = out;
  c->attrs.g.value_dtype = dtype;
  if (with_value) ops_pad_value(c, dtype);
}

static void ops_register_constant_of_shape_ops(conf_registry_t *r) {
  for (size_t d = 0; d < sizeof OPS_G_FILL / sizeof *OPS_G_FILL; d++) {
    const xhal_dtype_t dt = OPS_G_FILL[d];
    ops_case_t c;
    ops_cos_case(&c, dt, ops_shape(3, 2, 3, 4), 1);
    ops_g_register_variants(r, &c, "2x3x4_value");
    ops_cos_case(&c, dt, ops_shape(2, 5, 7), 0);
    ops_register(r, CONF_TIER_QUICK, &c, "5x7_default_zero");
    ops_cos_case(&c, dt, ops_shape(0), 1);
    ops_register(r, CONF_TIER_QUICK, &c, "scalar_value");
    ops_cos_case(&c, dt, ops_shape(3, 2, 0, 3), 1);
    ops_register(r, CONF_TIER_QUICK, &c, "zero_size");
    ops_cos_case(&c, dt, ops_shape(2, 300, 301), 1);
    ops_register(r, CONF_TIER_QUICK, &c, "large_300x301");
  }
  ops_case_t c;
  ops_cos_case(&c, XHAL_DTYPE_F32, ops_shape(2, 3, 4), 1);
  ops_g_invalid(r, &c, OPS_INVALID_UNKNOWN_ATTR, "unknown_attr");
  ops_g_invalid(r, &c, OPS_INVALID_ATTR_TYPE, "value_type");
  c.bad_input = 0;
  c.bad_shape = ops_shape(1, 3);
  ops_g_invalid(r, &c, OPS_INVALID_INPUT_SHAPE, "shape_length_3_for_rank_2");
  ops_cos_case(&c, XHAL_DTYPE_I32, ops_shape(2, 3, 4), 1);
  c.bad_attrs = c.attrs;
  c.bad_attrs.g.ivalue = INT64_C(1) << 33;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "value_past_i32");
  ops_cos_case(&c, XHAL_DTYPE_U8, ops_shape(2, 3, 4), 1);
  c.bad_attrs = c.attrs;
  c.bad_attrs.g.ivalue = -1;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "value_m1_for_u8");
  ops_cos_case(&c, XHAL_DTYPE_BOOL, ops_shape(2, 3, 4), 1);
  c.bad_attrs = c.attrs;
  c.bad_attrs.g.ivalue = 2;
  ops_g_invalid(r, &c, OPS_INVALID_ATTR, "value_2_for_bool");
}

static void ops_range_case(ops_case_t *c, xhal_dtype_t dtype, double start, double limit,
                           double delta, int len) {
  ref_shape_t s[3] = {ops_shape(0), ops_shape(0), ops_shape(0)};
  ops_case_init(c, XHAL_OP_RANGE, dtype, 3, s);
  c->in[0].gen = ops_gen_uniform(start, start);
  c->in[1].gen = ops_gen_uniform(limit, limit);
  c->in[2].gen = ops_gen_uniform(delta, delta);
  c->attrs.g.has_out_shape = 1;
  c->attrs.g.out_shape = ops_shape(1, len);
}

static void ops_register_range_ops(conf_registry_t *r) {
  static const struct {
    const char *name;
    double start, limit, delta;
    int len;
  } f[] = {{"0_10_3", 0, 10, 3, 4},           {"1_m2_m0.5", 1, -2, -0.5, 6},
           {"0_1_0.1", 0, 1, 0.1, 10},        {"m2.5_7.25_0.75", -2.5, 7.25, 0.75, 13},
           {"empty_5_5_1", 5, 5, 1, 0},       {"empty_3_1_1", 3, 1, 1, 0},
           {"large_0_1000_0.25", 0, 1000, 0.25, 4000}},
    i[] = {{"0_10_3", 0, 10, 3, 4},          {"10_m5_m4", 10, -5, -4, 4},
           {"m3_3_1", -3, 3, 1, 6},          {"empty_5_5_2", 5, 5, 2, 0},
           {"empty_3_1_1", 3, 1, 1, 0},      {"large_0_5000_1", 0, 5000, 1, 5000}};
  for (size_t k = 0; k < sizeof f / sizeof *f; k++) {
    ops_case_t c;
    ops_range_case(&c, XHAL_DTYPE_F32, f[k].start, f[k].limit, f[k].delta, f[k].len);
    ops_register(r, CONF_TIER_QUICK, &c, "%s", f[k].name);
  }
  for (int wide = 0; wide < 2; wide++) {
    for (size_t k = 0; k < sizeof i / sizeof *i; k++) {
      ops_case_t c;
      ops_range_case(&c, wide ? XHAL_DTYPE_I64 : XHAL_DTYPE_I32, i[k].start, i[k].limit,
                     i[k].delta, i[k].len);
      ops_register(r, CONF_TIER_QUICK, &c, "%s", i[k].name);
    }
  }
  ops_case_t c;
  ops_range_case(&c, XHAL_DTYPE_I64, 1099511627776.0, 1099511627786.0, 2, 5);
  ops_register(r, CONF_TIER_QUICK, &c, "2p40_2p40p10_2");
  ops_range_case(&c, XHAL_DTYPE_I64, 100, -100, -7, 29);
  ops_register(r, CONF_TIER_QUICK, &c, "100_m100_m7");
  ops_range_case(&c, XHAL_DTYPE_F32, 0, 10, 3, 4);
  c.out_layout = CONF_LAYOUT_GAPPED;
  c.out_offset = 1;
  ops_register(r, CONF_TIER_QUICK, &c, "0_10_3.out_strided_offset");
  ops_range_case(&c, XHAL_DTYPE_F32, 0, 10, 3, 4);
  ops_g_invalid(r, &c, OPS_INVALID_INPUT_DTYPE, "limit_dtype");
  ops_g_invalid(r, &c, OPS_INVALID_OUTPUT_DTYPE, "output_dtype");
  ops_g_invalid(r, &c, OPS_INVALID_INPUT_COUNT, "input_count");
  ops_g_invalid(r, &c, OPS_INVALID_UNKNOWN_ATTR, "unknown_attr");
  c.bad_input = 2;
  c.bad_shape = ops_shape(1, 1);
  ops_g_invalid(r, &c, OPS_INVALID_INPUT_SHAPE, "delta_rank_1");
}

void ops_register_gather(conf_registry_t *registry) {
  ops_register_gather_ops(registry);
  ops_register_pad_ops(registry);
  ops_register_resize_ops(registry);
  ops_register_resize_int(registry);
  ops_register_shape_ops(registry);
  ops_register_constant_of_shape_ops(registry);
  ops_register_range_ops(registry);
}

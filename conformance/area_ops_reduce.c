/*
 * area_ops_reduce.c - ReduceSum, ReduceMean, ReduceMax, ReduceMin and
 * ReduceProd (attribute axes: subsets, negative and unsorted axes, keepdims
 * 0/1, noop_with_empty_axes) on f32, f16, i32, i64, and Softmax (every axis
 * of ranks 1..6, negative axes) on f32 and f16. ReduceProd skips the
 * reductions longer than 4096 terms (their products leave the float range);
 * Max/Min/Prod add NaN/Inf/signed-zero rows.
 *
 * Names: ops.reduce_sum.<dtype>.<shape>.axes_<list>[.keepdims0][.<variant>]
 * (negative axes spelled m1, m2 ...), ops.softmax.<dtype>.<shape>.axis_<a>.
 */
#include <stdio.h>
#include <string.h>

#include "area_ops.h"
#include "ref_dtype.h"

static const xhal_dtype_t OPS_REDUCE_DTYPES[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16, XHAL_DTYPE_I32,
                                                 XHAL_DTYPE_I64};

typedef struct ops_reduce_config {
  ref_shape_t shape;
  int axes_count; /* -1: attribute absent */
  int64_t axes[6];
  int keepdims0;  /* also register keepdims = 0 */
  conf_tier_t tier;
  int variants;
} ops_reduce_config_t;

static void ops_axes_name(char *out, size_t size, int count, const int64_t *axes) {
  if (count < 0) {
    snprintf(out, size, "axes_absent");
    return;
  }
  if (count == 0) {
    snprintf(out, size, "axes_empty");
    return;
  }
  size_t used = (size_t)snprintf(out, size, "axes");
  for (int k = 0; k < count && used < size; k++) {
    int n = axes[k] < 0 ? snprintf(out + used, size - used, "_m%lld", (long long)-axes[k])
                        : snprintf(out + used, size - used, "_%lld", (long long)axes[k]);
    if (n < 0) return;
    used += (size_t)n;
  }
}

static void ops_reduce_case(ops_case_t *c, xhal_op_t op, xhal_dtype_t dtype,
                            const ops_reduce_config_t *cfg) {
  ops_case_init(c, op, dtype, 1, &cfg->shape);
  if (cfg->axes_count >= 0) {
    c->attrs.present |= OPS_ATTR_AXES;
    c->attrs.axes_count = (uint32_t)cfg->axes_count;
    for (int k = 0; k < cfg->axes_count; k++) c->attrs.axes[k] = cfg->axes[k];
  }
}

/* Terms per output of cfg (every dim when axes is absent or empty). */
static int64_t ops_reduce_length(const ops_reduce_config_t *cfg) {
  int64_t len = 1;
  if (cfg->axes_count <= 0) {
    for (uint32_t d = 0; d < cfg->shape.rank; d++) len *= cfg->shape.dims[d];
    return len;
  }
  for (int k = 0; k < cfg->axes_count; k++) {
    int64_t a = cfg->axes[k] < 0 ? cfg->axes[k] + (int64_t)cfg->shape.rank : cfg->axes[k];
    len *= cfg->shape.dims[a];
  }
  return len;
}

/* ReduceMax/Min/Prod: NaN, +-Inf, +-0 and ties along each axis. */
static void ops_register_reduce_special(conf_registry_t *registry, xhal_op_t op,
                                        xhal_dtype_t dtype) {
  ops_case_t c;
  const ref_shape_t s = ops_shape(2, 6, 7);
  const struct {
    int axes_count;
    int64_t axis;
    const char *name;
  } along[] = {{1, 1, "axes_1"}, {1, 0, "axes_0"}, {-1, 0, "axes_absent"}};
  for (size_t a = 0; a < sizeof along / sizeof along[0]; a++) {
    const ops_reduce_config_t cfg = {s, along[a].axes_count, {along[a].axis}, 0, CONF_TIER_QUICK,
                                     0};
    if (ref_dtype_is_float(dtype)) {
      /* Products of the special list's +-max and +-min normal overflow or
       * underflow midway in a float accumulator: not a defined result. */
      if (op != XHAL_OP_REDUCE_PROD) {
        ops_reduce_case(&c, op, dtype, &cfg);
        c.in[0].gen = ops_gen_list(OPS_LIST_SPECIAL);
        ops_register(registry, CONF_TIER_QUICK, &c, "6x7.%s.special", along[a].name);
      }
      ops_reduce_case(&c, op, dtype, &cfg);
      c.in[0].gen = ops_gen_list(OPS_LIST_NAN_ROWS);
      ops_register(registry, CONF_TIER_QUICK, &c, "6x7.%s.nan", along[a].name);
    }
    ops_reduce_case(&c, op, dtype, &cfg);
    c.in[0].gen = ops_gen_list(OPS_LIST_TIES);
    ops_register(registry, CONF_TIER_QUICK, &c, "6x7.%s.ties", along[a].name);
  }
  if (ref_dtype_is_float(dtype)) {
    const ops_reduce_config_t z = {ops_shape(2, 7, 3), 1, {1}, 0, CONF_TIER_QUICK, 0};
    ops_reduce_case(&c, op, dtype, &z);
    c.in[0].gen = ops_gen_list(OPS_LIST_SIGNED_ZEROS);
    ops_register(registry, CONF_TIER_QUICK, &c, "7x3.axes_1.signed_zeros");
  } else {
    const ops_reduce_config_t e = {ops_shape(2, 9, 11), 1, {1}, 0, CONF_TIER_QUICK, 0};
    ops_reduce_case(&c, op, dtype, &e);
    c.in[0].gen = ops_gen_list(OPS_LIST_INT_EDGE);
    ops_register(registry, CONF_TIER_QUICK, &c, "9x11.axes_1.int_edge");
  }
}

static void ops_register_reduce_op(conf_registry_t *registry, xhal_op_t op, xhal_dtype_t dtype) {
  const ops_reduce_config_t configs[] = {
      {ops_shape(0), -1, {0}, 0, CONF_TIER_QUICK, 0},
      {ops_shape(1, 17), 1, {0}, 1, CONF_TIER_QUICK, 0},
      {ops_shape(1, 17), 1, {-1}, 0, CONF_TIER_QUICK, 0},
      {ops_shape(1, 17), -1, {0}, 1, CONF_TIER_QUICK, 0},
      {ops_shape(2, 5, 7), 1, {0}, 1, CONF_TIER_QUICK, 0},
      {ops_shape(2, 5, 7), 1, {1}, 1, CONF_TIER_QUICK, 0},
      {ops_shape(2, 5, 7), 2, {0, 1}, 1, CONF_TIER_QUICK, 0},
      {ops_shape(2, 5, 7), 2, {1, 0}, 0, CONF_TIER_QUICK, 0},
      {ops_shape(2, 5, 7), 1, {-2}, 0, CONF_TIER_QUICK, 0},
      {ops_shape(3, 2, 3, 4), 1, {0}, 1, CONF_TIER_QUICK, 0},
      {ops_shape(3, 2, 3, 4), 1, {1}, 1, CONF_TIER_QUICK, 1},
      {ops_shape(3, 2, 3, 4), 1, {2}, 1, CONF_TIER_QUICK, 0},
      {ops_shape(3, 2, 3, 4), 2, {0, 2}, 1, CONF_TIER_QUICK, 0},
      {ops_shape(3, 2, 3, 4), 2, {1, 2}, 0, CONF_TIER_QUICK, 0},
      {ops_shape(3, 2, 3, 4), 3, {0, 1, 2}, 1, CONF_TIER_QUICK, 0},
      {ops_shape(3, 2, 3, 4), 2, {-1, -3}, 1, CONF_TIER_QUICK, 0},
      {ops_shape(3, 2, 3, 4), 2, {2, 0}, 0, CONF_TIER_QUICK, 0},
      {ops_shape(3, 2, 3, 4), -1, {0}, 1, CONF_TIER_QUICK, 0},
      {ops_shape(4, 2, 3, 4, 5), 2, {1, 3}, 1, CONF_TIER_QUICK, 1},
      {ops_shape(4, 2, 3, 4, 5), 1, {3}, 0, CONF_TIER_QUICK, 0},
      {ops_shape(4, 2, 3, 4, 5), 2, {0, 2}, 0, CONF_TIER_QUICK, 0},
      {ops_shape(5, 2, 3, 2, 3, 2), 3, {0, 2, 4}, 1, CONF_TIER_QUICK, 0},
      {ops_shape(5, 2, 3, 2, 3, 2), 2, {1, 3}, 0, CONF_TIER_QUICK, 0},
      {ops_shape(6, 2, 2, 3, 2, 2, 3), 3, {1, 2, 5}, 1, CONF_TIER_QUICK, 0},
      {ops_shape(6, 2, 2, 3, 2, 2, 3), 1, {-2}, 0, CONF_TIER_QUICK, 0},
      {ops_shape(6, 2, 2, 3, 2, 2, 3), 6, {0, 1, 2, 3, 4, 5}, 1, CONF_TIER_QUICK, 0},
      {ops_shape(2, 3, 1), 1, {1}, 1, CONF_TIER_QUICK, 0},
      {ops_shape(3, 3, 0, 4), 1, {0}, 1, CONF_TIER_QUICK, 0},
      {ops_shape(2, 1024, 1024), 1, {1}, 0, CONF_TIER_QUICK, 0},
      {ops_shape(2, 1024, 1024), 1, {0}, 0, CONF_TIER_QUICK, 0},
      {ops_shape(2, 1024, 1024), -1, {0}, 0, CONF_TIER_QUICK, 0},
      {ops_shape(3, 64, 256, 256), 1, {1}, 0, CONF_TIER_FULL, 0},
      {ops_shape(1, 16777216), 1, {0}, 0, CONF_TIER_FULL, 0},
  };
  char shape[96], axes[96];
  for (size_t n = 0; n < sizeof configs / sizeof configs[0]; n++) {
    const ops_reduce_config_t *cfg = &configs[n];
    if (op == XHAL_OP_REDUCE_PROD && ops_reduce_length(cfg) > 4096) continue;
    /* Max/Min/Prod run the large shapes in the quick tier for f32 only. */
    const int extreme = op == XHAL_OP_REDUCE_MAX || op == XHAL_OP_REDUCE_MIN ||
                        op == XHAL_OP_REDUCE_PROD;
    const conf_tier_t tier = extreme && dtype != XHAL_DTYPE_F32 &&
                                     ref_shape_count(&cfg->shape) > 65536
                                 ? CONF_TIER_FULL
                                 : cfg->tier;
    ops_case_t c;
    ops_reduce_case(&c, op, dtype, cfg);
    ops_shape_name(shape, sizeof shape, &cfg->shape);
    ops_axes_name(axes, sizeof axes, cfg->axes_count, cfg->axes);
    ops_register(registry, tier, &c, "%s.%s", shape, axes);
    if (cfg->keepdims0) {
      ops_case_t k0 = c;
      k0.attrs.present |= OPS_ATTR_KEEPDIMS;
      k0.attrs.keepdims = 0;
      ops_register(registry, tier, &k0, "%s.%s.keepdims0", shape, axes);
    }
    if (!cfg->variants) continue;
    for (uint32_t v = 1; v < OPS_VAR_COUNT; v++) {
      ops_case_t cv = c;
      ops_apply_variant(&cv, (ops_variant_t)v);
      ops_register(registry, tier, &cv, "%s.%s%s", shape, axes,
                   ops_variant_suffix((ops_variant_t)v));
    }
  }
  /* Explicit keepdims = 1 and the noop_with_empty_axes rules. */
  const ops_reduce_config_t r3 = {ops_shape(3, 2, 3, 4), 1, {1}, 0, CONF_TIER_QUICK, 0};
  ops_case_t c;
  ops_reduce_case(&c, op, dtype, &r3);
  c.attrs.present |= OPS_ATTR_KEEPDIMS;
  c.attrs.keepdims = 1;
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4.axes_1.keepdims1");
  const ops_reduce_config_t empty = {ops_shape(3, 2, 3, 4), 0, {0}, 0, CONF_TIER_QUICK, 0};
  const ops_reduce_config_t absent = {ops_shape(3, 2, 3, 4), -1, {0}, 0, CONF_TIER_QUICK, 0};
  ops_reduce_case(&c, op, dtype, &empty);
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4.axes_empty");
  c.attrs.present |= OPS_ATTR_NOOP;
  c.attrs.noop = 1;
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4.axes_empty.noop1");
  ops_reduce_case(&c, op, dtype, &absent);
  c.attrs.present |= OPS_ATTR_NOOP;
  c.attrs.noop = 1;
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4.axes_absent.noop1");
  ops_reduce_case(&c, op, dtype, &absent);
  c.attrs.present |= OPS_ATTR_NOOP | OPS_ATTR_KEEPDIMS;
  c.attrs.noop = 0;
  c.attrs.keepdims = 0;
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4.axes_absent.noop0.keepdims0");
  /* Reductions over zero elements: 0 (ReduceSum), NaN (float ReduceMean),
   * the identity for Max/Min/Prod. The integer mean over zero elements is
   * not defined, so not tested. */
  if (op != XHAL_OP_REDUCE_MEAN || ref_dtype_is_float(dtype)) {
    const ops_reduce_config_t z = {ops_shape(3, 3, 0, 4), 1, {1}, 0, CONF_TIER_QUICK, 0};
    ops_reduce_case(&c, op, dtype, &z);
    ops_register(registry, CONF_TIER_QUICK, &c, "3x0x4.axes_1");
    const ops_reduce_config_t z_all = {ops_shape(2, 0, 3), -1, {0}, 0, CONF_TIER_QUICK, 0};
    ops_reduce_case(&c, op, dtype, &z_all);
    ops_register(registry, CONF_TIER_QUICK, &c, "0x3.axes_absent");
  }
  if (!ref_dtype_is_float(dtype)) {
    /* Wrapping sums of full-range integers. */
    const ops_reduce_config_t w = {ops_shape(2, 64, 16), 1, {1}, 0, CONF_TIER_QUICK, 0};
    ops_reduce_case(&c, op, dtype, &w);
    c.in[0].gen.kind = OPS_GEN_BITS;
    ops_register(registry, CONF_TIER_QUICK, &c, "64x16.axes_1.full_range");
  }
  if (op == XHAL_OP_REDUCE_MAX || op == XHAL_OP_REDUCE_MIN || op == XHAL_OP_REDUCE_PROD)
    ops_register_reduce_special(registry, op, dtype);
}

/* ---- Softmax ------------------------------------------------------------------- */
static void ops_softmax_axis_name(char *out, size_t size, int64_t axis) {
  if (axis < 0)
    snprintf(out, size, "axis_m%lld", (long long)-axis);
  else
    snprintf(out, size, "axis_%lld", (long long)axis);
}

static void ops_softmax_case(ops_case_t *c, xhal_dtype_t dtype, const ref_shape_t *shape,
                             int64_t axis) {
  ops_case_init(c, XHAL_OP_SOFTMAX, dtype, 1, shape);
  c->attrs.present |= OPS_ATTR_AXIS;
  c->attrs.axis = axis;
}

static void ops_register_softmax_dtype(conf_registry_t *registry, xhal_dtype_t dtype) {
  const ref_shape_t ranks[] = {
      ops_shape(1, 17),          ops_shape(2, 5, 7),
      ops_shape(3, 2, 3, 4),     ops_shape(4, 2, 3, 4, 5),
      ops_shape(5, 2, 3, 2, 3, 2), ops_shape(6, 2, 2, 3, 2, 2, 3),
  };
  char shape[96], axis[32];
  ops_case_t c;
  for (size_t r = 0; r < sizeof ranks / sizeof ranks[0]; r++) {
    int64_t rank = (int64_t)ranks[r].rank;
    ops_shape_name(shape, sizeof shape, &ranks[r]);
    for (int64_t a = -rank; a < rank; a++) {
      ops_softmax_case(&c, dtype, &ranks[r], a);
      ops_softmax_axis_name(axis, sizeof axis, a);
      ops_register(registry, CONF_TIER_QUICK, &c, "%s.%s", shape, axis);
    }
  }
  /* Default axis (-1), attribute absent. */
  ops_case_init(&c, XHAL_OP_SOFTMAX, dtype, 1, &ranks[2]);
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4.axis_absent");
  /* Layout variants on two shapes. */
  const struct {
    ref_shape_t shape;
    int64_t axis;
  } views[] = {{ops_shape(3, 2, 3, 4), 1}, {ops_shape(4, 2, 3, 4, 5), -1}};
  for (size_t s = 0; s < sizeof views / sizeof views[0]; s++) {
    ops_shape_name(shape, sizeof shape, &views[s].shape);
    ops_softmax_axis_name(axis, sizeof axis, views[s].axis);
    for (uint32_t v = 1; v < OPS_VAR_COUNT; v++) {
      ops_softmax_case(&c, dtype, &views[s].shape, views[s].axis);
      ops_apply_variant(&c, (ops_variant_t)v);
      ops_register(registry, CONF_TIER_QUICK, &c, "%s.%s%s", shape, axis,
                   ops_variant_suffix((ops_variant_t)v));
    }
  }
  /* Sizes: a single element per slice, zero-size, long rows. */
  const struct {
    ref_shape_t shape;
    int64_t axis;
    conf_tier_t tier;
  } sizes[] = {
      {ops_shape(2, 5, 1), 1, CONF_TIER_QUICK},
      {ops_shape(2, 3, 0), 1, CONF_TIER_QUICK},
      {ops_shape(2, 0, 5), 1, CONF_TIER_QUICK},
      {ops_shape(2, 1000, 1000), 1, CONF_TIER_QUICK},
      {ops_shape(2, 1000, 1000), 0, CONF_TIER_QUICK},
      {ops_shape(2, 4, 65536), 1, CONF_TIER_QUICK},
      {ops_shape(2, 16, 1048576), 1, CONF_TIER_FULL},
      {ops_shape(3, 256, 64, 64), 0, CONF_TIER_FULL},
  };
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    ops_softmax_case(&c, dtype, &sizes[s].shape, sizes[s].axis);
    ops_shape_name(shape, sizeof shape, &sizes[s].shape);
    ops_softmax_axis_name(axis, sizeof axis, sizes[s].axis);
    ops_register(registry, sizes[s].tier, &c, "%s.%s", shape, axis);
  }
  /* Large inputs: a softmax without the max subtraction overflows. */
  ref_shape_t big = ops_shape(2, 8, 64);
  ops_softmax_case(&c, dtype, &big, 1);
  c.in[0].gen = dtype == XHAL_DTYPE_F16 ? ops_gen_uniform(20.0, 60.0)
                                        : ops_gen_uniform(80.0, 120.0);
  ops_register(registry, CONF_TIER_QUICK, &c, "8x64.axis_1.large_inputs");
  ops_softmax_case(&c, dtype, &big, 1);
  c.in[0].gen = ops_gen_uniform(-120.0, -80.0);
  ops_register(registry, CONF_TIER_QUICK, &c, "8x64.axis_1.negative_inputs");
  /* -Inf entries (attention masks) give 0; a NaN makes its whole slice NaN. */
  ref_shape_t masked = ops_shape(2, 6, 9);
  ops_softmax_case(&c, dtype, &masked, 1);
  c.in[0].gen = ops_gen_list(OPS_LIST_NEG_INF_MASK);
  ops_register(registry, CONF_TIER_QUICK, &c, "6x9.axis_1.neg_inf_mask");
  ops_softmax_case(&c, dtype, &masked, 0);
  c.in[0].gen = ops_gen_list(OPS_LIST_NAN_ROWS);
  ops_register(registry, CONF_TIER_QUICK, &c, "6x9.axis_0.nan");
  ops_softmax_case(&c, dtype, &masked, 1);
  c.in[0].gen = ops_gen_list(OPS_LIST_NAN_ROWS);
  ops_register(registry, CONF_TIER_QUICK, &c, "6x9.axis_1.nan");
}

void ops_register_reduce(conf_registry_t *registry) {
  for (size_t d = 0; d < sizeof OPS_REDUCE_DTYPES / sizeof OPS_REDUCE_DTYPES[0]; d++)
    ops_register_reduce_op(registry, XHAL_OP_REDUCE_SUM, OPS_REDUCE_DTYPES[d]);
  for (size_t d = 0; d < sizeof OPS_REDUCE_DTYPES / sizeof OPS_REDUCE_DTYPES[0]; d++)
    ops_register_reduce_op(registry, XHAL_OP_REDUCE_MEAN, OPS_REDUCE_DTYPES[d]);
  static const xhal_op_t extremes[] = {XHAL_OP_REDUCE_MAX, XHAL_OP_REDUCE_MIN,
                                       XHAL_OP_REDUCE_PROD};
  for (size_t o = 0; o < sizeof extremes / sizeof extremes[0]; o++)
    for (size_t d = 0; d < sizeof OPS_REDUCE_DTYPES / sizeof OPS_REDUCE_DTYPES[0]; d++)
      ops_register_reduce_op(registry, extremes[o], OPS_REDUCE_DTYPES[d]);
  /* u8 Max/Min (ONNX allows uint8), with one long reduction in the quick
   * tier (the large shapes are full-tier for dtypes other than f32). */
  for (size_t o = 0; o < 2; o++) {
    ops_register_reduce_op(registry, extremes[o], XHAL_DTYPE_U8);
    const ops_reduce_config_t longer = {ops_shape(2, 4, 16384), 1, {1}, 0, CONF_TIER_QUICK, 0};
    ops_case_t c;
    ops_reduce_case(&c, extremes[o], XHAL_DTYPE_U8, &longer);
    ops_register(registry, CONF_TIER_QUICK, &c, "4x16384.axes_1");
  }
  ops_register_softmax_dtype(registry, XHAL_DTYPE_F32);
  ops_register_softmax_dtype(registry, XHAL_DTYPE_F16);
}

/*
 * area_ops_norm.c - BatchNormalization (inference), LayerNormalization,
 * InstanceNormalization and LogSoftmax on f32 and f16, ArgMax and ArgMin on
 * f32, f16, i32 and i64: ranks 1..6, every axis form, epsilon, optional B,
 * broadcast Scale/B, layout variants, zero-size and large shapes, NaN/-Inf
 * rows, ties with select_last_index, LayerNormalization's optional Mean and
 * InvStdDev outputs, and must-reject calls.
 *
 * Names: ops.<op>.<dtype>.<shape>[.axis_<a>][.<attribute variant>][.<layout>],
 * negative axes spelled m1, m2 ...; ops.<op>.<dtype>.invalid_<what>.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "area_ops.h"
#include "ref_dtype.h"

static const xhal_dtype_t OPS_NORM_FLOATS[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16};
static const xhal_dtype_t OPS_NORM_ALL[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16, XHAL_DTYPE_I32,
                                           XHAL_DTYPE_I64};
#define OPS_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void ops_norm_axis_name(char *out, size_t size, int64_t axis) {
  if (axis < 0)
    snprintf(out, size, "axis_m%lld", (long long)-axis);
  else
    snprintf(out, size, "axis_%lld", (long long)axis);
}

/* Shapes past 2^18 elements run in the quick tier for f32 only. */
static conf_tier_t ops_norm_large_tier(xhal_dtype_t dtype, const ref_shape_t *shape) {
  return dtype != XHAL_DTYPE_F32 && ref_shape_count(shape) > 262144 ? CONF_TIER_FULL
                                                                    : CONF_TIER_QUICK;
}

static void ops_norm_variants(conf_registry_t *registry, const ops_case_t *base,
                              const char *name) {
  for (uint32_t v = 1; v < OPS_VAR_COUNT; v++) {
    ops_case_t c = *base;
    ops_apply_variant(&c, (ops_variant_t)v);
    ops_register(registry, CONF_TIER_QUICK, &c, "%s%s", name, ops_variant_suffix((ops_variant_t)v));
  }
}

static void ops_norm_epsilon(ops_case_t *c, double epsilon) {
  c->attrs.present |= OPS_ATTR_EPSILON;
  c->attrs.epsilon = epsilon;
}

/* ---- BatchNormalization --------------------------------------------------------------- */

static void ops_bn_case(ops_case_t *c, xhal_dtype_t dtype, const ref_shape_t *x) {
  const int64_t ch = x->rank > 1 ? x->dims[1] : 1;
  const ref_shape_t v = ops_shape(1, (int)ch);
  const ref_shape_t shapes[5] = {*x, v, v, v, v};
  ops_case_init(c, XHAL_OP_BATCH_NORMALIZATION, dtype, 5, shapes);
  c->in[4].gen = ops_gen_uniform(0.0, 2.0); /* a variance */
}

static void ops_register_bn(conf_registry_t *registry, xhal_dtype_t dtype) {
  const ref_shape_t shapes[] = {
      ops_shape(2, 2, 3),          ops_shape(3, 2, 3, 5),          ops_shape(4, 2, 3, 4, 5),
      ops_shape(5, 1, 4, 2, 3, 2), ops_shape(6, 2, 2, 2, 2, 2, 3), ops_shape(3, 3, 1, 4),
      ops_shape(3, 0, 3, 4),       ops_shape(3, 2, 3, 0),          ops_shape(4, 4, 32, 32, 32),
  };
  char shape[96];
  ops_case_t c;
  for (size_t s = 0; s < OPS_COUNT(shapes); s++) {
    ops_bn_case(&c, dtype, &shapes[s]);
    ops_shape_name(shape, sizeof shape, &shapes[s]);
    ops_register(registry, CONF_TIER_QUICK, &c, "%s", shape);
  }
  const ref_shape_t x = ops_shape(4, 2, 3, 4, 5);
  ops_bn_case(&c, dtype, &x);
  ops_norm_variants(registry, &c, "2x3x4x5");
  ops_norm_epsilon(&c, 1e-2);
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4x5.epsilon_1em2");
  ops_bn_case(&c, dtype, &x);
  ops_norm_epsilon(&c, 0.0);
  c.in[4].gen = ops_gen_uniform(0.25, 2.0);
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4x5.epsilon_0");
  ops_bn_case(&c, dtype, &x);
  c.attrs.present |= OPS_ATTR_TRAINING_MODE;
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4x5.training_mode0");
  ops_bn_case(&c, dtype, &x);
  c.in[0].gen = ops_gen_list(OPS_LIST_NAN_ROWS);
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4x5.nan");
  ops_bn_case(&c, dtype, &x);
  c.in[0].gen = ops_gen_list(OPS_LIST_NEG_INF_MASK);
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4x5.neg_inf");
  ops_bn_case(&c, dtype, &x);
  for (uint32_t k = 0; k < 4; k++) c.in[k].gen = ops_gen_list(OPS_LIST_SIGNED_ZEROS);
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4x5.signed_zeros");

  /* Must-reject calls. */
  ops_bn_case(&c, dtype, &x);
  ops_invalid_common_cases(registry, &c);
  ops_invalid_case(registry, &c, OPS_INVALID_INPUT_DTYPE, "input_dtype");
  ops_invalid_shape_case(registry, &c, 3, ops_shape(1, 4), "mean_shape");
  ops_invalid_shape_case(registry, &c, 1, ops_shape(2, 1, 3), "scale_rank");
  ops_invalid_shape_case(registry, &c, 0, ops_shape(1, 3), "input_rank1");
  ops_attrs_t bad = c.attrs;
  bad.present |= OPS_ATTR_EPSILON;
  bad.epsilon = -1e-5;
  ops_invalid_attrs_case(registry, &c, &bad, "epsilon_negative");
  bad = c.attrs;
  bad.present |= OPS_ATTR_TRAINING_MODE;
  bad.training_mode = 2;
  ops_invalid_attrs_case(registry, &c, &bad, "training_mode_2");
}

/* ---- LayerNormalization ---------------------------------------------------------------- */

/* Scale and B of x's dims from axis on (with_b: 3 inputs). */
static void ops_ln_case(ops_case_t *c, xhal_dtype_t dtype, const ref_shape_t *x, int64_t axis,
                        int with_b) {
  const uint32_t a = (uint32_t)(axis < 0 ? axis + (int64_t)x->rank : axis);
  ref_shape_t tail;
  memset(&tail, 0, sizeof tail);
  tail.rank = x->rank - a;
  for (uint32_t d = 0; d < tail.rank; d++) tail.dims[d] = x->dims[a + d];
  const ref_shape_t shapes[3] = {*x, tail, tail};
  ops_case_init(c, XHAL_OP_LAYER_NORMALIZATION, dtype, with_b ? 3 : 2, shapes);
  c->attrs.present |= OPS_ATTR_AXIS;
  c->attrs.axis = axis;
}

static void ops_register_ln(conf_registry_t *registry, xhal_dtype_t dtype) {
  const ref_shape_t ranks[] = {ops_shape(1, 17), ops_shape(2, 5, 7), ops_shape(3, 2, 3, 4),
                               ops_shape(4, 2, 3, 4, 5)};
  char shape[96], axis[32];
  ops_case_t c;
  for (size_t r = 0; r < OPS_COUNT(ranks); r++) {
    const int64_t rank = (int64_t)ranks[r].rank;
    ops_shape_name(shape, sizeof shape, &ranks[r]);
    for (int64_t a = -rank; a < rank; a++) {
      ops_ln_case(&c, dtype, &ranks[r], a, 1);
      ops_norm_axis_name(axis, sizeof axis, a);
      ops_register(registry, CONF_TIER_QUICK, &c, "%s.%s", shape, axis);
    }
  }
  const struct {
    ref_shape_t shape;
    int64_t axis;
  } more[] = {{ops_shape(5, 2, 3, 2, 3, 2), 3}, {ops_shape(6, 2, 2, 3, 2, 2, 3), -2},
              {ops_shape(2, 0, 4), 1},         {ops_shape(2, 3, 0), 1},
              {ops_shape(2, 512, 768), -1},    {ops_shape(2, 4, 65536), 1}};
  for (size_t m = 0; m < OPS_COUNT(more); m++) {
    ops_ln_case(&c, dtype, &more[m].shape, more[m].axis, 1);
    ops_shape_name(shape, sizeof shape, &more[m].shape);
    ops_norm_axis_name(axis, sizeof axis, more[m].axis);
    ops_register(registry, CONF_TIER_QUICK, &c, "%s.%s", shape, axis);
  }
  const ref_shape_t x = ops_shape(4, 2, 3, 4, 5);
  ops_ln_case(&c, dtype, &x, 2, 1);
  ops_norm_variants(registry, &c, "2x3x4x5.axis_2");
  ops_ln_case(&c, dtype, &x, 2, 0);
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4x5.axis_2.no_bias");
  ops_ln_case(&c, dtype, &x, 1, 0);
  ops_norm_variants(registry, &c, "2x3x4x5.axis_1.no_bias");
  /* Default axis (-1), epsilon, stash_type 1. */
  ops_ln_case(&c, dtype, &x, -1, 1);
  c.attrs.present &= ~(uint32_t)OPS_ATTR_AXIS;
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4x5.axis_absent");
  ops_norm_epsilon(&c, 0.5);
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4x5.axis_absent.epsilon_0_5");
  ops_ln_case(&c, dtype, &x, -1, 1);
  c.attrs.present |= OPS_ATTR_STASH_TYPE;
  c.attrs.stash_type = 1;
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4x5.axis_m1.stash_type1");
  /* Scale and B broadcast over the normalised dims. */
  ops_ln_case(&c, dtype, &x, 1, 1);
  c.in[1].shape = ops_shape(1, 5);
  c.in[2].shape = ops_shape(3, 3, 1, 1);
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4x5.axis_1.broadcast_scale_bias");
  ops_ln_case(&c, dtype, &x, 2, 1);
  c.in[1].shape = ops_shape(0);
  c.in[2].shape = ops_shape(2, 4, 1);
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4x5.axis_2.scalar_scale");
  /* Constant rows (variance 0: y = B), NaN and -Inf rows. */
  const ref_shape_t rows = ops_shape(2, 6, 9);
  ops_ln_case(&c, dtype, &rows, -1, 1);
  c.in[0].gen = ops_gen_uniform(1.5, 1.5);
  ops_register(registry, CONF_TIER_QUICK, &c, "6x9.axis_m1.constant_rows");
  ops_ln_case(&c, dtype, &rows, -1, 1);
  c.in[0].gen = ops_gen_list(OPS_LIST_NAN_ROWS);
  ops_register(registry, CONF_TIER_QUICK, &c, "6x9.axis_m1.nan");
  ops_ln_case(&c, dtype, &rows, -1, 1);
  c.in[0].gen = ops_gen_list(OPS_LIST_NEG_INF_MASK);
  ops_register(registry, CONF_TIER_QUICK, &c, "6x9.axis_m1.neg_inf");
  ops_ln_case(&c, dtype, &rows, -1, 1);
  c.in[0].gen = ops_gen_uniform(1000.0, 1001.0); /* large mean, small spread */
  ops_register(registry, CONF_TIER_QUICK, &c, "6x9.axis_m1.offset_mean");

  const ref_shape_t y = ops_shape(3, 2, 3, 4);
  ops_ln_case(&c, dtype, &y, -1, 0);
  ops_invalid_common_cases(registry, &c);
  ops_ln_case(&c, dtype, &y, -1, 1);
  ops_invalid_case(registry, &c, OPS_INVALID_INPUT_DTYPE, "input_dtype");
  ops_invalid_shape_case(registry, &c, 1, ops_shape(1, 5), "scale_shape");
  ops_invalid_shape_case(registry, &c, 2, ops_shape(2, 3, 4), "bias_rank");
  ops_attrs_t bad = c.attrs;
  bad.axis = 3;
  ops_invalid_attrs_case(registry, &c, &bad, "axis_3");
  bad = c.attrs;
  bad.present |= OPS_ATTR_EPSILON;
  bad.epsilon = NAN;
  ops_invalid_attrs_case(registry, &c, &bad, "epsilon_nan");
}

/* LayerNormalization with the optional outputs Mean (outputs 2) and
 * InvStdDev (outputs 3), f32 for either dtype of X (stash_type 1):
 * names <shape>.<axis>[.<variant>].outputs_<n>. */
static void ops_register_ln_stats(conf_registry_t *registry, xhal_dtype_t dtype) {
  const struct {
    ref_shape_t shape;
    int64_t axis;
  } forms[] = {{ops_shape(1, 17), 0},           {ops_shape(2, 5, 7), -1},
               {ops_shape(2, 5, 7), 0},         {ops_shape(3, 2, 3, 4), 0},
               {ops_shape(3, 2, 3, 4), 1},      {ops_shape(3, 2, 3, 4), 2},
               {ops_shape(4, 2, 3, 4, 5), 1},   {ops_shape(4, 2, 3, 4, 5), -1},
               {ops_shape(6, 2, 2, 3, 2, 2, 3), -2}, {ops_shape(2, 0, 4), 1},
               {ops_shape(2, 512, 768), -1}};
  char shape[96], axis[32], name[160];
  ops_case_t c;
  for (size_t f = 0; f < OPS_COUNT(forms); f++) {
    ops_shape_name(shape, sizeof shape, &forms[f].shape);
    ops_norm_axis_name(axis, sizeof axis, forms[f].axis);
    for (uint32_t n = 2; n <= 3; n++) {
      ops_ln_case(&c, dtype, &forms[f].shape, forms[f].axis, 1);
      c.output_count = n;
      ops_register(registry, CONF_TIER_QUICK, &c, "%s.%s.outputs_%u", shape, axis, n);
    }
  }
  /* Layouts of every tensor (the outputs' too), no bias, attributes. */
  const ref_shape_t x = ops_shape(4, 2, 3, 4, 5);
  ops_ln_case(&c, dtype, &x, 2, 1);
  c.output_count = 3;
  for (uint32_t v = 1; v < OPS_VAR_COUNT; v++) {
    ops_case_t cv = c;
    ops_apply_variant(&cv, (ops_variant_t)v);
    ops_register(registry, CONF_TIER_QUICK, &cv, "2x3x4x5.axis_2%s.outputs_3",
                 ops_variant_suffix((ops_variant_t)v));
  }
  ops_ln_case(&c, dtype, &x, 1, 0);
  c.output_count = 2;
  ops_apply_variant(&c, OPS_VAR_OUT_STRIDED);
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4x5.axis_1.no_bias.out_strided.outputs_2");
  ops_ln_case(&c, dtype, &x, -1, 0);
  c.attrs.present &= ~(uint32_t)OPS_ATTR_AXIS;
  c.attrs.present |= OPS_ATTR_STASH_TYPE;
  c.attrs.stash_type = 1;
  ops_norm_epsilon(&c, 0.5);
  c.output_count = 3;
  ops_register(registry, CONF_TIER_QUICK, &c,
               "2x3x4x5.axis_absent.no_bias.epsilon_0_5.stash_type1.outputs_3");
  /* Constant rows (InvStdDev 1 / sqrt(epsilon)), NaN and -Inf rows, a
   * large mean with a small spread. */
  const ref_shape_t rows = ops_shape(2, 6, 9);
  const struct {
    ops_gen_t gen;
    const char *name;
  } values[] = {{ops_gen_uniform(1.5, 1.5), "constant_rows"},
                {ops_gen_list(OPS_LIST_NAN_ROWS), "nan"},
                {ops_gen_list(OPS_LIST_NEG_INF_MASK), "neg_inf"},
                {ops_gen_uniform(1000.0, 1001.0), "offset_mean"}};
  for (size_t v = 0; v < OPS_COUNT(values); v++) {
    ops_ln_case(&c, dtype, &rows, -1, 1);
    c.in[0].gen = values[v].gen;
    c.output_count = 3;
    snprintf(name, sizeof name, "6x9.axis_m1.%s.outputs_3", values[v].name);
    ops_register(registry, CONF_TIER_QUICK, &c, "%s", name);
  }
  /* Must-reject: Mean or InvStdDev of other dims or of X's dtype (f16) /
   * f16 (f32 X). */
  const ref_shape_t y = ops_shape(3, 2, 3, 4);
  ops_ln_case(&c, dtype, &y, 1, 1);
  c.output_count = 3;
  const struct {
    ops_invalid_t kind;
    uint32_t output;
    const char *name;
  } bad[] = {{OPS_INVALID_OUTPUT_SHAPE, 1, "mean_shape"},
             {OPS_INVALID_OUTPUT_SHAPE, 2, "inv_std_dev_shape"},
             {OPS_INVALID_OUTPUT_DTYPE, 1, "mean_dtype"},
             {OPS_INVALID_OUTPUT_DTYPE, 2, "inv_std_dev_dtype"}};
  for (size_t b = 0; b < OPS_COUNT(bad); b++) {
    ops_case_t cb = c;
    cb.bad_output = bad[b].output;
    ops_invalid_case(registry, &cb, bad[b].kind, bad[b].name);
  }
  ops_case_t cb = c;
  cb.output_count = 2;
  cb.bad_output = 1;
  ops_invalid_case(registry, &cb, OPS_INVALID_OUTPUT_SHAPE, "mean_shape.outputs_2");
}

/* ---- InstanceNormalization ------------------------------------------------------------- */

static void ops_in_case(ops_case_t *c, xhal_dtype_t dtype, const ref_shape_t *x) {
  const ref_shape_t v = ops_shape(1, (int)(x->rank > 1 ? x->dims[1] : 1));
  const ref_shape_t shapes[3] = {*x, v, v};
  ops_case_init(c, XHAL_OP_INSTANCE_NORMALIZATION, dtype, 3, shapes);
}

static void ops_register_in(conf_registry_t *registry, xhal_dtype_t dtype) {
  const ref_shape_t shapes[] = {
      ops_shape(2, 2, 3),          ops_shape(3, 2, 3, 5),          ops_shape(4, 2, 3, 4, 5),
      ops_shape(5, 1, 2, 3, 2, 2), ops_shape(6, 2, 2, 2, 2, 2, 3), ops_shape(3, 0, 3, 4),
      ops_shape(3, 2, 3, 0),       ops_shape(4, 2, 16, 64, 64),
  };
  char shape[96];
  ops_case_t c;
  for (size_t s = 0; s < OPS_COUNT(shapes); s++) {
    ops_in_case(&c, dtype, &shapes[s]);
    ops_shape_name(shape, sizeof shape, &shapes[s]);
    ops_register(registry, CONF_TIER_QUICK, &c, "%s", shape);
  }
  const ref_shape_t x = ops_shape(4, 2, 3, 4, 5);
  ops_in_case(&c, dtype, &x);
  ops_norm_variants(registry, &c, "2x3x4x5");
  ops_norm_epsilon(&c, 1e-2);
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4x5.epsilon_1em2");
  ops_in_case(&c, dtype, &x);
  c.in[0].gen = ops_gen_list(OPS_LIST_NAN_ROWS);
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4x5.nan");
  ops_in_case(&c, dtype, &x);
  c.in[0].gen = ops_gen_uniform(-3.0, -3.0);
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4x5.constant");

  ops_in_case(&c, dtype, &x);
  ops_invalid_common_cases(registry, &c);
  ops_invalid_case(registry, &c, OPS_INVALID_INPUT_DTYPE, "input_dtype");
  ops_invalid_shape_case(registry, &c, 1, ops_shape(1, 2), "scale_shape");
  ops_invalid_shape_case(registry, &c, 0, ops_shape(1, 3), "input_rank1");
  ops_attrs_t bad = c.attrs;
  bad.present |= OPS_ATTR_EPSILON;
  bad.epsilon = INFINITY;
  ops_invalid_attrs_case(registry, &c, &bad, "epsilon_inf");
}

/* ---- LogSoftmax ----------------------------------------------------------------------- */

static void ops_ls_case(ops_case_t *c, xhal_dtype_t dtype, const ref_shape_t *x, int64_t axis) {
  ops_case_init(c, XHAL_OP_LOG_SOFTMAX, dtype, 1, x);
  c->attrs.present |= OPS_ATTR_AXIS;
  c->attrs.axis = axis;
}

static void ops_register_log_softmax(conf_registry_t *registry, xhal_dtype_t dtype) {
  const ref_shape_t ranks[] = {ops_shape(1, 17), ops_shape(2, 5, 7), ops_shape(3, 2, 3, 4),
                               ops_shape(4, 2, 3, 4, 5)};
  char shape[96], axis[32];
  ops_case_t c;
  for (size_t r = 0; r < OPS_COUNT(ranks); r++) {
    const int64_t rank = (int64_t)ranks[r].rank;
    ops_shape_name(shape, sizeof shape, &ranks[r]);
    for (int64_t a = -rank; a < rank; a++) {
      ops_ls_case(&c, dtype, &ranks[r], a);
      ops_norm_axis_name(axis, sizeof axis, a);
      ops_register(registry, CONF_TIER_QUICK, &c, "%s.%s", shape, axis);
    }
  }
  const struct {
    ref_shape_t shape;
    int64_t axis;
  } more[] = {{ops_shape(5, 2, 3, 2, 3, 2), 2}, {ops_shape(6, 2, 2, 3, 2, 2, 3), -1},
              {ops_shape(2, 5, 1), 1},         {ops_shape(2, 3, 0), 1},
              {ops_shape(2, 0, 5), 1},         {ops_shape(2, 1000, 1000), 1},
              {ops_shape(2, 1000, 1000), 0},   {ops_shape(2, 4, 65536), 1}};
  for (size_t m = 0; m < OPS_COUNT(more); m++) {
    ops_ls_case(&c, dtype, &more[m].shape, more[m].axis);
    ops_shape_name(shape, sizeof shape, &more[m].shape);
    ops_norm_axis_name(axis, sizeof axis, more[m].axis);
    ops_register(registry, ops_norm_large_tier(dtype, &more[m].shape), &c, "%s.%s", shape, axis);
  }
  ops_case_init(&c, XHAL_OP_LOG_SOFTMAX, dtype, 1, &ranks[2]);
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4.axis_absent");
  ops_ls_case(&c, dtype, &ranks[2], 1);
  ops_norm_variants(registry, &c, "2x3x4.axis_1");
  ops_ls_case(&c, dtype, &ranks[3], -1);
  ops_norm_variants(registry, &c, "2x3x4x5.axis_m1");
  const ref_shape_t big = ops_shape(2, 8, 64);
  ops_ls_case(&c, dtype, &big, 1);
  c.in[0].gen = dtype == XHAL_DTYPE_F16 ? ops_gen_uniform(20.0, 60.0)
                                        : ops_gen_uniform(80.0, 120.0);
  ops_register(registry, CONF_TIER_QUICK, &c, "8x64.axis_1.large_inputs");
  ops_ls_case(&c, dtype, &big, 1);
  c.in[0].gen = ops_gen_uniform(-120.0, -80.0);
  ops_register(registry, CONF_TIER_QUICK, &c, "8x64.axis_1.negative_inputs");
  ops_ls_case(&c, dtype, &big, 1);
  c.in[0].gen = ops_gen_uniform(-30.0, 30.0); /* exp underflows for most terms */
  ops_register(registry, CONF_TIER_QUICK, &c, "8x64.axis_1.wide_inputs");
  const ref_shape_t masked = ops_shape(2, 6, 9);
  ops_ls_case(&c, dtype, &masked, 1);
  c.in[0].gen = ops_gen_list(OPS_LIST_NEG_INF_MASK);
  ops_register(registry, CONF_TIER_QUICK, &c, "6x9.axis_1.neg_inf_mask");
  ops_ls_case(&c, dtype, &masked, 0);
  c.in[0].gen = ops_gen_list(OPS_LIST_NAN_ROWS);
  ops_register(registry, CONF_TIER_QUICK, &c, "6x9.axis_0.nan");
  ops_ls_case(&c, dtype, &masked, 1);
  c.in[0].gen = ops_gen_list(OPS_LIST_NAN_ROWS);
  ops_register(registry, CONF_TIER_QUICK, &c, "6x9.axis_1.nan");

  ops_ls_case(&c, dtype, &ranks[2], 1);
  ops_invalid_common_cases(registry, &c);
  ops_attrs_t bad = c.attrs;
  bad.axis = -4;
  ops_invalid_attrs_case(registry, &c, &bad, "axis_m4");
  ops_invalid_shape_case(registry, &c, 0, ops_shape(0), "scalar_input");
}

/* ---- ArgMax / ArgMin ------------------------------------------------------------------- */

static void ops_arg_case(ops_case_t *c, xhal_op_t op, xhal_dtype_t dtype, const ref_shape_t *x,
                         int64_t axis, int keepdims, int last) {
  ops_case_init(c, op, dtype, 1, x);
  c->attrs.present |= OPS_ATTR_AXIS;
  c->attrs.axis = axis;
  if (keepdims >= 0) {
    c->attrs.present |= OPS_ATTR_KEEPDIMS;
    c->attrs.keepdims = keepdims;
  }
  if (last >= 0) {
    c->attrs.present |= OPS_ATTR_SELECT_LAST;
    c->attrs.select_last = last;
  }
  if (!ref_dtype_is_float(dtype)) c->in[0].gen = ops_gen_uniform(-1000.0, 1000.0);
  if (dtype == XHAL_DTYPE_U8) c->in[0].gen = ops_gen_uniform(0.0, 255.0);
}

static void ops_register_arg(conf_registry_t *registry, xhal_op_t op, xhal_dtype_t dtype) {
  const ref_shape_t ranks[] = {ops_shape(1, 17), ops_shape(2, 5, 7), ops_shape(3, 2, 3, 4)};
  char shape[96], axis[32];
  ops_case_t c;
  for (size_t r = 0; r < OPS_COUNT(ranks); r++) {
    const int64_t rank = (int64_t)ranks[r].rank;
    ops_shape_name(shape, sizeof shape, &ranks[r]);
    for (int64_t a = -rank; a < rank; a++) {
      ops_norm_axis_name(axis, sizeof axis, a);
      ops_arg_case(&c, op, dtype, &ranks[r], a, -1, -1);
      ops_register(registry, CONF_TIER_QUICK, &c, "%s.%s", shape, axis);
      if (a < 0) continue;
      ops_arg_case(&c, op, dtype, &ranks[r], a, 0, -1);
      ops_register(registry, CONF_TIER_QUICK, &c, "%s.%s.keepdims0", shape, axis);
    }
  }
  const struct {
    ref_shape_t shape;
    int64_t axis;
  } more[] = {{ops_shape(4, 2, 3, 4, 5), 2},    {ops_shape(5, 2, 3, 2, 3, 2), 3},
              {ops_shape(6, 2, 2, 3, 2, 2, 3), -1}, {ops_shape(2, 0, 4), 1},
              {ops_shape(2, 3, 0), 0},           {ops_shape(2, 5, 1), 1},
              {ops_shape(2, 1024, 1024), 1},     {ops_shape(2, 1024, 1024), 0}};
  for (size_t m = 0; m < OPS_COUNT(more); m++) {
    ops_arg_case(&c, op, dtype, &more[m].shape, more[m].axis, -1, -1);
    ops_shape_name(shape, sizeof shape, &more[m].shape);
    ops_norm_axis_name(axis, sizeof axis, more[m].axis);
    ops_register(registry, ops_norm_large_tier(dtype, &more[m].shape), &c, "%s.%s", shape, axis);
  }
  /* Defaults (axis 0, keepdims 1), explicit select_last_index 0. */
  ops_case_init(&c, op, dtype, 1, &ranks[2]);
  if (!ref_dtype_is_float(dtype)) c.in[0].gen = ops_gen_uniform(-1000.0, 1000.0);
  if (dtype == XHAL_DTYPE_U8) c.in[0].gen = ops_gen_uniform(0.0, 255.0);
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4.axis_absent");
  ops_arg_case(&c, op, dtype, &ranks[2], 1, 1, 0);
  ops_register(registry, CONF_TIER_QUICK, &c, "2x3x4.axis_1.select_last0");
  ops_arg_case(&c, op, dtype, &ranks[2], 1, 0, -1);
  ops_norm_variants(registry, &c, "2x3x4.axis_1.keepdims0");
  /* Ties: the first index, or the last with select_last_index. */
  const ref_shape_t tie = ops_shape(2, 6, 7);
  for (int64_t a = 0; a < 2; a++) {
    for (int last = 0; last < 2; last++) {
      ops_arg_case(&c, op, dtype, &tie, a, -1, last);
      c.in[0].gen = ops_gen_list(OPS_LIST_TIES);
      ops_register(registry, CONF_TIER_QUICK, &c, "6x7.axis_%lld.ties.select_last%d",
                   (long long)a, last);
    }
  }
  ops_arg_case(&c, op, dtype, &tie, 1, 0, 1);
  c.in[0].gen = ops_gen_list(OPS_LIST_TIES);
  ops_norm_variants(registry, &c, "6x7.axis_1.ties.select_last1");
  if (ref_dtype_is_float(dtype)) {
    for (int last = 0; last < 2; last++) {
      ops_arg_case(&c, op, dtype, &tie, 1, -1, last);
      c.in[0].gen = ops_gen_list(OPS_LIST_SPECIAL);
      ops_register(registry, CONF_TIER_QUICK, &c, "6x7.axis_1.special.select_last%d", last);
      ops_arg_case(&c, op, dtype, &tie, 0, -1, last);
      c.in[0].gen = ops_gen_list(OPS_LIST_NAN_ROWS);
      ops_register(registry, CONF_TIER_QUICK, &c, "6x7.axis_0.nan.select_last%d", last);
      ops_arg_case(&c, op, dtype, &tie, 1, -1, last);
      c.in[0].gen = ops_gen_list(OPS_LIST_SIGNED_ZEROS);
      ops_register(registry, CONF_TIER_QUICK, &c, "6x7.axis_1.signed_zeros.select_last%d", last);
    }
  } else {
    ops_arg_case(&c, op, dtype, &tie, 1, -1, 0);
    c.in[0].gen = ops_gen_list(OPS_LIST_INT_EDGE);
    ops_register(registry, CONF_TIER_QUICK, &c, "6x7.axis_1.int_edge");
  }

  ops_arg_case(&c, op, dtype, &ranks[2], 1, -1, -1);
  ops_invalid_common_cases(registry, &c);
  ops_attrs_t bad = c.attrs;
  bad.axis = 3;
  ops_invalid_attrs_case(registry, &c, &bad, "axis_3");
  bad = c.attrs;
  bad.present |= OPS_ATTR_SELECT_LAST;
  bad.select_last = 2;
  ops_invalid_attrs_case(registry, &c, &bad, "select_last_index_2");
  bad = c.attrs;
  bad.present |= OPS_ATTR_KEEPDIMS;
  bad.keepdims = -1;
  ops_invalid_attrs_case(registry, &c, &bad, "keepdims_m1");
  ops_invalid_shape_case(registry, &c, 0, ops_shape(3, 2, 0, 4), "empty_axis");
  ops_invalid_shape_case(registry, &c, 0, ops_shape(0), "scalar_input");
}

void ops_register_norm(conf_registry_t *registry) {
  for (size_t d = 0; d < OPS_COUNT(OPS_NORM_FLOATS); d++) {
    ops_register_bn(registry, OPS_NORM_FLOATS[d]);
    ops_register_ln(registry, OPS_NORM_FLOATS[d]);
    ops_register_ln_stats(registry, OPS_NORM_FLOATS[d]);
    ops_register_in(registry, OPS_NORM_FLOATS[d]);
    ops_register_log_softmax(registry, OPS_NORM_FLOATS[d]);
  }
  for (size_t d = 0; d < OPS_COUNT(OPS_NORM_ALL); d++) {
    ops_register_arg(registry, XHAL_OP_ARG_MAX, OPS_NORM_ALL[d]);
    ops_register_arg(registry, XHAL_OP_ARG_MIN, OPS_NORM_ALL[d]);
  }
  ops_register_arg(registry, XHAL_OP_ARG_MAX, XHAL_DTYPE_U8); /* ONNX allows uint8 */
  ops_register_arg(registry, XHAL_OP_ARG_MIN, XHAL_DTYPE_U8);
}

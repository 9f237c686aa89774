/* xhal_op_check_norm.c - the ONNX rules of the normalisations
 * (BatchNormalization, LayerNormalization, InstanceNormalization),
 * LogSoftmax (Softmax's rules, xhal_op_check_reduce.c), ArgMax and ArgMin
 * (see xhal_op_check.h for the plan). */
#include <math.h>
#include <string.h>

#include "xhal_op_check_internal.h"

/* epsilon: a finite value >= 0 (default 1e-5). */
static int32_t xop_norm_epsilon(const xop_ctx_t *c, const xhal_attr_t *a, double *out) {
  const double eps = a ? a->f : 1e-5;
  if (!(eps >= 0.0) || isinf(eps)) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: epsilon is %g; it must be finite and >= 0", c->op, eps);
  }
  *out = eps;
  return XHAL_STATUS_OK;
}

/* Input index (name) of a per-channel tensor must be 1-D with the channel
 * count; it becomes a view of x's rank that varies along dim 1 only. */
static int32_t xop_norm_channel(const xop_ctx_t *c, xop_plan_t *plan, uint32_t index,
                                const char *name) {
  const xop_view_t *x = &plan->in[0];
  xop_view_t *v = &plan->in[index];
  if (v->rank != 1 || v->dims[0] != x->dims[1]) {
    char tv[XOP_DIMS_TEXT_SIZE], tx[XOP_DIMS_TEXT_SIZE];
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: input %s dims %s; expected (%lld), the channel count of input X %s",
                    c->op, name, XOP_DIMS(tv, v), (long long)x->dims[1], XOP_DIMS(tx, x));
  }
  const int64_t stride = v->strides[0];
  v->rank = x->rank;
  for (uint32_t k = 0; k < x->rank; ++k) {
    v->dims[k] = x->dims[k];
    v->strides[k] = k == 1 ? stride : 0;
  }
  return XHAL_STATUS_OK;
}

static int32_t xop_norm_rank_at_least(const xop_ctx_t *c, const xop_view_t *x, uint32_t rank) {
  if (x->rank >= rank) return XHAL_STATUS_OK;
  char tx[XOP_DIMS_TEXT_SIZE];
  return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: input X dims %s; expected rank >= %u",
                  c->op, XOP_DIMS(tx, x), rank);
}

static int32_t xop_check_batch_norm(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                                    xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"epsilon", XHAL_ATTR_FLOAT},
                                          {"momentum", XHAL_ATTR_FLOAT},
                                          {"training_mode", XHAL_ATTR_INT}};
  static const char *const names[] = {"X", "scale", "B", "input_mean", "input_var"};
  const xhal_attr_t *found[3];
  int training = 0;
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 3, found));
  XOP_RETURN_IF_ERROR(xop_attr_flag(c, found[2], 0, &training));
  if (training) {
    return XOP_FAIL(c, XHAL_STATUS_UNSUPPORTED,
                    "%s: training_mode = 1 (normalising with the batch's statistics and "
                    "returning running_mean/running_var) is not supported; xhal implements the "
                    "inference form",
                    c->op);
  }
  if (desc->output_count != 1) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: %u outputs given; with training_mode = 0 the op has one output (Y)",
                    c->op, desc->output_count);
  }
  /* ONNX 15: scale and B share T1, mean and var share T2; xhal runs
   * T = T1 = T2 only. */
  const xop_view_t *in = plan->in;
  for (uint32_t i = 2; i < 5; i += 2) {
    if (in[i].dtype != in[i - 1].dtype) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: input %s dtype %s differs from %s %s",
                      c->op, names[i], xop_dtype_name(in[i].dtype), names[i - 1],
                      xop_dtype_name(in[i - 1].dtype));
    }
  }
  for (uint32_t i = 1; i < 5; i += 2) {
    if (in[i].dtype != in[0].dtype) {
      return XOP_FAIL(c, XHAL_STATUS_UNSUPPORTED,
                      "%s: input %s dtype %s differs from X dtype %s; only one dtype for every "
                      "input is supported",
                      c->op, names[i], xop_dtype_name(in[i].dtype), xop_dtype_name(in[0].dtype));
    }
  }
  XOP_RETURN_IF_ERROR(xop_norm_epsilon(c, found[0], &plan->epsilon));
  XOP_RETURN_IF_ERROR(xop_norm_rank_at_least(c, &plan->in[0], 2));
  for (uint32_t i = 1; i < 5; ++i) XOP_RETURN_IF_ERROR(xop_norm_channel(c, plan, i, names[i]));
  plan->norm_axes = (uint32_t)((1ull << plan->in[0].rank) - 1) & ~3u;
  return xop_same_dims(c, &plan->in[0], &plan->out);
}

static int32_t xop_check_instance_norm(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                                       xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"epsilon", XHAL_ATTR_FLOAT}};
  const xhal_attr_t *found[1];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 1, found));
  XOP_RETURN_IF_ERROR(xop_norm_epsilon(c, found[0], &plan->epsilon));
  XOP_RETURN_IF_ERROR(xop_norm_rank_at_least(c, &plan->in[0], 2));
  XOP_RETURN_IF_ERROR(xop_norm_channel(c, plan, 1, "scale"));
  XOP_RETURN_IF_ERROR(xop_norm_channel(c, plan, 2, "B"));
  plan->norm_axes = (uint32_t)((1ull << plan->in[0].rank) - 1) & ~3u;
  return xop_same_dims(c, &plan->in[0], &plan->out);
}

/* LayerNormalization's optional output i (1 Mean, 2 InvStdDev): dtype
 * stash_type (f32, the only one supported), X's dims with extent 1 from
 * axis on. It becomes a view of X's dims with stride 0 along the
 * normalised dims, one element per row. */
static int32_t xop_layer_norm_stat(const xop_ctx_t *c, xop_plan_t *plan, uint32_t i) {
  const xop_view_t *x = &plan->in[0];
  xop_view_t *v = &plan->outs[i];
  const char *name = i == 1 ? "Mean" : "InvStdDev";
  if (v->dtype != XHAL_DTYPE_F32) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: output %s dtype %s; expected f32 (stash_type 1)", c->op, name,
                    xop_dtype_name(v->dtype));
  }
  int ok = v->rank == x->rank;
  for (uint32_t k = 0; ok && k < x->rank; ++k)
    ok = v->dims[k] == (k < plan->axis ? x->dims[k] : 1);
  if (!ok) {
    char tv[XOP_DIMS_TEXT_SIZE], tx[XOP_DIMS_TEXT_SIZE];
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: output %s dims %s; expected input X dims %s with extent 1 from axis %u",
                    c->op, name, XOP_DIMS(tv, v), XOP_DIMS(tx, x), plan->axis);
  }
  for (uint32_t k = plan->axis; k < x->rank; ++k) {
    v->dims[k] = x->dims[k];
    v->strides[k] = 0;
  }
  return XHAL_STATUS_OK;
}

static int32_t xop_check_layer_norm(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                                    xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"axis", XHAL_ATTR_INT},
                                          {"epsilon", XHAL_ATTR_FLOAT},
                                          {"stash_type", XHAL_ATTR_INT}};
  const xhal_attr_t *found[3];
  const xop_view_t *x = &plan->in[0];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 3, found));
  XOP_RETURN_IF_ERROR(xop_norm_epsilon(c, found[1], &plan->epsilon));
  XOP_RETURN_IF_ERROR(xop_norm_rank_at_least(c, x, 1));
  XOP_RETURN_IF_ERROR(xop_axis(c, "axis", found[0] ? found[0]->i : -1, x->rank, &plan->axis));
  if (found[2] && found[2]->i != XHAL_DTYPE_F32) {
    return XOP_FAIL(c, XHAL_STATUS_UNSUPPORTED,
                    "%s: stash_type = %lld is not supported; the statistics are computed in at "
                    "least float precision (stash_type 1)",
                    c->op, (long long)found[2]->i);
  }
  const uint32_t axis = plan->axis, tail = x->rank - axis;
  for (uint32_t i = 1; i < plan->input_count; ++i) {
    xop_view_t *v = &plan->in[i];
    int ok = v->rank <= tail;
    for (uint32_t k = 0; ok && k < v->rank; ++k) {
      const int64_t d = v->dims[k], want = x->dims[x->rank - v->rank + k];
      ok = d == want || d == 1;
    }
    if (!ok) {
      char tv[XOP_DIMS_TEXT_SIZE], tx[XOP_DIMS_TEXT_SIZE];
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                      "%s: input %s dims %s do not broadcast to the normalised dims %s (input X "
                      "dims from axis %u)",
                      c->op, i == 1 ? "Scale" : "B", XOP_DIMS(tv, v),
                      xop_dims_text(tx, sizeof tx, tail, x->dims + axis), axis);
    }
    xop_view_expand(v, x->rank, x->dims);
  }
  plan->norm_axes = (uint32_t)((1ull << x->rank) - 1) & ~(uint32_t)((1ull << axis) - 1);
  XOP_RETURN_IF_ERROR(xop_same_dims(c, x, &plan->out));
  if (desc->output_count > 1 && xop_view_count(x) == 0) {
    int64_t rows = 1;
    for (uint32_t k = 0; k < axis; ++k) rows *= x->dims[k];
    if (rows > 0) {
      char tx[XOP_DIMS_TEXT_SIZE];
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                      "%s: input X dims %s are empty from axis %u; the Mean and InvStdDev of "
                      "no elements are undefined",
                      c->op, XOP_DIMS(tx, x), axis);
    }
  }
  for (uint32_t i = 1; i < desc->output_count; ++i)
    XOP_RETURN_IF_ERROR(xop_layer_norm_stat(c, plan, i));
  return XHAL_STATUS_OK;
}

static int32_t xop_check_arg(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                             xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"axis", XHAL_ATTR_INT},
                                          {"keepdims", XHAL_ATTR_INT},
                                          {"select_last_index", XHAL_ATTR_INT}};
  const xhal_attr_t *found[3];
  const xop_view_t *x = &plan->in[0];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 3, found));
  XOP_RETURN_IF_ERROR(xop_attr_flag(c, found[1], 1, &plan->keepdims));
  XOP_RETURN_IF_ERROR(xop_attr_flag(c, found[2], 0, &plan->select_last_index));
  XOP_RETURN_IF_ERROR(xop_norm_rank_at_least(c, x, 1));
  XOP_RETURN_IF_ERROR(xop_axis(c, "axis", found[0] ? found[0]->i : 0, x->rank, &plan->axis));
  if (plan->out.dtype != XHAL_DTYPE_I64) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: output dtype %s; expected i64", c->op,
                    xop_dtype_name(plan->out.dtype));
  }
  int64_t want[XHAL_MAX_RANK];
  uint32_t rank = 0;
  int64_t count = 1;
  for (uint32_t k = 0; k < x->rank; ++k) {
    if (k != plan->axis || plan->keepdims) want[rank++] = k == plan->axis ? 1 : x->dims[k];
    if (k != plan->axis) count *= x->dims[k];
  }
  if (x->dims[plan->axis] == 0 && count > 0) {
    char tx[XOP_DIMS_TEXT_SIZE];
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: input dims %s are empty along axis %u; the index of an extreme of "
                    "no elements is undefined",
                    c->op, XOP_DIMS(tx, x), plan->axis);
  }
  XOP_RETURN_IF_ERROR(xop_out_dims_check(c, &plan->out, rank, want));
  if (!plan->keepdims) xop_view_insert_unit(&plan->out, plan->axis);
  return XHAL_STATUS_OK;
}

int32_t xop_check_norm_op(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                          xop_plan_t *plan) {
  switch (plan->op) {
    case XHAL_OP_BATCH_NORMALIZATION:
      return xop_check_batch_norm(c, desc, plan);
    case XHAL_OP_LAYER_NORMALIZATION:
      return xop_check_layer_norm(c, desc, plan);
    case XHAL_OP_INSTANCE_NORMALIZATION:
      return xop_check_instance_norm(c, desc, plan);
    case XHAL_OP_LOG_SOFTMAX: /* Softmax's rules: one axis, default -1 */
      return xop_check_softmax(c, desc, plan);
    default: /* ArgMax, ArgMin */
      return xop_check_arg(c, desc, plan);
  }
}

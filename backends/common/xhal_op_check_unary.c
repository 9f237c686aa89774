/* xhal_op_check_unary.c - the attributes of the unary math and activation
 * ops that have some: Clip's bounds, LeakyRelu's, HardSigmoid's and Elu's
 * alpha/beta, Gelu's approximate. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "xhal_op_check_internal.h"

/* x rounded to the nearest f16 value (ties to even), as a double. */
static double xop_round_f16(double x) {
  if (isnan(x) || isinf(x) || x == 0.0) return x;
  const double a = fabs(x);
  if (a >= 65520.0) return copysign(INFINITY, x); /* halfway to 2^16 rounds up to Inf */
  int e = 0;
  frexp(a, &e);                 /* a = m * 2^e, m in [0.5, 1): ulp 2^(e - 11) */
  const int q = e - 11 < -24 ? -24 : e - 11; /* subnormals: ulp 2^-24 */
  return copysign(ldexp(nearbyint(ldexp(a, -q)), q), x);
}

/* A FLOAT attribute used as ONNX does, as an f32 value; def when absent. */
static double xop_attr_f32(const xhal_attr_t *a, double def) {
  return a ? (double)(float)a->f : def;
}

/* Clip's bound b (NULL: absent) for plan's dtype. Float tensors take a FLOAT
 * bound (rounded to f32, then to f16 for f16 tensors); integer tensors an
 * INT bound, or an integral FLOAT one, saturated to the dtype's range. */
static int32_t xop_clip_bound(const xop_ctx_t *c, const xhal_attr_t *b, int is_max,
                              xop_plan_t *plan) {
  const uint32_t dtype = plan->in[0].dtype;
  const int64_t lo = dtype == XHAL_DTYPE_U8 ? 0 : dtype == XHAL_DTYPE_I32 ? INT32_MIN : INT64_MIN;
  const int64_t hi = dtype == XHAL_DTYPE_U8    ? UINT8_MAX
                     : dtype == XHAL_DTYPE_I32 ? INT32_MAX
                                               : INT64_MAX;
  double *fb = is_max ? &plan->clip_max : &plan->clip_min;
  int64_t *ib = is_max ? &plan->clip_imax : &plan->clip_imin;
  *fb = is_max ? INFINITY : -INFINITY;
  *ib = is_max ? hi : lo;
  if (!b) return XHAL_STATUS_OK;
  if (xop_is_float(dtype)) {
    if (b->type != XHAL_ATTR_FLOAT) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                      "%s: attribute '%s' has type %s (%u), expected FLOAT for dtype %s", c->op,
                      b->name, xop_attr_type_name(b->type), b->type, xop_dtype_name(dtype));
    }
    if (isnan(b->f))
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: attribute '%s' is NaN", c->op, b->name);
    *fb = (double)(float)b->f;
    if (dtype == XHAL_DTYPE_F16) *fb = xop_round_f16(*fb);
    return XHAL_STATUS_OK;
  }
  if (b->type == XHAL_ATTR_INT) {
    *ib = b->i < lo ? lo : b->i > hi ? hi : b->i;
    return XHAL_STATUS_OK;
  }
  if (b->type != XHAL_ATTR_FLOAT || b->f != trunc(b->f)) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: attribute '%s' (type %s, value %g) must be an INT or an integral FLOAT "
                    "for dtype %s",
                    c->op, b->name, xop_attr_type_name(b->type),
                    b->type == XHAL_ATTR_FLOAT ? b->f : (double)b->i, xop_dtype_name(dtype));
  }
  *ib = b->f <= (double)lo ? lo : b->f >= (double)hi ? hi : (int64_t)b->f;
  return XHAL_STATUS_OK;
}

/* Clip's min/max are FLOAT or INT depending on the dtype, so they are
 * matched here rather than by xop_attrs_parse's fixed types. */
int32_t xop_check_clip(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *plan) {
  /* FLOAT, or INT for exact integer bounds; xop_clip_bound checks which
   * kind the dtype takes. */
  static const xop_attr_spec_t specs[] = {{"min", XOP_ATTR_NUMBER}, {"max", XOP_ATTR_NUMBER}};
  const xhal_attr_t *bounds[2];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 2, bounds));
  XOP_RETURN_IF_ERROR(xop_clip_bound(c, bounds[0], 0, plan));
  XOP_RETURN_IF_ERROR(xop_clip_bound(c, bounds[1], 1, plan));
  return xop_same_dims(c, &plan->in[0], &plan->out);
}

int32_t xop_check_activation(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                             xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"alpha", XHAL_ATTR_FLOAT}, {"beta", XHAL_ATTR_FLOAT}};
  const int has_beta = plan->op == XHAL_OP_HARD_SIGMOID;
  const xhal_attr_t *found[2];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, has_beta ? 2 : 1, found));
  const double alpha = plan->op == XHAL_OP_LEAKY_RELU     ? 0.01
                       : plan->op == XHAL_OP_HARD_SIGMOID ? 0.2
                                                          : 1.0; /* Elu */
  plan->alpha = xop_attr_f32(found[0], (double)(float)alpha);
  plan->beta = has_beta ? xop_attr_f32(found[1], 0.5) : 0.0;
  return xop_same_dims(c, &plan->in[0], &plan->out);
}

int32_t xop_check_gelu(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"approximate", XHAL_ATTR_STRING}};
  const xhal_attr_t *found[1];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 1, found));
  const char *s = found[0] ? found[0]->s : "none";
  if (!s || (strcmp(s, "none") != 0 && strcmp(s, "tanh") != 0)) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: attribute 'approximate' is \"%s\", expected \"none\" or \"tanh\"", c->op,
                    s ? s : "(NULL)");
  }
  plan->gelu_tanh = strcmp(s, "tanh") == 0;
  return xop_same_dims(c, &plan->in[0], &plan->out);
}

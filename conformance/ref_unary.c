/*
 * ref_unary.c - reference of the single-input math ops and activations:
 * Sqrt, Reciprocal, Log, Floor, Ceil, Round, Sign, Erf, LeakyRelu,
 * HardSigmoid, HardSwish, Elu, Softplus, Gelu (ONNX opset 20) and Clip
 * (min/max as attributes, the opset-6 form).
 *
 * Written from the ONNX specification and docs/conformance.md ("Unary math
 * and activations"), in double, results left unrounded:
 *  - FLOAT attributes are f32 values in ONNX, so alpha/beta are rounded to
 *    f32 first; Clip's float bounds to f32, then to the tensor's dtype
 *    (ONNX passes them as tensors of that dtype).
 *  - Sign(+-0) = +0 and Sign(NaN) = NaN (numpy's sign); Round is half to
 *    even and keeps the sign of zero (nearbyint); Floor/Ceil keep +-0.
 *  - Clip(x) = min(max(x, min), max): NaN passes through, min > max gives
 *    max. Integer Clip saturates the bounds to the dtype's range.
 *  - HardSwish is x * HardSigmoid(x) with alpha = 1/6 (exact here), beta
 *    0.5; Gelu "none" is 0.5 x (1 + erf(x / sqrt 2)), computed through erfc
 *    for an accurate negative tail; "tanh" is ONNX's approximation. Like
 *    ONNX's formulas they give NaN at -Inf (-Inf * 0).
 *  - HardSigmoid, HardSwish and Gelu are sums of two terms that cancel
 *    (alpha x + beta near 0; 1 + erf near -1), so they carry the
 *    reduction-class scale: sum |terms| with K = 2.
 */
#include <math.h>

#include "ref_dtype.h"
#include "ref_ops.h"

int ref_unary_math_is_op(xhal_op_t op) {
  switch (op) {
  case XHAL_OP_SQRT:
  case XHAL_OP_RECIPROCAL:
  case XHAL_OP_LOG:
  case XHAL_OP_FLOOR:
  case XHAL_OP_CEIL:
  case XHAL_OP_ROUND:
  case XHAL_OP_SIGN:
  case XHAL_OP_ERF:
  case XHAL_OP_LEAKY_RELU:
  case XHAL_OP_HARD_SIGMOID:
  case XHAL_OP_HARD_SWISH:
  case XHAL_OP_ELU:
  case XHAL_OP_SOFTPLUS:
  case XHAL_OP_GELU:
  case XHAL_OP_CLIP: return 1;
  default: return 0;
  }
}

int ref_unary_math_float_only(xhal_op_t op) {
  return ref_unary_math_is_op(op) && op != XHAL_OP_SIGN && op != XHAL_OP_CLIP;
}

int ref_unary_math_has_scale(xhal_op_t op) {
  return op == XHAL_OP_HARD_SIGMOID || op == XHAL_OP_HARD_SWISH || op == XHAL_OP_GELU;
}

static double ref_f32(double v) {
  return (double)(float)v;
}

/* max(0, min(1, t)), NaN passing through. */
static double ref_unit_clamp(double t) {
  return t > 1.0 ? 1.0 : t < 0.0 ? 0.0 : t;
}

static double ref_sign(double x) {
  if (isnan(x)) return x;
  return x > 0.0 ? 1.0 : x < 0.0 ? -1.0 : 0.0;
}

static double ref_softplus(double x) {
  return x > 0.0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* Gelu and its scale |0.5 x| + |0.5 x g(x)|, g = erf or tanh. */
static double ref_gelu(double x, int use_tanh, double *scale) {
  if (use_tanh) {
    const double t = tanh(sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x));
    *scale = 0.5 * fabs(x) * (1.0 + fabs(t));
    return 0.5 * x * (1.0 + t);
  }
  *scale = 0.5 * fabs(x) * (1.0 + fabs(erf(x * M_SQRT1_2)));
  return 0.5 * x * erfc(-x * M_SQRT1_2);
}

static double ref_clip_bound(xhal_dtype_t dtype, double v) {
  double b = ref_round(XHAL_DTYPE_F32, v);
  return dtype == XHAL_DTYPE_F16 ? ref_round(XHAL_DTYPE_F16, b) : b;
}

static double ref_unary_math_float(xhal_op_t op, double x, const ref_attrs_t *a,
                                   xhal_dtype_t dtype, double *scale) {
  switch (op) {
  case XHAL_OP_SQRT: return sqrt(x);
  case XHAL_OP_RECIPROCAL: return 1.0 / x;
  case XHAL_OP_LOG: return log(x);
  case XHAL_OP_FLOOR: return floor(x);
  case XHAL_OP_CEIL: return ceil(x);
  case XHAL_OP_ROUND: return nearbyint(x); /* default mode: to nearest, ties to even */
  case XHAL_OP_SIGN: return ref_sign(x);
  case XHAL_OP_ERF: return erf(x);
  case XHAL_OP_LEAKY_RELU: {
    const double alpha = ref_f32(a->has_alpha ? a->alpha : 0.01);
    return x < 0.0 ? alpha * x : x;
  }
  case XHAL_OP_HARD_SIGMOID: {
    const double alpha = ref_f32(a->has_alpha ? a->alpha : 0.2);
    const double beta = ref_f32(a->has_beta ? a->beta : 0.5);
    *scale = fabs(alpha * x) + fabs(beta);
    return ref_unit_clamp(alpha * x + beta);
  }
  case XHAL_OP_HARD_SWISH:
    *scale = fabs(x) * (fabs(x / 6.0) + 0.5);
    return x * ref_unit_clamp(x / 6.0 + 0.5);
  case XHAL_OP_ELU: {
    const double alpha = ref_f32(a->has_alpha ? a->alpha : 1.0);
    return x < 0.0 ? alpha * expm1(x) : x;
  }
  case XHAL_OP_SOFTPLUS: return ref_softplus(x);
  case XHAL_OP_GELU: return ref_gelu(x, a->gelu_tanh, scale);
  default: { /* CLIP */
    const double lo = a->has_min ? ref_clip_bound(dtype, a->min_f) : -INFINITY;
    const double hi = a->has_max ? ref_clip_bound(dtype, a->max_f) : INFINITY;
    const double t = x < lo ? lo : x;
    return t > hi ? hi : t;
  }
  }
}

static int64_t ref_unary_math_int(xhal_op_t op, int64_t x, const ref_attrs_t *a,
                                  xhal_dtype_t dtype) {
  if (op == XHAL_OP_SIGN) return (x > 0) - (x < 0);
  const int64_t dmin = ref_int_min(dtype), dmax = ref_int_max(dtype);
  int64_t lo = a->has_min ? a->min_i : dmin, hi = a->has_max ? a->max_i : dmax;
  lo = lo < dmin ? dmin : lo > dmax ? dmax : lo;
  hi = hi < dmin ? dmin : hi > dmax ? dmax : hi;
  const int64_t t = x < lo ? lo : x;
  return t > hi ? hi : t;
}

int ref_unary_math_compute(xhal_op_t op, const ref_tensor_t *x, const ref_attrs_t *attrs,
                           ref_tensor_t *out) {
  if (!ref_unary_math_is_op(op)) return -1;
  const int is_float = ref_tensor_is_float(x);
  if (out->scale) out->reduction_length = 2.0;
  for (uint64_t n = 0; n < out->count; n++) {
    if (is_float) {
      double scale = 0.0;
      out->f[n] = ref_unary_math_float(op, x->f[n], attrs, x->dtype, &scale);
      if (out->scale) out->scale[n] = scale;
    } else {
      out->i[n] = ref_unary_math_int(op, x->i[n], attrs, x->dtype);
    }
  }
  return 0;
}

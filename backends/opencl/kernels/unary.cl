/* unary.cl - single-input math ops and activations: Sqrt, Reciprocal, Log,
 * Floor, Ceil, Round, Sign, Erf, LeakyRelu, HardSigmoid, HardSwish, Elu,
 * Softplus, Gelu (f32, f16) and Sign, Clip (also i32, i64).
 *
 * One work-item per output element, walked like eltwise.cl (ocl_nd_t of
 * common.cl). Semantics are docs/conformance.md's ("Unary math and
 * activations"): Sign(+-0) = +0 and Sign(NaN) = NaN; Round is rint (half
 * to even, keeps -0); Clip is min(max(x, lo), hi) with NaN passing
 * through; f16 is computed in float and rounded once. The attributes come
 * in ocl_unary_t, mirrored by ocl_op.c. */

/* Attributes of one launch: alpha/beta (LeakyRelu, HardSigmoid, Elu), the
 * float bounds of Clip (already rounded to the tensor's dtype), its
 * integer bounds (within the dtype's range) and Gelu's approximation. */
typedef struct ocl_unary {
  long ilo, ihi;
  float alpha, beta;
  float lo, hi;
  int gelu_tanh;
  int pad;
} ocl_unary_t;

inline float ocl_signf(float x) {
  return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x == 0.0f ? 0.0f : x;
}

inline float ocl_clipf(float x, float lo, float hi) {
  const float t = x < lo ? lo : x;
  return t > hi ? hi : t;
}

inline long ocl_clipl(long x, long lo, long hi) {
  const long t = x < lo ? lo : x;
  return t > hi ? hi : t;
}

/* max(0, min(1, t)), NaN passing through. */
inline float ocl_unit_clampf(float t) {
  return t > 1.0f ? 1.0f : t < 0.0f ? 0.0f : t;
}

/* log(1 + e^x) without overflow, and without losing e^x for x << 0. */
inline float ocl_softplusf(float x) {
  return x > 0.0f ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* ONNX's formulas. At -Inf they give -Inf * 0 = NaN, which is set
 * explicitly: tanh/erf within their ulp bounds need not reach -1 there. */
inline float ocl_geluf(float x, int use_tanh) {
  float g;
  if (use_tanh) {
    const float u = 0.7978845608028654f * (x + 0.044715f * x * x * x);
    g = 0.5f * x * (1.0f + tanh(u));
  } else {
    g = 0.5f * x * (1.0f + erf(x * 0.70710678118654752f));
  }
  return x == -INFINITY ? NAN : g;
}

#define UM_SQRT(x) sqrt(x)
#define UM_RECIPROCAL(x) (1.0f / (x))
#define UM_LOG(x) log(x)
#define UM_FLOOR(x) floor(x)
#define UM_CEIL(x) ceil(x)
#define UM_ROUND(x) rint(x)
#define UM_SIGN(x) ocl_signf(x)
#define UM_ERF(x) erf(x)
#define UM_LEAKY_RELU(x) ((x) < 0.0f ? p.alpha * (x) : (x))
#define UM_HARD_SIGMOID(x) ocl_unit_clampf(p.alpha * (x) + p.beta)
#define UM_HARD_SWISH(x) ((x) * ocl_unit_clampf((x) * (1.0f / 6.0f) + 0.5f))
#define UM_ELU(x) ((x) < 0.0f ? p.alpha * expm1(x) : (x))
#define UM_SOFTPLUS(x) ocl_softplusf(x)
#define UM_GELU(x) ocl_geluf((x), p.gelu_tanh)
#define UM_CLIP(x) ocl_clipf((x), p.lo, p.hi)
#define UM_SIGN_INT(D, x) ((OCL_CAT2(CT, D))(((x) > 0) - ((x) < 0)))
#define UM_CLIP_INT(D, x) ((OCL_CAT2(CT, D))ocl_clipl((long)(x), p.ilo, p.ihi))

#define UM_KERNEL(NAME, D, EXPR)                                                                   \
  __kernel void NAME##_##D(__global OCL_CAT2(ST, D) * y, __global const OCL_CAT2(ST, D) * a,       \
                           const ocl_nd_t s, const ocl_unary_t p) {                                \
    const long i = get_global_id(0);                                                               \
    if (i >= s.count) return;                                                                      \
    long off[2];                                                                                   \
    OCL_ND_OFFSETS(s, i, 2, off);                                                                  \
    const OCL_CAT2(CT, D) x = OCL_CAT2(LOAD, D)(a, off[1]);                                        \
    OCL_CAT2(STORE, D)(y, off[0], EXPR);                                                           \
  }

/* Kernel names are <op>_<dtype>, the op as in ocl_op.c's ocl_op_um_names. */
#define UM_FLOAT(D)                                                                                \
  UM_KERNEL(sqrt, D, UM_SQRT(x))                                                                   \
  UM_KERNEL(reciprocal, D, UM_RECIPROCAL(x))                                                       \
  UM_KERNEL(log, D, UM_LOG(x))                                                                     \
  UM_KERNEL(floor, D, UM_FLOOR(x))                                                                 \
  UM_KERNEL(ceil, D, UM_CEIL(x))                                                                   \
  UM_KERNEL(round, D, UM_ROUND(x))                                                                 \
  UM_KERNEL(sign, D, UM_SIGN(x))                                                                   \
  UM_KERNEL(erf, D, UM_ERF(x))                                                                     \
  UM_KERNEL(leaky_relu, D, UM_LEAKY_RELU(x))                                                       \
  UM_KERNEL(hard_sigmoid, D, UM_HARD_SIGMOID(x))                                                   \
  UM_KERNEL(hard_swish, D, UM_HARD_SWISH(x))                                                       \
  UM_KERNEL(elu, D, UM_ELU(x))                                                                     \
  UM_KERNEL(softplus, D, UM_SOFTPLUS(x))                                                           \
  UM_KERNEL(gelu, D, UM_GELU(x))                                                                   \
  UM_KERNEL(clip, D, UM_CLIP(x))
#define UM_INT(D)                                                                                  \
  UM_KERNEL(sign, D, UM_SIGN_INT(D, x))                                                            \
  UM_KERNEL(clip, D, UM_CLIP_INT(D, x))

UM_FLOAT(f32)
UM_FLOAT(f16)
UM_INT(i32)
UM_INT(i64)

/* u8: Sign is 0 or 1, Clip's bounds are already in 0..255. */
#ifndef ST_u8
#define ST_u8 uchar
#define CT_u8 uint
#define LOAD_u8(p, i) ((uint)(p)[i])
#define STORE_u8(p, i, v) ((p)[i] = (uchar)(v))
#endif
UM_KERNEL(sign, u8, (uint)(x > 0u))
UM_KERNEL(clip, u8, UM_CLIP_INT(u8, x))

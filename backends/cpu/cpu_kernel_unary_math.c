/* cpu_kernel_unary_math.c - Sqrt..Erf and the activations (see the header).
 *
 * One row function per (op, dtype), chosen once per launch and run by the
 * shared elementwise loop (cpu_loop_run: dims merged, rows split across
 * threads). The cheap ops are branch-free selects gcc vectorises on
 * contiguous rows; the transcendental ones (Log, Erf, Elu, Softplus, Gelu)
 * are computed in f64 with the C library and rounded once, so they are
 * within about 0.5 ULP of f32. */
#include "cpu_kernel_unary_math.h"

#include <math.h>

#include "cpu_error.h"
#include "cpu_kernel_f16.h"

/* As in cpu_kernel_vmath.c: under the default -ftrapping-math gcc will not
 * if-convert the float selects (nor inline rintf). Nothing here reads the
 * FP exception flags. (sqrtf stays a scalar sqrtss: its errno check needs
 * -fno-math-errno, which this pragma does not reach.) */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

int cpu_unary_math_is_op(uint32_t op) {
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
    case XHAL_OP_CLIP:
      return 1;
    default:
      return 0;
  }
}

void cpu_unary_math_from_plan(cpu_unary_math_t *m, const xop_plan_t *plan) {
  m->op = plan->op;
  m->alpha = (float)plan->alpha;
  m->beta = (float)plan->beta;
  m->lo = (float)plan->clip_min;
  m->hi = (float)plan->clip_max;
  m->ilo = plan->clip_imin;
  m->ihi = plan->clip_imax;
  m->gelu_tanh = plan->gelu_tanh;
}

/* ---- Scalar semantics (docs/conformance.md) ---------------------------------------------- */

/* Sign: NaN stays NaN, both zeros give +0. */
static inline float cpu_signf(float x) {
  return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x == 0.0f ? 0.0f : x;
}

/* min(max(x, lo), hi): NaN passes through, min > max gives max. */
static inline float cpu_clipf(float x, float lo, float hi) {
  const float t = x < lo ? lo : x;
  return t > hi ? hi : t;
}

static inline int64_t cpu_clip_int(int64_t x, int64_t lo, int64_t hi) {
  const int64_t t = x < lo ? lo : x;
  return t > hi ? hi : t;
}

/* max(0, min(1, t)) with NaN passing through. */
static inline float cpu_unit_clampf(float t) {
  return t > 1.0f ? 1.0f : t < 0.0f ? 0.0f : t;
}

static inline float cpu_eluf(float x, float alpha) {
  return x < 0.0f ? (float)((double)alpha * expm1((double)x)) : x;
}

/* log(1 + e^x) without overflow, and without losing e^x for x << 0. */
static inline float cpu_softplusf(float x) {
  const double d = x;
  return (float)(d > 0.0 ? d + log1p(exp(-d)) : log1p(exp(d)));
}

/* 0.5 x (1 + erf(x / sqrt 2)) = 0.5 x erfc(-x / sqrt 2), which keeps the
 * negative tail accurate; tanh: ONNX's approximation. Both as ONNX's
 * formula gives at -Inf: -Inf * 0 = NaN. */
static inline float cpu_geluf(float x, int use_tanh) {
  const double d = x;
  if (use_tanh) {
    const double u = 0.7978845608028654 * (d + 0.044715 * d * d * d);
    return (float)(0.5 * d * (1.0 + tanh(u)));
  }
  return (float)(0.5 * d * erfc(-d * 0.70710678118654752));
}

/* ---- Rows ----------------------------------------------------------------------------------- */
#define CPU_UM_ROW(name, T, EXPR)                                                                  \
  static void name(const void *ctx, char *const *ptr, const int64_t *s, int64_t n) {               \
    const cpu_unary_math_t *m = ctx;                                                               \
    const float alpha = m->alpha, beta = m->beta, lo = m->lo, hi = m->hi;                          \
    const int64_t ilo = m->ilo, ihi = m->ihi;                                                      \
    const int gelu_tanh = m->gelu_tanh;                                                            \
    (void)alpha, (void)beta, (void)lo, (void)hi, (void)ilo, (void)ihi, (void)gelu_tanh;            \
    T *o = (T *)(void *)ptr[0];                                                                    \
    const T *a = (const T *)(const void *)ptr[1];                                                  \
    if (s[0] == 1 && s[1] == 1) {                                                                  \
      CPU_SIMD                                                                                     \
      for (int64_t i = 0; i < n; ++i) {                                                            \
        const T x = a[i];                                                                          \
        o[i] = (EXPR);                                                                             \
      }                                                                                            \
    } else {                                                                                       \
      for (int64_t i = 0; i < n; ++i) {                                                            \
        const T x = a[i * s[1]];                                                                   \
        o[i * s[0]] = (EXPR);                                                                      \
      }                                                                                            \
    }                                                                                              \
  }

/* clang-format off */
CPU_UM_ROW(cpu_sqrt_f32, float, sqrtf(x))
CPU_UM_ROW(cpu_reciprocal_f32, float, 1.0f / x)
CPU_UM_ROW(cpu_log_f32, float, (float)log((double)x))
CPU_UM_ROW(cpu_floor_f32, float, floorf(x))
CPU_UM_ROW(cpu_ceil_f32, float, ceilf(x))
CPU_UM_ROW(cpu_round_f32, float, rintf(x)) /* to nearest even: the default mode */
CPU_UM_ROW(cpu_sign_f32, float, cpu_signf(x))
CPU_UM_ROW(cpu_erf_f32, float, (float)erf((double)x))
CPU_UM_ROW(cpu_leaky_relu_f32, float, x < 0.0f ? alpha * x : x)
CPU_UM_ROW(cpu_hard_sigmoid_f32, float, cpu_unit_clampf(alpha * x + beta))
CPU_UM_ROW(cpu_hard_swish_f32, float, x * cpu_unit_clampf(x * (1.0f / 6.0f) + 0.5f))
CPU_UM_ROW(cpu_elu_f32, float, cpu_eluf(x, alpha))
CPU_UM_ROW(cpu_softplus_f32, float, cpu_softplusf(x))
CPU_UM_ROW(cpu_gelu_f32, float, cpu_geluf(x, gelu_tanh))
CPU_UM_ROW(cpu_clip_f32, float, cpu_clipf(x, lo, hi))
CPU_UM_ROW(cpu_sign_i32, int32_t, (int32_t)((x > 0) - (x < 0)))
CPU_UM_ROW(cpu_clip_i32, int32_t, (int32_t)cpu_clip_int(x, ilo, ihi))
CPU_UM_ROW(cpu_sign_i64, int64_t, (int64_t)((x > 0) - (x < 0)))
CPU_UM_ROW(cpu_clip_i64, int64_t, cpu_clip_int(x, ilo, ihi))
CPU_UM_ROW(cpu_sign_u8, uint8_t, (uint8_t)(x > 0))
CPU_UM_ROW(cpu_clip_u8, uint8_t, (uint8_t)cpu_clip_int(x, ilo, ihi))
/* clang-format on */

/* f16: a block converted to f32, the f32 row, rounded back once. */
typedef struct cpu_um_f16_ctx {
  cpu_row_fn f32_row;
  const cpu_unary_math_t *m;
} cpu_um_f16_ctx_t;

static void cpu_um_f16_row(const void *ctx, char *const *p, const int64_t *s, int64_t n) {
  const cpu_um_f16_ctx_t *c = ctx;
  float block[CPU_F16_BLOCK];
  char *bp[2] = {(char *)block, (char *)block};
  const int64_t unit[2] = {1, 1};
  for (int64_t i = 0; i < n; i += CPU_F16_BLOCK) {
    const int64_t len = n - i < CPU_F16_BLOCK ? n - i : CPU_F16_BLOCK;
    cpu_f16_load(block, (const uint16_t *)(const void *)p[1] + i * s[1], len, s[1]);
    c->f32_row(c->m, bp, unit, len);
    cpu_f16_store((uint16_t *)(void *)p[0] + i * s[0], s[0], block, len);
  }
}

/* ---- Dispatch ----------------------------------------------------------------------------- */

static cpu_row_fn cpu_um_row_float(uint32_t op) {
  switch (op) {
    case XHAL_OP_SQRT: return cpu_sqrt_f32;
    case XHAL_OP_RECIPROCAL: return cpu_reciprocal_f32;
    case XHAL_OP_LOG: return cpu_log_f32;
    case XHAL_OP_FLOOR: return cpu_floor_f32;
    case XHAL_OP_CEIL: return cpu_ceil_f32;
    case XHAL_OP_ROUND: return cpu_round_f32;
    case XHAL_OP_SIGN: return cpu_sign_f32;
    case XHAL_OP_ERF: return cpu_erf_f32;
    case XHAL_OP_LEAKY_RELU: return cpu_leaky_relu_f32;
    case XHAL_OP_HARD_SIGMOID: return cpu_hard_sigmoid_f32;
    case XHAL_OP_HARD_SWISH: return cpu_hard_swish_f32;
    case XHAL_OP_ELU: return cpu_elu_f32;
    case XHAL_OP_SOFTPLUS: return cpu_softplus_f32;
    case XHAL_OP_GELU: return cpu_gelu_f32;
    case XHAL_OP_CLIP: return cpu_clip_f32;
    default: return NULL;
  }
}

static cpu_row_fn cpu_um_row_for(uint32_t op, uint32_t dtype) {
  switch (dtype) {
    case XHAL_DTYPE_F32:
    case XHAL_DTYPE_F16:
      return cpu_um_row_float(op);
    case XHAL_DTYPE_I32:
      return op == XHAL_OP_SIGN ? cpu_sign_i32 : op == XHAL_OP_CLIP ? cpu_clip_i32 : NULL;
    case XHAL_DTYPE_I64:
      return op == XHAL_OP_SIGN ? cpu_sign_i64 : op == XHAL_OP_CLIP ? cpu_clip_i64 : NULL;
    case XHAL_DTYPE_U8:
      return op == XHAL_OP_SIGN ? cpu_sign_u8 : op == XHAL_OP_CLIP ? cpu_clip_u8 : NULL;
    default:
      return NULL;
  }
}

int32_t cpu_kernel_unary_math(const cpu_unary_math_t *m, const cpu_view_t *dst,
                              const cpu_view_t *src) {
  const cpu_row_fn row = cpu_um_row_for(m->op, dst->dtype);
  if (!row) {
    return cpu_error(XHAL_STATUS_INTERNAL, "unary math kernel: no row for op %u dtype %u", m->op,
                     dst->dtype);
  }
  cpu_loop_t loop;
  const cpu_view_t *in[1] = {src};
  cpu_loop_init(&loop, dst, in, 1);
  if (dst->dtype == XHAL_DTYPE_F16) {
    const cpu_um_f16_ctx_t ctx = {row, m};
    cpu_loop_run(&loop, cpu_um_f16_row, &ctx);
  } else {
    cpu_loop_run(&loop, row, m);
  }
  return XHAL_STATUS_OK;
}

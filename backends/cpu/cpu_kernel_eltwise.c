/* cpu_kernel_eltwise.c - unary and binary elementwise kernels.
 *
 * One row function per (op, dtype), chosen once per launch; each handles
 * the contiguous and scalar-broadcast layouts with simple loops gcc
 * vectorises, and any strides with a plain loop. */
#include "cpu_kernel_eltwise.h"

#include <math.h>

#include "cpu_error.h"
#include "cpu_kernel_f16.h"
#include "cpu_kernel_vmath.h"

/* ---- Scalar semantics ----------------------------------------------------
 * Integer ops go through the unsigned type so overflow wraps instead of
 * being undefined. */
#define CPU_WRAP_ADD(T, U, x, y) ((T)((U)(x) + (U)(y)))
#define CPU_WRAP_SUB(T, U, x, y) ((T)((U)(x) - (U)(y)))
#define CPU_WRAP_MUL(T, U, x, y) ((T)((U)(x) * (U)(y)))
#define CPU_WRAP_NEG(T, U, x) ((T)((U)0 - (U)(x)))

static inline int32_t cpu_div_i32(int32_t x, int32_t y) {
  if (y == 0) return 0;
  if (y == -1) return CPU_WRAP_NEG(int32_t, uint32_t, x);
  return x / y;
}

static inline int64_t cpu_div_i64(int64_t x, int64_t y) {
  if (y == 0) return 0;
  if (y == -1) return CPU_WRAP_NEG(int64_t, uint64_t, x);
  return x / y;
}

/* ---- Binary rows ----------------------------------------------------------- */
#define CPU_BINARY_ROW(name, T, EXPR)                                                              \
  static void name(const void *ctx, char *const *p, const int64_t *s, int64_t n) {                 \
    (void)ctx;                                                                                     \
    T *o = (T *)(void *)p[0];                                                                      \
    const T *a = (const T *)(const void *)p[1];                                                    \
    const T *b = (const T *)(const void *)p[2];                                                    \
    if (s[0] == 1 && s[1] == 1 && s[2] == 1) {                                                     \
      CPU_SIMD                                                                                     \
      for (int64_t i = 0; i < n; ++i) {                                                            \
        T x = a[i], y = b[i];                                                                      \
        o[i] = (EXPR);                                                                             \
      }                                                                                            \
    } else if (s[0] == 1 && s[1] == 1 && s[2] == 0) {                                              \
      const T y = b[0];                                                                            \
      CPU_SIMD                                                                                     \
      for (int64_t i = 0; i < n; ++i) {                                                            \
        T x = a[i];                                                                                \
        o[i] = (EXPR);                                                                             \
      }                                                                                            \
    } else if (s[0] == 1 && s[1] == 0 && s[2] == 1) {                                              \
      const T x = a[0];                                                                            \
      CPU_SIMD                                                                                     \
      for (int64_t i = 0; i < n; ++i) {                                                            \
        T y = b[i];                                                                                \
        o[i] = (EXPR);                                                                             \
      }                                                                                            \
    } else {                                                                                       \
      for (int64_t i = 0; i < n; ++i) {                                                            \
        T x = a[i * s[1]], y = b[i * s[2]];                                                        \
        o[i * s[0]] = (EXPR);                                                                      \
      }                                                                                            \
    }                                                                                              \
  }

/* clang-format off */
CPU_BINARY_ROW(cpu_add_f32, float, x + y)
CPU_BINARY_ROW(cpu_sub_f32, float, x - y)
CPU_BINARY_ROW(cpu_mul_f32, float, x * y)
CPU_BINARY_ROW(cpu_div_f32, float, x / y)
CPU_BINARY_ROW(cpu_add_i32, int32_t, CPU_WRAP_ADD(int32_t, uint32_t, x, y))
CPU_BINARY_ROW(cpu_sub_i32, int32_t, CPU_WRAP_SUB(int32_t, uint32_t, x, y))
CPU_BINARY_ROW(cpu_mul_i32, int32_t, CPU_WRAP_MUL(int32_t, uint32_t, x, y))
CPU_BINARY_ROW(cpu_div_i32_row, int32_t, cpu_div_i32(x, y))
CPU_BINARY_ROW(cpu_add_i64, int64_t, CPU_WRAP_ADD(int64_t, uint64_t, x, y))
CPU_BINARY_ROW(cpu_sub_i64, int64_t, CPU_WRAP_SUB(int64_t, uint64_t, x, y))
CPU_BINARY_ROW(cpu_mul_i64, int64_t, CPU_WRAP_MUL(int64_t, uint64_t, x, y))
CPU_BINARY_ROW(cpu_div_i64_row, int64_t, cpu_div_i64(x, y))
/* clang-format on */

/* ---- Unary rows ------------------------------------------------------------- */
#define CPU_UNARY_ROW(name, T, EXPR)                                                               \
  static void name(const void *ctx, char *const *p, const int64_t *s, int64_t n) {                 \
    (void)ctx;                                                                                     \
    T *o = (T *)(void *)p[0];                                                                      \
    const T *a = (const T *)(const void *)p[1];                                                    \
    if (s[0] == 1 && s[1] == 1) {                                                                  \
      CPU_SIMD                                                                                     \
      for (int64_t i = 0; i < n; ++i) {                                                            \
        T x = a[i];                                                                                \
        o[i] = (EXPR);                                                                             \
      }                                                                                            \
    } else {                                                                                       \
      for (int64_t i = 0; i < n; ++i) {                                                            \
        T x = a[i * s[1]];                                                                         \
        o[i * s[0]] = (EXPR);                                                                      \
      }                                                                                            \
    }                                                                                              \
  }

/* Relu: x <= 0 maps -0 to +0 and lets NaN through. */
CPU_UNARY_ROW(cpu_neg_f32, float, -x)
CPU_UNARY_ROW(cpu_abs_f32, float, fabsf(x))
CPU_UNARY_ROW(cpu_relu_f32, float, x <= 0.0f ? 0.0f : x)
CPU_UNARY_ROW(cpu_neg_i32, int32_t, CPU_WRAP_NEG(int32_t, uint32_t, x))
CPU_UNARY_ROW(cpu_abs_i32, int32_t, x < 0 ? CPU_WRAP_NEG(int32_t, uint32_t, x) : x)
CPU_UNARY_ROW(cpu_relu_i32, int32_t, x > 0 ? x : 0)
CPU_UNARY_ROW(cpu_neg_i64, int64_t, CPU_WRAP_NEG(int64_t, uint64_t, x))
CPU_UNARY_ROW(cpu_abs_i64, int64_t, x < 0 ? CPU_WRAP_NEG(int64_t, uint64_t, x) : x)
CPU_UNARY_ROW(cpu_relu_i64, int64_t, x > 0 ? x : 0)

typedef void (*cpu_vmath_fn)(float *dst, const float *src, int64_t n);

/* Transcendentals work on contiguous arrays; strided rows go through a
 * stack block. */
static void cpu_vmath_row(cpu_vmath_fn fn, char *const *p, const int64_t *s, int64_t n) {
  float *o = (float *)(void *)p[0];
  const float *a = (const float *)(const void *)p[1];
  if (s[0] == 1 && s[1] == 1) {
    fn(o, a, n);
    return;
  }
  float block[CPU_F16_BLOCK];
  for (int64_t i = 0; i < n; i += CPU_F16_BLOCK) {
    int64_t m = n - i < CPU_F16_BLOCK ? n - i : CPU_F16_BLOCK;
    for (int64_t j = 0; j < m; ++j) block[j] = a[(i + j) * s[1]];
    fn(block, block, m);
    for (int64_t j = 0; j < m; ++j) o[(i + j) * s[0]] = block[j];
  }
}

static void cpu_exp_f32(const void *ctx, char *const *p, const int64_t *s, int64_t n) {
  (void)ctx;
  cpu_vmath_row(cpu_vmath_exp, p, s, n);
}

static void cpu_sigmoid_f32(const void *ctx, char *const *p, const int64_t *s, int64_t n) {
  (void)ctx;
  cpu_vmath_row(cpu_vmath_sigmoid, p, s, n);
}

static void cpu_tanh_f32(const void *ctx, char *const *p, const int64_t *s, int64_t n) {
  (void)ctx;
  cpu_vmath_row(cpu_vmath_tanh, p, s, n);
}

/* ---- f16: convert a block to f32, run the f32 row, round back ----------- */
typedef struct cpu_f16_ctx {
  cpu_row_fn f32_row;
} cpu_f16_ctx_t;

static void cpu_f16_unary_row(const void *ctx, char *const *p, const int64_t *s, int64_t n) {
  const cpu_f16_ctx_t *c = ctx;
  float block[CPU_F16_BLOCK];
  char *bp[2] = {(char *)block, (char *)block};
  const int64_t unit[2] = {1, 1};
  for (int64_t i = 0; i < n; i += CPU_F16_BLOCK) {
    int64_t m = n - i < CPU_F16_BLOCK ? n - i : CPU_F16_BLOCK;
    cpu_f16_load(block, (const uint16_t *)(const void *)p[1] + i * s[1], m, s[1]);
    c->f32_row(NULL, bp, unit, m);
    cpu_f16_store((uint16_t *)(void *)p[0] + i * s[0], s[0], block, m);
  }
}

static void cpu_f16_binary_row(const void *ctx, char *const *p, const int64_t *s, int64_t n) {
  const cpu_f16_ctx_t *c = ctx;
  float ba[CPU_F16_BLOCK], bb[CPU_F16_BLOCK];
  char *bp[3] = {(char *)ba, (char *)ba, (char *)bb};
  const int64_t unit[3] = {1, 1, 1};
  for (int64_t i = 0; i < n; i += CPU_F16_BLOCK) {
    int64_t m = n - i < CPU_F16_BLOCK ? n - i : CPU_F16_BLOCK;
    cpu_f16_load(ba, (const uint16_t *)(const void *)p[1] + i * s[1], m, s[1]);
    cpu_f16_load(bb, (const uint16_t *)(const void *)p[2] + i * s[2], m, s[2]);
    c->f32_row(NULL, bp, unit, m);
    cpu_f16_store((uint16_t *)(void *)p[0] + i * s[0], s[0], ba, m);
  }
}

/* ---- Dispatch ------------------------------------------------------------------ */

static cpu_row_fn cpu_binary_row_for(uint32_t op, uint32_t dtype) {
  static const cpu_row_fn f32[4] = {cpu_add_f32, cpu_sub_f32, cpu_mul_f32, cpu_div_f32};
  static const cpu_row_fn i32[4] = {cpu_add_i32, cpu_sub_i32, cpu_mul_i32, cpu_div_i32_row};
  static const cpu_row_fn i64[4] = {cpu_add_i64, cpu_sub_i64, cpu_mul_i64, cpu_div_i64_row};
  if (op < XHAL_OP_ADD || op > XHAL_OP_DIV) return NULL;
  const uint32_t k = op - XHAL_OP_ADD;
  switch (dtype) {
    case XHAL_DTYPE_F32:
    case XHAL_DTYPE_F16:
      return f32[k];
    case XHAL_DTYPE_I32:
      return i32[k];
    case XHAL_DTYPE_I64:
      return i64[k];
    default:
      return NULL;
  }
}

static cpu_row_fn cpu_unary_row_float(uint32_t op) {
  switch (op) {
    case XHAL_OP_NEG:
      return cpu_neg_f32;
    case XHAL_OP_ABS:
      return cpu_abs_f32;
    case XHAL_OP_RELU:
      return cpu_relu_f32;
    case XHAL_OP_EXP:
      return cpu_exp_f32;
    case XHAL_OP_SIGMOID:
      return cpu_sigmoid_f32;
    case XHAL_OP_TANH:
      return cpu_tanh_f32;
    default:
      return NULL;
  }
}

static cpu_row_fn cpu_unary_row_for(uint32_t op, uint32_t dtype) {
  const int k = op == XHAL_OP_NEG ? 0 : op == XHAL_OP_ABS ? 1 : op == XHAL_OP_RELU ? 2 : -1;
  static const cpu_row_fn i32[3] = {cpu_neg_i32, cpu_abs_i32, cpu_relu_i32};
  static const cpu_row_fn i64[3] = {cpu_neg_i64, cpu_abs_i64, cpu_relu_i64};
  switch (dtype) {
    case XHAL_DTYPE_F32:
    case XHAL_DTYPE_F16:
      return cpu_unary_row_float(op);
    case XHAL_DTYPE_I32:
      return k < 0 ? NULL : i32[k];
    case XHAL_DTYPE_I64:
      return k < 0 ? NULL : i64[k];
    default:
      return NULL;
  }
}

int32_t cpu_kernel_unary(uint32_t op, const cpu_view_t *dst, const cpu_view_t *src) {
  cpu_row_fn row = cpu_unary_row_for(op, dst->dtype);
  if (!row)
    return cpu_error(XHAL_STATUS_INTERNAL, "unary kernel: no row for op %u dtype %u", op,
                     dst->dtype);
  cpu_loop_t loop;
  const cpu_view_t *in[1] = {src};
  cpu_loop_init(&loop, dst, in, 1);
  if (dst->dtype == XHAL_DTYPE_F16) {
    const cpu_f16_ctx_t ctx = {row};
    cpu_loop_run(&loop, cpu_f16_unary_row, &ctx);
  } else {
    cpu_loop_run(&loop, row, NULL);
  }
  return XHAL_STATUS_OK;
}

int32_t cpu_kernel_binary(uint32_t op, const cpu_view_t *dst, const cpu_view_t *a,
                          const cpu_view_t *b) {
  cpu_row_fn row = cpu_binary_row_for(op, dst->dtype);
  if (!row)
    return cpu_error(XHAL_STATUS_INTERNAL, "binary kernel: no row for op %u dtype %u", op,
                     dst->dtype);
  cpu_loop_t loop;
  const cpu_view_t *in[2] = {a, b};
  cpu_loop_init(&loop, dst, in, 2);
  if (dst->dtype == XHAL_DTYPE_F16) {
    const cpu_f16_ctx_t ctx = {row};
    cpu_loop_run(&loop, cpu_f16_binary_row, &ctx);
  } else {
    cpu_loop_run(&loop, row, NULL);
  }
  return XHAL_STATUS_OK;
}

/* cpu_kernel_binary.c - Pow, Min/Max, PRelu, comparisons, Where, logic and
 * the u8/bool arithmetic and casts (semantics: cpu_kernel_binary.h).
 *
 * Same-dtype ops have one row function per (op, dtype) with a contiguous
 * fast path gcc vectorises; f16 goes through f32 blocks (every f16 value is
 * exact in f32, comparisons and selections are exact there, and PRelu's
 * product of two f16 values is exact in f32, so each result is rounded
 * once). Mixed-dtype Pow and the casts go through blocks of double or
 * int64_t (u8 exponents load as int64_t like i32/i64). */
#include "cpu_kernel_binary.h"

#include <math.h>
#include <string.h>

#include "../common/xhal_op_check.h"
#include "cpu_error.h"
#include "cpu_kernel_copy.h"
#include "cpu_kernel_f16.h"

#define CPU_BIN_BLOCK CPU_F16_BLOCK

static inline int64_t cpu_bin_min64(int64_t a, int64_t b) {
  return a < b ? a : b;
}

/* ---- Scalar semantics ---------------------------------------------------------------------- */

/* IEEE minimum/maximum with NaN propagation; equal operands (+-0) merge
 * their bits: -0 wins Min, +0 wins Max. */
static inline float cpu_min_f32(float x, float y) {
  if (y < x || y != y) return y;
  if (y == x) {
    uint32_t bx, by;
    memcpy(&bx, &x, 4);
    memcpy(&by, &y, 4);
    bx |= by;
    memcpy(&x, &bx, 4);
  }
  return x;
}

static inline float cpu_max_f32(float x, float y) {
  if (y > x || y != y) return y;
  if (y == x) {
    uint32_t bx, by;
    memcpy(&bx, &x, 4);
    memcpy(&by, &y, 4);
    bx &= by;
    memcpy(&x, &bx, 4);
  }
  return x;
}

/* x^e in wrapping two's complement arithmetic (see the header). */
static int64_t cpu_ipow(int64_t x, int64_t e) {
  if (e < 0) {
    if (x == 1) return 1;
    if (x == -1) return (e & 1) ? -1 : 1;
    return 0;
  }
  uint64_t result = 1, base = (uint64_t)x, n = (uint64_t)e;
  while (n) {
    if (n & 1) result *= base;
    base *= base;
    n >>= 1;
  }
  return (int64_t)result;
}

/* An integer exponent of a float base, as a double that keeps its parity:
 * beyond 2^31 - 1 every base but +-1 over- or underflows anyway. */
static inline double cpu_pow_int_exponent(int64_t e) {
  const int64_t limit = 2147483646;
  if (e > limit + 1) return (double)(limit + (e & 1));
  if (e < -limit - 1) return -(double)(limit + (e & 1));
  return (double)e;
}

/* An integer base x with a float exponent y, in double as numpy's float64
 * power: an integral y (|y| <= 2^53) squares and multiplies (every partial
 * product is at most the result's magnitude, so the result is exact while
 * it is below 2^53), a negative one gives 1 / x^|y| (+Inf for x = 0); any
 * other y (fractional, +-Inf, NaN) is C's pow. */
static double cpu_pow_int_float(int64_t x, double y) {
  const double xd = (double)x;
  if (!(y == floor(y) && fabs(y) <= 9007199254740992.0)) return pow(xd, y);
  uint64_t n = (uint64_t)fabs(y);
  double r = 1.0, b = xd;
  while (n) {
    if (n & 1) r *= b;
    n >>= 1;
    if (n) b *= b;
  }
  return y < 0.0 ? 1.0 / r : r;
}

/* ---- Block loads and stores -------------------------------------------------------------- */

static void cpu_bin_load_f64(uint32_t dtype, double *dst, const char *src, int64_t n,
                             int64_t s) {
  switch (dtype) {
    case XHAL_DTYPE_F32:
      for (int64_t i = 0; i < n; ++i) dst[i] = ((const float *)(const void *)src)[i * s];
      break;
    case XHAL_DTYPE_F16:
      for (int64_t i = 0; i < n; ++i)
        dst[i] = cpu_f16_to_f32(((const uint16_t *)(const void *)src)[i * s]);
      break;
    default:
      break;
  }
}

static void cpu_bin_load_i64(uint32_t dtype, int64_t *dst, const char *src, int64_t n,
                             int64_t s) {
  switch (dtype) {
    case XHAL_DTYPE_I32:
      for (int64_t i = 0; i < n; ++i) dst[i] = ((const int32_t *)(const void *)src)[i * s];
      break;
    case XHAL_DTYPE_I64:
      for (int64_t i = 0; i < n; ++i) dst[i] = ((const int64_t *)(const void *)src)[i * s];
      break;
    case XHAL_DTYPE_U8:
      for (int64_t i = 0; i < n; ++i) dst[i] = ((const uint8_t *)(const void *)src)[i * s];
      break;
    case XHAL_DTYPE_BOOL:
      for (int64_t i = 0; i < n; ++i) dst[i] = ((const uint8_t *)(const void *)src)[i * s] != 0;
      break;
    default:
      break;
  }
}

static int cpu_bin_is_float(uint32_t dtype) {
  return dtype == XHAL_DTYPE_F32 || dtype == XHAL_DTYPE_F16;
}

/* Stores a block of doubles to a float dtype (rounded once for f32; f16
 * through f32). */
static void cpu_bin_store_f64(uint32_t dtype, char *dst, int64_t s, const double *src,
                              int64_t n) {
  if (dtype == XHAL_DTYPE_F32) {
    for (int64_t i = 0; i < n; ++i) ((float *)(void *)dst)[i * s] = (float)src[i];
  } else {
    for (int64_t i = 0; i < n; ++i)
      ((uint16_t *)(void *)dst)[i * s] = cpu_f32_to_f16((float)src[i]);
  }
}

/* Wraps (u8, i32) or normalises (bool) integers on store. */
static void cpu_bin_store_i64(uint32_t dtype, char *dst, int64_t s, const int64_t *src,
                              int64_t n) {
  switch (dtype) {
    case XHAL_DTYPE_I32:
      for (int64_t i = 0; i < n; ++i)
        ((int32_t *)(void *)dst)[i * s] = (int32_t)(uint32_t)(uint64_t)src[i];
      break;
    case XHAL_DTYPE_I64:
      for (int64_t i = 0; i < n; ++i) ((int64_t *)(void *)dst)[i * s] = src[i];
      break;
    case XHAL_DTYPE_U8:
      for (int64_t i = 0; i < n; ++i) ((uint8_t *)(void *)dst)[i * s] = (uint8_t)src[i];
      break;
    default: /* bool */
      for (int64_t i = 0; i < n; ++i) ((uint8_t *)(void *)dst)[i * s] = src[i] != 0;
      break;
  }
}

/* ---- Same-dtype binary rows: out type O, inputs T ----------------------------------------- */
#define CPU_BIN_ROW(name, O, T, EXPR)                                                              \
  static void name(const void *ctx, char *const *p, const int64_t *s, int64_t n) {                 \
    (void)ctx;                                                                                     \
    O *o = (O *)(void *)p[0];                                                                      \
    const T *a = (const T *)(const void *)p[1];                                                    \
    const T *b = (const T *)(const void *)p[2];                                                    \
    if (s[0] == 1 && s[1] == 1 && s[2] == 1) {                                                     \
      CPU_SIMD                                                                                     \
      for (int64_t i = 0; i < n; ++i) {                                                            \
        const T x = a[i], y = b[i];                                                                \
        o[i] = (O)(EXPR);                                                                          \
      }                                                                                            \
    } else if (s[0] == 1 && s[1] == 1 && s[2] == 0) {                                              \
      const T y = b[0];                                                                            \
      CPU_SIMD                                                                                     \
      for (int64_t i = 0; i < n; ++i) {                                                            \
        const T x = a[i];                                                                          \
        o[i] = (O)(EXPR);                                                                          \
      }                                                                                            \
    } else {                                                                                       \
      for (int64_t i = 0; i < n; ++i) {                                                            \
        const T x = a[i * s[1]], y = b[i * s[2]];                                                  \
        o[i * s[0]] = (O)(EXPR);                                                                   \
      }                                                                                            \
    }                                                                                              \
  }

/* Comparisons (f16 goes through the f32 rows). */
#define CPU_CMP_ROWS(T, sfx)                                                                       \
  CPU_BIN_ROW(cpu_equal_##sfx, uint8_t, T, x == y)                                                 \
  CPU_BIN_ROW(cpu_less_##sfx, uint8_t, T, x < y)                                                   \
  CPU_BIN_ROW(cpu_greater_##sfx, uint8_t, T, x > y)                                                \
  CPU_BIN_ROW(cpu_less_equal_##sfx, uint8_t, T, x <= y)                                            \
  CPU_BIN_ROW(cpu_greater_equal_##sfx, uint8_t, T, x >= y)
CPU_CMP_ROWS(float, f32)
CPU_CMP_ROWS(int32_t, i32)
CPU_CMP_ROWS(int64_t, i64)
CPU_CMP_ROWS(uint8_t, u8)
CPU_BIN_ROW(cpu_equal_bool, uint8_t, uint8_t, (x != 0) == (y != 0))
CPU_BIN_ROW(cpu_and_bool, uint8_t, uint8_t, (x != 0) & (y != 0))
CPU_BIN_ROW(cpu_or_bool, uint8_t, uint8_t, (x != 0) | (y != 0))

/* PRelu: x < 0 picks x * slope (one rounding); NaN and -0 pass through. */
CPU_BIN_ROW(cpu_prelu_f32, float, float, x < 0.0f ? x * y : x)
CPU_BIN_ROW(cpu_prelu_i32, int32_t, int32_t,
            x < 0 ? (int32_t)((uint32_t)x * (uint32_t)y) : x)
CPU_BIN_ROW(cpu_prelu_i64, int64_t, int64_t,
            x < 0 ? (int64_t)((uint64_t)x * (uint64_t)y) : x)

/* u8 arithmetic: wraps (integer promotion, then truncation), x / 0 = 0. */
CPU_BIN_ROW(cpu_add_u8, uint8_t, uint8_t, x + y)
CPU_BIN_ROW(cpu_sub_u8, uint8_t, uint8_t, x - y)
CPU_BIN_ROW(cpu_mul_u8, uint8_t, uint8_t, (unsigned)x * (unsigned)y)
CPU_BIN_ROW(cpu_div_u8, uint8_t, uint8_t, y ? x / y : 0)

static void cpu_not_bool(const void *ctx, char *const *p, const int64_t *s, int64_t n) {
  (void)ctx;
  uint8_t *o = (uint8_t *)p[0];
  const uint8_t *a = (const uint8_t *)p[1];
  if (s[0] == 1 && s[1] == 1) {
    CPU_SIMD
    for (int64_t i = 0; i < n; ++i) o[i] = a[i] == 0;
  } else {
    for (int64_t i = 0; i < n; ++i) o[i * s[0]] = a[i * s[1]] == 0;
  }
}

static void cpu_abs_u8(const void *ctx, char *const *p, const int64_t *s, int64_t n) {
  (void)ctx;
  if (s[0] == 1 && s[1] == 1) {
    if (p[0] != p[1]) memcpy(p[0], p[1], (size_t)n);
  } else {
    for (int64_t i = 0; i < n; ++i) p[0][i * s[0]] = p[1][i * s[1]];
  }
}

/* f16 inputs through an f32 row; the output keeps its own dtype (bool for
 * comparisons, f16 for PRelu). */
typedef struct cpu_bin_f16_ctx {
  cpu_row_fn f32_row;
  int out_f16;
} cpu_bin_f16_ctx_t;

static void cpu_bin_f16_row(const void *ctx, char *const *p, const int64_t *s, int64_t n) {
  const cpu_bin_f16_ctx_t *c = ctx;
  float ba[CPU_BIN_BLOCK], bb[CPU_BIN_BLOCK], bo[CPU_BIN_BLOCK];
  for (int64_t i = 0; i < n; i += CPU_BIN_BLOCK) {
    const int64_t m = cpu_bin_min64(n - i, CPU_BIN_BLOCK);
    cpu_f16_load(ba, (const uint16_t *)(const void *)p[1] + i * s[1], m, s[1]);
    cpu_f16_load(bb, (const uint16_t *)(const void *)p[2] + i * s[2], m, s[2]);
    if (c->out_f16) {
      char *bp[3] = {(char *)bo, (char *)ba, (char *)bb};
      const int64_t unit[3] = {1, 1, 1};
      c->f32_row(NULL, bp, unit, m);
      cpu_f16_store((uint16_t *)(void *)p[0] + i * s[0], s[0], bo, m);
    } else {
      char *bp[3] = {p[0] + i * s[0], (char *)ba, (char *)bb};
      const int64_t st[3] = {s[0], 1, 1};
      c->f32_row(NULL, bp, st, m);
    }
  }
}

/* ---- Where: by element size ---------------------------------------------------------------- */
#define CPU_WHERE_ROW(name, T)                                                                     \
  static void name(const void *ctx, char *const *p, const int64_t *s, int64_t n) {                 \
    (void)ctx;                                                                                     \
    T *o = (T *)(void *)p[0];                                                                      \
    const uint8_t *c = (const uint8_t *)p[1];                                                      \
    const T *x = (const T *)(const void *)p[2];                                                    \
    const T *y = (const T *)(const void *)p[3];                                                    \
    if (s[0] == 1 && s[1] == 1 && s[2] == 1 && s[3] == 1) {                                        \
      CPU_SIMD                                                                                     \
      for (int64_t i = 0; i < n; ++i) o[i] = c[i] ? x[i] : y[i];                                   \
    } else {                                                                                       \
      for (int64_t i = 0; i < n; ++i) o[i * s[0]] = c[i * s[1]] ? x[i * s[2]] : y[i * s[3]];       \
    }                                                                                              \
  }
CPU_WHERE_ROW(cpu_where_1, uint8_t)
CPU_WHERE_ROW(cpu_where_2, uint16_t)
CPU_WHERE_ROW(cpu_where_4, uint32_t)
CPU_WHERE_ROW(cpu_where_8, uint64_t)

/* Where on bool X/Y: the selected byte normalised to 0/1. */
static void cpu_where_bool(const void *ctx, char *const *p, const int64_t *s, int64_t n) {
  (void)ctx;
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t v = p[1][i * s[1]] ? p[2][i * s[2]] : p[3][i * s[3]];
    p[0][i * s[0]] = v != 0;
  }
}

/* ---- Min/Max over 1..8 inputs --------------------------------------------------------------
 * An accumulator block per row segment: the output is written only after
 * every input of the segment was read (the output may alias an input). */
typedef struct cpu_minmax_ctx {
  int inputs;
  int is_max;
} cpu_minmax_ctx_t;

#define CPU_MINMAX_INT_ROW(name, T)                                                                \
  static void name(const void *ctx, char *const *p, const int64_t *s, int64_t n) {                 \
    const cpu_minmax_ctx_t *c = ctx;                                                               \
    T acc[CPU_BIN_BLOCK];                                                                          \
    for (int64_t i = 0; i < n; i += CPU_BIN_BLOCK) {                                               \
      const int64_t m = cpu_bin_min64(n - i, CPU_BIN_BLOCK);                                       \
      const T *a = (const T *)(const void *)p[1] + i * s[1];                                       \
      for (int64_t j = 0; j < m; ++j) acc[j] = a[j * s[1]];                                        \
      for (int k = 2; k <= c->inputs; ++k) {                                                       \
        const T *b = (const T *)(const void *)p[k] + i * s[k];                                     \
        const int64_t sk = s[k];                                                                   \
        if (c->is_max) {                                                                           \
          CPU_SIMD                                                                                 \
          for (int64_t j = 0; j < m; ++j) acc[j] = b[j * sk] > acc[j] ? b[j * sk] : acc[j];        \
        } else {                                                                                   \
          CPU_SIMD                                                                                 \
          for (int64_t j = 0; j < m; ++j) acc[j] = b[j * sk] < acc[j] ? b[j * sk] : acc[j];        \
        }                                                                                          \
      }                                                                                            \
      T *o = (T *)(void *)p[0] + i * s[0];                                                         \
      for (int64_t j = 0; j < m; ++j) o[j * s[0]] = acc[j];                                        \
    }                                                                                              \
  }
CPU_MINMAX_INT_ROW(cpu_minmax_i32, int32_t)
CPU_MINMAX_INT_ROW(cpu_minmax_i64, int64_t)
CPU_MINMAX_INT_ROW(cpu_minmax_u8, uint8_t)

static void cpu_minmax_float_load(int f16, float *dst, const char *src, int64_t i, int64_t m,
                                  int64_t s) {
  if (f16)
    cpu_f16_load(dst, (const uint16_t *)(const void *)src + i * s, m, s);
  else
    for (int64_t j = 0; j < m; ++j) dst[j] = ((const float *)(const void *)src)[(i + j) * s];
}

static void cpu_minmax_float(const cpu_minmax_ctx_t *c, int f16, char *const *p, const int64_t *s,
                             int64_t n) {
  float acc[CPU_BIN_BLOCK], b[CPU_BIN_BLOCK];
  for (int64_t i = 0; i < n; i += CPU_BIN_BLOCK) {
    const int64_t m = cpu_bin_min64(n - i, CPU_BIN_BLOCK);
    cpu_minmax_float_load(f16, acc, p[1], i, m, s[1]);
    for (int k = 2; k <= c->inputs; ++k) {
      cpu_minmax_float_load(f16, b, p[k], i, m, s[k]);
      if (c->is_max)
        for (int64_t j = 0; j < m; ++j) acc[j] = cpu_max_f32(acc[j], b[j]);
      else
        for (int64_t j = 0; j < m; ++j) acc[j] = cpu_min_f32(acc[j], b[j]);
    }
    if (f16)
      cpu_f16_store((uint16_t *)(void *)p[0] + i * s[0], s[0], acc, m);
    else
      for (int64_t j = 0; j < m; ++j) ((float *)(void *)p[0])[(i + j) * s[0]] = acc[j];
  }
}

static void cpu_minmax_f32(const void *ctx, char *const *p, const int64_t *s, int64_t n) {
  cpu_minmax_float(ctx, 0, p, s, n);
}

static void cpu_minmax_f16(const void *ctx, char *const *p, const int64_t *s, int64_t n) {
  cpu_minmax_float(ctx, 1, p, s, n);
}

/* ---- Pow and the u8/bool casts: blocks of double / int64_t -------------------------------- */
typedef struct cpu_mixed_ctx {
  uint32_t op;
  uint32_t out_dtype, a_dtype, b_dtype;
  int64_t out_size, a_size, b_size;
} cpu_mixed_ctx_t;

static void cpu_pow_row(const void *ctx, char *const *p, const int64_t *s, int64_t n) {
  const cpu_mixed_ctx_t *c = ctx;
  double fx[CPU_BIN_BLOCK], fy[CPU_BIN_BLOCK];
  int64_t ix[CPU_BIN_BLOCK], iy[CPU_BIN_BLOCK];
  const int float_base = cpu_bin_is_float(c->a_dtype);
  const int float_exp = cpu_bin_is_float(c->b_dtype);
  for (int64_t i = 0; i < n; i += CPU_BIN_BLOCK) {
    const int64_t m = cpu_bin_min64(n - i, CPU_BIN_BLOCK);
    const char *a = p[1] + i * s[1] * c->a_size, *b = p[2] + i * s[2] * c->b_size;
    char *o = p[0] + i * s[0] * c->out_size;
    if (float_exp) {
      cpu_bin_load_f64(c->b_dtype, fy, b, m, s[2]);
    } else {
      cpu_bin_load_i64(c->b_dtype, iy, b, m, s[2]);
      if (float_base)
        for (int64_t j = 0; j < m; ++j) fy[j] = cpu_pow_int_exponent(iy[j]);
    }
    if (float_base) {
      cpu_bin_load_f64(c->a_dtype, fx, a, m, s[1]);
      for (int64_t j = 0; j < m; ++j) fx[j] = pow(fx[j], fy[j]);
      cpu_bin_store_f64(c->out_dtype, o, s[0], fx, m);
    } else if (float_exp) { /* the double power, Cast's float -> int rule */
      cpu_bin_load_i64(c->a_dtype, ix, a, m, s[1]);
      if (c->out_dtype == XHAL_DTYPE_I32)
        for (int64_t j = 0; j < m; ++j) ix[j] = cpu_f64_to_i32(cpu_pow_int_float(ix[j], fy[j]));
      else
        for (int64_t j = 0; j < m; ++j) ix[j] = cpu_f64_to_i64(cpu_pow_int_float(ix[j], fy[j]));
      cpu_bin_store_i64(c->out_dtype, o, s[0], ix, m);
    } else {
      cpu_bin_load_i64(c->a_dtype, ix, a, m, s[1]);
      for (int64_t j = 0; j < m; ++j) ix[j] = cpu_ipow(ix[j], iy[j]);
      cpu_bin_store_i64(c->out_dtype, o, s[0], ix, m);
    }
  }
}

/* float -> u8: truncation toward zero, saturating, NaN -> 0. */
static inline int64_t cpu_f64_to_u8(double x) {
  if (!(x > 0.0)) return 0; /* NaN, negatives, -0 */
  if (x >= 255.0) return 255;
  return (int64_t)x;
}

static void cpu_cast_small_row(const void *ctx, char *const *p, const int64_t *s, int64_t n) {
  const cpu_mixed_ctx_t *c = ctx;
  double f[CPU_BIN_BLOCK];
  int64_t v[CPU_BIN_BLOCK];
  const int from_float = cpu_bin_is_float(c->a_dtype), to_float = cpu_bin_is_float(c->out_dtype);
  for (int64_t i = 0; i < n; i += CPU_BIN_BLOCK) {
    const int64_t m = cpu_bin_min64(n - i, CPU_BIN_BLOCK);
    const char *a = p[1] + i * s[1] * c->a_size;
    char *o = p[0] + i * s[0] * c->out_size;
    if (from_float) {
      cpu_bin_load_f64(c->a_dtype, f, a, m, s[1]);
      if (c->out_dtype == XHAL_DTYPE_BOOL)
        for (int64_t j = 0; j < m; ++j) v[j] = f[j] != 0.0; /* NaN != 0 */
      else /* u8 */
        for (int64_t j = 0; j < m; ++j) v[j] = cpu_f64_to_u8(f[j]);
      cpu_bin_store_i64(c->out_dtype, o, s[0], v, m);
      continue;
    }
    cpu_bin_load_i64(c->a_dtype, v, a, m, s[1]);
    if (to_float) { /* from u8/bool: exact */
      for (int64_t j = 0; j < m; ++j) f[j] = (double)v[j];
      cpu_bin_store_f64(c->out_dtype, o, s[0], f, m);
    } else {
      cpu_bin_store_i64(c->out_dtype, o, s[0], v, m);
    }
  }
}

/* ---- Dispatch ------------------------------------------------------------------------------ */

static cpu_row_fn cpu_compare_row(uint32_t op, uint32_t dtype) {
  static const cpu_row_fn f32[5] = {cpu_equal_f32, cpu_less_f32, cpu_greater_f32,
                                    cpu_less_equal_f32, cpu_greater_equal_f32};
  static const cpu_row_fn i32[5] = {cpu_equal_i32, cpu_less_i32, cpu_greater_i32,
                                    cpu_less_equal_i32, cpu_greater_equal_i32};
  static const cpu_row_fn i64[5] = {cpu_equal_i64, cpu_less_i64, cpu_greater_i64,
                                    cpu_less_equal_i64, cpu_greater_equal_i64};
  static const cpu_row_fn u8[5] = {cpu_equal_u8, cpu_less_u8, cpu_greater_u8, cpu_less_equal_u8,
                                   cpu_greater_equal_u8};
  const uint32_t k = op - XHAL_OP_EQUAL; /* Equal, Less, Greater, LessOrEqual, GreaterOrEqual */
  switch (dtype) {
    case XHAL_DTYPE_F32:
    case XHAL_DTYPE_F16:
      return f32[k];
    case XHAL_DTYPE_I32:
      return i32[k];
    case XHAL_DTYPE_I64:
      return i64[k];
    case XHAL_DTYPE_U8:
      return u8[k];
    case XHAL_DTYPE_BOOL:
      return op == XHAL_OP_EQUAL ? cpu_equal_bool : NULL;
    default:
      return NULL;
  }
}

/* Row of a two-input same-dtype op, or NULL. */
static cpu_row_fn cpu_bin_row(uint32_t op, uint32_t dtype) {
  switch (op) {
    case XHAL_OP_EQUAL:
    case XHAL_OP_LESS:
    case XHAL_OP_GREATER:
    case XHAL_OP_LESS_OR_EQUAL:
    case XHAL_OP_GREATER_OR_EQUAL:
      return cpu_compare_row(op, dtype);
    case XHAL_OP_AND:
      return cpu_and_bool;
    case XHAL_OP_OR:
      return cpu_or_bool;
    case XHAL_OP_PRELU:
      return dtype == XHAL_DTYPE_I32   ? cpu_prelu_i32
             : dtype == XHAL_DTYPE_I64 ? cpu_prelu_i64
                                       : cpu_prelu_f32;
    case XHAL_OP_ADD:
      return cpu_add_u8;
    case XHAL_OP_SUB:
      return cpu_sub_u8;
    case XHAL_OP_MUL:
      return cpu_mul_u8;
    case XHAL_OP_DIV:
      return cpu_div_u8;
    default:
      return NULL;
  }
}

static cpu_row_fn cpu_where_row(uint32_t dtype) {
  switch (cpu_dtype_size(dtype)) {
    case 1:
      return dtype == XHAL_DTYPE_BOOL ? cpu_where_bool : cpu_where_1;
    case 2:
      return cpu_where_2;
    case 4:
      return cpu_where_4;
    default:
      return cpu_where_8;
  }
}

static cpu_row_fn cpu_minmax_row(uint32_t dtype) {
  switch (dtype) {
    case XHAL_DTYPE_F32:
      return cpu_minmax_f32;
    case XHAL_DTYPE_F16:
      return cpu_minmax_f16;
    case XHAL_DTYPE_I32:
      return cpu_minmax_i32;
    case XHAL_DTYPE_I64:
      return cpu_minmax_i64;
    case XHAL_DTYPE_U8:
      return cpu_minmax_u8;
    default:
      return NULL;
  }
}

static void cpu_bin_loop(cpu_loop_t *loop, const cpu_view_t *dst, const cpu_view_t *in,
                         uint32_t input_count) {
  const cpu_view_t *views[CPU_LOOP_MAX_OPERANDS - 1];
  for (uint32_t i = 0; i < input_count; ++i) views[i] = &in[i];
  cpu_loop_init(loop, dst, views, (int)input_count);
}

int32_t cpu_kernel_binary_run(uint32_t op, const cpu_view_t *dst, const cpu_view_t *in,
                              uint32_t input_count) {
  const uint32_t dtype = in[0].dtype;
  if (input_count < 1 || input_count > CPU_LOOP_MAX_OPERANDS - 1)
    return cpu_error(XHAL_STATUS_INTERNAL, "binary kernels: %u inputs", input_count);
  cpu_loop_t loop;
  cpu_bin_loop(&loop, dst, in, input_count);
  if (op == XHAL_OP_NOT || op == XHAL_OP_ABS) { /* Abs of u8 is the identity */
    cpu_loop_run(&loop, op == XHAL_OP_NOT ? cpu_not_bool : cpu_abs_u8, NULL);
    return XHAL_STATUS_OK;
  }
  if (op == XHAL_OP_WHERE) {
    cpu_loop_run(&loop, cpu_where_row(dst->dtype), NULL);
    return XHAL_STATUS_OK;
  }
  if (op == XHAL_OP_MIN || op == XHAL_OP_MAX) {
    cpu_row_fn row = cpu_minmax_row(dtype);
    if (!row) return cpu_error(XHAL_STATUS_INTERNAL, "Min/Max kernel: dtype %u", dtype);
    const cpu_minmax_ctx_t ctx = {(int)input_count, op == XHAL_OP_MAX};
    cpu_loop_run(&loop, row, &ctx);
    return XHAL_STATUS_OK;
  }
  if (op == XHAL_OP_POW || op == XHAL_OP_CAST) {
    const uint32_t b = op == XHAL_OP_POW ? in[1].dtype : 0;
    const cpu_mixed_ctx_t ctx = {op,
                                 dst->dtype,
                                 dtype,
                                 b,
                                 (int64_t)cpu_dtype_size(dst->dtype),
                                 (int64_t)cpu_dtype_size(dtype),
                                 (int64_t)cpu_dtype_size(b)};
    cpu_loop_run(&loop, op == XHAL_OP_POW ? cpu_pow_row : cpu_cast_small_row, &ctx);
    return XHAL_STATUS_OK;
  }
  cpu_row_fn row = cpu_bin_row(op, dtype);
  if (!row || input_count != 2)
    return cpu_error(XHAL_STATUS_INTERNAL, "binary kernels: no row for op %u dtype %u", op, dtype);
  if (dtype == XHAL_DTYPE_F16) {
    const cpu_bin_f16_ctx_t ctx = {row, dst->dtype == XHAL_DTYPE_F16};
    cpu_loop_run(&loop, cpu_bin_f16_row, &ctx);
  } else {
    cpu_loop_run(&loop, row, NULL);
  }
  return XHAL_STATUS_OK;
}

/* host_reduce.c - see host_reduce.h. */
#include "host_reduce.h"

#include <math.h>
#include <string.h>

#include <xhal/xhal_types.h>



static void xhal__load_f16(void *out, const void *in, size_t n) {
  float *dst = out;
  const uint16_t *src = in;
  for (size_t i = 0; i < n; ++i) {
    uint32_t sign = (uint32_t)(src[i] & 0x8000u) << 16;
    uint32_t exponent = (src[i] >> 10) & 0x1fu, mantissa = src[i] & 0x3ffu, bits;
    if (exponent == 0x1f) {
      bits = sign | 0x7f800000u | (mantissa << 13);
    } else if (exponent != 0) {
      bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
      bits = sign;
    } else { /* subnormal: normalise */
      exponent = 113;
      while (!(mantissa & 0x400u)) {
        mantissa <<= 1;
        --exponent;
      }
      bits = sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13);
    }
    memcpy(&dst[i], &bits, sizeof bits);
  }
}

/* Round to nearest even, overflow to infinity, NaN stays a quiet NaN. */
static uint16_t xhal__f32_to_f16(float value) {
  uint32_t bits;
  memcpy(&bits, &value, sizeof bits);
  uint16_t sign = (uint16_t)((bits >> 16) & 0x8000u);
  uint32_t magnitude = bits & 0x7fffffffu;
  if (magnitude > 0x7f800000u) return (uint16_t)(sign | 0x7e00u | ((magnitude >> 13) & 0x3ffu));
  if (magnitude >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u); /* >= 65520 */
  if (magnitude <= 0x33000000u) return sign;                      /* <= 2^-25 */
  uint32_t shift = 13, result;
  if (magnitude < 0x38800000u) { /* f16 subnormal, in units of 2^-24 */
    uint32_t mantissa = (magnitude & 0x7fffffu) | 0x800000u;
    shift = 126 - (magnitude >> 23);
    result = mantissa >> shift;
    magnitude = mantissa;
  } else {
    result = (magnitude - 0x38000000u) >> 13;
  }
  uint32_t rest = magnitude & ((1u << shift) - 1), half = 1u << (shift - 1);
  if (rest > half || (rest == half && (result & 1u))) ++result; /* may carry: still right */
  return (uint16_t)(sign | result);
}

static void xhal__store_f16(void *out, const void *in, size_t n) {
  uint16_t *dst = out;
  const float *src = in;
  for (size_t i = 0; i < n; ++i) dst[i] = xhal__f32_to_f16(src[i]);
}

static void xhal__load_bf16(void *out, const void *in, size_t n) {
  float *dst = out;
  const uint16_t *src = in;
  for (size_t i = 0; i < n; ++i) {
    uint32_t bits = (uint32_t)src[i] << 16;
    memcpy(&dst[i], &bits, sizeof bits);
  }
}

static void xhal__store_bf16(void *out, const void *in, size_t n) {
  uint16_t *dst = out;
  const float *src = in;
  for (size_t i = 0; i < n; ++i) {
    uint32_t bits;
    memcpy(&bits, &src[i], sizeof bits);
    if ((bits & 0x7fffffffu) > 0x7f800000u) {
      dst[i] = (uint16_t)((bits >> 16) | 0x40u);
    } else {
      dst[i] = (uint16_t)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
    }
  }
}

#define XHAL__COPY_KERNEL(bytes)                                                                   \
  static void xhal__copy##bytes(void *out, const void *in, size_t n) {                             \
    memcpy(out, in, n * (bytes));                                                                  \
  }
XHAL__COPY_KERNEL(1)
XHAL__COPY_KERNEL(2)
XHAL__COPY_KERNEL(4)
XHAL__COPY_KERNEL(8)

#define XHAL__OP(name, X, op_name, EXPR)                                                           \
  static void xhal__##op_name##_##name(void *out, const void *in, size_t n) {                      \
    X *acc = out;                                                                                  \
    const X *src = in;                                                                             \
    for (size_t i = 0; i < n; ++i) {                                                               \
      X a = acc[i], b = src[i];                                                                    \
      acc[i] = (X)(EXPR);                                                                          \
    }                                                                                              \
  }

#define XHAL__FLOAT_OPS(name, A)                                                                   \
  XHAL__OP(name, A, sum, a + b)                                                                    \
  XHAL__OP(name, A, prod, a * b)                                                                   \
  XHAL__OP(name, A, min,                                                                           \
           isnan(a) ? a : isnan(b) ? b : a == b ? (signbit(a) ? a : b) : a < b ? a : b)            \
  XHAL__OP(name, A, max,                                                                           \
           isnan(a) ? a : isnan(b) ? b : a == b ? (signbit(a) ? b : a) : a > b ? a : b)

/* sum/prod wrap around in unsigned U (1u * avoids promotion to signed int);
 * min/max compare as T. */
#define XHAL__INT_OPS(name, U, T)                                                                  \
  XHAL__OP(name, U, sum, 1u * a + b)                                                               \
  XHAL__OP(name, U, prod, 1u * a * b)                                                              \
  XHAL__OP(name, T, min, b < a ? b : a)                                                            \
  XHAL__OP(name, T, max, b > a ? b : a)

XHAL__FLOAT_OPS(f32, float)
XHAL__FLOAT_OPS(f64, double)
XHAL__INT_OPS(u8, uint8_t, uint8_t)
XHAL__INT_OPS(i8, uint8_t, int8_t)
XHAL__INT_OPS(u16, uint16_t, uint16_t)
XHAL__INT_OPS(i16, uint16_t, int16_t)
XHAL__INT_OPS(u32, uint32_t, uint32_t)
XHAL__INT_OPS(i32, uint32_t, int32_t)
XHAL__INT_OPS(u64, uint64_t, uint64_t)
XHAL__INT_OPS(i64, uint64_t, int64_t)

#define XHAL__OPS(name) {xhal__sum_##name, xhal__prod_##name, xhal__min_##name, xhal__max_##name}

/* Kernels of a reducible dtype; NULL for bool and unknown dtypes. */
const xhal__reduce_kernels_t *xhal__reduce_kernels(uint32_t dtype) {
  static const xhal__reduce_kernels_t f32 = {4, xhal__copy4, xhal__copy4, XHAL__OPS(f32)};
  static const xhal__reduce_kernels_t f64 = {8, xhal__copy8, xhal__copy8, XHAL__OPS(f64)};
  static const xhal__reduce_kernels_t f16 = {2, xhal__load_f16, xhal__store_f16, XHAL__OPS(f32)};
  static const xhal__reduce_kernels_t bf16 = {2, xhal__load_bf16, xhal__store_bf16, XHAL__OPS(f32)};
  static const xhal__reduce_kernels_t u8 = {1, xhal__copy1, xhal__copy1, XHAL__OPS(u8)};
  static const xhal__reduce_kernels_t i8 = {1, xhal__copy1, xhal__copy1, XHAL__OPS(i8)};
  static const xhal__reduce_kernels_t u16 = {2, xhal__copy2, xhal__copy2, XHAL__OPS(u16)};
  static const xhal__reduce_kernels_t i16 = {2, xhal__copy2, xhal__copy2, XHAL__OPS(i16)};
  static const xhal__reduce_kernels_t u32 = {4, xhal__copy4, xhal__copy4, XHAL__OPS(u32)};
  static const xhal__reduce_kernels_t i32 = {4, xhal__copy4, xhal__copy4, XHAL__OPS(i32)};
  static const xhal__reduce_kernels_t u64 = {8, xhal__copy8, xhal__copy8, XHAL__OPS(u64)};
  static const xhal__reduce_kernels_t i64 = {8, xhal__copy8, xhal__copy8, XHAL__OPS(i64)};
  static const xhal__reduce_kernels_t boolean = {1, NULL, NULL, {NULL, NULL, NULL, NULL}};
  switch (dtype) {
    case XHAL_DTYPE_BOOL: return &boolean;
    case XHAL_DTYPE_F32: return &f32;
    case XHAL_DTYPE_F64: return &f64;
    case XHAL_DTYPE_F16: return &f16;
    case XHAL_DTYPE_BF16: return &bf16;
    case XHAL_DTYPE_U8: return &u8;
    case XHAL_DTYPE_I8: return &i8;
    case XHAL_DTYPE_U16: return &u16;
    case XHAL_DTYPE_I16: return &i16;
    case XHAL_DTYPE_U32: return &u32;
    case XHAL_DTYPE_I32: return &i32;
    case XHAL_DTYPE_U64: return &u64;
    case XHAL_DTYPE_I64: return &i64;
    default: return NULL;
  }
}

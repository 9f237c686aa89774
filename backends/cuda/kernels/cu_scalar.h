/* cu_scalar.h - element semantics of the CUDA backend's operator kernels.
 *
 * Every rule that decides a result bit for bit lives here, written in the
 * common subset of C11 and CUDA C++: the kernels (nvcc) call these
 * functions on the device, and backends/cuda/test_cu_scalar.c (gcc) checks
 * them on the host against the rules of docs/conformance.md "Special
 * values", so the semantics are tested on machines without a GPU.
 *
 *  - f16 <-> f32 conversions: exact widening; narrowing rounds to nearest
 *    even with subnormal results, overflow to +-Inf, NaN stays NaN.
 *  - integer -> f16 rounds once (no detour through a rounded f32).
 *  - float -> integer truncates toward zero, NaN -> 0, out of range
 *    saturates; i64 -> i32 keeps the low 32 bits.
 *  - integer Add/Sub/Mul/Neg/Abs wrap (computed in unsigned), x / 0 = 0,
 *    INT_MIN / -1 = INT_MIN.
 *  - Exp, Sigmoid and Tanh are evaluated in f64 and rounded once to f32, so
 *    subnormal results and overflow come out as IEEE 754 says.
 * No fast-math, no flush-to-zero: the kernels are compiled with -ftz=false
 * -prec-div=true -prec-sqrt=true. */
#ifndef XHAL_CU_SCALAR_H
#define XHAL_CU_SCALAR_H

#include <stdint.h>

#if defined(__CUDACC__)
#define CU_SCALAR static __host__ __device__ __forceinline__
#else
#include <math.h>
#include <string.h>
#define CU_SCALAR static inline
#endif

/* ---- bit casts ----------------------------------------------------------- */

CU_SCALAR float cu_f32_from_bits(uint32_t bits) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(bits);
#else
  float value;
  memcpy(&value, &bits, sizeof value);
  return value;
#endif
}

CU_SCALAR uint32_t cu_f32_bits(float value) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(value);
#else
  uint32_t bits;
  memcpy(&bits, &value, sizeof bits);
  return bits;
#endif
}

/* ---- f16 ------------------------------------------------------------------ */

CU_SCALAR float cu_f16_to_f32(uint16_t h) {
  const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1fu;
  uint32_t mantissa = h & 0x3ffu;
  uint32_t bits;
  if (exponent == 0x1fu) {
    bits = sign | 0x7f800000u | (mantissa << 13); /* Inf, NaN with its payload */
  } else if (exponent) {
    bits = sign | ((exponent + 112u) << 23) | (mantissa << 13);
  } else if (!mantissa) {
    bits = sign;
  } else {
    /* Subnormal: mantissa * 2^-24; normalise into an f32 normal. */
    uint32_t e = 113u;
    while (!(mantissa & 0x400u)) {
      mantissa <<= 1;
      --e;
    }
    bits = sign | (e << 23) | ((mantissa & 0x3ffu) << 13);
  }
  return cu_f32_from_bits(bits);
}

/* Round to nearest even, subnormal results included, overflow to Inf. */
CU_SCALAR uint16_t cu_f32_to_f16(float value) {
  const uint32_t x = cu_f32_bits(value);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t ax = x & 0x7fffffffu;
  if (ax >= 0x7f800000u) { /* Inf, or NaN kept quiet with its top payload bits */
    return (uint16_t)(sign | 0x7c00u | (ax > 0x7f800000u ? 0x200u | ((ax >> 13) & 0x3ffu) : 0u));
  }
  if (ax >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u); /* >= 65520 rounds to Inf */
  if (ax >= 0x38800000u) {                                  /* >= 2^-14: a normal f16 */
    const uint32_t rounded = ax + 0xfffu + ((ax >> 13) & 1u);
    return (uint16_t)(sign | ((rounded >> 13) - 0x1c000u));
  }
  /* Below 2^-14: a multiple of 2^-24 (a carry into 0x400 is the smallest
   * normal, encoded correctly by the same bits). */
  const uint32_t e = ax >> 23;
  if (e < 102u) return (uint16_t)sign; /* below 2^-25 (f32 subnormals too) */
  const uint32_t significand = (ax & 0x7fffffu) | 0x800000u;
  const uint32_t shift = 126u - e; /* 14..24 */
  uint32_t q = significand >> shift;
  const uint32_t rest = significand & ((1u << shift) - 1u);
  const uint32_t half = 1u << (shift - 1u);
  if (rest > half || (rest == half && (q & 1u))) ++q;
  return (uint16_t)(sign | q);
}

/* Integers below 65520 in magnitude are exact in f32 (< 2^24), so one
 * rounding to f16 is the only one; from 65520 on the result is Inf. */
CU_SCALAR uint16_t cu_i64_to_f16(int64_t value) {
  const uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
  const uint16_t sign = value < 0 ? (uint16_t)0x8000u : (uint16_t)0;
  if (magnitude >= 65520u) return (uint16_t)(sign | 0x7c00u);
  return (uint16_t)(sign | cu_f32_to_f16((float)magnitude));
}

/* ---- float -> integer ------------------------------------------------------ */

CU_SCALAR int32_t cu_f32_to_i32(float x) {
  if (x != x) return 0;
  if (x >= 2147483648.0f) return INT32_MAX;
  if (x <= -2147483648.0f) return INT32_MIN;
  return (int32_t)x;
}

CU_SCALAR int64_t cu_f32_to_i64(float x) {
  if (x != x) return 0;
  if (x >= 9223372036854775808.0f) return INT64_MAX;
  if (x <= -9223372036854775808.0f) return INT64_MIN;
  return (int64_t)x;
}

CU_SCALAR int32_t cu_i64_to_i32(int64_t x) { return (int32_t)(uint32_t)(uint64_t)x; }

/* ---- integer arithmetic (two's complement, wrapping) ----------------------- */

CU_SCALAR int32_t cu_add_i32(int32_t x, int32_t y) { return (int32_t)((uint32_t)x + (uint32_t)y); }
CU_SCALAR int32_t cu_sub_i32(int32_t x, int32_t y) { return (int32_t)((uint32_t)x - (uint32_t)y); }
CU_SCALAR int32_t cu_mul_i32(int32_t x, int32_t y) { return (int32_t)((uint32_t)x * (uint32_t)y); }
CU_SCALAR int32_t cu_neg_i32(int32_t x) { return (int32_t)(0u - (uint32_t)x); }
CU_SCALAR int32_t cu_abs_i32(int32_t x) { return x < 0 ? cu_neg_i32(x) : x; }
CU_SCALAR int32_t cu_relu_i32(int32_t x) { return x > 0 ? x : 0; }
CU_SCALAR int32_t cu_div_i32(int32_t x, int32_t y) {
  if (y == 0) return 0;
  if (y == -1) return cu_neg_i32(x);
  return x / y;
}

CU_SCALAR int64_t cu_add_i64(int64_t x, int64_t y) { return (int64_t)((uint64_t)x + (uint64_t)y); }
CU_SCALAR int64_t cu_sub_i64(int64_t x, int64_t y) { return (int64_t)((uint64_t)x - (uint64_t)y); }
CU_SCALAR int64_t cu_mul_i64(int64_t x, int64_t y) { return (int64_t)((uint64_t)x * (uint64_t)y); }
CU_SCALAR int64_t cu_neg_i64(int64_t x) { return (int64_t)((uint64_t)0 - (uint64_t)x); }
CU_SCALAR int64_t cu_abs_i64(int64_t x) { return x < 0 ? cu_neg_i64(x) : x; }
CU_SCALAR int64_t cu_relu_i64(int64_t x) { return x > 0 ? x : 0; }
CU_SCALAR int64_t cu_div_i64(int64_t x, int64_t y) {
  if (y == 0) return 0;
  if (y == -1) return cu_neg_i64(x);
  return x / y;
}

/* ---- f32 arithmetic (f16 is computed through these and rounded once) ------- */

CU_SCALAR float cu_add_f32(float x, float y) { return x + y; }
CU_SCALAR float cu_sub_f32(float x, float y) { return x - y; }
CU_SCALAR float cu_mul_f32(float x, float y) { return x * y; }
CU_SCALAR float cu_div_f32(float x, float y) { return x / y; }
CU_SCALAR float cu_neg_f32(float x) { return -x; }
CU_SCALAR float cu_abs_f32(float x) { return cu_f32_from_bits(cu_f32_bits(x) & 0x7fffffffu); }
/* x <= 0 maps -0 to +0 and lets NaN through. */
CU_SCALAR float cu_relu_f32(float x) { return x <= 0.0f ? 0.0f : x; }
CU_SCALAR float cu_exp_f32(float x) { return (float)exp((double)x); }
CU_SCALAR float cu_sigmoid_f32(float x) {
  if (x != x) return x;
  return (float)(1.0 / (1.0 + exp(-(double)x)));
}
CU_SCALAR float cu_tanh_f32(float x) { return (float)tanh((double)x); }

#endif

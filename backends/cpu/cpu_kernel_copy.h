/* cpu_kernel_copy.h - strided copy (Copy, Transpose, broadcast fills) and
 * dtype conversion (Cast).
 *
 * src must be broadcastable to dst (numpy rules; equal dims for Copy/Cast).
 * Transpose is a copy from a view whose strides were permuted by cpu_op.c.
 * Cast: float -> int truncates toward zero, NaN -> 0, out of range
 * saturates; int -> int wraps (two's complement truncation); -> f16 rounds
 * to nearest even, overflow -> +-Inf. Always returns OK. */
#ifndef XHAL_CPU_KERNEL_COPY_H
#define XHAL_CPU_KERNEL_COPY_H

#include <stdint.h>

#include "cpu_kernel_iter.h"

/* Cast's float -> integer rule, for a float type FT and an integer type IT
 * with range [IMIN, IMAX] (LIMIT = IMAX + 1, a power of two exact in FT):
 * NaN -> 0, values at or past either end (+-Inf included) saturate, the
 * others truncate toward zero. Pow with an integer base and a float
 * exponent converts its double result with the same rule. */
#define CPU_FLOAT_TO_INT(FT, IT, IMIN, IMAX, LIMIT, x)                                             \
  ((x) != (x)              ? (IT)0                                                                 \
   : (x) >= (FT)(LIMIT)    ? (IT)(IMAX)                                                            \
   : (x) <= -(FT)(LIMIT)   ? (IT)(IMIN)                                                            \
                           : (IT)(x))

static inline int32_t cpu_f32_to_i32(float x) {
  return CPU_FLOAT_TO_INT(float, int32_t, INT32_MIN, INT32_MAX, 2147483648.0, x);
}

static inline int64_t cpu_f32_to_i64(float x) {
  return CPU_FLOAT_TO_INT(float, int64_t, INT64_MIN, INT64_MAX, 9223372036854775808.0, x);
}

static inline int32_t cpu_f64_to_i32(double x) {
  return CPU_FLOAT_TO_INT(double, int32_t, INT32_MIN, INT32_MAX, 2147483648.0, x);
}

static inline int64_t cpu_f64_to_i64(double x) {
  return CPU_FLOAT_TO_INT(double, int64_t, INT64_MIN, INT64_MAX, 9223372036854775808.0, x);
}

/* dst and src have the same dtype, any xhal dtype (copied by element size). */
int32_t cpu_kernel_copy(const cpu_view_t *dst, const cpu_view_t *src);

/* Any pair of f32, f16, i32, i64. */
int32_t cpu_kernel_cast(const cpu_view_t *dst, const cpu_view_t *src);

#endif

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

#include "cpu_kernel_iter.h"

/* dst and src have the same dtype, any xhal dtype (copied by element size). */
int32_t cpu_kernel_copy(const cpu_view_t *dst, const cpu_view_t *src);

/* Any pair of f32, f16, i32, i64. */
int32_t cpu_kernel_cast(const cpu_view_t *dst, const cpu_view_t *src);

#endif

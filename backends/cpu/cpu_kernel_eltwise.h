/* cpu_kernel_eltwise.h - unary and broadcasting binary elementwise kernels.
 *
 * Views are validated by cpu_op.c: same dtype everywhere (f32, f16, i32,
 * i64), inputs broadcastable to dst. dst may be the very same view as an
 * input. Integer arithmetic wraps (two's complement); integer division
 * truncates, x/0 = 0 and MIN/-1 = MIN. f16 is computed in f32 and rounded
 * to nearest even. Run on the calling thread (plus an OpenMP team). */
#ifndef XHAL_CPU_KERNEL_ELTWISE_H
#define XHAL_CPU_KERNEL_ELTWISE_H

#include "cpu_kernel_iter.h"

/* op: XHAL_OP_NEG, ABS, EXP, RELU, SIGMOID or TANH. Returns OK, or
 * INTERNAL for an op/dtype pair cpu_op.c should have refused. */
int32_t cpu_kernel_unary(uint32_t op, const cpu_view_t *dst, const cpu_view_t *src);

/* op: XHAL_OP_ADD, SUB, MUL or DIV. */
int32_t cpu_kernel_binary(uint32_t op, const cpu_view_t *dst, const cpu_view_t *a,
                          const cpu_view_t *b);

#endif

/* cpu_kernel_pool.h - MaxPool, AveragePool, GlobalMaxPool and
 * GlobalAveragePool (NCHW, 1 to 3 spatial dims), direct kernels split over
 * (image, channel, output row) across threads.
 *
 * Max: NaN anywhere in a window gives NaN; a window with no tap inside X
 * (possible only with dilations) gives -Inf. Average: the sum (f32) of the
 * taps inside X divided by their count, or with count_include_pad by the
 * window clipped to the padded input. f16 is computed in f32 and rounded
 * once. MaxPool also takes u8 (exact in f32; an empty window gives 0,
 * u8's lowest value, so padding never wins). MaxPool's optional Indices (i64, Y's dims) gets the flat position
 * in X (n, c, spatial; spatial dims row-major, or column-major with
 * storage_order 1) of the first maximum in window order, or of the first
 * NaN; -1 for a window with no tap inside X. Always returns OK. */
#ifndef XHAL_CPU_KERNEL_POOL_H
#define XHAL_CPU_KERNEL_POOL_H

#include "../common/xhal_op_check.h"
#include "cpu_kernel_iter.h"

/* op: XHAL_OP_MAX_POOL, _AVERAGE_POOL, _GLOBAL_MAX_POOL or
 * _GLOBAL_AVERAGE_POOL; g the validated geometry (xop_check); indices
 * MaxPool's second output or NULL. */
int32_t cpu_kernel_pool(uint32_t op, const cpu_view_t *y, const cpu_view_t *x,
                        const xop_conv_t *g, const cpu_view_t *indices);

#endif

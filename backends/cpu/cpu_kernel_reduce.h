/* cpu_kernel_reduce.h - ReduceSum and ReduceMean.
 *
 * Float sums accumulate in f64 and are rounded to f32 (then to f16). Integer
 * sums wrap in the tensor's type; an integer mean is that sum divided by
 * the count, truncated toward zero. An empty reduction gives 0, except a
 * float mean, which gives NaN. Returns OK or OUT_OF_MEMORY. */
#ifndef XHAL_CPU_KERNEL_REDUCE_H
#define XHAL_CPU_KERNEL_REDUCE_H

#include "cpu_kernel_iter.h"

/* axes: bit k set when input dim k is reduced. y has x's rank with 1 on
 * reduced dims (keepdims) or drops them; x and y share a dtype. */
int32_t cpu_kernel_reduce(const cpu_view_t *y, const cpu_view_t *x, uint32_t axes, int keepdims,
                          int mean);

#endif

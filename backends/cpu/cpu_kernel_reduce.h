/* cpu_kernel_reduce.h - ReduceSum, ReduceMean, ReduceMax, ReduceMin and
 * ReduceProd.
 *
 * Float sums and products accumulate in f64 and are rounded to f32 (then
 * to f16). Integer sums and products wrap in the tensor's type; an integer
 * mean is the sum divided by the count, truncated toward zero. Max/Min are
 * exact, follow IEEE 754-2019 maximum/minimum (a NaN wins, +0 > -0). An
 * empty reduction gives the identity: Sum 0, Prod 1, Max -Inf (integers:
 * the dtype's minimum), Min +Inf (the maximum); a float mean gives NaN.
 * Returns OK or OUT_OF_MEMORY. */
#ifndef XHAL_CPU_KERNEL_REDUCE_H
#define XHAL_CPU_KERNEL_REDUCE_H

#include "cpu_kernel_iter.h"

typedef enum cpu_reduce_kind {
  CPU_REDUCE_SUM = 0,
  CPU_REDUCE_MEAN,
  CPU_REDUCE_MAX,
  CPU_REDUCE_MIN,
  CPU_REDUCE_PROD,
} cpu_reduce_kind_t;

/* axes: bit k set when input dim k is reduced. y has x's rank with 1 on
 * reduced dims (keepdims) or drops them; x and y share a dtype. */
int32_t cpu_kernel_reduce(const cpu_view_t *y, const cpu_view_t *x, uint32_t axes, int keepdims,
                          cpu_reduce_kind_t kind);

#endif

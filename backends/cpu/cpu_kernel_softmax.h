/* cpu_kernel_softmax.h - Softmax and LogSoftmax (opset 13: along one axis).
 *
 * y = exp(x - max) / sum(exp(x - max)) along axis (LogSoftmax: y = (x - max)
 * - log(sum(exp(x - max)))), computed in f32 with the sum accumulated in
 * f64; f16 is rounded from the f32 result. A NaN in a slice makes the whole
 * slice NaN. x and y have the same dims (f32 or f16); axis is already in
 * [0, rank). Returns OK or OUT_OF_MEMORY. */
#ifndef XHAL_CPU_KERNEL_SOFTMAX_H
#define XHAL_CPU_KERNEL_SOFTMAX_H

#include "cpu_kernel_iter.h"

int32_t cpu_kernel_softmax(const cpu_view_t *y, const cpu_view_t *x, int axis, int log_softmax);

#endif

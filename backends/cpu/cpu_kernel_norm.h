/* cpu_kernel_norm.h - BatchNormalization (inference), LayerNormalization,
 * InstanceNormalization, ArgMax and ArgMin.
 *
 * Normalisations: the dims in row_axes form a row, the others index rows.
 * Every tensor has x's rank and dims (broadcast dims with stride 0). With
 * mean and var NULL a row's mean and (biased) variance are computed in f64
 * from its elements; otherwise they are read from mean/var (BatchNorm).
 * y = (x - mean) / sqrt(var + epsilon) * scale + bias, computed in f64 and
 * rounded once to y's dtype (f32 or f16); bias may be NULL (0). mean_out
 * and inv_out (LayerNormalization's Mean and InvStdDev, f32, x's dims with
 * stride 0 along row_axes), when not NULL, receive each row's mean and
 * 1 / sqrt(var + epsilon) rounded once (rows are not empty then). Returns OK
 * or OUT_OF_MEMORY. */
#ifndef XHAL_CPU_KERNEL_NORM_H
#define XHAL_CPU_KERNEL_NORM_H

#include "cpu_kernel_iter.h"

int32_t cpu_kernel_norm(const cpu_view_t *y, const cpu_view_t *x, const cpu_view_t *scale,
                        const cpu_view_t *bias, const cpu_view_t *mean, const cpu_view_t *var,
                        const cpu_view_t *mean_out, const cpu_view_t *inv_out, uint32_t row_axes,
                        double epsilon);

/* ArgMax (is_min 0) / ArgMin (1) along axis of x (f32, f16, i32, i64) into
 * the i64 y, seen with x's rank (extent 1 at axis). Ties give the first
 * index, or the last with select_last. A NaN is greater than every number
 * for ArgMax and less than every number for ArgMin (so a slice with a NaN
 * gives the first, or last, NaN); -0 and +0 tie. x's extent along axis
 * is > 0 where y is not empty. */
int32_t cpu_kernel_arg(const cpu_view_t *y, const cpu_view_t *x, int axis, int is_min,
                       int select_last);

#endif

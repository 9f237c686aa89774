/* cpu_kernel_gather.h - Gather, Pad, Shape, ConstantOfShape and Range on the
 * CPU (the views and parameters come from xop_check; see
 * backends/common/xhal_op_check_gather.h for what they hold). Every kernel
 * handles any strides and empty outputs and returns OK. */
#ifndef XHAL_CPU_KERNEL_GATHER_H
#define XHAL_CPU_KERNEL_GATHER_H

#include "../common/xhal_op_check_gather.h"
#include "cpu_kernel_iter.h"

/* data and indices have out's rank (stride 0 where they do not vary);
 * element c is data[c + v * stride], v = indices[c] wrapped once, or zero
 * bits when v is outside [-extent, extent). Any data dtype. */
int32_t cpu_kernel_gather(const cpu_view_t *out, const cpu_view_t *data,
                          const cpu_view_t *indices, int64_t extent, int64_t stride);

/* in is the cropped input; g->begin, g->pad_mode and the value. */
int32_t cpu_kernel_pad(const cpu_view_t *out, const cpu_view_t *in, const xop_gather_params_t *g);

/* out[i] = in_dims[start + i] (i64). */
int32_t cpu_kernel_shape(const cpu_view_t *out, const int64_t *in_dims, int64_t start);

/* Every element of out = the element bits (xop_gather_value_bits). */
int32_t cpu_kernel_fill(const cpu_view_t *out, uint64_t bits);

/* out[i] = start + i * delta (f32: one rounding, fmaf; integers wrap). */
int32_t cpu_kernel_range(const cpu_view_t *out, const cpu_view_t *start, const cpu_view_t *delta);

/* Resize (cpu_kernel_resize.c): out from in by the tables of
 * xop_resize_table. nearest: any dtype, element bits copied; linear and
 * cubic: f32, f16, i32, i64, u8 computed in f32 (integers rounded to
 * nearest even and saturated). */
int32_t cpu_kernel_resize(const cpu_view_t *out, const cpu_view_t *in,
                          const xop_gather_params_t *g);

#endif

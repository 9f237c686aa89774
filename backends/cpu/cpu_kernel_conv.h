/* cpu_kernel_conv.h - Conv and ConvTranspose (NCHW, 1 to 3 spatial dims).
 *
 * Conv: a depthwise-style group (one input channel per group, any channel
 * multiplier) runs a direct kernel; everything else is im2col (skipped for
 * a 1x1 stride-1 unpadded f32 conv whose input is already a matrix) and the
 * backend's sgemm (cpu_sgemm_plain: oneDNN, OpenBLAS or a portable loop),
 * per image, group and column tile: each kernel thread builds its tiles'
 * im2col rows in its own scratch, multiplies them on its own thread straight
 * into y (a packed f32 W is read in place) and adds the bias in cache.
 * ConvTranspose: sgemm W^T * X per image and group, then col2im.
 * f16 is converted to f32, computed, and rounded once. Padding is zero
 * padding: a padded tap adds 0 * w (NaN for an infinite weight), as the
 * im2col product does. Views may have any strides. Returns OK or
 * OUT_OF_MEMORY (scratch) with a message. */
#ifndef XHAL_CPU_KERNEL_CONV_H
#define XHAL_CPU_KERNEL_CONV_H

#include "../common/xhal_op_check.h"
#include "cpu_kernel_f16.h"
#include "cpu_kernel_iter.h"

/* The geometry of a launch on 3 spatial dims (fewer are padded at the
 * front with unit dims): extents, window and strides of x, y and w in
 * elements (index 0 batch / w dim 0, 1 channel / w dim 1, 2..4 spatial). */
typedef struct cpu_conv_geom {
  int64_t n, c, m;
  int64_t in[3], out[3], k[3], s[3], d[3], p[3], pe[3];
  int64_t xs[5], ys[5], ws[5];
  int64_t is[5]; /* MaxPool's Indices (cpu_kernel_pool.c) */
} cpu_conv_geom_t;

void cpu_conv_geom_init(cpu_conv_geom_t *q, const cpu_view_t *y, const cpu_view_t *x,
                        const cpu_view_t *w, const xop_conv_t *g);

/* Element i of a f32 or f16 array, as f32; and the store with rounding. */
static inline float cpu_conv_load(const char *data, uint32_t dtype, int64_t i) {
  if (dtype == XHAL_DTYPE_F32) return ((const float *)(const void *)data)[i];
  return cpu_f16_to_f32(((const uint16_t *)(const void *)data)[i]);
}

static inline void cpu_conv_store(char *data, uint32_t dtype, int64_t i, float v) {
  if (dtype == XHAL_DTYPE_F32)
    ((float *)(void *)data)[i] = v;
  else
    ((uint16_t *)(void *)data)[i] = cpu_f32_to_f16(v);
}

/* y (N, M, O...) = conv(x (N, C, D...), w (M, C/group, k...)) + b; b may be
 * NULL. g is the validated geometry (xop_check). */
int32_t cpu_kernel_conv(const cpu_view_t *y, const cpu_view_t *x, const cpu_view_t *w,
                        const cpu_view_t *b, const xop_conv_t *g);

/* y (N, M, O...) = conv_transpose(x (N, C, D...), w (C, M/group, k...)) + b. */
int32_t cpu_kernel_conv_transpose(const cpu_view_t *y, const cpu_view_t *x, const cpu_view_t *w,
                                  const cpu_view_t *b, const xop_conv_t *g);

#endif

/* cpu_kernel_vmath.h - transcendental functions over contiguous f32 arrays.
 *
 * Scalar libm expf/tanhf run far below memory bandwidth, so these are
 * branch-free loops that gcc vectorises (with an AVX2 clone chosen at run
 * time on x86-64). exp, tanh and sigmoid are computed in f64 and rounded
 * once: within 0.5 ULP plus a hair, subnormals included. dst may equal src;
 * NaN in gives NaN out. */
#ifndef XHAL_CPU_KERNEL_VMATH_H
#define XHAL_CPU_KERNEL_VMATH_H

#include <stdint.h>

void cpu_vmath_exp(float *dst, const float *src, int64_t n);
void cpu_vmath_tanh(float *dst, const float *src, int64_t n);

/* 1 / (1 + exp(-x)), accurate in the small negative tail too. */
void cpu_vmath_sigmoid(float *dst, const float *src, int64_t n);

/* exp for x <= 0 (or NaN), as Softmax needs after subtracting the max:
 * about 1 ULP, results below FLT_MIN flushed to 0, several times faster
 * than cpu_vmath_exp. */
void cpu_vmath_exp_nonpos(float *dst, const float *src, int64_t n);

#endif

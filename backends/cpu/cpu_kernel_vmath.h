/* cpu_kernel_vmath.h - transcendental functions over contiguous f32 arrays.
 *
 * Scalar expf/tanhf run far below memory bandwidth, so on x86-64 glibc these
 * use glibc's vector math library (libmvec, AVX2, the same ULP bounds as
 * libm) when the CPU has AVX2, and libm otherwise. dst may equal src. */
#ifndef XHAL_CPU_KERNEL_VMATH_H
#define XHAL_CPU_KERNEL_VMATH_H

#include <stdint.h>

void cpu_vmath_exp(float *dst, const float *src, int64_t n);
void cpu_vmath_tanh(float *dst, const float *src, int64_t n);

/* 1 / (1 + exp(-x)), accurate for large |x| (no spurious 0 or 1 rounding of
 * the small tail). */
void cpu_vmath_sigmoid(float *dst, const float *src, int64_t n);

#endif

/* cpu_kernel_matmul.h - MatMul and Gemm.
 *
 * f32 goes to oneDNN dnnl_sgemm (XHAL_CPU_HAVE_DNNL) or else OpenBLAS
 * cblas_sgemm (XHAL_CPU_HAVE_BLAS) straight on the
 * caller's memory whenever each matrix has a unit stride in one dim, else
 * through a packed copy; without BLAS a blocked C loop runs. f16 is
 * converted to f32, multiplied with sgemm and rounded back. i32/i64 wrap.
 * Returns OK or OUT_OF_MEMORY (scratch) with a message. */
#ifndef XHAL_CPU_KERNEL_MATMUL_H
#define XHAL_CPU_KERNEL_MATMUL_H

#include "cpu_kernel_iter.h"

/* All three views have the same rank R >= 2 (cpu_op.c promotes 1-D inputs
 * and aligns batch dims): a is (..., M, K), b is (..., K, N), y is
 * (..., M, N); the batch dims of a and b equal y's, broadcast ones having
 * stride 0. */
int32_t cpu_kernel_matmul(const cpu_view_t *y, const cpu_view_t *a, const cpu_view_t *b);

/* y (M, N) = alpha * a (M, K) * b (K, N) + beta * c, where a and b are
 * already op(A) and op(B) (transposes folded into their strides) and c is
 * NULL or a (M, N) view with stride 0 on broadcast dims. beta == 0 ignores c.
 * For i32/i64, alpha and beta are integral (checked by cpu_op.c). */
int32_t cpu_kernel_gemm(const cpu_view_t *y, const cpu_view_t *a, const cpu_view_t *b,
                        const cpu_view_t *c, double alpha, double beta);

#endif

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

/* c (m, n) = a (m, k) * b (k, n) in f32, all three row-major with unit
 * column strides and leading dims ld >= their column counts (a kernel's own
 * packed tiles: no validation, no scratch). threads == 1 runs on the
 * calling thread, which may be one of several kernel threads doing this at
 * once when cpu_sgemm_concurrent() says so (Conv's tiles, cpu_kernel_conv.c);
 * more threads let the library (or the portable loop) split the product. */
void cpu_sgemm_plain(int threads, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
                     const float *b, int64_t ldb, float *c, int64_t ldc);

/* 1 when cpu_sgemm_plain(1, ...) may run on several kernel threads at once
 * (oneDNN, the portable loop); 0 with OpenBLAS, whose pthreads build is
 * not meant to be entered from several OpenMP threads at once: call it from
 * one thread with all threads. */
int cpu_sgemm_concurrent(void);

#endif

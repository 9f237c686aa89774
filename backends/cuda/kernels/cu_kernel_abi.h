/* cu_kernel_abi.h - the contract between the CUDA backend's host code (C11)
 * and its operator kernels (CUDA C++, compiled offline by nvcc).
 *
 * Included by both sides, so it is plain C with fixed-width types only and
 * every struct laid out without implicit padding. Each kernel takes exactly
 * one of these structs by value (CUDA copies it into the kernel's parameter
 * space; every struct stays far below the 4 KiB parameter limit).
 *
 * Kernel names are stable: `xhal_cu_<op>_<dtype>` with C linkage. The lists
 * below are the single source of truth for them; the host builds its
 * name table from them and the .cu files define one kernel per entry, so a
 * kernel missing from either side fails to compile or to be found. */
#ifndef XHAL_CU_KERNEL_ABI_H
#define XHAL_CU_KERNEL_ABI_H

#include <stdint.h>

#define CU_K_MAX_RANK 8
#define CU_K_MAX_OPERANDS 3

/* Threads per block of every operator kernel. */
#define CU_K_BLOCK 256

/* Elementwise ops, copies and casts: operand 0 is the output, 1 and 2 the
 * inputs, already broadcast to the output's dims (stride 0 where an input
 * repeats). Element i (row-major over dims) of operand j lives at
 * ptr[j] + esize_j * sum_k(coord_k * strides[j][k]). */
typedef struct cu_k_eltwise_args {
  int64_t count; /* elements of the output, > 0 */
  int32_t rank;  /* 1..CU_K_MAX_RANK (the host merges dims; rank 0 becomes 1) */
  int32_t small; /* 1 if count < 2^31, so 32-bit index arithmetic is exact */
  int64_t dims[CU_K_MAX_RANK];
  uint64_t ptr[CU_K_MAX_OPERANDS]; /* CUdeviceptr of element (0, ..., 0) */
  int64_t strides[CU_K_MAX_OPERANDS][CU_K_MAX_RANK];
} cu_k_eltwise_args_t;

/* MatMul and Gemm: y[b](m, n) = alpha * sum_k a[b](m, k) * b[b](k, n)
 * (+ beta * c(m, n) when c != 0), batch index b over batch_dims. */
#define CU_K_MAX_BATCH_RANK (CU_K_MAX_RANK - 2)
#define CU_K_MM_TILE_M 64
#define CU_K_MM_TILE_N 64
#define CU_K_MM_TILE_K 16

typedef struct cu_k_matmul_args {
  uint64_t y, a, b, c; /* c is 0 when there is no C term */
  int64_t m, n, k;
  int64_t y_rs, y_cs, a_rs, a_cs, b_rs, b_cs, c_rs, c_cs; /* row/column strides */
  int64_t batches;                                        /* product of batch_dims */
  int32_t batch_rank;                                     /* 0..CU_K_MAX_BATCH_RANK */
  int32_t has_c;
  int64_t batch_dims[CU_K_MAX_BATCH_RANK];
  int64_t batch_strides[3][CU_K_MAX_BATCH_RANK]; /* y, a, b */
  double alpha, beta;          /* float dtypes (rounded to f32 in the kernel) */
  int64_t int_alpha, int_beta; /* integer dtypes (wrapping arithmetic) */
} cu_k_matmul_args_t;

/* Softmax over one axis: `slices` independent slices of axis_len elements.
 * Slice s has coordinates (row-major over outer_dims) and starts at
 * sum(coord * outer_strides[j]); its elements are axis_strides[j] apart.
 * group threads (32 or CU_K_BLOCK) work on one slice. */
typedef struct cu_k_softmax_args {
  uint64_t ptr[2]; /* output, input */
  int64_t slices;
  int64_t axis_len;
  int64_t axis_strides[2];
  int32_t outer_rank; /* 0..CU_K_MAX_RANK - 1 */
  int32_t group;
  int64_t outer_dims[CU_K_MAX_RANK];
  int64_t outer_strides[2][CU_K_MAX_RANK];
} cu_k_softmax_args_t;

/* ReduceSum / ReduceMean: output element o (row-major over kept_dims) is the
 * sum over the reduced coordinates (row-major over red_dims) of the input.
 * group threads (32 or CU_K_BLOCK) work on one output element. */
typedef struct cu_k_reduce_args {
  uint64_t ptr[2]; /* output, input */
  int64_t outputs;
  int64_t len; /* reduced elements per output (may be 0) */
  int32_t kept_rank, red_rank;
  int32_t mean;
  int32_t group;
  int64_t kept_dims[CU_K_MAX_RANK];
  int64_t kept_strides[2][CU_K_MAX_RANK]; /* output, input */
  int64_t red_dims[CU_K_MAX_RANK];
  int64_t red_strides[CU_K_MAX_RANK]; /* input */
} cu_k_reduce_args_t;

/* ---- Kernel lists -----------------------------------------------------------
 * X(op, dtype) names the kernel xhal_cu_<op>_<dtype>. Copy works on raw
 * element sizes (b1 b2 b4 b8: 1, 2, 4, 8 bytes), so it serves every dtype
 * and Transpose. Cast is X(from, to): xhal_cu_cast_<from>_to_<to>. */
#define CU_K_COPY_LIST(X) X(copy, b1) X(copy, b2) X(copy, b4) X(copy, b8)

#define CU_K_BINARY_LIST(X)                                                                        \
  X(add, f32) X(add, f16) X(add, i32) X(add, i64)                                                  \
  X(sub, f32) X(sub, f16) X(sub, i32) X(sub, i64)                                                  \
  X(mul, f32) X(mul, f16) X(mul, i32) X(mul, i64)                                                  \
  X(div, f32) X(div, f16) X(div, i32) X(div, i64)

#define CU_K_UNARY_LIST(X)                                                                         \
  X(neg, f32) X(neg, f16) X(neg, i32) X(neg, i64)                                                  \
  X(abs, f32) X(abs, f16) X(abs, i32) X(abs, i64)                                                  \
  X(relu, f32) X(relu, f16) X(relu, i32) X(relu, i64)                                              \
  X(exp, f32) X(exp, f16)                                                                          \
  X(sigmoid, f32) X(sigmoid, f16)                                                                  \
  X(tanh, f32) X(tanh, f16)

#define CU_K_CAST_LIST(X)                                                                          \
  X(f32, f32) X(f32, f16) X(f32, i32) X(f32, i64)                                                  \
  X(f16, f32) X(f16, f16) X(f16, i32) X(f16, i64)                                                  \
  X(i32, f32) X(i32, f16) X(i32, i32) X(i32, i64)                                                  \
  X(i64, f32) X(i64, f16) X(i64, i32) X(i64, i64)

#define CU_K_MATMUL_LIST(X) X(matmul, f32) X(matmul, f16) X(matmul, i32) X(matmul, i64)
#define CU_K_SOFTMAX_LIST(X) X(softmax, f32) X(softmax, f16)
#define CU_K_REDUCE_LIST(X) X(reduce, f32) X(reduce, f16) X(reduce, i32) X(reduce, i64)

#endif

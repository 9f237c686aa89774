/* cu_common.cuh - dtype traits, view addressing and group reductions shared
 * by the operator kernels (CUDA C++, device code only). */
#ifndef XHAL_CU_COMMON_CUH
#define XHAL_CU_COMMON_CUH

#include <stdint.h>

#include "cu_kernel_abi.h"
#include "cu_scalar.h"

#define CU_DEVICE static __device__ __forceinline__

/* ---- dtypes ----------------------------------------------------------------
 * storage: what a tensor holds; compute: what arithmetic runs in (f16 in
 * f32). load/store convert between the two. */
struct cu_f32 {
  typedef float storage;
  typedef float compute;
  CU_DEVICE compute load(storage v) { return v; }
  CU_DEVICE storage store(compute v) { return v; }
};
struct cu_f16 {
  typedef uint16_t storage;
  typedef float compute;
  CU_DEVICE compute load(storage v) { return cu_f16_to_f32(v); }
  CU_DEVICE storage store(compute v) { return cu_f32_to_f16(v); }
};
struct cu_i32 {
  typedef int32_t storage;
  typedef int32_t compute;
  CU_DEVICE compute load(storage v) { return v; }
  CU_DEVICE storage store(compute v) { return v; }
};
struct cu_i64 {
  typedef int64_t storage;
  typedef int64_t compute;
  CU_DEVICE compute load(storage v) { return v; }
  CU_DEVICE storage store(compute v) { return v; }
};
/* Raw element sizes for Copy and Transpose. */
struct cu_b1 { typedef uint8_t storage; };
struct cu_b2 { typedef uint16_t storage; };
struct cu_b4 { typedef uint32_t storage; };
struct cu_b8 { typedef uint64_t storage; };

template <typename T>
CU_DEVICE T *cu_ptr(uint64_t address) {
  return reinterpret_cast<T *>(static_cast<uintptr_t>(address));
}

/* ---- addressing ------------------------------------------------------------ */

/* Element offsets (in elements) of linear index i in each of N operands.
 * Rank 1 (the common case after the host merged dims) needs no division;
 * otherwise 32-bit division when the index space allows it. */
template <int N>
CU_DEVICE void cu_eltwise_offsets(const cu_k_eltwise_args_t &a, int64_t i, int64_t *off) {
  if (a.rank == 1) {
#pragma unroll
    for (int j = 0; j < N; ++j) off[j] = i * a.strides[j][0];
    return;
  }
#pragma unroll
  for (int j = 0; j < N; ++j) off[j] = 0;
  if (a.small) {
    uint32_t rest = (uint32_t)i;
    for (int k = a.rank - 1; k >= 0; --k) {
      const uint32_t d = (uint32_t)a.dims[k];
      const uint32_t c = rest % d;
      rest /= d;
#pragma unroll
      for (int j = 0; j < N; ++j) off[j] += (int64_t)c * a.strides[j][k];
    }
  } else {
    int64_t rest = i;
    for (int k = a.rank - 1; k >= 0; --k) {
      const int64_t d = a.dims[k];
      const int64_t c = rest % d;
      rest /= d;
#pragma unroll
      for (int j = 0; j < N; ++j) off[j] += c * a.strides[j][k];
    }
  }
}

/* Offsets of linear index i over dims[rank] in `sets` stride sets. */
template <int SETS, int WIDTH>
CU_DEVICE void cu_coord_offsets(int64_t i, int rank, const int64_t *dims,
                                const int64_t (*strides)[WIDTH], int64_t *off) {
#pragma unroll
  for (int j = 0; j < SETS; ++j) off[j] = 0;
  for (int k = rank - 1; k >= 0; --k) {
    const int64_t d = dims[k];
    const int64_t c = i % d;
    i /= d;
#pragma unroll
    for (int j = 0; j < SETS; ++j) off[j] += c * strides[j][k];
  }
}

/* Grid-stride loop over every linear index of an elementwise launch. */
#define CU_GRID_LOOP(i, count)                                                                     \
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < (count);                    \
       i += (int64_t)gridDim.x * blockDim.x)

/* ---- group reductions -------------------------------------------------------
 * The block (CU_K_BLOCK threads) is split into groups of `group` threads
 * (a power of two, 32 or CU_K_BLOCK); each group combines its values and
 * every member gets the result. Every thread of the block must call it the
 * same number of times (it uses block barriers). */
struct cu_plus {
  template <typename T>
  CU_DEVICE T apply(T x, T y) { return x + y; }
};
struct cu_max {
  CU_DEVICE double apply(double x, double y) { return fmax(x, y); }
};

template <typename Combine, typename T>
CU_DEVICE T cu_group_reduce(T value, T *shared, int group) {
  const int t = threadIdx.x;
  const int lane = t & (group - 1);
  shared[t] = value;
  __syncthreads();
  for (int s = group >> 1; s > 0; s >>= 1) {
    if (lane < s) shared[t] = Combine::apply(shared[t], shared[t + s]);
    __syncthreads();
  }
  const T result = shared[t - lane];
  __syncthreads(); /* the next call may overwrite shared */
  return result;
}

#endif

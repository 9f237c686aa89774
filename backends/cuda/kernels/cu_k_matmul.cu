/* cu_k_matmul.cu - MatMul and Gemm: a tiled shared-memory product.
 *
 * A block of CU_K_BLOCK threads (16 x 16) computes a 64 x 64 tile of y,
 * each thread a 4 x 4 sub-tile spread 16 rows/columns apart, stepping
 * through K 16 at a time with the A and B panels staged in shared memory.
 * Operands may have any strides (transposes and broadcast batch dims are
 * folded into them by the host). f16 is loaded into f32 and accumulated
 * in f32; i32/i64 accumulate in wrapping unsigned arithmetic. Grid x/y/z
 * walk tiles of n, tiles of m and batches; each loops when the problem has
 * more than the grid. */
#include "cu_common.cuh"

/* Accumulator type and conversion per dtype. */
template <typename D> struct cu_mm;
template <> struct cu_mm<cu_f32> {
  typedef float acc;
  CU_DEVICE acc from(float v) { return v; }
};
template <> struct cu_mm<cu_f16> {
  typedef float acc;
  CU_DEVICE acc from(uint16_t v) { return cu_f16_to_f32(v); }
};
template <> struct cu_mm<cu_i32> {
  typedef uint32_t acc;
  CU_DEVICE acc from(int32_t v) { return (uint32_t)v; }
};
template <> struct cu_mm<cu_i64> {
  typedef uint64_t acc;
  CU_DEVICE acc from(int64_t v) { return (uint64_t)v; }
};

/* y = alpha * acc (+ beta * c): floats round alpha and beta to f32 as the
 * f32 GEMM does; integers wrap. */
CU_DEVICE float cu_mm_finish(const cu_k_matmul_args_t &p, float acc, float c) {
  const float v = (float)p.alpha * acc;
  return p.has_c ? v + (float)p.beta * c : v;
}
CU_DEVICE uint32_t cu_mm_finish(const cu_k_matmul_args_t &p, uint32_t acc, uint32_t c) {
  const uint32_t v = (uint32_t)(uint64_t)p.int_alpha * acc;
  return p.has_c ? v + (uint32_t)(uint64_t)p.int_beta * c : v;
}
CU_DEVICE uint64_t cu_mm_finish(const cu_k_matmul_args_t &p, uint64_t acc, uint64_t c) {
  const uint64_t v = (uint64_t)p.int_alpha * acc;
  return p.has_c ? v + (uint64_t)p.int_beta * c : v;
}

CU_DEVICE float cu_mm_store(cu_f32, float v) { return v; }
CU_DEVICE uint16_t cu_mm_store(cu_f16, float v) { return cu_f32_to_f16(v); }
CU_DEVICE int32_t cu_mm_store(cu_i32, uint32_t v) { return (int32_t)v; }
CU_DEVICE int64_t cu_mm_store(cu_i64, uint64_t v) { return (int64_t)v; }

template <typename D>
CU_DEVICE void cu_matmul(const cu_k_matmul_args_t &p) {
  typedef typename D::storage S;
  typedef typename cu_mm<D>::acc A;
  enum { TM = CU_K_MM_TILE_M, TN = CU_K_MM_TILE_N, TK = CU_K_MM_TILE_K, SUB = 4, SIDE = 16 };
  /* +1 column: the A panel is written k-fastest, so rows 64 apart would
   * share a bank. */
  __shared__ A as[TK][TM + 1];
  __shared__ A bs[TK][TN];
  const int tid = threadIdx.x, tx = tid % SIDE, ty = tid / SIDE;
  const int64_t tiles_m = (p.m + TM - 1) / TM, tiles_n = (p.n + TN - 1) / TN;
  const S *a_base = cu_ptr<const S>(p.a);
  const S *b_base = cu_ptr<const S>(p.b);
  const S *c_base = cu_ptr<const S>(p.c);
  S *y_base = cu_ptr<S>(p.y);

  for (int64_t batch = blockIdx.z; batch < p.batches; batch += gridDim.z) {
    int64_t off[3];
    cu_coord_offsets<3>(batch, p.batch_rank, p.batch_dims, p.batch_strides, off);
    const S *a = a_base + off[1];
    const S *b = b_base + off[2];
    S *y = y_base + off[0];
    for (int64_t tm = blockIdx.y; tm < tiles_m; tm += gridDim.y) {
      for (int64_t tn = blockIdx.x; tn < tiles_n; tn += gridDim.x) {
        const int64_t row0 = tm * TM, col0 = tn * TN;
        A acc[SUB][SUB];
#pragma unroll
        for (int i = 0; i < SUB; ++i)
#pragma unroll
          for (int j = 0; j < SUB; ++j) acc[i][j] = A(0);
        for (int64_t k0 = 0; k0 < p.k; k0 += TK) {
#pragma unroll
          for (int q = 0; q < TM * TK / CU_K_BLOCK; ++q) {
            const int l = tid + CU_K_BLOCK * q, kk = l % TK, r = l / TK;
            const int64_t gr = row0 + r, gk = k0 + kk;
            as[kk][r] = gr < p.m && gk < p.k ? cu_mm<D>::from(a[gr * p.a_rs + gk * p.a_cs]) : A(0);
          }
#pragma unroll
          for (int q = 0; q < TN * TK / CU_K_BLOCK; ++q) {
            const int l = tid + CU_K_BLOCK * q, c = l % TN, kk = l / TN;
            const int64_t gc = col0 + c, gk = k0 + kk;
            bs[kk][c] = gc < p.n && gk < p.k ? cu_mm<D>::from(b[gk * p.b_rs + gc * p.b_cs]) : A(0);
          }
          __syncthreads();
#pragma unroll
          for (int kk = 0; kk < TK; ++kk) {
            A af[SUB], bf[SUB];
#pragma unroll
            for (int i = 0; i < SUB; ++i) af[i] = as[kk][ty + SIDE * i];
#pragma unroll
            for (int j = 0; j < SUB; ++j) bf[j] = bs[kk][tx + SIDE * j];
#pragma unroll
            for (int i = 0; i < SUB; ++i)
#pragma unroll
              for (int j = 0; j < SUB; ++j) acc[i][j] += af[i] * bf[j];
          }
          __syncthreads();
        }
#pragma unroll
        for (int i = 0; i < SUB; ++i) {
          const int64_t r = row0 + ty + SIDE * i;
          if (r >= p.m) continue;
#pragma unroll
          for (int j = 0; j < SUB; ++j) {
            const int64_t c = col0 + tx + SIDE * j;
            if (c >= p.n) continue;
            const A cv = p.has_c ? cu_mm<D>::from(c_base[r * p.c_rs + c * p.c_cs]) : A(0);
            y[r * p.y_rs + c * p.y_cs] = cu_mm_store(D(), cu_mm_finish(p, acc[i][j], cv));
          }
        }
      }
    }
  }
}

#define CU_DEFINE_MATMUL(op, dt)                                                                   \
  extern "C" __global__ void __launch_bounds__(CU_K_BLOCK)                                         \
      xhal_cu_##op##_##dt(const __grid_constant__ cu_k_matmul_args_t args) {                       \
    cu_matmul<cu_##dt>(args);                                                                      \
  }
CU_K_MATMUL_LIST(CU_DEFINE_MATMUL)

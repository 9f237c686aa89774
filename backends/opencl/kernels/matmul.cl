/* matmul.cl - MatMul (batched) and Gemm: Y = alpha * A * B + beta * C.
 *
 * matmul_<dtype>: work-groups of OCL_TILE x OCL_TILE work-items compute an
 * OCL_BLOCK x OCL_BLOCK block of one batch's output (dimension 2 of the
 * range is the batch); each work-item keeps OCL_REG x OCL_REG outputs in
 * registers, OCL_TILE apart, so neighbouring work-items touch neighbouring
 * columns (PoCL vectorises across them). Blocks of A (OCL_BLOCK x
 * OCL_TILE) and B (OCL_TILE x OCL_BLOCK) go through local memory; any
 * strides (transposed operands, broadcast batches) are read as given.
 * Each output sums its K products in order. Floats accumulate in float
 * (f16 too), integers in the unsigned type, so products and sums wrap;
 * integer alpha/beta are integral (checked by xop_check). */

#define OCL_BLOCK (OCL_TILE * OCL_REG)

/* Batch index -> element offsets of y, a and b. */
inline void ocl_matmul_batch(const ocl_matmul_t *s, long i, long *off) {
  off[0] = s->offsets[0];
  off[1] = s->offsets[1];
  off[2] = s->offsets[2];
  for (int k = s->brank - 1; k >= 0; --k) {
    const long q = i / s->bdims[k], c = i - q * s->bdims[k];
    i = q;
    for (int o = 0; o < 3; ++o) off[o] += c * s->bstrides[o][k];
  }
}

#define FINISH_FLOAT(D, acc, s, cv)                                                                \
  ((s).has_c ? (s).alpha * (acc) + (s).beta * (cv) : (s).alpha * (acc))
#define FINISH_UINT(U, acc, s, cv)                                                                 \
  ((s).has_c ? (U)(s).ialpha * (acc) + (U)(s).ibeta * (U)(cv) : (U)(s).ialpha * (acc))
#define FINISH_INT(D, acc, s, cv) OCL_CAT2(WRAP, D)(FINISH_UINT(OCL_CAT2(UT, D), acc, s, cv))

#define MATMUL_KERNEL(D, ACC, FINISH)                                                              \
  __kernel __attribute__((reqd_work_group_size(OCL_TILE, OCL_TILE, 1))) void matmul_##D(           \
      __global OCL_CAT2(ST, D) * y, __global const OCL_CAT2(ST, D) * a,                            \
      __global const OCL_CAT2(ST, D) * b, __global const OCL_CAT2(ST, D) * c,                      \
      const ocl_matmul_t s) {                                                                      \
    __local ACC ta[OCL_BLOCK][OCL_TILE + 1];                                                       \
    __local ACC tb[OCL_TILE][OCL_BLOCK + 1];                                                       \
    const int tx = (int)get_local_id(0), ty = (int)get_local_id(1);                                \
    const long row0 = (long)get_group_id(1) * OCL_BLOCK, col0 = (long)get_group_id(0) * OCL_BLOCK; \
    long off[3];                                                                                   \
    ocl_matmul_batch(&s, (long)get_global_id(2), off);                                             \
    ACC acc[OCL_REG][OCL_REG];                                                                     \
    for (int i = 0; i < OCL_REG; ++i)                                                              \
      for (int j = 0; j < OCL_REG; ++j) acc[i][j] = 0;                                             \
    for (long t = 0; t < s.k; t += OCL_TILE) {                                                     \
      for (int i = 0; i < OCL_REG; ++i) {                                                          \
        const long row = row0 + ty + i * OCL_TILE, ka = t + tx;                                    \
        ta[ty + i * OCL_TILE][tx] =                                                                \
            row < s.m && ka < s.k ? (ACC)OCL_CAT2(LOAD, D)(a, off[1] + row * s.as0 + ka * s.as1)   \
                                  : 0;                                                             \
        const long kb = t + ty, col = col0 + tx + i * OCL_TILE;                                    \
        tb[ty][tx + i * OCL_TILE] =                                                                \
            kb < s.k && col < s.n ? (ACC)OCL_CAT2(LOAD, D)(b, off[2] + kb * s.bs0 + col * s.bs1)   \
                                  : 0;                                                             \
      }                                                                                            \
      barrier(CLK_LOCAL_MEM_FENCE);                                                                \
      for (int kk = 0; kk < OCL_TILE; ++kk) {                                                      \
        ACC av[OCL_REG], bv[OCL_REG];                                                              \
        for (int i = 0; i < OCL_REG; ++i) {                                                        \
          av[i] = ta[ty + i * OCL_TILE][kk];                                                       \
          bv[i] = tb[kk][tx + i * OCL_TILE];                                                       \
        }                                                                                          \
        for (int i = 0; i < OCL_REG; ++i)                                                          \
          for (int j = 0; j < OCL_REG; ++j) acc[i][j] += av[i] * bv[j];                            \
      }                                                                                            \
      barrier(CLK_LOCAL_MEM_FENCE);                                                                \
    }                                                                                              \
    for (int i = 0; i < OCL_REG; ++i) {                                                            \
      const long row = row0 + ty + i * OCL_TILE;                                                   \
      for (int j = 0; j < OCL_REG; ++j) {                                                          \
        const long col = col0 + tx + j * OCL_TILE;                                                 \
        if (row >= s.m || col >= s.n) continue;                                                    \
        const OCL_CAT2(CT, D) cv =                                                                 \
            s.has_c ? OCL_CAT2(LOAD, D)(c, s.offsets[3] + row * s.cs0 + col * s.cs1) : 0;          \
        OCL_CAT2(STORE, D)(y, off[0] + row * s.ys0 + col * s.ys1, FINISH(D, acc[i][j], s, cv));    \
      }                                                                                            \
    }                                                                                              \
  }

MATMUL_KERNEL(f32, float, FINISH_FLOAT)
MATMUL_KERNEL(f16, float, FINISH_FLOAT)
MATMUL_KERNEL(i32, uint, FINISH_INT)
MATMUL_KERNEL(i64, ulong, FINISH_INT)

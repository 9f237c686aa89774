/* reduce.cl - ReduceSum and ReduceMean.
 *
 * reduce_<dtype>: one work-item per output, for short reductions.
 * reduce_group_<dtype>: one work-group of OCL_GROUP work-items per output;
 * each sums a contiguous share of the terms, then the group adds the
 * partial sums in a tree in local memory.
 * Floats (f16 too) accumulate in float, in blocks of OCL_SUM_BLOCK terms;
 * integers in the unsigned type, so sums wrap. An integer mean is the
 * wrapped sum divided by the count, truncated toward zero; a float mean
 * over zero terms is 0 / 0 = NaN. */

/* Output index -> element offsets of y and x. */
inline void ocl_reduce_offsets(const ocl_reduce_t *s, long i, long *yo, long *xo) {
  long y = s->offsets[0], x = s->offsets[1];
  for (int k = s->krank - 1; k > 0; --k) {
    const long q = i / s->kdims[k], c = i - q * s->kdims[k];
    i = q;
    y += c * s->kstrides[0][k];
    x += c * s->kstrides[1][k];
  }
  *yo = y + i * s->kstrides[0][0];
  *xo = x + i * s->kstrides[1][0];
}

/* Sum of terms [begin, end) (begin < end <= len) of the reduction at x
 * element offset base: a cursor over the reduced dims, no division per
 * term. ACC is the accumulator type, ADD(acc, v) adds a term. */
#define REDUCE_RANGE(D, ACC, TO_ACC)                                                               \
  inline ACC OCL_CAT2(ocl_reduce_range, D)(__global const OCL_CAT2(ST, D) * x,                     \
                                           const ocl_reduce_t *s, long base, long begin,           \
                                           long end) {                                             \
    const int r = s->rrank;                                                                        \
    long idx[OCL_MAX_RANK];                                                                        \
    long off = base, rem = begin;                                                                  \
    for (int k = r - 1; k > 0; --k) {                                                              \
      const long q = rem / s->rdims[k];                                                            \
      idx[k] = rem - q * s->rdims[k];                                                              \
      rem = q;                                                                                     \
      off += idx[k] * s->rstrides[k];                                                              \
    }                                                                                              \
    idx[0] = rem;                                                                                  \
    off += rem * s->rstrides[0];                                                                   \
    const long inner = s->rdims[r - 1], step = s->rstrides[r - 1];                                 \
    ACC total = 0, block = 0;                                                                      \
    int in_block = 0;                                                                              \
    for (long j = begin; j < end;) {                                                               \
      const long run = min(inner - idx[r - 1], end - j);                                           \
      for (long t = 0; t < run; ++t) {                                                             \
        block += TO_ACC(OCL_CAT2(LOAD, D)(x, off + t * step));                                     \
        if (++in_block == OCL_SUM_BLOCK) {                                                         \
          total += block;                                                                          \
          block = 0;                                                                               \
          in_block = 0;                                                                            \
        }                                                                                          \
      }                                                                                            \
      j += run;                                                                                    \
      off += run * step;                                                                           \
      idx[r - 1] += run;                                                                           \
      for (int k = r - 1; k > 0 && idx[k] == s->rdims[k]; --k) {                                   \
        off += s->rstrides[k - 1] - s->rdims[k] * s->rstrides[k];                                  \
        idx[k] = 0;                                                                                \
        ++idx[k - 1];                                                                              \
      }                                                                                            \
    }                                                                                              \
    return total + block;                                                                          \
  }

#define TO_FLOAT(v) (v)
#define TO_UINT(v) ((uint)(v))
#define TO_ULONG(v) ((ulong)(v))
REDUCE_RANGE(f32, float, TO_FLOAT)
REDUCE_RANGE(f16, float, TO_FLOAT)
REDUCE_RANGE(i32, uint, TO_UINT)
REDUCE_RANGE(i64, ulong, TO_ULONG)

#define FINISH_FLOAT(D, sum, s) ((s).mean ? (sum) / (float)(s).len : (sum))
#define FINISH_INT(D, sum, s)                                                                      \
  ((s).mean ? (OCL_CAT2(CT, D))((long)OCL_CAT2(WRAP, D)(sum) / (s).len) : OCL_CAT2(WRAP, D)(sum))

#define REDUCE_KERNELS(D, ACC, FINISH)                                                             \
  __kernel void reduce_##D(__global OCL_CAT2(ST, D) * y, __global const OCL_CAT2(ST, D) * x,       \
                           const ocl_reduce_t s) {                                                 \
    const long i = get_global_id(0);                                                               \
    if (i >= s.nout) return;                                                                       \
    long yo, xo;                                                                                   \
    ocl_reduce_offsets(&s, i, &yo, &xo);                                                           \
    const ACC sum = s.len ? OCL_CAT2(ocl_reduce_range, D)(x, &s, xo, 0, s.len) : 0;                \
    OCL_CAT2(STORE, D)(y, yo, FINISH(D, sum, s));                                                  \
  }                                                                                                \
                                                                                                   \
  __kernel __attribute__((reqd_work_group_size(OCL_GROUP, 1, 1))) void reduce_group_##D(           \
      __global OCL_CAT2(ST, D) * y, __global const OCL_CAT2(ST, D) * x, const ocl_reduce_t s) {    \
    __local ACC part[OCL_GROUP];                                                                   \
    const long i = get_group_id(0);                                                                \
    const int lid = (int)get_local_id(0);                                                          \
    long yo, xo;                                                                                   \
    ocl_reduce_offsets(&s, i, &yo, &xo);                                                           \
    const long share = (s.len + OCL_GROUP - 1) / OCL_GROUP;                                        \
    const long begin = min(s.len, lid * share), end = min(s.len, begin + share);                   \
    part[lid] = begin < end ? OCL_CAT2(ocl_reduce_range, D)(x, &s, xo, begin, end) : 0;            \
    for (int width = OCL_GROUP / 2; width > 0; width /= 2) {                                       \
      barrier(CLK_LOCAL_MEM_FENCE);                                                                \
      if (lid < width) part[lid] += part[lid + width];                                             \
    }                                                                                              \
    if (lid == 0) OCL_CAT2(STORE, D)(y, yo, FINISH(D, part[0], s));                                \
  }

REDUCE_KERNELS(f32, float, FINISH_FLOAT)
REDUCE_KERNELS(f16, float, FINISH_FLOAT)
REDUCE_KERNELS(i32, uint, FINISH_INT)
REDUCE_KERNELS(i64, ulong, FINISH_INT)

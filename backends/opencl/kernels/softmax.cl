/* softmax.cl - Softmax over one axis (ONNX 13): y = exp(x - max) / sum.
 *
 * softmax_<dtype>: one work-item per row, for short rows.
 * softmax_group_<dtype>: one work-group of OCL_GROUP work-items per row,
 * each taking a contiguous share; max and sum combined in local memory.
 * Computed in float (f16 too). A NaN in a row makes the max skip it but
 * turns the sum, hence the whole row, into NaN; -Inf entries give 0. */

inline long ocl_softmax_row(const ocl_softmax_t *s, long i, long *xo) {
  long y = s->offsets[0], x = s->offsets[1];
  for (int k = s->orank - 1; k > 0; --k) {
    const long q = i / s->odims[k], c = i - q * s->odims[k];
    i = q;
    y += c * s->ostrides[0][k];
    x += c * s->ostrides[1][k];
  }
  *xo = x + i * s->ostrides[1][0];
  return y + i * s->ostrides[0][0];
}

/* The max, then the sum of exp(x - max) over elements [begin, end) of a row;
 * ocl_softmax_group_max_sum_<dtype>: both for a whole row, by a work-group of
 * OCL_GROUP items, item lid holding elements [begin, end), combined in
 * part[OCL_GROUP] (local memory; every item of the group calls it). Also
 * LogSoftmax's (norm.cl). */
#define SOFTMAX_PARTS(D)                                                                           \
  inline float OCL_CAT2(ocl_softmax_max, D)(__global const OCL_CAT2(ST, D) * x, long xo, long xs,  \
                                            long begin, long end) {                                \
    float m = -INFINITY;                                                                           \
    for (long j = begin; j < end; ++j) {                                                           \
      const float v = OCL_CAT2(LOAD, D)(x, xo + j * xs);                                           \
      m = v > m ? v : m;                                                                           \
    }                                                                                              \
    return m;                                                                                      \
  }                                                                                                \
  inline float OCL_CAT2(ocl_softmax_sum, D)(__global const OCL_CAT2(ST, D) * x, long xo, long xs,  \
                                            long begin, long end, float m) {                       \
    float total = 0.0f, block = 0.0f;                                                              \
    int in_block = 0;                                                                              \
    for (long j = begin; j < end; ++j) {                                                           \
      block += exp(OCL_CAT2(LOAD, D)(x, xo + j * xs) - m);                                         \
      if (++in_block == OCL_SUM_BLOCK) {                                                           \
        total += block;                                                                            \
        block = 0.0f;                                                                              \
        in_block = 0;                                                                              \
      }                                                                                            \
    }                                                                                              \
    return total + block;                                                                          \
  }                                                                                                \
  inline void OCL_CAT2(ocl_softmax_write, D)(__global OCL_CAT2(ST, D) * y, long yo, long ys,       \
                                             __global const OCL_CAT2(ST, D) * x, long xo, long xs, \
                                             long begin, long end, float m, float sum) {           \
    for (long j = begin; j < end; ++j)                                                             \
      OCL_CAT2(STORE, D)(y, yo + j * ys, exp(OCL_CAT2(LOAD, D)(x, xo + j * xs) - m) / sum);        \
  }                                                                                                \
  inline float OCL_CAT2(ocl_softmax_group_max_sum, D)(__global const OCL_CAT2(ST, D) * x, long xo, \
                                                     long xs, long begin, long end,                \
                                                     OCL_LOCAL_PARAM float *part, int lid,         \
                                                     float *sum) {                                 \
    part[lid] = OCL_CAT2(ocl_softmax_max, D)(x, xo, xs, begin, end);                               \
    for (int width = OCL_GROUP / 2; width > 0; width /= 2) {                                       \
      barrier(CLK_LOCAL_MEM_FENCE);                                                                \
      if (lid < width) part[lid] = part[lid + width] > part[lid] ? part[lid + width] : part[lid];  \
    }                                                                                              \
    barrier(CLK_LOCAL_MEM_FENCE);                                                                  \
    const float m = part[0];                                                                       \
    barrier(CLK_LOCAL_MEM_FENCE);                                                                  \
    part[lid] = OCL_CAT2(ocl_softmax_sum, D)(x, xo, xs, begin, end, m);                            \
    for (int width = OCL_GROUP / 2; width > 0; width /= 2) {                                       \
      barrier(CLK_LOCAL_MEM_FENCE);                                                                \
      if (lid < width) part[lid] += part[lid + width];                                             \
    }                                                                                              \
    barrier(CLK_LOCAL_MEM_FENCE);                                                                  \
    *sum = part[0];                                                                                \
    return m;                                                                                      \
  }

/* The kernels NAME_<dtype> (one work-item per row) and NAME_group_<dtype>
 * (one work-group per row) of an op made of a row's max m and sum of
 * exp(x - m): WRITE_<dtype>(y, yo, ys, x, xo, xs, begin, end, m, sum) writes
 * the row's elements [begin, end). Softmax's here, LogSoftmax's in norm.cl. */
#define SOFTMAX_ROW_KERNELS(NAME, WRITE, D)                                                        \
  __kernel void NAME##_##D(__global OCL_CAT2(ST, D) * y, __global const OCL_CAT2(ST, D) * x,       \
                           const ocl_softmax_t s) {                                                \
    const long i = get_global_id(0);                                                               \
    if (i >= s.rows) return;                                                                       \
    long xo;                                                                                       \
    const long yo = ocl_softmax_row(&s, i, &xo);                                                   \
    const float m = OCL_CAT2(ocl_softmax_max, D)(x, xo, s.xstride, 0, s.len);                      \
    const float sum = OCL_CAT2(ocl_softmax_sum, D)(x, xo, s.xstride, 0, s.len, m);                 \
    OCL_CAT2(WRITE, D)(y, yo, s.ystride, x, xo, s.xstride, 0, s.len, m, sum);                      \
  }                                                                                                \
                                                                                                   \
  __kernel __attribute__((reqd_work_group_size(OCL_GROUP, 1, 1))) void NAME##_group_##D(           \
      __global OCL_CAT2(ST, D) * y, __global const OCL_CAT2(ST, D) * x, const ocl_softmax_t s) {   \
    __local float part[OCL_GROUP];                                                                 \
    const long i = get_group_id(0);                                                                \
    const int lid = (int)get_local_id(0);                                                          \
    long xo;                                                                                       \
    const long yo = ocl_softmax_row(&s, i, &xo);                                                   \
    const long share = (s.len + OCL_GROUP - 1) / OCL_GROUP;                                        \
    const long begin = min(s.len, lid * share), end = min(s.len, begin + share);                   \
    float sum;                                                                                     \
    const float m = OCL_CAT2(ocl_softmax_group_max_sum, D)(x, xo, s.xstride, begin, end,           \
                                                           part, lid, &sum);                       \
    OCL_CAT2(WRITE, D)(y, yo, s.ystride, x, xo, s.xstride, begin, end, m, sum);                    \
  }

#define SOFTMAX_KERNELS(D)                                                                         \
  SOFTMAX_PARTS(D)                                                                                 \
  SOFTMAX_ROW_KERNELS(softmax, ocl_softmax_write, D)

SOFTMAX_KERNELS(f32)
SOFTMAX_KERNELS(f16)

/* resize.cl - Resize from per-dim tap tables (ocl_op_gather.c builds them
 * on the host with xop_resize_table): output element (c0..cr-1) is
 * sum over taps of prod_k weight_k * x[sum_k index_k * xstride_k], computed
 * in float; a table index of -1 marks extrapolation. */
typedef struct ocl_resize {
  long dims[OCL_MAX_RANK];     /* output */
  long ystrides[OCL_MAX_RANK];
  long xstrides[OCL_MAX_RANK];
  long table[OCL_MAX_RANK];    /* first entry of dim k in index/weight */
  long taps[OCL_MAX_RANK];
  long offsets[2];             /* y, x */
  long count;
  int rank;
  float extrapolation;
} ocl_resize_t;

#define OCL_RESIZE(t)                                                                              \
  __kernel void resize_##t(__global ST_##t *y, __global const ST_##t *x,                           \
                           __global const long *index, __global const float *weight,               \
                           const ocl_resize_t s) {                                                 \
    const long i = get_global_id(0);                                                               \
    if (i >= s.count) return;                                                                      \
    long c[OCL_MAX_RANK], r = i, yo = s.offsets[0];                                                \
    int outside = 0;                                                                               \
    for (int k = s.rank - 1; k >= 0; --k) {                                                        \
      c[k] = s.table[k] + (r % s.dims[k]) * s.taps[k];                                             \
      yo += (r % s.dims[k]) * s.ystrides[k];                                                       \
      r /= s.dims[k];                                                                              \
      if (index[c[k]] < 0) outside = 1;                                                            \
    }                                                                                              \
    if (outside) {                                                                                 \
      STORE_##t(y, yo, s.extrapolation);                                                           \
      return;                                                                                      \
    }                                                                                              \
    int pick[OCL_MAX_RANK];                                                                        \
    for (int k = 0; k < s.rank; ++k) pick[k] = 0;                                                  \
    float sum = 0.0f;                                                                              \
    for (;;) {                                                                                     \
      float w = 1.0f;                                                                              \
      long xo = s.offsets[1];                                                                      \
      for (int k = 0; k < s.rank; ++k) {                                                           \
        w *= weight[c[k] + pick[k]];                                                               \
        xo += index[c[k] + pick[k]] * s.xstrides[k];                                               \
      }                                                                                            \
      sum += w * LOAD_##t(x, xo);                                                                  \
      int k = s.rank;                                                                              \
      while (k > 0 && ++pick[k - 1] == (int)s.taps[k - 1]) pick[--k] = 0;                          \
      if (k == 0) break;                                                                           \
    }                                                                                              \
    STORE_##t(y, yo, sum);                                                                         \
  }

OCL_RESIZE(f32)
OCL_RESIZE(f16)

/* resize.cl - Resize from per-dim tap tables (xhal_op_launch_cl.c builds them
 * on the host with xop_resize_table): output element (c0..cr-1) is
 * sum over taps of prod_k weight_k * x[sum_k index_k * xstride_k], computed
 * in float; a table index of -1 marks extrapolation.
 * resize_<dtype> (linear, cubic): f32, f16 (rounded once), i32, i64, u8
 * (rounded to nearest even and saturated: convert_<type>_sat_rte, as
 * xop_resize_int_value does on the host). resize_nearest_<bytes>: one tap
 * per dim, the element copied by size (1, 2, 4, 8: every dtype, bit for
 * bit); extrapolation stores the element bits s.bits. */
typedef struct ocl_resize {
  long dims[OCL_MAX_RANK];     /* output */
  long ystrides[OCL_MAX_RANK];
  long xstrides[OCL_MAX_RANK];
  long table[OCL_MAX_RANK];    /* first entry of dim k in index/weight */
  long taps[OCL_MAX_RANK];
  long offsets[2];             /* y, x */
  long count;
  long bits;                   /* extrapolation_value as element bits */
  int rank;
  float extrapolation;
} ocl_resize_t;

#define ST_u8 uchar
#define LOAD_u8(p, i) ((float)(p)[i])
/* A result: floats rounded once, integers rounded to nearest even and
 * saturated (NaN gives 0). */
#define RSTORE_f32(p, i, v) STORE_f32(p, i, v)
#define RSTORE_f16(p, i, v) STORE_f16(p, i, v)
#define RSTORE_i32(p, i, v) ((p)[i] = convert_int_sat_rte(v))
#define RSTORE_i64(p, i, v) ((p)[i] = convert_long_sat_rte(v))
#define RSTORE_u8(p, i, v) ((p)[i] = convert_uchar_sat_rte(v))
/* The extrapolation value. */
#define XSTORE_f32(p, i, s) STORE_f32(p, i, (s).extrapolation)
#define XSTORE_f16(p, i, s) STORE_f16(p, i, (s).extrapolation)
#define XSTORE_i32(p, i, s) ((p)[i] = (int)(s).bits)
#define XSTORE_i64(p, i, s) ((p)[i] = (s).bits)
#define XSTORE_u8(p, i, s) ((p)[i] = (uchar)(s).bits)

/* Output index i -> table entries c[k] and the output offset; 1 when a dim
 * extrapolates. */
inline int ocl_resize_locate(const ocl_resize_t *s, __global const long *index, long i, long *c,
                             long *yo) {
  long r = i;
  int outside = 0;
  *yo = s->offsets[0];
  for (int k = s->rank - 1; k >= 0; --k) {
    c[k] = s->table[k] + (r % s->dims[k]) * s->taps[k];
    *yo += (r % s->dims[k]) * s->ystrides[k];
    r /= s->dims[k];
    if (index[c[k]] < 0) outside = 1;
  }
  return outside;
}

#define OCL_RESIZE(t)                                                                              \
  __kernel void resize_##t(__global ST_##t *y, __global const ST_##t *x,                           \
                           __global const long *index, __global const float *weight,               \
                           const ocl_resize_t s) {                                                 \
    const long i = get_global_id(0);                                                               \
    if (i >= s.count) return;                                                                      \
    long c[OCL_MAX_RANK], yo;                                                                      \
    if (ocl_resize_locate(&s, index, i, c, &yo)) {                                                 \
      XSTORE_##t(y, yo, s);                                                                        \
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
    RSTORE_##t(y, yo, sum);                                                                        \
  }

OCL_RESIZE(f32)
OCL_RESIZE(f16)
OCL_RESIZE(i32)
OCL_RESIZE(i64)
OCL_RESIZE(u8)

#define OCL_RESIZE_NEAREST(n, T)                                                                   \
  __kernel void resize_nearest_##n(__global T *y, __global const T *x,                             \
                                   __global const long *index, const ocl_resize_t s) {             \
    const long i = get_global_id(0);                                                               \
    if (i >= s.count) return;                                                                      \
    long c[OCL_MAX_RANK], yo;                                                                      \
    if (ocl_resize_locate(&s, index, i, c, &yo)) {                                                 \
      y[yo] = (T)s.bits;                                                                           \
      return;                                                                                      \
    }                                                                                              \
    long xo = s.offsets[1];                                                                        \
    for (int k = 0; k < s.rank; ++k) xo += index[c[k]] * s.xstrides[k];                            \
    y[yo] = x[xo];                                                                                 \
  }

OCL_RESIZE_NEAREST(1, uchar)
OCL_RESIZE_NEAREST(2, ushort)
OCL_RESIZE_NEAREST(4, uint)
OCL_RESIZE_NEAREST(8, ulong)

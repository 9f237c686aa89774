/* conv.cl - Conv, ConvTranspose and the pools, one work-item per output
 * element (ocl_conv_t in common.cl).
 *
 * conv_<dtype>: y = b + sum over the group's input channels and the kernel
 * taps of x * w; a tap in the padding adds 0 * w (zero padding, so an
 * infinite weight there gives NaN, as the CPU backend's im2col does).
 * conv_transpose_<dtype>: y = b + sum of x[i] * w over the taps with
 * i * stride + k * dilation == o + pads.
 * pool_<dtype>: max (NaN wins; an empty window is -Inf) or average (the
 * taps inside x, divided by their count or, counting the padding, by the
 * window clipped to the padded input). Everything accumulates in float.
 * pool_u8 / max_pool_indices_u8: MaxPool on u8 (below).
 * max_pool_indices_<dtype>: MaxPool with its Indices output: the first
 * maximum in window order (or the first NaN) and its flat position in x
 * (n, c, spatial; spatial column-major when storage_order is 1), -1 for a
 * window with no tap inside x. */

/* Output index i -> (n, m, o0, o1, o2). */
inline void ocl_conv_coords(const ocl_conv_t *s, long i, long *n, long *m, long *o) {
  o[2] = i % s->out[2];
  i /= s->out[2];
  o[1] = i % s->out[1];
  i /= s->out[1];
  o[0] = i % s->out[0];
  i /= s->out[0];
  *m = i % s->m;
  *n = i / s->m;
}

inline long ocl_conv_yoff(const ocl_conv_t *s, long n, long m, const long *o) {
  return s->offsets[0] + n * s->ys[0] + m * s->ys[1] + o[0] * s->ys[2] + o[1] * s->ys[3] +
         o[2] * s->ys[4];
}

#define CONV_KERNELS(D)                                                                            \
  __kernel void conv_##D(__global OCL_CAT2(ST, D) * y, __global const OCL_CAT2(ST, D) * x,         \
                         __global const OCL_CAT2(ST, D) * w, __global const OCL_CAT2(ST, D) * b,   \
                         const ocl_conv_t s) {                                                     \
    const long i = get_global_id(0);                                                               \
    if (i >= s.count) return;                                                                      \
    long n, m, o[3];                                                                               \
    ocl_conv_coords(&s, i, &n, &m, o);                                                             \
    const long grp = m / s.mg;                                                                     \
    float acc = s.has_b ? OCL_CAT2(LOAD, D)(b, s.offsets[3] + m * s.bs) : 0.0f;                   \
    for (long c = 0; c < s.cg; ++c) {                                                              \
      const long xb = s.offsets[1] + n * s.xs[0] + (grp * s.cg + c) * s.xs[1];                     \
      const long wb = s.offsets[2] + m * s.ws[0] + c * s.ws[1];                                    \
      for (long t0 = 0; t0 < s.k[0]; ++t0) {                                                       \
        const long i0 = o[0] * s.s[0] - s.p[0] + t0 * s.d[0];                                      \
        const int in0 = i0 >= 0 && i0 < s.in[0];                                                   \
        for (long t1 = 0; t1 < s.k[1]; ++t1) {                                                     \
          const long i1 = o[1] * s.s[1] - s.p[1] + t1 * s.d[1];                                    \
          const int in1 = in0 && i1 >= 0 && i1 < s.in[1];                                          \
          for (long t2 = 0; t2 < s.k[2]; ++t2) {                                                   \
            const long i2 = o[2] * s.s[2] - s.p[2] + t2 * s.d[2];                                  \
            const float wv =                                                                       \
                OCL_CAT2(LOAD, D)(w, wb + t0 * s.ws[2] + t1 * s.ws[3] + t2 * s.ws[4]);             \
            const float xv =                                                                       \
                in1 && i2 >= 0 && i2 < s.in[2]                                                     \
                    ? OCL_CAT2(LOAD, D)(x, xb + i0 * s.xs[2] + i1 * s.xs[3] + i2 * s.xs[4])        \
                    : 0.0f;                                                                        \
            acc += xv * wv;                                                                        \
          }                                                                                        \
        }                                                                                          \
      }                                                                                            \
    }                                                                                              \
    OCL_CAT2(STORE, D)(y, ocl_conv_yoff(&s, n, m, o), acc);                                        \
  }                                                                                                \
                                                                                                   \
  __kernel void conv_transpose_##D(__global OCL_CAT2(ST, D) * y,                                   \
                                   __global const OCL_CAT2(ST, D) * x,                             \
                                   __global const OCL_CAT2(ST, D) * w,                             \
                                   __global const OCL_CAT2(ST, D) * b, const ocl_conv_t s) {       \
    const long i = get_global_id(0);                                                               \
    if (i >= s.count) return;                                                                      \
    long n, m, o[3];                                                                               \
    ocl_conv_coords(&s, i, &n, &m, o);                                                             \
    const long grp = m / s.mg, ml = m - grp * s.mg;                                                \
    float acc = s.has_b ? OCL_CAT2(LOAD, D)(b, s.offsets[3] + m * s.bs) : 0.0f;                   \
    for (long c = 0; c < s.cg; ++c) {                                                              \
      const long xc = grp * s.cg + c;                                                              \
      const long xb = s.offsets[1] + n * s.xs[0] + xc * s.xs[1];                                   \
      const long wb = s.offsets[2] + xc * s.ws[0] + ml * s.ws[1];                                  \
      for (long t0 = 0; t0 < s.k[0]; ++t0) {                                                       \
        const long q0 = o[0] + s.p[0] - t0 * s.d[0];                                               \
        if (q0 < 0 || q0 % s.s[0] != 0 || q0 / s.s[0] >= s.in[0]) continue;                        \
        for (long t1 = 0; t1 < s.k[1]; ++t1) {                                                     \
          const long q1 = o[1] + s.p[1] - t1 * s.d[1];                                             \
          if (q1 < 0 || q1 % s.s[1] != 0 || q1 / s.s[1] >= s.in[1]) continue;                      \
          for (long t2 = 0; t2 < s.k[2]; ++t2) {                                                   \
            const long q2 = o[2] + s.p[2] - t2 * s.d[2];                                           \
            if (q2 < 0 || q2 % s.s[2] != 0 || q2 / s.s[2] >= s.in[2]) continue;                    \
            const float xv = OCL_CAT2(LOAD, D)(                                                    \
                x, xb + q0 / s.s[0] * s.xs[2] + q1 / s.s[1] * s.xs[3] + q2 / s.s[2] * s.xs[4]);    \
            const float wv =                                                                       \
                OCL_CAT2(LOAD, D)(w, wb + t0 * s.ws[2] + t1 * s.ws[3] + t2 * s.ws[4]);             \
            acc += xv * wv;                                                                        \
          }                                                                                        \
        }                                                                                          \
      }                                                                                            \
    }                                                                                              \
    OCL_CAT2(STORE, D)(y, ocl_conv_yoff(&s, n, m, o), acc);                                        \
  }

/* The pools on dtype D: max or average (pool_D), MaxPool with Indices
 * (max_pool_indices_D). */
#define POOL_KERNELS(D)                                                                            \
  __kernel void pool_##D(__global OCL_CAT2(ST, D) * y, __global const OCL_CAT2(ST, D) * x,         \
                         const ocl_conv_t s) {                                                     \
    const long i = get_global_id(0);                                                               \
    if (i >= s.count) return;                                                                      \
    long n, ch, o[3];                                                                              \
    ocl_conv_coords(&s, i, &n, &ch, o);                                                            \
    const long xb = s.offsets[1] + n * s.xs[0] + ch * s.xs[1];                                     \
    float acc = s.mode == 0 ? -INFINITY : 0.0f;                                                    \
    long count = 0;                                                                                \
    for (long t0 = 0; t0 < s.k[0]; ++t0) {                                                         \
      const long i0 = o[0] * s.s[0] - s.p[0] + t0 * s.d[0];                                        \
      if (i0 < 0 || i0 >= s.in[0]) continue;                                                       \
      for (long t1 = 0; t1 < s.k[1]; ++t1) {                                                       \
        const long i1 = o[1] * s.s[1] - s.p[1] + t1 * s.d[1];                                      \
        if (i1 < 0 || i1 >= s.in[1]) continue;                                                     \
        float row = s.mode == 0 ? -INFINITY : 0.0f;                                                \
        for (long t2 = 0; t2 < s.k[2]; ++t2) {                                                     \
          const long i2 = o[2] * s.s[2] - s.p[2] + t2 * s.d[2];                                    \
          if (i2 < 0 || i2 >= s.in[2]) continue;                                                   \
          const float v = OCL_CAT2(LOAD, D)(x, xb + i0 * s.xs[2] + i1 * s.xs[3] + i2 * s.xs[4]);   \
          if (s.mode == 0) {                                                                       \
            if (v > row || isnan(v)) row = v; /* a NaN stays */                                    \
          } else {                                                                                 \
            row += v;                                                                              \
          }                                                                                        \
          ++count;                                                                                 \
        }                                                                                          \
        if (s.mode == 0) {                                                                         \
          if (row > acc || isnan(row)) acc = row;                                                  \
        } else {                                                                                   \
          acc += row;                                                                              \
        }                                                                                          \
      }                                                                                            \
    }                                                                                              \
    if (s.mode == 2) {                                                                             \
      count = 1;                                                                                   \
      for (int j = 0; j < 3; ++j) {                                                                \
        const long start = o[j] * s.s[j] - s.p[j];                                                 \
        count *= min(start + s.k[j], s.in[j] + s.pe[j]) - start;                                   \
      }                                                                                            \
    }                                                                                              \
    if (s.mode != 0) acc = acc / (float)count;                                                     \
    OCL_CAT2(STORE, D)(y, ocl_conv_yoff(&s, n, ch, o), acc);                                       \
  }                                                                                                \
                                                                                                   \
  __kernel void max_pool_indices_##D(__global OCL_CAT2(ST, D) * y,                                 \
                                     __global const OCL_CAT2(ST, D) * x, __global long *ind,       \
                                     const ocl_conv_t s, const ocl_pool_indices_t q) {             \
    const long i = get_global_id(0);                                                               \
    if (i >= s.count) return;                                                                      \
    long n, ch, o[3];                                                                              \
    ocl_conv_coords(&s, i, &n, &ch, o);                                                            \
    const long xb = s.offsets[1] + n * s.xs[0] + ch * s.xs[1];                                     \
    float m = -INFINITY;                                                                           \
    long best = -1;                                                                                \
    for (long t0 = 0; t0 < s.k[0]; ++t0) {                                                         \
      const long i0 = o[0] * s.s[0] - s.p[0] + t0 * s.d[0];                                        \
      if (i0 < 0 || i0 >= s.in[0]) continue;                                                       \
      for (long t1 = 0; t1 < s.k[1]; ++t1) {                                                       \
        const long i1 = o[1] * s.s[1] - s.p[1] + t1 * s.d[1];                                      \
        if (i1 < 0 || i1 >= s.in[1]) continue;                                                     \
        for (long t2 = 0; t2 < s.k[2]; ++t2) {                                                     \
          const long i2 = o[2] * s.s[2] - s.p[2] + t2 * s.d[2];                                    \
          if (i2 < 0 || i2 >= s.in[2] || isnan(m)) continue; /* the first NaN stays */             \
          const float v = OCL_CAT2(LOAD, D)(x, xb + i0 * s.xs[2] + i1 * s.xs[3] + i2 * s.xs[4]);   \
          if (best < 0 || v > m || isnan(v)) {                                                     \
            m = v;                                                                                 \
            best = q.order ? i0 + s.in[0] * (i1 + s.in[1] * i2)                                    \
                           : (i0 * s.in[1] + i1) * s.in[2] + i2;                                   \
          }                                                                                        \
        }                                                                                          \
      }                                                                                            \
    }                                                                                              \
    OCL_CAT2(STORE, D)(y, ocl_conv_yoff(&s, n, ch, o), m);                                         \
    ind[q.offset + n * q.is[0] + ch * q.is[1] + o[0] * q.is[2] + o[1] * q.is[3] +                  \
        o[2] * q.is[4]] = best < 0 ? -1 : (n * s.m + ch) * s.in[0] * s.in[1] * s.in[2] + best;     \
  }

/* u8 (MaxPool only): loaded exactly as float; an empty window's -Inf is
 * stored as 0, u8's lowest value, so padding never wins. */
#define ST_u8 uchar
#define LOAD_u8(p, i) ((float)(p)[i])
#define STORE_u8(p, i, v) ((p)[i] = (uchar)((v) > 0.0f ? (v) : 0.0f))

CONV_KERNELS(f32)
CONV_KERNELS(f16)
POOL_KERNELS(f32)
POOL_KERNELS(f16)
POOL_KERNELS(u8)

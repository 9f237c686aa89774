/* norm.cl - ReduceMax/ReduceMin/ReduceProd, LogSoftmax, ArgMax/ArgMin and
 * the normalisations (BatchNormalization in inference form,
 * LayerNormalization, InstanceNormalization).
 *
 * The program is common.cl, reduce.cl and softmax.cl followed by this file
 * (ocl_op.c), so the reductions reuse ocl_reduce_t with ocl_reduce_offsets,
 * and LogSoftmax and ArgMax reuse ocl_softmax_t with ocl_softmax_row and
 * Softmax's max and sum of exponentials.
 *
 * reduce_<kind>_<dtype> (kind maximum, minimum, product; not max/min,
 * which OpenCL C reserves for its builtins): one work-item per output;
 * reduce_<kind>_group_<dtype>: a work-group per output combining shares in
 * local memory. Float Max/Min
 * are IEEE 754-2019 maximum/minimum (a NaN wins, +0 > -0), exact; an empty
 * Max is -Inf (integers: the dtype's minimum), an empty Min +Inf (the
 * maximum), an empty Prod 1. Float products accumulate in float, integer
 * products wrap.
 *
 * arg<max|min>_<first|last>_<dtype>: one work-item per row; a NaN counts as
 * the extreme, ties give the first (or last) index.
 *
 * log_softmax[_group]_<dtype>: y = (x - max) - log(sum(exp(x - max))).
 *
 * norm[_group]_<dtype>: per row, mean and biased variance in float (blocked
 * sums), or the given ones; y = (x - mean) / sqrt(var + epsilon) * scale + B.
 * LayerNormalization's optional Mean and InvStdDev (float, one element per
 * row) take the places of BatchNormalization's given mean and var in
 * ocl_norm_t (ostrides[4], [5], offsets[4], [5]); flags OCL_NORM_MEAN_OUT
 * and OCL_NORM_INV_OUT say which are written. */

#define OCL_NORM_MEAN_OUT 4
#define OCL_NORM_INV_OUT 8

/* ---- ReduceMax / ReduceMin / ReduceProd ----------------------------------------------------- */

inline float ocl_max_ieee(float a, float v) {
  if (isnan(v) || isnan(a)) return isnan(a) ? a : v;
  if (v > a || (v == a && v == 0.0f && signbit(a) && !signbit(v))) return v;
  return a;
}

inline float ocl_min_ieee(float a, float v) {
  if (isnan(v) || isnan(a)) return isnan(a) ? a : v;
  if (v < a || (v == a && v == 0.0f && signbit(v) && !signbit(a))) return v;
  return a;
}

#define ACC_f32 float
#define ACC_f16 float
#define ACC_i32 int
#define ACC_i64 long
#define IDENT_maximum_f32 (-INFINITY)
#define IDENT_maximum_f16 (-INFINITY)
#define IDENT_maximum_i32 INT_MIN
#define IDENT_maximum_i64 LONG_MIN
#define IDENT_minimum_f32 INFINITY
#define IDENT_minimum_f16 INFINITY
#define IDENT_minimum_i32 INT_MAX
#define IDENT_minimum_i64 LONG_MAX
#define IDENT_product_f32 1.0f
#define IDENT_product_f16 1.0f
#define IDENT_product_i32 1
#define IDENT_product_i64 1L
#define FOLD_maximum_f32(a, v) ocl_max_ieee(a, v)
#define FOLD_maximum_f16(a, v) ocl_max_ieee(a, v)
#define FOLD_maximum_i32(a, v) max(a, v)
#define FOLD_maximum_i64(a, v) max(a, v)
#define FOLD_minimum_f32(a, v) ocl_min_ieee(a, v)
#define FOLD_minimum_f16(a, v) ocl_min_ieee(a, v)
#define FOLD_minimum_i32(a, v) min(a, v)
#define FOLD_minimum_i64(a, v) min(a, v)
#define FOLD_product_f32(a, v) ((a) * (v))
#define FOLD_product_f16(a, v) ((a) * (v))
#define FOLD_product_i32(a, v) as_int((uint)(a) * (uint)(v))
#define FOLD_product_i64(a, v) as_long((ulong)(a) * (ulong)(v))

/* Fold of terms [begin, end) of the reduction at x offset base (a cursor
 * over the reduced dims, as REDUCE_RANGE in reduce.cl). */
#define FOLD_RANGE(K, D)                                                                           \
  inline OCL_CAT2(ACC, D) OCL_CAT3(ocl_fold, K, D)(__global const OCL_CAT2(ST, D) * x,             \
                                                   const ocl_reduce_t *s, long base, long begin,   \
                                                   long end) {                                     \
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
    OCL_CAT2(ACC, D) acc = OCL_CAT3(IDENT, K, D);                                                  \
    for (long j = begin; j < end;) {                                                               \
      const long run = min(inner - idx[r - 1], end - j);                                           \
      for (long t = 0; t < run; ++t)                                                               \
        acc = OCL_CAT3(FOLD, K, D)(acc, OCL_CAT2(LOAD, D)(x, off + t * step));                     \
      j += run;                                                                                    \
      off += run * step;                                                                           \
      idx[r - 1] += run;                                                                           \
      for (int k = r - 1; k > 0 && idx[k] == s->rdims[k]; --k) {                                   \
        off += s->rstrides[k - 1] - s->rdims[k] * s->rstrides[k];                                  \
        idx[k] = 0;                                                                                \
        ++idx[k - 1];                                                                              \
      }                                                                                            \
    }                                                                                              \
    return acc;                                                                                    \
  }

#define FOLD_KERNELS(K, D)                                                                         \
  FOLD_RANGE(K, D)                                                                                 \
  __kernel void reduce_##K##_##D(__global OCL_CAT2(ST, D) * y,                                     \
                                 __global const OCL_CAT2(ST, D) * x, const ocl_reduce_t s) {       \
    const long i = get_global_id(0);                                                               \
    if (i >= s.nout) return;                                                                       \
    long yo, xo;                                                                                   \
    ocl_reduce_offsets(&s, i, &yo, &xo);                                                           \
    OCL_CAT2(STORE, D)(y, yo, OCL_CAT3(ocl_fold, K, D)(x, &s, xo, 0, s.len));                      \
  }                                                                                                \
                                                                                                   \
  __kernel __attribute__((reqd_work_group_size(OCL_GROUP, 1, 1))) void reduce_##K##_group_##D(     \
      __global OCL_CAT2(ST, D) * y, __global const OCL_CAT2(ST, D) * x, const ocl_reduce_t s) {    \
    __local OCL_CAT2(ACC, D) part[OCL_GROUP];                                                      \
    const long i = get_group_id(0);                                                                \
    const int lid = (int)get_local_id(0);                                                          \
    long yo, xo;                                                                                   \
    ocl_reduce_offsets(&s, i, &yo, &xo);                                                           \
    const long share = (s.len + OCL_GROUP - 1) / OCL_GROUP;                                        \
    const long begin = min(s.len, lid * share), end = min(s.len, begin + share);                   \
    part[lid] = OCL_CAT3(ocl_fold, K, D)(x, &s, xo, begin, end);                                   \
    for (int width = OCL_GROUP / 2; width > 0; width /= 2) {                                       \
      barrier(CLK_LOCAL_MEM_FENCE);                                                                \
      if (lid < width) part[lid] = OCL_CAT3(FOLD, K, D)(part[lid], part[lid + width]);             \
    }                                                                                              \
    if (lid == 0) OCL_CAT2(STORE, D)(y, yo, part[0]);                                              \
  }

#define FOLD_ALL(K)                                                                                \
  FOLD_KERNELS(K, f32)                                                                             \
  FOLD_KERNELS(K, f16)                                                                             \
  FOLD_KERNELS(K, i32)                                                                             \
  FOLD_KERNELS(K, i64)

FOLD_ALL(maximum)
FOLD_ALL(minimum)
FOLD_ALL(product)

/* ---- ArgMax / ArgMin ------------------------------------------------------------------------ */

/* 1 if v replaces best (see the top of the file); IS_MIN, LAST constants. */
#define ARG_TAKES_FLOAT(v, best, IS_MIN, LAST)                                                     \
  (isnan(best) ? ((LAST) && isnan(v))                                                              \
               : isnan(v) ? 1                                                                      \
                          : ((v) == (best) ? (LAST) : (IS_MIN) ? (v) < (best) : (v) > (best)))
#define ARG_TAKES_INT(v, best, IS_MIN, LAST)                                                       \
  ((v) == (best) ? (LAST) : (IS_MIN) ? (v) < (best) : (v) > (best))
#define ARG_TAKES_f32 ARG_TAKES_FLOAT
#define ARG_TAKES_f16 ARG_TAKES_FLOAT
#define ARG_TAKES_i32 ARG_TAKES_INT
#define ARG_TAKES_i64 ARG_TAKES_INT

#define ARG_KERNEL(NAME, IS_MIN, LAST, D)                                                          \
  __kernel void NAME##_##D(__global long *y, __global const OCL_CAT2(ST, D) * x,                   \
                           const ocl_softmax_t s) {                                                \
    const long i = get_global_id(0);                                                               \
    if (i >= s.rows) return;                                                                       \
    long xo;                                                                                       \
    const long yo = ocl_softmax_row(&s, i, &xo);                                                   \
    OCL_CAT2(CT, D) best = OCL_CAT2(LOAD, D)(x, xo);                                               \
    long at = 0;                                                                                   \
    for (long j = 1; j < s.len; ++j) {                                                             \
      const OCL_CAT2(CT, D) v = OCL_CAT2(LOAD, D)(x, xo + j * s.xstride);                          \
      if (OCL_CAT2(ARG_TAKES, D)(v, best, IS_MIN, LAST)) {                                         \
        best = v;                                                                                  \
        at = j;                                                                                    \
      }                                                                                            \
    }                                                                                              \
    y[yo] = at;                                                                                    \
  }

#define ARG_ALL(D)                                                                                 \
  ARG_KERNEL(argmax_first, 0, 0, D)                                                                \
  ARG_KERNEL(argmax_last, 0, 1, D)                                                                 \
  ARG_KERNEL(argmin_first, 1, 0, D)                                                                \
  ARG_KERNEL(argmin_last, 1, 1, D)

ARG_ALL(f32)
ARG_ALL(f16)
ARG_ALL(i32)
ARG_ALL(i64)

/* ---- LogSoftmax ----------------------------------------------------------------------------- */

#define LOG_SOFTMAX_KERNELS(D)                                                                     \
  inline void OCL_CAT2(ocl_log_softmax_write, D)(__global OCL_CAT2(ST, D) * y, long yo, long ys,   \
                                                 __global const OCL_CAT2(ST, D) * x, long xo,      \
                                                 long xs, long begin, long end, float m,           \
                                                 float sum) {                                      \
    const float ls = log(sum);                                                                     \
    for (long j = begin; j < end; ++j)                                                             \
      OCL_CAT2(STORE, D)(y, yo + j * ys, (OCL_CAT2(LOAD, D)(x, xo + j * xs) - m) - ls);            \
  }                                                                                                \
  SOFTMAX_ROW_KERNELS(log_softmax, ocl_log_softmax_write, D)

LOG_SOFTMAX_KERNELS(f32)
LOG_SOFTMAX_KERNELS(f16)

/* ---- Normalisations ------------------------------------------------------------------------- */

/* Row i -> base offsets of the six tensors. */
inline void ocl_norm_row(const ocl_norm_t *s, long i, long *base) {
  for (int t = 0; t < 6; ++t) base[t] = s->offsets[t];
  for (int k = s->orank - 1; k >= 0; --k) {
    const long q = i / s->odims[k], c = i - q * s->odims[k];
    i = q;
    for (int t = 0; t < 6; ++t) base[t] += c * s->ostrides[t][k];
  }
}

/* Cursor over a row's elements: idx per inner dim, off per tensor (y, x,
 * scale, bias). */
inline void ocl_norm_seek(const ocl_norm_t *s, const long *base, long j, long *idx, long *off) {
  for (int t = 0; t < 4; ++t) off[t] = base[t];
  for (int k = s->irank - 1; k >= 0; --k) {
    const long q = j / s->idims[k], c = j - q * s->idims[k];
    j = q;
    idx[k] = c;
    for (int t = 0; t < 4; ++t) off[t] += c * s->istrides[t][k];
  }
}

inline void ocl_norm_next(const ocl_norm_t *s, long *idx, long *off) {
  for (int k = s->irank - 1; k >= 0; --k) {
    for (int t = 0; t < 4; ++t) off[t] += s->istrides[t][k];
    if (++idx[k] < s->idims[k] || k == 0) return;
    for (int t = 0; t < 4; ++t) off[t] -= s->idims[k] * s->istrides[t][k];
    idx[k] = 0;
  }
}

/* LayerNormalization's Mean and InvStdDev of the row at base. */
inline void ocl_norm_stats(const ocl_norm_t *s, const long *base, __global float *mean_out,
                           __global float *inv_out, float mean, float inv) {
  if (s->flags & OCL_NORM_MEAN_OUT) mean_out[base[4]] = mean;
  if (s->flags & OCL_NORM_INV_OUT) inv_out[base[5]] = inv;
}

/* Sum over elements [begin, end) of a row of x (power 1) or of (x - mean)^2
 * (power 2), in blocks of OCL_SUM_BLOCK. */
#define NORM_PARTS(D)                                                                              \
  inline float OCL_CAT2(ocl_norm_sum, D)(__global const OCL_CAT2(ST, D) * x, const ocl_norm_t *s,  \
                                         const long *base, long begin, long end, int power,        \
                                         float mean) {                                             \
    long idx[OCL_MAX_RANK], off[4];                                                                \
    ocl_norm_seek(s, base, begin, idx, off);                                                       \
    float total = 0.0f, block = 0.0f;                                                              \
    int in_block = 0;                                                                              \
    for (long j = begin; j < end; ++j) {                                                           \
      const float v = OCL_CAT2(LOAD, D)(x, off[1]);                                                \
      block += power == 1 ? v : (v - mean) * (v - mean);                                           \
      if (++in_block == OCL_SUM_BLOCK) {                                                           \
        total += block;                                                                            \
        block = 0.0f;                                                                              \
        in_block = 0;                                                                              \
      }                                                                                            \
      ocl_norm_next(s, idx, off);                                                                  \
    }                                                                                              \
    return total + block;                                                                          \
  }                                                                                                \
                                                                                                   \
  inline void OCL_CAT2(ocl_norm_write, D)(                                                         \
      __global OCL_CAT2(ST, D) * y, __global const OCL_CAT2(ST, D) * x,                            \
      __global const OCL_CAT2(ST, D) * scale, __global const OCL_CAT2(ST, D) * bias,               \
      const ocl_norm_t *s, const long *base, long begin, long end, float mean, float inv) {        \
    long idx[OCL_MAX_RANK], off[4];                                                                \
    ocl_norm_seek(s, base, begin, idx, off);                                                       \
    for (long j = begin; j < end; ++j) {                                                           \
      const float b = (s->flags & OCL_NORM_BIAS) ? OCL_CAT2(LOAD, D)(bias, off[3]) : 0.0f;         \
      const float v = (OCL_CAT2(LOAD, D)(x, off[1]) - mean) * inv;                                 \
      OCL_CAT2(STORE, D)(y, off[0], v * OCL_CAT2(LOAD, D)(scale, off[2]) + b);                     \
      ocl_norm_next(s, idx, off);                                                                  \
    }                                                                                              \
  }

#define NORM_KERNELS(D)                                                                            \
  NORM_PARTS(D)                                                                                    \
  __kernel void norm_##D(__global OCL_CAT2(ST, D) * y, __global const OCL_CAT2(ST, D) * x,         \
                         __global const OCL_CAT2(ST, D) * scale,                                   \
                         __global const OCL_CAT2(ST, D) * bias,                                    \
                         __global const OCL_CAT2(ST, D) * mean_in,                                 \
                         __global const OCL_CAT2(ST, D) * var_in, __global float *mean_out,        \
                         __global float *inv_out, const ocl_norm_t s) {                            \
    const long i = get_global_id(0);                                                               \
    if (i >= s.rows) return;                                                                       \
    long base[6];                                                                                  \
    ocl_norm_row(&s, i, base);                                                                     \
    float mean, var;                                                                               \
    if (s.flags & OCL_NORM_GIVEN) {                                                                \
      mean = OCL_CAT2(LOAD, D)(mean_in, base[4]);                                                  \
      var = OCL_CAT2(LOAD, D)(var_in, base[5]);                                                    \
    } else {                                                                                       \
      mean = OCL_CAT2(ocl_norm_sum, D)(x, &s, base, 0, s.len, 1, 0.0f) / (float)s.len;             \
      var = OCL_CAT2(ocl_norm_sum, D)(x, &s, base, 0, s.len, 2, mean) / (float)s.len;              \
    }                                                                                              \
    const float inv = 1.0f / sqrt(var + s.epsilon);                                                \
    ocl_norm_stats(&s, base, mean_out, inv_out, mean, inv);                                        \
    OCL_CAT2(ocl_norm_write, D)(y, x, scale, bias, &s, base, 0, s.len, mean, inv);                 \
  }                                                                                                \
                                                                                                   \
  __kernel __attribute__((reqd_work_group_size(OCL_GROUP, 1, 1))) void norm_group_##D(             \
      __global OCL_CAT2(ST, D) * y, __global const OCL_CAT2(ST, D) * x,                            \
      __global const OCL_CAT2(ST, D) * scale, __global const OCL_CAT2(ST, D) * bias,               \
      __global const OCL_CAT2(ST, D) * mean_in, __global const OCL_CAT2(ST, D) * var_in,           \
      __global float *mean_out, __global float *inv_out, const ocl_norm_t s) {                     \
    __local float part[OCL_GROUP];                                                                 \
    const long i = get_group_id(0);                                                                \
    const int lid = (int)get_local_id(0);                                                          \
    long base[6];                                                                                  \
    ocl_norm_row(&s, i, base);                                                                     \
    const long share = (s.len + OCL_GROUP - 1) / OCL_GROUP;                                        \
    const long begin = min(s.len, lid * share), end = min(s.len, begin + share);                   \
    float mean, var;                                                                               \
    if (s.flags & OCL_NORM_GIVEN) {                                                                \
      mean = OCL_CAT2(LOAD, D)(mean_in, base[4]);                                                  \
      var = OCL_CAT2(LOAD, D)(var_in, base[5]);                                                    \
    } else {                                                                                       \
      part[lid] = OCL_CAT2(ocl_norm_sum, D)(x, &s, base, begin, end, 1, 0.0f);                     \
      for (int width = OCL_GROUP / 2; width > 0; width /= 2) {                                     \
        barrier(CLK_LOCAL_MEM_FENCE);                                                              \
        if (lid < width) part[lid] += part[lid + width];                                           \
      }                                                                                            \
      barrier(CLK_LOCAL_MEM_FENCE);                                                                \
      mean = part[0] / (float)s.len;                                                               \
      barrier(CLK_LOCAL_MEM_FENCE);                                                                \
      part[lid] = OCL_CAT2(ocl_norm_sum, D)(x, &s, base, begin, end, 2, mean);                     \
      for (int width = OCL_GROUP / 2; width > 0; width /= 2) {                                     \
        barrier(CLK_LOCAL_MEM_FENCE);                                                              \
        if (lid < width) part[lid] += part[lid + width];                                           \
      }                                                                                            \
      barrier(CLK_LOCAL_MEM_FENCE);                                                                \
      var = part[0] / (float)s.len;                                                                \
    }                                                                                              \
    const float inv = 1.0f / sqrt(var + s.epsilon);                                                \
    if (lid == 0) ocl_norm_stats(&s, base, mean_out, inv_out, mean, inv);                          \
    OCL_CAT2(ocl_norm_write, D)(y, x, scale, bias, &s, base, begin, end, mean, inv);               \
  }

NORM_KERNELS(f32)
NORM_KERNELS(f16)

/* ---- u8: ReduceMax, ReduceMin, ArgMax, ArgMin ----------------------------------------------- */

#ifndef ST_u8
#define ST_u8 uchar
#define CT_u8 uint
#define LOAD_u8(p, i) ((uint)(p)[i])
#define STORE_u8(p, i, v) ((p)[i] = (uchar)(v))
#endif
#define ACC_u8 uint
#define IDENT_maximum_u8 0u
#define IDENT_minimum_u8 255u
#define FOLD_maximum_u8(a, v) max(a, v)
#define FOLD_minimum_u8(a, v) min(a, v)
#define ARG_TAKES_u8 ARG_TAKES_INT

FOLD_KERNELS(maximum, u8)
FOLD_KERNELS(minimum, u8)
ARG_ALL(u8)

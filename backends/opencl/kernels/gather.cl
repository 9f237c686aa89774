/* gather.cl - Gather, Pad, ConstantOfShape (fill), Shape and Range
 * (xop_cl_launch_plan, backends/common/xhal_op_launch_cl.c, plans their
 * launches; common.cl comes first). Data is moved by element size: ET_1 ..
 * ET_8 are the storage types. */

#define ET_1 uchar
#define ET_2 ushort
#define ET_4 uint
#define ET_8 ulong

/* Gather: nd walks the output (set 0), the data without the gathered axis
 * (set 1) and the indices (set 2); extent and stride of the axis. */
typedef struct ocl_gather {
  ocl_nd_t nd;
  long extent;
  long stride;
} ocl_gather_t;

#define OCL_GATHER(size, ix)                                                                       \
  __kernel void gather_##size##_##ix(__global ET_##size *y, __global const ET_##size *x,           \
                                     __global const ST_##ix *indices, const ocl_gather_t s) {      \
    const long i = get_global_id(0);                                                               \
    if (i >= s.nd.count) return;                                                                   \
    long off[3];                                                                                   \
    OCL_ND_OFFSETS(s.nd, i, 3, off);                                                               \
    long v = (long)indices[off[2]];                                                                \
    if (v < 0) v += s.extent;                                                                      \
    y[off[0]] = v >= 0 && v < s.extent ? x[off[1] + v * s.stride] : (ET_##size)0;                  \
  }

OCL_GATHER(1, i32)
OCL_GATHER(2, i32)
OCL_GATHER(4, i32)
OCL_GATHER(8, i32)
OCL_GATHER(1, i64)
OCL_GATHER(2, i64)
OCL_GATHER(4, i64)
OCL_GATHER(8, i64)

/* Pad: output dims/strides, the cropped input's dims and strides, the
 * padding before each dim, mode (0 constant, 1 reflect, 2 edge) and the
 * constant's element bits. */
typedef struct ocl_pad {
  long dims[OCL_MAX_RANK];
  long ystrides[OCL_MAX_RANK];
  long xdims[OCL_MAX_RANK];
  long xstrides[OCL_MAX_RANK];
  long begin[OCL_MAX_RANK];
  long offsets[2];
  long count;
  long bits;
  int rank;
  int mode;
} ocl_pad_t;

inline long ocl_pad_map(int mode, long j, long n) {
  if (j >= 0 && j < n) return j;
  if (mode == 0) return -1;
  if (mode == 2 || n == 1) return j < 0 ? 0 : n - 1;
  const long period = 2 * (n - 1);
  long m = j % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

#define OCL_PAD(size)                                                                              \
  __kernel void pad_##size(__global ET_##size *y, __global const ET_##size *x, const ocl_pad_t s) { \
    const long i = get_global_id(0);                                                               \
    if (i >= s.count) return;                                                                      \
    long r = i, yo = s.offsets[0], xo = s.offsets[1];                                              \
    int outside = 0;                                                                               \
    for (int k = s.rank - 1; k >= 0; --k) {                                                        \
      const long c = r % s.dims[k];                                                                \
      r /= s.dims[k];                                                                              \
      yo += c * s.ystrides[k];                                                                     \
      const long m = ocl_pad_map(s.mode, c - s.begin[k], s.xdims[k]);                              \
      if (m < 0) outside = 1;                                                                      \
      else xo += m * s.xstrides[k];                                                                \
    }                                                                                              \
    y[yo] = outside ? (ET_##size)s.bits : x[xo];                                                   \
  }

OCL_PAD(1)
OCL_PAD(2)
OCL_PAD(4)
OCL_PAD(8)

/* ConstantOfShape: every output element (set 0 of nd) gets bits. */
#define OCL_FILL(size)                                                                             \
  __kernel void fill_##size(__global ET_##size *y, const ocl_nd_t s, const long bits) {            \
    const long i = get_global_id(0);                                                               \
    if (i >= s.count) return;                                                                      \
    long off[1];                                                                                   \
    OCL_ND_OFFSETS(s, i, 1, off);                                                                  \
    y[off[0]] = (ET_##size)bits;                                                                   \
  }

OCL_FILL(1)
OCL_FILL(2)
OCL_FILL(4)
OCL_FILL(8)

/* Shape: y[offset + i * stride] = values[i], i < count (<= 8). */
typedef struct ocl_shape {
  long values[OCL_MAX_RANK];
  long offset;
  long stride;
  long count;
} ocl_shape_t;

__kernel void shape_i64(__global long *y, const ocl_shape_t s) {
  const long i = get_global_id(0);
  if (i < s.count) y[s.offset + i * s.stride] = s.values[i];
}

/* Range: y[i] = start + i * delta; offsets of y, start, delta. */
typedef struct ocl_range {
  long offsets[3];
  long ystride;
  long count;
} ocl_range_t;

__kernel void range_f32(__global float *y, __global const float *a, __global const float *d,
                        const ocl_range_t s) {
  const long i = get_global_id(0);
  if (i < s.count) y[s.offsets[0] + i * s.ystride] = fma((float)i, d[s.offsets[2]], a[s.offsets[1]]);
}

#define OCL_RANGE_INT(t)                                                                           \
  __kernel void range_##t(__global ST_##t *y, __global const ST_##t *a, __global const ST_##t *d,  \
                          const ocl_range_t s) {                                                   \
    const long i = get_global_id(0);                                                               \
    if (i < s.count)                                                                               \
      y[s.offsets[0] + i * s.ystride] =                                                            \
          WRAP_##t((UT_##t)a[s.offsets[1]] + (UT_##t)i * (UT_##t)d[s.offsets[2]]);                 \
  }

OCL_RANGE_INT(i32)
OCL_RANGE_INT(i64)

/* shape.cl - the copy the data-movement operators need beyond copy_N of
 * eltwise.cl: a linear copy, which pairs the elements of two views of
 * different dims in row-major order (a Reshape whose input and output
 * layouts share no common dims). One work-item per element. */

/* Mirrored by ocl_op.c (ocl_linear_t). dims outermost first; element
 * offsets; each rank >= 1. */
typedef struct ocl_linear {
  long odims[OCL_MAX_RANK];
  long ostrides[OCL_MAX_RANK];
  long idims[OCL_MAX_RANK];
  long istrides[OCL_MAX_RANK];
  long offsets[2]; /* y, x */
  long count;
  int orank;
  int irank;
} ocl_linear_t;

inline long ocl_linear_offset(long i, int rank, const long *dims, const long *strides,
                              long offset) {
  for (int k = rank - 1; k > 0; --k) {
    const long q = i / dims[k];
    offset += (i - q * dims[k]) * strides[k];
    i = q;
  }
  return offset + i * strides[0];
}

#define LINEAR_KERNEL(SIZE, T)                                                                     \
  __kernel void linear_##SIZE(__global T *y, __global const T *a, const ocl_linear_t s) {         \
    const long i = get_global_id(0);                                                               \
    if (i >= s.count) return;                                                                      \
    long od[OCL_MAX_RANK], os[OCL_MAX_RANK], id[OCL_MAX_RANK], is[OCL_MAX_RANK];                  \
    for (int k = 0; k < OCL_MAX_RANK; ++k) {                                                       \
      od[k] = s.odims[k], os[k] = s.ostrides[k], id[k] = s.idims[k], is[k] = s.istrides[k];       \
    }                                                                                              \
    y[ocl_linear_offset(i, s.orank, od, os, s.offsets[0])] =                                       \
        a[ocl_linear_offset(i, s.irank, id, is, s.offsets[1])];                                    \
  }

LINEAR_KERNEL(1, uchar)
LINEAR_KERNEL(2, ushort)
LINEAR_KERNEL(4, uint)
LINEAR_KERNEL(8, ulong)

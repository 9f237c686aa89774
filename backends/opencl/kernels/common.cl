/* common.cl - definitions shared by the operator programs of the OpenCL
 * backend; ocl_op.c puts this text in front of every program.
 *
 * OpenCL C 1.2, no extensions: f16 tensors are only loaded and stored
 * (vload_half / vstore_half_rte, core) and computed in float; i64 is core
 * `long`. The launch structs below are mirrored field for field by
 * ocl_op.c (which static_asserts their sizes): only long and int fields,
 * longs first, so host and device agree on the layout. */

#define OCL_MAX_RANK 8

/* ---- dtypes: storage type ST, compute type CT, unsigned type UT -------------------- */
#define ST_f32 float
#define CT_f32 float
#define LOAD_f32(p, i) ((p)[i])
#define STORE_f32(p, i, v) ((p)[i] = (v))

#define ST_f16 half
#define CT_f16 float
#define LOAD_f16(p, i) vload_half((size_t)(i), (p))
#define STORE_f16(p, i, v) vstore_half_rte((v), (size_t)(i), (p))

#define ST_i32 int
#define CT_i32 int
#define UT_i32 uint
#define LOAD_i32(p, i) ((p)[i])
#define STORE_i32(p, i, v) ((p)[i] = (v))
#define WRAP_i32(u) as_int((uint)(u))

#define ST_i64 long
#define CT_i64 long
#define UT_i64 ulong
#define LOAD_i64(p, i) ((p)[i])
#define STORE_i64(p, i, v) ((p)[i] = (v))
#define WRAP_i64(u) as_long((ulong)(u))

#define OCL_CAT2_(a, b) a##_##b
#define OCL_CAT2(a, b) OCL_CAT2_(a, b)
#define OCL_CAT3_(a, b, c) a##_##b##_##c
#define OCL_CAT3(a, b, c) OCL_CAT3_(a, b, c)

/* Float sums add blocks of this many terms before adding the block to the
 * total, so the rounding error grows with block + n / block instead of n. */
#define OCL_SUM_BLOCK 256

/* Set by ocl_op.c's build options, from the device's work-group limit:
 * OCL_GROUP, the work-group size of the kernels that give one output to a
 * whole group (a power of two); OCL_TILE, the side of MatMul's square
 * work-groups; OCL_REG, the side of the block of outputs each MatMul
 * work-item computes. */
#if !defined(OCL_GROUP) || !defined(OCL_TILE) || !defined(OCL_REG)
#error "build with -DOCL_GROUP=<power of two> -DOCL_TILE=<side> -DOCL_REG=<side>"
#endif

/* ---- Launch descriptions ------------------------------------------------------------ */

/* Elementwise: operand 0 is the output, 1 and 2 the inputs (broadcast dims
 * have stride 0). dims[0..rank) outermost first; element offsets. */
typedef struct ocl_nd {
  long dims[OCL_MAX_RANK];
  long strides[3][OCL_MAX_RANK];
  long offsets[3];
  long count;
  int rank;
  int pad;
} ocl_nd_t;

/* Linear element index i -> element offsets of the first n operands. The
 * outermost coordinate needs no division. */
#define OCL_ND_OFFSETS(s, i, n, off)                                                               \
  do {                                                                                             \
    long r_ = (i);                                                                                 \
    for (int o_ = 0; o_ < (n); ++o_) (off)[o_] = (s).offsets[o_];                                  \
    for (int k_ = (s).rank - 1; k_ > 0; --k_) {                                                    \
      const long q_ = r_ / (s).dims[k_], c_ = r_ - q_ * (s).dims[k_];                              \
      r_ = q_;                                                                                     \
      for (int o_ = 0; o_ < (n); ++o_) (off)[o_] += c_ * (s).strides[o_][k_];                      \
    }                                                                                              \
    for (int o_ = 0; o_ < (n); ++o_) (off)[o_] += r_ * (s).strides[o_][0];                         \
  } while (0)

/* ReduceSum/ReduceMean: kept dims (strides of y then x) index the outputs;
 * reduced dims (strides of x) are summed for each. */
typedef struct ocl_reduce {
  long kdims[OCL_MAX_RANK];
  long kstrides[2][OCL_MAX_RANK];
  long rdims[OCL_MAX_RANK];
  long rstrides[OCL_MAX_RANK];
  long offsets[2]; /* y, x */
  long nout;       /* outputs */
  long len;        /* terms per output */
  int krank;       /* >= 1 */
  int rrank;       /* >= 1 */
  int mean;
  int pad;
} ocl_reduce_t;

/* Softmax: outer dims (strides of y then x) index the rows; a row has len
 * elements, ystride/xstride apart. */
typedef struct ocl_softmax {
  long odims[OCL_MAX_RANK];
  long ostrides[2][OCL_MAX_RANK];
  long offsets[2]; /* y, x */
  long rows;
  long len;
  long ystride, xstride;
  int orank; /* >= 1 */
  int pad;
} ocl_softmax_t;

/* MatMul/Gemm: Y[b] (m x n) = alpha * A[b] (m x k) * B[b] (k x n) + beta * C,
 * each matrix with a row and a column stride; batch dims (strides of y, a,
 * b) index b. Floats use alpha/beta, integers ialpha/ibeta (wrapping). */
typedef struct ocl_matmul {
  long bdims[OCL_MAX_RANK];
  long bstrides[3][OCL_MAX_RANK];
  long offsets[4]; /* y, a, b, c */
  long m, n, k;
  long ys0, ys1, as0, as1, bs0, bs1, cs0, cs1;
  long ialpha, ibeta;
  float alpha, beta;
  int brank;
  int has_c; /* C present and beta != 0 */
} ocl_matmul_t;

/* The two launch shapes of the elementwise kernels: OCL_ARG_<kind> is the
 * launch argument (with its comma), OCL_OFFSETS_<kind> gives the operands'
 * element offsets of work-item i (returning early past the end for nd).
 * dense: every operand contiguous from element 0, the global size exactly
 * the element count, no launch argument at all (a by-value argument is a
 * copy per enqueue on PoCL, the dearest part of a small launch). */
#define OCL_ARG_nd , const ocl_nd_t s
#define OCL_ARG_dense
#define OCL_OFFSETS_dense(i, n, off)                                                               \
  for (int o_ = 0; o_ < (n); ++o_) (off)[o_] = (i)
#define OCL_OFFSETS_nd(i, n, off)                                                                  \
  if ((i) >= s.count) return;                                                                      \
  OCL_ND_OFFSETS(s, i, n, off)
/* Conv, ConvTranspose and the pools (conv.cl): NCHW on 3 spatial dims
 * (fewer are padded at the front with unit dims). Strides of y, x and w in
 * elements: [0] batch / w dim 0, [1] channel / w dim 1, [2..4] spatial. */
typedef struct ocl_conv {
  long ys[5], xs[5], ws[5];
  long in[3], out[3], k[3], s[3], d[3], p[3], pe[3];
  long offsets[4]; /* y, x, w, b */
  long m;          /* output channels */
  long cg, mg;     /* input and output channels per group */
  long bs;         /* bias stride */
  long count;      /* output elements */
  int has_b;
  int mode; /* pools: 0 max, 1 average, 2 average counting the padding */
} ocl_conv_t;
/* Normalisations (norm.cl): rows indexed by the outer dims (strides of y,
 * x, scale, bias, mean, var), each row walking the inner dims (strides of
 * y, x, scale, bias). flags: OCL_NORM_BIAS (bias present), OCL_NORM_GIVEN
 * (mean and var read from their tensors, BatchNormalization). */
#define OCL_NORM_BIAS 1
#define OCL_NORM_GIVEN 2
typedef struct ocl_norm {
  long odims[OCL_MAX_RANK];
  long ostrides[6][OCL_MAX_RANK];
  long idims[OCL_MAX_RANK];
  long istrides[4][OCL_MAX_RANK];
  long offsets[6]; /* y, x, scale, bias, mean, var */
  long rows;
  long len;
  float epsilon;
  int orank; /* >= 1 */
  int irank; /* >= 1 */
  int flags;
} ocl_norm_t;
/* MaxPool's Indices (conv.cl max_pool_indices_*): the i64 output's strides
 * (N, C and the 3 spatial dims padded like ocl_conv_t's), its element
 * offset, and storage_order (1: spatial dims column-major in the index). */
typedef struct ocl_pool_indices {
  long is[5];
  long offset;
  int order;
  int unused;
} ocl_pool_indices_t;

/* The address space of a helper function's pointer to a __local array.
 * The CUDA backend, which compiles these files as CUDA C++, defines it
 * empty first (a pointer to __shared__ memory is a plain pointer there). */
#ifndef OCL_LOCAL_PARAM
#define OCL_LOCAL_PARAM __local
#endif

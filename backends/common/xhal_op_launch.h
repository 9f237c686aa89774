/* xhal_op_launch.h - the launch planner of the OpenCL C operator kernels
 * (backends/opencl/kernels/<family>.cl), shared by every backend that runs them:
 * the OpenCL backend (as OpenCL C) and the Level Zero backend (the same
 * sources compiled to SPIR-V).
 *
 * xop_launch_plan turns a validated plan (xop_check) into one kernel
 * launch: which program (kernel file and build variant), which kernel (a
 * slot for the backend's kernel cache and the kernel's name in parts), its
 * arguments (the buffers of some of the plan's views, then at most one
 * launch struct by value, laid out as kernels/common.cl declares it) and
 * its work sizes (global, a multiple of local, in 1 to 3 dims). A backend
 * only maps a program to its built module, a view to its memory handle,
 * and calls its API (clSetKernelArg + clEnqueueNDRangeKernel;
 * zeKernelSetArgumentValue + zeCommandListAppendLaunchKernel).
 *
 * The launch path formats no string: the kernel name comes in parts, to be
 * joined (XOP_LAUNCH_NAME_FORMAT) only when a backend creates the kernel
 * or writes a message. Pure C, no OpenCL or Level Zero type; thread-safe. */
#ifndef XHAL_OP_LAUNCH_H
#define XHAL_OP_LAUNCH_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "xhal_op_check.h"
#include "xhal_op_layout.h"

/* ---- Launch structs (kernels/common.cl; cl_long = int64_t, cl_int =
 * int32_t, cl_float = float) -------------------------------------------------------------- */

#define XOP_LAUNCH_MAX_RANK 8

/* ocl_nd_t: an elementwise op over dims, strides[0] the output's,
 * strides[1 + i] input i's; offsets in elements. */
typedef struct xop_launch_nd {
  int64_t dims[XOP_LAUNCH_MAX_RANK];
  int64_t strides[3][XOP_LAUNCH_MAX_RANK];
  int64_t offsets[3];
  int64_t count;
  int32_t rank;
  int32_t pad;
} xop_launch_nd_t;

/* ocl_reduce_t: one output per kept index, len terms each. */
typedef struct xop_launch_reduce {
  int64_t kdims[XOP_LAUNCH_MAX_RANK];
  int64_t kstrides[2][XOP_LAUNCH_MAX_RANK];
  int64_t rdims[XOP_LAUNCH_MAX_RANK];
  int64_t rstrides[XOP_LAUNCH_MAX_RANK];
  int64_t offsets[2];
  int64_t nout;
  int64_t len;
  int32_t krank;
  int32_t rrank;
  int32_t mean;
  int32_t pad;
} xop_launch_reduce_t;

/* ocl_softmax_t: rows along the plan's axis (Softmax, LogSoftmax, ArgMax). */
typedef struct xop_launch_softmax {
  int64_t odims[XOP_LAUNCH_MAX_RANK];
  int64_t ostrides[2][XOP_LAUNCH_MAX_RANK];
  int64_t offsets[2];
  int64_t rows;
  int64_t len;
  int64_t ystride, xstride;
  int32_t orank;
  int32_t pad;
} xop_launch_softmax_t;

/* ocl_matmul_t: batched Y = alpha * A.B + beta * C. */
typedef struct xop_launch_matmul {
  int64_t bdims[XOP_LAUNCH_MAX_RANK];
  int64_t bstrides[3][XOP_LAUNCH_MAX_RANK];
  int64_t offsets[4];
  int64_t m, n, k;
  int64_t ys0, ys1, as0, as1, bs0, bs1, cs0, cs1;
  int64_t ialpha, ibeta;
  float alpha, beta;
  int32_t brank;
  int32_t has_c;
} xop_launch_matmul_t;

static_assert(XHAL_MAX_RANK == XOP_LAUNCH_MAX_RANK, "kernels index at most 8 dims");
static_assert(sizeof(xop_launch_nd_t) == 37 * 8, "ocl_nd_t layout");
static_assert(sizeof(xop_launch_reduce_t) == 44 * 8 + 16, "ocl_reduce_t layout");
static_assert(sizeof(xop_launch_softmax_t) == 30 * 8 + 8, "ocl_softmax_t layout");
static_assert(sizeof(xop_launch_matmul_t) == 49 * 8 + 16, "ocl_matmul_t layout");

/* ---- Programs, kernels and work sizes ---------------------------------------------------- */

/* The kernel files (each built after common.cl) and build variants. */
typedef enum xop_launch_program {
  XOP_LAUNCH_ELTWISE = 0,   /* eltwise.cl */
  XOP_LAUNCH_ELTWISE_DENSE, /* eltwise.cl built with -DOCL_DENSE */
  XOP_LAUNCH_REDUCE,        /* reduce.cl */
  XOP_LAUNCH_SOFTMAX,       /* softmax.cl */
  XOP_LAUNCH_MATMUL,        /* matmul.cl */
  XOP_LAUNCH_NORM,          /* norm.cl (after reduce.cl and softmax.cl) */
  XOP_LAUNCH_PROGRAM_COUNT
} xop_launch_program_t;

/* OCL_GROUP and OCL_TILE of the kernels a backend compiles at build time
 * rather than per device (Level Zero's SPIR-V, CUDA's fatbin), for
 * devices that allow 256 work-items per group; OCL_REG is
 * XOP_LAUNCH_MATMUL_REG. */
#define XOP_LAUNCH_FIXED_GROUP 64
#define XOP_LAUNCH_FIXED_TILE 16

/* Work-group size of the elementwise and one-item-per-output kernels (any
 * size works; a multiple of the SIMD width lets a CPU device vectorise). */
#define XOP_LAUNCH_LOCAL 64

/* Outputs per MatMul work-item on each side: OCL_REG of kernels/matmul.cl;
 * 4 measured 5x faster than 1 on PoCL, 8 only 10% faster than 4 with
 * blocks too large for small matrices. */
#define XOP_LAUNCH_MATMUL_REG 4

/* Above this many terms per output, and with few outputs, one work-group
 * shares each output instead of one work-item doing it alone. */
#define XOP_LAUNCH_GROUP_MIN_LEN 256
#define XOP_LAUNCH_GROUP_MAX_OUTPUTS 4096

/* Kernel slots of eltwise.cl (the same in its dense variant): + 4 * op +
 * dtype index for binary and unary, + log2(element size) for copy, + 4 *
 * from + to for cast. The other files use the dtype index (+ 4 for the
 * work-group variants), norm.cl the ranges below. */
enum {
  XOP_LAUNCH_SLOT_BINARY = 0, /* 16 */
  XOP_LAUNCH_SLOT_UNARY = 16, /* 24 */
  XOP_LAUNCH_SLOT_COPY = 40,  /* 4 */
  XOP_LAUNCH_SLOT_CAST = 44,  /* 16 */
  XOP_LAUNCH_SLOT_END = 60
};

/* Kernel slots of norm.cl: + 8 * kind (Max, Min, Prod) + 4 * group + dtype;
 * + 4 * (ArgMin, select_last) + dtype; + 4 * group + dtype. u8 (after
 * them): Max/Min + 8 * kind + 4 * group; Arg + 2 * ArgMin + select_last. */
enum {
  XOP_LAUNCH_SLOT_NORM_REDUCE = 0,       /* 24 */
  XOP_LAUNCH_SLOT_NORM_ARG = 24,         /* 16 */
  XOP_LAUNCH_SLOT_NORM_LOG_SOFTMAX = 40, /* 8 */
  XOP_LAUNCH_SLOT_NORM_NORM = 48,        /* 8 */
  XOP_LAUNCH_SLOT_NORM_END = 56,
  XOP_LAUNCH_SLOT_NORM_U8_REDUCE = 104,
  XOP_LAUNCH_SLOT_NORM_U8_ARG = 120,
  XOP_LAUNCH_SLOT_NORM_U8_END = 124
};

/* Kernel slots a program uses at most (a backend's cache size). */
#define XOP_LAUNCH_MAX_SLOTS 128

/* A kernel's name, "<base><variant>_<suffix>_<suffix2>" ("add" "_dense"
 * "f32"; "cast" "f32" "f16"); variant, suffix and suffix2 may be NULL. */
typedef struct xop_launch_name {
  const char *base;
  const char *variant;
  const char *suffix;
  const char *suffix2;
} xop_launch_name_t;

/* Sets *name; returns 1: a catalogue's "this slot holds a kernel". */
static inline int xop_launch_name_set(xop_launch_name_t *name, const char *base,
                                      const char *variant, const char *suffix,
                                      const char *suffix2) {
  *name = (xop_launch_name_t){base, variant, suffix, suffix2};
  return 1;
}

#define XOP_LAUNCH_NAME_FORMAT "%s%s%s%s%s%s"
#define XOP_LAUNCH_NAME_ARGS(n)                                                                    \
  (n)->base, (n)->variant ? (n)->variant : "", (n)->suffix ? "_" : "",                             \
      (n)->suffix ? (n)->suffix : "", (n)->suffix2 ? "_" : "", (n)->suffix2 ? (n)->suffix2 : ""

/* What the device's build of the kernels fixed. */
typedef struct xop_launch_config {
  uint32_t group; /* OCL_GROUP: the work-group variants' group size */
  uint32_t tile;  /* OCL_TILE: MatMul's work-groups are tile x tile */
  int dense;      /* XOP_LAUNCH_ELTWISE_DENSE is available */
} xop_launch_config_t;

#define XOP_LAUNCH_MAX_BUFFERS 4

/* One kernel launch. The arguments are buffers[0..buffer_count) (the
 * views' buffers, passed as the backend's memory handles), then data by
 * value when data_size is not 0. global[d] is a multiple of local[d];
 * entries from dims on are 1. */
typedef struct xop_launch {
  xop_launch_program_t program;
  uint32_t slot; /* < XOP_LAUNCH_MAX_SLOTS */
  xop_launch_name_t name;
  uint32_t buffer_count;
  const xop_view_t *buffers[XOP_LAUNCH_MAX_BUFFERS];
  uint32_t data_size;
  uint32_t dims;
  size_t global[3];
  size_t local[3];
  union {
    xop_launch_nd_t nd;
    xop_launch_reduce_t reduce;
    xop_launch_softmax_t softmax;
    xop_launch_matmul_t matmul;
  } data;
} xop_launch_t;

/* Plans the launch of a validated plan whose output is not empty, for the
 * ops of eltwise.cl (Copy, Transpose, Cast, Add..Div, Neg, Abs, Relu, Exp,
 * Sigmoid, Tanh), reduce.cl (ReduceSum, ReduceMean), softmax.cl
 * (Softmax), matmul.cl (MatMul, Gemm) and the row ops of norm.cl
 * (ReduceMax/Min/Prod, LogSoftmax, ArgMax/ArgMin). Returns 1 with *out
 * filled, 0 for another op (or a slot xop_launch_kernel_name has no
 * kernel in: a planner bug the backend reports as INTERNAL). */
int xop_launch_plan(const xop_plan_t *plan, const xop_launch_config_t *config, xop_launch_t *out);

/* The kernel in slot of program: 1 with *name set, 0 (name empty) when the
 * slot holds none. The catalogue of the planner: xop_launch_plan names
 * every kernel it launches from here, so that listing every slot of every
 * program (backends/common/xop_kernel_list.c) lists every kernel it can
 * launch, which the tests look up by name in each backend's compiled
 * kernels. */
int xop_launch_kernel_name(xop_launch_program_t program, uint32_t slot, xop_launch_name_t *name);

/* ---- Helpers for backends' own launches of the same kernel files ------------------------- */

/* f32 0, f16 1, i32 2, i64 (and any other) 3: the kernels' dtype index. */
uint32_t xop_launch_dtype_index(uint32_t dtype);

/* The dtype name ("f32", "f16", "i32", "i64") of a dtype index. */
const char *xop_launch_dtype_index_name(uint32_t index);

/* "1", "2", "4", "8" by log2(element size): the suffix of the kernels
 * that move elements of a size (copy_<size>, linear_<size>, ...). */
extern const char *const xop_launch_sizes[4];

/* Element offset of a view (its byte offset is a multiple of the size). */
static inline int64_t xop_launch_offset(const xop_view_t *view) {
  return (int64_t)(view->byte_offset / xop_dtype_size(view->dtype));
}

static inline size_t xop_launch_round_up(size_t n, size_t to) {
  return (n + to - 1) / to * to;
}

/* 1 when outputs of len terms each should use the work-group variant. */
static inline int xop_launch_use_group(int64_t outputs, int64_t len) {
  return len > XOP_LAUNCH_GROUP_MIN_LEN && outputs <= XOP_LAUNCH_GROUP_MAX_OUTPUTS;
}

/* The ocl_nd_t of an elementwise op over its simplified iteration space
 * d (xop_layout_eltwise of plan). */
void xop_launch_nd_make(const xop_plan_t *plan, const xop_dims_t *d, xop_launch_nd_t *s);

#endif

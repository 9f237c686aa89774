/* xhal_op_launch_cl.h - the launch planner of the model operators' OpenCL C
 * kernel programs (backends/opencl/kernels: shape.cl conv.cl unary.cl
 * gather.cl resize.cl binary.cl, and norm.cl's normalisations), the part
 * of the shared planner (xhal_op_launch.h, whose launch structs, kernel
 * names, helpers and norm.cl slots it uses; xop_launch_plan plans norm.cl's
 * row ops) that xop_launch_t cannot carry yet: up to 9 buffers, two
 * by-value arguments, host tables. Used by the OpenCL backend
 * (backends/opencl/ocl_op.c), the CUDA backend, which compiles these
 * sources as CUDA C++ (backends/cuda/kernels/cu_opencl_compat.cuh), and
 * the Level Zero backend, which runs them as SPIR-V.
 *
 * xop_cl_launch_plan turns a validated plan (xop_check) into one kernel
 * launch: the program, a kernel slot (unique per kernel of a program, for
 * the backend's kernel cache), the kernel's name in static parts (joined
 * only when the backend resolves the kernel), its arguments in the
 * kernel's order (buffers, launch structs by value as kernels/common.cl
 * and the family files declare them, host tables for a temporary device
 * buffer) and a 1-D range (global a multiple of local). A kernel change
 * (a new dtype, a new argument) is made here once for both backends. Pure
 * C; thread-safe. */
#ifndef XHAL_OP_LAUNCH_CL_H
#define XHAL_OP_LAUNCH_CL_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "xhal_op_check.h"
#include "xhal_op_launch.h"

#define XOP_CL_MAX_RANK XOP_LAUNCH_MAX_RANK

/* The programs, each common.cl followed by its file(s). */
/* BINARY_FP64: binary_fp64.cl (Pow with an integer base and a float
 * exponent, in double; on OpenCL only where cl_khr_fp64 is). */
#define XOP_CL_PROGRAM_LIST(X) \
  X(SHAPE) X(CONV) X(UNARY) X(GATHER) X(RESIZE) X(BINARY) X(NORM) X(BINARY_FP64)
typedef enum xop_cl_program {
#define XOP_CL_PROGRAM_ID(name) XOP_CL_##name,
  XOP_CL_PROGRAM_LIST(XOP_CL_PROGRAM_ID)
#undef XOP_CL_PROGRAM_ID
  XOP_CL_PROGRAM_COUNT
} xop_cl_program_t;

/* Kernel slots a program uses at most. */
#define XOP_CL_MAX_SLOTS XOP_LAUNCH_MAX_SLOTS

/* ---- Launch structs (kernels/common.cl and the family files; long =
 * int64_t, int = int32_t, float = float) ----------------------------------------------- */

typedef struct xop_cl_ndx { /* ocl_ndx_t (binary.cl) */
  int64_t dims[XOP_CL_MAX_RANK];
  int64_t strides[9][XOP_CL_MAX_RANK];
  int64_t offsets[9];
  int64_t count;
  int32_t rank;
  int32_t nin;
} xop_cl_ndx_t;

typedef struct xop_cl_conv { /* ocl_conv_t */
  int64_t ys[5], xs[5], ws[5];
  int64_t in[3], out[3], k[3], s[3], d[3], p[3], pe[3];
  int64_t offsets[4];
  int64_t m;
  int64_t cg, mg;
  int64_t bs;
  int64_t count;
  int32_t has_b;
  int32_t mode;
} xop_cl_conv_t;

typedef struct xop_cl_pool_indices { /* ocl_pool_indices_t */
  int64_t is[5];
  int64_t offset;
  int32_t order;
  int32_t unused;
} xop_cl_pool_indices_t;

typedef struct xop_cl_norm { /* ocl_norm_t */
  int64_t odims[XOP_CL_MAX_RANK];
  int64_t ostrides[6][XOP_CL_MAX_RANK];
  int64_t idims[XOP_CL_MAX_RANK];
  int64_t istrides[4][XOP_CL_MAX_RANK];
  int64_t offsets[6];
  int64_t rows;
  int64_t len;
  float epsilon;
  int32_t orank;
  int32_t irank;
  int32_t flags;
} xop_cl_norm_t;

typedef struct xop_cl_unary { /* ocl_unary_t (unary.cl) */
  int64_t ilo, ihi;
  float alpha, beta;
  float lo, hi;
  int32_t gelu_tanh;
  int32_t pad;
} xop_cl_unary_t;

typedef struct xop_cl_linear { /* ocl_linear_t (shape.cl) */
  int64_t odims[XOP_CL_MAX_RANK];
  int64_t ostrides[XOP_CL_MAX_RANK];
  int64_t idims[XOP_CL_MAX_RANK];
  int64_t istrides[XOP_CL_MAX_RANK];
  int64_t offsets[2];
  int64_t count;
  int32_t orank;
  int32_t irank;
} xop_cl_linear_t;

typedef struct xop_cl_gather { /* ocl_gather_t (gather.cl) */
  xop_launch_nd_t nd;
  int64_t extent, stride;
} xop_cl_gather_t;

typedef struct xop_cl_pad { /* ocl_pad_t (gather.cl) */
  int64_t dims[XOP_CL_MAX_RANK];
  int64_t ystrides[XOP_CL_MAX_RANK];
  int64_t xdims[XOP_CL_MAX_RANK];
  int64_t xstrides[XOP_CL_MAX_RANK];
  int64_t begin[XOP_CL_MAX_RANK];
  int64_t offsets[2];
  int64_t count;
  int64_t bits;
  int32_t rank;
  int32_t mode;
} xop_cl_pad_t;

typedef struct xop_cl_shape { /* ocl_shape_t (gather.cl) */
  int64_t values[XOP_CL_MAX_RANK];
  int64_t offset, stride, count;
} xop_cl_shape_t;

typedef struct xop_cl_range { /* ocl_range_t (gather.cl) */
  int64_t offsets[3];
  int64_t ystride, count;
} xop_cl_range_t;

typedef struct xop_cl_resize { /* ocl_resize_t (resize.cl) */
  int64_t dims[XOP_CL_MAX_RANK];
  int64_t ystrides[XOP_CL_MAX_RANK];
  int64_t xstrides[XOP_CL_MAX_RANK];
  int64_t table[XOP_CL_MAX_RANK];
  int64_t taps[XOP_CL_MAX_RANK];
  int64_t offsets[2];
  int64_t count;
  int64_t bits; /* extrapolation_value as element bits (xop_resize_extrapolation_bits) */
  int32_t rank;
  float extrapolation;
} xop_cl_resize_t;

static_assert(sizeof(xop_cl_ndx_t) == 90 * 8 + 8, "ocl_ndx_t layout");
static_assert(sizeof(xop_cl_conv_t) == 45 * 8 + 8, "ocl_conv_t layout");
static_assert(sizeof(xop_cl_pool_indices_t) == 7 * 8, "ocl_pool_indices_t layout");
static_assert(sizeof(xop_cl_norm_t) == 104 * 8 + 16, "ocl_norm_t layout");
static_assert(sizeof(xop_cl_unary_t) == 40, "ocl_unary_t layout");
static_assert(sizeof(xop_cl_linear_t) == 35 * 8 + 8, "ocl_linear_t layout");
static_assert(sizeof(xop_cl_gather_t) == 39 * 8, "ocl_gather_t layout");
static_assert(sizeof(xop_cl_pad_t) == 44 * 8 + 8, "ocl_pad_t layout");
static_assert(sizeof(xop_cl_shape_t) == 11 * 8, "ocl_shape_t layout");
static_assert(sizeof(xop_cl_range_t) == 5 * 8, "ocl_range_t layout");
static_assert(sizeof(xop_cl_resize_t) == 44 * 8 + 8, "ocl_resize_t layout");

/* ---- One launch -------------------------------------------------------------------------- */

typedef enum xop_cl_arg_kind {
  XOP_CL_ARG_BUFFER, /* the view's whole buffer (element offsets are in the structs) */
  XOP_CL_ARG_VALUE,  /* size bytes at value, by value */
  XOP_CL_ARG_TABLE   /* size bytes at value copied to a temporary device buffer, passed as
                        that buffer and kept until the kernel has run */
} xop_cl_arg_kind_t;

typedef struct xop_cl_arg {
  xop_cl_arg_kind_t kind;
  uint32_t size;
  const xop_view_t *view; /* BUFFER */
  const void *value;      /* VALUE, TABLE */
} xop_cl_arg_t;

#define XOP_CL_MAX_ARGS 12

typedef struct xop_cl_launch {
  xop_cl_program_t program;
  uint32_t slot; /* < XOP_CL_MAX_SLOTS */
  xop_launch_name_t name; /* static strings (variant NULL) */
  uint32_t arg_count;
  xop_cl_arg_t args[XOP_CL_MAX_ARGS];
  size_t global, local; /* 1-D; global is a multiple of local */
  /* Storage of the VALUE arguments. */
  union {
    xop_launch_nd_t nd;
    xop_cl_ndx_t ndx;
    xop_cl_conv_t conv;
    xop_cl_norm_t norm;
    xop_cl_linear_t linear;
    xop_cl_gather_t gather;
    xop_cl_pad_t pad;
    xop_cl_shape_t shape;
    xop_cl_range_t range;
    xop_cl_resize_t resize;
  } data;
  union {
    xop_cl_unary_t unary;
    xop_cl_pool_indices_t indices;
    int64_t bits;
  } data2;
  void *tables; /* TABLE storage (Resize), freed by xop_cl_launch_release */
} xop_cl_launch_t;

/* 1 if xop_cl_launch_plan launches the validated plan, i.e. its op (and
 * dtypes) run on one of these programs: the normalisations (norm.cl),
 * Conv, ConvTranspose and the pools (conv.cl), unary math (unary.cl),
 * Gather, Pad, Resize, Shape, ConstantOfShape, Range (gather.cl,
 * resize.cl), the binary group and Add/Sub/Mul/Div/Abs/Cast with u8 or
 * bool (binary.cl). norm.cl's row ops are xop_launch_plan's; the
 * data-movement ops are lists of copies (xop_cl_launch_linear for the
 * linear ones). */
int xop_cl_launch_owns(const xop_plan_t *plan);

/* 1 if the validated plan launches on BINARY_FP64 (Pow with an integer
 * base and a float exponent, computed in double): a backend whose device
 * has no double (OpenCL without cl_khr_fp64) refuses it. */
int xop_cl_launch_fp64(const xop_plan_t *plan);

/* Plans the launch of an owned plan whose output is not empty; group is
 * the work-group size the programs were built with (OCL_GROUP). Returns
 * XHAL_STATUS_OK, OUT_OF_MEMORY (Resize's tables) or INTERNAL (no kernel:
 * xop_check should have refused the plan), with a message in message. The
 * launch points into plan (views) and into itself: keep both until the
 * launch is enqueued, then call xop_cl_launch_release. */
int32_t xop_cl_launch_plan(const xop_plan_t *plan, uint32_t group, xop_cl_launch_t *out,
                           char *message, size_t message_size);

/* A linear copy of y's elements from x's in row-major order (shape.cl
 * linear_<size>): a reshape between layouts with no common dims. */
void xop_cl_launch_linear(const xop_view_t *y, const xop_view_t *x, xop_cl_launch_t *out);

void xop_cl_launch_release(xop_cl_launch_t *launch);

/* How a backend runs this planner's launches. launch enqueues one
 * (xop_cl_launch_plan's or xop_cl_launch_linear's); copy runs a
 * data-movement plan's copy that is not linear, as a Copy plan
 * (xop_copy_plan; xop_cl_run_copies only); report hands a planning
 * failure's message to the host and returns its status (the backend's
 * xop_backend_t report). */
typedef struct xop_cl_runner {
  void *context;
  int32_t (*launch)(void *context, const xop_cl_launch_t *launch);
  int32_t (*copy)(void *context, const xop_plan_t *copy);
  int32_t (*report)(int32_t status, const char *message);
} xop_cl_runner_t;

/* Plans a validated plan this planner owns (xop_cl_launch_owns) whose
 * output is not empty, for programs built with OCL_GROUP group, and runs
 * its launch; the launch's storage (Resize's tables) is kept until
 * runner->launch has returned, then released. Returns launch's status, or
 * report's for a planning failure. */
int32_t xop_cl_run_plan(const xop_plan_t *plan, uint32_t group, const xop_cl_runner_t *runner);

/* Runs the copies of a data-movement plan (xop_is_shape_op) in order,
 * each one kernel on the backend's in-order stream, so that a copy that
 * reads what an earlier one wrote (Tile) sees it: a linear one (a reshape
 * between layouts with no common dims) as xop_cl_launch_linear's launch
 * (shape.cl's linear_<size>), any other through runner->copy. An empty
 * copy (a Split output of extent 0) runs nothing. Returns the first
 * status that is not XHAL_STATUS_OK (the copies after it are not run),
 * else XHAL_STATUS_OK. */
int32_t xop_cl_run_copies(const xop_plan_t *plan, const xop_cl_runner_t *runner);

/* The kernel in slot of program: 1 with *name set, 0 (name empty) when the
 * slot holds none. The catalogue of the planner, as xop_launch_kernel_name
 * is xop_launch_plan's (NORM's slots are that one's): every launch names
 * its kernel from here, so listing every slot lists every kernel the
 * planner can launch (backends/common/xop_kernel_list.c). */
int xop_cl_kernel_name(xop_cl_program_t program, uint32_t slot, xop_launch_name_t *name);

#endif

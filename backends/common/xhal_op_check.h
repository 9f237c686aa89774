/* xhal_op_check.h - validation of operator launches, shared by every backend.
 *
 * xop_check() applies every rule of an xhal_plugin_op_desc_t that does not
 * depend on the backend: struct headers, input/output counts, tensor views
 * (rank, dims, strides, byte offsets, buffers large enough and on the right
 * device), dtypes, attributes and ONNX shape inference. It turns the launch
 * into an xop_plan_t whose views are already rearranged so that kernels need
 * no ONNX knowledge:
 *   - elementwise ops (Add..Div, unary ops, Copy, Cast; Pow, Min/Max, the
 *     comparisons, Where, And/Or/Not, PRelu): every input has the output's
 *     rank and dims, broadcast dims with stride 0 (PRelu's slope broadcast
 *     to X only);
 *   - Transpose: in[0] is the input seen in output order (dims and strides
 *     permuted), so Transpose is a strided copy;
 *   - MatMul: 1-D operands promoted, in[0] (batch..., M, K), in[1]
 *     (batch..., K, N) and out (batch..., M, N) all of rank batch_rank + 2,
 *     batch dims broadcast with stride 0;
 *   - Gemm: transA/transB folded into the strides of in[0] (M, K) and in[1]
 *     (K, N); C, when present, broadcast to (M, N).
 *
 * The backend says what it supports and how to read its buffers through an
 * xop_backend_t. Every error is reported through backend->report with a
 * message that names the op, the tensor's role and index and the values
 * involved; INVALID_ARGUMENT for a launch that breaks the rules,
 * UNSUPPORTED for a valid launch the backend declared it cannot run.
 *
 * The code is compiled into each backend (backends/common/meson.build) and
 * keeps the backend's hidden visibility. Every function is thread-safe. */
#ifndef XHAL_OP_CHECK_H
#define XHAL_OP_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include <xhal/xhal_plugin.h>

/* Inputs of one launch: Where has 3, Concat/Min/Max are variadic. */
#define XOP_MAX_INPUTS 8

/* Outputs of one launch: Split has up to 8, every other op one. */
#define XOP_MAX_OUTPUTS 8

/* Strided copies of one data-movement launch (xop_plan_t.copy_*): Concat
 * and Split need one per input/output, a rank-6 Tile up to 7. */
#define XOP_MAX_COPIES 8

/* What xop_check needs to know about a backend. */
typedef struct xop_backend {
  /* Backend name in messages: "op 99 is not supported by the CPU backend". */
  const char *name;
  /* XHAL_DTYPE_BIT set of the dtypes the backend runs op with on device
   * (for Cast: the source and target dtypes it converts between). */
  uint64_t (*op_dtypes)(xhal_plugin_device_t *device, uint32_t op);
  /* The device that owns buffer, and the buffer's size in bytes. */
  xhal_plugin_device_t *(*buffer_device)(const xhal_plugin_buffer_t *buffer);
  uint64_t (*buffer_size)(const xhal_plugin_buffer_t *buffer);
  /* Hands message to the host as the reason for status; returns status. */
  int32_t (*report)(int32_t status, const char *message);
} xop_backend_t;

/* The operator families, as case labels (`XOP_CASE_SHAPE_OPS: return ...;`):
 * the ops that one check routine and one kernel family serve, named once
 * for every switch in the backends. */
#define XOP_CASE_SHAPE_OPS                                                                         \
  case XHAL_OP_RESHAPE:                                                                            \
  case XHAL_OP_FLATTEN:                                                                            \
  case XHAL_OP_SQUEEZE:                                                                            \
  case XHAL_OP_UNSQUEEZE:                                                                          \
  case XHAL_OP_CONCAT:                                                                             \
  case XHAL_OP_SPLIT:                                                                              \
  case XHAL_OP_SLICE:                                                                              \
  case XHAL_OP_EXPAND:                                                                             \
  case XHAL_OP_TILE
#define XOP_CASE_CONV_OPS                                                                          \
  case XHAL_OP_CONV:                                                                               \
  case XHAL_OP_CONV_TRANSPOSE:                                                                     \
  case XHAL_OP_MAX_POOL:                                                                           \
  case XHAL_OP_AVERAGE_POOL:                                                                       \
  case XHAL_OP_GLOBAL_AVERAGE_POOL:                                                                \
  case XHAL_OP_GLOBAL_MAX_POOL
#define XOP_CASE_GATHER_OPS                                                                        \
  case XHAL_OP_GATHER:                                                                             \
  case XHAL_OP_PAD:                                                                                \
  case XHAL_OP_RESIZE:                                                                             \
  case XHAL_OP_SHAPE:                                                                              \
  case XHAL_OP_CONSTANT_OF_SHAPE:                                                                  \
  case XHAL_OP_RANGE
#define XOP_CASE_BINARY_GROUP_OPS                                                                  \
  case XHAL_OP_POW:                                                                                \
  case XHAL_OP_MIN:                                                                                \
  case XHAL_OP_MAX:                                                                                \
  case XHAL_OP_PRELU:                                                                              \
  case XHAL_OP_EQUAL:                                                                              \
  case XHAL_OP_LESS:                                                                               \
  case XHAL_OP_GREATER:                                                                            \
  case XHAL_OP_LESS_OR_EQUAL:                                                                      \
  case XHAL_OP_GREATER_OR_EQUAL:                                                                   \
  case XHAL_OP_WHERE:                                                                              \
  case XHAL_OP_NOT:                                                                                \
  case XHAL_OP_AND:                                                                                \
  case XHAL_OP_OR

/* A validated tensor view. Element (i0..ir-1) lives at byte
 * byte_offset + esize * sum(ik * strides[k]) of buffer; strides are >= 0,
 * except in the copy_in views of a plan (Slice with negative steps). */
typedef struct xop_view {
  xhal_plugin_buffer_t *buffer; /* NULL when only support was checked */
  uint64_t byte_offset;         /* a multiple of the element size */
  uint32_t dtype;
  uint32_t rank;
  int64_t dims[XHAL_MAX_RANK];
  int64_t strides[XHAL_MAX_RANK]; /* in elements */
} xop_view_t;

/* Conv, ConvTranspose and the pools: the spatial geometry, per spatial dim
 * (xhal_op_check_conv.c). in[0] is X (N, C, D1..Dn), out is Y (N, M,
 * O1..On); Conv's in[1] is W (M, C/group, k1..kn), ConvTranspose's is W (C,
 * M/group, k1..kn), in[2] the optional bias B (M). Pools: Conv's window
 * rules with group 1; the global pools have kernel = (D1..Dn). */
#define XOP_CONV_MAX_SPATIAL 3 /* more spatial dims are UNSUPPORTED */

typedef struct xop_conv {
  uint32_t spatial; /* 1 <= n <= XOP_CONV_MAX_SPATIAL */
  int64_t group;
  int64_t kernel[XHAL_MAX_RANK];
  int64_t strides[XHAL_MAX_RANK];
  int64_t dilations[XHAL_MAX_RANK];
  /* Conv and pools: the padding before and after X (auto_pad resolved);
   * output o reads X at o * stride - pads + k * dilation. ConvTranspose:
   * what is cropped from the start and end of the full result, whose
   * position i * stride + k * dilation lands on output index minus pads
   * (pads_end may be negative when output_shape asks for more). */
  int64_t pads[XHAL_MAX_RANK];
  int64_t pads_end[XHAL_MAX_RANK];
  int count_include_pad; /* AveragePool */
  /* MaxPool with output_count 2: outs[1] is Indices (i64, Y's dims), the
   * flat index into X of each selected element (see the backends' docs);
   * storage_order 1 orders the spatial dims column-major. */
  int storage_order;
} xop_conv_t;
#include "xhal_op_check_gather.h"

/* A launch, normalised. Fields an op does not use are zero. */
typedef struct xop_plan {
  uint32_t op;      /* xhal_op_t */
  const char *name; /* ONNX name of op, static */
  uint32_t input_count;
  uint32_t output_count; /* 1 but for Split, MaxPool's Indices, LayerNormalization (1 to 3) */
  xop_view_t out; /* arranged as described at the top */
  /* Gemm: alpha and beta (default 1), transA/transB as given (already
   * applied to in[0]/in[1]). Integer Gemm has integral alpha and beta. */
  double alpha, beta;
  int trans_a, trans_b;
  /* MatMul and Gemm: leading batch dims of in[0], in[1] and out (0 for
   * Gemm), their element count, and the matrix sizes. */
  uint32_t batch_rank;
  int64_t batch, m, n, k;
  /* Softmax, LogSoftmax, LayerNormalization, ArgMax/ArgMin: the axis, in [0, rank). */
  uint32_t axis;
  /* Reduce* (Sum, Mean, Max, Min, Prod): bit k set when input dim k is reduced; 0 means
   * the op is an identity copy (noop_with_empty_axes, or a rank-0 input).
   * keepdims tells whether out keeps the reduced dims with extent 1. */
  uint32_t axes;
  int keepdims;
  /* Transpose: output dim i is input dim perm[i]. */
  uint32_t perm[XHAL_MAX_RANK];
  /* Cast: the target dtype (out.dtype). */
  uint32_t to;
  /* Data-movement ops (Reshape, Flatten, Squeeze, Unsqueeze, Concat, Split,
   * Slice, Expand, Tile; see xhal_op_check_shape.h): the whole op is
   * copy_count strided copies copy_out[i] <- copy_in[i], run in order (a
   * later copy may read what an earlier one wrote: Tile). The two views of
   * a copy have the same dims, copy_in may broadcast (stride 0) and may
   * have negative strides (Slice); when copy_linear[i] is set the dims
   * differ (same element count) and elements pair in row-major order.
   * Empty copies are left out, so copy_count may be 0. */
  uint32_t copy_count;
  uint8_t copy_linear[XOP_MAX_COPIES];
  /* Conv family: see xop_conv_t. */
  xop_conv_t conv;
  /* LeakyRelu (alpha), HardSigmoid (alpha, beta) and Elu (alpha) use
   * alpha/beta above, with the ONNX defaults, as f32 values.
   * Clip: float dtypes clip to [clip_min, clip_max], the bounds rounded to
   * f32 then to the dtype, -Inf/+Inf when absent; integer dtypes clip to
   * [clip_imin, clip_imax], saturated to the dtype's range (its limits when
   * absent). min > max gives max everywhere (min(max(x, min), max)).
   * Gelu: gelu_tanh is 1 for approximate = "tanh". */
  double clip_min, clip_max;
  int64_t clip_imin, clip_imax;
  int gelu_tanh;
  /* Gather, Pad, Resize, Shape, ConstantOfShape, Range
   * (xhal_op_check_gather.h). */
  xop_gather_params_t gather;
  /* Norms (xhal_op_check_norm.c): inputs are expanded to in[0]'s rank and
   * dims (stride 0 where they do not vary). norm_axes has bit k set when
   * dim k is part of a normalised row, the other dims index the rows
   * (LayerNormalization: dims axis..rank-1; InstanceNormalization and
   * BatchNormalization: dims 2..rank-1, a row per (N, C); BatchNormalization
   * takes a row's mean and variance from in[3]/in[4] instead of computing
   * them). epsilon as given. LayerNormalization's optional outputs Mean
   * (outs[1]) and InvStdDev (outs[2]), f32, are seen with in[0]'s dims,
   * stride 0 along the normalised dims (one element per row).
   * ArgMax/ArgMin: axis, keepdims, select_last_index; out is seen with
   * in[0]'s rank (extent 1 at axis, also when keepdims is 0). */
  uint32_t norm_axes;
  double epsilon;
  int select_last_index;
  /* ---- Arrays valid up to their counts. xop_check clears everything
   * above (this runs on every launch: clearing some 5 KB of views that
   * most ops never use would be most of its cost), so these stay last. */
  xop_view_t in[XOP_MAX_INPUTS]; /* input_count; arranged as described at the top */
  /* output_count: every output as the caller gave it (out is outs[0]
   * before an op's check rearranges it). */
  xop_view_t outs[XOP_MAX_OUTPUTS];
  xop_view_t copy_in[XOP_MAX_COPIES];  /* copy_count */
  xop_view_t copy_out[XOP_MAX_COPIES]; /* copy_count */
} xop_plan_t;

/* Validates desc for device and fills *plan. With need_buffers, every tensor
 * must have a buffer on device large enough for its view (op_launch); without
 * it buffers may be NULL and are checked only when present (op_supported).
 * Returns OK, INVALID_ARGUMENT or UNSUPPORTED (reported through backend).
 * *plan is caller scratch, written in place: on failure its content is
 * unspecified, and on success so are the entries of its trailing arrays
 * beyond their counts (see xop_plan_t). */
int32_t xop_check(const xop_backend_t *backend, xhal_plugin_device_t *device,
                  const xhal_plugin_op_desc_t *desc, int need_buffers, xop_plan_t *plan);

/* ONNX name of op ("Add"), NULL if op is not an xhal op. */
const char *xop_op_name(uint32_t op);

/* "f32", NULL for a value that is no xhal dtype. */
const char *xop_dtype_name(uint32_t dtype);

/* Bytes per element of any xhal dtype, 0 for an unknown value. */
uint64_t xop_dtype_size(uint32_t dtype);

/* XHAL_DTYPE_BIT set of every xhal dtype. */
uint64_t xop_all_dtypes(void);

/* Elements of a view (validated not to overflow by xop_check). */
int64_t xop_view_count(const xop_view_t *view);

/* The dtypes of the operator kernels every in-tree backend implements (the
 * first operator set, Copy..Cast): Copy any dtype, Exp/Sigmoid/Tanh/Softmax
 * f32 and f16, the rest f32, f16, i32 and i64; no later op. Usable as
 * xop_backend_t.op_dtypes. */
uint64_t xop_standard_op_dtypes(xhal_plugin_device_t *device, uint32_t op);

/* The dtypes of the full operator set that the CPU and OpenCL backends
 * implement: xop_standard_op_dtypes plus the operators real models need
 * (Pow..Range). Usable as xop_backend_t.op_dtypes. */
uint64_t xop_model_op_dtypes(xhal_plugin_device_t *device, uint32_t op);

/* Whether the binary group's kernels run the op (binary.cl, the CPU's
 * cpu_kernel_binary.c): XOP_CASE_BINARY_GROUP_OPS, Add/Sub/Mul/Div/Abs on
 * u8, and a Cast to or from u8 or bool. */
int xop_binary_group_owns(uint32_t op, uint32_t in_dtype, uint32_t out_dtype);

/* The Copy plan of the plan's copy i (copy_in[i] -> copy_out[i]), for
 * backends that run a data-movement op's copies as Copy launches. */
void xop_copy_plan(const xop_plan_t *plan, uint32_t i, xop_plan_t *copy);

#endif

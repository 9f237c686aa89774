/*
 * ref_ops.h - the fp64 reference of every operator the suite checks.
 *
 * Written from the ONNX operator specification (opset <= 17) plus xhal's
 * documented integer and special-value rules (docs/conformance.md), never
 * from a backend. Float inputs are exact values of their dtype; results are
 * computed in double and left unrounded (the comparison rounds them to the
 * output dtype). Integer results are exact, wrapped to their dtype.
 *
 * ref_op_infer checks a call against the op's rules (input count, dtypes,
 * shapes, attributes) and gives the output shape and dtype; ref_op_compute
 * computes the output. Both return 0, or -1 with a message in err.
 */
#ifndef XHAL_CONF_REF_OPS_H
#define XHAL_CONF_REF_OPS_H

#include <stddef.h>
#include <stdint.h>
#include <xhal/xhal_types.h>

#include "ref_tensor.h"

/* An optional INTS attribute of at most XHAL_MAX_RANK entries. */
typedef struct ref_ints {
  int has;
  uint32_t count;
  int64_t v[XHAL_MAX_RANK];
} ref_ints_t;
/* Conv-family attributes; a count of 0 means absent (ONNX default). */
typedef struct ref_conv_attrs {
  int auto_pad; /* 0 NOTSET, 1 SAME_UPPER, 2 SAME_LOWER, 3 VALID, -1 unknown */
  int has_group;
  int64_t group;
  int64_t ceil_mode, count_include_pad, storage_order;
  uint32_t kernel_shape_count, dilations_count, strides_count, pads_count;
  uint32_t output_padding_count, output_shape_count;
  int64_t kernel_shape[XHAL_MAX_RANK], dilations[XHAL_MAX_RANK], strides[XHAL_MAX_RANK];
  int64_t pads[2 * XHAL_MAX_RANK], output_padding[XHAL_MAX_RANK];
  int64_t output_shape[XHAL_MAX_RANK];
} ref_conv_attrs_t;
/* Attributes of Gather, Pad, Resize, Shape, ConstantOfShape and Range
 * (ref_gather.c); the has_ flags mark given ones. Modes are indices into
 * the ONNX names (Pad: constant, reflect, edge; Resize mode: nearest,
 * linear, cubic; coordinate_transformation_mode: half_pixel,
 * pytorch_half_pixel, align_corners, asymmetric, tf_half_pixel_for_nn,
 * tf_crop_and_resize; nearest_mode: round_prefer_floor,
 * round_prefer_ceil, floor, ceil). */
typedef struct ref_gather_attrs {
  uint32_t pad_mode, resize_mode, coord_mode, nearest_mode;
  int has_pads;
  uint32_t pads_count;
  int64_t pads[2 * XHAL_MAX_RANK];
  int has_value, value_is_int; /* Pad / ConstantOfShape value */
  double value;
  int64_t ivalue;
  int has_cubic_a;
  double cubic_a;
  int64_t exclude_outside;
  double extrapolation;
  uint32_t scales_count; /* Resize: one of scales / sizes */
  float scales[XHAL_MAX_RANK];
  uint32_t sizes_count;
  int64_t sizes[XHAL_MAX_RANK];
  uint32_t roi_count;
  float roi[2 * XHAL_MAX_RANK];
  int has_start, has_end; /* Shape */
  int64_t start, end;
  /* ConstantOfShape and Range: the output shape the caller chose (their
   * ONNX shape depends on input values, which inference does not see). */
  int has_out_shape;
  ref_shape_t out_shape;
  xhal_dtype_t value_dtype; /* ConstantOfShape: the value tensor's dtype (0: f32) */
} ref_gather_attrs_t;
/* Inputs of one call at most (variadic Min/Max). */
/* Most inputs of one call (BatchNormalization has 5). */
#define REF_MAX_INPUTS 8

/* The operator families, as case labels (`REF_CASE_SHAPE_OPS: ...`), named
 * once for the reference's and the ONNX runner's switches. */
#define REF_CASE_SHAPE_OPS                                                                         \
  case XHAL_OP_RESHAPE:                                                                            \
  case XHAL_OP_FLATTEN:                                                                            \
  case XHAL_OP_SQUEEZE:                                                                            \
  case XHAL_OP_UNSQUEEZE:                                                                          \
  case XHAL_OP_CONCAT:                                                                             \
  case XHAL_OP_SPLIT:                                                                              \
  case XHAL_OP_SLICE:                                                                              \
  case XHAL_OP_EXPAND:                                                                             \
  case XHAL_OP_TILE
#define REF_CASE_CONV_OPS                                                                          \
  case XHAL_OP_CONV:                                                                               \
  case XHAL_OP_CONV_TRANSPOSE:                                                                     \
  case XHAL_OP_MAX_POOL:                                                                           \
  case XHAL_OP_AVERAGE_POOL:                                                                       \
  case XHAL_OP_GLOBAL_AVERAGE_POOL:                                                                \
  case XHAL_OP_GLOBAL_MAX_POOL
#define REF_CASE_GATHER_OPS                                                                        \
  case XHAL_OP_GATHER:                                                                             \
  case XHAL_OP_PAD:                                                                                \
  case XHAL_OP_RESIZE:                                                                             \
  case XHAL_OP_SHAPE:                                                                              \
  case XHAL_OP_CONSTANT_OF_SHAPE:                                                                  \
  case XHAL_OP_RANGE
#define REF_CASE_BINARY_GROUP_OPS                                                                  \
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

/* Attributes, already decoded. Absent attributes take ONNX's defaults. */
typedef struct ref_attrs {
  int has_axis;  /* Softmax: axis (default -1) */
  int64_t axis;
  int has_axes;  /* ReduceSum / ReduceMean: axes (absent = empty) */
  uint32_t axes_count;
  int64_t axes[XHAL_MAX_RANK];
  int64_t keepdims;             /* default 1 */
  int64_t noop_with_empty_axes; /* default 0 */
  int has_perm;  /* Transpose: perm (default: reversed dims) */
  uint32_t perm_count;
  int64_t perm[XHAL_MAX_RANK];
  int64_t trans_a; /* Gemm: transA, transB (default 0), alpha, beta (1.0) */
  int64_t trans_b;
  double alpha;
  double beta;
  int has_to; /* Cast: to (required), an xhal_dtype_t value */
  int64_t to;
  /* Data-movement ops (ref_shape.c). axis: Concat (required), Flatten
   * (default 1), Split (default 0); axes: Squeeze, Unsqueeze, Slice. */
  ref_ints_t shape;    /* Reshape (required here: the reference needs the target), Expand */
  int64_t allowzero;   /* Reshape, default 0 */
  ref_ints_t split;    /* Split: part sizes (absent: equal parts) */
  uint32_t output_count; /* Split, MaxPool (2: Indices): number of outputs (0 means 1) */
  ref_ints_t starts;   /* Slice */
  ref_ints_t ends;     /* Slice */
  ref_ints_t steps;    /* Slice, default all 1 */
  ref_ints_t repeats;  /* Tile */
  ref_conv_attrs_t conv; /* Conv, ConvTranspose and the pools (ref_conv.c) */
  /* LeakyRelu, HardSigmoid, Elu: alpha/beta above, given or not (the
   * defaults are the op's: 0.01; 0.2 and 0.5; 1.0). */
  int has_alpha;
  int has_beta;
  /* Clip: min/max, absent = no bound; float dtypes read min_f/max_f,
   * integer dtypes min_i/max_i. */
  int has_min;
  int has_max;
  double min_f, max_f;
  int64_t min_i, max_i;
  int gelu_tanh; /* Gelu: approximate = "tanh" */
  ref_gather_attrs_t g; /* Gather..Range (Gather's axis is axis above, default 0) */
  double epsilon;            /* norms: default 1e-5 */
  int64_t training_mode;     /* BatchNormalization: default 0 (1 is not referenced) */
  int64_t select_last_index; /* ArgMax/ArgMin: default 0 */
} ref_attrs_t;

void ref_attrs_init(ref_attrs_t *attrs);

int ref_op_infer(xhal_op_t op, uint32_t input_count, const ref_shape_t *shapes,
                 const xhal_dtype_t *dtypes, const ref_attrs_t *attrs, ref_shape_t *out_shape,
                 xhal_dtype_t *out_dtype, char *err, size_t err_size);

/* out is initialised here (ref_tensor_deinit it, also on failure). */
int ref_op_compute(xhal_op_t op, uint32_t input_count, const ref_tensor_t *inputs,
                   const ref_attrs_t *attrs, ref_tensor_t *out, char *err, size_t err_size);

/* Every output of a call: Split's parts (attrs->output_count is taken as
 * output_count), MaxPool's Y and Indices, LayerNormalization's Y, Mean and
 * InvStdDev; every other op has one. ref_op_infer_outputs gives the shapes and dtypes of outputs
 * [0, output_count) (output 0 as ref_op_infer gives it);
 * ref_op_compute_outputs computes them into outs[output_count], initialised
 * here (ref_tensor_deinit each, also on failure). Return 0, or -1 with a
 * message in err. */
#define REF_MAX_OUTPUTS 8
int ref_op_infer_outputs(xhal_op_t op, uint32_t input_count, const ref_shape_t *shapes,
                         const xhal_dtype_t *dtypes, const ref_attrs_t *attrs,
                         uint32_t output_count, ref_shape_t *out_shapes,
                         xhal_dtype_t *out_dtypes, char *err, size_t err_size);
int ref_op_compute_outputs(xhal_op_t op, uint32_t input_count, const ref_tensor_t *inputs,
                           const ref_attrs_t *attrs, uint32_t output_count, ref_tensor_t *outs,
                           char *err, size_t err_size);

/* 1 if the op is elementwise with numpy broadcasting (Copy, Cast and the
 * arithmetic/activation ops): output element c reads each input at
 * ref_broadcast_source(c). */
int ref_op_is_elementwise(xhal_op_t op);

/* ---- Families (called by ref_op_infer / ref_op_compute) ------------------ */
int ref_elementwise_infer(xhal_op_t op, uint32_t input_count, const ref_shape_t *shapes,
                          ref_shape_t *out, char *err, size_t err_size);
int ref_elementwise_compute(xhal_op_t op, uint32_t input_count, const ref_tensor_t *inputs,
                            ref_tensor_t *out);

int ref_matmul_infer(const ref_shape_t *a, const ref_shape_t *b, ref_shape_t *out, char *err,
                     size_t err_size);
int ref_matmul_compute(const ref_tensor_t *a, const ref_tensor_t *b, ref_tensor_t *out);
int ref_gemm_infer(uint32_t input_count, const ref_shape_t *shapes, const ref_attrs_t *attrs,
                   ref_shape_t *out, char *err, size_t err_size);
int ref_gemm_compute(uint32_t input_count, const ref_tensor_t *inputs, const ref_attrs_t *attrs,
                     ref_tensor_t *out);

int ref_softmax_infer(const ref_shape_t *x, const ref_attrs_t *attrs, ref_shape_t *out,
                      char *err, size_t err_size);
int ref_softmax_compute(const ref_tensor_t *x, const ref_attrs_t *attrs, ref_tensor_t *out);
int ref_reduce_infer(const ref_shape_t *x, const ref_attrs_t *attrs, ref_shape_t *out,
                     char *err, size_t err_size);
int ref_reduce_compute(xhal_op_t op, const ref_tensor_t *x, const ref_attrs_t *attrs,
                       ref_tensor_t *out, char *err, size_t err_size);

int ref_norm_infer(xhal_op_t op, uint32_t input_count, const ref_shape_t *shapes,
                   const ref_attrs_t *attrs, ref_shape_t *out, char *err, size_t err_size);
int ref_norm_compute(xhal_op_t op, uint32_t input_count, const ref_tensor_t *inputs,
                     const ref_attrs_t *attrs, ref_tensor_t *out);
/* LayerNormalization's Mean and InvStdDev (outputs 1 and 2): their shape
 * (both f32), and count (1 or 2) of them into outs (initialised by the
 * caller with scale). */
int ref_norm_stats_infer(const ref_shape_t *x, const ref_attrs_t *attrs, ref_shape_t *out,
                         char *err, size_t err_size);
int ref_norm_stats_compute(const ref_tensor_t *x, const ref_attrs_t *attrs, uint32_t count,
                           ref_tensor_t *outs);
int ref_log_softmax_compute(const ref_tensor_t *x, const ref_attrs_t *attrs, ref_tensor_t *out);
int ref_arg_infer(const ref_shape_t *x, const ref_attrs_t *attrs, ref_shape_t *out, char *err,
                  size_t err_size);
int ref_arg_compute(xhal_op_t op, const ref_tensor_t *x, const ref_attrs_t *attrs,
                    ref_tensor_t *out);

int ref_transpose_infer(const ref_shape_t *x, const ref_attrs_t *attrs, ref_shape_t *out,
                        char *err, size_t err_size);
int ref_transpose_compute(const ref_tensor_t *x, const ref_attrs_t *attrs, ref_tensor_t *out);
/* Data-movement ops (Reshape, Flatten, Squeeze, Unsqueeze, Concat, Split,
 * Slice, Expand, Tile; ref_shape.c): any dtype, values moved as raw bits.
 * Split has attrs->output_count outputs; ref_shape_infer/compute give all
 * of them (out_shapes/outs hold REF_SHAPE_MAX_OUTPUTS), ref_op_infer and
 * ref_op_compute output 0. Concat takes up to REF_SHAPE_MAX_INPUTS inputs. */
#define REF_SHAPE_MAX_INPUTS 8
#define REF_SHAPE_MAX_OUTPUTS 8
int ref_shape_is_op(xhal_op_t op);
int ref_shape_infer(xhal_op_t op, uint32_t input_count, const ref_shape_t *shapes,
                    const ref_attrs_t *attrs, ref_shape_t *out_shapes, char *err,
                    size_t err_size);
/* outs[0..output count) are initialised here (ref_tensor_deinit them). */
int ref_shape_compute(xhal_op_t op, uint32_t input_count, const ref_tensor_t *inputs,
                      const ref_attrs_t *attrs, ref_tensor_t *outs, char *err, size_t err_size);

int ref_cast_compute(const ref_tensor_t *x, xhal_dtype_t to, ref_tensor_t *out);

/* Conv, ConvTranspose, MaxPool, AveragePool, GlobalAveragePool,
 * GlobalMaxPool (ref_conv.c). */
int ref_conv_is_op(xhal_op_t op);
int ref_conv_infer(xhal_op_t op, uint32_t input_count, const ref_shape_t *shapes,
                   const ref_attrs_t *attrs, ref_shape_t *out, char *err, size_t err_size);
int ref_conv_compute(xhal_op_t op, uint32_t input_count, const ref_tensor_t *inputs,
                     const ref_attrs_t *attrs, ref_tensor_t *out);
/* MaxPool's optional second output Indices (i64, Y's shape): the flat
 * position in X (n, c, spatial; spatial row-major, or column-major with
 * storage_order 1) of the first maximum of the window in window order, or of
 * its first NaN; -1 for a window with no tap inside X. out is initialised
 * here. */
int ref_max_pool_indices(const ref_tensor_t *x, const ref_attrs_t *attrs, ref_tensor_t *out,
                         char *err, size_t err_size);
/* Decodes the conv-family attributes among attrs[count] into r->conv
 * (others are ignored). */
void ref_conv_attrs_decode(ref_attrs_t *r, const xhal_attr_t *attrs, uint32_t count);
/* Pow, Min, Max, PRelu, comparisons, Where, Not, And, Or (ref_binary.c). */
int ref_binary_group(xhal_op_t op);
int ref_binary_infer(xhal_op_t op, uint32_t input_count, const ref_shape_t *shapes,
                     const xhal_dtype_t *dtypes, ref_shape_t *out_shape, xhal_dtype_t *out_dtype,
                     char *err, size_t err_size);
int ref_binary_compute(xhal_op_t op, uint32_t input_count, const ref_tensor_t *inputs,
                       ref_tensor_t *out);
int ref_copy_compute(const ref_tensor_t *x, ref_tensor_t *out);

/* Unary math and activations (ref_unary.c): Sqrt..Erf, LeakyRelu..Elu. */
int ref_unary_math_is_op(xhal_op_t op);
int ref_unary_math_float_only(xhal_op_t op);   /* all but Sign and Clip */
int ref_unary_math_has_scale(xhal_op_t op);    /* HardSigmoid, HardSwish, Gelu */
int ref_unary_math_compute(xhal_op_t op, const ref_tensor_t *x, const ref_attrs_t *attrs,
                           ref_tensor_t *out);
/* Gather, Pad, Resize, Shape, ConstantOfShape, Range (ref_gather.c): all
 * of the op's rules, dtypes and input counts included. */
int ref_gather_owns(xhal_op_t op);
int ref_gather_infer(xhal_op_t op, uint32_t input_count, const ref_shape_t *shapes,
                     const xhal_dtype_t *dtypes, const ref_attrs_t *attrs, ref_shape_t *out_shape,
                     xhal_dtype_t *out_dtype, char *err, size_t err_size);
/* out is initialised here. */
int ref_gather_compute(xhal_op_t op, uint32_t input_count, const ref_tensor_t *inputs,
                       const ref_attrs_t *attrs, ref_tensor_t *out, char *err, size_t err_size);
/* Decodes xhal attributes of these ops into attrs (for the ONNX runner's
 * shape inference). Returns 0, or -1 with a message. */
int ref_gather_attrs_decode(xhal_op_t op, const xhal_attr_t *list, uint32_t count,
                            ref_attrs_t *attrs, char *err, size_t err_size);

#endif

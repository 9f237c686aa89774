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

/* Most inputs of one call (BatchNormalization has 5). */
#define REF_MAX_INPUTS 8

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
int ref_log_softmax_compute(const ref_tensor_t *x, const ref_attrs_t *attrs, ref_tensor_t *out);
int ref_arg_infer(const ref_shape_t *x, const ref_attrs_t *attrs, ref_shape_t *out, char *err,
                  size_t err_size);
int ref_arg_compute(xhal_op_t op, const ref_tensor_t *x, const ref_attrs_t *attrs,
                    ref_tensor_t *out);

int ref_transpose_infer(const ref_shape_t *x, const ref_attrs_t *attrs, ref_shape_t *out,
                        char *err, size_t err_size);
int ref_transpose_compute(const ref_tensor_t *x, const ref_attrs_t *attrs, ref_tensor_t *out);
int ref_cast_compute(const ref_tensor_t *x, xhal_dtype_t to, ref_tensor_t *out);
int ref_copy_compute(const ref_tensor_t *x, ref_tensor_t *out);

#endif

/* xhal_op_check_internal.h - helpers of xhal_op_check.c shared with the
 * per-group check files (xhal_op_check_<group>.c). Not for backends. */
#ifndef XHAL_OP_CHECK_INTERNAL_H
#define XHAL_OP_CHECK_INTERNAL_H

#include "xhal_op_check.h"

/* One xop_check call: who asks, for which device and op. */
typedef struct xop_check_ctx {
  const xop_backend_t *backend;
  xhal_plugin_device_t *device;
  const char *op; /* ONNX name for messages */
  int need_buffers;
} xop_ctx_t;

/* An attribute an op accepts: its name and xhal_attr_type_t. */
typedef struct xop_attr_spec {
  const char *name;
  uint32_t type; /* xhal_attr_type_t, or XOP_ATTR_NUMBER */
} xop_attr_spec_t;

/* An xop_attr_spec_t type that accepts FLOAT or INT (Clip's bounds: INT
 * for exact integer bounds); the op checks which kind its dtype takes. */
#define XOP_ATTR_NUMBER 0x100u

/* Reports a printf-style message with status through backend; returns status. */
__attribute__((format(printf, 3, 4))) int32_t xop_fail(const xop_backend_t *backend,
                                                       int32_t status, const char *format, ...);

#define XOP_FAIL(c, status, ...) xop_fail((c)->backend, status, __VA_ARGS__)

#define XOP_RETURN_IF_ERROR(expr)                                                                  \
  do {                                                                                             \
    int32_t xop__status = (expr);                                                                  \
    if (xop__status != XHAL_STATUS_OK) return xop__status;                                         \
  } while (0)

/* "INT", "FLOAT", "INTS", "FLOATS", "STRING" ("unknown" otherwise). */
const char *xop_attr_type_name(uint32_t type);

/* "(2,3,4)" of rank dims into buf; "()" for a scalar. */
const char *xop_dims_text(char *buf, size_t size, uint32_t rank, const int64_t *dims);
#define XOP_DIMS_TEXT_SIZE 200
#define XOP_DIMS(buf, view) xop_dims_text(buf, sizeof buf, (view)->rank, (view)->dims)

/* Rank-r view of v, v's dims right-aligned, broadcast dims with stride 0. */
void xop_view_expand(xop_view_t *v, uint32_t r, const int64_t *dims);
/* Inserts a unit dim (stride 0) at position pos. */
void xop_view_insert_unit(xop_view_t *v, uint32_t pos);

/* found[i]: desc's attribute named specs[i].name, or NULL; unknown,
 * repeated or mistyped attributes, and INTS/FLOATS/STRING ones without
 * data, are INVALID_ARGUMENT. */
int32_t xop_attrs_parse(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                        const xop_attr_spec_t *specs, int spec_count, const xhal_attr_t **found);
/* A 0/1 INT attribute, def when absent. */
int32_t xop_attr_flag(const xop_ctx_t *c, const xhal_attr_t *a, int def, int *out);
/* A STRING attribute: *out is its index among names[n], def when absent. */
int32_t xop_attr_enum(const xop_ctx_t *c, const xhal_attr_t *a, const char *const *names, int n,
                      uint32_t def, uint32_t *out);
/* Normalises axis into [0, rank). */
int32_t xop_axis(const xop_ctx_t *c, const char *what, int64_t axis, uint32_t rank,
                 uint32_t *out);
/* An `axes` INTS attribute (NULL: none): its entries normalised into
 * [0, rank), each at most once, as bit k of *mask; axis[i] (when not NULL,
 * room for axes->count) is entry i normalised. */
int32_t xop_axes_parse(const xop_ctx_t *c, const xhal_attr_t *axes, uint32_t rank, uint32_t *mask,
                       uint32_t *axis);
int xop_is_float(uint32_t dtype);
/* UNSUPPORTED (listing the dtypes the backend has for op) unless the
 * backend declares dtype for op; what names the tensor ("dtype", "target
 * dtype"). */
int32_t xop_dtype_supported(const xop_ctx_t *c, uint32_t op, uint32_t dtype, const char *what);
/* out must have rank and dims. */
int32_t xop_out_dims_check(const xop_ctx_t *c, const xop_view_t *out, uint32_t rank,
                           const int64_t *dims);
/* The same for output index of several (Split): messages name "output <index>". */
int32_t xop_out_index_dims_check(const xop_ctx_t *c, uint32_t index, const xop_view_t *out,
                                 uint32_t rank, const int64_t *dims);
int32_t xop_same_dims(const xop_ctx_t *c, const xop_view_t *in, const xop_view_t *out);
/* numpy broadcasting of a's and b's dims into dims[*rank]; INVALID_ARGUMENT
 * (naming both) when they do not broadcast. */
int32_t xop_broadcast(const xop_ctx_t *c, const xop_view_t *a, const xop_view_t *b, int64_t *dims,
                      uint32_t *rank);

/* ---- Per-group checks (xhal_op_check_<group>.c) --------------------------------------------- */

/* BatchNormalization, LayerNormalization, InstanceNormalization, LogSoftmax,
 * ArgMax and ArgMin (xhal_op_check_norm.c). */
int32_t xop_check_norm_op(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                          xop_plan_t *plan);

/* MatMul (numpy batch broadcasting, 1-D operands promoted) and Gemm
 * (transA/transB, alpha/beta, C broadcast to (M, N)) as the plan's batched
 * product (xhal_op_check_linalg.c). MatMul has no attributes: its caller
 * checks that. */
int32_t xop_check_matmul(const xop_ctx_t *c, xop_plan_t *plan);
int32_t xop_check_gemm(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *plan);

/* Softmax's (and LogSoftmax's) axis and ReduceSum..ReduceProd's axes,
 * keepdims and noop_with_empty_axes (xhal_op_check_reduce.c). */
int32_t xop_check_softmax(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *plan);
int32_t xop_check_reduce(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *plan);

/* Clip's min/max, LeakyRelu's, HardSigmoid's and Elu's alpha/beta, Gelu's
 * approximate (xhal_op_check_unary.c). */
int32_t xop_check_clip(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *plan);
int32_t xop_check_activation(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                             xop_plan_t *plan);
int32_t xop_check_gelu(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *plan);

/* Gather, Pad, Resize, Shape, ConstantOfShape and Range
 * (xhal_op_check_gather.c): their dtype, attribute and shape rules applied
 * to plan (views already made, buffers checked), plan->gather filled.
 * Returns OK, INVALID_ARGUMENT or UNSUPPORTED. */
int32_t xop_gather_check(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *plan);

/* Reshape, Flatten, Squeeze, Unsqueeze, Expand, Tile, Concat, Split and
 * Slice (xhal_op_check_shape.c, see xhal_op_check_shape.h): their attribute
 * and shape rules applied to plan (views and dtypes already checked), the
 * launch turned into plan's strided copies. Returns OK or INVALID_ARGUMENT. */
int32_t xop_check_shape(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *plan);

#endif

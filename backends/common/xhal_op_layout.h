/* xhal_op_layout.h - iteration spaces of validated launches (xop_plan_t),
 * simplified for kernels that index tensors with dims and strides.
 *
 * An xop_dims_t is a set of dims walked together by up to XOP_MAX_SETS
 * stride sets (one per tensor). Simplifying it drops extent-1 dims, orders
 * the dims by decreasing stride of set 0 (so that tensor is walked front to
 * back) and merges neighbours that every set walks contiguously; a strided,
 * transposed or broadcast launch usually ends up with one to three dims.
 * The element count never changes. Pure functions, thread-safe. */
#ifndef XHAL_OP_LAYOUT_H
#define XHAL_OP_LAYOUT_H

#include "xhal_op_check.h"

/* The output and up to XOP_MAX_INPUTS inputs: variadic Min/Max walk every
 * input in one pass (no pairwise folding through the output, which could
 * overwrite an input the output aliases before it is read). */
#define XOP_MAX_SETS (1 + XOP_MAX_INPUTS)

typedef struct xop_dims {
  uint32_t rank; /* 0 after simplifying a single element */
  uint32_t sets;
  int64_t dims[XHAL_MAX_RANK];                  /* outermost first */
  int64_t strides[XOP_MAX_SETS][XHAL_MAX_RANK]; /* in elements */
} xop_dims_t;

/* Drops unit dims, sorts, merges (see above). */
void xop_dims_simplify(xop_dims_t *d);

/* Product of the dims (1 for rank 0). */
int64_t xop_dims_count(const xop_dims_t *d);

/* Elementwise ops, Copy, Cast and Transpose: the output's dims with set 0 =
 * output, set 1 + i = input i (inputs already have the output's dims). */
void xop_layout_eltwise(const xop_plan_t *plan, xop_dims_t *d);

/* ReduceSum/ReduceMean with axes != 0: kept holds the input dims that are not
 * reduced with set 0 = output, set 1 = input; reduced holds the reduced dims
 * with set 0 = input. */
void xop_layout_reduce(const xop_plan_t *plan, xop_dims_t *kept, xop_dims_t *reduced);

/* Softmax: every dim but the axis, with set 0 = output, set 1 = input. */
void xop_layout_softmax(const xop_plan_t *plan, xop_dims_t *outer);

/* MatMul: the batch dims with set 0 = output, set 1 = A, set 2 = B (empty
 * for Gemm). */
void xop_layout_batch(const xop_plan_t *plan, xop_dims_t *batch);

#endif

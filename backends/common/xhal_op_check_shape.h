/* xhal_op_check_shape.h - the ONNX rules of the data-movement operators
 * (Reshape, Flatten, Squeeze, Unsqueeze, Concat, Split, Slice, Expand,
 * Tile), part of xop_check (xhal_op_check.h).
 *
 * Every one of them is a copy, so the check turns the launch into the
 * plan's list of strided copies (xop_plan_t.copy_*), and backends run them
 * with their Copy kernel:
 *   - Reshape, Flatten, Squeeze, Unsqueeze: one copy; input and output are
 *     refined to common dims (a contiguous input or output always can be),
 *     otherwise a copy_linear copy pairs elements in row-major order;
 *   - Expand: the input broadcast to the output (stride 0);
 *   - Slice: the input at the first selected element, strides times the
 *     steps (negative for negative steps);
 *   - Concat: one copy per non-empty input into its part of the output;
 *     Split: one copy per non-empty output from its part of the input;
 *   - Tile: each tiled dim split into (repeat, extent) with the input
 *     broadcast over the repeats, in one copy when the doubled rank fits
 *     XHAL_MAX_RANK; otherwise the input is copied into the first tile and
 *     that block is then replicated dim by dim (one copy per tiled dim).
 *
 * Attributes where ONNX has inputs: Reshape `shape` (optional, with 0/-1
 * and `allowzero`, checked against the output dims the caller gives),
 * Unsqueeze and Squeeze `axes`, Expand `shape` (optional), Tile `repeats`,
 * Split `split`, Slice `starts`, `ends`, `axes`, `steps`. Thread-safe.
 * The check itself, xop_check_shape, is internal (xhal_op_check_internal.h). */
#ifndef XHAL_OP_CHECK_SHAPE_H
#define XHAL_OP_CHECK_SHAPE_H

#include "xhal_op_check.h"

/* 1 if op is one of the data-movement ops above (its plan is copies). */
int xop_is_shape_op(uint32_t op);

#endif

/* cpu_kernel_shape.h - the data-movement operators (Reshape, Flatten,
 * Squeeze, Unsqueeze, Concat, Split, Slice, Expand, Tile) as the list of
 * strided copies xop_check plans for them (xhal_op_check_shape.h).
 *
 * Ordinary copies are cpu_kernel_copy (negative source strides included);
 * a linear copy pairs elements of two views of different dims in row-major
 * order (a Reshape whose input and output layouts share no common dims). */
#ifndef XHAL_CPU_KERNEL_SHAPE_H
#define XHAL_CPU_KERNEL_SHAPE_H

#include "cpu_kernel_iter.h"

/* Runs count copies dst[i] <- src[i] in order; linear[i] selects the
 * row-major pairing. Any xhal dtype (by element size). Returns OK. */
int32_t cpu_kernel_copies(uint32_t count, const cpu_view_t *dst, const cpu_view_t *src,
                          const uint8_t *linear);

/* dst and src have the same dtype and element count, any dims. */
int32_t cpu_kernel_copy_linear(const cpu_view_t *dst, const cpu_view_t *src);

#endif

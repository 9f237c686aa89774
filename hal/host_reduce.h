/* host_reduce.h - element kernels for reductions in host memory, shared by
 * libxhal's host-staged collectives and the CPU backend's native ones (each
 * compiles hal/host_reduce.c in, with hidden visibility), so that both give
 * the same bits.
 *
 * A reduction runs over blocks: load rank 0's block into an accumulator, then
 * for every further rank load its block into a second buffer and combine the
 * two. Accumulators are f32 (f32, f16, bf16), f64, or the integer itself, so
 * conversions happen only in load and store and each operator is one loop
 * over two arrays of one type. Float min/max do not depend on argument order
 * (NaN wins, -0 < +0); integer sum/prod wrap around. */
#ifndef XHAL_HAL_HOST_REDUCE_H
#define XHAL_HAL_HOST_REDUCE_H

#include <stddef.h>
#include <stdint.h>

/* Conversion: out[i] = convert(in[i]); or combine: out[i] = out[i] op in[i]. */
typedef void (*xhal__reduce_fn)(void *out, const void *in, size_t n);

typedef struct xhal__reduce_kernels {
  size_t size;           /* bytes per stored element */
  xhal__reduce_fn load;  /* accumulator <- storage; NULL: not reducible (bool) */
  xhal__reduce_fn store; /* storage <- accumulator */
  xhal__reduce_fn op[4]; /* accumulator op= accumulator, by xhal_reduce_op_t */
} xhal__reduce_kernels_t;

/* The kernels of an xhal_dtype_t; NULL for an unknown dtype. */
const xhal__reduce_kernels_t *xhal__reduce_kernels(uint32_t dtype);

#endif

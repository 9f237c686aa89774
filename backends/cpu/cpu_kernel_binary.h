/* cpu_kernel_binary.h - the binary group's kernels: Pow, Min/Max, PRelu,
 * the comparisons, Where, Not/And/Or, and the u8/bool variants of Add, Sub,
 * Mul, Div, Abs and Cast.
 *
 * Views are validated by xop_check (inputs already broadcast to dst's dims,
 * PRelu's slope to X's). Semantics (docs/conformance.md):
 *   - bool is one byte; any non-zero input byte is true, outputs are 0 or 1;
 *   - comparisons: IEEE (NaN compares false, -0 == +0); output bool;
 *   - Min/Max: NaN in any input gives NaN; Min(-0, +0) = -0, Max = +0;
 *   - Pow: float results from C's pow in double, rounded once; integer
 *     exponents of a float base beyond +-(2^31 - 1) are clamped with their
 *     parity kept (same result); integer Pow wraps, a negative exponent
 *     gives 1 for base 1, +-1 for base -1 and 0 otherwise (base 0 too);
 *     an integer base with a float exponent is numpy's float64 power
 *     (integral exponents by square and multiply, exact below 2^53)
 *     converted by Cast's float -> int rule; exponents f32 f16 i32 i64 u8;
 *   - u8 arithmetic wraps, x / 0 = 0;
 *   - Cast: float -> bool is x != 0 (NaN -> true), integer -> bool x != 0,
 *     float -> u8 truncates and saturates to [0, 255] (NaN -> 0), integer
 *     -> u8 wraps modulo 256.
 * dst may be the very same view as an input. Run on the calling thread
 * (plus an OpenMP team). */
#ifndef XHAL_CPU_KERNEL_BINARY_H
#define XHAL_CPU_KERNEL_BINARY_H

#include "cpu_kernel_iter.h"

/* Runs an owned launch. Returns OK, or INTERNAL for a combination
 * xop_check should have refused. */
int32_t cpu_kernel_binary_run(uint32_t op, const cpu_view_t *dst, const cpu_view_t *in,
                              uint32_t input_count);

#endif

/*
 * ref_dtype.h - element encodings and rounding for the conformance suite's
 * fp64 reference.
 *
 * Everything here is written from IEEE 754 and two's complement, without
 * libxhal or any backend: binary16 is encoded and decoded bit by bit, every
 * rounding is round-to-nearest-even implemented with exact double arithmetic
 * (it does not depend on the FPU rounding mode), integers wrap modulo 2^N.
 *
 * "Float" dtypes here are F16, F32 and F64 (values held as double);
 * "int" dtypes are I32, I64, U8 and BOOL (values held as int64_t; a bool is
 * 0 or 1). Any other dtype is only moved around by Copy and is handled as
 * raw bits.
 */
#ifndef XHAL_CONF_REF_DTYPE_H
#define XHAL_CONF_REF_DTYPE_H

#include <stddef.h>
#include <stdint.h>
#include <xhal/xhal_types.h>

/* Bytes per element (own table, not libxhal's); 0 if unknown. */
size_t ref_dtype_size(xhal_dtype_t dtype);
/* Lowercase name as used in case names ("f32"), "?" if unknown. */
const char *ref_dtype_name(xhal_dtype_t dtype);
int ref_dtype_is_float(xhal_dtype_t dtype); /* F16, F32, F64 */
int ref_dtype_is_int(xhal_dtype_t dtype);   /* I32, I64, U8, BOOL */

/* Rounds x to the nearest value of a float dtype, ties to even, with
 * gradual underflow and overflow to +-Inf. NaN stays NaN, the sign of zero
 * is kept. F64 returns x. */
double ref_round(xhal_dtype_t dtype, double x);
/* Rounds an integer to the nearest float of dtype (ties to even), exact for
 * every int64_t (no double rounding through double). */
double ref_round_int(xhal_dtype_t dtype, int64_t x);
/* Unit in the last place of dtype at |x|: the spacing of the binade holding
 * x (the subnormal spacing below the smallest normal), saturating at the
 * largest finite binade. */
double ref_ulp(xhal_dtype_t dtype, double x);
double ref_max_finite(xhal_dtype_t dtype);
double ref_min_normal(xhal_dtype_t dtype);
double ref_min_subnormal(xhal_dtype_t dtype);
/* Unit roundoff (half an ulp of 1): 2^-24 for F32, 2^-11 for F16. */
double ref_unit_roundoff(xhal_dtype_t dtype);

/* binary16 <-> double. ref_f16_bits rounds to nearest even. */
uint16_t ref_f16_bits(double x);
double ref_f16_value(uint16_t bits);

/* Two's complement wrap of v to I32, I64 or U8 (modulo 2^N); BOOL: v != 0. */
int64_t ref_wrap(xhal_dtype_t dtype, uint64_t v);
int64_t ref_int_min(xhal_dtype_t dtype);
int64_t ref_int_max(xhal_dtype_t dtype);
/* Float -> integer conversion of Cast: truncation toward zero, NaN -> 0,
 * out of range (and +-Inf) saturates (U8 to [0, 255]); BOOL: x != 0, so
 * NaN -> 1. */
int64_t ref_float_to_int(xhal_dtype_t dtype, double x);

/* Element (de)serialisation in host byte order. */
double ref_load_float(xhal_dtype_t dtype, const void *src);
void ref_store_float(xhal_dtype_t dtype, void *dst, double value); /* rounds */
int64_t ref_load_int(xhal_dtype_t dtype, const void *src);
void ref_store_int(xhal_dtype_t dtype, void *dst, int64_t value); /* wraps */
/* Raw bits of an element of size bytes (1, 2, 4 or 8). */
uint64_t ref_load_bits(size_t size, const void *src);
void ref_store_bits(size_t size, void *dst, uint64_t bits);

/* Writes the value of an element for messages: "-1.5 (0xbfc00000)" for
 * floats, "-3" for integers, "0x1f" for raw bits. */
void ref_format_value(char *out, size_t out_size, xhal_dtype_t dtype, double f, int64_t i,
                      int raw_bits);

#endif

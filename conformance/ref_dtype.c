/* ref_dtype.c - element encodings and rounding of the fp64 reference. */
#include "ref_dtype.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* A binary floating-point format: precision p (significand bits including
 * the implicit one), exponent range of normal numbers [emin, emax]. */
typedef struct ref_format {
  int p;
  int emin;
  int emax;
} ref_format_t;

static const ref_format_t REF_F16 = {11, -14, 15};
static const ref_format_t REF_F32 = {24, -126, 127};
static const ref_format_t REF_F64 = {53, -1022, 1023};

static const ref_format_t *ref_format_of(xhal_dtype_t dtype) {
  switch (dtype) {
  case XHAL_DTYPE_F16: return &REF_F16;
  case XHAL_DTYPE_F32: return &REF_F32;
  case XHAL_DTYPE_F64: return &REF_F64;
  default: return NULL;
  }
}

size_t ref_dtype_size(xhal_dtype_t dtype) {
  switch (dtype) {
  case XHAL_DTYPE_U8:
  case XHAL_DTYPE_I8:
  case XHAL_DTYPE_BOOL: return 1;
  case XHAL_DTYPE_U16:
  case XHAL_DTYPE_I16:
  case XHAL_DTYPE_F16:
  case XHAL_DTYPE_BF16: return 2;
  case XHAL_DTYPE_F32:
  case XHAL_DTYPE_I32:
  case XHAL_DTYPE_U32: return 4;
  case XHAL_DTYPE_I64:
  case XHAL_DTYPE_U64:
  case XHAL_DTYPE_F64: return 8;
  default: return 0;
  }
}

const char *ref_dtype_name(xhal_dtype_t dtype) {
  switch (dtype) {
  case XHAL_DTYPE_F32: return "f32";
  case XHAL_DTYPE_U8: return "u8";
  case XHAL_DTYPE_I8: return "i8";
  case XHAL_DTYPE_U16: return "u16";
  case XHAL_DTYPE_I16: return "i16";
  case XHAL_DTYPE_I32: return "i32";
  case XHAL_DTYPE_I64: return "i64";
  case XHAL_DTYPE_BOOL: return "bool";
  case XHAL_DTYPE_F16: return "f16";
  case XHAL_DTYPE_F64: return "f64";
  case XHAL_DTYPE_U32: return "u32";
  case XHAL_DTYPE_U64: return "u64";
  case XHAL_DTYPE_BF16: return "bf16";
  default: return "?";
  }
}

int ref_dtype_is_float(xhal_dtype_t dtype) { return ref_format_of(dtype) != NULL; }

int ref_dtype_is_int(xhal_dtype_t dtype) {
  return dtype == XHAL_DTYPE_I32 || dtype == XHAL_DTYPE_I64 || dtype == XHAL_DTYPE_U8 ||
         dtype == XHAL_DTYPE_BOOL;
}

/* Round-to-nearest-even of a non-negative double that is an exact multiple
 * of 1/2 or finer; q - floor(q) is exact, so no FPU rounding mode matters. */
static double ref_rne(double q) {
  double fl = floor(q);
  double diff = q - fl;
  if (diff > 0.5) return fl + 1.0;
  if (diff < 0.5) return fl;
  return fmod(fl, 2.0) == 0.0 ? fl : fl + 1.0;
}

static double ref_round_format(const ref_format_t *fmt, double x) {
  if (isnan(x) || isinf(x) || x == 0.0) return x;
  double a = fabs(x);
  int e = 0;
  (void)frexp(a, &e); /* a = m * 2^e, m in [0.5, 1): leading bit at e - 1 */
  int lead = e - 1;
  if (lead < fmt->emin) lead = fmt->emin;
  int quantum = lead - (fmt->p - 1);
  /* Scaling by a power of two is exact in double for every value the suite
   * produces (far from double's own range limits). */
  double r = ldexp(ref_rne(ldexp(a, -quantum)), quantum);
  double max = ldexp(ldexp(1.0, fmt->p) - 1.0, fmt->emax - fmt->p + 1);
  if (r > max) r = INFINITY;
  return copysign(r, x);
}

double ref_round(xhal_dtype_t dtype, double x) {
  const ref_format_t *fmt = ref_format_of(dtype);
  if (fmt == NULL || fmt == &REF_F64) return x;
  return ref_round_format(fmt, x);
}

double ref_round_int(xhal_dtype_t dtype, int64_t x) {
  const ref_format_t *fmt = ref_format_of(dtype);
  uint64_t mag = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
  int bits = 0;
  while (bits < 64 && (mag >> bits) != 0) bits++;
  double r;
  int p = fmt != NULL ? fmt->p : 53;
  if (bits <= p) {
    r = (double)mag; /* exact: at most 53 significant bits */
  } else {
    int shift = bits - p;
    uint64_t keep = mag >> shift;
    uint64_t rem = mag & ((UINT64_C(1) << shift) - 1);
    uint64_t half = UINT64_C(1) << (shift - 1);
    if (rem > half || (rem == half && (keep & 1))) keep++;
    r = ldexp((double)keep, shift); /* keep has <= p + 1 bits: exact */
  }
  if (fmt != NULL) r = ref_round_format(fmt, r); /* overflow to Inf (f16) */
  return x < 0 ? -r : r;
}

double ref_ulp(xhal_dtype_t dtype, double x) {
  const ref_format_t *fmt = ref_format_of(dtype);
  if (fmt == NULL) return 0.0;
  double a = fabs(x);
  int lead = fmt->emin;
  if (!isnan(a) && a != 0.0) {
    int e = 0;
    (void)frexp(isinf(a) ? ref_max_finite(dtype) : a, &e);
    lead = e - 1;
    if (lead < fmt->emin) lead = fmt->emin;
    if (lead > fmt->emax) lead = fmt->emax;
  }
  return ldexp(1.0, lead - (fmt->p - 1));
}

double ref_max_finite(xhal_dtype_t dtype) {
  const ref_format_t *fmt = ref_format_of(dtype);
  if (fmt == NULL) return 0.0;
  return ldexp(ldexp(1.0, fmt->p) - 1.0, fmt->emax - fmt->p + 1);
}

double ref_min_normal(xhal_dtype_t dtype) {
  const ref_format_t *fmt = ref_format_of(dtype);
  return fmt != NULL ? ldexp(1.0, fmt->emin) : 0.0;
}

double ref_min_subnormal(xhal_dtype_t dtype) {
  const ref_format_t *fmt = ref_format_of(dtype);
  return fmt != NULL ? ldexp(1.0, fmt->emin - fmt->p + 1) : 0.0;
}

double ref_unit_roundoff(xhal_dtype_t dtype) {
  const ref_format_t *fmt = ref_format_of(dtype);
  return fmt != NULL ? ldexp(1.0, -fmt->p) : 0.0;
}

uint16_t ref_f16_bits(double x) {
  uint16_t sign = signbit(x) ? 0x8000u : 0u;
  if (isnan(x)) return (uint16_t)(sign | 0x7e00u);
  double r = fabs(ref_round_format(&REF_F16, x));
  if (isinf(r)) return (uint16_t)(sign | 0x7c00u);
  if (r < ldexp(1.0, -14)) /* subnormal or zero: multiples of 2^-24 */
    return (uint16_t)(sign | (uint16_t)ldexp(r, 24));
  int e = 0;
  (void)frexp(r, &e);
  int lead = e - 1;
  uint16_t mant = (uint16_t)(ldexp(r, 10 - lead) - 1024.0);
  return (uint16_t)(sign | (uint16_t)((lead + 15) << 10) | mant);
}

double ref_f16_value(uint16_t bits) {
  double sign = (bits & 0x8000u) ? -1.0 : 1.0;
  int exp = (bits >> 10) & 0x1f;
  int mant = bits & 0x3ff;
  if (exp == 0x1f) return mant ? NAN : sign * INFINITY;
  if (exp == 0) return sign * ldexp((double)mant, -24);
  return sign * ldexp((double)(mant + 1024), exp - 25);
}

int64_t ref_wrap(xhal_dtype_t dtype, uint64_t v) {
  if (dtype == XHAL_DTYPE_U8) return (int64_t)(v & 0xffu);
  if (dtype == XHAL_DTYPE_BOOL) return v != 0;
  if (dtype == XHAL_DTYPE_I32) {
    uint32_t w = (uint32_t)v;
    return (w & UINT32_C(0x80000000)) ? (int64_t)w - (INT64_C(1) << 32) : (int64_t)w;
  }
  if (v & (UINT64_C(1) << 63)) return -(int64_t)(~v) - 1; /* no signed overflow */
  return (int64_t)v;
}

int64_t ref_int_min(xhal_dtype_t dtype) {
  if (dtype == XHAL_DTYPE_U8 || dtype == XHAL_DTYPE_BOOL) return 0;
  return dtype == XHAL_DTYPE_I32 ? (int64_t)INT32_MIN : INT64_MIN;
}

int64_t ref_int_max(xhal_dtype_t dtype) {
  if (dtype == XHAL_DTYPE_U8) return 255;
  if (dtype == XHAL_DTYPE_BOOL) return 1;
  return dtype == XHAL_DTYPE_I32 ? (int64_t)INT32_MAX : INT64_MAX;
}

int64_t ref_float_to_int(xhal_dtype_t dtype, double x) {
  if (dtype == XHAL_DTYPE_BOOL) return x != 0.0; /* NaN -> true */
  if (isnan(x)) return 0;
  double t = trunc(x);
  if (dtype == XHAL_DTYPE_U8) return t <= 0.0 ? 0 : t >= 255.0 ? 255 : (int64_t)t;
  /* -2^(N-1) is exact in double; 2^(N-1) is the first value out of range. */
  double lo = dtype == XHAL_DTYPE_I32 ? -2147483648.0 : -9223372036854775808.0;
  if (t >= -lo) return ref_int_max(dtype);
  if (t < lo) return ref_int_min(dtype);
  return (int64_t)t;
}

uint64_t ref_load_bits(size_t size, const void *src) {
  switch (size) {
  case 1: { uint8_t v; memcpy(&v, src, 1); return v; }
  case 2: { uint16_t v; memcpy(&v, src, 2); return v; }
  case 4: { uint32_t v; memcpy(&v, src, 4); return v; }
  default: { uint64_t v; memcpy(&v, src, 8); return v; }
  }
}

void ref_store_bits(size_t size, void *dst, uint64_t bits) {
  switch (size) {
  case 1: { uint8_t v = (uint8_t)bits; memcpy(dst, &v, 1); break; }
  case 2: { uint16_t v = (uint16_t)bits; memcpy(dst, &v, 2); break; }
  case 4: { uint32_t v = (uint32_t)bits; memcpy(dst, &v, 4); break; }
  default: memcpy(dst, &bits, 8); break;
  }
}

double ref_load_float(xhal_dtype_t dtype, const void *src) {
  switch (dtype) {
  case XHAL_DTYPE_F16: return ref_f16_value((uint16_t)ref_load_bits(2, src));
  case XHAL_DTYPE_F32: { float v; memcpy(&v, src, 4); return (double)v; }
  case XHAL_DTYPE_F64: { double v; memcpy(&v, src, 8); return v; }
  default: return NAN;
  }
}

void ref_store_float(xhal_dtype_t dtype, void *dst, double value) {
  switch (dtype) {
  case XHAL_DTYPE_F16: ref_store_bits(2, dst, ref_f16_bits(value)); break;
  case XHAL_DTYPE_F32: {
    /* The value is rounded first, so the conversion to float is exact. */
    float v = (float)ref_round_format(&REF_F32, value);
    memcpy(dst, &v, 4);
    break;
  }
  case XHAL_DTYPE_F64: memcpy(dst, &value, 8); break;
  default: break;
  }
}

int64_t ref_load_int(xhal_dtype_t dtype, const void *src) {
  /* bool: the stored byte itself, so an output byte other than 0/1 fails. */
  if (dtype == XHAL_DTYPE_U8 || dtype == XHAL_DTYPE_BOOL) return (int64_t)ref_load_bits(1, src);
  if (dtype == XHAL_DTYPE_I32) return ref_wrap(dtype, ref_load_bits(4, src));
  return ref_wrap(XHAL_DTYPE_I64, ref_load_bits(8, src));
}

void ref_store_int(xhal_dtype_t dtype, void *dst, int64_t value) {
  ref_store_bits(ref_dtype_size(dtype), dst, (uint64_t)value);
}

void ref_format_value(char *out, size_t out_size, xhal_dtype_t dtype, double f, int64_t i,
                      int raw_bits) {
  if (raw_bits) {
    snprintf(out, out_size, "0x%0*" PRIx64, (int)(2 * ref_dtype_size(dtype)), (uint64_t)i);
    return;
  }
  if (ref_dtype_is_int(dtype)) {
    snprintf(out, out_size, "%" PRId64, i);
    return;
  }
  unsigned char bytes[8] = {0};
  size_t size = ref_dtype_size(dtype);
  ref_store_float(dtype, bytes, f);
  int digits = dtype == XHAL_DTYPE_F16 ? 5 : dtype == XHAL_DTYPE_F32 ? 9 : 17;
  snprintf(out, out_size, "%.*g (0x%0*" PRIx64 ")", digits, f, (int)(2 * size),
           ref_load_bits(size, bytes));
}

/* cpu_kernel_f16.h - IEEE half <-> f32 conversion.
 *
 * Every f16 operator computes in f32 and rounds the result to nearest even,
 * so kernels convert blocks of CPU_F16_BLOCK elements through stack scratch.
 * The scalar conversions are exact bit manipulations (no FPU mode
 * dependence beyond round-to-nearest); the bulk ones use F16C when the CPU
 * has it, which gives identical results. */
#ifndef XHAL_CPU_KERNEL_F16_H
#define XHAL_CPU_KERNEL_F16_H

#include <stdint.h>
#include <string.h>

#define CPU_F16_BLOCK 256

static inline float cpu_f16_to_f32(uint16_t h) {
  const uint32_t exp_mask = 0x7c00u << 13;
  uint32_t bits = (uint32_t)(h & 0x7fffu) << 13;
  uint32_t exp = bits & exp_mask;
  bits += (uint32_t)(127 - 15) << 23;
  if (exp == exp_mask) {
    bits += (uint32_t)(128 - 16) << 23; /* Inf/NaN keep an all-ones exponent */
  } else if (exp == 0) {
    /* Zero or subnormal: renormalise through one exact float subtraction. */
    const uint32_t magic_bits = 113u << 23;
    float value, magic;
    bits += 1u << 23;
    memcpy(&value, &bits, sizeof value);
    memcpy(&magic, &magic_bits, sizeof magic);
    value -= magic;
    memcpy(&bits, &value, sizeof bits);
  }
  bits |= (uint32_t)(h & 0x8000u) << 16;
  float out;
  memcpy(&out, &bits, sizeof out);
  return out;
}

static inline uint16_t cpu_f32_to_f16(float f) {
  uint32_t x;
  memcpy(&x, &f, sizeof x);
  const uint32_t sign = x & 0x80000000u;
  x ^= sign;
  uint32_t out;
  if (x >= (uint32_t)(127 + 16) << 23) {
    out = x > 0x7f800000u ? 0x7e00u : 0x7c00u; /* NaN stays NaN, overflow -> Inf */
  } else if (x < 113u << 23) {
    /* Subnormal or zero half: adding 0.5 aligns the 10 mantissa bits at the
     * bottom and the FPU's round-to-nearest-even does the rounding. */
    const uint32_t magic_bits = ((127u - 15u) + (23u - 10u) + 1u) << 23;
    float value, magic;
    memcpy(&value, &x, sizeof value);
    memcpy(&magic, &magic_bits, sizeof magic);
    value += magic;
    memcpy(&out, &value, sizeof out);
    out -= magic_bits;
  } else {
    uint32_t mant_odd = (x >> 13) & 1u;
    x += ((uint32_t)(15 - 127) << 23) + 0xfffu; /* rebias and round half up... */
    x += mant_odd;                              /* ...or to even on a tie */
    out = x >> 13;
  }
  return (uint16_t)(out | (sign >> 16));
}

/* dst[i] = src[i * stride] as f32, i < n. */
void cpu_f16_load(float *dst, const uint16_t *src, int64_t n, int64_t stride);

/* dst[i * stride] = src[i] rounded to f16, i < n. */
void cpu_f16_store(uint16_t *dst, int64_t stride, const float *src, int64_t n);

#endif

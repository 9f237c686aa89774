/* cpu_kernel_vmath.c - exp/tanh/sigmoid over f32 arrays.
 *
 * Each f32 result is computed in f64 from one exp core (Cody-Waite
 * reduction, degree-9 Taylor polynomial, 2^n built from bits) and rounded
 * once, so results are within ~0.5 ULP, subnormal and overflow cases
 * included. The loops are plain C that gcc vectorises; an AVX2 clone is
 * picked at run time on x86-64 because the build targets baseline SSE2. */
#include "cpu_kernel_vmath.h"

#include <math.h>
#include <string.h>

#include "cpu_kernel_iter.h"

/* The selects below compare floats; under the default -ftrapping-math gcc
 * will not if-convert them (a compare may raise FE_INVALID), which blocks
 * vectorisation. Nothing here reads the FP exception flags. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

/* exp(x) = s * (1 + p) with s = 2^n and |p| < 0.42, for |x| <= 700. The
 * polynomial keeps p accurate relative to itself, so tanh can use
 * expm1 = s * p + (s - 1), which is exactly p when n == 0. */
static inline void cpu_exp_parts(double x, double *s, double *p) {
  const double shifter = 0x1.8p52; /* adding it rounds to an integer in the low bits */
  const double k = x * 0x1.71547652b82fep0 + shifter;
  const double n = k - shifter;
  const double r = x - n * 0x1.62e42fefa39efp-1;
  double q = 1.0 / 362880.0;
  q = q * r + 1.0 / 40320.0;
  q = q * r + 1.0 / 5040.0;
  q = q * r + 1.0 / 720.0;
  q = q * r + 1.0 / 120.0;
  q = q * r + 1.0 / 24.0;
  q = q * r + 1.0 / 6.0;
  q = q * r + 0.5;
  q = q * r + 1.0;
  *p = q * r;
  int64_t bits;
  memcpy(&bits, &k, sizeof bits);
  const uint64_t scale = (uint64_t)(bits - INT64_C(0x4338000000000000) + 1023) << 52;
  memcpy(s, &scale, sizeof *s);
}

/* Arguments are clamped where the f32 result has long saturated (exp below
 * -104 is 0, above 89 is Inf; tanh beyond 10 is +-1); NaN fails both
 * comparisons, flows through as garbage and is replaced by x at the end.
 * Every value is computed unconditionally and only selected, so gcc can
 * if-convert and vectorise under the default -ftrapping-math. */
static inline double cpu_clamp(double v, double lo, double hi) {
  v = v < lo ? lo : v;
  return v > hi ? hi : v;
}

static inline float cpu_expf_one(float x) {
  double s, p;
  cpu_exp_parts(cpu_clamp((double)x, -110.0, 100.0), &s, &p);
  const float r = (float)(s + s * p);
  return x != x ? x : r;
}

static inline float cpu_tanhf_one(float x) {
  const float ax = fabsf(x);
  double s, p;
  cpu_exp_parts(cpu_clamp(2.0 * (double)ax, 0.0, 40.0), &s, &p);
  const double em1 = s * p + (s - 1.0); /* expm1(2|x|) */
  const float t = (float)(em1 / (em1 + 2.0)), nt = -t;
  float r = x < 0.0f ? nt : t;
  r = ax < 0x1p-13f ? x : r; /* tanh(x) rounds to x there; this also keeps -0 */
  return x != x ? x : r;
}

/* 1 / (1 + exp(-x)) in f64 has no overflow or cancellation for |x| <= 110,
 * and keeps the negative tail accurate down to the subnormals. */
static inline float cpu_sigmoidf_one(float x) {
  double s, p;
  cpu_exp_parts(cpu_clamp(-(double)x, -110.0, 110.0), &s, &p);
  const float r = (float)(1.0 / (1.0 + (s + s * p)));
  return x != x ? x : r;
}

/* Softmax numerators exp(x - max): x <= 0, so no overflow, and an error of
 * about 1 ULP is far inside Softmax's tolerance. Pure f32 (Cody-Waite,
 * Cephes' degree-6 polynomial) runs twice as many lanes as the f64 core.
 * Results below FLT_MIN (x < -87.3) flush to 0: an absolute error under
 * 1.2e-38 on a probability. */
static inline float cpu_expf_nonpos_one(float x) {
  const float xc = x < -87.3f ? -87.3f : x;
  const float shifter = 0x1.8p23f;
  const float k = xc * 0x1.715476p0f + shifter;
  const float n = k - shifter;
  const float r = (xc - n * 0.693359375f) + n * 2.12194440e-4f;
  float q = 1.9875691500e-4f;
  q = q * r + 1.3981999507e-3f;
  q = q * r + 8.3334519073e-3f;
  q = q * r + 4.1665795894e-2f;
  q = q * r + 1.6666665459e-1f;
  q = q * r + 5.0000001201e-1f;
  const float p = q * (r * r) + r + 1.0f;
  int32_t bits;
  memcpy(&bits, &k, sizeof bits);
  const uint32_t scale_bits = (uint32_t)(bits - 0x4B400000 + 127) << 23;
  float scale;
  memcpy(&scale, &scale_bits, sizeof scale);
  float e = p * scale;
  e = x < -87.3f ? 0.0f : e;
  return x != x ? x : e;
}

#define CPU_VMATH_LOOP(name, one, attrs)                                                           \
  attrs static void name(float *dst, const float *src, int64_t n) {                                \
    CPU_SIMD                                                                                       \
    for (int64_t i = 0; i < n; ++i) dst[i] = one(src[i]);                                          \
  }

CPU_VMATH_LOOP(cpu_exp_base, cpu_expf_one, )
CPU_VMATH_LOOP(cpu_tanh_base, cpu_tanhf_one, )
CPU_VMATH_LOOP(cpu_sigmoid_base, cpu_sigmoidf_one, )
CPU_VMATH_LOOP(cpu_exp_nonpos_base, cpu_expf_nonpos_one, )

#if defined(__x86_64__) && defined(__GNUC__)
#define CPU_HAVE_AVX2_CLONES 1
#define CPU_AVX2 __attribute__((target("avx2,fma")))
CPU_VMATH_LOOP(cpu_exp_avx2, cpu_expf_one, CPU_AVX2)
CPU_VMATH_LOOP(cpu_tanh_avx2, cpu_tanhf_one, CPU_AVX2)
CPU_VMATH_LOOP(cpu_sigmoid_avx2, cpu_sigmoidf_one, CPU_AVX2)
CPU_VMATH_LOOP(cpu_exp_nonpos_avx2, cpu_expf_nonpos_one, CPU_AVX2)

static int cpu_avx2_available(void) {
  static int state; /* 0 unknown, 1 yes, 2 no; a benign race settles the same */
  int s = __atomic_load_n(&state, __ATOMIC_RELAXED);
  if (!s) {
    __builtin_cpu_init();
    s = (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 1 : 2;
    __atomic_store_n(&state, s, __ATOMIC_RELAXED);
  }
  return s == 1;
}
#endif

void cpu_vmath_exp(float *dst, const float *src, int64_t n) {
#if defined(CPU_HAVE_AVX2_CLONES)
  if (cpu_avx2_available()) {
    cpu_exp_avx2(dst, src, n);
    return;
  }
#endif
  cpu_exp_base(dst, src, n);
}

void cpu_vmath_tanh(float *dst, const float *src, int64_t n) {
#if defined(CPU_HAVE_AVX2_CLONES)
  if (cpu_avx2_available()) {
    cpu_tanh_avx2(dst, src, n);
    return;
  }
#endif
  cpu_tanh_base(dst, src, n);
}

void cpu_vmath_sigmoid(float *dst, const float *src, int64_t n) {
#if defined(CPU_HAVE_AVX2_CLONES)
  if (cpu_avx2_available()) {
    cpu_sigmoid_avx2(dst, src, n);
    return;
  }
#endif
  cpu_sigmoid_base(dst, src, n);
}

void cpu_vmath_exp_nonpos(float *dst, const float *src, int64_t n) {
#if defined(CPU_HAVE_AVX2_CLONES)
  if (cpu_avx2_available()) {
    cpu_exp_nonpos_avx2(dst, src, n);
    return;
  }
#endif
  cpu_exp_nonpos_base(dst, src, n);
}

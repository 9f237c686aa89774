/* cpu_kernel_f16.c - bulk half <-> f32 conversion, F16C when available. */
#include "cpu_kernel_f16.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define CPU_HAVE_F16C_PATH 1
#endif

#if defined(CPU_HAVE_F16C_PATH)
/* The build targets baseline x86-64, so F16C code is compiled per function
 * and chosen at run time. */
static int cpu_f16c_available(void) {
  static int state; /* 0 unknown, 1 yes, 2 no; a benign race settles the same */
  int s = __atomic_load_n(&state, __ATOMIC_RELAXED);
  if (!s) {
    /* "avx" also checks that the OS saves YMM state; F16C is CPUID.1:ECX
     * bit 29 (not every compiler's __builtin_cpu_supports knows it). */
    unsigned eax, ebx, ecx = 0, edx;
    __builtin_cpu_init();
    const int f16c = __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 29));
    s = (f16c && __builtin_cpu_supports("avx")) ? 1 : 2;
    __atomic_store_n(&state, s, __ATOMIC_RELAXED);
  }
  return s == 1;
}

__attribute__((target("avx,f16c"))) static int64_t cpu_f16c_load(float *dst, const uint16_t *src,
                                                                 int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m128i h = _mm_loadu_si128((const __m128i *)(const void *)(src + i));
    _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(h));
  }
  return i;
}

__attribute__((target("avx,f16c"))) static int64_t cpu_f16c_store(uint16_t *dst, const float *src,
                                                                  int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT);
    _mm_storeu_si128((__m128i *)(void *)(dst + i), h);
  }
  return i;
}
#endif

void cpu_f16_load(float *dst, const uint16_t *src, int64_t n, int64_t stride) {
  int64_t i = 0;
#if defined(CPU_HAVE_F16C_PATH)
  if (stride == 1 && cpu_f16c_available()) i = cpu_f16c_load(dst, src, n);
#endif
  for (; i < n; ++i) dst[i] = cpu_f16_to_f32(src[i * stride]);
}

void cpu_f16_store(uint16_t *dst, int64_t stride, const float *src, int64_t n) {
  int64_t i = 0;
#if defined(CPU_HAVE_F16C_PATH)
  if (stride == 1 && cpu_f16c_available()) i = cpu_f16c_store(dst, src, n);
#endif
  for (; i < n; ++i) dst[i * stride] = cpu_f32_to_f16(src[i]);
}

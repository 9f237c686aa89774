/* test_cu_scalar.c - the CUDA kernels' element rules (kernels/cu_scalar.h)
 * checked on the host, where no GPU is needed: the same functions the
 * kernels call, compiled by the C compiler. Rounding boundaries of f32 ->
 * f16 are checked exhaustively (every midpoint between neighbouring f16
 * values and the floats on either side), f16 -> f32 for all 65536 values,
 * the rest at the edges docs/conformance.md "Special values" names. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kernels/cu_scalar.h"

/* f16 bits -> double, from the IEEE 754 definition (independent of the
 * code under test). */
static double f16_value(uint16_t h) {
  const int sign = h >> 15, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  double v;
  if (exponent == 0x1f) {
    v = mantissa ? NAN : INFINITY;
  } else if (exponent == 0) {
    v = ldexp((double)mantissa, -24);
  } else {
    v = ldexp((double)(mantissa + 1024), exponent - 25);
  }
  return sign ? -v : v;
}

static int is_f16_nan(uint16_t h) { return (h & 0x7c00) == 0x7c00 && (h & 0x3ff); }

static void test_f16_to_f32_all(void **state) {
  (void)state;
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const float f = cu_f16_to_f32((uint16_t)h);
    const double want = f16_value((uint16_t)h);
    if (isnan(want)) {
      assert_true(isnan(f));
    } else {
      assert_true((double)f == want);
      assert_int_equal(signbit(f) != 0, (h >> 15) != 0);
    }
  }
}

static void test_f32_to_f16_roundtrip(void **state) {
  (void)state;
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const uint16_t back = cu_f32_to_f16(cu_f16_to_f32((uint16_t)h));
    if (is_f16_nan((uint16_t)h)) {
      assert_true(is_f16_nan(back));
    } else {
      assert_int_equal(back, h);
    }
  }
}

/* Between neighbours a < b: below the midpoint gives a, above gives b, the
 * midpoint itself the even one; past 65504 the next step is Inf. */
static void test_f32_to_f16_rounding(void **state) {
  (void)state;
  for (uint32_t h = 0; h < 0x7c00; ++h) {
    const double a = f16_value((uint16_t)h);
    const double b = h + 1 == 0x7c00 ? 65536.0 : f16_value((uint16_t)(h + 1));
    const float mid = (float)((a + b) / 2); /* 12 significant bits: exact */
    assert_true((double)mid == (a + b) / 2);
    const uint16_t even = (h & 1) ? (uint16_t)(h + 1) : (uint16_t)h;
    for (int sign = 0; sign < 2; ++sign) {
      const float s = sign ? -1.0f : 1.0f;
      const uint16_t bit = sign ? 0x8000 : 0;
      assert_int_equal(cu_f32_to_f16(s * mid), (uint16_t)(even | bit));
      assert_int_equal(cu_f32_to_f16(s * nextafterf(mid, 0.0f)), (uint16_t)(h | bit));
      assert_int_equal(cu_f32_to_f16(s * nextafterf(mid, INFINITY)), (uint16_t)((h + 1) | bit));
    }
  }
}

static void test_f32_to_f16_specials(void **state) {
  (void)state;
  assert_int_equal(cu_f32_to_f16(INFINITY), 0x7c00);
  assert_int_equal(cu_f32_to_f16(-INFINITY), 0xfc00);
  assert_int_equal(cu_f32_to_f16(FLT_MAX), 0x7c00);
  assert_int_equal(cu_f32_to_f16(65519.99f), 0x7bff);
  assert_int_equal(cu_f32_to_f16(65520.0f), 0x7c00);
  assert_int_equal(cu_f32_to_f16(-0.0f), 0x8000);
  assert_int_equal(cu_f32_to_f16(FLT_MIN), 0x0000);          /* far below 2^-25 */
  assert_int_equal(cu_f32_to_f16(1e-45f), 0x0000);           /* an f32 subnormal */
  assert_int_equal(cu_f32_to_f16(ldexpf(1.0f, -25)), 0x0000); /* tie to even: 0 */
  assert_int_equal(cu_f32_to_f16(ldexpf(1.5f, -25)), 0x0001);
  assert_int_equal(cu_f32_to_f16(ldexpf(1.0f, -24)), 0x0001);
  assert_int_equal(cu_f32_to_f16(ldexpf(1.0f, -14)), 0x0400);
  assert_true(is_f16_nan(cu_f32_to_f16(NAN)));
  assert_true(is_f16_nan(cu_f32_to_f16(-NAN)));
}

static void test_int_to_f16(void **state) {
  (void)state;
  for (int64_t i = -70000; i <= 70000; ++i) {
    const uint16_t h = cu_i64_to_f16(i);
    if (i >= 65520) {
      assert_int_equal(h, 0x7c00);
    } else if (i <= -65520) {
      assert_int_equal(h, 0xfc00);
    } else {
      /* One rounding of the exact value: the nearest f16, ties to even. */
      const double v = f16_value(h);
      assert_true(fabs(v - (double)i) <= fabs(f16_value((uint16_t)(h + 1)) - (double)i));
      assert_int_equal(h, cu_f32_to_f16((float)i));
    }
  }
  assert_int_equal(cu_i64_to_f16(0), 0x0000);
  assert_int_equal(cu_i64_to_f16(2049), 0x6800);  /* 2048: tie to even */
  assert_int_equal(cu_i64_to_f16(2051), 0x6802);  /* 2052 */
  assert_int_equal(cu_i64_to_f16(65504), 0x7bff);
  assert_int_equal(cu_i64_to_f16(65519), 0x7bff);
  assert_int_equal(cu_i64_to_f16(INT64_MAX), 0x7c00);
  assert_int_equal(cu_i64_to_f16(INT64_MIN), 0xfc00);
  assert_int_equal(cu_i64_to_f16(INT32_MIN), 0xfc00);
}

static void test_float_to_int(void **state) {
  (void)state;
  assert_int_equal(cu_f32_to_i32(NAN), 0);
  assert_int_equal(cu_f32_to_i32(INFINITY), INT32_MAX);
  assert_int_equal(cu_f32_to_i32(-INFINITY), INT32_MIN);
  assert_int_equal(cu_f32_to_i32(2147483520.0f), 2147483520);
  assert_int_equal(cu_f32_to_i32(2147483648.0f), INT32_MAX);
  assert_int_equal(cu_f32_to_i32(-2147483648.0f), INT32_MIN);
  assert_int_equal(cu_f32_to_i32(-2147483904.0f), INT32_MIN);
  assert_int_equal(cu_f32_to_i32(-1.9f), -1);
  assert_int_equal(cu_f32_to_i32(2.9f), 2);
  assert_int_equal(cu_f32_to_i32(-0.0f), 0);
  assert_int_equal(cu_f32_to_i32(1e-40f), 0);
  assert_true(cu_f32_to_i64(NAN) == 0);
  assert_true(cu_f32_to_i64(INFINITY) == INT64_MAX);
  assert_true(cu_f32_to_i64(-INFINITY) == INT64_MIN);
  assert_true(cu_f32_to_i64(9223372036854775808.0f) == INT64_MAX);
  assert_true(cu_f32_to_i64(-9223372036854775808.0f) == INT64_MIN);
  assert_true(cu_f32_to_i64(9223371487098961920.0f) == INT64_C(9223371487098961920));
  assert_true(cu_f32_to_i64(-2.5f) == -2);
  /* f16 sources widen exactly first. */
  assert_int_equal(cu_f32_to_i32(cu_f16_to_f32(0x7bff)), 65504);
  assert_int_equal(cu_f32_to_i32(cu_f16_to_f32(0xfc00)), INT32_MIN);
  assert_int_equal(cu_i64_to_i32(INT64_C(0x123456789)), 0x23456789);
  assert_int_equal(cu_i64_to_i32(INT64_C(-1)), -1);
  assert_int_equal(cu_i64_to_i32(INT64_C(0x80000000)), INT32_MIN);
}

static void test_integer_arithmetic(void **state) {
  (void)state;
  assert_int_equal(cu_add_i32(INT32_MAX, 1), INT32_MIN);
  assert_int_equal(cu_sub_i32(INT32_MIN, 1), INT32_MAX);
  assert_int_equal(cu_mul_i32(65536, 65536), 0);
  assert_int_equal(cu_neg_i32(INT32_MIN), INT32_MIN);
  assert_int_equal(cu_abs_i32(INT32_MIN), INT32_MIN);
  assert_int_equal(cu_abs_i32(-7), 7);
  assert_int_equal(cu_relu_i32(-7), 0);
  assert_int_equal(cu_relu_i32(7), 7);
  assert_int_equal(cu_div_i32(7, 0), 0);
  assert_int_equal(cu_div_i32(INT32_MIN, -1), INT32_MIN);
  assert_int_equal(cu_div_i32(-7, 2), -3);
  assert_int_equal(cu_div_i32(7, -2), -3);
  assert_true(cu_add_i64(INT64_MAX, 1) == INT64_MIN);
  assert_true(cu_mul_i64(INT64_C(1) << 32, INT64_C(1) << 32) == 0);
  assert_true(cu_neg_i64(INT64_MIN) == INT64_MIN);
  assert_true(cu_abs_i64(INT64_MIN) == INT64_MIN);
  assert_true(cu_div_i64(INT64_MIN, -1) == INT64_MIN);
  assert_true(cu_div_i64(5, 0) == 0);
  assert_true(cu_div_i64(-9, 4) == -2);
}

static void test_float_specials(void **state) {
  (void)state;
  assert_true(cu_relu_f32(-0.0f) == 0.0f && !signbit(cu_relu_f32(-0.0f)));
  assert_true(isnan(cu_relu_f32(NAN)));
  assert_true(cu_relu_f32(-INFINITY) == 0.0f && !signbit(cu_relu_f32(-INFINITY)));
  assert_true(!signbit(cu_abs_f32(-0.0f)));
  assert_true(signbit(cu_neg_f32(0.0f)));
  assert_true(isnan(cu_add_f32(INFINITY, -INFINITY)));
  assert_true(isnan(cu_mul_f32(0.0f, INFINITY)));
  assert_true(cu_div_f32(1.0f, -0.0f) == -INFINITY);
  assert_true(isnan(cu_div_f32(0.0f, 0.0f)));
  assert_true(cu_exp_f32(-INFINITY) == 0.0f);
  assert_true(cu_exp_f32(INFINITY) == INFINITY);
  assert_true(cu_exp_f32(89.0f) == INFINITY);
  assert_true(cu_exp_f32(0.0f) == 1.0f && cu_exp_f32(-0.0f) == 1.0f);
  assert_true(cu_exp_f32(-100.0f) == (float)exp(-100.0)); /* subnormal, not flushed */
  assert_true(cu_exp_f32(-100.0f) > 0.0f);
  assert_true(isnan(cu_exp_f32(NAN)));
  assert_true(cu_sigmoid_f32(INFINITY) == 1.0f);
  assert_true(cu_sigmoid_f32(-INFINITY) == 0.0f && !signbit(cu_sigmoid_f32(-INFINITY)));
  assert_true(cu_sigmoid_f32(0.0f) == 0.5f && cu_sigmoid_f32(-0.0f) == 0.5f);
  assert_true(cu_sigmoid_f32(-100.0f) > 0.0f && cu_sigmoid_f32(-100.0f) < FLT_MIN);
  assert_true(isnan(cu_sigmoid_f32(NAN)));
  assert_true(cu_tanh_f32(INFINITY) == 1.0f && cu_tanh_f32(-INFINITY) == -1.0f);
  assert_true(cu_tanh_f32(-0.0f) == 0.0f && signbit(cu_tanh_f32(-0.0f)));
  assert_true(cu_tanh_f32(1e-30f) == 1e-30f);
  assert_true(isnan(cu_tanh_f32(NAN)));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_f16_to_f32_all),     cmocka_unit_test(test_f32_to_f16_roundtrip),
      cmocka_unit_test(test_f32_to_f16_rounding), cmocka_unit_test(test_f32_to_f16_specials),
      cmocka_unit_test(test_int_to_f16),         cmocka_unit_test(test_float_to_int),
      cmocka_unit_test(test_integer_arithmetic), cmocka_unit_test(test_float_specials),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * area_ops_values.c - input values of the operator cases: the default
 * distribution of each op and dtype, and the special-value lists.
 *
 * Values are drawn from conf_random_bits(run, input, slot), so they are a
 * pure function of (seed, case name, input index, slot) and the same under
 * any --jobs or --shard. Every value is stored in its dtype (rounded or
 * wrapped); the reference reads the stored values back, never these.
 */
#include <math.h>
#include <stdint.h>

#include "area_ops.h"
#include "ref_dtype.h"

ops_gen_t ops_gen_uniform(double lo, double hi) {
  ops_gen_t g = {OPS_GEN_UNIFORM, 0, 0, lo, hi};
  return g;
}

static ops_gen_t ops_gen_mantissa(int lo, int hi) {
  ops_gen_t g = {OPS_GEN_MANTISSA, 0, 0, lo, hi};
  return g;
}

static ops_gen_t ops_gen_bits(void) {
  ops_gen_t g = {OPS_GEN_BITS, 0, 0, 0, 0};
  return g;
}

ops_gen_t ops_gen_list(ops_list_t list) {
  ops_gen_t g = {OPS_GEN_LIST, (uint8_t)list, 0, 0, 0};
  return g;
}

static ops_gen_t ops_default_float(xhal_op_t op, xhal_dtype_t dtype, xhal_dtype_t cast_to) {
  int f16 = dtype == XHAL_DTYPE_F16;
  switch (op) {
  case XHAL_OP_ADD:
  case XHAL_OP_SUB:
  case XHAL_OP_NEG:
  case XHAL_OP_ABS:
  case XHAL_OP_RELU:
  case XHAL_OP_TRANSPOSE:
    /* Mixed binades exercise alignment and rounding of every bit. */
    return f16 ? ops_gen_mantissa(-6, 6) : ops_gen_mantissa(-8, 8);
  case XHAL_OP_MUL:
  case XHAL_OP_DIV: return f16 ? ops_gen_mantissa(-4, 4) : ops_gen_mantissa(-6, 6);
  case XHAL_OP_EXP: return ops_gen_uniform(-10.0, 10.0);
  case XHAL_OP_SIGMOID:
  case XHAL_OP_TANH: return ops_gen_uniform(-6.0, 6.0);
  case XHAL_OP_REDUCE_PROD: return ops_gen_mantissa(-1, 0); /* |x| in [0.5, 2): no overflow */
  case XHAL_OP_CAST:
    if (f16) {
      ops_gen_t g = {OPS_GEN_FINITE_BITS, 0, 0, 0, 0};
      return g;
    }
    if (cast_to == XHAL_DTYPE_F16) return ops_gen_mantissa(-26, 15);
    if (cast_to == XHAL_DTYPE_F32) return ops_gen_mantissa(-30, 30);
    return ops_gen_uniform(-1.0e6, 1.0e6);
  default: /* MatMul, Gemm, reductions, Softmax: sum|terms| ~ K / 2 */
    return ops_gen_uniform(-1.0, 1.0);
  }
}

static ops_gen_t ops_default_int(xhal_op_t op, xhal_dtype_t dtype, uint32_t k,
                                 xhal_dtype_t cast_to) {
  int i32 = dtype == XHAL_DTYPE_I32;
  switch (op) {
  case XHAL_OP_ADD:
  case XHAL_OP_SUB:
    /* No overflow here; wrap-around has its own cases. */
    return i32 ? ops_gen_uniform(-1073741824.0, 1073741824.0)
               : ops_gen_uniform(-4611686018427387904.0, 4611686018427387904.0);
  case XHAL_OP_MUL:
    return i32 ? ops_gen_uniform(-46340.0, 46340.0)
               : ops_gen_uniform(-3037000499.0, 3037000499.0);
  case XHAL_OP_DIV:
    if (k == 0) return ops_gen_bits();
    {
      ops_gen_t g = ops_gen_uniform(-300.0, 300.0);
      g.nonzero = 1;
      return g;
    }
  case XHAL_OP_MATMUL:
  case XHAL_OP_GEMM: return ops_gen_uniform(-64.0, 64.0);
  case XHAL_OP_REDUCE_SUM:
  case XHAL_OP_REDUCE_MEAN: return ops_gen_uniform(-1000.0, 1000.0);
  case XHAL_OP_CAST:
    if (cast_to == XHAL_DTYPE_F16) return ops_gen_uniform(-65504.0, 65504.0);
    if (cast_to == XHAL_DTYPE_I32 && !i32) return ops_gen_uniform(-2147483648.0, 2147483647.0);
    return ops_gen_bits();
  default: return ops_gen_bits(); /* Neg, Abs, Relu, Transpose */
  }
}

ops_gen_t ops_default_gen(xhal_op_t op, xhal_dtype_t dtype, uint32_t k, xhal_dtype_t cast_to) {
  if (op == XHAL_OP_COPY) return ops_gen_bits();
  /* u8 arithmetic wraps over the whole range; bools are 0 or 1. */
  if (dtype == XHAL_DTYPE_U8 || dtype == XHAL_DTYPE_BOOL) return ops_gen_bits();
  /* Casts to u8/bool: values in range, below 0 and past 255. */
  if (op == XHAL_OP_CAST && (cast_to == XHAL_DTYPE_U8 || cast_to == XHAL_DTYPE_BOOL) &&
      dtype != XHAL_DTYPE_F16)
    return ref_dtype_is_float(dtype) ? ops_gen_uniform(-40.0, 300.0) : ops_gen_bits();
  if (ref_dtype_is_float(dtype)) return ops_default_float(op, dtype, cast_to);
  return ops_default_int(op, dtype, k, cast_to);
}

/* ---- Special-value lists ---------------------------------------------------- */
#define OPS_LIST_MAX 40

typedef struct ops_list_values {
  uint32_t n;
  double f[OPS_LIST_MAX];
  int64_t i[OPS_LIST_MAX];
} ops_list_values_t;

static void ops_push_f(ops_list_values_t *l, double v) {
  if (l->n < OPS_LIST_MAX) l->f[l->n++] = v;
}

static void ops_push_pm(ops_list_values_t *l, double v) {
  ops_push_f(l, v);
  ops_push_f(l, -v);
}

static void ops_push_i(ops_list_values_t *l, int64_t v) {
  if (l->n < OPS_LIST_MAX) l->i[l->n++] = v;
}

static void ops_list_special(ops_list_values_t *l, xhal_dtype_t dtype) {
  ops_push_f(l, NAN);
  ops_push_pm(l, INFINITY);
  ops_push_f(l, 0.0);
  ops_push_f(l, -0.0);
  ops_push_pm(l, 1.0);
  ops_push_f(l, 0.5);
  ops_push_f(l, -2.5);
  ops_push_f(l, 3.0);
  ops_push_pm(l, ref_max_finite(dtype));
  ops_push_pm(l, ref_min_normal(dtype));
}

static void ops_list_subnormal(ops_list_values_t *l, xhal_dtype_t dtype) {
  double sub = ref_min_subnormal(dtype);
  double normal = ref_min_normal(dtype);
  ops_push_pm(l, sub);                /* smallest subnormal */
  ops_push_pm(l, normal - sub);       /* largest subnormal */
  ops_push_f(l, 3.0 * sub);
  ops_push_f(l, -(normal / 2 + sub)); /* odd significand */
  ops_push_pm(l, normal);
  ops_push_f(l, 0.75);
  ops_push_f(l, -1.5);
  ops_push_f(l, 2.0);
  ops_push_f(l, 0.5);
}

static void ops_list_large(ops_list_values_t *l, xhal_dtype_t dtype) {
  if (dtype == XHAL_DTYPE_F16) {
    /* exp overflows past ln(65504) ~ 11.09; sigmoid/tanh saturate */
    static const double v[] = {5.0, 8.0, 10.0, 11.0, 11.09375, 11.1015625, 12.0, 17.0, 100.0,
                               1000.0};
    for (size_t n = 0; n < sizeof v / sizeof v[0]; n++) ops_push_pm(l, v[n]);
  } else {
    /* exp overflows past ln(FLT_MAX) ~ 88.7228; exp(-104) is subnormal */
    static const double v[] = {20.0, 50.0, 88.0, 88.72265625, 88.7265625, 89.0, 100.0, 104.0,
                               1.0e4, 1.0e30};
    for (size_t n = 0; n < sizeof v / sizeof v[0]; n++) ops_push_pm(l, v[n]);
  }
  ops_push_pm(l, ref_max_finite(dtype));
}

static void ops_list_tiny(ops_list_values_t *l, xhal_dtype_t dtype) {
  if (dtype == XHAL_DTYPE_F16) {
    static const double v[] = {0x1p-4, 0x1p-7, 0x1.4p-10, 0x1p-12, 0x1.8p-14, 0.0078125 * 1.5};
    for (size_t n = 0; n < sizeof v / sizeof v[0]; n++) ops_push_pm(l, v[n]);
  } else {
    static const double v[] = {1.0e-2, 1.0e-3, 1.0e-5, 3.0e-8, 1.0e-10, 1.0e-20, 1.0e-30,
                               1.0e-37};
    for (size_t n = 0; n < sizeof v / sizeof v[0]; n++) ops_push_pm(l, v[n]);
  }
}

static void ops_list_int_edge(ops_list_values_t *l, xhal_dtype_t dtype) {
  int64_t lo = ref_int_min(dtype), hi = ref_int_max(dtype);
  static const int64_t mid[] = {-7, -2, -1, 0, 1, 2, 7};
  ops_push_i(l, lo);
  ops_push_i(l, lo + 1);
  for (size_t n = 0; n < sizeof mid / sizeof mid[0]; n++) ops_push_i(l, mid[n]);
  ops_push_i(l, hi - 1);
  ops_push_i(l, hi);
}

static void ops_list_cast_to_int(ops_list_values_t *l) {
  static const double v[] = {0.5, 0.99999994, 1.5, 2.5, 1.0e10, 2147483520.0, 2147483648.0,
                             2147483904.0, 9223371487098961920.0, 9223372036854775808.0};
  ops_push_f(l, NAN);
  ops_push_pm(l, INFINITY);
  ops_push_f(l, 0.0);
  ops_push_f(l, -0.0);
  for (size_t n = 0; n < sizeof v / sizeof v[0]; n++) ops_push_pm(l, v[n]);
  ops_push_f(l, 65504.0);
  ops_push_f(l, -65504.0);
}

static void ops_list_cast_to_f16(ops_list_values_t *l) {
  static const double v[] = {
      65504.0, 65519.99609375, 65520.0, 65536.0, 1.0e5,
      0x1p-24, 0x1p-25, 0x1.000002p-25, 0x1.8p-25, /* smallest subnormal, ties, just above */
      0x1p-14, 0x1.ff8p-15,                        /* min normal; tie below it */
      0x1.002p0, 0x1.006p0, 0x1.00200002p0,        /* 1 + half ulp ties, just above */
      1.0e-8, 3.14159274,
  };
  for (size_t n = 0; n < sizeof v / sizeof v[0]; n++) ops_push_pm(l, v[n]);
  ops_push_f(l, NAN);
  ops_push_pm(l, INFINITY);
  ops_push_f(l, 0.0);
  ops_push_f(l, -0.0);
}

static void ops_list_int_to_float(ops_list_values_t *l) {
  static const int64_t v[] = {
      16777217,  16777219, 16777216, 2147483647, 2049, 2051, 65504, 65519, 65520, 70000,
      INT64_C(9007199254740993), INT64_MAX, INT64_C(18014398777917440) /* (2^24+1)*2^30 */,
      INT64_C(18014398777917441),
  };
  for (size_t n = 0; n < sizeof v / sizeof v[0]; n++) {
    ops_push_i(l, v[n]);
    ops_push_i(l, -v[n]);
  }
  ops_push_i(l, INT64_MIN);
  ops_push_i(l, INT32_MIN);
  ops_push_i(l, 0);
  ops_push_i(l, 1);
}

static void ops_list_int_narrow(ops_list_values_t *l) {
  static const int64_t v[] = {INT64_C(2147483648), INT64_C(4294967301), INT64_C(-2147483649),
                              INT64_C(1099511627899), INT64_MIN, INT64_MAX, -1, 0, 7,
                              INT64_C(-4294967296)};
  for (size_t n = 0; n < sizeof v / sizeof v[0]; n++) ops_push_i(l, v[n]);
}

static void ops_list_halves(ops_list_values_t *l, xhal_dtype_t dtype) {
  static const double v[] = {0.5, 1.5, 2.5, 3.5, 4.5, 0.25, 0.75, 1.25, 1023.5, 0.5 - 0x1p-12};
  for (size_t n = 0; n < sizeof v / sizeof v[0]; n++) ops_push_pm(l, v[n]);
  if (dtype == XHAL_DTYPE_F32) {
    ops_push_pm(l, 8388607.5);      /* 2^23 - 0.5: the last f32 with a fraction */
    ops_push_pm(l, 0.5 - 0x1p-25); /* just below 0.5 */
    ops_push_pm(l, 16777215.0);
  }
}

/* Extremes that tie (also as integers, where -0 is 0). */
static void ops_list_ties(ops_list_values_t *l) {
  static const double v[] = {2, -1, 2, 0, -0.0, 2, -1, 1, 0, -3, 2};
  for (size_t n = 0; n < sizeof v / sizeof v[0]; n++) {
    ops_push_f(l, v[n]);
    l->i[l->n - 1] = (int64_t)v[n];
  }
}

static void ops_list_signed_zeros(ops_list_values_t *l) {
  static const double v[] = {-0.0, -0.0, -0.0, 0.0, -0.0, 0.0, 0.0};
  for (size_t n = 0; n < sizeof v / sizeof v[0]; n++) {
    ops_push_f(l, v[n]);
    l->i[l->n - 1] = 0;
  }
}

/* Pow with an integer base: exponents whose float64 powers of the bases
 * the cases use (integers in [-6, 6] and the INT_EDGE lists) are exact or
 * stay clear of integers (area_ops_binary.c). */
static void ops_list_pow_exponents(ops_list_values_t *l, xhal_dtype_t dtype) {
  static const double v[] = {0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0, 31.0, 63.0, 64.0,
                             0.5, -0.5, 1.5, 2.5, -2.5, 0.3, 1.7, 2.2, -1.3, 3.3};
  ops_push_f(l, NAN);
  ops_push_pm(l, INFINITY);
  for (size_t n = 0; n < sizeof v / sizeof v[0]; n++) ops_push_f(l, v[n]);
  ops_push_pm(l, ref_max_finite(dtype));
}

/* Pow pairs (base in i, exponent in f) whose float64 power is exact: square
 * roots of squares, integral powers below 2^53 and at the i32/i64 limits,
 * 0^0, 0^-1 = +Inf, 1^NaN, (-1)^+-Inf. Exponents are exact in f16. */
static void ops_list_pow_exact(ops_list_values_t *l) {
  static const struct {
    int64_t base;
    double exponent;
  } v[] = {{4, 0.5},    {9, 1.5},    {2, -1.0},   {-2, 3.0},  {0, 0.0},    {0, -0.0},
           {16, 0.25},  {16, 0.75},  {25, 0.5},   {100, 1.5}, {81, 0.75},  {65536, 0.25},
           {-8, 2.0},   {-1, -1.0},  {-1, -2.0},  {1, NAN},   {-1, INFINITY}, {-1, -INFINITY},
           {0, -1.0},   {-3, 3.0},   {4, -0.5},   {10, -2.0}, {2, 30.0},   {2, 31.0},
           {-2, 31.0},  {3, 33.0},   {-3, 33.0},  {7, 18.0},  {2, 62.0},   {2, 63.0},
           {-2, 63.0},  {-7, 0.0}};
  for (size_t n = 0; n < sizeof v / sizeof v[0]; n++) {
    ops_push_f(l, v[n].exponent);
    l->i[l->n - 1] = v[n].base;
  }
}

static void ops_list_build(ops_list_t list, xhal_dtype_t dtype, ops_list_values_t *l) {
  l->n = 0;
  switch (list) {
  case OPS_LIST_SPECIAL: ops_list_special(l, dtype); break;
  case OPS_LIST_SUBNORMAL: ops_list_subnormal(l, dtype); break;
  case OPS_LIST_LARGE: ops_list_large(l, dtype); break;
  case OPS_LIST_TINY: ops_list_tiny(l, dtype); break;
  case OPS_LIST_INT_EDGE: ops_list_int_edge(l, dtype); break;
  case OPS_LIST_CAST_TO_INT: ops_list_cast_to_int(l); break;
  case OPS_LIST_CAST_TO_F16: ops_list_cast_to_f16(l); break;
  case OPS_LIST_INT_TO_FLOAT: ops_list_int_to_float(l); break;
  case OPS_LIST_INT_NARROW: ops_list_int_narrow(l); break;
  case OPS_LIST_HALVES: ops_list_halves(l, dtype); break;
  case OPS_LIST_TIES: ops_list_ties(l); break;
  case OPS_LIST_SIGNED_ZEROS: ops_list_signed_zeros(l); break;
  case OPS_LIST_POW_EXPONENTS: ops_list_pow_exponents(l, dtype); break;
  case OPS_LIST_POW_EXACT: ops_list_pow_exact(l); break;
  default: break;
  }
}

/* Softmax rows with NaN or -Inf entries among uniform [-1, 1] values. */
static void ops_gen_masked(const conf_run_t *run, uint32_t tensor_index, uint64_t slot,
                           ops_list_t list, double *f) {
  double u = conf_random_unit(run, tensor_index, slot) * 2.0 - 1.0;
  if (list == OPS_LIST_NAN_ROWS)
    *f = slot % 7 == 3 ? NAN : u;
  else
    *f = slot % 3 == 1 ? -INFINITY : u;
}

static double ops_gen_mantissa_value(uint64_t bits, xhal_dtype_t dtype, double lo, double hi) {
  int p = dtype == XHAL_DTYPE_F16 ? 11 : 24;
  uint64_t span = (uint64_t)(hi - lo) + 1;
  int e = (int)lo + (int)((bits >> 32) % span);
  double mant = (double)(bits & ((UINT64_C(1) << (p - 1)) - 1));
  double v = ldexp(1.0 + ldexp(mant, 1 - p), e);
  return (bits >> 63) ? -v : v;
}

static double ops_gen_finite_bits(uint64_t bits, xhal_dtype_t dtype) {
  if (dtype == XHAL_DTYPE_F16) {
    uint16_t b = (uint16_t)bits;
    if ((b & 0x7c00u) == 0x7c00u) b &= (uint16_t)~0x4000u; /* NaN/Inf -> finite */
    return ref_f16_value(b);
  }
  uint32_t b = (uint32_t)bits;
  if ((b & 0x7f800000u) == 0x7f800000u) b &= ~0x40000000u;
  unsigned char bytes[4];
  ref_store_bits(4, bytes, b);
  return ref_load_float(XHAL_DTYPE_F32, bytes);
}

uint32_t ops_list_size(ops_list_t list, xhal_dtype_t dtype) {
  ops_list_values_t l;
  ops_list_build(list, dtype, &l);
  return l.n;
}

void ops_gen_value(const conf_run_t *run, uint32_t tensor_index, uint64_t slot,
                   const ops_gen_t *gen, xhal_dtype_t dtype, double *f, int64_t *i) {
  int is_float = ref_dtype_is_float(dtype);
  if (gen->kind == OPS_GEN_LIST) {
    if (gen->list == OPS_LIST_NAN_ROWS || gen->list == OPS_LIST_NEG_INF_MASK) {
      ops_gen_masked(run, tensor_index, slot, (ops_list_t)gen->list, f);
      return;
    }
    ops_list_values_t l;
    ops_list_build((ops_list_t)gen->list, dtype, &l);
    if (l.n == 0) return;
    *f = l.f[slot % l.n];
    *i = l.i[slot % l.n];
    if (is_float && (gen->list == OPS_LIST_INT_EDGE || gen->list == OPS_LIST_INT_TO_FLOAT ||
                     gen->list == OPS_LIST_INT_NARROW))
      *f = (double)*i;
    return;
  }
  uint64_t bits = conf_random_bits(run, tensor_index, slot);
  switch (gen->kind) {
  case OPS_GEN_UNIFORM:
    if (is_float) {
      *f = gen->lo + (gen->hi - gen->lo) * conf_random_unit(run, tensor_index, slot);
    } else {
      int64_t lo = (int64_t)gen->lo;
      uint64_t span = (uint64_t)(int64_t)gen->hi - (uint64_t)lo + 1;
      *i = (int64_t)((uint64_t)lo + (span ? bits % span : bits));
      if (gen->nonzero && *i == 0) *i = 1;
    }
    break;
  case OPS_GEN_MANTISSA: *f = ops_gen_mantissa_value(bits, dtype, gen->lo, gen->hi); break;
  case OPS_GEN_FINITE_BITS: *f = ops_gen_finite_bits(bits, dtype); break;
  case OPS_GEN_INTS: {
    int64_t lo = (int64_t)gen->lo;
    uint64_t span = (uint64_t)((int64_t)gen->hi - lo) + 1;
    *i = lo + (int64_t)(bits % span);
    *f = (double)*i;
    break;
  }
  default:
    if (dtype == XHAL_DTYPE_BOOL) bits &= 1; /* a bool is 0 or 1 */
    *i = (int64_t)bits;
    *f = (double)*i;
    break;
  }
}

/*
 * ref_binary.c - reference of Pow, Min, Max, PRelu, Equal, Less, Greater,
 * LessOrEqual, GreaterOrEqual, Where, Not, And and Or.
 *
 * Written from the ONNX specification (opset <= 17) and xhal's documented
 * choices (docs/conformance.md):
 *  - Min/Max (variadic, 1..8 inputs, all broadcast together): NaN in any
 *    input gives NaN; Min(-0, +0) = -0 and Max(-0, +0) = +0 (IEEE 754-2019
 *    minimum/maximum).
 *  - Comparisons: IEEE (NaN compares false, -0 == +0); output bool (0/1).
 *  - PRelu: x < 0 ? x * slope : x, slope broadcast unidirectionally to X;
 *    the product of two exact f32 values is exact in double, so rounding
 *    it once gives the correctly rounded result. Integers wrap.
 *  - Pow: C99 pow in double for a float base (f32 or f16) with an f32,
 *    f16, i32 or i64 exponent; an integer exponent beyond +-(2^31 - 1) is
 *    replaced by the value of the same parity nearest that limit, which
 *    gives the same result for every float base. An integer base (i32,
 *    i64) with an integer exponent is exact and wraps; a negative exponent
 *    gives 1 for base 1, (-1)^e for base -1 and 0 otherwise (also base 0).
 *    An integer base with a float exponent (f32, f16) is ONNX's reference,
 *    np.power(x, y).astype(x.dtype): C99 pow of the base as a double and
 *    the exponent, then Cast's float -> integer conversion (truncation,
 *    NaN -> 0, +-Inf and out-of-range values saturate). Exponents: f32,
 *    f16, i32, i64 and u8 for every base.
 *  - Where(cond, X, Y): cond bool, X and Y any of f32, f16, i32, i64, u8,
 *    bool; all three broadcast together.
 *  - Not/And/Or: bool.
 */
#include <math.h>
#include <stdio.h>

#include "ref_dtype.h"
#include "ref_ops.h"

int ref_binary_group(xhal_op_t op) {
  switch (op) {
  REF_CASE_BINARY_GROUP_OPS: return 1;
  default: return 0;
  }
}

static int ref_is_compare(xhal_op_t op) {
  return op == XHAL_OP_EQUAL || op == XHAL_OP_LESS || op == XHAL_OP_GREATER ||
         op == XHAL_OP_LESS_OR_EQUAL || op == XHAL_OP_GREATER_OR_EQUAL;
}

static int ref_is_numeric4(xhal_dtype_t d) {
  return d == XHAL_DTYPE_F32 || d == XHAL_DTYPE_F16 || d == XHAL_DTYPE_I32 ||
         d == XHAL_DTYPE_I64;
}

/* The dtype of the inputs that must agree (all but Pow's exponent and
 * Where's condition) is allowed for op. */
static int ref_binary_dtype_ok(xhal_op_t op, xhal_dtype_t d) {
  switch (op) {
  case XHAL_OP_POW:
  case XHAL_OP_PRELU: return ref_is_numeric4(d);
  case XHAL_OP_MIN:
  case XHAL_OP_MAX:
  case XHAL_OP_LESS:
  case XHAL_OP_GREATER:
  case XHAL_OP_LESS_OR_EQUAL:
  case XHAL_OP_GREATER_OR_EQUAL: return ref_is_numeric4(d) || d == XHAL_DTYPE_U8;
  case XHAL_OP_EQUAL:
  case XHAL_OP_WHERE:
    return ref_is_numeric4(d) || d == XHAL_DTYPE_U8 || d == XHAL_DTYPE_BOOL;
  default: return d == XHAL_DTYPE_BOOL; /* Not, And, Or */
  }
}

static void ref_binary_counts(xhal_op_t op, uint32_t *lo, uint32_t *hi) {
  switch (op) {
  case XHAL_OP_MIN:
  case XHAL_OP_MAX: *lo = 1, *hi = 8; break;
  case XHAL_OP_WHERE: *lo = *hi = 3; break;
  case XHAL_OP_NOT: *lo = *hi = 1; break;
  default: *lo = *hi = 2; break;
  }
}

static int ref_prelu_infer(const ref_shape_t *x, const ref_shape_t *slope, ref_shape_t *out,
                           char *err, size_t err_size) {
  int ok = slope->rank <= x->rank;
  for (uint32_t k = 0; ok && k < slope->rank; k++) {
    int64_t d = slope->dims[k], want = x->dims[x->rank - slope->rank + k];
    ok = d == want || d == 1;
  }
  if (!ok) {
    char a[96], b[96];
    ref_shape_format(a, sizeof a, slope);
    ref_shape_format(b, sizeof b, x);
    snprintf(err, err_size, "slope %s does not broadcast to X %s", a, b);
    return -1;
  }
  *out = *x;
  return 0;
}

int ref_binary_infer(xhal_op_t op, uint32_t input_count, const ref_shape_t *shapes,
                     const xhal_dtype_t *dtypes, ref_shape_t *out_shape, xhal_dtype_t *out_dtype,
                     char *err, size_t err_size) {
  uint32_t lo = 0, hi = 0;
  ref_binary_counts(op, &lo, &hi);
  if (input_count < lo || input_count > hi) {
    snprintf(err, err_size, "%u inputs, the op takes %u to %u", input_count, lo, hi);
    return -1;
  }
  uint32_t first = 0;
  if (op == XHAL_OP_WHERE) {
    if (dtypes[0] != XHAL_DTYPE_BOOL) {
      snprintf(err, err_size, "Where condition is %s, not bool", ref_dtype_name(dtypes[0]));
      return -1;
    }
    first = 1;
  }
  if (!ref_binary_dtype_ok(op, dtypes[first])) {
    snprintf(err, err_size, "dtype %s is not defined for this op", ref_dtype_name(dtypes[first]));
    return -1;
  }
  if (op == XHAL_OP_POW) {
    if (!ref_is_numeric4(dtypes[1]) && dtypes[1] != XHAL_DTYPE_U8) {
      snprintf(err, err_size, "Pow of a %s base with a %s exponent is not defined here",
               ref_dtype_name(dtypes[0]), ref_dtype_name(dtypes[1]));
      return -1;
    }
  } else {
    for (uint32_t k = first + 1; k < input_count; k++) {
      if (dtypes[k] != dtypes[first]) {
        snprintf(err, err_size, "input %u is %s, input %u is %s", k, ref_dtype_name(dtypes[k]),
                 first, ref_dtype_name(dtypes[first]));
        return -1;
      }
    }
  }
  *out_dtype = ref_is_compare(op) ? XHAL_DTYPE_BOOL : dtypes[first];
  if (op == XHAL_OP_PRELU) return ref_prelu_infer(&shapes[0], &shapes[1], out_shape, err, err_size);
  ref_shape_t acc = shapes[0];
  for (uint32_t k = 1; k < input_count; k++) {
    ref_shape_t next;
    if (ref_broadcast_shape(&acc, &shapes[k], &next) != 0) {
      char a[96], b[96];
      ref_shape_format(a, sizeof a, &acc);
      ref_shape_format(b, sizeof b, &shapes[k]);
      snprintf(err, err_size, "shapes %s and %s (input %u) do not broadcast", a, b, k);
      return -1;
    }
    acc = next;
  }
  *out_shape = acc;
  return 0;
}

/* ---- Element semantics ------------------------------------------------------------------ */

static double ref_minmax_float(int is_max, double acc, double v) {
  if (isnan(acc) || isnan(v)) return NAN;
  if (acc == v) /* equal values; only the sign of a zero can differ */
    return (signbit(acc) != 0) == !is_max ? acc : v;
  return (is_max ? v > acc : v < acc) ? v : acc;
}

static int ref_compare(xhal_op_t op, double a, double b) {
  switch (op) {
  case XHAL_OP_EQUAL: return a == b;
  case XHAL_OP_LESS: return a < b;
  case XHAL_OP_GREATER: return a > b;
  case XHAL_OP_LESS_OR_EQUAL: return a <= b;
  default: return a >= b;
  }
}

static int ref_compare_int(xhal_op_t op, int64_t a, int64_t b) {
  switch (op) {
  case XHAL_OP_EQUAL: return a == b;
  case XHAL_OP_LESS: return a < b;
  case XHAL_OP_GREATER: return a > b;
  case XHAL_OP_LESS_OR_EQUAL: return a <= b;
  default: return a >= b;
  }
}

static double ref_pow_exponent(int64_t e) {
  const int64_t limit = 2147483647; /* 2^31 - 1, odd */
  if (e > limit) return (double)(e % 2 ? limit : limit - 1);
  if (e < -limit) return -(double)(e % 2 ? limit : limit - 1);
  return (double)e;
}

static int64_t ref_pow_int(xhal_dtype_t dtype, int64_t x, int64_t e) {
  if (e < 0) {
    if (x == 1) return 1;
    if (x == -1) return e % 2 ? -1 : 1;
    return 0;
  }
  uint64_t r = 1;
  for (int bit = 62; bit >= 0; bit--) { /* left-to-right square and multiply */
    r *= r;
    if ((uint64_t)e >> bit & 1) r *= (uint64_t)x;
  }
  return ref_wrap(dtype, r);
}

static double ref_value_f(const ref_tensor_t *t, uint64_t at) {
  return ref_tensor_is_float(t) ? t->f[at] : (double)t->i[at];
}

int ref_binary_compute(xhal_op_t op, uint32_t input_count, const ref_tensor_t *inputs,
                       ref_tensor_t *out) {
  int64_t coords[XHAL_MAX_RANK] = {0};
  uint64_t at[8] = {0};
  for (uint64_t n = 0; n < out->count; n++) {
    for (uint32_t k = 0; k < input_count; k++)
      at[k] = ref_broadcast_source(&inputs[k].shape, coords, out->shape.rank);
    const ref_tensor_t *a = &inputs[0], *b = &inputs[input_count > 1 ? 1 : 0];
    int fa = ref_tensor_is_float(a);
    switch (op) {
    case XHAL_OP_MIN:
    case XHAL_OP_MAX: {
      int is_max = op == XHAL_OP_MAX;
      if (fa) {
        double acc = a->f[at[0]];
        for (uint32_t k = 1; k < input_count; k++)
          acc = ref_minmax_float(is_max, acc, inputs[k].f[at[k]]);
        out->f[n] = acc;
      } else {
        int64_t acc = a->i[at[0]];
        for (uint32_t k = 1; k < input_count; k++) {
          int64_t v = inputs[k].i[at[k]];
          if (is_max ? v > acc : v < acc) acc = v;
        }
        out->i[n] = acc;
      }
      break;
    }
    case XHAL_OP_PRELU:
      if (fa) {
        double x = a->f[at[0]];
        out->f[n] = x < 0.0 ? x * b->f[at[1]] : x;
      } else {
        int64_t x = a->i[at[0]];
        out->i[n] = x < 0 ? ref_wrap(out->dtype, (uint64_t)x * (uint64_t)b->i[at[1]]) : x;
      }
      break;
    case XHAL_OP_POW:
      if (fa) {
        double e = ref_tensor_is_float(b) ? b->f[at[1]] : ref_pow_exponent(b->i[at[1]]);
        out->f[n] = pow(a->f[at[0]], e);
      } else if (ref_tensor_is_float(b)) {
        out->i[n] = ref_float_to_int(out->dtype, pow((double)a->i[at[0]], b->f[at[1]]));
      } else {
        out->i[n] = ref_pow_int(out->dtype, a->i[at[0]], b->i[at[1]]);
      }
      break;
    case XHAL_OP_WHERE: {
      const ref_tensor_t *src = inputs[0].i[at[0]] ? &inputs[1] : &inputs[2];
      uint64_t i = inputs[0].i[at[0]] ? at[1] : at[2];
      if (ref_tensor_is_float(src))
        out->f[n] = src->f[i];
      else
        out->i[n] = src->i[i];
      break;
    }
    case XHAL_OP_NOT: out->i[n] = a->i[at[0]] == 0; break;
    case XHAL_OP_AND: out->i[n] = a->i[at[0]] != 0 && b->i[at[1]] != 0; break;
    case XHAL_OP_OR: out->i[n] = a->i[at[0]] != 0 || b->i[at[1]] != 0; break;
    default: /* comparisons */
      if (fa)
        out->i[n] = ref_compare(op, ref_value_f(a, at[0]), ref_value_f(b, at[1]));
      else
        out->i[n] = ref_compare_int(op, a->i[at[0]], b->i[at[1]]);
      break;
    }
    ref_next_coords(coords, &out->shape);
  }
  return 0;
}

/*
 * ref_elementwise.c - reference of Add, Sub, Mul, Div (numpy broadcasting)
 * and Neg, Abs, Exp, Relu, Sigmoid, Tanh.
 *
 * Floats: the exact inputs are combined in double. For + - * / the double
 * result rounded once more to f32 or f16 equals the correctly rounded
 * result (53 >= 2p + 2, so the double rounding is innocuous); exp, tanh and
 * the logistic function come from the C library's double functions, whose
 * error (< 1 ulp of double) is 2^-29 of an f32 ulp.
 *
 * Integers follow xhal's documented semantics: Add, Sub, Mul, Neg and Abs
 * wrap around (two's complement, computed in unsigned arithmetic); Div
 * truncates toward zero, x / 0 = 0 and INT_MIN / -1 = INT_MIN; Relu(x) =
 * x > 0 ? x : 0.
 */
#include <math.h>
#include <stdio.h>

#include "ref_dtype.h"
#include "ref_ops.h"

static int ref_is_binary(xhal_op_t op) {
  return op == XHAL_OP_ADD || op == XHAL_OP_SUB || op == XHAL_OP_MUL || op == XHAL_OP_DIV;
}

int ref_elementwise_infer(xhal_op_t op, uint32_t input_count, const ref_shape_t *shapes,
                          ref_shape_t *out, char *err, size_t err_size) {
  uint32_t want = ref_is_binary(op) ? 2 : 1;
  if (input_count != want) {
    snprintf(err, err_size, "%u inputs, the op takes %u", input_count, want);
    return -1;
  }
  if (want == 1) {
    *out = shapes[0];
    return 0;
  }
  if (ref_broadcast_shape(&shapes[0], &shapes[1], out) != 0) {
    char a[96], b[96];
    ref_shape_format(a, sizeof a, &shapes[0]);
    ref_shape_format(b, sizeof b, &shapes[1]);
    snprintf(err, err_size, "shapes %s and %s do not broadcast", a, b);
    return -1;
  }
  return 0;
}

static double ref_binary_float(xhal_op_t op, double a, double b) {
  switch (op) {
  case XHAL_OP_ADD: return a + b;
  case XHAL_OP_SUB: return a - b;
  case XHAL_OP_MUL: return a * b;
  default: return a / b; /* IEEE: x/+-0 = +-Inf, 0/0 = NaN */
  }
}

static int64_t ref_binary_int(xhal_op_t op, xhal_dtype_t dtype, int64_t a, int64_t b) {
  uint64_t ua = (uint64_t)a;
  uint64_t ub = (uint64_t)b;
  switch (op) {
  case XHAL_OP_ADD: return ref_wrap(dtype, ua + ub);
  case XHAL_OP_SUB: return ref_wrap(dtype, ua - ub);
  case XHAL_OP_MUL: return ref_wrap(dtype, ua * ub);
  default:
    if (b == 0) return 0;
    if (b == -1) return ref_wrap(dtype, (uint64_t)0 - ua); /* INT_MIN / -1 = INT_MIN */
    return a / b; /* C division truncates toward zero */
  }
}

static double ref_sigmoid(double x) {
  if (isnan(x)) return x;
  if (x >= 0.0) return 1.0 / (1.0 + exp(-x));
  double e = exp(x); /* no overflow for x < 0; the form keeps relative accuracy */
  return e / (1.0 + e);
}

static double ref_unary_float(xhal_op_t op, double x) {
  switch (op) {
  case XHAL_OP_NEG: return -x;
  case XHAL_OP_ABS: return fabs(x);
  case XHAL_OP_EXP: return exp(x);
  case XHAL_OP_RELU:
    if (isnan(x)) return x;
    return x > 0.0 ? x : 0.0; /* -0 and negatives give +0 */
  case XHAL_OP_SIGMOID: return ref_sigmoid(x);
  default: return tanh(x);
  }
}

static int64_t ref_unary_int(xhal_op_t op, xhal_dtype_t dtype, int64_t x) {
  switch (op) {
  case XHAL_OP_NEG: return ref_wrap(dtype, (uint64_t)0 - (uint64_t)x);
  case XHAL_OP_ABS: return x < 0 ? ref_wrap(dtype, (uint64_t)0 - (uint64_t)x) : x;
  default: return x > 0 ? x : 0; /* RELU */
  }
}

int ref_elementwise_compute(xhal_op_t op, uint32_t input_count, const ref_tensor_t *inputs,
                            ref_tensor_t *out) {
  int is_float = ref_tensor_is_float(&inputs[0]);
  int64_t coords[XHAL_MAX_RANK] = {0};
  if (!ref_is_binary(op)) {
    for (uint64_t n = 0; n < out->count; n++) {
      if (is_float)
        out->f[n] = ref_unary_float(op, inputs[0].f[n]);
      else
        out->i[n] = ref_unary_int(op, out->dtype, inputs[0].i[n]);
    }
    return 0;
  }
  (void)input_count;
  const ref_tensor_t *a = &inputs[0];
  const ref_tensor_t *b = &inputs[1];
  for (uint64_t n = 0; n < out->count; n++) {
    uint64_t ia = ref_broadcast_source(&a->shape, coords, out->shape.rank);
    uint64_t ib = ref_broadcast_source(&b->shape, coords, out->shape.rank);
    if (is_float)
      out->f[n] = ref_binary_float(op, a->f[ia], b->f[ib]);
    else
      out->i[n] = ref_binary_int(op, out->dtype, a->i[ia], b->i[ib]);
    ref_next_coords(coords, &out->shape);
  }
  return 0;
}

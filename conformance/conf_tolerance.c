/* conf_tolerance.c - the versioned tolerance table (see conf_tolerance.h). */
#include "conf_tolerance.h"

#include <math.h>
#include <stdio.h>

#include "ref_dtype.h"

/* Version 1. One row per op; ulps given for f32 and f16 outputs. */
typedef struct conf_tol_row {
  xhal_op_t op;
  conf_tol_class_t cls;
  double ulps_f32;
  double ulps_f16;
  double k;
} conf_tol_row_t;

/* Accumulation type of every REDUCTION op: f32, whatever the tensor dtype. */
#define CONF_TOL_ACCUMULATION_U 0x1p-24

static const conf_tol_row_t conf_tol_table_v1[] = {
    {XHAL_OP_COPY, CONF_TOL_BITS, 0, 0, 0},
    {XHAL_OP_TRANSPOSE, CONF_TOL_EXACT, 0, 0, 0},
    {XHAL_OP_CAST, CONF_TOL_EXACT, 0, 0, 0},
    /* Data-movement ops copy bits. */
    {XHAL_OP_RESHAPE, CONF_TOL_BITS, 0, 0, 0},
    {XHAL_OP_FLATTEN, CONF_TOL_BITS, 0, 0, 0},
    {XHAL_OP_SQUEEZE, CONF_TOL_BITS, 0, 0, 0},
    {XHAL_OP_UNSQUEEZE, CONF_TOL_BITS, 0, 0, 0},
    {XHAL_OP_CONCAT, CONF_TOL_BITS, 0, 0, 0},
    {XHAL_OP_SPLIT, CONF_TOL_BITS, 0, 0, 0},
    {XHAL_OP_SLICE, CONF_TOL_BITS, 0, 0, 0},
    {XHAL_OP_EXPAND, CONF_TOL_BITS, 0, 0, 0},
    {XHAL_OP_TILE, CONF_TOL_BITS, 0, 0, 0},
    {XHAL_OP_NEG, CONF_TOL_EXACT, 0, 0, 0},
    {XHAL_OP_ABS, CONF_TOL_EXACT, 0, 0, 0},
    {XHAL_OP_RELU, CONF_TOL_EXACT, 0, 0, 0},
    /* Correctly rounded. */
    {XHAL_OP_ADD, CONF_TOL_ULP, 0, 0, 0},
    {XHAL_OP_SUB, CONF_TOL_ULP, 0, 0, 0},
    {XHAL_OP_MUL, CONF_TOL_ULP, 0, 0, 0},
    /* f32: OpenCL's full-profile bounds (x/y 2.5 ulp, exp 3 ulp, tanh 5 ulp;
     * the logistic function, a composite of exp and a division, as tanh).
     * f16 computed through f32 and rounded once stays within 0.5 + 2^-13 *
     * (f32 bound) ulp: 1 ulp. */
    {XHAL_OP_DIV, CONF_TOL_ULP, 2.5, 1, 0},
    {XHAL_OP_EXP, CONF_TOL_ULP, 3, 1, 0},
    {XHAL_OP_SIGMOID, CONF_TOL_ULP, 5, 1, 0},
    {XHAL_OP_TANH, CONF_TOL_ULP, 5, 1, 0},
    /* Pow: OpenCL's full-profile pow/pown bound, 16 ulp in f32; f16 through
     * f32 and rounded once: 0.5 + 2^-13 * 16 ulp, so 1 ulp. Integer Pow,
     * Min/Max, PRelu (one correctly rounded product), comparisons, Where
     * and the logic ops are exact. */
    {XHAL_OP_POW, CONF_TOL_ULP, 16, 1, 0},
    {XHAL_OP_MIN, CONF_TOL_EXACT, 0, 0, 0},
    {XHAL_OP_MAX, CONF_TOL_EXACT, 0, 0, 0},
    {XHAL_OP_PRELU, CONF_TOL_EXACT, 0, 0, 0},
    {XHAL_OP_WHERE, CONF_TOL_EXACT, 0, 0, 0},
    {XHAL_OP_MATMUL, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_GEMM, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_SOFTMAX, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_REDUCE_SUM, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_REDUCE_MEAN, CONF_TOL_REDUCTION, 0, 0, 4},
    /* Conv family: K = C/group * prod(kernel) (Conv, ConvTranspose), the
     * window size (average pools); max pools select an input exactly. */
    {XHAL_OP_CONV, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_CONV_TRANSPOSE, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_AVERAGE_POOL, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_GLOBAL_AVERAGE_POOL, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_MAX_POOL, CONF_TOL_EXACT, 0, 0, 0},
    {XHAL_OP_GLOBAL_MAX_POOL, CONF_TOL_EXACT, 0, 0, 0},
    /* Unary math and activations. Exact: the result is an input, a bound
     * or an integer-valued float. LeakyRelu is one product: correctly
     * rounded in f32; in f16 the f32 product rounds twice (1 ulp). The rest
     * from OpenCL 1.2's full-profile bounds: sqrt 3, x/y 2.5 (Reciprocal),
     * log 3, erf 16 ulp; Elu = alpha * expm1 (3 ulp) + a product: 4;
     * Softplus = log1p(exp) (2 + 3 ulp) + a sum: 6. f16 through f32 rounded
     * once: 1 ulp. HardSigmoid, HardSwish and Gelu add two terms that can
     * cancel, so they are bounded like a K = 2 reduction of their terms
     * (the reference's scale); Gelu with k = 8 for erf's 16 ulp. */
    {XHAL_OP_FLOOR, CONF_TOL_EXACT, 0, 0, 0},
    {XHAL_OP_CEIL, CONF_TOL_EXACT, 0, 0, 0},
    {XHAL_OP_ROUND, CONF_TOL_EXACT, 0, 0, 0},
    {XHAL_OP_SIGN, CONF_TOL_EXACT, 0, 0, 0},
    {XHAL_OP_CLIP, CONF_TOL_EXACT, 0, 0, 0},
    {XHAL_OP_LEAKY_RELU, CONF_TOL_ULP, 0, 1, 0},
    {XHAL_OP_SQRT, CONF_TOL_ULP, 3, 1, 0},
    {XHAL_OP_RECIPROCAL, CONF_TOL_ULP, 2.5, 1, 0},
    {XHAL_OP_LOG, CONF_TOL_ULP, 3, 1, 0},
    {XHAL_OP_ERF, CONF_TOL_ULP, 16, 1, 0},
    {XHAL_OP_ELU, CONF_TOL_ULP, 4, 1, 0},
    {XHAL_OP_SOFTPLUS, CONF_TOL_ULP, 6, 1, 0},
    {XHAL_OP_HARD_SIGMOID, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_HARD_SWISH, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_GELU, CONF_TOL_REDUCTION, 0, 0, 8},
    /* Resize linear/cubic: a weighted sum of K = taps^rank terms with f32
     * weights; nearest (no terms in the reference) is exact. Integer
     * outputs: conf_tol_int_v1. */
    {XHAL_OP_RESIZE, CONF_TOL_REDUCTION, 0, 0, 4},
    /* Range: start + i * delta, one f32 rounding (fma) for i < 2^24. */
    {XHAL_OP_RANGE, CONF_TOL_ULP, 1, 1, 0},
    /* Norms and LogSoftmax: scale and K from the reference (ref_norm.c);
     * ReduceProd: scale sqrt(K) * |product|, so k * K * u * |product|.
     * ReduceMax/ReduceMin/ArgMax/ArgMin are exact (no row: EXACT). */
    {XHAL_OP_LOG_SOFTMAX, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_BATCH_NORMALIZATION, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_LAYER_NORMALIZATION, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_INSTANCE_NORMALIZATION, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_REDUCE_PROD, CONF_TOL_REDUCTION, 0, 0, 4},
};

/* Version 1, integer outputs: EXACT except these rows, |a - r| <= abs
 * where the reference has terms (conf_tensor.c). Resize linear/cubic on
 * i32, i64 and u8 rounds its weighted sum (f32 in the kernels, f64 in the
 * reference) to nearest even: a sum near a .5 tie may land on either side,
 * so one step either way is allowed; nearest stays exact. */
static const struct {
  xhal_op_t op;
  double abs;
} conf_tol_int_v1[] = {
    {XHAL_OP_RESIZE, 1},
};

conf_tolerance_t conf_tolerance_for(xhal_op_t op, xhal_dtype_t out_dtype) {
  conf_tolerance_t tol = {CONF_TOL_EXACT, 0, 0, 0, 0};
  for (size_t n = 0; n < sizeof conf_tol_table_v1 / sizeof conf_tol_table_v1[0]; n++) {
    const conf_tol_row_t *row = &conf_tol_table_v1[n];
    if (row->op != op) continue;
    tol.cls = row->cls;
    tol.ulps = out_dtype == XHAL_DTYPE_F16 ? row->ulps_f16 : row->ulps_f32;
    tol.k = row->k;
    tol.u = CONF_TOL_ACCUMULATION_U;
    break;
  }
  if (tol.cls != CONF_TOL_BITS && !ref_dtype_is_float(out_dtype)) {
    tol.cls = CONF_TOL_EXACT;
    for (size_t n = 0; n < sizeof conf_tol_int_v1 / sizeof conf_tol_int_v1[0]; n++)
      if (conf_tol_int_v1[n].op == op) tol.int_abs = conf_tol_int_v1[n].abs;
  }
  return tol;
}

void conf_tolerance_describe(const conf_tolerance_t *tol, char *out, size_t out_size) {
  switch (tol->cls) {
  case CONF_TOL_BITS:
    snprintf(out, out_size, "bit-exact (tolerance table v%d)", CONF_TOLERANCE_VERSION);
    break;
  case CONF_TOL_EXACT:
    if (tol->int_abs > 0)
      snprintf(out, out_size, "integers: |a-r| <= %g where the reference has terms, else exact "
               "(tolerance table v%d)", tol->int_abs, CONF_TOLERANCE_VERSION);
    else
      snprintf(out, out_size, "exact, NaN matches NaN, signed zeros (tolerance table v%d)",
               CONF_TOLERANCE_VERSION);
    break;
  case CONF_TOL_ULP:
    if (tol->ulps == 0)
      snprintf(out, out_size, "correctly rounded (tolerance table v%d)", CONF_TOLERANCE_VERSION);
    else
      snprintf(out, out_size, "<= %g ulp of the exact result (tolerance table v%d)", tol->ulps,
               CONF_TOLERANCE_VERSION);
    break;
  case CONF_TOL_REDUCTION:
    snprintf(out, out_size,
             "|a-r| <= %g*sqrt(K)*2^-24*sum|terms| + ulp(r) (tolerance table v%d)", tol->k,
             CONF_TOLERANCE_VERSION);
    break;
  }
}

static int conf_same_zero_sign(double a, double r) {
  return !(a == 0.0 && r == 0.0) || signbit(a) == signbit(r);
}

static int conf_check_exact(xhal_dtype_t dtype, double a, double r, double *error) {
  double rr = ref_round(dtype, r);
  if (isnan(rr) || isnan(a)) {
    *error = (isnan(rr) && isnan(a)) ? 0.0 : INFINITY;
    return *error == 0.0;
  }
  *error = a == rr ? 0.0 : fabs(a - rr);
  if (isinf(a) || isinf(rr)) *error = a == rr ? 0.0 : INFINITY;
  return a == rr && conf_same_zero_sign(a, rr);
}

static int conf_check_ulp(const conf_tolerance_t *tol, xhal_dtype_t dtype, double a, double r,
                          double *error) {
  double rr = ref_round(dtype, r);
  if (isnan(r) || isnan(a)) {
    *error = (isnan(r) && isnan(a)) ? 0.0 : INFINITY;
    return *error == 0.0;
  }
  if (isinf(rr) && a == rr) {
    *error = 0.0;
    return 1;
  }
  if (isinf(r)) { /* an exactly infinite result (Inf operands, x/0) */
    *error = INFINITY;
    return 0;
  }
  /* An Inf where r is finite counts as the next value past the largest
   * finite one, so near-overflow results are judged like any other. */
  double max = ref_max_finite(dtype);
  double av = isinf(a) ? copysign(max + ref_ulp(dtype, max), a) : a;
  *error = fabs(av - r) / ref_ulp(dtype, r);
  if (tol->ulps == 0.0) {
    int ok = a == rr && conf_same_zero_sign(a, rr);
    if (!ok && *error == 0.0) *error = 1.0; /* +0 vs -0: one step apart */
    return ok;
  }
  /* An exactly zero result has the sign IEEE 754 gives it (tanh(-0) = -0). */
  if (r == 0.0 && !(a == 0.0 && signbit(a) == signbit(r))) {
    if (*error == 0.0) *error = 1.0;
    return 0;
  }
  return *error <= tol->ulps;
}

static int conf_check_reduction(const conf_tolerance_t *tol, xhal_dtype_t dtype, double a,
                                double r, double scale, double k_len, double *error,
                                double *bound) {
  double rr = ref_round(dtype, r);
  *bound = tol->k * sqrt(k_len) * tol->u * scale + ref_ulp(dtype, rr);
  if (isnan(rr) || isnan(a)) {
    *error = (isnan(rr) && isnan(a)) ? 0.0 : INFINITY;
    return *error == 0.0;
  }
  if (isinf(rr) || isinf(a)) {
    *error = a == rr ? 0.0 : INFINITY;
    return a == rr;
  }
  *error = fabs(a - rr);
  return *error <= *bound;
}

int conf_tolerance_check(const conf_tolerance_t *tol, xhal_dtype_t dtype, double a, double r,
                         double scale, double reduction_length, double *error, double *bound) {
  switch (tol->cls) {
  case CONF_TOL_ULP:
    *bound = tol->ulps;
    return conf_check_ulp(tol, dtype, a, r, error);
  case CONF_TOL_REDUCTION:
    return conf_check_reduction(tol, dtype, a, r, scale, reduction_length, error, bound);
  default:
    *bound = 0.0;
    return conf_check_exact(dtype, a, r, error);
  }
}

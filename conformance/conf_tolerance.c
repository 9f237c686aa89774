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
    {XHAL_OP_MATMUL, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_GEMM, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_SOFTMAX, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_REDUCE_SUM, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_REDUCE_MEAN, CONF_TOL_REDUCTION, 0, 0, 4},
    /* Norms and LogSoftmax: scale and K from the reference (ref_norm.c);
     * ReduceProd: scale sqrt(K) * |product|, so k * K * u * |product|.
     * ReduceMax/ReduceMin/ArgMax/ArgMin are exact (no row: EXACT). */
    {XHAL_OP_LOG_SOFTMAX, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_BATCH_NORMALIZATION, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_LAYER_NORMALIZATION, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_INSTANCE_NORMALIZATION, CONF_TOL_REDUCTION, 0, 0, 4},
    {XHAL_OP_REDUCE_PROD, CONF_TOL_REDUCTION, 0, 0, 4},
};

conf_tolerance_t conf_tolerance_for(xhal_op_t op, xhal_dtype_t out_dtype) {
  conf_tolerance_t tol = {CONF_TOL_EXACT, 0, 0, 0};
  for (size_t n = 0; n < sizeof conf_tol_table_v1 / sizeof conf_tol_table_v1[0]; n++) {
    const conf_tol_row_t *row = &conf_tol_table_v1[n];
    if (row->op != op) continue;
    tol.cls = row->cls;
    tol.ulps = out_dtype == XHAL_DTYPE_F16 ? row->ulps_f16 : row->ulps_f32;
    tol.k = row->k;
    tol.u = CONF_TOL_ACCUMULATION_U;
    break;
  }
  if (tol.cls != CONF_TOL_BITS && !ref_dtype_is_float(out_dtype)) tol.cls = CONF_TOL_EXACT;
  return tol;
}

void conf_tolerance_describe(const conf_tolerance_t *tol, char *out, size_t out_size) {
  switch (tol->cls) {
  case CONF_TOL_BITS:
    snprintf(out, out_size, "bit-exact (tolerance table v%d)", CONF_TOLERANCE_VERSION);
    break;
  case CONF_TOL_EXACT:
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

/*
 * conf_tolerance.h - the one versioned tolerance table of the operator
 * cases (docs/conformance.md, "Tolerances"). Backends cannot override it;
 * changing a bound means bumping CONF_TOLERANCE_VERSION.
 *
 * Classes:
 *  BITS       raw bit patterns equal (Copy).
 *  EXACT      values equal, any NaN matches NaN, the sign of zero counts.
 *  ULP        |a - r| <= ulps * ulp(r), r the exact (fp64) result and ulp
 *             taken in the output dtype; ulps = 0 means correctly rounded:
 *             a equals r rounded to nearest even, sign of zero included.
 *  REDUCTION  |a - round(r)| <= k * sqrt(K) * u * sum|terms| + ulp(round(r)),
 *             K the reduction length, u the unit roundoff of the
 *             accumulation type (f32, also for f16 tensors). A
 *             reference without per-element terms (scale NULL) makes
 *             the comparison EXACT (Resize nearest).
 */
#ifndef XHAL_CONF_TOLERANCE_H
#define XHAL_CONF_TOLERANCE_H

#include <stddef.h>
#include <xhal/xhal_types.h>

#define CONF_TOLERANCE_VERSION 1

typedef enum conf_tol_class {
  CONF_TOL_BITS = 0,
  CONF_TOL_EXACT = 1,
  CONF_TOL_ULP = 2,
  CONF_TOL_REDUCTION = 3,
} conf_tol_class_t;

typedef struct conf_tolerance {
  conf_tol_class_t cls;
  double ulps; /* ULP */
  double k;    /* REDUCTION */
  double u;    /* REDUCTION: unit roundoff of the accumulation type */
  /* Integer outputs of a REDUCTION-class op whose reference has terms
   * (Resize linear/cubic on i32, i64, u8): |a - r| <= int_abs; 0: exact. */
  double int_abs;
} conf_tolerance_t;

/* The bound for an op's output of dtype out_dtype. Integer outputs are
 * EXACT (with int_abs for integer Resize linear/cubic); Copy is BITS. */
conf_tolerance_t conf_tolerance_for(xhal_op_t op, xhal_dtype_t out_dtype);

/* "ulp <= 3 vs exact (tolerance table v1)" and similar. */
void conf_tolerance_describe(const conf_tolerance_t *tol, char *out, size_t out_size);

/* Checks one float element: actual a against the reference r (unrounded
 * fp64), with scale = sum|terms| and K for REDUCTION. Sets *error (ulps for
 * ULP, absolute otherwise; +Inf for a NaN/Inf mismatch) and *bound; returns
 * 1 if within the bound. */
int conf_tolerance_check(const conf_tolerance_t *tol, xhal_dtype_t dtype, double a, double r,
                         double scale, double reduction_length, double *error, double *bound);

#endif

/*
 * ref_layout.c - reference of Copy (xhal's strided copy: output = input,
 * bit for bit), Transpose (perm, default reversed) and Cast.
 *
 * Cast semantics (docs/conformance.md, "Special values"): float -> float
 * rounds to nearest even (overflow to Inf, NaN stays NaN, -0 stays -0);
 * float -> integer truncates toward zero, NaN gives 0, out-of-range values
 * and +-Inf saturate; integer -> float rounds to nearest even (i32/i64 ->
 * f16 beyond 65520 in magnitude gives +-Inf); integer -> integer keeps the
 * low bits (i64 -> i32 wraps modulo 2^32, as C, numpy and ONNX Runtime do).
 */
#include <stdio.h>
#include <string.h>

#include "ref_dtype.h"
#include "ref_ops.h"

int ref_transpose_infer(const ref_shape_t *x, const ref_attrs_t *attrs, ref_shape_t *out,
                        char *err, size_t err_size) {
  int seen[XHAL_MAX_RANK] = {0};
  if (attrs->has_perm && attrs->perm_count != x->rank) {
    snprintf(err, err_size, "perm has %u entries for a rank-%u input", attrs->perm_count,
             x->rank);
    return -1;
  }
  out->rank = x->rank;
  for (uint32_t d = 0; d < x->rank; d++) {
    int64_t p = attrs->has_perm ? attrs->perm[d] : (int64_t)(x->rank - 1 - d);
    if (p < 0 || p >= (int64_t)x->rank || seen[p]) {
      snprintf(err, err_size, "perm is not a permutation of 0..%u (entry %u = %lld)",
               x->rank ? x->rank - 1 : 0, d, (long long)p);
      return -1;
    }
    seen[p] = 1;
    out->dims[d] = x->dims[p];
  }
  return 0;
}

int ref_transpose_compute(const ref_tensor_t *x, const ref_attrs_t *attrs, ref_tensor_t *out) {
  int64_t oc[XHAL_MAX_RANK] = {0};
  int64_t ic[XHAL_MAX_RANK] = {0};
  uint32_t rank = x->shape.rank;
  for (uint64_t n = 0; n < out->count; n++) {
    for (uint32_t d = 0; d < rank; d++) {
      int64_t p = attrs->has_perm ? attrs->perm[d] : (int64_t)(rank - 1 - d);
      ic[p] = oc[d];
    }
    uint64_t src = ref_ravel(ic, &x->shape);
    if (ref_tensor_is_float(x))
      out->f[n] = x->f[src];
    else
      out->i[n] = x->i[src];
    ref_next_coords(oc, &out->shape);
  }
  return 0;
}

int ref_cast_compute(const ref_tensor_t *x, xhal_dtype_t to, ref_tensor_t *out) {
  int from_float = ref_tensor_is_float(x);
  int to_float = ref_dtype_is_float(to);
  for (uint64_t n = 0; n < x->count; n++) {
    if (from_float && to_float)
      out->f[n] = ref_round(to, x->f[n]);
    else if (from_float)
      out->i[n] = ref_float_to_int(to, x->f[n]);
    else if (to_float)
      out->f[n] = ref_round_int(to, x->i[n]);
    else
      out->i[n] = ref_wrap(to, (uint64_t)x->i[n]);
  }
  return 0;
}

int ref_copy_compute(const ref_tensor_t *x, ref_tensor_t *out) {
  if (x->count) memcpy(out->i, x->i, (size_t)x->count * sizeof *out->i);
  return 0;
}

/* xhal_op_check_linalg.c - the ONNX rules of MatMul and Gemm: the plan's
 * batched (batch x m x k) by (k x n) product (see xop_plan_t in
 * xhal_op_check.h). */
#include <math.h>
#include <string.h>

#include "xhal_op_check_internal.h"

static void xop_view_swap2(xop_view_t *v) {
  int64_t d = v->dims[0], s = v->strides[0];
  v->dims[0] = v->dims[1], v->strides[0] = v->strides[1];
  v->dims[1] = d, v->strides[1] = s;
}

int32_t xop_check_matmul(const xop_ctx_t *c, xop_plan_t *plan) {
  xop_view_t a = plan->in[0], b = plan->in[1], y = plan->out;
  if (a.rank == 0 || b.rank == 0) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: input %d is a scalar (rank 0)", c->op,
                    a.rank == 0 ? 0 : 1);
  }
  const uint32_t ra = a.rank, rb = b.rank;
  if (ra == 1) xop_view_insert_unit(&a, 0); /* (K) -> (1, K) */
  if (rb == 1) xop_view_insert_unit(&b, 1); /* (K) -> (K, 1) */
  if (a.dims[a.rank - 1] != b.dims[b.rank - 2]) {
    char ta[XOP_DIMS_TEXT_SIZE], tb[XOP_DIMS_TEXT_SIZE];
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: input A dims %s and B dims %s: inner dimensions %lld and %lld differ",
                    c->op, XOP_DIMS(ta, &plan->in[0]), XOP_DIMS(tb, &plan->in[1]),
                    (long long)a.dims[a.rank - 1], (long long)b.dims[b.rank - 2]);
  }
  xop_view_t ba = a, bb = b; /* batch parts */
  ba.rank -= 2;
  bb.rank -= 2;
  int64_t dims[XHAL_MAX_RANK];
  uint32_t nb = 0;
  XOP_RETURN_IF_ERROR(xop_broadcast(c, &ba, &bb, dims, &nb));
  const int64_t m = a.dims[a.rank - 2], n = b.dims[b.rank - 1], k = a.dims[a.rank - 1];
  int64_t want[XHAL_MAX_RANK + 2];
  uint32_t rank = nb;
  memcpy(want, dims, nb * sizeof *dims);
  if (ra > 1) want[rank++] = m;
  if (rb > 1) want[rank++] = n;
  if (rank > XHAL_MAX_RANK) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: output rank %u exceeds %d", c->op, rank,
                    XHAL_MAX_RANK);
  }
  XOP_RETURN_IF_ERROR(xop_out_dims_check(c, &y, rank, want));
  if (ra == 1) xop_view_insert_unit(&y, nb);
  if (rb == 1) xop_view_insert_unit(&y, nb + 1);
  int64_t batch = 1;
  for (uint32_t i = 0; i < nb; ++i) batch *= dims[i];
  dims[nb] = m, dims[nb + 1] = k;
  xop_view_expand(&a, nb + 2, dims);
  dims[nb] = k, dims[nb + 1] = n;
  xop_view_expand(&b, nb + 2, dims);
  plan->in[0] = a, plan->in[1] = b, plan->out = y;
  plan->batch_rank = nb;
  plan->batch = batch;
  plan->m = m, plan->n = n, plan->k = k;
  return XHAL_STATUS_OK;
}

/* alpha/beta of an integer Gemm must be integers (the product is computed
 * exactly in wrapping integer arithmetic). */
static int32_t xop_gemm_int_scalar(const xop_ctx_t *c, const char *name, double v, uint32_t dtype) {
  if (v == trunc(v) && fabs(v) < 9223372036854775808.0) return XHAL_STATUS_OK;
  return XOP_FAIL(c, XHAL_STATUS_UNSUPPORTED,
                  "%s: %s = %g with dtype %s: integer Gemm needs an integral %s", c->op, name, v,
                  xop_dtype_name(dtype), name);
}

static int32_t xop_check_gemm_c(const xop_ctx_t *c, xop_plan_t *plan, int64_t m, int64_t n) {
  xop_view_t *cv = &plan->in[2];
  const int64_t want[2] = {m, n};
  int ok = cv->rank <= 2;
  for (uint32_t k = 0; ok && k < cv->rank; ++k) {
    const int64_t d = cv->dims[k], w = want[2 - cv->rank + k];
    ok = d == w || d == 1;
  }
  if (!ok) {
    char tc[XOP_DIMS_TEXT_SIZE];
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: input C dims %s do not broadcast to (%lld,%lld)", c->op, XOP_DIMS(tc, cv),
                    (long long)m, (long long)n);
  }
  xop_view_expand(cv, 2, want);
  return XHAL_STATUS_OK;
}

int32_t xop_check_gemm(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"alpha", XHAL_ATTR_FLOAT},
                                          {"beta", XHAL_ATTR_FLOAT},
                                          {"transA", XHAL_ATTR_INT},
                                          {"transB", XHAL_ATTR_INT}};
  const xhal_attr_t *found[4];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 4, found));
  XOP_RETURN_IF_ERROR(xop_attr_flag(c, found[2], 0, &plan->trans_a));
  XOP_RETURN_IF_ERROR(xop_attr_flag(c, found[3], 0, &plan->trans_b));
  plan->alpha = found[0] ? found[0]->f : 1.0;
  plan->beta = found[1] ? found[1]->f : 1.0;
  for (int i = 0; i < 2; ++i) {
    if (plan->in[i].rank != 2) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: input %c has rank %u, expected 2",
                      c->op, "AB"[i], plan->in[i].rank);
    }
  }
  if (plan->trans_a) xop_view_swap2(&plan->in[0]);
  if (plan->trans_b) xop_view_swap2(&plan->in[1]);
  const xop_view_t *a = &plan->in[0], *b = &plan->in[1];
  if (a->dims[1] != b->dims[0]) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: op(A) is (%lld,%lld) and op(B) is (%lld,%lld) (transA %d, transB %d): "
                    "inner dimensions %lld and %lld differ",
                    c->op, (long long)a->dims[0], (long long)a->dims[1], (long long)b->dims[0],
                    (long long)b->dims[1], plan->trans_a, plan->trans_b, (long long)a->dims[1],
                    (long long)b->dims[0]);
  }
  const int64_t want[2] = {a->dims[0], b->dims[1]};
  if (plan->input_count == 3) XOP_RETURN_IF_ERROR(xop_check_gemm_c(c, plan, want[0], want[1]));
  if (!xop_is_float(a->dtype)) {
    XOP_RETURN_IF_ERROR(xop_gemm_int_scalar(c, "alpha", plan->alpha, a->dtype));
    XOP_RETURN_IF_ERROR(xop_gemm_int_scalar(c, "beta", plan->beta, a->dtype));
  }
  plan->batch_rank = 0;
  plan->batch = 1;
  plan->m = a->dims[0], plan->n = b->dims[1], plan->k = a->dims[1];
  return xop_out_dims_check(c, &plan->out, 2, want);
}

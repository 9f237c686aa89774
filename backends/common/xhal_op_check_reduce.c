/* xhal_op_check_reduce.c - the ONNX rules of Softmax and LogSoftmax (one
 * axis, opset 13) and of the reductions ReduceSum, ReduceMean, ReduceMax,
 * ReduceMin and ReduceProd (axes as an attribute). */
#include "xhal_op_check_internal.h"

int32_t xop_check_softmax(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"axis", XHAL_ATTR_INT}};
  const xhal_attr_t *found[1];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 1, found));
  XOP_RETURN_IF_ERROR(
      xop_axis(c, "axis", found[0] ? found[0]->i : -1, plan->in[0].rank, &plan->axis));
  return xop_same_dims(c, &plan->in[0], &plan->out);
}

int32_t xop_check_reduce(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"axes", XHAL_ATTR_INTS},
                                          {"keepdims", XHAL_ATTR_INT},
                                          {"noop_with_empty_axes", XHAL_ATTR_INT}};
  const xhal_attr_t *found[3];
  const xop_view_t *x = &plan->in[0];
  int noop = 0;
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 3, found));
  XOP_RETURN_IF_ERROR(xop_attr_flag(c, found[1], 1, &plan->keepdims));
  XOP_RETURN_IF_ERROR(xop_attr_flag(c, found[2], 0, &noop));
  XOP_RETURN_IF_ERROR(xop_axes_parse(c, found[0], x->rank, &plan->axes, NULL));
  if (!plan->axes) {
    if (noop) return xop_same_dims(c, x, &plan->out);
    plan->axes = x->rank ? (uint32_t)((1ull << x->rank) - 1) : 0;
  }
  int64_t want[XHAL_MAX_RANK];
  uint32_t rank = 0;
  for (uint32_t k = 0; k < x->rank; ++k) {
    if (!(plan->axes & (1u << k)))
      want[rank++] = x->dims[k];
    else if (plan->keepdims)
      want[rank++] = 1;
  }
  return xop_out_dims_check(c, &plan->out, rank, want);
}

/* xhal_op_check_conv.h - internal: the ONNX rules of Conv, ConvTranspose and
 * the pools (MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool), called
 * by xop_check. Not part of any backend's interface. */
#ifndef XHAL_OP_CHECK_CONV_H
#define XHAL_OP_CHECK_CONV_H

#include "xhal_op_check_internal.h"

/* Inputs of op: Conv/ConvTranspose 2 or 3 (X, W, optional B), pools 1. */
void xop__conv_arity(uint32_t op, uint32_t *min_in, uint32_t *max_in);

/* Validates the attributes and shapes of a conv-family launch whose views
 * (plan->in, plan->out) and dtypes are already checked, fills plan->conv and
 * verifies the output dims. Errors are reported through c. */
int32_t xop__check_conv(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *plan);

/* 1 for the ops xop__check_conv handles. */
int xop__is_conv_op(uint32_t op);

#endif

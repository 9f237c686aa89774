/* cpu_op.c - the CPU backend's side of operator launches: which ops and
 * dtypes its kernels run, the launch snapshot and kernel dispatch.
 *
 * Validation is backends/common/xhal_op_check.c: it applies every ONNX rule
 * and hands back a plan whose views are already arranged for the kernels
 * (broadcast inputs expanded to the output's rank, Transpose's input strides
 * permuted, Gemm's transposes folded into strides, MatMul's 1-D operands
 * promoted and batch dims aligned). prepare() turns the plan into the one
 * heap block of the call, with data pointers resolved; execute() only
 * dispatches. */
#include "cpu_op.h"

#include <stdlib.h>
#include <string.h>

#include "../common/xhal_op_check.h"
#include "cpu_buffer.h"
#include "cpu_error.h"
#include "cpu_kernel_conv.h"
#include "cpu_kernel_binary.h"
#include "cpu_kernel_copy.h"
#include "cpu_kernel_eltwise.h"
#include "cpu_kernel_gather.h"
#include "cpu_kernel_iter.h"
#include "cpu_kernel_matmul.h"
#include "cpu_kernel_pool.h"
#include "cpu_kernel_norm.h"
#include "cpu_kernel_reduce.h"
#include "cpu_kernel_shape.h"
#include "cpu_kernel_softmax.h"
#include "cpu_kernel_unary_math.h"

struct cpu_op_call {
  uint32_t op;
  uint32_t input_count;
  cpu_view_t in[XOP_MAX_INPUTS];
  cpu_view_t out;
  double alpha, beta; /* Gemm */
  int axis;           /* Softmax, normalised */
  uint32_t axes;      /* Reduce*: bit per reduced input dim; 0 = copy */
  int keepdims;       /* Reduce*, ArgMax/ArgMin */
  /* Data-movement ops: the plan's copies (xhal_op_check_shape.h). */
  uint32_t copy_count;
  cpu_view_t copy_in[XOP_MAX_COPIES];
  cpu_view_t copy_out[XOP_MAX_COPIES];
  uint8_t copy_linear[XOP_MAX_COPIES];
  xop_conv_t conv;    /* Conv, ConvTranspose, pools */
  cpu_unary_math_t unary_math; /* Sqrt..Erf, LeakyRelu..Elu */
  xop_gather_params_t gather; /* Gather..Range */
  uint32_t norm_axes; /* norms: bit per dim of a row */
  double epsilon;     /* norms */
  int select_last;    /* ArgMax/ArgMin */
  /* Outputs 1 and 2 where an op has more than one and no copies
   * (MaxPool's Indices, LayerNormalization's Mean and InvStdDev); dtype 0
   * when absent. */
  cpu_view_t more_out[2];
};

/* ---- What the kernels run ---------------------------------------------------------------- */

static xhal_plugin_device_t *cpu_op_buffer_device(const xhal_plugin_buffer_t *buffer) {
  return buffer->device;
}

static uint64_t cpu_op_buffer_size(const xhal_plugin_buffer_t *buffer) {
  return buffer->size;
}

static int32_t cpu_op_report(int32_t status, const char *message) {
  return cpu_error(status, "%s", message);
}

static const xop_backend_t cpu_op_backend = {
    .name = "CPU",
    .op_dtypes = xop_model_op_dtypes,
    .buffer_device = cpu_op_buffer_device,
    .buffer_size = cpu_op_buffer_size,
    .report = cpu_op_report,
};

/* ---- Launch snapshot --------------------------------------------------------------------- */

static void cpu_view_from(cpu_view_t *dst, const xop_view_t *src) {
  memset(dst, 0, sizeof *dst);
  dst->data = src->buffer ? (char *)src->buffer->data + src->byte_offset : NULL;
  dst->dtype = src->dtype;
  dst->rank = src->rank;
  memcpy(dst->dims, src->dims, sizeof dst->dims);
  memcpy(dst->strides, src->strides, sizeof dst->strides);
}

static void cpu_op_call_from(cpu_op_call_t *call, const xop_plan_t *plan) {
  memset(call, 0, sizeof *call);
  call->op = plan->op;
  call->input_count = plan->input_count;
  for (uint32_t i = 0; i < plan->input_count; ++i) cpu_view_from(&call->in[i], &plan->in[i]);
  cpu_view_from(&call->out, &plan->out);
  call->alpha = plan->alpha;
  call->beta = plan->beta;
  call->axis = (int)plan->axis;
  call->axes = plan->axes;
  call->keepdims = plan->keepdims;
  call->copy_count = plan->copy_count;
  for (uint32_t i = 0; i < plan->copy_count; ++i) {
    cpu_view_from(&call->copy_in[i], &plan->copy_in[i]);
    cpu_view_from(&call->copy_out[i], &plan->copy_out[i]);
    call->copy_linear[i] = plan->copy_linear[i];
  }
  call->conv = plan->conv;
  if (cpu_unary_math_is_op(plan->op)) cpu_unary_math_from_plan(&call->unary_math, plan);
  call->gather = plan->gather;
  call->norm_axes = plan->norm_axes;
  call->epsilon = plan->epsilon;
  call->select_last = plan->select_last_index;
  for (uint32_t i = 1; i < plan->output_count && i <= 2 && !plan->copy_count; ++i)
    cpu_view_from(&call->more_out[i - 1], &plan->outs[i]);
}

/* ---- Entry points ------------------------------------------------------------------------ */

int32_t cpu_op_supported(xhal_plugin_device_t *device, const xhal_plugin_op_desc_t *desc) {
  xop_plan_t plan;
  return xop_check(&cpu_op_backend, device, desc, 0, &plan);
}

int32_t cpu_op_prepare(xhal_plugin_device_t *device, const xhal_plugin_op_desc_t *desc,
                       cpu_op_call_t **out_call) {
  if (!out_call) return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "op: out_call is NULL");
  xop_plan_t plan;
  CPU_RETURN_IF_ERROR(xop_check(&cpu_op_backend, device, desc, 1, &plan));
  cpu_op_call_t *call = malloc(sizeof *call);
  if (!call) return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "%s: out of memory", plan.name);
  cpu_op_call_from(call, &plan);
  *out_call = call;
  return XHAL_STATUS_OK;
}

int32_t cpu_op_execute(cpu_op_call_t *call) {
  if (!call) return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "op: call is NULL");
  const cpu_view_t *in = call->in, *out = &call->out;
  if (xop_binary_group_owns(call->op, in[0].dtype, out->dtype))
    return cpu_kernel_binary_run(call->op, out, in, call->input_count);
  switch (call->op) {
    case XHAL_OP_COPY:
    case XHAL_OP_TRANSPOSE:
      return cpu_kernel_copy(out, &in[0]);
    case XHAL_OP_CAST:
      return cpu_kernel_cast(out, &in[0]);
    case XHAL_OP_ADD:
    case XHAL_OP_SUB:
    case XHAL_OP_MUL:
    case XHAL_OP_DIV:
      return cpu_kernel_binary(call->op, out, &in[0], &in[1]);
    case XHAL_OP_MATMUL:
      return cpu_kernel_matmul(out, &in[0], &in[1]);
    case XHAL_OP_GEMM:
      return cpu_kernel_gemm(out, &in[0], &in[1], call->input_count == 3 ? &in[2] : NULL,
                             call->alpha, call->beta);
    case XHAL_OP_SOFTMAX:
      return cpu_kernel_softmax(out, &in[0], call->axis, 0);
    case XHAL_OP_LOG_SOFTMAX:
      return cpu_kernel_softmax(out, &in[0], call->axis, 1);
    case XHAL_OP_REDUCE_SUM:
    case XHAL_OP_REDUCE_MEAN:
      if (!call->axes) return cpu_kernel_copy(out, &in[0]); /* noop_with_empty_axes or rank 0 */
      return cpu_kernel_reduce(out, &in[0], call->axes, call->keepdims,
                               call->op == XHAL_OP_REDUCE_MEAN ? CPU_REDUCE_MEAN : CPU_REDUCE_SUM);
    XOP_CASE_SHAPE_OPS:
      return cpu_kernel_copies(call->copy_count, call->copy_out, call->copy_in,
                               call->copy_linear);
    case XHAL_OP_CONV:
      return cpu_kernel_conv(out, &in[0], &in[1], call->input_count == 3 ? &in[2] : NULL,
                             &call->conv);
    case XHAL_OP_CONV_TRANSPOSE:
      return cpu_kernel_conv_transpose(out, &in[0], &in[1],
                                       call->input_count == 3 ? &in[2] : NULL, &call->conv);
    case XHAL_OP_MAX_POOL:
    case XHAL_OP_AVERAGE_POOL:
    case XHAL_OP_GLOBAL_MAX_POOL:
    case XHAL_OP_GLOBAL_AVERAGE_POOL:
      return cpu_kernel_pool(call->op, out, &in[0], &call->conv,
                             call->more_out[0].dtype ? &call->more_out[0] : NULL);
    case XHAL_OP_GATHER:
      return cpu_kernel_gather(out, &in[0], &in[1], call->gather.extent, call->gather.stride);
    case XHAL_OP_PAD:
      return cpu_kernel_pad(out, &in[0], &call->gather);
    case XHAL_OP_RESIZE:
      return cpu_kernel_resize(out, &in[0], &call->gather);
    case XHAL_OP_SHAPE:
      return cpu_kernel_shape(out, in[0].dims, call->gather.start);
    case XHAL_OP_CONSTANT_OF_SHAPE:
      return cpu_kernel_fill(
          out, xop_gather_value_bits(out->dtype, call->gather.value, call->gather.ivalue));
    case XHAL_OP_RANGE:
      return cpu_kernel_range(out, &in[0], &in[2]);
    case XHAL_OP_REDUCE_MAX:
    case XHAL_OP_REDUCE_MIN:
    case XHAL_OP_REDUCE_PROD:
      if (!call->axes) return cpu_kernel_copy(out, &in[0]);
      return cpu_kernel_reduce(out, &in[0], call->axes, call->keepdims,
                               call->op == XHAL_OP_REDUCE_MAX   ? CPU_REDUCE_MAX
                               : call->op == XHAL_OP_REDUCE_MIN ? CPU_REDUCE_MIN
                                                                : CPU_REDUCE_PROD);
    case XHAL_OP_BATCH_NORMALIZATION:
      return cpu_kernel_norm(out, &in[0], &in[1], &in[2], &in[3], &in[4], NULL, NULL,
                             call->norm_axes, call->epsilon);
    case XHAL_OP_LAYER_NORMALIZATION:
    case XHAL_OP_INSTANCE_NORMALIZATION:
      return cpu_kernel_norm(out, &in[0], &in[1], call->input_count == 3 ? &in[2] : NULL, NULL,
                             NULL, call->more_out[0].dtype ? &call->more_out[0] : NULL,
                             call->more_out[1].dtype ? &call->more_out[1] : NULL, call->norm_axes,
                             call->epsilon);
    case XHAL_OP_ARG_MAX:
    case XHAL_OP_ARG_MIN:
      return cpu_kernel_arg(out, &in[0], call->axis, call->op == XHAL_OP_ARG_MIN,
                            call->select_last);
    default:
      if (cpu_unary_math_is_op(call->op))
        return cpu_kernel_unary_math(&call->unary_math, out, &in[0]);
      return cpu_kernel_unary(call->op, out, &in[0]);
  }
}

void cpu_op_call_free(cpu_op_call_t *call) {
  free(call);
}

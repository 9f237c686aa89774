/* op.c - eager operator calls: framework tensors become plugin tensors. */
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "handle_registry.h"
#include "status.h"
#include "stream.h"

/* Most ops have a handful of tensors; larger calls use the heap. */
#define XHAL__STACK_TENSORS 16

XHAL_API xhal_tensor_t xhal_tensor_contiguous(xhal_buffer_t *buffer, xhal_dtype_t dtype,
                                              uint32_t rank, const int64_t *dims,
                                              uint64_t byte_offset) {
  xhal_tensor_t tensor;
  memset(&tensor, 0, sizeof tensor);
  tensor.dtype = dtype;
  tensor.rank = rank > XHAL_MAX_RANK ? XHAL_MAX_RANK + 1 : rank;
  tensor.byte_offset = byte_offset;
  tensor.buffer = buffer;
  if (rank > XHAL_MAX_RANK || (rank && !dims)) return tensor; /* rejected at launch */
  int64_t stride = 1;
  for (uint32_t k = rank; k-- > 0;) {
    tensor.dims[k] = dims[k];
    tensor.strides[k] = stride;
    stride *= dims[k] > 0 ? dims[k] : 1;
  }
  return tensor;
}

/* Converts one tensor; when device is non-NULL the buffer must be live and on
 * it (NULL buffers are allowed only when allow_null_buffer). The caller holds
 * the handle registry lock. */
static xhal_status_t xhal__convert_tensor(const char *call, const char *role, uint32_t index,
                                          const xhal_tensor_t *in, xhal_device_t *device,
                                          int allow_null_buffer, xhal_plugin_tensor_t *out) {
  if (in->rank > XHAL_MAX_RANK) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "%s: %s %u has rank %u, the maximum is %d",
                       call, role, index, in->rank, XHAL_MAX_RANK);
  }
  out->header.stype = XHAL_STYPE_TENSOR;
  out->header.struct_size = sizeof *out;
  out->header.next = NULL;
  out->dtype = (uint32_t)in->dtype;
  out->rank = in->rank;
  memcpy(out->dims, in->dims, sizeof out->dims);
  memcpy(out->strides, in->strides, sizeof out->strides);
  out->byte_offset = in->byte_offset;
  out->buffer = NULL;
  if (!in->buffer) {
    if (allow_null_buffer) return XHAL_STATUS_OK;
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "%s: %s %u has no buffer", call, role, index);
  }
  if (!xhal__handle_is_live_locked(in->buffer, XHAL__HANDLE_BUFFER)) {
    if (allow_null_buffer) return XHAL_STATUS_OK; /* support queries ignore buffers */
    return xhal__error(XHAL_STATUS_INVALID_HANDLE, "%s: %s %u buffer %p is not a live buffer",
                       call, role, index, (void *)in->buffer);
  }
  if (device && in->buffer->device != device) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: %s %u buffer is on device %u (%s), the stream on device %u (%s)", call,
                       role, index, in->buffer->device->index, in->buffer->device->plugin->name,
                       device->index, device->plugin->name);
  }
  out->buffer = in->buffer->native;
  return XHAL_STATUS_OK;
}

typedef struct xhal__op_scratch {
  xhal_plugin_tensor_t stack_tensors[XHAL__STACK_TENSORS];
  const xhal_plugin_tensor_t *stack_pointers[XHAL__STACK_TENSORS];
  xhal_plugin_tensor_t *tensors;
  const xhal_plugin_tensor_t **pointers;
} xhal__op_scratch_t;

static void xhal__op_scratch_free(xhal__op_scratch_t *scratch) {
  if (scratch->tensors != scratch->stack_tensors) free(scratch->tensors);
  if (scratch->pointers != scratch->stack_pointers) free(scratch->pointers);
}

static xhal_status_t xhal__build_desc(const char *call, const xhal_op_call_t *op,
                                      xhal_device_t *device, int allow_null_buffer,
                                      xhal__op_scratch_t *scratch, xhal_plugin_op_desc_t *desc) {
  if (!op) return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "%s: call is NULL", call);
  if ((op->input_count && !op->inputs) || (op->output_count && !op->outputs) ||
      (op->attr_count && !op->attrs)) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: %s: a non-zero count (inputs %u, outputs %u, attrs %u) with a NULL "
                       "array",
                       call, xhal_op_name(op->op), op->input_count, op->output_count,
                       op->attr_count);
  }
  uint64_t total = (uint64_t)op->input_count + op->output_count;
  if (total > 4096) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "%s: %llu tensors is more than 4096", call,
                       (unsigned long long)total);
  }
  scratch->tensors = scratch->stack_tensors;
  scratch->pointers = scratch->stack_pointers;
  if (total > XHAL__STACK_TENSORS) {
    scratch->tensors = malloc(total * sizeof *scratch->tensors);
    scratch->pointers = malloc(total * sizeof *scratch->pointers);
    if (!scratch->tensors || !scratch->pointers) {
      xhal__op_scratch_free(scratch);
      return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "%s: %llu tensor descriptors", call,
                         (unsigned long long)total);
    }
  }
  /* One registry lock for all the buffers: this is the per-op hot path. */
  xhal__handle_lock();
  for (uint32_t i = 0; i < total; ++i) {
    int is_input = i < op->input_count;
    const xhal_tensor_t *tensor = is_input ? &op->inputs[i] : &op->outputs[i - op->input_count];
    xhal_status_t status = xhal__convert_tensor(
        call, is_input ? "input" : "output", is_input ? i : i - op->input_count, tensor, device,
        allow_null_buffer, &scratch->tensors[i]);
    if (status != XHAL_STATUS_OK) {
      xhal__handle_unlock();
      xhal__op_scratch_free(scratch);
      return status;
    }
    scratch->pointers[i] = &scratch->tensors[i];
  }
  xhal__handle_unlock();
  memset(desc, 0, sizeof *desc);
  desc->header.stype = XHAL_STYPE_OP_DESC;
  desc->header.struct_size = sizeof *desc;
  desc->op = (uint32_t)op->op;
  desc->attr_count = op->attr_count;
  desc->attrs = op->attrs;
  desc->input_count = op->input_count;
  desc->output_count = op->output_count;
  desc->inputs = scratch->pointers;
  desc->outputs = scratch->pointers + op->input_count;
  return XHAL_STATUS_OK;
}

static xhal_status_t xhal__no_ops(xhal_device_t *device, xhal_op_t op) {
  return xhal__error(XHAL_STATUS_UNSUPPORTED, "%s: backend implements no operators (%s)",
                     device->plugin->name, xhal_op_name(op));
}

XHAL_API xhal_status_t xhal_op_supported(xhal_device_t *device, const xhal_op_call_t *call) {
  static const char name[] = "xhal_op_supported";
  XHAL_RETURN_IF_ERROR(xhal__handle_check(name, "device", device, XHAL__HANDLE_DEVICE));
  if (!device->plugin->api.op_supported) return xhal__no_ops(device, call ? call->op : 0);
  xhal__op_scratch_t scratch;
  xhal_plugin_op_desc_t desc;
  XHAL_RETURN_IF_ERROR(xhal__build_desc(name, call, NULL, 1, &scratch, &desc));
  xhal_status_t status = XHAL__PLUGIN_CALL(device, op_supported, device->native, &desc);
  xhal__op_scratch_free(&scratch);
  return status;
}

XHAL_API xhal_status_t xhal_op_launch(xhal_stream_t *stream, const xhal_op_call_t *call) {
  static const char name[] = "xhal_op_launch";
  XHAL_RETURN_IF_ERROR(xhal__handle_check(name, "stream", stream, XHAL__HANDLE_STREAM));
  xhal_device_t *device = stream->device;
  if (!device->plugin->api.op_launch) return xhal__no_ops(device, call ? call->op : 0);
  xhal__op_scratch_t scratch;
  xhal_plugin_op_desc_t desc;
  XHAL_RETURN_IF_ERROR(xhal__build_desc(name, call, device, 0, &scratch, &desc));
  xhal_status_t status = XHAL__PLUGIN_CALL(device, op_launch, stream->native, &desc);
  xhal__op_scratch_free(&scratch);
  return status;
}

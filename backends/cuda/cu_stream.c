/* cu_stream.c - streams, copies, fills and host callbacks. */
#include "cu_stream.h"

#include <stdlib.h>

#include "cu_buffer.h"
#include "cu_staging.h"

int32_t cu_stream_create(xhal_plugin_device_t *device, xhal_plugin_stream_t **out_stream) {
  if (!device || !out_stream) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, out_stream %p", (void *)device,
                    (void *)out_stream);
  }
  xhal_plugin_stream_t *stream = calloc(1, sizeof *stream);
  if (!stream) return cu_error(XHAL_STATUS_OUT_OF_MEMORY, "stream record");
  int32_t status = cu_context_enter(device);
  if (status == XHAL_STATUS_OK) {
    /* Non-blocking: no implicit ordering with the legacy default stream,
     * which other code in the process may use. */
    status = cu_check(cu_api()->cuStreamCreate(&stream->stream, CU_STREAM_NON_BLOCKING),
                      "cuStreamCreate(CU_STREAM_NON_BLOCKING)");
    cu_context_leave(device);
  }
  if (status != XHAL_STATUS_OK) {
    free(stream);
    return status;
  }
  stream->device = device;
  cu_instance_track(device->instance, &stream->object, CU_OBJECT_STREAM);
  *out_stream = stream;
  return XHAL_STATUS_OK;
}

int32_t cu_stream_destroy(xhal_plugin_stream_t *stream) {
  if (!stream) return XHAL_STATUS_OK;
  xhal_plugin_device_t *device = stream->device;
  cu_instance_untrack(device->instance, &stream->object);
  int32_t status = cu_context_enter(device);
  if (status == XHAL_STATUS_OK) {
    /* The ABI waits for enqueued work; cuStreamDestroy would not. */
    status = cu_check(cu_api()->cuStreamSynchronize(stream->stream), "cuStreamSynchronize");
    const int32_t destroyed =
        cu_check(cu_api()->cuStreamDestroy(stream->stream), "cuStreamDestroy");
    if (status == XHAL_STATUS_OK) status = destroyed;
    cu_context_leave(device);
  }
  free(stream);
  return status;
}

int32_t cu_stream_synchronize(xhal_plugin_stream_t *stream) {
  if (!stream) return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "stream is NULL");
  CU_RETURN_IF_ERROR(cu_context_enter(stream->device));
  int32_t status = cu_check(cu_api()->cuStreamSynchronize(stream->stream), "cuStreamSynchronize");
  cu_context_leave(stream->device);
  return status;
}

/* ---- host callbacks -------------------------------------------------------- */

typedef struct cu_callback {
  xhal_plugin_stream_callback_fn fn;
  void *user_data;
} cu_callback_t;

static void CUDA_CB cu_callback_with_status(CUstream stream, CUresult result, void *argument) {
  (void)stream;
  cu_callback_t callback = *(cu_callback_t *)argument;
  free(argument);
  callback.fn(callback.user_data, cu_status_of(result));
}

static void CUDA_CB cu_callback_host_function(void *argument) {
  cu_callback_t callback = *(cu_callback_t *)argument;
  free(argument);
  callback.fn(callback.user_data, XHAL_STATUS_OK);
}

int32_t cu_stream_add_callback(xhal_plugin_stream_t *stream, xhal_plugin_stream_callback_fn fn,
                               void *user_data) {
  if (!stream || !fn) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, fn %s", (void *)stream,
                    fn ? "set" : "NULL");
  }
  cu_callback_t *callback = malloc(sizeof *callback);
  if (!callback) return cu_error(XHAL_STATUS_OUT_OF_MEMORY, "callback record");
  callback->fn = fn;
  callback->user_data = user_data;
  const cu_driver_t *cu = cu_api();
  int32_t status = cu_context_enter(stream->device);
  if (status == XHAL_STATUS_OK) {
    if (cu->cuStreamAddCallback) {
      status =
          cu_check(cu->cuStreamAddCallback(stream->stream, cu_callback_with_status, callback, 0),
                   "cuStreamAddCallback");
    } else {
      status = cu_check(cu->cuLaunchHostFunc(stream->stream, cu_callback_host_function, callback),
                        "cuLaunchHostFunc");
    }
    cu_context_leave(stream->device);
  }
  if (status != XHAL_STATUS_OK) free(callback);
  return status;
}

/* ---- copies and fills ------------------------------------------------------ */

/* The stream and buffer exist, share a device, and the range fits. */
static int32_t cu_check_stream_buffer(const xhal_plugin_stream_t *stream,
                                      const xhal_plugin_buffer_t *buffer, const char *what,
                                      uint64_t offset, uint64_t size) {
  if (!stream || !buffer) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, %s buffer %p", (const void *)stream,
                    what, (const void *)buffer);
  }
  if (buffer->device != stream->device) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT,
                    "%s buffer is on device %u, the stream on device %u", what,
                    buffer->device->index, stream->device->index);
  }
  return cu_buffer_check_range(what, buffer, offset, size);
}

int32_t cu_copy_host_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                               uint64_t dst_offset, const void *src, uint64_t size) {
  CU_RETURN_IF_ERROR(cu_check_stream_buffer(stream, dst, "dst", dst_offset, size));
  if (!src && size) return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "src is NULL");
  if (!size) return XHAL_STATUS_OK;
  xhal_plugin_device_t *device = stream->device;
  const CUdeviceptr to = dst->pointer + dst_offset;
  CU_RETURN_IF_ERROR(cu_context_enter(device));
  int32_t status;
  if (cu_host_is_pinned(device->instance, src, size)) {
    status = cu_check(cu_api()->cuMemcpyHtoDAsync(to, src, (size_t)size, stream->stream),
                      "cuMemcpyHtoDAsync(%llu bytes)", (unsigned long long)size);
  } else {
    status = cu_staging_upload(device, stream->stream, to, src, (size_t)size);
  }
  cu_context_leave(device);
  return status;
}

int32_t cu_copy_device_to_host(xhal_plugin_stream_t *stream, void *dst, xhal_plugin_buffer_t *src,
                               uint64_t src_offset, uint64_t size) {
  CU_RETURN_IF_ERROR(cu_check_stream_buffer(stream, src, "src", src_offset, size));
  if (!dst && size) return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "dst is NULL");
  if (!size) return XHAL_STATUS_OK;
  xhal_plugin_device_t *device = stream->device;
  const CUdeviceptr from = src->pointer + src_offset;
  CU_RETURN_IF_ERROR(cu_context_enter(device));
  int32_t status;
  if (cu_host_is_pinned(device->instance, dst, size)) {
    status = cu_check(cu_api()->cuMemcpyDtoHAsync(dst, from, (size_t)size, stream->stream),
                      "cuMemcpyDtoHAsync(%llu bytes)", (unsigned long long)size);
  } else {
    status = cu_staging_download(device, stream->stream, dst, from, (size_t)size);
  }
  cu_context_leave(device);
  return status;
}

int32_t cu_copy_device_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                                 uint64_t dst_offset, xhal_plugin_buffer_t *src,
                                 uint64_t src_offset, uint64_t size) {
  if (!stream || !dst || !src) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, dst %p, src %p", (void *)stream,
                    (void *)dst, (void *)src);
  }
  xhal_plugin_device_t *device = stream->device;
  /* Each buffer lives on the stream's device or on a peer of it, and the
   * two devices are peers of each other. */
  if (!cu_device_is_peer(device, dst->device) || !cu_device_is_peer(device, src->device) ||
      !cu_device_is_peer(src->device, dst->device)) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT,
                    "copy from device %u to device %u on a stream of device %u: the devices have "
                    "no peer access (device_get_link reports peer_copy 0)",
                    src->device->index, dst->device->index, device->index);
  }
  CU_RETURN_IF_ERROR(cu_buffer_check_range("dst", dst, dst_offset, size));
  CU_RETURN_IF_ERROR(cu_buffer_check_range("src", src, src_offset, size));
  if (dst == src && size && dst_offset < src_offset + size && src_offset < dst_offset + size) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "ranges at %llu and %llu of %llu bytes overlap",
                    (unsigned long long)dst_offset, (unsigned long long)src_offset,
                    (unsigned long long)size);
  }
  if (!size) return XHAL_STATUS_OK;
  const CUdeviceptr to = dst->pointer + dst_offset, from = src->pointer + src_offset;
  const cu_driver_t *cu = cu_api();
  CU_RETURN_IF_ERROR(cu_context_enter(device));
  int32_t status;
  if (dst->device == src->device) {
    status = cu_check(cu->cuMemcpyDtoDAsync(to, from, (size_t)size, stream->stream),
                      "cuMemcpyDtoDAsync(%llu bytes)", (unsigned long long)size);
  } else {
    status =
        cu_check(cu->cuMemcpyPeerAsync(to, dst->device->context, from, src->device->context,
                                       (size_t)size, stream->stream),
                 "cuMemcpyPeerAsync(%llu bytes from CUDA device %d to %d)",
                 (unsigned long long)size, src->device->info.ordinal, dst->device->info.ordinal);
  }
  cu_context_leave(device);
  return status;
}

int32_t cu_buffer_fill(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *buffer, uint64_t offset,
                       uint64_t size, uint32_t value) {
  CU_RETURN_IF_ERROR(cu_check_stream_buffer(stream, buffer, "fill", offset, size));
  if (value > 0xff)
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "value 0x%x does not fit a byte", value);
  if (!size) return XHAL_STATUS_OK;
  CU_RETURN_IF_ERROR(cu_context_enter(stream->device));
  int32_t status =
      cu_check(cu_api()->cuMemsetD8Async(buffer->pointer + offset, (unsigned char)value,
                                         (size_t)size, stream->stream),
               "cuMemsetD8Async(%llu bytes, 0x%02x)", (unsigned long long)size, value);
  cu_context_leave(stream->device);
  return status;
}

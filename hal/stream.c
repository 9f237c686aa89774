/* stream.c - streams, host callbacks, and copies (staged through host memory
 * when the two devices cannot copy directly). */
#include "stream.h"

#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "handle_registry.h"
#include "status.h"

XHAL_API xhal_status_t xhal_stream_create(xhal_device_t *device, xhal_stream_t **out_stream) {
  XHAL_RETURN_IF_ERROR(
      xhal__handle_check("xhal_stream_create", "device", device, XHAL__HANDLE_DEVICE));
  if (!out_stream) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "xhal_stream_create: out_stream is NULL");
  }
  xhal_stream_t *stream = calloc(1, sizeof *stream);
  if (!stream) return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "xhal_stream_create");
  stream->device = device;
  xhal_status_t status = XHAL__PLUGIN_CALL(device, stream_create, device->native, &stream->native);
  if (status == XHAL_STATUS_OK) {
    status = xhal__handle_register(stream, XHAL__HANDLE_STREAM);
    if (status != XHAL_STATUS_OK) device->plugin->api.stream_destroy(stream->native);
  }
  if (status != XHAL_STATUS_OK) {
    free(stream);
    return status;
  }
  *out_stream = stream;
  return XHAL_STATUS_OK;
}

XHAL_API xhal_status_t xhal_stream_destroy(xhal_stream_t *stream) {
  if (!stream) return XHAL_STATUS_OK;
  XHAL_RETURN_IF_ERROR(
      xhal__handle_check("xhal_stream_destroy", "stream", stream, XHAL__HANDLE_STREAM));
  xhal__handle_unregister(stream);
  xhal_status_t status = XHAL__PLUGIN_CALL(stream->device, stream_destroy, stream->native);
  free(stream);
  return status;
}

xhal_status_t xhal__stream_sync(xhal_stream_t *stream) {
  return XHAL__PLUGIN_CALL(stream->device, stream_synchronize, stream->native);
}

XHAL_API xhal_status_t xhal_stream_synchronize(xhal_stream_t *stream) {
  XHAL_RETURN_IF_ERROR(
      xhal__handle_check("xhal_stream_synchronize", "stream", stream, XHAL__HANDLE_STREAM));
  return xhal__stream_sync(stream);
}

XHAL_API xhal_device_t *xhal_stream_device(const xhal_stream_t *stream) {
  return xhal__handle_is_live(stream, XHAL__HANDLE_STREAM) ? stream->device : NULL;
}

typedef struct xhal__callback {
  xhal_stream_callback_fn fn;
  void *user_data;
} xhal__callback_t;

static void xhal__callback_trampoline(void *user_data, int32_t status) {
  xhal__callback_t callback = *(xhal__callback_t *)user_data;
  free(user_data);
  callback.fn(callback.user_data, (xhal_status_t)status);
}

XHAL_API xhal_status_t xhal_stream_add_callback(xhal_stream_t *stream, xhal_stream_callback_fn fn,
                                                void *user_data) {
  XHAL_RETURN_IF_ERROR(
      xhal__handle_check("xhal_stream_add_callback", "stream", stream, XHAL__HANDLE_STREAM));
  if (!fn) return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "xhal_stream_add_callback: fn is NULL");
  if (!stream->device->plugin->api.stream_add_callback) {
    /* No native callbacks: honour the ordering by waiting here. */
    xhal_status_t status = xhal__stream_sync(stream);
    fn(user_data, status);
    return XHAL_STATUS_OK;
  }
  xhal__callback_t *callback = malloc(sizeof *callback);
  if (!callback) return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "xhal_stream_add_callback");
  callback->fn = fn;
  callback->user_data = user_data;
  xhal_status_t status = XHAL__PLUGIN_CALL(stream->device, stream_add_callback, stream->native,
                                           xhal__callback_trampoline, callback);
  if (status != XHAL_STATUS_OK) free(callback);
  return status;
}

/* ---- copies -------------------------------------------------------------- */

static xhal_status_t xhal__check_stream_and_buffer(const char *call, xhal_stream_t *stream,
                                                   xhal_buffer_t *buffer, const char *argument,
                                                   uint64_t offset, uint64_t size) {
  XHAL_RETURN_IF_ERROR(xhal__handle_check(call, "stream", stream, XHAL__HANDLE_STREAM));
  XHAL_RETURN_IF_ERROR(xhal__handle_check(call, argument, buffer, XHAL__HANDLE_BUFFER));
  if (buffer->device != stream->device) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: %s is on device %u (%s), the stream on device %u (%s)", call,
                       argument, buffer->device->index, buffer->device->plugin->name,
                       stream->device->index, stream->device->plugin->name);
  }
  return xhal__buffer_check_range(call, buffer, offset, size);
}

XHAL_API xhal_status_t xhal_copy_to_buffer(xhal_stream_t *stream, xhal_buffer_t *dst,
                                           uint64_t dst_offset, const void *src, uint64_t size) {
  XHAL_RETURN_IF_ERROR(
      xhal__check_stream_and_buffer("xhal_copy_to_buffer", stream, dst, "dst", dst_offset, size));
  if (!src && size) return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "xhal_copy_to_buffer: src is NULL");
  if (!size) return XHAL_STATUS_OK;
  return XHAL__PLUGIN_CALL(stream->device, copy_host_to_device, stream->native, dst->native,
                           dst_offset, src, size);
}

XHAL_API xhal_status_t xhal_copy_from_buffer(xhal_stream_t *stream, void *dst, xhal_buffer_t *src,
                                             uint64_t src_offset, uint64_t size) {
  XHAL_RETURN_IF_ERROR(xhal__check_stream_and_buffer("xhal_copy_from_buffer", stream, src, "src",
                                                     src_offset, size));
  if (!dst && size) return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "xhal_copy_from_buffer: dst is NULL");
  if (!size) return XHAL_STATUS_OK;
  return XHAL__PLUGIN_CALL(stream->device, copy_device_to_host, stream->native, dst, src->native,
                           src_offset, size);
}

/* Moves size bytes from src to dst through a host bounce buffer, using each
 * device's staging stream, and returns when the data has landed. */
static xhal_status_t xhal__copy_staged(xhal_buffer_t *dst, uint64_t dst_offset,
                                       xhal_buffer_t *src, uint64_t src_offset, uint64_t size) {
  void *bounce = malloc(size);
  if (!bounce) {
    return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "xhal_copy_buffer: %llu-byte staging buffer",
                       (unsigned long long)size);
  }
  xhal_plugin_stream_t *staging = NULL;
  xhal_status_t status = xhal__device_staging_acquire(src->device, &staging);
  if (status == XHAL_STATUS_OK) {
    status = XHAL__PLUGIN_CALL(src->device, copy_device_to_host, staging, bounce, src->native,
                               src_offset, size);
    if (status == XHAL_STATUS_OK) {
      status = XHAL__PLUGIN_CALL(src->device, stream_synchronize, staging);
    }
    xhal__device_staging_release(src->device);
  }
  if (status == XHAL_STATUS_OK) status = xhal__device_staging_acquire(dst->device, &staging);
  if (status == XHAL_STATUS_OK) {
    status = XHAL__PLUGIN_CALL(dst->device, copy_host_to_device, staging, dst->native, dst_offset,
                               bounce, size);
    if (status == XHAL_STATUS_OK) {
      status = XHAL__PLUGIN_CALL(dst->device, stream_synchronize, staging);
    }
    xhal__device_staging_release(dst->device);
  }
  free(bounce);
  return status;
}

static int xhal__ranges_overlap(const xhal_buffer_t *dst, uint64_t dst_offset,
                                const xhal_buffer_t *src, uint64_t src_offset, uint64_t size) {
  return dst == src && size && dst_offset < src_offset + size && src_offset < dst_offset + size;
}

xhal_status_t xhal__copy_buffer(xhal_stream_t *stream, xhal_buffer_t *dst, uint64_t dst_offset,
                                xhal_buffer_t *src, uint64_t src_offset, uint64_t size) {
  if (!size) return XHAL_STATUS_OK;
  xhal_device_t *dst_device = dst->device;
  xhal_device_t *src_device = src->device;
  const xhal__plugin_t *plugin = dst_device->plugin;
  int direct = 0;
  if (stream && src_device->plugin == plugin && plugin->api.copy_device_to_device) {
    if (src_device == dst_device) {
      direct = 1;
    } else if (plugin->api.device_get_link) {
      xhal_device_link_t link = {
          .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_DEVICE_LINK, xhal_device_link_t)};
      direct = plugin->api.device_get_link(src_device->native, dst_device->native, &link) ==
                   XHAL_STATUS_OK &&
               link.peer_copy;
    }
  }
  if (direct) {
    return XHAL__PLUGIN_CALL(stream->device, copy_device_to_device, stream->native, dst->native,
                             dst_offset, src->native, src_offset, size);
  }
  /* Staged: everything before the copy on the caller's stream must land
   * first, and the copy is complete when we return. */
  if (stream) XHAL_RETURN_IF_ERROR(xhal__stream_sync(stream));
  return xhal__copy_staged(dst, dst_offset, src, src_offset, size);
}

XHAL_API xhal_status_t xhal_copy_buffer(xhal_stream_t *stream, xhal_buffer_t *dst,
                                        uint64_t dst_offset, xhal_buffer_t *src,
                                        uint64_t src_offset, uint64_t size) {
  static const char call[] = "xhal_copy_buffer";
  XHAL_RETURN_IF_ERROR(xhal__handle_check(call, "stream", stream, XHAL__HANDLE_STREAM));
  XHAL_RETURN_IF_ERROR(xhal__handle_check(call, "dst", dst, XHAL__HANDLE_BUFFER));
  XHAL_RETURN_IF_ERROR(xhal__handle_check(call, "src", src, XHAL__HANDLE_BUFFER));
  if (stream->device != dst->device && stream->device != src->device) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: stream is on device %u, neither the dst (%u) nor the src (%u) device",
                       call, stream->device->index, dst->device->index, src->device->index);
  }
  XHAL_RETURN_IF_ERROR(xhal__buffer_check_range(call, dst, dst_offset, size));
  XHAL_RETURN_IF_ERROR(xhal__buffer_check_range(call, src, src_offset, size));
  if (xhal__ranges_overlap(dst, dst_offset, src, src_offset, size)) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: src [%llu, +%llu) and dst [%llu, +%llu) overlap in one buffer", call,
                       (unsigned long long)src_offset, (unsigned long long)size,
                       (unsigned long long)dst_offset, (unsigned long long)size);
  }
  return xhal__copy_buffer(stream, dst, dst_offset, src, src_offset, size);
}

XHAL_API xhal_status_t xhal_buffer_fill(xhal_stream_t *stream, xhal_buffer_t *buffer,
                                        uint64_t offset, uint64_t size, uint32_t value) {
  XHAL_RETURN_IF_ERROR(
      xhal__check_stream_and_buffer("xhal_buffer_fill", stream, buffer, "buffer", offset, size));
  if (!size) return XHAL_STATUS_OK;
  if (stream->device->plugin->api.buffer_fill) {
    return XHAL__PLUGIN_CALL(stream->device, buffer_fill, stream->native, buffer->native, offset,
                             size, value & 0xffu);
  }
  /* No native fill: upload a host pattern and wait, since the pattern's
   * memory is ours and must outlive the copy. */
  void *pattern = malloc(size);
  if (!pattern) {
    return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "xhal_buffer_fill: %llu-byte pattern",
                       (unsigned long long)size);
  }
  memset(pattern, (int)(value & 0xffu), size);
  xhal_status_t status = XHAL__PLUGIN_CALL(stream->device, copy_host_to_device, stream->native,
                                           buffer->native, offset, pattern, size);
  if (status == XHAL_STATUS_OK) status = xhal__stream_sync(stream);
  free(pattern);
  return status;
}

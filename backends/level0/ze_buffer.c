/* ze_buffer.c - device (zeMemAllocDevice), shared (zeMemAllocShared) and
 * host (zeMemAllocHost) memory, copies and fills appended to a stream's
 * immediate command list. */
#include <stdlib.h>

#include "ze_backend.h"

int32_t ze_buffer_alloc(xhal_plugin_device_t *device, uint64_t size, uint32_t flags,
                        xhal_plugin_buffer_t **out_buffer) {
  if (!device || !out_buffer) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, out_buffer %p", (void *)device,
                     (void *)out_buffer);
  }
  if (flags > XHAL_BUFFER_HOST_VISIBLE) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "unknown flags 0x%x", flags);
  }
  const uint64_t limit = device->max_allocation;
  if (size > limit || size > SIZE_MAX) {
    return ze__error(XHAL_STATUS_OUT_OF_MEMORY,
                     "%llu bytes: more than the largest allocation of %s, %llu bytes "
                     "(maxMemAllocSize)",
                     (unsigned long long)size, device->props.name, (unsigned long long)limit);
  }
  xhal_plugin_buffer_t *buffer = calloc(1, sizeof *buffer);
  if (!buffer) return ze__error(XHAL_STATUS_OUT_OF_MEMORY, "buffer record");
  /* Size 0 still gets a distinct allocation. */
  const size_t bytes = size ? (size_t)size : 1;
  ze_device_mem_alloc_desc_t ddesc = {.stype = ZE_STRUCTURE_TYPE_DEVICE_MEM_ALLOC_DESC};
  ze_result_t r;
  const char *call;
  if (flags & XHAL_BUFFER_HOST_VISIBLE) {
    ze_host_mem_alloc_desc_t hdesc = {.stype = ZE_STRUCTURE_TYPE_HOST_MEM_ALLOC_DESC};
    call = "zeMemAllocShared";
    r = zeMemAllocShared(device->driver->context, &ddesc, &hdesc, bytes, ZE_BUFFER_ALIGNMENT,
                         device->handle, &buffer->ptr);
  } else {
    call = "zeMemAllocDevice";
    r = zeMemAllocDevice(device->driver->context, &ddesc, bytes, ZE_BUFFER_ALIGNMENT,
                         device->handle, &buffer->ptr);
  }
  if (r == ZE_RESULT_SUCCESS && !buffer->ptr) r = ZE_RESULT_ERROR_OUT_OF_DEVICE_MEMORY;
  if (r != ZE_RESULT_SUCCESS) {
    free(buffer);
    return ze__check(r, "%s(%llu bytes, device %u)", call, (unsigned long long)size,
                     device->index);
  }
  buffer->device = device;
  buffer->size = size;
  ze__track(device->instance, &buffer->object, ZE_OBJECT_BUFFER);
  *out_buffer = buffer;
  return XHAL_STATUS_OK;
}

int32_t ze_buffer_free(xhal_plugin_buffer_t *buffer) {
  if (!buffer) return XHAL_STATUS_OK;
  ze__untrack(buffer->device->instance, &buffer->object);
  const ze_result_t r = zeMemFree(buffer->device->driver->context, buffer->ptr);
  free(buffer);
  return ze__check(r, "zeMemFree");
}

int32_t ze_host_alloc(xhal_plugin_device_t *device, uint64_t size, void **out_ptr) {
  if (!device || !out_ptr) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, out_ptr %p", (void *)device,
                     (void *)out_ptr);
  }
  if (size > device->max_allocation || size > SIZE_MAX) {
    return ze__error(XHAL_STATUS_OUT_OF_MEMORY, "%llu bytes: more than the largest allocation, "
                     "%llu bytes", (unsigned long long)size,
                     (unsigned long long)device->max_allocation);
  }
  ze_host_mem_alloc_desc_t desc = {.stype = ZE_STRUCTURE_TYPE_HOST_MEM_ALLOC_DESC};
  void *ptr = NULL;
  ze_result_t r = zeMemAllocHost(device->driver->context, &desc, size ? (size_t)size : 1,
                                 ZE_BUFFER_ALIGNMENT, &ptr);
  if (r == ZE_RESULT_SUCCESS && !ptr) r = ZE_RESULT_ERROR_OUT_OF_HOST_MEMORY;
  ZE_RETURN_IF_ERROR(ze__check(r, "zeMemAllocHost(%llu bytes)", (unsigned long long)size));
  *out_ptr = ptr;
  return XHAL_STATUS_OK;
}

int32_t ze_host_free(xhal_plugin_device_t *device, void *ptr) {
  if (!ptr) return XHAL_STATUS_OK;
  if (!device) return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "device is NULL");
  return ze__check(zeMemFree(device->driver->context, ptr), "zeMemFree(host memory)");
}

static int32_t ze_check_range(const char *what, const xhal_plugin_buffer_t *buffer,
                              uint64_t offset, uint64_t size) {
  if (offset > buffer->size || size > buffer->size - offset) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s range [%llu, %llu + %llu) is outside the buffer of %llu bytes", what,
                     (unsigned long long)offset, (unsigned long long)offset,
                     (unsigned long long)size, (unsigned long long)buffer->size);
  }
  return XHAL_STATUS_OK;
}

/* The stream and buffer exist, share a device, and the range fits. */
static int32_t ze_check_stream_buffer(const char *what, const xhal_plugin_stream_t *stream,
                                      const xhal_plugin_buffer_t *buffer, uint64_t offset,
                                      uint64_t size) {
  if (!stream || !buffer) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, %s buffer %p",
                     (const void *)stream, what, (const void *)buffer);
  }
  if (buffer->device != stream->device) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT,
                     "the %s buffer is on device %u, the stream on device %u", what,
                     buffer->device->index, stream->device->index);
  }
  return ze_check_range(what, buffer, offset, size);
}

static int32_t ze_append_copy(xhal_plugin_stream_t *stream, void *dst, const void *src,
                              uint64_t size, const char *what) {
  ZE_RETURN_IF_ERROR(ze__stream_begin(stream));
  const ze_result_t r =
      zeCommandListAppendMemoryCopy(stream->list, dst, src, (size_t)size, NULL, 0, NULL);
  return ze__stream_ordered(stream, ze__check(r, "zeCommandListAppendMemoryCopy(%s, %llu bytes)",
                                              what, (unsigned long long)size));
}

int32_t ze_copy_host_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                               uint64_t dst_offset, const void *src, uint64_t size) {
  ZE_RETURN_IF_ERROR(ze_check_stream_buffer("dst", stream, dst, dst_offset, size));
  if (!src && size) return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "src is NULL");
  if (!size) return XHAL_STATUS_OK;
  return ze_append_copy(stream, (char *)dst->ptr + dst_offset, src, size, "host to device");
}

int32_t ze_copy_device_to_host(xhal_plugin_stream_t *stream, void *dst, xhal_plugin_buffer_t *src,
                               uint64_t src_offset, uint64_t size) {
  ZE_RETURN_IF_ERROR(ze_check_stream_buffer("src", stream, src, src_offset, size));
  if (!dst && size) return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "dst is NULL");
  if (!size) return XHAL_STATUS_OK;
  return ze_append_copy(stream, dst, (const char *)src->ptr + src_offset, size, "device to host");
}

int32_t ze_copy_device_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                                 uint64_t dst_offset, xhal_plugin_buffer_t *src,
                                 uint64_t src_offset, uint64_t size) {
  if (!stream || !dst || !src) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, dst %p, src %p", (void *)stream,
                     (void *)dst, (void *)src);
  }
  if (dst->device->instance != stream->device->instance ||
      src->device->instance != stream->device->instance) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "buffers of another instance");
  }
  /* Both on the stream's device, or one of them on a peer it can access. */
  xhal_plugin_device_t *other = dst->device != stream->device ? dst->device : src->device;
  if ((dst->device != stream->device && src->device != stream->device) ||
      !ze__peer_access(stream->device, other)) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT,
                     "dst on device %u, src on device %u, stream on device %u: no peer access "
                     "(device_get_link says peer_copy 0)",
                     dst->device->index, src->device->index, stream->device->index);
  }
  ZE_RETURN_IF_ERROR(ze_check_range("dst", dst, dst_offset, size));
  ZE_RETURN_IF_ERROR(ze_check_range("src", src, src_offset, size));
  if (dst == src && size && dst_offset < src_offset + size && src_offset < dst_offset + size) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT,
                     "ranges at %llu (dst) and %llu (src) of %llu bytes overlap in one buffer",
                     (unsigned long long)dst_offset, (unsigned long long)src_offset,
                     (unsigned long long)size);
  }
  if (!size) return XHAL_STATUS_OK;
  return ze_append_copy(stream, (char *)dst->ptr + dst_offset,
                        (const char *)src->ptr + src_offset, size, "device to device");
}

int32_t ze_buffer_fill(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *buffer,
                       uint64_t offset, uint64_t size, uint32_t value) {
  ZE_RETURN_IF_ERROR(ze_check_stream_buffer("fill", stream, buffer, offset, size));
  if (!size) return XHAL_STATUS_OK;
  const uint8_t pattern = (uint8_t)(value & 0xffu);
  ZE_RETURN_IF_ERROR(ze__stream_begin(stream));
  const ze_result_t r = zeCommandListAppendMemoryFill(
      stream->list, (char *)buffer->ptr + offset, &pattern, 1, (size_t)size, NULL, 0, NULL);
  return ze__stream_ordered(
      stream, ze__check(r, "zeCommandListAppendMemoryFill(%llu bytes at offset %llu, 0x%02x)",
                        (unsigned long long)size, (unsigned long long)offset, (unsigned)pattern));
}

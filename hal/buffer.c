/* buffer.c - device memory. */
#include "buffer.h"

#include <stdlib.h>

#include "handle_registry.h"
#include "status.h"

xhal_status_t xhal__buffer_check_range(const char *call, const xhal_buffer_t *buffer,
                                       uint64_t offset, uint64_t size) {
  if (offset > buffer->size || size > buffer->size - offset) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: range [%llu, %llu + %llu) is outside the buffer of %llu bytes", call,
                       (unsigned long long)offset, (unsigned long long)offset,
                       (unsigned long long)size, (unsigned long long)buffer->size);
  }
  return XHAL_STATUS_OK;
}

XHAL_API xhal_status_t xhal_buffer_create(xhal_device_t *device, uint64_t size,
                                          xhal_buffer_t **out_buffer) {
  XHAL_RETURN_IF_ERROR(
      xhal__handle_check("xhal_buffer_create", "device", device, XHAL__HANDLE_DEVICE));
  if (!out_buffer) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "xhal_buffer_create: out_buffer is NULL");
  }
  xhal_buffer_t *buffer = calloc(1, sizeof *buffer);
  if (!buffer) return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "xhal_buffer_create: buffer record");
  xhal_status_t status = XHAL__PLUGIN_CALL(device, buffer_alloc, device->native, size,
                                           XHAL_BUFFER_DEVICE, &buffer->native);
  if (status == XHAL_STATUS_OK) {
    buffer->device = device;
    buffer->size = size;
    status = xhal__handle_register(buffer, XHAL__HANDLE_BUFFER);
    if (status != XHAL_STATUS_OK) device->plugin->api.buffer_free(buffer->native);
  }
  if (status != XHAL_STATUS_OK) {
    free(buffer);
    return status;
  }
  *out_buffer = buffer;
  return XHAL_STATUS_OK;
}

XHAL_API xhal_status_t xhal_buffer_destroy(xhal_buffer_t *buffer) {
  if (!buffer) return XHAL_STATUS_OK;
  XHAL_RETURN_IF_ERROR(
      xhal__handle_check("xhal_buffer_destroy", "buffer", buffer, XHAL__HANDLE_BUFFER));
  xhal__handle_unregister(buffer);
  xhal_status_t status = XHAL__PLUGIN_CALL(buffer->device, buffer_free, buffer->native);
  free(buffer);
  return status;
}

XHAL_API uint64_t xhal_buffer_size(const xhal_buffer_t *buffer) {
  return xhal__handle_is_live(buffer, XHAL__HANDLE_BUFFER) ? buffer->size : 0;
}

XHAL_API xhal_device_t *xhal_buffer_device(const xhal_buffer_t *buffer) {
  return xhal__handle_is_live(buffer, XHAL__HANDLE_BUFFER) ? buffer->device : NULL;
}

/* buffer.h - device memory owned by libxhal. */
#ifndef XHAL_HAL_BUFFER_H
#define XHAL_HAL_BUFFER_H

#include "device.h"

struct xhal_buffer {
  xhal_device_t *device;
  xhal_plugin_buffer_t *native;
  uint64_t size;
};

/* INVALID_ARGUMENT naming call if [offset, offset+size) is outside buffer. */
xhal_status_t xhal__buffer_check_range(const char *call, const xhal_buffer_t *buffer,
                                       uint64_t offset, uint64_t size);

#endif

/* cpu_buffer.h - device memory of the CPU backend: 64-byte aligned host memory. */
#ifndef XHAL_CPU_BUFFER_H
#define XHAL_CPU_BUFFER_H

#include <xhal/xhal_plugin.h>

#define CPU_BUFFER_ALIGNMENT 64

struct xhal_plugin_buffer {
  struct xhal_plugin_device *device;
  uint64_t size;
  void *data; /* never NULL, even for size 0 */
};

int32_t cpu_buffer_alloc(xhal_plugin_device_t *device, uint64_t size, uint32_t flags,
                         xhal_plugin_buffer_t **out_buffer);
int32_t cpu_buffer_free(xhal_plugin_buffer_t *buffer);
int32_t cpu_buffer_host_pointer(xhal_plugin_buffer_t *buffer, void **out_ptr);
int32_t cpu_host_alloc(xhal_plugin_device_t *device, uint64_t size, void **out_ptr);
int32_t cpu_host_free(xhal_plugin_device_t *device, void *ptr);

/* Checks that [offset, offset+size) lies inside buffer; names the call in the
 * error message. */
int32_t cpu_buffer_check_range(const char *call, const xhal_plugin_buffer_t *buffer,
                               uint64_t offset, uint64_t size);

#endif

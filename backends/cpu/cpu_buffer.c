/* cpu_buffer.c - device memory of the CPU backend. */
#include "cpu_buffer.h"

#include <stdlib.h>
#include <unistd.h>

#include "cpu_device.h"
#include "cpu_error.h"

static uint64_t cpu_physical_memory(void) {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGESIZE);
  return pages > 0 && page_size > 0 ? (uint64_t)pages * (uint64_t)page_size : UINT64_MAX;
}

int32_t cpu_buffer_alloc(xhal_plugin_device_t *device, uint64_t size, uint32_t flags,
                         xhal_plugin_buffer_t **out_buffer) {
  if (!device || !out_buffer) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "buffer_alloc: device %p, out_buffer %p",
                     (void *)device, (void *)out_buffer);
  }
  if (flags > XHAL_BUFFER_HOST_VISIBLE) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "buffer_alloc: unknown flags 0x%x", flags);
  }
  /* More than the machine has can never succeed; say so instead of asking
   * the allocator (which may overcommit or abort under sanitizers). */
  uint64_t limit = cpu_physical_memory();
  if (size > limit) {
    return cpu_error(XHAL_STATUS_OUT_OF_MEMORY,
                     "buffer_alloc(%llu bytes): more than the %llu bytes of physical memory",
                     (unsigned long long)size, (unsigned long long)limit);
  }
  xhal_plugin_buffer_t *buffer = malloc(sizeof *buffer);
  if (!buffer) return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "buffer_alloc: buffer record");
  uint64_t rounded = (size + CPU_BUFFER_ALIGNMENT - 1) / CPU_BUFFER_ALIGNMENT * CPU_BUFFER_ALIGNMENT;
  buffer->data = aligned_alloc(CPU_BUFFER_ALIGNMENT, rounded ? rounded : CPU_BUFFER_ALIGNMENT);
  if (!buffer->data) {
    free(buffer);
    return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "buffer_alloc(%llu bytes): out of memory",
                     (unsigned long long)size);
  }
  buffer->device = device;
  buffer->size = size;
  *out_buffer = buffer;
  return XHAL_STATUS_OK;
}

int32_t cpu_buffer_free(xhal_plugin_buffer_t *buffer) {
  if (!buffer) return XHAL_STATUS_OK;
  free(buffer->data);
  free(buffer);
  return XHAL_STATUS_OK;
}

int32_t cpu_buffer_host_pointer(xhal_plugin_buffer_t *buffer, void **out_ptr) {
  if (!buffer || !out_ptr) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "buffer_host_pointer: buffer %p, out_ptr %p",
                     (void *)buffer, (void *)out_ptr);
  }
  *out_ptr = buffer->data;
  return XHAL_STATUS_OK;
}

int32_t cpu_host_alloc(xhal_plugin_device_t *device, uint64_t size, void **out_ptr) {
  if (!device || !out_ptr) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "host_alloc: device %p, out_ptr %p",
                     (void *)device, (void *)out_ptr);
  }
  if (size > cpu_physical_memory()) {
    return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "host_alloc(%llu bytes): more than physical memory",
                     (unsigned long long)size);
  }
  uint64_t rounded = (size + CPU_BUFFER_ALIGNMENT - 1) / CPU_BUFFER_ALIGNMENT * CPU_BUFFER_ALIGNMENT;
  void *ptr = aligned_alloc(CPU_BUFFER_ALIGNMENT, rounded ? rounded : CPU_BUFFER_ALIGNMENT);
  if (!ptr) {
    return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "host_alloc(%llu bytes): out of memory",
                     (unsigned long long)size);
  }
  *out_ptr = ptr;
  return XHAL_STATUS_OK;
}

int32_t cpu_host_free(xhal_plugin_device_t *device, void *ptr) {
  (void)device;
  free(ptr);
  return XHAL_STATUS_OK;
}

int32_t cpu_buffer_check_range(const char *call, const xhal_plugin_buffer_t *buffer,
                               uint64_t offset, uint64_t size) {
  if (offset > buffer->size || size > buffer->size - offset) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s: range [%llu, %llu + %llu) is outside the buffer of %llu bytes", call,
                     (unsigned long long)offset, (unsigned long long)offset,
                     (unsigned long long)size, (unsigned long long)buffer->size);
  }
  return XHAL_STATUS_OK;
}

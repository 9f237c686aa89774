/* cu_buffer.h - device memory (cuMemAlloc) and pinned host memory
 * (cuMemHostAlloc) of the CUDA backend. */
#ifndef XHAL_CU_BUFFER_H
#define XHAL_CU_BUFFER_H

#include "cu_device.h"

struct xhal_plugin_buffer {
  cu_object_t object; /* on the instance's buffer list */
  xhal_plugin_device_t *device;
  CUdeviceptr pointer; /* never 0, also for size 0 */
  uint64_t size;
};

/* size 0 allocates one byte so that every buffer has its own address.
 * XHAL_BUFFER_HOST_VISIBLE is accepted and yields device memory (the
 * backend does not declare HOST_VISIBLE_MEMORY). Thread-safe. */
int32_t cu_buffer_alloc(xhal_plugin_device_t *device, uint64_t size, uint32_t flags,
                        xhal_plugin_buffer_t **out_buffer);
int32_t cu_buffer_free(xhal_plugin_buffer_t *buffer);

/* Checks that [offset, offset + size) lies inside buffer (overflow-safe);
 * what names the operand in the message. */
int32_t cu_buffer_check_range(const char *what, const xhal_plugin_buffer_t *buffer,
                              uint64_t offset, uint64_t size);

/* Page-locked host memory, portable to every context (CU_MEMHOSTALLOC_PORTABLE),
 * so copies from and to it are asynchronous DMA. Thread-safe. */
int32_t cu_host_alloc(xhal_plugin_device_t *device, uint64_t size, void **out_ptr);
/* ptr must come from cu_host_alloc of the same instance (INVALID_ARGUMENT
 * otherwise); NULL is a no-op. */
int32_t cu_host_free(xhal_plugin_device_t *device, void *ptr);
/* Frees a pinned block found on the instance's list (instance_destroy). */
void cu_host_memory_destroy(cu_object_t *object);

/* 1 if [ptr, ptr + size) lies inside pinned memory of instance from
 * cu_host_alloc, so copies need no staging. Thread-safe. */
int cu_host_is_pinned(xhal_plugin_instance_t *instance, const void *ptr, uint64_t size);

#endif

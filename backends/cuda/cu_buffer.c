/* cu_buffer.c - device buffers and pinned host memory. */
#include "cu_buffer.h"

#include <stdlib.h>

/* A block of pinned host memory from cu_host_alloc. */
typedef struct cu_host_block {
  cu_object_t object; /* on the instance's host-memory list */
  xhal_plugin_device_t *device;
  char *pointer;
  uint64_t size;
} cu_host_block_t;

int32_t cu_buffer_alloc(xhal_plugin_device_t *device, uint64_t size, uint32_t flags,
                        xhal_plugin_buffer_t **out_buffer) {
  if (!device || !out_buffer) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, out_buffer %p", (void *)device,
                    (void *)out_buffer);
  }
  if (flags > XHAL_BUFFER_HOST_VISIBLE)
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "unknown flags 0x%x", flags);
  /* More than the device has can never succeed: say so without asking. */
  if (size > device->info.total_memory) {
    return cu_error(XHAL_STATUS_OUT_OF_MEMORY,
                    "%llu bytes requested; CUDA device %d (%s) has %llu bytes",
                    (unsigned long long)size, device->info.ordinal, device->info.name,
                    (unsigned long long)device->info.total_memory);
  }
  xhal_plugin_buffer_t *buffer = calloc(1, sizeof *buffer);
  if (!buffer) return cu_error(XHAL_STATUS_OUT_OF_MEMORY, "buffer record");
  int32_t status = cu_context_enter(device);
  if (status == XHAL_STATUS_OK) {
    const size_t bytes = size ? (size_t)size : 1;
    status =
        cu_check(cu_api()->cuMemAlloc(&buffer->pointer, bytes), "cuMemAlloc(%zu bytes)", bytes);
    cu_context_leave(device);
  }
  if (status != XHAL_STATUS_OK) {
    free(buffer);
    return status;
  }
  buffer->device = device;
  buffer->size = size;
  cu_instance_track(device->instance, &buffer->object, CU_OBJECT_BUFFER);
  *out_buffer = buffer;
  return XHAL_STATUS_OK;
}

int32_t cu_buffer_free(xhal_plugin_buffer_t *buffer) {
  if (!buffer) return XHAL_STATUS_OK;
  xhal_plugin_device_t *device = buffer->device;
  cu_instance_untrack(device->instance, &buffer->object);
  int32_t status = cu_context_enter(device);
  if (status == XHAL_STATUS_OK) {
    status = cu_check(cu_api()->cuMemFree(buffer->pointer), "cuMemFree(%llu bytes)",
                      (unsigned long long)buffer->size);
    cu_context_leave(device);
  }
  free(buffer);
  return status;
}

int32_t cu_buffer_check_range(const char *what, const xhal_plugin_buffer_t *buffer, uint64_t offset,
                              uint64_t size) {
  if (offset > buffer->size || size > buffer->size - offset) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT,
                    "%s range [%llu, %llu + %llu) is outside the buffer of %llu bytes", what,
                    (unsigned long long)offset, (unsigned long long)offset,
                    (unsigned long long)size, (unsigned long long)buffer->size);
  }
  return XHAL_STATUS_OK;
}

int32_t cu_host_alloc(xhal_plugin_device_t *device, uint64_t size, void **out_ptr) {
  if (!device || !out_ptr) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, out_ptr %p", (void *)device,
                    (void *)out_ptr);
  }
  if (size > SIZE_MAX / 2) {
    return cu_error(XHAL_STATUS_OUT_OF_MEMORY, "%llu bytes of pinned host memory",
                    (unsigned long long)size);
  }
  cu_host_block_t *block = calloc(1, sizeof *block);
  if (!block) return cu_error(XHAL_STATUS_OUT_OF_MEMORY, "host memory record");
  int32_t status = cu_context_enter(device);
  if (status == XHAL_STATUS_OK) {
    const size_t bytes = size ? (size_t)size : 1;
    void *pointer = NULL;
    status = cu_check(cu_api()->cuMemHostAlloc(&pointer, bytes, CU_MEMHOSTALLOC_PORTABLE),
                      "cuMemHostAlloc(%zu bytes, CU_MEMHOSTALLOC_PORTABLE)", bytes);
    block->pointer = pointer;
    cu_context_leave(device);
  }
  if (status != XHAL_STATUS_OK) {
    free(block);
    return status;
  }
  block->device = device;
  block->size = size;
  cu_instance_track(device->instance, &block->object, CU_OBJECT_HOST_MEMORY);
  *out_ptr = block->pointer;
  return XHAL_STATUS_OK;
}

/* The block at ptr, or NULL. Caller holds instance->mutex. */
static cu_host_block_t *cu_host_find_locked(xhal_plugin_instance_t *instance, const void *ptr,
                                            uint64_t size) {
  cu_object_t *head = &instance->lists[CU_OBJECT_HOST_MEMORY];
  const char *p = ptr;
  for (cu_object_t *o = head->next; o != head; o = o->next) {
    cu_host_block_t *block = (cu_host_block_t *)(void *)o;
    if (p >= block->pointer && (uint64_t)(p - block->pointer) <= block->size &&
        size <= block->size - (uint64_t)(p - block->pointer))
      return block;
  }
  return NULL;
}

/* Frees a block already taken off its list. */
static void cu_host_block_release(cu_host_block_t *block) {
  xhal_plugin_device_t *device = block->device;
  /* Pinned memory belongs to no context, but the driver wants one current. */
  if (cu_context_enter(device) == XHAL_STATUS_OK) {
    cu_check(cu_api()->cuMemFreeHost(block->pointer), "cuMemFreeHost(%llu bytes)",
             (unsigned long long)block->size);
    cu_context_leave(device);
  }
  free(block);
}

int32_t cu_host_free(xhal_plugin_device_t *device, void *ptr) {
  if (!ptr) return XHAL_STATUS_OK;
  if (!device) return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "device is NULL");
  xhal_plugin_instance_t *instance = device->instance;
  pthread_mutex_lock(&instance->mutex);
  cu_host_block_t *block = cu_host_find_locked(instance, ptr, 0);
  if (!block || block->pointer != ptr) {
    pthread_mutex_unlock(&instance->mutex);
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT,
                    "%p is not pinned memory from host_alloc of this instance", ptr);
  }
  /* Unlinked under the lock, so two racing frees cannot both take it. */
  block->object.prev->next = block->object.next;
  block->object.next->prev = block->object.prev;
  pthread_mutex_unlock(&instance->mutex);
  cu_host_block_release(block);
  return XHAL_STATUS_OK;
}

void cu_host_memory_destroy(cu_object_t *object) {
  cu_host_block_t *block = (cu_host_block_t *)(void *)object;
  cu_instance_untrack(block->device->instance, &block->object);
  cu_host_block_release(block);
}

int cu_host_is_pinned(xhal_plugin_instance_t *instance, const void *ptr, uint64_t size) {
  pthread_mutex_lock(&instance->mutex);
  const int pinned = cu_host_find_locked(instance, ptr, size) != NULL;
  pthread_mutex_unlock(&instance->mutex);
  return pinned;
}

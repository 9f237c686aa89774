/* cu_staging.c - a pool of pinned bounce buffers per device. */
#include "cu_staging.h"

#include <stdlib.h>
#include <string.h>

/* Smallest block; larger ones are rounded up to a power of two so that
 * repeated copies of similar sizes reuse blocks. */
#define CU_STAGING_MIN_BLOCK ((size_t)64 << 10)

typedef struct cu_staging_block {
  struct cu_staging_block *next;
  char *host; /* pinned, capacity bytes */
  size_t capacity;
  atomic_int busy; /* set by acquire, cleared by the host function */
  /* Downloads: where the host function delivers the bytes. */
  void *dst;
  size_t size;
} cu_staging_block_t;

struct cu_staging {
  pthread_mutex_t mutex; /* guards the list (not the busy flags) */
  cu_staging_block_t *blocks;
};

int32_t cu_staging_create(xhal_plugin_device_t *device, cu_staging_t **out_staging) {
  (void)device;
  cu_staging_t *staging = calloc(1, sizeof *staging);
  if (!staging) return cu_error(XHAL_STATUS_OUT_OF_MEMORY, "staging pool record");
  pthread_mutex_init(&staging->mutex, NULL);
  *out_staging = staging;
  return XHAL_STATUS_OK;
}

void cu_staging_destroy(xhal_plugin_device_t *device, cu_staging_t *staging) {
  if (!staging) return;
  const int entered = staging->blocks && cu_context_enter(device) == XHAL_STATUS_OK;
  for (cu_staging_block_t *block = staging->blocks; block;) {
    cu_staging_block_t *next = block->next;
    if (entered) cu_api()->cuMemFreeHost(block->host);
    free(block);
    block = next;
  }
  if (entered) cu_context_leave(device);
  pthread_mutex_destroy(&staging->mutex);
  free(staging);
}

static size_t cu_staging_round(size_t size) {
  size_t capacity = CU_STAGING_MIN_BLOCK;
  while (capacity < size && capacity <= SIZE_MAX / 2) capacity *= 2;
  return capacity < size ? size : capacity;
}

/* A free block of at least size bytes, marked busy; the context is current. */
static int32_t cu_staging_acquire(xhal_plugin_device_t *device, size_t size,
                                  cu_staging_block_t **out_block) {
  cu_staging_t *staging = device->staging;
  pthread_mutex_lock(&staging->mutex);
  for (cu_staging_block_t *block = staging->blocks; block; block = block->next) {
    if (block->capacity < size || atomic_load_explicit(&block->busy, memory_order_acquire))
      continue;
    atomic_store_explicit(&block->busy, 1, memory_order_relaxed);
    pthread_mutex_unlock(&staging->mutex);
    *out_block = block;
    return XHAL_STATUS_OK;
  }
  int32_t status = XHAL_STATUS_OK;
  cu_staging_block_t *block = calloc(1, sizeof *block);
  if (!block) status = cu_error(XHAL_STATUS_OUT_OF_MEMORY, "staging block record");
  if (status == XHAL_STATUS_OK) {
    block->capacity = cu_staging_round(size);
    void *host = NULL;
    status = cu_check(cu_api()->cuMemHostAlloc(&host, block->capacity, 0),
                      "cuMemHostAlloc(%zu bytes) for a bounce buffer of a %zu-byte pageable copy",
                      block->capacity, size);
    block->host = host;
  }
  if (status != XHAL_STATUS_OK) {
    pthread_mutex_unlock(&staging->mutex);
    free(block);
    return status;
  }
  atomic_init(&block->busy, 1);
  block->next = staging->blocks;
  staging->blocks = block;
  pthread_mutex_unlock(&staging->mutex);
  *out_block = block;
  return XHAL_STATUS_OK;
}

static void CUDA_CB cu_staging_release(void *argument) {
  cu_staging_block_t *block = argument;
  atomic_store_explicit(&block->busy, 0, memory_order_release);
}

static void CUDA_CB cu_staging_deliver(void *argument) {
  cu_staging_block_t *block = argument;
  memcpy(block->dst, block->host, block->size);
  atomic_store_explicit(&block->busy, 0, memory_order_release);
}

int32_t cu_staging_upload(xhal_plugin_device_t *device, CUstream stream, CUdeviceptr dst,
                          const void *src, size_t size) {
  cu_staging_block_t *block = NULL;
  CU_RETURN_IF_ERROR(cu_staging_acquire(device, size, &block));
  memcpy(block->host, src, size);
  const cu_driver_t *cu = cu_api();
  int32_t status = cu_check(cu->cuMemcpyHtoDAsync(dst, block->host, size, stream),
                            "cuMemcpyHtoDAsync(%zu bytes from a pinned bounce buffer)", size);
  if (status != XHAL_STATUS_OK) {
    cu_staging_release(block);
    return status;
  }
  /* If this fails the block stays busy (the DMA may still read it) until
   * the instance is destroyed. */
  return cu_check(cu->cuLaunchHostFunc(stream, cu_staging_release, block),
                  "cuLaunchHostFunc(release of a bounce buffer)");
}

int32_t cu_staging_download(xhal_plugin_device_t *device, CUstream stream, void *dst,
                            CUdeviceptr src, size_t size) {
  cu_staging_block_t *block = NULL;
  CU_RETURN_IF_ERROR(cu_staging_acquire(device, size, &block));
  block->dst = dst;
  block->size = size;
  const cu_driver_t *cu = cu_api();
  int32_t status = cu_check(cu->cuMemcpyDtoHAsync(block->host, src, size, stream),
                            "cuMemcpyDtoHAsync(%zu bytes into a pinned bounce buffer)", size);
  if (status != XHAL_STATUS_OK) {
    cu_staging_release(block);
    return status;
  }
  return cu_check(cu->cuLaunchHostFunc(stream, cu_staging_deliver, block),
                  "cuLaunchHostFunc(delivery of %zu downloaded bytes)", size);
}

/* cu_staging.h - copies between device memory and pageable host memory,
 * through pinned bounce buffers.
 *
 * cuMemcpyDtoHAsync to pageable memory returns only once the copy is done,
 * that is after everything queued before it on the stream; large pageable
 * uploads can block the same way. A stream held by a host callback (the
 * HAL's cross-backend waits) would then block the calling thread, possibly
 * forever. So pageable copies are staged: an upload copies the source into
 * a pinned block at once and enqueues the DMA; a download enqueues the DMA
 * into a pinned block and a host function (cuLaunchHostFunc) that copies it
 * to the destination when the stream gets there. Blocks are reused once
 * their host function has run, and freed with the device's instance (the
 * pool grows to the peak of pageable bytes in flight). Copies from and to
 * memory of cu_host_alloc skip all this (cu_stream.c). */
#ifndef XHAL_CU_STAGING_H
#define XHAL_CU_STAGING_H

#include "cu_device.h"

int32_t cu_staging_create(xhal_plugin_device_t *device, cu_staging_t **out_staging);
/* The device's streams must be drained. NULL is a no-op. */
void cu_staging_destroy(xhal_plugin_device_t *device, cu_staging_t *staging);

/* Enqueue staged copies on stream; the caller has made device's context
 * current. The upload has read src when it returns; the download writes
 * dst when the stream reaches it. size > 0. Thread-safe. */
int32_t cu_staging_upload(xhal_plugin_device_t *device, CUstream stream, CUdeviceptr dst,
                          const void *src, size_t size);
int32_t cu_staging_download(xhal_plugin_device_t *device, CUstream stream, void *dst,
                            CUdeviceptr src, size_t size);

#endif

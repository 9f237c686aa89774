/* cu_stream.h - streams (non-blocking CUstreams), copies, fills and host
 * callbacks of the CUDA backend. All enqueueing calls follow the ABI's
 * stream rule: one host thread at a time per stream. */
#ifndef XHAL_CU_STREAM_H
#define XHAL_CU_STREAM_H

#include "cu_device.h"

struct xhal_plugin_stream {
  cu_object_t object; /* on the instance's stream list */
  xhal_plugin_device_t *device;
  CUstream stream; /* created CU_STREAM_NON_BLOCKING in device's primary context */
};

int32_t cu_stream_create(xhal_plugin_device_t *device, xhal_plugin_stream_t **out_stream);
int32_t cu_stream_destroy(xhal_plugin_stream_t *stream);
int32_t cu_stream_synchronize(xhal_plugin_stream_t *stream);

/* Host callbacks: cuStreamAddCallback when the driver has it (the callback
 * gets the translated status of the stream's earlier work), else
 * cuLaunchHostFunc (status OK; CUDA skips host functions after a device
 * error). Either blocks later work on the stream until fn returns. */
int32_t cu_stream_add_callback(xhal_plugin_stream_t *stream, xhal_plugin_stream_callback_fn fn,
                               void *user_data);

/* Copies and fills. Pageable host memory goes through cu_staging.h;
 * memory of cu_host_alloc is copied directly. Device-to-device copies
 * between two devices use cuMemcpyPeerAsync and need peer access. */
int32_t cu_copy_host_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                               uint64_t dst_offset, const void *src, uint64_t size);
int32_t cu_copy_device_to_host(xhal_plugin_stream_t *stream, void *dst, xhal_plugin_buffer_t *src,
                               uint64_t src_offset, uint64_t size);
int32_t cu_copy_device_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                                 uint64_t dst_offset, xhal_plugin_buffer_t *src,
                                 uint64_t src_offset, uint64_t size);
int32_t cu_buffer_fill(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *buffer, uint64_t offset,
                       uint64_t size, uint32_t value);

#endif

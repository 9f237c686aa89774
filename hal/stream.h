/* stream.h - in-order queues of work on one device. */
#ifndef XHAL_HAL_STREAM_H
#define XHAL_HAL_STREAM_H

#include "device.h"

struct xhal_stream {
  xhal_device_t *device;
  xhal_plugin_stream_t *native;
};

/* Blocks the host until the stream is idle (error of its work returned). */
xhal_status_t xhal__stream_sync(xhal_stream_t *stream);

/* Copies between buffers of any two devices; see xhal_copy_buffer. The stream
 * may be NULL for a fully synchronous copy. */
xhal_status_t xhal__copy_buffer(xhal_stream_t *stream, xhal_buffer_t *dst, uint64_t dst_offset,
                                xhal_buffer_t *src, uint64_t src_offset, uint64_t size);

#endif

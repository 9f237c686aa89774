/* ocl_buffer.h - device memory of the OpenCL backend: one cl_mem per
 * buffer, in the context of its device; copies and fills enqueued on a
 * stream's queue without blocking.
 *
 * OpenCL forbids buffers of 0 bytes: a zero-size buffer holds a 1-byte
 * cl_mem and reports size 0. Sizes above CL_DEVICE_MAX_MEM_ALLOC_SIZE are
 * OUT_OF_MEMORY without asking the driver. host_alloc is page-aligned
 * malloc memory (no HOST_PINNED_MEMORY is declared; PoCL copies with
 * memcpy either way). Thread safety: alloc/free are thread-safe; copies and
 * fills follow their stream's one-thread rule. */
#ifndef XHAL_OCL_BUFFER_H
#define XHAL_OCL_BUFFER_H

#include "ocl_device.h"

struct xhal_plugin_buffer {
  ocl_object_t object; /* on the instance's buffer list */
  xhal_plugin_device_t *device;
  cl_mem mem;    /* at least 1 byte */
  uint64_t size; /* as requested, may be 0 */
};

int32_t ocl_buffer_alloc(xhal_plugin_device_t *device, uint64_t size, uint32_t flags,
                         xhal_plugin_buffer_t **out_buffer);
int32_t ocl_buffer_free(xhal_plugin_buffer_t *buffer);
int32_t ocl_host_alloc(xhal_plugin_device_t *device, uint64_t size, void **out_ptr);
int32_t ocl_host_free(xhal_plugin_device_t *device, void *ptr);

/* INVALID_ARGUMENT unless [offset, offset + size) lies inside buffer
 * (overflow-safe); what names the argument in the message. */
int32_t ocl_buffer_check_range(const char *what, const xhal_plugin_buffer_t *buffer,
                               uint64_t offset, uint64_t size);

int32_t ocl_copy_host_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                                uint64_t dst_offset, const void *src, uint64_t size);
int32_t ocl_copy_device_to_host(xhal_plugin_stream_t *stream, void *dst,
                                xhal_plugin_buffer_t *src, uint64_t src_offset, uint64_t size);
/* Within one device only: devices have separate contexts, so the plugin
 * declares no peer copy and the host stages copies between devices. */
int32_t ocl_copy_device_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                                  uint64_t dst_offset, xhal_plugin_buffer_t *src,
                                  uint64_t src_offset, uint64_t size);
int32_t ocl_buffer_fill(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *buffer,
                        uint64_t offset, uint64_t size, uint32_t value);

#endif

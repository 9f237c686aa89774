/* ocl_buffer.c - cl_mem buffers, host memory, copies and fills. */
#include "ocl_buffer.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ocl_stream.h"

#define OCL_HOST_ALIGNMENT 4096

int32_t ocl_buffer_alloc(xhal_plugin_device_t *device, uint64_t size, uint32_t flags,
                         xhal_plugin_buffer_t **out_buffer) {
  if (!device || !out_buffer) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, out_buffer %p", (void *)device,
                     (void *)out_buffer);
  }
  if (flags > XHAL_BUFFER_HOST_VISIBLE) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "unknown flags 0x%x", flags);
  }
  uint64_t limit = device->info.max_allocation;
  if (size > limit || size > SIZE_MAX) {
    return ocl_error(XHAL_STATUS_OUT_OF_MEMORY,
                     "%llu bytes: more than the largest allocation of %s, %llu bytes "
                     "(CL_DEVICE_MAX_MEM_ALLOC_SIZE)",
                     (unsigned long long)size, device->info.name, (unsigned long long)limit);
  }
  xhal_plugin_buffer_t *buffer = calloc(1, sizeof *buffer);
  if (!buffer) return ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "buffer record");
  /* HOST_VISIBLE is a request: memory the driver can map cheaply. */
  cl_mem_flags mem_flags =
      CL_MEM_READ_WRITE | (flags & XHAL_BUFFER_HOST_VISIBLE ? CL_MEM_ALLOC_HOST_PTR : 0);
  cl_int err = CL_SUCCESS;
  buffer->mem = clCreateBuffer(device->context, mem_flags, size ? (size_t)size : 1, NULL, &err);
  if (err != CL_SUCCESS) {
    free(buffer);
    return ocl_check(err, "clCreateBuffer(%llu bytes)", (unsigned long long)size);
  }
  buffer->device = device;
  buffer->size = size;
  ocl_instance_track(device->instance, &buffer->object, OCL_OBJECT_BUFFER);
  *out_buffer = buffer;
  return XHAL_STATUS_OK;
}

int32_t ocl_buffer_free(xhal_plugin_buffer_t *buffer) {
  if (!buffer) return XHAL_STATUS_OK;
  ocl_instance_untrack(buffer->device->instance, &buffer->object);
  clReleaseMemObject(buffer->mem);
  free(buffer);
  return XHAL_STATUS_OK;
}

static uint64_t ocl_physical_memory(void) {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGESIZE);
  return pages > 0 && page_size > 0 ? (uint64_t)pages * (uint64_t)page_size : UINT64_MAX;
}

int32_t ocl_host_alloc(xhal_plugin_device_t *device, uint64_t size, void **out_ptr) {
  if (!device || !out_ptr) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, out_ptr %p", (void *)device,
                     (void *)out_ptr);
  }
  uint64_t limit = ocl_physical_memory();
  if (size > limit || size > SIZE_MAX - OCL_HOST_ALIGNMENT) {
    return ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "%llu bytes: more than the %llu bytes of memory",
                     (unsigned long long)size, (unsigned long long)limit);
  }
  size_t rounded = ((size_t)size + OCL_HOST_ALIGNMENT - 1) / OCL_HOST_ALIGNMENT * OCL_HOST_ALIGNMENT;
  void *ptr = aligned_alloc(OCL_HOST_ALIGNMENT, rounded ? rounded : OCL_HOST_ALIGNMENT);
  if (!ptr) {
    return ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "%llu bytes of host memory",
                     (unsigned long long)size);
  }
  *out_ptr = ptr;
  return XHAL_STATUS_OK;
}

int32_t ocl_host_free(xhal_plugin_device_t *device, void *ptr) {
  (void)device;
  free(ptr);
  return XHAL_STATUS_OK;
}

int32_t ocl_buffer_check_range(const char *what, const xhal_plugin_buffer_t *buffer,
                               uint64_t offset, uint64_t size) {
  if (offset > buffer->size || size > buffer->size - offset) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s range [%llu, %llu + %llu) is outside the buffer of %llu bytes", what,
                     (unsigned long long)offset, (unsigned long long)offset,
                     (unsigned long long)size, (unsigned long long)buffer->size);
  }
  return XHAL_STATUS_OK;
}

/* The stream and buffer exist, share a device, and the range fits. */
static int32_t ocl_check_stream_buffer(const char *what, const xhal_plugin_stream_t *stream,
                                       const xhal_plugin_buffer_t *buffer, uint64_t offset,
                                       uint64_t size) {
  if (!stream || !buffer) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, %s buffer %p",
                     (const void *)stream, what, (const void *)buffer);
  }
  if (buffer->device != stream->device) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "the %s buffer is on device %u, the stream on device %u", what,
                     buffer->device->index, stream->device->index);
  }
  return ocl_buffer_check_range(what, buffer, offset, size);
}

int32_t ocl_copy_host_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                                uint64_t dst_offset, const void *src, uint64_t size) {
  OCL_RETURN_IF_ERROR(ocl_check_stream_buffer("dst", stream, dst, dst_offset, size));
  if (!src && size) return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "src is NULL");
  if (!size) return XHAL_STATUS_OK;
  cl_event event = NULL;
  cl_int err = clEnqueueWriteBuffer(stream->queue, dst->mem, CL_FALSE, (size_t)dst_offset,
                                    (size_t)size, src, 0, NULL, &event);
  OCL_RETURN_IF_ERROR(ocl_check(err, "clEnqueueWriteBuffer(%llu bytes at offset %llu)",
                                (unsigned long long)size, (unsigned long long)dst_offset));
  ocl_stream_track(stream, event);
  return XHAL_STATUS_OK;
}

int32_t ocl_copy_device_to_host(xhal_plugin_stream_t *stream, void *dst,
                                xhal_plugin_buffer_t *src, uint64_t src_offset, uint64_t size) {
  OCL_RETURN_IF_ERROR(ocl_check_stream_buffer("src", stream, src, src_offset, size));
  if (!dst && size) return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "dst is NULL");
  if (!size) return XHAL_STATUS_OK;
  cl_event event = NULL;
  cl_int err = clEnqueueReadBuffer(stream->queue, src->mem, CL_FALSE, (size_t)src_offset,
                                   (size_t)size, dst, 0, NULL, &event);
  OCL_RETURN_IF_ERROR(ocl_check(err, "clEnqueueReadBuffer(%llu bytes at offset %llu)",
                                (unsigned long long)size, (unsigned long long)src_offset));
  ocl_stream_track(stream, event);
  return XHAL_STATUS_OK;
}

int32_t ocl_copy_device_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                                  uint64_t dst_offset, xhal_plugin_buffer_t *src,
                                  uint64_t src_offset, uint64_t size) {
  if (!stream || !dst || !src) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, dst %p, src %p", (void *)stream,
                     (void *)dst, (void *)src);
  }
  if (dst->device != src->device) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "dst is on device %u, src on device %u: OpenCL devices have separate "
                     "contexts and no peer copy (the host stages such copies)",
                     dst->device->index, src->device->index);
  }
  OCL_RETURN_IF_ERROR(ocl_check_stream_buffer("dst", stream, dst, dst_offset, size));
  OCL_RETURN_IF_ERROR(ocl_check_stream_buffer("src", stream, src, src_offset, size));
  if (dst == src && size && dst_offset < src_offset + size && src_offset < dst_offset + size) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "ranges at %llu (dst) and %llu (src) of %llu bytes overlap in one buffer",
                     (unsigned long long)dst_offset, (unsigned long long)src_offset,
                     (unsigned long long)size);
  }
  if (!size) return XHAL_STATUS_OK;
  cl_event event = NULL;
  cl_int err = clEnqueueCopyBuffer(stream->queue, src->mem, dst->mem, (size_t)src_offset,
                                   (size_t)dst_offset, (size_t)size, 0, NULL, &event);
  OCL_RETURN_IF_ERROR(ocl_check(err, "clEnqueueCopyBuffer(%llu bytes from %llu to %llu)",
                                (unsigned long long)size, (unsigned long long)src_offset,
                                (unsigned long long)dst_offset));
  ocl_stream_track(stream, event);
  return XHAL_STATUS_OK;
}

int32_t ocl_buffer_fill(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *buffer,
                        uint64_t offset, uint64_t size, uint32_t value) {
  OCL_RETURN_IF_ERROR(ocl_check_stream_buffer("fill", stream, buffer, offset, size));
  if (value > 0xff) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "value 0x%x does not fit a byte", value);
  }
  if (!size) return XHAL_STATUS_OK;
  /* The widest pattern (up to the 128 bytes OpenCL allows) that offset and
   * size are multiples of: drivers fill far faster than byte by byte. */
  unsigned char pattern[128];
  size_t pattern_size = sizeof pattern;
  while (pattern_size > 1 && (offset % pattern_size || size % pattern_size)) pattern_size /= 2;
  memset(pattern, (int)value, pattern_size);
  cl_event event = NULL;
  cl_int err = clEnqueueFillBuffer(stream->queue, buffer->mem, pattern, pattern_size,
                                   (size_t)offset, (size_t)size, 0, NULL, &event);
  OCL_RETURN_IF_ERROR(ocl_check(err, "clEnqueueFillBuffer(%llu bytes at offset %llu)",
                                (unsigned long long)size, (unsigned long long)offset));
  ocl_stream_track(stream, event);
  return XHAL_STATUS_OK;
}

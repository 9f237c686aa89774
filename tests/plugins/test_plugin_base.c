/* test_plugin_base.c - the synchronous host-memory baseline of the test
 * plugins (see test_plugin_base.h). Small on purpose: it is correct for
 * everything the loader cases do with it, not a fast backend. */
#include "test_plugin_base.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TP_MINOR 0
#define TP_ALIGNMENT 64
#define TP_MEMORY_BYTES (UINT64_C(1) << 30)
#define TP_MAX_ALLOCATION_BYTES (UINT64_C(1) << 28)

struct xhal_plugin_device {
  xhal_plugin_instance_t *instance;
};

struct xhal_plugin_instance {
  xhal_plugin_device_t device;
};

struct xhal_plugin_buffer {
  xhal_plugin_device_t *device;
  uint64_t size;
  unsigned char *data;
};

struct xhal_plugin_stream {
  xhal_plugin_device_t *device;
};

struct xhal_plugin_event {
  xhal_plugin_device_t *device;
};

static _Atomic(const xhal_host_api_v1_t *) tp_host;

void tp_set_host(const xhal_host_api_v1_t *host) { atomic_store(&tp_host, host); }

int32_t tp_error(int32_t status, const char *format, ...) {
  const xhal_host_api_v1_t *host = atomic_load(&tp_host);
  if (!host || !host->set_error) return status;
  char message[512];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof message, format, args);
  va_end(args);
  host->set_error(status, message);
  return status;
}

/* ---- instance and device ------------------------------------------------- */

static int32_t tp_instance_create(const xhal_plugin_instance_info_t *info,
                                  xhal_plugin_instance_t **out_instance) {
  if (!info || !out_instance) {
    return tp_error(XHAL_STATUS_INVALID_ARGUMENT, "instance_create: info %p, out_instance %p",
                    (const void *)info, (void *)out_instance);
  }
  xhal_plugin_instance_t *instance = calloc(1, sizeof *instance);
  if (!instance) return tp_error(XHAL_STATUS_OUT_OF_MEMORY, "instance_create: out of memory");
  instance->device.instance = instance;
  *out_instance = instance;
  return XHAL_STATUS_OK;
}

static int32_t tp_instance_destroy(xhal_plugin_instance_t *instance) {
  free(instance);
  return XHAL_STATUS_OK;
}

static int32_t tp_device_count(xhal_plugin_instance_t *instance, uint32_t *out_count) {
  if (!instance || !out_count) {
    return tp_error(XHAL_STATUS_INVALID_ARGUMENT, "device_count: instance %p, out_count %p",
                    (void *)instance, (void *)out_count);
  }
  *out_count = 1;
  return XHAL_STATUS_OK;
}

static int32_t tp_device_get(xhal_plugin_instance_t *instance, uint32_t index,
                             xhal_plugin_device_t **out_device) {
  if (!instance || !out_device || index != 0) {
    return tp_error(XHAL_STATUS_INVALID_ARGUMENT,
                    "device_get: instance %p, index %u (1 device), out_device %p", (void *)instance,
                    index, (void *)out_device);
  }
  *out_device = &instance->device;
  return XHAL_STATUS_OK;
}

static int32_t tp_device_get_properties(xhal_plugin_device_t *device,
                                        xhal_device_properties_t *properties) {
  if (!device || !properties || properties->header.struct_size < sizeof(xhal_struct_header_t)) {
    return tp_error(XHAL_STATUS_INVALID_ARGUMENT,
                    "device_get_properties: device %p, properties %p (struct_size %u)",
                    (void *)device, (void *)properties,
                    properties ? properties->header.struct_size : 0u);
  }
  xhal_device_properties_t filled;
  memset(&filled, 0, sizeof filled);
  snprintf(filled.name, sizeof filled.name, "xhal test device");
  snprintf(filled.vendor, sizeof filled.vendor, "xhal test plugins");
  filled.device_type = XHAL_DEVICE_TYPE_OTHER;
  filled.compute_units = 1;
  filled.memory_bytes = TP_MEMORY_BYTES;
  filled.max_allocation_bytes = TP_MAX_ALLOCATION_BYTES;
  filled.min_alignment_bytes = TP_ALIGNMENT;
#define TP_DTYPE_BIT(name, value, size, text) | XHAL_DTYPE_BIT(XHAL_DTYPE_##name)
  filled.dtypes = 0 XHAL_DTYPE_LIST(TP_DTYPE_BIT);
#undef TP_DTYPE_BIT
  filled.peak_f32_flops = 1e9;
  filled.peak_f16_flops = 1e9;
  filled.memory_bandwidth_bps = 1e9;
  filled.launch_overhead_ns = 1000.0;
  /* Write at most what the caller's struct holds, and leave its header. */
  size_t size = properties->header.struct_size < sizeof filled ? properties->header.struct_size
                                                               : sizeof filled;
  memcpy((char *)properties + sizeof(xhal_struct_header_t),
         (const char *)&filled + sizeof(xhal_struct_header_t), size - sizeof(xhal_struct_header_t));
  return XHAL_STATUS_OK;
}

/* ---- memory ---------------------------------------------------------------- */

static int32_t tp_buffer_alloc(xhal_plugin_device_t *device, uint64_t size, uint32_t flags,
                               xhal_plugin_buffer_t **out_buffer) {
  if (!device || !out_buffer || flags > XHAL_BUFFER_HOST_VISIBLE) {
    return tp_error(XHAL_STATUS_INVALID_ARGUMENT, "buffer_alloc: device %p, flags 0x%x, out %p",
                    (void *)device, flags, (void *)out_buffer);
  }
  if (size > TP_MAX_ALLOCATION_BYTES) {
    return tp_error(XHAL_STATUS_OUT_OF_MEMORY,
                    "buffer_alloc(%llu bytes): more than max_allocation_bytes %llu",
                    (unsigned long long)size, (unsigned long long)TP_MAX_ALLOCATION_BYTES);
  }
  xhal_plugin_buffer_t *buffer = malloc(sizeof *buffer);
  /* Round up so aligned_alloc gets a multiple of the alignment; size 0 still
   * yields a distinct allocation. */
  size_t rounded = (size_t)((size + TP_ALIGNMENT - 1) / TP_ALIGNMENT * TP_ALIGNMENT);
  unsigned char *data = aligned_alloc(TP_ALIGNMENT, rounded ? rounded : TP_ALIGNMENT);
  if (!buffer || !data) {
    free(buffer);
    free(data);
    return tp_error(XHAL_STATUS_OUT_OF_MEMORY, "buffer_alloc(%llu bytes): out of memory",
                    (unsigned long long)size);
  }
  buffer->device = device;
  buffer->size = size;
  buffer->data = data;
  *out_buffer = buffer;
  return XHAL_STATUS_OK;
}

static int32_t tp_buffer_free(xhal_plugin_buffer_t *buffer) {
  if (buffer) free(buffer->data);
  free(buffer);
  return XHAL_STATUS_OK;
}

/* Checks a copy between host memory and [offset, offset + size) of buffer,
 * enqueued on stream. */
static int32_t tp_check_copy(const char *call, const xhal_plugin_stream_t *stream,
                             const xhal_plugin_buffer_t *buffer, uint64_t offset, const void *host,
                             uint64_t size) {
  if (!stream || !buffer || (!host && size)) {
    return tp_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: stream %p, buffer %p, host pointer %p", call,
                    (const void *)stream, (const void *)buffer, host);
  }
  if (buffer->device != stream->device) {
    return tp_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: buffer and stream are on different devices",
                    call);
  }
  if (offset > buffer->size || size > buffer->size - offset) {
    return tp_error(XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: range [%llu, +%llu) is outside the %llu-byte buffer", call,
                    (unsigned long long)offset, (unsigned long long)size,
                    (unsigned long long)buffer->size);
  }
  return XHAL_STATUS_OK;
}

static int32_t tp_copy_host_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                                      uint64_t dst_offset, const void *src, uint64_t size) {
  int32_t status = tp_check_copy("copy_host_to_device", stream, dst, dst_offset, src, size);
  if (status == XHAL_STATUS_OK && size) memcpy(dst->data + dst_offset, src, (size_t)size);
  return status;
}

static int32_t tp_copy_device_to_host(xhal_plugin_stream_t *stream, void *dst,
                                      xhal_plugin_buffer_t *src, uint64_t src_offset,
                                      uint64_t size) {
  int32_t status = tp_check_copy("copy_device_to_host", stream, src, src_offset, dst, size);
  if (status == XHAL_STATUS_OK && size) memcpy(dst, src->data + src_offset, (size_t)size);
  return status;
}

/* ---- streams and events ----------------------------------------------------
 * Work runs inside the enqueueing call, so a stream is always idle and an
 * event is complete as soon as it is recorded. */

static int32_t tp_stream_create(xhal_plugin_device_t *device, xhal_plugin_stream_t **out_stream) {
  if (!device || !out_stream) {
    return tp_error(XHAL_STATUS_INVALID_ARGUMENT, "stream_create: device %p, out_stream %p",
                    (void *)device, (void *)out_stream);
  }
  xhal_plugin_stream_t *stream = malloc(sizeof *stream);
  if (!stream) return tp_error(XHAL_STATUS_OUT_OF_MEMORY, "stream_create: out of memory");
  stream->device = device;
  *out_stream = stream;
  return XHAL_STATUS_OK;
}

static int32_t tp_stream_destroy(xhal_plugin_stream_t *stream) {
  free(stream);
  return XHAL_STATUS_OK;
}

static int32_t tp_stream_synchronize(xhal_plugin_stream_t *stream) {
  if (!stream) return tp_error(XHAL_STATUS_INVALID_ARGUMENT, "stream_synchronize: stream is NULL");
  return XHAL_STATUS_OK;
}

static int32_t tp_event_create(xhal_plugin_device_t *device, xhal_plugin_event_t **out_event) {
  if (!device || !out_event) {
    return tp_error(XHAL_STATUS_INVALID_ARGUMENT, "event_create: device %p, out_event %p",
                    (void *)device, (void *)out_event);
  }
  xhal_plugin_event_t *event = malloc(sizeof *event);
  if (!event) return tp_error(XHAL_STATUS_OUT_OF_MEMORY, "event_create: out of memory");
  event->device = device;
  *out_event = event;
  return XHAL_STATUS_OK;
}

static int32_t tp_event_destroy(xhal_plugin_event_t *event) {
  free(event);
  return XHAL_STATUS_OK;
}

static int32_t tp_event_record(xhal_plugin_event_t *event, xhal_plugin_stream_t *stream) {
  if (!event || !stream || event->device != stream->device) {
    return tp_error(XHAL_STATUS_INVALID_ARGUMENT,
                    "event_record: event %p and stream %p must be non-NULL and on one device",
                    (void *)event, (void *)stream);
  }
  return XHAL_STATUS_OK;
}

static int32_t tp_stream_wait_event(xhal_plugin_stream_t *stream, xhal_plugin_event_t *event) {
  if (!stream || !event) {
    return tp_error(XHAL_STATUS_INVALID_ARGUMENT, "stream_wait_event: stream %p, event %p",
                    (void *)stream, (void *)event);
  }
  return XHAL_STATUS_OK;
}

static int32_t tp_event_query(xhal_plugin_event_t *event) {
  if (!event) return tp_error(XHAL_STATUS_INVALID_ARGUMENT, "event_query: event is NULL");
  return XHAL_STATUS_OK;
}

static int32_t tp_event_synchronize(xhal_plugin_event_t *event) {
  if (!event) return tp_error(XHAL_STATUS_INVALID_ARGUMENT, "event_synchronize: event is NULL");
  return XHAL_STATUS_OK;
}

/* ---- the table ------------------------------------------------------------- */

static const xhal_plugin_api_v1_t tp_baseline = {
    .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_PLUGIN_API, xhal_plugin_api_v1_t),
    .abi_major = XHAL_PLUGIN_ABI_MAJOR,
    .abi_minor = TP_MINOR,
    .name = "test_baseline",
    .version = "1.0.0-test",
    .instance_create = tp_instance_create,
    .instance_destroy = tp_instance_destroy,
    .device_count = tp_device_count,
    .device_get = tp_device_get,
    .device_get_properties = tp_device_get_properties,
    .buffer_alloc = tp_buffer_alloc,
    .buffer_free = tp_buffer_free,
    .copy_host_to_device = tp_copy_host_to_device,
    .copy_device_to_host = tp_copy_device_to_host,
    .stream_create = tp_stream_create,
    .stream_destroy = tp_stream_destroy,
    .stream_synchronize = tp_stream_synchronize,
    .event_create = tp_event_create,
    .event_destroy = tp_event_destroy,
    .event_record = tp_event_record,
    .stream_wait_event = tp_stream_wait_event,
    .event_query = tp_event_query,
    .event_synchronize = tp_event_synchronize,
};

static pthread_mutex_t tp_table_lock = PTHREAD_MUTEX_INITIALIZER;
static xhal_plugin_api_v1_t tp_table;
static int tp_table_built;

int32_t tp_query(const xhal_host_api_v1_t *host, uint32_t host_min_minor, uint32_t host_max_minor,
                 const xhal_plugin_api_v1_t **out_api, tp_customize_fn customize) {
  if (!host || !out_api) return XHAL_STATUS_INVALID_ARGUMENT;
  tp_set_host(host);
  if (host_min_minor > TP_MINOR || host_max_minor < host_min_minor) {
    return tp_error(XHAL_STATUS_INCOMPATIBLE,
                    "test plugin implements ABI %d.%d; host offers minors [%u, %u]",
                    XHAL_PLUGIN_ABI_MAJOR, TP_MINOR, host_min_minor, host_max_minor);
  }
  /* The plugin stays mapped between loads (and a table may be handed to
   * several contexts at once), so it is built once and never written again. */
  pthread_mutex_lock(&tp_table_lock);
  if (!tp_table_built) {
    tp_table = tp_baseline;
    if (customize) customize(&tp_table);
    tp_table_built = 1;
  }
  pthread_mutex_unlock(&tp_table_lock);
  *out_api = &tp_table;
  return XHAL_STATUS_OK;
}

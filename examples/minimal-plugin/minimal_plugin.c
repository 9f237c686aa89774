/*
 * minimal_plugin.c - the smallest complete xhal backend, as a template for
 * vendors. docs/plugin-guide.md walks through it section by section.
 *
 * It drives a "device" made of host memory: one logical device, buffers are
 * aligned host allocations, work on a stream runs before the enqueueing call
 * returns (so streams are always idle and events complete when recorded),
 * and it implements exactly one operator, Add on f32 tensors of one shape
 * laid out contiguously. Every optional slot other than op_supported and
 * op_launch is left NULL: libxhal falls back (staged fills and copies,
 * emulated callbacks) or reports UNIMPLEMENTED, and the conformance suite
 * reports NOT_SUPPORTED for what the device does not declare.
 *
 * It includes only the installed header <xhal/xhal_plugin.h> and exports
 * only xhal_plugin_query_v1. Build: see Makefile and README.md.
 */
#define _POSIX_C_SOURCE 200809L

#include <xhal/xhal_plugin.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The minor of the table below: the plugin was written against 1.0. */
#define MINI_ABI_MINOR 0
#define MINI_ALIGNMENT 64

/* ---- Messages for the host ----------------------------------------------
 * Every failure returns a status and attaches a message that says what is
 * wrong and with which values. The host shows it to the user prefixed with
 * "<backend>: <slot>: ", so the message does not repeat the slot's name. */

/* Set by the entry point; atomic because two contexts may load the plugin
 * from two threads at once. */
static _Atomic(const xhal_host_api_v1_t *) mini_host;

static int32_t mini_error(int32_t status, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static int32_t mini_error(int32_t status, const char *format, ...) {
  char message[512];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof message, format, args);
  va_end(args);
  const xhal_host_api_v1_t *host = atomic_load(&mini_host);
  if (host && host->set_error) host->set_error(status, message);
  return status;
}

/* ---- Objects ---------------------------------------------------------------
 * Every object starts with mini_object_t and sits on its instance's list, so
 * instance_destroy can free whatever the host left alive. */

typedef struct mini_object {
  struct mini_object *prev, *next;
  xhal_plugin_device_t *device;
  void *memory; /* freed with the object (buffer contents), or NULL */
} mini_object_t;

struct xhal_plugin_device {
  xhal_plugin_instance_t *instance;
};

struct xhal_plugin_instance {
  pthread_mutex_t mutex; /* guards objects */
  mini_object_t objects; /* list sentinel */
  xhal_plugin_device_t device;
};

struct xhal_plugin_buffer {
  mini_object_t object;
  uint64_t size;
};

struct xhal_plugin_stream {
  mini_object_t object;
};

struct xhal_plugin_event {
  mini_object_t object;
};

/* Allocates size bytes starting with a mini_object_t on device's list. */
static void *mini_object_create(xhal_plugin_device_t *device, size_t size) {
  mini_object_t *object = calloc(1, size);
  if (!object) return NULL;
  xhal_plugin_instance_t *instance = device->instance;
  object->device = device;
  pthread_mutex_lock(&instance->mutex);
  object->next = instance->objects.next;
  object->prev = &instance->objects;
  object->next->prev = object;
  instance->objects.next = object;
  pthread_mutex_unlock(&instance->mutex);
  return object;
}

static void mini_object_destroy(mini_object_t *object) {
  if (!object) return;
  xhal_plugin_instance_t *instance = object->device->instance;
  pthread_mutex_lock(&instance->mutex);
  object->prev->next = object->next;
  object->next->prev = object->prev;
  pthread_mutex_unlock(&instance->mutex);
  free(object->memory);
  free(object);
}

/* ---- Instance and device --------------------------------------------------- */

static int32_t mini_instance_create(const xhal_plugin_instance_info_t *info,
                                    xhal_plugin_instance_t **out_instance) {
  if (!info || !out_instance) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "info %p, out_instance %p", (const void *)info,
                      (void *)out_instance);
  }
  xhal_plugin_instance_t *instance = calloc(1, sizeof *instance);
  if (!instance) return mini_error(XHAL_STATUS_OUT_OF_MEMORY, "out of memory");
  if (pthread_mutex_init(&instance->mutex, NULL) != 0) {
    free(instance);
    return mini_error(XHAL_STATUS_INTERNAL, "pthread_mutex_init failed");
  }
  instance->objects.next = instance->objects.prev = &instance->objects;
  instance->device.instance = instance;
  *out_instance = instance;
  return XHAL_STATUS_OK;
}

static int32_t mini_instance_destroy(xhal_plugin_instance_t *instance) {
  if (!instance) return XHAL_STATUS_OK;
  while (instance->objects.next != &instance->objects) {
    mini_object_destroy(instance->objects.next);
  }
  pthread_mutex_destroy(&instance->mutex);
  free(instance);
  return XHAL_STATUS_OK;
}

static int32_t mini_device_count(xhal_plugin_instance_t *instance, uint32_t *out_count) {
  if (!instance || !out_count) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "instance %p, out_count %p", (void *)instance,
                      (void *)out_count);
  }
  *out_count = 1;
  return XHAL_STATUS_OK;
}

static int32_t mini_device_get(xhal_plugin_instance_t *instance, uint32_t index,
                               xhal_plugin_device_t **out_device) {
  if (!instance || !out_device) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "instance %p, out_device %p", (void *)instance,
                      (void *)out_device);
  }
  if (index != 0) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "index %u, but 1 device", index);
  }
  *out_device = &instance->device;
  return XHAL_STATUS_OK;
}

static uint64_t mini_physical_memory(void) {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGESIZE);
  return pages > 0 && page_size > 0 ? (uint64_t)pages * (uint64_t)page_size : UINT64_C(1) << 30;
}

/* Capabilities are declared here, never guessed by the host: what is not
 * declared is not used (features = 0: no host-visible memory, callbacks,
 * timing, modules or collectives). */
static int32_t mini_device_get_properties(xhal_plugin_device_t *device,
                                          xhal_device_properties_t *properties) {
  if (!device || !properties) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, properties %p", (void *)device,
                      (void *)properties);
  }
  if (properties->header.struct_size < sizeof(xhal_struct_header_t)) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT,
                      "struct_size %u is smaller than the header (%zu)",
                      properties->header.struct_size, sizeof(xhal_struct_header_t));
  }
  xhal_device_properties_t filled;
  memset(&filled, 0, sizeof filled);
  snprintf(filled.name, sizeof filled.name, "minimal host-memory device");
  snprintf(filled.vendor, sizeof filled.vendor, "xhal example");
  filled.device_type = XHAL_DEVICE_TYPE_CPU;
  filled.compute_units = 1;
  filled.memory_bytes = mini_physical_memory();
  filled.max_allocation_bytes = filled.memory_bytes;
  filled.min_alignment_bytes = MINI_ALIGNMENT;
  filled.features = 0;
  /* Host memory stores every element type; which ops run on them is
   * op_supported's answer. */
#define MINI_DTYPE_BIT(name, value, size, text) | XHAL_DTYPE_BIT(XHAL_DTYPE_##name)
  filled.dtypes = 0 XHAL_DTYPE_LIST(MINI_DTYPE_BIT);
#undef MINI_DTYPE_BIT
  filled.kernel_formats = 0;
  filled.peak_f32_flops = 1e9;
  filled.peak_f16_flops = 0;
  filled.memory_bandwidth_bps = 5e9;
  filled.launch_overhead_ns = 500.0;
  /* The caller's struct may be older (shorter) or newer (longer) than ours:
   * write at most what both know, and leave the caller's header alone. */
  size_t size = properties->header.struct_size < sizeof filled ? properties->header.struct_size
                                                               : sizeof filled;
  memcpy((char *)properties + sizeof(xhal_struct_header_t),
         (const char *)&filled + sizeof(xhal_struct_header_t), size - sizeof(xhal_struct_header_t));
  return XHAL_STATUS_OK;
}

/* ---- Memory ------------------------------------------------------------------ */

static int32_t mini_buffer_alloc(xhal_plugin_device_t *device, uint64_t size, uint32_t flags,
                                 xhal_plugin_buffer_t **out_buffer) {
  if (!device || !out_buffer) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, out_buffer %p", (void *)device,
                      (void *)out_buffer);
  }
  if (flags != XHAL_BUFFER_DEVICE && flags != XHAL_BUFFER_HOST_VISIBLE) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "unknown flags 0x%x", flags);
  }
  /* Refuse what can never fit instead of trusting an overcommitting malloc. */
  uint64_t limit = mini_physical_memory();
  if (size > limit) {
    return mini_error(XHAL_STATUS_OUT_OF_MEMORY, "%llu bytes is more than the device's %llu bytes",
                      (unsigned long long)size, (unsigned long long)limit);
  }
  /* aligned_alloc wants a multiple of the alignment; size 0 still gets a
   * distinct allocation. */
  uint64_t rounded = (size + MINI_ALIGNMENT - 1) / MINI_ALIGNMENT * MINI_ALIGNMENT;
  void *memory = aligned_alloc(MINI_ALIGNMENT, rounded ? (size_t)rounded : MINI_ALIGNMENT);
  if (!memory) {
    return mini_error(XHAL_STATUS_OUT_OF_MEMORY, "%llu bytes: out of memory",
                      (unsigned long long)size);
  }
  xhal_plugin_buffer_t *buffer = mini_object_create(device, sizeof *buffer);
  if (!buffer) {
    free(memory);
    return mini_error(XHAL_STATUS_OUT_OF_MEMORY, "out of memory for the buffer record");
  }
  buffer->object.memory = memory;
  buffer->size = size;
  *out_buffer = buffer;
  return XHAL_STATUS_OK;
}

static int32_t mini_buffer_free(xhal_plugin_buffer_t *buffer) {
  mini_object_destroy(buffer ? &buffer->object : NULL);
  return XHAL_STATUS_OK;
}

static unsigned char *mini_buffer_bytes(const xhal_plugin_buffer_t *buffer) {
  return buffer->object.memory;
}

/* Checks a copy between host memory and [offset, offset + size) of buffer on
 * stream. The range check is written so that it cannot overflow. */
static int32_t mini_check_copy(const xhal_plugin_stream_t *stream,
                               const xhal_plugin_buffer_t *buffer, uint64_t offset,
                               const void *host, uint64_t size) {
  if (!stream || !buffer || (!host && size)) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, buffer %p, host pointer %p",
                      (const void *)stream, (const void *)buffer, host);
  }
  if (buffer->object.device != stream->object.device) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT,
                      "the buffer and the stream belong to different devices");
  }
  if (offset > buffer->size || size > buffer->size - offset) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT,
                      "range [%llu, %llu + %llu) is outside the buffer of %llu bytes",
                      (unsigned long long)offset, (unsigned long long)offset,
                      (unsigned long long)size, (unsigned long long)buffer->size);
  }
  return XHAL_STATUS_OK;
}

/* Copies are "enqueued" by doing them now: the stream is synchronous. A real
 * device would record the copy on its queue and return. */
static int32_t mini_copy_host_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                                        uint64_t dst_offset, const void *src, uint64_t size) {
  int32_t status = mini_check_copy(stream, dst, dst_offset, src, size);
  if (status != XHAL_STATUS_OK) return status;
  if (size) memcpy(mini_buffer_bytes(dst) + dst_offset, src, (size_t)size);
  return XHAL_STATUS_OK;
}

static int32_t mini_copy_device_to_host(xhal_plugin_stream_t *stream, void *dst,
                                        xhal_plugin_buffer_t *src, uint64_t src_offset,
                                        uint64_t size) {
  int32_t status = mini_check_copy(stream, src, src_offset, dst, size);
  if (status != XHAL_STATUS_OK) return status;
  if (size) memcpy(dst, mini_buffer_bytes(src) + src_offset, (size_t)size);
  return XHAL_STATUS_OK;
}

/* ---- Streams and events ---------------------------------------------------------
 * Work never waits in a queue here, so synchronize has nothing to wait for
 * and an event is complete as soon as it is recorded. */

static int32_t mini_stream_create(xhal_plugin_device_t *device, xhal_plugin_stream_t **out_stream) {
  if (!device || !out_stream) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, out_stream %p", (void *)device,
                      (void *)out_stream);
  }
  xhal_plugin_stream_t *stream = mini_object_create(device, sizeof *stream);
  if (!stream) return mini_error(XHAL_STATUS_OUT_OF_MEMORY, "out of memory");
  *out_stream = stream;
  return XHAL_STATUS_OK;
}

static int32_t mini_stream_destroy(xhal_plugin_stream_t *stream) {
  mini_object_destroy(stream ? &stream->object : NULL);
  return XHAL_STATUS_OK;
}

static int32_t mini_stream_synchronize(xhal_plugin_stream_t *stream) {
  if (!stream) return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "stream is NULL");
  return XHAL_STATUS_OK;
}

static int32_t mini_event_create(xhal_plugin_device_t *device, xhal_plugin_event_t **out_event) {
  if (!device || !out_event) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, out_event %p", (void *)device,
                      (void *)out_event);
  }
  xhal_plugin_event_t *event = mini_object_create(device, sizeof *event);
  if (!event) return mini_error(XHAL_STATUS_OUT_OF_MEMORY, "out of memory");
  *out_event = event;
  return XHAL_STATUS_OK;
}

static int32_t mini_event_destroy(xhal_plugin_event_t *event) {
  mini_object_destroy(event ? &event->object : NULL);
  return XHAL_STATUS_OK;
}

static int32_t mini_event_record(xhal_plugin_event_t *event, xhal_plugin_stream_t *stream) {
  if (!event || !stream) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "event %p, stream %p", (void *)event,
                      (void *)stream);
  }
  if (event->object.device != stream->object.device) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT,
                      "the event and the stream belong to different devices");
  }
  return XHAL_STATUS_OK;
}

static int32_t mini_stream_wait_event(xhal_plugin_stream_t *stream, xhal_plugin_event_t *event) {
  if (!stream || !event) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, event %p", (void *)stream,
                      (void *)event);
  }
  return XHAL_STATUS_OK;
}

static int32_t mini_event_query(xhal_plugin_event_t *event) {
  if (!event) return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "event is NULL");
  return XHAL_STATUS_OK;
}

static int32_t mini_event_synchronize(xhal_plugin_event_t *event) {
  if (!event) return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "event is NULL");
  return XHAL_STATUS_OK;
}

/* ---- The one operator: Add, f32, same shape, contiguous -------------------------
 * op_supported answers three ways, and the difference matters to the suite:
 *   OK                the exact call runs here;
 *   UNSUPPORTED       a valid ONNX call this device does not run (another
 *                     op, another dtype, broadcasting, strided views);
 *   INVALID_ARGUMENT  a call that breaks ONNX's rules for Add (wrong arity,
 *                     mixed dtypes, shapes that do not broadcast, an output
 *                     shape other than the broadcast shape). */

/* Checks one tensor's own fields. */
static int32_t mini_check_tensor(const char *role, const xhal_plugin_tensor_t *tensor) {
  if (!tensor) return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "Add: %s is NULL", role);
  if (tensor->rank > XHAL_MAX_RANK) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "Add: %s has rank %u, the maximum is %d", role,
                      tensor->rank, XHAL_MAX_RANK);
  }
  for (uint32_t k = 0; k < tensor->rank; ++k) {
    if (tensor->dims[k] < 0 || tensor->strides[k] < 0) {
      return mini_error(XHAL_STATUS_INVALID_ARGUMENT,
                        "Add: %s has dims[%u] = %lld, strides[%u] = %lld; negative values "
                        "are not allowed",
                        role, k, (long long)tensor->dims[k], k, (long long)tensor->strides[k]);
    }
  }
  return XHAL_STATUS_OK;
}

/* Dimension k of tensor counted from the right (0 = last), 1 past its rank. */
static int64_t mini_dim_from_right(const xhal_plugin_tensor_t *tensor, uint32_t k) {
  return k < tensor->rank ? tensor->dims[tensor->rank - 1 - k] : 1;
}

/* 1 if the tensor is laid out row-major without gaps. Strides of dimensions
 * of extent 1 never matter, nor any stride of a tensor with no elements. */
static int mini_is_contiguous(const xhal_plugin_tensor_t *tensor) {
  int64_t expected = 1;
  for (uint32_t k = tensor->rank; k-- > 0;) {
    if (tensor->dims[k] == 0) return 1;
  }
  for (uint32_t k = tensor->rank; k-- > 0;) {
    if (tensor->dims[k] != 1 && tensor->strides[k] != expected) return 0;
    expected *= tensor->dims[k];
  }
  return 1;
}

static int32_t mini_check_add(const xhal_plugin_op_desc_t *op) {
  if (op->op != XHAL_OP_ADD) {
    /* Includes op codes newer than this plugin: they are simply not run here. */
    return mini_error(XHAL_STATUS_UNSUPPORTED, "this device runs only Add (op %d), not op %u",
                      XHAL_OP_ADD, op->op);
  }
  if (op->input_count != 2 || op->output_count != 1 || !op->inputs || !op->outputs) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT,
                      "Add takes 2 inputs and 1 output, got %u inputs and %u outputs",
                      op->input_count, op->output_count);
  }
  if (op->attr_count) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "Add takes no attributes, got %u (\"%s\")",
                      op->attr_count, op->attrs && op->attrs[0].name ? op->attrs[0].name : "?");
  }
  const xhal_plugin_tensor_t *a = op->inputs[0], *b = op->inputs[1], *y = op->outputs[0];
  int32_t status = mini_check_tensor("input 0", a);
  if (status == XHAL_STATUS_OK) status = mini_check_tensor("input 1", b);
  if (status == XHAL_STATUS_OK) status = mini_check_tensor("output 0", y);
  if (status != XHAL_STATUS_OK) return status;

  if (a->dtype != b->dtype || y->dtype != a->dtype || a->dtype == XHAL_DTYPE_INVALID) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT,
                      "Add needs one element type for both inputs and the output, got %u, "
                      "%u -> %u",
                      a->dtype, b->dtype, y->dtype);
  }
  /* ONNX multidirectional broadcasting decides what is valid... */
  uint32_t rank = a->rank > b->rank ? a->rank : b->rank;
  if (y->rank != rank) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT,
                      "Add output has rank %u, the broadcast of ranks %u and %u is %u", y->rank,
                      a->rank, b->rank, rank);
  }
  for (uint32_t k = 0; k < rank; ++k) {
    int64_t da = mini_dim_from_right(a, k), db = mini_dim_from_right(b, k);
    if (da != db && da != 1 && db != 1) {
      return mini_error(XHAL_STATUS_INVALID_ARGUMENT,
                        "Add inputs do not broadcast: dimension %u from the right is %lld "
                        "and %lld",
                        k, (long long)da, (long long)db);
    }
    int64_t expected = da == 1 ? db : da;
    if (mini_dim_from_right(y, k) != expected) {
      return mini_error(XHAL_STATUS_INVALID_ARGUMENT,
                        "Add output dimension %u from the right is %lld, expected %lld", k,
                        (long long)mini_dim_from_right(y, k), (long long)expected);
    }
  }
  /* ...and this device runs only the simplest valid case. */
  if (a->dtype != XHAL_DTYPE_F32) {
    return mini_error(XHAL_STATUS_UNSUPPORTED, "Add runs only on f32 here, not dtype %u", a->dtype);
  }
  for (uint32_t k = 0; k < rank; ++k) {
    if (a->rank != rank || b->rank != rank || a->dims[k] != y->dims[k] ||
        b->dims[k] != y->dims[k]) {
      return mini_error(XHAL_STATUS_UNSUPPORTED,
                        "Add runs only on inputs of the output's shape (no broadcasting)");
    }
  }
  if (!mini_is_contiguous(a) || !mini_is_contiguous(b) || !mini_is_contiguous(y)) {
    return mini_error(XHAL_STATUS_UNSUPPORTED,
                      "Add runs only on contiguous row-major tensors (strided view given)");
  }
  return XHAL_STATUS_OK;
}

static int32_t mini_op_supported(xhal_plugin_device_t *device, const xhal_plugin_op_desc_t *op) {
  if (!device || !op) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, op %p", (void *)device,
                      (const void *)op);
  }
  return mini_check_add(op);
}

/* Checks that the tensor's count elements of 4 bytes lie inside its buffer on
 * stream's device. */
static int32_t mini_check_extent(const xhal_plugin_stream_t *stream, const char *role,
                                 const xhal_plugin_tensor_t *tensor, uint64_t count) {
  const xhal_plugin_buffer_t *buffer = tensor->buffer;
  if (!buffer) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "Add: %s has no buffer", role);
  }
  if (buffer->object.device != stream->object.device) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT,
                      "Add: %s's buffer is on another device than the stream", role);
  }
  if (tensor->byte_offset > buffer->size || count > (buffer->size - tensor->byte_offset) / 4) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT,
                      "Add: %s needs %llu f32 elements from byte %llu, but its buffer "
                      "has %llu bytes",
                      role, (unsigned long long)count, (unsigned long long)tensor->byte_offset,
                      (unsigned long long)buffer->size);
  }
  return XHAL_STATUS_OK;
}

static int32_t mini_op_launch(xhal_plugin_stream_t *stream, const xhal_plugin_op_desc_t *op) {
  if (!stream || !op) {
    return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, op %p", (void *)stream,
                      (const void *)op);
  }
  int32_t status = mini_check_add(op);
  if (status != XHAL_STATUS_OK) return status;
  const xhal_plugin_tensor_t *a = op->inputs[0], *b = op->inputs[1], *y = op->outputs[0];
  uint64_t count = 1;
  for (uint32_t k = 0; k < y->rank; ++k) {
    uint64_t dim = (uint64_t)y->dims[k];
    if (dim && count > UINT64_MAX / dim) {
      return mini_error(XHAL_STATUS_INVALID_ARGUMENT, "Add: element count overflows");
    }
    count *= dim;
  }
  status = mini_check_extent(stream, "input 0", a, count);
  if (status == XHAL_STATUS_OK) status = mini_check_extent(stream, "input 1", b, count);
  if (status == XHAL_STATUS_OK) status = mini_check_extent(stream, "output 0", y, count);
  if (status != XHAL_STATUS_OK) return status;

  /* memcpy per element: byte_offset need not be a multiple of 4. Reading
   * both inputs before writing makes in-place calls (y aliasing a or b)
   * correct. */
  const unsigned char *pa = mini_buffer_bytes(a->buffer) + a->byte_offset;
  const unsigned char *pb = mini_buffer_bytes(b->buffer) + b->byte_offset;
  unsigned char *py = mini_buffer_bytes(y->buffer) + y->byte_offset;
  for (uint64_t i = 0; i < count; ++i) {
    float va, vb;
    memcpy(&va, pa + 4 * i, 4);
    memcpy(&vb, pb + 4 * i, 4);
    float vy = va + vb;
    memcpy(py + 4 * i, &vy, 4);
  }
  return XHAL_STATUS_OK;
}

/* ---- The table and the entry point ---------------------------------------------
 * static const, designated initializers: slots not named are NULL, which is
 * how a plugin says "not implemented" for an optional slot. */

static const xhal_plugin_api_v1_t mini_api = {
    .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_PLUGIN_API, xhal_plugin_api_v1_t),
    .abi_major = XHAL_PLUGIN_ABI_MAJOR,
    .abi_minor = MINI_ABI_MINOR,
    .name = "minimal",
    .version = "1.0.0",
    /* mandatory */
    .instance_create = mini_instance_create,
    .instance_destroy = mini_instance_destroy,
    .device_count = mini_device_count,
    .device_get = mini_device_get,
    .device_get_properties = mini_device_get_properties,
    .buffer_alloc = mini_buffer_alloc,
    .buffer_free = mini_buffer_free,
    .copy_host_to_device = mini_copy_host_to_device,
    .copy_device_to_host = mini_copy_device_to_host,
    .stream_create = mini_stream_create,
    .stream_destroy = mini_stream_destroy,
    .stream_synchronize = mini_stream_synchronize,
    .event_create = mini_event_create,
    .event_destroy = mini_event_destroy,
    .event_record = mini_event_record,
    .stream_wait_event = mini_stream_wait_event,
    .event_query = mini_event_query,
    .event_synchronize = mini_event_synchronize,
    /* optional: only the operator pair */
    .op_supported = mini_op_supported,
    .op_launch = mini_op_launch,
};

XHAL_PLUGIN_EXPORT int32_t XHAL_PLUGIN_ENTRY_V1(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor, uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api) {
  if (!host || !out_api) return XHAL_STATUS_INVALID_ARGUMENT;
  atomic_store(&mini_host, host);
  /* Negotiation: this plugin implements minor 0, so any host whose range
   * contains 0 can use it. (A plugin implementing several minors answers
   * the highest one inside the range.) */
  if (host_min_minor > MINI_ABI_MINOR || host_max_minor < host_min_minor) {
    return mini_error(XHAL_STATUS_INCOMPATIBLE,
                      "minimal plugin implements ABI 1.%d; the host offers minors [%u, %u]",
                      MINI_ABI_MINOR, host_min_minor, host_max_minor);
  }
  *out_api = &mini_api;
  return XHAL_STATUS_OK;
}

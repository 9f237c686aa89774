/*
 * xhal_plugin.h - the vendor plugin ABI, major version 1.
 *
 * A backend is a shared object that exports exactly one symbol,
 * XHAL_PLUGIN_ENTRY_V1 (xhal_plugin_query_v1). libxhal dlopen()s the object,
 * calls the entry with the range of minor versions it understands, and gets
 * back a sized, append-only function table. docs/abi.md explains every rule;
 * docs/plugin-guide.md walks through examples/minimal-plugin.
 *
 * Rules that hold for every function below unless its comment says otherwise:
 *  - Returns an int32_t xhal_status_t. Out-parameters are written on success
 *    only. A failing call may attach a message with host->set_error().
 *  - No exceptions, abort() or exit() across the boundary.
 *  - Whoever allocates frees, through its own table. Destroy/free of NULL is a
 *    no-op returning XHAL_STATUS_OK.
 *  - Pointers passed in are borrowed for the duration of the call.
 *  - The host passes only live handles that this plugin created (libxhal
 *    tracks its objects), but may pass a handle that belongs to another device
 *    of the same plugin: such mismatches must return INVALID_ARGUMENT.
 *  - Thread safety: instance, device, buffer, module, event-creation calls are
 *    thread-safe. A stream is used by one host thread at a time; different
 *    streams may be used from different threads concurrently.
 *  - Work enqueued on a stream runs in order. Buffers and host memory named by
 *    enqueued work must stay valid until that work completes.
 */
#ifndef XHAL_PLUGIN_H
#define XHAL_PLUGIN_H

#include <xhal/xhal_types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define XHAL_PLUGIN_ABI_MAJOR 1
/* Minor versions of this header. A plugin built against minor M works with
 * any host that offers a range containing M (or, if it supports several, the
 * highest one both sides know). Minor bumps only append to tables/structs. */
#define XHAL_PLUGIN_ABI_MINOR 0

#if defined(_WIN32)
#define XHAL_PLUGIN_EXPORT __declspec(dllexport)
#else
#define XHAL_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* The only symbol a plugin exports. The major version is in the name, so a
 * host for major 2 never calls a major-1 plugin by mistake. */
#define XHAL_PLUGIN_ENTRY_V1 xhal_plugin_query_v1
#define XHAL_PLUGIN_ENTRY_V1_NAME "xhal_plugin_query_v1"

/* ---- Opaque plugin-owned handles ---------------------------------------- */
typedef struct xhal_plugin_instance xhal_plugin_instance_t;
typedef struct xhal_plugin_device xhal_plugin_device_t;
typedef struct xhal_plugin_buffer xhal_plugin_buffer_t;
typedef struct xhal_plugin_stream xhal_plugin_stream_t;
typedef struct xhal_plugin_event xhal_plugin_event_t;
typedef struct xhal_plugin_module xhal_plugin_module_t;
typedef struct xhal_plugin_function xhal_plugin_function_t;
typedef struct xhal_plugin_communicator xhal_plugin_communicator_t;

/* ---- The host table (host -> plugin services) --------------------------- */
typedef enum xhal_log_level {
  XHAL_LOG_ERROR = 0,
  XHAL_LOG_WARNING = 1,
  XHAL_LOG_INFO = 2,
  XHAL_LOG_DEBUG = 3,
  XHAL_LOG_LEVEL_FORCE_U32 = 0x7fffffff
} xhal_log_level_t;

typedef struct xhal_host_api_v1 {
  xhal_struct_header_t header; /* stype XHAL_STYPE_HOST_API */
  uint32_t abi_major;          /* always 1 here */
  uint32_t abi_minor;          /* the host's highest minor */
  /* Attaches a message to the status the calling thread is about to return.
   * Thread-safe; the host copies the text. [since 1.0] */
  void (*set_error)(int32_t status, const char *message);
  /* Diagnostic log line. Thread-safe; the host copies the text. [since 1.0] */
  void (*log)(uint32_t level, const char *message);
} xhal_host_api_v1_t;

/* ---- Operator launch description --------------------------------------- */

/* A tensor view: DLPack-like. Element (i0..ir-1) lives at byte
 * byte_offset + sizeof(dtype) * sum(ik * strides[k]) of buffer.
 * Strides are in elements and may be 0 (broadcast) or any positive value;
 * negative strides are not allowed in v1. rank 0 is a scalar. */
typedef struct xhal_plugin_tensor {
  xhal_struct_header_t header; /* stype XHAL_STYPE_TENSOR */
  uint32_t dtype;              /* xhal_dtype_t */
  uint32_t rank;               /* 0..XHAL_MAX_RANK */
  int64_t dims[XHAL_MAX_RANK];
  int64_t strides[XHAL_MAX_RANK];
  uint64_t byte_offset;
  xhal_plugin_buffer_t *buffer;
} xhal_plugin_tensor_t;

typedef struct xhal_plugin_op_desc {
  xhal_struct_header_t header; /* stype XHAL_STYPE_OP_DESC */
  uint32_t op;                 /* xhal_op_t */
  uint32_t attr_count;
  const xhal_attr_t *attrs; /* [attr_count], ONNX names; absent = default */
  uint32_t input_count;
  uint32_t output_count;
  const xhal_plugin_tensor_t *const *inputs;  /* [input_count] */
  const xhal_plugin_tensor_t *const *outputs; /* [output_count] */
} xhal_plugin_op_desc_t;

/* Description of a custom-kernel launch. args[i] points at arg_sizes[i] bytes;
 * an argument whose arg_is_buffer[i] is 1 is an xhal_plugin_buffer_t * and the
 * plugin passes the device address of that buffer. */
typedef struct xhal_plugin_kernel_launch {
  xhal_struct_header_t header; /* stype XHAL_STYPE_KERNEL_LAUNCH */
  uint32_t grid[3];            /* work-groups / blocks per dimension */
  uint32_t block[3];           /* work-items / threads per group */
  uint32_t shared_memory_bytes;
  uint32_t arg_count;
  const void *const *args;
  const uint64_t *arg_sizes;
  const uint8_t *arg_is_buffer;
} xhal_plugin_kernel_launch_t;

/* Instance creation parameters. */
typedef struct xhal_plugin_instance_info {
  xhal_struct_header_t header; /* stype XHAL_STYPE_INSTANCE_INFO */
  uint32_t flags;              /* reserved, 0 */
  uint32_t reserved;
} xhal_plugin_instance_info_t;

/* Host function run on a stream when the stream reaches it. It must not
 * enqueue work on the same stream. The status tells it whether prior work
 * failed. */
typedef void (*xhal_plugin_stream_callback_fn)(void *user_data, int32_t status);

/* Memory flags for buffer_alloc. */
typedef enum xhal_buffer_flags {
  XHAL_BUFFER_DEVICE = 0,      /* device-local memory */
  XHAL_BUFFER_HOST_VISIBLE = 1, /* request host-visible memory if supported */
  XHAL_BUFFER_FLAGS_FORCE_U32 = 0x7fffffff
} xhal_buffer_flags_t;

/* ---- Collectives (optional, separately versioned table) ----------------- */
typedef struct xhal_plugin_collectives_v1 {
  xhal_struct_header_t header; /* stype XHAL_STYPE_COLLECTIVES_API */
  uint32_t version;            /* 1 */
  uint32_t reserved;
  /* Creates one communicator over devices[0..count-1] of this plugin, rank i
   * being devices[i]. Thread-safe. */
  int32_t (*communicator_create)(xhal_plugin_device_t *const *devices, uint32_t count,
                                 xhal_plugin_communicator_t **out_comm);
  int32_t (*communicator_destroy)(xhal_plugin_communicator_t *comm);
  /* Marks the communicator failed: pending and later calls return ABORTED. */
  int32_t (*communicator_abort)(xhal_plugin_communicator_t *comm);
  /* Every collective takes per-rank arrays (index = rank) of buffers, byte
   * offsets and streams; element counts are per rank. The call enqueues the
   * operation on every rank's stream and returns. In-place (send == recv at
   * the same offset) is allowed for all_reduce and broadcast. */
  int32_t (*all_reduce)(xhal_plugin_communicator_t *comm, xhal_plugin_buffer_t *const *send,
                        const uint64_t *send_offsets, xhal_plugin_buffer_t *const *recv,
                        const uint64_t *recv_offsets, uint64_t count, uint32_t dtype,
                        uint32_t reduce_op, xhal_plugin_stream_t *const *streams);
  int32_t (*broadcast)(xhal_plugin_communicator_t *comm, xhal_plugin_buffer_t *const *send,
                       const uint64_t *send_offsets, xhal_plugin_buffer_t *const *recv,
                       const uint64_t *recv_offsets, uint64_t count, uint32_t dtype,
                       uint32_t root, xhal_plugin_stream_t *const *streams);
  /* recv of each rank holds count*ranks elements, rank r's part at r*count. */
  int32_t (*all_gather)(xhal_plugin_communicator_t *comm, xhal_plugin_buffer_t *const *send,
                        const uint64_t *send_offsets, xhal_plugin_buffer_t *const *recv,
                        const uint64_t *recv_offsets, uint64_t count, uint32_t dtype,
                        xhal_plugin_stream_t *const *streams);
  /* send of each rank holds count*ranks elements; rank r receives the
   * reduction of part r. */
  int32_t (*reduce_scatter)(xhal_plugin_communicator_t *comm, xhal_plugin_buffer_t *const *send,
                            const uint64_t *send_offsets, xhal_plugin_buffer_t *const *recv,
                            const uint64_t *recv_offsets, uint64_t count, uint32_t dtype,
                            uint32_t reduce_op, xhal_plugin_stream_t *const *streams);
  /* Point to point: count elements from rank src to rank dst. */
  int32_t (*send_recv)(xhal_plugin_communicator_t *comm, uint32_t src_rank,
                       xhal_plugin_buffer_t *send, uint64_t send_offset, uint32_t dst_rank,
                       xhal_plugin_buffer_t *recv, uint64_t recv_offset, uint64_t count,
                       uint32_t dtype, xhal_plugin_stream_t *src_stream,
                       xhal_plugin_stream_t *dst_stream);
  /* Batches collectives issued between begin and end into one launch.
   * [optional: NULL means every call is issued at once] */
  int32_t (*group_begin)(xhal_plugin_communicator_t *comm);
  int32_t (*group_end)(xhal_plugin_communicator_t *comm);
} xhal_plugin_collectives_v1_t;

/* ---- The plugin table (plugin -> host) ---------------------------------- */

/* Slots marked [mandatory] must be non-NULL or the loader rejects the plugin
 * naming the slot. Slots marked [optional] may be NULL; the host then reports
 * UNIMPLEMENTED (or falls back, as the comment says). New slots are appended
 * in later minors; the host checks offsetof(slot) < struct_size first. */
typedef struct xhal_plugin_api_v1 {
  xhal_struct_header_t header; /* stype XHAL_STYPE_PLUGIN_API */
  uint32_t abi_major;          /* XHAL_PLUGIN_ABI_MAJOR */
  uint32_t abi_minor;          /* the minor this table implements */
  const char *name;            /* short backend name, [a-z0-9_]+, e.g. "cpu" */
  const char *version;         /* plugin's own version string */

  /* -- instance [mandatory] -- */
  /* Creates an instance; several may exist at once. Thread-safe. */
  int32_t (*instance_create)(const xhal_plugin_instance_info_t *info,
                             xhal_plugin_instance_t **out_instance);
  /* Destroys the instance and every object still alive in it. */
  int32_t (*instance_destroy)(xhal_plugin_instance_t *instance);

  /* -- devices [mandatory] -- */
  /* Number of usable devices; 0 is a valid answer (NO_DEVICE is reported by
   * the host). The plugin may explain 0 with host->log at INFO level. */
  int32_t (*device_count)(xhal_plugin_instance_t *instance, uint32_t *out_count);
  int32_t (*device_get)(xhal_plugin_instance_t *instance, uint32_t index,
                        xhal_plugin_device_t **out_device);
  /* Fills properties: the caller sets header.struct_size; the plugin writes at
   * most that many bytes and leaves header as given. */
  int32_t (*device_get_properties)(xhal_plugin_device_t *device,
                                   xhal_device_properties_t *properties);

  /* -- memory [mandatory] -- */
  /* size 0 is valid and yields a distinct buffer. flags: xhal_buffer_flags_t.
   * Memory is uninitialised. OUT_OF_MEMORY leaves the device usable. */
  int32_t (*buffer_alloc)(xhal_plugin_device_t *device, uint64_t size, uint32_t flags,
                          xhal_plugin_buffer_t **out_buffer);
  /* The host guarantees no enqueued work still uses the buffer. */
  int32_t (*buffer_free)(xhal_plugin_buffer_t *buffer);
  int32_t (*copy_host_to_device)(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                                 uint64_t dst_offset, const void *src, uint64_t size);
  int32_t (*copy_device_to_host)(xhal_plugin_stream_t *stream, void *dst,
                                 xhal_plugin_buffer_t *src, uint64_t src_offset, uint64_t size);

  /* -- streams and events [mandatory] -- */
  int32_t (*stream_create)(xhal_plugin_device_t *device, xhal_plugin_stream_t **out_stream);
  /* Waits for enqueued work, then destroys. */
  int32_t (*stream_destroy)(xhal_plugin_stream_t *stream);
  /* Blocks until all enqueued work is done; returns the first error of that
   * work (then clears it). */
  int32_t (*stream_synchronize)(xhal_plugin_stream_t *stream);
  int32_t (*event_create)(xhal_plugin_device_t *device, xhal_plugin_event_t **out_event);
  int32_t (*event_destroy)(xhal_plugin_event_t *event);
  /* Captures the stream's work enqueued so far; the event completes when that
   * work does. Re-recording replaces the previous capture. */
  int32_t (*event_record)(xhal_plugin_event_t *event, xhal_plugin_stream_t *stream);
  /* Work enqueued on stream after this call waits for the event. The event
   * may belong to another device of this plugin. */
  int32_t (*stream_wait_event)(xhal_plugin_stream_t *stream, xhal_plugin_event_t *event);
  /* OK when complete (or never recorded), NOT_READY when pending, or the
   * error of the captured work. */
  int32_t (*event_query)(xhal_plugin_event_t *event);
  int32_t (*event_synchronize)(xhal_plugin_event_t *event);

  /* -- optional -- */
  /* Topology between two devices of this plugin. [optional: NULL means no
   * peer access and no estimates] */
  int32_t (*device_get_link)(xhal_plugin_device_t *from, xhal_plugin_device_t *to,
                             xhal_device_link_t *link);
  /* Page-locked host memory for fast copies. [optional: host uses malloc] */
  int32_t (*host_alloc)(xhal_plugin_device_t *device, uint64_t size, void **out_ptr);
  int32_t (*host_free)(xhal_plugin_device_t *device, void *ptr);
  /* Host address of a buffer when the device declared HOST_VISIBLE_MEMORY.
   * [optional] */
  int32_t (*buffer_host_pointer)(xhal_plugin_buffer_t *buffer, void **out_ptr);
  /* Fills size bytes with value (low 8 bits). [optional: host stages] */
  int32_t (*buffer_fill)(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *buffer,
                         uint64_t offset, uint64_t size, uint32_t value);
  /* dst and src on the stream's device, or on a peer when device_get_link
   * says peer_copy. Overlapping ranges are INVALID_ARGUMENT. [optional: host
   * stages through host memory] */
  int32_t (*copy_device_to_device)(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                                   uint64_t dst_offset, xhal_plugin_buffer_t *src,
                                   uint64_t src_offset, uint64_t size);
  /* Runs fn(user_data, status) on a plugin thread when the stream gets there.
   * [optional: feature HOST_CALLBACK] */
  int32_t (*stream_add_callback)(xhal_plugin_stream_t *stream,
                                 xhal_plugin_stream_callback_fn fn, void *user_data);
  /* Nanoseconds between two completed recorded events. [optional: feature
   * EVENT_TIMING] */
  int32_t (*event_elapsed_ns)(xhal_plugin_event_t *start, xhal_plugin_event_t *end,
                              uint64_t *out_ns);

  /* -- operators [optional: NULL means no operators] -- */
  /* OK if op_launch would accept this exact op (op, dtypes, ranks, attrs);
   * UNSUPPORTED if not (with a message); INVALID_ARGUMENT if the description
   * violates the op's ONNX rules. Tensors' buffers may be NULL here.
   * Thread-safe, does not touch memory. */
  int32_t (*op_supported)(xhal_plugin_device_t *device, const xhal_plugin_op_desc_t *op);
  /* Validates like op_supported, then enqueues. Output shapes are given by the
   * caller and must match ONNX's inference. */
  int32_t (*op_launch)(xhal_plugin_stream_t *stream, const xhal_plugin_op_desc_t *op);

  /* -- kernel modules [optional: feature KERNEL_MODULES] -- */
  int32_t (*module_create)(xhal_plugin_device_t *device, uint32_t format, const void *data,
                           uint64_t size, const char *options, xhal_plugin_module_t **out_module);
  int32_t (*module_destroy)(xhal_plugin_module_t *module);
  /* The function lives as long as its module. NOT_FOUND if absent. */
  int32_t (*module_get_function)(xhal_plugin_module_t *module, const char *name,
                                 xhal_plugin_function_t **out_function);
  int32_t (*kernel_launch)(xhal_plugin_stream_t *stream, xhal_plugin_function_t *function,
                           const xhal_plugin_kernel_launch_t *launch);

  /* -- collectives [optional: NULL means host-staged collectives] -- */
  const xhal_plugin_collectives_v1_t *collectives;
} xhal_plugin_api_v1_t;

/* The entry point.
 *  host            [in]  host services; valid until the process unloads the plugin
 *  host_min_minor  [in]  lowest minor of major 1 the host accepts
 *  host_max_minor  [in]  highest minor the host knows
 *  out_api         [out] the plugin's table, static for the plugin's lifetime;
 *                        its abi_minor lies in [host_min_minor, host_max_minor]
 * Returns INCOMPATIBLE if the plugin implements no minor in the range. */
typedef int32_t (*xhal_plugin_query_v1_fn)(const xhal_host_api_v1_t *host,
                                           uint32_t host_min_minor, uint32_t host_max_minor,
                                           const xhal_plugin_api_v1_t **out_api);

XHAL_PLUGIN_EXPORT int32_t XHAL_PLUGIN_ENTRY_V1(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor,
                                                uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api);

#ifdef __cplusplus
}
#endif

#endif /* XHAL_PLUGIN_H */

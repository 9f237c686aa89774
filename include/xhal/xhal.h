/*
 * xhal.h - the framework API of libxhal.
 *
 * One umbrella header. Link with `pkg-config --libs xhal`.
 *
 * Error model: every function returns xhal_status_t. On failure,
 * xhal_last_error() returns a message for the calling thread saying what
 * failed and with which value; out-parameters are untouched.
 *
 * Object model: X_create() allocates, X_destroy() frees; destroy(NULL) is a
 * no-op. Devices belong to their context and are never destroyed separately.
 * Objects must be destroyed before the context that made them; destroying
 * the context releases the plugins, and with them the device memory of any
 * object left over (its handle then becomes invalid). Handles are checked: a destroyed or foreign handle
 * gives XHAL_STATUS_INVALID_HANDLE, never a crash.
 *
 * Threads: context, device, buffer, event and module calls are thread-safe.
 * A stream is used by one thread at a time.
 */
#ifndef XHAL_H
#define XHAL_H

#include <xhal/xhal_types.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define XHAL_API __declspec(dllexport)
#else
#define XHAL_API __attribute__((visibility("default")))
#endif

#define XHAL_VERSION_STRING "0.1.0"

typedef struct xhal_context xhal_context_t;
typedef struct xhal_device xhal_device_t;
typedef struct xhal_buffer xhal_buffer_t;
typedef struct xhal_stream xhal_stream_t;
typedef struct xhal_event xhal_event_t;
typedef struct xhal_module xhal_module_t;
typedef struct xhal_function xhal_function_t;
typedef struct xhal_communicator xhal_communicator_t;

/* ---- Errors and names ---------------------------------------------------- */
XHAL_API const char *xhal_status_string(xhal_status_t status);
/* Message of the last failing xhal call on this thread ("" if none). */
XHAL_API const char *xhal_last_error(void);
XHAL_API const char *xhal_dtype_name(xhal_dtype_t dtype);     /* "f32", or "?" */
XHAL_API size_t xhal_dtype_size(xhal_dtype_t dtype);          /* 0 if unknown */
XHAL_API xhal_dtype_t xhal_dtype_from_name(const char *name); /* INVALID if unknown */
XHAL_API const char *xhal_op_name(xhal_op_t op);              /* ONNX name, or "?" */
XHAL_API xhal_op_t xhal_op_from_name(const char *onnx_name);  /* INVALID if unknown */

/* ---- Context and plugins ------------------------------------------------- */
typedef struct xhal_context_options {
  uint32_t struct_size; /* sizeof(xhal_context_options_t) */
  /* Colon-separated directories or plugin files to load. NULL: the
   * XHAL_PLUGIN_PATH environment variable, then the install directory. */
  const char *plugin_path;
  /* 1: load nothing at creation; use xhal_context_load_plugin. */
  uint32_t no_default_plugins;
} xhal_context_options_t;

/* Creates a context and loads plugins. A plugin that fails validation is
 * recorded (see xhal_context_plugin_info) and skipped; the others work.
 * options may be NULL. */
XHAL_API xhal_status_t xhal_context_create(const xhal_context_options_t *options,
                                           xhal_context_t **out_context);
XHAL_API void xhal_context_destroy(xhal_context_t *context);

/* Loads one plugin by file path or backend name ("cpu" looks for
 * libxhal-cpu.so on the search path). On refusal returns the reason's status
 * (INCOMPATIBLE, NOT_FOUND, ...) and xhal_last_error names the defect; the
 * attempt is also recorded in the plugin list. out_plugin_index [optional]. */
XHAL_API xhal_status_t xhal_context_load_plugin(xhal_context_t *context, const char *path_or_name,
                                                uint32_t *out_plugin_index);

typedef struct xhal_plugin_info {
  const char *path;       /* file loaded or tried */
  const char *name;       /* backend name, "" if refused before known */
  const char *version;    /* plugin's version, "" if unknown */
  xhal_status_t status;   /* OK if loaded */
  const char *message;    /* why it was refused ("" if loaded) */
  uint32_t abi_minor;     /* negotiated minor */
  uint32_t device_count;  /* devices it contributed */
} xhal_plugin_info_t;

XHAL_API xhal_status_t xhal_context_plugin_count(xhal_context_t *context, uint32_t *out_count);
/* Strings stay valid until the context is destroyed. */
XHAL_API xhal_status_t xhal_context_plugin_info(xhal_context_t *context, uint32_t index,
                                                xhal_plugin_info_t *out_info);

/* ---- Devices ------------------------------------------------------------- */
XHAL_API xhal_status_t xhal_context_device_count(xhal_context_t *context, uint32_t *out_count);
XHAL_API xhal_status_t xhal_context_device(xhal_context_t *context, uint32_t index,
                                           xhal_device_t **out_device);
/* properties->header.struct_size must be set by the caller. */
XHAL_API xhal_status_t xhal_device_properties(xhal_device_t *device,
                                              xhal_device_properties_t *properties);
XHAL_API const char *xhal_device_backend(xhal_device_t *device); /* "cpu", "opencl" ... */
XHAL_API xhal_status_t xhal_device_link(xhal_device_t *from, xhal_device_t *to,
                                        xhal_device_link_t *link);

/* ---- Memory -------------------------------------------------------------- */
XHAL_API xhal_status_t xhal_buffer_create(xhal_device_t *device, uint64_t size,
                                          xhal_buffer_t **out_buffer);
/* The caller guarantees no enqueued work still uses the buffer. */
XHAL_API xhal_status_t xhal_buffer_destroy(xhal_buffer_t *buffer);
XHAL_API uint64_t xhal_buffer_size(const xhal_buffer_t *buffer);
XHAL_API xhal_device_t *xhal_buffer_device(const xhal_buffer_t *buffer);

/* Page-locked host memory for fast copies to/from device (malloc when the
 * backend has none). Free with xhal_host_free on the same device. */
XHAL_API xhal_status_t xhal_host_alloc(xhal_device_t *device, uint64_t size, void **out_ptr);
XHAL_API xhal_status_t xhal_host_free(xhal_device_t *device, void *ptr);

/* Asynchronous copies, ordered on stream. Host memory must stay valid until
 * the stream passes the copy. xhal_copy_buffer works between any two devices:
 * the stream may belong to either; across backends it is staged through host
 * memory and completes before the call returns. */
XHAL_API xhal_status_t xhal_copy_to_buffer(xhal_stream_t *stream, xhal_buffer_t *dst,
                                           uint64_t dst_offset, const void *src, uint64_t size);
XHAL_API xhal_status_t xhal_copy_from_buffer(xhal_stream_t *stream, void *dst,
                                             xhal_buffer_t *src, uint64_t src_offset,
                                             uint64_t size);
XHAL_API xhal_status_t xhal_copy_buffer(xhal_stream_t *stream, xhal_buffer_t *dst,
                                        uint64_t dst_offset, xhal_buffer_t *src,
                                        uint64_t src_offset, uint64_t size);
/* Sets size bytes to the low 8 bits of value. */
XHAL_API xhal_status_t xhal_buffer_fill(xhal_stream_t *stream, xhal_buffer_t *buffer,
                                        uint64_t offset, uint64_t size, uint32_t value);

/* ---- Streams and events -------------------------------------------------- */
XHAL_API xhal_status_t xhal_stream_create(xhal_device_t *device, xhal_stream_t **out_stream);
/* Waits for the stream's work, then frees it. */
XHAL_API xhal_status_t xhal_stream_destroy(xhal_stream_t *stream);
/* Blocks until the stream is idle; returns the first error of its work. */
XHAL_API xhal_status_t xhal_stream_synchronize(xhal_stream_t *stream);
XHAL_API xhal_device_t *xhal_stream_device(const xhal_stream_t *stream);

typedef void (*xhal_stream_callback_fn)(void *user_data, xhal_status_t status);
/* Runs fn on a runtime thread once prior work on stream is done. */
XHAL_API xhal_status_t xhal_stream_add_callback(xhal_stream_t *stream, xhal_stream_callback_fn fn,
                                                void *user_data);

XHAL_API xhal_status_t xhal_event_create(xhal_device_t *device, xhal_event_t **out_event);
XHAL_API xhal_status_t xhal_event_destroy(xhal_event_t *event);
/* stream must belong to the event's device. */
XHAL_API xhal_status_t xhal_event_record(xhal_event_t *event, xhal_stream_t *stream);
/* Later work on stream waits for event, whatever device or backend it is on. */
XHAL_API xhal_status_t xhal_stream_wait_event(xhal_stream_t *stream, xhal_event_t *event);
/* OK when complete, NOT_READY while pending, or the captured work's error. */
XHAL_API xhal_status_t xhal_event_query(xhal_event_t *event);
XHAL_API xhal_status_t xhal_event_synchronize(xhal_event_t *event);
XHAL_API xhal_status_t xhal_event_elapsed_ns(xhal_event_t *start, xhal_event_t *end,
                                             uint64_t *out_ns);

/* ---- Operators ----------------------------------------------------------- */
/* A tensor view of a buffer; strides in elements (all zero / NULL-like
 * contiguity is not implied: use xhal_tensor_contiguous to fill them). */
typedef struct xhal_tensor {
  xhal_dtype_t dtype;
  uint32_t rank;
  int64_t dims[XHAL_MAX_RANK];
  int64_t strides[XHAL_MAX_RANK];
  uint64_t byte_offset;
  xhal_buffer_t *buffer;
} xhal_tensor_t;

/* Fills a row-major contiguous view of buffer at byte_offset. */
XHAL_API xhal_tensor_t xhal_tensor_contiguous(xhal_buffer_t *buffer, xhal_dtype_t dtype,
                                              uint32_t rank, const int64_t *dims,
                                              uint64_t byte_offset);

typedef struct xhal_op_call {
  xhal_op_t op;
  uint32_t attr_count;
  const xhal_attr_t *attrs;
  uint32_t input_count;
  const xhal_tensor_t *inputs;
  uint32_t output_count;
  const xhal_tensor_t *outputs;
} xhal_op_call_t;

/* OK if the device runs this exact call; UNSUPPORTED with a reason if not.
 * Tensor buffers may be NULL. */
XHAL_API xhal_status_t xhal_op_supported(xhal_device_t *device, const xhal_op_call_t *call);
/* Enqueues the op on stream; every tensor's buffer must be on the stream's
 * device. */
XHAL_API xhal_status_t xhal_op_launch(xhal_stream_t *stream, const xhal_op_call_t *call);

/* ---- Kernel modules ------------------------------------------------------ */
XHAL_API xhal_status_t xhal_module_create(xhal_device_t *device, xhal_kernel_format_t format,
                                          const void *data, uint64_t size, const char *options,
                                          xhal_module_t **out_module);
XHAL_API xhal_status_t xhal_module_destroy(xhal_module_t *module);
XHAL_API xhal_status_t xhal_module_function(xhal_module_t *module, const char *name,
                                            xhal_function_t **out_function);

typedef struct xhal_kernel_arg {
  xhal_buffer_t *buffer; /* non-NULL: pass this buffer's device address */
  const void *value;     /* else: pass size bytes from here */
  uint64_t size;
} xhal_kernel_arg_t;

XHAL_API xhal_status_t xhal_kernel_launch(xhal_stream_t *stream, xhal_function_t *function,
                                          const uint32_t grid[3], const uint32_t block[3],
                                          uint32_t shared_memory_bytes, uint32_t arg_count,
                                          const xhal_kernel_arg_t *args);

/* ---- Collectives --------------------------------------------------------- */
/* A communicator over devices[0..count-1] (rank i = devices[i]); devices may
 * come from different backends. Native collectives are used when all devices
 * share a plugin that has them; otherwise the HAL stages through host memory. */
XHAL_API xhal_status_t xhal_communicator_create(xhal_device_t *const *devices, uint32_t count,
                                                xhal_communicator_t **out_comm);
XHAL_API xhal_status_t xhal_communicator_destroy(xhal_communicator_t *comm);
XHAL_API xhal_status_t xhal_communicator_abort(xhal_communicator_t *comm);
XHAL_API uint32_t xhal_communicator_size(const xhal_communicator_t *comm);
/* 1 if the communicator uses the backend's native collectives. */
XHAL_API uint32_t xhal_communicator_is_native(const xhal_communicator_t *comm);

/* Per-rank arrays (index = rank); offsets arrays may be NULL (all zero).
 * Each call orders itself after prior work on every rank's stream. */
XHAL_API xhal_status_t xhal_all_reduce(xhal_communicator_t *comm, xhal_buffer_t *const *send,
                                       xhal_buffer_t *const *recv, const uint64_t *send_offsets,
                                       const uint64_t *recv_offsets, uint64_t count,
                                       xhal_dtype_t dtype, xhal_reduce_op_t op,
                                       xhal_stream_t *const *streams);
XHAL_API xhal_status_t xhal_broadcast(xhal_communicator_t *comm, xhal_buffer_t *const *send,
                                      xhal_buffer_t *const *recv, const uint64_t *send_offsets,
                                      const uint64_t *recv_offsets, uint64_t count,
                                      xhal_dtype_t dtype, uint32_t root,
                                      xhal_stream_t *const *streams);
XHAL_API xhal_status_t xhal_all_gather(xhal_communicator_t *comm, xhal_buffer_t *const *send,
                                       xhal_buffer_t *const *recv, const uint64_t *send_offsets,
                                       const uint64_t *recv_offsets, uint64_t count,
                                       xhal_dtype_t dtype, xhal_stream_t *const *streams);
XHAL_API xhal_status_t xhal_reduce_scatter(xhal_communicator_t *comm, xhal_buffer_t *const *send,
                                           xhal_buffer_t *const *recv,
                                           const uint64_t *send_offsets,
                                           const uint64_t *recv_offsets, uint64_t count,
                                           xhal_dtype_t dtype, xhal_reduce_op_t op,
                                           xhal_stream_t *const *streams);
XHAL_API xhal_status_t xhal_send_recv(xhal_communicator_t *comm, uint32_t src_rank,
                                      xhal_buffer_t *send, uint64_t send_offset,
                                      uint32_t dst_rank, xhal_buffer_t *recv,
                                      uint64_t recv_offset, uint64_t count, xhal_dtype_t dtype,
                                      xhal_stream_t *src_stream, xhal_stream_t *dst_stream);

#ifdef __cplusplus
}
#endif

#endif /* XHAL_H */

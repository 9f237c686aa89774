/* ze_backend.h - the Level Zero backend's objects and the functions of its
 * function table (ze_plugin.c). One ze_context per driver per instance, so
 * events and memory are shared between the devices of one driver. */
#ifndef XHAL_ZE_BACKEND_H
#define XHAL_ZE_BACKEND_H

#include <pthread.h>
#include <stdint.h>

#include "ze_error.h"

/* Every live object is linked into its instance, so that instance_destroy
 * can destroy what the host left behind. */
typedef enum ze_object_kind {
  ZE_OBJECT_BUFFER,
  ZE_OBJECT_STREAM,
  ZE_OBJECT_EVENT,
  ZE_OBJECT_MODULE,
  ZE_OBJECT_KIND_COUNT
} ze_object_kind_t;

typedef struct ze_object {
  struct ze_object *prev, *next;
  ze_object_kind_t kind;
} ze_object_t;

typedef struct ze_driver_state {
  ze_driver_handle_t handle;
  ze_context_handle_t context;
} ze_driver_state_t;

/* Alignment of buffer_alloc results (and the property min_alignment_bytes). */
#define ZE_BUFFER_ALIGNMENT 64

struct xhal_plugin_device {
  xhal_plugin_instance_t *instance;
  ze_driver_state_t *driver;
  ze_device_handle_t handle;
  uint32_t index;
  int is_null_driver; /* the loader's null driver: results cannot be verified */
  _Atomic int no_immediate_lists; /* zeCommandListCreateImmediate failed: batched streams */
  ze_device_properties_t props;
  ze_device_compute_properties_t compute;
  ze_device_module_properties_t module;
  uint64_t memory_bytes;       /* sum of the memories (host memory if none reported) */
  uint64_t max_allocation;     /* maxMemAllocSize, or memory_bytes if not reported */
  uint32_t memory_clock_mhz;  /* 0 if the driver does not say */
  uint32_t memory_bus_bits;   /* 0 if the driver does not say */
  uint32_t queue_ordinal;     /* a command queue group with COMPUTE */
  uint64_t timer_ns_num;      /* timestamp ticks -> ns: ticks * num / den */
  uint64_t timer_ns_den;
  uint64_t timestamp_mask;    /* timestampValidBits */
  void *op_state;             /* ze_op.c, created on first use */
};

/* How streams submit work (XHAL_LEVEL0_STREAMS, read at instance_create). */
typedef enum ze_stream_mode {
  ZE_STREAMS_AUTO = 0,  /* immediate command lists; batched where the driver has none */
  ZE_STREAMS_IMMEDIATE, /* immediate command lists only */
  ZE_STREAMS_BATCHED    /* batched submissions only */
} ze_stream_mode_t;

struct xhal_plugin_instance {
  pthread_mutex_t mutex; /* guards objects */
  ze_stream_mode_t stream_mode;
  ze_object_t objects;   /* list head */
  uint32_t driver_count;
  ze_driver_state_t *drivers;
  uint32_t device_count;
  xhal_plugin_device_t *devices;
};

struct xhal_plugin_buffer {
  ze_object_t object;
  xhal_plugin_device_t *device;
  void *ptr;
  uint64_t size;
};

/* A host callback queued on a stream: the stream's work signals `done`, the
 * worker thread waits on it, runs fn and signals `gate`, which the stream's
 * later work waits on. */
typedef struct ze_callback {
  struct ze_callback *next;
  xhal_plugin_stream_callback_fn fn;
  void *user_data;
  ze_event_pool_handle_t pool;
  ze_event_handle_t done;
  ze_event_handle_t gate;
} ze_callback_t;

/* One submission of a batched stream (ze_batch.c): a regular command list,
 * the fence zeCommandQueueExecuteCommandLists signals when the queue has
 * executed it, and `tail`, signalled by the list's last command, which the
 * stream's next batch waits on first (so batches run in stream order). */
typedef struct ze_batch {
  struct ze_batch *next;
  ze_command_list_handle_t list;
  ze_fence_handle_t fence;
  ze_event_pool_handle_t pool; /* one event: tail */
  ze_event_handle_t tail;
  uint32_t commands;           /* appended since the list was opened */
} ze_batch_t;

/* Memory a stream frees once the device has run the commands appended
 * before it (ze__stream_free_after): an operator's temporary tables. */
typedef struct ze_deferred_free {
  struct ze_deferred_free *next;
  ze_event_pool_handle_t pool; /* one event: passed */
  ze_event_handle_t passed;    /* signalled by a barrier after those commands; NULL
                                  if none could be appended: freed at synchronize */
  uint32_t count;
  void *memory[];              /* zeMemAlloc* results of the stream's device */
} ze_deferred_free_t;

struct xhal_plugin_stream {
  ze_object_t object;
  xhal_plugin_device_t *device;
  /* Where commands are appended: the immediate command list, or the open
   * batch's list of a batched stream (NULL while none is open: call
   * ze__stream_begin before appending). */
  ze_command_list_handle_t list;
  int explicit_order;            /* the driver refused IN_ORDER: barriers keep the order */
  ze_event_pool_handle_t pool;   /* one event: sync (immediate streams) */
  ze_event_handle_t sync;
  /* Batched streams (ze_batch.c; queue NULL for an immediate stream): the
   * open batch, the submitted ones (oldest first) and reset ones for
   * reuse. */
  ze_command_queue_handle_t queue;
  ze_batch_t *open;
  ze_batch_t *submitted_head, *submitted_tail;
  ze_batch_t *spare;
  /* Callbacks: queued (worker runs them in order), then finished (freed at
   * the next synchronize, when the device no longer waits on their gates). */
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  pthread_t worker;
  int worker_started;
  int stopping;
  ze_callback_t *queued_head, *queued_tail;
  ze_callback_t *finished;
  int32_t error; /* first error of enqueued work, cleared by synchronize */
  ze_deferred_free_t *deferred; /* newest first; only the stream's thread touches it */
};

struct xhal_plugin_event {
  ze_object_t object;
  xhal_plugin_device_t *device;
  ze_event_pool_handle_t pool; /* one host-visible timestamp event */
  ze_event_handle_t handle;
  pthread_mutex_t mutex;  /* guards recorded, error and re-recording */
  int recorded;
  int32_t error;          /* the stream's error when recorded */
  uint64_t *timestamp;    /* zeMemAllocHost: the device's global timer at completion */
};

struct xhal_plugin_module {
  ze_object_t object;
  xhal_plugin_device_t *device;
  ze_module_handle_t handle;
  pthread_mutex_t mutex; /* guards functions */
  xhal_plugin_function_t *functions;
};

struct xhal_plugin_function {
  xhal_plugin_function_t *next;
  xhal_plugin_module_t *module;
  ze_kernel_handle_t handle;
  pthread_mutex_t mutex; /* held from the first argument to the launch */
  uint32_t arg_count;
  char name[128];
};

/* ze_device.c */
int32_t ze_instance_create(const xhal_plugin_instance_info_t *info,
                           xhal_plugin_instance_t **out_instance);
int32_t ze_instance_destroy(xhal_plugin_instance_t *instance);
int32_t ze_device_count(xhal_plugin_instance_t *instance, uint32_t *out_count);
int32_t ze_device_get(xhal_plugin_instance_t *instance, uint32_t index,
                      xhal_plugin_device_t **out_device);
int32_t ze_device_get_properties(xhal_plugin_device_t *device, xhal_device_properties_t *props);
int32_t ze_device_get_link(xhal_plugin_device_t *from, xhal_plugin_device_t *to,
                           xhal_device_link_t *link);
void ze__track(xhal_plugin_instance_t *instance, ze_object_t *object, ze_object_kind_t kind);
void ze__untrack(xhal_plugin_instance_t *instance, ze_object_t *object);
int ze__peer_access(const xhal_plugin_device_t *from, const xhal_plugin_device_t *to);

/* ze_buffer.c */
int32_t ze_buffer_alloc(xhal_plugin_device_t *device, uint64_t size, uint32_t flags,
                        xhal_plugin_buffer_t **out_buffer);
int32_t ze_buffer_free(xhal_plugin_buffer_t *buffer);
int32_t ze_host_alloc(xhal_plugin_device_t *device, uint64_t size, void **out_ptr);
int32_t ze_host_free(xhal_plugin_device_t *device, void *ptr);
int32_t ze_copy_host_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                               uint64_t dst_offset, const void *src, uint64_t size);
int32_t ze_copy_device_to_host(xhal_plugin_stream_t *stream, void *dst, xhal_plugin_buffer_t *src,
                               uint64_t src_offset, uint64_t size);
int32_t ze_copy_device_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                                 uint64_t dst_offset, xhal_plugin_buffer_t *src,
                                 uint64_t src_offset, uint64_t size);
int32_t ze_buffer_fill(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *buffer,
                       uint64_t offset, uint64_t size, uint32_t value);

/* ze_stream.c */
int32_t ze_stream_create(xhal_plugin_device_t *device, xhal_plugin_stream_t **out_stream);
int32_t ze_stream_destroy(xhal_plugin_stream_t *stream);
int32_t ze_stream_synchronize(xhal_plugin_stream_t *stream);
int32_t ze_stream_add_callback(xhal_plugin_stream_t *stream, xhal_plugin_stream_callback_fn fn,
                               void *user_data);
/* Before appending to stream->list: opens a batch on a batched stream
 * (nothing to do on an immediate one). */
int32_t ze__stream_begin(xhal_plugin_stream_t *stream);
/* After appending a command: the barrier that orders the next command after
 * it when the list is not in order by itself, and on a batched stream the
 * submission of a full batch. Returns status if not OK. */
int32_t ze__stream_ordered(xhal_plugin_stream_t *stream, int32_t status);
/* Records status as the stream's error if it has none and is not OK;
 * returns status. */
int32_t ze__stream_fail(xhal_plugin_stream_t *stream, int32_t status);
/* Takes memory[0..count) (zeMemAlloc* results in the stream's context,
 * which commands already appended to the stream may read) and frees it
 * once the device has run those commands: a barrier after them signals an
 * event that later calls query without blocking; stream_synchronize and
 * stream_destroy free whatever is left. Returns OK, or the failure of
 * appending that barrier (the memory then waits for the next synchronize).
 * Where not even its record can be allocated, waits for the stream to go
 * idle and frees the memory at once (returning the wait's failure, the
 * memory then kept). */
int32_t ze__stream_free_after(xhal_plugin_stream_t *stream, void *const *memory,
                              uint32_t count);

/* ze_batch.c: batched streams, for drivers without immediate command lists
 * (or XHAL_LEVEL0_STREAMS=batched). The stream's mutex is not needed: a
 * stream is used by one thread at a time. */
/* Creates the stream's command queue; stream->explicit_order is set later,
 * by the first batch's list. */
int32_t ze__batch_stream_init(xhal_plugin_stream_t *stream);
/* Opens a batch if none is open (ze__stream_begin). */
int32_t ze__batch_begin(xhal_plugin_stream_t *stream);
/* Counts a command appended to the open batch; submits it when full. */
int32_t ze__batch_appended(xhal_plugin_stream_t *stream);
/* Submits the open batch (if any) with its fence, so that what it holds
 * runs without a further call: event records and callbacks flush. */
int32_t ze__batch_flush(xhal_plugin_stream_t *stream);
/* Flushes, then waits on the host for every submitted batch's fence and
 * recycles the batches. */
int32_t ze__batch_synchronize(xhal_plugin_stream_t *stream);
/* Destroys the batches and the queue (after a synchronize). */
void ze__batch_stream_deinit(xhal_plugin_stream_t *stream);

/* ze_event.c */
int32_t ze_event_create(xhal_plugin_device_t *device, xhal_plugin_event_t **out_event);
int32_t ze_event_destroy(xhal_plugin_event_t *event);
int32_t ze_event_record(xhal_plugin_event_t *event, xhal_plugin_stream_t *stream);
int32_t ze_stream_wait_event(xhal_plugin_stream_t *stream, xhal_plugin_event_t *event);
int32_t ze_event_query(xhal_plugin_event_t *event);
int32_t ze_event_synchronize(xhal_plugin_event_t *event);
int32_t ze_event_elapsed_ns(xhal_plugin_event_t *start, xhal_plugin_event_t *end,
                            uint64_t *out_ns);
/* An event pool of count host-visible events in the device's context and
 * its events (ZE_EVENT_SCOPE_FLAG_HOST on signal and wait). */
int32_t ze__event_pool_create(xhal_plugin_device_t *device, uint32_t count, int timestamps,
                              ze_event_pool_handle_t *out_pool, ze_event_handle_t *out_events);

/* ze_module.c */
int32_t ze_module_create(xhal_plugin_device_t *device, uint32_t format, const void *data,
                         uint64_t size, const char *options, xhal_plugin_module_t **out_module);
int32_t ze_module_destroy(xhal_plugin_module_t *module);
int32_t ze_module_get_function(xhal_plugin_module_t *module, const char *name,
                               xhal_plugin_function_t **out_function);
int32_t ze_kernel_launch(xhal_plugin_stream_t *stream, xhal_plugin_function_t *function,
                         const xhal_plugin_kernel_launch_t *launch);
/* zeModuleCreate of a SPIR-V image with the build log in the error. */
int32_t ze__module_build(xhal_plugin_device_t *device, const void *spirv, size_t size,
                         const char *options, const char *what, ze_module_handle_t *out_module);

/* 1 if the SPIR-V image (size bytes) declares a kernel (OpEntryPoint)
 * named name, the check zeKernelCreate makes on a real driver; 0 if not,
 * or if the image is not well formed. */
int ze__spirv_has_kernel(const void *spirv, size_t size, const char *name);

/* ze_op.c */
int32_t ze_op_supported(xhal_plugin_device_t *device, const xhal_plugin_op_desc_t *desc);
int32_t ze_op_launch(xhal_plugin_stream_t *stream, const xhal_plugin_op_desc_t *desc);
void ze__op_device_release(xhal_plugin_device_t *device);

#endif

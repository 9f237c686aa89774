/* ocl_stream.h - streams of the OpenCL backend: one in-order command queue
 * with profiling enabled per stream.
 *
 * Every command enqueued on a stream hands its cl_event to
 * ocl_stream_track(); the stream keeps the events until they are known to
 * be complete and remembers the first one that ended with a negative
 * execution status. stream_synchronize (clFinish) returns that error once
 * and clears it. Host callbacks run on a worker thread of the stream, never
 * on the driver's callback thread, so a callback may block (on another
 * backend's event, say) without stalling the OpenCL runtime; later work on
 * the stream waits for the callback through a user-event barrier.
 *
 * Thread safety: as the ABI says, one host thread uses a stream at a time;
 * the worker thread touches only its own queue of callbacks. */
#ifndef XHAL_OCL_STREAM_H
#define XHAL_OCL_STREAM_H

#include <pthread.h>

#include "ocl_device.h"

typedef struct ocl_callback ocl_callback_t;

struct xhal_plugin_stream {
  ocl_object_t object; /* on the instance's stream list */
  xhal_plugin_device_t *device;
  cl_command_queue queue; /* in order, CL_QUEUE_PROFILING_ENABLE */

  /* Events of enqueued commands not yet seen complete, oldest first: a
   * ring of pending_capacity slots starting at pending_head. */
  cl_event *pending;
  size_t pending_head, pending_count, pending_capacity;
  /* First failure of enqueued work since the last synchronize. */
  int32_t error;
  char error_message[512];

  /* Host-callback worker, started by the first stream_add_callback. */
  pthread_mutex_t callback_mutex;
  pthread_cond_t callback_ready;
  pthread_t callback_thread;
  int callback_thread_started;
  int callback_stopping;
  ocl_callback_t *callback_head, *callback_tail;
};

int32_t ocl_stream_create(xhal_plugin_device_t *device, xhal_plugin_stream_t **out_stream);
int32_t ocl_stream_destroy(xhal_plugin_stream_t *stream);
int32_t ocl_stream_synchronize(xhal_plugin_stream_t *stream);
int32_t ocl_stream_add_callback(xhal_plugin_stream_t *stream, xhal_plugin_stream_callback_fn fn,
                                void *user_data);

/* Takes ownership of event, the cl_event of a command just enqueued on
 * stream->queue (kernels, copies, barriers). Every enqueue on a stream
 * must pass its event here, or its failure may go unreported. Never fails:
 * when memory is short it waits for the oldest commands instead. */
void ocl_stream_track(xhal_plugin_stream_t *stream, cl_event event);

/* Collects the events that have completed and returns the stream's pending
 * error (OK if none) without clearing it; when message is non-NULL, copies
 * the error's text into it. */
int32_t ocl_stream_pending_error(xhal_plugin_stream_t *stream, char *message, size_t size);

#endif

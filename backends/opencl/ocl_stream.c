/* ocl_stream.c - in-order command queues, the events of their commands,
 * and host callbacks run by a worker thread per stream. */
#include "ocl_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OCL_PENDING_INITIAL 64

struct ocl_callback {
  xhal_plugin_stream_t *stream;
  xhal_plugin_stream_callback_fn fn;
  void *user_data;
  cl_event gate;           /* user event that later work on the stream waits for */
  int32_t prior_error;     /* the stream's pending error when the callback was added */
  cl_int marker_status;    /* execution status of the marker before the callback */
  struct ocl_callback *next;
};

static const char *ocl_command_name(cl_command_type type) {
  switch (type) {
    case CL_COMMAND_NDRANGE_KERNEL: return "kernel";
    case CL_COMMAND_READ_BUFFER: return "device-to-host copy";
    case CL_COMMAND_WRITE_BUFFER: return "host-to-device copy";
    case CL_COMMAND_COPY_BUFFER: return "device-to-device copy";
    case CL_COMMAND_FILL_BUFFER: return "fill";
    case CL_COMMAND_MARKER: return "marker";
    case CL_COMMAND_BARRIER: return "barrier (event wait)";
    default: return "command";
  }
}

/* Keeps the first failure among completed commands; returns whether event
 * is complete (successfully or not). */
static int ocl_stream_collect(xhal_plugin_stream_t *stream, cl_event event) {
  cl_int execution = CL_QUEUED;
  cl_int err = clGetEventInfo(event, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof execution,
                              &execution, NULL);
  if (err != CL_SUCCESS) execution = err; /* the event itself is broken: report that */
  if (execution > CL_COMPLETE) return 0;
  if (execution < 0 && stream->error == XHAL_STATUS_OK) {
    cl_command_type type = 0;
    clGetEventInfo(event, CL_EVENT_COMMAND_TYPE, sizeof type, &type, NULL);
    stream->error = ocl_execution_status(execution);
    snprintf(stream->error_message, sizeof stream->error_message,
             "a %s enqueued on the stream failed with execution status %s (%d)",
             ocl_command_name(type), ocl_cl_error_name(execution), (int)execution);
  }
  return 1;
}

/* Releases the completed events at the front of the ring. Commands of an
 * in-order queue complete in order, so the first pending one ends the scan. */
static void ocl_stream_harvest(xhal_plugin_stream_t *stream) {
  while (stream->pending_count) {
    cl_event event = stream->pending[stream->pending_head];
    if (!ocl_stream_collect(stream, event)) break;
    clReleaseEvent(event);
    stream->pending_head = (stream->pending_head + 1) % stream->pending_capacity;
    --stream->pending_count;
  }
}

static int ocl_stream_grow(xhal_plugin_stream_t *stream) {
  size_t capacity = stream->pending_capacity ? stream->pending_capacity * 2 : OCL_PENDING_INITIAL;
  cl_event *ring = malloc(capacity * sizeof *ring);
  if (!ring) return 0;
  for (size_t i = 0; i < stream->pending_count; ++i) {
    ring[i] = stream->pending[(stream->pending_head + i) % stream->pending_capacity];
  }
  free(stream->pending);
  stream->pending = ring;
  stream->pending_head = 0;
  stream->pending_capacity = capacity;
  return 1;
}

void ocl_stream_track(xhal_plugin_stream_t *stream, cl_event event) {
  if (!event) return;
  if (stream->pending_count == stream->pending_capacity) {
    ocl_stream_harvest(stream);
    if (stream->pending_count == stream->pending_capacity && !ocl_stream_grow(stream)) {
      /* No memory for a longer ring: wait for the oldest command instead. */
      cl_event oldest = stream->pending[stream->pending_head];
      clWaitForEvents(1, &oldest);
      ocl_stream_harvest(stream);
    }
  }
  if (stream->pending_count == stream->pending_capacity) {
    /* Still full (the oldest event is broken): account for the new one now. */
    clWaitForEvents(1, &event);
    ocl_stream_collect(stream, event);
    clReleaseEvent(event);
    return;
  }
  size_t slot = (stream->pending_head + stream->pending_count) % stream->pending_capacity;
  stream->pending[slot] = event;
  ++stream->pending_count;
}

int32_t ocl_stream_pending_error(xhal_plugin_stream_t *stream, char *message, size_t size) {
  ocl_stream_harvest(stream);
  if (message && size) snprintf(message, size, "%s", stream->error_message);
  return stream->error;
}

int32_t ocl_stream_create(xhal_plugin_device_t *device, xhal_plugin_stream_t **out_stream) {
  if (!device || !out_stream) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, out_stream %p", (void *)device,
                     (void *)out_stream);
  }
  xhal_plugin_stream_t *stream = calloc(1, sizeof *stream);
  if (!stream) return ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "stream record");
  if (!ocl_stream_grow(stream)) {
    free(stream);
    return ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "stream event ring");
  }
  cl_queue_properties properties[] = {CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0};
  cl_int err = CL_SUCCESS;
  stream->queue = clCreateCommandQueueWithProperties(device->context, device->id, properties, &err);
  if (err != CL_SUCCESS) {
    free(stream->pending);
    free(stream);
    return ocl_check(err, "clCreateCommandQueueWithProperties(%s, profiling)", device->info.name);
  }
  stream->device = device;
  pthread_mutex_init(&stream->callback_mutex, NULL);
  pthread_cond_init(&stream->callback_ready, NULL);
  ocl_instance_track(device->instance, &stream->object, OCL_OBJECT_STREAM);
  *out_stream = stream;
  return XHAL_STATUS_OK;
}

int32_t ocl_stream_destroy(xhal_plugin_stream_t *stream) {
  if (!stream) return XHAL_STATUS_OK;
  ocl_instance_untrack(stream->device->instance, &stream->object);
  /* Drains the queue, which includes every callback: work after a callback
   * waits for its gate, which the worker opens after running it. */
  cl_int err = clFinish(stream->queue);
  if (stream->callback_thread_started) {
    pthread_mutex_lock(&stream->callback_mutex);
    stream->callback_stopping = 1;
    pthread_cond_signal(&stream->callback_ready);
    pthread_mutex_unlock(&stream->callback_mutex);
    pthread_join(stream->callback_thread, NULL);
  }
  for (size_t i = 0; i < stream->pending_count; ++i) {
    clReleaseEvent(stream->pending[(stream->pending_head + i) % stream->pending_capacity]);
  }
  free(stream->pending);
  clReleaseCommandQueue(stream->queue);
  pthread_cond_destroy(&stream->callback_ready);
  pthread_mutex_destroy(&stream->callback_mutex);
  free(stream);
  return ocl_check(err, "clFinish before destroying the stream");
}

int32_t ocl_stream_synchronize(xhal_plugin_stream_t *stream) {
  if (!stream) return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "stream is NULL");
  OCL_RETURN_IF_ERROR(ocl_check(clFinish(stream->queue), "clFinish"));
  ocl_stream_harvest(stream);
  int32_t status = stream->error;
  if (status == XHAL_STATUS_OK) return XHAL_STATUS_OK;
  stream->error = XHAL_STATUS_OK;
  return ocl_error(status, "%s", stream->error_message);
}

/* ---- host callbacks ---------------------------------------------------------- */

static void *ocl_callback_worker(void *argument) {
  xhal_plugin_stream_t *stream = argument;
  pthread_mutex_lock(&stream->callback_mutex);
  for (;;) {
    while (!stream->callback_head && !stream->callback_stopping) {
      pthread_cond_wait(&stream->callback_ready, &stream->callback_mutex);
    }
    ocl_callback_t *callback = stream->callback_head;
    if (!callback) break; /* stopping, and nothing left */
    stream->callback_head = callback->next;
    if (!stream->callback_head) stream->callback_tail = NULL;
    pthread_mutex_unlock(&stream->callback_mutex);

    int32_t status = callback->marker_status < 0 ? ocl_execution_status(callback->marker_status)
                                                 : callback->prior_error;
    callback->fn(callback->user_data, status);
    clSetUserEventStatus(callback->gate, CL_COMPLETE);
    clReleaseEvent(callback->gate);
    free(callback);

    pthread_mutex_lock(&stream->callback_mutex);
  }
  pthread_mutex_unlock(&stream->callback_mutex);
  return NULL;
}

/* Runs on the OpenCL runtime's thread (or at once, in clSetEventCallback,
 * if the marker is already complete): only hands the callback to the
 * stream's worker, so that a blocking callback cannot stall the runtime. */
static void CL_CALLBACK ocl_callback_marker_done(cl_event marker, cl_int status, void *argument) {
  (void)marker;
  ocl_callback_t *callback = argument;
  xhal_plugin_stream_t *stream = callback->stream;
  callback->marker_status = status;
  pthread_mutex_lock(&stream->callback_mutex);
  if (stream->callback_tail) {
    stream->callback_tail->next = callback;
  } else {
    stream->callback_head = callback;
  }
  stream->callback_tail = callback;
  pthread_cond_signal(&stream->callback_ready);
  pthread_mutex_unlock(&stream->callback_mutex);
}

static int32_t ocl_callback_worker_start(xhal_plugin_stream_t *stream) {
  if (stream->callback_thread_started) return XHAL_STATUS_OK;
  int error = pthread_create(&stream->callback_thread, NULL, ocl_callback_worker, stream);
  if (error) {
    return ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "pthread_create for the callback worker: %s",
                     strerror(error));
  }
  stream->callback_thread_started = 1;
  return XHAL_STATUS_OK;
}

int32_t ocl_stream_add_callback(xhal_plugin_stream_t *stream, xhal_plugin_stream_callback_fn fn,
                                void *user_data) {
  if (!stream || !fn) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, fn %s", (void *)stream,
                     fn ? "set" : "NULL");
  }
  OCL_RETURN_IF_ERROR(ocl_callback_worker_start(stream));
  ocl_callback_t *callback = calloc(1, sizeof *callback);
  if (!callback) return ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "callback record");
  callback->stream = stream;
  callback->fn = fn;
  callback->user_data = user_data;
  callback->prior_error = ocl_stream_pending_error(stream, NULL, 0);
  cl_int err = CL_SUCCESS;
  callback->gate = clCreateUserEvent(stream->device->context, &err);
  if (err != CL_SUCCESS) {
    free(callback);
    return ocl_check(err, "clCreateUserEvent");
  }
  cl_event marker = NULL, barrier = NULL;
  err = clEnqueueMarkerWithWaitList(stream->queue, 0, NULL, &marker);
  if (err == CL_SUCCESS) {
    err = clEnqueueBarrierWithWaitList(stream->queue, 1, &callback->gate, &barrier);
    if (err == CL_SUCCESS) {
      err = clSetEventCallback(marker, CL_COMPLETE, ocl_callback_marker_done, callback);
      if (err != CL_SUCCESS) {
        /* The callback will never run: open the gate so the queue moves on. */
        clSetUserEventStatus(callback->gate, CL_COMPLETE);
      }
    }
  }
  int32_t status = ocl_check(err, "enqueueing the callback's marker, gate barrier and "
                                  "completion callback");
  ocl_stream_track(stream, marker);
  ocl_stream_track(stream, barrier);
  if (status != XHAL_STATUS_OK) {
    clReleaseEvent(callback->gate);
    free(callback);
  }
  /* On success the callback record belongs to the worker from here on. */
  return status;
}

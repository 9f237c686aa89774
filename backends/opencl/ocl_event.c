/* ocl_event.c - events: markers on in-order queues, waits within and across
 * cl_contexts, status and profiling queries. */
#include "ocl_event.h"

#include <stdio.h>
#include <stdlib.h>

#include "ocl_stream.h"

struct xhal_plugin_event {
  ocl_object_t object; /* on the instance's event list */
  xhal_plugin_device_t *device;
  pthread_mutex_t mutex; /* guards the fields below */
  cl_event marker;       /* latest record; NULL if never recorded */
  int32_t prior_error;   /* the stream's pending error at the record */
  char prior_message[512];
};

int32_t ocl_event_create(xhal_plugin_device_t *device, xhal_plugin_event_t **out_event) {
  if (!device || !out_event) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, out_event %p", (void *)device,
                     (void *)out_event);
  }
  xhal_plugin_event_t *event = calloc(1, sizeof *event);
  if (!event) return ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "event record");
  event->device = device;
  pthread_mutex_init(&event->mutex, NULL);
  ocl_instance_track(device->instance, &event->object, OCL_OBJECT_EVENT);
  *out_event = event;
  return XHAL_STATUS_OK;
}

int32_t ocl_event_destroy(xhal_plugin_event_t *event) {
  if (!event) return XHAL_STATUS_OK;
  ocl_instance_untrack(event->device->instance, &event->object);
  /* Barriers that wait for the marker hold their own reference to it. */
  if (event->marker) clReleaseEvent(event->marker);
  pthread_mutex_destroy(&event->mutex);
  free(event);
  return XHAL_STATUS_OK;
}

int32_t ocl_event_record(xhal_plugin_event_t *event, xhal_plugin_stream_t *stream) {
  if (!event || !stream) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "event %p, stream %p", (void *)event,
                     (void *)stream);
  }
  if (stream->device != event->device) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "event is on device %u, the stream on device %u",
                     event->device->index, stream->device->index);
  }
  /* Work that failed before the marker was enqueued does not propagate to
   * it: take the stream's pending error now. */
  char message[sizeof event->prior_message];
  int32_t prior = ocl_stream_pending_error(stream, message, sizeof message);
  cl_event marker = NULL;
  OCL_RETURN_IF_ERROR(
      ocl_check(clEnqueueMarkerWithWaitList(stream->queue, 0, NULL, &marker), "clEnqueueMarkerWithWaitList"));
  pthread_mutex_lock(&event->mutex);
  cl_event previous = event->marker;
  event->marker = marker;
  event->prior_error = prior;
  snprintf(event->prior_message, sizeof event->prior_message, "%s", message);
  pthread_mutex_unlock(&event->mutex);
  if (previous) clReleaseEvent(previous);
  return XHAL_STATUS_OK;
}

/* The latest marker, retained for the caller (NULL if never recorded), and
 * the prior error with its message. */
static cl_event ocl_event_snapshot(xhal_plugin_event_t *event, int32_t *prior, char *message,
                                   size_t size) {
  pthread_mutex_lock(&event->mutex);
  cl_event marker = event->marker;
  if (marker) clRetainEvent(marker);
  *prior = event->prior_error;
  if (message) snprintf(message, size, "%s", event->prior_message);
  pthread_mutex_unlock(&event->mutex);
  return marker;
}

/* Runs on the OpenCL runtime's thread when a marker of another context
 * completes: opens the waiting stream's gate, passing a failure on. */
static void CL_CALLBACK ocl_event_open_gate(cl_event marker, cl_int status, void *argument) {
  (void)marker;
  cl_event gate = argument;
  clSetUserEventStatus(gate, status < 0 ? status : CL_COMPLETE);
  clReleaseEvent(gate);
}

static int32_t ocl_wait_other_context(xhal_plugin_stream_t *stream, cl_event marker,
                                     uint32_t event_device) {
  cl_int err = CL_SUCCESS;
  cl_event gate = clCreateUserEvent(stream->device->context, &err);
  OCL_RETURN_IF_ERROR(ocl_check(err, "clCreateUserEvent"));
  cl_event barrier = NULL;
  err = clEnqueueBarrierWithWaitList(stream->queue, 1, &gate, &barrier);
  if (err == CL_SUCCESS) {
    clRetainEvent(gate); /* the callback's reference */
    err = clSetEventCallback(marker, CL_COMPLETE, ocl_event_open_gate, gate);
    if (err != CL_SUCCESS) {
      clSetUserEventStatus(gate, CL_COMPLETE); /* never leave the queue blocked */
      clReleaseEvent(gate);
    }
  }
  clReleaseEvent(gate);
  ocl_stream_track(stream, barrier);
  return ocl_check(err, "waiting for an event of device %u from a stream of device %u",
                   event_device, stream->device->index);
}

int32_t ocl_stream_wait_event(xhal_plugin_stream_t *stream, xhal_plugin_event_t *event) {
  if (!stream || !event) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, event %p", (void *)stream,
                     (void *)event);
  }
  if (stream->device->instance != event->device->instance) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "the event belongs to another instance");
  }
  int32_t prior;
  cl_event marker = ocl_event_snapshot(event, &prior, NULL, 0);
  if (!marker) return XHAL_STATUS_OK; /* never recorded: complete */
  int32_t status;
  if (event->device == stream->device) {
    cl_event barrier = NULL;
    status = ocl_check(clEnqueueBarrierWithWaitList(stream->queue, 1, &marker, &barrier),
                       "clEnqueueBarrierWithWaitList(1 event)");
    ocl_stream_track(stream, barrier);
  } else {
    status = ocl_wait_other_context(stream, marker, event->device->index);
  }
  clReleaseEvent(marker);
  return status;
}

/* OK, NOT_READY or the error of the captured work for a marker's status. */
static int32_t ocl_event_status(cl_int execution, int32_t prior, const char *prior_message) {
  if (execution > CL_COMPLETE) return XHAL_STATUS_NOT_READY;
  if (execution < 0) {
    return ocl_error(ocl_execution_status(execution),
                     "the recorded work failed: execution status %s (%d)",
                     ocl_cl_error_name(execution), (int)execution);
  }
  if (prior != XHAL_STATUS_OK) return ocl_error(prior, "%s", prior_message);
  return XHAL_STATUS_OK;
}

static int32_t ocl_marker_execution(cl_event marker, cl_int *out_execution) {
  return ocl_check(clGetEventInfo(marker, CL_EVENT_COMMAND_EXECUTION_STATUS,
                                  sizeof *out_execution, out_execution, NULL),
                   "clGetEventInfo(CL_EVENT_COMMAND_EXECUTION_STATUS)");
}

int32_t ocl_event_query(xhal_plugin_event_t *event) {
  if (!event) return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "event is NULL");
  int32_t prior;
  char message[sizeof event->prior_message];
  cl_event marker = ocl_event_snapshot(event, &prior, message, sizeof message);
  if (!marker) return XHAL_STATUS_OK;
  cl_int execution = CL_QUEUED;
  int32_t status = ocl_marker_execution(marker, &execution);
  clReleaseEvent(marker);
  return status != XHAL_STATUS_OK ? status : ocl_event_status(execution, prior, message);
}

int32_t ocl_event_synchronize(xhal_plugin_event_t *event) {
  if (!event) return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "event is NULL");
  int32_t prior;
  char message[sizeof event->prior_message];
  cl_event marker = ocl_event_snapshot(event, &prior, message, sizeof message);
  if (!marker) return XHAL_STATUS_OK;
  /* A failed marker makes clWaitForEvents return
   * CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST; its status says more. */
  clWaitForEvents(1, &marker);
  cl_int execution = CL_QUEUED;
  int32_t status = ocl_marker_execution(marker, &execution);
  clReleaseEvent(marker);
  if (status != XHAL_STATUS_OK) return status;
  if (execution > CL_COMPLETE) {
    return ocl_error(XHAL_STATUS_INTERNAL, "clWaitForEvents returned with the marker at status %d",
                     (int)execution);
  }
  return ocl_event_status(execution, prior, message);
}

/* CL_PROFILING_COMMAND_END of a completed marker. */
static int32_t ocl_event_end_time(xhal_plugin_event_t *event, const char *which,
                                  cl_ulong *out_time) {
  int32_t prior;
  cl_event marker = ocl_event_snapshot(event, &prior, NULL, 0);
  if (!marker) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "the %s event was never recorded", which);
  }
  cl_int execution = CL_QUEUED;
  int32_t status = ocl_marker_execution(marker, &execution);
  if (status == XHAL_STATUS_OK && execution > CL_COMPLETE) {
    status = ocl_error(XHAL_STATUS_NOT_READY, "the %s event is still pending", which);
  } else if (status == XHAL_STATUS_OK && execution < 0) {
    status = ocl_error(ocl_execution_status(execution),
                       "the work recorded by the %s event failed: %s (%d)", which,
                       ocl_cl_error_name(execution), (int)execution);
  }
  if (status == XHAL_STATUS_OK) {
    status = ocl_check(clGetEventProfilingInfo(marker, CL_PROFILING_COMMAND_END, sizeof *out_time,
                                               out_time, NULL),
                       "clGetEventProfilingInfo(%s event, CL_PROFILING_COMMAND_END)", which);
  }
  clReleaseEvent(marker);
  return status;
}

int32_t ocl_event_elapsed_ns(xhal_plugin_event_t *start, xhal_plugin_event_t *end,
                             uint64_t *out_ns) {
  if (!start || !end || !out_ns) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "start %p, end %p, out_ns %p", (void *)start,
                     (void *)end, (void *)out_ns);
  }
  if (start->device != end->device) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "events of devices %u and %u: their profiling clocks are unrelated",
                     start->device->index, end->device->index);
  }
  cl_ulong start_time = 0, end_time = 0;
  OCL_RETURN_IF_ERROR(ocl_event_end_time(start, "start", &start_time));
  OCL_RETURN_IF_ERROR(ocl_event_end_time(end, "end", &end_time));
  /* Events on two streams may complete in either order. */
  *out_ns = end_time >= start_time ? end_time - start_time : 0;
  return XHAL_STATUS_OK;
}

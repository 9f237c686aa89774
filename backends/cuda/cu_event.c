/* cu_event.c - events: record, cross-stream waits, queries, timing. */
#include "cu_event.h"

#include <stdlib.h>

#include "cu_stream.h"

int32_t cu_event_create(xhal_plugin_device_t *device, xhal_plugin_event_t **out_event) {
  if (!device || !out_event) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, out_event %p", (void *)device,
                    (void *)out_event);
  }
  xhal_plugin_event_t *event = calloc(1, sizeof *event);
  if (!event) return cu_error(XHAL_STATUS_OUT_OF_MEMORY, "event record");
  int32_t status = cu_context_enter(device);
  if (status == XHAL_STATUS_OK) {
    status = cu_check(cu_api()->cuEventCreate(&event->event, CU_EVENT_DEFAULT),
                      "cuEventCreate(CU_EVENT_DEFAULT)");
    cu_context_leave(device);
  }
  if (status != XHAL_STATUS_OK) {
    free(event);
    return status;
  }
  event->device = device;
  atomic_init(&event->recorded, 0);
  cu_instance_track(device->instance, &event->object, CU_OBJECT_EVENT);
  *out_event = event;
  return XHAL_STATUS_OK;
}

int32_t cu_event_destroy(xhal_plugin_event_t *event) {
  if (!event) return XHAL_STATUS_OK;
  xhal_plugin_device_t *device = event->device;
  cu_instance_untrack(device->instance, &event->object);
  /* cuEventDestroy may be called while the event is pending: the driver
   * releases it once the captured work completes. */
  int32_t status = cu_context_enter(device);
  if (status == XHAL_STATUS_OK) {
    status = cu_check(cu_api()->cuEventDestroy(event->event), "cuEventDestroy");
    cu_context_leave(device);
  }
  free(event);
  return status;
}

int32_t cu_event_record(xhal_plugin_event_t *event, xhal_plugin_stream_t *stream) {
  if (!event || !stream) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "event %p, stream %p", (void *)event,
                    (void *)stream);
  }
  if (stream->device != event->device) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "event is on device %u, the stream on device %u",
                    event->device->index, stream->device->index);
  }
  CU_RETURN_IF_ERROR(cu_context_enter(stream->device));
  int32_t status = cu_check(cu_api()->cuEventRecord(event->event, stream->stream), "cuEventRecord");
  cu_context_leave(stream->device);
  if (status == XHAL_STATUS_OK) atomic_store(&event->recorded, 1);
  return status;
}

int32_t cu_stream_wait_event(xhal_plugin_stream_t *stream, xhal_plugin_event_t *event) {
  if (!stream || !event) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, event %p", (void *)stream,
                    (void *)event);
  }
  if (event->device->instance != stream->device->instance)
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "the event belongs to another instance");
  /* A never-recorded event is complete: nothing to wait for (CUDA agrees). */
  CU_RETURN_IF_ERROR(cu_context_enter(stream->device));
  int32_t status = cu_check(cu_api()->cuStreamWaitEvent(stream->stream, event->event, 0),
                            "cuStreamWaitEvent(event of device %u)", event->device->index);
  cu_context_leave(stream->device);
  return status;
}

int32_t cu_event_query(xhal_plugin_event_t *event) {
  if (!event) return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "event is NULL");
  CU_RETURN_IF_ERROR(cu_context_enter(event->device));
  const CUresult result = cu_api()->cuEventQuery(event->event);
  cu_context_leave(event->device);
  /* Pending is an answer, not a failure: no message. */
  if (result == CUDA_ERROR_NOT_READY) return XHAL_STATUS_NOT_READY;
  return cu_check(result, "cuEventQuery");
}

int32_t cu_event_synchronize(xhal_plugin_event_t *event) {
  if (!event) return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "event is NULL");
  CU_RETURN_IF_ERROR(cu_context_enter(event->device));
  int32_t status = cu_check(cu_api()->cuEventSynchronize(event->event), "cuEventSynchronize");
  cu_context_leave(event->device);
  return status;
}

int32_t cu_event_elapsed_ns(xhal_plugin_event_t *start, xhal_plugin_event_t *end,
                            uint64_t *out_ns) {
  if (!start || !end || !out_ns) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "start %p, end %p, out_ns %p", (void *)start,
                    (void *)end, (void *)out_ns);
  }
  if (!atomic_load(&start->recorded) || !atomic_load(&end->recorded)) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "the %s event was never recorded",
                    atomic_load(&start->recorded) ? "end" : "start");
  }
  if (start->device != end->device) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT,
                    "events of devices %u and %u: CUDA times events of one device only",
                    start->device->index, end->device->index);
  }
  float ms = 0.0f;
  CU_RETURN_IF_ERROR(cu_context_enter(start->device));
  const CUresult result = cu_api()->cuEventElapsedTime(&ms, start->event, end->event);
  cu_context_leave(start->device);
  if (result == CUDA_ERROR_NOT_READY)
    return cu_error(XHAL_STATUS_NOT_READY, "cuEventElapsedTime: an event is still pending");
  CU_RETURN_IF_ERROR(cu_check(result, "cuEventElapsedTime"));
  /* Events on different streams may complete in either order. */
  *out_ns = ms > 0.0f ? (uint64_t)((double)ms * 1e6 + 0.5) : 0;
  return XHAL_STATUS_OK;
}

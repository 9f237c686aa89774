/* ze_event.c - events: one host-visible ze_event each, in the device's
 * context (so streams of every device of the driver can wait on it), and a
 * global timestamp written by the device when the recorded work is done. */
#include <stdlib.h>

#include "ze_backend.h"

int32_t ze__event_pool_create(xhal_plugin_device_t *device, uint32_t count, int timestamps,
                              ze_event_pool_handle_t *out_pool, ze_event_handle_t *out_events) {
  ze_event_pool_desc_t desc = {
      .stype = ZE_STRUCTURE_TYPE_EVENT_POOL_DESC,
      .flags = ZE_EVENT_POOL_FLAG_HOST_VISIBLE |
               (timestamps ? ZE_EVENT_POOL_FLAG_KERNEL_TIMESTAMP : 0u),
      .count = count};
  ze_event_pool_handle_t pool = NULL;
  /* No device list: the events are visible to every device of the context. */
  ZE_RETURN_IF_ERROR(ze__check(zeEventPoolCreate(device->driver->context, &desc, 0, NULL, &pool),
                               "zeEventPoolCreate(%u events)", count));
  for (uint32_t i = 0; i < count; ++i) {
    ze_event_desc_t edesc = {.stype = ZE_STRUCTURE_TYPE_EVENT_DESC,
                             .index = i,
                             .signal = ZE_EVENT_SCOPE_FLAG_HOST,
                             .wait = ZE_EVENT_SCOPE_FLAG_HOST};
    int32_t status = ze__check(zeEventCreate(pool, &edesc, &out_events[i]), "zeEventCreate(%u)", i);
    if (status != XHAL_STATUS_OK) {
      while (i--) zeEventDestroy(out_events[i]);
      zeEventPoolDestroy(pool);
      return status;
    }
  }
  *out_pool = pool;
  return XHAL_STATUS_OK;
}

int32_t ze_event_create(xhal_plugin_device_t *device, xhal_plugin_event_t **out_event) {
  if (!device || !out_event) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, out_event %p", (void *)device,
                     (void *)out_event);
  }
  xhal_plugin_event_t *event = calloc(1, sizeof *event);
  if (!event) return ze__error(XHAL_STATUS_OUT_OF_MEMORY, "event record");
  event->device = device;
  ze_host_mem_alloc_desc_t hdesc = {.stype = ZE_STRUCTURE_TYPE_HOST_MEM_ALLOC_DESC};
  void *ts = NULL;
  int32_t status = ze__check(zeMemAllocHost(device->driver->context, &hdesc, sizeof(uint64_t),
                                            sizeof(uint64_t), &ts),
                             "zeMemAllocHost(timestamp)");
  if (status == XHAL_STATUS_OK && !ts) status = ze__error(XHAL_STATUS_OUT_OF_MEMORY, "timestamp");
  if (status != XHAL_STATUS_OK) {
    free(event);
    return status;
  }
  event->timestamp = ts;
  *event->timestamp = 0;
  status = ze__event_pool_create(device, 1, 0, &event->pool, &event->handle);
  /* A never-recorded event is complete: waits on it pass. */
  if (status == XHAL_STATUS_OK)
    status = ze__check(zeEventHostSignal(event->handle), "zeEventHostSignal(new event)");
  if (status != XHAL_STATUS_OK) {
    if (event->pool) {
      zeEventDestroy(event->handle);
      zeEventPoolDestroy(event->pool);
    }
    zeMemFree(device->driver->context, ts);
    free(event);
    return status;
  }
  pthread_mutex_init(&event->mutex, NULL);
  ze__track(device->instance, &event->object, ZE_OBJECT_EVENT);
  *out_event = event;
  return XHAL_STATUS_OK;
}

int32_t ze_event_destroy(xhal_plugin_event_t *event) {
  if (!event) return XHAL_STATUS_OK;
  ze__untrack(event->device->instance, &event->object);
  /* The device may still signal it: let the recorded work finish first. */
  if (event->recorded) zeEventHostSynchronize(event->handle, UINT64_MAX);
  zeEventDestroy(event->handle);
  zeEventPoolDestroy(event->pool);
  zeMemFree(event->device->driver->context, event->timestamp);
  pthread_mutex_destroy(&event->mutex);
  free(event);
  return XHAL_STATUS_OK;
}

int32_t ze_event_record(xhal_plugin_event_t *event, xhal_plugin_stream_t *stream) {
  if (!event || !stream) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "event %p, stream %p", (void *)event,
                     (void *)stream);
  }
  if (stream->device != event->device) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT,
                     "event is on device %u, the stream on device %u", event->device->index,
                     stream->device->index);
  }
  pthread_mutex_lock(&event->mutex);
  /* Re-recording replaces the capture: the previous one must be done
   * before the event can be reset. */
  int32_t status = XHAL_STATUS_OK;
  if (event->recorded) {
    status = ze__check(zeEventHostSynchronize(event->handle, UINT64_MAX),
                       "zeEventHostSynchronize(previous record)");
  }
  if (status == XHAL_STATUS_OK)
    status = ze__check(zeEventHostReset(event->handle), "zeEventHostReset");
  if (status == XHAL_STATUS_OK) status = ze__stream_begin(stream);
  /* The barrier orders the timestamp after all prior work of the stream;
   * the timestamp write then signals the event. */
  if (status == XHAL_STATUS_OK) {
    status = ze__check(zeCommandListAppendBarrier(stream->list, NULL, 0, NULL),
                       "zeCommandListAppendBarrier(event record)");
  }
  if (status == XHAL_STATUS_OK) {
    status = ze__check(zeCommandListAppendWriteGlobalTimestamp(stream->list, event->timestamp,
                                                               event->handle, 0, NULL),
                       "zeCommandListAppendWriteGlobalTimestamp(event record)");
  }
  /* A batched stream submits now: the event completes without a further
   * call on the stream (another stream or the host may wait on it). */
  if (status == XHAL_STATUS_OK && stream->queue) status = ze__batch_flush(stream);
  if (status == XHAL_STATUS_OK) {
    pthread_mutex_lock(&stream->mutex);
    event->error = stream->error;
    pthread_mutex_unlock(&stream->mutex);
    event->recorded = 1;
  } else {
    zeEventHostSignal(event->handle); /* never leave waiters blocked */
  }
  pthread_mutex_unlock(&event->mutex);
  return status;
}

int32_t ze_stream_wait_event(xhal_plugin_stream_t *stream, xhal_plugin_event_t *event) {
  if (!stream || !event) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, event %p", (void *)stream,
                     (void *)event);
  }
  if (stream->device->instance != event->device->instance) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "the event belongs to another instance");
  }
  pthread_mutex_lock(&event->mutex);
  int32_t status = XHAL_STATUS_OK;
  if (!event->recorded) {
    /* never recorded: complete */
  } else if (event->device->driver == stream->device->driver) {
    status = ze__stream_begin(stream);
    if (status == XHAL_STATUS_OK) {
      status = ze__check(zeCommandListAppendWaitOnEvents(stream->list, 1, &event->handle),
                         "zeCommandListAppendWaitOnEvents");
    }
  } else {
    /* Another driver's context: the host waits instead of the device. */
    status = ze__check(zeEventHostSynchronize(event->handle, UINT64_MAX),
                       "zeEventHostSynchronize(event of another driver)");
  }
  pthread_mutex_unlock(&event->mutex);
  return status;
}

int32_t ze_event_query(xhal_plugin_event_t *event) {
  if (!event) return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "event is NULL");
  pthread_mutex_lock(&event->mutex);
  const ze_result_t r = zeEventQueryStatus(event->handle);
  const int32_t prior = event->error;
  pthread_mutex_unlock(&event->mutex);
  if (r == ZE_RESULT_NOT_READY) return XHAL_STATUS_NOT_READY;
  ZE_RETURN_IF_ERROR(ze__check(r, "zeEventQueryStatus"));
  if (prior != XHAL_STATUS_OK)
    return ze__error(prior, "work enqueued before the event was recorded failed");
  return XHAL_STATUS_OK;
}

int32_t ze_event_synchronize(xhal_plugin_event_t *event) {
  if (!event) return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "event is NULL");
  pthread_mutex_lock(&event->mutex);
  const ze_result_t r = zeEventHostSynchronize(event->handle, UINT64_MAX);
  const int32_t prior = event->error;
  pthread_mutex_unlock(&event->mutex);
  ZE_RETURN_IF_ERROR(ze__check(r, "zeEventHostSynchronize"));
  if (prior != XHAL_STATUS_OK)
    return ze__error(prior, "work enqueued before the event was recorded failed");
  return XHAL_STATUS_OK;
}

/* The completion time of a recorded, complete event in device ticks. */
static int32_t ze_event_time(xhal_plugin_event_t *event, const char *which, uint64_t *out_ticks) {
  pthread_mutex_lock(&event->mutex);
  const int recorded = event->recorded;
  const ze_result_t r = recorded ? zeEventQueryStatus(event->handle) : ZE_RESULT_SUCCESS;
  const uint64_t ticks = *(volatile uint64_t *)event->timestamp;
  pthread_mutex_unlock(&event->mutex);
  if (!recorded)
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "the %s event was never recorded", which);
  if (r == ZE_RESULT_NOT_READY)
    return ze__error(XHAL_STATUS_NOT_READY, "the %s event is still pending", which);
  ZE_RETURN_IF_ERROR(ze__check(r, "zeEventQueryStatus(%s event)", which));
  *out_ticks = ticks;
  return XHAL_STATUS_OK;
}

int32_t ze_event_elapsed_ns(xhal_plugin_event_t *start, xhal_plugin_event_t *end,
                            uint64_t *out_ns) {
  if (!start || !end || !out_ns) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "start %p, end %p, out_ns %p", (void *)start,
                     (void *)end, (void *)out_ns);
  }
  if (start->device != end->device) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT,
                     "events of devices %u and %u: their timers are unrelated",
                     start->device->index, end->device->index);
  }
  uint64_t t0 = 0, t1 = 0;
  ZE_RETURN_IF_ERROR(ze_event_time(start, "start", &t0));
  ZE_RETURN_IF_ERROR(ze_event_time(end, "end", &t1));
  const xhal_plugin_device_t *d = start->device;
  t0 &= d->timestamp_mask;
  t1 &= d->timestamp_mask;
  /* The timer may wrap once between the two; events on two streams may
   * complete in either order (then 0). */
  uint64_t ticks = t1 >= t0 ? t1 - t0 : 0;
  if (t1 < t0 && d->timestamp_mask != UINT64_MAX && t0 - t1 > d->timestamp_mask / 2)
    ticks = (t1 + d->timestamp_mask + 1 - t0) & d->timestamp_mask;
  *out_ns = ticks * d->timer_ns_num / d->timer_ns_den;
  return XHAL_STATUS_OK;
}

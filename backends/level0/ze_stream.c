/* ze_stream.c - streams: one in-order immediate command list each (or, on
 * a driver without immediate command lists, batched submissions to a
 * command queue: ze_batch.c), a worker thread for host callbacks (started
 * on the first callback), and memory freed once the device has passed
 * the commands that read it (operators' temporary tables). */
#include <stdio.h>
#include <stdlib.h>

#include "ze_backend.h"

/* ZE_COMMAND_QUEUE_FLAG_IN_ORDER of Level Zero 1.7 (the installed header
 * may be older). */
#ifndef ZE_STREAM_QUEUE_FLAG_IN_ORDER
#define ZE_STREAM_QUEUE_FLAG_IN_ORDER (1u << 1)
#endif

int32_t ze__stream_fail(xhal_plugin_stream_t *stream, int32_t status) {
  if (status != XHAL_STATUS_OK) {
    pthread_mutex_lock(&stream->mutex);
    if (stream->error == XHAL_STATUS_OK) stream->error = status;
    pthread_mutex_unlock(&stream->mutex);
  }
  return status;
}

/* The stream's immediate command list, in order, and its sync event. */
static int32_t ze_stream_immediate_create(xhal_plugin_stream_t *stream) {
  xhal_plugin_device_t *device = stream->device;
  ze_command_queue_desc_t desc = {.stype = ZE_STRUCTURE_TYPE_COMMAND_QUEUE_DESC,
                                  .ordinal = device->queue_ordinal,
                                  .index = 0,
                                  .flags = ZE_STREAM_QUEUE_FLAG_IN_ORDER,
                                  .mode = ZE_COMMAND_QUEUE_MODE_ASYNCHRONOUS,
                                  .priority = ZE_COMMAND_QUEUE_PRIORITY_NORMAL};
  ze_result_t r =
      zeCommandListCreateImmediate(device->driver->context, device->handle, &desc, &stream->list);
  if (r != ZE_RESULT_SUCCESS) {
    /* A driver older than Level Zero 1.7 may refuse the flag: order the
     * stream with a barrier after every command instead. */
    desc.flags = 0;
    stream->explicit_order = 1;
    r = zeCommandListCreateImmediate(device->driver->context, device->handle, &desc,
                                     &stream->list);
  }
  ZE_RETURN_IF_ERROR(ze__check(r, "zeCommandListCreateImmediate(device %u, ordinal %u)",
                               device->index, device->queue_ordinal));
  const int32_t status = ze__event_pool_create(device, 1, 0, &stream->pool, &stream->sync);
  if (status != XHAL_STATUS_OK) {
    zeCommandListDestroy(stream->list);
    stream->list = NULL;
  }
  return status;
}

/* Immediate command lists where the driver has them (or as
 * XHAL_LEVEL0_STREAMS says), else batches on a command queue. */
static int32_t ze_stream_submission_create(xhal_plugin_stream_t *stream) {
  xhal_plugin_device_t *device = stream->device;
  const ze_stream_mode_t mode = device->instance->stream_mode;
  if (mode != ZE_STREAMS_BATCHED && !atomic_load(&device->no_immediate_lists)) {
    const int32_t status = ze_stream_immediate_create(stream);
    if (status == XHAL_STATUS_OK || mode == ZE_STREAMS_IMMEDIATE) return status;
    /* Said once per device; its later streams go straight to batches. */
    if (!atomic_exchange(&device->no_immediate_lists, 1)) {
      char reason[512];
      snprintf(reason, sizeof reason, "%s", ze__last_message());
      ze__log(XHAL_LOG_INFO,
              "level0: %s: no immediate command list (%s): its streams submit batches of "
              "regular command lists to a command queue, with a fence each",
              device->props.name, reason);
    }
    stream->explicit_order = 0;
  }
  return ze__batch_stream_init(stream);
}

int32_t ze_stream_create(xhal_plugin_device_t *device, xhal_plugin_stream_t **out_stream) {
  if (!device || !out_stream) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, out_stream %p", (void *)device,
                     (void *)out_stream);
  }
  xhal_plugin_stream_t *stream = calloc(1, sizeof *stream);
  if (!stream) return ze__error(XHAL_STATUS_OUT_OF_MEMORY, "stream record");
  stream->device = device;
  const int32_t status = ze_stream_submission_create(stream);
  if (status != XHAL_STATUS_OK) {
    free(stream);
    return status;
  }
  pthread_mutex_init(&stream->mutex, NULL);
  pthread_cond_init(&stream->cond, NULL);
  ze__track(device->instance, &stream->object, ZE_OBJECT_STREAM);
  *out_stream = stream;
  return XHAL_STATUS_OK;
}

int32_t ze__stream_begin(xhal_plugin_stream_t *stream) {
  return stream->queue ? ze__batch_begin(stream) : XHAL_STATUS_OK;
}

int32_t ze__stream_ordered(xhal_plugin_stream_t *stream, int32_t status) {
  if (status == XHAL_STATUS_OK && stream->explicit_order) {
    status = ze__check(zeCommandListAppendBarrier(stream->list, NULL, 0, NULL),
                       "zeCommandListAppendBarrier(stream order)");
  }
  if (status == XHAL_STATUS_OK && stream->queue) status = ze__batch_appended(stream);
  return status;
}

static void ze_callback_free(ze_callback_t *cb) {
  zeEventDestroy(cb->done);
  zeEventDestroy(cb->gate);
  zeEventPoolDestroy(cb->pool);
  free(cb);
}

/* Frees the callbacks whose gates the device no longer waits on (called
 * after a synchronize). */
static void ze_stream_free_finished(xhal_plugin_stream_t *stream) {
  pthread_mutex_lock(&stream->mutex);
  ze_callback_t *cb = stream->finished;
  stream->finished = NULL;
  pthread_mutex_unlock(&stream->mutex);
  while (cb) {
    ze_callback_t *next = cb->next;
    ze_callback_free(cb);
    cb = next;
  }
}

/* Waits on the host until the device has done everything enqueued: a
 * barrier signalling the sync event on an immediate list, the fences of a
 * batched stream. */
static int32_t ze_stream_wait_idle(xhal_plugin_stream_t *stream) {
  if (stream->queue) return ze__batch_synchronize(stream);
  ZE_RETURN_IF_ERROR(ze__check(zeEventHostReset(stream->sync), "zeEventHostReset(stream sync)"));
  ZE_RETURN_IF_ERROR(ze__check(zeCommandListAppendBarrier(stream->list, stream->sync, 0, NULL),
                               "zeCommandListAppendBarrier(stream synchronize)"));
  return ze__check(zeEventHostSynchronize(stream->sync, UINT64_MAX),
                   "zeEventHostSynchronize(stream synchronize)");
}

/* ---- Memory freed when the device has passed it ----------------------------------------- */

static void ze_deferred_destroy(xhal_plugin_stream_t *stream, ze_deferred_free_t *record) {
  const ze_context_handle_t context = stream->device->driver->context;
  for (uint32_t i = 0; i < record->count; ++i) {
    const ze_result_t r = zeMemFree(context, record->memory[i]);
    if (r != ZE_RESULT_SUCCESS)
      ze__log(XHAL_LOG_WARNING, "level0: zeMemFree(%p, operator temporary): %s", record->memory[i],
              ze__result_name(r));
  }
  if (record->passed) zeEventDestroy(record->passed);
  if (record->pool) zeEventPoolDestroy(record->pool);
  free(record);
}

/* Frees the deferred memory the device is done with: all of it (the
 * stream is idle), or the records whose event has been signalled. Never
 * blocks. */
static void ze_stream_reclaim(xhal_plugin_stream_t *stream, int all) {
  ze_deferred_free_t **link = &stream->deferred;
  while (*link) {
    ze_deferred_free_t *record = *link;
    if (all || (record->passed && zeEventQueryStatus(record->passed) == ZE_RESULT_SUCCESS)) {
      *link = record->next;
      ze_deferred_destroy(stream, record);
    } else {
      link = &record->next;
    }
  }
}

/* Gives record its event and appends the barrier that signals it after
 * everything the stream holds so far; record has no event if the barrier
 * could not be appended. */
static int32_t ze_deferred_mark(xhal_plugin_stream_t *stream, ze_deferred_free_t *record) {
  ze_event_pool_handle_t pool = NULL;
  ze_event_handle_t passed = NULL;
  ZE_RETURN_IF_ERROR(ze__event_pool_create(stream->device, 1, 0, &pool, &passed));
  int32_t status = ze__stream_begin(stream);
  if (status == XHAL_STATUS_OK) {
    status = ze__check(zeCommandListAppendBarrier(stream->list, passed, 0, NULL),
                       "zeCommandListAppendBarrier(free %u operator temporaries after it)",
                       record->count);
  }
  if (status != XHAL_STATUS_OK) {
    zeEventDestroy(passed);
    zeEventPoolDestroy(pool);
    return status;
  }
  /* Appended, so the event stays the record's whatever follows: a batch
   * that cannot be submitted never signals it, and a synchronize frees
   * the record then. */
  record->pool = pool;
  record->passed = passed;
  return ze__stream_ordered(stream, XHAL_STATUS_OK);
}

int32_t ze__stream_free_after(xhal_plugin_stream_t *stream, void *const *memory,
                              uint32_t count) {
  ze_stream_reclaim(stream, 0);
  ze_deferred_free_t *record = calloc(1, sizeof *record + count * sizeof *memory);
  if (!record) {
    /* No way to remember it: wait until nothing can read it any more. */
    const int32_t idle = ze_stream_wait_idle(stream);
    for (uint32_t i = 0; i < count && idle == XHAL_STATUS_OK; ++i)
      zeMemFree(stream->device->driver->context, memory[i]);
    if (idle != XHAL_STATUS_OK)
      ze__log(XHAL_LOG_WARNING, "level0: %u operator temporaries are not freed: no record, and "
              "the stream did not go idle (%s)", count, ze__last_message());
    return idle;
  }
  record->count = count;
  for (uint32_t i = 0; i < count; ++i) record->memory[i] = memory[i];
  const int32_t status = ze_deferred_mark(stream, record);
  record->next = stream->deferred;
  stream->deferred = record;
  return status;
}

int32_t ze_stream_synchronize(xhal_plugin_stream_t *stream) {
  if (!stream) return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "stream is NULL");
  const int32_t status = ze_stream_wait_idle(stream);
  /* Every callback's gate precedes the barrier, so the worker is done with
   * them; wait until it has filed them as finished. */
  pthread_mutex_lock(&stream->mutex);
  while (status == XHAL_STATUS_OK && stream->queued_head) pthread_cond_wait(&stream->cond, &stream->mutex);
  const int32_t error = stream->error;
  stream->error = XHAL_STATUS_OK;
  pthread_mutex_unlock(&stream->mutex);
  if (status != XHAL_STATUS_OK) return status;
  ze_stream_free_finished(stream);
  ze_stream_reclaim(stream, 1);
  if (error != XHAL_STATUS_OK)
    return ze__error(error, "work enqueued on the stream failed");
  return XHAL_STATUS_OK;
}

int32_t ze_stream_destroy(xhal_plugin_stream_t *stream) {
  if (!stream) return XHAL_STATUS_OK;
  ze__untrack(stream->device->instance, &stream->object);
  int32_t status = ze_stream_synchronize(stream);
  if (status != XHAL_STATUS_OK) {
    ze__log(XHAL_LOG_WARNING, "level0: stream_destroy: draining the stream: %s",
            ze__last_message());
  }
  pthread_mutex_lock(&stream->mutex);
  stream->stopping = 1;
  pthread_cond_broadcast(&stream->cond);
  pthread_mutex_unlock(&stream->mutex);
  if (stream->worker_started) pthread_join(stream->worker, NULL);
  ze_stream_free_finished(stream);
  if (stream->queue) {
    ze__batch_stream_deinit(stream);
  } else {
    zeCommandListDestroy(stream->list);
    zeEventDestroy(stream->sync);
    zeEventPoolDestroy(stream->pool);
  }
  /* After the lists that used it; if the synchronize above failed, the
   * device has failed too and runs nothing more of this stream. */
  ze_stream_reclaim(stream, 1);
  pthread_cond_destroy(&stream->cond);
  pthread_mutex_destroy(&stream->mutex);
  free(stream);
  return XHAL_STATUS_OK;
}

/* The callback worker: runs queued callbacks in order, each once the stream
 * has reached it, then opens its gate. */
static void *ze_stream_worker(void *arg) {
  xhal_plugin_stream_t *stream = arg;
  pthread_mutex_lock(&stream->mutex);
  for (;;) {
    while (!stream->queued_head && !stream->stopping) pthread_cond_wait(&stream->cond, &stream->mutex);
    ze_callback_t *cb = stream->queued_head;
    if (!cb) break; /* stopping and nothing left */
    pthread_mutex_unlock(&stream->mutex);

    const ze_result_t r = zeEventHostSynchronize(cb->done, UINT64_MAX);
    pthread_mutex_lock(&stream->mutex);
    int32_t status = stream->error;
    pthread_mutex_unlock(&stream->mutex);
    if (r != ZE_RESULT_SUCCESS && status == XHAL_STATUS_OK) status = ze__status(r);
    cb->fn(cb->user_data, status);
    zeEventHostSignal(cb->gate);

    pthread_mutex_lock(&stream->mutex);
    stream->queued_head = cb->next;
    if (!stream->queued_head) stream->queued_tail = NULL;
    cb->next = stream->finished;
    stream->finished = cb;
    pthread_cond_broadcast(&stream->cond);
  }
  pthread_mutex_unlock(&stream->mutex);
  return NULL;
}

int32_t ze_stream_add_callback(xhal_plugin_stream_t *stream, xhal_plugin_stream_callback_fn fn,
                               void *user_data) {
  if (!stream || !fn) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, fn %s", (void *)stream,
                     fn ? "set" : "NULL");
  }
  ze_callback_t *cb = calloc(1, sizeof *cb);
  if (!cb) return ze__error(XHAL_STATUS_OUT_OF_MEMORY, "callback record");
  cb->fn = fn;
  cb->user_data = user_data;
  ze_event_handle_t events[2] = {NULL, NULL};
  int32_t status = ze__event_pool_create(stream->device, 2, 0, &cb->pool, events);
  if (status != XHAL_STATUS_OK) {
    free(cb);
    return status;
  }
  cb->done = events[0];
  cb->gate = events[1];
  pthread_mutex_lock(&stream->mutex);
  if (!stream->worker_started) {
    if (pthread_create(&stream->worker, NULL, ze_stream_worker, stream) != 0) {
      pthread_mutex_unlock(&stream->mutex);
      ze_callback_free(cb);
      return ze__error(XHAL_STATUS_OUT_OF_MEMORY, "pthread_create(callback worker)");
    }
    stream->worker_started = 1;
  }
  pthread_mutex_unlock(&stream->mutex);

  status = ze__stream_begin(stream);
  if (status == XHAL_STATUS_OK) {
    status = ze__check(zeCommandListAppendBarrier(stream->list, cb->done, 0, NULL),
                       "zeCommandListAppendBarrier(callback)");
  }
  if (status != XHAL_STATUS_OK) {
    ze_callback_free(cb);
    return status;
  }
  status = ze__check(zeCommandListAppendWaitOnEvents(stream->list, 1, &cb->gate),
                     "zeCommandListAppendWaitOnEvents(callback gate)");
  if (status != XHAL_STATUS_OK) {
    /* done is already enqueued: let the callback run, and nothing waits. */
    ze__stream_fail(stream, status);
  }
  /* A batched stream submits now, so the callback runs without a further
   * call; if the batch cannot be submitted, the device never signals done:
   * the host does, and the callback sees the stream's error. */
  if (stream->queue && ze__batch_flush(stream) != XHAL_STATUS_OK) {
    zeEventHostSignal(cb->done);
    zeEventHostSignal(cb->gate);
  }
  pthread_mutex_lock(&stream->mutex);
  if (stream->queued_tail)
    stream->queued_tail->next = cb;
  else
    stream->queued_head = cb;
  stream->queued_tail = cb;
  pthread_cond_broadcast(&stream->cond);
  pthread_mutex_unlock(&stream->mutex);
  return XHAL_STATUS_OK;
}

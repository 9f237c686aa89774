/* ze_batch.c - batched streams: the stream's commands are recorded into a
 * regular command list and submitted to the stream's own command queue in
 * batches, each zeCommandQueueExecuteCommandLists signalling the batch's
 * fence.
 *
 * This is how a stream works on a driver that offers no immediate command
 * lists (zeCommandListCreateImmediate fails), or with
 * XHAL_LEVEL0_STREAMS=batched. The fences are the host's view of the
 * queue: stream_synchronize waits for every submitted batch's fence (and
 * gets a device failure as the fence's result), and a batch's command list,
 * fence and tail event are reset and reused only once the fences say the
 * device is done with them (zeCommandListReset and zeFenceReset require
 * it).
 *
 * Order: a list is in order by itself (ZE_COMMAND_LIST_FLAG_IN_ORDER of
 * Level Zero 1.7, or a barrier after every command where the driver refuses
 * the flag); across batches, each batch ends by signalling its tail event
 * and the next batch starts by waiting on it, whatever the queue does
 * between submissions. A batch is reused only when the batch after it has
 * completed too (that one waited on its tail).
 *
 * When a batch is submitted: when it holds ZE_BATCH_MAX_COMMANDS commands,
 * at event_record and stream_add_callback (an event or callback must
 * complete without a further call on the stream), and at synchronize and
 * destroy. The host never blocks on a fence while enqueuing: a callback may
 * hold the stream until the enqueuing thread does something else. */
#include <stdlib.h>

#include "ze_backend.h"

/* ZE_COMMAND_LIST_FLAG_IN_ORDER of Level Zero 1.7 (the installed header
 * may be older). */
#ifndef ZE_BATCH_LIST_FLAG_IN_ORDER
#define ZE_BATCH_LIST_FLAG_IN_ORDER (1u << 3)
#endif

/* Commands per submission at most: work starts while the host records more,
 * and one submission replaces many appends' worth of doorbells. */
#define ZE_BATCH_MAX_COMMANDS 64

int32_t ze__batch_stream_init(xhal_plugin_stream_t *stream) {
  const xhal_plugin_device_t *device = stream->device;
  const ze_command_queue_desc_t desc = {.stype = ZE_STRUCTURE_TYPE_COMMAND_QUEUE_DESC,
                                        .ordinal = device->queue_ordinal,
                                        .index = 0,
                                        .flags = 0,
                                        .mode = ZE_COMMAND_QUEUE_MODE_ASYNCHRONOUS,
                                        .priority = ZE_COMMAND_QUEUE_PRIORITY_NORMAL};
  return ze__check(
      zeCommandQueueCreate(device->driver->context, device->handle, &desc, &stream->queue),
      "zeCommandQueueCreate(device %u, ordinal %u)", device->index, device->queue_ordinal);
}

static void ze_batch_destroy(ze_batch_t *batch) {
  if (batch->list) zeCommandListDestroy(batch->list);
  if (batch->fence) zeFenceDestroy(batch->fence);
  if (batch->pool) {
    zeEventDestroy(batch->tail);
    zeEventPoolDestroy(batch->pool);
  }
  free(batch);
}

static int32_t ze_batch_list_create(xhal_plugin_stream_t *stream, ze_batch_t *batch) {
  const xhal_plugin_device_t *device = stream->device;
  ze_command_list_desc_t desc = {.stype = ZE_STRUCTURE_TYPE_COMMAND_LIST_DESC,
                                 .commandQueueGroupOrdinal = device->queue_ordinal,
                                 .flags = stream->explicit_order ? 0 : ZE_BATCH_LIST_FLAG_IN_ORDER};
  ze_result_t r = zeCommandListCreate(device->driver->context, device->handle, &desc, &batch->list);
  if (r != ZE_RESULT_SUCCESS && !stream->explicit_order) {
    /* A driver older than Level Zero 1.7 may refuse the flag: a barrier
     * after every command keeps this stream's lists in order instead. */
    desc.flags = 0;
    r = zeCommandListCreate(device->driver->context, device->handle, &desc, &batch->list);
    if (r == ZE_RESULT_SUCCESS) stream->explicit_order = 1;
  }
  return ze__check(r, "zeCommandListCreate(device %u, ordinal %u)", device->index,
                   device->queue_ordinal);
}

/* A new batch: its regular command list, its fence (unsignalled) on the
 * stream's queue and its tail event. */
static int32_t ze_batch_create(xhal_plugin_stream_t *stream, ze_batch_t **out_batch) {
  ze_batch_t *batch = calloc(1, sizeof *batch);
  if (!batch) return ze__error(XHAL_STATUS_OUT_OF_MEMORY, "batch record");
  int32_t status = ze_batch_list_create(stream, batch);
  if (status == XHAL_STATUS_OK) {
    const ze_fence_desc_t desc = {.stype = ZE_STRUCTURE_TYPE_FENCE_DESC, .flags = 0};
    status = ze__check(zeFenceCreate(stream->queue, &desc, &batch->fence),
                       "zeFenceCreate(stream queue)");
  }
  if (status == XHAL_STATUS_OK)
    status = ze__event_pool_create(stream->device, 1, 0, &batch->pool, &batch->tail);
  if (status != XHAL_STATUS_OK) {
    ze_batch_destroy(batch);
    return status;
  }
  *out_batch = batch;
  return XHAL_STATUS_OK;
}

/* Makes a batch the device no longer references ready for reuse. */
static void ze_batch_recycle(xhal_plugin_stream_t *stream, ze_batch_t *batch) {
  const ze_result_t r1 = zeCommandListReset(batch->list);
  const ze_result_t r2 = zeFenceReset(batch->fence);
  const ze_result_t r3 = zeEventHostReset(batch->tail);
  if (r1 != ZE_RESULT_SUCCESS || r2 != ZE_RESULT_SUCCESS || r3 != ZE_RESULT_SUCCESS) {
    /* not reusable: drop it; a later batch is created anew */
    ze__log(XHAL_LOG_WARNING,
            "level0: a batch could not be reset (zeCommandListReset %s, zeFenceReset %s, "
            "zeEventHostReset %s): destroyed",
            ze__result_name(r1), ze__result_name(r2), ze__result_name(r3));
    ze_batch_destroy(batch);
    return;
  }
  batch->commands = 0;
  batch->next = stream->spare;
  stream->spare = batch;
}

/* Recycles the oldest submitted batches whose successor has completed (it
 * waited on their tails, so nothing refers to them any more). Never
 * blocks: the fences are only queried. */
static void ze_batch_collect(xhal_plugin_stream_t *stream) {
  ze_batch_t *b = stream->submitted_head;
  while (b && b->next && zeFenceQueryStatus(b->next->fence) == ZE_RESULT_SUCCESS &&
         zeFenceQueryStatus(b->fence) == ZE_RESULT_SUCCESS) {
    stream->submitted_head = b->next;
    ze_batch_recycle(stream, b);
    b = stream->submitted_head;
  }
}

int32_t ze__batch_begin(xhal_plugin_stream_t *stream) {
  if (stream->open) return XHAL_STATUS_OK;
  ze_batch_t *batch = stream->spare;
  if (batch) {
    stream->spare = batch->next;
    batch->next = NULL;
  } else {
    ZE_RETURN_IF_ERROR(ze_batch_create(stream, &batch));
  }
  /* After the stream's previous batch, whatever the queue's order between
   * submissions. */
  if (stream->submitted_tail) {
    const int32_t status =
        ze__check(zeCommandListAppendWaitOnEvents(batch->list, 1, &stream->submitted_tail->tail),
                  "zeCommandListAppendWaitOnEvents(previous batch)");
    if (status != XHAL_STATUS_OK) {
      ze_batch_recycle(stream, batch);
      return status;
    }
  }
  stream->open = batch;
  stream->list = batch->list;
  return XHAL_STATUS_OK;
}

int32_t ze__batch_flush(xhal_plugin_stream_t *stream) {
  ze_batch_t *batch = stream->open;
  if (!batch) return XHAL_STATUS_OK;
  stream->open = NULL;
  stream->list = NULL;
  int32_t status = ze__check(zeCommandListAppendBarrier(batch->list, batch->tail, 0, NULL),
                             "zeCommandListAppendBarrier(batch tail)");
  if (status == XHAL_STATUS_OK)
    status = ze__check(zeCommandListClose(batch->list), "zeCommandListClose(batch)");
  if (status == XHAL_STATUS_OK) {
    status = ze__check(
        zeCommandQueueExecuteCommandLists(stream->queue, 1, &batch->list, batch->fence),
        "zeCommandQueueExecuteCommandLists(batch of %u commands)", batch->commands);
  }
  if (status != XHAL_STATUS_OK) {
    /* Never submitted, so nothing refers to it; its commands are lost,
     * which the stream reports at its next synchronize. */
    ze__stream_fail(stream, status);
    ze_batch_recycle(stream, batch);
    return status;
  }
  if (stream->submitted_tail)
    stream->submitted_tail->next = batch;
  else
    stream->submitted_head = batch;
  stream->submitted_tail = batch;
  ze_batch_collect(stream);
  return XHAL_STATUS_OK;
}

int32_t ze__batch_appended(xhal_plugin_stream_t *stream) {
  if (++stream->open->commands < ZE_BATCH_MAX_COMMANDS) return XHAL_STATUS_OK;
  return ze__batch_flush(stream);
}

int32_t ze__batch_synchronize(xhal_plugin_stream_t *stream) {
  /* A failed submission is reported, but what was submitted before it is
   * still waited for. */
  const int32_t flushed = ze__batch_flush(stream);
  int32_t waited = XHAL_STATUS_OK;
  for (ze_batch_t *b = stream->submitted_head; b && waited == XHAL_STATUS_OK; b = b->next) {
    waited = ze__check(zeFenceHostSynchronize(b->fence, UINT64_MAX),
                       "zeFenceHostSynchronize(batch of %u commands)", b->commands);
  }
  /* After a device failure the batches stay as they are (destroyed with
   * the stream). */
  if (waited != XHAL_STATUS_OK) return waited;
  /* Every batch is done and no open batch waits on a tail: all reusable. */
  while (stream->submitted_head) {
    ze_batch_t *b = stream->submitted_head;
    stream->submitted_head = b->next;
    ze_batch_recycle(stream, b);
  }
  stream->submitted_tail = NULL;
  return flushed;
}

void ze__batch_stream_deinit(xhal_plugin_stream_t *stream) {
  ze_batch_t *lists[3] = {stream->open, stream->submitted_head, stream->spare};
  for (int i = 0; i < 3; ++i) {
    while (lists[i]) {
      ze_batch_t *next = lists[i]->next;
      ze_batch_destroy(lists[i]);
      lists[i] = next;
    }
  }
  stream->open = stream->submitted_head = stream->submitted_tail = stream->spare = NULL;
  stream->list = NULL;
  if (stream->queue) zeCommandQueueDestroy(stream->queue);
  stream->queue = NULL;
}

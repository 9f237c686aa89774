/* event.c - events. A wait between devices of one plugin is the plugin's
 * business; a wait across plugins becomes a host callback on the waiting
 * stream that blocks on the other plugin's event, or a host-side wait when
 * the waiting backend has no callbacks. */
#include "event.h"

#include <stdlib.h>

#include "handle_registry.h"
#include "status.h"
#include "stream.h"

XHAL_API xhal_status_t xhal_event_create(xhal_device_t *device, xhal_event_t **out_event) {
  XHAL_RETURN_IF_ERROR(
      xhal__handle_check("xhal_event_create", "device", device, XHAL__HANDLE_DEVICE));
  if (!out_event) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "xhal_event_create: out_event is NULL");
  }
  xhal_event_t *event = calloc(1, sizeof *event);
  if (!event) return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "xhal_event_create");
  event->device = device;
  atomic_init(&event->references, 1);
  xhal_status_t status = XHAL__PLUGIN_CALL(device, event_create, device->native, &event->native);
  if (status == XHAL_STATUS_OK) {
    status = xhal__handle_register(event, XHAL__HANDLE_EVENT);
    if (status != XHAL_STATUS_OK) device->plugin->api.event_destroy(event->native);
  }
  if (status != XHAL_STATUS_OK) {
    free(event);
    return status;
  }
  *out_event = event;
  return XHAL_STATUS_OK;
}

static xhal_status_t xhal__event_release(xhal_event_t *event) {
  if (atomic_fetch_sub(&event->references, 1) != 1) return XHAL_STATUS_OK;
  xhal_status_t status = XHAL__PLUGIN_CALL(event->device, event_destroy, event->native);
  free(event);
  return status;
}

XHAL_API xhal_status_t xhal_event_destroy(xhal_event_t *event) {
  if (!event) return XHAL_STATUS_OK;
  XHAL_RETURN_IF_ERROR(xhal__handle_check("xhal_event_destroy", "event", event, XHAL__HANDLE_EVENT));
  xhal__handle_unregister(event);
  return xhal__event_release(event);
}

XHAL_API xhal_status_t xhal_event_record(xhal_event_t *event, xhal_stream_t *stream) {
  XHAL_RETURN_IF_ERROR(xhal__handle_check("xhal_event_record", "event", event, XHAL__HANDLE_EVENT));
  XHAL_RETURN_IF_ERROR(
      xhal__handle_check("xhal_event_record", "stream", stream, XHAL__HANDLE_STREAM));
  if (event->device != stream->device) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "xhal_event_record: event is on device %u, stream on device %u",
                       event->device->index, stream->device->index);
  }
  return XHAL__PLUGIN_CALL(stream->device, event_record, event->native, stream->native);
}

static void xhal__cross_backend_wait(void *user_data, int32_t status) {
  (void)status;
  xhal_event_t *event = user_data;
  /* Errors of the awaited work surface on the event's own queries; the wait
   * only orders. */
  event->device->plugin->api.event_synchronize(event->native);
  xhal__event_release(event);
}

XHAL_API xhal_status_t xhal_stream_wait_event(xhal_stream_t *stream, xhal_event_t *event) {
  XHAL_RETURN_IF_ERROR(
      xhal__handle_check("xhal_stream_wait_event", "stream", stream, XHAL__HANDLE_STREAM));
  XHAL_RETURN_IF_ERROR(
      xhal__handle_check("xhal_stream_wait_event", "event", event, XHAL__HANDLE_EVENT));
  xhal_device_t *device = stream->device;
  if (event->device->plugin == device->plugin) {
    return XHAL__PLUGIN_CALL(device, stream_wait_event, stream->native, event->native);
  }
  if (!device->plugin->api.stream_add_callback) {
    return XHAL__PLUGIN_CALL(event->device, event_synchronize, event->native);
  }
  atomic_fetch_add(&event->references, 1);
  xhal_status_t status = XHAL__PLUGIN_CALL(device, stream_add_callback, stream->native,
                                           xhal__cross_backend_wait, event);
  if (status != XHAL_STATUS_OK) atomic_fetch_sub(&event->references, 1);
  return status;
}

XHAL_API xhal_status_t xhal_event_query(xhal_event_t *event) {
  XHAL_RETURN_IF_ERROR(xhal__handle_check("xhal_event_query", "event", event, XHAL__HANDLE_EVENT));
  xhal__plugin_message_clear();
  int32_t status = event->device->plugin->api.event_query(event->native);
  if (status == XHAL_STATUS_NOT_READY) return XHAL_STATUS_NOT_READY;
  return xhal__from_plugin(event->device->plugin->name, "event_query", status);
}

XHAL_API xhal_status_t xhal_event_synchronize(xhal_event_t *event) {
  XHAL_RETURN_IF_ERROR(
      xhal__handle_check("xhal_event_synchronize", "event", event, XHAL__HANDLE_EVENT));
  return XHAL__PLUGIN_CALL(event->device, event_synchronize, event->native);
}

XHAL_API xhal_status_t xhal_event_elapsed_ns(xhal_event_t *start, xhal_event_t *end,
                                             uint64_t *out_ns) {
  XHAL_RETURN_IF_ERROR(xhal__handle_check("xhal_event_elapsed_ns", "start", start, XHAL__HANDLE_EVENT));
  XHAL_RETURN_IF_ERROR(xhal__handle_check("xhal_event_elapsed_ns", "end", end, XHAL__HANDLE_EVENT));
  if (!out_ns) return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "xhal_event_elapsed_ns: out_ns is NULL");
  if (start->device->plugin != end->device->plugin) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "xhal_event_elapsed_ns: events of different backends (%s, %s) share no clock",
                       start->device->plugin->name, end->device->plugin->name);
  }
  if (!start->device->plugin->api.event_elapsed_ns) {
    return xhal__error(XHAL_STATUS_UNIMPLEMENTED, "%s: event_elapsed_ns is not implemented",
                       start->device->plugin->name);
  }
  return XHAL__PLUGIN_CALL(start->device, event_elapsed_ns, start->native, end->native, out_ns);
}

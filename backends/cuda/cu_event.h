/* cu_event.h - events of the CUDA backend: one CUevent each (timing
 * enabled, for event_elapsed_ns), in the primary context of its device. */
#ifndef XHAL_CU_EVENT_H
#define XHAL_CU_EVENT_H

#include "cu_device.h"

struct xhal_plugin_event {
  cu_object_t object; /* on the instance's event list */
  xhal_plugin_device_t *device;
  CUevent event;
  atomic_int recorded; /* event_record succeeded at least once */
};

int32_t cu_event_create(xhal_plugin_device_t *device, xhal_plugin_event_t **out_event);
int32_t cu_event_destroy(xhal_plugin_event_t *event);
/* The stream must be on the event's device (a CUDA event records in its
 * own context). */
int32_t cu_event_record(xhal_plugin_event_t *event, xhal_plugin_stream_t *stream);
/* The event may belong to any device of the instance (cuStreamWaitEvent
 * waits across contexts). */
int32_t cu_stream_wait_event(xhal_plugin_stream_t *stream, xhal_plugin_event_t *event);
int32_t cu_event_query(xhal_plugin_event_t *event);
int32_t cu_event_synchronize(xhal_plugin_event_t *event);
/* Both events recorded and complete, on the same device; cuEventElapsedTime
 * gives milliseconds with about 0.5 us resolution. */
int32_t cu_event_elapsed_ns(xhal_plugin_event_t *start, xhal_plugin_event_t *end, uint64_t *out_ns);

#endif
